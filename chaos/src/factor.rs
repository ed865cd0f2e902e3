//! The `lambdapack` workload: Cholesky factorizations run by the cluster executor while the
//! nemesis works, each result verified after recovery.
//!
//! It drives the `slnode` CLI as a user would (`matrix random --spd`, `lambdapack submit`,
//! `lambdapack status`, `matrix get`), one subprocess at a time, each under a deadline (killed past
//! it). Operations:
//! * `matrix` — a random SPD matrix generated on the nodes; `ok` when the CLI said so, `info`
//!   otherwise (the name may or may not have been committed).
//! * `factor` — a run of the shipped `cholesky` program; `ok` with `{dag, status}` once the run
//!   reached `done` or `failed`, `info` when its end was never seen.
//! * `verify` — after healing, for every `factor` that ended `done`: the input and the factor read
//!   back with `matrix get`, and ‖A − LLᵀ‖_F / ‖A‖_F; `fail` when they could not be read.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ndarray::Array2;
use serde_json::{Value, json};

use crate::history::{EventType, event};
use crate::schedule::Rng;
use crate::workloads::{Client, JOB_RECOVERY};

/// The side of one tile; matrices are 2–4 tiles across.
pub const TILE: u64 = 128;
/// One CLI call's budget (generation and submission are quick; a stuck call is killed).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// A factor whose relative residual is above this is wrong (a right one is ~1e-15).
pub const RESIDUAL_MAX: f64 = 1e-9;

/// What the workload needs besides the client: where the CLI is and how it reaches the cluster.
#[derive(Clone)]
pub struct Cli {
    pub slnode: PathBuf,
    pub config: PathBuf,
    pub home: PathBuf,
    /// Scratch space for the `.npy` files read back.
    pub scratch: PathBuf,
}

/// One CLI call's end: the exit status (`None`: killed at the deadline or not started), stdout,
/// stderr.
struct Called {
    success: Option<bool>,
    stdout: String,
    stderr: String,
}

impl Cli {
    fn call(&self, args: &[&str], timeout: Duration) -> Called {
        let child = Command::new(&self.slnode)
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .env("HOME", &self.home)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                return Called {
                    success: None,
                    stdout: String::new(),
                    stderr: format!("could not start slnode: {e}"),
                };
            }
        };
        let deadline = Instant::now() + timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status.success()),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => {
                    let _ = child.kill();
                    break None;
                }
            }
        };
        // Output is small (a JSON line or an error line); reading after exit cannot block on a
        // full pipe for these commands.
        let output = child.wait_with_output();
        let (stdout, stderr) = output.map_or((String::new(), String::new()), |o| {
            (
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        });
        Called {
            success: status,
            stdout,
            stderr: if status.is_none() {
                format!("killed after {timeout:?}: {}", stderr.trim())
            } else {
                stderr.trim().to_owned()
            },
        }
    }

    async fn call_async(&self, args: Vec<String>, timeout: Duration) -> Called {
        let cli = self.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cli.call(&args, timeout)
        })
        .await
        .unwrap_or_else(|e| Called {
            success: None,
            stdout: String::new(),
            stderr: format!("the call's thread failed: {e}"),
        })
    }
}

/// A factorization that ended `done`, to verify after recovery.
#[derive(Clone, Debug)]
pub struct Done {
    pub input: String,
    pub output: String,
    /// History index of its `factor` operation.
    pub op: u64,
}

/// One worker: matrix, factor, matrix, factor… until the run stops.
pub async fn worker(client: Client, cli: Cli, mut rng: Rng, run: u64) -> Vec<Done> {
    let mut done = Vec::new();
    let mut n = 0u64;
    while !client.stop.load(std::sync::atomic::Ordering::Relaxed) {
        n += 1;
        let tiles = 2 + rng.below(3);
        let (a, l) = (format!("lpa{run:x}-{n}"), format!("lpl{run:x}-{n}"));
        let seed = rng.below(1 << 30);
        let size = tiles * TILE;
        let process = client.recorder.process();
        let input = json!({"name": a, "size": size, "tile": TILE, "seed": seed});
        client.recorder.record(event(
            process,
            EventType::Invoke,
            "lambdapack",
            "matrix",
            Some(&a),
            input,
        ));
        let args = [
            "matrix",
            "random",
            &a,
            "--size",
            &size.to_string(),
            "--tile",
            &TILE.to_string(),
            "--spd",
            "--seed",
            &seed.to_string(),
        ];
        let called = cli
            .call_async(args.iter().map(|s| s.to_string()).collect(), CALL_TIMEOUT)
            .await;
        let made = called.success == Some(true);
        let mut ev = event(
            process,
            if made { EventType::Ok } else { EventType::Info },
            "lambdapack",
            "matrix",
            Some(&a),
            Value::Null,
        );
        if !made {
            ev.error = Some(called.stderr);
            client.recorder.record(ev);
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        }
        client.recorder.record(ev);
        if let Some(op) = factor(&client, &cli, &a, &l, tiles).await {
            done.push(Done {
                input: a,
                output: l,
                op,
            });
        }
    }
    done
}

