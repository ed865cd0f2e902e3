//! Methods of the builtin types: str, bytes, list, tuple, dict, set, int and float.

use super::{Raise, Vm, raise};
use crate::heap::{Dict, Object};
use crate::value::Value;

/// The methods of each builtin type (what attribute access can bind).
pub(super) const METHODS: &[(&str, &[&str])] = &[
    (
        "str",
        &[
            "join",
            "split",
            "rsplit",
            "splitlines",
            "partition",
            "rpartition",
            "replace",
            "startswith",
            "endswith",
            "find",
            "rfind",
            "index",
            "rindex",
            "count",
            "upper",
            "lower",
            "title",
            "capitalize",
            "swapcase",
            "casefold",
            "strip",
            "lstrip",
            "rstrip",
            "isdigit",
            "isnumeric",
            "isdecimal",
            "isalpha",
            "isalnum",
            "isspace",
            "isupper",
            "islower",
            "isidentifier",
            "istitle",
            "isprintable",
            "isascii",
            "zfill",
            "expandtabs",
            "center",
            "ljust",
            "rjust",
            "format",
            "encode",
            "removeprefix",
            "format_map",
            "removesuffix",
            "translate",
        ],
    ),
    (
        "list",
        &[
            "append", "extend", "insert", "pop", "remove", "index", "count", "reverse", "sort",
            "clear", "copy",
        ],
    ),
    ("tuple", &["index", "count"]),
    (
        "dict",
        &[
            "get",
            "keys",
            "values",
            "items",
            "pop",
            "popitem",
            "setdefault",
            "update",
            "clear",
            "copy",
        ],
    ),
    (
        "set",
        &[
            "add",
            "remove",
            "discard",
            "pop",
            "clear",
            "copy",
            "update",
            "union",
            "intersection",
            "difference",
            "symmetric_difference",
            "difference_update",
            "intersection_update",
            "issubset",
            "issuperset",
            "isdisjoint",
        ],
    ),
    (
        "frozenset",
        &[
            "copy",
            "union",
            "intersection",
            "difference",
            "symmetric_difference",
            "issubset",
            "issuperset",
            "isdisjoint",
        ],
    ),
    ("bytes", super::bytes_methods::NAMES),
    ("bytearray", super::bytes_methods::NAMES),
    ("bytearray", super::bytearrays::NAMES),
    ("complex", &["conjugate"]),
    ("iterator", &["__next__", "__iter__"]),
    ("int", &["bit_length", "bit_count", "conjugate", "to_bytes"]),
    (
        "float",
        &["is_integer", "conjugate", "as_integer_ratio", "hex"],
    ),
];

pub(super) fn has_method(type_name: &str, name: &str) -> bool {
    METHODS
        .iter()
        .any(|(t, names)| *t == type_name && names.contains(&name))
        || super::dunders::has(type_name, name)
}

/// Arguments of a method: positional first, then keywords by name.
pub(super) struct Args<'a> {
    pub(super) method: &'a str,
    pub(super) positional: Vec<Value>,
    pub(super) keywords: Vec<(String, Value)>,
}

impl Args<'_> {
    /// Argument `i` by position or by `name`; `None` when absent.
    pub(super) fn get(&mut self, i: usize, name: &str) -> Option<Value> {
        if let Some(at) = self.keywords.iter().position(|(k, _)| k == name) {
            return Some(self.keywords.remove(at).1);
        }
        self.positional.get(i).copied()
    }

    /// Fails on more than `max` positional arguments or leftover keywords.
    pub(super) fn done(&self, max: usize) -> Result<(), Raise> {
        if self.positional.len() > max {
            return raise(
                "TypeError",
                format!(
                    "{}() takes at most {max} argument{} ({} given)",
                    self.method,
                    if max == 1 { "" } else { "s" },
                    self.positional.len()
                ),
            );
        }
        if let Some((k, _)) = self.keywords.first() {
            return raise(
                "TypeError",
                format!("{}() got an unexpected keyword argument '{k}'", self.method),
            );
        }
        Ok(())
    }

    pub(super) fn exactly(&self, n: usize) -> Result<(), Raise> {
        if self.positional.len() != n || !self.keywords.is_empty() {
            return raise(
                "TypeError",
                format!(
                    "{}() takes exactly {n} argument{} ({} given)",
                    self.method,
                    if n == 1 { "" } else { "s" },
                    self.positional.len()
                ),
            );
        }
        Ok(())
    }
}

