//! Writes real snapshots (programs of the corpus paused at several points) into the restore
//! fuzzer's corpus, so it mutates valid states instead of random bytes. Run on demand:
//! `SEED_DIR=lang/fuzz/corpus/restore cargo test -p sl-lang --test fuzz_seeds -- --ignored`.

use sl_lang::{Outcome, Vm, compile};

#[test]
#[ignore]
fn write_restore_seeds() {
    let Ok(dir) = std::env::var("SEED_DIR") else {
        return;
    };
    let programs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs");
    let mut written = 0;
    for entry in std::fs::read_dir(programs).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        let Ok(module) = compile("seed.py", &source) else {
            continue;
        };
        let mut vm = Vm::new(module);
        for cut in 0..3 {
            if vm.run(200 + 700 * cut) != Outcome::Suspended {
                break;
            }
            let bytes = vm.snapshot().unwrap();
            // Small states only: the fuzzer works best on short inputs.
            if bytes.len() <= 64 << 10 {
                let name = format!("{}-{cut}", path.file_stem().unwrap().to_string_lossy());
                std::fs::write(std::path::Path::new(&dir).join(name), bytes).unwrap();
                written += 1;
            }
        }
    }
    assert!(written > 50, "{written} seeds");
}
