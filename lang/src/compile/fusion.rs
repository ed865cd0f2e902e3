//! Superinstructions: runs of instructions that arithmetic and loop tests compile to, written
//! as one instruction the in-frame loop dispatches once (`x = a * b + 1`, `while i < n`,
//! `if n < 2`). A run costs one dispatch and no stack traffic instead of three or four.
//!
//! Only the run's first slot is rewritten; the run stays in place behind it (see
//! `Instr::FusedBinary`). So this pass moves no instruction and patches no jump: a jump into
//! the middle of a run, an operand the fused path does not handle, or a snapshot taken
//! anywhere all meet the original instructions at their original positions.

use crate::code::{CmpOp, Const, Instr};

/// Rewrites the first slot of every run it can fuse in `instrs` (one function's code).
pub fn fuse(instrs: &mut [Instr], consts: &[Const]) {
    let mut k = 0;
    while k < instrs.len() {
        match fused_at(instrs, k, consts) {
            Some((fused, len)) => {
                instrs[k] = fused;
                k += len;
            }
            None => k += 1,
        }
    }
}

/// The superinstruction for the run starting at `k`, and the run's length.
fn fused_at(instrs: &[Instr], k: usize, consts: &[Const]) -> Option<(Instr, usize)> {
    let run = instrs.get(k..)?;
    if let Some(pair) = fused_pair(run) {
        return Some((pair, 2));
    }
    let [first, second, rest @ ..] = run else {
        return None;
    };
    let (a, a_const) = operand(*first, consts)?;
    let (third, rest) = match (second, rest) {
        // An operand and the operator taking it with what is on the stack.
        (Instr::Binary(op) | Instr::InplaceBinary(op), _) => {
            let fused = Instr::FusedBinaryTop {
                b: a,
                op: *op,
                b_const: a_const,
            };
            return Some((fused, 2));
        }
        (_, [third, rest @ ..]) => (third, rest),
        _ => return None,
    };
    let (b, b_const) = operand(*second, consts)?;
    match (*third, rest.first().copied()) {
        (Instr::Binary(op) | Instr::InplaceBinary(op), next) => {
            let store = match next {
                Some(Instr::StoreLocal(s)) => Some(s),
                _ => None,
            };
            let fused = Instr::FusedBinary {
                a,
                b,
                store: store.unwrap_or(0),
                op,
                a_const,
                b_const,
                stores: store.is_some(),
            };
            Some((fused, if store.is_some() { 4 } else { 3 }))
        }
        (
            Instr::Compare(
                op @ (CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge | CmpOp::Eq | CmpOp::Ne),
            ),
            Some(jump @ (Instr::PopJumpIfFalse(target) | Instr::PopJumpIfTrue(target))),
        ) => {
            let fused = Instr::FusedCompareJump {
                a,
                b,
                target,
                op,
                a_const,
                b_const,
                jump_if: matches!(jump, Instr::PopJumpIfTrue(_)),
            };
            Some((fused, 4))
        }
        _ => None,
    }
}

/// The superinstruction for a run of two at the start of `run` (no longer run starts with
/// either pair).
fn fused_pair(run: &[Instr]) -> Option<Instr> {
    match run {
        [Instr::ForIter(target), Instr::StoreLocal(local), ..] => Some(Instr::FusedForStore {
            target: *target,
            local: *local,
        }),
        [Instr::LoadLocal(local), Instr::LoadAttr(name), ..] => Some(Instr::FusedLocalAttr {
            local: *local,
            name: *name,
        }),
        _ => None,
    }
}

/// A local, or a constant the fused path handles (an int or a float: a str or big int
/// constant would send every run of it down the slow way).
fn operand(instr: Instr, consts: &[Const]) -> Option<(u32, bool)> {
    match instr {
        Instr::LoadLocal(i) => Some((i, false)),
        Instr::LoadConst(c) => match consts.get(c as usize)? {
            Const::Int(_) | Const::Float(_) => Some((c, true)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::BinOp;

    #[test]
    fn only_the_first_slot_of_a_run_is_rewritten() {
        let consts = [Const::Int(1), Const::Str("x".into())];
        let mut instrs = vec![
            Instr::LoadLocal(0),
            Instr::LoadConst(0),
            Instr::InplaceBinary(BinOp::Add),
            Instr::StoreLocal(0),
            // A str constant is not fused.
            Instr::LoadLocal(1),
            Instr::LoadConst(1),
            Instr::Binary(BinOp::Add),
            Instr::LoadLocal(0),
            Instr::LoadLocal(2),
            Instr::Compare(CmpOp::Lt),
            Instr::PopJumpIfFalse(0),
            // With the left operand already on the stack.
            Instr::LoadConst(0),
            Instr::Binary(BinOp::Mul),
        ];
        let original = instrs.clone();
        fuse(&mut instrs, &consts);
        assert_eq!(
            instrs[0],
            Instr::FusedBinary {
                a: 0,
                b: 0,
                store: 0,
                op: BinOp::Add,
                a_const: false,
                b_const: true,
                stores: true
            }
        );
        assert_eq!(instrs[1..7], original[1..7]);
        assert_eq!(
            instrs[7],
            Instr::FusedCompareJump {
                a: 0,
                b: 2,
                target: 0,
                op: CmpOp::Lt,
                a_const: false,
                b_const: false,
                jump_if: false
            }
        );
        assert_eq!(instrs[8..11], original[8..11]);
        assert_eq!(
            instrs[11],
            Instr::FusedBinaryTop {
                b: 0,
                op: BinOp::Mul,
                b_const: true
            }
        );
        assert_eq!(instrs[12], original[12]);
        for (fused, was) in instrs.iter().zip(&original) {
            assert_eq!(fused.unfused(), *was);
        }
    }

    #[test]
    fn instructions_stay_small() {
        // Each instruction is copied out of the code on every dispatch.
        assert!(std::mem::size_of::<Instr>() <= 20);
    }
}
