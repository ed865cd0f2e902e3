//! `sl-node`: one slnode process.
//!
//! Purpose (filled by the node issue): actix actors — the node supervisor, the provisioner, worker
//! actors with forced deadlines, the shim that serves host calls after label checks, the HTTP
//! gateway and `/metrics`.
//!
//! Boundary: the only crate that knows actix; it wires the others together and adds no protocol or
//! storage logic of its own.
//!
//! Status: not yet implemented.
