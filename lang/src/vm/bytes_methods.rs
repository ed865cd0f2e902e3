//! Methods of `bytes`, as CPython's.
//!
//! The searching, splitting and padding methods run as the `str` methods on the latin-1 text of
//! the bytes (one char per byte, so offsets and counts agree) and their results come back as
//! bytes; what differs between the two types is done here: the character classes and case
//! mapping of `bytes` are ASCII only, its whitespace (`split()`, `strip()`) is ASCII
//! whitespace, its line breaks are `\n`, `\r` and `\r\n`, and a `str` argument is a TypeError.

use super::methods::Args;
use super::{Raise, Vm, raise};
use crate::heap::Object;
use crate::value::Value;

/// The methods `bytes` has (for attribute lookups and bound methods).
pub(super) const NAMES: &[&str] = &[
    "decode",
    "hex",
    "join",
    "startswith",
    "endswith",
    "find",
    "rfind",
    "index",
    "rindex",
    "count",
    "replace",
    "partition",
    "rpartition",
    "split",
    "rsplit",
    "splitlines",
    "strip",
    "lstrip",
    "rstrip",
    "center",
    "ljust",
    "rjust",
    "zfill",
    "removeprefix",
    "removesuffix",
    "expandtabs",
    "upper",
    "lower",
    "swapcase",
    "capitalize",
    "title",
    "translate",
    "isdigit",
    "isalpha",
    "isalnum",
    "isspace",
    "isupper",
    "islower",
    "isascii",
];

/// `bytes.split()`'s and `strip()`'s whitespace: ASCII's six.
const ASCII_WHITESPACE: &[u8] = b" \t\n\r\x0b\x0c";

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

