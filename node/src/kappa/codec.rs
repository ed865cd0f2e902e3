//! Values crossing between tasks — arguments, results, queue items, stored objects — as bytes:
//! a tag byte per value, little-endian fixed-width numbers, u32 lengths. Decoding never trusts a
//! length beyond the bytes that are there, and nesting is bounded, so hostile bytes give an
//! error, never a panic or a large allocation.
//!
//! A value too large to travel inside a coordinator call is written to the object store and
//! travels as a *reference* ([`reference`]): a tag of its own, the object's key and the value's
//! size. References are only ever a whole value; [`decode`] refuses one (the holder fetches the
//! object first, [`referenced`]).

use sl_lang::Data;

/// Deepest nesting either direction accepts (the VM's own conversion stops earlier).
pub const DEPTH_MAX: usize = 200;

/// Largest encoded value (an object's limit in the store): beyond it a value cannot cross.
pub const VALUE_BYTES_MAX: usize = sl_objstore::engine::OBJECT_BYTES_MAX;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    #[error("a reference to a stored value where the value was expected")]
    Reference,
    #[error(
        "the value takes {0} bytes encoded; values crossing tasks are at most {VALUE_BYTES_MAX}"
    )]
    TooLarge(usize),
    #[error("value bytes end early")]
    Truncated,
    #[error("unknown value tag {0}")]
    Tag(u8),
    #[error("value nested deeper than {DEPTH_MAX}")]
    Depth,
    #[error("value text is not UTF-8")]
    Utf8,
    #[error("{0} bytes left after the value")]
    Trailing(usize),
}

const NONE: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const BIG: u8 = 4;
const FLOAT: u8 = 5;
const STR: u8 = 6;
const BYTES: u8 = 7;
const LIST: u8 = 8;
const TUPLE: u8 = 9;
const DICT: u8 = 10;
const SET: u8 = 11;
const HOST: u8 = 12;
const FUNCTION: u8 = 13;
const REFERENCE: u8 = 14;
const BYTEARRAY: u8 = 15;
const COMPLEX: u8 = 16;

pub fn encode(d: &Data) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    put(d, &mut out, 0)?;
    if out.len() > VALUE_BYTES_MAX {
        return Err(Error::TooLarge(out.len()));
    }
    Ok(out)
}

/// A reference to an encoded value of `size` bytes stored under `key`.
pub fn reference(key: &str, size: usize) -> Vec<u8> {
    let mut out = vec![REFERENCE];
    put_text(key.as_bytes(), &mut out);
    out.extend_from_slice(&(size as u64).to_le_bytes());
    out
}

/// The key and size a reference names; `None` for the bytes of a value (or garbage, which
/// [`decode`] then refuses).
pub fn referenced(bytes: &[u8]) -> Option<(String, u64)> {
    if bytes.first() != Some(&REFERENCE) {
        return None;
    }
    let mut reader = Reader { bytes, at: 1 };
    let key = reader.text().ok()?;
    let size = u64::from_le_bytes(reader.eight().ok()?);
    (reader.at == bytes.len()).then_some((key, size))
}

fn put_len(n: usize, out: &mut Vec<u8>) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn put_text(s: &[u8], out: &mut Vec<u8>) {
    put_len(s.len(), out);
    out.extend_from_slice(s);
}

