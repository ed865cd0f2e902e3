//! A cluster's security policy: the declared level order, the tag table and the principals, loaded
//! from a TOML file, and the product lattice over them.
//!
//! The file format (see `examples/photo-policy.toml`):
//!
//! ```toml
//! [lattice]
//! levels = ["bottom", "public", "owner", "top"]   # optional; when given, `order` may use no other name
//! order = [
//!   "bottom < public",
//!   "public < owner < top",          # chains are allowed
//!   "photog1, photog2 < owner",      # so are groups: every name left of `<` is below every name right of it
//! ]
//!
//! [[principal]]
//! name = "alice"
//! label = "client1{alice}"            # level, then optional secrecy tags in braces
//! ```
//!
//! Without a `[lattice]` section the order has the single level `public` and principals are kept
//! apart by tags alone. Label text is `LEVEL`, `LEVEL{tag, …}`, `{tag, …}` (at the bottom level) or
//! `LEVEL{*}` (all tags).

use std::collections::HashMap;
use std::fmt;

use crate::Lattice;
use crate::label::Label;
use crate::levels::{self, LevelOrder};
use crate::tags::{self, Tag, TagSet, TagTable};

/// The most principals one policy may name.
pub const PRINCIPALS_MAX: usize = 1 << 20;
/// The longest principal, level or tag name.
pub const NAME_BYTES_MAX: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{origin}: {message}")]
    Syntax { origin: String, message: String },
    #[error("{origin}:{line}: {message}")]
    At {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{origin}: {source}")]
    Order {
        origin: String,
        source: levels::Error,
    },
    #[error("bad label `{text}`: {message}")]
    Label { text: String, message: String },
    #[error("label is not valid in this policy: {0}")]
    Invalid(String),
    /// A new policy that would change what existing data means (see [`Policy::rebase`]).
    #[error("{0}")]
    Relabel(String),
}

