//! The lattice laws, for tag sets, declared orders and their product: ⊑ is reflexive, antisymmetric
//! and transitive; bottom and top bound everything; `join`, wherever it answers, is the least upper
//! bound — and it answers exactly where a least upper bound exists (checked by brute force).

mod common;

use proptest::prelude::*;
use sl_labels::{Label, Lattice, Level, LevelOrder, TagLattice, TagSet};

fn check_order_laws<L: Lattice>(
    lattice: &L,
    a: &L::Label,
    b: &L::Label,
    c: &L::Label,
) -> Result<(), TestCaseError> {
    prop_assert!(lattice.flows(a, a), "reflexive");
    if lattice.flows(a, b) && lattice.flows(b, a) {
        prop_assert_eq!(a, b, "antisymmetric");
    }
    if lattice.flows(a, b) && lattice.flows(b, c) {
        prop_assert!(lattice.flows(a, c), "transitive");
    }
    prop_assert!(
        lattice.flows(&lattice.bottom(), a),
        "bottom is below everything"
    );
    prop_assert!(lattice.flows(a, &lattice.top()), "top is above everything");
    Ok(())
}

/// `join(a, b)` against brute force over `universe`, a set of labels closed enough to contain every
/// upper bound that matters (all levels of a declared order).
fn check_join_is_lub<L: Lattice>(
    lattice: &L,
    a: &L::Label,
    b: &L::Label,
    universe: &[L::Label],
) -> Result<(), TestCaseError> {
    let uppers: Vec<&L::Label> = universe
        .iter()
        .filter(|u| lattice.flows(a, u) && lattice.flows(b, u))
        .collect();
    let least = uppers
        .iter()
        .find(|&&candidate| uppers.iter().all(|u| lattice.flows(candidate, u)));
    match (lattice.join(a, b), least) {
        (Some(join), Some(&least)) => prop_assert_eq!(&join, least),
        (None, None) => {}
        (Some(join), None) => {
            prop_assert!(
                lattice.flows(a, &join) && lattice.flows(b, &join),
                "join is an upper bound"
            );
            prop_assert!(
                uppers.iter().all(|u| lattice.flows(&join, u)),
                "join is below every upper bound"
            );
        }
        (None, Some(least)) => prop_assert!(false, "join missed the least upper bound {least:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn tag_sets_are_a_lattice(
        a in common::tag_set(12, 6), b in common::tag_set(12, 6), c in common::tag_set(12, 6)
    ) {
        check_order_laws(&TagLattice, &a, &b, &c)?;
        let join = TagLattice.join(&a, &b).expect("unions of small sets stay within the bound");
        prop_assert!(TagLattice.flows(&a, &join) && TagLattice.flows(&b, &join));
        // Least: every upper bound among a few candidates, including c, contains the join.
        for upper in [c.clone(), TagLattice.top(), join.clone()] {
            if TagLattice.flows(&a, &upper) && TagLattice.flows(&b, &upper) {
                prop_assert!(TagLattice.flows(&join, &upper));
            }
        }
    }

    #[test]
    fn declared_orders_are_partial_orders_with_lubs(
        (order, a, b, c) in common::level_order(10).prop_flat_map(|order| {
            let n = order.len();
            (Just(order), common::level(n), common::level(n), common::level(n))
        })
    ) {
        check_order_laws(&order, &a, &b, &c)?;
        let universe: Vec<Level> = order.levels().collect();
        check_join_is_lub(&order, &a, &b, &universe)?;
    }

    #[test]
    fn product_labels_are_partial_orders_with_lubs(
        (order, a, b, c) in common::level_order(6).prop_flat_map(|order| {
            let n = order.len();
            (Just(order), common::label(n, 5), common::label(n, 5), common::label(n, 5))
        })
    ) {
        let policy = common::policy_with(&order, 5);
        // Labels were generated against `order`; map their levels into the policy's numbering.
        let remap = |label: &Label| Label::new(
            policy.levels().level(order.name(label.level).unwrap()).unwrap(),
            label.tags.clone(),
        );
        let (a, b, c) = (remap(&a), remap(&b), remap(&c));
        check_order_laws(&policy, &a, &b, &c)?;
        // Universe: every level paired with every subset of the 5 tags, plus `All`.
        let mut universe = Vec::new();
        for level in policy.levels().levels() {
            for mask in 0u32..32 {
                let tags = (0..5).filter(|t| mask & (1 << t) != 0).map(sl_labels::Tag).collect();
                universe.push(Label::new(level, TagSet::from_tags(tags).unwrap()));
            }
            universe.push(Label::new(level, TagSet::All));
        }
        check_join_is_lub(&policy, &a, &b, &universe)?;
    }
}

#[test]
fn a_poset_without_joins_is_reported_as_such() {
    let names = ["bottom", "a", "b", "c", "d", "top"]
        .map(String::from)
        .to_vec();
    let bowtie = LevelOrder::new(
        names,
        &[
            (0, 1),
            (0, 2),
            (1, 3),
            (1, 4),
            (2, 3),
            (2, 4),
            (3, 5),
            (4, 5),
        ],
    )
    .unwrap();
    assert_eq!(Lattice::join(&bowtie, &Level(1), &Level(2)), None);
}
