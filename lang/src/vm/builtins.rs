//! The builtin functions and types (`BUILTINS`), the builtin `math`, `functools` and `sys`
//! functions, and the few methods reached only through attributes (`BaseException.__init__`).

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use super::{BUILTINS, OUTPUT_MAX, Raise, Vm, derives, py_str_repr, raise};
use crate::code::{BinOp, CmpOp};
use crate::heap::{Dict, Iter, Object};
use crate::value::Value;

/// Builtins that take a builtin-type subclass's instance as the value inside it.
const VALUE_ARGUMENTS: &[&str] = &[
    "bin",
    "hex",
    "oct",
    "chr",
    "ord",
    "range",
    "int",
    "float",
    "_sl.json_string",
    "_sl.re_compile",
    "_sl.re_search",
    "_sl.re_scan",
    "_sl.re_findall",
];

/// Builtin names that are types, for `isinstance`, `type()` and `issubclass`.
const TYPES: &[&str] = &[
    "int",
    "float",
    "str",
    "bool",
    "list",
    "dict",
    "tuple",
    "set",
    "frozenset",
    "bytes",
    "bytearray",
    "complex",
    "range",
    "object",
    "type",
    "NoneType",
    "NotImplementedType",
    "ellipsis",
    "function",
    "generator",
    "module",
    "builtin_function_or_method",
    "property",
    "staticmethod",
    "classmethod",
    "super",
    "slice",
    "reversed",
    "enumerate",
    "zip",
    "map",
    "filter",
];

/// The types of builtin iterators (`type(iter([]))`, see `objects::iterator_type`): types no
/// program can call.
const ITERATOR_TYPES: &[&str] = &[
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
    "bytearray_iterator",
];

/// What `dir()` lists for every instance and class of a user class (CPython 3.11's `object`
/// names plus what a class statement adds).
const OBJECT_DIR: &[&str] = &[
    "__class__",
    "__delattr__",
    "__dict__",
    "__dir__",
    "__doc__",
    "__eq__",
    "__format__",
    "__ge__",
    "__getattribute__",
    "__getstate__",
    "__gt__",
    "__hash__",
    "__init__",
    "__init_subclass__",
    "__le__",
    "__lt__",
    "__module__",
    "__ne__",
    "__new__",
    "__reduce__",
    "__reduce_ex__",
    "__repr__",
    "__setattr__",
    "__sizeof__",
    "__str__",
    "__subclasshook__",
    "__weakref__",
];

/// What `BaseException` adds to `dir()` of an exception class or instance.
const EXCEPTION_DIR: &[&str] = &[
    "__cause__",
    "__context__",
    "__setstate__",
    "__suppress_context__",
    "__traceback__",
    "add_note",
    "args",
    "with_traceback",
];

/// What every module's `dir()` holds besides its own names.
const MODULE_DIR: &[&str] = &[
    "__doc__",
    "__file__",
    "__loader__",
    "__name__",
    "__package__",
    "__spec__",
];

/// Where the class of `object()` instances is kept (in `State::modules`, under a name no import
/// can spell).
const BARE_OBJECT: &str = "<object>";

/// Whether `name` is a builtin type's name (not a module, whatever `BUILTINS` holds under
/// `name.`).
pub(super) fn is_type_name(name: &str) -> bool {
    TYPES.contains(&name) || ITERATOR_TYPES.contains(&name)
}

impl Vm {
    /// `vars(v)`: an instance's own `__dict__` (the live one), or a copy of a class's or
    /// module's namespace (CPython's class namespace is a read-only mappingproxy).
    fn vars_of(&mut self, v: Value) -> Result<Value, Raise> {
        let Value::Ref(r) = v else {
            return raise("TypeError", "vars() argument must have __dict__ attribute");
        };
        let attrs = match self.object(r)? {
            Object::Instance { class, .. } if Some(*class) != self.bare_object_class() => {
                return self.instance_dict(r);
            }
            Object::Class(c) => {
                let mut attrs = c.attrs.clone();
                // A class statement records its module first (CPython's `__module__`).
                if !attrs.iter().any(|(k, _)| k == "__module__") {
                    let module = self.str_value("__main__".to_owned())?;
                    attrs.insert(0, ("__module__".to_owned(), module));
                }
                if !attrs.iter().any(|(k, _)| k == "__doc__") {
                    attrs.push(("__doc__".to_owned(), Value::None));
                }
                attrs
            }
            Object::Module { attrs, .. } => attrs.clone(),
            Object::Exception { attrs, .. } => attrs.clone(),
            _ => return raise("TypeError", "vars() argument must have __dict__ attribute"),
        };
        self.attrs_dict(attrs)
    }

    /// `dir(v)` of an instance, class, exception or module: its names and its classes' along
    /// the MRO, with what `object` (and `BaseException`) give every one, sorted.
    fn dir_of(&mut self, v: Value) -> Result<Value, Raise> {
        let mut names: Vec<String> = Vec::new();
        let mut classes: Vec<Value> = Vec::new();
        let mut exception = false;
        let Value::Ref(r) = v else {
            let t = self.type_name(v)?;
            return raise(
                "NotSupported",
                format!(
                    "dir() of a '{t}' value is not in the subset (instances, classes and modules are)"
                ),
            );
        };
        match self.object(r)? {
            Object::Instance { class, attrs, dict } => {
                let (class, dict) = (*class, *dict);
                names.extend(attrs.iter().map(|(k, _)| k.clone()));
                if let Some(d) = dict {
                    names.extend(self.dict_str_entries(d)?.into_iter().map(|(k, _)| k));
                }
                classes.push(Value::Ref(class));
            }
            Object::Exception { user, attrs, .. } => {
                names.extend(attrs.iter().map(|(k, _)| k.clone()));
                exception = true;
                if let Some(c) = user {
                    classes.push(Value::Ref(*c));
                }
            }
            Object::Class(_) => classes.push(v),
            Object::Module { attrs, .. } => {
                names.extend(attrs.iter().map(|(k, _)| k.clone()));
                names.extend(MODULE_DIR.iter().map(|n| n.to_string()));
            }
            other => {
                let t = other.type_name();
                return raise(
                    "NotSupported",
                    format!(
                        "dir() of a '{t}' value is not in the subset (instances, classes and modules are)"
                    ),
                );
            }
        }
        if let Some(&Value::Ref(c)) = classes.first() {
            let Object::Class(k) = self.object(c)? else {
                return raise("SystemError", "not a class");
            };
            let mut chain = vec![Value::Ref(c)];
            chain.extend(k.mro.iter().copied());
            for entry in chain {
                match entry {
                    Value::Ref(k) => {
                        if let Object::Class(k) = self.object(k)? {
                            names.extend(
                                k.attrs
                                    .iter()
                                    .filter(|(n, _)| n != "__qualname__")
                                    .map(|(n, _)| n.clone()),
                            );
                        }
                    }
                    Value::ExceptionClass(_) => exception = true,
                    _ => {}
                }
            }
            names.extend(OBJECT_DIR.iter().map(|n| n.to_string()));
        }
        if exception {
            names.extend(OBJECT_DIR.iter().map(|n| n.to_string()));
            names.extend(EXCEPTION_DIR.iter().map(|n| n.to_string()));
        }
        names.sort();
        names.dedup();
        let mut items = Vec::with_capacity(names.len());
        for n in names {
            items.push(self.str_value(n)?);
        }
        self.alloc(Object::List(items))
    }

    /// The class of `object()` instances, once one was made.
    pub(super) fn bare_object_class(&self) -> Option<u32> {
        bare_object_class(&self.state.modules)
    }

    /// The builtin value a builtin-type subclass's instance holds (`_sl_bases`), if `v` is
    /// one.
    pub(super) fn value_inside(&self, v: Value) -> Result<Option<Value>, Raise> {
        let Value::Ref(r) = v else {
            return Ok(None);
        };
        let (class, inner) = match self.object(r)? {
            Object::Instance { class, attrs, dict } => {
                match (attrs.iter().find(|(k, _)| k == "_sl_v"), dict) {
                    (Some((_, v)), _) => (*class, Some(*v)),
                    (None, Some(d)) => (*class, self.dict_str_get(*d, "_sl_v")?),
                    (None, None) => return Ok(None),
                }
            }
            _ => return Ok(None),
        };
        // Only then the MRO walk: an instance without `_sl_v` (nearly all) costs a scan of its
        // own attributes.
        match inner {
            Some(v) if self.builtin_base(class)?.is_some() => Ok(Some(v)),
            _ => Ok(None),
        }
    }

