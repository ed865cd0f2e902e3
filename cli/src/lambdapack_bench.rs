//! `slnode bench lambdapack`: Cholesky, GEMM, QR and SVD (values) on a 3-node loopback cluster
//! of real processes (`slnode up` in a temporary directory), beside the local executor and one
//! LAPACK/BLAS call on the whole matrix (potrf, gemm, geqrf, gesdd), all in the same run on the
//! same machine.
//!
//! The local figures come from `slnode lambdapack run … --baseline --no-residuals --json` (a
//! child process, so its memory is gone before the cluster starts); the cluster figures from
//! `slnode lambdapack submit --wait --json` on matrices generated on the nodes (for the SVD, plus
//! `matrix singular-values` on the band it leaves, as the local run includes its band step).
//! Ratios are against the one call.

use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

use crate::kappa_bench::Bench;

struct Case {
    program: &'static str,
    verify: &'static str,
    /// The program's int arguments, each the side of the tile grid (square matrices).
    grid_args: &'static [&'static str],
    /// Program matrices generated on the nodes: name, SPD, seed.
    inputs: &'static [(&'static str, bool, &'static str)],
    /// The program matrix kept as the run's output.
    output: &'static str,
    /// The SVD's end: the band's singular values are computed on the client after the run
    /// (`matrix singular-values`), and that time is part of the cluster's.
    band_values: bool,
}

const CASES: &[Case] = &[
    Case {
        program: "cholesky",
        verify: "cholesky",
        grid_args: &["N"],
        inputs: &[("I", true, "1")],
        output: "O",
        band_values: false,
    },
    Case {
        program: "gemm",
        verify: "gemm",
        grid_args: &["N"],
        inputs: &[("A", false, "1"), ("B", false, "2")],
        output: "O",
        band_values: false,
    },
    Case {
        program: "qr",
        verify: "qr",
        grid_args: &["M", "N"],
        inputs: &[("A", false, "1")],
        output: "R",
        band_values: false,
    },
    Case {
        program: "svd",
        verify: "svd",
        grid_args: &["M", "N"],
        inputs: &[("A", false, "1")],
        output: "B",
        band_values: true,
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

fn grid_args(case: &Case, n: usize, tile: usize) -> Vec<String> {
    case.grid_args
        .iter()
        .flat_map(|name| ["--arg".to_owned(), format!("{name}={}", n / tile)])
        .collect()
}

/// The local executor and one LAPACK call, in a child process. Residuals are not computed (the
/// tests check results; a QR's check alone forms Q, longer than the run).
fn local(dir: &std::path::Path, case: &Case, n: usize, tile: usize) -> Result<Value> {
    let file = dir.join(format!("{}.py", case.program));
    let output = std::process::Command::new(std::env::current_exe()?)
        .args(["lambdapack", "run"])
        .arg(&file)
        .args(["--program", case.program])
        .args(grid_args(case, n, tile))
        .args(["--size", &n.to_string(), "--tile", &tile.to_string()])
        .args([
            "--verify",
            case.verify,
            "--baseline",
            "--no-residuals",
            "--json",
        ])
        .output()
        .context("running the local executor")?;
    last_json(&output, "lambdapack run")
}

fn cluster_run(bench: &Bench, case: &Case, n: usize, tile: usize) -> Result<Value> {
    let size = n.to_string();
    let tile_text = tile.to_string();
    let input_names: Vec<String> = case
        .inputs
        .iter()
        .map(|(name, _, _)| format!("BENCHIN{name}"))
        .collect();
    let output_name = format!("BENCHOUT{}", case.output);
    let remove = |names: &[String]| {
        for name in names {
            let _ = bench.slnode(&["matrix", "rm", name]);
        }
    };
    let mut all_names = input_names.clone();
    all_names.push(output_name.clone());
    for ((_, spd, seed), name) in case.inputs.iter().zip(&input_names) {
        let mut args = vec![
            "matrix", "random", name, "--size", &size, "--tile", &tile_text, "--seed", seed,
        ];
        if *spd {
            args.push("--spd");
        }
        let output = bench.slnode(&args)?;
        if !output.status.success() {
            remove(&all_names);
            bail!(
                "generating {name}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    let mut args: Vec<String> = vec!["lambdapack".into(), "submit".into(), case.program.into()];
    args.extend(grid_args(case, n, tile));
    for ((input, _, _), name) in case.inputs.iter().zip(&input_names) {
        args.extend(["--input".into(), format!("{input}={name}")]);
    }
    args.extend(["--output".into(), format!("{}={output_name}", case.output)]);
    args.extend(["--wait".into(), "--json".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let started = Instant::now();
    let output = bench.slnode(&args)?;
    let run = last_json(&output, "lambdapack submit");
    let mut band_seconds = None;
    if case.band_values && run.as_ref().is_ok_and(|r| r["status"] == "done") {
        let band = Instant::now();
        let values = bench.slnode(&["matrix", "singular-values", &output_name, "--json"])?;
        if !values.status.success() {
            remove(&all_names);
            bail!(
                "the band's singular values: {}",
                String::from_utf8_lossy(&values.stderr)
            );
        }
        band_seconds = Some(band.elapsed().as_secs_f64());
    }
    let wall = started.elapsed().as_secs_f64();
    remove(&all_names);
    let mut run = run?;
    if run["status"] != "done" {
        bail!("the cluster run failed: {run}");
    }
    run["wall_seconds"] = json!(wall);
    if let Some(band) = band_seconds {
        let dag = run["seconds"].as_f64().unwrap_or(f64::NAN);
        run["dag_seconds"] = json!(dag);
        run["band_seconds"] = json!(band);
        run["seconds"] = json!(dag + band);
    }
    Ok(run)
}

pub fn lambdapack(
    first_ip: &str,
    n: usize,
    tiles: &[usize],
    programs: &[String],
    json_out: bool,
) -> Result<i32> {
    if tiles.is_empty() || tiles.iter().any(|t| *t == 0 || !n.is_multiple_of(*t)) {
        bail!("--tiles must divide --n ({n})");
    }
    let known = || {
        CASES
            .iter()
            .map(|c| c.program)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let cases: Vec<&Case> = programs
        .iter()
        .map(|p| {
            CASES
                .iter()
                .find(|c| c.program == p.as_str())
                .ok_or_else(|| anyhow!("--programs: no {p}; one of {}", known()))
        })
        .collect::<Result<_>>()?;
    if cases.is_empty() {
        bail!("--programs names at least one of {}", known());
    }
    let dir = tempfile::tempdir()?;
    for (name, source) in sl_linalg::programs::SHIPPED {
        std::fs::write(dir.path().join(name), source)?;
    }
    let mut rows = Vec::new();
    for &tile in tiles {
        for &case in &cases {
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
            "cluster_band_seconds": cluster.get("band_seconds"),
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
