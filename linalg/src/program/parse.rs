//! From Python syntax (parsed by `rustpython-parser`, the parser `sl-lang` uses too) to templates.
//! Anything outside the dialect is an error naming the file, line, column and construct.

use std::collections::{HashMap, HashSet};

use rustpython_parser::ast::{self, Constant, Ranged};
use rustpython_parser::{Mode, parse};

use super::expr::{BinOp, CmpOp, Cond, Expr, Func};
use super::{
    Error, Guard, INDEX_DIMS_MAX, LOOP_DEPTH_MAX, Loop, Param, ParamKind, Program, TEMPLATES_MAX,
    Template, TileRef,
};
use crate::kernels::Kernel;

/// Parses every LAmbdaPACK program (top-level function) in a file.
pub fn parse_file(origin: &str, source: &str) -> Result<Vec<Program>, Error> {
    let lines = LineIndex::new(source);
    let module = parse(source, Mode::Module, origin).map_err(|e| {
        let (line, column) = lines.locate(e.offset.to_usize());
        Error {
            origin: origin.to_owned(),
            line,
            column,
            message: format!("syntax error: {}", e.error),
        }
    })?;
    let ast::Mod::Module(module) = module else {
        return Err(Error {
            origin: origin.to_owned(),
            line: 1,
            column: 1,
            message: "expected a module".into(),
        });
    };
    let mut programs = Vec::new();
    for stmt in &module.body {
        let ctx = Ctx {
            origin,
            lines: &lines,
        };
        match stmt {
            ast::Stmt::FunctionDef(def) => programs.push(compile_function(&ctx, def)?),
            ast::Stmt::Expr(e) if matches!(&*e.value, ast::Expr::Constant(c) if matches!(c.value, Constant::Str(_))) =>
                {}
            ast::Stmt::ImportFrom(_) | ast::Stmt::Import(_) => {}
            other => {
                return Err(ctx.error(
                    other.range().start().to_usize(),
                    "only function definitions may appear at the top level of a LAmbdaPACK file",
                ));
            }
        }
    }
    if programs.is_empty() {
        return Err(Error {
            origin: origin.to_owned(),
            line: 1,
            column: 1,
            message: "the file defines no program".into(),
        });
    }
    Ok(programs)
}

struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        (line, offset - self.starts[line - 1] + 1)
    }
}

struct Ctx<'a> {
    origin: &'a str,
    lines: &'a LineIndex,
}

impl Ctx<'_> {
    fn error(&self, offset: usize, message: impl Into<String>) -> Error {
        let (line, column) = self.lines.locate(offset);
        Error {
            origin: self.origin.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.lines.locate(offset).0
    }
}

/// What a name means where it is used.
#[derive(Clone)]
enum Binding {
    Loop(usize),
    Scalar(Expr),
    Int(usize),
    Matrix(usize),
}

struct Compiler<'a> {
    ctx: &'a Ctx<'a>,
    program: Program,
    globals: HashMap<String, Binding>,
    /// Innermost last: loop variables and scalar assignments in scope.
    scopes: Vec<HashMap<String, Binding>>,
    loops: Vec<Loop>,
    guards: Vec<Guard>,
    assigned: HashSet<String>,
}

