//! Deployed functions: a name, a program with `handler(event, context)`, a version that grows with
//! every deploy. The registry lives in the coordinator's faceted KV at the bottom label (functions
//! have no label of their own: each call runs at its caller's), one key per function plus an index
//! key of names, each changed by compare-and-set; the source is an object at the bottom label.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sl_coordinator::machine::{Command, Reply};
use sl_coordinator::query::{Answer, Query};
use sl_labels::{Label, Lattice};
use sl_rpc::message::{ErrorCode, RemoteError};

use crate::kappa::jobs::{JobsContext, bad, unavailable};
use crate::kappa::programs::SOURCE_BYTES_MAX;

/// Functions one cluster holds (the index key must fit one KV value).
pub const FUNCTIONS_MAX: usize = 256;
pub const NAME_BYTES_MAX: usize = 64;
/// Attempts of one compare-and-set loop before the caller is told to retry.
const CAS_ATTEMPTS_MAX: usize = 8;
const INDEX_KEY: &str = "function-index";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    pub version: u64,
    /// Object key of the source (at the bottom label).
    pub program: String,
    pub file: String,
    pub timeout_ms: u64,
    pub deployed_by: String,
    pub deployed_ms: u64,
    /// Removed: kept so that a later deploy continues the version count.
    #[serde(default)]
    pub removed: bool,
}

fn record_key(name: &str) -> String {
    format!("function/{name}")
}

pub fn check_name(name: &str) -> Result<(), RemoteError> {
    let ok = !name.is_empty()
        && name.len() <= NAME_BYTES_MAX
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(bad(format!(
            "function names are 1 to {NAME_BYTES_MAX} letters, digits, '-' or '_'"
        )))
    }
}

/// The label registry records and sources are written at. A policy change can renumber what
/// "bottom" is (a rebased policy keeps the old levels and may add one below), so writers use the
/// bottom of the policy in force and lookups read at its top, which sees what was written at any
/// earlier bottom too; the newest facet wins.
pub(crate) fn bottom(c: &JobsContext) -> Label {
    Lattice::bottom(&*c.policy.current())
}

pub(crate) fn top(c: &JobsContext) -> Label {
    Lattice::top(&*c.policy.current())
}

/// Brings this node's copy of the policy level with its replica's (the supervisor does so only
/// every half second): labels computed from it must mean what they mean in the log.
pub(crate) async fn sync_policy(c: &JobsContext) {
    if let Some(Answer::Policy(image)) = c.link.read_local(Query::Policy).await
        && c.policy.current().image() != image
        && let Ok(policy) = sl_labels::Policy::from_image(&image)
    {
        c.policy.replace(policy);
    }
}

/// What a lookup sees under `key` (read at the top, through the leader).
pub(crate) async fn read_raw(c: &JobsContext, key: &str) -> Result<Option<Vec<u8>>, RemoteError> {
    read_at(c, key, top(c)).await
}

/// What a writer at the bottom sees under `key`: the `expect` of a compare-and-set there.
pub(crate) async fn read_for_cas(
    c: &JobsContext,
    key: &str,
) -> Result<Option<Vec<u8>>, RemoteError> {
    read_at(c, key, bottom(c)).await
}

async fn read_at(
    c: &JobsContext,
    key: &str,
    reader: Label,
) -> Result<Option<Vec<u8>>, RemoteError> {
    match c
        .link
        .read(Query::Kv {
            key: key.to_owned(),
            reader,
        })
        .await
        .map_err(unavailable)?
    {
        Answer::Value(v) => Ok(v),
        other => Err(unavailable(format!("unexpected answer {other:?}"))),
    }
}

/// Writes `value` under `key` if it still holds `expect`; `false` on a mismatch.
pub(crate) async fn cas(
    c: &JobsContext,
    key: &str,
    expect: Option<Vec<u8>>,
    value: Vec<u8>,
) -> Result<bool, RemoteError> {
    match c
        .link
        .propose(Command::KvCas {
            key: key.to_owned(),
            label: bottom(c),
            expect,
            value,
        })
        .await
        .map_err(unavailable)?
    {
        Reply::Ok => Ok(true),
        Reply::CasMismatch { .. } => Ok(false),
        Reply::Rejected(reject) => Err(bad(format!("the cluster refused: {reject:?}"))),
        other => Err(unavailable(format!("unexpected reply {other:?}"))),
    }
}

