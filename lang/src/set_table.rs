//! CPython 3.11's set hash table, kept beside a set's entries so that iteration, `print` and
//! `pop()` follow CPython's slot order in O(1) per operation — the dummies removals leave, the
//! dummy a later add reuses, the finger `pop()` walks on from, and the sizes `copy()`, `|` and
//! `update` give a table all included.
//!
//! Why mirror it: for ints, floats and tuples of them CPython's hashes do not depend on the
//! process, so `print({3, 1, 2})`, `list(s)` and `s.pop()` are the same on every run and
//! programs (and their expected outputs) rely on them. Before, slnode replayed the table from
//! the insertion order at each iteration: O(n) per `pop()` (a worklist drained with `pop()` was
//! quadratic) and wrong once elements had been removed.
//!
//! Boundary: the table holds each live entry's CPython hash and its position in the owning
//! [`crate::heap::Dict`]'s slots. It never compares keys — the dict's index has already decided
//! whether a key is new — and it never sees a key whose hash depends on the process (a `str`,
//! an object): the dict drops its table then and keeps insertion order, which is as valid an
//! order as any CPython could show.

/// CPython's `PySet_MINSIZE`.
pub const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;
/// A slot never used since the table was made (CPython's NULL key).
const EMPTY: u32 = u32::MAX;
/// A slot whose entry was removed (CPython's `dummy`): probes go on past it.
const DUMMY: u32 = u32::MAX - 1;
/// The largest table kept: past it the set keeps insertion order (the heap's memory limit
/// stops a program long before).
const SLOTS_MAX: usize = 1 << 30;
/// Sets past this many entries grow by 2× instead of 4× (CPython's rule).
const GROW_SLOWLY_PAST: usize = 50_000;
/// Mersenne prime CPython reduces numeric hashes by.
pub const MODULUS: u64 = (1 << 61) - 1;

#[derive(Clone, Copy, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Slot {
    hash: i64,
    /// The entry's position in the dict, or [`EMPTY`] / [`DUMMY`].
    at: u32,
}

const FREE: Slot = Slot { hash: 0, at: EMPTY };

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct SetTable {
    slots: Vec<Slot>,
    /// Active and dummy slots (CPython's `fill`).
    fill: usize,
    /// Active slots (CPython's `used`).
    used: usize,
    /// Where `pop()` starts looking (CPython's `finger`; taken modulo the size).
    finger: usize,
    /// The table slot of each dict position (EMPTY for a hole or a position past the table's
    /// knowledge): removal by position without a probe.
    slot_of: Vec<u32>,
}

impl Default for SetTable {
    fn default() -> SetTable {
        SetTable {
            slots: vec![FREE; MIN_SIZE],
            fill: 0,
            used: 0,
            finger: 0,
            // Sized for the entries the smallest table holds: no regrowth for small sets.
            slot_of: Vec::with_capacity(MIN_SIZE),
        }
    }
}

/// Why the table was given up (the dict keeps insertion order from then on).
#[derive(Debug, PartialEq)]
pub struct TooLarge;

impl SetTable {
    pub fn used(&self) -> usize {
        self.used
    }

    /// Where `pop()` looks next (CPython keeps it when a set's body is swapped or cleared).
    pub fn finger(&self) -> usize {
        self.finger
    }

    pub fn set_finger(&mut self, finger: usize) {
        self.finger = finger;
    }

