//! The node's DAG runner: leases ready LAmbdaPACK nodes and runs them, up to `slots` at once.
//!
//! One node's work: read its tiles (this node's replica first, else from a holder over QUIC),
//! run the kernel on a blocking thread, write the results (R replicas, write-once: a re-run
//! writes identical bytes), and report the children with their parent counts. A node whose
//! only child has no other parent runs that child in the same lease, its intermediate kept in
//! memory (a chain, reported as one completion: `Runner::execute`). The lease is
//! renewed while the node runs, so a long kernel is not taken for a lost worker; a worker that
//! dies stops renewing and the leader hands the node to another after the lease runs out.
//!
//! Failures: a kernel that refuses its input (a matrix that is not SPD), a missing input tile or
//! a lost intermediate fail the run with the node's name (`DagFail`, fenced by the lease). A
//! transient failure (a holder unreachable) hands the lease back at once for another try.
//!
//! Bounds: `slots` nodes at once (each holds its operands and results in memory); the compiled
//! descriptors of at most [`PREPARED_MAX`] runs are cached.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sl_coordinator::executions::{ChainCompletion, Child, NodeGrant};
use sl_coordinator::ids::NodeId;
use sl_coordinator::machine::{Command, Reject, Reply, Status};
use sl_coordinator::query::{Answer, Query};
use sl_labels::Label;
use sl_linalg::cluster;
use sl_linalg::dag::Dag;
use sl_linalg::kernels::Allocate;
use sl_linalg::tile::Tile;
use sl_objstore::engine::tile as tile_codec;
use sl_objstore::store::Store;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::{debug, info, warn};

use super::{Descriptor, Prepared};
use crate::kappa::link::Link;
use crate::kappa::programs::unix_ms;

/// A node lease runs this long unless renewed; renewals come every third of it.
pub const LEASE_MS: u64 = 15_000;
pub const PREPARED_MAX: usize = 32;
pub const CACHE_MIB_DEFAULT: usize = 1024;
const POLL_BACKOFF_MIN: Duration = Duration::from_millis(50);
const POLL_BACKOFF_MAX: Duration = Duration::from_secs(2);
/// A chain (see `Runner::execute`) stops after this many nodes past the leased one, or once it
/// has run this long, so its progress is recorded now and then.
const CHAIN_NODES_MAX: usize = 64;
const CHAIN_RUN_MAX: Duration = Duration::from_secs(10);
const _: () = assert!(CHAIN_NODES_MAX <= sl_coordinator::executions::CHAIN_MAX);
/// Tiles this side or smaller (512 KiB of f64) make a node small: besides the `slots` places,
/// up to `SMALL_EXTRA_PER_SLOT` × `slots` small nodes run at once.
const SMALL_TILE_SIDE_MAX: u64 = 256;
const SMALL_EXTRA_PER_SLOT: usize = 2;

#[derive(Debug, thiserror::Error)]
enum Error {
    /// Re-running the node cannot help: the run fails with this.
    #[error("{0}")]
    Fatal(String),
    /// Another try (here or elsewhere) may succeed.
    #[error("{0}")]
    Transient(String),
}

pub struct Options {
    pub node: u64,
    /// Nodes run at once.
    pub slots: usize,
    /// OpenBLAS threads per kernel (process-wide).
    pub blas_threads: usize,
    /// Bytes of recent tiles kept in memory.
    pub cache_bytes: usize,
}

impl Options {
    /// `SLNODE_LAMBDAPACK_SLOTS` (default: the machine's cores), `SLNODE_BLAS_THREADS`
    /// (default 1: slots already use every core) and `SLNODE_TILE_CACHE_MIB` (default 1024; 0
    /// keeps no tiles: every read goes to the store, except a chain's own).
    pub fn from_env(node: u64) -> Options {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let number = |name: &str, default: usize, min: usize, max: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|v| (min..=max).contains(v))
                .unwrap_or(default)
        };
        Options {
            node,
            slots: number("SLNODE_LAMBDAPACK_SLOTS", cores, 1, 256),
            blas_threads: number("SLNODE_BLAS_THREADS", 1, 1, 256),
            cache_bytes: number("SLNODE_TILE_CACHE_MIB", CACHE_MIB_DEFAULT, 0, 1 << 20) << 20,
        }
    }
}

