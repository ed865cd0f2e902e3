//! What a run or a check comes to: the checkers' findings, each fault with its failover time,
//! availability; as `report.json` and as the table printed at the end.

use serde::{Deserialize, Serialize};

use crate::checks::Findings;
use crate::history::{EventType, Op};

/// One fault as `nemesis.jsonl` records it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FaultRecord {
    pub fault: String,
    pub nodes: Vec<String>,
    pub start_ms: f64,
    pub heal_ms: Option<f64>,
    #[serde(default)]
    pub error: Option<String>,
    /// Milliseconds from the fault's start until an operation invoked after it succeeded.
    #[serde(default)]
    pub failover_ms: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub seed: Option<u64>,
    pub nodes: Option<usize>,
    pub duration_s: Option<u64>,
    pub workloads: Vec<String>,
    pub nemeses: Vec<String>,
    pub valid: bool,
    /// False when the run was interrupted before its final phase (waiting for jobs, reading
    /// everything back): what only that phase establishes is then undecided, not an anomaly.
    pub complete: bool,
    pub findings: Findings,
    pub faults: Vec<FaultRecord>,
    pub failover_p50_ms: Option<f64>,
    pub failover_p99_ms: Option<f64>,
    pub failover_max_ms: Option<f64>,
    /// Failover p50/p99 per kind of fault ("kill the leader", "pause one node", …): a fault
    /// that spares the leader scores near zero and would hide the others in one percentile.
    #[serde(default)]
    pub failover_by_fault: std::collections::BTreeMap<String, FailoverFigures>,
    /// Faults the nemesis could not do or undo as scheduled (each has its `error`): a run with
    /// any is not the test it claims to be, so it cannot pass (exit 2 when nothing else fails).
    #[serde(default)]
    pub nemesis_errors: usize,
    /// Share of completed operations that succeeded, per workload.
    pub availability: std::collections::BTreeMap<String, f64>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FailoverFigures {
    pub faults: usize,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

/// Failover after each fault: from its start until the first `ok` completion of a short
/// operation (kv or objstore put) invoked after it. `None` when nothing succeeded afterwards.
pub fn failovers(ops: &[Op], faults: &mut [FaultRecord]) {
    let mut short: Vec<(f64, f64)> = ops
        .iter()
        .filter(|o| {
            o.outcome == EventType::Ok
                && (o.workload == "kv" || (o.workload == "objstore" && o.f == "put"))
        })
        .filter_map(|o| o.complete_ms.map(|c| (o.invoke_ms, c)))
        .collect();
    short.sort_by(|a, b| a.0.total_cmp(&b.0));
    for fault in faults.iter_mut() {
        let t0 = fault.start_ms;
        let first = short
            .iter()
            .skip_while(|(invoke, _)| *invoke < t0)
            .map(|(_, complete)| *complete)
            .reduce(f64::min);
        fault.failover_ms = first.map(|c| c - t0);
    }
}

pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    Some(sorted[rank.min(sorted.len() - 1)])
}

pub fn availability(findings: &Findings) -> std::collections::BTreeMap<String, f64> {
    findings
        .workloads
        .iter()
        .map(|(w, t)| {
            let all = t.ok + t.failed + t.indeterminate;
            (
                w.clone(),
                if all == 0 {
                    1.0
                } else {
                    t.ok as f64 / all as f64
                },
            )
        })
        .collect()
}

pub fn finish(report: &mut Report) {
    let mut times: Vec<f64> = report.faults.iter().filter_map(|f| f.failover_ms).collect();
    times.sort_by(f64::total_cmp);
    report.failover_p50_ms = percentile(&times, 50.0);
    report.failover_p99_ms = percentile(&times, 99.0);
    report.failover_max_ms = times.last().copied();
    let mut by_fault: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for f in &report.faults {
        let entry = by_fault.entry(f.fault.clone()).or_default();
        entry.extend(f.failover_ms);
    }
    report.failover_by_fault = by_fault
        .into_iter()
        .map(|(kind, mut times)| {
            times.sort_by(f64::total_cmp);
            let figures = FailoverFigures {
                faults: report.faults.iter().filter(|f| f.fault == kind).count(),
                p50_ms: percentile(&times, 50.0),
                p99_ms: percentile(&times, 99.0),
            };
            (kind, figures)
        })
        .collect();
    report.nemesis_errors = report.faults.iter().filter(|f| f.error.is_some()).count();
    report.availability = availability(&report.findings);
    report.valid = report.findings.anomalies.is_empty();
}

