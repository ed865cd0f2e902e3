//! Values: what a stack slot, a local or a container element holds. Small and `Copy`: scalars
//! inline, everything else an index into the [`crate::heap::Heap`], so the VM's state is plain data.

/// A builtin function, by its index in [`crate::builtins::NAMES`].
pub type BuiltinId = u16;

#[derive(Clone, Copy, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
// Every payload at offset 8: with Rust's default layout `Bool` and the `u16`s sit at offset 1
// and 2, so copying a value moves bytes 1..16 as two overlapping 8-byte words, and reading
// them back from a spill defeats store forwarding (12% of a generator loop's time was that
// one stall in `burst`'s `StoreLocal`). Same size, and `Option<Value>` still fits in 16 bytes.
#[repr(u64)]
pub enum Value {
    None,
    Bool(bool),
    /// Small ints. Arithmetic that overflows i64 raises OverflowError for now (arbitrary
    /// precision is still to come).
    Int(i64),
    Float(f64),
    Builtin(BuiltinId),
    /// A builtin exception class, by its index in `vm::EXCEPTIONS`.
    ExceptionClass(u16),
    /// A heap object.
    Ref(u32),
}

impl Value {
    pub fn type_name_scalar(&self) -> Option<&'static str> {
        Some(match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            &NOT_IMPLEMENTED => "NotImplementedType",
            &ELLIPSIS => "ellipsis",
            Value::Builtin(_) => "builtin_function_or_method",
            Value::ExceptionClass(_) => "type",
            Value::Ref(_) => return None,
        })
    }
}

/// `NotImplemented`: what a binary special method returns to let the other operand try.
/// A builtin value (its index in the VM's builtins), so it snapshots like any other.
pub const NOT_IMPLEMENTED: Value = Value::Builtin(141);
/// `...`, the same way.
pub const ELLIPSIS: Value = Value::Builtin(143);

/// Python's `repr` of a float: the shortest string that reads back, with CPython's exponent form
/// (`1e+16`, `1e-05`) and a `.0` on integral values.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let text = format!("{f:?}");
    match text.split_once('e') {
        None => text,
        Some((mantissa, exponent)) => {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exponent),
            };
            let mantissa = mantissa.strip_suffix(".0").unwrap_or(mantissa);
            format!("{mantissa}e{sign}{digits:0>2}")
        }
    }
}

/// A complex's repr and str: `2j`, `(1+2j)`, `(-0-1j)`, `(nan+infj)`.
pub fn complex_repr(re: f64, im: f64) -> String {
    if re == 0.0 && re.is_sign_positive() {
        return format!("{}j", short_float(im));
    }
    let im_text = short_float(im);
    let sign = if im_text.starts_with('-') { "" } else { "+" };
    format!("({}{sign}{im_text}j)", short_float(re))
}

/// A float as a complex part shows it: repr's digits without a trailing `.0`.
pub fn short_float(f: f64) -> String {
    let text = float_repr(f);
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_owned(),
        None => text,
    }
}
