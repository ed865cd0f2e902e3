//! Three coordinator replicas on loopback over real QUIC (mutual TLS) and RocksDB, in one process:
//! the leader crashes in the middle of a stream of submissions; a new leader takes over and every
//! acknowledged submission is in the state exactly once; followers take proposals (forwarded to the
//! leader) and serve linearizable reads; the leader expires leases and holds calls that would
//! block. Whole replica processes killed with SIGKILL are in `processes.rs`.

use std::sync::Arc;
use std::time::Duration;

use sl_coordinator::local::LocalCluster;
use sl_coordinator::machine::{Call, Checkpoint, Command, Grant, Reply, TaskCall};
use sl_coordinator::query::{Answer, Query};
use sl_coordinator::service::{Client, Empty, GetStatus, Proposal, Propose, ProposeOutcome, Role};
use sl_coordinator::{NodeId, Seq};
use sl_labels::{Lattice, Policy};
use sl_rpc::endpoint::{Endpoint, Options, Services};
use sl_rpc::pki::ClusterCa;

/// A client that calls the cluster as a node would (mutual TLS under the same CA).
fn client(ca: &ClusterCa, addrs: &std::collections::BTreeMap<u64, std::net::SocketAddr>) -> Client {
    sl_coordinator::local::node_client(ca, "client", addrs.clone()).unwrap()
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

/// A node endpoint of this test's own, to call replicas directly.
fn direct_endpoint(ca: &ClusterCa, name: &str) -> Endpoint {
    Endpoint::node(
        Options::new("127.0.0.1:0".parse().unwrap()),
        &ca.issue_node(name).unwrap(),
        Services {
            handler: Arc::new(sl_rpc::Router::new()),
            authenticator: None,
            join: None,
        },
    )
    .unwrap()
}

async fn leader_and_follower(client: &Client) -> (u64, u64) {
    for _ in 0..200 {
        if let Some(status) = client.status(1).await
            && let Some(leader) = status.leader
        {
            let follower = (1..=3).find(|id| *id != leader).unwrap();
            return (leader, follower);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no leader");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followers_forward_or_redirect_proposals_and_serve_linearizable_reads() {
    let ca = ClusterCa::generate("coordinator").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cluster = LocalCluster::start(&ca, dir.path(), 3, &Policy::tags_only()).unwrap();
    let client = client(&ca, &cluster.addrs);
    client.propose(&submit(0)).await.unwrap();
    let (leader, follower) = leader_and_follower(&client).await;
    let endpoint = direct_endpoint(&ca, "direct");
    let follower_addr = cluster.addrs[&follower];
    assert_eq!(
        endpoint
            .call::<GetStatus>(follower_addr, &Empty {})
            .await
            .unwrap()
            .role,
        Role::Voter
    );
    for request in 1..=20 {
        // Sent to a follower, applied by the leader's log, answered by the follower.
        let outcome = endpoint
            .call::<Propose>(
                follower_addr,
                &Proposal {
                    command: submit(request),
                    forward: true,
                },
            )
            .await
            .unwrap();
        let ProposeOutcome::Applied(Reply::Submitted { job, .. }) = outcome else {
            panic!("a follower forwards to leader {leader}: {outcome:?}")
        };
        // Read-your-writes on the *other* follower, through ReadIndex.
        let other = (1..=3).find(|id| *id != leader && *id != follower).unwrap();
        let reader = self::client(
            &ca,
            &std::collections::BTreeMap::from([(other, cluster.addrs[&other])]),
        );
        let answer = reader.read(&Query::Job(job)).await.unwrap();
        assert!(
            matches!(answer, Answer::Job(Some(_))),
            "request {request}: {answer:?}"
        );
    }
    // Unless asked to forward, a follower sends the caller to the leader (named, with its
    // address) and proposes nothing; a client that knows only the follower follows it there.
    let outcome = endpoint
        .call::<Propose>(
            follower_addr,
            &Proposal {
                command: submit(100),
                forward: false,
            },
        )
        .await
        .unwrap();
    let ProposeOutcome::Redirect {
        leader: Some(named),
        addr: Some(addr),
    } = outcome
    else {
        panic!("a follower redirects: {outcome:?}")
    };
    assert_eq!(named, leader);
    assert_eq!(
        addr.parse::<std::net::SocketAddr>().unwrap(),
        cluster.addrs[&leader]
    );
    let only_follower = self::client(
        &ca,
        &std::collections::BTreeMap::from([(follower, follower_addr)]),
    );
    let Reply::Submitted { job, .. } = only_follower.propose(&submit(100)).await.unwrap() else {
        panic!("submitted through the redirect")
    };
    let Reply::Submitted { job: again, .. } = client.propose(&submit(100)).await.unwrap() else {
        panic!("the same request again")
    };
    assert_eq!(job, again, "the redirected proposal was applied once");
    cluster.shutdown().await;
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

async fn lease_one(client: &Client) -> Grant {
    let Reply::Leases(mut grants) = client
        .propose(&Command::Acquire {
            node: NodeId(1),
            max: 1,
            now_ms: unix_ms(),
            lease_ms: 60_000,
        })
        .await
        .unwrap()
    else {
        panic!("no leases")
    };
    grants.pop().expect("a ready task")
}

fn task_call(grant: &Grant, seq: u64, call: Call) -> Command {
    Command::Call(TaskCall {
        task: grant.task,
        epoch: grant.epoch,
        seq: Seq(seq),
        checkpoint: Checkpoint::Inline(vec![seq as u8]),
        call,
        output: String::new(),
        children: Vec::new(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leader_holds_a_wait_until_the_future_resolves_within_its_budget() {
    let ca = ClusterCa::generate("coordinator").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cluster = LocalCluster::start(&ca, dir.path(), 3, &Policy::tags_only()).unwrap();
    let client = Arc::new(client(&ca, &cluster.addrs));
    client.propose(&submit(1)).await.unwrap();
    let parent = lease_one(&client).await;
    let Reply::Spawned(child) = client
        .propose(&task_call(
            &parent,
            0,
            Call::Spawn {
                function: "child".into(),
                args: vec![],
                deps: vec![],
                label: None,
                on_coordinator: false,
            },
        ))
        .await
        .unwrap()
    else {
        panic!("spawn")
    };
    let child_grant = lease_one(&client).await;
    assert_eq!(child_grant.task, child);
    // The parent waits; the child exits 200 ms later. Held by the leader, the wait is answered
    // with the value instead of "would block", and the parent keeps its lease.
    let waiter = {
        let client = client.clone();
        let parent = parent.clone();
        tokio::spawn(async move {
            client
                .propose(&task_call(&parent, 1, Call::Wait { future: child }))
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let exit = client
        .propose(&task_call(
            &child_grant,
            0,
            Call::Exit {
                outcome: Ok(b"42".to_vec()),
            },
        ))
        .await
        .unwrap();
    assert_eq!(exit, Reply::Ok);
    // Answered from applied state once the future resolved: no log entry, no seq taken.
    assert_eq!(waiter.await.unwrap(), Reply::Resolved(Ok(b"42".to_vec())));
    // A wait that outlasts the budget (1 s) is answered "would block": the task gives up its
    // worker and is woken when it can go on.
    let Reply::Spawned(slow) = client
        .propose(&task_call(
            &parent,
            1,
            Call::Spawn {
                function: "slow".into(),
                args: vec![],
                deps: vec![],
                label: None,
                on_coordinator: false,
            },
        ))
        .await
        .unwrap()
    else {
        panic!("spawn")
    };
    // Leased (as a worker would): it runs. Another task then sits ready with no worker to
    // take it — held calls give their workers back so as not to starve it, but not a wait on
    // a task that runs now (that needs no slot to resolve).
    assert_eq!(lease_one(&client).await.task, slow);
    let Reply::Spawned(_starved) = client
        .propose(&task_call(
            &parent,
            2,
            Call::Spawn {
                function: "idle".into(),
                args: vec![],
                deps: vec![],
                label: None,
                on_coordinator: false,
            },
        ))
        .await
        .unwrap()
    else {
        panic!("spawn")
    };
    let started = std::time::Instant::now();
    let reply = client
        .propose(&task_call(&parent, 3, Call::Wait { future: slow }))
        .await
        .unwrap();
    assert_eq!(reply, Reply::WouldBlock);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "held for its budget first, though a task starved: the awaited one runs"
    );
    cluster.shutdown().await;
}

/// Raw proposals name their own labels, so only nodes and the admin may send them; another user's
/// valid token is refused with "forbidden".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_nodes_and_the_admin_may_propose_directly() {
    use sl_coordinator::machine::Limits;
    use sl_coordinator::replica::{Replica, Timing};
    use sl_coordinator::service::{self, Driver};
    use sl_rpc::endpoint::StaticTokens;
    let ca = ClusterCa::generate("auth").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let replica = Replica::open(
        1,
        &[1],
        dir.path(),
        Policy::tags_only(),
        Limits::default(),
        &Timing::default(),
    )
    .unwrap();
    let (driver, inbox) = Driver::channel();
    let tokens = StaticTokens(
        [
            ("user-token".to_owned(), "alice".to_owned()),
            (
                "admin-token".to_owned(),
                service::ADMIN_PRINCIPAL.to_owned(),
            ),
        ]
        .into_iter()
        .collect(),
    );
    let endpoint = Endpoint::node(
        Options::new("127.0.0.1:0".parse().unwrap()),
        &ca.issue_node("replica-1").unwrap(),
        Services {
            handler: Arc::new(service::routes(sl_rpc::Router::new(), driver.clone())),
            authenticator: Some(Arc::new(tokens)),
            join: None,
        },
    )
    .unwrap();
    let addr = endpoint.local_addr().unwrap();
    driver.start(
        inbox,
        replica,
        endpoint.clone(),
        Default::default(),
        service::Options::default(),
    );
    let as_user = |token: &str| {
        Endpoint::client(
            Options::new("127.0.0.1:0".parse().unwrap()),
            ca.cert(),
            token,
        )
        .unwrap()
    };
    let proposal = Proposal {
        command: submit(1),
        forward: false,
    };
    let refused = as_user("user-token")
        .call::<Propose>(addr, &proposal)
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("only cluster nodes and the admin"),
        "{refused}"
    );
    let admin = as_user("admin-token");
    let mut applied = false;
    for _ in 0..100 {
        if let Ok(ProposeOutcome::Applied(Reply::Submitted { .. })) =
            admin.call::<Propose>(addr, &proposal).await
        {
            applied = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        applied,
        "the admin's proposal applies once the replica leads"
    );
    let _ = tokio::task::spawn_blocking(move || driver.abort()).await;
    endpoint.close().await;
}

/// A caller waiting for a job's end on a replica (the gateway) is answered when that replica
/// applies the end — on every replica, the leader's and the followers' — and at once for a job
/// that has ended or that the replica does not know.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_for_a_jobs_end_is_answered_when_the_replica_applies_it() {
    let ca = ClusterCa::generate("coordinator").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cluster = LocalCluster::start(&ca, dir.path(), 3, &Policy::tags_only()).unwrap();
    let client = client(&ca, &cluster.addrs);
    let Reply::Submitted { job, .. } = client.propose(&submit(1)).await.unwrap() else {
        panic!("not submitted")
    };
    // Every replica has learnt of the job (a follower may lag the reply).
    for replica in cluster.replicas.values() {
        let mut known = false;
        for _ in 0..100 {
            if let Some(Answer::Job(Some(_))) = replica.driver.read_local(Query::Job(job)).await {
                known = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(known, "a replica never learnt of the job");
    }
    let waits: Vec<_> = cluster
        .replicas
        .values()
        .map(|r| {
            let driver = r.driver.clone();
            tokio::spawn(async move { driver.job_ended(job).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        waits.iter().all(|w| !w.is_finished()),
        "answered before the job ended"
    );
    let root = lease_one(&client).await;
    let exit = Call::Exit {
        outcome: Ok(vec![42]),
    };
    assert_eq!(
        client.propose(&task_call(&root, 0, exit)).await.unwrap(),
        Reply::Ok
    );
    for wait in waits {
        let answer = tokio::time::timeout(Duration::from_secs(10), wait)
            .await
            .expect("answered once the end applied")
            .unwrap();
        match answer {
            Some(Answer::Job(Some(view))) => assert_eq!(view.outcome, Some(Ok(vec![42]))),
            other => panic!("{other:?}"),
        }
    }
    // Ended, or unknown: at once.
    let driver = &cluster.replicas.values().next().unwrap().driver;
    let again = tokio::time::timeout(Duration::from_secs(1), driver.job_ended(job)).await;
    assert!(matches!(again, Ok(Some(Answer::Job(Some(_))))));
    let unknown = tokio::time::timeout(
        Duration::from_secs(1),
        driver.job_ended(sl_coordinator::JobId(job.0 + 1000)),
    )
    .await;
    assert!(matches!(unknown, Ok(Some(Answer::Job(None)))));
    cluster.shutdown().await;
}

/// Drops UDP from one local port to another while it lives (nftables), so a client can be cut
/// off from the leader while the replicas still reach each other.
struct Cut {
    table: String,
}

impl Cut {
    fn new(from_port: u16, to_port: u16) -> Cut {
        let table = format!("sl_test_cut_{}_{from_port}", std::process::id());
        let script = format!(
            "add table inet {table}\n\
             add chain inet {table} out {{ type filter hook output priority 0; policy accept; }}\n\
             add rule inet {table} out udp sport {from_port} udp dport {to_port} drop\n"
        );
        let status = std::process::Command::new("nft")
            .args(["-f", "-"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(script.as_bytes())?;
                child.wait()
            })
            .expect("nft runs (as root)");
        assert!(status.success(), "nft refused the rule");
        Cut { table }
    }
}

impl Drop for Cut {
    fn drop(&mut self) {
        let _ = std::process::Command::new("nft")
            .args(["delete", "table", "inet", &self.table])
            .status();
    }
}

/// A client that cannot reach the leader (its packets to it are dropped) is redirected there by
/// a follower, finds it unreachable, and then asks a follower to forward: the proposal applies
/// once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_cut_off_from_the_leader_proposes_through_a_follower() {
    let ca = ClusterCa::generate("coordinator").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cluster = LocalCluster::start(&ca, dir.path(), 3, &Policy::tags_only()).unwrap();
    let admin = client(&ca, &cluster.addrs);
    admin.propose(&submit(0)).await.unwrap();
    let (leader, _) = leader_and_follower(&admin).await;
    let endpoint = direct_endpoint(&ca, "cut-off");
    let port = endpoint.local_addr().unwrap().port();
    let cut = Cut::new(port, cluster.addrs[&leader].port());
    let cut_off = Client::new(endpoint, cluster.addrs.clone());
    let Reply::Submitted { job, .. } = cut_off.propose(&submit(7)).await.unwrap() else {
        panic!("submitted through a follower")
    };
    drop(cut);
    let Reply::Submitted { job: again, .. } = admin.propose(&submit(7)).await.unwrap() else {
        panic!("the same request again")
    };
    assert_eq!(job, again, "applied once");
    cluster.shutdown().await;
}

/// A node's raft messages are checked before raft-rs sees them: a proposal with no entries
/// (raft-rs aborts on one) or with a conf change (only the leader proposes those) is a bad
/// request, and the leader goes on serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_raft_proposals_are_refused_and_the_leader_serves_on() {
    use protobuf::Message as _;
    use raft::eraftpb::{Entry, EntryType, Message, MessageType};
    use sl_coordinator::service::{RaftBatch, RaftMessages};
    let ca = ClusterCa::generate("coordinator").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cluster = LocalCluster::start(&ca, dir.path(), 3, &Policy::tags_only()).unwrap();
    let admin = client(&ca, &cluster.addrs);
    admin.propose(&submit(0)).await.unwrap();
    let (leader, follower) = leader_and_follower(&admin).await;
    let endpoint = direct_endpoint(&ca, "hostile");
    let mut empty = Message::default();
    empty.set_msg_type(MessageType::MsgPropose);
    empty.from = follower;
    empty.to = leader;
    let mut conf = empty.clone();
    let mut entry = Entry::default();
    entry.set_entry_type(EntryType::EntryConfChangeV2);
    conf.set_entries(vec![entry].into());
    for hostile in [empty, conf] {
        let refused = endpoint
            .call::<RaftMessages>(
                cluster.addrs[&leader],
                &RaftBatch {
                    messages: vec![hostile.write_to_bytes().unwrap()],
                },
            )
            .await
            .unwrap_err();
        assert!(
            refused.to_string().contains("normal entries only"),
            "{refused}"
        );
    }
    let Reply::Submitted { .. } = admin.propose(&submit(1)).await.unwrap() else {
        panic!("the leader serves on")
    };
    cluster.shutdown().await;
}