impl Vm {
    /// `receiver.name(*args, **kwargs)` for builtin types.
    pub(super) fn method(
        &mut self,
        receiver: Value,
        name: &str,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<Value, Raise> {
        let mut a = Args {
            method: name,
            positional: args,
            keywords: kwargs,
        };
        let kind = match receiver {
            Value::Ref(r) => match self.object(r)? {
                Object::Str(_) => "str",
                Object::List(_) => "list",
                Object::Tuple(_) => "tuple",
                Object::Dict(_) => "dict",
                Object::Set { frozen: false, .. } => "set",
                Object::Set { frozen: true, .. } => "frozenset",
                Object::Bytes(_) => "bytes",
                Object::ByteArray(_) => "bytearray",
                Object::Complex { .. } => "complex",
                Object::BigInt(_) => "int",
                Object::Slice { .. } => "slice",
                Object::Iter(_) => "iterator",
                _ => "",
            },
            Value::Int(_) | Value::Bool(_) => "int",
            Value::Float(_) => "float",
            _ => "",
        };
        // str and bytes methods read their text arguments' text (they keep no argument), so a
        // str subclass's instance stands for the text inside (`'abc'.startswith(Tag('a'))`);
        // not for `format`, whose arguments format themselves.
        if matches!(kind, "str" | "bytes" | "bytearray") && !matches!(name, "format" | "format_map")
        {
            for v in a.positional.iter_mut() {
                if let Some(inner @ Value::Ref(t)) = self.value_inside(*v)?
                    && matches!(self.object(t)?, Object::Str(_) | Object::Bytes(_))
                {
                    *v = inner;
                }
            }
        }
        // Special methods called by name: the operation itself (`dunders`), unless the type
        // has a method of that name of its own (an iterator's `__next__`).
        if name.starts_with("__")
            && let Some(k) = super::dunders::kind(self, receiver)?
            && super::dunders::has(k, name)
            && !METHODS
                .iter()
                .any(|(t, names)| *t == k && names.contains(&name))
        {
            if !a.keywords.is_empty() {
                return raise("TypeError", format!("{name}() takes no keyword arguments"));
            }
            return self.dunder(receiver, name, a.positional);
        }
        match kind {
            "str" => self.str_method(receiver, &mut a),
            "list" => self.list_method(receiver, &mut a),
            "tuple" => self.tuple_method(receiver, &mut a),
            "dict" => self.dict_method(receiver, &mut a),
            "set" | "frozenset" => self.set_method(receiver, &mut a),
            "bytes" => self.bytes_method(receiver, &mut a),
            "bytearray" => self.bytearray_method(receiver, &mut a),
            "complex" if name == "conjugate" => {
                a.exactly(0)?;
                match self.complex_parts(receiver)? {
                    Some((re, im)) => self.complex_value(re, -im),
                    None => raise("SystemError", "not a complex"),
                }
            }
            "int" => self.int_method(receiver, &mut a),
            "float" => self.float_method(receiver, &mut a),
            "iterator" => {
                a.exactly(0)?;
                if name == "__iter__" {
                    return Ok(receiver);
                }
                match self.next(receiver)? {
                    Some(v) => Ok(v),
                    None => raise("StopIteration", ""),
                }
            }
            "slice" if name == "indices" => {
                a.exactly(1)?;
                let len = self.index_arg(a.positional[0])?;
                if len < 0 {
                    return raise("ValueError", "length should not be negative");
                }
                let Some((lo, hi, step)) = self.slice_parts(receiver)? else {
                    return raise("SystemError", "not a slice");
                };
                let (start, stop, step) = self.slice_bounds(len as usize, lo, hi, step)?;
                self.alloc(Object::Tuple(vec![
                    Value::Int(start),
                    Value::Int(stop),
                    Value::Int(step),
                ]))
            }
            _ => {
                let t = self.type_name(receiver)?;
                raise(
                    "AttributeError",
                    format!("'{t}' object has no attribute '{name}'"),
                )
            }
        }
    }

    pub(super) fn no_method<T>(&self, receiver: Value, name: &str) -> Result<T, Raise> {
        let t = self.type_name(receiver)?;
        raise(
            "AttributeError",
            format!("'{t}' object has no attribute '{name}'"),
        )
    }

    fn text_of(&self, v: Value) -> Result<String, Raise> {
        match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => Ok(s.clone()),
                _ => raise("SystemError", "not a str"),
            },
            _ => raise("SystemError", "not a str"),
        }
    }

    fn str_list(&mut self, parts: Vec<String>) -> Result<Value, Raise> {
        let mut items = Vec::with_capacity(parts.len());
        for p in parts {
            items.push(self.str_value(p)?);
        }
        self.alloc(Object::List(items))
    }

    pub(super) fn str_method(&mut self, receiver: Value, a: &mut Args<'_>) -> Result<Value, Raise> {
        let text = self.text_of(receiver)?;
        let name = a.method;
        match name {
            "join" => {
                a.exactly(1)?;
                let items = self.collect_items(a.positional[0])?;
                let mut out = String::new();
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        out.push_str(&text);
                    }
                    // A str subclass's instance joins as its text.
                    let item = self.value_inside(item)?.unwrap_or(item);
                    match item {
                        Value::Ref(x) if matches!(self.object(x)?, Object::Str(_)) => {
                            if let Object::Str(s) = self.object(x)? {
                                out.push_str(s);
                            }
                        }
                        other => {
                            let t = self.type_name(other)?;
                            return raise(
                                "TypeError",
                                format!("sequence item {i}: expected str instance, {t} found"),
                            );
                        }
                    }
                    if out.len() > crate::heap::BYTES_MAX {
                        return raise("MemoryError", "");
                    }
                }
                self.str_value(out)
            }
            "split" | "rsplit" => {
                let sep = a.get(0, "sep").unwrap_or(Value::None);
                let max = match a.get(1, "maxsplit") {
                    Some(v) => self.index_arg(v)?,
                    None => -1,
                };
                a.done(2)?;
                let limit = if max < 0 { usize::MAX } else { max as usize };
                let parts: Vec<String> = if sep == Value::None {
                    split_whitespace(&text, limit, name == "rsplit")
                } else {
                    let sep = self.str_arg(sep, name)?;
                    if sep.is_empty() {
                        return raise("ValueError", "empty separator");
                    }
                    if name == "split" {
                        text.splitn(limit.saturating_add(1), sep.as_str())
                            .map(str::to_owned)
                            .collect()
                    } else {
                        let mut v: Vec<String> = text
                            .rsplitn(limit.saturating_add(1), sep.as_str())
                            .map(str::to_owned)
                            .collect();
                        v.reverse();
                        v
                    }
                };
                self.str_list(parts)
            }
            "splitlines" => {
                let keepends = match a.get(0, "keepends") {
                    Some(v) => self.truthy(v)?,
                    None => false,
                };
                a.done(1)?;
                self.str_list(split_lines(&text, keepends))
            }
            "partition" | "rpartition" => {
                a.exactly(1)?;
                let sep = self.str_arg(a.positional[0], name)?;
                if sep.is_empty() {
                    return raise("ValueError", "empty separator");
                }
                let found = if name == "partition" {
                    text.find(sep.as_str())
                } else {
                    text.rfind(sep.as_str())
                };
                let (x, y, z) = match found {
                    Some(i) => (
                        text[..i].to_owned(),
                        sep.clone(),
                        text[i + sep.len()..].to_owned(),
                    ),
                    None if name == "partition" => (text.clone(), String::new(), String::new()),
                    None => (String::new(), String::new(), text.clone()),
                };
                let items = vec![self.str_value(x)?, self.str_value(y)?, self.str_value(z)?];
                self.alloc(Object::Tuple(items))
            }
            "replace" => {
                let old = a.get(0, "old").unwrap_or(Value::None);
                let new = a.get(1, "new").unwrap_or(Value::None);
                let count = match a.get(2, "count") {
                    Some(v) => self.index_arg(v)?,
                    None => -1,
                };
                a.done(3)?;
                let (old, new) = (self.str_arg(old, name)?, self.str_arg(new, name)?);
                let out = if count < 0 {
                    text.replace(old.as_str(), &new)
                } else {
                    text.replacen(old.as_str(), &new, count as usize)
                };
                self.str_value(out)
            }
            "startswith" | "endswith" => {
                let bound = |vm: &mut Self, v: Option<Value>| -> Result<Option<i64>, Raise> {
                    match v {
                        None | Some(Value::None) => Ok(None),
                        Some(v) => vm.index_arg(v).map(Some),
                    }
                };
                let start = bound(self, a.get(1, "start"))?;
                let end = bound(self, a.get(2, "end"))?;
                a.done(3)?;
                let Some(p) = a.positional.first().copied() else {
                    return raise(
                        "TypeError",
                        format!("{name}() takes at least 1 argument (0 given)"),
                    );
                };
                let candidates = match p {
                    Value::Ref(r) if matches!(self.object(r)?, Object::Tuple(_)) => {
                        self.collect_items(p)?
                    }
                    _ => vec![p],
                };
                // CPython's tailmatch: slice-adjusted bounds (start is not clamped to the
                // length), then the candidate must fit between them.
                let chars: Option<Vec<char>> =
                    (start.is_some() || end.is_some()).then(|| text.chars().collect());
                for c in candidates {
                    let c = self.str_arg(c, name)?;
                    let hit = match &chars {
                        None if name == "startswith" => text.starts_with(c.as_str()),
                        None => text.ends_with(c.as_str()),
                        Some(chars) => {
                            let n = chars.len() as i64;
                            let adjust = |i: i64| if i < 0 { (i + n).max(0) } else { i };
                            let lo = adjust(start.unwrap_or(0));
                            let hi = adjust(end.unwrap_or(n)).min(n);
                            let sub: Vec<char> = c.chars().collect();
                            let len = sub.len() as i64;
                            if hi - len < lo {
                                false
                            } else if name == "startswith" {
                                chars[lo as usize..(lo + len) as usize] == sub[..]
                            } else {
                                chars[(hi - len) as usize..hi as usize] == sub[..]
                            }
                        }
                    };
                    if hit {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            "find" | "rfind" | "index" | "rindex" | "count" => {
                let needle = a.get(0, "sub").unwrap_or(Value::None);
                let start = match a.get(1, "start") {
                    Some(Value::None) | None => 0,
                    Some(v) => self.index_arg(v)?,
                };
                let end = match a.get(2, "end") {
                    Some(Value::None) | None => i64::MAX,
                    Some(v) => self.index_arg(v)?,
                };
                a.done(3)?;
                let needle = self.str_arg(needle, name)?;
                let chars: Vec<char> = text.chars().collect();
                // CPython's ADJUST_INDICES: negatives count from the end; `end` is clamped to
                // the length, `start` is not (a start past the end finds nothing).
                let len = chars.len() as i64;
                let end = if end < 0 {
                    (end + len).max(0)
                } else {
                    end.min(len)
                } as usize;
                let start = if start < 0 {
                    (start + len).max(0)
                } else {
                    start
                } as usize;
                if start > end {
                    return match name {
                        "count" => Ok(Value::Int(0)),
                        "index" | "rindex" => raise("ValueError", "substring not found"),
                        _ => Ok(Value::Int(-1)),
                    };
                }
                let hay: String = chars[start..end].iter().collect();
                let char_index = |byte: usize| hay[..byte].chars().count() + start;
                match name {
                    "count" => Ok(Value::Int(if needle.is_empty() {
                        hay.chars().count() as i64 + 1
                    } else {
                        hay.matches(needle.as_str()).count() as i64
                    })),
                    _ => {
                        let found = if name.starts_with('r') {
                            hay.rfind(needle.as_str())
                        } else {
                            hay.find(needle.as_str())
                        };
                        match found {
                            Some(b) => Ok(Value::Int(char_index(b) as i64)),
                            None if name.contains("index") => {
                                raise("ValueError", "substring not found")
                            }
                            None => Ok(Value::Int(-1)),
                        }
                    }
                }
            }
            "upper" | "lower" | "title" | "capitalize" | "swapcase" | "casefold" => {
                a.done(0)?;
                let out = match name {
                    "upper" => text.to_uppercase(),
                    "lower" | "casefold" => text.to_lowercase(),
                    "title" => title_case(&text),
                    "capitalize" => {
                        let mut chars = text.chars();
                        match chars.next() {
                            Some(first) => {
                                first.to_uppercase().collect::<String>()
                                    + &chars.as_str().to_lowercase()
                            }
                            None => String::new(),
                        }
                    }
                    _ => text
                        .chars()
                        .map(|c| {
                            if c.is_uppercase() {
                                c.to_lowercase().collect::<String>()
                            } else {
                                c.to_uppercase().collect()
                            }
                        })
                        .collect(),
                };
                self.str_value(out)
            }
            "strip" | "lstrip" | "rstrip" => {
                let chars = a.get(0, "chars").unwrap_or(Value::None);
                a.done(1)?;
                let set: Option<Vec<char>> = match chars {
                    Value::None => None,
                    v => Some(self.str_arg(v, name)?.chars().collect()),
                };
                let matches = |c: char| match &set {
                    None => c.is_whitespace(),
                    Some(s) => s.contains(&c),
                };
                let out = match name {
                    "strip" => text.trim_matches(matches),
                    "lstrip" => text.trim_start_matches(matches),
                    _ => text.trim_end_matches(matches),
                };
                self.str_value(out.to_owned())
            }
            "isdigit" | "isnumeric" | "isdecimal" | "isalpha" | "isalnum" | "isspace"
            | "isupper" | "islower" | "isidentifier" | "istitle" | "isprintable" | "isascii" => {
                a.done(0)?;
                let nonempty = !text.is_empty();
                let result = match name {
                    "isdigit" | "isnumeric" | "isdecimal" => {
                        nonempty && text.chars().all(|c| c.is_ascii_digit() || c.is_numeric())
                    }
                    "isalpha" => nonempty && text.chars().all(char::is_alphabetic),
                    "isalnum" => nonempty && text.chars().all(char::is_alphanumeric),
                    "isspace" => nonempty && text.chars().all(char::is_whitespace),
                    "isupper" => {
                        text.chars().any(char::is_uppercase)
                            && !text.chars().any(char::is_lowercase)
                    }
                    "islower" => {
                        text.chars().any(char::is_lowercase)
                            && !text.chars().any(char::is_uppercase)
                    }
                    "istitle" => nonempty && title_case(&text) == text,
                    "isprintable" => text.chars().all(super::printable),
                    "isascii" => text.is_ascii(),
                    _ => {
                        let mut chars = text.chars();
                        chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
                            && chars.all(|c| c == '_' || c.is_alphanumeric())
                    }
                };
                Ok(Value::Bool(result))
            }
            "expandtabs" => {
                let size = match a.get(0, "tabsize") {
                    Some(v) => self.index_arg(v)?,
                    None => 8,
                };
                a.done(1)?;
                let mut out = String::with_capacity(text.len());
                let mut column = 0usize;
                for c in text.chars() {
                    match c {
                        '\t' => {
                            if size > 0 {
                                let pad = size as usize - column % size as usize;
                                if out.len() + pad > crate::heap::BYTES_MAX {
                                    return raise("MemoryError", "");
                                }
                                out.extend(std::iter::repeat_n(' ', pad));
                                column += pad;
                            }
                        }
                        '\n' | '\r' => {
                            out.push(c);
                            column = 0;
                        }
                        c => {
                            out.push(c);
                            column += 1;
                        }
                    }
                }
                self.str_value(out)
            }
            "zfill" => {
                a.exactly(1)?;
                let width = self.index_arg(a.positional[0])?.max(0) as usize;
                if width > crate::heap::BYTES_MAX {
                    return raise("MemoryError", "");
                }
                let len = text.chars().count();
                if len >= width {
                    return Ok(receiver);
                }
                let (sign, digits) = match text.strip_prefix(['-', '+']) {
                    Some(rest) => (&text[..1], rest),
                    None => ("", text.as_str()),
                };
                let out = format!("{sign}{}{digits}", "0".repeat(width - len));
                self.str_value(out)
            }
            "center" | "ljust" | "rjust" => {
                let width = a.get(0, "width").unwrap_or(Value::Int(0));
                let fill = a.get(1, "fillchar");
                a.done(2)?;
                let width = self.index_arg(width)?.max(0) as usize;
                if width > crate::heap::BYTES_MAX {
                    return raise("MemoryError", "");
                }
                let fill = match fill {
                    Some(f) => {
                        let f = self.str_arg(f, name)?;
                        let mut chars = f.chars();
                        match (chars.next(), chars.next()) {
                            (Some(c), None) => c,
                            _ => {
                                return raise(
                                    "TypeError",
                                    "The fill character must be exactly one character long",
                                );
                            }
                        }
                    }
                    None => ' ',
                };
                let len = text.chars().count();
                if len >= width {
                    return Ok(receiver);
                }
                let pad = width - len;
                let (left, right) = match name {
                    "ljust" => (0, pad),
                    "rjust" => (pad, 0),
                    // CPython's center puts the odd extra character on the left when the
                    // width is odd... and on the right when the text length is odd.
                    _ => {
                        let left = pad / 2 + (pad & width & 1);
                        (left, pad - left)
                    }
                };
                let f = fill.to_string();
                let out = format!("{}{text}{}", f.repeat(left), f.repeat(right));
                self.str_value(out)
            }
            "format" => {
                let args = std::mem::take(&mut a.positional);
                let kwargs = std::mem::take(&mut a.keywords);
                let out = self.brace_format(&text, &args, &kwargs)?;
                self.str_value(out)
            }
            "format_map" => {
                a.exactly(1)?;
                let mapping = a.positional[0];
                let entries = match mapping {
                    Value::Ref(r) => match self.object(r)? {
                        Object::Dict(d) => d.to_vec(),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                if !matches!(mapping, Value::Ref(r) if matches!(self.object(r)?, Object::Dict(_))) {
                    let t = self.type_name(mapping)?;
                    return raise(
                        "NotSupported",
                        format!("str.format_map() of a '{t}' (only a dict) is not in the subset"),
                    );
                }
                let mut kwargs = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    if let Value::Ref(k) = k
                        && let Object::Str(k) = self.object(k)?
                    {
                        kwargs.push((k.clone(), v));
                    }
                }
                let out = self.brace_format(&text, &[], &kwargs)?;
                self.str_value(out)
            }
            "encode" => {
                let (encoding, errors) = self.codec_args(a)?;
                let bytes = super::bytes_methods::encode(&text, &encoding, &errors)?;
                self.alloc(Object::Bytes(bytes))
            }
            "translate" => {
                a.exactly(1)?;
                self.translate(&text, a.positional[0])
            }
            "removeprefix" | "removesuffix" => {
                a.exactly(1)?;
                let affix = self.str_arg(a.positional[0], name)?;
                let out = if name == "removeprefix" {
                    text.strip_prefix(affix.as_str()).unwrap_or(&text)
                } else {
                    text.strip_suffix(affix.as_str()).unwrap_or(&text)
                };
                self.str_value(out.to_owned())
            }
            _ => self.no_method(receiver, name),
        }
    }

    fn list_items(&self, r: Value) -> Result<Vec<Value>, Raise> {
        match r {
            Value::Ref(r) => match self.object(r)? {
                Object::List(items) | Object::Tuple(items) => Ok(items.clone()),
                _ => raise("SystemError", "not a list"),
            },
            _ => raise("SystemError", "not a list"),
        }
    }

    fn with_list<T>(&mut self, r: Value, f: impl FnOnce(&mut Vec<Value>) -> T) -> Result<T, Raise> {
        match r {
            Value::Ref(r) => match self.state.heap.get_mut(r) {
                Some(Object::List(items)) => Ok(f(items)),
                _ => raise("SystemError", "not a list"),
            },
            _ => raise("SystemError", "not a list"),
        }
    }

    fn list_method(&mut self, receiver: Value, a: &mut Args<'_>) -> Result<Value, Raise> {
        let name = a.method;
        match name {
            "append" => {
                a.exactly(1)?;
                let v = a.positional[0];
                let len = self.with_list(receiver, |l| {
                    l.push(v);
                    l.len()
                })?;
                if len > crate::heap::BYTES_MAX / 16 {
                    return raise("MemoryError", "");
                }
                Ok(Value::None)
            }
            "extend" => {
                a.exactly(1)?;
                let items = self.collect_items(a.positional[0])?;
                self.with_list(receiver, |l| l.extend(items))?;
                Ok(Value::None)
            }
            "insert" => {
                a.exactly(2)?;
                let at = self.index_arg(a.positional[0])?;
                let v = a.positional[1];
                self.with_list(receiver, |l| {
                    let len = l.len() as i64;
                    let at = if at < 0 {
                        (at + len).max(0)
                    } else {
                        at.min(len)
                    };
                    l.insert(at as usize, v);
                })?;
                Ok(Value::None)
            }
            "pop" => {
                a.done(1)?;
                let len = self.list_items(receiver)?.len();
                if len == 0 {
                    return raise("IndexError", "pop from empty list");
                }
                let i = match a.positional.first() {
                    None => len - 1,
                    Some(i) => Self::index(len, *i, "pop")?,
                };
                self.with_list(receiver, |l| l.remove(i))
            }
            "remove" => {
                a.exactly(1)?;
                let v = a.positional[0];
                let items = self.list_items(receiver)?;
                for (i, item) in items.into_iter().enumerate() {
                    if item == v || self.equal(item, v)? {
                        self.with_list(receiver, |l| {
                            if i < l.len() {
                                l.remove(i);
                            }
                        })?;
                        return Ok(Value::None);
                    }
                }
                raise("ValueError", "list.remove(x): x not in list")
            }
            "index" | "count" => self.sequence_search(receiver, a, "list"),
            "reverse" => {
                a.done(0)?;
                self.with_list(receiver, |l| l.reverse())?;
                Ok(Value::None)
            }
            "sort" => {
                let key = a.get(usize::MAX, "key").unwrap_or(Value::None);
                let reverse = a.get(usize::MAX, "reverse").unwrap_or(Value::Bool(false));
                a.done(0)?;
                let reverse = self.truthy(reverse)?;
                let items = self.list_items(receiver)?;
                let sorted = self.sort_values(items, key, reverse)?;
                self.with_list(receiver, |l| *l = sorted)?;
                Ok(Value::None)
            }
            "clear" => {
                a.done(0)?;
                self.with_list(receiver, Vec::clear)?;
                Ok(Value::None)
            }
            "copy" => {
                a.done(0)?;
                let items = self.list_items(receiver)?;
                self.alloc(Object::List(items))
            }
            _ => self.no_method(receiver, name),
        }
    }

    fn sequence_search(
        &mut self,
        receiver: Value,
        a: &mut Args<'_>,
        what: &str,
    ) -> Result<Value, Raise> {
        let name = a.method;
        let v = a.get(0, "value").unwrap_or(Value::None);
        a.done(if name == "index" { 3 } else { 1 })?;
        let items = self.list_items(receiver)?;
        let mut count = 0;
        for (i, item) in items.into_iter().enumerate() {
            if item == v || self.equal(item, v)? {
                if name == "index" {
                    return Ok(Value::Int(i as i64));
                }
                count += 1;
            }
        }
        if name == "count" {
            return Ok(Value::Int(count));
        }
        if what == "tuple" {
            return raise("ValueError", "tuple.index(x): x not in tuple");
        }
        let shown = self.repr(v)?;
        raise("ValueError", format!("{shown} is not in list"))
    }

    fn tuple_method(&mut self, receiver: Value, a: &mut Args<'_>) -> Result<Value, Raise> {
        match a.method {
            "index" | "count" => self.sequence_search(receiver, a, "tuple"),
            name => self.no_method(receiver, name),
        }
    }

    pub(super) fn dict_of(&self, v: Value) -> Result<Dict, Raise> {
        match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Dict(d) | Object::Set { items: d, .. } => Ok(d.clone()),
                _ => raise("SystemError", "not a dict"),
            },
            _ => raise("SystemError", "not a dict"),
        }
    }

    pub(super) fn with_dict<T>(
        &mut self,
        r: Value,
        f: impl FnOnce(&mut Dict) -> T,
    ) -> Result<T, Raise> {
        match r {
            Value::Ref(r) => match self.state.heap.get_mut(r) {
                Some(Object::Dict(d)) | Some(Object::Set { items: d, .. }) => Ok(f(d)),
                _ => raise("SystemError", "not a dict"),
            },
            _ => raise("SystemError", "not a dict"),
        }
    }

    fn dict_method(&mut self, receiver: Value, a: &mut Args<'_>) -> Result<Value, Raise> {
        let name = a.method;
        match name {
            "get" => {
                a.done(2)?;
                let Some(k) = a.positional.first().copied() else {
                    return raise("TypeError", "get expected at least 1 argument, got 0");
                };
                let default = a.positional.get(1).copied().unwrap_or(Value::None);
                let key = self.key(k)?;
                let d = self.dict_ref(receiver)?;
                Ok(d.value(&key).unwrap_or(default))
            }
            "keys" | "values" | "items" => {
                a.done(0)?;
                let Value::Ref(dict) = receiver else {
                    return raise("SystemError", "not a dict");
                };
                let kind = match name {
                    "keys" => crate::heap::ViewKind::Keys,
                    "values" => crate::heap::ViewKind::Values,
                    _ => crate::heap::ViewKind::Items,
                };
                self.alloc(Object::DictView { dict, kind })
            }
            "pop" => {
                a.done(2)?;
                let Some(k) = a.positional.first().copied() else {
                    return raise("TypeError", "pop expected at least 1 argument, got 0");
                };
                let default = a.positional.get(1).copied();
                let key = self.key(k)?;
                match (self.with_dict(receiver, |d| d.remove(&key))?, default) {
                    (Some((_, v)), _) => Ok(v),
                    (None, Some(d)) => Ok(d),
                    (None, None) => self.key_error(k),
                }
            }
            "popitem" => {
                a.done(0)?;
                let last = self.dict_ref(receiver)?.last().copied();
                let Some((k, v)) = last else {
                    return raise("KeyError", "'popitem(): dictionary is empty'");
                };
                let key = self.key(k)?;
                self.with_dict(receiver, |d| d.remove(&key))?;
                self.alloc(Object::Tuple(vec![k, v]))
            }
            "setdefault" => {
                a.done(2)?;
                let Some(k) = a.positional.first().copied() else {
                    return raise(
                        "TypeError",
                        "setdefault expected at least 1 argument, got 0",
                    );
                };
                let default = a.positional.get(1).copied().unwrap_or(Value::None);
                let key = self.key(k)?;
                let existing = {
                    let d = self.dict_ref(receiver)?;
                    d.value(&key)
                };
                match existing {
                    Some(v) => Ok(v),
                    None => {
                        self.with_dict(receiver, |d| d.insert(key, k, default))?;
                        Ok(default)
                    }
                }
            }
            "update" => {
                let keywords = std::mem::take(&mut a.keywords);
                a.done(1)?;
                if let Some(other) = a.positional.first().copied() {
                    let pairs = self.update_pairs(other)?;
                    for (k, v) in pairs {
                        let key = self.key(k)?;
                        self.with_dict(receiver, |d| d.insert(key, k, v))?;
                    }
                }
                for (name, v) in keywords {
                    let k = self.str_value(name.clone())?;
                    self.with_dict(receiver, |d| d.insert(crate::heap::Key::Str(name), k, v))?;
                }
                Ok(Value::None)
            }
            "clear" => {
                a.done(0)?;
                self.with_dict(receiver, |d| *d = Dict::default())?;
                Ok(Value::None)
            }
            "copy" => {
                a.done(0)?;
                let d = self.dict_of(receiver)?;
                self.alloc(Object::Dict(d))
            }
            _ => self.no_method(receiver, name),
        }
    }

    pub(super) fn dict_ref(&self, v: Value) -> Result<&Dict, Raise> {
        match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Dict(d) | Object::Set { items: d, .. } => Ok(d),
                _ => raise("SystemError", "not a dict"),
            },
            _ => raise("SystemError", "not a dict"),
        }
    }

    fn int_method(&mut self, receiver: Value, a: &mut Args<'_>) -> Result<Value, Raise> {
        match a.method {
            "bit_length" => {
                a.done(0)?;
                let n = self.big_of(receiver)?.unwrap_or_default();
                Ok(Value::Int(n.bits() as i64))
            }
            "bit_count" => {
                a.done(0)?;
                let n = self.big_of(receiver)?.unwrap_or_default();
                let ones: u64 = n
                    .magnitude()
                    .iter_u64_digits()
                    .map(|d| d.count_ones() as u64)
                    .sum();
                Ok(Value::Int(ones as i64))
            }
            "conjugate" => Ok(receiver),
            "to_bytes" => {
                let (length, byteorder, signed) = (
                    a.get(0, "length"),
                    a.get(1, "byteorder"),
                    a.keywords
                        .iter()
                        .position(|(k, _)| k == "signed")
                        .map(|at| a.keywords.remove(at).1),
                );
                a.done(2)?;
                let n = self.big_of(receiver)?.unwrap_or_default();
                self.int_to_bytes(n, length, byteorder, signed)
            }
            name => self.no_method(receiver, name),
        }
    }

    fn float_method(&mut self, receiver: Value, a: &mut Args<'_>) -> Result<Value, Raise> {
        let Value::Float(f) = receiver else {
            return raise("SystemError", "not a float");
        };
        match a.method {
            "is_integer" => {
                a.done(0)?;
                Ok(Value::Bool(f.is_finite() && f.fract() == 0.0))
            }
            "conjugate" => Ok(receiver),
            "as_integer_ratio" => {
                a.done(0)?;
                self.float_ratio(f)
            }
            "hex" => {
                a.done(0)?;
                self.str_value(super::type_methods::float_hex(f))
            }
            name => self.no_method(receiver, name),
        }
    }
}

