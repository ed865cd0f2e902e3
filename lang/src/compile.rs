//! From Python source (parsed by `rustpython-parser`) to [`Module`] bytecode. The subset so far is
//! listed in `docs/lang.md`; anything outside it is an [`Error`] with file, line, column and the
//! construct's name — never a panic and never a silent approximation.
//!
//! Scoping follows Python for what the subset has: a name assigned anywhere in a function (or a
//! parameter) is local to it; every other name is global, then builtin.

use std::collections::HashMap;

use rustpython_parser::ast::{self, Constant, Ranged};
use rustpython_parser::{Mode, parse};

use crate::code::{BinOp, CmpOp, Code, Const, Instr, Module};

mod folding;
mod fusion;
mod patterns;
pub(crate) use patterns::visit as visit_pattern;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("File \"{file}\", line {line}, column {column}\n{kind}: {message}")]
pub struct Error {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// `SyntaxError` (not Python) or `NotSupported` (Python outside the subset).
    pub kind: &'static str,
    pub message: String,
}

/// Builtins written in Python, defined at the start of every module (their frames are hidden
/// from tracebacks, as CPython shows none for its C builtins). A builtin that consumes an
/// iterable whose items come from Python code (a generator, a user iterator, `map` with a
/// Python function) hands it to these, so the iteration runs as ordinary frames: resumable,
/// snapshottable, under the budget, able to make host calls.
pub const PRELUDE: &str = "\
def __sl_list(__sl_it):
    items = []
    for x in __sl_it:
        items.append(x)
    return items
def __sl_collect(__sl_fn, __sl_it):
    return __sl_fn(__sl_list(__sl_it))
def __sl_materialize(__sl_fn, __sl_it, **kwargs):
    return __sl_fn(__sl_list(__sl_it), **kwargs)
def __sl_sum(__sl_it, start=0):
    if isinstance(start, str):
        raise TypeError(\"sum() can't sum strings [use ''.join(seq) instead]\")
    total = start
    for x in __sl_it:
        total = total + x
    return total
def __sl_any(__sl_it):
    for x in __sl_it:
        if x:
            return True
    return False
def __sl_all(__sl_it):
    for x in __sl_it:
        if not x:
            return False
    return True
def __sl_iter_call(__sl_fn, sentinel):
    if not callable(__sl_fn):
        raise TypeError('iter(v, w): v must be callable')
    while True:
        x = __sl_fn()
        if x == sentinel:
            return
        yield x
def __sl_zip_strict(*iterables):
    its = [iter(x) for x in iterables]
    if not its:
        return
    while True:
        row = []
        for i, it in enumerate(its):
            for x in it:
                row.append(x)
                break
            else:
                if i:
                    few = 'argument 1' if i == 1 else 'arguments 1-' + str(i)
                    raise ValueError('zip() argument ' + str(i + 1) + ' is shorter than ' + few)
                for j in range(1, len(its)):
                    for x in its[j]:
                        few = 'argument 1' if j == 1 else 'arguments 1-' + str(j)
                        raise ValueError('zip() argument ' + str(j + 1) + ' is longer than ' + few)
                return
        yield tuple(row)
";

/// Bounds on what one file may compile to.
pub const CODES_MAX: usize = 65_536;
pub const INSTRS_MAX: usize = 1 << 24;
pub const NESTING_MAX: usize = 200;
/// The largest source file the front end takes.
pub const SOURCE_BYTES_MAX: usize = 4 << 20;
/// The front end's thread stack: a base, plus room per source byte for the passes that are not
/// depth-limited themselves (the parser's reductions, and dropping a rejected, deeply nested tree,
/// whose depth is at most one level per source byte). Reserved address space, touched only by
/// hostile input.
const FRONT_END_STACK_BASE_BYTES: usize = 16 << 20;
const FRONT_END_STACK_BYTES_PER_SOURCE_BYTE: usize = 96;

struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(source: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        (line, offset - self.starts[line - 1] + 1)
    }
}

/// Compiles `source` (the module in `file`). Never overflows the stack, whatever the input: the
/// source is bounded ([`SOURCE_BYTES_MAX`]), the tree's depth is checked right after parsing
/// ([`NESTING_MAX`]) before any recursive pass runs, and the whole front end runs on its own
/// thread with a stack sized for the source (see `FRONT_END_STACK_*`).
pub fn compile(file: &str, source: &str) -> Result<Module, Error> {
    if source.len() > SOURCE_BYTES_MAX {
        return Err(Error {
            file: file.to_owned(),
            line: 1,
            column: 1,
            kind: "NotSupported",
            message: format!(
                "the source is {} bytes; at most {SOURCE_BYTES_MAX}",
                source.len()
            ),
        });
    }
    let stack = FRONT_END_STACK_BASE_BYTES + FRONT_END_STACK_BYTES_PER_SOURCE_BYTE * source.len();
    let system_error = |message: String| Error {
        file: file.to_owned(),
        line: 1,
        column: 1,
        kind: "SystemError",
        message,
    };
    std::thread::scope(|scope| {
        let front_end = std::thread::Builder::new()
            .name("sl-lang compile".into())
            .stack_size(stack)
            .spawn_scoped(scope, || compile_here(file, source))
            .map_err(|e| system_error(format!("cannot start the compiler thread: {e}")))?;
        front_end
            .join()
            .unwrap_or_else(|_| Err(system_error("the compiler panicked".into())))
    })
}

/// Rebuilds the tree unchanged (moves, no copies), refusing one nested deeper than
/// [`NESTING_MAX`] statements and expressions. Its own recursion stops at the limit.
struct DepthCheck {
    depth: usize,
}

impl rustpython_parser::ast::fold::Fold<rustpython_parser::text_size::TextRange> for DepthCheck {
    type TargetU = rustpython_parser::text_size::TextRange;
    type Error = usize;
    type UserContext = ();

    fn will_map_user(&mut self, _user: &Self::TargetU) {}

    fn map_user(&mut self, user: Self::TargetU, _context: ()) -> Result<Self::TargetU, usize> {
        Ok(user)
    }

    fn fold_stmt(&mut self, node: ast::Stmt) -> Result<ast::Stmt, usize> {
        self.depth += 1;
        if self.depth > NESTING_MAX {
            return Err(node.range().start().to_usize());
        }
        let folded = rustpython_parser::ast::fold::fold_stmt(self, node);
        self.depth -= 1;
        folded
    }

    fn fold_expr(&mut self, node: ast::Expr) -> Result<ast::Expr, usize> {
        self.depth += 1;
        if self.depth > NESTING_MAX {
            return Err(node.range().start().to_usize());
        }
        let folded = rustpython_parser::ast::fold::fold_expr(self, node);
        self.depth -= 1;
        folded
    }
}

fn compile_here(file: &str, source: &str) -> Result<Module, Error> {
    let lines = Lines::new(source);
    let parsed = parse(source, Mode::Module, file).map_err(|e| {
        let (line, column) = lines.locate(e.offset.to_usize());
        Error {
            file: file.to_owned(),
            line,
            column,
            kind: "SyntaxError",
            message: e.error.to_string(),
        }
    })?;
    let ast::Mod::Module(module) = parsed else {
        return Err(Error {
            file: file.to_owned(),
            line: 1,
            column: 1,
            kind: "SyntaxError",
            message: "expected a module".into(),
        });
    };
    let module = rustpython_parser::ast::fold::Foldable::fold(module, &mut DepthCheck { depth: 0 })
        .map_err(|offset| {
            let (line, column) = lines.locate(offset);
            Error {
                file: file.to_owned(),
                line,
                column,
                kind: "NotSupported",
                message: format!("statements and expressions nested more than {NESTING_MAX} deep"),
            }
        })?;
    let mut state = Shared {
        file,
        lines: &lines,
        module: Module {
            file: file.to_owned(),
            codes: Vec::new(),
            consts: Vec::new(),
            names: Vec::new(),
        },
        names: HashMap::new(),
        library: None,
    };
    // The module body is code 0. It first defines the prelude's functions.
    state.module.codes.push(placeholder("<module>"));
    let mut body = Function::new(None);
    let prelude = match parse(PRELUDE, Mode::Module, "<prelude>") {
        Ok(ast::Mod::Module(m)) => m.body,
        _ => {
            return Err(Error {
                file: file.to_owned(),
                line: 1,
                column: 1,
                kind: "SystemError",
                message: "the prelude does not parse".into(),
            });
        }
    };
    body.block(&mut state, &prelude)?;
    // Then runs the bodies of the library modules the file imports, dependencies first.
    let mut wanted = Vec::new();
    crate::library::imports(&module.body, &mut wanted);
    let mut done: Vec<String> = Vec::new();
    for name in wanted {
        library_module(&mut state, &mut body, &name, &mut done, 0)?;
    }
    body.block(&mut state, &module.body)?;
    body.emit_return_none(&mut state, source.len());
    state.module.codes[0] = body.finish("<module>", 0);
    // The main module's `__doc__`.
    state.module.codes[0].doc = crate::annotations::docstring(&module.body).map(str::to_owned);
    let Module { codes, consts, .. } = &mut state.module;
    for code in codes {
        fusion::fuse(&mut code.instrs, consts);
    }
    Ok(state.module)
}

