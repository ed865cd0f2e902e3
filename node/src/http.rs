//! `/metrics` (Prometheus text, rendered by the `metrics` exporter's recorder) and `/healthz`, over
//! a deliberately small HTTP/1.1 responder: two GET routes do not justify an HTTP framework's
//! build time. Requests are bounded (8 KiB head, 5 s to send it, 64 connections at once).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tracing::debug;

const HEAD_BYTES_MAX: usize = 8 << 10;
const CONNECTIONS_MAX: usize = 64;
/// After a failed `accept` (out of file descriptors, say) the loop waits, doubling from the least
/// to the most wait, instead of retrying at once and spinning a core while nothing can change.
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Calls `accept` forever, handing each success to `serve`; failures back off (see above).
async fn accept_forever<T, F, Fut>(mut accept: F, mut serve: impl FnMut(T))
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = std::io::Result<T>>,
{
    let mut backoff = ACCEPT_BACKOFF_MIN;
    loop {
        match accept().await {
            Ok(accepted) => {
                backoff = ACCEPT_BACKOFF_MIN;
                serve(accepted);
            }
            Err(e) => {
                tracing::warn!("http accept failed, retrying in {backoff:?}: {e}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
            }
        }
    }
}

/// What `/healthz` reports: healthy when the closure says so (the node has a leader).
pub type Health = Arc<dyn Fn() -> (bool, String) + Send + Sync>;

/// Binds `addr` and serves until the task is aborted.
pub async fn serve(
    addr: SocketAddr,
    metrics: metrics_exporter_prometheus::PrometheusHandle,
    health: Health,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let listener = TcpListener::bind(addr).await?;
    let slots = Arc::new(tokio::sync::Semaphore::new(CONNECTIONS_MAX));
    let serve_one = move |(mut stream, _): (tokio::net::TcpStream, SocketAddr)| {
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            // Over the bound: close at once rather than queue.
            return;
        };
        let (metrics, health) = (metrics.clone(), health.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let mut head = Vec::with_capacity(512);
            let read = tokio::time::timeout(Duration::from_secs(5), async {
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = stream.read(&mut buf).await?;
                    if n == 0 || head.len() + n > HEAD_BYTES_MAX {
                        return Err(std::io::Error::other("bad request head"));
                    }
                    head.extend_from_slice(&buf[..n]);
                }
                Ok(())
            })
            .await;
            if !matches!(read, Ok(Ok(()))) {
                return;
            }
            let line = head.split(|b| *b == b'\r').next().unwrap_or_default();
            let line = String::from_utf8_lossy(line);
            let (status, kind, body) = match line.split_whitespace().nth(1) {
                Some("/metrics") => ("200 OK", "text/plain; version=0.0.4", metrics.render()),
                Some("/healthz") => {
                    let (ok, detail) = health();
                    let status = if ok {
                        "200 OK"
                    } else {
                        "503 Service Unavailable"
                    };
                    (status, "text/plain", format!("{detail}\n"))
                }
                _ => (
                    "404 Not Found",
                    "text/plain",
                    "try /metrics or /healthz\n".into(),
                ),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            if let Err(e) = stream.write_all(response.as_bytes()).await {
                debug!("http response not sent: {e}");
            }
        });
    };
    Ok(tokio::spawn(async move {
        accept_forever(|| listener.accept(), serve_one).await
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Before the fix a failing accept was retried at once, forever: millions of calls a second
    /// on one core.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn failing_accepts_back_off() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let task = tokio::spawn(accept_forever(
            move || {
                counted.fetch_add(1, Ordering::Relaxed);
                std::future::ready(Err::<(), _>(std::io::Error::other("too many open files")))
            },
            |_| {},
        ));
        std::thread::sleep(Duration::from_millis(500));
        let seen = calls.load(Ordering::Relaxed);
        task.abort();
        // 10 + 20 + 40 + 80 + 160 ms of waits fit in 500 ms: about six attempts.
        assert!((2..=10).contains(&seen), "{seen} accepts in 500 ms");
    }
}
