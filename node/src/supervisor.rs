//! The node supervisor: an actix actor that owns the node's services (the coordinator replica's
//! driver, the object store and its rebalancer, the QUIC endpoint, the HTTP task) and their
//! lifecycle. Every half second it refreshes what flows from the coordinator into the rest of the
//! node — member list into object placement (a join or removal starts a rebalance), principals
//! into the authenticator, leader into `/healthz` — and registers this node's member record until
//! the cluster has it. Shutdown and leaving are messages to it.
//!
//! Mailbox bounded ([`MAILBOX_CAPACITY`]); senders use `send`, which waits for room, or
//! `try_send`, never `do_send`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix::prelude::*;
use sl_coordinator::catalog::Member;
use sl_coordinator::machine::{Command, Reply};
use sl_coordinator::query::{Answer, Query};
use sl_coordinator::replica::Membership;
use sl_coordinator::service::{Client, Driver, ProposeOutcome};
use sl_objstore::placement;
use sl_objstore::store::Store;
use sl_rpc::Endpoint;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::admin::{ADMIN, Principals};

pub const MAILBOX_CAPACITY: usize = 16;
const REFRESH_EVERY: Duration = Duration::from_millis(500);
/// Refreshes in a row that must find this node removed before it stops itself.
const REMOVED_REFRESHES: u32 = 3;
/// How long a stop waits for running slices to end (a VM checks its stop flag every few
/// thousand instructions; a slice inside a long host call may take longer, and is fenced).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Leader changes this node saw over the last hour, for the dashboard's chart: (Unix ms, the
/// new leader, its term), oldest first. Bounded by the hour and by [`LEADER_CHANGES_KEPT`].
#[derive(Clone, Default)]
pub struct LeaderChanges(Arc<Mutex<std::collections::VecDeque<(u64, u64, u64)>>>);

/// More changes than this in an hour is a storm; the chart shows the newest.
pub const LEADER_CHANGES_KEPT: usize = 3_600;
const HOUR_MS: u64 = 3_600_000;

impl LeaderChanges {
    pub fn record(&self, at_ms: u64, leader: u64, term: u64) {
        let mut changes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        while changes
            .front()
            .is_some_and(|c| c.0 + HOUR_MS < at_ms || changes.len() >= LEADER_CHANGES_KEPT)
        {
            changes.pop_front();
        }
        changes.push_back((at_ms, leader, term));
    }

    /// The changes since `now_ms` minus an hour.
    pub fn last_hour(&self, now_ms: u64) -> Vec<(u64, u64, u64)> {
        let changes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        changes
            .iter()
            .filter(|c| c.0 + HOUR_MS >= now_ms)
            .copied()
            .collect()
    }
}

pub struct Parts {
    pub me: Member,
    pub driver: Driver,
    pub endpoint: Endpoint,
    pub store: Store,
    pub members: watch::Sender<Vec<placement::Member>>,
    pub principals: Principals,
    /// The cluster's policy as this node's components read it; replaced when the replicated one
    /// changes.
    pub policy: sl_labels::SharedPolicy,
    /// The admin token's hash, on the bootstrap node: registered as principal `admin`.
    pub admin_hash: Option<[u8; 32]>,
    pub health: Arc<Mutex<(bool, String)>>,
    pub leader_changes: LeaderChanges,
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
    /// Drained first at a stop: no slice's thread may outlive the runtime it calls into.
    pub provisioner: actix::Recipient<crate::kappa::provisioner::Drain>,
    pub pid_file: std::path::PathBuf,
    /// Told when the node has stopped (the process may exit).
    pub stopped: tokio::sync::mpsc::Sender<()>,
}

pub struct Supervisor {
    parts: Parts,
    registered: bool,
    stopping: bool,
    /// Seen in the configuration at least once: vanishing from it later means removal.
    was_member: bool,
    /// Consecutive refreshes that found this node removed (see `apply`).
    seen_removed: u32,
    /// The replicated policy last installed into `parts.policy`.
    policy_image: Option<sl_labels::PolicyImage>,
    /// The leader of the previous refresh (leader changes are counted).
    last_leader: Option<u64>,
    /// A refresh is under way: the next tick skips rather than piling reads on a busy driver.
    refreshing: bool,
}

