//! Text: `%` formatting, `str.format`, `format()` and the sort every ordering builtin uses.

use super::{Raise, Vm, raise};
use crate::code::CmpOp;
use crate::heap::Object;
use crate::value::Value;

/// Below this many items CPython's sort is one run and binary insertion, no merge.
const TIMSORT_MIN_MERGE: usize = 64;

impl Vm {
    /// `sorted(items, key=key, reverse=reverse)`: keys computed once each, then a stable merge
    /// sort on them.
    pub(super) fn sort_values(
        &mut self,
        items: Vec<Value>,
        key: Value,
        reverse: bool,
    ) -> Result<Vec<Value>, Raise> {
        let mut pairs = Vec::with_capacity(items.len());
        for item in &items {
            let k = if key == Value::None {
                *item
            } else {
                self.call_sync(key, vec![*item], Vec::new())?
            };
            pairs.push(k);
        }
        // Sort positions by key; the keys live in a tuple-free side vector.
        let order = self.merge_sort_by_keys(&pairs, reverse)?;
        Ok(order.into_iter().map(|i| items[i]).collect())
    }

    /// A stable bottom-up merge sort of positions through the VM's `<` on `keys`, so comparison
    /// errors propagate and the order is Python's (equal keys keep their order, also reversed).
    /// O(n log n) comparisons.
    fn merge_sort_by_keys(&mut self, keys: &[Value], reverse: bool) -> Result<Vec<usize>, Raise> {
        let n = keys.len();
        if n < TIMSORT_MIN_MERGE {
            return self.short_sort(keys, reverse);
        }
        let mut items: Vec<usize> = (0..n).collect();
        let mut buffer = items.clone();
        let mut width = 1;
        while width < n {
            let mut start = 0;
            while start < n {
                let mid = (start + width).min(n);
                let end = (start + 2 * width).min(n);
                let (mut i, mut j, mut k) = (start, mid, start);
                while i < mid && j < end {
                    let (left, right) = (keys[items[i]], keys[items[j]]);
                    let take_right = if reverse {
                        self.less(left, right, CmpOp::Lt)?
                    } else {
                        self.less(right, left, CmpOp::Lt)?
                    };
                    if take_right {
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

    /// CPython 3.11's `list.sort` below its first merge, comparison for comparison (so the
    /// same `__lt__` calls happen and a mixed-type list fails on the same pair): reversed
    /// first when `reverse` (and back after, which keeps equal keys in order), the leading run
    /// found (a strictly descending one reversed), then binary insertion of the rest.
    fn short_sort(&mut self, keys: &[Value], reverse: bool) -> Result<Vec<usize>, Raise> {
        let n = keys.len();
        let mut items: Vec<usize> = if reverse {
            (0..n).rev().collect()
        } else {
            (0..n).collect()
        };
        if n >= 2 {
            let mut run = 2;
            if self.less(keys[items[1]], keys[items[0]], CmpOp::Lt)? {
                while run < n && self.less(keys[items[run]], keys[items[run - 1]], CmpOp::Lt)? {
                    run += 1;
                }
                items[..run].reverse();
            } else {
                while run < n && !self.less(keys[items[run]], keys[items[run - 1]], CmpOp::Lt)? {
                    run += 1;
                }
            }
            for start in run..n {
                let pivot = items[start];
                let (mut l, mut r) = (0, start);
                while l < r {
                    let p = l + ((r - l) >> 1);
                    if self.less(keys[pivot], keys[items[p]], CmpOp::Lt)? {
                        r = p;
                    } else {
                        l = p + 1;
                    }
                }
                items.copy_within(l..start, l + 1);
                items[l] = pivot;
            }
        }
        if reverse {
            items.reverse();
        }
        Ok(items)
    }

    /// `template % values`: `%s %r %d %i %f %e %g %x %o %%` with flags, width and precision.
    pub(super) fn percent_format(
        &mut self,
        template: &str,
        values: &[Value],
        whole: Value,
    ) -> Result<String, Raise> {
        let mut out = String::with_capacity(template.len());
        let mut next = values.iter();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut spec = String::new();
            let mut named = None;
            if chars.peek() == Some(&'(') {
                chars.next();
                let mut key = String::new();
                loop {
                    match chars.next() {
                        Some(')') => break,
                        Some(ch) => key.push(ch),
                        None => return raise("ValueError", "incomplete format key"),
                    }
                }
                named = Some(key);
            }
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
            let value = match named {
                Some(key) => {
                    let k = self.str_value(key)?;
                    let is_dict = matches!(whole, Value::Ref(r) if matches!(self.object(r)?, Object::Dict(_)));
                    if !is_dict {
                        return raise("TypeError", "format requires a mapping");
                    }
                    self.subscript(whole, k)?
                }
                None => match next.next() {
                    Some(&v) => v,
                    None => return raise("TypeError", "not enough arguments for format string"),
                },
            };
            // printf flags map onto the format-spec language: `-` is left alignment; without
            // it printf right-aligns text too (the spec language's default for text is left).
            let (align, rest) = match spec.strip_prefix('-') {
                Some(rest) => ("<", rest.to_owned()),
                None => ("", spec.clone()),
            };
            let text_align = if align.is_empty() { ">" } else { align };
            // An int or float subclass's instance formats as its number.
            let value = match kind {
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                    match self.value_inside(value)? {
                        Some(inner @ (Value::Int(_) | Value::Float(_) | Value::Bool(_))) => inner,
                        Some(inner) if self.is_big(inner) => inner,
                        _ => value,
                    }
                }
                _ => value,
            };
            let formatted = match kind {
                's' => {
                    let text = self.str_of(value)?;
                    crate::format::format_str(&text, &format!("{text_align}{rest}"))
                }
                'r' => {
                    let text = self.repr(value)?;
                    crate::format::format_str(&text, &format!("{text_align}{rest}"))
                }
                'a' => {
                    let text = crate::format::ascii_escape(&self.repr(value)?);
                    crate::format::format_str(&text, &format!("{text_align}{rest}"))
                }
                'd' | 'i' | 'u' | 'x' | 'X' | 'o'
                    if self.is_big(value)
                        || matches!(value, Value::Float(f) if f.is_finite() && f.abs() >= 9.2e18) =>
                {
                    let n = match value {
                        Value::Float(f) => {
                            if matches!(kind, 'x' | 'X' | 'o') {
                                return raise(
                                    "TypeError",
                                    format!("%{kind} format: an integer is required, not float"),
                                );
                            }
                            num_traits::FromPrimitive::from_f64(f.trunc()).unwrap_or_default()
                        }
                        _ => self.big_of(value)?.unwrap_or_default(),
                    };
                    let kind = if matches!(kind, 'i' | 'u') { 'd' } else { kind };
                    crate::format::format_big(&n, &format!("{align}{rest}{kind}"))
                }
                'c' => {
                    let text = match value {
                        Value::Int(n) => char::from_u32(n as u32)
                            .map(|c| c.to_string())
                            .unwrap_or_default(),
                        _ => self.str_of(value)?,
                    };
                    crate::format::format_str(&text, &format!("{text_align}{rest}"))
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
                    Value::Bool(b) => {
                        crate::format::format_int(b as i64, &format!("{align}{rest}{kind}"))
                    }
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
        let mapping = matches!(whole, Value::Ref(r) if matches!(self.object(r)?, Object::Dict(_)));
        if next.next().is_some() && !mapping {
            return raise(
                "TypeError",
                "not all arguments converted during string formatting",
            );
        }
        Ok(out)
    }

    /// A format spec with the replacement fields inside it (`>{w}.{p}f`) replaced by the
    /// arguments they name, as text; `{}` takes the next automatic position.
    fn nested_spec(
        &mut self,
        spec: &str,
        args: &[Value],
        kwargs: &[(String, Value)],
        auto: &mut usize,
    ) -> Result<String, Raise> {
        let mut out = String::with_capacity(spec.len());
        let mut rest = spec;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                return raise("ValueError", "unmatched '{' in format spec");
            };
            let name = &rest[open + 1..open + close];
            let value = if name.is_empty() {
                *auto += 1;
                args.get(*auto - 1).copied()
            } else if let Ok(index) = name.parse::<usize>() {
                args.get(index).copied()
            } else {
                kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
            };
            let Some(value) = value else {
                let position = if name.is_empty() {
                    Some(*auto - 1)
                } else {
                    name.parse().ok()
                };
                return match position {
                    Some(i) => raise(
                        "IndexError",
                        format!("Replacement index {i} out of range for positional args tuple"),
                    ),
                    None => raise("KeyError", format!("'{name}'")),
                };
            };
            out.push_str(&self.str_of(value)?);
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// `template.format(*args)`: `{}`, `{0}`, `{:spec}`, `{0!r:spec}` and `{{`/`}}` escapes.
    pub(super) fn brace_format(
        &mut self,
        template: &str,
        args: &[Value],
        kwargs: &[(String, Value)],
    ) -> Result<String, Raise> {
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
                    // A spec may hold replacement fields of its own (`{:>{width}}`).
                    let mut field = String::new();
                    let mut nested = 0usize;
                    loop {
                        match chars.next() {
                            Some('{') => {
                                nested += 1;
                                field.push('{');
                            }
                            Some('}') if nested > 0 => {
                                nested -= 1;
                                field.push('}');
                            }
                            Some('}') => break,
                            Some(ch) => field.push(ch),
                            None => {
                                return raise("ValueError", "expected '}' before end of string");
                            }
                        }
                    }
                    let (head, spec) = field.split_once(':').unwrap_or((&field, ""));
                    let (name, conversion) = head.split_once('!').unwrap_or((head, ""));
                    // `name` is a position or keyword, then `.attr` and `[index]` parts.
                    let split = name.find(['.', '[']).unwrap_or(name.len());
                    let (first, mut rest) = name.split_at(split);
                    let mut value = if first.is_empty() {
                        auto += 1;
                        match args.get(auto - 1) {
                            Some(v) => *v,
                            None => {
                                return raise(
                                    "IndexError",
                                    format!(
                                        "Replacement index {} out of range for positional args tuple",
                                        auto - 1
                                    ),
                                );
                            }
                        }
                    } else if let Ok(index) = first.parse::<usize>() {
                        match args.get(index) {
                            Some(v) => *v,
                            None => {
                                return raise(
                                    "IndexError",
                                    format!(
                                        "Replacement index {index} out of range for positional args tuple"
                                    ),
                                );
                            }
                        }
                    } else {
                        match kwargs.iter().find(|(k, _)| k == first) {
                            Some((_, v)) => *v,
                            None => return raise("KeyError", format!("'{first}'")),
                        }
                    };
                    let expanded;
                    let spec = if spec.contains('{') {
                        expanded = self.nested_spec(spec, args, kwargs, &mut auto)?;
                        expanded.as_str()
                    } else {
                        spec
                    };
                    while !rest.is_empty() {
                        if let Some(after) = rest.strip_prefix('.') {
                            let end = after.find(['.', '[']).unwrap_or(after.len());
                            value = self.get_attr(value, &after[..end])?;
                            rest = &after[end..];
                        } else if let Some(after) = rest.strip_prefix('[') {
                            let Some(end) = after.find(']') else {
                                return raise("ValueError", "Missing ']' in format string");
                            };
                            let index = &after[..end];
                            let key = match index.parse::<i64>() {
                                Ok(n) => Value::Int(n),
                                Err(_) => self.str_value(index.to_owned())?,
                            };
                            value = self.subscript(value, key)?;
                            rest = &after[end + 1..];
                        } else {
                            return raise(
                                "ValueError",
                                "Only '.' or '[' may follow ']' in format field specifier",
                            );
                        }
                    }
                    let formatted = match conversion {
                        "" => self.format(value, spec)?,
                        "r" => crate::format::format_str(&self.repr(value)?, spec),
                        "a" => crate::format::format_str(
                            &crate::format::ascii_escape(&self.repr(value)?),
                            spec,
                        ),
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

    pub(super) fn str_arg(&self, v: Value, method: &str) -> Result<String, Raise> {
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

    /// `format(value, spec)`: the outer `Err` is an exception, the inner one a bad spec.
    pub(super) fn format(
        &mut self,
        value: Value,
        spec: &str,
    ) -> Result<Result<String, String>, Raise> {
        if self.is_user_object(value)
            && let Some(m) = self.special(value, "__format__")?
        {
            let spec_value = self.str_value(spec.to_owned())?;
            let text = self.call_sync(m, vec![spec_value], Vec::new())?;
            return Ok(Ok(self.str_of(text)?));
        }
        if self.is_big(value)
            && let Some(n) = self.big_of(value)?
        {
            return Ok(crate::format::format_big(&n, spec));
        }
        Ok(match value {
            Value::Int(n) => crate::format::format_int(n, spec),
            Value::Bool(b) if spec.is_empty() => Ok(if b { "True" } else { "False" }.to_owned()),
            Value::Bool(b) => crate::format::format_int(b as i64, spec),
            Value::Float(f) => crate::format::format_float(f, spec),
            Value::Ref(r) if let &Object::Complex { re, im } = self.object(r)? => {
                Self::complex_format(re, im, spec)
            }
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
}
