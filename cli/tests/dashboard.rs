//! The dashboard in a real browser (and `slnode top --once` beside it): headless Chromium (Debian's package, which `make setup`
//! installs) loads `/` of a live 3-node cluster running a job, with the admin's token and then a
//! user's; the rendered DOM must show the nodes, the job and its progress to the admin, and no
//! cluster view to the user. A screenshot is kept as the test's artifact (`$CARGO_TARGET_TMPDIR/
//! dashboard.png`, or `SLNODE_DASHBOARD_SHOT`; `make dashboard-shot`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod support;
use support::cluster::Cluster;
use support::text;

const FIRST_IP: &str = "127.0.44.11";
const PORT: &str = "7560";
/// `slnode up` serves node 1's HTTP at its RPC port + 80.
const HTTP: &str = "127.0.44.11:7640";

const CHROMIUM: &str = "/usr/bin/chromium";

/// A job that keeps running (and printing) while the browser looks.
const JOB: &str = r#"
import rt
import time

def step(i):
    time.sleep(0.2)
    return i

def main():
    total = 0
    for round in range(40):
        print("dashboard round", round)
        futures = [rt.spawn(step, [i]) for i in range(3)]
        for f in futures:
            total += f.wait()
    return total
"#;

/// Chromium, headless, on `url`: the DOM after `budget_ms` of virtual time (timers fire, fetches
/// complete), and a screenshot when `shot` is given.
fn chromium(url: &str, budget_ms: u32, shot: Option<&Path>) -> String {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: `make setup` (scripts/setup.sh) installs Debian's chromium"
    );
    let profile = tempfile::tempdir().unwrap();
    let mut command = Command::new(CHROMIUM);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        &format!("--virtual-time-budget={budget_ms}"),
        &format!("--user-data-dir={}", profile.path().display()),
    ]);
    match shot {
        Some(path) => command.arg(format!("--screenshot={}", path.display())),
        None => command.arg("--dump-dom"),
    };
    let out = command.arg(url).output().expect("chromium runs");
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn admin_token(cluster: &Cluster) -> String {
    let config = std::fs::read_to_string(cluster.dir.join("client.toml")).unwrap();
    config
        .lines()
        .find_map(|l| l.strip_prefix("token = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("a token line in client.toml")
        .to_owned()
}

#[test]
fn the_dashboard_shows_nodes_and_a_running_job_and_only_what_the_user_may_see() {
    let cluster = Cluster::up_on(FIRST_IP, PORT);
    let token = admin_token(&cluster);
    let file = cluster.home.path().join("long.py");
    std::fs::write(&file, JOB).unwrap();
    let out = cluster.cli(&["submit", file.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let submitted: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let job = submitted["job"].as_u64().unwrap().to_string();
    // Let it get under way: some tasks done, the log non-empty.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let view = cluster.job(job.parse().unwrap());
        if view["tasks"]["done"].as_u64().unwrap_or(0) >= 3 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the job does not progress: {view}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // The terminal view shows the same, one frame as text.
    let top = cluster.cli(&["top", "--once"]);
    assert!(top.status.success(), "{}", text(&top));
    let frame = String::from_utf8_lossy(&top.stdout);
    for needle in [
        "node-1",
        "node-2",
        "node-3",
        "leader",
        job.as_str(),
        "long.py",
        "tasks finished/s",
    ] {
        assert!(
            frame.contains(needle),
            "`slnode top --once` lacks {needle}:\n{frame}"
        );
    }

    let url = format!("http://{HTTP}/#token={token}&job={job}");
    let dom = chromium(&url, 6000, None);
    for node in ["node-1", "node-2", "node-3"] {
        assert!(dom.contains(node), "the admin's page lacks {node}:\n{dom}");
    }
    assert!(dom.contains("leader"), "{dom}");
    assert!(dom.contains(&job), "the job is not listed:\n{dom}");
    assert!(dom.contains("long.py"), "{dom}");
    assert!(dom.contains(" tasks"), "no progress shown:\n{dom}");
    assert!(
        dom.contains("dashboard round"),
        "the job's log is not shown:\n{dom}"
    );
    assert!(dom.contains("admin"), "{dom}");
    assert!(dom.contains("slots busy"), "{dom}");
    assert!(
        dom.contains("Leader changes over the last hour"),
        "no leader-change chart:\n{dom}"
    );
    // The job's timeline: rows per worker slot with its slices.
    assert!(dom.contains(" · slot "), "no timeline rows:\n{dom}");
    assert!(dom.contains("data-task="), "no slices drawn:\n{dom}");

    // A user sees no cluster view, and only jobs at or below their label.
    let added = cluster.cli(&["user", "add", "carol", "--label", "public"]);
    assert!(added.status.success(), "{}", text(&added));
    let carol = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    let dom = chromium(&format!("http://{HTTP}/#token={carol}"), 4000, None);
    assert!(dom.contains("carol"), "{dom}");
    assert!(
        !dom.contains("node-2"),
        "a user saw the cluster view:\n{dom}"
    );

    // A wrong token is a sign-in form, nothing else.
    let dom = chromium(&format!("http://{HTTP}/#token=slu1-wrong-0"), 3000, None);
    assert!(dom.contains("unknown or revoked token"), "{dom}");
    assert!(!dom.contains(&job), "{dom}");

    let shot = std::env::var_os("SLNODE_DASHBOARD_SHOT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png"));
    let _ = std::fs::remove_file(&shot);
    chromium(&url, 6000, Some(&shot));
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
    eprintln!("dashboard screenshot: {}", shot.display());
}
