//! The replica on the network: a driver task that alone owns the `Replica` (one owner per
//! `RawNode`), ticks it, feeds it messages and proposals from a bounded inbox, and after every
//! `Ready` sends messages through per-peer bounded queues (a full queue drops: Raft retransmits)
//! and answers proposers. Raft messages and proposals travel over `sl-rpc` on the control lane.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use protobuf::Message as _;
use raft::eraftpb::Message;
use sl_rpc::endpoint::{Caller, Endpoint, Reply as RpcReply, Router};
use sl_rpc::message::{ErrorCode, RemoteError};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};

use crate::catalog::Member;
use crate::executions::{DagId, NodeKey};
use crate::ids::{Epoch, JobId, QueueId, Seq, TaskId};
use crate::machine::{Call, Checkpoint, Command, Machine, Reject, Reply};
use crate::query::{Answer, Query};
use crate::replica::{self, Membership, Replica};

/// Events waiting for the driver; senders wait (bounded) when it is full.
pub const INBOX_CAPACITY: usize = 4096;
/// Raft message batches waiting per peer; beyond this they are dropped.
pub const PEER_QUEUE_CAPACITY: usize = 256;
/// Bytes of raft messages one call to a peer joins at most (more go in the next call); half of
/// an RPC body's limit, leaving room for the encoding.
const PEER_CALL_BYTES_MAX: usize = 8 << 20;

