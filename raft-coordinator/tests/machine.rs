//! The state machine against its invariants: at most once per (task, seq) under replays, fencing of
//! stale epochs, blocking and wake-ups, bounded queues (and rendezvous), label rules, limits,
//! snapshots, and determinism of random histories replayed with duplicates and stale calls.

use proptest::prelude::*;
use sl_coordinator::in_place::{IDS_FIRST_BLOCK, IDS_PER_BLOCK, RanInPlace};
use sl_coordinator::machine::{Answered, Grant, Outcome, State};
use sl_coordinator::*;
use sl_labels::{Label, Lattice, Policy};

fn policy() -> Policy {
    Policy::from_toml("p.toml", "[lattice]\norder = [\"public < secret\"]\n").unwrap()
}

struct World {
    m: Machine,
    /// Leases granted but not yet handed to a test step.
    granted: std::collections::BTreeMap<TaskId, Grant>,
}

impl World {
    fn new() -> World {
        World {
            m: Machine::new(policy(), Limits::default()),
            granted: Default::default(),
        }
    }

    fn label(&self, text: &str) -> Label {
        policy().parse_label(text).unwrap()
    }

    fn submit(&mut self, label: &str) -> TaskId {
        let label = self.label(label);
        match self.m.apply(&Command::SubmitJob {
            request: self.m.state.next_job,
            label,
            function: "main".into(),
            args: vec![],
            options: Default::default(),
        }) {
            Reply::Submitted { root, .. } => root,
            other => panic!("{other:?}"),
        }
    }

    fn acquire(&mut self, max: u32) -> Vec<Grant> {
        match self.m.apply(&Command::Acquire {
            node: NodeId(1),
            max,
            now_ms: 0,
            lease_ms: 1000,
        }) {
            Reply::Leases(grants) => grants,
            other => panic!("{other:?}"),
        }
    }

    fn lease(&mut self, task: TaskId) -> Grant {
        for grant in self.acquire(1000) {
            self.granted.insert(grant.task, grant);
        }
        self.granted
            .remove(&task)
            .unwrap_or_else(|| panic!("{task:?} was not ready"))
    }

    fn call(&mut self, grant: &Grant, seq: u64, call: Call) -> Reply {
        self.m.apply(&Command::Call(TaskCall {
            task: grant.task,
            epoch: grant.epoch,
            seq: Seq(seq),
            checkpoint: Checkpoint::Inline(vec![seq as u8]),
            call,
            output: String::new(),
            children: Vec::new(),
        }))
    }
}

fn spawn(function: &str) -> Call {
    Call::Spawn {
        function: function.into(),
        args: vec![],
        deps: vec![],
        label: None,
        on_coordinator: false,
    }
}

fn exit(bytes: &[u8]) -> Call {
    Call::Exit {
        outcome: Ok(bytes.to_vec()),
    }
}

#[test]
fn spawn_wait_and_exit_flow_through_leases() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let Reply::Spawned(child) = w.call(&g, 0, spawn("fib")) else {
        panic!()
    };
    assert_eq!(
        w.call(&g, 1, Call::Wait { future: child }),
        Reply::WouldBlock
    );
    assert_eq!(w.m.state.tasks[&root].status, Status::Blocked);
    assert!(
        w.m.state.tasks[&root].lease.is_none(),
        "a blocked task gives its worker back"
    );
    let c = w.lease(child);
    assert_eq!(w.call(&c, 0, exit(b"8")), Reply::Ok);
    // The root is ready again, re-leased under a new epoch, and re-issues the same call.
    let g2 = w.lease(root);
    assert!(g2.epoch > g.epoch);
    assert_eq!(
        g2.checkpoint,
        Checkpoint::Inline(vec![1]),
        "resumes from the checkpoint taken before the wait"
    );
    assert_eq!(
        w.call(&g2, 1, Call::Wait { future: child }),
        Reply::Value(Ok(b"8".to_vec()))
    );
    assert_eq!(w.call(&g2, 2, exit(b"done")), Reply::Ok);
    assert_eq!(w.m.state.jobs.values().next().unwrap().status, Status::Done);
}

#[test]
fn retries_get_the_recorded_reply_and_change_nothing() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let first = w.call(&g, 0, spawn("child"));
    let after_first = w.m.snapshot().unwrap();
    for _ in 0..5 {
        assert_eq!(w.call(&g, 0, spawn("child")), first);
    }
    assert_eq!(
        w.m.snapshot().unwrap(),
        after_first,
        "a replayed spawn spawns nothing"
    );
    assert_eq!(
        w.call(&g, 5, Call::Checkpoint),
        Reply::Rejected(Reject::SeqGap { expected: Seq(1) })
    );
    w.call(&g, 1, Call::Checkpoint);
    assert_eq!(
        w.call(&g, 0, spawn("child")),
        Reply::Rejected(Reject::SeqTooOld)
    );
}

#[test]
fn calls_under_a_stale_epoch_are_fenced() {
    let mut w = World::new();
    let root = w.submit("public");
    let old = w.lease(root);
    assert_eq!(
        w.m.apply(&Command::Expire {
            task: root,
            epoch: old.epoch
        }),
        Reply::Ok
    );
    assert_eq!(w.m.state.tasks[&root].resumes, 1);
    let new = w.lease(root);
    let before = w.m.snapshot().unwrap();
    for call in [
        spawn("x"),
        exit(b"zombie"),
        Call::CreateQueue {
            capacity: 1,
            label: None,
        },
    ] {
        assert_eq!(w.call(&old, 0, call), Reply::Rejected(Reject::StaleEpoch));
    }
    assert_eq!(
        w.m.apply(&Command::Expire {
            task: root,
            epoch: old.epoch
        }),
        Reply::Rejected(Reject::StaleEpoch)
    );
    assert_eq!(
        w.m.snapshot().unwrap(),
        before,
        "the fenced worker changed nothing"
    );
    assert!(matches!(w.call(&new, 0, spawn("x")), Reply::Spawned(_)));
}

#[test]
fn bounded_queues_block_both_ways_and_keep_fifo_order() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let Reply::Queue(q) = w.call(
        &g,
        0,
        Call::CreateQueue {
            capacity: 2,
            label: None,
        },
    ) else {
        panic!()
    };
    let Reply::Spawned(consumer) = w.call(&g, 1, spawn("consumer")) else {
        panic!()
    };
    assert_eq!(
        w.call(
            &g,
            2,
            Call::Enqueue {
                queue: q,
                item: b"a".to_vec()
            }
        ),
        Reply::Ok
    );
    assert_eq!(
        w.call(
            &g,
            3,
            Call::Enqueue {
                queue: q,
                item: b"b".to_vec()
            }
        ),
        Reply::Ok
    );
    assert_eq!(
        w.call(
            &g,
            4,
            Call::Enqueue {
                queue: q,
                item: b"c".to_vec()
            }
        ),
        Reply::WouldBlock,
        "full"
    );
    let c = w.lease(consumer);
    assert_eq!(
        w.call(&c, 0, Call::Dequeue { queue: q }),
        Reply::Item(b"a".to_vec())
    );
    assert!(
        w.m.state.ready.contains(&root),
        "taking an item wakes the blocked producer"
    );
    let g2 = w.lease(root);
    assert_eq!(
        w.call(
            &g2,
            4,
            Call::Enqueue {
                queue: q,
                item: b"c".to_vec()
            }
        ),
        Reply::Ok
    );
    assert_eq!(
        w.call(&c, 1, Call::Dequeue { queue: q }),
        Reply::Item(b"b".to_vec())
    );
    assert_eq!(
        w.call(&c, 2, Call::Dequeue { queue: q }),
        Reply::Item(b"c".to_vec())
    );
    assert_eq!(
        w.call(&c, 3, Call::Dequeue { queue: q }),
        Reply::WouldBlock,
        "empty"
    );
}

#[test]
fn a_rendezvous_enqueue_completes_only_when_the_item_is_taken() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let Reply::Queue(q) = w.call(
        &g,
        0,
        Call::CreateQueue {
            capacity: 0,
            label: None,
        },
    ) else {
        panic!()
    };
    let Reply::Spawned(consumer) = w.call(&g, 1, spawn("consumer")) else {
        panic!()
    };
    assert_eq!(
        w.call(
            &g,
            2,
            Call::Enqueue {
                queue: q,
                item: b"ping".to_vec()
            }
        ),
        Reply::WouldBlock
    );
    assert!(!w.m.state.ready.contains(&root));
    let c = w.lease(consumer);
    assert_eq!(
        w.call(&c, 0, Call::Dequeue { queue: q }),
        Reply::Item(b"ping".to_vec())
    );
    let g2 = w.lease(root);
    assert_eq!(
        w.call(
            &g2,
            2,
            Call::Enqueue {
                queue: q,
                item: b"ping".to_vec()
            }
        ),
        Reply::Ok,
        "the handoff happened"
    );
    assert!(
        w.m.state.queues[&q].items.is_empty(),
        "the item was not enqueued twice"
    );
}

