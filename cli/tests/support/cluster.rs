//! A local three-node cluster for the CLI's integration tests: `slnode up` with real processes on
//! loopback, commands against it with its client config, kill -9 of a node and restarts.
//! Each test picks its own loopback range (and port) so tests run in parallel.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::text;

pub fn slnode(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slnode"));
    command.env("HOME", home).env_remove("SLNODE_CONFIG");
    command
}

pub struct Cluster {
    pub home: tempfile::TempDir,
    pub dir: PathBuf,
    port: &'static str,
    /// `--slots` of each node, when a test counts on a number (default: `slnode up`'s).
    slots: Option<&'static str>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.run(&["down", "--dir", self.dir.to_str().unwrap()]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Cluster {
    pub fn up(first_ip: &str) -> Cluster {
        Cluster::up_on(first_ip, "7400")
    }

    pub fn up_on(first_ip: &str, port: &'static str) -> Cluster {
        Cluster::start(first_ip, port, None)
    }

    /// A cluster whose nodes offer `slots` worker slots each.
    pub fn up_with_slots(first_ip: &str, slots: &'static str) -> Cluster {
        Cluster::start(first_ip, "7400", Some(slots))
    }

    fn start(first_ip: &str, port: &'static str, slots: Option<&'static str>) -> Cluster {
        let cluster = Cluster {
            home: tempfile::tempdir().unwrap(),
            // No dot in the path: a cluster under a directory whose path has one did not come
            // up in this environment (one node never registered), whatever the branch.
            dir: tempfile::Builder::new()
                .prefix("slnode-test-")
                .tempdir()
                .unwrap()
                .keep(),
            port,
            slots,
        };
        let up = cluster.up_again(first_ip);
        assert!(up.status.success(), "{}", text(&up));
        cluster.wait_for_leader();
        cluster
    }

    /// `up` on an existing directory restarts the nodes that are not running.
    pub fn up_again(&self, first_ip: &str) -> Output {
        let mut args = vec![
            "up",
            "--nodes",
            "3",
            "--dir",
            self.dir.to_str().unwrap(),
            "--first-ip",
            first_ip,
            "--port",
            self.port,
        ];
        if let Some(slots) = self.slots {
            args.extend(["--slots", slots]);
        }
        self.run(&args)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        slnode(self.home.path())
            .args(args)
            .output()
            .expect("slnode runs")
    }

    pub fn config(&self) -> String {
        self.dir.join("client.toml").display().to_string()
    }

    /// A command against the cluster, with its config.
    pub fn cli(&self, args: &[&str]) -> Output {
        let config = self.config();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", &config]);
        self.run(&all)
    }

    /// A command as the user whose token is `token` (the cluster's config, that token).
    pub fn as_user(&self, token: &str, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--token", token]);
        self.cli(&all)
    }

    /// Writes `body` to a file in the test's home; its path.
    pub fn file(&self, name: &str, body: &str) -> String {
        let path = self.home.path().join(name);
        std::fs::write(&path, body).unwrap();
        path.display().to_string()
    }

    /// Adds user `name` (a principal of the cluster's policy); its token.
    pub fn user(&self, name: &str) -> String {
        let added = self.cli(&["user", "add", name]);
        assert!(added.status.success(), "{}", text(&added));
        String::from_utf8_lossy(&added.stdout).trim().to_owned()
    }

    pub fn status(&self) -> Option<Value> {
        serde_json::from_slice(&self.cli(&["status", "--json"]).stdout).ok()
    }

    pub fn wait_for_leader(&self) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.status()
                && let Some(leader) = status["leader"].as_u64()
            {
                return leader;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("no leader within 60 s");
    }

    pub fn pid_of(&self, id: u64) -> i32 {
        for entry in std::fs::read_dir(&self.dir).unwrap().flatten() {
            let config = entry.path().join("node.toml");
            if let Ok(t) = std::fs::read_to_string(&config)
                && t.lines().find(|l| l.starts_with("id = ")) == Some(&format!("id = {id}"))
            {
                return std::fs::read_to_string(entry.path().join("pid"))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
            }
        }
        panic!("no node {id}");
    }

    /// `submit --wait --json`: the parsed last line, and the whole output.
    pub fn submit_wait(&self, args: &[&str]) -> (Value, Output) {
        let mut all = vec!["submit"];
        all.extend(args);
        all.extend(["--wait", "--json"]);
        let output = self.cli(&all);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let last = stdout.lines().last().unwrap_or("");
        let value = serde_json::from_str(last)
            .unwrap_or_else(|_| panic!("no JSON last line: {}", text(&output)));
        (value, output)
    }

    pub fn job(&self, id: u64) -> Value {
        let output = self.cli(&["job", &id.to_string(), "--json"]);
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|_| panic!("job gave no JSON: {}", text(&output)))
    }
}

/// SIGKILL, then waits until the process is gone (or a zombie nobody has reaped yet).
pub fn kill_9(pid: i32) {
    // SAFETY: SIGKILL to a process this test's cluster started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat)
                if !stat
                    .rsplit_once(')')
                    .is_some_and(|(_, r)| r.trim_start().starts_with('Z')) =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => return,
        }
    }
    panic!("process {pid} survived SIGKILL");
}
