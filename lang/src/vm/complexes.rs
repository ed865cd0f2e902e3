//! `complex`: numbers with a real and an imaginary part, as CPython's.
//!
//! A complex is an immutable heap object (`Object::Complex`, two f64s), made by an imaginary
//! literal (`2j`), `complex(...)` or arithmetic. Arithmetic with an int, a float or a complex
//! gives a complex (CPython's formulas: its division scaling, its integer powers by repeated
//! squaring up to 100, polar form beyond); `//`, `%` and orderings are TypeErrors. A complex with
//! no imaginary part equals, and is the same dict key as, its real part (`{1: x}[1+0j]`).

use super::{Raise, Vm, raise};
use crate::code::BinOp;
use crate::heap::Object;
use crate::value::{Value, complex_repr, short_float};

/// Exponents up to this are done by repeated squaring (CPython's `c_powi` bound).
const POW_BY_SQUARING_MAX: f64 = 100.0;

impl Vm {
    /// A number's real and imaginary parts; `None` for what is not a number.
    pub(super) fn complex_parts(&self, v: Value) -> Result<Option<(f64, f64)>, Raise> {
        // A builtin subclass's instance (a float subclass) stands for the number inside.
        if let Value::Ref(r) = v
            && matches!(self.object(r)?, Object::Instance { .. })
        {
            return match self.value_inside(v)? {
                Some(inner) => self.complex_parts(inner),
                None => Ok(None),
            };
        }
        Ok(Some(match v {
            Value::Bool(b) => (b as i64 as f64, 0.0),
            Value::Int(n) => (n as f64, 0.0),
            Value::Float(f) => (f, 0.0),
            Value::Ref(r) => match self.object(r)? {
                Object::Complex { re, im } => (*re, *im),
                Object::BigInt(_) => {
                    let n = self.big_of(v)?.unwrap_or_default();
                    (super::ints::big_to_f64(&n)?, 0.0)
                }
                _ => return Ok(None),
            },
            _ => return Ok(None),
        }))
    }

    /// `a == b` where one is a complex: equal parts; against a real number, no imaginary part
    /// and a real part equal to it exactly (a big int is not rounded to a float first).
    pub(super) fn complex_equal(&mut self, a: Value, b: Value) -> Result<bool, Raise> {
        let (z, other) = if self.is_complex(a) { (a, b) } else { (b, a) };
        let Some((re, im)) = self.complex_parts(z)? else {
            return Ok(false);
        };
        if self.is_complex(other) {
            return Ok(self.complex_parts(other)? == Some((re, im)));
        }
        if im != 0.0 || self.complex_parts(other)?.is_none() {
            return Ok(false);
        }
        self.equal(Value::Float(re), other)
    }

    /// CPython's `hash(z)`: `hash(re) + 1000003 * hash(im)`, wrapping.
    pub(super) fn complex_hash(&mut self, re: f64, im: f64) -> Result<i64, Raise> {
        let part = |vm: &mut Self, f: f64| -> Result<i64, Raise> {
            match vm.hash_builtin(Value::Float(f))? {
                Value::Int(h) => Ok(h),
                _ => Ok(0),
            }
        };
        let h = part(self, re)?.wrapping_add(part(self, im)?.wrapping_mul(1_000_003));
        Ok(if h == -1 { -2 } else { h })
    }

    pub(super) fn is_complex(&self, v: Value) -> bool {
        matches!(v, Value::Ref(r) if matches!(self.state.heap.get(r), Some(Object::Complex { .. })))
    }

    pub(super) fn complex_value(&mut self, re: f64, im: f64) -> Result<Value, Raise> {
        self.alloc(Object::Complex { re, im })
    }

