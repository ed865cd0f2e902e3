//! `bytearray`: bytes that change in place.
//!
//! A bytearray is `Object::ByteArray`, beside `Object::Bytes`: everything that reads bytes
//! (comparison, `in`, iteration, slicing, the searching and splitting methods, `decode`) takes
//! either, and a method that makes new bytes makes them of the receiver's type
//! (`bytearray(b" a ").strip()` is a bytearray), as CPython's. What only a bytearray does —
//! item and slice assignment, `del`, the list-like mutators, `+=` and `*=` in place — is here.
//! A bytearray is never a dict key or set member (`unhashable type`), so a key never changes
//! under a dict.

use super::methods::Args;
use super::{Raise, Vm, raise};
use crate::heap::Object;
use crate::value::Value;

/// The methods only a bytearray has (it has every `bytes` method as well).
pub(super) const NAMES: &[&str] = &[
    "append", "extend", "insert", "pop", "remove", "clear", "reverse", "copy",
];

impl Vm {
    /// The bytes `bytes(...)` or `bytearray(...)` (`what`) start with: nothing, `n` zero
    /// bytes, a str encoded, a bytes-like's bytes, or an iterable's ints.
    pub(super) fn bytes_from_args(&mut self, args: &[Value], what: &str) -> Result<Vec<u8>, Raise> {
        let Some(&first) = args.first() else {
            return Ok(Vec::new());
        };
        if let Value::Ref(r) = first
            && let Object::Str(text) = self.object(r)?
        {
            let text = text.clone();
            let Some(&encoding) = args.get(1) else {
                return raise("TypeError", "string argument without an encoding");
            };
            let encoding = self.codec_arg(encoding, what, "encoding")?;
            let errors = match args.get(2) {
                Some(&e) => self.codec_arg(e, what, "errors")?,
                None => "strict".to_owned(),
            };
            return super::bytes_methods::encode(&text, &encoding, &errors);
        }
        if args.len() > 1 {
            let message = if args.len() == 2 {
                "encoding without a string argument"
            } else {
                "errors without a string argument"
            };
            return raise("TypeError", message);
        }
        match first {
            Value::Int(n) if n < 0 => raise("ValueError", "negative count"),
            Value::Int(n) if (n as u64) <= crate::heap::BYTES_MAX as u64 => {
                Ok(vec![0u8; n as usize])
            }
            Value::Int(_) => raise("MemoryError", ""),
            Value::Bool(b) => Ok(vec![0u8; b as usize]),
            Value::Float(_) | Value::None => {
                let t = self.type_name(first)?;
                raise(
                    "TypeError",
                    format!("cannot convert '{t}' object to {what}"),
                )
            }
            _ => {
                if let Some(b) = self.bytes_like(first)? {
                    return Ok(b);
                }
                let Some(items) = self.iterator_of(first)? else {
                    let t = self.type_name(first)?;
                    return raise(
                        "TypeError",
                        format!("cannot convert '{t}' object to {what}"),
                    );
                };
                let mut out = Vec::new();
                for item in self.collect_items(items)? {
                    match self.byte_of(item) {
                        // bytes() says "bytes must be …", bytearray() "byte must be …".
                        Err(Raise::New("ValueError", _)) if what == "bytes" => {
                            return raise("ValueError", "bytes must be in range(0, 256)");
                        }
                        other => out.push(other?),
                    }
                    if out.len() > crate::heap::BYTES_MAX {
                        return raise("MemoryError", "");
                    }
                }
                Ok(out)
            }
        }
    }

