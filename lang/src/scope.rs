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
    /// The locals in the order the body first binds them: a class namespace keeps it, as
    /// CPython's does (enum members, `__dict__`, dataclass fields follow definition order).
    pub bound_order: Vec<String>,
}

/// How `analyse` finds a `:=` target among the names an expression reads (no identifier
/// starts with it).
const WALRUS: &str = ":=";

impl Scope {
    fn bind_local(&mut self, name: String) {
        // A name is removed from `locals` (global/nonlocal) only after the walk: first insertion
        // is first binding.
        if self.locals.insert(name.clone()) {
            self.bound_order.push(name);
        }
    }

    /// The locals in binding order.
    pub fn locals_in_order(&self) -> impl Iterator<Item = &String> {
        self.bound_order.iter().filter(|n| self.locals.contains(*n))
    }
}

/// Every parameter name of a function, in slot order: positional, keyword-only, `*args`,
/// `**kwargs`.
pub fn param_names(args: &ast::Arguments) -> Vec<String> {
    let mut names: Vec<String> = args
        .posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
        .map(|a| a.def.arg.to_string())
        .collect();
    if let Some(v) = &args.vararg {
        names.push(v.arg.to_string());
    }
    if let Some(k) = &args.kwarg {
        names.push(k.arg.to_string());
    }
    names
}

/// The expressions a `def` or `lambda` evaluates where it is defined: defaults.
fn defaults(args: &ast::Arguments) -> impl Iterator<Item = &ast::Expr> {
    args.posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
        .filter_map(|a| a.default.as_deref())
}

/// Analyses a class body: like a function's, except that nothing in it is captured by the
/// functions it defines (Python's class scope is not visible to methods).
pub fn analyse_class(body: &[ast::Stmt]) -> Scope {
    let mut scope = analyse(&[], body);
    scope.cells.clear();
    scope
}

/// Whether a function body is a generator's (has `yield` outside nested functions and classes).
pub fn is_generator(body: &[ast::Stmt]) -> bool {
    body.iter().any(stmt_yields)
}

fn stmt_yields(stmt: &ast::Stmt) -> bool {
    let mut found = false;
    visit_stmt_exprs(stmt, &mut |e| found |= expr_yields(e));
    if found {
        return true;
    }
    match stmt {
        ast::Stmt::If(i) => is_generator(&i.body) || is_generator(&i.orelse),
        ast::Stmt::While(w) => is_generator(&w.body) || is_generator(&w.orelse),
        ast::Stmt::For(f) => is_generator(&f.body) || is_generator(&f.orelse),
        ast::Stmt::With(w) => is_generator(&w.body),
        ast::Stmt::Match(m) => m.cases.iter().any(|c| is_generator(&c.body)),
        ast::Stmt::Try(t) => {
            is_generator(&t.body)
                || is_generator(&t.orelse)
                || is_generator(&t.finalbody)
                || t.handlers.iter().any(|h| {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    is_generator(&h.body)
                })
        }
        _ => false,
    }
}

/// Calls `f` on the expressions a statement evaluates itself (not those of nested blocks).
fn visit_stmt_exprs(stmt: &ast::Stmt, f: &mut dyn FnMut(&ast::Expr)) {
    match stmt {
        ast::Stmt::Expr(e) => f(&e.value),
        ast::Stmt::Assign(a) => {
            f(&a.value);
            a.targets.iter().for_each(&mut *f);
        }
        ast::Stmt::AugAssign(a) => {
            f(&a.value);
            f(&a.target);
        }
        ast::Stmt::AnnAssign(a) => {
            if let Some(v) = &a.value {
                f(v);
            }
        }
        ast::Stmt::Return(r) => {
            if let Some(v) = &r.value {
                f(v);
            }
        }
        ast::Stmt::If(i) => f(&i.test),
        ast::Stmt::While(w) => f(&w.test),
        ast::Stmt::For(x) => f(&x.iter),
        ast::Stmt::With(w) => w.items.iter().for_each(|i| f(&i.context_expr)),
        ast::Stmt::Raise(r) => {
            if let Some(e) = &r.exc {
                f(e);
            }
        }
        ast::Stmt::Assert(a) => f(&a.test),
        ast::Stmt::Match(m) => {
            f(&m.subject);
            for case in &m.cases {
                crate::compile::visit_pattern(&case.pattern, &mut |_| {}, &mut *f);
                if let Some(guard) = &case.guard {
                    f(guard);
                }
            }
        }
        _ => {}
    }
}

