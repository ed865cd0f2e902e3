//! The standard-library modules: what is not there is a clear error naming it, and a module's
//! objects (a Random, a compiled pattern, a deque) survive a snapshot taken between any two
//! instructions (the differential corpus checks the same for every `lib_*` program).

use sl_lang::{Outcome, Vm};

fn run(source: &str) -> (String, Outcome) {
    let module = sl_lang::compile("job.py", source).expect("compiles");
    let mut vm = Vm::new(module);
    let outcome = vm.run(u64::MAX);
    (vm.take_output(), outcome)
}

#[test]
fn a_module_not_in_the_library_is_module_not_found_naming_it() {
    let (_, outcome) = run("import asyncio\n");
    let Outcome::Raised(e) = outcome else {
        panic!("expected an exception, got {outcome:?}");
    };
    assert_eq!(e.kind, "ModuleNotFoundError");
    assert_eq!(e.message, "No module named 'asyncio'");
}

#[test]
fn a_missing_name_in_a_library_module_is_an_attribute_error_naming_it() {
    let (_, outcome) = run("import json\njson.no_such_function\n");
    let Outcome::Raised(e) = outcome else {
        panic!("expected an exception, got {outcome:?}");
    };
    assert_eq!(e.kind, "AttributeError");
    assert!(e.message.contains("no_such_function"), "{}", e.message);
}

#[test]
fn regex_features_the_engine_lacks_are_named_in_re_error() {
    let (out, outcome) = run("import re\n\
         for p in [r'(?<=a)b', r'(a)\\1', r'(?=x)']:\n\
         \x20   try:\n\
         \x20       re.compile(p)\n\
         \x20   except re.error as e:\n\
         \x20       print(e)\n");
    assert_eq!(outcome, Outcome::Finished);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].contains("look-ahead and look-behind"), "{out}");
    assert!(lines[1].contains("backreferences"), "{out}");
}

#[test]
fn library_objects_survive_a_snapshot_after_every_instruction() {
    let source = "import random, re, json\n\
                  from collections import deque, Counter\n\
                  r = random.Random(5)\n\
                  p = re.compile(r'(\\w+)=(\\d+)')\n\
                  d = deque(maxlen=3)\n\
                  c = Counter()\n\
                  for i in range(20):\n\
                  \x20   d.append(r.randint(0, 9))\n\
                  \x20   c[p.match('k%d=%d' % (i % 3, i)).group(1)] += 1\n\
                  print(list(d), c.most_common(), json.dumps(sorted(c.items())), r.random())\n";
    let (straight, outcome) = run(source);
    assert_eq!(outcome, Outcome::Finished);
    let module = sl_lang::compile("job.py", source).expect("compiles");
    let mut vm = Vm::new(module);
    let mut sliced = String::new();
    let mut snapshots = 0;
    loop {
        let outcome = vm.run(1);
        sliced.push_str(&vm.take_output());
        match outcome {
            Outcome::Suspended => {
                let bytes = vm.snapshot().expect("snapshot");
                vm = Vm::restore(&bytes).expect("restore");
                snapshots += 1;
            }
            Outcome::Finished => break,
            other => panic!("{other:?}"),
        }
    }
    assert!(snapshots > 1000, "only {snapshots} snapshots");
    assert_eq!(sliced, straight);
}
