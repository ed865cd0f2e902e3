//! The local executor runs the shipped programs end to end and the results verify: residuals below
//! 1e-10, including sizes that are not multiples of the tile (ragged edge tiles) and tile counts
//! that are not powers of two (zero blocks in the reduction trees).

use std::collections::HashMap;

use sl_linalg::dag::Dag;
use sl_linalg::local::{self, Spec, Verify};
use sl_linalg::programs::shipped;

fn run(
    program_name: &str,
    args: &[(&str, i64)],
    rows: usize,
    cols: usize,
    tile: usize,
    verify: Verify,
    workers: usize,
) -> Vec<(&'static str, f64)> {
    let program = shipped(program_name).unwrap();
    let args: HashMap<String, i64> = args.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let dag = Dag::new(&program, &args).unwrap();
    let (inputs, outputs) = local::default_roles(&program);
    let spec = Spec {
        rows,
        cols,
        tile,
        inputs,
        outputs,
        verify: Some(verify),
        seed: 7,
    };
    let matrices = local::generate_inputs(&program, &spec).unwrap();
    let tiles = local::tiles_of(&spec, &matrices);
    let outcome = local::execute(&dag, &spec, tiles, workers, 1).unwrap();
    assert_eq!(outcome.stats.nodes, dag.expand().unwrap().len());
    let residuals = local::residuals(&spec, &matrices, &outcome, None).unwrap();
    eprintln!("{program_name} {rows}x{cols}/{tile}: {residuals:?}");
    assert!(!residuals.is_empty());
    for (name, value) in &residuals {
        assert!(
            *value < 1e-10,
            "{program_name} {rows}x{cols}/{tile}: {name} = {value:e}"
        );
    }
    residuals
}

#[test]
fn cholesky_verifies_with_ragged_tiles() {
    for (n, tile) in [(64, 64), (100, 32), (257, 64), (300, 50)] {
        let blocks = (n as i64 + tile as i64 - 1) / tile as i64;
        run(
            "cholesky",
            &[("N", blocks)],
            n,
            n,
            tile,
            Verify::Cholesky,
            2,
        );
    }
}

#[test]
fn gemm_verifies_with_non_power_of_two_reductions() {
    for (n, tile) in [(96, 32), (130, 32), (200, 40), (77, 11)] {
        let blocks = (n as i64 + tile as i64 - 1) / tile as i64;
        run("gemm", &[("N", blocks)], n, n, tile, Verify::Gemm, 2);
    }
}

#[test]
fn trsm_verifies() {
    for (n, tile) in [(64, 16), (90, 32)] {
        let blocks = (n as i64 + tile as i64 - 1) / tile as i64;
        run(
            "trsm",
            &[("N", blocks), ("M", blocks)],
            n,
            n,
            tile,
            Verify::Trsm,
            2,
        );
    }
}

#[test]
fn tsqr_verifies_for_odd_tree_widths() {
    for leaves in [1usize, 2, 3, 5, 8, 11] {
        let tile = 24;
        run(
            "tsqr",
            &[("N", leaves as i64)],
            leaves * tile,
            tile,
            tile,
            Verify::Qr,
            2,
        );
    }
}

#[test]
fn a_single_worker_gives_the_same_answer() {
    let one = run("cholesky", &[("N", 4)], 128, 128, 32, Verify::Cholesky, 1);
    let two = run("cholesky", &[("N", 4)], 128, 128, 32, Verify::Cholesky, 2);
    assert_eq!(
        one, two,
        "kernels are deterministic, so the schedule must not change the result"
    );
}

#[test]
fn a_non_spd_input_fails_with_the_node_named() {
    let program = shipped("cholesky").unwrap();
    let args = HashMap::from([("N".to_string(), 2i64)]);
    let dag = Dag::new(&program, &args).unwrap();
    let (inputs, outputs) = local::default_roles(&program);
    // No --verify: inputs are plain random matrices, not positive definite.
    let spec = Spec {
        rows: 32,
        cols: 32,
        tile: 16,
        inputs,
        outputs,
        verify: None,
        seed: 1,
    };
    let matrices = local::generate_inputs(&program, &spec).unwrap();
    let error = local::execute(&dag, &spec, local::tiles_of(&spec, &matrices), 2, 1)
        .err()
        .expect("must fail");
    let message = error.to_string();
    assert!(
        message.contains("chol(") && message.contains("not positive definite"),
        "{message}"
    );
}
