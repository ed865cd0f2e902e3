//! Householder kernels: QR and LQ of tiles and of pairs of triangles, and the updates that apply
//! their orthogonal factors to other tiles (numpywren's `qr_factor`, `qr_leaf`,
//! `qr_trailing_update` and their LQ counterparts).
//!
//! Reflectors are stored in LAPACK's compact-WY form with an inner block: `Q = I − V·T·Vᵀ` where T
//! is `nb×k` (k reflectors, `nb = min(INNER_BLOCK, k)`; each `nb×nb` block of T belongs to `nb`
//! consecutive reflectors), as `dgeqrt`/`dtpqrt` produce and `dgemqrt`/`dtpmqrt` consume. The
//! apply kernels read `nb` from T's row count, so tiles carry their own format.
//!
//! LQ is QR of the transpose: `lq_factor(A)` factors `Aᵀ = Q̃·R` and returns `(V, T, L = Rᵀ)`, so
//! `A·Q̃ = L`; the LQ updates multiply tiles by `Q̃` from the right (no transposes of the
//! trailing tiles are needed, only of the small factored tile).

use std::os::raw::{c_char, c_int};

use super::{Error, Kernel, dim, lapack_ok, ld};
use crate::ffi;
use crate::tile::{TILE_SIDE_MAX, Tile};

/// Inner block of T. A full `k×k` T (one block) costs an extra triangular multiply per update,
/// about a quarter of a tile update's flops; 32 is LAPACK's own block for `dgeqrf` and keeps the
/// overhead near 3% for 256-wide tiles while the rank-32 updates still run at BLAS-3 speed.
pub const INNER_BLOCK: usize = 32;

/// Which side the orthogonal factor multiplies from, and whether it is transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Apply {
    /// `C ← Qᵀ·C` (QR's trailing update).
    LeftTransposed,
    /// `C ← Q·C` (forming Q from its factored form).
    Left,
    /// `C ← C·Q` (LQ's trailing update).
    Right,
}

impl Apply {
    fn codes(self) -> (c_char, c_char) {
        match self {
            Apply::LeftTransposed => (b'L' as c_char, b'T' as c_char),
            Apply::Left => (b'L' as c_char, b'N' as c_char),
            Apply::Right => (b'R' as c_char, b'N' as c_char),
        }
    }

    fn left(self) -> bool {
        !matches!(self, Apply::Right)
    }
}

fn block_of(k: usize) -> usize {
    INNER_BLOCK.min(k).max(1)
}

fn transpose(a: &Tile) -> Tile {
    Tile::from_fn(a.cols(), a.rows(), |i, j| a.get(j, i))
}

/// Stacks the tiles vertically and factors them: returns (V, T, R) with V unit lower trapezoidal
/// (ones on the diagonal stored explicitly), T the `nb×n` block factor and `Q = I − V·T·Vᵀ`.
pub(super) fn qr_factor(kernel: Kernel, operands: &[Option<&Tile>]) -> Result<Vec<Tile>, Error> {
    let tiles: Vec<&Tile> = operands
        .iter()
        .enumerate()
        .map(|(position, tile)| {
            tile.ok_or(Error::MissingOperand {
                kernel: kernel.name(),
                position,
            })
        })
        .collect::<Result<_, _>>()?;
    let n = tiles[0].cols();
    if tiles.iter().any(|t| t.cols() != n) {
        return Err(kernel.shape_error("stacked tiles need equal column counts".into()));
    }
    let m: usize = tiles.iter().map(|t| t.rows()).sum();
    if m < n || n == 0 || m > TILE_SIDE_MAX * 8 {
        return Err(kernel.shape_error(format!(
            "stack is {m}x{n}; {} needs rows >= cols >= 1",
            kernel.name()
        )));
    }
    let mut a = Tile::zeros(m, n);
    let mut row0 = 0;
    for tile in &tiles {
        for col in 0..n {
            let dst = col * m + row0;
            a.data_mut()[dst..dst + tile.rows()]
                .copy_from_slice(&tile.data()[col * tile.rows()..(col + 1) * tile.rows()]);
        }
        row0 += tile.rows();
    }
    let nb = block_of(n);
    let mut t = Tile::zeros(nb, n);
    let mut work = vec![0.0; nb * n];
    let mut info: c_int = 0;
    // SAFETY: a is m×n (lda m), t is nb×n (ldt nb), work holds nb*n doubles as geqrt requires.
    unsafe {
        ffi::dgeqrt_(
            &dim(m),
            &dim(n),
            &dim(nb),
            a.data_mut().as_mut_ptr(),
            &ld(m),
            t.data_mut().as_mut_ptr(),
            &ld(nb),
            work.as_mut_ptr(),
            &mut info,
        )
    };
    lapack_ok(kernel.name(), info)?;
    let r = Tile::from_fn(n, n, |i, j| if i <= j { a.get(i, j) } else { 0.0 });
    let v = Tile::from_fn(m, n, |i, j| match i.cmp(&j) {
        std::cmp::Ordering::Less => 0.0,
        std::cmp::Ordering::Equal => 1.0,
        std::cmp::Ordering::Greater => a.get(i, j),
    });
    Ok(vec![v, t, r])
}

