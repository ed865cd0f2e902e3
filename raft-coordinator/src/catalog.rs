//! The cluster's catalogue inside the state machine: members (who is in the cluster, where, with
//! how many worker slots), principals with the hashes of their tokens, the declassifier registry,
//! and the faceted key-value store. Data types and commands only; their end-to-end use (workers,
//! `rt.store`, admin commands) lives in `node/` and `cli/`.
//!
//! Voting is not recorded here: whether a member votes is Raft's conf state, which the replica
//! reports. A member's record enters and leaves the machine through the same log entry as its conf
//! change (the change carries the record), so every replica agrees on both at every index.

use sl_labels::{Faceted, Label, Lattice};

use crate::machine::{Machine, Reject, Reply};

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Member {
    pub id: u64,
    pub name: String,
    /// The address other nodes reach its QUIC endpoint at.
    pub addr: String,
    /// Worker slots it offers (0: no workers).
    pub slots: u32,
    /// Whether it holds object-store shards.
    pub storage: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct PrincipalRecord {
    pub label: Label,
    /// SHA-256 of the principal's bearer token; the token itself is never stored.
    pub token_hash: [u8; 32],
}

/// An admin-registered declassifier: code trusted to move data labelled up to `from` to `to`.
#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Declassifier {
    pub from: Label,
    pub to: Label,
}

pub type FacetedValue = Faceted<Label, Vec<u8>>;

/// Bounds on the catalogue.
pub const MEMBERS_MAX: usize = 4096;
pub const PRINCIPALS_MAX: usize = 100_000;
pub const DECLASSIFIERS_MAX: usize = 10_000;
pub const KV_KEYS_MAX: usize = 1_000_000;
pub const KV_KEY_BYTES_MAX: usize = 1024;
pub const KV_VALUE_BYTES_MAX: usize = 64 << 10;
/// Facets one key may hold strictly below a writer's label (facets sit at distinct labels).
pub const FACETS_PER_KEY_MAX: usize = 64;
pub const NAME_BYTES_MAX: usize = 256;

fn name_ok(name: &str) -> Result<(), Reject> {
    if name.is_empty() || name.len() > NAME_BYTES_MAX {
        return Err(Reject::Invalid(format!(
            "names are 1 to {NAME_BYTES_MAX} bytes"
        )));
    }
    Ok(())
}

fn reply(result: Result<(), Reject>) -> Reply {
    match result {
        Ok(()) => Reply::Ok,
        Err(reject) => Reply::Rejected(reject),
    }
}

impl Machine {
    pub(crate) fn put_member(&mut self, member: &Member) -> Reply {
        reply((|| {
            name_ok(&member.name)?;
            if member.addr.is_empty() || member.addr.len() > NAME_BYTES_MAX {
                return Err(Reject::Invalid("a member needs an address".into()));
            }
            if !self.state.members.contains_key(&member.id)
                && self.state.members.len() >= MEMBERS_MAX
            {
                return Err(Reject::Limit(format!("at most {MEMBERS_MAX} members")));
            }
            self.state.members.insert(member.id, member.clone());
            Ok(())
        })())
    }

    pub(crate) fn reserve_node_id(&mut self, name: &str) -> Reply {
        if let Err(reject) = name_ok(name) {
            return Reply::Rejected(reject);
        }
        if let Some(id) = self.state.node_ids.get(name) {
            return Reply::NodeId(*id);
        }
        if self.state.node_ids.len() >= MEMBERS_MAX {
            return Reply::Rejected(Reject::Limit(format!("at most {MEMBERS_MAX} node ids")));
        }
        let id = self
            .state
            .node_ids
            .values()
            .chain(self.state.members.keys())
            .copied()
            .max()
            .unwrap_or(1)
            .max(1)
            + 1;
        self.state.node_ids.insert(name.to_owned(), id);
        Reply::NodeId(id)
    }

    pub(crate) fn remove_member(&mut self, id: u64) -> Reply {
        self.state.members.remove(&id);
        Reply::Ok
    }

