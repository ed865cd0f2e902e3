//! The label every datum, task, queue and object carries: a policy level paired with a tag set.
//!
//! The two lattices the cluster offers are combined as a product: `(l1, t1) ⊑ (l2, t2)` iff
//! `l1 ⊑ l2` in the declared order and `t1 ⊆ t2`. A cluster that uses only tags has a one-level
//! order; one that uses only a declared order gives nobody tags. A product of lattices is a lattice,
//! so the laws hold for the combination exactly when they hold for each part.

use crate::levels::Level;
use crate::tags::TagSet;

#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    Hash,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Label {
    pub level: Level,
    pub tags: TagSet,
}

impl Label {
    pub fn new(level: Level, tags: TagSet) -> Label {
        Label { level, tags }
    }

    /// A label with no tags at `level`.
    pub fn at(level: Level) -> Label {
        Label {
            level,
            tags: TagSet::empty(),
        }
    }
}