#[test]
fn spawned_tasks_with_futures_start_after_them_and_receive_their_values() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let Reply::Spawned(a) = w.call(&g, 0, spawn("a")) else {
        panic!()
    };
    let Reply::Spawned(b) = w.call(&g, 1, spawn("b")) else {
        panic!()
    };
    let Reply::Spawned(sum) = w.call(
        &g,
        2,
        Call::Spawn {
            function: "sum".into(),
            args: vec![],
            deps: vec![a, b],
            label: None,
            on_coordinator: false,
        },
    ) else {
        panic!()
    };
    assert!(!w.m.state.ready.contains(&sum));
    let ga = w.lease(a);
    w.call(&ga, 0, exit(b"2"));
    assert!(
        !w.m.state.ready.contains(&sum),
        "one dependency is not enough"
    );
    let gb = w.lease(b);
    w.call(&gb, 0, exit(b"3"));
    let gs = w.lease(sum);
    assert_eq!(
        gs.dep_values,
        vec![Ok::<_, String>(b"2".to_vec()), Ok(b"3".to_vec())] as Vec<Outcome>
    );
}

#[test]
fn labels_decide_what_tasks_may_send_see_and_wait_on() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let secret = w.label("secret");
    let Reply::Spawned(high) = w.call(
        &g,
        0,
        Call::Spawn {
            function: "h".into(),
            args: vec![],
            deps: vec![],
            label: Some(secret.clone()),
            on_coordinator: false,
        },
    ) else {
        panic!()
    };
    assert_eq!(
        w.call(&g, 1, Call::Wait { future: high }),
        Reply::Rejected(Reject::FlowDown),
        "a public task may not wait on its secret child (refused at once, whatever it does)"
    );
    let Reply::Queue(secret_q) = w.call(
        &g,
        1,
        Call::CreateQueue {
            capacity: 4,
            label: Some(secret.clone()),
        },
    ) else {
        panic!()
    };
    assert_eq!(
        w.call(
            &g,
            2,
            Call::Enqueue {
                queue: secret_q,
                item: b"up".to_vec()
            }
        ),
        Reply::Ok,
        "writing up is fine"
    );
    assert_eq!(
        w.call(&g, 3, Call::Dequeue { queue: secret_q }),
        Reply::Rejected(Reject::NotFound),
        "reading down is not"
    );
    let Reply::Queue(public_q) = w.call(
        &g,
        3,
        Call::CreateQueue {
            capacity: 4,
            label: None,
        },
    ) else {
        panic!()
    };
    let h = w.lease(high);
    assert_eq!(
        w.call(
            &h,
            0,
            Call::Enqueue {
                queue: public_q,
                item: b"leak".to_vec()
            }
        ),
        Reply::Rejected(Reject::FlowDown)
    );
    assert_eq!(
        w.call(&h, 0, Call::Dequeue { queue: secret_q }),
        Reply::Item(b"up".to_vec())
    );
    assert_eq!(
        w.call(
            &h,
            1,
            Call::Spawn {
                function: "x".into(),
                args: vec![],
                deps: vec![],
                label: Some(w.label("public")),
                on_coordinator: false,
            }
        ),
        Reply::Rejected(Reject::FlowDown)
    );
}

#[test]
fn limits_are_enforced_with_clear_rejections() {
    let mut m = Machine::new(
        policy(),
        Limits {
            tasks_max: 2,
            inline_checkpoint_bytes_max: 8,
            ..Limits::default()
        },
    );
    let label = policy().bottom();
    let Reply::Submitted { root, .. } = m.apply(&Command::SubmitJob {
        request: 0,
        label: label.clone(),
        function: "f".into(),
        args: vec![],
        options: Default::default(),
    }) else {
        panic!()
    };
    let Reply::Leases(grants) = m.apply(&Command::Acquire {
        node: NodeId(1),
        max: 8,
        now_ms: 0,
        lease_ms: 10,
    }) else {
        panic!()
    };
    let g = &grants[0];
    let big = TaskCall {
        task: root,
        epoch: g.epoch,
        seq: Seq(0),
        checkpoint: Checkpoint::Inline(vec![0; 9]),
        output: String::new(),
        children: Vec::new(),
        call: Call::Checkpoint,
    };
    assert!(matches!(
        m.apply(&Command::Call(big)),
        Reply::Rejected(Reject::Limit(_))
    ));
    let spawn = |seq| {
        Command::Call(TaskCall {
            task: root,
            epoch: g.epoch,
            seq: Seq(seq),
            checkpoint: Checkpoint::Initial,
            output: String::new(),
            children: Vec::new(),
            call: Call::Spawn {
                function: "c".into(),
                args: vec![],
                deps: vec![],
                label: None,
                on_coordinator: false,
            },
        })
    };
    assert!(matches!(m.apply(&spawn(0)), Reply::Spawned(_)));
    assert!(matches!(
        m.apply(&spawn(1)),
        Reply::Rejected(Reject::Limit(_))
    ));
}

#[test]
fn snapshots_round_trip_and_hostile_bytes_are_refused() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    w.call(
        &g,
        0,
        Call::CreateQueue {
            capacity: 3,
            label: None,
        },
    );
    let bytes = w.m.snapshot().unwrap();
    let mut copy = Machine::new(policy(), Limits::default());
    copy.restore(&bytes).unwrap();
    assert_eq!(copy.state, w.m.state);
    // Hostile bytes: never a panic; a failed restore leaves the state as it was. (A truncated rkyv
    // buffer may itself be a valid, different archive, so success is possible there.)
    for cut in 0..bytes.len() {
        let mut fresh = Machine::new(policy(), Limits::default());
        let _ = fresh.restore(&bytes[..cut]);
    }
    let before = copy.state.clone();
    assert!(copy.restore(&[0xff; 7]).is_err());
    assert_eq!(copy.state, before);
}

/// A random history: tasks spawn, create queues, enqueue and exit; workers lose leases. The same
/// history is applied once cleanly and once with every call repeated and stale-epoch copies of
/// earlier calls mixed in. Both must end in the same state (invariants 1 and 2).
#[derive(Clone, Debug)]
enum Step {
    Acquire,
    Expire(usize),
    Call(usize, u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![3 => Just(Step::Acquire), 1 => (0usize..8).prop_map(Step::Expire), 8 => (0usize..8, 0u8..6).prop_map(|(t, c)| Step::Call(t, c))]
}

fn run(history: &[Step], noisy: bool, seed: u64) -> State {
    let mut m = Machine::new(policy(), Limits::default());
    m.apply(&Command::SubmitJob {
        request: 0,
        label: policy().bottom(),
        function: "main".into(),
        args: vec![],
        options: Default::default(),
    });
    let mut leases: Vec<Grant> = Vec::new();
    let mut stale: Vec<TaskCall> = Vec::new();
    let mut rng = seed;
    let mut coin = || {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng >> 33).is_multiple_of(4)
    };
    for s in history {
        match s {
            Step::Acquire => {
                if let Reply::Leases(grants) = m.apply(&Command::Acquire {
                    node: NodeId(1),
                    max: 4,
                    now_ms: 0,
                    lease_ms: 100,
                }) {
                    leases.extend(grants);
                }
            }
            Step::Expire(i) => {
                if let Some(g) = leases.get(*i).cloned() {
                    m.apply(&Command::Expire {
                        task: g.task,
                        epoch: g.epoch,
                    });
                }
            }
            Step::Call(i, kind) => {
                let Some(g) = leases.get_mut(*i) else {
                    continue;
                };
                // A task of a job that ended is dropped when another job is submitted.
                let Some(task) = m.state.tasks.get(&g.task) else {
                    leases.remove(*i);
                    continue;
                };
                let call = match kind {
                    0 => Call::Spawn {
                        function: "child".into(),
                        args: vec![],
                        deps: vec![],
                        label: None,
                        on_coordinator: false,
                    },
                    1 => Call::CreateQueue {
                        capacity: 2,
                        label: None,
                    },
                    2 => Call::Enqueue {
                        queue: QueueId(0),
                        item: vec![*kind],
                    },
                    3 => Call::Dequeue { queue: QueueId(0) },
                    4 => Call::Checkpoint,
                    _ => Call::Exit {
                        outcome: Ok(vec![1]),
                    },
                };
                let tc = TaskCall {
                    task: g.task,
                    epoch: g.epoch,
                    seq: task.next_seq,
                    checkpoint: Checkpoint::Inline(vec![task.next_seq.0 as u8]),
                    call,
                    output: String::new(),
                    children: Vec::new(),
                };
                let reply = m.apply(&Command::Call(tc.clone()));
                if noisy {
                    // Retries of the same call, and a replay of an older call from a stale epoch.
                    for _ in 0..2 {
                        let before = m.state.clone();
                        let retry = m.apply(&Command::Call(tc.clone()));
                        if reply == Reply::WouldBlock {
                            // Nothing was recorded and the lease is gone: the retry is fenced.
                            assert_eq!(retry, Reply::Rejected(Reject::StaleEpoch));
                        } else {
                            assert_eq!(retry, reply, "a retry must get the recorded reply");
                        }
                        assert_eq!(m.state, before, "a retry changed state");
                    }
                    // Only calls whose epoch is really superseded: those must change nothing.
                    let superseded = |o: &&TaskCall| {
                        m.state
                            .tasks
                            .get(&o.task)
                            .is_some_and(|t| t.lease.as_ref().map(|l| l.epoch) != Some(o.epoch))
                    };
                    if coin()
                        && let Some(old) = stale.iter().rfind(superseded).cloned()
                    {
                        let before = m.state.clone();
                        m.apply(&Command::Call(old));
                        assert_eq!(
                            m.state, before,
                            "a call under a superseded epoch changed state"
                        );
                    }
                }
                stale.push(tc);
                if !matches!(reply, Reply::Rejected(_))
                    && m.state.tasks.get(&g.task).is_none_or(|t| t.lease.is_none())
                {
                    leases.remove(*i);
                }
            }
        }
    }
    m.state
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn replays_and_stale_calls_leave_state_as_if_each_call_ran_once(history in proptest::collection::vec(step(), 1..80), seed in any::<u64>()) {
        let clean = run(&history, false, seed);
        let noisy = run(&history, true, seed);
        prop_assert_eq!(&clean, &noisy);
        // Determinism down to the bytes a snapshot ships to a lagging follower.
        let again = run(&history, false, seed);
        let bytes = |state: &State| rkyv::to_bytes::<rkyv::rancor::Error>(state).unwrap().to_vec();
        prop_assert_eq!(bytes(&clean), bytes(&again));
    }
}