fn compile_function(ctx: &Ctx<'_>, def: &ast::StmtFunctionDef) -> Result<Program, Error> {
    let at = def.range().start().to_usize();
    let args = &def.args;
    if !args.posonlyargs.is_empty()
        || args.vararg.is_some()
        || !args.kwonlyargs.is_empty()
        || args.kwarg.is_some()
    {
        return Err(ctx.error(
            at,
            "program parameters are plain `name: BigMatrix` or `name: int`",
        ));
    }
    if !def.decorator_list.is_empty() {
        return Err(ctx.error(at, "decorators are not part of LAmbdaPACK"));
    }
    let mut program = Program {
        name: def.name.to_string(),
        origin: ctx.origin.to_owned(),
        line: ctx.line(at),
        params: Vec::new(),
        matrices: Vec::new(),
        ints: Vec::new(),
        matrix_dims: Vec::new(),
        templates: Vec::new(),
    };
    let mut globals = HashMap::new();
    for arg in &args.args {
        let name = arg.def.arg.to_string();
        let arg_at = arg.def.range().start().to_usize();
        if arg.default.is_some() {
            return Err(ctx.error(
                arg_at,
                format!("parameter `{name}` may not have a default; pass it with --arg"),
            ));
        }
        let annotation = match arg.def.annotation.as_deref() {
            Some(ast::Expr::Name(n)) => n.id.to_string(),
            Some(ast::Expr::Attribute(a)) => a.attr.to_string(),
            _ => {
                return Err(ctx.error(
                    arg_at,
                    format!("parameter `{name}` needs an annotation: `BigMatrix` or `int`"),
                ));
            }
        };
        let (kind, binding) = match annotation.as_str() {
            "BigMatrix" => {
                program.matrices.push(name.clone());
                program.matrix_dims.push(0);
                (
                    ParamKind::Matrix,
                    Binding::Matrix(program.matrices.len() - 1),
                )
            }
            "int" => {
                program.ints.push(name.clone());
                (ParamKind::Int, Binding::Int(program.ints.len() - 1))
            }
            other => {
                return Err(ctx.error(
                    arg_at,
                    format!("parameter `{name}` is annotated `{other}`; use `BigMatrix` or `int`"),
                ));
            }
        };
        if globals.insert(name.clone(), binding).is_some() {
            return Err(ctx.error(arg_at, format!("parameter `{name}` appears twice")));
        }
        program.params.push(Param { name, kind });
    }
    let mut compiler = Compiler {
        ctx,
        program,
        globals,
        scopes: vec![HashMap::new()],
        loops: Vec::new(),
        guards: Vec::new(),
        assigned: HashSet::new(),
    };
    compiler.block(&def.body)?;
    if compiler.program.templates.is_empty() {
        return Err(ctx.error(at, format!("program `{}` calls no kernel", def.name)));
    }
    Ok(compiler.program)
}