/// QR of `[R1; R2]` for upper-triangular R1, R2 (either may be a zero block): returns (V, T, R)
/// with V upper triangular and `Q = I − W·T·Wᵀ`, `W = [I; V]`.
pub(super) fn qr_pair(
    kernel: Kernel,
    top: Option<&Tile>,
    bottom: Option<&Tile>,
) -> Result<Vec<Tile>, Error> {
    let n = match (top, bottom) {
        (Some(t), _) => t.cols(),
        (None, Some(b)) => b.cols(),
        (None, None) => {
            return Err(Error::MissingOperand {
                kernel: kernel.name(),
                position: 0,
            });
        }
    };
    if n == 0 {
        return Err(kernel.shape_error("empty tiles".into()));
    }
    let square = |tile: Option<&Tile>| -> Result<Tile, Error> {
        match tile {
            Some(t) if t.shape() == (n, n) => {
                let mut t = t.clone();
                t.zero_triangle(false);
                Ok(t)
            }
            Some(t) => Err(kernel.shape_error(format!(
                "{} needs two {n}x{n} triangles, got {:?}",
                kernel.name(),
                t.shape()
            ))),
            None => Ok(Tile::zeros(n, n)),
        }
    };
    let mut a = square(top)?;
    let mut b = square(bottom)?;
    let nb = block_of(n);
    let mut t = Tile::zeros(nb, n);
    let mut work = vec![0.0; nb * n];
    let mut info: c_int = 0;
    // SAFETY: a, b are n×n with leading dimension n; t is nb×n (ldt nb); work holds nb*n doubles.
    unsafe {
        ffi::dtpqrt_(
            &dim(n),
            &dim(n),
            &dim(n),
            &dim(nb),
            a.data_mut().as_mut_ptr(),
            &ld(n),
            b.data_mut().as_mut_ptr(),
            &ld(n),
            t.data_mut().as_mut_ptr(),
            &ld(nb),
            work.as_mut_ptr(),
            &mut info,
        )
    };
    lapack_ok(kernel.name(), info)?;
    a.zero_triangle(false);
    b.zero_triangle(false);
    Ok(vec![b, t, a])
}

/// `lq_factor(A) → (V, T, L)`: `A·Q̃ = L` (lower triangular) with `Q̃ = I − V·T·Vᵀ`.
pub(super) fn lq_factor(kernel: Kernel, a: Option<&Tile>) -> Result<Vec<Tile>, Error> {
    let a = a.ok_or(Error::MissingOperand {
        kernel: kernel.name(),
        position: 0,
    })?;
    if a.cols() < a.rows() {
        return Err(kernel.shape_error(format!(
            "tile is {}x{}; lq_factor needs cols >= rows",
            a.rows(),
            a.cols()
        )));
    }
    let mut out = qr_factor(kernel, &[Some(&transpose(a))])?;
    out[2] = transpose(&out[2]);
    Ok(out)
}

/// `lq_pair(L1, L2) → (V, T, L)`: `[L1 L2]·Q̃ = [L 0]` for lower-triangular L1, L2.
pub(super) fn lq_pair(
    kernel: Kernel,
    left: Option<&Tile>,
    right: Option<&Tile>,
) -> Result<Vec<Tile>, Error> {
    let (left, right) = (left.map(transpose), right.map(transpose));
    let mut out = qr_pair(kernel, left.as_ref(), right.as_ref())?;
    out[2] = transpose(&out[2]);
    Ok(out)
}

/// Checks a factored reflector block (V with k columns, T `nb×k`) and returns `(k, nb)`.
fn reflectors(kernel: Kernel, v: &Tile, t: &Tile) -> Result<(usize, usize), Error> {
    let k = v.cols();
    let nb = t.rows();
    if k == 0 || t.cols() != k || nb == 0 || nb > k {
        return Err(kernel.shape_error(format!(
            "V {:?} and T {:?} are not a factored block (T must be nb x k, 1 <= nb <= k)",
            v.shape(),
            t.shape()
        )));
    }
    Ok((k, nb))
}

