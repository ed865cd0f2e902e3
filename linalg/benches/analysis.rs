//! `cargo bench -p sl-linalg`: the implicit-DAG analysis. Goal (issue 8): children of every node of
//! Cholesky with N = 64 (45,760 nodes) in under one second in total. Also parents, and the cost of
//! one query as the problem grows (it must not grow beyond the answer's size).

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sl_linalg::dag::Dag;
use sl_linalg::programs::shipped;

fn all_children(c: &mut Criterion) {
    let program = shipped("cholesky").expect("shipped");
    let args = HashMap::from([("N".to_string(), 64i64)]);
    let dag = Dag::new(&program, &args).expect("binds");
    let nodes = dag.expand().expect("expands");
    assert_eq!(nodes.len(), 45_760);
    let mut group = c.benchmark_group("cholesky_n64_all_nodes");
    group.sample_size(10);
    group.bench_function("children", |b| {
        b.iter(|| {
            nodes
                .iter()
                .map(|n| dag.children(black_box(n)).expect("ok").len())
                .sum::<usize>()
        })
    });
    group.bench_function("parents", |b| {
        b.iter(|| {
            nodes
                .iter()
                .map(|n| dag.parents(black_box(n)).expect("ok").len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn one_query_as_n_grows(c: &mut Criterion) {
    // The first chol's children are the N−1 trsms of column 0: the answer grows with N, so the
    // per-query cost should grow linearly; a middle syrk has at most 2 children whatever N is.
    let program = shipped("cholesky").expect("shipped");
    let mut group = c.benchmark_group("cholesky_one_query");
    for n in [16i64, 64, 256, 1024] {
        let args = HashMap::from([("N".to_string(), n)]);
        let dag = Dag::new(&program, &args).expect("binds");
        let syrk_template = program
            .templates
            .iter()
            .rposition(|t| t.kernel == sl_linalg::kernels::Kernel::Syrk)
            .expect("syrk") as u32;
        let node = sl_linalg::dag::Node {
            template: syrk_template,
            vars: vec![n / 2, n / 2 + 2, n / 2 + 1].into(),
        };
        assert!(dag.contains(&node).expect("ok"));
        group.bench_with_input(BenchmarkId::new("syrk_children", n), &node, |b, node| {
            b.iter(|| dag.children(black_box(node)).expect("ok"))
        });
        group.bench_with_input(BenchmarkId::new("syrk_parents", n), &node, |b, node| {
            b.iter(|| dag.parents(black_box(node)).expect("ok"))
        });
    }
    group.finish();
}

criterion_group!(benches, all_children, one_query_as_n_grows);
criterion_main!(benches);
