//! The VM: frames, operand stacks, globals and the heap are plain data ([`State`]), so the whole
//! execution snapshots to bytes between any two instructions and resumes bit-for-bit elsewhere.
//! `run(budget)` executes at most `budget` instructions and returns whether the program finished,
//! raised, or is suspended with budget used up.
//!
//! Nothing here panics on a hostile snapshot: every index a snapshot carries (code, instruction,
//! local, constant, name, heap slot) is checked where it is used, and a bad one raises
//! `SystemError` in the program instead.

mod builtins;
mod burst;
mod bytearrays;
mod bytes_methods;
mod calls;
mod choose;
mod complexes;
mod digests;
mod dunders;
mod host;
mod ints;
mod library;
mod methods;
mod nested;
mod objects;
mod ops;
mod patterns;
mod protocols;
mod set_order;
mod sets;
mod text;
mod type_methods;

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use host::{Data, Error as HostDataError, HostCall, HostError, HostModule};
pub(crate) use objects::{WRAPPED_BUILTINS, base_module};

use crate::code::{BinOp, CmpOp, Const, Instr, Module};
use crate::frame::{Block, Frame, FrameKind, GeneratorEnd, Operator, Stage};
use crate::heap::{Dict, Heap, Key, Object};
use crate::value::Value;

/// Frames deep a program may recurse (RecursionError beyond), as CPython's default.
pub const RECURSION_MAX: usize = 1000;
/// Nested `try` blocks one frame may have open.
pub const BLOCKS_MAX: usize = 1024;
/// Locals one function may have.
pub const LOCALS_MAX: u32 = 1 << 16;
/// How deep `==` and `<` descend into nested containers (RecursionError beyond).
const COMPARE_DEPTH_MAX: usize = 1000;
/// Operand stack items per frame.
pub const STACK_MAX: usize = 1 << 16;
/// Buffered output before the embedder must drain it (MemoryError beyond).
pub const OUTPUT_MAX: usize = 64 << 20;

/// The builtin exception classes and their bases (CPython's hierarchy, the part the subset can
/// raise or name).
pub const EXCEPTIONS: &[(&str, Option<&str>)] = &[
    ("BaseException", None),
    ("Exception", Some("BaseException")),
    ("ArithmeticError", Some("Exception")),
    ("ZeroDivisionError", Some("ArithmeticError")),
    ("OverflowError", Some("ArithmeticError")),
    ("LookupError", Some("Exception")),
    ("IndexError", Some("LookupError")),
    ("KeyError", Some("LookupError")),
    ("TypeError", Some("Exception")),
    ("ValueError", Some("Exception")),
    ("NameError", Some("Exception")),
    ("UnboundLocalError", Some("NameError")),
    ("RuntimeError", Some("Exception")),
    ("RecursionError", Some("RuntimeError")),
    ("NotImplementedError", Some("RuntimeError")),
    ("AttributeError", Some("Exception")),
    ("AssertionError", Some("Exception")),
    ("StopIteration", Some("Exception")),
    ("MemoryError", Some("Exception")),
    ("ImportError", Some("Exception")),
    ("ModuleNotFoundError", Some("ImportError")),
    ("OSError", Some("Exception")),
    ("TimeoutError", Some("OSError")),
    ("UnicodeError", Some("ValueError")),
    ("GeneratorExit", Some("BaseException")),
    ("KeyboardInterrupt", Some("BaseException")),
    ("SystemExit", Some("BaseException")),
    ("SystemError", Some("Exception")),
    ("NotSupported", Some("Exception")),
    // Raised by the host (label rules, external services); appended so older indices stay.
    ("PermissionError", Some("OSError")),
    ("ConnectionError", Some("OSError")),
    ("SyntaxError", Some("Exception")),
    ("IndentationError", Some("SyntaxError")),
    ("EOFError", Some("Exception")),
    ("FloatingPointError", Some("ArithmeticError")),
    ("FileNotFoundError", Some("OSError")),
    ("UnicodeDecodeError", Some("UnicodeError")),
    ("UnicodeEncodeError", Some("UnicodeError")),
    ("BufferError", Some("Exception")),
    ("Warning", Some("Exception")),
    ("UserWarning", Some("Warning")),
    ("DeprecationWarning", Some("Warning")),
    ("RuntimeWarning", Some("Warning")),
    ("PendingDeprecationWarning", Some("Warning")),
    ("SyntaxWarning", Some("Warning")),
    ("FutureWarning", Some("Warning")),
    ("ImportWarning", Some("Warning")),
    ("UnicodeWarning", Some("Warning")),
    ("BytesWarning", Some("Warning")),
    ("ResourceWarning", Some("Warning")),
    ("EncodingWarning", Some("Warning")),
    ("FileExistsError", Some("OSError")),
    ("IsADirectoryError", Some("OSError")),
    ("NotADirectoryError", Some("OSError")),
    ("InterruptedError", Some("OSError")),
    ("BlockingIOError", Some("OSError")),
    ("ChildProcessError", Some("OSError")),
    ("ProcessLookupError", Some("OSError")),
    ("BrokenPipeError", Some("ConnectionError")),
    ("ConnectionAbortedError", Some("ConnectionError")),
    ("ConnectionRefusedError", Some("ConnectionError")),
    ("ConnectionResetError", Some("ConnectionError")),
    ("TabError", Some("IndentationError")),
    ("ReferenceError", Some("Exception")),
    ("StopAsyncIteration", Some("Exception")),
];

/// The index of a builtin exception class; unknown names are SystemError.
fn exception_index(name: &str) -> u16 {
    EXCEPTIONS
        .iter()
        .position(|(n, _)| *n == name)
        .or_else(|| EXCEPTIONS.iter().position(|(n, _)| *n == "SystemError"))
        .unwrap_or(0) as u16
}

/// Whether exception class `class` is `base` or derives from it.
fn derives(class: u16, base: u16) -> bool {
    let mut current = Some(class);
    for _ in 0..EXCEPTIONS.len() {
        match current {
            Some(c) if c == base => return true,
            Some(c) => {
                current = EXCEPTIONS
                    .get(c as usize)
                    .and_then(|(_, parent)| *parent)
                    .map(exception_index);
            }
            None => return false,
        }
    }
    false
}

/// Everything a running program is.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct State {
    pub module: Module,
    pub heap: Heap,
    pub globals: Vec<Option<Value>>,
    pub frames: Vec<Frame>,
    /// What `print` wrote and the embedder has not taken yet.
    pub output: String,
    /// What the program wrote to `sys.stderr` and the embedder has not taken yet.
    pub errors: String,
    pub steps: u64,
    /// Set once the program finished or raised.
    pub done: bool,
    /// Modules the embedder serves.
    pub hosts: Vec<HostModule>,
    /// Modules imported so far (each import gives the same object).
    pub modules: Vec<(String, Value)>,
    /// The host call the program waits on.
    pub pending: Option<HostCall>,
    /// An exception the embedder answered a host call with, raised when the run resumes.
    pub raise_on_resume: Option<(String, String)>,
    /// An exception object made from another VM's exception (its class, arguments and
    /// attributes), raised when the run resumes.
    pub raise_object_on_resume: Option<u32>,
    /// What the module body or the called function returned.
    pub result: Option<Value>,
}

/// A Python exception that reached the top: its type, message and traceback (outermost first:
/// function name and line).
#[derive(Clone, Debug, PartialEq)]
pub struct Exception {
    pub kind: String,
    pub message: String,
    pub traceback: Vec<(String, u32)>,
    /// What it takes to raise the same exception in another VM.
    pub detail: ExceptionDetail,
    /// The exceptions printed before it (its `__cause__`, or its `__context__` unless
    /// suppressed, and theirs), earliest first.
    pub chain: Vec<Chained>,
}

/// An exception of an uncaught one's chain, as its traceback prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct Chained {
    pub kind: String,
    pub message: String,
    pub traceback: Vec<(String, u32)>,
    /// Whether it is the next one's `__cause__` (else its `__context__`): which sentence
    /// separates them.
    pub cause: bool,
}

/// Links of an exception chain a traceback shows (CPython has no limit; a chain this long is
/// a program raising in a loop of handlers).
const CHAIN_MAX: usize = 1000;

/// An exception's contents as data, beyond its kind and `str()`: what `repr(e)` shows between
/// the parentheses, `e.args`, and the attributes set on it (those that are data; an argument
/// that is not becomes its type name in angle brackets).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExceptionDetail {
    pub shown: String,
    pub args: Vec<Data>,
    pub attrs: Vec<(String, Data)>,
}

impl Exception {
    /// CPython's shape: `Traceback (most recent call last):`, a `File` line per frame, then
    /// `Kind: message`.
    pub fn render(&self, file: &str) -> String {
        self.render_source(file, "")
    }

    /// [`Exception::render`] with each frame's line of `source` (the program's text) under its
    /// `File` line, stripped, as CPython shows it; 3.11's carets under the failing expression
    /// are not drawn.
    pub fn render_source(&self, file: &str, source: &str) -> String {
        let lines: Vec<&str> = source.lines().collect();
        let mut text = String::new();
        for link in &self.chain {
            if !link.traceback.is_empty() {
                text.push_str(HEADER);
            }
            let frames = &link.traceback;
            render_one(&mut text, file, &lines, &link.kind, &link.message, frames);
            text.push_str(if link.cause {
                "\nThe above exception was the direct cause of the following exception:\n\n"
            } else {
                "\nDuring handling of the above exception, another exception occurred:\n\n"
            });
        }
        text.push_str(HEADER);
        let frames = &self.traceback;
        render_one(&mut text, file, &lines, &self.kind, &self.message, frames);
        text
    }
}

const HEADER: &str = "Traceback (most recent call last):\n";

/// One exception of a traceback after its header: its frames, then `Kind: message`. (A chained
/// exception never raised, such as a cause made in the `from` clause, has no frames and, as in
/// CPython, no header.)
fn render_one(
    text: &mut String,
    file: &str,
    source: &[&str],
    kind: &str,
    message: &str,
    frames: &[(String, u32)],
) {
    for line in source_frame_lines(file, frames, source) {
        text.push_str(&line);
    }
    if message.is_empty() {
        let _ = writeln!(text, "{kind}");
    } else {
        let _ = writeln!(text, "{kind}: {message}");
    }
}

/// Identical consecutive frames shown before the rest are counted (CPython's
/// `_RECURSIVE_CUTOFF`).
const REPEATS_SHOWN: usize = 3;

/// A traceback's `File` lines, outermost first, with CPython's folding of a line repeated
/// more than three times in a row into `[Previous line repeated N more times]`.
pub fn frame_lines(file: &str, frames: &[(String, u32)]) -> Vec<String> {
    source_frame_lines(file, frames, &[])
}

/// [`frame_lines`], each `File` line followed by its line of `source` when there is one.
fn source_frame_lines(file: &str, frames: &[(String, u32)], source: &[&str]) -> Vec<String> {
    let mut lines = Vec::with_capacity(frames.len().min(64));
    let folded = |n: usize| {
        format!(
            "  [Previous line repeated {n} more time{}]\n",
            if n > 1 { "s" } else { "" }
        )
    };
    let mut run = 0usize;
    for (i, (function, line)) in frames.iter().enumerate() {
        if i > 0 && frames[i - 1] == frames[i] {
            run += 1;
        } else {
            if run > REPEATS_SHOWN {
                lines.push(folded(run - REPEATS_SHOWN));
            }
            run = 1;
        }
        if run <= REPEATS_SHOWN {
            lines.push(format!("  File \"{file}\", line {line}, in {function}\n"));
            let text = (*line as usize)
                .checked_sub(1)
                .and_then(|i| source.get(i))
                .map_or("", |l| l.trim());
            if !text.is_empty() {
                lines.push(format!("    {text}\n"));
            }
        }
    }
    if run > REPEATS_SHOWN {
        lines.push(folded(run - REPEATS_SHOWN));
    }
    lines
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Finished,
    Raised(Exception),
    /// The budget ran out or the deadline passed; call `run` again (possibly after a snapshot
    /// and a restore).
    Suspended,
    /// The program called a host function: answer with [`Vm::resume`], then `run` again. The VM
    /// can be snapshotted while it waits.
    HostCall(HostCall),
    /// The deadline passed while Python code ran inside a builtin (a special method, a
    /// generator being consumed): the state cannot be resumed; restore an earlier snapshot.
    Stopped,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("snapshot bytes are not a valid VM state: {0}")]
    Snapshot(String),
}

