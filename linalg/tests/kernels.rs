//! Every kernel against a reference computed independently of BLAS (plain loops), on random inputs
//! including ragged (non-square, odd-sized) edge tiles, and the zero-block rules.

use sl_linalg::kernels::{Error, Kernel};
use sl_linalg::tile::Tile;
use sl_linalg::verify::{self, Rng};

fn naive_mul(a: &Tile, b: &Tile, transpose_b: bool) -> Tile {
    let (m, k) = a.shape();
    let n = if transpose_b { b.rows() } else { b.cols() };
    Tile::from_fn(m, n, |i, j| {
        (0..k)
            .map(|p| {
                a.get(i, p)
                    * if transpose_b {
                        b.get(j, p)
                    } else {
                        b.get(p, j)
                    }
            })
            .sum()
    })
}

fn close(x: &Tile, y: &Tile) -> f64 {
    assert_eq!(x.shape(), y.shape());
    verify::relative_difference(x, y)
}

fn run1(kernel: Kernel, operands: &[Option<&Tile>]) -> Tile {
    kernel.run(operands).unwrap().remove(0)
}

const SHAPES: &[(usize, usize, usize)] = &[
    (1, 1, 1),
    (5, 3, 4),
    (17, 17, 17),
    (32, 7, 19),
    (64, 64, 64),
];

#[test]
fn gemm_gemm_sub_and_gemm_add_match_loops() {
    let mut rng = Rng::new(1);
    for &(m, k, n) in SHAPES {
        let (a, b, c) = (
            verify::random(m, k, &mut rng),
            verify::random(k, n, &mut rng),
            verify::random(m, n, &mut rng),
        );
        assert!(
            close(
                &run1(Kernel::Gemm, &[Some(&a), Some(&b)]),
                &naive_mul(&a, &b, false)
            ) < 1e-13
        );
        let mut expected = c.clone();
        let ab = naive_mul(&a, &b, false);
        for (e, x) in expected.data_mut().iter_mut().zip(ab.data()) {
            *e -= x;
        }
        assert!(
            close(
                &run1(Kernel::GemmSub, &[Some(&c), Some(&a), Some(&b)]),
                &expected
            ) < 1e-13
        );
        // A missing C is a zero block.
        let negated = run1(Kernel::GemmSub, &[None, Some(&a), Some(&b)]);
        assert!(
            negated
                .data()
                .iter()
                .zip(ab.data())
                .all(|(x, y)| (x + y).abs() < 1e-12)
        );
        let mut expected = c.clone();
        for (e, x) in expected.data_mut().iter_mut().zip(ab.data()) {
            *e += x;
        }
        assert!(
            close(
                &run1(Kernel::GemmAdd, &[Some(&c), Some(&a), Some(&b)]),
                &expected
            ) < 1e-13,
            "gemm_add {m}x{k}x{n}"
        );
        assert!(close(&run1(Kernel::GemmAdd, &[None, Some(&a), Some(&b)]), &ab) < 1e-13);
        let wrong = verify::random(m + 1, n, &mut rng);
        assert!(
            matches!(
                Kernel::GemmAdd.run(&[Some(&wrong), Some(&a), Some(&b)]),
                Err(e) if e.to_string().contains("gemm_add")
            ),
            "a C of the wrong shape is refused, naming the kernel"
        );
    }
}

#[test]
fn syrk_matches_loops_for_distinct_and_identical_operands() {
    let mut rng = Rng::new(2);
    for &(m, k, n) in SHAPES {
        let (a, b, s) = (
            verify::random(m, k, &mut rng),
            verify::random(n, k, &mut rng),
            verify::random(m, n, &mut rng),
        );
        let mut expected = s.clone();
        for (e, x) in expected
            .data_mut()
            .iter_mut()
            .zip(naive_mul(&a, &b, true).data())
        {
            *e -= x;
        }
        assert!(
            close(
                &run1(Kernel::Syrk, &[Some(&s), Some(&a), Some(&b)]),
                &expected
            ) < 1e-13
        );
        // Same tile twice takes the dsyrk path; the full symmetric result must still come back.
        let sym = verify::spd(m, &mut rng);
        let mut expected = sym.clone();
        for (e, x) in expected
            .data_mut()
            .iter_mut()
            .zip(naive_mul(&a, &a, true).data())
        {
            *e -= x;
        }
        assert!(
            close(
                &run1(Kernel::Syrk, &[Some(&sym), Some(&a), Some(&a)]),
                &expected
            ) < 1e-13
        );
    }
}

