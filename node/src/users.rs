//! The cluster's users and policy (ids 520–529): what `slnode policy apply|show`, `slnode user …`
//! and `slnode login` call. Changing them is the admin's (or a node's); any user may read the
//! lattice (to name labels in `rt.spawn(label=…)`), only the admin the principals. The policy
//! travels as JSON of `sl_labels::PolicyImage`.
//!
//! Tokens are `slu1-<CA fingerprint>-<secret>`: the fingerprint lets `slnode login` check it has
//! the right cluster's CA; the secret is 32 random bytes. A node makes the token, proposes only
//! its SHA-256 (the coordinator never holds a token), and returns the token once.

use serde_json::json;
use sl_coordinator::machine::{Command, Reject, Reply};
use sl_coordinator::query::{Answer, Query};
use sl_labels::Policy;
use sl_rpc::endpoint::{Caller, Reply as RpcReply, Router};
use sl_rpc::message::{ErrorCode, RemoteError};

use crate::admin::{Empty, Principals, admin_or_node};
use crate::kappa::jobs::JsonText;
use crate::kappa::link::Link;

/// What user tokens start with.
pub const TOKEN_PREFIX: &str = "slu1";

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct PolicyText {
    pub text: String,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct UserRequest {
    pub name: String,
    /// Label text (`user add --label`); `None` for the policy's.
    pub label: Option<String>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct UserToken {
    pub name: String,
    pub label: String,
    pub token: String,
}

sl_rpc::method!(ApplyPolicy, 520, "policy_apply", false, PolicyText, Empty);
sl_rpc::method!(ShowPolicy, 521, "policy_show", false, Empty, JsonText);
sl_rpc::method!(AddUser, 522, "user_add", false, UserRequest, UserToken);
sl_rpc::method!(ListUsers, 523, "user_list", false, Empty, JsonText);
sl_rpc::method!(NewToken, 524, "user_token", false, UserRequest, UserToken);
sl_rpc::method!(RemoveUser, 525, "user_remove", false, UserRequest, Empty);
sl_rpc::method!(
    /// Who the caller is (what `slnode login` checks a token with).
    WhoAmI,
    526,
    "user_whoami",
    false,
    Empty,
    JsonText
);

#[derive(Clone)]
pub struct UsersContext {
    pub link: Link,
    pub principals: Principals,
    /// The cluster CA's fingerprint, hex (the middle of every token).
    pub ca_fingerprint: String,
}

pub type Slot = std::sync::Arc<std::sync::OnceLock<UsersContext>>;

fn context(slot: &Slot) -> Result<UsersContext, RemoteError> {
    slot.get()
        .cloned()
        .ok_or_else(|| RemoteError::new(ErrorCode::Unavailable, "the node is starting"))
}

fn unavailable(e: impl std::fmt::Display) -> RemoteError {
    RemoteError::new(ErrorCode::Unavailable, e.to_string())
}

fn refused(reply: Reply) -> RemoteError {
    match reply {
        Reply::Rejected(Reject::Invalid(message)) | Reply::Rejected(Reject::Limit(message)) => {
            RemoteError::new(ErrorCode::BadRequest, message)
        }
        other => RemoteError::new(ErrorCode::BadRequest, format!("refused: {other:?}")),
    }
}

fn new_token(fingerprint: &str) -> Result<String, RemoteError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| unavailable(format!("no randomness: {e}")))?;
    Ok(format!(
        "{TOKEN_PREFIX}-{fingerprint}-{}",
        sl_rpc::token::hex_encode(&secret)
    ))
}

async fn policy(c: &UsersContext) -> Result<Policy, RemoteError> {
    crate::kappa::jobs::policy_now(&c.link).await
}

async fn users(c: &UsersContext) -> Result<Vec<(String, sl_labels::Label)>, RemoteError> {
    match c.link.read(Query::Users).await.map_err(unavailable)? {
        Answer::Users(users) => Ok(users),
        _ => Err(unavailable("unexpected answer")),
    }
}

/// Installs the replicated principals here at once, so this node honours a change before its
/// next refresh (the others follow within half a second).
async fn refresh_principals(c: &UsersContext) {
    if let Ok(Answer::Principals(list)) = c.link.read(Query::Principals).await {
        c.principals
            .replace(list.into_iter().map(|(name, hash)| (hash, name)));
    }
}

