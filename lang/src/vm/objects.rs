//! Classes and instances: building a class from its body's namespace (its MRO by C3, as
//! CPython), attribute lookup along that MRO (instance, class, bases; functions bind to their
//! receiver; properties, static and class methods), `super()`, instantiation with `__init__`,
//! and user subclasses of the builtin exceptions (whose instances are exception objects that
//! also carry a user class and attributes).

use super::{EXCEPTIONS, Raise, Vm, raise};
use crate::frame::FrameKind;
use crate::heap::{Class, Dict, Iter, Object, ViewKind};
use crate::value::Value;

/// How long a class's MRO may be (a hostile snapshot could make one of any length).
const CHAIN_MAX: usize = 256;

const METACLASS_CONFLICT: &str = "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases";

/// Builtin types a class may derive from, by a class of the library module `_sl_base_<type>`
/// that keeps the builtin value inside (see `_sl_bases`).
pub const WRAPPED_BUILTINS: &[&str] = &[
    "dict",
    "list",
    "str",
    "int",
    "float",
    "tuple",
    "set",
    "frozenset",
];

/// The library module of the class standing for builtin type `t` as a base, and that class's
/// global name.
pub fn base_module(t: &str) -> String {
    format!("_sl_base_{t}")
}

fn base_class_global(t: &str) -> String {
    crate::library::mangle(&base_module(t), &format!("{t}_"))
}

/// How many bases one class statement may name.
const BASES_MAX: usize = 64;

/// What a builtin exception class defines itself: on an MRO it shadows later (mixin) classes'
/// attributes of these names, as CPython's `BaseException` slots do.
const EXCEPTION_NAMES: &[&str] = &[
    "__init__",
    "__new__",
    "__str__",
    "__repr__",
    "__reduce__",
    "__setstate__",
    "args",
    "with_traceback",
    "add_note",
];

pub(super) fn own_attr(class: &Class, name: &str) -> Option<Value> {
    class.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
}

/// What a class inherits from `object` before its metaclass is consulted.
const OBJECT_NAMES: &[&str] = &[
    "__init__",
    "__new__",
    "__repr__",
    "__str__",
    "__hash__",
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__format__",
    "__setattr__",
    "__getattribute__",
    "__delattr__",
    "__dir__",
    "__init_subclass__",
    "__reduce__",
    "__reduce_ex__",
    "__sizeof__",
    "__doc__",
    "__class__",
];

/// Where an attribute was found on a class chain.
#[derive(PartialEq)]
pub(super) enum Found {
    /// In a user class's namespace (the class that holds it).
    Class(Value),
    /// Reached a builtin exception class: builtin exception attributes apply.
    Exception,
    Missing,
}

/// `name` on user class `class` or its user bases, read straight from the heap (for the
/// interpreter's fast paths, which hold a borrow of the current frame).
pub(super) fn find_in_class(heap: &crate::heap::Heap, class: u32, name: &str) -> Option<Value> {
    let Some(Object::Class(c)) = heap.get(class) else {
        return None;
    };
    if let Some(v) = own_attr(c, name) {
        return Some(v);
    }
    for entry in c.mro.iter().take(CHAIN_MAX) {
        match *entry {
            Value::Ref(r) => {
                if let Some(Object::Class(k)) = heap.get(r)
                    && let Some(v) = own_attr(k, name)
                {
                    return Some(v);
                }
            }
            Value::ExceptionClass(_) if EXCEPTION_NAMES.contains(&name) => return None,
            _ => {}
        }
    }
    None
}

/// C3 linearization of `sequences` (each base followed by its own MRO, then the bases
/// themselves), as CPython's `mro()`; when no consistent order exists, the heads left over.
fn c3_merge(mut sequences: Vec<Vec<Value>>) -> Result<Vec<Value>, Vec<Value>> {
    let mut out = Vec::new();
    loop {
        sequences.retain(|s| !s.is_empty());
        if sequences.is_empty() {
            return Ok(out);
        }
        let good = sequences
            .iter()
            .map(|s| s[0])
            .find(|candidate| sequences.iter().all(|s| !s[1..].contains(candidate)));
        let Some(next) = good else {
            let mut left = Vec::new();
            for s in &sequences {
                if !left.contains(&s[0]) {
                    left.push(s[0]);
                }
            }
            return Err(left);
        };
        out.push(next);
        for s in &mut sequences {
            if s[0] == next {
                s.remove(0);
            }
        }
    }
}

impl Vm {
    /// `class Name(*bases, metaclass=meta): ...` — `namespace` is the dict the body produced.
    /// Then, as in CPython, the MRO's `__init_subclass__` and the metaclass's `__init__`
    /// run on the new class (a metaclass's `__new__` and `__prepare__` are not in the subset).
    pub(super) fn make_class(
        &mut self,
        name: String,
        written: Vec<Value>,
        meta: Option<Value>,
        namespace: Value,
    ) -> Result<Value, Raise> {
        if written.len() > BASES_MAX {
            return raise(
                "NotSupported",
                format!("a class with more than {BASES_MAX} bases is not in the subset"),
            );
        }
        // A builtin type named as a base stands for its class in `_sl_base_<type>`.
        let mut written = written;
        for b in written.iter_mut() {
            if let Value::Builtin(id) = *b
                && let Some(&t) = super::BUILTINS.get(id as usize)
                && WRAPPED_BUILTINS.contains(&t)
            {
                *b = self
                    .global(&base_class_global(t))
                    .ok_or_else(|| {
                        Raise::New(
                            "NotSupported",
                            format!("deriving from '{t}' through a name other than '{t}' is not in the subset"),
                        )
                    })?;
                if let Value::Ref(r) = *b
                    && let Some(Object::Class(c)) = self.state.heap.get_mut(r)
                {
                    t.clone_into(&mut c.name);
                }
            }
        }
        for (i, &b) in written.iter().enumerate() {
            let ok = match b {
                Value::ExceptionClass(_) => true,
                Value::Ref(r) => matches!(self.object(r)?, Object::Class(_)),
                Value::Builtin(id) => {
                    matches!(super::BUILTINS.get(id as usize), Some(&"object" | &"type"))
                }
                _ => false,
            };
            if !ok {
                if let Value::Builtin(id) = b
                    && let Some(&t) = super::BUILTINS.get(id as usize)
                    && super::builtins::is_type_name(t)
                {
                    return raise(
                        "NotSupported",
                        format!("subclasses of '{t}' are not in the subset"),
                    );
                }
                let t = self.type_name(b)?;
                return raise(
                    "NotSupported",
                    format!(
                        "a base class of type '{t}' (only classes and exceptions) is not in the subset"
                    ),
                );
            }
            if written[..i].contains(&b) {
                let n = self.class_display_name(b)?;
                return raise("TypeError", format!("duplicate base class {n}"));
            }
        }
        let object = self.builtin_value("object");
        let bases: Vec<Value> = written.iter().copied().filter(|b| *b != object).collect();
        let mro = self.linearize(&bases)?;
        let meta = self.metaclass_for(&bases, meta)?;
        let Value::Ref(ns) = namespace else {
            return raise("SystemError", "class namespace");
        };
        let Object::Dict(d) = self.object(ns)? else {
            return raise("SystemError", "class namespace");
        };
        let mut attrs = Vec::with_capacity(d.len());
        for (k, v) in d.to_vec() {
            let key = self.str_of(k)?;
            // `__new__` is a static method without saying so, as CPython's type_new makes it.
            let v = match v {
                Value::Ref(f)
                    if key == "__new__" && matches!(self.object(f)?, Object::Function { .. }) =>
                {
                    self.alloc(Object::StaticMethod(v))?
                }
                _ => v,
            };
            attrs.push((key, v));
        }
        // A body defining `__eq__` and not `__hash__` makes the class unhashable, whatever its
        // bases hash with (CPython's type_new).
        if attrs.iter().any(|(k, _)| k == "__eq__") && !attrs.iter().any(|(k, _)| k == "__hash__") {
            attrs.push(("__hash__".to_owned(), Value::None));
        }
        let class = self.alloc(Object::Class(Class {
            name: name.clone(),
            bases: bases.clone(),
            mro,
            attrs: attrs.clone(),
            meta,
        }))?;
        let Value::Ref(class_ref) = class else {
            return raise("SystemError", "allocation");
        };
        // Functions defined in the body learn their class, for zero-argument super().
        for (_, v) in attrs {
            let mut target = v;
            if let Value::Ref(r) = v
                && let Object::StaticMethod(f) | Object::ClassMethod(f) = self.object(r)?
            {
                target = *f;
            }
            if let Value::Ref(r) = v
                && let Object::Property { getter, setter } = self.object(r)?
            {
                let (g, s) = (*getter, *setter);
                self.set_owner(g, class_ref);
                self.set_owner(s, class_ref);
            }
            self.set_owner(target, class_ref);
        }
        // As CPython's `super(cls, cls).__init_subclass__()`: the MRO after the new class.
        if let Found::Class(hook) = self.lookup_after(class_ref, class_ref, "__init_subclass__")? {
            // Implicitly a class method, bound to the new class.
            let function = match hook {
                Value::Ref(h) => match self.object(h)? {
                    Object::ClassMethod(f) => *f,
                    _ => hook,
                },
                other => other,
            };
            self.call_sync(function, vec![class], Vec::new())?;
        }
        if let Some(m) = meta
            && let Found::Class(init) = self.class_lookup(m, "__init__")?
        {
            let name = self.str_value(name)?;
            let bases = self.alloc(Object::Tuple(written))?;
            self.call_sync(init, vec![class, name, bases, namespace], Vec::new())?;
        }
        Ok(class)
    }

