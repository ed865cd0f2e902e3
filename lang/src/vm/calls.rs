//! Calls: binding arguments to parameters (positional, defaults, keyword, keyword-only,
//! `*args`, `**kwargs`, with CPython's error messages), what each kind of callable does when
//! called, and method calls.

use super::{RUST_DEPTH_MAX, Raise, Vm, raise};
use crate::frame::{Frame, GeneratorEnd};
use crate::heap::{Dict, Generator, Key, Object};
use crate::value::Value;

impl Vm {
    /// Calls `callee`: a builtin pushes its result; a Python function pushes a frame whose
    /// return value lands on this frame's stack; a generator function pushes a generator; a
    /// host function suspends the VM.
    pub(super) fn call_with(
        &mut self,
        callee: Value,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<(), Raise> {
        // Callables that call callables (`__call__` set to an instance of the same class, or a
        // hostile snapshot's cycle) would otherwise recurse on the Rust stack without end.
        if self.rust_depth >= RUST_DEPTH_MAX {
            return raise(
                "RecursionError",
                "maximum recursion depth exceeded while calling a Python object",
            );
        }
        self.rust_depth += 1;
        let result = self.call_with_inner(callee, args, kwargs);
        self.rust_depth -= 1;
        result
    }

    fn call_with_inner(
        &mut self,
        callee: Value,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<(), Raise> {
        match callee {
            Value::Builtin(b) => {
                let name = super::BUILTINS.get(b as usize).copied().unwrap_or("");
                // `next(generator)` resumes it with a frame, so the generator stays resumable.
                if name == "next"
                    && kwargs.is_empty()
                    && let [Value::Ref(g)] = args[..]
                    && matches!(self.object(g)?, Object::Generator(_))
                {
                    return self.resume_generator(g, Value::None, GeneratorEnd::Raise);
                }
                // `iter(callable, sentinel)` and `zip(..., strict=True)` are generators of the
                // prelude (they call back into Python at every item).
                if name == "iter" && args.len() == 2 && kwargs.is_empty() {
                    let f = self.prelude("__sl_iter_call")?;
                    return self.call_with(f, args, kwargs);
                }
                if name == "zip"
                    && let Some(at) = kwargs.iter().position(|(k, _)| k == "strict")
                {
                    let mut kwargs = kwargs;
                    let strict = kwargs.remove(at).1;
                    if self.truthy(strict)? {
                        let f = self.prelude("__sl_zip_strict")?;
                        return self.call_with(f, args, kwargs);
                    }
                    let r = self.builtin(b, args, kwargs)?;
                    return self.push(r);
                }
                // An iterable whose items come from Python code goes through the prelude.
                if let Some(&first) = args.first()
                    && (args.len() == 1 || args.len() == 2)
                    && self.runs_python(first, 0)?
                    && matches!(
                        name,
                        "sum"
                            | "list"
                            | "tuple"
                            | "set"
                            | "frozenset"
                            | "dict"
                            | "sorted"
                            | "min"
                            | "max"
                            | "any"
                            | "all"
                            | "bytes"
                            | "bytearray"
                    )
                    && (args.len() == 1 || name == "sum")
                    // A mapping is read through `keys()` (`update_pairs`), not iterated.
                    && !(name == "dict" && self.is_user_mapping(first)?)
                {
                    return match name {
                        "any" | "all" | "sum" => {
                            let f = self.prelude(match name {
                                "any" => "__sl_any",
                                "all" => "__sl_all",
                                _ => "__sl_sum",
                            })?;
                            self.call_with(f, args, kwargs)
                        }
                        _ => {
                            let (f, takes_fn) =
                                self.consumer(name == "list", !kwargs.is_empty())?;
                            let mut all = Vec::with_capacity(args.len() + 1);
                            if takes_fn {
                                all.push(callee);
                            }
                            all.extend(args);
                            self.call_with(f, all, kwargs)
                        }
                    };
                }
                let r = self.builtin(b, args, kwargs)?;
                self.push(r)
            }
            Value::ExceptionClass(class) => {
                if !kwargs.is_empty() {
                    return raise(
                        "TypeError",
                        format!(
                            "{}() takes no keyword arguments",
                            super::EXCEPTIONS
                                .get(class as usize)
                                .map_or("?", |(n, _)| n)
                        ),
                    );
                }
                let class = os_error_subclass(class, &args);
                let e = self.alloc(Object::blank_exception(class, None))?;
                if let Value::Ref(r) = e {
                    self.init_exception(r, args)?;
                }
                self.push(e)
            }
            Value::Ref(r) => match self.object(r)? {
                Object::Function { .. } => self.call_function_object(r, args, kwargs),
                Object::Class(_) => match self.special(callee, "__call__")? {
                    Some(m) => self.call_with(m, args, kwargs),
                    None => self.instantiate(r, args, kwargs),
                },
                Object::Method { receiver, function } => {
                    let (receiver, function) = (*receiver, *function);
                    let mut all = Vec::with_capacity(args.len() + 1);
                    all.push(receiver);
                    all.extend(args);
                    self.call_with(function, all, kwargs)
                }
                Object::BuiltinMethod { receiver, name } => {
                    let (receiver, name) = (*receiver, name.clone());
                    let (receiver, args) = match receiver {
                        Some(r) => (r, args),
                        None => {
                            let mut args = args.into_iter();
                            let Some(first) = args.next() else {
                                return raise(
                                    "TypeError",
                                    format!("unbound method {name}() needs an argument"),
                                );
                            };
                            // `dict.update(self, …)` in a dict subclass: the dict inside.
                            let first = self.value_inside(first)?.unwrap_or(first);
                            (first, args.collect())
                        }
                    };
                    if name == "type.__call__"
                        && let Value::Ref(class) = receiver
                    {
                        return self.instantiate(class, args, kwargs);
                    }
                    let v = self.method(receiver, &name, args, kwargs)?;
                    self.push(v)
                }
                Object::HostFunction { name } => {
                    let name = name.clone();
                    self.host_call(name, args, kwargs)
                }
                Object::Instance { .. } => match self.special(callee, "__call__")? {
                    Some(m) => self.call_with(m, args, kwargs),
                    None => {
                        let t = self.type_name(callee)?;
                        raise("TypeError", format!("'{t}' object is not callable"))
                    }
                },
                _ => {
                    let t = self.type_name(callee)?;
                    raise("TypeError", format!("'{t}' object is not callable"))
                }
            },
            other => {
                let t = self.type_name(other)?;
                raise("TypeError", format!("'{t}' object is not callable"))
            }
        }
    }

    /// Calls a Python function object: binds the arguments, then pushes a frame (or, for a
    /// generator function, a generator holding the frame).
    fn call_function_object(
        &mut self,
        r: u32,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<(), Raise> {
        let Object::Function {
            code,
            defaults,
            kw_defaults,
            closure,
            owner,
            ..
        } = self.object(r)?
        else {
            return raise("SystemError", "not a function");
        };
        let (code, defaults, kw_defaults, closure, owner) = (
            *code,
            defaults.clone(),
            kw_defaults.clone(),
            closure.clone(),
            *owner,
        );
        let Some(c) = self.state.module.codes.get(code as usize) else {
            return raise("SystemError", "code out of range");
        };
        let params = c.params as usize;
        let kwonly = c.kwonly as usize;
        let named = params + kwonly;
        let star_slot = named;
        let kw_slot = named + c.varargs as usize;
        let (varargs, varkw, generator) = (c.varargs, c.varkw, c.generator);
        let first_free = c.free_start as usize;
        if c.locals > super::LOCALS_MAX
            || kw_slot + varkw as usize > first_free
            || first_free + c.freevars as usize > c.locals as usize
            || c.param_names.len() < named
            || defaults.len() > params
            || closure.len() != c.freevars as usize
        {
            return raise("SystemError", "inconsistent function");
        }
        let locals_count = c.locals as usize;
        if self.state.frames.len() >= super::RECURSION_MAX {
            return raise("RecursionError", "maximum recursion depth exceeded");
        }
        let mut locals = vec![None; locals_count];
        // The common call: exactly the positional parameters, nothing else to bind.
        if !varargs && !varkw && kwonly == 0 && kwargs.is_empty() && args.len() == params {
            for (slot, a) in locals.iter_mut().zip(args) {
                *slot = Some(a);
            }
            for (slot, cell) in locals[first_free..].iter_mut().zip(closure) {
                *slot = Some(cell);
            }
            let mut frame = Frame::new(code, locals);
            frame.owner = owner;
            return self.enter(frame, generator);
        }
        let name = c.qualname.clone();
        let param_names: Vec<String> = c.param_names[..named].to_vec();
        let given = args.len();
        let mut args = args.into_iter();
        for slot in locals.iter_mut().take(params.min(given)) {
            *slot = args.next();
        }
        let extra: Vec<Value> = args.collect();
        if varargs {
            locals[star_slot] = Some(self.alloc(Object::Tuple(extra))?);
        } else if !extra.is_empty() {
            let required = params - defaults.len();
            let takes = if defaults.is_empty() {
                format!("{params}")
            } else {
                format!("from {required} to {params}")
            };
            return raise(
                "TypeError",
                format!(
                    "{name}() takes {takes} positional argument{} but {given} {} given",
                    if params == 1 { "" } else { "s" },
                    if given == 1 { "was" } else { "were" }
                ),
            );
        }
        let mut extra_kw = Dict::default();
        for (key, value) in kwargs {
            match param_names.iter().position(|p| *p == key) {
                Some(i) => {
                    if locals[i].is_some() {
                        return raise(
                            "TypeError",
                            format!("{name}() got multiple values for argument '{key}'"),
                        );
                    }
                    locals[i] = Some(value);
                }
                None if varkw => {
                    let k = self.str_value(key.clone())?;
                    extra_kw.insert(Key::Str(key), k, value);
                }
                None => {
                    return raise(
                        "TypeError",
                        format!("{name}() got an unexpected keyword argument '{key}'"),
                    );
                }
            }
        }
        if varkw {
            locals[kw_slot] = Some(self.alloc(Object::Dict(extra_kw))?);
        }
        let first_default = params - defaults.len();
        let mut missing = Vec::new();
        for (i, slot) in locals.iter_mut().enumerate().take(params) {
            if slot.is_none() {
                match i.checked_sub(first_default) {
                    Some(d) => *slot = Some(defaults[d]),
                    None => missing.push(format!("'{}'", param_names[i])),
                }
            }
        }
        if !missing.is_empty() {
            return missing_arguments(&name, "positional", &missing);
        }
        for i in params..named {
            if locals[i].is_none() {
                match kw_defaults.iter().find(|(k, _)| *k == param_names[i]) {
                    Some((_, v)) => locals[i] = Some(*v),
                    None => missing.push(format!("'{}'", param_names[i])),
                }
            }
        }
        if !missing.is_empty() {
            return missing_arguments(&name, "keyword-only", &missing);
        }
        for (slot, cell) in locals[first_free..].iter_mut().zip(closure) {
            *slot = Some(cell);
        }
        let mut frame = Frame::new(code, locals);
        frame.owner = owner;
        self.enter(frame, generator)
    }

    /// Starts a bound call: pushes its frame, or for a generator function pushes a generator
    /// holding it.
    fn enter(&mut self, frame: Frame, generator: bool) -> Result<(), Raise> {
        if generator {
            let g = self.alloc(Object::Generator(Generator::new(frame)))?;
            return self.push(g);
        }
        self.state.frames.push(frame);
        Ok(())
    }

    /// `receiver.name(args)`: functions found on a class are called with the receiver first,
    /// without making a bound method; host objects make a host call; builtin types use their
    /// builtin methods.
    pub(super) fn call_method(
        &mut self,
        receiver: Value,
        name: &str,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<(), Raise> {
        if let Value::Ref(r) = receiver {
            match self.object(r)? {
                Object::Instance { class, attrs, dict } => {
                    if let Some((_, f)) = attrs.iter().find(|(k, _)| k == name) {
                        let f = *f;
                        return self.call_with(f, args, kwargs);
                    }
                    let (class, dict) = (*class, *dict);
                    if let Some(d) = dict
                        && let Some(f) = self.dict_str_get(d, name)?
                    {
                        return self.call_with(f, args, kwargs);
                    }
                    if let super::objects::Found::Class(f) = self.class_lookup(class, name)?
                        && let Value::Ref(fr) = f
                        && matches!(self.object(fr)?, Object::Function { .. })
                    {
                        let mut all = Vec::with_capacity(args.len() + 1);
                        all.push(receiver);
                        all.extend(args);
                        return self.call_with(f, all, kwargs);
                    }
                }
                Object::Host { kind, .. } => {
                    let full = format!("{kind}.{name}");
                    let mut all = Vec::with_capacity(args.len() + 1);
                    all.push(receiver);
                    all.extend(args);
                    return self.host_call(full, all, kwargs);
                }
                Object::Generator(_) => match (name, &args[..]) {
                    ("send", [v]) => {
                        return self.resume_generator(r, *v, GeneratorEnd::Raise);
                    }
                    ("__next__", []) => {
                        return self.resume_generator(r, Value::None, GeneratorEnd::Raise);
                    }
                    ("close", []) => {
                        self.generator_close(r)?;
                        return self.push(Value::None);
                    }
                    ("throw", [e]) => return self.generator_throw(r, *e),
                    _ => {}
                },
                // Builtin types: their methods directly, without binding one first — unless the
                // argument is an iterable whose items come from Python code (the prelude
                // collects it with frames first).
                Object::Str(_)
                | Object::List(_)
                | Object::Dict(_)
                | Object::Tuple(_)
                | Object::Set { .. }
                | Object::Bytes(_)
                | Object::ByteArray(_)
                | Object::BigInt(_) => {
                    if let [arg] = args[..]
                        && matches!(
                            name,
                            "join"
                                | "extend"
                                | "update"
                                | "union"
                                | "intersection"
                                | "difference"
                                | "symmetric_difference"
                                | "issubset"
                                | "issuperset"
                                | "isdisjoint"
                                | "difference_update"
                                | "intersection_update"
                        )
                        && self.runs_python(arg, 0)?
                        && !(name == "update"
                            && matches!(self.object(r)?, Object::Dict(_))
                            && self.is_user_mapping(arg)?)
                    {
                        let bound = self.alloc(Object::BuiltinMethod {
                            receiver: Some(receiver),
                            name: name.to_owned(),
                        })?;
                        let (f, _) = self.consumer(false, !kwargs.is_empty())?;
                        return self.call_with(f, vec![bound, arg], kwargs);
                    }
                    let v = self.method(receiver, name, args, kwargs)?;
                    return self.push(v);
                }
                _ => {}
            }
            if let Some(found) = self.lookup_attr(receiver, name)? {
                return self.call_with(found, args, kwargs);
            }
            return self.missing_attr(receiver, name);
        }
        // `int.from_bytes(...)`, `str.upper(s)`: what the type holds under that name.
        if let Value::Builtin(_) = receiver {
            if let Some(found) = self.lookup_attr(receiver, name)? {
                return self.call_with(found, args, kwargs);
            }
            return self.missing_attr(receiver, name);
        }
        let v = self.method(receiver, name, args, kwargs)?;
        self.push(v)
    }

    /// Whether iterating `v` runs Python code (a generator, a user iterator, a lazy builtin
    /// iterator over one, or `map`/`filter` with a Python function).
    pub(super) fn runs_python(&self, v: Value, depth: usize) -> Result<bool, Raise> {
        let Value::Ref(r) = v else {
            return Ok(false);
        };
        if depth > 16 {
            return Ok(true);
        }
        let python_fn = |f: Value| matches!(f, Value::Ref(_));
        Ok(match self.object(r)? {
            Object::Generator(_) | Object::Instance { .. } => true,
            Object::Iter(it) => match it {
                crate::heap::Iter::Instance(_) => true,
                crate::heap::Iter::Map { function, inners } => {
                    python_fn(*function) || {
                        let inners = inners.clone();
                        let mut any = false;
                        for i in inners {
                            any |= self.runs_python(Value::Ref(i), depth + 1)?;
                        }
                        any
                    }
                }
                crate::heap::Iter::Filter { function, inner } => {
                    python_fn(*function) || self.runs_python(Value::Ref(*inner), depth + 1)?
                }
                crate::heap::Iter::Enumerate { inner, .. } => {
                    self.runs_python(Value::Ref(*inner), depth + 1)?
                }
                crate::heap::Iter::Zip { inners } => {
                    let mut any = false;
                    for i in inners {
                        any |= self.runs_python(Value::Ref(*i), depth + 1)?;
                    }
                    any
                }
                _ => false,
            },
            _ => false,
        })
    }

    /// The prelude function that runs a builtin over an iterable whose items come from Python
    /// code, and whether it takes the builtin first: `list(g)` fills `__sl_list`'s own list;
    /// without keywords, `__sl_collect` (no `**kwargs` to fill); otherwise, or in a module
    /// compiled before those two existed (a task snapshotted by an older slnode),
    /// `__sl_materialize`.
    fn consumer(&self, list: bool, keywords: bool) -> Result<(Value, bool), Raise> {
        if !keywords {
            let found = if list {
                self.global("__sl_list").map(|f| (f, false))
            } else {
                self.global("__sl_collect").map(|f| (f, true))
            };
            if let Some(found) = found {
                return Ok(found);
            }
        }
        Ok((self.prelude("__sl_materialize")?, true))
    }

    /// A prelude function (defined at the start of every module).
    pub(super) fn prelude(&self, name: &str) -> Result<Value, Raise> {
        self.global(name).map_or_else(
            || raise("SystemError", format!("prelude function {name} missing")),
            Ok,
        )
    }

    pub(super) fn name_at(&self, i: u32) -> Result<String, Raise> {
        match self.state.module.names.get(i as usize) {
            Some(n) => Ok(n.clone()),
            None => raise("SystemError", "name out of range"),
        }
    }

    /// Pops `n` (name, value) pairs.
    pub(super) fn pop_kwargs(&mut self, n: u32) -> Result<Vec<(String, Value)>, Raise> {
        let pairs = self.pop_n(2 * n as usize)?;
        let mut kwargs = Vec::with_capacity(n as usize);
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
        Ok(kwargs)
    }

    /// The keyword arguments a `**mapping` gives.
    pub(super) fn kwargs_of(&mut self, mapping: Value) -> Result<Vec<(String, Value)>, Raise> {
        let mut out = Vec::new();
        for (k, v) in self.mapping_items(mapping)? {
            match k {
                Value::Ref(r) if matches!(self.object(r)?, Object::Str(_)) => {
                    let name = self.str_of(k)?;
                    out.push((name, v));
                }
                _ => return raise("TypeError", "keywords must be strings"),
            }
        }
        Ok(out)
    }

    /// The (key, value) pairs of a dict (or an object with `keys()` and `__getitem__`).
    pub(super) fn mapping_items(&mut self, mapping: Value) -> Result<Vec<(Value, Value)>, Raise> {
        if let Value::Ref(r) = mapping
            && let Object::Dict(d) = self.object(r)?
        {
            return Ok(d.to_vec());
        }
        if let Some(pairs) = self.user_mapping_items(mapping)? {
            return Ok(pairs);
        }
        let t = self.type_name(mapping)?;
        raise("TypeError", format!("'{t}' object is not a mapping"))
    }

    /// An instance whose class defines `keys()`: CPython reads it as a mapping.
    fn is_user_mapping(&mut self, v: Value) -> Result<bool, Raise> {
        if !matches!(v, Value::Ref(r) if matches!(self.object(r)?, Object::Instance { .. })) {
            return Ok(false);
        }
        Ok(self.special(v, "keys")?.is_some())
    }

    /// CPython's rule for a mapping that is not a dict: an object whose class has `keys()` is
    /// read as `keys()`, then `obj[key]` for each (a `Counter`, an `OrderedDict`, a user class).
    /// `None` when the class has no `keys`.
    fn user_mapping_items(&mut self, v: Value) -> Result<Option<Vec<(Value, Value)>>, Raise> {
        let Some(keys) = self.call_special(v, "keys", Vec::new())? else {
            return Ok(None);
        };
        let mut pairs = Vec::new();
        for key in self.collect_items(keys)? {
            let Some(value) = self.call_special(v, "__getitem__", vec![key])? else {
                let t = self.type_name(v)?;
                return raise("TypeError", format!("'{t}' object is not subscriptable"));
            };
            pairs.push((key, value));
        }
        Ok(Some(pairs))
    }

    /// What `dict(x)` and `d.update(x)` take: a mapping, or an iterable of key/value pairs.
    pub(super) fn update_pairs(&mut self, source: Value) -> Result<Vec<(Value, Value)>, Raise> {
        if let Value::Ref(r) = source
            && let Object::Dict(d) = self.object(r)?
        {
            return Ok(d.to_vec());
        }
        if let Some(pairs) = self.user_mapping_items(source)? {
            return Ok(pairs);
        }
        let mut pairs = Vec::new();
        for pair in self.collect_items(source)? {
            if !matches!(pair, Value::Ref(_)) {
                // A number, None, a bool: nothing to unpack.
                return raise(
                    "TypeError",
                    format!(
                        "cannot convert dictionary update sequence element #{} to a sequence",
                        pairs.len()
                    ),
                );
            }
            let kv = self.collect_items(pair)?;
            let [k, v] = kv[..] else {
                return raise(
                    "ValueError",
                    format!(
                        "dictionary update sequence element #{} has length {}; 2 is required",
                        pairs.len(),
                        kv.len()
                    ),
                );
            };
            pairs.push((k, v));
        }
        Ok(pairs)
    }

    /// The heap index of the item `n` below the top of the stack.
    pub(super) fn stack_at(&mut self, n: u32) -> Result<u32, Raise> {
        let frame = self.frame()?;
        let at = frame.stack.len().checked_sub(1 + n as usize);
        match at.and_then(|i| frame.stack.get(i)).copied() {
            Some(Value::Ref(r)) => Ok(r),
            _ => raise("SystemError", "stack target"),
        }
    }

    /// The exception object `raise v` raises (a class is instantiated without arguments).
    pub(super) fn exception_to_raise(&mut self, v: Value) -> Result<u32, Raise> {
        match v {
            Value::ExceptionClass(class) => {
                let e = self.alloc(Object::blank_exception(class, None))?;
                match e {
                    Value::Ref(r) => Ok(r),
                    _ => raise("SystemError", "allocation"),
                }
            }
            Value::Ref(r) => match self.object(r)? {
                Object::Exception { .. } => Ok(r),
                Object::Class(_) if self.exception_root(r)?.is_some() => {
                    // Instantiate through a nested call so __init__ runs.
                    match self.call_sync(v, Vec::new(), Vec::new())? {
                        Value::Ref(e) => Ok(e),
                        _ => raise("SystemError", "exception construction"),
                    }
                }
                _ => raise("TypeError", "exceptions must derive from BaseException"),
            },
            _ => raise("TypeError", "exceptions must derive from BaseException"),
        }
    }
}

/// CPython's TypeError for unbound parameters.
fn missing_arguments<T>(function: &str, kind: &str, missing: &[String]) -> Result<T, Raise> {
    raise(
        "TypeError",
        format!(
            "{function}() missing {} required {kind} argument{}: {}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            join_names(missing)
        ),
    )
}

fn join_names(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        2 => format!("{} and {}", names[0], names[1]),
        n => format!("{}, and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

/// `OSError(errno, strerror, …)` is the subclass for that errno, as CPython's `OSError.__new__`
/// picks it (Linux numbers): `except FileNotFoundError` catches `OSError(2, …)`. Only `OSError`
/// itself is mapped, and only with two to five arguments, as there.
fn os_error_subclass(class: u16, args: &[Value]) -> u16 {
    if class != super::exception_index("OSError") || !(2..=5).contains(&args.len()) {
        return class;
    }
    let Value::Int(errno) = args[0] else {
        return class;
    };
    let name = match errno {
        1 | 13 => "PermissionError",
        2 => "FileNotFoundError",
        3 => "ProcessLookupError",
        4 => "InterruptedError",
        10 => "ChildProcessError",
        11 | 114 | 115 => "BlockingIOError",
        17 => "FileExistsError",
        20 => "NotADirectoryError",
        21 => "IsADirectoryError",
        32 | 108 => "BrokenPipeError",
        103 => "ConnectionAbortedError",
        104 => "ConnectionResetError",
        110 => "TimeoutError",
        111 => "ConnectionRefusedError",
        _ => return class,
    };
    super::exception_index(name)
}