struct Runner {
    node: u64,
    link: Link,
    store: Store,
    prepared: Mutex<HashMap<String, Arc<Prepared>>>,
    cache: TileCache,
    /// Extra places for nodes of small tiles (see [`SMALL_TILE_SIDE_MAX`]).
    small: Arc<Semaphore>,
}

/// Tiles this node wrote or read lately, by object key, with their labels: tiles are write-once,
/// so a cached tile is never stale. Bounded by bytes; the oldest go first.
struct TileCache {
    inner: Mutex<CacheInner>,
    bytes_max: usize,
}

#[derive(Default)]
struct CacheInner {
    tiles: HashMap<Vec<u8>, (Label, Arc<Tile>)>,
    order: std::collections::VecDeque<Vec<u8>>,
    bytes: usize,
}

impl TileCache {
    fn get(&self, key: &[u8], label: &Label) -> Option<Arc<Tile>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (found, tile) = inner.tiles.get(key)?;
        (found == label).then(|| tile.clone())
    }

    fn insert(&self, key: Vec<u8>, label: Label, tile: Arc<Tile>) {
        let size = std::mem::size_of_val(tile.data());
        if size > self.bytes_max {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.tiles.contains_key(&key) {
            return;
        }
        while inner.bytes + size > self.bytes_max {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some((_, gone)) = inner.tiles.remove(&oldest) {
                inner.bytes -= std::mem::size_of_val(gone.data());
            }
        }
        inner.bytes += size;
        inner.order.push_back(key.clone());
        inner.tiles.insert(key, (label, tile));
    }
}

/// Starts the runner; it runs until the process ends.
pub fn spawn(options: Options, link: Link, store: Store) -> tokio::task::JoinHandle<()> {
    sl_linalg::kernels::set_blas_threads(options.blas_threads);
    let runner = Arc::new(Runner {
        node: options.node,
        link,
        store,
        prepared: Mutex::new(HashMap::new()),
        cache: TileCache {
            inner: Mutex::new(CacheInner::default()),
            bytes_max: options.cache_bytes,
        },
        small: Arc::new(Semaphore::new(
            options.slots.max(1).saturating_mul(SMALL_EXTRA_PER_SLOT),
        )),
    });
    tokio::spawn(runner.poll(options.slots.max(1)))
}

impl Runner {
    async fn poll(self: Arc<Self>, slots: usize) {
        let free = Arc::new(Semaphore::new(slots));
        let mut backoff = POLL_BACKOFF_MIN;
        loop {
            let Ok(first) = free.clone().acquire_owned().await else {
                return;
            };
            if !self.store.knows_members() {
                // Every node leased now would be handed back at its first read or write.
                tokio::time::sleep(POLL_BACKOFF_MIN).await;
                continue;
            }
            let mut permits = vec![first];
            while let Ok(more) = free.clone().try_acquire_owned() {
                permits.push(more);
            }
            let asked = Instant::now();
            let reply = self
                .link
                .propose(Command::DagAcquire {
                    node: NodeId(self.node),
                    max: permits.len() as u32,
                    now_ms: unix_ms(),
                    lease_ms: LEASE_MS,
                })
                .await;
            match reply {
                Ok(Reply::NodeLeases(grants)) => {
                    backoff = POLL_BACKOFF_MIN;
                    if grants.is_empty() && asked.elapsed() < POLL_BACKOFF_MIN {
                        // Answered without being held (the leader's hold list is full): pace.
                        tokio::time::sleep(POLL_BACKOFF_MIN).await;
                    }
                    for grant in grants {
                        let Some(permit) = permits.pop() else {
                            warn!("the leader granted more nodes than asked");
                            break;
                        };
                        let runner = self.clone();
                        tokio::spawn(async move {
                            let (permit, extra) = runner.place_of(&grant, permit).await;
                            // A slot asks for its next node with each completion (one commit
                            // for both) and runs what it is given; an extra place ends.
                            let mut next = Some(grant);
                            while let Some(grant) = next.take() {
                                next = runner.clone().run(grant, !extra).await;
                            }
                            drop(permit);
                        });
                    }
                }
                other => {
                    debug!("lambdapack acquire: {other:?}");
                    drop(permits);
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(POLL_BACKOFF_MAX);
                }
            }
        }
    }

