//! The local executor: runs a program on in-memory tiles with a pool of threads, discovering ready
//! nodes exactly as the distributed runtime will — a finished node asks the analysis for its
//! children and counts one edge per child; a child is ready when every parent has counted.
//!
//! Memory: a tile is dropped once every node that reads it has finished (its reader count comes
//! from the same analysis), unless its matrix is an output. BLAS threads: OpenBLAS's thread count is
//! process-wide, so kernels run single-threaded while several run at once, and a node that runs
//! alone (nothing else running or ready, so nothing can become ready until it ends) gets every
//! thread.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Condvar, Mutex};

use crate::dag::{self, Dag, Node, TileKey};
use crate::kernels::{self, Buffers, Operand, set_blas_threads};
use crate::tile::Tile;

#[derive(Clone, Debug)]
pub struct Options {
    /// Worker threads running kernels concurrently.
    pub workers: usize,
    /// OpenBLAS threads for a node that runs alone; nodes running side by side share them
    /// (`blas_threads_alone / workers` each, at least one).
    pub blas_threads_alone: usize,
    /// Matrices whose tiles are kept and returned.
    pub outputs: Vec<u32>,
    /// Bytes of freed tile buffers kept for reuse. Fresh allocations of tile size come from the
    /// kernel as zero pages the OS must clear; recycling them saved ~15% of a GEMM run's time.
    pub pool_bytes: usize,
}

/// Default for [`Options::pool_bytes`].
pub const POOL_BYTES_DEFAULT: usize = 1 << 30;

/// Freed tile buffers, bounded by bytes.
struct Pool {
    free: Mutex<(Vec<Vec<f64>>, usize)>,
    bytes_max: usize,
}

impl Pool {
    fn put(&self, buffer: Vec<f64>) {
        let bytes = buffer.len() * std::mem::size_of::<f64>();
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.1 + bytes <= self.bytes_max {
            free.1 += bytes;
            free.0.push(buffer);
        }
    }
}

impl Buffers for Pool {
    fn take(&self, len: usize) -> Vec<f64> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(position) = free.0.iter().position(|b| b.len() == len) {
            let buffer = free.0.swap_remove(position);
            free.1 -= len * std::mem::size_of::<f64>();
            return buffer;
        }
        drop(free);
        vec![0.0; len]
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Dag(#[from] dag::Error),
    #[error("{node}: {source}")]
    Kernel {
        node: String,
        source: kernels::Error,
    },
    #[error("input tile {0} was not provided")]
    MissingInput(String),
    #[error(
        "{node} read {tile}, whose writer has finished, but the tile is gone (reader count wrong)"
    )]
    LostTile { node: String, tile: String },
    #[error("tile {0} was written twice")]
    Rewritten(String),
    #[error("the run stopped with {left} nodes never ready: a cycle or a parent that never ran")]
    Stalled { left: usize },
}

#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub nodes: usize,
    pub flops: f64,
    pub tiles_peak: usize,
}

pub struct Outcome {
    pub tiles: HashMap<TileKey, Arc<Tile>>,
    pub stats: Stats,
}

struct Schedule {
    ready: VecDeque<Node>,
    /// Parents counted so far and parents needed, for children counted at least once. The needed
    /// count is derived once per child, when its first parent finishes.
    counted: HashMap<Node, (usize, usize)>,
    running: usize,
    alone_running: bool,
    blas_threads: usize,
    failed: Option<Error>,
    stats: Stats,
}

struct Store {
    tiles: HashMap<TileKey, Arc<Tile>>,
    readers_left: HashMap<TileKey, usize>,
}

struct Shared<'a, 'p> {
    dag: &'a Dag<'p>,
    options: &'a Options,
    outputs: HashSet<u32>,
    written: HashSet<u32>,
    schedule: Mutex<Schedule>,
    wake: Condvar,
    store: Mutex<Store>,
    pool: Pool,
}

