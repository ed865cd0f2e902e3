//! The matrix and LAmbdaPACK methods (ids 530–539). Any node serves them; the caller's label
//! decides what it sees, as for jobs: matrices and executions whose label does not flow to the
//! caller do not exist for it.
//!
//! A matrix is written tile by tile under a fresh generation (`PutTile`, or `RandomTile` generated
//! on the node) and becomes visible by name only when `CommitMatrix` records it, so a failed
//! upload leaves no matrix behind; the facet it replaces has its tiles deleted.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use serde_json::json;
use sl_coordinator::machine::{Command, Reject, Reply, Status};
use sl_coordinator::matrices::{self, MatrixMeta};
use sl_coordinator::query::{Answer, DagView, Query};
use sl_labels::{Label, Lattice};
use sl_linalg::dag::Dag;
use sl_objstore::engine::tile as tile_codec;
use sl_rpc::endpoint::{Caller, Reply as RpcReply, Router};
use sl_rpc::message::{ErrorCode, RemoteError};
use tracing::warn;

use super::{Binding, Descriptor, Prepared};
use crate::admin::{Empty, Found};
use crate::kappa::jobs::{
    JobsContext, JsonText, bad, caller_label, context, status_name, unavailable,
};
use crate::kappa::link::Link;

/// Tiles are at most this many elements a side (a 4096² tile is 128 MiB, half the RPC payload
/// bound); a side of a matrix at most `matrices::SIDE_MAX`.
pub const TILE_SIDE_MAX: u64 = 4096;
pub const SOURCE_BYTES_MAX: usize = 256 << 10;
/// Executions `lambdapack status` lists at most.
pub const LIST_MAX: u32 = 1000;

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct TileAt {
    pub generation: u64,
    pub row: u64,
    pub col: u64,
}

