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