fn expr_yields(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Yield(_) | ast::Expr::YieldFrom(_) => true,
        ast::Expr::Lambda(_)
        | ast::Expr::GeneratorExp(_)
        | ast::Expr::ListComp(_)
        | ast::Expr::SetComp(_)
        | ast::Expr::DictComp(_) => false,
        ast::Expr::BinOp(b) => expr_yields(&b.left) || expr_yields(&b.right),
        ast::Expr::UnaryOp(u) => expr_yields(&u.operand),
        ast::Expr::BoolOp(b) => b.values.iter().any(expr_yields),
        ast::Expr::Compare(c) => expr_yields(&c.left) || c.comparators.iter().any(expr_yields),
        ast::Expr::Call(c) => {
            expr_yields(&c.func)
                || c.args.iter().any(expr_yields)
                || c.keywords.iter().any(|k| expr_yields(&k.value))
        }
        ast::Expr::List(l) => l.elts.iter().any(expr_yields),
        ast::Expr::Tuple(t) => t.elts.iter().any(expr_yields),
        ast::Expr::Dict(d) => d.values.iter().any(expr_yields),
        ast::Expr::Subscript(s) => expr_yields(&s.value) || expr_yields(&s.slice),
        ast::Expr::Attribute(a) => expr_yields(&a.value),
        ast::Expr::IfExp(i) => {
            expr_yields(&i.test) || expr_yields(&i.body) || expr_yields(&i.orelse)
        }
        ast::Expr::Starred(s) => expr_yields(&s.value),
        ast::Expr::JoinedStr(j) => j.values.iter().any(expr_yields),
        ast::Expr::FormattedValue(f) => expr_yields(&f.value),
        _ => false,
    }
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
    // `:=` targets bind here; marks from nested functions and generator expressions are theirs.
    let walrus: Vec<String> = used
        .iter()
        .filter_map(|n| n.strip_prefix(WALRUS))
        .map(str::to_owned)
        .collect();
    used.retain(|n| !n.starts_with(WALRUS));
    nested_free.retain(|n| !n.starts_with(WALRUS));
    for name in walrus {
        scope.bind_local(name);
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
            scope.bind_local(n.id.to_string());
        }
        ast::Expr::Tuple(t) => t.elts.iter().for_each(|e| bind(e, scope, used, nested)),
        ast::Expr::List(l) => l.elts.iter().for_each(|e| bind(e, scope, used, nested)),
        ast::Expr::Starred(s) => bind(&s.value, scope, used, nested),
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
                    scope.bind_local(name.to_string());
                }
                block(&h.body, scope, used, nested);
            }
            block(&t.orelse, scope, used, nested);
            block(&t.finalbody, scope, used, nested);
        }
        ast::Stmt::Match(m) => {
            expr(&m.subject, used, nested);
            for case in &m.cases {
                crate::compile::visit_pattern(
                    &case.pattern,
                    &mut |name| scope.bind_local(name.to_owned()),
                    &mut |e| expr(e, used, nested),
                );
                if let Some(guard) = &case.guard {
                    expr(guard, used, nested);
                }
                block(&case.body, scope, used, nested);
            }
        }
        ast::Stmt::Global(g) => scope.globals.extend(g.names.iter().map(|n| n.to_string())),
        ast::Stmt::Nonlocal(n) => scope
            .nonlocals
            .extend(n.names.iter().map(|n| n.to_string())),
        ast::Stmt::FunctionDef(def) => {
            scope.bind_local(def.name.to_string());
            defaults(&def.args).for_each(|d| expr(d, used, nested));
            def.decorator_list
                .iter()
                .for_each(|d| expr(d, used, nested));
            let params = param_names(&def.args);
            nested.extend(analyse(&params, &def.body).free);
        }
        ast::Stmt::ClassDef(c) => {
            scope.bind_local(c.name.to_string());
            c.bases.iter().for_each(|b| expr(b, used, nested));
            c.decorator_list.iter().for_each(|d| expr(d, used, nested));
            nested.extend(analyse_class(&c.body).free);
        }
        ast::Stmt::With(w) => {
            for item in &w.items {
                expr(&item.context_expr, used, nested);
                if let Some(v) = &item.optional_vars {
                    bind(v, scope, used, nested);
                }
            }
            block(&w.body, scope, used, nested);
        }
        ast::Stmt::Import(i) => {
            for alias in &i.names {
                let name = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                let first = name.split('.').next().unwrap_or("").to_owned();
                scope.bind_local(first);
            }
        }
        ast::Stmt::ImportFrom(i) => {
            for alias in &i.names {
                let name = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                scope.bind_local(name);
            }
        }
        ast::Stmt::Delete(d) => {
            for t in &d.targets {
                bind(t, scope, used, nested);
            }
        }
        ast::Stmt::AnnAssign(a) => {
            if let Some(v) = &a.value {
                expr(v, used, nested);
            }
            bind(&a.target, scope, used, nested);
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
            defaults(&l.args).for_each(|d| expr(d, used, nested));
            let params = param_names(&l.args);
            let body = [ast::Stmt::Return(ast::StmtReturn {
                range: Default::default(),
                value: Some(l.body.clone()),
            })];
            nested.extend(analyse(&params, &body).free);
        }
        ast::Expr::ListComp(c) => comprehension(&c.generators, &[&c.elt], used, nested),
        ast::Expr::DictComp(c) => comprehension(&c.generators, &[&c.key, &c.value], used, nested),
        ast::Expr::SetComp(c) => comprehension(&c.generators, &[&c.elt], used, nested),
        ast::Expr::GeneratorExp(c) => {
            // A generator expression is a function: what it reads from here, it captures. Its
            // first iterable is evaluated here.
            if let Some(first) = c.generators.first() {
                expr(&first.iter, used, nested);
            }
            nested.extend(genexpr_free(c));
        }
        ast::Expr::Yield(y) => {
            if let Some(v) = &y.value {
                expr(v, used, nested);
            }
        }
        ast::Expr::YieldFrom(y) => expr(&y.value, used, nested),
        ast::Expr::NamedExpr(n) => {
            expr(&n.value, used, nested);
            // A binding, not a read: marked for `analyse`, which binds it where the expression
            // is (inside a comprehension too: `comprehension` passes the mark up).
            if let ast::Expr::Name(t) = &*n.target {
                used.insert(format!("{WALRUS}{}", t.id));
            }
        }
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

/// The names a generator expression needs from where it is written (its free names, without
/// the first iterable, which is evaluated outside it).
pub fn genexpr_free(c: &ast::ExprGeneratorExp) -> BTreeSet<String> {
    let mut inner = BTreeSet::new();
    let mut nested = BTreeSet::new();
    let mut targets = BTreeSet::new();
    for g in &c.generators {
        let mut scope = Scope::default();
        bind(
            &g.target,
            &mut scope,
            &mut BTreeSet::new(),
            &mut BTreeSet::new(),
        );
        targets.extend(scope.locals);
    }
    expr(&c.elt, &mut inner, &mut nested);
    for (k, g) in c.generators.iter().enumerate() {
        if k > 0 {
            expr(&g.iter, &mut inner, &mut nested);
        }
        g.ifs.iter().for_each(|i| expr(i, &mut inner, &mut nested));
    }
    inner
        .into_iter()
        .chain(nested)
        .filter(|n| !targets.contains(n) && !n.starts_with(WALRUS))
        .collect()
}
