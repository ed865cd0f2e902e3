//! Job timelines: every worker slice a node ran (task, slot, start, end, how it ended), kept in
//! a bounded ring on the node that ran it, gathered from every member when someone asks for a
//! job's timeline (`slnode job ID --trace`, the dashboard's job page), and rendered in Chrome's
//! trace format (opens in Perfetto and `chrome://tracing`).
//!
//! Decision: slices stay on the nodes, not in the replicated state. A slice is observation, not
//! a fact the cluster must agree on: keeping them in the coordinator would grow every snapshot
//! and every task call by what only a person looking at a timeline reads. The price is that a
//! node that restarts forgets the slices it ran (the timeline then shows a gap, and the job's
//! resume count still says how often it resumed).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sl_coordinator::service::Driver;
use sl_rpc::endpoint::{Caller, Endpoint, Reply as RpcReply, Router};
use sl_rpc::message::{ErrorCode, RemoteError};

use super::jobs::{JobRequest, JobsContext, JsonText};

/// Slices one node keeps (all jobs together); the oldest go first. About 250 bytes each.
pub const SLICES_KEPT: usize = 50_000;
/// Slices one node answers for one job (the newest): about 2 MB of JSON.
pub const SLICES_PER_ANSWER: usize = 10_000;
/// Slices one trace holds (the newest across nodes): about 5 MB rendered, well inside an RPC
/// answer (16 MiB) and what a browser draws; a trace cut here says how many it left out.
pub const SLICES_PER_TRACE: usize = 20_000;
/// How long a member gets to answer a gather; a dead one costs the timeline this, once.
const MEMBER_ANSWER: Duration = Duration::from_millis(1500);
/// Function names are cut to this in slices (they only label bars).
const FUNCTION_CHARS_MAX: usize = 64;

/// One worker slice of one task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SliceRecord {
    pub job: u64,
    pub task: u64,
    pub epoch: u64,
    pub function: String,
    pub node: String,
    /// The worker slot on that node (0 ..< slots).
    pub slot: u32,
    /// Unix microseconds.
    pub start_us: u64,
    pub end_us: u64,
    /// `exited`, `blocked`, `timed_out` (a forced timeout), `fenced`, `gave_back`.
    pub end: String,
    /// It started from a checkpoint (a resume or a wake-up), not from its arguments.
    pub resumed: bool,
    /// The task's label. A job's tasks may run above the job's label (a raised spawn); those
    /// are hidden from the job's views, so a trace leaves them out too. Travels between
    /// nodes only, never into a trace.
    pub label: sl_labels::Label,
}

/// A node's slices and how many of its slots are busy. Cheap to clone.
#[derive(Clone)]
pub struct Timeline {
    node: String,
    slices: Arc<Mutex<VecDeque<SliceRecord>>>,
    busy: Arc<AtomicU32>,
}

impl Timeline {
    pub fn new(node: impl Into<String>) -> Timeline {
        Timeline {
            node: node.into(),
            slices: Arc::default(),
            busy: Arc::default(),
        }
    }

    pub fn node(&self) -> &str {
        &self.node
    }

    pub fn set_busy(&self, busy: u32) {
        self.busy.store(busy, Ordering::Relaxed);
    }

    pub fn busy(&self) -> u32 {
        self.busy.load(Ordering::Relaxed)
    }

    pub fn record(&self, mut slice: SliceRecord) {
        if slice.function.chars().count() > FUNCTION_CHARS_MAX {
            slice.function = slice.function.chars().take(FUNCTION_CHARS_MAX).collect();
        }
        let mut slices = self.slices.lock().unwrap_or_else(|e| e.into_inner());
        if slices.len() >= SLICES_KEPT {
            slices.pop_front();
        }
        slices.push_back(slice);
    }

    /// This node's slices of `job`, oldest first (the newest [`SLICES_PER_ANSWER`]).
    pub fn of_job(&self, job: u64) -> Vec<SliceRecord> {
        let slices = self.slices.lock().unwrap_or_else(|e| e.into_inner());
        let mut found: Vec<SliceRecord> = slices
            .iter()
            .rev()
            .filter(|s| s.job == job)
            .take(SLICES_PER_ANSWER)
            .cloned()
            .collect();
        found.reverse();
        found
    }
}

/// What the timeline methods need; filled once the node's services exist.
#[derive(Clone)]
pub struct TimelineContext {
    pub jobs: JobsContext,
    pub timeline: Timeline,
    pub driver: Driver,
    pub endpoint: Endpoint,
}

pub type Slot = Arc<std::sync::OnceLock<TimelineContext>>;

