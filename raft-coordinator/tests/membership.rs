//! Membership over real QUIC and RocksDB while a client keeps submitting: grow 1 → 3 → 5 voters by
//! adding learners that the leader promotes once caught up, remove a voter, replace a dead one.
//! Afterwards every acknowledged submission is present exactly once on every live replica, and a
//! follower's ReadIndex read sees the last one. Refused changes come back as errors.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sl_coordinator::local::LocalCluster;
use sl_coordinator::machine::{Command, Reply};
use sl_coordinator::query::{Answer, Query};
use sl_coordinator::replica::Membership;
use sl_coordinator::service::{self, Client, ClientError, Role};
use sl_labels::{Lattice, Policy};
use sl_rpc::pki::ClusterCa;

fn client(ca: &ClusterCa, addrs: &BTreeMap<u64, std::net::SocketAddr>) -> Client {
    sl_coordinator::local::node_client(ca, "test-client", addrs.clone()).unwrap()
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

/// Polls until replica `at` reports exactly `voters` as voters (bounded).
async fn wait_for_voters(client: &Client, at: u64, voters: &[u64]) {
    let mut last = None;
    for _ in 0..200 {
        if let Some(status) = client.status(at).await {
            if status.voters == voters {
                return;
            }
            last = Some((status.voters, status.learners));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("voters never became {voters:?}; last seen (voters, learners) {last:?}");
}

async fn leader(client: &Client, ids: &[u64]) -> u64 {
    for _ in 0..200 {
        for id in ids {
            if let Some(status) = client.status(*id).await
                && status.role == Role::Leader
            {
                return status.id;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no leader among {ids:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grow_one_to_five_remove_and_replace_while_serving() {
    let ca = ClusterCa::generate("membership").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let options = service::Options {
        voters_wanted: 5,
        ..Default::default()
    };
    let mut cluster =
        LocalCluster::start_with(&ca, dir.path(), 1, &Policy::tags_only(), options).unwrap();
    let admin = client(&ca, &cluster.addrs);

    // A steady stream of submissions for the whole test; each acknowledged one is recorded.
    let stop = Arc::new(AtomicBool::new(false));
    let submitter = {
        let stop = stop.clone();
        let client = client(&ca, &cluster.addrs);
        tokio::spawn(async move {
            let mut acknowledged = BTreeSet::new();
            let mut request = 0u64;
            while !stop.load(Ordering::SeqCst) {
                if let Ok(Reply::Submitted { .. }) = client.propose(&submit(request)).await {
                    acknowledged.insert(request);
                }
                request += 1;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            acknowledged
        })
    };

    // 1 → 3: two learners join; the leader promotes each once it has caught up.
    for id in [2, 3] {
        let member = cluster.start_joiner(id).unwrap();
        admin.learn(id, cluster.addrs[&id]);
        let reply = admin
            .change_membership(&Membership::AddLearner(member))
            .await
            .unwrap();
        assert_eq!(reply, Reply::Ok, "adding learner {id}");
        wait_for_voters(&admin, 1, &(1..=id).collect::<Vec<_>>()).await;
    }
    // 3 → 5.
    for id in [4, 5] {
        let member = cluster.start_joiner(id).unwrap();
        admin.learn(id, cluster.addrs[&id]);
        // A change still settling (the previous promotion) is retried by the client.
        let reply = admin
            .change_membership(&Membership::AddLearner(member.clone()))
            .await
            .unwrap();
        assert_eq!(reply, Reply::Ok, "adding learner {id}");
        wait_for_voters(&admin, 1, &(1..=id).collect::<Vec<_>>()).await;
    }
    for id in 1..=5 {
        let status = admin.status(id).await.unwrap();
        assert_eq!(
            status.members.len(),
            4,
            "replica {id} knows the joiners' records"
        );
    }

    // Refusals are errors, not silent successes.
    let refused = admin.change_membership(&Membership::Promote(42)).await;
    assert!(
        matches!(refused, Err(ClientError::Refused(_))),
        "{refused:?}"
    );
    let refused = admin.change_membership(&Membership::Remove(42)).await;
    assert!(
        matches!(refused, Err(ClientError::Refused(_))),
        "{refused:?}"
    );

    // Remove a live follower.
    let first_leader = leader(&admin, &[1, 2, 3, 4, 5]).await;
    let removed = (1..=5).rev().find(|id| *id != first_leader).unwrap();
    let reply = admin
        .change_membership(&Membership::Remove(removed))
        .await
        .unwrap();
    assert_eq!(reply, Reply::Ok);
    let mut voters: Vec<u64> = (1..=5).filter(|id| *id != removed).collect();
    wait_for_voters(&admin, first_leader, &voters).await;
    cluster.crash(removed).await;

    // A voter dies; remove it and add a replacement, which is promoted in its place.
    let leader_now = leader(&admin, &voters).await;
    let dead = *voters.iter().rev().find(|id| **id != leader_now).unwrap();
    cluster.crash(dead).await;
    let reply = admin
        .change_membership(&Membership::Remove(dead))
        .await
        .unwrap();
    assert_eq!(reply, Reply::Ok);
    voters.retain(|id| *id != dead);
    let replacement = cluster.start_joiner(6).unwrap();
    admin.learn(6, cluster.addrs[&6]);
    let reply = admin
        .change_membership(&Membership::AddLearner(replacement.clone()))
        .await
        .unwrap();
    assert_eq!(reply, Reply::Ok);
    voters.push(6);
    wait_for_voters(&admin, leader_now, &voters).await;

    stop.store(true, Ordering::SeqCst);
    let acknowledged = submitter.await.unwrap();
    assert!(
        acknowledged.len() > 20,
        "calls were served throughout ({} acknowledged)",
        acknowledged.len()
    );
    // A linearizable read on the newest member (a follower) sees the last acknowledged job.
    let last = *acknowledged.last().unwrap();
    let Reply::Submitted { job, .. } = admin.propose(&submit(last)).await.unwrap() else {
        panic!("a resubmission returns the job")
    };
    let reader = client(&ca, &BTreeMap::from([(6, cluster.addrs[&6])]));
    let answer = reader.read(&Query::Job(job)).await.unwrap();
    assert!(matches!(answer, Answer::Job(Some(_))), "{answer:?}");

    // Every live replica holds every acknowledged submission exactly once.
    let mut statuses = Vec::new();
    for _ in 0..100 {
        statuses.clear();
        for id in &voters {
            statuses.push(admin.status(*id).await.unwrap());
        }
        if statuses
            .iter()
            .all(|s| s.applied == statuses[0].applied && s.jobs == statuses[0].jobs)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for status in &statuses {
        assert_eq!(status.applied, statuses[0].applied, "replica {}", status.id);
        // Requests whose answer was lost may also be present; acknowledged ones must be.
        assert!(
            status.jobs >= acknowledged.len() as u64,
            "replica {}",
            status.id
        );
    }
    // Exactly once: resubmitting every acknowledged request creates nothing new.
    let before = statuses[0].jobs;
    for request in &acknowledged {
        let reply = admin.propose(&submit(*request)).await.unwrap();
        assert!(matches!(reply, Reply::Submitted { .. }), "{reply:?}");
    }
    let leader_now = leader(&admin, &voters).await;
    assert_eq!(admin.status(leader_now).await.unwrap().jobs, before);
    cluster.shutdown().await;
}

/// A single replica, driven by hand: raft-rs would drop a second change proposed while one is
/// pending and report success; the replica reports it instead. Invalid changes are refused before
/// the log.
#[test]
fn refused_and_dropped_changes_are_errors() {
    use sl_coordinator::catalog::Member;
    use sl_coordinator::machine::Limits;
    use sl_coordinator::replica::{Error, Replica, Timing};
    let dir = tempfile::tempdir().unwrap();
    let mut replica = Replica::open(
        1,
        &[1],
        dir.path(),
        Policy::tags_only(),
        Limits::default(),
        &Timing::default(),
    )
    .unwrap();
    for _ in 0..40 {
        replica.tick();
        replica.handle_ready().unwrap();
    }
    assert!(replica.is_leader());
    let member = |id| Member {
        id,
        name: format!("n{id}"),
        addr: format!("127.0.0.1:{}", 7000 + id),
        slots: 1,
        storage: true,
    };
    replica
        .propose_membership(1, &Membership::AddLearner(member(2)))
        .unwrap();
    assert!(matches!(
        replica.propose_membership(2, &Membership::AddLearner(member(3))),
        Err(Error::ChangePending)
    ));
    let output = replica.handle_ready().unwrap();
    assert!(
        output.replies.contains(&(1, Reply::Ok)),
        "{:?}",
        output.replies
    );
    assert_eq!(replica.roles().learners, vec![2]);
    assert_eq!(replica.machine().state.members[&2], member(2));
    assert!(matches!(
        replica.propose_membership(3, &Membership::Promote(9)),
        Err(Error::Membership(_))
    ));
    assert!(matches!(
        replica.propose_membership(4, &Membership::Remove(9)),
        Err(Error::Membership(_))
    ));
    assert!(matches!(
        replica.propose_membership(5, &Membership::AddLearner(member(0))),
        Err(Error::Membership(_))
    ));
    // Re-adding a member only updates its record (a retried join).
    let mut moved = member(2);
    moved.addr = "127.0.0.1:9999".into();
    replica
        .propose_membership(6, &Membership::AddLearner(moved.clone()))
        .unwrap();
    replica.handle_ready().unwrap();
    assert_eq!(replica.roles().learners, vec![2]);
    assert_eq!(replica.machine().state.members[&2], moved);
    // Removing the learner, then the last voter (refused).
    replica
        .propose_membership(7, &Membership::Remove(2))
        .unwrap();
    replica.handle_ready().unwrap();
    assert!(replica.roles().learners.is_empty());
    assert!(!replica.machine().state.members.contains_key(&2));
    assert!(matches!(
        replica.propose_membership(8, &Membership::Remove(1)),
        Err(Error::Membership(_))
    ));
}
