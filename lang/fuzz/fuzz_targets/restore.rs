//! Arbitrary bytes as a snapshot: restoring never panics, and a restored VM runs (a bounded
//! number of instructions) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut vm) = sl_lang::Vm::restore(data) {
        let _ = vm.run(10_000);
    }
});
