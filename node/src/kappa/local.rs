//! The local Kappa runtime behind `slnode run FILE.py`: every task is a VM in this process, run
//! one slice at a time by a cooperative scheduler that serves `rt` calls the way the cluster
//! does — spawn with futures and dependencies, blocking waits, bounded FIFO queues (0 is a
//! rendezvous), checkpoints (a real snapshot → bytes → restore round trip), a task-local object
//! store, `time.sleep`. No cluster, no deadline: the quickest way to develop a job.
//!
//! Decisions: task code runs the module body once, in the root task; each spawned task starts
//! from the *module image* — the root VM snapshotted right after its body — and calls its
//! function, so module-level definitions are there and module-level side effects do not
//! repeat (as separate lambdas importing a module would not share its later mutations either).
//! Spawning from module level, before the image exists, is an error naming the fix.
//! `rt.external` needs the cluster's service registry and raises `RuntimeError` here.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;

use sl_lang::{Data, HostError, Outcome, Vm};

use super::rt::{self, FUTURE, QUEUE, RtCall};

/// Instructions per slice before the scheduler moves on (fairness between tasks).
const SLICE: u64 = 1 << 16;
/// Tasks one run may create.
pub const TASKS_MAX: usize = 100_000;
/// Queues one run may create.
pub const QUEUES_MAX: usize = 100_000;
/// Sleeps longer than this are cut short (a local run is for development).
const SLEEP_MAX_S: f64 = 60.0;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Compile(String),
    #[error("the VM failed: {0}")]
    Vm(String),
    #[error("deadlock: every task is blocked ({0} blocked)")]
    Deadlock(usize),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
}

/// How a local run ended.
#[derive(Debug)]
pub enum Ended {
    /// The root task (body, then entry point if any) finished; the entry's value, if there was
    /// an entry point.
    Done(Option<Data>),
    /// The root task raised: CPython's traceback text.
    Failed(String),
}

/// What a task waits for.
#[derive(Debug)]
enum Blocked {
    Future(u64),
    /// Queue full (or a rendezvous with no taker yet): the items left to put.
    Enqueue {
        queue: u64,
        items: Vec<Data>,
    },
    Dequeue(u64),
    /// Its dependencies, before it starts.
    Start,
}

struct Task {
    vm: Option<Vm>,
    /// Answer for the pending host call, given when it next runs.
    answer: Option<Result<Data, HostError>>,
    blocked: Option<Blocked>,
    /// For a task that has not started: function, arguments, dependencies.
    start: Option<(String, Vec<Data>, Vec<u64>)>,
    result: Option<Result<Data, HostError>>,
    /// When it last checkpointed and what that cost (for `maybe_pause`).
    last_checkpoint: std::time::Instant,
    checkpoint_cost: std::time::Duration,
}

impl Task {
    fn new(vm: Option<Vm>, start: Option<(String, Vec<Data>, Vec<u64>)>) -> Task {
        Task {
            vm,
            answer: None,
            blocked: None,
            start,
            result: None,
            last_checkpoint: std::time::Instant::now(),
            checkpoint_cost: std::time::Duration::ZERO,
        }
    }

    /// Whether `maybe_pause` should checkpoint now: often enough that little is lost, rarely
    /// enough that checkpoints cost under 5% of the run (at least 10 ms apart, and 20× their
    /// own cost).
    fn checkpoint_due(&self) -> bool {
        let gap = (self.checkpoint_cost * 20).max(std::time::Duration::from_millis(10));
        self.last_checkpoint.elapsed() >= gap
    }
}

struct Queue {
    capacity: usize,
    items: VecDeque<Data>,
}

pub struct LocalRuntime {
    file: String,
    /// The program's text, for the source lines of tracebacks.
    source: String,
    image: Option<Vec<u8>>,
    tasks: Vec<Task>,
    ready: VecDeque<usize>,
    queues: Vec<Queue>,
    store: BTreeMap<String, Data>,
    kv: BTreeMap<String, Data>,
    /// Forced and voluntary checkpoints taken, and resumes from them.
    pub checkpoints: u64,
}

fn host_error(kind: &str, message: impl Into<String>) -> HostError {
    HostError {
        kind: kind.into(),
        message: message.into(),
        detail: None,
    }
}

impl LocalRuntime {
    fn new_vm(module: sl_lang::code::Module) -> Vm {
        let mut vm = Vm::new(module);
        vm.register_host_module("rt", rt::RT_FUNCTIONS);
        vm.register_host_module("time", rt::TIME_FUNCTIONS);
        vm
    }

