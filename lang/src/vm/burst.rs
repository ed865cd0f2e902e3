//! The in-frame loop: instructions that touch only the running frame, the globals and plain
//! heap objects run back to back with the frame and its code held in locals, and so do plain
//! calls and returns between Python frames and generator resumes. None of them raises or runs
//! Rust-level code that calls back into Python, so none can change what the run loop checks
//! between instructions (the deadline, a host call): the loop checks those between bursts
//! instead, and a burst is cut at `limit` so the deadline is still looked at every 1,024
//! instructions. Some allocate a small object (a tuple, an iterator; never a str, see
//! `Vm::str_chars`) within the heap's limit: at most one per instruction, and the collector
//! looks at the heap when the burst ends, with every new object on a stack. Anything else,
//! including these instructions on values they do not handle (a big int, an index out of
//! range, a `__getitem__`, a full heap), ends the burst and goes the general way, which gives
//! the same result more slowly.

use super::objects::find_in_class;
use super::{
    Num, RECURSION_MAX, SPARES_MAX, STACK_MAX, State, arith, cmp_holds, plain_call, plain_frame,
    take_paused_frame,
};
use crate::code::{CmpOp, Const, Instr};
use crate::frame::{FrameKind, GeneratorEnd};
use crate::heap::{Generator, Iter, Object};
use crate::value::Value;

/// `len`'s index in `BUILTINS` (checked by a test below).
const LEN: u16 = 1;
/// The longest list `append` grows here, and the largest set a comprehension's add grows here;
/// beyond it the general path takes over (and raises MemoryError for a list).
const GROW_MAX: usize = crate::heap::BYTES_MAX / 16;

/// Why a burst ended.
pub(super) enum Burst {
    /// `limit` instructions ran.
    Limit,
    /// This instruction needs the general path; the program counter has moved past it.
    Next(Instr),
    /// No frame, or no instruction at the program counter: the general path reports it.
    Lost,
    /// A return left `floor` frames or fewer: the nested run that owns those is done.
    Floor,
}

/// Vectors of returned frames, kept for the next calls' locals and stacks.
pub(super) type Spares<'a> = (&'a mut Vec<Vec<Option<Value>>>, &'a mut Vec<Vec<Value>>);

