//! Task code run *in place*: where its caller is, before anything is sent, within a small budget
//! — a worker running a short child of its task. Only what has no effect may happen there: the clock is the one host call
//! answered; any other (`rt.spawn`, a queue, a sleep, the store, an external call) abandons the
//! run, as do overrunning the budget and printing too much. An abandoned run had no effect but the time it took: the caller then sends the task
//! as usual. A run that ended is recorded by the coordinator with its outcome in one commit
//! (`Call::SpawnInline`, or the caller's next call when ids are reserved: the coordinator's
//! `in_place`), so nothing of it exists before that commit and a caller that fails before it
//! runs it again from nothing: exactly-once holds. A run in place has a task's memory
//! (`programs::VM_MEMORY_MAX`): with less, a program catching `MemoryError` could end
//! differently there than as a task of its own.
//! Why: a task sent to a worker costs commits, a lease, a restore and a wait (≥ 4 ms on the
//! development machine) — far more than a short task's work.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sl_lang::{Data, Outcome, Vm};

use super::{failure, programs, rt};

/// Output a run in place may print (more, and it is a task of its own, logged as usual).
pub const OUTPUT_MAX: usize = 16 << 10;
/// Instructions between looks at the budget.
const STEPS: u64 = 4096;

/// How a run in place went.
#[derive(Debug)]
pub enum Ran {
    /// It ended: its value or its error text (traceback and trailer, as a task's exit carries
    /// it), and what it printed.
    Ended(Result<Data, String>, String),
    /// It must run as a task of its own.
    Abandoned(&'static str),
    /// `stop` was set (the caller's own deadline).
    Stopped,
}

/// Python's wording for a call of a task's function that did not start.
pub fn call_error_text(e: sl_lang::vm::HostDataError) -> String {
    match e {
        sl_lang::vm::HostDataError::Call { kind, message } => format!("{kind}: {message}"),
        other => format!("TypeError: {other}"),
    }
}

/// Runs `vm`, already called into its function (or at its module body), until it ends, at most
/// until `started + budget`. `printed` holds what it printed so far.
pub fn run(
    vm: &mut Vm,
    file: &str,
    source: &str,
    stop: &Arc<AtomicBool>,
    started: Instant,
    budget: Duration,
    mut printed: String,
) -> Ran {
    loop {
        let outcome = vm.run_until(STEPS, stop);
        printed.push_str(&vm.take_output());
        printed.push_str(&vm.take_errors());
        match outcome {
            // The VM looks at the flag only now and then: a short budget of steps may end first.
            Outcome::Suspended if stop.load(Ordering::Relaxed) => return Ran::Stopped,
            Outcome::Suspended => {}
            Outcome::Stopped => return Ran::Stopped,
            // However it ended, within its first steps or not, no more than a task of its own
            // would flush with one call.
            Outcome::Finished | Outcome::Raised(_) if printed.len() > OUTPUT_MAX => {
                return Ran::Abandoned("output");
            }
            Outcome::Finished => {
                let value = vm.result().unwrap_or(Data::None);
                return Ran::Ended(Ok(value), printed);
            }
            Outcome::Raised(e) => {
                let traceback = e.render_source(file, source);
                return Ran::Ended(Err(failure::outcome_text(&traceback, &e)), printed);
            }
            // The clock is the only host call answered in place: any other is an effect (or a
            // wait) that only a task of its own may have.
            Outcome::HostCall(call) => match rt::decode(vm, &call) {
                Ok(Some(rt::RtCall::Time { ns })) => {
                    if vm.resume(Ok(programs::now(ns))).is_err() {
                        return Ran::Abandoned("resume");
                    }
                }
                _ => return Ran::Abandoned("host call"),
            },
        }
        if started.elapsed() > budget {
            return Ran::Abandoned("budget");
        }
        if printed.len() > OUTPUT_MAX {
            return Ran::Abandoned("output");
        }
    }
}

/// A spawned task's first slice, in place: `function(*args)` in a VM of its own restored from
/// the module image.
pub fn child(
    image: &[u8],
    file: &str,
    source: &str,
    function: &str,
    args: &[Data],
    stop: &Arc<AtomicBool>,
    budget: Duration,
) -> Ran {
    let started = Instant::now();
    let Ok(mut vm) = Vm::restore(image) else {
        return Ran::Abandoned("image");
    };
    vm.set_memory_limit(programs::VM_MEMORY_MAX);
    if let Err(e) = vm.call_function(function, args) {
        return Ran::Ended(Err(call_error_text(e)), String::new());
    }
    run(&mut vm, file, source, stop, started, budget, String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(source: &str) -> Vec<u8> {
        let module = sl_lang::compile("t.py", source).unwrap();
        let program = programs::Program::new("t.py".into(), source.into(), module);
        program.image().unwrap().to_vec()
    }

    fn never() -> Arc<AtomicBool> {
        Arc::new(AtomicBool::new(false))
    }

    #[test]
    fn a_short_child_ends_in_place_with_its_value_output_and_errors() {
        let image = image(
            "import time\n\
             class Invalid(Exception):\n    pass\n\
             def f(x):\n    print('got', x)\n    time.time()\n    return x * 2\n\
             def g():\n    raise Invalid('bad', 7)\n",
        );
        let budget = Duration::from_secs(5);
        match child(&image, "t.py", "", "f", &[Data::Int(21)], &never(), budget) {
            Ran::Ended(Ok(Data::Int(42)), printed) => assert_eq!(printed, "got 21\n"),
            other => panic!("{other:?}"),
        }
        match child(&image, "t.py", "", "g", &[], &never(), budget) {
            Ran::Ended(Err(text), _) => {
                let (shown, trailer) = failure::split(&text);
                assert!(shown.contains("Invalid: ('bad', 7)"), "{shown}");
                assert!(trailer.is_some(), "the class crosses to the waiter");
            }
            other => panic!("{other:?}"),
        }
        match child(&image, "t.py", "", "f", &[], &never(), budget) {
            Ran::Ended(Err(text), _) => assert!(text.starts_with("TypeError"), "{text}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn effects_overruns_floods_and_stops_abandon_the_run() {
        let image = image(
            "import rt, time\n\
             def one():\n    return 1\n\
             def spawns():\n    return rt.spawn(one).wait()\n\
             def sleeps():\n    time.sleep(0.001)\n\
             def spins():\n    while True:\n        pass\n\
             def floods():\n    for i in range(100000):\n        print(i)\n\
             def shouts():\n    print('x' * 100000)\n",
        );
        let budget = Duration::from_millis(20);
        for (function, why) in [
            ("spawns", "host call"),
            ("sleeps", "host call"),
            ("spins", "budget"),
            ("floods", "output"),
            ("shouts", "output"),
        ] {
            match child(&image, "t.py", "", function, &[], &never(), budget) {
                Ran::Abandoned(reason) => assert_eq!(reason, why, "{function}"),
                other => panic!("{function}: {other:?}"),
            }
        }
        let stopped = Arc::new(AtomicBool::new(true));
        assert!(matches!(
            child(&image, "t.py", "", "spins", &[], &stopped, budget),
            Ran::Stopped
        ));
    }
}