#[test]
fn chol_and_trsm_invert_each_other() {
    let mut rng = Rng::new(3);
    for n in [1, 2, 9, 33, 64] {
        let a = verify::spd(n, &mut rng);
        let l = run1(Kernel::Chol, &[Some(&a)]);
        assert!(
            close(&naive_mul(&l, &l, true), &a) < 1e-14,
            "L·Lᵀ = A at n = {n}"
        );
        assert!(
            (0..n).all(|j| (0..j).all(|i| l.get(i, j) == 0.0)),
            "L is lower triangular"
        );
        for m in [1, 5, n + 3] {
            let b = verify::random(m, n, &mut rng);
            let x = run1(Kernel::Trsm, &[Some(&l), Some(&b)]);
            assert!(close(&naive_mul(&x, &l, true), &b) < 1e-13, "X·Lᵀ = B");
            let b_left = verify::random(n, m, &mut rng);
            let y = run1(Kernel::TrsmLeft, &[Some(&l), Some(&b_left)]);
            assert!(close(&naive_mul(&l, &y, false), &b_left) < 1e-13, "L·Y = B");
        }
    }
}

#[test]
fn chol_rejects_indefinite_and_non_square_tiles() {
    let mut minus = Tile::identity(3);
    minus.set(1, 1, -1.0);
    assert_eq!(
        Kernel::Chol.run(&[Some(&minus)]).unwrap_err(),
        Error::NotPositiveDefinite { minor: 2 }
    );
    assert!(matches!(
        Kernel::Chol.run(&[Some(&Tile::zeros(3, 2))]),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        Kernel::Chol.run(&[None]),
        Err(Error::MissingOperand { .. })
    ));
}

/// Q from V and a block factor T (`nb×k`: block b of nb reflectors has its own `nb×nb` T in
/// columns b·nb..), formed with loops: Q = Π_b (I − V_b·T_b·V_bᵀ).
fn q_of(v: &Tile, t: &Tile) -> Tile {
    let (m, k, nb) = (v.rows(), v.cols(), t.rows());
    assert_eq!(t.cols(), k);
    let mut q = Tile::identity(m);
    for start in (0..k).step_by(nb) {
        let width = nb.min(k - start);
        let vb = Tile::from_fn(m, width, |i, j| v.get(i, start + j));
        let tb = Tile::from_fn(width, width, |i, j| t.get(i, start + j));
        let vt = naive_mul(&vb, &tb, false);
        let vtvt = naive_mul(&vt, &vb, true);
        let block = Tile::from_fn(m, m, |i, j| (i == j) as u8 as f64 - vtvt.get(i, j));
        q = naive_mul(&q, &block, false);
    }
    q
}

fn transpose(a: &Tile) -> Tile {
    Tile::from_fn(a.cols(), a.rows(), |i, j| a.get(j, i))
}

#[test]
fn qr_factor_of_stacked_tiles_reconstructs() {
    let mut rng = Rng::new(4);
    for (rows, n) in [
        (vec![8], 8),
        (vec![5, 7], 6),
        (vec![16, 16, 3], 16),
        (vec![70], 70),
    ] {
        let tiles: Vec<Tile> = rows
            .iter()
            .map(|&r| verify::random(r, n, &mut rng))
            .collect();
        let refs: Vec<Option<&Tile>> = tiles.iter().map(Some).collect();
        let out = Kernel::QrFactor.run(&refs).unwrap();
        let (v, t, r) = (&out[0], &out[1], &out[2]);
        let m: usize = rows.iter().sum();
        let stacked = Tile::from_fn(m, n, |i, j| {
            let mut i = i;
            for tile in &tiles {
                if i < tile.rows() {
                    return tile.get(i, j);
                }
                i -= tile.rows();
            }
            unreachable!()
        });
        let q = q_of(v, t);
        let r_full = Tile::from_fn(m, n, |i, j| if i < n { r.get(i, j) } else { 0.0 });
        assert!(close(&naive_mul(&q, &r_full, false), &stacked) < 1e-13);
        assert!(verify::orthogonality_error(&q) < 1e-13);
    }
    assert!(matches!(
        Kernel::QrFactor.run(&[Some(&Tile::zeros(2, 3))]),
        Err(Error::Shape { .. })
    ));
}

