//! A tile: one dense block of a BigMatrix, column-major f64 (LAPACK's layout, so kernels call
//! LAPACK on the buffer directly, without transposes or copies).

use ndarray::{ArrayView2, ArrayViewMut2, ShapeBuilder};

/// The largest tile side the kernels accept; BLAS takes 32-bit dimensions and a tile must fit in
/// one object of the object store.
pub const TILE_SIDE_MAX: usize = 16_384;

#[derive(Clone, Debug, PartialEq)]
pub struct Tile {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl Tile {
    pub fn zeros(rows: usize, cols: usize) -> Tile {
        Tile {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    pub fn identity(side: usize) -> Tile {
        let mut tile = Tile::zeros(side, side);
        for i in 0..side {
            tile.set(i, i, 1.0);
        }
        tile
    }

    /// Builds a tile from a column-major buffer. Returns `None` when the length does not match.
    pub fn from_col_major(rows: usize, cols: usize, data: Vec<f64>) -> Option<Tile> {
        (data.len() == rows * cols).then_some(Tile { rows, cols, data })
    }

    pub fn from_fn(rows: usize, cols: usize, mut value: impl FnMut(usize, usize) -> f64) -> Tile {
        let mut data = Vec::with_capacity(rows * cols);
        for col in 0..cols {
            for row in 0..rows {
                data.push(value(row, col));
            }
        }
        Tile { rows, cols, data }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    pub fn data(&self) -> &[f64] {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut [f64] {
        &mut self.data
    }

    pub fn into_data(self) -> Vec<f64> {
        self.data
    }

    #[inline]
    pub fn get(&self, row: usize, col: usize) -> f64 {
        self.data[col * self.rows + row]
    }

    #[inline]
    pub fn set(&mut self, row: usize, col: usize, value: f64) {
        self.data[col * self.rows + row] = value;
    }

    /// The tile as an ndarray view, without copying.
    pub fn view(&self) -> ArrayView2<'_, f64> {
        ArrayView2::from_shape((self.rows, self.cols).f(), &self.data)
            .expect("length checked at construction")
    }

    pub fn view_mut(&mut self) -> ArrayViewMut2<'_, f64> {
        ArrayViewMut2::from_shape((self.rows, self.cols).f(), &mut self.data)
            .expect("length checked at construction")
    }

    /// Frobenius norm.
    pub fn norm(&self) -> f64 {
        self.data.iter().map(|x| x * x).sum::<f64>().sqrt()
    }

    /// Sets every element strictly above (`upper = true`) or below the diagonal to zero.
    pub fn zero_triangle(&mut self, upper: bool) {
        for col in 0..self.cols {
            for row in 0..self.rows {
                if (upper && row < col) || (!upper && row > col) {
                    self.set(row, col, 0.0);
                }
            }
        }
    }

    /// Copies the lower triangle onto the upper one (the result of a symmetric update).
    pub fn mirror_lower(&mut self) {
        let side = self.rows.min(self.cols);
        for col in 0..side {
            for row in 0..col {
                let value = self.get(col, row);
                self.set(row, col, value);
            }
        }
    }
}
