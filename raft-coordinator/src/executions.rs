//! DAG executions of LAmbdaPACK programs inside the state machine. The coordinator never expands
//! the DAG and never runs the program analysis: a worker that finishes a node reports the node's
//! children and how many parents each has (it derives both from the program, as numpywren does);
//! the machine counts parents per child, each parent once however often its completion is replayed,
//! and a child whose count is complete becomes ready. Nodes are opaque keys (the encoded
//! `(statement, loop indices)` of `sl-linalg`), so this module depends on nothing of the analysis.
//!
//! Invariants: a node completes at most once (replays change nothing); a child is ready only when
//! all of its parents completed; the execution is done exactly when `total` nodes completed.

use std::collections::{BTreeMap, BTreeSet};

use sl_labels::Label;

use crate::ids::{Epoch, NodeId};
use crate::machine::{Lease, Machine, Reject, Reply, Status};

pub use crate::ids::DagId;

pub type NodeKey = Vec<u8>;

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Execution {
    pub program: String,
    pub label: Label,
    pub total: u64,
    pub completed: BTreeSet<NodeKey>,
    /// Children not yet ready: the parents already counted for each.
    pub counted: BTreeMap<NodeKey, BTreeSet<NodeKey>>,
    pub ready: BTreeSet<NodeKey>,
    pub running: BTreeMap<NodeKey, Lease>,
    /// Node leases handed out so far; each lease gets a fresh epoch so late reports are fenced.
    pub epochs: u64,
    pub status: Status,
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct NodeGrant {
    pub dag: DagId,
    pub key: NodeKey,
    pub epoch: Epoch,
    pub program: String,
    pub label: Label,
}

/// A finished node's children, each with its total number of parents.
#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Child {
    pub key: NodeKey,
    pub parents: u32,
}

/// Bounds: nodes one execution may have, node key size, children per report.
pub const NODES_MAX: u64 = 100_000_000;
pub const KEY_BYTES_MAX: usize = 256;
pub const CHILDREN_MAX: usize = 65_536;
pub const EXECUTIONS_MAX: usize = 10_000;

fn key_ok(key: &NodeKey) -> Result<(), Reject> {
    if key.len() > KEY_BYTES_MAX {
        return Err(Reject::Invalid(format!(
            "node keys are at most {KEY_BYTES_MAX} bytes"
        )));
    }
    Ok(())
}

impl Machine {
    pub(crate) fn dag_create(
        &mut self,
        request: u64,
        program: &str,
        label: &Label,
        roots: &[NodeKey],
        total: u64,
    ) -> Reply {
        if let Some(dag) = self.state.dag_submissions.get(&request) {
            return Reply::Dag(*dag);
        }
        if self.policy.check_label(label).is_err() {
            return Reply::Rejected(Reject::Invalid(
                "the execution's label is not valid in this cluster's policy".into(),
            ));
        }
        if total == 0 || total > NODES_MAX || roots.is_empty() || roots.len() as u64 > total {
            return Reply::Rejected(Reject::Invalid(format!(
                "an execution has 1 to {NODES_MAX} nodes and at least one root"
            )));
        }
        if roots.len() > CHILDREN_MAX {
            return Reply::Rejected(Reject::Limit(format!("at most {CHILDREN_MAX} roots")));
        }
        if let Err(reject) = roots.iter().try_for_each(key_ok) {
            return Reply::Rejected(reject);
        }
        if self.state.dags.len() >= EXECUTIONS_MAX {
            return Reply::Rejected(Reject::Limit(format!(
                "at most {EXECUTIONS_MAX} executions"
            )));
        }
        let id = DagId(self.state.next_dag);
        self.state.next_dag += 1;
        self.state.dag_submissions.insert(request, id);
        self.state.dags.insert(
            id,
            Execution {
                program: program.to_owned(),
                label: label.clone(),
                total,
                completed: BTreeSet::new(),
                counted: BTreeMap::new(),
                ready: roots.iter().cloned().collect(),
                running: BTreeMap::new(),
                epochs: 0,
                status: Status::Ready,
            },
        );
        Reply::Dag(id)
    }