#[test]
fn qr_pair_of_triangles_reconstructs_and_accepts_a_zero_block() {
    let mut rng = Rng::new(5);
    for n in [1, 4, 13, 45] {
        let mut top = verify::random(n, n, &mut rng);
        top.zero_triangle(false);
        let mut bottom = verify::random(n, n, &mut rng);
        bottom.zero_triangle(false);
        for bottom in [Some(&bottom), None] {
            let out = Kernel::QrPair.run(&[Some(&top), bottom]).unwrap();
            let (v, t, r) = (&out[0], &out[1], &out[2]);
            let w = Tile::from_fn(2 * n, n, |i, j| {
                if i < n {
                    (i == j) as u8 as f64
                } else {
                    v.get(i - n, j)
                }
            });
            let q = q_of(&w, t);
            let r_full = Tile::from_fn(2 * n, n, |i, j| if i < n { r.get(i, j) } else { 0.0 });
            let stacked = Tile::from_fn(2 * n, n, |i, j| {
                if i < n {
                    top.get(i, j)
                } else {
                    bottom.map_or(0.0, |b| b.get(i - n, j))
                }
            });
            assert!(close(&naive_mul(&q, &r_full, false), &stacked) < 1e-13);
        }
    }
}

#[test]
fn add_and_copy() {
    let mut rng = Rng::new(6);
    let (a, b) = (
        verify::random(7, 3, &mut rng),
        verify::random(7, 3, &mut rng),
    );
    let sum = run1(Kernel::Add, &[Some(&a), None, Some(&b)]);
    assert!(
        sum.data()
            .iter()
            .zip(a.data().iter().zip(b.data()))
            .all(|(s, (x, y))| (s - x - y).abs() < 1e-15)
    );
    assert_eq!(run1(Kernel::Copy, &[Some(&a)]), a);
    assert!(matches!(
        Kernel::Add.run(&[None, None]),
        Err(Error::MissingOperand { .. })
    ));
    assert!(matches!(
        Kernel::Add.run(&[Some(&a), Some(&Tile::zeros(3, 7))]),
        Err(Error::Shape { .. })
    ));
    assert_eq!(Kernel::from_name("add_matrices").unwrap(), Kernel::Add);
    assert_eq!(Kernel::from_name("identity").unwrap(), Kernel::Copy);
    assert_eq!(Kernel::from_name("qr_factor2").unwrap(), Kernel::QrPair);
    assert!(Kernel::from_name("potrf").is_err());
}

#[test]
fn flop_counts_follow_the_usual_formulas() {
    let a = Tile::zeros(100, 100);
    assert_eq!(Kernel::Chol.flops(&[Some(&a)]), 1e6 / 3.0);
    assert_eq!(Kernel::Gemm.flops(&[Some(&a), Some(&a)]), 2e6);
    let b = Tile::identity(100);
    assert_eq!(Kernel::Syrk.flops(&[Some(&a), Some(&a), Some(&b)]), 2e6);
    assert_eq!(
        Kernel::Syrk.flops(&[Some(&a), Some(&a), Some(&a)]),
        100.0 * 101.0 * 100.0,
        "dsyrk on one tile"
    );
    assert_eq!(Kernel::Trsm.flops(&[Some(&a), Some(&a)]), 1e6);
}