/// An exception on its way up: a new one of a builtin kind, or an exception object.
enum Raise {
    New(&'static str, String),
    Object(u32),
    /// The exception a handler in the running frame took, raised again (CPython's `RERAISE`:
    /// a bare `raise`, no `except` clause matching, the end of a `finally` or a `with`): the
    /// running frame is already in its traceback.
    Again(u32),
    /// The deadline passed inside a nested run: leave without running handlers.
    Stop,
}

#[cold]
fn raise<T>(kind: &'static str, message: impl Into<String>) -> Result<T, Raise> {
    Err(Raise::New(kind, message.into()))
}

pub struct Vm {
    state: State,
    /// Set by another thread to stop the run (checked every 1,024 instructions).
    deadline: Option<Arc<AtomicBool>>,
    /// Nested runs in progress (see `nested.rs`).
    nested: usize,
    /// Whether the generator a builtin resumed returned instead of yielding.
    generator_returned: bool,
    /// The last instruction made a host call.
    host_signal: bool,
    /// The state is unusable (stopped inside a nested run).
    stopped: bool,
    /// How deep Rust-level recursion through calls and iterators is (bounded).
    rust_depth: u32,
    /// Locals and operand-stack vectors of returned frames, reused by calls (bounded).
    spare_locals: Vec<Vec<Option<Value>>>,
    spare_stacks: Vec<Vec<Value>>,
    /// Compiled `re` patterns (rebuilt from their text after a restore; see `library.rs`).
    /// Shared, not cloned per search: a `Regex` clone starts with empty lazy-DFA caches, which
    /// every search would then rebuild (a regex-heavy program ran 6× slower than CPython so).
    regexes: Vec<(String, std::sync::Arc<regex::Regex>)>,
    /// The character count of the last long str measured (see `str_chars`).
    str_chars: Option<StrChars>,
    /// The heap object of each str, bytes and big int constant loaded so far, by constant
    /// index: one object per constant, as CPython shares its code objects' constants, instead
    /// of a new one (a str's buffer, a big int parsed from its digits) at every `LoadConst`.
    /// Those objects are never changed in place, so sharing one is invisible but to `is`.
    /// Rooted by `collect`; not part of the snapshot (a restored run makes them again).
    const_objects: Vec<Option<u32>>,
}

/// A str's character count, for the heap slot it was measured in; valid while that slot holds
/// the same buffer (cleared when the slot is reused or the heap collected, and checked
/// against the buffer's address and length besides).
#[derive(Clone, Copy)]
struct StrChars {
    slot: u32,
    ptr: usize,
    bytes: usize,
    chars: usize,
}

/// Strs shorter than this are measured each time (cheap) rather than cached.
const STR_CHARS_CACHED_MIN: usize = 256;

/// CPython builtins the VM does not have: naming one is a clear NotSupported, not a NameError
/// that reads like a typo (`globals`, `eval` and `exec` need namespaces as live dicts and code
/// made at run time, which a checkpointed task does not have; the types are not built yet).
/// `locals()` is there inside functions, where CPython's is a snapshot too.
const UNSUPPORTED_BUILTINS: &[&str] = &[
    "globals",
    "eval",
    "exec",
    "compile",
    "__import__",
    "memoryview",
    "breakpoint",
    "help",
];

/// Traceback entries for comprehension frames use code indexes counting down from here (no
/// module has that many code objects: `compile::CODES_MAX`).
const COMPREHENSION_FRAME: u32 = u32::MAX - 1;
/// Spare frame vectors kept for reuse.
const SPARES_MAX: usize = 64;
/// Rust-level recursion through `call_with` and `next` (each level is a callable calling a
/// callable, or an iterator wrapping an iterator), beyond which RecursionError.
const RUST_DEPTH_MAX: u32 = 200;

/// Builtin functions and types, by index (`Value::Builtin`). Dotted names belong to a builtin
/// module (`math.sqrt`) or are reached only through attributes (`BaseException.__init__`).
const BUILTINS: &[&str] = &[
    "print",
    "len",
    "range",
    "str",
    "int",
    "float",
    "abs",
    "min",
    "max",
    "sum",
    "bool",
    "list",
    "repr",
    "isinstance",
    "type",
    "round",
    "format",
    "enumerate",
    "zip",
    "sorted",
    "reversed",
    "dict",
    "tuple",
    "all",
    "any",
    "chr",
    "ord",
    "divmod",
    "filter",
    "map",
    "getattr",
    "hasattr",
    "setattr",
    "delattr",
    "hash",
    "iter",
    "next",
    "pow",
    "set",
    "frozenset",
    "super",
    "issubclass",
    "callable",
    "bytes",
    "object",
    "property",
    "staticmethod",
    "classmethod",
    "hex",
    "oct",
    "bin",
    "id",
    "ascii",
    "NoneType",
    "function",
    "generator",
    "module",
    "slice",
    "builtin_function_or_method",
    "BaseException.__init__",
    "BaseException.__str__",
    "object.__init__",
    "object.__repr__",
    "property.setter",
    "property.getter",
    "math.sqrt",
    "math.floor",
    "math.ceil",
    "math.log",
    "math.log2",
    "math.log10",
    "math.exp",
    "math.sin",
    "math.cos",
    "math.tan",
    "math.atan",
    "math.atan2",
    "math.asin",
    "math.acos",
    "math.fabs",
    "math.gcd",
    "math.isqrt",
    "math.factorial",
    "math.hypot",
    "math.isnan",
    "math.isinf",
    "math.isfinite",
    "math.trunc",
    "math.comb",
    "math.perm",
    "math.prod",
    "math.fsum",
    "math.copysign",
    "math.lcm",
    "math.pow",
    "math.degrees",
    "math.radians",
    "functools.reduce",
    "sys.setrecursionlimit",
    "sys.getrecursionlimit",
    "sys.set_int_max_str_digits",
    "math.cbrt",
    "math.exp2",
    "math.expm1",
    "math.log1p",
    "math.sinh",
    "math.cosh",
    "math.tanh",
    "math.asinh",
    "math.acosh",
    "math.atanh",
    "math.erf",
    "math.erfc",
    "math.gamma",
    "math.lgamma",
    "math.fmod",
    "math.remainder",
    "math.nextafter",
    "math.ldexp",
    "math.frexp",
    "math.modf",
    "math.isclose",
    "math.dist",
    "math.ulp",
    "_sl.is_instance",
    "_sl.copy_instance",
    "_sl.instance_attrs",
    "_sl.json_loads",
    "_sl.json_string",
    "_sl.mt_twist",
    "_sl.re_compile",
    "_sl.re_search",
    "_sl.bare_instance",
    "_sl.re_scan",
    "_sl.choose",
    "_sl.write",
    "dict.fromkeys",
    "int.from_bytes",
    "str.maketrans",
    "float.fromhex",
    "bytes.fromhex",
    // `value::NOT_IMPLEMENTED` is this index (a test checks it).
    "NotImplemented",
    "NotImplementedType",
    // `value::ELLIPSIS`.
    "Ellipsis",
    "ellipsis",
    "vars",
    "dir",
    "_sl.json_dumps",
    "_sl.count_elements",
    "_sl.re_findall",
    "_sl.mt_below",
    "_sl.mt_random",
    // `builtins::ITERATOR_TYPES`, in that order.
    "list_iterator",
    "tuple_iterator",
    "str_ascii_iterator",
    "str_iterator",
    "bytes_iterator",
    "range_iterator",
    "dict_keyiterator",
    "dict_valueiterator",
    "dict_itemiterator",
    "set_iterator",
    "list_reverseiterator",
    "locals",
    "_sl.hash_digest",
    "_sl.b64encode",
    "_sl.b64decode",
    "_sl.float_pack",
    "_sl.float_unpack",
    "_sl.exc_info",
    "_sl.format_tb",
    "_sl.caller_line",
    "object.__new__",
    "object.__setattr__",
    "_sl.mix",
    "bytearray",
    "bytearray.fromhex",
    "bytearray_iterator",
    "bytes.maketrans",
    "bytearray.maketrans",
    "complex",
    // New builtins go last: a snapshot holds builtins by index.
];

impl Vm {
    /// A VM about to run `module`'s body.
    pub fn new(module: Module) -> Vm {
        let globals = vec![None; module.names.len()];
        let locals = module.codes.first().map_or(0, |c| c.locals as usize);
        Vm {
            state: State {
                module,
                heap: Heap::default(),
                globals,
                frames: vec![Frame::new(0, vec![None; locals])],
                output: String::new(),
                errors: String::new(),
                steps: 0,
                done: false,
                hosts: Vec::new(),
                modules: Vec::new(),
                pending: None,
                raise_on_resume: None,
                raise_object_on_resume: None,
                result: None,
            },
            deadline: None,
            nested: 0,
            generator_returned: false,
            host_signal: false,
            stopped: false,
            rust_depth: 0,
            spare_locals: Vec::new(),
            spare_stacks: Vec::new(),
            const_objects: Vec::new(),
            regexes: Vec::new(),
            str_chars: None,
        }
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Takes what the program printed since the last call.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.state.output)
    }

    /// Takes what the program wrote to `sys.stderr` since the last call.
    pub fn take_errors(&mut self) -> String {
        std::mem::take(&mut self.state.errors)
    }

    /// Frees what nothing reaches, now (the VM also does so on its own as it allocates): before
    /// a snapshot, so it carries no garbage (nor the constants' objects: a restored run makes
    /// them again).
    pub fn collect_garbage(&mut self) {
        self.const_objects.clear();
        self.collect();
    }

    pub fn snapshot(&self) -> Result<Vec<u8>, Error> {
        rkyv::to_bytes::<rkyv::rancor::Error>(&self.state)
            .map(|b| b.to_vec())
            .map_err(|e| Error::Snapshot(e.to_string()))
    }

    /// Restores a snapshot. Bytes that do not decode are an error; bytes that decode to a state
    /// with out-of-range indexes make the program raise `SystemError` when it touches them.
    pub fn restore(bytes: &[u8]) -> Result<Vm, Error> {
        let mut aligned = rkyv::util::AlignedVec::<16>::with_capacity(bytes.len());
        aligned.extend_from_slice(bytes);
        let state = rkyv::from_bytes::<State, rkyv::rancor::Error>(&aligned)
            .map_err(|e| Error::Snapshot(e.to_string()))?;
        // Structural facts the VM relies on without checking at each use.
        if state.globals.len() != state.module.names.len() {
            return Err(Error::Snapshot("globals and names differ in length".into()));
        }
        if !state.heap.free_list_is_consistent() {
            return Err(Error::Snapshot(
                "the heap's free list names a live or missing slot".into(),
            ));
        }
        for object in state.heap.slots.iter().flatten() {
            if let Object::Range { step: 0, .. }
            | Object::Iter(crate::heap::Iter::Range { step: 0, .. }) = object
            {
                return Err(Error::Snapshot("a range with step 0".into()));
            }
            if let Object::Dict(d) | Object::Set { items: d, .. } = object
                && !d.is_consistent()
            {
                return Err(Error::Snapshot(
                    "a dict's index does not match its entries".into(),
                ));
            }
        }
        Ok(Vm {
            state,
            deadline: None,
            nested: 0,
            generator_returned: false,
            host_signal: false,
            stopped: false,
            rust_depth: 0,
            spare_locals: Vec::new(),
            spare_stacks: Vec::new(),
            const_objects: Vec::new(),
            regexes: Vec::new(),
            str_chars: None,
        })
    }

    /// Sets the memory limit in bytes (roughly counted; MemoryError beyond).
    pub fn set_memory_limit(&mut self, bytes: u64) {
        self.state.heap.limit = bytes;
    }

    fn deadline_passed(&self) -> bool {
        self.deadline
            .as_ref()
            .is_some_and(|d| d.load(Ordering::Relaxed))
    }

    /// Runs at most `budget` instructions.
    pub fn run(&mut self, budget: u64) -> Outcome {
        let outcome = self.run_inner(budget);
        clean_exit(outcome)
    }

    /// Runs at most `budget` instructions, or until another thread sets `deadline` (checked every
    /// 1,024 instructions): then `Suspended`, at an instruction boundary, ready to snapshot —
    /// or `Stopped` if the deadline came inside Python code a builtin was running.
    pub fn run_until(&mut self, budget: u64, deadline: &Arc<AtomicBool>) -> Outcome {
        self.deadline = Some(deadline.clone());
        let outcome = self.run_inner(budget);
        self.deadline = None;
        clean_exit(outcome)
    }

