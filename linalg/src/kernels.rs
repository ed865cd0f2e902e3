//! Tile kernels: the only code that touches matrix values. Each kernel names its operands and
//! results, counts its flops, and runs one OpenBLAS/LAPACK call (or a few) on column-major tiles.
//!
//! Operands may be missing (`None`): a LAmbdaPACK read of a tile that no node writes reads as a zero
//! block. Kernels whose result is defined for a zero operand (add, syrk, the C of gemm_sub and
//! gemm_add, qr_pair, lq_pair, and either tile of a trailing update) accept it; the others report
//! which operand was missing.

use std::os::raw::{c_char, c_int};

use crate::ffi;
use crate::tile::{TILE_SIDE_MAX, Tile};

pub mod householder;

use householder::Apply;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Kernel {
    /// `chol(A) → L`, `A = L·Lᵀ`, L lower triangular (potrf).
    Chol,
    /// `trsm(L, B) → B·L⁻ᵀ` (the panel solve of right-looking Cholesky).
    Trsm,
    /// `trsm_left(L, B) → L⁻¹·B` (forward substitution, for triangular solves).
    TrsmLeft,
    /// `syrk(S, A, B) → S − A·Bᵀ`.
    Syrk,
    /// `gemm(A, B) → A·B`.
    Gemm,
    /// `gemm_sub(C, A, B) → C − A·B`.
    GemmSub,
    /// `gemm_add(C, A, B) → C + A·B` (C may be a zero block): a product accumulated along k in
    /// one tile, where numpywren's tree writes every partial product and partial sum.
    GemmAdd,
    /// `add(X1, …, Xn) → ΣXi` (numpywren: `add_matrices`).
    Add,
    /// `copy(A) → A` (numpywren: `identity`).
    Copy,
    /// `qr_factor(A1, …, Ak) → (V, T, R)`: compact-WY QR of the tiles stacked vertically (geqrt).
    QrFactor,
    /// `qr_pair(R1, R2) → (V, T, R)`: QR of two stacked upper triangles (tpqrt).
    QrPair,
    /// `qr_leaf(V, T, C) → Qᵀ·C`: applies a `qr_factor`'s Q to a tile of the same rows (gemqrt).
    QrLeaf,
    /// `qr_trailing_update(V, T, C1, C2) → Qᵀ·[C1; C2]` as two tiles: applies a `qr_pair`'s Q
    /// (tpmqrt).
    QrTrailingUpdate,
    /// `lq_factor(A) → (V, T, L)`: `A·Q̃ = L` lower triangular (QR of Aᵀ).
    LqFactor,
    /// `lq_pair(L1, L2) → (V, T, L)`: `[L1 L2]·Q̃ = [L 0]` for two lower triangles.
    LqPair,
    /// `lq_leaf(V, T, C) → C·Q̃`: applies an `lq_factor`'s Q̃ to a tile of the same columns.
    LqLeaf,
    /// `lq_trailing_update(V, T, C1, C2) → [C1 C2]·Q̃` as two tiles (an `lq_pair`'s Q̃).
    LqTrailingUpdate,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("unknown kernel `{0}`; known kernels: {known}", known = Kernel::NAMES.join(", "))]
    Unknown(String),
    #[error("{kernel} takes {expected} operands, got {got}")]
    Arity {
        kernel: &'static str,
        expected: &'static str,
        got: usize,
    },
    #[error(
        "{kernel} operand {position} reads a tile no node writes, and a zero block is not meaningful there"
    )]
    MissingOperand {
        kernel: &'static str,
        position: usize,
    },
    #[error("{kernel}: operand shapes do not fit: {detail}")]
    Shape {
        kernel: &'static str,
        detail: String,
    },
    #[error("chol: the matrix is not positive definite (leading minor {minor} is not positive)")]
    NotPositiveDefinite { minor: i32 },
    #[error("{kernel}: LAPACK reported argument {argument} illegal")]
    Lapack { kernel: &'static str, argument: i32 },
}

