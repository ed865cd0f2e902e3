//! Faceted values: the semantics of slnode's shared key-value store (Trapeze's faceted store).
//!
//! A key holds one facet per label that has written it and not been overwritten from below:
//!
//! * `write(v, l)` removes every facet at a label `l'` with `l ⊑ l'` and adds `(v, l)`;
//! * `read(l)` returns the most recently written facet among those at labels `⊑ l`, or nothing.
//!
//! Writes never fail, so whether a write "took" reveals nothing to the writer. A write at `l` cannot
//! remove a facet at a label `l'' ⊑ r` for a reader `r` with `l ⋢ r` (that would need `l ⊑ l'' ⊑ r`),
//! which is why a reader's view depends only on writes at labels it may see. Versions come from a
//! counter inside the value, so "most recent" is a deterministic function of the write history.
//!
//! Bound: facets live at pairwise distinct labels, so a value never holds more facets than there are
//! distinct labels in use; the coordinator bounds those.

use crate::Lattice;

#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Facet<Lbl, V> {
    pub label: Lbl,
    pub version: u64,
    pub value: V,
}

#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Faceted<Lbl, V> {
    facets: Vec<Facet<Lbl, V>>,
    next_version: u64,
}

impl<Lbl, V> Default for Faceted<Lbl, V> {
    fn default() -> Self {
        Faceted {
            facets: Vec::new(),
            next_version: 0,
        }
    }
}

impl<Lbl: Clone + PartialEq, V> Faceted<Lbl, V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn write<L: Lattice<Label = Lbl>>(&mut self, lattice: &L, value: V, label: Lbl) {
        self.facets
            .retain(|facet| !lattice.flows(&label, &facet.label));
        let version = self.next_version;
        self.next_version += 1;
        debug_assert!(
            self.facets.iter().all(|facet| facet.version < version),
            "versions must increase so that the newest facet wins"
        );
        self.facets.push(Facet {
            label,
            version,
            value,
        });
    }

    pub fn read<L: Lattice<Label = Lbl>>(&self, lattice: &L, reader: &Lbl) -> Option<&V> {
        self.read_facet(lattice, reader).map(|facet| &facet.value)
    }

    /// The facet a reader at `reader` sees, with its label and version.
    pub fn read_facet<L: Lattice<Label = Lbl>>(
        &self,
        lattice: &L,
        reader: &Lbl,
    ) -> Option<&Facet<Lbl, V>> {
        self.facets
            .iter()
            .filter(|facet| lattice.flows(&facet.label, reader))
            .max_by_key(|facet| facet.version)
    }

    pub fn facets(&self) -> &[Facet<Lbl, V>] {
        &self.facets
    }

    pub fn is_empty(&self) -> bool {
        self.facets.is_empty()
    }
}
