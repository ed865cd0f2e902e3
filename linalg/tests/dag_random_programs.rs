//! The analysis agrees with brute force on random programs, not just the shipped ones: random loop
//! nests (bounds that depend on outer variables, steps of 1 to 3), random guards, and reads whose
//! indices are affine (`v + 2`, `N - 1 - v`, `v + w`), non-affine (`2 ** v`, `v // 2`, `v % 3`) or
//! constant. Each template writes its own matrix at exactly its loop variables, so programs are
//! single-assignment; reads may hit tiles nobody writes (zero blocks). Seeds replay with
//! PROPTEST_CASES / the failure persistence file proptest prints.

use std::collections::{BTreeSet, HashMap};

use proptest::prelude::*;
use sl_linalg::dag::{Dag, Node, TileKey};
use sl_linalg::program::parse_file;

const VARS: [&str; 3] = ["a", "b", "c"];

/// A read: source matrix (by template, or the input) and per-dimension `(kind, var, constant)`.
type ReadSpec = (usize, Vec<(u8, u8, i8)>);

#[derive(Clone, Debug)]
struct TemplateSpec {
    loops: Vec<(u8, u8, u8)>,
    guard: Option<u8>,
    reads: Vec<ReadSpec>,
}

fn template_spec() -> impl Strategy<Value = TemplateSpec> {
    (1usize..=3).prop_flat_map(|depth| {
        (
            proptest::collection::vec((0u8..4, 0u8..3, 1u8..=3), depth),
            proptest::option::of(0u8..4),
            proptest::collection::vec(
                (
                    0usize..4,
                    proptest::collection::vec((0u8..12, 0u8..3, -2i8..=2), 3),
                ),
                1..=3,
            ),
        )
            .prop_map(|(loops, guard, reads)| TemplateSpec {
                loops,
                guard,
                reads,
            })
    })
}

/// Renders one index expression over the first `depth` loop variables.
fn index_expr(kind: u8, var: u8, constant: i8, depth: usize) -> String {
    let v = VARS[var as usize % depth];
    let w = VARS[(var as usize + 1) % depth];
    match kind {
        0 | 1 => v.to_string(),
        2 => format!("{v} + {constant}"),
        3 => format!("N - 1 - {v}"),
        4 => format!("2 * {v}"),
        5 => format!("{v} + {w}"),
        6 => format!("2 ** {v}"),
        7 => format!("{v} // 2"),
        8 => format!("{v} % 3"),
        9 => format!("{}", constant.rem_euclid(3)),
        10 => format!("{w} - {v}"),
        _ => format!("{v} + 2 ** {w}"),
    }
}

fn render(templates: &[TemplateSpec]) -> String {
    let matrices: Vec<String> = (0..templates.len())
        .map(|t| format!("M{t}: BigMatrix"))
        .collect();
    let mut src = format!(
        "def random_program({}, IN: BigMatrix, N: int):\n",
        matrices.join(", ")
    );
    for (t, spec) in templates.iter().enumerate() {
        let depth = spec.loops.len();
        let mut indent = String::from("    ");
        for (d, &(start_kind, end_kind, step)) in spec.loops.iter().enumerate() {
            let start = match (start_kind, d) {
                (0, _) | (_, 0) => "0".to_string(),
                (1, _) => VARS[d - 1].to_string(),
                (2, _) => format!("{} + 1", VARS[d - 1]),
                _ => format!("{} // 2", VARS[d - 1]),
            };
            let end = match end_kind {
                0 => "N".to_string(),
                1 => "N + 1".to_string(),
                _ => {
                    if d > 0 {
                        format!("{} + 2", VARS[d - 1])
                    } else {
                        "N - 1".to_string()
                    }
                }
            };
            src.push_str(&format!(
                "{indent}for {} in range({start}, {end}, {step}):\n",
                VARS[d]
            ));
            indent.push_str("    ");
        }
        if let Some(guard) = spec.guard {
            let v = VARS[depth - 1];
            let cond = match guard {
                0 => format!("{v} % 2 == 0"),
                1 => format!("{} <= {v}", VARS[0]),
                2 => format!("{v} != 1 and {v} < N"),
                _ => format!("not ({v} == 0)"),
            };
            src.push_str(&format!("{indent}if {cond}:\n"));
            indent.push_str("    ");
        }
        let target: Vec<&str> = VARS[..depth].to_vec();
        let reads: Vec<String> = spec
            .reads
            .iter()
            .map(|(source, exprs)| {
                let source = source % (templates.len() + 1);
                let (name, dims) = if source == templates.len() {
                    ("IN".to_string(), 2)
                } else {
                    (format!("M{source}"), templates[source].loops.len())
                };
                let index: Vec<String> = exprs
                    .iter()
                    .cycle()
                    .take(dims)
                    .map(|&(k, v, c)| index_expr(k, v, c, depth))
                    .collect();
                format!("{name}[{}]", index.join(", "))
            })
            .collect();
        src.push_str(&format!(
            "{indent}M{t}[{}] = add({})\n",
            target.join(", "),
            reads.join(", ")
        ));
    }
    src
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn analysis_matches_brute_force_on_random_programs(
        templates in proptest::collection::vec(template_spec(), 1..=4),
        n in 1i64..=8,
    ) {
        let source = render(&templates);
        let program = parse_file("random.py", &source).map_err(|e| TestCaseError::fail(format!("{e}\n{source}")))?.remove(0);
        let dag = Dag::new(&program, &HashMap::from([("N".to_string(), n)])).unwrap();
        // Programs whose index arithmetic fails at these arguments (2 ** negative, say) are skipped.
        let Ok(nodes) = dag.check_single_assignment() else { return Ok(()) };
        let mut writer: HashMap<TileKey, Node> = HashMap::new();
        for node in &nodes {
            for tile in dag.writes(node).unwrap() {
                writer.insert(tile, node.clone());
            }
        }
        let mut children: HashMap<Node, BTreeSet<Node>> = HashMap::new();
        let mut parents: HashMap<Node, BTreeSet<Node>> = HashMap::new();
        for node in &nodes {
            let Ok(reads) = dag.reads(node) else { return Ok(()) };
            for tile in reads {
                if let Some(w) = writer.get(&tile) {
                    children.entry(w.clone()).or_default().insert(node.clone());
                    parents.entry(node.clone()).or_default().insert(w.clone());
                }
            }
        }
        for node in &nodes {
            let derived: BTreeSet<Node> = dag.children(node).unwrap().into_iter().collect();
            prop_assert_eq!(&derived, &children.get(node).cloned().unwrap_or_default(), "children of {} in\n{}", dag.node_name(node), source);
            let derived: BTreeSet<Node> = dag.parents(node).unwrap().into_iter().collect();
            prop_assert_eq!(&derived, &parents.get(node).cloned().unwrap_or_default(), "parents of {} in\n{}", dag.node_name(node), source);
        }
    }
}
