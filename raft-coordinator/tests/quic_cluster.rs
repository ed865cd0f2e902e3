//! Three coordinator replicas on loopback over real QUIC (mutual TLS) and RocksDB, in one process:
//! the leader crashes in the middle of a stream of submissions; a new leader takes over and every
//! acknowledged submission is in the state exactly once. (Durability across a real kill -9 of the
//! process is covered by `log_store.rs`; multi-process tests come with the `slnode` binary.)

use std::sync::Arc;
use std::time::Duration;

use sl_coordinator::local::LocalCluster;
use sl_coordinator::machine::{Command, Reply};
use sl_coordinator::service::Client;
use sl_labels::{Lattice, Policy};
use sl_rpc::endpoint::{Endpoint, Options, Services};
use sl_rpc::pki::ClusterCa;

/// A client that calls the cluster as a node would (mutual TLS under the same CA).
fn client(ca: &ClusterCa, addrs: &std::collections::BTreeMap<u64, std::net::SocketAddr>) -> Client {
    let services = Services {
        handler: Arc::new(sl_rpc::Router::new()),
        authenticator: None,
        join: None,
    };
    let endpoint = Endpoint::node(
        Options::new("127.0.0.1:0".parse().unwrap()),
        &ca.issue_node("client").unwrap(),
        services,
    )
    .unwrap();
    Client::new(endpoint, addrs.clone())
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
    let dir = tempfile::tempdir().unwrap();
    let cluster = LocalCluster::start(&ca, dir.path(), 3, &Policy::tags_only()).unwrap();
    let addrs = cluster.addrs.clone();
    let client = client(&ca, &addrs);
    const SUBMISSIONS: u64 = 40;
    let mut crashed = None;
    for request in 0..SUBMISSIONS {
        if request == 15 {
            let leader = client
                .status(1)
                .await
                .and_then(|s| s.leader)
                .expect("a leader after 15 commits");
            cluster.crash(leader).await;
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
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leader_expires_a_lease_whose_deadline_passed() {
    use sl_coordinator::NodeId;
    let ca = ClusterCa::generate("coordinator").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cluster = LocalCluster::start(&ca, dir.path(), 3, &Policy::tags_only()).unwrap();
    let client = client(&ca, &cluster.addrs);
    client.propose(&submit(1)).await.unwrap();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let Reply::Leases(grants) = client
        .propose(&Command::Acquire {
            node: NodeId(9),
            max: 1,
            now_ms,
            lease_ms: 300,
        })
        .await
        .unwrap()
    else {
        panic!("no leases")
    };
    assert_eq!(grants.len(), 1);
    // Only the leader has certainly applied the Acquire when the reply arrives (followers may
    // lag), so every check below asks the leader.
    let leader = client.status(1).await.unwrap().leader.expect("a leader");
    let leased = client.status(leader).await.unwrap();
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
        - now_ms;
    if elapsed < 300 {
        assert_eq!(leased.ready, 0, "leased, so not ready");
    }
    // Nobody renews: the leader must expire the lease and the task must become ready again.
    let mut ready = 0;
    for _ in 0..100 {
        ready = client.status(leader).await.map_or(0, |s| s.ready);
        if ready == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(ready, 1, "the expired task is ready for another worker");
    cluster.shutdown().await;
}
