//! Cluster commands: `start`, `join`, `run` (a node in the foreground), `up`/`down` (a local
//! cluster of background processes), `status`, `leave`, `remove`, `object put|get`.
//!
//! Every client command finds the cluster through, in order: `--cluster ADDR` and `--token`
//! (or `SLNODE_CLUSTER`, `SLNODE_TOKEN`), `--config FILE` (or `SLNODE_CONFIG`), then
//! `~/.config/slnode/client.toml`, which `start` and `up` write when it does not exist yet.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use sl_coordinator::replica::Membership;
use sl_coordinator::service::{Client, ClientError, Role};
use sl_node::NodeOptions;
use sl_node::admin::{Empty, Found, GetNodeInfo, GetObject, Leave, NodeInfo, ObjectKey, PutObject};
use sl_node::config::ClientConfig;
use sl_rpc::Endpoint;
use sl_rpc::endpoint::Error as RpcError;

pub(crate) fn slots_in_range(text: &str) -> Result<u32, String> {
    crate::args::count::<0, 1024>(text).map(|v| v as u32)
}

/// Kappa worker slots a node offers unless told: two per core (at least 2, at most 64).
///
/// A slot is held from a task's lease to its exit's commit, and a slice spends a good part of
/// that waiting on the coordinator (its calls' and its exit's Raft commits), not computing: one
/// slot per core left a quarter of a 2-core node idle under 32 concurrent gateway calls (~480
/// calls/s; ~680 with two per core, docs/gateway.md). CPU-bound slices then share the cores,
/// which costs the same total time; each keeps its own deadline and checkpoints before it.
/// LAmbdaPACK kernels have their own slots (one per core, `SLNODE_LAMBDAPACK_SLOTS`).
pub(crate) fn default_slots() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores.saturating_mul(2)).clamp(2, 64) as u32
}

/// The HTTP port a node serves on when `--http` is not given (the --listen IP's).
pub const HTTP_PORT: u16 = 7480;

/// `--http`: an address, or `off` for no HTTP service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpAddress {
    Off,
    At(SocketAddr),
}

fn http_address(text: &str) -> Result<HttpAddress, String> {
    if text.eq_ignore_ascii_case("off") || text.eq_ignore_ascii_case("none") {
        return Ok(HttpAddress::Off);
    }
    text.parse()
        .map(HttpAddress::At)
        .map_err(|e| format!("{e}: an address like 127.0.0.1:7480, or off"))
}

#[derive(Args, Clone)]
pub struct NodeArgs {
    /// Where the node keeps its keys, Raft log and objects.
    #[arg(long, default_value = "./slnode-data")]
    pub data_dir: PathBuf,
    /// UDP address the node's QUIC endpoint listens on.
    #[arg(long, default_value = "127.0.0.1:7400")]
    pub listen: SocketAddr,
    /// Address other nodes and clients reach it at (default: --listen).
    #[arg(long)]
    pub advertise: Option<SocketAddr>,
    /// Node name (default: derived from the address).
    #[arg(long)]
    pub name: Option<String>,
    /// Kappa worker slots this node offers (default: two per core).
    #[arg(long, default_value_t = default_slots(), value_parser = slots_in_range)]
    pub slots: u32,
    /// Voters the cluster keeps (3 or 5); further nodes are non-voting members.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=7))]
    pub voters: u64,
    /// TCP address of the node's HTTP gateway, dashboard, /metrics and /healthz (default: the
    /// --listen IP, port 7480), or `off`.
    #[arg(long, value_name = "ADDR|off", value_parser = http_address)]
    pub http: Option<HttpAddress>,
    /// More logs (-v info, -vv debug).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Append logs to this file instead of stderr.
    #[arg(long)]
    pub log: Option<PathBuf>,
}

impl NodeArgs {
    fn options(&self) -> NodeOptions {
        NodeOptions {
            data_dir: self.data_dir.clone(),
            listen: self.listen,
            advertise: self.advertise,
            name: self.name.clone(),
            slots: self.slots,
            voters: self.voters as usize,
            http: match self.http {
                None => Some(SocketAddr::new(self.listen.ip(), HTTP_PORT)),
                Some(HttpAddress::Off) => None,
                Some(HttpAddress::At(addr)) => Some(addr),
            },
        }
    }
}

#[derive(Args, Clone, Default)]
pub struct ClusterArgs {
    /// A node of the cluster (overrides the config file's list).
    #[arg(long, env = "SLNODE_CLUSTER")]
    pub cluster: Option<SocketAddr>,
    /// Bearer token (overrides the config file's).
    #[arg(long, env = "SLNODE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Client config file.
    #[arg(long, env = "SLNODE_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ObjectCommand {
    /// Store a file's bytes under KEY (replicated to R nodes).
    Put {
        key: String,
        file: PathBuf,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Write the object under KEY to stdout (or --out FILE).
    Get {
        key: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
}

fn init_logs(verbose: u8, file: Option<&Path>) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SLNODE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match file.and_then(|f| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(f)
            .ok()
    }) {
        Some(file) => builder
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .try_init(),
        None => builder.with_writer(std::io::stderr).try_init(),
    };
}

/// The node's runtime: an actix system on tokio's multi-threaded runtime, so actors and the
/// QUIC, storage and coordinator tasks share two worker threads.
fn node_runtime() -> actix_rt::SystemRunner {
    actix_rt::System::with_tokio_rt(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("the node's runtime starts")
    })
}

pub(crate) fn user_config_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config/slnode/client.toml"))
}

