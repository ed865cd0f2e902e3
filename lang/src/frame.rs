//! Frames: one activation of a code object. Plain data like the rest of the state, so a frame
//! can sit inside a generator object on the heap between resumptions and in a snapshot.

use crate::code::{BinOp, CmpOp};
use crate::value::Value;

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Frame {
    pub code: u32,
    pub pc: u32,
    pub locals: Vec<Option<Value>>,
    pub stack: Vec<Value>,
    /// Active `try` blocks, innermost last.
    pub blocks: Vec<Block>,
    /// What happens to the value this frame returns.
    pub kind: FrameKind,
    /// The class whose body defined the running function (for zero-argument `super()`).
    pub owner: Option<u32>,
}

impl Frame {
    pub fn new(code: u32, locals: Vec<Option<Value>>) -> Frame {
        Frame {
            code,
            pc: 0,
            locals,
            stack: Vec::with_capacity(8),
            blocks: Vec::new(),
            kind: FrameKind::Call,
            owner: None,
        }
    }
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Block {
    pub handler: u32,
    pub depth: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum FrameKind {
    /// The return value goes onto the caller's stack.
    Call,
    /// `__init__` of a new instance: the caller gets the instance.
    Init(u32),
    /// The caller gets nothing (`__setitem__`, `__setattr__`-like calls whose result is unused).
    Discard,
    /// A generator's frame, resumed by its caller; how its end shows depends on who resumed it.
    Generator { object: u32, on_end: GeneratorEnd },
    /// A special method for `left op right`: a result other than `NotImplemented` goes onto the
    /// caller's stack; `NotImplemented` hands the operation to the next way (`then`).
    Operator {
        op: Operator,
        left: Value,
        right: Value,
        then: Stage,
    },
}

/// An operator whose special methods may answer `NotImplemented`.
#[derive(Clone, Copy, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Operator {
    Binary(BinOp),
    /// `a op= b`: `__iop__` first.
    Inplace(BinOp),
    Compare(CmpOp),
}

/// The ways an operator is tried, in order: the left operand's in-place method (`+=` only),
/// its method, the right operand's reflected method; then the operator's fallback (identity
/// for `==` and `!=`, TypeError for the rest).
#[derive(Clone, Copy, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Stage {
    Inplace,
    Forward,
    Reflected,
    Fallback,
}

#[derive(Clone, Copy, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum GeneratorEnd {
    /// A `for` loop: the caller pops the iterator and jumps here.
    ForIter(u32),
    /// `yield from`: the value the generator returned replaces the iterator on the caller's
    /// stack (the value of the `yield from`), and the caller jumps here.
    Delegate(u32),
    /// `next()` or `send()`: StopIteration in the caller.
    Raise,
    /// Rust code driving the generator (a builtin consuming an iterable): it looks at
    /// `Vm::generator_returned`.
    Native,
}
