//! Declassifiers: the only way a value goes down the lattice. The admin adds one with an authority
//! `from → to` (`sl_labels::Authority`); a task at `l` calls it with `rt.declassify(NAME, value)`
//! when `l ⊑ from` and `to ⊑ l` (`sl_labels::may_declassify` with data at `l` and target `l`).
//!
//! A declassifier is an external service to the coordinator — `declassify/NAME` with label `from`
//! and reply label `to`, so the machine's service rule (`may_call_service`) enforces exactly the
//! rule above and records the call's intent and result like any `rt.external` call (exactly once
//! per call, replayed on resume). Its implementation is not an HTTP endpoint but a program the
//! node runs as a job at `from`, with the value as its event; the job's request key is derived
//! from the call's idempotency key, so a resumed call finds the same job. Every declassification
//! is appended to a bounded log in the coordinator (`slnode declassifier log`).

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use sl_coordinator::ids::JobId;
use sl_coordinator::machine::{Command, Reply};
use sl_coordinator::query::{Answer, Query};
use sl_labels::Lattice;
use sl_rpc::message::{ErrorCode, RemoteError};

use super::functions::{
    bottom, cas, check_name, decode, read_for_cas, read_raw, store_handler_source, sync_policy, top,
};
use crate::kappa::jobs::{self, JobsContext, SubmitRequest, bad, unavailable};

/// The service name a declassifier is registered under (`rt.declassify(NAME)` calls it).
pub const SERVICE_PREFIX: &str = "declassify/";
/// The service "URL" that tells a worker to run the declassifier rather than POST to it.
pub const URL_SCHEME: &str = "declassifier:";
/// How long a call waits for its declassifier's job.
pub const WAIT_MAX: Duration = Duration::from_secs(30);
/// Entries the log keeps (the oldest are dropped; it must fit one KV value).
pub const LOG_ENTRIES_MAX: usize = 200;
const LOG_KEY: &str = "declassify-log";
const CAS_ATTEMPTS_MAX: usize = 8;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Declassifier {
    pub name: String,
    /// Object key of the source (at the bottom label).
    pub program: String,
    pub file: String,
    /// The authority, as label text of the policy in force when it was added.
    pub from: String,
    pub to: String,
    pub added_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at_ms: u64,
    pub declassifier: String,
    /// The calling task's user (when its job records one), job and label.
    pub user: String,
    pub job: u64,
    pub label: String,
    pub from: String,
    pub to: String,
    /// The job that ran the declassifier.
    pub ran_as: u64,
}

fn record_key(name: &str) -> String {
    format!("declassifier/{name}")
}

/// Adds (or replaces) declassifier `name` with authority `from → to`.
pub async fn add(
    c: &JobsContext,
    name: &str,
    file: &str,
    source: String,
    from: &str,
    to: &str,
) -> Result<Declassifier, RemoteError> {
    check_name(name)?;
    let policy = jobs::policy_now(&c.link).await?;
    let from_label = policy.parse_label(from).map_err(bad)?;
    let to_label = policy.parse_label(to).map_err(bad)?;
    if !policy.flows(&to_label, &from_label) {
        return Err(bad(format!(
            "--to {to} must be at or below --from {from}: a declassifier lowers labels"
        )));
    }
    let (program, file) = store_handler_source(c, name, file, source, "declassifier").await?;
    let record = Declassifier {
        name: name.to_owned(),
        program,
        file,
        from: policy.display(&from_label).to_string(),
        to: policy.display(&to_label).to_string(),
        added_ms: crate::kappa::programs::unix_ms(),
    };
    let value = serde_json::to_vec(&record).map_err(bad)?;
    match c
        .link
        .propose(Command::KvPut {
            key: record_key(name),
            label: bottom(c),
            value,
        })
        .await
        .map_err(unavailable)?
    {
        Reply::Ok => {}
        other => return Err(bad(format!("refused: {other:?}"))),
    }
    // Registered last: until now no task could call it.
    match c
        .link
        .propose(Command::PutLabelledService {
            name: format!("{SERVICE_PREFIX}{name}"),
            url: format!("{URL_SCHEME}{name}"),
            label: from_label,
            reply_label: to_label,
        })
        .await
        .map_err(unavailable)?
    {
        Reply::Ok => Ok(record),
        other => Err(bad(format!("refused: {other:?}"))),
    }
}

async fn get(c: &JobsContext, name: &str) -> Result<Declassifier, String> {
    sync_policy(c).await;
    match read_raw(c, &record_key(name)).await {
        Ok(Some(bytes)) => decode(&bytes, "a declassifier record").map_err(|e| e.message),
        Ok(None) => Err(format!("LookupError: no declassifier named '{name}'")),
        Err(e) => Err(format!("ConnectionError: {}", e.message)),
    }
}

/// Who is calling, for the log.
pub struct CallerTask {
    pub user: String,
    pub job: u64,
    pub label: String,
}

