//! Scope analysis for closures, run before a function is compiled: which of its locals nested
//! functions (defs and lambdas) capture — those live in cells — and which names the function
//! itself needs from enclosing functions. Python's rules for the subset: a name bound in a
//! function (parameter, assignment, loop or `except` target, nested `def`) is local unless
//! declared `global` or `nonlocal`; a name read but not bound is free and resolves to the nearest
//! enclosing function that binds it, else to globals and builtins.

use std::collections::BTreeSet;

use rustpython_parser::ast;

/// What one function's body binds and needs.
#[derive(Debug, Default)]
pub struct Scope {
    pub locals: BTreeSet<String>,
    pub globals: BTreeSet<String>,
    pub nonlocals: BTreeSet<String>,
    /// Names read or written here or needed by nested functions, that are not local here.
    pub free: BTreeSet<String>,
    /// Locals that nested functions capture.
    pub cells: BTreeSet<String>,
}

/// Analyses a function with `params` and `body` (a lambda's body is one `return`).
pub fn analyse(params: &[String], body: &[ast::Stmt]) -> Scope {
    let mut scope = Scope::default();
    let mut used = BTreeSet::new();
    let mut nested_free = BTreeSet::new();
    scope.locals.extend(params.iter().cloned());
    for stmt in body {
        statement(stmt, &mut scope, &mut used, &mut nested_free);
    }
    for name in scope.globals.iter().chain(&scope.nonlocals) {
        scope.locals.remove(name);
    }
    scope.cells = scope.locals.intersection(&nested_free).cloned().collect();
    scope.free = used
        .union(&nested_free)
        .chain(scope.nonlocals.iter())
        .filter(|n| !scope.locals.contains(*n) && !scope.globals.contains(*n))
        .cloned()
        .collect();
    scope
}

fn bind(
    target: &ast::Expr,
    scope: &mut Scope,
    used: &mut BTreeSet<String>,
    nested: &mut BTreeSet<String>,
) {
    match target {
        ast::Expr::Name(n) => {
            scope.locals.insert(n.id.to_string());
        }
        ast::Expr::Tuple(t) => t.elts.iter().for_each(|e| bind(e, scope, used, nested)),
        ast::Expr::List(l) => l.elts.iter().for_each(|e| bind(e, scope, used, nested)),
        other => expr(other, used, nested),
    }
}

fn statement(
    stmt: &ast::Stmt,
    scope: &mut Scope,
    used: &mut BTreeSet<String>,
    nested: &mut BTreeSet<String>,
) {
    let block = |body: &[ast::Stmt],
                 scope: &mut Scope,
                 used: &mut BTreeSet<String>,
                 nested: &mut BTreeSet<String>| {
        for s in body {
            statement(s, scope, used, nested);
        }
    };
    match stmt {
        ast::Stmt::Expr(e) => expr(&e.value, used, nested),
        ast::Stmt::Assign(a) => {
            expr(&a.value, used, nested);
            for t in &a.targets {
                bind(t, scope, used, nested);
            }
        }
        ast::Stmt::AugAssign(a) => {
            expr(&a.value, used, nested);
            if let ast::Expr::Name(n) = &*a.target {
                used.insert(n.id.to_string());
            }
            bind(&a.target, scope, used, nested);
        }
        ast::Stmt::If(i) => {
            expr(&i.test, used, nested);
            block(&i.body, scope, used, nested);
            block(&i.orelse, scope, used, nested);
        }
        ast::Stmt::While(w) => {
            expr(&w.test, used, nested);
            block(&w.body, scope, used, nested);
            block(&w.orelse, scope, used, nested);
        }
        ast::Stmt::For(f) => {
            expr(&f.iter, used, nested);
            bind(&f.target, scope, used, nested);
            block(&f.body, scope, used, nested);
            block(&f.orelse, scope, used, nested);
        }
        ast::Stmt::Return(r) => {
            if let Some(v) = &r.value {
                expr(v, used, nested);
            }
        }
        ast::Stmt::Raise(r) => {
            if let Some(e) = &r.exc {
                expr(e, used, nested);
            }
            if let Some(c) = &r.cause {
                expr(c, used, nested);
            }
        }
        ast::Stmt::Assert(a) => {
            expr(&a.test, used, nested);
            if let Some(m) = &a.msg {
                expr(m, used, nested);
            }
        }
        ast::Stmt::Try(t) => {
            block(&t.body, scope, used, nested);
            for h in &t.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                if let Some(class) = &h.type_ {
                    expr(class, used, nested);
                }
                if let Some(name) = &h.name {
                    scope.locals.insert(name.to_string());
                }
                block(&h.body, scope, used, nested);
            }
            block(&t.orelse, scope, used, nested);
            block(&t.finalbody, scope, used, nested);
        }
        ast::Stmt::Global(g) => scope.globals.extend(g.names.iter().map(|n| n.to_string())),
        ast::Stmt::Nonlocal(n) => scope
            .nonlocals
            .extend(n.names.iter().map(|n| n.to_string())),
        ast::Stmt::FunctionDef(def) => {
            scope.locals.insert(def.name.to_string());
            for a in &def.args.args {
                if let Some(d) = &a.default {
                    expr(d, used, nested);
                }
            }
            let params: Vec<String> = def
                .args
                .args
                .iter()
                .map(|a| a.def.arg.to_string())
                .collect();
            nested.extend(analyse(&params, &def.body).free);
        }
        _ => {}
    }
}