/// Submits the run and follows it to its end; the `factor` operation's index when it ended done.
async fn factor(client: &Client, cli: &Cli, a: &str, l: &str, tiles: u64) -> Option<u64> {
    let process = client.recorder.process();
    let invoke = event(
        process,
        EventType::Invoke,
        "lambdapack",
        "factor",
        Some(l),
        json!({"input": a, "output": l, "tiles": tiles}),
    );
    let index = client.recorder.record(invoke).unwrap_or(u64::MAX);
    let args = [
        "lambdapack",
        "submit",
        "cholesky",
        "--arg",
        &format!("N={tiles}"),
        "--input",
        &format!("I={a}"),
        "--output",
        &format!("O={l}"),
        "--json",
    ];
    let called = cli
        .call_async(args.iter().map(|s| s.to_string()).collect(), CALL_TIMEOUT)
        .await;
    let dag = (called.success == Some(true))
        .then(|| serde_json::from_str::<Value>(called.stdout.trim()).ok())
        .flatten()
        .and_then(|v| v["dag"].as_u64());
    let Some(dag) = dag else {
        let mut ev = event(
            process,
            EventType::Info,
            "lambdapack",
            "factor",
            Some(l),
            Value::Null,
        );
        ev.error = Some(format!("submission unanswered: {}", called.stderr));
        client.recorder.record(ev);
        return None;
    };
    let mut stopped_at: Option<Instant> = None;
    let mut last = String::new();
    loop {
        if client.stop.load(std::sync::atomic::Ordering::Relaxed) {
            let since = *stopped_at.get_or_insert_with(Instant::now);
            if since.elapsed() > JOB_RECOVERY {
                let mut ev = event(
                    process,
                    EventType::Info,
                    "lambdapack",
                    "factor",
                    Some(l),
                    json!({"dag": dag}),
                );
                ev.error = Some(format!("not ended {JOB_RECOVERY:?} after the run: {last}"));
                client.recorder.record(ev);
                return None;
            }
        }
        let args = vec![
            "lambdapack".to_owned(),
            "status".to_owned(),
            dag.to_string(),
            "--json".to_owned(),
        ];
        let called = cli.call_async(args, Duration::from_secs(10)).await;
        let status = (called.success == Some(true))
            .then(|| serde_json::from_str::<Value>(called.stdout.trim()).ok())
            .flatten();
        match status
            .as_ref()
            .and_then(|s| s["status"].as_str().map(str::to_owned))
        {
            Some(s) if s == "done" || s == "failed" => {
                let error = status
                    .as_ref()
                    .and_then(|v| v["error"].as_str().map(str::to_owned));
                let mut ev = event(
                    process,
                    EventType::Ok,
                    "lambdapack",
                    "factor",
                    Some(l),
                    json!({"dag": dag, "status": s, "error": error}),
                );
                ev.error = error;
                client.recorder.record(ev);
                return (s == "done").then_some(index);
            }
            Some(s) => last = format!("status {s}"),
            None => last = called.stderr,
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// After recovery: every factor that ended done is read back and checked.
pub async fn verify_all(client: &Client, cli: &Cli, runs: &[Done]) {
    for (i, run) in runs.iter().enumerate() {
        let process = client.recorder.process();
        client.recorder.record(event(
            process,
            EventType::Invoke,
            "lambdapack",
            "verify",
            Some(&run.output),
            json!({"input": run.input, "output": run.output, "factor_op": run.op}),
        ));
        let mut outcome = Err(String::new());
        for _ in 0..3 {
            outcome = verify(cli, run, i).await;
            if outcome.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let ev = match outcome {
            Ok(residual) => event(
                process,
                EventType::Ok,
                "lambdapack",
                "verify",
                Some(&run.output),
                json!({"residual": residual}),
            ),
            Err(e) => {
                let mut ev = event(
                    process,
                    EventType::Fail,
                    "lambdapack",
                    "verify",
                    Some(&run.output),
                    Value::Null,
                );
                ev.error = Some(e);
                ev
            }
        };
        client.recorder.record(ev);
    }
}

async fn verify(cli: &Cli, run: &Done, i: usize) -> Result<f64, String> {
    let a_path = cli.scratch.join(format!("a-{i}.npy"));
    let l_path = cli.scratch.join(format!("l-{i}.npy"));
    for (name, path) in [(&run.input, &a_path), (&run.output, &l_path)] {
        let args = vec![
            "matrix".to_owned(),
            "get".to_owned(),
            name.clone(),
            "--out".to_owned(),
            path.to_string_lossy().into_owned(),
        ];
        let called = cli.call_async(args, CALL_TIMEOUT).await;
        if called.success != Some(true) {
            return Err(format!("matrix get {name}: {}", called.stderr));
        }
    }
    let residual = residual(&a_path, &l_path);
    let _ = std::fs::remove_file(&a_path);
    let _ = std::fs::remove_file(&l_path);
    residual
}

/// ‖A − LLᵀ‖_F / ‖A‖_F, where only L's lower triangle is its factor (what lies above the diagonal
/// must be zero, or the factor is wrong).
pub fn residual(a: &Path, l: &Path) -> Result<f64, String> {
    let read = |p: &Path| -> Result<Array2<f64>, String> {
        ndarray_npy::read_npy(p).map_err(|e| format!("{}: {e}", p.display()))
    };
    let (a, l) = (read(a)?, read(l)?);
    Ok(relative_residual(&a, &l))
}

pub fn relative_residual(a: &Array2<f64>, l: &Array2<f64>) -> f64 {
    if a.dim() != l.dim() || a.nrows() != a.ncols() {
        return f64::INFINITY;
    }
    let llt = l.dot(&l.t());
    let diff = (a - &llt).mapv(|x| x * x).sum().sqrt();
    let norm = a.mapv(|x| x * x).sum().sqrt();
    if norm == 0.0 { diff } else { diff / norm }
}