impl Compiler<'_> {
    fn block(&mut self, body: &[ast::Stmt]) -> Result<(), Error> {
        for stmt in body {
            self.statement(stmt)?;
        }
        Ok(())
    }

    fn statement(&mut self, stmt: &ast::Stmt) -> Result<(), Error> {
        let at = stmt.range().start().to_usize();
        match stmt {
            ast::Stmt::For(f) => self.for_loop(f),
            ast::Stmt::If(i) => {
                let cond = self.cond(&i.test)?;
                let depth = self.loops.len();
                self.guarded(Guard { depth, cond: cond.clone() }, &i.body)?;
                if !i.orelse.is_empty() {
                    self.guarded(Guard { depth, cond: Cond::Not(Box::new(cond)) }, &i.orelse)?;
                }
                Ok(())
            }
            ast::Stmt::Assign(a) => self.assign(a),
            ast::Stmt::Pass(_) => Ok(()),
            ast::Stmt::Expr(e) if matches!(&*e.value, ast::Expr::Constant(c) if matches!(c.value, Constant::Str(_))) => Ok(()),
            other => Err(self.ctx.error(at, format!("`{}` is not part of LAmbdaPACK (allowed: for over range, if/else, scalar assignment, kernel calls)", statement_name(other)))),
        }
    }

    fn guarded(&mut self, guard: Guard, body: &[ast::Stmt]) -> Result<(), Error> {
        self.guards.push(guard);
        self.scopes.push(HashMap::new());
        let result = self.block(body);
        self.scopes.pop();
        self.guards.pop();
        result
    }

    fn for_loop(&mut self, f: &ast::StmtFor) -> Result<(), Error> {
        let at = f.range().start().to_usize();
        if !f.orelse.is_empty() {
            return Err(self.ctx.error(at, "`for … else` is not part of LAmbdaPACK"));
        }
        let ast::Expr::Name(target) = &*f.target else {
            return Err(self.ctx.error(
                f.target.range().start().to_usize(),
                "a loop variable must be a plain name",
            ));
        };
        let var = target.id.to_string();
        self.check_fresh(&var, f.target.range().start().to_usize())?;
        let ast::Expr::Call(call) = &*f.iter else {
            return Err(self.ctx.error(
                f.iter.range().start().to_usize(),
                "loops run over `range(start, end[, step])`",
            ));
        };
        if !matches!(&*call.func, ast::Expr::Name(n) if n.id.as_str() == "range")
            || !call.keywords.is_empty()
        {
            return Err(self.ctx.error(
                f.iter.range().start().to_usize(),
                "loops run over `range(start, end[, step])`",
            ));
        }
        let bounds: Vec<Expr> = call
            .args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Result<_, _>>()?;
        let (start, end, step) = match bounds.len() {
            1 => (Expr::Int(0), bounds[0].clone(), Expr::Int(1)),
            2 => (bounds[0].clone(), bounds[1].clone(), Expr::Int(1)),
            3 => (bounds[0].clone(), bounds[1].clone(), bounds[2].clone()),
            n => {
                return Err(self
                    .ctx
                    .error(at, format!("range takes 1 to 3 arguments, got {n}")));
            }
        };
        if self.loops.len() >= LOOP_DEPTH_MAX {
            return Err(self
                .ctx
                .error(at, format!("loops nest deeper than {LOOP_DEPTH_MAX}")));
        }
        let depth = self.loops.len();
        self.loops.push(Loop {
            var: var.clone(),
            start,
            end,
            step,
        });
        self.scopes
            .push(HashMap::from([(var, Binding::Loop(depth))]));
        let result = self.block(&f.body);
        self.scopes.pop();
        self.loops.pop();
        result
    }

    fn check_fresh(&self, name: &str, at: usize) -> Result<(), Error> {
        if self.globals.contains_key(name) {
            return Err(self.ctx.error(
                at,
                format!("`{name}` is a parameter and cannot be assigned"),
            ));
        }
        if self.lookup(name).is_some() {
            return Err(self.ctx.error(
                at,
                format!("`{name}` is already bound here; LAmbdaPACK names are assigned once"),
            ));
        }
        Ok(())
    }

    fn lookup(&self, name: &str) -> Option<Binding> {
        self.scopes
            .iter()
            .rev()
            .find_map(|scope| scope.get(name).cloned())
            .or_else(|| self.globals.get(name).cloned())
    }

    fn assign(&mut self, a: &ast::StmtAssign) -> Result<(), Error> {
        let at = a.range().start().to_usize();
        if a.targets.len() != 1 {
            return Err(self
                .ctx
                .error(at, "chained assignment is not part of LAmbdaPACK"));
        }
        match &a.targets[0] {
            ast::Expr::Name(name) => {
                let name = name.id.to_string();
                self.check_fresh(&name, at)?;
                if !self.assigned.insert(name.clone()) {
                    return Err(self.ctx.error(
                        at,
                        format!("`{name}` is assigned twice; each scalar is assigned once"),
                    ));
                }
                let value = self.expr(&a.value)?;
                self.scopes
                    .last_mut()
                    .expect("a scope is always open")
                    .insert(name, Binding::Scalar(value));
                Ok(())
            }
            ast::Expr::Subscript(_) => {
                self.kernel_call(at, std::slice::from_ref(&a.targets[0]), &a.value)
            }
            ast::Expr::Tuple(t) => self.kernel_call(at, &t.elts, &a.value),
            other => Err(self.ctx.error(
                other.range().start().to_usize(),
                "assign to a scalar name or to matrix tiles `M[i, j]`",
            )),
        }
    }

    fn kernel_call(
        &mut self,
        at: usize,
        targets: &[ast::Expr],
        value: &ast::Expr,
    ) -> Result<(), Error> {
        let ast::Expr::Call(call) = value else {
            return Err(self.ctx.error(value.range().start().to_usize(), "a tile can only be written by a kernel call, e.g. `O[i, j] = gemm(A[i, k], B[k, j])`"));
        };
        let ast::Expr::Name(func) = &*call.func else {
            return Err(self.ctx.error(
                call.func.range().start().to_usize(),
                "a kernel is called by its name",
            ));
        };
        let kernel = Kernel::from_name(func.id.as_str()).map_err(|e| {
            self.ctx
                .error(call.func.range().start().to_usize(), e.to_string())
        })?;
        if !call.keywords.is_empty() {
            return Err(self
                .ctx
                .error(at, "kernels take tiles as positional arguments only"));
        }
        kernel
            .check_arity(call.args.len())
            .map_err(|e| self.ctx.error(at, e.to_string()))?;
        if targets.len() != kernel.outputs() {
            return Err(self.ctx.error(
                at,
                format!(
                    "{} writes {} tile(s), the statement assigns {}",
                    kernel.name(),
                    kernel.outputs(),
                    targets.len()
                ),
            ));
        }
        let writes: Vec<TileRef> = targets
            .iter()
            .map(|t| self.tile_ref(t))
            .collect::<Result<_, _>>()?;
        let reads: Vec<TileRef> = call
            .args
            .iter()
            .map(|a| self.tile_ref(a))
            .collect::<Result<_, _>>()?;
        if self.program.templates.len() >= TEMPLATES_MAX {
            return Err(self
                .ctx
                .error(at, format!("more than {TEMPLATES_MAX} kernel statements")));
        }
        self.program.templates.push(Template {
            line: self.ctx.line(at),
            kernel,
            loops: self.loops.clone(),
            guards: self.guards.clone(),
            writes,
            reads,
        });
        Ok(())
    }

    fn tile_ref(&mut self, e: &ast::Expr) -> Result<TileRef, Error> {
        let at = e.range().start().to_usize();
        let ast::Expr::Subscript(sub) = e else {
            return Err(self.ctx.error(
                at,
                "kernel operands and results are matrix tiles `M[i, j, …]`",
            ));
        };
        let ast::Expr::Name(name) = &*sub.value else {
            return Err(self.ctx.error(
                at,
                "a tile is `MATRIX[index, …]` with a BigMatrix parameter",
            ));
        };
        let Some(Binding::Matrix(matrix)) = self.lookup(name.id.as_str()) else {
            return Err(self
                .ctx
                .error(at, format!("`{}` is not a BigMatrix parameter", name.id)));
        };
        let index_exprs: Vec<&ast::Expr> = match &*sub.slice {
            ast::Expr::Tuple(t) => t.elts.iter().collect(),
            ast::Expr::Slice(_) => {
                return Err(self.ctx.error(at, "tile indices are integers, not slices"));
            }
            single => vec![single],
        };
        if index_exprs.iter().any(|i| matches!(i, ast::Expr::Slice(_))) {
            return Err(self.ctx.error(at, "tile indices are integers, not slices"));
        }
        if index_exprs.is_empty() || index_exprs.len() > INDEX_DIMS_MAX {
            return Err(self
                .ctx
                .error(at, format!("a tile has 1 to {INDEX_DIMS_MAX} indices")));
        }
        let index: Vec<Expr> = index_exprs
            .into_iter()
            .map(|i| self.expr(i))
            .collect::<Result<_, _>>()?;
        let dims = &mut self.program.matrix_dims[matrix];
        if *dims == 0 {
            *dims = index.len();
        } else if *dims != index.len() {
            return Err(self.ctx.error(
                at,
                format!(
                    "`{}` is indexed with {} indices here and {} elsewhere",
                    name.id,
                    index.len(),
                    dims
                ),
            ));
        }
        Ok(TileRef { matrix, index })
    }

    fn expr(&self, e: &ast::Expr) -> Result<Expr, Error> {
        let at = e.range().start().to_usize();
        Ok(match e {
            ast::Expr::Constant(c) => match &c.value {
                Constant::Int(i) => Expr::Int(i.to_string().parse::<i64>().map_err(|_| self.ctx.error(at, "integer constant out of range"))?),
                Constant::Float(f) => Expr::Float(*f),
                Constant::Bool(b) => Expr::Int(*b as i64),
                _ => return Err(self.ctx.error(at, "only int and float constants are part of LAmbdaPACK")),
            },
            ast::Expr::Name(n) => match self.lookup(n.id.as_str()) {
                Some(Binding::Loop(depth)) => Expr::Var(depth),
                Some(Binding::Scalar(value)) => value,
                Some(Binding::Int(index)) => Expr::Param(index),
                Some(Binding::Matrix(_)) => return Err(self.ctx.error(at, format!("matrix `{}` used as a scalar; index it: `{}[i, j]`", n.id, n.id))),
                None => return Err(self.ctx.error(at, format!("unknown name `{}`", n.id))),
            },
            ast::Expr::UnaryOp(u) => match u.op {
                ast::UnaryOp::USub => Expr::Neg(Box::new(self.expr(&u.operand)?)),
                ast::UnaryOp::UAdd => self.expr(&u.operand)?,
                _ => return Err(self.ctx.error(at, "only `-` and `+` apply to numbers")),
            },
            ast::Expr::BinOp(b) => {
                let op = match b.op {
                    ast::Operator::Add => BinOp::Add,
                    ast::Operator::Sub => BinOp::Sub,
                    ast::Operator::Mult => BinOp::Mul,
                    ast::Operator::Div => BinOp::Div,
                    ast::Operator::FloorDiv => BinOp::FloorDiv,
                    ast::Operator::Mod => BinOp::Mod,
                    ast::Operator::Pow => BinOp::Pow,
                    other => return Err(self.ctx.error(at, format!("operator {other:?} is not part of LAmbdaPACK"))),
                };
                Expr::Binary(op, Box::new(self.expr(&b.left)?), Box::new(self.expr(&b.right)?))
            }
            ast::Expr::Call(call) => {
                let ast::Expr::Name(func) = &*call.func else {
                    return Err(self.ctx.error(at, "only ceiling, floor, log, min and max may be called in expressions"));
                };
                let (func, arity) = match func.id.as_str() {
                    "ceiling" | "ceil" => (Func::Ceiling, 1..=1),
                    "floor" => (Func::Floor, 1..=1),
                    "log" => (Func::Log, 1..=2),
                    "min" => (Func::Min, 1..=8),
                    "max" => (Func::Max, 1..=8),
                    other if Kernel::from_name(other).is_ok() => {
                        return Err(self.ctx.error(at, format!("kernel `{other}` must be the whole right-hand side of a tile assignment")));
                    }
                    other => return Err(self.ctx.error(at, format!("unknown function `{other}` (scalar functions: ceiling, floor, log, min, max)"))),
                };
                if !arity.contains(&call.args.len()) || !call.keywords.is_empty() {
                    return Err(self.ctx.error(at, format!("wrong number of arguments to {func:?}")));
                }
                Expr::Call(func, call.args.iter().map(|a| self.expr(a)).collect::<Result<_, _>>()?)
            }
            _ => return Err(self.ctx.error(at, "this expression is not part of LAmbdaPACK (scalars: numbers, names, + - * / // % **, ceiling, floor, log)")),
        })
    }

    fn cond(&self, e: &ast::Expr) -> Result<Cond, Error> {
        let at = e.range().start().to_usize();
        Ok(match e {
            ast::Expr::Compare(c) => {
                let mut parts = Vec::new();
                let mut left = self.expr(&c.left)?;
                for (op, right) in c.ops.iter().zip(&c.comparators) {
                    let op = match op {
                        ast::CmpOp::Eq => CmpOp::Eq,
                        ast::CmpOp::NotEq => CmpOp::Ne,
                        ast::CmpOp::Lt => CmpOp::Lt,
                        ast::CmpOp::LtE => CmpOp::Le,
                        ast::CmpOp::Gt => CmpOp::Gt,
                        ast::CmpOp::GtE => CmpOp::Ge,
                        _ => {
                            return Err(self.ctx.error(at, "only == != < <= > >= compare scalars"));
                        }
                    };
                    let right = self.expr(right)?;
                    parts.push(Cond::Compare(op, left, right.clone()));
                    left = right;
                }
                if parts.len() == 1 {
                    parts.pop().expect("one part")
                } else {
                    Cond::And(parts)
                }
            }
            ast::Expr::BoolOp(b) => {
                let parts = b
                    .values
                    .iter()
                    .map(|v| self.cond(v))
                    .collect::<Result<_, _>>()?;
                match b.op {
                    ast::BoolOp::And => Cond::And(parts),
                    ast::BoolOp::Or => Cond::Or(parts),
                }
            }
            ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => {
                Cond::Not(Box::new(self.cond(&u.operand)?))
            }
            ast::Expr::Constant(c) if matches!(c.value, Constant::Bool(_)) => {
                Cond::Const(matches!(c.value, Constant::Bool(true)))
            }
            _ => {
                return Err(self.ctx.error(
                    at,
                    "an `if` tests a comparison such as `i == 0` or `j < N - 1`",
                ));
            }
        })
    }
}

fn statement_name(stmt: &ast::Stmt) -> &'static str {
    match stmt {
        ast::Stmt::While(_) => "while",
        ast::Stmt::Return(_) => "return",
        ast::Stmt::AugAssign(_) => "augmented assignment",
        ast::Stmt::FunctionDef(_) => "nested def",
        ast::Stmt::ClassDef(_) => "class",
        ast::Stmt::With(_) => "with",
        ast::Stmt::Try(_) => "try",
        ast::Stmt::Raise(_) => "raise",
        ast::Stmt::Break(_) => "break",
        ast::Stmt::Continue(_) => "continue",
        ast::Stmt::Expr(_) => "expression statement",
        _ => "this statement",
    }
}
