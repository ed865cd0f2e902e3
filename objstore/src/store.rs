//! The replicated store a node uses: puts go to the key's R owners in parallel and return when R
//! nodes hold it durably — an owner that cannot be reached is replaced by the next node in the
//! key's rendezvous order (a sloppy quorum: still R distinct, fsynced copies; the copy moves to
//! its owner at the next rebalance), and a node that failed is skipped for a few seconds so one
//! dead node does not make every put wait out its timeout; gets read the local replica when this node owns one, else the owners in order,
//! then every other member (objects may not have moved yet after a membership change). A corrupt
//! or missing replica found on the way is repaired from the copy that answered.

use std::sync::Arc;

use bytes::Bytes;
use sl_labels::{Label, Lattice};
use sl_rpc::Endpoint;
use tokio::sync::watch;
use tracing::{debug, warn};

use crate::engine::{self, Engine, Object};
use crate::placement::{Member, owners};
use crate::service::{
    DeletePrefix, GetReplica, HasReplica, HasRequest, KeyRequest, ListReplica, ListRequest,
    PutReplica, PutRequest,
};

/// Default replication factor.
pub const REPLICAS_DEFAULT: usize = 2;
/// Keys per rebalance batch.
const REBALANCE_BATCH: usize = 256;
/// Keys of a batch moved concurrently.
const REBALANCE_KEYS_AT_ONCE: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Engine(#[from] engine::Error),
    #[error("replica on node {node} failed: {reason}")]
    Replica { node: u64, reason: String },
    /// The node did not answer (as opposed to refusing): another may take its copy.
    #[error("node {node} is unreachable: {reason}")]
    Unreachable { node: u64, reason: String },
    #[error(
        "no storage members known: this node has not learnt the membership yet (just started), or the cluster has no storage nodes"
    )]
    NoMembers,
    /// The reader's label is not one this node's copy of the policy knows: it is behind the
    /// cluster's (it catches up within a moment).
    #[error("this node's copy of the policy is behind the cluster's ({0}); try again")]
    PolicyBehind(String),
    /// No node that answered holds the object, but some did not answer: it may be on them, so
    /// the read says nothing about absence (a caller tries again later).
    #[error("no copy found, and {unanswered} node(s) did not answer (last: {reason})")]
    Inconclusive { unanswered: usize, reason: String },
    #[error("storage task failed: {0}")]
    Task(String),
}

#[derive(Clone)]
pub struct Store {
    me: u64,
    engine: Arc<Engine>,
    endpoint: Endpoint,
    members: watch::Receiver<Vec<Member>>,
    replicas: usize,
    /// The cluster's policy of the moment (a node replaces it when the replicated one changes).
    policy: sl_labels::SharedPolicy,
    /// Nodes whose last put failed at the transport, and when: tried last for a while.
    suspects: Arc<std::sync::Mutex<std::collections::HashMap<u64, std::time::Instant>>>,
}

/// How long a node that did not answer a put is tried only after the others.
const SUSPECT_FOR: std::time::Duration = std::time::Duration::from_secs(15);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rebalance {
    pub pushed: usize,
    pub dropped: usize,
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, engine::Error> + Send + 'static,
) -> Result<T, Error> {
    Ok(tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Task(e.to_string()))??)
}

