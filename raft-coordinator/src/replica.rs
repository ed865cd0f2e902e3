//! One coordinator replica: a raft-rs `RawNode` over the RocksDB log, and the state machine it
//! applies. Sans-I/O in the quinn-proto sense: time arrives as `tick()`, messages as `step()`, and
//! `handle_ready()` returns the messages to send and the replies to deliver; the caller moves bytes.
//!
//! Per `Ready`: persist entries, hard state and snapshot in one synced batch; then hand back every
//! message (sending after persisting is always safe); apply committed entries; advance. Proposals
//! carry `(origin replica, id)` in the entry context, so the proposer's reply can be matched once
//! the entry applies on the replica that took the proposal — a follower takes proposals too and
//! raft-rs forwards them to the leader.
//!
//! Membership is changed one voter or learner at a time (simple conf changes, no joint consensus):
//! a node joins as a learner, the leader promotes it once it has caught up while there are fewer
//! voters than wanted, and a removed voter's place is filled the same way. raft-rs accepts some
//! conf changes it then drops (one already pending) or refuses at apply time; both come back to
//! the proposer as errors here, never as silent success.

use std::collections::BTreeMap;
use std::path::Path;

use raft::eraftpb::{
    ConfChangeSingle, ConfChangeType, ConfChangeV2, ConfState, Entry, EntryType, Message,
    MessageType, Snapshot,
};
use raft::{RawNode, StateRole};
use sl_labels::Policy;

use crate::catalog::Member;
use crate::log_store::{self, LogStore};
use crate::machine::{Command, Limits, Machine, Reject, Reply};

/// Applied entries between log compactions, at least (more when the state is large, see
/// `maybe_compact`), and at most.
pub const COMPACT_EVERY: u64 = 1000;
pub const COMPACT_EVERY_MAX: u64 = 100_000;
/// Entries kept before a compaction's snapshot, so a follower a little behind catches up from
/// the log rather than from a whole snapshot.
pub const COMPACT_KEEP: u64 = 2_000;
/// The most proposals one replica keeps waiting for their entries to apply.
pub const PENDING_MAX: usize = 100_000;
/// Ticks a peer may wait on one snapshot before it is sent again (10 s at the driver's 50 ms
/// tick: time to move a large state over a slow link, bounded).
pub const SNAPSHOT_STALL_TICKS: u32 = 200;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Log(#[from] log_store::Error),
    #[error("raft: {0}")]
    Raft(#[from] raft::Error),
    #[error("not the leader (leader: {leader:?}); send the proposal there")]
    NotLeader { leader: Option<u64> },
    #[error("too many proposals in flight ({PENDING_MAX})")]
    Busy,
    #[error("undecodable command in the log at index {index}: {reason}")]
    Corrupt { index: u64, reason: String },
    #[error("membership change refused: {0}")]
    Membership(String),
    /// Transient: one change at a time; the caller retries after the pending one applies.
    #[error("another membership change is still being applied; retry")]
    ChangePending,
}

/// A membership change, one node at a time.
#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Membership {
    /// Add a node as a learner (or, if it is already a member, update its record).
    AddLearner(Member),
    /// Make a caught-up learner a voter.
    Promote(u64),
    /// Remove a voter or learner (a dead one, say).
    Remove(u64),
}

/// What a conf-change entry carries besides the change itself.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
struct ConfContext {
    origin: u64,
    id: u64,
    member: Option<Member>,
}

/// A learner within this many entries of the leader's last index counts as caught up.
pub const CATCH_UP_MARGIN: u64 = 64;

fn context(origin: u64, id: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(16);
    bytes.extend_from_slice(&origin.to_le_bytes());
    bytes.extend_from_slice(&id.to_le_bytes());
    bytes
}

fn parse_context(bytes: &[u8]) -> Option<(u64, u64)> {
    let origin = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    let id = u64::from_le_bytes(bytes.get(8..16)?.try_into().ok()?);
    Some((origin, id))
}

/// Voters and learners as the replica sees them now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roles {
    pub voters: Vec<u64>,
    pub learners: Vec<u64>,
}

