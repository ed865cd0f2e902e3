//! A coordinator cluster of `n` voters in this process, over real QUIC and RocksDB: what tests and
//! `slnode bench coordinator` start. Each replica has its own endpoint, log and driver.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use sl_labels::Policy;
use sl_rpc::endpoint::{Endpoint, Options, Services};
use sl_rpc::pki::ClusterCa;

use crate::machine::Limits;
use crate::replica::{self, Replica, Timing};
use crate::service::{self, Driver};

pub struct LocalReplica {
    pub driver: Driver,
    pub endpoint: Endpoint,
}

pub struct LocalCluster {
    pub replicas: BTreeMap<u64, LocalReplica>,
    pub addrs: BTreeMap<u64, SocketAddr>,
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
        let voters: Vec<u64> = (1..=n).collect();
        let mut replicas = BTreeMap::new();
        let mut addrs = BTreeMap::new();
        let mut pending = Vec::new();
        for &id in &voters {
            let replica = Replica::open(
                id,
                &voters,
                &dir.join(format!("replica-{id}")),
                policy.clone(),
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
                &ca.issue_node(&format!("coordinator-{id}"))?,
                services,
            )?;
            addrs.insert(id, endpoint.local_addr()?);
            pending.push((id, replica, inbox));
            replicas.insert(id, LocalReplica { driver, endpoint });
        }
        for (id, replica, inbox) in pending {
            let local = &replicas[&id];
            let peers = addrs
                .iter()
                .filter(|(p, _)| **p != id)
                .map(|(p, a)| (*p, *a))
                .collect();
            local.driver.start(
                inbox,
                replica,
                local.endpoint.clone(),
                peers,
                service::Options::default(),
            );
        }
        Ok(LocalCluster { replicas, addrs })
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

impl Drop for LocalCluster {
    fn drop(&mut self) {
        // Driver threads must not touch RocksDB while the process tears down.
        for replica in self.replicas.values() {
            replica.driver.abort();
        }
    }
}
