//! The heap: objects in a vector, referred to by index, so a snapshot of the vector is a snapshot
//! of every object and every reference stays valid after a restore. Freed slots are reused; a
//! mark-and-sweep collector (roots: globals, frames) frees what nothing reaches. The live size is
//! bounded; growing past the limit raises MemoryError in the VM.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::frame::Frame;
use crate::set_table::{self, SetTable};
use crate::value::Value;

/// A dictionary key: the hashable values, with Python's equalities folded in (`True == 1`,
/// `1.0 == 1`), so equal keys are one entry.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
)]
#[rkyv(derive(PartialEq, Eq, PartialOrd, Ord, Hash))]
pub enum Key {
    None,
    Int(i64),
    /// An int beyond 64 bits, sign and hexadecimal magnitude (ints that fit are always `Int`).
    Big(String),
    /// A float that is not integral, by its bits.
    Float(u64),
    Str(String),
    Bytes(Vec<u8>),
    /// A tuple's or frozenset's element keys in a prefix-free binary form ([`Key::encode`]):
    /// flat, so keys archive simply and a hostile snapshot cannot nest them deep, and built
    /// without formatting (tuple keys are what grid and graph programs look up most).
    Tuple(Vec<u8>),
    /// Objects hashed by identity (functions, classes, instances without `__hash__`, host
    /// objects): their heap index, which a snapshot preserves.
    Object(u32),
    /// An instance with `__hash__`: its hash. Equal hashes are taken as equal keys (a documented
    /// simplification: `__eq__` is not consulted on a collision).
    Hash(i64),
    /// Builtin functions and classes, by a stable name.
    Named(String),
    // New variants go last (snapshots).
    /// A complex with an imaginary part, by the bits of its parts (one without is its real
    /// part's key).
    Complex(u64, u64),
}

impl Object {
    /// An exception of builtin class `class` (and user class `user`) before its `__init__`:
    /// no arguments, message, traceback or links.
    pub fn blank_exception(class: u16, user: Option<u32>) -> Object {
        Object::Exception {
            class,
            user,
            args: Vec::new(),
            message: String::new(),
            shown: String::new(),
            traceback: Vec::new(),
            attrs: Vec::new(),
            cause: None,
            context: None,
            suppress_context: false,
        }
    }
}

impl Key {
    /// Appends the key's bytes to a tuple key under construction: a tag, then a fixed-width
    /// payload or a length-prefixed one, so distinct element sequences never encode alike.
    pub fn encode(&self, out: &mut Vec<u8>) {
        fn sized(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
            out.push(tag);
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(bytes);
        }
        match self {
            Key::None => out.push(0),
            Key::Int(n) => {
                out.push(1);
                out.extend_from_slice(&n.to_le_bytes());
            }
            Key::Big(s) => sized(out, 2, s.as_bytes()),
            Key::Float(bits) => {
                out.push(3);
                out.extend_from_slice(&bits.to_le_bytes());
            }
            Key::Str(s) => sized(out, 4, s.as_bytes()),
            Key::Bytes(b) => sized(out, 5, b),
            Key::Tuple(b) => sized(out, 6, b),
            Key::Object(r) => {
                out.push(7);
                out.extend_from_slice(&r.to_le_bytes());
            }
            Key::Hash(h) => {
                out.push(8);
                out.extend_from_slice(&h.to_le_bytes());
            }
            Key::Named(s) => sized(out, 9, s.as_bytes()),
            Key::Complex(re, im) => {
                out.push(10);
                out.extend_from_slice(&re.to_le_bytes());
                out.extend_from_slice(&im.to_le_bytes());
            }
        }
    }
}

/// The first byte of a [`Key::Tuple`]: a tuple and a frozenset of the same keys differ.
pub const TUPLE_KEY: u8 = 0;
pub const FROZENSET_KEY: u8 = 1;

/// The hash of dict keys: FxHash's multiply-rotate, which is fast on the small ints and short
/// strings dicts mostly hold, and the same in every process (iteration order comes from the
/// entries, never from the table, so it does not need to resist anything).
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.hash = (self.hash.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type KeyHasher = BuildHasherDefault<FxHasher>;

/// Insertion-ordered, as Python's dicts are (sets are dicts whose values are `None`).
///
/// A removal leaves a hole in `slots` and costs O(1), as in CPython; the holes are squeezed out
/// when they outnumber the live entries (positions move then, and the index is remapped), so a
/// dict holds at most about twice its live entries and each removal is amortized O(1). Before,
/// a removal shifted every later entry and renumbered the index: deleting a dict's keys in order
/// was quadratic. Positions (`next_from`, `slot`) are stable between removals' squeezes, which
/// is all an iteration needs: a dict whose size changed under an iterator is an error anyway.
#[derive(Clone, Debug, Default, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Dict {
    slots: Vec<Option<(Value, Value)>>,
    index: HashMap<Key, u32, KeyHasher>,
    /// A set's CPython table while every key has a process-independent hash (see
    /// [`crate::set_table`]); None for dicts, for sets iterated in insertion order, and for a
    /// deferred one.
    table: Option<Box<SetTable>>,
    /// A set whose keys all hash from their `Key` alone (ints, floats) and that has lost none
    /// since it was made: its table is the one replaying its insertions in order, built only
    /// when something needs it (a removal, `pop()`, a merge). Most sets are built and probed,
    /// never shrunk: they never pay for a table.
    deferred: bool,
}

