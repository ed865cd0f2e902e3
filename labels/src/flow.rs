//! The decisions the shim asks before any datum moves: may a task send to a sink, may it see an
//! item, may a declassifier lower a label. Each is a thin, named rule over a [`Lattice`], so the
//! rule and its reason live in one place.

use crate::Lattice;

/// A task at `task` may write to a queue, object, channel or result labelled `sink` only if
/// `task ⊑ sink`: data never flows down.
pub fn may_send<L: Lattice>(lattice: &L, task: &L::Label, sink: &L::Label) -> bool {
    lattice.flows(task, sink)
}

/// A task at `task` sees an item labelled `item` only if `item ⊑ task`. What it may not see must
/// behave as if it did not exist, so callers answer "not found", never "forbidden".
pub fn may_see<L: Lattice>(lattice: &L, task: &L::Label, item: &L::Label) -> bool {
    lattice.flows(item, task)
}

/// A declassifier's authority: it is trusted with data up to `from` and may release it as low as `to`.
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
pub struct Authority<Lbl> {
    pub from: Lbl,
    pub to: Lbl,
}

/// May a declassifier with `authority` move data labelled `data` to `target`?
///
/// Yes when no lowering is involved (`data ⊑ target`). Otherwise the data must be within what the
/// declassifier is trusted with (`data ⊑ from`) and the target must be at or above what it may
/// release to (`to ⊑ target`): the move is then "declassify to `to`, then flow up to `target`",
/// and never reaches below `to`. Without this rule, authority `from → to` could be replayed to
/// lower anything.
pub fn may_declassify<L: Lattice>(
    lattice: &L,
    authority: &Authority<L::Label>,
    data: &L::Label,
    target: &L::Label,
) -> bool {
    lattice.flows(data, target)
        || (lattice.flows(data, &authority.from) && lattice.flows(&authority.to, target))
}