    /// Whether nothing was ever added since the table was made (CPython's `fill == 0`).
    pub fn is_fresh(&self) -> bool {
        self.fill == 0
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// Table slots, for the heap's memory accounting.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// Records the new entry at dict position `at` (CPython's `set_add_entry` for a key not in
    /// the set: the last dummy on its probe path is reused, else the empty slot that ends it).
    pub fn add(&mut self, hash: i64, at: usize) -> Result<(), TooLarge> {
        let at32 = position(at)?;
        let mask = self.mask();
        let mut i = hash as u64 as usize & mask;
        let mut perturb = hash as u64;
        let mut freeslot = None;
        // Terminates: `fill * 5 < mask * 3` leaves an empty slot, and once `perturb` is spent
        // `i * 5 + 1` visits every slot of a power-of-two table.
        for _ in 0..self.probe_bound() {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for s in i..=i + probes {
                match self.slots[s].at {
                    EMPTY => {
                        let (s, fresh) = match freeslot {
                            Some(f) => (f, false),
                            None => (s, true),
                        };
                        self.put(s, hash, at32);
                        self.used += 1;
                        if fresh {
                            self.fill += 1;
                            if self.fill * 5 >= mask * 3 {
                                let grow = if self.used > GROW_SLOWLY_PAST { 2 } else { 4 };
                                return self.resize(self.used * grow);
                            }
                        }
                        return Ok(());
                    }
                    // The last dummy on the path, not the first: what CPython 3.11 does
                    // (measured: with dummies in slots 1..7 and slot 8 empty, 1 lands in 7).
                    DUMMY => freeslot = Some(s),
                    _ => {}
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = next_probe(i, perturb, mask);
        }
        debug_assert!(false, "a set table without an empty slot");
        Err(TooLarge)
    }

    /// Probe rounds after which a table is surely full (it never is: see `add`).
    fn probe_bound(&self) -> usize {
        2 * self.slots.len() + 64
    }

    fn put(&mut self, s: usize, hash: i64, at: u32) {
        self.slots[s] = Slot { hash, at };
        let at = at as usize;
        if self.slot_of.len() <= at {
            self.slot_of.resize(at + 1, EMPTY);
        }
        self.slot_of[at] = s as u32;
    }

    /// Places an entry known to be new into a table without dummies (CPython's
    /// `set_insert_clean`).
    fn insert_clean(&mut self, hash: i64, at: u32) -> Result<(), TooLarge> {
        let mask = self.mask();
        let mut i = hash as u64 as usize & mask;
        let mut perturb = hash as u64;
        for _ in 0..self.probe_bound() {
            if self.slots[i].at == EMPTY {
                self.put(i, hash, at);
                return Ok(());
            }
            if i + LINEAR_PROBES <= mask {
                for s in i + 1..=i + LINEAR_PROBES {
                    if self.slots[s].at == EMPTY {
                        self.put(s, hash, at);
                        return Ok(());
                    }
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = next_probe(i, perturb, mask);
        }
        debug_assert!(false, "a set table without an empty slot");
        Err(TooLarge)
    }

    /// Rebuilds the table at the smallest power of two above `minused`, re-inserting the live
    /// entries in slot order and dropping the dummies (CPython's `set_table_resize`).
    fn resize(&mut self, minused: usize) -> Result<(), TooLarge> {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
            if size > SLOTS_MAX {
                return Err(TooLarge);
            }
        }
        let old = std::mem::replace(&mut self.slots, vec![FREE; size]);
        self.fill = self.used;
        for slot in old {
            if slot.at < DUMMY {
                self.insert_clean(slot.hash, slot.at)?;
            }
        }
        Ok(())
    }

    /// Rebuilds the table when over a quarter of its slots are dummies.
    pub fn shed_dummies(&mut self) -> Result<(), TooLarge> {
        if self.fill - self.used <= self.mask() / 4 {
            return Ok(());
        }
        let grow = if self.used > GROW_SLOWLY_PAST { 2 } else { 4 };
        self.resize(self.used * grow)
    }

    /// Turns the slot of dict position `at` into a dummy (CPython's `set_discard_entry`).
    pub fn remove(&mut self, at: usize) {
        let Some(s) = self.slot_of.get_mut(at) else {
            debug_assert!(false, "removing a position the table does not hold");
            return;
        };
        let s = std::mem::replace(s, EMPTY) as usize;
        match self.slots.get_mut(s) {
            Some(slot) if slot.at as usize == at => {
                *slot = Slot {
                    hash: -1,
                    at: DUMMY,
                };
                self.used -= 1;
            }
            _ => debug_assert!(false, "slot_of named a slot holding another position"),
        }
    }

    /// The dict position `pop()` takes: the first live slot from the finger on, wrapping
    /// (CPython's `set_pop`); the finger moves past it. The caller removes the entry.
    pub fn pop_position(&mut self) -> Option<usize> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut s = self.finger & mask;
        while self.slots[s].at >= DUMMY {
            s = (s + 1) & mask;
        }
        self.finger = s + 1;
        Some(self.slots[s].at as usize)
    }

    /// The live entries' dict positions and hashes, in slot order (CPython's iteration order).
    pub fn entries(&self) -> impl Iterator<Item = (usize, i64)> + '_ {
        self.slots
            .iter()
            .filter(|s| s.at < DUMMY)
            .map(|s| (s.at as usize, s.hash))
    }

    /// Whether iteration order is the dicts' insertion order (positions increasing).
    pub fn in_insertion_order(&self) -> bool {
        let mut last = None;
        self.entries().all(|(at, _)| {
            let ok = last.is_none_or(|l| l < at);
            last = Some(at);
            ok
        })
    }

    /// The dict moved its entries (`moved_to[old] = new`, `u32::MAX` for holes): O(dict
    /// positions), never O(table), so a set that shrank from a large peak squeezes cheaply.
    pub fn remap(&mut self, moved_to: &[u32]) {
        let mut slot_of = vec![EMPTY; moved_to.iter().filter(|m| **m != u32::MAX).count()];
        for (old, s) in self.slot_of.iter().enumerate() {
            if *s == EMPTY {
                continue;
            }
            let to = moved_to.get(old).copied().unwrap_or(u32::MAX);
            debug_assert!(to != u32::MAX, "a live table slot named a dict hole");
            if let (Some(slot), Some(entry)) = (
                self.slots.get_mut(*s as usize),
                slot_of.get_mut(to as usize),
            ) {
                slot.at = to;
                *entry = *s;
            }
        }
        self.slot_of = slot_of;
    }

    /// The dict dropped its trailing holes: positions from `len` on are free again.
    pub fn truncate(&mut self, len: usize) {
        debug_assert!(self.slot_of.iter().skip(len).all(|s| *s == EMPTY));
        self.slot_of.truncate(len);
    }

    /// The table a set copied from this one starts with (CPython's `set_merge` into an empty
    /// set: one resize up front, then [`SetTable::merged_into`]). Positions are the same as
    /// this table's: the copy's dict is a clone of this one's.
    pub fn copied(&self) -> Result<SetTable, TooLarge> {
        let mut sized = SetTable::default();
        sized.reserve_for(self.used)?;
        self.merged_into(sized.slots.len())
    }

    /// This table's entries merged into a set of `size` slots holding nothing, not even a
    /// dummy (CPython's `set_merge` with `fill == 0`): the slots copied as they are when the
    /// sizes match and this table has no dummies, else re-inserted in slot order.
    pub fn merged_into(&self, size: usize) -> Result<SetTable, TooLarge> {
        let mut merged = SetTable {
            slots: vec![FREE; size],
            fill: 0,
            used: 0,
            finger: 0,
            slot_of: Vec::with_capacity(self.slot_of.len()),
        };
        if size == self.slots.len() && self.fill == self.used {
            merged.slots.clone_from(&self.slots);
            merged.slot_of.clone_from(&self.slot_of);
        } else {
            for (at, hash) in self.entries() {
                merged.insert_clean(hash, at as u32)?;
            }
        }
        merged.fill = self.used;
        merged.used = self.used;
        Ok(merged)
    }

    /// The one resize `set_merge` (and an update from a dict) makes before adding `incoming`
    /// entries that may all be new.
    pub fn reserve_for(&mut self, incoming: usize) -> Result<(), TooLarge> {
        if (self.fill + incoming) * 5 >= self.mask() * 3 {
            self.resize((self.used + incoming) * 2)?;
        }
        Ok(())
    }

    /// Whether the table describes a dict whose live positions are `live` (in no order), each
    /// exactly once, with CPython's bounds (what a restored snapshot must show before the VM
    /// probes the table).
    pub fn is_consistent(&self, live: impl Iterator<Item = usize>, slots: usize) -> bool {
        let size = self.slots.len();
        if !size.is_power_of_two()
            || !(MIN_SIZE..=SLOTS_MAX).contains(&size)
            || self.fill.saturating_mul(5) >= (size - 1) * 3
            || self.slot_of.len() > slots
        {
            return false;
        }
        let active = self.slots.iter().filter(|s| s.at < DUMMY).count();
        let dummies = self.slots.iter().filter(|s| s.at == DUMMY).count();
        if active != self.used || active + dummies != self.fill {
            return false;
        }
        let mut seen = 0;
        for at in live {
            match self
                .slot_of
                .get(at)
                .and_then(|s| self.slots.get(*s as usize))
            {
                Some(slot) if slot.at as usize == at => seen += 1,
                _ => return false,
            }
        }
        seen == self.used
            && self.slot_of.iter().filter(|s| **s != EMPTY).all(|s| {
                self.slots
                    .get(*s as usize)
                    .is_some_and(|slot| slot.at < DUMMY)
            })
            && self.slot_of.iter().filter(|s| **s != EMPTY).count() == self.used
    }
}

fn next_probe(i: usize, perturb: u64, mask: usize) -> usize {
    (i as u64)
        .wrapping_mul(5)
        .wrapping_add(1)
        .wrapping_add(perturb) as usize
        & mask
}

fn position(at: usize) -> Result<u32, TooLarge> {
    u32::try_from(at)
        .ok()
        .filter(|a| *a < DUMMY)
        .ok_or(TooLarge)
}

/// CPython's hash of an int that fits in 64 bits.
pub fn int_hash(n: i64) -> i64 {
    let m = (n.unsigned_abs() % MODULUS) as i64;
    fix(if n < 0 { -m } else { m })
}

/// -1 is CPython's error return, so no hash is -1.
pub fn fix(h: i64) -> i64 {
    if h == -1 { -2 } else { h }
}

/// CPython's `_Py_HashDouble` for finite floats and infinities (a NaN hashes by identity
/// there: no stable hash).
pub fn float_hash(f: f64) -> Option<i64> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 { 314_159 } else { -314_159 });
    }
    let (mut m, mut e) = frexp(f);
    let sign = if m < 0.0 {
        m = -m;
        -1i64
    } else {
        1
    };
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (61 - 28));
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    };
    x = ((x << e) & MODULUS) | (x >> (61 - e));
    Some(fix((x as i64) * sign))
}

