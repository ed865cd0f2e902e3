//! Reads of the state machine. Served after a ReadIndex round (see `service`), so a read on any
//! replica sees every write acknowledged before it started. Label rules apply as in `apply`: a
//! faceted key is read at the reader's label.

use sl_labels::Label;

use crate::catalog::Member;
use crate::executions::DagId;
use crate::ids::{Epoch, JobId, Seq, TaskId};
use crate::machine::{Machine, Outcome, Status};

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
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct JobView {
    pub root: TaskId,
    pub label: Label,
    pub status: Status,
    /// The root task's result once it has one.
    pub outcome: Option<Outcome>,
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
    pub status: Status,
    pub total: u64,
    pub completed: u64,
    pub ready: u64,
    pub running: u64,
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Answer {
    Job(Option<JobView>),
    Task(Option<TaskView>),
    Value(Option<Vec<u8>>),
    Dag(Option<DagView>),
    Members(Vec<Member>),
    Principals(Vec<(String, [u8; 32])>),
}

impl Machine {
    pub fn query(&self, query: &Query) -> Answer {
        let state = &self.state;
        match query {
            Query::Job(id) => Answer::Job(state.jobs.get(id).map(|job| JobView {
                root: job.root,
                label: job.label.clone(),
                status: job.status,
                outcome: state.tasks.get(&job.root).and_then(|t| t.outcome.clone()),
            })),
            Query::Task(id) => Answer::Task(state.tasks.get(id).map(|t| TaskView {
                label: t.label.clone(),
                status: t.status,
                epoch: t.epoch,
                next_seq: t.next_seq,
                resumes: t.resumes,
                outcome: t.outcome.clone(),
            })),
            Query::Kv { key, reader } => Answer::Value(self.kv_get(key, reader).cloned()),
            Query::Dag(id) => Answer::Dag(state.dags.get(id).map(|d| DagView {
                status: d.status,
                total: d.total,
                completed: d.completed.len() as u64,
                ready: d.ready.len() as u64,
                running: d.running.len() as u64,
            })),
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