    /// Runs `source` (the root task: its body, then `handler(event, context)` or `main()` if
    /// defined) and every task it spawns, writing their output to `out`.
    pub fn run(
        file: &str,
        source: &str,
        event: Option<Data>,
        out: &mut dyn Write,
    ) -> Result<(Ended, LocalRuntime), Error> {
        let module = sl_lang::compile(file, source).map_err(|e| Error::Compile(e.to_string()))?;
        let mut runtime = LocalRuntime {
            file: file.to_owned(),
            source: source.to_owned(),
            image: None,
            tasks: vec![Task::new(Some(Self::new_vm(module)), None)],
            ready: VecDeque::from([0]),
            queues: Vec::new(),
            store: BTreeMap::new(),
            kv: BTreeMap::new(),
            checkpoints: 0,
        };
        let ended = runtime.schedule(event, out)?;
        Ok((ended, runtime))
    }

    fn schedule(&mut self, event: Option<Data>, out: &mut dyn Write) -> Result<Ended, Error> {
        let mut entry_called = false;
        loop {
            let Some(id) = self.ready.pop_front() else {
                let blocked = self.tasks.iter().filter(|t| t.blocked.is_some()).count();
                return Err(Error::Deadlock(blocked));
            };
            match self.run_slice(id, out)? {
                Slice::Yielded => self.ready.push_back(id),
                Slice::Blocked => {}
                Slice::Finished(Ok(value)) if id == 0 => {
                    // The root: after its body, the module image and the entry point.
                    if !entry_called {
                        entry_called = true;
                        let vm = self.tasks[0].vm.as_mut().ok_or(Error::Vm("root".into()))?;
                        let (has_handler, has_main) =
                            (vm.has_function("handler"), vm.has_function("main"));
                        if !has_handler && !has_main {
                            // A plain program: done, and no image is needed.
                            return Ok(Ended::Done(None));
                        }
                        self.image = Some(vm.snapshot().map_err(|e| Error::Vm(e.to_string()))?);
                        let context =
                            Data::Dict(vec![(Data::Str("job".into()), Data::Str("local".into()))]);
                        let event = event.clone().unwrap_or(Data::Dict(Vec::new()));
                        let called = if has_handler {
                            vm.call_function("handler", &[event, context])
                        } else {
                            vm.call_function("main", &[])
                        };
                        if let Err(e) = called {
                            // The entry point's signature does not fit (say `handler(event)`).
                            return Ok(Ended::Failed(format!("{e}\n")));
                        }
                        self.ready.push_front(0);
                        continue;
                    }
                    return Ok(Ended::Done(Some(value)));
                }
                Slice::Finished(result) => self.finish(id, result),
                Slice::Raised(traceback) if id == 0 => return Ok(Ended::Failed(traceback)),
                Slice::Raised(_) => {}
            }
        }
    }

    /// A task ended: its waiters and dependents learn it.
    fn finish(&mut self, id: usize, result: Result<Data, HostError>) {
        self.tasks[id].result = Some(result);
        self.tasks[id].vm = None;
        for other in 0..self.tasks.len() {
            match &self.tasks[other].blocked {
                Some(Blocked::Future(f)) if *f as usize == id => {
                    let answer = self.tasks[id].result.clone();
                    self.tasks[other].blocked = None;
                    self.tasks[other].answer = answer;
                    self.ready.push_back(other);
                }
                Some(Blocked::Start) if self.dependencies_done(other) => {
                    self.tasks[other].blocked = None;
                    self.ready.push_back(other);
                }
                _ => {}
            }
        }
    }

    fn dependencies_done(&self, id: usize) -> bool {
        self.tasks[id].start.as_ref().is_none_or(|(_, _, deps)| {
            deps.iter().all(|d| {
                self.tasks
                    .get(*d as usize)
                    .is_some_and(|t| t.result.is_some())
            })
        })
    }

