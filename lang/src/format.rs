//! Python's format-spec mini-language (`[[fill]align][sign][#][0][width][,|_][.precision][type]`)
//! for ints, floats and strings, as f-strings and `format()` use it. Pure functions on already
//! converted values; unsupported combinations are errors with CPython's wording where it has one.

use crate::value::float_repr;

#[derive(Debug, Default, PartialEq)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    alternate: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

/// The most characters a format spec's width may ask for.
const WIDTH_MAX: usize = 1 << 20;
/// The largest precision: Rust's float formatting panics beyond `u16::MAX` digits (CPython
/// goes further; a larger one is a ValueError here, not a crash).
const PRECISION_MAX: usize = u16::MAX as usize;

fn parse(spec: &str) -> Result<Spec, String> {
    let chars: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut i = 0;
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        s.fill = Some(chars[0]);
        s.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        s.align = Some(chars[0]);
        i = 1;
    }
    if let Some(&c) = chars.get(i)
        && matches!(c, '+' | '-' | ' ')
    {
        s.sign = Some(c);
        i += 1;
    }
    if chars.get(i) == Some(&'#') {
        s.alternate = true;
        i += 1;
    }
    if chars.get(i) == Some(&'0') {
        s.zero = true;
        i += 1;
    }
    let start = i;
    while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
        i += 1;
    }
    if i > start {
        s.width = chars[start..i]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| "Too many decimal digits in format string".to_owned())?;
    }
    if let Some(&c) = chars.get(i)
        && matches!(c, ',' | '_')
    {
        s.grouping = Some(c);
        i += 1;
    }
    if chars.get(i) == Some(&'.') {
        i += 1;
        let start = i;
        while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        if i == start {
            return Err("Format specifier missing precision".into());
        }
        s.precision = Some(
            chars[start..i]
                .iter()
                .collect::<String>()
                .parse()
                .map_err(|_| "Too many decimal digits in format string".to_owned())?,
        );
    }
    if let Some(&c) = chars.get(i) {
        s.kind = Some(c);
        i += 1;
    }
    if i != chars.len() {
        return Err("Invalid format specifier".into());
    }
    if s.width > WIDTH_MAX || s.precision.is_some_and(|p| p > PRECISION_MAX) {
        return Err("Too many decimal digits in format string".into());
    }
    Ok(s)
}

fn group(digits: &str, separator: char, every: usize) -> String {
    let mut out = String::with_capacity(digits.len() * 4 / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(every) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// Zero padding with grouping: the zeros are grouped too (`0,001,234`), and a separator never
/// leads (so the result can be one wider than asked, as CPython's is).
fn zero_grouped(spec: &Spec, sign: &str, digits: &str, rest: &str, every: usize) -> Option<String> {
    let sep = spec.grouping?;
    if !spec.zero || spec.align.is_some() || spec.fill.is_some() {
        return None;
    }
    let needed = spec
        .width
        .saturating_sub(sign.chars().count() + rest.chars().count());
    let mut padded = digits.to_owned();
    let mut grouped = group(&padded, sep, every);
    while grouped.chars().count() < needed {
        padded.insert(0, '0');
        grouped = group(&padded, sep, every);
    }
    Some(format!("{sign}{grouped}{rest}"))
}

/// Pads `body` (with its sign, if any, in `sign`) to the spec's width.
fn pad(spec: &Spec, sign: &str, body: &str, numeric: bool) -> String {
    let len = sign.chars().count() + body.chars().count();
    let align = spec.align.unwrap_or(if spec.zero && numeric {
        '='
    } else if numeric {
        '>'
    } else {
        '<'
    });
    let fill = spec.fill.unwrap_or(if spec.zero && spec.align.is_none() {
        '0'
    } else {
        ' '
    });
    if len >= spec.width {
        return format!("{sign}{body}");
    }
    let gap = spec.width - len;
    let run = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
    match align {
        '<' => format!("{sign}{body}{}", run(gap)),
        '^' => format!("{}{sign}{body}{}", run(gap / 2), run(gap - gap / 2)),
        '=' => format!("{sign}{}{body}", run(gap)),
        _ => format!("{}{sign}{body}", run(gap)),
    }
}

fn sign_of(spec: &Spec, negative: bool) -> &'static str {
    match (negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    }
}

pub fn format_int(n: i64, spec: &str) -> Result<String, String> {
    let s = parse(spec)?;
    let kind = s.kind.unwrap_or('d');
    if matches!(kind, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
        return format_float(n as f64, spec);
    }
    if s.precision.is_some() {
        return Err("Precision not allowed in integer format specifier".into());
    }
    let magnitude = n.unsigned_abs();
    let digits = match kind {
        'd' | 'n' => magnitude.to_string(),
        'x' => format!("{magnitude:x}"),
        'X' => format!("{magnitude:X}"),
        'o' => format!("{magnitude:o}"),
        'b' => format!("{magnitude:b}"),
        'c' => {
            let c = u32::try_from(n)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| "%c arg not in range(0x110000)".to_owned())?;
            return Ok(pad(&s, "", &c.to_string(), false));
        }
        other => {
            return Err(format!(
                "Unknown format code '{other}' for object of type 'int'"
            ));
        }
    };
    Ok(int_layout(&s, kind, n < 0, digits))
}

