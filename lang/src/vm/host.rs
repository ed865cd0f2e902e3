//! The embedding interface: host modules the embedder registers (`rt`, `time`), host calls that
//! suspend the VM until the embedder answers, opaque host objects, calling a function by name,
//! and [`Data`] — plain values that cross between the VM and the embedder.
//!
//! A host call is part of the state: a VM suspended in one snapshots and restores like any
//! other, and [`Vm::pending_host_call`] tells the restored VM's embedder what it is waiting for.

use super::{Outcome, Raise, Vm, raise};
use crate::frame::Frame;
use crate::heap::{Dict, Object};
use crate::value::Value;

/// A module whose functions the embedder serves.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct HostModule {
    pub name: String,
    pub functions: Vec<String>,
}

/// A host call the VM is waiting on: `module.function` or `Kind.method` (then the first
/// argument is the host object), with the program's arguments.
#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct HostCall {
    pub name: String,
    pub args: Vec<Value>,
    pub kwargs: Vec<(String, Value)>,
}

/// A value as the embedder sees it: no heap references, only data.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    None,
    Bool(bool),
    Int(i64),
    /// An int beyond 64 bits, in decimal.
    BigInt(String),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<Data>),
    Tuple(Vec<Data>),
    Dict(Vec<(Data, Data)>),
    Set(Vec<Data>),
    /// An opaque host object.
    Host {
        kind: String,
        id: u64,
    },
    /// A module-level function, by name (how `spawn(f)` names what to run).
    Function(String),
    // New variants go last (snapshots hold pending host calls).
    ByteArray(Vec<u8>),
    Complex(f64, f64),
}

/// An exception the embedder raises in the program: a builtin exception name or the name of a
/// module-level class deriving from `BaseException` (other names become RuntimeError), and a
/// message. With `detail` (another VM's exception, [`super::Exception::detail`]) the program gets
/// the exception with its arguments and attributes, made without running `__init__` again.
#[derive(Clone, Debug, PartialEq)]
pub struct HostError {
    pub kind: String,
    pub message: String,
    pub detail: Option<Box<super::ExceptionDetail>>,
}

