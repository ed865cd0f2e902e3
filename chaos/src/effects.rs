//! The HTTP service `rt.external` calls during a kappa workload. It records every call (its
//! `Idempotency-Key` and payload) into the history and answers like a well-behaved idempotent
//! service: the same key gets the same answer. The exactly-once checker then asks whether one
//! logical effect ever arrived under two keys.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::history::{EventType, Recorder, event};

/// Connections served at once; more are answered 503 (the caller retries with the same key).
pub const CONNECTIONS_MAX: usize = 64;
/// A request's headers and body at most.
pub const REQUEST_BYTES_MAX: usize = 64 << 10;
/// Process id the service's observations carry in the history.
pub const SERVICE_PROCESS: u64 = 0;

pub struct EffectService {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EffectService {
    pub fn start(recorder: Recorder) -> std::io::Result<EffectService> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let answers: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let open = Arc::new(AtomicUsize::new(0));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        if open.load(Ordering::Relaxed) >= CONNECTIONS_MAX {
                            let mut stream = stream;
                            let _ = stream.write_all(
                                b"HTTP/1.1 503 Busy\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                            );
                            continue;
                        }
                        open.fetch_add(1, Ordering::Relaxed);
                        let (recorder, answers, open) =
                            (recorder.clone(), answers.clone(), open.clone());
                        std::thread::spawn(move || {
                            let _ = serve(stream, &recorder, &answers);
                            open.fetch_sub(1, Ordering::Relaxed);
                        });
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        });
        Ok(EffectService {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/effect", self.addr)
    }
}

impl Drop for EffectService {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    recorder: &Recorder,
    answers: &Mutex<HashMap<String, String>>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(REQUEST_BYTES_MAX as u64));
    let mut line = String::new();
    let mut key = None;
    let mut length = 0usize;
    reader.read_line(&mut line)?;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "idempotency-key" => key = Some(value.trim().to_owned()),
                "content-length" => length = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length.min(REQUEST_BYTES_MAX)];
    reader.read_exact(&mut body)?;
    let mut stream = stream;
    let payload: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => {
            return stream
                .write_all(b"HTTP/1.1 400 Bad\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    };
    let key = key.unwrap_or_default();
    recorder.record(event(
        SERVICE_PROCESS,
        EventType::Ok,
        "kappa",
        "effect",
        Some(&key),
        payload.clone(),
    ));
    // The answer depends only on the payload, so a job's result is known in advance; the
    // same key always gets the answer it got first.
    let answer = answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_insert_with(|| {
            serde_json::json!({ "n": payload.get("i").cloned().unwrap_or_default() }).to_string()
        })
        .clone();
    stream.write_all(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
            answer.len()
        )
        .as_bytes(),
    )
}
