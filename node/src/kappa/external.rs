//! `rt.external`: one HTTP/1.1 POST to an admin-registered service, carrying the call's
//! idempotency key `(task, seq)` in an `Idempotency-Key` header (`<task>-<seq>`), the payload as
//! JSON. Plain `http://host:port/path` only; answers are bounded in size and time.

use std::time::Duration;

pub const RESPONSE_BYTES_MAX: usize = 1 << 20;
/// The whole exchange — resolve, connect, send, and receive the last byte — ends within this, so a
/// service that drips its answer cannot hold a worker past it.
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
    post_within(url, key, json, TIMEOUT)
}

/// [`post`] with the whole exchange bounded by `deadline`. The body is decoded as HTTP/1.1 says
/// (content-length, chunked, or until close) by ureq, and bounded by [`RESPONSE_BYTES_MAX`].
pub fn post_within(url: &str, key: &str, json: &str, deadline: Duration) -> Result<String, Error> {
    parse_url(url)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(deadline))
        .http_status_as_error(false)
        // A redirect would re-send the call elsewhere; a proxy from the environment would send it
        // somewhere the admin did not register.
        .max_redirects(0)
        .proxy(None)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("idempotency-key", key)
        .content_type("application/json")
        .send(json)
        .map_err(|e| Error::Unknown(e.to_string()))?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(RESPONSE_BYTES_MAX as u64)
        .read_to_string()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => {
                Error::Answer(format!("longer than {RESPONSE_BYTES_MAX} bytes"))
            }
            ureq::Error::Timeout(_) | ureq::Error::Io(_) => Error::Unknown(e.to_string()),
            other => Error::Answer(other.to_string()),
        })?;
    if !(200..300).contains(&status) {
        return Err(Error::Status {
            status,
            body: body.chars().take(200).collect(),
        });
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// A one-connection HTTP service on 127.0.22.x that answers with `answer`, written by `write`.
    fn service(ip: &str, write: impl FnOnce(&mut std::net::TcpStream) + Send + 'static) -> String {
        let listener = TcpListener::bind(format!("{ip}:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            write(&mut stream);
            // Closing with unread request bytes makes the kernel reset the connection, which can
            // reach the client before the answer does: drain what the client sent first.
            let _ = stream.shutdown(std::net::Shutdown::Write);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            while matches!(stream.read(&mut request), Ok(n) if n > 0) {}
        });
        format!("http://{addr}/call")
    }

    /// Before the fix the body came back raw: `5\r\nhello\r\n…`.
    #[test]
    fn chunked_answers_are_decoded() {
        let url = service("127.0.22.2", |s| {
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
            );
        });
        assert_eq!(post(&url, "1-0", "{}").unwrap(), "hello world");
    }

    /// Before the fix only each read had a timeout: a byte every half second held the worker for
    /// the whole 100-byte answer (50 s) and then succeeded.
    #[test]
    fn a_slow_drip_service_is_cut_off_at_the_deadline() {
        let url = service("127.0.22.3", |s| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n");
            for _ in 0..100 {
                if s.write_all(b"x").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        });
        let answer = post_within(&url, "1-0", "{}", Duration::from_secs(2));
        assert!(matches!(answer, Err(Error::Unknown(_))), "{answer:?}");
    }

    #[test]
    fn error_statuses_and_oversized_answers_are_errors() {
        let url = service("127.0.22.4", |s| {
            let _ = s.write_all(b"HTTP/1.1 503 Busy\r\ncontent-length: 4\r\n\r\nbusy");
        });
        let answer = post(&url, "1-0", "{}");
        assert!(
            matches!(&answer, Err(Error::Status { status: 503, body }) if body == "busy"),
            "{answer:?}"
        );
        let url = service("127.0.22.5", |s| {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n",
                RESPONSE_BYTES_MAX + 1
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&vec![b'y'; RESPONSE_BYTES_MAX + 1]);
        });
        let answer = post(&url, "1-0", "{}");
        assert!(matches!(answer, Err(Error::Answer(_))), "{answer:?}");
    }

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