pub(crate) fn decode<T: for<'a> Deserialize<'a>>(
    bytes: &[u8],
    what: &str,
) -> Result<T, RemoteError> {
    serde_json::from_slice(bytes)
        .map_err(|e| RemoteError::new(ErrorCode::Internal, format!("{what} is unreadable: {e}")))
}

/// The live function called `name`, if any.
pub async fn get(c: &JobsContext, name: &str) -> Result<Option<Function>, RemoteError> {
    check_name(name)?;
    sync_policy(c).await;
    match read_raw(c, &record_key(name)).await? {
        Some(bytes) => {
            let f: Function = decode(&bytes, "a function record")?;
            Ok((!f.removed).then_some(f))
        }
        None => Ok(None),
    }
}

/// [`get`], from this node's replica when it has the function (a call need not wait for a
/// leader round trip), else from the leader (a function deployed a moment ago).
pub async fn get_fast(c: &JobsContext, name: &str) -> Result<Option<Function>, RemoteError> {
    check_name(name)?;
    // No policy sync on this path (it runs per call): a copy too old to see the record misses
    // here, and `get` syncs before asking the leader.
    if let Some(Answer::Value(Some(bytes))) = c
        .link
        .read_local(Query::Kv {
            key: record_key(name),
            reader: top(c),
        })
        .await
    {
        let f: Function = decode(&bytes, "a function record")?;
        if !f.removed {
            return Ok(Some(f));
        }
    }
    get(c, name).await
}

/// Every live function, by name.
pub async fn list(c: &JobsContext) -> Result<Vec<Function>, RemoteError> {
    sync_policy(c).await;
    let names: Vec<String> = match read_raw(c, INDEX_KEY).await? {
        Some(bytes) => decode(&bytes, "the function index")?,
        None => Vec::new(),
    };
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        if let Some(f) = get(c, &name).await? {
            out.push(f);
        }
    }
    Ok(out)
}

/// Applies `change` to the index of names by compare-and-set.
async fn update_index(
    c: &JobsContext,
    change: impl Fn(&mut Vec<String>) -> Result<(), RemoteError>,
) -> Result<(), RemoteError> {
    sync_policy(c).await;
    for _ in 0..CAS_ATTEMPTS_MAX {
        let current = read_for_cas(c, INDEX_KEY).await?;
        let mut names: Vec<String> = match &current {
            Some(bytes) => decode(bytes, "the function index")?,
            None => Vec::new(),
        };
        let before = names.clone();
        change(&mut names)?;
        if names == before {
            return Ok(());
        }
        let value = serde_json::to_vec(&names).map_err(bad)?;
        if cas(c, INDEX_KEY, current, value).await? {
            return Ok(());
        }
    }
    Err(unavailable("the function index kept changing; try again"))
}

/// Checks a handler program (size, syntax, a module-level `handler`) and stores its source at the
/// bottom label under `{kind}/source/DIGEST`; the object key and the file name it goes by.
pub(crate) async fn store_handler_source(
    c: &JobsContext,
    name: &str,
    file: &str,
    source: String,
    kind: &str,
) -> Result<(String, String), RemoteError> {
    sync_policy(c).await;
    if source.len() > SOURCE_BYTES_MAX {
        return Err(bad(format!(
            "programs are at most {SOURCE_BYTES_MAX} bytes"
        )));
    }
    let file = if file.is_empty() {
        format!("{name}.py")
    } else {
        file.chars().take(256).collect()
    };
    crate::kappa::jobs::check_compiles(&file, &source).await?;
    if !source
        .lines()
        .any(|l| l.starts_with("def handler(") || l.starts_with("async def handler("))
    {
        return Err(bad(format!(
            "{file}: a {kind} defines handler(event, context) at module level"
        )));
    }
    let digest = sl_rpc::token::hex_encode(&Sha256::digest(source.as_bytes()));
    let program = format!("{kind}/source/{digest}");
    c.store
        .put(
            program.as_bytes(),
            Bytes::from(source.into_bytes()),
            &bottom(c),
        )
        .await
        .map_err(unavailable)?;
    Ok((program, file))
}