/// An authenticated user (or service) and the label its jobs run at.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Principal {
    pub name: String,
    pub label: Label,
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) levels: LevelOrder,
    pub(crate) tags: TagTable,
    pub(crate) principals: Vec<Principal>,
    pub(crate) principal_index: HashMap<String, usize>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    lattice: Option<LatticeSection>,
    #[serde(default, rename = "principal")]
    principals: Vec<PrincipalEntry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LatticeSection {
    levels: Option<Vec<toml::Spanned<String>>>,
    order: Vec<toml::Spanned<String>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PrincipalEntry {
    name: toml::Spanned<String>,
    label: toml::Spanned<String>,
}

/// Tracks byte offsets to line numbers, computed only when an error needs one.
struct Source<'a> {
    origin: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn at(&self, offset: usize, message: impl Into<String>) -> Error {
        let line = self.text.as_bytes()[..offset.min(self.text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Error::At {
            origin: self.origin.to_owned(),
            line,
            message: message.into(),
        }
    }
}

impl Policy {
    /// A policy with the single level `public` and no principals.
    pub fn tags_only() -> Policy {
        Policy::from_parts(LevelOrder::single("public"), TagTable::new())
    }

    pub(crate) fn from_parts(levels: LevelOrder, tags: TagTable) -> Policy {
        Policy {
            levels,
            tags,
            principals: Vec::new(),
            principal_index: HashMap::new(),
        }
    }

    /// Parses a policy file. `origin` names the file in error messages (the crate does no I/O).
    pub fn from_toml(origin: &str, text: &str) -> Result<Policy, Error> {
        let source = Source { origin, text };
        let file: PolicyFile = toml::from_str(text).map_err(|e| Error::Syntax {
            origin: origin.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        let levels = match file.lattice {
            None => LevelOrder::single("public"),
            Some(section) => parse_order(&source, section)?,
        };
        let mut policy = Policy::from_parts(levels, TagTable::new());
        if file.principals.len() > PRINCIPALS_MAX {
            return Err(Error::Syntax {
                origin: origin.to_owned(),
                message: format!(
                    "{} principals; at most {PRINCIPALS_MAX} are allowed",
                    file.principals.len()
                ),
            });
        }
        policy.principals.reserve(file.principals.len());
        for entry in file.principals {
            let name = entry.name.get_ref();
            check_name(name).map_err(|m| source.at(entry.name.span().start, m))?;
            if policy.principal_index.contains_key(name.as_str()) {
                return Err(source.at(
                    entry.name.span().start,
                    format!("principal `{name}` is declared twice"),
                ));
            }
            let label = policy
                .parse_label_creating_tags(entry.label.get_ref())
                .map_err(|e| source.at(entry.label.span().start, e.to_string()))?;
            policy
                .principal_index
                .insert(name.clone(), policy.principals.len());
            policy.principals.push(Principal {
                name: entry.name.into_inner(),
                label,
            });
        }
        Ok(policy)
    }

    pub fn levels(&self) -> &LevelOrder {
        &self.levels
    }

    pub fn tags(&self) -> &TagTable {
        &self.tags
    }

    pub fn principals(&self) -> &[Principal] {
        &self.principals
    }

    pub fn principal(&self, name: &str) -> Option<&Principal> {
        self.principal_index.get(name).map(|&i| &self.principals[i])
    }

    /// Parses label text; every tag must already be known to the policy.
    pub fn parse_label(&self, text: &str) -> Result<Label, Error> {
        parse_label_text(&self.levels, text, &mut |name| self.tags.lookup(name))
    }

    /// Parses label text where naming a tag creates it (the policy file itself, and a user added
    /// with a label that names a new tag).
    pub fn parse_label_creating_tags(&mut self, text: &str) -> Result<Label, Error> {
        let tags = &mut self.tags;
        parse_label_text(&self.levels, text, &mut |name| tags.intern(name))
    }

    /// Checks a label that came from outside (network, disk): its level exists and its tag set is
    /// canonical. Labels from this policy's own constructors always pass.
    pub fn check_label(&self, label: &Label) -> Result<(), Error> {
        if !self.levels.contains(label.level) {
            return Err(Error::Invalid(format!(
                "level {} does not exist",
                label.level.0
            )));
        }
        label
            .tags
            .check()
            .map_err(|e| Error::Invalid(e.to_string()))?;
        if let Some(unknown) = label
            .tags
            .tags()
            .and_then(|t| t.iter().find(|t| self.tags.name(**t).is_none()))
        {
            return Err(Error::Invalid(format!("tag {unknown} does not exist")));
        }
        Ok(())
    }

    /// Renders a label in the text syntax [`Policy::parse_label`] reads.
    pub fn display<'a>(&'a self, label: &'a Label) -> impl fmt::Display + 'a {
        LabelDisplay {
            policy: self,
            label,
        }
    }
}

struct LabelDisplay<'a> {
    policy: &'a Policy,
    label: &'a Label,
}

impl fmt::Display for LabelDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.policy.levels.name(self.label.level) {
            Some(name) => f.write_str(name)?,
            None => write!(f, "?level{}", self.label.level.0)?,
        }
        match &self.label.tags {
            TagSet::All => f.write_str("{*}"),
            TagSet::Set(tags) if tags.is_empty() => Ok(()),
            TagSet::Set(tags) => {
                f.write_str("{")?;
                for (i, tag) in tags.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    match self.policy.tags.name(*tag) {
                        Some(name) => f.write_str(name)?,
                        None => write!(f, "{tag}")?,
                    }
                }
                f.write_str("}")
            }
        }
    }
}

impl Lattice for Policy {
    type Label = Label;

    #[inline]
    fn flows(&self, from: &Label, to: &Label) -> bool {
        self.levels.flows(from.level, to.level) && from.tags.is_subset(&to.tags)
    }

    fn join(&self, a: &Label, b: &Label) -> Option<Label> {
        Some(Label {
            level: self.levels.join(a.level, b.level)?,
            tags: a.tags.union(&b.tags).ok()?,
        })
    }

    fn bottom(&self) -> Label {
        Label::at(self.levels.bottom())
    }

