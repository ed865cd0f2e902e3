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

/// Bounds on what one file may compile to.
pub const CODES_MAX: usize = 65_536;
pub const INSTRS_MAX: usize = 1 << 24;
pub const NESTING_MAX: usize = 200;

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

pub fn compile(file: &str, source: &str) -> Result<Module, Error> {
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
    };
    // The module body is code 0.
    state.module.codes.push(placeholder("<module>"));
    let mut body = Function::new(None);
    body.block(&mut state, &module.body)?;
    body.emit_return_none(&mut state, source.len());
    state.module.codes[0] = body.finish("<module>", 0);
    Ok(state.module)
}

fn placeholder(name: &str) -> Code {
    Code {
        name: name.to_owned(),
        params: 0,
        param_names: Vec::new(),
        freevars: 0,
        local_names: Vec::new(),
        locals: 0,
        instrs: Vec::new(),
        lines: Vec::new(),
    }
}

struct Shared<'a> {
    file: &'a str,
    lines: &'a Lines,
    module: Module,
    names: HashMap<String, u32>,
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
}

struct Function {
    /// Local names, parameters first; `None` for the module body (everything global).
    locals: Option<HashMap<String, u32>>,
    local_count: u32,
    instrs: Vec<Instr>,
    lines: Vec<u32>,
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
            line: 1,
            loops: Vec::new(),
            depth: 0,
            open: Vec::new(),
            handling: Vec::new(),
            hidden: 0,
            renames: Vec::new(),
            derefs: HashMap::new(),
            freevars: 0,
        }
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
            self.emit(Instr::PopBlock);
            if let Open::Finally(body) = block {
                self.block(s, body)?;
            }
        }
        self.open = saved;
        Ok(())
    }

    fn finish(self, name: &str, params: u32) -> Code {
        let mut param_names = vec![String::new(); params as usize];
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
            params,
            param_names,
            local_names,
            freevars: self.freevars,
            locals: self.local_count,
            instrs: self.instrs,
            lines: self.lines,
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
            other => other,
        };
    }

    fn at(&mut self, s: &Shared<'_>, offset: usize) {
        self.line = s.lines.locate(offset).0 as u32;
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
                let id = s.name(name);
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
                let id = s.name(name);
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
                        self.emit(Instr::Binary(op));
                        self.store(s, n.id.as_str());
                    }
                    ast::Expr::Subscript(sub) => {
                        // container[index] op= value, evaluating container and index once:
                        // c i → c i c i → c i v → c i r → r c i → store.
                        self.expr(s, &sub.value)?;
                        self.expr(s, &sub.slice)?;
                        self.emit(Instr::Dup2);
                        self.emit(Instr::Subscript);
                        self.expr(s, &a.value)?;
                        self.emit(Instr::Binary(op));
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
                self.expr(s, &f.iter)?;
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
                if self.locals.is_none() {
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
                if let Some(cause) = &r.cause {
                    // The cause is evaluated (it may raise) but not kept yet.
                    self.expr(s, cause)?;
                    self.emit(Instr::Pop);
                }
                self.emit(Instr::Raise);
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
                self.block(s, &h.body)?;
                self.handling.pop();
                to_end.push(self.emit(Instr::Jump(0)));
                if let Some(next) = next {
                    let here = self.here();
                    self.patch(next, here);
                }
            }
            // No clause matched.
            self.load_slot(slot);
            self.emit(Instr::Raise);
            let end = self.here();
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
            self.block(s, &t.finalbody)?;
            self.load_slot(slot);
            self.emit(Instr::Raise);
            let end = self.here();
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
                if matches!(&*sub.slice, ast::Expr::Slice(_)) {
                    return Err(
                        s.unsupported(sub.range().start().to_usize(), "assignment to a slice")
                    );
                }
                self.expr(s, &sub.value)?;
                self.expr(s, &sub.slice)?;
                self.emit(Instr::StoreSubscript);
                Ok(())
            }
            ast::Expr::Tuple(ast::ExprTuple { elts, .. })
            | ast::Expr::List(ast::ExprList { elts, .. }) => {
                if elts.iter().any(|e| matches!(e, ast::Expr::Starred(_))) {
                    return Err(s.unsupported(
                        target.range().start().to_usize(),
                        "starred assignment targets",
                    ));
                }
                self.emit(Instr::UnpackSequence(elts.len() as u32));
                for element in elts {
                    self.assign_to(s, element)?;
                }
                Ok(())
            }
            other => Err(s.unsupported(
                other.range().start().to_usize(),
                "assignment to this target (attributes)",
            )),
        }
    }

    fn function_def(
        &mut self,
        s: &mut Shared<'_>,
        def: &ast::StmtFunctionDef,
    ) -> Result<(), Error> {
        let at = def.range().start().to_usize();
        if !def.decorator_list.is_empty() {
            return Err(s.unsupported(at, "decorators"));
        }
        let end = def.range().end().to_usize();
        self.make_function(s, def.name.as_str(), &def.args, &def.body, at, end)?;
        self.store(s, def.name.as_str());
        Ok(())
    }

    /// Compiles a function (a `def`, or a lambda whose body is one `return`) and pushes it: its
    /// defaults are evaluated here, in the defining scope, and the cells of the enclosing
    /// variables it uses are handed to it.
    fn make_function(
        &mut self,
        s: &mut Shared<'_>,
        name: &str,
        args: &ast::Arguments,
        body: &[ast::Stmt],
        at: usize,
        end: usize,
    ) -> Result<(), Error> {
        if !args.posonlyargs.is_empty()
            || args.vararg.is_some()
            || !args.kwonlyargs.is_empty()
            || args.kwarg.is_some()
        {
            return Err(s.unsupported(
                at,
                "parameters other than positional ones with optional defaults (*args, **kwargs, keyword-only)",
            ));
        }
        let mut defaults = 0u32;
        for a in &args.args {
            if let Some(default) = &a.default {
                self.expr(s, default)?;
                defaults += 1;
            }
        }
        if s.module.codes.len() >= CODES_MAX {
            return Err(s.unsupported(at, "this many functions"));
        }
        let params: Vec<String> = args.args.iter().map(|a| a.def.arg.to_string()).collect();
        let scope = crate::scope::analyse(&params, body);
        if let Some(clash) = scope.globals.iter().find(|g| params.contains(g)) {
            return Err(s.error(
                at,
                "SyntaxError",
                format!("name '{clash}' is parameter and global"),
            ));
        }
        // Free variables the enclosing function holds in cells; the rest are globals. Variables
        // of a comprehension being compiled cannot be captured yet.
        let mut captured = Vec::new();
        for free in &scope.free {
            if self.renamed(free).is_some() {
                return Err(s.unsupported(at, "a function capturing a comprehension variable"));
            }
            if let Some(slot) = self.derefs.get(free) {
                captured.push((free.clone(), *slot));
            } else if scope.nonlocals.contains(free) {
                return Err(s.error(
                    at,
                    "SyntaxError",
                    format!("no binding for nonlocal '{free}' found"),
                ));
            }
        }
        let mut locals = params.clone();
        locals.extend(scope.locals.iter().filter(|l| !params.contains(l)).cloned());
        let params_count = params.len() as u32;
        let mut function = Function::new(Some(locals));
        for (i, (free, _)) in captured.iter().enumerate() {
            let slot = function.local_count + i as u32;
            function.derefs.insert(free.clone(), slot);
        }
        function.freevars = captured.len() as u32;
        function.local_count += function.freevars;
        function.at(s, at);
        for cell in &scope.cells {
            if let Some(slot) = function.locals.as_ref().and_then(|l| l.get(cell)).copied() {
                function.derefs.insert(cell.clone(), slot);
                function.emit(Instr::MakeCell(slot));
            }
        }
        function.block(s, body)?;
        function.emit_return_none(s, end);
        let index = s.module.codes.len() as u32;
        s.module.codes.push(function.finish(name, params_count));
        self.at(s, at);
        for (_, slot) in &captured {
            // The slot holds the cell itself: hand the cell over, not its content.
            self.emit(Instr::LoadLocal(*slot));
        }
        self.emit(Instr::MakeFunction {
            code: index,
            defaults,
            closure: captured.len() as u32,
        });
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
                    Constant::Int(i) => Const::Int(i.to_string().parse::<i64>().map_err(|_| {
                        s.unsupported(at, "an integer beyond 64 bits (arbitrary precision)")
                    })?),
                    Constant::Float(f) => Const::Float(*f),
                    Constant::Str(text) => Const::Str(text.clone()),
                    _ => {
                        return Err(
                            s.unsupported(at, "this kind of constant (bytes, complex, ...)")
                        );
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
                    ast::UnaryOp::UAdd => 0,
                    ast::UnaryOp::Invert => return Err(s.unsupported(at, "`~`")),
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
                if call.args.iter().any(|a| matches!(a, ast::Expr::Starred(_))) {
                    return Err(s.unsupported(at, "`*args` in a call"));
                }
                if call.keywords.iter().any(|k| k.arg.is_none()) {
                    return Err(s.unsupported(at, "`**kwargs` in a call"));
                }
                match &*call.func {
                    ast::Expr::Attribute(_) if !call.keywords.is_empty() => {
                        return Err(s.unsupported(at, "keyword arguments in a method call"));
                    }
                    ast::Expr::Attribute(attr) => {
                        self.expr(s, &attr.value)?;
                        for arg in &call.args {
                            self.expr(s, arg)?;
                        }
                        let name = s.name(attr.attr.as_str());
                        self.emit(Instr::CallMethod {
                            name,
                            argc: call.args.len() as u32,
                        });
                    }
                    func => {
                        self.expr(s, func)?;
                        for arg in &call.args {
                            self.expr(s, arg)?;
                        }
                        if call.keywords.is_empty() {
                            self.emit(Instr::Call(call.args.len() as u32));
                        } else {
                            for k in &call.keywords {
                                let name =
                                    k.arg.as_ref().map(|a| a.to_string()).unwrap_or_default();
                                let id = s.constant(Const::Str(name));
                                self.emit(Instr::LoadConst(id));
                                self.expr(s, &k.value)?;
                            }
                            self.emit(Instr::CallKw {
                                argc: call.args.len() as u32,
                                kw: call.keywords.len() as u32,
                            });
                        }
                    }
                }
            }
            ast::Expr::List(l) => {
                for item in &l.elts {
                    self.element(s, item)?;
                }
                self.emit(Instr::BuildList(l.elts.len() as u32));
            }
            ast::Expr::Tuple(t) => {
                for item in &t.elts {
                    self.element(s, item)?;
                }
                self.emit(Instr::BuildTuple(t.elts.len() as u32));
            }
            ast::Expr::Dict(d) => {
                for (key, value) in d.keys.iter().zip(&d.values) {
                    let Some(key) = key else {
                        return Err(s.unsupported(at, "`**` in a dict display"));
                    };
                    self.expr(s, key)?;
                    self.expr(s, value)?;
                }
                self.emit(Instr::BuildDict(d.values.len() as u32));
            }
            ast::Expr::Subscript(sub) => {
                self.expr(s, &sub.value)?;
                if let ast::Expr::Slice(slice) = &*sub.slice {
                    for part in [&slice.lower, &slice.upper, &slice.step] {
                        match part {
                            Some(e) => self.expr(s, e)?,
                            None => {
                                let none = s.constant(Const::None);
                                self.emit(Instr::LoadConst(none));
                            }
                        }
                    }
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
                self.make_function(s, "<lambda>", &l.args, &body, at, end)?;
            }
            ast::Expr::ListComp(c) => self.comprehension(s, &c.generators, Some(&c.elt), None)?,
            ast::Expr::DictComp(c) => {
                self.comprehension(s, &c.generators, None, Some((&c.key, &c.value)))?
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
            other => return Err(s.unsupported(at, expression_name(other))),
        }
        Ok(())
    }

    /// A list or dict comprehension, compiled inline: loops over hidden iterators below the
    /// result, with the targets renamed into hidden slots.
    fn comprehension(
        &mut self,
        s: &mut Shared<'_>,
        generators: &[ast::Comprehension],
        element: Option<&ast::Expr>,
        pair: Option<(&ast::Expr, &ast::Expr)>,
    ) -> Result<(), Error> {
        if let Some(g) = generators.iter().find(|g| g.is_async) {
            return Err(s.unsupported(g.iter.range().start().to_usize(), "async comprehensions"));
        }
        self.emit(if pair.is_some() {
            Instr::BuildDict(0)
        } else {
            Instr::BuildList(0)
        });
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
            self.expr(s, &g.iter)?;
            if k == 0 {
                self.renames.push(std::mem::take(&mut scope));
            }
            self.emit(Instr::GetIter);
            let start = self.here();
            let exit = self.emit(Instr::ForIter(0));
            self.assign_to(s, &g.target)?;
            for condition in &g.ifs {
                self.expr(s, condition)?;
                self.emit(Instr::PopJumpIfFalse(start));
            }
            loops.push((start, exit));
        }
        let depth = generators.len() as u32;
        match (element, pair) {
            (Some(e), _) => {
                self.expr(s, e)?;
                self.emit(Instr::ListAppend(depth));
            }
            (None, Some((key, value))) => {
                self.expr(s, key)?;
                self.expr(s, value)?;
                self.emit(Instr::MapAdd(depth));
            }
            (None, None) => {}
        }
        for (start, exit) in loops.into_iter().rev() {
            self.emit(Instr::Jump(start));
            let here = self.here();
            self.patch(exit, here);
        }
        self.renames.pop();
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

    fn element(&mut self, s: &mut Shared<'_>, item: &ast::Expr) -> Result<(), Error> {
        if matches!(item, ast::Expr::Starred(_)) {
            return Err(s.unsupported(item.range().start().to_usize(), "starred items"));
        }
        self.expr(s, item)
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
        _ => return Err(s.unsupported(at, "this operator (bitwise, @)")),
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

fn statement_name(stmt: &ast::Stmt) -> &'static str {
    match stmt {
        ast::Stmt::ClassDef(_) => "`class`",
        ast::Stmt::TryStar(_) => "`try`/`except*`",
        ast::Stmt::With(_) | ast::Stmt::AsyncWith(_) => "`with`",
        ast::Stmt::Import(_) | ast::Stmt::ImportFrom(_) => "`import`",
        ast::Stmt::Delete(_) => "`del`",
        ast::Stmt::AsyncFunctionDef(_) | ast::Stmt::AsyncFor(_) => "`async`",
        ast::Stmt::Match(_) => "`match`",
        ast::Stmt::AnnAssign(_) => "an annotated assignment",
        _ => "this statement",
    }
}

fn expression_name(e: &ast::Expr) -> &'static str {
    match e {
        ast::Expr::SetComp(_) => "a set comprehension",
        ast::Expr::GeneratorExp(_) => "a generator expression",
        ast::Expr::Yield(_) | ast::Expr::YieldFrom(_) => "`yield`",
        ast::Expr::Await(_) => "`await`",
        ast::Expr::Attribute(_) => "attribute access outside a method call",
        ast::Expr::Set(_) => "a set",
        ast::Expr::Starred(_) => "a starred expression",
        ast::Expr::NamedExpr(_) => "`:=`",
        ast::Expr::Slice(_) => "a slice outside a subscript",
        _ => "this expression",
    }
}