/// Deploys (or redeploys) `name`: checks the source, stores it, and records a new version.
pub async fn deploy(
    c: &JobsContext,
    by: &str,
    name: &str,
    file: &str,
    source: String,
    timeout_ms: u64,
) -> Result<Function, RemoteError> {
    check_name(name)?;
    // Refused before anything is stored (checked again at the compare-and-set).
    if let Some(bytes) = read_for_cas(c, &record_key(name)).await? {
        may_change(&decode::<Function>(&bytes, "a function record")?, by)?;
    }
    let (program, file) = store_handler_source(c, name, file, source, "function").await?;
    update_index(c, |names| {
        if names.iter().any(|n| n == name) {
            return Ok(());
        }
        if names.len() >= FUNCTIONS_MAX {
            return Err(RemoteError::new(
                ErrorCode::BadRequest,
                format!("the cluster holds at most {FUNCTIONS_MAX} functions; remove one first"),
            ));
        }
        names.push(name.to_owned());
        names.sort();
        Ok(())
    })
    .await?;
    let key = record_key(name);
    for _ in 0..CAS_ATTEMPTS_MAX {
        let current = read_for_cas(c, &key).await?;
        let version = match &current {
            Some(bytes) => {
                let old = decode::<Function>(bytes, "a function record")?;
                may_change(&old, by)?;
                old.version + 1
            }
            None => 1,
        };
        let record = Function {
            name: name.to_owned(),
            version,
            program: program.clone(),
            file: file.clone(),
            timeout_ms,
            deployed_by: by.to_owned(),
            deployed_ms: crate::kappa::programs::unix_ms(),
            removed: false,
        };
        let value = serde_json::to_vec(&record).map_err(bad)?;
        if cas(c, &key, current, value).await? {
            return Ok(record);
        }
    }
    Err(unavailable("the function kept changing; try again"))
}

/// Who may redeploy or remove a function: whoever deployed the version in force, or the admin
/// (any user may take a name nobody holds, or one whose function was removed). Otherwise
/// another user could swap the code that runs with the owner's callers' data.
fn may_change(current: &Function, by: &str) -> Result<(), RemoteError> {
    if current.removed || current.deployed_by == by || by == crate::admin::ADMIN {
        return Ok(());
    }
    Err(RemoteError::new(
        ErrorCode::Forbidden,
        format!(
            "function {} belongs to {}; only they or the admin may change or remove it",
            current.name, current.deployed_by
        ),
    ))
}

/// Removes `name` for user `by`; an error when there is no such function or it is another's.
pub async fn remove(c: &JobsContext, by: &str, name: &str) -> Result<(), RemoteError> {
    check_name(name)?;
    let key = record_key(name);
    sync_policy(c).await;
    for _ in 0..CAS_ATTEMPTS_MAX {
        let current = read_for_cas(c, &key).await?;
        let Some(bytes) = &current else {
            return Err(not_found(name));
        };
        let mut record: Function = decode(bytes, "a function record")?;
        if record.removed {
            return Err(not_found(name));
        }
        may_change(&record, by)?;
        record.removed = true;
        let value = serde_json::to_vec(&record).map_err(bad)?;
        if cas(c, &key, current, value).await? {
            return update_index(c, |names| {
                names.retain(|n| n != name);
                Ok(())
            })
            .await;
        }
    }
    Err(unavailable("the function kept changing; try again"))
}

pub fn not_found(name: &str) -> RemoteError {
    RemoteError::new(ErrorCode::NotFound, format!("no function {name}"))
}

/// The source of `function`, read from the store.
pub async fn source(c: &JobsContext, function: &Function) -> Result<String, RemoteError> {
    let object = c
        .store
        .get(function.program.as_bytes(), &top(c))
        .await
        .map_err(unavailable)?
        .ok_or_else(|| unavailable(format!("the source of {} is missing", function.name)))?;
    String::from_utf8(object.bytes.to_vec()).map_err(|_| bad("the function's source is not UTF-8"))
}
