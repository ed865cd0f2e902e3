//! Scalar expressions of LAmbdaPACK programs: loop bounds, conditions and tile indices.
//!
//! Loop variables are referred to by their depth in the enclosing loop nest, so a template's
//! variable values are just a slice, and scalar assignments are inlined when compiled.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Int(i64),
    Float(f64),
    /// A loop variable, by depth (0 = outermost loop around the statement).
    Var(usize),
    /// An `int` parameter of the program, by position among the int parameters.
    Param(usize),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Ceiling,
    Floor,
    Log,
    Min,
    Max,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    Compare(CmpOp, Expr, Expr),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Const(bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("integer overflow in {0}")]
    Overflow(&'static str),
    #[error("division by zero")]
    DivisionByZero,
    #[error("negative exponent in integer power")]
    NegativeExponent,
    #[error("log of a non-positive number")]
    LogDomain,
    #[error("expected an integer, got {0}")]
    NotInteger(f64),
    #[error("loop variable used before it is bound")]
    Unbound,
}

/// Values of a template's loop variables (by depth) and of the program's int parameters.
pub struct Env<'a> {
    pub vars: &'a [Option<i64>],
    pub params: &'a [i64],
}

impl Value {
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Int(i) => i as f64,
            Value::Float(f) => f,
        }
    }

    pub fn as_int(self) -> Result<i64, Error> {
        match self {
            Value::Int(i) => Ok(i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
            Value::Float(f) => Err(Error::NotInteger(f)),
        }
    }
}

impl Expr {
    pub fn eval(&self, env: &Env<'_>) -> Result<Value, Error> {
        Ok(match self {
            Expr::Int(i) => Value::Int(*i),
            Expr::Float(f) => Value::Float(*f),
            Expr::Var(depth) => Value::Int(
                env.vars
                    .get(*depth)
                    .copied()
                    .flatten()
                    .ok_or(Error::Unbound)?,
            ),
            Expr::Param(index) => Value::Int(*env.params.get(*index).ok_or(Error::Unbound)?),
            Expr::Neg(inner) => match inner.eval(env)? {
                Value::Int(i) => Value::Int(i.checked_neg().ok_or(Error::Overflow("negation"))?),
                Value::Float(f) => Value::Float(-f),
            },
            Expr::Binary(op, left, right) => binary(*op, left.eval(env)?, right.eval(env)?)?,
            Expr::Call(func, args) => {
                let values: Vec<Value> =
                    args.iter().map(|a| a.eval(env)).collect::<Result<_, _>>()?;
                call(*func, &values)?
            }
        })
    }

    pub fn eval_int(&self, env: &Env<'_>) -> Result<i64, Error> {
        self.eval(env)?.as_int()
    }

    /// Does the expression mention loop variable `depth`?
    pub fn uses_var(&self, depth: usize) -> bool {
        match self {
            Expr::Var(d) => *d == depth,
            Expr::Int(_) | Expr::Float(_) | Expr::Param(_) => false,
            Expr::Neg(inner) => inner.uses_var(depth),
            Expr::Binary(_, l, r) => l.uses_var(depth) || r.uses_var(depth),
            Expr::Call(_, args) => args.iter().any(|a| a.uses_var(depth)),
        }
    }

    /// Calls `visit` with the depth of every loop variable mentioned.
    pub fn vars(&self, visit: &mut impl FnMut(usize)) {
        match self {
            Expr::Var(d) => visit(*d),
            Expr::Int(_) | Expr::Float(_) | Expr::Param(_) => {}
            Expr::Neg(inner) => inner.vars(visit),
            Expr::Binary(_, l, r) => {
                l.vars(visit);
                r.vars(visit);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.vars(visit)),
        }
    }