    /// The bytes of a bytes or bytearray value; `None` for anything else.
    pub(super) fn bytes_like(&self, v: Value) -> Result<Option<Vec<u8>>, Raise> {
        Ok(match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Bytes(b) | Object::ByteArray(b) => Some(b.clone()),
                _ => None,
            },
            _ => None,
        })
    }

    /// One byte given as an int (what `append`, item assignment and `bytearray([...])` take).
    pub(super) fn byte_of(&mut self, v: Value) -> Result<u8, Raise> {
        let n = match v {
            Value::Int(n) => n,
            Value::Bool(b) => b as i64,
            _ => match self.value_inside(v)? {
                Some(Value::Int(n)) => n,
                _ => {
                    // An int beyond 64 bits is out of range, not the wrong type.
                    if let Value::Ref(r) = v
                        && matches!(self.object(r)?, Object::BigInt(_))
                    {
                        return raise("ValueError", "byte must be in range(0, 256)");
                    }
                    let t = self.type_name(v)?;
                    return raise(
                        "TypeError",
                        format!("'{t}' object cannot be interpreted as an integer"),
                    );
                }
            },
        };
        u8::try_from(n).or_else(|_| raise("ValueError", "byte must be in range(0, 256)"))
    }

    /// The iterator over `v` (its `__iter__` called once), `None` when it has none.
    fn iterator_of(&mut self, v: Value) -> Result<Option<Value>, Raise> {
        match self.iter(v) {
            Ok(it) => Ok(Some(it)),
            Err(Raise::New("TypeError", m)) if m.ends_with("object is not iterable") => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// `receiver.name(...)` for a bytearray.
    pub(super) fn bytearray_method(
        &mut self,
        receiver: Value,
        a: &mut Args<'_>,
    ) -> Result<Value, Raise> {
        let Value::Ref(r) = receiver else {
            return raise("SystemError", "not a bytearray");
        };
        let method = a.method;
        match method {
            "append" => {
                one_argument(a, method)?;
                let byte = self.byte_of(a.positional[0])?;
                self.with_bytearray(r, |b| b.push(byte))?;
            }
            "extend" => {
                one_argument(a, method)?;
                let v = a.positional[0];
                let more = match self.bytes_like(v)? {
                    Some(more) => more,
                    None => {
                        let Some(items) = self.iterator_of(v)? else {
                            let t = self.type_name(v)?;
                            return raise("TypeError", format!("can't extend bytearray with {t}"));
                        };
                        let mut more = Vec::new();
                        for item in self.collect_items(items)? {
                            more.push(self.byte_of(item)?);
                        }
                        more
                    }
                };
                let len = self.bytearray_len(r)?;
                if len + more.len() > crate::heap::BYTES_MAX {
                    return raise("MemoryError", "");
                }
                self.with_bytearray(r, |b| b.extend_from_slice(&more))?;
            }
            "insert" => {
                a.exactly(2)?;
                let at = self.index_arg(a.positional[0])?;
                let byte = self.byte_of(a.positional[1])?;
                self.with_bytearray(r, |b| {
                    let len = b.len() as i64;
                    let at = if at < 0 {
                        (at + len).max(0)
                    } else {
                        at.min(len)
                    };
                    b.insert(at as usize, byte);
                })?;
            }
            "pop" => {
                a.done(1)?;
                let at = match a.positional.first() {
                    Some(&v) => Some(self.index_arg(v)?),
                    None => None,
                };
                let popped = self.with_bytearray(r, |b| {
                    if b.is_empty() {
                        return Err("pop from empty bytearray");
                    }
                    let len = b.len() as i64;
                    let i = at.unwrap_or(-1);
                    let i = if i < 0 { i + len } else { i };
                    if !(0..len).contains(&i) {
                        return Err("pop index out of range");
                    }
                    Ok(b.remove(i as usize))
                })?;
                return match popped {
                    Ok(byte) => Ok(Value::Int(byte as i64)),
                    Err(message) => raise("IndexError", message),
                };
            }
            "remove" => {
                one_argument(a, method)?;
                let byte = self.byte_of(a.positional[0])?;
                let found =
                    self.with_bytearray(r, |b| match b.iter().position(|&x| x == byte) {
                        Some(i) => {
                            b.remove(i);
                            true
                        }
                        None => false,
                    })?;
                if !found {
                    return raise("ValueError", "value not found in bytearray");
                }
            }
            "clear" | "reverse" => {
                a.exactly(0)?;
                self.with_bytearray(r, |b| match method {
                    "clear" => b.clear(),
                    _ => b.reverse(),
                })?;
            }
            "copy" => {
                a.exactly(0)?;
                let b = self.bytes_like(receiver)?.unwrap_or_default();
                return self.alloc(Object::ByteArray(b));
            }
            _ => {
                // A `bytes` method: new bytes it makes are this bytearray's type.
                let result = self.bytes_method(receiver, a)?;
                self.as_bytearrays(result)?;
                return Ok(result);
            }
        }
        Ok(Value::None)
    }

    /// Turns the new bytes a `bytes` method made for a bytearray receiver (its result, or the
    /// items of the list or tuple it returned) into bytearrays. Those objects are new and
    /// referenced nowhere else.
    fn as_bytearrays(&mut self, result: Value) -> Result<(), Raise> {
        let Value::Ref(r) = result else {
            return Ok(());
        };
        let items = match self.object(r)? {
            Object::List(items) | Object::Tuple(items) => items.clone(),
            _ => vec![result],
        };
        for item in items {
            if let Value::Ref(i) = item
                && let Some(object) = self.state.heap.get_mut(i)
                && let Object::Bytes(b) = object
            {
                let b = std::mem::take(b);
                *object = Object::ByteArray(b);
            }
        }
        Ok(())
    }

    /// A bytearray's length, read in place (not through a copy of its bytes).
    fn bytearray_len(&self, r: u32) -> Result<usize, Raise> {
        match self.object(r)? {
            Object::ByteArray(b) => Ok(b.len()),
            _ => raise("SystemError", "not a bytearray"),
        }
    }

    fn with_bytearray<T>(&mut self, r: u32, f: impl FnOnce(&mut Vec<u8>) -> T) -> Result<T, Raise> {
        match self.state.heap.get_mut(r) {
            Some(Object::ByteArray(b)) => {
                let out = f(b);
                if b.len() > crate::heap::BYTES_MAX {
                    b.truncate(crate::heap::BYTES_MAX);
                    return raise("MemoryError", "");
                }
                Ok(out)
            }
            _ => raise("SystemError", "not a bytearray"),
        }
    }

    /// `ba[index] = value`.
    pub(super) fn store_bytearray_item(
        &mut self,
        r: u32,
        index: Value,
        value: Value,
    ) -> Result<(), Raise> {
        let index = self.bytearray_index(index)?;
        let byte = self.byte_of(value)?;
        let len = self.bytearray_len(r)?;
        let i = Self::index(len, Value::Int(index), "bytearray")?;
        self.with_bytearray(r, |b| b[i] = byte)
    }

    /// `del ba[index]`.
    pub(super) fn delete_bytearray_item(&mut self, r: u32, index: Value) -> Result<(), Raise> {
        let index = self.bytearray_index(index)?;
        let len = self.bytearray_len(r)?;
        let i = Self::index(len, Value::Int(index), "bytearray")?;
        self.with_bytearray(r, |b| {
            b.remove(i);
        })
    }

    fn bytearray_index(&mut self, index: Value) -> Result<i64, Raise> {
        match self.as_index(index)? {
            Value::Int(n) => Ok(n),
            Value::Bool(b) => Ok(b as i64),
            other if self.is_big(other) => {
                raise("IndexError", "cannot fit 'int' into an index-sized integer")
            }
            other => {
                let t = self.type_name(other)?;
                raise(
                    "TypeError",
                    format!("bytearray indices must be integers or slices, not {t}"),
                )
            }
        }
    }

    /// `ba[lo:hi:step] = value` (`None`: `del`).
    pub(super) fn store_bytearray_slice(
        &mut self,
        r: u32,
        (lo, hi, step): (Value, Value, Value),
        value: Option<Value>,
    ) -> Result<(), Raise> {
        // The value first: converting it may run Python (a generator) that changes this
        // bytearray, and the bounds are taken from what is there after.
        let new = match value {
            None => None,
            Some(v) => Some(self.assigned_bytes(v)?),
        };
        let len = self.bytearray_len(r)?;
        let (i, j, k) = self.slice_bounds(len, lo, hi, step)?;
        match new {
            Some(new) if k == 1 => {
                let (from, to) = (i as usize, j.max(i) as usize);
                if len - (to - from) + new.len() > crate::heap::BYTES_MAX {
                    return raise("MemoryError", "");
                }
                self.with_bytearray(r, |b| {
                    b.splice(from..to, new);
                })
            }
            // An empty value deletes an extended slice, as CPython's bytearray does.
            Some(new) if !new.is_empty() => {
                let indices = self.slice_indices(len, lo, hi, step)?;
                if new.len() != indices.len() {
                    return raise(
                        "ValueError",
                        format!(
                            "attempt to assign bytes of size {} to extended slice of size {}",
                            new.len(),
                            indices.len()
                        ),
                    );
                }
                self.with_bytearray(r, |b| {
                    for (i, byte) in indices.into_iter().zip(new) {
                        b[i] = byte;
                    }
                })
            }
            _ => {
                let indices = self.slice_indices(len, lo, hi, step)?;
                let mut drop = vec![false; len];
                for &i in &indices {
                    drop[i] = true;
                }
                self.with_bytearray(r, |b| {
                    let mut at = 0;
                    b.retain(|_| {
                        at += 1;
                        !drop[at - 1]
                    });
                })
            }
        }
    }

    /// What may be assigned to a bytearray's slice: bytes-like values and iterables of ints.
    fn assigned_bytes(&mut self, v: Value) -> Result<Vec<u8>, Raise> {
        const ONLY: &str = "can assign only bytes, buffers, or iterables of ints in range(0, 256)";
        if let Some(b) = self.bytes_like(v)? {
            return Ok(b);
        }
        let is_str = matches!(v, Value::Ref(r) if matches!(self.object(r)?, Object::Str(_)));
        let items = match is_str {
            true => None,
            false => self.iterator_of(v)?,
        };
        let Some(items) = items else {
            return raise("TypeError", ONLY);
        };
        let mut out = Vec::new();
        for item in self.collect_items(items)? {
            out.push(self.byte_of(item)?);
        }
        Ok(out)
    }

    /// `ba += bytes_like` and `ba *= int` in place; `None` for any other operand (the
    /// operator then runs the usual way, reflected methods included).
    pub(super) fn bytearray_inplace(
        &mut self,
        op: crate::code::BinOp,
        x: u32,
        b: Value,
    ) -> Result<Option<Value>, Raise> {
        let len = self.bytearray_len(x)?;
        match (op, b) {
            (crate::code::BinOp::Add, _) => {
                let Some(more) = self.bytes_like(b)? else {
                    return Ok(None);
                };
                if len + more.len() > crate::heap::BYTES_MAX {
                    return raise("MemoryError", "");
                }
                self.with_bytearray(x, |b| b.extend_from_slice(&more))?;
            }
            (crate::code::BinOp::Mul, Value::Int(_) | Value::Bool(_)) => {
                let n = match b {
                    Value::Int(n) => n.max(0) as usize,
                    _ => usize::from(b == Value::Bool(true)),
                };
                if len.saturating_mul(n) > crate::heap::BYTES_MAX {
                    return raise("MemoryError", "");
                }
                self.with_bytearray(x, |b| *b = b.repeat(n))?;
            }
            _ => return Ok(None),
        }
        Ok(Some(Value::Ref(x)))
    }
}

fn one_argument(a: &Args<'_>, method: &str) -> Result<(), Raise> {
    if a.positional.len() != 1 || !a.keywords.is_empty() {
        return raise(
            "TypeError",
            format!(
                "bytearray.{method}() takes exactly one argument ({} given)",
                a.positional.len() + a.keywords.len()
            ),
        );
    }
    Ok(())
}
