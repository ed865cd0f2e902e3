//! `sl-lang`: the Python-subset compiler and the resumable VM that task code runs in.
//!
//! Purpose: compile a documented subset of Python 3 ([`compile`]) to compact bytecode ([`code`])
//! and run it in a VM ([`vm`]) whose whole state — frames, operand stacks, globals, the heap
//! ([`heap`]), pending output — is plain data that snapshots to bytes between any two instructions
//! and resumes bit-for-bit in another process.
//!
//! Boundary: pure. No sockets, files or clocks: the embedder serves host calls (`rt.spawn`,
//! `time.sleep`) — the VM suspends with the call and resumes with the answer — and drains the
//! program's output. Depends on no other slnode crate.
//!
//! Invariants: unsupported Python is a compile error naming the construct and its position, never
//! a panic or a silent approximation; a hostile snapshot is an error or a `SystemError` in the
//! program, never a panic; execution is deterministic (the same program and host answers give
//! the same steps and the same output, whatever the snapshots in between); the collector runs
//! only between instructions; every queue, stack and heap is bounded.
//!
//! The subset (classes, generators, closures, big ints, sets, `with`, decorators, `*args`,
//! imports of builtin and host modules, …), the design decisions and the measured speed are in
//! `docs/lang.md`.

pub mod annotations;
pub mod code;
pub mod compile;
pub mod format;
pub mod frame;
pub mod heap;
pub mod library;
pub mod scope;
pub mod set_algebra;
pub mod set_table;
pub mod value;
pub mod vm;

pub use compile::compile;
pub use vm::{Chained, Data, Exception, ExceptionDetail, HostCall, HostError, Outcome, Vm};
