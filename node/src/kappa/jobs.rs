//! The node's job methods (ids 510–519): what `slnode submit`, `jobs`, `job`, `logs`, `cancel`
//! and `service add` call. Any node serves them; each checks the caller's label: a job is
//! submitted at its principal's label, and a principal sees (and may cancel) only jobs whose
//! label flows to its own — others do not exist for it.
//!
//! Submission: the node compiles the source (a syntax error is the caller's error, with file and
//! line), stores it in the object store at the job's label (durable before the job refers to it),
//! and proposes the job with the client's idempotency key, so a retry after a lost answer
//! returns the first job.

use bytes::Bytes;
use serde_json::json;
use sha2::{Digest, Sha256};
use sl_coordinator::ids::JobId;
use sl_coordinator::machine::{Command, JobOptions, Reply, Status};
use sl_coordinator::query::{Answer, JobView, Query};
use sl_labels::{Label, Lattice};
use sl_objstore::store::Store;
use sl_rpc::endpoint::{Caller, Reply as RpcReply, Router};
use sl_rpc::message::{ErrorCode, RemoteError};

use super::link::Link;
use super::programs::SOURCE_BYTES_MAX;
use super::{codec, failure, rt};
use crate::admin::ADMIN;
pub use crate::admin::Empty;

/// Jobs `slnode jobs` lists at most.
pub const LIST_MAX: u32 = 1000;
/// Log bytes one `logs` call returns at most.
pub const LOG_CHUNK_MAX: u32 = 256 << 10;
pub const EVENT_BYTES_MAX: usize = 64 << 10;
pub const SERVICE_NAME_BYTES_MAX: usize = 128;

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct SubmitRequest {
    /// The client's idempotency key.
    pub request: u64,
    pub file: String,
    pub source: String,
    /// The event for `handler(event, context)`, as JSON ("" for none).
    pub event: String,
    pub timeout_ms: u64,
    pub checkpoint_ms: u64,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Submitted {
    pub job: u64,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct JobRequest {
    pub job: u64,
}

/// Answers as JSON text: the CLI prints it or reads fields from it.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct JsonText {
    pub json: String,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct LogRequest {
    pub job: u64,
    pub from: u64,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct LogChunk {
    pub from: u64,
    pub text: String,
    pub ended: bool,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct ServiceRequest {
    pub name: String,
    pub url: String,
    /// Label text: who may call it (tasks at labels below it; default the bottom).
    pub label: Option<String>,
    /// Label text of its answers (default: `label`); a caller must be at or above it.
    pub reply_label: Option<String>,
}

sl_rpc::method!(
    SubmitJob,
    510,
    "job_submit",
    false,
    SubmitRequest,
    Submitted
);
sl_rpc::method!(GetJob, 511, "job_get", false, JobRequest, JsonText);
sl_rpc::method!(ListJobs, 512, "job_list", false, Empty, JsonText);
sl_rpc::method!(JobLog, 513, "job_log", false, LogRequest, LogChunk);
sl_rpc::method!(CancelJob, 514, "job_cancel", false, JobRequest, Empty);
sl_rpc::method!(AddService, 515, "service_add", false, ServiceRequest, Empty);
sl_rpc::method!(
    /// This node's slices of a job (nodes only; `kappa::timeline` gathers them).
    JobSlices,
    516,
    "job_slices",
    false,
    JobRequest,
    JsonText
);
sl_rpc::method!(
    /// A job's timeline from every node, in Chrome's trace format.
    JobTrace,
    517,
    "job_trace",
    false,
    JobRequest,
    JsonText
);

/// What the job methods need; filled once the node's services exist.
#[derive(Clone)]
pub struct JobsContext {
    pub link: Link,
    pub store: Store,
    pub policy: sl_labels::SharedPolicy,
}

pub type Slot = std::sync::Arc<std::sync::OnceLock<JobsContext>>;

pub(crate) fn context(slot: &Slot) -> Result<JobsContext, RemoteError> {
    context_of(slot)
}

/// A filled context slot of any kind, or "the node is starting".
pub(crate) fn context_of<T: Clone>(slot: &std::sync::OnceLock<T>) -> Result<T, RemoteError> {
    slot.get()
        .cloned()
        .ok_or_else(|| RemoteError::new(ErrorCode::Unavailable, "the node is starting"))
}

pub(crate) fn unavailable(e: impl std::fmt::Display) -> RemoteError {
    RemoteError::new(ErrorCode::Unavailable, e.to_string())
}

pub(crate) fn bad(e: impl std::fmt::Display) -> RemoteError {
    RemoteError::new(ErrorCode::BadRequest, e.to_string())
}

fn not_found(job: u64) -> RemoteError {
    RemoteError::new(ErrorCode::NotFound, format!("no job {job}"))
}

/// The caller's label: the admin and cluster nodes see everything they are asked about at the
/// bottom when submitting (public) and at the top when reading.
pub(crate) async fn caller_label(
    c: &JobsContext,
    caller: &Caller,
    reading: bool,
) -> Result<Label, RemoteError> {
    match caller {
        Caller::Node { .. } => Ok(Lattice::top(&*c.policy.current())),
        Caller::Client { principal } if principal == ADMIN => Ok(if reading {
            Lattice::top(&*c.policy.current())
        } else {
            Lattice::bottom(&*c.policy.current())
        }),
        Caller::Client { principal } => {
            match c
                .link
                .read(Query::PrincipalLabel(principal.clone()))
                .await
                .map_err(unavailable)?
            {
                Answer::Label(Some(label)) => {
                    catch_up_policy(&c.link, &c.policy, &label).await?;
                    Ok(label)
                }
                _ => Err(RemoteError::new(
                    ErrorCode::Forbidden,
                    format!("principal {principal} has no label"),
                )),
            }
        }
        Caller::Joiner => Err(RemoteError::new(
            ErrorCode::Forbidden,
            "joiners may only join",
        )),
    }
}

/// A user's label from the coordinator may name levels or tags of a policy applied after the one
/// this node holds (the supervisor takes the new one on its next refresh): then every flow check
/// here would wrongly say no (a user's own job "not found" just after `policy apply`). Such a
/// label makes the node take the coordinator's policy now.
pub(crate) async fn catch_up_policy(
    link: &Link,
    shared: &sl_labels::SharedPolicy,
    label: &Label,
) -> Result<(), RemoteError> {
    if shared.current().check_label(label).is_ok() {
        return Ok(());
    }
    shared.replace(policy_now(link).await?);
    Ok(())
}

/// The cluster's policy as of now, read through the leader (a policy just applied may not have
/// reached this node's copy yet).
pub(crate) async fn policy_now(link: &Link) -> Result<sl_labels::Policy, RemoteError> {
    match link.read(Query::Policy).await.map_err(unavailable)? {
        Answer::Policy(image) => sl_labels::Policy::from_image(&image)
            .map_err(|e| unavailable(format!("the replicated policy does not load: {e}"))),
        other => Err(unavailable(format!("unexpected answer {other:?}"))),
    }
}

pub(crate) fn status_name(status: Status) -> &'static str {
    match status {
        Status::Ready => "ready",
        Status::Running => "running",
        Status::Blocked => "blocked",
        Status::Done => "done",
        Status::Failed => "failed",
    }
}

/// A job as JSON, its result read from the object store when it is stored there (and at most
/// [`RESULT_SHOWN_BYTES_MAX`]).
pub(crate) async fn job_json_fetched(c: &JobsContext, view: &JobView) -> serde_json::Value {
    let mut json = job_json_with_result(c, view).await;
    json["label"] = json!(c.policy.current().display(&view.label).to_string());
    json
}

async fn job_json_with_result(c: &JobsContext, view: &JobView) -> serde_json::Value {
    let stored = match &view.outcome {
        Some(Ok(bytes)) => codec::referenced(bytes),
        _ => None,
    };
    let Some((key, size)) = stored.filter(|(_, size)| *size <= RESULT_SHOWN_BYTES_MAX as u64)
    else {
        return job_json(view);
    };
    // The caller may see the job (checked), so it may see its result, stored at the job's label.
    let top = Lattice::top(&*c.policy.current());
    match c.store.get(key.as_bytes(), &top).await {
        Ok(Some(object)) if object.bytes.len() as u64 == size => {
            let mut fetched = view.clone();
            fetched.outcome = Some(Ok(object.bytes.to_vec()));
            job_json(&fetched)
        }
        Ok(_) => job_json_error(view, format!("the result {key} is gone")),
        Err(e) => job_json_error(view, format!("the result was not read: {e}")),
    }
}

fn job_json_error(view: &JobView, error: String) -> serde_json::Value {
    let mut json = job_json(view);
    json["error"] = serde_json::Value::String(error);
    json
}

/// Results views show at most (larger ones: `result` null, `result_bytes` their size).
pub const RESULT_SHOWN_BYTES_MAX: usize = 4 << 20;

/// A job as JSON (`slnode job ID --json`; `submit --wait --json` adds to it). A result in the
/// object store shows as `null` with its size in `result_bytes` (`job_json_fetched` reads it).
pub fn job_json(view: &JobView) -> serde_json::Value {
    let stored = match &view.outcome {
        Some(Ok(bytes)) => codec::referenced(bytes).map(|(_, size)| size),
        _ => None,
    };
    let (result, error) = match &view.outcome {
        Some(Ok(_)) if stored.is_some() => (serde_json::Value::Null, None),
        Some(Ok(bytes)) => match codec::decode(bytes) {
            Ok(value) => (
                serde_json::from_str(&rt::to_json(&value)).unwrap_or(serde_json::Value::Null),
                None,
            ),
            Err(e) => (
                serde_json::Value::Null,
                Some(format!("unreadable result: {e}")),
            ),
        },
        Some(Err(text)) => (
            serde_json::Value::Null,
            Some(failure::traceback(text).to_owned()),
        ),
        None => (serde_json::Value::Null, None),
    };
    let [ready, running, blocked, done, failed] = view.counts;
    let status = if view.cancelled {
        "cancelled"
    } else {
        status_name(view.status)
    };
    json!({
        "job": view.id.0,
        "status": status,
        "result": result,
        "error": error,
        "resumes": view.resumes,
        "file": view.options.file,
        "timeout_ms": view.options.timeout_ms,
        "submitted_ms": view.options.submitted_ms,
        "tasks": {"ready": ready, "running": running, "blocked": blocked, "done": done, "failed": failed},
        "root_task": view.root.0,
        "root_node": view.root_node,
        "log_bytes": view.log_bytes,
        "result_bytes": stored,
        "user": serde_json::from_str::<serde_json::Value>(&view.options.context)
            .ok()
            .and_then(|c| c.get("user").cloned())
            .unwrap_or(serde_json::Value::Null),
    })
}

/// [`job_json`] with the job's label as text of the policy in force.
pub(crate) fn job_json_labelled(c: &JobsContext, view: &JobView) -> serde_json::Value {
    let mut json = job_json(view);
    json["label"] = json!(c.policy.current().display(&view.label).to_string());
    json
}

/// The newest jobs `caller` may see, as `slnode jobs --json` shows them.
pub(crate) async fn list_jobs(
    c: &JobsContext,
    caller: &Caller,
) -> Result<serde_json::Value, RemoteError> {
    let reader = caller_label(c, caller, true).await?;
    // Filtered at the coordinator before the bound: jobs the caller may not see never push its
    // own out of the listing.
    let Answer::Jobs(views) = c
        .link
        .read(Query::JobsSeen {
            max: LIST_MAX,
            reader: reader.clone(),
        })
        .await
        .map_err(unavailable)?
    else {
        return Err(unavailable("unexpected answer"));
    };
    Ok(serde_json::Value::Array(
        views
            .iter()
            .filter(|v| c.policy.flows(&v.label, &reader))
            .map(|v| job_json_labelled(c, v))
            .collect(),
    ))
}

/// A job's log from byte `from`, for a caller who may see the job.
pub(crate) async fn read_log(
    c: &JobsContext,
    caller: &Caller,
    job: u64,
    from: u64,
) -> Result<LogChunk, RemoteError> {
    visible_job(c, caller, job).await?;
    match c
        .link
        .read(Query::Log {
            job: JobId(job),
            from,
            max: LOG_CHUNK_MAX,
        })
        .await
        .map_err(unavailable)?
    {
        Answer::Log(Some(log)) => Ok(LogChunk {
            from: log.from,
            text: log.text,
            ended: log.ended,
        }),
        _ => Err(not_found(job)),
    }
}

pub(crate) async fn visible_job(
    c: &JobsContext,
    caller: &Caller,
    job: u64,
) -> Result<JobView, RemoteError> {
    let reader = caller_label(c, caller, true).await?;
    match c
        .link
        .read(Query::Job(JobId(job)))
        .await
        .map_err(unavailable)?
    {
        Answer::Job(Some(view)) if c.policy.flows(&view.label, &reader) => Ok(view),
        _ => Err(not_found(job)),
    }
}

pub fn routes(router: Router, slot: Slot) -> Router {
    let (s1, s2, s3, s4, s5, s6) = (
        slot.clone(),
        slot.clone(),
        slot.clone(),
        slot.clone(),
        slot.clone(),
        slot,
    );
    router
        .route::<SubmitJob, _, _>(move |caller, request: SubmitRequest, _| {
            let slot = s1.clone();
            async move {
                let c = context(&slot)?;
                // The submitter's name travels with the job (`context["user"]`, the
                // declassification log).
                let context = match &caller {
                    Caller::Client { principal } => json!({ "user": principal }).to_string(),
                    _ => String::new(),
                };
                submit(&c, &caller, request, context).await
            }
        })
        .route::<GetJob, _, _>(move |caller, request: JobRequest, _| {
            let slot = s2.clone();
            async move {
                let c = context(&slot)?;
                let view = visible_job(&c, &caller, request.job).await?;
                Ok(RpcReply::new(JsonText {
                    json: job_json_fetched(&c, &view).await.to_string(),
                }))
            }
        })
        .route::<ListJobs, _, _>(move |caller, _: Empty, _| {
            let slot = s3.clone();
            async move {
                let c = context(&slot)?;
                Ok(RpcReply::new(JsonText {
                    json: list_jobs(&c, &caller).await?.to_string(),
                }))
            }
        })
        .route::<JobLog, _, _>(move |caller, request: LogRequest, _| {
            let slot = s4.clone();
            async move {
                let c = context(&slot)?;
                read_log(&c, &caller, request.job, request.from)
                    .await
                    .map(RpcReply::new)
            }
        })
        .route::<CancelJob, _, _>(move |caller, request: JobRequest, _| {
            let slot = s5.clone();
            async move {
                let c = context(&slot)?;
                let view = visible_job(&c, &caller, request.job).await?;
                // Cancelling ends tasks, which those below the job's label can observe: only a
                // caller at the job's own label (or the admin) may.
                let writer = caller_label(&c, &caller, false).await?;
                if !c.policy.flows(&writer, &view.label) {
                    return Err(RemoteError::new(
                        ErrorCode::Forbidden,
                        "only a principal at the job's label may cancel it",
                    ));
                }
                match c
                    .link
                    .propose(Command::CancelJob {
                        job: JobId(request.job),
                    })
                    .await
                    .map_err(unavailable)?
                {
                    Reply::Ok => Ok(RpcReply::new(Empty {})),
                    other => Err(bad(format!("cancel refused: {other:?}"))),
                }
            }
        })
        .route::<AddService, _, _>(move |caller, request: ServiceRequest, _| {
            let slot = s6.clone();
            async move {
                crate::admin::admin_or_node(&caller)?;
                let c = context(&slot)?;
                if request.name.is_empty()
                    || request.name.len() > SERVICE_NAME_BYTES_MAX
                    || !request
                        .name
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch))
                {
                    return Err(bad(format!(
                        "service names are 1 to {SERVICE_NAME_BYTES_MAX} letters, digits, '-', '_' or '.'"
                    )));
                }
                super::external::parse_url(&request.url).map_err(bad)?;
                let policy = policy_now(&c.link).await?;
                let label = match &request.label {
                    Some(text) => policy.parse_label(text).map_err(bad)?,
                    None => Lattice::bottom(&policy),
                };
                let reply_label = match &request.reply_label {
                    Some(text) => policy.parse_label(text).map_err(bad)?,
                    None => label.clone(),
                };
                // A reply label below the label makes the service a way down the lattice:
                // recorded in the declassification log before any task can use it.
                let lowers = !policy.flows(&label, &reply_label);
                if lowers {
                    crate::gateway::declassify::record_lowering_service(
                        &c,
                        &request.name,
                        match &caller {
                            Caller::Client { principal } => principal,
                            _ => "a node",
                        },
                        policy.display(&label).to_string(),
                        policy.display(&reply_label).to_string(),
                    )
                    .await?;
                }
                match c
                    .link
                    .propose(Command::PutLabelledService {
                        name: request.name,
                        url: request.url,
                        label,
                        reply_label,
                    })
                    .await
                    .map_err(unavailable)?
                {
                    Reply::Ok => Ok(RpcReply::new(Empty {})),
                    other => Err(bad(format!("refused: {other:?}"))),
                }
            }
        })
}

/// Compiles submitted source that runs at once: the most compiles one node runs at a time.
const COMPILES_MAX: usize = 4;
static COMPILES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(COMPILES_MAX);

/// Compiles `source` to check it, off the async executor (a 1 MiB hostile program takes a while
/// and the compiler uses its own large-stack thread), at most [`COMPILES_MAX`] at once.
pub(crate) async fn check_compiles(file: &str, source: &str) -> Result<(), RemoteError> {
    let _turn = COMPILES
        .acquire()
        .await
        .map_err(|e| RemoteError::new(ErrorCode::Internal, e.to_string()))?;
    let (file, source) = (file.to_owned(), source.to_owned());
    tokio::task::spawn_blocking(move || sl_lang::compile(&file, &source).map(|_| ()))
        .await
        .map_err(|e| RemoteError::new(ErrorCode::Internal, format!("the compiler failed: {e}")))?
        .map_err(bad)
}

/// Program keys this node has compiled and stored, most recent last (bounded).
struct StoredPrograms(std::sync::Mutex<std::collections::VecDeque<String>>);

const STORED_PROGRAMS_MAX: usize = 256;
static STORED_PROGRAMS: StoredPrograms =
    StoredPrograms(std::sync::Mutex::new(std::collections::VecDeque::new()));

impl StoredPrograms {
    fn contains(&self, key: &str) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|k| k == key)
    }

    fn insert(&self, key: &str) {
        let mut keys = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if keys.len() >= STORED_PROGRAMS_MAX {
            keys.pop_front();
        }
        keys.push_back(key.to_owned());
    }
}