/// A job's timeline in Chrome's trace format, for a caller who may see the job (anyone else
/// gets "no job", as from `slnode job`).
pub async fn job_trace(
    c: &TimelineContext,
    caller: &Caller,
    job: u64,
) -> Result<Value, RemoteError> {
    let view = super::jobs::visible_job(&c.jobs, caller, job).await?;
    let (mut slices, mut missing) = gather(&c.timeline, &c.driver, &c.endpoint, job).await;
    // Tasks above the job's label are not part of what its readers may know (the job's views
    // leave them out of counts, log and resumes): neither are their slices.
    slices.retain(|s| c.jobs.policy.flows(&s.label, &view.label));
    let operator = matches!(caller, Caller::Node { .. })
        || matches!(caller, Caller::Client { principal } if principal == crate::admin::ADMIN);
    if !operator {
        // Which nodes exist and why they failed is the admin's view, as `slnode status` is.
        for m in &mut missing {
            if let Some((name, _)) = m.split_once(':') {
                *m = format!("{name}: no answer");
            }
        }
    }
    let dropped = slices.len().saturating_sub(SLICES_PER_TRACE);
    slices.drain(..dropped);
    Ok(chrome_trace(job, &slices, &missing, dropped))
}

pub fn routes(router: Router, slot: Slot) -> Router {
    let (s1, s2) = (slot.clone(), slot);
    router
        .route::<super::jobs::JobSlices, _, _>(move |caller, request: JobRequest, _| {
            let slot = s1.clone();
            async move {
                // Raw slices are for the node gathering a timeline; people get the trace,
                // which checks who may see the job.
                if !matches!(caller, Caller::Node { .. }) {
                    return Err(RemoteError::new(
                        ErrorCode::Forbidden,
                        "slices are gathered by nodes; ask for the job's trace",
                    ));
                }
                let c = super::jobs::context_of(&slot)?;
                let json = serde_json::to_string(&c.timeline.of_job(request.job))
                    .map_err(|e| RemoteError::new(ErrorCode::Internal, e.to_string()))?;
                Ok(RpcReply::new(JsonText { json }))
            }
        })
        .route::<super::jobs::JobTrace, _, _>(move |caller, request: JobRequest, _| {
            let slot = s2.clone();
            async move {
                let c = super::jobs::context_of(&slot)?;
                let trace = job_trace(&c, &caller, request.job).await?;
                Ok(RpcReply::new(JsonText {
                    json: trace.to_string(),
                }))
            }
        })
}

/// Asks every member for its slices of `job` (this node answers from `local`); merged, oldest
/// first. Members that do not answer are named in the second part, so a timeline can say it is
/// missing a node rather than look complete.
pub async fn gather(
    local: &Timeline,
    driver: &Driver,
    endpoint: &Endpoint,
    job: u64,
) -> (Vec<SliceRecord>, Vec<String>) {
    let mut slices = local.of_job(job);
    let mut missing = Vec::new();
    let members = match driver.status().await {
        Some(status) => status.members,
        None => {
            missing.push("other nodes: membership unknown here".to_owned());
            Vec::new()
        }
    };
    let mut asks = tokio::task::JoinSet::new();
    for m in members {
        if m.name == local.node {
            continue;
        }
        let endpoint = endpoint.clone();
        asks.spawn(async move {
            let answer = match m.addr.parse::<SocketAddr>() {
                Ok(addr) => tokio::time::timeout(
                    MEMBER_ANSWER,
                    endpoint.call::<super::jobs::JobSlices>(addr, &super::jobs::JobRequest { job }),
                )
                .await
                .map_err(|_| "no answer".to_owned())
                .and_then(|r| r.map_err(|e| e.to_string()))
                .and_then(|text| {
                    serde_json::from_str::<Vec<SliceRecord>>(&text.json)
                        .map_err(|e| format!("unreadable answer: {e}"))
                }),
                Err(_) => Err("no address recorded".to_owned()),
            };
            (m.name, answer)
        });
    }
    while let Some(joined) = asks.join_next().await {
        match joined {
            Ok((_, Ok(found))) => slices.extend(found),
            Ok((name, Err(e))) => missing.push(format!("{name}: {e}")),
            Err(_) => {}
        }
    }
    slices.sort_by(|a, b| (a.start_us, &a.node, a.slot).cmp(&(b.start_us, &b.node, b.slot)));
    missing.sort();
    (slices, missing)
}

