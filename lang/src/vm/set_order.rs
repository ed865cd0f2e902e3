//! The order sets iterate and print in, and the CPython hashes that decide it. CPython's order
//! is its hash table's slot order, which for ints, floats and tuples of them is fixed by their
//! (deterministic) hashes, so `print({3, 1, 2})` shows `{1, 2, 3}`; sets keep that table as
//! CPython does ([`crate::set_table`]). Sets holding anything else (str, whose CPython hash is
//! randomised per process, or objects) keep insertion order, which is as valid an order as any
//! CPython could show.

use super::Vm;
use crate::heap::{Dict, Object};
use crate::set_table::{MODULUS, fix, float_hash, int_hash};
use crate::value::Value;

/// How deep tuple hashing recurses.
const DEPTH_MAX: usize = 32;

impl Vm {
    /// CPython's hash of a value, when it does not depend on the process (ints, bools, floats,
    /// tuples of those).
    pub(super) fn stable_hash(&self, v: Value, depth: usize) -> Option<i64> {
        if depth > DEPTH_MAX {
            return None;
        }
        match v {
            Value::Bool(b) => Some(b as i64),
            Value::Int(n) => Some(int_hash(n)),
            Value::Float(f) => float_hash(f),
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

    /// Positions of `set`'s live entries (`Dict::slot`) in the order CPython would iterate them:
    /// its table's (built, or its insertions replayed while deferred), else insertion order.
    pub(super) fn set_order(&self, set: &Dict) -> Vec<usize> {
        match set.table_view() {
            Some(table) => table.entries().map(|(at, _)| at).collect(),
            None => set.positions().collect(),
        }
    }
}