impl Vm {
    pub(super) fn bytes_method(
        &mut self,
        receiver: Value,
        a: &mut Args<'_>,
    ) -> Result<Value, Raise> {
        let b = match receiver {
            Value::Ref(r) => match self.object(r)? {
                Object::Bytes(b) | Object::ByteArray(b) => b.clone(),
                _ => return raise("SystemError", "not bytes"),
            },
            _ => return raise("SystemError", "not bytes"),
        };
        match a.method {
            "decode" => {
                let (encoding, errors) = self.codec_args(a)?;
                let text = decode(&b, &encoding, &errors)?;
                self.str_value(text)
            }
            "hex" => {
                let sep = a.get(0, "sep");
                let per = match a.get(1, "bytes_per_sep") {
                    Some(v) => self.index_arg(v)?,
                    None => 1,
                };
                a.done(2)?;
                let sep = match sep {
                    None => None,
                    Some(v) => {
                        let text = match v {
                            Value::Ref(r) => match self.object(r)? {
                                Object::Str(s) => s.clone(),
                                Object::Bytes(b) | Object::ByteArray(b) => latin1(b),
                                _ => return raise("TypeError", "sep must be str or bytes."),
                            },
                            _ => return raise("TypeError", "sep must be str or bytes."),
                        };
                        if text.chars().count() != 1 {
                            return raise("ValueError", "sep must be length 1.");
                        }
                        text.chars().next()
                    }
                };
                self.str_value(hex_with(&b, sep, per))
            }
            "join" => {
                a.exactly(1)?;
                let items = self.collect_items(a.positional[0])?;
                let mut out = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(&b);
                    }
                    let part = match item {
                        Value::Ref(r) => match self.object(r)? {
                            Object::Bytes(x) | Object::ByteArray(x) => Some(x),
                            _ => None,
                        },
                        _ => None,
                    };
                    match part {
                        Some(x) => out.extend_from_slice(x),
                        None => {
                            let t = self.type_name(item)?;
                            return raise(
                                "TypeError",
                                format!(
                                    "sequence item {i}: expected a bytes-like object, {t} found"
                                ),
                            );
                        }
                    }
                }
                self.alloc(Object::Bytes(out))
            }
            "title" => {
                a.exactly(0)?;
                // ASCII letters after a non-letter go up, the others down.
                let mut after_letter = false;
                let out = b
                    .iter()
                    .map(|&c| {
                        let out = if after_letter {
                            c.to_ascii_lowercase()
                        } else {
                            c.to_ascii_uppercase()
                        };
                        after_letter = c.is_ascii_alphabetic();
                        out
                    })
                    .collect();
                self.alloc(Object::Bytes(out))
            }
            "translate" => {
                let table = a.get(0, "table");
                let delete = a.get(1, "delete");
                a.done(2)?;
                let Some(table) = table else {
                    return raise(
                        "TypeError",
                        "translate() takes at least 1 argument (0 given)",
                    );
                };
                let table = match table {
                    Value::None => None,
                    v => match self.bytes_like(v)? {
                        Some(t) if t.len() == 256 => Some(t),
                        Some(_) => {
                            return raise(
                                "ValueError",
                                "translation table must be 256 characters long",
                            );
                        }
                        None => {
                            let t = self.type_name(v)?;
                            return raise(
                                "TypeError",
                                format!("a bytes-like object is required, not '{t}'"),
                            );
                        }
                    },
                };
                let delete = match delete {
                    None => Vec::new(),
                    Some(v) => match self.bytes_like(v)? {
                        Some(d) => d,
                        None => {
                            let t = self.type_name(v)?;
                            return raise(
                                "TypeError",
                                format!("a bytes-like object is required, not '{t}'"),
                            );
                        }
                    },
                };
                let out = b
                    .iter()
                    .filter(|c| !delete.contains(c))
                    .map(|&c| table.as_ref().map_or(c, |t| t[c as usize]))
                    .collect();
                self.alloc(Object::Bytes(out))
            }
            "upper" | "lower" | "swapcase" | "capitalize" => {
                a.exactly(0)?;
                let out: Vec<u8> = match a.method {
                    "upper" => b.to_ascii_uppercase(),
                    "lower" => b.to_ascii_lowercase(),
                    "swapcase" => b
                        .iter()
                        .map(|c| {
                            if c.is_ascii_lowercase() {
                                c.to_ascii_uppercase()
                            } else {
                                c.to_ascii_lowercase()
                            }
                        })
                        .collect(),
                    _ => b
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            if i == 0 {
                                c.to_ascii_uppercase()
                            } else {
                                c.to_ascii_lowercase()
                            }
                        })
                        .collect(),
                };
                self.alloc(Object::Bytes(out))
            }
            "isdigit" | "isalpha" | "isalnum" | "isspace" | "isascii" => {
                a.exactly(0)?;
                let test: fn(&u8) -> bool = match a.method {
                    "isdigit" => u8::is_ascii_digit,
                    "isalpha" => u8::is_ascii_alphabetic,
                    "isalnum" => u8::is_ascii_alphanumeric,
                    "isspace" => |c| ASCII_WHITESPACE.contains(c),
                    _ => u8::is_ascii,
                };
                let empty_ok = a.method == "isascii";
                Ok(Value::Bool(
                    (empty_ok || !b.is_empty()) && b.iter().all(test),
                ))
            }
            "isupper" | "islower" => {
                a.exactly(0)?;
                let (want, other): (fn(&u8) -> bool, fn(&u8) -> bool) = if a.method == "isupper" {
                    (u8::is_ascii_uppercase, u8::is_ascii_lowercase)
                } else {
                    (u8::is_ascii_lowercase, u8::is_ascii_uppercase)
                };
                Ok(Value::Bool(b.iter().any(want) && !b.iter().any(other)))
            }
            "splitlines" => {
                let keepends = match a.get(0, "keepends") {
                    Some(v) => self.truthy(v)?,
                    None => false,
                };
                a.done(1)?;
                let mut lines = Vec::new();
                let mut start = 0;
                let mut i = 0;
                while i < b.len() {
                    let end_of_line = match b[i] {
                        b'\n' => Some(i + 1),
                        b'\r' if b.get(i + 1) == Some(&b'\n') => Some(i + 2),
                        b'\r' => Some(i + 1),
                        _ => None,
                    };
                    match end_of_line {
                        Some(next) => {
                            let line = if keepends {
                                &b[start..next]
                            } else {
                                &b[start..i]
                            };
                            lines.push(self.alloc(Object::Bytes(line.to_vec()))?);
                            start = next;
                            i = next;
                        }
                        None => i += 1,
                    }
                }
                if start < b.len() {
                    lines.push(self.alloc(Object::Bytes(b[start..].to_vec()))?);
                }
                self.alloc(Object::List(lines))
            }
            "split" | "rsplit" if self.no_separator(a)? => {
                let maxsplit = match a.get(1, "maxsplit") {
                    Some(v) => self.index_arg(v)?,
                    None => -1,
                };
                a.keywords.retain(|(k, _)| k != "sep");
                a.done(2)?;
                let words = split_whitespace(&b, maxsplit, a.method == "rsplit");
                let mut out = Vec::with_capacity(words.len());
                for w in words {
                    out.push(self.alloc(Object::Bytes(w.to_vec()))?);
                }
                self.alloc(Object::List(out))
            }
            "strip" | "lstrip" | "rstrip" if self.no_separator(a)? => {
                a.positional.truncate(0);
                a.keywords.retain(|(k, _)| k != "chars");
                let whitespace = self.alloc(Object::Bytes(ASCII_WHITESPACE.to_vec()))?;
                a.positional.push(whitespace);
                self.bytes_as_text(&b, a)
            }
            "startswith" | "endswith" | "find" | "rfind" | "index" | "rindex" | "count"
            | "replace" | "partition" | "rpartition" | "split" | "rsplit" | "strip" | "lstrip"
            | "rstrip" | "center" | "ljust" | "rjust" | "zfill" | "removeprefix"
            | "removesuffix" | "expandtabs" => self.bytes_as_text(&b, a),
            name => self.no_method(receiver, name),
        }
    }

    /// `encoding` and `errors` of `str.encode`/`bytes.decode` (defaults `utf-8`, `strict`).
    pub(super) fn codec_args(&self, a: &mut Args<'_>) -> Result<(String, String), Raise> {
        let encoding = match a.get(0, "encoding") {
            Some(v) => self.codec_arg(v, a.method, "encoding")?,
            None => "utf-8".to_owned(),
        };
        let errors = match a.get(1, "errors") {
            Some(v) => self.codec_arg(v, a.method, "errors")?,
            None => "strict".to_owned(),
        };
        a.done(2)?;
        Ok((encoding, errors))
    }

    /// A str argument's text (`encoding`, `errors` of `method`), TypeError naming it otherwise.
    pub(super) fn codec_arg(&self, v: Value, method: &str, name: &str) -> Result<String, Raise> {
        if let Value::Ref(r) = v
            && let Object::Str(s) = self.object(r)?
        {
            return Ok(s.clone());
        }
        // CPython names None as itself here, other values by their type.
        let t = match v {
            Value::None => "None".to_owned(),
            other => self.type_name(other)?,
        };
        raise(
            "TypeError",
            format!("{method}() argument '{name}' must be str, not {t}"),
        )
    }

    /// Whether the first argument (`sep`, `chars`) is absent or None.
    fn no_separator(&self, a: &Args<'_>) -> Result<bool, Raise> {
        let first = a
            .keywords
            .iter()
            .find(|(k, _)| k == "sep" || k == "chars")
            .map(|(_, v)| *v)
            .or_else(|| a.positional.first().copied());
        Ok(matches!(first, None | Some(Value::None)))
    }

    /// Runs the `str` method of the same name on the latin-1 text of `b`, with bytes arguments
    /// as latin-1 strs, and gives its str results back as bytes.
    fn bytes_as_text(&mut self, b: &[u8], a: &mut Args<'_>) -> Result<Value, Raise> {
        let method = a.method;
        let mut positional = std::mem::take(&mut a.positional);
        for v in positional.iter_mut() {
            *v = self.bytes_arg_as_text(method, *v)?;
        }
        // The searching methods take an int needle as one byte.
        if matches!(method, "find" | "rfind" | "index" | "rindex" | "count")
            && let Some(Value::Int(n)) = positional.first().copied()
        {
            let Ok(byte) = u8::try_from(n) else {
                return raise("ValueError", "byte must be in range(0, 256)");
            };
            positional[0] = self.str_value((byte as char).to_string())?;
        }
        let mut keywords = std::mem::take(&mut a.keywords);
        for (_, v) in keywords.iter_mut() {
            *v = self.bytes_arg_as_text(method, *v)?;
        }
        let text = self.str_value(latin1(b))?;
        let mut args = Args {
            method,
            positional,
            keywords,
        };
        let result = match self.str_method(text, &mut args) {
            // bytes name what `index` did not find differently.
            Err(Raise::New("ValueError", m)) if m == "substring not found" => {
                return raise("ValueError", "subsection not found");
            }
            other => other?,
        };
        self.text_result_as_bytes(result)
    }

    fn bytes_arg_as_text(&mut self, method: &str, v: Value) -> Result<Value, Raise> {
        let Value::Ref(r) = v else { return Ok(v) };
        match self.object(r)? {
            Object::Bytes(x) | Object::ByteArray(x) => {
                let text = latin1(x);
                self.str_value(text)
            }
            Object::Str(_) => {
                let message = match method {
                    "startswith" | "endswith" => {
                        format!("{method} first arg must be bytes or a tuple of bytes, not str")
                    }
                    "find" | "rfind" | "index" | "rindex" | "count" => {
                        "argument should be integer or bytes-like object, not 'str'".to_owned()
                    }
                    _ => "a bytes-like object is required, not 'str'".to_owned(),
                };
                raise("TypeError", message)
            }
            Object::Tuple(items) if matches!(method, "startswith" | "endswith") => {
                let items = items.clone();
                let mut converted = Vec::with_capacity(items.len());
                for item in items {
                    converted.push(self.bytes_arg_as_text(method, item)?);
                }
                self.alloc(Object::Tuple(converted))
            }
            _ => Ok(v),
        }
    }

    fn text_result_as_bytes(&mut self, v: Value) -> Result<Value, Raise> {
        let Value::Ref(r) = v else { return Ok(v) };
        match self.object(r)? {
            Object::Str(s) => {
                let mut out = Vec::with_capacity(s.len());
                for c in s.chars() {
                    match u8::try_from(c as u32) {
                        Ok(byte) => out.push(byte),
                        Err(_) => return raise("SystemError", "a bytes method made a wide char"),
                    }
                }
                self.alloc(Object::Bytes(out))
            }
            Object::List(items) | Object::Tuple(items) => {
                let tuple = matches!(self.object(r)?, Object::Tuple(_));
                let items = items.clone();
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.text_result_as_bytes(item)?);
                }
                self.alloc(if tuple {
                    Object::Tuple(out)
                } else {
                    Object::List(out)
                })
            }
            _ => Ok(v),
        }
    }
}

