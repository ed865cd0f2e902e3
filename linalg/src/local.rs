//! A whole local run, shared by `slnode lambdapack run` and the tests: generate inputs for a
//! verification mode, cut them into tiles, execute, reassemble, compute residuals. Timing is the
//! caller's (this crate reads no clock), so the caller wraps [`execute`] and the baselines.

use std::collections::HashMap;
use std::sync::Arc;

use crate::band::UpperBand;
use crate::bigmatrix::Grid;
use crate::dag::{Dag, TileKey};
use crate::executor::{self, Options, Outcome};
use crate::program::Program;
use crate::tile::Tile;
use crate::verify::{self, Rng};

mod qr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    Cholesky,
    Gemm,
    Trsm,
    Qr,
    Svd,
}

impl Verify {
    pub const NAMES: &'static [&'static str] = &["cholesky", "gemm", "trsm", "qr", "svd"];

    pub fn from_name(name: &str) -> Option<Verify> {
        match name {
            "cholesky" => Some(Verify::Cholesky),
            "gemm" => Some(Verify::Gemm),
            "trsm" => Some(Verify::Trsm),
            "qr" => Some(Verify::Qr),
            "svd" => Some(Verify::Svd),
            _ => None,
        }
    }

    /// The name `--verify` takes.
    pub fn name(self) -> &'static str {
        match self {
            Verify::Cholesky => "cholesky",
            Verify::Gemm => "gemm",
            Verify::Trsm => "trsm",
            Verify::Qr => "qr",
            Verify::Svd => "svd",
        }
    }

    /// Inputs and outputs the check needs, in the order it reads them.
    fn arity(self) -> (usize, usize) {
        match self {
            Verify::Cholesky | Verify::Svd => (1, 1),
            Verify::Gemm | Verify::Trsm => (2, 1),
            Verify::Qr => (1, 3),
        }
    }

    /// The factorizations work on whole square tiles, so their inputs are padded with zeros to a
    /// whole number of tiles (zero rows and columns change neither R's leading block nor the
    /// nonzero singular values); the results are cut back to the logical size.
    fn padded(self) -> bool {
        matches!(self, Verify::Qr | Verify::Svd)
    }
}

#[derive(Clone, Debug)]
pub struct Spec {
    /// Rows and columns of the (first) input; for GEMM, of the product.
    pub rows: usize,
    pub cols: usize,
    /// GEMM's inner dimension: A is rows×inner, B inner×cols (default: cols).
    pub inner: Option<usize>,
    pub tile: usize,
    /// Matrices generated as inputs (default: those no statement writes).
    pub inputs: Vec<u32>,
    /// Matrices returned (see [`default_roles`]).
    pub outputs: Vec<u32>,
    pub verify: Option<Verify>,
    pub seed: u64,
    /// Graded inputs (columns scaled geometrically from 1 to 1/condition) instead of uniform
    /// random ones; ignored for the SPD and triangular inputs of cholesky and trsm.
    pub condition: Option<f64>,
}

impl Spec {
    /// Logical shape of input `position`.
    pub fn input_shape(&self, position: usize) -> (usize, usize) {
        match (self.verify, position) {
            (Some(Verify::Gemm), 0) => (self.rows, self.inner.unwrap_or(self.cols)),
            (Some(Verify::Gemm), 1) => (self.inner.unwrap_or(self.cols), self.cols),
            (Some(Verify::Trsm), 0) => (self.rows, self.rows),
            _ => (self.rows, self.cols),
        }
    }