/// An operand handed to [`Kernel::run_consuming`]: a zero block, or a shared tile the kernel may
/// take over (and update in place) when it holds the only reference.
pub enum Operand {
    Zero,
    Shared(std::sync::Arc<Tile>),
}

impl Operand {
    pub fn tile(&self) -> Option<&Tile> {
        match self {
            Operand::Zero => None,
            Operand::Shared(tile) => Some(tile),
        }
    }
}

/// Where kernels get buffers for fresh results. The contents of a returned buffer are unspecified;
/// kernels that need zeros clear it themselves.
pub trait Buffers {
    fn take(&self, len: usize) -> Vec<f64>;
}

/// Fresh zeroed allocations, for callers without a pool.
pub struct Allocate;

impl Buffers for Allocate {
    fn take(&self, len: usize) -> Vec<f64> {
        vec![0.0; len]
    }
}

impl Kernel {
    pub const NAMES: &'static [&'static str] = &[
        "chol",
        "trsm",
        "trsm_left",
        "syrk",
        "gemm",
        "gemm_sub",
        "gemm_add",
        "add",
        "add_matrices",
        "copy",
        "identity",
        "qr_factor",
        "qr_pair",
        "qr_factor2",
        "qr_leaf",
        "qr_trailing_update",
        "lq_factor",
        "lq_pair",
        "lq_factor2",
        "lq_leaf",
        "lq_trailing_update",
    ];

    pub fn from_name(name: &str) -> Result<Kernel, Error> {
        Ok(match name {
            "chol" => Kernel::Chol,
            "trsm" => Kernel::Trsm,
            "trsm_left" => Kernel::TrsmLeft,
            "syrk" => Kernel::Syrk,
            "gemm" => Kernel::Gemm,
            "gemm_sub" => Kernel::GemmSub,
            "gemm_add" => Kernel::GemmAdd,
            "add" | "add_matrices" => Kernel::Add,
            "copy" | "identity" => Kernel::Copy,
            "qr_factor" => Kernel::QrFactor,
            "qr_pair" | "qr_factor2" => Kernel::QrPair,
            "qr_leaf" => Kernel::QrLeaf,
            "qr_trailing_update" => Kernel::QrTrailingUpdate,
            "lq_factor" => Kernel::LqFactor,
            "lq_pair" | "lq_factor2" => Kernel::LqPair,
            "lq_leaf" => Kernel::LqLeaf,
            "lq_trailing_update" => Kernel::LqTrailingUpdate,
            other => return Err(Error::Unknown(other.to_owned())),
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Kernel::Chol => "chol",
            Kernel::Trsm => "trsm",
            Kernel::TrsmLeft => "trsm_left",
            Kernel::Syrk => "syrk",
            Kernel::Gemm => "gemm",
            Kernel::GemmSub => "gemm_sub",
            Kernel::GemmAdd => "gemm_add",
            Kernel::Add => "add",
            Kernel::Copy => "copy",
            Kernel::QrFactor => "qr_factor",
            Kernel::QrPair => "qr_pair",
            Kernel::QrLeaf => "qr_leaf",
            Kernel::QrTrailingUpdate => "qr_trailing_update",
            Kernel::LqFactor => "lq_factor",
            Kernel::LqPair => "lq_pair",
            Kernel::LqLeaf => "lq_leaf",
            Kernel::LqTrailingUpdate => "lq_trailing_update",
        }
    }

    /// How many tiles the kernel writes.
    pub fn outputs(self) -> usize {
        match self {
            Kernel::QrFactor | Kernel::QrPair | Kernel::LqFactor | Kernel::LqPair => 3,
            Kernel::QrTrailingUpdate | Kernel::LqTrailingUpdate => 2,
            _ => 1,
        }
    }

    /// Checks the operand count at compile time.
    pub fn check_arity(self, operands: usize) -> Result<(), Error> {
        let (ok, expected) = match self {
            Kernel::Chol | Kernel::Copy | Kernel::LqFactor => (operands == 1, "1"),
            Kernel::Trsm | Kernel::TrsmLeft | Kernel::Gemm | Kernel::QrPair | Kernel::LqPair => {
                (operands == 2, "2")
            }
            Kernel::Syrk | Kernel::GemmSub | Kernel::GemmAdd | Kernel::QrLeaf | Kernel::LqLeaf => {
                (operands == 3, "3")
            }
            Kernel::QrTrailingUpdate | Kernel::LqTrailingUpdate => (operands == 4, "4"),
            Kernel::Add => (operands >= 1, "1 or more"),
            Kernel::QrFactor => (operands >= 1, "1 or more"),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::Arity {
                kernel: self.name(),
                expected,
                got: operands,
            })
        }
    }

    /// Floating-point operations of one call on these operands (the usual LAPACK counts).
    pub fn flops(self, operands: &[Option<&Tile>]) -> f64 {
        let shape = |i: usize| {
            operands
                .get(i)
                .copied()
                .flatten()
                .map(Tile::shape)
                .unwrap_or((0, 0))
        };
        let f = |x: usize| x as f64;
        match self {
            Kernel::Chol => f(shape(0).0).powi(3) / 3.0,
            Kernel::Trsm => f(shape(1).0) * f(shape(1).1).powi(2),
            Kernel::TrsmLeft => f(shape(1).0).powi(2) * f(shape(1).1),
            Kernel::Syrk
                if same_tile(
                    operands.get(1).copied().flatten(),
                    operands.get(2).copied().flatten(),
                ) =>
            {
                // dsyrk computes one triangle: m(m+1)k flops.
                f(shape(1).0) * f(shape(1).0 + 1) * f(shape(1).1)
            }
            Kernel::Syrk => 2.0 * f(shape(1).0) * f(shape(2).0) * f(shape(1).1),
            Kernel::GemmSub | Kernel::GemmAdd => {
                2.0 * f(shape(1).0) * f(shape(2).1) * f(shape(1).1)
            }
            Kernel::Gemm => 2.0 * f(shape(0).0) * f(shape(1).1) * f(shape(0).1),
            Kernel::Add => {
                let present: Vec<(usize, usize)> =
                    operands.iter().flatten().map(|t| t.shape()).collect();
                present.first().map_or(0.0, |&(r, c)| {
                    f(r) * f(c) * (present.len().saturating_sub(1)) as f64
                })
            }
            Kernel::Copy => 0.0,
            Kernel::QrFactor => {
                let m: usize = operands.iter().flatten().map(|t| t.rows()).sum();
                let n = f(shape(0).1);
                2.0 * f(m) * n * n - 2.0 * n.powi(3) / 3.0
            }
            Kernel::QrPair | Kernel::LqPair => {
                let n = f(shape(0).1.max(shape(1).1));
                4.0 * n.powi(3) / 3.0
            }
            Kernel::LqFactor => {
                let (m, n) = (f(shape(0).1), f(shape(0).0));
                2.0 * m * n * n - 2.0 * n.powi(3) / 3.0
            }
            // k reflectors of length `order` applied to `other` vectors: 2·other·k·(2·order − k).
            Kernel::QrLeaf => {
                let (order, other, k) = (f(shape(2).0), f(shape(2).1), f(shape(0).1));
                2.0 * other * k * (2.0 * order - k)
            }
            Kernel::LqLeaf => {
                let (order, other, k) = (f(shape(2).1), f(shape(2).0), f(shape(0).1));
                2.0 * other * k * (2.0 * order - k)
            }
            // A pair update with a triangular V of side k: Vᵀ·C2 and V·W at k²·other each, plus
            // the triangular T: 3·k²·other (the usual `tpmqrt` count with l = k).
            Kernel::QrTrailingUpdate | Kernel::LqTrailingUpdate => {
                let k = f(shape(0).1);
                let other = if self == Kernel::QrTrailingUpdate {
                    f(shape(2).1.max(shape(3).1))
                } else {
                    f(shape(2).0.max(shape(3).0))
                };
                3.0 * k * k * other
            }
        }
    }

    /// The operands whose buffers become results (updated in place).
    fn accumulators(self, operands: &[Option<&Tile>]) -> Vec<usize> {
        match self {
            Kernel::Chol | Kernel::Copy | Kernel::Syrk | Kernel::GemmSub | Kernel::GemmAdd => {
                vec![0]
            }
            Kernel::Trsm | Kernel::TrsmLeft => vec![1],
            Kernel::QrLeaf | Kernel::LqLeaf => vec![2],
            Kernel::QrTrailingUpdate | Kernel::LqTrailingUpdate => vec![2, 3],
            Kernel::Add => operands
                .iter()
                .position(Option::is_some)
                .into_iter()
                .collect(),
            Kernel::Gemm
            | Kernel::QrFactor
            | Kernel::QrPair
            | Kernel::LqFactor
            | Kernel::LqPair => Vec::new(),
        }
    }

    /// Runs the kernel on borrowed operands (`None` is a zero block); results are fresh tiles.
    pub fn run(self, operands: &[Option<&Tile>]) -> Result<Vec<Tile>, Error> {
        self.check(operands)?;
        let mut owned: Vec<Option<Tile>> = vec![None; operands.len()];
        for position in self.accumulators(operands) {
            owned[position] = operands[position].cloned();
        }
        self.apply(owned, operands, &Allocate)
    }

    /// Runs the kernel on operands it may consume: when the accumulator operand is held only here,
    /// its buffer is updated in place instead of copied; fresh results come from `buffers`.
    pub fn run_consuming(
        self,
        mut operands: Vec<Operand>,
        buffers: &dyn Buffers,
    ) -> Result<Vec<Tile>, Error> {
        let borrowed: Vec<Option<&Tile>> = operands.iter().map(Operand::tile).collect();
        self.check(&borrowed)?;
        let positions = self.accumulators(&borrowed);
        drop(borrowed);
        let mut owned: Vec<Option<Tile>> = vec![None; operands.len()];
        for position in positions {
            if let Operand::Shared(shared) =
                std::mem::replace(&mut operands[position], Operand::Zero)
            {
                owned[position] =
                    Some(std::sync::Arc::try_unwrap(shared).unwrap_or_else(|shared| {
                        let mut data = buffers.take(shared.data().len());
                        data.copy_from_slice(shared.data());
                        Tile::from_col_major(shared.rows(), shared.cols(), data)
                            .expect("same length")
                    }));
            }
        }
        let borrowed: Vec<Option<&Tile>> = operands.iter().map(Operand::tile).collect();
        self.apply(owned, &borrowed, buffers)
    }

    fn check(self, operands: &[Option<&Tile>]) -> Result<(), Error> {
        self.check_arity(operands.len())?;
        for tile in operands.iter().flatten() {
            if tile.rows() > TILE_SIDE_MAX || tile.cols() > TILE_SIDE_MAX {
                return Err(self.shape_error(format!(
                    "tile {}x{} exceeds the {TILE_SIDE_MAX} side limit",
                    tile.rows(),
                    tile.cols()
                )));
            }
        }
        Ok(())
    }

    /// `owned[i]` is the owned copy of accumulator operand `i` (whose slot in `operands` is then
    /// ignored), or `None` when that operand is a zero block or not an accumulator.
    fn apply(
        self,
        mut owned: Vec<Option<Tile>>,
        operands: &[Option<&Tile>],
        buffers: &dyn Buffers,
    ) -> Result<Vec<Tile>, Error> {
        let need = |position: usize| -> Result<&Tile, Error> {
            operands[position].ok_or(Error::MissingOperand {
                kernel: self.name(),
                position,
            })
        };
        match self {
            Kernel::Chol => chol(self.required(owned[0].take(), 0)?).map(|l| vec![l]),
            Kernel::Trsm => {
                trsm(need(0)?, self.required(owned[1].take(), 1)?, false).map(|x| vec![x])
            }
            Kernel::TrsmLeft => {
                trsm(need(0)?, self.required(owned[1].take(), 1)?, true).map(|x| vec![x])
            }
            Kernel::Syrk => syrk(owned[0].take(), need(1)?, need(2)?, buffers).map(|s| vec![s]),
            Kernel::Gemm => {
                gemm_update(self, None, need(0)?, need(1)?, 1.0, buffers).map(|c| vec![c])
            }
            Kernel::GemmSub | Kernel::GemmAdd => {
                let sign = if self == Kernel::GemmSub { -1.0 } else { 1.0 };
                gemm_update(self, owned[0].take(), need(1)?, need(2)?, sign, buffers)
                    .map(|c| vec![c])
            }
            Kernel::Add => {
                // The accumulator is the first present operand, already moved into `owned`.
                let first = owned.iter().position(Option::is_some).unwrap_or(0);
                add(
                    self.required(owned[first].take(), first)?,
                    &operands[first + 1..],
                )
                .map(|s| vec![s])
            }
            Kernel::Copy => Ok(vec![self.required(owned[0].take(), 0)?]),
            Kernel::QrFactor => householder::qr_factor(self, operands),
            Kernel::QrPair => householder::qr_pair(self, operands[0], operands[1]),
            Kernel::LqFactor => householder::lq_factor(self, operands[0]),
            Kernel::LqPair => householder::lq_pair(self, operands[0], operands[1]),
            Kernel::QrLeaf | Kernel::LqLeaf => {
                let how = if self == Kernel::QrLeaf {
                    Apply::LeftTransposed
                } else {
                    Apply::Right
                };
                let mut c = self.required(owned[2].take(), 2)?;
                householder::apply_block(self, how, need(0)?, need(1)?, &mut c)?;
                Ok(vec![c])
            }
            Kernel::QrTrailingUpdate | Kernel::LqTrailingUpdate => {
                let how = if self == Kernel::QrTrailingUpdate {
                    Apply::LeftTransposed
                } else {
                    Apply::Right
                };
                let (top, bottom) = (owned[2].take(), owned[3].take());
                householder::update_pair(self, how, need(0)?, need(1)?, top, bottom)
            }
        }
    }

    fn required(self, tile: Option<Tile>, position: usize) -> Result<Tile, Error> {
        tile.ok_or(Error::MissingOperand {
            kernel: self.name(),
            position,
        })
    }

    pub(crate) fn shape_error(self, detail: String) -> Error {
        Error::Shape {
            kernel: self.name(),
            detail,
        }
    }
}

