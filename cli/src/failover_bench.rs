//! `slnode bench failover`: what a client sees when the leader's process is killed with SIGKILL.
//!
//! A 3-node cluster of real `slnode` processes (`slnode up` in a temporary directory). Each round
//! a client that knows the current leader kills it, then at once (1) proposes a command through
//! the coordinator client, as every CLI command and worker does, and (2) asks `slnode status`'s
//! question until it names another leader. The figures are the times from the kill to each; the
//! killed node is restarted and caught up before the next round.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command as Process;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::json;
use sl_coordinator::machine::{Command, Reply};
use sl_coordinator::service::Client;

use crate::cluster_cmd::{ClusterArgs, Connection, connect, gather};

/// How long one round may wait for a client to get through before it counts as a failure.
const ROUND_BUDGET: Duration = Duration::from_secs(20);

struct Cluster {
    exe: PathBuf,
    home: tempfile::TempDir,
    dir: PathBuf,
}

impl Cluster {
    fn up(&self) -> Result<()> {
        let out = Process::new(&self.exe)
            .env("HOME", self.home.path())
            .args(["up", "--nodes", "3", "--dir"])
            .arg(&self.dir)
            .output()?;
        if !out.status.success() {
            bail!("slnode up failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(())
    }

    /// The pid of the node whose id is `id`.
    fn pid_of(&self, id: u64) -> Result<i32> {
        for entry in std::fs::read_dir(&self.dir)? {
            let node_dir = entry?.path();
            let paths = sl_node::config::paths(&node_dir);
            let Ok(config) =
                sl_node::config::read_toml::<sl_node::config::NodeConfig>(&paths.config)
            else {
                continue;
            };
            if config.id == id {
                let pid = std::fs::read_to_string(&paths.pid)
                    .with_context(|| paths.pid.display().to_string())?;
                return pid
                    .trim()
                    .parse()
                    .context("a pid file that holds no number");
            }
        }
        bail!("no node directory under {} has id {id}", self.dir.display())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Process::new(&self.exe)
            .env("HOME", self.home.path())
            .args(["down", "--dir"])
            .arg(&self.dir)
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn kv_put(round: usize) -> Command {
    Command::KvPut {
        key: "bench/failover".into(),
        label: sl_labels::Lattice::bottom(&sl_labels::Policy::tags_only()),
        value: round.to_le_bytes().to_vec(),
    }
}

struct Round {
    client_ms: f64,
    status_ms: f64,
    old_leader: u64,
    new_leader: u64,
}

async fn one_round(connection: &Connection, cluster: &Cluster, round: usize) -> Result<Round> {
    let status = gather(connection).await?;
    let old_leader = status
        .leader
        .ok_or_else(|| anyhow!("no leader before the kill: {}", status.verdict))?;
    let replicas: BTreeMap<u64, SocketAddr> = status
        .nodes
        .iter()
        .filter_map(|n| Some((n.id, n.addr.parse().ok()?)))
        .collect();
    let client = Client::new(connection.endpoint.clone(), replicas);
    // The client learns who leads, as a long-lived one (a worker, a CLI mid-command) would have.
    client.propose(&kv_put(round)).await?;
    let pid = cluster.pid_of(old_leader)?;
    // SAFETY: SIGKILL to a pid this benchmark's own `slnode up` started.
    if unsafe { libc::kill(pid, libc::SIGKILL) } != 0 {
        bail!("kill -9 {pid}: {}", std::io::Error::last_os_error());
    }
    let killed = Instant::now();
    let through_client = async {
        match tokio::time::timeout(ROUND_BUDGET, client.propose(&kv_put(round))).await {
            Ok(Ok(Reply::Rejected(reject))) => Err(anyhow!("the put was rejected: {reject:?}")),
            Ok(Ok(_)) => Ok(killed.elapsed()),
            Ok(Err(e)) => Err(anyhow!("the client gave up: {e}")),
            Err(_) => Err(anyhow!("no commit within {ROUND_BUDGET:?} of the kill")),
        }
    };
    let through_status = async {
        while killed.elapsed() < ROUND_BUDGET {
            if let Ok(status) = gather(connection).await
                && let Some(leader) = status.leader
                && leader != old_leader
            {
                return Ok((killed.elapsed(), leader));
            }
        }
        Err(anyhow!(
            "status named no new leader within {ROUND_BUDGET:?}"
        ))
    };
    let (client_took, status_took) = tokio::join!(through_client, through_status);
    let (status_took, new_leader) = status_took?;
    Ok(Round {
        client_ms: client_took?.as_secs_f64() * 1e3,
        status_ms: status_took.as_secs_f64() * 1e3,
        old_leader,
        new_leader,
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub fn failover(first_ip: &str, rounds: usize, json_out: bool) -> Result<i32> {
    if !(1..=100).contains(&rounds) {
        bail!("--rounds must be between 1 and 100");
    }
    let home = tempfile::tempdir()?;
    let dir = tempfile::tempdir()?.keep();
    let cluster = Cluster {
        exe: std::env::current_exe()?,
        home,
        dir,
    };
    let out = Process::new(&cluster.exe)
        .env("HOME", cluster.home.path())
        .args(["up", "--nodes", "3", "--first-ip", first_ip, "--dir"])
        .arg(&cluster.dir)
        .output()?;
    if !out.status.success() {
        bail!("slnode up failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let runtime = crate::cluster_cmd::client_runtime()?;
    let connection = connect(
        &ClusterArgs {
            config: Some(cluster.dir.join("client.toml")),
            ..Default::default()
        },
        &runtime,
    )?;
    let mut results = Vec::new();
    for round in 0..rounds {
        let result = runtime.block_on(one_round(&connection, &cluster, round))?;
        if !json_out {
            eprintln!(
                "round {:>2}: killed leader {}, node {} leads; client through in {:.0} ms, status names it in {:.0} ms",
                round + 1,
                result.old_leader,
                result.new_leader,
                result.client_ms,
                result.status_ms
            );
        }
        results.push(result);
        // The killed node back and caught up, so every round starts from three healthy voters.
        cluster.up()?;
    }
    report(&results, json_out)
}

fn report(results: &[Round], json_out: bool) -> Result<i32> {
    let mut client: Vec<f64> = results.iter().map(|r| r.client_ms).collect();
    let mut status: Vec<f64> = results.iter().map(|r| r.status_ms).collect();
    client.sort_by(f64::total_cmp);
    status.sort_by(f64::total_cmp);
    let summary = |v: &[f64]| {
        json!({
            "p50": percentile(v, 0.5),
            "p99": percentile(v, 0.99),
            "max": v.last().copied().unwrap_or(f64::NAN),
        })
    };
    let report = json!({
        "rounds": results.len(),
        "client_commit_ms": summary(&client),
        "status_new_leader_ms": summary(&status),
        "goal_ms": 1000,
    });
    if json_out {
        println!("{report}");
    } else {
        println!(
            "Failover after kill -9 of the leader, 3 real slnode processes, {} rounds",
            results.len()
        );
        println!(
            "  a client's next command committed   p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms   (goal < 1000 ms)",
            percentile(&client, 0.5),
            percentile(&client, 0.99),
            client.last().copied().unwrap_or(f64::NAN)
        );
        println!(
            "  `slnode status` names the new leader p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            percentile(&status, 0.5),
            percentile(&status, 0.99),
            status.last().copied().unwrap_or(f64::NAN)
        );
    }
    Ok(0)
}