/// Installs `config` as the user's default client config unless one exists.
fn offer_user_config(config: &ClientConfig) -> Option<PathBuf> {
    let path = user_config_path()?;
    if path.exists() {
        return None;
    }
    std::fs::create_dir_all(path.parent()?).ok()?;
    sl_node::write_toml(&path, config, true).ok()?;
    Some(path)
}

pub fn start(args: NodeArgs, foreground: bool) -> anyhow::Result<i32> {
    init_logs(args.verbose, args.log.as_deref());
    let booted = sl_node::bootstrap(&args.options())?;
    let config: ClientConfig = sl_node::read_client_config(&booted.client_config)?;
    let installed = offer_user_config(&config);
    println!(
        "cluster created; this node is node 1 at {}",
        config.cluster[0]
    );
    println!("join token:  {}", booted.join_token);
    println!("admin token: {}", booted.admin_token);
    println!("client config: {}", booted.client_config.display());
    if let Some(path) = installed {
        println!("  (also installed as {})", path.display());
    }
    println!(
        "add a node:   slnode join {} --token {} --data-dir DIR --listen ADDR",
        config.cluster[0], booted.join_token
    );
    if !foreground {
        return Ok(0);
    }
    run_node(&args.data_dir)
}

pub fn join(
    args: NodeArgs,
    peer: SocketAddr,
    token: String,
    foreground: bool,
) -> anyhow::Result<i32> {
    init_logs(args.verbose, args.log.as_deref());
    let options = args.options();
    let node =
        node_runtime().block_on(async move { sl_node::join(&options, peer, &token).await })?;
    println!(
        "joined as node {} ({}) at {}; it becomes a voter once caught up if the cluster wants more",
        node.id, node.name, node.advertise
    );
    if !foreground {
        return Ok(0);
    }
    run_node(&args.data_dir)
}

pub fn run_node(data_dir: &Path) -> anyhow::Result<i32> {
    let dir = data_dir.to_owned();
    node_runtime().block_on(async move { sl_node::run(&dir).await })?;
    Ok(0)
}

pub fn run_existing(data_dir: PathBuf, verbose: u8, log: Option<PathBuf>) -> anyhow::Result<i32> {
    init_logs(verbose, log.as_deref());
    run_node(&data_dir)
}

/// A resolved client: endpoint, addresses, and a client that follows leaders.
#[derive(Clone)]
pub(crate) struct Connection {
    pub(crate) endpoint: Endpoint,
    pub(crate) addrs: Vec<SocketAddr>,
    /// Addresses that did not answer during this command: tried last from then on, so a node
    /// that left or died costs one connect timeout per command, not one per call.
    unreachable: std::sync::Arc<std::sync::Mutex<BTreeSet<SocketAddr>>>,
}

impl Connection {
    /// The addresses to try, in order, starting from the `start`-th (rotation spreads work);
    /// those that did not answer before come last.
    pub(crate) fn ordered(&self, start: usize) -> Vec<SocketAddr> {
        let unreachable = self.unreachable.lock().unwrap_or_else(|e| e.into_inner());
        order_addresses(&self.addrs, start, &unreachable)
    }

    /// Replaces the configured addresses by the cluster's current members, as the first node
    /// to answer knows them. A client config written before nodes left or joined would
    /// otherwise send work to departed addresses (each costing a connect timeout) and never to
    /// new nodes; commands that spread many transfers over the nodes call this first. With no
    /// answer within a second the configured list stays (the calls report what is wrong).
    pub(crate) async fn learn_members(&mut self) {
        let mut asks = tokio::task::JoinSet::new();
        for addr in self.addrs.clone() {
            let endpoint = self.endpoint.clone();
            asks.spawn(async move {
                let answer = tokio::time::timeout(
                    LEARN_MEMBERS_WITHIN,
                    endpoint.call::<GetNodeInfo>(addr, &Empty {}),
                )
                .await;
                (addr, answer)
            });
        }
        while let Some(joined) = asks.join_next().await {
            let Ok((addr, answer)) = joined else { continue };
            let info = match answer {
                Ok(Ok(info)) => info,
                // Only a node that did not answer at all goes last; a refusal (a user who
                // may not read the membership, a node still starting) says nothing about it.
                Ok(Err(RpcError::Remote { .. } | RpcError::Unauthenticated { .. })) => continue,
                Ok(Err(_)) | Err(_) => {
                    self.unreachable(addr);
                    continue;
                }
            };
            let members: Vec<SocketAddr> = info
                .raft
                .iter()
                .flat_map(|r| &r.members)
                .filter_map(|m| m.addr.parse().ok())
                .collect();
            // The members' advertised addresses replace the configured ones only when they are
            // the same kind of address (some configured one is among them): behind NAT or a
            // tunnel the advertised ones may not be reachable from here.
            if members.iter().any(|m| self.addrs.contains(m)) {
                self.addrs = members;
                break;
            }
        }
        asks.abort_all();
    }

    pub(crate) fn unreachable(&self, addr: SocketAddr) {
        self.unreachable
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(addr);
    }
}

/// `addrs` rotated to begin at the `start`-th, those in `unreachable` moved (in order) to the end.
fn order_addresses(
    addrs: &[SocketAddr],
    start: usize,
    unreachable: &BTreeSet<SocketAddr>,
) -> Vec<SocketAddr> {
    let n = addrs.len().max(1);
    let mut order: Vec<SocketAddr> = (0..addrs.len()).map(|k| addrs[(start + k) % n]).collect();
    order.sort_by_key(|a| unreachable.contains(a));
    order
}