/// The next call's messages to a peer: everything queued while the last call was in flight,
/// joined up to [`PEER_CALL_BYTES_MAX`], so that a leader producing a Ready per burst of
/// proposals sends one call per round trip instead of queueing a round trip per Ready. Order is
/// kept; a batch that would overflow the call waits in `carried` for the next one.
async fn next_outgoing(
    rx: &mut mpsc::Receiver<(Vec<Vec<u8>>, bool)>,
    carried: &mut Option<(Vec<Vec<u8>>, bool)>,
) -> Option<(Vec<Vec<u8>>, bool)> {
    let (mut messages, mut snapshot) = match carried.take() {
        Some(batch) => batch,
        None => rx.recv().await?,
    };
    let mut bytes: usize = messages.iter().map(Vec::len).sum();
    while let Ok((more, more_snapshot)) = rx.try_recv() {
        let more_bytes: usize = more.iter().map(Vec::len).sum();
        if bytes + more_bytes > PEER_CALL_BYTES_MAX {
            *carried = Some((more, more_snapshot));
            break;
        }
        bytes += more_bytes;
        messages.extend(more);
        snapshot |= more_snapshot;
    }
    Some((messages, snapshot))
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct RaftBatch {
    pub messages: Vec<Vec<u8>>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Empty {}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Proposal {
    pub command: Command,
    /// A follower that takes it forwards it to the leader through raft; otherwise the follower
    /// answers `Redirect` ([`Driver::propose_at_leader`]). Clients ask for forwarding only when
    /// the leader is unreachable from them.
    pub forward: bool,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum ProposeOutcome {
    Applied(Reply),
    /// This replica cannot take it: try `leader` at `addr` (when known).
    Redirect {
        leader: Option<u64>,
        addr: Option<String>,
    },
    /// Proposed, but not applied in time: the outcome is unknown; retry with the same key.
    Timeout,
    /// Refused before it reached the log (a membership change raft-rs would drop, say).
    Refused(String),
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum ReadOutcome {
    Answer(Answer),
    Redirect {
        leader: Option<u64>,
        addr: Option<String>,
    },
    Timeout,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Role {
    Leader,
    Voter,
    Learner,
    /// Not (yet) in the configuration this replica knows: a node waiting for its first snapshot.
    Outside,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Voter => "voter",
            Role::Learner => "learner",
            Role::Outside => "outside",
        }
    }
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Status {
    pub id: u64,
    pub role: Role,
    pub leader: Option<u64>,
    pub term: u64,
    pub commit: u64,
    pub applied: u64,
    pub jobs: u64,
    /// Tasks waiting for a worker.
    pub ready: u64,
    pub voters: Vec<u64>,
    pub learners: Vec<u64>,
    pub members: Vec<Member>,
}

sl_rpc::method!(RaftMessages, 400, "raft_messages", false, RaftBatch, Empty);
sl_rpc::method!(
    Propose,
    401,
    "coordinator_propose",
    false,
    Proposal,
    ProposeOutcome
);
sl_rpc::method!(GetStatus, 402, "coordinator_status", false, Empty, Status);
sl_rpc::method!(
    ChangeMembership,
    403,
    "coordinator_membership",
    false,
    Membership,
    ProposeOutcome
);
sl_rpc::method!(Read, 404, "coordinator_read", false, Query, ReadOutcome);

enum Event {
    Messages(Vec<Message>),
    Propose {
        command: Command,
        answer: oneshot::Sender<ProposeOutcome>,
        /// A follower forwards the command to the leader through raft; otherwise it answers
        /// `Redirect` and the caller goes to the leader itself.
        forward: bool,
    },
    Membership {
        change: Membership,
        answer: oneshot::Sender<ProposeOutcome>,
    },
    Read {
        query: Query,
        answer: oneshot::Sender<ReadOutcome>,
    },
    /// Answered from this replica's machine as it is, without a ReadIndex round: for caches that
    /// tolerate staleness (member lists, principals).
    ReadLocal {
        query: Query,
        answer: oneshot::Sender<Answer>,
    },
    Status(oneshot::Sender<Status>),
    /// Answered from this replica's machine once the job has ended here (or at once when it has,
    /// or is unknown): a caller waiting for a job's end sleeps instead of polling the driver.
    JobEnded {
        job: JobId,
        answer: oneshot::Sender<Answer>,
    },
    /// Messages to `peer` were not delivered (transport error or a full queue). Raft must hear
    /// it: a follower whose snapshot was lost otherwise stays paused, waiting for it, forever.
    Undelivered {
        peer: u64,
        snapshot: bool,
    },
    /// A snapshot reached `peer`'s node (see `Replica::report_snapshot_sent`).
    SnapshotSent {
        peer: u64,
    },
}

#[derive(Clone, Debug)]
pub struct Options {
    pub tick: Duration,
    /// How long a proposer waits for its entry to apply before hearing `Timeout`.
    pub propose_timeout: Duration,
    /// Voters the leader promotes learners up to (3 or 5; the rest stay learners).
    pub voters_wanted: usize,
    /// How long the leader holds a task call that would block (a wait on an unresolved future, a
    /// dequeue from an empty queue, an enqueue into a full one) before proposing it anyway, so a
    /// short wait does not cost the task its worker.
    pub hold_budget: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tick: Duration::from_millis(50),
            propose_timeout: Duration::from_secs(3),
            voters_wanted: 3,
            hold_budget: Duration::from_secs(1),
        }
    }
}

/// A cheap handle to a driver. It exists before the driver runs, so the endpoint's routes can hold
/// it while the endpoint the driver sends through is being built.
#[derive(Clone)]
pub struct Driver {
    inbox: std::sync::mpsc::SyncSender<Event>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Arc<std::sync::Mutex<Option<std::thread::JoinHandle<()>>>>,
}

/// The driver's inbox, consumed by [`Driver::start`].
pub struct Inbox(std::sync::mpsc::Receiver<Event>);

impl Driver {
    pub fn channel() -> (Driver, Inbox) {
        let (inbox, events) = std::sync::mpsc::sync_channel(INBOX_CAPACITY);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = Arc::new(std::sync::Mutex::new(None));
        (
            Driver {
                inbox,
                stop,
                thread,
            },
            Inbox(events),
        )
    }

    /// Starts the driver on a thread of its own: it alone owns the replica, and its synced log
    /// writes never block the async runtime. `peers` names the addresses of the bootstrap voters;
    /// members added later are found through the replicated member records. Call from inside a
    /// tokio runtime (the per-peer senders are tasks on it).
    pub fn start(
        &self,
        inbox: Inbox,
        replica: Replica,
        endpoint: Endpoint,
        peers: BTreeMap<u64, SocketAddr>,
        options: Options,
    ) {
        let core = Core {
            replica,
            options,
            next_id: 0,
            waiting: BTreeMap::new(),
            last_leader: None,
            reads_pending: BTreeMap::new(),
            reads_ready: Vec::new(),
            held: Vec::new(),
            job_waiters: Vec::new(),
            ready_since: None,
            expiring: BTreeSet::new(),
            peers,
            outboxes: HashMap::new(),
            endpoint,
            runtime: tokio::runtime::Handle::current(),
            ticks: 0,
            inbox: self.inbox.clone(),
        };
        let events = inbox.0;
        let stop = self.stop.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("raft-{}", core.replica.id()))
            .spawn(move || core.run(events, stop));
        match spawned {
            Ok(handle) => *self.thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle),
            Err(e) => warn!("cannot start the coordinator driver thread: {e}"),
        }
    }

    /// Stops the driver as a crash would (nothing is flushed beyond what each Ready already made
    /// durable) and waits for its thread, at most one tick plus one Ready, so the log is closed
    /// before the caller goes on (a RocksDB handle must not outlive the process's teardown).
    pub fn abort(&self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(handle) = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = handle.join();
        }
    }

    /// Hands the driver an event carrying an answer channel and waits for the answer. A full
    /// inbox sheds load: the caller hears "timeout" and retries with the same key.
    /// Hands the driver an event carrying an answer channel and waits for the answer; `None`
    /// when the inbox is full (load is shed) or the driver stopped.
    async fn ask<T>(&self, event: impl FnOnce(oneshot::Sender<T>) -> Event) -> Option<T> {
        let (answer, wait) = oneshot::channel();
        self.inbox.try_send(event(answer)).ok()?;
        wait.await.ok()
    }

    /// A shed or unanswered proposal is "timeout": the caller retries with the same key.
    pub async fn propose(&self, command: Command) -> ProposeOutcome {
        self.propose_with(command, true).await
    }

    /// [`Driver::propose`] on the leader only: a follower answers `Redirect` instead of
    /// forwarding. What a caller with a way to the leader wants: a forwarded command costs the
    /// follower's own fsync before it leaves, and its reply waits until the follower has
    /// learned the commit and applied it — a whole extra round.
    pub async fn propose_at_leader(&self, command: Command) -> ProposeOutcome {
        self.propose_with(command, false).await
    }

    async fn propose_with(&self, command: Command, forward: bool) -> ProposeOutcome {
        self.ask(|answer| Event::Propose {
            command,
            answer,
            forward,
        })
        .await
        .unwrap_or(ProposeOutcome::Timeout)
    }

    pub async fn change_membership(&self, change: Membership) -> ProposeOutcome {
        self.ask(|answer| Event::Membership { change, answer })
            .await
            .unwrap_or(ProposeOutcome::Timeout)
    }

    /// A linearizable read: answered once this replica has applied everything committed when the
    /// read arrived (ReadIndex).
    pub async fn read(&self, query: Query) -> ReadOutcome {
        self.ask(|answer| Event::Read { query, answer })
            .await
            .unwrap_or(ReadOutcome::Timeout)
    }

    pub async fn read_local(&self, query: Query) -> Option<Answer> {
        self.ask(|answer| Event::ReadLocal { query, answer }).await
    }

    pub async fn status(&self) -> Option<Status> {
        self.ask(Event::Status).await
    }

    /// The job's view (`Query::Job`) on this replica once it has ended here — a job's end never
    /// changes, so a local answer is final — or at once if it has, or is unknown, or too many
    /// wait already ([`JOB_WAITERS_MAX`]; then poll). `None`: the driver is gone or shedding.
    pub async fn job_ended(&self, job: JobId) -> Option<Answer> {
        self.ask(|answer| Event::JobEnded { job, answer }).await
    }

    fn deliver(&self, messages: Vec<Message>) {
        // Dropped when full, as on a lossy network: Raft retransmits.
        let _ = self.inbox.try_send(Event::Messages(messages));
    }
}

/// Lease expiries one scan may propose.
const EXPIRIES_PER_SCAN_MAX: usize = 256;
/// Events taken from the inbox before one `Ready` is handled.
const EVENTS_PER_READY_MAX: usize = 512;
/// Calls held back because they would block; beyond this they are proposed at once.
pub const HELD_MAX: usize = 10_000;
/// Callers waiting for a job's end on one replica; beyond this they are answered at once.
pub const JOB_WAITERS_MAX: usize = 10_000;
/// Reads waiting for their read index or for this replica to apply up to it.
pub const READS_MAX: usize = 100_000;
/// A long-polled acquire's leases run from when it is granted, not when it was asked.
fn granted_now(mut command: Command) -> Command {
    if let Command::Acquire { now_ms, .. }
    | Command::DagAcquire { now_ms, .. }
    | Command::DagRenew { now_ms, .. } = &mut command
    {
        *now_ms = (*now_ms).max(unix_ms());
    }
    command
}

