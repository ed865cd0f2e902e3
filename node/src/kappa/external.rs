//! `rt.external`: one HTTP/1.1 POST to an admin-registered service, carrying the call's
//! idempotency key `(task, seq)` in an `Idempotency-Key` header (`<task>-<seq>`), the payload as
//! JSON. Plain `http://host:port/path` only; answers are bounded in size and time.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

pub const RESPONSE_BYTES_MAX: usize = 1 << 20;
pub const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("service URL {0}: only http://host:port/path is supported")]
    Url(String),
    /// The request may or may not have reached the service.
    #[error("the service did not answer: {0}")]
    Unknown(String),
    #[error("the service answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the service's answer is not valid: {0}")]
    Answer(String),
}

/// `(host:port, path)` of an `http://` URL.
pub fn parse_url(url: &str) -> Result<(String, String), Error> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| Error::Url(url.to_owned()))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() || authority.contains(['@', ' ']) || path.contains([' ', '\r', '\n']) {
        return Err(Error::Url(url.to_owned()));
    }
    let authority = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    Ok((authority, path.to_owned()))
}

/// POSTs `json` to `url` with the idempotency key; the answer's body when the status is 2xx.
pub fn post(url: &str, key: &str, json: &str) -> Result<String, Error> {
    let (authority, path) = parse_url(url)?;
    let addr = authority
        .to_socket_addrs()
        .map_err(|e| Error::Url(format!("{url}: {e}")))?
        .next()
        .ok_or_else(|| Error::Url(url.to_owned()))?;
    let unknown = |e: std::io::Error| Error::Unknown(e.to_string());
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(unknown)?;
    stream.set_read_timeout(Some(TIMEOUT)).map_err(unknown)?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(unknown)?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nhost: {authority}\r\nidempotency-key: {key}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{json}",
        json.len()
    );
    stream.write_all(request.as_bytes()).map_err(unknown)?;
    let mut response = Vec::new();
    stream
        .take(RESPONSE_BYTES_MAX as u64 + 1)
        .read_to_end(&mut response)
        .map_err(unknown)?;
    if response.len() > RESPONSE_BYTES_MAX {
        return Err(Error::Answer(format!(
            "longer than {RESPONSE_BYTES_MAX} bytes"
        )));
    }
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| Error::Unknown("the answer ended before its body".into()))?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::Answer("no status line".into()))?;
    if !(200..300).contains(&status) {
        return Err(Error::Status {
            status,
            body: body.chars().take(200).collect(),
        });
    }
    Ok(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        assert_eq!(
            parse_url("http://127.0.0.1:9000/count").unwrap(),
            ("127.0.0.1:9000".into(), "/count".into())
        );
        assert_eq!(
            parse_url("http://example").unwrap(),
            ("example:80".into(), "/".into())
        );
        for bad in [
            "https://x/",
            "ftp://x",
            "http://",
            "http://a b/",
            "http://u@h/",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }
}