#[derive(Clone, Debug)]
pub struct Timing {
    pub election_tick: usize,
    pub heartbeat_tick: usize,
    /// Every election timeout exactly `election_tick` (raft-rs otherwise draws it from its own,
    /// unseeded generator): for the simulation, whose runs must replay from their seed alone and
    /// which varies timing by skipping ticks from its own seeded generator.
    pub fixed_election_timeout: bool,
    /// Compaction's cadence: a snapshot at least every `compact_every` applied entries (see
    /// `maybe_compact`), keeping the newest `compact_keep` entries for followers that lag. The
    /// simulation shrinks both so that snapshots are taken, sent and installed within a run.
    pub compact_every: u64,
    pub compact_keep: u64,
}

impl Default for Timing {
    /// At the driver's 50 ms tick: a heartbeat every 100 ms, an election after 300–600 ms without
    /// one (raft-rs randomises in [election_tick, 2 × election_tick)). That keeps a client's
    /// failover under a second; pre-vote and check-quorum keep a slow follower from disrupting a
    /// healthy leader, and ticks stop with a starved thread, so load cannot fake a silence.
    fn default() -> Self {
        Timing {
            election_tick: 6,
            heartbeat_tick: 2,
            fixed_election_timeout: false,
            compact_every: COMPACT_EVERY,
            compact_keep: COMPACT_KEEP,
        }
    }
}

pub struct Replica {
    node: RawNode<LogStore>,
    machine: Machine,
    pending: BTreeMap<u64, ()>,
    applied: u64,
    last_compacted: u64,
    /// Bytes of entries applied since the last compaction, and the size of that snapshot: a
    /// snapshot costs its whole size, so it is taken when the log has grown by half of it.
    log_bytes: u64,
    snapshot_bytes: u64,
    /// Compactions skipped because the state could not be serialized (see `maybe_compact`).
    snapshot_failures: u64,
    compact_every: u64,
    compact_keep: u64,
    /// Ticks each peer has waited in the snapshot state (leader only).
    snapshot_ticks: BTreeMap<u64, u32>,
    /// A Ready whose early messages were taken ([`Replica::early_messages`]) and which
    /// [`Replica::handle_ready`] persists and applies next.
    ready: Option<raft::Ready>,
    /// Proposals not yet handed to raft, in order, with their ids: the driver proposes a burst
    /// of commands as one `MsgPropose` (see [`Replica::flush_proposals`]).
    proposing: Vec<(u64, Entry)>,
    /// Ids of proposals raft refused when they were flushed, for the driver to answer.
    dropped: Vec<u64>,
}

/// Proposals gathered before they are handed to raft at once.
pub const PROPOSING_MAX: usize = 1024;

/// What one `handle_ready` produced.
#[derive(Default)]
pub struct Output {
    pub messages: Vec<Message>,
    /// Replies to proposals made on this replica, by proposal id.
    pub replies: Vec<(u64, Reply)>,
    /// Every command applied, in log order, with its index (for tests and followers' observers).
    pub applied: Vec<(u64, Command)>,
    /// ReadIndex answers for reads requested on this replica: `(read id, index)`. The read is
    /// linearizable once this replica has applied `index`.
    pub reads: Vec<(u64, u64)>,
    /// Membership changed in this batch (the driver refreshes its address book).
    pub membership_changed: bool,
}

fn logger() -> slog::Logger {
    slog::Logger::root(slog::Discard, slog::o!())
}

impl Replica {
    /// Opens replica `id` with its log under `path`. `voters` seeds a brand-new cluster; a node
    /// that will join passes none.
    pub fn open(
        id: u64,
        voters: &[u64],
        path: &Path,
        policy: Policy,
        limits: Limits,
        timing: &Timing,
    ) -> Result<Replica, Error> {
        let log = LogStore::open(path, voters)?;
        let snapshot = log.stored_snapshot();
        let mut machine = Machine::new(policy, limits);
        let applied = snapshot.get_metadata().index;
        if !snapshot.data.is_empty() {
            machine
                .restore(&snapshot.data)
                .map_err(|reason| Error::Corrupt {
                    index: applied,
                    reason,
                })?;
        }
        let config = raft::Config {
            id,
            election_tick: timing.election_tick,
            heartbeat_tick: timing.heartbeat_tick,
            min_election_tick: timing.election_tick,
            max_election_tick: if timing.fixed_election_timeout {
                timing.election_tick + 1
            } else {
                2 * timing.election_tick
            },
            pre_vote: true,
            check_quorum: true,
            applied,
            max_size_per_msg: 1 << 20,
            max_inflight_msgs: 256,
            ..Default::default()
        };
        let node = RawNode::new(&config, log, &logger())?;
        Ok(Replica {
            node,
            machine,
            pending: BTreeMap::new(),
            applied,
            last_compacted: applied,
            log_bytes: 0,
            snapshot_bytes: 0,
            snapshot_failures: 0,
            compact_every: timing.compact_every.max(1),
            compact_keep: timing.compact_keep,
            snapshot_ticks: BTreeMap::new(),
            ready: None,
            proposing: Vec::new(),
            dropped: Vec::new(),
        })
    }

