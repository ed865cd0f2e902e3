//! Kappa on slnode: the `rt` API task code calls ([`rt`], decoded from the VM's host calls),
//! and the local runtime that runs a job's tasks in one process ([`local`], behind `slnode
//! run`). The cluster runtime (provisioner, workers with forced deadlines, checkpoints through
//! the coordinator) builds on the same decoding.

pub mod local;
pub mod rt;