impl Supervisor {
    pub fn new(parts: Parts) -> Supervisor {
        Supervisor {
            parts,
            registered: false,
            stopping: false,
            was_member: false,
            seen_removed: 0,
            policy_image: None,
            last_leader: None,
            refreshing: false,
        }
    }
}

#[derive(Message)]
#[rtype(result = "()")]
pub struct Shutdown {
    pub reason: &'static str,
}

#[derive(Message)]
#[rtype(result = "()")]
pub struct LeaveCluster;

/// One refresh's reading of the local replica. `None` is "not read" (the driver shed the
/// question or is gone), never "empty": an unanswered read must not wipe the store's
/// membership or the principals, nor count towards this node's removal.
struct Snapshot {
    members: Option<Vec<Member>>,
    principals: Option<Vec<(String, [u8; 32])>>,
    policy: Option<sl_labels::PolicyImage>,
    leader: Option<u64>,
    registered: bool,
    /// In the Raft configuration (voter or learner); `None`: no status answered.
    member: Option<bool>,
    /// (term, commit, applied) of this node's replica.
    raft: Option<(u64, u64, u64)>,
}

impl Actor for Supervisor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
        // At once, then on the interval: a restarted node refuses tokens as "not ready" until
        // its first refresh installs the users.
        self.refresh(ctx);
        ctx.run_interval(REFRESH_EVERY, |act, ctx| act.refresh(ctx));
    }
}

impl Supervisor {
    fn refresh(&mut self, ctx: &mut Context<Self>) {
        if self.stopping || self.refreshing {
            return;
        }
        self.refreshing = true;
        let driver = self.parts.driver.clone();
        let me = self.parts.me.clone();
        let admin_hash = self.parts.admin_hash;
        let registered = self.registered;
        let fetch = async move {
            let members = match driver.read_local(Query::Members).await {
                Some(Answer::Members(members)) => Some(members),
                _ => None,
            };
            let principals = match driver.read_local(Query::Principals).await {
                Some(Answer::Principals(principals)) => Some(principals),
                _ => None,
            };
            let policy = match driver.read_local(Query::Policy).await {
                Some(Answer::Policy(image)) => Some(image),
                _ => None,
            };
            let status = driver.status().await;
            let leader = status.as_ref().and_then(|s| s.leader);
            let raft = status.as_ref().map(|s| (s.term, s.commit, s.applied));
            let member = status
                .as_ref()
                .map(|s| s.voters.contains(&me.id) || s.learners.contains(&me.id));
            let mut now_registered = registered;
            if !registered && leader.is_some() {
                // Our record (address, slots) and, on the bootstrap node, the admin principal.
                let mut ok = matches!(
                    driver.propose(Command::PutMember(me)).await,
                    ProposeOutcome::Applied(Reply::Ok)
                );
                if let Some(hash) = admin_hash {
                    ok &= matches!(
                        driver
                            .propose(Command::PutPrincipal {
                                name: ADMIN.into(),
                                label: sl_labels::Lattice::top(&sl_labels::Policy::tags_only()),
                                token_hash: hash,
                            })
                            .await,
                        ProposeOutcome::Applied(Reply::Ok)
                    );
                }
                now_registered = ok;
            }
            Snapshot {
                members,
                principals,
                policy,
                leader,
                registered: now_registered,
                member,
                raft,
            }
        };
        ctx.spawn(fetch.into_actor(self).map(|snapshot, act, ctx| {
            act.refreshing = false;
            act.apply(snapshot, ctx)
        }));
    }

