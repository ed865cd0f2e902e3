//! The local Kappa runtime (`slnode run`): the shipped examples give their answers, and the
//! semantics the cluster shares hold — futures carry values and errors, dependencies gate
//! starts, queues are bounded FIFOs with rendezvous at 0, checkpoints round-trip, deadlocks are
//! reported instead of hanging.

use sl_lang::Data;
use sl_node::kappa::local::{Ended, Error, LocalRuntime};

fn run(source: &str, event: Option<Data>) -> (Result<Ended, Error>, String) {
    let mut out = Vec::new();
    let result = LocalRuntime::run("job.py", source, event, &mut out).map(|(e, _)| e);
    (result, String::from_utf8_lossy(&out).into_owned())
}

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn done(source: &str, event: Option<Data>) -> (Data, String) {
    match run(source, event) {
        (Ok(Ended::Done(Some(value))), out) => (value, out),
        (other, out) => panic!("{other:?}\n{out}"),
    }
}

#[test]
fn the_examples_give_their_answers() {
    let n6 = Data::Dict(vec![(Data::Str("n".into()), Data::Int(6))]);
    assert_eq!(done(&example("fib.py"), Some(n6)).0, Data::Int(8));
    assert_eq!(
        done(&example("pingpong.py"), None).0,
        Data::Str("pingpong".into())
    );
    assert_eq!(done(&example("work_queue.py"), None).0, Data::Int(499_500));
    assert_eq!(done(&example("tree_sum.py"), None).0, Data::Int(210));
    assert_eq!(done(&example("map_spawn.py"), None).0, Data::Int(25));
    let (digits, out) = done(&example("factorial.py"), None);
    assert_eq!(digits, Data::Int(77_338));
    // Every digit, computed in pure-Python limbs: 20000! starts 18192063202303451348…
    assert_eq!(out.trim_end().len(), 77_338);
    assert!(out.starts_with("18192063202303451348"), "{out}");
    assert!(out.trim_end().ends_with(&"0".repeat(4_999)));
}

#[test]
fn a_child_error_reaches_the_waiter_and_a_failed_dependency_fails_its_dependents() {
    let source = "\
import rt
def boom(x):
    raise ValueError(f'bad {x}')
def use(v):
    return v + 1
def main():
    f = rt.spawn(boom, (7,))
    g = rt.spawn(use, (f,))
    out = []
    for fut in (f, g):
        try:
            fut.wait()
        except ValueError as e:
            out.append(str(e))
    return out
";
    assert_eq!(
        done(source, None).0,
        Data::List(vec![Data::Str("bad 7".into()), Data::Str("bad 7".into())])
    );
}

#[test]
fn a_rendezvous_queue_hands_each_item_over_in_order() {
    let source = "\
import rt
def producer(q, n):
    for i in range(n):
        q.enqueue(i)
    q.enqueue(None)
    return 'sent'
def main():
    q = rt.create_queue(0)
    p = rt.spawn(producer, (q, 5))
    got = []
    while True:
        item = q.dequeue()
        if item is None:
            break
        got.append(item)
    return [got, p.wait()]
";
    assert_eq!(
        done(source, None).0,
        Data::List(vec![
            Data::List((0..5).map(Data::Int).collect()),
            Data::Str("sent".into())
        ])
    );
}

#[test]
fn checkpoints_round_trip_the_task_state() {
    let source = "\
import rt
def main():
    acc = []
    def gen():
        for i in range(5):
            yield i * i
    g = gen()
    for x in g:
        rt.checkpoint()
        acc.append(x)
    rt.store.put('k', acc)
    return [rt.store.get('k'), rt.store.list(''), rt.store.delete('k'), rt.store.list('')]
";
    let mut out = Vec::new();
    let (ended, runtime) = LocalRuntime::run("job.py", source, None, &mut out).unwrap();
    let Ended::Done(Some(value)) = ended else {
        panic!("{ended:?}");
    };
    assert_eq!(runtime.checkpoints, 5);
    let squares = Data::List([0, 1, 4, 9, 16].into_iter().map(Data::Int).collect());
    assert_eq!(
        value,
        Data::List(vec![
            squares,
            Data::List(vec![Data::Str("k".into())]),
            Data::Bool(true),
            Data::List(vec![]),
        ])
    );
}

#[test]
fn a_deadlock_is_reported_not_hung() {
    let source = "import rt\ndef main():\n    q = rt.create_queue(1)\n    return q.dequeue()\n";
    assert!(matches!(run(source, None).0, Err(Error::Deadlock(1))));
}

#[test]
fn bad_calls_are_python_errors() {
    let source = "\
import rt
def f():
    return 1
def main():
    errors = []
    for call in [lambda: rt.spawn(lambda: 1), lambda: rt.create_queue(-1), lambda: rt.spawn(f, 5), lambda: rt.external('svc', 1)]:
        try:
            call()
        except Exception as e:
            errors.append(type(e).__name__)
    return errors
";
    assert_eq!(
        done(source, None).0,
        Data::List(
            ["TypeError", "ValueError", "TypeError", "RuntimeError"]
                .into_iter()
                .map(|s| Data::Str(s.into()))
                .collect()
        )
    );
    let module_level = "import rt\ndef f():\n    return 1\nrt.spawn(f)\n";
    let (ended, _) = run(module_level, None);
    let Ok(Ended::Failed(traceback)) = ended else {
        panic!("{ended:?}");
    };
    assert!(
        traceback.contains("spawn from main() or handler()"),
        "{traceback}"
    );
}

#[test]
fn a_plain_program_runs_as_python_would_and_returns_no_value() {
    let (ended, out) = run("print('hi', 2 ** 70)\n", None);
    assert!(matches!(ended, Ok(Ended::Done(None))), "{ended:?}");
    assert_eq!(out, "hi 1180591620717411303424\n");
}

#[test]
fn an_entry_point_that_cannot_take_the_event_fails_with_python_s_error() {
    let (ended, _) = run("def handler(event):\n    return event\n", None);
    let Ok(Ended::Failed(text)) = ended else {
        panic!("{ended:?}");
    };
    assert!(
        text.starts_with("TypeError: handler() takes 1 positional argument but 2 were given"),
        "{text}"
    );
}