    fn run_slice(&mut self, id: usize, out: &mut dyn Write) -> Result<Slice, Error> {
        if let Some((function, mut args, _)) = self.tasks[id].start.take() {
            // A dependency that failed fails this task before it starts.
            let mut deps = Vec::new();
            args.iter().for_each(|a| rt::futures_in(a, &mut deps));
            if let Some(failure) = deps
                .iter()
                .find_map(|d| match &self.tasks[*d as usize].result {
                    Some(Err(e)) => Some(e.clone()),
                    _ => None,
                })
            {
                self.finish(id, Err(failure));
                return Ok(Slice::Raised(String::new()));
            }
            let tasks = &self.tasks;
            let value_of = |f: u64| match tasks.get(f as usize).and_then(|t| t.result.clone()) {
                Some(Ok(v)) => Some(v),
                _ => None,
            };
            args.iter_mut()
                .for_each(|a| rt::resolve_futures(a, &value_of));
            let image = self
                .image
                .as_ref()
                .ok_or_else(|| Error::Vm("no module image".into()))?;
            let mut vm = Vm::restore(image).map_err(|e| Error::Vm(e.to_string()))?;
            vm.take_output();
            vm.take_errors();
            if let Err(e) = vm.call_function(&function, &args) {
                let error = match e {
                    sl_lang::vm::HostDataError::Call { kind, message } => {
                        host_error(&kind, message)
                    }
                    other => host_error("TypeError", other.to_string()),
                };
                self.finish(id, Err(error));
                return Ok(Slice::Raised(String::new()));
            }
            self.tasks[id].vm = Some(vm);
        }
        let Some(mut vm) = self.tasks[id].vm.take() else {
            return Ok(Slice::Blocked);
        };
        if let Some(answer) = self.tasks[id].answer.take() {
            vm.resume(answer).map_err(|e| Error::Vm(e.to_string()))?;
        }
        let mut budget = SLICE;
        loop {
            let outcome = vm.run(budget);
            out.write_all(vm.take_output().as_bytes())?;
            let errors = vm.take_errors();
            if !errors.is_empty() {
                out.flush()?;
                std::io::stderr().write_all(errors.as_bytes())?;
            }
            match outcome {
                Outcome::Suspended => {
                    self.tasks[id].vm = Some(vm);
                    return Ok(Slice::Yielded);
                }
                Outcome::Finished => {
                    let value = vm.result().unwrap_or(Data::None);
                    self.tasks[id].vm = Some(vm);
                    return Ok(Slice::Finished(Ok(value)));
                }
                Outcome::Raised(exception) => {
                    let traceback = exception.render_source(&self.file, &self.source);
                    if id != 0 {
                        // A child's uncaught exception reaches whoever waits on it.
                        self.finish(
                            id,
                            Err(HostError {
                                detail: Some(Box::new(exception.detail.clone())),
                                ..host_error(&exception.kind, exception.message.clone())
                            }),
                        );
                    }
                    return Ok(Slice::Raised(traceback));
                }
                Outcome::Stopped => return Err(Error::Vm("stopped".into())),
                Outcome::HostCall(call) => {
                    let decoded = rt::decode(&vm, &call);
                    let answer = match decoded {
                        Err(e) => Some(Err(e)),
                        Ok(None) => Some(Err(host_error(
                            "AttributeError",
                            format!("{} is not available", call.name),
                        ))),
                        Ok(Some(rt_call)) => match self.serve(id, rt_call, &mut vm)? {
                            Served::Answer(a) => Some(a),
                            Served::Block(reason) => {
                                self.tasks[id].blocked = Some(reason);
                                self.tasks[id].vm = Some(vm);
                                return Ok(Slice::Blocked);
                            }
                        },
                    };
                    if let Some(answer) = answer {
                        vm.resume(answer).map_err(|e| Error::Vm(e.to_string()))?;
                    }
                    budget = SLICE;
                }
            }
        }
    }

    fn new_task(
        &mut self,
        function: String,
        args: Vec<Data>,
        mut deps: Vec<u64>,
    ) -> Result<u64, HostError> {
        if self.image.is_none() {
            return Err(host_error(
                "RuntimeError",
                "rt.spawn at module level: spawn from main() or handler()",
            ));
        }
        if self.tasks.len() >= TASKS_MAX {
            return Err(host_error(
                "RuntimeError",
                format!("more than {TASKS_MAX} tasks"),
            ));
        }
        args.iter().for_each(|a| rt::futures_in(a, &mut deps));
        if let Some(bad) = deps.iter().find(|d| **d as usize >= self.tasks.len()) {
            return Err(host_error("ValueError", format!("no future {bad}")));
        }
        let id = self.tasks.len();
        self.tasks
            .push(Task::new(None, Some((function, args, deps))));
        if self.dependencies_done(id) {
            self.ready.push_back(id);
        } else {
            self.tasks[id].blocked = Some(Blocked::Start);
        }
        Ok(id as u64)
    }

