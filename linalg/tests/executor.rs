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
    run_spec(
        program_name,
        args,
        rows,
        cols,
        None,
        tile,
        verify,
        None,
        workers,
    )
}

#[allow(clippy::too_many_arguments)]
fn run_spec(
    program_name: &str,
    args: &[(&str, i64)],
    rows: usize,
    cols: usize,
    inner: Option<usize>,
    tile: usize,
    verify: Verify,
    condition: Option<f64>,
    workers: usize,
) -> Vec<(&'static str, f64)> {
    let program = shipped(program_name).unwrap();
    let args: HashMap<String, i64> = args.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let dag = Dag::new(&program, &args).unwrap();
    let (inputs, outputs) = local::default_roles(&program, Some(verify));
    let spec = Spec {
        rows,
        cols,
        inner,
        tile,
        inputs,
        outputs,
        verify: Some(verify),
        seed: 7,
        condition,
    };
    let matrices = local::generate_inputs(&program, &spec).unwrap();
    let tiles = local::tiles_of(&spec, &matrices);
    let outcome = local::execute(&dag, &spec, tiles, workers, 1).unwrap();
    assert_eq!(outcome.stats.nodes, dag.expand().unwrap().len());
    let values = local::finish(&spec, &outcome).unwrap();
    let residuals = local::residuals(&spec, &matrices, &outcome, values.as_deref(), None).unwrap();
    eprintln!("{program_name} {rows}x{cols}/{tile} condition {condition:?}: {residuals:?}");
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
    let (inputs, outputs) = local::default_roles(&program, None);
    // No --verify: inputs are plain random matrices, not positive definite.
    let spec = Spec {
        rows: 32,
        cols: 32,
        inner: None,
        tile: 16,
        inputs,
        outputs,
        verify: None,
        seed: 1,
        condition: None,
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

fn tiles(n: usize, tile: usize) -> i64 {
    n.div_ceil(tile) as i64
}

#[test]
fn caqr_verifies_on_square_tall_ragged_and_ill_conditioned_inputs() {
    // (rows, cols, tile, condition): tree widths that are and are not powers of two, sizes that
    // are not multiples of the tile (padded), a single tile column, and graded inputs.
    for (rows, cols, tile, condition) in [
        (96, 96, 32, None),
        (160, 64, 32, None),
        (250, 90, 32, None),
        (70, 70, 16, Some(1e12)),
        (200, 120, 40, Some(1e8)),
        (64, 20, 32, None),
    ] {
        let args = [("M", tiles(rows, tile)), ("N", tiles(cols, tile))];
        run_spec(
            "qr",
            &args,
            rows,
            cols,
            None,
            tile,
            Verify::Qr,
            condition,
            2,
        );
    }
}

#[test]
fn svd_band_reduction_gives_gesdd_values() {
    for (rows, cols, tile) in [(96, 96, 32), (128, 128, 16), (100, 100, 24), (150, 90, 32)] {
        let args = [("M", tiles(rows, tile)), ("N", tiles(cols, tile))];
        run_spec("svd", &args, rows, cols, None, tile, Verify::Svd, None, 2);
    }
}

#[test]
fn svd_of_an_ill_conditioned_matrix_is_accurate_normwise() {
    // Graded to 1e-12: values at least 1e-3 of the largest keep 1e-10 relative accuracy and all
    // of them are within 1e-10 of the largest; tiny ones are not asked to be relatively exact.
    let residuals = run_spec(
        "svd",
        &[("M", 5), ("N", 5)],
        80,
        80,
        None,
        16,
        Verify::Svd,
        Some(1e12),
        2,
    );
    assert_eq!(residuals.len(), 2);
}

#[test]
fn rectangular_gemm_verifies() {
    // (M, N, K) with tile grids that are not square and reduction widths not powers of two.
    for (m, n, k, tile) in [(64, 32, 96, 32), (50, 70, 130, 16), (33, 17, 200, 40)] {
        let args = [
            ("M", tiles(m, tile)),
            ("N", tiles(n, tile)),
            ("K", tiles(k, tile)),
        ];
        run_spec(
            "gemm_rect",
            &args,
            m,
            n,
            Some(k),
            tile,
            Verify::Gemm,
            None,
            2,
        );
    }
}

#[test]
fn a_qr_run_with_too_few_tiles_is_reported_not_passed() {
    // M=2 row tiles for a 3-tile-tall matrix: the third row tile is never factored.
    let program = shipped("qr").unwrap();
    let args = HashMap::from([("M".to_string(), 2i64), ("N".to_string(), 1i64)]);
    let dag = Dag::new(&program, &args).unwrap();
    let (inputs, outputs) = local::default_roles(&program, Some(Verify::Qr));
    let spec = Spec {
        rows: 48,
        cols: 16,
        inner: None,
        tile: 16,
        inputs,
        outputs,
        verify: Some(Verify::Qr),
        seed: 3,
        condition: None,
    };
    let matrices = local::generate_inputs(&program, &spec).unwrap();
    let outcome = local::execute(&dag, &spec, local::tiles_of(&spec, &matrices), 1, 1).unwrap();
    let error =
        local::residuals(&spec, &matrices, &outcome, None, None).expect_err("must not verify");
    assert!(error.to_string().contains("3 x 1 tiles"), "{error}");
}