/// `c = alpha·op(a)·op(b) + beta·c` on column-major tiles, `op` transposing when asked. The shapes
/// are checked here, because BLAS trusts them completely; callers check earlier to give good errors.
pub(crate) fn dgemm(
    transpose_a: bool,
    transpose_b: bool,
    alpha: f64,
    a: &Tile,
    b: &Tile,
    beta: f64,
    c: &mut Tile,
) {
    let (m, k) = if transpose_a {
        (a.cols(), a.rows())
    } else {
        (a.rows(), a.cols())
    };
    let (k_b, n) = if transpose_b {
        (b.cols(), b.rows())
    } else {
        (b.rows(), b.cols())
    };
    assert!(
        k == k_b && c.shape() == (m, n),
        "dgemm shapes: op(A) {m}x{k}, op(B) {k_b}x{n}, C {:?}",
        c.shape()
    );
    let trans = |t: bool| {
        if t {
            ffi::CBLAS_TRANS
        } else {
            ffi::CBLAS_NO_TRANS
        }
    };
    // SAFETY: the assert above matches every buffer to the dimensions and leading dimensions given.
    unsafe {
        ffi::cblas_dgemm(
            ffi::CBLAS_COL_MAJOR,
            trans(transpose_a),
            trans(transpose_b),
            dim(m),
            dim(n),
            dim(k),
            alpha,
            a.data().as_ptr(),
            ld(a.rows()),
            b.data().as_ptr(),
            ld(b.rows()),
            beta,
            c.data_mut().as_mut_ptr(),
            ld(c.rows()),
        )
    };
}