/// Holes a dict keeps however few its entries (squeezing tiny dicts buys nothing).
const DICT_HOLES_KEPT: usize = 16;

impl Dict {
    pub fn with_capacity(n: usize) -> Dict {
        Dict {
            slots: Vec::with_capacity(n),
            index: HashMap::with_capacity_and_hasher(n, KeyHasher::default()),
            table: None,
            deferred: false,
        }
    }

    /// An empty set's entries, with CPython's table (deferred until needed).
    pub fn new_set() -> Dict {
        Dict {
            deferred: true,
            ..Dict::default()
        }
    }

    /// An empty set's entries with room for `n` without growing (a set built from `n` items).
    pub fn new_set_with_capacity(n: usize) -> Dict {
        Dict {
            deferred: true,
            ..Dict::with_capacity(n)
        }
    }

    /// The set's table once built (a deferred one is its insertions replayed: see
    /// [`Dict::set_entries`]).
    pub fn table(&self) -> Option<&SetTable> {
        self.table.as_deref()
    }

    /// Whether this set follows CPython's table (built or deferred).
    fn has_table(&self) -> bool {
        self.deferred || self.table.is_some()
    }

    /// The table of a deferred set: its insertions replayed in order (None when a key has no
    /// hash of its own, which only a hostile snapshot can hold).
    fn replayed(&self) -> Option<SetTable> {
        let mut table = SetTable::default();
        for (at, key) in self.keys_by_position().into_iter().enumerate() {
            if let Some(key) = key {
                table.add(key_hash(key)?, at).ok()?;
            }
        }
        Some(table)
    }

    /// The hashed key of each position (None for a hole), in one pass over the index.
    fn keys_by_position(&self) -> Vec<Option<&Key>> {
        let mut key_at: Vec<Option<&Key>> = vec![None; self.slots.len()];
        for (key, at) in &self.index {
            if let Some(slot) = key_at.get_mut(*at as usize) {
                *slot = Some(key);
            }
        }
        key_at
    }

