//! Errors in LAmbdaPACK programs are reported with file and line (and column for syntax), and a
//! program that writes one tile twice is rejected naming both statements.

use std::collections::HashMap;

use sl_linalg::dag::{Dag, Error as DagError};
use sl_linalg::program::parse_file;

fn compile_error(source: &str) -> String {
    parse_file("job.py", source)
        .expect_err("must not compile")
        .to_string()
}

#[test]
fn unsupported_constructs_name_file_line_and_construct() {
    let cases = [
        (
            "def p(A: BigMatrix, N: int):\n    for i in range(N):\n        A[i, 0] = potrf(A[i, 1])\n",
            "job.py:3:",
            "unknown kernel `potrf`",
        ),
        (
            "def p(A: BigMatrix, N: int):\n    while N:\n        pass\n",
            "job.py:2:",
            "`while` is not part of LAmbdaPACK",
        ),
        (
            "def p(A: BigMatrix, N: int):\n    for i in range(N):\n        A[i] = chol(A[i, 0])\n",
            "job.py:3:",
            "indexed with 2 indices here and 1 elsewhere",
        ),
        (
            "def p(A: BigMatrix, N: int):\n    A[0, 0] = chol(B[0, 0])\n",
            "job.py:2:",
            "`B` is not a BigMatrix parameter",
        ),
        (
            "def p(A: BigMatrix, N: int):\n    A[0, 0] = chol(A[0, x])\n",
            "job.py:2:",
            "unknown name `x`",
        ),
        (
            "def p(A: BigMatrix, N: int):\n    A[0, 0], A[0, 1] = chol(A[1, 1])\n",
            "job.py:2:",
            "chol writes 1 tile(s), the statement assigns 2",
        ),
        (
            "def p(A: BigMatrix, N: int):\n    x = 1\n    x = 2\n    A[0, 0] = chol(A[1, x])\n",
            "job.py:3:",
            "already bound",
        ),
        (
            "def p(A: BigMatrix, N: int):\n    A[0, 0] = gemm(A[1, 1])\n",
            "job.py:2:",
            "gemm takes 2 operands, got 1",
        ),
        (
            "def p(A, N: int):\n    A[0, 0] = chol(A[1, 1])\n",
            "job.py:1:",
            "needs an annotation",
        ),
        (
            "def p(A: BigMatrix, N: int):\n    for i in range(N)\n        pass\n",
            "job.py:2:",
            "syntax error",
        ),
        (
            "def p(A: BigMatrix, N: int):\n    A[0:2, 0] = chol(A[1, 1])\n",
            "job.py:2:",
            "not slices",
        ),
        ("x = 3\n", "job.py:1:", "only function definitions"),
    ];
    for (source, place, what) in cases {
        let message = compile_error(source);
        assert!(message.starts_with(place), "{source:?}: {message}");
        assert!(
            message.contains(what),
            "{source:?}: {message} (wanted {what:?})"
        );
    }
}

#[test]
fn a_tile_with_two_writers_is_rejected_naming_both_lines() {
    let source = "def twice(A: BigMatrix, O: BigMatrix, N: int):\n    for i in range(N):\n        O[i, 0] = copy(A[i, 0])\n    for j in range(N):\n        O[N - 1, 0] = copy(A[j, 1])\n";
    let program = parse_file("twice.py", source).unwrap().remove(0);
    let dag = Dag::new(&program, &HashMap::from([("N".to_string(), 3)])).unwrap();
    match dag.check_single_assignment() {
        Err(DagError::TwoWriters {
            tile,
            first_line,
            second_line,
            ..
        }) => {
            assert_eq!(tile, "O[2,0]");
            assert_eq!(
                (first_line.min(second_line), first_line.max(second_line)),
                (3, 5)
            );
        }
        other => panic!("expected two writers, got {other:?}"),
    }
    // The query path finds it too, without expanding.
    let tile = sl_linalg::dag::TileKey {
        matrix: 1,
        index: vec![2, 0].into(),
    };
    assert!(matches!(
        dag.writer_of(&tile),
        Err(DagError::TwoWriters { .. })
    ));
}

#[test]
fn arguments_are_checked() {
    let program = sl_linalg::programs::shipped("cholesky").unwrap();
    assert!(matches!(
        Dag::new(&program, &HashMap::new()),
        Err(DagError::MissingArg(..))
    ));
    let extra = HashMap::from([("N".to_string(), 2), ("M".to_string(), 3)]);
    assert!(matches!(
        Dag::new(&program, &extra),
        Err(DagError::UnknownArg(_))
    ));
}

#[test]
fn runtime_evaluation_errors_name_the_line() {
    let source = "def p(A: BigMatrix, N: int):\n    for i in range(N):\n        A[i // (N - 2), 0] = chol(A[i, 1])\n";
    let program = parse_file("div.py", source).unwrap().remove(0);
    let dag = Dag::new(&program, &HashMap::from([("N".to_string(), 2)])).unwrap();
    let message = dag
        .expand()
        .and_then(|nodes| dag.writes(&nodes[0]))
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("div.py:3:") && message.contains("division by zero"),
        "{message}"
    );
}

#[test]
fn a_file_may_hold_several_programs() {
    let source = "def a(X: BigMatrix, N: int):\n    X[0, 0] = chol(X[1, 1])\n\ndef b(X: BigMatrix, Y: BigMatrix, N: int):\n    Y[0, 0] = copy(X[0, 0])\n";
    let programs = parse_file("two.py", source).unwrap();
    assert_eq!(
        programs.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
}