    pub(crate) fn put_principal(
        &mut self,
        name: &str,
        label: &Label,
        token_hash: [u8; 32],
    ) -> Reply {
        reply((|| {
            name_ok(name)?;
            self.check_label(label)?;
            if !self.state.principals.contains_key(name)
                && self.state.principals.len() >= PRINCIPALS_MAX
            {
                return Err(Reject::Limit(format!(
                    "at most {PRINCIPALS_MAX} principals"
                )));
            }
            self.state.principals.insert(
                name.to_owned(),
                PrincipalRecord {
                    label: label.clone(),
                    token_hash,
                },
            );
            Ok(())
        })())
    }

    pub(crate) fn put_declassifier(&mut self, name: &str, from: &Label, to: &Label) -> Reply {
        reply((|| {
            name_ok(name)?;
            self.check_label(from)?;
            self.check_label(to)?;
            if !self.state.declassifiers.contains_key(name)
                && self.state.declassifiers.len() >= DECLASSIFIERS_MAX
            {
                return Err(Reject::Limit(format!(
                    "at most {DECLASSIFIERS_MAX} declassifiers"
                )));
            }
            self.state.declassifiers.insert(
                name.to_owned(),
                Declassifier {
                    from: from.clone(),
                    to: to.clone(),
                },
            );
            Ok(())
        })())
    }

    /// A faceted write at `label`. It never reports anything that depends on facets the writer
    /// may not see: the only refusals are about the request itself (sizes, an invalid label).
    pub(crate) fn kv_put(&mut self, key: &str, label: &Label, value: &[u8]) -> Reply {
        reply((|| {
            if key.is_empty() || key.len() > KV_KEY_BYTES_MAX {
                return Err(Reject::Invalid(format!(
                    "keys are 1 to {KV_KEY_BYTES_MAX} bytes"
                )));
            }
            if value.len() > KV_VALUE_BYTES_MAX {
                return Err(Reject::Limit(format!(
                    "values are at most {KV_VALUE_BYTES_MAX} bytes; store larger ones as objects"
                )));
            }
            self.check_label(label)?;
            if !self.state.kv.contains_key(key) && self.state.kv.len() >= KV_KEYS_MAX {
                return Err(Reject::Limit(format!("at most {KV_KEYS_MAX} keys")));
            }
            let policy = &self.policy;
            let entry = self.state.kv.entry(key.to_owned()).or_default();
            // The bound looks only at facets the writer may read, so a refusal tells it nothing
            // it could not learn anyway; facets it may not see never decide its outcome.
            let visible = entry
                .facets()
                .iter()
                .filter(|f| policy.flows(&f.label, label) && f.label != *label)
                .count();
            if visible >= FACETS_PER_KEY_MAX {
                return Err(Reject::Limit(format!(
                    "a key holds at most {FACETS_PER_KEY_MAX} facets below one label"
                )));
            }
            entry.write(policy, value.to_vec(), label.clone());
            Ok(())
        })())
    }

    /// What a reader at `reader` sees under `key`.
    pub fn kv_get(&self, key: &str, reader: &Label) -> Option<&Vec<u8>> {
        self.state.kv.get(key)?.read(&self.policy, reader)
    }

    fn check_label(&self, label: &Label) -> Result<(), Reject> {
        self.policy
            .check_label(label)
            .map_err(|_| Reject::Invalid("the label is not valid in this cluster's policy".into()))
    }

    /// Whether data at `data` may reach `target`, directly or through the registered declassifier
    /// `name`.
    pub fn may_flow_through(&self, name: &str, data: &Label, target: &Label) -> bool {
        let policy = &self.policy;
        policy.flows(data, target)
            || self.state.declassifiers.get(name).is_some_and(|d| {
                sl_labels::flow::may_declassify(
                    policy,
                    &sl_labels::flow::Authority {
                        from: d.from.clone(),
                        to: d.to.clone(),
                    },
                    data,
                    target,
                )
            })
    }
}
