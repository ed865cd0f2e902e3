//! `slnode run FILE.py [--event JSON]`: a job in one local process, with the same `rt`
//! semantics as on a cluster (spawn, futures, queues, checkpoints; see `sl_node::kappa::local`).
//! A plain file prints exactly what `python3 FILE.py` would: its output on stdout, and on an
//! uncaught exception the traceback on stderr with exit status 1. When the file defines an
//! entry point (`handler(event, context)` or `main()`), its return value is printed as JSON on
//! the last line.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use sl_node::kappa::local::{Ended, Error, LocalRuntime};
use sl_node::kappa::rt;

pub fn run(file: &Path, event: Option<&str>) -> anyhow::Result<i32> {
    let source =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file.display().to_string();
    let event = match event {
        Some(text) => {
            let json: serde_json::Value =
                serde_json::from_str(text).context("--event is not valid JSON")?;
            Some(rt::from_json(&json))
        }
        None => None,
    };
    let mut stdout = std::io::stdout().lock();
    match LocalRuntime::run(&name, &source, event, &mut stdout) {
        Ok((Ended::Done(result), _)) => {
            if let Some(value) = result {
                writeln!(stdout, "{}", rt::to_json(&value))?;
            }
            Ok(0)
        }
        Ok((Ended::Failed(traceback), _)) => {
            stdout.flush()?;
            eprint!("{traceback}");
            Ok(1)
        }
        Err(Error::Compile(message)) => {
            stdout.flush()?;
            eprintln!("{message}");
            Ok(1)
        }
        Err(other) => Err(other.into()),
    }
}