    /// The MRO of a class with these bases, after the class itself and without `object`:
    /// CPython's C3, and its TypeErrors. Builtin exceptions in it must form one chain (the
    /// instance is one builtin exception object), and may not meet `type`.
    fn linearize(&mut self, bases: &[Value]) -> Result<Vec<Value>, Raise> {
        let mut sequences = Vec::with_capacity(bases.len() + 1);
        for &b in bases {
            let mut s = vec![b];
            match b {
                Value::Ref(r) => match self.object(r)? {
                    Object::Class(c) => s.extend(c.mro.iter().take(CHAIN_MAX)),
                    _ => return raise("SystemError", "bad base class"),
                },
                Value::ExceptionClass(e) => {
                    let mut current = EXCEPTIONS.get(e as usize).and_then(|(_, p)| *p);
                    for _ in 0..CHAIN_MAX {
                        let Some(parent) = current else { break };
                        let p = super::exception_index(parent);
                        s.push(Value::ExceptionClass(p));
                        current = EXCEPTIONS.get(p as usize).and_then(|(_, p)| *p);
                    }
                }
                _ => {}
            }
            sequences.push(s);
        }
        sequences.push(bases.to_vec());
        let mro = match c3_merge(sequences) {
            Ok(mro) => mro,
            Err(left) => {
                let mut names = Vec::with_capacity(left.len());
                for v in left {
                    names.push(self.class_display_name(v)?);
                }
                return raise(
                    "TypeError",
                    format!(
                        "Cannot create a consistent method resolution\norder (MRO) for bases {}",
                        names.join(", ")
                    ),
                );
            }
        };
        if mro.len() > CHAIN_MAX {
            return raise("RecursionError", "class hierarchy too deep");
        }
        let exceptions: Vec<u16> = mro
            .iter()
            .filter_map(|v| match v {
                Value::ExceptionClass(e) => Some(*e),
                _ => None,
            })
            .collect();
        if let Some(&first) = exceptions.first() {
            if mro.iter().any(|v| matches!(v, Value::Builtin(_))) {
                return raise("TypeError", "multiple bases have instance lay-out conflict");
            }
            if let Some(&other) = exceptions.iter().find(|&&e| !super::derives(first, e)) {
                let name = |e: u16| EXCEPTIONS.get(e as usize).map_or("?", |(n, _)| n);
                return raise(
                    "NotSupported",
                    format!(
                        "a class deriving from both {} and {} is not in the subset",
                        name(first),
                        name(other)
                    ),
                );
            }
        }
        Ok(mro)
    }

    /// A class's `__name__` for messages: user classes, builtin exceptions and types.
    fn class_display_name(&mut self, class: Value) -> Result<String, Raise> {
        match class {
            Value::Ref(r) => match self.object(r)? {
                Object::Class(c) => Ok(c.name.clone()),
                _ => self.type_name(class).map(|t| t.to_string()),
            },
            Value::ExceptionClass(e) => Ok(EXCEPTIONS
                .get(e as usize)
                .map_or("?", |(n, _)| n)
                .to_owned()),
            Value::Builtin(b) => Ok(super::BUILTINS
                .get(b as usize)
                .copied()
                .unwrap_or("?")
                .to_owned()),
            other => self.type_name(other).map(|t| t.to_string()),
        }
    }

    /// The metaclass of a class being made: the given one, else the most derived of its bases'
    /// metaclasses; every base's must be a (non-strict) subclass of the winner, or it is
    /// CPython's "metaclass conflict".
    fn metaclass_for(
        &mut self,
        bases: &[Value],
        given: Option<Value>,
    ) -> Result<Option<u32>, Raise> {
        let mut inherited: Option<u32> = None;
        for &b in bases {
            let Value::Ref(b) = b else { continue };
            let Object::Class(c) = self.object(b)? else {
                continue;
            };
            let Some(m) = c.meta else { continue };
            inherited = match inherited {
                None => Some(m),
                Some(i) if self.class_derives(m, Value::Ref(i))? => Some(m),
                Some(i) if self.class_derives(i, Value::Ref(m))? => Some(i),
                Some(_) => return raise("TypeError", METACLASS_CONFLICT),
            };
        }
        let Some(given) = given else {
            return Ok(inherited);
        };
        if given == self.builtin_value("type") {
            return Ok(inherited);
        }
        let type_ = self.builtin_value("type");
        let m = match given {
            Value::Ref(m)
                if matches!(self.object(m)?, Object::Class(_))
                    && self.class_derives(m, type_)? =>
            {
                m
            }
            other => {
                let t = self.type_name(other)?;
                return raise(
                    "NotSupported",
                    format!(
                        "a metaclass of type '{t}' (only subclasses of type) is not in the subset"
                    ),
                );
            }
        };
        if let Found::Class(_) = self.class_lookup(m, "__new__")? {
            return raise(
                "NotSupported",
                "a metaclass's __new__ is not in the subset (use __init__)",
            );
        }
        if let Some(i) = inherited
            && !self.class_derives(m, Value::Ref(i))?
        {
            // The most derived of the two wins, as in CPython.
            if self.class_derives(i, Value::Ref(m))? {
                return Ok(Some(i));
            }
            return raise("TypeError", METACLASS_CONFLICT);
        }
        Ok(Some(m))
    }

    /// The metaclass of user class `class`, if it has one other than `type`.
    pub(super) fn metaclass_of(&self, class: u32) -> Result<Option<u32>, Raise> {
        match self.object(class)? {
            Object::Class(c) => Ok(c.meta),
            _ => Ok(None),
        }
    }

    fn set_owner(&mut self, function: Value, class: u32) {
        if let Value::Ref(f) = function
            && let Some(Object::Function { owner, .. }) = self.state.heap.get_mut(f)
            && owner.is_none()
        {
            *owner = Some(class);
        }
    }

    /// Looks `name` up on class `start` and along its MRO.
    pub(super) fn class_lookup(&self, start: u32, name: &str) -> Result<Found, Raise> {
        let Object::Class(c) = self.object(start)? else {
            return raise("SystemError", "not a class");
        };
        if let Some(v) = own_attr(c, name) {
            return Ok(Found::Class(v));
        }
        self.lookup_in(&c.mro, name)
    }

    /// Looks `name` up on the MRO of class `start` after class `after` (`super()`'s lookup):
    /// `Missing` when `after` is not on it.
    pub(super) fn lookup_after(&self, start: u32, after: u32, name: &str) -> Result<Found, Raise> {
        let Object::Class(c) = self.object(start)? else {
            return raise("SystemError", "not a class");
        };
        if start == after {
            return self.lookup_in(&c.mro, name);
        }
        match c.mro.iter().position(|v| *v == Value::Ref(after)) {
            Some(p) => self.lookup_in(&c.mro[p + 1..], name),
            None => Ok(Found::Missing),
        }
    }

