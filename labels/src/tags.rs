//! Secrecy tags and tag sets: the lattice that scales to many thousands of principals.
//!
//! A label in this lattice is a set of tags, and `a ⊑ b` is `a ⊆ b`: data tagged `{alice}` may flow
//! to an observer tagged `{alice, bob}` but not to one tagged `{bob}`. Tags are small integers handed
//! out by a [`TagTable`]; names live only in the table so that a flow check compares integers.

use std::collections::HashMap;
use std::fmt;

/// One secrecy tag (typically one per user). The number is meaningful only with the [`TagTable`] that
/// issued it.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Tag(pub u32);

/// The most tags one label may carry. A label is copied into every object, queue item and facet, so
/// its size is bounded; a principal needing more should be given a policy level instead.
pub const TAGS_PER_LABEL_MAX: usize = 64;

/// A set of tags, or `All` (the top of the tag lattice, which no finite set reaches).
///
/// Invariant: the tags of `Set` are strictly increasing and at most [`TAGS_PER_LABEL_MAX`]. Every
/// constructor keeps it; [`TagSet::check`] verifies it on values that came from outside (rkyv bytes).
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
#[serde(try_from = "TagSetRepr", into = "TagSetRepr")]
pub enum TagSet {
    // Spelled out because rkyv's enum derive declares a discriminant type named `Tag` in its scope.
    Set(Vec<crate::tags::Tag>),
    All,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum TagSetRepr {
    Set(Vec<Tag>),
    All(AllMarker),
}

#[derive(serde::Serialize, serde::Deserialize)]
enum AllMarker {
    #[serde(rename = "all")]
    All,
}

impl TryFrom<TagSetRepr> for TagSet {
    type Error = Error;
    fn try_from(repr: TagSetRepr) -> Result<Self, Error> {
        match repr {
            TagSetRepr::Set(tags) => TagSet::from_tags(tags),
            TagSetRepr::All(AllMarker::All) => Ok(TagSet::All),
        }
    }
}

impl From<TagSet> for TagSetRepr {
    fn from(set: TagSet) -> Self {
        match set {
            TagSet::Set(tags) => TagSetRepr::Set(tags),
            TagSet::All => TagSetRepr::All(AllMarker::All),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("a label may carry at most {max} tags, this one has {count}")]
    TooManyTags { count: usize, max: usize },
    #[error(
        "tag set is not strictly increasing at position {position}; labels from outside must be canonical"
    )]
    NotCanonical { position: usize },
    #[error("unknown tag `{0}`; tags are created by naming them in the policy file's principals")]
    UnknownTag(String),
    #[error("the tag table is full ({max} tags)")]
    TableFull { max: usize },
}

impl TagSet {
    /// The empty set: the bottom of the tag lattice.
    pub fn empty() -> TagSet {
        TagSet::Set(Vec::new())
    }

    /// Builds a canonical set from tags in any order, with duplicates.
    pub fn from_tags(mut tags: Vec<Tag>) -> Result<TagSet, Error> {
        tags.sort_unstable();
        tags.dedup();
        if tags.len() > TAGS_PER_LABEL_MAX {
            return Err(Error::TooManyTags {
                count: tags.len(),
                max: TAGS_PER_LABEL_MAX,
            });
        }
        Ok(TagSet::Set(tags))
    }

    /// Verifies the canonical-form invariant of a value that did not come from a constructor.
    pub fn check(&self) -> Result<(), Error> {
        let TagSet::Set(tags) = self else {
            return Ok(());
        };
        if tags.len() > TAGS_PER_LABEL_MAX {
            return Err(Error::TooManyTags {
                count: tags.len(),
                max: TAGS_PER_LABEL_MAX,
            });
        }
        match tags.windows(2).position(|pair| pair[0] >= pair[1]) {
            Some(position) => Err(Error::NotCanonical {
                position: position + 1,
            }),
            None => Ok(()),
        }
    }

    /// `self ⊆ other`, by a merge over the two sorted lists.
    pub fn is_subset(&self, other: &TagSet) -> bool {
        let (small, large) = match (self, other) {
            (_, TagSet::All) => return true,
            (TagSet::All, TagSet::Set(_)) => return false,
            (TagSet::Set(small), TagSet::Set(large)) => (small, large),
        };
        if small.len() > large.len() {
            return false;
        }
        let mut rest = large.as_slice();
        for tag in small {
            // Tags are sorted, so everything before `tag`'s position in `rest` can be skipped for good.
            match rest.iter().position(|candidate| candidate >= tag) {
                Some(found) if rest[found] == *tag => rest = &rest[found + 1..],
                _ => return false,
            }
        }
        true
    }

    /// `self ∪ other`; fails only when the union exceeds [`TAGS_PER_LABEL_MAX`].
    pub fn union(&self, other: &TagSet) -> Result<TagSet, Error> {
        match (self, other) {
            (TagSet::All, _) | (_, TagSet::All) => Ok(TagSet::All),
            (TagSet::Set(left), TagSet::Set(right)) => {
                let mut merged = Vec::with_capacity(left.len() + right.len());
                let (mut i, mut j) = (0, 0);
                while i < left.len() && j < right.len() {
                    match left[i].cmp(&right[j]) {
                        std::cmp::Ordering::Less => {
                            merged.push(left[i]);
                            i += 1;
                        }
                        std::cmp::Ordering::Greater => {
                            merged.push(right[j]);
                            j += 1;
                        }
                        std::cmp::Ordering::Equal => {
                            merged.push(left[i]);
                            i += 1;
                            j += 1;
                        }
                    }
                }
                merged.extend_from_slice(&left[i..]);
                merged.extend_from_slice(&right[j..]);
                if merged.len() > TAGS_PER_LABEL_MAX {
                    return Err(Error::TooManyTags {
                        count: merged.len(),
                        max: TAGS_PER_LABEL_MAX,
                    });
                }
                Ok(TagSet::Set(merged))
            }
        }
    }