/// Compiles library module `name` (and first the library modules it imports) into the module
/// body, its top-level names mangled into its own namespace.
fn library_module(
    state: &mut Shared<'_>,
    body: &mut Function,
    name: &str,
    done: &mut Vec<String>,
    depth: usize,
) -> Result<(), Error> {
    let Some(source) = crate::library::source(name) else {
        return Ok(());
    };
    if done.iter().any(|d| d == name) || depth > 32 {
        return Ok(());
    }
    done.push(name.to_owned());
    let parsed = match parse(source, Mode::Module, name) {
        Ok(ast::Mod::Module(m)) => m.body,
        _ => {
            return Err(state.error(
                0,
                "SystemError",
                format!("library module {name} does not parse"),
            ));
        }
    };
    let mut deps = Vec::new();
    crate::library::imports(&parsed, &mut deps);
    for dep in deps {
        library_module(state, body, &dep, done, depth + 1)?;
    }
    let saved = state
        .library
        .replace((name.to_owned(), crate::library::top_level_names(&parsed)));
    let result = body.block(state, &parsed);
    state.library = saved;
    result
}

fn placeholder(name: &str) -> Code {
    Code {
        name: name.to_owned(),
        qualname: name.to_owned(),
        params: 0,
        kwonly: 0,
        varargs: false,
        varkw: false,
        generator: false,
        free_start: 0,
        param_names: Vec::new(),
        freevars: 0,
        local_names: Vec::new(),
        locals: 0,
        instrs: Vec::new(),
        lines: Vec::new(),
        comprehensions: Vec::new(),
        handlers: Vec::new(),
        doc: None,
        class_body: false,
    }
}

struct Shared<'a> {
    file: &'a str,
    lines: &'a Lines,
    module: Module,
    names: HashMap<String, u32>,
    /// Compiling a library module: its name and the names it binds at top level (mangled).
    library: Option<(String, std::collections::BTreeSet<String>)>,
}

impl Shared<'_> {
    fn error(&self, at: usize, kind: &'static str, message: impl Into<String>) -> Error {
        let (line, column) = self.lines.locate(at);
        Error {
            file: self.file.to_owned(),
            line,
            column,
            kind,
            message: message.into(),
        }
    }

    fn unsupported(&self, at: usize, what: &str) -> Error {
        self.error(
            at,
            "NotSupported",
            format!("{what} is not in slnode's Python subset yet"),
        )
    }

    fn name(&mut self, name: &str) -> u32 {
        if let Some(id) = self.names.get(name) {
            return *id;
        }
        let id = self.module.names.len() as u32;
        self.module.names.push(name.to_owned());
        self.names.insert(name.to_owned(), id);
        id
    }

    /// The global slot for `name` as the code being compiled sees it: a library module's own
    /// top-level names live in its namespace, everything else is the program's global.
    fn global(&mut self, name: &str) -> u32 {
        // `__sl_builtin_abs` is the builtin `abs` in a library module that defines its own.
        if self.library.is_some()
            && let Some(builtin) = name.strip_prefix("__sl_builtin_")
        {
            return self.name(builtin);
        }
        let mangled = match &self.library {
            Some((module, bound)) if bound.contains(name) => {
                Some(crate::library::mangle(module, name))
            }
            _ => None,
        };
        match mangled {
            Some(m) => self.name(&m),
            None => self.name(name),
        }
    }

    fn constant(&mut self, c: Const) -> u32 {
        // Linear search is fine: files are small, and equal constants share a slot.
        if let Some(i) = self.module.consts.iter().position(|x| x == &c) {
            return i as u32;
        }
        self.module.consts.push(c);
        (self.module.consts.len() - 1) as u32
    }
}

struct Loop {
    start: u32,
    breaks: Vec<usize>,
    /// Open blocks when the loop began: `break`/`continue` close the ones opened since.
    blocks: usize,
}

/// What a `break`, `continue` or `return` must close on its way out.
#[derive(Clone)]
enum Open {
    /// A `try` body with handlers: pop its block.
    Except,
    /// A `try` body with `finally`: pop its block and run the final body.
    Finally(Vec<ast::Stmt>),
    /// A `with` body: pop its block and call the saved `__exit__`.
    With(Slot),
    /// An `except` (or exception-path `finally`) body, which has no block: leaving it by
    /// `return`, `break` or `continue` clears the slot holding its exception, so
    /// `sys.exc_info()` in a `finally` run on the way out no longer reports it (CPython pops
    /// the exception before).
    Handler(Slot),
}

struct Function {
    /// Local names, parameters first; `None` for the module body (everything global).
    locals: Option<HashMap<String, u32>>,
    local_count: u32,
    instrs: Vec<Instr>,
    lines: Vec<u32>,
    comprehensions: Vec<(u32, u32, u8)>,
    /// See [`crate::code::Code::handlers`].
    handlers: Vec<crate::code::Handler>,
    line: u32,
    loops: Vec<Loop>,
    depth: usize,
    open: Vec<Open>,
    /// Handlers being compiled: the slot holding the exception each handles (for bare `raise`).
    handling: Vec<Slot>,
    hidden: u32,
    /// Comprehension scopes, innermost last: their variables live in hidden slots, so they
    /// neither leak into nor clobber the enclosing scope (Python 3's rule).
    renames: Vec<HashMap<String, Slot>>,
    /// Locals that nested functions capture, and free variables from enclosing functions: both
    /// hold a cell in their slot.
    derefs: HashMap<String, u32>,
    freevars: u32,
    /// Keyword-only parameters (after the positional ones), `*args` and `**kwargs`.
    kwonly: u32,
    varargs: bool,
    varkw: bool,
    /// A `yield` appeared in the body.
    generator: bool,
    /// The first slot of the captured cells.
    free_start: u32,
    /// The qualified-name prefix of what this function defines (`C.`, `f.<locals>.`), and of
    /// this function itself.
    child_prefix: String,
    prefix: String,
    /// Compiling a class body (a `return` is an error; its locals become the namespace).
    class_body: bool,
    /// Compiling a generator expression's body: `:=` there would bind in the enclosing
    /// function, which this compiler does not reach from here.
    genexpr: bool,
}

/// What a function body is compiled as.
#[derive(Clone, Copy, PartialEq)]
enum Body {
    Function,
    /// A class body: its locals become the class namespace.
    Class,
}