#[test]
fn a_resubmission_with_the_same_request_key_returns_the_first_job() {
    let mut m = Machine::new(policy(), Limits::default());
    let submit = |request| Command::SubmitJob {
        request,
        label: policy().bottom(),
        function: "main".into(),
        args: vec![],
        options: Default::default(),
    };
    let first = m.apply(&submit(42));
    assert_eq!(m.apply(&submit(42)), first);
    assert_eq!(m.state.jobs.len(), 1);
    assert_ne!(m.apply(&submit(43)), first);
    assert_eq!(m.state.jobs.len(), 2);
}

mod dag_executions {
    use super::*;
    use sl_coordinator::executions::{CHAIN_MAX, ChainCompletion, Child, DagId, NodeGrant};
    use sl_coordinator::matrices::MatrixMeta;

    fn acquire(w: &mut World, max: u32) -> Vec<NodeGrant> {
        match w.m.apply(&Command::DagAcquire {
            node: NodeId(1),
            max,
            now_ms: 0,
            lease_ms: 1000,
        }) {
            Reply::NodeLeases(grants) => grants,
            other => panic!("{other:?}"),
        }
    }

    fn children_of(children: &[(&str, u32)]) -> Vec<Child> {
        children
            .iter()
            .map(|(k, p)| Child {
                key: k.as_bytes().to_vec(),
                parents: *p,
            })
            .collect()
    }

    fn complete(w: &mut World, g: &NodeGrant, children: &[(&str, u32)]) -> Reply {
        w.m.apply(&Command::DagComplete {
            dag: g.dag,
            key: g.key.clone(),
            epoch: g.epoch,
            children: children_of(children),
            flops: 10,
            bytes_remote: 1,
        })
    }

    fn keys(grants: &[NodeGrant]) -> Vec<String> {
        grants
            .iter()
            .map(|g| String::from_utf8(g.key.clone()).unwrap())
            .collect()
    }

    /// a → {b, c} → d: replayed completions count once, a child waits for all its parents, and
    /// the execution is done exactly when every node completed.
    #[test]
    fn parents_count_once_and_children_wait_for_all_of_them() {
        let mut w = World::new();
        let create = Command::DagCreate {
            request: 7,
            program: "diamond".into(),
            label: w.label("public"),
            roots: vec![b"a".to_vec()],
            total: 4,
            outputs: vec![],
        };
        let Reply::Dag(dag) = w.m.apply(&create) else {
            panic!()
        };
        assert_eq!(
            w.m.apply(&create),
            Reply::Dag(dag),
            "creation is idempotent"
        );
        let a = acquire(&mut w, 8);
        assert_eq!(keys(&a), ["a"]);
        assert_eq!(complete(&mut w, &a[0], &[("b", 1), ("c", 1)]), Reply::Ok);
        assert_eq!(
            complete(&mut w, &a[0], &[("b", 1), ("c", 1)]),
            Reply::Rejected(Reject::StaleEpoch),
            "a replay finds no lease"
        );
        let bc = acquire(&mut w, 8);
        assert_eq!(
            keys(&bc),
            ["b", "c"],
            "replaying a's completion adds nothing"
        );
        assert_eq!(complete(&mut w, &bc[0], &[("d", 2)]), Reply::Ok);
        assert_eq!(
            complete(&mut w, &bc[0], &[("d", 2)]),
            Reply::Rejected(Reject::StaleEpoch)
        );
        assert!(acquire(&mut w, 8).is_empty(), "d still waits for c");
        assert_eq!(complete(&mut w, &bc[1], &[("d", 2)]), Reply::Ok);
        let d = acquire(&mut w, 8);
        assert_eq!(keys(&d), ["d"]);
        assert_eq!(w.m.state.dags[&dag].status, Status::Running);
        assert_eq!(
            complete(&mut w, &d[0], &[]),
            Reply::DagDone { replaced: vec![] }
        );
        let done = &w.m.state.dags[&dag];
        assert_eq!(done.status, Status::Done);
        assert_eq!((done.done, done.flops, done.bytes_remote), (4, 40, 4));
        assert!(
            done.ready.is_empty() && done.running.is_empty() && done.counted.is_empty(),
            "an ended execution holds nothing in flight"
        );
    }

    fn complete_chain(
        w: &mut World,
        g: &NodeGrant,
        chain: &[&str],
        children: &[(&str, u32)],
    ) -> Reply {
        complete_asking(w, g, chain, children, 0)
    }

    fn complete_asking(
        w: &mut World,
        g: &NodeGrant,
        chain: &[&str],
        children: &[(&str, u32)],
        acquire: u32,
    ) -> Reply {
        w.m.apply(&Command::DagCompleteChain(Box::new(ChainCompletion {
            dag: g.dag,
            key: g.key.clone(),
            epoch: g.epoch,
            chain: chain.iter().map(|k| k.as_bytes().to_vec()).collect(),
            children: children_of(children),
            flops: 30,
            bytes_remote: 0,
            acquire,
            now_ms: 0,
            lease_ms: 1000,
        })))
    }

    /// A completion that asks for the worker's next node leases it in the same entry — the
    /// node the completion made ready, preferred by that worker, before another ready one — to
    /// the completed lease's holder under a fresh epoch; a refused completion leases nothing;
    /// the completion that ends the execution says so beside its (empty) grants.
    #[test]
    fn a_completion_asking_for_the_next_node_leases_it_in_the_same_entry() {
        let mut w = World::new();
        let Reply::Dag(dag) = w.m.apply(&Command::DagCreate {
            request: 11,
            program: "next".into(),
            label: w.label("public"),
            roots: vec![b"a".to_vec(), b"x".to_vec()],
            total: 3,
            outputs: vec![],
        }) else {
            panic!()
        };
        let a = acquire(&mut w, 1);
        assert_eq!(keys(&a), ["a"]);
        let Reply::DagCompleted {
            replaced: None,
            grants: b,
        } = complete_asking(&mut w, &a[0], &[], &[("b", 1)], 1)
        else {
            panic!("a completion asking for a lease gets DagCompleted")
        };
        assert_eq!(keys(&b), ["b"], "the worker's own ready child before x");
        assert!(b[0].epoch > a[0].epoch);
        assert_eq!(
            w.m.state.dags[&dag].running[b"b".as_slice()].holder,
            NodeId(1)
        );
        let before = w.m.state.dags[&dag].clone();
        assert_eq!(
            complete_asking(&mut w, &a[0], &[], &[("b", 1)], 1),
            Reply::Rejected(Reject::StaleEpoch),
            "a replay leases nothing"
        );
        assert_eq!(w.m.state.dags[&dag], before);
        let Reply::DagCompleted { grants: x, .. } = complete_asking(&mut w, &b[0], &[], &[], 1)
        else {
            panic!()
        };
        assert_eq!(keys(&x), ["x"]);
        assert_eq!(
            complete_asking(&mut w, &x[0], &[], &[], 1),
            Reply::DagCompleted {
                replaced: Some(vec![]),
                grants: vec![]
            }
        );
        assert_eq!(w.m.state.dags[&dag].status, Status::Done);
    }

