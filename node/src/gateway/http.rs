//! The node's HTTP face, on axum over hyper: the dashboard (`/`, see `dashboard`), `/metrics`,
//! `/healthz`, and the gateway's API — `POST /v1/functions/NAME`, `GET /v1/jobs[/ID[/logs]]`,
//! `GET /v1/cluster`, `GET /v1/lambdapack`, `GET /v1/whoami`. Every request from
//! outside runs as the user its bearer token names, at that user's label; answers are filtered
//! exactly as the CLI's are (the same functions produce them).
//!
//! Bounds: connections at once ([`CONNECTIONS_MAX`], beyond that a connection is closed at once),
//! calls in flight ([`CALLS_MAX`], and [`CALLS_PER_USER_MAX`] of one user; beyond either 429,
//! see `turns`), the request head (hyper's limit, and
//! [`HEAD_TIMEOUT`] to send it), the body ([`EVENT_BYTES_MAX`], and [`BODY_TIMEOUT`] to send it),
//! and the answer ([`WRITE_STALL_TIMEOUT`] for the client to take any of its bytes).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use sl_rpc::endpoint::{Authenticator, Caller};
use sl_rpc::message::{ErrorCode, RemoteError};
use tokio::net::TcpListener;
use tracing::debug;

use super::invoke::{self, Invoked, Sources};
use super::turns::{Refused, Turns};
use crate::kappa::jobs::{self, EVENT_BYTES_MAX, Slot};

pub const CONNECTIONS_MAX: usize = 256;
pub const CALLS_MAX: usize = 128;
/// Half the node's turns: one user's flood leaves the other half to everyone else.
pub const CALLS_PER_USER_MAX: usize = CALLS_MAX / 2;
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an answer may wait for the client to take its bytes: a client that sends requests
/// (pipelined) and never reads the answers would otherwise hold its connection slot forever.
pub const WRITE_STALL_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a call waits for its function's answer unless `?wait=` says otherwise.
pub const WAIT_DEFAULT: Duration = Duration::from_secs(30);
/// After a failed `accept` (out of file descriptors, say) the loop waits, doubling from the least
/// to the most wait, instead of retrying at once and spinning a core while nothing can change.
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// What `/healthz` reports: healthy when the closure says so (the node has a leader).
pub type Health = Arc<dyn Fn() -> (bool, String) + Send + Sync>;

#[derive(Clone)]
pub struct Gateway {
    pub jobs: Slot,
    pub users: Arc<dyn Authenticator>,
    pub sources: Sources,
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
    pub health: Health,
    /// For the dashboard's cluster view (`None` in a gateway without one).
    pub cluster: Option<super::dashboard::ClusterView>,
    calls: Turns,
}

impl Gateway {
    pub fn new(
        jobs: Slot,
        users: Arc<dyn Authenticator>,
        sources: Sources,
        metrics: metrics_exporter_prometheus::PrometheusHandle,
        health: Health,
        cluster: Option<super::dashboard::ClusterView>,
    ) -> Gateway {
        Gateway {
            jobs,
            users,
            sources,
            metrics,
            health,
            cluster,
            calls: Turns::new(CALLS_MAX, CALLS_PER_USER_MAX),
        }
    }
}

/// An error answer: `{"error": …}` with its status.
pub(crate) struct Failure(pub(crate) StatusCode, pub(crate) String);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        json_response(self.0, &serde_json::json!({"error": self.1}))
    }
}

impl From<RemoteError> for Failure {
    fn from(e: RemoteError) -> Failure {
        let status = match e.code {
            ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::UnknownMethod | ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Failure(status, e.message)
    }
}

pub(crate) fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{value}\n"),
    )
        .into_response()
}

pub fn router(gateway: Gateway) -> Router {
    Router::new()
        .route("/", get(super::dashboard::page))
        .route("/v1/cluster", get(super::dashboard::cluster))
        .route("/v1/jobs", get(super::dashboard::jobs))
        .route("/v1/lambdapack", get(super::dashboard::lambdapack))
        .route("/v1/whoami", get(super::dashboard::whoami))
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/v1/functions/{name}", post(call_function))
        .route("/v1/jobs/{id}", get(job))
        .route("/v1/jobs/{id}/logs", get(job_logs))
        .route("/v1/jobs/{id}/trace", get(super::dashboard::job_trace))
        .layer(axum::middleware::from_fn(count_requests))
        .fallback(|| async {
            Failure(
                StatusCode::NOT_FOUND,
                "no such route; try /, POST /v1/functions/NAME, GET /v1/jobs/ID, /metrics or /healthz"
                    .into(),
            )
        })
        .with_state(gateway)
}