/// The slices in Chrome's trace format: a process per node, a thread per worker slot, a
/// complete event per slice (named by task and function, ending how it ended), and an instant
/// event at each forced timeout. `missing` names nodes whose slices are not in it; `dropped`
/// counts the oldest slices left out to keep it bounded.
pub fn chrome_trace(job: u64, slices: &[SliceRecord], missing: &[String], dropped: usize) -> Value {
    let mut nodes: Vec<&str> = slices.iter().map(|s| s.node.as_str()).collect();
    nodes.sort();
    nodes.dedup();
    let pid = |node: &str| nodes.iter().position(|n| *n == node).unwrap_or(0) + 1;
    let mut events = Vec::new();
    for node in &nodes {
        events.push(json!({
            "ph": "M", "name": "process_name", "pid": pid(node), "tid": 0,
            "args": {"name": node},
        }));
    }
    let mut threads: Vec<(&str, u32)> = slices.iter().map(|s| (s.node.as_str(), s.slot)).collect();
    threads.sort();
    threads.dedup();
    for (node, slot) in threads {
        events.push(json!({
            "ph": "M", "name": "thread_name", "pid": pid(node), "tid": slot,
            "args": {"name": format!("slot {slot}")},
        }));
    }
    for s in slices {
        events.push(json!({
            "ph": "X",
            "name": format!("task {} {}", s.task, s.function),
            "cat": s.end,
            "ts": s.start_us,
            "dur": s.end_us.saturating_sub(s.start_us),
            "pid": pid(&s.node),
            "tid": s.slot,
            "args": {
                "task": s.task, "epoch": s.epoch, "end": s.end, "resumed": s.resumed,
            },
        }));
        if s.end == "timed_out" {
            events.push(json!({
                "ph": "i", "s": "t", "name": "forced timeout", "cat": "timeout",
                "ts": s.end_us, "pid": pid(&s.node), "tid": s.slot,
                "args": {"task": s.task},
            }));
        }
    }
    json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {
            "job": job, "slices": slices.len(), "missing_nodes": missing,
            "slices_left_out": dropped,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(job: u64, task: u64, node: &str, slot: u32, start: u64, end: &str) -> SliceRecord {
        SliceRecord {
            job,
            task,
            epoch: 1,
            function: "f".into(),
            node: node.into(),
            slot,
            start_us: start,
            end_us: start + 10,
            end: end.into(),
            resumed: false,
            label: sl_labels::Label::at(sl_labels::Level(0)),
        }
    }

    #[test]
    fn the_ring_is_bounded_and_answers_one_job_oldest_first() {
        let t = Timeline::new("node-1");
        for i in 0..(SLICES_KEPT as u64 + 10) {
            t.record(slice(i % 2, i, "node-1", 0, i, "exited"));
        }
        assert_eq!(
            t.slices.lock().unwrap().len(),
            SLICES_KEPT,
            "never more than the bound"
        );
        let odd = t.of_job(1);
        assert_eq!(odd.len(), SLICES_PER_ANSWER.min(SLICES_KEPT / 2));
        assert_eq!(
            odd.last().unwrap().start_us,
            SLICES_KEPT as u64 + 9,
            "the newest are answered"
        );
        assert!(odd.windows(2).all(|w| w[0].start_us < w[1].start_us));
        assert!(odd.iter().all(|s| s.job == 1));
        let mut long = slice(3, 1, "node-1", 0, 1, "exited");
        long.function = "x".repeat(1000);
        t.record(long);
        assert_eq!(t.of_job(3)[0].function.len(), FUNCTION_CHARS_MAX);
    }

    #[test]
    fn the_chrome_trace_has_a_process_per_node_a_thread_per_slot_and_marks_timeouts() {
        let slices = vec![
            slice(7, 1, "node-2", 1, 100, "timed_out"),
            slice(7, 1, "node-1", 0, 200, "exited"),
        ];
        let trace = chrome_trace(7, &slices, &["node-3: no answer".into()], 0);
        let events = trace["traceEvents"].as_array().unwrap();
        let complete: Vec<&Value> = events.iter().filter(|e| e["ph"] == "X").collect();
        assert_eq!(complete.len(), 2);
        assert_eq!(complete[0]["pid"], 2, "node-2 sorts after node-1");
        assert_eq!(complete[0]["tid"], 1);
        assert_eq!(complete[0]["dur"], 10);
        let instants: Vec<&Value> = events.iter().filter(|e| e["ph"] == "i").collect();
        assert_eq!(instants.len(), 1);
        assert_eq!(instants[0]["ts"], 110);
        assert_eq!(
            events
                .iter()
                .filter(|e| e["name"] == "process_name")
                .count(),
            2
        );
        assert_eq!(trace["otherData"]["missing_nodes"][0], "node-3: no answer");
    }
}
