//! `slnode matrix …` and the cluster half of `slnode lambdapack` (`submit`, `status`, `cancel`):
//! thin clients of the matrix and LAmbdaPACK methods (`sl_node::lambdapack::methods`).
//!
//! `matrix put` reads the whole `.npy` file and checks it (float64, two dimensions, C or Fortran
//! order) before anything is sent, then uploads tiles under a fresh generation and commits the
//! name last: a bad file or a failed upload stores nothing under the name. `matrix random` asks
//! the nodes to generate each tile where it is served; no element passes through the client.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use ndarray::Array2;
use ndarray_npy::{ReadNpyExt, WriteNpyExt};
use serde_json::Value;
use sl_linalg::band::UpperBand;
use sl_linalg::tile::Tile;
use sl_node::admin::Empty;
use sl_node::lambdapack::methods::{
    CancelDag, CommitMatrix, DagRequest, DagStatus, DagSubmit, GetTile, ListMatrices, MatrixInfo,
    MatrixName, MatrixShape, MatrixTile, PutTile, RandomTile, RandomTileRequest, RemoveMatrix,
    SubmitDag, TileAt,
};
use sl_objstore::engine::tile as tile_codec;
use sl_rpc::Method;
use sl_rpc::endpoint::Error as RpcError;

use crate::cluster_cmd::{ClusterArgs, Connection, client_runtime, connect};
use crate::job_cmd::call;

/// Tile transfers in flight at once (each up to a tile's bytes in memory).
const TRANSFERS_IN_FLIGHT: usize = 4;
const POLL_EVERY: Duration = Duration::from_millis(100);
/// Transport failures in a row `--wait` rides out (a leader change, a node killed).
const WAIT_FAILURES_MAX: u32 = 600;