/// Requests by route (the pattern, never the raw path: ids and names would make unbounded label
/// sets) and status class, and their latency.
async fn count_requests(request: Request, next: axum::middleware::Next) -> Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = match response.status().as_u16() {
        200..=299 => "2xx",
        400..=499 => "4xx",
        500..=599 => "5xx",
        _ => "other",
    };
    metrics::counter!("slnode_http_requests_total", "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("slnode_http_request_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

async fn metrics(State(g): State<Gateway>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        g.metrics.render(),
    )
        .into_response()
}

async fn healthz(State(g): State<Gateway>) -> Response {
    let (ok, detail) = (g.health)();
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, format!("{detail}\n")).into_response()
}

/// The user a request's `Authorization: Bearer …` names.
pub(crate) fn authenticate(g: &Gateway, headers: &HeaderMap) -> Result<(Caller, String), Failure> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Failure(
                StatusCode::UNAUTHORIZED,
                "no token: send Authorization: Bearer <your token> (`slnode user token NAME`)"
                    .into(),
            )
        })?;
    let principal = g
        .users
        .authenticate(token)
        .map_err(|e| Failure(StatusCode::UNAUTHORIZED, e))?;
    Ok((
        Caller::Client {
            principal: principal.clone(),
        },
        principal,
    ))
}

pub(crate) fn jobs_context(g: &Gateway) -> Result<jobs::JobsContext, Failure> {
    jobs::context(&g.jobs).map_err(Failure::from)
}

/// `?wait=SECONDS` (fractions allowed), bounded by [`invoke::WAIT_MAX`].
/// The value of query parameter `name` (the first one), if the request has it.
fn query_param<'a>(uri: &'a Uri, name: &str) -> Option<&'a str> {
    uri.query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

fn wait_of(uri: &Uri) -> Result<Duration, Failure> {
    let Some(value) = query_param(uri, "wait") else {
        return Ok(WAIT_DEFAULT);
    };
    let seconds: f64 = value.parse().map_err(|_| {
        Failure(
            StatusCode::BAD_REQUEST,
            format!("wait={value} is not a number of seconds"),
        )
    })?;
    if !(0.0..=invoke::WAIT_MAX.as_secs_f64()).contains(&seconds) {
        return Err(Failure(
            StatusCode::BAD_REQUEST,
            format!("wait is 0 to {} seconds", invoke::WAIT_MAX.as_secs()),
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

async fn call_function(
    State(g): State<Gateway>,
    Path(name): Path<String>,
    request: Request,
) -> Result<Response, Failure> {
    let (caller, user) = authenticate(&g, request.headers())?;
    let wait = wait_of(request.uri())?;
    let _turn = g.calls.take(&user).map_err(|refused| {
        Failure(
            StatusCode::TOO_MANY_REQUESTS,
            match refused {
                Refused::Node { max } => {
                    format!("this node runs {max} calls at once; try again shortly")
                }
                Refused::User { max } => {
                    format!("{user} runs {max} calls at once on this node; try again when one ends")
                }
            },
        )
    })?;
    let body = request.into_body();
    let bytes =
        match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, EVENT_BYTES_MAX)).await
        {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(_)) => {
                return Err(Failure(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the body is over {EVENT_BYTES_MAX} bytes"),
                ));
            }
            Err(_) => {
                return Err(Failure(
                    StatusCode::REQUEST_TIMEOUT,
                    format!("the body took over {BODY_TIMEOUT:?} to arrive"),
                ));
            }
        };
    let event = if bytes.iter().all(u8::is_ascii_whitespace) {
        "{}".to_owned()
    } else {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .map_err(|e| {
                Failure(
                    StatusCode::BAD_REQUEST,
                    format!("the body is not JSON: {e}"),
                )
            })?
            .to_string()
    };
    let c = jobs_context(&g)?;
    let request_id = invoke::new_request_id();
    let invoked = invoke::invoke(
        &c,
        &g.sources,
        invoke::Call {
            caller: &caller,
            user: &user,
            function: &name,
            event: &event,
            wait,
            request_id: &request_id,
        },
    )
    .await?;
    let mut response = match invoked {
        Invoked::Running(job) => {
            json_response(StatusCode::ACCEPTED, &serde_json::json!({"job": job}))
        }
        Invoked::Ended(view) => match view["status"].as_str() {
            Some("done") => json_response(StatusCode::OK, &view["result"]),
            _ => json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &serde_json::json!({
                    "error": view["error"].as_str().unwrap_or("the call did not finish"),
                    "status": view["status"],
                    "job": view["job"],
                }),
            ),
        },
    };
    if let Ok(id) = request_id.parse() {
        response.headers_mut().insert("x-request-id", id);
    }
    Ok(response)
}