/// Submits a job for `caller`, at its label; `context` is a JSON object (or "") whose entries
/// join the handler's `context`.
pub(crate) async fn submit(
    c: &JobsContext,
    caller: &Caller,
    request: SubmitRequest,
    context: String,
) -> Result<RpcReply<Submitted>, RemoteError> {
    let label = caller_label(c, caller, false).await?;
    submit_at(c, label, request, context).await
}

/// Submits a job at `label` (the node vouches for it: a caller's own label, or a declassifier's).
pub(crate) async fn submit_at(
    c: &JobsContext,
    label: Label,
    request: SubmitRequest,
    context: String,
) -> Result<RpcReply<Submitted>, RemoteError> {
    if request.source.len() > SOURCE_BYTES_MAX {
        return Err(bad(format!(
            "programs are at most {SOURCE_BYTES_MAX} bytes"
        )));
    }
    if request.event.len() > EVENT_BYTES_MAX {
        return Err(bad(format!("events are at most {EVENT_BYTES_MAX} bytes")));
    }
    let file = if request.file.is_empty() {
        "job.py".to_owned()
    } else {
        request.file.chars().take(256).collect()
    };
    let digest = Sha256::digest(request.source.as_bytes());
    let key = sl_coordinator::label_rules::program_key(&label, &sl_rpc::token::hex_encode(&digest));
    // A source this node compiled and stored at this label before (objects are write-once and
    // never removed) needs neither again: a function called a thousand times is one put.
    let known = STORED_PROGRAMS.contains(&key);
    if !known {
        check_compiles(&file, &request.source).await?;
    }
    let event = if request.event.trim().is_empty() {
        sl_lang::Data::Dict(Vec::new())
    } else {
        let value: serde_json::Value = serde_json::from_str(&request.event)
            .map_err(|e| bad(format!("the event is not JSON: {e}")))?;
        rt::from_json(&value)
    };
    let args = codec::encode(&event).map_err(bad)?;
    if !known {
        c.store
            .put(
                key.as_bytes(),
                Bytes::from(request.source.into_bytes()),
                &label,
            )
            .await
            .map_err(unavailable)?;
        STORED_PROGRAMS.insert(&key);
    }
    let submitted_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let command = Command::SubmitJob {
        request: request.request,
        label,
        function: String::new(),
        args,
        options: JobOptions {
            program: key,
            file,
            timeout_ms: request.timeout_ms,
            checkpoint_ms: request.checkpoint_ms,
            submitted_ms,
            context,
        },
    };
    match c.link.propose(command).await.map_err(unavailable)? {
        Reply::Submitted { job, .. } => Ok(RpcReply::new(Submitted { job: job.0 })),
        Reply::Rejected(reject) => Err(bad(format!("the cluster refused the job: {reject:?}"))),
        other => Err(unavailable(format!("unexpected reply {other:?}"))),
    }
}
