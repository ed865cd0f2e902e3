//! `slnode bench lambdapack`: Cholesky and GEMM on a 3-node loopback cluster of real processes
//! (`slnode up` in a temporary directory), beside the local executor and one LAPACK/BLAS call on
//! the whole matrix, all in the same run on the same machine.
//!
//! The local figures come from `slnode lambdapack run … --baseline --json` (a child process, so
//! its memory is gone before the cluster starts); the cluster figures from `slnode lambdapack
//! submit --wait --json` on matrices generated on the nodes. Ratios are against the one call.

use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

use crate::kappa_bench::Bench;

struct Case {
    program: &'static str,
    verify: &'static str,
}

const CASES: &[Case] = &[
    Case {
        program: "cholesky",
        verify: "cholesky",
    },
    Case {
        program: "gemm",
        verify: "gemm",
    },
];

fn last_json(output: &std::process::Output, what: &str) -> Result<Value> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or("")).map_err(|_| {
        anyhow!(
            "{what} gave no JSON: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The local executor and one LAPACK call, in a child process.
fn local(dir: &std::path::Path, case: &Case, n: usize, tile: usize) -> Result<Value> {
    let file = dir.join(format!("{}.py", case.program));
    let output = std::process::Command::new(std::env::current_exe()?)
        .args(["lambdapack", "run"])
        .arg(&file)
        .args(["--program", case.program])
        .args(["--arg", &format!("N={}", n / tile)])
        .args(["--size", &n.to_string(), "--tile", &tile.to_string()])
        .args(["--verify", case.verify, "--baseline", "--json"])
        .output()
        .context("running the local executor")?;
    last_json(&output, "lambdapack run")
}

fn cluster_run(bench: &Bench, case: &Case, n: usize, tile: usize) -> Result<Value> {
    let size = n.to_string();
    let tile_text = tile.to_string();
    let generate = |name: &str, spd: bool, seed: &str| -> Result<()> {
        let mut args = vec![
            "matrix", "random", name, "--size", &size, "--tile", &tile_text, "--seed", seed,
        ];
        if spd {
            args.push("--spd");
        }
        let output = bench.slnode(&args)?;
        if !output.status.success() {
            bail!(
                "generating {name}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    };
    let arg = format!("N={}", n / tile);
    let mut args = vec!["lambdapack", "submit", case.program, "--arg", &arg];
    let names: &[&str] = match case.program {
        "cholesky" => {
            generate("BA", true, "1")?;
            args.extend(["--input", "I=BA", "--output", "O=BL"]);
            &["BA", "BL"]
        }
        _ => {
            generate("BA", false, "1")?;
            generate("BB", false, "2")?;
            args.extend(["--input", "A=BA", "--input", "B=BB", "--output", "O=BL"]);
            &["BA", "BB", "BL"]
        }
    };
    args.extend(["--wait", "--json"]);
    let started = Instant::now();
    let output = bench.slnode(&args)?;
    let wall = started.elapsed().as_secs_f64();
    let run = last_json(&output, "lambdapack submit")?;
    for name in names {
        let _ = bench.slnode(&["matrix", "rm", name]);
    }
    if run["status"] != "done" {
        bail!("the cluster run failed: {run}");
    }
    let mut run = run;
    run["wall_seconds"] = json!(wall);
    Ok(run)
}

pub fn lambdapack(first_ip: &str, n: usize, tiles: &[usize], json_out: bool) -> Result<i32> {
    if tiles.is_empty() || tiles.iter().any(|t| *t == 0 || !n.is_multiple_of(*t)) {
        bail!("--tiles must divide --n ({n})");
    }
    let dir = tempfile::tempdir()?;
    for (name, source) in sl_linalg::programs::SHIPPED {
        std::fs::write(dir.path().join(name), source)?;
    }
    let mut rows = Vec::new();
    for &tile in tiles {
        for case in CASES {
            eprintln!("local {} n={n} tile={tile} …", case.program);
            rows.push((case, tile, local(dir.path(), case, n, tile)?));
        }
    }
    eprintln!("starting a 3-node cluster …");
    let bench = Bench::start(first_ip, 2)?;
    let mut results = Vec::new();
    for (case, tile, local) in rows {
        eprintln!("cluster {} n={n} tile={tile} …", case.program);
        let cluster = cluster_run(&bench, case, n, tile)?;
        let baseline = local["baseline_seconds"].as_f64().unwrap_or(f64::NAN);
        let seconds = cluster["seconds"].as_f64().unwrap_or(f64::NAN);
        let bytes = cluster["bytes_remote"].as_f64().unwrap_or(0.0);
        results.push(json!({
            "program": case.program,
            "n": n,
            "tile": tile,
            "baseline_seconds": baseline,
            "local_seconds": local["seconds"],
            "local_ratio": local["ratio_to_baseline"],
            "cluster_seconds": seconds,
            "cluster_ratio": seconds / baseline,
            "cluster_gflops": cluster["gflops"],
            "nodes": cluster["nodes"],
            "bytes_remote": cluster["bytes_remote"],
            "remote_gbytes_per_s": bytes / seconds / 1e9,
            "reexecuted": cluster["reexecuted"],
        }));
    }
    if json_out {
        println!("{}", json!({ "runs": results }));
        return Ok(0);
    }
    println!(
        "{:<9} {:>6} {:>6} {:>10} {:>10} {:>7} {:>10} {:>7} {:>10}",
        "PROGRAM", "N", "TILE", "ONE CALL", "LOCAL", "RATIO", "CLUSTER", "RATIO", "REMOTE"
    );
    for r in &results {
        println!(
            "{:<9} {:>6} {:>6} {:>9.2}s {:>9.2}s {:>6.2}x {:>9.2}s {:>6.2}x {:>7.2}GB/s",
            r["program"].as_str().unwrap_or(""),
            r["n"].as_u64().unwrap_or(0),
            r["tile"].as_u64().unwrap_or(0),
            r["baseline_seconds"].as_f64().unwrap_or(f64::NAN),
            r["local_seconds"].as_f64().unwrap_or(f64::NAN),
            r["local_ratio"].as_f64().unwrap_or(f64::NAN),
            r["cluster_seconds"].as_f64().unwrap_or(f64::NAN),
            r["cluster_ratio"].as_f64().unwrap_or(f64::NAN),
            r["remote_gbytes_per_s"].as_f64().unwrap_or(f64::NAN),
        );
    }
    Ok(0)
}
