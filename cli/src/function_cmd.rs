//! `slnode function deploy|list|rm` and `slnode invoke`: deployed functions, called from the
//! command line the way the HTTP gateway calls them (a job at the caller's label running
//! `handler(event, context)`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Subcommand;
use sl_node::gateway::methods::{
    DeployFunction, DeployRequest, InvokeFunction, InvokeRequest, ListFunctions, NameRequest,
    RemoveFunction,
};
use sl_node::kappa::jobs::{GetJob, JobRequest, JsonText};

use crate::cluster_cmd::{ClusterArgs, client_runtime, connect};
use crate::job_cmd::call;

#[derive(Subcommand)]
pub enum FunctionCommand {
    /// Deploy FILE.py (defining `handler(event, context)`) as function NAME; deploying again makes
    /// a new version.
    Deploy {
        name: String,
        file: PathBuf,
        /// The hard deadline of one worker slice, in seconds (calls resume from checkpoints).
        #[arg(long, default_value_t = 60.0, value_parser = crate::args::seconds::<86_400>)]
        timeout: f64,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// The deployed functions.
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Remove function NAME (calls already running finish).
    Rm {
        name: String,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
}

/// The file's name and source, compiled here first: `None` when it does not compile (the error,
/// with file and line, is printed and nothing is sent).
fn checked_source(file: &std::path::Path) -> anyhow::Result<Option<(String, String)>> {
    let source =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    if let Err(e) = sl_lang::compile(&file.display().to_string(), &source) {
        eprintln!("{e}");
        return Ok(None);
    }
    let name = file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Some((name, source)))
}

pub fn run(command: FunctionCommand) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    match command {
        FunctionCommand::Deploy {
            name,
            file,
            timeout,
            cluster,
        } => {
            let Some((file, source)) = checked_source(&file)? else {
                return Ok(1);
            };
            let connection = connect(&cluster, &runtime)?;
            let deployed: JsonText = runtime.block_on(call::<DeployFunction>(
                &connection,
                &DeployRequest {
                    name,
                    file,
                    source,
                    timeout_ms: (timeout * 1000.0).round() as u64,
                },
            ))?;
            let f: serde_json::Value = serde_json::from_str(&deployed.json)?;
            println!(
                "function {} version {}",
                f["name"].as_str().unwrap_or(""),
                f["version"]
            );
        }
        FunctionCommand::List { json, cluster } => {
            let connection = connect(&cluster, &runtime)?;
            let list: JsonText = runtime.block_on(call::<ListFunctions>(
                &connection,
                &sl_node::admin::Empty {},
            ))?;
            if json {
                println!("{}", list.json);
            } else {
                let list: serde_json::Value = serde_json::from_str(&list.json)?;
                println!(
                    "{:<24} {:>7}  {:<16} file",
                    "function", "version", "deployed by"
                );
                for f in list.as_array().into_iter().flatten() {
                    println!(
                        "{:<24} {:>7}  {:<16} {}",
                        f["name"].as_str().unwrap_or(""),
                        f["version"],
                        f["deployed_by"].as_str().unwrap_or(""),
                        f["file"].as_str().unwrap_or("")
                    );
                }
            }
        }
        FunctionCommand::Rm { name, cluster } => {
            let connection = connect(&cluster, &runtime)?;
            runtime.block_on(call::<RemoveFunction>(
                &connection,
                &NameRequest { name: name.clone() },
            ))?;
            println!("function {name} removed");
        }
    }
    Ok(0)
}

/// One RPC waits at most this long (the client's request timeout is 5 s); longer calls are
/// followed with `job` reads.
const WAIT_PER_CALL: Duration = Duration::from_secs(3);

