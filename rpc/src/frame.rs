//! The frame codec: a pure state-free encoder and validating decoder for frame headers. No I/O.
//!
//! Every request and response on a QUIC stream starts with a 24-byte header:
//!
//! ```text
//! 0  magic "SL"        2  version (1)      3  kind (request, response, error, hello)
//! 4  method (u16 le)   6  flags (u16 le, must be 0)
//! 8  body length (u32 le)                  12 reserved (u32, must be 0)
//! 16 payload length (u64 le)
//! ```
//!
//! followed by `body length` bytes of rkyv-encoded message and `payload length` raw bytes (objects,
//! checkpoints, tiles), which are streamed rather than embedded in the message. Both lengths are
//! bounded; a header that fails any check is rejected before a byte of body is read.

pub const MAGIC: [u8; 2] = *b"SL";
pub const VERSION: u8 = 1;
pub const HEADER_BYTES: usize = 24;
/// The largest rkyv body: messages are small; bulk bytes travel as the payload.
pub const BODY_BYTES_MAX: u32 = 16 << 20;
/// The largest payload one frame may carry (a 64 MiB tile, with room to spare).
pub const PAYLOAD_BYTES_MAX: u64 = 256 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Request = 1,
    Response = 2,
    Error = 3,
    Hello = 4,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub kind: Kind,
    pub method: u16,
    pub body_len: u32,
    pub payload_len: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("not an slnode frame (bad magic {0:02x?})")]
    Magic([u8; 2]),
    #[error(
        "frame version {0} is not supported (this build speaks version {VERSION}); upgrade the older node"
    )]
    Version(u8),
    #[error("unknown frame kind {0}")]
    Kind(u8),
    #[error("reserved header bits are set")]
    Reserved,
    #[error("message body of {got} bytes exceeds the {max}-byte frame limit")]
    BodyTooLarge { got: u64, max: u32 },
    #[error("payload of {got} bytes exceeds the {max}-byte limit")]
    PayloadTooLarge { got: u64, max: u64 },
    #[error("truncated frame header ({0} of {HEADER_BYTES} bytes)")]
    Truncated(usize),
}

impl Header {
    pub fn new(
        kind: Kind,
        method: u16,
        body_len: usize,
        payload_len: u64,
    ) -> Result<Header, Error> {
        if body_len as u64 > BODY_BYTES_MAX as u64 {
            return Err(Error::BodyTooLarge {
                got: body_len as u64,
                max: BODY_BYTES_MAX,
            });
        }
        if payload_len > PAYLOAD_BYTES_MAX {
            return Err(Error::PayloadTooLarge {
                got: payload_len,
                max: PAYLOAD_BYTES_MAX,
            });
        }
        Ok(Header {
            kind,
            method,
            body_len: body_len as u32,
            payload_len,
        })
    }

    pub fn encode(&self) -> [u8; HEADER_BYTES] {
        let mut out = [0u8; HEADER_BYTES];
        out[0..2].copy_from_slice(&MAGIC);
        out[2] = VERSION;
        out[3] = self.kind as u8;
        out[4..6].copy_from_slice(&self.method.to_le_bytes());
        out[8..12].copy_from_slice(&self.body_len.to_le_bytes());
        out[16..24].copy_from_slice(&self.payload_len.to_le_bytes());
        out
    }

    /// Validates and decodes a header. Never panics, whatever the bytes.
    pub fn decode(bytes: &[u8]) -> Result<Header, Error> {
        let bytes: &[u8; HEADER_BYTES] = bytes
            .get(..HEADER_BYTES)
            .and_then(|b| b.try_into().ok())
            .ok_or(Error::Truncated(bytes.len()))?;
        let magic = [bytes[0], bytes[1]];
        if magic != MAGIC {
            return Err(Error::Magic(magic));
        }
        if bytes[2] != VERSION {
            return Err(Error::Version(bytes[2]));
        }
        let kind = match bytes[3] {
            1 => Kind::Request,
            2 => Kind::Response,
            3 => Kind::Error,
            4 => Kind::Hello,
            other => return Err(Error::Kind(other)),
        };
        let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        if u16_at(6) != 0 || u32_at(12) != 0 {
            return Err(Error::Reserved);
        }
        let body_len = u32_at(8);
        let mut payload = [0u8; 8];
        payload.copy_from_slice(&bytes[16..24]);
        let payload_len = u64::from_le_bytes(payload);
        Header::new(kind, u16_at(4), body_len as usize, payload_len).map_err(|e| match e {
            Error::BodyTooLarge { .. } => Error::BodyTooLarge {
                got: body_len as u64,
                max: BODY_BYTES_MAX,
            },
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip() {
        let header = Header::new(Kind::Request, 7, 100, 64 << 20).unwrap();
        assert_eq!(Header::decode(&header.encode()).unwrap(), header);
    }

    #[test]
    fn each_check_rejects() {
        let good = Header::new(Kind::Response, 1, 10, 0).unwrap().encode();
        let mut bad = good;
        bad[0] = b'X';
        assert!(matches!(Header::decode(&bad), Err(Error::Magic(_))));
        let mut bad = good;
        bad[2] = 9;
        assert_eq!(Header::decode(&bad), Err(Error::Version(9)));
        let mut bad = good;
        bad[3] = 0;
        assert_eq!(Header::decode(&bad), Err(Error::Kind(0)));
        let mut bad = good;
        bad[6] = 1;
        assert_eq!(Header::decode(&bad), Err(Error::Reserved));
        let mut bad = good;
        bad[8..12].copy_from_slice(&(BODY_BYTES_MAX + 1).to_le_bytes());
        assert!(matches!(
            Header::decode(&bad),
            Err(Error::BodyTooLarge { .. })
        ));
        let mut bad = good;
        bad[16..24].copy_from_slice(&(PAYLOAD_BYTES_MAX + 1).to_le_bytes());
        assert!(matches!(
            Header::decode(&bad),
            Err(Error::PayloadTooLarge { .. })
        ));
        assert_eq!(Header::decode(&good[..5]), Err(Error::Truncated(5)));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(header) = Header::decode(&bytes) {
                prop_assert_eq!(&header.encode()[..], &bytes[..HEADER_BYTES]);
            }
        }
    }
}
