//! `sl-objstore`: the object store for checkpoints, queue items and matrix tiles.
//!
//! Purpose (filled by the objstore issue): a RocksDB engine on every node (data and metadata column
//! families, blob files for large values, fsynced writes with group commit), placement by rendezvous
//! hashing with replication factor R, repair of corrupt or missing replicas, rebalancing on
//! membership change, and label-filtered reads served over `sl-rpc`.
//!
//! Boundary: depends on `sl-labels` and `sl-rpc` only. Objects are immutable and write-once; a read
//! whose label does not flow to the caller is indistinguishable from a missing object.
//!
//! Status: not yet implemented.
