//! The embedding interface: host calls suspend the VM with `(name, args)` and resume with a
//! value or an exception, also across a snapshot; host objects are opaque values the program
//! holds and calls methods on; a module-level function can be called with data; the memory
//! limit raises MemoryError; a deadline inside a nested run stops the VM.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sl_lang::{Data, HostError, Outcome, Vm, compile};

fn vm(source: &str) -> Vm {
    let mut vm = Vm::new(compile("job.py", source).unwrap());
    vm.register_host_module("rt", &["spawn", "sleep"]);
    vm
}

/// Runs until the next host call (or the end), collecting output.
fn until_call(vm: &mut Vm, out: &mut String) -> Outcome {
    loop {
        let outcome = vm.run(10_000);
        out.push_str(&vm.take_output());
        if outcome != Outcome::Suspended {
            return outcome;
        }
    }
}

#[test]
fn a_host_call_suspends_resumes_and_survives_a_snapshot() {
    let source = "\
import rt
def child(n):
    return n * 2
fut = rt.spawn(child, 21, name='c')
print('spawned', fut)
value = fut.wait()
print('value', value)
try:
    fut.wait()
except TimeoutError as e:
    print('timeout:', e)
";
    let mut vm = vm(source);
    let mut out = String::new();
    let Outcome::HostCall(call) = until_call(&mut vm, &mut out) else {
        panic!("expected a host call");
    };
    assert_eq!(call.name, "rt.spawn");
    let args: Vec<Data> = call.args.iter().map(|a| vm.to_data(*a).unwrap()).collect();
    assert_eq!(args, vec![Data::Function("child".into()), Data::Int(21)]);
    assert_eq!(call.kwargs.len(), 1);
    assert_eq!(call.kwargs[0].0, "name");
    // Resume with an opaque future.
    vm.resume(Ok(Data::Host {
        kind: "Future".into(),
        id: 7,
    }))
    .unwrap();
    let Outcome::HostCall(call) = until_call(&mut vm, &mut out) else {
        panic!("expected a second host call");
    };
    assert_eq!(call.name, "Future.wait");
    assert_eq!(
        vm.to_data(call.args[0]).unwrap(),
        Data::Host {
            kind: "Future".into(),
            id: 7
        }
    );
    // Snapshot while the call is pending; the restored VM knows what it waits for.
    let bytes = vm.snapshot().unwrap();
    let mut restored = Vm::restore(&bytes).unwrap();
    assert_eq!(restored.pending_host_call().unwrap().name, "Future.wait");
    assert_eq!(restored.run(100), Outcome::HostCall(call.clone()));
    restored.resume(Ok(Data::Int(42))).unwrap();
    let Outcome::HostCall(again) = until_call(&mut restored, &mut out) else {
        panic!("expected a third host call");
    };
    assert_eq!(again.name, "Future.wait");
    restored
        .resume(Err(HostError {
            kind: "TimeoutError".into(),
            message: "child took too long".into(),
            detail: None,
        }))
        .unwrap();
    assert_eq!(until_call(&mut restored, &mut out), Outcome::Finished);
    assert_eq!(
        out,
        "spawned <Future 7>\nvalue 42\ntimeout: child took too long\n"
    );
    // Nothing pending now: resuming is an error, not a crash.
    assert!(restored.resume(Ok(Data::None)).is_err());
}

#[test]
fn host_errors_of_unknown_kinds_become_runtime_errors() {
    let mut vm = vm("import rt\nrt.sleep(1)\n");
    let mut out = String::new();
    assert!(matches!(
        until_call(&mut vm, &mut out),
        Outcome::HostCall(_)
    ));
    vm.resume(Err(HostError {
        kind: "NoSuchError".into(),
        message: "lost".into(),
        detail: None,
    }))
    .unwrap();
    let Outcome::Raised(e) = until_call(&mut vm, &mut out) else {
        panic!("expected an exception");
    };
    assert_eq!(
        (e.kind.as_str(), e.message.as_str()),
        ("RuntimeError", "lost")
    );
}

#[test]
fn host_calls_inside_special_methods_are_refused_clearly() {
    let source = "\
import rt
class A:
    def __repr__(self):
        rt.sleep(1)
        return 'A'
print([A()])
";
    let mut vm = vm(source);
    let mut out = String::new();
    let Outcome::Raised(e) = until_call(&mut vm, &mut out) else {
        panic!("expected an exception");
    };
    assert_eq!(e.kind, "RuntimeError");
    assert!(e.message.contains("rt.sleep"), "{}", e.message);
}