    fn future(id: u64) -> Data {
        Data::Host {
            kind: FUTURE.into(),
            id,
        }
    }

    fn serve(&mut self, id: usize, call: RtCall, vm: &mut Vm) -> Result<Served, Error> {
        Ok(match call {
            RtCall::Spawn {
                function,
                args,
                awaits,
                blocking,
                ..
            } => match self.new_task(function, args, awaits) {
                Ok(child) if blocking => self.wait(child),
                Ok(child) => Served::Answer(Ok(Self::future(child))),
                Err(e) => Served::Answer(Err(e)),
            },
            RtCall::SpawnMany {
                function,
                calls,
                awaits,
            } => {
                let mut futures = Vec::with_capacity(calls.len());
                for args in calls {
                    match self.new_task(function.clone(), args, awaits.clone()) {
                        Ok(child) => futures.push(Self::future(child)),
                        Err(e) => return Ok(Served::Answer(Err(e))),
                    }
                }
                Served::Answer(Ok(Data::List(futures)))
            }
            RtCall::Wait { future } => {
                if future as usize >= self.tasks.len() || future as usize == id {
                    Served::Answer(Err(host_error("ValueError", "not a future this job made")))
                } else {
                    self.wait(future)
                }
            }
            RtCall::CreateQueues {
                capacity,
                copies,
                single,
                ..
            } => {
                if self.queues.len() + copies > QUEUES_MAX {
                    return Ok(Served::Answer(Err(host_error(
                        "RuntimeError",
                        format!("more than {QUEUES_MAX} queues"),
                    ))));
                }
                let mut made = Vec::with_capacity(copies);
                for _ in 0..copies {
                    self.queues.push(Queue {
                        capacity,
                        items: VecDeque::new(),
                    });
                    made.push(Data::Host {
                        kind: QUEUE.into(),
                        id: (self.queues.len() - 1) as u64,
                    });
                }
                if single {
                    Served::Answer(Ok(made.pop().unwrap_or(Data::None)))
                } else {
                    Served::Answer(Ok(Data::List(made)))
                }
            }
            RtCall::Enqueue { queue, items, .. } => {
                if queue as usize >= self.queues.len() {
                    return Ok(Served::Answer(Err(host_error(
                        "ValueError",
                        "no such queue",
                    ))));
                }
                self.enqueue(queue, items)
            }
            RtCall::Dequeue { queue } => {
                if queue as usize >= self.queues.len() {
                    return Ok(Served::Answer(Err(host_error(
                        "ValueError",
                        "no such queue",
                    ))));
                }
                self.dequeue(queue)
            }
            RtCall::Checkpoint { forced } => {
                if forced || self.tasks[id].checkpoint_due() {
                    // The same round trip a worker's checkpoint makes: the task continues from
                    // the bytes, not from the live VM.
                    let started = std::time::Instant::now();
                    let bytes = vm.snapshot().map_err(|e| Error::Vm(e.to_string()))?;
                    *vm = Vm::restore(&bytes).map_err(|e| Error::Vm(e.to_string()))?;
                    self.checkpoints += 1;
                    let task = &mut self.tasks[id];
                    task.checkpoint_cost = started.elapsed();
                    task.last_checkpoint = std::time::Instant::now();
                }
                Served::Answer(Ok(Data::None))
            }
            RtCall::Lambdapack { program, .. } => Served::Answer(Err(host_error(
                "RuntimeError",
                format!(
                    "rt.lambdapack('{program}'): runs need a cluster's stored matrices (slnode submit); slnode run has none"
                ),
            ))),
            RtCall::External { service, .. } => Served::Answer(Err(host_error(
                "RuntimeError",
                format!(
                    "rt.external('{service}'): external services are registered on a cluster (slnode service add); slnode run has none"
                ),
            ))),
            RtCall::StorePut { key, value } => {
                self.store.insert(key, value);
                Served::Answer(Ok(Data::None))
            }
            RtCall::StoreGet { key } => match self.store.get(&key) {
                Some(v) => Served::Answer(Ok(v.clone())),
                None => Served::Answer(Err(host_error("KeyError", format!("'{key}'")))),
            },
            RtCall::StoreDelete { key } => {
                Served::Answer(Ok(Data::Bool(self.store.remove(&key).is_some())))
            }
            RtCall::StoreList { prefix } => Served::Answer(Ok(Data::List(
                self.store
                    .range(prefix.clone()..)
                    .take_while(|(k, _)| k.starts_with(&prefix))
                    .map(|(k, _)| Data::Str(k.clone()))
                    .collect(),
            ))),
            // `slnode run` has one label and one user: the faceted store is a plain map here.
            RtCall::KvPut { key, value } => {
                self.kv.insert(key, value);
                Served::Answer(Ok(Data::None))
            }
            RtCall::KvGet { key, default } => {
                Served::Answer(Ok(self.kv.get(&key).cloned().unwrap_or(default)))
            }
            RtCall::KvDelete { key } => {
                self.kv.remove(&key);
                Served::Answer(Ok(Data::None))
            }
            RtCall::KvKeys { prefix } => Served::Answer(Ok(Data::List(
                self.kv
                    .range(prefix.clone()..)
                    .take_while(|(k, _)| k.starts_with(&prefix))
                    .map(|(k, _)| Data::Str(k.clone()))
                    .collect(),
            ))),
            RtCall::Sleep { seconds } => {
                std::thread::sleep(std::time::Duration::from_secs_f64(seconds.min(SLEEP_MAX_S)));
                Served::Answer(Ok(Data::None))
            }
            RtCall::Time { ns } => Served::Answer(Ok(super::programs::now(ns))),
        })
    }

