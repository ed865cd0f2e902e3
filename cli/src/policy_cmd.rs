//! `slnode policy …`: inspect a security policy file and try its rules before a cluster uses it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use sl_labels::{Faceted, Label, Lattice, Policy};

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Load a policy file and report its size, bottom and top, or the first error with its line.
    Check {
        file: PathBuf,
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the order (each level with the levels directly above it) and the principals: of
    /// FILE, or without FILE the cluster's (principals for the admin only).
    Show {
        file: Option<PathBuf>,
        #[command(flatten)]
        cluster: crate::cluster_cmd::ClusterArgs,
    },
    /// Make FILE the cluster's policy (admin): its lattice and principals, on every node. A
    /// change that would let existing data flow below its label is refused; nothing changes.
    Apply {
        file: PathBuf,
        #[command(flatten)]
        cluster: crate::cluster_cmd::ClusterArgs,
    },
    /// Say whether data at FROM may flow to an observer at TO. Exit status 0 if it may, 1 if not.
    Flows {
        file: PathBuf,
        from: String,
        to: String,
    },
    /// Replay writes and reads against one faceted key: `write:LABEL=VALUE`, `read:LABEL`.
    Faceted {
        file: PathBuf,
        #[arg(required = true)]
        ops: Vec<String>,
    },
}

pub fn run(command: PolicyCommand) -> Result<i32> {
    match command {
        PolicyCommand::Check { file, json } => check(&file, json),
        PolicyCommand::Show {
            file: Some(file), ..
        } => show(&load(&file)?),
        PolicyCommand::Show {
            file: None,
            cluster,
        } => show(&cluster_policy(&cluster)?),
        PolicyCommand::Apply { file, cluster } => apply(&file, &cluster),
        PolicyCommand::Flows { file, from, to } => flows(&file, &from, &to),
        PolicyCommand::Faceted { file, ops } => faceted(&file, &ops),
    }
}

fn load(file: &Path) -> Result<Policy> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read policy file {}", file.display()))?;
    Ok(Policy::from_toml(&file.display().to_string(), &text)?)
}

fn check(file: &Path, json: bool) -> Result<i32> {
    let policy = load(file)?;
    let levels = policy.levels();
    let bottom = levels.name(levels.bottom()).unwrap_or("?");
    let top = levels.name(levels.top()).unwrap_or("?");
    if json {
        let summary = serde_json::json!({
            "ok": true,
            "levels": levels.len(),
            "principals": policy.principals().len(),
            "tags": policy.tags().len(),
            "bottom": bottom,
            "top": top,
        });
        println!("{summary}");
    } else {
        println!(
            "ok: {} levels, {} principals, {} tags; bottom = {bottom}, top = {top}",
            levels.len(),
            policy.principals().len(),
            policy.tags().len()
        );
    }
    Ok(0)
}

fn cluster_policy(cluster: &crate::cluster_cmd::ClusterArgs) -> Result<Policy> {
    let runtime = crate::cluster_cmd::client_runtime()?;
    let connection = crate::cluster_cmd::connect(cluster, &runtime)?;
    let text = runtime.block_on(crate::job_cmd::call::<sl_node::users::ShowPolicy>(
        &connection,
        &sl_node::kappa::jobs::Empty {},
    ))?;
    let image: sl_labels::PolicyImage = serde_json::from_str(&text.json)?;
    Ok(Policy::from_image(&image)?)
}

fn apply(file: &Path, cluster: &crate::cluster_cmd::ClusterArgs) -> Result<i32> {
    // Checked here first, so a mistake is reported with its line before anything is sent.
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read policy file {}", file.display()))?;
    let policy = Policy::from_toml(&file.display().to_string(), &text)?;
    let runtime = crate::cluster_cmd::client_runtime()?;
    let connection = crate::cluster_cmd::connect(cluster, &runtime)?;
    runtime
        .block_on(crate::job_cmd::call::<sl_node::users::ApplyPolicy>(
            &connection,
            &sl_node::users::PolicyText { text },
        ))
        .with_context(|| format!("the cluster refused {}", file.display()))?;
    println!(
        "policy applied: {} levels, {} principals",
        policy.levels().len(),
        policy.principals().len()
    );
    Ok(0)
}

fn show(policy: &Policy) -> Result<i32> {
    let levels = policy.levels();
    println!("levels (each with the levels directly above it):");
    for level in levels.levels() {
        // Direct successors: above `level`, with nothing strictly between.
        let above: Vec<&str> = levels
            .levels()
            .filter(|&up| up != level && levels.flows(level, up))
            .filter(|&up| {
                !levels.levels().any(|mid| {
                    mid != level && mid != up && levels.flows(level, mid) && levels.flows(mid, up)
                })
            })
            .filter_map(|up| levels.name(up))
            .collect();
        let name = levels.name(level).unwrap_or("?");
        if above.is_empty() {
            println!("  {name}");
        } else {
            println!("  {name} < {}", above.join(", "));
        }
    }
    println!("principals:");
    for principal in policy.principals() {
        println!(
            "  {:<16} {}",
            principal.name,
            policy.display(&principal.label)
        );
    }
    Ok(0)
}

fn flows(file: &Path, from: &str, to: &str) -> Result<i32> {
    let policy = load(file)?;
    let (from_label, to_label) = (
        label_or_principal(&policy, from)?,
        label_or_principal(&policy, to)?,
    );
    let verdict = policy.flows(&from_label, &to_label);
    println!(
        "{} {} {}",
        policy.display(&from_label),
        if verdict { "⊑" } else { "⋢" },
        policy.display(&to_label)
    );
    Ok(if verdict { 0 } else { 1 })
}

/// Accepts label text, or `@name` for a principal's label.
fn label_or_principal(policy: &Policy, text: &str) -> Result<Label> {
    match text.strip_prefix('@') {
        Some(name) => match policy.principal(name) {
            Some(principal) => Ok(principal.label.clone()),
            None => bail!("no principal named `{name}` in the policy"),
        },
        None => Ok(policy.parse_label(text)?),
    }
}

fn faceted(file: &Path, ops: &[String]) -> Result<i32> {
    let policy = load(file)?;
    let mut store: Faceted<Label, String> = Faceted::new();
    for op in ops {
        if let Some(rest) = op.strip_prefix("write:") {
            let Some((label_text, value)) = rest.split_once('=') else {
                bail!("`{op}`: a write is `write:LABEL=VALUE`");
            };
            let label = label_or_principal(&policy, label_text)?;
            store.write(&policy, value.to_owned(), label.clone());
            println!("write {:<20} {value}", policy.display(&label).to_string());
        } else if let Some(label_text) = op.strip_prefix("read:") {
            let label = label_or_principal(&policy, label_text)?;
            let seen = store
                .read(&policy, &label)
                .map_or("(nothing)", String::as_str);
            println!("read  {:<20} {seen}", policy.display(&label).to_string());
        } else {
            bail!("`{op}`: each operation is `write:LABEL=VALUE` or `read:LABEL`");
        }
    }
    let facets: Vec<String> = store
        .facets()
        .iter()
        .map(|f| format!("{}={}", policy.display(&f.label), f.value))
        .collect();
    println!("facets now: {}", facets.join("  "));
    Ok(0)
}