    /// The value inside a builtin subclass's instance whose `__hash__` is still its base's
    /// (`_sl_hash`): what it hashes and keys dicts as, so `Tag('a')` is the key `'a'` is.
    /// `hash` is the `__hash__` its class has.
    pub(super) fn hashed_as_value_inside(
        &self,
        v: Value,
        class: u32,
        hash: Value,
    ) -> Result<Option<Value>, Raise> {
        let Some(inner) = self.value_inside(v)? else {
            return Ok(None);
        };
        Ok(
            (self.class_lookup(class, "_sl_hash")? == super::objects::Found::Class(hash))
                .then_some(inner),
        )
    }

    pub(super) fn builtin(
        &mut self,
        b: u16,
        args: Vec<Value>,
        mut kwargs: Vec<(String, Value)>,
    ) -> Result<Value, Raise> {
        let name = BUILTINS.get(b as usize).copied().unwrap_or("?");
        let mut args = args;
        // Where CPython's C code reads the number or text inside a builtin-type subclass's
        // instance (`bin(Level(3))`, `str.upper(Tag('a'))`), the value inside stands in.
        let type_method = super::type_methods::TYPE_METHODS.contains(&name);
        let unwrapped = if type_method {
            args.len().min(1)
        } else if name.starts_with("math.") || VALUE_ARGUMENTS.contains(&name) {
            args.len()
        } else {
            0
        };
        for a in args.iter_mut().take(unwrapped) {
            if let Some(inner) = self.value_inside(*a)? {
                *a = inner;
            }
        }
        if type_method {
            return self.type_method(name, args, kwargs);
        }
        // `math.isclose(a, b, *, rel_tol, abs_tol)`: its keywords become positions 3 and 4.
        if name == "round" && args.len() == 1 && kwargs.len() == 1 && kwargs[0].0 == "ndigits" {
            args.push(kwargs.remove(0).1);
        }
        if name == "math.isclose" && !kwargs.is_empty() {
            let mut tols = [Value::Float(1e-9), Value::Float(0.0)];
            for (k, v) in kwargs.drain(..) {
                match k.as_str() {
                    "rel_tol" => tols[0] = v,
                    "abs_tol" => tols[1] = v,
                    _ => {
                        return raise(
                            "TypeError",
                            format!("isclose() got an unexpected keyword argument '{k}'"),
                        );
                    }
                }
            }
            if args.len() != 2 {
                return raise(
                    "TypeError",
                    "isclose() takes exactly 2 positional arguments",
                );
            }
            args.extend(tols);
        }
        // `int(text, base=16)`.
        if name == "int"
            && let Some(at) = kwargs.iter().position(|(k, _)| k == "base")
        {
            let base = kwargs.remove(at).1;
            if args.len() != 1 {
                return raise("TypeError", "int() missing string argument");
            }
            args.push(base);
        }
        // `str(b, encoding=…, errors=…)`, `bytes(s, encoding=…)`, `bytearray(…)`: the keywords
        // become the positions they stand for.
        if matches!(name, "str" | "bytes" | "bytearray")
            && kwargs.iter().any(|(k, _)| k == "encoding" || k == "errors")
        {
            let mut take = |key: &str| -> Option<Value> {
                let at = kwargs.iter().position(|(k, _)| k == key)?;
                Some(kwargs.remove(at).1)
            };
            let (encoding, errors) = (take("encoding"), take("errors"));
            for (key, given, at) in [("encoding", encoding, 2), ("errors", errors, 3)] {
                if given.is_some() && args.len() >= at {
                    return raise(
                        "TypeError",
                        format!(
                            "argument for {name}() given by name ('{key}') and position ({at})"
                        ),
                    );
                }
            }
            if args.is_empty() {
                // CPython: `str(encoding=…)` is '', `bytes(encoding=…)` has no str to encode.
                if name == "str" {
                    return self.str_value(String::new());
                }
                let what = if encoding.is_some() {
                    "encoding"
                } else {
                    "errors"
                };
                return raise("TypeError", format!("{what} without a string argument"));
            }
            if let Some(e) = encoding {
                args.push(e);
            }
            if let Some(e) = errors {
                if args.len() < 2 {
                    let utf8 = self.str_value("utf-8".to_owned())?;
                    args.push(utf8);
                }
                args.push(e);
            }
        }
        // Output is written as it is printed: `flush` has nothing to do. `file=` is any object
        // with a `write` method (`sys.stderr`, an `io.StringIO`); None means stdout.
        let mut file = None;
        if name == "print" {
            kwargs.retain(|(k, _)| k != "flush");
            if let Some(at) = kwargs.iter().position(|(k, _)| k == "file") {
                file = Some(kwargs.remove(at).1).filter(|f| *f != Value::None);
            }
        }
        // Keyword arguments the builtins accept; anything else is an error below.
        let (sep, end, key, reverse, default, start) = if kwargs.is_empty() {
            (None, None, None, None, None, None)
        } else {
            let mut take_kw = |key: &str| -> Option<Value> {
                let at = kwargs.iter().position(|(k, _)| k == key)?;
                Some(kwargs.remove(at).1)
            };
            let taken = (
                take_kw("sep"),
                take_kw("end"),
                take_kw("key"),
                take_kw("reverse"),
                take_kw("default"),
                take_kw("start"),
            );
            let allowed: &[&str] = match name {
                "print" => &["sep", "end"],
                "sorted" => &["key", "reverse"],
                "min" | "max" => &["key", "default"],
                "sum" | "enumerate" => &["start"],
                _ => &[],
            };
            let given = [
                ("sep", taken.0),
                ("end", taken.1),
                ("key", taken.2),
                ("reverse", taken.3),
                ("default", taken.4),
                ("start", taken.5),
            ];
            for (k, v) in given {
                if v.is_some() && !allowed.contains(&k) {
                    return raise(
                        "TypeError",
                        format!("'{k}' is an invalid keyword argument for {name}()"),
                    );
                }
            }
            if let Some((k, _)) = kwargs.first()
                && !matches!(name, "dict" | "object.__init__" | "object.__new__")
            {
                return raise(
                    "TypeError",
                    format!("'{k}' is an invalid keyword argument for {name}()"),
                );
            }
            taken
        };
        let count = |args: &[Value], min: usize, max: usize| -> Result<(), Raise> {
            if args.len() < min || args.len() > max {
                let expected = if min == max && min == 1 {
                    "exactly one argument".to_owned()
                } else if min == max {
                    format!("exactly {min} argument{}", if min == 1 { "" } else { "s" })
                } else if args.len() < min {
                    format!("at least {min} argument{}", if min == 1 { "" } else { "s" })
                } else {
                    format!("at most {max} argument{}", if max == 1 { "" } else { "s" })
                };
                return raise(
                    "TypeError",
                    format!("{name}() takes {expected} ({} given)", args.len()),
                );
            }
            Ok(())
        };
        match name {
            "NotImplemented" => raise("TypeError", "'NotImplementedType' object is not callable"),
            "Ellipsis" => raise("TypeError", "'ellipsis' object is not callable"),
            "print" => {
                let sep = match sep {
                    Some(Value::None) | None => " ".to_owned(),
                    Some(v) => self.str_of(v)?,
                };
                let end = match end {
                    Some(Value::None) | None => "\n".to_owned(),
                    Some(v) => self.str_of(v)?,
                };
                let mut line = String::new();
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        line.push_str(&sep);
                    }
                    line.push_str(&self.str_of(*a)?);
                }
                line.push_str(&end);
                if let Some(file) = file {
                    let write = self.get_attr(file, "write")?;
                    let text = self.str_value(line)?;
                    self.call_sync(write, vec![text], Vec::new())?;
                    return Ok(Value::None);
                }
                if self.state.output.len() + line.len() > OUTPUT_MAX {
                    return raise("MemoryError", "too much unread output");
                }
                self.state.output.push_str(&line);
                Ok(Value::None)
            }
            "len" => {
                count(&args, 1, 1)?;
                Ok(Value::Int(self.len_of(args[0])? as i64))
            }
            "range" => {
                count(&args, 1, 3)?;
                let mut ints = Vec::with_capacity(3);
                for a in &args {
                    ints.push(match a {
                        Value::Int(n) => *n,
                        Value::Bool(b) => *b as i64,
                        other if self.is_big(*other) => {
                            return raise(
                                "OverflowError",
                                "Python int too large to convert to C ssize_t",
                            );
                        }
                        other => {
                            let t = self.type_name(*other)?;
                            return raise(
                                "TypeError",
                                format!("'{t}' object cannot be interpreted as an integer"),
                            );
                        }
                    });
                }
                let (start, stop, step) = match ints[..] {
                    [stop] => (0, stop, 1),
                    [start, stop] => (start, stop, 1),
                    [start, stop, step] => (start, stop, step),
                    _ => return raise("SystemError", "range"),
                };
                if step == 0 {
                    return raise("ValueError", "range() arg 3 must not be zero");
                }
                self.alloc(Object::Range { start, stop, step })
            }
            "str" => {
                count(&args, 0, 3)?;
                // `str(b, encoding[, errors])` decodes, as `b.decode(...)`.
                if args.len() > 1 {
                    let is_bytes = matches!(args[0], Value::Ref(r)
                        if matches!(self.object(r)?, Object::Bytes(_) | Object::ByteArray(_)));
                    if !is_bytes {
                        let t = self.type_name(args[0])?;
                        return raise(
                            "TypeError",
                            format!("decoding to str: need a bytes-like object, {t} found"),
                        );
                    }
                    return self.method(args[0], "decode", args[1..].to_vec(), Vec::new());
                }
                match args.first() {
                    None => self.str_value(String::new()),
                    Some(v) if matches!(v, Value::Ref(r) if matches!(self.object(*r)?, Object::Str(_))) => {
                        Ok(*v)
                    }
                    Some(v) => {
                        let s = self.str_of(*v)?;
                        self.str_value(s)
                    }
                }
            }
            "repr" => {
                count(&args, 1, 1)?;
                let s = self.repr(args[0])?;
                self.str_value(s)
            }
            "ascii" => {
                count(&args, 1, 1)?;
                let s = self.repr(args[0])?;
                self.str_value(crate::format::ascii_escape(&s))
            }
            "int" => {
                count(&args, 0, 2)?;
                self.int_builtin(&args)
            }
            "float" => {
                count(&args, 0, 1)?;
                let Some(&v) = args.first() else {
                    return Ok(Value::Float(0.0));
                };
                match v {
                    Value::Int(n) => Ok(Value::Float(n as f64)),
                    Value::Bool(b) => Ok(Value::Float(b as i64 as f64)),
                    Value::Float(f) => Ok(Value::Float(f)),
                    _ if self.is_big(v) => {
                        let n = self.big_of(v)?.unwrap_or_default();
                        Ok(Value::Float(super::ints::big_to_f64(&n)?))
                    }
                    Value::Ref(r) => match self.object(r)? {
                        Object::Str(s) => {
                            let t = s.trim().replace('_', "").to_ascii_lowercase();
                            let parsed = match t.trim_start_matches(['+', '-']) {
                                "inf" | "infinity" => Some(f64::INFINITY),
                                "nan" => Some(f64::NAN),
                                _ => t.parse::<f64>().ok(),
                            };
                            match parsed {
                                Some(f) if t.starts_with('-') && !f.is_sign_negative() => {
                                    Ok(Value::Float(-f))
                                }
                                Some(f) => Ok(Value::Float(f)),
                                None => raise(
                                    "ValueError",
                                    format!(
                                        "could not convert string to float: {}",
                                        py_str_repr(s)
                                    ),
                                ),
                            }
                        }
                        _ => {
                            if let Some(f) = self.call_special(v, "__float__", Vec::new())? {
                                return Ok(f);
                            }
                            let t = self.type_name(v)?;
                            raise(
                                "TypeError",
                                format!(
                                    "float() argument must be a string or a real number, not '{t}'"
                                ),
                            )
                        }
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
                count(&args, 0, 1)?;
                match args.first() {
                    None => Ok(Value::Bool(false)),
                    Some(v) => Ok(Value::Bool(self.truthy(*v)?)),
                }
            }
            "abs" => {
                count(&args, 1, 1)?;
                let v = args[0];
                match v {
                    Value::Int(n) => match n.checked_abs() {
                        Some(n) => Ok(Value::Int(n)),
                        None => self.int_value(BigInt::from(n).abs()),
                    },
                    Value::Bool(b) => Ok(Value::Int(b as i64)),
                    Value::Float(f) => Ok(Value::Float(f.abs())),
                    Value::Ref(r) if let &Object::Complex { re, im } = self.object(r)? => {
                        let h = re.hypot(im);
                        if h.is_infinite() && re.is_finite() && im.is_finite() {
                            return raise("OverflowError", "absolute value too large");
                        }
                        Ok(Value::Float(h))
                    }
                    _ if self.is_big(v) => {
                        let n = self.big_of(v)?.unwrap_or_default();
                        self.int_value(n.abs())
                    }
                    _ => {
                        if let Some(r) = self.call_special(v, "__abs__", Vec::new())? {
                            return Ok(r);
                        }
                        let t = self.type_name(v)?;
                        raise("TypeError", format!("bad operand type for abs(): '{t}'"))
                    }
                }
            }
            "min" | "max" => {
                if args.is_empty() {
                    return raise(
                        "TypeError",
                        format!("{name} expected at least 1 argument, got 0"),
                    );
                }
                let items = if args.len() == 1 {
                    self.collect_items(args[0])?
                } else {
                    if default.is_some() {
                        return raise(
                            "TypeError",
                            format!(
                                "Cannot specify a default for {name}() with multiple positional arguments"
                            ),
                        );
                    }
                    args
                };
                let key = key.unwrap_or(Value::None);
                let mut best: Option<(Value, Value)> = None;
                for item in items {
                    let k = if key == Value::None {
                        item
                    } else {
                        self.call_sync(key, vec![item], Vec::new())?
                    };
                    let better = match best {
                        None => true,
                        Some((_, bk)) => {
                            let op = if name == "min" { CmpOp::Lt } else { CmpOp::Gt };
                            self.less(k, bk, op)?
                        }
                    };
                    if better {
                        best = Some((item, k));
                    }
                }
                match (best, default) {
                    (Some((item, _)), _) => Ok(item),
                    (None, Some(d)) => Ok(d),
                    (None, None) => {
                        raise("ValueError", format!("{name}() arg is an empty sequence"))
                    }
                }
            }
            "sum" => {
                count(&args, 1, 2)?;
                let mut total = start.or(args.get(1).copied()).unwrap_or(Value::Int(0));
                if let Value::Ref(r) = total
                    && matches!(self.object(r)?, Object::Str(_))
                {
                    return raise(
                        "TypeError",
                        "sum() can't sum strings [use ''.join(seq) instead]",
                    );
                }
                let it = self.iter(args[0])?;
                while let Some(item) = self.next(it)? {
                    total = match (total, item) {
                        (Value::Int(x), Value::Int(y)) if x.checked_add(y).is_some() => {
                            Value::Int(x + y)
                        }
                        (Value::Float(x), Value::Float(y)) => Value::Float(x + y),
                        _ => self.binary(BinOp::Add, total, item)?,
                    };
                }
                Ok(total)
            }
            "list" | "tuple" => {
                count(&args, 0, 1)?;
                let items = match args.first() {
                    None => Vec::new(),
                    Some(v) => self.collect_items(*v)?,
                };
                self.alloc(if name == "list" {
                    Object::List(items)
                } else {
                    Object::Tuple(items)
                })
            }
            "set" | "frozenset" => {
                count(&args, 0, 1)?;
                self.set_from(args.first().copied(), name == "frozenset")
            }
            "round" => {
                count(&args, 1, 2)?;
                self.round_builtin(&args)
            }
            "dict" => {
                count(&args, 0, 1)?;
                let mut dict = Dict::default();
                if let Some(&source) = args.first() {
                    let pairs = self.update_pairs(source)?;
                    for (k, v) in pairs {
                        self.dict_set(&mut dict, k, v)?;
                    }
                }
                for (k, v) in std::mem::take(&mut kwargs) {
                    let key = self.str_value(k)?;
                    self.dict_set(&mut dict, key, v)?;
                }
                self.alloc(Object::Dict(dict))
            }
            "enumerate" => {
                count(&args, 1, 2)?;
                let start = match start.or(args.get(1).copied()) {
                    None => 0,
                    Some(Value::Int(n)) => n,
                    Some(v @ Value::Ref(_)) if self.value_inside(v)?.is_some() => {
                        self.index_arg(v)?
                    }
                    Some(other) => {
                        let t = self.type_name(other)?;
                        return raise(
                            "TypeError",
                            format!("'{t}' object cannot be interpreted as an integer"),
                        );
                    }
                };
                let inner = self.iter_ref(args[0])?;
                self.alloc(Object::Iter(Iter::Enumerate {
                    inner,
                    count: start,
                }))
            }
            "zip" => {
                let mut inners = Vec::with_capacity(args.len());
                for a in args {
                    inners.push(self.iter_ref(a)?);
                }
                self.alloc(Object::Iter(Iter::Zip { inners }))
            }
            "map" => {
                if args.len() < 2 {
                    return raise("TypeError", "map() must have at least two arguments.");
                }
                let function = args[0];
                let mut inners = Vec::with_capacity(args.len() - 1);
                for a in &args[1..] {
                    inners.push(self.iter_ref(*a)?);
                }
                self.alloc(Object::Iter(Iter::Map { function, inners }))
            }
            "filter" => {
                count(&args, 2, 2)?;
                let inner = self.iter_ref(args[1])?;
                self.alloc(Object::Iter(Iter::Filter {
                    function: args[0],
                    inner,
                }))
            }
            "sorted" => {
                count(&args, 1, 1)?;
                let items = self.collect_items(args[0])?;
                let reverse = match reverse {
                    Some(v) => self.truthy(v)?,
                    None => false,
                };
                let sorted = self.sort_values(items, key.unwrap_or(Value::None), reverse)?;
                self.alloc(Object::List(sorted))
            }
            "reversed" => {
                count(&args, 1, 1)?;
                let v = args[0];
                if let Some(r) = self.call_special(v, "__reversed__", Vec::new())? {
                    return Ok(r);
                }
                match v {
                    Value::Ref(r)
                        if matches!(
                            self.object(r)?,
                            Object::List(_) | Object::Tuple(_) | Object::Str(_)
                        ) =>
                    {
                        let left = match self.object(r)? {
                            Object::Str(s) => s.len() as u32,
                            _ => self.len_of(v)? as u32,
                        };
                        self.alloc(Object::Iter(Iter::Reversed { of: r, left }))
                    }
                    // A range backwards is a range iterator, not a list of it.
                    Value::Ref(r)
                        if let Object::Range { start, stop, step } = *self.object(r)?
                            && let Some((next, stop, step)) =
                                super::reversed_range(start, stop, step) =>
                    {
                        self.alloc(Object::Iter(Iter::Range { next, stop, step }))
                    }
                    _ => {
                        let mut items = self.collect_items(v)?;
                        items.reverse();
                        let list = self.alloc(Object::List(items))?;
                        self.iter(list)
                    }
                }
            }
            "format" => {
                count(&args, 1, 2)?;
                let spec = match args.get(1) {
                    Some(s) => self.str_of(*s)?,
                    None => String::new(),
                };
                match self.format(args[0], &spec)? {
                    Ok(t) => self.str_value(t),
                    Err(message) => raise("ValueError", message),
                }
            }
            "isinstance" | "issubclass" => {
                count(&args, 2, 2)?;
                let (v, class) = (args[0], args[1]);
                let classes = match class {
                    Value::Ref(t) if matches!(self.object(t)?, Object::Tuple(_)) => {
                        self.collect_items(class)?
                    }
                    other => vec![other],
                };
                let subject = if name == "isinstance" {
                    self.class_of(v)?
                } else {
                    if !self.is_class(v)? {
                        return raise("TypeError", "issubclass() arg 1 must be a class");
                    }
                    v
                };
                for c in classes {
                    if !self.is_class(c)? {
                        return raise(
                            "TypeError",
                            format!("{name}() arg 2 must be a type, a tuple of types, or a union"),
                        );
                    }
                    if self.subclass(subject, c)? {
                        return Ok(Value::Bool(true));
                    }
                    // A metaclass's `__instancecheck__` / `__subclasscheck__` decides past the
                    // class's own MRO (`abc.ABCMeta`'s registered and duck-typed subclasses).
                    let hook = if name == "isinstance" {
                        "__instancecheck__"
                    } else {
                        "__subclasscheck__"
                    };
                    if let Value::Ref(cr) = c
                        && let Some(m) = self.metaclass_of(cr)?
                        && let super::objects::Found::Class(f) = self.class_lookup(m, hook)?
                    {
                        let answer = self.call_sync(f, vec![c, v], Vec::new())?;
                        if self.truthy(answer)? {
                            return Ok(Value::Bool(true));
                        }
                    }
                }
                Ok(Value::Bool(false))
            }
            "type" => {
                count(&args, 1, 1)?;
                let class = self.class_of(args[0])?;
                // `object()` is an instance of a hidden class standing in for `object`.
                match (class, self.bare_object_class()) {
                    (Value::Ref(c), Some(bare)) if c == bare => Ok(self.builtin_value("object")),
                    _ => Ok(class),
                }
            }
            "locals" => {
                count(&args, 0, 0)?;
                self.local_namespace(name)
            }
            "vars" | "dir" => {
                if args.is_empty() {
                    let namespace = self.local_namespace(name)?;
                    if name == "vars" {
                        return Ok(namespace);
                    }
                    let Value::Ref(d) = namespace else {
                        return raise("SystemError", "locals() made no dict");
                    };
                    let keys: Vec<Value> = match self.object(d)? {
                        Object::Dict(d) => d.iter().map(|(k, _)| *k).collect(),
                        _ => Vec::new(),
                    };
                    let mut names = Vec::with_capacity(keys.len());
                    for k in keys {
                        names.push((self.str_of(k)?, k));
                    }
                    names.sort_by(|a, b| a.0.cmp(&b.0));
                    return self.alloc(Object::List(names.into_iter().map(|(_, k)| k).collect()));
                }
                count(&args, 1, 1)?;
                if name == "vars" {
                    self.vars_of(args[0])
                } else {
                    self.dir_of(args[0])
                }
            }
            "callable" => {
                count(&args, 1, 1)?;
                let v = args[0];
                Ok(Value::Bool(match v {
                    Value::Builtin(_) | Value::ExceptionClass(_) => true,
                    Value::Ref(r) => match self.object(r)? {
                        Object::Function { .. }
                        | Object::Class(_)
                        | Object::Method { .. }
                        | Object::BuiltinMethod { .. }
                        | Object::HostFunction { .. } => true,
                        Object::Instance { .. } => self.special(v, "__call__")?.is_some(),
                        _ => false,
                    },
                    _ => false,
                }))
            }
            "all" | "any" => {
                count(&args, 1, 1)?;
                let it = self.iter(args[0])?;
                let want = name == "any";
                while let Some(item) = self.next(it)? {
                    if self.truthy(item)? == want {
                        return Ok(Value::Bool(want));
                    }
                }
                Ok(Value::Bool(!want))
            }
            "chr" => {
                count(&args, 1, 1)?;
                let n = self.index_arg(args[0])?;
                match u32::try_from(n).ok().and_then(char::from_u32) {
                    Some(c) => self.str_value(c.to_string()),
                    None => raise("ValueError", "chr() arg not in range(0x110000)"),
                }
            }
            "ord" => {
                count(&args, 1, 1)?;
                let text = match args[0] {
                    Value::Ref(r) => match self.object(r)? {
                        Object::Str(s) => s.clone(),
                        Object::Bytes(b) | Object::ByteArray(b) if b.len() == 1 => {
                            return Ok(Value::Int(b[0] as i64));
                        }
                        other => {
                            let t = other.type_name().to_owned();
                            return raise(
                                "TypeError",
                                format!("ord() expected string of length 1, but {t} found"),
                            );
                        }
                    },
                    other => {
                        let t = self.type_name(other)?;
                        return raise(
                            "TypeError",
                            format!("ord() expected string of length 1, but {t} found"),
                        );
                    }
                };
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Ok(Value::Int(c as i64)),
                    _ => raise(
                        "TypeError",
                        format!(
                            "ord() expected a character, but string of length {} found",
                            text.chars().count()
                        ),
                    ),
                }
            }
            "divmod" => {
                count(&args, 2, 2)?;
                let q = self.binary(BinOp::FloorDiv, args[0], args[1])?;
                let r = self.binary(BinOp::Mod, args[0], args[1])?;
                self.alloc(Object::Tuple(vec![q, r]))
            }
            "pow" | "math.pow" => {
                count(&args, 2, 3)?;
                if name == "math.pow" {
                    let (x, y) = (self.float_arg(args[0])?, self.float_arg(args[1])?);
                    return Ok(Value::Float(x.powf(y)));
                }
                if let Some(&m) = args.get(2) {
                    let (Some(base), Some(exp), Some(modulus)) = (
                        self.big_of(args[0])?,
                        self.big_of(args[1])?,
                        self.big_of(m)?,
                    ) else {
                        return raise(
                            "TypeError",
                            "pow() 3rd argument not allowed unless all arguments are integers",
                        );
                    };
                    if modulus.is_zero() {
                        return raise("ValueError", "pow() 3rd argument cannot be 0");
                    }
                    // A negative exponent raises the inverse of the base (CPython 3.8+).
                    let (base, exp) = if exp.is_negative() {
                        match base.modinv(&modulus.abs()) {
                            Some(inverse) => (inverse, -exp),
                            None => {
                                return raise(
                                    "ValueError",
                                    "base is not invertible for the given modulus",
                                );
                            }
                        }
                    } else {
                        (base, exp)
                    };
                    let r = base.modpow(&exp, &modulus);
                    // Python's result has the modulus's sign.
                    let r = if !r.is_zero() && r.is_negative() != modulus.is_negative() {
                        r + &modulus
                    } else {
                        r
                    };
                    return self.int_value(r);
                }
                self.binary(BinOp::Pow, args[0], args[1])
            }
            "getattr" => {
                count(&args, 2, 3)?;
                let attr = self.str_arg(args[1], "getattr")?;
                match self.lookup_attr(args[0], &attr) {
                    Ok(Some(v)) => Ok(v),
                    // A default also covers what a `__getattr__` raised.
                    Err(e) if args.len() == 3 && self.is_attribute_error(&e) => Ok(args[2]),
                    Err(e) => Err(e),
                    Ok(None) => match args.get(2) {
                        Some(d) => Ok(*d),
                        None => self.missing_attr(args[0], &attr),
                    },
                }
            }
            "hasattr" => {
                count(&args, 2, 2)?;
                let attr = self.str_arg(args[1], "hasattr")?;
                match self.lookup_attr(args[0], &attr) {
                    Ok(found) => Ok(Value::Bool(found.is_some())),
                    Err(e) if self.is_attribute_error(&e) => Ok(Value::Bool(false)),
                    Err(e) => Err(e),
                }
            }
            "setattr" => {
                count(&args, 3, 3)?;
                let attr = self.str_arg(args[1], "setattr")?;
                self.set_attr(args[0], &attr, args[2])?;
                Ok(Value::None)
            }
            "delattr" => {
                count(&args, 2, 2)?;
                let attr = self.str_arg(args[1], "delattr")?;
                self.del_attr(args[0], &attr)?;
                Ok(Value::None)
            }
            "hash" => {
                count(&args, 1, 1)?;
                self.hash_builtin(args[0])
            }
            "id" => {
                count(&args, 1, 1)?;
                Ok(Value::Int(match args[0] {
                    Value::Ref(r) => 0x7f00_0000_0000 + r as i64 * 0x30,
                    Value::Int(n) => n.wrapping_mul(32).wrapping_add(0x5000),
                    _ => 0x4000,
                }))
            }
            "iter" => {
                count(&args, 1, 1)?;
                self.iter(args[0])
            }
            "next" => {
                count(&args, 1, 2)?;
                let it = args[0];
                let is_iterator = match it {
                    Value::Ref(r) => matches!(
                        self.object(r)?,
                        Object::Iter(_) | Object::Generator(_) | Object::Instance { .. }
                    ),
                    _ => false,
                };
                if !is_iterator {
                    let t = self.type_name(it)?;
                    return raise("TypeError", format!("'{t}' object is not an iterator"));
                }
                match (self.next(it)?, args.get(1)) {
                    (Some(v), _) => Ok(v),
                    (None, Some(d)) => Ok(*d),
                    (None, None) => {
                        // A generator's `return value` rides on the StopIteration (`e.value`).
                        let returned = match it {
                            Value::Ref(r) => match self.state.heap.get_mut(r) {
                                Some(Object::Generator(g)) => {
                                    std::mem::replace(&mut g.returned, Value::None)
                                }
                                _ => Value::None,
                            },
                            _ => Value::None,
                        };
                        if returned != Value::None {
                            let stop = self.exception_to_raise(Value::ExceptionClass(
                                super::exception_index("StopIteration"),
                            ))?;
                            self.init_exception(stop, vec![returned])?;
                            return Err(Raise::Object(stop));
                        }
                        raise("StopIteration", "")
                    }
                }
            }
            "super" => {
                if !args.is_empty() {
                    if let [class @ Value::Ref(c), receiver] = args[..]
                        && matches!(self.object(c)?, Object::Class(_))
                    {
                        let _ = class;
                        return self.alloc(Object::Super { class: c, receiver });
                    }
                    return raise(
                        "NotSupported",
                        "super() with these arguments is not in the subset",
                    );
                }
                let frame = self.frame()?;
                let owner = frame.owner;
                let first = frame.locals.first().copied().flatten();
                let (Some(class), Some(mut receiver)) = (owner, first) else {
                    return raise("RuntimeError", "super(): no arguments");
                };
                if let Value::Ref(r) = receiver
                    && let Object::Cell(Some(inner)) = self.object(r)?
                {
                    receiver = *inner;
                }
                self.alloc(Object::Super { class, receiver })
            }
            "bytes" => {
                count(&args, 0, 3)?;
                // bytes are immutable: `bytes(b)` is `b`.
                if let [v @ Value::Ref(r)] = args[..]
                    && matches!(self.object(r)?, Object::Bytes(_))
                {
                    return Ok(v);
                }
                let data = self.bytes_from_args(&args, "bytes")?;
                self.alloc(Object::Bytes(data))
            }
            "complex" => self.complex_new(&args),
            "bytearray" => {
                count(&args, 0, 3)?;
                let data = self.bytes_from_args(&args, "bytearray")?;
                self.alloc(Object::ByteArray(data))
            }
            // `object()`: a bare instance (sentinels, locks' stand-ins), of a class made once per
            // program and kept where snapshots see it.
            "object" => {
                count(&args, 0, 0)?;
                let class = match self.bare_object_class() {
                    Some(c) => c,
                    None => {
                        let c = self.alloc(Object::Class(crate::heap::Class {
                            name: "object".into(),
                            bases: Vec::new(),
                            mro: Vec::new(),
                            attrs: Vec::new(),
                            meta: None,
                        }))?;
                        let Value::Ref(c) = c else {
                            return raise("SystemError", "allocation");
                        };
                        self.state.modules.push((BARE_OBJECT.into(), Value::Ref(c)));
                        c
                    }
                };
                self.alloc(Object::Instance {
                    dict: None,
                    class,
                    attrs: Vec::new(),
                })
            }
            "property" => {
                count(&args, 1, 2)?;
                self.alloc(Object::Property {
                    getter: args[0],
                    setter: args.get(1).copied().unwrap_or(Value::None),
                })
            }
            "staticmethod" => {
                count(&args, 1, 1)?;
                self.alloc(Object::StaticMethod(args[0]))
            }
            "classmethod" => {
                count(&args, 1, 1)?;
                self.alloc(Object::ClassMethod(args[0]))
            }
            "hex" | "oct" | "bin" => {
                count(&args, 1, 1)?;
                let Some(n) = self.big_of(args[0])? else {
                    let t = self.type_name(args[0])?;
                    return raise(
                        "TypeError",
                        format!("'{t}' object cannot be interpreted as an integer"),
                    );
                };
                let (radix, prefix) = match name {
                    "hex" => (16, "0x"),
                    "oct" => (8, "0o"),
                    _ => (2, "0b"),
                };
                let digits = n.magnitude().to_str_radix(radix);
                let sign = if n.is_negative() { "-" } else { "" };
                self.str_value(format!("{sign}{prefix}{digits}"))
            }
            "BaseException.__init__" => {
                let Some((&receiver, rest)) = args.split_first() else {
                    return raise("TypeError", "__init__ needs an instance");
                };
                if let Value::Ref(r) = receiver {
                    self.init_exception(r, rest.to_vec())?;
                }
                Ok(Value::None)
            }
            "BaseException.__str__" => {
                let Some(Value::Ref(r)) = args.first().copied() else {
                    return raise("TypeError", "__str__ needs an instance");
                };
                let message = match self.object(r)? {
                    Object::Exception { message, .. } => message.clone(),
                    _ => String::new(),
                };
                self.str_value(message)
            }
            "object.__init__" => Ok(Value::None),
            "object.__setattr__" => {
                count(&args, 3, 3)?;
                let attr = match args[1] {
                    Value::Ref(n) if matches!(self.object(n)?, Object::Str(_)) => {
                        self.str_of(args[1])?
                    }
                    other => {
                        let t = self.type_name(other)?;
                        return raise(
                            "TypeError",
                            format!("attribute name must be string, not '{t}'"),
                        );
                    }
                };
                self.set_attr_plain(args[0], &attr, args[2])?;
                Ok(Value::None)
            }
            // Called from an overriding `__new__` (`super().__new__(cls)`): the bare instance;
            // the arguments were that `__new__`'s to take, as CPython's `excess_args` check says.
            "object.__new__" => {
                let Some(&class) = args.first() else {
                    return raise("TypeError", "object.__new__(): not enough arguments");
                };
                let exception = matches!(class, Value::Ref(c) if matches!(self.object(c)?, Object::Class(_)) && self.exception_root(c)?.is_some());
                if (args.len() > 1 && !exception) || !kwargs.is_empty() {
                    return raise(
                        "TypeError",
                        "object.__new__() takes exactly one argument (the type to instantiate)",
                    );
                }
                let made = self.new_instance(class)?;
                // `BaseException.__new__(cls, *args)` keeps the arguments.
                if exception && let Value::Ref(r) = made {
                    self.init_exception(r, args[1..].to_vec())?;
                }
                Ok(made)
            }
            "property.setter" | "property.getter" => {
                let [Value::Ref(p), f] = args[..] else {
                    return raise("TypeError", format!("{name}() takes exactly one argument"));
                };
                let Object::Property { getter, setter } = self.object(p)? else {
                    return raise("TypeError", "not a property");
                };
                let (getter, setter) = if name == "property.setter" {
                    (*getter, f)
                } else {
                    (f, *setter)
                };
                self.alloc(Object::Property { getter, setter })
            }
            "object.__repr__" => {
                let Some(Value::Ref(r)) = args.first().copied() else {
                    return raise("TypeError", "__repr__ needs an instance");
                };
                let class = match self.object(r)? {
                    Object::Instance { class, .. } => self.class_name(*class)?,
                    other => other.type_name().to_owned(),
                };
                self.str_value(format!(
                    "<__main__.{class} object at {:#x}>",
                    0x7f00_0000_0000u64 + r as u64 * 0x30
                ))
            }
            "functools.reduce" => {
                count(&args, 2, 3)?;
                let it = self.iter(args[1])?;
                let mut acc = match args.get(2) {
                    Some(v) => *v,
                    None => match self.next(it)? {
                        Some(v) => v,
                        None => {
                            return raise(
                                "TypeError",
                                "reduce() of empty iterable with no initial value",
                            );
                        }
                    },
                };
                while let Some(item) = self.next(it)? {
                    acc = self.call_sync(args[0], vec![acc, item], Vec::new())?;
                }
                Ok(acc)
            }
            "sys.setrecursionlimit" | "sys.set_int_max_str_digits" => Ok(Value::None),
            "sys.getrecursionlimit" => Ok(Value::Int(super::RECURSION_MAX as i64)),
            math if math.starts_with("math.") => self.math(&math[5..], &args),
            helper if helper.starts_with("_sl.") => self.sl_builtin(&helper[4..], &args),
            "slice" => {
                count(&args, 1, 3)?;
                let (start, stop, step) = match args[..] {
                    [stop] => (Value::None, stop, Value::None),
                    [start, stop] => (start, stop, Value::None),
                    [start, stop, step] => (start, stop, step),
                    _ => (Value::None, Value::None, Value::None),
                };
                self.alloc(Object::Slice { start, stop, step })
            }
            "NoneType" | "function" | "generator" | "module" | "builtin_function_or_method" => {
                raise("TypeError", format!("cannot create '{name}' instances"))
            }
            name if ITERATOR_TYPES.contains(&name) => {
                raise("TypeError", format!("cannot create '{name}' instances"))
            }
            _ => raise("SystemError", "unknown builtin"),
        }
    }

    /// The items of a sequence of numbers, as floats (`math.dist`).
    fn float_list(&mut self, v: Value) -> Result<Vec<f64>, Raise> {
        let it = self.iter(v)?;
        let mut out = Vec::new();
        while let Some(x) = self.next(it)? {
            out.push(self.float_arg(x)?);
        }
        Ok(out)
    }

    /// `iter(v)` as a heap index (for the lazy iterators that hold others).
    fn iter_ref(&mut self, v: Value) -> Result<u32, Raise> {
        match self.iter(v)? {
            Value::Ref(r) => Ok(r),
            _ => raise("SystemError", "iterator"),
        }
    }

    /// An int argument (bools count), or CPython's TypeError.
    pub(super) fn index_arg(&self, v: Value) -> Result<i64, Raise> {
        match v {
            Value::Int(n) => Ok(n),
            Value::Bool(b) => Ok(b as i64),
            // An int subclass's instance: the int inside.
            Value::Ref(_) if let Some(inner @ Value::Int(_)) = self.value_inside(v)? => {
                self.index_arg(inner)
            }
            other => {
                let t = self.type_name(other)?;
                raise(
                    "TypeError",
                    format!("'{t}' object cannot be interpreted as an integer"),
                )
            }
        }
    }

    fn float_arg(&self, v: Value) -> Result<f64, Raise> {
        match v {
            Value::Int(n) => Ok(n as f64),
            Value::Bool(b) => Ok(b as i64 as f64),
            Value::Float(f) => Ok(f),
            _ if self.is_big(v) => super::ints::big_to_f64(&self.big_of(v)?.unwrap_or_default()),
            other => {
                let t = self.type_name(other)?;
                raise("TypeError", format!("must be real number, not {t}"))
            }
        }
    }

    /// Whether `v` is a class (builtin type, exception class or user class).
    pub(super) fn is_class(&self, v: Value) -> Result<bool, Raise> {
        Ok(match v {
            Value::Builtin(b) => is_type_name(BUILTINS.get(b as usize).unwrap_or(&"")),
            Value::ExceptionClass(_) => true,
            Value::Ref(r) => matches!(self.object(r)?, Object::Class(_)),
            _ => false,
        })
    }

    /// Whether class `sub` is `sup` or derives from it (both classes).
    pub(super) fn subclass(&self, sub: Value, sup: Value) -> Result<bool, Raise> {
        if sub == sup || sup == self.builtin_value("object") {
            return Ok(true);
        }
        Ok(match (sub, sup) {
            (Value::Builtin(s), Value::Builtin(p)) => {
                BUILTINS.get(s as usize) == Some(&"bool")
                    && BUILTINS.get(p as usize) == Some(&"int")
            }
            (Value::ExceptionClass(s), Value::ExceptionClass(p)) => derives(s, p),
            (Value::Ref(c), _) => self.class_derives(c, sup)?,
            _ => false,
        })
    }

    fn int_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        let Some(&v) = args.first() else {
            return Ok(Value::Int(0));
        };
        if let Some(&base) = args.get(1) {
            let base = self.index_arg(base)?;
            if base != 0 && !(2..=36).contains(&base) {
                return raise("ValueError", "int() base must be >= 2 and <= 36, or 0");
            }
            let text = match v {
                Value::Ref(r) if matches!(self.object(r)?, Object::Str(_)) => self.str_of(v)?,
                _ => {
                    return raise(
                        "TypeError",
                        "int() can't convert non-string with explicit base",
                    );
                }
            };
            return match self.parse_int(&text, base as u32)? {
                Some(n) => Ok(n),
                None => raise(
                    "ValueError",
                    format!(
                        "invalid literal for int() with base {base}: {}",
                        py_str_repr(&text)
                    ),
                ),
            };
        }
        match v {
            Value::Int(n) => Ok(Value::Int(n)),
            Value::Bool(b) => Ok(Value::Int(b as i64)),
            Value::Float(f) if f.is_nan() => {
                raise("ValueError", "cannot convert float NaN to integer")
            }
            Value::Float(f) if f.is_infinite() => {
                raise("OverflowError", "cannot convert float infinity to integer")
            }
            Value::Float(f) if f.abs() < 9.2e18 => Ok(Value::Int(f.trunc() as i64)),
            Value::Float(f) => {
                let n = num_bigint::BigInt::from(f.trunc() as i128);
                if f.abs() < 1.7e38 {
                    return self.int_value(n);
                }
                // Exact conversion of a large float: mantissa × 2^exponent.
                let bits = f.to_bits();
                let exponent = ((bits >> 52) & 0x7ff) as i64 - 1075;
                let mantissa = BigInt::from((bits & ((1u64 << 52) - 1)) | (1u64 << 52));
                let n = mantissa << exponent as usize;
                self.int_value(if f < 0.0 { -n } else { n })
            }
            _ if self.is_big(v) => Ok(v),
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => {
                    let text = s.clone();
                    match self.parse_int(&text, 10)? {
                        Some(n) => Ok(n),
                        None => raise(
                            "ValueError",
                            format!(
                                "invalid literal for int() with base 10: {}",
                                py_str_repr(&text)
                            ),
                        ),
                    }
                }
                _ => {
                    if let Some(n) = self.call_special(v, "__int__", Vec::new())? {
                        return Ok(n);
                    }
                    let t = self.type_name(v)?;
                    raise(
                        "TypeError",
                        format!(
                            "int() argument must be a string, a bytes-like object or a real number, not '{t}'"
                        ),
                    )
                }
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

    fn round_builtin(&mut self, args: &[Value]) -> Result<Value, Raise> {
        let digits = match args.get(1) {
            None | Some(Value::None) => None,
            Some(d) => Some(self.index_arg(*d)?),
        };
        match (args[0], digits) {
            (Value::Float(f), None) => {
                if !f.is_finite() {
                    return raise("OverflowError", "cannot convert float infinity to integer");
                }
                let r = f.round();
                // Python rounds half to even.
                let r = if (f - f.trunc()).abs() == 0.5 {
                    2.0 * (f / 2.0).round()
                } else {
                    r
                };
                if r.abs() < 9.2e18 {
                    Ok(Value::Int(r as i64))
                } else {
                    self.int_builtin(&[Value::Float(r)])
                }
            }
            (Value::Float(f), Some(d)) => {
                // Round through the shortest decimal text, as CPython's correctly rounded
                // algorithm does for the cases that matter (half-way cases in binary).
                if !f.is_finite() || d > 300 {
                    return Ok(Value::Float(f));
                }
                if d < -308 {
                    return Ok(Value::Float(0.0 * f));
                }
                let text = if d >= 0 {
                    format!("{:.*}", d as usize, f)
                } else {
                    let p = 10f64.powi((-d) as i32);
                    format!("{}", (f / p).round_ties_even() * p)
                };
                Ok(Value::Float(text.parse().unwrap_or(f)))
            }
            (v @ (Value::Int(_) | Value::Bool(_)), None) => Ok(match v {
                Value::Bool(b) => Value::Int(b as i64),
                other => other,
            }),
            (v, Some(d)) if self.big_of(v)?.is_some() => {
                if d >= 0 {
                    return Ok(v);
                }
                let n = self.big_of(v)?.unwrap_or_default();
                // Rounding to more digits than the number has gives 0.
                if d < -(n.bits() as i64) - 2 {
                    return Ok(Value::Int(0));
                }
                let p = num_traits::pow::Pow::pow(BigInt::from(10), (-d) as u32);
                let (q, r) = num_integer::Integer::div_mod_floor(&n, &p);
                let twice = &r * 2;
                let q = if twice > p || (twice == p && num_integer::Integer::is_odd(&q)) {
                    q + 1
                } else {
                    q
                };
                self.int_value(q * p)
            }
            (v, None) if self.is_big(v) => Ok(v),
            (v, _) => {
                if let Some(r) = self.call_special(v, "__round__", args[1..].to_vec())? {
                    return Ok(r);
                }
                let t = self.type_name(v)?;
                raise(
                    "TypeError",
                    format!("type {t} doesn't define __round__ method"),
                )
            }
        }
    }

    pub(super) fn hash_builtin(&mut self, v: Value) -> Result<Value, Raise> {
        // A builtin subclass's instance hashing as its base does: its value's hash, as the
        // dict key it makes is its value's.
        if let Value::Ref(r) = v
            && let Object::Instance { class, .. } = self.object(r)?
            && let class = *class
            && let super::objects::Found::Class(h) = self.class_lookup(class, "__hash__")?
            && let Some(inner) = self.hashed_as_value_inside(v, class, h)?
        {
            return self.hash_builtin(inner);
        }
        if let Value::Ref(r) = v
            && let &Object::Complex { re, im } = self.object(r)?
        {
            return Ok(Value::Int(self.complex_hash(re, im)?));
        }
        if let Some(h) = self.stable_hash(v, 0) {
            return Ok(Value::Int(h));
        }
        const MODULUS: i64 = (1 << 61) - 1;
        let fix = |h: i64| if h == -1 { -2 } else { h };
        Ok(Value::Int(match v {
            Value::None => 0x5f3a_0000,
            Value::Bool(b) => b as i64,
            Value::Int(n) => fix(if n >= 0 {
                n % MODULUS
            } else {
                -((-(n as i128) % MODULUS as i128) as i64)
            }),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => {
                return self.hash_builtin(Value::Int(f as i64));
            }
            _ => {
                if self.is_big(v) {
                    let n = self.big_of(v)?.unwrap_or_default();
                    let m = BigInt::from(MODULUS);
                    let r = (n.abs() % &m).to_i64().unwrap_or(0);
                    return Ok(Value::Int(fix(if n.is_negative() { -r } else { r })));
                }
                let key = self.key(v)?;
                match key {
                    crate::heap::Key::Hash(h) => h,
                    other => {
                        // Stable across runs (CPython randomises str hashes; programs cannot
                        // depend on the value).
                        let text = format!("{other:?}");
                        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
                        for b in text.bytes() {
                            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
                        }
                        fix((h >> 1) as i64)
                    }
                }
            }
        }))
    }

    fn math(&mut self, f: &str, args: &[Value]) -> Result<Value, Raise> {
        let arity = |n: usize| -> Result<(), Raise> {
            if args.len() != n {
                return raise(
                    "TypeError",
                    format!(
                        "{f}() takes exactly {n} argument{} ({} given)",
                        if n == 1 { "" } else { "s" },
                        args.len()
                    ),
                );
            }
            Ok(())
        };
        let domain = || raise("ValueError", "math domain error");
        match f {
            "floor" | "ceil" | "trunc" => {
                arity(1)?;
                if self.big_of(args[0])?.is_some() {
                    let n = self.big_of(args[0])?.unwrap_or_default();
                    return self.int_value(n);
                }
                let x = self.float_arg(args[0])?;
                let r = match f {
                    "floor" => x.floor(),
                    "ceil" => x.ceil(),
                    _ => x.trunc(),
                };
                self.int_builtin(&[Value::Float(r)])
            }
            "gcd" | "lcm" => {
                let mut acc = BigInt::from(if f == "gcd" { 0 } else { 1 });
                for a in args {
                    let Some(n) = self.big_of(*a)? else {
                        let t = self.type_name(*a)?;
                        return raise(
                            "TypeError",
                            format!("'{t}' object cannot be interpreted as an integer"),
                        );
                    };
                    acc = if f == "gcd" {
                        num_integer::Integer::gcd(&acc, &n)
                    } else {
                        num_integer::Integer::lcm(&acc, &n)
                    };
                }
                self.int_value(acc)
            }
            "isqrt" => {
                arity(1)?;
                let Some(n) = self.big_of(args[0])? else {
                    return raise("TypeError", "isqrt() argument must be an integer");
                };
                if n.is_negative() {
                    return raise("ValueError", "isqrt() argument must be nonnegative");
                }
                self.int_value(n.sqrt())
            }
            "factorial" => {
                arity(1)?;
                let n = self.index_arg(args[0])?;
                if n < 0 {
                    return raise("ValueError", "factorial() not defined for negative values");
                }
                if n > 100_000 {
                    return raise("MemoryError", "integer too large");
                }
                let mut acc = BigInt::from(1);
                for i in 2..=n {
                    acc *= i;
                }
                self.int_value(acc)
            }
            "comb" | "perm" => {
                if f == "perm" && args.len() == 1 {
                    return self.math("factorial", args);
                }
                arity(2)?;
                let (n, k) = (self.index_arg(args[0])?, self.index_arg(args[1])?);
                if n < 0 || k < 0 {
                    return raise(
                        "ValueError",
                        format!("{f}() not defined for negative values"),
                    );
                }
                if k > n {
                    return Ok(Value::Int(0));
                }
                if n > 1_000_000 {
                    return raise("MemoryError", "integer too large");
                }
                let mut acc = BigInt::from(1);
                let k_eff = if f == "comb" { k.min(n - k) } else { k };
                for i in 0..k_eff {
                    acc *= n - i;
                    if f == "comb" {
                        acc /= i + 1;
                    }
                }
                self.int_value(acc)
            }
            "prod" => {
                arity(1)?;
                let mut acc = Value::Int(1);
                for item in self.collect_items(args[0])? {
                    acc = self.binary(BinOp::Mul, acc, item)?;
                }
                Ok(acc)
            }
            "fsum" => {
                arity(1)?;
                // Neumaier summation: exact enough for the common cases.
                let (mut sum, mut c) = (0.0f64, 0.0f64);
                for item in self.collect_items(args[0])? {
                    let x = self.float_arg(item)?;
                    let t = sum + x;
                    if sum.abs() >= x.abs() {
                        c += (sum - t) + x;
                    } else {
                        c += (x - t) + sum;
                    }
                    sum = t;
                }
                Ok(Value::Float(sum + c))
            }
            "isnan" | "isinf" | "isfinite" => {
                arity(1)?;
                let x = self.float_arg(args[0])?;
                Ok(Value::Bool(match f {
                    "isnan" => x.is_nan(),
                    "isinf" => x.is_infinite(),
                    _ => x.is_finite(),
                }))
            }
            "atan2" | "hypot" | "copysign" => {
                arity(2)?;
                let (x, y) = (self.float_arg(args[0])?, self.float_arg(args[1])?);
                Ok(Value::Float(match f {
                    "atan2" => x.atan2(y),
                    "hypot" => x.hypot(y),
                    _ => x.copysign(y),
                }))
            }
            "log" => {
                if args.is_empty() || args.len() > 2 {
                    return raise(
                        "TypeError",
                        format!("log expected 1 or 2 arguments, got {}", args.len()),
                    );
                }
                let x = match self.big_of(args[0])? {
                    Some(n) if n.bits() > 1000 => {
                        // ln(n) = ln(n / 2^k) + k ln 2, for ints beyond a float's range.
                        let k = n.bits() - 64;
                        let top = super::ints::big_to_f64(&(n >> k as usize))?;
                        let ln = top.ln() + k as f64 * std::f64::consts::LN_2;
                        return Ok(Value::Float(match args.get(1) {
                            Some(b) => ln / self.float_arg(*b)?.ln(),
                            None => ln,
                        }));
                    }
                    _ => self.float_arg(args[0])?,
                };
                if x <= 0.0 {
                    return domain();
                }
                Ok(Value::Float(match args.get(1) {
                    Some(b) => {
                        let base = self.float_arg(*b)?;
                        if base <= 0.0 || base == 1.0 {
                            return domain();
                        }
                        x.ln() / base.ln()
                    }
                    None => x.ln(),
                }))
            }
            "pow" | "fmod" | "remainder" | "nextafter" => {
                arity(2)?;
                let (x, y) = (self.float_arg(args[0])?, self.float_arg(args[1])?);
                let r = match f {
                    "pow" => {
                        if x == 0.0 && y < 0.0 {
                            return domain();
                        }
                        if x < 0.0 && x.is_finite() && y.is_finite() && y.fract() != 0.0 {
                            return domain();
                        }
                        x.powf(y)
                    }
                    "fmod" | "remainder" if y == 0.0 && !x.is_nan() => return domain(),
                    "fmod" | "remainder" if x.is_infinite() && !y.is_nan() => return domain(),
                    "fmod" if y.is_infinite() && x.is_finite() => x,
                    "fmod" => x % y,
                    "remainder" => libm::remainder(x, y),
                    _ => libm::nextafter(x, y),
                };
                if r.is_infinite() && x.is_finite() && y.is_finite() {
                    return raise("OverflowError", "math range error");
                }
                Ok(Value::Float(r))
            }
            "ldexp" => {
                arity(2)?;
                let x = self.float_arg(args[0])?;
                let Some(e) = self.big_of(args[1])? else {
                    return raise("TypeError", "Expected an int as second argument to ldexp.");
                };
                let e = e
                    .to_i64()
                    .unwrap_or(if e.is_negative() { i64::MIN } else { i64::MAX });
                let r = libm::ldexp(x, e.clamp(-10_000, 10_000) as i32);
                if r.is_infinite() && x.is_finite() {
                    return raise("OverflowError", "math range error");
                }
                Ok(Value::Float(r))
            }
            "frexp" | "modf" => {
                arity(1)?;
                let x = self.float_arg(args[0])?;
                let pair = if f == "frexp" {
                    if x.is_nan() || x.is_infinite() || x == 0.0 {
                        vec![Value::Float(x), Value::Int(0)]
                    } else {
                        let (m, e) = libm::frexp(x);
                        vec![Value::Float(m), Value::Int(e as i64)]
                    }
                } else if x.is_infinite() {
                    vec![Value::Float(0.0f64.copysign(x)), Value::Float(x)]
                } else {
                    let t = x.trunc();
                    vec![Value::Float((x - t).copysign(x)), Value::Float(t)]
                };
                self.alloc(Object::Tuple(pair))
            }
            "isclose" => {
                let rel = args
                    .get(2)
                    .map(|v| self.float_arg(*v))
                    .transpose()?
                    .unwrap_or(1e-9);
                let abs = args
                    .get(3)
                    .map(|v| self.float_arg(*v))
                    .transpose()?
                    .unwrap_or(0.0);
                if args.len() < 2 {
                    return raise(
                        "TypeError",
                        format!(
                            "isclose() missing required argument 'b' (pos {})",
                            args.len() + 1
                        ),
                    );
                }
                let (a, b) = (self.float_arg(args[0])?, self.float_arg(args[1])?);
                if rel < 0.0 || abs < 0.0 {
                    return raise("ValueError", "tolerances must be non-negative");
                }
                if a == b {
                    return Ok(Value::Bool(true));
                }
                if a.is_infinite() || b.is_infinite() {
                    return Ok(Value::Bool(false));
                }
                let diff = (b - a).abs();
                Ok(Value::Bool(
                    (diff <= (rel * b).abs()) || (diff <= (rel * a).abs()) || diff <= abs,
                ))
            }
            "dist" => {
                arity(2)?;
                let p = self.float_list(args[0])?;
                let q = self.float_list(args[1])?;
                if p.len() != q.len() {
                    return raise(
                        "ValueError",
                        "both points must have the same number of dimensions",
                    );
                }
                let diffs: Vec<f64> = p.iter().zip(&q).map(|(a, b)| (a - b).abs()).collect();
                Ok(Value::Float(vector_norm(&diffs)))
            }
            "ulp" => {
                arity(1)?;
                let x = self.float_arg(args[0])?.abs();
                if x.is_nan() || x.is_infinite() {
                    return Ok(Value::Float(x));
                }
                let up = libm::nextafter(x, f64::INFINITY);
                if up.is_infinite() {
                    return Ok(Value::Float(x - libm::nextafter(x, -f64::INFINITY)));
                }
                Ok(Value::Float(up - x))
            }
            _ => {
                arity(1)?;
                let x = self.float_arg(args[0])?;
                let r = match f {
                    "cbrt" => super::library::c_math::c_cbrt(x),
                    "exp2" => x.exp2(),
                    "expm1" => x.exp_m1(),
                    "log1p" if x <= -1.0 => return domain(),
                    "log1p" => x.ln_1p(),
                    "sinh" => x.sinh(),
                    "cosh" => x.cosh(),
                    "tanh" => x.tanh(),
                    "asinh" => x.asinh(),
                    "acosh" if x < 1.0 => return domain(),
                    "acosh" => x.acosh(),
                    "atanh" if x.abs() >= 1.0 => return domain(),
                    "atanh" => x.atanh(),
                    "erf" => super::library::c_math::c_erf(x),
                    "erfc" => super::library::c_math::c_erfc(x),
                    "gamma" | "lgamma" if x <= 0.0 && x.fract() == 0.0 => return domain(),
                    "gamma" if x == f64::NEG_INFINITY => return domain(),
                    "gamma" => libm::tgamma(x),
                    "lgamma" => libm::lgamma(x),
                    "sin" | "cos" | "tan" if x.is_infinite() => return domain(),
                    "sqrt" if x < 0.0 => return domain(),
                    "sqrt" => x.sqrt(),
                    "log2" | "log10" if x <= 0.0 => return domain(),
                    "log2" => x.log2(),
                    "log10" => x.log10(),
                    "exp" => x.exp(),
                    "sin" => x.sin(),
                    "cos" => x.cos(),
                    "tan" => x.tan(),
                    "atan" => x.atan(),
                    "asin" | "acos" if !(-1.0..=1.0).contains(&x) => return domain(),
                    "asin" => x.asin(),
                    "acos" => x.acos(),
                    "fabs" => x.abs(),
                    "degrees" => x.to_degrees(),
                    "radians" => x.to_radians(),
                    _ => return raise("SystemError", "unknown math function"),
                };
                if r.is_infinite() && x.is_finite() {
                    return raise("OverflowError", "math range error");
                }
                Ok(Value::Float(r))
            }
        }
    }
}

