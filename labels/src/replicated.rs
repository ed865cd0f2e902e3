//! A policy that a cluster replicates and changes while data labelled under it exists.
//!
//! Labels are numbers (a level index, tag numbers) that mean something only with the policy that
//! issued them, and labelled data (tasks, queue items, facets, objects on disk) is never rewritten.
//! So a new policy is *rebased* on the one in force ([`Policy::rebase`]): every level and tag the
//! old policy had keeps its number, new ones are numbered after them, and the change is refused
//! when it would let existing data flow somewhere it could not before (a new `a ⊑ b` between old
//! levels relabels data at `a` below its label, as seen from `b`) or drop a level data may carry.
//! Tags are never dropped: a tag is only a name, and keeping it changes no flow.
//!
//! [`PolicyImage`] is the policy as plain data, for the coordinator's snapshot; [`SharedPolicy`]
//! is the handle a node's components read the current policy through.

use std::sync::{Arc, RwLock};

use crate::Lattice;
use crate::label::Label;
use crate::levels::{Level, LevelOrder};
use crate::policy::{Error, Policy, Principal};
use crate::tags::{TagSet, TagTable};

/// A policy as data: level names by number, the closed order as `(lower, upper)` pairs, tag names
/// by number, and the principals.
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct PolicyImage {
    pub levels: Vec<String>,
    pub above: Vec<(u16, u16)>,
    pub tags: Vec<String>,
    pub principals: Vec<(String, Label)>,
}

impl Policy {
    /// This policy as data; [`Policy::from_image`] gives it back with the same numbers.
    pub fn image(&self) -> PolicyImage {
        let levels: Vec<Level> = self.levels.levels().collect();
        let mut above = Vec::new();
        for &a in &levels {
            for &b in &levels {
                if a != b && self.levels.flows(a, b) {
                    above.push((a.0, b.0));
                }
            }
        }
        PolicyImage {
            levels: levels
                .iter()
                .map(|&l| self.levels.name(l).unwrap_or("?").to_owned())
                .collect(),
            above,
            tags: (0..self.tags.len() as u32)
                .filter_map(|t| self.tags.name(crate::Tag(t)).map(str::to_owned))
                .collect(),
            principals: self
                .principals
                .iter()
                .map(|p| (p.name.clone(), p.label.clone()))
                .collect(),
        }
    }

    /// Rebuilds a policy from its image (a snapshot's bytes are outside input: errors, no panic).
    pub fn from_image(image: &PolicyImage) -> Result<Policy, Error> {
        let edges: Vec<(usize, usize)> = image
            .above
            .iter()
            .map(|&(a, b)| (a as usize, b as usize))
            .collect();
        let order = LevelOrder::new(image.levels.clone(), &edges).map_err(|e| Error::Order {
            origin: "the replicated policy".into(),
            source: e,
        })?;
        let mut tags = TagTable::new();
        for name in &image.tags {
            tags.intern(name)
                .map_err(|e| Error::Invalid(format!("tag `{name}`: {e}")))?;
        }
        let mut policy = Policy::from_parts(order, tags);
        for (name, label) in &image.principals {
            policy.check_label(label)?;
            policy.add_principal(name, label.clone());
        }
        Ok(policy)
    }

    /// Adds (or replaces) a principal.
    pub fn add_principal(&mut self, name: &str, label: Label) {
        match self.principal_index.get(name) {
            Some(&i) => self.principals[i].label = label,
            None => {
                self.principal_index
                    .insert(name.to_owned(), self.principals.len());
                self.principals.push(Principal {
                    name: name.to_owned(),
                    label,
                });
            }
        }
    }

    /// This policy (freshly parsed) renumbered to extend `previous`, which is in force: levels and
    /// tags of `previous` keep their numbers. Refused when an existing level is missing or when an
    /// existing level would newly flow to another (data at it would be relabelled below its label).
    pub fn rebase(&self, previous: &Policy) -> Result<Policy, Error> {
        let mut names: Vec<String> = Vec::new();
        let mut map_from_new: Vec<usize> = vec![usize::MAX; self.levels.len()];
        for old in previous.levels.levels() {
            let name = previous.levels.name(old).unwrap_or("?");
            let Some(new) = self.levels.level(name) else {
                return Err(Error::Relabel(format!(
                    "the new policy drops level `{name}`, which existing data may carry; keep \
                     it in the order (the cluster keeps its policy)"
                )));
            };
            map_from_new[new.0 as usize] = names.len();
            names.push(name.to_owned());
        }
        for a in previous.levels.levels() {
            for b in previous.levels.levels() {
                let (an, bn) = (
                    previous.levels.name(a).unwrap_or("?"),
                    previous.levels.name(b).unwrap_or("?"),
                );
                let now = match (self.levels.level(an), self.levels.level(bn)) {
                    (Some(x), Some(y)) => self.levels.flows(x, y),
                    _ => false,
                };
                if now && !previous.levels.flows(a, b) {
                    return Err(Error::Relabel(format!(
                        "the new policy puts `{an}` below `{bn}`: data labelled `{an}` would \
                         become visible at `{bn}`, below its label (the cluster keeps its policy)"
                    )));
                }
            }
        }
        for new in self.levels.levels() {
            if map_from_new[new.0 as usize] == usize::MAX {
                map_from_new[new.0 as usize] = names.len();
                names.push(self.levels.name(new).unwrap_or("?").to_owned());
            }
        }
        let mut edges = Vec::new();
        for a in self.levels.levels() {
            for b in self.levels.levels() {
                if a != b && self.levels.flows(a, b) {
                    edges.push((map_from_new[a.0 as usize], map_from_new[b.0 as usize]));
                }
            }
        }
        let order = LevelOrder::new(names, &edges).map_err(|e| Error::Order {
            origin: "the new policy".into(),
            source: e,
        })?;
        let mut tags = previous.tags.clone();
        for t in 0..self.tags.len() as u32 {
            if let Some(name) = self.tags.name(crate::Tag(t)) {
                tags.intern(name)
                    .map_err(|e| Error::Invalid(format!("tag `{name}`: {e}")))?;
            }
        }
        let mut rebased = Policy::from_parts(order, tags);
        for principal in &self.principals {
            let label = rebased.translate(self, &principal.label)?;
            rebased.add_principal(&principal.name, label);
        }
        Ok(rebased)
    }