/// Anomaly kinds that only the final phase can establish: "never ended" and "not readable"
/// mean nothing when nobody waited or read back.
const NEEDS_FINAL_PHASE: &[&str] = &[
    "lost-job",
    "lost-effect",
    "unreadable-result",
    "unreadable-object",
];

/// Marks a report as coming from a run cut short before its final phase: anomalies only that
/// phase could establish become undecided; safety anomalies (stale reads, duplicate effects,
/// wrong results) stand, since nothing later can excuse them.
pub fn mark_incomplete(report: &mut Report) {
    report.complete = false;
    let (open, stand): (Vec<_>, Vec<_>) = std::mem::take(&mut report.findings.anomalies)
        .into_iter()
        .partition(|a| NEEDS_FINAL_PHASE.contains(&a.kind));
    for a in open {
        if let Some(n) = report.findings.checkers.get_mut(a.checker) {
            *n = n.saturating_sub(1);
        }
        report.findings.undecided.push(format!(
            "{} [{}] {} (the run was interrupted before its final phase)",
            a.kind, a.checker, a.message
        ));
    }
    report.findings.anomalies = stand;
    report.valid = report.findings.anomalies.is_empty();
}

/// The exit code a report comes to: 0 no anomaly, 1 anomalies, 2 could not decide (the run
/// was interrupted before its final phase, or faults could not be done as scheduled, and it
/// found nothing that stands regardless).
pub fn exit_code(report: &Report) -> i32 {
    match (report.valid, report.complete && report.nemesis_errors == 0) {
        (false, _) => 1,
        (true, true) => 0,
        (true, false) => 2,
    }
}

/// The table printed at the end.
pub fn table(report: &Report) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "workload   ok      failed  indeterminate  availability"
    );
    for (w, t) in &report.findings.workloads {
        let _ = writeln!(
            out,
            "{w:<10} {:<7} {:<7} {:<14} {:.1}%",
            t.ok,
            t.failed,
            t.indeterminate,
            100.0 * report.availability.get(w).copied().unwrap_or(0.0)
        );
    }
    let _ = writeln!(out, "\nchecker        anomalies");
    for (c, n) in &report.findings.checkers {
        let _ = writeln!(out, "{c:<14} {n}");
    }
    if !report.faults.is_empty() {
        let _ = writeln!(out, "\n  at (s)  held (s)  failover (ms)  fault");
        for f in &report.faults {
            let held = f
                .heal_ms
                .map_or("-".into(), |h| format!("{:.1}", (h - f.start_ms) / 1000.0));
            let failover = f.failover_ms.map_or("never".into(), |t| format!("{t:.0}"));
            let error = f
                .error
                .as_deref()
                .map_or(String::new(), |e| format!("  ({e})"));
            let _ = writeln!(
                out,
                "  {:>6.1}  {held:>8}  {failover:>13}  {} [{}]{error}",
                f.start_ms / 1000.0,
                f.fault,
                f.nodes.join(",")
            );
        }
        let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0} ms"));
        let _ = writeln!(
            out,
            "failover p50 {}, p99 {}, max {}",
            ms(report.failover_p50_ms),
            ms(report.failover_p99_ms),
            ms(report.failover_max_ms)
        );
        for (kind, f) in &report.failover_by_fault {
            let _ = writeln!(
                out,
                "  {kind}: {} fault(s), p50 {}, p99 {}",
                f.faults,
                ms(f.p50_ms),
                ms(f.p99_ms)
            );
        }
    }
    for u in &report.findings.undecided {
        let _ = writeln!(out, "undecided: {u}");
    }
    for n in &report.notes {
        let _ = writeln!(out, "note: {n}");
    }
    if report.valid && !report.complete {
        let _ = writeln!(
            out,
            "\nincomplete: no anomaly found, but the run ended before it could decide"
        );
    } else if report.valid && report.nemesis_errors > 0 {
        let _ = writeln!(
            out,
            "\nundecided: no anomaly found, but {} fault(s) could not be done or undone as \
             scheduled (their errors are above)",
            report.nemesis_errors
        );
    } else if report.valid {
        let _ = writeln!(out, "\nno anomalies");
    } else {
        let _ = writeln!(out, "\n{} anomalies:", report.findings.anomalies.len());
        for a in &report.findings.anomalies {
            let _ = writeln!(out, "  [{}] {}: {}", a.checker, a.kind, a.message);
            let _ = writeln!(out, "    operations: {:?}", a.ops);
        }
    }
    out
}