/// Are two operands the same tile (so `A·Aᵀ` is symmetric and dsyrk applies)?
fn same_tile(a: Option<&Tile>, b: Option<&Tile>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => std::ptr::eq(a, b) || a == b,
        _ => false,
    }
}

fn zeroed(rows: usize, cols: usize, buffers: &dyn Buffers) -> Tile {
    let mut data = buffers.take(rows * cols);
    data.fill(0.0);
    Tile::from_col_major(rows, cols, data).expect("sized")
}

/// LAPACK's `info`: negative names an illegal argument (a bug in the caller's checks). Positive
/// values mean something kernel-specific and are handled before this.
pub(crate) fn lapack_ok(kernel: &'static str, info: c_int) -> Result<(), Error> {
    if info == 0 {
        Ok(())
    } else {
        Err(Error::Lapack {
            kernel,
            argument: -info,
        })
    }
}

pub(crate) fn dim(x: usize) -> c_int {
    // Tiles are bounded by TILE_SIDE_MAX, checked in `run`, so this never truncates.
    x as c_int
}

pub(crate) fn ld(rows: usize) -> c_int {
    dim(rows.max(1))
}

fn chol(mut l: Tile) -> Result<Tile, Error> {
    let n = l.rows();
    if l.cols() != n {
        return Err(Kernel::Chol.shape_error(format!(
            "chol needs a square tile, got {}x{}",
            n,
            l.cols()
        )));
    }
    let mut info: c_int = 0;
    let uplo = b'L' as c_char;
    // SAFETY: `l` holds n*n elements with leading dimension n; potrf touches nothing else.
    unsafe { ffi::dpotrf_(&uplo, &dim(n), l.data_mut().as_mut_ptr(), &ld(n), &mut info) };
    if info > 0 {
        return Err(Error::NotPositiveDefinite { minor: info });
    }
    lapack_ok("chol", info)?;
    l.zero_triangle(true);
    Ok(l)
}