    /// a → b → c → {d, e}, e ← x: a worker leased `a` runs `b` and `c` (each the sole child of
    /// the one before, with no other parent) in its lease and reports the three at once. The
    /// chain's last node is the parent its children count; a replay, a chain naming a node the
    /// execution knows, repeating a node, past `CHAIN_MAX` or past `total` is refused and
    /// changes nothing.
    #[test]
    fn a_chain_of_sole_children_completes_with_its_leased_node() {
        let mut w = World::new();
        let Reply::Dag(dag) = w.m.apply(&Command::DagCreate {
            request: 9,
            program: "chain".into(),
            label: w.label("public"),
            roots: vec![b"a".to_vec(), b"x".to_vec()],
            total: 6,
            outputs: vec![],
        }) else {
            panic!()
        };
        let roots = acquire(&mut w, 8);
        assert_eq!(keys(&roots), ["a", "x"]);
        let (a, x) = (&roots[0], &roots[1]);
        let before = w.m.state.dags[&dag].clone();
        for (chain, why) in [
            (vec!["b", "x"], "x is running"),
            (vec!["b", "b"], "b twice"),
            (vec!["a"], "the leased node itself"),
            (
                vec!["b", "c", "d", "e", "f", "g"],
                "more nodes than are left",
            ),
        ] {
            assert!(
                matches!(
                    complete_chain(&mut w, a, &chain, &[]),
                    Reply::Rejected(Reject::Invalid(_))
                ),
                "{why}"
            );
            assert_eq!(w.m.state.dags[&dag], before, "{why}: nothing changes");
        }
        let long: Vec<String> = (0..=CHAIN_MAX).map(|i| format!("n{i}")).collect();
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        assert!(matches!(
            complete_chain(&mut w, a, &long, &[]),
            Reply::Rejected(Reject::Limit(_))
        ));
        assert_eq!(w.m.state.dags[&dag], before);

        assert_eq!(
            complete_chain(&mut w, a, &["b", "c"], &[("d", 1), ("e", 2)]),
            Reply::Ok
        );
        assert_eq!(
            complete_chain(&mut w, a, &["b", "c"], &[("d", 1), ("e", 2)]),
            Reply::Rejected(Reject::StaleEpoch),
            "a replay finds no lease"
        );
        let state = &w.m.state.dags[&dag];
        assert_eq!((state.done, state.flops), (3, 30));
        assert_eq!(
            state.counted[b"e".as_slice()],
            [b"c".to_vec()].into_iter().collect(),
            "the chain's last node is the parent its children count"
        );
        assert_eq!(keys(&acquire(&mut w, 8)), ["d"]);
        assert_eq!(complete(&mut w, x, &[("e", 2)]), Reply::Ok);
        let e = acquire(&mut w, 8);
        assert_eq!(keys(&e), ["e"]);
        assert_eq!(w.m.state.dags[&dag].done, 4);
    }

    #[test]
    fn expired_node_leases_are_fenced_and_the_node_runs_again() {
        let mut w = World::new();
        let Reply::Dag(dag) = w.m.apply(&Command::DagCreate {
            request: 1,
            program: "p".into(),
            label: w.label("public"),
            roots: vec![b"r".to_vec()],
            total: 1,
            outputs: vec![],
        }) else {
            panic!()
        };
        let first = acquire(&mut w, 1).pop().unwrap();
        assert_eq!(
            w.m.apply(&Command::DagExpire {
                dag,
                key: first.key.clone(),
                epoch: first.epoch,
            }),
            Reply::Ok
        );
        let second = acquire(&mut w, 1).pop().unwrap();
        assert!(second.epoch > first.epoch);
        assert_eq!(
            complete(&mut w, &first, &[]),
            Reply::Rejected(Reject::StaleEpoch),
            "the first worker's late report is fenced"
        );
        assert_eq!(
            complete(&mut w, &second, &[]),
            Reply::DagDone { replaced: vec![] }
        );
        assert_eq!(w.m.state.dags[&dag].status, Status::Done);
        assert_eq!(w.m.state.dags[&dag].reexecuted, 1);
        let _ = DagId(0);
    }

    #[test]
    fn malformed_executions_are_refused() {
        let mut w = World::new();
        for (roots, total) in [
            (vec![], 3),
            (vec![b"a".to_vec()], 0),
            (vec![vec![0; 300]], 1),
        ] {
            let reply = w.m.apply(&Command::DagCreate {
                request: 9,
                program: "p".into(),
                label: w.label("public"),
                roots,
                total,
                outputs: vec![],
            });
            assert!(matches!(reply, Reply::Rejected(_)), "{reply:?}");
        }
    }

    fn meta(w: &World, generation: u64) -> MatrixMeta {
        MatrixMeta {
            rows: 4,
            cols: 4,
            tile: 2,
            generation,
            label: w.label("public"),
            dag: None,
        }
    }

    /// Outputs enter the catalog in the entry that ends the execution, replacing a facet of the
    /// same name and label; the replaced generation is reported so its tiles can go.
    #[test]
    fn outputs_enter_the_catalog_when_the_execution_is_done() {
        let mut w = World::new();
        assert_eq!(
            w.m.apply(&Command::MatrixPut {
                name: "L".into(),
                meta: meta(&w, 1),
            }),
            Reply::Generation(None)
        );
        let Reply::Dag(_) = w.m.apply(&Command::DagCreate {
            request: 3,
            program: "p".into(),
            label: w.label("public"),
            roots: vec![b"a".to_vec()],
            total: 1,
            outputs: vec![("L".into(), meta(&w, 2))],
        }) else {
            panic!()
        };
        let reader = w.label("public");
        let lookup = |w: &World| w.m.matrix_lookup("L", &reader).map(|m| m.generation);
        assert_eq!(
            lookup(&w),
            Ok(1),
            "outputs appear only when the run is done"
        );
        let a = acquire(&mut w, 1);
        assert_eq!(
            complete(&mut w, &a[0], &[]),
            Reply::DagDone { replaced: vec![1] }
        );
        assert_eq!(lookup(&w), Ok(2));
        assert_eq!(
            w.m.apply(&Command::MatrixRemove {
                name: "L".into(),
                label: reader.clone(),
            }),
            Reply::Generation(Some(2))
        );
        assert_eq!(lookup(&w), Err(Reject::NotFound));
        // A generation belongs to one facet: another name may not claim matrix L2's tiles (its
        // owner could then delete them with `matrix rm`).
        assert_eq!(
            w.m.apply(&Command::MatrixPut {
                name: "L2".into(),
                meta: meta(&w, 5),
            }),
            Reply::Generation(None)
        );
        assert!(matches!(
            w.m.apply(&Command::MatrixPut {
                name: "Thief".into(),
                meta: meta(&w, 5),
            }),
            Reply::Rejected(Reject::Invalid(_))
        ));
    }

    /// A failed node ends the run with its error; a cancel ends it too; both are fenced or
    /// idempotent, and an ended run leases nothing.
    #[test]
    fn a_failed_or_cancelled_execution_ends_and_leases_nothing() {
        let mut w = World::new();
        let create = |w: &mut World, request| match w.m.apply(&Command::DagCreate {
            request,
            program: "p".into(),
            label: w.label("public"),
            roots: vec![b"a".to_vec(), b"b".to_vec()],
            total: 3,
            outputs: vec![("O".into(), meta(w, 9))],
        }) {
            Reply::Dag(dag) => dag,
            other => panic!("{other:?}"),
        };
        let dag = create(&mut w, 1);
        let a = acquire(&mut w, 1).pop().unwrap();
        let stale = NodeGrant {
            epoch: sl_coordinator::Epoch(a.epoch.0 + 7),
            ..a.clone()
        };
        let fail = |w: &mut World, g: &NodeGrant| {
            w.m.apply(&Command::DagFail {
                dag: g.dag,
                key: g.key.clone(),
                epoch: g.epoch,
                error: "chol(i=0)@3: kernel chol: not positive definite".into(),
            })
        };
        assert_eq!(fail(&mut w, &stale), Reply::Rejected(Reject::StaleEpoch));
        assert_eq!(fail(&mut w, &a), Reply::Ok);
        let failed = &w.m.state.dags[&dag];
        assert_eq!(failed.status, Status::Failed);
        assert!(failed.error.as_deref().unwrap().contains("chol(i=0)"));
        assert!(
            acquire(&mut w, 8).is_empty(),
            "the other root is not leased"
        );
        assert!(
            w.m.matrix_lookup("O", &w.label("public")).is_err(),
            "a failed run records no output"
        );
        let dag = create(&mut w, 2);
        let reader = w.label("public");
        assert_eq!(
            w.m.apply(&Command::DagCancel {
                dag,
                reader: reader.clone()
            }),
            Reply::Ok
        );
        assert_eq!(w.m.state.dags[&dag].error.as_deref(), Some("cancelled"));
        assert!(acquire(&mut w, 8).is_empty());
        assert_eq!(w.m.apply(&Command::DagCancel { dag, reader }), Reply::Ok);
    }

