//! Linearizability of one register with read, write and compare-and-set, checked per key by the
//! Wing–Gong search with Lowe's memoisation, as Porcupine does it.
//!
//! Operations become call and return entries in one list ordered by time. The search walks the
//! list: at a call it tries to linearize that operation now (the model must accept it, and the
//! pair (set of linearized operations, model state) must be new, else that branch was already
//! explored); at a return whose operation is not yet linearized it backtracks. `info` operations
//! return at infinity and need not be linearized at all: the history is linearizable once every
//! `ok` operation is. `fail` operations did not happen and are left out; so are `info` reads,
//! which constrain nothing. The search is bounded ([`STEPS_MAX`], [`CACHE_MAX`]); past the bound
//! the answer is "unknown", never "linearizable".

use std::collections::HashSet;

use crate::history::{EventType, Op};

/// Search steps one key may take before the checker gives up with `Unknown`.
pub const STEPS_MAX: u64 = 20_000_000;
/// Memoised (linearized set, state) pairs one key may hold before the checker gives up.
pub const CACHE_MAX: usize = 4_000_000;

/// The register's value: `None` until the first write.
pub type Value = Option<i64>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegisterOp {
    Read(Value),
    Write(i64),
    Cas { expect: Value, new: i64 },
}

impl RegisterOp {
    /// The model: the state after this operation, or `None` when it cannot happen in `state`.
    fn step(self, state: Value) -> Option<Value> {
        match self {
            RegisterOp::Read(seen) => (seen == state).then_some(state),
            RegisterOp::Write(v) => Some(Some(v)),
            RegisterOp::Cas { expect, new } => (expect == state).then_some(Some(new)),
        }
    }
}

/// One operation as the search sees it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub op: RegisterOp,
    pub call_ms: f64,
    /// `None`: indeterminate (returns at infinity, may never take effect).
    pub return_ms: Option<f64>,
    /// Index of the operation in the history (for reports).
    pub index: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Linearizable,
    /// No order exists. `stuck` is the history index of an operation that could not be
    /// linearized in the longest consistent prefix found, `prefix` that prefix's operations in
    /// order, `state` the register's value after it.
    Violation {
        stuck: u64,
        prefix: Vec<u64>,
        state: Value,
    },
    Unknown(String),
}

/// Turns a key's kv operations into search entries; `Err` names an operation whose values do not
/// fit the register (a malformed history).
pub fn entries(ops: &[&Op]) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    for op in ops {
        let determinate = match op.outcome {
            EventType::Ok => true,
            EventType::Info | EventType::Invoke => false,
            EventType::Fail => continue,
        };
        let int = |v: &serde_json::Value| -> Result<Value, String> {
            match v {
                serde_json::Value::Null => Ok(None),
                v => v
                    .as_i64()
                    .map(Some)
                    .ok_or_else(|| format!("#{}: {v} is not an integer or null", op.index)),
            }
        };
        let register = match op.f.as_str() {
            "read" if !determinate => continue,
            "read" => RegisterOp::Read(int(&op.output)?),
            "write" => RegisterOp::Write(
                int(&op.input)?.ok_or_else(|| format!("#{}: a write needs a value", op.index))?,
            ),
            "cas" => {
                let pair = op
                    .input
                    .as_array()
                    .filter(|a| a.len() == 2)
                    .ok_or_else(|| format!("#{}: a cas takes [expect, new]", op.index))?;
                RegisterOp::Cas {
                    expect: int(&pair[0])?,
                    new: int(&pair[1])?
                        .ok_or_else(|| format!("#{}: a cas needs a new value", op.index))?,
                }
            }
            other => return Err(format!("#{}: unknown kv operation {other:?}", op.index)),
        };
        out.push(Entry {
            op: register,
            call_ms: op.invoke_ms,
            return_ms: if determinate { op.complete_ms } else { None },
            index: op.index,
        });
    }
    Ok(out)
}

const NONE: usize = usize::MAX;

/// A node of the doubly linked list of calls and returns.
struct Node {
    op: usize,
    is_call: bool,
    /// For a call, the node of its return.
    partner: usize,
    prev: usize,
    next: usize,
}