#[cfg(test)]
mod order_tests {
    use super::*;

    /// A command against a cluster whose config lists nodes that have left once paid a connect
    /// timeout per call for each of them (slchaos saw `matrix get` take 12 s).
    #[test]
    fn addresses_that_did_not_answer_go_last_and_rotation_is_kept() {
        let a: Vec<SocketAddr> = (1..=4)
            .map(|i| format!("127.0.0.{i}:7400").parse().unwrap())
            .collect();
        assert_eq!(
            order_addresses(&a, 1, &BTreeSet::new()),
            vec![a[1], a[2], a[3], a[0]]
        );
        let dead: BTreeSet<SocketAddr> = [a[1], a[2]].into_iter().collect();
        assert_eq!(order_addresses(&a, 1, &dead), vec![a[3], a[0], a[1], a[2]]);
        assert_eq!(order_addresses(&a, 0, &dead), vec![a[0], a[3], a[1], a[2]]);
        assert!(order_addresses(&[], 3, &dead).is_empty());
    }
}

/// Resolves the cluster and builds a client endpoint on `runtime` (quinn needs one to bind).
pub(crate) fn connect(
    args: &ClusterArgs,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<Connection> {
    let _entered = runtime.enter();
    let path = args
        .config
        .clone()
        .or_else(user_config_path)
        .filter(|p| p.exists());
    let file: Option<ClientConfig> = match &path {
        Some(path) => Some(
            sl_node::read_client_config(path)
                .with_context(|| format!("reading the client config {}", path.display()))?,
        ),
        None => None,
    };
    let addrs = match (&args.cluster, &file) {
        (Some(addr), _) => vec![*addr],
        (None, Some(file)) => file.cluster.clone(),
        (None, None) => bail!(
            "no cluster configured: pass --cluster ADDR --token TOKEN, or --config FILE, or run \
             `slnode start`/`slnode up`, which write ~/.config/slnode/client.toml"
        ),
    };
    let token = args
        .token
        .clone()
        .or_else(|| file.as_ref().map(|f| f.token.clone()))
        .ok_or_else(|| anyhow!("no token: pass --token or use a client config"))?;
    let ca_pem = file
        .as_ref()
        .map(|f| f.ca_pem.clone())
        .ok_or_else(|| anyhow!("no CA certificate: use a client config (--config FILE)"))?;
    let ca = sl_rpc::pki::parse_cert(&ca_pem, "the client config's ca_pem")?;
    let bind: SocketAddr = "0.0.0.0:0".parse().expect("literal");
    let mut options = sl_rpc::endpoint::Options::new(bind);
    options.connect_timeout = Duration::from_secs(2);
    options.request_timeout = Duration::from_secs(5);
    let endpoint = Endpoint::client(options, &ca, &token)?;
    Ok(Connection {
        endpoint,
        addrs,
        unreachable: Default::default(),
    })
}

pub(crate) fn client_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the client's runtime")
}

/// How long `learn_members` waits for any node to name the members.
const LEARN_MEMBERS_WITHIN: Duration = Duration::from_secs(1);
const NODE_ANSWER_TIMEOUT: Duration = Duration::from_millis(750);
/// The least time a row's node gets to answer, however long finding the leader took.
const NODE_ANSWER_FLOOR: Duration = Duration::from_millis(250);

/// One node as `status` shows it.
#[derive(serde::Serialize)]
pub(crate) struct NodeRow {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) addr: String,
    pub(crate) role: &'static str,
    pub(crate) healthy: bool,
    pub(crate) term: Option<u64>,
    pub(crate) commit: Option<u64>,
    pub(crate) applied: Option<u64>,
    pub(crate) slots: u32,
    pub(crate) objects: Option<u64>,
    pub(crate) bytes: Option<u64>,
    /// Round trip of the status call from here, or null when the node did not answer.
    pub(crate) rtt_ms: Option<f64>,
    pub(crate) error: Option<String>,
}

#[derive(serde::Serialize)]
pub(crate) struct ClusterStatus {
    pub(crate) leader: Option<u64>,
    pub(crate) term: Option<u64>,
    pub(crate) nodes: Vec<NodeRow>,
    pub(crate) healthy: bool,
    pub(crate) verdict: String,
}

fn explain(error: &sl_rpc::endpoint::Error) -> String {
    let text = error.to_string();
    if text.contains("token") || text.contains("Unauthenticated") || text.contains("unknown") {
        format!("{text} (check the token)")
    } else {
        text
    }
}

/// How often `status` asks a node that knows no leader again.
const LEADER_POLL: Duration = Duration::from_millis(50);