/// What a comprehension builds.
#[derive(Clone, Copy)]
enum Comprehension<'a> {
    List(&'a ast::Expr),
    Set(&'a ast::Expr),
    Dict(&'a ast::Expr, &'a ast::Expr),
    /// Yields each element (the body of a generator expression, whose first iterable is its
    /// parameter `.0`).
    Generator(&'a ast::Expr),
}

/// Where a hidden value lives: a local slot in functions, a global name in the module body.
#[derive(Clone, Copy)]
enum Slot {
    Local(u32),
    Global(u32),
}

impl Function {
    fn new(locals: Option<Vec<String>>) -> Function {
        let (map, count) = match locals {
            Some(names) => {
                let count = names.len() as u32;
                let map = names
                    .into_iter()
                    .enumerate()
                    .map(|(i, n)| (n, i as u32))
                    .collect();
                (Some(map), count)
            }
            None => (None, 0),
        };
        Function {
            locals: map,
            local_count: count,
            instrs: Vec::new(),
            lines: Vec::new(),
            comprehensions: Vec::new(),
            handlers: Vec::new(),
            line: 1,
            loops: Vec::new(),
            depth: 0,
            open: Vec::new(),
            handling: Vec::new(),
            hidden: 0,
            renames: Vec::new(),
            derefs: HashMap::new(),
            freevars: 0,
            kwonly: 0,
            varargs: false,
            varkw: false,
            generator: false,
            class_body: false,
            genexpr: false,
            free_start: 0,
            child_prefix: String::new(),
            prefix: String::new(),
        }
    }

    /// Gives each captured variable a slot after the named locals (recorded as `free_start`).
    fn bind_captured(&mut self, captured: &[(String, u32)]) {
        self.free_start = self.local_count;
        for (i, (free, _)) in captured.iter().enumerate() {
            self.derefs
                .insert(free.clone(), self.local_count + i as u32);
        }
        self.freevars = captured.len() as u32;
        self.local_count += self.freevars;
    }

    /// A fresh hidden variable (names no Python code can spell).
    fn hidden_slot(&mut self, s: &mut Shared<'_>) -> Slot {
        self.hidden += 1;
        let name = format!(".exception{}", self.hidden);
        match &mut self.locals {
            Some(locals) => {
                let slot = self.local_count;
                locals.insert(name, slot);
                self.local_count += 1;
                Slot::Local(slot)
            }
            None => Slot::Global(s.name(&name)),
        }
    }

    fn handler_range(&mut self, start: u32, end: u32, slot: Slot) {
        self.handlers.push(crate::code::Handler {
            start,
            end,
            exception: match slot {
                Slot::Local(i) => crate::code::HandlerSlot::Local(i),
                Slot::Global(i) => crate::code::HandlerSlot::Global(i),
            },
        });
    }

    fn load_slot(&mut self, slot: Slot) {
        match slot {
            Slot::Local(i) => self.emit(Instr::LoadLocal(i)),
            Slot::Global(i) => self.emit(Instr::LoadGlobal(i)),
        };
    }

    fn store_slot(&mut self, slot: Slot) {
        match slot {
            Slot::Local(i) => self.emit(Instr::StoreLocal(i)),
            Slot::Global(i) => self.emit(Instr::StoreGlobal(i)),
        };
    }

    /// Closes the blocks opened since `down_to` (innermost first), running `finally` bodies.
    fn close_blocks(&mut self, s: &mut Shared<'_>, down_to: usize) -> Result<(), Error> {
        let open: Vec<Open> = self.open[down_to..].to_vec();
        let saved = std::mem::take(&mut self.open);
        self.open = saved[..down_to].to_vec();
        for block in open.iter().rev() {
            if let Open::Handler(slot) = block {
                let none = s.constant(Const::None);
                self.emit(Instr::LoadConst(none));
                self.store_slot(*slot);
                continue;
            }
            self.emit(Instr::PopBlock);
            match block {
                Open::Finally(body) => self.block(s, body)?,
                Open::With(exit) => self.call_exit(s, *exit),
                Open::Except | Open::Handler(_) => {}
            }
        }
        self.open = saved;
        Ok(())
    }

    fn finish(self, name: &str, params: u32) -> Code {
        let mut param_names = vec![String::new(); (params + self.kwonly) as usize];
        for (name, slot) in self.locals.iter().flatten() {
            if let Some(p) = param_names.get_mut(*slot as usize) {
                *p = name.clone();
            }
        }
        let mut local_names = vec![String::new(); self.local_count as usize];
        for (name, slot) in self.locals.iter().flatten().chain(self.derefs.iter()) {
            if let Some(n) = local_names.get_mut(*slot as usize) {
                *n = name.clone();
            }
        }
        Code {
            name: name.to_owned(),
            qualname: format!("{}{name}", self.prefix),
            params,
            kwonly: self.kwonly,
            varargs: self.varargs,
            varkw: self.varkw,
            generator: self.generator,
            free_start: self.free_start,
            param_names,
            local_names,
            freevars: self.freevars,
            locals: self.local_count,
            instrs: self.instrs,
            lines: self.lines,
            comprehensions: self.comprehensions,
            handlers: self.handlers,
            doc: None,
            class_body: self.class_body,
        }
    }

    fn emit(&mut self, instr: Instr) -> usize {
        self.instrs.push(instr);
        self.lines.push(self.line);
        self.instrs.len() - 1
    }

    fn here(&self) -> u32 {
        self.instrs.len() as u32
    }

    fn patch(&mut self, at: usize, target: u32) {
        self.instrs[at] = match self.instrs[at] {
            Instr::Jump(_) => Instr::Jump(target),
            Instr::PopJumpIfFalse(_) => Instr::PopJumpIfFalse(target),
            Instr::PopJumpIfTrue(_) => Instr::PopJumpIfTrue(target),
            Instr::SetupExcept(_) => Instr::SetupExcept(target),
            Instr::JumpIfFalseOrPop(_) => Instr::JumpIfFalseOrPop(target),
            Instr::JumpIfTrueOrPop(_) => Instr::JumpIfTrueOrPop(target),
            Instr::ForIter(_) => Instr::ForIter(target),
            Instr::Send(_) => Instr::Send(target),
            Instr::YieldFromThrow(_) => Instr::YieldFromThrow(target),
            other => other,
        };
    }

    fn at(&mut self, s: &Shared<'_>, offset: usize) {
        // Library code has no lines a traceback could show (see `library.rs`).
        self.line = if s.library.is_some() {
            0
        } else {
            s.lines.locate(offset).0 as u32
        };
    }

    fn emit_return_none(&mut self, s: &mut Shared<'_>, offset: usize) {
        self.at(s, offset.saturating_sub(1));
        let none = s.constant(Const::None);
        self.emit(Instr::LoadConst(none));
        self.emit(Instr::Return);
    }

    fn renamed(&self, name: &str) -> Option<Slot> {
        self.renames.iter().rev().find_map(|r| r.get(name).copied())
    }

    fn load(&mut self, s: &mut Shared<'_>, name: &str) {
        if let Some(slot) = self.renamed(name) {
            self.load_slot(slot);
            return;
        }
        if let Some(slot) = self.derefs.get(name).copied() {
            self.emit(Instr::LoadDeref(slot));
            return;
        }
        match self.locals.as_ref().and_then(|l| l.get(name)) {
            Some(i) => {
                let i = *i;
                self.emit(Instr::LoadLocal(i));
            }
            None => {
                let id = s.global(name);
                self.emit(Instr::LoadGlobal(id));
            }
        }
    }

    fn store(&mut self, s: &mut Shared<'_>, name: &str) {
        if let Some(slot) = self.renamed(name) {
            self.store_slot(slot);
            return;
        }
        if let Some(slot) = self.derefs.get(name).copied() {
            self.emit(Instr::StoreDeref(slot));
            return;
        }
        match self.locals.as_ref().and_then(|l| l.get(name)) {
            Some(i) => {
                let i = *i;
                self.emit(Instr::StoreLocal(i));
            }
            None => {
                let id = s.global(name);
                self.emit(Instr::StoreGlobal(id));
            }
        }
    }

    fn block(&mut self, s: &mut Shared<'_>, body: &[ast::Stmt]) -> Result<(), Error> {
        for stmt in body {
            self.statement(s, stmt)?;
        }
        if self.instrs.len() > INSTRS_MAX {
            return Err(s.error(0, "NotSupported", "the file compiles to too much code"));
        }
        Ok(())
    }

    fn statement(&mut self, s: &mut Shared<'_>, stmt: &ast::Stmt) -> Result<(), Error> {
        let at = stmt.range().start().to_usize();
        self.at(s, at);
        match stmt {
            ast::Stmt::Expr(e) => {
                self.expr(s, &e.value)?;
                self.emit(Instr::Pop);
            }
            ast::Stmt::Assign(a) => {
                if let Some((targets, values)) = swap_assignment(a) {
                    // `a, b = b, a` and `x, y, z = …, …, …`: the values go straight onto the
                    // stack in the order the tuple would hold them and are turned so the first
                    // is on top, as `UnpackSequence` leaves them (no tuple is made, as in
                    // CPython).
                    for value in values {
                        self.expr(s, value)?;
                    }
                    if values.len() == 3 {
                        self.emit(Instr::Rot3);
                    }
                    self.emit(Instr::Rot2);
                    for target in targets {
                        self.assign_to(s, target)?;
                    }
                    return Ok(());
                }
                self.expr(s, &a.value)?;
                for (i, target) in a.targets.iter().enumerate() {
                    if i + 1 < a.targets.len() {
                        self.emit(Instr::Dup);
                    }
                    self.assign_to(s, target)?;
                }
            }
            ast::Stmt::AugAssign(a) => {
                let op = binop(s, at, &a.op)?;
                match &*a.target {
                    ast::Expr::Name(n) => {
                        self.load(s, n.id.as_str());
                        self.expr(s, &a.value)?;
                        self.emit(Instr::InplaceBinary(op));
                        self.store(s, n.id.as_str());
                    }
                    ast::Expr::Attribute(attr) => {
                        // obj.x op= v: obj → obj obj → obj x → obj x v → obj r → r obj → store.
                        let name = s.name(attr.attr.as_str());
                        self.expr(s, &attr.value)?;
                        self.emit(Instr::Dup);
                        self.emit(Instr::LoadAttr(name));
                        self.expr(s, &a.value)?;
                        self.emit(Instr::InplaceBinary(op));
                        self.emit(Instr::Rot2);
                        self.emit(Instr::StoreAttr(name));
                    }
                    ast::Expr::Subscript(sub) => {
                        // container[index] op= value, evaluating container and index once:
                        // c i → c i c i → c i v → c i r → r c i → store.
                        self.expr(s, &sub.value)?;
                        self.expr(s, &sub.slice)?;
                        self.emit(Instr::Dup2);
                        self.emit(Instr::Subscript);
                        self.expr(s, &a.value)?;
                        self.emit(Instr::InplaceBinary(op));
                        self.emit(Instr::Rot3);
                        self.emit(Instr::StoreSubscript);
                    }
                    other => {
                        return Err(s.unsupported(
                            other.range().start().to_usize(),
                            "augmented assignment to this target",
                        ));
                    }
                }
            }
            ast::Stmt::If(i) => {
                self.nested(s, at)?;
                self.expr(s, &i.test)?;
                let to_else = self.emit(Instr::PopJumpIfFalse(0));
                self.block(s, &i.body)?;
                if i.orelse.is_empty() {
                    let here = self.here();
                    self.patch(to_else, here);
                } else {
                    let to_end = self.emit(Instr::Jump(0));
                    let here = self.here();
                    self.patch(to_else, here);
                    self.block(s, &i.orelse)?;
                    let here = self.here();
                    self.patch(to_end, here);
                }
                self.depth -= 1;
            }
            ast::Stmt::While(w) => {
                self.nested(s, at)?;
                let start = self.here();
                self.expr(s, &w.test)?;
                let exit = self.emit(Instr::PopJumpIfFalse(0));
                self.loops.push(Loop {
                    start,
                    breaks: Vec::new(),
                    blocks: self.open.len(),
                });
                self.block(s, &w.body)?;
                self.emit(Instr::Jump(start));
                let exhausted = self.here();
                self.patch(exit, exhausted);
                // `else` runs when the condition ends the loop, not after `break`.
                let breaks = self.loops.pop().map(|l| l.breaks).unwrap_or_default();
                self.block(s, &w.orelse)?;
                let end = self.here();
                for b in breaks {
                    self.patch(b, end);
                }
                self.depth -= 1;
            }
            ast::Stmt::For(f) => {
                self.nested(s, at)?;
                self.iterable(s, &f.iter)?;
                self.emit(Instr::GetIter);
                let start = self.here();
                let exit = self.emit(Instr::ForIter(0));
                self.assign_to(s, &f.target)?;
                self.loops.push(Loop {
                    start,
                    breaks: Vec::new(),
                    blocks: self.open.len(),
                });
                self.block(s, &f.body)?;
                self.emit(Instr::Jump(start));
                let end = self.here();
                self.patch(exit, end);
                // `else` runs when the iterator is exhausted, not after `break`.
                let breaks = self.loops.pop().map(|l| l.breaks).unwrap_or_default();
                self.block(s, &f.orelse)?;
                // `break` leaves the iterator on the stack; pop it on that path only.
                if !breaks.is_empty() {
                    let skip = self.emit(Instr::Jump(0));
                    let pop_at = self.here();
                    for b in breaks {
                        self.patch(b, pop_at);
                    }
                    self.emit(Instr::Pop);
                    let after = self.here();
                    self.patch(skip, after);
                }
                self.depth -= 1;
            }
            ast::Stmt::Break(_) => {
                let Some(blocks) = self.loops.last().map(|l| l.blocks) else {
                    return Err(s.error(at, "SyntaxError", "'break' outside loop"));
                };
                self.close_blocks(s, blocks)?;
                let jump = self.emit(Instr::Jump(0));
                if let Some(current) = self.loops.last_mut() {
                    current.breaks.push(jump);
                }
            }
            ast::Stmt::Continue(_) => {
                let Some((start, blocks)) = self.loops.last().map(|l| (l.start, l.blocks)) else {
                    return Err(s.error(at, "SyntaxError", "'continue' not properly in loop"));
                };
                self.close_blocks(s, blocks)?;
                self.emit(Instr::Jump(start));
            }
            ast::Stmt::Pass(_) => {}
            ast::Stmt::Return(r) => {
                if self.locals.is_none() || self.class_body {
                    return Err(s.error(at, "SyntaxError", "'return' outside function"));
                }
                match &r.value {
                    Some(v) => self.expr(s, v)?,
                    None => {
                        let none = s.constant(Const::None);
                        self.emit(Instr::LoadConst(none));
                    }
                }
                // `finally` bodies run before the function returns (the value waits on the stack).
                self.close_blocks(s, 0)?;
                self.emit(Instr::Return);
            }
            ast::Stmt::FunctionDef(def) => self.function_def(s, def)?,
            ast::Stmt::ClassDef(def) => self.class_def(s, def)?,
            ast::Stmt::With(w) => self.with_statement(s, &w.items, &w.body, at)?,
            ast::Stmt::Import(i) => {
                for alias in &i.names {
                    let full = alias.name.as_str();
                    if full.contains('.') && alias.asname.is_none() {
                        // `import a.b.c` binds `a`, each module an attribute of its parent.
                        let parts: Vec<&str> = full.split('.').collect();
                        // The top module first, so a missing one is named as CPython names it.
                        let top = s.name(parts[0]);
                        self.emit(Instr::Import(top));
                        self.emit(Instr::Pop);
                        for depth in 1..parts.len() {
                            let child = s.name(&parts[..=depth].join("."));
                            self.emit(Instr::Import(child));
                            let parent = s.name(&parts[..depth].join("."));
                            self.emit(Instr::Import(parent));
                            let attr = s.name(parts[depth]);
                            self.emit(Instr::StoreAttr(attr));
                        }
                        let top = s.name(parts[0]);
                        self.emit(Instr::Import(top));
                        self.store(s, parts[0]);
                        continue;
                    }
                    let module = s.name(full);
                    self.emit(Instr::Import(module));
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.store(s, bound.as_str());
                }
            }
            ast::Stmt::ImportFrom(i) => {
                let Some(module) = &i.module else {
                    return Err(s.unsupported(at, "relative imports"));
                };
                if i.level.is_some_and(|l| l.to_u32() > 0) {
                    return Err(s.unsupported(at, "relative imports"));
                }
                let id = s.name(module.as_str());
                self.emit(Instr::Import(id));
                for alias in &i.names {
                    if alias.name.as_str() == "*" {
                        return Err(s.unsupported(at, "`from module import *`"));
                    }
                    self.emit(Instr::Dup);
                    let attr = s.name(alias.name.as_str());
                    self.emit(Instr::LoadAttr(attr));
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.store(s, bound.as_str());
                }
                self.emit(Instr::Pop);
            }
            ast::Stmt::Delete(d) => {
                for target in &d.targets {
                    self.delete(s, target)?;
                }
            }
            ast::Stmt::AnnAssign(a) => {
                if let Some(value) = &a.value {
                    self.expr(s, value)?;
                    self.assign_to(s, &a.target)?;
                }
            }
            // Handled when the function's scope is analysed; at module level a no-op.
            ast::Stmt::Global(_) => {}
            ast::Stmt::Nonlocal(_) if self.locals.is_some() => {}
            ast::Stmt::Nonlocal(_) => {
                return Err(s.error(
                    at,
                    "SyntaxError",
                    "nonlocal declaration not allowed at module level",
                ));
            }
            ast::Stmt::Try(t) => self.try_statement(s, t, at)?,
            ast::Stmt::Match(m) => self.match_statement(s, m, at)?,
            ast::Stmt::Raise(r) => {
                match &r.exc {
                    Some(e) => self.expr(s, e)?,
                    None => match self.handling.last().copied() {
                        Some(slot) => self.load_slot(slot),
                        None => {
                            return Err(
                                s.unsupported(at, "a bare `raise` outside an `except` block")
                            );
                        }
                    },
                }
                match &r.cause {
                    Some(cause) => {
                        self.expr(s, cause)?;
                        self.emit(Instr::RaiseFrom);
                    }
                    None => {
                        self.emit(if r.exc.is_some() {
                            Instr::Raise
                        } else {
                            Instr::Reraise
                        });
                    }
                }
            }
            ast::Stmt::Assert(a) => {
                self.expr(s, &a.test)?;
                let ok = self.emit(Instr::PopJumpIfTrue(0));
                let class = s.name("AssertionError");
                self.emit(Instr::LoadGlobal(class));
                match &a.msg {
                    Some(m) => {
                        self.expr(s, m)?;
                        self.emit(Instr::Call(1));
                    }
                    None => {
                        self.emit(Instr::Call(0));
                    }
                }
                self.emit(Instr::Raise);
                let here = self.here();
                self.patch(ok, here);
            }
            other => return Err(s.unsupported(at, statement_name(other))),
        }
        Ok(())
    }

    /// `try`/`except`/`else`/`finally`. The body runs under a block whose handler tests each
    /// `except` clause in order and re-raises when none matches; a `finally` body wraps all of it
    /// in a second block whose handler runs the body and re-raises, and is copied onto the
    /// normal path and before every `break`, `continue` and `return` that leaves it.
    fn try_statement(
        &mut self,
        s: &mut Shared<'_>,
        t: &ast::StmtTry,
        at: usize,
    ) -> Result<(), Error> {
        self.nested(s, at)?;
        let has_finally = !t.finalbody.is_empty();
        let mut finally_setup = None;
        if has_finally {
            finally_setup = Some(self.emit(Instr::SetupExcept(0)));
            self.open.push(Open::Finally(t.finalbody.clone()));
        }
        if t.handlers.is_empty() {
            self.block(s, &t.body)?;
            self.block(s, &t.orelse)?;
        } else {
            let setup = self.emit(Instr::SetupExcept(0));
            self.open.push(Open::Except);
            self.block(s, &t.body)?;
            self.open.pop();
            self.emit(Instr::PopBlock);
            self.block(s, &t.orelse)?;
            let mut to_end = vec![self.emit(Instr::Jump(0))];
            let handler = self.here();
            self.patch(setup, handler);
            // Stack: the exception.
            let slot = self.hidden_slot(s);
            self.store_slot(slot);
            for h in &t.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                self.at(s, h.range.start().to_usize());
                let mut next = None;
                if let Some(class) = &h.type_ {
                    self.load_slot(slot);
                    self.expr(s, class)?;
                    self.emit(Instr::ExceptionMatch);
                    next = Some(self.emit(Instr::PopJumpIfFalse(0)));
                }
                if let Some(name) = &h.name {
                    self.load_slot(slot);
                    self.store(s, name.as_str());
                }
                self.handling.push(slot);
                self.open.push(Open::Handler(slot));
                self.block(s, &h.body)?;
                self.open.pop();
                self.handling.pop();
                if let Some(name) = &h.name {
                    self.unbind_handler_name(s, name.as_str());
                }
                to_end.push(self.emit(Instr::Jump(0)));
                if let Some(next) = next {
                    let here = self.here();
                    self.patch(next, here);
                }
            }
            // No clause matched.
            self.load_slot(slot);
            self.emit(Instr::Reraise);
            let end = self.here();
            self.handler_range(handler, end, slot);
            for j in to_end {
                self.patch(j, end);
            }
        }
        if let Some(setup) = finally_setup {
            self.open.pop();
            self.emit(Instr::PopBlock);
            self.block(s, &t.finalbody)?;
            let skip = self.emit(Instr::Jump(0));
            let handler = self.here();
            self.patch(setup, handler);
            let slot = self.hidden_slot(s);
            self.store_slot(slot);
            self.open.push(Open::Handler(slot));
            self.block(s, &t.finalbody)?;
            self.open.pop();
            self.load_slot(slot);
            self.emit(Instr::Reraise);
            let end = self.here();
            self.handler_range(handler, end, slot);
            self.patch(skip, end);
        }
        self.depth -= 1;
        Ok(())
    }

    fn nested(&mut self, s: &Shared<'_>, at: usize) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > NESTING_MAX {
            return Err(s.error(at, "NotSupported", "blocks nested too deeply"));
        }
        Ok(())
    }

    fn assign_to(&mut self, s: &mut Shared<'_>, target: &ast::Expr) -> Result<(), Error> {
        match target {
            ast::Expr::Name(n) => {
                self.store(s, n.id.as_str());
                Ok(())
            }
            ast::Expr::Subscript(sub) => {
                self.expr(s, &sub.value)?;
                if let ast::Expr::Slice(slice) = &*sub.slice {
                    self.slice_parts(s, slice)?;
                    self.emit(Instr::StoreSlice);
                } else {
                    self.expr(s, &sub.slice)?;
                    self.emit(Instr::StoreSubscript);
                }
                Ok(())
            }
            ast::Expr::Attribute(attr) => {
                self.expr(s, &attr.value)?;
                let name = s.name(attr.attr.as_str());
                self.emit(Instr::StoreAttr(name));
                Ok(())
            }
            ast::Expr::Tuple(ast::ExprTuple { elts, .. })
            | ast::Expr::List(ast::ExprList { elts, .. }) => {
                let starred: Vec<usize> = elts
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| matches!(e, ast::Expr::Starred(_)))
                    .map(|(i, _)| i)
                    .collect();
                match starred[..] {
                    [] => {
                        self.emit(Instr::UnpackSequence(elts.len() as u32));
                    }
                    [i] => {
                        self.emit(Instr::UnpackEx {
                            before: i as u32,
                            after: (elts.len() - i - 1) as u32,
                        });
                    }
                    _ => {
                        return Err(s.error(
                            target.range().start().to_usize(),
                            "SyntaxError",
                            "multiple starred expressions in assignment",
                        ));
                    }
                }
                for element in elts {
                    match element {
                        ast::Expr::Starred(inner) => self.assign_to(s, &inner.value)?,
                        other => self.assign_to(s, other)?,
                    }
                }
                Ok(())
            }
            other => Err(s.error(
                other.range().start().to_usize(),
                "SyntaxError",
                "cannot assign to this expression",
            )),
        }
    }

    fn function_def(
        &mut self,
        s: &mut Shared<'_>,
        def: &ast::StmtFunctionDef,
    ) -> Result<(), Error> {
        let at = def.range().start().to_usize();
        for decorator in &def.decorator_list {
            self.expr(s, decorator)?;
        }
        self.at(s, at);
        let end = def.range().end().to_usize();
        self.make_function(
            s,
            def.name.as_str(),
            &def.args,
            &def.body,
            at,
            end,
            Body::Function,
        )?;
        for _ in &def.decorator_list {
            self.emit(Instr::Call(1));
        }
        self.store(s, def.name.as_str());
        Ok(())
    }

    /// Compiles a function (a `def`, a lambda whose body is one `return`, or a class body) and
    /// pushes it: its defaults are evaluated here, in the defining scope, and the cells of the
    /// enclosing variables it uses are handed to it.
    #[allow(clippy::too_many_arguments)]
    fn make_function(
        &mut self,
        s: &mut Shared<'_>,
        name: &str,
        args: &ast::Arguments,
        body: &[ast::Stmt],
        at: usize,
        end: usize,
        kind: Body,
    ) -> Result<(), Error> {
        let positional = args.posonlyargs.len() + args.args.len();
        let mut defaults = 0u32;
        for a in args.posonlyargs.iter().chain(&args.args) {
            if let Some(default) = &a.default {
                self.expr(s, default)?;
                defaults += 1;
            }
        }
        let mut kw_defaults = 0u32;
        for a in &args.kwonlyargs {
            if let Some(default) = &a.default {
                let key = s.constant(Const::Str(a.def.arg.to_string()));
                self.emit(Instr::LoadConst(key));
                self.expr(s, default)?;
                kw_defaults += 1;
            }
        }
        if s.module.codes.len() >= CODES_MAX {
            return Err(s.unsupported(at, "this many functions"));
        }
        let params = crate::scope::param_names(args);
        let scope = match kind {
            Body::Function => crate::scope::analyse(&params, body),
            Body::Class => crate::scope::analyse_class(body),
        };
        if let Some(clash) = scope.globals.iter().find(|g| params.contains(g)) {
            return Err(s.error(
                at,
                "SyntaxError",
                format!("name '{clash}' is parameter and global"),
            ));
        }
        let captured = self.captures(s, &scope.free, &scope.nonlocals, at)?;
        let mut locals = params.clone();
        locals.extend(
            scope
                .locals_in_order()
                .filter(|l| !params.contains(l))
                .cloned(),
        );
        let mut function = Function::new(Some(locals));
        function.prefix = self.child_prefix.clone();
        function.child_prefix = match kind {
            Body::Function => format!("{}{name}.<locals>.", self.child_prefix),
            Body::Class => format!("{}{name}.", self.child_prefix),
        };
        function.kwonly = args.kwonlyargs.len() as u32;
        function.varargs = args.vararg.is_some();
        function.varkw = args.kwarg.is_some();
        function.class_body = kind == Body::Class;
        function.generator = kind == Body::Function && crate::scope::is_generator(body);
        function.bind_captured(&captured);
        function.at(s, at);
        for cell in &scope.cells {
            if let Some(slot) = function.locals.as_ref().and_then(|l| l.get(cell)).copied() {
                function.derefs.insert(cell.clone(), slot);
                function.emit(Instr::MakeCell(slot));
            }
        }
        function.block(s, body)?;
        if kind == Body::Class {
            function.at(s, end.saturating_sub(1));
            function.emit(Instr::LocalsDict);
            function.emit(Instr::Return);
        } else {
            function.emit_return_none(s, end);
        }
        let index = s.module.codes.len() as u32;
        let mut code = function.finish(name, positional as u32);
        code.doc = crate::annotations::docstring(body).map(str::to_owned);
        s.module.codes.push(code);
        self.at(s, at);
        for (_, slot) in &captured {
            // The slot holds the cell itself: hand the cell over, not its content.
            self.emit(Instr::LoadLocal(*slot));
        }
        self.emit(Instr::MakeFunction {
            code: index,
            defaults,
            kw_defaults,
            closure: captured.len() as u32,
        });
        Ok(())
    }

    /// Which of a nested function's free names this function hands over as cells (the rest are
    /// globals). Variables of a comprehension being compiled cannot be captured.
    fn captures(
        &self,
        s: &Shared<'_>,
        free: &std::collections::BTreeSet<String>,
        nonlocals: &std::collections::BTreeSet<String>,
        at: usize,
    ) -> Result<Vec<(String, u32)>, Error> {
        let mut captured = Vec::new();
        for name in free {
            if self.renamed(name).is_some() {
                return Err(s.unsupported(at, "a function capturing a comprehension variable"));
            }
            if let Some(slot) = self.derefs.get(name) {
                captured.push((name.clone(), *slot));
            } else if nonlocals.contains(name) {
                return Err(s.error(
                    at,
                    "SyntaxError",
                    format!("no binding for nonlocal '{name}' found"),
                ));
            }
        }
        Ok(captured)
    }

    /// `class Name(base): body` with decorators.
    fn class_def(&mut self, s: &mut Shared<'_>, def: &ast::StmtClassDef) -> Result<(), Error> {
        let at = def.range().start().to_usize();
        let mut meta = None;
        for keyword in &def.keywords {
            match keyword.arg.as_ref().map(|a| a.as_str()) {
                Some("metaclass") if meta.is_none() => meta = Some(&keyword.value),
                _ => return Err(s.unsupported(at, "class keywords other than metaclass=")),
            }
        }
        if !def.type_params.is_empty() {
            return Err(s.unsupported(at, "type parameters"));
        }
        for decorator in &def.decorator_list {
            self.expr(s, decorator)?;
        }
        for base in &def.bases {
            self.expr(s, base)?;
        }
        if let Some(meta) = meta {
            self.expr(s, meta)?;
        }
        self.at(s, at);
        let end = def.range().end().to_usize();
        let no_args = ast::Arguments {
            range: Default::default(),
            posonlyargs: Vec::new(),
            args: Vec::new(),
            vararg: None,
            kwonlyargs: Vec::new(),
            kwarg: None,
        };
        let documented = crate::annotations::record_doc(&def.body);
        let body = documented.as_deref().unwrap_or(&def.body);
        let placed = s.library.as_ref().map(|(module, _)| {
            // The module's name as CPython's classes carry it (`_datecalc` serves `datetime`).
            let module = if module == "_datecalc" {
                "datetime"
            } else {
                module.as_str()
            };
            crate::annotations::record_module(body, module)
        });
        let body = placed.as_deref().unwrap_or(body);
        let annotated = crate::annotations::record(body);
        self.make_function(
            s,
            def.name.as_str(),
            &no_args,
            annotated.as_deref().unwrap_or(body),
            at,
            end,
            Body::Class,
        )?;
        self.emit(Instr::Call(0));
        let name = s.name(def.name.as_str());
        self.emit(Instr::MakeClass {
            name,
            bases: def.bases.len() as u32,
            meta: meta.is_some(),
        });
        for _ in &def.decorator_list {
            self.emit(Instr::Call(1));
        }
        self.store(s, def.name.as_str());
        Ok(())
    }

    /// `with a as x, b as y: body`: `__enter__` now, `__exit__` on every way out (normal end,
    /// `break`/`continue`/`return` through it, an exception — which it may swallow).
    fn with_statement(
        &mut self,
        s: &mut Shared<'_>,
        items: &[ast::WithItem],
        body: &[ast::Stmt],
        at: usize,
    ) -> Result<(), Error> {
        let Some((item, rest)) = items.split_first() else {
            return self.block(s, body);
        };
        self.nested(s, at)?;
        self.expr(s, &item.context_expr)?;
        self.emit(Instr::Dup);
        let exit_name = s.name("__exit__");
        self.emit(Instr::LoadAttr(exit_name));
        let exit = self.hidden_slot(s);
        self.store_slot(exit);
        let enter = s.name("__enter__");
        self.emit(Instr::CallMethod {
            name: enter,
            argc: 0,
        });
        let setup = self.emit(Instr::SetupExcept(0));
        self.open.push(Open::With(exit));
        match &item.optional_vars {
            Some(target) => self.assign_to(s, target)?,
            None => {
                self.emit(Instr::Pop);
            }
        }
        self.with_statement(s, rest, body, at)?;
        self.open.pop();
        self.emit(Instr::PopBlock);
        self.call_exit(s, exit);
        let done = self.emit(Instr::Jump(0));
        let handler = self.here();
        self.patch(setup, handler);
        // The exception, kept where `sys.exc_info()` finds it while `__exit__` runs.
        let held = self.hidden_slot(s);
        self.emit(Instr::Dup);
        self.store_slot(held);
        self.load_slot(exit);
        self.emit(Instr::WithExit);
        let end = self.here();
        self.handler_range(handler, end, held);
        self.patch(done, end);
        self.depth -= 1;
        Ok(())
    }

    /// `exit(None, None, None)`, result dropped.
    fn call_exit(&mut self, s: &mut Shared<'_>, exit: Slot) {
        self.load_slot(exit);
        let none = s.constant(Const::None);
        for _ in 0..3 {
            self.emit(Instr::LoadConst(none));
        }
        self.emit(Instr::Call(3));
        self.emit(Instr::Pop);
    }

    /// The end of `except … as name:`: CPython unbinds the name (`name = None; del name`), so
    /// the exception does not outlive its clause (a later use is an UnboundLocalError or
    /// NameError, and `locals()` no longer shows it). A captured name is left bound (this
    /// compiler has no `del` of a captured variable).
    fn unbind_handler_name(&mut self, s: &mut Shared<'_>, name: &str) {
        if self.renamed(name).is_some() || self.derefs.contains_key(name) {
            return;
        }
        let none = s.constant(Const::None);
        self.emit(Instr::LoadConst(none));
        self.store(s, name);
        match self.locals.as_ref().and_then(|l| l.get(name)).copied() {
            Some(i) => self.emit(Instr::DeleteLocal(i)),
            None => {
                let id = s.global(name);
                self.emit(Instr::DeleteGlobal(id))
            }
        };
    }

    fn delete(&mut self, s: &mut Shared<'_>, target: &ast::Expr) -> Result<(), Error> {
        let at = target.range().start().to_usize();
        match target {
            ast::Expr::Name(n) => {
                let name = n.id.as_str();
                if self.renamed(name).is_some() || self.derefs.contains_key(name) {
                    return Err(s.unsupported(at, "`del` of a captured variable"));
                }
                match self.locals.as_ref().and_then(|l| l.get(name)).copied() {
                    Some(i) => self.emit(Instr::DeleteLocal(i)),
                    None => {
                        let id = s.global(name);
                        self.emit(Instr::DeleteGlobal(id))
                    }
                };
            }
            ast::Expr::Subscript(sub) => {
                self.expr(s, &sub.value)?;
                if let ast::Expr::Slice(slice) = &*sub.slice {
                    self.slice_parts(s, slice)?;
                    self.emit(Instr::DeleteSlice);
                } else {
                    self.expr(s, &sub.slice)?;
                    self.emit(Instr::DeleteSubscript);
                }
            }
            ast::Expr::Attribute(attr) => {
                self.expr(s, &attr.value)?;
                let name = s.name(attr.attr.as_str());
                self.emit(Instr::DeleteAttr(name));
            }
            ast::Expr::Tuple(t) => {
                for e in &t.elts {
                    self.delete(s, e)?;
                }
            }
            ast::Expr::List(l) => {
                for e in &l.elts {
                    self.delete(s, e)?;
                }
            }
            _ => return Err(s.error(at, "SyntaxError", "cannot delete this expression")),
        }
        Ok(())
    }

    /// Pushes a slice's lower, upper and step (None for a missing part).
    fn slice_parts(&mut self, s: &mut Shared<'_>, slice: &ast::ExprSlice) -> Result<(), Error> {
        for part in [&slice.lower, &slice.upper, &slice.step] {
            match part {
                Some(e) => self.expr(s, e)?,
                None => {
                    let none = s.constant(Const::None);
                    self.emit(Instr::LoadConst(none));
                }
            }
        }
        Ok(())
    }

    /// A generator expression: a generator function over the first iterable (evaluated here),
    /// capturing what it reads from here. Comprehension variables of an enclosing comprehension
    /// are passed by value (they hold still while the generator is consumed in the usual uses).
    fn generator_expression(
        &mut self,
        s: &mut Shared<'_>,
        c: &ast::ExprGeneratorExp,
        at: usize,
    ) -> Result<(), Error> {
        let Some(first) = c.generators.first() else {
            return Err(s.error(at, "SyntaxError", "empty generator expression"));
        };
        if let Some(g) = c.generators.iter().find(|g| g.is_async) {
            return Err(s.unsupported(g.iter.range().start().to_usize(), "async comprehensions"));
        }
        self.iterable(s, &first.iter)?;
        self.emit(Instr::GetIter);
        let free = crate::scope::genexpr_free(c);
        let mut by_value = Vec::new();
        let mut captured = Vec::new();
        for name in &free {
            if let Some(slot) = self.renamed(name) {
                by_value.push((name.clone(), slot));
            } else if let Some(slot) = self.derefs.get(name) {
                captured.push((name.clone(), *slot));
            }
        }
        if s.module.codes.len() >= CODES_MAX {
            return Err(s.unsupported(at, "this many functions"));
        }
        let mut params = vec![".0".to_owned()];
        params.extend(by_value.iter().map(|(n, _)| n.clone()));
        let count = params.len() as u32;
        let mut function = Function::new(Some(params));
        function.prefix = self.child_prefix.clone();
        function.generator = true;
        function.genexpr = true;
        function.bind_captured(&captured);
        function.at(s, at);
        function.comprehension(s, &c.generators, Comprehension::Generator(&c.elt))?;
        function.emit_return_none(s, c.range().end().to_usize());
        let index = s.module.codes.len() as u32;
        s.module.codes.push(function.finish("<genexpr>", count));
        self.at(s, at);
        for (_, slot) in &captured {
            self.emit(Instr::LoadLocal(*slot));
        }
        self.emit(Instr::MakeFunction {
            code: index,
            defaults: 0,
            kw_defaults: 0,
            closure: captured.len() as u32,
        });
        self.emit(Instr::Rot2);
        for (_, slot) in &by_value {
            self.load_slot(*slot);
        }
        self.emit(Instr::Call(count));
        Ok(())
    }

    fn expr(&mut self, s: &mut Shared<'_>, e: &ast::Expr) -> Result<(), Error> {
        let at = e.range().start().to_usize();
        self.depth += 1;
        if self.depth > NESTING_MAX {
            return Err(s.error(at, "NotSupported", "expression nested too deeply"));
        }
        let result = self.expr_inner(s, e, at);
        self.depth -= 1;
        result
    }

    fn expr_inner(&mut self, s: &mut Shared<'_>, e: &ast::Expr, at: usize) -> Result<(), Error> {
        match e {
            ast::Expr::Constant(c) => {
                let constant = match &c.value {
                    Constant::None => Const::None,
                    Constant::Bool(b) => Const::Bool(*b),
                    Constant::Int(i) => {
                        let text = i.to_string();
                        match text.parse::<i64>() {
                            Ok(n) => Const::Int(n),
                            Err(_) => Const::Big(text),
                        }
                    }
                    Constant::Bytes(b) => Const::Bytes(b.clone()),
                    Constant::Ellipsis => {
                        // The builtin value (a module global named `Ellipsis` would shadow it).
                        let name = s.name("Ellipsis");
                        self.emit(Instr::LoadGlobal(name));
                        return Ok(());
                    }
                    Constant::Float(f) => Const::Float(*f),
                    Constant::Str(text) => Const::Str(text.clone()),
                    Constant::Complex { imag, .. } => Const::Complex(*imag),
                    Constant::Tuple(_) => {
                        return Err(s.unsupported(at, "tuple constants"));
                    }
                };
                let id = s.constant(constant);
                self.emit(Instr::LoadConst(id));
            }
            ast::Expr::Name(n) => self.load(s, n.id.as_str()),
            ast::Expr::BinOp(b) => {
                let op = binop(s, at, &b.op)?;
                self.expr(s, &b.left)?;
                self.expr(s, &b.right)?;
                self.emit(Instr::Binary(op));
            }
            ast::Expr::UnaryOp(u) => {
                self.expr(s, &u.operand)?;
                match u.op {
                    ast::UnaryOp::Not => self.emit(Instr::Not),
                    ast::UnaryOp::USub => self.emit(Instr::Negate),
                    ast::UnaryOp::UAdd => self.emit(Instr::Positive),
                    ast::UnaryOp::Invert => self.emit(Instr::Invert),
                };
            }
            ast::Expr::BoolOp(b) => {
                let mut jumps = Vec::new();
                for (i, value) in b.values.iter().enumerate() {
                    self.expr(s, value)?;
                    if i + 1 < b.values.len() {
                        let jump = match b.op {
                            ast::BoolOp::And => Instr::JumpIfFalseOrPop(0),
                            ast::BoolOp::Or => Instr::JumpIfTrueOrPop(0),
                        };
                        jumps.push(self.emit(jump));
                    }
                }
                let end = self.here();
                for j in jumps {
                    self.patch(j, end);
                }
            }
            ast::Expr::Compare(c) => {
                self.expr(s, &c.left)?;
                let n = c.ops.len();
                let mut fails = Vec::new();
                for (i, (op, right)) in c.ops.iter().zip(&c.comparators).enumerate() {
                    self.expr(s, right)?;
                    let last = i + 1 == n;
                    if !last {
                        // keep the right operand for the next comparison
                        self.emit(Instr::Dup);
                        self.emit(Instr::Rot3);
                    }
                    self.emit(Instr::Compare(cmpop(op)));
                    if !last {
                        fails.push(self.emit(Instr::JumpIfFalseOrPop(0)));
                    }
                }
                if !fails.is_empty() {
                    // On failure the kept operand is still below the false result.
                    let done = self.emit(Instr::Jump(0));
                    let cleanup = self.here();
                    for f in fails {
                        self.patch(f, cleanup);
                    }
                    self.emit(Instr::Rot2);
                    self.emit(Instr::Pop);
                    let end = self.here();
                    self.patch(done, end);
                }
            }
            ast::Expr::Call(call) => {
                let starred = call.args.iter().any(|a| matches!(a, ast::Expr::Starred(_)))
                    || call.keywords.iter().any(|k| k.arg.is_none());
                if starred {
                    match &*call.func {
                        ast::Expr::Attribute(attr) => {
                            self.expr(s, &attr.value)?;
                            let name = s.name(attr.attr.as_str());
                            self.emit(Instr::LoadAttr(name));
                        }
                        func => self.expr(s, func)?,
                    }
                    self.starred_list(s, &call.args)?;
                    self.emit(Instr::ListToTuple);
                    if !call.keywords.is_empty() {
                        self.emit(Instr::BuildDict(0));
                        for k in &call.keywords {
                            match &k.arg {
                                None => {
                                    self.expr(s, &k.value)?;
                                    self.emit(Instr::DictMerge(0));
                                }
                                Some(name) => {
                                    let id = s.constant(Const::Str(name.to_string()));
                                    self.emit(Instr::LoadConst(id));
                                    self.expr(s, &k.value)?;
                                    self.emit(Instr::MapAdd(0));
                                }
                            }
                        }
                    }
                    self.emit(Instr::CallEx {
                        kwargs: !call.keywords.is_empty(),
                    });
                    return Ok(());
                }
                let receiver = match &*call.func {
                    ast::Expr::Attribute(attr) => {
                        self.expr(s, &attr.value)?;
                        Some(s.name(attr.attr.as_str()))
                    }
                    func => {
                        self.expr(s, func)?;
                        None
                    }
                };
                for arg in &call.args {
                    self.expr(s, arg)?;
                }
                for k in &call.keywords {
                    let name = k.arg.as_ref().map(|a| a.to_string()).unwrap_or_default();
                    let id = s.constant(Const::Str(name));
                    self.emit(Instr::LoadConst(id));
                    self.expr(s, &k.value)?;
                }
                let argc = call.args.len() as u32;
                let kw = call.keywords.len() as u32;
                match (receiver, kw) {
                    (Some(name), 0) => self.emit(Instr::CallMethod { name, argc }),
                    (Some(name), kw) => self.emit(Instr::CallMethodKw { name, argc, kw }),
                    (None, 0) => self.emit(Instr::Call(argc)),
                    (None, kw) => self.emit(Instr::CallKw { argc, kw }),
                };
            }
            ast::Expr::List(l) => {
                if l.elts.iter().any(|e| matches!(e, ast::Expr::Starred(_))) {
                    self.starred_list(s, &l.elts)?;
                } else {
                    for item in &l.elts {
                        self.expr(s, item)?;
                    }
                    self.emit(Instr::BuildList(l.elts.len() as u32));
                }
            }
            ast::Expr::Tuple(t) => {
                if t.elts.iter().any(|e| matches!(e, ast::Expr::Starred(_))) {
                    self.starred_list(s, &t.elts)?;
                    self.emit(Instr::ListToTuple);
                } else {
                    for item in &t.elts {
                        self.expr(s, item)?;
                    }
                    self.emit(Instr::BuildTuple(t.elts.len() as u32));
                }
            }
            ast::Expr::Dict(d) => {
                if d.keys.iter().any(Option::is_none) {
                    self.emit(Instr::BuildDict(0));
                    for (key, value) in d.keys.iter().zip(&d.values) {
                        match key {
                            None => {
                                self.expr(s, value)?;
                                self.emit(Instr::DictMerge(0));
                            }
                            Some(key) => {
                                self.expr(s, key)?;
                                self.expr(s, value)?;
                                self.emit(Instr::MapAdd(0));
                            }
                        }
                    }
                } else {
                    for (key, value) in d.keys.iter().zip(&d.values) {
                        if let Some(key) = key {
                            self.expr(s, key)?;
                        }
                        self.expr(s, value)?;
                    }
                    self.emit(Instr::BuildDict(d.values.len() as u32));
                }
            }
            ast::Expr::Subscript(sub) => {
                self.expr(s, &sub.value)?;
                if let ast::Expr::Slice(slice) = &*sub.slice {
                    self.slice_parts(s, slice)?;
                    self.emit(Instr::Slice);
                } else {
                    self.expr(s, &sub.slice)?;
                    self.emit(Instr::Subscript);
                }
            }
            ast::Expr::Lambda(l) => {
                let body = [ast::Stmt::Return(ast::StmtReturn {
                    range: l.range,
                    value: Some(l.body.clone()),
                })];
                let end = l.range.end().to_usize();
                self.make_function(s, "<lambda>", &l.args, &body, at, end, Body::Function)?;
            }
            ast::Expr::ListComp(c) => {
                self.comprehension(s, &c.generators, Comprehension::List(&c.elt))?
            }
            ast::Expr::SetComp(c) => {
                self.comprehension(s, &c.generators, Comprehension::Set(&c.elt))?
            }
            ast::Expr::DictComp(c) => {
                self.comprehension(s, &c.generators, Comprehension::Dict(&c.key, &c.value))?
            }
            ast::Expr::GeneratorExp(c) => self.generator_expression(s, c, at)?,
            ast::Expr::Yield(y) => {
                if !self.generator {
                    return Err(s.error(at, "SyntaxError", "'yield' outside function"));
                }
                match &y.value {
                    Some(v) => self.expr(s, v)?,
                    None => {
                        let none = s.constant(Const::None);
                        self.emit(Instr::LoadConst(none));
                    }
                }
                self.emit(Instr::Yield);
            }
            ast::Expr::YieldFrom(y) => {
                if !self.generator {
                    return Err(s.error(at, "SyntaxError", "'yield' outside function"));
                }
                // Delegation as PEP 380: values sent in go to the inner iterator, exceptions
                // thrown in at the `yield` go to it too (the try block covers the `yield`
                // alone), and the value is what the inner generator returned.
                self.expr(s, &y.value)?;
                self.emit(Instr::GetIter);
                let none = s.constant(Const::None);
                self.emit(Instr::LoadConst(none));
                let start = self.here();
                let exit = self.emit(Instr::Send(0));
                let guarded = self.here();
                let setup = self.emit(Instr::SetupExcept(0));
                self.emit(Instr::Yield);
                self.emit(Instr::PopBlock);
                self.emit(Instr::Jump(start));
                let handler = self.here();
                self.patch(setup, handler);
                let thrown = self.emit(Instr::YieldFromThrow(0));
                self.emit(Instr::Jump(guarded));
                // Both ways out leave the value of the `yield from` where the iterator was.
                let end = self.here();
                self.patch(exit, end);
                self.patch(thrown, end);
            }
            ast::Expr::Attribute(attr) => {
                self.expr(s, &attr.value)?;
                let name = s.name(attr.attr.as_str());
                self.emit(Instr::LoadAttr(name));
            }
            ast::Expr::Set(set) if set.elts.iter().any(|e| matches!(e, ast::Expr::Starred(_))) => {
                // CPython 3.11's shape: the items before the first star make the set, each
                // starred part updates it (a set merged, a dict's keys added after one resize)
                // and each later item is added.
                let first_star = set
                    .elts
                    .iter()
                    .position(|e| matches!(e, ast::Expr::Starred(_)))
                    .unwrap_or(set.elts.len());
                for item in &set.elts[..first_star] {
                    self.expr(s, item)?;
                }
                self.emit(Instr::BuildSet(first_star as u32));
                for item in &set.elts[first_star..] {
                    match item {
                        ast::Expr::Starred(inner) => {
                            self.expr(s, &inner.value)?;
                            self.emit(Instr::SetUpdate(0));
                        }
                        other => {
                            self.expr(s, other)?;
                            self.emit(Instr::SetAdd(0));
                        }
                    }
                }
            }
            ast::Expr::Set(set) => {
                for item in &set.elts {
                    self.expr(s, item)?;
                }
                let n = set.elts.len() as u32;
                self.emit(if n > 2 && set.elts.iter().all(folding::is_constant) {
                    Instr::BuildConstSet(n)
                } else {
                    Instr::BuildSet(n)
                });
            }
            // `target := value`: the value stays as the expression's; the name binds in the
            // enclosing function (scope analysis made it a local there), also from inside a
            // comprehension, whose own variables it may not rebind (as CPython).
            ast::Expr::NamedExpr(n) => {
                let ast::Expr::Name(target) = &*n.target else {
                    return Err(s.error(
                        at,
                        "SyntaxError",
                        "cannot use assignment expressions with this target",
                    ));
                };
                let name = target.id.as_str();
                if self.genexpr {
                    return Err(s.unsupported(at, "`:=` inside a generator expression"));
                }
                if self.renamed(name).is_some() {
                    return Err(s.error(
                        at,
                        "SyntaxError",
                        &format!(
                            "assignment expression cannot rebind comprehension iteration variable '{name}'"
                        ),
                    ));
                }
                self.expr(s, &n.value)?;
                self.emit(Instr::Dup);
                self.store(s, name);
            }
            ast::Expr::JoinedStr(j) => {
                for part in &j.values {
                    match part {
                        ast::Expr::FormattedValue(f) => self.formatted(s, f)?,
                        other => self.expr(s, other)?,
                    }
                }
                self.emit(Instr::BuildString(j.values.len() as u32));
            }
            ast::Expr::FormattedValue(f) => self.formatted(s, f)?,
            ast::Expr::IfExp(i) => {
                self.expr(s, &i.test)?;
                let to_else = self.emit(Instr::PopJumpIfFalse(0));
                self.expr(s, &i.body)?;
                let to_end = self.emit(Instr::Jump(0));
                let here = self.here();
                self.patch(to_else, here);
                self.expr(s, &i.orelse)?;
                let end = self.here();
                self.patch(to_end, end);
            }
            // Only a subscript's tuple can hold one (`m[0:2, 1]`): a slice object.
            ast::Expr::Slice(slice) => {
                let id = s.name("slice");
                self.emit(Instr::LoadGlobal(id));
                self.slice_parts(s, slice)?;
                self.emit(Instr::Call(3));
            }
            other => return Err(s.unsupported(at, expression_name(other))),
        }
        Ok(())
    }

    /// A list, set or dict comprehension, compiled inline: loops over hidden iterators below
    /// the result, with the targets renamed into hidden slots. For a generator expression's
    /// body, no result: each element is yielded, and the first iterable is parameter `.0`.
    fn comprehension(
        &mut self,
        s: &mut Shared<'_>,
        generators: &[ast::Comprehension],
        kind: Comprehension<'_>,
    ) -> Result<(), Error> {
        if let Some(g) = generators.iter().find(|g| g.is_async) {
            return Err(s.unsupported(g.iter.range().start().to_usize(), "async comprehensions"));
        }
        match kind {
            Comprehension::List(_) => {
                self.emit(Instr::BuildList(0));
            }
            Comprehension::Set(_) => {
                self.emit(Instr::BuildSet(0));
            }
            Comprehension::Dict(..) => {
                self.emit(Instr::BuildDict(0));
            }
            Comprehension::Generator(_) => {}
        }
        // Where the comprehension's own frame begins, as tracebacks show it: after the first
        // iterable and its `iter()`, which CPython runs in the enclosing scope.
        let mut start = self.here();
        let mut scope = HashMap::new();
        for g in generators {
            let mut names = Vec::new();
            target_names(&g.target, &mut names);
            for name in names {
                if let std::collections::hash_map::Entry::Vacant(entry) = scope.entry(name) {
                    entry.insert(self.hidden_slot(s));
                }
            }
        }
        let mut loops = Vec::with_capacity(generators.len());
        for (k, g) in generators.iter().enumerate() {
            // The first iterable is evaluated in the enclosing scope, the rest inside.
            if k == 0 && matches!(kind, Comprehension::Generator(_)) {
                self.emit(Instr::LoadLocal(0));
            } else {
                self.iterable(s, &g.iter)?;
            }
            if k == 0 {
                self.renames.push(std::mem::take(&mut scope));
            }
            self.emit(Instr::GetIter);
            if k == 0 {
                start = self.here();
            }
            let top = self.here();
            let exit = self.emit(Instr::ForIter(0));
            self.assign_to(s, &g.target)?;
            for condition in &g.ifs {
                self.expr(s, condition)?;
                self.emit(Instr::PopJumpIfFalse(top));
            }
            loops.push((top, exit));
        }
        let depth = generators.len() as u32;
        match kind {
            Comprehension::List(e) => {
                self.expr(s, e)?;
                self.emit(Instr::ListAppend(depth));
            }
            Comprehension::Set(e) => {
                self.expr(s, e)?;
                self.emit(Instr::SetAdd(depth));
            }
            Comprehension::Dict(key, value) => {
                self.expr(s, key)?;
                self.expr(s, value)?;
                self.emit(Instr::MapAdd(depth));
            }
            Comprehension::Generator(e) => {
                self.expr(s, e)?;
                self.emit(Instr::Yield);
                self.emit(Instr::Pop);
            }
        }
        for (start, exit) in loops.into_iter().rev() {
            self.emit(Instr::Jump(start));
            let here = self.here();
            self.patch(exit, here);
        }
        self.renames.pop();
        let kind = match kind {
            Comprehension::List(_) => Some(0),
            Comprehension::Set(_) => Some(1),
            Comprehension::Dict(..) => Some(2),
            Comprehension::Generator(_) => None,
        };
        if let Some(kind) = kind {
            let end = self.here();
            self.comprehensions.push((start, end, kind));
        }
        Ok(())
    }

    fn formatted(&mut self, s: &mut Shared<'_>, f: &ast::ExprFormattedValue) -> Result<(), Error> {
        self.expr(s, &f.value)?;
        let conversion = match f.conversion {
            ast::ConversionFlag::None => 0,
            ast::ConversionFlag::Str => b's',
            ast::ConversionFlag::Repr => b'r',
            ast::ConversionFlag::Ascii => b'a',
        };
        if let Some(spec) = &f.format_spec {
            self.expr(s, spec)?;
        }
        self.emit(Instr::FormatValue {
            conversion,
            spec: f.format_spec.is_some(),
        });
        Ok(())
    }

    /// A list built item by item, `*iterable` items spliced in.
    /// The iterable of a `for` or a comprehension. A set display of constants there is a
    /// frozenset constant in CPython (its AST optimizer folds it), which iterates in the
    /// frozenset's order rather than a new set's.
    fn iterable(&mut self, s: &mut Shared<'_>, e: &ast::Expr) -> Result<(), Error> {
        match e {
            ast::Expr::Set(set) if set.elts.iter().all(folding::is_constant) => {
                for item in &set.elts {
                    self.expr(s, item)?;
                }
                self.emit(Instr::BuildConstFrozenSet(set.elts.len() as u32));
                Ok(())
            }
            _ => self.expr(s, e),
        }
    }

    fn starred_list(&mut self, s: &mut Shared<'_>, items: &[ast::Expr]) -> Result<(), Error> {
        self.emit(Instr::BuildList(0));
        for item in items {
            match item {
                ast::Expr::Starred(inner) => {
                    self.expr(s, &inner.value)?;
                    self.emit(Instr::ListExtend(0));
                }
                other => {
                    self.expr(s, other)?;
                    self.emit(Instr::ListAppend(0));
                }
            }
        }
        Ok(())
    }
}

