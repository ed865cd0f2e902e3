//! Methods reached through a builtin type rather than a value of it (`dict.fromkeys`,
//! `int.from_bytes`, `str.maketrans`, `float.fromhex`, `bytes.fromhex`), and the conversions
//! between numbers and their bytes or hex text that `int.to_bytes`, `float.hex` and
//! `float.as_integer_ratio` share with them.

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive, Zero};

use super::{Raise, Vm, raise};
use crate::heap::{Dict, Object};
use crate::value::Value;

/// The builtin names this module serves (each is also in `BUILTINS`, so `int.from_bytes` is a
/// value that can be passed around).
pub(super) const TYPE_METHODS: &[&str] = &[
    "dict.fromkeys",
    "int.from_bytes",
    "str.maketrans",
    "float.fromhex",
    "bytes.fromhex",
    "bytearray.fromhex",
    "bytes.maketrans",
    "bytearray.maketrans",
];

/// The longest `int.to_bytes` result (a larger `length` is a request for memory, not data).
const TO_BYTES_MAX: usize = 64 << 20;

impl Vm {
    pub(super) fn type_method(
        &mut self,
        name: &str,
        mut args: Vec<Value>,
        mut kwargs: Vec<(String, Value)>,
    ) -> Result<Value, Raise> {
        let short = name.rsplit('.').next().unwrap_or(name);
        let mut keyword = |key: &str| -> Option<Value> {
            let at = kwargs.iter().position(|(k, _)| k == key)?;
            Some(kwargs.remove(at).1)
        };
        let (byteorder, signed) = (keyword("byteorder"), keyword("signed"));
        if let Some((k, _)) = kwargs.first() {
            return raise(
                "TypeError",
                format!("{short}() got an unexpected keyword argument '{k}'"),
            );
        }
        let count = |args: &[Value], min: usize, max: usize| -> Result<(), Raise> {
            if args.len() < min || args.len() > max {
                return raise(
                    "TypeError",
                    format!(
                        "{short}() takes {} {max} argument{} ({} given)",
                        if min == max { "exactly" } else { "at most" },
                        if max == 1 { "" } else { "s" },
                        args.len()
                    ),
                );
            }
            Ok(())
        };
        match name {
            "dict.fromkeys" => {
                count(&args, 1, 2)?;
                let value = args.get(1).copied().unwrap_or(Value::None);
                let keys = self.collect_items(args[0])?;
                let mut dict = Dict::default();
                for k in keys {
                    self.dict_set(&mut dict, k, value)?;
                }
                self.alloc(Object::Dict(dict))
            }
            "int.from_bytes" => {
                if let Some(order) = byteorder {
                    args.truncate(1);
                    args.push(order);
                }
                count(&args, 1, 2)?;
                let little = match args.get(1) {
                    Some(&order) => self.byteorder_is_little(order)?,
                    None => false,
                };
                let signed = match signed {
                    Some(v) => self.truthy(v)?,
                    None => false,
                };
                let mut bytes = self.bytes_of_iterable(args[0])?;
                if little {
                    bytes.reverse();
                }
                let n = if signed {
                    BigInt::from_signed_bytes_be(&bytes)
                } else {
                    BigInt::from_bytes_be(Sign::Plus, &bytes)
                };
                self.int_value(n)
            }
            "str.maketrans" => {
                count(&args, 1, 3)?;
                self.maketrans(&args)
            }
            "float.fromhex" => {
                count(&args, 1, 1)?;
                let text = self.str_arg(args[0], "fromhex")?;
                match float_from_hex(&text) {
                    Some(f) => Ok(Value::Float(f)),
                    None => raise("ValueError", "invalid hexadecimal floating-point string"),
                }
            }
            "bytes.fromhex" | "bytearray.fromhex" => {
                count(&args, 1, 1)?;
                let text = self.str_arg(args[0], "fromhex")?;
                let bytes = bytes_from_hex(&text).map_err(|at| {
                    Raise::New(
                        "ValueError",
                        format!("non-hexadecimal number found in fromhex() arg at position {at}"),
                    )
                })?;
                self.alloc(if name == "bytes.fromhex" {
                    Object::Bytes(bytes)
                } else {
                    Object::ByteArray(bytes)
                })
            }
            "bytes.maketrans" | "bytearray.maketrans" => {
                count(&args, 2, 2)?;
                let mut table: Vec<u8> = (0..=255).collect();
                let mut sides = Vec::with_capacity(2);
                for &v in &args {
                    match self.bytes_like(v)? {
                        Some(b) => sides.push(b),
                        None => {
                            let t = self.type_name(v)?;
                            return raise(
                                "TypeError",
                                format!("a bytes-like object is required, not '{t}'"),
                            );
                        }
                    }
                }
                if sides[0].len() != sides[1].len() {
                    return raise("ValueError", "maketrans arguments must have same length");
                }
                for (&from, &to) in sides[0].iter().zip(&sides[1]) {
                    table[from as usize] = to;
                }
                self.alloc(Object::Bytes(table))
            }
            _ => raise("SystemError", format!("no type method {name}")),
        }
    }