fn job_id(id: &str) -> Result<u64, Failure> {
    id.parse()
        .map_err(|_| Failure(StatusCode::BAD_REQUEST, format!("{id} is not a job id")))
}

/// The caller, the job id and the job methods' context of a `/v1/jobs/ID…` request.
fn job_request(
    g: &Gateway,
    headers: &HeaderMap,
    id: &str,
) -> Result<(Caller, u64, jobs::JobsContext), Failure> {
    let (caller, _) = authenticate(g, headers)?;
    Ok((caller, job_id(id)?, jobs_context(g)?))
}

async fn job(
    State(g): State<Gateway>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (caller, job, c) = job_request(&g, &headers, &id)?;
    let view = jobs::visible_job(&c, &caller, job).await?;
    Ok(json_response(
        StatusCode::OK,
        &jobs::job_json_fetched(&c, &view).await,
    ))
}

async fn job_logs(
    State(g): State<Gateway>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (caller, job, c) = job_request(&g, &headers, &id)?;
    let from = log_from(&uri)?;
    let chunk = jobs::read_log(&c, &caller, job, from).await?;
    // A log is read in chunks: where this one starts (later than asked when the head was
    // dropped), where the next starts, and whether the job has ended (nothing more to come).
    let next = chunk.from + chunk.text.len() as u64;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::HeaderName::from_static("x-log-from"),
                chunk.from.to_string(),
            ),
            (
                header::HeaderName::from_static("x-log-next"),
                next.to_string(),
            ),
            (
                header::HeaderName::from_static("x-log-ended"),
                chunk.ended.to_string(),
            ),
        ],
        chunk.text,
    )
        .into_response())
}

/// `?from=BYTES`: where in the job's log to start (0 unless given).
fn log_from(uri: &Uri) -> Result<u64, Failure> {
    let Some(value) = query_param(uri, "from") else {
        return Ok(0);
    };
    value.parse().map_err(|_| {
        Failure(
            StatusCode::BAD_REQUEST,
            format!("from={value} is not a byte offset"),
        )
    })
}

