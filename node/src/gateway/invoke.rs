//! One call of a deployed function: a job at the caller's label running `handler(event,
//! context)`, waited for up to a bound. Shared by the HTTP route and the `function_invoke` RPC
//! method (`slnode invoke`), so both answer alike.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sl_coordinator::ids::JobId;
use sl_coordinator::query::{Answer, Query};
use sl_rpc::endpoint::Caller;
use sl_rpc::message::{ErrorCode, RemoteError};

use super::functions::{self, Function};
use crate::kappa::jobs::{self, JobsContext, SubmitRequest};

/// The longest a caller may ask to wait for the answer.
pub const WAIT_MAX: Duration = Duration::from_secs(300);
/// Function sources kept in memory, by object key (least recently used dropped).
const SOURCES_CACHED: usize = 32;
/// How long a caller waits before asking again when this replica could not wait for the job's
/// end (it had not learnt of the job yet, or too many were waiting).
const POLL_PAUSE: Duration = Duration::from_millis(2);

#[derive(Debug)]
pub enum Invoked {
    /// The job ended: its view as `slnode job ID --json` shows it.
    Ended(serde_json::Value),
    /// Still running when the wait was over.
    Running(u64),
}

#[derive(Clone, Default)]
pub struct Sources(Arc<Mutex<Vec<(String, Arc<String>)>>>);

impl Sources {
    async fn get(&self, c: &JobsContext, f: &Function) -> Result<Arc<String>, RemoteError> {
        {
            let mut cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(at) = cached.iter().position(|(k, _)| *k == f.program) {
                let entry = cached.remove(at);
                let source = entry.1.clone();
                cached.push(entry);
                return Ok(source);
            }
        }
        let source = Arc::new(functions::source(c, f).await?);
        let mut cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if cached.len() >= SOURCES_CACHED {
            cached.remove(0);
        }
        cached.push((f.program.clone(), source.clone()));
        Ok(source)
    }
}

pub struct Call<'a> {
    pub caller: &'a Caller,
    /// The caller's user name (the admin's too).
    pub user: &'a str,
    pub function: &'a str,
    /// The event as JSON text.
    pub event: &'a str,
    pub wait: Duration,
    pub request_id: &'a str,
}

pub async fn invoke(
    c: &JobsContext,
    sources: &Sources,
    call: Call<'_>,
) -> Result<Invoked, RemoteError> {
    let function = functions::get_fast(c, call.function)
        .await?
        .ok_or_else(|| functions::not_found(call.function))?;
    let source = sources.get(c, &function).await?;
    let label = caller_label_fast(c, call.caller).await?;
    let context = serde_json::json!({
        "user": call.user,
        "label": c.policy.current().display(&label).to_string(),
        "request_id": call.request_id,
        "function": function.name,
        "version": function.version,
    });
    let request = SubmitRequest {
        request: request_key(call.request_id),
        file: function.file.clone(),
        source: source.as_str().to_owned(),
        event: call.event.to_owned(),
        timeout_ms: function.timeout_ms,
        checkpoint_ms: 0,
    };
    let job = jobs::submit(c, call.caller, request, context.to_string())
        .await?
        .response
        .job;
    let deadline = Instant::now() + call.wait.min(WAIT_MAX);
    loop {
        // The local replica answers once it has applied the job's end (no polling: 32 callers
        // polling every millisecond were 32,000 reads a second through the Raft driver's inbox).
        // An ended job never changes again, so that view is the answer; the caller may see it:
        // it runs at the label this call submitted it at, the caller's own.
        let left = deadline.saturating_duration_since(Instant::now());
        let ended = tokio::time::timeout(left, c.link.job_ended_local(JobId(job))).await;
        match ended {
            Ok(Some(Answer::Job(Some(view)))) if view.outcome.is_some() || view.cancelled => {
                return Ok(Invoked::Ended(jobs::job_json_fetched(c, &view).await));
            }
            Err(_) => return Ok(Invoked::Running(job)),
            // Not known here yet (this replica lags the submission's commit), too many waiting,
            // or the driver shed the call: look again shortly.
            Ok(_) => {
                if Instant::now() >= deadline {
                    return Ok(Invoked::Running(job));
                }
                tokio::time::sleep(POLL_PAUSE.min(left)).await;
            }
        }
    }
}

/// The caller's label from this node's replica when it has the user (the token was checked
/// against this node's copy of the users too, so both are equally fresh), else from the leader:
/// a leader round trip less per call.
async fn caller_label_fast(
    c: &JobsContext,
    caller: &Caller,
) -> Result<sl_labels::Label, RemoteError> {
    if let Caller::Client { principal } = caller
        && principal != crate::admin::ADMIN
        && let Some(Answer::Label(Some(label))) = c
            .link
            .read_local(Query::PrincipalLabel(principal.clone()))
            .await
        && c.policy.current().check_label(&label).is_ok()
    {
        return Ok(label);
    }
    jobs::caller_label(c, caller, false).await
}

/// The submission's idempotency key: one request id, one job.
pub(crate) fn request_key(request_id: &str) -> u64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(request_id.as_bytes());
    u64::from_le_bytes(digest[..8].try_into().unwrap_or([0; 8]))
}

/// A fresh request id (random, so that two calls are two jobs).
pub fn new_request_id() -> String {
    let mut bytes = [0u8; 12];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness: the clock still tells calls apart.
        bytes[..8].copy_from_slice(&crate::kappa::programs::unix_ms().to_le_bytes());
    }
    sl_rpc::token::hex_encode(&bytes)
}

pub fn forbidden(message: impl Into<String>) -> RemoteError {
    RemoteError::new(ErrorCode::Forbidden, message.into())
}
