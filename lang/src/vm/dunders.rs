//! Special methods of builtin values called by name — `[1, 2].__len__()`, `int.__add__(1, 2)`,
//! `dict.__getitem__(d, k)`, `super().__eq__(other)` reaching a builtin — each the operation its
//! syntax performs. Which type has which follows CPython's slots (so `hasattr([], '__sub__')` is
//! False and `[].__hash__` stays missing, where CPython has None); a binary method given an
//! operand its type does not handle returns `NotImplemented`, as CPython's do, rather than
//! raising.

use super::{Raise, Vm, raise};
use crate::code::{BinOp, CmpOp};
use crate::heap::Object;
use crate::value::{NOT_IMPLEMENTED, Value};

/// Every builtin value's (an order a type lacks answers `NotImplemented`).
const OBJECT: &[&str] = &[
    "__repr__",
    "__str__",
    "__eq__",
    "__ne__",
    "__format__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
];
const NUMBER: &[&str] = &[
    "__add__",
    "__radd__",
    "__sub__",
    "__rsub__",
    "__mul__",
    "__rmul__",
    "__truediv__",
    "__rtruediv__",
    "__floordiv__",
    "__rfloordiv__",
    "__mod__",
    "__rmod__",
    "__pow__",
    "__rpow__",
    "__divmod__",
    "__rdivmod__",
    "__neg__",
    "__pos__",
    "__abs__",
    "__bool__",
    "__int__",
    "__float__",
    "__round__",
    "__hash__",
];
const INT: &[&str] = &[
    "__and__",
    "__rand__",
    "__or__",
    "__ror__",
    "__xor__",
    "__rxor__",
    "__lshift__",
    "__rlshift__",
    "__rshift__",
    "__rrshift__",
    "__invert__",
    "__index__",
];
const SEQUENCE: &[&str] = &[
    "__len__",
    "__iter__",
    "__getitem__",
    "__contains__",
    "__add__",
    "__mul__",
    "__rmul__",
];
const MUTABLE: &[&str] = &["__setitem__", "__delitem__"];
const SET: &[&str] = &[
    "__len__",
    "__iter__",
    "__contains__",
    "__and__",
    "__rand__",
    "__or__",
    "__ror__",
    "__xor__",
    "__rxor__",
    "__sub__",
    "__rsub__",
];
const DICT: &[&str] = &[
    "__len__",
    "__iter__",
    "__getitem__",
    "__setitem__",
    "__delitem__",
    "__contains__",
    "__or__",
    "__ror__",
];
const RANGE: &[&str] = &["__len__", "__iter__", "__getitem__", "__contains__"];

/// Whether values of builtin type `t` have special method `name`.
pub(super) fn has(t: &str, name: &str) -> bool {
    if !name.starts_with("__") {
        return false;
    }
    let tables: &[&[&str]] = match t {
        "int" | "bool" => &[OBJECT, NUMBER, INT],
        "float" => &[OBJECT, NUMBER],
        "str" | "bytes" => &[OBJECT, SEQUENCE, &["__hash__", "__mod__"]],
        "tuple" => &[OBJECT, SEQUENCE, &["__hash__"]],
        // Their `__hash__` is None (`unhashable`).
        "list" | "bytearray" => &[OBJECT, SEQUENCE, MUTABLE, &["__hash__"]],
        "dict" => &[OBJECT, DICT, &["__hash__"]],
        "set" => &[OBJECT, SET, &["__hash__"]],
        "frozenset" => &[OBJECT, SET, &["__hash__"]],
        "range" => &[OBJECT, RANGE, &["__hash__"]],
        _ => return false,
    };
    tables.iter().any(|table| table.contains(&name))
}

