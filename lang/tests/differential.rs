//! Every program under `tests/programs/` runs under `python3` and under the VM: stdout must be
//! identical, and when CPython ends with an uncaught exception the VM must raise the same one
//! (type and message) from the same lines. Then each program runs again in slices of random
//! size with a snapshot → bytes → restore between every two slices: same output, same outcome.

use std::path::{Path, PathBuf};
use std::process::Command;

use sl_lang::{Outcome, Vm};

fn programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "the corpus is there");
    files
}

struct Run {
    stdout: String,
    /// `Kind: message` of an uncaught exception.
    error: Option<String>,
    /// `File "…", line N, in f` lines of the traceback.
    frames: Vec<String>,
    /// Instructions executed.
    steps: u64,
}

/// A traceback's `File` lines and the source lines under them (without CPython 3.11's carets).
fn traceback_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            l.starts_with("  File \"")
                || (l.starts_with("    ") && !l.trim().chars().all(|c| c == '^' || c == '~'))
        })
        .map(str::to_owned)
        .collect()
}

fn cpython(file: &Path) -> Run {
    let output = Command::new("python3")
        .arg(file)
        .output()
        .expect("python3 is installed");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let frames = if stderr.contains("more times]") {
        Vec::new()
    } else {
        // From the first traceback on: what the program itself wrote to stderr is not one.
        let start = stderr
            .find("Traceback (most recent")
            .unwrap_or(stderr.len());
        traceback_lines(&stderr[start..])
    };
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).to_string(),
        error: (!output.status.success()).then(|| stderr.lines().last().unwrap_or("").to_owned()),
        frames,
        steps: 0,
    }
}

fn slnode(file: &Path, slices: &mut dyn FnMut() -> Option<u64>) -> Run {
    let name = file.display().to_string();
    let source = std::fs::read_to_string(file).unwrap();
    let module = sl_lang::compile(&name, &source).unwrap_or_else(|e| panic!("{e}"));
    let mut vm = Vm::new(module);
    let mut stdout = String::new();
    loop {
        let (budget, snapshot) = match slices() {
            Some(n) => (n, true),
            None => (u64::MAX, false),
        };
        let outcome = vm.run(budget);
        stdout.push_str(&vm.take_output());
        match outcome {
            Outcome::Suspended => {
                if snapshot {
                    let bytes = vm.snapshot().unwrap();
                    vm = Vm::restore(&bytes).unwrap();
                }
            }
            Outcome::Finished => {
                return Run {
                    stdout,
                    error: None,
                    frames: Vec::new(),
                    steps: vm.state().steps,
                };
            }
            Outcome::HostCall(call) => panic!("{name}: unexpected host call {}", call.name),
            Outcome::Stopped => panic!("{name}: stopped without a deadline"),
            Outcome::Raised(exception) => {
                let rendered = exception.render_source(&name, &source);
                return Run {
                    stdout,
                    error: rendered.lines().last().map(str::to_owned),
                    frames: traceback_lines(&rendered),
                    steps: vm.state().steps,
                };
            }
        }
    }
}

#[test]
fn the_vm_prints_what_cpython_prints() {
    let mut failures = Vec::new();
    for file in programs() {
        let expected = cpython(&file);
        let got = slnode(&file, &mut || None);
        if got.stdout != expected.stdout {
            failures.push(format!(
                "{}: stdout differs\n--- python3\n{}--- slnode\n{}",
                file.display(),
                expected.stdout,
                got.stdout
            ));
        }
        if got.error != expected.error {
            failures.push(format!(
                "{}: python3 ended with {:?}, slnode with {:?}",
                file.display(),
                expected.error,
                got.error
            ));
        }
        if !expected.frames.is_empty() && got.frames != expected.frames {
            failures.push(format!(
                "{}: traceback frames or their lines differ\n{:?}\n{:?}",
                file.display(),
                expected.frames,
                got.frames
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn snapshots_between_random_slices_change_nothing() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut total_snapshots = 0u32;
    let files = programs();
    for file in &files {
        let file = file.as_path();
        let straight = slnode(file, &mut || None);
        // About 300 cuts per program whatever its length, at random sizes from a single
        // instruction up, so they land inside loops, calls and expressions.
        let widest = (2 * straight.steps / 300).max(2);
        let mut snapshots = 0u32;
        let sliced = slnode(file, &mut || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            snapshots += 1;
            Some(1 + seed % widest)
        });
        total_snapshots += snapshots;
        assert_eq!(straight.stdout, sliced.stdout, "{}", file.display());
        assert_eq!(straight.error, sliced.error, "{}", file.display());
    }
    assert!(
        total_snapshots as usize > 100 * files.len(),
        "programs were cut into many slices ({total_snapshots})"
    );
}