fn binop(s: &Shared<'_>, at: usize, op: &ast::Operator) -> Result<BinOp, Error> {
    Ok(match op {
        ast::Operator::Add => BinOp::Add,
        ast::Operator::Sub => BinOp::Sub,
        ast::Operator::Mult => BinOp::Mul,
        ast::Operator::Div => BinOp::Div,
        ast::Operator::FloorDiv => BinOp::FloorDiv,
        ast::Operator::Mod => BinOp::Mod,
        ast::Operator::Pow => BinOp::Pow,
        ast::Operator::BitAnd => BinOp::BitAnd,
        ast::Operator::BitOr => BinOp::BitOr,
        ast::Operator::BitXor => BinOp::BitXor,
        ast::Operator::LShift => BinOp::LShift,
        ast::Operator::RShift => BinOp::RShift,
        ast::Operator::MatMult => return Err(s.unsupported(at, "the `@` operator")),
    })
}

fn cmpop(op: &ast::CmpOp) -> CmpOp {
    match op {
        ast::CmpOp::Eq => CmpOp::Eq,
        ast::CmpOp::NotEq => CmpOp::Ne,
        ast::CmpOp::Lt => CmpOp::Lt,
        ast::CmpOp::LtE => CmpOp::Le,
        ast::CmpOp::Gt => CmpOp::Gt,
        ast::CmpOp::GtE => CmpOp::Ge,
        ast::CmpOp::In => CmpOp::In,
        ast::CmpOp::NotIn => CmpOp::NotIn,
        ast::CmpOp::Is => CmpOp::Is,
        ast::CmpOp::IsNot => CmpOp::IsNot,
    }
}

