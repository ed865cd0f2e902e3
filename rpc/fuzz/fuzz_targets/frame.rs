//! Whatever bytes arrive, decoding a frame header and validating a body as any of the transport's
//! own messages returns an error or a value, never a panic, and a decoded header re-encodes to the
//! same bytes. Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run frame` in `rpc/` (see docs/rpc.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sl_rpc::frame::{HEADER_BYTES, Header};
use sl_rpc::message::{Aligned, Hello, RemoteError, Welcome, Wire};

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = Header::decode(data) {
        assert_eq!(&header.encode()[..], &data[..HEADER_BYTES]);
    }
    let body = data.get(HEADER_BYTES..).unwrap_or_default();
    let mut aligned = Aligned::with_capacity(body.len());
    aligned.extend_from_slice(body);
    let _ = Hello::from_wire(&aligned);
    let _ = Welcome::from_wire(&aligned);
    let _ = RemoteError::from_wire(&aligned);
    let _ = sl_rpc::bench::Blob::from_wire(&aligned);
});
