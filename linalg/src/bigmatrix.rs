//! BigMatrix layout: a logical rows×cols matrix cut into tiles of side `tile`, ragged at the right
//! and bottom edges. Tile `(i, j)` covers rows `i·tile ..` and columns `j·tile ..`.

use std::collections::HashMap;
use std::sync::Arc;

use crate::dag::TileKey;
use crate::tile::Tile;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    pub rows: usize,
    pub cols: usize,
    pub tile: usize,
}

impl Grid {
    pub fn new(rows: usize, cols: usize, tile: usize) -> Grid {
        assert!(tile > 0, "a tile has a positive side");
        Grid { rows, cols, tile }
    }

    pub fn row_tiles(&self) -> usize {
        self.rows.div_ceil(self.tile)
    }

    pub fn col_tiles(&self) -> usize {
        self.cols.div_ceil(self.tile)
    }

    /// Rows and columns of tile `(i, j)`.
    pub fn tile_shape(&self, i: usize, j: usize) -> (usize, usize) {
        (
            self.tile.min(self.rows - i * self.tile),
            self.tile.min(self.cols - j * self.tile),
        )
    }

    /// Cuts `full` into tiles keyed `(matrix, [i, j])`.
    pub fn split(&self, matrix: u32, full: &Tile) -> HashMap<TileKey, Arc<Tile>> {
        assert_eq!(
            full.shape(),
            (self.rows, self.cols),
            "matrix and grid disagree"
        );
        let mut tiles = HashMap::with_capacity(self.row_tiles() * self.col_tiles());
        for i in 0..self.row_tiles() {
            for j in 0..self.col_tiles() {
                let (r, c) = self.tile_shape(i, j);
                let (r0, c0) = (i * self.tile, j * self.tile);
                let mut data = Vec::with_capacity(r * c);
                for col in c0..c0 + c {
                    data.extend_from_slice(
                        &full.data()[col * self.rows + r0..col * self.rows + r0 + r],
                    );
                }
                let tile = Tile::from_col_major(r, c, data).expect("sized above");
                tiles.insert(
                    TileKey {
                        matrix,
                        index: vec![i as i64, j as i64].into(),
                    },
                    Arc::new(tile),
                );
            }
        }
        tiles
    }

    /// Assembles the tiles `(matrix, [i, j])` into a full matrix; missing tiles are zero blocks.
    pub fn assemble(
        &self,
        matrix: u32,
        tiles: &HashMap<TileKey, Arc<Tile>>,
    ) -> Result<Tile, String> {
        let mut full = Tile::zeros(self.rows, self.cols);
        for i in 0..self.row_tiles() {
            for j in 0..self.col_tiles() {
                let key = TileKey {
                    matrix,
                    index: vec![i as i64, j as i64].into(),
                };
                let Some(tile) = tiles.get(&key) else {
                    continue;
                };
                let (r, c) = self.tile_shape(i, j);
                if tile.shape() != (r, c) {
                    return Err(format!(
                        "tile [{i},{j}] is {:?}, the grid expects {:?}",
                        tile.shape(),
                        (r, c)
                    ));
                }
                let (r0, c0) = (i * self.tile, j * self.tile);
                for col in 0..c {
                    let dst = (c0 + col) * self.rows + r0;
                    full.data_mut()[dst..dst + r]
                        .copy_from_slice(&tile.data()[col * r..(col + 1) * r]);
                }
            }
        }
        Ok(full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_assemble_round_trip_with_ragged_edges() {
        let grid = Grid::new(7, 5, 3);
        let full = Tile::from_fn(7, 5, |r, c| (r * 10 + c) as f64);
        let tiles = grid.split(0, &full);
        assert_eq!(tiles.len(), 3 * 2);
        let corner = &tiles[&TileKey {
            matrix: 0,
            index: vec![2, 1].into(),
        }];
        assert_eq!(corner.shape(), (1, 2));
        assert_eq!(corner.get(0, 1), 64.0);
        assert_eq!(grid.assemble(0, &tiles).unwrap(), full);
    }
}
