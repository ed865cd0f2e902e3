//! The `slnode` binary as a person uses it, with real processes on loopback addresses: `up`
//! elects a leader among three voters; kill -9 of the leader's process, another leader serves;
//! the killed node restarts and catches up; a fourth node joins as a non-voting member and starts
//! storing objects; a node stopped for good is removed and its objects re-replicate; `down` stops
//! everything. And bad input: a wrong join token, a second `start` in a used data dir, a port in
//! use — each a clear error that leaves nothing behind.
//!
//! Each test uses its own loopback range so they can run in parallel.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;
use support::text;

fn slnode(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slnode"));
    // Never touch the real user's ~/.config/slnode.
    command.env("HOME", home).env_remove("SLNODE_CONFIG");
    command
}

fn run(home: &Path, args: &[&str]) -> Output {
    slnode(home).args(args).output().expect("slnode runs")
}

/// Stops the cluster under `dir` even when the test fails.
struct Cluster {
    home: tempfile::TempDir,
    dir: PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = run(
            self.home.path(),
            &["down", "--dir", self.dir.to_str().unwrap()],
        );
    }
}

impl Cluster {
    fn up(&self, nodes: usize, first_ip: &str) -> Output {
        run(
            self.home.path(),
            &[
                "up",
                "--nodes",
                &nodes.to_string(),
                "--dir",
                self.dir.to_str().unwrap(),
                "--first-ip",
                first_ip,
                "--port",
                "7400",
            ],
        )
    }

    fn config(&self) -> String {
        self.dir.join("client.toml").display().to_string()
    }

    /// `status --json`, through `via` when given (a node known to be alive).
    fn status(&self, via: Option<&str>) -> Option<Value> {
        let config = self.config();
        let mut args = vec!["status", "--json", "--config", &config];
        if let Some(addr) = via {
            args.extend(["--cluster", addr]);
        }
        let output = run(self.home.path(), &args);
        let parsed = serde_json::from_slice(&output.stdout).ok();
        if parsed.is_none() {
            eprintln!("status gave no JSON: {}", text(&output));
        }
        parsed
    }