/// `c ← op(Q)·c` or `c·Q` for `Q = I − V·T·Vᵀ` (dgemqrt).
pub fn apply_block(
    kernel: Kernel,
    how: Apply,
    v: &Tile,
    t: &Tile,
    c: &mut Tile,
) -> Result<(), Error> {
    let (k, nb) = reflectors(kernel, v, t)?;
    let (m, n) = c.shape();
    let order = if how.left() { m } else { n };
    if v.rows() != order || k > order {
        return Err(kernel.shape_error(format!(
            "V {:?} does not fit the {m}x{n} tile it is applied to",
            v.shape()
        )));
    }
    let (side, trans) = how.codes();
    let mut work = vec![0.0; nb * if how.left() { n } else { m }.max(1)];
    let mut info: c_int = 0;
    // SAFETY: V is order×k (ldv order), T nb×k (ldt nb), C m×n (ldc m); work holds nb*n (left) or
    // m*nb (right) doubles, as dgemqrt requires; every shape is checked above.
    unsafe {
        ffi::dgemqrt_(
            &side,
            &trans,
            &dim(m),
            &dim(n),
            &dim(k),
            &dim(nb),
            v.data().as_ptr(),
            &ld(v.rows()),
            t.data().as_ptr(),
            &ld(nb),
            c.data_mut().as_mut_ptr(),
            &ld(m),
            work.as_mut_ptr(),
            &mut info,
        )
    };
    lapack_ok(kernel.name(), info)
}

/// Is V upper triangular (square, zero below the diagonal)? Then the pair update skips its zero
/// part (dtpmqrt's `l = k`); a full V is applied as a rectangle.
fn upper_triangular(v: &Tile) -> bool {
    v.rows() == v.cols() && (0..v.cols()).all(|j| (j + 1..v.rows()).all(|i| v.get(i, j) == 0.0))
}

/// `[a; b] ← op(Q)·[a; b]` (left) or `[a b] ← [a b]·Q` (right) for `Q = I − W·T·Wᵀ`,
/// `W = [I; V]` (dtpmqrt).
pub fn apply_pair(
    kernel: Kernel,
    how: Apply,
    v: &Tile,
    t: &Tile,
    a: &mut Tile,
    b: &mut Tile,
) -> Result<(), Error> {
    let (k, nb) = reflectors(kernel, v, t)?;
    let (m, n) = b.shape();
    let fits = if how.left() {
        a.shape() == (k, n) && v.rows() == m
    } else {
        a.shape() == (m, k) && v.rows() == n
    };
    if !fits {
        return Err(kernel.shape_error(format!(
            "V {:?}, T {:?}, tiles {:?} and {:?} do not fit",
            v.shape(),
            t.shape(),
            a.shape(),
            b.shape()
        )));
    }
    let l = if upper_triangular(v) { k } else { 0 };
    let (side, trans) = how.codes();
    let mut work = vec![0.0; nb * if how.left() { n } else { m }.max(1)];
    let mut info: c_int = 0;
    // SAFETY: shapes checked above: V is m×k (left) or n×k (right), T nb×k, A k×n (left) or m×k
    // (right), B m×n; work holds nb*n (left) or m*nb (right) doubles.
    unsafe {
        ffi::dtpmqrt_(
            &side,
            &trans,
            &dim(m),
            &dim(n),
            &dim(k),
            &dim(l),
            &dim(nb),
            v.data().as_ptr(),
            &ld(v.rows()),
            t.data().as_ptr(),
            &ld(nb),
            a.data_mut().as_mut_ptr(),
            &ld(a.rows()),
            b.data_mut().as_mut_ptr(),
            &ld(m),
            work.as_mut_ptr(),
            &mut info,
        )
    };
    lapack_ok(kernel.name(), info)
}

/// The trailing update of a pair of tiles; a missing tile is a zero block shaped like its partner.
pub(super) fn update_pair(
    kernel: Kernel,
    how: Apply,
    v: &Tile,
    t: &Tile,
    top: Option<Tile>,
    bottom: Option<Tile>,
) -> Result<Vec<Tile>, Error> {
    let k = v.cols();
    let (top, bottom) = match (top, bottom) {
        (Some(a), Some(b)) => (a, b),
        (Some(a), None) => {
            let b = if how.left() {
                Tile::zeros(v.rows(), a.cols())
            } else {
                Tile::zeros(a.rows(), v.rows())
            };
            (a, b)
        }
        (None, Some(b)) => {
            let a = if how.left() {
                Tile::zeros(k, b.cols())
            } else {
                Tile::zeros(b.rows(), k)
            };
            (a, b)
        }
        (None, None) => {
            return Err(Error::MissingOperand {
                kernel: kernel.name(),
                position: 2,
            });
        }
    };
    let (mut top, mut bottom) = (top, bottom);
    apply_pair(kernel, how, v, t, &mut top, &mut bottom)?;
    Ok(vec![top, bottom])
}
