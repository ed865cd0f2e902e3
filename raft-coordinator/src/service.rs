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
use sl_rpc::message::{ErrorCode, Method, RemoteError};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, warn};

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
}

pub struct RaftMessages;
impl Method for RaftMessages {
    const ID: u16 = 400;
    const NAME: &'static str = "raft_messages";
    type Request = RaftBatch;
    type Response = Empty;
}

pub struct Propose;
impl Method for Propose {
    const ID: u16 = 401;
    const NAME: &'static str = "coordinator_propose";
    type Request = Proposal;
    type Response = ProposeOutcome;
}

pub struct GetStatus;
impl Method for GetStatus {
    const ID: u16 = 402;
    const NAME: &'static str = "coordinator_status";
    type Request = Empty;
    type Response = Status;
}

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
    inbox: mpsc::Sender<Event>,
    task: Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
}

/// The driver's inbox, consumed by [`Driver::start`].
pub struct Inbox(mpsc::Receiver<Event>);

impl Driver {
    pub fn channel() -> (Driver, Inbox) {
        let (inbox, events) = mpsc::channel(INBOX_CAPACITY);
        (
            Driver {
                inbox,
                task: Arc::new(std::sync::Mutex::new(None)),
            },
            Inbox(events),
        )
    }

    /// Starts the driver task. `peers` maps every other voter's id to its address.
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
        let task = tokio::spawn(run(replica, events, outboxes, options));
        *self.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
    }

    /// Stops the driver at once, as a crash would (nothing is flushed beyond what each Ready
    /// already made durable).
    pub fn abort(&self) {
        if let Some(task) = self.task.lock().unwrap_or_else(|e| e.into_inner()).take() {
            task.abort();
        }
    }

    pub async fn propose(&self, command: Command) -> ProposeOutcome {
        let (answer, wait) = oneshot::channel();
        if self
            .inbox
            .send(Event::Propose { command, answer })
            .await
            .is_err()
        {
            return ProposeOutcome::Redirect { leader: None };
        }
        wait.await.unwrap_or(ProposeOutcome::Timeout)
    }

    pub async fn status(&self) -> Option<Status> {
        let (answer, wait) = oneshot::channel();
        self.inbox.send(Event::Status(answer)).await.ok()?;
        wait.await.ok()
    }

    async fn deliver(&self, messages: Vec<Message>) {
        let _ = self.inbox.send(Event::Messages(messages)).await;
    }
}

async fn run(
    mut replica: Replica,
    mut events: mpsc::Receiver<Event>,
    outboxes: HashMap<u64, mpsc::Sender<Vec<Vec<u8>>>>,
    options: Options,
) {
    let mut ticker = tokio::time::interval(options.tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut next_id = 0u64;
    let mut waiting: BTreeMap<u64, (oneshot::Sender<ProposeOutcome>, Instant)> = BTreeMap::new();
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                replica.tick();
                let now = Instant::now();
                let expired: Vec<u64> = waiting.iter().filter(|(_, (_, deadline))| *deadline <= now).map(|(id, _)| *id).collect();
                for id in expired {
                    if let Some((answer, _)) = waiting.remove(&id) {
                        let _ = answer.send(ProposeOutcome::Timeout);
                    }
                }
            }
            event = events.recv() => {
                let Some(event) = event else { return };
                match event {
                    Event::Messages(messages) => {
                        for message in messages {
                            if let Err(e) = replica.step(message) {
                                debug!("raft refused a message: {e}");
                            }
                        }
                    }
                    Event::Propose { command, answer } => {
                        next_id += 1;
                        match replica.propose(next_id, &command) {
                            Ok(()) => {
                                waiting.insert(next_id, (answer, Instant::now() + options.propose_timeout));
                            }
                            Err(_) => {
                                let _ = answer.send(ProposeOutcome::Redirect { leader: replica.leader() });
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
                        });
                    }
                }
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
                driver.deliver(messages).await;
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
            let hint = *self.leader.lock().unwrap_or_else(|e| e.into_inner());
            let target = hint.unwrap_or(ids[attempt as usize % ids.len()]);
            let Some(&addr) = self.replicas.get(&target) else {
                continue;
            };
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
