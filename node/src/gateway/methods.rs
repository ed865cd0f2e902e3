//! The functions' RPC methods (`slnode function deploy|list|rm`, `slnode invoke`). Any
//! authenticated user may deploy; a call runs at the caller's label.

use std::time::Duration;

use sl_rpc::endpoint::Router;
use sl_rpc::endpoint::{Caller, Reply as RpcReply};
use sl_rpc::message::{ErrorCode, RemoteError};

use super::functions;
use super::invoke::{self, Invoked, Sources};
use crate::kappa::jobs::{JsonText, Slot, context};

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct DeployRequest {
    pub name: String,
    pub file: String,
    pub source: String,
    pub timeout_ms: u64,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct NameRequest {
    pub name: String,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct InvokeRequest {
    pub name: String,
    /// The event as JSON text.
    pub event: String,
    pub wait_ms: u64,
    /// The caller's id for this call (1–64 letters and digits; "" for a fresh one): a retry with
    /// the same id is the same job.
    pub request_id: String,
}

sl_rpc::method!(
    DeployFunction,
    540,
    "function_deploy",
    false,
    DeployRequest,
    JsonText
);
sl_rpc::method!(
    ListFunctions,
    541,
    "function_list",
    false,
    crate::admin::Empty,
    JsonText
);
sl_rpc::method!(
    RemoveFunction,
    542,
    "function_rm",
    false,
    NameRequest,
    crate::admin::Empty
);
sl_rpc::method!(
    InvokeFunction,
    543,
    "function_invoke",
    false,
    InvokeRequest,
    JsonText
);

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct DeclassifierRequest {
    pub name: String,
    pub file: String,
    pub source: String,
    /// Label text: what it is trusted with.
    pub from: String,
    /// Label text: how low its answers go.
    pub to: String,
}

sl_rpc::method!(
    AddDeclassifier,
    544,
    "declassifier_add",
    false,
    DeclassifierRequest,
    JsonText
);
sl_rpc::method!(
    DeclassifyLog,
    545,
    "declassifier_log",
    false,
    crate::admin::Empty,
    JsonText
);

/// The principal behind a client call; nodes and joiners do not deploy or call functions.
pub fn principal(caller: &Caller) -> Result<String, RemoteError> {
    match caller {
        Caller::Client { principal } => Ok(principal.clone()),
        _ => Err(RemoteError::new(
            ErrorCode::Forbidden,
            "only users deploy and call functions",
        )),
    }
}

pub fn function_json(f: &functions::Function) -> serde_json::Value {
    serde_json::json!({
        "name": f.name,
        "version": f.version,
        "file": f.file,
        "timeout_ms": f.timeout_ms,
        "deployed_by": f.deployed_by,
        "deployed_ms": f.deployed_ms,
    })
}

pub fn routes(router: Router, slot: Slot, sources: Sources) -> Router {
    let (s1, s2, s3, s4) = (slot.clone(), slot.clone(), slot.clone(), slot.clone());
    let (s5, s6) = (slot.clone(), slot);
    router
        .route::<AddDeclassifier, _, _>(move |caller, request: DeclassifierRequest, _| {
            let slot = s5.clone();
            async move {
                crate::admin::admin_or_node(&caller)?;
                let c = context(&slot)?;
                let d = super::declassify::add(
                    &c,
                    &request.name,
                    &request.file,
                    request.source,
                    &request.from,
                    &request.to,
                )
                .await?;
                Ok(RpcReply::new(JsonText {
                    json: serde_json::to_string(&d).unwrap_or_default(),
                }))
            }
        })
        .route::<DeclassifyLog, _, _>(move |caller, _: crate::admin::Empty, _| {
            let slot = s6.clone();
            async move {
                crate::admin::admin_or_node(&caller)?;
                let c = context(&slot)?;
                let log = super::declassify::log(&c).await?;
                Ok(RpcReply::new(JsonText {
                    json: serde_json::to_string(&log).unwrap_or_default(),
                }))
            }
        })
        .route::<DeployFunction, _, _>(move |caller, request: DeployRequest, _| {
            let slot = s1.clone();
            async move {
                let c = context(&slot)?;
                let by = principal(&caller)?;
                let f = functions::deploy(
                    &c,
                    &by,
                    &request.name,
                    &request.file,
                    request.source,
                    request.timeout_ms,
                )
                .await?;
                Ok(RpcReply::new(JsonText {
                    json: function_json(&f).to_string(),
                }))
            }
        })
        .route::<ListFunctions, _, _>(move |caller, _: crate::admin::Empty, _| {
            let slot = s2.clone();
            async move {
                let c = context(&slot)?;
                principal(&caller)?;
                let list: Vec<serde_json::Value> = functions::list(&c)
                    .await?
                    .iter()
                    .map(function_json)
                    .collect();
                Ok(RpcReply::new(JsonText {
                    json: serde_json::Value::Array(list).to_string(),
                }))
            }
        })
        .route::<RemoveFunction, _, _>(move |caller, request: NameRequest, _| {
            let slot = s3.clone();
            async move {
                let c = context(&slot)?;
                let by = principal(&caller)?;
                functions::remove(&c, &by, &request.name).await?;
                Ok(RpcReply::new(crate::admin::Empty {}))
            }
        })
        .route::<InvokeFunction, _, _>(move |caller, request: InvokeRequest, _| {
            let (slot, sources) = (s4.clone(), sources.clone());
            async move {
                let c = context(&slot)?;
                let user = principal(&caller)?;
                if request.event.len() > crate::kappa::jobs::EVENT_BYTES_MAX {
                    return Err(RemoteError::new(
                        ErrorCode::TooLarge,
                        format!(
                            "events are at most {} bytes",
                            crate::kappa::jobs::EVENT_BYTES_MAX
                        ),
                    ));
                }
                let request_id = if request.request_id.is_empty() {
                    invoke::new_request_id()
                } else if request.request_id.len() <= 64
                    && request
                        .request_id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric())
                {
                    // Scoped to the caller: another user's id never names this user's job.
                    format!("{user}/{}", request.request_id)
                } else {
                    return Err(RemoteError::new(
                        ErrorCode::BadRequest,
                        "a request id is 1 to 64 letters and digits",
                    ));
                };
                let invoked = invoke::invoke(
                    &c,
                    &sources,
                    invoke::Call {
                        caller: &caller,
                        user: &user,
                        function: &request.name,
                        event: &request.event,
                        wait: Duration::from_millis(request.wait_ms),
                        request_id: &request_id,
                    },
                )
                .await?;
                let json = match invoked {
                    Invoked::Ended(view) => view,
                    Invoked::Running(job) => serde_json::json!({"job": job, "status": "running"}),
                };
                Ok(RpcReply::new(JsonText {
                    json: json.to_string(),
                }))
            }
        })
}
