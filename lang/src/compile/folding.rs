//! Which expressions CPython 3.11's AST optimizer folds into constants — as far as the order
//! of a set display depends on it: a display of more than two constants is built from a
//! frozenset constant (`BUILD_SET 0; LOAD_CONST frozenset(...); SET_UPDATE`), which lays out
//! its table differently from adding the items one by one.
//!
//! Only the question "is this a constant after folding" is answered, with CPython's size
//! limits on folded ints (128 bits for `*`, `**`, `<<`), evaluated on i128; anything whose value
//! would leave i128 counts as not folded (CPython folds a few of those; they are rare in a set
//! display).

use rustpython_parser::ast;

/// CPython's `MAX_INT_SIZE` (bits of a folded int).
const MAX_INT_BITS: u32 = 128;

/// What folding knows of a constant.
#[derive(Clone, Copy)]
enum Folded {
    Int(i128),
    Float(f64),
    /// A constant that is not a number (str, bytes, None, a tuple of constants, …).
    Other,
}

/// Whether CPython folds `e` into a constant.
pub fn is_constant(e: &ast::Expr) -> bool {
    fold(e, 0).is_some()
}

fn bits(n: i128) -> u32 {
    128 - n.unsigned_abs().leading_zeros()
}

fn fold(e: &ast::Expr, depth: usize) -> Option<Folded> {
    if depth > 32 {
        return None;
    }
    match e {
        ast::Expr::Constant(c) => Some(match &c.value {
            ast::Constant::Int(n) => Folded::Int(i128::try_from(n).ok()?),
            ast::Constant::Bool(b) => Folded::Int(*b as i128),
            ast::Constant::Float(f) => Folded::Float(*f),
            _ => Folded::Other,
        }),
        ast::Expr::Tuple(t) => {
            for item in &t.elts {
                fold(item, depth + 1)?;
            }
            Some(Folded::Other)
        }
        ast::Expr::UnaryOp(u) => {
            let v = fold(&u.operand, depth + 1)?;
            match (u.op, v) {
                (ast::UnaryOp::Not, _) => Some(Folded::Int(0)),
                (ast::UnaryOp::USub, Folded::Int(n)) => Some(Folded::Int(n.checked_neg()?)),
                (ast::UnaryOp::USub, Folded::Float(f)) => Some(Folded::Float(-f)),
                (ast::UnaryOp::UAdd, v @ (Folded::Int(_) | Folded::Float(_))) => Some(v),
                (ast::UnaryOp::Invert, Folded::Int(n)) => Some(Folded::Int(!n)),
                _ => None,
            }
        }
        ast::Expr::BinOp(b) => {
            let l = fold(&b.left, depth + 1)?;
            let r = fold(&b.right, depth + 1)?;
            binary(b.op, l, r)
        }
        _ => None,
    }
}

fn binary(op: ast::Operator, l: Folded, r: Folded) -> Option<Folded> {
    use ast::Operator as O;
    match (l, r) {
        (Folded::Int(x), Folded::Int(y)) => Some(Folded::Int(match op {
            O::Add => x.checked_add(y)?,
            O::Sub => x.checked_sub(y)?,
            O::Mult if x != 0 && y != 0 && bits(x) + bits(y) > MAX_INT_BITS => return None,
            O::Mult => x.checked_mul(y)?,
            O::FloorDiv | O::Mod if y == 0 => return None,
            O::FloorDiv => {
                let q = x.checked_div(y)?;
                if x % y != 0 && (x < 0) != (y < 0) {
                    q - 1
                } else {
                    q
                }
            }
            O::Mod => {
                let m = x.checked_rem(y)?;
                if m != 0 && (m < 0) != (y < 0) {
                    m + y
                } else {
                    m
                }
            }
            O::Div if y == 0 => return None,
            O::Div => return Some(Folded::Float(x as f64 / y as f64)),
            O::Pow if y < 0 => {
                return if x == 0 {
                    None
                } else {
                    Some(Folded::Float((x as f64).powf(y as f64)))
                };
            }
            O::Pow
                if x != 0 && (bits(x) as u128).saturating_mul(y as u128) > MAX_INT_BITS as u128 =>
            {
                return None;
            }
            O::Pow => x.checked_pow(u32::try_from(y).ok()?)?,
            O::LShift if y < 0 => return None,
            O::LShift
                if x != 0
                    && (y > MAX_INT_BITS as i128 || bits(x) as i128 + y > MAX_INT_BITS as i128) =>
            {
                return None;
            }
            O::LShift => x.checked_shl(u32::try_from(y).ok()?)?,
            O::RShift if y < 0 => return None,
            O::RShift => x >> y.min(127),
            O::BitAnd => x & y,
            O::BitOr => x | y,
            O::BitXor => x ^ y,
            O::MatMult => return None,
        })),
        (Folded::Other, _) | (_, Folded::Other) => None,
        (x, y) => {
            let f = |v: Folded| match v {
                Folded::Int(n) => n as f64,
                Folded::Float(f) => f,
                Folded::Other => f64::NAN,
            };
            let (x, y) = (f(x), f(y));
            let v = match op {
                O::Add => x + y,
                O::Sub => x - y,
                O::Mult => x * y,
                O::Div | O::FloorDiv | O::Mod if y == 0.0 => return None,
                O::Div => x / y,
                O::FloorDiv => (x / y).floor(),
                O::Mod => x.rem_euclid(y),
                O::Pow if x == 0.0 && y < 0.0 => return None,
                O::Pow => x.powf(y),
                _ => return None,
            };
            Some(Folded::Float(v))
        }
    }
}
