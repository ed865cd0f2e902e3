//! `slnode run FILE.py`: a plain Python file in slnode's VM, printing what `python3 FILE.py`
//! would: its output on stdout, and on an uncaught exception the traceback on stderr with exit
//! status 1. The task API (`rt`) is not there yet.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Instructions between output flushes.
const SLICE: u64 = 1 << 20;

pub fn run(file: &Path) -> anyhow::Result<i32> {
    let source =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file.display().to_string();
    let module = match sl_lang::compile(&name, &source) {
        Ok(module) => module,
        Err(error) => {
            eprintln!("{error}");
            return Ok(1);
        }
    };
    let mut vm = sl_lang::Vm::new(module);
    let mut stdout = std::io::stdout().lock();
    loop {
        let outcome = vm.run(SLICE);
        stdout.write_all(vm.take_output().as_bytes())?;
        match outcome {
            sl_lang::Outcome::Suspended => continue,
            sl_lang::Outcome::Finished => return Ok(0),
            sl_lang::Outcome::HostCall(call) => {
                // No host modules are registered here, so the program cannot reach one.
                anyhow::bail!("unexpected host call {}", call.name);
            }
            sl_lang::Outcome::Stopped => anyhow::bail!("the program was stopped"),
            sl_lang::Outcome::Raised(exception) => {
                stdout.flush()?;
                eprint!("{}", exception.render(&name));
                return Ok(1);
            }
        }
    }
}
