//! `sl-coordinator`: the Raft-replicated coordinator.
//!
//! Purpose: the deterministic state machine of jobs, tasks, leases, futures, queues, members,
//! principals, the faceted KV, DAG executions and the matrix catalog ([`machine`], [`catalog`],
//! [`executions`], [`matrices`], [`query`]); the Raft log on RocksDB that survives kill -9 ([`log_store`], a `raft::Storage`);
//! the sans-I/O replica over raft-rs with membership changes ([`replica`]); the driver that alone
//! owns each replica, its `sl-rpc` methods and the client that finds the leader ([`service`]);
//! and an in-process cluster for tests and benchmarks ([`local`]). Decisions: `docs/coordinator.md`.
//!
//! Boundary: depends on `sl-labels` and `sl-rpc` only. Time never enters `apply`: the leader decides
//! expiries from its clock and proposes them as commands, so every replica applies the same thing.
//! It runs no task code and no DAG analysis; workers report what they derived.
//!
//! Invariants (asserted in code, attacked in `tests/`):
//! * At most once per call: a `(task, seq)` takes effect once; retries get the recorded reply.
//! * Fencing: nothing sent under a superseded epoch changes state.
//! * Deterministic: the same commands give the same state and the same snapshot bytes.
//! * Bounded: tasks, queues, queue capacity, item, argument and inline checkpoint sizes, members,
//!   keys and facets, executions; every inbox and queue in the driver.
//! * No flow down: spawning, queue writes and reads, and waits obey the label lattice; what a task
//!   may not see is reported as not found.
//! * One membership change at a time; a refused or dropped change is reported, never success.
//! * A DAG node completes once; a child is ready only after all of its parents completed.

pub mod catalog;
pub mod executions;
pub mod ids;
pub mod in_place;
pub mod kv;
pub mod label_rules;
pub mod local;
pub mod log_store;
pub mod machine;
pub mod matrices;
#[cfg(test)]
mod noninterference_tests;
pub mod query;
pub mod register;
pub mod replica;
pub mod service;
pub mod users;

pub use ids::{Epoch, JobId, NodeId, QueueId, Seq, TaskId};
pub use machine::{
    Answered, Call, Checkpoint, Command, Limits, Machine, Reject, Reply, Status, TaskCall,
};
pub use query::{Answer, Query};
