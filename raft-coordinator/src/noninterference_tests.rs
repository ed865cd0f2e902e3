//! Noninterference of the state machine, channel by channel: each scenario runs a public job and
//! a secret job side by side, twice, with the secret side's input differing; everything the public
//! side observes (replies to its calls, its job's view and log, listings, facets, what a public
//! external service is asked) must be equal across the two runs. The checker itself is tested:
//! with one rule deliberately broken (`label_rules::LEAKY`, `cfg(test)` only) the scenario for
//! that channel must tell the runs apart.

use sl_labels::{Label, Lattice, Policy};

use crate::ids::{Epoch, JobId, NodeId, QueueId, Seq, TaskId};
use crate::kv::{KEYS_LISTED_MAX, KvCall, Space};
use crate::label_rules::LEAKY;
use crate::machine::{Call, Checkpoint, Command, Limits, Machine, Reply, TaskCall};
use crate::query::{Answer, Query};

const POLICY: &str = "[lattice]\norder = [\"public < secret\"]\n";

struct World {
    m: Machine,
    leases: std::collections::BTreeMap<TaskId, (Epoch, u64)>,
    /// What the public side saw, in order.
    seen: Vec<String>,
    request: u64,
    /// A write-once object store (key → label), as the node's engine behaves.
    objects: std::collections::BTreeMap<String, Label>,
}

impl World {
    fn new() -> World {
        let policy = Policy::from_toml("p.toml", POLICY).unwrap();
        World {
            m: Machine::new(policy, Limits::default()),
            leases: Default::default(),
            seen: Vec::new(),
            request: 0,
            objects: Default::default(),
        }
    }

    fn label(&self, text: &str) -> Label {
        self.m.policy().parse_label(text).unwrap()
    }

    fn submit(&mut self, label: &str) -> (JobId, TaskId) {
        self.request += 1;
        let label = self.label(label);
        match self.m.apply(&Command::SubmitJob {
            request: self.request,
            label,
            function: "main".into(),
            args: vec![],
            options: Default::default(),
        }) {
            Reply::Submitted { job, root } => (job, root),
            other => panic!("{other:?}"),
        }
    }

    /// A put into the write-once store: the same key at another label is refused.
    fn put_object(&mut self, key: String, label: Label) -> Result<(), String> {
        match self.objects.get(&key) {
            Some(existing) if *existing != label => Err(format!("object {key} exists")),
            _ => {
                self.objects.insert(key, label);
                Ok(())
            }
        }
    }

    fn lease_ready(&mut self) {
        if let Reply::Leases(grants) = self.m.apply(&Command::Acquire {
            node: NodeId(1),
            max: 256,
            now_ms: 0,
            lease_ms: 1_000_000,
        }) {
            for g in grants {
                let seq = g.next_seq.0;
                self.leases.insert(g.task, (g.epoch, seq));
            }
        }
    }

    /// Task `task` makes `call` (printing `output`); a call that blocks gives its lease back.
    fn call(&mut self, task: TaskId, call: Call, output: &str) -> Reply {
        self.lease_ready();
        let Some(&(epoch, seq)) = self.leases.get(&task) else {
            return Reply::Rejected(crate::machine::Reject::StaleEpoch);
        };
        let reply = self.m.apply(&Command::Call(TaskCall {
            task,
            epoch,
            seq: Seq(seq),
            checkpoint: Checkpoint::Inline(vec![1]),
            call,
            output: output.into(),
            children: Vec::new(),
        }));
        match &reply {
            Reply::WouldBlock => {
                self.leases.remove(&task);
            }
            Reply::Rejected(_) => {}
            _ => {
                self.leases.insert(task, (epoch, seq + 1));
            }
        }
        reply
    }

    /// A public task's call: its reply is observed.
    fn public(&mut self, task: TaskId, call: Call) -> Reply {
        let reply = self.call(task, call, "public says hi\n");
        self.seen.push(format!("{reply:?}"));
        reply
    }

