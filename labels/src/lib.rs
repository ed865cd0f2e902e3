//! `sl-labels`: every information-flow decision slnode makes.
//!
//! Purpose: the security lattice (tag sets, a declared order of named levels, and their product
//! [`Label`]), principals, the send/see/declassify rules, and the semantics of faceted values.
//! The node's shim, the coordinator's state machine and the object store all ask this crate and
//! nothing else whether a datum may move.
//!
//! Boundary: pure. No sockets, files, clocks or randomness; the policy file arrives as a string.
//! Depends on no other slnode crate.
//!
//! Invariants:
//! * `flows` is a partial order on each lattice, and `join`, where it returns a value, is the least
//!   upper bound (property-tested in `tests/lattice_laws.rs`).
//! * Tag sets are canonical (strictly increasing, bounded); labels from outside are checked with
//!   [`Policy::check_label`] before use, and malformed ones flow nowhere rather than panic.
//! * A faceted read at `l` depends only on writes at labels `⊑ l` (`tests/faceted_noninterference.rs`).

pub mod faceted;
pub mod flow;
pub mod label;
pub mod levels;
pub mod policy;
pub mod replicated;
pub mod tags;

pub use faceted::{Facet, Faceted};
pub use flow::{Authority, may_declassify, may_see, may_send};
pub use label::Label;
pub use levels::{Level, LevelOrder};
pub use policy::{Policy, Principal};
pub use replicated::{PolicyImage, SharedPolicy};
pub use tags::{Tag, TagLattice, TagSet, TagTable};

/// A (bounded) lattice of labels: a partial order with a bottom and a top in which joins may or may
/// not exist for every pair (a declared order need not be a full lattice).
pub trait Lattice {
    type Label: Clone + PartialEq + std::fmt::Debug;

    /// `from ⊑ to`: may data labelled `from` flow to an observer at `to`?
    fn flows(&self, from: &Self::Label, to: &Self::Label) -> bool;

    /// The least upper bound, or `None` where the order has none (or a bound is exceeded).
    fn join(&self, a: &Self::Label, b: &Self::Label) -> Option<Self::Label>;

    fn bottom(&self) -> Self::Label;

    fn top(&self) -> Self::Label;
}
