//! Arbitrary source: compiling it never panics; what compiles runs (a bounded number of
//! instructions) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(module) = sl_lang::compile("fuzz.py", source) {
        let mut vm = sl_lang::Vm::new(module);
        let _ = vm.run(10_000);
    }
});
