//! `--verify qr`: rebuild Q from the Householder blocks a QR program leaves and check the
//! factorization. Two layouts are read, told apart by how V is indexed:
//!
//! * TSQR (`programs/tsqr.py`, one tile column): `V/T/R[level, i]`; leaves at level 0, the pair of
//!   tree level l with top row i at level l + 1, the final R at `R[levels, 0]`.
//! * CAQR (`programs/qr.py`): `V/T[j, i, level]` for row tile j of panel i (level 0: the tile's own
//!   QR, level l + 1: the pair of tree level l whose top row is j), R by tiles `R[i, k]`.
//!
//! In both, tree level l pairs rows r and r + 2^l (r a multiple of 2^(l+1), relative to the panel's
//! first row), as the programs do.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Error, Reference, Spec};
use crate::dag::TileKey;
use crate::executor::Outcome;
use crate::tile::Tile;
use crate::verify::{self, Reflector};

fn levels_of(width: usize) -> usize {
    if width <= 1 {
        0
    } else {
        (usize::BITS - (width - 1).leading_zeros()) as usize
    }
}

struct Tiles<'a> {
    tiles: &'a HashMap<TileKey, Arc<Tile>>,
}

impl<'a> Tiles<'a> {
    fn get(&self, matrix: u32, index: &[usize]) -> Option<&'a Tile> {
        let index: Box<[i64]> = index.iter().map(|&i| i as i64).collect();
        self.tiles
            .get(&TileKey { matrix, index })
            .map(|t| t.as_ref())
    }
}