    /// The place a granted node runs in: a node of small tiles moves to one of the extra places
    /// when one is free, giving its slot back for the next lease. Such nodes spend their time
    /// waiting (a lease, writes to two nodes, a commit) rather than computing, so a slot per
    /// core leaves the cores idle: an SVD of 128-tiles ran 1.5× faster with three times the
    /// slots, a GEMM of 1024-tiles 1.5× slower.
    /// Returns the place and whether it is an extra one.
    async fn place_of(
        &self,
        grant: &NodeGrant,
        slot: OwnedSemaphorePermit,
    ) -> (OwnedSemaphorePermit, bool) {
        let small = match self.prepared(grant).await {
            Ok(prepared) => prepared.descriptor.tile <= SMALL_TILE_SIDE_MAX,
            Err(_) => false,
        };
        if small && let Ok(extra) = self.small.clone().try_acquire_owned() {
            return (extra, true);
        }
        (slot, false)
    }

    /// Runs one leased node to its report, renewing the lease meanwhile; with `ask_next`, the
    /// report also asks for this worker's next node, which it returns.
    async fn run(self: Arc<Self>, grant: NodeGrant, ask_next: bool) -> Option<NodeGrant> {
        let lost = Arc::new(AtomicBool::new(false));
        let work = self.clone().execute(grant.clone(), lost.clone(), ask_next);
        tokio::pin!(work);
        let mut renew = tokio::time::interval(Duration::from_millis(LEASE_MS / 3));
        renew.tick().await;
        let result = loop {
            tokio::select! {
                result = &mut work => break result,
                _ = renew.tick() => {
                    let renewal = Command::DagRenew {
                        dag: grant.dag,
                        key: grant.key.clone(),
                        epoch: grant.epoch,
                        now_ms: unix_ms(),
                        lease_ms: LEASE_MS,
                    };
                    if let Ok(Reply::Rejected(Reject::StaleEpoch | Reject::NotFound)) =
                        self.link.propose(renewal).await
                    {
                        // Someone else owns the node now (or the run ended): the work stops
                        // after its current step. Not dropped mid-write: it settles its writes
                        // and removes them if the run has ended (a cancel's clean-up ran before).
                        lost.store(true, Ordering::Relaxed);
                        // Nothing was asked for with a completion that cannot happen.
                        let _ = (&mut work).await;
                        return None;
                    }
                }
            }
        };
        match result {
            Ok(next) => return next,
            Err(Error::Fatal(error)) => {
                warn!(dag = grant.dag.0, "lambdapack run fails: {error}");
                let reply = self
                    .link
                    .propose(Command::DagFail {
                        dag: grant.dag,
                        key: grant.key.clone(),
                        epoch: grant.epoch,
                        error,
                    })
                    .await;
                if let Ok(Reply::Ok) = reply {
                    clean_up_failed(&self.store, &grant.program, &grant.label).await;
                    self.forget(&grant.program);
                }
            }
            Err(Error::Transient(error)) => {
                info!(dag = grant.dag.0, "lambdapack node handed back: {error}");
                let _ = self
                    .link
                    .propose(Command::DagExpire {
                        dag: grant.dag,
                        key: grant.key.clone(),
                        epoch: grant.epoch,
                    })
                    .await;
            }
        }
        None
    }

