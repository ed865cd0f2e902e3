//! Sets in the VM: building them, their methods, their operators (in-place ones mutate the set,
//! as in CPython), all through [`crate::set_algebra`] so that tables and orders are CPython's.

use super::methods::Args;
use super::{Raise, Vm, raise};
use crate::code::BinOp;
use crate::heap::{Dict, Key, Object};
use crate::set_algebra::{self, Keyed, Operand};
use crate::set_table::int_hash;
use crate::value::Value;

/// Whether two values are one heap object.
fn same(a: Value, b: Value) -> bool {
    matches!((a, b), (Value::Ref(x), Value::Ref(y)) if x == y)
}

/// The most entries a set made from a known number of items is sized for up front: duplicates
/// make the items an upper bound only, and a table reserved for them all would hold memory
/// the heap's limit does not count (it counts entries).
const SET_PRESIZE_MAX: usize = 1024;

/// The key and CPython hash of an int or bool, which need nothing from the heap (what
/// `Vm::key` and `Vm::stable_hash` give for them); `None` for any other value.
pub(super) fn int_keyed(v: Value) -> Option<(Key, i64)> {
    let i = match v {
        Value::Int(i) => i,
        Value::Bool(b) => i64::from(b),
        _ => return None,
    };
    Some((Key::Int(i), int_hash(i)))
}

impl Vm {
    /// A value's dict key and, when it does not depend on the process, its CPython hash.
    fn keyed(&mut self, v: Value) -> Result<Keyed, Raise> {
        if let Some((key, hash)) = int_keyed(v) {
            return Ok((key, v, Some(hash)));
        }
        let key = self.key(v)?;
        Ok((key, v, self.stable_hash(v, 0)))
    }

    fn keyed_all(&mut self, items: Vec<Value>) -> Result<Vec<Keyed>, Raise> {
        items.into_iter().map(|v| self.keyed(v)).collect()
    }

    /// A set of `items` added in order (a display `{a, b}`, a comprehension's start).
    pub(super) fn make_set(&mut self, items: Vec<Value>, frozen: bool) -> Result<Value, Raise> {
        let mut set = Dict::new_set_with_capacity(items.len().min(SET_PRESIZE_MAX));
        for v in items {
            let (key, v, hash) = self.keyed(v)?;
            set.insert_hashed(key, v, Value::None, hash);
        }
        self.alloc(Object::Set { items: set, frozen })
    }

    /// A set display of constants, as CPython 3.11 makes it: the compiler's frozenset of the
    /// items, remade from its own iteration order when the constants are merged, then (for a
    /// display, not a `for` over one) merged into a new set (`SET_UPDATE`).
    pub(super) fn make_constant_set(
        &mut self,
        items: Vec<Value>,
        frozen: bool,
    ) -> Result<Value, Raise> {
        let mut constant = Dict::new_set();
        for v in items {
            let (key, v, hash) = self.keyed(v)?;
            constant.insert_hashed(key, v, Value::None, hash);
        }
        let mut remade = Dict::new_set();
        for (key, v, hash) in constant.set_entries() {
            remade.insert_hashed(key.clone(), v, Value::None, hash);
        }
        let items = if frozen {
            remade
        } else {
            let mut set = Dict::new_set();
            set.merge_set(&remade);
            set
        };
        self.alloc(Object::Set { items, frozen })
    }

