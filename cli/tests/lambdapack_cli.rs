//! `slnode lambdapack` as a user runs it: the JSON contract of `dag`, the exit status of `run`,
//! and errors with file and line instead of stack traces.

use std::process::Command;

fn slnode(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_slnode"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("slnode runs")
}

#[test]
fn dag_json_has_the_contract_fields() {
    let out = slnode(&[
        "lambdapack",
        "dag",
        "linalg/programs/cholesky.py",
        "--program",
        "cholesky",
        "--arg",
        "N=8",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["nodes"], 8 * 9 * 10 / 6);
    assert_eq!(json["starts"], 1);
    assert_eq!(json["terminals"], 1);
    let edges = json["edges"].as_u64().unwrap();
    assert_eq!(json["edge_list"].as_array().unwrap().len() as u64, edges);
}

#[test]
fn dot_output_is_a_graph() {
    let out = slnode(&[
        "lambdapack",
        "dag",
        "linalg/programs/tsqr.py",
        "--arg",
        "N=5",
        "--dot",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("digraph \"tsqr\" {") && text.trim_end().ends_with('}'));
    // 5 leaves; level 1 pairs (0,1) (2,3) (4,zero): 5 edges; level 2 pairs (0,2) (4,zero): 3 edges;
    // level 3 pairs (0,4): 2 edges. 11 nodes, 10 edges.
    assert_eq!(text.matches(" -> ").count(), 10, "{text}");
    assert_eq!(text.matches("[label=").count(), 11, "{text}");
}

#[test]
fn run_verifies_and_reports() {
    let out = slnode(&[
        "lambdapack",
        "run",
        "linalg/programs/cholesky.py",
        "--arg",
        "N=3",
        "--size",
        "300",
        "--tile",
        "128",
        "--verify",
        "cholesky",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verified"], true);
    assert!(json["residuals"][0]["value"].as_f64().unwrap() < 1e-10);
}

#[test]
fn errors_are_one_clear_line() {
    let dir = std::env::temp_dir().join(format!("slnode-lp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.py");
    std::fs::write(
        &bad,
        "def p(A: BigMatrix, N: int):\n    for i in range(N):\n        A[i, 0] = potrf(A[i, 1])\n",
    )
    .unwrap();
    let out = slnode(&["lambdapack", "dag", bad.to_str().unwrap(), "--arg", "N=2"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("bad.py:3:") && stderr.contains("unknown kernel `potrf`"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let out = slnode(&["lambdapack", "dag", "linalg/programs/cholesky.py"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing --arg N"));
    std::fs::remove_dir_all(&dir).ok();
}

fn run_json(args: &[&str]) -> serde_json::Value {
    let out = slnode(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn caqr_svd_and_rectangular_gemm_verify_with_their_baselines() {
    // Non-square and not a multiple of the tile (padded to 4 x 3 tiles), graded to 1e10.
    let qr = run_json(&[
        "lambdapack",
        "run",
        "linalg/programs/qr.py",
        "--arg",
        "M=4",
        "--arg",
        "N=3",
        "--size",
        "120x90",
        "--tile",
        "32",
        "--verify",
        "qr",
        "--condition",
        "1e10",
        "--baseline",
        "--json",
    ]);
    assert_eq!(qr["verified"], true, "{qr}");
    assert_eq!(qr["residuals"].as_array().unwrap().len(), 4);
    assert!(qr["baseline_seconds"].as_f64().unwrap() > 0.0);
    let svd = run_json(&[
        "lambdapack",
        "run",
        "linalg/programs/svd.py",
        "--arg",
        "M=3",
        "--arg",
        "N=3",
        "--size",
        "80",
        "--tile",
        "32",
        "--verify",
        "svd",
        "--baseline",
        "--json",
    ]);
    assert_eq!(svd["verified"], true, "{svd}");
    let gemm = run_json(&[
        "lambdapack",
        "run",
        "linalg/programs/gemm.py",
        "--program",
        "gemm_rect",
        "--arg",
        "M=2",
        "--arg",
        "N=1",
        "--arg",
        "K=3",
        "--size",
        "40x20x70",
        "--tile",
        "24",
        "--verify",
        "gemm",
        "--json",
    ]);
    assert_eq!(gemm["verified"], true, "{gemm}");
}

#[test]
fn a_qr_run_with_the_wrong_tile_counts_fails_clearly() {
    let out = slnode(&[
        "lambdapack",
        "run",
        "linalg/programs/qr.py",
        "--arg",
        "M=2",
        "--arg",
        "N=2",
        "--size",
        "96x64",
        "--tile",
        "32",
        "--verify",
        "qr",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3 x 2 tiles"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn caqr_dot_output_is_a_graph() {
    let out = slnode(&[
        "lambdapack",
        "dag",
        "linalg/programs/qr.py",
        "--arg",
        "M=3",
        "--arg",
        "N=2",
        "--dot",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("digraph \"qr\" {") && text.trim_end().ends_with('}'));
    // Panel 0: 3 leaves, 2 pairs, copy; column 1: 3 leaf updates, 2 pair updates. Panel 1: 2
    // leaves, 1 pair, copy. 15 nodes, as `dag` counts them.
    assert_eq!(text.matches("[label=").count(), 15, "{text}");
    assert!(text.contains("qr_trailing_update("), "{text}");
}

/// Before the fix `--size` was unbounded: `rows * cols` overflowed or the allocation aborted the
/// process. Every number a user types is range-checked with a clear message.
#[test]
fn out_of_range_numbers_are_clear_errors() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "lambdapack",
            "run",
            "linalg/programs/cholesky.py",
            "--program",
            "cholesky",
            "--arg",
            "N=2",
            "--tile",
            "4",
        ];
        args.extend_from_slice(extra);
        slnode(&args)
    };
    for (extra, expected) in [
        (&["--size", "4294967296x4294967296"][..], "too large"),
        (&["--size", "100000x100000"][..], "too large"),
        (&["--size", "8", "--workers", "0"][..], "out of range"),
    ] {
        let out = run(extra);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{extra:?}: {:?} {stderr}",
            out.status
        );
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
    }
    let out = slnode(&["up", "--nodes", "100000", "--dir", "/nonexistent"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("between 1 and 64"));
}