    fn wait(&mut self, future: u64) -> Served {
        match &self.tasks[future as usize].result {
            Some(result) => Served::Answer(result.clone()),
            None => Served::Block(Blocked::Future(future)),
        }
    }

    fn enqueue(&mut self, queue: u64, mut items: Vec<Data>) -> Served {
        loop {
            if items.is_empty() {
                return Served::Answer(Ok(Data::None));
            }
            // A waiting dequeuer takes the item directly (this is what makes max_size 0 a
            // rendezvous).
            if let Some(taker) = (0..self.tasks.len())
                .find(|t| matches!(self.tasks[*t].blocked, Some(Blocked::Dequeue(q)) if q == queue))
            {
                let item = items.remove(0);
                self.tasks[taker].blocked = None;
                self.tasks[taker].answer = Some(Ok(item));
                self.ready.push_back(taker);
                continue;
            }
            let q = &mut self.queues[queue as usize];
            if q.items.len() < q.capacity {
                q.items.push_back(items.remove(0));
                continue;
            }
            return Served::Block(Blocked::Enqueue { queue, items });
        }
    }

    fn dequeue(&mut self, queue: u64) -> Served {
        if let Some(item) = self.queues[queue as usize].items.pop_front() {
            self.refill(queue);
            return Served::Answer(Ok(item));
        }
        // An enqueuer blocked on a full (or rendezvous) queue hands its first item over.
        if let Some(giver) = (0..self.tasks.len()).find(|t| {
            matches!(&self.tasks[*t].blocked, Some(Blocked::Enqueue { queue: q, .. }) if *q == queue)
        }) && let Some(Blocked::Enqueue { items, .. }) = self.tasks[giver].blocked.take()
        {
            let mut items = items;
            let item = items.remove(0);
            match self.enqueue(queue, items) {
                Served::Answer(a) => {
                    self.tasks[giver].answer = Some(a);
                    self.ready.push_back(giver);
                }
                Served::Block(reason) => self.tasks[giver].blocked = Some(reason),
            }
            return Served::Answer(Ok(item));
        }
        Served::Block(Blocked::Dequeue(queue))
    }

    /// Room appeared in a queue: blocked enqueuers move items in.
    fn refill(&mut self, queue: u64) {
        while self.queues[queue as usize].items.len() < self.queues[queue as usize].capacity {
            let Some(giver) = (0..self.tasks.len()).find(|t| {
                matches!(&self.tasks[*t].blocked, Some(Blocked::Enqueue { queue: q, .. }) if *q == queue)
            }) else {
                return;
            };
            let Some(Blocked::Enqueue { items, .. }) = self.tasks[giver].blocked.take() else {
                return;
            };
            match self.enqueue(queue, items) {
                Served::Answer(a) => {
                    self.tasks[giver].answer = Some(a);
                    self.ready.push_back(giver);
                }
                Served::Block(reason) => {
                    self.tasks[giver].blocked = Some(reason);
                    return;
                }
            }
        }
    }
}

enum Slice {
    /// Budget used up; run again later.
    Yielded,
    /// Waiting on a future, a queue, or its dependencies.
    Blocked,
    Finished(Result<Data, HostError>),
    /// An uncaught exception (the traceback for the root).
    Raised(String),
}

enum Served {
    Answer(Result<Data, HostError>),
    Block(Blocked),
}
