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
            "is_instance" => {
                let v = arg(0)?;
                Ok(Value::Bool(matches!(v, Value::Ref(r) if matches!(self.object(r)?, Object::Instance { .. }))))
            }
            "copy_instance" => match arg(0)? {
                Value::Ref(r) => match self.object(r)? {
                    Object::Instance { class, attrs } => {
                        let copy = Object::Instance {
                            class: *class,
                            attrs: attrs.clone(),
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
            "mt_twist" => self.mt_twist(arg(0)?),
            _ => raise(
                "AttributeError",
                format!("module '_sl' has no attribute '{name}'"),
            ),
        }
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
    fn json_value(&mut self, s: &[char], i: usize, depth: usize) -> Result<(Value, usize), JsonError> {
        let memory = |_| JsonError("out of memory", i);
        let Some(&c) = s.get(i) else {
            return Err(JsonError("Expecting value", i));
        };
        let word = |w: &str| s.len() >= i + w.len() && s[i..i + w.len()].iter().copied().eq(w.chars());
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
            return Err(JsonError("Exceeds the limit (4300 digits) for integer string conversion", i));
        }
        let big: BigInt = digits.parse().map_err(|_| JsonError("Expecting value", i))?;
        let v = self
            .int_value(big)
            .map_err(|_| JsonError("out of memory", i))?;
        Ok((v, j))
    }

    fn json_array(&mut self, s: &[char], mut end: usize, depth: usize) -> Result<(Value, usize), JsonError> {
        let mut items = Vec::new();
        end = skip_ws(s, end);
        if s.get(end) == Some(&']') {
            let v = self.alloc(Object::List(items)).map_err(|_| JsonError("out of memory", end))?;
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
        let v = self.alloc(Object::List(items)).map_err(|_| JsonError("out of memory", end))?;
        Ok((v, end))
    }

    fn json_object(&mut self, s: &[char], mut end: usize, depth: usize) -> Result<(Value, usize), JsonError> {
        let mut dict = Dict::default();
        end = skip_ws(s, end);
        match s.get(end) {
            Some('}') => {
                let v = self.alloc(Object::Dict(dict)).map_err(|_| JsonError("out of memory", end))?;
                return Ok((v, end + 1));
            }
            Some('"') => {}
            _ => return Err(JsonError("Expecting property name enclosed in double quotes", end)),
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
            let k = self.str_value(key.clone()).map_err(|_| JsonError("out of memory", end))?;
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
                return Err(JsonError("Expecting property name enclosed in double quotes", end));
            }
            end += 1;
        }
        let v = self.alloc(Object::Dict(dict)).map_err(|_| JsonError("out of memory", end))?;
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
