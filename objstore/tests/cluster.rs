//! Three (and four) stores in one process over real QUIC and RocksDB: replication, reads with a
//! node down, re-replication after membership changes (copies counted on disk), repair of a
//! corrupt replica, and label filtering.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use sl_labels::{Label, Policy};
use sl_objstore::engine::Engine;
use sl_objstore::placement::{Member, owners};
use sl_objstore::service;
use sl_objstore::store::Store;
use sl_rpc::Router;
use sl_rpc::endpoint::{Endpoint, Options, Services};
use sl_rpc::pki::ClusterCa;
use tokio::sync::watch;

struct Node {
    id: u64,
    endpoint: Endpoint,
    store: Store,
    engine: Arc<Engine>,
    _dir: tempfile::TempDir,
}

struct Cluster {
    ca: ClusterCa,
    nodes: Vec<Node>,
    members: watch::Sender<Vec<Member>>,
    policy: Arc<Policy>,
}

fn policy() -> Arc<Policy> {
    Arc::new(
        Policy::from_toml(
            "photo.toml",
            include_str!("../../examples/photo-policy.toml"),
        )
        .unwrap(),
    )
}

impl Cluster {
    fn new(n: u64) -> Cluster {
        let (members, _) = watch::channel(Vec::new());
        let mut cluster = Cluster {
            ca: ClusterCa::generate("objstore").unwrap(),
            nodes: Vec::new(),
            members,
            policy: policy(),
        };
        for _ in 0..n {
            cluster.add_node();
        }
        cluster.publish(&cluster.nodes.iter().map(|n| n.id).collect::<Vec<_>>());
        cluster
    }

    fn add_node(&mut self) -> u64 {
        let id = self.nodes.len() as u64 + 1;
        let dir = tempfile::tempdir().unwrap();
        let engine = Arc::new(Engine::open(dir.path()).unwrap());
        let services = Services {
            handler: Arc::new(service::routes(Router::new(), engine.clone())),
            authenticator: None,
            join: None,
        };
        let identity = self.ca.issue_node(&format!("n{id}")).unwrap();
        let endpoint = Endpoint::node(
            Options::new("127.0.0.1:0".parse().unwrap()),
            &identity,
            services,
        )
        .unwrap();
        let store = Store::new(
            id,
            engine.clone(),
            endpoint.clone(),
            self.members.subscribe(),
            2,
            self.policy.clone(),
        );
        self.nodes.push(Node {
            id,
            endpoint,
            store,
            engine,
            _dir: dir,
        });
        id
    }

    fn publish(&self, ids: &[u64]) {
        let members = self
            .nodes
            .iter()
            .filter(|n| ids.contains(&n.id))
            .map(|n| Member {
                id: n.id,
                addr: n.endpoint.local_addr().unwrap(),
            })
            .collect();
        self.members.send_replace(members);
    }

    fn node(&self, id: u64) -> &Node {
        &self.nodes[id as usize - 1]
    }

    /// Copies of `key` on disk, by node id.
    fn holders(&self, key: &[u8], among: &[u64]) -> Vec<u64> {
        self.nodes
            .iter()
            .filter(|n| among.contains(&n.id) && n.engine.meta(key).unwrap().is_some())
            .map(|n| n.id)
            .collect()
    }

    fn label(&self, text: &str) -> Label {
        self.policy.parse_label(text).unwrap()
    }
}

fn key(i: usize) -> Vec<u8> {
    format!("job7/object-{i:03}").into_bytes()
}

fn value(i: usize) -> Bytes {
    Bytes::from(vec![(i % 256) as u8; 1000 + i * 37])
}

const OBJECTS: usize = 40;

