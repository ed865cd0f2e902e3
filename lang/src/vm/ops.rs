//! Operators on user objects (special methods called with a frame, so the result lands on the
//! stack and the VM stays resumable), sets, slice assignment and deletion.

use super::{Raise, Vm, raise};
use crate::code::{BinOp, CmpOp};
use crate::frame::{FrameKind, Operator, Stage};
use crate::heap::Object;
use crate::value::{NOT_IMPLEMENTED, Value};

/// The special method for an operator, its reflected form, and its in-place form.
pub(super) fn binop_methods(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mul => ("__mul__", "__rmul__", "__imul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
    }
}

/// How an operator is written in error messages.
pub(super) fn binop_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "** or pow()",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::LShift => "<<",
        BinOp::RShift => ">>",
    }
}

/// How an ordering is written in error messages.
pub(super) fn cmp_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        _ => ">=",
    }
}

pub(super) fn cmp_methods(op: CmpOp) -> Option<(&'static str, &'static str)> {
    Some(match op {
        CmpOp::Eq => ("__eq__", "__eq__"),
        CmpOp::Ne => ("__ne__", "__ne__"),
        CmpOp::Lt => ("__lt__", "__gt__"),
        CmpOp::Le => ("__le__", "__ge__"),
        CmpOp::Gt => ("__gt__", "__lt__"),
        CmpOp::Ge => ("__ge__", "__le__"),
        _ => return None,
    })
}

impl Vm {
    /// Whether a value is an instance of a user class (special methods may apply).
    pub(super) fn is_user_object(&self, v: Value) -> bool {
        match v {
            Value::Ref(r) => matches!(
                self.state.heap.get(r),
                Some(Object::Instance { .. } | Object::Exception { user: Some(_), .. })
            ),
            _ => false,
        }
    }

    /// `left op right` through special methods, from stage `from` on: the first method that is
    /// there is called with a frame, which carries the rest of the chain (a `NotImplemented` it
    /// returns goes on from there, resumably); a method that answers at once is looked at here.
    /// With no way left, the operator's fallback. `called`: a method already answered
    /// `NotImplemented` (so the fallback must not call them again).
    pub(super) fn operator(
        &mut self,
        op: Operator,
        left: Value,
        right: Value,
        from: Stage,
        mut called: bool,
    ) -> Result<(), Raise> {
        let mut stage = from;
        loop {
            let (target, other, method, next) = match (stage, op) {
                (Stage::Inplace, Operator::Inplace(o)) => {
                    (left, right, binop_methods(o).2, Stage::Forward)
                }
                (Stage::Inplace, _) => {
                    stage = Stage::Forward;
                    continue;
                }
                (Stage::Forward, Operator::Binary(o) | Operator::Inplace(o)) => {
                    // Operands of one class: the reflected method is not tried (as CPython).
                    let then = if self.same_class(left, right)? {
                        Stage::Fallback
                    } else {
                        Stage::Reflected
                    };
                    (left, right, binop_methods(o).0, then)
                }
                (Stage::Reflected, Operator::Binary(o) | Operator::Inplace(o)) => {
                    (right, left, binop_methods(o).1, Stage::Fallback)
                }
                (Stage::Forward | Stage::Reflected, Operator::Compare(c)) => {
                    let Some((forward, reflected)) = cmp_methods(c) else {
                        return self.operator_fallback(op, left, right, called);
                    };
                    if stage == Stage::Forward {
                        (left, right, forward, Stage::Reflected)
                    } else {
                        (right, left, reflected, Stage::Fallback)
                    }
                }
                (Stage::Fallback, _) => return self.operator_fallback(op, left, right, called),
            };
            stage = next;
            if !self.is_user_object(target) {
                continue;
            }
            let Some(m) = self.special(target, method)? else {
                continue;
            };
            called = true;
            let floor = self.state.frames.len();
            self.call_with(m, vec![other], Vec::new())?;
            if self.state.frames.len() > floor {
                if let Some(frame) = self.state.frames.last_mut() {
                    frame.kind = FrameKind::Operator {
                        op,
                        left,
                        right,
                        then: next,
                    };
                }
                return Ok(());
            }
            let v = self.pop()?;
            if v != NOT_IMPLEMENTED {
                return self.push(v);
            }
        }
    }

    /// What an operator does when no special method took it: the builtin operation when none
    /// was there; after `NotImplemented` from all, identity for `==`/`!=`, else TypeError.
    fn operator_fallback(
        &mut self,
        op: Operator,
        left: Value,
        right: Value,
        called: bool,
    ) -> Result<(), Raise> {
        match op {
            Operator::Binary(o) if !called => {
                let r = self.binary(o, left, right)?;
                self.push(r)
            }
            Operator::Inplace(o) if !called => {
                let r = self.inplace_builtin(o, left, right)?;
                self.push(r)
            }
            Operator::Compare(c) if !called => {
                let r = self.compare(c, left, right)?;
                self.push(Value::Bool(r))
            }
            Operator::Compare(CmpOp::Eq) => {
                let same = self.compare(CmpOp::Is, left, right)?;
                self.push(Value::Bool(same))
            }
            Operator::Compare(CmpOp::Ne) => {
                let same = self.compare(CmpOp::Is, left, right)?;
                self.push(Value::Bool(!same))
            }
            Operator::Compare(c) => {
                let symbol = cmp_symbol(c);
                let (ta, tb) = (self.type_name(left)?, self.type_name(right)?);
                raise(
                    "TypeError",
                    format!("'{symbol}' not supported between instances of '{ta}' and '{tb}'"),
                )
            }
            Operator::Binary(o) => self.binary_type_error(o, left, right),
            Operator::Inplace(o) => self.operator_type_error(o, left, right, "="),
        }
    }

