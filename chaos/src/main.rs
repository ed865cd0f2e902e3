//! The `slchaos` binary: `run` a fault-injection test against a fresh local cluster, or `check`
//! a recorded history again. Exit 0: no anomaly; 1: anomalies; 2: could not run
//! (or was interrupted before the checks could decide).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use sl_chaos::report::FaultRecord;
use sl_chaos::run::{self, RunOptions, Workload};
use sl_chaos::schedule::Nemesis;

/// slchaos drives real slnode processes under faults and checks what they did.
#[derive(Parser)]
#[command(name = "slchaos", version)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// A fresh cluster, workloads and a seeded nemesis, then heal, final reads and checks.
    Run {
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=20))]
        nodes: u64,
        /// kv, kappa, objstore, lambdapack or all (comma-separated).
        #[arg(long, default_value = "kv")]
        workload: String,
        /// kill, pause, partition, leader, membership or all (comma-separated); none for no faults.
        #[arg(long, default_value = "all")]
        nemesis: String,
        /// Seconds of workload and faults (recovery and final reads come after).
        #[arg(long, default_value_t = 60)]
        duration: u64,
        /// Seed of the fault schedule and the clients' choices (default: from the clock; printed).
        #[arg(long)]
        seed: Option<u64>,
        /// Where history.jsonl, nemesis.jsonl, report.json, timeline.svg and the cluster go.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The report as JSON on stdout instead of the table.
        #[arg(long)]
        json: bool,
        /// The slnode binary (default: next to slchaos).
        #[arg(long)]
        slnode: Option<PathBuf>,
        /// First loopback address of the cluster's nodes.
        #[arg(long, default_value = "127.0.23.11")]
        first_ip: Ipv4Addr,
        #[arg(long, default_value_t = 7800)]
        port: u16,
    },
    /// Runs the checkers again on DIR/history.jsonl (and DIR/nemesis.jsonl when present).
    Check {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// One Markdown table of many runs (each DIR's report.json): per run, then per nemesis.
    Summary {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
}

fn main() {
    let cli = Cli::parse();
    let code = match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("slchaos: {e:#}");
            2
        }
    };
    std::process::exit(code);
}

fn parse_list<T>(text: &str, all: &[T], parse: impl Fn(&str) -> Option<T>) -> anyhow::Result<Vec<T>>
where
    T: Clone,
{
    let mut out = Vec::new();
    for name in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match name {
            "all" => out.extend(all.iter().cloned()),
            "none" => {}
            other => out.push(parse(other).with_context(|| format!("unknown name {other:?}"))?),
        }
    }
    Ok(out)
}

fn execute(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Commands::Run {
            nodes,
            workload,
            nemesis,
            duration,
            seed,
            out,
            json,
            slnode,
            first_ip,
            port,
        } => {
            let workloads: BTreeSet<Workload> = parse_list(
                &workload,
                &[
                    Workload::Kv,
                    Workload::Kappa,
                    Workload::Objstore,
                    Workload::Lambdapack,
                ],
                |n| match n {
                    "kv" => Some(Workload::Kv),
                    "kappa" => Some(Workload::Kappa),
                    "objstore" => Some(Workload::Objstore),
                    "lambdapack" => Some(Workload::Lambdapack),
                    _ => None,
                },
            )
            .context("--workload")?
            .into_iter()
            .collect();
            if workloads.is_empty() {
                bail!("--workload names no workload");
            }
            let mut nemeses: Vec<Nemesis> =
                parse_list(&nemesis, &Nemesis::ALL, Nemesis::parse).context("--nemesis")?;
            nemeses.sort();
            nemeses.dedup();
            if duration == 0 || duration > 24 * 3600 {
                bail!("--duration is seconds, 1 to 86400");
            }
            let slnode = match slnode {
                Some(p) => p,
                None => std::env::current_exe()?
                    .parent()
                    .context("slchaos's directory")?
                    .join("slnode"),
            };
            if !slnode.exists() {
                bail!(
                    "no slnode binary at {} (build it with `cargo build -p sl-cli`, or pass --slnode)",
                    slnode.display()
                );
            }
            let seed = seed.unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
            let out = out.unwrap_or_else(|| PathBuf::from(format!("slchaos-{seed}")));
            if !json {
                eprintln!(
                    "slchaos: seed {seed}, {nodes} nodes, {duration} s, workloads {workload}, nemesis {nemesis}; output in {}",
                    out.display()
                );
            }
            run::install_signal_handlers();
            let result = run::run(&RunOptions {
                slnode,
                nodes: nodes as usize,
                workloads,
                nemeses,
                duration: Duration::from_secs(duration),
                seed,
                out: out.clone(),
                first_ip,
                port,
                quiet: json,
            })?;
            print(&result.report, json)?;
            if !json {
                eprintln!(
                    "history, nemesis log, report and timeline.svg in {}",
                    out.display()
                );
            }
            Ok(sl_chaos::report::exit_code(&result.report))
        }
        Commands::Check { dir, json } => {
            let events = sl_chaos::history::read(&dir.join("history.jsonl"))?;
            let nemesis_path = dir.join("nemesis.jsonl");
            let mut faults: Vec<FaultRecord> = Vec::new();
            if nemesis_path.exists() {
                for (n, line) in std::fs::read_to_string(&nemesis_path)?.lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    faults.push(
                        serde_json::from_str(line)
                            .with_context(|| format!("{}:{}", nemesis_path.display(), n + 1))?,
                    );
                }
            }
            let mut report = run::evaluate(&events, faults, vec![])?;
            // A run cut short says so in its report; the check of its history keeps that.
            let interrupted = std::fs::read_to_string(dir.join("report.json"))
                .ok()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .is_some_and(|r| r["complete"] == serde_json::Value::Bool(false));
            if interrupted {
                sl_chaos::report::mark_incomplete(&mut report);
            }
            print(&report, json)?;
            Ok(sl_chaos::report::exit_code(&report))
        }
        Commands::Summary { dirs } => summary(&dirs),
    }
}

fn print(report: &sl_chaos::report::Report, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        println!("{}", sl_chaos::report::table(report));
    }
    Ok(())
}

/// Reads each run's report.json; a directory without one is named on stderr and skipped.
fn summary(dirs: &[PathBuf]) -> anyhow::Result<i32> {
    let mut reports = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let path = dir.join("report.json");
        match std::fs::read_to_string(&path) {
            Ok(text) => reports.push(
                serde_json::from_str::<serde_json::Value>(&text)
                    .with_context(|| format!("{}", path.display()))?,
            ),
            Err(e) => eprintln!("slchaos: skipping {}: {e}", path.display()),
        }
    }
    if reports.is_empty() {
        bail!("no report.json in any of the directories");
    }
    print!("{}", sl_chaos::report::summary(&reports));
    Ok(0)
}
