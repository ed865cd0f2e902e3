//! The runtime half of `match` (the compiler's half is `compile/patterns.rs`): which values
//! sequence and mapping patterns accept, and what a class pattern reads from its subject.

use super::objects::Found;
use super::{BUILTINS, Raise, Vm, raise};
use crate::heap::Object;
use crate::value::Value;

/// Builtin types whose single positional sub-pattern matches the subject itself (`int(x)`).
const SELF_MATCHING: [&str; 11] = [
    "bool",
    "bytearray",
    "bytes",
    "dict",
    "float",
    "frozenset",
    "int",
    "list",
    "set",
    "str",
    "tuple",
];

/// The class attribute by which the library's Python classes say what they stand for: CPython
/// marks deque, namedtuples and its mappings with type flags these classes cannot carry.
const KIND_ATTR: &str = "_sl_match_kind";

/// Attribute names a class pattern may read (positional plus keyword).
const CLASS_PATTERN_ATTRS_MAX: usize = 1024;

impl Vm {
    /// Whether a sequence pattern may match `v`.
    pub(super) fn match_sequence(&mut self, v: Value) -> Result<bool, Raise> {
        let Value::Ref(r) = v else {
            return Ok(false);
        };
        Ok(match self.object(r)? {
            Object::List(_) | Object::Tuple(_) | Object::Range { .. } => true,
            Object::Instance { class, .. } => self.library_kind(*class)? == Some("sequence"),
            _ => false,
        })
    }

    /// Whether a mapping pattern may match `v`.
    pub(super) fn match_mapping(&mut self, v: Value) -> Result<bool, Raise> {
        let Value::Ref(r) = v else {
            return Ok(false);
        };
        Ok(match self.object(r)? {
            Object::Dict(_) => true,
            Object::Instance { class, .. } => self.library_kind(*class)? == Some("mapping"),
            _ => false,
        })
    }

    fn library_kind(&self, class: u32) -> Result<Option<&'static str>, Raise> {
        let Found::Class(Value::Ref(k)) = self.class_lookup(class, KIND_ATTR)? else {
            return Ok(None);
        };
        Ok(match self.object(k)? {
            Object::Str(s) if s == "sequence" => Some("sequence"),
            Object::Str(s) if s == "mapping" => Some("mapping"),
            _ => None,
        })
    }

    /// A class pattern's reads: `None` when `subject` is no instance of `class` or lacks an
    /// attribute, else a tuple of the `positional` attributes `__match_args__` names followed by
    /// the `names` tuple's.
    pub(super) fn match_class(
        &mut self,
        subject: Value,
        class: Value,
        names: Value,
        positional: u32,
    ) -> Result<Value, Raise> {
        if !self.is_class(class)? {
            return raise("TypeError", "called match pattern must be a type");
        }
        let subject_class = self.class_of(subject)?;
        if !self.subclass(subject_class, class)? {
            return Ok(Value::None);
        }
        let keywords = self.collect_items(names)?;
        let class_name = match self.lookup_attr(class, "__name__")? {
            Some(n) => self.str_of(n)?,
            None => "?".to_owned(),
        };
        let mut values = Vec::new();
        let mut attrs: Vec<String> = Vec::new();
        let positional = positional as usize;
        if positional > 0 {
            let match_args = match class {
                Value::Ref(c) => match self.class_lookup(c, "__match_args__")? {
                    Found::Class(v) => Some(v),
                    _ => None,
                },
                _ => None,
            };
            match match_args {
                None => {
                    let self_matching = matches!(class, Value::Builtin(b)
                        if SELF_MATCHING.contains(BUILTINS.get(b as usize).unwrap_or(&"")));
                    let accepts = usize::from(self_matching);
                    if positional > accepts {
                        return raise(
                            "TypeError",
                            accepts_message(&class_name, accepts, positional),
                        );
                    }
                    values.push(subject);
                }
                Some(args) => {
                    let is_tuple = matches!(args, Value::Ref(t) if matches!(self.object(t)?, Object::Tuple(_)));
                    if !is_tuple {
                        let t = self.type_name(args)?;
                        return raise(
                            "TypeError",
                            format!("{class_name}.__match_args__ must be a tuple (got {t})"),
                        );
                    }
                    let items = self.collect_items(args)?;
                    if positional > items.len() {
                        return raise(
                            "TypeError",
                            accepts_message(&class_name, items.len(), positional),
                        );
                    }
                    for item in &items[..positional] {
                        match item {
                            Value::Ref(r) if let Object::Str(s) = self.object(*r)? => {
                                attrs.push(s.clone())
                            }
                            other => {
                                let t = self.type_name(*other)?;
                                return raise(
                                    "TypeError",
                                    format!("__match_args__ elements must be strings (got {t})"),
                                );
                            }
                        }
                    }
                }
            }
        }
        for k in keywords {
            match k {
                Value::Ref(r) if let Object::Str(s) = self.object(r)? => attrs.push(s.clone()),
                _ => return raise("SystemError", "class pattern keyword"),
            }
        }
        if attrs.len() > CLASS_PATTERN_ATTRS_MAX {
            return raise("SystemError", "class pattern has too many sub-patterns");
        }
        for (i, a) in attrs.iter().enumerate() {
            if attrs[..i].contains(a) {
                return raise(
                    "TypeError",
                    format!("{class_name}() got multiple sub-patterns for attribute '{a}'"),
                );
            }
        }
        for a in &attrs {
            match self.lookup_attr(subject, a)? {
                Some(v) => values.push(v),
                None => return Ok(Value::None),
            }
        }
        self.alloc(Object::Tuple(values))
    }
}

fn accepts_message(class: &str, accepts: usize, given: usize) -> String {
    let plural = if accepts == 1 { "" } else { "s" };
    format!("{class}() accepts {accepts} positional sub-pattern{plural} ({given} given)")
}