    /// `a op b` when one side is a complex and the other a number; `None` otherwise.
    pub(super) fn complex_binary(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
    ) -> Result<Option<Value>, Raise> {
        if !self.is_complex(a) && !self.is_complex(b) {
            return Ok(None);
        }
        let (Some(x), Some(y)) = (self.complex_parts(a)?, self.complex_parts(b)?) else {
            return Ok(None);
        };
        let (re, im) = match op {
            BinOp::Add => (x.0 + y.0, x.1 + y.1),
            BinOp::Sub => (x.0 - y.0, x.1 - y.1),
            BinOp::Mul => (x.0 * y.0 - x.1 * y.1, x.0 * y.1 + x.1 * y.0),
            BinOp::Div => match divide(x, y) {
                Some(q) => q,
                None => return raise("ZeroDivisionError", "complex division by zero"),
            },
            BinOp::Pow => {
                // An integral exponent up to 100 is done by squaring, as CPython does.
                let (re, im) =
                    if y.1 == 0.0 && y.0.fract() == 0.0 && y.0.abs() <= POW_BY_SQUARING_MAX {
                        power_int(x, y.0 as i64)?
                    } else {
                        power(x, y)?
                    };
                if re.is_infinite() || im.is_infinite() {
                    return raise("OverflowError", "complex exponentiation");
                }
                (re, im)
            }
            _ => return Ok(None),
        };
        self.complex_value(re, im).map(Some)
    }

    /// `x ** y` of real numbers that has no real value (a negative base, a fractional
    /// exponent): a complex, as CPython's `float.__pow__` gives.
    pub(super) fn real_power_as_complex(&mut self, x: f64, y: f64) -> Result<Option<Value>, Raise> {
        if !(x < 0.0 && y.is_finite() && y.fract() != 0.0) {
            return Ok(None);
        }
        let (re, im) = power((x, 0.0), (y, 0.0))?;
        self.complex_value(re, im).map(Some)
    }

