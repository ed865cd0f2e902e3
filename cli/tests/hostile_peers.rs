//! Hostile peers against a real `slnode` cluster (real processes on 127.0.22.x): 200 connections
//! that never authenticate, each declaring the largest frame the protocol allows, must not make a
//! node allocate more than the documented pre-authentication budget (measured as the node
//! process's RSS from /proc), and the cluster must keep serving while they are open.

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
            "the cluster is unhealthy after the attack"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
