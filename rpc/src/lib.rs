//! `sl-rpc`: every byte between slnode processes.
//!
//! Purpose: one quinn endpoint per node ([`endpoint`]), the cluster CA and node certificates
//! ([`pki`]), mutual TLS between nodes and CA-verified client connections ([`tls`]), join tokens
//! ([`token`]), and typed request/response messages in rkyv ([`message`]) carried in bounded,
//! validated frames ([`frame`], a pure codec with no I/O).
//!
//! Boundary: depends on no other slnode crate and knows nothing of Raft, objects or tasks; it moves
//! typed frames, streams payloads, and says who the caller is. Mapping bearer tokens to principals
//! is a hook ([`endpoint::Authenticator`]) the coordinator fills.
//!
//! Invariants:
//! * Nothing from the network is trusted before validation: headers are checked before any body is
//!   read, bodies are bytecheck-validated before use, lengths are bounded (16 MiB body, 256 MiB
//!   payload), and a bad frame ends only its own stream.
//! * No request waits forever: connects, requests and payload transfers all have deadlines.
//! * Node-to-node connections are mutual TLS under the cluster CA; a joining node trusts only the
//!   CA its token's fingerprint names.
//! * Control traffic and bulk payloads use separate connections per peer.

pub mod bench;
pub mod endpoint;
pub mod frame;
pub mod message;
pub mod pki;
pub mod tls;
pub mod token;

pub use endpoint::{Caller, Endpoint, Options, Reply, Router, Services};
pub use message::{Aligned, ErrorCode, Method, RemoteError};
