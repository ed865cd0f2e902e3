//! Jobs on a cluster: `submit`, `jobs`, `job`, `logs`, `cancel`, `service add`. Thin: each is
//! one or a few calls to the job methods any node serves (`sl_node::kappa::jobs`), tried on the
//! configured nodes in turn until one answers.
//!
//! `submit` compiles the file here first, so a syntax error is reported with file and line
//! before anything is uploaded. With `--wait` it streams the job's log to stdout, keeps a
//! progress line on stderr (tasks done/running/blocked, resumes after timeouts), and ends with
//! the result: as JSON on the last line (`--json`: an object with `job`, `status`, `result`,
//! `resumes`, `error`, …), exit status 0 when done and 1 when failed.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use sl_node::kappa::jobs::{
    AddService, CancelJob, Empty, GetJob, JobLog, JobRequest, JobTrace, ListJobs, LogRequest,
    ServiceRequest, SubmitJob, SubmitRequest,
};
use sl_rpc::Method;
use sl_rpc::endpoint::Error as RpcError;

use crate::cluster_cmd::{ClusterArgs, Connection, client_runtime, connect};

const POLL_EVERY: Duration = Duration::from_millis(100);
/// Transport failures in a row `--wait` and `logs -f` ride out (a leader change, a node killed).
const WAIT_FAILURES_MAX: u32 = 600;

/// Calls `M` on the first node that answers; a node's refusal is final, a transport failure
/// tries the next.
pub(crate) async fn call<M: Method>(
    connection: &Connection,
    request: &M::Request,
) -> anyhow::Result<M::Response> {
    let mut last = None;
    for addr in &connection.ordered(0) {
        match connection.endpoint.call::<M>(*addr, request).await {
            Ok(response) => return Ok(response),
            Err(RpcError::Remote { error, .. }) => bail!("{}", error.message),
            // Every node checks tokens against the same replicated list: one refusal is final.
            // A node that has not loaded the users yet cannot decide; the others can.
            Err(e @ RpcError::Unauthenticated { .. })
                if sl_rpc::endpoint::refusal_is_transient(&e.to_string()) =>
            {
                last = Some(e)
            }
            Err(RpcError::Unauthenticated { reason, .. }) => bail!("{reason}"),
            Err(e) => {
                connection.unreachable(*addr);
                last = Some(e);
            }
        }
    }
    Err(anyhow!(
        "no node answered: {}",
        last.map_or("no nodes configured".to_owned(), |e| e.to_string())
    ))
}

/// The submission's idempotency key (a retry after a lost answer reuses it).
fn request_key() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // No entropy source: time and pid still separate this client's submissions.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        return nanos ^ ((std::process::id() as u64) << 32);
    }
    u64::from_le_bytes(bytes)
}

pub struct SubmitArgs<'a> {
    pub file: &'a Path,
    pub event: Option<&'a str>,
    pub timeout_s: f64,
    pub checkpoint_ms: u64,
    pub wait: bool,
    pub json: bool,
    pub cluster: &'a ClusterArgs,
}

