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
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Const {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Code {
    pub name: String,
    /// Parameters are the first locals.
    pub params: u32,
    pub param_names: Vec<String>,
    /// Free variables (captured cells) occupy the last `freevars` local slots.
    pub freevars: u32,
    /// The name of each local slot, for error messages.
    pub local_names: Vec<String>,
    pub locals: u32,
    pub instrs: Vec<Instr>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
}

/// A compiled file: code objects (the module body is `codes[0]`), constants and global names.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Module {
    pub file: String,
    pub codes: Vec<Code>,
    pub consts: Vec<Const>,
    pub names: Vec<String>,
}
