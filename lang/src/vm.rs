//! The VM: frames, operand stacks, globals and the heap are plain data ([`State`]), so the whole
//! execution snapshots to bytes between any two instructions and resumes bit-for-bit elsewhere.
//! `run(budget)` executes at most `budget` instructions and returns whether the program finished,
//! raised, or is suspended with budget used up.
//!
//! Nothing here panics on a hostile snapshot: every index a snapshot carries (code, instruction,
//! local, constant, name, heap slot) is checked where it is used, and a bad one raises
//! `SystemError` in the program instead.

use std::fmt::Write as _;

use crate::code::{BinOp, CmpOp, Const, Instr, Module};
use crate::heap::{Dict, Heap, Iter, Key, Object};
use crate::value::{Value, float_repr};

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

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Frame {
    pub code: u32,
    pub pc: u32,
    pub locals: Vec<Option<Value>>,
    pub stack: Vec<Value>,
    /// Active `try` blocks, innermost last.
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Block {
    pub handler: u32,
    pub depth: u32,
}

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
    ("SystemError", Some("Exception")),
    ("NotSupported", Some("Exception")),
];

fn exception_index(name: &str) -> u16 {
    EXCEPTIONS
        .iter()
        .position(|(n, _)| *n == name)
        .unwrap_or(EXCEPTIONS.len() - 2) as u16
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
    pub steps: u64,
    /// Set once the program finished or raised.
    pub done: bool,
}

/// A Python exception that reached the top: its type, message and traceback (outermost first:
/// function name and line).
#[derive(Clone, Debug, PartialEq)]
pub struct Exception {
    pub kind: String,
    pub message: String,
    pub traceback: Vec<(String, u32)>,
}

