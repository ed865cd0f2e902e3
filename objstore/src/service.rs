//! The replica protocol between nodes, over `sl-rpc`: put, get, has, delete, list. Only other
//! nodes (mutual TLS) may call it; every engine call runs on the blocking pool.

use std::sync::Arc;

use bytes::Bytes;
use sl_labels::Label;
use sl_rpc::endpoint::{Caller, Reply, Router};
use sl_rpc::message::{ErrorCode, RemoteError};

use crate::engine::{self, Engine};

/// The most keys one `Has` call may ask about.
pub const HAS_KEYS_MAX: usize = 1000;

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct PutRequest {
    pub key: Vec<u8>,
    pub label: Label,
    /// Overwrite a corrupt local copy (the bytes must match the recorded checksum).
    pub repair: bool,
    /// Skip the fsync (`Engine::put_with`).
    pub buffered: bool,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct PutResponse {
    pub created: bool,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct KeyRequest {
    pub key: Vec<u8>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct GetResponse {
    /// `None`: no such object here. The bytes come as the payload.
    pub label: Option<Label>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct HasRequest {
    pub keys: Vec<Vec<u8>>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct HasResponse {
    pub present: Vec<bool>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct ListRequest {
    pub prefix: Vec<u8>,
    pub after: Option<Vec<u8>>,
    pub limit: u32,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct ListResponse {
    pub entries: Vec<(Vec<u8>, Label)>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Count {
    pub count: u64,
}

sl_rpc::method!(
    PutReplica,
    300,
    "objstore_put",
    true,
    PutRequest,
    PutResponse
);
sl_rpc::method!(
    GetReplica,
    301,
    "objstore_get",
    true,
    KeyRequest,
    GetResponse
);
sl_rpc::method!(
    HasReplica,
    302,
    "objstore_has",
    false,
    HasRequest,
    HasResponse
);
sl_rpc::method!(
    DeleteReplica,
    303,
    "objstore_delete",
    false,
    KeyRequest,
    Count
);
sl_rpc::method!(
    DeletePrefix,
    304,
    "objstore_delete_prefix",
    false,
    KeyRequest,
    Count
);
sl_rpc::method!(
    ListReplica,
    305,
    "objstore_list",
    false,
    ListRequest,
    ListResponse
);

fn remote(error: engine::Error) -> RemoteError {
    let code = match error {
        engine::Error::KeyTooLong(_) | engine::Error::EmptyKey => ErrorCode::BadRequest,
        engine::Error::TooLarge(_) => ErrorCode::TooLarge,
        engine::Error::WriteOnce(_) => ErrorCode::Forbidden,
        engine::Error::Corrupt { .. } => ErrorCode::NotFound,
        _ => ErrorCode::Internal,
    };
    RemoteError::new(code, error.to_string())
}

fn nodes_only(caller: &Caller) -> Result<(), RemoteError> {
    match caller {
        Caller::Node { .. } => Ok(()),
        _ => Err(RemoteError::new(
            ErrorCode::Forbidden,
            "the replica protocol is for cluster nodes only",
        )),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, engine::Error> + Send + 'static,
) -> Result<T, RemoteError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| RemoteError::new(ErrorCode::Internal, e.to_string()))?
        .map_err(remote)
}

/// Adds the replica methods to `router`.
pub fn routes(router: Router, engine: Arc<Engine>) -> Router {
    let (e1, e2, e3, e4, e5, e6) = (
        engine.clone(),
        engine.clone(),
        engine.clone(),
        engine.clone(),
        engine.clone(),
        engine,
    );
    router
        .route::<PutReplica, _, _>(move |caller, request: PutRequest, payload| {
            let engine = e1.clone();
            async move {
                nodes_only(&caller)?;
                let bytes = payload.map(|p| p.to_vec()).unwrap_or_default();
                let created = blocking(move || {
                    if request.repair {
                        engine
                            .repair(&request.key, &bytes, &request.label)
                            .map(|_| true)
                    } else {
                        engine
                            .put_with(&request.key, &bytes, &request.label, request.buffered)
                            .map(|p| p == engine::Put::Created)
                    }
                })
                .await?;
                Ok(Reply::new(PutResponse { created }))
            }
        })
        .route::<GetReplica, _, _>(move |caller, request: KeyRequest, _| {
            let engine = e2.clone();
            async move {
                nodes_only(&caller)?;
                match blocking(move || engine.get(&request.key)).await? {
                    Some(object) => Ok(Reply::with_payload(
                        GetResponse {
                            label: Some(object.label),
                        },
                        Bytes::from(object.bytes.to_vec()),
                    )),
                    None => Ok(Reply::new(GetResponse { label: None })),
                }
            }
        })
        .route::<HasReplica, _, _>(move |caller, request: HasRequest, _| {
            let engine = e3.clone();
            async move {
                nodes_only(&caller)?;
                if request.keys.len() > HAS_KEYS_MAX {
                    return Err(RemoteError::new(
                        ErrorCode::TooLarge,
                        format!("at most {HAS_KEYS_MAX} keys per call"),
                    ));
                }
                let present = blocking(move || {
                    request
                        .keys
                        .iter()
                        .map(|k| engine.meta(k).map(|m| m.is_some()))
                        .collect()
                })
                .await?;
                Ok(Reply::new(HasResponse { present }))
            }
        })
        .route::<DeleteReplica, _, _>(move |caller, request: KeyRequest, _| {
            let engine = e4.clone();
            async move {
                nodes_only(&caller)?;
                blocking(move || engine.delete(&request.key)).await?;
                Ok(Reply::new(Count { count: 1 }))
            }
        })
        .route::<DeletePrefix, _, _>(move |caller, request: KeyRequest, _| {
            let engine = e5.clone();
            async move {
                nodes_only(&caller)?;
                let count = blocking(move || engine.delete_prefix(&request.key)).await?;
                Ok(Reply::new(Count {
                    count: count as u64,
                }))
            }
        })
        .route::<ListReplica, _, _>(move |caller, request: ListRequest, _| {
            let engine = e6.clone();
            async move {
                nodes_only(&caller)?;
                let entries = blocking(move || {
                    let keys = engine.list(
                        &request.prefix,
                        request.after.as_deref(),
                        request.limit as usize,
                    )?;
                    let mut entries = Vec::with_capacity(keys.len());
                    for key in keys {
                        if let Some(meta) = engine.meta(&key)? {
                            entries.push((key, meta.label));
                        }
                    }
                    Ok(entries)
                })
                .await?;
                Ok(Reply::new(ListResponse { entries }))
            }
        })
}