/// [`format_int`] for an int beyond 64 bits.
pub fn format_big(n: &num_bigint::BigInt, spec: &str) -> Result<String, String> {
    use num_traits::{Signed, ToPrimitive};
    let s = parse(spec)?;
    let kind = s.kind.unwrap_or('d');
    if matches!(kind, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
        return match n.to_f64() {
            Some(f) if f.is_finite() => format_float(f, spec),
            _ => Err("int too large to convert to float".into()),
        };
    }
    if s.precision.is_some() {
        return Err("Precision not allowed in integer format specifier".into());
    }
    let magnitude = n.abs();
    let digits = match kind {
        'd' | 'n' => magnitude.to_str_radix(10),
        'x' => magnitude.to_str_radix(16),
        'X' => magnitude.to_str_radix(16).to_ascii_uppercase(),
        'o' => magnitude.to_str_radix(8),
        'b' => magnitude.to_str_radix(2),
        'c' => return Err("%c arg not in range(0x110000)".into()),
        other => {
            return Err(format!(
                "Unknown format code '{other}' for object of type 'int'"
            ));
        }
    };
    Ok(int_layout(&s, kind, n.is_negative(), digits))
}

/// An int's digits with its sign, base prefix, grouping and padding.
fn int_layout(s: &Spec, kind: char, negative: bool, digits: String) -> String {
    let prefix = match kind {
        'x' => "0x",
        'X' => "0X",
        'o' => "0o",
        'b' => "0b",
        _ => "",
    };
    let prefix = if s.alternate { prefix } else { "" };
    let sign = format!("{}{prefix}", sign_of(s, negative));
    let every = if matches!(kind, 'd' | 'n') { 3 } else { 4 };
    if let Some(text) = zero_grouped(s, &sign, &digits, "", every) {
        return text;
    }
    let digits = match s.grouping {
        Some(sep) => group(&digits, sep, every),
        None => digits,
    };
    pad(s, &sign, &digits, true)
}

pub fn format_float(f: f64, spec: &str) -> Result<String, String> {
    let s = parse(spec)?;
    let magnitude = f.abs();
    let body = if !f.is_finite() {
        if f.is_nan() {
            "nan".to_owned()
        } else {
            "inf".to_owned()
        }
    } else {
        match s.kind {
            Some('f' | 'F') => format!("{magnitude:.*}", s.precision.unwrap_or(6)),
            Some('%') => format!("{:.*}%", s.precision.unwrap_or(6), magnitude * 100.0),
            Some('e' | 'E') => {
                let text = format!("{magnitude:.*e}", s.precision.unwrap_or(6));
                let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
                let (sign, digits) = match exponent.strip_prefix('-') {
                    Some(d) => ('-', d),
                    None => ('+', exponent),
                };
                let e = if s.kind == Some('E') { 'E' } else { 'e' };
                format!("{mantissa}{e}{sign}{digits:0>2}")
            }
            Some('g' | 'G') | None if s.precision.is_some() => {
                general(magnitude, s.precision.unwrap_or(6).max(1), s.kind.is_none())
            }
            None | Some('g' | 'G') => {
                if s.kind.is_none() {
                    float_repr(magnitude)
                } else {
                    general(magnitude, 6, false)
                }
            }
            Some(other) => {
                return Err(format!(
                    "Unknown format code '{other}' for object of type 'float'"
                ));
            }
        }
    };
    let sign = sign_of(&s, f.is_sign_negative() && !f.is_nan());
    if f.is_finite() {
        let (int_part, rest) = match body.find(|c: char| !c.is_ascii_digit()) {
            Some(i) => body.split_at(i),
            None => (body.as_str(), ""),
        };
        if let Some(text) = zero_grouped(&s, sign, int_part, rest, 3) {
            return Ok(text);
        }
    }
    let body = match s.grouping {
        Some(sep) if f.is_finite() => {
            let (int_part, rest) = match body.find(|c: char| !c.is_ascii_digit()) {
                Some(i) => body.split_at(i),
                None => (body.as_str(), ""),
            };
            format!("{}{rest}", group(int_part, sep, 3))
        }
        _ => body,
    };
    Ok(pad(&s, sign, &body, true))
}

