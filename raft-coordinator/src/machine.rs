//! The coordinator's state machine: jobs, tasks, leases, futures and FIFO queues. Pure and
//! deterministic: `apply` reads no clock (the leader puts times into commands), iterates only
//! ordered collections, and its whole state snapshots to bytes. Every replica applying the same log
//! holds the same state; Raft (`crate::raft`, next) decides the log.
//!
//! A task call `(task, epoch, seq, checkpoint, call)` takes effect at most once per `(task, seq)`:
//! a retry gets the recorded reply. A call under a superseded epoch changes nothing. A call that
//! would block changes nothing but the task's status: the task leaves its worker, and when it can
//! proceed it becomes ready again and re-issues the same call (same seq) from its checkpoint.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use sl_labels::{Label, Lattice, Policy};

use crate::catalog::{Declassifier, FacetedValue, Member, PrincipalRecord};
use crate::executions::{
    ChainCompletion, Child, DagId, Execution, NewExecution, NodeGrant, NodeKey,
};
use crate::ids::{Epoch, JobId, NodeId, QueueId, Seq, TaskId};
use crate::in_place::{self, IdBlock, RanInPlace};
use crate::label_rules::{IdKind, leaky};
use crate::matrices::MatrixMeta;

/// Bounds on everything the machine holds; a command that would exceed one is rejected.
#[derive(Clone, Debug)]
pub struct Limits {
    pub tasks_max: usize,
    pub queues_max: usize,
    pub queue_capacity_max: u32,
    pub item_bytes_max: usize,
    pub inline_checkpoint_bytes_max: usize,
    pub args_bytes_max: usize,
    pub deps_max: usize,
    pub leases_per_acquire_max: u32,
    /// Jobs the machine holds records of (running ones and the [`JOBS_KEPT`] newest ended ones).
    pub jobs_max: usize,
    /// Items waiting in all queues together (each at most `item_bytes_max`).
    pub queued_items_max: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            tasks_max: 1_000_000,
            queues_max: 100_000,
            queue_capacity_max: 1_000_000,
            item_bytes_max: 64 << 10,
            inline_checkpoint_bytes_max: 64 << 10,
            args_bytes_max: 64 << 10,
            deps_max: 1024,
            leases_per_acquire_max: 256,
            jobs_max: 100_000,
            queued_items_max: 1_000_000,
        }
    }
}

/// What a job's output log keeps: the newest bytes; older ones are dropped and counted.
pub const JOB_LOG_BYTES_MAX: usize = 1 << 20;
/// The longest a task without a deadline (`on_coordinator`) holds its lease between renewals.
pub const RENEWED_LEASE_MS: u64 = 10_000;
/// The largest outcome (a task's value or error text) the coordinator keeps.
pub const OUTCOME_BYTES_MAX: usize = 1 << 20;
/// Ended jobs whose records (result, log) the coordinator keeps; older ones are forgotten.
pub const JOBS_KEPT: usize = 10_000;
/// Registered external services.
pub const SERVICES_MAX: usize = 1024;
/// Function names, program keys, file names, object keys of checkpoints, service names.
pub const TEXT_BYTES_MAX: usize = 1024;
/// A service's URL.
pub const URL_BYTES_MAX: usize = 2048;

/// A snapshot that could not be taken. Compaction must stop on it: storing anything else in its
/// place would truncate the log behind a state that does not hold what the log did.
#[derive(Debug, thiserror::Error)]
#[error("cannot serialize the coordinator's state: {0}")]
pub struct SnapshotError(pub String);

pub(crate) fn text_ok(what: &str, text: &str) -> Result<(), Reject> {
    if text.len() > TEXT_BYTES_MAX {
        return Err(Reject::Limit(format!(
            "{what} is {} bytes; at most {TEXT_BYTES_MAX}",
            text.len()
        )));
    }
    Ok(())
}

fn checkpoint_ok(checkpoint: &Checkpoint, inline_max: usize) -> Result<(), Reject> {
    match checkpoint {
        Checkpoint::Unchanged => Err(Reject::NeedsCheckpoint),
        Checkpoint::Inline(bytes) if bytes.len() > inline_max => Err(Reject::Limit(format!(
            "inline checkpoints are at most {inline_max} bytes; store larger ones as objects"
        ))),
        Checkpoint::Object(key) => text_ok("a checkpoint's object key", key),
        _ => Ok(()),
    }
}