/// `bytes.split()`/`rsplit()` without a separator: runs of ASCII whitespace, at most
/// `maxsplit` splits (negative: no limit), counted from the right for `rsplit`.
fn split_whitespace(b: &[u8], maxsplit: i64, from_right: bool) -> Vec<&[u8]> {
    let is_space = |c: &u8| ASCII_WHITESPACE.contains(c);
    let mut words = Vec::new();
    if !from_right {
        let mut rest = b;
        loop {
            let start = rest.iter().position(|c| !is_space(c)).unwrap_or(rest.len());
            rest = &rest[start..];
            if rest.is_empty() {
                break;
            }
            if maxsplit >= 0 && words.len() as i64 >= maxsplit {
                words.push(rest);
                break;
            }
            let end = rest.iter().position(is_space).unwrap_or(rest.len());
            words.push(&rest[..end]);
            rest = &rest[end..];
        }
    } else {
        let mut rest = b;
        loop {
            let end = rest.iter().rposition(|c| !is_space(c)).map_or(0, |i| i + 1);
            rest = &rest[..end];
            if rest.is_empty() {
                break;
            }
            if maxsplit >= 0 && words.len() as i64 >= maxsplit {
                words.push(rest);
                break;
            }
            let start = rest.iter().rposition(is_space).map_or(0, |i| i + 1);
            words.push(&rest[start..]);
            rest = &rest[..start];
        }
        words.reverse();
    }
    words
}