impl HostError {
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> HostError {
        HostError {
            kind: kind.into(),
            message: message.into(),
            detail: None,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    #[error("no host call is pending")]
    NotPending,
    #[error("the program has not finished its module body")]
    NotReady,
    /// Calling the function raised before it started (its arguments did not bind).
    #[error("{kind}: {message}")]
    Call { kind: String, message: String },
    #[error("no module-level function named '{0}'")]
    NoFunction(String),
    #[error("a {0} cannot leave the VM as data")]
    NotData(String),
    #[error("data nested too deeply")]
    TooDeep,
    #[error("the VM is out of memory")]
    Memory,
}

/// How deep data may nest crossing the boundary.
const DATA_DEPTH_MAX: usize = 100;
/// How many items a range may expand to crossing the boundary.
const DATA_ITEMS_MAX: i64 = 1 << 20;

impl Vm {
    /// Registers a module the program can import whose functions the embedder serves.
    pub fn register_host_module(&mut self, name: &str, functions: &[&str]) {
        self.state.hosts.retain(|m| m.name != name);
        self.state.hosts.push(HostModule {
            name: name.to_owned(),
            functions: functions.iter().map(|f| (*f).to_owned()).collect(),
        });
    }

    /// The host call the VM is waiting on, if any (also after a restore).
    pub fn pending_host_call(&self) -> Option<&HostCall> {
        self.state.pending.as_ref()
    }

    /// Answers the pending host call: the value it returns, or an exception it raises in the
    /// program. Then `run` again.
    pub fn resume(&mut self, answer: Result<Data, HostError>) -> Result<(), Error> {
        if self.state.pending.is_none() {
            return Err(Error::NotPending);
        }
        match answer {
            Ok(data) => {
                let v = self.from_data(&data)?;
                self.push(v).map_err(|_| Error::Memory)?;
            }
            Err(e) => match self.exception_of(&e)? {
                Some(object) => self.state.raise_object_on_resume = Some(object),
                None => self.state.raise_on_resume = Some((e.kind, e.message)),
            },
        }
        self.state.pending = None;
        Ok(())
    }

    /// The exception object for `e` when it needs one (a user class, or arguments to keep);
    /// `None` for a builtin kind and a message alone.
    fn exception_of(&mut self, e: &HostError) -> Result<Option<u32>, Error> {
        let builtin = super::EXCEPTIONS.iter().position(|(n, _)| *n == e.kind);
        let (class, user) = match builtin {
            Some(i) if e.detail.is_some() => (i as u16, None),
            Some(_) => return Ok(None),
            None => match self.global(&e.kind) {
                Some(Value::Ref(c)) if matches!(self.state.heap.get(c), Some(Object::Class(_))) => {
                    match self.exception_root(c) {
                        Ok(Some(root)) => (root, Some(c)),
                        _ => return Ok(None),
                    }
                }
                _ => return Ok(None),
            },
        };
        let detail = e.detail.as_deref().cloned().unwrap_or_default();
        let mut args = Vec::with_capacity(detail.args.len());
        for a in &detail.args {
            args.push(self.from_data(a)?);
        }
        let mut attrs = Vec::with_capacity(detail.attrs.len());
        for (k, v) in &detail.attrs {
            attrs.push((k.clone(), self.from_data(v)?));
        }
        let object = self
            .alloc(Object::Exception {
                class,
                user,
                args,
                message: e.message.clone(),
                shown: detail.shown,
                traceback: Vec::new(),
                attrs,
                cause: None,
                context: None,
                suppress_context: false,
            })
            .map_err(|_| Error::Memory)?;
        match object {
            Value::Ref(r) => Ok(Some(r)),
            _ => Err(Error::Memory),
        }
    }

    /// After the module body finished: calls module-level function `name` with `args`; `run`
    /// then runs it, and [`Vm::result`] is its return value.
    pub fn call_function(&mut self, name: &str, args: &[Data]) -> Result<(), Error> {
        if !self.state.frames.is_empty() || self.state.pending.is_some() {
            return Err(Error::NotReady);
        }
        let function = self
            .function_global(name)
            .ok_or_else(|| Error::NoFunction(name.to_owned()))?;
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.from_data(a)?);
        }
        // A bottom frame that only holds the call: its `Return` ends the run.
        self.state.frames.push(Frame::new(u32::MAX, Vec::new()));
        self.state.result = None;
        self.state.done = false;
        if let Err(raised) = self.call_with(function, values, Vec::new()) {
            // The arguments did not bind (CPython's TypeError): report it as the exception.
            let report = match raised {
                Raise::New(kind, message) => (kind.to_owned(), message),
                Raise::Object(e) | Raise::Again(e) => {
                    let e = self.exception_report(e);
                    (e.kind, e.message)
                }
                Raise::Stop => ("RuntimeError".to_owned(), "stopped".to_owned()),
            };
            self.state.frames.clear();
            return Err(Error::Call {
                kind: report.0,
                message: report.1,
            });
        }
        Ok(())
    }

    /// Whether the module defines `name` as a function (after its body ran).
    pub fn has_function(&self, name: &str) -> bool {
        self.function_global(name).is_some()
    }

    /// The module-level binding of `name` when it holds a function.
    fn function_global(&self, name: &str) -> Option<Value> {
        self.global(name).filter(|v| {
            matches!(v, Value::Ref(r) if matches!(self.state.heap.get(*r), Some(Object::Function { .. })))
        })
    }

    /// An attribute set on the module-level function `function` (`f.on_coordinator = True`),
    /// as data; `None` when there is no such function or attribute.
    pub fn function_attr(&self, function: &str, attr: &str) -> Option<Data> {
        let Some(Value::Ref(r)) = self.global(function) else {
            return None;
        };
        let Some(Object::Function { attrs, .. }) = self.state.heap.get(r) else {
            return None;
        };
        let value = attrs.iter().find(|(k, _)| k == attr)?.1;
        self.to_data(value).ok()
    }

