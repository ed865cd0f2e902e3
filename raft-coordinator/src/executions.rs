//! DAG executions of LAmbdaPACK programs inside the state machine. The coordinator never expands
//! the DAG and never runs the program analysis: a worker that finishes a node reports the node's
//! children and how many parents each has (it derives both from the program, as numpywren does);
//! the machine counts parents per child, each parent once however often its completion is replayed,
//! and a child whose count is complete becomes ready. Nodes are opaque keys (the encoded
//! `(statement, loop indices)` of `sl-linalg`), so this module depends on nothing of the analysis.
//!
//! State is proportional to what is in flight: ready and running nodes, and children some but not
//! all of whose parents completed. Completed nodes are only counted — a completion needs the
//! node's current lease, which completing removes, so a replay finds no lease and changes nothing.
//! When the execution ends, its output matrices enter the catalog (`matrices`) in the same entry.
//!
//! Invariants: a node completes at most once (replays change nothing); a child is ready only when
//! all of its parents completed; the execution is done exactly when `total` nodes completed.

use std::collections::{BTreeMap, BTreeSet};

use sl_labels::Label;

use crate::ids::{Epoch, NodeId};
use crate::machine::{Lease, Machine, Reject, Reply, Status};
use crate::matrices::{self, MatrixMeta};

pub use crate::ids::DagId;

pub type NodeKey = Vec<u8>;

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Execution {
    /// Object-store key of the execution's descriptor (program, arguments, bindings), which
    /// workers read; the coordinator never looks inside.
    pub program: String,
    pub label: Label,
    pub total: u64,
    pub done: u64,
    /// Children not yet ready: the parents already counted for each.
    pub counted: BTreeMap<NodeKey, BTreeSet<NodeKey>>,
    pub ready: BTreeSet<NodeKey>,
    /// Ready nodes preferred by a worker node: the one whose completion made them ready, which
    /// holds the newest of their inputs in memory. A subset of `ready`, by worker node and key.
    pub preferred: BTreeSet<(u64, NodeKey)>,
    /// The worker node each entry of `preferred` is for, by key.
    pub preferred_by: BTreeMap<NodeKey, u64>,
    pub running: BTreeMap<NodeKey, Lease>,
    /// Node leases handed out so far; each lease gets a fresh epoch so late reports are fenced.
    pub epochs: u64,
    pub status: Status,
    /// Why it failed (a kernel error naming the node, or a cancel).
    pub error: Option<String>,
    /// Flops of completed nodes, and tile bytes their workers read from other nodes.
    pub flops: u64,
    pub bytes_remote: u64,
    /// Leases that expired: nodes run again because their worker was lost or too slow.
    pub reexecuted: u64,
    /// Output matrices, entered into the catalog when the execution is done.
    pub outputs: Vec<(String, MatrixMeta)>,
    /// Submission order, to forget the oldest ended executions first.
    pub order: u64,
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

/// A completion that also reports nodes the worker ran in the same lease, each the only child
/// of the one before (and with no other parent): `key`'s sole child first. Those nodes were
/// never ready here (their one parent had not completed), so nobody else can hold them; their
/// intermediate tiles never left the worker. `children` are the last node's. A non-zero
/// `acquire` has the same entry lease the worker up to that many next nodes (as `DagAcquire`,
/// its own preferred ones first), saving a commit per node; the reply is then `DagCompleted`.
#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct ChainCompletion {
    pub dag: DagId,
    pub key: NodeKey,
    pub epoch: Epoch,
    pub chain: Vec<NodeKey>,
    pub children: Vec<Child>,
    pub flops: u64,
    pub bytes_remote: u64,
    pub acquire: u32,
    pub now_ms: u64,
    pub lease_ms: u64,
}

/// Bounds: nodes one execution may have, node key size, children per report, nodes chained
/// after a leased one, executions kept (ended ones are forgotten oldest first beyond it),
/// outputs per execution, error text.
pub const NODES_MAX: u64 = 100_000_000;
pub const KEY_BYTES_MAX: usize = 256;
pub const CHILDREN_MAX: usize = 65_536;
pub const CHAIN_MAX: usize = 1024;
pub const EXECUTIONS_MAX: usize = 10_000;
pub const OUTPUTS_MAX: usize = 64;
pub const ERROR_BYTES_MAX: usize = 4096;

