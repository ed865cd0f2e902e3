//! `sl-coordinator`: the Raft-replicated coordinator.
//!
//! Purpose: the deterministic state machine of jobs, tasks, leases, futures and queues
//! ([`machine`]), the Raft log on RocksDB that survives kill -9 ([`log_store`], a `raft::Storage`),
//! and — next — the raft-rs driver that owns each `RawNode`, membership, and a client that finds
//! the leader.
//!
//! Boundary: depends on `sl-labels` and `sl-rpc` only. Time never enters `apply`: the leader decides
//! expiries from its clock and proposes them as commands, so every replica applies the same thing.
//!
//! Invariants (asserted in code, attacked in `tests/machine.rs`):
//! * At most once per call: a `(task, seq)` takes effect once; retries get the recorded reply.
//! * Fencing: nothing sent under a superseded epoch changes state.
//! * Deterministic: the same commands give the same state and the same snapshot bytes.
//! * Bounded: tasks, queues, queue capacity, item, argument and inline checkpoint sizes.
//! * No flow down: spawning, queue writes and reads, and waits obey the label lattice; what a task
//!   may not see is reported as not found.
//!
//! Status: the state machine and the log storage are done; the Raft driver, transport of Raft
//! messages over `sl-rpc`, membership, client and benchmarks are not.

pub mod catalog;
pub mod executions;
pub mod ids;
pub mod local;
pub mod log_store;
pub mod machine;
pub mod query;
pub mod replica;
pub mod service;

pub use ids::{Epoch, JobId, NodeId, QueueId, Seq, TaskId};
pub use machine::{Call, Checkpoint, Command, Limits, Machine, Reject, Reply, Status, TaskCall};