    /// Runs the leased node and, while each node's only child has no other parent, that child
    /// too in the same lease ([`CHAIN_NODES_MAX`], [`CHAIN_RUN_MAX`]): nobody else can be
    /// given such a child before its parent completes, so its input tiles that are
    /// intermediates stay in this process instead of being written twice and read back (a
    /// GEMM's partial sums along k). Tiles of output matrices are written as they come; the
    /// chain completes as one report when its last node's results are stored. A worker lost
    /// mid-chain recorded nothing of it: the lease expires and the leased node runs again.
    async fn execute(
        self: Arc<Self>,
        grant: NodeGrant,
        lost: Arc<AtomicBool>,
        ask_next: bool,
    ) -> Result<Option<NodeGrant>, Error> {
        let started = Instant::now();
        let prepared = self.prepared(&grant).await?;
        let mut node = cluster::decode_node(&grant.key).map_err(|e| Error::Fatal(e.to_string()))?;
        // The previous node's results, by object key: the next node is their only reader.
        let mut held: HashMap<Vec<u8>, Arc<Tile>> = HashMap::new();
        // Every key this lease stores, and whether it is an intermediate, in case the run
        // ended meanwhile (see `discard_if_ended`).
        let mut written = Vec::new();
        let mut chain: Vec<Vec<u8>> = Vec::new();
        let mut puts = tokio::task::JoinSet::new();
        let (mut flops, mut bytes_remote) = (0f64, 0u64);
        // Stored intermediates only the chain read. Only the leased node's can be stored: a
        // chained node's one parent is the node before it, whose intermediates were held.
        let mut sole_reads = Vec::new();
        // Whether the chain may take one more node (its bounds).
        let may_extend = |chain: &Vec<Vec<u8>>| {
            chain.len() < CHAIN_NODES_MAX && started.elapsed() < CHAIN_RUN_MAX
        };
        let mut fetch_time = Duration::ZERO;
        let mut kernel_time = Duration::ZERO;
        let children = loop {
            if lost.load(Ordering::Relaxed) {
                break None;
            }
            let step = Instant::now();
            let Operands {
                reads,
                fetched,
                bytes_remote: remote,
                children,
                sole_reads: consumed,
                next_reads,
            } = self
                .fetch_operands(&prepared, &node, &grant.label, &mut held, chain.is_empty())
                .await?;
            sole_reads.extend(consumed);
            bytes_remote += remote;
            fetch_time += step.elapsed();
            let step = Instant::now();
            // The chained child's other operands are read while this kernel runs (dropped with
            // this future if the lease is lost).
            let mut warming = tokio::task::JoinSet::new();
            if !next_reads.is_empty() && may_extend(&chain) {
                warming.spawn(self.clone().warm(next_reads, grant.label.clone()));
            }
            let outcome = {
                let (prepared, node) = (prepared.clone(), node.clone());
                tokio::task::spawn_blocking(move || compute(&prepared, &node, &reads, fetched))
                    .await
                    .map_err(|e| Error::Transient(e.to_string()))??
            };
            kernel_time += step.elapsed();
            // Warmed tiles are held for the next node too: with no tile cache
            // (`SLNODE_TILE_CACHE_MIB=0`) they would otherwise be read again.
            while let Some(warmed) = warming.join_next().await {
                if let Ok((remote, tiles)) = warmed {
                    bytes_remote += remote;
                    held.extend(tiles);
                }
            }
            flops += outcome.flops;
            let next = match children.as_slice() {
                [only] if only.parents == 1 && may_extend(&chain) => Some(only.key.clone()),
                _ => None,
            };
            for (key, tile, intermediate) in outcome.results {
                if intermediate && next.is_some() {
                    held.insert(key, Arc::new(tile));
                    continue;
                }
                let tile = Arc::new(tile);
                if next.is_some() {
                    // The next node reads it before its write is known to have ended.
                    held.insert(key.clone(), tile.clone());
                }
                let Some(bytes) = tile_codec::encode(tile.rows(), tile.cols(), tile.data()) else {
                    return Err(Error::Fatal(
                        "a kernel result has an inconsistent shape".into(),
                    ));
                };
                // The leader prefers this node for the children this completion makes ready:
                // they find this result here without reading it back.
                self.cache.insert(key.clone(), grant.label.clone(), tile);
                written.push((key.clone(), intermediate));
                let (store, label) = (self.store.clone(), grant.label.clone());
                // Intermediates are R copies without a write-ahead log (they survive kill -9 of
                // any R - 1 nodes); outputs are synced like every other object. Written while
                // the chain goes on; all are stored before the completion.
                puts.spawn(async move {
                    if intermediate {
                        store.put_buffered(&key, Bytes::from(bytes), &label).await
                    } else {
                        store.put(&key, Bytes::from(bytes), &label).await
                    }
                });
            }
            match next {
                Some(key) => {
                    node = cluster::decode_node(&key).map_err(|e| Error::Fatal(e.to_string()))?;
                    chain.push(key);
                }
                None => break Some(children),
            }
        };
        let computed_at = started.elapsed();
        let mut put_error = None;
        while let Some(joined) = puts.join_next().await {
            let result = joined
                .map_err(|e| Error::Transient(e.to_string()))
                .and_then(|r| {
                    r.map_err(|e| Error::Transient(format!("writing a result tile: {e}")))
                });
            if let Err(e) = result {
                put_error.get_or_insert(e);
            }
        }
        let Some(children) = children else {
            // The lease was lost mid-chain: nothing to report.
            self.discard_if_ended(grant.dag, written).await;
            return Ok(None);
        };
        if let Some(e) = put_error {
            return Err(e);
        }
        let written_at = started.elapsed();
        let chained = chain.len();
        let command = if chain.is_empty() && !ask_next {
            Command::DagComplete {
                dag: grant.dag,
                key: grant.key.clone(),
                epoch: grant.epoch,
                children,
                flops: flops as u64,
                bytes_remote,
            }
        } else {
            Command::DagCompleteChain(Box::new(ChainCompletion {
                dag: grant.dag,
                key: grant.key.clone(),
                epoch: grant.epoch,
                chain,
                children,
                flops: flops as u64,
                bytes_remote,
                acquire: u32::from(ask_next),
                now_ms: unix_ms(),
                lease_ms: LEASE_MS,
            }))
        };
        let reply = self.link.propose(command).await.map_err(Error::Transient)?;
        debug!(
            dag = grant.dag.0,
            chained,
            fetch_ms = fetch_time.as_millis() as u64,
            kernel_ms = kernel_time.as_millis() as u64,
            write_ms = (written_at - computed_at).as_millis() as u64,
            complete_ms = (started.elapsed() - written_at).as_millis() as u64,
            bytes_remote,
            "lambdapack node done"
        );
        metrics::counter!("slnode_lambdapack_nodes_total").increment(1 + chained as u64);
        metrics::counter!("slnode_lambdapack_chained_total").increment(chained as u64);
        metrics::counter!("slnode_lambdapack_bytes_remote_total").increment(bytes_remote);
        let (reply, mut grants) = match reply {
            Reply::DagCompleted {
                replaced: Some(replaced),
                grants,
            } => (Reply::DagDone { replaced }, grants),
            Reply::DagCompleted {
                replaced: None,
                grants,
            } => (Reply::Ok, grants),
            other => (other, Vec::new()),
        };
        // One was asked for, and `dag_acquire` grants at most what is asked.
        debug_assert!(grants.len() <= 1, "granted more nodes than asked");
        match reply {
            Reply::Ok => {
                // Intermediates only this chain read are no longer needed by anyone.
                for key in sole_reads {
                    if let Err(e) = self.store.delete_prefix(&key).await {
                        debug!("deleting a consumed tile: {e}");
                    }
                }
            }
            Reply::DagDone { replaced } => {
                info!(dag = grant.dag.0, "lambdapack run done");
                let run = prepared.descriptor.run;
                let mut prefixes = vec![
                    super::run_prefix(run),
                    super::descriptor_key(run).into_bytes(),
                ];
                prefixes.extend(replaced.into_iter().map(super::matrix_prefix));
                for prefix in prefixes {
                    if let Err(e) = self.store.delete_prefix(&prefix).await {
                        warn!("cleaning up after a run: {e}");
                    }
                }
                self.forget(&grant.program);
            }
            // A newer lease owns the node (this one expired: its tiles are the same bytes, and
            // stay), or the run ended. A run that failed or was cancelled meanwhile was cleaned
            // up before these tiles were written: they would stay for good, so they go now.
            Reply::Rejected(Reject::StaleEpoch | Reject::NotFound) => {
                self.discard_if_ended(grant.dag, written).await;
            }
            other => warn!(dag = grant.dag.0, "completion refused: {other:?}"),
        }
        Ok(grants.pop())
    }