fn key_ok(key: &NodeKey) -> Result<(), Reject> {
    if key.len() > KEY_BYTES_MAX {
        return Err(Reject::Invalid(format!(
            "node keys are at most {KEY_BYTES_MAX} bytes"
        )));
    }
    Ok(())
}

fn ended(status: Status) -> bool {
    matches!(status, Status::Done | Status::Failed)
}

/// What a `DagCreate` carries besides its idempotency key.
pub struct NewExecution<'a> {
    pub program: &'a str,
    pub label: &'a Label,
    pub roots: &'a [NodeKey],
    pub total: u64,
    pub outputs: &'a [(String, MatrixMeta)],
}

impl Machine {
    pub(crate) fn dag_create(&mut self, request: u64, new: &NewExecution<'_>) -> Reply {
        if let Some(dag) = self.state.dag_submissions.get(&request) {
            return Reply::Dag(*dag);
        }
        if self.policy.check_label(new.label).is_err() {
            return Reply::Rejected(Reject::Invalid(
                "the execution's label is not valid in this cluster's policy".into(),
            ));
        }
        let (roots, total) = (new.roots, new.total);
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
        if new.outputs.len() > OUTPUTS_MAX {
            return Reply::Rejected(Reject::Limit(format!("at most {OUTPUTS_MAX} outputs")));
        }
        for (name, meta) in new.outputs {
            if let Err(reject) = matrices::name_ok(name).and_then(|()| matrices::shape_ok(meta)) {
                return Reply::Rejected(reject);
            }
            if &meta.label != new.label {
                return Reply::Rejected(Reject::Invalid(
                    "an execution's outputs are at its label".into(),
                ));
            }
        }
        if self.state.dags.len() >= EXECUTIONS_MAX && !self.forget_oldest_ended_dag() {
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
                program: new.program.to_owned(),
                label: new.label.clone(),
                total,
                done: 0,
                counted: BTreeMap::new(),
                ready: roots.iter().cloned().collect(),
                preferred: BTreeSet::new(),
                preferred_by: BTreeMap::new(),
                running: BTreeMap::new(),
                epochs: 0,
                status: Status::Ready,
                error: None,
                flops: 0,
                bytes_remote: 0,
                reexecuted: 0,
                outputs: new.outputs.to_vec(),
                order: id.0,
            },
        );
        Reply::Dag(id)
    }

    /// Drops the oldest ended execution (and its idempotency key) to make room.
    fn forget_oldest_ended_dag(&mut self) -> bool {
        let Some(id) = self
            .state
            .dags
            .iter()
            .filter(|(_, d)| ended(d.status))
            .min_by_key(|(_, d)| d.order)
            .map(|(id, _)| *id)
        else {
            return false;
        };
        self.state.dags.remove(&id);
        self.state.dag_submissions.retain(|_, d| *d != id);
        true
    }

    pub(crate) fn dag_acquire(&mut self, node: NodeId, max: u32, deadline_ms: u64) -> Reply {
        let mut left = max.min(self.limits.leases_per_acquire_max) as usize;
        let mut grants = Vec::new();
        for (id, dag) in self.state.dags.iter_mut() {
            while left > 0 {
                // This worker's preferred nodes first, then any (an idle worker takes another's
                // preferred work rather than wait).
                let mine = dag
                    .preferred
                    .range((node.0, NodeKey::new())..)
                    .next()
                    .filter(|(holder, _)| *holder == node.0)
                    .cloned();
                let key = match mine {
                    Some(entry) => {
                        dag.preferred.remove(&entry);
                        dag.preferred_by.remove(&entry.1);
                        dag.ready.remove(&entry.1);
                        entry.1
                    }
                    None => {
                        let Some(key) = dag.ready.pop_first() else {
                            break;
                        };
                        if let Some(holder) = dag.preferred_by.remove(&key) {
                            dag.preferred.remove(&(holder, key.clone()));
                        }
                        key
                    }
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

    /// Whether some execution has a node ready to lease (a `DagAcquire` would grant something).
    pub fn dag_nodes_ready(&self) -> bool {
        self.state.dags.values().any(|d| !d.ready.is_empty())
    }

    /// A node finished under lease `epoch`. A replay (the worker retried after a lost answer, or
    /// a second worker finished a node whose first lease had expired) finds no lease at that
    /// epoch and changes nothing. Replies `DagDone` (with the generations of matrices its outputs
    /// replaced) when this completion ends the execution. `chain`: nodes run after it in the
    /// same lease ([`ChainCompletion`]), completed with it.
    pub(crate) fn dag_complete(
        &mut self,
        id: DagId,
        key: &NodeKey,
        epoch: Epoch,
        chain: &[NodeKey],
        children: &[Child],
        (flops, bytes_remote): (u64, u64),
    ) -> Reply {
        let Some(dag) = self.state.dags.get_mut(&id) else {
            return Reply::Rejected(Reject::NotFound);
        };
        if !holds(dag, key, epoch) {
            return Reply::Rejected(Reject::StaleEpoch);
        }
        if children.len() > CHILDREN_MAX {
            return Reply::Rejected(Reject::Limit(format!("at most {CHILDREN_MAX} children")));
        }
        if chain.len() > CHAIN_MAX {
            return Reply::Rejected(Reject::Limit(format!(
                "at most {CHAIN_MAX} nodes chained after a leased one"
            )));
        }
        // A report that would complete more nodes than the execution declared (a worker whose
        // program analysis disagrees with `total`, or a hostile one) is refused, never counted.
        let completes = 1 + chain.len() as u64;
        if dag.done + completes > dag.total {
            return Reply::Rejected(Reject::Invalid(format!(
                "the execution has {} of its {} nodes left to complete, not {completes}",
                dag.total - dag.done,
                dag.total
            )));
        }
        let mut distinct = BTreeSet::new();
        for chained in chain {
            if let Err(reject) = key_ok(chained) {
                return Reply::Rejected(reject);
            }
            // A chained node has one parent, the node before it, which had not completed: it
            // cannot be waiting, ready or running. One that is was not chained honestly.
            if chained == key
                || !distinct.insert(chained)
                || dag.ready.contains(chained)
                || dag.running.contains_key(chained)
                || dag.counted.contains_key(chained)
            {
                return Reply::Rejected(Reject::Invalid(
                    "a chained node is known to the execution already".into(),
                ));
            }
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
        let holder = dag.running.remove(key).map(|lease| lease.holder.0);
        // The children's parent is the chain's last node.
        let key = chain.last().unwrap_or(key);
        dag.done += completes;
        dag.flops = dag.flops.saturating_add(flops);
        dag.bytes_remote = dag.bytes_remote.saturating_add(bytes_remote);
        for child in children {
            // A child already ready or running had all its parents counted; counting it again
            // would make it ready twice.
            if dag.ready.contains(&child.key) || dag.running.contains_key(&child.key) {
                continue;
            }
            let parents = dag.counted.entry(child.key.clone()).or_default();
            parents.insert(key.clone());
            if parents.len() as u64 >= u64::from(child.parents) {
                dag.counted.remove(&child.key);
                dag.ready.insert(child.key.clone());
                if let Some(holder) = holder {
                    dag.preferred.insert((holder, child.key.clone()));
                    dag.preferred_by.insert(child.key.clone(), holder);
                }
            }
        }
        assert!(
            dag.done <= dag.total,
            "an execution completes no more nodes than it has"
        );
        debug_assert!(
            dag.preferred.len() == dag.preferred_by.len()
                && dag.preferred_by.len() <= dag.ready.len(),
            "preferred nodes are ready nodes, each preferred by one worker node"
        );
        if dag.done < dag.total {
            return Reply::Ok;
        }
        dag.status = Status::Done;
        dag.ready.clear();
        dag.preferred.clear();
        dag.preferred_by.clear();
        dag.counted.clear();
        let outputs = std::mem::take(&mut dag.outputs);
        let mut replaced = Vec::new();
        for (name, meta) in outputs {
            // The replaced facet's tiles are deleted by the worker that hears `DagDone`.
            if let Reply::Generation(Some(old)) =
                matrices::insert_facet(&mut self.state.matrices, &name, meta)
            {
                replaced.push(old);
            }
        }
        Reply::DagDone { replaced }
    }

    /// [`ChainCompletion`]: the completion, then, if it was accepted and asked for leases, the
    /// lease holder's next nodes in the same entry.
    pub(crate) fn dag_complete_chain(&mut self, c: &ChainCompletion) -> Reply {
        // Read before the completion removes the lease; a lease of another epoch makes the
        // completion a refusal, which leases nothing.
        let holder = self
            .state
            .dags
            .get(&c.dag)
            .and_then(|dag| dag.running.get(&c.key))
            .map(|lease| lease.holder);
        let reply = self.dag_complete(
            c.dag,
            &c.key,
            c.epoch,
            &c.chain,
            &c.children,
            (c.flops, c.bytes_remote),
        );
        let Some(node) = holder.filter(|_| c.acquire > 0) else {
            return reply;
        };
        let replaced = match reply {
            Reply::Ok => None,
            Reply::DagDone { replaced } => Some(replaced),
            refused => return refused,
        };
        let grants = match self.dag_acquire(node, c.acquire, c.now_ms.saturating_add(c.lease_ms)) {
            Reply::NodeLeases(grants) => grants,
            _ => Vec::new(),
        };
        Reply::DagCompleted { replaced, grants }
    }

    /// A node failed in a way re-running cannot fix (its kernel refused the input): the
    /// execution fails with `error`. Fenced like a completion.
    pub(crate) fn dag_fail(
        &mut self,
        id: DagId,
        key: &NodeKey,
        epoch: Epoch,
        error: &str,
    ) -> Reply {
        let Some(dag) = self.state.dags.get_mut(&id) else {
            return Reply::Rejected(Reject::NotFound);
        };
        if !holds(dag, key, epoch) {
            return Reply::Rejected(Reject::StaleEpoch);
        }
        end_failed(dag, error);
        Reply::Ok
    }

    /// Cancels a running execution; an ended one is left as it is.
    pub(crate) fn dag_cancel(&mut self, id: DagId, reader: &Label) -> Reply {
        use sl_labels::Lattice;
        let Some(dag) = self.state.dags.get_mut(&id) else {
            return Reply::Rejected(Reject::NotFound);
        };
        if !self.policy.flows(&dag.label, reader) {
            return Reply::Rejected(Reject::NotFound);
        }
        if !ended(dag.status) {
            end_failed(dag, "cancelled");
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
                dag.reexecuted += 1;
                Reply::Ok
            }
            _ => Reply::Rejected(Reject::StaleEpoch),
        }
    }

    /// The holder of a node's lease is still working: the lease runs to `deadline_ms`.
    pub(crate) fn dag_renew(
        &mut self,
        id: DagId,
        key: &NodeKey,
        epoch: Epoch,
        deadline_ms: u64,
    ) -> Reply {
        let Some(dag) = self.state.dags.get_mut(&id) else {
            return Reply::Rejected(Reject::NotFound);
        };
        match dag.running.get_mut(key) {
            Some(lease) if lease.epoch == epoch => {
                lease.deadline_ms = lease.deadline_ms.max(deadline_ms);
                Reply::Ok
            }
            _ => Reply::Rejected(Reject::StaleEpoch),
        }
    }
}

/// Is `epoch` the current lease of running node `key`? Only its holder may report on it.
fn holds(dag: &Execution, key: &NodeKey, epoch: Epoch) -> bool {
    dag.running
        .get(key)
        .is_some_and(|lease| lease.epoch == epoch)
}

fn end_failed(dag: &mut Execution, error: &str) {
    let mut error = error.to_owned();
    if error.len() > ERROR_BYTES_MAX {
        let mut at = ERROR_BYTES_MAX;
        while !error.is_char_boundary(at) {
            at -= 1;
        }
        error.truncate(at);
    }
    dag.status = Status::Failed;
    dag.error = Some(error);
    dag.ready.clear();
    dag.preferred.clear();
    dag.preferred_by.clear();
    dag.counted.clear();
    dag.running.clear();
    dag.outputs.clear();
}
