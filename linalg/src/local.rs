//! A whole local run, shared by `slnode lambdapack run` and the tests: generate inputs for a
//! verification mode, cut them into tiles, execute, reassemble, compute residuals. Timing is the
//! caller's (this crate reads no clock), so the caller wraps [`execute`] and the baselines.

use std::collections::HashMap;
use std::sync::Arc;

use crate::bigmatrix::Grid;
use crate::dag::{Dag, TileKey};
use crate::executor::{self, Options, Outcome};
use crate::program::Program;
use crate::tile::Tile;
use crate::verify::{self, Rng};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    Cholesky,
    Gemm,
    Trsm,
    Qr,
}

impl Verify {
    pub fn from_name(name: &str) -> Option<Verify> {
        match name {
            "cholesky" => Some(Verify::Cholesky),
            "gemm" => Some(Verify::Gemm),
            "trsm" => Some(Verify::Trsm),
            "qr" => Some(Verify::Qr),
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
        }
    }

    /// Inputs and outputs the check needs, in the order it reads them.
    fn arity(self) -> (usize, usize) {
        match self {
            Verify::Cholesky => (1, 1),
            Verify::Gemm | Verify::Trsm => (2, 1),
            Verify::Qr => (1, 3),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Spec {
    pub rows: usize,
    pub cols: usize,
    pub tile: usize,
    /// Matrices generated as inputs (default: those no statement writes).
    pub inputs: Vec<u32>,
    /// Matrices returned (default: written matrices indexed by at most two indices).
    pub outputs: Vec<u32>,
    pub verify: Option<Verify>,
    pub seed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Spec(String),
    #[error(transparent)]
    Execute(#[from] executor::Error),
}

/// Default inputs and outputs of a program (see [`Spec`]).
pub fn default_roles(program: &Program) -> (Vec<u32>, Vec<u32>) {
    let inputs = program.inputs().into_iter().map(|m| m as u32).collect();
    let outputs = (0..program.matrices.len())
        .filter(|&m| program.is_written(m) && program.matrix_dims[m] <= 2)
        .map(|m| m as u32)
        .collect();
    (inputs, outputs)
}

/// Full input matrices, generated as the verification mode needs (SPD for Cholesky, triangular L
/// for TRSM), else uniformly random.
pub fn generate_inputs(program: &Program, spec: &Spec) -> Result<HashMap<u32, Tile>, Error> {
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
        if matches!(verify, Verify::Cholesky | Verify::Gemm | Verify::Trsm)
            && spec.rows != spec.cols
        {
            return Err(Error::Spec(format!(
                "--verify {} needs a square --size",
                verify.name()
            )));
        }
        if verify == Verify::Qr && spec.cols > spec.tile {
            return Err(Error::Spec(
                "--verify qr runs TSQR: the matrix must be one tile wide (cols <= tile)".into(),
            ));
        }
    }
    let mut rng = Rng::new(spec.seed);
    let mut matrices = HashMap::new();
    for (position, &matrix) in spec.inputs.iter().enumerate() {
        let full = match (spec.verify, position) {
            (Some(Verify::Cholesky), 0) => verify::spd(spec.rows, &mut rng),
            (Some(Verify::Trsm), 0) => verify::lower_triangular(spec.rows, &mut rng),
            _ => verify::random(spec.rows, spec.cols, &mut rng),
        };
        matrices.insert(matrix, full);
    }
    Ok(matrices)
}

/// Cuts full inputs into tiles.
pub fn tiles_of(spec: &Spec, matrices: &HashMap<u32, Tile>) -> HashMap<TileKey, Arc<Tile>> {
    let grid = Grid::new(spec.rows, spec.cols, spec.tile);
    matrices
        .iter()
        .flat_map(|(&m, full)| grid.split(m, full))
        .collect()
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

/// Residuals of the run, by name: every one should be below 1e-10.
pub fn residuals(
    spec: &Spec,
    inputs: &HashMap<u32, Tile>,
    outcome: &Outcome,
    reference: Option<&Tile>,
) -> Result<Vec<(&'static str, f64)>, Error> {
    let Some(verify) = spec.verify else {
        return Ok(Vec::new());
    };
    let grid = Grid::new(spec.rows, spec.cols, spec.tile);
    let assemble = |m: u32| grid.assemble(m, &outcome.tiles).map_err(Error::Spec);
    let input = |i: usize| &inputs[&spec.inputs[i]];
    Ok(match verify {
        Verify::Cholesky => vec![(
            "|A - L*L^T| / |A|",
            verify::cholesky_residual(input(0), &assemble(spec.outputs[0])?),
        )],
        Verify::Gemm => {
            let c = assemble(spec.outputs[0])?;
            let product = match reference {
                Some(product) => product.clone(),
                None => verify::gemm_single_call(input(0), input(1))
                    .map_err(|e| Error::Spec(e.to_string()))?,
            };
            vec![("|A*B - C| / |C|", verify::relative_difference(&product, &c))]
        }
        Verify::Trsm => vec![(
            "|L*X - B| / |B|",
            verify::trsm_residual(input(0), &assemble(spec.outputs[0])?, input(1)),
        )],
        Verify::Qr => qr_residuals(spec, input(0), outcome)?,
    })
}

fn qr_residuals(
    spec: &Spec,
    a: &Tile,
    outcome: &Outcome,
) -> Result<Vec<(&'static str, f64)>, Error> {
    let (v, t, r) = (spec.outputs[0], spec.outputs[1], spec.outputs[2]);
    let leaves = spec.rows.div_ceil(spec.tile);
    let get = |m: u32, level: usize, i: usize| {
        outcome.tiles.get(&TileKey {
            matrix: m,
            index: vec![level as i64, i as i64].into(),
        })
    };
    let levels = if leaves <= 1 {
        0
    } else {
        (leaves as f64).log2().ceil() as usize
    };
    let r_final = get(r, levels, 0).ok_or_else(|| {
        Error::Spec(format!("the final R tile [{levels},0] was not produced: the matrix has {leaves} row tiles, so run with --arg N={leaves}"))
    })?;
    let node =
        |level: usize, i: usize| Some((get(v, level, i)?.as_ref(), get(t, level, i)?.as_ref()));
    let tree = verify::TsqrTree {
        leaves,
        node: &node,
    };
    let leaf_rows: Vec<usize> = (0..leaves)
        .map(|i| spec.tile.min(spec.rows - i * spec.tile))
        .collect();
    if (0..leaves).any(|i| node(0, i).is_none()) {
        return Err(Error::Spec(format!(
            "a TSQR leaf is missing: the matrix has {leaves} row tiles, so run with --arg N={leaves}"
        )));
    }
    let reconstructed = verify::tsqr_apply_q(&tree, r_final, &leaf_rows).map_err(Error::Spec)?;
    let q = verify::tsqr_apply_q(&tree, &Tile::identity(r_final.rows()), &leaf_rows)
        .map_err(Error::Spec)?;
    Ok(vec![
        (
            "|A - Q*R| / |A|",
            verify::relative_difference(&reconstructed, a),
        ),
        ("|Q^T*Q - I|", verify::orthogonality_error(&q)),
    ])
}

fn names(program: &Program, matrices: &[u32]) -> String {
    matrices
        .iter()
        .filter_map(|&m| program.matrices.get(m as usize))
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}
