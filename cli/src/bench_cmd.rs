//! `slnode bench …`: measurements against real processes, printed as a table or JSON.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use sl_rpc::endpoint::{Endpoint, Options, Services};
use sl_rpc::pki::{ClusterCa, NodeIdentity};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Transport: echo latency of 100-byte messages and throughput of 8 MiB payloads between two
    /// slnode processes over loopback QUIC with mutual TLS.
    Rpc {
        #[arg(long, default_value_t = 5000)]
        echo_calls: usize,
        #[arg(long, default_value_t = 64)]
        transfers: usize,
        #[arg(long, default_value_t = 8 << 20)]
        transfer_bytes: u64,
        #[arg(long)]
        json: bool,
    },
    /// The server half of `bench rpc` (started by it; not for direct use).
    #[command(hide = true)]
    RpcServer {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        listen: SocketAddr,
    },
}

pub fn run(command: BenchCommand) -> Result<i32> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    match command {
        BenchCommand::Rpc {
            echo_calls,
            transfers,
            transfer_bytes,
            json,
        } => runtime.block_on(rpc(echo_calls, transfers, transfer_bytes, json)),
        BenchCommand::RpcServer { dir, listen } => runtime.block_on(rpc_server(dir, listen)),
    }
}

/// Kills the server process however the benchmark ends.
struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn rpc(echo_calls: usize, transfers: usize, transfer_bytes: u64, json: bool) -> Result<i32> {
    if transfer_bytes == 0 || transfer_bytes > sl_rpc::bench::DOWNLOAD_BYTES_MAX {
        bail!(
            "--transfer-bytes must be between 1 and {}",
            sl_rpc::bench::DOWNLOAD_BYTES_MAX
        );
    }
    let dir = tempdir()?;
    let ca = ClusterCa::generate("bench")?;
    ca.issue_node("bench-server")?.save(&dir.0)?;
    let client_identity = ca.issue_node("bench-client")?;

    let child = Command::new(std::env::current_exe()?)
        .args(["bench", "rpc-server", "--listen", "127.0.0.1:0", "--dir"])
        .arg(&dir.0)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start the benchmark server process")?;
    let mut server = ServerProcess(child);
    let stdout = server
        .0
        .stdout
        .take()
        .ok_or_else(|| anyhow!("no stdout from the server process"))?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening ")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| anyhow!("server process said {line:?}"))?;

    let services = Services {
        handler: Arc::new(sl_rpc::Router::new()),
        authenticator: None,
        join: None,
    };
    let endpoint = Endpoint::node(
        Options::new("127.0.0.1:0".parse()?),
        &client_identity,
        services,
    )?;
    let report = sl_rpc::bench::run(&endpoint, addr, echo_calls, transfers, transfer_bytes).await?;
    endpoint.close().await;
    drop(server);

    let gib = |mib_s: f64| mib_s / 1024.0;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "echo_calls": report.echo_calls,
                "echo_p50_us": report.echo_p50_us,
                "echo_p99_us": report.echo_p99_us,
                "transfer_bytes": report.transfer_bytes,
                "transfers": report.transfers,
                "upload_one_in_flight_gib_s": gib(report.upload_one_in_flight_mib_s),
                "upload_four_in_flight_gib_s": gib(report.upload_four_in_flight_mib_s),
                "download_one_in_flight_gib_s": gib(report.download_one_in_flight_mib_s),
            })
        );
    } else {
        println!("rpc between two processes over loopback (QUIC, TLS 1.3, mutual auth)");
        println!(
            "  echo 100 B, {} calls       p50 {:>8.1} µs   p99 {:>8.1} µs",
            report.echo_calls, report.echo_p50_us, report.echo_p99_us
        );
        let mib = report.transfer_bytes as f64 / (1 << 20) as f64;
        println!(
            "  upload {mib:.0} MiB x{}, 1 in flight   {:>6.2} GiB/s",
            report.transfers,
            gib(report.upload_one_in_flight_mib_s)
        );
        println!(
            "  upload {mib:.0} MiB x{}, 4 in flight   {:>6.2} GiB/s",
            report.transfers,
            gib(report.upload_four_in_flight_mib_s)
        );
        println!(
            "  download {mib:.0} MiB x{}, 1 in flight {:>6.2} GiB/s",
            report.transfers,
            gib(report.download_one_in_flight_mib_s)
        );
    }
    Ok(0)
}

async fn rpc_server(dir: PathBuf, listen: SocketAddr) -> Result<i32> {
    let identity = NodeIdentity::load(&dir)?;
    let services = Services {
        handler: Arc::new(sl_rpc::bench::router()),
        authenticator: None,
        join: None,
    };
    let endpoint = Endpoint::node(Options::new(listen), &identity, services)?;
    println!("listening {}", endpoint.local_addr()?);
    // Serve until the benchmark kills this process.
    std::future::pending::<()>().await;
    Ok(0)
}

/// A private temporary directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> Result<TempDir> {
    let path = std::env::temp_dir().join(format!("slnode-bench-{}", std::process::id()));
    std::fs::create_dir_all(&path)?;
    Ok(TempDir(path))
}
