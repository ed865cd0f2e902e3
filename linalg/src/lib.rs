//! `sl-linalg`: tile kernels and LAmbdaPACK, numpywren's model of tiled linear algebra.
//!
//! Purpose: f64 tile kernels on OpenBLAS ([`kernels`], column-major [`tile::Tile`]s, the
//! [`bigmatrix`] layout), the LAmbdaPACK compiler ([`program`]: Python syntax in, symbolic templates
//! out), the implicit-DAG analysis ([`dag`]: parents and children of any node by solving index
//! equations, never by expanding the graph), and a local multi-threaded executor ([`executor`],
//! [`local`]) that discovers ready nodes with per-node parent counters exactly as the distributed
//! runtime will. [`cluster`] is what the distributed runtime (in `sl-node`) asks of the analysis: node keys, the
//! plan a submission records, and one node's work around its tile reads and writes. [`band`] holds the one step that runs outside a DAG: the singular values of the
//! band matrix the SVD program leaves (LAPACK's dgbbrd and dbdsqr, on one node).
//!
//! Boundary: no I/O — no sockets, files or clocks; callers time runs and pass seeds. Depends on no
//! other slnode crate. OpenBLAS is reached only through [`ffi`], whose callers check every
//! dimension first.
//!
//! Invariants:
//! * Single assignment: every tile has at most one writer. `Dag::writer_of` reports a second writer
//!   as an error; `Dag::check_single_assignment` checks a whole run before it starts.
//! * `children` and `parents` agree with brute-force expansion and are each other's inverse
//!   (`tests/dag_brute_force.rs`); each parent→child edge is counted once.
//! * A read of a tile of a written matrix that no node writes is a zero block; a read of a missing
//!   input tile is an error.
//! * Kernels are deterministic, so re-running a node writes identical bytes (write-once tiles).

// Links OpenBLAS (BLAS and LAPACK) into every binary that uses this crate.
extern crate blas_src;

pub mod band;
pub mod bigmatrix;
pub mod cluster;
pub mod dag;
pub mod executor;
pub mod ffi;
pub mod kernels;
pub mod local;
pub mod program;
pub mod programs;
pub mod tile;
pub mod verify;