pub fn submit(args: SubmitArgs) -> anyhow::Result<i32> {
    let source = std::fs::read_to_string(args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let file = args.file.display().to_string();
    if let Err(e) = sl_lang::compile(&file, &source) {
        eprintln!("{e}");
        return Ok(1);
    }
    if let Some(event) = args.event {
        serde_json::from_str::<serde_json::Value>(event).context("--event is not valid JSON")?;
    }
    if !(args.timeout_s.is_finite() && args.timeout_s > 0.0 && args.timeout_s <= 86_400.0) {
        bail!("--timeout is seconds, more than 0 and at most 86400");
    }
    let runtime = client_runtime()?;
    let connection = connect(args.cluster, &runtime)?;
    runtime.block_on(async {
        let request = SubmitRequest {
            request: request_key(),
            file: args
                .file
                .file_name()
                .map_or(file.clone(), |n| n.to_string_lossy().into_owned()),
            source,
            event: args.event.unwrap_or("").to_owned(),
            timeout_ms: (args.timeout_s * 1000.0).round() as u64,
            checkpoint_ms: args.checkpoint_ms,
        };
        // Retried with the same key: a resubmission after a lost answer is the same job.
        let mut attempt = 0;
        let submitted = loop {
            attempt += 1;
            match call::<SubmitJob>(&connection, &request).await {
                Ok(s) => break s,
                Err(e) if attempt < 5 && e.to_string().starts_with("no node answered") => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => return Err(e),
            }
        };
        let job = submitted.job;
        if !args.wait {
            if args.json {
                println!("{}", serde_json::json!({ "job": job }));
            } else {
                println!("job {job} submitted; follow it with `slnode logs {job} -f`");
            }
            return Ok(0);
        }
        wait(&connection, job, args.json).await
    })
}

/// Streams the log and the progress until the job ends; the result last.
async fn wait(connection: &Connection, job: u64, json: bool) -> anyhow::Result<i32> {
    let mut offset = 0u64;
    let mut failures = 0u32;
    let terminal = std::io::stderr().is_terminal();
    let mut last_progress = String::new();
    let mut last_progress_at = Instant::now() - Duration::from_secs(10);
    let started = Instant::now();
    loop {
        let view = match call::<GetJob>(connection, &JobRequest { job }).await {
            Ok(v) => {
                failures = 0;
                v
            }
            Err(e) if failures < WAIT_FAILURES_MAX && e.to_string().starts_with("no node") => {
                failures += 1;
                tokio::time::sleep(POLL_EVERY).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        let view: serde_json::Value = serde_json::from_str(&view.json)?;
        offset = drain_log(connection, job, offset).await.unwrap_or(offset);
        let status = view["status"].as_str().unwrap_or("unknown").to_owned();
        let tasks = &view["tasks"];
        let progress = format!(
            "job {job}: {status}; tasks {} done, {} running, {} blocked, {} ready; {} resumes after timeouts; {:.1} s",
            tasks["done"],
            tasks["running"],
            tasks["blocked"],
            tasks["ready"],
            view["resumes"],
            started.elapsed().as_secs_f64()
        );
        let ended = matches!(status.as_str(), "done" | "failed" | "cancelled");
        if terminal {
            eprint!("\r\x1b[K{progress}");
            if ended {
                eprintln!();
            }
        } else if (progress != last_progress
            && last_progress_at.elapsed() >= Duration::from_secs(1))
            || ended
        {
            eprintln!("{progress}");
            last_progress_at = Instant::now();
        }
        last_progress = progress;
        if ended {
            // Whatever the last calls logged.
            offset = drain_log(connection, job, offset).await.unwrap_or(offset);
            let _ = offset;
            return Ok(finish(&view, json));
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

fn finish(view: &serde_json::Value, json: bool) -> i32 {
    let done = view["status"] == "done";
    if json {
        println!("{view}");
    } else if done {
        println!("{}", view["result"]);
    } else if let Some(error) = view["error"].as_str() {
        eprint!("{error}");
        if !error.ends_with('\n') {
            eprintln!();
        }
    }
    if done { 0 } else { 1 }
}

/// Prints the log from `offset`; the new offset.
async fn drain_log(connection: &Connection, job: u64, mut offset: u64) -> anyhow::Result<u64> {
    let mut stdout = std::io::stdout();
    loop {
        let chunk = call::<JobLog>(connection, &LogRequest { job, from: offset }).await?;
        if chunk.from > offset {
            writeln!(
                stdout,
                "[… {} earlier bytes of the log were dropped]",
                chunk.from - offset
            )?;
        }
        if chunk.text.is_empty() {
            stdout.flush()?;
            return Ok(chunk.from.max(offset));
        }
        stdout.write_all(chunk.text.as_bytes())?;
        offset = chunk.from + chunk.text.len() as u64;
    }
}

pub fn logs(job: u64, follow: bool, cluster: &ClusterArgs) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(cluster, &runtime)?;
    runtime.block_on(async {
        let mut offset = 0;
        let mut failures = 0;
        loop {
            match drain_log(&connection, job, offset).await {
                Ok(next) => {
                    offset = next;
                    failures = 0;
                }
                Err(e)
                    if follow
                        && failures < WAIT_FAILURES_MAX
                        && e.to_string().starts_with("no node") =>
                {
                    failures += 1;
                }
                Err(e) => return Err(e),
            }
            if !follow {
                return Ok(0);
            }
            let chunk = call::<JobLog>(&connection, &LogRequest { job, from: offset }).await;
            if let Ok(chunk) = chunk
                && chunk.ended
                && chunk.text.is_empty()
            {
                return Ok(0);
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    })
}

pub fn job(job: u64, json: bool, cluster: &ClusterArgs) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(cluster, &runtime)?;
    let view = runtime.block_on(call::<GetJob>(&connection, &JobRequest { job }))?;
    let view: serde_json::Value = serde_json::from_str(&view.json)?;
    if json {
        println!("{view}");
        return Ok(0);
    }
    println!(
        "job {}  {}  {}",
        view["job"],
        view["status"].as_str().unwrap_or(""),
        view["file"].as_str().unwrap_or("")
    );
    let tasks = &view["tasks"];
    println!(
        "tasks: {} done, {} running, {} blocked, {} ready, {} failed; {} resumes after timeouts",
        tasks["done"],
        tasks["running"],
        tasks["blocked"],
        tasks["ready"],
        tasks["failed"],
        view["resumes"]
    );
    if view["status"] == "done" {
        println!("result: {}", view["result"]);
    }
    if let Some(error) = view["error"].as_str() {
        println!("error:\n{error}");
    }
    Ok(0)
}

/// Writes the job's timeline in Chrome's trace format and says what it holds.
pub fn trace(job: u64, path: &Path, cluster: &ClusterArgs) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(cluster, &runtime)?;
    let trace = runtime.block_on(call::<JobTrace>(&connection, &JobRequest { job }))?;
    let value: serde_json::Value = serde_json::from_str(&trace.json)?;
    std::fs::write(path, &trace.json)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let events = value["traceEvents"].as_array().map_or(&[][..], |v| v);
    let slices = events.iter().filter(|e| e["ph"] == "X").count();
    let timeouts = events.iter().filter(|e| e["ph"] == "i").count();
    eprintln!(
        "wrote {}: {slices} slices, {timeouts} forced timeouts (open in ui.perfetto.dev)",
        path.display()
    );
    for missing in value["otherData"]["missing_nodes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        eprintln!(
            "warning: no slices from {} (its part of the timeline is missing)",
            missing.as_str().unwrap_or("?")
        );
    }
    Ok(0)
}

pub fn jobs(json: bool, cluster: &ClusterArgs) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(cluster, &runtime)?;
    let list = runtime.block_on(call::<ListJobs>(&connection, &Empty {}))?;
    let list: serde_json::Value = serde_json::from_str(&list.json)?;
    if json {
        println!("{list}");
        return Ok(0);
    }
    println!(
        "{:>6}  {:<10}  {:>8}  {:<24}  result",
        "job", "status", "resumes", "file"
    );
    for job in list.as_array().into_iter().flatten() {
        let result = match job["status"].as_str() {
            Some("done") => job["result"].to_string(),
            _ => job["error"]
                .as_str()
                .and_then(|e| e.trim_end().lines().last())
                .unwrap_or("")
                .to_owned(),
        };
        let result: String = result.chars().take(60).collect();
        println!(
            "{:>6}  {:<10}  {:>8}  {:<24}  {}",
            job["job"],
            job["status"].as_str().unwrap_or(""),
            job["resumes"],
            job["file"].as_str().unwrap_or(""),
            result
        );
    }
    Ok(0)
}

pub fn cancel(job: u64, cluster: &ClusterArgs) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(cluster, &runtime)?;
    runtime.block_on(call::<CancelJob>(&connection, &JobRequest { job }))?;
    println!("job {job} cancelled");
    Ok(0)
}

pub fn service_add(
    name: &str,
    url: &str,
    label: Option<String>,
    reply_label: Option<String>,
    cluster: &ClusterArgs,
) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(cluster, &runtime)?;
    runtime.block_on(call::<AddService>(
        &connection,
        &ServiceRequest {
            name: name.to_owned(),
            url: url.to_owned(),
            label,
            reply_label,
        },
    ))?;
    println!("service {name} → {url}");
    Ok(0)
}