/// What a queue call being proposed lets held calls do: items for held dequeues, room for
/// held enqueues of one item.
struct Feed {
    queue: QueueId,
    count: usize,
    /// Dequeues may follow (the call enqueues); otherwise enqueues (it dequeues).
    takers: bool,
}

impl Feed {
    fn of(command: &Command) -> Option<Feed> {
        let Command::Call(call) = command else {
            return None;
        };
        let (queue, count, takers) = match &call.call {
            Call::Enqueue { queue, .. } => (*queue, 1, true),
            Call::EnqueueMany { queue, items } => (*queue, items.len(), true),
            Call::Dequeue { queue } => (*queue, 1, false),
            _ => return None,
        };
        Some(Feed {
            queue,
            count,
            takers,
        })
    }

    fn follows(&self, held: &Command) -> bool {
        let Command::Call(call) = held else {
            return false;
        };
        match &call.call {
            Call::Dequeue { queue } => self.takers && *queue == self.queue,
            Call::Enqueue { queue, .. } => !self.takers && *queue == self.queue,
            _ => false,
        }
    }
}

/// A task call sent without the task's state (see `Checkpoint::Unchanged`).
fn unchanged(command: &Command) -> bool {
    matches!(command, Command::Call(c) if c.checkpoint == Checkpoint::Unchanged)
}

/// How long tasks may sit ready, unleased, before held calls give their workers back.
const STARVING_AFTER: Duration = Duration::from_millis(20);
/// Ticks between the leader's looks for a learner to promote.
const PROMOTE_EVERY_TICKS: u64 = 4;

/// Something a lease scan found overdue.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Expiry {
    Task(TaskId, Epoch),
    Node(DagId, NodeKey, Epoch),
    /// A sleep that has ended.
    Wake(TaskId, Seq),
}

/// A peer's address and the queue of message batches its sender task drains.
type Outbox = (SocketAddr, mpsc::Sender<(Vec<Vec<u8>>, bool)>);

struct Held {
    command: Command,
    answer: oneshot::Sender<ProposeOutcome>,
    until: Instant,
}