/// Runs the program on `inputs` (tiles of the matrices it never writes) and returns the tiles of
/// the output matrices. The caller measures time; this crate reads no clock.
pub fn execute(
    dag: &Dag<'_>,
    inputs: HashMap<TileKey, Arc<Tile>>,
    options: &Options,
) -> Result<Outcome, Error> {
    let nodes = dag.check_single_assignment()?;
    let total = nodes.len();
    let starts = dag.starts(&nodes)?;
    drop(nodes);
    let mut readers_left = HashMap::with_capacity(inputs.len());
    for tile in inputs.keys() {
        readers_left.insert(tile.clone(), dag.readers_of(tile)?.len());
    }
    let shared = Shared {
        dag,
        options,
        outputs: options.outputs.iter().copied().collect(),
        written: dag.written_matrices(),
        schedule: Mutex::new(Schedule {
            ready: starts.into(),
            counted: HashMap::new(),
            running: 0,
            alone_running: false,
            blas_threads: 0,
            failed: None,
            stats: Stats::default(),
        }),
        wake: Condvar::new(),
        store: Mutex::new(Store {
            tiles: inputs,
            readers_left,
        }),
        pool: Pool {
            free: Mutex::new((Vec::new(), 0)),
            bytes_max: options.pool_bytes,
        },
    };
    std::thread::scope(|scope| {
        for _ in 0..options.workers.max(1) {
            scope.spawn(|| worker(&shared));
        }
    });
    let schedule = shared
        .schedule
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    set_blas_threads(options.blas_threads_alone);
    if let Some(error) = schedule.failed {
        return Err(error);
    }
    if schedule.stats.nodes != total {
        return Err(Error::Stalled {
            left: total - schedule.stats.nodes,
        });
    }
    let store = shared.store.into_inner().unwrap_or_else(|e| e.into_inner());
    let tiles = store
        .tiles
        .into_iter()
        .filter(|(k, _)| shared.outputs.contains(&k.matrix))
        .collect();
    Ok(Outcome {
        tiles,
        stats: schedule.stats,
    })
}

fn worker(shared: &Shared<'_, '_>) {
    loop {
        let Some((node, alone)) = next_node(shared) else {
            return;
        };
        let result = run_node(shared, &node);
        let mut schedule = shared.schedule.lock().unwrap_or_else(|e| e.into_inner());
        schedule.running -= 1;
        if alone {
            schedule.alone_running = false;
        }
        match result {
            Ok((children_ready, flops)) => {
                schedule.stats.nodes += 1;
                schedule.stats.flops += flops;
                for (child, needed) in children_ready {
                    let entry = match (schedule.counted.get_mut(&child), needed) {
                        (Some(entry), _) => entry,
                        (None, Some(needed)) => {
                            schedule.counted.entry(child.clone()).or_insert((0, needed))
                        }
                        (None, None) => match shared.dag.parents(&child) {
                            Ok(parents) => schedule
                                .counted
                                .entry(child.clone())
                                .or_insert((0, parents.len())),
                            Err(error) => {
                                schedule.failed.get_or_insert(error.into());
                                break;
                            }
                        },
                    };
                    entry.0 += 1;
                    if entry.0 == entry.1 {
                        schedule.counted.remove(&child);
                        schedule.ready.push_back(child);
                    }
                }
            }
            Err(error) => {
                if schedule.failed.is_none() {
                    schedule.failed = Some(error);
                }
            }
        }
        shared.wake.notify_all();
    }
}

/// Waits for a ready node; `None` when the run is over (finished or failed).
fn next_node(shared: &Shared<'_, '_>) -> Option<(Node, bool)> {
    let mut schedule = shared.schedule.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if schedule.failed.is_some() || (schedule.ready.is_empty() && schedule.running == 0) {
            return None;
        }
        if !schedule.alone_running && !schedule.ready.is_empty() {
            // Newest first (depth-first): a node's children run while its outputs are fresh, which keeps
            // few tiles live (GEMM's partial sums are added as soon as they exist) and follows
            // Cholesky's critical path (trailing update, then the next diagonal block).
            let node = schedule.ready.pop_back().expect("checked non-empty");
            let alone = schedule.running == 0 && schedule.ready.is_empty();
            // Changing OpenBLAS's thread count is safe only while no kernel runs; when others run,
            // the count is already the shared one (a node running alone blocks every other start).
            let wanted = if alone {
                shared.options.blas_threads_alone
            } else {
                (shared.options.blas_threads_alone / shared.options.workers.max(1)).max(1)
            };
            if schedule.running == 0 && schedule.blas_threads != wanted {
                set_blas_threads(wanted);
                schedule.blas_threads = wanted;
            }
            debug_assert!(schedule.running == 0 || schedule.blas_threads == wanted);
            schedule.running += 1;
            schedule.alone_running = alone;
            return Some((node, alone));
        }
        schedule = shared
            .wake
            .wait(schedule)
            .unwrap_or_else(|e| e.into_inner());
    }
}

