//! The value protocols builtins and instructions share: truth, equality, ordering, hashing
//! (dict and set keys), `repr`/`str`, length, membership, iteration and arithmetic — for builtin
//! types directly, for user objects through their special methods.

use super::{
    BUILTINS, COMPARE_DEPTH_MAX, EXCEPTIONS, Num, Raise, Vm, arith, cmp_holds, derives,
    py_str_repr, raise, range_len,
};
use crate::code::{BinOp, CmpOp};
use crate::heap::{Class, Dict, Iter, Key, Object};
use crate::value::{Value, float_repr};

/// A sequence iterator's index once it ran out.
const EXHAUSTED: u32 = u32::MAX;

impl Vm {
    pub(super) fn truthy(&mut self, v: Value) -> Result<bool, Raise> {
        Ok(match v {
            Value::None => false,
            Value::Bool(b) => b,
            Value::Int(n) => n != 0,
            Value::Float(f) => f != 0.0,
            Value::Builtin(_) | Value::ExceptionClass(_) => true,
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => !s.is_empty(),
                Object::Bytes(b) | Object::ByteArray(b) => !b.is_empty(),
                Object::Complex { re, im } => *re != 0.0 || *im != 0.0,
                Object::List(v) | Object::Tuple(v) => !v.is_empty(),
                Object::Dict(d) | Object::Set { items: d, .. } => !d.is_empty(),
                Object::Range { start, stop, step } => range_len(*start, *stop, *step) > 0,
                Object::BigInt(_) => true,
                Object::DictView { dict, .. } => {
                    !matches!(self.object(*dict)?, Object::Dict(d) if d.is_empty())
                }
                Object::Instance { .. } => {
                    if let Some(b) = self.call_special(v, "__bool__", Vec::new())? {
                        return match b {
                            Value::Bool(b) => Ok(b),
                            other => {
                                let t = self.type_name(other)?;
                                raise(
                                    "TypeError",
                                    format!("__bool__ should return bool, returned {t}"),
                                )
                            }
                        };
                    }
                    if let Some(n) = self.call_special(v, "__len__", Vec::new())? {
                        return Ok(!matches!(n, Value::Int(0) | Value::Bool(false)));
                    }
                    true
                }
                _ => true,
            },
        })
    }

    pub(super) fn len_of(&mut self, v: Value) -> Result<usize, Raise> {
        if let Value::Ref(r) = v {
            let n = match self.object(r)? {
                Object::Str(_) => self.str_chars(r)?.unwrap_or(0),
                Object::Bytes(b) | Object::ByteArray(b) => b.len(),
                Object::List(v) | Object::Tuple(v) => v.len(),
                Object::Dict(d) | Object::Set { items: d, .. } => d.len(),
                Object::Range { start, stop, step } => range_len(*start, *stop, *step) as usize,
                Object::DictView { dict, .. } => match self.object(*dict)? {
                    Object::Dict(d) => d.len(),
                    _ => 0,
                },
                Object::Instance { .. } | Object::Class(Class { meta: Some(_), .. }) => {
                    match self.call_special(v, "__len__", Vec::new())? {
                        Some(Value::Int(n)) if n >= 0 => n as usize,
                        Some(Value::Int(_)) => {
                            return raise("ValueError", "__len__() should return >= 0");
                        }
                        Some(other) => {
                            let t = self.type_name(other)?;
                            return raise(
                                "TypeError",
                                format!("'{t}' object cannot be interpreted as an integer"),
                            );
                        }
                        None => {
                            let t = self.type_name(v)?;
                            return raise(
                                "TypeError",
                                format!("object of type '{t}' has no len()"),
                            );
                        }
                    }
                }
                _ => {
                    let t = self.type_name(v)?;
                    return raise("TypeError", format!("object of type '{t}' has no len()"));
                }
            };
            return Ok(n);
        }
        let t = self.type_name(v)?;
        raise("TypeError", format!("object of type '{t}' has no len()"))
    }

    pub(super) fn number(v: Value) -> Option<Num> {
        match v {
            Value::Bool(b) => Some(Num::Int(b as i64)),
            Value::Int(n) => Some(Num::Int(n)),
            Value::Float(f) => Some(Num::Float(f)),
            _ => None,
        }
    }

    pub(super) fn binary(&mut self, op: BinOp, a: Value, b: Value) -> Result<Value, Raise> {
        if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
            match op {
                BinOp::BitAnd => return Ok(Value::Bool(x & y)),
                BinOp::BitOr => return Ok(Value::Bool(x | y)),
                BinOp::BitXor => return Ok(Value::Bool(x ^ y)),
                _ => {}
            }
        }
        if let (Some(x), Some(y)) = (Self::number(a), Self::number(b)) {
            if let Some(v) = arith(op, x, y)? {
                return Ok(v);
            }
            if op == BinOp::Pow
                && let Some(v) = self.real_power_as_complex(x.float(), y.float())?
            {
                return Ok(v);
            }
            // A 64-bit result overflowed: redo it in arbitrary precision.
            let (Some(p), Some(q)) = (self.big_of(a)?, self.big_of(b)?) else {
                return raise("SystemError", "overflow");
            };
            return self.big_binary(op, p, q);
        }
        if let Some(r) = self.complex_binary(op, a, b)? {
            return Ok(r);
        }
        if self.is_big(a) || self.is_big(b) {
            if let (Some(p), Some(q)) = (self.big_of(a)?, self.big_of(b)?) {
                return self.big_binary(op, p, q);
            }
            let other = if self.is_big(a) { b } else { a };
            if let Value::Float(_) = other {
                let to_float = |vm: &Self, v: Value| -> Result<f64, Raise> {
                    match v {
                        Value::Float(f) => Ok(f),
                        _ => super::ints::big_to_f64(&vm.big_of(v)?.unwrap_or_default()),
                    }
                };
                let (x, y) = (to_float(self, a)?, to_float(self, b)?);
                return Ok(arith(op, Num::Float(x), Num::Float(y))?.unwrap_or(Value::None));
            }
        }
        if let Some(r) = self.binary_special_sync(op, a, b)? {
            return Ok(r);
        }
        if let Some(r) = self.set_binary(op, a, b)? {
            return Ok(r);
        }
        // Sequences: concatenation and repetition; dict union; str % values.
        match (op, a, b) {
            (BinOp::Add, Value::Ref(x), Value::Ref(y)) => {
                let object = match (self.object(x)?, self.object(y)?) {
                    (Object::Str(p), Object::Str(q)) => {
                        let mut s = String::with_capacity(p.len() + q.len());
                        s.push_str(p);
                        s.push_str(q);
                        Some(Object::Str(s))
                    }
                    (Object::List(p), Object::List(q)) => {
                        Some(Object::List(p.iter().chain(q).copied().collect()))
                    }
                    (Object::Tuple(p), Object::Tuple(q)) => {
                        Some(Object::Tuple(p.iter().chain(q).copied().collect()))
                    }
                    // The left operand's type is the result's (`b"" + bytearray()` is bytes).
                    (Object::Bytes(p), Object::Bytes(q) | Object::ByteArray(q)) => {
                        Some(Object::Bytes(p.iter().chain(q).copied().collect()))
                    }
                    (Object::ByteArray(p), Object::Bytes(q) | Object::ByteArray(q)) => {
                        Some(Object::ByteArray(p.iter().chain(q).copied().collect()))
                    }
                    _ => None,
                };
                if let Some(object) = object {
                    return self.alloc(object);
                }
            }
            (BinOp::BitOr, Value::Ref(x), Value::Ref(y)) => {
                if let (Object::Dict(p), Object::Dict(q)) = (self.object(x)?, self.object(y)?) {
                    let mut merged = p.clone();
                    for (key, &(k, v)) in q.keyed() {
                        merged.insert(key.clone(), k, v);
                    }
                    return self.alloc(Object::Dict(merged));
                }
            }
            (BinOp::Mul, Value::Ref(x), Value::Int(_) | Value::Bool(_))
            | (BinOp::Mul, Value::Int(_) | Value::Bool(_), Value::Ref(x)) => {
                let n = match (a, b) {
                    (Value::Int(n), _) | (_, Value::Int(n)) => n,
                    (Value::Bool(t), _) | (_, Value::Bool(t)) => t as i64,
                    _ => 0,
                };
                let n = n.max(0) as usize;
                let limit = crate::heap::BYTES_MAX;
                let object = match self.object(x)? {
                    Object::Str(s) if s.len().saturating_mul(n) <= limit => {
                        Object::Str(s.repeat(n))
                    }
                    Object::Bytes(s) if s.len().saturating_mul(n) <= limit => {
                        Object::Bytes(s.repeat(n))
                    }
                    Object::ByteArray(s) if s.len().saturating_mul(n) <= limit => {
                        Object::ByteArray(s.repeat(n))
                    }
                    Object::List(v) if v.len().saturating_mul(n) <= limit / 16 => {
                        Object::List(v.repeat(n))
                    }
                    Object::Tuple(v) if v.len().saturating_mul(n) <= limit / 16 => {
                        Object::Tuple(v.repeat(n))
                    }
                    Object::Str(_)
                    | Object::List(_)
                    | Object::Tuple(_)
                    | Object::Bytes(_)
                    | Object::ByteArray(_) => {
                        return raise("MemoryError", "");
                    }
                    _ => return self.binary_type_error(op, a, b),
                };
                return self.alloc(object);
            }
            (BinOp::Mod, Value::Ref(x), _) if matches!(self.object(x)?, Object::Str(_)) => {
                let Object::Str(template) = self.object(x)? else {
                    return raise("SystemError", "not a str");
                };
                let template = template.clone();
                // A tuple subclass's instance (a namedtuple) is the values, as a tuple is.
                let values = match self.value_inside(b)?.unwrap_or(b) {
                    Value::Ref(t) => match self.object(t)? {
                        Object::Tuple(items) => items.clone(),
                        _ => vec![b],
                    },
                    _ => vec![b],
                };
                let text = self.percent_format(&template, &values, b)?;
                return self.str_value(text);
            }
            _ => {}
        }
        self.binary_type_error(op, a, b)
    }

    pub(super) fn binary_type_error<T>(&self, op: BinOp, a: Value, b: Value) -> Result<T, Raise> {
        self.operator_type_error(op, a, b, "")
    }

    /// The TypeError of `a op b` (`augmented`: "=" for `a op= b`) with no method taking it:
    /// a sequence's own message when it has one, else CPython's "unsupported operand".
    pub(super) fn operator_type_error<T>(
        &self,
        op: BinOp,
        a: Value,
        b: Value,
        augmented: &str,
    ) -> Result<T, Raise> {
        // `** or pow()` names the binary operator and the builtin; `**=` only the operator.
        let symbol = match op {
            BinOp::Pow if !augmented.is_empty() => "**",
            _ => super::ops::binop_symbol(op),
        };
        let (ta, tb) = (self.type_name(a)?, self.type_name(b)?);
        if op == BinOp::Add && ta == "str" {
            return raise(
                "TypeError",
                format!("can only concatenate str (not \"{tb}\") to str"),
            );
        }
        if op == BinOp::Add && (ta == "bytes" || ta == "bytearray") {
            return raise("TypeError", format!("can't concat {tb} to {ta}"));
        }
        if op == BinOp::Add && (ta == "list" || ta == "tuple") && ta != tb {
            return raise(
                "TypeError",
                format!("can only concatenate {ta} (not \"{tb}\") to {ta}"),
            );
        }
        // A sequence's repeat takes the other operand as its count. In place, the right
        // operand's repeat is tried only when the left one has no sequence slots at all (as
        // CPython's `PyNumber_InPlaceMultiply`: containers and instances of classes have them).
        let sequence = |t: &str| matches!(t, "str" | "bytes" | "bytearray" | "list" | "tuple");
        let left_has_slots = || {
            self.is_user_object(a)
                || matches!(
                    ta.as_str(),
                    "dict"
                        | "set"
                        | "frozenset"
                        | "range"
                        | "dict_keys"
                        | "dict_values"
                        | "dict_items"
                        | "deque"
                )
        };
        let repeat_right = sequence(&tb) && (augmented.is_empty() || !left_has_slots());
        if op == BinOp::Mul && (sequence(&ta) || repeat_right) {
            let count = if sequence(&ta) { &tb } else { &ta };
            return raise(
                "TypeError",
                format!("can't multiply sequence by non-int of type '{count}'"),
            );
        }
        raise(
            "TypeError",
            format!("unsupported operand type(s) for {symbol}{augmented}: '{ta}' and '{tb}'"),
        )
    }

    /// `a op= b` the builtin way (no special method took it): `binary`'s result, with the
    /// in-place operator's TypeError.
    pub(super) fn inplace_builtin(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
    ) -> Result<Value, Raise> {
        match self.binary(op, a, b) {
            Err(Raise::New("TypeError", m))
                if m.starts_with("unsupported operand type(s) for ")
                    || m.starts_with("can't multiply sequence") =>
            {
                self.operator_type_error(op, a, b, "=")
            }
            r => r,
        }
    }

    pub(super) fn equal(&mut self, a: Value, b: Value) -> Result<bool, Raise> {
        self.equal_depth(a, b, 0)
    }

    pub(super) fn equal_depth(&mut self, a: Value, b: Value, depth: usize) -> Result<bool, Raise> {
        if depth > COMPARE_DEPTH_MAX {
            return raise(
                "RecursionError",
                "maximum recursion depth exceeded in comparison",
            );
        }
        if let (Some(x), Some(y)) = (Self::number(a), Self::number(b)) {
            return Ok(num_order(x, y) == Some(std::cmp::Ordering::Equal));
        }
        if self.is_user_object(a) || self.is_user_object(b) {
            if a == b {
                return Ok(true);
            }
            for (x, y) in [(a, b), (b, a)] {
                if self.is_user_object(x)
                    && let Some(r) = self.call_special(x, "__eq__", vec![y])?
                    && r != crate::value::NOT_IMPLEMENTED
                {
                    return self.truthy(r);
                }
            }
            return Ok(false);
        }
        Ok(match (a, b) {
            (Value::None, Value::None) => true,
            (Value::Builtin(p), Value::Builtin(q)) => p == q,
            (Value::ExceptionClass(p), Value::ExceptionClass(q)) => p == q,
            (Value::Ref(x), Value::Ref(y)) => {
                if x == y {
                    return Ok(true);
                }
                match (self.object(x)?, self.object(y)?) {
                    (Object::Str(p), Object::Str(q)) => p == q,
                    (
                        Object::Bytes(p) | Object::ByteArray(p),
                        Object::Bytes(q) | Object::ByteArray(q),
                    ) => p == q,
                    (Object::BigInt(p), Object::BigInt(q)) => p == q,
                    (Object::List(p), Object::List(q)) | (Object::Tuple(p), Object::Tuple(q)) => {
                        if p.len() != q.len() {
                            return Ok(false);
                        }
                        let (p, q) = (p.clone(), q.clone());
                        for (u, v) in p.into_iter().zip(q) {
                            if !self.equal_depth(u, v, depth + 1)? {
                                return Ok(false);
                            }
                        }
                        true
                    }
                    (Object::Dict(p), Object::Dict(q)) => {
                        if p.len() != q.len() {
                            return Ok(false);
                        }
                        let (p, q) = (p.clone(), q.clone());
                        for (k, v) in p.iter() {
                            let key = self.key(*k)?;
                            match q.value(&key) {
                                Some(theirs) => {
                                    if !self.equal_depth(*v, theirs, depth + 1)? {
                                        return Ok(false);
                                    }
                                }
                                None => return Ok(false),
                            }
                        }
                        true
                    }
                    (Object::Set { items: p, .. }, Object::Set { items: q, .. }) => {
                        p.len() == q.len() && p.keys().all(|k| q.contains(k))
                    }
                    (
                        Object::Range {
                            start: a1,
                            stop: b1,
                            step: c1,
                        },
                        Object::Range {
                            start: a2,
                            stop: b2,
                            step: c2,
                        },
                    ) => {
                        let (l1, l2) = (range_len(*a1, *b1, *c1), range_len(*a2, *b2, *c2));
                        l1 == l2 && (l1 == 0 || (a1 == a2 && (l1 == 1 || c1 == c2)))
                    }
                    (Object::Host { kind: k1, id: i1 }, Object::Host { kind: k2, id: i2 }) => {
                        k1 == k2 && i1 == i2
                    }
                    (
                        Object::Method {
                            receiver: r1,
                            function: f1,
                        },
                        Object::Method {
                            receiver: r2,
                            function: f2,
                        },
                    ) => r1 == r2 && f1 == f2,
                    (Object::Complex { .. }, _) | (_, Object::Complex { .. }) => {
                        self.complex_equal(a, b)?
                    }
                    _ => false,
                }
            }
            (Value::Ref(x), Value::Float(f)) | (Value::Float(f), Value::Ref(x)) => {
                match self.object(x)? {
                    Object::BigInt(b) => {
                        super::ints::cmp_int_float(&b.to_bigint(), f)
                            == Some(std::cmp::Ordering::Equal)
                    }
                    Object::Complex { .. } => self.complex_equal(a, b)?,
                    _ => false,
                }
            }
            (Value::Ref(x), Value::Int(_) | Value::Bool(_))
            | (Value::Int(_) | Value::Bool(_), Value::Ref(x))
                if matches!(self.object(x)?, Object::Complex { .. }) =>
            {
                self.complex_equal(a, b)?
            }
            _ => false,
        })
    }

    pub(super) fn less(&mut self, a: Value, b: Value, op: CmpOp) -> Result<bool, Raise> {
        self.less_depth(a, b, op, 0)
    }

    /// `a op b` for an ordering `op`.
    pub(super) fn less_depth(
        &mut self,
        a: Value,
        b: Value,
        op: CmpOp,
        depth: usize,
    ) -> Result<bool, Raise> {
        if depth > COMPARE_DEPTH_MAX {
            return raise(
                "RecursionError",
                "maximum recursion depth exceeded in comparison",
            );
        }
        if let (Some(x), Some(y)) = (Self::number(a), Self::number(b)) {
            return Ok(cmp_holds(op, num_order(x, y)));
        }
        if self.is_big(a) || self.is_big(b) {
            if let (Some(p), Some(q)) = (self.big_of(a)?, self.big_of(b)?) {
                return Ok(cmp_holds(op, p.partial_cmp(&q)));
            }
            match (a, b) {
                (Value::Float(f), other) => {
                    if let Some(n) = self.big_of(other)? {
                        let ord = super::ints::cmp_int_float(&n, f).map(|o| o.reverse());
                        return Ok(cmp_holds(op, ord));
                    }
                }
                (other, Value::Float(f)) => {
                    if let Some(n) = self.big_of(other)? {
                        return Ok(cmp_holds(op, super::ints::cmp_int_float(&n, f)));
                    }
                }
                _ => {}
            }
        }
        if self.is_user_object(a) || self.is_user_object(b) {
            let (method, reflected) = super::ops::cmp_methods(op).unwrap_or(("__lt__", "__gt__"));
            if self.is_user_object(a)
                && let Some(r) = self.call_special(a, method, vec![b])?
                && r != crate::value::NOT_IMPLEMENTED
            {
                return self.truthy(r);
            }
            if self.is_user_object(b)
                && let Some(r) = self.call_special(b, reflected, vec![a])?
                && r != crate::value::NOT_IMPLEMENTED
            {
                return self.truthy(r);
            }
        }
        if let (Value::Ref(x), Value::Ref(y)) = (a, b) {
            match (self.object(x)?, self.object(y)?) {
                (Object::Str(p), Object::Str(q)) => return Ok(cmp_holds(op, p.partial_cmp(q))),
                (
                    Object::Bytes(p) | Object::ByteArray(p),
                    Object::Bytes(q) | Object::ByteArray(q),
                ) => return Ok(cmp_holds(op, p.partial_cmp(q))),
                (Object::List(p), Object::List(q)) | (Object::Tuple(p), Object::Tuple(q)) => {
                    let (p, q) = (p.clone(), q.clone());
                    for (u, v) in p.iter().zip(&q) {
                        if !self.equal_depth(*u, *v, depth + 1)? {
                            return self.less_depth(*u, *v, op, depth + 1);
                        }
                    }
                    return Ok(cmp_holds(op, p.len().partial_cmp(&q.len())));
                }
                (Object::Set { items: p, .. }, Object::Set { items: q, .. }) => {
                    let sub = p.keys().all(|k| q.contains(k));
                    let sup = q.keys().all(|k| p.contains(k));
                    return Ok(match op {
                        CmpOp::Le => sub,
                        CmpOp::Lt => sub && p.len() < q.len(),
                        CmpOp::Ge => sup,
                        _ => sup && p.len() > q.len(),
                    });
                }
                _ => {}
            }
        }
        let symbol = super::ops::cmp_symbol(op);
        let (ta, tb) = (self.type_name(a)?, self.type_name(b)?);
        raise(
            "TypeError",
            format!("'{symbol}' not supported between instances of '{ta}' and '{tb}'"),
        )
    }

    pub(super) fn compare(&mut self, op: CmpOp, a: Value, b: Value) -> Result<bool, Raise> {
        match op {
            CmpOp::Eq => self.equal(a, b),
            CmpOp::Ne => Ok(!self.equal(a, b)?),
            CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => self.less(a, b, op),
            CmpOp::Is => Ok(identical(a, b)),
            CmpOp::IsNot => Ok(!identical(a, b)),
            CmpOp::In => self.contains(b, a),
            CmpOp::NotIn => Ok(!self.contains(b, a)?),
        }
    }

    pub(super) fn contains(&mut self, container: Value, item: Value) -> Result<bool, Raise> {
        let Value::Ref(r) = container else {
            let t = self.type_name(container)?;
            return raise(
                "TypeError",
                format!("argument of type '{t}' is not iterable"),
            );
        };
        match self.object(r)? {
            Object::Str(s) => match item {
                Value::Ref(i) => match self.object(i)? {
                    Object::Str(needle) => Ok(s.contains(needle.as_str())),
                    _ => {
                        let t = self.type_name(item)?;
                        raise(
                            "TypeError",
                            format!("'in <string>' requires string as left operand, not {t}"),
                        )
                    }
                },
                _ => {
                    let t = self.type_name(item)?;
                    raise(
                        "TypeError",
                        format!("'in <string>' requires string as left operand, not {t}"),
                    )
                }
            },
            Object::Bytes(b) | Object::ByteArray(b) => match item {
                Value::Int(n) => Ok((0..256).contains(&n) && b.contains(&(n as u8))),
                Value::Ref(i) => match self.object(i)? {
                    Object::Bytes(needle) | Object::ByteArray(needle) => Ok(needle.is_empty()
                        || b.windows(needle.len()).any(|w| w == needle.as_slice())),
                    _ => raise("TypeError", "a bytes-like object is required"),
                },
                _ => raise("TypeError", "a bytes-like object is required"),
            },
            Object::List(v) | Object::Tuple(v) => {
                for x in v.clone() {
                    if x == item || self.equal(x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Object::Dict(d) | Object::Set { items: d, .. } => {
                let d_has = |vm: &mut Self, key: &Key| -> Result<bool, Raise> {
                    match vm.object(r)? {
                        Object::Dict(d) | Object::Set { items: d, .. } => Ok(d.contains(key)),
                        _ => Ok(false),
                    }
                };
                let _ = d;
                let key = self.key(item)?;
                d_has(self, &key)
            }
            Object::Range { start, stop, step } => Ok(match item {
                Value::Int(n) => {
                    let (start, stop, step, n) =
                        (*start as i128, *stop as i128, *step as i128, n as i128);
                    if step > 0 {
                        n >= start && n < stop && (n - start) % step == 0
                    } else if step < 0 {
                        n <= start && n > stop && (start - n) % (-step) == 0
                    } else {
                        false
                    }
                }
                _ => false,
            }),
            Object::DictView { dict, kind } => {
                let (dict, kind) = (*dict, *kind);
                match kind {
                    crate::heap::ViewKind::Keys => self.contains(Value::Ref(dict), item),
                    _ => {
                        let it = self.iter(container)?;
                        while let Some(x) = self.next(it)? {
                            if self.equal(x, item)? {
                                return Ok(true);
                            }
                        }
                        Ok(false)
                    }
                }
            }
            Object::Instance { .. } | Object::Class(Class { meta: Some(_), .. }) => {
                if let Some(r) = self.call_special(container, "__contains__", vec![item])? {
                    return self.truthy(r);
                }
                for x in self.collect_items(container)? {
                    if self.equal(x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Object::Iter(_) | Object::Generator(_) => {
                while let Some(x) = self.next(container)? {
                    if self.equal(x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            other => {
                let t = other.type_name().to_owned();
                raise(
                    "TypeError",
                    format!("argument of type '{t}' is not iterable"),
                )
            }
        }
    }

    /// The dict/set key of a value (TypeError for unhashable ones).
    pub(super) fn key(&mut self, v: Value) -> Result<Key, Raise> {
        self.key_depth(v, 0)
    }

    /// Tuples nest; a hostile snapshot can even make one contain itself.
    fn key_depth(&mut self, v: Value, depth: usize) -> Result<Key, Raise> {
        if depth > COMPARE_DEPTH_MAX {
            return raise(
                "RecursionError",
                "maximum recursion depth exceeded while hashing",
            );
        }
        Ok(match v {
            Value::None => Key::None,
            Value::Bool(b) => Key::Int(b as i64),
            Value::Int(n) => Key::Int(n),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Key::Int(f as i64),
            Value::Float(f) => Key::Float(f.to_bits()),
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => Key::Str(s.clone()),
                Object::Bytes(b) => Key::Bytes(b.clone()),
                // With no imaginary part, the key of its real part (`1+0j == 1`).
                &Object::Complex { re, im } if im == 0.0 => {
                    self.key_depth(Value::Float(re), depth)?
                }
                // `+ 0.0` makes -0.0 the same key as 0.0 (they are equal).
                Object::Complex { re, im } => {
                    Key::Complex((re + 0.0).to_bits(), (im + 0.0).to_bits())
                }
                Object::BigInt(b) => Key::Big(Self::big_key(b)),
                Object::Tuple(items) => {
                    // By index, not by a copy of the items: an item's `__hash__` runs Python,
                    // but the tuple is immutable and its caller holds it.
                    let n = items.len();
                    let mut bytes = Vec::with_capacity(1 + 9 * n);
                    bytes.push(crate::heap::TUPLE_KEY);
                    for i in 0..n {
                        let item = match self.object(r)? {
                            Object::Tuple(items) => items.get(i).copied(),
                            _ => None,
                        };
                        let Some(item) = item else {
                            return raise("SystemError", "a tuple changed while it was hashed");
                        };
                        self.key_depth(item, depth + 1)?.encode(&mut bytes);
                    }
                    Key::Tuple(bytes)
                }
                Object::Set {
                    items,
                    frozen: true,
                } => {
                    // Sorted: two equal frozensets built in different orders are one key.
                    let mut keys: Vec<&Key> = items.keys().collect();
                    keys.sort();
                    let mut bytes = vec![crate::heap::FROZENSET_KEY];
                    keys.into_iter().for_each(|k| k.encode(&mut bytes));
                    Key::Tuple(bytes)
                }
                Object::Instance { class, .. }
                | Object::Exception {
                    user: Some(class), ..
                } => {
                    let class = *class;
                    match self.class_lookup(class, "__hash__")? {
                        super::objects::Found::Class(Value::None) => {
                            let t = self.class_name(class)?;
                            return raise("TypeError", format!("unhashable type: '{t}'"));
                        }
                        super::objects::Found::Class(h)
                            if let Some(inner) = self.hashed_as_value_inside(v, class, h)? =>
                        {
                            self.key_depth(inner, depth + 1)?
                        }
                        super::objects::Found::Class(_) => {
                            match self.call_special(v, "__hash__", Vec::new())? {
                                Some(Value::Int(h)) => Key::Hash(h),
                                Some(Value::Bool(b)) => Key::Hash(b as i64),
                                _ => {
                                    return raise(
                                        "TypeError",
                                        "__hash__ method should return an integer",
                                    );
                                }
                            }
                        }
                        _ => {
                            if let super::objects::Found::Class(_) =
                                self.class_lookup(class, "__eq__")?
                            {
                                let t = self.class_name(class)?;
                                return raise("TypeError", format!("unhashable type: '{t}'"));
                            }
                            Key::Object(r)
                        }
                    }
                }
                Object::List(_) | Object::Dict(_) | Object::Set { .. } | Object::ByteArray(_) => {
                    let t = self.object(r)?.type_name().to_owned();
                    return raise("TypeError", format!("unhashable type: '{t}'"));
                }
                Object::Host { kind, id } => Key::Named(format!("{kind}#{id}")),
                _ => Key::Object(r),
            },
            Value::Builtin(b) => Key::Named(format!(
                "builtin {}",
                BUILTINS.get(b as usize).unwrap_or(&"?")
            )),
            Value::ExceptionClass(c) => Key::Named(format!("class {c}")),
        })
    }

    pub(super) fn dict_set(&mut self, dict: &mut Dict, k: Value, v: Value) -> Result<(), Raise> {
        let key = self.key(k)?;
        dict.insert(key, k, v);
        Ok(())
    }

    /// `iter(v)`.
    pub(super) fn iter(&mut self, v: Value) -> Result<Value, Raise> {
        let Value::Ref(r) = v else {
            let t = self.type_name(v)?;
            return raise("TypeError", format!("'{t}' object is not iterable"));
        };
        if let Some(it) = sequence_iter(&self.state.heap, r) {
            return self.alloc(Object::Iter(it));
        }
        let it = match self.object(r)? {
            Object::Set { .. } => {
                // Built once here rather than replayed at every iteration of a set that
                // only grew.
                if let Some(Object::Set { items, .. }) = self.state.heap.get_mut(r) {
                    items.materialize();
                }
                let Object::Set { items, .. } = self.object(r)? else {
                    return raise("SystemError", "set");
                };
                let order = self.set_order(items);
                // Insertion order (positions increasing, holes between them or not): the set
                // itself is iterated, with no list of its keys made.
                if order.windows(2).all(|w| w[0] < w[1]) {
                    Iter::Seq {
                        of: r,
                        index: 0,
                        size: items.len() as u32,
                        left: items.len() as u32,
                    }
                } else {
                    let keys: Vec<Value> = order
                        .into_iter()
                        .filter_map(|i| items.slot(i).map(|(k, _)| *k))
                        .collect();
                    let size = items.len() as u32;
                    let list = self.alloc(Object::List(keys))?;
                    let Value::Ref(l) = list else {
                        return raise("SystemError", "allocation");
                    };
                    Iter::SetOrder {
                        set: r,
                        keys: l,
                        index: 0,
                        size,
                    }
                }
            }
            Object::Dict(d) => Iter::Seq {
                of: r,
                index: 0,
                size: d.len() as u32,
                left: d.len() as u32,
            },
            Object::Iter(_) | Object::Generator(_) => return Ok(v),
            Object::DictView { dict, kind } => {
                let size = match self.object(*dict)? {
                    Object::Dict(d) => d.len() as u32,
                    _ => 0,
                };
                Iter::DictView {
                    of: *dict,
                    index: 0,
                    kind: *kind,
                    size,
                    left: size,
                }
            }
            Object::Instance { .. } | Object::Class(Class { meta: Some(_), .. }) => {
                if let Some(it) = self.call_special(v, "__iter__", Vec::new())? {
                    if self.is_user_object(it) {
                        let Value::Ref(i) = it else {
                            return raise("SystemError", "iterator");
                        };
                        return self.alloc(Object::Iter(Iter::Instance(i)));
                    }
                    return Ok(it);
                }
                if self.special(v, "__getitem__")?.is_some() {
                    return raise(
                        "NotSupported",
                        "iteration through __getitem__ alone is not in the subset; define __iter__",
                    );
                }
                let t = self.type_name(v)?;
                return raise("TypeError", format!("'{t}' object is not iterable"));
            }
            other => {
                let t = other.type_name().to_owned();
                return raise("TypeError", format!("'{t}' object is not iterable"));
            }
        };
        self.alloc(Object::Iter(it))
    }

    /// The iterator's next item, or `None` at its end.
    pub(super) fn next(&mut self, it: Value) -> Result<Option<Value>, Raise> {
        // Iterators wrap iterators (`zip(enumerate(...))`); a hostile snapshot can make a cycle.
        if self.rust_depth >= super::RUST_DEPTH_MAX {
            return raise(
                "RecursionError",
                "maximum recursion depth exceeded in an iterator",
            );
        }
        self.rust_depth += 1;
        let result = self.next_inner(it);
        self.rust_depth -= 1;
        result
    }

    fn next_inner(&mut self, it: Value) -> Result<Option<Value>, Raise> {
        let Value::Ref(r) = it else {
            let t = self.type_name(it)?;
            return raise("TypeError", format!("'{t}' object is not an iterator"));
        };
        let (of, index, size) = match self.state.heap.get_mut(r) {
            Some(Object::Iter(Iter::Range { next, stop, step })) => {
                let n = *next;
                let more = if *step > 0 { n < *stop } else { n > *stop };
                if !more {
                    return Ok(None);
                }
                *next = n.saturating_add(*step);
                return Ok(Some(Value::Int(n)));
            }
            // An exhausted iterator stays exhausted, whatever its sequence does next (as
            // CPython's, which drops the sequence): `index` is parked at `EXHAUSTED`.
            Some(Object::Iter(Iter::Seq { index, .. } | Iter::SetOrder { index, .. }))
                if *index == EXHAUSTED =>
            {
                return Ok(None);
            }
            Some(Object::Iter(Iter::Seq {
                of, index, size, ..
            })) => {
                let current = *index;
                *index = index.saturating_add(1);
                (*of, current as usize, *size)
            }
            Some(Object::Iter(Iter::SetOrder {
                set,
                keys,
                index,
                size,
            })) => {
                let (set, keys, current, size) = (*set, *keys, *index, *size);
                *index = current.saturating_add(1);
                match self.object(set)? {
                    Object::Set { items, .. } if items.len() != size as usize => {
                        return raise("RuntimeError", "Set changed size during iteration");
                    }
                    _ => {}
                }
                let item = match self.object(keys)? {
                    Object::List(v) => v.get(current as usize).copied(),
                    _ => None,
                };
                if item.is_none() {
                    self.park_exhausted(r);
                }
                return Ok(item);
            }
            Some(Object::Iter(Iter::Reversed { of, left })) => {
                if *left == 0 {
                    return Ok(None);
                }
                *left -= 1;
                let (of, at) = (*of, *left as usize);
                return Ok(match self.object(of)? {
                    Object::List(v) | Object::Tuple(v) => v.get(at).copied(),
                    // For a str, `left` counts bytes: the character ending there is next, and
                    // `left` drops by the rest of its width too.
                    Object::Str(s) => match s.get(..at + 1).and_then(|t| t.chars().next_back()) {
                        Some(c) => {
                            let wider = c.len_utf8() as u32 - 1;
                            let item = self.str_value(c.to_string())?;
                            if let Some(Object::Iter(Iter::Reversed { left, .. })) =
                                self.state.heap.get_mut(r)
                            {
                                *left = left.saturating_sub(wider);
                            }
                            Some(item)
                        }
                        None => None,
                    },
                    _ => None,
                });
            }
            Some(Object::Iter(Iter::Enumerate { inner, count })) => {
                let (inner, n) = (*inner, *count);
                *count = n.saturating_add(1);
                return match self.next(Value::Ref(inner))? {
                    Some(item) => self
                        .alloc(Object::Tuple(vec![Value::Int(n), item]))
                        .map(Some),
                    None => Ok(None),
                };
            }
            Some(Object::Iter(Iter::Zip { inners })) => {
                let inners = inners.clone();
                let mut row = Vec::with_capacity(inners.len());
                for i in inners {
                    match self.next(Value::Ref(i))? {
                        Some(item) => row.push(item),
                        None => return Ok(None),
                    }
                }
                if row.is_empty() {
                    return Ok(None);
                }
                return self.alloc(Object::Tuple(row)).map(Some);
            }
            Some(Object::Iter(Iter::Map { function, inners })) => {
                let (function, inners) = (*function, inners.clone());
                let mut args = Vec::with_capacity(inners.len());
                for i in inners {
                    match self.next(Value::Ref(i))? {
                        Some(item) => args.push(item),
                        None => return Ok(None),
                    }
                }
                return self.call_sync(function, args, Vec::new()).map(Some);
            }
            Some(Object::Iter(Iter::Filter { function, inner })) => {
                let (function, inner) = (*function, *inner);
                while let Some(item) = self.next(Value::Ref(inner))? {
                    let keep = if function == Value::None {
                        item
                    } else {
                        self.call_sync(function, vec![item], Vec::new())?
                    };
                    if self.truthy(keep)? {
                        return Ok(Some(item));
                    }
                }
                return Ok(None);
            }
            Some(Object::Iter(Iter::DictView {
                of,
                index,
                kind,
                size,
                ..
            })) => {
                let (of, at, kind, size) = (*of, *index as usize, *kind, *size);
                if matches!(self.object(of)?, Object::Dict(d) if d.len() != size as usize) {
                    return raise("RuntimeError", "dictionary changed size during iteration");
                }
                let entry = self.owed_entry(r, of, at)?;
                return match (entry, kind) {
                    (None, _) => Ok(None),
                    (Some((k, _)), crate::heap::ViewKind::Keys) => Ok(Some(k)),
                    (Some((_, v)), crate::heap::ViewKind::Values) => Ok(Some(v)),
                    (Some((k, v)), crate::heap::ViewKind::Items) => {
                        self.alloc(Object::Tuple(vec![k, v])).map(Some)
                    }
                };
            }
            Some(Object::Iter(Iter::Choose {
                pool,
                n,
                r: take,
                indices,
                cycles,
                started,
                done,
            })) => {
                let (pool, take) = (*pool, *take as usize);
                if *done {
                    return Ok(None);
                }
                let more = if *started {
                    super::choose::advance(indices, cycles, take, *n as usize)
                } else {
                    *started = true;
                    indices.len() >= take
                };
                if !more {
                    *done = true;
                    return Ok(None);
                }
                let picked: Vec<u32> = indices[..take].to_vec();
                let items = match self.object(pool)? {
                    Object::Tuple(items) => picked
                        .iter()
                        .map(|&i| items.get(i as usize).copied())
                        .collect::<Option<Vec<Value>>>(),
                    _ => None,
                };
                return match items {
                    Some(items) => self.alloc(Object::Tuple(items)).map(Some),
                    None => raise("SystemError", "itertools state out of range"),
                };
            }
            Some(Object::Iter(Iter::Instance(i))) => {
                let i = *i;
                return self.instance_next(Value::Ref(i));
            }
            Some(Object::Generator(_)) => return self.generator_next_native(r),
            Some(Object::Instance { .. }) => return self.instance_next(it),
            _ => {
                let t = self.type_name(it)?;
                return raise("TypeError", format!("'{t}' object is not an iterator"));
            }
        };
        let item = match self.object(of)? {
            Object::List(v) | Object::Tuple(v) => v.get(index).copied(),
            Object::Dict(d) if d.len() != size as usize => {
                return raise("RuntimeError", "dictionary changed size during iteration");
            }
            Object::Set { items, .. } if items.len() != size as usize => {
                return raise("RuntimeError", "Set changed size during iteration");
            }
            Object::Dict(_) | Object::Set { .. } => self.owed_entry(r, of, index)?.map(|(k, _)| k),
            Object::Bytes(b) | Object::ByteArray(b) => b.get(index).map(|b| Value::Int(*b as i64)),
            // A str's index is a byte offset (each step O(1)); it moved by one above, and moves
            // on by the rest of a wider character here. An offset inside a character (only a
            // hostile snapshot makes one) ends the iteration.
            Object::Str(s) => match s.get(index..).and_then(|t| t.chars().next()) {
                Some(c) => {
                    let wider = c.len_utf8() as u32 - 1;
                    let item = self.str_value(c.to_string())?;
                    if wider > 0
                        && let Some(Object::Iter(Iter::Seq { index, .. })) =
                            self.state.heap.get_mut(r)
                    {
                        *index = index.saturating_add(wider);
                    }
                    Some(item)
                }
                None => None,
            },
            _ => None,
        };
        if item.is_none() {
            self.park_exhausted(r);
        }
        Ok(item)
    }

    /// The next entry of dict or set iterator `r` (an `Iter::Seq` or `Iter::DictView` over
    /// `of`) at position `at` or after it: it steps over the holes removals left and counts
    /// down the entries it owes. A dict that gives more entries than it had, or ends owing
    /// some, had keys removed and others added at the same size (a squeeze moved them):
    /// CPython's "dictionary keys changed during iteration".
    fn owed_entry(&mut self, r: u32, of: u32, at: usize) -> Result<Option<(Value, Value)>, Raise> {
        let (entry, is_dict) = match self.object(of)? {
            Object::Dict(d) => (d.next_from(at).map(|(p, e)| (p, *e)), true),
            Object::Set { items, .. } => (items.next_from(at).map(|(p, e)| (p, *e)), false),
            _ => return Ok(None),
        };
        let Some(Object::Iter(Iter::Seq { index, left, .. } | Iter::DictView { index, left, .. })) =
            self.state.heap.get_mut(r)
        else {
            return raise("SystemError", "not a dict or set iterator");
        };
        match entry {
            Some((found, e)) => {
                if is_dict && *left == 0 {
                    return raise("RuntimeError", "dictionary keys changed during iteration");
                }
                *left = left.saturating_sub(1);
                *index = u32::try_from(found + 1).unwrap_or(u32::MAX);
                Ok(Some(e))
            }
            None if is_dict && *left > 0 => {
                raise("RuntimeError", "dictionary keys changed during iteration")
            }
            None => Ok(None),
        }
    }

    /// Marks a sequence iterator that just ran out as done for good.
    fn park_exhausted(&mut self, r: u32) {
        if let Some(Object::Iter(Iter::Seq { index, .. } | Iter::SetOrder { index, .. })) =
            self.state.heap.get_mut(r)
        {
            *index = EXHAUSTED;
        }
    }

    /// `__next__` of a user iterator; StopIteration ends it.
    fn instance_next(&mut self, it: Value) -> Result<Option<Value>, Raise> {
        Ok(self.instance_step(it)?.ok())
    }

    /// An instance's `__next__`: its item, or (as `Err`) the value its StopIteration carried.
    pub(super) fn instance_step(&mut self, it: Value) -> Result<Result<Value, Value>, Raise> {
        let Some(method) = self.special(it, "__next__")? else {
            let t = self.type_name(it)?;
            return raise("TypeError", format!("'{t}' object is not an iterator"));
        };
        let step = self.call_sync(method, Vec::new(), Vec::new());
        self.stop_value(step)
    }

    /// Whether exception `exception` matches `class` (a class or a tuple of classes).
    pub(super) fn exception_matches(
        &mut self,
        exception: Value,
        class: Value,
    ) -> Result<bool, Raise> {
        let Value::Ref(r) = exception else {
            return Ok(false);
        };
        let Object::Exception {
            class: actual,
            user,
            ..
        } = self.object(r)?
        else {
            return Ok(false);
        };
        let (actual, user) = (*actual, *user);
        let classes = match class {
            Value::Ref(t) => match self.object(t)? {
                Object::Tuple(items) => items.clone(),
                _ => vec![class],
            },
            other => vec![other],
        };
        for c in classes {
            let matched = match c {
                Value::ExceptionClass(c) => derives(actual, c),
                Value::Ref(t) if matches!(self.object(t)?, Object::Class(_)) => match user {
                    Some(u) => self.class_derives(u, c)?,
                    None => false,
                },
                _ => {
                    return raise(
                        "TypeError",
                        "catching classes that do not inherit from BaseException is not allowed",
                    );
                }
            };
            if matched {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `str(v)`.
    pub(super) fn str_of(&mut self, v: Value) -> Result<String, Raise> {
        match v {
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => Ok(s.clone()),
                Object::Exception { user, message, .. } => {
                    let (user, message) = (*user, message.clone());
                    if user.is_some()
                        && let Some(s) = self.call_special(v, "__str__", Vec::new())?
                    {
                        return self.expect_str(s, "__str__");
                    }
                    if user.is_some()
                        && let Some(s) = self.call_special(v, "__repr__", Vec::new())?
                    {
                        return self.expect_str(s, "__repr__");
                    }
                    Ok(message)
                }
                Object::Instance { .. } => {
                    if let Some(s) = self.call_special(v, "__str__", Vec::new())? {
                        return self.expect_str(s, "__str__");
                    }
                    self.repr(v)
                }
                _ => self.repr(v),
            },
            _ => self.repr(v),
        }
    }

    fn expect_str(&self, s: Value, method: &str) -> Result<String, Raise> {
        if let Value::Ref(r) = s
            && let Object::Str(text) = self.object(r)?
        {
            return Ok(text.clone());
        }
        let t = self.type_name(s)?;
        raise(
            "TypeError",
            format!("{method} returned non-string (type {t})"),
        )
    }

    /// `repr(v)`.
    pub(super) fn repr(&mut self, v: Value) -> Result<String, Raise> {
        self.repr_depth(v, 0)
    }

    pub(super) fn repr_depth(&mut self, v: Value, depth: usize) -> Result<String, Raise> {
        if depth > 100 {
            return raise(
                "RecursionError",
                "maximum recursion depth exceeded while getting the repr of an object",
            );
        }
        let many = |vm: &mut Self, items: Vec<Value>| -> Result<Vec<String>, Raise> {
            let mut parts = Vec::with_capacity(items.len());
            for i in items {
                parts.push(vm.repr_depth(i, depth + 1)?);
            }
            Ok(parts)
        };
        Ok(match v {
            Value::None => "None".into(),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::Int(n) => n.to_string(),
            Value::Float(f) => float_repr(f),
            crate::value::NOT_IMPLEMENTED => "NotImplemented".into(),
            crate::value::ELLIPSIS => "Ellipsis".into(),
            Value::Builtin(b) => {
                let name = BUILTINS.get(b as usize).copied().unwrap_or("?");
                if super::builtins::is_type_name(name) {
                    format!("<class '{name}'>")
                } else {
                    format!(
                        "<built-in function {}>",
                        name.rsplit('.').next().unwrap_or(name)
                    )
                }
            }
            Value::ExceptionClass(c) => format!(
                "<class '{}'>",
                EXCEPTIONS.get(c as usize).map_or("?", |(n, _)| n)
            ),
            Value::Ref(r) => match self.object(r)? {
                Object::Str(s) => py_str_repr(s),
                Object::Bytes(b) => bytes_repr(b),
                Object::ByteArray(b) => {
                    // CPython's bytearray repr escapes a single quote even between double ones.
                    let text = bytes_repr(b);
                    let text = match text.strip_prefix("b\"") {
                        Some(rest) => format!("b\"{}", rest.replace('\'', "\\'")),
                        None => text,
                    };
                    format!("bytearray({text})")
                }
                Object::Complex { re, im } => crate::value::complex_repr(*re, *im),
                Object::Slice { start, stop, step } => {
                    let parts = many(self, vec![*start, *stop, *step])?;
                    format!("slice({})", parts.join(", "))
                }
                Object::BigInt(b) => Self::big_text(b)?,
                Object::List(items) => {
                    let items = items.clone();
                    format!("[{}]", many(self, items)?.join(", "))
                }
                Object::Tuple(items) => {
                    let items = items.clone();
                    let parts = many(self, items)?;
                    if parts.len() == 1 {
                        format!("({},)", parts[0])
                    } else {
                        format!("({})", parts.join(", "))
                    }
                }
                Object::Dict(d) => {
                    let entries = d.to_vec();
                    let mut parts = Vec::with_capacity(entries.len());
                    for (k, v) in entries {
                        let k = self.repr_depth(k, depth + 1)?;
                        let v = self.repr_depth(v, depth + 1)?;
                        parts.push(format!("{k}: {v}"));
                    }
                    format!("{{{}}}", parts.join(", "))
                }
                Object::Set { items, frozen } => {
                    let frozen = *frozen;
                    let keys: Vec<Value> = self
                        .set_order(items)
                        .into_iter()
                        .filter_map(|i| items.slot(i).map(|(k, _)| *k))
                        .collect();
                    let parts = many(self, keys)?;
                    match (frozen, parts.is_empty()) {
                        (false, true) => "set()".into(),
                        (true, true) => "frozenset()".into(),
                        (false, false) => format!("{{{}}}", parts.join(", ")),
                        (true, false) => format!("frozenset({{{}}})", parts.join(", ")),
                    }
                }
                Object::Range { start, stop, step } => {
                    if *step == 1 {
                        format!("range({start}, {stop})")
                    } else {
                        format!("range({start}, {stop}, {step})")
                    }
                }
                Object::Iter(_) => format!("<iterator object at {:#x}>", address(r)),
                Object::DictView { .. } => {
                    let name = self.object(r)?.type_name().to_owned();
                    let items = self.collect_items(v)?;
                    let mut parts = Vec::with_capacity(items.len());
                    for i in items {
                        parts.push(self.repr_depth(i, depth + 1)?);
                    }
                    format!("{name}([{}])", parts.join(", "))
                }
                Object::Exception {
                    class, user, shown, ..
                } => {
                    let (class, user, shown) = (*class, *user, shown.clone());
                    match user {
                        Some(u) => {
                            if let Some(s) = self.call_special(v, "__repr__", Vec::new())? {
                                return self.expect_str(s, "__repr__");
                            }
                            format!("{}({shown})", self.class_name(u)?)
                        }
                        None => format!(
                            "{}({shown})",
                            EXCEPTIONS.get(class as usize).map_or("?", |(n, _)| n),
                        ),
                    }
                }
                Object::Cell(_) => "<cell>".into(),
                Object::Function { code: c, .. } => format!(
                    "<function {} at {:#x}>",
                    self.state
                        .module
                        .codes
                        .get(*c as usize)
                        .map_or("?", |c| c.name.as_str()),
                    address(r)
                ),
                Object::Class(c) => {
                    let name = c.name.clone();
                    let module = super::objects::own_attr(c, "__module__");
                    if c.meta.is_some()
                        && let Some(s) = self.call_special(v, "__repr__", Vec::new())?
                    {
                        return self.expect_str(s, "__repr__");
                    }
                    // Its own `__module__` when it sets one (library classes, the bases of
                    // builtin-type subclasses), else the program's.
                    let module = match module {
                        Some(Value::Ref(m)) => match self.object(m)? {
                            Object::Str(m) => m.clone(),
                            _ => "__main__".into(),
                        },
                        _ => "__main__".into(),
                    };
                    if module == "builtins" {
                        format!("<class '{name}'>")
                    } else {
                        format!("<class '{module}.{name}'>")
                    }
                }
                Object::Instance { class, .. } => {
                    let class = *class;
                    if let Some(s) = self.call_special(v, "__repr__", Vec::new())? {
                        return self.expect_str(s, "__repr__");
                    }
                    if self.bare_object_class() == Some(class) {
                        return Ok(format!("<object object at {:#x}>", address(r)));
                    }
                    format!(
                        "<__main__.{} object at {:#x}>",
                        self.class_name(class)?,
                        address(r)
                    )
                }
                Object::Method { receiver, function } => {
                    let (receiver, function) = (*receiver, *function);
                    let name = match self.lookup_attr(function, "__name__")? {
                        Some(n) => self.str_of(n)?,
                        None => "?".into(),
                    };
                    let owner = self.repr_depth(receiver, depth + 1)?;
                    format!("<bound method {name} of {owner}>")
                }
                Object::Super { .. } => "<super object>".into(),
                Object::BuiltinMethod { name, .. } => format!("<built-in method {name}>"),
                Object::Property { .. } => format!("<property object at {:#x}>", address(r)),
                Object::StaticMethod(_) => "<staticmethod object>".into(),
                Object::ClassMethod(_) => "<classmethod object>".into(),
                Object::Generator(g) => {
                    let name = self.code_name(g.code);
                    format!("<generator object {name} at {:#x}>", address(r))
                }
                Object::Module { name, .. } => format!("<module '{name}'>"),
                Object::HostFunction { name } => format!("<built-in function {name}>"),
                Object::Host { kind, id } => format!("<{kind} {id}>"),
            },
        })
    }
}

/// A stand-in for CPython's object addresses (which differ on every run anyway).
fn address(r: u32) -> u64 {
    0x7f00_0000_0000 + (r as u64) * 0x30
}

/// Python's repr of bytes.
pub(super) fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(quote);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(c as char),
            c => {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("\\x{c:02x}"));
            }
        }
    }
    out.push(quote);
    out
}

/// Two numbers in order: ints and floats compare exactly, as CPython's do.
fn num_order(x: Num, y: Num) -> Option<std::cmp::Ordering> {
    match (x, y) {
        (Num::Int(p), Num::Int(q)) => Some(p.cmp(&q)),
        (Num::Float(p), Num::Float(q)) => p.partial_cmp(&q),
        (Num::Int(p), Num::Float(q)) => super::ints::cmp_i64_float(p, q),
        (Num::Float(p), Num::Int(q)) => super::ints::cmp_i64_float(q, p).map(|o| o.reverse()),
    }
}

/// `a is b`.
pub(super) fn identical(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Ref(x), Value::Ref(y)) => x == y,
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Builtin(x), Value::Builtin(y)) => x == y,
        (Value::ExceptionClass(x), Value::ExceptionClass(y)) => x == y,
        // Small ints are cached in CPython; `is` on equal small ints holds there too.
        (Value::Int(x), Value::Int(y)) => x == y && (-5..=256).contains(&x),
        _ => false,
    }
}

/// The iterator over heap object `r` when it is a range, list, tuple, str or bytes (what `iter`
/// makes for those; the in-frame loop makes it too).
pub(super) fn sequence_iter(heap: &crate::heap::Heap, r: u32) -> Option<Iter> {
    match heap.get(r)? {
        Object::Range { start, stop, step } => Some(Iter::Range {
            next: *start,
            stop: *stop,
            step: *step,
        }),
        Object::List(_)
        | Object::Tuple(_)
        | Object::Str(_)
        | Object::Bytes(_)
        | Object::ByteArray(_) => Some(Iter::Seq {
            of: r,
            index: 0,
            size: 0,
            left: 0,
        }),
        _ => None,
    }
}