    pub(crate) fn dag_acquire(&mut self, node: NodeId, max: u32, deadline_ms: u64) -> Reply {
        let mut left = max.min(self.limits.leases_per_acquire_max) as usize;
        let mut grants = Vec::new();
        for (id, dag) in self.state.dags.iter_mut() {
            while left > 0 {
                let Some(key) = dag.ready.pop_first() else {
                    break;
                };
                dag.epochs += 1;
                let epoch = Epoch(dag.epochs);
                dag.running.insert(
                    key.clone(),
                    Lease {
                        epoch,
                        holder: node,
                        deadline_ms,
                    },
                );
                dag.status = Status::Running;
                grants.push(NodeGrant {
                    dag: *id,
                    key,
                    epoch,
                    program: dag.program.clone(),
                    label: dag.label.clone(),
                });
                left -= 1;
            }
        }
        Reply::NodeLeases(grants)
    }

    /// A node finished under lease `epoch`. A replay (the worker retried after a lost answer, or
    /// a second worker finished a node whose first lease had expired) changes nothing.
    pub(crate) fn dag_complete(
        &mut self,
        id: DagId,
        key: &NodeKey,
        epoch: Epoch,
        children: &[Child],
    ) -> Reply {
        let Some(dag) = self.state.dags.get_mut(&id) else {
            return Reply::Rejected(Reject::NotFound);
        };
        if dag.completed.contains(key) {
            return Reply::Ok;
        }
        match dag.running.get(key) {
            Some(lease) if lease.epoch == epoch => {}
            _ => return Reply::Rejected(Reject::StaleEpoch),
        }
        if children.len() > CHILDREN_MAX {
            return Reply::Rejected(Reject::Limit(format!("at most {CHILDREN_MAX} children")));
        }
        // A report that would complete more nodes than the execution declared (a worker whose
        // program analysis disagrees with `total`, or a hostile one) is refused, never counted.
        if dag.completed.len() as u64 >= dag.total {
            return Reply::Rejected(Reject::Invalid(format!(
                "the execution has completed all {} of its nodes",
                dag.total
            )));
        }
        for child in children {
            if let Err(reject) = key_ok(&child.key) {
                return Reply::Rejected(reject);
            }
            if child.parents == 0 {
                return Reply::Rejected(Reject::Invalid(
                    "a child has at least the reporting parent".into(),
                ));
            }
        }
        dag.running.remove(key);
        dag.completed.insert(key.clone());
        for child in children {
            if dag.completed.contains(&child.key)
                || dag.ready.contains(&child.key)
                || dag.running.contains_key(&child.key)
            {
                continue;
            }
            let parents = dag.counted.entry(child.key.clone()).or_default();
            parents.insert(key.clone());
            if parents.len() as u64 >= u64::from(child.parents) {
                dag.counted.remove(&child.key);
                dag.ready.insert(child.key.clone());
            }
        }
        assert!(
            dag.completed.len() as u64 <= dag.total,
            "an execution completes no more nodes than it has"
        );
        if dag.completed.len() as u64 == dag.total {
            dag.status = Status::Done;
            dag.ready.clear();
            dag.counted.clear();
        }
        Reply::Ok
    }

    /// The node's lease under `epoch` is over: it is ready for another worker.
    pub(crate) fn dag_expire(&mut self, id: DagId, key: &NodeKey, epoch: Epoch) -> Reply {
        let Some(dag) = self.state.dags.get_mut(&id) else {
            return Reply::Rejected(Reject::NotFound);
        };
        match dag.running.get(key) {
            Some(lease) if lease.epoch == epoch => {
                dag.running.remove(key);
                dag.ready.insert(key.clone());
                Reply::Ok
            }
            _ => Reply::Rejected(Reject::StaleEpoch),
        }
    }
}
