//! `sl-node`: one slnode process.
//!
//! Purpose: bootstrap a cluster, join one, or restart a node from its data directory, and run it:
//! a coordinator replica (voting or not; the leader promotes learners up to the configured voter
//! count), an object-store shard whose placement follows the coordinator's member list, the QUIC
//! endpoint serving the coordinator, object-store and admin methods, and `/metrics` + `/healthz`.
//! The [`supervisor`] actor owns these and their shutdown; the [`kappa`] provisioner actor leases
//! tasks and runs them in worker actors; the job methods (`submit`, `jobs`, …) are served here;
//! [`lambdapack`] holds the matrix methods and the runner that leases LAmbdaPACK DAG nodes.
//!
//! Boundary: the only crate that knows actix and the data-directory layout ([`config`]); it wires
//! the others together and adds no protocol or storage logic of its own.
//!
//! Guarantees: `start` and `join` leave nothing behind when they fail (a used data directory, a
//! port in use, a wrong token); a node restarted after kill -9 resumes from its data directory;
//! SIGTERM or Ctrl-C stops the replica's driver (closing RocksDB) and the endpoint before exit.

pub mod admin;
pub mod config;
pub mod gateway;
pub mod kappa;
pub mod lambdapack;
pub mod supervisor;
pub mod users;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use actix::Actor;
use sl_coordinator::catalog::Member;
use sl_coordinator::machine::{Command, Limits, Reply};
use sl_coordinator::replica::{Membership, Replica, Timing};
use sl_coordinator::service::{self, Client, Driver};
use sl_labels::Policy;
use sl_objstore::engine::Engine;
use sl_objstore::store::{REPLICAS_DEFAULT, Store};
use sl_rpc::endpoint::{self, Endpoint, JoinService, Services};
use sl_rpc::pki::{ClusterCa, NodeIdentity};
use sl_rpc::token::{JoinToken, TokenBook};
use tracing::{info, warn};