    /// `name` in the namespaces of `entries`, an MRO or the part of one after some class. A
    /// builtin exception answers the names it defines itself where it stands; otherwise it
    /// answers only when no later class has the name.
    fn lookup_in(&self, entries: &[Value], name: &str) -> Result<Found, Raise> {
        let mut exception = false;
        for entry in entries.iter().take(CHAIN_MAX) {
            match *entry {
                Value::Ref(r) => {
                    let Object::Class(k) = self.object(r)? else {
                        return raise("SystemError", "bad base class");
                    };
                    if let Some(v) = own_attr(k, name) {
                        return Ok(Found::Class(v));
                    }
                }
                Value::ExceptionClass(_) => {
                    if EXCEPTION_NAMES.contains(&name) {
                        return Ok(Found::Exception);
                    }
                    exception = true;
                }
                // `type`, in a metaclass's MRO.
                Value::Builtin(_) => {}
                _ => return raise("SystemError", "bad base class"),
            }
        }
        Ok(if exception {
            Found::Exception
        } else {
            Found::Missing
        })
    }

    /// The builtin exception a user class derives from (the most derived one), if any.
    pub(super) fn exception_root(&self, class: u32) -> Result<Option<u16>, Raise> {
        let Object::Class(c) = self.object(class)? else {
            return raise("SystemError", "not a class");
        };
        Ok(c.mro.iter().find_map(|v| match v {
            Value::ExceptionClass(e) => Some(*e),
            _ => None,
        }))
    }

    /// Whether user class `class` is `ancestor` or derives from it.
    pub(super) fn class_derives(&self, class: u32, ancestor: Value) -> Result<bool, Raise> {
        if ancestor == Value::Ref(class) || ancestor == self.builtin_value("object") {
            return Ok(true);
        }
        match self.object(class)? {
            Object::Class(c) if c.mro.contains(&ancestor) => Ok(true),
            Object::Class(_) => match ancestor {
                Value::Builtin(b) => Ok(self
                    .builtin_base(class)?
                    .is_some_and(|t| super::BUILTINS.get(b as usize) == Some(&t))),
                _ => Ok(false),
            },
            _ => Ok(false),
        }
    }