    /// Whether both are instances of one user class.
    fn same_class(&self, a: Value, b: Value) -> Result<bool, Raise> {
        let class_of = |v: Value| -> Result<Option<u32>, Raise> {
            Ok(match v {
                Value::Ref(r) => match self.object(r)? {
                    Object::Instance { class, .. } => Some(*class),
                    Object::Exception { user, .. } => *user,
                    _ => None,
                },
                _ => None,
            })
        };
        Ok(matches!((class_of(a)?, class_of(b)?), (Some(x), Some(y)) if x == y))
    }

    /// `a op b` through special methods, run to completion (inside builtins such as `sum`).
    pub(super) fn binary_special_sync(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
    ) -> Result<Option<Value>, Raise> {
        let (method, reflected, _) = binop_methods(op);
        if self.is_user_object(a)
            && let Some(r) = self.call_special(a, method, vec![b])?
            && r != NOT_IMPLEMENTED
        {
            return Ok(Some(r));
        }
        if self.is_user_object(b)
            && !self.same_class(a, b)?
            && let Some(r) = self.call_special(b, reflected, vec![a])?
            && r != NOT_IMPLEMENTED
        {
            return Ok(Some(r));
        }
        Ok(None)
    }

    /// A comparison through special methods with a frame. Whether a method took it.
    pub(super) fn compare_special_frame(
        &mut self,
        op: CmpOp,
        a: Value,
        b: Value,
    ) -> Result<bool, Raise> {
        if cmp_methods(op).is_none() || (!self.is_user_object(a) && !self.is_user_object(b)) {
            return Ok(false);
        }
        if op == CmpOp::Ne
            && self.special(a, "__ne__")?.is_none()
            && self.special(b, "__ne__")?.is_none()
        {
            // `!=` without `__ne__` is the negation of `==`.
            let eq = self.equal(a, b)?;
            self.push(Value::Bool(!eq))?;
            return Ok(true);
        }
        self.operator(Operator::Compare(op), a, b, Stage::Forward, false)?;
        Ok(true)
    }

    /// `container[lo:hi:step] = value` (`None` value: `del`).
    pub(super) fn store_slice(
        &mut self,
        container: Value,
        lo: Value,
        hi: Value,
        step: Value,
        value: Option<Value>,
    ) -> Result<(), Raise> {
        let Value::Ref(r) = container else {
            let t = self.type_name(container)?;
            return raise(
                "TypeError",
                format!("'{t}' object does not support item assignment"),
            );
        };
        match self.object(r)? {
            Object::List(_) => {}
            Object::ByteArray(_) => return self.store_bytearray_slice(r, (lo, hi, step), value),
            other => {
                let t = other.type_name().to_owned();
                return raise(
                    "TypeError",
                    format!("'{t}' object does not support item assignment"),
                );
            }
        }
        // The new items first: collecting them may run Python (a generator) that changes the
        // list, and the bounds are taken from what is there after.
        let new_items = match value {
            Some(v) => Some(self.collect_items(v)?),
            None => None,
        };
        let len = match self.object(r)? {
            Object::List(items) => items.len(),
            _ => return raise("SystemError", "not a list"),
        };
        let (i, j, k) = self.slice_bounds(len, lo, hi, step)?;
        let indices = match (&new_items, k) {
            (Some(_), 1) => Vec::new(),
            _ => self.slice_indices(len, lo, hi, step)?,
        };
        let Some(Object::List(items)) = self.state.heap.get_mut(r) else {
            return raise("SystemError", "not a list");
        };
        match new_items {
            None => {
                let mut drop = indices;
                drop.sort_unstable();
                for i in drop.into_iter().rev() {
                    items.remove(i);
                }
            }
            Some(new) if k == 1 => {
                let (from, to) = (i as usize, j.max(i) as usize);
                items.splice(from..to, new);
            }
            Some(new) => {
                if new.len() != indices.len() {
                    return raise(
                        "ValueError",
                        format!(
                            "attempt to assign sequence of size {} to extended slice of size {}",
                            new.len(),
                            indices.len()
                        ),
                    );
                }
                for (i, v) in indices.into_iter().zip(new) {
                    items[i] = v;
                }
            }
        }
        Ok(())
    }

    /// `del container[index]`.
    pub(super) fn delete_subscript(&mut self, container: Value, index: Value) -> Result<(), Raise> {
        let Value::Ref(r) = container else {
            let t = self.type_name(container)?;
            return raise(
                "TypeError",
                format!("'{t}' object does not support item deletion"),
            );
        };
        let key = match self.object(r)? {
            Object::Dict(_) => Some(self.key(index)?),
            Object::ByteArray(_) => return self.delete_bytearray_item(r, index),
            Object::List(_) => {
                let index = self.as_index(index)?;
                self.check_sequence_index(r, index)?;
                None
            }
            _ => None,
        };
        match (self.state.heap.get_mut(r), key) {
            (Some(Object::List(items)), _) => {
                let i = Self::index(items.len(), index, "list assignment")?;
                items.remove(i);
                Ok(())
            }
            (Some(Object::Dict(d)), Some(key)) => {
                if d.remove(&key).is_none() {
                    return self.key_error(index);
                }
                Ok(())
            }
            (Some(other), _) => {
                let t = other.type_name().to_owned();
                raise(
                    "TypeError",
                    format!("'{t}' object does not support item deletion"),
                )
            }
            (None, _) => raise("SystemError", "dangling reference"),
        }
    }
}
