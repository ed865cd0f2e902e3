//! The `slnode` binary: the one command a person uses to run, inspect and use a cluster.
//! Commands arrive issue by issue; each is a thin front end over a library crate.

mod args;
mod bench_cmd;
mod cluster_cmd;
mod failover_bench;
mod function_cmd;
mod gateway_bench;
mod job_cmd;
mod kappa_bench;
mod lambdapack_bench;
mod lambdapack_cmd;
mod lang_bench;
mod matrix_cmd;
mod policy_cmd;
mod python_cmd;
mod top_cmd;
mod user_cmd;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "slnode",
    version,
    about = "slnode: a self-hosted serverless cluster"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect a security policy (levels, principals) and try its flow rules.
    #[command(subcommand)]
    Policy(policy_cmd::PolicyCommand),
    /// LAmbdaPACK programs: inspect their implicit DAG, run them locally, or on the cluster.
    #[command(subcommand)]
    Lambdapack(lambdapack_cmd::LambdapackCommand),
    /// Benchmarks against real processes.
    #[command(subcommand)]
    Bench(bench_cmd::BenchCommand),
    /// Create a cluster: this node bootstraps it, prints a join token and an admin token, writes a
    /// client config, and runs in the foreground.
    Start {
        #[command(flatten)]
        node: cluster_cmd::NodeArgs,
        /// Create the node and exit instead of running it (start it later with `slnode serve`).
        #[arg(long)]
        no_run: bool,
    },
    /// Join an existing cluster through any node holding the cluster CA (the first one), and run.
    Join {
        /// The address of a node of the cluster.
        peer: std::net::SocketAddr,
        /// The join token `slnode start` printed.
        #[arg(long, env = "SLNODE_JOIN_TOKEN", hide_env_values = true)]
        token: String,
        #[command(flatten)]
        node: cluster_cmd::NodeArgs,
        #[arg(long)]
        no_run: bool,
    },
    /// Run a Python job in this process, no cluster needed: the same `rt` API (spawn, futures,
    /// queues, checkpoints) as `submit`. A plain file runs as `python3 FILE` would.
    Run {
        file: std::path::PathBuf,
        /// The event passed to `handler(event, context)`, as JSON.
        #[arg(long)]
        event: Option<String>,
    },
    /// Run an existing node from its data dir (after a crash, a reboot or `--no-run`).
    Serve {
        #[arg(long, default_value = "./slnode-data")]
        data_dir: std::path::PathBuf,
        #[arg(short, long, action = clap::ArgAction::Count)]
        verbose: u8,
        #[arg(long)]
        log: Option<std::path::PathBuf>,
    },
    /// A local cluster on this machine: one loopback address per node (127.0.0.11, .12, …),
    /// background processes, logs in files. Restarts stopped nodes of an existing DIR.
    Up {
        #[arg(long, default_value_t = 3, value_parser = args::size::<1, 64>)]
        nodes: usize,
        #[arg(long, default_value = "./slnode-cluster")]
        dir: std::path::PathBuf,
        /// Voters to keep (the rest are non-voting members).
        #[arg(long, default_value_t = 3, value_parser = args::size::<1, 7>)]
        voters: usize,
        /// Loopback address of node 1; node i gets the next addresses.
        #[arg(long, default_value = "127.0.0.11")]
        first_ip: std::net::Ipv4Addr,
        /// QUIC port of every node (HTTP: port + 80).
        #[arg(long, default_value_t = 7400)]
        port: u16,
        /// Worker slots of each new node (as `slnode start --slots`; default: two per core).
        #[arg(long, default_value_t = cluster_cmd::default_slots(), value_parser = cluster_cmd::slots_in_range)]
        slots: u32,
        #[arg(short, long, action = clap::ArgAction::Count)]
        verbose: u8,
    },
    /// Stop the local cluster `up` started.
    Down {
        #[arg(long, default_value = "./slnode-cluster")]
        dir: std::path::PathBuf,
    },
    /// The cluster at a glance: a table, or `--json` for scripts. Exit status 1 when unhealthy.
    Status {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
    /// Make the node in DATA_DIR hand off its objects, leave the cluster and stop.
    Leave {
        #[arg(long, default_value = "./slnode-data")]
        data_dir: std::path::PathBuf,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
    /// Remove node NODE (a dead one, say) from the cluster.
    Remove {
        node: u64,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
    /// Objects in the cluster's store.
    #[command(subcommand)]
    Object(cluster_cmd::ObjectCommand),
    /// Tiled matrices in the cluster (numpywren's BigMatrix): put/get .npy files, generate, list.
    #[command(subcommand)]
    Matrix(matrix_cmd::MatrixCommand),
    /// Submit a Python job to the cluster (syntax errors are reported before upload).
    Submit {
        file: std::path::PathBuf,
        /// The event passed to `handler(event, context)`, as JSON.
        #[arg(long)]
        event: Option<String>,
        /// The hard deadline of one worker slice, in seconds; tasks resume from checkpoints.
        #[arg(long, default_value_t = 60.0, value_parser = args::seconds::<86_400>)]
        timeout: f64,
        /// Least time between a worker's own checkpoints, in ms (0: adaptive, under 5% cost).
        #[arg(long, default_value_t = 0, value_parser = args::count::<0, 3_600_000>)]
        checkpoint_ms: u64,
        /// Wait for the result, streaming the job's log and a progress line.
        #[arg(long)]
        wait: bool,
        /// Print JSON (with --wait: the last line is an object with job, status, result, resumes).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
    /// The cluster's jobs, newest first.
    Jobs {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
    /// One job: status, tasks, resumes, result or error.
    Job {
        id: u64,
        #[arg(long)]
        json: bool,
        /// Write the job's task timeline (every worker slice on every node) to FILE in Chrome's
        /// trace format; open it in Perfetto (ui.perfetto.dev) or chrome://tracing.
        #[arg(long, value_name = "FILE", conflicts_with = "json")]
        trace: Option<std::path::PathBuf>,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
    /// A job's output (what its tasks printed, and failed tasks' tracebacks).
    Logs {
        id: u64,
        /// Keep printing until the job ends.
        #[arg(short, long)]
        follow: bool,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
    /// End every task of a job.
    Cancel {
        id: u64,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
    /// External services jobs call with `rt.external` (admin).
    #[command(subcommand)]
    Service(ServiceCommand),
    /// The cluster's users (admin): add, list, new token, remove.
    #[command(subcommand)]
    User(user_cmd::UserCommand),
    /// Deployed functions, called over HTTP (`POST /v1/functions/NAME`) or with `invoke`.
    #[command(subcommand)]
    Function(function_cmd::FunctionCommand),
    /// A full-screen view of nodes, jobs and throughput, refreshed every second; `q` quits.
    Top {
        /// Print one frame as text and exit.
        #[arg(long)]
        once: bool,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
    /// Declassifiers (admin): add, log.
    #[command(subcommand)]
    Declassifier(function_cmd::DeclassifierCommand),
    /// Call function NAME as the token's user, at its label; prints the handler's return value.
    Invoke {
        name: String,
        /// The event passed to `handler(event, context)`, as JSON (default `{}`).
        #[arg(long)]
        event: Option<String>,
        /// Seconds to wait for the answer before printing the job id (exit 2).
        #[arg(long, default_value_t = 30.0, value_parser = args::seconds::<86_400>)]
        wait: f64,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
    /// Write a client config for a user's token (checked against the cluster first).
    Login {
        #[arg(long)]
        cluster: std::net::SocketAddr,
        #[arg(long, env = "SLNODE_TOKEN", hide_env_values = true)]
        token: String,
        /// The cluster's CA certificate (a node's `ca.pem`); default: the config being replaced.
        #[arg(long)]
        ca: Option<std::path::PathBuf>,
        /// Where to write (default ~/.config/slnode/client.toml).
        #[arg(long, env = "SLNODE_CONFIG")]
        config: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum ServiceCommand {
    /// Register (or replace) service NAME at an http:// URL. A task at label l may call it only
    /// if l ⊑ LABEL and REPLY_LABEL ⊑ l.
    Add {
        name: String,
        #[arg(long)]
        url: String,
        /// Who may call it: tasks at labels at or below LABEL (default: the bottom label).
        #[arg(long)]
        label: Option<String>,
        /// The label of its answers (default: LABEL).
        #[arg(long)]
        reply_label: Option<String>,
        #[command(flatten)]
        cluster: cluster_cmd::ClusterArgs,
    },
}

fn main() {
    // Die quietly on a closed pipe (`slnode … | head`), as command-line tools do, instead of
    // panicking inside println!.
    // SAFETY: resetting a signal disposition to its default before any thread starts.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Policy(command) => policy_cmd::run(command),
        Command::Lambdapack(command) => lambdapack_cmd::run(command),
        Command::Bench(command) => bench_cmd::run(command),
        Command::Start { node, no_run } => cluster_cmd::start(node, !no_run),
        Command::Join {
            peer,
            token,
            node,
            no_run,
        } => cluster_cmd::join(node, peer, token, !no_run),
        Command::Run { file, event } => python_cmd::run(&file, event.as_deref()),
        Command::Serve {
            data_dir,
            verbose,
            log,
        } => cluster_cmd::run_existing(data_dir, verbose, log),
        Command::Up {
            nodes,
            dir,
            voters,
            first_ip,
            port,
            slots,
            verbose,
        } => cluster_cmd::up(nodes, dir, voters, first_ip, port, slots, verbose),
        Command::Down { dir } => cluster_cmd::down(dir),
        Command::Status { json, cluster } => cluster_cmd::status(cluster, json),
        Command::Leave { data_dir, cluster } => cluster_cmd::leave(data_dir, cluster),
        Command::Remove { node, cluster } => cluster_cmd::remove(node, cluster),
        Command::Object(command) => cluster_cmd::object(command),
        Command::Matrix(command) => matrix_cmd::run_matrix(command),
        Command::Submit {
            file,
            event,
            timeout,
            checkpoint_ms,
            wait,
            json,
            cluster,
        } => job_cmd::submit(job_cmd::SubmitArgs {
            file: &file,
            event: event.as_deref(),
            timeout_s: timeout,
            checkpoint_ms,
            wait,
            json,
            cluster: &cluster,
        }),
        Command::Jobs { json, cluster } => job_cmd::jobs(json, &cluster),
        Command::Job {
            id,
            json,
            trace,
            cluster,
        } => match trace {
            Some(path) => job_cmd::trace(id, &path, &cluster),
            None => job_cmd::job(id, json, &cluster),
        },
        Command::Logs {
            id,
            follow,
            cluster,
        } => job_cmd::logs(id, follow, &cluster),
        Command::Cancel { id, cluster } => job_cmd::cancel(id, &cluster),
        Command::Service(ServiceCommand::Add {
            name,
            url,
            label,
            reply_label,
            cluster,
        }) => job_cmd::service_add(&name, &url, label, reply_label, &cluster),
        Command::User(command) => user_cmd::run(command),
        Command::Function(command) => function_cmd::run(command),
        Command::Declassifier(command) => function_cmd::declassifier(command),
        Command::Top { once, cluster } => top_cmd::top(cluster, once),
        Command::Invoke {
            name,
            event,
            wait,
            cluster,
        } => function_cmd::invoke(name, event, wait, cluster),
        Command::Login {
            cluster,
            token,
            ca,
            config,
        } => user_cmd::login(cluster, token, ca, config),
    };
    match outcome {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            let message = format!("{error:#}");
            eprintln!("slnode: {message}");
            if let Some(hint) = hint_for(&message) {
                eprintln!("hint: {hint}");
            }
            std::process::exit(2);
        }
    }
}

/// What a person can do about an error whose text alone does not say it.
fn hint_for(message: &str) -> Option<&'static str> {
    // rustls names a certificate signed by another CA this way; with slnode that nearly always
    // means a client config left from an earlier cluster (`slnode up` keeps an existing
    // ~/.config/slnode/client.toml and prints the new cluster's own config instead).
    if message.contains("invalid peer certificate: BadSignature")
        || message.contains("invalid peer certificate: UnknownIssuer")
    {
        return Some(
            "the node's certificate is not signed by the CA of the client config in use \
             (--config, SLNODE_CONFIG or ~/.config/slnode/client.toml): it may belong to another \
             cluster; pass the cluster's own config (`slnode up` and `slnode start` print its path)",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::hint_for;

    #[test]
    fn a_certificate_from_another_cluster_gets_a_hint_and_other_errors_none() {
        let refused = "no node answered: cannot reach 127.0.0.13:7400: the cryptographic \
                       handshake failed: error 51: invalid peer certificate: BadSignature";
        assert!(hint_for(refused).is_some_and(|h| h.contains("another cluster")));
        assert!(hint_for("invalid peer certificate: UnknownIssuer").is_some());
        assert_eq!(hint_for("cannot reach 127.0.0.13:7400: timed out"), None);
    }
}
