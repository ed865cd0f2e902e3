//! Sets in the VM: building them, their methods, their operators (in-place ones mutate the set,
//! as in CPython), all through [`crate::set_algebra`] so that tables and orders are CPython's.

use super::methods::Args;
use super::{Raise, Vm, raise};
use crate::code::BinOp;
use crate::heap::{Dict, Object};
use crate::set_algebra::{self, Keyed, Operand};
use crate::value::Value;

/// Whether two values are one heap object.
fn same(a: Value, b: Value) -> bool {
    matches!((a, b), (Value::Ref(x), Value::Ref(y)) if x == y)
}

impl Vm {
    /// A value's dict key and, when it does not depend on the process, its CPython hash.
    fn keyed(&mut self, v: Value) -> Result<Keyed, Raise> {
        let key = self.key(v)?;
        Ok((key, v, self.stable_hash(v, 0)))
    }

    fn keyed_all(&mut self, items: Vec<Value>) -> Result<Vec<Keyed>, Raise> {
        items.into_iter().map(|v| self.keyed(v)).collect()
    }

    /// A set of `items` added in order (a display `{a, b}`, a comprehension's start).
    pub(super) fn make_set(&mut self, items: Vec<Value>, frozen: bool) -> Result<Value, Raise> {
        let mut set = Dict::new_set();
        for v in items {
            let (key, v, hash) = self.keyed(v)?;
            set.insert_hashed(key, v, Value::None, hash);
        }
        self.alloc(Object::Set { items: set, frozen })
    }

    /// A set display of constants, as CPython 3.11 makes it: the compiler's frozenset of the
    /// items, remade from its own iteration order when the constants are merged, then merged
    /// into a new set (`SET_UPDATE`).
    pub(super) fn make_constant_set(&mut self, items: Vec<Value>) -> Result<Value, Raise> {
        let mut constant = Dict::new_set();
        for v in items {
            let (key, v, hash) = self.keyed(v)?;
            constant.insert_hashed(key, v, Value::None, hash);
        }
        let mut remade = Dict::new_set();
        for (key, v, hash) in constant.set_entries() {
            remade.insert_hashed(key.clone(), v, Value::None, hash);
        }
        let mut set = Dict::new_set();
        set.merge_set(&remade);
        self.alloc(Object::Set {
            items: set,
            frozen: false,
        })
    }

    /// Adds `v` to the set `target` (a set comprehension's step).
    pub(super) fn set_add(&mut self, target: u32, v: Value) -> Result<(), Raise> {
        let (key, v, hash) = self.keyed(v)?;
        match self.state.heap.get_mut(target) {
            Some(Object::Set { items, .. }) => {
                items.insert_hashed(key, v, Value::None, hash);
                Ok(())
            }
            _ => raise("SystemError", "set target"),
        }
    }

    /// `set(x)` and `frozenset(x)`.
    pub(super) fn set_from(&mut self, x: Option<Value>, frozen: bool) -> Result<Value, Raise> {
        let items = match x {
            None => Dict::new_set(),
            Some(x) => {
                let other = self.operand(x)?;
                set_algebra::from_operand(&other)
            }
        };
        self.alloc(Object::Set { items, frozen })
    }

    /// The other side of a set method: a set's entries, a dict's keys or an iterable's items.
    fn operand(&mut self, v: Value) -> Result<Operand, Raise> {
        if let Value::Ref(r) = v {
            match self.object(r)? {
                Object::Set { items, .. } => return Ok(Operand::Set(items.clone())),
                Object::Dict(d) => {
                    let keys: Vec<Value> = d.iter().map(|(k, _)| *k).collect();
                    return Ok(Operand::Dict(self.keyed_all(keys)?));
                }
                _ => {}
            }
        }
        let items = self.collect_items(v)?;
        Ok(Operand::Items(self.keyed_all(items)?))
    }

