//! `cargo bench -p sl-labels`: the cost of a flow check and of loading a large policy.
//! Goals (issue 2): `flows` on tag sets of up to 8 tags under 50 ns; 10,000 principals load in
//! under 100 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sl_labels::{Label, Lattice, Level, Policy, Tag, TagSet};

fn tag_set(tags: &[u32]) -> TagSet {
    TagSet::from_tags(tags.iter().map(|&t| Tag(t)).collect()).expect("small set")
}

/// A policy file like a real deployment's: the photographer lattice and one tag per principal.
fn large_policy_toml(principals: usize) -> String {
    let mut text = String::from(
        "[lattice]\norder = [\n  \"bottom < public < photog1, photog2, client1, client2\",\n  \
         \"photog1, photog2, client1, client2 < owner < top\",\n]\n",
    );
    let levels = [
        "public", "photog1", "photog2", "client1", "client2", "owner",
    ];
    for i in 0..principals {
        text.push_str(&format!(
            "[[principal]]\nname = \"user{i}\"\nlabel = \"{}{{user{i}}}\"\n",
            levels[i % levels.len()]
        ));
    }
    text
}

fn flows(c: &mut Criterion) {
    let mut group = c.benchmark_group("flows");
    let small = tag_set(&[3, 17, 40, 41, 90, 200, 511, 1000]);
    let large = tag_set(&[1, 3, 17, 40, 41, 77, 90, 200, 511, 1000, 4000]);
    let miss = tag_set(&[3, 17, 40, 41, 90, 200, 511, 1001]);
    group.bench_function("tags8_subset_true", |b| {
        b.iter(|| black_box(&small).is_subset(black_box(&large)))
    });
    group.bench_function("tags8_subset_false_last", |b| {
        b.iter(|| black_box(&miss).is_subset(black_box(&large)))
    });
    group.bench_function("tags8_equal", |b| {
        b.iter(|| black_box(&small).is_subset(black_box(&small)))
    });

    let policy = Policy::from_toml("bench.toml", &large_policy_toml(100)).expect("bench policy");
    let from = Label::new(Level(1), small.clone());
    let to = Label::new(
        policy.levels().level("owner").expect("owner"),
        large.clone(),
    );
    group.bench_function("label8_product", |b| {
        b.iter(|| policy.flows(black_box(&from), black_box(&to)))
    });
    group.finish();
}

fn load(c: &mut Criterion) {
    let text = large_policy_toml(10_000);
    let mut group = c.benchmark_group("policy_load");
    group.sample_size(20);
    group.bench_function("principals_10000", |b| {
        b.iter(|| {
            let policy = Policy::from_toml("bench.toml", black_box(&text)).expect("loads");
            assert_eq!(policy.principals().len(), 10_000);
            policy
        })
    });
    group.finish();
}

criterion_group!(benches, flows, load);
criterion_main!(benches);