    /// After a refused completion or a lost lease: what this lease wrote that nobody will
    /// clean up. The run's clean-up (at its end, or a cancel's) may have run before these
    /// writes. Intermediates of an ended run are garbage whatever its end; output tiles only
    /// when it failed (a run forgotten here may have succeeded: its outputs are a matrix).
    async fn discard_if_ended(
        &self,
        dag: sl_coordinator::executions::DagId,
        written: Vec<(Vec<u8>, bool)>,
    ) {
        let (intermediates, outputs) = match self.link.read(Query::Dag(dag)).await {
            Ok(Answer::Dag(None)) => (true, false),
            Ok(Answer::Dag(Some(view))) => match view.status {
                Status::Failed => (true, true),
                Status::Done => (true, false),
                _ => (false, false),
            },
            _ => (false, false),
        };
        for (key, intermediate) in written {
            let goes = if intermediate { intermediates } else { outputs };
            if goes && let Err(e) = self.store.delete_prefix(&key).await {
                debug!("deleting a tile of an ended run: {e}");
            }
        }
    }

    /// The node's analysis (reads, children, sole reads, what a chained child would read) and
    /// its operands: tiles the chain holds (the previous node's results: this node is their
    /// only reader), then recent tiles, then the store.
    async fn fetch_operands(
        &self,
        prepared: &Arc<Prepared>,
        node: &sl_linalg::dag::Node,
        label: &Label,
        held: &mut HashMap<Vec<u8>, Arc<Tile>>,
        leased: bool,
    ) -> Result<Operands, Error> {
        let (reads, keys, children, sole_reads, next_reads) = {
            let (prepared, node, label) = (prepared.clone(), node.clone(), label.clone());
            tokio::task::spawn_blocking(move || {
                let dag = Dag::new(&prepared.program, &prepared.args)?;
                let keyed = |reads: &[cluster::Read]| -> Vec<(Vec<u8>, Label)> {
                    reads
                        .iter()
                        .map(|r| {
                            (
                                prepared.tile_key(&r.tile),
                                prepared.tile_label(&r.tile, &label),
                            )
                        })
                        .collect()
                };
                let reads = cluster::reads(&dag, &node)?;
                let keys = keyed(&reads);
                let children = cluster::children(&dag, &node)?;
                // Only the leased node's: a chained node's one parent is the node before it,
                // whose intermediates were held, never stored.
                let sole_reads: Vec<Vec<u8>> = if leased {
                    cluster::sole_reads(&dag, &node)?
                        .iter()
                        .filter(|t| prepared.is_intermediate(t))
                        .map(|t| prepared.tile_key(t))
                        .collect()
                } else {
                    Vec::new()
                };
                // The tiles a chained child reads besides this node's results.
                let next_reads = match children.as_slice() {
                    [(child, 1)] => {
                        let writes = dag.writes(&node)?;
                        let others: Vec<cluster::Read> = cluster::reads(&dag, child)?
                            .into_iter()
                            .filter(|r| !writes.contains(&r.tile))
                            .collect();
                        keyed(&others)
                    }
                    _ => Vec::new(),
                };
                let children = children
                    .into_iter()
                    .map(|(child, parents)| Child {
                        key: cluster::encode_node(&child),
                        parents,
                    })
                    .collect();
                Ok::<_, cluster::Error>((reads, keys, children, sole_reads, next_reads))
            })
            .await
            .map_err(|e| Error::Transient(e.to_string()))?
            .map_err(|e| Error::Fatal(e.to_string()))?
        };
        let mut fetched: Vec<Option<Arc<Tile>>> = (0..reads.len()).map(|_| None).collect();
        let mut fetches = tokio::task::JoinSet::new();
        for (position, (key, expected)) in keys.into_iter().enumerate() {
            // Not taken out: a node may read the same tile twice.
            if let Some(tile) = held.get(&key) {
                fetched[position] = Some(tile.clone());
                continue;
            }
            if let Some(tile) = self.cache.get(&key, &expected) {
                fetched[position] = Some(tile);
                continue;
            }
            let (store, label) = (self.store.clone(), label.clone());
            fetches.spawn(async move {
                let result = fetch(&store, &key, &label, &expected).await;
                (position, key, expected, result)
            });
        }
        // Held tiles were for this node alone.
        held.clear();
        let mut bytes_remote = 0u64;
        while let Some(joined) = fetches.join_next().await {
            let (position, key, expected, result) =
                joined.map_err(|e| Error::Transient(e.to_string()))?;
            let (tile, remote) = result?;
            bytes_remote += remote;
            if let Some(tile) = &tile {
                self.cache.insert(key, expected, tile.clone());
            }
            fetched[position] = tile;
        }
        Ok(Operands {
            reads,
            fetched,
            bytes_remote,
            children,
            sole_reads,
            next_reads,
        })
    }