impl Exception {
    /// CPython's shape: `Traceback (most recent call last):`, a `File` line per frame, then
    /// `Kind: message`.
    pub fn render(&self, file: &str) -> String {
        let mut text = String::from("Traceback (most recent call last):\n");
        for (function, line) in &self.traceback {
            let _ = writeln!(text, "  File \"{file}\", line {line}, in {function}");
        }
        if self.message.is_empty() {
            let _ = writeln!(text, "{}", self.kind);
        } else {
            let _ = writeln!(text, "{}: {}", self.kind, self.message);
        }
        text
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Finished,
    Raised(Exception),
    /// The budget ran out; call `run` again (possibly after a snapshot and a restore).
    Suspended,
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
}

fn raise<T>(kind: &'static str, message: impl Into<String>) -> Result<T, Raise> {
    Err(Raise::New(kind, message.into()))
}

pub struct Vm {
    state: State,
}

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
                frames: vec![Frame {
                    code: 0,
                    pc: 0,
                    locals: vec![None; locals],
                    stack: Vec::new(),
                    blocks: Vec::new(),
                }],
                output: String::new(),
                steps: 0,
                done: false,
            },
        }
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Takes what the program printed since the last call.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.state.output)
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
        for object in state.heap.slots.iter().flatten() {
            if let Object::Dict(d) = object
                && (d.index.len() != d.entries.len()
                    || d.index.values().any(|i| *i as usize >= d.entries.len()))
            {
                return Err(Error::Snapshot(
                    "a dict's index does not match its entries".into(),
                ));
            }
        }
        Ok(Vm { state })
    }

    /// Runs at most `budget` instructions.
    pub fn run(&mut self, budget: u64) -> Outcome {
        self.run_until(budget, &std::sync::atomic::AtomicBool::new(false))
    }

    /// Runs at most `budget` instructions, or until another thread sets `deadline` (checked every
    /// 1,024 instructions): then `Suspended`, at an instruction boundary, ready to snapshot.
    pub fn run_until(&mut self, budget: u64, deadline: &std::sync::atomic::AtomicBool) -> Outcome {
        if self.state.done {
            return Outcome::Finished;
        }
        for executed in 0..budget {
            if executed % 1024 == 1023 && deadline.load(std::sync::atomic::Ordering::Relaxed) {
                return Outcome::Suspended;
            }
            match self.step() {
                Ok(true) => {
                    self.state.done = true;
                    return Outcome::Finished;
                }
                Ok(false) => {}
                Err(raised) => {
                    if let Some(exception) = self.unwind(raised) {
                        self.state.done = true;
                        return Outcome::Raised(exception);
                    }
                }
            }
        }
        Outcome::Suspended
    }

    /// Finds the handler for an exception: the innermost `try` block of the innermost frame that
    /// has one. Frames without a handler are left, adding to the traceback. Returns the exception
    /// when nothing handles it.
    fn unwind(&mut self, raised: Raise) -> Option<Exception> {
        let object = match raised {
            Raise::Object(r) => r,
            Raise::New(kind, message) => {
                let class = exception_index(kind);
                // A KeyError's message is already the key's repr, as CPython's str(KeyError) is.
                let shown = if message.is_empty() || kind == "KeyError" {
                    message.clone()
                } else {
                    py_str_repr(&message)
                };
                let exception = Object::Exception {
                    class,
                    message: message.clone(),
                    shown,
                    traceback: Vec::new(),
                };
                match self.state.heap.alloc(exception) {
                    Some(r) => r,
                    // No room even for the exception: report it without a traceback.
                    None => {
                        return Some(Exception {
                            kind: kind.to_owned(),
                            message,
                            traceback: Vec::new(),
                        });
                    }
                }
            }
        };
        while let Some(frame) = self.state.frames.last() {
            let line = self
                .state
                .module
                .codes
                .get(frame.code as usize)
                .and_then(|c| c.lines.get(frame.pc.saturating_sub(1) as usize))
                .copied()
                .unwrap_or(0);
            let code = frame.code;
            if let Some(Object::Exception { traceback, .. }) = self.state.heap.get_mut(object)
                && traceback.last() != Some(&(code, line))
                && traceback.len() < RECURSION_MAX + 8
            {
                traceback.push((code, line));
            }
            if let Some(frame) = self.state.frames.last_mut()
                && let Some(block) = frame.blocks.pop()
            {
                frame.stack.truncate(block.depth as usize);
                frame.stack.push(Value::Ref(object));
                frame.pc = block.handler;
                return None;
            }
            self.state.frames.pop();
        }
        let (class, message, traceback) = match self.state.heap.get(object) {
            Some(Object::Exception {
                class,
                message,
                traceback,
                ..
            }) => (*class, message.clone(), traceback.clone()),
            _ => (
                exception_index("SystemError"),
                "bad exception".into(),
                Vec::new(),
            ),
        };
        Some(Exception {
            kind: EXCEPTIONS
                .get(class as usize)
                .map_or("SystemError", |(n, _)| n)
                .to_owned(),
            message,
            traceback: traceback
                .iter()
                .rev()
                .map(|(code, line)| {
                    (
                        self.state
                            .module
                            .codes
                            .get(*code as usize)
                            .map_or("?".into(), |c| c.name.clone()),
                        *line,
                    )
                })
                .collect(),
        })
    }

    fn frame(&mut self) -> Result<&mut Frame, Raise> {
        match self.state.frames.last_mut() {
            Some(f) => Ok(f),
            None => raise("SystemError", "no frame"),
        }
    }

    fn push(&mut self, v: Value) -> Result<(), Raise> {
        let frame = self.frame()?;
        if frame.stack.len() >= STACK_MAX {
            return raise("MemoryError", "operand stack overflow");
        }
        frame.stack.push(v);
        Ok(())
    }

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

    fn alloc(&mut self, object: Object) -> Result<Value, Raise> {
        if self.state.heap.wants_collection() {
            self.collect();
        }
        match self.state.heap.alloc(object) {
            Some(r) => Ok(Value::Ref(r)),
            None => raise("MemoryError", ""),
        }
    }

    fn collect(&mut self) {
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
        }
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
    fn step(&mut self) -> Result<bool, Raise> {
        self.state.steps += 1;
        let (code_index, pc) = {
            let f = self.frame()?;
            (f.code as usize, f.pc as usize)
        };
        let Some(instr) = self
            .state
            .module
            .codes
            .get(code_index)
            .and_then(|c| c.instrs.get(pc))
            .copied()
        else {
            return raise("SystemError", "instruction out of range");
        };
        self.frame()?.pc += 1;
        match instr {
            Instr::LoadConst(i) => {
                let value = match self.state.module.consts.get(i as usize) {
                    Some(Const::None) => Value::None,
                    Some(Const::Bool(b)) => Value::Bool(*b),
                    Some(Const::Int(n)) => Value::Int(*n),
                    Some(Const::Float(f)) => Value::Float(*f),
                    Some(Const::Str(s)) => {
                        let s = s.clone();
                        self.str_value(s)?
                    }
                    None => return raise("SystemError", "constant out of range"),
                };
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
                            Some(b) => Value::Builtin(b as u16),
                            None if EXCEPTIONS.iter().any(|(n, _)| *n == name) => {
                                Value::ExceptionClass(exception_index(&name))
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
                let r = self.binary(op, a, b)?;
                self.push(r)?;
            }
            Instr::Compare(op) => {
                let b = self.pop()?;
                let a = self.pop()?;
                let r = self.compare(op, a, b)?;
                self.push(Value::Bool(r))?;
            }
            Instr::Not => {
                let v = self.pop()?;
                let t = self.truthy(v)?;
                self.push(Value::Bool(!t))?;
            }
            Instr::Negate => {
                let v = self.pop()?;
                let r = match v {
                    Value::Int(n) => match n.checked_neg() {
                        Some(n) => Value::Int(n),
                        None => return raise("OverflowError", "integer too large"),
                    },
                    Value::Bool(b) => Value::Int(-(b as i64)),
                    Value::Float(f) => Value::Float(-f),
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
                let v = self.subscript(container, index)?;
                self.push(v)?;
            }
            Instr::StoreSubscript => {
                let index = self.pop()?;
                let container = self.pop()?;
                let value = self.pop()?;
                self.store_subscript(container, index, value)?;
            }
            Instr::GetIter => {
                let v = self.pop()?;
                let it = self.iter(v)?;
                self.push(it)?;
            }
            Instr::ForIter(t) => {
                let it = self.pop()?;
                match self.next(it)? {
                    Some(item) => {
                        self.push(it)?;
                        self.push(item)?;
                    }
                    None => self.frame()?.pc = t,
                }
            }
            Instr::Call(argc) => {
                let args = self.pop_n(argc as usize)?;
                let callee = self.pop()?;
                self.call_with(callee, args, Vec::new())?;
            }
            Instr::CallMethod { name, argc } => {
                let args = self.pop_n(argc as usize)?;
                let receiver = self.pop()?;
                let Some(name) = self.state.module.names.get(name as usize).cloned() else {
                    return raise("SystemError", "name out of range");
                };
                let r = self.method(receiver, &name, args)?;
                self.push(r)?;
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
                    b'r' | b'a' => {
                        let t = self.repr(value)?;
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
                let object = match v {
                    Value::ExceptionClass(class) => {
                        let e = self.alloc(Object::Exception {
                            class,
                            message: String::new(),
                            shown: String::new(),
                            traceback: Vec::new(),
                        })?;
                        let Value::Ref(r) = e else {
                            return raise("SystemError", "allocation");
                        };
                        r
                    }
                    Value::Ref(r) if matches!(self.object(r)?, Object::Exception { .. }) => r,
                    _ => return raise("TypeError", "exceptions must derive from BaseException"),
                };
                return Err(Raise::Object(object));
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
                            Some(Object::Dict(d)) => match d.index.get(&k) {
                                Some(i) => d.entries[*i as usize].1 = value,
                                None => {
                                    d.index.insert(k, d.entries.len() as u32);
                                    d.entries.push((key, value));
                                }
                            },
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
                let v = self.slice(container, lo, hi, step)?;
                self.push(v)?;
            }
            Instr::MakeFunction {
                code,
                defaults,
                closure,
            } => {
                if code as usize >= self.state.module.codes.len() {
                    return raise("SystemError", "code out of range");
                }
                let closure = self.pop_n(closure as usize)?;
                let defaults = self.pop_n(defaults as usize)?;
                let v = self.alloc(Object::Function {
                    code,
                    defaults,
                    closure,
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
                let pairs = self.pop_n(2 * kw as usize)?;
                let args = self.pop_n(argc as usize)?;
                let callee = self.pop()?;
                let mut kwargs = Vec::with_capacity(kw as usize);
                for pair in pairs.chunks(2) {
                    let name = match pair[0] {
                        Value::Ref(r) => match self.object(r)? {
                            Object::Str(name) => name.clone(),
                            _ => return raise("SystemError", "keyword name"),
                        },
                        _ => return raise("SystemError", "keyword name"),
                    };
                    kwargs.push((name, pair[1]));
                }
                self.call_with(callee, args, kwargs)?;
            }
            Instr::Return => {
                let v = self.pop()?;
                self.state.frames.pop();
                if self.state.frames.is_empty() {
                    return Ok(true);
                }
                self.push(v)?;
            }
        }
        Ok(false)
    }

    /// `format(value, spec)`: the outer `Err` is an exception, the inner one a bad spec.
    fn format(&self, value: Value, spec: &str) -> Result<Result<String, String>, Raise> {
        Ok(match value {
            Value::Int(n) => crate::format::format_int(n, spec),
            Value::Bool(b) if spec.is_empty() => Ok(if b { "True" } else { "False" }.to_owned()),
            Value::Bool(b) => crate::format::format_int(b as i64, spec),
            Value::Float(f) => crate::format::format_float(f, spec),
            other => {
                let text = self.str_of(other)?;
                match other {
                    Value::Ref(r) if matches!(self.object(r)?, Object::Str(_)) => {
                        crate::format::format_str(&text, spec)
                    }
                    _ if spec.is_empty() => Ok(text),
                    _ => {
                        let t = self.type_name(other)?;
                        Err(format!(
                            "unsupported format string passed to {t}.__format__"
                        ))
                    }
                }
            }
        })
    }

    fn slice(
        &mut self,
        container: Value,
        lo: Value,
        hi: Value,
        step: Value,
    ) -> Result<Value, Raise> {
        let int = |v: Value| -> Result<Option<i64>, Raise> {
            match v {
                Value::None => Ok(None),
                Value::Int(n) => Ok(Some(n)),
                Value::Bool(b) => Ok(Some(b as i64)),
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
        let Value::Ref(r) = container else {
            let t = self.type_name(container)?;
            return raise("TypeError", format!("'{t}' object is not subscriptable"));
        };
        // Python's slice.indices(len).
        let pick = |len: usize| -> Vec<usize> {
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
            let mut out = Vec::new();
            let mut i = start;
            while (step > 0 && i < stop) || (step < 0 && i > stop) {
                out.push(i as usize);
                i += step;
            }
            out
        };
        let object = match self.object(r)? {
            Object::List(v) => Object::List(pick(v.len()).into_iter().map(|i| v[i]).collect()),
            Object::Tuple(v) => Object::Tuple(pick(v.len()).into_iter().map(|i| v[i]).collect()),
            Object::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                Object::Str(pick(chars.len()).into_iter().map(|i| chars[i]).collect())
            }
            other => {
                return raise(
                    "TypeError",
                    format!("'{}' object is not subscriptable", other.type_name()),
                );
            }
        };
        self.alloc(object)
    }

    fn exception_matches(&self, exception: Value, class: Value) -> Result<bool, Raise> {
        let Value::Ref(r) = exception else {
            return Ok(false);
        };
        let Object::Exception { class: actual, .. } = self.object(r)? else {
            return Ok(false);
        };
        let actual = *actual;
        match class {
            Value::ExceptionClass(c) => Ok(derives(actual, c)),
            Value::Ref(t) => match self.object(t)? {
                Object::Tuple(classes) => Ok(classes
                    .iter()
                    .any(|c| matches!(c, Value::ExceptionClass(c) if derives(actual, *c)))),
                _ => raise(
                    "TypeError",
                    "catching classes that do not inherit from BaseException is not allowed",
                ),
            },
            _ => raise(
                "TypeError",
                "catching classes that do not inherit from BaseException is not allowed",
            ),
        }
    }

    /// The cell in local slot `slot` of the current frame.
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

    fn type_name(&self, v: Value) -> Result<&'static str, Raise> {
        Ok(match v {
            Value::Ref(r) => self.object(r)?.type_name(),
            scalar => scalar.type_name_scalar().unwrap_or("object"),
        })
    }

    fn truthy(&self, v: Value) -> Result<bool, Raise> {
        Ok(match v {
            Value::None => false,
            Value::Bool(b) => b,
            Value::Int(n) => n != 0,
            Value::Float(f) => f != 0.0,
            Value::Builtin(_) | Value::ExceptionClass(_) => true,
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => !s.is_empty(),
                Object::List(v) | Object::Tuple(v) => !v.is_empty(),
                Object::Dict(d) => !d.entries.is_empty(),
                Object::Range { start, stop, step } => range_len(*start, *stop, *step) > 0,
                _ => true,
            },
        })
    }

    fn number(v: Value) -> Option<Num> {
        match v {
            Value::Bool(b) => Some(Num::Int(b as i64)),
            Value::Int(n) => Some(Num::Int(n)),
            Value::Float(f) => Some(Num::Float(f)),
            _ => None,
        }
    }

    fn binary(&mut self, op: BinOp, a: Value, b: Value) -> Result<Value, Raise> {
        if let (Some(x), Some(y)) = (Self::number(a), Self::number(b)) {
            return arith(op, x, y);
        }
        // Sequences: concatenation and repetition.
        match (op, a, b) {
            (BinOp::Add, Value::Ref(x), Value::Ref(y)) => {
                match (self.object(x)?, self.object(y)?) {
                    (Object::Str(p), Object::Str(q)) => {
                        let s = format!("{p}{q}");
                        return self.str_value(s);
                    }
                    (Object::List(p), Object::List(q)) => {
                        let v = p.iter().chain(q).copied().collect();
                        return self.alloc(Object::List(v));
                    }
                    (Object::Tuple(p), Object::Tuple(q)) => {
                        let v = p.iter().chain(q).copied().collect();
                        return self.alloc(Object::Tuple(v));
                    }
                    _ => {}
                }
            }
            (BinOp::Mul, Value::Ref(x), Value::Int(n))
            | (BinOp::Mul, Value::Int(n), Value::Ref(x)) => {
                let n = n.max(0) as usize;
                let object = match self.object(x)? {
                    Object::Str(s) if s.len().saturating_mul(n) <= crate::heap::BYTES_MAX => {
                        Object::Str(s.repeat(n))
                    }
                    Object::List(v) if v.len().saturating_mul(n) <= crate::heap::BYTES_MAX / 16 => {
                        Object::List(v.repeat(n))
                    }
                    Object::Str(_) | Object::List(_) => return raise("MemoryError", ""),
                    _ => return self.binary_type_error(op, a, b),
                };
                return self.alloc(object);
            }
            (BinOp::Mod, Value::Ref(x), _) if matches!(self.object(x)?, Object::Str(_)) => {
                let Object::Str(template) = self.object(x)? else {
                    return raise("SystemError", "not a str");
                };
                let template = template.clone();
                let values = match b {
                    Value::Ref(t) => match self.object(t)? {
                        Object::Tuple(items) => items.clone(),
                        _ => vec![b],
                    },
                    other => vec![other],
                };
                let text = self.percent_format(&template, &values)?;
                return self.str_value(text);
            }
            _ => {}
        }
        self.binary_type_error(op, a, b)
    }

    fn binary_type_error<T>(&self, op: BinOp, a: Value, b: Value) -> Result<T, Raise> {
        let symbol = match op {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "** or pow()",
        };
        let (ta, tb) = (self.type_name(a)?, self.type_name(b)?);
        if op == BinOp::Add && ta == "str" {
            return raise(
                "TypeError",
                format!("can only concatenate str (not \"{tb}\") to str"),
            );
        }
        raise(
            "TypeError",
            format!("unsupported operand type(s) for {symbol}: '{ta}' and '{tb}'"),
        )
    }

    fn equal(&self, a: Value, b: Value) -> Result<bool, Raise> {
        self.equal_depth(a, b, 0)
    }

    fn equal_depth(&self, a: Value, b: Value, depth: usize) -> Result<bool, Raise> {
        if depth > COMPARE_DEPTH_MAX {
            return raise(
                "RecursionError",
                "maximum recursion depth exceeded in comparison",
            );
        }
        if let (Some(x), Some(y)) = (Self::number(a), Self::number(b)) {
            return Ok(match (x, y) {
                (Num::Int(p), Num::Int(q)) => p == q,
                (p, q) => p.float() == q.float(),
            });
        }
        Ok(match (a, b) {
            (Value::None, Value::None) => true,
            (Value::Builtin(p), Value::Builtin(q)) => p == q,
            (Value::ExceptionClass(p), Value::ExceptionClass(q)) => p == q,
            (Value::Ref(x), Value::Ref(y)) => {
                if x == y {
                    return Ok(true);
                }
                match (self.object(x)?, self.object(y)?) {
                    (Object::Str(p), Object::Str(q)) => p == q,
                    (Object::List(p), Object::List(q)) | (Object::Tuple(p), Object::Tuple(q)) => {
                        p.len() == q.len() && {
                            let (p, q) = (p.clone(), q.clone());
                            let mut same = true;
                            for (u, v) in p.into_iter().zip(q) {
                                if !self.equal_depth(u, v, depth + 1)? {
                                    same = false;
                                    break;
                                }
                            }
                            same
                        }
                    }
                    (Object::Dict(p), Object::Dict(q)) => {
                        p.entries.len() == q.entries.len() && {
                            let (p, q) = (p.clone(), q.clone());
                            let mut same = true;
                            for (k, v) in &p.entries {
                                let key = self.key(*k)?;
                                match q.index.get(&key) {
                                    Some(i)
                                        if self.equal_depth(
                                            *v,
                                            q.entries[*i as usize].1,
                                            depth + 1,
                                        )? => {}
                                    _ => {
                                        same = false;
                                        break;
                                    }
                                }
                            }
                            same
                        }
                    }
                    _ => false,
                }
            }
            _ => false,
        })
    }

    fn less(&self, a: Value, b: Value, op: CmpOp) -> Result<bool, Raise> {
        self.less_depth(a, b, op, 0)
    }

    fn less_depth(&self, a: Value, b: Value, op: CmpOp, depth: usize) -> Result<bool, Raise> {
        if depth > COMPARE_DEPTH_MAX {
            return raise(
                "RecursionError",
                "maximum recursion depth exceeded in comparison",
            );
        }
        if let (Some(x), Some(y)) = (Self::number(a), Self::number(b)) {
            let ord = match (x, y) {
                (Num::Int(p), Num::Int(q)) => p.partial_cmp(&q),
                (p, q) => p.float().partial_cmp(&q.float()),
            };
            return Ok(cmp_holds(op, ord));
        }
        if let (Value::Ref(x), Value::Ref(y)) = (a, b) {
            match (self.object(x)?, self.object(y)?) {
                (Object::Str(p), Object::Str(q)) => return Ok(cmp_holds(op, p.partial_cmp(q))),
                (Object::List(p), Object::List(q)) | (Object::Tuple(p), Object::Tuple(q)) => {
                    let (p, q) = (p.clone(), q.clone());
                    for (u, v) in p.iter().zip(&q) {
                        if !self.equal_depth(*u, *v, depth + 1)? {
                            let lt = self.less_depth(*u, *v, CmpOp::Lt, depth + 1)?;
                            return Ok(match op {
                                CmpOp::Lt | CmpOp::Le => lt,
                                _ => !lt,
                            });
                        }
                    }
                    return Ok(cmp_holds(op, p.len().partial_cmp(&q.len())));
                }
                _ => {}
            }
        }
        let symbol = match op {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            _ => ">=",
        };
        let (ta, tb) = (self.type_name(a)?, self.type_name(b)?);
        raise(
            "TypeError",
            format!("'{symbol}' not supported between instances of '{ta}' and '{tb}'"),
        )
    }

    fn compare(&mut self, op: CmpOp, a: Value, b: Value) -> Result<bool, Raise> {
        match op {
            CmpOp::Eq => self.equal(a, b),
            CmpOp::Ne => Ok(!self.equal(a, b)?),
            CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => self.less(a, b, op),
            CmpOp::Is => Ok(match (a, b) {
                (Value::Ref(x), Value::Ref(y)) => x == y,
                (Value::None, Value::None) => true,
                (Value::Bool(x), Value::Bool(y)) => x == y,
                _ => false,
            }),
            CmpOp::IsNot => Ok(!self.compare(CmpOp::Is, a, b)?),
            CmpOp::In => self.contains(b, a),
            CmpOp::NotIn => Ok(!self.contains(b, a)?),
        }
    }

    fn contains(&self, container: Value, item: Value) -> Result<bool, Raise> {
        let Value::Ref(r) = container else {
            let t = self.type_name(container)?;
            return raise(
                "TypeError",
                format!("argument of type '{t}' is not iterable"),
            );
        };
        match self.object(r)? {
            Object::Str(s) => match item {
                Value::Ref(i) => match self.object(i)? {
                    Object::Str(needle) => Ok(s.contains(needle.as_str())),
                    _ => raise("TypeError", "'in <string>' requires string as left operand"),
                },
                _ => raise("TypeError", "'in <string>' requires string as left operand"),
            },
            Object::List(v) | Object::Tuple(v) => {
                for x in v.clone() {
                    if self.equal(x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Object::Dict(d) => Ok(d.index.contains_key(&self.key(item)?)),
            Object::Range { start, stop, step } => Ok(match item {
                Value::Int(n) => {
                    let (start, stop, step) = (*start, *stop, *step);
                    if step > 0 {
                        n >= start && n < stop && (n - start) % step == 0
                    } else {
                        n <= start && n > stop && (start - n) % (-step) == 0
                    }
                }
                _ => false,
            }),
            other => raise(
                "TypeError",
                format!("argument of type '{}' is not iterable", other.type_name()),
            ),
        }
    }

    fn key(&self, v: Value) -> Result<Key, Raise> {
        Ok(match v {
            Value::None => Key::None,
            Value::Bool(b) => Key::Int(b as i64),
            Value::Int(n) => Key::Int(n),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Key::Int(f as i64),
            Value::Float(f) => Key::Float(f.to_bits()),
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => Key::Str(s.clone()),
                Object::Tuple(items) => {
                    let items = items.clone();
                    let keys: Vec<Key> = items
                        .into_iter()
                        .map(|i| self.key(i))
                        .collect::<Result<_, _>>()?;
                    Key::Tuple(format!("{keys:?}"))
                }
                other => {
                    return raise(
                        "TypeError",
                        format!("unhashable type: '{}'", other.type_name()),
                    );
                }
            },
            Value::Builtin(b) => Key::Str(format!("<builtin {b}>")),
            Value::ExceptionClass(c) => Key::Str(format!("<class {c}>")),
        })
    }

    fn dict_set(&self, dict: &mut Dict, k: Value, v: Value) -> Result<(), Raise> {
        let key = self.key(k)?;
        match dict.index.get(&key) {
            Some(i) => dict.entries[*i as usize].1 = v,
            None => {
                dict.index.insert(key, dict.entries.len() as u32);
                dict.entries.push((k, v));
            }
        }
        Ok(())
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

    fn subscript(&mut self, container: Value, index: Value) -> Result<Value, Raise> {
        let Value::Ref(r) = container else {
            let t = self.type_name(container)?;
            return raise("TypeError", format!("'{t}' object is not subscriptable"));
        };
        match self.object(r)? {
            Object::List(v) => Ok(v[Self::index(v.len(), index, "list")?]),
            Object::Tuple(v) => Ok(v[Self::index(v.len(), index, "tuple")?]),
            Object::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                let c = chars[Self::index(chars.len(), index, "string")?];
                self.str_value(c.to_string())
            }
            Object::Dict(d) => {
                let key = self.key(index)?;
                match d.index.get(&key) {
                    Some(i) => Ok(d.entries[*i as usize].1),
                    None => {
                        let shown = self.repr(index)?;
                        raise("KeyError", shown)
                    }
                }
            }
            Object::Range { start, stop, step } => {
                let (start, stop, step) = (*start, *stop, *step);
                let i = Self::index(range_len(start, stop, step) as usize, index, "range object")?;
                Ok(Value::Int(start + step * i as i64))
            }
            other => raise(
                "TypeError",
                format!("'{}' object is not subscriptable", other.type_name()),
            ),
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
            _ => None,
        };
        match (self.state.heap.get_mut(r), key) {
            (Some(Object::List(v)), _) => {
                let i = Self::index(v.len(), index, "list assignment")?;
                v[i] = value;
                Ok(())
            }
            (Some(Object::Dict(d)), Some(key)) => {
                match d.index.get(&key) {
                    Some(i) => d.entries[*i as usize].1 = value,
                    None => {
                        d.index.insert(key, d.entries.len() as u32);
                        d.entries.push((index, value));
                    }
                }
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

    fn iter(&mut self, v: Value) -> Result<Value, Raise> {
        let Value::Ref(r) = v else {
            let t = self.type_name(v)?;
            return raise("TypeError", format!("'{t}' object is not iterable"));
        };
        let it = match self.object(r)? {
            Object::Range { start, stop, step } => Iter::Range {
                next: *start,
                stop: *stop,
                step: *step,
            },
            Object::List(_) | Object::Tuple(_) | Object::Str(_) | Object::Dict(_) => {
                Iter::Seq { of: r, index: 0 }
            }
            Object::Iter(_) => return Ok(v),
            other => {
                return raise(
                    "TypeError",
                    format!("'{}' object is not iterable", other.type_name()),
                );
            }
        };
        self.alloc(Object::Iter(it))
    }

    fn next(&mut self, it: Value) -> Result<Option<Value>, Raise> {
        let Value::Ref(r) = it else {
            return raise("SystemError", "not an iterator");
        };
        let (of, index) = match self.state.heap.get_mut(r) {
            Some(Object::Iter(Iter::Range { next, stop, step })) => {
                let n = *next;
                let more = if *step > 0 { n < *stop } else { n > *stop };
                if !more {
                    return Ok(None);
                }
                *next = n.saturating_add(*step);
                return Ok(Some(Value::Int(n)));
            }
            Some(Object::Iter(Iter::Seq { of, index })) => {
                let current = *index;
                *index += 1;
                (*of, current as usize)
            }
            _ => return raise("SystemError", "not an iterator"),
        };
        let item = match self.object(of)? {
            Object::List(v) | Object::Tuple(v) => v.get(index).copied(),
            Object::Dict(d) => d.entries.get(index).map(|(k, _)| *k),
            Object::Str(s) => match s.chars().nth(index) {
                Some(c) => return self.str_value(c.to_string()).map(Some),
                None => None,
            },
            _ => None,
        };
        Ok(item)
    }

    fn call_with(
        &mut self,
        callee: Value,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<(), Raise> {
        match callee {
            Value::Builtin(b) => {
                let r = self.builtin(b, args, kwargs)?;
                self.push(r)
            }
            _ if !kwargs.is_empty() && !matches!(callee, Value::Ref(_)) => {
                let t = self.type_name(callee)?;
                raise("TypeError", format!("'{t}' takes no keyword arguments"))
            }
            Value::ExceptionClass(class) => {
                let (message, shown) = match args[..] {
                    [] => (String::new(), String::new()),
                    [one] => (self.str_of(one)?, self.repr(one)?),
                    _ => {
                        let t = self.alloc(Object::Tuple(args))?;
                        let text = self.str_of(t)?;
                        let inner = text[1..text.len().saturating_sub(1)].to_owned();
                        (text, inner)
                    }
                };
                let e = self.alloc(Object::Exception {
                    class,
                    message,
                    shown,
                    traceback: Vec::new(),
                })?;
                self.push(e)
            }
            Value::Ref(r) => {
                let Object::Function {
                    code,
                    defaults,
                    closure,
                } = self.object(r)?
                else {
                    let t = self.type_name(callee)?;
                    return raise("TypeError", format!("'{t}' object is not callable"));
                };
                let (code, defaults, closure) = (*code, defaults.clone(), closure.clone());
                let Some(c) = self.state.module.codes.get(code as usize) else {
                    return raise("SystemError", "code out of range");
                };
                let params = c.params as usize;
                if c.locals > LOCALS_MAX
                    || params + c.freevars as usize > c.locals as usize
                    || defaults.len() > params
                    || closure.len() != c.freevars as usize
                {
                    return raise("SystemError", "inconsistent function");
                }
                if args.len() > params {
                    let required = params - defaults.len();
                    let takes = if defaults.is_empty() {
                        format!("{params}")
                    } else {
                        format!("from {required} to {params}")
                    };
                    return raise(
                        "TypeError",
                        format!(
                            "{}() takes {takes} positional argument{} but {} {} given",
                            c.name,
                            if params == 1 { "" } else { "s" },
                            args.len(),
                            if args.len() == 1 { "was" } else { "were" }
                        ),
                    );
                }
                if self.state.frames.len() >= RECURSION_MAX {
                    return raise("RecursionError", "maximum recursion depth exceeded");
                }
                let mut locals = vec![None; c.locals as usize];
                for (slot, a) in locals.iter_mut().zip(args) {
                    *slot = Some(a);
                }
                for (name, value) in kwargs {
                    let Some(i) = c.param_names.iter().position(|p| *p == name) else {
                        return raise(
                            "TypeError",
                            format!("{}() got an unexpected keyword argument '{name}'", c.name),
                        );
                    };
                    if locals[i].is_some() {
                        return raise(
                            "TypeError",
                            format!("{}() got multiple values for argument '{name}'", c.name),
                        );
                    }
                    locals[i] = Some(value);
                }
                let first_free = c.locals as usize - closure.len();
                for (slot, cell) in locals[first_free..].iter_mut().zip(closure) {
                    *slot = Some(cell);
                }
                let first_default = params - defaults.len();
                let mut missing = Vec::new();
                for (i, slot) in locals.iter_mut().enumerate().take(params) {
                    if slot.is_none() {
                        match i.checked_sub(first_default) {
                            Some(d) => *slot = Some(defaults[d]),
                            None => missing.push(format!(
                                "'{}'",
                                c.param_names.get(i).map_or("?", String::as_str)
                            )),
                        }
                    }
                }
                if !missing.is_empty() {
                    let names = match missing.len() {
                        1 => missing[0].clone(),
                        n => format!("{} and {}", missing[..n - 1].join(", "), missing[n - 1]),
                    };
                    return raise(
                        "TypeError",
                        format!(
                            "{}() missing {} required positional argument{}: {names}",
                            c.name,
                            missing.len(),
                            if missing.len() == 1 { "" } else { "s" }
                        ),
                    );
                }
                self.state.frames.push(Frame {
                    code,
                    pc: 0,
                    locals,
                    stack: Vec::new(),
                    blocks: Vec::new(),
                });
                Ok(())
            }
            other => {
                let t = self.type_name(other)?;
                raise("TypeError", format!("'{t}' object is not callable"))
            }
        }
    }

    fn builtin(
        &mut self,
        b: u16,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<Value, Raise> {
        let name = BUILTINS.get(b as usize).copied().unwrap_or("?");
        let mut sep = " ".to_owned();
        let mut end = "\n".to_owned();
        for (key, value) in &kwargs {
            match (name, key.as_str()) {
                ("print", "sep") if *value != Value::None => sep = self.str_of(*value)?,
                ("print", "end") if *value != Value::None => end = self.str_of(*value)?,
                ("print", "sep" | "end") => {}
                _ => {
                    return raise(
                        "TypeError",
                        format!("'{key}' is an invalid keyword argument for {name}()"),
                    );
                }
            }
        }
        let one = |args: &[Value]| -> Result<Value, Raise> {
            match args {
                [v] => Ok(*v),
                _ => raise(
                    "TypeError",
                    format!("{name}() takes exactly one argument ({} given)", args.len()),
                ),
            }
        };
        match name {
            "print" => {
                let mut line = String::new();
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        line.push_str(&sep);
                    }
                    line.push_str(&self.str_of(*a)?);
                }
                line.push_str(&end);
                if self.state.output.len() + line.len() > OUTPUT_MAX {
                    return raise("MemoryError", "too much unread output");
                }
                self.state.output.push_str(&line);
                Ok(Value::None)
            }
            "len" => {
                let v = one(&args)?;
                let n = match v {
                    Value::Ref(r) => match self.object(r)? {
                        Object::Str(s) => s.chars().count(),
                        Object::List(v) | Object::Tuple(v) => v.len(),
                        Object::Dict(d) => d.entries.len(),
                        Object::Range { start, stop, step } => {
                            range_len(*start, *stop, *step) as usize
                        }
                        other => {
                            return raise(
                                "TypeError",
                                format!("object of type '{}' has no len()", other.type_name()),
                            );
                        }
                    },
                    other => {
                        let t = self.type_name(other)?;
                        return raise("TypeError", format!("object of type '{t}' has no len()"));
                    }
                };
                Ok(Value::Int(n as i64))
            }
            "range" => {
                let ints: Vec<i64> = args
                    .iter()
                    .map(|a| match a {
                        Value::Int(n) => Ok(*n),
                        Value::Bool(b) => Ok(*b as i64),
                        other => {
                            let t = self.type_name(*other)?;
                            raise(
                                "TypeError",
                                format!("'{t}' object cannot be interpreted as an integer"),
                            )
                        }
                    })
                    .collect::<Result<_, _>>()?;
                let (start, stop, step) = match ints[..] {
                    [stop] => (0, stop, 1),
                    [start, stop] => (start, stop, 1),
                    [start, stop, step] => (start, stop, step),
                    _ => {
                        return raise(
                            "TypeError",
                            format!("range expected at most 3 arguments, got {}", ints.len()),
                        );
                    }
                };
                if step == 0 {
                    return raise("ValueError", "range() arg 3 must not be zero");
                }
                self.alloc(Object::Range { start, stop, step })
            }
            "str" => {
                let v = one(&args)?;
                let s = self.str_of(v)?;
                self.str_value(s)
            }
            "repr" => {
                let v = one(&args)?;
                let s = self.repr(v)?;
                self.str_value(s)
            }
            "int" => {
                let v = one(&args)?;
                match v {
                    Value::Int(n) => Ok(Value::Int(n)),
                    Value::Bool(b) => Ok(Value::Int(b as i64)),
                    Value::Float(f) if f.is_finite() && f.abs() < 9.2e18 => {
                        Ok(Value::Int(f.trunc() as i64))
                    }
                    Value::Float(_) => raise("OverflowError", "cannot convert float to integer"),
                    Value::Ref(r) => match self.object(r)? {
                        Object::Str(s) => match s.trim().replace('_', "").parse::<i64>() {
                            Ok(n) => Ok(Value::Int(n)),
                            Err(_) => raise(
                                "ValueError",
                                format!(
                                    "invalid literal for int() with base 10: {}",
                                    py_str_repr(s)
                                ),
                            ),
                        },
                        other => raise(
                            "TypeError",
                            format!(
                                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                                other.type_name()
                            ),
                        ),
                    },
                    other => {
                        let t = self.type_name(other)?;
                        raise(
                            "TypeError",
                            format!(
                                "int() argument must be a string, a bytes-like object or a real number, not '{t}'"
                            ),
                        )
                    }
                }
            }
            "float" => {
                let v = one(&args)?;
                match v {
                    Value::Int(n) => Ok(Value::Float(n as f64)),
                    Value::Bool(b) => Ok(Value::Float(b as i64 as f64)),
                    Value::Float(f) => Ok(Value::Float(f)),
                    Value::Ref(r) => match self.object(r)? {
                        Object::Str(s) => match s.trim().parse::<f64>() {
                            Ok(f) => Ok(Value::Float(f)),
                            Err(_) => raise(
                                "ValueError",
                                format!("could not convert string to float: {}", py_str_repr(s)),
                            ),
                        },
                        other => raise(
                            "TypeError",
                            format!(
                                "float() argument must be a string or a real number, not '{}'",
                                other.type_name()
                            ),
                        ),
                    },
                    other => {
                        let t = self.type_name(other)?;
                        raise(
                            "TypeError",
                            format!(
                                "float() argument must be a string or a real number, not '{t}'"
                            ),
                        )
                    }
                }
            }
            "bool" => {
                let v = one(&args)?;
                Ok(Value::Bool(self.truthy(v)?))
            }
            "abs" => match one(&args)? {
                Value::Int(n) => n
                    .checked_abs()
                    .map(Value::Int)
                    .map_or_else(|| raise("OverflowError", "integer too large"), Ok),
                Value::Bool(b) => Ok(Value::Int(b as i64)),
                Value::Float(f) => Ok(Value::Float(f.abs())),
                other => {
                    let t = self.type_name(other)?;
                    raise("TypeError", format!("bad operand type for abs(): '{t}'"))
                }
            },
            "min" | "max" => {
                let items = match args[..] {
                    [single] => self.collect_items(single)?,
                    _ => args,
                };
                let Some(mut best) = items.first().copied() else {
                    return raise("ValueError", format!("{name}() arg is an empty sequence"));
                };
                for item in items.into_iter().skip(1) {
                    let better = if name == "min" {
                        self.less(item, best, CmpOp::Lt)?
                    } else {
                        self.less(item, best, CmpOp::Gt)?
                    };
                    if better {
                        best = item;
                    }
                }
                Ok(best)
            }
            "sum" => {
                let v = one(&args)?;
                let items = self.collect_items(v)?;
                let mut total = Value::Int(0);
                for item in items {
                    total = self.binary(BinOp::Add, total, item)?;
                }
                Ok(total)
            }
            "list" => {
                let items = match args[..] {
                    [] => Vec::new(),
                    [v] => self.collect_items(v)?,
                    _ => return raise("TypeError", "list expected at most 1 argument"),
                };
                self.alloc(Object::List(items))
            }
            "round" => match args[..] {
                [Value::Float(f)] => {
                    // Python rounds half to even.
                    let r = f.round();
                    let r = if (f - f.trunc()).abs() == 0.5 {
                        2.0 * (f / 2.0).round()
                    } else {
                        r
                    };
                    Ok(Value::Int(r as i64))
                }
                [Value::Int(n)] => Ok(Value::Int(n)),
                _ => raise(
                    "NotSupported",
                    "round() with these arguments is not in the subset yet",
                ),
            },
            "tuple" => {
                let items = match args[..] {
                    [] => Vec::new(),
                    [v] => self.collect_items(v)?,
                    _ => return raise("TypeError", "tuple expected at most 1 argument"),
                };
                self.alloc(Object::Tuple(items))
            }
            "dict" => {
                let mut dict = Dict::default();
                if let [Value::Ref(src)] = args[..]
                    && let Object::Dict(existing) = self.object(src)?
                {
                    dict = existing.clone();
                } else if let [source] = args[..] {
                    for pair in self.collect_items(source)? {
                        let kv = self.collect_items(pair)?;
                        let [k, v] = kv[..] else {
                            return raise(
                                "ValueError",
                                "dictionary update sequence element has the wrong length",
                            );
                        };
                        self.dict_set(&mut dict, k, v)?;
                    }
                } else if !args.is_empty() {
                    return raise("TypeError", "dict expected at most 1 argument");
                }
                self.alloc(Object::Dict(dict))
            }
            "enumerate" => {
                let (v, start) = match args[..] {
                    [v] => (v, 0),
                    [v, Value::Int(s)] => (v, s),
                    _ => return raise("TypeError", "enumerate() takes an iterable and a start"),
                };
                let items = self.collect_items(v)?;
                let mut pairs = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    pairs
                        .push(self.alloc(Object::Tuple(vec![Value::Int(start + i as i64), item]))?);
                }
                let list = self.alloc(Object::List(pairs))?;
                self.iter(list)
            }
            "zip" => {
                let mut columns = Vec::with_capacity(args.len());
                for a in args {
                    columns.push(self.collect_items(a)?);
                }
                let rows = columns.iter().map(Vec::len).min().unwrap_or(0);
                let mut tuples = Vec::with_capacity(rows);
                for i in 0..rows {
                    let row = columns.iter().map(|c| c[i]).collect();
                    tuples.push(self.alloc(Object::Tuple(row))?);
                }
                let list = self.alloc(Object::List(tuples))?;
                self.iter(list)
            }
            "sorted" => {
                let v = one(&args)?;
                let items = self.collect_items(v)?;
                let sorted = self.merge_sort(items)?;
                self.alloc(Object::List(sorted))
            }
            "reversed" => {
                let v = one(&args)?;
                let mut items = self.collect_items(v)?;
                items.reverse();
                let list = self.alloc(Object::List(items))?;
                self.iter(list)
            }
            "format" => {
                let (value, spec) = match args[..] {
                    [v] => (v, String::new()),
                    [v, s] => (v, self.str_of(s)?),
                    _ => return raise("TypeError", "format expected 1 or 2 arguments"),
                };
                match self.format(value, &spec)? {
                    Ok(t) => self.str_value(t),
                    Err(message) => raise("ValueError", message),
                }
            }
            "isinstance" => {
                let [v, class] = args[..] else {
                    return raise(
                        "TypeError",
                        format!("isinstance expected 2 arguments, got {}", args.len()),
                    );
                };
                let classes = match class {
                    Value::Ref(t) => match self.object(t)? {
                        Object::Tuple(items) => items.clone(),
                        _ => vec![class],
                    },
                    other => vec![other],
                };
                let actual = self.type_name(v)?;
                for c in classes {
                    let matched = match c {
                        Value::Builtin(b) => {
                            let wanted = BUILTINS.get(b as usize).copied().unwrap_or("");
                            if !matches!(
                                wanted,
                                "int"
                                    | "float"
                                    | "str"
                                    | "bool"
                                    | "list"
                                    | "dict"
                                    | "tuple"
                                    | "range"
                            ) {
                                return raise(
                                    "TypeError",
                                    "isinstance() arg 2 must be a type, a tuple of types, or a union",
                                );
                            }
                            // bool is a subclass of int.
                            actual == wanted || (wanted == "int" && actual == "bool")
                        }
                        Value::ExceptionClass(class) => match v {
                            Value::Ref(r) => {
                                matches!(self.object(r)?, Object::Exception { class: actual, .. } if derives(*actual, class))
                            }
                            _ => false,
                        },
                        _ => {
                            return raise(
                                "TypeError",
                                "isinstance() arg 2 must be a type, a tuple of types, or a union",
                            );
                        }
                    };
                    if matched {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            "type" => raise("NotSupported", "type() is not in the subset yet"),
            _ => raise("SystemError", "unknown builtin"),
        }
    }

    /// The items of an iterable, for builtins that take one.
    fn collect_items(&mut self, v: Value) -> Result<Vec<Value>, Raise> {
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

    fn method(&mut self, receiver: Value, name: &str, args: Vec<Value>) -> Result<Value, Raise> {
        let Value::Ref(r) = receiver else {
            let t = self.type_name(receiver)?;
            return raise(
                "AttributeError",
                format!("'{t}' object has no attribute '{name}'"),
            );
        };
        let kind = self.object(r)?.type_name();
        match (kind, name) {
            ("list", "append") => {
                let [v] = args[..] else {
                    return raise("TypeError", "list.append() takes exactly one argument");
                };
                if let Some(Object::List(items)) = self.state.heap.get_mut(r) {
                    items.push(v);
                }
                Ok(Value::None)
            }
            ("list", "pop") => {
                let Some(Object::List(items)) = self.state.heap.get_mut(r) else {
                    return raise("SystemError", "dangling reference");
                };
                let len = items.len();
                if len == 0 {
                    return raise("IndexError", "pop from empty list");
                }
                let i = match args[..] {
                    [] => len - 1,
                    [i] => Self::index(len, i, "pop")?,
                    _ => return raise("TypeError", "pop expected at most 1 argument"),
                };
                Ok(items.remove(i))
            }
            ("dict", "get") => {
                let (k, default) = match args[..] {
                    [k] => (k, Value::None),
                    [k, d] => (k, d),
                    _ => return raise("TypeError", "get expected 1 or 2 arguments"),
                };
                let key = self.key(k)?;
                let Object::Dict(d) = self.object(r)? else {
                    return raise("SystemError", "not a dict");
                };
                Ok(d.index
                    .get(&key)
                    .map_or(default, |i| d.entries[*i as usize].1))
            }
            ("dict", "keys" | "values" | "items") => {
                let Object::Dict(d) = self.object(r)? else {
                    return raise("SystemError", "not a dict");
                };
                let entries = d.entries.clone();
                let items = match name {
                    "keys" => entries.into_iter().map(|(k, _)| k).collect(),
                    "values" => entries.into_iter().map(|(_, v)| v).collect(),
                    _ => {
                        let mut pairs = Vec::with_capacity(entries.len());
                        for (k, v) in entries {
                            pairs.push(self.alloc(Object::Tuple(vec![k, v]))?);
                        }
                        pairs
                    }
                };
                self.alloc(Object::List(items))
            }
            ("str", "join") => {
                let [items] = args[..] else {
                    return raise("TypeError", "join() takes exactly one argument");
                };
                let Object::Str(sep) = self.object(r)? else {
                    return raise("SystemError", "not a str");
                };
                let sep = sep.clone();
                let items = self.collect_items(items)?;
                let mut parts = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Value::Ref(x) => match self.object(x)? {
                            Object::Str(s) => parts.push(s.clone()),
                            other => {
                                return raise(
                                    "TypeError",
                                    format!(
                                        "sequence item {i}: expected str instance, {} found",
                                        other.type_name()
                                    ),
                                );
                            }
                        },
                        other => {
                            let t = self.type_name(other)?;
                            return raise(
                                "TypeError",
                                format!("sequence item {i}: expected str instance, {t} found"),
                            );
                        }
                    }
                }
                self.str_value(parts.join(&sep))
            }
            ("str", "split") => {
                let Object::Str(text) = self.object(r)? else {
                    return raise("SystemError", "not a str");
                };
                let text = text.clone();
                let parts: Vec<String> = match args[..] {
                    [] => text.split_whitespace().map(str::to_owned).collect(),
                    [sep] => {
                        let sep = self.str_arg(sep, "split")?;
                        if sep.is_empty() {
                            return raise("ValueError", "empty separator");
                        }
                        text.split(sep.as_str()).map(str::to_owned).collect()
                    }
                    _ => {
                        return raise(
                            "NotSupported",
                            "split with maxsplit is not in the subset yet",
                        );
                    }
                };
                let mut items = Vec::with_capacity(parts.len());
                for p in parts {
                    items.push(self.str_value(p)?);
                }
                self.alloc(Object::List(items))
            }
            ("str", "replace" | "startswith" | "endswith" | "find" | "count") => {
                let Object::Str(text) = self.object(r)? else {
                    return raise("SystemError", "not a str");
                };
                let text = text.clone();
                let strs: Vec<String> = args
                    .iter()
                    .map(|a| self.str_arg(*a, name))
                    .collect::<Result<_, _>>()?;
                match (name, &strs[..]) {
                    ("replace", [old, new]) => self.str_value(text.replace(old.as_str(), new)),
                    ("startswith", [p]) => Ok(Value::Bool(text.starts_with(p.as_str()))),
                    ("endswith", [p]) => Ok(Value::Bool(text.ends_with(p.as_str()))),
                    ("find", [p]) => Ok(Value::Int(
                        text.find(p.as_str())
                            .map_or(-1, |byte| text[..byte].chars().count() as i64),
                    )),
                    ("count", [p]) if !p.is_empty() => {
                        Ok(Value::Int(text.matches(p.as_str()).count() as i64))
                    }
                    _ => raise(
                        "NotSupported",
                        format!("str.{name} with these arguments is not in the subset yet"),
                    ),
                }
            }
            ("list", "extend") => {
                let [other] = args[..] else {
                    return raise("TypeError", "list.extend() takes exactly one argument");
                };
                let items = self.collect_items(other)?;
                if let Some(Object::List(list)) = self.state.heap.get_mut(r) {
                    list.extend(items);
                }
                Ok(Value::None)
            }
            ("list", "insert") => {
                let [Value::Int(at), v] = args[..] else {
                    return raise("TypeError", "insert expected an index and a value");
                };
                if let Some(Object::List(list)) = self.state.heap.get_mut(r) {
                    let len = list.len() as i64;
                    let at = if at < 0 {
                        (at + len).max(0)
                    } else {
                        at.min(len)
                    };
                    list.insert(at as usize, v);
                }
                Ok(Value::None)
            }
            ("list", "index" | "count") => {
                let [v] = args[..] else {
                    return raise("TypeError", format!("{name}() takes exactly one argument"));
                };
                let Object::List(items) = self.object(r)? else {
                    return raise("SystemError", "not a list");
                };
                let items = items.clone();
                let mut found = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    if self.equal(item, v)? {
                        found.push(i);
                    }
                }
                if name == "count" {
                    return Ok(Value::Int(found.len() as i64));
                }
                match found.first() {
                    Some(i) => Ok(Value::Int(*i as i64)),
                    None => {
                        let shown = self.repr(v)?;
                        raise("ValueError", format!("{shown} is not in list"))
                    }
                }
            }
            ("list", "reverse") if args.is_empty() => {
                if let Some(Object::List(list)) = self.state.heap.get_mut(r) {
                    list.reverse();
                }
                Ok(Value::None)
            }
            ("list", "sort") if args.is_empty() => {
                let sorted = self.builtin(
                    BUILTINS.iter().position(|b| *b == "sorted").unwrap_or(0) as u16,
                    vec![receiver],
                    Vec::new(),
                )?;
                let Value::Ref(sr) = sorted else {
                    return raise("SystemError", "sort");
                };
                let items = match self.object(sr)? {
                    Object::List(items) => items.clone(),
                    _ => return raise("SystemError", "sort"),
                };
                if let Some(Object::List(list)) = self.state.heap.get_mut(r) {
                    *list = items;
                }
                Ok(Value::None)
            }
            ("dict", "pop" | "setdefault") => {
                let (k, default) = match args[..] {
                    [k] => (k, None),
                    [k, d] => (k, Some(d)),
                    _ => return raise("TypeError", format!("{name} expected 1 or 2 arguments")),
                };
                let key = self.key(k)?;
                let Object::Dict(d) = self.object(r)? else {
                    return raise("SystemError", "not a dict");
                };
                let existing = d.index.get(&key).map(|i| d.entries[*i as usize].1);
                match (name, existing, default) {
                    ("setdefault", Some(v), _) => Ok(v),
                    ("setdefault", None, d) => {
                        let v = d.unwrap_or(Value::None);
                        self.store_subscript(receiver, k, v)?;
                        Ok(v)
                    }
                    (_, Some(v), _) => {
                        // Remove, keeping insertion order of the rest.
                        if let Some(Object::Dict(d)) = self.state.heap.get_mut(r)
                            && let Some(i) = d.index.remove(&key)
                        {
                            d.entries.remove(i as usize);
                            for slot in d.index.values_mut() {
                                if *slot > i {
                                    *slot -= 1;
                                }
                            }
                        }
                        Ok(v)
                    }
                    (_, None, Some(d)) => Ok(d),
                    (_, None, None) => {
                        let shown = self.repr(k)?;
                        raise("KeyError", shown)
                    }
                }
            }
            ("dict", "update") => {
                let [other] = args[..] else {
                    return raise("TypeError", "update expected 1 argument");
                };
                let Value::Ref(o) = other else {
                    return raise("TypeError", "update expects a dict");
                };
                let Object::Dict(d) = self.object(o)? else {
                    return raise(
                        "NotSupported",
                        "dict.update from a non-dict is not in the subset yet",
                    );
                };
                for (k, v) in d.entries.clone() {
                    self.store_subscript(receiver, k, v)?;
                }
                Ok(Value::None)
            }
            ("str", "format") => {
                let Object::Str(template) = self.object(r)? else {
                    return raise("SystemError", "not a str");
                };
                let template = template.clone();
                let text = self.brace_format(&template, &args)?;
                self.str_value(text)
            }
            ("str", "upper" | "lower" | "strip") if args.is_empty() => {
                let Object::Str(s) = self.object(r)? else {
                    return raise("SystemError", "not a str");
                };
                let out = match name {
                    "upper" => s.to_uppercase(),
                    "lower" => s.to_lowercase(),
                    _ => s.trim().to_owned(),
                };
                self.str_value(out)
            }
            _ => raise(
                "AttributeError",
                format!("'{kind}' object has no attribute '{name}'"),
            ),
        }
    }

    /// A stable bottom-up merge sort through the VM's `<`, so comparison errors propagate and
    /// the order is Python's (equal items keep their order). O(n log n) comparisons.
    fn merge_sort(&self, mut items: Vec<Value>) -> Result<Vec<Value>, Raise> {
        let n = items.len();
        let mut buffer = items.clone();
        let mut width = 1;
        while width < n {
            let mut start = 0;
            while start < n {
                let mid = (start + width).min(n);
                let end = (start + 2 * width).min(n);
                let (mut i, mut j, mut k) = (start, mid, start);
                while i < mid && j < end {
                    // Take from the right only when strictly smaller: stability.
                    if self.less(items[j], items[i], CmpOp::Lt)? {
                        buffer[k] = items[j];
                        j += 1;
                    } else {
                        buffer[k] = items[i];
                        i += 1;
                    }
                    k += 1;
                }
                buffer[k..k + (mid - i)].copy_from_slice(&items[i..mid]);
                k += mid - i;
                buffer[k..k + (end - j)].copy_from_slice(&items[j..end]);
                start = end;
            }
            std::mem::swap(&mut items, &mut buffer);
            width *= 2;
        }
        Ok(items)
    }

    /// `template % values`: `%s %r %d %i %f %e %g %x %o %%` with flags, width and precision.
    fn percent_format(&self, template: &str, values: &[Value]) -> Result<String, Raise> {
        let mut out = String::with_capacity(template.len());
        let mut next = values.iter();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut spec = String::new();
            let kind = loop {
                match chars.next() {
                    Some(k) if k.is_ascii_alphabetic() || k == '%' => break k,
                    Some(k) if "-+ #0.123456789".contains(k) => spec.push(k),
                    _ => return raise("ValueError", "incomplete format"),
                }
            };
            if kind == '%' {
                out.push('%');
                continue;
            }
            let Some(&value) = next.next() else {
                return raise("TypeError", "not enough arguments for format string");
            };
            // printf flags map onto the format-spec language: `-` is left alignment.
            let (align, rest) = match spec.strip_prefix('-') {
                Some(rest) => ("<", rest.to_owned()),
                None => ("", spec.clone()),
            };
            let formatted = match kind {
                's' => {
                    let text = self.str_of(value)?;
                    crate::format::format_str(&text, &format!("{align}{rest}"))
                }
                'r' | 'a' => {
                    let text = self.repr(value)?;
                    crate::format::format_str(&text, &format!("{align}{rest}"))
                }
                'd' | 'i' | 'u' => {
                    let n = match value {
                        Value::Int(n) => n,
                        Value::Bool(b) => b as i64,
                        Value::Float(f) if f.is_finite() => f.trunc() as i64,
                        other => {
                            let t = self.type_name(other)?;
                            return raise(
                                "TypeError",
                                format!("%{kind} format: a real number is required, not {t}"),
                            );
                        }
                    };
                    crate::format::format_int(n, &format!("{align}{rest}d"))
                }
                'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                    let f = match value {
                        Value::Int(n) => n as f64,
                        Value::Bool(b) => b as i64 as f64,
                        Value::Float(f) => f,
                        other => {
                            let t = self.type_name(other)?;
                            return raise("TypeError", format!("must be real number, not {t}"));
                        }
                    };
                    let rest = if rest.contains('.') || kind == 'g' || kind == 'G' {
                        rest
                    } else {
                        format!("{rest}.6")
                    };
                    crate::format::format_float(f, &format!("{align}{rest}{kind}"))
                }
                'x' | 'X' | 'o' => match value {
                    Value::Int(n) => crate::format::format_int(n, &format!("{align}{rest}{kind}")),
                    other => {
                        let t = self.type_name(other)?;
                        return raise(
                            "TypeError",
                            format!("%{kind} format: an integer is required, not {t}"),
                        );
                    }
                },
                other => {
                    return raise(
                        "ValueError",
                        format!("unsupported format character '{other}'"),
                    );
                }
            };
            match formatted {
                Ok(text) => out.push_str(&text),
                Err(message) => return raise("ValueError", message),
            }
        }
        if next.next().is_some() {
            return raise(
                "TypeError",
                "not all arguments converted during string formatting",
            );
        }
        Ok(out)
    }

    /// `template.format(*args)`: `{}`, `{0}`, `{:spec}`, `{0!r:spec}` and `{{`/`}}` escapes.
    fn brace_format(&self, template: &str, args: &[Value]) -> Result<String, Raise> {
        let mut out = String::with_capacity(template.len());
        let mut auto = 0usize;
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    out.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    out.push('}');
                }
                '}' => return raise("ValueError", "Single '}' encountered in format string"),
                '{' => {
                    let mut field = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(ch) => field.push(ch),
                            None => {
                                return raise("ValueError", "expected '}' before end of string");
                            }
                        }
                    }
                    let (head, spec) = field.split_once(':').unwrap_or((&field, ""));
                    let (name, conversion) = head.split_once('!').unwrap_or((head, ""));
                    let index = if name.is_empty() {
                        auto += 1;
                        auto - 1
                    } else {
                        match name.parse::<usize>() {
                            Ok(i) => i,
                            Err(_) => {
                                return raise(
                                    "NotSupported",
                                    "named or attribute fields in str.format are not in the subset yet",
                                );
                            }
                        }
                    };
                    let Some(&value) = args.get(index) else {
                        return raise(
                            "IndexError",
                            format!(
                                "Replacement index {index} out of range for positional args tuple"
                            ),
                        );
                    };
                    let formatted = match conversion {
                        "" => self.format(value, spec)?,
                        "r" | "a" => crate::format::format_str(&self.repr(value)?, spec),
                        "s" => crate::format::format_str(&self.str_of(value)?, spec),
                        other => {
                            return raise(
                                "ValueError",
                                format!("Unknown conversion specifier {other}"),
                            );
                        }
                    };
                    match formatted {
                        Ok(text) => out.push_str(&text),
                        Err(message) => return raise("ValueError", message),
                    }
                }
                c => out.push(c),
            }
        }
        Ok(out)
    }

    fn str_arg(&self, v: Value, method: &str) -> Result<String, Raise> {
        match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => Ok(s.clone()),
                other => raise(
                    "TypeError",
                    format!("{method}() argument must be str, not {}", other.type_name()),
                ),
            },
            other => {
                let t = self.type_name(other)?;
                raise(
                    "TypeError",
                    format!("{method}() argument must be str, not {t}"),
                )
            }
        }
    }

    /// `str(v)`.
    fn str_of(&self, v: Value) -> Result<String, Raise> {
        match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => Ok(s.clone()),
                Object::Exception { message, .. } => Ok(message.clone()),
                _ => self.repr(v),
            },
            _ => self.repr(v),
        }
    }

    /// `repr(v)`.
    fn repr(&self, v: Value) -> Result<String, Raise> {
        self.repr_depth(v, 0)
    }

    fn repr_depth(&self, v: Value, depth: usize) -> Result<String, Raise> {
        if depth > 100 {
            return raise(
                "RecursionError",
                "maximum recursion depth exceeded while getting the repr of an object",
            );
        }
        Ok(match v {
            Value::None => "None".into(),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::Int(n) => n.to_string(),
            Value::Float(f) => float_repr(f),
            Value::Builtin(b) => format!(
                "<built-in function {}>",
                BUILTINS.get(b as usize).copied().unwrap_or("?")
            ),
            Value::ExceptionClass(c) => format!(
                "<class '{}'>",
                EXCEPTIONS.get(c as usize).map_or("?", |(n, _)| n)
            ),
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => py_str_repr(s),
                Object::List(items) => {
                    let parts: Vec<String> = items
                        .iter()
                        .map(|i| self.repr_depth(*i, depth + 1))
                        .collect::<Result<_, _>>()?;
                    format!("[{}]", parts.join(", "))
                }
                Object::Tuple(items) => {
                    let parts: Vec<String> = items
                        .iter()
                        .map(|i| self.repr_depth(*i, depth + 1))
                        .collect::<Result<_, _>>()?;
                    if parts.len() == 1 {
                        format!("({},)", parts[0])
                    } else {
                        format!("({})", parts.join(", "))
                    }
                }
                Object::Dict(d) => {
                    let mut parts = Vec::with_capacity(d.entries.len());
                    for (k, v) in &d.entries {
                        parts.push(format!(
                            "{}: {}",
                            self.repr_depth(*k, depth + 1)?,
                            self.repr_depth(*v, depth + 1)?
                        ));
                    }
                    format!("{{{}}}", parts.join(", "))
                }
                Object::Range { start, stop, step } => {
                    if *step == 1 {
                        format!("range({start}, {stop})")
                    } else {
                        format!("range({start}, {stop}, {step})")
                    }
                }
                Object::Iter(_) => "<iterator object>".into(),
                Object::Exception { class, shown, .. } => format!(
                    "{}({shown})",
                    EXCEPTIONS.get(*class as usize).map_or("?", |(n, _)| n),
                ),
                Object::Cell(_) => "<cell>".into(),
                Object::Function { code: c, .. } => format!(
                    "<function {}>",
                    self.state
                        .module
                        .codes
                        .get(*c as usize)
                        .map_or("?", |c| c.name.as_str())
                ),
            },
        })
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
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    if step > 0 && start < stop {
        (stop - start - 1) / step + 1
    } else if step < 0 && start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
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