    /// The module-level binding of `name`, if any.
    pub(super) fn global(&self, name: &str) -> Option<Value> {
        let i = self.state.module.names.iter().position(|n| n == name)?;
        self.state.globals.get(i).copied().flatten()
    }

    /// The value the finished call (or `None`) returned.
    pub fn result(&self) -> Result<Data, Error> {
        match self.state.result {
            Some(v) => self.to_data(v),
            None => Ok(Data::None),
        }
    }

    /// Converts a VM value (a host call's argument, a result) to data.
    pub fn to_data(&self, v: Value) -> Result<Data, Error> {
        self.to_data_depth(v, 0)
    }

    fn to_data_depth(&self, v: Value, depth: usize) -> Result<Data, Error> {
        if depth > DATA_DEPTH_MAX {
            return Err(Error::TooDeep);
        }
        let many = |items: &[Value]| -> Result<Vec<Data>, Error> {
            items
                .iter()
                .map(|i| self.to_data_depth(*i, depth + 1))
                .collect()
        };
        Ok(match v {
            Value::None => Data::None,
            Value::Bool(b) => Data::Bool(b),
            Value::Int(n) => Data::Int(n),
            Value::Float(f) => Data::Float(f),
            Value::Builtin(_) => return Err(Error::NotData("builtin function".into())),
            Value::ExceptionClass(_) => return Err(Error::NotData("class".into())),
            Value::Ref(r) => match self.state.heap.get(r) {
                Some(Object::Str(s)) => Data::Str(s.clone()),
                Some(Object::Bytes(b)) => Data::Bytes(b.clone()),
                Some(Object::ByteArray(b)) => Data::ByteArray(b.clone()),
                Some(&Object::Complex { re, im }) => Data::Complex(re, im),
                Some(Object::BigInt(b)) => Data::BigInt(
                    Self::big_text(b)
                        .map_err(|_| Error::NotData("int of more than 200,000 digits".into()))?,
                ),
                Some(Object::List(items)) => Data::List(many(items)?),
                Some(Object::Tuple(items)) => Data::Tuple(many(items)?),
                Some(Object::Dict(d)) => Data::Dict(
                    d.iter()
                        .map(|(k, v)| {
                            Ok((
                                self.to_data_depth(*k, depth + 1)?,
                                self.to_data_depth(*v, depth + 1)?,
                            ))
                        })
                        .collect::<Result<_, Error>>()?,
                ),
                Some(Object::Set { items, .. }) => Data::Set(
                    items
                        .iter()
                        .map(|(k, _)| self.to_data_depth(*k, depth + 1))
                        .collect::<Result<_, _>>()?,
                ),
                Some(Object::DictView { dict, kind }) => match self.state.heap.get(*dict) {
                    Some(Object::Dict(d)) => Data::List(
                        d.iter()
                            .map(|(k, v)| {
                                Ok(match kind {
                                    crate::heap::ViewKind::Keys => {
                                        self.to_data_depth(*k, depth + 1)?
                                    }
                                    crate::heap::ViewKind::Values => {
                                        self.to_data_depth(*v, depth + 1)?
                                    }
                                    crate::heap::ViewKind::Items => Data::Tuple(vec![
                                        self.to_data_depth(*k, depth + 1)?,
                                        self.to_data_depth(*v, depth + 1)?,
                                    ]),
                                })
                            })
                            .collect::<Result<_, Error>>()?,
                    ),
                    _ => return Err(Error::NotData("dict view".into())),
                },
                Some(Object::Range { start, stop, step }) => {
                    let len = super::range_len(*start, *stop, *step);
                    if len > DATA_ITEMS_MAX {
                        return Err(Error::NotData("range this long".into()));
                    }
                    Data::List((0..len).map(|i| Data::Int(start + i * step)).collect())
                }
                Some(Object::Host { kind, id }) => Data::Host {
                    kind: kind.clone(),
                    id: *id,
                },
                Some(Object::Function { code, .. }) => {
                    let name = self
                        .state
                        .module
                        .codes
                        .get(*code as usize)
                        .map(|c| c.name.clone())
                        .unwrap_or_default();
                    // Only a function a module-level global holds can be named in another VM
                    // (of the same program). Its own name first; otherwise a library module's
                    // global that holds it (`operator:mul`: library bodies run first in every
                    // VM of the program and bind the same functions). Not any other global: one
                    // rebound at run time would name something else in the other VM.
                    if self.global(&name) == Some(v) {
                        Data::Function(name)
                    } else if let Some(global) = self
                        .state
                        .globals
                        .iter()
                        .zip(&self.state.module.names)
                        .find(|(g, n)| **g == Some(v) && n.contains(':'))
                        .map(|(_, n)| n)
                    {
                        Data::Function(global.clone())
                    } else {
                        return Err(Error::NotData(format!(
                            "function '{name}' that is not defined at module level"
                        )));
                    }
                }
                Some(other) => return Err(Error::NotData(other.type_name().to_owned())),
                None => return Err(Error::NotData("dangling reference".into())),
            },
        })
    }