    fn run_inner(&mut self, budget: u64) -> Outcome {
        if self.stopped {
            return Outcome::Stopped;
        }
        if self.state.pending.is_some() {
            return self.host_outcome();
        }
        if self.state.done {
            return Outcome::Finished;
        }
        if let Some((kind, message)) = self.state.raise_on_resume.take() {
            // Unknown kinds from the embedder become RuntimeError.
            let kind = EXCEPTIONS
                .iter()
                .find(|(n, _)| *n == kind)
                .map_or("RuntimeError", |(n, _)| n);
            if let Some(exception) = self.unwind(Raise::New(kind, message)) {
                self.state.done = true;
                return Outcome::Raised(exception);
            }
        }
        if let Some(object) = self.state.raise_object_on_resume.take() {
            if !matches!(self.state.heap.get(object), Some(Object::Exception { .. })) {
                // Only a hostile snapshot gets here.
                self.state.done = true;
                return Outcome::Raised(self.exception_report(object));
            }
            if let Some(exception) = self.unwind(Raise::Object(object)) {
                self.state.done = true;
                return Outcome::Raised(exception);
            }
        }
        // Whether to collect changes only when something was allocated: the heap is asked
        // again only then (most instructions allocate nothing).
        let mut looked_at = u64::MAX;
        let mut executed = 0;
        // The deadline is looked at every 1,024 instructions; a burst never runs past that.
        let mut next_look = 1023.min(budget);
        while executed < budget {
            if executed >= next_look {
                if self.deadline_passed() {
                    return Outcome::Suspended;
                }
                next_look = executed.saturating_add(1024).min(budget);
            }
            let allocations = self.state.heap.allocations();
            if allocations != looked_at && {
                looked_at = allocations;
                self.state.heap.wants_collection()
            } {
                self.collect();
                looked_at = self.state.heap.allocations();
                if self.state.heap.over_limit()
                    && let Some(exception) = self.unwind(Raise::New("MemoryError", String::new()))
                {
                    self.state.done = true;
                    return Outcome::Raised(exception);
                }
            }
            let (ran, result) = self.run_some(0, next_look.max(executed + 1) - executed);
            executed += ran;
            match result {
                Ok(true) => {
                    self.state.done = true;
                    return Outcome::Finished;
                }
                Ok(false) => {}
                Err(Raise::Stop) => {
                    self.stopped = true;
                    return Outcome::Stopped;
                }
                Err(raised) => {
                    if let Some(exception) = self.unwind(raised) {
                        self.state.done = true;
                        return Outcome::Raised(exception);
                    }
                }
            }
            if self.host_signal {
                self.host_signal = false;
                return self.host_outcome();
            }
        }
        Outcome::Suspended
    }

    /// Handles an exception at the top level: `None` when a handler took it, else the exception
    /// that ended the program.
    fn unwind(&mut self, raised: Raise) -> Option<Exception> {
        let again = matches!(raised, Raise::Again(_));
        let object = match self.exception_object(raised) {
            Ok(object) => object,
            Err(exception) => return Some(exception),
        };
        if !again {
            self.set_context(object);
        }
        let mut object = object;
        if self.unwind_frames(&mut object, 0, !again) {
            return None;
        }
        self.state.frames.clear();
        Some(self.exception_report(object))
    }

    /// Handles an exception inside a nested run: `None` when a frame above `floor` took it, else
    /// the exception object, to raise below.
    fn unwind_to(&mut self, raised: Raise, floor: usize) -> Option<u32> {
        let again = matches!(raised, Raise::Again(_));
        let object = match self.exception_object(raised) {
            Ok(object) => object,
            Err(_) => return None,
        };
        if !again {
            self.set_context(object);
        }
        let mut object = object;
        if self.unwind_frames(&mut object, floor, !again) {
            None
        } else {
            Some(object)
        }
    }

    /// CPython's implicit chaining: an exception raised while another is handled records that
    /// one as its `__context__` (not for a re-raise, nor for the handled exception itself). A
    /// chain that would come back to `object` is cut there, as `_PyErr_SetObject` does.
    fn set_context(&mut self, object: u32) {
        let Some(handled) = self.handled_exception() else {
            return;
        };
        if handled == Value::Ref(object) {
            return;
        }
        let mut link = handled;
        for _ in 0..CHAIN_MAX {
            let Value::Ref(r) = link else { break };
            let Some(Object::Exception { context, .. }) = self.state.heap.get_mut(r) else {
                break;
            };
            match *context {
                Some(next) if next == Value::Ref(object) => {
                    *context = None;
                    break;
                }
                Some(next) => link = next,
                None => break,
            }
        }
        if let Some(Object::Exception { context, .. }) = self.state.heap.get_mut(object) {
            *context = Some(handled);
        }
    }

    /// The heap object for an exception on its way up (allocated for a new one). `Err` when not
    /// even that fits in memory (rare and already slow: not worth boxing every `Exception`).
    #[allow(clippy::result_large_err)]
    fn exception_object(&mut self, raised: Raise) -> Result<u32, Exception> {
        match raised {
            Raise::Object(r) | Raise::Again(r) => Ok(r),
            Raise::Stop => Err(Exception {
                kind: "SystemError".into(),
                message: "stopped".into(),
                traceback: Vec::new(),
                detail: ExceptionDetail::default(),
                chain: Vec::new(),
            }),
            Raise::New(kind, message) => {
                let class = exception_index(kind);
                // A KeyError's message is already the key's repr, as CPython's str(KeyError) is.
                let shown = if message.is_empty() || kind == "KeyError" {
                    message.clone()
                } else {
                    py_str_repr(&message)
                };
                // `e.args`: the message, or the key a KeyError's repr message quotes.
                let arg = match kind {
                    _ if message.is_empty() => None,
                    "KeyError" => message
                        .strip_prefix('\'')
                        .and_then(|m| m.strip_suffix('\''))
                        .map(str::to_owned),
                    _ => Some(message.clone()),
                };
                let args = arg
                    .and_then(|a| self.state.heap.alloc(Object::Str(a)))
                    .map(Value::Ref)
                    .into_iter()
                    .collect();
                let exception = Object::Exception {
                    class,
                    user: None,
                    args,
                    message: message.clone(),
                    shown,
                    traceback: Vec::new(),
                    attrs: Vec::new(),
                    cause: None,
                    context: None,
                    suppress_context: false,
                };
                self.str_chars = None;
                self.state.heap.alloc(exception).ok_or(Exception {
                    kind: kind.to_owned(),
                    message,
                    traceback: Vec::new(),
                    detail: ExceptionDetail::default(),
                    chain: Vec::new(),
                })
            }
        }
    }

    /// Pops frames above `floor` until one has a `try` block, adding each to the traceback
    /// (the running one only when `record_running`: not for a re-raise). Whether a handler was
    /// found.
    /// A StopIteration leaving a generator becomes a RuntimeError caused by it (PEP 479), so
    /// `object` may change on the way.
    fn unwind_frames(&mut self, object: &mut u32, floor: usize, record_running: bool) -> bool {
        let mut record = record_running;
        while self.state.frames.len() > floor {
            let Some(frame) = self.state.frames.last() else {
                break;
            };
            let line = self
                .state
                .module
                .codes
                .get(frame.code as usize)
                .and_then(|c| c.lines.get(frame.pc.saturating_sub(1) as usize))
                .copied()
                .unwrap_or(0);
            let code = frame.code;
            // Comprehensions the instruction sits in show as frames of their own, innermost
            // first (CPython runs each in its own function).
            let mut inner: Vec<(u32, u8)> = self
                .state
                .module
                .codes
                .get(code as usize)
                .map(|c| {
                    let at = frame.pc.saturating_sub(1);
                    c.comprehensions
                        .iter()
                        .filter(|(s, e, _)| *s <= at && at < *e)
                        .map(|(s, _, k)| (*s, *k))
                        .collect()
                })
                .unwrap_or_default();
            inner.sort_by_key(|(start, _)| std::cmp::Reverse(*start));
            if std::mem::replace(&mut record, true)
                && code != u32::MAX
                && let Some(Object::Exception { traceback, .. }) = self.state.heap.get_mut(*object)
                && traceback.len() < RECURSION_MAX + 8
            {
                for (_, kind) in inner {
                    traceback.push((COMPREHENSION_FRAME - kind as u32, line));
                }
                traceback.push((code, line));
            }
            if let Some(frame) = self.state.frames.last_mut()
                && let Some(block) = frame.blocks.pop()
            {
                frame.stack.truncate(block.depth as usize);
                frame.stack.push(Value::Ref(*object));
                frame.pc = block.handler;
                return true;
            }
            if let Some(frame) = self.state.frames.pop()
                && let FrameKind::Generator { object: g, .. } = frame.kind
            {
                self.generator_finished(g);
                if self.is_exception(*object, "StopIteration") {
                    *object = self.stop_iteration_escaped(*object);
                }
            }
        }
        false
    }

    /// The RuntimeError a StopIteration becomes when it leaves a generator, caused by it (the
    /// StopIteration itself when not even that fits in memory).
    fn stop_iteration_escaped(&mut self, stop: u32) -> u32 {
        const MESSAGE: &str = "generator raised StopIteration";
        let args = self
            .state
            .heap
            .alloc(Object::Str(MESSAGE.into()))
            .map(Value::Ref)
            .into_iter()
            .collect();
        let exception = Object::Exception {
            class: exception_index("RuntimeError"),
            user: None,
            args,
            message: MESSAGE.into(),
            shown: py_str_repr(MESSAGE),
            traceback: Vec::new(),
            attrs: Vec::new(),
            cause: Some(Value::Ref(stop)),
            context: Some(Value::Ref(stop)),
            suppress_context: true,
        };
        self.str_chars = None;
        self.state.heap.alloc(exception).unwrap_or(stop)
    }