    /// `complex(...)`.
    pub(super) fn complex_new(&mut self, args: &[Value]) -> Result<Value, Raise> {
        if args.len() > 2 {
            return raise(
                "TypeError",
                format!("complex() takes at most 2 arguments ({} given)", args.len()),
            );
        }
        let text = |vm: &Self, v: Value| -> Result<Option<String>, Raise> {
            Ok(match v {
                Value::Ref(r) => match vm.object(r)? {
                    Object::Str(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            })
        };
        let Some(&first) = args.first() else {
            return self.complex_value(0.0, 0.0);
        };
        if let Some(s) = text(self, first)? {
            if args.len() > 1 {
                return raise(
                    "TypeError",
                    "complex() can't take second arg if first is a string",
                );
            }
            return match parse_complex(&s) {
                Some((re, im)) => self.complex_value(re, im),
                None => raise("ValueError", "complex() arg is a malformed string"),
            };
        }
        if args.len() == 1 && self.is_complex(first) {
            return Ok(first);
        }
        let mut parts = [(0.0, 0.0); 2];
        let mut complex = [false; 2];
        for (i, &v) in args.iter().enumerate() {
            let v = self.value_inside(v)?.unwrap_or(v);
            complex[i] = self.is_complex(v);
            match self.complex_parts(v)? {
                Some(p) => parts[i] = p,
                None => {
                    let t = self.type_name(v)?;
                    let message = if i == 0 {
                        format!("complex() first argument must be a string or a number, not '{t}'")
                    } else if text(self, v)?.is_some() {
                        "complex() second arg can't be a string".to_owned()
                    } else {
                        format!("complex() second argument must be a number, not '{t}'")
                    };
                    return raise("TypeError", message);
                }
            }
        }
        // complex(a, b) is a + b*1j; parts are combined only where an argument is a complex,
        // so `complex(x, -0.0)` keeps its signed zero (CPython's order of operations).
        let [(mut re, ai), (mut im, bi)] = parts;
        if complex[1] {
            re -= bi;
        }
        if complex[0] {
            im = if args.len() > 1 { im + ai } else { ai };
        }
        self.complex_value(re, im)
    }

    /// `z.real`, `z.imag`.
    pub(super) fn complex_attribute(&mut self, r: u32, name: &str) -> Result<Option<Value>, Raise> {
        let Object::Complex { re, im } = *self.object(r)? else {
            return Ok(None);
        };
        Ok(match name {
            "real" => Some(Value::Float(re)),
            "imag" => Some(Value::Float(im)),
            _ => None,
        })
    }

    /// `format(z, spec)`: each part formatted as a float, the whole padded as one.
    pub(super) fn complex_format(re: f64, im: f64, spec: &str) -> Result<String, String> {
        if spec.is_empty() {
            return Ok(complex_repr(re, im));
        }
        let parsed = Spec::parse(spec).ok_or_else(|| "Invalid format specifier".to_owned())?;
        if parsed.fill_zero {
            return Err("Zero padding is not allowed in complex format specifier".into());
        }
        if parsed.align == Some('=') {
            return Err("'=' alignment flag is not allowed in complex format specifier".into());
        }
        let typed = !parsed.kind.is_empty();
        let kind = if typed { parsed.kind.as_str() } else { "r" };
        let part = |f: f64, sign: &str| -> Result<String, String> {
            if kind == "r" {
                // No type: repr's shortest digits, or `g` at the given precision.
                return Ok(match &parsed.precision {
                    Some(p) => crate::format::format_float(f, &format!("{sign}.{p}g"))?,
                    None => {
                        let text = short_float(f);
                        if sign == "+" && !text.starts_with('-') {
                            format!("+{text}")
                        } else if sign == " " && !text.starts_with('-') {
                            format!(" {text}")
                        } else {
                            text
                        }
                    }
                });
            }
            let precision = parsed
                .precision
                .as_deref()
                .map_or(String::new(), |p| format!(".{p}"));
            crate::format::format_float(f, &format!("{sign}{precision}{kind}"))
        };
        // Without a type, a zero real part (not -0.0) is left out and parentheses wrap both.
        let body = if !typed && re == 0.0 && re.is_sign_positive() {
            format!("{}j", part(im, &parsed.sign)?)
        } else {
            let both = format!("{}{}j", part(re, &parsed.sign)?, part(im, "+")?);
            if typed { both } else { format!("({both})") }
        };
        let pad = format!(
            "{}{}{}",
            parsed.fill.map(String::from).unwrap_or_default(),
            parsed.align.unwrap_or('>'),
            parsed.width
        );
        if parsed.width.is_empty() {
            return Ok(body);
        }
        crate::format::format_str(&body, &pad)
    }
}

/// CPython's complex division (Smith's method with its scaling); `None` on a zero divisor.
fn divide(a: (f64, f64), b: (f64, f64)) -> Option<(f64, f64)> {
    let (abs_br, abs_bi) = (b.0.abs(), b.1.abs());
    if abs_br >= abs_bi {
        if abs_br == 0.0 {
            return None;
        }
        let ratio = b.1 / b.0;
        let denom = b.0 + b.1 * ratio;
        Some(((a.0 + a.1 * ratio) / denom, (a.1 - a.0 * ratio) / denom))
    } else if abs_bi >= abs_br {
        let ratio = b.0 / b.1;
        let denom = b.0 * ratio + b.1;
        Some(((a.0 * ratio + a.1) / denom, (a.1 * ratio - a.0) / denom))
    } else {
        // A NaN in the divisor.
        Some((f64::NAN, f64::NAN))
    }
}

fn multiply(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

/// `x ** n` for a small int `n`, by squaring (CPython's `c_powu`/`c_powi`).
fn power_int(x: (f64, f64), n: i64) -> Result<(f64, f64), Raise> {
    if n < 0 {
        let p = power_int(x, -n)?;
        return match divide((1.0, 0.0), p) {
            Some(q) => Ok(q),
            None => raise("ZeroDivisionError", "0.0 to a negative or complex power"),
        };
    }
    let (mut result, mut base, mut mask) = ((1.0, 0.0), x, 1i64);
    while mask > 0 && n >= mask {
        if n & mask != 0 {
            result = multiply(result, base);
        }
        mask <<= 1;
        base = multiply(base, base);
    }
    Ok(result)
}

/// `x ** y` in polar form (CPython's `_Py_c_pow`).
fn power(x: (f64, f64), y: (f64, f64)) -> Result<(f64, f64), Raise> {
    if y == (0.0, 0.0) {
        return Ok((1.0, 0.0));
    }
    if x == (0.0, 0.0) {
        if y.1 != 0.0 || y.0 < 0.0 {
            return raise("ZeroDivisionError", "0.0 to a negative or complex power");
        }
        return Ok((0.0, 0.0));
    }
    let vabs = x.0.hypot(x.1);
    let mut len = vabs.powf(y.0);
    let at = x.1.atan2(x.0);
    let mut phase = at * y.0;
    if y.1 != 0.0 {
        len /= (at * y.1).exp();
        phase += y.1 * vabs.ln();
    }
    Ok((len * phase.cos(), len * phase.sin()))
}

/// `complex(text)`: `1`, `2j`, `1+2j`, `(1-2.5e3j)`, `inf`, `-nanj`, with spaces around.
fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let mut s = text.trim();
    if let Some(inner) = s.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        s = inner.trim();
    }
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    let float = |t: &str| -> Option<f64> {
        let lower = t.to_ascii_lowercase();
        let body = lower.trim_start_matches(['+', '-']);
        if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
            return None;
        }
        let ok = body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-' | '_'))
            || matches!(body, "inf" | "infinity" | "nan");
        if !ok {
            return None;
        }
        lower.replace('_', "").parse::<f64>().ok()
    };
    let Some(body) = s.strip_suffix(['j', 'J']) else {
        return Some((float(s)?, 0.0));
    };
    // The imaginary part starts at the last sign that is not an exponent's.
    let bytes = body.as_bytes();
    let split = (1..bytes.len())
        .rev()
        .find(|&i| matches!(bytes[i], b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E'));
    let unit = |t: &str| -> Option<f64> {
        match t {
            "" | "+" => Some(1.0),
            "-" => Some(-1.0),
            _ => float(t),
        }
    };
    match split {
        Some(i) => Some((float(&body[..i])?, unit(&body[i..])?)),
        None => Some((0.0, unit(body)?)),
    }
}

/// A format spec's parts that complex formatting reads.
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: String,
    fill_zero: bool,
    width: String,
    precision: Option<String>,
    kind: String,
}

impl Spec {
    fn parse(spec: &str) -> Option<Spec> {
        let chars: Vec<char> = spec.chars().collect();
        let mut i = 0;
        let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
        let (mut fill, mut align) = (None, None);
        if chars.len() >= 2 && is_align(chars[1]) {
            fill = Some(chars[0]);
            align = Some(chars[1]);
            i = 2;
        } else if chars.first().is_some_and(|&c| is_align(c)) {
            align = Some(chars[0]);
            i = 1;
        }
        let mut sign = String::new();
        if let Some(&c) = chars.get(i)
            && matches!(c, '+' | '-' | ' ')
        {
            sign.push(c);
            i += 1;
        }
        let fill_zero = chars.get(i) == Some(&'0');
        let mut width = String::new();
        while let Some(&c) = chars.get(i)
            && c.is_ascii_digit()
        {
            width.push(c);
            i += 1;
        }
        let mut precision = None;
        if chars.get(i) == Some(&'.') {
            i += 1;
            let mut p = String::new();
            while let Some(&c) = chars.get(i)
                && c.is_ascii_digit()
            {
                p.push(c);
                i += 1;
            }
            if p.is_empty() {
                return None;
            }
            precision = Some(p);
        }
        let kind: String = chars[i..].iter().collect();
        if !matches!(kind.as_str(), "" | "e" | "E" | "f" | "F" | "g" | "G") {
            return None;
        }
        Some(Spec {
            fill,
            align,
            sign,
            fill_zero,
            width,
            precision,
            kind,
        })
    }
}
