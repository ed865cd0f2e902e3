//! The cluster's policy and its users, inside the state machine.
//!
//! The policy (lattice and principals) is replicated: `ApplyPolicy` carries the TOML text, every
//! replica parses it the same way and rebases it on the policy in force (see
//! `sl_labels::replicated`), so every node enforces the same order with the same label numbers,
//! and a change that would let existing data flow below its label is refused as a whole. The
//! applied policy is kept in the state as an image, so a snapshot restores it.
//!
//! A user is a principal with a label and the SHA-256 of one bearer token (never the token): a
//! new token replaces the hash, so the old token stops working on every node as soon as the
//! nodes' authenticators pick up the change. A user named in the policy takes its label from
//! there (and follows the policy when it changes); another user is given a label in `AddUser`,
//! whose tags the policy learns.

use sl_labels::{Label, Policy, PolicyImage};

use crate::catalog::{PRINCIPALS_MAX, PrincipalRecord};
use crate::machine::{Machine, Reject, Reply};

/// The principal the bootstrap node's admin token maps to; no user may take the name.
pub const ADMIN_NAME: &str = "admin";
/// The largest policy file the cluster accepts.
pub const POLICY_BYTES_MAX: usize = 1 << 20;
pub const USER_NAME_BYTES_MAX: usize = 128;

fn invalid(message: impl Into<String>) -> Reply {
    Reply::Rejected(Reject::Invalid(message.into()))
}

