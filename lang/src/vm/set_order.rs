//! The order sets iterate and print in. CPython's is its hash table's slot order, which for
//! ints, floats and tuples of them is fixed by their (deterministic) hashes, so `print({3, 1,
//! 2})` shows `{1, 2, 3}`. For those sets slnode replays CPython's table (open addressing,
//! 9 linear probes, perturbation, growth at 3/5 full) over the elements in insertion order and
//! reads the slots back. Sets holding anything else (str, whose CPython hash is randomised per
//! process, or objects) keep insertion order, which is as valid an order as any CPython could
//! show. A set that lost elements may differ from CPython, whose table keeps the holes.

use super::Vm;
use crate::heap::{Dict, Object};
use crate::value::Value;

const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;
const MODULUS: u64 = (1 << 61) - 1;
/// How deep tuple hashing recurses.
const DEPTH_MAX: usize = 32;

impl Vm {
    /// CPython's hash of a value, when it does not depend on the process (ints, bools, floats,
    /// tuples of those).
    pub(super) fn stable_hash(&self, v: Value, depth: usize) -> Option<i64> {
        if depth > DEPTH_MAX {
            return None;
        }
        let fix = |h: i64| if h == -1 { -2 } else { h };
        match v {
            Value::Bool(b) => Some(b as i64),
            Value::Int(n) => {
                let m = (n.unsigned_abs() % MODULUS) as i64;
                Some(fix(if n < 0 { -m } else { m }))
            }
            Value::Float(f) => float_hash(f).map(fix),
            Value::Ref(r) => match self.state.heap.get(r)? {
                Object::BigInt(b) => {
                    let n = b.to_bigint();
                    let m = num_bigint::BigInt::from(MODULUS);
                    let r: i64 =
                        num_traits::ToPrimitive::to_i64(&(num_traits::Signed::abs(&n) % m))?;
                    Some(fix(if b.negative { -r } else { r }))
                }
                Object::Tuple(items) => {
                    const P1: u64 = 11_400_714_785_074_694_791;
                    const P2: u64 = 14_029_467_366_897_019_727;
                    const P5: u64 = 2_870_177_450_012_600_261;
                    let mut acc = P5;
                    for item in items {
                        let lane = self.stable_hash(*item, depth + 1)? as u64;
                        acc = acc.wrapping_add(lane.wrapping_mul(P2));
                        acc = acc.rotate_left(31);
                        acc = acc.wrapping_mul(P1);
                    }
                    acc = acc.wrapping_add(items.len() as u64 ^ (P5 ^ 3_527_539));
                    Some(if acc == u64::MAX {
                        1_546_275_796
                    } else {
                        acc as i64
                    })
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Positions of `set`'s live entries (`Dict::slot`) in the order CPython would iterate them.
    pub(super) fn set_order(&self, set: &Dict) -> Vec<usize> {
        let positions: Vec<usize> = set.positions().collect();
        let mut hashes = Vec::with_capacity(set.len());
        for (k, _) in set.iter() {
            match self.stable_hash(*k, 0) {
                Some(h) => hashes.push(h as u64),
                None => return positions,
            }
        }
        let mut table: Vec<Option<usize>> = vec![None; 8];
        let mut fill = 0usize;
        for (index, &hash) in hashes.iter().enumerate() {
            insert(&mut table, &hashes, index, hash);
            fill += 1;
            let mask = table.len() - 1;
            if fill * 5 >= mask * 3 {
                let used = fill;
                let minused = if used > 50_000 { used * 2 } else { used * 4 };
                let mut size = 8;
                while size <= minused {
                    size <<= 1;
                }
                let old = std::mem::replace(&mut table, vec![None; size]);
                for slot in old.into_iter().flatten() {
                    insert(&mut table, &hashes, slot, hashes[slot]);
                }
            }
        }
        table
            .into_iter()
            .flatten()
            .filter_map(|i| positions.get(i).copied())
            .collect()
    }
}

/// Places entry `index` into the first free slot of its probe sequence (no deletions are
/// replayed, so there are no dummies; equal keys never repeat in a set's entries).
fn insert(table: &mut [Option<usize>], _hashes: &[u64], index: usize, hash: u64) {
    let mask = table.len() - 1;
    let mut perturb = hash;
    let mut i = (hash as usize) & mask;
    loop {
        if table[i].is_none() {
            table[i] = Some(index);
            return;
        }
        if i + LINEAR_PROBES <= mask {
            for j in 1..=LINEAR_PROBES {
                if table[i + j].is_none() {
                    table[i + j] = Some(index);
                    return;
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i
            .wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(perturb as usize))
            & mask;
    }
}

/// CPython's `_Py_HashDouble` for finite floats (NaN hashes by identity there: no stable hash).
fn float_hash(f: f64) -> Option<i64> {
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
    Some((x as i64) * sign)
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