    /// Views the expression as `a·v + b` in the unbound variable `depth`, every other variable being
    /// bound in `env`. `None` when it is not affine in `v` with integer coefficients (the caller
    /// then enumerates `v` instead).
    pub fn affine_in(&self, depth: usize, env: &Env<'_>) -> Option<(i64, i64)> {
        if !self.uses_var(depth) {
            return match self.eval(env).ok()? {
                Value::Int(b) => Some((0, b)),
                Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some((0, f as i64)),
                Value::Float(_) => None,
            };
        }
        match self {
            Expr::Var(_) => Some((1, 0)),
            Expr::Neg(inner) => {
                let (a, b) = inner.affine_in(depth, env)?;
                Some((a.checked_neg()?, b.checked_neg()?))
            }
            Expr::Binary(BinOp::Add, l, r) => {
                let ((a1, b1), (a2, b2)) = (l.affine_in(depth, env)?, r.affine_in(depth, env)?);
                Some((a1.checked_add(a2)?, b1.checked_add(b2)?))
            }
            Expr::Binary(BinOp::Sub, l, r) => {
                let ((a1, b1), (a2, b2)) = (l.affine_in(depth, env)?, r.affine_in(depth, env)?);
                Some((a1.checked_sub(a2)?, b1.checked_sub(b2)?))
            }
            Expr::Binary(BinOp::Mul, l, r) => {
                let ((a1, b1), (a2, b2)) = (l.affine_in(depth, env)?, r.affine_in(depth, env)?);
                match (a1, a2) {
                    (0, _) => Some((b1.checked_mul(a2)?, b1.checked_mul(b2)?)),
                    (_, 0) => Some((a1.checked_mul(b2)?, b1.checked_mul(b2)?)),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

fn binary(op: BinOp, left: Value, right: Value) -> Result<Value, Error> {
    if let (Value::Int(a), Value::Int(b)) = (left, right) {
        return Ok(match op {
            BinOp::Add => Value::Int(a.checked_add(b).ok_or(Error::Overflow("addition"))?),
            BinOp::Sub => Value::Int(a.checked_sub(b).ok_or(Error::Overflow("subtraction"))?),
            BinOp::Mul => Value::Int(a.checked_mul(b).ok_or(Error::Overflow("multiplication"))?),
            BinOp::Div => {
                if b == 0 {
                    return Err(Error::DivisionByZero);
                }
                Value::Float(a as f64 / b as f64)
            }
            BinOp::FloorDiv => {
                if b == 0 {
                    return Err(Error::DivisionByZero);
                }
                // Python rounds toward negative infinity; Rust's `/` truncates toward zero.
                let q = a.checked_div(b).ok_or(Error::Overflow("division"))?;
                Value::Int(if a % b != 0 && (a < 0) != (b < 0) {
                    q - 1
                } else {
                    q
                })
            }
            BinOp::Mod => {
                if b == 0 {
                    return Err(Error::DivisionByZero);
                }
                // Python's sign convention: the result has the sign of the divisor.
                let r = a.checked_rem(b).ok_or(Error::Overflow("modulo"))?;
                Value::Int(if r != 0 && (r < 0) != (b < 0) {
                    r + b
                } else {
                    r
                })
            }
            BinOp::Pow => {
                if b < 0 {
                    return Err(Error::NegativeExponent);
                }
                let exp = u32::try_from(b).map_err(|_| Error::Overflow("power"))?;
                Value::Int(a.checked_pow(exp).ok_or(Error::Overflow("power"))?)
            }
        });
    }
    let (a, b) = (left.as_f64(), right.as_f64());
    Ok(Value::Float(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div | BinOp::FloorDiv | BinOp::Mod if b == 0.0 => return Err(Error::DivisionByZero),
        BinOp::Div => a / b,
        BinOp::FloorDiv => (a / b).floor(),
        BinOp::Mod => a - b * (a / b).floor(),
        BinOp::Pow => a.powf(b),
    }))
}

fn call(func: Func, args: &[Value]) -> Result<Value, Error> {
    let first = args.first().copied().unwrap_or(Value::Int(0));
    Ok(match func {
        Func::Ceiling => match first {
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Int(checked_float_to_int(nudge(f).ceil())?),
        },
        Func::Floor => match first {
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Int(checked_float_to_int(nudge(f).floor())?),
        },
        Func::Log => {
            let x = first.as_f64();
            if x <= 0.0 {
                return Err(Error::LogDomain);
            }
            match args.get(1) {
                Some(base) if base.as_f64() > 0.0 && base.as_f64() != 1.0 => {
                    Value::Float(x.ln() / base.as_f64().ln())
                }
                Some(_) => return Err(Error::LogDomain),
                None => Value::Float(x.ln()),
            }
        }
        Func::Min | Func::Max => {
            let mut best = first;
            for &v in &args[1..] {
                let better = if func == Func::Min {
                    v.as_f64() < best.as_f64()
                } else {
                    v.as_f64() > best.as_f64()
                };
                if better {
                    best = v;
                }
            }
            best
        }
    })
}

/// `log(8)/log(2)` is 2.9999999999999996 in floating point; LAmbdaPACK programs mean 3. Values
/// within a few ulps of an integer are taken as that integer before rounding.
fn nudge(f: f64) -> f64 {
    let r = f.round();
    if (f - r).abs() <= 1e-9 * r.abs().max(1.0) {
        r
    } else {
        f
    }
}

fn checked_float_to_int(f: f64) -> Result<i64, Error> {
    if f.is_finite() && f.abs() < 9.0e15 {
        Ok(f as i64)
    } else {
        Err(Error::Overflow("float to int"))
    }
}

impl Cond {
    pub fn eval(&self, env: &Env<'_>) -> Result<bool, Error> {
        Ok(match self {
            Cond::Const(b) => *b,
            Cond::Not(inner) => !inner.eval(env)?,
            Cond::And(parts) => {
                for part in parts {
                    if !part.eval(env)? {
                        return Ok(false);
                    }
                }
                true
            }
            Cond::Or(parts) => {
                for part in parts {
                    if part.eval(env)? {
                        return Ok(true);
                    }
                }
                false
            }
            Cond::Compare(op, l, r) => {
                let (l, r) = (l.eval(env)?, r.eval(env)?);
                let ord = match (l, r) {
                    (Value::Int(a), Value::Int(b)) => a.cmp(&b),
                    _ => l
                        .as_f64()
                        .partial_cmp(&r.as_f64())
                        .unwrap_or(std::cmp::Ordering::Less),
                };
                match op {
                    CmpOp::Eq => ord.is_eq(),
                    CmpOp::Ne => ord.is_ne(),
                    CmpOp::Lt => ord.is_lt(),
                    CmpOp::Le => ord.is_le(),
                    CmpOp::Gt => ord.is_gt(),
                    CmpOp::Ge => ord.is_ge(),
                }
            }
        })
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [Option<i64>], params: &'a [i64]) -> Env<'a> {
        Env { vars, params }
    }

    fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
        Expr::Binary(op, Box::new(l), Box::new(r))
    }

    #[test]
    fn python_integer_semantics() {
        let e = env(&[], &[]);
        let floordiv = |a, b| {
            bin(BinOp::FloorDiv, Expr::Int(a), Expr::Int(b))
                .eval(&e)
                .unwrap()
        };
        assert_eq!(floordiv(7, 2), Value::Int(3));
        assert_eq!(floordiv(-7, 2), Value::Int(-4));
        assert_eq!(floordiv(7, -2), Value::Int(-4));
        assert_eq!(floordiv(-7, -2), Value::Int(3));
        let modulo = |a, b| {
            bin(BinOp::Mod, Expr::Int(a), Expr::Int(b))
                .eval(&e)
                .unwrap()
        };
        assert_eq!(modulo(-7, 3), Value::Int(2));
        assert_eq!(modulo(7, -3), Value::Int(-2));
        assert_eq!(
            bin(BinOp::Pow, Expr::Int(2), Expr::Int(10))
                .eval(&e)
                .unwrap(),
            Value::Int(1024)
        );
        assert_eq!(
            bin(BinOp::Div, Expr::Int(1), Expr::Int(0)).eval(&e),
            Err(Error::DivisionByZero)
        );
        assert!(matches!(
            bin(BinOp::Pow, Expr::Int(10), Expr::Int(40)).eval(&e),
            Err(Error::Overflow(_))
        ));
    }

    #[test]
    fn ceiling_of_log_ratio_is_exact() {
        let e = env(&[], &[8]);
        let levels = Expr::Call(
            Func::Ceiling,
            vec![bin(
                BinOp::Div,
                Expr::Call(Func::Log, vec![Expr::Param(0)]),
                Expr::Call(Func::Log, vec![Expr::Int(2)]),
            )],
        );
        assert_eq!(levels.eval(&e).unwrap(), Value::Int(3));
    }

    #[test]
    fn affine_views() {
        let vars = [Some(5), None];
        let e = env(&vars, &[10]);
        // 2*v1 + v0 - N  →  (2, 5 - 10)
        let x = bin(
            BinOp::Sub,
            bin(
                BinOp::Add,
                bin(BinOp::Mul, Expr::Int(2), Expr::Var(1)),
                Expr::Var(0),
            ),
            Expr::Param(0),
        );
        assert_eq!(x.affine_in(1, &e), Some((2, -5)));
        // v0 + 2**v1 is not affine in v1
        let y = bin(
            BinOp::Add,
            Expr::Var(0),
            bin(BinOp::Pow, Expr::Int(2), Expr::Var(1)),
        );
        assert_eq!(y.affine_in(1, &e), None);
    }
}