    fn apply(&mut self, snapshot: Snapshot, ctx: &mut Context<Self>) {
        // Removal is committed as one entry that drops the node from the configuration and its
        // member record together; both must say so, on several refreshes in a row, before the
        // node stops itself for good. A single reading of the configuration alone was once seen
        // to miss a live voter under load (a healthy node of `hostile_peers` stopped itself).
        // A reading that did not come back counts neither way.
        let record = snapshot
            .members
            .as_ref()
            .map(|members| members.iter().any(|m| m.id == self.parts.me.id));
        match (snapshot.member, record) {
            (Some(false), Some(false)) => self.seen_removed += 1,
            (Some(member), Some(record)) => {
                self.seen_removed = 0;
                if self.was_member && !member && record {
                    warn!(
                        id = self.parts.me.id,
                        "this node's configuration lacks it while its member record remains; not stopping"
                    );
                }
            }
            _ => {}
        }
        if snapshot.member == Some(true) {
            self.was_member = true;
        } else if self.was_member
            && snapshot.leader.is_some()
            && self.seen_removed >= REMOVED_REFRESHES
            && !self.stopping
        {
            // Removed (`slnode remove`): stop, and mark the directory so nothing restarts it.
            warn!(id = self.parts.me.id, "removed from the cluster; stopping");
            let _ = std::fs::write(
                self.parts.pid_file.with_file_name("left"),
                b"removed from the cluster\n",
            );
            let _ = ctx.address().try_send(Shutdown {
                reason: "removed from the cluster",
            });
            return;
        }
        if snapshot.registered && !self.registered {
            info!(id = self.parts.me.id, "registered with the cluster");
        }
        // Once registered, the record stays (a refresh that began before registration ended
        // and then failed to propose says nothing new).
        self.registered |= snapshot.registered;
        if let Some(members) = &snapshot.members {
            let placement: Vec<placement::Member> = members
                .iter()
                .filter(|m| m.storage)
                .filter_map(|m| {
                    Some(placement::Member {
                        id: m.id,
                        addr: m.addr.parse().ok()?,
                    })
                })
                .collect();
            // Only a real change wakes the rebalancer.
            self.parts.members.send_if_modified(|current| {
                if *current != placement {
                    *current = placement;
                    true
                } else {
                    false
                }
            });
            metrics::gauge!("slnode_members").set(members.len() as f64);
        }
        if let Some(principals) = snapshot.principals {
            self.parts
                .principals
                .replace(principals.into_iter().map(|(name, hash)| (hash, name)));
        }
        if let Some(image) = snapshot.policy
            && self.policy_image.as_ref() != Some(&image)
        {
            match sl_labels::Policy::from_image(&image) {
                Ok(policy) => {
                    self.parts.policy.replace(policy);
                    self.policy_image = Some(image);
                }
                Err(e) => warn!("the replicated policy does not load: {e}"),
            }
        }
        metrics::gauge!("slnode_raft_leader").set(snapshot.leader.map_or(0.0, |l| l as f64));
        if let Some(leader) = snapshot.leader {
            if self.last_leader.is_some_and(|last| last != leader) {
                metrics::counter!("slnode_raft_leader_changes_total").increment(1);
                let term = snapshot.raft.map_or(0, |(term, _, _)| term);
                self.parts
                    .leader_changes
                    .record(crate::kappa::programs::unix_ms(), leader, term);
            }
            self.last_leader = Some(leader);
        }
        if let Some((term, commit, applied)) = snapshot.raft {
            metrics::gauge!("slnode_raft_term").set(term as f64);
            metrics::gauge!("slnode_raft_commit_index").set(commit as f64);
            metrics::gauge!("slnode_raft_applied_index").set(applied as f64);
        }
        if let Some(member) = snapshot.member {
            metrics::gauge!("slnode_raft_is_member").set(if member { 1.0 } else { 0.0 });
        }
        let health = match snapshot.leader {
            Some(leader) => (true, format!("ok: leader is node {leader}")),
            None => (false, "no leader known".to_owned()),
        };
        *self.parts.health.lock().unwrap_or_else(|e| e.into_inner()) = health;
    }