/// The Euclidean norm of non-negative finite-or-not values, scaled by the largest so squares
/// neither overflow nor underflow (as CPython's `math.dist`/`math.hypot` do).
fn vector_norm(xs: &[f64]) -> f64 {
    if xs.iter().any(|x| x.is_infinite()) {
        return f64::INFINITY;
    }
    if xs.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    let max = xs.iter().copied().fold(0.0f64, f64::max);
    if max == 0.0 || xs.len() <= 1 {
        return max;
    }
    let mut sum = 0.0f64;
    let mut compensation = 0.0f64;
    for x in xs {
        let t = (x / max) * (x / max);
        let y = t - compensation;
        let s = sum + y;
        compensation = (s - sum) - y;
        sum = s;
    }
    max * sum.sqrt()
}

#[cfg(test)]
mod tests {
    /// `class_of` names types by their place in `BUILTINS`: a type missing there would be `None`.
    #[test]
    fn every_type_name_is_a_builtin() {
        for name in super::TYPES.iter().chain(super::ITERATOR_TYPES) {
            assert!(super::super::BUILTINS.contains(name), "{name}");
        }
    }
}

/// The class of `object()`'s instances, once one was made: kept among the imported modules,
/// where snapshots see it.
pub(super) fn bare_object_class(modules: &[(String, Value)]) -> Option<u32> {
    modules
        .iter()
        .find(|(n, _)| n == BARE_OBJECT)
        .and_then(|(_, v)| match v {
            Value::Ref(c) => Some(*c),
            _ => None,
        })
}