    /// Converts data into a VM value.
    pub fn from_data(&mut self, d: &Data) -> Result<Value, Error> {
        self.value_of_data(d, 0)
    }

    pub(super) fn value_of_data(&mut self, d: &Data, depth: usize) -> Result<Value, Error> {
        if depth > DATA_DEPTH_MAX {
            return Err(Error::TooDeep);
        }
        let object = match d {
            Data::None => return Ok(Value::None),
            Data::Bool(b) => return Ok(Value::Bool(*b)),
            Data::Int(n) => return Ok(Value::Int(*n)),
            Data::Float(f) => return Ok(Value::Float(*f)),
            Data::BigInt(text) => {
                let n: num_bigint::BigInt = text
                    .parse()
                    .map_err(|_| Error::NotData(format!("int {text:?}")))?;
                return self.int_value(n).map_err(|_| Error::Memory);
            }
            Data::Str(s) => Object::Str(s.clone()),
            Data::Bytes(b) => Object::Bytes(b.clone()),
            Data::ByteArray(b) => Object::ByteArray(b.clone()),
            &Data::Complex(re, im) => Object::Complex { re, im },
            Data::List(items) | Data::Tuple(items) | Data::Set(items) => {
                let mut values = Vec::with_capacity(items.len());
                for i in items {
                    values.push(self.value_of_data(i, depth + 1)?);
                }
                match d {
                    Data::List(_) => Object::List(values),
                    Data::Tuple(_) => Object::Tuple(values),
                    _ => {
                        let mut set = Dict::new_set();
                        for v in values {
                            let key = self
                                .key(v)
                                .map_err(|_| Error::NotData("unhashable".into()))?;
                            let hash = self.stable_hash(v, 0);
                            set.insert_hashed(key, v, Value::None, hash);
                        }
                        Object::Set {
                            items: set,
                            frozen: false,
                        }
                    }
                }
            }
            Data::Dict(pairs) => {
                let mut dict = Dict::default();
                for (k, v) in pairs {
                    let k = self.value_of_data(k, depth + 1)?;
                    let v = self.value_of_data(v, depth + 1)?;
                    let key = self
                        .key(k)
                        .map_err(|_| Error::NotData("unhashable key".into()))?;
                    dict.insert(key, k, v);
                }
                Object::Dict(dict)
            }
            Data::Host { kind, id } => Object::Host {
                kind: kind.clone(),
                id: *id,
            },
            Data::Function(name) => {
                // What the name holds here must be a function, or the value would silently be
                // something else (a global rebound at run time in the sending VM).
                return self
                    .function_global(name)
                    .ok_or_else(|| Error::NoFunction(name.clone()));
            }
        };
        self.alloc(object).map_err(|_| Error::Memory)
    }