/// Calls `accept` forever, handing each success to `serve`; failures back off (see above).
async fn accept_forever<T, F, Fut>(mut accept: F, mut serve: impl FnMut(T))
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = std::io::Result<T>>,
{
    let mut backoff = ACCEPT_BACKOFF_MIN;
    loop {
        match accept().await {
            Ok(accepted) => {
                backoff = ACCEPT_BACKOFF_MIN;
                serve(accepted);
            }
            Err(e) => {
                tracing::warn!("http accept failed, retrying in {backoff:?}: {e}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
            }
        }
    }
}

/// Binds `addr` and serves until the task is aborted.
pub async fn serve(
    addr: SocketAddr,
    gateway: Gateway,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let listener = TcpListener::bind(addr).await?;
    let app = router(gateway);
    let slots = Arc::new(tokio::sync::Semaphore::new(CONNECTIONS_MAX));
    let serve_one = move |(stream, _): (tokio::net::TcpStream, SocketAddr)| {
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            // Over the bound: close at once rather than queue.
            return;
        };
        // Answers are small and written at once: no reason to let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(64 << 10)
                .serve_connection(
                    TokioIo::new(super::stall::WriteStall::new(stream, WRITE_STALL_TIMEOUT)),
                    service,
                );
            if let Err(e) = connection.await {
                debug!("http connection ended: {e}");
            }
        });
    };
    Ok(tokio::spawn(async move {
        accept_forever(|| listener.accept(), serve_one).await
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Before the fix a failing accept was retried at once, forever: millions of calls a second
    /// on one core.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn failing_accepts_back_off() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let task = tokio::spawn(accept_forever(
            move || {
                counted.fetch_add(1, Ordering::Relaxed);
                std::future::ready(Err::<(), _>(std::io::Error::other("too many open files")))
            },
            |_| {},
        ));
        std::thread::sleep(Duration::from_millis(500));
        let seen = calls.load(Ordering::Relaxed);
        task.abort();
        // 10 + 20 + 40 + 80 + 160 ms of waits fit in 500 ms: about six attempts.
        assert!((2..=10).contains(&seen), "{seen} accepts in 500 ms");
    }

    /// A gateway without jobs whose one user, alice, has token `t`, and a call of function
    /// `f` by her.
    fn alices_gateway() -> (Gateway, impl Fn() -> Request) {
        let users = sl_rpc::endpoint::StaticTokens(
            [("t".to_owned(), "alice".to_owned())].into_iter().collect(),
        );
        let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
            .build_recorder()
            .handle();
        let g = Gateway::new(
            Slot::default(),
            Arc::new(users),
            Sources::default(),
            metrics,
            Arc::new(|| (true, "ok".to_owned())),
            None,
        );
        let request = || {
            Request::builder()
                .method("POST")
                .uri("/v1/functions/f")
                .header(header::AUTHORIZATION, "Bearer t")
                .body(axum::body::Body::from("{}"))
                .unwrap()
        };
        (g, request)
    }

    /// A node running its most calls answers the next with 429 and a JSON error, before
    /// reading the body; a freed turn lets the next call through the bound.
    #[tokio::test]
    async fn calls_past_the_bound_get_429() {
        let (g, request) = alices_gateway();
        // Every turn taken, by other users (one user may hold only half).
        let all: Vec<_> = (0..CALLS_MAX)
            .map(|i| g.calls.take(&format!("user{}", i % 2)).unwrap())
            .collect();
        let Err(refused) = call_function(State(g.clone()), Path("f".into()), request()).await
        else {
            panic!("a call past the bound ran");
        };
        let answer = refused.into_response();
        assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
        let body = axum::body::to_bytes(answer.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(
            body["error"].as_str().unwrap().contains("calls at once"),
            "{body}"
        );
        // With a turn free the call gets past the bound (and fails later: this node has no
        // jobs context).
        drop(all);
        let Err(later) = call_function(State(g), Path("f".into()), request()).await else {
            panic!("a node without jobs ran a call");
        };
        assert_ne!(later.0, StatusCode::TOO_MANY_REQUESTS, "{}", later.1);
    }

    /// One user holding their share of a node's turns gets 429 for the next call, naming
    /// the per-user bound, while the node still has turns for others.
    #[tokio::test]
    async fn one_users_calls_past_their_share_get_429() {
        let (g, request) = alices_gateway();
        let held: Vec<_> = (0..CALLS_PER_USER_MAX)
            .map(|_| g.calls.take("alice").unwrap())
            .collect();
        let Err(refused) = call_function(State(g.clone()), Path("f".into()), request()).await
        else {
            panic!("a call past alice's share ran");
        };
        assert_eq!(refused.0, StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.1.contains("alice runs 64 calls"), "{}", refused.1);
        assert!(g.calls.take("bob").is_ok(), "bob is refused too");
        drop(held);
        let Err(later) = call_function(State(g), Path("f".into()), request()).await else {
            panic!("a node without jobs ran a call");
        };
        assert_ne!(later.0, StatusCode::TOO_MANY_REQUESTS, "{}", later.1);
    }

    #[test]
    fn wait_is_parsed_and_bounded() {
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(wait_of(&uri("/v1/functions/f")).ok(), Some(WAIT_DEFAULT));
        assert_eq!(
            wait_of(&uri("/v1/functions/f?x=1&wait=0.5")).ok(),
            Some(Duration::from_millis(500))
        );
        assert!(wait_of(&uri("/v1/functions/f?wait=abc")).is_err());
        assert!(wait_of(&uri("/v1/functions/f?wait=-1")).is_err());
        assert!(wait_of(&uri("/v1/functions/f?wait=100000")).is_err());
    }
}