/// `bytes.hex(sep, bytes_per_sep)`: groups of `per` bytes counted from the right (from the
/// left when negative), as CPython's.
fn hex_with(b: &[u8], sep: Option<char>, per: i64) -> String {
    let digits: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
    let (Some(sep), true) = (sep, per != 0) else {
        return digits.concat();
    };
    let size = per.unsigned_abs() as usize;
    let mut out = String::with_capacity(b.len() * 3);
    for (i, d) in digits.iter().enumerate() {
        let boundary = if per > 0 {
            i > 0 && (b.len() - i) % size == 0
        } else {
            i > 0 && i % size == 0
        };
        if boundary {
            out.push(sep);
        }
        out.push_str(d);
    }
    out
}

/// The codec an encoding name means: Python's normalisation (runs of other characters than
/// letters, digits and `.` become `_`) and its aliases of the three codecs there are.
fn codec(encoding: &str) -> Result<&'static str, Raise> {
    let mut normalized = String::with_capacity(encoding.len());
    let mut gap = false;
    for c in encoding.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            if gap && !normalized.is_empty() {
                normalized.push('_');
            }
            gap = false;
            normalized.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    Ok(match normalized.as_str() {
        "utf_8" | "utf8" | "u8" | "utf" | "cp65001" | "utf8_ucs2" | "utf8_ucs4" => "utf-8",
        "ascii" | "us_ascii" | "us" | "646" | "ansi_x3.4_1968" | "ansi_x3_4_1968"
        | "ansi_x3.4_1986" | "cp367" | "csascii" | "ibm367" | "iso646_us" | "iso_646.irv_1991"
        | "iso_ir_6" => "ascii",
        "latin_1" | "latin1" | "latin" | "l1" | "iso8859_1" | "iso_8859_1" | "8859" | "cp819"
        | "ibm819" | "iso_ir_100" | "csisolatin1" | "iso_8859_1_1987" => "latin-1",
        _ => return raise("LookupError", format!("unknown encoding: {encoding}")),
    })
}