#[test]
fn a_module_level_function_is_called_with_data() {
    let source = "\
def handler(event, context):
    return {'sum': sum(event['xs']), 'who': context, 'big': 2 ** 70}
";
    let mut vm = vm(source);
    assert_eq!(vm.run(1000), Outcome::Finished);
    let event = Data::Dict(vec![(
        Data::Str("xs".into()),
        Data::List(vec![Data::Int(1), Data::Int(2), Data::Int(3)]),
    )]);
    vm.call_function("handler", &[event, Data::Str("ctx".into())])
        .unwrap();
    assert_eq!(vm.run(10_000), Outcome::Finished);
    assert_eq!(
        vm.result().unwrap(),
        Data::Dict(vec![
            (Data::Str("sum".into()), Data::Int(6)),
            (Data::Str("who".into()), Data::Str("ctx".into())),
            (
                Data::Str("big".into()),
                Data::BigInt("1180591620717411303424".into())
            ),
        ])
    );
    assert!(vm.call_function("missing", &[]).is_err());
}

#[test]
fn the_memory_limit_raises_memory_error_the_program_can_catch() {
    let source = "\
chunks = []
try:
    while True:
        chunks.append('x' * 10000 + str(len(chunks)))
except MemoryError:
    n = len(chunks)
    chunks = None
    print('stopped', n > 10, n < 1000)
";
    let mut vm = vm(source);
    vm.set_memory_limit(4 << 20);
    let mut out = String::new();
    assert_eq!(until_call(&mut vm, &mut out), Outcome::Finished);
    assert_eq!(out, "stopped True True\n");
}

#[test]
fn a_deadline_inside_a_builtin_stops_the_vm() {
    // The key function never returns: the deadline arrives inside `sorted`.
    let source = "\
def forever(x):
    while True:
        pass
print(sorted([3, 1, 2], key=forever))
";
    let mut vm = vm(source);
    let deadline = Arc::new(AtomicBool::new(false));
    let flag = deadline.clone();
    let timer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        flag.store(true, Ordering::Relaxed);
    });
    assert_eq!(vm.run_until(u64::MAX, &deadline), Outcome::Stopped);
    timer.join().unwrap();
    // It stays stopped: the state is not resumable.
    assert_eq!(vm.run(10), Outcome::Stopped);
}

#[test]
fn a_generator_consumed_by_a_builtin_stays_resumable_and_may_call_the_host() {
    let source = "\
import rt
def values():
    for i in range(3):
        yield rt.sleep(i)
print(sum(values()), sorted(x * 2 for x in values()), any(v > 5 for v in values()))
print(','.join(str(v) for v in values()))
";
    let mut vm = vm(source);
    let mut out = String::new();
    let mut calls = 0;
    loop {
        match until_call(&mut vm, &mut out) {
            Outcome::HostCall(call) => {
                assert_eq!(call.name, "rt.sleep");
                let n = vm.to_data(call.args[0]).unwrap();
                let Data::Int(n) = n else { panic!("{n:?}") };
                calls += 1;
                // Snapshot and restore at every call: nothing lives on the Rust stack.
                let bytes = vm.snapshot().unwrap();
                vm = Vm::restore(&bytes).unwrap();
                vm.resume(Ok(Data::Int(n * 10))).unwrap();
            }
            Outcome::Finished => break,
            other => panic!("{other:?}"),
        }
    }
    // any() stops at the first true value: 3 + 3 + 2 + 3.
    assert_eq!(calls, 11);
    assert_eq!(out, "30 [0, 20, 40] True\n0,10,20\n");
}

#[test]
fn an_endless_iterator_consumed_by_a_builtin_is_still_bounded_by_the_budget() {
    let source = "\
class Forever:
    def __iter__(self):
        return self
    def __next__(self):
        return 1
print(list(Forever()))
";
    let mut vm = vm(source);
    for _ in 0..10 {
        assert_eq!(vm.run(10_000), Outcome::Suspended);
    }
}

#[test]
fn host_methods_take_unpacked_arguments_and_bind_like_methods() {
    let source = "\
import rt
q = rt.spawn(None)
items = [1, 2, 3]
q.enqueue(*items, **{'is_async': True})
put = q.enqueue
put(*range(2))
";
    let mut vm = vm(source);
    let mut out = String::new();
    assert!(matches!(
        until_call(&mut vm, &mut out),
        Outcome::HostCall(_)
    ));
    vm.resume(Ok(Data::Host {
        kind: "Queue".into(),
        id: 4,
    }))
    .unwrap();
    let queue = Data::Host {
        kind: "Queue".into(),
        id: 4,
    };
    let Outcome::HostCall(call) = until_call(&mut vm, &mut out) else {
        panic!("expected q.enqueue(*items)");
    };
    assert_eq!(call.name, "Queue.enqueue");
    let args: Vec<Data> = call.args.iter().map(|a| vm.to_data(*a).unwrap()).collect();
    assert_eq!(
        args,
        vec![queue.clone(), Data::Int(1), Data::Int(2), Data::Int(3)]
    );
    assert_eq!(call.kwargs.len(), 1);
    assert_eq!(call.kwargs[0].0, "is_async");
    vm.resume(Ok(Data::None)).unwrap();
    // Survives a snapshot while bound.
    let mut vm = Vm::restore(&vm.snapshot().unwrap()).unwrap();
    let Outcome::HostCall(call) = until_call(&mut vm, &mut out) else {
        panic!("expected put(*range(2))");
    };
    assert_eq!(call.name, "Queue.enqueue");
    let args: Vec<Data> = call.args.iter().map(|a| vm.to_data(*a).unwrap()).collect();
    assert_eq!(args, vec![queue, Data::Int(0), Data::Int(1)]);
    vm.resume(Ok(Data::None)).unwrap();
    assert_eq!(until_call(&mut vm, &mut out), Outcome::Finished);
}

