//! Hostile peers against a real `slnode` cluster (real processes on 127.0.22.x): 200 connections
//! that never authenticate, each declaring the largest frame the protocol allows, must not make a
//! node allocate more than the documented pre-authentication budget (measured as the node
//! process's RSS from /proc), and the cluster must keep serving while they are open. Then the
//! nastiest sources from the compiler's fuzzing, submitted straight to the node over RPC (past the
//! CLI's own compile check): each is a clear error and the node stays up.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;
use sl_rpc::frame::{BODY_BYTES_MAX, Header, Kind, PAYLOAD_BYTES_MAX};
use sl_rpc::pki::{self, Fingerprint};
use sl_rpc::tls::{self, Transport};

const FIRST_IP: &str = "127.0.22.11";
const NODE: &str = "127.0.22.11:7700";
/// What the attack may add to the node's RSS: the documented 32 MiB of pre-authentication
/// buffers, quinn's and rustls' per-connection state, and allocator slack. Before the fix each
/// declared frame was allocated and zero-filled up front: 200 × 16 MiB = 3.2 GiB.
const RSS_GROWTH_MAX_BYTES: u64 = 128 << 20;

fn slnode(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_slnode"))
        .env("HOME", home)
        .env_remove("SLNODE_CONFIG")
        .args(args)
        .output()
        .expect("slnode runs")
}