    /// A renewed lease outlives its first deadline; a stale renewal is fenced.
    #[test]
    fn renewals_extend_only_the_current_lease() {
        let mut w = World::new();
        let Reply::Dag(dag) = w.m.apply(&Command::DagCreate {
            request: 1,
            program: "p".into(),
            label: w.label("public"),
            roots: vec![b"a".to_vec()],
            total: 1,
            outputs: vec![],
        }) else {
            panic!()
        };
        let a = acquire(&mut w, 1).pop().unwrap();
        let renew = |w: &mut World, epoch| {
            w.m.apply(&Command::DagRenew {
                dag,
                key: a.key.clone(),
                epoch,
                now_ms: 5_000,
                lease_ms: 1_000,
            })
        };
        assert_eq!(renew(&mut w, a.epoch), Reply::Ok);
        assert_eq!(w.m.state.dags[&dag].running[&a.key].deadline_ms, 6_000);
        assert_eq!(
            renew(&mut w, sl_coordinator::Epoch(a.epoch.0 + 1)),
            Reply::Rejected(Reject::StaleEpoch)
        );
    }
}

mod catalogue {
    use super::*;
    use sl_coordinator::catalog::Member;
    use sl_coordinator::query::{Answer, Query};

    fn read(w: &World, key: &str, reader: &str) -> Option<Vec<u8>> {
        match w.m.query(&Query::Kv {
            key: key.into(),
            reader: w.label(reader),
        }) {
            Answer::Value(v) => v,
            other => panic!("{other:?}"),
        }
    }

    /// What a public reader sees, and what a public writer hears, never depends on secret writes.
    #[test]
    fn faceted_writes_from_above_are_invisible_below() {
        let mut with_secret = World::new();
        let mut without = World::new();
        for w in [&mut with_secret, &mut without] {
            let public = w.label("public");
            assert_eq!(
                w.m.apply(&Command::KvPut {
                    key: "k".into(),
                    label: public,
                    value: b"low".to_vec(),
                }),
                Reply::Ok
            );
        }
        let secret = with_secret.label("secret");
        assert_eq!(
            with_secret.m.apply(&Command::KvPut {
                key: "k".into(),
                label: secret,
                value: b"high".to_vec(),
            }),
            Reply::Ok
        );
        for w in [&mut with_secret, &mut without] {
            let public = w.label("public");
            let reply = w.m.apply(&Command::KvPut {
                key: "k".into(),
                label: public,
                value: b"low2".to_vec(),
            });
            assert_eq!(reply, Reply::Ok);
        }
        assert_eq!(read(&with_secret, "k", "public"), Some(b"low2".to_vec()));
        assert_eq!(read(&without, "k", "public"), Some(b"low2".to_vec()));
        // A public write removes the secret facet (it flows up), so the secret reader sees it too.
        assert_eq!(read(&with_secret, "k", "secret"), Some(b"low2".to_vec()));
        assert_eq!(read(&with_secret, "missing", "secret"), None);
    }

    #[test]
    fn members_principals_and_declassifiers_are_validated_and_bounded() {
        let mut w = World::new();
        let member = Member {
            id: 3,
            name: "n3".into(),
            addr: "10.0.0.3:7000".into(),
            slots: 4,
            storage: true,
        };
        assert_eq!(w.m.apply(&Command::PutMember(member.clone())), Reply::Ok);
        assert_eq!(w.m.query(&Query::Members), Answer::Members(vec![member]));
        let no_addr = Member {
            id: 4,
            name: "n4".into(),
            addr: String::new(),
            slots: 0,
            storage: false,
        };
        assert!(matches!(
            w.m.apply(&Command::PutMember(no_addr)),
            Reply::Rejected(_)
        ));
        assert_eq!(w.m.apply(&Command::RemoveMember { id: 3 }), Reply::Ok);
        assert!(w.m.state.members.is_empty());
        let secret = w.label("secret");
        assert_eq!(
            w.m.apply(&Command::PutPrincipal {
                name: "alice".into(),
                label: secret.clone(),
                token_hash: [7; 32],
            }),
            Reply::Ok
        );
        assert!(matches!(
            w.m.apply(&Command::PutPrincipal {
                name: String::new(),
                label: secret.clone(),
                token_hash: [7; 32],
            }),
            Reply::Rejected(_)
        ));
        let public = w.label("public");
        assert_eq!(
            w.m.apply(&Command::PutDeclassifier {
                name: "blur".into(),
                from: secret.clone(),
                to: public.clone(),
            }),
            Reply::Ok
        );
        assert!(w.m.may_flow_through("blur", &secret, &public));
        assert!(!w.m.may_flow_through("none", &secret, &public));
        assert!(w.m.may_flow_through("none", &public, &secret));
        // Deterministic snapshots include the catalogue.
        let mut copy = Machine::new(policy(), Limits::default());
        copy.restore(&w.m.snapshot().unwrap()).unwrap();
        assert_eq!(copy.state, w.m.state);
    }
}

#[test]
fn a_resumed_task_gets_the_recorded_answer_of_the_call_its_checkpoint_waits_on() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let Reply::Spawned(child) = w.call(&g, 0, spawn("f")) else {
        panic!()
    };
    // The worker dies after the spawn committed: the next lease carries the answer, so the
    // resumed task does not spawn again.
    assert_eq!(
        w.m.apply(&Command::Expire {
            task: root,
            epoch: g.epoch
        }),
        Reply::Ok
    );
    let g2 = w.lease(root);
    assert_eq!(g2.resume, Some(Answered::Spawned(child)));
    assert_eq!(g2.next_seq, Seq(1));
    assert_eq!(w.m.state.jobs.values().next().unwrap().resumes, 1);
    // A call that blocks records its checkpoint unanswered: the resumed task calls again.
    assert_eq!(
        w.call(&g2, 1, Call::Wait { future: child }),
        Reply::WouldBlock
    );
    let c = w.lease(child);
    assert_eq!(w.call(&c, 0, exit(b"v")), Reply::Ok);
    let g3 = w.lease(root);
    assert_eq!(g3.resume, None);
    assert_eq!(g3.next_seq, Seq(1));
    // An external call: the intent's key survives a lost worker, so the call is made again with
    // the same key, never a new one.
    let intent = Call::ExternalIntent {
        service: "s".into(),
        payload: vec![1],
    };
    assert_eq!(
        w.call(&g3, 1, intent),
        Reply::ExternalKey {
            task: root,
            seq: Seq(1)
        }
    );
    w.m.apply(&Command::Expire {
        task: root,
        epoch: g3.epoch,
    });
    let g4 = w.lease(root);
    assert_eq!(
        g4.resume,
        Some(Answered::ExternalKey {
            task: root,
            seq: Seq(1)
        })
    );
    assert_eq!(
        w.call(
            &g4,
            2,
            Call::ExternalResult {
                outcome: Ok(vec![7])
            }
        ),
        Reply::Value(Ok(vec![7]))
    );
    // A stale worker's result is fenced.
    assert_eq!(
        w.call(
            &g3,
            2,
            Call::ExternalResult {
                outcome: Ok(vec![8])
            }
        ),
        Reply::Rejected(Reject::StaleEpoch)
    );
}

#[test]
fn sleeps_block_until_woken_and_the_reissued_call_completes() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    assert_eq!(
        w.call(&g, 0, Call::Sleep { until_ms: 5_000 }),
        Reply::WouldBlock
    );
    assert_eq!(w.m.state.tasks[&root].status, Status::Blocked);
    assert_eq!(w.m.sleepers_due(4_999).count(), 0);
    assert_eq!(
        w.m.sleepers_due(5_000).collect::<Vec<_>>(),
        vec![(root, Seq(0))]
    );
    // A wake for another call changes nothing.
    assert!(matches!(
        w.m.apply(&Command::Wake {
            task: root,
            seq: Seq(3)
        }),
        Reply::Rejected(_)
    ));
    assert_eq!(
        w.m.apply(&Command::Wake {
            task: root,
            seq: Seq(0)
        }),
        Reply::Ok
    );
    let g2 = w.lease(root);
    // Re-issued from the checkpoint with a later end: it completes at once.
    assert_eq!(w.call(&g2, 0, Call::Sleep { until_ms: 9_000 }), Reply::Ok);
    assert_eq!(w.m.state.tasks[&root].sleep, None);
}