/// `slnode invoke NAME --event JSON`: prints the handler's return value as JSON; exit 1 when the
/// call raised (its traceback on stderr), 2 when it was still running after `wait` seconds.
pub fn invoke(
    name: String,
    event: Option<String>,
    wait: f64,
    cluster: ClusterArgs,
) -> anyhow::Result<i32> {
    let event = event.unwrap_or_else(|| "{}".to_owned());
    serde_json::from_str::<serde_json::Value>(&event).context("--event is not valid JSON")?;
    if !(wait.is_finite() && (0.0..=86_400.0).contains(&wait)) {
        bail!("--wait is 0 to 86400 seconds");
    }
    let runtime = client_runtime()?;
    let connection = connect(&cluster, &runtime)?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(wait);
    let answer: JsonText = runtime.block_on(call::<InvokeFunction>(
        &connection,
        &InvokeRequest {
            name,
            event,
            wait_ms: WAIT_PER_CALL.min(Duration::from_secs_f64(wait)).as_millis() as u64,
            request_id: sl_node::gateway::invoke::new_request_id(),
        },
    ))?;
    let mut view: serde_json::Value = serde_json::from_str(&answer.json)?;
    while view["status"] == "running" || view["status"] == "ready" || view["status"] == "blocked" {
        let Some(job) = view["job"].as_u64() else {
            break;
        };
        if Instant::now() >= deadline {
            eprintln!("job {job} is still running; see `slnode job {job}`");
            println!("{}", serde_json::json!({"job": job}));
            return Ok(2);
        }
        std::thread::sleep(Duration::from_millis(100));
        let fetched: JsonText =
            runtime.block_on(call::<GetJob>(&connection, &JobRequest { job }))?;
        view = serde_json::from_str(&fetched.json)?;
    }
    match view["status"].as_str() {
        Some("done") => {
            println!("{}", view["result"]);
            Ok(0)
        }
        _ => {
            eprintln!(
                "{}",
                view["error"].as_str().unwrap_or("the call did not finish")
            );
            Ok(1)
        }
    }
}

#[derive(Subcommand)]
pub enum DeclassifierCommand {
    /// (admin) Add declassifier NAME: FILE.py's `handler(event, context)` runs at label FROM and
    /// its answer is released at label TO; a task at `l` may call it with
    /// `rt.declassify(NAME, value)` when `l ⊑ FROM` and `TO ⊑ l`.
    Add {
        name: String,
        file: PathBuf,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// (admin) Every declassification: when, which declassifier, for whom (user, job, label),
    /// from and to.
    Log {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
}

pub fn declassifier(command: DeclassifierCommand) -> anyhow::Result<i32> {
    use sl_node::gateway::methods::{AddDeclassifier, DeclassifierRequest, DeclassifyLog};
    let runtime = client_runtime()?;
    match command {
        DeclassifierCommand::Add {
            name,
            file,
            from,
            to,
            cluster,
        } => {
            let Some((file, source)) = checked_source(&file)? else {
                return Ok(1);
            };
            let connection = connect(&cluster, &runtime)?;
            let added: JsonText = runtime.block_on(call::<AddDeclassifier>(
                &connection,
                &DeclassifierRequest {
                    name,
                    file,
                    source,
                    from,
                    to,
                },
            ))?;
            let d: serde_json::Value = serde_json::from_str(&added.json)?;
            println!(
                "declassifier {}: {} → {}",
                d["name"].as_str().unwrap_or(""),
                d["from"].as_str().unwrap_or(""),
                d["to"].as_str().unwrap_or("")
            );
        }
        DeclassifierCommand::Log { json, cluster } => {
            let connection = connect(&cluster, &runtime)?;
            let log: JsonText = runtime.block_on(call::<DeclassifyLog>(
                &connection,
                &sl_node::admin::Empty {},
            ))?;
            if json {
                println!("{}", log.json);
            } else {
                let log: serde_json::Value = serde_json::from_str(&log.json)?;
                println!(
                    "{:<14} {:<16} {:<12} {:>18} {:<12} {:<12} {:<12}",
                    "at (unix ms)", "declassifier", "user", "job", "label", "from", "to"
                );
                for e in log.as_array().into_iter().flatten() {
                    // A registered lowering service ran no job (`job` 0, no label).
                    let job = match e["job"].as_u64() {
                        Some(0) | None => "-".to_owned(),
                        Some(job) => job.to_string(),
                    };
                    println!(
                        "{:<14} {:<16} {:<12} {:>18} {:<12} {:<12} {:<12}",
                        e["at_ms"],
                        e["declassifier"].as_str().unwrap_or(""),
                        e["user"].as_str().unwrap_or(""),
                        job,
                        e["label"].as_str().filter(|l| !l.is_empty()).unwrap_or("-"),
                        e["from"].as_str().unwrap_or(""),
                        e["to"].as_str().unwrap_or("")
                    );
                }
            }
        }
    }
    Ok(0)
}
