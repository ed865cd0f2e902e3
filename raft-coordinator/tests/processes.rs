//! Three coordinator replicas as three real processes (this test binary re-run in replica mode),
//! over loopback QUIC with mutual TLS and synced RocksDB logs. The leader's process is killed with
//! SIGKILL in the middle of a stream of submissions; a new leader serves the rest; the killed
//! replica restarts from its data directory and catches up. Every acknowledged submission is then
//! present exactly once on all three.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::sync::Arc;
use std::time::Duration;

use sl_coordinator::machine::{Command, Limits, Reply};
use sl_coordinator::replica::{Replica, Timing};
use sl_coordinator::service::{self, Driver};
use sl_labels::{Lattice, Policy};
use sl_rpc::endpoint::{Endpoint, Options, Services};
use sl_rpc::pki::ClusterCa;

const VOTERS: [u64; 3] = [1, 2, 3];

/// Replica mode: runs until killed. A no-op when run as an ordinary test.
#[test]
fn replica_process() {
    let Ok(id) = std::env::var("SL_REPLICA_ID") else {
        return;
    };
    let id: u64 = id.parse().unwrap();
    let dir = std::path::PathBuf::from(std::env::var("SL_REPLICA_DIR").unwrap());
    let addrs = parse_addrs(&std::env::var("SL_REPLICA_ADDRS").unwrap());
    let ca = ClusterCa::load(&dir.join("ca")).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let replica = Replica::open(
            id,
            &VOTERS,
            &dir.join(format!("replica-{id}")),
            Policy::tags_only(),
            Limits::default(),
            &Timing::default(),
        )
        .unwrap();
        let (driver, inbox) = Driver::channel();
        let endpoint = Endpoint::node(
            Options::new(addrs[&id]),
            &ca.issue_node(&format!("replica-{id}")).unwrap(),
            Services {
                handler: Arc::new(service::routes(sl_rpc::Router::new(), driver.clone())),
                authenticator: None,
                join: None,
            },
        )
        .unwrap();
        let peers = addrs
            .iter()
            .filter(|(p, _)| **p != id)
            .map(|(p, a)| (*p, *a))
            .collect();
        driver.start(inbox, replica, endpoint, peers, service::Options::default());
        println!("ready");
        // Until SIGKILL.
        loop {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
}

fn parse_addrs(text: &str) -> BTreeMap<u64, SocketAddr> {
    text.split(',')
        .map(|pair| {
            let (id, addr) = pair.split_once('=').unwrap();
            (id.parse().unwrap(), addr.parse().unwrap())
        })
        .collect()
}

/// Kills every child on drop, so a failing test leaves no process behind.
struct Replicas {
    children: BTreeMap<u64, Child>,
}

impl Drop for Replicas {
    fn drop(&mut self) {
        for child in self.children.values_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn spawn(id: u64, dir: &Path, addrs: &str) -> Child {
    let mut child = Process::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "replica_process",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("SL_REPLICA_ID", id.to_string())
        .env("SL_REPLICA_DIR", dir)
        .env("SL_REPLICA_ADDRS", addrs)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for "ready" so the endpoint is bound before anyone counts on it.
    use std::io::BufRead;
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        // libtest prints "test replica_process ... " on the same line.
        if line.unwrap().trim_end().ends_with("ready") {
            break;
        }
    }
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    child
}

fn free_udp_port() -> SocketAddr {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn submit(request: u64) -> Command {
    Command::SubmitJob {
        request,
        label: Policy::tags_only().bottom(),
        function: format!("job-{request}"),
        args: vec![],
        options: Default::default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_the_leader_process_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ClusterCa::generate("processes").unwrap();
    std::fs::create_dir_all(dir.path().join("ca")).unwrap();
    ca.save(&dir.path().join("ca")).unwrap();
    let addrs: BTreeMap<u64, SocketAddr> = VOTERS.iter().map(|id| (*id, free_udp_port())).collect();
    let addr_text = addrs
        .iter()
        .map(|(id, a)| format!("{id}={a}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut replicas = Replicas {
        children: VOTERS
            .iter()
            .map(|id| (*id, spawn(*id, dir.path(), &addr_text)))
            .collect(),
    };
    let client = sl_coordinator::local::node_client(&ca, "test-client", addrs.clone()).unwrap();
    const SUBMISSIONS: u64 = 60;
    let mut killed = None;
    for request in 0..SUBMISSIONS {
        if request == 20 {
            let leader = client
                .status(1)
                .await
                .and_then(|s| s.leader)
                .expect("a leader after 20 commits");
            let child = replicas.children.get_mut(&leader).unwrap();
            // SIGKILL: no destructor, no flush; only what each Ready synced survives.
            child.kill().unwrap();
            child.wait().unwrap();
            killed = Some(leader);
        }
        if request == 40 {
            let id = killed.unwrap();
            replicas
                .children
                .insert(id, spawn(id, dir.path(), &addr_text));
        }
        let reply = client
            .propose(&submit(request))
            .await
            .expect("the cluster answers");
        assert!(matches!(reply, Reply::Submitted { .. }), "{reply:?}");
    }
    let killed = killed.unwrap();
    let mut statuses = Vec::new();
    for _ in 0..200 {
        statuses.clear();
        for id in VOTERS {
            if let Some(status) = client.status(id).await {
                statuses.push(status);
            }
        }
        if statuses.len() == 3
            && statuses
                .iter()
                .all(|s| s.jobs == SUBMISSIONS && s.applied == statuses[0].applied)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(statuses.len(), 3, "all three replicas answer");
    for status in &statuses {
        assert_eq!(
            status.jobs, SUBMISSIONS,
            "replica {} (killed: {killed}): every acknowledged submission exactly once",
            status.id
        );
        assert_eq!(status.applied, statuses[0].applied, "replica {}", status.id);
    }
}