/// An error handler other than `strict`, `replace`, `ignore` and `backslashreplace` (and
/// `xmlcharrefreplace` for encoding), met at an error: CPython's LookupError for a name it
/// does not know, NotImplementedError for one it has that this VM does not.
fn other_handler(errors: &str) -> Raise {
    match errors {
        "surrogateescape" | "surrogatepass" | "namereplace" | "xmlcharrefreplace" => Raise::New(
            "NotImplementedError",
            format!("the error handler '{errors}' is not in the subset"),
        ),
        _ => Raise::New(
            "LookupError",
            format!("unknown error handler name '{errors}'"),
        ),
    }
}

/// `str.encode`: UTF-8, ASCII and Latin-1 under the `strict`, `replace` (`?`) and `ignore`
/// error handlers, with CPython's error message.
pub(super) fn encode(text: &str, encoding: &str, errors: &str) -> Result<Vec<u8>, Raise> {
    let limit: u32 = match codec(encoding)? {
        "utf-8" => return Ok(text.as_bytes().to_vec()),
        "ascii" => 128,
        _ => 256,
    };
    let mut out = Vec::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (at, &c) in chars.iter().enumerate() {
        if (c as u32) < limit {
            out.push(c as u32 as u8);
            continue;
        }
        match errors {
            "replace" => out.push(b'?'),
            "ignore" => {}
            "backslashreplace" => out.extend_from_slice(escaped(c).as_bytes()),
            "xmlcharrefreplace" => out.extend_from_slice(format!("&#{};", c as u32).as_bytes()),
            "strict" => {
                let shown = escaped(c);
                let codec = if limit == 128 { "ascii" } else { "latin-1" };
                // CPython names the whole run of characters the codec cannot encode.
                let run = chars[at..]
                    .iter()
                    .take_while(|c| **c as u32 >= limit)
                    .count();
                let what = if run > 1 {
                    format!("characters in position {at}-{}", at + run - 1)
                } else {
                    format!("character '{shown}' in position {at}")
                };
                return Err(Raise::New(
                    "UnicodeEncodeError",
                    format!("'{codec}' codec can't encode {what}: ordinal not in range({limit})"),
                ));
            }
            other => return Err(other_handler(other)),
        }
    }
    Ok(out)
}