/// A tile of a catalogued matrix, by the matrix's name.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct MatrixTile {
    pub name: String,
    pub row: u64,
    pub col: u64,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct MatrixName {
    pub name: String,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct MatrixShape {
    pub name: String,
    pub rows: u64,
    pub cols: u64,
    pub tile: u64,
    pub generation: u64,
}

/// One tile of a random matrix, generated where it is served.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct RandomTileRequest {
    pub shape: MatrixShape,
    pub row: u64,
    pub col: u64,
    /// Symmetric positive definite: symmetric entries in [-1, 1) plus `rows` on the diagonal
    /// (strictly diagonally dominant).
    pub spd: bool,
    pub seed: u64,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct DagSubmit {
    /// The client's idempotency key; also names the run's intermediate tiles.
    pub request: u64,
    pub file: String,
    pub source: String,
    pub function: String,
    pub args: Vec<(String, i64)>,
    /// Program matrix → catalogued matrix.
    pub inputs: Vec<(String, String)>,
    pub outputs: Vec<(String, String)>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct DagRequest {
    /// `u64::MAX`: every execution the caller may see (newest first).
    pub dag: u64,
}

sl_rpc::method!(PutTile, 530, "matrix_tile_put", true, TileAt, Empty);
sl_rpc::method!(GetTile, 531, "matrix_tile_get", true, MatrixTile, Found);
sl_rpc::method!(
    CommitMatrix,
    532,
    "matrix_commit",
    false,
    MatrixShape,
    Empty
);
sl_rpc::method!(MatrixInfo, 533, "matrix_info", false, MatrixName, JsonText);
sl_rpc::method!(ListMatrices, 534, "matrix_list", false, Empty, JsonText);
sl_rpc::method!(RemoveMatrix, 535, "matrix_remove", false, MatrixName, Empty);
sl_rpc::method!(
    RandomTile,
    536,
    "matrix_random_tile",
    false,
    RandomTileRequest,
    Empty
);
sl_rpc::method!(
    SubmitDag,
    537,
    "lambdapack_submit",
    false,
    DagSubmit,
    JsonText
);
sl_rpc::method!(
    DagStatus,
    538,
    "lambdapack_status",
    false,
    DagRequest,
    JsonText
);
sl_rpc::method!(
    CancelDag,
    539,
    "lambdapack_cancel",
    false,
    DagRequest,
    Empty
);

/// The same context as the job methods (link, store, policy).
pub use crate::kappa::jobs::Slot;

fn rejected(reject: Reject) -> RemoteError {
    match reject {
        Reject::NotFound => RemoteError::new(ErrorCode::NotFound, "not found"),
        Reject::Invalid(m) => RemoteError::new(ErrorCode::BadRequest, m),
        Reject::Limit(m) => RemoteError::new(ErrorCode::TooLarge, m),
        other => RemoteError::new(ErrorCode::Internal, format!("{other:?}")),
    }
}

fn json_text(value: serde_json::Value) -> RpcReply<JsonText> {
    RpcReply::new(JsonText {
        json: value.to_string(),
    })
}

pub fn routes(router: Router, slot: Slot) -> Router {
    let s = slot;
    let (s1, s2, s3, s4, s5) = (s.clone(), s.clone(), s.clone(), s.clone(), s.clone());
    let (s6, s7, s8, s9) = (s.clone(), s.clone(), s.clone(), s);
    router
        .route::<PutTile, _, _>(move |caller, at: TileAt, payload| {
            let slot = s1.clone();
            async move {
                let c = context(&slot)?;
                let label = caller_label(&c, &caller, false).await?;
                let bytes = payload.unwrap_or_default();
                let mut aligned = sl_rpc::Aligned::with_capacity(bytes.len());
                aligned.extend_from_slice(&bytes);
                let Some(view) = tile_codec::view(&aligned) else {
                    return Err(bad("not an encoded tile"));
                };
                if view.rows as u64 > TILE_SIDE_MAX || view.cols as u64 > TILE_SIDE_MAX {
                    return Err(bad(format!("tiles are at most {TILE_SIDE_MAX} a side")));
                }
                let key = super::matrix_tile_key(at.generation, at.row, at.col);
                c.store
                    .put(&key, Bytes::from(bytes.to_vec()), &label)
                    .await
                    .map_err(unavailable)?;
                Ok(RpcReply::new(Empty {}))
            }
        })
        .route::<GetTile, _, _>(move |caller, at: MatrixTile, _| {
            let slot = s2.clone();
            async move {
                let c = context(&slot)?;
                let reader = caller_label(&c, &caller, true).await?;
                let meta = lookup(&c.link, &at.name, &reader).await?;
                let key = super::matrix_tile_key(meta.generation, at.row, at.col);
                // Only a tile at the matrix's own label is part of it (see `matrices`).
                match c.store.get(&key, &reader).await.map_err(unavailable)? {
                    Some(object) if object.label == meta.label => Ok(RpcReply::with_payload(
                        Found { found: true },
                        Bytes::from(object.bytes.to_vec()),
                    )),
                    _ => Ok(RpcReply::new(Found { found: false })),
                }
            }
        })
        .route::<CommitMatrix, _, _>(move |caller, shape: MatrixShape, _| {
            let slot = s3.clone();
            async move {
                let c = context(&slot)?;
                let label = caller_label(&c, &caller, false).await?;
                check_shape(&shape)?;
                let meta = MatrixMeta {
                    rows: shape.rows,
                    cols: shape.cols,
                    tile: shape.tile,
                    generation: shape.generation,
                    label,
                    dag: None,
                };
                let reply = c
                    .link
                    .propose(Command::MatrixPut {
                        name: shape.name.clone(),
                        meta,
                    })
                    .await
                    .map_err(unavailable)?;
                match reply {
                    Reply::Generation(replaced) => {
                        if let Some(old) = replaced {
                            delete_prefix_later(&c, super::matrix_prefix(old));
                        }
                        Ok(RpcReply::new(Empty {}))
                    }
                    Reply::Rejected(reject) => Err(rejected(reject)),
                    other => Err(unavailable(format!("unexpected reply {other:?}"))),
                }
            }
        })
        .route::<MatrixInfo, _, _>(move |caller, request: MatrixName, _| {
            let slot = s4.clone();
            async move {
                let c = context(&slot)?;
                let reader = caller_label(&c, &caller, true).await?;
                let meta = lookup(&c.link, &request.name, &reader).await?;
                Ok(json_text(matrix_json(&c, &request.name, &meta)))
            }
        })
        .route::<ListMatrices, _, _>(move |caller, _: Empty, _| {
            let slot = s5.clone();
            async move {
                let c = context(&slot)?;
                let reader = caller_label(&c, &caller, true).await?;
                let Answer::Matrices(list) = c
                    .link
                    .read(Query::Matrices { reader })
                    .await
                    .map_err(unavailable)?
                else {
                    return Err(unavailable("unexpected answer"));
                };
                let items: Vec<serde_json::Value> = list
                    .iter()
                    .map(|(name, meta)| matrix_json(&c, name, meta))
                    .collect();
                Ok(json_text(json!(items)))
            }
        })
        .route::<RemoveMatrix, _, _>(move |caller, request: MatrixName, _| {
            let slot = s6.clone();
            async move {
                let c = context(&slot)?;
                let reader = caller_label(&c, &caller, true).await?;
                let writer = caller_label(&c, &caller, false).await?;
                let meta = lookup(&c.link, &request.name, &reader).await?;
                // A user removes only its own facet; the admin (reading at the top) any it sees.
                if meta.label != writer && reader == writer {
                    return Err(RemoteError::new(ErrorCode::NotFound, "not found"));
                }
                match c
                    .link
                    .propose(Command::MatrixRemove {
                        name: request.name.clone(),
                        label: meta.label.clone(),
                    })
                    .await
                    .map_err(unavailable)?
                {
                    Reply::Generation(Some(generation)) => {
                        c.store
                            .delete_prefix(&super::matrix_prefix(generation))
                            .await
                            .map_err(unavailable)?;
                        Ok(RpcReply::new(Empty {}))
                    }
                    Reply::Rejected(reject) => Err(rejected(reject)),
                    other => Err(unavailable(format!("unexpected reply {other:?}"))),
                }
            }
        })
        .route::<RandomTile, _, _>(move |caller, request: RandomTileRequest, _| {
            let slot = s7.clone();
            async move {
                let c = context(&slot)?;
                let label = caller_label(&c, &caller, false).await?;
                check_shape(&request.shape)?;
                let shape = &request.shape;
                let grid = sl_linalg::bigmatrix::Grid::new(
                    shape.rows as usize,
                    shape.cols as usize,
                    shape.tile as usize,
                );
                if request.row >= grid.row_tiles() as u64 || request.col >= grid.col_tiles() as u64
                {
                    return Err(bad("no such tile"));
                }
                let (row, col, spd, seed, n) = (
                    request.row,
                    request.col,
                    request.spd,
                    request.seed,
                    shape.rows,
                );
                let tile = shape.tile;
                let (rows, cols) = grid.tile_shape(row as usize, col as usize);
                let bytes = tokio::task::spawn_blocking(move || {
                    random_tile(seed, spd, n, (row * tile, col * tile), (rows, cols))
                })
                .await
                .map_err(unavailable)?;
                let key = super::matrix_tile_key(shape.generation, row, col);
                c.store
                    .put(&key, Bytes::from(bytes), &label)
                    .await
                    .map_err(unavailable)?;
                Ok(RpcReply::new(Empty {}))
            }
        })
        .route::<SubmitDag, _, _>(move |caller, request: DagSubmit, _| {
            let slot = s8.clone();
            async move {
                let c = context(&slot)?;
                submit(&c, &caller, request).await.map(json_text)
            }
        })
        .route::<DagStatus, _, _>(move |caller, request: DagRequest, _| {
            let slot = s9.clone();
            async move {
                let c = context(&slot)?;
                let reader = caller_label(&c, &caller, true).await?;
                status(&c, request.dag, &reader).await.map(json_text)
            }
        })
}

/// Cancel is routed separately: it also deletes the run's tiles.
pub fn cancel_route(router: Router, slot: Slot) -> Router {
    router.route::<CancelDag, _, _>(move |caller, request: DagRequest, _| {
        let slot = slot.clone();
        async move {
            let c = context(&slot)?;
            let reader = caller_label(&c, &caller, true).await?;
            let view = dag_view(&c, request.dag, &reader).await?;
            match c
                .link
                .propose(Command::DagCancel {
                    dag: sl_coordinator::executions::DagId(request.dag),
                    reader: reader.clone(),
                })
                .await
                .map_err(unavailable)?
            {
                Reply::Ok => {}
                Reply::Rejected(reject) => return Err(rejected(reject)),
                other => return Err(unavailable(format!("unexpected reply {other:?}"))),
            }
            // Read again after the cancel's commit: a run that ended done in between keeps its
            // outputs (the cancel changed nothing); only a failed one is cleaned up.
            let after = dag_view(&c, request.dag, &reader).await?;
            if after.status == Status::Failed {
                super::runner::clean_up_failed(&c.store, &view.program, &view.label).await;
            }
            Ok(RpcReply::new(Empty {}))
        }
    })
}

fn check_shape(shape: &MatrixShape) -> Result<(), RemoteError> {
    matrices::name_ok(&shape.name).map_err(rejected)?;
    if shape.tile == 0 || shape.tile > TILE_SIDE_MAX {
        return Err(bad(format!("the tile size is 1 to {TILE_SIDE_MAX}")));
    }
    if shape.rows == 0
        || shape.cols == 0
        || shape.rows > matrices::SIDE_MAX
        || shape.cols > matrices::SIDE_MAX
    {
        return Err(bad(format!(
            "a matrix has 1 to {} rows and columns",
            matrices::SIDE_MAX
        )));
    }
    Ok(())
}

/// Deletes a replaced matrix's tiles in the background: the commit already succeeded, and a
/// failed delete only leaves unreachable tiles.
fn delete_prefix_later(c: &JobsContext, prefix: Vec<u8>) {
    let store = c.store.clone();
    tokio::spawn(async move {
        if let Err(e) = store.delete_prefix(&prefix).await {
            warn!("deleting replaced tiles: {e}");
        }
    });
}

async fn lookup(link: &Link, name: &str, reader: &Label) -> Result<MatrixMeta, RemoteError> {
    match link
        .read(Query::Matrix {
            name: name.to_owned(),
            reader: reader.clone(),
        })
        .await
        .map_err(unavailable)?
    {
        Answer::Matrix(Ok(meta)) => Ok(meta),
        Answer::Matrix(Err(Reject::NotFound)) => Err(RemoteError::new(
            ErrorCode::NotFound,
            format!("no matrix {name}"),
        )),
        Answer::Matrix(Err(reject)) => Err(rejected(reject)),
        _ => Err(unavailable("unexpected answer")),
    }
}

fn matrix_json(c: &JobsContext, name: &str, meta: &MatrixMeta) -> serde_json::Value {
    let policy = c.policy.current();
    json!({
        "name": name,
        "rows": meta.rows,
        "cols": meta.cols,
        "tile": meta.tile,
        "generation": format!("{:016x}", meta.generation),
        "label": policy.display(&meta.label).to_string(),
        "dag": meta.dag,
        "bytes": meta.rows * meta.cols * 8,
    })
}

/// The entry (row, col) of a random matrix: uniform in [-1, 1) from a hash of the position, so
/// any node generates any tile alone; symmetric for SPD matrices, whose diagonal gets `n` more.
fn random_tile(seed: u64, spd: bool, n: u64, origin: (u64, u64), shape: (usize, usize)) -> Vec<u8> {
    let (rows, cols) = shape;
    let mut values = Vec::with_capacity(rows * cols);
    for c in 0..cols as u64 {
        for r in 0..rows as u64 {
            let (i, j) = (origin.0 + r, origin.1 + c);
            let (a, b) = if spd { (i.min(j), i.max(j)) } else { (i, j) };
            let h = splitmix(seed ^ splitmix(a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b));
            let mut v = (h >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
            if spd && i == j {
                v += n as f64;
            }
            values.push(v);
        }
    }
    tile_codec::encode(rows, cols, &values).unwrap_or_default()
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

async fn submit(
    c: &JobsContext,
    caller: &Caller,
    request: DagSubmit,
) -> Result<serde_json::Value, RemoteError> {
    let reader = caller_label(c, caller, true).await?;
    let writer = caller_label(c, caller, false).await?;
    submit_as(c, &reader, &writer, request).await
}

/// Submits a run for a principal reading at `reader` and writing at `writer` (a task: both its
/// label). Idempotent by `request.request`: the same request gives the same descriptor (output
/// generations derive from the key) and the same run.
pub(crate) async fn submit_as(
    c: &JobsContext,
    reader: &Label,
    writer: &Label,
    request: DagSubmit,
) -> Result<serde_json::Value, RemoteError> {
    if request.source.len() > SOURCE_BYTES_MAX {
        return Err(bad(format!(
            "a program is at most {SOURCE_BYTES_MAX} bytes"
        )));
    }
    let policy = c.policy.current();
    // Inputs: catalogued matrices the caller may read; the run's label joins theirs.
    let mut label = writer.clone();
    let mut bindings = BTreeMap::new();
    let mut tile = None;
    for (param, name) in &request.inputs {
        let meta = lookup(&c.link, name, reader).await?;
        label = policy.join(&label, &meta.label).ok_or_else(|| {
            bad(format!(
                "matrix {name}'s label has no join with the run's label"
            ))
        })?;
        if *tile.get_or_insert(meta.tile) != meta.tile {
            return Err(bad(format!(
                "matrix {name} has tile size {}, another input {}: inputs of a run share one tile size",
                meta.tile,
                tile.unwrap_or_default()
            )));
        }
        if meta.rows % meta.tile != 0 || meta.cols % meta.tile != 0 {
            return Err(bad(format!(
                "matrix {name} is {}x{}, not whole {}-tiles; runs need sides that are multiples of the tile size (pad it)",
                meta.rows, meta.cols, meta.tile
            )));
        }
        bindings.insert(
            param.clone(),
            Binding {
                name: name.clone(),
                generation: meta.generation,
                rows: meta.rows,
                cols: meta.cols,
                output: false,
                label: meta.label.clone(),
            },
        );
    }
    let Some(tile) = tile else {
        return Err(bad("a run needs at least one --input"));
    };
    let descriptor = Descriptor {
        run: request.request,
        file: request.file.clone(),
        source: request.source.clone(),
        function: request.function.clone(),
        args: request.args.iter().cloned().collect(),
        tile,
        bindings,
    };
    // Analysis on a blocking thread: it expands the program once.
    let outputs = request.outputs.clone();
    let (descriptor, plan_json, roots, total, output_metas) = tokio::task::spawn_blocking({
        let label = label.clone();
        move || analyse(descriptor, &outputs, &label)
    })
    .await
    .map_err(unavailable)??;
    let key = super::descriptor_key(request.request);
    let text = serde_json::to_vec(&descriptor).map_err(unavailable)?;
    c.store
        .put(key.as_bytes(), Bytes::from(text), &label)
        .await
        .map_err(unavailable)?;
    let reply = c
        .link
        .propose(Command::DagCreate {
            request: request.request,
            program: key,
            label: label.clone(),
            roots,
            total,
            outputs: output_metas,
        })
        .await
        .map_err(unavailable)?;
    match reply {
        Reply::Dag(id) => {
            let mut answer = plan_json;
            answer["dag"] = json!(id.0);
            answer["label"] = json!(policy.display(&label).to_string());
            Ok(answer)
        }
        Reply::Rejected(reject) => Err(rejected(reject)),
        other => Err(unavailable(format!("unexpected reply {other:?}"))),
    }
}

type Analysed = (
    Descriptor,
    serde_json::Value,
    Vec<Vec<u8>>,
    u64,
    Vec<(String, MatrixMeta)>,
);

/// Compiles the program, binds outputs, checks single assignment and the inputs' grids, and
/// derives the start nodes and node count.
fn analyse(
    mut descriptor: Descriptor,
    outputs: &[(String, String)],
    label: &Label,
) -> Result<Analysed, RemoteError> {
    let programs = sl_linalg::program::parse_file(&descriptor.file, &descriptor.source)
        .map_err(|e| bad(e.to_string()))?;
    let names: Vec<String> = programs.iter().map(|p| p.name.clone()).collect();
    let program = programs
        .into_iter()
        .find(|p| p.name == descriptor.function)
        .ok_or_else(|| {
            bad(format!(
                "{} has no program {} (it has: {})",
                descriptor.file,
                descriptor.function,
                names.join(", ")
            ))
        })?;
    for param in descriptor.bindings.keys() {
        let Some(m) = program.matrix(param) else {
            return Err(bad(format!(
                "--input {param}: {} has no matrix parameter {param}",
                program.name
            )));
        };
        if program.is_written(m) {
            return Err(bad(format!(
                "--input {param}: {} writes {param}; inputs are matrices it only reads",
                program.name
            )));
        }
    }
    let args: HashMap<String, i64> = descriptor
        .args
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    let dag = Dag::new(&program, &args).map_err(bad)?;
    let plan = sl_linalg::cluster::plan(&dag).map_err(bad)?;
    // Every input tile a node reads must exist in the bound matrix.
    for (param, binding) in &descriptor.bindings {
        let Some(m) = program.matrix(param) else {
            continue;
        };
        if plan.odd_reads.contains(&(m as u32)) {
            return Err(bad(format!(
                "--input {param}: {} reads {param} with an index that is negative or not two-dimensional; inputs are stored matrices",
                program.name
            )));
        }
        if let Some(&(rows, cols)) = plan.reads.get(&(m as u32)) {
            let have = (
                binding.rows.div_ceil(descriptor.tile),
                binding.cols.div_ceil(descriptor.tile),
            );
            if rows > have.0 || cols > have.1 {
                return Err(bad(format!(
                    "--input {param}={}: at these arguments {} reads tiles of {param} up to [{}, {}], but {} has {}x{} tiles of {}",
                    binding.name,
                    program.name,
                    rows - 1,
                    cols - 1,
                    binding.name,
                    have.0,
                    have.1,
                    descriptor.tile
                )));
            }
        }
    }
    let mut output_metas = Vec::new();
    for (param, name) in outputs {
        let Some(m) = program.matrix(param) else {
            return Err(bad(format!(
                "--output {param}: {} has no matrix parameter {param}",
                program.name
            )));
        };
        if program.matrix_dims[m] != 2 {
            return Err(bad(format!(
                "--output {param}: {param} has {} indices; outputs are two-index matrices",
                program.matrix_dims[m]
            )));
        }
        let Some(&(row_tiles, col_tiles)) = plan.grids.get(&(m as u32)) else {
            return Err(bad(format!(
                "--output {param}: {} never writes {param} at these arguments",
                program.name
            )));
        };
        // From the request key, so a retried submission writes the same descriptor.
        let generation = param
            .bytes()
            .fold(splitmix(descriptor.run), |h, b| splitmix(h ^ u64::from(b)));
        let meta = MatrixMeta {
            rows: row_tiles * descriptor.tile,
            cols: col_tiles * descriptor.tile,
            tile: descriptor.tile,
            generation,
            label: label.clone(),
            dag: None,
        };
        descriptor.bindings.insert(
            param.clone(),
            Binding {
                name: name.clone(),
                generation,
                rows: meta.rows,
                cols: meta.cols,
                output: true,
                label: label.clone(),
            },
        );
        output_metas.push((name.clone(), meta));
    }
    if output_metas.is_empty() {
        return Err(bad("a run needs at least one --output"));
    }
    // The prepared form must compile exactly as workers will compile it.
    Prepared::new(descriptor.clone()).map_err(bad)?;
    let roots = plan
        .roots
        .iter()
        .map(sl_linalg::cluster::encode_node)
        .collect();
    let summary = json!({
        "program": program.name,
        "nodes": plan.total,
        "roots": plan.roots.len(),
    });
    Ok((descriptor, summary, roots, plan.total, output_metas))
}

/// A run the caller may see (one it may not is "not found", as if it did not exist).
pub(crate) async fn dag_view(
    c: &JobsContext,
    dag: u64,
    reader: &Label,
) -> Result<DagView, RemoteError> {
    let missing = || RemoteError::new(ErrorCode::NotFound, format!("no lambdapack run {dag}"));
    match c
        .link
        .read(Query::Dag(sl_coordinator::executions::DagId(dag)))
        .await
        .map_err(unavailable)?
    {
        Answer::Dag(Some(view)) if c.policy.current().flows(&view.label, reader) => Ok(view),
        Answer::Dag(_) => Err(missing()),
        _ => Err(unavailable("unexpected answer")),
    }
}

pub(crate) async fn status(
    c: &JobsContext,
    dag: u64,
    reader: &Label,
) -> Result<serde_json::Value, RemoteError> {
    if dag != u64::MAX {
        return dag_view(c, dag, reader).await.map(|v| view_json(&v));
    }
    match c
        .link
        .read(Query::Dags {
            max: LIST_MAX,
            reader: reader.clone(),
        })
        .await
        .map_err(unavailable)?
    {
        Answer::Dags(views) => Ok(json!(views.iter().map(view_json).collect::<Vec<_>>())),
        _ => Err(unavailable("unexpected answer")),
    }
}

fn view_json(v: &DagView) -> serde_json::Value {
    json!({
        "dag": v.id.0,
        "status": status_name(v.status),
        "nodes": v.total,
        "completed": v.completed,
        "ready": v.ready,
        "running": v.running,
        "waiting": v.counted,
        "flops": v.flops,
        "bytes_remote": v.bytes_remote,
        "reexecuted": v.reexecuted,
        "error": v.error,
    })
}