/// `%g` with `precision` significant digits; `repr_like` keeps a `.0` as Python's no-type does.
fn general(f: f64, precision: usize, repr_like: bool) -> String {
    if f == 0.0 {
        return if repr_like { "0.0".into() } else { "0".into() };
    }
    let exponent = f.log10().floor() as i64;
    if exponent < -4 || exponent >= precision as i64 {
        let text = format!("{f:.*e}", precision - 1);
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.trim_end_matches('0').trim_end_matches('.')
        } else {
            mantissa
        };
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        format!("{mantissa}e{sign}{digits:0>2}")
    } else {
        let decimals = (precision as i64 - 1 - exponent).max(0) as usize;
        let text = format!("{f:.decimals$}");
        let trimmed = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            text
        };
        if repr_like && !trimmed.contains('.') {
            format!("{trimmed}.0")
        } else {
            trimmed
        }
    }
}

pub fn format_str(text: &str, spec: &str) -> Result<String, String> {
    let s = parse(spec)?;
    if let Some(kind) = s.kind
        && kind != 's'
    {
        return Err(format!(
            "Unknown format code '{kind}' for object of type 'str'"
        ));
    }
    if s.sign.is_some() {
        return Err("Sign not allowed in string format specifier".into());
    }
    let body: String = match s.precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_owned(),
    };
    Ok(pad(&s, "", &body, false))
}

/// `ascii()`: a repr with every non-ASCII character escaped as CPython escapes it (`\xe9`,
/// `\u20ac`, `\U0001f600`).
pub fn ascii_escape(repr: &str) -> String {
    if repr.is_ascii() {
        return repr.to_owned();
    }
    let mut out = String::with_capacity(repr.len() + 8);
    for c in repr.chars() {
        match c as u32 {
            0..=0x7f => out.push(c),
            n @ 0x80..=0xff => out.push_str(&format!("\\x{n:02x}")),
            n @ 0x100..=0xffff => out.push_str(&format!("\\u{n:04x}")),
            n => out.push_str(&format!("\\U{n:08x}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_format_as_python_does() {
        assert_eq!(format_int(42, "5d").unwrap(), "   42");
        assert_eq!(format_int(42, "<5").unwrap(), "42   ");
        assert_eq!(format_int(-42, "05").unwrap(), "-0042");
        assert_eq!(format_int(1234567, ",").unwrap(), "1,234,567");
        assert_eq!(format_int(255, "#x").unwrap(), "0xff");
        assert_eq!(format_int(5, "b").unwrap(), "101");
        assert_eq!(format_int(7, "+").unwrap(), "+7");
        assert_eq!(format_float(1.23456, ".2f").unwrap(), "1.23");
        assert_eq!(format_float(-1.23456, "8.3f").unwrap(), "  -1.235");
        assert_eq!(format_float(0.25, ".1%").unwrap(), "25.0%");
        assert_eq!(format_float(12345.678, ".3e").unwrap(), "1.235e+04");
        assert_eq!(format_float(1234567.5, ",.1f").unwrap(), "1,234,567.5");
        assert_eq!(format_float(0.1, "").unwrap(), "0.1");
        assert_eq!(format_float(2.0, "").unwrap(), "2.0");
        assert_eq!(format_float(1.0 / 3.0, ".3").unwrap(), "0.333");
        assert_eq!(format_float(1234.5, "g").unwrap(), "1234.5");
        assert_eq!(format_float(0.00001234, "g").unwrap(), "1.234e-05");
        assert_eq!(format_str("ab", "^6").unwrap(), "  ab  ");
        assert_eq!(format_str("abcdef", ".3").unwrap(), "abc");
        assert_eq!(format_str("x", "*>4").unwrap(), "***x");
        assert!(format_int(1, "q").is_err());
        assert!(format_str("x", "d").is_err());
        assert!(format_int(1, "99999999999999999999").is_err());
    }
}
