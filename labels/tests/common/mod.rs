//! Generators shared by the property tests: random declared orders, random tag sets, random labels.

use proptest::prelude::*;
use sl_labels::{Label, Level, LevelOrder, Policy, Tag, TagSet};

/// A random order on `bottom`, `n` middle levels and `top`: middle edges go only from a lower to a
/// higher index, so the order is acyclic, and bottom/top are added so it is bounded.
pub fn level_order(max_middle: usize) -> impl Strategy<Value = LevelOrder> {
    (1..=max_middle)
        .prop_flat_map(|middle| {
            (
                Just(middle),
                proptest::collection::vec(any::<bool>(), middle * middle),
            )
        })
        .prop_map(|(middle, coin)| {
            let mut names = vec!["bottom".to_string()];
            names.extend((1..=middle).map(|i| format!("l{i}")));
            names.push("top".to_string());
            let top = middle + 1;
            let mut edges = Vec::new();
            for i in 1..=middle {
                edges.push((0, i));
                edges.push((i, top));
                for j in (i + 1)..=middle {
                    if coin[(i - 1) * middle + (j - 1)] {
                        edges.push((i, j));
                    }
                }
            }
            LevelOrder::new(names, &edges).expect("generated orders are acyclic and bounded")
        })
}

pub fn tag_set(universe: u32, max_len: usize) -> impl Strategy<Value = TagSet> {
    prop_oneof![
        20 => proptest::collection::vec(0..universe, 0..=max_len)
            .prop_map(|tags| TagSet::from_tags(tags.into_iter().map(Tag).collect()).expect("small")),
        1 => Just(TagSet::All),
    ]
}

pub fn level(order_len: usize) -> impl Strategy<Value = Level> {
    (0..order_len).prop_map(|i| Level(i as u16))
}

pub fn label(order_len: usize, universe: u32) -> impl Strategy<Value = Label> {
    (level(order_len), tag_set(universe, 4)).prop_map(|(level, tags)| Label::new(level, tags))
}

/// A policy whose order is `order` and whose tag table knows tags `0..universe`.
pub fn policy_with(order: &LevelOrder, universe: u32) -> Policy {
    let mut text = String::from("[lattice]\norder = [\n");
    for a in order.levels() {
        for b in order.levels() {
            if a != b && order.flows(a, b) {
                text.push_str(&format!(
                    "  \"{} < {}\",\n",
                    order.name(a).unwrap(),
                    order.name(b).unwrap()
                ));
            }
        }
    }
    text.push_str("]\n");
    // One principal per tag creates the tags in order 0..universe.
    for t in 0..universe {
        text.push_str(&format!(
            "[[principal]]\nname = \"p{t}\"\nlabel = \"{{t{t}}}\"\n"
        ));
    }
    let policy = Policy::from_toml("generated.toml", &text).expect("generated policy loads");
    // The order written out as its full relation must load back to the same order, level by level.
    for a in order.levels() {
        for b in order.levels() {
            let (pa, pb) = (
                policy.levels().level(order.name(a).unwrap()).unwrap(),
                policy.levels().level(order.name(b).unwrap()).unwrap(),
            );
            assert_eq!(order.flows(a, b), policy.levels().flows(pa, pb));
        }
    }
    policy
}
