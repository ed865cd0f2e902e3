//! Rust helpers of the Python library modules (`crate::library`), reached as `_sl.name`: what
//! Python code cannot do itself (make a bare copy of an instance) or does too slowly on the VM
//! (JSON text, the Mersenne Twister's state update). They work only on ordinary heap values, so
//! what the library builds from them snapshots like anything else.

use num_bigint::BigInt;

use super::{Raise, Vm, raise};
use crate::heap::{Dict, Object};
use crate::value::Value;

/// How deeply `json.loads` nests arrays and objects (CPython's recursion limit, roughly).
const JSON_DEPTH_MAX: usize = 1000;
/// Matches one `_sl.re_scan` call may return (`re`'s Python side asks again for more).
const RE_SCAN_BATCH_MAX: i64 = 4096;

/// A JSON syntax error: CPython's message and the character index it points at.
struct JsonError(&'static str, usize);

impl Vm {
    pub(super) fn sl_builtin(&mut self, name: &str, args: &[Value]) -> Result<Value, Raise> {
        let arg = |i: usize| -> Result<Value, Raise> {
            match args.get(i) {
                Some(v) => Ok(*v),
                None => raise("TypeError", format!("_sl.{name}() missing argument {i}")),
            }
        };
        match name {
            // `sys.exception()`: the exception the innermost frame running inside an `except`
            // or `finally` handler is handling (the code's handler ranges say where), or None.
            "exc_info" => Ok(self.handled_exception().unwrap_or(Value::None)),
            // `traceback`: an exception's frames as CPython's `File` lines (no source text: a
            // job carries its code, not its file).
            "format_tb" => {
                let tb = match arg(0)? {
                    Value::Ref(r) => match self.object(r)? {
                        Object::Exception { traceback, .. } => traceback.clone(),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                let frames = self.traceback_frames(&tb);
                let mut lines = Vec::new();
                for text in super::frame_lines(&self.state.module.file, &frames) {
                    lines.push(self.str_value(text)?);
                }
                self.alloc(Object::List(lines))
            }
            // `warnings`: the file and line of the program frame `level` levels up (1: the
            // caller of the library function asking), library frames skipped; CPython's
            // ('sys', 1) past the outermost.
            "caller_line" => {
                let level = match arg(0)? {
                    Value::Int(n) => n.max(1) as usize,
                    Value::Bool(b) => (b as usize).max(1),
                    _ => return raise("TypeError", "stacklevel must be an int"),
                };
                let mut seen = 0;
                let mut found = None;
                for frame in self.state.frames.iter().rev() {
                    let Some(code) = self.state.module.codes.get(frame.code as usize) else {
                        continue;
                    };
                    let at = frame.pc.saturating_sub(1) as usize;
                    let line = code.lines.get(at).copied().unwrap_or(0);
                    if line == 0 || code.name.starts_with("__sl_") {
                        continue;
                    }
                    seen += 1;
                    if seen == level {
                        found = Some(line);
                        break;
                    }
                }
                let (file, line) = match found {
                    Some(line) => (self.state.module.file.clone(), line as i64),
                    None => ("sys".to_owned(), 1),
                };
                let file = self.str_value(file)?;
                self.alloc(Object::Tuple(vec![file, Value::Int(line)]))
            }
            // `struct`: a float as IEEE 754 binary32 or binary64 bytes, and back. binary32
            // rounds to nearest; a finite value beyond its range is CPython's OverflowError.
            "float_pack" => {
                let x = match arg(0)? {
                    Value::Float(f) => f,
                    Value::Int(n) => n as f64,
                    _ => return raise("TypeError", "_sl.float_pack() needs a float"),
                };
                let little = matches!(arg(2)?, Value::Bool(true));
                let bytes = match arg(1)? {
                    Value::Int(4) => {
                        let narrow = x as f32;
                        if narrow.is_infinite() && x.is_finite() {
                            return raise("OverflowError", "float too large to pack with f format");
                        }
                        if little {
                            narrow.to_le_bytes().to_vec()
                        } else {
                            narrow.to_be_bytes().to_vec()
                        }
                    }
                    _ if little => x.to_le_bytes().to_vec(),
                    _ => x.to_be_bytes().to_vec(),
                };
                self.alloc(Object::Bytes(bytes))
            }
            "float_unpack" => {
                let bytes = self.bytes_of(arg(0)?)?;
                let little = matches!(arg(1)?, Value::Bool(true));
                let value = match (bytes.len(), little) {
                    (4, true) => {
                        f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as f64
                    }
                    (4, false) => {
                        f32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as f64
                    }
                    (8, _) => {
                        let mut word = [0u8; 8];
                        word.copy_from_slice(&bytes);
                        if little {
                            f64::from_le_bytes(word)
                        } else {
                            f64::from_be_bytes(word)
                        }
                    }
                    _ => return raise("ValueError", "_sl.float_unpack() needs 4 or 8 bytes"),
                };
                Ok(Value::Float(value))
            }
            // `hashlib`: the digest of a bytes object under an algorithm's name.
            "hash_digest" => {
                let algorithm = self.text_arg(arg(0)?)?;
                let data = self.bytes_of(arg(1)?)?;
                match super::digests::digest(&algorithm, &data) {
                    Some(d) => self.alloc(Object::Bytes(d)),
                    None => raise("ValueError", format!("unsupported hash type {algorithm}")),
                }
            }
            // `base64`/`binascii`: standard base64 with the two last digits given (`+/`,
            // `-_`); decoding (strict when a third argument is True) answers the bytes, or
            // binascii's error message as a str.
            "b64encode" | "b64decode" => {
                let data = self.bytes_of(arg(0)?)?;
                let alt = match self.bytes_of(arg(1)?)?.as_slice() {
                    [a, b] => [*a, *b],
                    _ => return raise("ValueError", "altchars must be 2 bytes"),
                };
                if name == "b64encode" {
                    return self.alloc(Object::Bytes(super::digests::b64encode(&data, alt)));
                }
                let strict = matches!(args.get(2), Some(Value::Bool(true)));
                match super::digests::b64decode(&data, alt, strict) {
                    Ok(bytes) => self.alloc(Object::Bytes(bytes)),
                    Err(message) => self.str_value(message),
                }
            }
            // `sys.stdout.write` / `sys.stderr.write`: the text goes to the stream's buffer.
            "write" => {
                let text = match arg(1)? {
                    Value::Ref(r) => match self.object(r)? {
                        Object::Str(s) => s.clone(),
                        _ => return raise("TypeError", "_sl.write() needs a str"),
                    },
                    _ => return raise("TypeError", "_sl.write() needs a str"),
                };
                let pending = self.state.output.len() + self.state.errors.len();
                if pending + text.len() > super::OUTPUT_MAX {
                    return raise("MemoryError", "too much unread output");
                }
                match arg(0)? {
                    Value::Int(2) => self.state.errors.push_str(&text),
                    _ => self.state.output.push_str(&text),
                }
                Ok(Value::Int(text.chars().count() as i64))
            }
            "is_instance" => {
                let v = arg(0)?;
                Ok(Value::Bool(
                    matches!(v, Value::Ref(r) if matches!(self.object(r)?, Object::Instance { .. })),
                ))
            }
            // `_sl.mix(cls, source, …)`: the sources' attributes the class does not define
            // itself, copied into it (how a library class gets shared methods without a helper
            // class on its MRO), making no garbage: start-up garbage stays in snapshots as
            // free slots.
            "mix" => {
                let Value::Ref(target) = arg(0)? else {
                    return raise("TypeError", "_sl.mix() needs a class");
                };
                for &source in &args[1..] {
                    let Value::Ref(source) = source else {
                        return raise("TypeError", "_sl.mix() needs classes");
                    };
                    let Object::Class(from) = self.object(source)? else {
                        return raise("TypeError", "_sl.mix() needs classes");
                    };
                    let copied: Vec<(String, Value)> = from
                        .attrs
                        .iter()
                        .filter(|(k, _)| {
                            !matches!(k.as_str(), "__module__" | "__doc__" | "__qualname__")
                        })
                        .cloned()
                        .collect();
                    let Some(Object::Class(into)) = self.state.heap.get_mut(target) else {
                        return raise("TypeError", "_sl.mix() needs a class");
                    };
                    for (k, v) in copied {
                        if !into.attrs.iter().any(|(own, _)| *own == k) {
                            into.attrs.push((k, v));
                        }
                    }
                }
                Ok(Value::None)
            }
            // An instance of a user class that no `__init__` (nor metaclass `__call__`) saw:
            // how `enum` makes its members (CPython's `object.__new__(cls)`).
            "bare_instance" => match arg(0)? {
                Value::Ref(class) if matches!(self.object(class)?, Object::Class(_)) => {
                    if self.exception_root(class)?.is_some() {
                        return raise("TypeError", "_sl.bare_instance() of an exception class");
                    }
                    self.alloc(Object::Instance {
                        class,
                        attrs: Vec::new(),
                        dict: None,
                    })
                }
                _ => raise("TypeError", "_sl.bare_instance() needs a class"),
            },
            "copy_instance" => match arg(0)? {
                Value::Ref(r) => match self.object(r)? {
                    Object::Instance { class, attrs, dict } => {
                        let (class, mut attrs, dict) = (*class, attrs.clone(), *dict);
                        if let Some(d) = dict {
                            attrs = self.dict_str_entries(d)?;
                        }
                        let copy = Object::Instance {
                            class,
                            attrs,
                            dict: None,
                        };
                        self.alloc(copy)
                    }
                    _ => raise("TypeError", "not an instance"),
                },
                _ => raise("TypeError", "not an instance"),
            },
            "instance_attrs" => match arg(0)? {
                Value::Ref(r) => {
                    let attrs = match self.object(r)? {
                        Object::Instance { dict: Some(d), .. } => {
                            let d = *d;
                            self.dict_str_entries(d)?
                        }
                        Object::Instance { attrs, .. } => attrs.clone(),
                        _ => Vec::new(),
                    };
                    let mut pairs = Vec::with_capacity(attrs.len());
                    for (k, v) in attrs {
                        let k = self.str_value(k)?;
                        pairs.push(self.alloc(Object::Tuple(vec![k, v]))?);
                    }
                    self.alloc(Object::List(pairs))
                }
                _ => self.alloc(Object::List(Vec::new())),
            },
            "json_loads" => {
                let text = match arg(0)? {
                    Value::Ref(r) => match self.object(r)? {
                        Object::Str(s) => s.clone(),
                        _ => return raise("TypeError", "json text must be str"),
                    },
                    _ => return raise("TypeError", "json text must be str"),
                };
                let chars: Vec<char> = text.chars().collect();
                match self.json_document(&chars) {
                    Ok(v) => {
                        let ok = Value::Bool(true);
                        self.alloc(Object::Tuple(vec![ok, v]))
                    }
                    Err(JsonError(message, at)) => {
                        let m = self.str_value(message.to_owned())?;
                        self.alloc(Object::Tuple(vec![
                            Value::Bool(false),
                            m,
                            Value::Int(at as i64),
                        ]))
                    }
                }
            }
            "json_string" => {
                let (text, ascii) = match (arg(0)?, arg(1)?) {
                    (Value::Ref(r), a) => match self.object(r)? {
                        Object::Str(s) => (s.clone(), matches!(a, Value::Bool(true))),
                        _ => return raise("TypeError", "json_string takes a str"),
                    },
                    _ => return raise("TypeError", "json_string takes a str"),
                };
                self.str_value(json_quote(&text, ascii))
            }
            // `json.dumps` of plain JSON data with the stock encoder, or None: the Python
            // encoder then does it (a value needing `default`, a cycle, keys it must refuse).
            "json_dumps" => {
                let text = |v: Value, vm: &Vm| -> Result<Option<String>, Raise> {
                    match v {
                        Value::None => Ok(None),
                        v => vm.text_arg(v).map(Some),
                    }
                };
                let options = JsonOptions {
                    ascii: matches!(arg(1)?, Value::Bool(true)),
                    allow_nan: matches!(arg(2)?, Value::Bool(true)),
                    sort_keys: matches!(arg(3)?, Value::Bool(true)),
                    indent: text(arg(4)?, self)?,
                    item_separator: self.text_arg(arg(5)?)?,
                    key_separator: self.text_arg(arg(6)?)?,
                    skipkeys: matches!(arg(7)?, Value::Bool(true)),
                };
                let mut out = String::new();
                let mut path = Vec::new();
                if self.json_encode(arg(0)?, &options, &mut out, 0, &mut path)? {
                    self.str_value(out)
                } else {
                    Ok(Value::None)
                }
            }
            // `Counter.update(iterable)`: CPython's `_count_elements`, `d[k] = d.get(k, 0) + 1`
            // per item, without a Python frame per item.
            "count_elements" => {
                let Value::Ref(d) = arg(0)? else {
                    return raise("TypeError", "_sl.count_elements() needs a dict");
                };
                let it = self.iter(arg(1)?)?;
                while let Some(item) = self.next(it)? {
                    let key = self.key(item)?;
                    let current = match self.object(d)? {
                        Object::Dict(dict) => dict.value(&key),
                        _ => return raise("TypeError", "_sl.count_elements() needs a dict"),
                    };
                    let count = match current {
                        None => Value::Int(1),
                        Some(Value::Int(n)) if n < i64::MAX => Value::Int(n + 1),
                        Some(other) => {
                            self.binary(crate::code::BinOp::Add, other, Value::Int(1))?
                        }
                    };
                    // The addition may have run Python code: find the dict again.
                    let Some(Object::Dict(dict)) = self.state.heap.get_mut(d) else {
                        return raise("TypeError", "_sl.count_elements() needs a dict");
                    };
                    dict.insert(key, item, count);
                }
                Ok(Value::None)
            }
            "mt_twist" => self.mt_twist(arg(0)?),
            // `Random._randbelow(n)` for 0 < n < 2**63 and `Random.random()`: CPython's draws
            // (32-bit words tempered in order, regenerated every 624) on the state list, with
            // the next index; returns (value, index).
            "mt_below" | "mt_random" => {
                let (state, index) = (arg(0)?, self.index_arg(arg(1)?)?);
                let Value::Ref(r) = state else {
                    return raise("TypeError", "mt state must be a list");
                };
                let mut index = index.clamp(0, 624) as usize;
                let mut word = |vm: &mut Vm| -> Result<u64, Raise> {
                    if index >= 624 {
                        vm.mt_twist(state)?;
                        index = 0;
                    }
                    let y = match vm.object(r)? {
                        Object::List(items) => match items.get(index) {
                            Some(Value::Int(n)) if (0..=u32::MAX as i64).contains(n) => *n as u32,
                            _ => return raise("ValueError", "mt state holds a bad word"),
                        },
                        _ => return raise("ValueError", "mt state must be a list of 624 ints"),
                    };
                    index += 1;
                    let mut y = y ^ (y >> 11);
                    y ^= (y << 7) & 0x9d2c_5680;
                    y ^= (y << 15) & 0xefc6_0000;
                    y ^= y >> 18;
                    Ok(y as u64)
                };
                let value = if name == "mt_random" {
                    let a = word(self)? >> 5;
                    let b = word(self)? >> 6;
                    Value::Float(
                        (a as f64 * 67_108_864.0 + b as f64) * (1.0 / 9_007_199_254_740_992.0),
                    )
                } else {
                    let n = match arg(2)? {
                        Value::Int(n) if n > 0 => n as u64,
                        _ => return raise("ValueError", "_sl.mt_below() needs 0 < n < 2**63"),
                    };
                    let k = 64 - n.leading_zeros();
                    // getrandbits(k): whole words, least significant first, the last one
                    // shifted down to what is left of k.
                    let mut bits = || -> Result<u64, Raise> {
                        let (mut result, mut shift, mut left) = (0u64, 0, k);
                        while left > 0 {
                            let mut w = word(self)?;
                            if left < 32 {
                                w >>= 32 - left;
                            }
                            result |= w << shift;
                            shift += 32;
                            left = left.saturating_sub(32);
                        }
                        Ok(result)
                    };
                    let mut v = bits()?;
                    while v >= n {
                        v = bits()?;
                    }
                    Value::Int(v as i64)
                };
                self.alloc(Object::Tuple(vec![value, Value::Int(index as i64)]))
            }
            "re_compile" => {
                let pattern = self.text_arg(arg(0)?)?;
                let flags = self.index_arg(arg(1)?)?;
                match self.regex(&pattern, flags, 0) {
                    Ok(re) => {
                        let groups = re.captures_len() as i64 - 1;
                        let names: Vec<(String, i64)> = re
                            .capture_names()
                            .enumerate()
                            .filter_map(|(i, n)| n.map(|n| (n.to_owned(), i as i64)))
                            .collect();
                        let mut pairs = Vec::with_capacity(names.len());
                        for (n, i) in names {
                            let n = self.str_value(n)?;
                            pairs.push(self.alloc(Object::Tuple(vec![n, Value::Int(i)]))?);
                        }
                        let pairs = self.alloc(Object::List(pairs))?;
                        self.alloc(Object::Tuple(vec![
                            Value::Bool(true),
                            Value::Int(groups),
                            pairs,
                        ]))
                    }
                    Err(message) => {
                        let m = self.str_value(message)?;
                        self.alloc(Object::Tuple(vec![Value::Bool(false), m]))
                    }
                }
            }
            "re_search" => {
                let pattern = self.text_arg(arg(0)?)?;
                let flags = self.index_arg(arg(1)?)?;
                let text = self.text_arg(arg(2)?)?;
                let pos = self.index_arg(arg(3)?)?;
                let endpos = self.index_arg(arg(4)?)?;
                let mode = self.index_arg(arg(5)?)?;
                let must_advance = matches!(arg(6)?, Value::Bool(true));
                let spans =
                    self.re_scan(&pattern, flags, &text, pos, endpos, mode, must_advance, 1)?;
                match spans.into_iter().next() {
                    None => Ok(Value::None),
                    Some(spans) => {
                        let items = spans.into_iter().map(Value::Int).collect();
                        self.alloc(Object::List(items))
                    }
                }
            }
            // `itertools.permutations(pool, r)` (`permute` true) or `combinations(pool, r)`;
            // the pool is a tuple already, `0 <= r`.
            "choose" => {
                let (pool, r, permute) = (arg(0)?, self.index_arg(arg(1)?)?, arg(2)?);
                let Value::Ref(pool) = pool else {
                    return raise("TypeError", "_sl.choose() needs a tuple");
                };
                let n = match self.object(pool)? {
                    Object::Tuple(items) => items.len(),
                    _ => return raise("TypeError", "_sl.choose() needs a tuple"),
                };
                let r = u32::try_from(r)
                    .map_err(|_| Raise::New("ValueError", "r must be non-negative".into()))?;
                let n = u32::try_from(n)
                    .map_err(|_| Raise::New("OverflowError", "pool too large".into()))?;
                let permute = matches!(permute, Value::Bool(true));
                let iter = crate::heap::Iter::Choose {
                    pool,
                    n,
                    r,
                    indices: (0..if permute { n } else { r.min(n) }).collect(),
                    cycles: if permute {
                        (0..r.min(n)).map(|i| n - i).collect()
                    } else {
                        Vec::new()
                    },
                    started: false,
                    done: r > n,
                };
                self.alloc(Object::Iter(iter))
            }
            // `Pattern.findall` whole: the strings (or group tuples) of every match, built here
            // rather than one Python slice per match.
            "re_findall" => {
                let pattern = self.text_arg(arg(0)?)?;
                let flags = self.index_arg(arg(1)?)?;
                let text = self.text_arg(arg(2)?)?;
                let pos = self.index_arg(arg(3)?)?;
                let endpos = self.index_arg(arg(4)?)?;
                // More matches than the heap has objects could not be returned anyway.
                let most = crate::heap::OBJECTS_MAX;
                let found = self.re_scan(&pattern, flags, &text, pos, endpos, 0, false, most)?;
                if found.len() >= most {
                    return raise("MemoryError", "too many matches");
                }
                let bytes_at = char_offsets(&text);
                let piece = |start: i64, end: i64| -> String {
                    if start < 0 {
                        return String::new();
                    }
                    let at = |c: i64| bytes_at.get(c as usize).copied().unwrap_or(c as usize);
                    text.get(at(start)..at(end)).unwrap_or_default().to_owned()
                };
                let mut out = Vec::with_capacity(found.len());
                for spans in found {
                    let groups = spans.len() / 2 - 1;
                    let item = match groups {
                        0 => self.str_value(piece(spans[0], spans[1]))?,
                        1 => self.str_value(piece(spans[2], spans[3]))?,
                        _ => {
                            let mut items = Vec::with_capacity(groups);
                            for g in 1..=groups {
                                items.push(self.str_value(piece(spans[2 * g], spans[2 * g + 1]))?);
                            }
                            self.alloc(Object::Tuple(items))?
                        }
                    };
                    out.push(item);
                }
                self.alloc(Object::List(out))
            }
            "re_scan" => {
                let pattern = self.text_arg(arg(0)?)?;
                let flags = self.index_arg(arg(1)?)?;
                let text = self.text_arg(arg(2)?)?;
                let pos = self.index_arg(arg(3)?)?;
                let endpos = self.index_arg(arg(4)?)?;
                let must_advance = matches!(arg(5)?, Value::Bool(true));
                let limit = self.index_arg(arg(6)?)?.clamp(1, RE_SCAN_BATCH_MAX) as usize;
                let found =
                    self.re_scan(&pattern, flags, &text, pos, endpos, 0, must_advance, limit)?;
                let mut matches = Vec::with_capacity(found.len());
                for spans in found {
                    let items = spans.into_iter().map(Value::Int).collect();
                    matches.push(self.alloc(Object::List(items))?);
                }
                self.alloc(Object::List(matches))
            }
            _ => raise(
                "AttributeError",
                format!("module '_sl' has no attribute '{name}'"),
            ),
        }
    }

    /// A bytes argument's contents (the library's Python side has checked the type).
    fn bytes_of(&self, v: Value) -> Result<Vec<u8>, Raise> {
        match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Bytes(b) | Object::ByteArray(b) => Ok(b.clone()),
                other => {
                    let t = other.type_name().to_owned();
                    raise(
                        "TypeError",
                        format!("a bytes-like object is required, not '{t}'"),
                    )
                }
            },
            other => {
                let t = self.type_name(other)?;
                raise(
                    "TypeError",
                    format!("a bytes-like object is required, not '{t}'"),
                )
            }
        }
    }

    fn text_arg(&self, v: Value) -> Result<String, Raise> {
        match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => Ok(s.clone()),
                other => {
                    let t = other.type_name().to_owned();
                    raise(
                        "TypeError",
                        format!("expected string or bytes-like object, got '{t}'"),
                    )
                }
            },
            other => {
                let t = self.type_name(other)?;
                raise(
                    "TypeError",
                    format!("expected string or bytes-like object, got '{t}'"),
                )
            }
        }
    }

    /// The compiled form of a Python pattern: mode 0 searches, 1 matches at the start, 2 must
    /// match all of the text. Kept in a small per-VM cache.
    fn regex(
        &mut self,
        pattern: &str,
        flags: i64,
        mode: i64,
    ) -> Result<std::sync::Arc<regex::Regex>, String> {
        let key = format!("{mode}\u{0}{flags}\u{0}{pattern}");
        if let Some((_, re)) = self.regexes.iter().find(|(k, _)| *k == key) {
            return Ok(std::sync::Arc::clone(re));
        }
        let body = translate_regex(pattern, flags)?;
        let full = match mode {
            1 => format!("\\A(?:{body})"),
            2 => format!("\\A(?:{body})\\z"),
            _ => body,
        };
        let re = regex::RegexBuilder::new(&full)
            .size_limit(1 << 22)
            .build()
            .map_err(|e| match e {
                regex::Error::Syntax(text) => text
                    .lines()
                    .last()
                    .unwrap_or("invalid pattern")
                    .trim()
                    .to_owned(),
                regex::Error::CompiledTooBig(_) => "pattern too large".to_owned(),
                _ => "invalid pattern".to_owned(),
            })?;
        if self.regexes.len() >= REGEX_CACHE_MAX {
            self.regexes.remove(0);
        }
        let re = std::sync::Arc::new(re);
        self.regexes.push((key, std::sync::Arc::clone(&re)));
        Ok(re)
    }

    /// The group spans (character indices, -1 for a group that did not take part) of the first
    /// match of `pattern` in `text[pos:endpos]`. `must_advance` (after an empty match) refuses an
    /// empty match at `pos`, as CPython's `finditer`/`sub` do.
    #[allow(clippy::too_many_arguments)]
    /// Up to `limit` successive matches from `pos`, each as its groups' character spans (-1
    /// for a group that did not take part), as `finditer` steps: after an empty match the next
    /// may not be empty at the same place. Modes 1 (`match`) and 2 (`fullmatch`) look once.
    /// One call serves a whole batch: the character map of the text is built once, not per
    /// match.
    #[allow(clippy::too_many_arguments)]
    fn re_scan(
        &mut self,
        pattern: &str,
        flags: i64,
        text: &str,
        pos: i64,
        endpos: i64,
        mode: i64,
        must_advance: bool,
        limit: usize,
    ) -> Result<Vec<Vec<i64>>, Raise> {
        let re = match self.regex(pattern, flags, mode) {
            Ok(re) => re,
            Err(message) => return raise("ValueError", message),
        };
        // Character index ↔ byte offset.
        let bytes_at = char_offsets(text);
        let nchars = if bytes_at.is_empty() {
            text.len()
        } else {
            bytes_at.len() - 1
        } as i64;
        let clamp = |x: i64| if x < 0 { 0 } else { x.min(nchars) };
        let (mut pos, endpos) = (clamp(pos), clamp(endpos));
        let to_byte = |c: i64| {
            if bytes_at.is_empty() {
                c as usize
            } else {
                bytes_at[c as usize]
            }
        };
        let to_char = |b: usize| -> i64 {
            if bytes_at.is_empty() {
                b as i64
            } else {
                bytes_at.partition_point(|&x| x < b) as i64
            }
        };
        let hay = &text[..to_byte(endpos)];
        let mut must_advance = must_advance;
        let mut found_all = Vec::new();
        while found_all.len() < limit && pos <= endpos {
            let start = to_byte(pos);
            let caps = match mode {
                0 => {
                    let mut found = re.captures_at(hay, start);
                    if must_advance
                        && let Some(m) = found.as_ref().and_then(|c| c.get(0))
                        && m.start() == start
                        && m.end() == start
                    {
                        found = if pos < endpos {
                            re.captures_at(hay, to_byte(pos + 1))
                        } else {
                            None
                        };
                    }
                    found.map(|c| (c, 0))
                }
                _ => {
                    if must_advance {
                        break;
                    }
                    re.captures(&hay[start..]).map(|c| (c, start))
                }
            };
            let Some((caps, offset)) = caps else {
                break;
            };
            let mut spans = Vec::with_capacity(caps.len() * 2);
            for g in caps.iter() {
                match g {
                    Some(m) => {
                        spans.push(to_char(m.start() + offset));
                        spans.push(to_char(m.end() + offset));
                    }
                    None => {
                        spans.push(-1);
                        spans.push(-1);
                    }
                }
            }
            must_advance = spans[0] == spans[1];
            pos = spans[1];
            found_all.push(spans);
            if mode != 0 {
                break;
            }
        }
        Ok(found_all)
    }

    /// One regeneration of a Mersenne Twister state (a list of 624 ints below 2**32), in place:
    /// the standard MT19937 recurrence that CPython's `random` uses.
    fn mt_twist(&mut self, state: Value) -> Result<Value, Raise> {
        const N: usize = 624;
        const M: usize = 397;
        let Value::Ref(r) = state else {
            return raise("TypeError", "mt state must be a list");
        };
        let mut mt = [0u32; N];
        match self.object(r)? {
            Object::List(items) if items.len() == N => {
                for (slot, v) in mt.iter_mut().zip(items) {
                    match v {
                        Value::Int(n) if (0..=u32::MAX as i64).contains(n) => *slot = *n as u32,
                        _ => return raise("ValueError", "mt state holds a bad word"),
                    }
                }
            }
            _ => return raise("ValueError", "mt state must be a list of 624 ints"),
        }
        let mag = |y: u32| if y & 1 == 1 { 0x9908_b0df } else { 0 };
        for k in 0..N {
            let y = (mt[k] & 0x8000_0000) | (mt[(k + 1) % N] & 0x7fff_ffff);
            mt[k] = mt[(k + M) % N] ^ (y >> 1) ^ mag(y);
        }
        if let Some(Object::List(items)) = self.state.heap.get_mut(r) {
            for (slot, w) in items.iter_mut().zip(mt) {
                *slot = Value::Int(w as i64);
            }
        }
        Ok(Value::None)
    }

    fn json_document(&mut self, s: &[char]) -> Result<Value, JsonError> {
        let start = skip_ws(s, 0);
        let (v, end) = self.json_value(s, start, 0)?;
        let end = skip_ws(s, end);
        if end != s.len() {
            return Err(JsonError("Extra data", end));
        }
        Ok(v)
    }

    /// CPython's `scan_once`: a value at `i`, or "Expecting value" at `i`.
    fn json_value(
        &mut self,
        s: &[char],
        i: usize,
        depth: usize,
    ) -> Result<(Value, usize), JsonError> {
        let memory = |_| JsonError("out of memory", i);
        let Some(&c) = s.get(i) else {
            return Err(JsonError("Expecting value", i));
        };
        let word =
            |w: &str| s.len() >= i + w.len() && s[i..i + w.len()].iter().copied().eq(w.chars());
        match c {
            '"' => {
                let (text, end) = json_scan_string(s, i + 1)?;
                Ok((self.str_value(text).map_err(memory)?, end))
            }
            '{' | '[' if depth >= JSON_DEPTH_MAX => Err(JsonError(
                "maximum recursion depth exceeded while decoding a JSON document",
                i,
            )),
            '{' => self.json_object(s, i + 1, depth + 1),
            '[' => self.json_array(s, i + 1, depth + 1),
            'n' if word("null") => Ok((Value::None, i + 4)),
            't' if word("true") => Ok((Value::Bool(true), i + 4)),
            'f' if word("false") => Ok((Value::Bool(false), i + 5)),
            'N' if word("NaN") => Ok((Value::Float(f64::NAN), i + 3)),
            'I' if word("Infinity") => Ok((Value::Float(f64::INFINITY), i + 8)),
            '-' if s.len() >= i + 9 && s[i + 1..i + 9].iter().copied().eq("Infinity".chars()) => {
                Ok((Value::Float(f64::NEG_INFINITY), i + 9))
            }
            '-' | '0'..='9' => self.json_number(s, i),
            _ => Err(JsonError("Expecting value", i)),
        }
    }

    /// `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`
    fn json_number(&mut self, s: &[char], i: usize) -> Result<(Value, usize), JsonError> {
        let digit = |k: usize| s.get(k).is_some_and(|c| c.is_ascii_digit());
        let mut j = i;
        if s.get(j) == Some(&'-') {
            j += 1;
        }
        match s.get(j) {
            Some('0') => j += 1,
            Some('1'..='9') => {
                while digit(j) {
                    j += 1;
                }
            }
            _ => return Err(JsonError("Expecting value", i)),
        }
        let int_end = j;
        let mut float = false;
        if s.get(j) == Some(&'.') && digit(j + 1) {
            j += 1;
            while digit(j) {
                j += 1;
            }
            float = true;
        }
        if matches!(s.get(j), Some('e' | 'E')) {
            let mut k = j + 1;
            if matches!(s.get(k), Some('+' | '-')) {
                k += 1;
            }
            if digit(k) {
                while digit(k) {
                    k += 1;
                }
                j = k;
                float = true;
            }
        }
        let text: String = s[i..j].iter().collect();
        if float {
            let f: f64 = text.parse().map_err(|_| JsonError("Expecting value", i))?;
            return Ok((Value::Float(f), j));
        }
        let digits: String = s[i..int_end].iter().collect();
        if let Ok(n) = digits.parse::<i64>() {
            return Ok((Value::Int(n), j));
        }
        if digits.len() > 4300 {
            return Err(JsonError(
                "Exceeds the limit (4300 digits) for integer string conversion",
                i,
            ));
        }
        let big: BigInt = digits
            .parse()
            .map_err(|_| JsonError("Expecting value", i))?;
        let v = self
            .int_value(big)
            .map_err(|_| JsonError("out of memory", i))?;
        Ok((v, j))
    }

    fn json_array(
        &mut self,
        s: &[char],
        mut end: usize,
        depth: usize,
    ) -> Result<(Value, usize), JsonError> {
        let mut items = Vec::new();
        end = skip_ws(s, end);
        if s.get(end) == Some(&']') {
            let v = self
                .alloc(Object::List(items))
                .map_err(|_| JsonError("out of memory", end))?;
            return Ok((v, end + 1));
        }
        loop {
            let (v, e) = self.json_value(s, end, depth)?;
            items.push(v);
            // Keep what was built reachable from nothing but this Vec: no collection runs
            // inside an instruction, so the values stay valid until the list is allocated.
            end = skip_ws(s, e);
            let next = s.get(end).copied();
            end += 1;
            match next {
                Some(']') => break,
                Some(',') => {}
                _ => return Err(JsonError("Expecting ',' delimiter", end - 1)),
            }
            end = skip_ws(s, end);
        }
        let v = self
            .alloc(Object::List(items))
            .map_err(|_| JsonError("out of memory", end))?;
        Ok((v, end))
    }

    fn json_object(
        &mut self,
        s: &[char],
        mut end: usize,
        depth: usize,
    ) -> Result<(Value, usize), JsonError> {
        let mut dict = Dict::default();
        end = skip_ws(s, end);
        match s.get(end) {
            Some('}') => {
                let v = self
                    .alloc(Object::Dict(dict))
                    .map_err(|_| JsonError("out of memory", end))?;
                return Ok((v, end + 1));
            }
            Some('"') => {}
            _ => {
                return Err(JsonError(
                    "Expecting property name enclosed in double quotes",
                    end,
                ));
            }
        }
        end += 1;
        loop {
            let (key, e) = json_scan_string(s, end)?;
            end = skip_ws(s, e);
            if s.get(end) != Some(&':') {
                return Err(JsonError("Expecting ':' delimiter", end));
            }
            end = skip_ws(s, end + 1);
            let (v, e) = self.json_value(s, end, depth)?;
            let k = self
                .str_value(key.clone())
                .map_err(|_| JsonError("out of memory", end))?;
            dict.insert(crate::heap::Key::Str(key), k, v);
            end = skip_ws(s, e);
            let next = s.get(end).copied();
            end += 1;
            match next {
                Some('}') => break,
                Some(',') => {}
                _ => return Err(JsonError("Expecting ',' delimiter", end - 1)),
            }
            end = skip_ws(s, end);
            if s.get(end) != Some(&'"') {
                return Err(JsonError(
                    "Expecting property name enclosed in double quotes",
                    end,
                ));
            }
            end += 1;
        }
        let v = self
            .alloc(Object::Dict(dict))
            .map_err(|_| JsonError("out of memory", end))?;
        Ok((v, end))
    }
}

