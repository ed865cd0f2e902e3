//! `sl-rpc`: every byte between slnode processes.
//!
//! Purpose (filled by the rpc issue): one quinn endpoint per node, the cluster CA and mutual TLS,
//! join tokens, typed request/response frames encoded with rkyv and validated on receipt, bulk byte
//! streams that never delay control traffic.
//!
//! Boundary: depends on no other slnode crate; knows nothing of Raft, objects or tasks — it moves
//! typed frames and authenticates peers. Every frame, buffer and timeout it uses is bounded.
//!
//! Status: not yet implemented. This crate currently holds only the limits later code must honour.

/// The largest frame the transport will accept; larger payloads travel as bulk streams.
pub const FRAME_BYTES_MAX: usize = 16 << 20;