    /// The uncaught exception as the embedder sees it.
    fn exception_report(&self, object: u32) -> Exception {
        let (kind, message, traceback, detail) = match self.state.heap.get(object) {
            Some(Object::Exception {
                class,
                user,
                message,
                traceback,
                shown,
                args,
                attrs,
                ..
            }) => {
                let kind = self.exception_kind(*class, *user);
                let as_data = |v: &Value| {
                    self.to_data(*v).unwrap_or_else(|_| {
                        Data::Str(format!(
                            "<{}>",
                            self.type_name(*v).unwrap_or_else(|_| "object".into())
                        ))
                    })
                };
                let detail = ExceptionDetail {
                    shown: shown.clone(),
                    args: args.iter().map(as_data).collect(),
                    attrs: attrs
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), self.to_data(*v).ok()?)))
                        .collect(),
                };
                (kind, message.clone(), traceback.clone(), detail)
            }
            _ => (
                "SystemError".into(),
                "bad exception".into(),
                Vec::new(),
                ExceptionDetail::default(),
            ),
        };
        Exception {
            kind,
            message,
            detail,
            traceback: self.traceback_frames(&traceback),
            chain: self.exception_chain(object),
        }
    }

    /// The exceptions a traceback prints before `object`, earliest first: each one's
    /// `__cause__`, else its `__context__` unless suppressed, stopping at one already shown.
    fn exception_chain(&self, object: u32) -> Vec<Chained> {
        let mut chain = Vec::new();
        let mut seen = vec![object];
        let mut at = object;
        while chain.len() < CHAIN_MAX {
            let Some(Object::Exception {
                cause,
                context,
                suppress_context,
                ..
            }) = self.state.heap.get(at)
            else {
                break;
            };
            let (next, is_cause) = match (cause, context) {
                (Some(Value::Ref(c)), _) => (*c, true),
                (None, Some(Value::Ref(c))) if !suppress_context => (*c, false),
                _ => break,
            };
            if seen.contains(&next) {
                break;
            }
            let Some(Object::Exception {
                class,
                user,
                message,
                traceback,
                ..
            }) = self.state.heap.get(next)
            else {
                break;
            };
            seen.push(next);
            chain.push(Chained {
                kind: self.exception_kind(*class, *user),
                message: message.clone(),
                traceback: self.traceback_frames(traceback),
                cause: is_cause,
            });
            at = next;
        }
        chain.reverse();
        chain
    }

    /// An exception's class name as a traceback's last line shows it.
    fn exception_kind(&self, class: u16, user: Option<u32>) -> String {
        match user {
            Some(u) => self.class_name(u).unwrap_or_else(|_| "Exception".into()),
            None => EXCEPTIONS
                .get(class as usize)
                .map_or("SystemError", |(n, _)| n)
                .to_owned(),
        }
    }

    /// The frames of an exception's traceback as tracebacks print them, outermost first:
    /// function name and line (library and prelude frames left out).
    pub(super) fn traceback_frames(&self, traceback: &[(u32, u32)]) -> Vec<(String, u32)> {
        traceback
            .iter()
            .rev()
            // Line 0 is library code (`library.rs`), shown no more than the prelude.
            .filter(|(code, line)| {
                *line != 0
                    && !self
                        .state
                        .module
                        .codes
                        .get(*code as usize)
                        .is_some_and(|c| c.name.starts_with("__sl_"))
            })
            .map(|(code, line)| {
                let name = match COMPREHENSION_FRAME.checked_sub(*code) {
                    Some(0) => "<listcomp>".to_owned(),
                    Some(1) => "<setcomp>".to_owned(),
                    Some(2) => "<dictcomp>".to_owned(),
                    _ => self
                        .state
                        .module
                        .codes
                        .get(*code as usize)
                        .map_or("?".into(), |c| c.name.clone()),
                };
                (name, *line)
            })
            .collect()
    }

    #[inline]
    fn frame(&mut self) -> Result<&mut Frame, Raise> {
        match self.state.frames.last_mut() {
            Some(f) => Ok(f),
            None => raise("SystemError", "no frame"),
        }
    }

    #[inline]
    fn push(&mut self, v: Value) -> Result<(), Raise> {
        let frame = self.frame()?;
        if frame.stack.len() >= STACK_MAX {
            return raise("MemoryError", "operand stack overflow");
        }
        frame.stack.push(v);
        Ok(())
    }

    #[inline]
    fn pop(&mut self) -> Result<Value, Raise> {
        match self.frame()?.stack.pop() {
            Some(v) => Ok(v),
            None => raise("SystemError", "operand stack underflow"),
        }
    }

    fn pop_n(&mut self, n: usize) -> Result<Vec<Value>, Raise> {
        let frame = self.frame()?;
        if frame.stack.len() < n {
            return raise("SystemError", "operand stack underflow");
        }
        let at = frame.stack.len() - n;
        Ok(frame.stack.split_off(at))
    }

    /// Allocates. Collection happens only between instructions (see `run_inner`), where every
    /// live value is reachable from the state; here, in the middle of one, Rust locals may hold
    /// values nothing else does.
    fn alloc(&mut self, object: Object) -> Result<Value, Raise> {
        match self.state.heap.alloc_bounded(object) {
            Some(r) => {
                if self.str_chars.is_some_and(|c| c.slot == r) {
                    self.str_chars = None;
                }
                Ok(Value::Ref(r))
            }
            None => raise("MemoryError", ""),
        }
    }

    /// How many characters the str in slot `r` holds (its length in Python), or None for any
    /// other object. Loops slice and index the same long str over and over (`seq[i:i + k]`,
    /// a regex match's groups), and telling ASCII apart or counting characters is O(n) each
    /// time: the last long str's count is kept.
    fn str_chars(&mut self, r: u32) -> Result<Option<usize>, Raise> {
        let Object::Str(s) = self.object(r)? else {
            return Ok(None);
        };
        let (ptr, bytes) = (s.as_ptr() as usize, s.len());
        if let Some(c) = self.str_chars
            && c.slot == r
            && c.ptr == ptr
            && c.bytes == bytes
        {
            return Ok(Some(c.chars));
        }
        let chars = if s.is_ascii() {
            bytes
        } else {
            s.chars().count()
        };
        if bytes >= STR_CHARS_CACHED_MIN {
            self.str_chars = Some(StrChars {
                slot: r,
                ptr,
                bytes,
                chars,
            });
        }
        Ok(Some(chars))
    }

    fn collect(&mut self) {
        self.str_chars = None;
        let mut roots = Vec::new();
        let mut add = |v: &Value| {
            if let Value::Ref(r) = v {
                roots.push(*r);
            }
        };
        self.state.globals.iter().flatten().for_each(&mut add);
        for frame in &self.state.frames {
            frame.locals.iter().flatten().for_each(&mut add);
            frame.stack.iter().for_each(&mut add);
            if let Some(owner) = frame.owner {
                add(&Value::Ref(owner));
            }
            if let FrameKind::Init(r) | FrameKind::Generator { object: r, .. } = frame.kind {
                add(&Value::Ref(r));
            }
            if let FrameKind::Operator { left, right, .. } = frame.kind {
                add(&left);
                add(&right);
            }
        }
        self.state.modules.iter().for_each(|(_, v)| add(v));
        if let Some(v) = &self.state.result {
            add(v);
        }
        if let Some(call) = &self.state.pending {
            call.args.iter().for_each(&mut add);
            call.kwargs.iter().for_each(|(_, v)| add(v));
        }
        if let Some(object) = self.state.raise_object_on_resume {
            roots.push(object);
        }
        roots.extend(self.const_objects.iter().flatten());
        self.state.heap.collect(roots.into_iter());
    }

    fn object(&self, r: u32) -> Result<&Object, Raise> {
        match self.state.heap.get(r) {
            Some(o) => Ok(o),
            None => raise("SystemError", "dangling reference"),
        }
    }

    fn str_value(&mut self, s: String) -> Result<Value, Raise> {
        self.alloc(Object::Str(s))
    }

    /// One instruction. `Ok(true)` when the module body returned.
    #[inline(always)]
    fn step(&mut self) -> Result<bool, Raise> {
        self.state.steps += 1;
        let Some(frame) = self.state.frames.last_mut() else {
            return raise("SystemError", "no frame");
        };
        let Some(instr) = self
            .state
            .module
            .codes
            .get(frame.code as usize)
            .and_then(|c| c.instrs.get(frame.pc as usize))
            .copied()
        else {
            return raise("SystemError", "instruction out of range");
        };
        frame.pc += 1;
        self.step_with(instr)
    }

    /// Runs bursts of in-frame instructions (see `burst`) and the instructions between them
    /// until `limit` instructions ran or one of them was not in-frame; returns how many ran
    /// and whether the module body returned.
    /// A nested run passes its `floor` (see `run_nested`); the top-level run passes 0.
    #[inline(always)]
    fn run_some(&mut self, floor: usize, limit: u64) -> (u64, Result<bool, Raise>) {
        let spares = (&mut self.spare_locals, &mut self.spare_stacks);
        match burst::burst(
            &mut self.state,
            spares,
            &self.const_objects,
            &mut self.generator_returned,
            floor,
            limit,
        ) {
            (ran, burst::Burst::Limit | burst::Burst::Floor) => (ran, Ok(false)),
            (ran, burst::Burst::Next(instr)) => {
                self.state.steps += 1;
                (ran + 1, self.step_with(instr))
            }
            (ran, burst::Burst::Lost) => (ran + 1, self.step()),
        }
    }

    /// One instruction already fetched and counted (the program counter has moved past it).
    #[inline(always)]
    fn step_with(&mut self, instr: Instr) -> Result<bool, Raise> {
        // A superinstruction the in-frame loop did not take: the instruction it replaced (the
        // rest of its run follows in place).
        match self.fast_instr(instr.unfused())? {
            None => Ok(false),
            Some(instr) => self.execute(instr),
        }
    }

    /// Runs `instr` if it has a generator fast path (resuming one, or yielding back to its
    /// consumer); else returns it for `execute`. The in-frame fast paths, plain calls and
    /// returns are `burst`'s.
    #[inline(always)]
    fn fast_instr(&mut self, instr: Instr) -> Result<Option<Instr>, Raise> {
        let depth = self.state.frames.len();
        let Some(frame) = self.state.frames.last_mut() else {
            return raise("SystemError", "no frame");
        };
        match instr {
            Instr::ForIter(target) => {
                // A paused generator: its frame goes back on the frame stack (ranges, lists
                // and tuples are the burst's).
                let Some(Value::Ref(r)) = frame.stack.last().copied() else {
                    return Ok(Some(instr));
                };
                match self.state.heap.get_mut(r) {
                    Some(Object::Generator(_)) if depth < RECURSION_MAX => {
                        if let Some(resumed) = take_paused_frame(
                            &mut self.state.heap,
                            r,
                            GeneratorEnd::ForIter(target),
                        ) {
                            self.state.frames.push(resumed);
                            return Ok(None);
                        }
                    }
                    _ => {}
                }
            }
            Instr::Send(target) => {
                // `yield from` resuming a paused generator with None: as `ForIter`.
                let n = frame.stack.len();
                if n >= 2
                    && frame.stack[n - 1] == Value::None
                    && let Value::Ref(r) = frame.stack[n - 2]
                    && depth < RECURSION_MAX
                    && let Some(resumed) =
                        take_paused_frame(&mut self.state.heap, r, GeneratorEnd::Delegate(target))
                {
                    frame.stack.pop();
                    self.state.frames.push(resumed);
                    return Ok(None);
                }
            }
            Instr::Yield => {
                // Back to a `for` loop, `next()` or a builtin: the frame returns into its
                // generator.
                if let FrameKind::Generator { object, on_end } = frame.kind
                    && depth >= 2
                    && let Some(v) = frame.stack.pop()
                    && let Some(mut paused) = self.state.frames.pop()
                {
                    paused.kind = FrameKind::Call;
                    match self.state.heap.get_mut(object) {
                        Some(Object::Generator(g)) => {
                            g.frame = Some(paused);
                            g.running = false;
                        }
                        _ => return raise("SystemError", "not a generator"),
                    }
                    if on_end == GeneratorEnd::Native {
                        self.generator_returned = false;
                    }
                    if let Some(caller) = self.state.frames.last_mut() {
                        caller.stack.push(v);
                    }
                    return Ok(None);
                }
            }
            _ => {}
        }
        Ok(Some(instr))
    }

    /// One instruction, the general way (the program counter has moved past it already).
    fn execute(&mut self, instr: Instr) -> Result<bool, Raise> {
        match instr {
            Instr::LoadConst(i) => {
                let slot = i as usize;
                let cached = self.const_objects.get(slot).copied().flatten();
                let value = match self.state.module.consts.get(slot) {
                    Some(Const::None) => Value::None,
                    Some(Const::Bool(b)) => Value::Bool(*b),
                    Some(Const::Int(n)) => Value::Int(*n),
                    Some(Const::Float(f)) => Value::Float(*f),
                    Some(_) if let Some(r) = cached => Value::Ref(r),
                    Some(Const::Str(s)) => {
                        let s = s.clone();
                        self.str_value(s)?
                    }
                    Some(Const::Big(text)) => {
                        let text = text.clone();
                        match self.parse_int(&text, 10)? {
                            Some(v) => v,
                            None => return raise("SystemError", "bad int constant"),
                        }
                    }
                    Some(Const::Bytes(b)) => {
                        let b = b.clone();
                        self.alloc(Object::Bytes(b))?
                    }
                    Some(&Const::Complex(im)) => self.complex_value(0.0, im)?,
                    None => return raise("SystemError", "constant out of range"),
                };
                if let Value::Ref(r) = value {
                    if self.const_objects.len() <= slot {
                        self.const_objects.resize(slot + 1, None);
                    }
                    self.const_objects[slot] = Some(r);
                }
                self.push(value)?;
            }
            Instr::LoadLocal(i) => {
                let value = self.frame()?.locals.get(i as usize).copied();
                match value {
                    Some(Some(v)) => self.push(v)?,
                    Some(None) => {
                        let name = self.local_name(i);
                        return raise(
                            "UnboundLocalError",
                            format!(
                                "cannot access local variable '{name}' where it is not associated with a value"
                            ),
                        );
                    }
                    None => return raise("SystemError", "local out of range"),
                }
            }
            Instr::StoreLocal(i) => {
                let v = self.pop()?;
                match self.frame()?.locals.get_mut(i as usize) {
                    Some(slot) => *slot = Some(v),
                    None => return raise("SystemError", "local out of range"),
                }
            }
            Instr::LoadGlobal(i) => {
                let value = match self.state.globals.get(i as usize) {
                    Some(Some(v)) => *v,
                    Some(None) => {
                        let name = self
                            .state
                            .module
                            .names
                            .get(i as usize)
                            .cloned()
                            .unwrap_or_default();
                        match BUILTINS.iter().position(|b| *b == name) {
                            // Kept in the global's slot, so the next load (in the in-frame loop)
                            // finds it without this search; assigning the global replaces it,
                            // as a module global shadows a builtin.
                            Some(b) => {
                                let v = Value::Builtin(b as u16);
                                if let Some(slot) = self.state.globals.get_mut(i as usize) {
                                    *slot = Some(v);
                                }
                                v
                            }
                            None if EXCEPTIONS.iter().any(|(n, _)| *n == name) => {
                                Value::ExceptionClass(exception_index(&name))
                            }
                            // The program is always the main module.
                            None if name == "__name__" => self.str_value("__main__".into())?,
                            None if name == "__doc__" => {
                                match self.state.module.codes.first().and_then(|c| c.doc.clone()) {
                                    Some(doc) => self.str_value(doc)?,
                                    None => Value::None,
                                }
                            }
                            None if UNSUPPORTED_BUILTINS.contains(&name.as_str()) => {
                                return raise(
                                    "NotSupported",
                                    format!(
                                        "the builtin `{name}` is not in slnode's Python subset"
                                    ),
                                );
                            }
                            None => {
                                return raise("NameError", format!("name '{name}' is not defined"));
                            }
                        }
                    }
                    None => return raise("SystemError", "global out of range"),
                };
                self.push(value)?;
            }
            Instr::StoreGlobal(i) => {
                let v = self.pop()?;
                match self.state.globals.get_mut(i as usize) {
                    Some(slot) => *slot = Some(v),
                    None => return raise("SystemError", "global out of range"),
                }
            }
            Instr::Binary(op) => {
                let b = self.pop()?;
                let a = self.pop()?;
                if let (Value::Int(x), Value::Int(y)) = (a, b)
                    && let Some(r) = arith(op, Num::Int(x), Num::Int(y))?
                {
                    self.push(r)?;
                } else if self.is_user_object(a) || self.is_user_object(b) {
                    self.operator(Operator::Binary(op), a, b, Stage::Forward, false)?;
                } else {
                    let r = self.binary(op, a, b)?;
                    self.push(r)?;
                }
            }
            Instr::InplaceBinary(op) => {
                let b = self.pop()?;
                let a = self.pop()?;
                if let (Value::Int(x), Value::Int(y)) = (a, b)
                    && let Some(r) = arith(op, Num::Int(x), Num::Int(y))?
                {
                    self.push(r)?;
                } else if matches!(op, BinOp::Add | BinOp::Mul)
                    && let Value::Ref(r) = a
                    && matches!(self.object(r)?, Object::ByteArray(_))
                    && let Some(r) = self.bytearray_inplace(op, r, b)?
                {
                    self.push(r)?;
                } else if op == BinOp::Add
                    && let Value::Ref(r) = a
                    && matches!(self.object(r)?, Object::List(_))
                {
                    let items = self.collect_items(b)?;
                    if let Some(Object::List(list)) = self.state.heap.get_mut(r) {
                        list.extend(items);
                    }
                    self.push(a)?;
                } else if self.is_user_object(a) || self.is_user_object(b) {
                    self.operator(Operator::Inplace(op), a, b, Stage::Inplace, false)?;
                } else if let Some(r) = self.inplace_container(op, a, b)? {
                    self.push(r)?;
                } else {
                    let r = self.inplace_builtin(op, a, b)?;
                    self.push(r)?;
                }
            }
            Instr::Compare(op) => {
                let b = self.pop()?;
                let a = self.pop()?;
                if !self.compare_special_frame(op, a, b)? {
                    let r = self.compare(op, a, b)?;
                    self.push(Value::Bool(r))?;
                }
            }
            Instr::Not => {
                let v = self.pop()?;
                let t = self.truthy(v)?;
                self.push(Value::Bool(!t))?;
            }
            Instr::Negate => {
                let v = self.pop()?;
                if self.push_special(v, "__neg__", Vec::new(), FrameKind::Call)? {
                    return Ok(false);
                }
                let r = match v {
                    Value::Int(n) => match n.checked_neg() {
                        Some(n) => Value::Int(n),
                        None => self.int_value(-num_bigint::BigInt::from(n))?,
                    },
                    Value::Ref(_) if self.is_big(v) => {
                        let n = self.big_of(v)?.unwrap_or_default();
                        self.int_value(-n)?
                    }
                    Value::Bool(b) => Value::Int(-(b as i64)),
                    Value::Float(f) => Value::Float(-f),
                    Value::Ref(r) if let &Object::Complex { re, im } = self.object(r)? => {
                        self.complex_value(-re, -im)?
                    }
                    other => {
                        let t = self.type_name(other)?;
                        return raise("TypeError", format!("bad operand type for unary -: '{t}'"));
                    }
                };
                self.push(r)?;
            }
            Instr::Pop => {
                self.pop()?;
            }
            Instr::Dup => {
                let v = self.pop()?;
                self.push(v)?;
                self.push(v)?;
            }
            Instr::Dup2 => {
                let b = self.pop()?;
                let a = self.pop()?;
                for v in [a, b, a, b] {
                    self.push(v)?;
                }
            }
            Instr::Rot2 => {
                let b = self.pop()?;
                let a = self.pop()?;
                self.push(b)?;
                self.push(a)?;
            }
            Instr::Rot3 => {
                let c = self.pop()?;
                let b = self.pop()?;
                let a = self.pop()?;
                self.push(c)?;
                self.push(a)?;
                self.push(b)?;
            }
            Instr::Jump(t) => self.frame()?.pc = t,
            Instr::PopJumpIfFalse(t) => {
                let v = self.pop()?;
                if !self.truthy(v)? {
                    self.frame()?.pc = t;
                }
            }
            Instr::PopJumpIfTrue(t) => {
                let v = self.pop()?;
                if self.truthy(v)? {
                    self.frame()?.pc = t;
                }
            }
            Instr::JumpIfFalseOrPop(t) | Instr::JumpIfTrueOrPop(t) => {
                let v = self.pop()?;
                let jump_when = matches!(instr, Instr::JumpIfTrueOrPop(_));
                if self.truthy(v)? == jump_when {
                    self.push(v)?;
                    self.frame()?.pc = t;
                }
            }
            Instr::BuildList(n) => {
                let items = self.pop_n(n as usize)?;
                let v = self.alloc(Object::List(items))?;
                self.push(v)?;
            }
            Instr::BuildTuple(n) => {
                let items = self.pop_n(n as usize)?;
                let v = self.alloc(Object::Tuple(items))?;
                self.push(v)?;
            }
            Instr::BuildDict(n) => {
                let items = self.pop_n(2 * n as usize)?;
                let mut dict = Dict::default();
                for pair in items.chunks(2) {
                    self.dict_set(&mut dict, pair[0], pair[1])?;
                }
                let v = self.alloc(Object::Dict(dict))?;
                self.push(v)?;
            }
            Instr::Subscript => {
                let index = self.pop()?;
                let container = self.pop()?;
                if !self.push_special(container, "__getitem__", vec![index], FrameKind::Call)? {
                    let v = self.subscript(container, index)?;
                    self.push(v)?;
                }
            }
            Instr::StoreSubscript => {
                let index = self.pop()?;
                let container = self.pop()?;
                let value = self.pop()?;
                if !self.push_special(
                    container,
                    "__setitem__",
                    vec![index, value],
                    FrameKind::Discard,
                )? {
                    match self.slice_parts(index)? {
                        Some((lo, hi, step)) => {
                            self.store_slice(container, lo, hi, step, Some(value))?
                        }
                        None => self.store_subscript(container, index, value)?,
                    }
                }
            }
            Instr::DeleteSubscript => {
                let index = self.pop()?;
                let container = self.pop()?;
                if !self.push_special(container, "__delitem__", vec![index], FrameKind::Discard)? {
                    match self.slice_parts(index)? {
                        Some((lo, hi, step)) => self.store_slice(container, lo, hi, step, None)?,
                        None => self.delete_subscript(container, index)?,
                    }
                }
            }
            Instr::GetIter => {
                let v = self.pop()?;
                if !self.push_special(v, "__iter__", Vec::new(), FrameKind::Call)? {
                    let it = self.iter(v)?;
                    self.push(it)?;
                }
            }
            Instr::ForIter(t) => self.for_iter(t)?,
            Instr::Send(t) => {
                let sent = self.pop()?;
                self.delegate_send(t, sent)?;
            }
            Instr::YieldFromThrow(t) => self.delegate_throw(t)?,
            Instr::Call(argc) => {
                let args = self.pop_n(argc as usize)?;
                let callee = self.pop()?;
                self.call_with(callee, args, Vec::new())?;
            }
            Instr::CallMethod { name, argc } => {
                let args = self.pop_n(argc as usize)?;
                let receiver = self.pop()?;
                let name = self.name_at(name)?;
                self.call_method(receiver, &name, args, Vec::new())?;
            }
            Instr::CallMethodKw { name, argc, kw } => {
                let kwargs = self.pop_kwargs(kw)?;
                let args = self.pop_n(argc as usize)?;
                let receiver = self.pop()?;
                let name = self.name_at(name)?;
                self.call_method(receiver, &name, args, kwargs)?;
            }
            Instr::CallEx { kwargs } => {
                let kwargs = if kwargs {
                    let d = self.pop()?;
                    self.kwargs_of(d)?
                } else {
                    Vec::new()
                };
                let args = self.pop()?;
                let args = match args {
                    Value::Ref(r) => match self.object(r)? {
                        Object::Tuple(items) | Object::List(items) => items.clone(),
                        _ => return raise("SystemError", "call arguments"),
                    },
                    _ => return raise("SystemError", "call arguments"),
                };
                let callee = self.pop()?;
                self.call_with(callee, args, kwargs)?;
            }
            Instr::LoadAttr(name) => {
                let obj = self.pop()?;
                let name = self.name_at(name)?;
                let v = self.get_attr(obj, &name)?;
                self.push(v)?;
            }
            Instr::StoreAttr(name) => {
                let obj = self.pop()?;
                let value = self.pop()?;
                let name = self.name_at(name)?;
                self.set_attr(obj, &name, value)?;
            }
            Instr::DeleteAttr(name) => {
                let obj = self.pop()?;
                let name = self.name_at(name)?;
                self.del_attr(obj, &name)?;
            }
            Instr::DeleteLocal(i) => match self.frame()?.locals.get_mut(i as usize) {
                Some(slot @ Some(_)) => *slot = None,
                Some(None) => {
                    let name = self.local_name(i);
                    return raise(
                        "UnboundLocalError",
                        format!(
                            "cannot access local variable '{name}' where it is not associated with a value"
                        ),
                    );
                }
                None => return raise("SystemError", "local out of range"),
            },
            Instr::DeleteGlobal(i) => match self.state.globals.get_mut(i as usize) {
                Some(slot @ Some(_)) => *slot = None,
                Some(None) => {
                    let name = self.name_at(i)?;
                    return raise("NameError", format!("name '{name}' is not defined"));
                }
                None => return raise("SystemError", "global out of range"),
            },
            Instr::ListExtend(n) => {
                let iterable = self.pop()?;
                let items = self.collect_items(iterable)?;
                let target = self.stack_at(n)?;
                match self.state.heap.get_mut(target) {
                    Some(Object::List(list)) => list.extend(items),
                    _ => return raise("SystemError", "list target"),
                }
            }
            Instr::ListToTuple => {
                let items = self.pop_list_items()?;
                let t = self.alloc(Object::Tuple(items))?;
                self.push(t)?;
            }
            Instr::MatchSequence | Instr::MatchMapping | Instr::GetLen => {
                let v = self.pop()?;
                self.push(v)?;
                let result = match instr {
                    Instr::MatchSequence => Value::Bool(self.match_sequence(v)?),
                    Instr::MatchMapping => Value::Bool(self.match_mapping(v)?),
                    _ => Value::Int(self.len_of(v)? as i64),
                };
                self.push(result)?;
            }
            // (`step_with` has already unfused these.)
            Instr::FusedBinary { .. }
            | Instr::FusedCompareJump { .. }
            | Instr::FusedForStore { .. }
            | Instr::FusedLocalAttr { .. }
            | Instr::FusedBinaryTop { .. } => {
                return self.execute(instr.unfused());
            }
            Instr::MatchClass(positional) => {
                let names = self.pop()?;
                let class = self.pop()?;
                let subject = self.pop()?;
                let result = self.match_class(subject, class, names, positional)?;
                self.push(result)?;
            }
            Instr::DictMerge(n) => {
                let mapping = self.pop()?;
                let pairs = self.mapping_items(mapping)?;
                let target = self.stack_at(n)?;
                for (k, v) in pairs {
                    let key = self.key(k)?;
                    match self.state.heap.get_mut(target) {
                        Some(Object::Dict(d)) => d.insert(key, k, v),
                        _ => return raise("SystemError", "dict target"),
                    }
                }
            }
            Instr::BuildSet(n) => {
                let items = self.pop_n(n as usize)?;
                let set = self.make_set(items, false)?;
                self.push(set)?;
            }
            Instr::BuildConstSet(n) | Instr::BuildConstFrozenSet(n) => {
                let items = self.pop_n(n as usize)?;
                let set =
                    self.make_constant_set(items, matches!(instr, Instr::BuildConstFrozenSet(_)))?;
                self.push(set)?;
            }
            Instr::SetUpdate(n) => {
                let v = self.pop()?;
                let target = self.stack_at(n)?;
                self.set_update(target, v)?;
            }
            Instr::SetAdd(n) => {
                let v = self.pop()?;
                let target = self.stack_at(n)?;
                self.set_add(target, v)?;
            }
            Instr::UnpackEx { before, after } => {
                let v = self.pop()?;
                let items = self.collect_items(v)?;
                let (before, after) = (before as usize, after as usize);
                if items.len() < before + after {
                    return raise(
                        "ValueError",
                        format!(
                            "not enough values to unpack (expected at least {}, got {})",
                            before + after,
                            items.len()
                        ),
                    );
                }
                let rest = items[before..items.len() - after].to_vec();
                let rest = self.alloc(Object::List(rest))?;
                let mut out: Vec<Value> = items[..before].to_vec();
                out.push(rest);
                out.extend_from_slice(&items[items.len() - after..]);
                for item in out.into_iter().rev() {
                    self.push(item)?;
                }
            }
            Instr::StoreSlice | Instr::DeleteSlice => {
                let step = self.pop()?;
                let hi = self.pop()?;
                let lo = self.pop()?;
                let container = self.pop()?;
                let value = if instr == Instr::StoreSlice {
                    Some(self.pop()?)
                } else {
                    None
                };
                if !self.slice_special(container, (lo, hi, step), value, value.is_none())? {
                    self.store_slice(container, lo, hi, step, value)?;
                }
            }
            Instr::Invert => {
                let v = self.pop()?;
                if !self.push_special(v, "__invert__", Vec::new(), FrameKind::Call)? {
                    let r = match self.big_of(v)? {
                        Some(n) => self.int_value(!n)?,
                        None => {
                            let t = self.type_name(v)?;
                            return raise(
                                "TypeError",
                                format!("bad operand type for unary ~: '{t}'"),
                            );
                        }
                    };
                    self.push(r)?;
                }
            }
            Instr::Positive => {
                let v = self.pop()?;
                if !self.push_special(v, "__pos__", Vec::new(), FrameKind::Call)? {
                    let r = match v {
                        Value::Bool(b) => Value::Int(b as i64),
                        Value::Int(_) | Value::Float(_) => v,
                        _ if self.is_big(v) || self.is_complex(v) => v,
                        _ => {
                            let t = self.type_name(v)?;
                            return raise(
                                "TypeError",
                                format!("bad operand type for unary +: '{t}'"),
                            );
                        }
                    };
                    self.push(r)?;
                }
            }
            Instr::Yield => self.yield_value()?,
            Instr::MakeClass { name, bases, meta } => {
                let namespace = self.pop()?;
                let meta = if meta { Some(self.pop()?) } else { None };
                let mut written = Vec::with_capacity((bases as usize).min(64));
                for _ in 0..bases {
                    written.push(self.pop()?);
                }
                written.reverse();
                let name = self.name_at(name)?;
                let class = self.make_class(name, written, meta, namespace)?;
                self.push(class)?;
            }
            Instr::LocalsDict => {
                let (code, locals) = {
                    let f = self.frame()?;
                    (f.code, f.locals.clone())
                };
                let (names, free) = self
                    .state
                    .module
                    .codes
                    .get(code as usize)
                    .map(|c| {
                        (
                            c.local_names.clone(),
                            c.free_start..c.free_start + c.freevars,
                        )
                    })
                    .unwrap_or_default();
                let mut dict = Dict::default();
                for (i, (name, value)) in names.into_iter().zip(locals).enumerate() {
                    if let Some(v) = value
                        && !free.contains(&(i as u32))
                        && !name.is_empty()
                        && !name.starts_with('.')
                    {
                        let k = self.str_value(name.clone())?;
                        dict.insert(Key::Str(name), k, v);
                    }
                }
                let d = self.alloc(Object::Dict(dict))?;
                self.push(d)?;
            }
            Instr::GeneratorReturned => {
                let v = self.pop()?;
                let returned = match v {
                    Value::Ref(r) => match self.object(r)? {
                        Object::Generator(g) => g.returned,
                        _ => Value::None,
                    },
                    _ => Value::None,
                };
                self.push(returned)?;
            }
            Instr::Import(name) => {
                let name = self.name_at(name)?;
                let module = self.import(&name)?;
                self.push(module)?;
            }
            Instr::RaiseFrom => {
                let cause = self.pop()?;
                let exc = self.pop()?;
                let object = self.exception_to_raise(exc)?;
                let cause = match cause {
                    Value::None => None,
                    Value::ExceptionClass(_) => Some(Value::Ref(self.exception_to_raise(cause)?)),
                    other => Some(other),
                };
                if let Some(Object::Exception {
                    cause: c,
                    suppress_context,
                    ..
                }) = self.state.heap.get_mut(object)
                {
                    *c = cause;
                    *suppress_context = true;
                }
                return Err(Raise::Object(object));
            }
            Instr::WithExit => {
                let exit = self.pop()?;
                let exc = self.pop()?;
                let class = self.class_of(exc)?;
                let swallow = self.call_sync(exit, vec![class, exc, Value::None], Vec::new())?;
                if !self.truthy(swallow)? {
                    let Value::Ref(r) = exc else {
                        return raise("SystemError", "not an exception");
                    };
                    return Err(Raise::Again(r));
                }
            }
            Instr::FormatValue { conversion, spec } => {
                let spec = if spec {
                    let v = self.pop()?;
                    self.str_of(v)?
                } else {
                    String::new()
                };
                let value = self.pop()?;
                let text = match conversion {
                    b's' => {
                        let t = self.str_of(value)?;
                        crate::format::format_str(&t, &spec)
                    }
                    b'r' => {
                        let t = self.repr(value)?;
                        crate::format::format_str(&t, &spec)
                    }
                    b'a' => {
                        let t = crate::format::ascii_escape(&self.repr(value)?);
                        crate::format::format_str(&t, &spec)
                    }
                    _ => self.format(value, &spec)?,
                };
                match text {
                    Ok(t) => {
                        let v = self.str_value(t)?;
                        self.push(v)?;
                    }
                    Err(message) => return raise("ValueError", message),
                }
            }
            Instr::BuildString(n) => {
                let parts = self.pop_n(n as usize)?;
                let mut text = String::new();
                for part in parts {
                    match part {
                        Value::Ref(r) => match self.object(r)? {
                            Object::Str(s) => text.push_str(s),
                            _ => return raise("SystemError", "not a string"),
                        },
                        _ => return raise("SystemError", "not a string"),
                    }
                }
                let v = self.str_value(text)?;
                self.push(v)?;
            }
            Instr::SetupExcept(handler) => {
                let frame = self.frame()?;
                if frame.blocks.len() >= BLOCKS_MAX {
                    return raise("SystemError", "too many nested try blocks");
                }
                let depth = frame.stack.len() as u32;
                frame.blocks.push(Block { handler, depth });
            }
            Instr::PopBlock => {
                self.frame()?.blocks.pop();
            }
            Instr::ExceptionMatch => {
                let class = self.pop()?;
                let exception = self.pop()?;
                let matched = self.exception_matches(exception, class)?;
                self.push(Value::Bool(matched))?;
            }
            Instr::Raise => {
                let v = self.pop()?;
                let object = self.exception_to_raise(v)?;
                return Err(Raise::Object(object));
            }
            Instr::Reraise => {
                let v = self.pop()?;
                let object = self.exception_to_raise(v)?;
                return Err(Raise::Again(object));
            }
            Instr::ListAppend(n) | Instr::MapAdd(n) => {
                let value = self.pop()?;
                let key = match instr {
                    Instr::MapAdd(_) => Some(self.pop()?),
                    _ => None,
                };
                let target = {
                    let frame = self.frame()?;
                    let at = frame.stack.len().checked_sub(1 + n as usize);
                    at.and_then(|i| frame.stack.get(i)).copied()
                };
                let Some(Value::Ref(r)) = target else {
                    return raise("SystemError", "comprehension target");
                };
                match key {
                    None => match self.state.heap.get_mut(r) {
                        Some(Object::List(items)) => items.push(value),
                        _ => return raise("SystemError", "comprehension target"),
                    },
                    Some(key) => {
                        let k = self.key(key)?;
                        match self.state.heap.get_mut(r) {
                            Some(Object::Dict(d)) => d.insert(k, key, value),
                            _ => return raise("SystemError", "comprehension target"),
                        }
                    }
                }
            }
            Instr::UnpackSequence(n) => {
                let v = self.pop()?;
                let items = self.collect_items(v)?;
                if items.len() != n as usize {
                    return if items.len() > n as usize {
                        raise(
                            "ValueError",
                            format!("too many values to unpack (expected {n})"),
                        )
                    } else {
                        raise(
                            "ValueError",
                            format!(
                                "not enough values to unpack (expected {n}, got {})",
                                items.len()
                            ),
                        )
                    };
                }
                for item in items.into_iter().rev() {
                    self.push(item)?;
                }
            }
            Instr::Slice => {
                let step = self.pop()?;
                let hi = self.pop()?;
                let lo = self.pop()?;
                let container = self.pop()?;
                if !self.slice_special(container, (lo, hi, step), None, false)? {
                    let v = self.slice(container, lo, hi, step)?;
                    self.push(v)?;
                }
            }
            Instr::MakeFunction {
                code,
                defaults,
                kw_defaults,
                closure,
            } => {
                if code as usize >= self.state.module.codes.len() {
                    return raise("SystemError", "code out of range");
                }
                let closure = self.pop_n(closure as usize)?;
                let kw_defaults = self.pop_kwargs(kw_defaults)?;
                let defaults = self.pop_n(defaults as usize)?;
                let v = self.alloc(Object::Function {
                    code,
                    defaults,
                    kw_defaults,
                    closure,
                    owner: None,
                    attrs: Vec::new(),
                })?;
                self.push(v)?;
            }
            Instr::MakeCell(slot) => {
                let current = match self.frame()?.locals.get(slot as usize) {
                    Some(v) => *v,
                    None => return raise("SystemError", "local out of range"),
                };
                let cell = self.alloc(Object::Cell(current))?;
                if let Some(local) = self.frame()?.locals.get_mut(slot as usize) {
                    *local = Some(cell);
                }
            }
            Instr::LoadDeref(slot) => {
                let cell = self.cell(slot)?;
                match self.object(cell)? {
                    Object::Cell(Some(v)) => {
                        let v = *v;
                        self.push(v)?;
                    }
                    Object::Cell(None) => {
                        let name = self.local_name(slot);
                        return raise(
                            "NameError",
                            format!(
                                "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
                            ),
                        );
                    }
                    _ => return raise("SystemError", "not a cell"),
                }
            }
            Instr::StoreDeref(slot) => {
                let v = self.pop()?;
                let cell = self.cell(slot)?;
                match self.state.heap.get_mut(cell) {
                    Some(Object::Cell(content)) => *content = Some(v),
                    _ => return raise("SystemError", "not a cell"),
                }
            }
            Instr::CallKw { argc, kw } => {
                let kwargs = self.pop_kwargs(kw)?;
                let args = self.pop_n(argc as usize)?;
                let callee = self.pop()?;
                self.call_with(callee, args, kwargs)?;
            }
            Instr::Return => {
                let v = self.pop()?;
                let Some(frame) = self.state.frames.pop() else {
                    return raise("SystemError", "no frame");
                };
                // The module body, or a function the embedder called, is done.
                let bottom = matches!(self.state.frames.last(), Some(f) if f.code == u32::MAX)
                    && self.state.frames.len() == 1;
                if self.state.frames.is_empty() || bottom {
                    self.state.frames.clear();
                    self.state.result = Some(v);
                    return Ok(true);
                }
                match frame.kind {
                    FrameKind::Call => self.push(v)?,
                    FrameKind::Init(instance) => {
                        if v != Value::None {
                            let t = self.type_name(v)?;
                            return raise(
                                "TypeError",
                                format!("__init__() should return None, not '{t}'"),
                            );
                        }
                        self.push(Value::Ref(instance))?;
                    }
                    FrameKind::Discard => {}
                    FrameKind::Operator {
                        op,
                        left,
                        right,
                        then,
                    } => {
                        if v == crate::value::NOT_IMPLEMENTED {
                            self.operator(op, left, right, then, true)?;
                        } else {
                            self.push(v)?;
                        }
                    }
                    FrameKind::Generator { object, on_end } => {
                        self.generator_finished(object);
                        if let Some(Object::Generator(g)) = self.state.heap.get_mut(object) {
                            g.returned = v;
                        }
                        match on_end {
                            GeneratorEnd::ForIter(target) => {
                                self.pop()?;
                                self.frame()?.pc = target;
                            }
                            GeneratorEnd::Delegate(target) => {
                                self.pop()?;
                                self.push(v)?;
                                self.frame()?.pc = target;
                            }
                            GeneratorEnd::Raise => {
                                let stop = self.exception_to_raise(Value::ExceptionClass(
                                    exception_index("StopIteration"),
                                ))?;
                                if v != Value::None {
                                    self.init_exception(stop, vec![v])?;
                                }
                                return Err(Raise::Object(stop));
                            }
                            GeneratorEnd::Native => self.generator_returned = true,
                        }
                    }
                }
            }
        }
        Ok(false)
    }

    /// `for`'s step over the iterator on top: the next item pushed above it, or the iterator
    /// popped and the jump to `t` taken when it is done.
    fn for_iter(&mut self, t: u32) -> Result<(), Raise> {
        let it = self.pop()?;
        if let Value::Ref(r) = it
            && matches!(self.object(r)?, Object::Generator(_))
        {
            self.push(it)?;
            return self.resume_generator(r, Value::None, GeneratorEnd::ForIter(t));
        }
        match self.next(it)? {
            Some(item) => {
                self.push(it)?;
                self.push(item)?;
            }
            None => self.frame()?.pc = t,
        }
        Ok(())
    }

    /// The parts of a slice object, or `None` for any other value.
    fn slice_parts(&self, v: Value) -> Result<Option<(Value, Value, Value)>, Raise> {
        if let Value::Ref(r) = v
            && let Object::Slice { start, stop, step } = self.object(r)?
        {
            return Ok(Some((*start, *stop, *step)));
        }
        Ok(None)
    }

    /// `x[lo:hi:step]` (or its assignment or deletion) on an instance: its `__getitem__`
    /// (`__setitem__`, `__delitem__`) gets a slice object, as in CPython.
    fn slice_special(
        &mut self,
        container: Value,
        parts: (Value, Value, Value),
        value: Option<Value>,
        delete: bool,
    ) -> Result<bool, Raise> {
        let is_instance = matches!(container, Value::Ref(r) if matches!(self.object(r)?, Object::Instance { .. }));
        if !is_instance {
            return Ok(false);
        }
        let (start, stop, step) = parts;
        let s = self.alloc(Object::Slice { start, stop, step })?;
        match (value, delete) {
            (Some(v), _) => {
                self.push_special(container, "__setitem__", vec![s, v], FrameKind::Discard)
            }
            (None, true) => {
                self.push_special(container, "__delitem__", vec![s], FrameKind::Discard)
            }
            (None, false) => self.push_special(container, "__getitem__", vec![s], FrameKind::Call),
        }
    }

    /// Python's `slice(lo, hi, step).indices(len)`, expanded.
    fn slice_indices(
        &self,
        len: usize,
        lo: Value,
        hi: Value,
        step: Value,
    ) -> Result<Vec<usize>, Raise> {
        let (start, stop, step) = self.slice_bounds(len, lo, hi, step)?;
        let mut out = Vec::new();
        let mut i = start;
        while (step > 0 && i < stop) || (step < 0 && i > stop) {
            out.push(i as usize);
            i += step;
        }
        Ok(out)
    }

    /// Python's `slice(lo, hi, step).indices(len)`: start, stop and step, not expanded.
    fn slice_bounds(
        &self,
        len: usize,
        lo: Value,
        hi: Value,
        step: Value,
    ) -> Result<(i64, i64, i64), Raise> {
        let int = |v: Value| -> Result<Option<i64>, Raise> {
            match v {
                Value::None => Ok(None),
                Value::Int(n) => Ok(Some(n)),
                Value::Bool(b) => Ok(Some(b as i64)),
                _ if self.is_big(v) => Ok(Some(
                    if self
                        .big_of(v)?
                        .is_some_and(|n| n.sign() == num_bigint::Sign::Minus)
                    {
                        i64::MIN / 2
                    } else {
                        i64::MAX / 2
                    },
                )),
                _ => raise(
                    "TypeError",
                    "slice indices must be integers or None or have an __index__ method",
                ),
            }
        };
        let (lo, hi, step) = (int(lo)?, int(hi)?, int(step)?.unwrap_or(1));
        if step == 0 {
            return raise("ValueError", "slice step cannot be zero");
        }
        let len = len as i64;
        let clamp = |v: Option<i64>, default: i64, low: i64, high: i64| match v {
            None => default,
            Some(v) if v < 0 => (v + len).max(low),
            Some(v) => v.min(high),
        };
        let (start, stop) = if step > 0 {
            (clamp(lo, 0, 0, len), clamp(hi, len, 0, len))
        } else {
            (clamp(lo, len - 1, -1, len - 1), clamp(hi, -1, -1, len - 1))
        };
        Ok((start, stop, step))
    }

    fn slice(
        &mut self,
        container: Value,
        lo: Value,
        hi: Value,
        step: Value,
    ) -> Result<Value, Raise> {
        let (lo, hi, step) = (self.as_index(lo)?, self.as_index(hi)?, self.as_index(step)?);
        let Value::Ref(r) = container else {
            let t = self.type_name(container)?;
            return raise("TypeError", format!("'{t}' object is not subscriptable"));
        };
        let len = match self.object(r)? {
            Object::List(v) | Object::Tuple(v) => v.len(),
            Object::Str(_) => self.str_chars(r)?.unwrap_or(0),
            Object::Bytes(b) | Object::ByteArray(b) => b.len(),
            Object::Range { start, stop, step } => range_len(*start, *stop, *step) as usize,
            other => {
                let t = other.type_name().to_owned();
                return raise("TypeError", format!("'{t}' object is not subscriptable"));
            }
        };
        if let Object::Range {
            start: r0,
            step: rs,
            ..
        } = *self.object(r)?
        {
            // range(start + i*step, start + j*step, step*k), without expanding it.
            let (i, j, k) = self.slice_bounds(len, lo, hi, step)?;
            let wide = |x: i64| r0 as i128 + rs as i128 * x as i128;
            let (new_start, new_stop, new_step) = (wide(i), wide(j), rs as i128 * k as i128);
            let fits = |x: i128| i64::try_from(x).ok();
            return match (fits(new_start), fits(new_stop), fits(new_step)) {
                (Some(start), Some(stop), Some(step)) => {
                    self.alloc(Object::Range { start, stop, step })
                }
                _ => raise(
                    "OverflowError",
                    "Python int too large to convert to C ssize_t",
                ),
            };
        }
        // Step 1, the usual slice: one copy of the run, no index list (for a str, no
        // character vector either: the run's byte offsets are found once).
        let (i, j, k) = self.slice_bounds(len, lo, hi, step)?;
        if k == 1 {
            let (i, j) = (i as usize, (j.max(i)) as usize);
            let object = match self.object(r)? {
                Object::List(v) => Object::List(v.get(i..j).unwrap_or_default().to_vec()),
                Object::Tuple(v) => Object::Tuple(v.get(i..j).unwrap_or_default().to_vec()),
                Object::Bytes(b) => Object::Bytes(b.get(i..j).unwrap_or_default().to_vec()),
                Object::ByteArray(b) => Object::ByteArray(b.get(i..j).unwrap_or_default().to_vec()),
                Object::Str(s) if len == s.len() => {
                    Object::Str(s.get(i..j).unwrap_or_default().to_owned())
                }
                Object::Str(s) => {
                    let mut at = s.char_indices().map(|(b, _)| b).chain([s.len()]);
                    let from = at.nth(i).unwrap_or(s.len());
                    let to = if j > i {
                        at.nth(j - i - 1).unwrap_or(s.len())
                    } else {
                        from
                    };
                    Object::Str(s.get(from..to).unwrap_or_default().to_owned())
                }
                _ => return raise("SystemError", "slice"),
            };
            return self.alloc(object);
        }
        let picked = self.slice_indices(len, lo, hi, step)?;
        let object = match self.object(r)? {
            Object::List(v) => Object::List(picked.into_iter().map(|i| v[i]).collect()),
            Object::Tuple(v) => Object::Tuple(picked.into_iter().map(|i| v[i]).collect()),
            Object::Str(s) if len == s.len() => {
                let b = s.as_bytes();
                Object::Str(picked.into_iter().map(|i| b[i] as char).collect())
            }
            Object::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                Object::Str(picked.into_iter().map(|i| chars[i]).collect())
            }
            Object::Bytes(b) => Object::Bytes(picked.into_iter().map(|i| b[i]).collect()),
            Object::ByteArray(b) => Object::ByteArray(picked.into_iter().map(|i| b[i]).collect()),
            Object::Range { .. } => return raise("SystemError", "range slice"),
            _ => return raise("SystemError", "slice"),
        };
        self.alloc(object)
    }

    /// The cell in local slot `slot` of the current frame.
    /// The items of the list on top of the stack (a starred display being built), popped.
    fn pop_list_items(&mut self) -> Result<Vec<Value>, Raise> {
        match self.pop()? {
            Value::Ref(r) => match self.object(r)? {
                Object::List(items) => Ok(items.clone()),
                _ => raise("SystemError", "not a list"),
            },
            _ => raise("SystemError", "not a list"),
        }
    }

    fn cell(&mut self, slot: u32) -> Result<u32, Raise> {
        match self.frame()?.locals.get(slot as usize) {
            Some(Some(Value::Ref(r))) => Ok(*r),
            _ => raise("SystemError", "no cell in this slot"),
        }
    }

    fn local_name(&self, i: u32) -> String {
        self.state
            .frames
            .last()
            .and_then(|f| self.state.module.codes.get(f.code as usize))
            .and_then(|c| c.local_names.get(i as usize))
            .cloned()
            .unwrap_or_else(|| format!("#{i}"))
    }

    /// The name of code object `code` (`?` for an index a hostile snapshot made up).
    fn code_name(&self, code: u32) -> &str {
        self.state
            .module
            .codes
            .get(code as usize)
            .map_or("?", |c| c.name.as_str())
    }

    fn index(len: usize, i: Value, what: &str) -> Result<usize, Raise> {
        let Value::Int(n) = (match i {
            Value::Bool(b) => Value::Int(b as i64),
            other => other,
        }) else {
            return raise("TypeError", format!("{what} indices must be integers"));
        };
        let n = if n < 0 { n + len as i64 } else { n };
        if n < 0 || n >= len as i64 {
            return raise("IndexError", format!("{what} index out of range"));
        }
        Ok(n as usize)
    }

    /// An instance with `__index__` (an int subclass's, a user class's) as the int it gives;
    /// any other value as it is.
    fn as_index(&mut self, v: Value) -> Result<Value, Raise> {
        if let Value::Ref(r) = v
            && matches!(self.object(r)?, Object::Instance { .. })
            && let Some(n) = self.call_special(v, "__index__", Vec::new())?
        {
            return match n {
                Value::Int(_) | Value::Bool(_) => Ok(n),
                _ if self.is_big(n) => Ok(n),
                other => {
                    let t = self.type_name(other)?;
                    raise(
                        "TypeError",
                        format!("__index__ returned non-int (type {t})"),
                    )
                }
            };
        }
        Ok(v)
    }

    /// CPython's TypeError for indexing a builtin sequence with something other than an int
    /// (what `as_index` left).
    fn check_sequence_index(&self, r: u32, index: Value) -> Result<(), Raise> {
        if matches!(index, Value::Int(_) | Value::Bool(_)) || self.is_big(index) {
            return Ok(());
        }
        let kind = match self.object(r)? {
            Object::List(_) => "list",
            Object::Tuple(_) => "tuple",
            Object::Bytes(_) => "byte",
            Object::ByteArray(_) => "bytearray",
            Object::Str(_) => {
                let t = self.type_name(index)?;
                return raise(
                    "TypeError",
                    format!("string indices must be integers, not '{t}'"),
                );
            }
            _ => return Ok(()),
        };
        let t = self.type_name(index)?;
        raise(
            "TypeError",
            format!("{kind} indices must be integers or slices, not {t}"),
        )
    }

    fn subscript(&mut self, container: Value, index: Value) -> Result<Value, Raise> {
        if let Some((lo, hi, step)) = self.slice_parts(index)? {
            return self.slice(container, lo, hi, step);
        }
        let Value::Ref(r) = container else {
            let t = self.type_name(container)?;
            return raise("TypeError", format!("'{t}' object is not subscriptable"));
        };
        if matches!(self.object(r)?, Object::Dict(_)) {
            let key = self.key(index)?;
            let found = match self.object(r)? {
                Object::Dict(d) => d.value(&key),
                _ => None,
            };
            return match found {
                Some(v) => Ok(v),
                None => self.key_error(index),
            };
        }
        let index = self.as_index(index)?;
        self.check_sequence_index(r, index)?;
        let chars = self.str_chars(r)?;
        match self.object(r)? {
            Object::List(v) => Ok(v[Self::index(v.len(), index, "list")?]),
            Object::Tuple(v) => Ok(v[Self::index(v.len(), index, "tuple")?]),
            Object::Str(s) => {
                let chars = chars.unwrap_or(0);
                let i = Self::index(chars, index, "string")?;
                let c = if chars == s.len() {
                    s.as_bytes()[i] as char
                } else {
                    s.chars().nth(i).unwrap_or_default()
                };
                self.str_value(c.to_string())
            }
            Object::Bytes(b) => Ok(Value::Int(b[Self::index(b.len(), index, "index")?] as i64)),
            Object::ByteArray(b) => Ok(Value::Int(
                b[Self::index(b.len(), index, "bytearray")?] as i64,
            )),
            Object::Range { start, stop, step } => {
                let (start, stop, step) = (*start, *stop, *step);
                let len = range_len_wide(start, stop, step);
                let i = match index {
                    Value::Int(i) => i as i128,
                    Value::Bool(b) => b as i128,
                    _ => return raise("TypeError", "range indices must be integers or slices"),
                };
                let i = if i < 0 { i + len } else { i };
                if i < 0 || i >= len {
                    return raise("IndexError", "range object index out of range");
                }
                Ok(Value::Int((start as i128 + step as i128 * i) as i64))
            }
            Object::Class(_) => Ok(container),
            other => {
                let t = other.type_name().to_owned();
                raise("TypeError", format!("'{t}' object is not subscriptable"))
            }
        }
    }

    fn store_subscript(
        &mut self,
        container: Value,
        index: Value,
        value: Value,
    ) -> Result<(), Raise> {
        let Value::Ref(r) = container else {
            let t = self.type_name(container)?;
            return raise(
                "TypeError",
                format!("'{t}' object does not support item assignment"),
            );
        };
        let key = match self.object(r)? {
            Object::Dict(_) => Some(self.key(index)?),
            Object::ByteArray(_) => return self.store_bytearray_item(r, index, value),
            _ => None,
        };
        let index = if key.is_none() {
            let index = self.as_index(index)?;
            self.check_sequence_index(r, index)?;
            index
        } else {
            index
        };
        match (self.state.heap.get_mut(r), key) {
            (Some(Object::List(v)), _) => {
                let i = Self::index(v.len(), index, "list assignment")?;
                v[i] = value;
                Ok(())
            }
            (Some(Object::Dict(d)), Some(key)) => {
                d.insert(key, index, value);
                Ok(())
            }
            (Some(other), _) => {
                let t = other.type_name();
                raise(
                    "TypeError",
                    format!("'{t}' object does not support item assignment"),
                )
            }
            (None, _) => raise("SystemError", "dangling reference"),
        }
    }

    /// The items of an iterable, for builtins that take one.
    fn collect_items(&mut self, v: Value) -> Result<Vec<Value>, Raise> {
        // A list or tuple is its items: one copy, not an iterator step per item.
        if let Value::Ref(r) = v
            && let Object::List(items) | Object::Tuple(items) = self.object(r)?
        {
            return Ok(items.clone());
        }
        let it = self.iter(v)?;
        let mut items = Vec::new();
        while let Some(item) = self.next(it)? {
            items.push(item);
            if items.len() > crate::heap::OBJECTS_MAX {
                return raise("MemoryError", "");
            }
        }
        Ok(items)
    }
}