    /// The tile grid of a logical shape: padded to whole tiles when the verification needs it.
    pub fn grid(&self, (rows, cols): (usize, usize)) -> Grid {
        if self.verify.is_some_and(Verify::padded) {
            Grid::new(
                rows.next_multiple_of(self.tile),
                cols.next_multiple_of(self.tile),
                self.tile,
            )
        } else {
            Grid::new(rows, cols, self.tile)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Spec(String),
    #[error(transparent)]
    Execute(#[from] executor::Error),
    #[error("{0}")]
    Lapack(String),
}

/// Default inputs and outputs of a program: inputs are the matrices no statement writes; outputs
/// the written matrices with at most two indices, or, when a verification needs more outputs than
/// that (CAQR's Householder blocks are indexed `[row, panel, level]`), the first written matrices
/// in parameter order.
pub fn default_roles(program: &Program, verify: Option<Verify>) -> (Vec<u32>, Vec<u32>) {
    let inputs = program.inputs().into_iter().map(|m| m as u32).collect();
    let written: Vec<u32> = (0..program.matrices.len())
        .filter(|&m| program.is_written(m))
        .map(|m| m as u32)
        .collect();
    let mut outputs: Vec<u32> = written
        .iter()
        .copied()
        .filter(|&m| program.matrix_dims[m as usize] <= 2)
        .collect();
    if let Some(verify) = verify
        && outputs.len() < verify.arity().1
    {
        outputs = written.into_iter().take(verify.arity().1).collect();
    }
    (inputs, outputs)
}

/// Full input matrices at their logical size, generated as the verification mode needs (SPD for
/// Cholesky, triangular L for TRSM), else uniformly random or graded (`Spec::condition`).
pub fn generate_inputs(program: &Program, spec: &Spec) -> Result<HashMap<u32, Tile>, Error> {
    if spec.tile == 0 {
        return Err(Error::Spec("the tile side must be positive".into()));
    }
    if let Some(verify) = spec.verify {
        let (inputs, outputs) = verify.arity();
        if spec.inputs.len() < inputs || spec.outputs.len() < outputs {
            return Err(Error::Spec(format!(
                "--verify {} needs {inputs} input and {outputs} output matrices; the program has inputs [{}] and outputs [{}] (name them with --inputs/--outputs)",
                verify.name(),
                names(program, &spec.inputs),
                names(program, &spec.outputs)
            )));
        }
        if verify == Verify::Cholesky && spec.rows != spec.cols {
            return Err(Error::Spec(
                "--verify cholesky needs a square --size".into(),
            ));
        }
        if matches!(verify, Verify::Qr | Verify::Svd) && spec.rows < spec.cols {
            return Err(Error::Spec(format!(
                "--verify {} needs rows >= cols (factor the transpose of a wide matrix)",
                verify.name()
            )));
        }
    }
    if spec.inner.is_some() && spec.verify != Some(Verify::Gemm) {
        return Err(Error::Spec(
            "an inner dimension (--size MxNxK) is only meaningful with --verify gemm".into(),
        ));
    }
    let mut rng = Rng::new(spec.seed);
    let mut matrices = HashMap::new();
    for (position, &matrix) in spec.inputs.iter().enumerate() {
        let (rows, cols) = spec.input_shape(position);
        let full = match (spec.verify, position, spec.condition) {
            (Some(Verify::Cholesky), 0, _) => verify::spd(rows, &mut rng),
            (Some(Verify::Trsm), 0, _) => verify::lower_triangular(rows, &mut rng),
            (_, _, Some(condition)) => verify::graded(rows, cols, condition, &mut rng),
            _ => verify::random(rows, cols, &mut rng),
        };
        matrices.insert(matrix, full);
    }
    Ok(matrices)
}

/// Cuts full inputs into tiles (padding them with zeros to whole tiles when the check needs it).
pub fn tiles_of(spec: &Spec, matrices: &HashMap<u32, Tile>) -> HashMap<TileKey, Arc<Tile>> {
    let mut tiles = HashMap::new();
    for (&m, full) in matrices {
        let grid = spec.grid(full.shape());
        if (grid.rows, grid.cols) == full.shape() {
            tiles.extend(grid.split(m, full));
        } else {
            let padded = Tile::from_fn(grid.rows, grid.cols, |i, j| {
                if i < full.rows() && j < full.cols() {
                    full.get(i, j)
                } else {
                    0.0
                }
            });
            tiles.extend(grid.split(m, &padded));
        }
    }
    tiles
}

pub fn execute(
    dag: &Dag<'_>,
    spec: &Spec,
    tiles: HashMap<TileKey, Arc<Tile>>,
    workers: usize,
    blas_threads: usize,
) -> Result<Outcome, Error> {
    let options = Options {
        workers,
        blas_threads_alone: blas_threads,
        outputs: spec.outputs.clone(),
        pool_bytes: executor::POOL_BYTES_DEFAULT,
    };
    Ok(executor::execute(dag, tiles, &options)?)
}

/// What a run computes beyond its tiles, on one node after the DAG: the singular values of the
/// band the SVD program leaves (`dgbbrd` + `dbdsqr`), largest first. Part of the run's time.
pub fn finish(spec: &Spec, outcome: &Outcome) -> Result<Option<Vec<f64>>, Error> {
    if spec.verify != Some(Verify::Svd) {
        return Ok(None);
    }
    let grid = spec.grid((spec.rows, spec.cols));
    let (b, tiles) = (spec.tile, grid.col_tiles());
    let band_matrix = spec.outputs[0];
    let get = |i: usize, j: usize| {
        outcome
            .tiles
            .get(&TileKey {
                matrix: band_matrix,
                index: vec![i as i64, j as i64].into(),
            })
            .ok_or_else(|| {
                Error::Spec(format!(
                    "band tile [{i},{j}] was not produced: the padded matrix has {} x {tiles} tiles, so run with --arg M={} --arg N={tiles}",
                    grid.row_tiles(),
                    grid.row_tiles()
                ))
            })
    };
    let mut band = UpperBand::zeros(grid.cols, b).map_err(|e| Error::Lapack(e.to_string()))?;
    for i in 0..tiles {
        band.add_tile(i * b, i * b, get(i, i)?);
        if i + 1 < tiles {
            band.add_tile(i * b, (i + 1) * b, get(i, i + 1)?);
        }
    }
    let mut values = band
        .singular_values()
        .map_err(|e| Error::Lapack(e.to_string()))?;
    values.truncate(spec.rows.min(spec.cols));
    Ok(Some(values))
}

/// The single LAPACK call a run is compared with, holding its own copy of the input so the timed
/// call does no copying (the tiled run's inputs are cut before its clock starts, too).
pub enum Baseline<'a> {
    Cholesky(Tile),
    Gemm(&'a Tile, &'a Tile),
    Qr(Tile),
    Svd(Tile),
}

/// The baseline's result, reused as the reference of the check.
pub enum Reference {
    Cholesky,
    Product(Tile),
    Qr(Tile),
    Values(Vec<f64>),
}

impl<'a> Baseline<'a> {
    pub fn prepare(spec: &Spec, inputs: &'a HashMap<u32, Tile>) -> Result<Baseline<'a>, Error> {
        let input = |i: usize| {
            spec.inputs
                .get(i)
                .and_then(|m| inputs.get(m))
                .ok_or_else(|| Error::Spec("the baseline needs the verified inputs".into()))
        };
        Ok(match spec.verify {
            Some(Verify::Cholesky) => Baseline::Cholesky(input(0)?.clone()),
            Some(Verify::Gemm) => Baseline::Gemm(input(0)?, input(1)?),
            Some(Verify::Qr) => Baseline::Qr(input(0)?.clone()),
            Some(Verify::Svd) => Baseline::Svd(input(0)?.clone()),
            _ => {
                return Err(Error::Spec(
                    "--baseline needs --verify cholesky, gemm, qr or svd".into(),
                ));
            }
        })
    }

    /// Runs the call (potrf, gemm, geqrf or gesdd); the caller times this alone.
    pub fn run(self) -> Result<Reference, Error> {
        let lapack = |e: String| Error::Lapack(e);
        Ok(match self {
            Baseline::Cholesky(a) => {
                verify::cholesky_single_call(a).map_err(|e| lapack(e.to_string()))?;
                Reference::Cholesky
            }
            Baseline::Gemm(a, b) => Reference::Product(
                verify::gemm_single_call(a, b).map_err(|e| lapack(e.to_string()))?,
            ),
            Baseline::Qr(mut a) => {
                verify::qr_single_call(&mut a).map_err(lapack)?;
                Reference::Qr(a)
            }
            Baseline::Svd(mut a) => {
                Reference::Values(verify::singular_values_single_call(&mut a).map_err(lapack)?)
            }
        })
    }
}

/// Residuals of the run, by name: every one should be below 1e-10. `values` is what [`finish`]
/// returned; `reference` the baseline's result, if it ran (else the check computes its own).
pub fn residuals(
    spec: &Spec,
    inputs: &HashMap<u32, Tile>,
    outcome: &Outcome,
    values: Option<&[f64]>,
    reference: Option<Reference>,
) -> Result<Vec<(&'static str, f64)>, Error> {
    let Some(verify) = spec.verify else {
        return Ok(Vec::new());
    };
    let input = |i: usize| &inputs[&spec.inputs[i]];
    let output_grid = match verify {
        Verify::Cholesky => spec.grid((spec.rows, spec.rows)),
        _ => spec.grid((spec.rows, spec.cols)),
    };
    let assemble = |m: u32| output_grid.assemble(m, &outcome.tiles).map_err(Error::Spec);
    Ok(match verify {
        Verify::Cholesky => vec![(
            "|A - L*L^T| / |A|",
            verify::cholesky_residual(input(0), &assemble(spec.outputs[0])?),
        )],
        Verify::Gemm => {
            let c = assemble(spec.outputs[0])?;
            let product = match reference {
                Some(Reference::Product(product)) => product,
                _ => verify::gemm_single_call(input(0), input(1))
                    .map_err(|e| Error::Spec(e.to_string()))?,
            };
            vec![("|A*B - C| / |C|", verify::relative_difference(&product, &c))]
        }
        Verify::Trsm => vec![(
            "|L*X - B| / |B|",
            verify::trsm_residual(input(0), &assemble(spec.outputs[0])?, input(1)),
        )],
        Verify::Qr => qr::residuals(spec, input(0), outcome, reference)?,
        Verify::Svd => {
            let values = values.ok_or_else(|| Error::Spec("no singular values computed".into()))?;
            let expected = match reference {
                Some(Reference::Values(expected)) => expected,
                _ => verify::singular_values_single_call(&mut input(0).clone())
                    .map_err(Error::Lapack)?,
            };
            verify::singular_value_errors(values, &expected)
        }
    })
}

fn names(program: &Program, matrices: &[u32]) -> String {
    matrices
        .iter()
        .filter_map(|&m| program.matrices.get(m as usize))
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}
