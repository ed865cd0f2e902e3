//! `slchaos run`: a fresh cluster, the workloads, the nemesis on its schedule, heal, recover,
//! final reads, checks. Every fault is undone on every way out (the cluster's `Drop`, the
//! interrupt flag the signal handler sets).

use std::collections::BTreeSet;
use std::io::Write;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::checks;
use crate::cluster::Cluster;
use crate::effects::EffectService;
use crate::factor;
use crate::history::{self, Recorder};
use crate::report::{self, FaultRecord, Report};
use crate::schedule::{self, Cut, Fault, Nemesis, Rng, Target};
use crate::workloads::{self, Client};

/// How long past a kappa job's recovery budget a client may take before it is cut off.
const CLIENT_GRACE: Duration = Duration::from_secs(30);
/// The objstore workload's final reads together (every key from every live node).
const FINAL_READS_BUDGET: Duration = Duration::from_secs(180);
/// How long a membership change waits for the leader to restore the configured voters.
const PROMOTION_WAIT: Duration = Duration::from_secs(30);
/// How long a fault aimed at the leader waits for the cluster to have one.
const LEADER_WAIT: Duration = Duration::from_secs(10);
/// The final reads of every factorization together.
const VERIFY_BUDGET: Duration = Duration::from_secs(180);

/// Set by SIGINT/SIGTERM: the run stops, heals and reports what it has.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

pub fn install_signal_handlers() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Workload {
    Kv,
    Kappa,
    Objstore,
    Lambdapack,
}

pub struct RunOptions {
    pub slnode: PathBuf,
    pub nodes: usize,
    pub workloads: BTreeSet<Workload>,
    pub nemeses: Vec<Nemesis>,
    pub duration: Duration,
    pub seed: u64,
    pub out: PathBuf,
    pub first_ip: Ipv4Addr,
    pub port: u16,
    /// No progress line (for `--json` and tests).
    pub quiet: bool,
}

/// What a run produced; `report` is `None` when it could not run.
pub struct RunResult {
    pub report: Report,
}

