//! Three coordinator replicas on loopback over real QUIC (mutual TLS) and RocksDB, in one process:
//! the leader crashes in the middle of a stream of submissions; a new leader takes over and every
//! acknowledged submission is in the state exactly once. (Durability across a real kill -9 of the
//! process is covered by `log_store.rs`; multi-process tests come with the `slnode` binary.)

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sl_coordinator::machine::{Command, Limits, Reply};
use sl_coordinator::replica::{Replica, Timing};
use sl_coordinator::service::{self, Client, Driver};
use sl_labels::{Lattice, Policy};
use sl_rpc::endpoint::{Endpoint, Options, Services};
use sl_rpc::pki::ClusterCa;

struct Node {
    driver: Driver,
    endpoint: Endpoint,
    _dir: tempfile::TempDir,
}

async fn cluster(ca: &ClusterCa) -> (BTreeMap<u64, Node>, BTreeMap<u64, SocketAddr>) {
    let mut nodes = BTreeMap::new();
    let mut addrs = BTreeMap::new();
    let mut pending = Vec::new();
    for id in 1..=3u64 {
        let dir = tempfile::tempdir().unwrap();
        let replica = Replica::open(
            id,
            &[1, 2, 3],
            dir.path(),
            Policy::tags_only(),
            Limits::default(),
            &Timing::default(),
        )
        .unwrap();
        let (driver, inbox) = Driver::channel();
        let handler = Arc::new(service::routes(sl_rpc::Router::new(), driver.clone()));
        let services = Services {
            handler,
            authenticator: None,
            join: None,
        };
        let endpoint = Endpoint::node(
            Options::new("127.0.0.1:0".parse().unwrap()),
            &ca.issue_node(&format!("c{id}")).unwrap(),
            services,
        )
        .unwrap();
        addrs.insert(id, endpoint.local_addr().unwrap());
        pending.push((id, replica, inbox));
        nodes.insert(
            id,
            Node {
                driver,
                endpoint,
                _dir: dir,
            },
        );
    }
    for (id, replica, inbox) in pending {
        let node = &nodes[&id];
        let peers = addrs
            .iter()
            .filter(|(p, _)| **p != id)
            .map(|(p, a)| (*p, *a))
            .collect();
        node.driver.start(
            inbox,
            replica,
            node.endpoint.clone(),
            peers,
            service::Options::default(),
        );
    }
    (nodes, addrs)
}

fn submit(request: u64) -> Command {
    Command::SubmitJob {
        request,
        label: Policy::tags_only().bottom(),
        function: format!("job-{request}"),
        args: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_crash_mid_stream_loses_and_duplicates_nothing() {
    let ca = ClusterCa::generate("coordinator").unwrap();
    let (nodes, addrs) = cluster(&ca).await;
    let client_endpoint = Endpoint::node(
        Options::new("127.0.0.1:0".parse().unwrap()),
        &ca.issue_node("client").unwrap(),
        Services {
            handler: Arc::new(sl_rpc::Router::new()),
            authenticator: None,
            join: None,
        },
    )
    .unwrap();
    let client = Client::new(client_endpoint, addrs.clone());
    const SUBMISSIONS: u64 = 40;
    let mut crashed = None;
    for request in 0..SUBMISSIONS {
        if request == 15 {
            let leader = client
                .status(1)
                .await
                .and_then(|s| s.leader)
                .expect("a leader after 15 commits");
            nodes[&leader].driver.abort();
            nodes[&leader].endpoint.close().await;
            crashed = Some(leader);
        }
        let reply = client
            .propose(&submit(request))
            .await
            .expect("the cluster answers");
        assert!(matches!(reply, Reply::Submitted { .. }), "{reply:?}");
    }
    let crashed = crashed.unwrap();
    let survivors: Vec<u64> = (1..=3).filter(|id| *id != crashed).collect();
    // Followers apply what the leader committed within a few heartbeats; poll, bounded.
    let mut statuses = Vec::new();
    for _ in 0..100 {
        statuses.clear();
        for id in &survivors {
            statuses.push(client.status(*id).await.expect("survivors answer"));
        }
        if statuses
            .iter()
            .all(|s| s.jobs == SUBMISSIONS && s.applied == statuses[0].applied)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for status in &statuses {
        assert_eq!(
            status.jobs, SUBMISSIONS,
            "replica {}: every acknowledged submission exactly once",
            status.id
        );
        assert!(
            status.leader.is_some_and(|l| l != crashed),
            "replica {} follows a new leader",
            status.id
        );
    }
}
