//! Class-body rewrites. A docstring becomes `__doc__ = "…"` first, as CPython's class namespace
//! holds it; a library module's class gets its `__module__`. Annotations: `x: int = 0` in a class body records `__annotations__['x']`, in the
//! order written, as CPython does (what `dataclasses` and `typing.NamedTuple`-style code read to
//! find a class's fields).
//!
//! Done as a rewrite of the class body before it is compiled: the body starts with
//! `__annotations__ = {}` and each annotated name is followed by its entry. An annotation that
//! is a name or a dotted name (`int`, `typing.Any`) is evaluated, as CPython 3.11 does; any
//! other (`list[int]`, `Optional[str]`, `'Node'`) is kept as its source text, as under
//! `from __future__ import annotations`, since the subset cannot subscript every type.

use rustpython_parser::ast::{self, Constant, Ranged};
use rustpython_parser::text_size::TextRange;

/// The class body with its annotations recorded, or `None` when it annotates no plain name.
pub fn record(body: &[ast::Stmt]) -> Option<Vec<ast::Stmt>> {
    let annotated =
        |s: &ast::Stmt| matches!(s, ast::Stmt::AnnAssign(a) if a.simple && a.target.is_name_expr());
    let first = body.iter().find(|s| annotated(s))?;
    let range = first.range();
    let mut out = Vec::with_capacity(body.len() * 2 + 1);
    out.push(assign(
        name("__annotations__", ast::ExprContext::Store, range),
        ast::Expr::Dict(ast::ExprDict {
            range,
            keys: Vec::new(),
            values: Vec::new(),
        }),
        range,
    ));
    for stmt in body {
        out.push(stmt.clone());
        if let ast::Stmt::AnnAssign(a) = stmt
            && a.simple
            && let ast::Expr::Name(target) = &*a.target
        {
            let range = a.range;
            let value = if is_dotted_name(&a.annotation) {
                (*a.annotation).clone()
            } else {
                text_expr(text(&a.annotation), range)
            };
            let entry = ast::Expr::Subscript(ast::ExprSubscript {
                range,
                value: Box::new(name("__annotations__", ast::ExprContext::Load, range)),
                slice: Box::new(text_expr(target.id.to_string(), range)),
                ctx: ast::ExprContext::Store,
            });
            out.push(assign(entry, value, range));
        }
    }
    Some(out)
}

/// The docstring of a function or class body: its first statement, when a string literal.
pub fn docstring(body: &[ast::Stmt]) -> Option<&str> {
    match body.first()? {
        ast::Stmt::Expr(e) => match &*e.value {
            ast::Expr::Constant(c) => match &c.value {
                Constant::Str(s) => Some(s.as_str()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The class body with `__doc__ = <its docstring>` first, or `None` when it has none.
pub fn record_doc(body: &[ast::Stmt]) -> Option<Vec<ast::Stmt>> {
    let doc = docstring(body)?.to_owned();
    let range = body.first()?.range();
    let mut out = Vec::with_capacity(body.len() + 1);
    out.push(assign(
        name("__doc__", ast::ExprContext::Store, range),
        text_expr(doc, range),
        range,
    ));
    out.extend(body.iter().cloned());
    Some(out)
}

/// A library module's class body with `__module__ = '<module>'` first, so the class prints as
/// `<class 'collections.deque'>` (the body may still set its own).
pub fn record_module(body: &[ast::Stmt], module: &str) -> Vec<ast::Stmt> {
    let range = body.first().map(|s| s.range()).unwrap_or_default();
    let mut out = Vec::with_capacity(body.len() + 1);
    out.push(assign(
        name("__module__", ast::ExprContext::Store, range),
        text_expr(module.to_owned(), range),
        range,
    ));
    out.extend(body.iter().cloned());
    out
}

fn is_dotted_name(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Name(_) => true,
        ast::Expr::Attribute(a) => is_dotted_name(&a.value),
        _ => false,
    }
}

/// The annotation as source text (normalised spacing, as `ast.unparse` would write it).
fn text(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Name(n) => n.id.to_string(),
        ast::Expr::Attribute(a) => format!("{}.{}", text(&a.value), a.attr),
        ast::Expr::Subscript(s) => format!("{}[{}]", text(&s.value), text(&s.slice)),
        ast::Expr::Tuple(t) => t.elts.iter().map(text).collect::<Vec<_>>().join(", "),
        ast::Expr::List(l) => format!(
            "[{}]",
            l.elts.iter().map(text).collect::<Vec<_>>().join(", ")
        ),
        ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::BitOr) => {
            format!("{} | {}", text(&b.left), text(&b.right))
        }
        ast::Expr::Constant(c) => match &c.value {
            Constant::Str(s) => format!("'{s}'"),
            Constant::None => "None".into(),
            Constant::Bool(b) => if *b { "True" } else { "False" }.into(),
            Constant::Int(i) => i.to_string(),
            Constant::Ellipsis => "...".into(),
            _ => "...".into(),
        },
        _ => "...".into(),
    }
}

fn name(id: &str, ctx: ast::ExprContext, range: TextRange) -> ast::Expr {
    ast::Expr::Name(ast::ExprName {
        range,
        id: ast::Identifier::new(id),
        ctx,
    })
}

fn text_expr(s: String, range: TextRange) -> ast::Expr {
    ast::Expr::Constant(ast::ExprConstant {
        range,
        value: Constant::Str(s),
        kind: None,
    })
}

fn assign(target: ast::Expr, value: ast::Expr, range: TextRange) -> ast::Stmt {
    ast::Stmt::Assign(ast::StmtAssign {
        range,
        targets: vec![target],
        value: Box::new(value),
        type_comment: None,
    })
}