fn skip_ws(s: &[char], mut i: usize) -> usize {
    while matches!(s.get(i), Some(' ' | '\t' | '\n' | '\r')) {
        i += 1;
    }
    i
}

/// CPython's `scanstring` (strict): the string whose opening quote is just before `end`, and the
/// index after its closing quote.
fn json_scan_string(s: &[char], mut end: usize) -> Result<(String, usize), JsonError> {
    let begin = end - 1;
    let mut out = String::new();
    loop {
        let Some(&c) = s.get(end) else {
            return Err(JsonError("Unterminated string starting at", begin));
        };
        match c {
            '"' => return Ok((out, end + 1)),
            '\\' => {
                let Some(&e) = s.get(end + 1) else {
                    return Err(JsonError("Unterminated string starting at", begin));
                };
                if e != 'u' {
                    let decoded = match e {
                        '"' => '"',
                        '\\' => '\\',
                        '/' => '/',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        _ => return Err(JsonError("Invalid \\escape", end)),
                    };
                    out.push(decoded);
                    end += 2;
                    continue;
                }
                let hex_at = end + 2;
                let Some(u) = hex4(s, hex_at).filter(|_| hex_at + 4 < s.len()) else {
                    return Err(JsonError("Invalid \\uXXXX escape", end + 1));
                };
                end = hex_at + 4;
                let mut code = u;
                if (0xd800..0xdc00).contains(&u)
                    && end + 6 < s.len()
                    && s.get(end) == Some(&'\\')
                    && s.get(end + 1) == Some(&'u')
                {
                    let Some(low) = hex4(s, end + 2) else {
                        return Err(JsonError("Invalid \\uXXXX escape", end + 1));
                    };
                    if (0xdc00..0xe000).contains(&low) {
                        code = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
                        end += 6;
                    }
                }
                // A lone surrogate has no UTF-8 form: U+FFFD stands in for it.
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            c if (c as u32) < 0x20 => {
                return Err(JsonError("Invalid control character at", end));
            }
            c => {
                out.push(c);
                end += 1;
            }
        }
    }
}

fn hex4(s: &[char], at: usize) -> Option<u32> {
    if s.len() < at + 4 {
        return None;
    }
    let mut v = 0u32;
    for c in &s[at..at + 4] {
        v = v * 16 + c.to_digit(16)?;
    }
    Some(v)
}

/// The byte offset of each character of `text` and of its end, or nothing for ASCII text
/// (where a character index is its byte offset).
fn char_offsets(text: &str) -> Vec<usize> {
    if text.is_ascii() {
        return Vec::new();
    }
    text.char_indices()
        .map(|(b, _)| b)
        .chain([text.len()])
        .collect()
}

/// The stock encoder's settings, as `json.JSONEncoder` holds them.
struct JsonOptions {
    ascii: bool,
    allow_nan: bool,
    sort_keys: bool,
    indent: Option<String>,
    item_separator: String,
    key_separator: String,
    skipkeys: bool,
}

/// Containers the Rust encoder nests before it leaves a document to the Python encoder (which
/// raises RecursionError where CPython does); keeps this recursion's stack small.
const JSON_ENCODE_DEPTH_MAX: usize = 100;

impl Vm {
    /// Appends `v` as CPython's encoder writes it; false when the Python encoder must do the
    /// document instead (anything that is not plain JSON data, a container met again on its own
    /// path, NaN without allow_nan, keys it would refuse or could not sort). Never raises for
    /// those: the Python side raises CPython's errors.
    fn json_encode(
        &self,
        v: Value,
        o: &JsonOptions,
        out: &mut String,
        level: usize,
        path: &mut Vec<u32>,
    ) -> Result<bool, Raise> {
        if out.len() > crate::heap::BYTES_MAX {
            return raise("MemoryError", "json text larger than the VM's memory");
        }
        match v {
            Value::None => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Float(f) => return Ok(json_float(f, o, out)),
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => out.push_str(&json_quote(s, o.ascii)),
                Object::BigInt(b) => out.push_str(&Self::big_text(b)?),
                Object::List(items) | Object::Tuple(items) if items.is_empty() => {
                    out.push_str("[]")
                }
                Object::Dict(d) if d.is_empty() => out.push_str("{}"),
                // A container met again on its own path is a cycle: the Python side raises.
                _ if path.contains(&r) || path.len() >= JSON_ENCODE_DEPTH_MAX => return Ok(false),
                Object::List(items) | Object::Tuple(items) => {
                    path.push(r);
                    let done = self.json_items(items, o, out, level, path)?;
                    path.pop();
                    return Ok(done);
                }
                Object::Dict(d) => {
                    path.push(r);
                    let done = self.json_pairs(&d.to_vec(), o, out, level, path)?;
                    path.pop();
                    return Ok(done);
                }
                _ => return Ok(false),
            },
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn json_items(
        &self,
        items: &[Value],
        o: &JsonOptions,
        out: &mut String,
        level: usize,
        path: &mut Vec<u32>,
    ) -> Result<bool, Raise> {
        out.push('[');
        let inner = json_open(o, out, level);
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                json_separator(o, out, inner);
            }
            if !self.json_encode(*v, o, out, inner, path)? {
                return Ok(false);
            }
        }
        json_close(o, out, level);
        out.push(']');
        Ok(true)
    }

    fn json_pairs(
        &self,
        pairs: &[(Value, Value)],
        o: &JsonOptions,
        out: &mut String,
        level: usize,
        path: &mut Vec<u32>,
    ) -> Result<bool, Raise> {
        let mut keyed = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            // CPython sorts the items themselves: only str keys sort as their text does.
            if o.sort_keys
                && !matches!(*k, Value::Ref(r) if matches!(self.object(r)?, Object::Str(_)))
            {
                return Ok(false);
            }
            let key = match *k {
                Value::Ref(r) => match self.object(r)? {
                    Object::Str(s) => s.clone(),
                    Object::BigInt(b) => Self::big_text(b)?,
                    _ => return Ok(false),
                },
                Value::Int(i) => i.to_string(),
                Value::Bool(b) => (if b { "true" } else { "false" }).to_owned(),
                Value::None => "null".to_owned(),
                Value::Float(f) => {
                    let mut text = String::new();
                    if !json_float(f, o, &mut text) {
                        return Ok(false);
                    }
                    text
                }
                _ if o.skipkeys => continue,
                _ => return Ok(false),
            };
            keyed.push((key, *v));
        }
        if o.sort_keys {
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
        }
        out.push('{');
        let inner = json_open(o, out, level);
        for (i, (key, v)) in keyed.into_iter().enumerate() {
            if i > 0 {
                json_separator(o, out, inner);
            }
            out.push_str(&json_quote(&key, o.ascii));
            out.push_str(&o.key_separator);
            if !self.json_encode(v, o, out, inner, path)? {
                return Ok(false);
            }
        }
        json_close(o, out, level);
        out.push('}');
        Ok(true)
    }
}

