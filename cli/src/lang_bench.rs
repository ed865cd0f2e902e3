//! `slnode bench snapshot`: how fast a VM's whole state goes to bytes and back. Programs build
//! live heaps of typical objects (dicts of strings, ints and lists) at several sizes; each size
//! is snapshotted and restored many times and the median reported, with the throughput in MB/s
//! of snapshot bytes.

use std::time::Instant;

use anyhow::{Context, Result, bail};

const PROGRAM: &str = "\
data = []
for i in range(COUNT):
    data.append({'id': i, 'name': 'item' + str(i), 'tags': [i, i + 1, 'x' * 20], 'w': i * 0.5})
";

struct Row {
    records: usize,
    bytes: usize,
    snapshot_ms: f64,
    restore_ms: f64,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn measure(records: usize) -> Result<Row> {
    let source = PROGRAM.replace("COUNT", &records.to_string());
    let module = sl_lang::compile("bench.py", &source).context("compiling the benchmark")?;
    let mut vm = sl_lang::Vm::new(module);
    if vm.run(u64::MAX) != sl_lang::Outcome::Finished {
        bail!("the benchmark program did not finish");
    }
    let rounds = (200_000 / records).clamp(5, 200);
    let mut snapshot_times = Vec::with_capacity(rounds);
    let mut restore_times = Vec::with_capacity(rounds);
    let mut bytes = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let snapshot = vm.snapshot()?;
        snapshot_times.push(t.elapsed().as_secs_f64() * 1e3);
        bytes = snapshot.len();
        let t = Instant::now();
        let restored = sl_lang::Vm::restore(&snapshot)?;
        restore_times.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(restored);
    }
    Ok(Row {
        records,
        bytes,
        snapshot_ms: median(snapshot_times),
        restore_ms: median(restore_times),
    })
}

pub fn snapshot(json: bool) -> Result<i32> {
    let mut rows = Vec::new();
    for records in [1_000usize, 4_000, 16_000, 64_000] {
        rows.push(measure(records)?);
    }
    if json {
        let items: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{{\"records\":{},\"bytes\":{},\"snapshot_ms\":{:.3},\"restore_ms\":{:.3},\"snapshot_mb_s\":{:.0},\"restore_mb_s\":{:.0}}}",
                    r.records,
                    r.bytes,
                    r.snapshot_ms,
                    r.restore_ms,
                    r.bytes as f64 / 1e3 / r.snapshot_ms,
                    r.bytes as f64 / 1e3 / r.restore_ms
                )
            })
            .collect();
        println!("[{}]", items.join(","));
        return Ok(0);
    }
    println!(
        "{:>8} {:>10} {:>12} {:>12} {:>12} {:>12}",
        "records", "bytes", "snapshot ms", "MB/s", "restore ms", "MB/s"
    );
    for r in &rows {
        println!(
            "{:>8} {:>10} {:>12.3} {:>12.0} {:>12.3} {:>12.0}",
            r.records,
            r.bytes,
            r.snapshot_ms,
            r.bytes as f64 / 1e3 / r.snapshot_ms,
            r.restore_ms,
            r.bytes as f64 / 1e3 / r.restore_ms
        );
    }
    Ok(0)
}

/// The Kappa micro-benchmarks run by the local runtime (one process, no cluster, no
/// durability): what the task machinery itself costs before any network or disk.
const KAPPA_LOCAL: &str = "\
import rt
import time

def nothing(x=None):
    return x

def relay(prev):
    return prev + 1

def bounce(inbox, outbox, n):
    for _ in range(n):
        outbox.enqueue(inbox.dequeue())
    return n

def spin(n, every):
    # The same instructions either way; only how often maybe_pause runs differs.
    total = 0
    for i in range(1, n):
        total += i * i % 7
        if i % every == 0:
            rt.maybe_pause()
    return total

def main():
    out = {}
    n = 2000
    t = time.time()
    for i in range(n):
        rt.spawn(nothing, (i,)).wait()
    out['round_trip_us'] = (time.time() - t) / n * 1e6
    n = 5000
    t = time.time()
    futures = rt.spawn_many(nothing, (), n)
    for f in futures:
        f.wait()
    out['tasks_per_s'] = n / (time.time() - t)
    t = time.time()
    f = rt.spawn(nothing, (0,))
    for _ in range(100):
        f = rt.spawn(relay, (f,))
    assert f.wait() == 100
    out['chain_100_ms'] = (time.time() - t) * 1e3
    a, b = rt.create_queues(1, 2)
    n = 2000
    other = rt.spawn(bounce, (a, b, n))
    t = time.time()
    for i in range(n):
        a.enqueue(i)
        b.dequeue()
    other.wait()
    out['queue_ping_pong_us'] = (time.time() - t) / n * 1e6
    t = time.time()
    rt.spawn(spin, (1000000, 10000000)).wait()
    plain = time.time() - t
    t = time.time()
    rt.spawn(spin, (1000000, 2000)).wait()
    paused = time.time() - t
    out['checkpoint_slowdown_pct'] = (paused / plain - 1) * 100
    return out
";

pub fn kappa_local(json: bool) -> Result<i32> {
    let mut out = Vec::new();
    let (ended, _) =
        sl_node::kappa::local::LocalRuntime::run("bench.py", KAPPA_LOCAL, None, &mut out)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    let sl_node::kappa::local::Ended::Done(Some(sl_lang::Data::Dict(pairs))) = ended else {
        bail!("the benchmark job did not return its figures: {ended:?}");
    };
    let figures: Vec<(String, f64)> = pairs
        .into_iter()
        .filter_map(|(k, v)| match (k, v) {
            (sl_lang::Data::Str(k), sl_lang::Data::Float(f)) => Some((k, f)),
            _ => None,
        })
        .collect();
    if json {
        let fields: Vec<String> = figures
            .iter()
            .map(|(k, v)| format!("\"{k}\":{v:.3}"))
            .collect();
        println!("{{{}}}", fields.join(","));
    } else {
        for (k, v) in figures {
            println!("{k:<26}{v:>12.2}");
        }
    }
    Ok(0)
}
