//! numpywren on the cluster: tiled matrices in the replicated object store and LAmbdaPACK
//! executions whose nodes every node's runner leases from the coordinator.
//!
//! * [`methods`] (ids 530–539): what `slnode matrix …` and `slnode lambdapack submit|status|cancel`
//!   call. A submission is analysed once on the node that accepts it (single assignment, node
//!   count, start nodes — `sl_linalg::cluster::plan`); the coordinator then holds only what is in
//!   flight.
//! * [`runner`]: leases ready DAG nodes (a long poll at the leader, like Kappa's acquire), reads
//!   the node's tiles (the local replica first, else over QUIC from a holder), runs the kernel on
//!   a blocking thread while renewing the lease, writes its results write-once (R replicas), and
//!   reports the children with their parent counts.
//!
//! Object keys (a trailing `/` keeps prefixes from matching longer numbers):
//! * `mx/{generation:016x}/{i}/{j}/` — tile (i, j) of a catalogued matrix;
//! * `dt/{run:016x}/{matrix}/{index…}/` — an intermediate tile of run `run` (its submission key);
//! * `dp/{run:016x}` — the run's descriptor ([`Descriptor`]).
//!
//! Decisions (also in docs/linalg.md): matrices given to a run have sides that are whole
//! multiples of its tile size (the kernels' partial tiles would leave an output's logical shape
//! undefined); an execution runs at the join of the submitter's label and its inputs' labels, and
//! its outputs are matrices at that label.

pub mod methods;
pub mod runner;

use std::collections::BTreeMap;

use sl_linalg::dag::TileKey;
use sl_linalg::program::Program;

/// Who reads a run's tiles and where they are: what workers need besides the node key.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Descriptor {
    /// The run's submission key; names its intermediate tiles.
    pub run: u64,
    pub file: String,
    pub source: String,
    pub function: String,
    pub args: BTreeMap<String, i64>,
    pub tile: u64,
    /// Program matrix name → the catalogued matrix bound to it (inputs and outputs).
    pub bindings: BTreeMap<String, Binding>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Binding {
    pub name: String,
    pub generation: u64,
    pub rows: u64,
    pub cols: u64,
    pub output: bool,
    /// The matrix's label: only tiles at it are part of it (an input may be below the run).
    pub label: sl_labels::Label,
}

/// A descriptor compiled for running nodes.
pub struct Prepared {
    pub descriptor: Descriptor,
    pub program: Program,
    pub args: std::collections::HashMap<String, i64>,
    /// Program matrix index → its binding, if bound.
    pub bound: Vec<Option<Binding>>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Program(String),
}

impl Prepared {
    pub fn new(descriptor: Descriptor) -> Result<Prepared, Error> {
        let programs = sl_linalg::program::parse_file(&descriptor.file, &descriptor.source)
            .map_err(|e| Error::Program(e.to_string()))?;
        let program = programs
            .into_iter()
            .find(|p| p.name == descriptor.function)
            .ok_or_else(|| {
                Error::Program(format!(
                    "{} has no function {}",
                    descriptor.file, descriptor.function
                ))
            })?;
        let bound = program
            .matrices
            .iter()
            .map(|m| descriptor.bindings.get(m).cloned())
            .collect();
        let args = descriptor
            .args
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        Ok(Prepared {
            descriptor,
            program,
            args,
            bound,
        })
    }

    /// The object key of a tile of this run.
    pub fn tile_key(&self, tile: &TileKey) -> Vec<u8> {
        match self
            .bound
            .get(tile.matrix as usize)
            .and_then(Option::as_ref)
        {
            Some(b) if tile.index.len() == 2 => {
                matrix_tile_key(b.generation, tile.index[0] as u64, tile.index[1] as u64)
            }
            _ => {
                let mut key = format!("dt/{:016x}/{}/", self.descriptor.run, tile.matrix);
                for i in tile.index.iter() {
                    key.push_str(&i.to_string());
                    key.push('/');
                }
                key.into_bytes()
            }
        }
    }

    /// The label a tile of this run must carry to be part of it: its input matrix's, else the
    /// run's own (intermediates and outputs are written at the run's label).
    pub fn tile_label(&self, tile: &TileKey, run: &sl_labels::Label) -> sl_labels::Label {
        match self
            .bound
            .get(tile.matrix as usize)
            .and_then(Option::as_ref)
        {
            Some(b) if !b.output => b.label.clone(),
            _ => run.clone(),
        }
    }

    /// Is this tile an intermediate (not a catalogued matrix's)?
    pub fn is_intermediate(&self, tile: &TileKey) -> bool {
        self.bound
            .get(tile.matrix as usize)
            .and_then(Option::as_ref)
            .is_none()
    }
}

pub fn matrix_tile_key(generation: u64, i: u64, j: u64) -> Vec<u8> {
    format!("mx/{generation:016x}/{i}/{j}/").into_bytes()
}

pub fn matrix_prefix(generation: u64) -> Vec<u8> {
    format!("mx/{generation:016x}/").into_bytes()
}

pub fn run_prefix(run: u64) -> Vec<u8> {
    format!("dt/{run:016x}/").into_bytes()
}

pub fn descriptor_key(run: u64) -> String {
    format!("dp/{run:016x}")
}

/// The run a descriptor key names.
pub fn run_of(descriptor_key: &str) -> Option<u64> {
    u64::from_str_radix(descriptor_key.strip_prefix("dp/")?, 16).ok()
}