/// Collects the names an expression reads into `used`, and what lambdas inside it need into
/// `nested`. Comprehension targets are their own scope: they are not reads of the enclosing one.
fn expr(e: &ast::Expr, used: &mut BTreeSet<String>, nested: &mut BTreeSet<String>) {
    match e {
        ast::Expr::Name(n) => {
            used.insert(n.id.to_string());
        }
        ast::Expr::Lambda(l) => {
            for a in &l.args.args {
                if let Some(d) = &a.default {
                    expr(d, used, nested);
                }
            }
            let params: Vec<String> = l.args.args.iter().map(|a| a.def.arg.to_string()).collect();
            let body = [ast::Stmt::Return(ast::StmtReturn {
                range: Default::default(),
                value: Some(l.body.clone()),
            })];
            nested.extend(analyse(&params, &body).free);
        }
        ast::Expr::ListComp(c) => comprehension(&c.generators, &[&c.elt], used, nested),
        ast::Expr::DictComp(c) => comprehension(&c.generators, &[&c.key, &c.value], used, nested),
        ast::Expr::SetComp(c) => comprehension(&c.generators, &[&c.elt], used, nested),
        ast::Expr::GeneratorExp(c) => comprehension(&c.generators, &[&c.elt], used, nested),
        ast::Expr::BinOp(b) => {
            expr(&b.left, used, nested);
            expr(&b.right, used, nested);
        }
        ast::Expr::UnaryOp(u) => expr(&u.operand, used, nested),
        ast::Expr::BoolOp(b) => b.values.iter().for_each(|v| expr(v, used, nested)),
        ast::Expr::Compare(c) => {
            expr(&c.left, used, nested);
            c.comparators.iter().for_each(|v| expr(v, used, nested));
        }
        ast::Expr::Call(c) => {
            expr(&c.func, used, nested);
            c.args.iter().for_each(|v| expr(v, used, nested));
            c.keywords.iter().for_each(|k| expr(&k.value, used, nested));
        }
        ast::Expr::List(l) => l.elts.iter().for_each(|v| expr(v, used, nested)),
        ast::Expr::Tuple(t) => t.elts.iter().for_each(|v| expr(v, used, nested)),
        ast::Expr::Set(t) => t.elts.iter().for_each(|v| expr(v, used, nested)),
        ast::Expr::Dict(d) => {
            d.keys.iter().flatten().for_each(|v| expr(v, used, nested));
            d.values.iter().for_each(|v| expr(v, used, nested));
        }
        ast::Expr::Subscript(s) => {
            expr(&s.value, used, nested);
            expr(&s.slice, used, nested);
        }
        ast::Expr::Slice(s) => {
            for part in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                expr(part, used, nested);
            }
        }
        ast::Expr::Attribute(a) => expr(&a.value, used, nested),
        ast::Expr::Starred(s) => expr(&s.value, used, nested),
        ast::Expr::IfExp(i) => {
            expr(&i.test, used, nested);
            expr(&i.body, used, nested);
            expr(&i.orelse, used, nested);
        }
        ast::Expr::JoinedStr(j) => j.values.iter().for_each(|v| expr(v, used, nested)),
        ast::Expr::FormattedValue(f) => {
            expr(&f.value, used, nested);
            if let Some(spec) = &f.format_spec {
                expr(spec, used, nested);
            }
        }
        _ => {}
    }
}

fn comprehension(
    generators: &[ast::Comprehension],
    elements: &[&ast::Expr],
    used: &mut BTreeSet<String>,
    nested: &mut BTreeSet<String>,
) {
    let mut targets = BTreeSet::new();
    let mut inner_used = BTreeSet::new();
    for (k, g) in generators.iter().enumerate() {
        if k == 0 {
            expr(&g.iter, used, nested);
        } else {
            expr(&g.iter, &mut inner_used, nested);
        }
        let mut scope = Scope::default();
        bind(&g.target, &mut scope, &mut inner_used, nested);
        targets.extend(scope.locals);
        g.ifs.iter().for_each(|c| expr(c, &mut inner_used, nested));
    }
    elements
        .iter()
        .for_each(|e| expr(e, &mut inner_used, nested));
    used.extend(inner_used.into_iter().filter(|n| !targets.contains(n)));
}