/// A float as the encoder writes it; false for NaN or an infinity when they are not allowed.
fn json_float(f: f64, o: &JsonOptions, out: &mut String) -> bool {
    let text = if f.is_nan() {
        "NaN"
    } else if f == f64::INFINITY {
        "Infinity"
    } else if f == f64::NEG_INFINITY {
        "-Infinity"
    } else {
        out.push_str(&crate::value::float_repr(f));
        return true;
    };
    if !o.allow_nan {
        return false;
    }
    out.push_str(text);
    true
}

/// After an opening bracket: the indented newline when indenting. Returns the inner level.
fn json_open(o: &JsonOptions, out: &mut String, level: usize) -> usize {
    json_newline(o, out, level + 1);
    level + 1
}

fn json_separator(o: &JsonOptions, out: &mut String, inner: usize) {
    out.push_str(&o.item_separator);
    json_newline(o, out, inner);
}

/// Before a closing bracket: the newline back at the outer level when indenting.
fn json_close(o: &JsonOptions, out: &mut String, level: usize) {
    json_newline(o, out, level);
}

/// A newline and `depth` indents, when the encoder indents.
fn json_newline(o: &JsonOptions, out: &mut String, depth: usize) {
    if let Some(indent) = &o.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(indent);
        }
    }
}