    /// `'big'` or `'little'`, as `to_bytes` and `from_bytes` take it.
    fn byteorder_is_little(&self, order: Value) -> Result<bool, Raise> {
        match self.str_arg(order, "byteorder")?.as_str() {
            "little" => Ok(true),
            "big" => Ok(false),
            _ => raise("ValueError", "byteorder must be either 'little' or 'big'"),
        }
    }

    /// Bytes, or any iterable of ints in 0..256 (what `int.from_bytes` accepts).
    fn bytes_of_iterable(&mut self, v: Value) -> Result<Vec<u8>, Raise> {
        if let Value::Ref(r) = v
            && let Object::Bytes(b) | Object::ByteArray(b) = self.object(r)?
        {
            return Ok(b.clone());
        }
        if let Value::Ref(r) = v
            && let Object::Str(_) = self.object(r)?
        {
            return raise("TypeError", "cannot convert 'str' object to bytes");
        }
        let mut out = Vec::new();
        for item in self.collect_items(v)? {
            match item {
                Value::Int(n) if (0..256).contains(&n) => out.push(n as u8),
                Value::Int(_) => return raise("ValueError", "bytes must be in range(0, 256)"),
                other => {
                    let t = self.type_name(other)?;
                    return raise(
                        "TypeError",
                        format!("'{t}' object cannot be interpreted as an integer"),
                    );
                }
            }
        }
        Ok(out)
    }

    /// `str.maketrans(x[, y[, z]])`: a dict from code points to code points, strings or None.
    fn maketrans(&mut self, args: &[Value]) -> Result<Value, Raise> {
        let mut dict = Dict::default();
        if args.len() == 1 {
            let pairs = match args[0] {
                Value::Ref(r) if matches!(self.object(r)?, Object::Dict(_)) => {
                    self.update_pairs(args[0])?
                }
                _ => {
                    return raise(
                        "TypeError",
                        "if you give only one argument to maketrans it must be a dict",
                    );
                }
            };
            for (k, v) in pairs {
                let key = match k {
                    Value::Int(n) => Value::Int(n),
                    Value::Ref(r) => match self.object(r)? {
                        Object::Str(s) if s.chars().count() == 1 => {
                            Value::Int(s.chars().next().map_or(0, |c| c as i64))
                        }
                        Object::Str(_) => {
                            return raise(
                                "ValueError",
                                "string keys in translate table must be of length 1",
                            );
                        }
                        _ => {
                            return raise(
                                "TypeError",
                                "keys in translate table must be strings or integers",
                            );
                        }
                    },
                    _ => {
                        return raise(
                            "TypeError",
                            "keys in translate table must be strings or integers",
                        );
                    }
                };
                self.dict_set(&mut dict, key, v)?;
            }
            return self.alloc(Object::Dict(dict));
        }
        let from = self.str_arg(args[0], "maketrans")?;
        let to = self.str_arg(args[1], "maketrans")?;
        if from.chars().count() != to.chars().count() {
            return raise(
                "ValueError",
                "the first two maketrans arguments must have equal length",
            );
        }
        for (a, b) in from.chars().zip(to.chars()) {
            self.dict_set(&mut dict, Value::Int(a as i64), Value::Int(b as i64))?;
        }
        if let Some(&gone) = args.get(2) {
            for c in self.str_arg(gone, "maketrans")?.chars() {
                self.dict_set(&mut dict, Value::Int(c as i64), Value::None)?;
            }
        }
        self.alloc(Object::Dict(dict))
    }

