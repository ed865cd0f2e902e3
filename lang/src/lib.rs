//! `sl-lang`: the Python-subset compiler and the resumable VM that task code runs in.
//!
//! Purpose (filled by the lang issue): compile a documented subset of Python 3 to compact bytecode and
//! run it in a VM whose whole state — frames, stacks, heap, generators, exceptions in flight — is
//! plain data that snapshots to bytes between any two instructions and resumes elsewhere.
//!
//! Boundary: pure. No sockets, files or clocks; host calls suspend the VM and are served by the
//! embedder. Depends on no other slnode crate.
//!
//! Status: not yet implemented.
