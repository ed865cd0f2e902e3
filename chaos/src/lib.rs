//! `sl-chaos`: Jepsen-style fault injection against real slnode clusters, and the checkers that
//! judge what the cluster did.
//!
//! Purpose: start real `slnode` processes on loopback addresses of their own ([`cluster`]), run
//! client workloads against them ([`workloads`], [`effects`], [`factor`]) while a seeded nemesis
//! ([`schedule`], driven by [`run`]) kills, pauses, partitions and churns nodes, record every
//! operation's invocation and completion ([`history`]), and check the history ([`checks`]:
//! per-key linearizability by [`linear`], job results, exactly-once effects, durability of
//! acknowledged objects, verified factorizations). [`report`] and [`plot`] present the outcome.
//!
//! Boundary: talks to a cluster only as a client would (the coordinator's and the node's RPC
//! methods with the admin token, the `slnode` binary for up/serve/join/leave and, as a user would, for matrices and
//! LAmbdaPACK runs) and through process
//! signals and nftables; never reaches into a node's memory or files beyond its pid and join
//! token. The checkers ([`history`], [`linear`], [`checks`], [`schedule`]) are pure: no clock,
//! socket or process, so they are tested on hand-written histories.
//!
//! Invariants: every fault started is undone before the run ends (heal after each step, heal and
//! `down` on every way out, the cluster's `Drop`); an operation whose outcome is unknown is
//! recorded `info` and never retried under the same process; the same seed gives the same fault
//! schedule and the same client choices.

pub mod checks;
pub mod cluster;
pub mod effects;
pub mod factor;
pub mod history;
pub mod linear;
pub mod plot;
pub mod report;
pub mod run;
pub mod schedule;
pub mod workloads;