    /// Everything a public user sees of the cluster at the end.
    fn observe(&mut self, job: JobId) {
        let reader = self.label("public");
        for query in [
            Query::Job(job),
            Query::Log {
                job,
                from: 0,
                max: 1 << 20,
            },
            Query::JobsSeen {
                max: 1000,
                reader: reader.clone(),
            },
        ] {
            let answer = self.m.query(&query);
            // A job's view is public only if its label flows to public (the node checks this).
            let shown = match &answer {
                Answer::Job(Some(v)) if !self.m.policy().flows(&v.label, &reader) => {
                    "hidden".to_owned()
                }
                other => format!("{other:?}"),
            };
            self.seen.push(shown);
        }
        // What a service at the public label was asked.
        let calls: Vec<String> = self
            .m
            .state
            .tasks
            .values()
            .filter_map(|t| t.external.as_ref())
            .filter(|(_, service, _)| service == "public-svc")
            .map(|e| format!("{e:?}"))
            .collect();
        self.seen.push(format!("{calls:?}"));
    }
}

fn exit(bytes: &[u8]) -> Call {
    Call::Exit {
        outcome: Ok(bytes.to_vec()),
    }
}

fn spawn_at(label: Option<Label>, args: Vec<u8>) -> Call {
    Call::Spawn {
        function: "f".into(),
        args,
        deps: vec![],
        label,
        on_coordinator: false,
    }
}

fn kv(space: Space, call: KvCall) -> Call {
    Call::Kv { space, call }
}

fn put(key: &str, value: &[u8]) -> Call {
    kv(
        Space::Kv,
        KvCall::Put {
            key: key.into(),
            value: value.to_vec(),
        },
    )
}

fn get(key: &str) -> Call {
    kv(Space::Kv, KvCall::Get { key: key.into() })
}

type Scenario = fn(&mut World, u8);