/// `frexp`: mantissa in [0.5, 1) and exponent.
fn frexp(f: f64) -> (f64, i32) {
    if f == 0.0 {
        return (f, 0);
    }
    let bits = f.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    if exponent == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp(f * 2f64.powi(64));
        return (m, e - 64);
    }
    let e = exponent - 1022;
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(t: &SetTable) -> Vec<usize> {
        t.entries().map(|(at, _)| at).collect()
    }

    #[test]
    fn a_removed_slot_is_reused_by_the_next_add_on_its_path() {
        // CPython 3.11: s = {2}; s.add(1); s.remove(1); s.add(9); print(s) → {9, 2}
        let mut t = SetTable::default();
        let hashes = [2, 1, 9];
        for (at, h) in hashes.iter().enumerate() {
            if at == 2 {
                t.remove(1);
            }
            t.add(*h, at).unwrap();
        }
        assert_eq!(order(&t), vec![2, 0]);
        assert!(t.is_consistent([0, 2].into_iter(), 3));
    }

    #[test]
    fn pop_walks_on_from_the_finger() {
        // CPython 3.11: s = set(range(5)); s.pop(), s.pop() → 0 1; s.add(0); s.pop() → 2
        let mut t = SetTable::default();
        for n in 0..5 {
            t.add(n, n as usize).unwrap();
        }
        for expected in [0, 1] {
            let at = t.pop_position().unwrap();
            assert_eq!(at, expected);
            t.remove(at);
        }
        t.add(0, 5).unwrap();
        assert_eq!(t.pop_position(), Some(2));
    }

    #[test]
    fn growth_keeps_an_empty_slot_and_every_entry() {
        let mut t = SetTable::default();
        for n in 0..10_000usize {
            t.add(int_hash((n as i64).wrapping_mul(7919) - 5000), n)
                .unwrap();
            assert!(t.fill * 5 < t.mask() * 3);
        }
        assert_eq!(t.used(), 10_000);
        assert!(t.is_consistent(0..10_000, 10_000));
        let mut seen: Vec<usize> = order(&t);
        seen.sort_unstable();
        assert_eq!(seen, (0..10_000).collect::<Vec<_>>());
    }

    #[test]
    fn a_hostile_table_is_refused() {
        let mut t = SetTable::default();
        t.add(1, 0).unwrap();
        t.add(2, 1).unwrap();
        assert!(t.is_consistent(0..2, 2));
        let mut full = t.clone();
        full.slots = vec![Slot { hash: 0, at: DUMMY }; MIN_SIZE];
        assert!(
            !full.is_consistent(0..2, 2),
            "no empty slot: probes would not end"
        );
        let mut twice = t.clone();
        twice.slots[3] = twice.slots[1];
        twice.fill += 1;
        twice.used += 1;
        assert!(!twice.is_consistent(0..2, 2), "one position in two slots");
        let mut odd = t.clone();
        odd.slots.push(FREE);
        assert!(!odd.is_consistent(0..2, 2), "size not a power of two");
        assert!(!t.is_consistent(0..3, 3), "a live position the table lacks");
    }
}
