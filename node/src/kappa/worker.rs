//! One worker slice: a leased task's VM run from its latest checkpoint until it ends, blocks, is
//! fenced, or its hard deadline stops it. Runs on a blocking thread (the VM is synchronous); the
//! coordinator and the object store are reached by blocking on the node's runtime.
//!
//! Every coordinator call carries `(task, epoch, seq)`, the checkpoint taken just before it
//! (inline up to `inline_max`, else an object written — replicated, fsynced — before the call),
//! and the output printed since the last call. A task resumed from a checkpoint that is
//! suspended at a call the coordinator already answered takes the recorded answer from its
//! grant instead of calling again; one host call may need several coordinator calls (a blocking
//! spawn is spawn then wait; `rt.external` is intent, the HTTP request, result), each step
//! decided by [`Slice::step`] from the host call and the last answer, so a resume at any step
//! continues, never repeats. Between calls the worker checkpoints on its own when the time since
//! the last one exceeds both the job's minimum and 20× what a checkpoint costs (under 5%).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sl_coordinator::ids::{QueueId, Seq, TaskId};
use sl_coordinator::in_place::{IdBlock, RanInPlace};
use sl_coordinator::kv::{KvAnswer, KvCall, Space};
use sl_coordinator::machine::{
    Answered, Call, Checkpoint, Command, Grant, Outcome as TaskOutcome, Reject, Reply, Status,
    TaskCall,
};
use sl_coordinator::query::{Answer, Query};
use sl_lang::{Data, HostCall, HostError, Outcome, Vm};
use sl_objstore::store::Store;
use tracing::{debug, warn};

use super::codec;
use super::external;
use super::failure;
use super::in_place::{self, Ran};
use super::link::Link;
use super::programs::{self, Programs, unix_ms};
use super::rt::{self, FUTURE, QUEUE, RtCall};

/// Instructions between looks at the clock (checkpoint due, output to flush).
const SLICE_STEPS: u64 = 1 << 16;
/// Output held before it is flushed to the log with a checkpoint.
const OUTPUT_FLUSH_BYTES: usize = 16 << 10;
/// Sleeps up to this long happen in the worker; longer ones give the slot back.
const SLEEP_IN_WORKER: Duration = Duration::from_millis(500);
/// Attempts of one coordinator call whose answer was lost (same seq: at most once).
const CALL_ATTEMPTS_MAX: u32 = 20;
/// Attempts of an external call whose outcome is unknown, with the same idempotency key.
const EXTERNAL_ATTEMPTS_MAX: u32 = 3;
/// Checkpoints are at least this far apart unless the job asks otherwise.
const CHECKPOINT_GAP_MIN: Duration = Duration::from_millis(10);
/// Pause before a slice that failed outside the task gives its lease back.
const GIVE_BACK_PAUSE: Duration = Duration::from_millis(500);
/// How often `rt.lambdapack` looks at its run.
const LAMBDAPACK_POLL: Duration = Duration::from_millis(200);
/// How long past the deadline a worker waits for a call it sent before (less than the lease's
/// grace, `provisioner::LEASE_GRACE_MS`).
const CALL_GRACE: Duration = Duration::from_millis(1000);
/// How long before the deadline the last checkpoint of a slice is taken, beyond twice its cost.
const DEADLINE_MARGIN: Duration = Duration::from_millis(30);
/// Store keys task code may use.
pub const STORE_KEY_BYTES_MAX: usize = 1024;
/// Longest error text a task's outcome keeps.
const OUTCOME_TEXT_MAX: usize = 16 << 10;
/// A child runs in place ([`in_place`]) when it ends within this long, restoring the module
/// image included: less than a child sent to another worker costs its parent (≥ 4 ms here).
/// One that overruns is sent as usual, and its function is not tried in place again in the
/// slice.
const IN_PLACE_CHILD_MAX: Duration = Duration::from_millis(2);
/// What one spawn call may spend running children in place (`spawn_many`): bounds the
/// parallelism a fan-out gives up; the remaining children are sent as usual.
const IN_PLACE_CALL_MAX: Duration = Duration::from_millis(250);
/// Outcome bytes of the children one call ran in place (they travel in its Raft entry).
const IN_PLACE_OUTCOMES_MAX: usize = 512 << 10;
/// Output of the children one call ran in place (it travels in the same entry).
const IN_PLACE_OUTPUT_MAX: usize = 64 << 10;
/// Outcomes a slice remembers (children it ran in place, futures it waited on), so a wait on
/// them needs no coordinator call; beyond this the memory starts over.
const KNOWN_MAX: usize = 4096;
/// Values (arguments, results, queue items) up to this size travel inside the coordinator call;
/// larger ones are written to the object store first and travel as a reference
/// ([`codec::reference`]), so the Raft log stays light.
pub const VALUE_INLINE_MAX: usize = 32 << 10;

/// What a worker needs from its node.
#[derive(Clone)]
pub struct Env {
    pub node: u64,
    pub link: Link,
    pub store: Store,
    pub programs: Programs,
    pub runtime: tokio::runtime::Handle,
    pub policy: sl_labels::SharedPolicy,
    /// Checkpoints up to this size travel inside the call.
    pub inline_max: usize,
    /// Where the provisioner records the slices this node runs.
    pub timeline: super::timeline::Timeline,
    /// Told when a slice is about to send its exit, so the provisioner asks for the slot's next
    /// lease while the exit commits rather than after (one commit round less per task).
    pub exits: Arc<tokio::sync::Notify>,
}

/// How a slice ended.
#[derive(Debug, PartialEq)]
pub enum End {
    /// The task returned or raised; the coordinator has its outcome.
    Exited,
    /// It waits (a future, a queue, a sleep); the coordinator resumes it when it can proceed.
    Blocked,
    /// A newer epoch owns the task (or it is gone): nothing more is sent.
    Fenced(String),
    /// The hard deadline stopped it; it resumes from its last checkpoint.
    TimedOut,
    /// Something outside the task failed (store, coordinator); it resumes elsewhere.
    GaveBack(String),
}

/// Runs one leased slice to its end; gives the lease back when the task should run again.
/// `exiting` is set just before the slice sends its task's exit (see [`Env::exits`]).
pub fn run(
    env: &Env,
    grant: Grant,
    stop: Arc<AtomicBool>,
    exiting: Arc<AtomicBool>,
    deadline: Option<Instant>,
) -> End {
    let (task, epoch) = (grant.task, grant.epoch);
    let grant_checkpoint = grant.checkpoint.clone();
    let mut slice = Slice {
        env,
        seq: grant.next_seq,
        grant,
        output: String::new(),
        stop,
        deadline,
        last_checkpoint: Instant::now(),
        checkpoint_cost: Duration::ZERO,
        file: String::new(),
        final_checkpoint_taken: false,
        budget: deadline.map(|d| d.saturating_duration_since(Instant::now())),
        recorded_object: match &grant_checkpoint {
            Checkpoint::Object(key) => Some(key.clone()),
            _ => None,
        },
        object_writes: 0,
        value_writes: 0,
        values_in_flight: Vec::new(),
        outcome_unknown: false,
        exiting,
        program: None,
        known: HashMap::new(),
        in_place: InPlace::default(),
        deferred: Deferred::default(),
        not_in_place: HashSet::new(),
    };
    let end = match slice.go() {
        Ok(()) => End::Exited,
        Err(end) => end,
    };
    if let End::GaveBack(reason) = &end {
        // Something outside the task failed (a full disk, an unreachable store): not at once
        // again, or a task that cannot run would spin through leases.
        warn!(task = task.0, "slice given back: {reason}");
        std::thread::sleep(GIVE_BACK_PAUSE);
    }
    if matches!(end, End::TimedOut | End::GaveBack(_)) {
        // Given back at once rather than at the lease's end, so it resumes without waiting.
        let expire = Command::Expire { task, epoch };
        if let Err(e) = env.runtime.block_on(env.link.propose(expire)) {
            debug!(
                task = task.0,
                "lease not given back ({e}); it expires on its own"
            );
        }
    }
    end
}

/// What to do next for a host call.
enum Step {
    Answer(Result<Data, HostError>),
    Call(Call),
}

fn host_error(kind: &str, message: impl Into<String>) -> HostError {
    HostError {
        kind: kind.into(),
        message: message.into(),
        detail: None,
    }
}

fn future(id: TaskId) -> Data {
    Data::Host {
        kind: FUTURE.into(),
        id: id.0,
    }
}

fn queue(id: QueueId) -> Data {
    Data::Host {
        kind: QUEUE.into(),
        id: id.0,
    }
}