/// Checks one register's history starting from `initial`.
pub fn check(entries: &[Entry], initial: Value) -> Verdict {
    let n = entries.len();
    let required = entries.iter().filter(|e| e.return_ms.is_some()).count();
    if required == 0 {
        return Verdict::Linearizable;
    }
    // Calls sort before returns at the same instant, so touching operations count as concurrent
    // (the permissive reading of a clock that cannot order them).
    let mut points: Vec<(f64, bool, usize)> = Vec::with_capacity(2 * n);
    for (i, e) in entries.iter().enumerate() {
        points.push((e.call_ms, true, i));
        points.push((e.return_ms.unwrap_or(f64::INFINITY), false, i));
    }
    points.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| b.1.cmp(&a.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    // Node 0 is the head sentinel.
    let mut nodes: Vec<Node> = vec![Node {
        op: NONE,
        is_call: false,
        partner: NONE,
        prev: NONE,
        next: NONE,
    }];
    let mut call_node = vec![NONE; n];
    for (k, (_, is_call, op)) in points.iter().enumerate() {
        let id = nodes.len();
        nodes.push(Node {
            op: *op,
            is_call: *is_call,
            partner: NONE,
            prev: id - 1,
            next: if k + 1 < points.len() { id + 1 } else { NONE },
        });
        if *is_call {
            call_node[*op] = id;
        } else {
            nodes[call_node[*op]].partner = id;
        }
    }
    nodes[0].next = 1;

    let words = n.div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut done_required = 0usize;
    let mut cache: HashSet<(Vec<u64>, Value)> = HashSet::new();
    let mut stack: Vec<(usize, Value)> = Vec::new();
    let mut state = initial;
    let mut entry = nodes[0].next;
    let mut steps = 0u64;
    let mut best: (usize, u64, Vec<u64>, Value) = (0, entries[0].index, Vec::new(), initial);

    let unlink = |nodes: &mut Vec<Node>, id: usize| {
        let (prev, next) = (nodes[id].prev, nodes[id].next);
        nodes[prev].next = next;
        if next != NONE {
            nodes[next].prev = prev;
        }
    };
    let relink = |nodes: &mut Vec<Node>, id: usize| {
        let (prev, next) = (nodes[id].prev, nodes[id].next);
        nodes[prev].next = id;
        if next != NONE {
            nodes[next].prev = id;
        }
    };

    while entry != NONE {
        steps += 1;
        if steps > STEPS_MAX {
            return Verdict::Unknown(format!("gave up after {STEPS_MAX} search steps"));
        }
        if cache.len() > CACHE_MAX {
            return Verdict::Unknown(format!("gave up after {CACHE_MAX} memoised states"));
        }
        let node = &nodes[entry];
        if node.is_call {
            let op = node.op;
            if let Some(next_state) = entries[op].op.step(state) {
                linearized[op / 64] |= 1 << (op % 64);
                if cache.insert((linearized.clone(), next_state)) {
                    stack.push((entry, state));
                    state = next_state;
                    if entries[op].return_ms.is_some() {
                        done_required += 1;
                        if done_required == required {
                            return Verdict::Linearizable;
                        }
                    }
                    let partner = nodes[entry].partner;
                    unlink(&mut nodes, entry);
                    unlink(&mut nodes, partner);
                    entry = nodes[0].next;
                    continue;
                }
                linearized[op / 64] &= !(1 << (op % 64));
            }
            entry = nodes[entry].next;
        } else {
            // A return whose call is still in the list: this operation had to take effect by now.
            if stack.len() >= best.0 {
                best = (
                    stack.len(),
                    entries[node.op].index,
                    stack
                        .iter()
                        .map(|(id, _)| entries[nodes[*id].op].index)
                        .collect(),
                    state,
                );
            }
            let Some((call, previous)) = stack.pop() else {
                return violation(best);
            };
            let op = nodes[call].op;
            state = previous;
            linearized[op / 64] &= !(1 << (op % 64));
            if entries[op].return_ms.is_some() {
                done_required -= 1;
            }
            let partner = nodes[call].partner;
            relink(&mut nodes, partner);
            relink(&mut nodes, call);
            entry = nodes[call].next;
        }
    }
    // Only indeterminate returns (at infinity) can end the list with required operations left,
    // and they never do: a required one's return precedes them. Reaching here means the walk ran
    // out after backtracking every choice.
    violation(best)
}

fn violation(best: (usize, u64, Vec<u64>, Value)) -> Verdict {
    Verdict::Violation {
        stuck: best.1,
        prefix: best.2,
        state: best.3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(op: RegisterOp, call: f64, ret: Option<f64>, index: u64) -> Entry {
        Entry {
            op,
            call_ms: call,
            return_ms: ret,
            index,
        }
    }

    #[test]
    fn sequential_history_is_linearizable() {
        let h = [
            e(RegisterOp::Write(1), 0.0, Some(1.0), 0),
            e(RegisterOp::Read(Some(1)), 2.0, Some(3.0), 1),
            e(
                RegisterOp::Cas {
                    expect: Some(1),
                    new: 2,
                },
                4.0,
                Some(5.0),
                2,
            ),
            e(RegisterOp::Read(Some(2)), 6.0, Some(7.0), 3),
        ];
        assert_eq!(check(&h, None), Verdict::Linearizable);
    }

    #[test]
    fn stale_read_is_a_violation() {
        // write 1 completes, write 2 completes, then a read sees 1.
        let h = [
            e(RegisterOp::Write(1), 0.0, Some(1.0), 0),
            e(RegisterOp::Write(2), 2.0, Some(3.0), 1),
            e(RegisterOp::Read(Some(1)), 4.0, Some(5.0), 2),
        ];
        match check(&h, None) {
            Verdict::Violation { stuck, .. } => assert_eq!(stuck, 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn concurrent_reads_may_see_either_value() {
        let h = [
            e(RegisterOp::Write(1), 0.0, Some(1.0), 0),
            e(RegisterOp::Write(2), 2.0, Some(10.0), 1),
            e(RegisterOp::Read(Some(2)), 3.0, Some(4.0), 2),
            e(RegisterOp::Read(Some(1)), 3.0, Some(4.0), 3),
        ];
        // Both reads overlap the write, but once one saw 2 the other cannot see 1 later... they
        // are concurrent with each other too, so 1 then 2 is a valid order.
        assert_eq!(check(&h, None), Verdict::Linearizable);
        // Now the read of 1 starts after the read of 2 ended: no order explains it.
        let h2 = [
            e(RegisterOp::Write(1), 0.0, Some(1.0), 0),
            e(RegisterOp::Write(2), 2.0, Some(10.0), 1),
            e(RegisterOp::Read(Some(2)), 3.0, Some(4.0), 2),
            e(RegisterOp::Read(Some(1)), 5.0, Some(6.0), 3),
        ];
        assert!(matches!(check(&h2, None), Verdict::Violation { .. }));
    }

    #[test]
    fn lost_write_is_a_violation() {
        // An acknowledged write of 5, and every later read sees the older value.
        let h = [
            e(RegisterOp::Write(4), 0.0, Some(1.0), 0),
            e(RegisterOp::Write(5), 2.0, Some(3.0), 1),
            e(RegisterOp::Read(Some(4)), 10.0, Some(11.0), 2),
        ];
        assert!(matches!(check(&h, None), Verdict::Violation { .. }));
    }

    #[test]
    fn indeterminate_write_may_or_may_not_happen() {
        let took_effect = [
            e(RegisterOp::Write(1), 0.0, Some(1.0), 0),
            e(RegisterOp::Write(2), 2.0, None, 1),
            e(RegisterOp::Read(Some(2)), 50.0, Some(51.0), 2),
        ];
        assert_eq!(check(&took_effect, None), Verdict::Linearizable);
        let did_not = [
            e(RegisterOp::Write(1), 0.0, Some(1.0), 0),
            e(RegisterOp::Write(2), 2.0, None, 1),
            e(RegisterOp::Read(Some(1)), 50.0, Some(51.0), 2),
        ];
        assert_eq!(check(&did_not, None), Verdict::Linearizable);
        // But it cannot take effect before it was invoked.
        let before = [
            e(RegisterOp::Write(1), 0.0, Some(1.0), 0),
            e(RegisterOp::Read(Some(2)), 2.0, Some(3.0), 1),
            e(RegisterOp::Write(2), 5.0, None, 2),
        ];
        assert!(matches!(check(&before, None), Verdict::Violation { .. }));
    }

    #[test]
    fn cas_applied_twice_is_a_violation() {
        // Two successful cas from the same expected value can't both be linearized.
        let h = [
            e(RegisterOp::Write(0), 0.0, Some(1.0), 0),
            e(
                RegisterOp::Cas {
                    expect: Some(0),
                    new: 1,
                },
                2.0,
                Some(3.0),
                1,
            ),
            e(
                RegisterOp::Cas {
                    expect: Some(0),
                    new: 2,
                },
                4.0,
                Some(5.0),
                2,
            ),
        ];
        assert!(matches!(check(&h, None), Verdict::Violation { .. }));
    }

    /// Many concurrent processes: the memoisation keeps it fast, and a planted stale read at the
    /// end is still found.
    #[test]
    fn wide_concurrency_is_checked_within_bounds() {
        let mut h = Vec::new();
        let mut t = 0.0;
        for round in 0..200i64 {
            for p in 0..5 {
                h.push(e(
                    RegisterOp::Write(round * 10 + p),
                    t,
                    Some(t + 3.0),
                    h.len() as u64,
                ));
            }
            t += 4.0;
            h.push(e(
                RegisterOp::Read(Some(round * 10 + 4)),
                t,
                Some(t + 1.0),
                h.len() as u64,
            ));
            t += 2.0;
        }
        // The last read saw the last round's write 4 — linearizable (write 4 ordered last).
        assert_eq!(check(&h, None), Verdict::Linearizable);
        let i = h.len() as u64;
        h.push(e(RegisterOp::Read(Some(0)), t + 5.0, Some(t + 6.0), i));
        match check(&h, None) {
            Verdict::Violation { stuck, .. } => assert_eq!(stuck, i),
            other => panic!("{other:?}"),
        }
    }
}
