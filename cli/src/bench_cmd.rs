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
        #[arg(long, default_value_t = 5000, value_parser = crate::args::size::<1, 10_000_000>)]
        echo_calls: usize,
        #[arg(long, default_value_t = 64, value_parser = crate::args::size::<1, 100_000>)]
        transfers: usize,
        /// At most the transport's largest payload (256 MiB).
        #[arg(long, default_value_t = 8 << 20, value_parser = crate::args::count::<1, { 256 << 20 }>)]
        transfer_bytes: u64,
        #[arg(long)]
        json: bool,
    },
    /// Object store: 8 MiB puts (R=2), local and remote 8 MiB gets, and concurrent 1 KiB durable
    /// puts on a 3-node loopback cluster (real RocksDB and QUIC, one process).
    Objstore {
        #[arg(long, default_value_t = 32, value_parser = crate::args::size::<1, 4096>)]
        tiles: usize,
        #[arg(long, default_value_t = 5000, value_parser = crate::args::size::<1, 10_000_000>)]
        small_puts: usize,
        #[arg(long, default_value_t = 64, value_parser = crate::args::size::<1, 4096>)]
        concurrency: usize,
        #[arg(long)]
        json: bool,
        /// Against the running cluster (found as `slnode status` finds it) instead of an
        /// in-process one: 8 MiB puts and gets through its nodes.
        #[arg(long)]
        live: bool,
        #[command(flatten)]
        cluster: crate::cluster_cmd::ClusterArgs,
    },
    /// Coordinator: latency of a task call carrying a 4 KiB inline checkpoint, committed calls per
    /// second with many in flight, and time from a leader crash to the first call the new leader
    /// commits, on 3 voters over loopback QUIC with synced RocksDB logs (one process).
    Coordinator {
        #[arg(long, default_value_t = 2000, value_parser = crate::args::size::<1, 10_000_000>)]
        calls: usize,
        #[arg(long, default_value_t = 10000, value_parser = crate::args::size::<1, 10_000_000>)]
        throughput_calls: usize,
        #[arg(long, default_value_t = 64, value_parser = crate::args::size::<1, 4096>)]
        concurrency: usize,
        #[arg(long)]
        json: bool,
        /// Against the running cluster instead of an in-process one: submissions with a 4 KiB
        /// argument, one at a time and many in flight (no crash is injected).
        #[arg(long)]
        live: bool,
        #[command(flatten)]
        cluster: crate::cluster_cmd::ClusterArgs,
    },
    /// Kappa on a 3-node loopback cluster it starts (`slnode up` in a temporary directory):
    /// checkpoint latency for 1 KiB–8 MiB of live state, spawn+wait round trip, trivial tasks/s
    /// from `spawn_many`, a chain of 100 dependent tasks, queue ping-pong, and the slowdown of a
    /// CPU-bound task against `slnode run` (default and 1 s forced timeouts); Ray side by side.
    Kappa {
        /// Loopback address of the cluster's first node.
        #[arg(long, default_value = "127.0.6.11")]
        first_ip: String,
        /// A Python with `ray` installed, measured side by side (default: python3, if it has it).
        #[arg(long, value_name = "PYTHON")]
        ray: Option<String>,
        /// Worker slots per node (`slnode up --slots`; default: two per core).
        #[arg(long, default_value_t = crate::cluster_cmd::default_slots(), value_parser = crate::cluster_cmd::slots_in_range)]
        slots: u32,
        #[arg(long)]
        json: bool,
    },
    /// Failover as a client sees it: a 3-node cluster of real processes, the leader killed with
    /// SIGKILL each round; time from the kill to a client's next committed command, and to
    /// `slnode status` naming the new leader.
    Failover {
        /// Loopback address of the cluster's first node.
        #[arg(long, default_value = "127.0.7.11")]
        first_ip: String,
        #[arg(long, default_value_t = 10)]
        rounds: usize,
        #[arg(long)]
        json: bool,
    },
    /// The HTTP gateway on a 3-node loopback cluster it starts: a trivial function's latency one
    /// call at a time (p50/p99) and requests/s from 32 concurrent clients, beside the same
    /// handler through `slnode submit --wait`.
    Gateway {
        /// Loopback address of the cluster's first node.
        #[arg(long, default_value = "127.0.9.11")]
        first_ip: String,
        /// Worker slots per node (`slnode up --slots`; default: two per core): a call's root
        /// holds one while it runs and while its exit commits.
        #[arg(long, default_value_t = crate::cluster_cmd::default_slots(), value_parser = crate::cluster_cmd::slots_in_range)]
        slots: u32,
        #[arg(long)]
        json: bool,
    },
    /// numpywren on a 3-node loopback cluster it starts: Cholesky, GEMM, QR and SVD (values) of
    /// n×n matrices per tile size, beside the local executor and one LAPACK/BLAS call (potrf,
    /// gemm, geqrf, gesdd) in the same run; ratios to the one call, and tile bytes read across
    /// nodes per second.
    Lambdapack {
        /// Loopback address of the cluster's first node.
        #[arg(long, default_value = "127.0.8.11")]
        first_ip: String,
        #[arg(long, default_value_t = 8192, value_parser = crate::args::size::<1, 65536>)]
        n: usize,
        /// Tile sizes, comma-separated; each divides n.
        #[arg(long, value_delimiter = ',', default_values_t = [1024usize, 2048])]
        tiles: Vec<usize>,
        /// Programs, comma-separated: cholesky, gemm, qr, svd.
        #[arg(long, value_delimiter = ',', default_values_t = ["cholesky".to_owned(), "gemm".to_owned()])]
        programs: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Kappa's task machinery in one local process (the `slnode run` runtime): spawn+wait round
    /// trip, trivial tasks per second from `spawn_many`, a chain of 100 dependent tasks, queue
    /// ping-pong, and the slowdown `maybe_pause` checkpoints add to a CPU-bound task.
    KappaLocal {
        #[arg(long)]
        json: bool,
    },
    /// Task state: snapshot and restore time and throughput of VMs with 0.2–14 MB of live
    /// heap (dicts of strings, ints, floats and lists).
    Snapshot {
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
        BenchCommand::Snapshot { json } => crate::lang_bench::snapshot(json),
        BenchCommand::KappaLocal { json } => crate::lang_bench::kappa_local(json),
        BenchCommand::Kappa {
            first_ip,
            ray,
            slots,
            json,
        } => crate::kappa_bench::kappa(&first_ip, ray.as_deref(), slots, json),
        BenchCommand::Failover {
            first_ip,
            rounds,
            json,
        } => crate::failover_bench::failover(&first_ip, rounds, json),
        BenchCommand::Gateway {
            first_ip,
            slots,
            json,
        } => crate::gateway_bench::gateway(&first_ip, slots, json),
        BenchCommand::Lambdapack {
            first_ip,
            n,
            tiles,
            programs,
            json,
        } => crate::lambdapack_bench::lambdapack(&first_ip, n, &tiles, &programs, json),
        BenchCommand::Rpc {
            echo_calls,
            transfers,
            transfer_bytes,
            json,
        } => runtime.block_on(rpc(echo_calls, transfers, transfer_bytes, json)),
        BenchCommand::RpcServer { dir, listen } => runtime.block_on(rpc_server(dir, listen)),
        BenchCommand::Coordinator {
            live: true,
            calls,
            throughput_calls,
            concurrency,
            json,
            cluster,
        } => crate::cluster_cmd::bench_coordinator_live(
            &runtime,
            &cluster,
            calls,
            throughput_calls,
            concurrency,
            json,
        ),
        BenchCommand::Coordinator {
            calls,
            throughput_calls,
            concurrency,
            json,
            ..
        } => runtime.block_on(coordinator(calls, throughput_calls, concurrency, json)),
        BenchCommand::Objstore {
            live: true,
            tiles,
            json,
            cluster,
            ..
        } => crate::cluster_cmd::bench_objstore_live(&runtime, &cluster, tiles, json),
        BenchCommand::Objstore {
            tiles,
            small_puts,
            concurrency,
            json,
            ..
        } => runtime.block_on(objstore(tiles, small_puts, concurrency, json)),
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

    let endpoint = calling_endpoint(&client_identity)?;
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

async fn objstore(tiles: usize, small_puts: usize, concurrency: usize, json: bool) -> Result<i32> {
    use sl_objstore::engine::Engine;
    use sl_objstore::placement::{Member, owners};
    use sl_objstore::store::Store;
    use std::time::Instant;

    let dir = tempdir()?;
    let ca = ClusterCa::generate("bench")?;
    let (members_tx, _) = tokio::sync::watch::channel(Vec::new());
    let policy = Arc::new(sl_labels::Policy::tags_only());
    let mut stores = Vec::new();
    let mut endpoints = Vec::new();
    let mut members = Vec::new();
    for id in 1..=3u64 {
        let engine = Arc::new(Engine::open(&dir.0.join(format!("n{id}")))?);
        let handler = Arc::new(sl_objstore::service::routes(
            sl_rpc::Router::new(),
            engine.clone(),
        ));
        let services = Services {
            handler,
            authenticator: None,
            join: None,
        };
        let endpoint = Endpoint::node(
            Options::new("127.0.0.1:0".parse()?),
            &ca.issue_node(&format!("n{id}"))?,
            services,
        )?;
        members.push(Member {
            id,
            addr: endpoint.local_addr()?,
        });
        stores.push(Store::new(
            id,
            engine,
            endpoint.clone(),
            members_tx.subscribe(),
            2,
            policy.clone(),
        ));
        endpoints.push(endpoint);
    }
    members_tx.send_replace(members.clone());
    let label = sl_labels::Lattice::bottom(&*policy);
    let store = &stores[0];
    let tile = bytes::Bytes::from(vec![0x42u8; 8 << 20]);
    let gib = |bytes: usize, started: Instant| {
        bytes as f64 / started.elapsed().as_secs_f64() / (1u64 << 30) as f64
    };

    let started = Instant::now();
    for i in 0..tiles {
        store
            .put(format!("tile/{i}").as_bytes(), tile.clone(), &label)
            .await?;
    }
    let put_gib_s = gib(tiles * tile.len(), started);

    let (local, remote): (Vec<usize>, Vec<usize>) = (0..tiles).partition(|i| {
        owners(&members, format!("tile/{i}").as_bytes(), 2)
            .iter()
            .any(|m| m.id == 1)
    });
    let local_gib_s = get_rate(store, &local, &label).await?;
    let remote_gib_s = get_rate(store, &remote, &label).await?;

    let started = Instant::now();
    let small = bytes::Bytes::from(vec![7u8; 1024]);
    let mut tasks = Vec::new();
    for worker in 0..concurrency.max(1) {
        let (store, small, label) = (store.clone(), small.clone(), label.clone());
        let count =
            small_puts / concurrency.max(1) + usize::from(worker < small_puts % concurrency.max(1));
        tasks.push(tokio::spawn(async move {
            for j in 0..count {
                store
                    .put(
                        format!("small/{worker}/{j}").as_bytes(),
                        small.clone(),
                        &label,
                    )
                    .await?;
            }
            Ok::<(), sl_objstore::store::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let small_per_s = small_puts as f64 / started.elapsed().as_secs_f64();
    for endpoint in &endpoints {
        endpoint.close().await;
    }
    drop(stores);

    if json {
        println!(
            "{}",
            serde_json::json!({
                "put_8mib_r2_gib_s": put_gib_s,
                "get_8mib_local_gib_s": local_gib_s,
                "get_8mib_remote_gib_s": remote_gib_s,
                "put_1kib_r2_per_s": small_per_s,
                "tiles": tiles, "local_tiles": local.len(), "remote_tiles": remote.len(),
                "small_puts": small_puts, "concurrency": concurrency,
            })
        );
    } else {
        println!("objstore on 3 nodes over loopback, R=2, synced writes");
        println!("  put 8 MiB x{tiles} (both replicas durable)    {put_gib_s:>6.2} GiB/s");
        println!(
            "  get 8 MiB, local replica ({} tiles x4)     {local_gib_s:>6.2} GiB/s",
            local.len()
        );
        println!(
            "  get 8 MiB, remote replica ({} tiles x4)    {remote_gib_s:>6.2} GiB/s",
            remote.len()
        );
        println!(
            "  put 1 KiB x{small_puts}, {concurrency} in flight         {small_per_s:>8.0} /s"
        );
    }
    Ok(0)
}

/// Reads each tile four times through `store`; GiB/s.
async fn get_rate(
    store: &sl_objstore::store::Store,
    keys: &[usize],
    label: &sl_labels::Label,
) -> Result<f64> {
    let started = std::time::Instant::now();
    let mut bytes = 0usize;
    for _ in 0..4 {
        for i in keys {
            bytes += store
                .get(format!("tile/{i}").as_bytes(), label)
                .await?
                .map_or(0, |o| o.bytes.len());
        }
    }
    Ok(bytes as f64 / started.elapsed().as_secs_f64() / (1u64 << 30) as f64)
}

async fn coordinator(
    calls: usize,
    throughput_calls: usize,
    concurrency: usize,
    json: bool,
) -> Result<i32> {
    use sl_coordinator::local::LocalCluster;
    use sl_coordinator::machine::{Call, Checkpoint, Command, Reply, TaskCall};
    use sl_coordinator::service::Client;
    use sl_coordinator::{NodeId, Seq};
    use std::time::Instant;

    let dir = tempdir()?;
    let ca = ClusterCa::generate("bench")?;
    let policy = sl_labels::Policy::tags_only();
    let cluster = LocalCluster::start(&ca, &dir.0, 3, &policy)?;
    let endpoint = calling_endpoint(&ca.issue_node("bench-client")?)?;
    let client = Arc::new(Client::new(endpoint, cluster.addrs.clone()));
    let label = sl_labels::Lattice::bottom(&policy);
    let submit = |request: u64| Command::SubmitJob {
        request,
        label: label.clone(),
        function: "bench".into(),
        args: vec![],
        options: Default::default(),
    };

    // One leased task, then task calls with a 4 KiB inline checkpoint, one at a time.
    client.propose(&submit(u64::MAX)).await?;
    let Reply::Leases(grants) = client
        .propose(&Command::Acquire {
            node: NodeId(1),
            max: 1,
            now_ms: 0,
            lease_ms: u64::MAX / 2,
        })
        .await?
    else {
        bail!("no lease granted");
    };
    let grant = grants
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("no ready task to lease"))?;
    // What a running task sends: a call carrying a 4 KiB checkpoint.
    let checkpoint_call = |grant: &sl_coordinator::machine::Grant, seq: u64| {
        Command::Call(TaskCall {
            task: grant.task,
            epoch: grant.epoch,
            seq: Seq(seq),
            checkpoint: Checkpoint::Inline(vec![seq as u8; 4096]),
            output: String::new(),
            children: Vec::new(),
            call: Call::Checkpoint,
        })
    };
    let mut latencies = Vec::with_capacity(calls);
    for seq in 0..calls as u64 {
        let started = Instant::now();
        let reply = client.propose(&checkpoint_call(&grant, seq)).await?;
        latencies.push(started.elapsed().as_secs_f64() * 1e6);
        if reply != Reply::Ok {
            bail!("task call {seq} answered {reply:?}");
        }
    }
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];

    // Many task calls in flight (what running tasks send: a call with a 4 KiB checkpoint), each
    // of `concurrency` leased tasks one call at a time: committed calls per second.
    let workers = concurrency.max(1);
    for worker in 0..workers {
        client
            .propose(&submit(u64::MAX - 2 - worker as u64))
            .await?;
    }
    let mut leased = Vec::with_capacity(workers);
    for _ in 0..workers {
        if leased.len() >= workers {
            break;
        }
        if let Reply::Leases(grants) = client
            .propose(&Command::Acquire {
                node: NodeId(1),
                max: (workers - leased.len()) as u32,
                now_ms: 0,
                lease_ms: u64::MAX / 2,
            })
            .await?
        {
            leased.extend(grants);
        }
    }
    if leased.len() < workers {
        bail!("{} of {workers} tasks leased", leased.len());
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    let count = throughput_calls / workers;
    for grant in leased {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for seq in 0..count as u64 {
                client.propose(&checkpoint_call(&grant, seq)).await?;
            }
            Ok::<usize, sl_coordinator::service::ClientError>(count)
        }));
    }
    let mut committed = 0;
    for task in tasks {
        committed += task.await??;
    }
    let per_second = committed as f64 / started.elapsed().as_secs_f64();

    // Failover: crash the leader, then time the first call a new leader commits.
    let leader = client
        .status(1)
        .await
        .and_then(|s| s.leader)
        .ok_or_else(|| anyhow!("no leader"))?;
    let crashed_at = Instant::now();
    cluster.crash(leader).await;
    let survivor = Client::new(
        calling_endpoint(&ca.issue_node("bench-client2")?)?,
        cluster
            .addrs
            .iter()
            .filter(|(id, _)| **id != leader)
            .map(|(id, a)| (*id, *a))
            .collect(),
    );
    survivor.propose(&submit(u64::MAX - 1)).await?;
    let failover = crashed_at.elapsed();
    cluster.shutdown().await;

    if json {
        println!(
            "{}",
            serde_json::json!({
                "call_4kib_checkpoint_p50_us": percentile(0.5),
                "call_4kib_checkpoint_p99_us": percentile(0.99),
                "calls": calls,
                "committed_per_second": per_second,
                "concurrency": concurrency,
                "failover_ms": failover.as_secs_f64() * 1e3,
            })
        );
    } else {
        println!("coordinator: 3 voters over loopback QUIC, synced RocksDB logs");
        println!(
            "  task call + 4 KiB inline checkpoint, {calls} sequential   p50 {:>8.0} µs   p99 {:>8.0} µs",
            percentile(0.5),
            percentile(0.99)
        );
        println!(
            "  task calls (4 KiB checkpoints), {concurrency} in flight      {per_second:>8.0} committed/s"
        );
        println!(
            "  leader crash → first call committed by the new leader   {:>8.0} ms",
            failover.as_secs_f64() * 1e3
        );
    }
    Ok(0)
}

/// An endpoint that only calls out (it serves no methods), as a cluster node on a loopback port.
fn calling_endpoint(identity: &NodeIdentity) -> Result<Endpoint> {
    let services = Services {
        handler: Arc::new(sl_rpc::Router::new()),
        authenticator: None,
        join: None,
    };
    Ok(Endpoint::node(
        Options::new("127.0.0.1:0".parse()?),
        identity,
        services,
    )?)
}