    fn top(&self) -> Label {
        Label {
            level: self.levels.top(),
            tags: TagSet::All,
        }
    }
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a name may not be empty".into());
    }
    if name.len() > NAME_BYTES_MAX {
        return Err(format!(
            "name is {} bytes; at most {NAME_BYTES_MAX} are allowed",
            name.len()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')))
    {
        return Err(format!(
            "name `{name}` contains `{bad}`; use letters, digits, `_`, `-`, `.` or `@`"
        ));
    }
    Ok(())
}

fn parse_order(source: &Source<'_>, section: LatticeSection) -> Result<LevelOrder, Error> {
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let declared = section.levels.is_some();
    for declared_name in section.levels.iter().flatten() {
        let name = declared_name.get_ref().trim();
        check_name(name).map_err(|m| source.at(declared_name.span().start, m))?;
        if index.insert(name.to_owned(), names.len()).is_some() {
            return Err(source.at(
                declared_name.span().start,
                format!("level `{name}` is listed twice"),
            ));
        }
        names.push(name.to_owned());
    }
    // Edges remember the statement they came from, so a cycle can be blamed on a line.
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut edge_statement: Vec<usize> = Vec::new();
    for (statement, text) in section.order.iter().enumerate() {
        let offset = text.span().start;
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for group in text.get_ref().split('<') {
            let mut members = Vec::new();
            for name in group.split(',').map(str::trim) {
                check_name(name)
                    .map_err(|m| source.at(offset, format!("in `{}`: {m}", text.get_ref())))?;
                let level = match index.get(name) {
                    Some(&level) => level,
                    None if declared => {
                        return Err(source.at(
                            offset,
                            format!("unknown level `{name}`: it is not in `levels`"),
                        ));
                    }
                    None => {
                        index.insert(name.to_owned(), names.len());
                        names.push(name.to_owned());
                        names.len() - 1
                    }
                };
                members.push(level);
            }
            groups.push(members);
        }
        for pair in groups.windows(2) {
            for &lower in &pair[0] {
                for &upper in &pair[1] {
                    edges.push((lower, upper));
                    edge_statement.push(statement);
                }
            }
        }
    }
    LevelOrder::new_locating(names, &edges).map_err(|failure| {
        match edge_statement.get(failure.edge) {
            Some(&statement) => source.at(
                section.order[statement].span().start,
                failure.error.to_string(),
            ),
            None => Error::Order {
                origin: source.origin.to_owned(),
                source: failure.error,
            },
        }
    })
}

fn parse_label_text(
    levels: &LevelOrder,
    text: &str,
    resolve_tag: &mut dyn FnMut(&str) -> Result<Tag, tags::Error>,
) -> Result<Label, Error> {
    let fail = |message: String| Error::Label {
        text: text.to_owned(),
        message,
    };
    let trimmed = text.trim();
    let (level_text, tags_text) = match trimmed.find('{') {
        None => (trimmed, None),
        Some(open) => {
            let inner = trimmed[open + 1..]
                .strip_suffix('}')
                .ok_or_else(|| fail("tags must end with `}`".into()))?;
            (trimmed[..open].trim(), Some(inner))
        }
    };
    let level = if level_text.is_empty() {
        levels.bottom()
    } else {
        levels
            .level(level_text)
            .ok_or_else(|| fail(format!("unknown level `{level_text}`")))?
    };
    let set = match tags_text.map(str::trim) {
        None | Some("") => TagSet::empty(),
        Some("*") => TagSet::All,
        Some(list) => {
            let mut found = Vec::new();
            for name in list.split(',').map(str::trim) {
                check_name(name).map_err(fail)?;
                found.push(resolve_tag(name).map_err(|e| fail(e.to_string()))?);
            }
            TagSet::from_tags(found).map_err(|e| fail(e.to_string()))?
        }
    };
    Ok(Label::new(level, set))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Level;

    #[test]
    fn tags_only_policy_has_one_level() {
        let policy = Policy::from_toml(
            "p.toml",
            "[[principal]]\nname = \"alice\"\nlabel = \"{alice}\"\n",
        )
        .unwrap();
        let alice = &policy.principal("alice").unwrap().label;
        assert_eq!(policy.display(alice).to_string(), "public{alice}");
        assert!(policy.flows(&policy.bottom(), alice));
        assert!(!policy.flows(alice, &policy.bottom()));
    }

    #[test]
    fn labels_round_trip_through_text() {
        let policy = Policy::from_toml(
            "p.toml",
            "[lattice]\norder = [\"low < high\"]\n[[principal]]\nname = \"a\"\nlabel = \"low{x,y}\"\n",
        )
        .unwrap();
        for text in ["low", "high{x}", "low{x,y}", "high{*}"] {
            let label = policy.parse_label(text).unwrap();
            assert_eq!(policy.display(&label).to_string(), text);
        }
        assert!(matches!(
            policy.parse_label("low{z}"),
            Err(Error::Label { .. })
        ));
        assert!(matches!(
            policy.parse_label("middle"),
            Err(Error::Label { .. })
        ));
        assert!(matches!(
            policy.parse_label("low{x"),
            Err(Error::Label { .. })
        ));
    }

    #[test]
    fn check_label_rejects_outside_garbage() {
        let policy = Policy::tags_only();
        assert!(policy.check_label(&policy.bottom()).is_ok());
        assert!(policy.check_label(&Label::at(Level(9))).is_err());
        let unknown_tag = Label::new(Level(0), TagSet::Set(vec![crate::Tag(3)]));
        assert!(policy.check_label(&unknown_tag).is_err());
    }
}