    /// A call of a host function or a method of a host object: the VM suspends with it.
    pub(super) fn host_call(
        &mut self,
        name: String,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<(), Raise> {
        if self.nested > 0 {
            return raise(
                "RuntimeError",
                format!(
                    "{name}() cannot be called inside a special method or a generator a builtin is consuming"
                ),
            );
        }
        self.state.pending = Some(HostCall { name, args, kwargs });
        self.host_signal = true;
        Ok(())
    }

    /// The outcome for a host call the VM just stopped at.
    pub(super) fn host_outcome(&self) -> Outcome {
        match &self.state.pending {
            Some(call) => Outcome::HostCall(call.clone()),
            None => Outcome::Suspended,
        }
    }

    /// `import name`: the module object (the same one each time).
    pub(super) fn import(&mut self, name: &str) -> Result<Value, Raise> {
        if let Some((_, v)) = self.state.modules.iter().find(|(n, _)| n == name) {
            return Ok(*v);
        }
        if super::builtins::is_type_name(name) {
            return raise("ModuleNotFoundError", format!("No module named '{name}'"));
        }
        let attrs = if let Some(host) = self.state.hosts.iter().find(|m| m.name == name).cloned() {
            // `store.put` makes a submodule `store` with a function `put`.
            let mut attrs: Vec<(String, Value)> = Vec::with_capacity(host.functions.len());
            let mut submodules: Vec<(String, Vec<(String, Value)>)> = Vec::new();
            for f in host.functions {
                let full = format!("{name}.{f}");
                let v = self.alloc(Object::HostFunction { name: full })?;
                match f.split_once('.') {
                    Some((sub, rest)) => match submodules.iter_mut().find(|(n, _)| n == sub) {
                        Some((_, entries)) => entries.push((rest.to_owned(), v)),
                        None => submodules.push((sub.to_owned(), vec![(rest.to_owned(), v)])),
                    },
                    None => attrs.push((f, v)),
                }
            }
            for (sub, entries) in submodules {
                let m = self.alloc(Object::Module {
                    name: format!("{name}.{sub}"),
                    attrs: entries,
                })?;
                attrs.push((sub, m));
            }
            attrs
        } else {
            let prefix = format!("{name}.");
            let mut attrs: Vec<(String, Value)> = super::BUILTINS
                .iter()
                .enumerate()
                .filter_map(|(i, b)| {
                    b.strip_prefix(&prefix)
                        .map(|short| (short.to_owned(), Value::Builtin(i as u16)))
                })
                .collect();
            match name {
                "math" => {
                    attrs.push(("pi".into(), Value::Float(std::f64::consts::PI)));
                    attrs.push(("e".into(), Value::Float(std::f64::consts::E)));
                    attrs.push(("tau".into(), Value::Float(std::f64::consts::TAU)));
                    attrs.push(("inf".into(), Value::Float(f64::INFINITY)));
                    attrs.push(("nan".into(), Value::Float(f64::NAN)));
                }
                "sys" => {
                    attrs.push(("maxsize".into(), Value::Int(i64::MAX)));
                }
                _ => {}
            }
            // A library module's top-level names (`library.rs`), after its Rust builtins.
            let mangled = format!("{name}:");
            for (i, n) in self.state.module.names.iter().enumerate() {
                if let Some(short) = n.strip_prefix(&mangled)
                    && let Some(Some(v)) = self.state.globals.get(i)
                    && !short.starts_with('.')
                {
                    attrs.retain(|(a, _)| a != short);
                    attrs.push((short.to_owned(), *v));
                }
            }
            if attrs.is_empty() {
                return raise("ModuleNotFoundError", format!("No module named '{name}'"));
            }
            attrs
        };
        let module = self.alloc(Object::Module {
            name: name.to_owned(),
            attrs,
        })?;
        if self.state.modules.len() < 256 {
            self.state.modules.push((name.to_owned(), module));
        }
        Ok(module)
    }
}
