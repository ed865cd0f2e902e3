//! Job programs on a node: the source fetched from the object store once, compiled once, and the
//! *module image* — the VM right after the module body ran — built once, from which every
//! spawned task starts (see `local` for why tasks start from an image). Bounded: the least
//! recently used program is dropped beyond [`PROGRAMS_MAX`].

use std::sync::{Arc, Mutex, OnceLock};

use sl_labels::Label;
use sl_lang::{Data, HostError, Outcome, Vm};
use sl_objstore::store::Store;

use super::rt;

pub const PROGRAMS_MAX: usize = 64;
/// Source files a job may have.
pub const SOURCE_BYTES_MAX: usize = 1 << 20;
/// Instructions the module body may run while the image is built (a runaway body fails the
/// task instead of spinning forever).
const BODY_STEPS_MAX: u64 = 2_000_000_000;
/// Memory one task's VM may hold.
pub const VM_MEMORY_MAX: u64 = 2 << 30;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store could not answer now; the task may run later or elsewhere.
    #[error("object store: {0}")]
    Unavailable(String),
    /// The program cannot run, on any node (gone, not Python, its body raised).
    #[error("{0}")]
    Broken(String),
}

pub struct Program {
    pub file: String,
    /// The program's text, for the source lines of tracebacks.
    pub source: String,
    pub module: sl_lang::code::Module,
    image: OnceLock<Result<Arc<Vec<u8>>, String>>,
}

/// A VM for task code: `rt` and `time` served by the host, memory bounded.
pub fn new_vm(module: sl_lang::code::Module) -> Vm {
    let mut vm = Vm::new(module);
    vm.register_host_module("rt", rt::RT_FUNCTIONS);
    vm.register_host_module("time", rt::TIME_FUNCTIONS);
    vm.set_memory_limit(VM_MEMORY_MAX);
    vm
}

/// What module-level code gets for an `rt` call: tasks exist only once an entry point runs.
pub fn module_level_answer(vm: &Vm, call: &sl_lang::HostCall) -> Result<Data, HostError> {
    match rt::decode(vm, call) {
        Ok(Some(rt::RtCall::Time { ns })) => Ok(now(ns)),
        Err(e) => Err(e),
        _ => Err(HostError {
            kind: "RuntimeError".into(),
            message: format!(
                "{} at module level: call it from main() or handler(event, context)",
                call.name
            ),
            detail: None,
        }),
    }
}

pub fn unix_seconds() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// What `time.time()` (a float of seconds) or `time.time_ns()` (an int of nanoseconds) answers.
pub fn now(ns: bool) -> Data {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    if ns {
        Data::Int(i64::try_from(since.as_nanos()).unwrap_or(i64::MAX))
    } else {
        Data::Float(since.as_secs_f64())
    }
}

/// Wall-clock Unix milliseconds (lease deadlines and sleep ends are in this unit).
pub fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Program {
    pub fn new(file: String, source: String, module: sl_lang::code::Module) -> Program {
        Program {
            file,
            source,
            module,
            image: OnceLock::new(),
        }
    }

    /// The VM after the module body, as bytes (built on first use, then shared).
    pub fn image(&self) -> Result<Arc<Vec<u8>>, String> {
        self.image
            .get_or_init(|| {
                let mut vm = new_vm(self.module.clone());
                let mut steps = 0u64;
                loop {
                    match vm.run(1 << 20) {
                        Outcome::Suspended => {
                            steps += 1 << 20;
                            if steps > BODY_STEPS_MAX {
                                return Err("the module body runs too long".into());
                            }
                        }
                        Outcome::Finished => break,
                        Outcome::Raised(e) => return Err(e.render_source(&self.file, &self.source)),
                        Outcome::Stopped => return Err("the module body was stopped".into()),
                        Outcome::HostCall(call) => {
                            let answer = module_level_answer(&vm, &call);
                            vm.resume(answer).map_err(|e| e.to_string())?;
                        }
                    }
                }
                vm.take_output();
                vm.take_errors();
                vm.snapshot().map(Arc::new).map_err(|e| e.to_string())
            })
            .clone()
    }
}

/// Programs by object key, least recently used first.
type Cache = Vec<(String, Arc<Program>)>;

#[derive(Clone)]
pub struct Programs {
    store: Store,
    cached: Arc<Mutex<Cache>>,
}

impl Programs {
    pub fn new(store: Store) -> Programs {
        Programs {
            store,
            cached: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The program stored at `key`, read at `reader` (the task's label).
    pub async fn get(&self, key: &str, file: &str, reader: &Label) -> Result<Arc<Program>, Error> {
        {
            let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(at) = cached.iter().position(|(k, _)| k == key) {
                let entry = cached.remove(at);
                let program = entry.1.clone();
                cached.push(entry);
                return Ok(program);
            }
        }
        let object = self
            .store
            .get(key.as_bytes(), reader)
            .await
            .map_err(|e| Error::Unavailable(e.to_string()))?
            .ok_or_else(|| Error::Broken(format!("the job's program {key} is gone")))?;
        if object.bytes.len() > SOURCE_BYTES_MAX {
            return Err(Error::Broken("the job's program is too large".into()));
        }
        let source = std::str::from_utf8(&object.bytes)
            .map_err(|_| Error::Broken("the job's program is not UTF-8".into()))?;
        let module = sl_lang::compile(file, source).map_err(|e| Error::Broken(e.to_string()))?;
        let program = Arc::new(Program::new(file.to_owned(), source.to_owned(), module));
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if cached.len() >= PROGRAMS_MAX {
            cached.remove(0);
        }
        cached.push((key.to_owned(), program.clone()));
        Ok(program)
    }
}