/// How a job's tasks run. The default (no program, no timeout) is a bare task whose lease lasts
/// what `Acquire` says, as tests and benchmarks of the machine use it.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
pub struct JobOptions {
    /// Object key of the job's source (a Python-subset module).
    pub program: String,
    /// Display name of the source file (tracebacks, `slnode jobs`).
    pub file: String,
    /// The hard deadline of one worker slice (the "lambda limit"); 0 = the lease alone.
    pub timeout_ms: u64,
    /// The least time between a worker's own checkpoints; 0 = adaptive.
    pub checkpoint_ms: u64,
    /// When the job was submitted (Unix ms, from the submitting node's clock).
    pub submitted_ms: u64,
    /// A JSON object whose entries join the root's `context` (the gateway's user, label, request
    /// id and function; "" for none). Opaque here; bounded like every text.
    pub context: String,
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Checkpoint {
    /// Not started: run the function from its arguments.
    Initial,
    Inline(Vec<u8>),
    /// Too large to inline: an object-store key, durable before the call carrying it (invariant 3).
    Object(String),
    /// No state sent: only for a wait the leader can answer from applied state (a resolved
    /// future), which records nothing. Any call that would record it is refused with
    /// [`Reject::NeedsCheckpoint`], and the worker sends it again with its state.
    Unchanged,
    /// The state the coordinator recorded with the task's previous call, which it answered:
    /// only for a wait that is a later step of the same host call (`spawn(blocking=True)` is
    /// spawn, then wait). If the wait blocks, the task stays recorded as it was — suspended at
    /// the spawn, with the spawn's answer — so it resumes by waiting on that child. A state
    /// sent again would be recorded unanswered, and the resumed task would spawn a second
    /// child.
    AsRecorded,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Status {
    Ready,
    Running,
    Blocked,
    Done,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Lease {
    pub epoch: Epoch,
    pub holder: NodeId,
    pub deadline_ms: u64,
}

pub type Outcome = Result<Vec<u8>, String>;

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Task {
    pub job: JobId,
    pub label: Label,
    pub status: Status,
    pub epoch: Epoch,
    pub lease: Option<Lease>,
    pub checkpoint: Checkpoint,
    pub function: String,
    pub args: Vec<u8>,
    /// Futures whose values the task receives when it starts, in order.
    pub deps: Vec<TaskId>,
    pub deps_left: u32,
    pub next_seq: Seq,
    /// The reply to call `next_seq - 1` and the epoch it was made under, for retries.
    pub last_reply: Option<(Epoch, Reply)>,
    pub outcome: Option<Outcome>,
    /// Tasks to make ready when this one ends (waiters and dependents).
    pub waiters: Vec<TaskId>,
    /// Times the task resumed after its lease was lost.
    pub resumes: u64,
    /// An external call whose intent is committed and whose result is not.
    pub external: Option<(Seq, String, Vec<u8>)>,
    /// Runs without a deadline (Kappa's `on_coordinator`): its lease is renewed, not forced.
    pub on_coordinator: bool,
    /// Whether the call the checkpoint is suspended at has a recorded reply (`last_reply`): a
    /// resumed task then takes that reply instead of calling again (at most once per call).
    pub answered: bool,
    /// A sleep in progress: its call's seq, when it ends (Unix ms), and whether it has.
    pub sleep: Option<(Seq, u64, bool)>,
    /// The label of the task (or submitter) that created this one: who may know it exists.
    pub creator: Label,
    /// Ids reserved for the children it runs in place (`in_place`).
    pub ids: Option<IdBlock>,
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Item {
    pub bytes: Vec<u8>,
    /// The producing call, so a rendezvous producer learns its item was taken.
    pub from: (TaskId, Seq),
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Queue {
    pub job: JobId,
    pub label: Label,
    /// 0 is a rendezvous: an enqueue completes when a dequeue takes the item.
    pub capacity: u32,
    pub items: VecDeque<Item>,
    pub waiting_consumers: BTreeSet<TaskId>,
    pub waiting_producers: BTreeSet<TaskId>,
    /// Producers whose one call holds more items than the capacity, and how many of that call's
    /// items are in the queue so far: such a call places what fits as room appears (as
    /// CPython's `put` one at a time would) and completes when the last is in; its re-issues
    /// (same seq) continue where it stopped. Calls of at most the capacity stay all-or-nothing.
    /// (seq, items placed, items in the call); an entry that does not match the call is stale.
    pub placing: BTreeMap<TaskId, (Seq, u32, u32)>,
    /// Items sent up from strictly lower labels and dropped because the queue was full (a send
    /// up never blocks on what the queue's readers do; see `label_rules`).
    pub dropped_up: u64,
    /// The label of the task that made it: who may know it exists.
    pub creator: Label,
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Job {
    pub root: TaskId,
    pub label: Label,
    pub status: Status,
    pub options: JobOptions,
    /// Output of the job's tasks, in the order their calls committed (newest
    /// [`JOB_LOG_BYTES_MAX`] bytes).
    pub log: String,
    /// Bytes dropped from the head of `log`; `log_dropped + log.len()` is the total written.
    pub log_dropped: u64,
    /// Times its tasks resumed after a lost lease (forced timeouts, dead workers).
    pub resumes: u64,
    pub tasks: u64,
    pub cancelled: bool,
    /// Tasks that have not ended; when none are left after the job ended, its tasks and queues
    /// are dropped from the state (the job's record, result and log stay).
    pub live: u64,
    pub done: u64,
    pub failed: u64,
    /// The root task's outcome, kept after the tasks are dropped.
    pub outcome: Option<Outcome>,
    /// Its tasks and queues have been dropped.
    pub pruned: bool,
    /// Submission order across the cluster (for listings; never shown).
    pub order: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Command {
    /// `request` is the client's idempotency key: a resubmission after a lost answer (a leader
    /// crash, a timeout) returns the job the first submission created.
    SubmitJob {
        request: u64,
        label: Label,
        function: String,
        args: Vec<u8>,
        options: JobOptions,
    },
    /// Lease up to `max` ready tasks to `node` until `now_ms + lease_ms`, plus the job's
    /// timeout for jobs that have one (`lease_ms` is then the grace for a dead worker).
    Acquire {
        node: NodeId,
        max: u32,
        now_ms: u64,
        lease_ms: u64,
    },
    Renew {
        task: TaskId,
        epoch: Epoch,
        deadline_ms: u64,
    },
    /// The lease under `epoch` is over (deadline passed, or the worker gave the task back): the task
    /// resumes from its last checkpoint on any node.
    Expire {
        task: TaskId,
        epoch: Epoch,
    },
    Call(TaskCall),
    /// Records (or updates) a member. Adding and removing voters and learners happens through
    /// Raft conf changes, which carry the member record and apply it in the same entry.
    PutMember(Member),
    RemoveMember {
        id: u64,
    },
    PutPrincipal {
        name: String,
        label: Label,
        token_hash: [u8; 32],
    },
    RemovePrincipal {
        name: String,
    },
    PutDeclassifier {
        name: String,
        from: Label,
        to: Label,
    },
    /// Gives the node named `name` a cluster-wide id (the same id again for the same name), before
    /// it is added as a learner. Ids start at 2; 1 is the bootstrap node.
    ReserveNodeId {
        name: String,
    },
    /// A faceted write (see `sl_labels::faceted`).
    KvPut {
        key: String,
        label: Label,
        value: Vec<u8>,
    },
    /// Start a DAG execution; `request` is the client's idempotency key.
    DagCreate {
        request: u64,
        program: String,
        label: Label,
        roots: Vec<NodeKey>,
        total: u64,
        /// Output matrices, entered into the catalog when the execution is done.
        outputs: Vec<(String, MatrixMeta)>,
    },
    DagAcquire {
        node: NodeId,
        max: u32,
        now_ms: u64,
        lease_ms: u64,
    },
    DagComplete {
        dag: DagId,
        key: NodeKey,
        epoch: Epoch,
        children: Vec<Child>,
        flops: u64,
        bytes_remote: u64,
    },
    DagExpire {
        dag: DagId,
        key: NodeKey,
        epoch: Epoch,
    },
    /// A node's kernel failed for good (not a lost worker): the execution fails with `error`.
    DagFail {
        dag: DagId,
        key: NodeKey,
        epoch: Epoch,
        error: String,
    },
    DagRenew {
        dag: DagId,
        key: NodeKey,
        epoch: Epoch,
        now_ms: u64,
        lease_ms: u64,
    },
    /// Cancel an execution `reader` may see.
    DagCancel {
        dag: DagId,
        reader: Label,
    },
    /// Record a matrix (its facet at `meta.label`).
    MatrixPut {
        name: String,
        meta: MatrixMeta,
    },
    /// Remove the facet of a matrix at `label`.
    MatrixRemove {
        name: String,
        label: Label,
    },
    /// A sleeping task's time is up (proposed by the leader, whose clock decides).
    Wake {
        task: TaskId,
        seq: Seq,
    },
    /// Ends every task of the job that has not ended; the job fails as cancelled.
    CancelJob {
        job: JobId,
    },
    /// Registers (or replaces) an external service callable with `rt.external`.
    PutService {
        name: String,
        url: String,
    },
    /// Replaces the cluster's policy with a TOML file's (see `users`).
    ApplyPolicy {
        text: String,
    },
    /// A user with the hash of its token; `label` is label text, or `None` for the label the
    /// policy gives the principal of that name.
    AddUser {
        name: String,
        label: Option<String>,
        token_hash: [u8; 32],
    },
    /// A new token for a user; the old one stops working.
    RotateToken {
        name: String,
        token_hash: [u8; 32],
    },
    RemoveUser {
        name: String,
    },
    /// Registers (or replaces) an external service with its label and the label of its replies.
    PutLabelledService {
        name: String,
        url: String,
        label: Label,
        reply_label: Label,
    },
    /// Compare-and-set on the faceted KV at one label (see [`crate::register`]).
    KvCas {
        key: String,
        label: Label,
        expect: Option<Vec<u8>>,
        value: Vec<u8>,
    },
    /// `DagComplete` with the nodes run after the leased one in its lease. Last of the
    /// commands and boxed, so adding it left the encoding of the others, in logs written
    /// before, as it was.
    DagCompleteChain(Box<ChainCompletion>),
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct TaskCall {
    pub task: TaskId,
    pub epoch: Epoch,
    pub seq: Seq,
    /// The task's state just before the call, recorded atomically with its effect.
    pub checkpoint: Checkpoint,
    pub call: Call,
    /// What the task printed since its previous call; appended to the job's log with the
    /// checkpoint, so output is logged once even when a slice is cut short and re-run.
    pub output: String,
    /// Children the task ran in place since its previous call, recorded before the call's
    /// effect, all or none with it (`in_place`).
    pub children: Vec<RanInPlace>,
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Call {
    /// Start `function(args)`; `deps` are futures whose values it receives; `label` may raise the
    /// child's label above the parent's (the parent may then not wait on it).
    Spawn {
        function: String,
        args: Vec<u8>,
        deps: Vec<TaskId>,
        label: Option<Label>,
        on_coordinator: bool,
    },
    /// Several children of one function at once (`spawn_many`, `map_spawn`): each with its
    /// arguments and dependencies, all created or none.
    SpawnMany {
        function: String,
        children: Vec<(Vec<u8>, Vec<TaskId>)>,
        on_coordinator: bool,
    },
    Wait {
        future: TaskId,
    },
    /// `copies` queues at once, all created or none.
    CreateQueues {
        capacity: u32,
        copies: u32,
    },
    /// Several items at once, all placed or none: the call blocks until the queue has room for
    /// every item (a batch larger than the capacity, or more than one item for a rendezvous
    /// queue, is refused).
    EnqueueMany {
        queue: QueueId,
        items: Vec<Vec<u8>>,
    },
    CreateQueue {
        capacity: u32,
        label: Option<Label>,
    },
    Enqueue {
        queue: QueueId,
        item: Vec<u8>,
    },
    Dequeue {
        queue: QueueId,
    },
    Checkpoint,
    Exit {
        outcome: Outcome,
    },
    /// Commit the intent to call an external service; the reply carries the idempotency key.
    ExternalIntent {
        service: String,
        payload: Vec<u8>,
    },
    ExternalResult {
        outcome: Outcome,
    },
    /// Sleep until `until_ms` (Unix ms) without holding a worker. A re-issue after the wake
    /// (same seq, from the checkpoint) completes at once.
    Sleep {
        until_ms: u64,
    },
    /// `rt.kv` and the names of `rt.store` (see `kv`), at the task's label.
    Kv {
        space: crate::kv::Space,
        call: crate::kv::KvCall,
    },
    /// Children the caller already ran to their end on its own worker, then more spawned as
    /// [`Call::SpawnMany`] spawns them, all created or none; the reply is `SpawnedMany` with
    /// every id in order (`done`'s first). A short child that makes no coordinator call costs
    /// less run where its parent is than sent to another worker; recorded here as an ended task
    /// at the caller's label, it is a future like any other (waited on, passed on, counted).
    /// Last of the calls, so adding it left the encoding of the others, in logs written
    /// before, as it was.
    SpawnInline {
        function: String,
        done: Vec<Outcome>,
        rest: Vec<(Vec<u8>, Vec<TaskId>)>,
        on_coordinator: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Grant {
    pub task: TaskId,
    pub epoch: Epoch,
    pub checkpoint: Checkpoint,
    pub function: String,
    pub args: Vec<u8>,
    pub dep_values: Vec<Outcome>,
    pub next_seq: Seq,
    pub label: Label,
    pub job: JobId,
    pub options: JobOptions,
    pub on_coordinator: bool,
    /// The recorded reply to the call the checkpoint is suspended at, when there is one.
    pub resume: Option<Answered>,
    /// Whether this is the job's root task.
    pub root: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Reply {
    Submitted {
        job: JobId,
        root: TaskId,
    },
    Leases(Vec<Grant>),
    NodeLeases(Vec<NodeGrant>),
    NodeId(u64),
    Dag(DagId),
    Spawned(TaskId),
    SpawnedMany(Vec<TaskId>),
    Value(Outcome),
    Queue(QueueId),
    Queues(Vec<QueueId>),
    Item(Vec<u8>),
    Ok,
    /// Idempotency key of an external call: `(task, seq)` of its intent.
    ExternalKey {
        task: TaskId,
        seq: Seq,
    },
    /// The task gave up its worker; it becomes ready when it can proceed.
    WouldBlock,
    /// A wait on a future that has resolved, answered from applied state without a log entry
    /// (see [`Machine::resolved_wait`]): it took no seq and recorded nothing.
    Resolved(Outcome),
    Rejected(Reject),
    Kv(crate::kv::KvAnswer),
    /// A compare-and-set found another value (`None`: the key holds nothing at that label).
    CasMismatch {
        current: Option<Vec<u8>>,
    },
    /// The generation of a matrix facet that was replaced or removed, whose tiles may go.
    Generation(Option<u64>),
    /// This completion ended its execution; `replaced`: generations of matrices its outputs
    /// replaced.
    DagDone {
        replaced: Vec<u64>,
    },
    /// A `DagCompleteChain` that asked for leases: `replaced` as in `DagDone` when it ended its
    /// execution, and the worker's next nodes.
    DagCompleted {
        replaced: Option<Vec<u64>>,
        grants: Vec<NodeGrant>,
    },
    /// [`Call::SpawnInline`]'s answer: every id in order, and the block of ids the task's next
    /// children in place take theirs from (`in_place`).
    SpawnedInPlace {
        made: Vec<TaskId>,
        ids: IdBlock,
    },
}

/// A recorded reply to a task call, as a resumed task receives it (the replies a task call can
/// have; a separate type because `Reply` holds grants, which hold this).
#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Answered {
    Spawned(TaskId),
    SpawnedMany(Vec<TaskId>),
    Value(Outcome),
    Queue(QueueId),
    Queues(Vec<QueueId>),
    Item(Vec<u8>),
    Ok,
    ExternalKey { task: TaskId, seq: Seq },
    Kv(crate::kv::KvAnswer),
}

impl Answered {
    pub fn from_reply(reply: &Reply) -> Option<Answered> {
        Some(match reply {
            Reply::Spawned(t) => Answered::Spawned(*t),
            Reply::SpawnedMany(t) | Reply::SpawnedInPlace { made: t, .. } => {
                Answered::SpawnedMany(t.clone())
            }
            Reply::Value(o) => Answered::Value(o.clone()),
            Reply::Queue(q) => Answered::Queue(*q),
            Reply::Queues(q) => Answered::Queues(q.clone()),
            Reply::Item(i) => Answered::Item(i.clone()),
            Reply::Ok => Answered::Ok,
            Reply::Kv(answer) => Answered::Kv(answer.clone()),
            Reply::ExternalKey { task, seq } => Answered::ExternalKey {
                task: *task,
                seq: *seq,
            },
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Reject {
    UnknownTask,
    /// Fenced: the call's epoch is not the task's current lease.
    StaleEpoch,
    /// The call skips a sequence number the task has not used.
    SeqGap {
        expected: Seq,
    },
    /// Older than the last call: its reply is gone (the worker is behind its own checkpoint).
    SeqTooOld,
    /// Not found — also what a task hears about things its label may not see.
    NotFound,
    /// The data would flow down the lattice.
    FlowDown,
    Limit(String),
    Invalid(String),
    /// The call would record a checkpoint and came without one (`Checkpoint::Unchanged`).
    NeedsCheckpoint,
    /// The children run in place the call carries (`in_place`) cannot be recorded — the task
    /// limit, ids not reserved for them: nothing of the call happened, and no other call can
    /// carry them either.
    Children(String),
}

#[derive(
    Clone, Debug, Default, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
pub struct State {
    pub jobs: BTreeMap<JobId, Job>,
    pub tasks: BTreeMap<TaskId, Task>,
    pub queues: BTreeMap<QueueId, Queue>,
    pub ready: BTreeSet<TaskId>,
    /// Client idempotency keys of submissions, bounded by the task limit (one root task each).
    pub submissions: BTreeMap<u64, (JobId, TaskId)>,
    pub next_job: u64,
    pub next_task: u64,
    pub next_queue: u64,
    pub members: BTreeMap<u64, Member>,
    pub principals: BTreeMap<String, PrincipalRecord>,
    pub declassifiers: BTreeMap<String, Declassifier>,
    pub kv: BTreeMap<String, FacetedValue>,
    pub dags: BTreeMap<DagId, Execution>,
    pub dag_submissions: BTreeMap<u64, DagId>,
    pub next_dag: u64,
    /// Tiled matrices by name: one facet per label (see `matrices`).
    pub matrices: BTreeMap<String, Vec<MatrixMeta>>,
    pub node_ids: BTreeMap<String, u64>,
    /// External services by name: their URLs.
    pub services: BTreeMap<String, String>,
    /// The applied policy (`None`: the one the machine was started with).
    pub policy: Option<sl_labels::PolicyImage>,
    /// Id counters by (kind, label bucket): ids never come from a global counter.
    pub id_counters: BTreeMap<(u8, u32), u32>,
    /// Services' labels and the labels of their replies; a service without is at the bottom.
    pub service_labels: BTreeMap<String, (Label, Label)>,
    /// Items in all queues together, bounded by [`Limits::queued_items_max`].
    pub queued_items: u64,
}

/// The state and the rules. The policy and limits are configuration, not state.
pub struct Machine {
    pub state: State,
    pub(crate) policy: Policy,
    pub(crate) limits: Limits,
    /// Fault injection for the compaction tests: the next snapshot fails.
    #[cfg(test)]
    pub(crate) fail_snapshot: bool,
}

impl Machine {
    pub fn new(policy: Policy, limits: Limits) -> Machine {
        Machine {
            state: State::default(),
            policy,
            limits,
            #[cfg(test)]
            fail_snapshot: false,
        }
    }

    /// The whole state as bytes. An error is never papered over with empty bytes: the caller
    /// (compaction) must keep its log instead.
    pub fn snapshot(&self) -> Result<Vec<u8>, SnapshotError> {
        #[cfg(test)]
        if self.fail_snapshot {
            return Err(SnapshotError("injected by a test".into()));
        }
        rkyv::to_bytes::<rkyv::rancor::Error>(&self.state)
            .map(|b| b.to_vec())
            .map_err(|e| SnapshotError(e.to_string()))
    }

    /// Restores a snapshot; hostile or corrupt bytes give an error.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<(), String> {
        let mut aligned = rkyv::util::AlignedVec::<16>::with_capacity(bytes.len());
        aligned.extend_from_slice(bytes);
        self.state =
            rkyv::from_bytes::<State, rkyv::rancor::Error>(&aligned).map_err(|e| e.to_string())?;
        self.restore_policy()
    }

    /// Applies one command from the log. Never panics on a command's content: everything a command
    /// says is checked (here, and by each handler before its first change), and a command that
    /// cannot apply is answered `Rejected` and changes nothing, on every replica alike.
    pub fn apply(&mut self, command: &Command) -> Reply {
        if let Err(reject) = self.validate(command) {
            return Reply::Rejected(reject);
        }
        match command {
            Command::SubmitJob {
                request,
                label,
                function,
                args,
                options,
            } => self.submit(*request, label, function, args, options),
            Command::Acquire {
                node,
                max,
                now_ms,
                lease_ms,
            } => self.acquire(*node, *max, now_ms.saturating_add(*lease_ms)),
            Command::Renew {
                task,
                epoch,
                deadline_ms,
            } => self.renew(*task, *epoch, *deadline_ms),
            Command::Expire { task, epoch } => self.expire(*task, *epoch),
            Command::Call(call) => self.call(call),
            Command::PutMember(member) => self.put_member(member),
            Command::RemoveMember { id } => self.remove_member(*id),
            Command::PutPrincipal {
                name,
                label,
                token_hash,
            } => self.put_principal(name, label, *token_hash),
            Command::RemovePrincipal { name } => {
                self.state.principals.remove(name);
                Reply::Ok
            }
            Command::PutDeclassifier { name, from, to } => self.put_declassifier(name, from, to),
            Command::KvPut { key, label, value } => self.kv_put(key, label, value),
            Command::ReserveNodeId { name } => self.reserve_node_id(name),
            Command::DagCreate {
                request,
                program,
                label,
                roots,
                total,
                outputs,
            } => self.dag_create(
                *request,
                &NewExecution {
                    program,
                    label,
                    roots,
                    total: *total,
                    outputs,
                },
            ),
            Command::DagAcquire {
                node,
                max,
                now_ms,
                lease_ms,
            } => self.dag_acquire(*node, *max, now_ms.saturating_add(*lease_ms)),
            Command::DagComplete {
                dag,
                key,
                epoch,
                children,
                flops,
                bytes_remote,
            } => self.dag_complete(*dag, key, *epoch, &[], children, (*flops, *bytes_remote)),
            Command::DagCompleteChain(c) => self.dag_complete_chain(c),
            Command::DagExpire { dag, key, epoch } => self.dag_expire(*dag, key, *epoch),
            Command::DagFail {
                dag,
                key,
                epoch,
                error,
            } => self.dag_fail(*dag, key, *epoch, error),
            Command::DagRenew {
                dag,
                key,
                epoch,
                now_ms,
                lease_ms,
            } => self.dag_renew(*dag, key, *epoch, now_ms.saturating_add(*lease_ms)),
            Command::DagCancel { dag, reader } => self.dag_cancel(*dag, reader),
            Command::MatrixPut { name, meta } => self.matrix_put(name, meta),
            Command::MatrixRemove { name, label } => self.matrix_remove(name, label),
            Command::Wake { task, seq } => self.wake(*task, *seq),
            Command::CancelJob { job } => self.cancel(*job),
            Command::PutService { name, url } => self.put_service(name, url),
            Command::ApplyPolicy { text } => self.apply_policy(text),
            Command::AddUser {
                name,
                label,
                token_hash,
            } => self.add_user(name, label.as_deref(), *token_hash),
            Command::RotateToken { name, token_hash } => self.rotate_token(name, *token_hash),
            Command::RemoveUser { name } => self.remove_user(name),
            Command::PutLabelledService {
                name,
                url,
                label,
                reply_label,
            } => self.put_labelled_service(name, url, label, reply_label),
            Command::KvCas {
                key,
                label,
                expect,
                value,
            } => self.kv_cas(key, label, expect.as_deref(), value),
        }
    }

    /// Checks of a command's content that need no state: sizes of everything it carries and
    /// numbers that must not overflow.
    fn validate(&self, command: &Command) -> Result<(), Reject> {
        match command {
            Command::SubmitJob {
                function, options, ..
            } => {
                text_ok("a function name", function)?;
                text_ok("a program key", &options.program)?;
                text_ok("a file name", &options.file)?;
                text_ok("a job context", &options.context)
            }
            Command::DagCreate { program, .. } => text_ok("a program key", program),
            Command::DagFail { error, .. } => text_ok("a node's error", error),
            Command::MatrixPut { name, .. } | Command::MatrixRemove { name, .. } => {
                crate::matrices::name_ok(name)
            }
            Command::PutService { name, url } => {
                if name.is_empty() {
                    return Err(Reject::Invalid("a service needs a name".into()));
                }
                text_ok("a service name", name)?;
                if url.len() > URL_BYTES_MAX {
                    return Err(Reject::Limit(format!(
                        "a service URL is at most {URL_BYTES_MAX} bytes"
                    )));
                }
                Ok(())
            }
            Command::Call(call) => {
                // The task's next seq is `call.seq + 1`; the last seq cannot be used.
                if call.seq.0 == u64::MAX {
                    return Err(Reject::Invalid("sequence numbers are exhausted".into()));
                }
                checkpoint_ok(&call.checkpoint, self.limits.inline_checkpoint_bytes_max)?;
                if call.checkpoint == Checkpoint::AsRecorded
                    && !matches!(call.call, Call::Wait { .. })
                {
                    return Err(Reject::Invalid(
                        "only a wait may keep the recorded state".into(),
                    ));
                }
                if !call.children.is_empty()
                    && matches!(
                        call.checkpoint,
                        Checkpoint::AsRecorded | Checkpoint::Unchanged
                    )
                {
                    return Err(Reject::Invalid(
                        "children run in place are recorded with a state that refers to them"
                            .into(),
                    ));
                }
                in_place::children_ok(&call.children)?;
                match &call.call {
                    Call::Spawn { function, .. }
                    | Call::SpawnMany { function, .. }
                    | Call::SpawnInline { function, .. } => text_ok("a function name", function),
                    Call::ExternalIntent { service, payload } => {
                        text_ok("a service name", service)?;
                        if payload.len() > self.limits.item_bytes_max {
                            return Err(Reject::Limit(format!(
                                "an external call's payload is at most {} bytes",
                                self.limits.item_bytes_max
                            )));
                        }
                        Ok(())
                    }
                    Call::ExternalResult { outcome }
                        if outcome_bytes(outcome) > OUTCOME_BYTES_MAX =>
                    {
                        Err(Reject::Limit(format!(
                            "an external call's result is at most {OUTCOME_BYTES_MAX} bytes"
                        )))
                    }
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// Whether `call` would block if applied now. The leader holds such a call for a while before
    /// proposing it (see `service`), so short waits never cost the task its worker. A hint only:
    /// `apply` decides.
    pub fn would_block(&self, command: &Command) -> bool {
        let call = match command {
            // An acquire with nothing to lease is a long poll: held until something is ready.
            Command::Acquire { .. } => return self.state.ready.is_empty(),
            Command::DagAcquire { .. } => return !self.dag_nodes_ready(),
            Command::Call(call) => call,
            _ => return false,
        };
        match &call.call {
            // A wait on a future the caller may not see is refused at once, never held.
            Call::Wait { future } => self.state.tasks.get(future).is_some_and(|t| {
                t.outcome.is_none()
                    && self
                        .state
                        .tasks
                        .get(&call.task)
                        .is_some_and(|me| self.policy.flows(&t.label, &me.label))
            }),
            Call::Dequeue { queue } => self
                .state
                .queues
                .get(queue)
                .is_some_and(|q| self.same_label(call.task, &q.label) && q.items.is_empty()),
            Call::Enqueue { queue, .. } => self.state.queues.get(queue).is_some_and(|q| {
                self.same_label(call.task, &q.label)
                    && q.capacity > 0
                    && q.items.len() >= q.capacity as usize
            }),
            Call::EnqueueMany { queue, items } => self.state.queues.get(queue).is_some_and(|q| {
                let capacity = q.capacity as usize;
                // A call of more items than the capacity progresses whenever there is room.
                let full = if items.len() > capacity {
                    q.items.len() >= capacity
                } else {
                    q.items.len() + items.len() > capacity
                };
                self.same_label(call.task, &q.label) && q.capacity > 0 && full
            }),
            _ => false,
        }
    }

    /// The outcome a `Wait` call would get, when its future has resolved: such a wait changes
    /// nothing (an outcome never changes once set), so it needs no log entry and takes no seq —
    /// a task resumed before it waits again and gets the same value.
    pub fn resolved_wait(&self, command: &Command) -> Option<Outcome> {
        let Command::Call(TaskCall {
            task,
            epoch,
            seq,
            call: Call::Wait { future },
            children,
            ..
        }) = command
        else {
            return None;
        };
        if !children.is_empty() {
            // They are recorded only with a log entry.
            return None;
        }
        let caller = self.state.tasks.get(task)?;
        let leased = caller.status == Status::Running
            && caller.lease.as_ref().is_some_and(|l| l.epoch == *epoch)
            && *seq == caller.next_seq;
        let target = self.state.tasks.get(future)?;
        if !leased || !self.policy.flows(&target.label, &caller.label) {
            return None;
        }
        target.outcome.clone()
    }

    /// Whether a held call is a wait on a task that runs now: it resolves without the caller's
    /// worker slot, so giving that slot back (a checkpoint, a block, a new lease and a restore)
    /// would buy nothing. A wait on a task that is ready, blocked or waiting itself does not
    /// count, so a chain of waits still frees its slots once its end needs one.
    pub fn awaits_running_task(&self, command: &Command) -> bool {
        let Command::Call(TaskCall {
            call: Call::Wait { future },
            ..
        }) = command
        else {
            return false;
        };
        self.state
            .tasks
            .get(future)
            .is_some_and(|t| t.status == Status::Running)
    }

    /// Whether applying `command` may make tasks ready (so a held acquire should follow it).
    pub fn may_ready_tasks(command: &Command) -> bool {
        match command {
            Command::SubmitJob { .. }
            | Command::Expire { .. }
            | Command::Wake { .. }
            | Command::DagCreate { .. }
            | Command::DagComplete { .. }
            | Command::DagCompleteChain(_)
            | Command::DagExpire { .. } => true,
            Command::Call(call) => matches!(
                call.call,
                Call::Spawn { .. }
                    | Call::SpawnMany { .. }
                    | Call::SpawnInline { .. }
                    | Call::Exit { .. }
                    | Call::Enqueue { .. }
                    | Call::EnqueueMany { .. }
                    | Call::Dequeue { .. }
            ),
            _ => false,
        }
    }

    // The creator's label is apart from the task's (a parent spawning a higher child): one more
    // argument than clippy likes, kept flat because every caller names each.
    #[allow(clippy::too_many_arguments)]
    fn new_task(
        &mut self,
        job: JobId,
        creator: &Label,
        label: Label,
        function: &str,
        args: &[u8],
        deps: Vec<TaskId>,
        on_coordinator: bool,
    ) -> Result<TaskId, Reject> {
        if self.state.tasks.len() >= self.limits.tasks_max {
            return Err(Reject::Limit(format!(
                "the cluster holds {} tasks",
                self.limits.tasks_max
            )));
        }
        if args.len() > self.limits.args_bytes_max {
            return Err(Reject::Limit(format!(
                "arguments exceed {} bytes",
                self.limits.args_bytes_max
            )));
        }
        if deps.iter().any(|dep| !self.state.tasks.contains_key(dep)) {
            return Err(Reject::NotFound);
        }
        let id = TaskId(self.next_id(IdKind::Task, creator)?);
        self.insert_task(
            id,
            job,
            creator,
            label,
            function,
            args,
            deps,
            on_coordinator,
        );
        Ok(id)
    }

    /// A new task under `id` (fresh: from a counter or a reserved block), its dependencies
    /// checked to exist.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_task(
        &mut self,
        id: TaskId,
        job: JobId,
        creator: &Label,
        label: Label,
        function: &str,
        args: &[u8],
        deps: Vec<TaskId>,
        on_coordinator: bool,
    ) {
        assert!(
            !self.state.tasks.contains_key(&id),
            "a task id is used once"
        );
        let mut deps_left = 0;
        for dep in &deps {
            let Some(parent) = self.state.tasks.get_mut(dep) else {
                unreachable!("checked above");
            };
            if parent.outcome.is_none() {
                parent.waiters.push(id);
                deps_left += 1;
            }
        }
        let status = if deps_left == 0 {
            Status::Ready
        } else {
            Status::Blocked
        };
        let task = Task {
            job,
            label,
            status,
            epoch: Epoch(0),
            lease: None,
            checkpoint: Checkpoint::Initial,
            function: function.to_owned(),
            args: args.to_vec(),
            deps,
            deps_left,
            next_seq: Seq(0),
            last_reply: None,
            outcome: None,
            waiters: Vec::new(),
            resumes: 0,
            external: None,
            on_coordinator,
            answered: false,
            sleep: None,
            creator: creator.clone(),
            ids: None,
        };
        if let Some(job) = self.state.jobs.get_mut(&job) {
            job.tasks += 1;
            job.live += 1;
        }
        if status == Status::Ready {
            self.state.ready.insert(id);
        }
        self.state.tasks.insert(id, task);
    }

    fn submit(
        &mut self,
        request: u64,
        label: &Label,
        function: &str,
        args: &[u8],
        options: &JobOptions,
    ) -> Reply {
        if let Some(&(job, root)) = self.state.submissions.get(&request) {
            return Reply::Submitted { job, root };
        }
        if self.policy.check_label(label).is_err() {
            return Reply::Rejected(Reject::Invalid(
                "the job's label is not valid in this cluster's policy".into(),
            ));
        }
        self.prune();
        // At the bound, ended jobs' records make room first (oldest first); only jobs still
        // running can make the cluster refuse a submission.
        while self.state.jobs.len() >= self.limits.jobs_max && self.forget_oldest_ended() {}
        if self.state.jobs.len() >= self.limits.jobs_max {
            return Reply::Rejected(Reject::Limit(format!(
                "the cluster holds {} jobs that have not ended; wait for some to finish",
                self.limits.jobs_max
            )));
        }
        let job = match self.next_id(IdKind::Job, label) {
            Ok(id) => JobId(id),
            Err(reject) => return Reply::Rejected(reject),
        };
        match self.new_task(job, label, label.clone(), function, args, Vec::new(), false) {
            Ok(root) => {
                let order = self.state.next_job;
                self.state.next_job += 1;
                self.state.submissions.insert(request, (job, root));
                self.state.jobs.insert(
                    job,
                    Job {
                        root,
                        label: label.clone(),
                        status: Status::Ready,
                        options: options.clone(),
                        log: String::new(),
                        log_dropped: 0,
                        resumes: 0,
                        tasks: 1,
                        cancelled: false,
                        live: 1,
                        done: 0,
                        failed: 0,
                        outcome: None,
                        pruned: false,
                        order,
                    },
                );
                Reply::Submitted { job, root }
            }
            Err(reject) => Reply::Rejected(reject),
        }
    }

    fn acquire(&mut self, node: NodeId, max: u32, deadline_ms: u64) -> Reply {
        let count = max.min(self.limits.leases_per_acquire_max) as usize;
        let chosen: Vec<TaskId> = self.state.ready.iter().take(count).copied().collect();
        let mut grants = Vec::with_capacity(chosen.len());
        for id in chosen {
            self.state.ready.remove(&id);
            let dep_values: Vec<Outcome> = {
                let task = &self.state.tasks[&id];
                task.deps
                    .iter()
                    .map(|d| {
                        self.state
                            .tasks
                            .get(d)
                            .and_then(|t| t.outcome.clone())
                            .unwrap_or_else(|| Err("dependency vanished".into()))
                    })
                    .collect()
            };
            let (options, root) = {
                let job_id = self.state.tasks[&id].job;
                match self.state.jobs.get_mut(&job_id) {
                    Some(job) => {
                        if job.status == Status::Ready {
                            job.status = Status::Running;
                        }
                        (job.options.clone(), job.root == id)
                    }
                    None => (JobOptions::default(), false),
                }
            };
            let task = self.state.tasks.get_mut(&id).expect("ready tasks exist");
            assert_eq!(
                task.status,
                Status::Ready,
                "only ready tasks are in the ready set"
            );
            // A task with a timeout holds its lease for the timeout plus the grace
            // (`deadline_ms` is now + grace); one without a deadline renews it.
            let deadline_ms = if task.on_coordinator {
                deadline_ms.saturating_add(RENEWED_LEASE_MS)
            } else {
                deadline_ms.saturating_add(options.timeout_ms)
            };
            // 2^64 leases of one task cannot happen; saturating keeps `apply` panic-free.
            task.epoch = Epoch(task.epoch.0.saturating_add(1));
            task.lease = Some(Lease {
                epoch: task.epoch,
                holder: node,
                deadline_ms,
            });
            task.status = Status::Running;
            let resume = if task.answered {
                task.last_reply
                    .as_ref()
                    .and_then(|(_, reply)| Answered::from_reply(reply))
            } else {
                None
            };
            grants.push(Grant {
                task: id,
                epoch: task.epoch,
                checkpoint: task.checkpoint.clone(),
                function: task.function.clone(),
                args: task.args.clone(),
                dep_values,
                next_seq: task.next_seq,
                label: task.label.clone(),
                job: task.job,
                options,
                on_coordinator: task.on_coordinator,
                resume,
                root,
            });
        }
        Reply::Leases(grants)
    }

    fn leased(&mut self, task: TaskId, epoch: Epoch) -> Result<&mut Task, Reject> {
        let entry = self.state.tasks.get_mut(&task).ok_or(Reject::UnknownTask)?;
        match &entry.lease {
            Some(lease) if lease.epoch == epoch && entry.status == Status::Running => Ok(entry),
            _ => Err(Reject::StaleEpoch),
        }
    }

    fn renew(&mut self, task: TaskId, epoch: Epoch, deadline_ms: u64) -> Reply {
        match self.leased(task, epoch) {
            Ok(entry) => {
                if let Some(lease) = &mut entry.lease {
                    lease.deadline_ms = lease.deadline_ms.max(deadline_ms);
                }
                Reply::Ok
            }
            Err(reject) => Reply::Rejected(reject),
        }
    }

    fn expire(&mut self, task: TaskId, epoch: Epoch) -> Reply {
        match self.leased(task, epoch) {
            Ok(entry) => {
                entry.lease = None;
                entry.status = Status::Ready;
                entry.resumes += 1;
                let job = entry.job;
                let label = entry.label.clone();
                self.state.ready.insert(task);
                if self.shows_in_job(&label, job)
                    && let Some(job) = self.state.jobs.get_mut(&job)
                {
                    job.resumes += 1;
                }
                Reply::Ok
            }
            Err(reject) => Reply::Rejected(reject),
        }
    }

    fn call(&mut self, call: &TaskCall) -> Reply {
        // (The checkpoint and the seq were checked by `validate`.)
        // At most once per (task, seq): a retry of the last call gets its recorded reply, even
        // after the call ended the lease (an exit whose answer was lost).
        if let Some(task) = self.state.tasks.get(&call.task)
            && task.next_seq.0.checked_sub(1) == Some(call.seq.0)
            && let Some((epoch, reply)) = &task.last_reply
            && *epoch == call.epoch
        {
            return reply.clone();
        }
        let task = match self.leased(call.task, call.epoch) {
            Ok(task) => task,
            Err(reject) => return Reply::Rejected(reject),
        };
        if call.seq < task.next_seq {
            return Reply::Rejected(Reject::SeqTooOld);
        }
        if call.seq > task.next_seq {
            return Reply::Rejected(Reject::SeqGap {
                expected: task.next_seq,
            });
        }
        if task.outcome.is_some() {
            // A leased task has no outcome; a command claiming otherwise changes nothing.
            return Reply::Rejected(Reject::Invalid("the task has already ended".into()));
        }
        let keeps_state = call.checkpoint == Checkpoint::AsRecorded;
        if keeps_state && !task.answered {
            // Nothing answered to keep: the recorded state is suspended at a call still open.
            return Reply::Rejected(Reject::Invalid(
                "no answered call whose state this call could keep".into(),
            ));
        }
        let job = task.job;
        let task_label = task.label.clone();
        // A task's output reaches its job's log only if its label flows to the job's.
        let logged = self.shows_in_job(&task_label, job);
        let ids_before = match self.record_in_place(call.task, &call.children) {
            Ok(before) => before,
            Err(reject) => return Reply::Rejected(reject),
        };
        let reply = self.effect(call);
        if matches!(reply, Reply::Rejected(_)) {
            self.unrecord_in_place(call.task, &call.children, ids_before);
        }
        if let Call::EnqueueMany { queue, .. } = &call.call
            && reply != Reply::WouldBlock
            && let Some(queue) = self.state.queues.get_mut(queue)
        {
            // The call is over (done or refused): its placement count must not carry over to
            // the next call at this seq.
            queue.placing.remove(&call.task);
        }
        let Some(task) = self.state.tasks.get_mut(&call.task) else {
            // The call ended the job's last task and the job's tasks were dropped: only the
            // log remains to be written (no retry can find the task, and none needs to).
            if logged && let Some(job) = self.state.jobs.get_mut(&job) {
                append_log(job, &call.output);
            }
            return reply;
        };
        match &reply {
            Reply::WouldBlock => {
                // The call has not completed (a rendezvous item or the first pieces of a large
                // enqueue may be placed); it will be re-issued with the same seq — by a task
                // that keeps its recorded state, from the previous step's answer.
                if !keeps_state {
                    task.checkpoint = call.checkpoint.clone();
                    task.answered = false;
                }
                task.lease = None;
                if task.status == Status::Running {
                    task.status = Status::Blocked;
                }
            }
            Reply::Rejected(_) => return reply,
            _ => {
                if !keeps_state {
                    task.checkpoint = call.checkpoint.clone();
                }
                task.answered = true;
                task.next_seq = Seq(call.seq.0.saturating_add(1));
                task.last_reply = Some((call.epoch, reply.clone()));
            }
        }
        if logged
            && !call.output.is_empty()
            && let Some(job) = self.state.jobs.get_mut(&job)
        {
            append_log(job, &call.output);
        }
        reply
    }

    /// The call's effect on everything but the calling task's bookkeeping.
    fn effect(&mut self, call: &TaskCall) -> Reply {
        let me = call.task;
        let (my_label, my_job) = {
            let task = &self.state.tasks[&me];
            (task.label.clone(), task.job)
        };
        match &call.call {
            Call::Spawn {
                function,
                args,
                deps,
                label,
                on_coordinator,
            } => {
                let label = label.clone().unwrap_or_else(|| my_label.clone());
                if !self.policy.flows(&my_label, &label) {
                    return Reply::Rejected(Reject::FlowDown);
                }
                if deps.len() > self.limits.deps_max {
                    return Reply::Rejected(Reject::Limit(format!(
                        "at most {} dependencies",
                        self.limits.deps_max
                    )));
                }
                for dep in deps {
                    match self.state.tasks.get(dep) {
                        Some(d)
                            if self.policy.flows(&d.label, &label)
                                && self.policy.flows(&d.label, &my_label) => {}
                        _ => return Reply::Rejected(Reject::NotFound),
                    }
                }
                match self.new_task(
                    my_job,
                    &my_label,
                    label,
                    function,
                    args,
                    deps.clone(),
                    *on_coordinator,
                ) {
                    Ok(child) => Reply::Spawned(child),
                    Err(reject) => Reply::Rejected(reject),
                }
            }
            Call::Wait { future } => {
                let Some(target) = self.state.tasks.get_mut(future) else {
                    return Reply::Rejected(Reject::NotFound);
                };
                // A future the waiter may not see does not exist for it, unless the waiter may
                // know it exists (its own higher child): then it may not wait on it.
                if !self.policy.flows(&target.label, &my_label) {
                    let creator = target.creator.clone();
                    return Reply::Rejected(self.hidden_future(&creator, &my_label));
                }
                match &target.outcome {
                    Some(outcome) => Reply::Value(outcome.clone()),
                    None => {
                        if !target.waiters.contains(&me) {
                            target.waiters.push(me);
                        }
                        Reply::WouldBlock
                    }
                }
            }
            Call::SpawnMany {
                function,
                children,
                on_coordinator,
            } => self.spawn_children(me, function, &[], children, *on_coordinator),
            Call::SpawnInline {
                function,
                done,
                rest,
                on_coordinator,
            } => match self.spawn_children(me, function, done, rest, *on_coordinator) {
                Reply::SpawnedMany(made) => match self.reserve_ids(me, done.len()) {
                    Some(ids) => Reply::SpawnedInPlace { made, ids },
                    None => Reply::SpawnedMany(made),
                },
                other => other,
            },
            Call::CreateQueues { capacity, copies } => {
                match self.new_queues(my_job, &my_label, &my_label, *capacity, *copies) {
                    Ok(made) => Reply::Queues(made),
                    Err(reject) => Reply::Rejected(reject),
                }
            }
            Call::EnqueueMany { queue, items } => {
                self.enqueue_many(me, call.seq, &my_label, *queue, items)
            }
            Call::CreateQueue { capacity, label } => {
                let label = label.clone().unwrap_or_else(|| my_label.clone());
                if !self.policy.flows(&my_label, &label) {
                    return Reply::Rejected(Reject::FlowDown);
                }
                match self.new_queues(my_job, &my_label, &label, *capacity, 1) {
                    Ok(made) => Reply::Queue(made[0]),
                    Err(reject) => Reply::Rejected(reject),
                }
            }
            Call::Enqueue { queue, item } => self.enqueue(me, call.seq, &my_label, *queue, item),
            Call::Dequeue { queue } => self.dequeue(me, &my_label, *queue),
            Call::Checkpoint => Reply::Ok,
            Call::Exit { outcome } => {
                if outcome_bytes(outcome) > OUTCOME_BYTES_MAX {
                    return Reply::Rejected(Reject::Limit(format!(
                        "a task's outcome is at most {OUTCOME_BYTES_MAX} bytes"
                    )));
                }
                self.finish(me, outcome.clone());
                Reply::Ok
            }
            Call::ExternalIntent { service, payload } => {
                if let Err(reject) = self.may_call_service(&my_label, service) {
                    return Reply::Rejected(reject);
                }
                let task = self.state.tasks.get_mut(&me).expect("caller exists");
                task.external = Some((call.seq, service.clone(), payload.clone()));
                Reply::ExternalKey {
                    task: me,
                    seq: call.seq,
                }
            }
            Call::ExternalResult { outcome } => {
                let task = self.state.tasks.get_mut(&me).expect("caller exists");
                if task.external.take().is_none() {
                    return Reply::Rejected(Reject::Invalid(
                        "no external call is in flight".into(),
                    ));
                }
                Reply::Value(outcome.clone())
            }
            Call::Kv { space, call } => self.kv_call(&my_label, space, call),
            Call::Sleep { until_ms } => {
                let task = self.state.tasks.get_mut(&me).expect("caller exists");
                match task.sleep {
                    Some((seq, _, true)) if seq == call.seq => {
                        task.sleep = None;
                        Reply::Ok
                    }
                    _ => {
                        task.sleep = Some((call.seq, *until_ms, false));
                        Reply::WouldBlock
                    }
                }
            }
        }
    }

    fn wake(&mut self, id: TaskId, seq: Seq) -> Reply {
        let Some(task) = self.state.tasks.get_mut(&id) else {
            return Reply::Rejected(Reject::UnknownTask);
        };
        match &mut task.sleep {
            Some((s, _, woken)) if *s == seq => *woken = true,
            _ => return Reply::Rejected(Reject::Invalid("the task is not asleep".into())),
        }
        self.make_ready(id);
        Reply::Ok
    }

    /// Tasks whose sleep has ended by `now_ms` and that have not been woken (for the leader).
    pub fn sleepers_due(&self, now_ms: u64) -> impl Iterator<Item = (TaskId, Seq)> + '_ {
        self.state
            .tasks
            .iter()
            .filter_map(move |(id, t)| match t.sleep {
                Some((seq, until, false)) if until <= now_ms && t.status == Status::Blocked => {
                    Some((*id, seq))
                }
                _ => None,
            })
    }

    fn cancel(&mut self, id: JobId) -> Reply {
        let Some(job) = self.state.jobs.get_mut(&id) else {
            return Reply::Rejected(Reject::NotFound);
        };
        if matches!(job.status, Status::Done | Status::Failed) {
            return Reply::Ok;
        }
        job.cancelled = true;
        let live: Vec<TaskId> = self
            .state
            .tasks
            .iter()
            .filter(|(_, t)| t.job == id && t.outcome.is_none())
            .map(|(tid, _)| *tid)
            .collect();
        for task in live {
            self.state.ready.remove(&task);
            self.finish(task, Err("cancelled".into()));
        }
        Reply::Ok
    }

    pub(crate) fn put_service(&mut self, name: &str, url: &str) -> Reply {
        if !self.state.services.contains_key(name) && self.state.services.len() >= SERVICES_MAX {
            return Reply::Rejected(Reject::Limit(format!("at most {SERVICES_MAX} services")));
        }
        self.state.services.insert(name.to_owned(), url.to_owned());
        Reply::Ok
    }

    /// Whether `children` (`more` tasks besides) may be spawned at `label`: checked before the
    /// first exists, so a spawn of several makes all or none.
    fn children_ok(
        &self,
        label: &Label,
        children: &[(Vec<u8>, Vec<TaskId>)],
        more: usize,
    ) -> Result<(), Reject> {
        if self.state.tasks.len() + children.len() + more > self.limits.tasks_max {
            return Err(Reject::Limit(format!(
                "the cluster holds at most {} tasks",
                self.limits.tasks_max
            )));
        }
        for (args, deps) in children {
            if args.len() > self.limits.args_bytes_max {
                return Err(Reject::Limit(format!(
                    "arguments exceed {} bytes",
                    self.limits.args_bytes_max
                )));
            }
            if deps.len() > self.limits.deps_max {
                return Err(Reject::Limit(format!(
                    "at most {} dependencies",
                    self.limits.deps_max
                )));
            }
            for dep in deps {
                match self.state.tasks.get(dep) {
                    Some(d) if self.policy.flows(&d.label, label) => {}
                    _ => return Err(Reject::NotFound),
                }
            }
        }
        Ok(())
    }

    /// [`Call::SpawnMany`] (nothing `done`) and [`Call::SpawnInline`]: the children that already
    /// ended, then the rest, all or none.
    fn spawn_children(
        &mut self,
        me: TaskId,
        function: &str,
        done: &[Outcome],
        rest: &[(Vec<u8>, Vec<TaskId>)],
        on_coordinator: bool,
    ) -> Reply {
        let (label, job) = {
            let task = &self.state.tasks[&me];
            (task.label.clone(), task.job)
        };
        let outcomes: usize = done.iter().map(outcome_bytes).sum();
        if outcomes > OUTCOME_BYTES_MAX {
            return Reply::Rejected(Reject::Limit(format!(
                "children run in place carry at most {OUTCOME_BYTES_MAX} bytes of outcomes"
            )));
        }
        if let Err(reject) = self.children_ok(&label, rest, done.len()) {
            return Reply::Rejected(reject);
        }
        let mut made = Vec::with_capacity(done.len() + rest.len());
        let ended = done.iter().map(|outcome| (&[][..], &[][..], Some(outcome)));
        let sent = rest
            .iter()
            .map(|(args, deps)| (args.as_slice(), deps.as_slice(), None));
        for (args, deps, outcome) in ended.chain(sent) {
            match self.new_task(
                job,
                &label,
                label.clone(),
                function,
                args,
                deps.to_vec(),
                on_coordinator,
            ) {
                Ok(id) => {
                    if let Some(outcome) = outcome {
                        // It ran already: never ready, never leased, ended as it ended there.
                        self.state.ready.remove(&id);
                        self.finish(id, outcome.clone());
                    }
                    made.push(id);
                }
                // Checked by `children_ok` before any task was made, so this cannot happen; were
                // it to, the children made so far stay (each a valid task) and the call is
                // refused.
                Err(reject) => return Reply::Rejected(reject),
            }
        }
        Reply::SpawnedMany(made)
    }

    fn enqueue_many(
        &mut self,
        me: TaskId,
        seq: Seq,
        my_label: &Label,
        id: QueueId,
        items: &[Vec<u8>],
    ) -> Reply {
        if items.len() == 1 {
            return self.enqueue(me, seq, my_label, id, &items[0]);
        }
        let room = self.queued_room();
        let largest = items.iter().map(Vec::len).max().unwrap_or(0);
        let queue = match self.writable_queue(my_label, id, largest) {
            Ok(queue) => queue,
            Err(reject) => return Reply::Rejected(reject),
        };
        if queue.label != *my_label && !leaky(4) {
            let (reply, woken) = send_up(queue, me, seq, items);
            for consumer in woken {
                self.make_ready(consumer);
            }
            return reply;
        }
        if queue.capacity == 0 {
            return Reply::Rejected(Reject::Invalid(format!(
                "{} items cannot be handed over at once through a rendezvous queue (capacity \
                 0); enqueue them one at a time",
                items.len()
            )));
        }
        if items.len() > queue.capacity as usize {
            return self.enqueue_in_pieces(me, seq, id, items, room);
        }
        if queue.items.len() + items.len() > queue.capacity as usize {
            queue.waiting_producers.insert(me);
            return Reply::WouldBlock;
        }
        if items.len() as u64 > room {
            return Reply::Rejected(queued_limit(self.limits.queued_items_max));
        }
        queue.waiting_producers.remove(&me);
        self.place(id, me, seq, items);
        Reply::Ok
    }

    /// Appends `items` of the call (`me`, `seq`) to queue `id` (room checked by the caller) and
    /// wakes a waiting consumer per item.
    fn place(&mut self, id: QueueId, me: TaskId, seq: Seq, items: &[Vec<u8>]) {
        let Some(queue) = self.state.queues.get_mut(&id) else {
            return;
        };
        for item in items {
            queue.items.push_back(Item {
                bytes: item.clone(),
                from: (me, seq),
            });
        }
        let woken: Vec<TaskId> = (0..items.len())
            .filter_map(|_| queue.waiting_consumers.pop_first())
            .collect();
        self.state.queued_items += items.len() as u64;
        for consumer in woken {
            self.make_ready(consumer);
        }
    }

    /// An enqueue of more items than `id`'s capacity (checked writable by the caller): places
    /// the next items that fit, in order, and completes once the last is in
    /// ([`Queue::placing`]).
    fn enqueue_in_pieces(
        &mut self,
        me: TaskId,
        seq: Seq,
        id: QueueId,
        items: &[Vec<u8>],
        room: u64,
    ) -> Reply {
        let limit = self.limits.queued_items_max;
        let Some(queue) = self.state.queues.get_mut(&id) else {
            return Reply::Rejected(Reject::NotFound);
        };
        let total = u32::try_from(items.len()).unwrap_or(u32::MAX);
        // An entry of another call (another seq or size) is stale; `call` removes a call's
        // entry once it is over (any reply but WouldBlock).
        let placed = match queue.placing.get(&me) {
            Some((s, n, t)) if *s == seq && *t == total && *n < total => *n as usize,
            _ => 0,
        };
        let free = (queue.capacity as usize).saturating_sub(queue.items.len());
        let mut take = free.min(items.len() - placed);
        if take as u64 > room {
            // The cluster-wide bound on queued items: refused while nothing of the call is
            // placed (as a small enqueue is); once some is, the rest waits like a full queue's
            // (refusing then would leave the placed items to be placed again by a re-issue).
            if placed == 0 {
                return Reply::Rejected(queued_limit(limit));
            }
            take = room as usize;
        }
        let done = placed + take == items.len();
        if done {
            queue.waiting_producers.remove(&me);
        } else {
            queue
                .placing
                .insert(me, (seq, (placed + take) as u32, total));
            queue.waiting_producers.insert(me);
        }
        self.place(id, me, seq, &items[placed..placed + take]);
        if done { Reply::Ok } else { Reply::WouldBlock }
    }

    /// `copies` empty queues of the job at `label`, all or none.
    fn new_queues(
        &mut self,
        job: JobId,
        creator: &Label,
        label: &Label,
        capacity: u32,
        copies: u32,
    ) -> Result<Vec<QueueId>, Reject> {
        if capacity > self.limits.queue_capacity_max
            || self.state.queues.len() + copies as usize > self.limits.queues_max
        {
            return Err(Reject::Limit(
                "queue capacity or count exceeds the cluster's limit".into(),
            ));
        }
        let mut made = Vec::with_capacity(copies as usize);
        for _ in 0..copies {
            let id = QueueId(self.next_id(IdKind::Queue, creator)?);
            self.state.queues.insert(
                id,
                Queue {
                    job,
                    label: label.clone(),
                    capacity,
                    items: VecDeque::new(),
                    waiting_consumers: BTreeSet::new(),
                    waiting_producers: BTreeSet::new(),
                    placing: BTreeMap::new(),
                    dropped_up: 0,
                    creator: creator.clone(),
                },
            );
            made.push(id);
        }
        Ok(made)
    }

    /// The queue a task at `my_label` may put items of up to `largest` bytes into.
    fn writable_queue(
        &mut self,
        my_label: &Label,
        id: QueueId,
        largest: usize,
    ) -> Result<&mut Queue, Reject> {
        if largest > self.limits.item_bytes_max {
            return Err(Reject::Limit(format!(
                "queue items are at most {} bytes inline",
                self.limits.item_bytes_max
            )));
        }
        let hidden = match self.state.queues.get(&id) {
            None => return Err(Reject::NotFound),
            // A queue made at a label the sender does not see does not exist for it, even
            // above it: its id could only have been guessed.
            Some(queue) if !self.policy.flows(&queue.creator, my_label) => Some(Reject::NotFound),
            Some(queue) if !self.policy.flows(my_label, &queue.label) => {
                Some(self.unwritable_queue(&queue.label.clone(), my_label))
            }
            Some(_) => None,
        };
        if let Some(reject) = hidden {
            return Err(reject);
        }
        self.state.queues.get_mut(&id).ok_or(Reject::NotFound)
    }

    fn enqueue(
        &mut self,
        me: TaskId,
        seq: Seq,
        my_label: &Label,
        id: QueueId,
        item: &[u8],
    ) -> Reply {
        let room = self.queued_room();
        let limit = self.limits.queued_items_max;
        let queue = match self.writable_queue(my_label, id, item.len()) {
            Ok(queue) => queue,
            Err(reject) => return Reply::Rejected(reject),
        };
        if queue.label != *my_label && !leaky(4) {
            let (reply, woken) = send_up(queue, me, seq, std::slice::from_ref(&item.to_vec()));
            for consumer in woken {
                self.make_ready(consumer);
            }
            return reply;
        }
        let woken;
        if queue.capacity == 0 {
            // Rendezvous: the item waits in the queue tagged with this call; the call completes
            // when a consumer has taken it (the producer re-issues the call and finds it gone).
            let placed = queue.items.iter().any(|i| i.from == (me, seq));
            if placed {
                queue.waiting_producers.insert(me);
                return Reply::WouldBlock;
            }
            if queue.waiting_producers.remove(&me) {
                return Reply::Ok;
            }
            if room == 0 {
                return Reply::Rejected(queued_limit(limit));
            }
            queue.items.push_back(Item {
                bytes: item.to_vec(),
                from: (me, seq),
            });
            queue.waiting_producers.insert(me);
            woken = queue.waiting_consumers.pop_first();
            self.state.queued_items += 1;
            if let Some(consumer) = woken {
                self.make_ready(consumer);
            }
            return Reply::WouldBlock;
        }
        if queue.items.len() >= queue.capacity as usize {
            queue.waiting_producers.insert(me);
            return Reply::WouldBlock;
        }
        if room == 0 {
            return Reply::Rejected(queued_limit(limit));
        }
        queue.items.push_back(Item {
            bytes: item.to_vec(),
            from: (me, seq),
        });
        woken = queue.waiting_consumers.pop_first();
        self.state.queued_items += 1;
        if let Some(consumer) = woken {
            self.make_ready(consumer);
        }
        Reply::Ok
    }

    fn dequeue(&mut self, me: TaskId, my_label: &Label, id: QueueId) -> Reply {
        let policy = &self.policy;
        let Some(queue) = self.state.queues.get_mut(&id) else {
            return Reply::Rejected(Reject::NotFound);
        };
        if !policy.flows(&queue.label, my_label) {
            return Reply::Rejected(Reject::NotFound);
        }
        // Taking an item changes what the queue's other readers see: only at its own label.
        if queue.label != *my_label && !leaky(3) {
            return Reply::Rejected(Reject::FlowDown);
        }
        let Some(item) = queue.items.pop_front() else {
            queue.waiting_consumers.insert(me);
            return Reply::WouldBlock;
        };
        queue.waiting_consumers.remove(&me);
        let producer = if queue.capacity == 0 {
            // The rendezvous producer's call is now complete; it stays marked until it re-issues.
            Some(item.from.0).filter(|p| queue.waiting_producers.contains(p))
        } else {
            queue.waiting_producers.pop_first()
        };
        self.state.queued_items = self.state.queued_items.saturating_sub(1);
        if let Some(producer) = producer {
            self.make_ready(producer);
        }
        Reply::Item(item.bytes)
    }

    fn queued_room(&self) -> u64 {
        self.limits
            .queued_items_max
            .saturating_sub(self.state.queued_items)
    }

    fn make_ready(&mut self, id: TaskId) {
        if let Some(task) = self.state.tasks.get_mut(&id)
            && task.status == Status::Blocked
            && task.deps_left == 0
        {
            task.status = Status::Ready;
            self.state.ready.insert(id);
        }
    }

    pub(crate) fn finish(&mut self, id: TaskId, outcome: Outcome) {
        if let Some(task) = self.state.tasks.get(&id) {
            assert!(task.outcome.is_none(), "a task ends once");
        }
        self.give_back_ids(id);
        let failed = outcome.is_err();
        let (waiters, job) = {
            let task = self.state.tasks.get_mut(&id).expect("caller exists");
            task.status = if failed { Status::Failed } else { Status::Done };
            task.lease = None;
            task.outcome = Some(outcome);
            (std::mem::take(&mut task.waiters), task.job)
        };
        let counted = {
            let label = self.state.tasks[&id].label.clone();
            self.shows_in_job(&label, job)
        };
        if let Some(j) = self.state.jobs.get_mut(&job) {
            assert!(j.live > 0, "a job's live tasks are counted");
            j.live -= 1;
            if !counted {
            } else if failed {
                j.failed += 1;
            } else {
                j.done += 1;
            }
            if j.root == id {
                j.status = if failed { Status::Failed } else { Status::Done };
                j.outcome = self.state.tasks.get(&id).and_then(|t| t.outcome.clone());
            }
        }
        for waiter in waiters {
            if let Some(task) = self.state.tasks.get_mut(&waiter) {
                if task.deps.contains(&id) && task.deps_left > 0 {
                    task.deps_left -= 1;
                }
                if task.status == Status::Blocked && task.deps_left == 0 {
                    task.status = Status::Ready;
                    self.state.ready.insert(waiter);
                }
            }
        }
    }

    /// Drops the tasks and queues of jobs that have ended with no task left running (nothing can
    /// wait on them any more), and the oldest ended jobs beyond [`JOBS_KEPT`]. Runs when a job
    /// is submitted — not when the last task ends, so a retry of that task's exit still gets
    /// its recorded reply.
    fn prune(&mut self) {
        let ended: BTreeSet<JobId> = self
            .state
            .jobs
            .iter()
            .filter(|(_, j)| {
                !j.pruned && j.live == 0 && matches!(j.status, Status::Done | Status::Failed)
            })
            .map(|(id, _)| *id)
            .collect();
        if !ended.is_empty() {
            self.state.tasks.retain(|_, t| !ended.contains(&t.job));
            let mut dropped_items = 0;
            self.state.queues.retain(|_, q| {
                let keep = !ended.contains(&q.job);
                if !keep {
                    dropped_items += q.items.len() as u64;
                }
                keep
            });
            self.state.queued_items = self.state.queued_items.saturating_sub(dropped_items);
            for id in &ended {
                if let Some(j) = self.state.jobs.get_mut(id) {
                    j.pruned = true;
                }
            }
        }
        while self.state.jobs.len() > JOBS_KEPT && self.forget_oldest_ended() {}
    }

    /// Drops the record of the oldest pruned job; false when there is none.
    fn forget_oldest_ended(&mut self) -> bool {
        let Some(oldest) = self
            .state
            .jobs
            .iter()
            .find(|(_, j)| j.pruned)
            .map(|(id, _)| *id)
        else {
            return false;
        };
        self.state.jobs.remove(&oldest);
        self.state.submissions.retain(|_, (j, _)| *j != oldest);
        true
    }
}

pub(crate) fn outcome_bytes(outcome: &Outcome) -> usize {
    match outcome {
        Ok(bytes) => bytes.len(),
        Err(text) => text.len(),
    }
}

fn queued_limit(max: u64) -> Reject {
    Reject::Limit(format!(
        "the cluster's queues hold {max} items together; dequeue some first"
    ))
}

/// A send to a strictly higher queue: placed if there is room, else dropped and counted — never
/// blocked or refused because of what the queue's readers did. A rendezvous (capacity 0) would
/// make the sender wait for a higher reader, so it takes items from its own label only.
fn send_up(queue: &mut Queue, me: TaskId, seq: Seq, items: &[Vec<u8>]) -> (Reply, Vec<TaskId>) {
    if queue.capacity == 0 {
        let refusal = Reject::Invalid(
            "a rendezvous queue (max_size 0) takes items only from tasks at its own label".into(),
        );
        return (Reply::Rejected(refusal), Vec::new());
    }
    let mut woken = Vec::new();
    for item in items {
        if queue.items.len() >= queue.capacity as usize {
            queue.dropped_up += 1;
            continue;
        }
        queue.items.push_back(Item {
            bytes: item.clone(),
            from: (me, seq),
        });
        woken.extend(queue.waiting_consumers.pop_first());
    }
    (Reply::Ok, woken)
}

/// Appends task output to a job's log, dropping the oldest bytes beyond the bound (at a char
/// boundary).
fn append_log(job: &mut Job, output: &str) {
    job.log.push_str(output);
    if job.log.len() > JOB_LOG_BYTES_MAX {
        let mut cut = job.log.len() - JOB_LOG_BYTES_MAX;
        while !job.log.is_char_boundary(cut) {
            cut += 1;
        }
        job.log.drain(..cut);
        job.log_dropped += cut as u64;
    }
}
