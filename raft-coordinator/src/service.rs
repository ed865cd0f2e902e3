//! The replica on the network: a driver task that alone owns the `Replica` (one owner per
//! `RawNode`), ticks it, feeds it messages and proposals from a bounded inbox, and after every
//! `Ready` sends messages through per-peer bounded queues (a full queue drops: Raft retransmits)
//! and answers proposers. Raft messages and proposals travel over `sl-rpc` on the control lane.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use protobuf::Message as _;
use raft::eraftpb::Message;
use sl_rpc::endpoint::{Caller, Endpoint, Reply as RpcReply, Router};
use sl_rpc::message::{ErrorCode, RemoteError};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, warn};

use crate::ids::{Epoch, TaskId};
use crate::machine::{Command, Reply};
use crate::replica::Replica;

/// Events waiting for the driver; senders wait (bounded) when it is full.
pub const INBOX_CAPACITY: usize = 4096;
/// Raft message batches waiting per peer; beyond this they are dropped.
pub const PEER_QUEUE_CAPACITY: usize = 256;

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct RaftBatch {
    pub messages: Vec<Vec<u8>>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Empty {}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Proposal {
    pub command: Command,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum ProposeOutcome {
    Applied(Reply),
    /// Not the leader: try `leader` (when known).
    Redirect {
        leader: Option<u64>,
    },
    /// Proposed, but not applied in time: the outcome is unknown; retry with the same key.
    Timeout,
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Status {
    pub id: u64,
    pub leader: Option<u64>,
    pub term: u64,
    pub commit: u64,
    pub applied: u64,
    pub jobs: u64,
    /// Tasks waiting for a worker.
    pub ready: u64,
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

enum Event {
    Messages(Vec<Message>),
    Propose {
        command: Command,
        answer: oneshot::Sender<ProposeOutcome>,
    },
    Status(oneshot::Sender<Status>),
}

#[derive(Clone, Debug)]
pub struct Options {
    pub tick: Duration,
    /// How long a proposer waits for its entry to apply before hearing `Timeout`.
    pub propose_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tick: Duration::from_millis(50),
            propose_timeout: Duration::from_secs(3),
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
    /// writes never block the async runtime. `peers` maps every other voter's id to its address.
    /// Call from inside a tokio runtime (the per-peer senders are tasks on it).
    pub fn start(
        &self,
        inbox: Inbox,
        replica: Replica,
        endpoint: Endpoint,
        peers: BTreeMap<u64, SocketAddr>,
        options: Options,
    ) {
        let events = inbox.0;
        let outboxes = peers
            .into_iter()
            .map(|(id, addr)| {
                let (tx, mut rx) = mpsc::channel::<Vec<Vec<u8>>>(PEER_QUEUE_CAPACITY);
                let endpoint = endpoint.clone();
                tokio::spawn(async move {
                    while let Some(messages) = rx.recv().await {
                        if let Err(e) = endpoint
                            .call::<RaftMessages>(addr, &RaftBatch { messages })
                            .await
                        {
                            debug!(peer = id, "raft messages not delivered: {e}");
                        }
                    }
                });
                (id, tx)
            })
            .collect();
        let stop = self.stop.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("raft-{}", replica.id()))
            .spawn(move || run(replica, events, outboxes, options, stop));
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

    pub async fn propose(&self, command: Command) -> ProposeOutcome {
        let (answer, wait) = oneshot::channel();
        // A full inbox sheds load: the caller hears "timeout" and retries with the same key.
        if self
            .inbox
            .try_send(Event::Propose { command, answer })
            .is_err()
        {
            return ProposeOutcome::Timeout;
        }
        wait.await.unwrap_or(ProposeOutcome::Timeout)
    }

    pub async fn status(&self) -> Option<Status> {
        let (answer, wait) = oneshot::channel();
        self.inbox.try_send(Event::Status(answer)).ok()?;
        wait.await.ok()
    }

    fn deliver(&self, messages: Vec<Message>) {
        // Dropped when full, as on a lossy network: Raft retransmits.
        let _ = self.inbox.try_send(Event::Messages(messages));
    }
}

/// Lease expiries one scan may propose.
const EXPIRIES_PER_SCAN_MAX: usize = 256;

/// The leader's clock decides which leases are over; it proposes `Expire` for them so every replica
/// applies the same thing (time never enters `apply`). Deadlines are Unix milliseconds, the unit
/// `Acquire`'s `now_ms` is in. `expiring` remembers proposals not yet applied, so one lease is not
/// proposed again every tick.
fn expire_leases(
    replica: &mut Replica,
    next_id: &mut u64,
    expiring: &mut std::collections::BTreeSet<(TaskId, Epoch)>,
) {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let tasks = &replica.machine().state.tasks;
    expiring.retain(|(task, epoch)| {
        tasks
            .get(task)
            .is_some_and(|t| t.lease.as_ref().is_some_and(|l| l.epoch == *epoch))
    });
    let due: Vec<(TaskId, Epoch)> = tasks
        .iter()
        .filter_map(|(id, t)| {
            t.lease
                .as_ref()
                .filter(|l| l.deadline_ms <= now_ms)
                .map(|l| (*id, l.epoch))
        })
        .filter(|key| !expiring.contains(key))
        .take(EXPIRIES_PER_SCAN_MAX)
        .collect();
    for (task, epoch) in due {
        *next_id += 1;
        if replica
            .propose(*next_id, &Command::Expire { task, epoch })
            .is_ok()
        {
            expiring.insert((task, epoch));
        }
    }
}

/// Events taken from the inbox before one `Ready` is handled.
const EVENTS_PER_READY_MAX: usize = 512;

type Waiting = BTreeMap<u64, (oneshot::Sender<ProposeOutcome>, Instant)>;

fn handle(
    replica: &mut Replica,
    event: Event,
    next_id: &mut u64,
    waiting: &mut Waiting,
    options: &Options,
) {
    match event {
        Event::Messages(messages) => {
            for message in messages {
                if let Err(e) = replica.step(message) {
                    debug!("raft refused a message: {e}");
                }
            }
        }
        Event::Propose { command, answer } => {
            *next_id += 1;
            match replica.propose(*next_id, &command) {
                Ok(()) => {
                    waiting.insert(*next_id, (answer, Instant::now() + options.propose_timeout));
                }
                Err(_) => {
                    let _ = answer.send(ProposeOutcome::Redirect {
                        leader: replica.leader(),
                    });
                }
            }
        }
        Event::Status(answer) => {
            let _ = answer.send(Status {
                id: replica.id(),
                leader: replica.leader(),
                term: replica.term(),
                commit: replica.commit_index(),
                applied: replica.applied_index(),
                jobs: replica.machine().state.jobs.len() as u64,
                ready: replica.machine().state.ready.len() as u64,
            });
        }
    }
}

fn run(
    mut replica: Replica,
    events: std::sync::mpsc::Receiver<Event>,
    outboxes: HashMap<u64, mpsc::Sender<Vec<Vec<u8>>>>,
    options: Options,
    stop: Arc<std::sync::atomic::AtomicBool>,
) {
    let mut next_id = 0u64;
    let mut waiting: Waiting = BTreeMap::new();
    let mut expiring = std::collections::BTreeSet::new();
    let mut next_tick = Instant::now() + options.tick;
    loop {
        if stop.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let now = Instant::now();
        if now >= next_tick {
            replica.tick();
            next_tick = now + options.tick;
            let expired: Vec<u64> = waiting
                .iter()
                .filter(|(_, (_, deadline))| *deadline <= now)
                .map(|(id, _)| *id)
                .collect();
            for id in expired {
                if let Some((answer, _)) = waiting.remove(&id) {
                    let _ = answer.send(ProposeOutcome::Timeout);
                }
            }
            if replica.is_leader() {
                expire_leases(&mut replica, &mut next_id, &mut expiring);
            }
        } else {
            match events.recv_timeout(next_tick - now) {
                Ok(event) => {
                    handle(&mut replica, event, &mut next_id, &mut waiting, &options);
                    // Take whatever else is already waiting before the next Ready, so that many
                    // proposals share one synced write and one round of messages (group commit).
                    for _ in 0..EVENTS_PER_READY_MAX {
                        match events.try_recv() {
                            Ok(event) => {
                                handle(&mut replica, event, &mut next_id, &mut waiting, &options)
                            }
                            Err(_) => break,
                        }
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        if !replica.has_ready() {
            continue;
        }
        let output = match replica.handle_ready() {
            Ok(output) => output,
            Err(e) => {
                // Storage failure: stop loudly rather than run on with state we could not persist.
                warn!("coordinator replica stopped: {e}");
                return;
            }
        };
        for (id, reply) in output.replies {
            if let Some((answer, _)) = waiting.remove(&id) {
                let _ = answer.send(ProposeOutcome::Applied(reply));
            }
        }
        let mut by_peer: HashMap<u64, Vec<Vec<u8>>> = HashMap::new();
        for message in output.messages {
            if let Ok(bytes) = message.write_to_bytes() {
                by_peer.entry(message.to).or_default().push(bytes);
            }
        }
        for (peer, batch) in by_peer {
            if let Some(outbox) = outboxes.get(&peer) {
                // A full queue drops the batch: Raft retransmits what matters.
                let _ = outbox.try_send(batch);
            }
        }
    }
}

/// Adds the coordinator's methods to `router`, served by `driver`.
pub fn routes(router: Router, driver: Driver) -> Router {
    let (d1, d2, d3) = (driver.clone(), driver.clone(), driver);
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
                    messages.push(
                        Message::parse_from_bytes(bytes)
                            .map_err(|e| RemoteError::new(ErrorCode::BadRequest, e.to_string()))?,
                    );
                }
                driver.deliver(messages);
                Ok(RpcReply::new(Empty {}))
            }
        })
        .route::<Propose, _, _>(move |_, proposal: Proposal, _| {
            let driver = d2.clone();
            async move { Ok(RpcReply::new(driver.propose(proposal.command).await)) }
        })
        .route::<GetStatus, _, _>(move |_, _: Empty, _| {
            let driver = d3.clone();
            async move {
                let status = driver.status().await.ok_or_else(|| {
                    RemoteError::new(ErrorCode::Unavailable, "the replica is stopping")
                })?;
                Ok(RpcReply::new(status))
            }
        })
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("no coordinator replica answered after {attempts} attempts; is the cluster up?")]
    Unavailable { attempts: u32 },
}

/// Finds the leader and retries with backoff, a bounded number of times. Commands that are not
/// naturally idempotent must carry a key (task calls carry `(task, seq)`, submissions a request id).
pub struct Client {
    endpoint: Endpoint,
    replicas: BTreeMap<u64, SocketAddr>,
    leader: std::sync::Mutex<Option<u64>>,
    pub attempts_max: u32,
}

impl Client {
    pub fn new(endpoint: Endpoint, replicas: BTreeMap<u64, SocketAddr>) -> Client {
        Client {
            endpoint,
            replicas,
            leader: std::sync::Mutex::new(None),
            attempts_max: 60,
        }
    }

    pub async fn propose(&self, command: &Command) -> Result<Reply, ClientError> {
        let ids: Vec<u64> = self.replicas.keys().copied().collect();
        let mut backoff = Duration::from_millis(20);
        for attempt in 0..self.attempts_max {
            // A hint naming a replica this client does not know (a dead leader, say) is useless.
            let hint = self
                .leader
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .filter(|id| self.replicas.contains_key(id));
            let target = hint.unwrap_or(ids[attempt as usize % ids.len()]);
            let addr = self.replicas[&target];
            match self
                .endpoint
                .call::<Propose>(
                    addr,
                    &Proposal {
                        command: command.clone(),
                    },
                )
                .await
            {
                Ok(ProposeOutcome::Applied(reply)) => return Ok(reply),
                Ok(ProposeOutcome::Redirect { leader }) => {
                    *self.leader.lock().unwrap_or_else(|e| e.into_inner()) =
                        leader.filter(|l| *l != target);
                }
                Ok(ProposeOutcome::Timeout) | Err(_) => {
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

    pub async fn status(&self, id: u64) -> Option<Status> {
        self.endpoint
            .call::<GetStatus>(*self.replicas.get(&id)?, &Empty {})
            .await
            .ok()
    }
}
