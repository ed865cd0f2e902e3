//! What a node keeps in its data directory, and the client config the CLI reads.
//!
//! Data directory layout (decided here, documented in `docs/node.md`):
//! `node.toml` (this file's [`NodeConfig`]), `identity/` (certificate chain and key), `ca.pem`
//! (the cluster CA's certificate), `ca/` (the CA key; only on the bootstrap node, which admits
//! joiners), `join-token` and `admin-token` (0600; bootstrap node), `raft/` and `objects/`
//! (RocksDB), `client.toml`, `pid` while running, `node.log` when started by `slnode up`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Parse { path: String, reason: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NodeConfig {
    pub id: u64,
    pub name: String,
    pub listen: SocketAddr,
    /// The address other nodes and clients use (defaults to `listen`).
    pub advertise: SocketAddr,
    pub slots: u32,
    /// Voters the cluster promotes learners up to (3 or 5).
    pub voters: usize,
    /// `/metrics` and `/healthz`; none to disable.
    pub http: Option<SocketAddr>,
    /// Whether this node bootstrapped the cluster (it then holds the CA key and admits joiners).
    pub bootstrap: bool,
    /// Members known when this node joined: it must answer the leader before the leader's
    /// snapshot tells it where everyone is. Member records in the replicated state take over.
    #[serde(default)]
    pub seeds: Vec<Seed>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Seed {
    pub id: u64,
    pub addr: SocketAddr,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClientConfig {
    /// Nodes to try, any of which finds the rest.
    pub cluster: Vec<SocketAddr>,
    /// The bearer token (the admin token for configs `start` and `up` write).
    pub token: String,
    /// The cluster CA certificate, PEM.
    pub ca_pem: String,
}

pub fn paths(dir: &Path) -> Paths {
    Paths {
        config: dir.join("node.toml"),
        identity: dir.join("identity"),
        ca_cert: dir.join("ca.pem"),
        ca_key_dir: dir.join("ca"),
        join_token: dir.join("join-token"),
        admin_token: dir.join("admin-token"),
        raft: dir.join("raft"),
        objects: dir.join("objects"),
        client: dir.join("client.toml"),
        pid: dir.join("pid"),
    }
}

pub struct Paths {
    pub config: PathBuf,
    pub identity: PathBuf,
    pub ca_cert: PathBuf,
    pub ca_key_dir: PathBuf,
    pub join_token: PathBuf,
    pub admin_token: PathBuf,
    pub raft: PathBuf,
    pub objects: PathBuf,
    pub client: PathBuf,
    pub pid: PathBuf,
}

pub fn read_toml<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    toml::from_str(&text).map_err(|e| Error::Parse {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Writes `value` to `path` through a temporary file and a rename, so a crash leaves the old file
/// or the new one, never half of one. `secret` files are 0600.
pub fn write_toml<T: Serialize>(path: &Path, value: &T, secret: bool) -> Result<(), Error> {
    let text = toml::to_string(value).map_err(|e| Error::Parse {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    write_atomic(path, text.as_bytes(), secret)
}

pub fn write_atomic(path: &Path, bytes: &[u8], secret: bool) -> Result<(), Error> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    if secret {
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(io(&tmp))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

pub fn read_text(path: &Path) -> Result<String, Error> {
    Ok(std::fs::read_to_string(path)
        .map_err(io(path))?
        .trim()
        .to_owned())
}
