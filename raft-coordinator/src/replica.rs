//! One coordinator replica: a raft-rs `RawNode` over the RocksDB log, and the state machine it
//! applies. Sans-I/O in the quinn-proto sense: time arrives as `tick()`, messages as `step()`, and
//! `handle_ready()` returns the messages to send and the replies to deliver; the caller moves bytes.
//!
//! Per `Ready`: persist entries, hard state and snapshot in one synced batch; then hand back every
//! message (sending after persisting is always safe); apply committed entries; advance. Proposals
//! carry an id in the entry context so the proposer's reply can be matched once the entry applies
//! on this replica.

use std::collections::BTreeMap;
use std::path::Path;

use raft::eraftpb::{ConfChangeV2, ConfState, Entry, EntryType, Message, Snapshot};
use raft::{RawNode, StateRole};
use sl_labels::Policy;

use crate::log_store::{self, LogStore};
use crate::machine::{Command, Limits, Machine, Reply};

/// Applied entries between log compactions.
pub const COMPACT_EVERY: u64 = 1000;
/// The most proposals one replica keeps waiting for their entries to apply.
pub const PENDING_MAX: usize = 100_000;

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
}

#[derive(Clone, Debug)]
pub struct Timing {
    pub election_tick: usize,
    pub heartbeat_tick: usize,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            election_tick: 10,
            heartbeat_tick: 2,
        }
    }
}

pub struct Replica {
    node: RawNode<LogStore>,
    machine: Machine,
    pending: BTreeMap<u64, ()>,
    applied: u64,
    last_compacted: u64,
}

/// What one `handle_ready` produced.
#[derive(Default)]
pub struct Output {
    pub messages: Vec<Message>,
    /// Replies to proposals made on this replica, by proposal id.
    pub replies: Vec<(u64, Reply)>,
    /// Every command applied, in log order, with its index (for tests and followers' observers).
    pub applied: Vec<(u64, Command)>,
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
        let snapshot = raft::Storage::snapshot(&log, 0, 0)?;
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

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    pub fn tick(&mut self) {
        self.node.tick();
    }

    pub fn step(&mut self, message: Message) -> Result<(), Error> {
        Ok(self.node.step(message)?)
    }

    pub fn campaign(&mut self) -> Result<(), Error> {
        Ok(self.node.campaign()?)
    }

    /// Proposes `command`; its reply arrives from `handle_ready` under `id` once applied here.
    pub fn propose(&mut self, id: u64, command: &Command) -> Result<(), Error> {
        if !self.is_leader() {
            return Err(Error::NotLeader {
                leader: self.leader(),
            });
        }
        if self.pending.len() >= PENDING_MAX {
            return Err(Error::Busy);
        }
        let data = rkyv::to_bytes::<rkyv::rancor::Error>(command).map_err(|e| Error::Corrupt {
            index: 0,
            reason: e.to_string(),
        })?;
        // raft-rs drops proposals silently in some states (a leader transfer in progress); the
        // pending entry then never applies and the caller times out and retries, which the state
        // machine makes safe by applying each (task, seq) at most once.
        self.node
            .propose(id.to_le_bytes().to_vec(), data.to_vec())?;
        self.pending.insert(id, ());
        Ok(())
    }

    /// Proposes a membership change (add a learner, promote, remove).
    pub fn propose_conf_change(&mut self, change: ConfChangeV2) -> Result<(), Error> {
        if !self.is_leader() {
            return Err(Error::NotLeader {
                leader: self.leader(),
            });
        }
        Ok(self.node.propose_conf_change(vec![], change)?)
    }

    pub fn conf_state(&self) -> ConfState {
        self.node.raft.prs().conf().to_conf_state()
    }

    pub fn has_ready(&self) -> bool {
        self.node.has_ready()
    }

    pub fn handle_ready(&mut self) -> Result<Output, Error> {
        let mut output = Output::default();
        if !self.node.has_ready() {
            return Ok(output);
        }
        let mut ready = self.node.ready();
        let snapshot = (!ready.snapshot().is_empty()).then(|| ready.snapshot().clone());
        self.node
            .raft
            .raft_log
            .store
            .persist(snapshot.as_ref(), ready.entries(), ready.hs())?;
        if let Some(snapshot) = &snapshot {
            self.install(snapshot)?;
        }
        output.messages.extend(ready.take_messages());
        output.messages.extend(ready.take_persisted_messages());
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
        self.machine
            .restore(&snapshot.data)
            .map_err(|reason| Error::Corrupt { index, reason })?;
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
                    let reply = self.machine.apply(&command);
                    if let Ok(id) = <[u8; 8]>::try_from(&entry.context[..]).map(u64::from_le_bytes)
                        && self.pending.remove(&id).is_some()
                    {
                        output.replies.push((id, reply));
                    }
                    output.applied.push((entry.index, command));
                }
                EntryType::EntryConfChange => {
                    let mut change = raft::eraftpb::ConfChange::default();
                    protobuf::Message::merge_from_bytes(&mut change, &entry.data).map_err(|e| {
                        Error::Corrupt {
                            index: entry.index,
                            reason: e.to_string(),
                        }
                    })?;
                    self.node.apply_conf_change(&change)?;
                }
                EntryType::EntryConfChangeV2 => {
                    let mut change = ConfChangeV2::default();
                    protobuf::Message::merge_from_bytes(&mut change, &entry.data).map_err(|e| {
                        Error::Corrupt {
                            index: entry.index,
                            reason: e.to_string(),
                        }
                    })?;
                    self.node.apply_conf_change(&change)?;
                }
            }
        }
        Ok(())
    }

    fn maybe_compact(&mut self) -> Result<(), Error> {
        if self.applied < self.last_compacted + COMPACT_EVERY {
            return Ok(());
        }
        let conf = self.conf_state();
        self.node
            .raft
            .raft_log
            .store
            .compact(self.applied, conf, self.machine.snapshot())?;
        self.last_compacted = self.applied;
        Ok(())
    }
}
