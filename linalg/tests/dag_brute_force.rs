//! The implicit analysis agrees with brute force: expand every node by running the loops, build the
//! edge set directly from reads and writes, and compare with `children` and `parents` for every node
//! of the shipped programs at sizes up to 16.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sl_linalg::dag::{Dag, Node, TileKey};
use sl_linalg::programs::shipped;

fn args(pairs: &[(&str, i64)]) -> HashMap<String, i64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// Edges from the expanded graph: for each read of each node, the node that wrote that tile.
type Edges = BTreeMap<Node, BTreeSet<Node>>;

fn brute_force(dag: &Dag<'_>) -> (Vec<Node>, Edges, Edges) {
    let nodes = dag
        .check_single_assignment()
        .expect("shipped programs are single-assignment");
    let mut writer: HashMap<TileKey, Node> = HashMap::new();
    for node in &nodes {
        for tile in dag.writes(node).unwrap() {
            writer.insert(tile, node.clone());
        }
    }
    let mut children: Edges = nodes.iter().map(|n| (n.clone(), BTreeSet::new())).collect();
    let mut parents = children.clone();
    for node in &nodes {
        for tile in dag.reads(node).unwrap() {
            if let Some(w) = writer.get(&tile) {
                children.get_mut(w).unwrap().insert(node.clone());
                parents.get_mut(node).unwrap().insert(w.clone());
            }
        }
    }
    (nodes, children, parents)
}

fn check(program_name: &str, pairs: &[(&str, i64)]) -> usize {
    let program = shipped(program_name).expect("shipped program");
    let dag = Dag::new(&program, &args(pairs)).unwrap();
    let (nodes, children, parents) = brute_force(&dag);
    let mut edges = 0;
    for node in &nodes {
        assert!(dag.contains(node).unwrap());
        let derived_children: BTreeSet<Node> = dag.children(node).unwrap().into_iter().collect();
        let derived_parents: BTreeSet<Node> = dag.parents(node).unwrap().into_iter().collect();
        assert_eq!(
            derived_children,
            children[node],
            "{program_name} {pairs:?}: children of {}",
            dag.node_name(node)
        );
        assert_eq!(
            derived_parents,
            parents[node],
            "{program_name} {pairs:?}: parents of {}",
            dag.node_name(node)
        );
        // parents is the inverse of children.
        for child in &derived_children {
            assert!(dag.parents(child).unwrap().contains(node));
        }
        edges += derived_children.len();
    }
    // Start nodes are exactly those without parents.
    let starts: BTreeSet<Node> = dag.starts(&nodes).unwrap().into_iter().collect();
    let parentless: BTreeSet<Node> = nodes
        .iter()
        .filter(|n| parents[*n].is_empty())
        .cloned()
        .collect();
    assert_eq!(starts, parentless, "{program_name} {pairs:?}: start nodes");
    edges
}

#[test]
fn cholesky_matches_brute_force() {
    for n in [1, 2, 3, 4, 5, 8, 11, 16] {
        check("cholesky", &[("N", n)]);
    }
}

#[test]
fn cholesky_has_n_n1_n2_over_6_nodes() {
    let program = shipped("cholesky").unwrap();
    for n in 1..=24i64 {
        let dag = Dag::new(&program, &args(&[("N", n)])).unwrap();
        assert_eq!(
            dag.expand().unwrap().len() as i64,
            n * (n + 1) * (n + 2) / 6,
            "N = {n}"
        );
    }
}

#[test]
fn gemm_matches_brute_force() {
    for n in [1, 2, 3, 4, 5, 7, 8, 12, 16] {
        check("gemm", &[("N", n)]);
        check("gemm_tree", &[("N", n)]);
    }
}

#[test]
fn trsm_matches_brute_force() {
    for (n, m) in [(1, 1), (2, 3), (4, 2), (7, 3), (16, 2)] {
        check("trsm", &[("N", n), ("M", m)]);
    }
}

#[test]
fn tsqr_matches_brute_force() {
    for n in [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16] {
        check("tsqr", &[("N", n)]);
    }
}