/// The node's operands. A tile this node is the last reader of (and reads once) leaves the store
/// now, so the kernel owns it and can update it in place instead of copying.
fn take_operands(shared: &Shared<'_, '_>, reads: &[TileKey]) -> Result<Vec<Operand>, Error> {
    let mut store = shared.store.lock().unwrap_or_else(|e| e.into_inner());
    let mut operands = Vec::with_capacity(reads.len());
    for tile in reads {
        let Some(found) = store.tiles.get(tile).cloned() else {
            if !shared.written.contains(&tile.matrix) {
                return Err(Error::MissingInput(shared.dag.tile_name(tile)));
            }
            operands.push(Operand::Zero);
            continue;
        };
        let last_reader = store.readers_left.get(tile) == Some(&1)
            && !shared.outputs.contains(&tile.matrix)
            && reads.iter().filter(|t| *t == tile).count() == 1;
        if last_reader {
            store.tiles.remove(tile);
            store.readers_left.remove(tile);
        }
        operands.push(Operand::Shared(found));
    }
    Ok(operands)
}

/// A child of a finished node, with its parent count when no other parent has counted it yet.
type ChildCount = (Node, Option<usize>);

/// Runs one node; returns its children (with their parent counts when no other parent has counted
/// them yet) and its flops.
fn run_node(shared: &Shared<'_, '_>, node: &Node) -> Result<(Vec<ChildCount>, f64), Error> {
    let dag = shared.dag;
    let template = &dag.program().templates[node.template as usize];
    let reads = dag.reads(node)?;
    let operands = take_operands(shared, &reads)?;
    // A missing tile of a written matrix is a zero block only if nobody writes it.
    for (tile, operand) in reads.iter().zip(&operands) {
        if matches!(operand, Operand::Zero) && dag.writer_of(tile)?.is_some() {
            return Err(Error::LostTile {
                node: dag.node_name(node),
                tile: dag.tile_name(tile),
            });
        }
    }
    let flops = {
        let refs: Vec<Option<&Tile>> = operands.iter().map(Operand::tile).collect();
        template.kernel.flops(&refs)
    };
    let results = template
        .kernel
        .run_consuming(operands, &shared.pool)
        .map_err(|source| Error::Kernel {
            node: dag.node_name(node),
            source,
        })?;

    let writes = dag.writes(node)?;
    let mut readers = Vec::with_capacity(writes.len());
    for tile in &writes {
        readers.push(dag.readers_of(tile)?);
    }
    {
        let mut store = shared.store.lock().unwrap_or_else(|e| e.into_inner());
        for ((tile, result), tile_readers) in writes.iter().zip(results).zip(&readers) {
            // A tile nobody reads and nobody asked for is dropped at once.
            if tile_readers.is_empty() && !shared.outputs.contains(&tile.matrix) {
                continue;
            }
            if store.tiles.insert(tile.clone(), Arc::new(result)).is_some() {
                return Err(Error::Rewritten(dag.tile_name(tile)));
            }
            store.readers_left.insert(tile.clone(), tile_readers.len());
        }
        let mut seen = HashSet::new();
        for tile in reads.iter().filter(|t| seen.insert(*t)) {
            if let Some(left) = store.readers_left.get_mut(tile) {
                *left = left.saturating_sub(1);
                if *left == 0 && !shared.outputs.contains(&tile.matrix) {
                    store.readers_left.remove(tile);
                    if let Some(Ok(unused)) = store.tiles.remove(tile).map(Arc::try_unwrap) {
                        shared.pool.put(unused.into_data());
                    }
                }
            }
        }
        let live = store.tiles.len();
        drop(store);
        let mut schedule = shared.schedule.lock().unwrap_or_else(|e| e.into_inner());
        schedule.stats.tiles_peak = schedule.stats.tiles_peak.max(live);
    }
    let mut children: Vec<Node> = readers.into_iter().flatten().collect();
    children.sort();
    children.dedup();
    // Only children no other parent has counted yet need their parent count derived.
    let unknown: Vec<bool> = {
        let schedule = shared.schedule.lock().unwrap_or_else(|e| e.into_inner());
        children
            .iter()
            .map(|c| !schedule.counted.contains_key(c))
            .collect()
    };
    let mut with_counts = Vec::with_capacity(children.len());
    for (child, unknown) in children.into_iter().zip(unknown) {
        let needed = if unknown {
            Some(dag.parents(&child)?.len())
        } else {
            None
        };
        with_counts.push((child, needed));
    }
    Ok((with_counts, flops))
}
