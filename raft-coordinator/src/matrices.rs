//! The catalog of tiled matrices (numpywren's BigMatrix metadata): a name, its shape, tile size and
//! the generation its tiles are stored under in the object store. Tiles themselves never pass
//! through the coordinator.
//!
//! Names are faceted like KV keys: each label has its own facet of a name, so a user never learns
//! that a name is taken at a label they may not see. A reader resolves a name to the facet at its
//! own label, else to the only facet it may see; two visible facets and none at its own label are
//! ambiguous (the admin, who reads at the top, then names the label's owner's facet by removing the
//! others or by reading as that user).
//!
//! Invariants: a generation is referenced by at most one facet (a replaced facet's generation is
//! returned so its tiles can be deleted); bounded names, facets per name and matrices.
//!
//! Integrity: tiles are written at their writer's label, and a reader takes a tile as part of a
//! matrix only when the tile's label is the matrix's (see `sl_node::lambdapack`): a tile someone
//! else put under the generation is a missing tile, never content.

use std::collections::BTreeMap;

use sl_labels::Label;

use crate::machine::{Machine, Reject, Reply};

#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct MatrixMeta {
    pub rows: u64,
    pub cols: u64,
    pub tile: u64,
    /// Object keys of its tiles are `mx/{generation:016x}/{i}/{j}/`.
    pub generation: u64,
    pub label: Label,
    /// The execution that wrote it, if any.
    pub dag: Option<u64>,
}

pub const NAME_BYTES_MAX: usize = 128;
pub const FACETS_PER_NAME_MAX: usize = 16;
pub const MATRICES_MAX: usize = 100_000;
/// Elements on a side; a tile count per side is bounded by what fits the index arithmetic.
pub const SIDE_MAX: u64 = 1 << 24;

/// Checks a matrix name: printable, no slashes or spaces, so it can name files and keys.
pub fn name_ok(name: &str) -> Result<(), Reject> {
    if name.is_empty() || name.len() > NAME_BYTES_MAX {
        return Err(Reject::Invalid(format!(
            "a matrix name is 1 to {NAME_BYTES_MAX} bytes"
        )));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(Reject::Invalid(format!(
            "matrix name {name:?}: use letters, digits, '_', '-' and '.'"
        )));
    }
    Ok(())
}

pub fn shape_ok(meta: &MatrixMeta) -> Result<(), Reject> {
    if meta.rows == 0 || meta.cols == 0 || meta.rows > SIDE_MAX || meta.cols > SIDE_MAX {
        return Err(Reject::Invalid(format!(
            "a matrix has 1 to {SIDE_MAX} rows and columns"
        )));
    }
    if meta.tile == 0 || meta.tile > SIDE_MAX {
        return Err(Reject::Invalid("the tile size is 1 or more".into()));
    }
    Ok(())
}

impl Machine {
    /// Records `meta` under `name` at `meta.label`, replacing that label's facet. Replies with the
    /// replaced facet's generation (`Reply::Generation`), whose tiles the caller deletes.
    pub(crate) fn matrix_put(&mut self, name: &str, meta: &MatrixMeta) -> Reply {
        if let Err(reject) = name_ok(name).and_then(|()| shape_ok(meta)) {
            return Reply::Rejected(reject);
        }
        if self.policy.check_label(&meta.label).is_err() {
            return Reply::Rejected(Reject::Invalid(
                "the matrix's label is not valid in this cluster's policy".into(),
            ));
        }
        // A generation belongs to one facet: recording another's generation under a new name
        // would let its owner-to-be delete (`matrix rm`) tiles someone else's matrix reads.
        let taken = self
            .state
            .matrices
            .iter()
            .flat_map(|(n, facets)| facets.iter().map(move |m| (n, m)))
            .any(|(n, m)| m.generation == meta.generation && !(n == name && m.label == meta.label));
        if taken {
            return Reply::Rejected(Reject::Invalid(
                "that generation belongs to another matrix; upload under a fresh one".into(),
            ));
        }
        insert_facet(&mut self.state.matrices, name, meta.clone())
    }

    /// Removes the facet of `name` at `label`; replies with its generation.
    pub(crate) fn matrix_remove(&mut self, name: &str, label: &Label) -> Reply {
        let Some(facets) = self.state.matrices.get_mut(name) else {
            return Reply::Rejected(Reject::NotFound);
        };
        let Some(at) = facets.iter().position(|m| &m.label == label) else {
            return Reply::Rejected(Reject::NotFound);
        };
        let removed = facets.remove(at);
        if facets.is_empty() {
            self.state.matrices.remove(name);
        }
        Reply::Generation(Some(removed.generation))
    }

    /// The facet of `name` a reader at `reader` resolves to.
    pub fn matrix_lookup(&self, name: &str, reader: &Label) -> Result<MatrixMeta, Reject> {
        use sl_labels::Lattice;
        let facets = self.state.matrices.get(name).ok_or(Reject::NotFound)?;
        if let Some(own) = facets.iter().find(|m| &m.label == reader) {
            return Ok(own.clone());
        }
        let mut visible = facets
            .iter()
            .filter(|m| self.policy.flows(&m.label, reader));
        match (visible.next(), visible.next()) {
            (Some(only), None) => Ok(only.clone()),
            (None, _) => Err(Reject::NotFound),
            (Some(_), Some(_)) => Err(Reject::Invalid(format!(
                "matrix {name} exists at several labels you may read; remove or rename one"
            ))),
        }
    }

    /// Every facet a reader at `reader` may see, by name.
    pub fn matrices_seen(&self, reader: &Label) -> Vec<(String, MatrixMeta)> {
        use sl_labels::Lattice;
        self.state
            .matrices
            .iter()
            .flat_map(|(name, facets)| facets.iter().map(move |m| (name, m)))
            .filter(|(_, m)| self.policy.flows(&m.label, reader))
            .map(|(name, m)| (name.clone(), m.clone()))
            .collect()
    }
}

/// Inserts or replaces the facet at `meta.label`; used by `matrix_put` and by executions that
/// finish (their outputs).
pub(crate) fn insert_facet(
    matrices: &mut BTreeMap<String, Vec<MatrixMeta>>,
    name: &str,
    meta: MatrixMeta,
) -> Reply {
    let total: usize = matrices.values().map(Vec::len).sum();
    let facets = matrices.entry(name.to_owned()).or_default();
    if let Some(existing) = facets.iter_mut().find(|m| m.label == meta.label) {
        let replaced = std::mem::replace(existing, meta);
        return Reply::Generation(Some(replaced.generation).filter(|g| *g != existing.generation));
    }
    if facets.len() >= FACETS_PER_NAME_MAX || total >= MATRICES_MAX {
        if facets.is_empty() {
            matrices.remove(name);
        }
        return Reply::Rejected(Reject::Limit(format!(
            "at most {MATRICES_MAX} matrices and {FACETS_PER_NAME_MAX} labels per name"
        )));
    }
    facets.push(meta);
    Reply::Generation(None)
}