async fn fill(cluster: &Cluster, from: u64) {
    let public = cluster.label("public");
    for i in 0..OBJECTS {
        cluster
            .node(from)
            .store
            .put(&key(i), value(i), &public)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_live_on_exactly_their_r_owners_and_read_from_anywhere() {
    let cluster = Cluster::new(3);
    fill(&cluster, 1).await;
    let all = [1, 2, 3];
    let members = cluster.members.borrow().clone();
    for i in 0..OBJECTS {
        let mut expected: Vec<u64> = owners(&members, &key(i), 2).iter().map(|m| m.id).collect();
        expected.sort();
        assert_eq!(cluster.holders(&key(i), &all), expected, "object {i}");
        for node in &cluster.nodes {
            let object = node
                .store
                .get(&key(i), &cluster.label("owner"))
                .await
                .unwrap()
                .expect("readable everywhere");
            assert_eq!(&object.bytes[..], &value(i)[..]);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_node_loses_nothing_and_re_replication_restores_r_copies() {
    let mut cluster = Cluster::new(3);
    fill(&cluster, 1).await;
    cluster.node(3).endpoint.close().await;
    let reader = cluster.label("owner");
    for i in 0..OBJECTS {
        for id in [1, 2] {
            let object = cluster.node(id).store.get(&key(i), &reader).await.unwrap();
            assert_eq!(
                &object.expect("still readable with node 3 down").bytes[..],
                &value(i)[..]
            );
        }
    }
    // Node 3 is removed for good and node 4 joins: every object must again have 2 copies among
    // the live nodes, on exactly its new owners.
    let four = cluster.add_node();
    cluster.publish(&[1, 2, four]);
    for id in [1, 2, four] {
        cluster.node(id).store.rebalance(false).await.unwrap();
    }
    let members = cluster.members.borrow().clone();
    for i in 0..OBJECTS {
        let mut expected: Vec<u64> = owners(&members, &key(i), 2).iter().map(|m| m.id).collect();
        expected.sort();
        assert_eq!(
            cluster.holders(&key(i), &[1, 2, four]),
            expected,
            "object {i} after re-replication"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn puts_with_an_owner_down_still_make_r_durable_copies_and_stay_readable() {
    let cluster = Cluster::new(3);
    cluster.node(3).endpoint.close().await;
    let label = cluster.label("owner");
    let started = std::time::Instant::now();
    for i in 0..OBJECTS {
        // Every key whose owners include node 3 goes to the other two instead.
        cluster
            .node(1)
            .store
            .put(&key(i), value(i), &label)
            .await
            .unwrap_or_else(|e| panic!("put {i} with node 3 down: {e}"));
    }
    for i in 0..OBJECTS {
        assert_eq!(cluster.holders(&key(i), &[1, 2]), vec![1, 2], "object {i}");
        let object = cluster.node(2).store.get(&key(i), &label).await.unwrap();
        assert_eq!(&object.expect("readable").bytes[..], &value(i)[..]);
    }
    // Only the first put waits for the dead node; the rest skip it while it is suspect.
    eprintln!(
        "{OBJECTS} puts with an owner down: {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    // With two of three nodes down, R = 2 copies cannot be made: an error, not a hang.
    cluster.node(2).endpoint.close().await;
    assert!(
        cluster
            .node(1)
            .store
            .put(b"lonely", Bytes::from_static(b"x"), &label)
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaving_node_hands_its_objects_off() {
    let cluster = Cluster::new(3);
    fill(&cluster, 2).await;
    cluster.publish(&[1, 2]);
    let report = cluster.node(3).store.rebalance(true).await.unwrap();
    assert!(
        report.dropped > 0,
        "node 3 held objects and dropped them after handing off"
    );
    for i in 0..OBJECTS {
        assert_eq!(
            cluster.holders(&key(i), &[1, 2]).len(),
            2,
            "object {i} has R copies on the remaining nodes"
        );
        assert!(cluster.holders(&key(i), &[3]).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_replica_is_served_from_a_good_copy_and_repaired() {
    let cluster = Cluster::new(3);
    fill(&cluster, 1).await;
    let members = cluster.members.borrow().clone();
    let victim = owners(&members, &key(5), 2)[0].id;
    cluster
        .node(victim)
        .engine
        .damage_for_test(&key(5))
        .unwrap();
    assert!(cluster.node(victim).engine.get(&key(5)).is_err());
    let object = cluster
        .node(victim)
        .store
        .get(&key(5), &cluster.label("owner"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&object.bytes[..], &value(5)[..]);
    // Repair runs in the background; give it a bounded number of chances.
    for _ in 0..50 {
        if cluster.node(victim).engine.get(&key(5)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        &cluster
            .node(victim)
            .engine
            .get(&key(5))
            .unwrap()
            .unwrap()
            .bytes[..],
        &value(5)[..]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_above_the_reader_are_indistinguishable_from_missing_ones() {
    let cluster = Cluster::new(3);
    let store = &cluster.node(1).store;
    store
        .put(
            b"cards/visa",
            Bytes::from_static(b"4111"),
            &cluster.label("client1CC"),
        )
        .await
        .unwrap();
    store
        .put(
            b"cards/public",
            Bytes::from_static(b"hello"),
            &cluster.label("public"),
        )
        .await
        .unwrap();
    for reader in ["client1CC", "ccCompany", "top"] {
        assert!(
            store
                .get(b"cards/visa", &cluster.label(reader))
                .await
                .unwrap()
                .is_some(),
            "{reader} may read"
        );
    }
    for reader in ["client1", "owner", "public"] {
        assert!(
            store
                .get(b"cards/visa", &cluster.label(reader))
                .await
                .unwrap()
                .is_none(),
            "{reader} must see nothing"
        );
        assert!(
            store
                .get(b"cards/missing", &cluster.label(reader))
                .await
                .unwrap()
                .is_none()
        );
    }
    assert_eq!(
        store
            .list(b"cards/", &cluster.label("owner"), 100)
            .await
            .unwrap(),
        vec![b"cards/public".to_vec()]
    );
    assert_eq!(
        store
            .list(b"cards/", &cluster.label("top"), 100)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store.delete_prefix(b"cards/").await.unwrap(),
        4,
        "two objects, two replicas each"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_node_silent_absence_is_not_claimed_and_hidden_objects_still_look_missing() {
    let cluster = Cluster::new(3);
    let store = &cluster.node(1).store;
    store
        .put(
            b"doc",
            Bytes::from_static(b"v"),
            &cluster.label("client1CC"),
        )
        .await
        .unwrap();
    // Every node answered: absence is known.
    assert!(
        store
            .get(b"never-written", &cluster.label("public"))
            .await
            .unwrap()
            .is_none()
    );
    cluster.node(3).endpoint.close().await;
    // Node 3 may hold the only copies (a put whose owner was down goes to the next node): a read
    // that found nothing must not say "absent".
    let missing = store.get(b"never-written", &cluster.label("public")).await;
    assert!(
        matches!(
            missing,
            Err(sl_objstore::store::Error::Inconclusive { unanswered: 1, .. })
        ),
        "{:?}",
        missing.map(|o| o.is_some())
    );
    // A hidden object gives the same answer as a missing one, even now.
    let hidden = store.get(b"doc", &cluster.label("public")).await;
    assert!(
        matches!(
            hidden,
            Err(sl_objstore::store::Error::Inconclusive { unanswered: 1, .. })
        ),
        "{:?}",
        hidden.map(|o| o.is_some())
    );
    // The object itself is still served to whoever may see it.
    let seen = store.get(b"doc", &cluster.label("top")).await.unwrap();
    assert_eq!(&seen.expect("readable").bytes[..], b"v");
    // A reader at a label of a policy newer than the node's copy is told so, not "absent".
    let newer = sl_labels::Label::at(sl_labels::Level(200));
    assert!(matches!(
        store.get(b"doc", &newer).await,
        Err(sl_objstore::store::Error::PolicyBehind(_))
    ));
}

/// A leaving node whose hand-off meets a dead owner keeps every copy the dead owner was to
/// receive, and finishes the rest (keys move concurrently; a dead owner is skipped for the rest of
/// the pass once it failed to answer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_off_past_a_dead_owner_is_quick_and_keeps_its_copies() {
    let mut cluster = Cluster::new(3);
    cluster.add_node();
    cluster.publish(&[1, 2, 3, 4]);
    fill(&cluster, 3).await;
    let held: Vec<usize> = (0..OBJECTS)
        .filter(|&i| cluster.holders(&key(i), &[3]) == vec![3])
        .collect();
    assert!(!held.is_empty());
    cluster.node(4).endpoint.close().await;
    cluster.publish(&[1, 2, 4]);
    let started = std::time::Instant::now();
    let report = cluster.node(3).store.rebalance(true).await.unwrap();
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(20),
        "{OBJECTS} keys took {took:?} past one dead owner"
    );
    let members = cluster.members.borrow().clone();
    for &i in &held {
        let owners: Vec<u64> = owners(&members, &key(i), 2).iter().map(|o| o.id).collect();
        if owners.contains(&4) {
            assert_eq!(
                cluster.holders(&key(i), &[3]),
                vec![3],
                "object {i}: its new owner 4 is dead, so node 3 keeps its copy"
            );
        }
    }
    assert!(report.dropped < OBJECTS, "{report:?}");
}
