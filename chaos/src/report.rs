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
    /// Share of completed operations (kv, objstore) that succeeded, per workload.
    pub availability: std::collections::BTreeMap<String, f64>,
    pub notes: Vec<String>,
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
/// was interrupted before its final phase and found nothing that stands regardless).
pub fn exit_code(report: &Report) -> i32 {
    match (report.valid, report.complete) {
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
            availability: Default::default(),
            notes: vec![],
        };
        finish(&mut report);
        report
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