pub(super) fn residuals(
    spec: &Spec,
    a: &Tile,
    outcome: &Outcome,
    reference: Option<Reference>,
) -> Result<Vec<(&'static str, f64)>, Error> {
    let (vm, tm, rm) = (spec.outputs[0], spec.outputs[1], spec.outputs[2]);
    let grid = spec.grid((spec.rows, spec.cols));
    let (b, row_tiles, col_tiles) = (spec.tile, grid.row_tiles(), grid.col_tiles());
    let tiles = Tiles {
        tiles: &outcome.tiles,
    };
    let v_dims = outcome
        .tiles
        .keys()
        .find(|k| k.matrix == vm)
        .map(|k| k.index.len())
        .ok_or_else(|| Error::Spec("the run produced no Householder blocks (V)".into()))?;
    let missing = |what: String| {
        Error::Spec(format!(
            "{what} was not produced: the padded matrix has {row_tiles} x {col_tiles} tiles; pass them as the program's size arguments"
        ))
    };
    let mut reflectors = Vec::new();
    let r_padded = match v_dims {
        2 => {
            if col_tiles != 1 {
                return Err(Error::Spec(
                    "the TSQR layout V[level, i] factors one tile column: use cols <= tile".into(),
                ));
            }
            for j in 0..row_tiles {
                let (v, t) = tiles
                    .get(vm, &[0, j])
                    .zip(tiles.get(tm, &[0, j]))
                    .ok_or_else(|| missing(format!("leaf {j}")))?;
                reflectors.push(Reflector::Leaf { row: j, v, t });
            }
            let levels = levels_of(row_tiles);
            for level in 0..levels {
                for j in (0..row_tiles).step_by(2 << level) {
                    if let Some((v, t)) = tiles
                        .get(vm, &[level + 1, j])
                        .zip(tiles.get(tm, &[level + 1, j]))
                    {
                        reflectors.push(Reflector::Pair {
                            top: j,
                            bottom: j + (1 << level),
                            v,
                            t,
                        });
                    }
                }
            }
            tiles
                .get(rm, &[levels, 0])
                .ok_or_else(|| missing(format!("the final R [{levels},0]")))?
                .clone()
        }
        3 => {
            for i in 0..col_tiles {
                for j in i..row_tiles {
                    let (v, t) = tiles
                        .get(vm, &[j, i, 0])
                        .zip(tiles.get(tm, &[j, i, 0]))
                        .ok_or_else(|| missing(format!("the leaf block of row {j}, panel {i}")))?;
                    reflectors.push(Reflector::Leaf { row: j, v, t });
                }
                for level in 0..levels_of(row_tiles - i) {
                    let half = 1 << level;
                    for j in (i..row_tiles.saturating_sub(half)).step_by(2 << level) {
                        let (v, t) = tiles
                            .get(vm, &[j, i, level + 1])
                            .zip(tiles.get(tm, &[j, i, level + 1]))
                            .ok_or_else(|| {
                                missing(format!("the pair block [{j},{i},{}]", level + 1))
                            })?;
                        reflectors.push(Reflector::Pair {
                            top: j,
                            bottom: j + half,
                            v,
                            t,
                        });
                    }
                }
            }
            let square = crate::bigmatrix::Grid::new(grid.cols, grid.cols, b);
            square.assemble(rm, &outcome.tiles).map_err(Error::Spec)?
        }
        other => {
            return Err(Error::Spec(format!(
                "V is indexed with {other} indices; --verify qr reads V[level, i] (TSQR) or V[j, i, level] (CAQR)"
            )));
        }
    };
    let (m, n) = (spec.rows, spec.cols);
    // Q·[I; 0], by tile rows; rows past the matrix (a tree pair whose bottom is a zero block)
    // take part as zeros and are dropped.
    let rows_needed = reflectors
        .iter()
        .map(|r| match r {
            Reflector::Leaf { row, .. } => row + 1,
            Reflector::Pair { bottom, .. } => bottom + 1,
        })
        .max()
        .unwrap_or(0)
        .max(row_tiles);
    let mut rows: Vec<Tile> = (0..rows_needed)
        .map(|i| Tile::from_fn(b, grid.cols, |r, c| (i * b + r == c) as u8 as f64))
        .collect();
    verify::apply_q(&reflectors, &mut rows).map_err(Error::Spec)?;
    let q = Tile::from_fn(m, n, |r, c| rows[r / b].get(r % b, c));
    drop(rows);
    if r_padded.rows() < n || r_padded.cols() < n {
        return Err(Error::Spec(format!(
            "R is {:?}, smaller than the {n} columns factored",
            r_padded.shape()
        )));
    }
    let r = Tile::from_fn(n, n, |i, j| r_padded.get(i, j));
    drop(r_padded);
    let qr = verify::gemm_single_call(&q, &r).map_err(|e| Error::Spec(e.to_string()))?;
    let reconstruction = verify::relative_difference(&qr, a);
    drop(qr);
    let orthogonality = verify::orthogonality_error(&q);
    drop(q);
    let norm = a.norm().max(f64::MIN_POSITIVE);
    let below = (0..n)
        .flat_map(|j| (j + 1..n).map(move |i| (i, j)))
        .map(|(i, j)| r.get(i, j).abs())
        .fold(0.0, f64::max)
        / norm;
    let lapack = match reference {
        Some(Reference::Qr(factored)) => factored,
        _ => {
            let mut factored = a.clone();
            verify::qr_single_call(&mut factored).map_err(Error::Lapack)?;
            factored
        }
    };
    let scale = (0..n)
        .map(|i| lapack.get(i, i).abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let diagonal = (0..n)
        .map(|i| (r.get(i, i).abs() - lapack.get(i, i).abs()).abs())
        .fold(0.0, f64::max)
        / scale;
    Ok(vec![
        ("|A - Q*R| / |A|", reconstruction),
        ("|Q^T*Q - I|", orthogonality),
        ("max |R below the diagonal| / |A|", below),
        (
            "max ||diag R| - |diag R_lapack|| / max |diag R_lapack|",
            diagonal,
        ),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn levels_are_ceiling_log2() {
        let expected = [0, 0, 1, 2, 2, 3, 3, 3, 3, 4];
        for (width, levels) in expected.iter().enumerate() {
            assert_eq!(super::levels_of(width), *levels, "width {width}");
        }
    }
}