/// Everything the driver thread owns.
struct Core {
    replica: Replica,
    options: Options,
    next_id: u64,
    /// Proposals made here and not yet applied: the answer, its deadline, and the leader when
    /// proposed. If leadership moves, the entry may never apply (a forward to a dead leader, an
    /// uncommitted tail a new leader overwrote): the proposer hears "timeout" at once and retries
    /// with the same key instead of waiting out the deadline.
    waiting: BTreeMap<u64, (oneshot::Sender<ProposeOutcome>, Instant, Option<u64>)>,
    /// The leader as of the last Ready, to notice changes.
    last_leader: Option<u64>,
    reads_pending: BTreeMap<u64, (Query, oneshot::Sender<ReadOutcome>, Instant)>,
    /// Reads whose index is known, waiting for this replica to apply it: `(index, read id)`.
    reads_ready: Vec<(u64, u64)>,
    held: Vec<Held>,
    /// Callers waiting for a job to end on this replica ([`Event::JobEnded`]).
    job_waiters: Vec<(JobId, oneshot::Sender<Answer>)>,
    /// Since when some task has been ready without being leased (see `release_held`).
    ready_since: Option<Instant>,
    /// Expiries proposed and not yet applied, so one lease is not proposed again every tick.
    expiring: BTreeSet<Expiry>,
    /// Addresses of the bootstrap voters; member records take precedence.
    peers: BTreeMap<u64, SocketAddr>,
    outboxes: HashMap<u64, Outbox>,
    endpoint: Endpoint,
    runtime: tokio::runtime::Handle,
    ticks: u64,
    /// The driver's own inbox, for the per-peer senders' delivery failures.
    inbox: std::sync::mpsc::SyncSender<Event>,
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Core {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn address_of(&self, node: u64) -> Option<SocketAddr> {
        self.replica
            .machine()
            .state
            .members
            .get(&node)
            .and_then(|m| m.addr.parse().ok())
            .or_else(|| self.peers.get(&node).copied())
    }

    fn redirect(&self) -> (Option<u64>, Option<String>) {
        let leader = self.replica.leader().filter(|l| *l != self.replica.id());
        (
            leader,
            leader
                .and_then(|l| self.address_of(l))
                .map(|a| a.to_string()),
        )
    }

    fn propose(&mut self, command: Command, answer: oneshot::Sender<ProposeOutcome>) {
        let id = self.id();
        match self.replica.propose(id, &command) {
            Ok(()) => {
                self.waiting.insert(
                    id,
                    (
                        answer,
                        Instant::now() + self.options.propose_timeout,
                        self.replica.leader(),
                    ),
                );
            }
            Err(_) => {
                let (leader, addr) = self.redirect();
                let _ = answer.send(ProposeOutcome::Redirect { leader, addr });
            }
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::SnapshotSent { peer } => {
                self.replica.report_snapshot_sent(peer);
            }
            Event::Undelivered { peer, snapshot } => {
                self.replica.report_undelivered(peer, snapshot);
            }
            Event::Messages(messages) => {
                for message in messages {
                    if let Err(e) = self.replica.step(message) {
                        debug!("raft refused a message: {e}");
                    }
                }
            }
            Event::Propose {
                command,
                answer,
                forward,
            } => {
                if let Some(outcome) = self.replica.machine().resolved_wait(&command) {
                    let _ = answer.send(ProposeOutcome::Applied(Reply::Resolved(outcome)));
                    return;
                }
                if !forward && !self.replica.is_leader() {
                    let (leader, addr) = self.redirect();
                    let _ = answer.send(ProposeOutcome::Redirect { leader, addr });
                    return;
                }
                let would_block = self.replica.machine().would_block(&command);
                if would_block && !self.replica.is_leader() {
                    // Only the leader holds (a follower would forward the proposal, which would
                    // block at once, or hold it apart from the leader's piggybacked acquires):
                    // the caller goes to the leader.
                    let (leader, addr) = self.redirect();
                    let _ = answer.send(ProposeOutcome::Redirect { leader, addr });
                    return;
                }
                let may_hold = self.held.len() < HELD_MAX && !self.options.hold_budget.is_zero();
                if unchanged(&command) && !(would_block && may_hold) {
                    // Not answerable without recording: the worker sends its state and retries.
                    let reply = Reply::Rejected(Reject::NeedsCheckpoint);
                    let _ = answer.send(ProposeOutcome::Applied(reply));
                    return;
                }
                if would_block && may_hold {
                    self.held.push(Held {
                        command,
                        answer,
                        until: Instant::now() + self.options.hold_budget,
                    });
                } else {
                    let readies = Machine::may_ready_tasks(&command);
                    let feeds = Feed::of(&command);
                    self.propose(command, answer);
                    if readies {
                        self.propose_held_acquires();
                    }
                    if let Some(feed) = feeds {
                        self.propose_held_behind(feed);
                    }
                }
            }
            Event::Membership { change, answer } => {
                let id = self.id();
                match self.replica.propose_membership(id, &change) {
                    Ok(()) => {
                        self.waiting.insert(
                            id,
                            (
                                answer,
                                Instant::now() + self.options.propose_timeout,
                                self.replica.leader(),
                            ),
                        );
                    }
                    Err(replica::Error::NotLeader { .. }) => {
                        let (leader, addr) = self.redirect();
                        let _ = answer.send(ProposeOutcome::Redirect { leader, addr });
                    }
                    Err(replica::Error::ChangePending | replica::Error::Busy) => {
                        // The client backs off and retries (bounded).
                        let _ = answer.send(ProposeOutcome::Timeout);
                    }
                    Err(e) => {
                        let _ = answer.send(ProposeOutcome::Refused(e.to_string()));
                    }
                }
            }
            Event::Read { query, answer } => {
                if self.replica.leader().is_none() {
                    let _ = answer.send(ReadOutcome::Redirect {
                        leader: None,
                        addr: None,
                    });
                } else if self.reads_pending.len() + self.reads_ready.len() >= READS_MAX {
                    let _ = answer.send(ReadOutcome::Timeout);
                } else {
                    let id = self.id();
                    self.replica.read_index(id);
                    self.reads_pending.insert(
                        id,
                        (query, answer, Instant::now() + self.options.propose_timeout),
                    );
                }
            }
            Event::ReadLocal { query, answer } => {
                let _ = answer.send(self.replica.machine().query(&query));
            }
            Event::JobEnded { job, answer } => {
                if self.job_ended_here(job) || self.job_waiters.len() >= JOB_WAITERS_MAX {
                    let _ = answer.send(self.replica.machine().query(&Query::Job(job)));
                } else {
                    self.job_waiters.push((job, answer));
                }
            }
            Event::Status(answer) => {
                let roles = self.replica.roles();
                let me = self.replica.id();
                let role = if self.replica.is_leader() {
                    Role::Leader
                } else if roles.voters.contains(&me) {
                    Role::Voter
                } else if roles.learners.contains(&me) {
                    Role::Learner
                } else {
                    Role::Outside
                };
                let machine = self.replica.machine();
                let _ = answer.send(Status {
                    id: me,
                    role,
                    leader: self.replica.leader(),
                    term: self.replica.term(),
                    commit: self.replica.commit_index(),
                    applied: self.replica.applied_index(),
                    jobs: machine.state.jobs.len() as u64,
                    ready: machine.state.ready.len() as u64,
                    voters: roles.voters,
                    learners: roles.learners,
                    members: machine.state.members.values().cloned().collect(),
                });
            }
        }
    }

    /// The leader's clock decides which leases are over; it proposes `Expire` for them so every
    /// replica applies the same thing (time never enters `apply`). Deadlines are Unix
    /// milliseconds, the unit `Acquire`'s `now_ms` is in.
    fn expire_leases(&mut self) {
        let now_ms = unix_ms();
        let state = &self.replica.machine().state;
        self.expiring.retain(|expiry| match expiry {
            Expiry::Task(task, epoch) => state
                .tasks
                .get(task)
                .is_some_and(|t| t.lease.as_ref().is_some_and(|l| l.epoch == *epoch)),
            Expiry::Node(dag, key, epoch) => state
                .dags
                .get(dag)
                .and_then(|d| d.running.get(key))
                .is_some_and(|l| l.epoch == *epoch),
            Expiry::Wake(task, seq) => state
                .tasks
                .get(task)
                .is_some_and(|t| matches!(t.sleep, Some((s, _, false)) if s == *seq)),
        });
        let tasks = state.tasks.iter().filter_map(|(id, t)| {
            t.lease
                .as_ref()
                .filter(|l| l.deadline_ms <= now_ms)
                .map(|l| Expiry::Task(*id, l.epoch))
        });
        let nodes = state.dags.iter().flat_map(|(dag, d)| {
            d.running
                .iter()
                .filter(|(_, l)| l.deadline_ms <= now_ms)
                .map(|(key, l)| Expiry::Node(*dag, key.clone(), l.epoch))
        });
        let sleepers = self
            .replica
            .machine()
            .sleepers_due(now_ms)
            .map(|(task, seq)| Expiry::Wake(task, seq));
        let due: Vec<Expiry> = tasks
            .chain(nodes)
            .chain(sleepers)
            .filter(|e| !self.expiring.contains(e))
            .take(EXPIRIES_PER_SCAN_MAX)
            .collect();
        for expiry in due {
            let command = match &expiry {
                Expiry::Task(task, epoch) => Command::Expire {
                    task: *task,
                    epoch: *epoch,
                },
                Expiry::Node(dag, key, epoch) => Command::DagExpire {
                    dag: *dag,
                    key: key.clone(),
                    epoch: *epoch,
                },
                Expiry::Wake(task, seq) => Command::Wake {
                    task: *task,
                    seq: *seq,
                },
            };
            let id = self.id();
            if self.replica.propose(id, &command).is_ok() {
                self.expiring.insert(expiry);
            }
        }
    }

    /// Proposes held calls that can now proceed, or whose hold budget is spent.
    fn release_held(&mut self, now: Instant) {
        // Ready tasks nobody has leased for a while mean every worker slot is taken — possibly
        // by the very calls held here, waiting on those tasks: held task calls then give their
        // slots back (they block at the coordinator) instead of waiting out the budget — except
        // a wait on a task running now, which needs no slot to resolve (a parent draining a
        // fan-out would otherwise block and restore once per child it waits on).
        if self.replica.machine().state.ready.is_empty() {
            self.ready_since = None;
        } else if self.ready_since.is_none() {
            self.ready_since = Some(now);
        }
        if self.held.is_empty() {
            return;
        }
        let starving = self
            .ready_since
            .is_some_and(|since| now.duration_since(since) >= STARVING_AFTER);
        let held = std::mem::take(&mut self.held);
        for h in held {
            let blocked = self.replica.machine().would_block(&h.command);
            let yields = starving
                && matches!(h.command, Command::Call(_))
                && !self.replica.machine().awaits_running_task(&h.command);
            if blocked && h.until > now && !h.answer.is_closed() && !yields {
                self.held.push(h);
            } else if blocked && matches!(h.command, Command::Acquire { .. }) {
                // A long poll that found nothing: answered without a log entry.
                let _ = h
                    .answer
                    .send(ProposeOutcome::Applied(Reply::Leases(Vec::new())));
            } else if blocked && matches!(h.command, Command::DagAcquire { .. }) {
                let _ = h
                    .answer
                    .send(ProposeOutcome::Applied(Reply::NodeLeases(Vec::new())));
            } else if let Some(outcome) = self.replica.machine().resolved_wait(&h.command) {
                let _ = h
                    .answer
                    .send(ProposeOutcome::Applied(Reply::Resolved(outcome)));
            } else if unchanged(&h.command) {
                // Held without the task's state and not resolved in time: the worker sends its
                // state and the wait blocks at the coordinator.
                let reply = Reply::Rejected(Reject::NeedsCheckpoint);
                let _ = h.answer.send(ProposeOutcome::Applied(reply));
            } else if !h.answer.is_closed() {
                self.propose(granted_now(h.command), h.answer);
            }
        }
    }

    /// Proposes the held queue calls that `feed` lets proceed right behind it, in arrival order:
    /// they land in the same batch and are applied after it, so a queue hand-off costs one
    /// round of commits instead of two. Should the feeding call be refused, a follower applies
    /// to the queue as it is and blocks at the coordinator like any call that cannot proceed.
    fn propose_held_behind(&mut self, feed: Feed) {
        if !self.replica.is_leader() {
            return;
        }
        let mut room = feed.count;
        let held = std::mem::take(&mut self.held);
        for h in held {
            if room > 0
                && feed.follows(&h.command)
                && !unchanged(&h.command)
                && !h.answer.is_closed()
            {
                room -= 1;
                self.propose(h.command, h.answer);
            } else {
                self.held.push(h);
            }
        }
    }

    /// Proposes the held (long-polling) acquires right behind a command that may make tasks
    /// ready: they land in the same batch, are applied after it and lease what it made ready,
    /// sparing a round of commits per hop (an acquire that finds nothing answers empty).
    fn propose_held_acquires(&mut self) {
        if !self.replica.is_leader() {
            return;
        }
        let (acquires, rest): (Vec<Held>, Vec<Held>) =
            std::mem::take(&mut self.held).into_iter().partition(|h| {
                matches!(
                    h.command,
                    Command::Acquire { .. } | Command::DagAcquire { .. }
                )
            });
        self.held = rest;
        for h in acquires {
            if h.answer.is_closed() {
                continue;
            }
            self.propose(granted_now(h.command), h.answer);
        }
    }

    /// Drops from the replica's pending set every proposal no caller waits for any more.
    fn forget_unanswered(&mut self) {
        let waiting = &self.waiting;
        self.replica
            .forget_proposals(|id| waiting.contains_key(&id));
    }

    fn on_tick(&mut self, now: Instant) {
        self.replica.tick();
        self.ticks += 1;
        let expired: Vec<u64> = self
            .waiting
            .iter()
            .filter(|(_, (_, deadline, _))| *deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        let any_expired = !expired.is_empty();
        for id in expired {
            if let Some((answer, _, _)) = self.waiting.remove(&id) {
                let _ = answer.send(ProposeOutcome::Timeout);
            }
        }
        if any_expired {
            self.forget_unanswered();
        }
        let expired: Vec<u64> = self
            .reads_pending
            .iter()
            .filter(|(_, (_, _, deadline))| *deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            if let Some((_, answer, _)) = self.reads_pending.remove(&id) {
                let _ = answer.send(ReadOutcome::Timeout);
            }
        }
        self.release_held(now);
        // Also the ends a snapshot brought (an install applies no entries).
        if !self.job_waiters.is_empty() {
            self.answer_job_waiters();
        }
        if self.replica.is_leader() {
            self.expire_leases();
            if self.ticks.is_multiple_of(PROMOTE_EVERY_TICKS) {
                let id = self.id();
                if let Some(learner) = self.replica.maybe_promote(id, self.options.voters_wanted) {
                    info!(learner, "promoting a caught-up learner to voter");
                }
            }
        }
    }

    /// Whether `job` has ended on this replica, or is not known to it (nothing to wait for).
    fn job_ended_here(&self, job: JobId) -> bool {
        self.replica
            .machine()
            .state
            .jobs
            .get(&job)
            .is_none_or(|j| j.outcome.is_some() || j.cancelled)
    }

    /// After entries were applied: answers the callers whose job has ended, and forgets those
    /// who stopped waiting.
    fn answer_job_waiters(&mut self) {
        let waiters = std::mem::take(&mut self.job_waiters);
        for (job, answer) in waiters {
            if answer.is_closed() {
                continue;
            }
            if self.job_ended_here(job) {
                let _ = answer.send(self.replica.machine().query(&Query::Job(job)));
            } else {
                self.job_waiters.push((job, answer));
            }
        }
    }

    fn answer_reads(&mut self) {
        let applied = self.replica.applied_index();
        let mut i = 0;
        while i < self.reads_ready.len() {
            let (index, id) = self.reads_ready[i];
            if index <= applied {
                self.reads_ready.swap_remove(i);
                if let Some((query, answer, _)) = self.reads_pending.remove(&id) {
                    let _ = answer.send(ReadOutcome::Answer(self.replica.machine().query(&query)));
                }
            } else {
                i += 1;
            }
        }
    }

    fn send(&mut self, messages: Vec<Message>) {
        let mut by_peer: HashMap<u64, Vec<Vec<u8>>> = HashMap::new();
        let mut snapshot_to = BTreeSet::new();
        for message in messages {
            if message.get_msg_type() == raft::eraftpb::MessageType::MsgSnapshot {
                snapshot_to.insert(message.to);
            }
            if let Ok(bytes) = message.write_to_bytes() {
                by_peer.entry(message.to).or_default().push(bytes);
            }
        }
        for (peer, batch) in by_peer {
            let snapshot = snapshot_to.contains(&peer);
            let Some(addr) = self.address_of(peer) else {
                debug!(peer, "no address for a raft peer; message dropped");
                continue;
            };
            let stale = self.outboxes.get(&peer).is_none_or(|(a, _)| *a != addr);
            if stale {
                let (tx, mut rx) = mpsc::channel::<(Vec<Vec<u8>>, bool)>(PEER_QUEUE_CAPACITY);
                let endpoint = self.endpoint.clone();
                let inbox = self.inbox.clone();
                self.runtime.spawn(async move {
                    let mut carried = None;
                    while let Some((messages, snapshot)) =
                        next_outgoing(&mut rx, &mut carried).await
                    {
                        match endpoint
                            .call::<RaftMessages>(addr, &RaftBatch { messages })
                            .await
                        {
                            Err(e) => {
                                debug!(peer, "raft messages not delivered: {e}");
                                let _ = inbox.try_send(Event::Undelivered { peer, snapshot });
                            }
                            Ok(_) if snapshot => {
                                let _ = inbox.try_send(Event::SnapshotSent { peer });
                            }
                            Ok(_) => {}
                        }
                    }
                });
                self.outboxes.insert(peer, (addr, tx));
            }
            if let Some((_, outbox)) = self.outboxes.get(&peer)
                && outbox.try_send((batch, snapshot)).is_err()
            {
                // A full queue drops the batch; Raft retransmits once told.
                self.replica.report_undelivered(peer, snapshot);
            }
        }
    }

    fn run(
        mut self,
        events: std::sync::mpsc::Receiver<Event>,
        stop: Arc<std::sync::atomic::AtomicBool>,
    ) {
        let mut next_tick = Instant::now() + self.options.tick;
        loop {
            if stop.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            let now = Instant::now();
            if now >= next_tick {
                self.on_tick(now);
                next_tick = now + self.options.tick;
            } else {
                match events.recv_timeout(next_tick - now) {
                    Ok(event) => {
                        self.handle(event);
                        // Take whatever else is already waiting before the next Ready, so that
                        // many proposals share one synced write and one round of messages.
                        for _ in 0..EVENTS_PER_READY_MAX {
                            match events.try_recv() {
                                Ok(event) => self.handle(event),
                                Err(_) => break,
                            }
                        }
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            let mut refused_own = false;
            for id in self.replica.flush_proposals() {
                if let Some((answer, _, _)) = self.waiting.remove(&id) {
                    let (leader, addr) = self.redirect();
                    let _ = answer.send(ProposeOutcome::Redirect { leader, addr });
                } else {
                    refused_own = true;
                }
            }
            if refused_own {
                // The driver's own expiries and wakes: raft refused one after `expiring` recorded
                // it as proposed, so the next scan proposes them all again (each applies at most
                // once per lease epoch; a repeat changes nothing).
                self.expiring.clear();
            }
            if !self.replica.has_ready() {
                continue;
            }
            let early = self.replica.early_messages();
            self.send(early);
            let output = match self.replica.handle_ready() {
                Ok(output) => output,
                Err(e) => {
                    // Storage failure: stop loudly rather than run on with state we could not
                    // persist.
                    warn!("coordinator replica stopped: {e}");
                    return;
                }
            };
            for (id, reply) in output.replies {
                if let Some((answer, _, _)) = self.waiting.remove(&id) {
                    let _ = answer.send(ProposeOutcome::Applied(reply));
                }
            }
            let leader = self.replica.leader();
            if leader != self.last_leader {
                self.last_leader = leader;
                let orphaned: Vec<u64> = self
                    .waiting
                    .iter()
                    .filter(|(_, (_, _, proposed_under))| *proposed_under != leader)
                    .map(|(id, _)| *id)
                    .collect();
                for id in orphaned {
                    if let Some((answer, _, _)) = self.waiting.remove(&id) {
                        let _ = answer.send(ProposeOutcome::Timeout);
                    }
                }
                // The driver's own proposals (expiries, wakes) too: the next scan makes them
                // again if they still matter.
                self.forget_unanswered();
                self.expiring.clear();
            }
            for (id, index) in output.reads {
                if self.reads_pending.contains_key(&id) {
                    self.reads_ready.push((index, id));
                }
            }
            if output.membership_changed {
                let members = &self.replica.machine().state.members;
                let roles = self.replica.roles();
                self.outboxes.retain(|id, _| {
                    members.contains_key(id)
                        || roles.voters.contains(id)
                        || roles.learners.contains(id)
                });
            }
            self.send(output.messages);
            self.answer_reads();
            if !output.applied.is_empty() {
                self.release_held(Instant::now());
                if !self.job_waiters.is_empty() {
                    self.answer_job_waiters();
                }
            }
        }
    }
}

/// The principal whose bearer token may drive the coordinator directly (membership, raw commands,
/// reads at any label). Other users reach it through the node's own, label-checked methods.
pub const ADMIN_PRINCIPAL: &str = "admin";

/// Raw proposals, membership changes and reads come from cluster nodes or the admin only: a raw
/// command or a read names its own labels, so an ordinary user could otherwise read any facet.
fn trusted(caller: &Caller) -> Result<(), RemoteError> {
    match caller {
        Caller::Node { .. } => Ok(()),
        Caller::Client { principal } if principal == ADMIN_PRINCIPAL => Ok(()),
        _ => Err(RemoteError::new(
            ErrorCode::Forbidden,
            "only cluster nodes and the admin may call the coordinator directly",
        )),
    }
}

/// Adds the coordinator's methods to `router`, served by `driver`.
pub fn routes(router: Router, driver: Driver) -> Router {
    let (d1, d2, d3, d4, d5) = (
        driver.clone(),
        driver.clone(),
        driver.clone(),
        driver.clone(),
        driver,
    );
    router
        .route::<RaftMessages, _, _>(move |caller, batch: RaftBatch, _| {
            let driver = d1.clone();
            async move {
                if !matches!(caller, Caller::Node { .. }) {
                    return Err(RemoteError::new(
                        ErrorCode::Forbidden,
                        "raft messages come from cluster nodes only",
                    ));
                }
                let mut messages = Vec::with_capacity(batch.messages.len());
                for bytes in &batch.messages {
                    let message = Message::parse_from_bytes(bytes)
                        .map_err(|e| RemoteError::new(ErrorCode::BadRequest, e.to_string()))?;
                    // raft-rs aborts the process on a proposal without entries, and replicas
                    // forward only normal entries (conf changes are proposed at the leader).
                    if message.get_msg_type() == raft::eraftpb::MessageType::MsgPropose
                        && (message.entries.is_empty()
                            || message.entries.iter().any(|e| {
                                e.get_entry_type() != raft::eraftpb::EntryType::EntryNormal
                            }))
                    {
                        return Err(RemoteError::new(
                            ErrorCode::BadRequest,
                            "a forwarded proposal carries normal entries only, at least one",
                        ));
                    }
                    messages.push(message);
                }
                driver.deliver(messages);
                Ok(RpcReply::new(Empty {}))
            }
        })
        .route::<Propose, _, _>(move |caller, proposal: Proposal, _| {
            let driver = d2.clone();
            async move {
                trusted(&caller)?;
                Ok(RpcReply::new(if proposal.forward {
                    driver.propose(proposal.command).await
                } else {
                    driver.propose_at_leader(proposal.command).await
                }))
            }
        })
        .route::<GetStatus, _, _>(move |caller, _: Empty, _| {
            let driver = d3.clone();
            async move {
                // Cluster-wide counts (jobs, ready tasks, log indexes) move with every label's
                // work: nodes and the admin only.
                trusted(&caller)?;
                let status = driver.status().await.ok_or_else(|| {
                    RemoteError::new(ErrorCode::Unavailable, "the replica is stopping")
                })?;
                Ok(RpcReply::new(status))
            }
        })
        .route::<ChangeMembership, _, _>(move |caller, change: Membership, _| {
            let driver = d4.clone();
            async move {
                trusted(&caller)?;
                Ok(RpcReply::new(driver.change_membership(change).await))
            }
        })
        .route::<Read, _, _>(move |caller, query: Query, _| {
            let driver = d5.clone();
            async move {
                trusted(&caller)?;
                Ok(RpcReply::new(driver.read(query).await))
            }
        })
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("no coordinator replica answered after {attempts} attempts; is the cluster up?")]
    Unavailable { attempts: u32 },
    #[error("{0}")]
    Refused(String),
}

/// What one attempt at a replica came to.
enum Attempt<T> {
    Done(T),
    Redirect(Option<u64>, Option<String>),
    Retry,
}

/// Finds the leader and retries with backoff, a bounded number of times. Commands that are not
/// naturally idempotent must carry a key (task calls carry `(task, seq)`, submissions a request id).
/// Redirects may name replicas the client was not told about (nodes that joined later); it follows
/// them by address.
pub struct Client {
    endpoint: Endpoint,
    replicas: std::sync::Mutex<BTreeMap<u64, SocketAddr>>,
    leader: std::sync::Mutex<Option<u64>>,
    /// Replicas whose last call failed at the transport, and when; skipped for a while so every
    /// request does not first wait out the timeout of a dead one.
    suspects: std::sync::Mutex<BTreeMap<u64, std::time::Instant>>,
    pub attempts_max: u32,
    /// How long one attempt may take before the client tries another replica. A replica killed
    /// with SIGKILL closes nothing, so without this a call would wait out QUIC's idle timeout.
    /// Above the leader's hold budget (1 s), so a held call is not cut short; retrying is safe
    /// because every command is idempotent by key.
    pub attempt_timeout: Duration,
}

/// How long a call may be out before the client starts asking the other replicas who leads.
/// Well above a healthy call's round trip (milliseconds), well below an election timeout.
const LEADER_PROBE_AFTER: Duration = Duration::from_millis(100);
/// The first pause between two rounds of asking (and each ask's time limit), and the longest.
const LEADER_PROBE_EVERY_MIN: Duration = Duration::from_millis(50);
const LEADER_PROBE_EVERY_MAX: Duration = Duration::from_millis(200);

/// How long a replica that failed a call is tried only when nothing else is left.
const SUSPECT_FOR: Duration = Duration::from_secs(5);

impl Client {
    pub fn new(endpoint: Endpoint, replicas: BTreeMap<u64, SocketAddr>) -> Client {
        Client {
            endpoint,
            replicas: std::sync::Mutex::new(replicas),
            leader: std::sync::Mutex::new(None),
            suspects: std::sync::Mutex::new(BTreeMap::new()),
            attempts_max: 60,
            attempt_timeout: Duration::from_millis(1500),
        }
    }

    fn replicas(&self) -> BTreeMap<u64, SocketAddr> {
        self.replicas
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Calls replicas until one answers `done`. `forwarded` makes the request to send instead
    /// once a replica redirected to a leader this client cannot reach (a suspect), asking the
    /// replica to forward it — a client cut off from the leader still gets through a follower.
    async fn attempt<M, T>(
        &self,
        request: &M::Request,
        forwarded: Option<&(dyn Fn() -> M::Request + Sync)>,
        done: impl Fn(M::Response) -> Result<Attempt<T>, ClientError>,
    ) -> Result<T, ClientError>
    where
        M: sl_rpc::message::Method,
    {
        let mut backoff = Duration::from_millis(20);
        // While forwarding: the leader a redirect named that this client cannot reach, and the
        // request that asks a replica to forward around it.
        let mut forwarding: Option<(u64, M::Request)> = None;
        for attempt in 0..self.attempts_max {
            let replicas = self.replicas();
            if replicas.is_empty() {
                break;
            }
            let now = std::time::Instant::now();
            let suspects: BTreeSet<u64> = {
                let mut suspects = self.suspects.lock().unwrap_or_else(|e| e.into_inner());
                suspects.retain(|_, since| now.duration_since(*since) < SUSPECT_FOR);
                suspects.keys().copied().collect()
            };
            let mut ids: Vec<u64> = replicas
                .keys()
                .copied()
                .filter(|id| !suspects.contains(id))
                .collect();
            if ids.is_empty() {
                ids = replicas.keys().copied().collect();
            }
            // A hint naming a replica this client cannot reach (a dead leader, say) is useless.
            let hint = self
                .leader
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .filter(|id| replicas.contains_key(id) && !suspects.contains(id));
            let target = hint.unwrap_or(ids[attempt as usize % ids.len()]);
            let sent = forwarding
                .as_ref()
                .map_or(request, |(_, forwarded)| forwarded);
            let call = self.endpoint.call::<M>(replicas[&target], sent);
            let call = tokio::time::timeout(self.attempt_timeout, call);
            // While the call is out, the other replicas are asked who leads: a leader killed
            // with SIGKILL never answers, and waiting out the whole attempt timeout on it would
            // add seconds to every failover a client sees.
            let moved = self.leader_moved_from(target, &replicas);
            let answer = tokio::select! {
                answer = call => answer,
                (leader, addr) = moved => {
                    debug!(from = target, to = leader, "leader moved while a call was out");
                    self.suspects
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(target, now);
                    self.replicas
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(leader, addr);
                    *self.leader.lock().unwrap_or_else(|e| e.into_inner()) = Some(leader);
                    continue;
                }
            };
            let outcome = match answer {
                Ok(Ok(response)) => {
                    self.suspects
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&target);
                    done(response)?
                }
                Ok(Err(_)) | Err(_) => {
                    self.suspects
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(target, now);
                    Attempt::Retry
                }
            };
            match outcome {
                Attempt::Done(value) => {
                    // The leader, or (when the leader is unreachable from here) a follower
                    // that forwards to it: either is a good first try.
                    *self.leader.lock().unwrap_or_else(|e| e.into_inner()) = Some(target);
                    if let Some((leader, _)) = &forwarding {
                        // Still cut off: the next call goes around it at once rather than
                        // waiting out an attempt on it when its suspicion lapses.
                        self.suspects
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(*leader, std::time::Instant::now());
                    }
                    return Ok(value);
                }
                Attempt::Redirect(leader, addr) => {
                    let leader = leader.filter(|l| *l != target);
                    if let (Some(id), Some(addr)) = (leader, addr.and_then(|a| a.parse().ok())) {
                        self.replicas
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(id, addr);
                    }
                    let unreachable = leader.is_some_and(|l| suspects.contains(&l));
                    if let Some(leader) = leader.filter(|_| unreachable && forwarding.is_none())
                        && let Some(forwarded) = forwarded
                    {
                        // Through this replica, which reaches the leader when we do not.
                        forwarding = Some((leader, forwarded()));
                        *self.leader.lock().unwrap_or_else(|e| e.into_inner()) = Some(target);
                        continue;
                    }
                    *self.leader.lock().unwrap_or_else(|e| e.into_inner()) = leader;
                    let addressed = leader.is_some_and(|l| self.replicas().contains_key(&l));
                    if addressed && !unreachable {
                        // Go straight to the leader we were told about (without its address the
                        // round robin could meet the same follower again at once: back off).
                        continue;
                    }
                }
                Attempt::Retry => {
                    *self.leader.lock().unwrap_or_else(|e| e.into_inner()) = None;
                }
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_millis(200));
        }
        Err(ClientError::Unavailable {
            attempts: self.attempts_max,
        })
    }

    /// Resolves once the other replicas say a replica other than `target` leads; never
    /// otherwise. Starts after [`LEADER_PROBE_AFTER`] (a healthy call is answered before) and asks
    /// again at doubling intervals up to [`LEADER_PROBE_EVERY_MAX`], so a call the leader holds on
    /// purpose (a long poll) costs a handful of status calls, not a stream. Of the answers, the
    /// highest term wins, so a stale follower naming an old leader cannot pull the client away
    /// from the current one.
    async fn leader_moved_from(
        &self,
        target: u64,
        replicas: &BTreeMap<u64, SocketAddr>,
    ) -> (u64, SocketAddr) {
        tokio::time::sleep(LEADER_PROBE_AFTER).await;
        let mut every = LEADER_PROBE_EVERY_MIN;
        loop {
            let mut asks = tokio::task::JoinSet::new();
            for (&id, &addr) in replicas.iter().filter(|(id, _)| **id != target) {
                let endpoint = self.endpoint.clone();
                asks.spawn(async move {
                    let status = tokio::time::timeout(
                        LEADER_PROBE_EVERY_MIN,
                        endpoint.call::<GetStatus>(addr, &Empty {}),
                    )
                    .await;
                    (id, status)
                });
            }
            let mut best: Option<(u64, u64)> = None; // (term, leader)
            let mut members = BTreeMap::new();
            while let Some(joined) = asks.join_next().await {
                let Ok((_, Ok(Ok(status)))) = joined else {
                    continue;
                };
                for member in &status.members {
                    if let Ok(addr) = member.addr.parse::<SocketAddr>() {
                        members.insert(member.id, addr);
                    }
                }
                if let Some(leader) = status.leader
                    && best.is_none_or(|(term, _)| status.term > term)
                {
                    best = Some((status.term, leader));
                }
            }
            if let Some((_, leader)) = best
                && leader != target
                && let Some(addr) = replicas.get(&leader).or(members.get(&leader))
            {
                return (leader, *addr);
            }
            tokio::time::sleep(every).await;
            every = (every * 2).min(LEADER_PROBE_EVERY_MAX);
        }
    }

    fn propose_outcome(outcome: ProposeOutcome) -> Result<Attempt<Reply>, ClientError> {
        Ok(match outcome {
            ProposeOutcome::Applied(reply) => Attempt::Done(reply),
            ProposeOutcome::Redirect { leader, addr } => Attempt::Redirect(leader, addr),
            ProposeOutcome::Timeout => Attempt::Retry,
            ProposeOutcome::Refused(reason) => return Err(ClientError::Refused(reason)),
        })
    }

    pub async fn propose(&self, command: &Command) -> Result<Reply, ClientError> {
        let request = Proposal {
            command: command.clone(),
            forward: false,
        };
        let forwarded = || Proposal {
            command: command.clone(),
            forward: true,
        };
        self.attempt::<Propose, _>(&request, Some(&forwarded), Self::propose_outcome)
            .await
    }

    /// Adds a learner, promotes or removes a node. A change refused at apply time comes back as
    /// `Ok(Reply::Rejected(..))`; one refused before the log as `Err(Refused)`.
    pub async fn change_membership(&self, change: &Membership) -> Result<Reply, ClientError> {
        self.attempt::<ChangeMembership, _>(change, None, Self::propose_outcome)
            .await
    }

    /// A linearizable read through any replica.
    pub async fn read(&self, query: &Query) -> Result<Answer, ClientError> {
        self.attempt::<Read, _>(query, None, |outcome| {
            Ok(match outcome {
                ReadOutcome::Answer(answer) => Attempt::Done(answer),
                ReadOutcome::Redirect { leader, addr } => Attempt::Redirect(leader, addr),
                ReadOutcome::Timeout => Attempt::Retry,
            })
        })
        .await
    }

    /// The status of replica `id` (one the client knows the address of).
    pub async fn status(&self, id: u64) -> Option<Status> {
        let addr = *self.replicas().get(&id)?;
        self.status_at(addr).await
    }

    pub async fn status_at(&self, addr: SocketAddr) -> Option<Status> {
        self.endpoint.call::<GetStatus>(addr, &Empty {}).await.ok()
    }

    /// Tells the client about a replica's address (a node that joined later).
    pub fn learn(&self, id: u64, addr: SocketAddr) {
        self.replicas
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, addr);
    }
}
