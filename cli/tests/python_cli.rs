//! `slnode run FILE.py` behaves like `python3 FILE.py`: same stdout, a traceback on stderr and
//! exit status 1 on an uncaught exception, and a clear error for Python outside the subset.

use std::path::Path;
use std::process::Command;

fn program(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lang/tests/programs")
        .join(name)
        .display()
        .to_string()
}

fn both(file: &str) -> (std::process::Output, std::process::Output) {
    let ours = Command::new(env!("CARGO_BIN_EXE_slnode"))
        .args(["run", file])
        .output()
        .unwrap();
    let theirs = Command::new("python3").arg(file).output().unwrap();
    (ours, theirs)
}

#[test]
fn run_prints_what_python3_prints() {
    let (ours, theirs) = both(&program("fib.py"));
    assert_eq!(ours.status.code(), Some(0));
    assert_eq!(ours.stdout, theirs.stdout);
    let (ours, theirs) = both(&program("zero_division.py"));
    assert_eq!(ours.status.code(), Some(1));
    assert_eq!(ours.stdout, theirs.stdout, "output before the exception");
    let stderr = String::from_utf8_lossy(&ours.stderr);
    assert!(
        stderr.starts_with("Traceback (most recent call last):"),
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().last(),
        String::from_utf8_lossy(&theirs.stderr).lines().last()
    );
}

#[test]
fn python_outside_the_subset_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("job.py");
    std::fs::write(&file, "print(1)\nasync def f():\n    pass\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_slnode"))
        .args(["run", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(stderr.contains("NotSupported: `async`"), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "nothing runs when the file does not compile"
    );
}

#[test]
fn an_entry_point_gets_the_event_and_its_value_is_the_last_line_as_json() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/fib.py");
    let out = Command::new(env!("CARGO_BIN_EXE_slnode"))
        .args(["run", example.to_str().unwrap(), "--event", r#"{"n": 10}"#])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().last(),
        Some("55")
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_slnode"))
        .args(["run", example.to_str().unwrap(), "--event", "{not json"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--event is not valid JSON"));
}
