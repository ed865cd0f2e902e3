//! `slnode bench kappa`: Kappa's micro-benchmarks on a real 3-node loopback cluster (started
//! with `slnode up` in a temporary directory, stopped at the end). Each measurement is a job that
//! times itself with `time.time()`, so it sees what task code sees, coordinator round trips
//! included (throughput: `spawn_many` of 2,000 trivial children until the last is waited on).
//! Short children run in place on their parent's worker (docs/kappa.md); the round trip,
//! throughput and chain are measured again with `inline = False`, every child a task of its own.
//! The CPU-bound slowdown compares the same program under `slnode run` in this
//! process against the cluster, with the default timeout and with a 1 s forced timeout.
//!
//! The peer is Ray, measured in the same run on the same machine when a Python with `ray`
//! installed is found (`--ray PYTHON`, else `python3` if it imports `ray`): the same round trip,
//! trivial tasks, chain and an actor call (Ray's nearest to a queue ping-pong), from
//! `ray_bench.py`. Without Ray the report says so instead of quoting figures from elsewhere.

use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use serde_json::{Value, json};
use sl_node::kappa::local::{Ended, LocalRuntime};

const CHECKPOINTS: &str = r#"
import rt, time

def main():
    out = {}
    for size in [1 << 10, 64 << 10, 1 << 20, 8 << 20]:
        state = "x" * size
        rounds = 20 if size <= (1 << 20) else 5
        t = time.time()
        for _ in range(rounds):
            rt.checkpoint()
        out[str(size)] = (time.time() - t) / rounds * 1000
        state = None
    return out
"#;

const ROUND_TRIP: &str = r#"
import rt, time

def noop():
    return 1

