//! The byte-crunching behind `hashlib` and `base64` (`_sl.hash_digest`, `_sl.b64encode`,
//! `_sl.b64decode`): what the VM would do a thousand times slower byte by byte in Python.
//!
//! SHA-2 comes from the `sha2` crate; MD5 (RFC 1321) and SHA-1 (FIPS 180-4) are written here
//! from their specifications (no maintained crate was at hand offline; both are short, and the
//! differential corpus checks them against CPython on inputs of every length around the block
//! boundaries). Neither is for security: `hashlib` offers them because programs use them for
//! checksums and cache keys, as CPython does.

use sha2::Digest;

/// Digest of `data` under hashlib's algorithm `name`, or `None` for a name not offered.
pub fn digest(name: &str, data: &[u8]) -> Option<Vec<u8>> {
    Some(match name {
        "md5" => md5(data).to_vec(),
        "sha1" => sha1(data).to_vec(),
        "sha224" => sha2::Sha224::digest(data).to_vec(),
        "sha256" => sha2::Sha256::digest(data).to_vec(),
        "sha384" => sha2::Sha384::digest(data).to_vec(),
        "sha512" => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    })
}

/// The message padded to whole 64-byte blocks: a 1 bit, zeros, the bit length in 8 bytes
/// (little-endian for MD5, big-endian for SHA-1).
fn padded(data: &[u8], little_endian: bool) -> Vec<u8> {
    let bits = (data.len() as u64).wrapping_mul(8);
    let mut m = Vec::with_capacity(data.len() + 72);
    m.extend_from_slice(data);
    m.push(0x80);
    while m.len() % 64 != 56 {
        m.push(0);
    }
    m.extend_from_slice(&if little_endian {
        bits.to_le_bytes()
    } else {
        bits.to_be_bytes()
    });
    m
}

fn md5(data: &[u8]) -> [u8; 16] {
    const SHIFTS: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    // K[i] = floor(|sin(i + 1)| · 2^32), RFC 1321's table.
    let k: [u32; 64] =
        std::array::from_fn(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32);
    let mut h: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    for block in padded(data, true).chunks_exact(64) {
        let w: [u32; 16] = std::array::from_fn(|j| {
            u32::from_le_bytes([
                block[4 * j],
                block[4 * j + 1],
                block[4 * j + 2],
                block[4 * j + 3],
            ])
        });
        let [mut a, mut b, mut c, mut d] = h;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(w[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(SHIFTS[(i / 16) * 4 + i % 4]));
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 16];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_le_bytes());
    }
    out
}

fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xefcd_ab89,
        0x98ba_dcfe,
        0x1032_5476,
        0xc3d2_e1f0,
    ];
    for block in padded(data, false).chunks_exact(64) {
        let mut w = [0u32; 80];
        for j in 0..16 {
            w[j] = u32::from_be_bytes([
                block[4 * j],
                block[4 * j + 1],
                block[4 * j + 2],
                block[4 * j + 3],
            ]);
        }
        for j in 16..80 {
            w[j] = (w[j - 3] ^ w[j - 8] ^ w[j - 14] ^ w[j - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i / 20 {
                0 => ((b & c) | (!b & d), 0x5a82_7999),
                1 => (b ^ c ^ d, 0x6ed9_eba1),
                2 => ((b & c) | (b & d) | (c & d), 0x8f1b_bcdc),
                _ => (b ^ c ^ d, 0xca62_c1d6u32),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with `=` padding; `alt` replaces `+` and `/`.
pub fn b64encode(data: &[u8], alt: [u8; 2]) -> Vec<u8> {
    let digit = |v: u32| -> u8 {
        match B64[(v & 63) as usize] {
            b'+' => alt[0],
            b'/' => alt[1],
            c => c,
        }
    };
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        out.push(digit(n >> 18));
        out.push(digit(n >> 12));
        out.push(if chunk.len() > 1 { digit(n >> 6) } else { b'=' });
        out.push(if chunk.len() > 2 { digit(n) } else { b'=' });
    }
    out
}

/// CPython's `binascii.a2b_base64`: characters outside the alphabet are skipped, a complete
/// pad sequence ends the data (`strict`: each of those is an error instead, as is padding
/// where it cannot be); the error is binascii's message. `alt` characters count as `+`, `/`.
pub fn b64decode(data: &[u8], alt: [u8; 2], strict: bool) -> Result<Vec<u8>, String> {
    if strict && data.first() == Some(&b'=') {
        return Err("Leading padding not allowed".to_owned());
    }
    let value = |c: u8| -> Option<u32> {
        let c = if c == alt[0] {
            b'+'
        } else if c == alt[1] {
            b'/'
        } else {
            c
        };
        match c {
            b'A'..=b'Z' => Some((c - b'A') as u32),
            b'a'..=b'z' => Some((c - b'a') as u32 + 26),
            b'0'..=b'9' => Some((c - b'0') as u32 + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let (mut quad, mut left, mut pads) = (0u32, 0u32, 0u32);
    let mut padding_started = false;
    for (i, &c) in data.iter().enumerate() {
        if c == b'=' {
            padding_started = true;
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    if strict && i + 1 < data.len() {
                        return Err("Excess data after padding".to_owned());
                    }
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = value(c) else {
            if strict {
                return Err("Only base64 data is allowed".to_owned());
            }
            continue;
        };
        if strict && padding_started {
            return Err("Discontinuous padding not allowed".to_owned());
        }
        pads = 0;
        match quad {
            0 => {
                quad = 1;
                left = v;
            }
            1 => {
                quad = 2;
                out.push(((left << 2) | (v >> 4)) as u8);
                left = v & 0x0f;
            }
            2 => {
                quad = 3;
                out.push(((left << 4) | (v >> 2)) as u8);
                left = v & 0x03;
            }
            _ => {
                quad = 0;
                out.push(((left << 6) | v) as u8);
                left = 0;
            }
        }
    }
    match quad {
        0 => Ok(out),
        1 => Err(format!(
            "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more \
             than a multiple of 4",
            out.len() / 3 * 4 + 1
        )),
        _ => Err("Incorrect padding".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn digests_match_the_published_vectors() {
        assert_eq!(hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex(&md5(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            )),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
        assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(&sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(&sha1(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        assert!(digest("sha3_256", b"").is_none());
    }

    #[test]
    fn base64_round_trips_and_reports_binascii_errors() {
        for n in 0..20u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            let text = b64encode(&data, *b"+/");
            assert_eq!(b64decode(&text, *b"+/", false).unwrap(), data);
        }
        assert_eq!(b64encode(b"\xfb\xff", *b"-_"), b"-_8=");
        assert_eq!(b64decode(b"Y W\nJj", *b"+/", false).unwrap(), b"abc");
        assert_eq!(b64decode(b"YWI=trailing", *b"+/", false).unwrap(), b"ab");
        assert_eq!(
            b64decode(b"YWJ", *b"+/", false).unwrap_err(),
            "Incorrect padding"
        );
        // Padding after a whole quad is ignored in 3.11, strict or not (3.13 refuses it).
        assert_eq!(b64decode(b"YWJj=", *b"+/", true).unwrap(), b"abc");
        assert!(
            b64decode(b"YWJjZ", *b"+/", false)
                .unwrap_err()
                .contains("(5) cannot be 1 more")
        );
        for (text, error) in [
            (&b"=YWJj"[..], "Leading padding not allowed"),
            (b"YW Jj", "Only base64 data is allowed"),
            (b"YWI=YQ==", "Excess data after padding"),
            (b"YQ=x", "Discontinuous padding not allowed"),
        ] {
            assert_eq!(b64decode(text, *b"+/", true).unwrap_err(), error);
        }
    }
}
