//! What the distributed runtime needs from the analysis, without any I/O: node keys as bytes for
//! the coordinator, the plan a submission records (node count and start nodes, single assignment
//! checked, output grids), and one node's work split into the steps around its tile reads and
//! writes — the caller fetches operands and stores results wherever its tiles live.
//!
//! A finished node reports each child with its total parent count, derived here from the program
//! (numpywren's implicit DAG): the coordinator only counts.

use std::collections::HashMap;

use crate::dag::{self, Dag, Node, TileKey};
use crate::kernels::{self, Buffers, Operand};
use crate::program::LOOP_DEPTH_MAX;
use crate::tile::Tile;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Dag(#[from] dag::Error),
    #[error("{node}: kernel {kernel}: {source}")]
    Kernel {
        node: String,
        kernel: &'static str,
        source: kernels::Error,
    },
    #[error("{node} needs input tile {tile}, which the input matrix does not have")]
    MissingInput { node: String, tile: String },
    #[error("{node} read {tile}, whose writer has finished, but the tile is gone")]
    LostTile { node: String, tile: String },
    #[error("malformed node key ({0} bytes)")]
    BadKey(usize),
}

/// `template` (u32, little-endian) then each loop variable (i64, little-endian).
pub fn encode_node(node: &Node) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 8 * node.vars.len());
    out.extend_from_slice(&node.template.to_le_bytes());
    for v in node.vars.iter() {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

pub fn decode_node(bytes: &[u8]) -> Result<Node, Error> {
    let bad = || Error::BadKey(bytes.len());
    if bytes.len() < 4
        || !(bytes.len() - 4).is_multiple_of(8)
        || (bytes.len() - 4) / 8 > LOOP_DEPTH_MAX
    {
        return Err(bad());
    }
    let template = u32::from_le_bytes(bytes[..4].try_into().map_err(|_| bad())?);
    let vars = bytes[4..]
        .chunks_exact(8)
        .map(|c| c.try_into().map(i64::from_le_bytes).map_err(|_| bad()))
        .collect::<Result<Box<[i64]>, Error>>()?;
    Ok(Node { template, vars })
}

/// What a submission records: how many nodes, which start, the tile grid each written
/// two-index matrix ends up with (its largest written index + 1 per side), and the grid of input
/// tiles the program reads (checked against the bound matrices before anything runs).
pub struct Plan {
    pub total: u64,
    pub roots: Vec<Node>,
    pub grids: HashMap<u32, (u64, u64)>,
    /// Per input matrix: the largest row and column tile index read, + 1.
    pub reads: HashMap<u32, (u64, u64)>,
    /// Whether some read of an input matrix has a negative index or not two of them.
    pub odd_reads: Vec<u32>,
}

fn extend(grids: &mut HashMap<u32, (u64, u64)>, matrix: u32, i: i64, j: i64) {
    let grid = grids.entry(matrix).or_insert((0, 0));
    grid.0 = grid.0.max(i.max(0) as u64 + 1);
    grid.1 = grid.1.max(j.max(0) as u64 + 1);
}

/// Expands the program once (at submission, on the node that accepts it) to check single
/// assignment and count nodes; execution never expands it again.
pub fn plan(dag: &Dag<'_>) -> Result<Plan, Error> {
    let nodes = dag.check_single_assignment()?;
    let written = dag.written_matrices();
    let mut grids: HashMap<u32, (u64, u64)> = HashMap::new();
    let mut reads: HashMap<u32, (u64, u64)> = HashMap::new();
    let mut odd_reads = Vec::new();
    for node in &nodes {
        for tile in dag.writes(node)? {
            if let [i, j] = *tile.index {
                extend(&mut grids, tile.matrix, i, j);
            }
        }
        for tile in dag.reads(node)? {
            if written.contains(&tile.matrix) {
                continue;
            }
            match *tile.index {
                [i, j] if i >= 0 && j >= 0 => extend(&mut reads, tile.matrix, i, j),
                _ if !odd_reads.contains(&tile.matrix) => odd_reads.push(tile.matrix),
                _ => {}
            }
        }
    }
    let roots = dag.starts(&nodes)?;
    Ok(Plan {
        total: nodes.len() as u64,
        roots,
        grids,
        reads,
        odd_reads,
    })
}

/// One tile a node reads and how to treat its absence.
pub struct Read {
    pub tile: TileKey,
    /// Some node writes this tile: it must exist when the node runs (its writer is a parent).
    pub written: bool,
    /// The tile's matrix is written by the program (a missing unwritten tile is a zero block);
    /// otherwise it is an input, whose tiles must all exist.
    pub of_written_matrix: bool,
}

/// The tiles `node` reads, in operand order.
pub fn reads(dag: &Dag<'_>, node: &Node) -> Result<Vec<Read>, Error> {
    let written = dag.written_matrices();
    dag.reads(node)?
        .into_iter()
        .map(|tile| {
            let of_written_matrix = written.contains(&tile.matrix);
            let written = of_written_matrix && dag.writer_of(&tile)?.is_some();
            Ok(Read {
                tile,
                written,
                of_written_matrix,
            })
        })
        .collect()
}

/// Runs the node's kernel on the fetched operands (`None`: the tile does not exist) and returns
/// its results (in the order of `dag.writes(node)`) and flops.
pub fn run(
    dag: &Dag<'_>,
    node: &Node,
    reads: &[Read],
    fetched: Vec<Option<std::sync::Arc<Tile>>>,
    buffers: &dyn Buffers,
) -> Result<(Vec<Tile>, f64), Error> {
    let name = || dag.node_name(node);
    let template = &dag.program().templates[node.template as usize];
    let mut operands = Vec::with_capacity(fetched.len());
    for (read, tile) in reads.iter().zip(fetched) {
        match tile {
            Some(tile) => operands.push(Operand::Shared(tile)),
            None if read.written => {
                return Err(Error::LostTile {
                    node: name(),
                    tile: dag.tile_name(&read.tile),
                });
            }
            None if !read.of_written_matrix => {
                return Err(Error::MissingInput {
                    node: name(),
                    tile: dag.tile_name(&read.tile),
                });
            }
            None => operands.push(Operand::Zero),
        }
    }
    let flops = {
        let refs: Vec<Option<&Tile>> = operands.iter().map(Operand::tile).collect();
        template.kernel.flops(&refs)
    };
    let results = template
        .kernel
        .run_consuming(operands, buffers)
        .map_err(|source| Error::Kernel {
            node: name(),
            kernel: template.kernel.name(),
            source,
        })?;
    Ok((results, flops))
}

/// The node's children, each with its number of parents.
pub fn children(dag: &Dag<'_>, node: &Node) -> Result<Vec<(Node, u32)>, Error> {
    let mut children = Vec::new();
    for tile in dag.writes(node)? {
        children.extend(dag.readers_of(&tile)?);
    }
    children.sort();
    children.dedup();
    children
        .into_iter()
        .map(|child| {
            let parents = dag.parents(&child)?.len();
            Ok((child, u32::try_from(parents).unwrap_or(u32::MAX)))
        })
        .collect()
}

/// Tiles `node` reads that no other node reads: once it completed they can go.
pub fn sole_reads(dag: &Dag<'_>, node: &Node) -> Result<Vec<TileKey>, Error> {
    let mut sole = Vec::new();
    for tile in dag.reads(node)? {
        if dag.readers_of(&tile)?.len() == 1 && !sole.contains(&tile) {
            sole.push(tile);
        }
    }
    Ok(sole)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_keys_round_trip_and_hostile_keys_are_refused() {
        let node = Node {
            template: 3,
            vars: vec![0, -1, i64::MAX].into(),
        };
        assert_eq!(decode_node(&encode_node(&node)).unwrap(), node);
        for bad in [vec![], vec![1, 2, 3], vec![0; 4 + 7], vec![0; 4 + 8 * 17]] {
            assert!(decode_node(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_plan_of_cholesky_counts_every_node_and_starts_at_the_first_factor() {
        let program = crate::programs::shipped("cholesky").expect("shipped");
        let args = HashMap::from([("N".to_owned(), 6)]);
        let dag = Dag::new(&program, &args).unwrap();
        let plan = plan(&dag).unwrap();
        assert_eq!(plan.total, 6 * 7 * 8 / 6);
        assert_eq!(plan.roots.len(), 1);
        let out = program.matrix("O").expect("output O") as u32;
        assert_eq!(plan.grids[&out], (6, 6));
        // Every child's parent count agrees with the analysis of the child itself.
        for (child, parents) in children(&dag, &plan.roots[0]).unwrap() {
            assert_eq!(parents as usize, dag.parents(&child).unwrap().len());
        }
    }
}
