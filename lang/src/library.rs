//! The standard-library modules written in Python (`lang/src/library/*.py`), compiled into the
//! program that imports them.
//!
//! Why compiled in rather than loaded at run time: a program is one [`crate::code::Module`]
//! whose globals are a table indexed by name, so the whole state stays one rkyv value and a
//! library object (a deque, a compiled pattern, a `Random`) snapshots like any user object.
//! Each library module `m` gets its own namespace by name mangling: a global `x` that `m` binds
//! at its top level is the global `m:x` (a name no Python code can spell), every other global
//! name falls through to the builtins as usual. The compiler finds the modules a file imports
//! (anywhere in it, and what those modules import in turn), runs their bodies at the start of
//! the module body, dependencies first, and `import m` gathers the `m:` globals into the module
//! object (next to any Rust builtins named `m.…`).
//!
//! Library code is compiled with line 0 everywhere; tracebacks hide frames at line 0, as they
//! hide the prelude's (CPython would show the library's own file, which a job does not have).

use std::collections::BTreeSet;

use rustpython_parser::ast;

/// Module name and Python source of every library module.
pub const MODULES: &[(&str, &str)] = &[
    ("operator", include_str!("library/operator.py")),
    ("collections", include_str!("library/collections.py")),
    ("itertools", include_str!("library/itertools.py")),
    ("functools", include_str!("library/functools.py")),
    ("heapq", include_str!("library/heapq.py")),
    ("bisect", include_str!("library/bisect.py")),
    ("copy", include_str!("library/copy.py")),
    ("string", include_str!("library/string.py")),
    ("json", include_str!("library/json.py")),
    ("random", include_str!("library/random.py")),
    ("typing", include_str!("library/typing.py")),
    ("textwrap", include_str!("library/textwrap.py")),
    ("re", include_str!("library/re.py")),
    ("fractions", include_str!("library/fractions.py")),
    ("statistics", include_str!("library/statistics.py")),
    ("dataclasses", include_str!("library/dataclasses.py")),
    ("enum", include_str!("library/enum.py")),
    ("sys", include_str!("library/sys.py")),
    ("io", include_str!("library/io.py")),
    ("abc", include_str!("library/abc.py")),
    ("contextlib", include_str!("library/contextlib.py")),
    ("binascii", include_str!("library/binascii.py")),
    ("base64", include_str!("library/base64.py")),
    ("hashlib", include_str!("library/hashlib.py")),
    ("_datecalc", include_str!("library/_datecalc.py")),
    ("datetime", include_str!("library/datetime.py")),
    ("logging", include_str!("library/logging.py")),
    ("posixpath", include_str!("library/posixpath.py")),
    ("os", include_str!("library/os.py")),
    ("keyword", include_str!("library/keyword.py")),
    ("types", include_str!("library/types.py")),
    ("struct", include_str!("library/struct.py")),
    ("pprint", include_str!("library/pprint.py")),
    ("csv", include_str!("library/csv.py")),
    ("traceback", include_str!("library/traceback.py")),
    ("warnings", include_str!("library/warnings.py")),
    ("queue", include_str!("library/queue.py")),
    ("uuid", include_str!("library/uuid.py")),
    ("_sl_bases", include_str!("library/_sl_bases.py")),
    (
        "_sl_base_values",
        include_str!("library/_sl_base_values.py"),
    ),
    ("_sl_base_dict", include_str!("library/_sl_base_dict.py")),
    ("_sl_base_list", include_str!("library/_sl_base_list.py")),
    ("_sl_base_set", include_str!("library/_sl_base_set.py")),
    (
        "_sl_base_frozenset",
        include_str!("library/_sl_base_frozenset.py"),
    ),
    ("_sl_base_str", include_str!("library/_sl_base_str.py")),
    ("_sl_base_tuple", include_str!("library/_sl_base_tuple.py")),
    ("_sl_base_int", include_str!("library/_sl_base_int.py")),
    ("_sl_base_float", include_str!("library/_sl_base_float.py")),
    (
        "collections.abc",
        include_str!("library/collections_abc.py"),
    ),
    ("os.path", include_str!("library/posixpath.py")),
    ("cmath", include_str!("library/cmath.py")),
];

/// The source of library module `name`, if there is one.
pub fn source(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// The global name a library module's top-level `name` is stored under.
pub fn mangle(module: &str, name: &str) -> String {
    format!("{module}:{name}")
}

/// Every module name an `import` in `body` names, at any depth (inside functions, classes,
/// `if`/`try` blocks), in order of appearance.
pub fn imports(body: &[ast::Stmt], out: &mut Vec<String>) {
    for stmt in body {
        match stmt {
            ast::Stmt::Import(i) => {
                for alias in &i.names {
                    // `import a.b` imports `a`, then `a.b`.
                    let name = alias.name.as_str();
                    for (at, _) in name.match_indices('.') {
                        out.push(name[..at].to_owned());
                    }
                    out.push(name.to_owned());
                }
            }
            ast::Stmt::ImportFrom(i) => {
                if let Some(m) = &i.module {
                    out.push(m.to_string());
                }
            }
            ast::Stmt::FunctionDef(d) => imports(&d.body, out),
            ast::Stmt::AsyncFunctionDef(d) => imports(&d.body, out),
            ast::Stmt::ClassDef(d) => {
                // A builtin type named as a base is a class of its `_sl_base_<type>` module
                // (see the VM).
                for base in &d.bases {
                    if let ast::Expr::Name(n) = base
                        && crate::vm::WRAPPED_BUILTINS.contains(&n.id.as_str())
                    {
                        out.push(crate::vm::base_module(n.id.as_str()));
                    }
                }
                imports(&d.body, out)
            }
            ast::Stmt::If(x) => {
                imports(&x.body, out);
                imports(&x.orelse, out);
            }
            ast::Stmt::While(x) => {
                imports(&x.body, out);
                imports(&x.orelse, out);
            }
            ast::Stmt::For(x) => {
                imports(&x.body, out);
                imports(&x.orelse, out);
            }
            ast::Stmt::With(x) => imports(&x.body, out),
            ast::Stmt::Match(m) => m.cases.iter().for_each(|c| imports(&c.body, out)),
            ast::Stmt::Try(t) => {
                imports(&t.body, out);
                imports(&t.orelse, out);
                imports(&t.finalbody, out);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    imports(&h.body, out);
                }
            }
            _ => {}
        }
    }
}

/// The names a module body binds at its top level (what `m:` mangles).
pub fn top_level_names(body: &[ast::Stmt]) -> BTreeSet<String> {
    let scope = crate::scope::analyse(&[], body);
    let mut names = scope.locals;
    names.extend(scope.cells);
    names
}