/// Runs up to `limit` instructions of the innermost frames (in-frame ones, and plain calls
/// and returns between Python frames) while more than `floor` frames remain; returns how many
/// ran. (A run nested in a builtin, `run_nested`, owns the frames above its floor only: the
/// frame below is in the middle of an instruction.)
pub(super) fn burst(
    state: &mut State,
    mut spares: Spares<'_>,
    const_objects: &[Option<u32>],
    generator_returned: &mut bool,
    floor: usize,
    limit: u64,
) -> (u64, Burst) {
    let State {
        module,
        heap,
        globals,
        frames,
        steps,
        modules,
        ..
    } = state;
    let consts = &module.consts[..];
    let names = &module.names[..];
    let mut ran = 0;
    'frames: while ran < limit {
        let depth = frames.len();
        if depth <= floor {
            *steps += ran;
            return (ran, Burst::Floor);
        }
        let Some((frame, below)) = frames.split_last_mut() else {
            *steps += ran;
            return (ran, Burst::Lost);
        };
        let Some(code) = module.codes.get(frame.code as usize) else {
            *steps += ran;
            return (ran, Burst::Lost);
        };
        let instrs = &code.instrs[..];
        while ran < limit {
            let Some(&instr) = instrs.get(frame.pc as usize) else {
                *steps += ran;
                return (ran, Burst::Lost);
            };
            frame.pc += 1;
            let stack = &mut frame.stack;
            let n = stack.len();
            let room = n < STACK_MAX;
            // What the two operand loads a fused run stands for need (see `Instr::FusedBinary`):
            // a run that would overflow the stack one by one does so fused too.
            let room2 = n + 2 <= STACK_MAX;
            let taken = match instr {
                Instr::LoadLocal(i) => match frame.locals.get(i as usize) {
                    Some(Some(v)) if room => {
                        stack.push(*v);
                        true
                    }
                    _ => false,
                },
                Instr::StoreLocal(i) => match (frame.locals.get_mut(i as usize), stack.pop()) {
                    (Some(slot), Some(v)) => {
                        *slot = Some(v);
                        true
                    }
                    (None, Some(v)) => {
                        stack.push(v);
                        false
                    }
                    (_, None) => false,
                },
                Instr::LoadConst(i) => {
                    let v = match consts.get(i as usize) {
                        Some(Const::Int(n)) => Some(Value::Int(*n)),
                        Some(Const::Float(f)) => Some(Value::Float(*f)),
                        Some(Const::None) => Some(Value::None),
                        Some(Const::Bool(b)) => Some(Value::Bool(*b)),
                        // A str, bytes or big int constant loaded before (see
                        // `Vm::const_objects`).
                        Some(_) => const_objects
                            .get(i as usize)
                            .copied()
                            .flatten()
                            .map(Value::Ref),
                        _ => None,
                    };
                    match v {
                        Some(v) if room => {
                            stack.push(v);
                            true
                        }
                        _ => false,
                    }
                }
                Instr::LoadGlobal(i) => match globals.get(i as usize) {
                    Some(Some(v)) if room => {
                        stack.push(*v);
                        true
                    }
                    _ => false,
                },
                Instr::StoreGlobal(i) => match globals.get_mut(i as usize) {
                    Some(slot) if n > 0 => {
                        *slot = stack.pop();
                        true
                    }
                    _ => false,
                },
                Instr::Pop => stack.pop().is_some(),
                Instr::Dup => match stack.last().copied() {
                    Some(v) if room => {
                        stack.push(v);
                        true
                    }
                    _ => false,
                },
                Instr::Rot2 if n >= 2 => {
                    stack.swap(n - 1, n - 2);
                    true
                }
                Instr::Jump(t) => {
                    frame.pc = t;
                    true
                }
                Instr::Dup2 if n >= 2 && n + 2 <= STACK_MAX => {
                    stack.extend_from_within(n - 2..);
                    true
                }
                Instr::Rot3 if n >= 3 => {
                    stack[n - 3..].rotate_right(1);
                    true
                }
                Instr::JumpIfFalseOrPop(t) | Instr::JumpIfTrueOrPop(t) => {
                    match stack.last().and_then(|&v| plain_truth(heap, v)) {
                        Some(b) => {
                            if b == matches!(instr, Instr::JumpIfTrueOrPop(_)) {
                                frame.pc = t;
                            } else {
                                stack.pop();
                            }
                            true
                        }
                        None => false,
                    }
                }
                Instr::Negate => match stack.last_mut() {
                    Some(Value::Float(f)) => {
                        *f = -*f;
                        true
                    }
                    Some(Value::Int(i)) if *i != i64::MIN => {
                        *i = -*i;
                        true
                    }
                    _ => false,
                },
                // A list or tuple of exactly `count` items, the first ending on top.
                Instr::UnpackSequence(count) => match stack.last().copied() {
                    Some(Value::Ref(r)) => match heap.get(r) {
                        Some(Object::List(items) | Object::Tuple(items))
                            if items.len() == count as usize && n + items.len() <= STACK_MAX =>
                        {
                            stack.pop();
                            stack.extend(items.iter().rev());
                            true
                        }
                        _ => false,
                    },
                    _ => false,
                },
                Instr::PopJumpIfFalse(t) | Instr::PopJumpIfTrue(t) => {
                    match stack.last().and_then(|&v| plain_truth(heap, v)) {
                        Some(b) => {
                            stack.pop();
                            if b == matches!(instr, Instr::PopJumpIfTrue(_)) {
                                frame.pc = t;
                            }
                            true
                        }
                        None => false,
                    }
                }
                Instr::Not => match stack.last().and_then(|&v| plain_truth(heap, v)) {
                    Some(b) => {
                        stack[n - 1] = Value::Bool(!b);
                        true
                    }
                    None => false,
                },
                Instr::Binary(op) | Instr::InplaceBinary(op) if n >= 2 => {
                    match numeric_binary(op, stack[n - 2], stack[n - 1]) {
                        Some(r) => {
                            stack.truncate(n - 2);
                            stack.push(r);
                            true
                        }
                        None => false,
                    }
                }
                Instr::Compare(
                    op @ (CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge | CmpOp::Eq | CmpOp::Ne),
                ) if n >= 2 => match numeric_compare(op, stack[n - 2], stack[n - 1]) {
                    Some(r) => {
                        stack.truncate(n - 2);
                        stack.push(Value::Bool(r));
                        true
                    }
                    None => false,
                },
                // Superinstructions: the whole run at once when its operands are plain (the
                // guards); otherwise the instruction each replaced, further below.
                Instr::FusedBinary {
                    a,
                    b,
                    store,
                    op,
                    a_const,
                    b_const,
                    stores,
                } if (stores || room2)
                    && let Some(x) = fused_operand(consts, &frame.locals, a, a_const)
                    && let Some(y) = fused_operand(consts, &frame.locals, b, b_const)
                    && let Some(r) = numeric_binary(op, x, y) =>
                {
                    if !stores {
                        stack.push(r);
                        frame.pc += 2;
                        true
                    } else if let Some(slot) = frame.locals.get_mut(store as usize) {
                        *slot = Some(r);
                        frame.pc += 3;
                        true
                    } else {
                        false
                    }
                }
                Instr::FusedCompareJump {
                    a,
                    b,
                    target,
                    op,
                    a_const,
                    b_const,
                    jump_if,
                } if room2
                    && let Some(x) = fused_operand(consts, &frame.locals, a, a_const)
                    && let Some(y) = fused_operand(consts, &frame.locals, b, b_const)
                    && let Some(holds) = numeric_compare(op, x, y) =>
                {
                    if holds == jump_if {
                        frame.pc = target;
                    } else {
                        frame.pc += 3;
                    }
                    true
                }
                Instr::FusedBinaryTop { b, op, b_const }
                    if n >= 1
                        && room
                        && let Some(y) = fused_operand(consts, &frame.locals, b, b_const)
                        && let Some(r) = numeric_binary(op, stack[n - 1], y) =>
                {
                    stack[n - 1] = r;
                    frame.pc += 1;
                    true
                }
                // A range's next int, or a list's or tuple's next item, straight into the
                // loop variable.
                Instr::FusedForStore { target, local }
                    if room
                        && (local as usize) < frame.locals.len()
                        && let Some(Value::Ref(r)) = stack.last().copied()
                        && let Some(step) = plain_step(heap, r) =>
                {
                    match step {
                        Some(v) => {
                            frame.locals[local as usize] = Some(v);
                            frame.pc += 1;
                        }
                        None => {
                            stack.pop();
                            frame.pc = target;
                        }
                    }
                    true
                }
                Instr::FusedLocalAttr { local, name }
                    if room
                        && let Some(Some(Value::Ref(r))) = frame.locals.get(local as usize)
                        && let Some(v) = held_attr(heap, *r, names.get(name as usize)) =>
                {
                    stack.push(v);
                    frame.pc += 1;
                    true
                }
                // A superinstruction whose operands the guards above did not take: the
                // instruction it replaced (the run's others follow in place).
                Instr::FusedBinary { a, a_const, .. }
                | Instr::FusedCompareJump { a, a_const, .. }
                | Instr::FusedBinaryTop {
                    b: a,
                    b_const: a_const,
                    ..
                } if room => match fused_operand(consts, &frame.locals, a, a_const) {
                    Some(v) => {
                        stack.push(v);
                        true
                    }
                    None => false,
                },
                Instr::FusedLocalAttr { local, .. } => match frame.locals.get(local as usize) {
                    Some(Some(v)) if room => {
                        stack.push(*v);
                        true
                    }
                    _ => false,
                },
                Instr::BuildTuple(k) | Instr::BuildList(k) if k as usize <= n => {
                    let items = stack[n - k as usize..].to_vec();
                    let object = if matches!(instr, Instr::BuildList(_)) {
                        Object::List(items)
                    } else {
                        Object::Tuple(items)
                    };
                    match heap.alloc_bounded(object) {
                        Some(r) => {
                            stack.truncate(n - k as usize);
                            stack.push(Value::Ref(r));
                            true
                        }
                        None => false,
                    }
                }
                // An iterator over a range, list, tuple, str or bytes; an iterator is its own.
                Instr::GetIter if n >= 1 => match stack[n - 1] {
                    Value::Ref(r) => match super::protocols::sequence_iter(heap, r) {
                        Some(it) => match heap.alloc_bounded(Object::Iter(it)) {
                            Some(i) => {
                                stack[n - 1] = Value::Ref(i);
                                true
                            }
                            None => false,
                        },
                        None => {
                            matches!(heap.get(r), Some(Object::Iter(_) | Object::Generator(_)))
                        }
                    },
                    _ => false,
                },
                // A function without defaults (a lambda, a comprehension's or a generator
                // expression's function, a nested `def`), closing over the cells on top.
                Instr::MakeFunction {
                    code,
                    defaults: 0,
                    kw_defaults: 0,
                    closure,
                } if (closure as usize) <= n && (code as usize) < module.codes.len() => {
                    let closure = stack[n - closure as usize..].to_vec();
                    let cells = closure.len();
                    match heap.alloc_bounded(Object::Function {
                        code,
                        defaults: Vec::new(),
                        kw_defaults: Vec::new(),
                        closure,
                        owner: None,
                        attrs: Vec::new(),
                    }) {
                        Some(f) => {
                            stack.truncate(n - cells);
                            stack.push(Value::Ref(f));
                            true
                        }
                        None => false,
                    }
                }
                // A list comprehension's append to its list, `k` items below the value.
                Instr::ListAppend(k) if n >= 2 + k as usize => match stack[n - 2 - k as usize] {
                    Value::Ref(r) => match heap.get_mut(r) {
                        Some(Object::List(items)) if items.len() < GROW_MAX => {
                            items.push(stack[n - 1]);
                            stack.pop();
                            true
                        }
                        _ => false,
                    },
                    _ => false,
                },
                // A set comprehension's add of an int or bool, `k` items below the value: its key
                // and CPython hash need nothing from the heap (`Vm::set_add` does the rest).
                Instr::SetAdd(k) if n >= 2 + k as usize => {
                    match (
                        stack[n - 2 - k as usize],
                        super::sets::int_keyed(stack[n - 1]),
                    ) {
                        (Value::Ref(r), Some((key, hash))) => match heap.get_mut(r) {
                            Some(Object::Set { items, .. }) if items.len() < GROW_MAX => {
                                items.insert_hashed(key, stack[n - 1], Value::None, Some(hash));
                                stack.pop();
                                true
                            }
                            _ => false,
                        },
                        _ => false,
                    }
                }
                Instr::Compare(op @ (CmpOp::Is | CmpOp::IsNot)) if n >= 2 => {
                    let same = super::protocols::identical(stack[n - 2], stack[n - 1]);
                    stack.truncate(n - 2);
                    stack.push(Value::Bool(same == (op == CmpOp::Is)));
                    true
                }
                // `items[i]` on a list or tuple with an int index in range.
                Instr::Subscript if n >= 2 => match (stack[n - 2], stack[n - 1]) {
                    (Value::Ref(r), Value::Int(i)) => match heap.get(r) {
                        Some(Object::List(items) | Object::Tuple(items)) => {
                            match in_range(items.len(), i).and_then(|i| items.get(i)) {
                                Some(v) => {
                                    let v = *v;
                                    stack.truncate(n - 2);
                                    stack.push(v);
                                    true
                                }
                                None => false,
                            }
                        }
                        _ => false,
                    },
                    _ => false,
                },
                // `items[i] = v` on a list with an int index in range.
                Instr::StoreSubscript if n >= 3 => match (stack[n - 2], stack[n - 1]) {
                    (Value::Ref(r), Value::Int(i)) => match heap.get_mut(r) {
                        Some(Object::List(items)) => {
                            match in_range(items.len(), i).and_then(|i| items.get_mut(i)) {
                                Some(slot) => {
                                    *slot = stack[n - 3];
                                    stack.truncate(n - 3);
                                    true
                                }
                                None => false,
                            }
                        }
                        _ => false,
                    },
                    _ => false,
                },
                // An attribute the instance holds itself.
                Instr::LoadAttr(name) => match stack.last().copied() {
                    Some(Value::Ref(r)) => match held_attr(heap, r, names.get(name as usize)) {
                        Some(v) => {
                            stack[n - 1] = v;
                            true
                        }
                        None => false,
                    },
                    _ => false,
                },
                // Rebinding an attribute the instance already holds (nothing on the class can
                // intervene then: see `set_attr`).
                // A new one too when its class has no say in it (see `new_attr_is_plain`).
                Instr::StoreAttr(name) if n >= 2 => {
                    match (stack[n - 1], names.get(name as usize)) {
                        (Value::Ref(r), Some(name))
                            if store_instance_attr(heap, modules, r, name, stack[n - 2]) =>
                        {
                            stack.truncate(n - 2);
                            true
                        }
                        _ => false,
                    }
                }
                // `for` over a range, or over a list or tuple while it has items.
                Instr::LoadDeref(slot) => match frame.locals.get(slot as usize) {
                    Some(Some(Value::Ref(cell))) if room => match heap.get(*cell) {
                        Some(Object::Cell(Some(v))) => {
                            stack.push(*v);
                            true
                        }
                        _ => false,
                    },
                    _ => false,
                },
                Instr::StoreDeref(slot) => match (frame.locals.get(slot as usize), stack.last()) {
                    (Some(Some(Value::Ref(cell))), Some(&v)) => match heap.get_mut(*cell) {
                        Some(Object::Cell(content)) => {
                            *content = Some(v);
                            stack.pop();
                            true
                        }
                        _ => false,
                    },
                    _ => false,
                },
                // `yield from` sending None to a paused generator (`take_paused_frame` is None
                // for anything else).
                Instr::Send(target)
                    if depth < RECURSION_MAX && n >= 2 && stack[n - 1] == Value::None =>
                {
                    let resumed = match stack[n - 2] {
                        Value::Ref(r) => take_paused_frame(heap, r, GeneratorEnd::Delegate(target)),
                        _ => None,
                    };
                    match resumed {
                        Some(resumed) => {
                            stack.pop();
                            frames.push(resumed);
                            ran += 1;
                            continue 'frames;
                        }
                        None => false,
                    }
                }
                // A generator's `yield` to a `for` loop, `next()` or a builtin driving it: the
                // frame goes back into its object and the value to the frame below, as a
                // return's would. (A builtin's nested run has that frame at its floor, so the
                // burst ends there and the builtin takes the value.)
                Instr::Yield => match frame.kind {
                    FrameKind::Generator { object, on_end }
                        if n > 0
                            && below.last().is_some_and(|f| {
                                f.code != u32::MAX && f.stack.len() < STACK_MAX
                            })
                            && matches!(heap.get(object), Some(Object::Generator(_))) =>
                    {
                        let Some(v) = stack.pop() else {
                            unreachable!("n > 0")
                        };
                        if on_end == GeneratorEnd::Native {
                            *generator_returned = false;
                        }
                        if let Some(mut paused) = frames.pop() {
                            paused.kind = FrameKind::Call;
                            if let Some(Object::Generator(g)) = heap.get_mut(object) {
                                g.frame = Some(paused);
                                g.running = false;
                            }
                            if let Some(caller) = frames.last_mut() {
                                caller.stack.push(v);
                            }
                        }
                        ran += 1;
                        continue 'frames;
                    }
                    _ => false,
                },
                // (A fused step the guard above did not take is this instruction.)
                Instr::ForIter(target) | Instr::FusedForStore { target, .. } if room => match stack
                    .last()
                    .copied()
                {
                    // A range, list or tuple: the step the fused arm takes, onto the stack.
                    Some(Value::Ref(r)) if let Some(step) = plain_step(heap, r) => {
                        match step {
                            Some(v) => stack.push(v),
                            None => {
                                stack.pop();
                                frame.pc = target;
                            }
                        }
                        true
                    }
                    Some(Value::Ref(r)) => match heap.get_mut(r) {
                        // `enumerate` and `zip` over lists and tuples while they have items:
                        // the pair is made here (the inner iterators move on only once it is).
                        Some(Object::Iter(Iter::Enumerate { inner, count })) => {
                            let (inner, count) = (*inner, *count);
                            match seq_peek(heap, inner) {
                                Some(v) if count < i64::MAX => {
                                    let pair = vec![Value::Int(count), v];
                                    match heap.alloc_bounded(Object::Tuple(pair)) {
                                        Some(t) => {
                                            seq_advance(heap, inner);
                                            if let Some(Object::Iter(Iter::Enumerate {
                                                count: c,
                                                ..
                                            })) = heap.get_mut(r)
                                            {
                                                *c = count + 1;
                                            }
                                            stack.push(Value::Ref(t));
                                            true
                                        }
                                        None => false,
                                    }
                                }
                                _ => false,
                            }
                        }
                        // (Not a zip of one iterator with itself, `zip(it, it)`: each of its
                        // items goes to the next place.)
                        Some(Object::Iter(Iter::Zip { inners }))
                            if (1..=ZIP_FAST_MAX).contains(&inners.len())
                                && inners
                                    .iter()
                                    .enumerate()
                                    .all(|(i, a)| !inners[..i].contains(a)) =>
                        {
                            let mut ids = [0u32; ZIP_FAST_MAX];
                            let k = inners.len();
                            ids[..k].copy_from_slice(inners);
                            let items: Option<Vec<Value>> =
                                ids[..k].iter().map(|&i| seq_peek(heap, i)).collect();
                            match items.and_then(|items| heap.alloc_bounded(Object::Tuple(items))) {
                                Some(t) => {
                                    for &i in &ids[..k] {
                                        seq_advance(heap, i);
                                    }
                                    stack.push(Value::Ref(t));
                                    true
                                }
                                None => false,
                            }
                        }
                        // A paused generator: its frame comes out of the heap object onto
                        // the frame stack, as a call's would.
                        Some(Object::Generator(_)) if depth < RECURSION_MAX => {
                            match take_paused_frame(heap, r, GeneratorEnd::ForIter(target)) {
                                Some(resumed) => {
                                    frames.push(resumed);
                                    ran += 1;
                                    continue 'frames;
                                }
                                None => false,
                            }
                        }
                        _ => false,
                    },
                    _ => false,
                },
                // `len(x)` of a builtin container, and `list.append(v)`: the two builtin calls
                // loops make most, without leaving the frame.
                Instr::Call(1) if n >= 2 && stack[n - 2] == Value::Builtin(LEN) => {
                    let len = match stack[n - 1] {
                        Value::Ref(r) => match heap.get(r) {
                            Some(Object::List(v) | Object::Tuple(v)) => Some(v.len()),
                            Some(Object::Dict(d) | Object::Set { items: d, .. }) => Some(d.len()),
                            Some(Object::Str(s)) if s.is_ascii() => Some(s.len()),
                            Some(Object::Str(s)) => Some(s.chars().count()),
                            Some(Object::Bytes(b) | Object::ByteArray(b)) => Some(b.len()),
                            _ => None,
                        },
                        _ => None,
                    };
                    match len {
                        Some(len) => {
                            stack.truncate(n - 2);
                            stack.push(Value::Int(len as i64));
                            true
                        }
                        None => false,
                    }
                }
                Instr::CallMethod { name, argc: 1 }
                    if n >= 2
                        && names.get(name as usize).is_some_and(|s| s == "append")
                        && matches!(stack[n - 2], Value::Ref(r)
                            if matches!(heap.get(r), Some(Object::List(_)))) =>
                {
                    let (Value::Ref(r), v) = (stack[n - 2], stack[n - 1]) else {
                        unreachable!("matched above")
                    };
                    match heap.get_mut(r) {
                        Some(Object::List(items)) if items.len() < GROW_MAX => {
                            items.push(v);
                            stack.truncate(n - 2);
                            stack.push(Value::None);
                            true
                        }
                        _ => false,
                    }
                }
                // A plain function called with exactly its positional parameters (a method
                // defined on an instance's class with the receiver first): the arguments move
                // from this stack into the new frame's locals directly.
                // A generator function's frame goes into a new generator object instead.
                Instr::Call(_) | Instr::CallMethod { .. } => {
                    if depth < RECURSION_MAX
                        && let Some((f, first)) = plain_callee(heap, names, stack, instr)
                        && let Some(call) =
                            plain_call(heap, &module.codes, f, &stack[first..], spares.0)
                    {
                        let below_args = first - usize::from(matches!(instr, Instr::Call(_)));
                        if !module
                            .codes
                            .get(call.code as usize)
                            .is_some_and(|c| c.generator)
                        {
                            stack.truncate(below_args);
                            frames.push(call.into_frame(spares.1));
                            ran += 1;
                            continue 'frames;
                        }
                        let callee = call.into_frame(spares.1);
                        match heap.alloc_bounded(Object::Generator(Generator::new(callee))) {
                            Some(g) => {
                                stack.truncate(below_args);
                                stack.push(Value::Ref(g));
                                true
                            }
                            None => false,
                        }
                    } else if let Instr::Call(argc) = instr
                        && depth < RECURSION_MAX
                        && let Some((instance, init)) = plain_instantiation(
                            heap,
                            &module.codes,
                            stack,
                            argc as usize,
                            (&mut *spares.0, &mut *spares.1),
                        )
                    {
                        stack.truncate(n - argc as usize - 1);
                        match init {
                            Some(init) => {
                                frames.push(init);
                                ran += 1;
                                continue 'frames;
                            }
                            None => {
                                stack.push(Value::Ref(instance));
                                true
                            }
                        }
                    } else {
                        false
                    }
                }
                // A plain call returning to a Python caller: the value moves over and the
                // frame's vectors are kept for the next call.
                Instr::Return => {
                    let to_python = n > 0
                        && below
                            .last()
                            .is_some_and(|f| f.code != u32::MAX && f.stack.len() < STACK_MAX);
                    // A generator a `for` loop resumed returns: it is finished, and the loop
                    // drops it and leaves.
                    if to_python
                        && let FrameKind::Generator {
                            object,
                            on_end: GeneratorEnd::ForIter(target),
                        } = frame.kind
                        && below.last().is_some_and(|f| !f.stack.is_empty())
                        && let Some(v) = stack.pop()
                    {
                        retire_top(&mut spares, frames);
                        if let Some(Object::Generator(g)) = heap.get_mut(object) {
                            g.frame = None;
                            g.running = false;
                            g.returned = v;
                        }
                        if let Some(caller) = frames.last_mut() {
                            caller.stack.pop();
                            caller.pc = target;
                        }
                        ran += 1;
                        continue 'frames;
                    }
                    // A call's value, or the new instance from an `__init__` returning None.
                    let result = match (frame.kind, stack.last()) {
                        (FrameKind::Call, Some(&v)) => Some(v),
                        (FrameKind::Init(instance), Some(Value::None)) => {
                            Some(Value::Ref(instance))
                        }
                        _ => None,
                    };
                    if to_python && let Some(v) = result {
                        stack.pop();
                        retire_top(&mut spares, frames);
                        if let Some(caller) = frames.last_mut() {
                            caller.stack.push(v);
                        }
                        ran += 1;
                        continue 'frames;
                    }
                    false
                }
                _ => false,
            };
            if !taken {
                *steps += ran;
                return (ran, Burst::Next(instr));
            }
            ran += 1;
        }
    }
    *steps += ran;
    (ran, Burst::Limit)
}