/// `left`: `X = L⁻¹·B`; otherwise `X = B·L⁻ᵀ` (solves `X·Lᵀ = B`). L is lower triangular; `b` is
/// overwritten with X.
fn trsm(l: &Tile, mut b: Tile, left: bool) -> Result<Tile, Error> {
    let kernel = if left { Kernel::TrsmLeft } else { Kernel::Trsm };
    let fits = if left {
        b.rows() == l.rows()
    } else {
        b.cols() == l.rows()
    };
    if l.rows() != l.cols() || !fits {
        return Err(kernel.shape_error(format!(
            "L {:?}, B {:?}: L must be square and match B",
            l.shape(),
            b.shape()
        )));
    }
    let (side, trans) = if left {
        (ffi::CBLAS_LEFT, ffi::CBLAS_NO_TRANS)
    } else {
        (ffi::CBLAS_RIGHT, ffi::CBLAS_TRANS)
    };
    let (rows, cols) = b.shape();
    // SAFETY: shapes checked above; each buffer matches its declared dimensions.
    unsafe {
        ffi::cblas_dtrsm(
            ffi::CBLAS_COL_MAJOR,
            side,
            ffi::CBLAS_LOWER,
            trans,
            ffi::CBLAS_NON_UNIT,
            dim(rows),
            dim(cols),
            1.0,
            l.data().as_ptr(),
            ld(l.rows()),
            b.data_mut().as_mut_ptr(),
            ld(rows),
        )
    };
    Ok(b)
}

