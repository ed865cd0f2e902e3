//! `slnode user …` and `slnode login`: the cluster's users (admin), and a user's client config.
//!
//! `user add` and `user token` print the user's bearer token once (`slu1-…`); the cluster keeps
//! only its hash, so a lost token is replaced with `user token NAME`, which also revokes the old.
//! `login` checks a token against the cluster before writing anything.

use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use clap::Subcommand;
use sl_node::config::ClientConfig;
use sl_node::kappa::jobs::{Empty, JsonText};
use sl_node::users::{
    AddUser, ListUsers, NewToken, RemoveUser, TOKEN_PREFIX, UserRequest, UserToken, WhoAmI,
};

use crate::cluster_cmd::{ClusterArgs, client_runtime, connect, user_config_path};
use crate::job_cmd::call;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add user NAME and print its bearer token. Its label is the policy's principal NAME's, or
    /// LABEL (`LEVEL`, `LEVEL{tag,…}`, `{tag}`; new tags are created).
    Add {
        name: String,
        #[arg(long)]
        label: Option<String>,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// The users and their labels.
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Issue a new token for NAME and revoke its old one.
    Token {
        name: String,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Remove user NAME: its token stops working. Its jobs and data keep their labels.
    Remove {
        name: String,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
}

pub fn run(command: UserCommand) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    match command {
        UserCommand::Add {
            name,
            label,
            cluster,
        } => {
            let connection = connect(&cluster, &runtime)?;
            let user = runtime.block_on(call::<AddUser>(
                &connection,
                &UserRequest {
                    name,
                    label: label.map(|l| l.trim().to_owned()),
                },
            ))?;
            print_token(&user);
        }
        UserCommand::List { json, cluster } => {
            let connection = connect(&cluster, &runtime)?;
            let list: JsonText = runtime.block_on(call::<ListUsers>(&connection, &Empty {}))?;
            if json {
                println!("{}", list.json);
            } else {
                let list: serde_json::Value = serde_json::from_str(&list.json)?;
                println!("{:<24}  label", "user");
                for user in list.as_array().into_iter().flatten() {
                    println!(
                        "{:<24}  {}",
                        user["name"].as_str().unwrap_or(""),
                        user["label"].as_str().unwrap_or("")
                    );
                }
            }
        }
        UserCommand::Token { name, cluster } => {
            let connection = connect(&cluster, &runtime)?;
            let user = runtime.block_on(call::<NewToken>(
                &connection,
                &UserRequest { name, label: None },
            ))?;
            print_token(&user);
        }
        UserCommand::Remove { name, cluster } => {
            let connection = connect(&cluster, &runtime)?;
            runtime.block_on(call::<RemoveUser>(
                &connection,
                &UserRequest {
                    name: name.clone(),
                    label: None,
                },
            ))?;
            println!("user {name} removed");
        }
    }
    Ok(0)
}

fn print_token(user: &UserToken) {
    eprintln!(
        "user {} at label {}; its token (shown once; the cluster keeps only a hash):",
        user.name, user.label
    );
    println!("{}", user.token);
}

/// `slnode login --cluster ADDR --token TOKEN`: writes a client config for the token's user.
pub fn login(
    cluster: std::net::SocketAddr,
    token: String,
    ca: Option<PathBuf>,
    config: Option<PathBuf>,
) -> anyhow::Result<i32> {
    let token = token.trim().to_owned();
    let fingerprint = match token.split('-').collect::<Vec<_>>().as_slice() {
        [prefix, fingerprint, secret]
            if *prefix == TOKEN_PREFIX && !fingerprint.is_empty() && secret.len() == 64 =>
        {
            fingerprint.to_string()
        }
        _ => bail!(
            "not a user token: expected `{TOKEN_PREFIX}-<cluster>-<secret>` as `slnode user add` printed it"
        ),
    };
    let target = config
        .clone()
        .or_else(user_config_path)
        .ok_or_else(|| anyhow!("no config path: pass --config FILE"))?;
    // The CA certificate: from --ca, or from the config being replaced (same cluster).
    let ca_pem = match &ca {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading the CA certificate {}", path.display()))?,
        None => match sl_node::read_client_config(&target) {
            Ok(existing) => existing.ca_pem,
            Err(_) => bail!(
                "login needs the cluster's CA certificate: pass --ca FILE (the `ca.pem` of any \
                 node's data directory)"
            ),
        },
    };
    let der = sl_rpc::pki::parse_cert(&ca_pem, "the CA certificate")?;
    if sl_rpc::pki::Fingerprint::of(&der).to_string() != fingerprint {
        bail!(
            "the token belongs to another cluster than this CA certificate (fingerprints differ)"
        );
    }
    let fresh = ClientConfig {
        cluster: vec![cluster],
        token: token.clone(),
        ca_pem,
    };
    // Check the token before writing anything: a temporary config file is what `connect` reads.
    let probe = tempfile_path(&target);
    sl_node::write_toml(&probe, &fresh, true)?;
    let runtime = client_runtime()?;
    let checked = (|| {
        let connection = connect(
            &ClusterArgs {
                cluster: Some(cluster),
                token: Some(token.clone()),
                config: Some(probe.clone()),
            },
            &runtime,
        )?;
        runtime.block_on(call::<WhoAmI>(&connection, &Empty {}))
    })();
    let _ = std::fs::remove_file(&probe);
    let who: serde_json::Value = serde_json::from_str(&checked?.json)?;
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    }
    sl_node::write_toml(&target, &fresh, true)?;
    println!(
        "logged in as {} (label {}); wrote {}",
        who["name"].as_str().unwrap_or("?"),
        who["label"].as_str().unwrap_or("-"),
        target.display()
    );
    Ok(0)
}

fn tempfile_path(target: &std::path::Path) -> PathBuf {
    std::env::temp_dir().join(format!(
        "slnode-login-{}-{}.toml",
        std::process::id(),
        target
            .file_name()
            .map_or("client".into(), |n| n.to_string_lossy())
    ))
}