def main():
    times = []
    for _ in range(200):
        t = time.time()
        rt.spawn(noop).wait()
        times.append((time.time() - t) * 1000)
    times.sort()
    return {"p50": times[len(times) // 2], "p99": times[len(times) * 99 // 100]}
"#;

const THROUGHPUT: &str = r#"
import rt, time

def noop():
    return 1

def main():
    t = time.time()
    futures = rt.spawn_many(noop, (), 2000)
    total = 0
    for f in futures:
        total += f.wait()
    return {"tasks_per_s": total / (time.time() - t)}
"#;

const CHAIN: &str = r#"
import rt, time

def inc(x):
    return x + 1

def main():
    t = time.time()
    f = rt.spawn(inc, (0,))
    for _ in range(99):
        f = rt.spawn(inc, (f,))
    value = f.wait()
    return {"ms": (time.time() - t) * 1000, "value": value}
"#;

const PING_PONG: &str = r#"
import rt, time

ROUNDS = 300

def ponger(ping, pong):
    for _ in range(ROUNDS):
        pong.enqueue(ping.dequeue())

def main():
    ping = rt.create_queue(1)
    pong = rt.create_queue(1)
    done = rt.spawn(ponger, (ping, pong))
    pong_first = time.time()
    ping.enqueue(0)
    pong.dequeue()
    t = time.time()
    for i in range(ROUNDS - 1):
        ping.enqueue(i)
        pong.dequeue()
    done.wait()
    return {"ms": (time.time() - t) / (ROUNDS - 1) * 1000}
"#;

/// The factorial example's pure-Python big-integer loop (its code, not a copy), on 12000! and
/// timed from inside; this later `main` replaces the example's.
const CPU_BOUND: &str = concat!(
    include_str!("../../examples/factorial.py"),
    r#"
import time


def main():
    t = time.time()
    digits = factorial_digits(12000)
    return {"s": time.time() - t, "digits": len(digits)}
"#
);

pub(crate) struct Bench {
    exe: std::path::PathBuf,
    home: tempfile::TempDir,
    dir: std::path::PathBuf,
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = Command::new(&self.exe)
            .env("HOME", self.home.path())
            .args(["down", "--dir", self.dir.to_str().unwrap_or(".")])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Bench {
    /// A 3-node cluster of real processes (`slnode up` in a temporary directory) with `slots`
    /// worker slots each, stopped and deleted when the value is dropped.
    pub(crate) fn start(first_ip: &str, slots: u32) -> anyhow::Result<Bench> {
        let exe = std::env::current_exe()?;
        let bench = Bench {
            exe: exe.clone(),
            home: tempfile::tempdir()?,
            dir: tempfile::tempdir()?.keep(),
        };
        let up = Command::new(&exe)
            .env("HOME", bench.home.path())
            .args([
                "up",
                "--nodes",
                "3",
                "--dir",
                bench.dir.to_str().unwrap_or(""),
                "--first-ip",
                first_ip,
                "--slots",
                &slots.to_string(),
            ])
            .output()?;
        if !up.status.success() {
            bail!("slnode up failed: {}", String::from_utf8_lossy(&up.stderr));
        }
        Ok(bench)
    }

    /// Runs `slnode ARGS --config <the cluster's client config>`.
    pub(crate) fn slnode(&self, args: &[&str]) -> anyhow::Result<std::process::Output> {
        let config = self.dir.join("client.toml");
        Command::new(&self.exe)
            .env("HOME", self.home.path())
            .env_remove("SLNODE_CONFIG")
            .args(args)
            .args(["--config", config.to_str().unwrap_or("")])
            .output()
            .context("running slnode")
    }

    /// Writes `body` to a file in the bench's home; its path.
    pub(crate) fn file(&self, name: &str, body: &str) -> anyhow::Result<String> {
        let path = self.home.path().join(name);
        std::fs::write(&path, body)?;
        Ok(path.display().to_string())
    }

    /// Submits `source` and waits; the job's result.
    fn job(&self, name: &str, source: &str, timeout_s: &str) -> anyhow::Result<Value> {
        let file = self.home.path().join(format!("{name}.py"));
        std::fs::write(&file, source)?;
        let output = self.slnode(&[
            "submit",
            file.to_str().unwrap_or(""),
            "--timeout",
            timeout_s,
            "--wait",
            "--json",
        ])?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let last: Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
            .with_context(|| format!("{name}: {}", String::from_utf8_lossy(&output.stderr)))?;
        if last["status"] != "done" {
            bail!("{name} failed: {}", last["error"]);
        }
        Ok(last)
    }
}

fn local_seconds(source: &str) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut sink = Vec::new();
    match LocalRuntime::run("cpu.py", source, None, &mut sink)? {
        (Ended::Done(_), _) => Ok(started.elapsed().as_secs_f64()),
        (Ended::Failed(t), _) => bail!("local run failed: {t}"),
    }
}

const RAY_BENCH: &str = include_str!("ray_bench.py");

/// Runs `ray_bench.py` with `python`; `None` when that Python has no `ray` (or cannot run).
fn ray_figures(python: &str) -> anyhow::Result<Option<Value>> {
    let probe = Command::new(python).args(["-c", "import ray"]).output();
    if !probe.is_ok_and(|p| p.status.success()) {
        return Ok(None);
    }
    let output = Command::new(python)
        .args(["-c", RAY_BENCH])
        .env("RAY_USAGE_STATS_ENABLED", "0")
        .output()
        .with_context(|| format!("running Ray's benchmark with {python}"))?;
    if !output.status.success() {
        bail!(
            "Ray's benchmark failed under {python}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or("");
    Ok(Some(
        serde_json::from_str(last).context("Ray's benchmark printed no JSON")?,
    ))
}

pub fn kappa(
    first_ip: &str,
    ray_python: Option<&str>,
    slots: u32,
    json_out: bool,
) -> anyhow::Result<i32> {
    let ray = match ray_python {
        Some(python) => Some(
            ray_figures(python)?.ok_or_else(|| anyhow::anyhow!("{python} cannot import ray"))?,
        ),
        None => ray_figures("python3")?,
    };
    let bench = Bench::start(first_ip, slots)?;
    // A warm-up job: programs compiled and cached, leaders and connections settled.
    bench.job("warmup", ROUND_TRIP, "60")?;

    let checkpoints = bench.job("checkpoints", CHECKPOINTS, "60")?["result"].clone();
    let round_trip = bench.job("round_trip", ROUND_TRIP, "60")?["result"].clone();
    let throughput = bench.job("throughput", THROUGHPUT, "60")?["result"].clone();
    let chain = bench.job("chain", CHAIN, "60")?["result"].clone();
    let ping_pong = bench.job("ping_pong", PING_PONG, "60")?["result"].clone();
    // The same with every child a task of its own (no child runs in place on its parent's
    // worker): what a child that cannot run in place costs.
    let sent = |name: &str, source: &str, function: &str| -> anyhow::Result<Value> {
        let source = format!("{source}\n{function}.inline = False\n");
        Ok(bench.job(name, &source, "60")?["result"].clone())
    };
    let sent_round_trip = sent("round_trip_sent", ROUND_TRIP, "noop")?;
    let sent_throughput = sent("throughput_sent", THROUGHPUT, "noop")?;
    let sent_chain = sent("chain_sent", CHAIN, "inc")?;
    let local_s = local_seconds(CPU_BOUND)?;
    let cluster = bench.job("cpu", CPU_BOUND, "60")?;
    let forced = bench.job("cpu_forced", CPU_BOUND, "1")?;
    let seconds = |v: &Value| v["result"]["s"].as_f64().unwrap_or(f64::NAN);
    let report = json!({
        "machine": machine_line(),
        "slots_per_node": slots,
        "checkpoint_ms_by_bytes": checkpoints,
        "round_trip_ms": round_trip,
        "tasks_per_s": throughput["tasks_per_s"],
        "chain_100_ms": chain["ms"],
        "ping_pong_ms": ping_pong["ms"],
        "children_sent": {
            "round_trip_ms": sent_round_trip,
            "tasks_per_s": sent_throughput["tasks_per_s"],
            "chain_100_ms": sent_chain["ms"],
        },
        "cpu_bound": {
            "local_s": local_s,
            "cluster_s": seconds(&cluster),
            "cluster_forced_1s_s": seconds(&forced),
            "forced_resumes": forced["resumes"],
            "slowdown": seconds(&cluster) / local_s,
            "slowdown_forced": seconds(&forced) / local_s,
        },
        "ray": ray,
        "ratios_to_ray": ray.as_ref().map(|r| json!({
            "round_trip_p50": round_trip["p50"].as_f64().unwrap_or(f64::NAN)
                / r["round_trip_ms"]["p50"].as_f64().unwrap_or(f64::NAN),
            "tasks_per_s": throughput["tasks_per_s"].as_f64().unwrap_or(f64::NAN)
                / r["tasks_per_s"].as_f64().unwrap_or(f64::NAN),
            "chain_100": chain["ms"].as_f64().unwrap_or(f64::NAN)
                / r["chain_100_ms"].as_f64().unwrap_or(f64::NAN),
            "ping_pong_vs_actor_call": ping_pong["ms"].as_f64().unwrap_or(f64::NAN)
                / r["actor_call_ms"].as_f64().unwrap_or(f64::NAN),
        })),
        "goals": {"round_trip_p50_vs_ray": 0.6, "tasks_per_s_vs_ray": 2.0, "chain_100_vs_ray": 0.5, "ping_pong_vs_actor_call": 0.5, "slowdown_forced": 1.05},
    });
    if json_out {
        println!("{report}");
        return Ok(0);
    }
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    println!(
        "Kappa on a 3-node loopback cluster, {slots} worker slots each ({})",
        report["machine"].as_str().unwrap_or("")
    );
    println!("  checkpoint latency (rt.checkpoint(), one coordinator call with the VM's state):");
    let mut sizes: Vec<(f64, &Value)> = checkpoints
        .as_object()
        .into_iter()
        .flatten()
        .map(|(size, ms)| (size.parse().unwrap_or(0.0), ms))
        .collect();
    sizes.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (bytes, ms) in sizes {
        println!("    {:>9} live   {:>8.2} ms", human(bytes), f(ms));
    }
    let ray_f = |path: &[&str]| {
        let mut v = report["ray"].clone();
        for key in path {
            v = v[*key].clone();
        }
        v.as_f64()
    };
    let versus = |ours: f64, theirs: Option<f64>, unit: &str, goal: &str| match theirs {
        Some(theirs) => format!(
            "(Ray {theirs:.2}{unit}: {:.2}x; goal {goal})",
            ours / theirs
        ),
        None => "(no Ray found: --ray PYTHON)".to_owned(),
    };
    let p50 = f(&round_trip["p50"]);
    println!(
        "  spawn+wait round trip   p50 {:.2} ms, p99 {:.2} ms   {}",
        p50,
        f(&round_trip["p99"]),
        versus(p50, ray_f(&["round_trip_ms", "p50"]), " ms", "≤ 0.6x")
    );
    let tps = f(&report["tasks_per_s"]);
    println!(
        "  trivial tasks/s         {tps:.0}   {}",
        versus(tps, ray_f(&["tasks_per_s"]), "/s", "≥ 2x")
    );
    let chain_ms = f(&chain["ms"]);
    println!(
        "  chain of 100 tasks      {chain_ms:.1} ms   {}",
        versus(chain_ms, ray_f(&["chain_100_ms"]), " ms", "≤ 0.5x")
    );
    println!(
        "  the same, every child a task of its own (inline = False): round trip p50 {:.2} ms, {:.0} tasks/s, chain {:.1} ms",
        f(&sent_round_trip["p50"]),
        f(&sent_throughput["tasks_per_s"]),
        f(&sent_chain["ms"]),
    );
    let ping_ms = f(&ping_pong["ms"]);
    println!(
        "  queue ping-pong         {ping_ms:.2} ms per round trip   {}",
        versus(
            ping_ms,
            ray_f(&["actor_call_ms"]),
            " ms per actor call",
            "≤ 0.5x"
        )
    );
    println!(
        "  CPU-bound task          slnode run {local_s:.2} s; cluster {:.2} s ({:.3}x); with 1 s forced timeouts {:.2} s ({:.3}x, {} resumes)   (goal < 1.05x)",
        seconds(&cluster),
        seconds(&cluster) / local_s,
        seconds(&forced),
        seconds(&forced) / local_s,
        forced["resumes"]
    );
    Ok(0)
}

fn human(bytes: f64) -> String {
    if bytes >= (1 << 20) as f64 {
        format!("{:.0} MiB", bytes / (1 << 20) as f64)
    } else {
        format!("{:.0} KiB", bytes / 1024.0)
    }
}

/// CPU model and core count, for the report.
pub(crate) fn machine_line() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, {cores} cores")
}
