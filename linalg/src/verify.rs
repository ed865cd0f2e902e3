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

/// One LAPACK `potrf` on the whole matrix, in place (no copy: the caller times only the
/// factorization): the baseline for tiled Cholesky. Returns L.
pub fn cholesky_single_call(a: Tile) -> Result<Tile, crate::kernels::Error> {
    use crate::kernels::{Allocate, Kernel, Operand};
    Kernel::Chol
        .run_consuming(vec![Operand::Shared(std::sync::Arc::new(a))], &Allocate)
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

fn gemm_tn(a: &Tile, b: &Tile) -> Tile {
    let mut out = Tile::zeros(a.cols(), b.cols());
    crate::kernels::dgemm(true, false, 1.0, a, b, 0.0, &mut out);
    out
}

/// One factored orthogonal block of a tiled QR: a tile row's own reflectors (`qr_factor`) or a
/// pair of tile rows' (`qr_pair`). The tiles come from the user's program, so the apply
/// functions check their shapes rather than trust them.
pub enum Reflector<'a> {
    Leaf {
        row: usize,
        v: &'a Tile,
        t: &'a Tile,
    },
    Pair {
        top: usize,
        bottom: usize,
        v: &'a Tile,
        t: &'a Tile,
    },
}

/// `X ← Q·X`, where the factorization applied the reflectors' transposes in the order given (so
/// `Q = Q₁·Q₂⋯`) and X is given by tile rows (`rows[i]` is tile row i, full width).
pub fn apply_q(reflectors: &[Reflector<'_>], rows: &mut [Tile]) -> Result<(), String> {
    use crate::kernels::Kernel;
    use crate::kernels::householder::{Apply, apply_block, apply_pair};
    for reflector in reflectors.iter().rev() {
        match *reflector {
            Reflector::Leaf { row, v, t } => {
                let block = rows
                    .get_mut(row)
                    .ok_or_else(|| format!("a reflector acts on tile row {row}, past the end"))?;
                apply_block(Kernel::QrLeaf, Apply::Left, v, t, block).map_err(|e| e.to_string())?;
            }
            Reflector::Pair { top, bottom, v, t } => {
                if top >= bottom || bottom >= rows.len() {
                    return Err(format!(
                        "a pair reflector acts on tile rows {top} and {bottom} of {}",
                        rows.len()
                    ));
                }
                let (upper, lower) = rows.split_at_mut(bottom);
                apply_pair(
                    Kernel::QrTrailingUpdate,
                    Apply::Left,
                    v,
                    t,
                    &mut upper[top],
                    &mut lower[0],
                )
                .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

/// A matrix whose columns are scaled geometrically from 1 down to `1 / condition`: random
/// entries times the scales, so its condition number is about `condition` (times the random
/// part's, which is small). A graded matrix, the classic hard case for QR and SVD accuracy.
pub fn graded(rows: usize, cols: usize, condition: f64, rng: &mut Rng) -> Tile {
    let mut a = random(rows, cols, rng);
    let step = if cols > 1 {
        condition.max(1.0).ln() / (cols - 1) as f64
    } else {
        0.0
    };
    for col in 0..cols {
        let scale = (-(col as f64) * step).exp();
        for row in 0..rows {
            a.set(row, col, a.get(row, col) * scale);
        }
    }
    a
}

/// One LAPACK `dgeqrf` on the whole matrix, in place (R in the upper triangle): the QR baseline.
pub fn qr_single_call(a: &mut Tile) -> Result<(), String> {
    let (m, n) = (a.rows() as i32, a.cols() as i32);
    let lda = m.max(1);
    let mut tau = vec![0.0; a.rows().min(a.cols()).max(1)];
    let mut query = 0.0;
    let mut info = 0;
    // SAFETY: a is m×n with lda m; tau holds min(m, n); lwork = −1 only queries the size.
    unsafe {
        ffi::dgeqrf_(
            &m,
            &n,
            a.data_mut().as_mut_ptr(),
            &lda,
            tau.as_mut_ptr(),
            &mut query,
            &-1,
            &mut info,
        )
    };
    let lwork = (query as i32).max(n.max(1));
    let mut work = vec![0.0; lwork as usize];
    // SAFETY: as above, with a work array of the queried size.
    unsafe {
        ffi::dgeqrf_(
            &m,
            &n,
            a.data_mut().as_mut_ptr(),
            &lda,
            tau.as_mut_ptr(),
            work.as_mut_ptr(),
            &lwork,
            &mut info,
        )
    };
    if info != 0 {
        return Err(format!("dgeqrf: argument {} illegal", -info));
    }
    Ok(())
}

/// One LAPACK `dgesdd` (values only) on the whole matrix, which it overwrites: the SVD baseline.
/// Values largest first.
pub fn singular_values_single_call(a: &mut Tile) -> Result<Vec<f64>, String> {
    let (m, n) = (a.rows() as i32, a.cols() as i32);
    let lda = m.max(1);
    let k = a.rows().min(a.cols());
    let mut s = vec![0.0; k.max(1)];
    let mut iwork = vec![0i32; 8 * k.max(1)];
    let mut dummy = [0.0f64; 1];
    let jobz = b'N' as std::os::raw::c_char;
    let mut query = 0.0;
    let mut info = 0;
    // SAFETY: a is m×n with lda m; s holds min(m, n); iwork 8·min(m, n); no vectors are asked
    // for (jobz N), so U and VT are not referenced; lwork = −1 only queries the size.
    unsafe {
        ffi::dgesdd_(
            &jobz,
            &m,
            &n,
            a.data_mut().as_mut_ptr(),
            &lda,
            s.as_mut_ptr(),
            dummy.as_mut_ptr(),
            &1,
            dummy.as_mut_ptr(),
            &1,
            &mut query,
            &-1,
            iwork.as_mut_ptr(),
            &mut info,
        )
    };
    let lwork = (query as i32).max(1);
    let mut work = vec![0.0; lwork as usize];
    // SAFETY: as above, with a work array of the queried size.
    unsafe {
        ffi::dgesdd_(
            &jobz,
            &m,
            &n,
            a.data_mut().as_mut_ptr(),
            &lda,
            s.as_mut_ptr(),
            dummy.as_mut_ptr(),
            &1,
            dummy.as_mut_ptr(),
            &1,
            work.as_mut_ptr(),
            &lwork,
            iwork.as_mut_ptr(),
            &mut info,
        )
    };
    match info {
        0 => {
            s.truncate(k);
            Ok(s)
        }
        i if i < 0 => Err(format!("dgesdd: argument {} illegal", -i)),
        i => Err(format!("dgesdd did not converge ({i})")),
    }
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

/// Singular values against a reference, both largest first: the largest error relative to the
/// largest value (what a backward-stable method guarantees for every value), and the largest
/// error relative to each value among those at least 1e-3 of the largest (all of them for a
/// well-conditioned matrix; tiny values of an ill-conditioned one are only known to about
/// eps·σ_max, so they are left to the first measure).
pub fn singular_value_errors(values: &[f64], expected: &[f64]) -> Vec<(&'static str, f64)> {
    if values.len() != expected.len() {
        return vec![("count of singular values differs", f64::INFINITY)];
    }
    let largest = expected
        .first()
        .copied()
        .unwrap_or(0.0)
        .max(f64::MIN_POSITIVE);
    let mut absolute: f64 = 0.0;
    let mut relative: f64 = 0.0;
    for (s, e) in values.iter().zip(expected) {
        let error = (s - e).abs();
        absolute = absolute.max(error / largest);
        if *e >= 1e-3 * largest {
            relative = relative.max(error / e);
        }
    }
    vec![
        ("max |s - s_gesdd| / s_max", absolute),
        ("max |s - s_gesdd| / s_gesdd (s >= 1e-3 s_max)", relative),
    ]
}