/// Names a target binds (names, and names inside tuple/list targets).
fn target_names(target: &ast::Expr, out: &mut Vec<String>) {
    match target {
        ast::Expr::Name(n) => out.push(n.id.to_string()),
        ast::Expr::Tuple(t) => t.elts.iter().for_each(|e| target_names(e, out)),
        ast::Expr::List(l) => l.elts.iter().for_each(|e| target_names(e, out)),
        _ => {}
    }
}

/// The targets and values of `t1, t2 = v1, v2` (or of three each): one target, a tuple or list
/// display on both sides, no starred item. Python evaluates every value before the first store,
/// which the stack keeps without building the tuple.
fn swap_assignment(a: &ast::StmtAssign) -> Option<(&[ast::Expr], &[ast::Expr])> {
    fn items(e: &ast::Expr) -> Option<&[ast::Expr]> {
        let elts = match e {
            ast::Expr::Tuple(t) => &t.elts,
            ast::Expr::List(l) => &l.elts,
            _ => return None,
        };
        let plain = !elts.iter().any(|e| matches!(e, ast::Expr::Starred(_)));
        (plain && matches!(elts.len(), 2 | 3)).then_some(elts.as_slice())
    }
    let [target] = a.targets.as_slice() else {
        return None;
    };
    let (targets, values) = (items(target)?, items(&a.value)?);
    (targets.len() == values.len()).then_some((targets, values))
}

fn statement_name(stmt: &ast::Stmt) -> &'static str {
    match stmt {
        ast::Stmt::TryStar(_) => "`try`/`except*`",
        ast::Stmt::AsyncWith(_) => "`async with`",
        ast::Stmt::AsyncFunctionDef(_) | ast::Stmt::AsyncFor(_) => "`async`",
        ast::Stmt::Match(_) => "`match`",
        ast::Stmt::TypeAlias(_) => "`type` aliases",
        _ => "this statement",
    }
}

fn expression_name(e: &ast::Expr) -> &'static str {
    match e {
        ast::Expr::Await(_) => "`await`",
        ast::Expr::Starred(_) => "a starred expression here",
        ast::Expr::Slice(_) => "a slice outside a subscript",
        _ => "this expression",
    }
}