/// Drops the innermost frame where it lies, keeping its vectors for the next call (up to
/// `SPARES_MAX` of them). (Popping it would move the whole frame out first: that copy cost
/// as much as the rest of a return.)
#[inline(always)]
fn retire_top(spares: &mut Spares<'_>, frames: &mut Vec<crate::frame::Frame>) {
    let Some(top) = frames.last_mut() else {
        return;
    };
    if spares.0.len() < SPARES_MAX {
        let mut locals = std::mem::take(&mut top.locals);
        locals.clear();
        spares.0.push(locals);
        let mut stack = std::mem::take(&mut top.stack);
        stack.clear();
        spares.1.push(stack);
    }
    frames.truncate(frames.len() - 1);
}

/// `obj.name = value` on an instance without a `__dict__` object (so without a `__setattr__`
/// hook): rebinding an attribute it holds, or adding one `new_attr_is_plain` lets through.
/// False, with nothing stored, for anything else.
fn store_instance_attr(
    heap: &mut crate::heap::Heap,
    modules: &[(String, Value)],
    r: u32,
    name: &str,
    value: Value,
) -> bool {
    let Some(Object::Instance {
        attrs,
        dict: None,
        class,
    }) = heap.get(r)
    else {
        return false;
    };
    let held = attrs.iter().position(|(k, _)| k == name);
    if held.is_none() && !new_attr_is_plain(heap, modules, *class, name) {
        return false;
    }
    let Some(Object::Instance { attrs, .. }) = heap.get_mut(r) else {
        return false;
    };
    match held {
        Some(i) if i < attrs.len() => attrs[i].1 = value,
        None if attrs.len() < super::LOCALS_MAX as usize => attrs.push((name.to_owned(), value)),
        _ => return false,
    }
    true
}