struct Cluster {
    home: tempfile::TempDir,
    dir: PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = slnode(
            self.home.path(),
            &["down", "--dir", self.dir.to_str().unwrap()],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Cluster {
    fn config(&self) -> String {
        self.dir.join("client.toml").display().to_string()
    }

    fn status(&self) -> Option<Value> {
        let config = self.config();
        let output = slnode(
            self.home.path(),
            &["status", "--json", "--config", &config, "--cluster", NODE],
        );
        serde_json::from_slice(&output.stdout).ok()
    }

    fn healthy(&self) -> bool {
        self.status().is_some_and(|s| {
            let nodes = s["nodes"].as_array().cloned().unwrap_or_default();
            s["leader"].is_u64() && nodes.len() == 3 && nodes.iter().all(|n| n["healthy"] == true)
        })
    }

    fn pid_of_first(&self) -> i32 {
        for entry in std::fs::read_dir(&self.dir).unwrap().flatten() {
            let config = entry.path().join("node.toml");
            if let Ok(text) = std::fs::read_to_string(&config)
                && text.lines().find(|l| l.starts_with("id = ")) == Some("id = 1")
            {
                let pid = std::fs::read_to_string(entry.path().join("pid")).unwrap();
                return pid.trim().parse().unwrap();
            }
        }
        panic!("no directory for node 1 under {}", self.dir.display());
    }

    /// Each node's process state and the end of its log, for a failure's message.
    fn dump(&self) -> String {
        let mut out = String::new();
        for entry in std::fs::read_dir(&self.dir).unwrap().flatten() {
            let Ok(pid) = std::fs::read_to_string(entry.path().join("pid")) else {
                continue; // not a node's directory
            };
            let state = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
                .unwrap_or_else(|_| "gone".into());
            out += &format!("== {} pid {} {state}\n", entry.path().display(), pid.trim());
            for file in std::fs::read_dir(entry.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if file.path().extension().is_some_and(|e| e == "log") {
                    let text = std::fs::read_to_string(file.path()).unwrap_or_default();
                    let lines: Vec<&str> = text.lines().collect();
                    out += &lines[lines.len().saturating_sub(15)..].join("\n");
                    out += "\n";
                }
            }
        }
        out
    }

    fn ca(&self) -> rustls::pki_types::CertificateDer<'static> {
        let text = std::fs::read_to_string(self.config()).unwrap();
        let begin = text.find("-----BEGIN CERTIFICATE-----").unwrap();
        let end =
            text.find("-----END CERTIFICATE-----").unwrap() + "-----END CERTIFICATE-----".len();
        let pem = text[begin..end].replace("\\n", "\n");
        pki::parse_cert(&pem, "client.toml").unwrap()
    }
}

fn rss_bytes(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib << 10
}

/// One unauthenticated connection from `bind`: declares the largest frame on as many streams as
/// the server lets it open, pushes what flow control admits, and holds on.
async fn attack(bind: SocketAddr, config: quinn::ClientConfig, target: SocketAddr) {
    let Ok(endpoint) = quinn::Endpoint::client(bind) else {
        return;
    };
    let Ok(connecting) = endpoint.connect_with(config, target, pki::SERVER_NAME) else {
        return;
    };
    let Ok(Ok(connection)) = tokio::time::timeout(Duration::from_secs(5), connecting).await else {
        return;
    };
    let header = Header::new(Kind::Hello, 1, BODY_BYTES_MAX as usize, PAYLOAD_BYTES_MAX)
        .unwrap()
        .encode();
    let junk = vec![0x5a_u8; 1 << 20];
    let mut streams = Vec::new();
    for _ in 0..4 {
        let opened = tokio::time::timeout(Duration::from_millis(500), connection.open_bi()).await;
        let Ok(Ok((mut send, recv))) = opened else {
            break;
        };
        let _ = send.write_all(&header).await;
        let _ = tokio::time::timeout(Duration::from_millis(500), send.write_all(&junk)).await;
        streams.push((send, recv));
    }
    tokio::time::sleep(Duration::from_secs(6)).await;
    drop(streams);
    connection.close(quinn::VarInt::from_u32(0), b"done");
}

#[test]
fn unauthenticated_peers_declaring_huge_frames_cost_a_bounded_budget() {
    let cluster = Cluster {
        home: tempfile::tempdir().unwrap(),
        dir: tempfile::tempdir().unwrap().keep(),
    };
    let up = slnode(
        cluster.home.path(),
        &[
            "up",
            "--nodes",
            "3",
            "--dir",
            cluster.dir.to_str().unwrap(),
            "--first-ip",
            FIRST_IP,
            "--port",
            "7700",
        ],
    );
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cluster.healthy() {
        assert!(
            Instant::now() < deadline,
            "the cluster never became healthy"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let pid = cluster.pid_of_first();
    let before = rss_bytes(pid);

    let ca = cluster.ca();
    let transport = Transport::default();
    let target: SocketAddr = NODE.parse().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // 200 connections from 10 source addresses: half speak the client protocol (a hello that
    // declares 16 MiB of token and 256 MiB of payload), half the join protocol.
    let attackers: Vec<_> = (0..200)
        .map(|i| {
            let bind: SocketAddr = format!("127.0.22.{}:0", 100 + i % 10).parse().unwrap();
            let config = if i % 2 == 0 {
                tls::user_client(&ca, &transport).unwrap()
            } else {
                tls::join_client(Fingerprint::of(&ca), &transport).unwrap()
            };
            runtime.spawn(attack(bind, config, target))
        })
        .collect();

    let mut peak = before;
    let mut served = 0;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(6) {
        peak = peak.max(rss_bytes(pid));
        if cluster.healthy() {
            served += 1;
        }
        peak = peak.max(rss_bytes(pid));
        std::thread::sleep(Duration::from_millis(100));
    }
    runtime.block_on(async {
        for attacker in attackers {
            let _ = attacker.await;
        }
    });
    let growth = peak.saturating_sub(before);
    eprintln!(
        "node 1 RSS before {} MiB, peak {} MiB, growth {} MiB; {served} healthy status answers",
        before >> 20,
        peak >> 20,
        growth >> 20
    );
    assert!(
        growth <= RSS_GROWTH_MAX_BYTES,
        "200 unauthenticated peers grew the node by {} MiB (budget {} MiB)",
        growth >> 20,
        RSS_GROWTH_MAX_BYTES >> 20
    );
    assert!(
        served > 0,
        "the cluster answered no status during the attack"
    );
    // Still alive and serving afterwards.
    assert!(
        std::fs::metadata(format!("/proc/{pid}")).is_ok(),
        "node 1 died"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cluster.healthy() {
        assert!(
            Instant::now() < deadline,
            "the cluster is unhealthy after the attack: {:?}\n{}",
            cluster.status(),
            cluster.dump()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    hostile_sources_submitted_to_a_node_are_errors(&cluster, &runtime, pid);
}

/// Before the fix, 20,000 nested lambdas overflowed the compiler's stack: a submission to a live
/// node (which compiles what it is sent) aborted the process.
fn hostile_sources_submitted_to_a_node_are_errors(
    cluster: &Cluster,
    runtime: &tokio::runtime::Runtime,
    pid: i32,
) {
    let config = sl_node::read_client_config(Path::new(&cluster.config())).unwrap();
    let n = 20_000;
    let sources = [
        ("nested lambdas", format!("f = {}1\n", "lambda: ".repeat(n))),
        ("unary minus", format!("x = {}1\n", "-".repeat(1_000_000))),
        (
            "tuples",
            format!("x = {}1{}\n", "(".repeat(n), ",)".repeat(n)),
        ),
        ("calls", format!("x = f{}\n", "()".repeat(n))),
        (
            "conditionals",
            format!("x = {}0\n", "1 if y else ".repeat(n)),
        ),
    ];
    runtime.block_on(async {
        let ca = pki::parse_cert(&config.ca_pem, "client.toml").unwrap();
        let options = sl_rpc::endpoint::Options::new("127.0.22.99:0".parse().unwrap());
        let client = sl_rpc::Endpoint::client(options, &ca, &config.token).unwrap();
        let target: SocketAddr = NODE.parse().unwrap();
        for (i, (what, source)) in sources.into_iter().enumerate() {
            let request = sl_node::kappa::jobs::SubmitRequest {
                request: 0x5eed_0000 + i as u64,
                file: "hostile.py".into(),
                source,
                event: String::new(),
                timeout_ms: 0,
                checkpoint_ms: 0,
            };
            let answer = client
                .call::<sl_node::kappa::jobs::SubmitJob>(target, &request)
                .await;
            match answer {
                Err(sl_rpc::endpoint::Error::Remote { error, .. }) => assert!(
                    error.message.contains("nested more than")
                        || error.message.contains("at most")
                        || error.message.contains("SyntaxError"),
                    "{what}: {}",
                    error.message
                ),
                other => panic!("{what}: expected a compile error, got {other:?}"),
            }
        }
    });
    assert!(
        std::fs::metadata(format!("/proc/{pid}")).is_ok(),
        "node 1 died compiling hostile sources"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cluster.healthy() {
        assert!(
            Instant::now() < deadline,
            "the cluster is unhealthy after hostile submissions"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
