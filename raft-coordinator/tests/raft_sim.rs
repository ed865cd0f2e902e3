//! Three replicas over a simulated network, in the style of raft-rs' harness: message loss, a
//! leader cut off from the majority, a replica restarted from its RocksDB log. Checked: at most one
//! leader per term; no committed entry lost or reordered (every replica applies the same command at
//! each index); every acknowledged proposal applied exactly once; identical state machines after
//! healing. Seeds print on failure; set SL_SIM_SEED to replay one.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use raft::eraftpb::Message;
use sl_coordinator::machine::{Command, Limits};
use sl_coordinator::replica::{Replica, Timing};
use sl_labels::{Lattice, Policy};

struct Sim {
    replicas: Vec<Option<Replica>>,
    dirs: Vec<tempfile::TempDir>,
    queue: VecDeque<Message>,
    rng: u64,
    loss_percent: u64,
    isolated: BTreeSet<u64>,
    applied: Vec<BTreeMap<u64, Command>>,
    leaders_by_term: BTreeMap<u64, BTreeSet<u64>>,
    acknowledged: BTreeSet<u64>,
}

fn open(id: u64, dir: &std::path::Path) -> Replica {
    Replica::open(
        id,
        &[1, 2, 3],
        dir,
        Policy::tags_only(),
        Limits::default(),
        &Timing::default(),
    )
    .unwrap()
}

impl Sim {
    fn new(seed: u64) -> Sim {
        let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let replicas = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| Some(open(i as u64 + 1, d.path())))
            .collect();
        Sim {
            replicas,
            dirs,
            queue: VecDeque::new(),
            rng: seed | 1,
            loss_percent: 0,
            isolated: BTreeSet::new(),
            applied: vec![BTreeMap::new(); 3],
            leaders_by_term: BTreeMap::new(),
            acknowledged: BTreeSet::new(),
        }
    }

    fn random(&mut self) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng
    }

    /// One round: every live replica ticks and handles its Ready; queued messages are delivered.
    fn round(&mut self) {
        for i in 0..3 {
            let Some(replica) = self.replicas[i].as_mut() else {
                continue;
            };
            replica.tick();
            let output = replica.handle_ready().unwrap();
            if replica.is_leader() {
                self.leaders_by_term
                    .entry(replica.term())
                    .or_default()
                    .insert(replica.id());
            }
            for (index, command) in output.applied {
                if let Some(previous) = self.applied[i].insert(index, command.clone()) {
                    assert_eq!(
                        previous,
                        command,
                        "replica {} applied two commands at index {index}",
                        i + 1
                    );
                }
            }
            for (id, _) in output.replies {
                self.acknowledged.insert(id);
            }
            self.queue.extend(output.messages);
        }
        let messages: Vec<Message> = self.queue.drain(..).collect();
        for message in messages {
            let cut = self.isolated.contains(&message.from) != self.isolated.contains(&message.to);
            if cut || self.random() % 100 < self.loss_percent {
                continue;
            }
            if let Some(replica) = self.replicas[message.to as usize - 1].as_mut() {
                let _ = replica.step(message);
            }
        }
    }

    fn leader(&self) -> Option<usize> {
        // Prefer a leader that can reach a majority (an isolated old leader may still think it leads).
        (0..3).find(|&i| {
            self.replicas[i]
                .as_ref()
                .is_some_and(|r| r.is_leader() && !self.isolated.contains(&r.id()))
        })
    }

    fn propose(&mut self, id: u64) -> bool {
        let Some(leader) = self.leader() else {
            return false;
        };
        let command = Command::SubmitJob {
            request: id,
            label: Policy::tags_only().bottom(),
            function: format!("job-{id}"),
            args: vec![],
            options: Default::default(),
        };
        self.replicas[leader]
            .as_mut()
            .unwrap()
            .propose(id, &command)
            .is_ok()
    }

    fn restart(&mut self, i: usize) {
        self.replicas[i] = None;
        self.replicas[i] = Some(open(i as u64 + 1, self.dirs[i].path()));
    }
}

fn run(seed: u64) {
    let mut sim = Sim::new(seed);
    let mut next_id = 0u64;
    let mut proposed_in = 0;
    for round in 0..1500u64 {
        match round {
            300 => sim.loss_percent = 10,
            500 => {
                if let Some(leader) = sim.leader() {
                    sim.isolated.insert(leader as u64 + 1);
                }
            }
            800 => sim.isolated.clear(),
            900 => sim.restart((seed % 3) as usize),
            1100 => sim.loss_percent = 0,
            _ => {}
        }
        if round % 5 == 0 && round < 1200 && sim.propose(next_id) {
            next_id += 1;
            proposed_in += 1;
        }
        sim.round();
    }
    assert!(
        proposed_in > 50,
        "seed {seed}: the cluster accepted too few proposals ({proposed_in})"
    );
    assert!(
        sim.acknowledged.len() > 30,
        "seed {seed}: too few acknowledgements ({})",
        sim.acknowledged.len()
    );
    assert!(
        sim.leaders_by_term.len() >= 2,
        "seed {seed}: isolating the leader must have produced a new term's leader"
    );
    for (term, leaders) in &sim.leaders_by_term {
        assert!(
            leaders.len() <= 1,
            "seed {seed}: term {term} had leaders {leaders:?}"
        );
    }
    // Every replica converged: same applied commands and same machine state.
    let snapshots: Vec<Vec<u8>> = sim
        .replicas
        .iter()
        .map(|r| r.as_ref().unwrap().machine().snapshot().unwrap())
        .collect();
    assert!(
        snapshots.windows(2).all(|w| w[0] == w[1]),
        "seed {seed}: state machines differ after healing"
    );
    let commit = sim.replicas[0].as_ref().unwrap().applied_index();
    assert!(
        sim.replicas
            .iter()
            .all(|r| r.as_ref().unwrap().applied_index() == commit),
        "seed {seed}: replicas did not catch up"
    );
    // Every acknowledged proposal is in the machine exactly once.
    let machine = sim.replicas[0].as_ref().unwrap().machine();
    let mut functions: BTreeMap<String, usize> = BTreeMap::new();
    for task in machine.state.tasks.values() {
        *functions.entry(task.function.clone()).or_default() += 1;
    }
    for id in &sim.acknowledged {
        assert_eq!(
            functions.get(&format!("job-{id}")),
            Some(&1),
            "seed {seed}: acknowledged job-{id} applied {:?} times",
            functions.get(&format!("job-{id}"))
        );
    }
}

#[test]
fn three_replicas_survive_loss_partition_and_restart() {
    let seeds: Vec<u64> = match std::env::var("SL_SIM_SEED") {
        Ok(seed) => vec![seed.parse().expect("SL_SIM_SEED is a number")],
        Err(_) => (1..=6).map(|s| s * 0x9e37_79b9).collect(),
    };
    for seed in seeds {
        eprintln!("raft simulation seed {seed}");
        run(seed);
    }
}
