use clap::Parser;

/// slchaos drives real slnode processes under faults and checks what they did.
/// No workloads exist yet; they arrive with the cluster.
#[derive(Parser)]
#[command(name = "slchaos", version)]
struct Cli {}

fn main() {
    let _ = Cli::parse();
    eprintln!(
        "slchaos: no workloads are available yet; they arrive with the cluster (see README.md)"
    );
    std::process::exit(2);
}
