//! `sl-chaos`: fault injection against real clusters.
//!
//! Purpose (filled by later issues): start real `slnode` processes, run workloads against them while
//! nemeses kill, pause and partition nodes, record histories, and check them (exactly-once calls,
//! linearizable KV, job results, noninterference between runs that differ only in secrets).
//!
//! Boundary: talks to a cluster only as a client would (through `sl-rpc` and the coordinator and
//! object-store clients) and through process signals and nftables; never reaches into a node's
//! memory or files.
//!
//! Status: not yet implemented; the binary accepts no workloads yet.
