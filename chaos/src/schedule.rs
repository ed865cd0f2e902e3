//! The nemesis schedule: which fault, when, for how long. Pure and seeded: the same seed, nemeses,
//! node count and duration give the same schedule. Targets are symbolic ("the leader", "the
//! third node") and resolved when the fault starts; what they resolved to goes to
//! `nemesis.jsonl`.
//!
//! Shape (as Jepsen's default): quiet for a few seconds, a fault held for a few seconds, healed,
//! quiet again, … The last [`QUIET_TAIL_MS`] of the run have no faults, so the cluster is
//! observed recovering before the final reads.

use serde::Serialize;

/// The end of a run without faults.
pub const QUIET_TAIL_MS: u64 = 4_000;
/// The first fault comes after this long (the workloads warm up).
pub const QUIET_HEAD_MS: u64 = 2_000;

/// A small, fast, seedable generator (SplitMix64): enough for schedules and workload choices,
/// and it keeps the crate free of a randomness dependency whose streams could change.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// A child generator for an independent stream (one per client).
    pub fn fork(&mut self) -> Rng {
        Rng(self.next_u64())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Nemesis {
    Kill,
    Pause,
    Partition,
    Leader,
    Membership,
}

impl Nemesis {
    pub const ALL: [Nemesis; 5] = [
        Nemesis::Kill,
        Nemesis::Pause,
        Nemesis::Partition,
        Nemesis::Leader,
        Nemesis::Membership,
    ];

    pub fn parse(name: &str) -> Option<Nemesis> {
        Some(match name {
            "kill" => Nemesis::Kill,
            "pause" => Nemesis::Pause,
            "partition" => Nemesis::Partition,
            "leader" => Nemesis::Leader,
            "membership" => Nemesis::Membership,
            _ => return None,
        })
    }
}

/// Which node(s) a fault hits, resolved against the live cluster when it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "target", content = "n")]
pub enum Target {
    /// The `n`-th member (modulo the members running when the fault starts).
    One(u64),
    /// The leader at that moment.
    Leader,
    /// A minority of the voters: floor((voters - 1) / 2), starting at the `n`-th.
    Minority(u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "shape", content = "n")]
pub enum Cut {
    /// One node alone on one side.
    Isolate(Target),
    /// A random majority and minority (the `n`-th rotation).
    MajorityMinority(u64),
    /// Two halves that each see one shared node (the `n`-th), which sees everyone.
    Bridge(u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "fault")]
pub enum Fault {
    /// SIGKILL, restarted with `slnode serve` when healed.
    Kill { who: Target },
    /// SIGSTOP, SIGCONT when healed.
    Pause { who: Target },
    /// nftables drops between the sides, removed when healed.
    Partition { cut: Cut },
    /// A member (never the bootstrap node, which admits joiners) leaves; a new node joins.
    Churn { who: u64 },
}

impl Fault {
    pub fn name(&self) -> String {
        match self {
            Fault::Kill { who } => format!("kill {}", target_name(who)),
            Fault::Pause { who } => format!("pause {}", target_name(who)),
            Fault::Partition { cut } => match cut {
                Cut::Isolate(t) => format!("isolate {}", target_name(t)),
                Cut::MajorityMinority(_) => "partition majority/minority".into(),
                Cut::Bridge(_) => "partition bridge".into(),
            },
            Fault::Churn { .. } => "membership leave+join".into(),
        }
    }
}

fn target_name(t: &Target) -> String {
    match t {
        Target::One(_) => "one node".into(),
        Target::Leader => "the leader".into(),
        Target::Minority(_) => "a minority".into(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Step {
    pub at_ms: u64,
    pub hold_ms: u64,
    pub fault: Fault,
}

/// Membership changes one run makes at most (each adds a data dir and an address).
pub const CHURNS_MAX: usize = 8;

pub fn plan(seed: u64, nemeses: &[Nemesis], nodes: u64, duration_ms: u64) -> Vec<Step> {
    let mut rng = Rng::new(seed);
    let mut steps = Vec::new();
    if nemeses.is_empty() {
        return steps;
    }
    let mut at = QUIET_HEAD_MS;
    let end = duration_ms.saturating_sub(QUIET_TAIL_MS);
    let mut churns = 0;
    loop {
        let hold = rng.between(2_000, 5_000);
        if at + hold > end {
            break;
        }
        let nemesis = nemeses[rng.below(nemeses.len() as u64) as usize];
        let n = rng.below(nodes.max(1));
        let fault = match nemesis {
            Nemesis::Kill => match rng.below(2) {
                0 => Fault::Kill {
                    who: Target::One(n),
                },
                _ => Fault::Kill {
                    who: Target::Minority(n),
                },
            },
            Nemesis::Pause => Fault::Pause {
                who: Target::One(n),
            },
            Nemesis::Partition => Fault::Partition {
                cut: match rng.below(3) {
                    0 => Cut::Isolate(Target::One(n)),
                    1 => Cut::MajorityMinority(n),
                    _ => Cut::Bridge(n),
                },
            },
            Nemesis::Leader => match rng.below(3) {
                0 => Fault::Kill {
                    who: Target::Leader,
                },
                1 => Fault::Pause {
                    who: Target::Leader,
                },
                _ => Fault::Partition {
                    cut: Cut::Isolate(Target::Leader),
                },
            },
            Nemesis::Membership if churns < CHURNS_MAX => {
                churns += 1;
                Fault::Churn { who: n }
            }
            Nemesis::Membership => Fault::Kill {
                who: Target::One(n),
            },
        };
        steps.push(Step {
            at_ms: at,
            hold_ms: hold,
            fault,
        });
        at += hold + rng.between(2_000, 4_000);
    }
    steps
}

/// The two sides of a cut over `members` (the index order of the live members), as lists of
/// indices into `members`; a bridge gives three groups: left, right, and the bridge node that
/// sees both. Pairs to block are those across `left`/`right` only.
pub fn sides(cut: &Cut, members: usize, leader: Option<usize>) -> (Vec<usize>, Vec<usize>) {
    let all: Vec<usize> = (0..members).collect();
    match cut {
        Cut::Isolate(target) => {
            let alone = match target {
                Target::Leader => leader.unwrap_or(0),
                Target::One(n) | Target::Minority(n) => *n as usize % members.max(1),
            };
            (
                vec![alone],
                all.into_iter().filter(|i| *i != alone).collect(),
            )
        }
        Cut::MajorityMinority(n) => {
            let minority = members.saturating_sub(1) / 2;
            let start = *n as usize;
            let small: Vec<usize> = (0..minority).map(|k| (start + k) % members).collect();
            (
                small.clone(),
                all.into_iter().filter(|i| !small.contains(i)).collect(),
            )
        }
        Cut::Bridge(n) => {
            let bridge = *n as usize % members.max(1);
            let rest: Vec<usize> = all.into_iter().filter(|i| *i != bridge).collect();
            let half = rest.len() / 2;
            (rest[..half].to_vec(), rest[half..].to_vec())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_schedule() {
        let a = plan(42, &Nemesis::ALL, 5, 60_000);
        let b = plan(42, &Nemesis::ALL, 5, 60_000);
        let c = plan(43, &Nemesis::ALL, 5, 60_000);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.len() >= 5, "{a:?}");
        for step in &a {
            assert!(step.at_ms >= QUIET_HEAD_MS);
            assert!(step.at_ms + step.hold_ms <= 60_000 - QUIET_TAIL_MS);
        }
        for pair in a.windows(2) {
            assert!(pair[0].at_ms + pair[0].hold_ms < pair[1].at_ms);
        }
    }

    #[test]
    fn only_the_chosen_nemeses_appear() {
        for step in plan(7, &[Nemesis::Pause], 3, 60_000) {
            assert!(matches!(step.fault, Fault::Pause { .. }), "{step:?}");
        }
        assert!(plan(7, &[], 3, 60_000).is_empty());
    }

    /// `make test`'s smoke (chaos/tests/smoke.rs) promises both kinds of fault in 20 s.
    #[test]
    fn the_smoke_runs_schedule_kills_and_partitions() {
        let steps = plan(3, &[Nemesis::Kill, Nemesis::Partition], 3, 20_000);
        assert!(
            steps.iter().any(|s| matches!(s.fault, Fault::Kill { .. })),
            "{steps:?}"
        );
        assert!(
            steps
                .iter()
                .any(|s| matches!(s.fault, Fault::Partition { .. })),
            "{steps:?}"
        );
    }

    #[test]
    fn cuts_split_the_members() {
        let (a, b) = sides(&Cut::MajorityMinority(3), 5, None);
        assert_eq!((a.len(), b.len()), (2, 3));
        let (a, b) = sides(&Cut::Isolate(Target::Leader), 5, Some(2));
        assert_eq!(a, vec![2]);
        assert_eq!(b.len(), 4);
        let (a, b) = sides(&Cut::Bridge(0), 5, None);
        assert_eq!((a.len(), b.len()), (2, 2));
        assert!(!a.contains(&0) && !b.contains(&0));
    }
}