    /// The set's table, built or replayed (None for insertion order).
    pub fn table_view(&self) -> Option<std::borrow::Cow<'_, SetTable>> {
        match &self.table {
            Some(t) => Some(std::borrow::Cow::Borrowed(&**t)),
            None if self.deferred => self.replayed().map(std::borrow::Cow::Owned),
            None => None,
        }
    }

    /// Builds a deferred set's table.
    pub fn materialize(&mut self) {
        if self.deferred {
            self.deferred = false;
            self.table = self.replayed().map(Box::new);
        }
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The live entries in insertion order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &(Value, Value)> + Clone {
        self.slots.iter().flatten()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut (Value, Value)> {
        self.slots.iter_mut().flatten()
    }

    /// The live entries, copied out (for code that calls back into the VM while it walks them).
    pub fn to_vec(&self) -> Vec<(Value, Value)> {
        self.iter().copied().collect()
    }

    /// The hashed keys, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.index.keys()
    }

    /// The entries with their hashed keys, in insertion order (sorted from the index: for
    /// merges, which must keep the other dict's order for the keys they add).
    pub fn keyed(&self) -> Vec<(&Key, &(Value, Value))> {
        let mut by_position: Vec<(u32, &Key)> = self.index.iter().map(|(k, at)| (*at, k)).collect();
        by_position.sort_unstable_by_key(|(at, _)| *at);
        by_position
            .into_iter()
            .filter_map(|(at, key)| Some((key, self.slots.get(at as usize)?.as_ref()?)))
            .collect()
    }

    pub fn contains(&self, key: &Key) -> bool {
        self.index.contains_key(key)
    }

    pub fn get(&self, key: &Key) -> Option<&(Value, Value)> {
        let at = *self.index.get(key)? as usize;
        self.slots.get(at)?.as_ref()
    }

    /// The value under `key`.
    pub fn value(&self, key: &Key) -> Option<Value> {
        self.get(key).map(|(_, v)| *v)
    }

    /// The first live entry at position `at` or after it, and its position.
    pub fn next_from(&self, at: usize) -> Option<(usize, &(Value, Value))> {
        let rest = self.slots.get(at..)?;
        rest.iter()
            .enumerate()
            .find_map(|(i, e)| e.as_ref().map(|e| (at + i, e)))
    }

    /// Positions of the live entries, in insertion order.
    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().map(|_| i))
    }

    /// The entry at position `at`, if it is live.
    pub fn slot(&self, at: usize) -> Option<&(Value, Value)> {
        self.slots.get(at)?.as_ref()
    }

    /// The newest entry.
    pub fn last(&self) -> Option<&(Value, Value)> {
        self.iter().next_back()
    }

    pub fn clear(&mut self) {
        self.slots.clear();
        self.index.clear();
        if self.has_table() {
            self.replace_set(Dict::new_set());
        }
    }

    /// Gives a set the entries and table of `new` (CPython's `set_swap_bodies`, and `clear`):
    /// the finger `pop()` walks on from stays the set's own.
    pub fn replace_set(&mut self, new: Dict) {
        let finger = self.table.as_ref().map_or(0, |t| t.finger());
        *self = new;
        if finger != 0 {
            self.materialize();
            if let Some(t) = &mut self.table {
                t.set_finger(finger);
            }
        }
    }

    /// Whether the index and the slots agree: one index entry per live slot, each live slot
    /// indexed once (what a restored snapshot must show before the VM indexes slots by it).
    pub fn is_consistent(&self) -> bool {
        if self.slots.len() > u32::MAX as usize
            || self.index.len() != self.slots.iter().flatten().count()
        {
            return false;
        }
        let mut seen = vec![false; self.slots.len()];
        self.index.values().all(|i| {
            let at = *i as usize;
            match (seen.get_mut(at), self.slots.get(at)) {
                (Some(s), Some(Some(_))) if !*s => {
                    *s = true;
                    true
                }
                _ => false,
            }
        }) && self.table.as_ref().is_none_or(|t| {
            t.is_consistent(self.index.values().map(|i| *i as usize), self.slots.len())
        })
    }

    /// Removes the entry under `key`; the others keep their order.
    pub fn remove(&mut self, key: &Key) -> Option<(Value, Value)> {
        // The table must hold the entry before it can leave a dummy for it.
        if self.deferred && self.index.contains_key(key) {
            self.materialize();
        }
        let at = self.index.remove(key)? as usize;
        let removed = self.slots.get_mut(at)?.take();
        if let Some(t) = &mut self.table {
            t.remove(at);
        }
        // Trailing holes go at once: `popitem` loops and stacks stay compact.
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        if let Some(t) = &mut self.table {
            t.truncate(self.slots.len());
        }
        let holes = self.slots.len().saturating_sub(self.index.len());
        if holes > DICT_HOLES_KEPT && holes > self.index.len() {
            self.squeeze();
        }
        removed
    }

    /// Drops the holes and remaps the index to the new positions.
    fn squeeze(&mut self) {
        let mut moved_to = vec![u32::MAX; self.slots.len()];
        let mut next = 0u32;
        for (at, e) in self.slots.iter().enumerate() {
            if e.is_some() {
                moved_to[at] = next;
                next += 1;
            }
        }
        self.slots.retain(Option::is_some);
        for i in self.index.values_mut() {
            *i = moved_to[*i as usize];
            debug_assert!(*i != u32::MAX, "an indexed position was a hole");
        }
        if let Some(t) = &mut self.table {
            t.remap(&moved_to);
        }
    }

    pub fn insert(&mut self, key: Key, k: Value, v: Value) {
        self.insert_hashed(key, k, v, None);
    }

    /// `insert` with the key's CPython hash when the caller knows it (a set keeps its table
    /// only while it learns every new key's hash; ints and floats it works out itself).
    pub fn insert_hashed(&mut self, key: Key, k: Value, v: Value, hash: Option<i64>) {
        match self.index.get(&key) {
            Some(i) => {
                if let Some(Some(e)) = self.slots.get_mut(*i as usize) {
                    e.1 = v;
                }
            }
            None => {
                let at = self.slots.len();
                if self.deferred && key_hash(&key).is_none() {
                    // A key whose hash only the VM knows (a tuple): the table is needed now.
                    if hash.is_some() {
                        self.materialize();
                    } else {
                        self.deferred = false;
                    }
                }
                if let Some(t) = &mut self.table {
                    let added = match hash.or_else(|| key_hash(&key)) {
                        Some(h) => t.add(h, at).is_ok(),
                        None => false,
                    };
                    if !added {
                        self.table = None;
                    }
                }
                self.index.insert(key, at as u32);
                self.slots.push(Some((k, v)));
            }
        }
    }

    /// The position `set.pop()` takes (CPython's: the table's finger moves past it), or the
    /// newest for a set without a table. The caller removes it.
    pub fn pop_position(&mut self) -> Option<usize> {
        self.materialize();
        match &mut self.table {
            Some(t) => t.pop_position(),
            // Any order is CPython's for keys whose hashes change per process: the newest
            // entry is O(1) to find.
            None => self.slots.len().checked_sub(1),
        }
    }

    /// A copy of this set as CPython's `set.copy()` makes it (its table sized afresh).
    pub fn set_copy(&self) -> Dict {
        let mut copy = Dict {
            slots: self.slots.clone(),
            index: self.index.clone(),
            table: None,
            deferred: false,
        };
        if let Some(t) = self.table_view() {
            copy.table = t.copied().ok().map(Box::new);
        }
        copy
    }

    /// Adds the keys of set `other` that this set lacks, as CPython's `set_merge` does: one
    /// resize up front, then `other`'s entries in its iteration order (a copy when this set is
    /// empty).
    pub fn merge_set(&mut self, other: &Dict) {
        if other.is_empty() {
            return;
        }
        let fresh = match &self.table {
            Some(t) => t.is_fresh(),
            None => self.deferred && self.slots.is_empty(),
        };
        if other.has_table() && fresh {
            self.replace_set(other.set_copy());
            return;
        }
        self.reserve_set(other.len());
        // A set emptied by removals whose resize just dropped its dummies is as good as new:
        // CPython then copies (or re-inserts) `other`'s layout too.
        if let Some(t) = &self.table
            && t.is_fresh()
            && self.index.is_empty()
            && let Some(merged) = other
                .table_view()
                .and_then(|o| o.merged_into(t.slot_count()).ok())
        {
            let finger = t.finger();
            self.slots = other.slots.clone();
            self.index = other.index.clone();
            let mut merged = merged;
            merged.set_finger(finger);
            self.table = Some(Box::new(merged));
            return;
        }
        for (key, k, hash) in other.set_entries() {
            if !self.contains(key) {
                self.insert_hashed(key.clone(), k, Value::None, hash);
            }
        }
    }

    /// The entries of a set in its iteration order (the table's, else insertion order), with
    /// their keys and, when the table knows it, their CPython hash.
    pub fn set_entries(&self) -> Vec<(&Key, Value, Option<i64>)> {
        let key_at = self.keys_by_position();
        let entry = |at: usize, hash: Option<i64>| {
            let key = (*key_at.get(at)?)?;
            let (k, _) = self.slot(at)?;
            Some((key, *k, hash))
        };
        match self.table_view() {
            Some(t) => t
                .entries()
                .filter_map(|(at, h)| entry(at, Some(h)))
                .collect(),
            None => self.positions().filter_map(|at| entry(at, None)).collect(),
        }
    }

    /// Rebuilds a set's table when over a quarter of it is dummies (what CPython's
    /// `difference_update` does after its removals).
    pub fn shed_dummies(&mut self) {
        if let Some(t) = &mut self.table
            && t.shed_dummies().is_err()
        {
            self.table = None;
        }
    }

    /// Prepares for `incoming` keys that may all be new (an update from a dict: CPython sizes
    /// the table once).
    pub fn reserve_set(&mut self, incoming: usize) {
        self.materialize();
        if let Some(t) = &mut self.table
            && t.reserve_for(incoming).is_err()
        {
            self.table = None;
        }
    }

    /// Memory the slots take (holes included), for the memory limit.
    pub fn slot_count(&self) -> usize {
        self.slots.len() + self.table.as_ref().map_or(0, |t| t.slot_count() / 4)
    }
}