#[test]
fn cancel_ends_every_task_of_the_job_and_fences_its_workers() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let Reply::Spawned(child) = w.call(&g, 0, spawn("f")) else {
        panic!()
    };
    let job = w.m.state.tasks[&root].job;
    let other = w.submit("public");
    assert_eq!(w.m.apply(&Command::CancelJob { job }), Reply::Ok);
    for t in [root, child] {
        assert_eq!(w.m.state.tasks[&t].status, Status::Failed);
        assert!(!w.m.state.ready.contains(&t));
    }
    assert_eq!(w.m.state.jobs[&job].status, Status::Failed);
    assert!(w.m.state.jobs[&job].cancelled);
    assert_eq!(w.m.state.tasks[&other].status, Status::Ready);
    assert_eq!(
        w.call(&g, 1, exit(b"late")),
        Reply::Rejected(Reject::StaleEpoch)
    );
    // Twice is harmless.
    assert_eq!(w.m.apply(&Command::CancelJob { job }), Reply::Ok);
    // The next submission drops the ended job's tasks; its record and counts stay.
    w.submit("public");
    assert!(w.m.state.tasks.values().all(|t| t.job != job));
    assert!(w.m.state.tasks.contains_key(&other));
    match w.m.query(&Query::Job(job)) {
        Answer::Job(Some(view)) => {
            assert_eq!(view.outcome, Some(Err("cancelled".into())));
            assert_eq!(view.counts, [0, 0, 0, 0, 2]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn spawn_many_and_enqueue_many_are_all_or_nothing() {
    let mut w = World {
        m: Machine::new(
            policy(),
            Limits {
                tasks_max: 4,
                ..Limits::default()
            },
        ),
        granted: Default::default(),
    };
    let root = w.submit("public");
    let g = w.lease(root);
    let children = |n: usize| Call::SpawnMany {
        function: "f".into(),
        children: vec![(vec![], vec![]); n],
        on_coordinator: false,
    };
    assert!(matches!(
        w.call(&g, 0, children(4)),
        Reply::Rejected(Reject::Limit(_))
    ));
    assert_eq!(w.m.state.tasks.len(), 1, "none created");
    let Reply::SpawnedMany(ids) = w.call(&g, 0, children(3)) else {
        panic!()
    };
    assert_eq!(ids.len(), 3);
    let Reply::Queue(q) = w.call(
        &g,
        1,
        Call::CreateQueue {
            capacity: 3,
            label: None,
        },
    ) else {
        panic!()
    };
    let many = |n: usize| Call::EnqueueMany {
        queue: q,
        items: vec![vec![1]; n],
    };
    assert_eq!(w.call(&g, 2, many(2)), Reply::Ok);
    // Two more do not fit beside the two there: nothing is placed and the producer waits.
    assert_eq!(w.call(&g, 3, many(2)), Reply::WouldBlock);
    assert_eq!(w.m.state.queues[&q].items.len(), 2);
}

/// `spawn(blocking=True)` is a spawn, then a wait on the child. When that wait blocks, the task
/// stays recorded as suspended at the spawn with the spawn's answer (`Checkpoint::AsRecorded`),
/// so it resumes by waiting on the same child — never by spawning a second one.
#[test]
fn a_blocking_spawns_wait_that_blocks_keeps_the_spawns_state_and_answer() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let Reply::Spawned(child) = w.call(&g, 0, spawn("f")) else {
        panic!()
    };
    let wait_keeping = |w: &mut World, g: &Grant, seq: u64, call: Call| {
        w.m.apply(&Command::Call(TaskCall {
            task: g.task,
            epoch: g.epoch,
            seq: Seq(seq),
            checkpoint: Checkpoint::AsRecorded,
            call,
            output: String::new(),
            children: Vec::new(),
        }))
    };
    // Only a wait may keep the state.
    assert!(matches!(
        wait_keeping(&mut w, &g, 1, Call::Checkpoint),
        Reply::Rejected(Reject::Invalid(_))
    ));
    assert_eq!(
        wait_keeping(&mut w, &g, 1, Call::Wait { future: child }),
        Reply::WouldBlock
    );
    let parent = &w.m.state.tasks[&root];
    assert_eq!(
        parent.checkpoint,
        Checkpoint::Inline(vec![0]),
        "the spawn's state"
    );
    assert!(parent.answered);
    assert_eq!(parent.next_seq, Seq(1));
    // The child ends; the parent resumes at the spawn holding its answer, and waits again.
    let c = w.lease(child);
    assert_eq!(w.call(&c, 0, exit(b"7")), Reply::Ok);
    let g2 = w.lease(root);
    assert_eq!(g2.checkpoint, Checkpoint::Inline(vec![0]));
    assert_eq!(g2.next_seq, Seq(1));
    assert_eq!(g2.resume, Some(Answered::Spawned(child)));
    assert_eq!(
        wait_keeping(&mut w, &g2, 1, Call::Wait { future: child }),
        Reply::Value(Ok(b"7".to_vec()))
    );
    let parent = &w.m.state.tasks[&root];
    assert_eq!(parent.checkpoint, Checkpoint::Inline(vec![0]));
    assert_eq!(parent.next_seq, Seq(2));
    // A task whose recorded call is still open has no answered state to keep.
    let other = w.submit("public");
    let o = w.lease(other);
    let Reply::Spawned(pending) = w.call(&o, 0, spawn("g")) else {
        panic!()
    };
    assert_eq!(
        w.call(&o, 1, Call::Wait { future: pending }),
        Reply::WouldBlock
    );
    let p = w.lease(pending);
    assert_eq!(w.call(&p, 0, exit(b"1")), Reply::Ok);
    let o2 = w.lease(other);
    assert!(o2.resume.is_none());
    assert!(matches!(
        wait_keeping(&mut w, &o2, 1, Call::Wait { future: pending }),
        Reply::Rejected(Reject::Invalid(_))
    ));
}

/// Issue 14 (round trip): children a worker ran in place are recorded as ended tasks — waited
/// on like any other, counted in the job, never leased — beside children spawned for real in
/// the same call; all or none, and a retry of the call gets the same ids.
#[test]
fn children_run_in_place_are_recorded_as_ended_tasks() {
    let mut w = World {
        m: Machine::new(
            policy(),
            Limits {
                tasks_max: 5,
                ..Limits::default()
            },
        ),
        granted: Default::default(),
    };
    let root = w.submit("public");
    let g = w.lease(root);
    let inline = |done: Vec<Outcome>, rest: usize| Call::SpawnInline {
        function: "f".into(),
        done,
        rest: vec![(vec![], vec![]); rest],
        on_coordinator: false,
    };
    // Five tasks with the root exceed the limit: none is created.
    assert!(matches!(
        w.call(&g, 0, inline(vec![Ok(vec![1]); 2], 3)),
        Reply::Rejected(Reject::Limit(_))
    ));
    // Outcomes over the coordinator's limit together: refused, nothing created.
    let big = Ok(vec![0; sl_coordinator::machine::OUTCOME_BYTES_MAX / 2 + 1]);
    assert!(matches!(
        w.call(&g, 0, inline(vec![big.clone(), big], 0)),
        Reply::Rejected(Reject::Limit(_))
    ));
    assert_eq!(w.m.state.tasks.len(), 1, "none created");
    let call = inline(vec![Ok(vec![7]), Err("ValueError: no".into())], 1);
    let Reply::SpawnedInPlace {
        made: ids,
        ids: block,
    } = w.call(&g, 0, call.clone())
    else {
        panic!()
    };
    assert_eq!(ids.len(), 3);
    assert_eq!(block.len(), u64::from(IDS_FIRST_BLOCK));
    assert_eq!(
        w.call(&g, 0, call),
        Reply::SpawnedInPlace {
            made: ids.clone(),
            ids: block
        },
        "retry"
    );
    assert_eq!(
        w.call(&g, 1, Call::Wait { future: ids[0] }),
        Reply::Value(Ok(vec![7]))
    );
    assert_eq!(
        w.call(&g, 2, Call::Wait { future: ids[1] }),
        Reply::Value(Err("ValueError: no".into()))
    );
    // Only the child spawned for real is leased.
    let leased: Vec<TaskId> = w.acquire(10).iter().map(|g| g.task).collect();
    assert_eq!(leased, vec![ids[2]]);
    let Answer::Job(Some(view)) = w.m.query(&Query::Job(g.job)) else {
        panic!()
    };
    // Ready, running (the root and the leased child), blocked, done, failed.
    assert_eq!(view.counts, [0, 2, 0, 1, 1]);
}

/// Issue 14 (round trip, chain): children run in place after the first take ids from the block
/// its `SpawnInline` reserved and are recorded with the task's next call — before its effect,
/// so the call may depend on them; taken back whole when the effect is refused; refused whole
/// when they name ids out of order or not reserved, or ride a call that records no state.
#[test]
fn children_in_place_ride_the_next_call_all_or_none_with_it() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let with = |seq: u64, checkpoint: Checkpoint, call: Call, children: Vec<RanInPlace>| {
        Command::Call(TaskCall {
            task: g.task,
            epoch: g.epoch,
            seq: Seq(seq),
            checkpoint,
            call,
            output: "printed in place\n".into(),
            children,
        })
    };
    let ran = |id: u64, value: u8| RanInPlace {
        id: TaskId(id),
        function: "inc".into(),
        outcome: Ok(vec![value]),
    };
    // Before any block: refused, nothing recorded.
    assert!(matches!(
        w.m.apply(&with(
            0,
            Checkpoint::Inline(vec![0]),
            Call::Checkpoint,
            vec![ran(1 << 40, 1)]
        )),
        Reply::Rejected(Reject::Children(_))
    ));
    let first = Call::SpawnInline {
        function: "inc".into(),
        done: vec![Ok(vec![1])],
        rest: vec![],
        on_coordinator: false,
    };
    let Reply::SpawnedInPlace { made, ids: block } = w.call(&g, 0, first) else {
        panic!()
    };
    assert_eq!(made.len(), 1);
    let (a, b) = (block.next, block.next + 1);
    assert!(made[0].0 < a, "the block follows the ids already made");
    let tasks = w.m.state.tasks.len();
    // Out of order, or past the block: refused whole.
    for children in [vec![ran(b, 2)], vec![ran(a, 2), ran(a + 2, 3)]] {
        assert!(matches!(
            w.m.apply(&with(
                1,
                Checkpoint::Inline(vec![1]),
                Call::Checkpoint,
                children
            )),
            Reply::Rejected(Reject::Children(_))
        ));
    }
    // With a call that keeps or sends no state: refused before it is proposed.
    for checkpoint in [Checkpoint::Unchanged, Checkpoint::AsRecorded] {
        let command = with(
            1,
            checkpoint,
            Call::Wait { future: made[0] },
            vec![ran(a, 2)],
        );
        assert!(matches!(w.m.apply(&command), Reply::Rejected(_)));
        assert!(
            w.m.resolved_wait(&command).is_none(),
            "never answered unrecorded"
        );
    }
    // A spawn depending on a child it records, whose effect is refused (arguments over the
    // limit): nothing of it stays — children, output, seq, ids.
    let spawn_on = |args: usize| Call::Spawn {
        function: "g".into(),
        args: vec![0; args],
        deps: vec![TaskId(b)],
        label: None,
        on_coordinator: false,
    };
    let refused = w.m.apply(&with(
        1,
        Checkpoint::Inline(vec![1]),
        spawn_on(1 << 20),
        vec![ran(a, 2), ran(b, 3)],
    ));
    assert!(matches!(refused, Reply::Rejected(_)), "{refused:?}");
    assert_eq!(w.m.state.tasks.len(), tasks);
    let view = |w: &World| match w.m.query(&Query::Job(g.job)) {
        Answer::Job(Some(view)) => view,
        other => panic!("{other:?}"),
    };
    assert_eq!(view(&w).counts, [0, 1, 0, 1, 0]);
    assert_eq!(w.m.state.tasks[&root].ids.unwrap().next, a);
    // The same children again, with a call that takes effect: recorded first, so the spawned
    // task depends on one and is ready (its dependency ended).
    let Reply::Spawned(child) = w.m.apply(&with(
        1,
        Checkpoint::Inline(vec![1]),
        spawn_on(0),
        vec![ran(a, 2), ran(b, 3)],
    )) else {
        panic!()
    };
    assert_eq!(w.m.state.tasks[&child].deps, vec![TaskId(b)]);
    assert_eq!(w.m.state.tasks[&child].status, Status::Ready);
    assert_eq!(
        w.call(&g, 2, Call::Wait { future: TaskId(a) }),
        Reply::Value(Ok(vec![2]))
    );
    // Ready (the child), running (the root), blocked, done (three in place), failed.
    assert_eq!(view(&w).counts, [1, 1, 0, 3, 0]);
    assert_eq!(w.m.state.tasks[&root].ids.unwrap().next, a + 2);
    // The exit carries the last ones; the job ends with them counted, never leased.
    let last = ran(a + 2, 4);
    assert_eq!(
        w.m.apply(&with(3, Checkpoint::Initial, exit(b"9"), vec![last])),
        Reply::Ok
    );
    let leased: Vec<TaskId> = w.acquire(10).iter().map(|g| g.task).collect();
    assert_eq!(leased, vec![child]);
    assert_eq!(view(&w).counts[3], 5);
    // The block's unused tail (one of four) stays unused: the spawned child took an id after
    // the block, so the counter's tail is not the block's.
    assert_eq!(w.submit("public"), TaskId(child.0 + 1));
}

/// Issue 14: id blocks grow with use (4, 8, … up to 128) and a remainder too small for the
/// spawn that could not be deferred is replaced, so a fan-out reaches full blocks and a
/// parent of one child leaves few ids unused.
#[test]
fn id_blocks_grow_and_make_room_for_the_spawn_that_needed_more() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let inline = |n: usize| Call::SpawnInline {
        function: "f".into(),
        done: vec![Ok(vec![1]); n],
        rest: vec![],
        on_coordinator: false,
    };
    let mut sizes = Vec::new();
    for (seq, n) in [1, 1, 1, 1, 1, 30, 100].into_iter().enumerate() {
        let Reply::SpawnedInPlace { ids, .. } = w.call(&g, seq as u64, inline(n)) else {
            panic!()
        };
        assert!(ids.len() >= n as u64, "room for the spawn that needed it");
        sizes.push(ids.size);
    }
    // A block is kept while it has room for the spawn that was sent; a new one doubles.
    assert_eq!(sizes, [4, 4, 4, 4, 4, 30, 100]);
    assert!(sizes.iter().all(|s| *s <= IDS_PER_BLOCK));
    // A task whose block is the counter's tail gives what is left of it back when it ends.
    let other = w.submit("public");
    let o = w.lease(other);
    let Reply::SpawnedInPlace { ids, .. } = w.call(&o, 0, inline(1)) else {
        panic!()
    };
    assert_eq!(w.call(&o, 1, exit(b"1")), Reply::Ok);
    assert_eq!(w.submit("public"), TaskId(ids.next));
}