    fn stop_services(&mut self, reason: &'static str) -> impl Future<Output = ()> + use<> {
        self.stopping = true;
        info!(reason, "node stopping");
        let driver = self.parts.driver.clone();
        let endpoint = self.parts.endpoint.clone();
        let tasks: Vec<_> = self.parts.tasks.drain(..).collect();
        let pid_file = self.parts.pid_file.clone();
        let stopped = self.parts.stopped.clone();
        let provisioner = self.parts.provisioner.clone();
        async move {
            // Running slices end as at their deadline (each resumes from its checkpoint on
            // another node); one that does not end in time is fenced by its epoch anyway.
            let drained = tokio::time::timeout(
                DRAIN_TIMEOUT,
                provisioner.send(crate::kappa::provisioner::Drain),
            )
            .await;
            if drained.is_err() {
                warn!("running slices did not end within {DRAIN_TIMEOUT:?}; stopping anyway");
            }
            for task in &tasks {
                task.abort();
            }
            // The driver's thread owns the Raft log; joining it closes RocksDB cleanly (every
            // Ready was already synced, so nothing is lost either way).
            let _ = tokio::task::spawn_blocking(move || driver.abort()).await;
            endpoint.close().await;
            let _ = std::fs::remove_file(&pid_file);
            let _ = stopped.send(()).await;
        }
    }
}

impl Handler<Shutdown> for Supervisor {
    type Result = ResponseActFuture<Self, ()>;

    fn handle(&mut self, message: Shutdown, _: &mut Context<Self>) -> Self::Result {
        if self.stopping {
            return Box::pin(async {}.into_actor(self));
        }
        Box::pin(self.stop_services(message.reason).into_actor(self))
    }
}

impl Handler<LeaveCluster> for Supervisor {
    type Result = ResponseActFuture<Self, ()>;

    fn handle(&mut self, _: LeaveCluster, _: &mut Context<Self>) -> Self::Result {
        if self.stopping {
            return Box::pin(async {}.into_actor(self));
        }
        let store = self.parts.store.clone();
        let endpoint = self.parts.endpoint.clone();
        let driver = self.parts.driver.clone();
        let me = self.parts.me.id;
        let left_marker = self.parts.pid_file.with_file_name("left");
        let hand_off = async move {
            // Objects first, while this node can still serve them; then the configuration.
            match store.rebalance(true).await {
                Ok(report) => info!(pushed = report.pushed, "objects handed off"),
                Err(e) => warn!("handing off objects failed: {e}"),
            }
            let members = match driver.read_local(Query::Members).await {
                Some(Answer::Members(members)) => members,
                _ => Vec::new(),
            };
            let replicas = members
                .iter()
                .filter(|m| m.id != me)
                .filter_map(|m| Some((m.id, m.addr.parse().ok()?)))
                .collect();
            let client = Client::new(endpoint, replicas);
            match client.change_membership(&Membership::Remove(me)).await {
                Ok(reply) => {
                    info!(?reply, "left the configuration");
                    // A node that left must not come back by accident (`slnode up`, `run`).
                    if let Some(dir) = left_marker.parent()
                        && dir.exists()
                    {
                        let _ = std::fs::write(&left_marker, b"left the cluster\n");
                    }
                }
                Err(e) => warn!("leaving the configuration failed: {e}"),
            }
        };
        Box::pin(
            hand_off
                .into_actor(self)
                .then(|_, act: &mut Supervisor, _| {
                    actix::fut::wrap_future::<_, Supervisor>(act.stop_services("left the cluster"))
                }),
        )
    }
}

#[cfg(test)]
mod leader_change_tests {
    use super::*;

    #[test]
    fn only_the_last_hour_is_kept_and_the_count_is_bounded() {
        let changes = LeaderChanges::default();
        changes.record(1_000, 1, 2);
        changes.record(2_000, 2, 3);
        let now = 2_000 + HOUR_MS;
        assert_eq!(changes.last_hour(now), vec![(2_000, 2, 3)]);
        changes.record(now, 3, 4);
        assert_eq!(
            changes.0.lock().unwrap().len(),
            2,
            "the hour-old change was dropped"
        );
        for i in 0..(LEADER_CHANGES_KEPT as u64 + 5) {
            changes.record(now + i, 1, 10 + i);
        }
        assert_eq!(changes.0.lock().unwrap().len(), LEADER_CHANGES_KEPT);
    }
}