/// The scenarios: (name, the channel a broken rule opens (0: none listed), body). The body gets
/// the secret input, 1 or 2.
fn scenarios() -> Vec<(&'static str, u8, Scenario)> {
    vec![
        (
            "write-once kv keys",
            1,
            (|w: &mut World, s: u8| {
                let (pj, p) = w.submit("public");
                let (_, x) = w.submit("secret");
                if s == 2 {
                    w.call(x, put("k", b"secret"), "");
                }
                w.public(p, put("k", b"public"));
                w.public(p, get("k"));
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "listing filtered before its bound",
            2,
            (|w: &mut World, s: u8| {
                let (pj, p) = w.submit("public");
                let (_, x) = w.submit("secret");
                if s == 2 {
                    for i in 0..KEYS_LISTED_MAX {
                        w.call(x, put(&format!("a{i:05}"), b"x"), "");
                    }
                }
                w.public(p, put("b", b"mine"));
                w.public(
                    p,
                    kv(
                        Space::Kv,
                        KvCall::Keys {
                            prefix: String::new(),
                        },
                    ),
                );
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "dequeue from a lower queue",
            3,
            (|w: &mut World, s: u8| {
                let (pj, p) = w.submit("public");
                let (_, x) = w.submit("secret");
                let Reply::Queue(q) = w.public(
                    p,
                    Call::CreateQueue {
                        capacity: 4,
                        label: None,
                    },
                ) else {
                    panic!()
                };
                w.public(
                    p,
                    Call::Enqueue {
                        queue: q,
                        item: b"one".to_vec(),
                    },
                );
                if s == 2 {
                    w.call(x, Call::Dequeue { queue: q }, "");
                }
                w.public(p, Call::Dequeue { queue: q });
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "send up to a full higher queue",
            4,
            (|w: &mut World, s: u8| {
                let (pj, p) = w.submit("public");
                let secret = w.label("secret");
                let Reply::Queue(q) = w.public(
                    p,
                    Call::CreateQueue {
                        capacity: 1,
                        label: Some(secret.clone()),
                    },
                ) else {
                    panic!()
                };
                let Reply::Spawned(child) = w.public(p, spawn_at(Some(secret), vec![])) else {
                    panic!()
                };
                w.public(
                    p,
                    Call::Enqueue {
                        queue: q,
                        item: b"1".to_vec(),
                    },
                );
                if s == 2 {
                    w.call(child, Call::Dequeue { queue: q }, "");
                }
                w.public(
                    p,
                    Call::Enqueue {
                        queue: q,
                        item: b"2".to_vec(),
                    },
                );
                w.public(p, exit(b"done"));
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "ids from global counters",
            5,
            (|w: &mut World, s: u8| {
                let (_, x) = w.submit("secret");
                for _ in 0..s {
                    w.call(x, spawn_at(None, vec![]), "");
                    w.call(
                        x,
                        Call::CreateQueue {
                            capacity: 1,
                            label: None,
                        },
                        "",
                    );
                    w.submit("secret");
                }
                let (pj, p) = w.submit("public");
                w.public(p, spawn_at(None, vec![]));
                w.public(
                    p,
                    Call::CreateQueues {
                        capacity: 1,
                        copies: 2,
                    },
                );
                w.seen.push(format!("{pj:?}"));
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "a higher child's output and counts",
            6,
            (|w: &mut World, s: u8| {
                let (pj, p) = w.submit("public");
                let secret = w.label("secret");
                let Reply::Spawned(child) = w.public(p, spawn_at(Some(secret), vec![s])) else {
                    panic!()
                };
                let text = "secret line\n".repeat(s as usize);
                if s == 2 {
                    w.call(child, exit(b"x"), &text);
                } else {
                    w.call(child, Call::Checkpoint, &text);
                }
                w.public(p, Call::Wait { future: child });
                w.public(p, exit(b"done"));
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "external service at a label",
            8,
            (|w: &mut World, s: u8| {
                let (pj, p) = w.submit("public");
                let (_, x) = w.submit("secret");
                let public = w.label("public");
                w.m.apply(&Command::PutLabelledService {
                    name: "public-svc".into(),
                    url: "http://127.0.0.1:1/".into(),
                    label: public.clone(),
                    reply_label: public,
                });
                w.call(
                    x,
                    Call::ExternalIntent {
                        service: "public-svc".into(),
                        payload: vec![s],
                    },
                    "",
                );
                w.public(
                    p,
                    Call::ExternalIntent {
                        service: "public-svc".into(),
                        payload: b"hello".to_vec(),
                    },
                );
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "cluster-wide counts in listings",
            9,
            (|w: &mut World, s: u8| {
                for _ in 0..s {
                    w.submit("secret");
                }
                let (pj, p) = w.submit("public");
                w.public(p, exit(b"ok"));
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "program sources",
            7,
            (|w: &mut World, s: u8| {
                let (secret, public) = (w.label("secret"), w.label("public"));
                if s == 2 {
                    let key = crate::label_rules::program_key(&secret, "5eed");
                    w.put_object(key, secret).unwrap();
                }
                let key = crate::label_rules::program_key(&public, "5eed");
                let stored = w.put_object(key, public);
                w.seen.push(format!("{stored:?}"));
            }) as Scenario,
        ),
        (
            "waiting on a higher child",
            0,
            (|w: &mut World, s: u8| {
                let (pj, p) = w.submit("public");
                let secret = w.label("secret");
                let Reply::Spawned(child) = w.public(p, spawn_at(Some(secret), vec![])) else {
                    panic!()
                };
                match s {
                    1 => {}
                    _ => {
                        w.call(
                            child,
                            Call::Exit {
                                outcome: Err("boom".into()),
                            },
                            "",
                        );
                    }
                }
                w.public(p, Call::Wait { future: child });
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "faceted reads and overwrites",
            0,
            (|w: &mut World, s: u8| {
                let (pj, p) = w.submit("public");
                let (_, x) = w.submit("secret");
                w.public(p, put("shared", b"low"));
                w.call(x, put("shared", &[s]), "");
                w.call(x, put(&format!("only-secret-{s}"), b"1"), "");
                w.public(p, get("shared"));
                w.public(p, get("only-secret-1"));
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "a higher delete leaves lower facets",
            0,
            (|w: &mut World, s: u8| {
                let (pj, p) = w.submit("public");
                let (_, x) = w.submit("secret");
                w.public(p, put("doc", b"v1"));
                if s == 2 {
                    w.call(x, kv(Space::Kv, KvCall::Delete { key: "doc".into() }), "");
                }
                w.public(p, get("doc"));
                w.public(p, kv(Space::Kv, KvCall::Delete { key: "doc".into() }));
                w.public(p, get("doc"));
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "store names and listings",
            0,
            (|w: &mut World, s: u8| {
                let (pj, p) = w.submit("public");
                let (_, x) = w.submit("secret");
                for i in 0..s {
                    w.call(
                        x,
                        kv(
                            Space::Store,
                            KvCall::Put {
                                key: format!("obj{i}"),
                                value: b"kappa/store/x".to_vec(),
                            },
                        ),
                        "",
                    );
                }
                w.public(
                    p,
                    kv(
                        Space::Store,
                        KvCall::Put {
                            key: "obj0".into(),
                            value: b"kappa/store/p".to_vec(),
                        },
                    ),
                );
                w.public(
                    p,
                    kv(
                        Space::Store,
                        KvCall::Keys {
                            prefix: "obj".into(),
                        },
                    ),
                );
                w.observe(pj);
            }) as Scenario,
        ),
        (
            "writes to hidden queues and futures",
            0,
            (|w: &mut World, s: u8| {
                let (_, x) = w.submit("secret");
                let mut made = Vec::new();
                for _ in 0..s {
                    if let Reply::Queue(q) = w.call(
                        x,
                        Call::CreateQueue {
                            capacity: 1,
                            label: None,
                        },
                        "",
                    ) {
                        made.push(q);
                    }
                }
                let (pj, p) = w.submit("public");
                // Guesses at what the secret side may have made: each is just not there.
                // The secret side made one queue or two: the second's id exists only with s = 2.
                let guess = QueueId(made[0].0 + 1);
                w.public(
                    p,
                    Call::Enqueue {
                        queue: guess,
                        item: b"?".to_vec(),
                    },
                );
                w.public(
                    p,
                    Call::Wait {
                        future: TaskId(x.0 + 1),
                    },
                );
                w.observe(pj);
            }) as Scenario,
        ),
    ]
}

fn run(scenario: Scenario, secret: u8) -> Vec<String> {
    let mut w = World::new();
    scenario(&mut w, secret);
    w.seen
}

#[test]
fn the_public_side_sees_the_same_whatever_the_secret_side_does() {
    let all = scenarios();
    assert!(all.len() >= 12);
    for (name, _, scenario) in &all {
        let (one, two) = (run(*scenario, 1), run(*scenario, 2));
        assert_eq!(one, two, "scenario `{name}` leaks to the public side");
    }
}

#[test]
fn each_broken_rule_is_caught_by_its_scenario() {
    for (name, channel, scenario) in scenarios() {
        if channel == 0 {
            continue;
        }
        LEAKY.with(|c| c.set(channel));
        let (one, two) = (run(scenario, 1), run(scenario, 2));
        LEAKY.with(|c| c.set(0));
        assert_ne!(
            one, two,
            "with channel {channel} open, scenario `{name}` should see the secret side"
        );
    }
}

#[test]
fn the_public_side_still_works() {
    // The rules do not make the public side useless: its own data and ids behave.
    let mut w = World::new();
    let (_, p) = w.submit("public");
    assert_eq!(
        w.public(p, put("k", b"v")),
        Reply::Kv(crate::kv::KvAnswer::Done)
    );
    assert_eq!(
        w.public(p, get("k")),
        Reply::Kv(crate::kv::KvAnswer::Value(Some(b"v".to_vec())))
    );
    let bottom = w.m.policy().bottom();
    assert!(w.m.policy().flows(&bottom, &w.label("secret")));
}