    /// Polls `status` until `check` holds (bounded); returns the status that satisfied it.
    fn wait_for(&self, what: &str, via: Option<&str>, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut last = None;
        while Instant::now() < deadline {
            if let Some(status) = self.status(via) {
                if check(&status) {
                    return status;
                }
                last = Some(status);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("never: {what}; last status {last:#?}");
    }

    fn node_dir_of(&self, id: u64) -> PathBuf {
        for entry in std::fs::read_dir(&self.dir).unwrap().flatten() {
            let config = entry.path().join("node.toml");
            if let Ok(text) = std::fs::read_to_string(&config)
                // The node's own id is the first `id =` line (seeds, later, have ids too).
                && text.lines().find(|l| l.starts_with("id = ")) == Some(&format!("id = {id}"))
            {
                return entry.path();
            }
        }
        panic!("no node directory for node {id}");
    }

    fn pid_of(&self, id: u64) -> i32 {
        std::fs::read_to_string(self.node_dir_of(id).join("pid"))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }
}

fn nodes(status: &Value) -> &Vec<Value> {
    status["nodes"].as_array().unwrap()
}

fn role_count(status: &Value, roles: &[&str]) -> usize {
    nodes(status)
        .iter()
        .filter(|n| roles.contains(&n["role"].as_str().unwrap_or("")))
        .count()
}

fn all_healthy(status: &Value) -> bool {
    nodes(status).iter().all(|n| n["healthy"] == true)
}

fn total_objects(status: &Value) -> u64 {
    nodes(status)
        .iter()
        .map(|n| n["objects"].as_u64().unwrap_or(0))
        .sum()
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nhost: {addr}\r\n\r\n").unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}

fn kill_9(pid: i32) {
    // SAFETY: SIGKILL to a process this test's cluster started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
}

#[test]
fn a_local_cluster_fails_over_rejoins_grows_and_shrinks() {
    let cluster = Cluster {
        home: tempfile::tempdir().unwrap(),
        dir: tempfile::tempdir().unwrap().keep(),
    };
    let up = cluster.up(3, "127.0.1.11");
    assert!(up.status.success(), "{}", text(&up));
    let status = cluster.wait_for("three voters and a leader", None, |s| {
        nodes(s).len() == 3
            && role_count(s, &["leader"]) == 1
            && role_count(s, &["leader", "voter"]) == 3
            && all_healthy(s)
    });
    assert!(status["leader"].is_u64());
    let health = http_get("127.0.1.11:7480", "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let metrics = http_get("127.0.1.12:7480", "/metrics");
    assert!(metrics.contains("slnode_rpc_requests_total"), "{metrics}");
    assert!(metrics.contains("slnode_members 3"), "{metrics}");

    // Objects, replicated twice.
    let data = tempfile::tempdir().unwrap();
    for i in 0..20 {
        let file = data.path().join(format!("o{i}"));
        std::fs::write(&file, vec![i as u8; 4096 + i]).unwrap();
        let put = run(
            cluster.home.path(),
            &[
                "object",
                "put",
                &format!("k{i}"),
                file.to_str().unwrap(),
                "--config",
                &cluster.config(),
            ],
        );
        assert!(put.status.success(), "{}", text(&put));
    }
    cluster.wait_for("40 replicas", None, |s| total_objects(s) == 40);

    // kill -9 the leader: another one serves.
    let old_leader = status["leader"].as_u64().unwrap();
    let survivor = nodes(&status)
        .iter()
        .find(|n| n["id"].as_u64() != Some(old_leader))
        .unwrap()["addr"]
        .as_str()
        .unwrap()
        .to_owned();
    kill_9(cluster.pid_of(old_leader));
    let killed_at = Instant::now();
    cluster.wait_for("a new leader", Some(&survivor), |s| {
        s["leader"].as_u64().is_some_and(|l| l != old_leader)
    });
    let failover = killed_at.elapsed();
    eprintln!(
        "kill -9 of the leader to a new leader seen by `slnode status`: {:.0} ms",
        failover.as_secs_f64() * 1e3
    );
    let get = run(
        cluster.home.path(),
        &[
            "object",
            "get",
            "k7",
            "--config",
            &cluster.config(),
            "--cluster",
            &survivor,
        ],
    );
    assert!(get.status.success(), "{}", text(&get));
    assert_eq!(
        get.stdout,
        vec![7u8; 4096 + 7],
        "objects survive the leader"
    );

    // Restart the killed node: it rejoins and catches up.
    let up = cluster.up(3, "127.0.1.11");
    assert!(up.status.success(), "{}", text(&up));
    cluster.wait_for("the killed node caught up", None, |s| {
        all_healthy(s)
            && nodes(s).len() == 3
            && nodes(s)
                .iter()
                .all(|n| n["applied"] == nodes(s)[0]["applied"] && n["applied"].is_u64())
    });

    // A fourth node joins as a non-voting member and starts storing objects.
    let up = cluster.up(4, "127.0.1.11");
    assert!(up.status.success(), "{}", text(&up));
    let status = cluster.wait_for("a learner holding objects", None, |s| {
        nodes(s).len() == 4
            && role_count(s, &["learner"]) == 1
            && nodes(s)
                .iter()
                .any(|n| n["role"] == "learner" && n["objects"].as_u64().unwrap_or(0) > 0)
    });
    assert_eq!(role_count(&status, &["leader", "voter"]), 3);
    let learner = nodes(&status)
        .iter()
        .find(|n| n["role"] == "learner")
        .unwrap()["id"]
        .as_u64()
        .unwrap();

    // Stop it for good and remove it: its objects re-replicate to keep two copies of each.
    kill_9(cluster.pid_of(learner));
    let remove = run(
        cluster.home.path(),
        &[
            "remove",
            &learner.to_string(),
            "--config",
            &cluster.config(),
        ],
    );
    assert!(remove.status.success(), "{}", text(&remove));
    cluster.wait_for("three nodes holding 40 replicas again", None, |s| {
        nodes(s).len() == 3 && all_healthy(s) && total_objects(s) == 40
    });

    // A follower leaves on its own: it hands off its objects, leaves the configuration, stops,
    // and is not restarted by `up`.
    let status = cluster.status(None).unwrap();
    let leaver = nodes(&status)
        .iter()
        .find(|n| n["role"] == "voter")
        .unwrap()["id"]
        .as_u64()
        .unwrap();
    let leaver_dir = cluster.node_dir_of(leaver);
    let leaver_pid = cluster.pid_of(leaver);
    let leave = run(
        cluster.home.path(),
        &[
            "leave",
            "--data-dir",
            leaver_dir.to_str().unwrap(),
            "--config",
            &cluster.config(),
        ],
    );
    assert!(leave.status.success(), "{}", text(&leave));
    cluster.wait_for("two nodes holding 40 replicas", None, |s| {
        nodes(s).len() == 2 && all_healthy(s) && total_objects(s) == 40
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    // SAFETY: signal 0 only checks existence.
    while unsafe { libc::kill(leaver_pid, 0) } == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(leaver_dir.join("left").exists(), "the directory is marked");
    let up = cluster.up(4, "127.0.1.11");
    assert!(up.status.success(), "{}", text(&up));
    assert_eq!(
        nodes(&cluster.status(None).unwrap()).len(),
        2,
        "a node that left is not brought back"
    );

    // `down` stops every process.
    let pids: Vec<i32> = (1..=4)
        .filter_map(|i| {
            std::fs::read_to_string(cluster.dir.join(format!("node-{i}/pid")))
                .ok()
                .and_then(|p| p.trim().parse().ok())
        })
        .filter(|pid| unsafe { libc::kill(*pid, 0) } == 0)
        .collect();
    assert!(pids.len() >= 2, "{pids:?}");
    let down = run(
        cluster.home.path(),
        &["down", "--dir", cluster.dir.to_str().unwrap()],
    );
    assert!(down.status.success(), "{}", text(&down));
    for pid in pids {
        // Gone, or a zombie its adoptive parent has not reaped yet: either way it has exited.
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok();
        let exited = state.is_none_or(|stat| {
            stat.rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X']))
        });
        assert!(exited, "process {pid} still runs after down");
    }
    let _ = std::fs::remove_dir_all(&cluster.dir);
}

/// A node in the foreground, stopped with SIGTERM when dropped.
struct Foreground(Child);

impl Drop for Foreground {
    fn drop(&mut self) {
        // SAFETY: SIGTERM to our child.
        unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

#[test]
fn bad_input_gives_clear_errors_and_leaves_nothing_behind() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("first");
    let first = Foreground(
        slnode(home.path())
            .args([
                "start",
                "--data-dir",
                dir.to_str().unwrap(),
                "--listen",
                "127.0.2.11:7400",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let config = dir.join("client.toml");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = run(
            home.path(),
            &["status", "--json", "--config", config.to_str().unwrap()],
        );
        if status.status.success() {
            break;
        }
        assert!(Instant::now() < deadline, "{}", text(&status));
        std::thread::sleep(Duration::from_millis(200));
    }

    // Without --http the node serves HTTP on its --listen IP, port 7480.
    let health = http_get("127.0.2.11:7480", "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    // A wrong join token: refused, and the new data dir does not exist afterwards.
    let token = std::fs::read_to_string(dir.join("join-token")).unwrap();
    let token = token.trim();
    let last = token.chars().last().unwrap();
    let wrong = format!(
        "{}{}",
        &token[..token.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    let joiner = work.path().join("joiner");
    let join = run(
        home.path(),
        &[
            "join",
            "127.0.2.11:7400",
            "--token",
            &wrong,
            "--data-dir",
            joiner.to_str().unwrap(),
            "--listen",
            "127.0.2.12:7400",
        ],
    );
    assert_eq!(join.status.code(), Some(2), "{}", text(&join));
    assert!(
        String::from_utf8_lossy(&join.stderr).contains("wrong join token"),
        "{}",
        text(&join)
    );
    assert!(!joiner.exists(), "a refused join leaves no data dir");
    let garbage = run(
        home.path(),
        &[
            "join",
            "127.0.2.11:7400",
            "--token",
            "not-a-token",
            "--data-dir",
            joiner.to_str().unwrap(),
            "--listen",
            "127.0.2.12:7400",
        ],
    );
    assert_eq!(garbage.status.code(), Some(2), "{}", text(&garbage));
    assert!(String::from_utf8_lossy(&garbage.stderr).contains("not a join token"));
    assert!(!joiner.exists());

    // A join that never finished (here: joined with --no-run, then its directory lost) leaves a
    // learner that never runs; joining again at that address under another name replaces it rather than keeping a
    // member that would own objects nobody can store or read (slchaos found unreadable objects
    // after join retries).
    let join_at = |dir: &Path, name: &str| {
        run(
            home.path(),
            &[
                "join",
                "127.0.2.11:7400",
                "--token",
                token,
                "--data-dir",
                dir.to_str().unwrap(),
                "--listen",
                "127.0.2.14:7400",
                "--name",
                name,
                "--no-run",
            ],
        )
    };
    let members_at = |addr: &str| -> Vec<u64> {
        let status = run(
            home.path(),
            &["status", "--json", "--config", config.to_str().unwrap()],
        );
        let status: Value = serde_json::from_slice(&status.stdout).unwrap();
        nodes(&status)
            .iter()
            .filter(|n| n["addr"] == addr)
            .map(|n| n["id"].as_u64().unwrap())
            .collect()
    };
    let unfinished = join_at(&work.path().join("unfinished"), "first-try");
    assert!(unfinished.status.success(), "{}", text(&unfinished));
    let ghost = members_at("127.0.2.14:7400");
    assert_eq!(ghost.len(), 1, "{ghost:?}");
    std::fs::remove_dir_all(work.path().join("unfinished")).unwrap();
    let again = join_at(&work.path().join("again"), "second-try");
    assert!(again.status.success(), "{}", text(&again));
    let now = members_at("127.0.2.14:7400");
    assert_eq!(now.len(), 1, "one member per address: {now:?}");
    assert_ne!(now, ghost, "the unfinished join's learner was replaced");
    // It never runs either: remove it, so the rest of the test has one node.
    let remove = run(
        home.path(),
        &[
            "remove",
            &now[0].to_string(),
            "--config",
            config.to_str().unwrap(),
        ],
    );
    assert!(remove.status.success(), "{}", text(&remove));

    // A second start in a used data dir.
    let again = run(
        home.path(),
        &[
            "start",
            "--data-dir",
            dir.to_str().unwrap(),
            "--listen",
            "127.0.2.13:7400",
        ],
    );
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a node"));

    // A port in use.
    let other = work.path().join("other");
    let busy = run(
        home.path(),
        &[
            "start",
            "--data-dir",
            other.to_str().unwrap(),
            "--listen",
            "127.0.2.11:7400",
        ],
    );
    assert_eq!(busy.status.code(), Some(2), "{}", text(&busy));
    assert!(String::from_utf8_lossy(&busy.stderr).contains("cannot listen on 127.0.2.11:7400"));
    assert!(!other.exists(), "nothing half-made");
    // Its HTTP port in use (the first node's default one), and `--http off` needs none.
    let http_busy = run(
        home.path(),
        &[
            "start",
            "--data-dir",
            other.to_str().unwrap(),
            "--listen",
            "127.0.2.11:7401",
        ],
    );
    assert_eq!(http_busy.status.code(), Some(2), "{}", text(&http_busy));
    assert!(
        String::from_utf8_lossy(&http_busy.stderr).contains("cannot serve HTTP on 127.0.2.11:7480"),
        "{}",
        text(&http_busy)
    );
    assert!(!other.exists(), "nothing half-made");
    let bad_http = run(
        home.path(),
        &[
            "start",
            "--data-dir",
            other.to_str().unwrap(),
            "--http",
            "nowhere",
        ],
    );
    assert_eq!(bad_http.status.code(), Some(2), "{}", text(&bad_http));
    assert!(String::from_utf8_lossy(&bad_http.stderr).contains("or off"));

    // A wrong admin token, and an unreachable cluster: clear errors, no stack trace.
    let wrong_token = run(
        home.path(),
        &[
            "status",
            "--config",
            config.to_str().unwrap(),
            "--token",
            "nope",
        ],
    );
    assert_eq!(wrong_token.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong_token.stderr).contains("token"));
    let unreachable = run(
        home.path(),
        &[
            "status",
            "--config",
            config.to_str().unwrap(),
            "--cluster",
            "127.0.2.99:7400",
        ],
    );
    assert_eq!(unreachable.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unreachable.stderr);
    assert!(
        stderr.contains("no node of the cluster answered"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));

    // SIGTERM stops the node cleanly: the pid file goes away with the process.
    drop(first);
    assert!(
        !dir.join("pid").exists(),
        "clean shutdown removes the pid file"
    );
}