#[test]
fn consuming_runs_match_borrowing_runs() {
    use sl_linalg::kernels::{Allocate, Operand};
    use std::sync::Arc;
    let mut rng = Rng::new(8);
    let (a, b, c) = (
        verify::random(6, 6, &mut rng),
        verify::random(6, 6, &mut rng),
        verify::random(6, 6, &mut rng),
    );
    let cases: Vec<(Kernel, Vec<Option<&Tile>>)> = vec![
        (Kernel::Add, vec![None, Some(&a), None, Some(&b), Some(&c)]),
        (Kernel::Add, vec![Some(&a), Some(&b)]),
        (Kernel::GemmSub, vec![Some(&c), Some(&a), Some(&b)]),
        (Kernel::GemmSub, vec![None, Some(&a), Some(&b)]),
        (Kernel::Syrk, vec![Some(&c), Some(&a), Some(&b)]),
        (Kernel::Gemm, vec![Some(&a), Some(&b)]),
        (Kernel::Copy, vec![Some(&a)]),
        (Kernel::QrLeaf, vec![Some(&a), Some(&b), Some(&c)]),
        (
            Kernel::QrTrailingUpdate,
            vec![Some(&a), Some(&b), Some(&c), Some(&a)],
        ),
        (
            Kernel::LqTrailingUpdate,
            vec![Some(&a), Some(&b), None, Some(&c)],
        ),
    ];
    for (kernel, operands) in cases {
        let expected = kernel.run(&operands).unwrap();
        // Sole owners (updated in place) and shared tiles (copied) must both give the same result.
        for keep_a_copy in [false, true] {
            let owned: Vec<Operand> = operands
                .iter()
                .map(|o| o.map_or(Operand::Zero, |t| Operand::Shared(Arc::new(t.clone()))))
                .collect();
            let extra: Vec<Arc<Tile>> = if keep_a_copy {
                owned
                    .iter()
                    .filter_map(|o| {
                        if let Operand::Shared(t) = o {
                            Some(t.clone())
                        } else {
                            None
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            assert_eq!(
                kernel.run_consuming(owned, &Allocate).unwrap(),
                expected,
                "{kernel:?} shared={keep_a_copy}"
            );
            drop(extra);
        }
    }
}

/// Tiles wide enough for several inner blocks of T (INNER_BLOCK = 32) and ragged ones.
const HOUSEHOLDER_SIDES: &[usize] = &[1, 5, 32, 45, 70];

#[test]
fn qr_leaf_applies_the_transpose_of_the_factored_q() {
    let mut rng = Rng::new(11);
    for &n in HOUSEHOLDER_SIDES {
        let a = verify::random(n, n, &mut rng);
        let c = verify::random(n, 3 + n / 2, &mut rng);
        let out = Kernel::QrFactor.run(&[Some(&a)]).unwrap();
        let q = q_of(&out[0], &out[1]);
        let expected = naive_mul(&transpose(&q), &c, false);
        let got = run1(Kernel::QrLeaf, &[Some(&out[0]), Some(&out[1]), Some(&c)]);
        assert!(close(&got, &expected) < 1e-13, "n = {n}");
        // Applied to A itself it gives R.
        let r = run1(Kernel::QrLeaf, &[Some(&out[0]), Some(&out[1]), Some(&a)]);
        assert!(close(&r, &out[2]) < 1e-13, "n = {n}");
    }
}

#[test]
fn qr_trailing_update_applies_the_pair_q_and_reads_zero_blocks() {
    let mut rng = Rng::new(12);
    for &n in HOUSEHOLDER_SIDES {
        let mut top = verify::random(n, n, &mut rng);
        top.zero_triangle(false);
        let mut bottom = verify::random(n, n, &mut rng);
        bottom.zero_triangle(false);
        let out = Kernel::QrPair.run(&[Some(&top), Some(&bottom)]).unwrap();
        let (v, t) = (&out[0], &out[1]);
        let w = Tile::from_fn(2 * n, n, |i, j| {
            if i < n {
                (i == j) as u8 as f64
            } else {
                v.get(i - n, j)
            }
        });
        let q = q_of(&w, t);
        let cols = 2 + n / 3;
        let (c1, c2) = (
            verify::random(n, cols, &mut rng),
            verify::random(n, cols, &mut rng),
        );
        for (c1, c2) in [(Some(&c1), Some(&c2)), (Some(&c1), None), (None, Some(&c2))] {
            let stacked = Tile::from_fn(2 * n, cols, |i, j| {
                if i < n {
                    c1.map_or(0.0, |c| c.get(i, j))
                } else {
                    c2.map_or(0.0, |c| c.get(i - n, j))
                }
            });
            let expected = naive_mul(&transpose(&q), &stacked, false);
            let got = Kernel::QrTrailingUpdate
                .run(&[Some(v), Some(t), c1, c2])
                .unwrap();
            let joined = Tile::from_fn(2 * n, cols, |i, j| {
                if i < n {
                    got[0].get(i, j)
                } else {
                    got[1].get(i - n, j)
                }
            });
            assert!(close(&joined, &expected) < 1e-13, "n = {n}");
        }
        // Applied to the triangles themselves it gives [R; 0].
        let rr = Kernel::QrTrailingUpdate
            .run(&[Some(v), Some(t), Some(&top), Some(&bottom)])
            .unwrap();
        assert!(close(&rr[0], &out[2]) < 1e-13);
        assert!(rr[1].norm() < 1e-13 * top.norm().max(1.0));
    }
    assert!(matches!(
        Kernel::QrTrailingUpdate.run(&[
            Some(&Tile::identity(4)),
            Some(&Tile::zeros(4, 4)),
            None,
            None
        ]),
        Err(Error::MissingOperand { .. })
    ));
}

#[test]
fn lq_kernels_reduce_rows_from_the_right() {
    let mut rng = Rng::new(13);
    for &n in HOUSEHOLDER_SIDES {
        let a = verify::random(n, n, &mut rng);
        let out = Kernel::LqFactor.run(&[Some(&a)]).unwrap();
        let (v, t, l) = (&out[0], &out[1], &out[2]);
        // L is lower triangular and A·Q̃ = L.
        assert!((0..n).all(|j| (0..j).all(|i| l.get(i, j) == 0.0)));
        let q = q_of(v, t);
        assert!(close(&naive_mul(&a, &q, false), l) < 1e-13, "n = {n}");
        let c = verify::random(2 + n / 2, n, &mut rng);
        let got = run1(Kernel::LqLeaf, &[Some(v), Some(t), Some(&c)]);
        assert!(close(&got, &naive_mul(&c, &q, false)) < 1e-13, "n = {n}");

        // A pair of lower triangles side by side: [L1 L2]·Q̃ = [L 0].
        let mut l2 = verify::random(n, n, &mut rng);
        l2.zero_triangle(true);
        let pair = Kernel::LqPair.run(&[Some(l), Some(&l2)]).unwrap();
        let zero = Kernel::LqTrailingUpdate
            .run(&[Some(&pair[0]), Some(&pair[1]), Some(l), Some(&l2)])
            .unwrap();
        assert!(close(&zero[0], &pair[2]) < 1e-13, "n = {n}");
        assert!(zero[1].norm() < 1e-13 * l.norm().max(1.0));
        assert!((0..n).all(|j| (0..j).all(|i| pair[2].get(i, j) == 0.0)));
    }
}

#[test]
fn householder_kernels_reject_mismatched_shapes() {
    let v = Tile::identity(4);
    let t = Tile::zeros(4, 4);
    assert!(matches!(
        Kernel::QrLeaf.run(&[Some(&v), Some(&t), Some(&Tile::zeros(5, 2))]),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        Kernel::QrLeaf.run(&[Some(&v), Some(&Tile::zeros(5, 4)), Some(&Tile::zeros(4, 2))]),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        Kernel::LqFactor.run(&[Some(&Tile::zeros(5, 3))]),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        Kernel::LqTrailingUpdate.run(&[
            Some(&v),
            Some(&t),
            Some(&Tile::zeros(3, 4)),
            Some(&Tile::zeros(2, 4))
        ]),
        Err(Error::Shape { .. })
    ));
}