/// `S − A·Bᵀ`. When A and B are the same tile the result is symmetric: dsyrk computes its lower
/// half at half the flops and the upper half is mirrored, so the result is the same full matrix.
fn syrk(s: Option<Tile>, a: &Tile, b: &Tile, buffers: &dyn Buffers) -> Result<Tile, Error> {
    let (m, n, k) = (a.rows(), b.rows(), a.cols());
    if b.cols() != k {
        return Err(Kernel::Syrk.shape_error(format!(
            "A {:?} and B {:?} need equal column counts",
            a.shape(),
            b.shape()
        )));
    }
    let mut out = match s {
        Some(s) if s.shape() == (m, n) => s,
        Some(s) => {
            return Err(Kernel::Syrk.shape_error(format!("S {:?} must be {m}x{n}", s.shape())));
        }
        None => zeroed(m, n, buffers),
    };
    let same = same_tile(Some(a), Some(b));
    // SAFETY: shapes checked above; `out` is m×n with leading dimension m.
    unsafe {
        if same {
            ffi::cblas_dsyrk(
                ffi::CBLAS_COL_MAJOR,
                ffi::CBLAS_LOWER,
                ffi::CBLAS_NO_TRANS,
                dim(m),
                dim(k),
                -1.0,
                a.data().as_ptr(),
                ld(m),
                1.0,
                out.data_mut().as_mut_ptr(),
                ld(m),
            );
        } else {
            dgemm(false, true, -1.0, a, b, 1.0, &mut out);
        }
    }
    if same {
        out.mirror_lower();
    }
    Ok(out)
}

