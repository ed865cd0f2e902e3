//! Join tokens: `slj1-<CA fingerprint>-<token id>-<secret>` (hex). The fingerprint lets a joining
//! node check it reached the right cluster before sending anything; the secret proves it may join.
//! The book keeps only a hash of each secret, with an expiry and a revoked flag.

use std::collections::HashMap;
use std::fmt;

use sha2::{Digest, Sha256};

use crate::pki::Fingerprint;

const PREFIX: &str = "slj1";
/// The most live tokens one book holds.
pub const TOKENS_MAX: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(
        "not a join token: expected `slj1-<fingerprint>-<id>-<secret>`; copy the whole token `slnode start` printed"
    )]
    Malformed,
    #[error("unknown join token; create one with `slnode token create`")]
    Unknown,
    #[error("wrong join token secret")]
    WrongSecret,
    #[error("join token expired {0} s ago; create a new one with `slnode token create`")]
    Expired(u64),
    #[error("join token was revoked")]
    Revoked,
    #[error("the token book is full ({TOKENS_MAX} tokens); revoke unused ones")]
    Full,
    #[error("no randomness available: {0}")]
    Random(String),
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TokenId(pub [u8; 8]);

#[derive(Clone, PartialEq, Eq)]
pub struct JoinToken {
    pub fingerprint: Fingerprint,
    pub id: TokenId,
    pub secret: [u8; 32],
}

impl fmt::Display for JoinToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}-{}-{}-{}",
            self.fingerprint,
            hex_encode(&self.id.0),
            hex_encode(&self.secret)
        )
    }
}

impl fmt::Debug for JoinToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret never reaches a log.
        write!(
            f,
            "JoinToken({PREFIX}-{}-{}-…)",
            self.fingerprint,
            hex_encode(&self.id.0)
        )
    }
}

impl std::str::FromStr for JoinToken {
    type Err = Error;
    fn from_str(text: &str) -> Result<JoinToken, Error> {
        let mut parts = text.trim().split('-');
        let (Some(PREFIX), Some(fp), Some(id), Some(secret), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(Error::Malformed);
        };
        Ok(JoinToken {
            fingerprint: Fingerprint::parse_hex(fp).ok_or(Error::Malformed)?,
            id: TokenId(
                hex_decode(id)
                    .and_then(|b| b.try_into().ok())
                    .ok_or(Error::Malformed)?,
            ),
            secret: hex_decode(secret)
                .and_then(|b| b.try_into().ok())
                .ok_or(Error::Malformed)?,
        })
    }
}

struct Record {
    secret_hash: [u8; 32],
    expires_at_unix: Option<u64>,
    revoked: bool,
}

/// Issued tokens. Time comes in as an argument (seconds since the Unix epoch).
#[derive(Default)]
pub struct TokenBook {
    records: HashMap<TokenId, Record>,
}

impl TokenBook {
    pub fn new() -> TokenBook {
        TokenBook::default()
    }

    /// Issues a token for the CA `fingerprint`, valid for `ttl_secs` from `now_unix` (or forever).
    pub fn issue(
        &mut self,
        fingerprint: Fingerprint,
        ttl_secs: Option<u64>,
        now_unix: u64,
    ) -> Result<JoinToken, Error> {
        if self.records.len() >= TOKENS_MAX {
            return Err(Error::Full);
        }
        let mut id = [0u8; 8];
        let mut secret = [0u8; 32];
        getrandom::fill(&mut id)
            .and_then(|_| getrandom::fill(&mut secret))
            .map_err(|e| Error::Random(e.to_string()))?;
        let token = JoinToken {
            fingerprint,
            id: TokenId(id),
            secret,
        };
        self.records.insert(
            token.id,
            Record {
                secret_hash: Sha256::digest(secret).into(),
                expires_at_unix: ttl_secs.map(|t| now_unix.saturating_add(t)),
                revoked: false,
            },
        );
        Ok(token)
    }

    /// Records a token issued earlier (read back from a node's data dir after a restart).
    pub fn restore(
        &mut self,
        token: &JoinToken,
        expires_at_unix: Option<u64>,
    ) -> Result<(), Error> {
        if self.records.len() >= TOKENS_MAX && !self.records.contains_key(&token.id) {
            return Err(Error::Full);
        }
        self.records.insert(
            token.id,
            Record {
                secret_hash: Sha256::digest(token.secret).into(),
                expires_at_unix,
                revoked: false,
            },
        );
        Ok(())
    }

    pub fn revoke(&mut self, id: TokenId) -> Result<(), Error> {
        self.records
            .get_mut(&id)
            .map(|r| r.revoked = true)
            .ok_or(Error::Unknown)
    }

    /// Checks a presented id and secret at time `now_unix`.
    pub fn check(&self, id: TokenId, secret: &[u8], now_unix: u64) -> Result<(), Error> {
        let record = self.records.get(&id).ok_or(Error::Unknown)?;
        let presented: [u8; 32] = Sha256::digest(secret).into();
        // Constant-time comparison: the time taken must not reveal how much of the secret matched.
        let difference = presented
            .iter()
            .zip(record.secret_hash)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if difference != 0 {
            return Err(Error::WrongSecret);
        }
        if record.revoked {
            return Err(Error::Revoked);
        }
        match record.expires_at_unix {
            Some(expiry) if now_unix >= expiry => Err(Error::Expired(now_unix - expiry)),
            _ => Ok(()),
        }
    }
}

pub fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_expire_and_revoke() {
        let mut book = TokenBook::new();
        let fp = Fingerprint([7; 32]);
        let token = book.issue(fp, Some(60), 1000).unwrap();
        let parsed: JoinToken = token.to_string().parse().unwrap();
        assert!(parsed == token);
        assert!(
            !format!("{token:?}").contains(&hex_encode(&token.secret)),
            "Debug must hide the secret"
        );
        assert_eq!(book.check(token.id, &token.secret, 1059), Ok(()));
        assert_eq!(
            book.check(token.id, &token.secret, 1070),
            Err(Error::Expired(10))
        );
        assert_eq!(
            book.check(token.id, &[0; 32], 1000),
            Err(Error::WrongSecret)
        );
        assert_eq!(
            book.check(TokenId([1; 8]), &token.secret, 1000),
            Err(Error::Unknown)
        );
        book.revoke(token.id).unwrap();
        assert_eq!(
            book.check(token.id, &token.secret, 1000),
            Err(Error::Revoked)
        );
        for bad in [
            "",
            "slj1",
            "slj1-zz-00-00",
            "slj2-00-00-00",
            &token.to_string()[..40],
        ] {
            assert_eq!(bad.parse::<JoinToken>(), Err(Error::Malformed), "{bad:?}");
        }
    }
}