/// Whether a new attribute `name` of an instance of `class` (one without a `__dict__` object,
/// so without a `__setattr__` hook) is only stored: nothing of that name on the class (a
/// property would take it), no `__slots__` on its MRO, and not the class of `object()`'s
/// instances, which take none. What `set_attr_plain` checks, in the cases it lets through.
fn new_attr_is_plain(
    heap: &crate::heap::Heap,
    modules: &[(String, Value)],
    class: u32,
    name: &str,
) -> bool {
    find_in_class(heap, class, name).is_none()
        && find_in_class(heap, class, "__slots__").is_none()
        && super::builtins::bare_object_class(modules) != Some(class)
}

/// The zips of at most this many iterables step here (the rest the general way).
const ZIP_FAST_MAX: usize = 4;

/// The next item of iterator `it` when it is over a list or tuple that has one (not taken).
fn seq_peek(heap: &crate::heap::Heap, it: u32) -> Option<Value> {
    let Some(Object::Iter(Iter::Seq { of, index, .. })) = heap.get(it) else {
        return None;
    };
    match heap.get(*of) {
        Some(Object::List(items) | Object::Tuple(items)) => items.get(*index as usize).copied(),
        _ => None,
    }
}

/// Takes the item `seq_peek` gave.
fn seq_advance(heap: &mut crate::heap::Heap, it: u32) {
    if let Some(Object::Iter(Iter::Seq { index, .. })) = heap.get_mut(it) {
        *index = index.saturating_add(1);
    }
}