/// Runs declassifier `name` on `event` (JSON) for the call keyed `key`: its return value as
/// JSON, or the Python error the calling task receives.
pub async fn run(
    c: &JobsContext,
    name: &str,
    event: &str,
    key: &str,
    caller: &CallerTask,
) -> Result<serde_json::Value, String> {
    let record = get(c, name).await?;
    let policy = jobs::policy_now(&c.link)
        .await
        .map_err(|e| format!("ConnectionError: {}", e.message))?;
    let from = policy
        .parse_label(&record.from)
        .map_err(|e| format!("ValueError: declassifier {name}: {e}"))?;
    let source = match c.store.get(record.program.as_bytes(), &top(c)).await {
        Ok(Some(object)) => String::from_utf8_lossy(&object.bytes).into_owned(),
        Ok(None) => {
            return Err(format!(
                "LookupError: the source of declassifier {name} is gone"
            ));
        }
        Err(e) => return Err(format!("ConnectionError: {e}")),
    };
    let request = SubmitRequest {
        request: super::invoke::request_key(&format!("{SERVICE_PREFIX}{key}")),
        file: record.file.clone(),
        source,
        event: event.to_owned(),
        timeout_ms: WAIT_MAX.as_millis() as u64,
        checkpoint_ms: 0,
    };
    let context = serde_json::json!({
        "declassifier": name, "from": record.from, "to": record.to,
        "for_user": caller.user, "for_job": caller.job,
    });
    let job = jobs::submit_at(c, from, request, context.to_string())
        .await
        .map_err(|e| format!("ConnectionError: {}", e.message))?
        .response
        .job;
    let deadline = Instant::now() + WAIT_MAX;
    let mut pause = Duration::from_millis(2);
    let view = loop {
        if let Some(Answer::Job(Some(view))) = c.link.read_local(Query::Job(JobId(job))).await
            && (view.outcome.is_some() || view.cancelled)
        {
            break view;
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "TimeoutError: declassifier {name} did not answer within {WAIT_MAX:?}"
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(50));
    };
    let shown = jobs::job_json_fetched(c, &view).await;
    if shown["status"] != "done" {
        return Err(format!(
            "RuntimeError: declassifier {name} failed: {}",
            shown["error"].as_str().unwrap_or("it did not finish")
        ));
    }
    let entry = LogEntry {
        at_ms: crate::kappa::programs::unix_ms(),
        declassifier: name.to_owned(),
        user: caller.user.clone(),
        job: caller.job,
        label: caller.label.clone(),
        from: record.from.clone(),
        to: record.to.clone(),
        ran_as: job,
    };
    if let Err(e) = append_log(c, entry).await {
        // The value is not released unrecorded.
        return Err(format!(
            "ConnectionError: the declassification was not logged: {}",
            e.message
        ));
    }
    Ok(shown["result"].clone())
}

/// Appends `entry` unless the log already has one for the same declassifier job (a resumed call).
async fn append_log(c: &JobsContext, entry: LogEntry) -> Result<(), RemoteError> {
    for _ in 0..CAS_ATTEMPTS_MAX {
        let current = read_for_cas(c, LOG_KEY).await?;
        let mut entries: Vec<LogEntry> = match &current {
            Some(bytes) => decode(bytes, "the declassification log")?,
            None => Vec::new(),
        };
        if entry.ran_as != 0 && entries.iter().any(|e| e.ran_as == entry.ran_as) {
            return Ok(());
        }
        entries.push(entry.clone());
        if entries.len() > LOG_ENTRIES_MAX {
            entries.drain(..entries.len() - LOG_ENTRIES_MAX);
        }
        let value = serde_json::to_vec(&entries).map_err(bad)?;
        if cas(c, LOG_KEY, current, value).await? {
            return Ok(());
        }
    }
    Err(RemoteError::new(
        ErrorCode::Unavailable,
        "the declassification log kept changing",
    ))
}

/// Records that `by` registered external service `name` trusted with data up to `from` whose
/// answers are labelled `to`, below it: the service can carry what a task at `from` sends it to
/// a task at `to`, a standing lowering like a declassifier's. The entry names the service as
/// `service:NAME`, with job and `ran_as` 0 (no job ran).
pub async fn record_lowering_service(
    c: &JobsContext,
    name: &str,
    by: &str,
    from: String,
    to: String,
) -> Result<(), RemoteError> {
    append_log(
        c,
        LogEntry {
            at_ms: crate::kappa::programs::unix_ms(),
            declassifier: format!("service:{name}"),
            user: by.to_owned(),
            job: 0,
            label: String::new(),
            from,
            to,
            ran_as: 0,
        },
    )
    .await
}

pub async fn log(c: &JobsContext) -> Result<Vec<LogEntry>, RemoteError> {
    sync_policy(c).await;
    match read_raw(c, LOG_KEY).await? {
        Some(bytes) => decode(&bytes, "the declassification log"),
        None => Ok(Vec::new()),
    }
}
