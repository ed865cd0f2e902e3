//! Noninterference of the faceted store: a read at `l` depends only on the writes at labels `⊑ l`.
//! Two write histories that agree on those writes (same values, same order) give the same read at
//! `l`, however the writes above or beside `l` differ and interleave. And a write at `l` is visible
//! at once to every reader at or above `l`.

mod common;

use proptest::prelude::*;
use sl_labels::{Faceted, Label, Lattice, LevelOrder};

type Write = (Label, u32);

fn apply(policy: &impl Lattice<Label = Label>, history: &[Write]) -> Faceted<Label, u32> {
    let mut store = Faceted::new();
    for (label, value) in history {
        store.write(policy, *value, label.clone());
    }
    store
}

/// Interleaves `visible` (kept in order) with `hidden` at the positions `slots` picks.
fn interleave(visible: &[Write], hidden: &[Write], slots: &[usize]) -> Vec<Write> {
    let mut out = Vec::with_capacity(visible.len() + hidden.len());
    let mut hidden_iter = hidden.iter();
    for (i, write) in visible.iter().enumerate() {
        for _ in 0..slots.get(i).copied().unwrap_or(0) {
            if let Some(h) = hidden_iter.next() {
                out.push(h.clone());
            }
        }
        out.push(write.clone());
    }
    out.extend(hidden_iter.cloned());
    out
}

/// An order, a reader, three write histories and two interleavings.
type Scenario = (
    LevelOrder,
    Label,
    Vec<Write>,
    Vec<Write>,
    Vec<Write>,
    Vec<usize>,
    Vec<usize>,
);

fn scenario() -> impl Strategy<Value = Scenario> {
    common::level_order(6).prop_flat_map(|order| {
        let n = order.len();
        let writes = || proptest::collection::vec((common::label(n, 4), 0u32..1000), 0..12);
        let slots = || proptest::collection::vec(0usize..3, 0..12);
        (
            Just(order),
            common::label(n, 4),
            writes(),
            writes(),
            writes(),
            slots(),
            slots(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn reads_depend_only_on_writes_the_reader_may_see(
        (order, reader, shared, noise_a, noise_b, slots_a, slots_b) in scenario()
    ) {
        let policy = common::policy_with(&order, 4);
        let remap = |label: &Label| Label::new(
            policy.levels().level(order.name(label.level).unwrap()).unwrap(), label.tags.clone());
        let reader = remap(&reader);
        let visible: Vec<Write> = shared.iter().map(|(l, v)| (remap(l), *v))
            .filter(|(l, _)| policy.flows(l, &reader)).collect();
        let hidden = |noise: &[Write]| -> Vec<Write> {
            noise.iter().map(|(l, v)| (remap(l), *v)).filter(|(l, _)| !policy.flows(l, &reader)).collect()
        };
        let history_a = interleave(&visible, &hidden(&noise_a), &slots_a);
        let history_b = interleave(&visible, &hidden(&noise_b), &slots_b);
        let read_a = apply(&policy, &history_a).read(&policy, &reader).copied();
        let read_b = apply(&policy, &history_b).read(&policy, &reader).copied();
        prop_assert_eq!(read_a, read_b, "histories {:?} and {:?}", history_a, history_b);
        // And the value read is the last visible write, which is what "most recent" promises.
        prop_assert_eq!(read_a, visible.last().map(|(_, v)| *v));
    }

    #[test]
    fn a_write_is_seen_at_once_by_every_reader_above_it(
        (order, _reader, before, _noise, _more, _s, _t) in scenario(),
        value in 1000u32..2000,
    ) {
        let policy = common::policy_with(&order, 4);
        let remap = |label: &Label| Label::new(
            policy.levels().level(order.name(label.level).unwrap()).unwrap(), label.tags.clone());
        let history: Vec<Write> = before.iter().map(|(l, v)| (remap(l), *v)).collect();
        let Some((writer, _)) = history.first().cloned() else { return Ok(()) };
        let mut store = apply(&policy, &history);
        store.write(&policy, value, writer.clone());
        for level in policy.levels().levels() {
            for candidate in [Label::at(level), Label::new(level, writer.tags.clone()), Label::new(level, sl_labels::TagSet::All)] {
                if policy.flows(&writer, &candidate) {
                    prop_assert_eq!(store.read(&policy, &candidate), Some(&value));
                }
            }
        }
        // Facets stay at pairwise distinct labels: the bound the module documents.
        let labels: Vec<&Label> = store.facets().iter().map(|f| &f.label).collect();
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                prop_assert_ne!(a, b);
            }
        }
    }
}

#[test]
fn a_lower_write_shadows_higher_facets_and_a_higher_write_is_invisible_below() {
    let policy =
        sl_labels::Policy::from_toml("p.toml", "[lattice]\norder = [\"low < high\"]\n").unwrap();
    let low = policy.parse_label("low").unwrap();
    let high = policy.parse_label("high").unwrap();
    let mut store = Faceted::new();
    store.write(&policy, "secret", high.clone());
    assert_eq!(
        store.read(&policy, &low),
        None,
        "a high write must not be visible low"
    );
    assert_eq!(store.read(&policy, &high), Some(&"secret"));
    store.write(&policy, "public", low.clone());
    assert_eq!(
        store.read(&policy, &high),
        Some(&"public"),
        "the low write replaced the high facet"
    );
    assert_eq!(store.facets().len(), 1);
}