/// `C + sign·A·B` (C absent means zero); errors name `kernel`.
fn gemm_update(
    kernel: Kernel,
    c: Option<Tile>,
    a: &Tile,
    b: &Tile,
    sign: f64,
    buffers: &dyn Buffers,
) -> Result<Tile, Error> {
    let (m, n, k) = (a.rows(), b.cols(), a.cols());
    if b.rows() != k {
        return Err(kernel.shape_error(format!("A {:?} times B {:?}", a.shape(), b.shape())));
    }
    // With beta = 0 BLAS never reads C, so a recycled buffer needs no clearing.
    let (mut out, beta) = match c {
        Some(c) if c.shape() == (m, n) => (c, 1.0),
        Some(c) => return Err(kernel.shape_error(format!("C {:?} must be {m}x{n}", c.shape()))),
        None => (
            Tile::from_col_major(m, n, buffers.take(m * n)).expect("sized"),
            0.0,
        ),
    };
    dgemm(false, false, sign, a, b, beta, &mut out);
    Ok(out)
}

/// `sum + Σ rest` (missing operands are zero blocks), accumulated into `sum`'s buffer.
fn add(mut sum: Tile, rest: &[Option<&Tile>]) -> Result<Tile, Error> {
    for tile in rest.iter().flatten() {
        if tile.shape() != sum.shape() {
            return Err(Kernel::Add.shape_error(format!("{:?} + {:?}", sum.shape(), tile.shape())));
        }
        for (acc, x) in sum.data_mut().iter_mut().zip(tile.data()) {
            *acc += x;
        }
    }
    Ok(sum)
}

/// Runs a closure with OpenBLAS limited to `threads` threads, restoring the previous count after.
/// OpenBLAS's thread count is process-wide: callers must not overlap calls with different counts.
pub fn with_blas_threads<T>(threads: usize, body: impl FnOnce() -> T) -> T {
    // SAFETY: plain getters/setters of OpenBLAS's global configuration.
    let previous = unsafe { ffi::openblas_get_num_threads() };
    unsafe { ffi::openblas_set_num_threads(threads.max(1) as c_int) };
    let out = body();
    unsafe { ffi::openblas_set_num_threads(previous) };
    out
}

/// Sets OpenBLAS's process-wide thread count.
pub fn set_blas_threads(threads: usize) {
    // SAFETY: plain setter of OpenBLAS's global configuration.
    unsafe { ffi::openblas_set_num_threads(threads.max(1) as c_int) };
}
