//! LAmbdaPACK programs, compiled: templates (one per kernel-call statement) with their loop nests,
//! guards and tile references. Never an expanded graph: a DAG node is a template plus values for
//! its loop variables, and `crate::dag` derives edges from these templates on demand.

pub mod expr;
mod parse;

pub use expr::{BinOp, CmpOp, Cond, Expr, Func, Value};
pub use parse::parse_file;

use crate::kernels::Kernel;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}:{line}:{column}: {message}")]
pub struct Error {
    pub origin: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The most statements, loop depth and index dimensions a program may have: programs are small
/// loop nests, and every per-node structure is sized by these.
pub const TEMPLATES_MAX: usize = 1024;
pub const LOOP_DEPTH_MAX: usize = 16;
pub const INDEX_DIMS_MAX: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamKind {
    Matrix,
    Int,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub kind: ParamKind,
}

#[derive(Clone, Debug)]
pub struct Program {
    pub name: String,
    pub origin: String,
    pub line: usize,
    pub params: Vec<Param>,
    /// Names of the BigMatrix parameters; a `TileRef::matrix` indexes this list.
    pub matrices: Vec<String>,
    /// Names of the int parameters; `Expr::Param` indexes this list.
    pub ints: Vec<String>,
    /// Number of index dimensions of each matrix (every reference to a matrix uses the same number).
    pub matrix_dims: Vec<usize>,
    pub templates: Vec<Template>,
}

/// One kernel-call statement and the loops and `if`s around it.
#[derive(Clone, Debug)]
pub struct Template {
    pub line: usize,
    pub kernel: Kernel,
    pub loops: Vec<Loop>,
    pub guards: Vec<Guard>,
    pub writes: Vec<TileRef>,
    pub reads: Vec<TileRef>,
}

#[derive(Clone, Debug)]
pub struct Loop {
    pub var: String,
    pub start: Expr,
    pub end: Expr,
    pub step: Expr,
}

/// A condition that must hold for the statement to run; it mentions only the first `depth` loops.
#[derive(Clone, Debug)]
pub struct Guard {
    pub depth: usize,
    pub cond: Cond,
}

#[derive(Clone, Debug)]
pub struct TileRef {
    pub matrix: usize,
    pub index: Vec<Expr>,
}

impl Program {
    /// Does any statement write `matrix`? Matrices nobody writes are the program's inputs.
    pub fn is_written(&self, matrix: usize) -> bool {
        self.templates
            .iter()
            .any(|t| t.writes.iter().any(|w| w.matrix == matrix))
    }

    pub fn matrix(&self, name: &str) -> Option<usize> {
        self.matrices.iter().position(|m| m == name)
    }

    /// Matrices no statement writes, in parameter order.
    pub fn inputs(&self) -> Vec<usize> {
        (0..self.matrices.len())
            .filter(|&m| !self.is_written(m))
            .collect()
    }
}
