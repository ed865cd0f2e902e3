//! Bytecode: a stack machine with operands inline in each instruction (one enum, no decoding
//! step), per-instruction source lines for tracebacks, and constants and names in side tables.

#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    LShift,
    RShift,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
    IsNot,
}

#[derive(Clone, Copy, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Instr {
    LoadConst(u32),
    LoadLocal(u32),
    StoreLocal(u32),
    /// Globals, then builtins; NameError if neither has it.
    LoadGlobal(u32),
    StoreGlobal(u32),
    Binary(BinOp),
    /// Augmented assignment: in place for lists (`+=` extends) and `__iadd__`-style methods.
    InplaceBinary(BinOp),
    Compare(CmpOp),
    Not,
    Negate,
    Pop,
    /// Duplicates the top of the stack (chained comparisons).
    Dup,
    /// Duplicates the two top items (augmented assignment to a subscript).
    Dup2,
    /// Swaps the two top items.
    Rot2,
    /// Moves the top item below the next two (chained comparisons keep the middle operand).
    Rot3,
    Jump(u32),
    PopJumpIfFalse(u32),
    PopJumpIfTrue(u32),
    /// `and`/`or`: jump keeping the value, or pop it and go on.
    JumpIfFalseOrPop(u32),
    JumpIfTrueOrPop(u32),
    BuildList(u32),
    BuildTuple(u32),
    /// `n` key/value pairs from the stack.
    BuildDict(u32),
    /// `container[index]`
    Subscript,
    /// `container[index] = value` with the stack `value, container, index`.
    StoreSubscript,
    GetIter,
    /// Pushes the iterator's next item, or pops the iterator and jumps when it is exhausted.
    ForIter(u32),
    /// Calls the callable below `argc` arguments.
    Call(u32),
    /// Calls method `name` on the receiver below `argc` arguments.
    CallMethod {
        name: u32,
        argc: u32,
    },
    /// Formats the value below (and its spec, on top when `spec`) for an f-string; `conversion`
    /// is 0, `s`, `r` or `a`.
    FormatValue {
        conversion: u8,
        spec: bool,
    },
    /// Concatenates the `n` strings on top.
    BuildString(u32),
    /// Enters a `try`: an exception raised before the matching `PopBlock` jumps to `handler`
    /// with the stack cut back to its depth here and the exception pushed.
    SetupExcept(u32),
    PopBlock,
    /// `exc, class` → whether the exception is an instance of the class (or a tuple of them).
    ExceptionMatch,
    /// Raises the exception (or class) on top of the stack.
    Raise,
    /// Raises again the exception a handler of this frame took (bare `raise`, no clause
    /// matching, the end of a `finally`): the frame is not added to its traceback again.
    Reraise,
    /// Replaces an iterable of exactly `n` items by its items, the first on top (so stores that
    /// follow assign left to right).
    UnpackSequence(u32),
    /// `container[lo:hi:step]` with the stack `container, lo, hi, step` (None for a missing part).
    Slice,
    /// Pops a value and appends it to the list `n` items below the top (comprehensions).
    ListAppend(u32),
    /// Pops a value and a key and stores them in the dict `n` items below the top.
    MapAdd(u32),
    /// Pushes a function for code object `code`: below the top `closure` cells, the `defaults`
    /// values of its last parameters.
    MakeFunction {
        code: u32,
        defaults: u32,
        /// (name, value) pairs of keyword-only defaults, below the closure cells.
        kw_defaults: u32,
        closure: u32,
    },
    /// Replaces local slot `n`'s value (or nothing) with a new cell holding it: a local that
    /// nested functions capture.
    MakeCell(u32),
    /// Reads or writes through the cell in local slot `n`.
    LoadDeref(u32),
    StoreDeref(u32),
    /// Like `Call(argc)`, followed on the stack by `kw` (name, value) pairs.
    CallKw {
        argc: u32,
        kw: u32,
    },
    Return,
    /// `obj.name` (names table index).
    LoadAttr(u32),
    /// `obj.name = value` with the stack `value, obj`.
    StoreAttr(u32),
    DeleteAttr(u32),
    /// `del container[index]`.
    DeleteSubscript,
    DeleteLocal(u32),
    DeleteGlobal(u32),
    /// Calls method `name` with `argc` arguments followed by `kw` (name, value) pairs.
    CallMethodKw {
        name: u32,
        argc: u32,
        kw: u32,
    },
    /// `callee(*args, **kwargs)`: the stack holds the callee, a tuple of positional arguments,
    /// and (when `kwargs`) a dict.
    CallEx {
        kwargs: bool,
    },
    /// Pops an iterable and appends its items to the list `n` below the top.
    ListExtend(u32),
    /// Replaces the list on top by a tuple of its items.
    ListToTuple,
    /// Pops a mapping and merges it into the dict `n` below the top (`**` in calls and displays).
    DictMerge(u32),
    BuildSet(u32),
    /// A display of more than two constants: built as CPython builds it, from a frozenset
    /// constant (made from the items, then remade from its own order) merged into a new set.
    BuildConstSet(u32),
    /// The frozenset constant a `for` over a display of constants iterates.
    BuildConstFrozenSet(u32),
    /// Pops an iterable and updates the set `n` below the top with it (`{*a, *b}`).
    SetUpdate(u32),
    /// Pops a value and adds it to the set `n` below the top.
    SetAdd(u32),
    /// Unpacks an iterable into `before` items, a list of the rest, and `after` items.
    UnpackEx {
        before: u32,
        after: u32,
    },
    /// `container[lo:hi:step] = value` with the stack `value, container, lo, hi, step`.
    StoreSlice,
    DeleteSlice,
    /// `~x`
    Invert,
    /// `+x`
    Positive,
    /// Yields the top of the stack; the value sent in replaces it on resumption.
    Yield,
    /// Pushes a class built from `name`, the namespace dict on top, (when `meta`) the metaclass
    /// below it and (when `bases` is 1) the base below that.
    MakeClass {
        name: u32,
        bases: u32,
        meta: bool,
    },
    /// Pushes a dict of the frame's bound locals by name (the end of a class body).
    LocalsDict,
    /// Replaces a finished generator by what it returned. No longer emitted (`yield from`'s
    /// ends leave its value themselves: `GeneratorEnd::Delegate`); still run for code compiled
    /// before.
    GeneratorReturned,
    /// `yield from`'s step with the stack `iterator, sent`: the sent value goes to the
    /// iterator (`next` for None, else `send`), leaving `iterator, yielded`; when the iterator
    /// is done, what it returned replaces it and the jump is taken.
    Send(u32),
    /// `yield from`'s handler for an exception thrown in at its `yield`, stack `iterator, exc`:
    /// a paused generator gets the exception where it is paused (what it yields next is
    /// yielded again, its end takes the jump); `GeneratorExit` closes it first. Anything else
    /// re-raises here.
    YieldFromThrow(u32),
    /// Pushes the module `name`.
    Import(u32),
    /// `raise exc from cause` with the stack `exc, cause`.
    RaiseFrom,
    /// The exceptional exit of a `with`: the stack `exc, exit`; calls `exit(type, exc, None)`
    /// and re-raises unless it returned true.
    WithExit,
    /// Replaces the list on top by a set of its items (`{*a, b}`). (New instructions go last:
    /// snapshots hold code.)

    /// `match`: pushes whether the value on top (kept) is one a sequence pattern may match
    /// (list, tuple, range, deque, a namedtuple; never str or bytes).
    MatchSequence,
    /// `match`: pushes whether the value on top (kept) is one a mapping pattern may match.
    MatchMapping,
    /// Pushes `len()` of the value on top, keeping it.
    GetLen,
    /// A class pattern with `n` positional sub-patterns, the stack `subject, class, names`
    /// (a tuple of the keyword attributes): replaces the three by a tuple of the attributes
    /// the sub-patterns match (named by `__match_args__`, then `names`), or by None when the
    /// subject is not an instance of the class or lacks one of them.
    MatchClass(u32),
    /// Superinstructions (see `compile::fusion`). The compiler writes one over the first
    /// instruction of the run it stands for and leaves the whole run in place behind it: the
    /// in-frame loop runs the run at once when its operands are plain numbers and jumps past
    /// it; anything else (and a jump into the run) runs the instructions one by one, starting
    /// with the one this replaced ([`Instr::unfused`]). So program counters, tracebacks and
    /// snapshots see the same positions as without them.
    ///
    /// `LoadLocal(a) | LoadConst(a); LoadLocal(b) | LoadConst(b); Binary(op) |
    /// InplaceBinary(op)`, then `StoreLocal(store)` when `stores`.
    FusedBinary {
        a: u32,
        b: u32,
        store: u32,
        op: BinOp,
        a_const: bool,
        b_const: bool,
        stores: bool,
    },
    /// `LoadLocal(a) | LoadConst(a); LoadLocal(b) | LoadConst(b); Compare(op);
    /// PopJumpIfFalse(target)`, or `PopJumpIfTrue(target)` when `jump_if`.
    FusedCompareJump {
        a: u32,
        b: u32,
        target: u32,
        op: CmpOp,
        a_const: bool,
        b_const: bool,
        jump_if: bool,
    },
    /// `ForIter(target); StoreLocal(local)`: a `for` loop's step into a plain local.
    FusedForStore {
        target: u32,
        local: u32,
    },
    /// `LoadLocal(local); LoadAttr(name)`: `self.x`.
    FusedLocalAttr {
        local: u32,
        name: u32,
    },
    /// `LoadLocal(b) | LoadConst(b); Binary(op) | InplaceBinary(op)` with the left operand
    /// already on the stack (`f(x) * y`, `... + 1`).
    FusedBinaryTop {
        b: u32,
        op: BinOp,
        b_const: bool,
    },
}