    /// The builtin type a user class derives from through `_sl_bases` (its classes name theirs
    /// in `_sl_builtin_base`).
    pub(super) fn builtin_base(&self, class: u32) -> Result<Option<&'static str>, Raise> {
        let Object::Class(c) = self.object(class)? else {
            return Ok(None);
        };
        for entry in std::iter::once(&Value::Ref(class)).chain(c.mro.iter()) {
            let Value::Ref(k) = *entry else { continue };
            let Object::Class(k) = self.object(k)? else {
                continue;
            };
            if let Some(Value::Ref(name)) = own_attr(k, "_sl_builtin_base")
                && let Object::Str(name) = self.object(name)?
            {
                return Ok(WRAPPED_BUILTINS.iter().copied().find(|t| t == name));
            }
        }
        Ok(None)
    }

    /// The class of a value, as `type(v)` shows it.
    pub(super) fn class_of(&self, v: Value) -> Result<Value, Raise> {
        Ok(match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Instance { class, .. } => Value::Ref(*class),
                Object::Exception {
                    user: Some(class), ..
                } => Value::Ref(*class),
                Object::Exception { class, .. } => Value::ExceptionClass(*class),
                Object::Class(Class { meta: Some(m), .. }) => Value::Ref(*m),
                Object::Class(_) => self.builtin_value("type"),
                Object::Iter(it) => match self.iterator_type(it)? {
                    Some(name) => self.builtin_value(name),
                    None => self.builtin_value("object"),
                },
                other => self.builtin_value(match other.type_name() {
                    "str" | "bytes" | "bytearray" | "complex" | "int" | "list" | "tuple"
                    | "dict" | "set" | "frozenset" | "range" | "function" | "generator"
                    | "module" | "property" | "staticmethod" | "classmethod" | "super"
                    | "slice" => other.type_name(),
                    _ => "object",
                }),
            },
            Value::None => self.builtin_value("NoneType"),
            Value::Bool(_) => self.builtin_value("bool"),
            Value::Int(_) => self.builtin_value("int"),
            Value::Float(_) => self.builtin_value("float"),
            crate::value::NOT_IMPLEMENTED => self.builtin_value("NotImplementedType"),
            crate::value::ELLIPSIS => self.builtin_value("ellipsis"),
            Value::Builtin(b)
                if super::BUILTINS
                    .get(b as usize)
                    .is_some_and(|n| super::builtins::is_type_name(n)) =>
            {
                self.builtin_value("type")
            }
            Value::Builtin(_) => self.builtin_value("builtin_function_or_method"),
            Value::ExceptionClass(_) => self.builtin_value("type"),
        })
    }

    /// CPython's type of a builtin iterator, where it has one the VM can name (the lazy
    /// `enumerate`, `zip`, `map` and `filter` objects are of those builtins, as in CPython).
    fn iterator_type(&self, it: &Iter) -> Result<Option<&'static str>, Raise> {
        Ok(Some(match it {
            Iter::Range { .. } => "range_iterator",
            Iter::Seq { of, .. } => match self.object(*of)? {
                Object::List(_) => "list_iterator",
                Object::Tuple(_) => "tuple_iterator",
                Object::Str(s) if s.is_ascii() => "str_ascii_iterator",
                Object::Str(_) => "str_iterator",
                Object::Bytes(_) => "bytes_iterator",
                Object::ByteArray(_) => "bytearray_iterator",
                Object::Dict(_) => "dict_keyiterator",
                Object::Set { .. } => "set_iterator",
                _ => return Ok(None),
            },
            Iter::SetOrder { .. } => "set_iterator",
            Iter::DictView { kind, .. } => match kind {
                ViewKind::Keys => "dict_keyiterator",
                ViewKind::Values => "dict_valueiterator",
                ViewKind::Items => "dict_itemiterator",
            },
            Iter::Reversed { of, .. } => match self.object(*of)? {
                Object::List(_) => "list_reverseiterator",
                _ => "reversed",
            },
            Iter::Enumerate { .. } => "enumerate",
            Iter::Zip { .. } => "zip",
            Iter::Map { .. } => "map",
            Iter::Filter { .. } => "filter",
            _ => return Ok(None),
        }))
    }

    pub(super) fn builtin_value(&self, name: &str) -> Value {
        match super::BUILTINS.iter().position(|b| *b == name) {
            Some(i) => Value::Builtin(i as u16),
            None => Value::None,
        }
    }

    /// `Class(args)`: a new instance, initialised by the nearest `__init__` (a frame that hands
    /// the instance to the caller when it returns).
    pub(super) fn instantiate(
        &mut self,
        class: u32,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<(), Raise> {
        if self.class_derives(class, self.builtin_value("type"))? {
            return raise(
                "NotSupported",
                "making a class by calling a metaclass (or type(name, bases, dict)) is not in the subset; use a class statement",
            );
        }
        // An overriding `__new__` (a static method, implicitly) makes the object, run to
        // completion; `__init__` follows only when it made an instance of the class.
        let mut overridden = false;
        let instance = match self.class_lookup(class, "__new__")? {
            Found::Class(new) => {
                overridden = true;
                let new = match new {
                    Value::Ref(s) => match self.object(s)? {
                        Object::StaticMethod(f) => *f,
                        _ => new,
                    },
                    _ => new,
                };
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(Value::Ref(class));
                all.extend(args.iter().copied());
                let made = self.call_sync(new, all, kwargs.clone())?;
                if !self.instance_of_class(made, class)? {
                    return self.push(made);
                }
                made
            }
            _ => self.new_instance(Value::Ref(class))?,
        };
        let Value::Ref(r) = instance else {
            return raise("SystemError", "allocation");
        };
        match self.class_lookup(class, "__init__")? {
            Found::Class(init) => {
                // BaseException.__new__ keeps the positional arguments as `args` (and so the
                // message) before any `__init__` runs, which may set others or none.
                if !overridden && matches!(self.object(r)?, Object::Exception { .. }) {
                    self.init_exception(r, args.clone())?;
                }
                let floor = self.state.frames.len();
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(instance);
                all.extend(args);
                self.call_with(init, all, kwargs)?;
                if self.state.frames.len() > floor {
                    if let Some(frame) = self.state.frames.last_mut() {
                        frame.kind = FrameKind::Init(r);
                    }
                } else {
                    // A builtin __init__ pushed its result (or a generator function its
                    // generator): replace it with the instance.
                    let result = self.pop()?;
                    if result != Value::None {
                        let t = self.type_name(result)?;
                        return raise(
                            "TypeError",
                            format!("__init__() should return None, not '{t}'"),
                        );
                    }
                    self.push(instance)?;
                }
                Ok(())
            }
            Found::Exception => {
                if !kwargs.is_empty() {
                    let name = self.class_name(class)?;
                    return raise("TypeError", format!("{name}() takes no keyword arguments"));
                }
                self.init_exception(r, args)?;
                self.push(instance)
            }
            Found::Missing => {
                if !overridden && (!args.is_empty() || !kwargs.is_empty()) {
                    let name = self.class_name(class)?;
                    return raise("TypeError", format!("{name}() takes no arguments"));
                }
                self.push(instance)
            }
        }
    }

    /// A new, uninitialised instance of `class` (`object.__new__(class)`): an exception object
    /// for a subclass of a builtin exception.
    pub(super) fn new_instance(&mut self, class: Value) -> Result<Value, Raise> {
        if class == self.builtin_value("object") {
            let object = self.builtin_value("object");
            return self.call_sync(object, Vec::new(), Vec::new());
        }
        let Value::Ref(c) = class else {
            let t = self.class_display_name(class)?;
            return raise(
                "TypeError",
                format!("object.__new__({t}) is not safe, use {t}.__new__()"),
            );
        };
        if !matches!(self.object(c)?, Object::Class(_)) {
            let t = self.type_name(class)?;
            return raise(
                "TypeError",
                format!("object.__new__(X): X is not a type object ({t})"),
            );
        }
        match self.exception_root(c)? {
            Some(e) => self.alloc(Object::blank_exception(e, Some(c))),
            None => {
                let made = self.alloc(Object::Instance {
                    class: c,
                    attrs: Vec::new(),
                    dict: None,
                })?;
                if let Found::Class(_) = self.class_lookup(c, "__setattr__")?
                    && let Value::Ref(r) = made
                {
                    self.instance_dict(r)?;
                }
                Ok(made)
            }
        }
    }

    /// Whether `v` is an instance (or exception object) of user class `class` or a subclass.
    fn instance_of_class(&self, v: Value, class: u32) -> Result<bool, Raise> {
        let own = match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Instance { class, .. }
                | Object::Exception {
                    user: Some(class), ..
                } => *class,
                _ => return Ok(false),
            },
            _ => return Ok(false),
        };
        self.class_derives(own, Value::Ref(class))
    }

    /// BaseException.__init__: the arguments become `args`, `str(e)` and `repr(e)`'s inside.
    /// `KeyError(key)` raised: its `args` hold the key itself, as CPython's.
    pub(super) fn key_error<T>(&mut self, key: Value) -> Result<T, Raise> {
        let class = Value::ExceptionClass(super::exception_index("KeyError"));
        let e = self.exception_to_raise(class)?;
        self.init_exception(e, vec![key])?;
        Err(Raise::Object(e))
    }

    pub(super) fn init_exception(&mut self, r: u32, args: Vec<Value>) -> Result<(), Raise> {
        let key_error = matches!(self.object(r)?, Object::Exception { class, .. }
            if super::derives(*class, super::exception_index("KeyError")));
        let os_error = matches!(self.object(r)?, Object::Exception { class, .. }
            if super::derives(*class, super::exception_index("OSError")));
        let (text, inside) = match args[..] {
            [] => (String::new(), String::new()),
            // `[Errno 2] No such file or directory: 'x'`, as CPython's OSError.__str__.
            [errno, strerror, ref rest @ ..] if os_error && rest.len() <= 3 => {
                let mut text =
                    format!("[Errno {}] {}", self.str_of(errno)?, self.str_of(strerror)?);
                if let Some(&filename) = rest.first()
                    && filename != Value::None
                {
                    text.push_str(": ");
                    text.push_str(&self.repr(filename)?);
                    if let Some(&second) = rest.get(2)
                        && second != Value::None
                    {
                        text.push_str(" -> ");
                        text.push_str(&self.repr(second)?);
                    }
                }
                let t = self.alloc(Object::Tuple(vec![errno, strerror]))?;
                let shown = self.repr(t)?;
                (text, shown[1..shown.len().saturating_sub(1)].to_owned())
            }
            // str(KeyError(k)) is repr(k), as in CPython.
            [one] if key_error => (self.repr(one)?, self.repr(one)?),
            [one] => (self.str_of(one)?, self.repr(one)?),
            _ => {
                let t = self.alloc(Object::Tuple(args.clone()))?;
                let text = self.repr(t)?;
                let inner = text[1..text.len().saturating_sub(1)].to_owned();
                (text, inner)
            }
        };
        if let Some(Object::Exception {
            args: a,
            message,
            shown,
            attrs,
            ..
        }) = self.state.heap.get_mut(r)
        {
            // An OSError keeps (errno, strerror) as its args and the rest as attributes.
            if os_error && (2..=5).contains(&args.len()) {
                let field = |i: usize| args.get(i).copied().unwrap_or(Value::None);
                let fields = [
                    ("errno", field(0)),
                    ("strerror", field(1)),
                    ("filename", field(2)),
                    ("filename2", field(4)),
                ];
                attrs.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
                attrs.extend(fields.iter().map(|(k, v)| ((*k).to_owned(), *v)));
                *a = args[..2].to_vec();
            } else {
                *a = args;
            }
            *message = text;
            *shown = inside;
        }
        Ok(())
    }

    pub(super) fn class_name(&self, class: u32) -> Result<String, Raise> {
        match self.object(class)? {
            Object::Class(c) => Ok(c.name.clone()),
            _ => raise("SystemError", "not a class"),
        }
    }

    /// `obj.name`.
    pub(super) fn get_attr(&mut self, obj: Value, name: &str) -> Result<Value, Raise> {
        match self.lookup_attr(obj, name)? {
            Some(v) => Ok(v),
            None => self.missing_attr(obj, name),
        }
    }

    pub(super) fn missing_attr<T>(&self, obj: Value, name: &str) -> Result<T, Raise> {
        if let Value::Ref(r) = obj {
            match self.object(r)? {
                Object::Class(c) => {
                    return raise(
                        "AttributeError",
                        format!("type object '{}' has no attribute '{name}'", c.name),
                    );
                }
                Object::Module { name: m, .. } => {
                    return raise(
                        "AttributeError",
                        format!("module '{m}' has no attribute '{name}'"),
                    );
                }
                _ => {}
            }
        }
        let t = self.type_name(obj)?;
        raise(
            "AttributeError",
            format!("'{t}' object has no attribute '{name}'"),
        )
    }

    /// The name of a value's type as messages show it (a user class's own name).
    pub(super) fn type_name(&self, v: Value) -> Result<String, Raise> {
        if let Value::Ref(r) = v {
            match self.object(r)? {
                Object::Instance { class, .. }
                | Object::Exception {
                    user: Some(class), ..
                } => return self.class_name(*class),
                Object::Exception { class, .. } => {
                    return Ok(EXCEPTIONS
                        .get(*class as usize)
                        .map_or("Exception", |(n, _)| n)
                        .to_owned());
                }
                _ => {}
            }
        }
        Ok(match v {
            Value::Ref(r) => self.object(r)?.type_name().to_owned(),
            scalar => scalar.type_name_scalar().unwrap_or("object").to_owned(),
        })
    }

    /// Binds what a class chain holds to the receiver it was looked up on.
    fn bind(&mut self, found: Value, receiver: Value, class: Value) -> Result<Value, Raise> {
        let Value::Ref(f) = found else {
            return Ok(found);
        };
        match self.object(f)? {
            Object::Function { .. } => self.alloc(Object::Method {
                receiver,
                function: found,
            }),
            Object::StaticMethod(inner) => Ok(*inner),
            Object::ClassMethod(inner) => {
                let inner = *inner;
                self.alloc(Object::Method {
                    receiver: class,
                    function: inner,
                })
            }
            Object::Property { getter, .. } => {
                let getter = *getter;
                self.call_sync(getter, vec![receiver], Vec::new())
            }
            _ => Ok(found),
        }
    }

    /// `obj.name`, or `None` when there is no such attribute.
    pub(super) fn lookup_attr(&mut self, obj: Value, name: &str) -> Result<Option<Value>, Raise> {
        let Value::Ref(r) = obj else {
            return self.scalar_attr(obj, name);
        };
        match self.object(r)? {
            Object::Instance { class, attrs, dict } => {
                if let Some((_, v)) = attrs.iter().find(|(k, _)| k == name) {
                    return Ok(Some(*v));
                }
                let (class, dict) = (*class, *dict);
                if let Some(d) = dict
                    && let Some(v) = self.dict_str_get(d, name)?
                {
                    return Ok(Some(v));
                }
                if name == "__class__" {
                    return Ok(Some(Value::Ref(class)));
                }
                if name == "__doc__" {
                    let Object::Class(c) = self.object(class)? else {
                        return raise("SystemError", "not a class");
                    };
                    return Ok(Some(own_attr(c, name).unwrap_or(Value::None)));
                }
                // Not for `object()`'s bare instances, which have no `__dict__` in Python.
                if name == "__dict__"
                    && Some(class) != self.bare_object_class()
                    && self.slots_of(class)?.is_none()
                {
                    return self.instance_dict(r).map(Some);
                }
                match self.class_lookup(class, name)? {
                    Found::Class(v) => self.bind(v, obj, Value::Ref(class)).map(Some),
                    _ if name == "__module__" => self.str_value("__main__".to_owned()).map(Some),
                    _ => self.getattr_hook(obj, class, name),
                }
            }
            Object::Exception {
                user, attrs, args, ..
            } => {
                if let Some((_, v)) = attrs.iter().find(|(k, _)| k == name) {
                    return Ok(Some(*v));
                }
                let (user, args) = (*user, args.clone());
                if let Some(class) = user
                    && let Found::Class(v) = self.class_lookup(class, name)?
                {
                    return self.bind(v, obj, Value::Ref(class)).map(Some);
                }
                match name {
                    "args" => self.alloc(Object::Tuple(args)).map(Some),
                    // StopIteration.value: what a generator returned.
                    "value" => Ok(Some(args.first().copied().unwrap_or(Value::None))),
                    // Set by `init_exception` from OSError(errno, strerror[, filename[,
                    // winerror[, filename2]]]); None otherwise.
                    "errno" | "strerror" | "filename" | "filename2"
                        if self.is_exception(r, "OSError") =>
                    {
                        Ok(Some(Value::None))
                    }
                    "__class__" => self.class_of(obj).map(Some),
                    "__cause__" | "__context__" | "__suppress_context__" => {
                        Ok(Some(match self.object(r)? {
                            Object::Exception {
                                cause,
                                context,
                                suppress_context,
                                ..
                            } => match name {
                                "__cause__" => cause.unwrap_or(Value::None),
                                "__context__" => context.unwrap_or(Value::None),
                                _ => Value::Bool(*suppress_context),
                            },
                            _ => Value::None,
                        }))
                    }
                    // No traceback objects: None, which `traceback.print_exception(type(e), e,
                    // e.__traceback__)` accepts (the frames come from the exception).
                    "__traceback__" => Ok(Some(Value::None)),
                    _ => Ok(None),
                }
            }
            Object::Class(c) => {
                // Each class's own docstring; never inherited.
                if name == "__doc__" {
                    return Ok(Some(own_attr(c, name).unwrap_or(Value::None)));
                }
                if name == "__name__" || name == "__qualname__" {
                    let n = c.name.clone();
                    return self.str_value(n).map(Some);
                }
                if name == "__mro__" || name == "__bases__" {
                    return self.class_mro(r, name == "__bases__").map(Some);
                }
                if name == "__module__" {
                    // A class's own `__module__` when it sets one (a library class naming its
                    // CPython module), else every class is the program's.
                    if let Some(v) = own_attr(c, name) {
                        return Ok(Some(v));
                    }
                    return self.str_value("__main__".to_owned()).map(Some);
                }
                match self.class_lookup(r, name)? {
                    Found::Class(v) => {
                        // Through the class: functions stay plain; class methods bind the class.
                        if let Value::Ref(f) = v {
                            match self.object(f)? {
                                Object::StaticMethod(inner) => return Ok(Some(*inner)),
                                Object::ClassMethod(inner) => {
                                    let inner = *inner;
                                    return self
                                        .alloc(Object::Method {
                                            receiver: obj,
                                            function: inner,
                                        })
                                        .map(Some);
                                }
                                _ => {}
                            }
                        }
                        Ok(Some(v))
                    }
                    _ => match self.metaclass_of(r)? {
                        // What the metaclass defines, bound to the class as its instance —
                        // except what every class has from `object` first, in CPython's order.
                        Some(m) if !OBJECT_NAMES.contains(&name) => {
                            match self.class_lookup(m, name)? {
                                Found::Class(v) => self.bind(v, obj, Value::Ref(m)).map(Some),
                                _ => Ok(None),
                            }
                        }
                        _ => Ok(None),
                    },
                }
            }
            Object::Super { class, receiver } => {
                let (class, receiver) = (*class, *receiver);
                let start = self.super_start(class, receiver)?;
                match self.lookup_after(start, class, name)? {
                    Found::Class(v) => {
                        // In a class method the receiver is the class a class method binds.
                        let receiver_class = if receiver == Value::Ref(start) {
                            receiver
                        } else {
                            self.class_of(receiver)?
                        };
                        self.bind(v, receiver, receiver_class).map(Some)
                    }
                    Found::Exception => self.builtin_super_attr(receiver, name),
                    // Past the class standing for a builtin base: the builtin's own method,
                    // bound to the value inside (`super().index(x)` in a list subclass).
                    Found::Missing => match self.value_inside(receiver)? {
                        Some(inner) => match self.lookup_attr(inner, name)? {
                            Some(v) => Ok(Some(v)),
                            None => self.object_attr(receiver, name),
                        },
                        None => self.object_attr(receiver, name),
                    },
                }
            }
            Object::Module { attrs, .. } if attrs.iter().any(|(k, _)| k == name) => {
                Ok(attrs.iter().find(|(k, _)| k == name).map(|(_, v)| *v))
            }
            // What every module has that the module's own names do not define.
            Object::Module { name: module, .. } => match name {
                "__name__" => {
                    let module = module.clone();
                    self.str_value(module).map(Some)
                }
                "__doc__" | "__file__" | "__loader__" | "__package__" | "__spec__" => {
                    Ok(Some(Value::None))
                }
                _ => Ok(None),
            },
            Object::Function { attrs, .. } if attrs.iter().any(|(k, _)| k == name) => {
                Ok(attrs.iter().find(|(k, _)| k == name).map(|(_, v)| *v))
            }
            Object::Function { code, .. } if name == "__qualname__" => {
                let n = self
                    .state
                    .module
                    .codes
                    .get(*code as usize)
                    .map_or(String::new(), |c| c.qualname.clone());
                self.str_value(n).map(Some)
            }
            Object::Function { .. } if name == "__module__" => {
                self.str_value("__main__".to_owned()).map(Some)
            }
            Object::Function { code, .. } if name == "__doc__" => {
                let doc = self
                    .state
                    .module
                    .codes
                    .get(*code as usize)
                    .and_then(|c| c.doc.clone());
                match doc {
                    Some(d) => self.str_value(d).map(Some),
                    None => Ok(Some(Value::None)),
                }
            }
            Object::Function { code, attrs, .. } => match name {
                "__name__" => {
                    let n = self
                        .state
                        .module
                        .codes
                        .get(*code as usize)
                        .map_or(String::new(), |c| c.name.clone());
                    self.str_value(n).map(Some)
                }
                _ => Ok(attrs.iter().find(|(k, _)| k == name).map(|(_, v)| *v)),
            },
            Object::Method { receiver, function } => match name {
                "__self__" => Ok(Some(*receiver)),
                "__func__" => Ok(Some(*function)),
                "__name__" | "__doc__" if matches!(function, Value::Ref(f) if matches!(self.object(*f)?, Object::Function { .. })) =>
                {
                    let f = *function;
                    self.lookup_attr(f, name)
                }
                _ => Ok(None),
            },
            // A host object's methods are the embedder's (`Queue.enqueue`): the attribute is the
            // host function bound to the object, so `q.enqueue(*items)` and `put = q.enqueue`
            // make the same host call `q.enqueue(a, b)` does. Dunder names are no host methods.
            Object::Host { kind, .. } if !name.starts_with("__") => {
                let full = format!("{kind}.{name}");
                let function = self.alloc(Object::HostFunction { name: full })?;
                self.alloc(Object::Method {
                    receiver: obj,
                    function,
                })
                .map(Some)
            }
            Object::BigInt(_) if super::methods::has_method("int", name) => self
                .alloc(Object::BuiltinMethod {
                    receiver: Some(obj),
                    name: name.to_owned(),
                })
                .map(Some),
            Object::BigInt(_) => self.scalar_attr(obj, name),
            Object::Complex { .. } if matches!(name, "real" | "imag") => {
                self.complex_attribute(r, name)
            }
            // Unhashable builtins: `x.__hash__ is None`, as CPython tells them.
            Object::List(_)
            | Object::Dict(_)
            | Object::Set { frozen: false, .. }
            | Object::ByteArray(_)
                if name == "__hash__" =>
            {
                Ok(Some(Value::None))
            }
            other if super::methods::has_method(other.type_name(), name) => self
                .alloc(Object::BuiltinMethod {
                    receiver: Some(obj),
                    name: name.to_owned(),
                })
                .map(Some),
            Object::Property { .. } => match name {
                "setter" | "getter" => {
                    let f = self.builtin_value(if name == "setter" {
                        "property.setter"
                    } else {
                        "property.getter"
                    });
                    self.alloc(Object::Method {
                        receiver: obj,
                        function: f,
                    })
                    .map(Some)
                }
                _ => Ok(None),
            },
            Object::Slice { start, stop, step } => match name {
                "start" => Ok(Some(*start)),
                "stop" => Ok(Some(*stop)),
                "step" => Ok(Some(*step)),
                "indices" => self
                    .alloc(Object::BuiltinMethod {
                        receiver: Some(obj),
                        name: "indices".to_owned(),
                    })
                    .map(Some),
                _ => Ok(None),
            },
            Object::Generator(g) if name == "__name__" => {
                let n = self.code_name(g.code).to_owned();
                self.str_value(n).map(Some)
            }
            _ if name == "__class__" => self.class_of(obj).map(Some),
            _ => Ok(None),
        }
    }

    /// The attribute names `__slots__` allow an instance of `class`, when every class of its
    /// MRO declares `__slots__` (else `None`: the instance has a `__dict__`).
    fn slots_of(&self, class: u32) -> Result<Option<Vec<String>>, Raise> {
        let Object::Class(c) = self.object(class)? else {
            return Ok(None);
        };
        let mut allowed = Vec::new();
        for entry in std::iter::once(Value::Ref(class)).chain(c.mro.iter().take(CHAIN_MAX).copied())
        {
            let Value::Ref(k) = entry else { continue };
            let Object::Class(k) = self.object(k)? else {
                continue;
            };
            let Some(slots) = own_attr(k, "__slots__") else {
                return Ok(None);
            };
            let items = match slots {
                Value::Ref(s) => match self.object(s)? {
                    Object::Str(one) => {
                        allowed.push(one.clone());
                        continue;
                    }
                    Object::Tuple(items) | Object::List(items) => items.clone(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            for item in items {
                if let Value::Ref(i) = item
                    && let Object::Str(n) = self.object(i)?
                {
                    allowed.push(n.clone());
                }
            }
        }
        Ok(Some(allowed))
    }

    /// The class's `__getattr__`, called when normal lookup found nothing (what it raises,
    /// AttributeError included, is the lookup's outcome).
    fn getattr_hook(&mut self, obj: Value, class: u32, name: &str) -> Result<Option<Value>, Raise> {
        let Found::Class(hook) = self.class_lookup(class, "__getattr__")? else {
            return Ok(None);
        };
        let name = self.str_value(name.to_owned())?;
        self.call_sync(hook, vec![obj, name], Vec::new()).map(Some)
    }

    /// Whether `r` is an AttributeError (or a subclass's) being raised.
    pub(super) fn is_attribute_error(&self, r: &Raise) -> bool {
        match r {
            Raise::New(kind, _) => *kind == "AttributeError",
            Raise::Object(e) | Raise::Again(e) => self.is_exception(*e, "AttributeError"),
            Raise::Stop => false,
        }
    }

    /// `locals()` (and `vars()`, `dir()` without an argument) in the running function: a new
    /// dict of its bound local and free variables by name, in slot order (parameters first),
    /// as CPython 3.11's snapshot of a function's namespace; writing to it changes nothing, as
    /// there. Hidden slots (comprehension variables, which CPython keeps in a frame of their
    /// own, and saved exceptions) are left out. At module level and in a class body CPython's
    /// namespace is live, so there it is NotSupported rather than a copy that ignores writes.
    pub(super) fn local_namespace(&mut self, what: &str) -> Result<Value, Raise> {
        let (code, locals) = match self.state.frames.last() {
            Some(f) => (f.code, f.locals.clone()),
            None => return raise("SystemError", "no frame"),
        };
        let Some(body) = self.state.module.codes.get(code as usize) else {
            return raise("SystemError", "a frame without its code");
        };
        if code == 0 || body.class_body {
            return raise(
                "NotSupported",
                format!(
                    "{what}() at module level or in a class body (a live namespace) is not in \
                     the subset; inside a function it is"
                ),
            );
        }
        let names = body.local_names.clone();
        let mut namespace = Dict::with_capacity(names.len());
        for (name, value) in names.into_iter().zip(locals) {
            let Some(mut value) = value else { continue };
            if name.is_empty() || name.starts_with('.') {
                continue;
            }
            if let Value::Ref(r) = value
                && let Object::Cell(cell) = self.object(r)?
            {
                match cell {
                    Some(inner) => value = *inner,
                    None => continue,
                }
            }
            let k = self.str_value(name)?;
            let key = self.key(k)?;
            namespace.insert(key, k, value);
        }
        self.alloc(Object::Dict(namespace))
    }

    /// `name` in dict object `d` (an instance's `__dict__`), by its str key.
    pub(super) fn dict_str_get(&self, d: u32, name: &str) -> Result<Option<Value>, Raise> {
        let Object::Dict(dict) = self.object(d)? else {
            return raise("SystemError", "an instance's __dict__ is not a dict");
        };
        Ok(dict.value(&crate::heap::Key::Str(name.to_owned())))
    }

    /// The str-keyed entries of dict object `d`, in order (an instance's `__dict__` as
    /// attributes).
    pub(super) fn dict_str_entries(&self, d: u32) -> Result<Vec<(String, Value)>, Raise> {
        let Object::Dict(dict) = self.object(d)? else {
            return raise("SystemError", "an instance's __dict__ is not a dict");
        };
        let mut out = Vec::with_capacity(dict.len());
        for (k, v) in dict.iter() {
            if let Value::Ref(k) = k
                && let Object::Str(k) = self.object(*k)?
            {
                out.push((k.clone(), *v));
            }
        }
        Ok(out)
    }

    /// A new dict object of `attrs`, in order, keyed by str.
    pub(super) fn attrs_dict(&mut self, attrs: Vec<(String, Value)>) -> Result<Value, Raise> {
        let mut dict = crate::heap::Dict::default();
        for (k, v) in attrs {
            let key = self.str_value(k.clone())?;
            dict.insert(crate::heap::Key::Str(k), key, v);
        }
        self.alloc(Object::Dict(dict))
    }

    /// Instance `r`'s `__dict__`: made from its attributes the first time, then the same dict
    /// object, which holds the attributes from then on.
    pub(super) fn instance_dict(&mut self, r: u32) -> Result<Value, Raise> {
        let attrs = match self.state.heap.get_mut(r) {
            Some(Object::Instance { dict: Some(d), .. }) => return Ok(Value::Ref(*d)),
            Some(Object::Instance { attrs, .. }) => std::mem::take(attrs),
            _ => return raise("TypeError", "vars() argument must have __dict__ attribute"),
        };
        let d = self.attrs_dict(attrs)?;
        let Value::Ref(dr) = d else {
            return raise("SystemError", "allocation");
        };
        if let Some(Object::Instance { dict, .. }) = self.state.heap.get_mut(r) {
            *dict = Some(dr);
        }
        Ok(d)
    }

    /// `C.__mro__` (the class, its MRO, then `object`), or `C.__bases__` (`(object,)` when it
    /// named none).
    fn class_mro(&mut self, class: u32, bases_only: bool) -> Result<Value, Raise> {
        let object = self.builtin_value("object");
        let Object::Class(c) = self.object(class)? else {
            return raise("SystemError", "not a class");
        };
        let items = if bases_only {
            if c.bases.is_empty() {
                vec![object]
            } else {
                c.bases.clone()
            }
        } else {
            let mut chain = Vec::with_capacity(c.mro.len() + 2);
            chain.push(Value::Ref(class));
            chain.extend(c.mro.iter().copied());
            chain.push(object);
            chain
        };
        self.alloc(Object::Tuple(items))
    }

    /// Whose MRO `super(class, receiver)` searches: the receiver's type when it is an instance
    /// of `class`, else the receiver itself when it is a subclass (class methods, metaclasses).
    fn super_start(&self, class: u32, receiver: Value) -> Result<u32, Raise> {
        if let Value::Ref(t) = self.class_of(receiver)?
            && matches!(self.object(t)?, Object::Class(_))
            && self.class_derives(t, Value::Ref(class))?
        {
            return Ok(t);
        }
        if let Value::Ref(r) = receiver
            && matches!(self.object(r)?, Object::Class(_))
            && self.class_derives(r, Value::Ref(class))?
        {
            return Ok(r);
        }
        raise(
            "TypeError",
            "super(type, obj): obj must be an instance or subtype of type",
        )
    }

    /// What `object` itself provides to `super()` lookups that run off the user chain.
    fn object_attr(&mut self, receiver: Value, name: &str) -> Result<Option<Value>, Raise> {
        match name {
            "__init__" => {
                let f = self.builtin_value("object.__init__");
                self.alloc(Object::Method {
                    receiver,
                    function: f,
                })
                .map(Some)
            }
            "__setattr__" => {
                let f = self.builtin_value("object.__setattr__");
                self.alloc(Object::Method {
                    receiver,
                    function: f,
                })
                .map(Some)
            }
            // A static method: `super().__new__(cls)` passes the class itself.
            "__new__" => Ok(Some(self.builtin_value("object.__new__"))),
            // Both do nothing on `object` (and `type.__init__` on a metaclass's instance).
            "__init_subclass__" => {
                let f = self.builtin_value("object.__init__");
                self.alloc(Object::Method {
                    receiver,
                    function: f,
                })
                .map(Some)
            }
            // `super().__call__(...)` in a metaclass: `type.__call__`, plain instantiation.
            "__call__" if matches!(receiver, Value::Ref(r) if matches!(self.object(r)?, Object::Class(_))) => {
                self.alloc(Object::BuiltinMethod {
                    receiver: Some(receiver),
                    name: "type.__call__".into(),
                })
                .map(Some)
            }
            "__repr__" | "__str__" => {
                let f = self.builtin_value("object.__repr__");
                self.alloc(Object::Method {
                    receiver,
                    function: f,
                })
                .map(Some)
            }
            _ => Ok(None),
        }
    }

    fn builtin_super_attr(&mut self, receiver: Value, name: &str) -> Result<Option<Value>, Raise> {
        match name {
            "__init__" => {
                let f = self.builtin_value("BaseException.__init__");
                self.alloc(Object::Method {
                    receiver,
                    function: f,
                })
                .map(Some)
            }
            "__str__" => {
                let f = self.builtin_value("BaseException.__str__");
                self.alloc(Object::Method {
                    receiver,
                    function: f,
                })
                .map(Some)
            }
            _ => self.object_attr(receiver, name),
        }
    }

    fn scalar_attr(&mut self, obj: Value, name: &str) -> Result<Option<Value>, Raise> {
        let bound_type = match obj {
            Value::Int(_) | Value::Bool(_) => Some("int"),
            Value::Float(_) => Some("float"),
            _ => None,
        };
        if let Some(t) = bound_type
            && super::methods::has_method(t, name)
        {
            return self
                .alloc(Object::BuiltinMethod {
                    receiver: Some(obj),
                    name: name.to_owned(),
                })
                .map(Some);
        }
        if let Value::Builtin(b) = obj
            && let Some(t) = super::BUILTINS.get(b as usize)
            && super::methods::has_method(t, name)
        {
            return self
                .alloc(Object::BuiltinMethod {
                    receiver: None,
                    name: name.to_owned(),
                })
                .map(Some);
        }
        // `int.from_bytes`, `dict.fromkeys`: builtins of their own.
        if let Value::Builtin(b) = obj
            && let Some(t) = super::BUILTINS.get(b as usize)
            && super::builtins::is_type_name(t)
        {
            let full = format!("{t}.{name}");
            if let Some(i) = super::BUILTINS.iter().position(|n| *n == full) {
                return Ok(Some(Value::Builtin(i as u16)));
            }
            // `dict.__getitem__` and the like, for a subclass's class body
            // (`__getattr__ = dict.__getitem__`): the `_sl_bases` class's function, when the
            // program has one.
            if WRAPPED_BUILTINS.contains(t)
                && let Some(Value::Ref(c)) = self.global(&base_class_global(t))
                && let Object::Class(c) = self.object(c)?
                && let Some(v) = own_attr(c, name)
            {
                // `str.__new__(cls, …)`: the function (a static method is not callable here).
                if let Value::Ref(f) = v
                    && let Object::StaticMethod(inner) = self.object(f)?
                {
                    return Ok(Some(*inner));
                }
                return Ok(Some(v));
            }
        }
        match (obj, name) {
            (Value::Builtin(b), "__name__") => {
                let full = super::BUILTINS.get(b as usize).copied().unwrap_or("?");
                let short = full.rsplit('.').next().unwrap_or(full).to_owned();
                self.str_value(short).map(Some)
            }
            (Value::ExceptionClass(c), "__name__" | "__qualname__") => {
                let n = EXCEPTIONS
                    .get(c as usize)
                    .map_or("?", |(n, _)| n)
                    .to_owned();
                self.str_value(n).map(Some)
            }
            (Value::ExceptionClass(_), "__module__") => {
                self.str_value("builtins".to_owned()).map(Some)
            }
            // The builtin chain up to BaseException, then object.
            (Value::ExceptionClass(c), "__mro__" | "__bases__") => {
                let mut chain = Vec::new();
                let mut at = Some(c);
                while let Some(k) = at
                    && chain.len() < EXCEPTIONS.len()
                {
                    chain.push(Value::ExceptionClass(k));
                    at = EXCEPTIONS
                        .get(k as usize)
                        .and_then(|(_, parent)| *parent)
                        .map(super::exception_index);
                }
                chain.push(self.builtin_value("object"));
                let items = if name == "__bases__" {
                    chain.into_iter().skip(1).take(1).collect()
                } else {
                    chain
                };
                self.alloc(Object::Tuple(items)).map(Some)
            }
            (Value::Int(_) | Value::Bool(_) | Value::Ref(_), "real" | "numerator") => Ok(Some(obj)),
            (Value::Int(_) | Value::Bool(_) | Value::Ref(_), "imag") => Ok(Some(Value::Int(0))),
            (Value::Int(_) | Value::Bool(_) | Value::Ref(_), "denominator") => {
                Ok(Some(Value::Int(1)))
            }
            (_, "__class__") => self.class_of(obj).map(Some),
            (Value::Float(f), "real") => Ok(Some(Value::Float(f))),
            (Value::Float(_), "imag") => Ok(Some(Value::Float(0.0))),
            _ => Ok(None),
        }
    }

    /// `obj.name = value`.
    pub(super) fn set_attr(&mut self, obj: Value, name: &str, value: Value) -> Result<(), Raise> {
        // A class's own `__setattr__` takes every assignment. Its instances hold their
        // attributes in a dict from the start (`new_instance`), so the rebinding fast paths,
        // which need `dict: None`, never pass it by.
        if let Value::Ref(r) = obj
            && let Some(Object::Instance {
                class,
                dict: Some(_),
                ..
            }) = self.state.heap.get(r)
            && let Found::Class(hook) = self.class_lookup(*class, "__setattr__")?
        {
            let name = self.str_value(name.to_owned())?;
            self.call_sync(hook, vec![obj, name, value], Vec::new())?;
            return Ok(());
        }
        self.set_attr_plain(obj, name, value)
    }

    /// `object.__setattr__`: the assignment without the class's `__setattr__`.
    pub(super) fn set_attr_plain(
        &mut self,
        obj: Value,
        name: &str,
        value: Value,
    ) -> Result<(), Raise> {
        let Value::Ref(r) = obj else {
            let t = self.type_name(obj)?;
            return raise(
                "AttributeError",
                format!("'{t}' object has no attribute '{name}'"),
            );
        };
        // Rebinding an instance attribute it already has: nothing on the class can intervene
        // (a property would have kept the name out of the instance).
        if let Some(Object::Instance {
            attrs, dict: None, ..
        }) = self.state.heap.get_mut(r)
            && let Some((_, slot)) = attrs.iter_mut().find(|(k, _)| k == name)
        {
            *slot = value;
            return Ok(());
        }
        // A property with a setter on the class takes the assignment.
        let class = match self.object(r)? {
            Object::Instance { class, .. }
            | Object::Exception {
                user: Some(class), ..
            } => Some(*class),
            _ => None,
        };
        // `object()` instances take no attributes (only a new one gets this far).
        if class.is_some() && class == self.bare_object_class() {
            return raise(
                "AttributeError",
                format!("'object' object has no attribute '{name}'"),
            );
        }
        if let Some(class) = class
            && let Found::Class(Value::Ref(p)) = self.class_lookup(class, name)?
            && let Object::Property { setter, .. } = self.object(p)?
        {
            let setter = *setter;
            if setter == Value::None {
                return raise(
                    "AttributeError",
                    format!(
                        "property '{name}' of '{}' object has no setter",
                        self.class_name(class)?
                    ),
                );
            }
            self.call_sync(setter, vec![obj, value], Vec::new())?;
            return Ok(());
        }
        // A class's name is its own field (what reprs and messages show), not an attribute.
        if name == "__name__"
            && let Value::Ref(v) = value
            && let Some(Object::Str(new_name)) = self.state.heap.get(v)
        {
            let new_name = new_name.clone();
            if let Some(Object::Class(c)) = self.state.heap.get_mut(r) {
                c.name = new_name;
                return Ok(());
            }
        }
        // `__slots__` on every class of the MRO: no attribute outside them (and no `__dict__`).
        if let Some(Object::Instance {
            class,
            attrs,
            dict: None,
        }) = self.state.heap.get(r)
            && !attrs.iter().any(|(k, _)| k == name)
        {
            let class = *class;
            if let Some(allowed) = self.slots_of(class)?
                && !allowed.iter().any(|s| s == name)
            {
                let t = self.class_name(class)?;
                return raise(
                    "AttributeError",
                    format!("'{t}' object has no attribute '{name}'"),
                );
            }
        }
        if let Some(Object::Instance { dict: Some(d), .. }) = self.state.heap.get(r) {
            let (d, key) = (*d, self.str_value(name.to_owned())?);
            let mut dict = match self.state.heap.get_mut(d) {
                Some(Object::Dict(dict)) => std::mem::take(dict),
                _ => return raise("SystemError", "instance dict"),
            };
            let set = self.dict_set(&mut dict, key, value);
            if let Some(Object::Dict(slot)) = self.state.heap.get_mut(d) {
                *slot = dict;
            }
            return set;
        }
        if matches!(name, "__cause__" | "__context__" | "__suppress_context__")
            && let Some(Object::Exception { .. }) = self.state.heap.get(r)
        {
            return self.set_exception_link(r, name, value);
        }
        match self.state.heap.get_mut(r) {
            Some(Object::Instance { attrs, .. })
            | Some(Object::Exception { attrs, .. })
            | Some(Object::Class(Class { attrs, .. }))
            | Some(Object::Function { attrs, .. })
            | Some(Object::Module { attrs, .. }) => {
                match attrs.iter_mut().find(|(k, _)| k == name) {
                    Some((_, slot)) => *slot = value,
                    None => {
                        if attrs.len() >= super::LOCALS_MAX as usize {
                            return raise("MemoryError", "too many attributes");
                        }
                        attrs.push((name.to_owned(), value));
                    }
                }
                Ok(())
            }
            _ => {
                let t = self.type_name(obj)?;
                raise(
                    "AttributeError",
                    format!(
                        "'{t}' object has no attribute '{name}' and no __dict__ for setting new attributes"
                    ),
                )
            }
        }
    }

    /// `e.__cause__ = …`, `e.__context__ = …`, `e.__suppress_context__ = …`: CPython's checks,
    /// and setting a cause suppresses the context as `raise … from` does.
    fn set_exception_link(&mut self, r: u32, name: &str, value: Value) -> Result<(), Raise> {
        let link = match value {
            Value::None => None,
            Value::Ref(v) if matches!(self.object(v)?, Object::Exception { .. }) => Some(value),
            _ if name == "__suppress_context__" => None,
            _ => {
                let what = if name == "__cause__" {
                    "cause"
                } else {
                    "context"
                };
                return raise(
                    "TypeError",
                    format!("exception {what} must be None or derive from BaseException"),
                );
            }
        };
        let suppress = name == "__suppress_context__" && self.truthy(value)?;
        if let Some(Object::Exception {
            cause,
            context,
            suppress_context,
            ..
        }) = self.state.heap.get_mut(r)
        {
            match name {
                "__cause__" => {
                    *cause = link;
                    *suppress_context = true;
                }
                "__context__" => *context = link,
                _ => *suppress_context = suppress,
            }
        }
        Ok(())
    }

    /// `del obj.name`.
    pub(super) fn del_attr(&mut self, obj: Value, name: &str) -> Result<(), Raise> {
        // A class's own `__delattr__` takes every deletion.
        if let Value::Ref(r) = obj
            && let Some(Object::Instance { class, .. }) = self.state.heap.get(r)
            && let Found::Class(hook) = self.class_lookup(*class, "__delattr__")?
        {
            let name = self.str_value(name.to_owned())?;
            self.call_sync(hook, vec![obj, name], Vec::new())?;
            return Ok(());
        }
        if let Value::Ref(r) = obj
            && let Some(Object::Instance { dict: Some(d), .. }) = self.state.heap.get(r)
        {
            let key = crate::heap::Key::Str(name.to_owned());
            if let Some(Object::Dict(dict)) = self.state.heap.get_mut(*d)
                && dict.remove(&key).is_some()
            {
                return Ok(());
            }
            return self.missing_attr(obj, name);
        }
        if let Value::Ref(r) = obj
            && let Some(
                Object::Instance { attrs, .. }
                | Object::Exception { attrs, .. }
                | Object::Class(Class { attrs, .. }),
            ) = self.state.heap.get_mut(r)
            && let Some(at) = attrs.iter().position(|(k, _)| k == name)
        {
            attrs.remove(at);
            return Ok(());
        }
        self.missing_attr(obj, name)
    }

    /// The special method `name` of an instance (or user exception, or a class whose metaclass
    /// defines it), bound; `None` for other values or when the class does not define it.
    pub(super) fn special(&mut self, v: Value, name: &str) -> Result<Option<Value>, Raise> {
        let Value::Ref(r) = v else {
            return Ok(None);
        };
        let class = match self.object(r)? {
            Object::Instance { class, .. }
            | Object::Exception {
                user: Some(class), ..
            }
            | Object::Class(Class {
                meta: Some(class), ..
            }) => *class,
            _ => return Ok(None),
        };
        match self.class_lookup(class, name)? {
            Found::Class(f) => self.bind(f, v, Value::Ref(class)).map(Some),
            _ => Ok(None),
        }
    }

    /// Calls special method `name` on `v` if its class has it, running it to completion.
    pub(super) fn call_special(
        &mut self,
        v: Value,
        name: &str,
        args: Vec<Value>,
    ) -> Result<Option<Value>, Raise> {
        match self.special(v, name)? {
            Some(m) => self.call_sync(m, args, Vec::new()).map(Some),
            None => Ok(None),
        }
    }

    /// Calls special method `name` with a frame (the result lands on the stack, resumable).
    /// Whether the class had it.
    pub(super) fn push_special(
        &mut self,
        v: Value,
        name: &str,
        args: Vec<Value>,
        kind: FrameKind,
    ) -> Result<bool, Raise> {
        let Some(m) = self.special(v, name)? else {
            return Ok(false);
        };
        let floor = self.state.frames.len();
        self.call_with(m, args, Vec::new())?;
        if self.state.frames.len() > floor {
            if let Some(frame) = self.state.frames.last_mut() {
                frame.kind = kind;
            }
        } else if kind == FrameKind::Discard {
            self.pop()?;
        }
        Ok(true)
    }
}