/// A str as a JSON string literal, as CPython's encoder writes it.
fn json_quote(s: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (ascii && (c as u32) > 0x7e) => {
                let n = c as u32;
                if n > 0xffff {
                    let v = n - 0x10000;
                    let hi = 0xd800 | ((v >> 10) & 0x3ff);
                    let lo = 0xdc00 | (v & 0x3ff);
                    out.push_str(&format!("\\u{hi:04x}\\u{lo:04x}"));
                } else {
                    out.push_str(&format!("\\u{n:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// CPython's `math.erf`, `math.erfc` and `math.cbrt` are the C library's: calling the same
/// functions gives its exact results (the pure-Rust `libm` differs in the last bit).
pub(super) mod c_math {
    unsafe extern "C" {
        fn erf(x: f64) -> f64;
        fn erfc(x: f64) -> f64;
        fn cbrt(x: f64) -> f64;
    }

    pub fn c_erf(x: f64) -> f64 {
        // SAFETY: a pure function of a double, no pointers.
        unsafe { erf(x) }
    }

    pub fn c_erfc(x: f64) -> f64 {
        // SAFETY: as above.
        unsafe { erfc(x) }
    }

    pub fn c_cbrt(x: f64) -> f64 {
        // SAFETY: as above.
        unsafe { cbrt(x) }
    }
}

/// Compiled patterns kept per VM (not part of the state: a restored VM recompiles from the
/// pattern text the `re.Pattern` object holds).
pub(super) const REGEX_CACHE_MAX: usize = 64;

/// CPython's `re` flags that change matching.
const RE_IGNORECASE: i64 = 2;
const RE_MULTILINE: i64 = 8;
const RE_DOTALL: i64 = 16;
const RE_VERBOSE: i64 = 64;

/// A Python regular expression in the `regex` crate's syntax, or what it uses that the crate
/// cannot do (backreferences, look-around), named.
pub(super) fn translate_regex(pattern: &str, flags: i64) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut inline = String::new();
    if flags & RE_IGNORECASE != 0 {
        inline.push('i');
    }
    if flags & RE_MULTILINE != 0 {
        inline.push('m');
    }
    if flags & RE_DOTALL != 0 {
        inline.push('s');
    }
    if flags & RE_VERBOSE != 0 {
        inline.push('x');
    }
    if !inline.is_empty() {
        out.push_str(&format!("(?{inline})"));
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&n) = chars.get(i + 1) else {
                    return Err("bad escape (end of pattern)".into());
                };
                i += 2;
                match n {
                    'Z' => out.push_str("\\z"),
                    '0' => out.push_str("\\x00"),
                    '1'..='9' if !in_class => {
                        return Err("backreferences (\\1) are not supported by slnode's re".into());
                    }
                    'a' => out.push_str("\\x07"),
                    'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'b' | 'B' | 'A' | 'n' | 't' | 'r' | 'f'
                    | 'v' | 'x' | 'u' | 'U' => {
                        out.push('\\');
                        out.push(n);
                    }
                    n if n.is_ascii_alphanumeric() => {
                        return Err(format!("bad escape \\{n}"));
                    }
                    n => out.push_str(&regex::escape(&n.to_string())),
                }
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                i += 1;
                class_start = i;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                    class_start = i;
                }
                // A `]` first in a class is literal.
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                continue;
            }
            '[' => out.push_str("\\["),
            ']' if in_class => {
                let _ = class_start;
                in_class = false;
                out.push(']');
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '-' if in_class && chars.get(i + 1) == Some(&'-') => out.push_str("\\-"),
            '(' if !in_class && chars.get(i + 1) == Some(&'?') => {
                let rest: String = chars[i + 2..].iter().take(3).collect();
                if rest.starts_with('=')
                    || rest.starts_with('!')
                    || rest.starts_with("<=")
                    || rest.starts_with("<!")
                {
                    return Err(
                        "look-ahead and look-behind assertions are not supported by slnode's re"
                            .into(),
                    );
                }
                if rest.starts_with("P=") {
                    return Err(
                        "backreferences ((?P=name)) are not supported by slnode's re".into(),
                    );
                }
                if rest.starts_with('#') {
                    // A comment group: skip to its `)`.
                    while i < chars.len() && chars[i] != ')' {
                        i += 1;
                    }
                    i += 1;
                    continue;
                }
                if rest.starts_with('>') {
                    return Err("atomic groups are not supported by slnode's re".into());
                }
                out.push('(');
            }
            '{' if !in_class => {
                // A quantifier `{m}`, `{m,}`, `{,n}`, `{m,n}`; anything else is a literal brace.
                let close = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '}')
                    .map(|p| p + i + 1);
                let body: Option<String> = close.map(|e| chars[i + 1..e].iter().collect());
                let valid = body.as_ref().is_some_and(|b| {
                    let (lo, hi) = b.split_once(',').unwrap_or((b, b));
                    (lo.chars().all(|c| c.is_ascii_digit())
                        && hi.chars().all(|c| c.is_ascii_digit()))
                        && !(lo.is_empty() && hi.is_empty())
                });
                match (valid, body, close) {
                    (true, Some(b), Some(e)) => {
                        let b = if b.starts_with(',') {
                            format!("0{b}")
                        } else {
                            b
                        };
                        out.push('{');
                        out.push_str(&b);
                        out.push('}');
                        i = e + 1;
                        if chars.get(i) == Some(&'+') {
                            return Err(
                                "possessive quantifiers are not supported by slnode's re".into()
                            );
                        }
                        continue;
                    }
                    _ => out.push_str("\\{"),
                }
            }
            '}' if !in_class => out.push_str("\\}"),
            '*' | '+' | '?' | '}' if !in_class && chars.get(i + 1) == Some(&'+') && c != '}' => {
                return Err("possessive quantifiers are not supported by slnode's re".into());
            }
            c => out.push(c),
        }
        i += 1;
    }
    if in_class {
        return Err(format!(
            "unterminated character set at position {}",
            class_start.saturating_sub(1)
        ));
    }
    Ok(out)
}