pub fn run(options: &RunOptions) -> anyhow::Result<RunResult> {
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("creating {}", options.out.display()))?;
    let started = Instant::now();
    let recorder = Recorder::streaming(started, &options.out.join("history.jsonl"))
        .with_context(|| format!("creating {}", options.out.join("history.jsonl").display()))?;
    let mut notes = Vec::new();
    let cluster = Cluster::up(
        &options.slnode,
        &options.out.join("cluster"),
        options.nodes,
        options.first_ip,
        options.port,
    )?;
    let cluster = Arc::new(Mutex::new(cluster));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let config: sl_node::config::ClientConfig =
        sl_node::read_client_config(&options.out.join("cluster/client.toml"))?;
    let client = {
        let _entered = runtime.enter();
        let ca = sl_rpc::pki::parse_cert(&config.ca_pem, "the cluster's CA")?;
        let mut rpc = sl_rpc::endpoint::Options::new("0.0.0.0:0".parse().expect("literal"));
        rpc.connect_timeout = Duration::from_millis(1500);
        rpc.request_timeout = workloads::ATTEMPT_TIMEOUT;
        Client {
            endpoint: sl_rpc::Endpoint::client(rpc, &ca, &config.token)?,
            addrs: Arc::new(Mutex::new(config.cluster.clone())),
            leader: Arc::default(),
            recorder: recorder.clone(),
            stop: Arc::default(),
        }
    };
    let service = EffectService::start(recorder.clone())?;
    if options.workloads.contains(&Workload::Kappa) {
        runtime.block_on(workloads::add_service(&client, &service.url()))?;
    }

    let mut rng = Rng::new(options.seed);
    let schedule = schedule::plan(
        rng.next_u64(),
        &options.nemeses,
        options.nodes as u64,
        options.duration.as_millis() as u64,
    );
    let run_start = Instant::now();
    let offset_ms = recorder.now_ms();
    let mut tasks = Vec::new();
    let mut factor_tasks = Vec::new();
    let objects: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let cli = {
        let cluster = cluster.lock().unwrap_or_else(|e| e.into_inner());
        factor::Cli {
            slnode: options.slnode.clone(),
            config: cluster.client_config.clone(),
            home: cluster.dir.join("home"),
            scratch: options.out.join("scratch"),
        }
    };
    for w in &options.workloads {
        let count = match w {
            Workload::Kv => 5,
            Workload::Kappa => 2,
            Workload::Objstore => 2,
            Workload::Lambdapack => 1,
        };
        for i in 0..count {
            let (c, r) = (client.clone(), rng.fork());
            let seed = options.seed;
            let objects = objects.clone();
            match w {
                Workload::Kv => tasks.push(runtime.spawn(workloads::kv_worker(c, r, run_start))),
                Workload::Kappa => {
                    tasks.push(runtime.spawn(workloads::kappa_worker(c, r, i, seed)));
                }
                Workload::Objstore => {
                    tasks.push(runtime.spawn(workloads::objstore_worker(c, r, i, objects)));
                }
                Workload::Lambdapack => {
                    std::fs::create_dir_all(&cli.scratch)?;
                    factor_tasks.push(runtime.spawn(factor::worker(c, cli.clone(), r, seed)));
                }
            }
        }
    }

    // The nemesis on this thread; the workloads on the runtime.
    let faults = nemesis(
        &cluster, &client, &runtime, &schedule, run_start, offset_ms, options,
    );
    client.stop.store(true, Ordering::SeqCst);
    let problems = cluster.lock().unwrap_or_else(|e| e.into_inner()).heal_all();
    notes.extend(problems.into_iter().map(|p| format!("healing: {p}")));
    let healthy = wait_healthy(&runtime, &client, Duration::from_secs(60));
    if !healthy {
        notes.push("the cluster had no leader 60 s after healing".into());
    }
    if !options.quiet {
        eprintln!("\nhealed; waiting for in-flight jobs and reading back…");
    }
    // Every client ends by itself within its recovery budget; past that deadline it is cut off
    // (its open operation stays indeterminate) so that a stuck client cannot hang the run.
    // After Ctrl-C nobody waits for recovery: what is open stays indeterminate.
    let deadline = Instant::now() + workloads::JOB_RECOVERY + CLIENT_GRACE;
    let mut stuck = 0;
    for task in tasks {
        match join_until(&runtime, task, deadline) {
            Some(_) => {}
            None => stuck += 1,
        }
    }
    let mut factored = Vec::new();
    for task in factor_tasks {
        match join_until(&runtime, task, deadline) {
            Some(Ok(done)) => factored.extend(done),
            Some(Err(e)) => notes.push(format!("a lambdapack client failed: {e}")),
            None => stuck += 1,
        }
    }
    if stuck > 0 {
        notes.push(format!(
            "{stuck} client(s) had not finished {:?} after healing and were cut off; their open \
             operations are indeterminate",
            workloads::JOB_RECOVERY + CLIENT_GRACE
        ));
    }
    if !factored.is_empty() && !INTERRUPTED.load(Ordering::SeqCst) {
        let verify = factor::verify_all(&client, &cli, &factored);
        if runtime
            .block_on(async { tokio::time::timeout(VERIFY_BUDGET, verify).await })
            .is_err()
        {
            notes.push(format!(
                "reading factors back took over {VERIFY_BUDGET:?}; the rest are unverified"
            ));
        }
        let _ = std::fs::remove_dir_all(&cli.scratch);
    }
    if options.workloads.contains(&Workload::Objstore) {
        let nodes: Vec<(String, std::net::SocketAddr)> = cluster
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .live()
            .iter()
            .map(|m| (m.name.clone(), m.addr))
            .collect();
        let keys = objects.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let reads = runtime.spawn({
            let client = client.clone();
            async move { workloads::objstore_final_reads(&client, &keys, &nodes).await }
        });
        if join_until(&runtime, reads, Instant::now() + FINAL_READS_BUDGET).is_none() {
            notes.push(format!(
                "the final reads were cut off after {FINAL_READS_BUDGET:?} (or by an interrupt); \
                 objects not read back are reported unreadable"
            ));
        }
    }
    // Read once, right after the final phase: an interrupt from here on cuts nothing short
    // that the checks depend on, and must not excuse what that phase found.
    let interrupted = INTERRUPTED.load(Ordering::SeqCst);
    // Give the service a moment for calls still in flight, then stop everything.
    std::thread::sleep(Duration::from_millis(200));
    drop(service);
    cluster.lock().unwrap_or_else(|e| e.into_inner()).down();
    if interrupted {
        notes.push("interrupted: the run was cut short (Ctrl-C); faults were undone".into());
    }

    let events = recorder.events();
    if !recorder.close_stream() {
        history::write(&options.out.join("history.jsonl"), &events)?;
    }
    let mut report = evaluate(&events, faults, notes)?;
    // After the evaluation, so each fault carries its failover time.
    let mut nemesis_file = std::fs::File::create(options.out.join("nemesis.jsonl"))?;
    for f in &report.faults {
        serde_json::to_writer(&mut nemesis_file, f)?;
        nemesis_file.write_all(b"\n")?;
    }
    if interrupted {
        report::mark_incomplete(&mut report);
    }
    report.seed = Some(options.seed);
    report.nodes = Some(options.nodes);
    report.duration_s = Some(options.duration.as_secs());
    report.workloads = options
        .workloads
        .iter()
        .map(|w| format!("{w:?}").to_lowercase())
        .collect();
    report.nemeses = options
        .nemeses
        .iter()
        .map(|n| format!("{n:?}").to_lowercase())
        .collect();
    finish_files(&options.out, &events, &report)?;
    Ok(RunResult { report })
}

