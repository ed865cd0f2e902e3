//! The dashboard: one static page (`dashboard.html`, checked in; no build step) served at `/`,
//! and the JSON it polls every second — `/v1/cluster` (the admin's, as `slnode status` is),
//! `/v1/jobs` (the jobs the caller may see, as `slnode jobs`), `/v1/lambdapack` (runs, as
//! `slnode lambdapack status`), with the job views `http` already serves. The page holds no data:
//! everything comes through these routes with the user's token, filtered exactly as the CLI is.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sl_coordinator::service::{Driver, Role};
use sl_rpc::endpoint::{Caller, Endpoint};

use super::http::{Failure, Gateway, authenticate, jobs_context, json_response};
use crate::admin::{ADMIN, Empty, GetNodeInfo};

const PAGE: &str = include_str!("dashboard.html");
/// One node's answer to the cluster view; a dead node costs the page this much, once per poll.
const NODE_ANSWER: Duration = Duration::from_millis(800);

/// What the cluster view needs besides the jobs: the replica's view and a way to ask the others.
#[derive(Clone)]
pub struct ClusterView {
    pub driver: Driver,
    pub endpoint: Endpoint,
    /// This node's slices, for job timelines gathered from every member.
    pub timeline: crate::kappa::timeline::Timeline,
    /// Leader changes this node saw in the last hour.
    pub leader_changes: crate::supervisor::LeaderChanges,
}

pub async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        PAGE,
    )
        .into_response()
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Leader => "leader",
        Role::Voter => "voter",
        Role::Learner => "learner",
        Role::Outside => "outside",
    }
}

/// Every member as `slnode status --json` lists it (the admin only, as for the CLI).
pub(crate) async fn cluster(
    State(g): State<Gateway>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (caller, _) = authenticate(&g, &headers)?;
    if !matches!(&caller, Caller::Client { principal } if principal == ADMIN) {
        return Err(Failure(
            StatusCode::FORBIDDEN,
            "the cluster view is the admin's, as `slnode status` is".into(),
        ));
    }
    let Some(view) = g.cluster.clone() else {
        return Err(Failure(
            StatusCode::SERVICE_UNAVAILABLE,
            "this node has no cluster view".into(),
        ));
    };
    let Some(status) = view.driver.status().await else {
        return Err(Failure(
            StatusCode::SERVICE_UNAVAILABLE,
            "the coordinator replica is not running".into(),
        ));
    };
    let mut asks = tokio::task::JoinSet::new();
    for m in &status.members {
        let (endpoint, id, name, addr) =
            (view.endpoint.clone(), m.id, m.name.clone(), m.addr.clone());
        asks.spawn(async move {
            let started = Instant::now();
            let answer = match addr.parse::<SocketAddr>() {
                Ok(sock) => {
                    match tokio::time::timeout(
                        NODE_ANSWER,
                        endpoint.call::<GetNodeInfo>(sock, &Empty {}),
                    )
                    .await
                    {
                        Ok(Ok(info)) => Ok(info),
                        Ok(Err(e)) => Err(e.to_string()),
                        Err(_) => Err(format!("no answer within {NODE_ANSWER:?}")),
                    }
                }
                Err(_) => Err("no address recorded".to_owned()),
            };
            let rtt_ms = started.elapsed().as_secs_f64() * 1e3;
            match answer {
                Ok(info) => {
                    let raft = info.raft.as_ref();
                    json!({
                        "id": id, "name": info.name, "addr": info.addr,
                        "role": raft.map(|r| role_name(r.role)),
                        "term": raft.map(|r| r.term),
                        "commit": raft.map(|r| r.commit),
                        "applied": raft.map(|r| r.applied),
                        "ready": raft.map(|r| r.ready),
                        "slots": info.slots, "busy": info.busy, "objects": info.objects, "bytes": info.bytes,
                        "healthy": raft.is_some_and(|r| r.leader.is_some()),
                        "rtt_ms": rtt_ms, "error": Value::Null,
                    })
                }
                Err(error) => json!({
                    "id": id, "name": name, "addr": addr, "role": Value::Null,
                    "healthy": false, "rtt_ms": Value::Null, "error": error,
                }),
            }
        });
    }
    let mut nodes = Vec::new();
    while let Some(joined) = asks.join_next().await {
        if let Ok(node) = joined {
            nodes.push(node);
        }
    }
    nodes.sort_by_key(|n| n["id"].as_u64().unwrap_or(u64::MAX));
    let now_ms = crate::kappa::programs::unix_ms();
    let healthy = nodes.iter().all(|n| n["healthy"] == true);
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "leader": status.leader,
            "term": status.term,
            "jobs": status.jobs,
            "healthy": healthy && status.leader.is_some(),
            "nodes": nodes,
            "leader_changes": view
                .leader_changes
                .last_hour(now_ms)
                .into_iter()
                .map(|(at_ms, leader, term)| json!({"at_ms": at_ms, "leader": leader, "term": term}))
                .collect::<Vec<_>>(),
            "now_ms": now_ms,
        }),
    ))
}

pub(crate) async fn jobs(
    State(g): State<Gateway>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (caller, _) = authenticate(&g, &headers)?;
    let c = jobs_context(&g)?;
    let list = crate::kappa::jobs::list_jobs(&c, &caller).await?;
    Ok(json_response(StatusCode::OK, &list))
}

pub(crate) async fn lambdapack(
    State(g): State<Gateway>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (caller, _) = authenticate(&g, &headers)?;
    let c = jobs_context(&g)?;
    let reader = crate::kappa::jobs::caller_label(&c, &caller, true).await?;
    let runs = crate::lambdapack::methods::status(&c, u64::MAX, &reader).await?;
    Ok(json_response(StatusCode::OK, &runs))
}

/// A job's timeline in Chrome's trace format (what `slnode job ID --trace` writes), gathered
/// from every member; the page draws it, Perfetto opens it.
pub(crate) async fn job_trace(
    State(g): State<Gateway>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (caller, _) = authenticate(&g, &headers)?;
    let job: u64 = id
        .parse()
        .map_err(|_| Failure(StatusCode::BAD_REQUEST, format!("{id:?} is not a job id")))?;
    let c = jobs_context(&g)?;
    let Some(view) = g.cluster.clone() else {
        return Err(Failure(
            StatusCode::SERVICE_UNAVAILABLE,
            "this node has no cluster view".into(),
        ));
    };
    let context = crate::kappa::timeline::TimelineContext {
        jobs: c,
        timeline: view.timeline,
        driver: view.driver,
        endpoint: view.endpoint,
    };
    let trace = crate::kappa::timeline::job_trace(&context, &caller, job).await?;
    Ok(json_response(StatusCode::OK, &trace))
}

/// Who the token names, for the page's header.
pub(crate) async fn whoami(
    State(g): State<Gateway>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (caller, user) = authenticate(&g, &headers)?;
    let c = jobs_context(&g)?;
    let label = crate::kappa::jobs::caller_label(&c, &caller, false).await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "user": user,
            "admin": user == ADMIN,
            "label": c.policy.current().display(&label).to_string(),
        }),
    ))
}