    /// `text.translate(table)`: each character looked up by code point in a dict; missing
    /// ones stay, None deletes, an int or a str replaces.
    pub(super) fn translate(&mut self, text: &str, table: Value) -> Result<Value, Raise> {
        let Value::Ref(t) = table else {
            let name = self.type_name(table)?;
            return raise("TypeError", format!("'{name}' object is not subscriptable"));
        };
        if !matches!(self.object(t)?, Object::Dict(_)) {
            return raise("NotSupported", "str.translate() takes a dict here");
        }
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            let key = crate::heap::Key::Int(c as i64);
            let mapped = match self.object(t)? {
                Object::Dict(d) => d.value(&key),
                _ => None,
            };
            match mapped {
                None => out.push(c),
                Some(Value::None) => {}
                Some(Value::Int(n)) => match u32::try_from(n).ok().and_then(char::from_u32) {
                    Some(r) => out.push(r),
                    None => {
                        return raise("ValueError", "character mapping must be in range(0x110000)");
                    }
                },
                Some(Value::Ref(r)) if matches!(self.object(r)?, Object::Str(_)) => {
                    if let Object::Str(s) = self.object(r)? {
                        out.push_str(s);
                    }
                }
                Some(_) => {
                    return raise(
                        "TypeError",
                        "character mapping must return integer, None or str",
                    );
                }
            }
            if out.len() > crate::heap::BYTES_MAX {
                return raise("MemoryError", "");
            }
        }
        self.str_value(out)
    }

    /// `n.to_bytes(length=1, byteorder='big', *, signed=False)`.
    pub(super) fn int_to_bytes(
        &mut self,
        n: BigInt,
        length: Option<Value>,
        byteorder: Option<Value>,
        signed: Option<Value>,
    ) -> Result<Value, Raise> {
        let length = match length {
            Some(v) => self.index_arg(v)?,
            None => 1,
        };
        if length < 0 {
            return raise("ValueError", "length argument must be non-negative");
        }
        let length = length as usize;
        if length > TO_BYTES_MAX {
            return raise("MemoryError", "");
        }
        let little = match byteorder {
            Some(v) => self.byteorder_is_little(v)?,
            None => false,
        };
        let signed = match signed {
            Some(v) => self.truthy(v)?,
            None => false,
        };
        if n.is_negative() && !signed {
            return raise("OverflowError", "can't convert negative int to unsigned");
        }
        let minimal = if n.is_zero() {
            Vec::new()
        } else if signed {
            n.to_signed_bytes_be()
        } else {
            n.to_bytes_be().1
        };
        if minimal.len() > length {
            return raise("OverflowError", "int too big to convert");
        }
        let fill = if n.is_negative() { 0xff } else { 0 };
        let mut bytes = vec![fill; length - minimal.len()];
        bytes.extend(minimal);
        if little {
            bytes.reverse();
        }
        self.alloc(Object::Bytes(bytes))
    }

    /// `f.as_integer_ratio()`: the exact fraction, lowest terms, positive denominator.
    pub(super) fn float_ratio(&mut self, f: f64) -> Result<Value, Raise> {
        if f.is_nan() {
            return raise("ValueError", "cannot convert NaN to integer ratio");
        }
        if f.is_infinite() {
            return raise("OverflowError", "cannot convert Infinity to integer ratio");
        }
        let (mantissa, exponent) = float_parts(f);
        let (numerator, denominator) = if mantissa == 0 {
            (BigInt::zero(), BigInt::from(1))
        } else {
            // The denominator is a power of two: lowest terms drop the mantissa's trailing zeros.
            let zeros = mantissa.trailing_zeros() as i32;
            let (m, e) = (mantissa >> zeros, exponent + zeros);
            if e >= 0 {
                (BigInt::from(m) << e as usize, BigInt::from(1))
            } else {
                (BigInt::from(m), BigInt::from(1) << (-e) as usize)
            }
        };
        let numerator = if f < 0.0 { -numerator } else { numerator };
        let (p, q) = (self.int_value(numerator)?, self.int_value(denominator)?);
        self.alloc(Object::Tuple(vec![p, q]))
    }
}