    pub fn id(&self) -> u64 {
        self.node.raft.id
    }

    pub fn is_leader(&self) -> bool {
        self.node.raft.state == StateRole::Leader
    }

    pub fn leader(&self) -> Option<u64> {
        Some(self.node.raft.leader_id).filter(|&l| l != raft::INVALID_ID)
    }

    pub fn term(&self) -> u64 {
        self.node.raft.term
    }

    pub fn commit_index(&self) -> u64 {
        self.node.raft.raft_log.committed
    }

    pub fn applied_index(&self) -> u64 {
        self.applied
    }

    /// Compactions skipped because the state could not be serialized.
    pub fn snapshot_failures(&self) -> u64 {
        self.snapshot_failures
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    pub fn tick(&mut self) {
        self.unstick_snapshots();
        self.node.tick();
    }

    pub fn step(&mut self, message: Message) -> Result<(), Error> {
        Ok(self.node.step(message)?)
    }

    /// Tells Raft that messages to `peer` were lost: the peer goes back to probing, and a lost
    /// snapshot is sent again (without this a learner whose first snapshot failed — it was not
    /// listening yet — would wait for it forever).
    pub fn report_undelivered(&mut self, peer: u64, snapshot: bool) {
        if snapshot {
            self.node
                .report_snapshot(peer, raft::SnapshotStatus::Failure);
        }
        self.node.report_unreachable(peer);
    }

    /// Tells Raft that a snapshot reached `peer`'s node. The peer goes back to probing: if it
    /// installed the snapshot, replication continues after it; if it dropped it (a full inbox, a
    /// restart), the probe finds the gap and the snapshot is sent again. Without a report the
    /// leader waits in the snapshot state for an answer that never comes, and the follower
    /// stays behind for as long as this leader leads (found by the simulation, seed 247).
    pub fn report_snapshot_sent(&mut self, peer: u64) {
        self.node
            .report_snapshot(peer, raft::SnapshotStatus::Finish);
    }

    /// A peer waiting on a snapshot for [`SNAPSHOT_STALL_TICKS`] is reported as failed, so the
    /// snapshot is sent again whatever became of the reports (they travel through bounded
    /// queues that may drop them).
    fn unstick_snapshots(&mut self) {
        let prs = self.node.raft.prs();
        if !self.is_leader()
            || prs
                .iter()
                .all(|(_, p)| p.state != raft::ProgressState::Snapshot)
        {
            self.snapshot_ticks.clear();
            return;
        }
        let waiting: Vec<u64> = self
            .node
            .raft
            .prs()
            .iter()
            .filter(|(_, p)| p.state == raft::ProgressState::Snapshot)
            .map(|(id, _)| *id)
            .collect();
        self.snapshot_ticks.retain(|id, _| waiting.contains(id));
        for peer in waiting {
            let ticks = self.snapshot_ticks.entry(peer).or_insert(0);
            *ticks += 1;
            if *ticks >= SNAPSHOT_STALL_TICKS {
                self.snapshot_ticks.remove(&peer);
                self.node
                    .report_snapshot(peer, raft::SnapshotStatus::Failure);
            }
        }
    }

    pub fn campaign(&mut self) -> Result<(), Error> {
        Ok(self.node.campaign()?)
    }

    /// Proposes `command`; its reply arrives from `handle_ready` under `id` once applied here. A
    /// follower forwards the proposal to the leader it knows.
    pub fn propose(&mut self, id: u64, command: &Command) -> Result<(), Error> {
        if self.leader().is_none() {
            return Err(Error::NotLeader { leader: None });
        }
        if self.pending.len() >= PENDING_MAX {
            return Err(Error::Busy);
        }
        let data = rkyv::to_bytes::<rkyv::rancor::Error>(command).map_err(|e| Error::Corrupt {
            index: 0,
            reason: e.to_string(),
        })?;
        let entry = Entry {
            data: data.to_vec().into(),
            context: context(self.id(), id).into(),
            ..Default::default()
        };
        self.proposing.push((id, entry));
        self.pending.insert(id, ());
        if self.proposing.len() >= PROPOSING_MAX {
            self.hand_over_proposals();
        }
        Ok(())
    }

    /// Hands the gathered proposals to raft as one `MsgPropose`, so a burst of commands becomes
    /// one append per follower, one acknowledgement and one commit round instead of one each
    /// (raft-rs turns every proposal into its own broadcast). Order is kept: a proposal made
    /// before another lands before it in the log. Returns the ids raft refused (no leader
    /// known, a leader transfer in progress, too many uncommitted bytes); their callers are
    /// answered at once and retry. A proposal raft takes may still be lost (a follower forwards
    /// it to a leader that then falls); its caller times out and retries, which the state
    /// machine makes safe by applying each (task, seq) at most once.
    pub fn flush_proposals(&mut self) -> Vec<u64> {
        self.hand_over_proposals();
        std::mem::take(&mut self.dropped)
    }

    /// [`Replica::flush_proposals`], keeping the refusals for the driver's next flush. Never
    /// while a Ready is out (raft takes no step between `ready` and `advance` here).
    fn hand_over_proposals(&mut self) {
        if self.proposing.is_empty() || self.ready.is_some() {
            return;
        }
        let (ids, entries): (Vec<u64>, Vec<Entry>) =
            std::mem::take(&mut self.proposing).into_iter().unzip();
        let mut message = Message::default();
        message.set_msg_type(MessageType::MsgPropose);
        message.from = self.id();
        message.set_entries(entries.into());
        if self.node.raft.step(message).is_err() {
            for id in &ids {
                self.pending.remove(id);
            }
            self.dropped.extend(ids);
        }
    }

    /// Stops waiting for the proposals `keep` refuses: their callers were answered "timeout"
    /// (they may never apply — a deposed leader's log — and retry under the same key). Without
    /// this a lost proposal's id stayed pending forever, and after [`PENDING_MAX`] of them the
    /// replica refused every proposal as busy.
    pub fn forget_proposals(&mut self, keep: impl Fn(u64) -> bool) {
        self.pending.retain(|id, _| keep(*id));
    }

    /// Asks for a linearizable read point; the answer arrives in `Output::reads` under `id`.
    /// A follower asks the leader. Dropped requests (no leader) are the caller's timeout.
    pub fn read_index(&mut self, id: u64) {
        self.node.read_index(context(self.id(), id));
    }

    /// Proposes a membership change; its reply arrives under `id` once applied (`Reply::Ok`, or
    /// `Rejected` when raft-rs refused it at apply time). Only the leader takes these.
    pub fn propose_membership(&mut self, id: u64, change: &Membership) -> Result<(), Error> {
        if !self.is_leader() {
            return Err(Error::NotLeader {
                leader: self.leader(),
            });
        }
        let roles = self.roles();
        let is_voter = |n: u64| roles.voters.contains(&n);
        let is_learner = |n: u64| roles.learners.contains(&n);
        let (change_type, node, member) = match change {
            Membership::AddLearner(member) => {
                if member.id == 0 {
                    return Err(Error::Membership("node id 0 is reserved".into()));
                }
                if is_voter(member.id) || is_learner(member.id) {
                    // Already a member: a retried join, or a new address. Update the record only.
                    return self.propose(id, &Command::PutMember(member.clone()));
                }
                (
                    ConfChangeType::AddLearnerNode,
                    member.id,
                    Some(member.clone()),
                )
            }
            Membership::Promote(node) => {
                if is_voter(*node) {
                    return self.propose(id, &Command::PutMember(self.member_or_err(*node)?));
                }
                if !is_learner(*node) {
                    return Err(Error::Membership(format!("node {node} is not a learner")));
                }
                (ConfChangeType::AddNode, *node, None)
            }
            Membership::Remove(node) => {
                if !is_voter(*node) && !is_learner(*node) {
                    return Err(Error::Membership(format!("node {node} is not a member")));
                }
                if is_voter(*node) && roles.voters.len() == 1 {
                    return Err(Error::Membership("the last voter cannot be removed".into()));
                }
                if *node == self.id() {
                    // A leader removing itself would leave the log without a leader until an
                    // election; hand leadership to the most up-to-date voter first.
                    let successor = self.best_voter_except(*node);
                    if let Some(successor) = successor {
                        self.node.transfer_leader(successor);
                    }
                    return Err(Error::NotLeader { leader: successor });
                }
                (ConfChangeType::RemoveNode, *node, None)
            }
        };
        if self.node.raft.has_pending_conf() {
            return Err(Error::ChangePending);
        }
        // The log keeps the order of proposals: those gathered before this change land first
        // (the driver proposes changes between Readies, when nothing holds the hand-over back).
        assert!(
            self.ready.is_none(),
            "no membership change while a Ready is out"
        );
        self.hand_over_proposals();
        if self.pending.len() >= PENDING_MAX {
            return Err(Error::Busy);
        }
        let mut single = ConfChangeSingle::default();
        single.set_change_type(change_type);
        single.node_id = node;
        let mut conf_change = ConfChangeV2::default();
        conf_change.set_changes(vec![single].into());
        let ctx = rkyv::to_bytes::<rkyv::rancor::Error>(&ConfContext {
            origin: self.id(),
            id,
            member,
        })
        .map_err(|e| Error::Membership(e.to_string()))?;
        let before = self.node.raft.raft_log.last_index();
        self.node.propose_conf_change(ctx.to_vec(), conf_change)?;
        // raft-rs turns a conf change it will not take into an empty normal entry and reports
        // success; look at what was actually appended.
        let last = self.node.raft.raft_log.last_index();
        let appended = (last > before)
            .then(|| {
                self.node
                    .raft
                    .raft_log
                    .entries(last, None, raft::GetEntriesContext::empty(false))
                    .ok()
            })
            .flatten()
            .and_then(|mut e| e.pop());
        if !appended.is_some_and(|e| e.get_entry_type() == EntryType::EntryConfChangeV2) {
            // Dropped (a change pending that we did not see, a leader transfer): transient.
            return Err(Error::ChangePending);
        }
        self.pending.insert(id, ());
        Ok(())
    }

    fn member_or_err(&self, node: u64) -> Result<Member, Error> {
        self.machine
            .state
            .members
            .get(&node)
            .cloned()
            .ok_or_else(|| Error::Membership(format!("node {node} has no member record")))
    }

    fn best_voter_except(&self, except: u64) -> Option<u64> {
        let prs = self.node.raft.prs();
        self.roles()
            .voters
            .into_iter()
            .filter(|v| *v != except)
            .max_by_key(|v| prs.get(*v).map_or(0, |p| p.matched))
    }

    /// The leader promotes the most caught-up learner while fewer than `voters_wanted` vote.
    /// Returns the learner it proposed to promote.
    pub fn maybe_promote(&mut self, id: u64, voters_wanted: usize) -> Option<u64> {
        if !self.is_leader() || self.node.raft.has_pending_conf() {
            return None;
        }
        let roles = self.roles();
        if roles.voters.len() >= voters_wanted {
            return None;
        }
        let last = self.node.raft.raft_log.last_index();
        let prs = self.node.raft.prs();
        let candidate = roles
            .learners
            .iter()
            .filter_map(|l| prs.get(*l).map(|p| (*l, p.matched, p.recent_active)))
            // matched is 0 until the learner has taken its snapshot.
            .filter(|(_, matched, active)| {
                *active && *matched > 0 && matched + CATCH_UP_MARGIN >= last
            })
            .max_by_key(|(l, matched, _)| (*matched, std::cmp::Reverse(*l)))
            .map(|(l, _, _)| l)?;
        self.propose_membership(id, &Membership::Promote(candidate))
            .ok()
            .map(|()| candidate)
    }

    pub fn conf_state(&self) -> ConfState {
        self.node.raft.prs().conf().to_conf_state()
    }

    pub fn roles(&self) -> Roles {
        let mut conf = self.conf_state();
        conf.voters.sort_unstable();
        conf.learners.sort_unstable();
        Roles {
            voters: conf.voters,
            learners: conf.learners,
        }
    }

    fn in_configuration(&self, node: u64) -> bool {
        let conf = self.node.raft.prs().conf();
        conf.voters().contains(node) || conf.learners().contains(&node)
    }

    /// How far a node's log matches the leader's (on the leader; 0 elsewhere).
    pub fn matched(&self, node: u64) -> u64 {
        self.node.raft.prs().get(node).map_or(0, |p| p.matched)
    }

    /// Hands gathered proposals to raft first (their refusals wait for
    /// [`Replica::flush_proposals`]).
    pub fn has_ready(&mut self) -> bool {
        self.hand_over_proposals();
        self.ready.is_some() || self.node.has_ready()
    }

    /// The messages of the next Ready that may be sent before it is persisted: a leader's
    /// appends and heartbeats (raft-rs counts the leader's own entries only once persisted), so
    /// followers write in parallel with the leader's own fsync instead of after it. Messages
    /// that speak for this replica's persisted state (votes, append responses) stay for
    /// [`Replica::handle_ready`], which must be called next (no `step` in between).
    pub fn early_messages(&mut self) -> Vec<Message> {
        self.hand_over_proposals();
        if self.ready.is_none() && self.node.has_ready() {
            self.ready = Some(self.node.ready());
        }
        self.ready
            .as_mut()
            .map(|ready| ready.take_messages())
            .unwrap_or_default()
    }

    pub fn handle_ready(&mut self) -> Result<Output, Error> {
        self.hand_over_proposals();
        let mut output = Output::default();
        let mut ready = match self.ready.take() {
            Some(ready) => ready,
            None if self.node.has_ready() => self.node.ready(),
            None => return Ok(output),
        };
        // Whatever `early_messages` did not take (all of them when it was not called).
        output.messages.extend(ready.take_messages());
        let snapshot = (!ready.snapshot().is_empty()).then(|| ready.snapshot().clone());
        self.node
            .raft
            .raft_log
            .store
            .persist(snapshot.as_ref(), ready.entries(), ready.hs())?;
        if let Some(snapshot) = &snapshot {
            self.install(snapshot)?;
        }
        output.messages.extend(ready.take_persisted_messages());
        let me = self.id();
        for read in ready.read_states() {
            if let Some((origin, id)) = parse_context(&read.request_ctx)
                && origin == me
            {
                output.reads.push((id, read.index));
            }
        }
        let committed = ready.take_committed_entries();
        self.apply(committed, &mut output)?;
        let mut light = self.node.advance(ready);
        output.messages.extend(light.take_messages());
        let committed = light.take_committed_entries();
        self.apply(committed, &mut output)?;
        self.node.advance_apply();
        self.maybe_compact()?;
        Ok(output)
    }

    fn install(&mut self, snapshot: &Snapshot) -> Result<(), Error> {
        let index = snapshot.get_metadata().index;
        if snapshot.data.is_empty() {
            // The bootstrap snapshot: the machine's initial state.
            self.machine.state = Default::default();
        } else {
            self.machine
                .restore(&snapshot.data)
                .map_err(|reason| Error::Corrupt { index, reason })?;
        }
        self.applied = index;
        self.last_compacted = index;
        Ok(())
    }

    fn apply(&mut self, entries: Vec<Entry>, output: &mut Output) -> Result<(), Error> {
        for entry in entries {
            assert!(
                entry.index == self.applied + 1 || entry.index <= self.applied,
                "entries apply in order, without gaps"
            );
            if entry.index <= self.applied {
                continue;
            }
            self.applied = entry.index;
            self.log_bytes += (entry.data.len() + entry.context.len()) as u64;
            match entry.get_entry_type() {
                EntryType::EntryNormal if entry.data.is_empty() => {}
                EntryType::EntryNormal => {
                    let mut aligned = rkyv::util::AlignedVec::<16>::with_capacity(entry.data.len());
                    aligned.extend_from_slice(&entry.data);
                    let command = rkyv::from_bytes::<Command, rkyv::rancor::Error>(&aligned)
                        .map_err(|e| Error::Corrupt {
                            index: entry.index,
                            reason: e.to_string(),
                        })?;
                    let reply = match &command {
                        // A member record only for a node in the configuration at this index
                        // (the same on every replica): a removed node that comes back cannot
                        // re-register itself.
                        Command::PutMember(member) if !self.in_configuration(member.id) => {
                            Reply::Rejected(Reject::NotFound)
                        }
                        _ => self.machine.apply(&command),
                    };
                    if matches!(
                        command,
                        Command::PutMember(_) | Command::RemoveMember { .. }
                    ) {
                        output.membership_changed = true;
                    }
                    if let Some((origin, id)) = parse_context(&entry.context)
                        && origin == self.id()
                        && self.pending.remove(&id).is_some()
                    {
                        output.replies.push((id, reply));
                    }
                    output.applied.push((entry.index, command));
                }
                EntryType::EntryConfChange => {
                    // This replica never proposes v1 changes; one in the log is corruption.
                    return Err(Error::Corrupt {
                        index: entry.index,
                        reason: "a v1 conf change".into(),
                    });
                }
                EntryType::EntryConfChangeV2 => {
                    let mut change = ConfChangeV2::default();
                    protobuf::Message::merge_from_bytes(&mut change, &entry.data).map_err(|e| {
                        Error::Corrupt {
                            index: entry.index,
                            reason: e.to_string(),
                        }
                    })?;
                    let ctx = (!entry.context.is_empty())
                        .then(|| {
                            let mut aligned =
                                rkyv::util::AlignedVec::<16>::with_capacity(entry.context.len());
                            aligned.extend_from_slice(&entry.context);
                            rkyv::from_bytes::<ConfContext, rkyv::rancor::Error>(&aligned)
                        })
                        .transpose()
                        .map_err(|e| Error::Corrupt {
                            index: entry.index,
                            reason: e.to_string(),
                        })?;
                    // Refused changes (raft-rs validates at apply time) change nothing on any
                    // replica, since every replica refuses the same entry.
                    let reply = match self.node.apply_conf_change(&change) {
                        Ok(_) => {
                            output.membership_changed = true;
                            for single in change.get_changes() {
                                match single.get_change_type() {
                                    ConfChangeType::RemoveNode => {
                                        self.machine
                                            .apply(&Command::RemoveMember { id: single.node_id });
                                    }
                                    _ => {
                                        if let Some(member) =
                                            ctx.as_ref().and_then(|c| c.member.clone())
                                        {
                                            self.machine.apply(&Command::PutMember(member));
                                        }
                                    }
                                }
                            }
                            Reply::Ok
                        }
                        Err(e) => Reply::Rejected(Reject::Invalid(format!(
                            "membership change refused: {e}"
                        ))),
                    };
                    if let Some(ctx) = &ctx
                        && ctx.origin == self.id()
                        && self.pending.remove(&ctx.id).is_some()
                    {
                        output.replies.push((ctx.id, reply));
                    }
                }
            }
        }
        Ok(())
    }

    fn maybe_compact(&mut self) -> Result<(), Error> {
        let requested = self.node.raft.raft_log.store.take_snapshot_request()
            && self.applied > self.last_compacted;
        let entries = self.applied - self.last_compacted;
        let due = entries >= self.compact_every
            && (self.log_bytes >= self.snapshot_bytes / 2 || entries >= COMPACT_EVERY_MAX);
        if !due && !requested {
            return Ok(());
        }
        let conf = self.conf_state();
        // A snapshot that cannot be taken stops this compaction and leaves the log whole: the
        // log still holds the state, and truncating it behind anything but the real state would
        // wipe it. The replica goes on serving; the error repeats at every attempt.
        let snapshot = match self.machine.snapshot() {
            Ok(snapshot) => snapshot,
            Err(e) => {
                self.snapshot_failures += 1;
                tracing::error!(
                    applied = self.applied,
                    failures = self.snapshot_failures,
                    "log compaction stopped, the log is kept whole: {e}"
                );
                return Ok(());
            }
        };
        self.snapshot_bytes = snapshot.len() as u64;
        self.node
            .raft
            .raft_log
            .store
            .compact(self.applied, conf, snapshot, self.compact_keep)?;
        self.last_compacted = self.applied;
        self.log_bytes = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sl_labels::Lattice;

    fn open(dir: &Path) -> Replica {
        Replica::open(
            1,
            &[1],
            dir,
            Policy::tags_only(),
            Limits::default(),
            &Timing::default(),
        )
        .unwrap()
    }

    fn drain(replica: &mut Replica) {
        while replica.has_ready() {
            replica.handle_ready().unwrap();
        }
    }

    /// A single voter that leads.
    fn leading(dir: &Path) -> Replica {
        let mut replica = open(dir);
        replica.campaign().unwrap();
        drain(&mut replica);
        replica
    }

    fn job(request: u64, function: &str) -> Command {
        Command::SubmitJob {
            request,
            label: Policy::tags_only().bottom(),
            function: function.into(),
            args: vec![],
            options: Default::default(),
        }
    }

    fn submit_jobs(replica: &mut Replica, from: u64, count: u64) {
        for request in from..from + count {
            replica.propose(request, &job(request, "main")).unwrap();
            drain(replica);
        }
    }

    /// Before the fix a failed snapshot became empty bytes, compaction stored them and truncated
    /// the log, and the replica reopened with no jobs at all.
    /// A burst of proposals reaches raft as one message, yet each is its own entry, in the
    /// order proposed, answered under its own id.
    #[test]
    fn a_burst_of_proposals_is_one_message_of_ordered_entries() {
        let dir = tempfile::tempdir().unwrap();
        let mut replica = leading(dir.path());
        let before = replica.node.raft.raft_log.last_index();
        for request in 0..5u64 {
            replica
                .propose(100 + request, &job(request, &format!("f{request}")))
                .unwrap();
        }
        assert_eq!(
            replica.node.raft.raft_log.last_index(),
            before,
            "nothing reaches raft before the flush"
        );
        assert!(replica.flush_proposals().is_empty());
        assert_eq!(replica.node.raft.raft_log.last_index(), before + 5);
        let mut replies = Vec::new();
        let mut applied = Vec::new();
        while replica.has_ready() {
            let output = replica.handle_ready().unwrap();
            replies.extend(output.replies.into_iter().map(|(id, _)| id));
            applied.extend(output.applied.into_iter().filter_map(|(_, c)| match c {
                Command::SubmitJob { function, .. } => Some(function),
                _ => None,
            }));
        }
        assert_eq!(replies, vec![100, 101, 102, 103, 104]);
        assert_eq!(applied, vec!["f0", "f1", "f2", "f3", "f4"]);
    }

    /// A forgotten proposal frees its place among the pending (the bound that answers "busy")
    /// and is not answered when it applies; its caller was told "timeout" and retries.
    #[test]
    fn forgotten_proposals_free_their_place_and_go_unanswered() {
        let dir = tempfile::tempdir().unwrap();
        let mut replica = leading(dir.path());
        for request in 0..3u64 {
            replica.propose(request, &job(request, "main")).unwrap();
        }
        assert_eq!(replica.pending.len(), 3);
        replica.forget_proposals(|id| id == 1);
        assert_eq!(replica.pending.len(), 1);
        let mut replies = Vec::new();
        let mut applied = 0;
        while replica.has_ready() {
            let output = replica.handle_ready().unwrap();
            replies.extend(output.replies.into_iter().map(|(id, _)| id));
            applied += output.applied.len();
        }
        assert_eq!(replies, vec![1]);
        assert_eq!(applied, 3, "forgotten proposals still apply");
        assert!(replica.pending.is_empty());
    }

    #[test]
    fn a_snapshot_that_fails_stops_compaction_and_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut replica = open(dir.path());
        replica.campaign().unwrap();
        drain(&mut replica);
        assert!(replica.is_leader());
        replica.machine.fail_snapshot = true;
        let stored = |r: &Replica| r.node.raft.raft_log.store.stored_snapshot();
        let first = stored(&replica).get_metadata().index;
        let jobs = COMPACT_EVERY + 10;
        submit_jobs(&mut replica, 0, jobs);
        assert!(replica.snapshot_failures() > 0, "compaction was attempted");
        assert_eq!(
            stored(&replica).get_metadata().index,
            first,
            "nothing compacted"
        );
        drop(replica);

        let mut replica = open(dir.path());
        replica.campaign().unwrap();
        drain(&mut replica);
        assert_eq!(
            replica.machine().state.jobs.len() as u64,
            jobs,
            "every job survives a restart"
        );
        // Once snapshots work again, compaction resumes with the real state.
        submit_jobs(&mut replica, jobs, COMPACT_EVERY);
        let snapshot = stored(&replica);
        assert!(snapshot.get_metadata().index > first + jobs);
        let mut restored = Machine::new(Policy::tags_only(), Limits::default());
        restored.restore(&snapshot.data).unwrap();
        assert!(restored.state.jobs.len() as u64 >= jobs);
    }
}