/// The builtin type name [`has`] reads for `v`, if it is a builtin value.
pub(super) fn kind(vm: &Vm, v: Value) -> Result<Option<&'static str>, Raise> {
    Ok(Some(match v {
        Value::Int(_) => "int",
        Value::Bool(_) => "bool",
        Value::Float(_) => "float",
        Value::Ref(r) => match vm.object(r)? {
            Object::BigInt(_) => "int",
            Object::Str(_) => "str",
            Object::Bytes(_) => "bytes",
            Object::ByteArray(_) => "bytearray",
            Object::Tuple(_) => "tuple",
            Object::List(_) => "list",
            Object::Dict(_) => "dict",
            Object::Set { frozen: false, .. } => "set",
            Object::Set { frozen: true, .. } => "frozenset",
            Object::Range { .. } => "range",
            _ => return Ok(None),
        },
        _ => return Ok(None),
    }))
}

fn binary_op(name: &str) -> Option<(BinOp, bool)> {
    let (op, reflected) = match name.strip_prefix("__r") {
        // `__rshift__` is `>>`, not a reflected `__shift__`.
        Some(rest) if name != "__rshift__" && name != "__repr__" => (rest, true),
        _ => (&name[2..], false),
    };
    let op = match op.trim_end_matches("__") {
        "add" => BinOp::Add,
        "sub" => BinOp::Sub,
        "mul" => BinOp::Mul,
        "truediv" => BinOp::Div,
        "floordiv" => BinOp::FloorDiv,
        "mod" => BinOp::Mod,
        "pow" => BinOp::Pow,
        "and" => BinOp::BitAnd,
        "or" => BinOp::BitOr,
        "xor" => BinOp::BitXor,
        "lshift" => BinOp::LShift,
        "rshift" => BinOp::RShift,
        _ => return None,
    };
    Some((op, reflected))
}

fn is_number(kind: Option<&str>) -> bool {
    matches!(kind, Some("int" | "bool" | "float"))
}

