//! `slnode up --nodes 3` must not flake: fresh 3-node clusters brought up many times in a row
//! while busy threads keep both cores loaded, each one healthy with three voters whose ids and
//! names agree (id i is `node-i`), then brought down. `SLNODE_UP_ROUNDS` sets the number of
//! rounds (50 by default; `make up-soak` runs 200).

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

mod support;
use support::text;

fn run(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_slnode"))
        .env("HOME", home)
        .env_remove("SLNODE_CONFIG")
        .args(args)
        .output()
        .expect("slnode runs")
}

/// Spins on every core until dropped.
struct CpuLoad {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl CpuLoad {
    fn start() -> CpuLoad {
        let stop = Arc::new(AtomicBool::new(false));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let threads = (0..cores)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let mut x: u64 = 1;
                    while !stop.load(Ordering::Relaxed) {
                        for _ in 0..10_000 {
                            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                        }
                        std::hint::black_box(x);
                    }
                })
            })
            .collect();
        CpuLoad { stop, threads }
    }
}

impl Drop for CpuLoad {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Brings the cluster in `dir` down when dropped, also when an assertion fails.
struct Down<'a> {
    home: &'a Path,
    dir: &'a Path,
}

impl Drop for Down<'_> {
    fn drop(&mut self) {
        let _ = run(self.home, &["down", "--dir", self.dir.to_str().unwrap()]);
    }
}

#[test]
fn three_node_clusters_come_up_every_time_under_cpu_load() {
    let rounds: usize = std::env::var("SLNODE_UP_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(50);
    let home = tempfile::tempdir().unwrap();
    let _load = CpuLoad::start();
    for round in 1..=rounds {
        let dir = tempfile::tempdir().unwrap();
        let down = Down {
            home: home.path(),
            dir: dir.path(),
        };
        let up = run(
            home.path(),
            &[
                "up",
                "--nodes",
                "3",
                "--dir",
                dir.path().to_str().unwrap(),
                "--first-ip",
                "127.0.8.11",
                "--port",
                "7400",
            ],
        );
        assert!(
            up.status.success(),
            "round {round}: up failed\n{}",
            text(&up)
        );
        let config = dir.path().join("client.toml");
        let status = run(
            home.path(),
            &["status", "--json", "--config", config.to_str().unwrap()],
        );
        assert!(status.status.success(), "round {round}\n{}", text(&status));
        let status: Value = serde_json::from_slice(&status.stdout).unwrap();
        let nodes = status["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 3, "round {round}: {status}");
        for node in nodes {
            let id = node["id"].as_u64().unwrap();
            assert_eq!(
                node["name"].as_str().unwrap(),
                format!("node-{id}"),
                "round {round}: ids and names disagree: {status}"
            );
            assert!(
                ["leader", "voter"].contains(&node["role"].as_str().unwrap()),
                "round {round}: {status}"
            );
        }
        drop(down);
    }
}