/// Python's repr of a str: single quotes unless the text has a single quote and no double one.
pub fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !printable(c) => {
                let n = c as u32;
                let _ = match n {
                    0..=0xff => write!(out, "\\x{n:02x}"),
                    0x100..=0xffff => write!(out, "\\u{n:04x}"),
                    _ => write!(out, "\\U{n:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// CPython's `str.isprintable` for one character (what `repr` shows as itself): not a control,
/// format, separator other than the space, private-use or noncharacter code point. Unassigned
/// code points count as printable (CPython's tables know them; the VM carries none).
pub fn printable(c: char) -> bool {
    let n = c as u32;
    !matches!(n,
        0..=0x1f | 0x7f..=0xa0 | 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x1680 | 0x180e
        | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064 | 0x2066..=0x206f | 0x3000
        | 0xd800..=0xf8ff | 0xfdd0..=0xfdef | 0xfeff | 0xfff9..=0xfffb | 0x110bd
        | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f | 0xf0000..=0x10ffff)
        && n & 0xfffe != 0xfffe
}

/// The frame of generator `r` resumed by a `for` loop (or `yield from`) whose end jumps to
/// `target`, when it is paused; it is marked running. The fast path of resumption.
#[inline(always)]
fn take_paused_frame(heap: &mut Heap, r: u32, on_end: GeneratorEnd) -> Option<Frame> {
    let Some(Object::Generator(g)) = heap.get_mut(r) else {
        return None;
    };
    if g.running {
        return None;
    }
    let mut resumed = g.frame.take()?;
    if g.started {
        resumed.stack.push(Value::None);
    }
    g.started = true;
    g.running = true;
    resumed.kind = FrameKind::Generator { object: r, on_end };
    Some(resumed)
}

/// The frame for calling function `f` with exactly `args`, when it is a plain function (only
/// positional parameters, as many as `args`): the interpreter's fast call. A generator
/// function's frame is the one its generator object holds (the caller makes that).
/// Locals and stack vectors come from the spares when there are some.
fn plain_frame(
    heap: &Heap,
    codes: &[crate::code::Code],
    f: u32,
    args: &[Value],
    spares: (&mut Vec<Vec<Option<Value>>>, &mut Vec<Vec<Value>>),
) -> Option<Frame> {
    let call = plain_call(heap, codes, f, args, spares.0)?;
    Some(call.into_frame(spares.1))
}

/// What a plain call's frame is made of (see `plain_frame`): the in-frame loop builds the
/// frame in its place on the frame stack from these, rather than moving a whole frame there.
struct PlainCall {
    code: u32,
    locals: Vec<Option<Value>>,
    owner: Option<u32>,
}

impl PlainCall {
    #[inline(always)]
    fn into_frame(self, spare_stacks: &mut Vec<Vec<Value>>) -> Frame {
        Frame {
            code: self.code,
            pc: 0,
            locals: self.locals,
            stack: spare_stacks.pop().unwrap_or_else(|| Vec::with_capacity(8)),
            blocks: Vec::new(),
            kind: FrameKind::Call,
            owner: self.owner,
        }
    }
}

/// `plain_frame`'s checks and locals.
#[inline]
fn plain_call(
    heap: &Heap,
    codes: &[crate::code::Code],
    f: u32,
    args: &[Value],
    spare_locals: &mut Vec<Vec<Option<Value>>>,
) -> Option<PlainCall> {
    let Some(Object::Function {
        code,
        closure,
        owner,
        ..
    }) = heap.get(f)
    else {
        return None;
    };
    let c = codes.get(*code as usize)?;
    let plain = c.params as usize == args.len()
        && c.kwonly == 0
        && !c.varargs
        && !c.varkw
        && c.locals <= LOCALS_MAX
        && closure.len() == c.freevars as usize
        && args.len() <= c.free_start as usize
        && (c.free_start + c.freevars) as usize <= c.locals as usize;
    if !plain {
        return None;
    }
    let mut locals = spare_locals.pop().unwrap_or_default();
    locals.resize(c.locals as usize, None);
    for (slot, v) in locals.iter_mut().zip(args) {
        *slot = Some(*v);
    }
    for (slot, cell) in locals[c.free_start as usize..].iter_mut().zip(closure) {
        *slot = Some(*cell);
    }
    Some(PlainCall {
        code: *code,
        locals,
        owner: *owner,
    })
}

/// `range(start, stop, step)` backwards as (first, stop, step) of a range iterator, or None
/// when its ends would pass i64 (the caller then lists it).
fn reversed_range(start: i64, stop: i64, step: i64) -> Option<(i64, i64, i64)> {
    let len = range_len(start, stop, step);
    if len == 0 || step == 0 {
        return Some((0, 0, 1));
    }
    let last = start.checked_add((len - 1).checked_mul(step)?)?;
    Some((last, start.checked_sub(step)?, step.checked_neg()?))
}

/// How many values `range(start, stop, step)` has (computed wide: the ends may be i64's
/// extremes; a zero step, which only a hostile snapshot can hold, is an empty range).
fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    range_len_wide(start, stop, step).min(i64::MAX as i128) as i64
}

fn range_len_wide(start: i64, stop: i64, step: i64) -> i128 {
    let (start, stop, step) = (start as i128, stop as i128, step as i128);
    if step > 0 && start < stop {
        (stop - start - 1) / step + 1
    } else if step < 0 && start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    }
}

/// `divmod` of two floats as CPython computes it (`1 // 0.1` is 9.0, not `floor(1 / 0.1)`;
/// a zero remainder has the divisor's sign): floor quotient and remainder.
fn float_divmod(x: f64, y: f64) -> (f64, f64) {
    let mut rem = x % y;
    let mut div = (x - rem) / y;
    if rem != 0.0 {
        if (y < 0.0) != (rem < 0.0) {
            rem += y;
            div -= 1.0;
        }
    } else {
        rem = 0.0f64.copysign(y);
    }
    let quotient = if div != 0.0 {
        let floor = div.floor();
        if div - floor > 0.5 {
            floor + 1.0
        } else {
            floor
        }
    } else {
        0.0f64.copysign(x / y)
    };
    (quotient, rem)
}

/// `sys.exit()`, `sys.exit(None)` and `sys.exit(0)` end the program as a normal finish, as
/// they end CPython with status 0; any other SystemExit stays an uncaught exception (a job
/// that failed).
fn clean_exit(outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Raised(e)
            if e.kind == "SystemExit"
                && matches!(e.detail.args[..], [] | [Data::None] | [Data::Int(0)]) =>
        {
            Outcome::Finished
        }
        other => other,
    }
}

