//! The heap: objects in a vector, referred to by index, so a snapshot of the vector is a snapshot
//! of every object and every reference stays valid after a restore. Freed slots are reused; a
//! mark-and-sweep collector (roots: globals, frames) frees what nothing reaches. The live size is
//! bounded; growing past the limit raises MemoryError in the VM.

use std::collections::BTreeMap;

use crate::value::Value;

/// A dictionary key: the hashable values, with Python's equalities folded in (`True == 1`,
/// `1.0 == 1`), so equal keys are one entry.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
#[rkyv(derive(PartialEq, Eq, PartialOrd, Ord))]
pub enum Key {
    None,
    Int(i64),
    /// A float that is not integral, by its bits.
    Float(u64),
    Str(String),
    /// A tuple's element keys, in a canonical text form (keys are flat so they archive simply).
    Tuple(String),
}

/// Insertion-ordered, as Python's dicts are.
#[derive(Clone, Debug, Default, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Dict {
    pub entries: Vec<(Value, Value)>,
    pub index: BTreeMap<Key, u32>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Iter {
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    /// Over a list, tuple or string (by char index) or a dict's keys.
    Seq {
        of: u32,
        index: u32,
    },
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Object {
    Str(String),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Dict),
    Range {
        start: i64,
        stop: i64,
        step: i64,
    },
    Iter(Iter),
    /// A function: its code object's index in the module and the values of its trailing
    /// parameters' defaults (evaluated once, at `def`, as in Python).
    Function {
        code: u32,
        defaults: Vec<Value>,
        /// Cells of the enclosing functions' variables it uses.
        closure: Vec<Value>,
    },
    /// A captured variable: its value, or nothing while unbound.
    Cell(Option<Value>),
    /// An exception instance: its class (index in `vm::EXCEPTIONS`), message, and the traceback
    /// gathered while it unwinds, innermost first: (code object, line).
    Exception {
        class: u16,
        /// `str(e)`.
        message: String,
        /// What `repr(e)` shows between the parentheses (the arguments' reprs).
        shown: String,
        traceback: Vec<(u32, u32)>,
    },
}

impl Object {
    pub fn type_name(&self) -> &'static str {
        match self {
            Object::Str(_) => "str",
            Object::List(_) => "list",
            Object::Tuple(_) => "tuple",
            Object::Dict(_) => "dict",
            Object::Range { .. } => "range",
            Object::Iter(_) => "iterator",
            Object::Function { .. } => "function",
            Object::Cell(_) => "cell",
            Object::Exception { .. } => "exception",
        }
    }

    /// Rough size in bytes, for the memory limit.
    fn size(&self) -> usize {
        32 + match self {
            Object::Str(s) => s.len(),
            Object::List(v) | Object::Tuple(v) => v.len() * 16,
            Object::Dict(d) => d.entries.len() * 64,
            _ => 0,
        }
    }

    fn children(&self, out: &mut Vec<u32>) {
        let mut push = |v: &Value| {
            if let Value::Ref(r) = v {
                out.push(*r);
            }
        };
        match self {
            Object::List(v) | Object::Tuple(v) => v.iter().for_each(&mut push),
            Object::Function {
                defaults, closure, ..
            } => defaults.iter().chain(closure).for_each(&mut push),
            Object::Cell(Some(v)) => push(v),
            Object::Dict(d) => d.entries.iter().for_each(|(k, v)| {
                push(k);
                push(v);
            }),
            Object::Iter(Iter::Seq { of, .. }) => out.push(*of),
            _ => {}
        }
    }
}

#[derive(Clone, Debug, Default, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Heap {
    pub slots: Vec<Option<Object>>,
    free: Vec<u32>,
    /// Allocations since the last collection.
    allocated: u64,
}

/// Objects a VM may hold at once (MemoryError beyond).
pub const OBJECTS_MAX: usize = 4_000_000;
/// Bytes (roughly) a VM may hold at once.
pub const BYTES_MAX: usize = 512 << 20;

impl Heap {
    pub fn alloc(&mut self, object: Object) -> Option<u32> {
        self.allocated += 1;
        if let Some(slot) = self.free.pop() {
            self.slots[slot as usize] = Some(object);
            return Some(slot);
        }
        if self.slots.len() >= OBJECTS_MAX {
            return None;
        }
        self.slots.push(Some(object));
        Some((self.slots.len() - 1) as u32)
    }

    pub fn get(&self, r: u32) -> Option<&Object> {
        self.slots.get(r as usize)?.as_ref()
    }

    pub fn get_mut(&mut self, r: u32) -> Option<&mut Object> {
        self.slots.get_mut(r as usize)?.as_mut()
    }

    pub fn live(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Whether a collection is worth its cost now.
    pub fn wants_collection(&self) -> bool {
        self.allocated as usize > 4096.max(self.live())
    }

    /// Frees every object not reachable from `roots`; returns the rough live size in bytes.
    pub fn collect(&mut self, roots: impl Iterator<Item = u32>) -> usize {
        let mut marked = vec![false; self.slots.len()];
        let mut work: Vec<u32> = roots.collect();
        while let Some(r) = work.pop() {
            let Some(mark) = marked.get_mut(r as usize) else {
                continue;
            };
            if *mark {
                continue;
            }
            *mark = true;
            if let Some(object) = self.get(r) {
                object.children(&mut work);
            }
        }
        let mut bytes = 0;
        for (i, slot) in self.slots.iter_mut().enumerate() {
            match slot {
                Some(object) if marked[i] => bytes += object.size(),
                Some(_) => {
                    *slot = None;
                    self.free.push(i as u32);
                }
                None => {}
            }
        }
        self.allocated = 0;
        bytes
    }
}