    /// `label` of policy `from` in this policy's numbers (by level and tag name).
    pub fn translate(&self, from: &Policy, label: &Label) -> Result<Label, Error> {
        let name = from
            .levels
            .name(label.level)
            .ok_or_else(|| Error::Invalid("unknown level".into()))?;
        let level = self
            .levels
            .level(name)
            .ok_or_else(|| Error::Invalid(format!("level `{name}` does not exist")))?;
        let tags = match &label.tags {
            TagSet::All => TagSet::All,
            TagSet::Set(list) => {
                let mut found = Vec::with_capacity(list.len());
                for tag in list {
                    let name = from
                        .tags
                        .name(*tag)
                        .ok_or_else(|| Error::Invalid("unknown tag".into()))?;
                    found.push(
                        self.tags
                            .lookup(name)
                            .map_err(|e| Error::Invalid(e.to_string()))?,
                    );
                }
                TagSet::from_tags(found).map_err(|e| Error::Invalid(e.to_string()))?
            }
        };
        Ok(Label::new(level, tags))
    }
}

/// The policy a node's components read: replaced as a whole when the replicated one changes, read
/// without copying (an `Arc` to the policy of the moment).
#[derive(Clone)]
pub struct SharedPolicy(Arc<RwLock<Arc<Policy>>>);

impl SharedPolicy {
    pub fn new(policy: Policy) -> SharedPolicy {
        SharedPolicy(Arc::new(RwLock::new(Arc::new(policy))))
    }

    pub fn current(&self) -> Arc<Policy> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn replace(&self, policy: Policy) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(policy);
    }

    pub fn flows(&self, from: &Label, to: &Label) -> bool {
        self.current().flows(from, to)
    }
}

impl From<Arc<Policy>> for SharedPolicy {
    fn from(policy: Arc<Policy>) -> SharedPolicy {
        SharedPolicy(Arc::new(RwLock::new(policy)))
    }
}

impl From<Policy> for SharedPolicy {
    fn from(policy: Policy) -> SharedPolicy {
        SharedPolicy::new(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Policy {
        Policy::from_toml("p.toml", text).unwrap()
    }

    #[test]
    fn image_round_trips_with_the_same_numbers() {
        let p = parse(
            "[lattice]\norder = [\"public < a, b < secret\"]\n[[principal]]\nname = \"x\"\nlabel = \"a{t1,t2}\"\n",
        );
        let back = Policy::from_image(&p.image()).unwrap();
        assert_eq!(back.image(), p.image());
        let l = p.principal("x").unwrap().label.clone();
        assert_eq!(back.display(&l).to_string(), "a{t1,t2}");
    }

    #[test]
    fn rebase_keeps_old_numbers_and_refuses_new_flows() {
        let old = parse("[lattice]\norder = [\"public < secret\"]\n");
        let secret = old.parse_label("secret").unwrap();
        // Declared in another order, with a new level between: the old numbers survive.
        let new = parse(
            "[lattice]\norder = [\"public < mid < secret\"]\nlevels = [\"mid\", \"secret\", \"public\"]\n",
        );
        let rebased = new.rebase(&old).unwrap();
        assert_eq!(rebased.display(&secret).to_string(), "secret");
        let mid = rebased.parse_label("mid").unwrap();
        assert!(rebased.flows(&mid, &secret));
        // Folding secret into public would relabel secret data below its label.
        let flat = parse(
            "[lattice]\norder = [\"public < secret\", \"secret < public2\", \"public2 < top\", \"public < top\"]\n",
        );
        assert!(flat.rebase(&old).is_ok());
        let down =
            parse("[lattice]\nlevels = [\"public\", \"secret\"]\norder = [\"secret < public\"]\n");
        assert!(matches!(down.rebase(&old), Err(Error::Relabel(_))));
        let dropped = parse("[lattice]\norder = [\"low < high\"]\n");
        assert!(matches!(dropped.rebase(&old), Err(Error::Relabel(_))));
    }
}
