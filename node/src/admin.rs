//! The node's own methods (ids 500–509): what `slnode status`, `leave` and `object` call, and the
//! authenticator that maps client tokens to principals.
//!
//! Who may call: cluster nodes (by certificate) and clients holding the admin token. Tokens are
//! checked by hash against the principals in the coordinator's machine (cached, refreshed by the
//! supervisor), so any node authenticates any principal without holding its token.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use bytes::Bytes;
use sha2::{Digest, Sha256};
use sl_coordinator::machine::{Command, Reply as CoordinatorReply};
use sl_coordinator::query::{Answer, Query};
use sl_coordinator::service::{Driver, Status};
use sl_objstore::engine::Engine;
use sl_objstore::store::Store;
use sl_rpc::endpoint::{Authenticator, Caller, Reply, Router};
use sl_rpc::message::{ErrorCode, RemoteError};

pub const ADMIN: &str = sl_coordinator::service::ADMIN_PRINCIPAL;
/// Object keys and bodies the CLI may store (larger objects come with workers' own API).
pub const OBJECT_KEY_BYTES_MAX: usize = 1024;

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Empty {}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct NodeInfo {
    pub id: u64,
    pub name: String,
    pub addr: String,
    pub slots: u32,
    /// Worker slots running a slice now.
    pub busy: u32,
    pub objects: u64,
    pub bytes: u64,
    /// The coordinator replica's view (every node runs one, voting or not).
    pub raft: Option<Status>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct ObjectKey {
    pub key: String,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Found {
    pub found: bool,
}

sl_rpc::method!(GetNodeInfo, 500, "node_info", false, Empty, NodeInfo);
sl_rpc::method!(
    /// Hands this node's objects to the others, leaves the configuration and stops the process.
    Leave,
    501,
    "node_leave",
    false,
    Empty,
    Empty
);
sl_rpc::method!(PutObject, 502, "object_put", true, ObjectKey, Empty);
sl_rpc::method!(GetObject, 503, "object_get", true, ObjectKey, Found);

/// A principal's token hash and name.
type Entry = ([u8; 32], String);

/// Principals by the SHA-256 of their token: the replicated list, plus a principal seeded locally
/// (the bootstrap node's admin, usable before the log has it).
#[derive(Clone, Default)]
pub struct Principals {
    known: Arc<RwLock<HashMap<[u8; 32], String>>>,
    seed: Arc<RwLock<Option<Entry>>>,
    /// Whether the replicated list has been installed once: before that an unknown token may be
    /// a good one this node has not heard of (just restarted), and is refused as "not ready".
    loaded: Arc<std::sync::atomic::AtomicBool>,
}

impl Principals {
    pub fn hash(token: &str) -> [u8; 32] {
        Sha256::digest(token.as_bytes()).into()
    }

    pub fn seed(&self, hash: [u8; 32], name: String) {
        *self.seed.write().unwrap_or_else(|e| e.into_inner()) = Some((hash, name));
        self.install([]);
    }

    /// Installs the replicated list; a principal removed there stops authenticating here. A
    /// caught-up list holds the admin (the bootstrap node writes it when it registers), so a
    /// list without it is a replica that has not caught up — a node that just joined, before
    /// its snapshot, or one that applied users the admin added through the bootstrap node's
    /// seeded token before that registration committed — and unknown tokens stay "not ready"
    /// rather than "revoked" until it arrives (slchaos found a fresh node calling the admin
    /// token revoked).
    pub fn replace(&self, entries: impl IntoIterator<Item = Entry>) {
        let entries: Vec<Entry> = entries.into_iter().collect();
        let caught_up = entries.iter().any(|(_, name)| name == ADMIN);
        self.install(entries);
        // Not sticky: a replica whose state went back (a snapshot being installed) is not
        // caught up either.
        self.loaded
            .store(caught_up, std::sync::atomic::Ordering::Release);
    }

    fn install(&self, entries: impl IntoIterator<Item = Entry>) {
        let mut fresh: HashMap<[u8; 32], String> = entries.into_iter().collect();
        if let Some((hash, name)) = self.seed.read().unwrap_or_else(|e| e.into_inner()).clone() {
            fresh.entry(hash).or_insert(name);
        }
        *self.known.write().unwrap_or_else(|e| e.into_inner()) = fresh;
    }
}

impl Authenticator for Principals {
    fn authenticate(&self, bearer: &str) -> Result<String, String> {
        self.known
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&Self::hash(bearer))
            .cloned()
            .ok_or_else(|| {
                if self.loaded.load(std::sync::atomic::Ordering::Acquire) {
                    "unknown or revoked token; ask the cluster admin for a new one (`slnode user token NAME`)"
                        .to_owned()
                } else {
                    format!(
                        "{}this node has just started and has not loaded the cluster's users yet",
                        sl_rpc::endpoint::NOT_READY
                    )
                }
            })
    }
}

pub fn admin_or_node(caller: &Caller) -> Result<(), RemoteError> {
    match caller {
        Caller::Node { .. } => Ok(()),
        Caller::Client { principal } if principal == ADMIN => Ok(()),
        _ => Err(RemoteError::new(
            ErrorCode::Forbidden,
            "only cluster nodes and the admin may do this",
        )),
    }
}

/// What the admin routes need. `leave` asks the supervisor to hand off and stop.
#[derive(Clone)]
pub struct AdminContext {
    pub id: u64,
    pub name: String,
    pub addr: String,
    pub slots: u32,
    pub driver: Driver,
    pub engine: Arc<Engine>,
    pub store: Store,
    pub leave: tokio::sync::mpsc::Sender<()>,
    pub policy: sl_labels::SharedPolicy,
    pub link: crate::kappa::link::Link,
    /// This node's slices and busy slots.
    pub timeline: crate::kappa::timeline::Timeline,
}

fn internal(e: impl std::fmt::Display) -> RemoteError {
    RemoteError::new(ErrorCode::Internal, e.to_string())
}

/// The context is filled once the node's services exist (the routes are built before the
/// endpoint they are served on); until then the methods answer "unavailable".
pub type Slot = Arc<std::sync::OnceLock<AdminContext>>;

fn context(slot: &Slot) -> Result<AdminContext, RemoteError> {
    slot.get()
        .cloned()
        .ok_or_else(|| RemoteError::new(ErrorCode::Unavailable, "the node is starting"))
}

pub fn routes(router: Router, slot: Slot) -> Router {
    let (c1, c2, c3, c4) = (slot.clone(), slot.clone(), slot.clone(), slot);
    router
        .route::<GetNodeInfo, _, _>(move |caller, _: Empty, _| {
            let slot = c1.clone();
            async move {
                admin_or_node(&caller)?;
                let c = context(&slot)?;
                let engine = c.engine.clone();
                let (objects, bytes) = tokio::task::spawn_blocking(move || engine.stats())
                    .await
                    .map_err(internal)?
                    .map_err(internal)?;
                Ok(Reply::new(NodeInfo {
                    id: c.id,
                    name: c.name.clone(),
                    addr: c.addr.clone(),
                    slots: c.slots,
                    busy: c.timeline.busy(),
                    objects,
                    bytes,
                    raft: c.driver.status().await,
                }))
            }
        })
        .route::<Leave, _, _>(move |caller, _: Empty, _| {
            let slot = c2.clone();
            async move {
                admin_or_node(&caller)?;
                let c = context(&slot)?;
                c.leave.try_send(()).map_err(|_| {
                    RemoteError::new(ErrorCode::Unavailable, "the node is already leaving")
                })?;
                Ok(Reply::new(Empty {}))
            }
        })
        .route::<PutObject, _, _>(move |caller, request: ObjectKey, payload| {
            let slot = c3.clone();
            async move {
                let c = context(&slot)?;
                check_key(&request.key)?;
                let label = caller_label(&c, &caller, false).await?;
                let bytes = payload.map(|p| Bytes::from(p.to_vec())).unwrap_or_default();
                // The bytes go under a fresh random key, and the name becomes a facet at the
                // caller's label pointing at it: a put never collides with (so never reveals)
                // an object at a label the caller may not see.
                let mut id = [0u8; 16];
                getrandom::fill(&mut id).map_err(internal)?;
                let object = format!("object/{}", sl_rpc::token::hex_encode(&id));
                c.store
                    .put(object.as_bytes(), bytes, &label)
                    .await
                    .map_err(|e| RemoteError::new(ErrorCode::Unavailable, e.to_string()))?;
                match c
                    .link
                    .propose(Command::KvPut {
                        key: facet_key(&request.key),
                        label,
                        value: object.into_bytes(),
                    })
                    .await
                {
                    Ok(CoordinatorReply::Ok) => Ok(Reply::new(Empty {})),
                    other => Err(RemoteError::new(
                        ErrorCode::Unavailable,
                        format!("the object's name was not recorded: {other:?}"),
                    )),
                }
            }
        })
        .route::<GetObject, _, _>(move |caller, request: ObjectKey, _| {
            let slot = c4.clone();
            async move {
                let c = context(&slot)?;
                check_key(&request.key)?;
                let reader = caller_label(&c, &caller, true).await?;
                let object = match c
                    .link
                    .read(Query::Kv {
                        key: facet_key(&request.key),
                        reader: reader.clone(),
                    })
                    .await
                {
                    Ok(Answer::Value(Some(object))) => object,
                    Ok(_) => return Ok(Reply::new(Found { found: false })),
                    Err(e) => return Err(RemoteError::new(ErrorCode::Unavailable, e.to_string())),
                };
                match c
                    .store
                    .get(&object, &reader)
                    .await
                    .map_err(|e| RemoteError::new(ErrorCode::Unavailable, e.to_string()))?
                {
                    Some(object) => Ok(Reply::with_payload(
                        Found { found: true },
                        Bytes::from(object.bytes.to_vec()),
                    )),
                    None => Ok(Reply::new(Found { found: false })),
                }
            }
        })
}

/// The coordinator key of the facets naming a CLI object.
fn facet_key(key: &str) -> String {
    format!("object/{key}")
}

/// The caller's label: a user's own; the admin writes at the bottom and reads at the top.
async fn caller_label(
    c: &AdminContext,
    caller: &Caller,
    reading: bool,
) -> Result<sl_labels::Label, RemoteError> {
    use sl_labels::Lattice;
    let policy = c.policy.current();
    match caller {
        Caller::Client { principal } if principal != ADMIN => {
            match c.link.read(Query::PrincipalLabel(principal.clone())).await {
                Ok(Answer::Label(Some(label))) => {
                    crate::kappa::jobs::catch_up_policy(&c.link, &c.policy, &label).await?;
                    Ok(label)
                }
                Ok(_) => Err(RemoteError::new(
                    ErrorCode::Forbidden,
                    format!("user {principal} no longer exists"),
                )),
                Err(e) => Err(RemoteError::new(ErrorCode::Unavailable, e.to_string())),
            }
        }
        Caller::Joiner => Err(RemoteError::new(
            ErrorCode::Forbidden,
            "joiners may only join",
        )),
        _ if reading => Ok(policy.top()),
        _ => Ok(policy.bottom()),
    }
}

fn check_key(key: &str) -> Result<(), RemoteError> {
    if key.is_empty() || key.len() > OBJECT_KEY_BYTES_MAX {
        return Err(RemoteError::new(
            ErrorCode::BadRequest,
            format!("object keys are 1 to {OBJECT_KEY_BYTES_MAX} bytes"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A restarted node once told a good user "unknown or revoked token" until its first refresh,
    /// and the CLI gave up on that answer (slchaos found it).
    #[test]
    fn before_the_users_are_loaded_an_unknown_token_is_not_ready_rather_than_revoked() {
        let principals = Principals::default();
        principals.seed(Principals::hash("admin-token"), ADMIN.to_owned());
        assert_eq!(principals.authenticate("admin-token"), Ok(ADMIN.to_owned()));
        let early = principals.authenticate("alice-token").unwrap_err();
        assert!(sl_rpc::endpoint::refusal_is_transient(&early), "{early}");
        // A node that just joined reads an empty list from its replica before the snapshot
        // arrives (slchaos found it too): still not ready.
        principals.replace([]);
        let joined = principals.authenticate("alice-token").unwrap_err();
        assert!(sl_rpc::endpoint::refusal_is_transient(&joined), "{joined}");
        // Users applied before the admin's own record (added through the bootstrap node's
        // seeded token while its registration was pending): the admin is not "revoked" yet.
        principals.replace([(Principals::hash("bob-token"), "bob".to_owned())]);
        let early_admin = principals.authenticate("other-admin-token").unwrap_err();
        assert!(
            sl_rpc::endpoint::refusal_is_transient(&early_admin),
            "{early_admin}"
        );
        principals.replace([
            (Principals::hash("alice-token"), "alice".to_owned()),
            (Principals::hash("admin-token"), ADMIN.to_owned()),
        ]);
        assert_eq!(
            principals.authenticate("alice-token"),
            Ok("alice".to_owned())
        );
        assert_eq!(principals.authenticate("admin-token"), Ok(ADMIN.to_owned()));
        let late = principals.authenticate("mallory-token").unwrap_err();
        assert!(!sl_rpc::endpoint::refusal_is_transient(&late), "{late}");
        assert!(late.contains("unknown or revoked"));
        // A replica whose state went back (a snapshot being installed) is not ready again.
        principals.replace([]);
        let back = principals.authenticate("mallory-token").unwrap_err();
        assert!(sl_rpc::endpoint::refusal_is_transient(&back), "{back}");
    }
}
