//! `sl-lang`: the Python-subset compiler and the resumable VM that task code runs in.
//!
//! Purpose: compile a documented subset of Python 3 ([`compile`]) to compact bytecode ([`code`])
//! and run it in a VM ([`vm`]) whose whole state — frames, operand stacks, globals, the heap
//! ([`heap`]), pending output — is plain data that snapshots to bytes between any two instructions
//! and resumes bit-for-bit in another process.
//!
//! Boundary: pure. No sockets, files or clocks; host calls (next) will suspend the VM and be
//! served by the embedder. Depends on no other slnode crate.
//!
//! Invariants: unsupported Python is a compile error naming the construct and its position, never
//! a panic or a silent approximation; a hostile snapshot is an error or a `SystemError` in the
//! program, never a panic; execution is deterministic (the same program gives the same steps and
//! the same output, whatever the snapshots in between).
//!
//! Status (issue 6, in progress): functions with defaults and keyword arguments, closures and
//! lambdas, ints (64-bit; overflow raises), floats, strings, lists, tuples, dicts, slices,
//! unpacking, control flow, `try`/`except`/`finally`/`raise`/`assert` with the builtin exception
//! hierarchy, list and dict comprehensions, f-strings, `%` and `str.format`, a set of builtins and
//! methods, tracebacks, snapshot/restore, a mark-and-sweep collector, a deadline flag. Not yet:
//! classes, generators, sets, `with`, `*args`, big ints, host calls. See `docs/lang.md`.

pub mod code;
pub mod compile;
pub mod format;
pub mod frame;
pub mod heap;
pub mod scope;
pub mod value;
pub mod vm;

pub use compile::compile;
pub use vm::{Data, Exception, HostCall, HostError, Outcome, Vm};