use crate::admin::{AdminContext, Principals};
use crate::config::{ClientConfig, NodeConfig, paths};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{0} already holds a node; restart it with `slnode serve --data-dir {0}`, or pick an empty --data-dir"
    )]
    AlreadyInitialized(String),
    #[error("{0} holds no node (no node.toml); create one with `slnode start` or `slnode join`")]
    NotInitialized(String),
    #[error(
        "the node in {0} left its cluster; delete the directory, or join again with a fresh one"
    )]
    Left(String),
    #[error("cannot listen on {addr}: {reason} (is another node using it?)")]
    PortInUse { addr: SocketAddr, reason: String },
    #[error(
        "cannot serve HTTP on {addr}: {reason} (is another node using it? give it --http ADDR, or --http off)"
    )]
    HttpPortInUse { addr: SocketAddr, reason: String },
    #[error(transparent)]
    Token(#[from] sl_rpc::token::Error),
    #[error("joining through {peer} failed: {reason}")]
    Join { peer: SocketAddr, reason: String },
    #[error(transparent)]
    Config(#[from] config::Error),
    #[error(transparent)]
    Pki(#[from] sl_rpc::pki::Error),
    #[error(transparent)]
    Endpoint(#[from] endpoint::Error),
    #[error("coordinator replica: {0}")]
    Replica(#[from] sl_coordinator::replica::Error),
    #[error("object store: {0}")]
    Engine(#[from] sl_objstore::engine::Error),
    #[error("{0}")]
    Io(String),
}

/// Options shared by `start`, `join` and `up`.
#[derive(Clone, Debug)]
pub struct NodeOptions {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub advertise: Option<SocketAddr>,
    pub name: Option<String>,
    pub slots: u32,
    pub voters: usize,
    pub http: Option<SocketAddr>,
}

/// What `start` hands the person who ran it.
pub struct Bootstrapped {
    pub join_token: String,
    pub admin_token: String,
    pub client_config: PathBuf,
}

fn random_hex(bytes: usize) -> Result<String, Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Io(format!("no randomness: {e}")))?;
    Ok(sl_rpc::token::hex_encode(&buf))
}

fn default_name(listen: SocketAddr) -> String {
    format!("node-{}-{}", listen.ip(), listen.port()).replace(['.', ':'], "-")
}

/// Removes what a failed `start`/`join` created, unless disarmed.
struct Fresh {
    dir: PathBuf,
    created_dir: bool,
    armed: bool,
}

impl Fresh {
    fn claim(dir: &Path) -> Result<Fresh, Error> {
        if paths(dir).config.exists() {
            return Err(Error::AlreadyInitialized(dir.display().to_string()));
        }
        let created_dir = !dir.exists();
        std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("{}: {e}", dir.display())))?;
        // Anything else in the directory (RocksDB files, say) means it is not really fresh.
        let leftovers = std::fs::read_dir(dir)
            .map_err(|e| Error::Io(format!("{}: {e}", dir.display())))?
            .filter_map(|e| e.ok())
            .any(|e| {
                let name = e.file_name();
                name != "node.log" && name != "pid"
            });
        if leftovers {
            return Err(Error::AlreadyInitialized(dir.display().to_string()));
        }
        Ok(Fresh {
            dir: dir.to_owned(),
            created_dir,
            armed: true,
        })
    }

    fn keep(mut self) {
        self.armed = false;
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if self.created_dir {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                if entry.file_name() == "node.log" {
                    continue;
                }
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }
}

/// Fails early, before anything is written, when the QUIC or HTTP port is taken.
fn probe_ports(options: &NodeOptions) -> Result<(), Error> {
    std::net::UdpSocket::bind(options.listen).map_err(|e| Error::PortInUse {
        addr: options.listen,
        reason: e.to_string(),
    })?;
    if let Some(http) = options.http {
        std::net::TcpListener::bind(http).map_err(|e| Error::HttpPortInUse {
            addr: http,
            reason: e.to_string(),
        })?;
    }
    Ok(())
}

fn node_config(options: &NodeOptions, id: u64, name: String, bootstrap: bool) -> NodeConfig {
    NodeConfig {
        id,
        name,
        listen: options.listen,
        advertise: options.advertise.unwrap_or(options.listen),
        slots: options.slots,
        voters: options.voters,
        http: options.http,
        bootstrap,
        seeds: Vec::new(),
    }
}

fn client_config(config: &NodeConfig, token: &str, ca_pem: &str) -> ClientConfig {
    ClientConfig {
        cluster: vec![config.advertise],
        token: token.to_owned(),
        ca_pem: ca_pem.to_owned(),
    }
}

/// Creates a new cluster's first node in `options.data_dir`. The node is not running yet: call
/// [`run`].
pub fn bootstrap(options: &NodeOptions) -> Result<Bootstrapped, Error> {
    let fresh = Fresh::claim(&options.data_dir)?;
    probe_ports(options)?;
    let p = paths(&options.data_dir);
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| default_name(options.listen));
    let ca = ClusterCa::generate(&name)?;
    let identity = ca.issue_node(&name)?;
    let mut book = TokenBook::new();
    let join_token = book.issue(ca.fingerprint(), None, 0)?;
    let admin_token = random_hex(32)?;
    std::fs::create_dir_all(&p.ca_key_dir).map_err(|e| Error::Io(e.to_string()))?;
    std::fs::create_dir_all(&p.identity).map_err(|e| Error::Io(e.to_string()))?;
    ca.save(&p.ca_key_dir)?;
    identity.save(&p.identity)?;
    let ca_pem = sl_rpc::pki::certificate_pem(ca.cert());
    config::write_atomic(&p.ca_cert, ca_pem.as_bytes(), false)?;
    config::write_atomic(&p.join_token, join_token.to_string().as_bytes(), true)?;
    config::write_atomic(&p.admin_token, admin_token.as_bytes(), true)?;
    let node = node_config(options, 1, name, true);
    config::write_toml(
        &p.client,
        &client_config(&node, &admin_token, &ca_pem),
        true,
    )?;
    // node.toml last: its presence marks a complete node directory.
    config::write_toml(&p.config, &node, false)?;
    fresh.keep();
    Ok(Bootstrapped {
        join_token: join_token.to_string(),
        admin_token,
        client_config: p.client,
    })
}

/// Joins the cluster `peer` belongs to, with a join token; writes `options.data_dir`. The node is
/// a learner once this returns; call [`run`] to start it (the leader then sends it a snapshot and
/// promotes it if voters are wanted).
pub async fn join(
    options: &NodeOptions,
    peer: SocketAddr,
    token: &str,
) -> Result<NodeConfig, Error> {
    let token: JoinToken = token.parse()?;
    let fresh = Fresh::claim(&options.data_dir)?;
    probe_ports(options)?;
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| default_name(options.listen));
    let unspecified: SocketAddr = if options.listen.is_ipv4() {
        "0.0.0.0:0".parse().expect("literal")
    } else {
        "[::]:0".parse().expect("literal")
    };
    let identity = endpoint::join(peer, &token, &name, &endpoint::Options::new(unspecified))
        .await
        .map_err(|e| Error::Join {
            peer,
            reason: e.to_string(),
        })?;
    // Ask the cluster for an id, as a node (the new certificate), through the peer.
    let temporary = Endpoint::node(
        endpoint::Options::new(unspecified),
        &identity,
        Services {
            handler: Arc::new(sl_rpc::Router::new()),
            authenticator: None,
            join: None,
        },
    )?;
    let client = Client::new(temporary.clone(), [(0, peer)].into_iter().collect());
    let id = match client
        .propose(&Command::ReserveNodeId { name: name.clone() })
        .await
    {
        Ok(Reply::NodeId(id)) => id,
        Ok(other) => {
            return Err(Error::Join {
                peer,
                reason: format!("the cluster refused an id: {other:?}"),
            });
        }
        Err(e) => {
            return Err(Error::Join {
                peer,
                reason: e.to_string(),
            });
        }
    };
    let mut node = node_config(options, id, name.clone(), false);
    // Where the current members are, so this node can answer the leader before its snapshot.
    let status = temporary
        .call::<sl_coordinator::service::GetStatus>(peer, &sl_coordinator::service::Empty {})
        .await
        .map_err(|e| Error::Join {
            peer,
            reason: e.to_string(),
        })?;
    node.seeds = status
        .members
        .iter()
        .filter_map(|m| {
            Some(config::Seed {
                id: m.id,
                addr: m.addr.parse().ok()?,
            })
        })
        .collect();
    // The peer we joined through is a replica whatever the member list says: the bootstrap node
    // registers its own record only after it runs a moment, and a joiner that cannot address the
    // leader cannot answer it, so it would never receive its snapshot (`slnode up` failed so).
    if !node.seeds.iter().any(|s| s.id == status.id) {
        node.seeds.push(config::Seed {
            id: status.id,
            addr: peer,
        });
    }
    remove_unfinished_joins(&client, &status, id, &node.advertise.to_string(), peer).await?;
    let member = Member {
        id,
        name,
        addr: node.advertise.to_string(),
        slots: node.slots,
        storage: true,
    };
    match client
        .change_membership(&Membership::AddLearner(member))
        .await
    {
        Ok(Reply::Ok) => {}
        Ok(other) => {
            return Err(Error::Join {
                peer,
                reason: format!("the cluster refused the new member: {other:?}"),
            });
        }
        Err(e) => {
            // The change may have committed with its answer lost: take it back, or a member
            // that never runs would own objects (best effort; a later join at this address
            // removes it too). Only a membership this join added: the same name re-joining
            // names a member that already was one.
            if !status.voters.contains(&id) && !status.learners.contains(&id) {
                let _ = client.change_membership(&Membership::Remove(id)).await;
            }
            return Err(Error::Join {
                peer,
                reason: e.to_string(),
            });
        }
    }
    temporary.close().await;
    let p = paths(&options.data_dir);
    std::fs::create_dir_all(&p.identity).map_err(|e| Error::Io(e.to_string()))?;
    identity.save(&p.identity)?;
    let ca_pem = identity
        .chain
        .get(1)
        .map(|c| sl_rpc::pki::certificate_pem(c))
        .ok_or_else(|| Error::Io("the joined identity has no CA certificate".into()))?;
    config::write_atomic(&p.ca_cert, ca_pem.as_bytes(), false)?;
    config::write_toml(&p.config, &node, false)?;
    fresh.keep();
    info!(id, "joined as a learner");
    Ok(node)
}