/// CPython's hash of a key whose hash does not depend on the process and can be had from the
/// key alone (ints of any size, floats); tuples' hashes come from the VM.
pub fn key_hash(key: &Key) -> Option<i64> {
    match key {
        Key::Int(n) => Some(set_table::int_hash(*n)),
        Key::Float(bits) => set_table::float_hash(f64::from_bits(*bits)),
        Key::Big(hex) => {
            let (negative, digits) = match hex.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, hex.as_str()),
            };
            let n = num_bigint::BigUint::parse_bytes(digits.as_bytes(), 16)?;
            let r = num_traits::ToPrimitive::to_i64(&(n % set_table::MODULUS))?;
            Some(set_table::fix(if negative { -r } else { r }))
        }
        _ => None,
    }
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Iter {
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    /// Over a list, tuple, str (`index` a byte offset), bytes, or a dict's or set's keys.
    Seq {
        of: u32,
        index: u32,
        /// A dict's or set's size when the iteration began: a change is an error, as in
        /// CPython (a dict grown while iterated would otherwise be iterated forever).
        size: u32,
        /// A dict's entries not yet given: one more (keys removed and others added, the size
        /// unchanged) is CPython's "dictionary keys changed during iteration".
        left: u32,
    },
    /// A list, tuple or str backwards.
    Reversed {
        of: u32,
        /// Items still to give (for a str, bytes).
        left: u32,
    },
    /// The remaining iterators take their turn lazily, as CPython's do.
    Enumerate {
        inner: u32,
        count: i64,
    },
    Zip {
        inners: Vec<u32>,
    },
    Map {
        function: Value,
        inners: Vec<u32>,
    },
    Filter {
        function: Value,
        inner: u32,
    },
    /// Calls `__next__` on an instance.
    Instance(u32),
    /// `itertools.permutations` (`cycles` set) or `combinations` (`cycles` empty) of the
    /// tuple `pool`, `r` at a time, in CPython's order; `indices` is the state its
    /// algorithms keep between items.
    Choose {
        pool: u32,
        /// The pool's length.
        n: u32,
        r: u32,
        indices: Vec<u32>,
        cycles: Vec<u32>,
        started: bool,
        done: bool,
    },
    /// Over a set whose iteration order is not its insertion order (`set_order.rs`): `keys`
    /// is a list of its elements in that order, `size` the set's size when the iteration began
    /// (a change is an error, as `Seq`'s).
    SetOrder {
        set: u32,
        keys: u32,
        index: u32,
        size: u32,
    },
    /// Over a dict's keys, values or items (`DictView` kinds), live.
    DictView {
        of: u32,
        index: u32,
        kind: ViewKind,
        /// The dict's size when the iteration began (as `Seq`'s).
        size: u32,
        /// Entries not yet given (as `Seq`'s).
        left: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum ViewKind {
    Keys,
    Values,
    Items,
}

/// Sign and magnitude of an int beyond 64 bits, little-endian 32-bit digits.
#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Big {
    pub negative: bool,
    pub digits: Vec<u32>,
}

impl Big {
    pub fn to_bigint(&self) -> num_bigint::BigInt {
        let sign = if self.negative {
            num_bigint::Sign::Minus
        } else {
            num_bigint::Sign::Plus
        };
        num_bigint::BigInt::from_biguint(sign, num_bigint::BigUint::new(self.digits.clone()))
    }

    pub fn from_bigint(n: &num_bigint::BigInt) -> Big {
        let (sign, digits) = n.to_u32_digits();
        Big {
            negative: sign == num_bigint::Sign::Minus,
            digits,
        }
    }
}

/// A class made by a `class` statement.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Class {
    pub name: String,
    /// The bases as written, `object` left out (empty: `object` alone). Each is a class object,
    /// a builtin exception class, or builtin `type` (the class is then a metaclass).
    pub bases: Vec<Value>,
    /// The method resolution order after the class itself (C3), `object` left out: class
    /// objects, builtin exception classes (each followed by its builtin ancestors), or `type`.
    /// Made once by the class statement, so every lookup walks a flat list.
    pub mro: Vec<Value>,
    pub attrs: Vec<(String, Value)>,
    /// The metaclass (a user class deriving from `type`), given by `metaclass=` or inherited
    /// from the base; `None` means `type`.
    pub meta: Option<u32>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Generator {
    /// `None` once finished (or while running: see `running`).
    pub frame: Option<Frame>,
    pub started: bool,
    pub running: bool,
    /// The code object it runs, which names it (kept apart from the frame, which goes when it
    /// ends; no string is made per generator).
    pub code: u32,
    /// What its `return` gave (the value of `yield from` it).
    pub returned: Value,
}

impl Generator {
    /// A generator not started yet, to run `frame`.
    pub fn new(frame: Frame) -> Generator {
        Generator {
            code: frame.code,
            frame: Some(frame),
            started: false,
            running: false,
            returned: Value::None,
        }
    }
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Object {
    Str(String),
    Bytes(Vec<u8>),
    BigInt(Big),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Dict),
    /// A set or frozenset: the keys of a dict whose values are unused.
    Set {
        items: Dict,
        frozen: bool,
    },
    Range {
        start: i64,
        stop: i64,
        step: i64,
    },
    Iter(Iter),
    /// `d.keys()`, `d.values()`, `d.items()`: live views of a dict.
    DictView {
        dict: u32,
        kind: ViewKind,
    },
    /// A function: its code object's index in the module and the values of its trailing
    /// parameters' defaults (evaluated once, at `def`, as in Python).
    Function {
        code: u32,
        defaults: Vec<Value>,
        /// Defaults of keyword-only parameters, by name.
        kw_defaults: Vec<(String, Value)>,
        /// Cells of the enclosing functions' variables it uses.
        closure: Vec<Value>,
        /// The class whose body defined it, once that class exists.
        owner: Option<u32>,
        /// Attributes set on it (`f.on_coordinator = True`).
        attrs: Vec<(String, Value)>,
    },
    /// A captured variable: its value, or nothing while unbound.
    Cell(Option<Value>),
    /// An exception instance: its builtin class (index in `vm::EXCEPTIONS`) or, for a user
    /// subclass, the nearest builtin ancestor plus the user class; message, arguments, and the
    /// traceback gathered while it unwinds, innermost first: (code object, line).
    Exception {
        class: u16,
        user: Option<u32>,
        args: Vec<Value>,
        /// `str(e)`.
        message: String,
        /// What `repr(e)` shows between the parentheses (the arguments' reprs).
        shown: String,
        traceback: Vec<(u32, u32)>,
        attrs: Vec<(String, Value)>,
        /// `raise ... from cause`.
        cause: Option<Value>,
        /// The exception being handled when this one was raised (`__context__`).
        context: Option<Value>,
        /// Set by `raise ... from` (even `from None`): tracebacks leave the context out.
        suppress_context: bool,
    },
    Class(Class),
    Instance {
        class: u32,
        attrs: Vec<(String, Value)>,
        /// Once the program asked for `__dict__` (or `vars()`): the dict object that holds the
        /// attributes from then on, shared with the program (`attrs` is then empty), so that
        /// `obj.__dict__[k] = v` and `obj.__dict__.update(...)` change the instance as in Python.
        dict: Option<u32>,
    },
    /// A function bound to its receiver (`obj.method`).
    Method {
        receiver: Value,
        function: Value,
    },
    /// A method of a builtin type, bound (`[].append`) or reached through the type
    /// (`str.lower`, whose first argument is then the receiver).
    BuiltinMethod {
        receiver: Option<Value>,
        name: String,
    },
    /// `super()`: attribute lookups start after `class` in the receiver's class chain.
    Super {
        class: u32,
        receiver: Value,
    },
    Property {
        getter: Value,
        setter: Value,
    },
    StaticMethod(Value),
    ClassMethod(Value),
    Generator(Generator),
    /// An imported module: builtin (`math`) or registered by the embedder (`rt`).
    Module {
        name: String,
        attrs: Vec<(String, Value)>,
    },
    /// A function the embedder serves: calling it suspends the VM with a host call.
    HostFunction {
        name: String,
    },
    /// An opaque object the embedder handed in (a future, a queue, a matrix handle): its kind
    /// names its methods (`Future.wait`), its id means something only to the embedder.
    Host {
        kind: String,
        id: u64,
    },
    /// `slice(start, stop, step)`: a value that subscripts like `x[start:stop:step]`.
    Slice {
        start: Value,
        stop: Value,
        step: Value,
    },
    // New variants go last: a snapshot holds objects by variant index.
    /// A `bytearray`: `bytes` that can change in place (never a dict key).
    ByteArray(Vec<u8>),
    /// A `complex` (immutable).
    Complex {
        re: f64,
        im: f64,
    },
}

impl Object {
    pub fn type_name(&self) -> &str {
        match self {
            Object::Str(_) => "str",
            Object::Bytes(_) => "bytes",
            Object::ByteArray(_) => "bytearray",
            Object::Complex { .. } => "complex",
            Object::BigInt(_) => "int",
            Object::List(_) => "list",
            Object::Tuple(_) => "tuple",
            Object::Dict(_) => "dict",
            Object::Set { frozen: false, .. } => "set",
            Object::Set { frozen: true, .. } => "frozenset",
            Object::Range { .. } => "range",
            Object::Iter(_) => "iterator",
            Object::DictView {
                kind: ViewKind::Keys,
                ..
            } => "dict_keys",
            Object::DictView {
                kind: ViewKind::Values,
                ..
            } => "dict_values",
            Object::DictView {
                kind: ViewKind::Items,
                ..
            } => "dict_items",
            Object::Function { .. } => "function",
            Object::Cell(_) => "cell",
            Object::Exception { .. } => "exception",
            Object::Class(_) => "type",
            Object::Instance { .. } => "object",
            Object::Method { .. } => "method",
            Object::BuiltinMethod { .. } => "builtin_function_or_method",
            Object::Super { .. } => "super",
            Object::Property { .. } => "property",
            Object::StaticMethod(_) => "staticmethod",
            Object::ClassMethod(_) => "classmethod",
            Object::Generator(_) => "generator",
            Object::Module { .. } => "module",
            Object::HostFunction { .. } => "builtin_function_or_method",
            Object::Host { kind, .. } => kind,
            Object::Slice { .. } => "slice",
        }
    }

    /// Rough size in bytes, for the memory limit.
    pub fn size(&self) -> usize {
        48 + match self {
            Object::Str(s) => s.len(),
            Object::Bytes(b) | Object::ByteArray(b) => b.len(),
            Object::BigInt(b) => b.digits.len() * 4,
            Object::List(v) | Object::Tuple(v) => v.len() * 16,
            Object::Dict(d) | Object::Set { items: d, .. } => d.slot_count() * 64,
            Object::Instance { attrs, .. } | Object::Module { attrs, .. } => attrs.len() * 48,
            Object::Class(c) => c.attrs.len() * 48 + (c.bases.len() + c.mro.len()) * 16,
            Object::Iter(Iter::Choose {
                indices, cycles, ..
            }) => (indices.len() + cycles.len()) * 4,
            Object::Generator(g) => g
                .frame
                .as_ref()
                .map_or(0, |f| (f.locals.len() + f.stack.len()) * 16),
            _ => 0,
        }
    }

    fn children(&self, out: &mut Vec<u32>) {
        let mut push = |v: &Value| {
            if let Value::Ref(r) = v {
                out.push(*r);
            }
        };
        match self {
            Object::List(v) | Object::Tuple(v) => v.iter().for_each(&mut push),
            Object::Function {
                defaults,
                kw_defaults,
                closure,
                owner,
                attrs,
                ..
            } => {
                defaults.iter().chain(closure).for_each(&mut push);
                attrs.iter().for_each(|(_, v)| push(v));
                kw_defaults.iter().for_each(|(_, v)| push(v));
                if let Some(o) = owner {
                    push(&Value::Ref(*o));
                }
            }
            Object::Cell(Some(v)) => push(v),
            Object::Dict(d) | Object::Set { items: d, .. } => d.iter().for_each(|(k, v)| {
                push(k);
                push(v);
            }),
            Object::Iter(it) => match it {
                Iter::Range { .. } => {}
                Iter::Seq { of, .. } | Iter::Reversed { of, .. } | Iter::DictView { of, .. } => {
                    push(&Value::Ref(*of))
                }
                Iter::Choose { pool, .. } => push(&Value::Ref(*pool)),
                Iter::SetOrder { set, keys, .. } => {
                    push(&Value::Ref(*set));
                    push(&Value::Ref(*keys));
                }
                Iter::Enumerate { inner, .. } | Iter::Instance(inner) => push(&Value::Ref(*inner)),
                Iter::Zip { inners } => inners.iter().for_each(|i| push(&Value::Ref(*i))),
                Iter::Map { function, inners } => {
                    push(function);
                    inners.iter().for_each(|i| push(&Value::Ref(*i)));
                }
                Iter::Filter { function, inner } => {
                    push(function);
                    push(&Value::Ref(*inner));
                }
            },
            Object::Exception {
                user,
                args,
                attrs,
                cause,
                context,
                ..
            } => {
                args.iter().for_each(&mut push);
                attrs.iter().for_each(|(_, v)| push(v));
                cause.iter().chain(context).for_each(&mut push);
                if let Some(u) = user {
                    push(&Value::Ref(*u));
                }
            }
            Object::Class(c) => {
                c.bases.iter().for_each(&mut push);
                c.mro.iter().for_each(&mut push);
                if let Some(m) = c.meta {
                    push(&Value::Ref(m));
                }
                c.attrs.iter().for_each(|(_, v)| push(v));
            }
            Object::Instance { class, attrs, dict } => {
                push(&Value::Ref(*class));
                attrs.iter().for_each(|(_, v)| push(v));
                if let Some(d) = dict {
                    push(&Value::Ref(*d));
                }
            }
            Object::Module { attrs, .. } => attrs.iter().for_each(|(_, v)| push(v)),
            Object::Method { receiver, function } => {
                push(receiver);
                push(function);
            }
            Object::BuiltinMethod { receiver, .. } => {
                if let Some(r) = receiver {
                    push(r);
                }
            }
            Object::Super { class, receiver } => {
                push(&Value::Ref(*class));
                push(receiver);
            }
            Object::Property { getter, setter } => {
                push(getter);
                push(setter);
            }
            Object::StaticMethod(f) | Object::ClassMethod(f) => push(f),
            Object::DictView { dict, .. } => push(&Value::Ref(*dict)),
            Object::Generator(g) => {
                push(&g.returned);
                if let Some(f) = &g.frame {
                    f.locals.iter().flatten().for_each(&mut push);
                    f.stack.iter().for_each(&mut push);
                    if let Some(o) = f.owner {
                        push(&Value::Ref(o));
                    }
                }
            }
            Object::Slice { start, stop, step } => {
                push(start);
                push(stop);
                push(step);
            }
            Object::Str(_)
            | Object::Bytes(_)
            | Object::ByteArray(_)
            | Object::Complex { .. }
            | Object::BigInt(_)
            | Object::Range { .. }
            | Object::Cell(None)
            | Object::HostFunction { .. }
            | Object::Host { .. } => {}
        }
    }
}

#[derive(Clone, Debug, Default, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Heap {
    /// Archived inline, a free slot as wide as an object (144 bytes): archiving each as a box
    /// (4 bytes for a free slot) made restores of dense heaps 1.6–2.5× slower (a checked
    /// pointer per object), and restores are what every resumed task pays.
    pub slots: Vec<Option<Object>>,
    free: Vec<u32>,
    /// Allocations since the last collection.
    allocated: u64,
    /// Rough bytes allocated since the last collection, and live at its end.
    allocated_bytes: u64,
    pub live_bytes: u64,
    /// The memory limit in bytes (0: `BYTES_MAX`).
    pub limit: u64,
    /// A collection's mark bits and work list, kept between collections: freeing them (large
    /// blocks) made glibc consolidate its free lists at every collection.
    #[rkyv(with = rkyv::with::Skip)]
    marked: Vec<bool>,
    #[rkyv(with = rkyv::with::Skip)]
    work: Vec<u32>,
}

