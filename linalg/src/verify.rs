//! Inputs for runs and tests (seeded, so runs repeat), the single-call baselines, and residuals.
//! Randomness comes in as a seed; nothing here reads a clock or the environment.

use crate::ffi;
use crate::tile::Tile;

/// splitmix64: a small, well-mixed generator; enough for test matrices.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

pub fn random(rows: usize, cols: usize, rng: &mut Rng) -> Tile {
    let data = (0..rows * cols).map(|_| rng.unit()).collect();
    Tile::from_col_major(rows, cols, data).expect("sized")
}

/// Symmetric positive definite: symmetric entries in [-1, 1) plus `n` on the diagonal, so every
/// row is strictly diagonally dominant (SPD by Gershgorin). O(n²), unlike `M·Mᵀ`.
pub fn spd(n: usize, rng: &mut Rng) -> Tile {
    let mut a = Tile::zeros(n, n);
    for col in 0..n {
        for row in col..n {
            let v = rng.unit();
            a.set(row, col, v);
            a.set(col, row, v);
        }
        a.set(col, col, n as f64 + rng.unit().abs());
    }
    a
}

/// Well-conditioned lower triangular: unit-ish diagonal, small off-diagonal entries.
pub fn lower_triangular(n: usize, rng: &mut Rng) -> Tile {
    let mut l = Tile::zeros(n, n);
    for col in 0..n {
        l.set(col, col, 2.0 + rng.unit());
        for row in col + 1..n {
            l.set(row, col, rng.unit() / n as f64);
        }
    }
    l
}

/// One LAPACK `potrf` on the whole matrix: the baseline for tiled Cholesky. Returns L.
pub fn cholesky_single_call(a: &Tile) -> Result<Tile, crate::kernels::Error> {
    crate::kernels::Kernel::Chol
        .run(&[Some(a)])
        .map(|mut out| out.remove(0))
}

/// One BLAS `gemm` on the whole matrices: the baseline for tiled GEMM.
pub fn gemm_single_call(a: &Tile, b: &Tile) -> Result<Tile, crate::kernels::Error> {
    crate::kernels::Kernel::Gemm
        .run(&[Some(a), Some(b)])
        .map(|mut out| out.remove(0))
}

/// ‖A − L·Lᵀ‖_F / ‖A‖_F, reading only the lower triangle of L.
pub fn cholesky_residual(a: &Tile, l: &Tile) -> f64 {
    let n = a.rows();
    let mut lower = l.clone();
    lower.zero_triangle(true);
    let mut r = a.clone();
    // SAFETY: r and lower are n×n with leading dimension n.
    unsafe {
        ffi::cblas_dsyrk(
            ffi::CBLAS_COL_MAJOR,
            ffi::CBLAS_LOWER,
            ffi::CBLAS_NO_TRANS,
            n as i32,
            n as i32,
            -1.0,
            lower.data().as_ptr(),
            n.max(1) as i32,
            1.0,
            r.data_mut().as_mut_ptr(),
            n.max(1) as i32,
        )
    };
    let mut sum = 0.0;
    for col in 0..n {
        for row in col..n {
            let v = r.get(row, col);
            sum += if row == col { v * v } else { 2.0 * v * v };
        }
    }
    sum.sqrt() / a.norm()
}

/// ‖X − Y‖_F / ‖Y‖_F.
pub fn relative_difference(x: &Tile, y: &Tile) -> f64 {
    let diff: f64 = x
        .data()
        .iter()
        .zip(y.data())
        .map(|(a, b)| (a - b) * (a - b))
        .sum();
    diff.sqrt() / y.norm()
}

/// ‖L·X − B‖_F / ‖B‖_F.
pub fn trsm_residual(l: &Tile, x: &Tile, b: &Tile) -> f64 {
    match gemm_single_call(l, x) {
        Ok(lx) => relative_difference(&lx, b),
        Err(_) => f64::INFINITY,
    }
}

/// Applies `Q = I − V·T·Vᵀ` to `c` in place. The tiles come from the user's program, so shapes
/// are checked rather than trusted.
fn apply_block_reflector(v: &Tile, t: &Tile, c: &mut Tile) -> Result<(), String> {
    if v.rows() != c.rows() || t.shape() != (v.cols(), v.cols()) {
        return Err(format!(
            "reflector shapes do not fit: V {:?}, T {:?}, block {:?}",
            v.shape(),
            t.shape(),
            c.shape()
        ));
    }
    let vt_c = gemm_tn(v, c);
    let w = gemm_single_call(t, &vt_c).map_err(|e| e.to_string())?;
    let update = gemm_single_call(v, &w).map_err(|e| e.to_string())?;
    for (x, u) in c.data_mut().iter_mut().zip(update.data()) {
        *x -= u;
    }
    Ok(())
}