/// `str.split()` without a separator: runs of whitespace, at most `limit` splits.
fn split_whitespace(text: &str, limit: usize, from_right: bool) -> Vec<String> {
    if limit == usize::MAX {
        return text.split_whitespace().map(str::to_owned).collect();
    }
    let mut parts = Vec::new();
    if from_right {
        let mut rest = text.trim_end();
        while parts.len() < limit {
            rest = rest.trim_end();
            match rest.rfind(char::is_whitespace) {
                Some(i) => {
                    let word_start = i + rest[i..].chars().next().map_or(1, char::len_utf8);
                    parts.push(rest[word_start..].to_owned());
                    rest = &rest[..i];
                }
                None => break,
            }
        }
        let rest = rest.trim_end();
        if !rest.trim().is_empty() {
            parts.push(rest.trim_start().to_owned());
        }
        parts.reverse();
    } else {
        let mut rest = text.trim_start();
        while parts.len() < limit {
            match rest.find(char::is_whitespace) {
                Some(i) => {
                    parts.push(rest[..i].to_owned());
                    rest = rest[i..].trim_start();
                }
                None => break,
            }
            if rest.is_empty() {
                break;
            }
        }
        if !rest.is_empty() {
            parts.push(rest.to_owned());
        }
    }
    parts
}

/// `str.title()`: upper case after any non-letter, lower case after a letter.
fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous_letter = false;
    for c in text.chars() {
        if previous_letter {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        previous_letter = c.is_alphabetic();
    }
    out
}

/// CPython's `str.splitlines`: every line boundary it knows (`\n`, `\r`, `\r\n`, `\v`, `\f`,
/// `\x1c`–`\x1e`, `\x85`, `\u2028`, `\u2029`), the ends kept or not.
fn split_lines(text: &str, keepends: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let boundary = matches!(
            c,
            '\n' | '\r'
                | '\u{0b}'
                | '\u{0c}'
                | '\u{1c}'
                | '\u{1d}'
                | '\u{1e}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if !boundary {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r'
            && let Some(&(j, '\n')) = chars.peek()
        {
            chars.next();
            end = j + 1;
        }
        lines.push(text[start..if keepends { end } else { i }].to_owned());
        start = end;
    }
    if start < text.len() {
        lines.push(text[start..].to_owned());
    }
    lines
}