/// A finite float as `mantissa * 2**exponent` (the mantissa without its sign).
fn float_parts(f: f64) -> (u64, i32) {
    let bits = f.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

/// `f.hex()`: CPython's `[-]0x1.<13 hex digits>p<exp>` (subnormals `0x0.…p-1022`).
pub(super) fn float_hex(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let bits = f.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 && fraction == 0 {
        return format!("{sign}0x0.0p+0");
    }
    let (lead, exponent) = if biased == 0 {
        (0, -1022)
    } else {
        (1, biased - 1023)
    };
    format!("{sign}0x{lead}.{fraction:013x}p{exponent:+}")
}

/// `float.fromhex(text)`; `None` when it is not a hexadecimal float. The mantissa keeps 64
/// significant bits (the rest folded into a sticky bit) before the one rounding to a float.
fn float_from_hex(text: &str) -> Option<f64> {
    let t = text.trim();
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = t.to_ascii_lowercase();
    let signed = |f: f64| if negative { -f } else { f };
    if matches!(lower.as_str(), "inf" | "infinity") {
        return Some(signed(f64::INFINITY));
    }
    if lower == "nan" {
        return Some(f64::NAN);
    }
    let body = lower.strip_prefix("0x").unwrap_or(&lower);
    let (digits, exponent) = match body.split_once('p') {
        Some((d, e)) => (d, e.parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut mantissa = BigInt::zero();
    for c in whole.chars().chain(fraction.chars()) {
        mantissa = (mantissa << 4) + BigInt::from(c.to_digit(16)?);
    }
    let mut exponent = exponent.checked_sub(4 * fraction.len() as i64)?;
    if mantissa.is_zero() {
        return Some(signed(0.0));
    }
    let bits = mantissa.bits() as i64;
    if bits > 64 {
        let drop = (bits - 64) as usize;
        let kept = &mantissa >> drop;
        let sticky = (&kept << drop) != mantissa;
        mantissa = kept | BigInt::from(sticky as u8);
        exponent = exponent.checked_add(drop as i64)?;
    }
    let m = mantissa.to_u64()? as f64;
    let magnitude = if exponent > 2000 {
        f64::INFINITY
    } else if exponent < -2200 {
        0.0
    } else {
        // Scaled in two steps so no intermediate power of two overflows or underflows.
        let half = (exponent / 2) as i32;
        m * 2f64.powi(half) * 2f64.powi(exponent as i32 - half)
    };
    if magnitude.is_infinite() {
        return None;
    }
    Some(signed(magnitude))
}

/// `bytes.fromhex(text)`: pairs of hex digits, whitespace allowed between pairs; the error is
/// the position of the first character that does not fit.
fn bytes_from_hex(text: &str) -> Result<Vec<u8>, usize> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len() / 2);
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let high = chars[i].to_digit(16).ok_or(i)?;
        let low = chars.get(i + 1).and_then(|c| c.to_digit(16)).ok_or(i + 1)?;
        out.push((high * 16 + low) as u8);
        i += 2;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_floats() {
        for f in [
            1.5,
            -0.1,
            1e300,
            5e-324,
            2.2250738585072014e-308,
            123456.789,
        ] {
            assert_eq!(float_from_hex(&float_hex(f)), Some(f), "{f}");
        }
        assert_eq!(float_hex(1.5), "0x1.8000000000000p+0");
        assert_eq!(float_hex(0.0), "0x0.0p+0");
        assert_eq!(float_from_hex("0x1.8p1"), Some(3.0));
        assert_eq!(float_from_hex("0x1p"), None);
        assert_eq!(float_from_hex("0x1.fffffffffffff8p1023"), None);
    }

    #[test]
    fn hex_bytes_report_the_bad_position() {
        assert_eq!(bytes_from_hex("41 42"), Ok(vec![0x41, 0x42]));
        assert_eq!(bytes_from_hex("4g"), Err(1));
        assert_eq!(bytes_from_hex("414"), Err(3));
    }
}
