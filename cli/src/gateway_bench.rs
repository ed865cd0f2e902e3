//! `slnode bench gateway`: a trivial function called over HTTP on a 3-node loopback cluster it
//! starts — latency one call at a time (p50/p99) and requests per second from 32 concurrent
//! clients — beside the same handler run through `slnode submit --wait` in the same run.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::json;

use crate::kappa_bench::{Bench, machine_line};

const NOOP: &str = "def handler(event, context):\n    return event\n";
/// Calls timed one at a time, after the warm-up.
const SEQUENTIAL_CALLS: usize = 300;
const CONCURRENT_CLIENTS: usize = 32;
const CONCURRENT_FOR: Duration = Duration::from_secs(10);
/// `submit --wait` runs timed (each a new process, as a user would run it).
const SUBMITS: usize = 10;

fn new_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into()
}

/// One call; its status.
fn call(agent: &ureq::Agent, url: &str, token: &str, body: &str) -> anyhow::Result<u16> {
    let mut response = agent
        .post(url)
        .header("authorization", format!("Bearer {token}"))
        .content_type("application/json")
        .send(body)
        .context("calling the gateway")?;
    let _ = response.body_mut().read_to_string();
    Ok(response.status().as_u16())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub fn gateway(first_ip: &str, slots: u32, json_out: bool) -> anyhow::Result<i32> {
    let bench = Bench::start(first_ip, slots)?;
    let added = bench.slnode(&["user", "add", "bench", "--label", "public"])?;
    if !added.status.success() {
        bail!("user add: {}", String::from_utf8_lossy(&added.stderr));
    }
    let token = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    let file = bench.file("noop.py", NOOP)?;
    let deployed = bench.slnode(&["function", "deploy", "noop", &file, "--token", &token])?;
    if !deployed.status.success() {
        bail!("deploy: {}", String::from_utf8_lossy(&deployed.stderr));
    }
    // `slnode up` serves node 1's HTTP at its address, port 7480.
    let url = format!("http://{first_ip}:7480/v1/functions/noop");
    let body = r#"{"n": 1}"#;
    let agent = new_agent();
    // Cold: the first call of a function just deployed (its source read, compiled, stored at the
    // caller's label, the module image built on the worker).
    let mut cold = Vec::new();
    for i in 0..5 {
        let name = format!("cold{i}");
        let source = format!("def handler(event, context):\n    return {i}\n");
        let path = bench.file(&format!("{name}.py"), &source)?;
        let out = bench.slnode(&["function", "deploy", &name, &path, "--token", &token])?;
        if !out.status.success() {
            bail!("deploy: {}", String::from_utf8_lossy(&out.stderr));
        }
        let started = Instant::now();
        let status = call(
            &agent,
            &format!("http://{first_ip}:7480/v1/functions/{name}"),
            &token,
            "{}",
        )?;
        cold.push(started.elapsed().as_secs_f64() * 1e3);
        if status != 200 {
            bail!("a cold call answered {status}");
        }
    }
    cold.sort_by(f64::total_cmp);
    for _ in 0..30 {
        let status = call(&agent, &url, &token, body)?;
        if status != 200 {
            bail!("warm-up call answered {status}");
        }
    }

    let mut latencies = Vec::with_capacity(SEQUENTIAL_CALLS);
    for _ in 0..SEQUENTIAL_CALLS {
        let started = Instant::now();
        let status = call(&agent, &url, &token, body)?;
        latencies.push(started.elapsed().as_secs_f64() * 1e3);
        if status != 200 {
            bail!("a call answered {status}");
        }
    }
    latencies.sort_by(f64::total_cmp);

    let (ok, refused, failed) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let started = Instant::now();
    let clients: Vec<_> = (0..CONCURRENT_CLIENTS)
        .map(|_| {
            let (url, token) = (url.clone(), token.clone());
            let (ok, refused, failed) = (ok.clone(), refused.clone(), failed.clone());
            std::thread::spawn(move || {
                let agent = new_agent();
                while started.elapsed() < CONCURRENT_FOR {
                    match call(&agent, &url, &token, body) {
                        Ok(200) => ok.fetch_add(1, Ordering::Relaxed),
                        Ok(429) => refused.fetch_add(1, Ordering::Relaxed),
                        _ => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();
    for client in clients {
        let _ = client.join();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let per_s = ok.load(Ordering::Relaxed) as f64 / elapsed;

    let mut submits = Vec::with_capacity(SUBMITS);
    for _ in 0..SUBMITS {
        let started = Instant::now();
        let out = bench.slnode(&[
            "submit", &file, "--event", body, "--wait", "--json", "--token", &token,
        ])?;
        submits.push(started.elapsed().as_secs_f64() * 1e3);
        if !out.status.success() {
            bail!("submit --wait: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    submits.sort_by(f64::total_cmp);

    let report = json!({
        "machine": machine_line(),
        "slots_per_node": slots,
        "http_p50_ms": percentile(&latencies, 50.0),
        "http_p99_ms": percentile(&latencies, 99.0),
        "http_calls": SEQUENTIAL_CALLS,
        "cold_p50_ms": percentile(&cold, 50.0),
        "requests_per_s": per_s,
        "concurrent_clients": CONCURRENT_CLIENTS,
        "concurrent_ok": ok.load(Ordering::Relaxed),
        "concurrent_429": refused.load(Ordering::Relaxed),
        "concurrent_failed": failed.load(Ordering::Relaxed),
        "submit_wait_p50_ms": percentile(&submits, 50.0),
        "goals": {"http_p50_ms": 5.0, "requests_per_s": 500.0},
    });
    if json_out {
        println!("{report}");
        return Ok(0);
    }
    let f = |k: &str| report[k].as_f64().unwrap_or(f64::NAN);
    println!(
        "The HTTP gateway on a 3-node loopback cluster, {slots} worker slots each ({})",
        report["machine"].as_str().unwrap_or("")
    );
    println!(
        "  a trivial function, one call at a time: p50 {:.2} ms, p99 {:.2} ms ({} calls; goal p50 ≤ 5 ms)",
        f("http_p50_ms"),
        f("http_p99_ms"),
        SEQUENTIAL_CALLS
    );
    println!(
        "  the first call after a deploy (cold): p50 {:.1} ms",
        f("cold_p50_ms")
    );
    println!(
        "  {CONCURRENT_CLIENTS} concurrent clients: {:.0} requests/s ({} ok, {} answered 429, {} failed; goal ≥ 500/s)",
        per_s, report["concurrent_ok"], report["concurrent_429"], report["concurrent_failed"]
    );
    println!(
        "  the same handler through `slnode submit --wait` (a new process each): p50 {:.0} ms",
        f("submit_wait_p50_ms")
    );
    Ok(0)
}