fn gemm_tn(a: &Tile, b: &Tile) -> Tile {
    let mut out = Tile::zeros(a.cols(), b.cols());
    crate::kernels::dgemm(true, false, 1.0, a, b, 0.0, &mut out);
    out
}

/// The TSQR tree as produced by `programs/tsqr.py`: `v[level][i]`, `t[level][i]` for the nodes
/// that exist (`i` a multiple of `2^level`), leaves at level 0.
pub struct TsqrTree<'a> {
    pub leaves: usize,
    pub node: &'a dyn Fn(usize, usize) -> Option<(&'a Tile, &'a Tile)>,
}

/// Applies the TSQR tree's Q to `[top; 0]` (`top` is b×c): returns the N·b × c product, so
/// `apply(R)` reconstructs A and `apply(I)` is Q itself.
pub fn tsqr_apply_q(tree: &TsqrTree<'_>, top: &Tile, leaf_rows: &[usize]) -> Result<Tile, String> {
    let levels = if tree.leaves <= 1 {
        0
    } else {
        (tree.leaves as f64).log2().ceil() as usize
    };
    let b = top.rows();
    let c = top.cols();
    // blocks[i] holds the current b×c block for tree position i at the current level.
    let mut blocks: Vec<Option<Tile>> = vec![None; tree.leaves];
    blocks[0] = Some(top.clone());
    for level in (1..=levels).rev() {
        let stride = 1 << level;
        let half = 1 << (level - 1);
        for i in (0..tree.leaves).step_by(stride) {
            let Some((v, t)) = (tree.node)(level, i) else {
                continue;
            };
            let upper = blocks[i].take().unwrap_or_else(|| Tile::zeros(b, c));
            if t.shape() != (b, b) || v.shape() != (b, b) {
                return Err(format!(
                    "tree node ({level}, {i}): V {:?} and T {:?} must be {b}x{b}",
                    v.shape(),
                    t.shape()
                ));
            }
            // [upper; 0] → Q·[upper; 0] with Q = I − W·T·Wᵀ, W = [I; V]: Wᵀ·[upper; 0] = upper.
            let t_upper = gemm_single_call(t, &upper).map_err(|e| e.to_string())?;
            let mut new_upper = upper.clone();
            for (x, u) in new_upper.data_mut().iter_mut().zip(t_upper.data()) {
                *x -= u;
            }
            let mut lower = gemm_single_call(v, &t_upper).map_err(|e| e.to_string())?;
            for x in lower.data_mut() {
                *x = -*x;
            }
            blocks[i] = Some(new_upper);
            if i + half < tree.leaves {
                blocks[i + half] = Some(lower);
            }
        }
    }
    let total: usize = leaf_rows.iter().sum();
    let mut out = Tile::zeros(total, c);
    let mut row0 = 0;
    for (i, &rows) in leaf_rows.iter().enumerate() {
        let (v, t) = (tree.node)(0, i).ok_or_else(|| format!("TSQR leaf {i} is missing"))?;
        let mut block = Tile::zeros(rows, c);
        if let Some(upper) = &blocks[i] {
            for col in 0..c {
                for row in 0..upper.rows().min(rows) {
                    block.set(row, col, upper.get(row, col));
                }
            }
        }
        apply_block_reflector(v, t, &mut block)?;
        for col in 0..c {
            for row in 0..rows {
                out.set(row0 + row, col, block.get(row, col));
            }
        }
        row0 += rows;
    }
    Ok(out)
}

/// ‖QᵀQ − I‖_F for Q with orthonormal columns expected.
pub fn orthogonality_error(q: &Tile) -> f64 {
    let qtq = gemm_tn(q, q);
    let mut sum = 0.0;
    for col in 0..qtq.cols() {
        for row in 0..qtq.rows() {
            let expected = if row == col { 1.0 } else { 0.0 };
            sum += (qtq.get(row, col) - expected).powi(2);
        }
    }
    sum.sqrt()
}