pub(crate) async fn gather(connection: &Connection) -> anyhow::Result<ClusterStatus> {
    // Every configured address at once; the first to answer tells us the members (a dead node
    // first in the list must not cost its whole timeout).
    let started = Instant::now();
    let mut asks = tokio::task::JoinSet::new();
    let configured: Arc<BTreeSet<SocketAddr>> =
        Arc::new(connection.addrs.iter().copied().collect());
    for addr in connection.addrs.clone() {
        let endpoint = connection.endpoint.clone();
        let configured = configured.clone();
        asks.spawn(async move {
            // Asked again until it says it leads: a follower may still name a leader that was
            // just killed (until its election timeout), and the table should name the new
            // leader as soon as one is elected, not show a dead one or wait out a dead node.
            // The cluster's leader answers at once; only while none exists does this poll.
            let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
            loop {
                let answer = tokio::time::timeout_at(
                    deadline,
                    endpoint.call::<GetNodeInfo>(addr, &Empty {}),
                )
                .await;
                let settled = match &answer {
                    Ok(Ok(info)) => info.raft.as_ref().is_none_or(|r| {
                        r.role == Role::Leader
                            // A leader this status is not asking itself is taken on trust.
                            || r.leader.is_some_and(|l| {
                                !r.members.iter().any(|m| {
                                    m.id == l
                                        && m.addr.parse().is_ok_and(|a| configured.contains(&a))
                                })
                            })
                    }),
                    _ => true,
                };
                if settled || tokio::time::Instant::now() + LEADER_POLL >= deadline {
                    return (addr, answer);
                }
                tokio::time::sleep(LEADER_POLL).await;
            }
        });
    }
    let mut first: Option<NodeInfo> = None;
    let mut errors = Vec::new();
    while let Some(joined) = asks.join_next().await {
        let Ok((addr, answer)) = joined else { continue };
        match answer {
            Ok(Ok(info)) if info.raft.as_ref().is_some_and(|r| r.leader.is_some()) => {
                first = Some(info);
                break;
            }
            Ok(Ok(info)) => {
                errors.push(format!("{addr}: knows no leader"));
                // The freshest view of a node that knows a leader is the better fallback.
                if first
                    .as_ref()
                    .is_none_or(|f| f.raft.as_ref().is_none_or(|r| r.leader.is_none()))
                {
                    first = Some(info);
                }
            }
            Ok(Err(e)) => errors.push(format!("{addr}: {}", explain(&e))),
            Err(_) => errors.push(format!("{addr}: no answer within 3 s")),
        }
    }
    asks.abort_all();
    let Some(first) = first else {
        bail!(
            "no node of the cluster answered:\n  {}",
            errors.join("\n  ")
        );
    };
    let raft = first
        .raft
        .clone()
        .ok_or_else(|| anyhow!("node {} has no coordinator replica running", first.id))?;
    let mut members: BTreeMap<u64, (String, String, u32)> = raft
        .members
        .iter()
        .map(|m| (m.id, (m.name.clone(), m.addr.clone(), m.slots)))
        .collect();
    for id in raft.voters.iter().chain(&raft.learners) {
        members
            .entry(*id)
            .or_insert_with(|| (format!("node-{id}"), String::new(), 0));
    }
    // The rows' answers share one budget with the search for a leader above: a dead node costs
    // the table at most NODE_ANSWER_TIMEOUT from the start (or a short floor), not that much more
    // after an election the search already waited out.
    let row_timeout = NODE_ANSWER_TIMEOUT
        .saturating_sub(started.elapsed())
        .max(NODE_ANSWER_FLOOR);
    let mut calls = tokio::task::JoinSet::new();
    for (id, (name, addr, slots)) in members {
        let endpoint = connection.endpoint.clone();
        calls.spawn(async move {
            let started = Instant::now();
            let answer = match addr.parse::<SocketAddr>() {
                // A live node answers in milliseconds; a dead one must not hold up the table.
                Ok(sock) => {
                    tokio::time::timeout(row_timeout, endpoint.call::<GetNodeInfo>(sock, &Empty {}))
                        .await
                        .map_err(|_| format!("no answer within {row_timeout:?}"))
                        .and_then(|r| r.map_err(|e| explain(&e)))
                }
                Err(_) => Err("no address recorded".to_owned()),
            };
            (id, name, addr, slots, answer, started.elapsed())
        });
    }
    let mut answers = Vec::new();
    while let Some(joined) = calls.join_next().await {
        if let Ok(answer) = joined {
            answers.push(answer);
        }
    }
    answers.sort_by_key(|a| a.0);
    let mut rows = Vec::new();
    for (id, name, addr, slots, answer, elapsed) in answers {
        let rtt = elapsed.as_secs_f64() * 1e3;
        let in_config = raft.voters.contains(&id) || raft.learners.contains(&id);
        match answer {
            Ok(info) => {
                let status = info.raft.as_ref();
                let role = match status.map(|s| s.role) {
                    Some(Role::Leader) => "leader",
                    _ if raft.voters.contains(&id) => "voter",
                    _ if raft.learners.contains(&id) => "learner",
                    _ => "outside",
                };
                rows.push(NodeRow {
                    id,
                    name: info.name,
                    addr,
                    role,
                    healthy: in_config && status.is_some_and(|s| s.leader.is_some()),
                    term: status.map(|s| s.term),
                    commit: status.map(|s| s.commit),
                    applied: status.map(|s| s.applied),
                    slots: info.slots,
                    objects: Some(info.objects),
                    bytes: Some(info.bytes),
                    rtt_ms: Some(rtt),
                    error: None,
                });
            }
            Err(error) => rows.push(NodeRow {
                id,
                name,
                addr,
                role: if raft.voters.contains(&id) {
                    "voter"
                } else {
                    "learner"
                },
                healthy: false,
                term: None,
                commit: None,
                applied: None,
                slots,
                objects: None,
                bytes: None,
                rtt_ms: None,
                error: Some(error),
            }),
        }
    }
    let leader = rows.iter().find(|r| r.role == "leader").map(|r| r.id);
    let term = rows
        .iter()
        .find(|r| r.role == "leader")
        .and_then(|r| r.term);
    let voters_up = rows
        .iter()
        .filter(|r| (r.role == "voter" || r.role == "leader") && r.healthy)
        .count();
    let voters = raft.voters.len();
    let down: Vec<String> = rows
        .iter()
        .filter(|r| !r.healthy)
        .map(|r| r.id.to_string())
        .collect();
    let healthy = leader.is_some() && down.is_empty();
    let verdict = match leader {
        None => format!("NO LEADER: {voters_up} of {voters} voters answer; writes are unavailable"),
        Some(l) if down.is_empty() => format!(
            "healthy: leader node {l}, {voters} voters, {} learners",
            rows.len() - voters
        ),
        Some(l) => format!(
            "degraded: leader node {l}, {voters_up}/{voters} voters up; down: node {}",
            down.join(", ")
        ),
    };
    Ok(ClusterStatus {
        leader,
        term,
        nodes: rows,
        healthy,
        verdict,
    })
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

pub fn status(cluster: ClusterArgs, json: bool) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(&cluster, &runtime)?;
    let status = runtime.block_on(gather(&connection))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&status)?);
    } else {
        println!(
            "{:>4}  {:<16} {:<21} {:<8} {:>5} {:>8} {:>8} {:>5} {:>8} {:>10} {:>9}  health",
            "node",
            "name",
            "address",
            "role",
            "term",
            "commit",
            "applied",
            "slots",
            "objects",
            "stored",
            "heard"
        );
        for row in &status.nodes {
            let opt = |v: Option<u64>| v.map_or("-".to_owned(), |v| v.to_string());
            println!(
                "{:>4}  {:<16} {:<21} {:<8} {:>5} {:>8} {:>8} {:>5} {:>8} {:>10} {:>9}  {}",
                row.id,
                row.name.chars().take(16).collect::<String>(),
                row.addr,
                row.role,
                opt(row.term),
                opt(row.commit),
                opt(row.applied),
                row.slots,
                opt(row.objects),
                row.bytes.map_or("-".to_owned(), human_bytes),
                row.rtt_ms
                    .map_or("never".to_owned(), |ms| format!("{ms:.1} ms")),
                if row.healthy {
                    "ok".to_owned()
                } else {
                    format!("DOWN ({})", row.error.as_deref().unwrap_or("no leader"))
                }
            );
        }
        println!("{}", status.verdict);
    }
    Ok(if status.healthy { 0 } else { 1 })
}