    /// Reads `keys` into the tile cache (those not there yet); the bytes that came from other
    /// nodes, and the tiles (for the next node's held set). Failures are left to the read that
    /// needs the tile.
    async fn warm(
        self: Arc<Self>,
        keys: Vec<(Vec<u8>, Label)>,
        label: Label,
    ) -> (u64, Vec<(Vec<u8>, Arc<Tile>)>) {
        let (mut remote, mut tiles) = (0, Vec::new());
        for (key, expected) in keys {
            if let Some(tile) = self.cache.get(&key, &expected) {
                tiles.push((key, tile));
                continue;
            }
            if let Ok((Some(tile), moved)) = fetch(&self.store, &key, &label, &expected).await {
                remote += moved;
                self.cache.insert(key.clone(), expected, tile.clone());
                tiles.push((key, tile));
            }
        }
        (remote, tiles)
    }

    async fn prepared(&self, grant: &NodeGrant) -> Result<Arc<Prepared>, Error> {
        if let Some(found) = self
            .prepared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&grant.program)
        {
            return Ok(found.clone());
        }
        let descriptor = load_descriptor(&self.store, &grant.program, &grant.label).await?;
        let prepared =
            Arc::new(Prepared::new(descriptor).map_err(|e| Error::Fatal(e.to_string()))?);
        let mut cache = self.prepared.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= PREPARED_MAX {
            cache.clear();
        }
        cache.insert(grant.program.clone(), prepared.clone());
        Ok(prepared)
    }

    fn forget(&self, program: &str) {
        self.prepared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(program);
    }
}