/// A character as Python escapes it: `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
fn escaped(c: char) -> String {
    match c as u32 {
        n if n < 0x100 => format!("\\x{n:02x}"),
        n if n < 0x10000 => format!("\\u{n:04x}"),
        n => format!("\\U{n:08x}"),
    }
}

/// `bytes.decode`: UTF-8, ASCII and Latin-1 under the `strict`, `replace` and `ignore` error
/// handlers, with CPython's error messages.
fn decode(b: &[u8], encoding: &str, errors: &str) -> Result<String, Raise> {
    let codec = codec(encoding)?;
    // CPython names the bytes of the bad sequence: one byte, or a range.
    let fail = |at: usize, span: usize, reason: &str| -> Raise {
        let byte = b.get(at).copied().unwrap_or(0);
        let what = if span > 1 {
            format!("bytes in position {at}-{}", at + span - 1)
        } else {
            format!("byte 0x{byte:02x} in position {at}")
        };
        Raise::New(
            "UnicodeDecodeError",
            format!("'{codec}' codec can't decode {what}: {reason}"),
        )
    };
    match codec {
        "latin-1" => Ok(latin1(b)),
        "ascii" => {
            let mut out = String::with_capacity(b.len());
            for (at, &c) in b.iter().enumerate() {
                if c.is_ascii() {
                    out.push(c as char);
                } else {
                    match errors {
                        "replace" => out.push('\u{fffd}'),
                        "ignore" => {}
                        "backslashreplace" => out.push_str(&format!("\\x{c:02x}")),
                        "strict" => return Err(fail(at, 1, "ordinal not in range(128)")),
                        other => return Err(other_handler(other)),
                    }
                }
            }
            Ok(out)
        }
        _ => {
            let mut out = String::with_capacity(b.len());
            let mut rest = b;
            let mut offset = 0;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(valid) => {
                        out.push_str(valid);
                        return Ok(out);
                    }
                    Err(e) => {
                        let good = e.valid_up_to();
                        out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                        let at = offset + good;
                        let bad = e.error_len();
                        if !matches!(errors, "replace" | "ignore" | "backslashreplace") {
                            if errors != "strict" {
                                return Err(other_handler(errors));
                            }
                            let lead = rest[good];
                            let reason = match bad {
                                None => "unexpected end of data",
                                Some(_) if (0x80..0xc2).contains(&lead) || lead > 0xf4 => {
                                    "invalid start byte"
                                }
                                Some(_) => "invalid continuation byte",
                            };
                            let span = bad.unwrap_or(rest.len() - good);
                            return Err(fail(at, span, reason));
                        }
                        let skip = bad.unwrap_or(rest.len() - good);
                        match errors {
                            "replace" => out.push('\u{fffd}'),
                            "backslashreplace" => {
                                for byte in &rest[good..good + skip] {
                                    out.push_str(&format!("\\x{byte:02x}"));
                                }
                            }
                            _ => {}
                        }
                        rest = &rest[good + skip..];
                        offset = at + skip;
                    }
                }
            }
        }
    }
}
