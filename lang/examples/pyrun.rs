//! Runs one Python file on the VM, printing its output and any uncaught exception as CPython
//! would: `cargo run -p sl-lang --example pyrun -- file.py`. With `--snapshots N` it snapshots
//! and restores every N instructions (a quick check that a program's objects survive).

use sl_lang::{Outcome, Vm};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: pyrun FILE.py [--snapshots N]");
        std::process::exit(2);
    };
    let every = match args.get(1).map(String::as_str) {
        Some("--snapshots") => args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1000),
        _ => u64::MAX,
    };
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    });
    let module = match sl_lang::compile(path, &source) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let mut vm = Vm::new(module);
    loop {
        let outcome = vm.run(every);
        print!("{}", vm.take_output());
        eprint!("{}", vm.take_errors());
        match outcome {
            Outcome::Suspended => {
                let bytes = vm.snapshot().expect("snapshot");
                vm = Vm::restore(&bytes).expect("restore");
            }
            Outcome::Finished => return,
            Outcome::Raised(e) => {
                eprint!("{}", e.render_source(path, &source));
                std::process::exit(1);
            }
            other => {
                eprintln!("{other:?}");
                std::process::exit(1);
            }
        }
    }
}