async fn load_descriptor(store: &Store, key: &str, label: &Label) -> Result<Descriptor, Error> {
    let object = store
        .get(key.as_bytes(), label)
        .await
        .map_err(|e| Error::Transient(format!("reading the run's descriptor: {e}")))?
        .ok_or_else(|| Error::Fatal(format!("the run's descriptor {key} is gone")))?;
    serde_json::from_slice(&object.bytes)
        .map_err(|e| Error::Fatal(format!("the run's descriptor {key} is malformed: {e}")))
}

/// Reads a tile: this node's replica first when it owns one, else any holder. Returns it (`None`: no such tile,
/// or one not at `expected`, the label of the matrix it belongs to — someone else's write under
/// the same key is not part of it) and the bytes that came from another node.
async fn fetch(
    store: &Store,
    key: &[u8],
    label: &Label,
    expected: &Label,
) -> Result<(Option<Arc<Tile>>, u64), Error> {
    let found = store
        .get_located(key, label)
        .await
        .map_err(|e| Error::Transient(format!("reading a tile: {e}")))?;
    let Some((object, local)) = found.filter(|(o, _)| &o.label == expected) else {
        return Ok((None, 0));
    };
    let Some(view) = tile_codec::view(&object.bytes) else {
        return Err(Error::Fatal(format!(
            "object {} is not a tile",
            String::from_utf8_lossy(key)
        )));
    };
    let tile = Tile::from_col_major(view.rows, view.cols, view.values.to_vec())
        .ok_or_else(|| Error::Fatal("a stored tile has an inconsistent shape".into()))?;
    let moved = if local { 0 } else { object.bytes.len() as u64 };
    Ok((Some(Arc::new(tile)), moved))
}