/// An address holds one node. A learner already recorded at the joiner's address is a join that
/// never finished under another name (the joiner killed before it wrote its identity, or its
/// directory lost, then joined afresh): this machine has just bound the address, so nothing of
/// it runs. Left in place it would own objects that nobody can store or read (slchaos found
/// unreadable objects after join retries), so it is removed; a voter there is refused instead,
/// since removing a voter is the operator's call.
async fn remove_unfinished_joins(
    client: &Client,
    status: &service::Status,
    id: u64,
    addr: &str,
    peer: SocketAddr,
) -> Result<(), Error> {
    // The same name gets the same id: that is a retried join, and stays the same member.
    for stale in status
        .members
        .iter()
        .filter(|m| m.addr == addr && m.id != id)
    {
        if status.voters.contains(&stale.id) {
            return Err(Error::Join {
                peer,
                reason: format!(
                    "voter {} ({}) is recorded at {addr}; remove it first (slnode remove {})",
                    stale.id, stale.name, stale.id
                ),
            });
        }
        if !status.learners.contains(&stale.id) {
            continue;
        }
        warn!(
            id = stale.id,
            addr, "removing a learner at this address whose join never finished"
        );
        match client
            .change_membership(&Membership::Remove(stale.id))
            .await
        {
            Ok(Reply::Ok) => {}
            other => {
                return Err(Error::Join {
                    peer,
                    reason: format!(
                        "learner {} holds {addr} from an unfinished join and could not be removed: {other:?}",
                        stale.id
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Runs the node in `data_dir` until SIGTERM, Ctrl-C or `slnode leave`. Call inside an actix
/// system whose runtime is tokio's multi-threaded one.
pub async fn run(data_dir: &Path) -> Result<(), Error> {
    let p = paths(data_dir);
    if !p.config.exists() {
        return Err(Error::NotInitialized(data_dir.display().to_string()));
    }
    if data_dir.join("left").exists() {
        return Err(Error::Left(data_dir.display().to_string()));
    }
    let node: NodeConfig = config::read_toml(&p.config)?;
    let identity = NodeIdentity::load(&p.identity)?;
    // The machine starts from the default policy and replaces it with the replicated one as it
    // applies the log; the node's components follow through the shared handle (supervisor).
    let policy = sl_labels::SharedPolicy::new(Policy::tags_only());
    let principals = Principals::default();
    let mut admin_hash = None;
    let mut join_service = None;
    if node.bootstrap {
        let ca = ClusterCa::load(&p.ca_key_dir)?;
        let mut book = TokenBook::new();
        let token: JoinToken = config::read_text(&p.join_token)?.parse()?;
        book.restore(&token, None)?;
        join_service = Some(Arc::new(JoinService {
            ca,
            tokens: Arc::new(Mutex::new(book)),
        }));
        let admin = config::read_text(&p.admin_token)?;
        let hash = Principals::hash(&admin);
        principals.seed(hash, admin::ADMIN.to_owned());
        admin_hash = Some(hash);
    }
    let voters: &[u64] = if node.bootstrap { &[1] } else { &[] };
    let replica = Replica::open(
        node.id,
        voters,
        &p.raft,
        Policy::tags_only(),
        Limits::default(),
        &Timing::default(),
    )?;
    let engine = Arc::new(Engine::open(&p.objects)?);
    let (driver, inbox) = Driver::channel();
    let admin_slot: Arc<OnceLock<AdminContext>> = Arc::new(OnceLock::new());
    let jobs_slot: kappa::jobs::Slot = Arc::new(OnceLock::new());
    let users_slot: users::Slot = Arc::new(OnceLock::new());
    let router = sl_coordinator::service::routes(sl_rpc::Router::new(), driver.clone());
    let router = sl_objstore::service::routes(router, engine.clone());
    let router = admin::routes(router, admin_slot.clone());
    let router = kappa::jobs::routes(router, jobs_slot.clone());
    let router = users::routes(router, users_slot.clone());
    let linalg_slot: lambdapack::methods::Slot = Arc::new(OnceLock::new());
    let router = lambdapack::methods::routes(router, linalg_slot.clone());
    let router = lambdapack::methods::cancel_route(router, linalg_slot.clone());
    let sources = gateway::invoke::Sources::default();
    let router = gateway::methods::routes(router, jobs_slot.clone(), sources.clone());
    let timeline_slot: kappa::timeline::Slot = Arc::new(OnceLock::new());
    let router = kappa::timeline::routes(router, timeline_slot.clone());
    let timeline = kappa::timeline::Timeline::new(node.name.clone());
    let leader_changes = supervisor::LeaderChanges::default();
    let endpoint = Endpoint::node(
        endpoint::Options::new(node.listen),
        &identity,
        Services {
            handler: Arc::new(router),
            authenticator: Some(Arc::new(principals.clone())),
            join: join_service,
        },
    )
    .map_err(|e| match e {
        endpoint::Error::Bind { addr, reason } => Error::PortInUse { addr, reason },
        other => Error::Endpoint(other),
    })?;
    driver.start(
        inbox,
        replica,
        endpoint.clone(),
        node.seeds.iter().map(|s| (s.id, s.addr)).collect(),
        service::Options {
            voters_wanted: node.voters,
            ..Default::default()
        },
    );
    let (members_tx, members_rx) = tokio::sync::watch::channel(Vec::new());
    let store = Store::new(
        node.id,
        engine.clone(),
        endpoint.clone(),
        members_rx,
        REPLICAS_DEFAULT,
        policy.clone(),
    );
    let link = kappa::link::Link::new(
        driver.clone(),
        Client::new(
            endpoint.clone(),
            node.seeds
                .iter()
                .map(|s| (s.id, s.addr))
                .chain([(node.id, node.advertise)])
                .collect(),
        ),
    );
    let link_for_admin = link.clone();
    let _ = users_slot.set(users::UsersContext {
        link: link.clone(),
        principals: principals.clone(),
        ca_fingerprint: identity
            .chain
            .get(1)
            .map(|ca| sl_rpc::pki::Fingerprint::of(ca).to_string())
            .unwrap_or_default(),
    });
    let jobs_context = kappa::jobs::JobsContext {
        link: link.clone(),
        store: store.clone(),
        policy: policy.clone(),
    };
    let _ = linalg_slot.set(jobs_context.clone());
    let _ = timeline_slot.set(kappa::timeline::TimelineContext {
        jobs: jobs_context.clone(),
        timeline: timeline.clone(),
        driver: driver.clone(),
        endpoint: endpoint.clone(),
    });
    let _ = jobs_slot.set(jobs_context);
    let lambdapack_runner = lambdapack::runner::spawn(
        lambdapack::runner::Options::from_env(node.id),
        link.clone(),
        store.clone(),
    );
    let provisioner = kappa::provisioner::Provisioner::new(
        kappa::worker::Env {
            node: node.id,
            link,
            store: store.clone(),
            programs: kappa::programs::Programs::new(store.clone()),
            runtime: tokio::runtime::Handle::current(),
            policy: policy.clone(),
            inline_max: Limits::default().inline_checkpoint_bytes_max,
            timeline: timeline.clone(),
            exits: Arc::new(tokio::sync::Notify::new()),
        },
        node.slots,
    )
    .start();
    let mut tasks = vec![store.spawn_rebalancer(), lambdapack_runner];
    let (leave_tx, mut leave_rx) = tokio::sync::mpsc::channel(1);
    let _ = admin_slot.set(AdminContext {
        id: node.id,
        name: node.name.clone(),
        addr: node.advertise.to_string(),
        slots: node.slots,
        driver: driver.clone(),
        engine,
        store: store.clone(),
        leave: leave_tx,
        policy: policy.clone(),
        link: link_for_admin,
        timeline: timeline.clone(),
    });
    let health = Arc::new(Mutex::new((false, "starting".to_owned())));
    if let Some(addr) = node.http {
        // Histograms with buckets (Prometheus's convention), not summaries: latencies from 0.1 ms
        // to 10 s, sizes from 1 KiB to 64 MiB.
        use metrics_exporter_prometheus::Matcher;
        let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Suffix("_seconds".into()),
                &[
                    0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0,
                    2.5, 10.0,
                ],
            )
            .and_then(|b| {
                b.set_buckets_for_metric(
                    Matcher::Suffix("_bytes".into()),
                    &[
                        1024.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
                        67108864.0,
                    ],
                )
            })
            .map_err(|e| Error::Io(format!("metrics buckets: {e}")))?
            .install_recorder()
            .map_err(|e| Error::Io(format!("metrics recorder: {e}")))?;
        let health = health.clone();
        let gateway = gateway::http::Gateway::new(
            jobs_slot.clone(),
            Arc::new(principals.clone()),
            sources,
            metrics,
            Arc::new(move || health.lock().unwrap_or_else(|e| e.into_inner()).clone()),
            Some(gateway::dashboard::ClusterView {
                driver: driver.clone(),
                endpoint: endpoint.clone(),
                timeline: timeline.clone(),
                leader_changes: leader_changes.clone(),
            }),
        );
        let task = gateway::http::serve(addr, gateway)
            .await
            .map_err(|e| Error::HttpPortInUse {
                addr,
                reason: e.to_string(),
            })?;
        tasks.push(task);
    }
    config::write_atomic(&p.pid, std::process::id().to_string().as_bytes(), false)?;
    let (stopped_tx, mut stopped_rx) = tokio::sync::mpsc::channel(1);
    let supervisor = supervisor::Supervisor::new(supervisor::Parts {
        me: Member {
            id: node.id,
            name: node.name.clone(),
            addr: node.advertise.to_string(),
            slots: node.slots,
            storage: true,
        },
        driver,
        endpoint,
        store,
        members: members_tx,
        principals,
        policy,
        admin_hash,
        health,
        leader_changes,
        tasks,
        provisioner: provisioner.recipient(),
        pid_file: p.pid.clone(),
        stopped: stopped_tx,
    })
    .start();
    info!(id = node.id, addr = %node.advertise, "node running");
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| Error::Io(format!("signal handler: {e}")))?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {
            let _ = supervisor.send(supervisor::Shutdown { reason: "interrupted" }).await;
        }
        _ = terminate.recv() => {
            let _ = supervisor.send(supervisor::Shutdown { reason: "SIGTERM" }).await;
        }
        Some(()) = leave_rx.recv() => {
            let _ = supervisor.send(supervisor::LeaveCluster).await;
        }
        // The supervisor stopped on its own (this node was removed from the cluster).
        _ = stopped_rx.recv() => return Ok(()),
    }
    let _ = stopped_rx.recv().await;
    Ok(())
}

/// Reads the client config that `start` wrote into a node's data dir.
pub fn read_client_config(path: &Path) -> Result<ClientConfig, Error> {
    Ok(config::read_toml(path)?)
}

pub use config::write_toml;

/// Whether process `pid` exists and is not a zombie (a node whose parent, `slnode up`, is long
/// gone and has not been reaped would otherwise look alive and never be restarted).
pub fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    if unsafe { libc::kill(pid, 0) } != 0 {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name, which may itself hold spaces.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_none_or(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}