impl Vm {
    /// `receiver.name(*args)` for a builtin value whose type has `name` ([`has`]).
    pub(super) fn dunder(
        &mut self,
        receiver: Value,
        name: &str,
        args: Vec<Value>,
    ) -> Result<Value, Raise> {
        let me = kind(self, receiver)?;
        let arity = |n: usize| -> Result<(), Raise> {
            if args.len() == n {
                Ok(())
            } else {
                raise(
                    "TypeError",
                    format!(
                        "expected {n} argument{}, got {}",
                        if n == 1 { "" } else { "s" },
                        args.len()
                    ),
                )
            }
        };
        if let Some((op, reflected)) = binary_op(name) {
            arity(1)?;
            let other = args[0];
            let them = kind(self, other)?;
            // What the type's own slot accepts; anything else is the other operand's to try.
            let handled = match me {
                Some("int" | "bool")
                    if matches!(
                        op,
                        BinOp::BitAnd
                            | BinOp::BitOr
                            | BinOp::BitXor
                            | BinOp::LShift
                            | BinOp::RShift
                    ) =>
                {
                    matches!(them, Some("int" | "bool"))
                }
                Some("int" | "bool") => matches!(them, Some("int" | "bool")),
                Some("float") => is_number(them),
                Some("str" | "bytes") if op == BinOp::Mod => !reflected,
                // Concatenation and repetition raise on a wrong operand rather than defer.
                Some("str" | "bytes" | "bytearray" | "tuple" | "list") => true,
                Some("set" | "frozenset") => matches!(them, Some("set" | "frozenset")),
                Some("dict") => them == Some("dict"),
                _ => false,
            };
            if !handled {
                return Ok(NOT_IMPLEMENTED);
            }
            let (a, b) = if reflected {
                (other, receiver)
            } else {
                (receiver, other)
            };
            return self.binary(op, a, b);
        }
        let compare = match name {
            "__eq__" => Some(CmpOp::Eq),
            "__ne__" => Some(CmpOp::Ne),
            "__lt__" => Some(CmpOp::Lt),
            "__le__" => Some(CmpOp::Le),
            "__gt__" => Some(CmpOp::Gt),
            "__ge__" => Some(CmpOp::Ge),
            _ => None,
        };
        if let Some(op) = compare {
            arity(1)?;
            let them = kind(self, args[0])?;
            let ordering = !matches!(op, CmpOp::Eq | CmpOp::Ne);
            let comparable = match me {
                // `int.__eq__(1.0)` defers to float's; float's takes ints.
                Some("int" | "bool") => matches!(them, Some("int" | "bool")),
                Some("float") => is_number(them),
                Some("set" | "frozenset") => matches!(them, Some("set" | "frozenset")),
                Some("dict" | "range") if ordering => false,
                _ => them == me,
            };
            if !comparable {
                return Ok(NOT_IMPLEMENTED);
            }
            return self.compare(op, receiver, args[0]).map(Value::Bool);
        }
        match name {
            "__len__" => {
                arity(0)?;
                Ok(Value::Int(self.len_of(receiver)? as i64))
            }
            "__iter__" => {
                arity(0)?;
                self.iter(receiver)
            }
            "__contains__" => {
                arity(1)?;
                self.contains(receiver, args[0]).map(Value::Bool)
            }
            "__getitem__" => {
                arity(1)?;
                self.subscript(receiver, args[0])
            }
            "__setitem__" => {
                arity(2)?;
                match self.slice_parts(args[0])? {
                    Some((lo, hi, step)) => {
                        self.store_slice(receiver, lo, hi, step, Some(args[1]))?
                    }
                    None => self.store_subscript(receiver, args[0], args[1])?,
                }
                Ok(Value::None)
            }
            "__delitem__" => {
                arity(1)?;
                match self.slice_parts(args[0])? {
                    Some((lo, hi, step)) => self.store_slice(receiver, lo, hi, step, None)?,
                    None => self.delete_subscript(receiver, args[0])?,
                }
                Ok(Value::None)
            }
            "__bool__" => {
                arity(0)?;
                self.truthy(receiver).map(Value::Bool)
            }
            "__neg__" | "__pos__" | "__invert__" => {
                arity(0)?;
                let (op, by) = match name {
                    "__neg__" => (BinOp::Mul, Value::Int(-1)),
                    "__invert__" => (BinOp::BitXor, Value::Int(-1)),
                    // `+True` is 1: an int, not the bool.
                    _ => (BinOp::Add, Value::Int(0)),
                };
                match (name, receiver) {
                    ("__pos__", Value::Float(_)) => Ok(receiver),
                    _ => self.binary(op, receiver, by),
                }
            }
            "__index__" => {
                arity(0)?;
                match receiver {
                    Value::Bool(b) => Ok(Value::Int(i64::from(b))),
                    _ => Ok(receiver),
                }
            }
            _ => {
                // What a builtin function of the name does: `len`, `repr`, `hash`, `abs`,
                // `int`, `float`, `round`, `divmod`, `format`, `str`.
                let builtin = match name {
                    "__repr__" => "repr",
                    "__str__" => "str",
                    "__hash__" => "hash",
                    "__abs__" => "abs",
                    "__int__" => "int",
                    "__float__" => "float",
                    "__round__" => "round",
                    "__format__" => "format",
                    "__divmod__" | "__rdivmod__" => "divmod",
                    _ => return self.no_method(receiver, name),
                };
                let mut all = Vec::with_capacity(args.len() + 1);
                if name == "__rdivmod__" {
                    arity(1)?;
                    if !is_number(kind(self, args[0])?) {
                        return Ok(NOT_IMPLEMENTED);
                    }
                    all.push(args[0]);
                    all.push(receiver);
                } else {
                    if name == "__divmod__" && (args.len() != 1 || !is_number(kind(self, args[0])?))
                    {
                        arity(1)?;
                        return Ok(NOT_IMPLEMENTED);
                    }
                    all.push(receiver);
                    all.extend(args);
                }
                let f = self.builtin_value(builtin);
                self.call_sync(f, all, Vec::new())
            }
        }
    }
}