    pub(super) fn set_method(&mut self, receiver: Value, a: &mut Args<'_>) -> Result<Value, Raise> {
        let name = a.method;
        let frozen = matches!(receiver, Value::Ref(r) if matches!(self.object(r)?, Object::Set { frozen: true, .. }));
        let mutating = matches!(
            name,
            "add"
                | "remove"
                | "discard"
                | "pop"
                | "clear"
                | "update"
                | "difference_update"
                | "intersection_update"
                | "symmetric_difference_update"
        );
        if frozen && mutating {
            return self.no_method(receiver, name);
        }
        match name {
            "add" => {
                a.exactly(1)?;
                let (key, v, hash) = self.keyed(a.positional[0])?;
                self.with_dict(receiver, |d| d.insert_hashed(key, v, Value::None, hash))?;
                Ok(Value::None)
            }
            "remove" | "discard" => {
                a.exactly(1)?;
                let v = a.positional[0];
                let key = self.key(v)?;
                let removed = self.with_dict(receiver, |d| d.remove(&key))?;
                if removed.is_none() && name == "remove" {
                    return self.key_error(v);
                }
                Ok(Value::None)
            }
            "pop" => {
                a.done(0)?;
                let at = if self.dict_ref(receiver)?.table().is_some() {
                    self.with_dict(receiver, |d| d.pop_position())?
                } else {
                    // A set that lost its table (it held a str once) pops what it iterates
                    // first.
                    let set = self.dict_ref(receiver)?;
                    self.set_order(set).first().copied()
                };
                let popped = at.and_then(|at| self.dict_ref(receiver).ok()?.slot(at).copied());
                let Some((k, _)) = popped else {
                    return raise("KeyError", "'pop from an empty set'");
                };
                let key = self.key(k)?;
                self.with_dict(receiver, |d| d.remove(&key))?;
                Ok(k)
            }
            "clear" => {
                a.done(0)?;
                self.with_dict(receiver, |d| d.replace_set(Dict::new_set()))?;
                Ok(Value::None)
            }
            "copy" => {
                a.done(0)?;
                if frozen {
                    // CPython hands back the frozenset itself.
                    return Ok(receiver);
                }
                let items = self.dict_ref(receiver)?.set_copy();
                self.alloc(Object::Set { items, frozen })
            }
            "update" | "difference_update" => {
                let others = std::mem::take(&mut a.positional);
                a.done(0)?;
                for other in others {
                    if same(other, receiver) {
                        if name == "difference_update" {
                            self.with_dict(receiver, |d| d.replace_set(Dict::new_set()))?;
                        }
                        continue;
                    }
                    let other = self.operand(other)?;
                    self.with_dict(receiver, |d| match name {
                        "update" => set_algebra::update(d, &other),
                        _ => set_algebra::difference_update(d, &other),
                    })?;
                }
                Ok(Value::None)
            }
            "union" => {
                let others = std::mem::take(&mut a.positional);
                a.done(0)?;
                let mut items = self.dict_ref(receiver)?.set_copy();
                for other in others {
                    if !same(other, receiver) {
                        let other = self.operand(other)?;
                        set_algebra::update(&mut items, &other);
                    }
                }
                self.alloc(Object::Set { items, frozen })
            }
            "intersection" | "intersection_update" | "difference" => {
                let others = std::mem::take(&mut a.positional);
                a.done(0)?;
                // Each step works on the previous result; the first on the receiver itself
                // (its own table order, not a copy's).
                let receiver_items = self.dict_of(receiver)?;
                let mut current: Option<Dict> = None;
                for other in others {
                    if current.is_none() && same(other, receiver) && name != "difference" {
                        current = Some(receiver_items.set_copy());
                        continue;
                    }
                    let other = self.operand(other)?;
                    let base = current.as_ref().unwrap_or(&receiver_items);
                    current = Some(match (name, current.is_some()) {
                        ("difference", false) => set_algebra::difference(base, &other),
                        ("difference", true) => {
                            let mut next = current.take().unwrap_or_default();
                            set_algebra::difference_update(&mut next, &other);
                            next
                        }
                        _ => set_algebra::intersection(base, &other),
                    });
                }
                let items = current.unwrap_or_else(|| receiver_items.set_copy());
                if name == "intersection_update" {
                    self.with_dict(receiver, |d| d.replace_set(items))?;
                    return Ok(Value::None);
                }
                self.alloc(Object::Set { items, frozen })
            }
            "symmetric_difference" | "symmetric_difference_update" => {
                a.exactly(1)?;
                let other = a.positional[0];
                let itself = same(other, receiver);
                let other = self.operand(other)?;
                if name == "symmetric_difference" {
                    let items = set_algebra::symmetric_difference(self.dict_ref(receiver)?, &other);
                    return self.alloc(Object::Set { items, frozen });
                }
                self.with_dict(receiver, |d| {
                    if itself {
                        d.replace_set(Dict::new_set());
                    } else {
                        set_algebra::symmetric_difference_update(d, &other);
                    }
                })?;
                Ok(Value::None)
            }
            "issubset" | "issuperset" | "isdisjoint" => {
                a.exactly(1)?;
                let items = self.collect_items(a.positional[0])?;
                let mut theirs = Dict::default();
                for v in items {
                    let key = self.key(v)?;
                    theirs.insert(key, v, Value::None);
                }
                let mine = self.dict_ref(receiver)?;
                Ok(Value::Bool(match name {
                    "issubset" => mine.keys().all(|k| theirs.contains(k)),
                    "issuperset" => theirs.keys().all(|k| mine.contains(k)),
                    _ => !mine.keys().any(|k| theirs.contains(k)),
                }))
            }
            _ => self.no_method(receiver, name),
        }
    }