    /// `{*v}`: the set `target` updated with `v` as `set.update` would.
    pub(super) fn set_update(&mut self, target: u32, v: Value) -> Result<(), Raise> {
        let other = self.operand(v)?;
        self.with_dict(Value::Ref(target), |d| set_algebra::update(d, &other))
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
            // Any iterable but a set or dict: each item added as it comes, with no list of
            // keys made first (the common `set(generator)`).
            Some(x) if !self.is_set_or_dict(x)? => {
                let items = self.collect_items(x)?;
                let mut set = Dict::new_set_with_capacity(items.len().min(SET_PRESIZE_MAX));
                for v in items {
                    let (key, v, hash) = self.keyed(v)?;
                    set.insert_hashed(key, v, Value::None, hash);
                }
                set
            }
            Some(x) => {
                let other = self.operand(x)?;
                set_algebra::from_operand(&other)
            }
        };
        self.alloc(Object::Set { items, frozen })
    }

    fn is_set_or_dict(&self, v: Value) -> Result<bool, Raise> {
        Ok(match v {
            Value::Ref(r) => matches!(self.object(r)?, Object::Set { .. } | Object::Dict(_)),
            _ => false,
        })
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
                let at = self.with_dict(receiver, |d| d.pop_position())?;
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

    /// A set's or frozenset's entries and kind.
    fn set_of(&self, v: Value) -> Result<Option<(Dict, bool)>, Raise> {
        if let Value::Ref(r) = v
            && let Object::Set { items, frozen } = self.object(r)?
        {
            return Ok(Some((items.clone(), *frozen)));
        }
        Ok(None)
    }

    /// Whether `v` is a dict's keys or items view (which take part in set operators).
    fn set_like_view(&self, v: Value) -> Result<Option<(u32, crate::heap::ViewKind)>, Raise> {
        if let Value::Ref(r) = v
            && let Object::DictView { dict, kind } = self.object(r)?
            && !matches!(kind, crate::heap::ViewKind::Values)
        {
            return Ok(Some((*dict, *kind)));
        }
        Ok(None)
    }

    /// `a | b`, `a & b`, `a - b`, `a ^ b` on sets (the left operand's kind wins), or with a
    /// dict's keys or items view on either side (a set results, as CPython's view operators
    /// make one).
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
        if self.set_like_view(a)?.is_some() || self.set_like_view(b)?.is_some() {
            return self.view_binary(op, a, b).map(Some);
        }
        let (Some((x, frozen)), Some((y, _))) = (self.set_of(a)?, self.set_of(b)?) else {
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

    /// CPython's dict view operators: the left operand made a set (a keys view from its dict,
    /// sized once), then updated with the right one; `&` walks the smaller side.
    fn view_binary(&mut self, op: BinOp, a: Value, b: Value) -> Result<Value, Raise> {
        if op == BinOp::BitAnd {
            return self.view_intersection(a, b);
        }
        let mut items = match self.set_like_view(a)? {
            Some((dict, crate::heap::ViewKind::Keys)) => {
                let keys: Vec<Value> = match self.object(dict)? {
                    Object::Dict(d) => d.iter().map(|(k, _)| *k).collect(),
                    _ => Vec::new(),
                };
                set_algebra::from_operand(&Operand::Dict(self.keyed_all(keys)?))
            }
            _ => {
                let left = self.operand(a)?;
                set_algebra::from_operand(&left)
            }
        };
        let other = self.operand(b)?;
        match op {
            BinOp::BitOr => set_algebra::update(&mut items, &other),
            BinOp::Sub => set_algebra::difference_update(&mut items, &other),
            _ => set_algebra::symmetric_difference_update(&mut items, &other),
        }
        self.alloc(Object::Set {
            items,
            frozen: false,
        })
    }

    fn view_intersection(&mut self, a: Value, b: Value) -> Result<Value, Raise> {
        let (mut view, mut other) = if self.set_like_view(a)?.is_some() {
            (a, b)
        } else {
            (b, a)
        };
        let view_len = self.len_of(view)?;
        if let Some((set, false)) = self.set_of(other)?
            && view_len <= set.len()
        {
            let walked = self.operand(view)?;
            let items = set_algebra::intersection(&set, &walked);
            return self.alloc(Object::Set {
                items,
                frozen: false,
            });
        }
        if self.set_like_view(other)?.is_some() && self.len_of(other)? > view_len {
            std::mem::swap(&mut view, &mut other);
        }
        let walked = self.collect_items(other)?;
        let mut items = Dict::new_set();
        for v in walked {
            if self.contains(view, v)? {
                let (key, v, hash) = self.keyed(v)?;
                items.insert_hashed(key, v, Value::None, hash);
            }
        }
        self.alloc(Object::Set {
            items,
            frozen: false,
        })
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
    /// list repeated (`*=`), a dict updated (`|=`, from any mapping or iterable of pairs).
    /// None for everything else (the result of `a op b` is bound instead).
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
        if op == BinOp::BitOr && matches!(self.object(x)?, Object::Dict(_)) {
            // `d |= other` is `d.update(other)`: any mapping or iterable of pairs.
            for (k, v) in self.update_pairs(b)? {
                let key = self.key(k)?;
                self.with_dict(a, |d| d.insert(key, k, v))?;
            }
            return Ok(Some(a));
        }
        if !(op == BinOp::Mul && matches!(self.object(x)?, Object::List(_))) {
            return Ok(None);
        }
        // The operator's own result (and its TypeErrors), moved into `a`.
        let Value::Ref(r) = self.binary(op, a, b)? else {
            return raise("SystemError", "in-place result");
        };
        // The result is new and referenced nowhere else: its items are moved, not copied.
        let result = match self.state.heap.get_mut(r) {
            Some(Object::List(items)) => Object::List(std::mem::take(items)),
            _ => return raise("SystemError", "in-place result"),
        };
        if let Some(target) = self.state.heap.get_mut(x) {
            *target = result;
        }
        Ok(Some(a))
    }
}