/// Issue 14: `q.enqueue(*range(n))` with n past the capacity places what fits as room appears,
/// in order, and completes with the last item, as `slnode run` (one at a time) does; a re-issue
/// after a lost reply or a new lease continues, never places an item twice.
#[test]
fn an_enqueue_of_more_items_than_the_capacity_places_them_as_room_appears() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let Reply::Spawned(consumer) = w.call(&g, 0, spawn("consume")) else {
        panic!()
    };
    let Reply::Queue(q) = w.call(
        &g,
        1,
        Call::CreateQueue {
            capacity: 3,
            label: None,
        },
    ) else {
        panic!()
    };
    let seven = Call::EnqueueMany {
        queue: q,
        items: (0..7u8).map(|i| vec![i]).collect(),
    };
    assert_eq!(w.call(&g, 2, seven.clone()), Reply::WouldBlock);
    assert_eq!(w.m.state.queues[&q].items.len(), 3);
    assert_eq!(w.m.state.queues[&q].placing[&root], (Seq(2), 3, 7));
    // Whether the leader would hold a re-issue of the call.
    let held = |w: &World, epoch| {
        w.m.would_block(&Command::Call(TaskCall {
            task: root,
            epoch,
            seq: Seq(2),
            checkpoint: Checkpoint::Inline(vec![]),
            call: seven.clone(),
            output: String::new(),
            children: Vec::new(),
        }))
    };
    assert!(held(&w, g.epoch));
    let c = w.lease(consumer);
    let mut got = Vec::new();
    let mut seq = 0;
    let mut take = |w: &mut World, n: usize, got: &mut Vec<u8>| {
        for _ in 0..n {
            match w.call(&c, seq, Call::Dequeue { queue: q }) {
                Reply::Item(bytes) => got.extend(bytes),
                other => panic!("{other:?}"),
            }
            seq += 1;
        }
    };
    take(&mut w, 2, &mut got);
    // With room again the re-issue is not held at the leader.
    assert!(!held(&w, g.epoch));
    // Woken by the room; a new lease re-issues the same seq and places two more.
    let g = w.lease(root);
    assert_eq!(w.call(&g, 2, seven.clone()), Reply::WouldBlock);
    assert_eq!(w.m.state.queues[&q].placing[&root], (Seq(2), 5, 7));
    assert_eq!(w.m.state.queues[&q].items.len(), 3);
    take(&mut w, 3, &mut got);
    let g = w.lease(root);
    assert_eq!(w.call(&g, 2, seven.clone()), Reply::Ok);
    assert!(w.m.state.queues[&q].placing.is_empty());
    take(&mut w, 2, &mut got);
    assert_eq!(got, (0..7).collect::<Vec<u8>>());
    assert_eq!(w.m.state.queued_items, 0);
    // A rendezvous queue still takes one item per call.
    let Reply::Queue(r) = w.call(
        &g,
        3,
        Call::CreateQueue {
            capacity: 0,
            label: None,
        },
    ) else {
        panic!()
    };
    assert!(matches!(
        w.call(
            &g,
            4,
            Call::EnqueueMany {
                queue: r,
                items: vec![vec![1], vec![2]],
            }
        ),
        Reply::Rejected(Reject::Invalid(_))
    ));
}

