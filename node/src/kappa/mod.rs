//! Kappa on slnode: the `rt` API task code calls ([`rt`], decoded from the VM's host calls);
//! the local runtime that runs a job's tasks in one process ([`local`], behind `slnode run`);
//! and the cluster runtime: the provisioner and worker actors ([`provisioner`]) running task
//! slices ([`worker`]; short tasks [`in_place`]) under hard deadlines with checkpoints through the coordinator, programs
//! cached per node ([`programs`]), values as bytes ([`codec`]), failures as text ([`failure`]), external calls ([`external`]) and
//! the job methods users call ([`jobs`]), with each job's timeline of slices ([`timeline`]).

pub mod codec;
pub mod external;
pub mod failure;
pub mod in_place;
pub mod jobs;
pub mod link;
pub mod local;
pub mod programs;
pub mod provisioner;
pub mod rt;
pub mod timeline;
pub mod worker;