#[test]
fn a_user_exception_crosses_to_another_vm_with_its_class_args_and_attributes() {
    let source = "\
import rt
class Invalid(ValueError):
    def __init__(self, what, n):
        super().__init__(what, n)
        self.code = n * 2
def child():
    raise Invalid('bad', 21)
def parent():
    try:
        rt.sleep(1)
    except Invalid as e:
        print(type(e).__name__, e.args, e.code, isinstance(e, ValueError), repr(e))
        return str(e)
";
    let mut child = vm(source);
    let mut out = String::new();
    assert_eq!(until_call(&mut child, &mut out), Outcome::Finished);
    child.call_function("child", &[]).unwrap();
    let Outcome::Raised(raised) = until_call(&mut child, &mut out) else {
        panic!("expected the child to raise");
    };
    assert_eq!(raised.kind, "Invalid");
    assert_eq!(
        raised.detail.args,
        vec![Data::Str("bad".into()), Data::Int(21)]
    );

    let mut parent = vm(source);
    assert_eq!(until_call(&mut parent, &mut out), Outcome::Finished);
    parent.call_function("parent", &[]).unwrap();
    assert!(matches!(
        until_call(&mut parent, &mut out),
        Outcome::HostCall(_)
    ));
    parent
        .resume(Err(HostError {
            kind: raised.kind.clone(),
            message: raised.message.clone(),
            detail: Some(Box::new(raised.detail.clone())),
        }))
        .unwrap();
    // Across a snapshot while the exception waits to be raised.
    let mut parent = Vm::restore(&parent.snapshot().unwrap()).unwrap();
    assert_eq!(until_call(&mut parent, &mut out), Outcome::Finished);
    assert_eq!(out, "Invalid ('bad', 21) 42 True Invalid('bad', 21)\n");
    assert_eq!(parent.result().unwrap(), Data::Str("('bad', 21)".into()));

    // A name that is no exception class here stays a RuntimeError with the message.
    let mut other = vm("import rt\nrt.sleep(1)\n");
    until_call(&mut other, &mut out);
    other
        .resume(Err(HostError {
            kind: "Invalid".into(),
            message: "m".into(),
            detail: Some(Box::new(raised.detail)),
        }))
        .unwrap();
    let Outcome::Raised(e) = until_call(&mut other, &mut out) else {
        panic!("expected an exception");
    };
    assert_eq!((e.kind.as_str(), e.message.as_str()), ("RuntimeError", "m"));
}

#[test]
fn a_loop_over_big_ints_keeps_its_heap_and_snapshot_small() {
    let source = "\
def main():
    x = 1
    for i in range(200000):
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
    return x
";
    let mut vm = Vm::new(compile("lcg.py", source).unwrap());
    let mut out = String::new();
    assert_eq!(until_call(&mut vm, &mut out), Outcome::Finished);
    vm.call_function("main", &[]).unwrap();
    let mut largest = 0;
    loop {
        match vm.run(1 << 16) {
            Outcome::Suspended => {
                // Garbage is collected as it is made: the state stays the size of a few ints.
                let snapshot = vm.snapshot().unwrap();
                largest = largest.max(snapshot.len());
                vm = Vm::restore(&snapshot).unwrap();
            }
            Outcome::Finished => break,
            other => panic!("{other:?}"),
        }
    }
    assert!(largest < 1 << 20, "a snapshot took {largest} bytes");
    assert!(
        vm.state().heap.live() < 20_000,
        "{} objects live",
        vm.state().heap.live()
    );
    // What CPython computes.
    assert_eq!(vm.result().unwrap(), Data::Int(2325186649625005889));
}

#[test]
fn stderr_is_its_own_stream_and_sys_exit_zero_is_a_finish() {
    let mut first = vm(
        "import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.stderr.write('more\\n')\nsys.exit(0)\nprint('not reached')\n",
    );
    let mut out = String::new();
    assert_eq!(until_call(&mut first, &mut out), Outcome::Finished);
    assert_eq!(out, "out\n");
    assert_eq!(first.take_errors(), "err\nmore\n");

    for (code, message) in [("3", "3"), ("'bad input'", "bad input")] {
        let mut vm = vm(&format!("import sys\nsys.exit({code})\n"));
        let Outcome::Raised(e) = until_call(&mut vm, &mut String::new()) else {
            panic!("sys.exit({code}) is a failure");
        };
        assert_eq!(
            (e.kind.as_str(), e.message.as_str()),
            ("SystemExit", message)
        );
    }
}