impl Vm {
    /// The exception being handled by the innermost frame whose instruction lies in one of its
    /// code's handler ranges.
    pub(super) fn handled_exception(&self) -> Option<Value> {
        for frame in self.state.frames.iter().rev() {
            let Some(code) = self.state.module.codes.get(frame.code as usize) else {
                continue;
            };
            // The instruction running in this frame (a caller's pc is past its call).
            let Some(at) = frame.pc.checked_sub(1) else {
                continue;
            };
            // The innermost handler around the instruction that holds an exception (one left
            // early has cleared its slot, so the next one out is then the one handling). No
            // allocation: this runs at every raise, for every frame.
            let mut best: Option<(u32, Value)> = None;
            for h in &code.handlers {
                if !(h.start <= at && at < h.end) || best.is_some_and(|(s, _)| s >= h.start) {
                    continue;
                }
                let held = match h.exception {
                    crate::code::HandlerSlot::Local(i) => frame.locals.get(i as usize),
                    crate::code::HandlerSlot::Global(i) => self.state.globals.get(i as usize),
                };
                if let Some(Some(v)) = held
                    && *v != Value::None
                {
                    best = Some((h.start, *v));
                }
            }
            if let Some((_, v)) = best {
                return Some(v);
            }
        }
        None
    }
}
