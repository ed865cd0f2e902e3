//! `sl-objstore`: the object store for checkpoints, queue items and matrix tiles.
//!
//! Purpose: a RocksDB engine on every node ([`engine`]; large objects' bytes in write-once files
//! beside it, [`files`]), placement by rendezvous hashing ([`placement`]), and the replicated
//! store ([`store`]) that writes R replicas, reads locally first, repairs corrupt or missing
//! replicas, and moves objects when membership changes, served between nodes over `sl-rpc`
//! ([`service`]).
//!
//! Boundary: depends on `sl-labels` and `sl-rpc` only; the member list arrives through a watch
//! channel the coordinator will feed. Node-to-node traffic is trusted (mutual TLS); label checks
//! happen where a task reads, in [`store::Store::get`].
//!
//! Invariants:
//! * Durable before acknowledged: a put returns after every replica's synced write.
//! * Write-once: a key never maps to two different contents on any node.
//! * A read verifies the checksum; a corrupt replica is treated as missing and repaired.
//! * A reader whose label an object's label does not flow to gets "not found", exactly as for a
//!   missing object.

pub mod engine;
pub mod files;
pub mod placement;
pub mod service;
pub mod store;