/// `Class(args)` with the arguments on top of `stack` and the class below them, for a plain
/// class: a user class without a metaclass, `__new__` or `__setattr__`, deriving from no
/// builtin type or exception, whose `__init__` is a plain function taking exactly these
/// arguments (or that has none, called without arguments). Returns the new instance and the
/// frame of its `__init__`, which returns it (`FrameKind::Init`). What `Vm::instantiate`
/// does for such a class.
fn plain_instantiation(
    heap: &mut crate::heap::Heap,
    codes: &[crate::code::Code],
    stack: &[Value],
    argc: usize,
    spares: Spares<'_>,
) -> Option<(u32, Option<crate::frame::Frame>)> {
    let at = stack.len().checked_sub(argc + 1)?;
    let Value::Ref(class) = stack[at] else {
        return None;
    };
    let Some(Object::Class(c)) = heap.get(class) else {
        return None;
    };
    let object = |v: &Value| matches!(*v, Value::Builtin(b) if super::BUILTINS.get(b as usize) == Some(&"object"));
    if c.meta.is_some()
        || !c
            .mro
            .iter()
            .all(|v| matches!(v, Value::Ref(_)) || object(v))
        || find_in_class(heap, class, "__new__").is_some()
        || find_in_class(heap, class, "__setattr__").is_some()
    {
        return None;
    }
    let init = match find_in_class(heap, class, "__init__") {
        None if argc == 0 => None,
        // The class's slot stands in for the instance until the instance exists.
        Some(Value::Ref(f)) => {
            let frame = plain_frame(heap, codes, f, &stack[at..], spares)?;
            if codes.get(frame.code as usize).is_none_or(|c| c.generator) {
                return None;
            }
            Some(frame)
        }
        _ => return None,
    };
    let instance = heap.alloc_bounded(Object::Instance {
        class,
        attrs: Vec::new(),
        dict: None,
    })?;
    let init = init.map(|mut frame| {
        if let Some(slot) = frame.locals.first_mut() {
            *slot = Some(Value::Ref(instance));
        }
        frame.kind = FrameKind::Init(instance);
        frame
    });
    Some((instance, init))
}