async fn issue(
    c: &UsersContext,
    name: &str,
    command: impl FnOnce([u8; 32]) -> Command,
) -> Result<RpcReply<UserToken>, RemoteError> {
    let token = new_token(&c.ca_fingerprint)?;
    let reply = c
        .link
        .propose(command(Principals::hash(&token)))
        .await
        .map_err(unavailable)?;
    if reply != Reply::Ok {
        return Err(refused(reply));
    }
    refresh_principals(c).await;
    let policy = policy(c).await?;
    let label = users(c)
        .await?
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, l)| policy.display(&l).to_string())
        .unwrap_or_default();
    Ok(RpcReply::new(UserToken {
        name: name.to_owned(),
        label,
        token,
    }))
}

pub fn routes(router: Router, slot: Slot) -> Router {
    let s: Vec<Slot> = (0..7).map(|_| slot.clone()).collect();
    let [s1, s2, s3, s4, s5, s6, s7]: [Slot; 7] = s.try_into().unwrap_or_else(|_| unreachable!());
    router
        .route::<ApplyPolicy, _, _>(move |caller, request: PolicyText, _| {
            let slot = s1.clone();
            async move {
                admin_or_node(&caller)?;
                let c = context(&slot)?;
                match c
                    .link
                    .propose(Command::ApplyPolicy { text: request.text })
                    .await
                    .map_err(unavailable)?
                {
                    Reply::Ok => Ok(RpcReply::new(Empty {})),
                    other => Err(refused(other)),
                }
            }
        })
        .route::<ShowPolicy, _, _>(move |caller, _: Empty, _| {
            let slot = s2.clone();
            async move {
                let c = context(&slot)?;
                // The lattice is for everyone (to name labels); principals for the admin.
                let mut image = policy(&c).await?.image();
                if admin_or_node(&caller).is_err() {
                    image.principals.clear();
                }
                let json = serde_json::to_string(&image).map_err(unavailable)?;
                Ok(RpcReply::new(JsonText { json }))
            }
        })
        .route::<AddUser, _, _>(move |caller, request: UserRequest, _| {
            let slot = s3.clone();
            async move {
                admin_or_node(&caller)?;
                let c = context(&slot)?;
                let name = request.name.clone();
                issue(&c, &name, |token_hash| Command::AddUser {
                    name: request.name,
                    label: request.label,
                    token_hash,
                })
                .await
            }
        })
        .route::<ListUsers, _, _>(move |caller, _: Empty, _| {
            let slot = s4.clone();
            async move {
                admin_or_node(&caller)?;
                let c = context(&slot)?;
                let policy = policy(&c).await?;
                let list: Vec<serde_json::Value> = users(&c)
                    .await?
                    .iter()
                    .map(|(name, label)| {
                        json!({"name": name, "label": policy.display(label).to_string()})
                    })
                    .collect();
                Ok(RpcReply::new(JsonText {
                    json: serde_json::Value::Array(list).to_string(),
                }))
            }
        })
        .route::<NewToken, _, _>(move |caller, request: UserRequest, _| {
            let slot = s5.clone();
            async move {
                admin_or_node(&caller)?;
                let c = context(&slot)?;
                let name = request.name.clone();
                issue(&c, &name, |token_hash| Command::RotateToken {
                    name: request.name,
                    token_hash,
                })
                .await
            }
        })
        .route::<RemoveUser, _, _>(move |caller, request: UserRequest, _| {
            let slot = s6.clone();
            async move {
                admin_or_node(&caller)?;
                let c = context(&slot)?;
                match c
                    .link
                    .propose(Command::RemoveUser { name: request.name })
                    .await
                    .map_err(unavailable)?
                {
                    Reply::Ok => {
                        refresh_principals(&c).await;
                        Ok(RpcReply::new(Empty {}))
                    }
                    other => Err(refused(other)),
                }
            }
        })
        .route::<WhoAmI, _, _>(move |caller, _: Empty, _| {
            let slot = s7.clone();
            async move {
                let c = context(&slot)?;
                let json = match &caller {
                    Caller::Client { principal } if principal == crate::admin::ADMIN => {
                        json!({"name": principal, "admin": true})
                    }
                    Caller::Client { principal } => {
                        let policy = policy(&c).await?;
                        let label = users(&c)
                            .await?
                            .into_iter()
                            .find(|(n, _)| n == principal)
                            .map(|(_, l)| policy.display(&l).to_string());
                        json!({"name": principal, "admin": false, "label": label})
                    }
                    _ => json!({"name": null, "admin": true}),
                };
                Ok(RpcReply::new(JsonText {
                    json: json.to_string(),
                }))
            }
        })
}