fn cmp_holds(op: CmpOp, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    match (op, ord) {
        (_, None) => false,
        (CmpOp::Lt, Some(o)) => o == Less,
        (CmpOp::Le, Some(o)) => o != Greater,
        (CmpOp::Gt, Some(o)) => o == Greater,
        (CmpOp::Ge, Some(o)) => o != Less,
        _ => false,
    }
}

#[derive(Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn float(self) -> f64 {
        match self {
            Num::Int(n) => n as f64,
            Num::Float(f) => f,
        }
    }
}

/// Arithmetic on small ints and floats; `None` when a 64-bit int result overflows (the caller
/// redoes it in arbitrary precision).
fn arith(op: BinOp, x: Num, y: Num) -> Result<Option<Value>, Raise> {
    if let (Num::Int(a), Num::Int(b)) = (x, y) {
        let int = |n: Option<i64>| Ok(n.map(Value::Int));
        return match op {
            BinOp::Add => int(a.checked_add(b)),
            BinOp::Sub => int(a.checked_sub(b)),
            BinOp::Mul => int(a.checked_mul(b)),
            BinOp::Div => {
                if b == 0 {
                    return raise("ZeroDivisionError", "division by zero");
                }
                if a.unsigned_abs() < (1 << 53) && b.unsigned_abs() < (1 << 53) {
                    Ok(Some(Value::Float(a as f64 / b as f64)))
                } else {
                    Ok(None)
                }
            }
            BinOp::FloorDiv => {
                if b == 0 {
                    return raise("ZeroDivisionError", "integer division or modulo by zero");
                }
                let Some(q) = a.checked_div(b) else {
                    return Ok(None);
                };
                int(Some(if (a % b != 0) && ((a < 0) != (b < 0)) {
                    q - 1
                } else {
                    q
                }))
            }
            BinOp::Mod => {
                if b == 0 {
                    return raise("ZeroDivisionError", "integer division or modulo by zero");
                }
                let Some(r) = a.checked_rem(b) else {
                    return Ok(None);
                };
                int(Some(if r != 0 && ((r < 0) != (b < 0)) {
                    r + b
                } else {
                    r
                }))
            }
            BinOp::Pow => {
                if b < 0 {
                    if a == 0 {
                        return raise(
                            "ZeroDivisionError",
                            "0.0 cannot be raised to a negative power",
                        );
                    }
                    return Ok(Some(Value::Float((a as f64).powf(b as f64))));
                }
                match u32::try_from(b) {
                    Ok(exp) => int(a.checked_pow(exp)),
                    Err(_) => Ok(None),
                }
            }
            BinOp::BitAnd => int(Some(a & b)),
            BinOp::BitOr => int(Some(a | b)),
            BinOp::BitXor => int(Some(a ^ b)),
            BinOp::LShift => {
                if b < 0 {
                    return raise("ValueError", "negative shift count");
                }
                if b >= 63 {
                    return if a == 0 { int(Some(0)) } else { Ok(None) };
                }
                let shifted = a << b;
                int(if shifted >> b == a {
                    Some(shifted)
                } else {
                    None
                })
            }
            BinOp::RShift => {
                if b < 0 {
                    return raise("ValueError", "negative shift count");
                }
                int(Some(a >> b.min(63)))
            }
        };
    }
    let (a, b) = (x.float(), y.float());
    // No real value (a negative base, a fractional exponent): a complex, made where the heap is
    // (`Vm::binary`).
    if op == BinOp::Pow && a < 0.0 && b.is_finite() && b.fract() != 0.0 {
        return Ok(None);
    }
    Ok(Some(Value::Float(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => {
            if b == 0.0 {
                return raise("ZeroDivisionError", "float division by zero");
            }
            a / b
        }
        BinOp::FloorDiv => {
            if b == 0.0 {
                return raise("ZeroDivisionError", "float floor division by zero");
            }
            float_divmod(a, b).0
        }
        BinOp::Mod => {
            if b == 0.0 {
                return raise("ZeroDivisionError", "float modulo");
            }
            float_divmod(a, b).1
        }
        BinOp::Pow => {
            if a == 0.0 && b < 0.0 {
                return raise(
                    "ZeroDivisionError",
                    "0.0 cannot be raised to a negative power",
                );
            }
            a.powf(b)
        }
        _ => {
            return raise(
                "TypeError",
                format!(
                    "unsupported operand type(s) for {}: 'float' and '{}'",
                    match op {
                        BinOp::BitAnd => "&",
                        BinOp::BitOr => "|",
                        BinOp::BitXor => "^",
                        BinOp::LShift => "<<",
                        _ => ">>",
                    },
                    if matches!(y, Num::Float(_)) {
                        "float"
                    } else {
                        "int"
                    }
                ),
            );
        }
    })))
}
