//! What several of the CLI's integration tests share: how a failed command is shown, and a tiny
//! HTTP service standing in for an external one (`rt.external` calls it). Each test binary uses
//! part of it.
#![allow(dead_code)]

pub mod cluster;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Output;

/// A command's exit status and both streams, for assertion messages.
pub fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// One request as the stand-in service saw it.
pub struct Request {
    pub path: String,
    /// The `idempotency-key` header (empty when absent).
    pub key: String,
    pub body: Vec<u8>,
}

/// Serves HTTP on 127.0.0.1 from a thread for the rest of the test: each request is handed to
/// `answer`, whose JSON text is the reply. Returns the port.
pub fn json_service(answer: impl Fn(Request) -> String + Send + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Ok(read_half) = stream.try_clone() else {
                continue;
            };
            // A connection closed before its headers ended (its client was killed mid-request)
            // carried no call: nothing to count or answer.
            let Some(request) = read_request(&mut BufReader::new(read_half)) else {
                continue;
            };
            let reply = answer(request);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    port
}

fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let (mut path, mut key, mut length) = (String::new(), String::new(), 0usize);
    let mut first = true;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        let line = line.trim_end();
        if first {
            path = line.split(' ').nth(1).unwrap_or("").to_owned();
            first = false;
        }
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("idempotency-key:") {
            key = v.trim().to_owned();
        }
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request { path, key, body })
}
