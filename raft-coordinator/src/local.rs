//! A coordinator cluster of `n` voters in this process, over real QUIC and RocksDB: what tests and
//! `slnode bench coordinator` start. Each replica has its own endpoint, log and driver.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sl_labels::Policy;
use sl_rpc::endpoint::{Endpoint, Options, Services};
use sl_rpc::pki::ClusterCa;

use crate::catalog::Member;
use crate::machine::Limits;
#[cfg(doc)]
use crate::replica::Membership;
use crate::replica::{self, Replica, Timing};
use crate::service::{self, Driver, Inbox};

pub struct LocalReplica {
    pub driver: Driver,
    pub endpoint: Endpoint,
}

pub struct LocalCluster {
    pub replicas: BTreeMap<u64, LocalReplica>,
    pub addrs: BTreeMap<u64, SocketAddr>,
    ca: ClusterCa,
    dir: PathBuf,
    policy: Policy,
    options: service::Options,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Replica(#[from] replica::Error),
    #[error(transparent)]
    Rpc(#[from] sl_rpc::endpoint::Error),
    #[error(transparent)]
    Pki(#[from] sl_rpc::pki::Error),
}

impl LocalCluster {
    /// Starts voters `1..=n` with their logs under `dir/replica-<id>`, on loopback ports.
    pub fn start(
        ca: &ClusterCa,
        dir: &Path,
        n: u64,
        policy: &Policy,
    ) -> Result<LocalCluster, Error> {
        Self::start_with(ca, dir, n, policy, service::Options::default())
    }

    pub fn start_with(
        ca: &ClusterCa,
        dir: &Path,
        n: u64,
        policy: &Policy,
        options: service::Options,
    ) -> Result<LocalCluster, Error> {
        let voters: Vec<u64> = (1..=n).collect();
        let mut cluster = LocalCluster {
            replicas: BTreeMap::new(),
            addrs: BTreeMap::new(),
            ca: ca.try_clone()?,
            dir: dir.to_owned(),
            policy: policy.clone(),
            options,
        };
        let mut pending = Vec::new();
        for &id in &voters {
            let (replica, inbox) = cluster.open(id, &voters)?;
            pending.push((id, replica, inbox));
        }
        for (id, replica, inbox) in pending {
            cluster.run(id, replica, inbox);
        }
        Ok(cluster)
    }

    /// Starts replica `id` with an empty log, to join the cluster: it has no configuration until
    /// the leader adds it (see [`Membership::AddLearner`]) and sends it a snapshot. Returns the
    /// member record to add it with.
    pub fn start_joiner(&mut self, id: u64) -> Result<Member, Error> {
        let (replica, inbox) = self.open(id, &[])?;
        self.run(id, replica, inbox);
        Ok(Member {
            id,
            name: format!("coordinator-{id}"),
            addr: self.addrs[&id].to_string(),
            slots: 0,
            storage: false,
        })
    }

    fn open(&mut self, id: u64, voters: &[u64]) -> Result<(Replica, Inbox), Error> {
        let replica = Replica::open(
            id,
            voters,
            &self.dir.join(format!("replica-{id}")),
            self.policy.clone(),
            Limits::default(),
            &Timing::default(),
        )?;
        let (driver, inbox) = Driver::channel();
        let handler = Arc::new(service::routes(sl_rpc::Router::new(), driver.clone()));
        let services = Services {
            handler,
            authenticator: None,
            join: None,
        };
        let endpoint = Endpoint::node(
            Options::new("127.0.0.1:0".parse().expect("literal address")),
            &self.ca.issue_node(&format!("coordinator-{id}"))?,
            services,
        )?;
        self.addrs.insert(id, endpoint.local_addr()?);
        self.replicas.insert(id, LocalReplica { driver, endpoint });
        Ok((replica, inbox))
    }

    fn run(&self, id: u64, replica: Replica, inbox: Inbox) {
        let local = &self.replicas[&id];
        // Every address known here, as bootstrap peers; member records take over once they exist.
        let peers = self
            .addrs
            .iter()
            .filter(|(p, _)| **p != id)
            .map(|(p, a)| (*p, *a))
            .collect();
        local.driver.start(
            inbox,
            replica,
            local.endpoint.clone(),
            peers,
            self.options.clone(),
        );
    }

    /// Stops every replica (drivers joined, endpoints closed).
    pub async fn shutdown(&self) {
        for id in self.replicas.keys().copied().collect::<Vec<_>>() {
            self.crash(id).await;
        }
    }

    /// Crashes replica `id`: its driver stops mid-flight and its endpoint goes silent.
    pub async fn crash(&self, id: u64) {
        if let Some(replica) = self.replicas.get(&id) {
            let driver = replica.driver.clone();
            // Joining the driver thread blocks briefly; keep it off the async workers.
            let _ = tokio::task::spawn_blocking(move || driver.abort()).await;
            replica.endpoint.close().await;
        }
    }
}

/// A client that calls the cluster as a node would (mutual TLS under `ca`), for tests and
/// benchmarks.
pub fn node_client(
    ca: &ClusterCa,
    name: &str,
    replicas: BTreeMap<u64, SocketAddr>,
) -> Result<service::Client, Error> {
    let endpoint = Endpoint::node(
        Options::new("127.0.0.1:0".parse().expect("literal address")),
        &ca.issue_node(name)?,
        Services {
            handler: Arc::new(sl_rpc::Router::new()),
            authenticator: None,
            join: None,
        },
    )?;
    Ok(service::Client::new(endpoint, replicas))
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        // Driver threads must not touch RocksDB while the process tears down.
        for replica in self.replicas.values() {
            replica.driver.abort();
        }
    }
}