/// A Markdown table of many runs' `report.json` values: one row per run (nemesis, seed,
/// operations, anomalies, failover p50 / p99, verdict), then one row per nemesis (runs,
/// operations, runs with anomalies, the worst p99).
pub fn summary(reports: &[serde_json::Value]) -> String {
    use std::fmt::Write;
    let ms = |v: &serde_json::Value| v.as_f64().map_or("-".to_owned(), |v| format!("{v:.0}"));
    let operations = |r: &serde_json::Value| -> u64 {
        r["findings"]["workloads"].as_object().map_or(0, |w| {
            w.values()
                .map(|t| {
                    ["ok", "failed", "indeterminate"]
                        .iter()
                        .filter_map(|k| t[*k].as_u64())
                        .sum::<u64>()
                })
                .sum()
        })
    };
    let nemesis = |r: &serde_json::Value| -> String {
        let names: Vec<&str> = r["nemeses"]
            .as_array()
            .map(|a| a.iter().filter_map(|n| n.as_str()).collect())
            .unwrap_or_default();
        if names.len() >= 5 {
            "all".into()
        } else if names.is_empty() {
            "none".into()
        } else {
            names.join(",")
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| nemesis | seed | operations | anomalies | failover p50 / p99 | verdict |\n|---|---|---|---|---|---|"
    );
    // nemesis → (runs, operations, runs with anomalies, worst p99)
    let mut totals: std::collections::BTreeMap<String, (u64, u64, u64, f64)> = Default::default();
    for r in reports {
        let anomalies = r["findings"]["anomalies"].as_array().map_or(0, Vec::len);
        let mut kinds: Vec<&str> = r["findings"]["anomalies"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x["kind"].as_str()).collect())
            .unwrap_or_default();
        kinds.sort_unstable();
        kinds.dedup();
        let verdict = if anomalies > 0 {
            "anomalies"
        } else if r["complete"] == serde_json::Value::Bool(false) {
            "incomplete"
        } else if r["nemesis_errors"].as_u64().unwrap_or(0) > 0 {
            "nemesis errors"
        } else {
            "ok"
        };
        let name = nemesis(r);
        let ops = operations(r);
        let anomalies_text = if anomalies == 0 {
            "0".to_owned()
        } else {
            format!("{anomalies} `{}`", kinds.join("`, `"))
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {ops} | {anomalies_text} | {} / {} ms | {verdict} |",
            r["seed"],
            ms(&r["failover_p50_ms"]),
            ms(&r["failover_p99_ms"]),
        );
        let t = totals.entry(name).or_default();
        t.0 += 1;
        t.1 += ops;
        t.2 += u64::from(anomalies > 0);
        t.3 = t.3.max(r["failover_p99_ms"].as_f64().unwrap_or(0.0));
    }
    let _ = writeln!(
        out,
        "\n| nemesis | runs | operations | runs with anomalies | worst failover p99 |\n|---|---|---|---|---|"
    );
    for (name, (runs, ops, bad, worst)) in totals {
        let _ = writeln!(out, "| {name} | {runs} | {ops} | {bad} | {worst:.0} ms |");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Anomaly;

    fn report_with(kinds: &[&'static str]) -> Report {
        let mut findings = Findings::default();
        for kind in kinds {
            findings.anomalies.push(Anomaly {
                checker: "kappa",
                kind,
                message: format!("a {kind}"),
                ops: vec![1],
            });
            *findings.checkers.entry("kappa").or_default() += 1;
        }
        let mut report = Report {
            seed: None,
            nodes: None,
            duration_s: None,
            workloads: vec![],
            nemeses: vec![],
            valid: true,
            complete: true,
            findings,
            faults: vec![],
            failover_p50_ms: None,
            failover_p99_ms: None,
            failover_max_ms: None,
            failover_by_fault: Default::default(),
            nemesis_errors: 0,
            availability: Default::default(),
            notes: vec![],
        };
        finish(&mut report);
        report
    }

    fn fault(kind: &str, failover_ms: f64, error: Option<&str>) -> FaultRecord {
        FaultRecord {
            fault: kind.into(),
            nodes: vec!["node-1".into()],
            start_ms: 1000.0,
            heal_ms: Some(3000.0),
            error: error.map(str::to_owned),
            failover_ms: Some(failover_ms),
        }
    }

    #[test]
    fn the_summary_has_a_row_per_run_and_per_nemesis() {
        let run = |nemeses: &[&str], seed: u64, p99: f64, anomalies: &[&str]| {
            serde_json::json!({
                "seed": seed,
                "nemeses": nemeses,
                "complete": true,
                "nemesis_errors": 0,
                "failover_p50_ms": 20.0,
                "failover_p99_ms": p99,
                "findings": {
                    "workloads": {"kv": {"ok": 90, "failed": 5, "indeterminate": 5}},
                    "anomalies": anomalies.iter().map(|k| serde_json::json!({"kind": k})).collect::<Vec<_>>(),
                },
            })
        };
        let text = summary(&[
            run(&["kill"], 1, 400.0, &[]),
            run(&["kill"], 2, 900.0, &["lost-object", "lost-object"]),
            run(
                &["kill", "pause", "partition", "leader", "membership"],
                3,
                50.0,
                &[],
            ),
        ]);
        assert!(
            text.contains("| kill | 1 | 100 | 0 | 20 / 400 ms | ok |"),
            "{text}"
        );
        assert!(
            text.contains("| kill | 2 | 100 | 2 `lost-object` | 20 / 900 ms | anomalies |"),
            "{text}"
        );
        assert!(text.contains("| kill | 2 | 200 | 1 | 900 ms |"), "{text}");
        assert!(text.contains("| all | 1 | 100 | 0 | 50 ms |"), "{text}");
    }

    /// A run whose nftables rules failed once passed as if it had partitioned the cluster.
    #[test]
    fn a_fault_that_could_not_be_done_makes_the_run_undecided() {
        let mut report = report_with(&[]);
        report.faults = vec![
            fault("kill the leader", 400.0, None),
            fault(
                "isolate one node",
                5.0,
                Some("nft: Operation not permitted"),
            ),
        ];
        finish(&mut report);
        assert_eq!(report.nemesis_errors, 1);
        assert_eq!(exit_code(&report), 2);
        assert!(table(&report).contains("could not be done"));
        report.faults.pop();
        finish(&mut report);
        assert_eq!(exit_code(&report), 0);
        // Anomalies still say 1 whatever the nemesis did.
        let mut bad = report_with(&["stale-read"]);
        bad.faults = vec![fault("pause one node", 5.0, Some("no such process"))];
        finish(&mut bad);
        assert_eq!(exit_code(&bad), 1);
    }

    #[test]
    fn failover_is_summarised_per_kind_of_fault() {
        let mut report = report_with(&[]);
        report.faults = vec![
            fault("kill the leader", 400.0, None),
            fault("kill the leader", 900.0, None),
            fault("pause one node", 3.0, None),
        ];
        finish(&mut report);
        let leader = &report.failover_by_fault["kill the leader"];
        assert_eq!(
            (leader.faults, leader.p50_ms, leader.p99_ms),
            (2, Some(900.0), Some(900.0))
        );
        assert_eq!(report.failover_by_fault["pause one node"].p99_ms, Some(3.0));
        assert!(table(&report).contains("kill the leader: 2 fault(s)"));
    }

    /// Ctrl-C before the final phase once reported every job still running as lost.
    #[test]
    fn an_interrupted_run_leaves_liveness_undecided_and_keeps_safety_anomalies() {
        let mut only_liveness = report_with(&["lost-job", "unreadable-object"]);
        assert_eq!(exit_code(&only_liveness), 1);
        mark_incomplete(&mut only_liveness);
        assert!(only_liveness.findings.anomalies.is_empty());
        assert_eq!(only_liveness.findings.undecided.len(), 2);
        assert_eq!(only_liveness.findings.checkers["kappa"], 0);
        assert_eq!(exit_code(&only_liveness), 2);
        assert!(table(&only_liveness).contains("incomplete"));

        let mut with_safety = report_with(&["lost-job", "duplicate-effect"]);
        mark_incomplete(&mut with_safety);
        assert_eq!(with_safety.findings.anomalies.len(), 1);
        assert_eq!(with_safety.findings.anomalies[0].kind, "duplicate-effect");
        assert_eq!(exit_code(&with_safety), 1);

        assert_eq!(exit_code(&report_with(&[])), 0);
    }
}
