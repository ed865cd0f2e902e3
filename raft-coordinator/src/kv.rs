//! `rt.kv` and the names behind `rt.store`: Trapeze's faceted store as task calls, so the label
//! of every read and write is the calling task's as the machine records it (never one a worker
//! claims), and a read is recorded with the task's checkpoint like any call.
//!
//! A write at `l` replaces the facet at `l` (and those above it; `sl_labels::faceted`); a read at
//! `l` sees the newest facet at a label `⊑ l`; a delete writes a tombstone facet at `l`, so it
//! hides the key from `l` and above without touching facets below; `keys` lists keys with a
//! visible, live facet, filtered before the bound is applied. None of them fails or blocks
//! because of facets the caller may not see.
//!
//! Task keys live under their own prefix (`KV_PREFIX`, `STORE_PREFIX`) of the machine's faceted
//! map, apart from keys written by `Command::KvPut` (admin tools, CLI object names). Values carry
//! one leading byte: 1 for a value, 0 for a tombstone.

use sl_labels::{Label, Lattice};

use crate::catalog::{FACETS_PER_KEY_MAX, KV_KEY_BYTES_MAX, KV_KEYS_MAX, KV_VALUE_BYTES_MAX};
use crate::label_rules::leaky;
use crate::machine::{Machine, Reject, Reply};

/// Namespaces of task keys.
pub const KV_PREFIX: &str = "kv/";
pub const STORE_PREFIX: &str = "store/";
/// Keys one `keys()` call returns at most.
pub const KEYS_LISTED_MAX: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Space {
    /// `rt.kv`: values inline.
    Kv,
    /// `rt.store`: values are object-store keys of the objects holding the bytes.
    Store,
}

impl Space {
    fn prefix(&self) -> &'static str {
        match self {
            Space::Kv => KV_PREFIX,
            Space::Store => STORE_PREFIX,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum KvCall {
    Put { key: String, value: Vec<u8> },
    Get { key: String },
    Delete { key: String },
    Keys { prefix: String },
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum KvAnswer {
    Done,
    Value(Option<Vec<u8>>),
    Keys(Vec<String>),
}

fn check_key(key: &str) -> Result<(), Reject> {
    if key.is_empty() || key.len() > KV_KEY_BYTES_MAX - STORE_PREFIX.len() {
        return Err(Reject::Invalid(format!(
            "keys are 1 to {} bytes",
            KV_KEY_BYTES_MAX - STORE_PREFIX.len()
        )));
    }
    Ok(())
}

impl Machine {
    pub(crate) fn kv_call(&mut self, me: &Label, space: &Space, call: &KvCall) -> Reply {
        let result = match call {
            KvCall::Put { key, value } => self.facet_write(me, space, key, Some(value)),
            // A delete answers what the deleter saw before it (a tombstone hides nothing else).
            KvCall::Delete { key } => check_key(key).and_then(|()| {
                let before = self.facet_read(me, space, key);
                self.facet_write(me, space, key, None)
                    .map(|_| KvAnswer::Value(before))
            }),
            KvCall::Get { key } => check_key(key).map(|()| {
                let full = format!("{}{key}", space.prefix());
                let seen = self
                    .state
                    .kv
                    .get(&full)
                    .and_then(|v| v.read(&self.policy, me))
                    .and_then(|v| (v.first() == Some(&1)).then(|| v[1..].to_vec()));
                KvAnswer::Value(seen)
            }),
            KvCall::Keys { prefix } => Ok(KvAnswer::Keys(self.facet_keys(me, space, prefix))),
        };
        match result {
            Ok(answer) => Reply::Kv(answer),
            Err(reject) => Reply::Rejected(reject),
        }
    }

    fn facet_write(
        &mut self,
        me: &Label,
        space: &Space,
        key: &str,
        value: Option<&Vec<u8>>,
    ) -> Result<KvAnswer, Reject> {
        check_key(key)?;
        if value.is_some_and(|v| v.len() >= KV_VALUE_BYTES_MAX) {
            return Err(Reject::Limit(format!(
                "values are at most {} bytes; use rt.store for larger ones",
                KV_VALUE_BYTES_MAX - 1
            )));
        }
        let full = format!("{}{key}", space.prefix());
        if !self.state.kv.contains_key(&full) && self.state.kv.len() >= KV_KEYS_MAX {
            return Err(Reject::Limit(format!("the store holds {KV_KEYS_MAX} keys")));
        }
        if leaky(1)
            && self
                .state
                .kv
                .get(&full)
                .is_some_and(|v| v.facets().iter().any(|f| !self.policy.flows(&f.label, me)))
        {
            // The broken rule: a write-once key, refused because a higher task wrote it.
            return Err(Reject::Invalid(format!("key '{key}' exists")));
        }
        let policy = &self.policy;
        let entry = self.state.kv.entry(full).or_default();
        // Only facets the writer sees decide its refusal (see `catalog::kv_put`).
        let visible = entry
            .facets()
            .iter()
            .filter(|f| policy.flows(&f.label, me) && f.label != *me)
            .count();
        if visible >= FACETS_PER_KEY_MAX {
            return Err(Reject::Limit(format!(
                "a key holds at most {FACETS_PER_KEY_MAX} facets below one label"
            )));
        }
        let mut bytes = Vec::with_capacity(value.map_or(1, |v| v.len() + 1));
        match value {
            Some(v) => {
                bytes.push(1);
                bytes.extend_from_slice(v);
            }
            None => bytes.push(0),
        }
        entry.write(policy, bytes, me.clone());
        Ok(KvAnswer::Done)
    }

    /// Keys under `prefix` with a live facet visible at `me`, sorted, at most
    /// [`KEYS_LISTED_MAX`] — counted after filtering, so hidden keys never crowd out visible ones.
    fn facet_keys(&self, me: &Label, space: &Space, prefix: &str) -> Vec<String> {
        let start = format!("{}{prefix}", space.prefix());
        let mut out = Vec::new();
        for (scanned, (key, value)) in self.state.kv.range(start.clone()..).enumerate() {
            if !key.starts_with(&start) || (leaky(2) && scanned >= KEYS_LISTED_MAX) {
                break;
            }
            let live = value
                .read(&self.policy, me)
                .is_some_and(|v| v.first() == Some(&1));
            if live {
                out.push(key[space.prefix().len()..].to_owned());
                if out.len() >= KEYS_LISTED_MAX {
                    break;
                }
            }
        }
        out
    }

    /// The facet a reader at `reader` sees under a task key (for nodes serving `rt.store` reads
    /// and for tools); `None` when absent or deleted.
    pub fn facet_read(&self, reader: &Label, space: &Space, key: &str) -> Option<Vec<u8>> {
        let full = format!("{}{key}", space.prefix());
        self.state
            .kv
            .get(&full)?
            .read(&self.policy, reader)
            .and_then(|v| (v.first() == Some(&1)).then(|| v[1..].to_vec()))
    }

    /// The bottom label, for callers outside the crate that need one of this policy.
    pub fn bottom_label(&self) -> Label {
        self.policy.bottom()
    }
}
