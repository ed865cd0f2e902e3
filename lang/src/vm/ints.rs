//! Ints beyond 64 bits. Small ints stay inline (`Value::Int`) and every result that fits is
//! made small again, so big ints cost nothing until a program needs them. Sizes are checked
//! before an operation that could make an enormous number (`**`, `<<`, `*`), so a program gets
//! MemoryError instead of exhausting the machine.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use super::{Raise, Vm, raise};
use crate::code::BinOp;
use crate::heap::{Big, Object};
use crate::value::Value;

/// Bits a single int may have (about 20 million decimal digits).
const INT_BITS_MAX: u64 = 64 << 20;
/// Decimal digits an int may be converted to or from text with.
pub(super) const STR_DIGITS_MAX: usize = 200_000;

impl Vm {
    /// The value as an arbitrary-precision int, if it is an int (or bool).
    pub(super) fn big_of(&self, v: Value) -> Result<Option<BigInt>, Raise> {
        Ok(match v {
            Value::Int(n) => Some(BigInt::from(n)),
            Value::Bool(b) => Some(BigInt::from(b as i64)),
            Value::Ref(r) => match self.object(r)? {
                Object::BigInt(b) => Some(b.to_bigint()),
                _ => None,
            },
            _ => None,
        })
    }

    pub(super) fn is_big(&self, v: Value) -> bool {
        matches!(v, Value::Ref(r) if matches!(self.state.heap.get(r), Some(Object::BigInt(_))))
    }

    /// Makes an int value: small when it fits.
    pub(super) fn int_value(&mut self, n: BigInt) -> Result<Value, Raise> {
        if let Some(small) = n.to_i64() {
            return Ok(Value::Int(small));
        }
        if n.bits() > INT_BITS_MAX {
            return raise("MemoryError", "integer too large");
        }
        self.alloc(Object::BigInt(Big::from_bigint(&n)))
    }

    /// Arithmetic where at least one side is an int that does not fit 64 bits (or the 64-bit
    /// result overflowed).
    pub(super) fn big_binary(&mut self, op: BinOp, a: BigInt, b: BigInt) -> Result<Value, Raise> {
        let too_large = || raise("MemoryError", "integer too large");
        let n = match op {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => {
                if a.bits() + b.bits() > INT_BITS_MAX {
                    return too_large();
                }
                a * b
            }
            BinOp::Div => {
                if b.is_zero() {
                    return raise("ZeroDivisionError", "division by zero");
                }
                return Ok(Value::Float(true_divide(&a, &b)?));
            }
            BinOp::FloorDiv | BinOp::Mod => {
                if b.is_zero() {
                    return raise("ZeroDivisionError", "integer division or modulo by zero");
                }
                if op == BinOp::FloorDiv {
                    a.div_floor(&b)
                } else {
                    a.mod_floor(&b)
                }
            }
            BinOp::Pow => {
                if b.is_negative() {
                    let (x, y) = (big_to_f64(&a)?, big_to_f64(&b)?);
                    return Ok(Value::Float(x.powf(y)));
                }
                let exp = b.to_u64().unwrap_or(u64::MAX);
                let base_bits = a.bits();
                // 0, 1 and -1 stay small whatever the exponent.
                if base_bits > 1 && base_bits.saturating_mul(exp) > INT_BITS_MAX {
                    return too_large();
                }
                let exp = u32::try_from(exp).unwrap_or(u32::MAX);
                num_traits::pow::Pow::pow(&a, exp)
            }
            BinOp::BitAnd => a & b,
            BinOp::BitOr => a | b,
            BinOp::BitXor => a ^ b,
            BinOp::LShift | BinOp::RShift => {
                if b.is_negative() {
                    return raise("ValueError", "negative shift count");
                }
                let shift = b.to_u64().unwrap_or(u64::MAX);
                if op == BinOp::LShift {
                    if !a.is_zero() && a.bits().saturating_add(shift) > INT_BITS_MAX {
                        return too_large();
                    }
                    a << shift as usize
                } else if shift > a.bits() {
                    if a.is_negative() {
                        BigInt::from(-1)
                    } else {
                        BigInt::zero()
                    }
                } else {
                    a >> shift as usize
                }
            }
        };
        self.int_value(n)
    }