/// User names: what a policy file allows for principals.
pub fn check_user_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > USER_NAME_BYTES_MAX {
        return Err(format!("user names are 1 to {USER_NAME_BYTES_MAX} bytes"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')))
    {
        return Err(format!(
            "user name `{name}` contains `{bad}`; use letters, digits, `_`, `-`, `.` or `@`"
        ));
    }
    if name == ADMIN_NAME {
        return Err(format!("`{ADMIN_NAME}` is the cluster admin's name"));
    }
    Ok(())
}

impl Machine {
    /// The policy in force (the replicated one once applied, else the one the machine started
    /// with).
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// After a snapshot restore: the policy the snapshot carries.
    pub(crate) fn restore_policy(&mut self) -> Result<(), String> {
        if let Some(image) = &self.state.policy {
            self.policy = Policy::from_image(image).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn install_policy(&mut self, policy: Policy) {
        self.state.policy = Some(policy.image());
        self.policy = policy;
    }

    pub(crate) fn apply_policy(&mut self, text: &str) -> Reply {
        if text.len() > POLICY_BYTES_MAX {
            return invalid(format!("policy files are at most {POLICY_BYTES_MAX} bytes"));
        }
        let parsed = match Policy::from_toml("policy", text) {
            Ok(parsed) => parsed,
            Err(e) => return invalid(e.to_string()),
        };
        let rebased = match parsed.rebase(&self.policy) {
            Ok(rebased) => rebased,
            Err(e) => return invalid(e.to_string()),
        };
        // Users the policy names follow it; the others keep their labels (still valid: every
        // old level and tag keeps its number).
        for (name, record) in self.state.principals.iter_mut() {
            if let Some(p) = rebased.principal(name) {
                record.label = p.label.clone();
            }
        }
        self.install_policy(rebased);
        Reply::Ok
    }

    pub(crate) fn add_user(
        &mut self,
        name: &str,
        label_text: Option<&str>,
        token_hash: [u8; 32],
    ) -> Reply {
        if let Err(e) = check_user_name(name) {
            return invalid(e);
        }
        if self.state.principals.contains_key(name) {
            return invalid(format!(
                "user `{name}` exists; `slnode user token {name}` gives it a new token"
            ));
        }
        if self.state.principals.len() >= PRINCIPALS_MAX {
            return Reply::Rejected(Reject::Limit(format!("at most {PRINCIPALS_MAX} users")));
        }
        let label = match label_text {
            Some(text) => {
                let mut extended = self.policy.clone();
                let label = match extended.parse_label_creating_tags(text) {
                    Ok(label) => label,
                    Err(e) => return invalid(e.to_string()),
                };
                if extended.tags().len() != self.policy.tags().len() {
                    self.install_policy(extended);
                }
                label
            }
            None => match self.policy.principal(name) {
                Some(p) => p.label.clone(),
                None => {
                    return invalid(format!(
                        "the cluster's policy names no principal `{name}`; give a label with \
                         --label LABEL, or add the principal to the policy"
                    ));
                }
            },
        };
        self.state
            .principals
            .insert(name.to_owned(), PrincipalRecord { label, token_hash });
        Reply::Ok
    }

    pub(crate) fn rotate_token(&mut self, name: &str, token_hash: [u8; 32]) -> Reply {
        match self.state.principals.get_mut(name) {
            Some(record) if name != ADMIN_NAME => {
                record.token_hash = token_hash;
                Reply::Ok
            }
            _ => invalid(format!("no user `{name}`")),
        }
    }

    pub(crate) fn remove_user(&mut self, name: &str) -> Reply {
        if name == ADMIN_NAME || self.state.principals.remove(name).is_none() {
            return invalid(format!("no user `{name}`"));
        }
        Reply::Ok
    }

    /// Users (not the admin) with their labels, by name.
    pub fn users(&self) -> Vec<(String, Label)> {
        self.state
            .principals
            .iter()
            .filter(|(name, _)| name.as_str() != ADMIN_NAME)
            .map(|(name, p)| (name.clone(), p.label.clone()))
            .collect()
    }

    pub fn policy_image(&self) -> PolicyImage {
        self.policy.image()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::{Command, Limits};
    use sl_labels::Lattice;

    fn machine() -> Machine {
        Machine::new(Policy::tags_only(), Limits::default())
    }

    const POLICY: &str = "[lattice]\norder = [\"public < secret\"]\n\n[[principal]]\nname = \"alice\"\nlabel = \"public\"\n\n[[principal]]\nname = \"bob\"\nlabel = \"secret\"\n";

    #[test]
    fn users_take_labels_from_the_replicated_policy() {
        let mut m = machine();
        assert_eq!(
            m.apply(&Command::ApplyPolicy {
                text: POLICY.into()
            }),
            Reply::Ok
        );
        let add = |m: &mut Machine, name: &str, label: Option<&str>| {
            m.apply(&Command::AddUser {
                name: name.into(),
                label: label.map(str::to_owned),
                token_hash: [7; 32],
            })
        };
        assert_eq!(add(&mut m, "bob", None), Reply::Ok);
        assert!(matches!(add(&mut m, "bob", None), Reply::Rejected(_)));
        assert!(matches!(add(&mut m, "carol", None), Reply::Rejected(_)));
        assert!(matches!(
            add(&mut m, "carol", Some("nosuch")),
            Reply::Rejected(_)
        ));
        assert_eq!(add(&mut m, "carol", Some("secret{team}")), Reply::Ok);
        let users = m.users();
        let bob = &users.iter().find(|(n, _)| n == "bob").unwrap().1;
        assert_eq!(m.policy().display(bob).to_string(), "secret");
        let carol = &users.iter().find(|(n, _)| n == "carol").unwrap().1;
        assert_eq!(m.policy().display(carol).to_string(), "secret{team}");
        assert!(m.policy().flows(&m.policy().bottom(), bob));
        // A snapshot carries the policy, tags users created included.
        let mut copy = machine();
        copy.restore(&m.snapshot().unwrap()).unwrap();
        assert_eq!(copy.policy_image(), m.policy_image());
        // Folding secret into public is refused and changes nothing.
        let before = m.snapshot().unwrap();
        let down = "[lattice]\nlevels = [\"public\", \"secret\"]\norder = [\"secret < public\"]\n";
        assert!(matches!(
            m.apply(&Command::ApplyPolicy { text: down.into() }),
            Reply::Rejected(Reject::Invalid(_))
        ));
        assert_eq!(m.snapshot().unwrap(), before);
        assert_eq!(
            m.apply(&Command::RotateToken {
                name: "bob".into(),
                token_hash: [9; 32]
            }),
            Reply::Ok
        );
        assert!(matches!(
            m.apply(&Command::RemoveUser {
                name: "dave".into()
            }),
            Reply::Rejected(_)
        ));
        assert_eq!(
            m.apply(&Command::RemoveUser { name: "bob".into() }),
            Reply::Ok
        );
    }
}