fn arith(op: BinOp, x: Num, y: Num) -> Result<Value, Raise> {
    fn overflow<T>() -> Result<T, Raise> {
        raise(
            "OverflowError",
            "integer result too large (arbitrary precision is not in the subset yet)",
        )
    }
    if let (Num::Int(a), Num::Int(b)) = (x, y) {
        return match op {
            BinOp::Add => a
                .checked_add(b)
                .map_or_else(overflow, |n| Ok(Value::Int(n))),
            BinOp::Sub => a
                .checked_sub(b)
                .map_or_else(overflow, |n| Ok(Value::Int(n))),
            BinOp::Mul => a
                .checked_mul(b)
                .map_or_else(overflow, |n| Ok(Value::Int(n))),
            BinOp::Div => {
                if b == 0 {
                    return raise("ZeroDivisionError", "division by zero");
                }
                Ok(Value::Float(a as f64 / b as f64))
            }
            BinOp::FloorDiv => {
                if b == 0 {
                    return raise("ZeroDivisionError", "integer division or modulo by zero");
                }
                let q = a.checked_div(b).map_or_else(overflow, Ok)?;
                Ok(Value::Int(if (a % b != 0) && ((a < 0) != (b < 0)) {
                    q - 1
                } else {
                    q
                }))
            }
            BinOp::Mod => {
                if b == 0 {
                    return raise("ZeroDivisionError", "integer division or modulo by zero");
                }
                let r = a.checked_rem(b).map_or_else(overflow, Ok)?;
                Ok(Value::Int(if r != 0 && ((r < 0) != (b < 0)) {
                    r + b
                } else {
                    r
                }))
            }
            BinOp::Pow => {
                if b < 0 {
                    return Ok(Value::Float((a as f64).powf(b as f64)));
                }
                let exp = u32::try_from(b).map_or_else(|_| overflow(), Ok)?;
                a.checked_pow(exp)
                    .map_or_else(overflow, |n| Ok(Value::Int(n)))
            }
        };
    }
    let (a, b) = (x.float(), y.float());
    Ok(Value::Float(match op {
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
            (a / b).floor()
        }
        BinOp::Mod => {
            if b == 0.0 {
                return raise("ZeroDivisionError", "float modulo");
            }
            let r = a % b;
            if r != 0.0 && ((r < 0.0) != (b < 0.0)) {
                r + b
            } else {
                r
            }
        }
        BinOp::Pow => a.powf(b),
    }))
}