fn put(d: &Data, out: &mut Vec<u8>, depth: usize) -> Result<(), Error> {
    if depth > DEPTH_MAX {
        return Err(Error::Depth);
    }
    match d {
        Data::None => out.push(NONE),
        Data::Bool(false) => out.push(FALSE),
        Data::Bool(true) => out.push(TRUE),
        Data::Int(n) => {
            out.push(INT);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Data::BigInt(text) => {
            out.push(BIG);
            put_text(text.as_bytes(), out);
        }
        Data::Float(f) => {
            out.push(FLOAT);
            out.extend_from_slice(&f.to_le_bytes());
        }
        Data::Str(s) => {
            out.push(STR);
            put_text(s.as_bytes(), out);
        }
        Data::Bytes(b) => {
            out.push(BYTES);
            put_text(b, out);
        }
        Data::ByteArray(b) => {
            out.push(BYTEARRAY);
            put_text(b, out);
        }
        Data::Complex(re, im) => {
            out.push(COMPLEX);
            out.extend_from_slice(&re.to_le_bytes());
            out.extend_from_slice(&im.to_le_bytes());
        }
        Data::List(items) | Data::Tuple(items) | Data::Set(items) => {
            out.push(match d {
                Data::List(_) => LIST,
                Data::Tuple(_) => TUPLE,
                _ => SET,
            });
            put_len(items.len(), out);
            for item in items {
                put(item, out, depth + 1)?;
            }
        }
        Data::Dict(pairs) => {
            out.push(DICT);
            put_len(pairs.len(), out);
            for (k, v) in pairs {
                put(k, out, depth + 1)?;
                put(v, out, depth + 1)?;
            }
        }
        Data::Host { kind, id } => {
            out.push(HOST);
            put_text(kind.as_bytes(), out);
            out.extend_from_slice(&id.to_le_bytes());
        }
        Data::Function(name) => {
            out.push(FUNCTION);
            put_text(name.as_bytes(), out);
        }
    }
    Ok(())
}

pub fn decode(bytes: &[u8]) -> Result<Data, Error> {
    let mut reader = Reader { bytes, at: 0 };
    let value = reader.value(0)?;
    match bytes.len() - reader.at {
        0 => Ok(value),
        left => Err(Error::Trailing(left)),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Error> {
        let end = self.at.checked_add(n).ok_or(Error::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(Error::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    fn eight(&mut self) -> Result<[u8; 8], Error> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(b)
    }

    fn len(&mut self) -> Result<usize, Error> {
        let mut b = [0u8; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b) as usize)
    }

    /// A count of items, each at least one byte: never more than the bytes left.
    fn count(&mut self) -> Result<usize, Error> {
        let n = self.len()?;
        if n > self.bytes.len() - self.at {
            return Err(Error::Truncated);
        }
        Ok(n)
    }

    fn text(&mut self) -> Result<String, Error> {
        let n = self.len()?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| Error::Utf8)
    }

    fn value(&mut self, depth: usize) -> Result<Data, Error> {
        if depth > DEPTH_MAX {
            return Err(Error::Depth);
        }
        Ok(match self.u8()? {
            NONE => Data::None,
            FALSE => Data::Bool(false),
            TRUE => Data::Bool(true),
            INT => Data::Int(i64::from_le_bytes(self.eight()?)),
            BIG => Data::BigInt(self.text()?),
            FLOAT => Data::Float(f64::from_le_bytes(self.eight()?)),
            STR => Data::Str(self.text()?),
            BYTES => {
                let n = self.len()?;
                Data::Bytes(self.take(n)?.to_vec())
            }
            BYTEARRAY => {
                let n = self.len()?;
                Data::ByteArray(self.take(n)?.to_vec())
            }
            COMPLEX => {
                let re = f64::from_le_bytes(self.eight()?);
                Data::Complex(re, f64::from_le_bytes(self.eight()?))
            }
            tag @ (LIST | TUPLE | SET) => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                match tag {
                    LIST => Data::List(items),
                    TUPLE => Data::Tuple(items),
                    _ => Data::Set(items),
                }
            }
            DICT => {
                let n = self.count()?;
                let mut pairs = Vec::with_capacity(n / 2);
                for _ in 0..n {
                    let k = self.value(depth + 1)?;
                    let v = self.value(depth + 1)?;
                    pairs.push((k, v));
                }
                Data::Dict(pairs)
            }
            HOST => {
                let kind = self.text()?;
                Data::Host {
                    kind,
                    id: u64::from_le_bytes(self.eight()?),
                }
            }
            FUNCTION => Data::Function(self.text()?),
            REFERENCE => return Err(Error::Reference),
            other => return Err(Error::Tag(other)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Data {
        Data::Dict(vec![
            (
                Data::Str("a".into()),
                Data::List(vec![Data::Int(-3), Data::None]),
            ),
            (
                Data::Tuple(vec![Data::Bool(true), Data::Float(1.5)]),
                Data::Set(vec![Data::BigInt("123456789012345678901234567890".into())]),
            ),
            (
                Data::Bytes(vec![0, 255]),
                Data::Host {
                    kind: "Future".into(),
                    id: 7,
                },
            ),
            (Data::Int(1), Data::ByteArray(vec![1, 254])),
            (Data::Int(2), Data::Complex(1.5, -2.0)),
            (Data::Str("f".into()), Data::Function("work".into())),
        ])
    }

    #[test]
    fn references_name_a_key_and_are_never_taken_for_values() {
        let r = reference("kappa/value/1/2/3/4.1/", 70_000);
        assert_eq!(
            referenced(&r),
            Some(("kappa/value/1/2/3/4.1/".to_owned(), 70_000))
        );
        assert_eq!(decode(&r), Err(Error::Reference));
        assert_eq!(referenced(&encode(&sample()).unwrap()), None);
        assert_eq!(referenced(&r[..r.len() - 1]), None);
        let mut longer = r.clone();
        longer.push(0);
        assert_eq!(referenced(&longer), None);
    }

    #[test]
    fn values_round_trip() {
        let d = sample();
        assert_eq!(decode(&encode(&d).unwrap()).unwrap(), d);
    }

    #[test]
    fn every_truncation_and_flip_is_an_error_or_a_value_never_a_panic() {
        let bytes = encode(&sample()).unwrap();
        for cut in 0..bytes.len() {
            assert!(
                decode(&bytes[..cut]).is_err(),
                "a prefix of {cut} bytes decoded"
            );
        }
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                let _ = decode(&b);
            }
        }
        // A huge count with nothing behind it allocates nothing.
        assert_eq!(decode(&[LIST, 255, 255, 255, 255]), Err(Error::Truncated));
        assert_eq!(decode(&[99]), Err(Error::Tag(99)));
        assert_eq!(decode(&[NONE, NONE]), Err(Error::Trailing(1)));
        let deep: Vec<u8> = std::iter::repeat_n([LIST, 1, 0, 0, 0], DEPTH_MAX + 2)
            .flatten()
            .chain([NONE])
            .collect();
        assert_eq!(decode(&deep), Err(Error::Depth));
    }
}
