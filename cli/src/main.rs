//! The `slnode` binary: the one command a person uses to run, inspect and use a cluster.
//! Commands arrive issue by issue; each is a thin front end over a library crate.

mod bench_cmd;
mod lambdapack_cmd;
mod policy_cmd;

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
    /// LAmbdaPACK programs: inspect their implicit DAG, run them locally on tiles.
    #[command(subcommand)]
    Lambdapack(lambdapack_cmd::LambdapackCommand),
    /// Benchmarks against real processes.
    #[command(subcommand)]
    Bench(bench_cmd::BenchCommand),
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
    };
    match outcome {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            eprintln!("slnode: {error:#}");
            std::process::exit(2);
        }
    }
}
