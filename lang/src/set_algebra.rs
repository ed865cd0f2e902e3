//! Set operations on [`Dict`] entries in the order CPython 3.11's `setobject.c` performs them,
//! so that the result's table — and so its iteration order and what `pop()` takes — is
//! CPython's: which operand is walked, in which order, and whether the result starts as a copy.
//!
//! Boundary: pure data. Keys and their hashes come from the sets' tables or, for any other
//! iterable, from the VM ([`Keyed`]); nothing here calls back into Python.

use crate::heap::{Dict, Key};
use crate::value::Value;

/// An element of a non-set operand: its dict key, the value, its CPython hash when stable.
pub type Keyed = (Key, Value, Option<i64>);

/// The other side of a set operation, as CPython tells them apart.
pub enum Operand {
    /// A set or frozenset: its table is walked.
    Set(Dict),
    /// A dict: its keys in order (an update sizes the table for them once).
    Dict(Vec<Keyed>),
    /// Any other iterable's items, in order.
    Items(Vec<Keyed>),
}

/// Adds every element not yet in `set`, in order (CPython's `set_add_key` per item).
fn add_all(set: &mut Dict, items: &[Keyed]) {
    for (key, v, hash) in items {
        set.insert_hashed(key.clone(), *v, Value::None, *hash);
    }
}

/// A new set holding `items` added in order.
fn built(items: &[Keyed], from_dict: bool) -> Dict {
    let mut set = Dict::new_set();
    if from_dict {
        set.reserve_set(items.len());
    }
    add_all(&mut set, items);
    set
}

/// `set.update(other)` and `|=`.
pub fn update(set: &mut Dict, other: &Operand) {
    match other {
        Operand::Set(d) => set.merge_set(d),
        Operand::Dict(items) => {
            set.reserve_set(items.len());
            add_all(set, items);
        }
        Operand::Items(items) => add_all(set, items),
    }
}

/// `set(other)` / `frozenset(other)`.
pub fn from_operand(other: &Operand) -> Dict {
    let mut set = Dict::new_set();
    update(&mut set, other);
    set
}

/// `x | y` and `x.union(y)`: a copy of `x`, then `y` merged in.
pub fn union(x: &Dict, y: &Operand) -> Dict {
    let mut out = x.set_copy();
    update(&mut out, y);
    out
}

/// `x & y` and `x.intersection(y)`: the smaller set is walked (the right one on a tie), each
/// of its elements that the other holds added in its order; an iterable is walked as given.
pub fn intersection(x: &Dict, y: &Operand) -> Dict {
    let mut out = Dict::new_set();
    match y {
        Operand::Set(y) => {
            let (walked, probed) = if y.len() > x.len() { (x, y) } else { (y, x) };
            for (key, v, hash) in walked.set_entries() {
                if probed.contains(key) {
                    out.insert_hashed(key.clone(), v, Value::None, hash);
                }
            }
        }
        Operand::Dict(items) | Operand::Items(items) => {
            for (key, v, hash) in items {
                if x.contains(key) {
                    out.insert_hashed(key.clone(), *v, Value::None, *hash);
                }
            }
        }
    }
    out
}

/// `x - y` and `x.difference(y)`: when `x` is over four times `y`'s size (or `y` is neither
/// a set nor a dict) a copy of `x` with `y`'s elements discarded, else `x`'s elements that `y`
/// lacks added to a new set in `x`'s order.
pub fn difference(x: &Dict, y: &Operand) -> Dict {
    let keyed;
    let probed = match y {
        Operand::Set(y) => y,
        Operand::Dict(items) => {
            keyed = plain(items);
            &keyed
        }
        Operand::Items(_) => {
            let mut out = x.set_copy();
            difference_update(&mut out, y);
            return out;
        }
    };
    if (x.len() >> 2) > probed.len() {
        let mut out = x.set_copy();
        difference_update(&mut out, y);
        return out;
    }
    let mut out = Dict::new_set();
    for (key, v, hash) in x.set_entries() {
        if !probed.contains(key) {
            out.insert_hashed(key.clone(), v, Value::None, hash);
        }
    }
    out
}

/// The keys of a dict operand as a table-less set (for membership, and walked in the dict's
/// order).
fn plain(items: &[Keyed]) -> Dict {
    let mut d = Dict::default();
    for (key, v, _) in items {
        d.insert(key.clone(), *v, Value::None);
    }
    d
}

/// `set.difference_update(other)` and `-=`: `other`'s elements discarded, then the table
/// rebuilt if over a quarter of it is dummies.
pub fn difference_update(set: &mut Dict, other: &Operand) {
    match other {
        Operand::Set(d) => {
            for (key, _, _) in d.set_entries() {
                set.remove(key);
            }
        }
        Operand::Dict(items) | Operand::Items(items) => {
            for (key, _, _) in items {
                set.remove(key);
            }
        }
    }
    set.shed_dummies();
}

/// `x ^ y` and `x.symmetric_difference(y)`: `y` as a new set, then each element of `x` (in
/// `x`'s order) discarded from it when there, added when not.
pub fn symmetric_difference(x: &Dict, y: &Operand) -> Dict {
    let mut out = match y {
        Operand::Set(d) => d.set_copy(),
        Operand::Dict(items) => built(items, true),
        Operand::Items(items) => built(items, false),
    };
    toggle_all(&mut out, x);
    out
}

/// `set.symmetric_difference_update(other)` and `^=`.
pub fn symmetric_difference_update(set: &mut Dict, other: &Operand) {
    match other {
        Operand::Set(d) => toggle_all(set, d),
        Operand::Dict(items) => {
            for (key, v, hash) in items {
                if set.remove(key).is_none() {
                    set.insert_hashed(key.clone(), *v, Value::None, *hash);
                }
            }
        }
        Operand::Items(items) => {
            let other = built(items, false);
            toggle_all(set, &other);
        }
    }
}

/// Each element of `other`, in its order: discarded from `set` when there, added when not.
fn toggle_all(set: &mut Dict, other: &Dict) {
    for (key, v, hash) in other.set_entries() {
        if set.remove(key).is_none() {
            set.insert_hashed(key.clone(), v, Value::None, hash);
        }
    }
}
