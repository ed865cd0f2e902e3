//! `slnode lambdapack …`: look at a LAmbdaPACK program's DAG, and run it with the local executor
//! (`submit`, `status` and `cancel` on a cluster are in `matrix_cmd`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use sl_linalg::dag::{Dag, Node};
use sl_linalg::local::{self, Spec, Verify};
use sl_linalg::program::{Program, parse_file};

#[derive(Subcommand)]
pub enum LambdapackCommand {
    /// Node and edge counts, start and terminal nodes, and the edges of a program's DAG.
    Dag {
        #[command(flatten)]
        program: ProgramArgs,
        /// Print a JSON object: nodes, edges, starts, terminals, edge_list.
        #[arg(long, conflicts_with = "dot")]
        json: bool,
        /// Print the DAG for Graphviz (`| dot -Tsvg > dag.svg`).
        #[arg(long)]
        dot: bool,
    },
    /// Run a program on generated inputs with the local executor; print time, GFLOP/s, residuals.
    Run {
        #[command(flatten)]
        program: ProgramArgs,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Run a program on the cluster, on stored matrices (`slnode matrix put|random`); its outputs
    /// become matrices when it is done.
    Submit(crate::matrix_cmd::SubmitArgs),
    /// A cluster run's progress (all runs you may see without ID).
    Status {
        id: Option<u64>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: crate::cluster_cmd::ClusterArgs,
    },
    /// Cancel a cluster run; its intermediate tiles are deleted.
    Cancel {
        id: u64,
        #[command(flatten)]
        cluster: crate::cluster_cmd::ClusterArgs,
    },
}

#[derive(Args)]
pub struct ProgramArgs {
    /// A LAmbdaPACK file (Python syntax).
    file: PathBuf,
    /// The program (function) to use; optional when the file defines one.
    #[arg(long)]
    program: Option<String>,
    /// Int parameters, `NAME=VALUE`, repeatable.
    #[arg(long = "arg", value_parser = parse_arg)]
    args: Vec<(String, i64)>,
}

pub(crate) fn parse_arg(text: &str) -> Result<(String, i64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected NAME=VALUE"))?;
    let value = value
        .trim()
        .parse::<i64>()
        .map_err(|_| format!("`{text}`: {value} is not an integer"))?;
    Ok((name.trim().to_owned(), value))
}

pub fn run(command: LambdapackCommand) -> Result<i32> {
    match command {
        LambdapackCommand::Dag { program, json, dot } => dag(&program, json, dot),
        LambdapackCommand::Run { program, run } => execute(&program, &run),
        LambdapackCommand::Submit(args) => crate::matrix_cmd::submit(args),
        LambdapackCommand::Status { id, json, cluster } => {
            crate::matrix_cmd::status(id, json, &cluster)
        }
        LambdapackCommand::Cancel { id, cluster } => crate::matrix_cmd::cancel(id, &cluster),
    }
}

fn load(args: &ProgramArgs) -> Result<Program> {
    let source = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let mut programs = parse_file(&display(&args.file), &source)?;
    match &args.program {
        Some(name) => match programs.iter().position(|p| &p.name == name) {
            Some(index) => Ok(programs.swap_remove(index)),
            None => bail!(
                "{} defines no program `{name}` (it defines: {})",
                args.file.display(),
                programs
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        None if programs.len() == 1 => Ok(programs.remove(0)),
        None => bail!(
            "{} defines several programs; choose one with --program ({})",
            args.file.display(),
            programs
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn bind<'p>(program: &'p Program, args: &ProgramArgs) -> Result<Dag<'p>> {
    let values: HashMap<String, i64> = args.args.iter().cloned().collect();
    Ok(Dag::new(program, &values)?)
}

fn dag(args: &ProgramArgs, json: bool, dot: bool) -> Result<i32> {
    let program = load(args)?;
    let dag = bind(&program, args)?;
    let nodes = dag.check_single_assignment()?;
    let index: HashMap<&Node, usize> = nodes.iter().enumerate().map(|(i, n)| (n, i)).collect();
    let mut edges = Vec::new();
    let mut has_parent = vec![false; nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        for child in dag.children(node)? {
            let j = *index
                .get(&child)
                .context("a child outside the expanded node set (analysis bug)")?;
            has_parent[j] = true;
            edges.push((i, j));
        }
    }
    let mut has_child = vec![false; nodes.len()];
    for &(i, _) in &edges {
        has_child[i] = true;
    }
    let starts = has_parent.iter().filter(|p| !**p).count();
    let terminals = has_child.iter().filter(|c| !**c).count();
    if json {
        let names: Vec<String> = nodes.iter().map(|n| dag.node_name(n)).collect();
        let out = serde_json::json!({
            "program": program.name,
            "nodes": nodes.len(),
            "edges": edges.len(),
            "starts": starts,
            "terminals": terminals,
            "node_names": names,
            "edge_list": edges,
        });
        println!("{out}");
    } else if dot {
        println!("digraph \"{}\" {{", program.name);
        println!("  rankdir=TB; node [shape=box, fontname=\"monospace\", fontsize=10];");
        for (i, node) in nodes.iter().enumerate() {
            let writes: Vec<String> = dag.writes(node)?.iter().map(|t| dag.tile_name(t)).collect();
            println!(
                "  n{i} [label=\"{}\\n{}\"];",
                dag.node_name(node),
                writes.join(" ")
            );
        }
        for (i, j) in &edges {
            println!("  n{i} -> n{j};");
        }
        println!("}}");
    } else {
        println!(
            "program {} ({}:{})",
            program.name, program.origin, program.line
        );
        println!(
            "nodes {}  edges {}  starts {}  terminals {}",
            nodes.len(),
            edges.len(),
            starts,
            terminals
        );
        for (i, j) in &edges {
            println!(
                "  {} -> {}",
                dag.node_name(&nodes[*i]),
                dag.node_name(&nodes[*j])
            );
        }
    }
    Ok(0)
}

#[derive(Args)]
pub struct RunArgs {
    /// Matrix size: `n` (square), `ROWSxCOLS`, or for `--verify gemm` `MxNxK` (A is M×K, B K×N).
    #[arg(long)]
    size: String,
    /// Tile side.
    #[arg(long)]
    tile: usize,
    /// Input matrices, comma-separated (default: those the program never writes).
    #[arg(long, value_delimiter = ',')]
    inputs: Vec<String>,
    /// Output matrices, comma-separated (default: written matrices with at most two indices).
    #[arg(long, value_delimiter = ',')]
    outputs: Vec<String>,
    /// Check the result: cholesky, gemm, trsm, qr (TSQR or CAQR) or svd (singular values of the
    /// band the program leaves, against dgesdd).
    #[arg(long)]
    verify: Option<String>,
    /// Also time one LAPACK call on the whole matrix (potrf, gemm, geqrf or gesdd) and print the
    /// ratio.
    #[arg(long)]
    baseline: bool,
    /// With --verify: skip the residuals (the baseline is still timed, on the kind of call
    /// --verify names); for benchmarks at sizes where checking costs more than the run (a QR's
    /// check forms Q).
    #[arg(long, requires = "verify")]
    no_residuals: bool,
    /// Generate graded inputs: columns scaled geometrically from 1 to 1/CONDITION (an
    /// ill-conditioned matrix), instead of uniform random entries.
    #[arg(long)]
    condition: Option<f64>,
    /// Worker threads (default: the machine's cores).
    #[arg(long, value_parser = crate::args::size::<1, 1024>)]
    workers: Option<usize>,
    /// Seed of the generated inputs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// The largest matrix `run` generates: 2^27 elements, 1 GiB of f64.
const MATRIX_ELEMENTS_MAX: usize = 1 << 27;

/// `n`, `ROWSxCOLS` or `MxNxK`: rows, cols and the inner dimension of a product, if given.
fn parse_size(text: &str) -> Result<(usize, usize, Option<usize>)> {
    let parts = text
        .split(['x', 'X'])
        .map(|s| {
            s.trim()
                .parse::<usize>()
                .with_context(|| format!("--size `{text}`: expected n, ROWSxCOLS or MxNxK"))
        })
        .collect::<Result<Vec<_>>>()?;
    let (rows, cols, inner) = match parts[..] {
        [n] => (n, n, None),
        [rows, cols] => (rows, cols, None),
        [m, n, k] => (m, n, Some(k)),
        _ => bail!("--size `{text}`: expected n, ROWSxCOLS or MxNxK"),
    };
    if rows == 0 || cols == 0 || inner == Some(0) {
        bail!("--size must be positive");
    }
    // Each generated matrix (rows × cols, and rows × k, k × cols for a product) must fit.
    let k = inner.unwrap_or(cols);
    for (r, c) in [(rows, cols), (rows, k), (k, cols)] {
        match r.checked_mul(c) {
            Some(elements) if elements <= MATRIX_ELEMENTS_MAX => {}
            _ => bail!(
                "--size {text} is too large: a matrix has at most {MATRIX_ELEMENTS_MAX} elements ({} GiB of f64)",
                (MATRIX_ELEMENTS_MAX * 8) >> 30
            ),
        }
    }
    Ok((rows, cols, inner))
}

fn matrices_named(program: &Program, names: &[String], what: &str) -> Result<Vec<u32>> {
    names
        .iter()
        .map(|name| match program.matrix(name) {
            Some(m) => Ok(m as u32),
            None => bail!(
                "--{what}: `{name}` is not a BigMatrix parameter of {} ({})",
                program.name,
                program.matrices.join(", ")
            ),
        })
        .collect()
}

fn execute(args: &ProgramArgs, run: &RunArgs) -> Result<i32> {
    let program = load(args)?;
    let dag = bind(&program, args)?;
    let (rows, cols, inner) = parse_size(&run.size)?;
    if run.tile == 0 || run.tile > sl_linalg::tile::TILE_SIDE_MAX {
        bail!(
            "--tile must be between 1 and {}",
            sl_linalg::tile::TILE_SIDE_MAX
        );
    }
    let verify =
        match &run.verify {
            Some(name) => Some(Verify::from_name(name).with_context(|| {
                format!("--verify {name}: expected {}", Verify::NAMES.join(", "))
            })?),
            None => None,
        };
    if run.condition.is_some_and(|c| !(c.is_finite() && c >= 1.0)) {
        bail!("--condition must be a finite number >= 1");
    }
    let (default_inputs, default_outputs) = local::default_roles(&program, verify);
    let inputs = if run.inputs.is_empty() {
        default_inputs
    } else {
        matrices_named(&program, &run.inputs, "inputs")?
    };
    let outputs = if run.outputs.is_empty() {
        default_outputs
    } else {
        matrices_named(&program, &run.outputs, "outputs")?
    };
    let spec = Spec {
        rows,
        cols,
        inner,
        tile: run.tile,
        inputs,
        outputs,
        verify,
        seed: run.seed,
        condition: run.condition,
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let workers = run.workers.unwrap_or(cores).max(1);

    let matrices = local::generate_inputs(&program, &spec)?;
    let tiles = local::tiles_of(&spec, &matrices);
    let started = Instant::now();
    let outcome = local::execute(&dag, &spec, tiles, workers, cores)?;
    let dag_seconds = started.elapsed().as_secs_f64();
    // The single-node end of the SVD (band to bidiagonal, then its values) is part of the run.
    let values = local::finish(&spec, &outcome)?;
    let seconds = started.elapsed().as_secs_f64();

    let (m, n, k) = (rows as f64, cols as f64, inner.unwrap_or(cols) as f64);
    let standard_flops = match verify {
        Some(Verify::Cholesky) => Some(m.powi(3) / 3.0),
        Some(Verify::Gemm) => Some(2.0 * m * n * k),
        // dgeqrf's count, so tiled and single-call rates compare the same work.
        Some(Verify::Qr) => Some(2.0 * m * n * n - 2.0 * n.powi(3) / 3.0),
        _ => None,
    };
    let flops = standard_flops.unwrap_or(outcome.stats.flops);
    let mut baseline = None;
    let mut reference = None;
    if run.baseline {
        // The baseline's own copy of the input is made before its clock starts, as the tiled
        // run's tiles are cut before its clock starts.
        let prepared = local::Baseline::prepare(&spec, &matrices)?;
        sl_linalg::kernels::set_blas_threads(cores);
        let started = Instant::now();
        reference = Some(prepared.run()?);
        baseline = Some(started.elapsed().as_secs_f64());
    }
    let residuals = if run.no_residuals {
        Vec::new()
    } else {
        local::residuals(&spec, &matrices, &outcome, values.as_deref(), reference)?
    };
    let passed = residuals.iter().all(|(_, r)| *r < 1e-10);

    if run.json {
        let out = serde_json::json!({
            "program": program.name,
            "size": [rows, cols],
            "tile": run.tile,
            "workers": workers,
            "nodes": outcome.stats.nodes,
            "seconds": seconds,
            "dag_seconds": dag_seconds,
            "gflops": flops / seconds / 1e9,
            "kernel_gflop": outcome.stats.flops / 1e9,
            "peak_live_tiles": outcome.stats.tiles_peak,
            "baseline_seconds": baseline,
            "ratio_to_baseline": baseline.map(|b| seconds / b),
            "residuals": residuals.iter().map(|(n, v)| serde_json::json!({"name": n, "value": v})).collect::<Vec<_>>(),
            "verified": verify.filter(|_| !run.no_residuals).map(|_| passed),
        });
        println!("{out}");
    } else {
        println!(
            "{} on {rows}x{cols}, tile {}: {} nodes on {workers} workers in {seconds:.3} s, {:.1} GFLOP/s (peak {} live tiles)",
            program.name,
            run.tile,
            outcome.stats.nodes,
            flops / seconds / 1e9,
            outcome.stats.tiles_peak
        );
        if values.is_some() {
            println!(
                "  of which the DAG {dag_seconds:.3} s, band to bidiagonal and its values on one node {:.3} s",
                seconds - dag_seconds
            );
        }
        if let Some(b) = baseline {
            println!(
                "one LAPACK call on the whole matrix: {b:.3} s, {:.1} GFLOP/s; tiled / single = {:.3}",
                flops / b / 1e9,
                seconds / b
            );
        }
        for (name, value) in &residuals {
            println!(
                "{name} = {value:.3e} {}",
                if *value < 1e-10 { "ok" } else { "TOO LARGE" }
            );
        }
    }
    Ok(if passed { 0 } else { 1 })
}