    /// The entries of a set, or of a dict's keys or items view, for set operators.
    /// A dict's `keys()` and `items()` views take part as the sets they are (`d.keys() & s`);
    /// their result is a set.
    pub(super) fn set_items(&mut self, v: Value) -> Result<Option<(Dict, bool)>, Raise> {
        let Value::Ref(r) = v else {
            return Ok(None);
        };
        let (dict, kind) = match self.object(r)? {
            Object::Set { items, frozen } => return Ok(Some((items.clone(), *frozen))),
            Object::DictView { dict, kind } => (*dict, *kind),
            _ => return Ok(None),
        };
        let entries = match self.object(dict)? {
            Object::Dict(d) => d.to_vec(),
            _ => return Ok(None),
        };
        let mut set = Dict::new_set();
        for (k, v) in entries {
            let item = match kind {
                crate::heap::ViewKind::Keys => k,
                crate::heap::ViewKind::Items => self.alloc(Object::Tuple(vec![k, v]))?,
                _ => return Ok(None),
            };
            let (key, item, hash) = self.keyed(item)?;
            set.insert_hashed(key, item, Value::None, hash);
        }
        Ok(Some((set, false)))
    }

    /// `a | b`, `a & b`, `a - b`, `a ^ b` on sets (the left operand's kind wins).
    pub(super) fn set_binary(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
    ) -> Result<Option<Value>, Raise> {
        // Only these are set operators: nothing is copied for any other.
        if !matches!(
            op,
            BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor
        ) {
            return Ok(None);
        }
        let (Some((x, frozen)), Some((y, _))) = (self.set_items(a)?, self.set_items(b)?) else {
            return Ok(None);
        };
        let itself = same(a, b);
        let y = Operand::Set(y);
        let items = match op {
            BinOp::BitOr | BinOp::BitAnd if itself => x.set_copy(),
            BinOp::BitOr => set_algebra::union(&x, &y),
            BinOp::BitAnd => set_algebra::intersection(&x, &y),
            BinOp::Sub => set_algebra::difference(&x, &y),
            _ => set_algebra::symmetric_difference(&x, &y),
        };
        self.alloc(Object::Set { items, frozen }).map(Some)
    }

    /// `a |= b`, `a &= b`, `a -= b`, `a ^= b` with a set on each side: `a` changes in place
    /// (every name bound to it sees the change). None when they are not both sets.
    pub(super) fn set_inplace(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
    ) -> Result<Option<Value>, Raise> {
        let (Value::Ref(x), Value::Ref(y)) = (a, b) else {
            return Ok(None);
        };
        let sets = matches!(self.object(x)?, Object::Set { frozen: false, .. })
            && matches!(self.object(y)?, Object::Set { .. });
        if !sets
            || !matches!(
                op,
                BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor
            )
        {
            return Ok(None);
        }
        let itself = x == y;
        let other = Operand::Set(self.dict_ref(b)?.clone());
        self.with_dict(a, |d| match op {
            BinOp::BitOr if itself => {}
            BinOp::BitOr => set_algebra::update(d, &other),
            BinOp::BitAnd if itself => d.replace_set(d.set_copy()),
            BinOp::BitAnd => d.replace_set(set_algebra::intersection(d, &other)),
            BinOp::Sub | BinOp::BitXor if itself => d.replace_set(Dict::new_set()),
            BinOp::Sub => set_algebra::difference_update(d, &other),
            _ => set_algebra::symmetric_difference_update(d, &other),
        })?;
        Ok(Some(a))
    }

    /// `a op= b` for the builtin containers CPython changes in place: sets (`|= &= -= ^=`), a
    /// list repeated (`*=`), a dict merged (`|=`). None for everything else (the result of
    /// `a op b` is bound instead).
    pub(super) fn inplace_container(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
    ) -> Result<Option<Value>, Raise> {
        if let Some(r) = self.set_inplace(op, a, b)? {
            return Ok(Some(r));
        }
        let Value::Ref(x) = a else {
            return Ok(None);
        };
        let in_place = matches!(
            (op, self.object(x)?),
            (BinOp::Mul, Object::List(_)) | (BinOp::BitOr, Object::Dict(_))
        );
        if !in_place {
            return Ok(None);
        }
        // The operator's own result (and its TypeErrors), moved into `a`.
        let Value::Ref(r) = self.binary(op, a, b)? else {
            return raise("SystemError", "in-place result");
        };
        let result = match self.object(r)? {
            Object::List(items) => Object::List(items.clone()),
            Object::Dict(d) => Object::Dict(d.clone()),
            _ => return raise("SystemError", "in-place result"),
        };
        if let Some(target) = self.state.heap.get_mut(x) {
            *target = result;
        }
        Ok(Some(a))
    }
}