    pub fn tags(&self) -> Option<&[Tag]> {
        match self {
            TagSet::Set(tags) => Some(tags),
            TagSet::All => None,
        }
    }
}

/// The most distinct tags one table hands out; far above the "many thousands of principals" a
/// cluster is built for, and a bound on the table's memory.
pub const TAGS_MAX: usize = 1 << 20;

/// Interns tag names. Numbers are handed out in order of first mention, so loading the same policy
/// file always yields the same numbers.
#[derive(Clone, Debug, Default)]
pub struct TagTable {
    names: Vec<String>,
    by_name: HashMap<String, Tag>,
}

impl TagTable {
    pub fn new() -> TagTable {
        TagTable::default()
    }

    /// Returns the tag named `name`, creating it if it is new.
    pub fn intern(&mut self, name: &str) -> Result<Tag, Error> {
        if let Some(tag) = self.by_name.get(name) {
            return Ok(*tag);
        }
        if self.names.len() >= TAGS_MAX {
            return Err(Error::TableFull { max: TAGS_MAX });
        }
        let tag = Tag(self.names.len() as u32);
        self.names.push(name.to_owned());
        self.by_name.insert(name.to_owned(), tag);
        Ok(tag)
    }

    pub fn lookup(&self, name: &str) -> Result<Tag, Error> {
        self.by_name
            .get(name)
            .copied()
            .ok_or_else(|| Error::UnknownTag(name.to_owned()))
    }

    pub fn name(&self, tag: Tag) -> Option<&str> {
        self.names.get(tag.0 as usize).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// The lattice of tag sets on its own (no policy levels): ⊑ is ⊆, join is ∪, bottom is ∅, top is `All`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TagLattice;

impl crate::Lattice for TagLattice {
    type Label = TagSet;

    fn flows(&self, from: &TagSet, to: &TagSet) -> bool {
        from.is_subset(to)
    }

    fn join(&self, a: &TagSet, b: &TagSet) -> Option<TagSet> {
        a.union(b).ok()
    }

    fn bottom(&self) -> TagSet {
        TagSet::empty()
    }

    fn top(&self) -> TagSet {
        TagSet::All
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(tags: &[u32]) -> TagSet {
        TagSet::from_tags(tags.iter().map(|t| Tag(*t)).collect()).unwrap()
    }

    #[test]
    fn subset_follows_set_inclusion() {
        assert!(set(&[]).is_subset(&set(&[1])));
        assert!(set(&[1, 3]).is_subset(&set(&[1, 2, 3])));
        assert!(!set(&[1, 4]).is_subset(&set(&[1, 2, 3])));
        assert!(!set(&[0]).is_subset(&set(&[1, 2, 3])));
        assert!(set(&[5, 9]).is_subset(&TagSet::All));
        assert!(!TagSet::All.is_subset(&set(&[5, 9])));
    }

    #[test]
    fn constructor_canonicalises_and_check_catches_hostile_order() {
        assert_eq!(
            set(&[3, 1, 3, 2]),
            TagSet::Set(vec![Tag(1), Tag(2), Tag(3)])
        );
        assert_eq!(
            TagSet::Set(vec![Tag(2), Tag(1)]).check(),
            Err(Error::NotCanonical { position: 1 })
        );
        assert_eq!(
            TagSet::Set(vec![Tag(2), Tag(2)]).check(),
            Err(Error::NotCanonical { position: 1 })
        );
        let too_many: Vec<Tag> = (0..TAGS_PER_LABEL_MAX as u32 + 1).map(Tag).collect();
        assert!(matches!(
            TagSet::from_tags(too_many),
            Err(Error::TooManyTags { .. })
        ));
    }

    #[test]
    fn union_is_sorted_and_bounded() {
        assert_eq!(
            set(&[1, 5]).union(&set(&[2, 5, 7])).unwrap(),
            set(&[1, 2, 5, 7])
        );
        let left: Vec<Tag> = (0..40).map(Tag).collect();
        let right: Vec<Tag> = (40..80).map(Tag).collect();
        let left = TagSet::from_tags(left).unwrap();
        let right = TagSet::from_tags(right).unwrap();
        assert!(matches!(
            left.union(&right),
            Err(Error::TooManyTags { count: 80, .. })
        ));
    }

    #[test]
    fn serde_canonicalises_json_and_rejects_unknown_forms() {
        let parsed: TagSet = serde_json::from_str("[3,1]").unwrap();
        assert_eq!(parsed, set(&[1, 3]));
        let all: TagSet = serde_json::from_str("\"all\"").unwrap();
        assert_eq!(all, TagSet::All);
        assert_eq!(serde_json::to_string(&TagSet::All).unwrap(), "\"all\"");
        assert!(serde_json::from_str::<TagSet>("\"most\"").is_err());
    }

    #[test]
    fn table_interns_in_order_of_first_mention() {
        let mut table = TagTable::new();
        assert_eq!(table.intern("alice").unwrap(), Tag(0));
        assert_eq!(table.intern("bob").unwrap(), Tag(1));
        assert_eq!(table.intern("alice").unwrap(), Tag(0));
        assert_eq!(table.name(Tag(1)), Some("bob"));
        assert!(matches!(table.lookup("carol"), Err(Error::UnknownTag(_))));
    }
}
