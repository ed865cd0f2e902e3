//! `sl-coordinator`: the Raft-replicated coordinator.
//!
//! Purpose (filled by the coordinator issue): a raft-rs driver that owns each `RawNode`, RocksDB
//! raft storage that survives kill -9, and the deterministic state machine of jobs, tasks, leases,
//! futures, queues, DAG counters, faceted KV and principals, with a client that finds the leader.
//!
//! Boundary: depends on `sl-labels` and `sl-rpc` only. Time never enters `apply`: the leader decides
//! expiries from its clock and proposes them as commands.
//!
//! Status: not yet implemented.