pub fn outcome_value(outcome: &TaskOutcome) -> Result<Data, HostError> {
    match outcome {
        Ok(bytes) => codec::decode(bytes)
            .map_err(|e| host_error("RuntimeError", format!("a task's value is unreadable: {e}"))),
        Err(text) => Err(failure::waiter_error(text)),
    }
}

/// A spawn's arguments as stored: the explicit awaits, then the arguments (whose futures the
/// child also waits on). The child's dependency list is derived from them the same way.
fn spawn_payload(awaits: &[u64], args: Vec<Data>) -> Result<(Vec<u8>, Vec<TaskId>), HostError> {
    let mut deps = awaits.to_vec();
    let mut inside = Vec::new();
    args.iter().for_each(|a| rt::futures_in(a, &mut inside));
    for f in inside {
        if !deps.contains(&f) {
            deps.push(f);
        }
    }
    let payload = Data::Tuple(vec![
        Data::List(awaits.iter().map(|f| future(TaskId(*f))).collect()),
        Data::List(args),
    ]);
    let bytes = codec::encode(&payload).map_err(|e| host_error("ValueError", e.to_string()))?;
    Ok((bytes, deps.into_iter().map(TaskId).collect()))
}

/// The child's side of [`spawn_payload`]: its arguments with every future replaced by its value,
/// or the first failed dependency's error.
fn child_arguments(bytes: &[u8], values: &[TaskOutcome]) -> Result<Vec<Data>, String> {
    let payload = codec::decode(bytes).map_err(|e| format!("unreadable arguments: {e}"))?;
    let Data::Tuple(mut parts) = payload else {
        return Err("unreadable arguments".into());
    };
    let (Some(Data::List(mut args)), Some(Data::List(awaits))) = (parts.pop(), parts.pop()) else {
        return Err("unreadable arguments".into());
    };
    let mut deps: Vec<u64> = awaits
        .iter()
        .filter_map(|a| match a {
            Data::Host { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let mut inside = Vec::new();
    args.iter().for_each(|a| rt::futures_in(a, &mut inside));
    for f in inside {
        if !deps.contains(&f) {
            deps.push(f);
        }
    }
    if deps.len() != values.len() {
        return Err("the dependencies do not match the arguments".into());
    }
    let mut resolved = Vec::with_capacity(deps.len());
    for (id, outcome) in deps.iter().zip(values) {
        match outcome {
            Ok(bytes) => resolved.push((*id, codec::decode(bytes).map_err(|e| e.to_string())?)),
            Err(text) => return Err(text.clone()),
        }
    }
    let value_of = |f: u64| {
        resolved
            .iter()
            .find(|(id, _)| *id == f)
            .map(|(_, v)| v.clone())
    };
    args.iter_mut()
        .for_each(|a| rt::resolve_futures(a, &value_of));
    Ok(args)
}

struct Slice<'a> {
    env: &'a Env,
    grant: Grant,
    seq: Seq,
    output: String,
    stop: Arc<AtomicBool>,
    deadline: Option<Instant>,
    last_checkpoint: Instant,
    checkpoint_cost: Duration,
    file: String,
    final_checkpoint_taken: bool,
    /// The slice's length (deadline − start), when it has a deadline.
    budget: Option<Duration>,
    /// The checkpoint object the coordinator refers to for this task, if its checkpoint is one.
    recorded_object: Option<String>,
    /// Checkpoint objects this slice has written.
    object_writes: u64,
    /// Value objects this slice has written ([`VALUE_INLINE_MAX`]).
    value_writes: u64,
    /// Value objects written for the call about to be sent: garbage if it is refused.
    values_in_flight: Vec<String>,
    /// Whether the last call's refusal may hide an earlier attempt that was recorded (a
    /// retry fenced): its objects are then kept.
    outcome_unknown: bool,
    /// Set just before the exit is sent.
    exiting: Arc<AtomicBool>,
    /// The job's program (the module image children run in place start from).
    program: Option<Arc<programs::Program>>,
    /// Outcomes of futures this slice knows ([`KNOWN_MAX`]): a wait on them is answered here.
    known: HashMap<u64, TaskOutcome>,
    /// The children the spawn being sent ran in place.
    in_place: InPlace,
    /// Children run in place whose spawns were answered in the slice, recorded with its next
    /// call.
    deferred: Deferred,
    /// Functions a child of which overran or called the coordinator in place in this slice.
    not_in_place: HashSet<String>,
}

/// Children one spawn call ran in place ([`IN_PLACE_CHILD_MAX`]), until the call is answered.
#[derive(Default)]
struct InPlace {
    outcomes: Vec<TaskOutcome>,
    outcome_bytes: usize,
    /// The slice's output before their output was added: a refused call takes theirs back.
    output_mark: usize,
    spent: Duration,
}

impl From<usize> for InPlace {
    /// A spawn call begins, the slice's output this long.
    fn from(output_mark: usize) -> InPlace {
        InPlace {
            output_mark,
            ..InPlace::default()
        }
    }
}

/// Children run in place that the coordinator records with the task's next call (the
/// coordinator's `in_place`): their ids come from a block it reserved for the task, so a spawn
/// needs no commit of its own — a chain of short children, or a spawn and its wait, costs
/// nothing until the task next calls the coordinator, at the latest when it exits.
#[derive(Default)]
struct Deferred {
    children: Vec<RanInPlace>,
    /// The task's reserved ids (from the last `SpawnInline` answer), past those `children` took.
    ids: Option<IdBlock>,
    /// Time, outcome bytes and output of `children`: one call's in-place budget
    /// ([`IN_PLACE_CALL_MAX`], [`IN_PLACE_OUTCOMES_MAX`], [`IN_PLACE_OUTPUT_MAX`]).
    spent: Duration,
    outcome_bytes: usize,
    output_bytes: usize,
}

/// Where a job's value objects live; its root's result apart (the job's record keeps it).
pub fn values_prefix(job: u64) -> String {
    format!("kappa/value/{job}/")
}

impl Slice<'_> {
    fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.env.runtime.block_on(f)
    }

    /// The program's text (tracebacks show its lines), once loaded.
    fn source(&self) -> &str {
        self.program.as_ref().map_or("", |p| p.source.as_str())
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn go(&mut self) -> Result<(), End> {
        let loading = Instant::now();
        // A task at a label of a policy newer than this node's copy (applied moments ago): take
        // the cluster's policy now, or every read at the task's label would look empty.
        self.block_on(super::jobs::catch_up_policy(
            &self.env.link,
            &self.env.policy,
            &self.grant.label,
        ))
        .map_err(|e| End::GaveBack(e.message))?;
        let program = match self.block_on(self.env.programs.get(
            &self.grant.options.program,
            &self.grant.options.file,
            &self.grant.label,
        )) {
            Ok(p) => p,
            Err(programs::Error::Unavailable(e)) => return Err(End::GaveBack(e)),
            Err(programs::Error::Broken(e)) => return self.exit(Err(e)),
        };
        self.file = program.file.clone();
        self.program = Some(program.clone());
        let mut vm = match self.grant.checkpoint.clone() {
            Checkpoint::Initial if self.grant.root => {
                let mut vm = programs::new_vm(program.module.clone());
                if let Some(failed) = self.run_body(&mut vm)? {
                    return self.exit(Err(failed));
                }
                let called = if vm.has_function("handler") {
                    let event = match codec::decode(&self.grant.args) {
                        Ok(event) => event,
                        Err(e) => return self.exit(Err(format!("unreadable event: {e}"))),
                    };
                    let mut context = vec![
                        (Data::Str("job".into()), Data::Int(self.grant.job.0 as i64)),
                        (
                            Data::Str("task".into()),
                            Data::Int(self.grant.task.0 as i64),
                        ),
                    ];
                    // What the gateway adds (user, label, request id, function).
                    if let Ok(serde_json::Value::Object(extra)) =
                        serde_json::from_str(&self.grant.options.context)
                    {
                        for (k, v) in extra {
                            context.push((Data::Str(k.as_str().into()), super::rt::from_json(&v)));
                        }
                    }
                    let context = Data::Dict(context);
                    vm.call_function("handler", &[event, context])
                } else if vm.has_function("main") {
                    vm.call_function("main", &[])
                } else {
                    // A plain program: its body was the job.
                    return self.exit(Ok(Data::None));
                };
                if let Err(e) = called {
                    return self.exit(Err(e.to_string()));
                }
                vm
            }
            Checkpoint::Initial => {
                let image = match program.image() {
                    Ok(image) => image,
                    Err(e) => return self.exit(Err(e)),
                };
                let mut resolved: Result<Vec<TaskOutcome>, String> =
                    Ok(Vec::with_capacity(self.grant.dep_values.len()));
                let args = self.fetch(&self.grant.args)?;
                for value in &self.grant.dep_values {
                    let fetched = match value {
                        Ok(bytes) => self.fetch(bytes)?.map(Ok),
                        Err(text) => Ok(Err(text.clone())),
                    };
                    resolved = resolved.and_then(|mut all: Vec<TaskOutcome>| {
                        all.push(fetched?);
                        Ok(all)
                    });
                }
                let args = match args.and_then(|args| child_arguments(&args, &resolved?)) {
                    Ok(args) => args,
                    Err(e) => return self.exit(Err(e)),
                };
                let mut vm = Vm::restore(&image).map_err(|e| End::GaveBack(e.to_string()))?;
                vm.set_memory_limit(programs::VM_MEMORY_MAX);
                if let Err(e) = vm.call_function(&self.grant.function, &args) {
                    return self.exit(Err(in_place::call_error_text(e)));
                }
                vm
            }
            // Never recorded (the machine refuses it, or keeps the state it had), so never
            // granted.
            Checkpoint::Unchanged | Checkpoint::AsRecorded => {
                return Err(End::GaveBack("granted without a checkpoint".into()));
            }
            Checkpoint::Inline(bytes) => match Self::restore(&bytes) {
                Ok(vm) => vm,
                Err(e) => return self.exit(Err(e)),
            },
            Checkpoint::Object(key) => {
                let object = self
                    .block_on(self.env.store.get(key.as_bytes(), &self.grant.label))
                    .map_err(|e| End::GaveBack(e.to_string()))?
                    .ok_or_else(|| End::GaveBack(format!("checkpoint {key} not found")))?;
                match Self::restore(&object.bytes) {
                    Ok(vm) => vm,
                    Err(e) => return self.exit(Err(e)),
                }
            }
        };
        // What loading and restoring cost is what a checkpoint of this state will cost, about
        // (the same bytes, the other way): the slice's first own checkpoint comes only after
        // 20× that much work (at most a quarter of the slice), so a task whose state is costly
        // to save still gets work done in every slice instead of spending it on checkpoints.
        self.checkpoint_cost = loading.elapsed();
        if let Some(call) = vm.pending_host_call().cloned() {
            let answered = self.grant.resume.take();
            self.host_call(&mut vm, &call, answered)?;
        }
        self.last_checkpoint = Instant::now();
        loop {
            if self.stopped() {
                return Err(End::TimedOut);
            }
            let outcome = vm.run_until(SLICE_STEPS, &self.stop);
            // One log per job: what went to stderr is interleaved with stdout per slice.
            self.output.push_str(&vm.take_output());
            self.output.push_str(&vm.take_errors());
            match outcome {
                Outcome::Suspended => {
                    if self.stopped() {
                        return Err(End::TimedOut);
                    }
                    if self.checkpoint_due() || self.output.len() > OUTPUT_FLUSH_BYTES {
                        // A refused checkpoint changes nothing: the task goes on from the last.
                        let _ = self.call(&mut vm, Call::Checkpoint)?;
                    }
                }
                Outcome::Stopped => return Err(End::TimedOut),
                Outcome::Finished => {
                    let value = vm.result().unwrap_or(Data::None);
                    return self.exit(Ok(value));
                }
                Outcome::Raised(exception) => {
                    let traceback = exception.render_source(&self.file, self.source());
                    return self.exit(Err(failure::outcome_text(&traceback, &exception)));
                }
                Outcome::HostCall(call) => self.host_call(&mut vm, &call, None)?,
            }
        }
    }

    /// A checkpoint that does not restore (hostile or damaged bytes the VM's validation
    /// refuses) will never run anywhere: the task fails with the reason rather than resuming
    /// forever.
    fn restore(bytes: &[u8]) -> Result<Vm, String> {
        let mut vm = Vm::restore(bytes)
            .map_err(|e| format!("RuntimeError: the task's checkpoint does not restore: {e}"))?;
        vm.set_memory_limit(programs::VM_MEMORY_MAX);
        Ok(vm)
    }

    /// The root's module body, before its entry point: `Some(traceback)` if it raised.
    fn run_body(&mut self, vm: &mut Vm) -> Result<Option<String>, End> {
        loop {
            if self.stopped() {
                return Err(End::TimedOut);
            }
            let outcome = vm.run_until(SLICE_STEPS, &self.stop);
            // One log per job: what went to stderr is interleaved with stdout per slice.
            self.output.push_str(&vm.take_output());
            self.output.push_str(&vm.take_errors());
            match outcome {
                Outcome::Suspended => {}
                Outcome::Stopped => return Err(End::TimedOut),
                Outcome::Finished => return Ok(None),
                Outcome::Raised(e) => return Ok(Some(e.render_source(&self.file, self.source()))),
                Outcome::HostCall(call) => {
                    let answer = programs::module_level_answer(vm, &call);
                    vm.resume(answer)
                        .map_err(|e| End::GaveBack(e.to_string()))?;
                }
            }
        }
    }

    /// Due when the time since the last checkpoint exceeds both the floor and 20× what one
    /// costs (so checkpoints cost under 5%), or — once per slice — when the deadline is near
    /// enough that the forced stop would otherwise lose everything since the last one.
    fn checkpoint_due(&mut self) -> bool {
        let floor = match self.grant.options.checkpoint_ms {
            0 => CHECKPOINT_GAP_MIN,
            ms => Duration::from_millis(ms),
        };
        let since = self.last_checkpoint.elapsed();
        let mut gap = floor.max(self.checkpoint_cost * 20);
        if let Some(budget) = self.budget {
            // Progress first: with a short timeout and costly checkpoints, 20× their cost could
            // exceed the slice, and every slice would lose all it did.
            gap = gap.min(budget / 4).max(floor);
        }
        if since >= gap {
            return true;
        }
        if let Some(deadline) = self.deadline
            && !self.final_checkpoint_taken
            && since >= floor
        {
            let margin = self.checkpoint_cost * 2 + DEADLINE_MARGIN;
            if deadline.saturating_duration_since(Instant::now()) <= margin {
                self.final_checkpoint_taken = true;
                return true;
            }
        }
        false
    }

    /// The task's last call: its outcome, with the output not yet logged.
    fn exit(&mut self, outcome: Result<Data, String>) -> Result<(), End> {
        let outcome = self.settle(outcome, self.grant.root)?;
        self.exiting.store(true, Ordering::Relaxed);
        self.env.exits.notify_one();
        let sent = self.send_exit(outcome);
        if !matches!(sent, Ok(())) {
            // The slot stays taken a while longer (a pause, the lease given back).
            self.exiting.store(false, Ordering::Relaxed);
        }
        sent
    }

    fn send_exit(&mut self, outcome: TaskOutcome) -> Result<(), End> {
        let succeeded = outcome.is_ok();
        let everything = format!("kappa/checkpoint/{}/", self.grant.task.0);
        match self.send(Checkpoint::Initial, Call::Exit { outcome })? {
            Ok(_) => {
                self.forget_all(everything);
                self.after_exit();
                Ok(())
            }
            // A value the coordinator will not keep (too large) fails the task instead.
            Err(e) if succeeded => {
                let outcome = Err(format!("{}: the task's value: {}", e.kind, e.message));
                match self.send(Checkpoint::Initial, Call::Exit { outcome })? {
                    Ok(_) => {
                        self.forget_all(everything);
                        self.after_exit();
                        Ok(())
                    }
                    Err(e) => Err(End::GaveBack(format!("exit refused: {}", e.message))),
                }
            }
            Err(e) => Err(End::GaveBack(format!("exit refused: {}", e.message))),
        }
    }

    /// A task's end as the coordinator records it: its value encoded (through the object store
    /// when large), or its error text, shortened, its traceback logged unless it is the root
    /// (whose error the job shows).
    fn settle(&mut self, outcome: Result<Data, String>, root: bool) -> Result<TaskOutcome, End> {
        Ok(match outcome {
            Ok(value) => match codec::encode(&value) {
                Ok(bytes) => Ok(self.spill_as(bytes, root)?),
                Err(e) => Err(format!("ValueError: the task's value cannot be sent: {e}")),
            },
            Err(whole) => {
                let (shown, trailer) = failure::split(&whole);
                let mut text = shown.to_owned();
                if text.len() > OUTCOME_TEXT_MAX {
                    // Keep the end: the exception's own line is last.
                    let mut cut = text.len() - OUTCOME_TEXT_MAX;
                    while !text.is_char_boundary(cut) {
                        cut += 1;
                    }
                    text = format!("…{}", &text[cut..]);
                }
                if !root {
                    // A child's traceback goes to the log; its waiter gets the exception.
                    self.output.push_str(&text);
                    if !text.ends_with('\n') {
                        self.output.push('\n');
                    }
                }
                if trailer.is_some() {
                    text.push_str(&whole[shown.len()..]);
                }
                Err(text)
            }
        })
    }

    fn host_call(
        &mut self,
        vm: &mut Vm,
        call: &HostCall,
        mut answered: Option<Answered>,
    ) -> Result<(), End> {
        let decoded = match rt::decode(vm, call) {
            Ok(Some(decoded)) => decoded,
            Ok(None) => {
                let error = host_error("AttributeError", format!("{} is not available", call.name));
                return vm
                    .resume(Err(error))
                    .map_err(|e| End::GaveBack(e.to_string()));
            }
            Err(e) => return vm.resume(Err(e)).map_err(|e| End::GaveBack(e.to_string())),
        };
        loop {
            // A step after an answered one: the VM has not moved since that call was recorded.
            let later = answered.is_some();
            match self.step(vm, &decoded, answered.take())? {
                Step::Answer(answer) => {
                    return vm.resume(answer).map_err(|e| End::GaveBack(e.to_string()));
                }
                Step::Call(call) => match self.call_step(vm, call, later)? {
                    Ok(a) => answered = Some(a),
                    Err(refused) => {
                        if !self.in_place.outcomes.is_empty() {
                            // Those children never existed: neither does what they printed.
                            self.output.truncate(self.in_place.output_mark);
                            self.in_place = InPlace::default();
                        }
                        return vm
                            .resume(Err(refused))
                            .map_err(|e| End::GaveBack(e.to_string()));
                    }
                },
            }
        }
    }

    /// The next step of `call` given the answer to the previous one.
    fn step(&mut self, vm: &Vm, call: &RtCall, answered: Option<Answered>) -> Result<Step, End> {
        let on_coordinator = |function: &str| {
            matches!(
                vm.function_attr(function, "on_coordinator"),
                Some(Data::Bool(true))
            )
        };
        let payload_error = |e: HostError| Ok(Step::Answer(Err(e)));
        Ok(match (call, answered) {
            (
                RtCall::Spawn {
                    function,
                    args,
                    awaits,
                    label,
                    ..
                },
                None,
            ) => {
                let (args, deps) = match spawn_payload(awaits, args.clone()) {
                    Ok(p) => p,
                    Err(e) => return payload_error(e),
                };
                let label = match self.label_of(label.as_deref()) {
                    Ok(label) => label,
                    Err(e) => return payload_error(e),
                };
                self.in_place = InPlace::from(self.output.len());
                // A child at a label of its own runs at that label, never in its parent's VM.
                if label.is_none() && self.run_in_place(vm, function, &args, &deps)? {
                    if let Some(ids) = self.defer_in_place(function) {
                        return Ok(match call {
                            RtCall::Spawn { blocking: true, .. } => {
                                let outcome = self.outcome_known(ids[0].0).cloned();
                                match outcome {
                                    Some(outcome) => Step::Answer(self.outcome_value(&outcome)?),
                                    None => Step::Call(Call::Wait { future: ids[0] }),
                                }
                            }
                            _ => Step::Answer(Ok(future(ids[0]))),
                        });
                    }
                    return Ok(Step::Call(Call::SpawnInline {
                        function: function.clone(),
                        done: self.in_place.outcomes.clone(),
                        rest: Vec::new(),
                        on_coordinator: false,
                    }));
                }
                let args = self.spill(args)?;
                Step::Call(Call::Spawn {
                    function: function.clone(),
                    args,
                    deps,
                    label,
                    on_coordinator: on_coordinator(function),
                })
            }
            (
                RtCall::Spawn {
                    blocking: false, ..
                },
                Some(Answered::Spawned(id)),
            ) => Step::Answer(Ok(future(id))),
            (RtCall::Spawn { blocking, .. }, Some(Answered::SpawnedMany(ids))) => {
                self.learn(&ids);
                match (ids.first(), blocking) {
                    (Some(&id), false) => Step::Answer(Ok(future(id))),
                    (Some(&id), true) => match self.outcome_known(id.0).cloned() {
                        Some(outcome) => Step::Answer(self.outcome_value(&outcome)?),
                        None => Step::Call(Call::Wait { future: id }),
                    },
                    (None, _) => Step::Answer(Err(host_error(
                        "RuntimeError",
                        "the coordinator made no task for the spawn",
                    ))),
                }
            }
            (RtCall::Spawn { blocking: true, .. }, Some(Answered::Spawned(id))) => {
                Step::Call(Call::Wait { future: id })
            }
            (RtCall::Wait { future }, Some(Answered::Value(outcome))) => {
                self.remember(*future, &outcome);
                Step::Answer(self.outcome_value(&outcome)?)
            }
            (RtCall::Spawn { blocking: true, .. }, Some(Answered::Value(outcome)))
            | (RtCall::External { .. }, Some(Answered::Value(outcome))) => {
                Step::Answer(self.outcome_value(&outcome)?)
            }
            (
                RtCall::SpawnMany {
                    function,
                    calls,
                    awaits,
                },
                None,
            ) => {
                let mut payloads = Vec::with_capacity(calls.len());
                for args in calls {
                    match spawn_payload(awaits, args.clone()) {
                        Ok(payload) => payloads.push(payload),
                        Err(e) => return payload_error(e),
                    }
                }
                self.in_place = InPlace::from(self.output.len());
                // In order, while they run in place; the first that does not and all after it
                // are sent as tasks of their own.
                let mut sent = payloads.into_iter().peekable();
                while let Some((args, deps)) = sent.peek()
                    && self.run_in_place(vm, function, args, deps)?
                {
                    sent.next();
                }
                if sent.peek().is_none()
                    && let Some(ids) = self.defer_in_place(function)
                {
                    return Ok(Step::Answer(Ok(Data::List(
                        ids.into_iter().map(future).collect(),
                    ))));
                }
                let mut children = Vec::with_capacity(sent.len());
                for (bytes, deps) in sent {
                    children.push((self.spill(bytes)?, deps));
                }
                if self.in_place.outcomes.is_empty() {
                    Step::Call(Call::SpawnMany {
                        function: function.clone(),
                        children,
                        on_coordinator: on_coordinator(function),
                    })
                } else {
                    Step::Call(Call::SpawnInline {
                        function: function.clone(),
                        done: self.in_place.outcomes.clone(),
                        rest: children,
                        on_coordinator: on_coordinator(function),
                    })
                }
            }
            (RtCall::SpawnMany { .. }, Some(Answered::SpawnedMany(ids))) => {
                self.learn(&ids);
                Step::Answer(Ok(Data::List(ids.into_iter().map(future).collect())))
            }
            (RtCall::Wait { future }, None) => match self.outcome_known(*future).cloned() {
                // An outcome never changes: the one this slice saw is the coordinator's.
                Some(outcome) => Step::Answer(self.outcome_value(&outcome)?),
                None => Step::Call(Call::Wait {
                    future: TaskId(*future),
                }),
            },
            (
                RtCall::CreateQueues {
                    capacity,
                    copies,
                    single,
                    label,
                },
                None,
            ) => {
                let capacity = *capacity as u32;
                if *single {
                    let label = match self.label_of(label.as_deref()) {
                        Ok(label) => label,
                        Err(e) => return payload_error(e),
                    };
                    Step::Call(Call::CreateQueue { capacity, label })
                } else {
                    Step::Call(Call::CreateQueues {
                        capacity,
                        copies: *copies as u32,
                    })
                }
            }
            (RtCall::CreateQueues { .. }, Some(Answered::Queue(id))) => Step::Answer(Ok(queue(id))),
            (RtCall::CreateQueues { .. }, Some(Answered::Queues(ids))) => {
                Step::Answer(Ok(Data::List(ids.into_iter().map(queue).collect())))
            }
            (RtCall::Enqueue { queue, items, .. }, None) => {
                let mut encoded = Vec::with_capacity(items.len());
                for item in items {
                    match codec::encode(item) {
                        Ok(bytes) => encoded.push(self.spill(bytes)?),
                        Err(e) => return payload_error(host_error("ValueError", e.to_string())),
                    }
                }
                let queue = QueueId(*queue);
                match encoded.len() {
                    0 => Step::Answer(Ok(Data::None)),
                    1 => Step::Call(Call::Enqueue {
                        queue,
                        item: encoded.pop().unwrap_or_default(),
                    }),
                    _ => Step::Call(Call::EnqueueMany {
                        queue,
                        items: encoded,
                    }),
                }
            }
            (RtCall::Dequeue { queue }, None) => Step::Call(Call::Dequeue {
                queue: QueueId(*queue),
            }),
            (RtCall::Dequeue { .. }, Some(Answered::Item(bytes))) => Step::Answer(
                self.fetch(&bytes)?
                    .map_err(|e| host_error("RuntimeError", e))
                    .and_then(|bytes| {
                        codec::decode(&bytes).map_err(|e| host_error("RuntimeError", e.to_string()))
                    }),
            ),
            (RtCall::Checkpoint { forced }, None) => {
                if *forced || self.checkpoint_due() {
                    Step::Call(Call::Checkpoint)
                } else {
                    Step::Answer(Ok(Data::None))
                }
            }
            (RtCall::External { service, payload }, None) => match codec::encode(payload) {
                Ok(payload) => Step::Call(Call::ExternalIntent {
                    service: service.clone(),
                    payload,
                }),
                Err(e) => Step::Answer(Err(host_error("ValueError", e.to_string()))),
            },
            (RtCall::External { service, payload }, Some(Answered::ExternalKey { task, seq })) => {
                let outcome = match self.external(service, payload, task, seq) {
                    Ok(bytes) => Ok(self.spill(bytes)?),
                    Err(e) => Err(e),
                };
                Step::Call(Call::ExternalResult { outcome })
            }
            (RtCall::Lambdapack { .. }, _) => Step::Answer(self.lambdapack(call)),
            (RtCall::Sleep { seconds }, None) => {
                let wanted = Duration::from_secs_f64(seconds.min(1e9));
                let fits = self
                    .deadline
                    .is_none_or(|d| Instant::now() + wanted + Duration::from_millis(50) < d);
                if wanted <= SLEEP_IN_WORKER && fits {
                    std::thread::sleep(wanted);
                    Step::Answer(Ok(Data::None))
                } else {
                    Step::Call(Call::Sleep {
                        until_ms: unix_ms().saturating_add(wanted.as_millis() as u64),
                    })
                }
            }
            (RtCall::Time { ns }, _) => Step::Answer(Ok(programs::now(*ns))),
            // `rt.store`: bytes in an object under a fresh key (durable before the name refers
            // to it), the name a facet at the task's label in the coordinator.
            (RtCall::StorePut { key, value }, None) => match self.store_object(value) {
                Ok(object) => kv_call(
                    Space::Store,
                    KvCall::Put {
                        key: key.clone(),
                        value: object.into_bytes(),
                    },
                ),
                Err(e) => Step::Answer(Err(e)),
            },
            (RtCall::StoreGet { key }, None) => {
                kv_call(Space::Store, KvCall::Get { key: key.clone() })
            }
            (RtCall::StoreGet { key }, Some(Answered::Kv(KvAnswer::Value(found)))) => {
                Step::Answer(self.store_fetch(key, found))
            }
            (RtCall::StoreDelete { key }, None) => {
                kv_call(Space::Store, KvCall::Delete { key: key.clone() })
            }
            (RtCall::StoreDelete { .. }, Some(Answered::Kv(KvAnswer::Value(before)))) => {
                Step::Answer(Ok(Data::Bool(before.is_some())))
            }
            (RtCall::StoreList { prefix }, None) => kv_call(
                Space::Store,
                KvCall::Keys {
                    prefix: prefix.clone(),
                },
            ),
            (RtCall::KvPut { key, value }, None) => match codec::encode(value) {
                Ok(value) => kv_call(
                    Space::Kv,
                    KvCall::Put {
                        key: key.clone(),
                        value,
                    },
                ),
                Err(e) => Step::Answer(Err(host_error("ValueError", e.to_string()))),
            },
            (RtCall::KvGet { key, .. }, None) => {
                kv_call(Space::Kv, KvCall::Get { key: key.clone() })
            }
            (RtCall::KvGet { default, .. }, Some(Answered::Kv(KvAnswer::Value(found)))) => {
                Step::Answer(match found {
                    Some(bytes) => codec::decode(&bytes).map_err(|e| {
                        host_error("ValueError", format!("stored value unreadable: {e}"))
                    }),
                    None => Ok(default.clone()),
                })
            }
            (RtCall::KvDelete { key }, None) => {
                kv_call(Space::Kv, KvCall::Delete { key: key.clone() })
            }
            (RtCall::KvKeys { prefix }, None) => kv_call(
                Space::Kv,
                KvCall::Keys {
                    prefix: prefix.clone(),
                },
            ),
            (
                RtCall::StoreList { .. } | RtCall::KvKeys { .. },
                Some(Answered::Kv(KvAnswer::Keys(keys))),
            ) => Step::Answer(Ok(Data::List(keys.into_iter().map(Data::Str).collect()))),
            (
                RtCall::StorePut { .. } | RtCall::KvPut { .. } | RtCall::KvDelete { .. },
                Some(Answered::Kv(_)),
            ) => Step::Answer(Ok(Data::None)),
            (
                RtCall::Enqueue { .. } | RtCall::Checkpoint { .. } | RtCall::Sleep { .. },
                Some(Answered::Ok),
            ) => Step::Answer(Ok(Data::None)),
            (call, Some(other)) => {
                warn!(
                    ?call,
                    ?other,
                    "a recorded answer does not fit the pending call"
                );
                Step::Answer(Err(host_error(
                    "RuntimeError",
                    "the recorded answer does not fit this call",
                )))
            }
        })
    }

    /// Tries one child of `function` in place ([`IN_PLACE_CHILD_MAX`]): true when it ended
    /// there (its outcome joins `in_place`, its output the slice's), false when it is to be sent
    /// as a task of its own — its dependencies are not all known values here, it (or an earlier
    /// child of its function in this slice) overran or called the coordinator, the call's
    /// budget is spent, or the function says `inline = False` or `on_coordinator = True`.
    fn run_in_place(
        &mut self,
        vm: &Vm,
        function: &str,
        args: &[u8],
        deps: &[TaskId],
    ) -> Result<bool, End> {
        let flag = |attr: &str, value: bool| matches!(vm.function_attr(function, attr), Some(Data::Bool(b)) if b == value);
        // What the call may spend in place: its own bound, and a quarter of what is left of the
        // slice, so the spawn is always sent in time (a resumed parent would otherwise run the
        // same children in place again, slice after slice).
        let mut allowed = IN_PLACE_CALL_MAX;
        if let Some(deadline) = self.deadline {
            allowed = allowed.min(deadline.saturating_duration_since(Instant::now()) / 4);
        }
        if self.not_in_place.contains(function)
            || flag("inline", false)
            || flag("on_coordinator", true)
            || self.in_place.spent + self.deferred.spent >= allowed
            || self.in_place.outcome_bytes + self.deferred.outcome_bytes >= IN_PLACE_OUTCOMES_MAX
            || self.output.len().saturating_sub(self.in_place.output_mark)
                + self.deferred.output_bytes
                >= IN_PLACE_OUTPUT_MAX
        {
            return Ok(false);
        }
        let mut values = Vec::with_capacity(deps.len());
        for dep in deps {
            // A failed dependency fails the child: the coordinator's way, recorded there.
            let Some(Ok(bytes)) = self.outcome_known(dep.0) else {
                return Ok(false);
            };
            match self.fetch(bytes)? {
                Ok(bytes) => values.push(Ok(bytes)),
                Err(_) => return Ok(false),
            }
        }
        let Ok(args) = child_arguments(args, &values) else {
            return Ok(false);
        };
        let Some(image) = self.program.as_ref().and_then(|p| p.image().ok()) else {
            return Ok(false);
        };
        let started = Instant::now();
        let ran = in_place::child(
            &image,
            &self.file,
            self.source(),
            function,
            &args,
            &self.stop,
            IN_PLACE_CHILD_MAX,
        );
        self.in_place.spent += started.elapsed();
        let (outcome, printed) = match ran {
            Ran::Ended(outcome, printed) => (outcome, printed),
            // The parent's deadline: the child is dropped and the spawn sent as it stands (it
            // may still commit within the lease's grace), then the slice ends.
            Ran::Stopped => {
                self.not_in_place.insert(function.to_owned());
                return Ok(false);
            }
            Ran::Abandoned(why) => {
                debug!(function, why, "a child was not run in place");
                metrics::counter!("slnode_kappa_children_in_place_total", "ended" => "no")
                    .increment(1);
                self.not_in_place.insert(function.to_owned());
                return Ok(false);
            }
        };
        metrics::counter!("slnode_kappa_children_in_place_total", "ended" => "yes").increment(1);
        // Its output, then (when it raised) its traceback, as its own slice would log them.
        self.output.push_str(&printed);
        let outcome = self.settle(outcome, false)?;
        self.in_place.outcome_bytes += match &outcome {
            Ok(bytes) => bytes.len(),
            Err(text) => text.len(),
        };
        self.in_place.outcomes.push(outcome);
        Ok(true)
    }

    /// After a spawn was answered: the outcomes of the children it ran in place, by id.
    fn learn(&mut self, ids: &[TaskId]) {
        let outcomes = std::mem::take(&mut self.in_place).outcomes;
        for (id, outcome) in ids.iter().zip(&outcomes) {
            self.remember(id.0, outcome);
        }
    }

    /// The outcome of future `id` when this slice knows it: a child in place it has yet to
    /// record, or one it learnt.
    fn outcome_known(&self, id: u64) -> Option<&TaskOutcome> {
        self.deferred
            .children
            .iter()
            .find(|c| c.id.0 == id)
            .map(|c| &c.outcome)
            .or_else(|| self.known.get(&id))
    }

    /// Answers the spawn whose children all just ran in place (`in_place`) without a call: each
    /// takes the next reserved id and waits in `deferred` for the task's next call. `None` (the
    /// spawn is then sent as `SpawnInline`) when too few ids are reserved, or an outcome went to
    /// the object store (that object must not outlive a refused call, and a deferred child may
    /// ride several).
    fn defer_in_place(&mut self, function: &str) -> Option<Vec<TaskId>> {
        let spilled = self.in_place.outcomes.iter().any(|outcome| {
            outcome
                .as_ref()
                .is_ok_and(|bytes| codec::referenced(bytes).is_some())
        });
        let ids = self.deferred.ids.as_mut()?;
        if spilled || ids.len() < self.in_place.outcomes.len() as u64 {
            return None;
        }
        let taken = std::mem::take(&mut self.in_place);
        let mut made = Vec::with_capacity(taken.outcomes.len());
        for outcome in taken.outcomes {
            let id = ids.take().expect("counted above");
            self.deferred.children.push(RanInPlace {
                id,
                function: function.to_owned(),
                outcome,
            });
            made.push(id);
        }
        self.deferred.spent += taken.spent;
        self.deferred.outcome_bytes += taken.outcome_bytes;
        self.deferred.output_bytes += self.output.len().saturating_sub(taken.output_mark);
        metrics::counter!("slnode_kappa_children_deferred_total").increment(made.len() as u64);
        Some(made)
    }

    fn remember(&mut self, future: u64, outcome: &TaskOutcome) {
        if self.known.len() >= KNOWN_MAX {
            self.known.clear();
        }
        self.known.insert(future, outcome.clone());
    }

    /// Sends `call` with a fresh checkpoint. `Ok(Ok(answer))` when it took effect, `Ok(Err)` when
    /// the coordinator refused it (the program gets the error), `Err` when the slice ends.
    fn call(&mut self, vm: &mut Vm, call: Call) -> Result<Result<Answered, HostError>, End> {
        self.call_step(vm, call, false)
    }

    /// [`Slice::call`]; `later`: the call is a later step of a host call whose previous step
    /// the coordinator answered and recorded with the VM as it still is.
    fn call_step(
        &mut self,
        vm: &mut Vm,
        call: Call,
        later: bool,
    ) -> Result<Result<Answered, HostError>, End> {
        if matches!(call, Call::Wait { .. }) {
            // A resolved future is answered without recording anything: try without the state
            // first, and snapshot only when the wait would record (block).
            match self.send_raw(Checkpoint::Unchanged, call.clone())? {
                Reply::Rejected(Reject::NeedsCheckpoint) => {}
                reply => return self.interpret(reply),
            }
            if later {
                // A blocking spawn's wait: the recorded state (suspended at the spawn, with its
                // answer) stays, so a resumed task waits on this child rather than spawning
                // another.
                let reply = self.send_raw(Checkpoint::AsRecorded, call)?;
                return self.interpret(reply);
            }
        }
        let started = Instant::now();
        // A snapshot carries every heap slot: no garbage in it.
        vm.collect_garbage();
        let bytes = vm
            .snapshot()
            .map_err(|e| End::GaveBack(format!("snapshot: {e}")))?;
        let inline = bytes.len() <= self.env.inline_max;
        metrics::histogram!("slnode_kappa_checkpoint_bytes", "kind" => if inline { "inline" } else { "object" })
            .record(bytes.len() as f64);
        let checkpoint = if inline {
            Checkpoint::Inline(bytes)
        } else {
            // Keyed by (task, epoch, seq) and the write's number within the slice (one seq may
            // carry several states: a refused call, a wait answered without recording, and
            // objects are write-once): a fenced worker's object is never referenced. The
            // trailing slash makes the key a prefix of nothing else (deletion by prefix).
            self.object_writes += 1;
            let key = format!(
                "kappa/checkpoint/{}/{}/{}.{}/",
                self.grant.task.0, self.grant.epoch.0, self.seq.0, self.object_writes
            );
            self.block_on(self.env.store.put(
                key.as_bytes(),
                Bytes::from(bytes),
                &self.grant.label,
            ))
            .map_err(|e| End::GaveBack(format!("checkpoint not stored: {e}")))?;
            Checkpoint::Object(key)
        };
        let object = match &checkpoint {
            Checkpoint::Object(key) => Some(key.clone()),
            _ => None,
        };
        let reply = self.send_raw(checkpoint, call)?;
        // From the snapshot until the coordinator recorded it (or refused).
        metrics::histogram!("slnode_kappa_checkpoint_seconds")
            .record(started.elapsed().as_secs_f64());
        // The coordinator now refers to the new checkpoint (recorded) or never will (refused):
        // the object it does not refer to is garbage.
        let recorded = !matches!(reply, Reply::Rejected(_) | Reply::Resolved(_));
        if recorded {
            if let Some(old) = std::mem::replace(&mut self.recorded_object, object) {
                self.forget(old);
            }
        } else if let Some(new) = object
            && !self.outcome_unknown
        {
            self.forget(new);
        }
        self.checkpoint_cost = started.elapsed();
        self.last_checkpoint = Instant::now();
        self.interpret(reply)
    }

    /// `bytes` as they travel in a call: themselves when small, else a reference to an object
    /// holding them, written (replicated, synced) before the call that records it. Keyed by
    /// (task, epoch, seq, write) under the job's prefix, so a fenced worker's objects are never
    /// referenced; the job's are collected when its last task ends ([`Slice::after_exit`]).
    fn spill(&mut self, bytes: Vec<u8>) -> Result<Vec<u8>, End> {
        self.spill_as(bytes, false)
    }

    /// [`Slice::spill`]; `job_result`: the root's result, which outlives the job's values.
    fn spill_as(&mut self, bytes: Vec<u8>, job_result: bool) -> Result<Vec<u8>, End> {
        if bytes.len() <= VALUE_INLINE_MAX {
            return Ok(bytes);
        }
        self.value_writes += 1;
        let key = if job_result {
            format!(
                "kappa/result/{}/{}.{}.{}/",
                self.grant.job.0, self.grant.epoch.0, self.seq.0, self.value_writes
            )
        } else {
            format!(
                "{}{}/{}/{}.{}/",
                values_prefix(self.grant.job.0),
                self.grant.task.0,
                self.grant.epoch.0,
                self.seq.0,
                self.value_writes
            )
        };
        let size = bytes.len();
        self.block_on(
            self.env
                .store
                .put(key.as_bytes(), Bytes::from(bytes), &self.grant.label),
        )
        .map_err(|e| End::GaveBack(format!("a value was not stored: {e}")))?;
        self.values_in_flight.push(key.clone());
        Ok(codec::reference(&key, size))
    }

    /// The value bytes `bytes` stands for: themselves, or the object a reference names (read at
    /// the task's label, which the coordinator checked the value may flow to). `Ok(Err)`: the
    /// object is gone; `Err`: the store did not answer (the slice gives its lease back).
    fn fetch(&self, bytes: &[u8]) -> Result<Result<Vec<u8>, String>, End> {
        let Some((key, size)) = codec::referenced(bytes) else {
            return Ok(Ok(bytes.to_vec()));
        };
        let object = self
            .block_on(self.env.store.get(key.as_bytes(), &self.grant.label))
            .map_err(|e| End::GaveBack(format!("a stored value was not read: {e}")))?;
        Ok(match object {
            Some(object) if object.bytes.len() as u64 == size => Ok(object.bytes.to_vec()),
            Some(_) => Err(format!("the stored value {key} has the wrong size")),
            None => Err(format!("the stored value {key} is gone")),
        })
    }

    /// A finished task's outcome as its waiter gets it.
    fn outcome_value(&self, outcome: &TaskOutcome) -> Result<Result<Data, HostError>, End> {
        Ok(match outcome {
            Ok(bytes) => match self.fetch(bytes)? {
                Ok(bytes) => outcome_value(&Ok(bytes)),
                Err(e) => Err(host_error("RuntimeError", e)),
            },
            Err(_) => outcome_value(outcome),
        })
    }

    /// After the task's exit was recorded: its own arguments object (only it reads them) is
    /// garbage; and when the job has ended with no task left, nothing can read any of the
    /// job's values (no waiter, no dequeuer remains), so they all are — except the root's
    /// result, which the job's record keeps and lives apart.
    fn after_exit(&self) {
        if let Some((key, _)) = codec::referenced(&self.grant.args) {
            self.forget(key);
        }
        let link = self.env.link.clone();
        let store = self.env.store.clone();
        let job = self.grant.job;
        self.env.runtime.spawn(async move {
            let Ok(Answer::Job(Some(view))) = link.read(Query::Job(job)).await else {
                return;
            };
            let [ready, running, blocked, ..] = view.counts;
            let ended = matches!(
                view.status,
                sl_coordinator::machine::Status::Done | sl_coordinator::machine::Status::Failed
            );
            if ended && ready + running + blocked == 0 {
                let prefix = values_prefix(job.0);
                if let Err(e) = store.delete_prefix(prefix.as_bytes()).await {
                    debug!(prefix, "a job's values not deleted ({e})");
                }
            }
        });
    }

    /// After the exit: every checkpoint object of the task, unless it never had one (a first
    /// slice that wrote none — the common case of a short task, which then costs no deletes).
    fn forget_all(&self, prefix: String) {
        let first_slice = self.grant.epoch.0 <= 1;
        if first_slice && self.object_writes == 0 && self.recorded_object.is_none() {
            return;
        }
        self.forget(prefix);
    }

    /// Deletes checkpoint objects by prefix, in the background (nothing waits for it).
    fn forget(&self, prefix: String) {
        let store = self.env.store.clone();
        self.env.runtime.spawn(async move {
            if let Err(e) = store.delete_prefix(prefix.as_bytes()).await {
                debug!(
                    prefix,
                    "old checkpoint not deleted ({e}); it stays until the next"
                );
            }
        });
    }

    fn send(
        &mut self,
        checkpoint: Checkpoint,
        call: Call,
    ) -> Result<Result<Answered, HostError>, End> {
        let reply = self.send_raw(checkpoint, call)?;
        self.interpret(reply)
    }

    /// Proposes the call (retrying a lost answer with the same seq) and returns the reply.
    fn send_raw(&mut self, checkpoint: Checkpoint, call: Call) -> Result<Reply, End> {
        // Children in place ride with a call that records a state referring to them; a call
        // that keeps the recorded state follows an answered step, which carried them.
        let children = match checkpoint {
            Checkpoint::Unchanged => Vec::new(),
            Checkpoint::AsRecorded => {
                debug_assert!(self.deferred.children.is_empty());
                Vec::new()
            }
            _ => self.deferred.children.clone(),
        };
        let carried = children.len();
        let command = Command::Call(TaskCall {
            task: self.grant.task,
            epoch: self.grant.epoch,
            seq: self.seq,
            checkpoint,
            call,
            output: self.output.clone(),
            children,
        });
        let mut attempts = 0;
        let reply = loop {
            attempts += 1;
            let proposed = match self.deadline {
                Some(deadline) => {
                    // A call sent before the deadline may still commit while the lease lasts
                    // (its grace): waiting for it keeps the progress its checkpoint carries.
                    let left = deadline.saturating_duration_since(Instant::now()) + CALL_GRACE;
                    match self.block_on(async {
                        tokio::time::timeout(left, self.env.link.propose(command.clone())).await
                    }) {
                        Ok(result) => result,
                        Err(_) => return Err(End::TimedOut),
                    }
                }
                None => self.block_on(self.env.link.propose(command.clone())),
            };
            match proposed {
                Ok(reply) => {
                    let written = std::mem::take(&mut self.values_in_flight);
                    // A retry fenced or past its seq may follow a first attempt that was
                    // recorded (its reply lost, a blocked call's lease ended with it): what it
                    // wrote may be referenced, and stays.
                    self.outcome_unknown = attempts > 1
                        && matches!(
                            reply,
                            Reply::Rejected(
                                Reject::StaleEpoch
                                    | Reject::UnknownTask
                                    | Reject::SeqTooOld
                                    | Reject::SeqGap { .. }
                            )
                        );
                    if matches!(reply, Reply::Rejected(_)) && !self.outcome_unknown {
                        // Never referenced: garbage at once.
                        written.into_iter().for_each(|key| self.forget(key));
                    }
                    if carried > 0 && !matches!(reply, Reply::Rejected(_) | Reply::Resolved(_)) {
                        // Recorded: from now on futures like any other.
                        let recorded = std::mem::take(&mut self.deferred);
                        self.deferred.ids = recorded.ids;
                        for child in recorded.children {
                            self.remember(child.id.0, &child.outcome);
                        }
                    }
                    if let Reply::SpawnedInPlace { ids, .. } = &reply {
                        self.deferred.ids = Some(*ids);
                    }
                    break reply;
                }
                Err(e) if attempts >= CALL_ATTEMPTS_MAX => return Err(End::GaveBack(e)),
                Err(e) => {
                    debug!(task = self.grant.task.0, "call not answered ({e}); again");
                    std::thread::sleep(Duration::from_millis(50 * attempts as u64));
                    if self.stopped() {
                        return Err(End::TimedOut);
                    }
                }
            }
        };
        Ok(reply)
    }

    /// What a reply means for the program: an answer (the call took effect, or a wait was
    /// answered from applied state), an exception (refused), or the end of the slice.
    fn interpret(&mut self, reply: Reply) -> Result<Result<Answered, HostError>, End> {
        let taken = |slice: &mut Slice| {
            slice.output.clear();
            slice.seq = Seq(slice.seq.0 + 1);
        };
        Ok(Ok(match reply {
            Reply::WouldBlock => {
                self.output.clear();
                return Err(End::Blocked);
            }
            // Answered from applied state: nothing recorded, no seq taken, output still ours.
            Reply::Resolved(outcome) => Answered::Value(outcome),
            Reply::Rejected(reject) => {
                return match reject {
                    Reject::StaleEpoch
                    | Reject::UnknownTask
                    | Reject::SeqGap { .. }
                    | Reject::SeqTooOld => Err(End::Fenced(format!("{reject:?}"))),
                    Reject::NotFound => {
                        Ok(Err(host_error("ValueError", "no such future or queue")))
                    }
                    Reject::FlowDown => Ok(Err(host_error(
                        "PermissionError",
                        "the label rules forbid this: data would flow to a lower label (a wait \
                         on a higher task, a send or change below the task's label)",
                    ))),
                    Reject::Limit(m) => Ok(Err(host_error("RuntimeError", m))),
                    Reject::Invalid(m) => Ok(Err(host_error("ValueError", m))),
                    Reject::NeedsCheckpoint => {
                        Err(End::GaveBack("the coordinator wanted a checkpoint".into()))
                    }
                    // No call of this slice can carry them (the task limit was reached): the
                    // task resumes from its recorded state, where those spawns are sent again
                    // and the program hears of the limit at each.
                    Reject::Children(m) => Err(End::GaveBack(format!(
                        "children run in place were refused: {m}"
                    ))),
                };
            }
            other => match Answered::from_reply(&other) {
                Some(answered) => {
                    taken(self);
                    answered
                }
                None => return Err(End::GaveBack(format!("unexpected reply {other:?}"))),
            },
        }))
    }

    /// The external call itself, with the committed key; retried with the same key while the
    /// outcome is unknown (bounded).
    fn external(&self, service: &str, payload: &Data, task: TaskId, seq: Seq) -> TaskOutcome {
        let url = match self.block_on(self.env.link.read_local(Query::Service(service.to_owned())))
        {
            Some(Answer::Service(Some(url))) => url,
            _ => {
                return Err(format!(
                    "LookupError: no external service named '{service}'"
                ));
            }
        };
        let key = format!("{}-{}", task.0, seq.0);
        let json = rt::to_json(payload);
        if let Some(name) = url.strip_prefix(crate::gateway::declassify::URL_SCHEME) {
            return self.declassify(name, &json, &key);
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            match external::post(&url, &key, &json) {
                Ok(body) => {
                    let value = match serde_json::from_str::<serde_json::Value>(&body) {
                        Ok(v) => rt::from_json(&v),
                        Err(_) => Data::Str(body),
                    };
                    return codec::encode(&value).map_err(|e| format!("ValueError: {e}"));
                }
                Err(external::Error::Unknown(e)) if attempt < EXTERNAL_ATTEMPTS_MAX => {
                    debug!(
                        service,
                        "external call outcome unknown ({e}); same key again"
                    );
                    std::thread::sleep(Duration::from_millis(100 * attempt as u64));
                }
                Err(e) => return Err(format!("ConnectionError: {e}")),
            }
        }
    }

    /// `rt.declassify`: the coordinator has checked the authority and recorded the intent; the
    /// declassifier runs as a job at its `from` label (see `gateway::declassify`).
    fn declassify(&self, name: &str, json: &str, key: &str) -> TaskOutcome {
        let c = super::jobs::JobsContext {
            link: self.env.link.clone(),
            store: self.env.store.clone(),
            policy: self.env.policy.clone(),
        };
        let user = serde_json::from_str::<serde_json::Value>(&self.grant.options.context)
            .ok()
            .and_then(|v| v["user"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let caller = crate::gateway::declassify::CallerTask {
            user,
            job: self.grant.job.0,
            label: self
                .env
                .policy
                .current()
                .display(&self.grant.label)
                .to_string(),
        };
        let value = self.block_on(crate::gateway::declassify::run(
            &c, name, json, key, &caller,
        ))?;
        codec::encode(&rt::from_json(&value)).map_err(|e| format!("ValueError: {e}"))
    }

    /// `label=` text as a label of the cluster's policy (`None`: the task's own).
    /// `rt.lambdapack`: submits the run under a key derived from `(task, seq)` — a slice that
    /// resumes from its checkpoint reaches this call at the same seq and finds the same run —
    /// then waits for it, while the slice's deadline allows (past it, the slice ends and the
    /// resumed task waits again). Runs at the task's label.
    fn lambdapack(&self, call: &RtCall) -> Result<Data, HostError> {
        let RtCall::Lambdapack {
            program,
            source,
            args,
            inputs,
            outputs,
        } = call
        else {
            return Err(host_error("RuntimeError", "not a lambdapack call"));
        };
        let (file, source) = match source {
            Some(source) => ("task.py".to_owned(), source.clone()),
            None => sl_linalg::programs::SHIPPED
                .iter()
                .find(|(name, _)| name.trim_end_matches(".py") == program)
                .map(|(name, source)| ((*name).to_owned(), (*source).to_owned()))
                .ok_or_else(|| {
                    host_error(
                        "ValueError",
                        format!(
                            "rt.lambdapack('{program}'): not a shipped program; pass source= with its text"
                        ),
                    )
                })?,
        };
        use sha2::Digest;
        let digest = sha2::Sha256::digest(
            format!(
                "lambdapack/{}/{}/{}",
                self.grant.job.0, self.grant.task.0, self.seq.0
            )
            .as_bytes(),
        );
        let mut key = [0u8; 8];
        key.copy_from_slice(&digest[..8]);
        let request = crate::lambdapack::methods::DagSubmit {
            request: u64::from_le_bytes(key),
            file,
            source,
            function: program.clone(),
            args: args.clone(),
            inputs: inputs.clone(),
            outputs: outputs.clone(),
        };
        let context = super::jobs::JobsContext {
            link: self.env.link.clone(),
            store: self.env.store.clone(),
            policy: self.env.policy.clone(),
        };
        let label = self.grant.label.clone();
        let remote = |e: sl_rpc::message::RemoteError| {
            let kind = match e.code {
                sl_rpc::message::ErrorCode::BadRequest | sl_rpc::message::ErrorCode::NotFound => {
                    "ValueError"
                }
                _ => "RuntimeError",
            };
            host_error(kind, format!("rt.lambdapack('{program}'): {}", e.message))
        };
        let submitted = self
            .block_on(crate::lambdapack::methods::submit_as(
                &context, &label, &label, request,
            ))
            .map_err(remote)?;
        let dag = submitted["dag"].as_u64().unwrap_or_default();
        loop {
            let view = self
                .block_on(crate::lambdapack::methods::dag_view(&context, dag, &label))
                .map_err(remote)?;
            match view.status {
                Status::Done => {
                    let int = |v: u64| Data::Int(i64::try_from(v).unwrap_or(i64::MAX));
                    return Ok(Data::Dict(vec![
                        (Data::Str("dag".into()), int(dag)),
                        (Data::Str("status".into()), Data::Str("done".into())),
                        (Data::Str("nodes".into()), int(view.total)),
                        (Data::Str("flops".into()), int(view.flops)),
                        (Data::Str("bytes_remote".into()), int(view.bytes_remote)),
                        (Data::Str("reexecuted".into()), int(view.reexecuted)),
                    ]));
                }
                Status::Failed => {
                    return Err(host_error(
                        "RuntimeError",
                        format!(
                            "lambdapack run {dag} failed: {}",
                            view.error.unwrap_or_default()
                        ),
                    ));
                }
                _ => {}
            }
            if self.stopped()
                || self
                    .deadline
                    .is_some_and(|d| Instant::now() + LAMBDAPACK_POLL >= d)
            {
                // The slice is over; whatever this answers is fenced, and the resumed task
                // waits for the same run.
                return Err(host_error(
                    "TimeoutError",
                    format!("lambdapack run {dag} still running at the slice's deadline"),
                ));
            }
            std::thread::sleep(LAMBDAPACK_POLL);
        }
    }

    fn label_of(&self, text: Option<&str>) -> Result<Option<sl_labels::Label>, HostError> {
        let Some(text) = text else {
            return Ok(None);
        };
        if let Ok(label) = self.env.policy.current().parse_label(text) {
            return Ok(Some(label));
        }
        // Perhaps a level or tag newer than this node's copy of the policy: ask the replica.
        let fresh = match self.block_on(self.env.link.read_local(Query::Policy)) {
            Some(Answer::Policy(image)) => sl_labels::Policy::from_image(&image).ok(),
            _ => None,
        };
        let policy = fresh.unwrap_or_else(|| (*self.env.policy.current()).clone());
        policy
            .parse_label(text)
            .map(Some)
            .map_err(|e| host_error("ValueError", e.to_string()))
    }

    /// Writes a value's bytes as an object at the task's label under a fresh key.
    fn store_object(&self, value: &Data) -> Result<String, HostError> {
        let bytes = codec::encode(value).map_err(|e| host_error("ValueError", e.to_string()))?;
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).map_err(|e| host_error("OSError", e.to_string()))?;
        let object = format!("kappa/store/{}", sl_rpc::token::hex_encode(&id));
        self.block_on(
            self.env
                .store
                .put(object.as_bytes(), Bytes::from(bytes), &self.grant.label),
        )
        .map_err(|e| host_error("OSError", e.to_string()))?;
        Ok(object)
    }

    /// The value behind a facet the coordinator showed this task.
    fn store_fetch(&self, key: &str, found: Option<Vec<u8>>) -> Result<Data, HostError> {
        let Some(object) = found else {
            return Err(host_error("KeyError", format!("'{key}'")));
        };
        match self
            .block_on(self.env.store.get(&object, &self.grant.label))
            .map_err(|e| host_error("OSError", e.to_string()))?
        {
            Some(object) => codec::decode(&object.bytes)
                .map_err(|e| host_error("ValueError", format!("stored value unreadable: {e}"))),
            None => Err(host_error(
                "OSError",
                format!("the object behind '{key}' is missing"),
            )),
        }
    }
}

fn kv_call(space: Space, call: KvCall) -> Step {
    Step::Call(Call::Kv { space, call })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spawn_arguments_carry_their_futures_to_the_child() {
        let args = vec![
            Data::Int(1),
            Data::List(vec![future(TaskId(7)), future(TaskId(3))]),
        ];
        let (bytes, deps) = spawn_payload(&[3, 9], args).unwrap();
        assert_eq!(deps, vec![TaskId(3), TaskId(9), TaskId(7)]);
        let values: Vec<TaskOutcome> = [30, 90, 70]
            .iter()
            .map(|v| Ok(codec::encode(&Data::Int(*v)).unwrap()))
            .collect();
        assert_eq!(
            child_arguments(&bytes, &values).unwrap(),
            vec![Data::Int(1), Data::List(vec![Data::Int(70), Data::Int(30)])]
        );
        let failed = vec![
            values[0].clone(),
            Err("ValueError: no".into()),
            values[2].clone(),
        ];
        assert_eq!(
            child_arguments(&bytes, &failed).unwrap_err(),
            "ValueError: no"
        );
        assert!(child_arguments(&bytes, &values[..2]).is_err());
        assert!(child_arguments(b"\x99", &values).is_err());
    }
}