    /// Decimal text of a big int. Conversion is quadratic, so like CPython 3.11 slnode caps it
    /// — at 200,000 digits rather than CPython's 4,300, so big results such as 20000! (77,338
    /// digits) print (see docs/lang.md).
    pub(super) fn big_text(big: &Big) -> Result<String, Raise> {
        // log2(10) bits per decimal digit.
        if big.digits.len() as u64 * 32
            > (STR_DIGITS_MAX as f64 * std::f64::consts::LOG2_10) as u64 + 64
        {
            return raise(
                "ValueError",
                format!(
                    "Exceeds the limit ({STR_DIGITS_MAX} digits) for integer string conversion"
                ),
            );
        }
        Ok(big.to_bigint().to_string())
    }

    /// A big int's identity as a dict key: hexadecimal, which is linear to produce.
    pub(super) fn big_key(big: &Big) -> String {
        let n = big.to_bigint();
        format!(
            "{}{}",
            if big.negative { "-" } else { "" },
            n.magnitude().to_str_radix(16)
        )
    }

    /// Parses an int literal or `int(text, base)`.
    pub(super) fn parse_int(&mut self, text: &str, base: u32) -> Result<Option<Value>, Raise> {
        let cleaned: String = text.trim().chars().filter(|c| *c != '_').collect();
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
        };
        let (base, digits) = if base == 0 || base == 16 || base == 8 || base == 2 {
            let lower = digits.to_ascii_lowercase();
            match (base, lower.get(..2)) {
                (0 | 16, Some("0x")) => (16, &digits[2..]),
                (0 | 8, Some("0o")) => (8, &digits[2..]),
                (0 | 2, Some("0b")) => (2, &digits[2..]),
                (0, _) => (10, digits),
                _ => (base, digits),
            }
        } else {
            (base, digits)
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
            return Ok(None);
        }
        if base == 10 && digits.len() > STR_DIGITS_MAX {
            return raise(
                "ValueError",
                format!(
                    "Exceeds the limit ({STR_DIGITS_MAX} digits) for integer string conversion: value has {} digits",
                    digits.len()
                ),
            );
        }
        let Some(n) = BigInt::parse_bytes(digits.as_bytes(), base) else {
            return Ok(None);
        };
        self.int_value(if negative { -n } else { n }).map(Some)
    }
}

/// `n` against `f` exactly, as CPython compares an int with a float (converting either side
/// would round: `2**53 + 1 > 2.0**53`, `10**400 < inf`); `None` when `f` is NaN.
pub(super) fn cmp_int_float(n: &BigInt, f: f64) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    let floor = f.floor();
    // A finite float with no fraction converts to an int exactly.
    let whole = num_traits::FromPrimitive::from_f64(floor)?;
    Some(match n.cmp(&whole) {
        // n == floor(f) < f when f has a fraction; n > floor(f) means n >= floor(f) + 1 > f.
        Ordering::Equal if f > floor => Ordering::Less,
        other => other,
    })
}

/// [`cmp_int_float`] for a small int: a plain float comparison while the int converts exactly.
pub(super) fn cmp_i64_float(n: i64, f: f64) -> Option<std::cmp::Ordering> {
    if n.unsigned_abs() <= 1 << 53 {
        return (n as f64).partial_cmp(&f);
    }
    cmp_int_float(&BigInt::from(n), f)
}

pub(super) fn big_to_f64(n: &BigInt) -> Result<f64, Raise> {
    match n.to_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => raise("OverflowError", "int too large to convert to float"),
    }
}

/// `a / b` for ints, correctly rounded when both fit a float's mantissa, else via scaling.
fn true_divide(a: &BigInt, b: &BigInt) -> Result<f64, Raise> {
    if let (Some(x), Some(y)) = (a.to_f64(), b.to_f64())
        && x.is_finite()
        && y.is_finite()
        && x.abs() < 9.0e15
        && y.abs() < 9.0e15
    {
        return Ok(x / y);
    }
    // Scale so the quotient keeps 64 significant bits, then convert.
    let shift = (b.bits() as i64 - a.bits() as i64 + 64).max(0);
    let q = (a << shift as usize) / b;
    let f = q.to_f64().unwrap_or(f64::INFINITY) / 2f64.powi(shift as i32);
    if f.is_infinite() {
        return raise(
            "OverflowError",
            "integer division result too large for a float",
        );
    }
    Ok(f)
}
