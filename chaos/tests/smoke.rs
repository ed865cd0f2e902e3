//! slchaos end to end: the checkers catch anomalies planted in a hand-written history (through the
//! `check` command), and a short seeded run against a real 3-node cluster under kill and
//! partition faults ends with no anomaly.
//!
//! The run needs the `slnode` binary next to `slchaos` (`cargo build -p sl-cli`; `make test`
//! builds the whole workspace first) and root for nftables. Cluster addresses: 127.0.33.11–13,
//! port 7800 (no other test uses them).

use std::path::{Path, PathBuf};
use std::process::Command;

fn slchaos() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_slchaos"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("slchaos-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_history(dir: &Path, lines: &[serde_json::Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("history.jsonl"), text).unwrap();
}

fn op(
    t: f64,
    p: u64,
    kind: &str,
    f: &str,
    key: &str,
    value: serde_json::Value,
) -> serde_json::Value {
    serde_json::json!({"time_ms": t, "process": p, "type": kind, "workload": "kv", "f": f, "key": key, "value": value})
}

#[test]
fn check_reports_a_planted_stale_read_and_passes_a_clean_history() {
    let dir = temp_dir("check");
    let clean = vec![
        op(0.0, 1, "invoke", "write", "k", 1.into()),
        op(1.0, 1, "ok", "write", "k", 1.into()),
        op(2.0, 2, "invoke", "read", "k", serde_json::Value::Null),
        op(3.0, 2, "ok", "read", "k", 1.into()),
    ];
    write_history(&dir, &clean);
    let out = Command::new(slchaos())
        .arg("check")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let mut stale = clean.clone();
    stale.push(op(4.0, 1, "invoke", "write", "k", 2.into()));
    stale.push(op(5.0, 1, "ok", "write", "k", 2.into()));
    stale.push(op(6.0, 3, "invoke", "read", "k", serde_json::Value::Null));
    stale.push(op(7.0, 3, "ok", "read", "k", 1.into()));
    write_history(&dir, &stale);
    let out = Command::new(slchaos())
        .args(["check", "--json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let anomalies = report["findings"]["anomalies"].as_array().unwrap();
    assert_eq!(anomalies.len(), 1, "{report}");
    assert_eq!(anomalies[0]["checker"], "linearizable");
    assert!(anomalies[0]["ops"].as_array().unwrap().contains(&6.into()));

    // A malformed history is "could not run", not a pass.
    std::fs::write(dir.join("history.jsonl"), "{not json\n").unwrap();
    let out = Command::new(slchaos())
        .arg("check")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_short_seeded_run_under_kill_and_partition_finds_no_anomaly() {
    let slnode = slchaos().with_file_name("slnode");
    assert!(
        slnode.exists(),
        "{} is missing: build it first with `cargo build -p sl-cli`",
        slnode.display()
    );
    let dir = temp_dir("smoke");
    let out = Command::new(slchaos())
        .args([
            "run",
            "--nodes",
            "3",
            "--workload",
            "kv,kappa",
            "--nemesis",
            "kill,partition",
            "--duration",
            "20",
            "--seed",
            "7",
            "--first-ip",
            "127.0.33.11",
            "--port",
            "7800",
            "--json",
            "--out",
        ])
        .arg(dir.join("run"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = out.id();
    let out = out.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert!(
        report["findings"]["workloads"]["kv"]["ok"]
            .as_u64()
            .unwrap()
            > 20,
        "{report}"
    );
    assert!(
        report["findings"]["workloads"]["kappa"]["ok"]
            .as_u64()
            .unwrap()
            >= 1,
        "{report}"
    );
    let faults = report["faults"].as_array().unwrap();
    assert!(!faults.is_empty(), "{report}");
    assert!(faults.iter().all(|f| f["error"].is_null()), "{report}");
    for file in [
        "history.jsonl",
        "nemesis.jsonl",
        "report.json",
        "timeline.svg",
    ] {
        assert!(dir.join("run").join(file).exists(), "{file} missing");
    }
    // Every fault was undone: no table of ours is left, no node of the run still runs.
    let tables = Command::new("nft")
        .args(["list", "tables"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&tables.stdout).contains(&format!("slchaos_{pid}")));
    // The history re-checks to the same verdict.
    let again = Command::new(slchaos())
        .arg("check")
        .arg(dir.join("run"))
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