impl Store {
    pub fn new(
        me: u64,
        engine: Arc<Engine>,
        endpoint: Endpoint,
        members: watch::Receiver<Vec<Member>>,
        replicas: usize,
        policy: impl Into<sl_labels::SharedPolicy>,
    ) -> Store {
        Store {
            me,
            engine,
            endpoint,
            members,
            replicas: replicas.max(1),
            policy: policy.into(),
            suspects: Default::default(),
        }
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    fn members(&self) -> Vec<Member> {
        self.members.borrow().clone()
    }

    /// Whether this node has learnt the storage membership (a node just started has not, and
    /// can neither place nor find objects until it has).
    pub fn knows_members(&self) -> bool {
        !self.members.borrow().is_empty()
    }

    /// Writes `bytes` at `label` to R nodes — the owners of `key`, or in place of an unreachable
    /// one the next node in the key's order — and returns when R hold it durably.
    pub async fn put(&self, key: &[u8], bytes: Bytes, label: &Label) -> Result<(), Error> {
        self.put_with(key, bytes, label, false).await
    }

    /// [`Store::put`] without waiting for the replicas' write-ahead log to reach the disk
    /// (`Engine::put_with`): survives every process being killed, and any R − 1 machines
    /// losing power; for data that can be recomputed.
    pub async fn put_buffered(&self, key: &[u8], bytes: Bytes, label: &Label) -> Result<(), Error> {
        self.put_with(key, bytes, label, true).await
    }

    async fn put_with(
        &self,
        key: &[u8],
        bytes: Bytes,
        label: &Label,
        buffered: bool,
    ) -> Result<(), Error> {
        let members = self.members();
        let mut order = owners(&members, key, members.len());
        if order.is_empty() {
            return Err(Error::NoMembers);
        }
        let want = self.replicas.min(order.len());
        // Suspects go last (stable: among the rest, rendezvous order is kept).
        self.order_suspects_last(&mut order);
        let mut next = 0;
        let mut stored = 0;
        let mut last_error = None;
        while stored < want {
            let batch: Vec<Member> = order
                .iter()
                .skip(next)
                .take(want - stored)
                .cloned()
                .collect();
            if batch.is_empty() {
                return Err(last_error.unwrap_or(Error::NoMembers));
            }
            next += batch.len();
            let writes = batch
                .iter()
                .map(|node| self.put_on(node, key, bytes.clone(), label, false, buffered));
            for (node, result) in batch.iter().zip(futures_join(writes).await) {
                match result {
                    Ok(()) => stored += 1,
                    Err(e @ Error::Unreachable { .. }) => {
                        debug!(node = node.id, "put goes to the next node: {e}");
                        self.suspect(node.id);
                        last_error = Some(e);
                    }
                    // A refusal (write-once conflict, a full disk) is the answer.
                    Err(e) => return Err(e),
                }
            }
        }
        metrics::counter!("slnode_objstore_puts_total").increment(1);
        metrics::counter!("slnode_objstore_put_bytes_total").increment(bytes.len() as u64);
        Ok(())
    }

    fn suspect(&self, node: u64) {
        self.suspects
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(node, std::time::Instant::now());
    }

    /// Moves nodes that failed within [`SUSPECT_FOR`] to the end (stable otherwise).
    fn order_suspects_last(&self, order: &mut [Member]) {
        let mut suspects = self.suspects.lock().unwrap_or_else(|e| e.into_inner());
        suspects.retain(|_, since| since.elapsed() < SUSPECT_FOR);
        order.sort_by_key(|m| suspects.contains_key(&m.id));
    }

    async fn put_on(
        &self,
        owner: &Member,
        key: &[u8],
        bytes: Bytes,
        label: &Label,
        repair: bool,
        buffered: bool,
    ) -> Result<(), Error> {
        if owner.id == self.me {
            let (engine, key, label) = (self.engine.clone(), key.to_vec(), label.clone());
            return blocking(move || {
                if repair {
                    engine.repair(&key, &bytes, &label)
                } else {
                    engine.put_with(&key, &bytes, &label, buffered).map(|_| ())
                }
            })
            .await;
        }
        let request = PutRequest {
            key: key.to_vec(),
            label: label.clone(),
            repair,
            buffered,
        };
        self.endpoint
            .call_with_payload::<PutReplica>(owner.addr, &request, Some(bytes))
            .await
            .map(|_| ())
            .map_err(|e| match e {
                sl_rpc::endpoint::Error::Remote { .. } => Error::Replica {
                    node: owner.id,
                    reason: e.to_string(),
                },
                other => Error::Unreachable {
                    node: owner.id,
                    reason: other.to_string(),
                },
            })
    }

    async fn get_from(&self, member: &Member, key: &[u8]) -> Result<Option<Object>, Error> {
        if member.id == self.me {
            let (engine, key) = (self.engine.clone(), key.to_vec());
            return blocking(move || engine.get(&key)).await;
        }
        let (response, payload) = self
            .endpoint
            .call_with_payload::<GetReplica>(member.addr, &KeyRequest { key: key.to_vec() }, None)
            .await
            .map_err(|e| {
                if !matches!(e, sl_rpc::endpoint::Error::Remote { .. }) {
                    self.suspect(member.id);
                }
                Error::Replica {
                    node: member.id,
                    reason: e.to_string(),
                }
            })?;
        Ok(response.label.map(|label| Object {
            label,
            bytes: payload.unwrap_or_default(),
        }))
    }

    /// Reads `key` for a reader at `reader`. An object whose label does not flow to the reader is
    /// reported as absent, exactly like a missing one.
    pub async fn get(&self, key: &[u8], reader: &Label) -> Result<Option<Object>, Error> {
        Ok(self
            .get_located(key, reader)
            .await?
            .map(|(object, _)| object))
    }

    /// [`Store::get`], and whether this node's own copy served it (so callers can count the
    /// bytes that crossed the network).
    pub async fn get_located(
        &self,
        key: &[u8],
        reader: &Label,
    ) -> Result<Option<(Object, bool)>, Error> {
        // A reader at a label this node's policy does not know yet (a policy applied moments
        // ago): every flow check would say no, and a visible object would look absent.
        if let Err(e) = self.policy.current().check_label(reader) {
            return Err(Error::PolicyBehind(e.to_string()));
        }
        let members = self.members();
        // A node that has not learnt the membership yet (just restarted) cannot tell absence.
        if members.is_empty() {
            return Err(Error::NoMembers);
        }
        let mut order = owners(&members, key, self.replicas);
        if let Some(local) = order.iter().position(|m| m.id == self.me) {
            order.swap(0, local);
        }
        let others: Vec<Member> = members
            .iter()
            .filter(|m| !order.contains(m))
            .cloned()
            .collect();
        order.extend(others);
        // Nodes that just failed are asked last, so a dead owner costs one timeout, not one
        // per read. Repairs still target only owners.
        let owner_ids: Vec<u64> = order.iter().take(self.replicas).map(|m| m.id).collect();
        self.order_suspects_last(&mut order);
        let mut needs_repair = Vec::new();
        let (mut unanswered, mut last_error) = (0, String::new());
        for member in &order {
            match self.get_from(member, key).await {
                Ok(Some(object)) => {
                    for owner in needs_repair.drain(..) {
                        self.repair_in_background(owner, key, &object);
                    }
                    if sl_labels::may_see(&*self.policy.current(), reader, &object.label) {
                        let local = member.id == self.me;
                        metrics::counter!(
                            "slnode_objstore_gets_total",
                            "from" => if local { "local" } else { "remote" }
                        )
                        .increment(1);
                        metrics::counter!("slnode_objstore_get_bytes_total")
                            .increment(object.bytes.len() as u64);
                        return Ok(Some((object, local)));
                    }
                    // Hidden: read on exactly as for a missing object, so that even which nodes
                    // answered cannot tell the reader that something is there.
                }
                Ok(None) if owner_ids.contains(&member.id) => needs_repair.push(member.clone()),
                Ok(None) => {}
                Err(error) => {
                    debug!(node = member.id, "replica unavailable: {error}");
                    unanswered += 1;
                    last_error = error.to_string();
                    if owner_ids.contains(&member.id)
                        && matches!(
                            error,
                            Error::Engine(engine::Error::Corrupt { .. }) | Error::Replica { .. }
                        )
                    {
                        needs_repair.push(member.clone());
                    }
                }
            }
        }
        // A put whose owner was unreachable lands on the next node in the key's order, so only
        // every member answering "not here" proves the object absent.
        if unanswered > 0 {
            return Err(Error::Inconclusive {
                unanswered,
                reason: last_error,
            });
        }
        Ok(None)
    }

    fn repair_in_background(&self, owner: Member, key: &[u8], object: &Object) {
        let (store, key, bytes, label) = (
            self.clone(),
            key.to_vec(),
            Bytes::copy_from_slice(&object.bytes),
            object.label.clone(),
        );
        tokio::spawn(async move {
            match store.put_on(&owner, &key, bytes, &label, true, false).await {
                Ok(()) => {
                    metrics::counter!("slnode_objstore_repairs_total", "outcome" => "ok")
                        .increment(1);
                    debug!(node = owner.id, "repaired a replica");
                }
                Err(e) => {
                    metrics::counter!("slnode_objstore_repairs_total", "outcome" => "error")
                        .increment(1);
                    warn!(node = owner.id, "could not repair a replica: {e}");
                }
            }
        });
    }

    /// Keys under `prefix` across the cluster that a reader at `reader` may see, sorted, at most
    /// `limit`.
    pub async fn list(
        &self,
        prefix: &[u8],
        reader: &Label,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>, Error> {
        let limit = limit.min(engine::LIST_KEYS_MAX);
        let mut keys = Vec::new();
        for member in self.members() {
            let entries = if member.id == self.me {
                let (engine, prefix) = (self.engine.clone(), prefix.to_vec());
                blocking(move || {
                    let keys = engine.list(&prefix, None, limit)?;
                    keys.into_iter()
                        .filter_map(|k| {
                            engine.meta(&k).transpose().map(|m| m.map(|m| (k, m.label)))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .await?
            } else {
                let request = ListRequest {
                    prefix: prefix.to_vec(),
                    after: None,
                    limit: limit as u32,
                };
                match self
                    .endpoint
                    .call::<ListReplica>(member.addr, &request)
                    .await
                {
                    Ok(response) => response.entries,
                    Err(e) => {
                        debug!(node = member.id, "list skipped an unreachable node: {e}");
                        continue;
                    }
                }
            };
            keys.extend(
                entries
                    .into_iter()
                    .filter(|(_, label)| self.policy.current().flows(label, reader))
                    .map(|(k, _)| k),
            );
        }
        keys.sort();
        keys.dedup();
        keys.truncate(limit);
        Ok(keys)
    }

    /// Deletes every object under `prefix` on every member (GC of a finished job).
    pub async fn delete_prefix(&self, prefix: &[u8]) -> Result<usize, Error> {
        // Every member is asked, in parallel, even when one fails (a dead node must not keep
        // the others' copies alive); the first failure is reported after all have answered.
        let deletes = self.members().into_iter().map(|member| async move {
            if member.id == self.me {
                let (engine, prefix) = (self.engine.clone(), prefix.to_vec());
                blocking(move || engine.delete_prefix(&prefix)).await
            } else {
                self.endpoint
                    .call::<DeletePrefix>(
                        member.addr,
                        &KeyRequest {
                            key: prefix.to_vec(),
                        },
                    )
                    .await
                    .map(|count| count.count as usize)
                    .map_err(|e| Error::Replica {
                        node: member.id,
                        reason: e.to_string(),
                    })
            }
        });
        let mut deleted = 0;
        let mut failure = None;
        for result in futures_join(deletes).await {
            match result {
                Ok(n) => deleted += n,
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(deleted),
        }
    }

    async fn has(&self, member: &Member, key: &[u8]) -> bool {
        if member.id == self.me {
            let (engine, key) = (self.engine.clone(), key.to_vec());
            return blocking(move || engine.meta(&key))
                .await
                .ok()
                .flatten()
                .is_some();
        }
        match self
            .endpoint
            .call::<HasReplica>(
                member.addr,
                &HasRequest {
                    keys: vec![key.to_vec()],
                },
            )
            .await
        {
            Ok(response) => response.present.first().copied().unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Brings every local object to its current owners, and drops local copies this node no longer
    /// owns once every owner holds one. `leaving` hands everything off (this node owns nothing).
    pub async fn rebalance(&self, leaving: bool) -> Result<Rebalance, Error> {
        let members: Vec<Member> = self
            .members()
            .into_iter()
            .filter(|m| !(leaving && m.id == self.me))
            .collect();
        let mut report = Rebalance::default();
        let mut after: Option<Vec<u8>> = None;
        // Owners that did not answer during this pass: skipped for the rest of it, so one dead
        // member costs one timeout, not one per key (its copies are made by a later pass).
        let unreachable: std::sync::Mutex<std::collections::HashSet<u64>> = Default::default();
        loop {
            let (engine, start) = (self.engine.clone(), after.clone());
            let keys =
                blocking(move || engine.list(b"", start.as_deref(), REBALANCE_BATCH)).await?;
            let Some(last) = keys.last().cloned() else {
                return Ok(report);
            };
            // Keys of a batch move REBALANCE_KEYS_AT_ONCE at a time: one key's round trips (has,
            // put) take milliseconds, and a leaving node's hand-off is bounded by how long
            // operators (and slchaos) wait for it.
            for chunk in keys.chunks(REBALANCE_KEYS_AT_ONCE) {
                let moves = chunk
                    .iter()
                    .map(|key| self.rebalance_key(&members, key, &unreachable));
                for outcome in futures_join(moves).await {
                    let (pushed, dropped) = outcome?;
                    report.pushed += pushed;
                    report.dropped += dropped;
                }
            }
            after = Some(last);
        }
    }

    /// One key of [`Store::rebalance`]: copies to owners that lack it; drops the local copy when
    /// this node is not an owner and every owner holds one. (pushed, dropped).
    async fn rebalance_key(
        &self,
        members: &[Member],
        key: &[u8],
        unreachable: &std::sync::Mutex<std::collections::HashSet<u64>>,
    ) -> Result<(usize, usize), Error> {
        let owners = owners(members, key, self.replicas);
        let mut held_by_all = true;
        let mut object = None;
        let mut pushed = 0;
        for owner in owners.iter().filter(|o| o.id != self.me) {
            if unreachable
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(&owner.id)
            {
                held_by_all = false;
                continue;
            }
            if self.has(owner, key).await {
                continue;
            }
            if object.is_none() {
                let (engine, k) = (self.engine.clone(), key.to_vec());
                object = blocking(move || engine.get(&k)).await.ok().flatten();
            }
            let Some(found) = &object else {
                held_by_all = false;
                continue;
            };
            match self
                .put_on(
                    owner,
                    key,
                    Bytes::copy_from_slice(&found.bytes),
                    &found.label,
                    false,
                    false,
                )
                .await
            {
                Ok(()) => pushed += 1,
                Err(e) => {
                    held_by_all = false;
                    if matches!(e, Error::Unreachable { .. }) {
                        unreachable
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(owner.id);
                    }
                    warn!(node = owner.id, "rebalance could not place a replica: {e}");
                }
            }
        }
        if held_by_all && !owners.iter().any(|o| o.id == self.me) && !owners.is_empty() {
            let (engine, k) = (self.engine.clone(), key.to_vec());
            blocking(move || engine.delete(&k)).await?;
            return Ok((pushed, 1));
        }
        Ok((pushed, 0))
    }

    /// Rebalances whenever the member list changes, until the list's sender is dropped.
    pub fn spawn_rebalancer(&self) -> tokio::task::JoinHandle<()> {
        let store = self.clone();
        let mut changes = self.members.clone();
        tokio::spawn(async move {
            while changes.changed().await.is_ok() {
                if let Err(e) = store.rebalance(false).await {
                    warn!("rebalance failed: {e}");
                }
            }
        })
    }
}

/// Runs the futures concurrently and collects their results in order.
async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, future) in results.iter_mut().zip(pinned.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *slot = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results
        .into_iter()
        .map(|r| r.expect("every future finished"))
        .collect()
}
