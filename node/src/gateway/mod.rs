//! The gateway: deployed functions ([`functions`]), called over HTTP ([`http`]) or RPC
//! ([`methods`]) at the caller's label ([`invoke`]). Trapeze assumes a trusted authentication
//! gateway in front of the cluster; this is it: a request is authenticated by the user's bearer
//! token, runs as a job at that user's label, and its answer goes back only to that caller.
//!
//! Boundary: no state of its own beyond a cache of function sources; the registry is in the
//! coordinator's KV, jobs are ordinary Kappa jobs (`kappa::jobs`), views are the CLI's.

pub mod dashboard;
pub mod declassify;
pub mod functions;
pub mod http;
pub mod invoke;
pub mod methods;
pub mod stall;
pub mod turns;
