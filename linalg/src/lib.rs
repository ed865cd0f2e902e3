//! `sl-linalg`: tile kernels and LAmbdaPACK.
//!
//! Purpose (filled by the linalg issue): f64 tile kernels on ndarray + OpenBLAS, the BigMatrix tile
//! layout, the LAmbdaPACK compiler and the implicit-DAG analysis that derives any task's parents and
//! children on demand, plus a local executor.
//!
//! Boundary: no I/O; tiles arrive as buffers. Depends on no other slnode crate.
//!
//! Status: not yet implemented.
