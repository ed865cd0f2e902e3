//! slchaos end to end: the checkers catch anomalies planted in a hand-written history (through the
//! `check` command), a short seeded run against a real 3-node cluster under kill and partition
//! faults ends with no anomaly, and Ctrl-C in the middle of a fault undoes it and stops every
//! node.
//!
//! The run needs the `slnode` binary next to `slchaos` (`cargo build -p sl-cli`; `make test`
//! builds the whole workspace first) and root for nftables. Cluster addresses: 127.0.33.11–13
//! and 127.0.34.11–13, port 7800 (no other test uses them).

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
            // A seed whose 20 s schedule holds a kill and a partition (a schedule unit test
            // keeps it so: seed 7, used before, only ever partitioned).
            "3",
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
    assert!(faults.iter().all(|f| f["error"].is_null()), "{report}");
    let names: Vec<&str> = faults.iter().filter_map(|f| f["fault"].as_str()).collect();
    assert!(names.iter().any(|n| n.starts_with("kill")), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("isolate") || n.starts_with("partition")),
        "{names:?}"
    );
    for file in [
        "history.jsonl",
        "nemesis.jsonl",
        "report.json",
        "timeline.svg",
    ] {
        assert!(dir.join("run").join(file).exists(), "{file} missing");
    }
    // Every fault was undone: no table of ours is left, no node of the run still runs.
    assert_no_table_of(pid);
    assert_eq!(processes_mentioning(&dir.join("run")), Vec::<u32>::new());
    // The history re-checks to the same verdict.
    let again = Command::new(slchaos())
        .arg("check")
        .arg(dir.join("run"))
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

fn assert_no_table_of(pid: u32) {
    let tables = Command::new("nft")
        .args(["list", "tables"])
        .output()
        .unwrap();
    let tables = String::from_utf8_lossy(&tables.stdout);
    assert!(!tables.contains(&format!("slchaos_{pid}")), "{tables}");
}

/// Processes whose command line names `dir` (the nodes of a run are started with their data
/// directories under it).
fn processes_mentioning(dir: &Path) -> Vec<u32> {
    let needle = dir.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline"))
            && String::from_utf8_lossy(&cmdline).contains(&needle)
        {
            found.push(pid);
        }
    }
    found
}

/// Ctrl-C while a fault is held: slchaos undoes it (no nftables table left, killed nodes not
/// left dead, paused ones not left stopped), stops every node, writes what it has and exits 2
/// ("could not decide") unless something it found stands regardless.
#[test]
fn ctrl_c_during_a_fault_undoes_it_and_stops_the_cluster() {
    use std::io::Read;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let dir = temp_dir("interrupt");
    let run = dir.join("run");
    let mut child = Command::new(slchaos())
        .args([
            "run",
            "--nodes",
            "3",
            "--workload",
            "kv",
            "--nemesis",
            "kill,partition",
            "--duration",
            "60",
            "--seed",
            "11",
            "--first-ip",
            "127.0.34.11",
            "--port",
            "7800",
            "--out",
        ])
        .arg(&run)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // The progress line names the fault being held; read it as it comes.
    let progress = Arc::new(Mutex::new(String::new()));
    let mut stderr = child.stderr.take().unwrap();
    let reader = {
        let progress = progress.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&chunk[..n]).into_owned();
                progress.lock().unwrap().push_str(&text);
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    let held = loop {
        {
            let text = progress.lock().unwrap();
            let last = text.rsplit('\r').next().unwrap_or("");
            if ["fault: kill", "fault: isolate", "fault: partition"]
                .iter()
                .any(|f| last.contains(f))
            {
                break last.trim().to_owned();
            }
        }
        assert!(
            Instant::now() < deadline && child.try_wait().unwrap().is_none(),
            "no fault began: {}",
            progress.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGINT) }, 0);
    let deadline = Instant::now() + Duration::from_secs(150);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("slchaos did not end within 150 s of Ctrl-C (held: {held})");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = reader.join();
    let mut stdout = String::new();
    let _ = child.stdout.take().unwrap().read_to_string(&mut stdout);
    assert_eq!(
        status.code(),
        Some(2),
        "held: {held}\nstdout: {stdout}\nstderr: {}",
        progress.lock().unwrap()
    );
    assert!(stdout.contains("incomplete"), "{stdout}");
    assert_no_table_of(pid);
    assert_eq!(
        processes_mentioning(&run),
        Vec::<u32>::new(),
        "held: {held}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["complete"], false, "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}