/// A node's operands, and the rest of its analysis, derived before its kernel runs.
struct Operands {
    reads: Vec<cluster::Read>,
    fetched: Vec<Option<Arc<Tile>>>,
    bytes_remote: u64,
    children: Vec<Child>,
    /// Object keys of intermediates no other node reads.
    sole_reads: Vec<Vec<u8>>,
    /// What its chained child would read besides the node's results.
    next_reads: Vec<(Vec<u8>, Label)>,
}

struct Computed {
    /// Object keys and tiles to write, and whether each is an intermediate.
    results: Vec<(Vec<u8>, Tile, bool)>,
    flops: f64,
}

fn compute(
    prepared: &Prepared,
    node: &sl_linalg::dag::Node,
    reads: &[cluster::Read],
    fetched: Vec<Option<Arc<Tile>>>,
) -> Result<Computed, Error> {
    let fatal = |e: cluster::Error| Error::Fatal(e.to_string());
    let dag = Dag::new(&prepared.program, &prepared.args).map_err(|e| fatal(e.into()))?;
    let (tiles, flops) = cluster::run(&dag, node, reads, fetched, &Allocate).map_err(fatal)?;
    let writes = dag.writes(node).map_err(|e| fatal(e.into()))?;
    let mut results = Vec::with_capacity(writes.len());
    for (tile, result) in writes.iter().zip(tiles) {
        // An intermediate nobody reads is not stored.
        let intermediate = prepared.is_intermediate(tile);
        if intermediate
            && dag
                .readers_of(tile)
                .map_err(|e| fatal(e.into()))?
                .is_empty()
        {
            continue;
        }
        results.push((prepared.tile_key(tile), result, intermediate));
    }
    Ok(Computed { results, flops })
}

/// Deletes what a run that did not finish leaves: its intermediates, its outputs' tiles and its
/// descriptor. Best effort: what a dead node holds goes when its objects are next rebalanced.
pub async fn clean_up_failed(store: &Store, descriptor_key: &str, label: &Label) {
    let Some(run) = super::run_of(descriptor_key) else {
        return;
    };
    let mut prefixes = vec![super::run_prefix(run)];
    if let Ok(descriptor) = load_descriptor(store, descriptor_key, label).await {
        prefixes.extend(
            descriptor
                .bindings
                .values()
                .filter(|b| b.output)
                .map(|b| super::matrix_prefix(b.generation)),
        );
    }
    prefixes.push(descriptor_key.as_bytes().to_vec());
    for prefix in prefixes {
        if let Err(e) = store.delete_prefix(&prefix).await {
            warn!("cleaning up a failed run: {e}");
        }
    }
}
