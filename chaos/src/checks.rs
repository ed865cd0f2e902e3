//! The checkers: from a history (paired into operations) to a list of anomalies. Pure.
//!
//! * `linearizable` — each kv key is a register (read, write, cas), checked with [`crate::linear`].
//! * `jobs` — every job whose submission was acknowledged ends `done` with the result its program
//!   must give; a job that failed, gave another result, or never ended is an anomaly.
//! * `exactly-once` — each logical effect (a payload's `effect` id) reaches the service under one
//!   idempotency key only, and every effect of a job that ended `done` arrived.
//! * `durability` — every acknowledged object put is found by every node's final read with the
//!   same SHA-256.
//! * `factorization` — every LAmbdaPACK run whose submission was acknowledged and whose end was
//!   seen ended `done`, and its factor, read back after recovery, multiplies back to its input.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::history::{EventType, Op};
use crate::linear;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Anomaly {
    pub checker: &'static str,
    /// `stale-read/lost-write` (a linearizability violation), `job-failed`, `wrong-result`,
    /// `lost-job`, `duplicate-effect`, `lost-effect`, `lost-object`, `corrupt-object`,
    /// `unreadable-object`, `malformed`.
    pub kind: &'static str,
    pub message: String,
    /// History indices of the operations involved.
    pub ops: Vec<u64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Tally {
    pub ok: u64,
    pub failed: u64,
    pub indeterminate: u64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Findings {
    pub anomalies: Vec<Anomaly>,
    /// Operations per workload (final reads included).
    pub workloads: BTreeMap<String, Tally>,
    /// Checks that could not decide (a linearizability search past its bound), for people.
    pub undecided: Vec<String>,
    /// Checkers that had something to check, with how many anomalies each found.
    pub checkers: BTreeMap<&'static str, u64>,
}

pub fn check(ops: &[Op]) -> Findings {
    let mut findings = Findings::default();
    for op in ops {
        // Observations and acknowledgements, not operations of their own.
        if op.f == "effect" || op.f == "submitted" {
            continue;
        }
        let tally = findings.workloads.entry(op.workload.clone()).or_default();
        match op.outcome {
            EventType::Ok => tally.ok += 1,
            EventType::Fail => tally.failed += 1,
            EventType::Info | EventType::Invoke => tally.indeterminate += 1,
        }
    }
    let by = |w: &str| -> Vec<&Op> { ops.iter().filter(|o| o.workload == w).collect() };
    let kv = by("kv");
    if !kv.is_empty() {
        let found = linearizable(&kv, &mut findings.undecided);
        findings.checkers.insert("linearizable", found.len() as u64);
        findings.anomalies.extend(found);
    }
    let kappa = by("kappa");
    if !kappa.is_empty() {
        let found = jobs(&kappa, &mut findings.undecided);
        findings.checkers.insert("jobs", found.len() as u64);
        findings.anomalies.extend(found);
        let found = exactly_once(&kappa);
        findings.checkers.insert("exactly-once", found.len() as u64);
        findings.anomalies.extend(found);
    }
    let objects = by("objstore");
    if !objects.is_empty() {
        let found = durability(&objects);
        findings.checkers.insert("durability", found.len() as u64);
        findings.anomalies.extend(found);
    }
    let factors = by("lambdapack");
    if !factors.is_empty() {
        let found = factorization(&factors);
        findings
            .checkers
            .insert("factorization", found.len() as u64);
        findings.anomalies.extend(found);
    }
    findings
}

fn factorization(ops: &[&Op]) -> Vec<Anomaly> {
    let mut anomalies = Vec::new();
    let verifies: BTreeMap<&str, &Op> = ops
        .iter()
        .filter(|o| o.f == "verify")
        .filter_map(|o| Some((o.key.as_deref()?, *o)))
        .collect();
    for op in ops
        .iter()
        .filter(|o| o.f == "factor" && o.outcome == EventType::Ok)
    {
        let output = op.key.as_deref().unwrap_or("");
        let dag = op.output.get("dag").cloned().unwrap_or_default();
        match op.output.get("status").and_then(|s| s.as_str()) {
            Some("done") => {}
            status => {
                anomalies.push(Anomaly {
                    checker: "factorization",
                    kind: "run-failed",
                    message: format!(
                        "run {dag} ({output}) ended {}: {}",
                        status.unwrap_or("?"),
                        op.error.as_deref().unwrap_or("no error given")
                    ),
                    ops: vec![op.index],
                });
                continue;
            }
        }
        let Some(verify) = verifies.get(output) else {
            anomalies.push(Anomaly {
                checker: "factorization",
                kind: "unreadable-result",
                message: format!("run {dag} ended done, and {output} was never read back"),
                ops: vec![op.index],
            });
            continue;
        };
        let residual = verify.output.get("residual").and_then(|r| r.as_f64());
        let (kind, message) = match (verify.outcome, residual) {
            (EventType::Ok, Some(r)) if r <= crate::factor::RESIDUAL_MAX => continue,
            (EventType::Ok, r) => (
                "wrong-result",
                format!(
                    "run {dag} ended done, but ‖A − LLᵀ‖/‖A‖ of {output} is {}",
                    r.map_or("not a number".to_owned(), |r| format!("{r:.3e}"))
                ),
            ),
            _ => (
                "unreadable-result",
                format!(
                    "run {dag} ended done, and {output} could not be read after recovery: {}",
                    verify.error.as_deref().unwrap_or("no answer")
                ),
            ),
        };
        anomalies.push(Anomaly {
            checker: "factorization",
            kind,
            message,
            ops: vec![op.index, verify.index],
        });
    }
    anomalies
}

fn linearizable(ops: &[&Op], undecided: &mut Vec<String>) -> Vec<Anomaly> {
    let mut keys: BTreeMap<&str, Vec<&Op>> = BTreeMap::new();
    for op in ops {
        keys.entry(op.key.as_deref().unwrap_or(""))
            .or_default()
            .push(op);
    }
    let mut anomalies = Vec::new();
    for (key, key_ops) in keys {
        let entries = match linear::entries(&key_ops) {
            Ok(e) => e,
            Err(reason) => {
                anomalies.push(Anomaly {
                    checker: "linearizable",
                    kind: "malformed",
                    message: format!("key {key}: {reason}"),
                    ops: vec![],
                });
                continue;
            }
        };
        match linear::check(&entries, None) {
            linear::Verdict::Linearizable => {}
            linear::Verdict::Unknown(why) => undecided.push(format!("kv key {key}: {why}")),
            linear::Verdict::Violation {
                stuck,
                prefix,
                state,
            } => {
                let mut involved: Vec<u64> = prefix.iter().rev().take(8).copied().collect();
                involved.reverse();
                involved.push(stuck);
                let stuck_op = key_ops.iter().find(|o| o.index == stuck);
                anomalies.push(Anomaly {
                    checker: "linearizable",
                    kind: "stale-read/lost-write",
                    message: format!(
                        "key {key}: no linearization exists; the longest consistent order has {} \
                         operations and leaves the register at {}, where {} cannot take effect",
                        prefix.len(),
                        state.map_or("nothing".to_owned(), |v| v.to_string()),
                        stuck_op.map_or(format!("#{stuck}"), |o| o.describe()),
                    ),
                    ops: involved,
                });
            }
        }
    }
    anomalies
}

fn jobs(ops: &[&Op], undecided: &mut Vec<String>) -> Vec<Anomaly> {
    let mut anomalies = Vec::new();
    // Acknowledged submissions by tag: a job whose client never saw it end is still known.
    let acknowledged: std::collections::HashMap<&str, u64> = ops
        .iter()
        .filter(|o| o.f == "submitted")
        .filter_map(|o| {
            let tag = o.output.get("tag")?.as_str()?;
            Some((tag, o.output.get("job")?.as_u64()?))
        })
        .collect();
    let (mut long_loops, mut resumed) = (0, 0);
    for op in ops.iter().filter(|o| o.f == "job") {
        let tag = op.input.get("tag").and_then(|t| t.as_str()).unwrap_or("?");
        let job = op
            .output
            .get("job")
            .and_then(|j| j.as_u64())
            .or_else(|| acknowledged.get(tag).copied());
        if op.outcome == EventType::Ok
            && op.input.get("kind").and_then(|k| k.as_str()) == Some("long-loop")
        {
            long_loops += 1;
            if op.output.get("resumes").and_then(|r| r.as_u64()) > Some(0) {
                resumed += 1;
            }
        }
        let expect = op.input.get("expect");
        match op.outcome {
            EventType::Fail => {}
            EventType::Info | EventType::Invoke => {
                if let Some(job) = job {
                    anomalies.push(Anomaly {
                        checker: "jobs",
                        kind: "lost-job",
                        message: format!(
                            "job {job} ({tag}) was acknowledged but never ended: {}",
                            op.error.as_deref().unwrap_or("no completion recorded")
                        ),
                        ops: vec![op.index],
                    });
                }
            }
            EventType::Ok => {
                let status = op.output.get("status").and_then(|s| s.as_str());
                let result = op.output.get("result");
                if status != Some("done") {
                    anomalies.push(Anomaly {
                        checker: "jobs",
                        kind: "job-failed",
                        message: format!(
                            "job {} ({tag}) ended {:?}: {}",
                            job.map_or("?".into(), |j| j.to_string()),
                            status.unwrap_or("without a status"),
                            op.output
                                .get("error")
                                .and_then(|e| e.as_str())
                                .unwrap_or("")
                                .lines()
                                .last()
                                .unwrap_or("")
                        ),
                        ops: vec![op.index],
                    });
                } else if expect.is_some() && result != expect {
                    anomalies.push(Anomaly {
                        checker: "jobs",
                        kind: "wrong-result",
                        message: format!(
                            "job {} ({tag}) returned {} instead of {}",
                            job.map_or("?".into(), |j| j.to_string()),
                            result.cloned().unwrap_or_default(),
                            expect.cloned().unwrap_or_default()
                        ),
                        ops: vec![op.index],
                    });
                }
            }
        }
    }
    if long_loops > 0 && resumed == 0 {
        undecided.push(format!(
            "none of the {long_loops} long-loop job(s) was resumed from a checkpoint: the \
             forced-timeout path went untested in this history"
        ));
    }
    anomalies
}

fn exactly_once(ops: &[&Op]) -> Vec<Anomaly> {
    // effect id → (idempotency keys seen, events)
    let mut seen: BTreeMap<String, (BTreeSet<String>, Vec<u64>)> = BTreeMap::new();
    for op in ops.iter().filter(|o| o.f == "effect") {
        let Some(effect) = op.input.get("effect").and_then(|e| e.as_str()) else {
            continue;
        };
        let entry = seen.entry(effect.to_owned()).or_default();
        entry.0.insert(op.key.clone().unwrap_or_default());
        entry.1.push(op.index);
    }
    let mut anomalies = Vec::new();
    for (effect, (keys, events)) in &seen {
        if keys.len() > 1 {
            anomalies.push(Anomaly {
                checker: "exactly-once",
                kind: "duplicate-effect",
                message: format!(
                    "effect {effect} was applied under {} idempotency keys: {}",
                    keys.len(),
                    keys.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
                ops: events.clone(),
            });
        }
    }
    for op in ops.iter().filter(|o| {
        o.f == "job"
            && o.outcome == EventType::Ok
            && o.output.get("status").and_then(|s| s.as_str()) == Some("done")
    }) {
        let wanted = op.input.get("effects").and_then(|e| e.as_array());
        for effect in wanted.into_iter().flatten().filter_map(|e| e.as_str()) {
            if !seen.contains_key(effect) {
                anomalies.push(Anomaly {
                    checker: "exactly-once",
                    kind: "lost-effect",
                    message: format!(
                        "job {} ended done but its effect {effect} never reached the service",
                        op.output.get("job").cloned().unwrap_or_default()
                    ),
                    ops: vec![op.index],
                });
            }
        }
    }
    anomalies
}

fn durability(ops: &[&Op]) -> Vec<Anomaly> {
    let mut reads: BTreeMap<&str, Vec<&Op>> = BTreeMap::new();
    for op in ops.iter().filter(|o| o.f == "get") {
        if let Some(key) = op.key.as_deref() {
            reads.entry(key).or_default().push(op);
        }
    }
    let mut anomalies = Vec::new();
    for put in ops
        .iter()
        .filter(|o| o.f == "put" && o.outcome == EventType::Ok)
    {
        let key = put.key.as_deref().unwrap_or("");
        let want = put.input.get("sha256").and_then(|s| s.as_str());
        let finals = reads.get(key).map(Vec::as_slice).unwrap_or(&[]);
        if finals.is_empty() {
            anomalies.push(Anomaly {
                checker: "durability",
                kind: "unreadable-object",
                message: format!("object {key} was acknowledged but never read back"),
                ops: vec![put.index],
            });
        }
        for get in finals {
            let node = get
                .input
                .get("node")
                .and_then(|n| n.as_str())
                .unwrap_or("?");
            let (kind, message) = match get.outcome {
                EventType::Ok => match get.output.get("sha256").and_then(|s| s.as_str()) {
                    None => (
                        "lost-object",
                        format!("object {key} was acknowledged, and node {node} does not find it"),
                    ),
                    Some(got) if Some(got) != want => (
                        "corrupt-object",
                        format!("object {key}: node {node} returns other bytes (sha256 {got})"),
                    ),
                    Some(_) => continue,
                },
                _ => (
                    "unreadable-object",
                    format!(
                        "object {key}: node {node} could not read it after recovery: {}",
                        get.error.as_deref().unwrap_or("no answer")
                    ),
                ),
            };
            anomalies.push(Anomaly {
                checker: "durability",
                kind,
                message,
                ops: vec![put.index, get.index],
            });
        }
    }
    anomalies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Event, EventType::*, pair};
    use serde_json::json;

    /// A small builder for hand-written histories.
    struct H(Vec<Event>);
    impl H {
        #[allow(clippy::too_many_arguments)] // one event's fields, named at every call
        fn ev(
            &mut self,
            t: f64,
            p: u64,
            kind: EventType,
            w: &str,
            f: &str,
            key: Option<&str>,
            v: serde_json::Value,
        ) -> &mut Self {
            let mut e = crate::history::event(p, kind, w, f, key, v);
            e.time_ms = t;
            e.index = self.0.len() as u64;
            self.0.push(e);
            self
        }
        fn findings(&self) -> Findings {
            check(&pair(&self.0).unwrap())
        }
    }

    fn kinds(f: &Findings) -> Vec<&'static str> {
        f.anomalies.iter().map(|a| a.kind).collect()
    }

    #[test]
    fn stale_read_is_reported() {
        let mut h = H(vec![]);
        h.ev(0.0, 1, Invoke, "kv", "write", Some("k"), json!(1))
            .ev(1.0, 1, Ok, "kv", "write", Some("k"), json!(1))
            .ev(2.0, 1, Invoke, "kv", "write", Some("k"), json!(2))
            .ev(3.0, 1, Ok, "kv", "write", Some("k"), json!(2))
            .ev(4.0, 2, Invoke, "kv", "read", Some("k"), json!(null))
            .ev(5.0, 2, Ok, "kv", "read", Some("k"), json!(1));
        let f = h.findings();
        assert_eq!(kinds(&f), vec!["stale-read/lost-write"]);
        assert!(f.anomalies[0].ops.contains(&4), "{:?}", f.anomalies);
    }

    #[test]
    fn lost_write_is_reported() {
        let mut h = H(vec![]);
        h.ev(0.0, 1, Invoke, "kv", "write", Some("k"), json!(7))
            .ev(1.0, 1, Ok, "kv", "write", Some("k"), json!(7))
            .ev(5.0, 2, Invoke, "kv", "read", Some("k"), json!(null))
            .ev(6.0, 2, Ok, "kv", "read", Some("k"), json!(null));
        assert_eq!(kinds(&h.findings()), vec!["stale-read/lost-write"]);
    }

    #[test]
    fn keys_are_checked_independently_and_failures_ignored() {
        let mut h = H(vec![]);
        h.ev(0.0, 1, Invoke, "kv", "write", Some("a"), json!(1))
            .ev(1.0, 1, Ok, "kv", "write", Some("a"), json!(1))
            .ev(2.0, 2, Invoke, "kv", "read", Some("b"), json!(null))
            .ev(3.0, 2, Ok, "kv", "read", Some("b"), json!(null))
            .ev(4.0, 3, Invoke, "kv", "cas", Some("a"), json!([5, 6]))
            .ev(5.0, 3, Fail, "kv", "cas", Some("a"), json!(null))
            .ev(6.0, 4, Invoke, "kv", "cas", Some("a"), json!([1, 2]))
            .ev(7.0, 4, Info, "kv", "cas", Some("a"), json!(null));
        let f = h.findings();
        assert!(f.anomalies.is_empty(), "{:?}", f.anomalies);
        assert_eq!(f.workloads["kv"].ok, 2);
        assert_eq!(f.workloads["kv"].failed, 1);
        assert_eq!(f.workloads["kv"].indeterminate, 1);
    }

    fn job(h: &mut H, p: u64, t: f64, out: EventType, result: serde_json::Value) {
        h.ev(
            t,
            p,
            Invoke,
            "kappa",
            "job",
            None,
            json!({"tag": "chain-1", "expect": 55, "effects": ["r-1-0", "r-1-1"]}),
        )
        .ev(t + 10.0, p, out, "kappa", "job", None, result);
    }

    #[test]
    fn lost_job_is_reported() {
        let mut h = H(vec![]);
        job(&mut h, 1, 0.0, Info, json!({"job": 3}));
        assert_eq!(kinds(&h.findings()), vec!["lost-job"]);
        // Without an acknowledged id the submission is merely indeterminate.
        let mut h = H(vec![]);
        job(&mut h, 1, 0.0, Info, json!(null));
        assert!(h.findings().anomalies.is_empty());
    }

    /// A client cut off before its job ended left only an invocation: the acknowledgement,
    /// recorded on its own, still makes the job one the cluster owes an end.
    #[test]
    fn a_job_acknowledged_to_a_client_that_was_cut_off_is_lost_if_it_never_ends() {
        let mut h = H(vec![]);
        h.ev(
            0.0,
            1,
            Invoke,
            "kappa",
            "job",
            None,
            json!({"tag": "chain-1", "expect": 55}),
        )
        .ev(
            1.0,
            2,
            Ok,
            "kappa",
            "submitted",
            None,
            json!({"job": 9, "tag": "chain-1"}),
        );
        let f = h.findings();
        assert_eq!(kinds(&f), vec!["lost-job"]);
        assert!(
            f.anomalies[0].message.contains("job 9"),
            "{:?}",
            f.anomalies
        );
        // The acknowledgement is no operation of its own.
        assert_eq!(f.workloads["kappa"].indeterminate, 1);
        assert_eq!(f.workloads["kappa"].ok, 0);
    }

    #[test]
    fn a_history_where_no_long_loop_was_resumed_says_so() {
        let long_loop = |h: &mut H, p: u64, resumes: u64| {
            h.ev(
                0.0,
                p,
                Invoke,
                "kappa",
                "job",
                None,
                json!({"tag": format!("l-{p}"), "kind": "long-loop", "expect": 1}),
            )
            .ev(
                5.0,
                p,
                Ok,
                "kappa",
                "job",
                None,
                json!({"job": p, "status": "done", "result": 1, "resumes": resumes}),
            );
        };
        let mut h = H(vec![]);
        long_loop(&mut h, 1, 0);
        long_loop(&mut h, 2, 0);
        let f = h.findings();
        assert!(f.anomalies.is_empty());
        assert!(
            f.undecided.iter().any(|u| u.contains("forced-timeout")),
            "{:?}",
            f.undecided
        );
        let mut h = H(vec![]);
        long_loop(&mut h, 1, 0);
        long_loop(&mut h, 2, 4);
        assert!(h.findings().undecided.is_empty());
    }

    #[test]
    fn failed_and_wrong_jobs_are_reported() {
        let mut h = H(vec![]);
        job(
            &mut h,
            1,
            0.0,
            Ok,
            json!({"job": 3, "status": "failed", "error": "boom"}),
        );
        job(
            &mut h,
            2,
            0.0,
            Ok,
            json!({"job": 4, "status": "done", "result": 54}),
        );
        let k = kinds(&h.findings());
        assert!(
            k.contains(&"job-failed") && k.contains(&"wrong-result"),
            "{k:?}"
        );
    }

    #[test]
    fn duplicate_and_lost_effects_are_reported() {
        let mut h = H(vec![]);
        job(
            &mut h,
            1,
            0.0,
            Ok,
            json!({"job": 3, "status": "done", "result": 55}),
        );
        h.ev(
            2.0,
            99,
            Ok,
            "kappa",
            "effect",
            Some("7-1"),
            json!({"effect": "r-1-0"}),
        )
        .ev(
            3.0,
            99,
            Ok,
            "kappa",
            "effect",
            Some("7-1"),
            json!({"effect": "r-1-0"}),
        );
        // The same key twice is a retry the service deduplicates: fine. r-1-1 never came: lost.
        assert_eq!(kinds(&h.findings()), vec!["lost-effect"]);
        h.ev(
            4.0,
            99,
            Ok,
            "kappa",
            "effect",
            Some("9-4"),
            json!({"effect": "r-1-0"}),
        )
        .ev(
            5.0,
            99,
            Ok,
            "kappa",
            "effect",
            Some("9-5"),
            json!({"effect": "r-1-1"}),
        );
        assert_eq!(kinds(&h.findings()), vec!["duplicate-effect"]);
    }

    #[test]
    fn lost_and_corrupt_objects_are_reported() {
        let mut h = H(vec![]);
        h.ev(
            0.0,
            1,
            Invoke,
            "objstore",
            "put",
            Some("o1"),
            json!({"sha256": "aa"}),
        )
        .ev(1.0, 1, Ok, "objstore", "put", Some("o1"), json!(null))
        .ev(
            2.0,
            2,
            Invoke,
            "objstore",
            "put",
            Some("o2"),
            json!({"sha256": "bb"}),
        )
        .ev(3.0, 2, Info, "objstore", "put", Some("o2"), json!(null));
        for (p, node, sha) in [
            (3, "n1", json!("aa")),
            (4, "n2", json!(null)),
            (5, "n3", json!("ab")),
        ] {
            h.ev(
                10.0,
                p,
                Invoke,
                "objstore",
                "get",
                Some("o1"),
                json!({"node": node}),
            )
            .ev(
                11.0,
                p,
                Ok,
                "objstore",
                "get",
                Some("o1"),
                json!({"sha256": sha}),
            );
        }
        let k = kinds(&h.findings());
        assert_eq!(k, vec!["lost-object", "corrupt-object"]);
    }

    fn factor(h: &mut H, p: u64, l: &str, out: serde_json::Value) {
        h.ev(
            0.0,
            p,
            Invoke,
            "lambdapack",
            "factor",
            Some(l),
            json!({"input": "a", "output": l}),
        )
        .ev(5.0, p, Ok, "lambdapack", "factor", Some(l), out);
    }

    fn verify(h: &mut H, p: u64, l: &str, out: EventType, v: serde_json::Value) {
        h.ev(
            20.0,
            p,
            Invoke,
            "lambdapack",
            "verify",
            Some(l),
            json!(null),
        )
        .ev(21.0, p, out, "lambdapack", "verify", Some(l), v);
    }

    #[test]
    fn failed_wrong_and_unreadable_factorizations_are_reported() {
        let mut h = H(vec![]);
        factor(&mut h, 1, "l1", json!({"dag": 1, "status": "done"}));
        verify(&mut h, 11, "l1", Ok, json!({"residual": 1e-15}));
        factor(&mut h, 2, "l2", json!({"dag": 2, "status": "failed"}));
        factor(&mut h, 3, "l3", json!({"dag": 3, "status": "done"}));
        verify(&mut h, 13, "l3", Ok, json!({"residual": 0.25}));
        factor(&mut h, 4, "l4", json!({"dag": 4, "status": "done"}));
        verify(&mut h, 14, "l4", Fail, json!(null));
        factor(&mut h, 5, "l5", json!({"dag": 5, "status": "done"}));
        let k = kinds(&h.findings());
        assert_eq!(
            k,
            vec![
                "run-failed",
                "wrong-result",
                "unreadable-result",
                "unreadable-result"
            ]
        );
        // A clean history passes, and a run whose end was never seen is merely indeterminate.
        let mut h = H(vec![]);
        factor(&mut h, 1, "l1", json!({"dag": 1, "status": "done"}));
        verify(&mut h, 11, "l1", Ok, json!({"residual": 2e-16}));
        h.ev(
            30.0,
            2,
            Invoke,
            "lambdapack",
            "factor",
            Some("l2"),
            json!(null),
        )
        .ev(
            31.0,
            2,
            Info,
            "lambdapack",
            "factor",
            Some("l2"),
            json!(null),
        );
        let f = h.findings();
        assert!(f.anomalies.is_empty(), "{:?}", f.anomalies);
        assert_eq!(f.checkers["factorization"], 0);
    }

    #[test]
    fn the_residual_tells_a_factor_from_a_wrong_one() {
        use ndarray::array;
        let l = array![[2.0, 0.0], [1.0, 3.0]];
        let a = l.dot(&l.t());
        assert!(crate::factor::relative_residual(&a, &l) < 1e-15);
        let wrong = array![[2.0, 0.0], [1.0, 2.9]];
        assert!(crate::factor::relative_residual(&a, &wrong) > 1e-3);
        assert!(crate::factor::relative_residual(&a, &array![[1.0]]).is_infinite());
    }
}