/// The task's end, or `None` (the task aborted) once `deadline` passes or an interrupt arrives
/// while waiting (a Ctrl-C during the final phase ends it within a moment).
fn join_until<T: Send + 'static>(
    runtime: &tokio::runtime::Runtime,
    task: tokio::task::JoinHandle<T>,
    deadline: Instant,
) -> Option<Result<T, tokio::task::JoinError>> {
    let abort = task.abort_handle();
    let interrupted = async {
        while !INTERRUPTED.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // What is already answering gets a moment to finish.
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    let ended = runtime.block_on(async {
        tokio::select! {
            ended = task => Some(ended),
            () = tokio::time::sleep_until(deadline.into()) => None,
            () = interrupted => None,
        }
    });
    if ended.is_none() {
        abort.abort();
    }
    ended
}

/// Checks a history and its faults: the part `slchaos check` repeats.
pub fn evaluate(
    events: &[history::Event],
    mut faults: Vec<FaultRecord>,
    notes: Vec<String>,
) -> anyhow::Result<Report> {
    let ops = history::pair(events).map_err(|e| anyhow::anyhow!("malformed history: {e}"))?;
    let findings = checks::check(&ops);
    report::failovers(&ops, &mut faults);
    let mut report = Report {
        seed: None,
        nodes: None,
        duration_s: None,
        workloads: vec![],
        nemeses: vec![],
        valid: true,
        complete: true,
        findings,
        faults,
        failover_p50_ms: None,
        failover_p99_ms: None,
        failover_max_ms: None,
        failover_by_fault: Default::default(),
        nemesis_errors: 0,
        availability: Default::default(),
        notes,
    };
    report::finish(&mut report);
    Ok(report)
}

pub fn finish_files(out: &Path, events: &[history::Event], report: &Report) -> anyhow::Result<()> {
    std::fs::write(
        out.join("report.json"),
        serde_json::to_string_pretty(report)?,
    )?;
    let ops = history::pair(events).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Err(e) = crate::plot::timeline(&out.join("timeline.svg"), &ops, &report.faults) {
        eprintln!("slchaos: could not draw the timeline: {e}");
    }
    Ok(())
}

fn wait_healthy(runtime: &tokio::runtime::Runtime, client: &Client, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if runtime.block_on(client.find_leader()).is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

/// Sleeps until `until` in small steps; false when interrupted.
fn sleep_until(until: Instant, progress: &mut dyn FnMut()) -> bool {
    while Instant::now() < until {
        if INTERRUPTED.load(Ordering::SeqCst) {
            return false;
        }
        progress();
        std::thread::sleep(Duration::from_millis(100).min(until - Instant::now()));
    }
    !INTERRUPTED.load(Ordering::SeqCst)
}

#[allow(clippy::too_many_arguments)]
fn nemesis(
    cluster: &Arc<Mutex<Cluster>>,
    client: &Client,
    runtime: &tokio::runtime::Runtime,
    schedule: &[schedule::Step],
    run_start: Instant,
    offset_ms: f64,
    options: &RunOptions,
) -> Vec<FaultRecord> {
    let mut faults: Vec<FaultRecord> = Vec::new();
    let mut last_print = Instant::now() - Duration::from_secs(1);
    let mut current = String::from("-");
    let mut progress = |current: &str| {
        if options.quiet || last_print.elapsed() < Duration::from_millis(500) {
            return;
        }
        last_print = Instant::now();
        let ops = client.recorder.len();
        eprint!(
            "\r[{:>4.0}s/{}s] {ops} events, fault: {current:<40}",
            run_start.elapsed().as_secs_f64(),
            options.duration.as_secs()
        );
        let _ = std::io::stderr().flush();
    };
    for step in schedule {
        if !sleep_until(run_start + Duration::from_millis(step.at_ms), &mut || {
            progress(&current)
        }) {
            return faults;
        }
        let start_ms = client.recorder.now_ms();
        let (nodes, error) = match start_fault(cluster, client, runtime, &step.fault) {
            Ok(nodes) => (nodes, None),
            Err(e) => (vec![], Some(e.to_string())),
        };
        current = format!("{} [{}]", step.fault.name(), nodes.join(","));
        faults.push(FaultRecord {
            fault: step.fault.name(),
            nodes: nodes.clone(),
            start_ms,
            heal_ms: None,
            error,
            failover_ms: None,
        });
        let held = sleep_until(
            run_start + Duration::from_millis(step.at_ms + step.hold_ms),
            &mut || progress(&current),
        );
        let problems = cluster.lock().unwrap_or_else(|e| e.into_inner()).heal_all();
        if let Some(f) = faults.last_mut() {
            f.heal_ms = Some(client.recorder.now_ms());
            if !problems.is_empty() {
                f.error = Some(problems.join("; "));
            }
        }
        current = "-".into();
        if !held {
            return faults;
        }
    }
    let _ = offset_ms;
    sleep_until(run_start + options.duration, &mut || progress(&current));
    faults
}

/// Resolves the fault's targets and does it; returns the names of the nodes it hit.
fn start_fault(
    cluster: &Arc<Mutex<Cluster>>,
    client: &Client,
    runtime: &tokio::runtime::Runtime,
    fault: &Fault,
) -> anyhow::Result<Vec<String>> {
    // A fault aimed at the leader waits for one (an election after the previous fault may
    // still run) rather than hitting some other node under the leader's name.
    let aims_at_leader = matches!(
        fault,
        Fault::Kill {
            who: Target::Leader
        } | Fault::Pause {
            who: Target::Leader
        } | Fault::Partition {
            cut: Cut::Isolate(Target::Leader)
        }
    );
    let mut leader = runtime.block_on(client.leader_status());
    let deadline = Instant::now() + LEADER_WAIT;
    while aims_at_leader && leader.is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        leader = runtime.block_on(client.leader_status());
    }
    let leader_addr = leader.as_ref().map(|(addr, _)| *addr);
    // The voters of the configuration now (a node that joined may still be a learner): a
    // "minority" is a minority of these, so a quorum of voters always survives it.
    let voter_addrs: Vec<std::net::SocketAddr> = leader
        .as_ref()
        .map(|(_, status)| {
            status
                .members
                .iter()
                .filter(|m| status.voters.contains(&m.id))
                .filter_map(|m| m.addr.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let mut c = cluster.lock().unwrap_or_else(|e| e.into_inner());
    let live: Vec<(usize, String, std::net::SocketAddr)> = c
        .live()
        .iter()
        .map(|m| (m.index, m.name.clone(), m.addr))
        .collect();
    let leader_pos = leader_addr.and_then(|a| live.iter().position(|(_, _, addr)| *addr == a));
    if aims_at_leader && leader_pos.is_none() {
        anyhow::bail!("no leader found within {LEADER_WAIT:?}; the fault was not done");
    }
    let pick = |t: &Target| -> Vec<usize> {
        match t {
            Target::One(n) => vec![*n as usize % live.len()],
            Target::Leader => vec![leader_pos.unwrap_or(0)],
            Target::Minority(n) => {
                let voters: Vec<usize> = (0..live.len())
                    .filter(|p| voter_addrs.contains(&live[*p].2))
                    .collect();
                if voters.is_empty() {
                    // No leader to ask: the configured count, over whoever runs.
                    let k = (c.voters.min(live.len()).saturating_sub(1) / 2).max(1);
                    (0..k).map(|j| (*n as usize + j) % live.len()).collect()
                } else {
                    let k = (voters.len().saturating_sub(1) / 2).max(1);
                    (0..k)
                        .map(|j| voters[(*n as usize + j) % voters.len()])
                        .collect()
                }
            }
        }
    };
    let names = |positions: &[usize]| positions.iter().map(|p| live[*p].1.clone()).collect();
    match fault {
        Fault::Kill { who } => {
            let targets = pick(who);
            for p in &targets {
                c.kill(live[*p].0)?;
            }
            Ok(names(&targets))
        }
        Fault::Pause { who } => {
            let targets = pick(who);
            for p in &targets {
                c.pause(live[*p].0)?;
            }
            Ok(names(&targets))
        }
        Fault::Partition { cut } => {
            let (left, right) = schedule::sides(cut, live.len(), leader_pos);
            let ids = |side: &[usize]| side.iter().map(|p| live[*p].0).collect::<Vec<_>>();
            c.partition(&ids(&left), &ids(&right))?;
            let mut hit: Vec<String> = left.iter().map(|p| live[*p].1.clone()).collect();
            hit.push("|".into());
            hit.extend(right.iter().map(|p| live[*p].1.clone()));
            if let Cut::Bridge(_) = cut {
                hit.push("(bridge: the rest)".into());
            }
            Ok(hit)
        }
        Fault::Churn { who } => {
            // Never the bootstrap node: it admits joiners.
            let candidates: Vec<usize> = (0..live.len()).filter(|p| live[*p].0 != 1).collect();
            if candidates.is_empty() {
                anyhow::bail!("no member other than the bootstrap node can leave");
            }
            let p = candidates[*who as usize % candidates.len()];
            let leaving = live[p].clone();
            c.leave(leaving.0)?;
            client
                .addrs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|a| *a != leaving.2);
            let joined = c.join_new()?;
            let new = c
                .members
                .iter()
                .find(|m| m.index == joined)
                .map(|m| (m.name.clone(), m.addr))
                .context("the node that just joined is not among the members")?;
            client
                .addrs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(new.1);
            let wanted = c.voters;
            drop(c);
            // As a Jepsen membership nemesis waits for the membership to converge: until the
            // leader has promoted a learner back to the configured voters, the cluster runs with
            // one voter fewer, and the next fault would meet a cluster smaller than it thinks.
            let deadline = Instant::now() + PROMOTION_WAIT;
            loop {
                let voters = runtime
                    .block_on(client.leader_status())
                    .map(|(_, status)| status.voters.len());
                if voters.is_some_and(|v| v >= wanted) {
                    break;
                }
                if Instant::now() > deadline || INTERRUPTED.load(Ordering::SeqCst) {
                    anyhow::bail!(
                        "{} voters of {wanted} {PROMOTION_WAIT:?} after {} joined (-{} +{})",
                        voters.map_or("no leader, unknown".into(), |v| v.to_string()),
                        new.0,
                        leaving.1,
                        new.0
                    );
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            Ok(vec![format!("-{}", leaving.1), format!("+{}", new.0)])
        }
    }
}