/// Objects a VM may hold at once (MemoryError beyond).
pub const OBJECTS_MAX: usize = 4_000_000;
/// Bytes (roughly) a VM may hold at once.
pub const BYTES_MAX: usize = 512 << 20;

impl Heap {
    pub fn alloc(&mut self, object: Object) -> Option<u32> {
        self.allocated += 1;
        self.allocated_bytes += object.size() as u64;
        if let Some(slot) = self.free.pop() {
            self.slots[slot as usize] = Some(object);
            return Some(slot);
        }
        if self.slots.len() >= OBJECTS_MAX {
            return None;
        }
        self.slots.push(Some(object));
        Some((self.slots.len() - 1) as u32)
    }

    pub fn get(&self, r: u32) -> Option<&Object> {
        self.slots.get(r as usize)?.as_ref()
    }

    pub fn get_mut(&mut self, r: u32) -> Option<&mut Object> {
        self.slots.get_mut(r as usize)?.as_mut()
    }

    pub fn live(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Whether a collection is worth its cost now: when the objects allocated since the last
    /// one outnumber those that survived it (so the heap at most doubles between collections
    /// and a collection's cost is paid for by as many allocations), or memory runs short.
    /// Nothing is freed between collections, so the survivors are `live() - allocated` — not
    /// `live()`, which counts the new objects too and would never be exceeded.
    pub fn wants_collection(&self) -> bool {
        let survivors = (self.live() as u64).saturating_sub(self.allocated);
        self.allocated > 4096.max(survivors)
            || self.live_bytes + self.allocated_bytes > self.limit()
    }

    /// Allocations since the last collection.
    pub fn allocations(&self) -> u64 {
        self.allocated
    }

    /// Whether the free list names only free slots, each once (what `alloc` and `live` rely
    /// on; checked when a snapshot is restored).
    pub fn free_list_is_consistent(&self) -> bool {
        if self.free.len() > self.slots.len() || self.slots.len() > OBJECTS_MAX {
            return false;
        }
        let mut seen = vec![false; self.slots.len()];
        self.free.iter().all(|&slot| {
            let i = slot as usize;
            let fresh = matches!(self.slots.get(i), Some(None)) && !seen[i];
            if fresh {
                seen[i] = true;
            }
            fresh
        })
    }

    /// Allocates unless the memory allowed is used up (twice the limit, counting everything
    /// allocated since the last collection, which that collection may free) or the slots are;
    /// None then (the VM raises MemoryError).
    pub fn alloc_bounded(&mut self, object: Object) -> Option<u32> {
        if self.live_bytes + self.allocated_bytes_since() > self.limit().saturating_mul(2) {
            return None;
        }
        self.alloc(object)
    }

    pub fn allocated_bytes_since(&self) -> u64 {
        self.allocated_bytes
    }

    pub fn limit(&self) -> u64 {
        if self.limit == 0 {
            BYTES_MAX as u64
        } else {
            self.limit.min(BYTES_MAX as u64)
        }
    }

    /// Whether the heap is over its limit, as of the last collection plus what came since.
    pub fn over_limit(&self) -> bool {
        self.live_bytes + self.allocated_bytes > self.limit()
    }

    /// Frees every object not reachable from `roots`; returns the rough live size in bytes.
    pub fn collect(&mut self, roots: impl Iterator<Item = u32>) -> usize {
        let mut marked = std::mem::take(&mut self.marked);
        marked.clear();
        marked.resize(self.slots.len(), false);
        let mut work = std::mem::take(&mut self.work);
        work.clear();
        work.extend(roots);
        while let Some(r) = work.pop() {
            let Some(mark) = marked.get_mut(r as usize) else {
                continue;
            };
            if *mark {
                continue;
            }
            *mark = true;
            if let Some(object) = self.get(r) {
                object.children(&mut work);
            }
        }
        let mut bytes = 0;
        for (i, slot) in self.slots.iter_mut().enumerate() {
            match slot {
                Some(object) if marked[i] => bytes += object.size(),
                Some(_) => *slot = None,
                None => {}
            }
        }
        // Empty slots at the end go (a snapshot carries every slot); the rest are reused
        // lowest first, so the live objects gather at the front.
        while let Some(None) = self.slots.last() {
            self.slots.pop();
        }
        self.free.clear();
        self.free.extend(
            (0..self.slots.len() as u32)
                .rev()
                .filter(|i| self.slots[*i as usize].is_none()),
        );
        self.allocated = 0;
        self.allocated_bytes = 0;
        self.live_bytes = bytes as u64;
        self.marked = marked;
        self.work = work;
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_free_list_naming_a_live_missing_or_repeated_slot_is_refused() {
        let mut heap = Heap::default();
        let a = heap.alloc(Object::List(Vec::new())).unwrap();
        let b = heap.alloc(Object::List(Vec::new())).unwrap();
        heap.slots[b as usize] = None;
        heap.free = vec![b];
        assert!(heap.free_list_is_consistent());
        for bad in [vec![a], vec![b, b], vec![b + 7]] {
            heap.free = bad;
            assert!(!heap.free_list_is_consistent());
        }
    }

    fn int_set(keys: impl Iterator<Item = i64>) -> Dict {
        let mut d = Dict::new_set();
        for n in keys {
            d.insert(Key::Int(n), Value::Int(n), Value::None);
        }
        d
    }

    fn order(d: &Dict) -> Vec<i64> {
        d.set_entries()
            .into_iter()
            .map(|(_, v, _)| match v {
                Value::Int(n) => n,
                _ => panic!("an int set"),
            })
            .collect()
    }

    #[test]
    fn a_squeeze_keeps_the_table_naming_each_entry() {
        let mut d = int_set(0..200);
        let before: Vec<i64> = order(&d).into_iter().filter(|n| n % 5 == 0).collect();
        for n in (0..200).filter(|n| n % 5 != 0) {
            d.remove(&Key::Int(n));
        }
        assert!(
            d.positions().all(|at| at < 150),
            "the holes were squeezed out"
        );
        assert!(d.is_consistent());
        assert_eq!(order(&d), before, "removals move no entry in the table");
        let at = d.pop_position().unwrap();
        assert_eq!(d.slot(at).map(|(k, _)| *k), Some(Value::Int(before[0])));
    }

    #[test]
    fn a_set_whose_table_misses_an_entry_is_inconsistent() {
        let mut d = int_set(0..10);
        assert!(d.is_consistent());
        d.materialize();
        assert!(d.table().is_some() && d.is_consistent());
        d.table = Some(Box::default());
        assert!(
            !d.is_consistent(),
            "a fresh table names none of the ten entries"
        );
        let mut e = int_set(0..10);
        e.remove(&Key::Int(3));
        let mut stale = int_set(0..10);
        stale.deferred = false;
        stale.table = e.table.clone();
        assert!(
            !stale.is_consistent(),
            "a table without the entry at position 3"
        );
    }

    #[test]
    fn a_key_without_a_stable_hash_drops_the_table() {
        let mut d = int_set(0..3);
        d.insert(Key::Str("a".into()), Value::None, Value::None);
        assert!(d.table().is_none());
        assert!(d.is_consistent());
        d.clear();
        assert!(
            d.table().is_none(),
            "a dict never gains a table by clearing"
        );
    }
}