impl Instr {
    /// The instruction a superinstruction was written over (itself for any other): what runs
    /// when the superinstruction's operands are not the ones it handles.
    pub fn unfused(self) -> Instr {
        match self {
            Instr::FusedBinary { a, a_const, .. } | Instr::FusedCompareJump { a, a_const, .. } => {
                if a_const {
                    Instr::LoadConst(a)
                } else {
                    Instr::LoadLocal(a)
                }
            }
            Instr::FusedForStore { target, .. } => Instr::ForIter(target),
            Instr::FusedLocalAttr { local, .. } => Instr::LoadLocal(local),
            Instr::FusedBinaryTop { b, b_const, .. } => {
                if b_const {
                    Instr::LoadConst(b)
                } else {
                    Instr::LoadLocal(b)
                }
            }
            other => other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Const {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// An int literal beyond 64 bits, in decimal.
    Big(String),
    Bytes(Vec<u8>),
    /// An imaginary literal (`2j`), by its imaginary part.
    Complex(f64),
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Code {
    pub name: String,
    /// `Class.method`, `outer.<locals>.inner`: what error messages name.
    pub qualname: String,
    /// Parameters are the first locals.
    pub params: u32,
    pub param_names: Vec<String>,
    /// Keyword-only parameters follow the positional ones.
    pub kwonly: u32,
    /// A `*args` slot follows them, then a `**kwargs` slot.
    pub varargs: bool,
    pub varkw: bool,
    /// Calling it makes a generator.
    pub generator: bool,
    /// The first of the `freevars` slots holding captured cells.
    pub free_start: u32,
    /// Free variables (captured cells) occupy the last `freevars` local slots.
    pub freevars: u32,
    /// The name of each local slot, for error messages.
    pub local_names: Vec<String>,
    pub locals: u32,
    pub instrs: Vec<Instr>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    /// Instruction ranges `[start, end)` compiled from a list (0), set (1) or dict (2)
    /// comprehension: CPython runs those in their own frame, so tracebacks show one for them.
    pub comprehensions: Vec<(u32, u32, u8)>,
    /// Instruction ranges `[start, end)` of `except` and `finally` handlers with the hidden
    /// local holding the exception each handles: what `sys.exc_info()` reports while a frame
    /// runs inside one (CPython's `PUSH_EXC_INFO` … `POP_EXCEPT`), found without any state.
    pub handlers: Vec<Handler>,
    /// The docstring (a function's `__doc__`).
    pub doc: Option<String>,
    /// A class body (its locals become the class namespace; `locals()` there would be live).
    pub class_body: bool,
}

/// An `except` or `finally` handler's instructions and where its exception is kept.
#[derive(Clone, Copy, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    /// A local slot in a function, a global name at module level.
    pub exception: HandlerSlot,
}

#[derive(Clone, Copy, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum HandlerSlot {
    Local(u32),
    Global(u32),
}

/// A compiled file: code objects (the module body is `codes[0]`), constants and global names.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Module {
    pub file: String,
    pub codes: Vec<Code>,
    pub consts: Vec<Const>,
    pub names: Vec<String>,
}
