//! The last, single-node step of the SVD: an upper band matrix (what `programs/svd.py` leaves in
//! its diagonal and super-diagonal tiles) reduced to bidiagonal form by LAPACK's `dgbbrd`, whose
//! singular values `dbdsqr` computes. Values only: no vectors are formed.

use std::os::raw::{c_char, c_int};

use crate::ffi;
use crate::tile::Tile;

/// The most columns a band may have: LAPACK takes 32-bit sizes, and the band storage of a matrix
/// this wide with a tile-sized bandwidth is already gigabytes.
pub const BAND_COLUMNS_MAX: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error(
        "band is {columns} columns with bandwidth {upper}; it needs 1 to {BAND_COLUMNS_MAX} columns"
    )]
    Shape { columns: usize, upper: usize },
    #[error("{routine} reported argument {argument} illegal")]
    Illegal {
        routine: &'static str,
        argument: i32,
    },
    #[error("dbdsqr did not converge ({0} superdiagonal elements left)")]
    NoConvergence(i32),
}

/// An n×n upper band matrix with `upper` superdiagonals, in LAPACK band storage (column-major,
/// `upper + 1` rows: entry (i, j) at row `upper + i − j` of column j). A bandwidth of n or more is
/// clamped to n − 1 (the whole upper triangle).
pub struct UpperBand {
    n: usize,
    upper: usize,
    storage: Vec<f64>,
}

impl UpperBand {
    pub fn zeros(n: usize, upper: usize) -> Result<UpperBand, Error> {
        if n == 0 || n > BAND_COLUMNS_MAX {
            return Err(Error::Shape { columns: n, upper });
        }
        let upper = upper.min(n - 1);
        Ok(UpperBand {
            n,
            upper,
            storage: vec![0.0; (upper + 1) * n],
        })
    }

    pub fn order(&self) -> usize {
        self.n
    }

    /// Copies `tile` (placed with its top-left corner at (row0, col0)) into the band; entries
    /// outside the band or the matrix are ignored, so tiles straddling its edge may be passed whole.
    pub fn add_tile(&mut self, row0: usize, col0: usize, tile: &Tile) {
        let rows = self.upper + 1;
        for c in 0..tile.cols() {
            let j = col0 + c;
            if j >= self.n {
                break;
            }
            for r in 0..tile.rows() {
                let i = row0 + r;
                if i > j || j - i > self.upper || i >= self.n {
                    continue;
                }
                self.storage[j * rows + self.upper + i - j] = tile.get(r, c);
            }
        }
    }

    /// Singular values, largest first (dgbbrd, then dbdsqr). Consumes the band.
    pub fn singular_values(mut self) -> Result<Vec<f64>, Error> {
        let n = self.n as c_int;
        let ku = self.upper as c_int;
        let ldab = ku + 1;
        let mut d = vec![0.0; self.n];
        let mut e = vec![0.0; self.n.saturating_sub(1).max(1)];
        let mut work = vec![0.0; 4 * self.n.max(1)];
        let mut dummy = [0.0f64; 1];
        let (zero, one) = (0 as c_int, 1 as c_int);
        let mut info: c_int = 0;
        let vect = b'N' as c_char;
        // SAFETY: storage is (ku+1)×n with ldab = ku+1; d has n, e n−1 (at least 1) doubles; work
        // has 2·n as dgbbrd needs; no vectors are requested, so Q, PT and C are never touched
        // (their leading dimensions of 1 are what LAPACK requires then).
        unsafe {
            ffi::dgbbrd_(
                &vect,
                &n,
                &n,
                &zero,
                &zero,
                &ku,
                self.storage.as_mut_ptr(),
                &ldab,
                d.as_mut_ptr(),
                e.as_mut_ptr(),
                dummy.as_mut_ptr(),
                &one,
                dummy.as_mut_ptr(),
                &one,
                dummy.as_mut_ptr(),
                &one,
                work.as_mut_ptr(),
                &mut info,
            )
        };
        if info < 0 {
            return Err(Error::Illegal {
                routine: "dgbbrd",
                argument: -info,
            });
        }
        drop(std::mem::take(&mut self.storage));
        let uplo = b'U' as c_char;
        // SAFETY: d has n and e n−1 doubles; work holds 4·n; no vectors (ncvt = nru = ncc = 0).
        unsafe {
            ffi::dbdsqr_(
                &uplo,
                &n,
                &zero,
                &zero,
                &zero,
                d.as_mut_ptr(),
                e.as_mut_ptr(),
                dummy.as_mut_ptr(),
                &one,
                dummy.as_mut_ptr(),
                &one,
                dummy.as_mut_ptr(),
                &one,
                work.as_mut_ptr(),
                &mut info,
            )
        };
        match info {
            0 => Ok(d),
            i if i < 0 => Err(Error::Illegal {
                routine: "dbdsqr",
                argument: -i,
            }),
            i => Err(Error::NoConvergence(i)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bidiagonal_band_gives_known_values() {
        // diag(3, 2, 1) with no superdiagonal: the values are the diagonal, sorted.
        let mut band = UpperBand::zeros(3, 2).unwrap();
        band.add_tile(
            0,
            0,
            &Tile::from_fn(3, 3, |i, j| {
                [[1.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 2.0]][i][j]
            }),
        );
        let values = band.singular_values().unwrap();
        assert_eq!(values, vec![3.0, 2.0, 1.0]);
    }

    #[test]
    fn entries_below_the_diagonal_or_outside_the_band_are_ignored() {
        let mut band = UpperBand::zeros(2, 1).unwrap();
        // [[3, 4], [5, 0]]: the 5 is below the diagonal; the band holds [[3, 4], [0, 0]], whose
        // values are 5 and 0.
        band.add_tile(
            0,
            0,
            &Tile::from_fn(2, 2, |i, j| [[3.0, 4.0], [5.0, 0.0]][i][j]),
        );
        let values = band.singular_values().unwrap();
        assert!(
            (values[0] - 5.0).abs() < 1e-14 && values[1].abs() < 1e-14,
            "{values:?}"
        );
        assert!(UpperBand::zeros(0, 0).is_err());
        assert_eq!(UpperBand::zeros(4, 9).unwrap().upper, 3);
    }
}