/// For a call: the function and where its arguments start on `stack` (for a method, at the
/// receiver, which the method takes first; for a function, above the function itself).
fn plain_callee(
    heap: &crate::heap::Heap,
    names: &[String],
    stack: &[Value],
    instr: Instr,
) -> Option<(u32, usize)> {
    match instr {
        Instr::Call(argc) => {
            let at = stack.len().checked_sub(argc as usize + 1)?;
            match stack[at] {
                Value::Ref(f) => Some((f, at + 1)),
                _ => None,
            }
        }
        Instr::CallMethod { name, argc } => {
            let at = stack.len().checked_sub(argc as usize + 1)?;
            let Value::Ref(receiver) = stack[at] else {
                return None;
            };
            let Some(Object::Instance {
                class,
                attrs,
                dict: None,
            }) = heap.get(receiver)
            else {
                return None;
            };
            let name = names.get(name as usize)?;
            if attrs.iter().any(|(k, _)| k == name) {
                return None;
            }
            match find_in_class(heap, *class, name)? {
                Value::Ref(f) => Some((f, at)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `x op y` for two ints or floats, when it has a plain number for a value (not a big int,
/// not an error).
#[inline(always)]
fn numeric_binary(op: crate::code::BinOp, x: Value, y: Value) -> Option<Value> {
    let (x, y) = match (x, y) {
        (Value::Int(x), Value::Int(y)) => (Num::Int(x), Num::Int(y)),
        (Value::Float(x), Value::Float(y)) => (Num::Float(x), Num::Float(y)),
        (Value::Int(x), Value::Float(y)) => (Num::Int(x), Num::Float(y)),
        (Value::Float(x), Value::Int(y)) => (Num::Float(x), Num::Int(y)),
        _ => return None,
    };
    arith(op, x, y).ok().flatten()
}

/// `x op y` for two ints or floats and an ordering or (in)equality.
#[inline(always)]
fn numeric_compare(op: CmpOp, x: Value, y: Value) -> Option<bool> {
    let ord = match (x, y) {
        (Value::Int(x), Value::Int(y)) => x.partial_cmp(&y),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(&y),
        (Value::Int(x), Value::Float(y)) => super::ints::cmp_i64_float(x, y),
        (Value::Float(x), Value::Int(y)) => super::ints::cmp_i64_float(y, x).map(|o| o.reverse()),
        _ => return None,
    };
    Some(match op {
        CmpOp::Eq => ord == Some(std::cmp::Ordering::Equal),
        CmpOp::Ne => ord != Some(std::cmp::Ordering::Equal),
        _ => cmp_holds(op, ord),
    })
}

/// The next step of iterator `r` when it is over a range, list or tuple: `Some(item)`, or
/// `None` at its end. None for any other iterator.
#[inline(always)]
fn plain_step(heap: &mut crate::heap::Heap, r: u32) -> Option<Option<Value>> {
    match heap.get_mut(r)? {
        Object::Iter(Iter::Range { next, stop, step }) => {
            let i = *next;
            if if *step > 0 { i < *stop } else { i > *stop } {
                *next = i.saturating_add(*step);
                Some(Some(Value::Int(i)))
            } else {
                Some(None)
            }
        }
        Object::Iter(Iter::Seq { of, index, .. }) => {
            let (of, at) = (*of, *index);
            let item = match heap.get(of)? {
                Object::List(items) | Object::Tuple(items) => items.get(at as usize).copied()?,
                _ => return None,
            };
            if let Some(Object::Iter(Iter::Seq { index, .. })) = heap.get_mut(r) {
                *index = at.saturating_add(1);
            }
            Some(Some(item))
        }
        _ => None,
    }
}

/// Attribute `name` of instance `r` when the instance holds it itself (no `__dict__`
/// object, so no hook between).
#[inline(always)]
fn held_attr(heap: &crate::heap::Heap, r: u32, name: Option<&String>) -> Option<Value> {
    let name = name?;
    match heap.get(r)? {
        Object::Instance {
            attrs, dict: None, ..
        } => attrs.iter().find(|(k, _)| k == name).map(|(_, v)| *v),
        _ => None,
    }
}

/// A superinstruction's operand: a bound local, or an int or float constant.
#[inline(always)]
fn fused_operand(
    consts: &[Const],
    locals: &[Option<Value>],
    i: u32,
    constant: bool,
) -> Option<Value> {
    if constant {
        match consts.get(i as usize)? {
            Const::Int(n) => Some(Value::Int(*n)),
            Const::Float(f) => Some(Value::Float(*f)),
            _ => None,
        }
    } else {
        *locals.get(i as usize)?
    }
}

/// The truth of a value that has no `__bool__` or `__len__` to ask.
fn plain_truth(heap: &crate::heap::Heap, v: Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(b),
        Value::Int(i) => Some(i != 0),
        Value::Float(f) => Some(f != 0.0),
        Value::None => Some(false),
        // A builtin container is true when it is not empty.
        Value::Ref(r) => match heap.get(r)? {
            Object::List(items) | Object::Tuple(items) => Some(!items.is_empty()),
            Object::Str(s) => Some(!s.is_empty()),
            Object::Bytes(b) | Object::ByteArray(b) => Some(!b.is_empty()),
            Object::Dict(d) | Object::Set { items: d, .. } => Some(!d.is_empty()),
            _ => None,
        },
        _ => None,
    }
}

/// A Python index into a sequence of `len` items, when it is in range.
fn in_range(len: usize, i: i64) -> Option<usize> {
    let i = if i < 0 { i.checked_add(len as i64)? } else { i };
    usize::try_from(i).ok().filter(|&i| i < len)
}

#[cfg(test)]
mod tests {
    #[test]
    fn builtins_sit_at_the_indices_the_vm_relies_on() {
        assert_eq!(super::super::BUILTINS[super::LEN as usize], "len");
        let crate::value::Value::Builtin(i) = crate::value::NOT_IMPLEMENTED else {
            panic!("NotImplemented is a builtin value");
        };
        assert_eq!(super::super::BUILTINS[i as usize], "NotImplemented");
        let crate::value::Value::Builtin(i) = crate::value::ELLIPSIS else {
            panic!("Ellipsis is a builtin value");
        };
        assert_eq!(super::super::BUILTINS[i as usize], "Ellipsis");
    }
}