#[test]
fn output_reaches_the_log_once_and_the_log_is_bounded() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let job = w.m.state.tasks[&root].job;
    let with_output = |seq: u64, text: &str| {
        Command::Call(TaskCall {
            task: root,
            epoch: g.epoch,
            seq: Seq(seq),
            checkpoint: Checkpoint::Inline(vec![]),
            call: Call::Checkpoint,
            output: text.into(),
            children: Vec::new(),
        })
    };
    assert_eq!(w.m.apply(&with_output(0, "hello\n")), Reply::Ok);
    // A retry of the same call is answered from the record and logs nothing again.
    assert_eq!(w.m.apply(&with_output(0, "hello\n")), Reply::Ok);
    assert_eq!(w.m.state.jobs[&job].log, "hello\n");
    let big = "é".repeat(machine::JOB_LOG_BYTES_MAX / 2 + 10);
    assert_eq!(w.m.apply(&with_output(1, &big)), Reply::Ok);
    let j = &w.m.state.jobs[&job];
    assert!(j.log.len() <= machine::JOB_LOG_BYTES_MAX);
    assert_eq!(j.log_dropped + j.log.len() as u64, 6 + big.len() as u64);
    assert!(j.log.ends_with('é'));
    match w.m.query(&Query::Log {
        job,
        from: 0,
        max: 10,
    }) {
        Answer::Log(Some(view)) => {
            assert_eq!(view.from, j.log_dropped);
            assert!(view.text.len() <= 10 && view.text.chars().all(|c| c == 'é'));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_call_without_a_checkpoint_is_refused_and_changes_nothing() {
    let mut w = World::new();
    let root = w.submit("public");
    let g = w.lease(root);
    let Reply::Spawned(child) = w.call(&g, 0, spawn("f")) else {
        panic!()
    };
    let bare = Command::Call(TaskCall {
        task: root,
        epoch: g.epoch,
        seq: Seq(1),
        checkpoint: Checkpoint::Unchanged,
        call: Call::Wait { future: child },
        output: "lost?\n".into(),
        children: Vec::new(),
    });
    // Not resolved: the wait would block and record, so it needs the task's state.
    assert_eq!(w.m.resolved_wait(&bare), None);
    let before = w.m.state.clone();
    assert_eq!(w.m.apply(&bare), Reply::Rejected(Reject::NeedsCheckpoint));
    assert_eq!(w.m.state, before);
    // Once the child has ended, the same wait is answerable from applied state.
    let c = w.lease(child);
    assert_eq!(w.call(&c, 0, exit(b"v")), Reply::Ok);
    assert_eq!(w.m.resolved_wait(&bare), Some(Ok(b"v".to_vec())));
    // A fenced worker gets no answer that way.
    w.m.apply(&Command::Expire {
        task: root,
        epoch: g.epoch,
    });
    assert_eq!(w.m.resolved_wait(&bare), None);
}

/// Commands whose content could crash `apply` (and so every replica, on every replay of the log)
/// or grow the state without bound: each is refused with a clear reason and changes nothing.
mod hostile_commands {
    use super::*;
    use sl_coordinator::executions::Child;
    use sl_coordinator::machine::{TEXT_BYTES_MAX, URL_BYTES_MAX};

    fn machine(limits: Limits) -> World {
        World {
            m: Machine::new(policy(), limits),
            granted: Default::default(),
        }
    }

    fn limit_text(reply: Reply) -> String {
        match reply {
            Reply::Rejected(Reject::Limit(text)) => text,
            other => panic!("expected a limit refusal, got {other:?}"),
        }
    }

    /// Before the fix `call.seq.0 + 1` overflowed and `apply` panicked.
    #[test]
    fn the_largest_seq_is_refused_not_a_panic() {
        let mut w = World::new();
        let root = w.submit("public");
        let g = w.lease(root);
        assert_eq!(w.call(&g, 0, Call::Checkpoint), Reply::Ok);
        let before = w.m.snapshot().unwrap();
        for seq in [u64::MAX, u64::MAX - 1] {
            let reply = w.call(&g, seq, Call::Checkpoint);
            assert!(matches!(reply, Reply::Rejected(_)), "{reply:?}");
        }
        assert_eq!(w.m.snapshot().unwrap(), before);
    }

    /// Before the fix a report beyond the declared `total` hit an assert in `apply`.
    #[test]
    fn a_dag_completing_more_nodes_than_it_declared_is_refused() {
        let mut w = World::new();
        let Reply::Dag(dag) = w.m.apply(&Command::DagCreate {
            request: 1,
            program: "p".into(),
            label: w.label("public"),
            roots: vec![b"a".to_vec()],
            total: 2,
            outputs: vec![],
        }) else {
            panic!()
        };
        let acquire = |w: &mut World| match w.m.apply(&Command::DagAcquire {
            node: NodeId(1),
            max: 8,
            now_ms: 0,
            lease_ms: 1000,
        }) {
            Reply::NodeLeases(grants) => grants,
            other => panic!("{other:?}"),
        };
        let complete = |w: &mut World, g: &sl_coordinator::executions::NodeGrant, kids: &[&str]| {
            w.m.apply(&Command::DagComplete {
                dag: g.dag,
                key: g.key.clone(),
                epoch: g.epoch,
                children: kids
                    .iter()
                    .map(|k| Child {
                        key: k.as_bytes().to_vec(),
                        parents: 1,
                    })
                    .collect(),
                flops: 0,
                bytes_remote: 0,
            })
        };
        let a = acquire(&mut w).pop().unwrap();
        assert_eq!(complete(&mut w, &a, &["b", "c"]), Reply::Ok);
        let bc = acquire(&mut w);
        assert_eq!(bc.len(), 2);
        assert_eq!(
            complete(&mut w, &bc[0], &[]),
            Reply::DagDone { replaced: vec![] }
        );
        assert_eq!(w.m.state.dags[&dag].status, Status::Done);
        let before = w.m.snapshot().unwrap();
        assert!(matches!(
            complete(&mut w, &bc[1], &[]),
            Reply::Rejected(Reject::Invalid(_))
        ));
        assert_eq!(w.m.snapshot().unwrap(), before);
    }

    #[test]
    fn oversized_names_and_payloads_are_refused() {
        let mut w = World::new();
        let long = "x".repeat(TEXT_BYTES_MAX + 1);
        let reply = w.m.apply(&Command::SubmitJob {
            request: 7,
            label: w.label("public"),
            function: long.clone(),
            args: vec![],
            options: Default::default(),
        });
        assert!(limit_text(reply).contains("function name"));
        assert!(w.m.state.jobs.is_empty());
        let reply = w.m.apply(&Command::PutService {
            name: "svc".into(),
            url: "h".repeat(URL_BYTES_MAX + 1),
        });
        assert!(limit_text(reply).contains("URL"));
        let root = w.submit("public");
        let g = w.lease(root);
        assert!(limit_text(w.call(&g, 0, spawn(&long))).contains("function name"));
        let reply = w.m.apply(&Command::Call(TaskCall {
            task: g.task,
            epoch: g.epoch,
            seq: Seq(0),
            checkpoint: Checkpoint::Object(long.clone()),
            call: Call::Checkpoint,
            output: String::new(),
            children: Vec::new(),
        }));
        assert!(limit_text(reply).contains("object key"));
        let reply = w.call(
            &g,
            0,
            Call::ExternalIntent {
                service: "svc".into(),
                payload: vec![0; Limits::default().item_bytes_max + 1],
            },
        );
        assert!(limit_text(reply).contains("payload"));
        // None of them used the seq.
        assert_eq!(w.call(&g, 0, Call::Checkpoint), Reply::Ok);
    }

    #[test]
    fn jobs_are_bounded_and_the_bound_frees_up_as_jobs_end() {
        let mut w = machine(Limits {
            jobs_max: 3,
            ..Limits::default()
        });
        let roots: Vec<TaskId> = (0..3).map(|_| w.submit("public")).collect();
        let reply = w.m.apply(&Command::SubmitJob {
            request: 99,
            label: w.label("public"),
            function: "main".into(),
            args: vec![],
            options: Default::default(),
        });
        assert!(limit_text(reply).contains("3 jobs"));
        assert_eq!(w.m.state.jobs.len(), 3);
        // At the bound, an ended job's record makes room: only running jobs cause a refusal.
        let g = w.lease(roots[0]);
        assert_eq!(w.call(&g, 0, exit(b"1")), Reply::Ok);
        let reply = w.m.apply(&Command::SubmitJob {
            request: 100,
            label: w.label("public"),
            function: "main".into(),
            args: vec![],
            options: Default::default(),
        });
        assert!(matches!(reply, Reply::Submitted { .. }), "{reply:?}");
        assert_eq!(w.m.state.jobs.len(), 3);
    }

    #[test]
    fn queued_items_are_bounded_across_all_queues() {
        let mut w = machine(Limits {
            queued_items_max: 3,
            ..Limits::default()
        });
        let root = w.submit("public");
        let g = w.lease(root);
        let Reply::Queues(queues) = w.call(
            &g,
            0,
            Call::CreateQueues {
                capacity: 10,
                copies: 2,
            },
        ) else {
            panic!()
        };
        let enqueue = |queue| Call::Enqueue {
            queue,
            item: b"i".to_vec(),
        };
        assert_eq!(w.call(&g, 1, enqueue(queues[0])), Reply::Ok);
        assert_eq!(
            w.call(
                &g,
                2,
                Call::EnqueueMany {
                    queue: queues[1],
                    items: vec![b"j".to_vec(), b"k".to_vec()],
                }
            ),
            Reply::Ok
        );
        assert_eq!(w.m.state.queued_items, 3);
        assert!(limit_text(w.call(&g, 3, enqueue(queues[0]))).contains("3 items"));
        assert!(matches!(
            w.call(&g, 3, Call::Dequeue { queue: queues[1] }),
            Reply::Item(_)
        ));
        assert_eq!(w.m.state.queued_items, 2);
        assert_eq!(w.call(&g, 4, enqueue(queues[0])), Reply::Ok);
        assert_eq!(w.m.state.queued_items, 3);
    }
}