#[derive(Subcommand)]
pub enum MatrixCommand {
    /// Store a float64 .npy file as a tiled matrix NAME (tiles replicated in the object store).
    Put {
        name: String,
        file: PathBuf,
        /// Tile side in elements.
        #[arg(long, value_parser = crate::args::size::<1, 4096>)]
        tile: usize,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Write matrix NAME to a .npy file (float64, C order).
    Get {
        name: String,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Generate a random matrix on the nodes: entries uniform in [-1, 1); `--spd` makes it
    /// symmetric positive definite.
    Random {
        name: String,
        /// R or RxC elements.
        #[arg(long)]
        size: String,
        #[arg(long, value_parser = crate::args::size::<1, 4096>)]
        tile: usize,
        #[arg(long)]
        spd: bool,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// The matrices you may see.
    Ls {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// The singular values of NAME, an upper band of tiles (the svd program's output B: its
    /// diagonal tiles and the tiles just right of them), largest first: the band is fetched
    /// and reduced on this machine (LAPACK's dgbbrd, then dbdsqr), numpywren's last step.
    SingularValues {
        name: String,
        /// One JSON array instead of one value per line.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Remove matrix NAME and its tiles.
    Rm {
        name: String,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
}

#[derive(Args)]
pub struct SubmitArgs {
    /// A LAmbdaPACK file, or the name of a shipped program (cholesky, gemm, trsm, tsqr, qr, svd).
    pub file: String,
    /// The program (function) to run; optional when the file defines one.
    #[arg(long)]
    pub program: Option<String>,
    /// Int parameters, `NAME=VALUE`, repeatable.
    #[arg(long = "arg", value_parser = crate::lambdapack_cmd::parse_arg)]
    pub args: Vec<(String, i64)>,
    /// `PARAM=MATRIX`: bind a program matrix it reads to a stored matrix (repeatable).
    #[arg(long = "input", value_parser = parse_binding)]
    pub inputs: Vec<(String, String)>,
    /// `PARAM=MATRIX`: store a program matrix it writes as a matrix when the run is done.
    #[arg(long = "output", value_parser = parse_binding)]
    pub outputs: Vec<(String, String)>,
    /// Wait for the run to end, with a progress line on stderr.
    #[arg(long)]
    pub wait: bool,
    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

fn parse_binding(text: &str) -> Result<(String, String), String> {
    let (param, name) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected PARAM=MATRIX"))?;
    if param.trim().is_empty() || name.trim().is_empty() {
        return Err(format!("`{text}`: expected PARAM=MATRIX"));
    }
    Ok((param.trim().to_owned(), name.trim().to_owned()))
}

fn parse_size(text: &str) -> Result<(u64, u64)> {
    let parse = |t: &str| -> Result<u64> {
        let v: u64 = t
            .trim()
            .parse()
            .map_err(|_| anyhow!("--size {text}: expected R or RxC (elements)"))?;
        if v == 0 || v > sl_coordinator::matrices::SIDE_MAX {
            bail!(
                "--size {text}: sides are 1 to {}",
                sl_coordinator::matrices::SIDE_MAX
            );
        }
        Ok(v)
    };
    match text.split_once(['x', 'X']) {
        Some((r, c)) => Ok((parse(r)?, parse(c)?)),
        None => {
            let n = parse(text)?;
            Ok((n, n))
        }
    }
}

pub fn run_matrix(command: MatrixCommand) -> Result<i32> {
    let runtime = client_runtime()?;
    match command {
        MatrixCommand::Put {
            name,
            file,
            tile,
            cluster,
        } => {
            let matrix = read_npy(&file)?;
            let mut connection = connect(&cluster, &runtime)?;
            runtime.block_on(async {
                connection.learn_members().await;
                put(&connection, &name, &matrix, tile as u64).await
            })?;
            eprintln!(
                "stored {name}: {}x{} in {}-tiles",
                matrix.nrows(),
                matrix.ncols(),
                tile
            );
            Ok(0)
        }
        MatrixCommand::Get { name, out, cluster } => {
            let mut connection = connect(&cluster, &runtime)?;
            let (matrix, _) = runtime.block_on(async {
                connection.learn_members().await;
                get(&connection, &name).await
            })?;
            write_npy(&out, &matrix)?;
            Ok(0)
        }
        MatrixCommand::Random {
            name,
            size,
            tile,
            spd,
            seed,
            cluster,
        } => {
            let (rows, cols) = parse_size(&size)?;
            if spd && rows != cols {
                bail!("--spd needs a square --size");
            }
            let connection = connect(&cluster, &runtime)?;
            runtime.block_on(random(
                &connection,
                &name,
                (rows, cols),
                tile as u64,
                spd,
                seed,
            ))?;
            Ok(0)
        }
        MatrixCommand::Ls { json, cluster } => {
            let connection = connect(&cluster, &runtime)?;
            let list: Value = serde_json::from_str(
                &runtime
                    .block_on(call::<ListMatrices>(&connection, &Empty {}))?
                    .json,
            )?;
            if json {
                println!("{list}");
                return Ok(0);
            }
            println!(
                "{:<24} {:>8} {:>8} {:>6}  LABEL",
                "NAME", "ROWS", "COLS", "TILE"
            );
            for m in list.as_array().into_iter().flatten() {
                println!(
                    "{:<24} {:>8} {:>8} {:>6}  {}",
                    m["name"].as_str().unwrap_or("?"),
                    m["rows"].to_string(),
                    m["cols"].to_string(),
                    m["tile"].to_string(),
                    m["label"].as_str().unwrap_or("")
                );
            }
            Ok(0)
        }
        MatrixCommand::SingularValues {
            name,
            json,
            cluster,
        } => {
            let mut connection = connect(&cluster, &runtime)?;
            let (matrix, tile) = runtime.block_on(async {
                connection.learn_members().await;
                get(&connection, &name).await
            })?;
            let values = band_singular_values(&name, &matrix, tile)?;
            if json {
                println!("{}", serde_json::to_string(&values)?);
            } else {
                for v in values {
                    println!("{v:e}");
                }
            }
            Ok(0)
        }
        MatrixCommand::Rm { name, cluster } => {
            let connection = connect(&cluster, &runtime)?;
            runtime.block_on(call::<RemoveMatrix>(&connection, &MatrixName { name }))?;
            Ok(0)
        }
    }
}

/// The singular values of `matrix`, an upper band of `tile`-tiles (diagonal tiles and the tiles
/// right of them); any other tile holding a non-zero is an error (the values would be wrong).
fn band_singular_values(name: &str, matrix: &Array2<f64>, tile: usize) -> Result<Vec<f64>> {
    let n = matrix.nrows();
    if n != matrix.ncols() || n == 0 || tile == 0 {
        bail!(
            "{name} is {}x{}: an upper band (the svd program's B) is square",
            matrix.nrows(),
            matrix.ncols()
        );
    }
    // Upper band of width `tile`: (i, j) with i <= j <= i + tile. The svd program's B has
    // exactly that (upper triangular diagonal tiles, lower triangular tiles right of them).
    if let Some(((i, j), _)) = matrix
        .indexed_iter()
        .find(|((i, j), v)| **v != 0.0 && (i > j || j - i > tile))
    {
        bail!(
            "{name} has a non-zero at ({i}, {j}), outside an upper band of width {tile} (the \
             svd program's B): its singular values would be wrong"
        );
    }
    // The whole matrix as one tile: the band keeps exactly what is inside it.
    let mut band = UpperBand::zeros(n, tile)?;
    band.add_tile(0, 0, &Tile::from_fn(n, n, |r, c| matrix[[r, c]]));
    Ok(band.singular_values()?)
}

/// Reads a two-dimensional float64 .npy file (C or Fortran order); anything else is one error.
fn read_npy(path: &Path) -> Result<Array2<f64>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    Array2::<f64>::read_npy(std::io::BufReader::new(file)).map_err(|e| {
        anyhow!(
            "{} is not a two-dimensional float64 .npy file: {e}",
            path.display()
        )
    })
}

fn write_npy(path: &Path, matrix: &Array2<f64>) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    matrix
        .write_npy(&mut writer)
        .map_err(|e| anyhow!("writing {}: {e}", path.display()))?;
    writer
        .flush()
        .with_context(|| format!("writing {}", path.display()))
}

fn fresh_generation() -> Result<u64> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no entropy for a generation id: {e}"))?;
    Ok(u64::from_le_bytes(bytes))
}

/// Rounds over the nodes while some answer that they cannot serve yet, the pause between, and
/// the time after which no new round starts (an outage, not a start-up, answers so for long).
const NOT_YET_ROUNDS: u32 = 20;
const NOT_YET_PAUSE: Duration = Duration::from_millis(250);
const NOT_YET_WITHIN: Duration = Duration::from_secs(5);

/// Calls `M` with a payload, trying the nodes from the `start`-th on (spreading transfers). A
/// node that cannot serve yet — its users or its members not learnt, just after it started —
/// is asked again after the others, a few rounds apart (bounded): a cluster that has just come
/// up answered `matrix put` so once in CI. Every call here reads or writes a write-once tile,
/// so asking again is safe.
async fn call_payload<M: Method>(
    connection: &Connection,
    start: usize,
    request: &M::Request,
    payload: Option<bytes::Bytes>,
) -> Result<(M::Response, Option<sl_rpc::Aligned>)> {
    let mut last = None;
    let deadline = Instant::now() + NOT_YET_WITHIN;
    for round in 0..NOT_YET_ROUNDS {
        if round > 0 {
            if Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(NOT_YET_PAUSE).await;
        }
        let mut not_yet = false;
        for addr in connection.ordered(start) {
            match connection
                .endpoint
                .call_with_payload::<M>(addr, request, payload.clone())
                .await
            {
                Ok(answer) => return Ok(answer),
                Err(RpcError::Remote { error, .. })
                    if error.code == sl_rpc::ErrorCode::Unavailable =>
                {
                    not_yet = true;
                    last = Some(error.message);
                }
                Err(RpcError::Remote { error, .. }) => bail!("{}", error.message),
                // A node that has not loaded the users yet cannot decide; the others can.
                Err(e @ RpcError::Unauthenticated { .. })
                    if sl_rpc::endpoint::refusal_is_transient(&e.to_string()) =>
                {
                    not_yet = true;
                    last = Some(e.to_string());
                }
                Err(RpcError::Unauthenticated { reason, .. }) => bail!("{reason}"),
                Err(e) => {
                    connection.unreachable(addr);
                    last = Some(e.to_string());
                }
            }
        }
        if !not_yet {
            break;
        }
    }
    Err(anyhow!(
        "no node answered: {}",
        last.unwrap_or_else(|| "no nodes configured".to_owned())
    ))
}

/// Runs `work(i)` for every tile index, `TRANSFERS_IN_FLIGHT` at a time; the first error wins.
async fn for_each_tile<F, Fut>(tiles: Vec<(u64, u64)>, work: F) -> Result<()>
where
    F: Fn(usize, u64, u64) -> Fut,
    Fut: std::future::Future<Output = Result<()>> + Send + 'static,
{
    let mut running = tokio::task::JoinSet::new();
    for (k, (i, j)) in tiles.into_iter().enumerate() {
        if running.len() >= TRANSFERS_IN_FLIGHT
            && let Some(done) = running.join_next().await
        {
            done??;
        }
        running.spawn(work(k, i, j));
    }
    while let Some(done) = running.join_next().await {
        done??;
    }
    Ok(())
}

fn grid(rows: u64, cols: u64, tile: u64) -> Vec<(u64, u64)> {
    let (r, c) = (rows.div_ceil(tile), cols.div_ceil(tile));
    (0..r).flat_map(|i| (0..c).map(move |j| (i, j))).collect()
}

async fn put(connection: &Connection, name: &str, matrix: &Array2<f64>, tile: u64) -> Result<()> {
    sl_coordinator::matrices::name_ok(name).map_err(|e| anyhow!("{e:?}"))?;
    let (rows, cols) = (matrix.nrows() as u64, matrix.ncols() as u64);
    if rows == 0 || cols == 0 {
        bail!("the matrix is empty");
    }
    let generation = fresh_generation()?;
    let matrix = std::sync::Arc::new(matrix.clone());
    let shared = std::sync::Arc::new(connection.clone());
    for_each_tile(grid(rows, cols, tile), |k, i, j| {
        let (matrix, connection) = (matrix.clone(), shared.clone());
        async move {
            let (r0, c0) = ((i * tile) as usize, (j * tile) as usize);
            let (r1, c1) = (
                (r0 + tile as usize).min(matrix.nrows()),
                (c0 + tile as usize).min(matrix.ncols()),
            );
            let mut values = Vec::with_capacity((r1 - r0) * (c1 - c0));
            for c in c0..c1 {
                for r in r0..r1 {
                    values.push(matrix[[r, c]]);
                }
            }
            let bytes = tile_codec::encode(r1 - r0, c1 - c0, &values)
                .ok_or_else(|| anyhow!("tile shape"))?;
            call_payload::<PutTile>(
                &connection,
                k,
                &TileAt {
                    generation,
                    row: i,
                    col: j,
                },
                Some(bytes.into()),
            )
            .await
            .map(|_| ())
        }
    })
    .await
    .context("uploading tiles (nothing was recorded under the name)")?;
    call::<CommitMatrix>(
        connection,
        &MatrixShape {
            name: name.to_owned(),
            rows,
            cols,
            tile,
            generation,
        },
    )
    .await?;
    Ok(())
}

async fn info(connection: &Connection, name: &str) -> Result<Value> {
    let text = call::<MatrixInfo>(
        connection,
        &MatrixName {
            name: name.to_owned(),
        },
    )
    .await?;
    Ok(serde_json::from_str(&text.json)?)
}

/// Matrix `name`, and its tile side.
pub(crate) async fn get(connection: &Connection, name: &str) -> Result<(Array2<f64>, usize)> {
    let meta = info(connection, name).await?;
    let number = |f: &str| {
        meta[f]
            .as_u64()
            .ok_or_else(|| anyhow!("matrix info lacks {f}"))
    };
    let (rows, cols, tile) = (number("rows")?, number("cols")?, number("tile")?);
    (rows as usize)
        .checked_mul(cols as usize)
        .filter(|c| *c <= (1usize << 34))
        .ok_or_else(|| anyhow!("{name} is {rows}x{cols}: too large to fetch into memory"))?;
    let out = std::sync::Arc::new(std::sync::Mutex::new(Array2::<f64>::zeros((
        rows as usize,
        cols as usize,
    ))));
    let shared = std::sync::Arc::new(connection.clone());
    let name = name.to_owned();
    for_each_tile(grid(rows, cols, tile), |k, i, j| {
        let (out, connection, name) = (out.clone(), shared.clone(), name.clone());
        async move {
            let (found, payload) = call_payload::<GetTile>(
                &connection,
                k,
                &MatrixTile {
                    name,
                    row: i,
                    col: j,
                },
                None,
            )
            .await?;
            // A tile no node wrote (the upper half of a Cholesky factor) is a zero block.
            let Some(bytes) = payload.filter(|_| found.found) else {
                return Ok(());
            };
            let view = tile_codec::view(&bytes).ok_or_else(|| anyhow!("a malformed tile"))?;
            let (r0, c0) = ((i * tile) as usize, (j * tile) as usize);
            let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
            if r0 + view.rows > out.nrows() || c0 + view.cols > out.ncols() {
                bail!(
                    "tile ({i}, {j}) is {}x{}, past the matrix's edge",
                    view.rows,
                    view.cols
                );
            }
            for c in 0..view.cols {
                for r in 0..view.rows {
                    out[[r0 + r, c0 + c]] = view.values[c * view.rows + r];
                }
            }
            Ok(())
        }
    })
    .await?;
    let out = std::sync::Arc::try_unwrap(out)
        .map_err(|_| anyhow!("tile transfers still running"))?
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    Ok((out, tile as usize))
}

async fn random(
    connection: &Connection,
    name: &str,
    (rows, cols): (u64, u64),
    tile: u64,
    spd: bool,
    seed: u64,
) -> Result<()> {
    sl_coordinator::matrices::name_ok(name).map_err(|e| anyhow!("{e:?}"))?;
    let generation = fresh_generation()?;
    let shape = MatrixShape {
        name: name.to_owned(),
        rows,
        cols,
        tile,
        generation,
    };
    let shared = std::sync::Arc::new(connection.clone());
    for_each_tile(grid(rows, cols, tile), |k, i, j| {
        let connection = shared.clone();
        let request = RandomTileRequest {
            shape: shape.clone(),
            row: i,
            col: j,
            spd,
            seed,
        };
        async move {
            call_payload::<RandomTile>(&connection, k, &request, None)
                .await
                .map(|_| ())
        }
    })
    .await
    .context("generating tiles (nothing was recorded under the name)")?;
    call::<CommitMatrix>(connection, &shape).await?;
    Ok(())
}

/// The program file's text and name: a path, or a shipped program's name.
fn program_source(file: &str) -> Result<(String, String)> {
    let path = Path::new(file);
    if path.exists() {
        let source =
            std::fs::read_to_string(path).with_context(|| format!("cannot read {file}"))?;
        return Ok((file.to_owned(), source));
    }
    let wanted = format!("{file}.py");
    sl_linalg::programs::SHIPPED
        .iter()
        .find(|(name, _)| *name == wanted || *name == file)
        .map(|(name, source)| ((*name).to_owned(), (*source).to_owned()))
        .ok_or_else(|| {
            anyhow!(
                "{file}: no such file, and not a shipped program ({})",
                sl_linalg::programs::SHIPPED
                    .iter()
                    .map(|(n, _)| n.trim_end_matches(".py"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

pub fn submit(args: SubmitArgs) -> Result<i32> {
    let (file, source) = program_source(&args.file)?;
    // Compile here first: a syntax error is reported before anything is sent.
    let programs = sl_linalg::program::parse_file(&file, &source)?;
    let function = match (&args.program, programs.as_slice()) {
        (Some(name), _) => name.clone(),
        (None, [only]) => only.name.clone(),
        (None, _) => {
            // A shipped file named after its main program (gemm.py: gemm, gemm_rect).
            let stem = file
                .trim_end_matches(".py")
                .rsplit('/')
                .next()
                .unwrap_or("");
            match programs.iter().find(|p| p.name == stem) {
                Some(p) => p.name.clone(),
                None => bail!(
                    "{file} defines several programs; choose one with --program ({})",
                    programs
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
    };
    let runtime = client_runtime()?;
    let connection = connect(&args.cluster, &runtime)?;
    let request = DagSubmit {
        request: fresh_generation()?,
        file,
        source,
        function,
        args: args.args.clone(),
        inputs: args.inputs.clone(),
        outputs: args.outputs.clone(),
    };
    let started = Instant::now();
    let submitted: Value = serde_json::from_str(
        &runtime
            .block_on(call::<SubmitDag>(&connection, &request))?
            .json,
    )?;
    let dag = submitted["dag"]
        .as_u64()
        .ok_or_else(|| anyhow!("the node's answer lacks the run's id"))?;
    if !args.wait {
        if args.json {
            println!("{submitted}");
        } else {
            println!("{dag}");
        }
        return Ok(0);
    }
    let view = runtime.block_on(wait(&connection, dag, started))?;
    let seconds = started.elapsed().as_secs_f64();
    let flops = view["flops"].as_f64().unwrap_or(0.0);
    let status = view["status"].as_str().unwrap_or("?").to_owned();
    let outcome = serde_json::json!({
        "dag": dag,
        "status": status,
        "nodes": view["nodes"],
        "seconds": seconds,
        "gflops": flops / seconds.max(1e-9) / 1e9,
        "bytes_remote": view["bytes_remote"],
        "reexecuted": view["reexecuted"],
        "error": view["error"],
    });
    if args.json {
        println!("{outcome}");
    } else if status == "done" {
        println!(
            "run {dag} done: {} nodes in {seconds:.2} s, {:.2} GFLOP/s, {} bytes read across nodes, {} re-executed",
            view["nodes"],
            outcome["gflops"].as_f64().unwrap_or(0.0),
            view["bytes_remote"],
            view["reexecuted"]
        );
    } else {
        eprintln!(
            "run {dag} {status}: {}",
            view["error"].as_str().unwrap_or("")
        );
    }
    Ok(if status == "done" { 0 } else { 1 })
}

async fn wait(connection: &Connection, dag: u64, started: Instant) -> Result<Value> {
    let tty = std::io::stderr().is_terminal();
    let mut failures = 0;
    loop {
        match call::<DagStatus>(connection, &DagRequest { dag }).await {
            Ok(text) => {
                failures = 0;
                let view: Value = serde_json::from_str(&text.json)?;
                let seconds = started.elapsed().as_secs_f64();
                let line = format!(
                    "run {dag}: {}/{} nodes done, {} running, {:.2} GFLOP/s, {:.1} MB between nodes",
                    view["completed"],
                    view["nodes"],
                    view["running"],
                    view["flops"].as_f64().unwrap_or(0.0) / seconds.max(1e-9) / 1e9,
                    view["bytes_remote"].as_f64().unwrap_or(0.0) / 1e6
                );
                if tty {
                    eprint!("\r{line}\x1b[K");
                } else {
                    eprintln!("{line}");
                }
                if matches!(view["status"].as_str(), Some("done" | "failed")) {
                    if tty {
                        eprintln!();
                    }
                    return Ok(view);
                }
            }
            Err(e) if e.to_string().starts_with("no node answered") => {
                failures += 1;
                if failures > WAIT_FAILURES_MAX {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

pub fn status(id: Option<u64>, json: bool, cluster: &ClusterArgs) -> Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(cluster, &runtime)?;
    let text = runtime.block_on(call::<DagStatus>(
        &connection,
        &DagRequest {
            dag: id.unwrap_or(u64::MAX),
        },
    ))?;
    let value: Value = serde_json::from_str(&text.json)?;
    if json {
        println!("{value}");
        return Ok(0);
    }
    let views = match value {
        Value::Array(views) => views,
        one => vec![one],
    };
    println!(
        "{:>6} {:<8} {:>10} {:>10} {:>8}  ERROR",
        "RUN", "STATUS", "DONE", "NODES", "REEXEC"
    );
    for v in views {
        println!(
            "{:>6} {:<8} {:>10} {:>10} {:>8}  {}",
            v["dag"].to_string(),
            v["status"].as_str().unwrap_or("?"),
            v["completed"].to_string(),
            v["nodes"].to_string(),
            v["reexecuted"].to_string(),
            v["error"].as_str().unwrap_or("")
        );
    }
    Ok(0)
}

pub fn cancel(id: u64, cluster: &ClusterArgs) -> Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(cluster, &runtime)?;
    runtime.block_on(call::<CancelDag>(&connection, &DagRequest { dag: id }))?;
    Ok(0)
}