fn membership_client(connection: &Connection) -> Client {
    Client::new(
        connection.endpoint.clone(),
        connection
            .addrs
            .iter()
            .enumerate()
            .map(|(i, a)| (u64::MAX - i as u64, *a))
            .collect(),
    )
}

pub fn remove(node: u64, cluster: ClusterArgs) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(&cluster, &runtime)?;
    let client = membership_client(&connection);
    let reply = runtime.block_on(client.change_membership(&Membership::Remove(node)));
    match reply {
        Ok(sl_coordinator::Reply::Ok) => {
            println!("node {node} removed; its objects re-replicate to the remaining nodes");
            Ok(0)
        }
        Ok(other) => bail!("the cluster refused: {other:?}"),
        Err(ClientError::Refused(reason)) => bail!("the cluster refused: {reason}"),
        Err(e) => bail!("{e}"),
    }
}

/// How long `leave` waits for a just-restarted node to load the cluster's users.
const LEAVE_READY_WITHIN: Duration = Duration::from_secs(30);
const LEAVE_READY_POLL: Duration = Duration::from_millis(250);

pub fn leave(data_dir: PathBuf, cluster: ClusterArgs) -> anyhow::Result<i32> {
    let node: sl_node::config::NodeConfig =
        sl_node::config::read_toml(&sl_node::config::paths(&data_dir).config)
            .with_context(|| format!("{} holds no node", data_dir.display()))?;
    let mut cluster = cluster;
    cluster.cluster = Some(node.advertise);
    let runtime = client_runtime()?;
    let connection = connect(&cluster, &runtime)?;
    // Only this node can be asked to leave. Just restarted, it refuses every token as "not
    // ready" until it has read the cluster's users (slchaos found it); that clears within its
    // first refresh, so the CLI waits for it, bounded, rather than failing the user.
    let deadline = Instant::now() + LEAVE_READY_WITHIN;
    runtime.block_on(async {
        loop {
            match connection
                .endpoint
                .call::<Leave>(node.advertise, &Empty {})
                .await
            {
                Err(e @ RpcError::Unauthenticated { .. })
                    if sl_rpc::endpoint::refusal_is_transient(&e.to_string())
                        && Instant::now() < deadline =>
                {
                    tokio::time::sleep(LEAVE_READY_POLL).await
                }
                other => return other,
            }
        }
    })?;
    println!(
        "node {} is handing off its objects and leaving; it stops when done",
        node.id
    );
    Ok(0)
}

