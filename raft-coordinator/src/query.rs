//! Reads of the state machine. Served after a ReadIndex round (see `service`), so a read on any
//! replica sees every write acknowledged before it started. Label rules apply as in `apply`: a
//! faceted key is read at the reader's label.

use sl_labels::Label;

use crate::catalog::Member;
use crate::executions::DagId;
use crate::executions::Execution;
use crate::ids::{Epoch, JobId, Seq, TaskId};
use crate::machine::{JobOptions, Machine, Outcome, Reject, Status};
use crate::matrices::MatrixMeta;

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Query {
    Job(JobId),
    Task(TaskId),
    Kv {
        key: String,
        reader: Label,
    },
    Dag(DagId),
    Members,
    /// Principals and the hashes of their tokens (for nodes' authenticators).
    Principals,
    /// The label of a principal.
    PrincipalLabel(String),
    /// The newest jobs (at most `max`), newest first.
    Jobs {
        max: u32,
    },
    /// A job's log from byte `from` (of everything it ever wrote), at most `max` bytes.
    Log {
        job: JobId,
        from: u64,
        max: u32,
    },
    Service(String),
    /// The newest jobs a reader at `reader` may see (at most `max`), newest first: filtered
    /// before the bound, ordered by submission.
    JobsSeen {
        max: u32,
        reader: Label,
    },
    /// What a reader at `reader` sees under a task key of `rt.kv`/`rt.store`.
    Facet {
        space: crate::kv::Space,
        key: String,
        reader: Label,
    },
    /// The policy in force.
    Policy,
    /// Users and their labels.
    Users,
    /// The facet of a matrix name a reader at `reader` resolves to.
    Matrix {
        name: String,
        reader: Label,
    },
    /// Every matrix facet a reader at `reader` may see.
    Matrices {
        reader: Label,
    },
    /// The newest executions (at most `max`) a reader at `reader` may see, newest first.
    Dags {
        max: u32,
        reader: Label,
    },
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct JobView {
    pub id: JobId,
    pub root: TaskId,
    pub label: Label,
    pub status: Status,
    /// The root task's result once it has one.
    pub outcome: Option<Outcome>,
    pub options: JobOptions,
    pub resumes: u64,
    pub cancelled: bool,
    /// Tasks by status: ready, running, blocked, done, failed.
    pub counts: [u64; 5],
    /// The node holding the root task's lease, if it runs.
    pub root_node: Option<u64>,
    /// Bytes its log holds in all (including dropped ones).
    pub log_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct LogView {
    /// Where `text` starts (later than asked when older bytes were dropped).
    pub from: u64,
    pub text: String,
    /// Whether the job has ended (nothing more will be written).
    pub ended: bool,
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct TaskView {
    pub label: Label,
    pub status: Status,
    pub epoch: Epoch,
    pub next_seq: Seq,
    pub resumes: u64,
    pub outcome: Option<Outcome>,
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct DagView {
    pub id: DagId,
    pub label: Label,
    pub program: String,
    pub status: Status,
    pub total: u64,
    pub completed: u64,
    pub ready: u64,
    pub running: u64,
    pub error: Option<String>,
    pub flops: u64,
    pub bytes_remote: u64,
    pub reexecuted: u64,
    /// Children some but not all of whose parents completed (in-flight state the leader holds).
    pub counted: u64,
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Answer {
    Job(Option<JobView>),
    Task(Option<TaskView>),
    Value(Option<Vec<u8>>),
    Dag(Option<DagView>),
    Members(Vec<Member>),
    Principals(Vec<(String, [u8; 32])>),
    Label(Option<Label>),
    Jobs(Vec<JobView>),
    Log(Option<LogView>),
    Service(Option<String>),
    Policy(sl_labels::PolicyImage),
    Users(Vec<(String, Label)>),
    Matrix(Result<MatrixMeta, Reject>),
    Matrices(Vec<(String, MatrixMeta)>),
    Dags(Vec<DagView>),
}

impl Machine {
    pub fn query(&self, query: &Query) -> Answer {
        let state = &self.state;
        match query {
            Query::Job(id) => Answer::Job(self.job_view(*id, true)),
            Query::Jobs { max } => Answer::Jobs(
                state
                    .jobs
                    .keys()
                    .rev()
                    .take(*max as usize)
                    .filter_map(|id| self.job_view(*id, false))
                    .collect(),
            ),
            Query::Log { job, from, max } => Answer::Log(state.jobs.get(job).map(|j| {
                let start = (*from).max(j.log_dropped);
                let mut at = ((start - j.log_dropped) as usize).min(j.log.len());
                while !j.log.is_char_boundary(at) {
                    at += 1;
                }
                let mut end = at.saturating_add(*max as usize).min(j.log.len());
                while !j.log.is_char_boundary(end) {
                    end -= 1;
                }
                LogView {
                    from: j.log_dropped + at as u64,
                    text: j.log[at..end].to_owned(),
                    ended: matches!(j.status, Status::Done | Status::Failed),
                }
            })),
            Query::Service(name) => Answer::Service(state.services.get(name).cloned()),
            Query::PrincipalLabel(name) => {
                Answer::Label(state.principals.get(name).map(|p| p.label.clone()))
            }
            Query::Task(id) => Answer::Task(state.tasks.get(id).map(|t| TaskView {
                label: t.label.clone(),
                status: t.status,
                epoch: t.epoch,
                next_seq: t.next_seq,
                resumes: t.resumes,
                outcome: t.outcome.clone(),
            })),
            Query::Kv { key, reader } => Answer::Value(self.kv_get(key, reader).cloned()),
            Query::Dag(id) => Answer::Dag(state.dags.get(id).map(|d| dag_view(*id, d))),
            Query::Dags { max, reader } => {
                use sl_labels::Lattice;
                Answer::Dags(
                    state
                        .dags
                        .iter()
                        .rev()
                        .filter(|(_, d)| self.policy.flows(&d.label, reader))
                        .take(*max as usize)
                        .map(|(id, d)| dag_view(*id, d))
                        .collect(),
                )
            }
            Query::Matrix { name, reader } => Answer::Matrix(self.matrix_lookup(name, reader)),
            Query::Matrices { reader } => Answer::Matrices(self.matrices_seen(reader)),
            Query::Policy => Answer::Policy(self.policy_image()),
            Query::JobsSeen { max, reader } => Answer::Jobs(self.jobs_seen(*max, reader)),
            Query::Facet { space, key, reader } => {
                Answer::Value(self.facet_read(reader, space, key))
            }
            Query::Users => Answer::Users(self.users()),
            Query::Members => Answer::Members(state.members.values().cloned().collect()),
            Query::Principals => Answer::Principals(
                state
                    .principals
                    .iter()
                    .map(|(name, p)| (name.clone(), p.token_hash))
                    .collect(),
            ),
        }
    }
}

fn dag_view(id: DagId, d: &Execution) -> DagView {
    DagView {
        id,
        label: d.label.clone(),
        program: d.program.clone(),
        status: d.status,
        total: d.total,
        completed: d.done,
        ready: d.ready.len() as u64,
        running: d.running.len() as u64,
        error: d.error.clone(),
        flops: d.flops,
        bytes_remote: d.bytes_remote,
        reexecuted: d.reexecuted,
        counted: d.counted.len() as u64,
    }
}

impl Machine {
    fn jobs_seen(&self, max: u32, reader: &Label) -> Vec<JobView> {
        use sl_labels::Lattice;
        let mut seen: Vec<(u64, JobId)> = self
            .state
            .jobs
            .iter()
            .filter(|(_, j)| crate::label_rules::leaky(9) || self.policy.flows(&j.label, reader))
            .map(|(id, j)| (j.order, *id))
            .collect();
        seen.sort_unstable_by(|a, b| b.cmp(a));
        seen.into_iter()
            .take(max as usize)
            .filter_map(|(_, id)| self.job_view(id, false))
            .collect()
    }

    /// One job as the CLI shows it; `counts` scans the tasks, so listings skip it.
    fn job_view(&self, id: JobId, counts: bool) -> Option<JobView> {
        let state = &self.state;
        let job = state.jobs.get(&id)?;
        let mut tally = [0u64; 5];
        tally[3] = job.done;
        tally[4] = job.failed;
        if counts && job.live > 0 {
            for task in state
                .tasks
                .values()
                .filter(|t| t.job == id && t.outcome.is_none() && self.shows_in_job(&t.label, id))
            {
                let i = match task.status {
                    Status::Ready => 0,
                    Status::Running => 1,
                    Status::Blocked => 2,
                    Status::Done => 3,
                    Status::Failed => 4,
                };
                tally[i] += 1;
            }
        }
        let root = state.tasks.get(&job.root);
        Some(JobView {
            id,
            root: job.root,
            label: job.label.clone(),
            status: job.status,
            outcome: job.outcome.clone(),
            options: job.options.clone(),
            resumes: job.resumes,
            cancelled: job.cancelled,
            counts: tally,
            root_node: root.and_then(|t| t.lease.as_ref()).map(|l| l.holder.0),
            log_bytes: job.log_dropped + job.log.len() as u64,
        })
    }
}