#[test]
fn caqr_matches_brute_force() {
    for (m, n) in [
        (1, 1),
        (2, 1),
        (2, 2),
        (3, 2),
        (3, 3),
        (5, 3),
        (6, 6),
        (7, 4),
        (9, 5),
        (12, 3),
    ] {
        check("qr", &[("M", m), ("N", n)]);
    }
}

#[test]
fn svd_band_reduction_matches_brute_force() {
    for (m, n) in [(1, 1), (2, 2), (3, 3), (4, 2), (5, 5), (7, 4), (8, 8)] {
        check("svd", &[("M", m), ("N", n)]);
    }
}

#[test]
fn rectangular_gemm_matches_brute_force() {
    for (m, n, k) in [(1, 1, 1), (2, 3, 5), (4, 1, 7), (3, 2, 8), (1, 5, 3)] {
        check("gemm_rect", &[("M", m), ("N", n), ("K", k)]);
    }
}

#[test]
fn caqr_tree_reads_each_row_at_its_last_level() {
    // M=3, one column: tree level 0 pairs rows 0 and 1 (row 2 has no partner), level 1 pairs rows
    // 0 and 2, reading row 2 at level 0 because it took part in no level before.
    let program = shipped("qr").unwrap();
    let dag = Dag::new(&program, &args(&[("M", 3), ("N", 1)])).unwrap();
    let pair = program
        .templates
        .iter()
        .position(|t| t.kernel == sl_linalg::kernels::Kernel::QrPair)
        .unwrap() as u32;
    // Loop variables of the pair statement: i, level, j.
    let node = Node {
        template: pair,
        vars: vec![0, 1, 0].into(),
    };
    assert!(dag.contains(&node).unwrap());
    let reads: Vec<String> = dag
        .reads(&node)
        .unwrap()
        .iter()
        .map(|t| dag.tile_name(t))
        .collect();
    assert_eq!(reads, ["Rp[0,0,1]", "Rp[2,0,0]"]);
    assert_eq!(dag.parents(&node).unwrap().len(), 2);
    // Every tile with a writer is written once and the nodes count: 3 leaves, 2 pairs, 1 copy.
    assert_eq!(dag.expand().unwrap().len(), 6);
}

#[test]
fn gemm_reduction_reads_missing_partners_as_zero_blocks() {
    // N = 3: level 0 pairs (0,1) and (2,3); k = 3 has no writer, so that add has one parent.
    let program = shipped("gemm_tree").unwrap();
    let dag = Dag::new(&program, &args(&[("N", 3)])).unwrap();
    let add = program
        .templates
        .iter()
        .position(|t| t.kernel == sl_linalg::kernels::Kernel::Add)
        .unwrap() as u32;
    // Loop variables of the add statement: i, j, level, k.
    let node = Node {
        template: add,
        vars: vec![0, 0, 0, 2].into(),
    };
    assert!(dag.contains(&node).unwrap());
    assert_eq!(dag.parents(&node).unwrap().len(), 1);
    let missing = &dag.reads(&node).unwrap()[1];
    assert_eq!(dag.tile_name(missing), "Temp[0,0,3,0]");
    assert_eq!(dag.writer_of(missing).unwrap(), None);
}

#[test]
fn sizes_are_as_expected() {
    // GEMM tree N=4: 64 gemm + 4*4*(2+1) adds + 16 copies; edges: each gemm feeds one add (32 at
    // level 0 in pairs → 64 edges), level-1 adds read two level-0 adds (16*2), copies read one (16).
    assert_eq!(check("gemm_tree", &[("N", 4)]), 64 + 32 + 16);
    let program = shipped("gemm_tree").unwrap();
    let dag = Dag::new(&program, &args(&[("N", 16)])).unwrap();
    assert_eq!(
        dag.expand().unwrap().len(),
        16 * 16 * (16 + 8 + 4 + 2 + 1 + 1)
    );
    // GEMM accumulating along k, N=4: per output tile a chain of 4 products and a copy, one edge
    // between each step and the next.
    assert_eq!(check("gemm", &[("N", 4)]), 16 * 4);
    let program = shipped("gemm").unwrap();
    let dag = Dag::new(&program, &args(&[("N", 16)])).unwrap();
    assert_eq!(dag.expand().unwrap().len(), 16 * 16 * (16 + 1));
}