pub fn object(command: ObjectCommand) -> anyhow::Result<i32> {
    match command {
        ObjectCommand::Put { key, file, cluster } => {
            let bytes = std::fs::read(&file).with_context(|| file.display().to_string())?;
            let runtime = client_runtime()?;
            let connection = connect(&cluster, &runtime)?;
            runtime.block_on(async {
                let mut last = None;
                for addr in &connection.addrs {
                    match connection
                        .endpoint
                        .call_with_payload::<PutObject>(
                            *addr,
                            &ObjectKey { key: key.clone() },
                            Some(bytes::Bytes::from(bytes.clone())),
                        )
                        .await
                    {
                        Ok(_) => return Ok(()),
                        Err(e) => last = Some(e),
                    }
                }
                Err(anyhow!(
                    "no node stored it: {}",
                    last.map_or(String::new(), |e| e.to_string())
                ))
            })?;
            Ok(0)
        }
        ObjectCommand::Get { key, out, cluster } => {
            let runtime = client_runtime()?;
            let connection = connect(&cluster, &runtime)?;
            let (found, payload): (Found, Option<_>) = runtime.block_on(async {
                let mut last = None;
                for addr in &connection.addrs {
                    match connection
                        .endpoint
                        .call_with_payload::<GetObject>(
                            *addr,
                            &ObjectKey { key: key.clone() },
                            None,
                        )
                        .await
                    {
                        Ok(answer) => return Ok(answer),
                        Err(e) => last = Some(e),
                    }
                }
                Err(anyhow!(
                    "no node answered: {}",
                    last.map_or(String::new(), |e| e.to_string())
                ))
            })?;
            if !found.found {
                eprintln!("slnode: no object {key}");
                return Ok(1);
            }
            let bytes = payload.map(|p| p.to_vec()).unwrap_or_default();
            match out {
                Some(path) => std::fs::write(&path, bytes)?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
            Ok(0)
        }
    }
}

/// `slnode up`: one node per loopback address (127.0.0.11, .12, …), background processes, logs in
/// files under DIR. An existing DIR is restarted (nodes not running are started again).
/// What `up` chose for a directory, so a later `up` on it (to restart nodes or add some) uses
/// the same addresses.
#[derive(serde::Serialize, serde::Deserialize)]
struct UpLayout {
    first_ip: std::net::Ipv4Addr,
    port: u16,
    voters: usize,
}

pub fn up(
    nodes: usize,
    dir: PathBuf,
    voters: usize,
    first_ip: std::net::Ipv4Addr,
    port: u16,
    slots: u32,
    verbose: u8,
) -> anyhow::Result<i32> {
    let layout_file = dir.join("up.toml");
    let (first_ip, port, voters) = match sl_node::config::read_toml::<UpLayout>(&layout_file) {
        Ok(layout) => (layout.first_ip, layout.port, layout.voters),
        Err(_) => (first_ip, port, voters),
    };
    let [a, b, c, d0] = first_ip.octets();
    if a != 127 {
        bail!("--first-ip must be a loopback address (127.x.y.z)");
    }
    if nodes == 0 || nodes > 200 || d0 as usize + nodes > 255 {
        bail!("--nodes must be between 1 and 200 and fit after --first-ip");
    }
    if port == 0 || port > 65535 - 80 {
        bail!("--port must leave room for the HTTP port (port + 80)");
    }
    std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
    let dir = dir.canonicalize()?;
    sl_node::write_toml(
        &dir.join("up.toml"),
        &UpLayout {
            first_ip,
            port,
            voters,
        },
        false,
    )?;
    let exe = std::env::current_exe()?;
    let node_dir = |i: usize| dir.join(format!("node-{i}"));
    let ip = |i: usize| [a, b, c, d0 + (i as u8 - 1)];
    let addr = |i: usize| -> SocketAddr { SocketAddr::from((ip(i), port)) };
    let http = |i: usize| -> SocketAddr { SocketAddr::from((ip(i), port + 80)) };
    let spawn = |args: Vec<String>, log: &Path| -> anyhow::Result<()> {
        // Whatever the process prints (a join that fails before its logger starts, a panic)
        // lands in its log file too.
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| log.display().to_string())?;
        let mut command = std::process::Command::new(&exe);
        command
            .args(&args)
            .stdin(std::process::Stdio::null())
            .stdout(output.try_clone()?)
            .stderr(output);
        // A process group of its own: Ctrl-C in this terminal does not reach the cluster.
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        // Record the pid now, not when the node gets round to it, so a `down` right after this
        // `up` cannot miss the process.
        if let Some(dir) = log.parent() {
            let _ = std::fs::write(sl_node::config::paths(dir).pid, child.id().to_string());
        }
        Ok(())
    };
    // Log files get info level by default (they are where a newcomer looks), debug with -v.
    let verbosity = if verbose > 0 { "-vv" } else { "-v" }.to_owned();
    let first = node_dir(1);
    if !sl_node::config::paths(&first).config.exists() {
        let args = NodeArgs {
            data_dir: first.clone(),
            listen: addr(1),
            advertise: None,
            name: Some("node-1".into()),
            slots,
            voters: voters as u64,
            http: Some(HttpAddress::At(http(1))),
            verbose,
            log: None,
        };
        sl_node::bootstrap(&args.options())?;
    }
    let client_path = sl_node::config::paths(&first).client;
    let client_config: ClientConfig = sl_node::read_client_config(&client_path)?;
    let join_token = sl_node::config::read_text(&sl_node::config::paths(&first).join_token)?;
    let running = |d: &Path| -> bool {
        std::fs::read_to_string(sl_node::config::paths(d).pid)
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
            .is_some_and(sl_node::process_alive)
    };
    let start_existing = |i: usize| -> anyhow::Result<()> {
        let d = node_dir(i);
        if running(&d) || d.join("left").exists() {
            return Ok(());
        }
        let log = d.join("node.log");
        spawn(
            vec![
                "serve".into(),
                "--data-dir".into(),
                d.display().to_string(),
                "--log".into(),
                log.display().to_string(),
                verbosity.clone(),
            ],
            &log,
        )
    };
    start_existing(1)?;
    let mut cluster_addrs = vec![addr(1)];
    let mut joined = Vec::new();
    for i in 2..=nodes {
        let d = node_dir(i);
        cluster_addrs.push(addr(i));
        if sl_node::config::paths(&d).config.exists() {
            start_existing(i)?;
            continue;
        }
        std::fs::create_dir_all(&d)?;
        joined.push(format!("node-{i}"));
        let log = d.join("node.log");
        spawn(
            vec![
                "join".into(),
                addr(1).to_string(),
                "--token".into(),
                join_token.clone(),
                "--data-dir".into(),
                d.display().to_string(),
                "--listen".into(),
                addr(i).to_string(),
                "--http".into(),
                http(i).to_string(),
                "--name".into(),
                format!("node-{i}"),
                "--voters".into(),
                voters.to_string(),
                "--slots".into(),
                slots.to_string(),
                "--log".into(),
                log.display().to_string(),
                verbosity.clone(),
            ],
            &log,
        )?;
        // One join at a time: the cluster hands out node ids in the order joins reserve them,
        // so waiting here keeps `node-i` at id i, and the leader never has two membership changes
        // to order at once.
        wait_joined(&d, &log)?;
    }
    let config = ClientConfig {
        cluster: cluster_addrs,
        ..client_config
    };
    let cluster_file = dir.join("client.toml");
    sl_node::write_toml(&cluster_file, &config, true)?;
    let installed = offer_user_config(&config);
    // Wait until every node answers and there is a leader (bounded).
    let runtime = client_runtime()?;
    let connection = connect(
        &ClusterArgs {
            config: Some(cluster_file.clone()),
            ..Default::default()
        },
        &runtime,
    )?;
    // Nodes joined by this invocation must show up; restarted ones must be healthy.
    let joined_now: Vec<String> = joined.clone();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last;
    loop {
        match runtime.block_on(gather(&connection)) {
            Ok(status)
                if status.healthy
                    && joined_now
                        .iter()
                        .all(|name| status.nodes.iter().any(|n| &n.name == name))
                    && status
                        .nodes
                        .iter()
                        .filter(|n| n.role == "leader" || n.role == "voter")
                        .count()
                        == voters.min(status.nodes.len()) =>
            {
                println!("{}", status.verdict);
                break;
            }
            Ok(status) => last = status.verdict,
            Err(e) => last = e.to_string(),
        }
        if Instant::now() > deadline {
            bail!(
                "the cluster did not become healthy within 60 s: {last}\nlogs: {}/node-*/node.log",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    println!(
        "{nodes} nodes up under {}; logs in node-*/node.log",
        dir.display()
    );
    println!("client config: {}", cluster_file.display());
    if let Some(path) = installed {
        println!("  (also installed as {})", path.display());
    }
    println!(
        "try:  slnode status --config {}\nstop: slnode down --dir {}",
        cluster_file.display(),
        dir.display()
    );
    Ok(0)
}

/// `slnode down`: SIGTERM every node under DIR, then wait for them to exit (SIGKILL after 10 s).
/// How long one `join` of `up` may take to become a member before `up` gives up on it.
const JOIN_WAIT: Duration = Duration::from_secs(60);

/// Waits until the node joining in `dir` is a member (its `node.toml` is written only after the
/// cluster added it), or fails with the end of its log when the process died or took too long.
fn wait_joined(dir: &Path, log: &Path) -> anyhow::Result<()> {
    let paths = sl_node::config::paths(dir);
    let deadline = Instant::now() + JOIN_WAIT;
    loop {
        if paths.config.exists() {
            return Ok(());
        }
        let alive = std::fs::read_to_string(&paths.pid)
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
            .is_some_and(sl_node::process_alive);
        if !alive || Instant::now() > deadline {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(10).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            bail!(
                "{} did not join the cluster ({}):\n{}",
                dir.display(),
                if alive {
                    "still not a member after 60 s"
                } else {
                    "the process exited"
                },
                tail.join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn down(dir: PathBuf) -> anyhow::Result<i32> {
    let mut pids = Vec::new();
    let entries = std::fs::read_dir(&dir).with_context(|| dir.display().to_string())?;
    for entry in entries.flatten() {
        let pid_file = entry.path().join("pid");
        if let Some(pid) = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
        {
            // SAFETY: plain signal delivery to a pid this tool started.
            if unsafe { libc::kill(pid, libc::SIGTERM) } == 0 {
                pids.push((pid, pid_file));
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    for (pid, pid_file) in &pids {
        while sl_node::process_alive(*pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        if sl_node::process_alive(*pid) {
            // SAFETY: as above.
            unsafe { libc::kill(*pid, libc::SIGKILL) };
        }
        let _ = std::fs::remove_file(pid_file);
    }
    println!("stopped {} node(s) under {}", pids.len(), dir.display());
    Ok(0)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1e6
}

/// The running cluster's replicas, for a client that follows the leader.
fn replica_client(
    runtime: &tokio::runtime::Runtime,
    connection: &Connection,
) -> anyhow::Result<Client> {
    let status = runtime.block_on(gather(connection))?;
    let replicas: BTreeMap<u64, SocketAddr> = status
        .nodes
        .iter()
        .filter(|n| n.healthy)
        .filter_map(|n| Some((n.id, n.addr.parse().ok()?)))
        .collect();
    if replicas.is_empty() {
        bail!("no healthy node to benchmark: {}", status.verdict);
    }
    Ok(Client::new(connection.endpoint.clone(), replicas))
}

/// `slnode bench coordinator --live`, the same measurements as the in-process benchmark against
/// the running cluster: task calls carrying a 4 KiB inline checkpoint one at a time (latency; the
/// task is leased to a pseudo-node for the run), then submissions `concurrency` in flight.
pub fn bench_coordinator_live(
    runtime: &tokio::runtime::Runtime,
    cluster: &ClusterArgs,
    calls: usize,
    throughput_calls: usize,
    concurrency: usize,
    json: bool,
) -> anyhow::Result<i32> {
    let connection = connect(cluster, runtime)?;
    let client = std::sync::Arc::new(replica_client(runtime, &connection)?);
    // Request ids unique to this run, so submissions are new jobs, not replays.
    let base = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos() as u64)
        & !0xffff_ffff;
    use sl_coordinator::machine::{Call, Checkpoint, Command, Reply, TaskCall};
    let submit = |request: u64| Command::SubmitJob {
        request,
        label: sl_labels::Lattice::bottom(&sl_labels::Policy::tags_only()),
        function: "bench".into(),
        args: vec![],
        options: Default::default(),
    };
    let (latencies, throughput) = runtime.block_on(async {
        client.propose(&submit(base.wrapping_sub(1))).await?;
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis() as u64;
        let Reply::Leases(grants) = client
            .propose(&Command::Acquire {
                node: sl_coordinator::NodeId(u64::MAX),
                max: 1,
                now_ms,
                lease_ms: 3_600_000,
            })
            .await?
        else {
            bail!("no lease granted");
        };
        let grant = grants
            .into_iter()
            .next()
            .ok_or_else(|| anyhow!("no ready task to lease"))?;
        let mut latencies = Vec::with_capacity(calls);
        for i in 0..calls as u64 {
            let seq = grant.next_seq.0 + i;
            let call = Command::Call(TaskCall {
                task: grant.task,
                epoch: grant.epoch,
                seq: sl_coordinator::Seq(seq),
                checkpoint: Checkpoint::Inline(vec![seq as u8; 4096]),
                output: String::new(),
                children: Vec::new(),
                call: Call::Checkpoint,
            });
            let started = Instant::now();
            let reply = client.propose(&call).await?;
            latencies.push(started.elapsed());
            if reply != Reply::Ok {
                bail!("task call {seq} answered {reply:?}");
            }
        }
        // Give the task back so it does not hold a lease for an hour.
        client
            .propose(&Command::Expire {
                task: grant.task,
                epoch: grant.epoch,
            })
            .await?;
        latencies.sort_unstable();
        let started = Instant::now();
        let next = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(calls as u64));
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..concurrency.max(1) {
            let (client, next) = (client.clone(), next.clone());
            let limit = (calls + throughput_calls) as u64;
            workers.spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= limit {
                        return Ok::<_, ClientError>(());
                    }
                    client.propose(&submit(base + i)).await?;
                }
            });
        }
        while let Some(done) = workers.join_next().await {
            done??;
        }
        let rate = throughput_calls as f64 / started.elapsed().as_secs_f64();
        Ok::<_, anyhow::Error>((latencies, rate))
    })?;
    let (p50, p99) = (percentile(&latencies, 0.5), percentile(&latencies, 0.99));
    if json {
        println!(
            "{}",
            serde_json::json!({
                "call_4k_checkpoint_p50_us": p50,
                "call_4k_checkpoint_p99_us": p99,
                "committed_per_second": throughput,
                "concurrency": concurrency,
            })
        );
    } else {
        println!("coordinator of the running cluster");
        println!(
            "  task call + 4 KiB inline checkpoint, {calls} sequential   p50 {p50:>8.0} µs   p99 {p99:>8.0} µs"
        );
        println!(
            "  submissions, {concurrency} in flight                  {throughput:>8.0} committed/s"
        );
    }
    Ok(0)
}

/// `slnode bench objstore --live`: 8 MiB objects put (R = 2, durable on both) and read back
/// through the running cluster's nodes.
pub fn bench_objstore_live(
    runtime: &tokio::runtime::Runtime,
    cluster: &ClusterArgs,
    objects: usize,
    json: bool,
) -> anyhow::Result<i32> {
    const SIZE: usize = 8 << 20;
    let connection = connect(cluster, runtime)?;
    let addr = *connection
        .addrs
        .first()
        .ok_or_else(|| anyhow!("no cluster address"))?;
    let body = bytes::Bytes::from(vec![0x5au8; SIZE]);
    let prefix = format!(
        "bench/{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis()
    );
    let (put_s, get_s) = runtime.block_on(async {
        let started = Instant::now();
        for i in 0..objects {
            connection
                .endpoint
                .call_with_payload::<PutObject>(
                    addr,
                    &ObjectKey {
                        key: format!("{prefix}/{i}"),
                    },
                    Some(body.clone()),
                )
                .await?;
        }
        let put = started.elapsed().as_secs_f64();
        let started = Instant::now();
        for i in 0..objects {
            let (found, payload) = connection
                .endpoint
                .call_with_payload::<GetObject>(
                    addr,
                    &ObjectKey {
                        key: format!("{prefix}/{i}"),
                    },
                    None,
                )
                .await?;
            if !found.found || payload.map_or(0, |p| p.len()) != SIZE {
                bail!("object {i} did not come back whole");
            }
        }
        Ok::<_, anyhow::Error>((put, started.elapsed().as_secs_f64()))
    })?;
    let gib = (objects * SIZE) as f64 / (1u64 << 30) as f64;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "objects": objects,
                "put_gib_per_s": gib / put_s,
                "get_gib_per_s": gib / get_s,
            })
        );
    } else {
        println!("object store of the running cluster via {addr}: {objects} x 8 MiB, R=2");
        println!(
            "  put (durable on both owners)   {:>6.2} GiB/s",
            gib / put_s
        );
        println!(
            "  get                            {:>6.2} GiB/s",
            gib / get_s
        );
    }
    Ok(0)
}
