//! A connection whose writes may stall only so long: the HTTP server's bound on a client that
//! never reads its answers (a read stall is bounded by hyper's head timeout and the body's).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// Wraps a stream: a write or flush that has made no progress for `limit` fails with
/// `TimedOut`, which ends the connection. Any progress restarts the clock.
pub struct WriteStall<S> {
    inner: S,
    limit: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<S> WriteStall<S> {
    pub fn new(inner: S, limit: Duration) -> WriteStall<S> {
        WriteStall {
            inner,
            limit,
            stalled: None,
        }
    }

    /// What the inner write answered, with the clock applied: progress stops it; `Pending`
    /// starts it if it is not running, and fails once it has run out (the clock's own wake-up
    /// polls the write again).
    fn watch<T>(
        &mut self,
        cx: &mut Context<'_>,
        inner: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if inner.is_ready() {
            self.stalled = None;
            return inner;
        }
        let limit = self.limit;
        let clock = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match clock.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.stalled = None;
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("the client took no bytes of the answer for {limit:?}"),
                )))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteStall<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteStall<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let inner = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch(cx, inner)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let inner = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch(cx, inner)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let inner = Pin::new(&mut self.inner).poll_flush(cx);
        self.watch(cx, inner)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let inner = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.watch(cx, inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_write_nobody_reads_fails_after_the_limit_and_reading_keeps_it_alive() {
        let (near, mut far) = tokio::io::duplex(1024);
        let mut stream = WriteStall::new(near, Duration::from_millis(200));
        let chunk = vec![7u8; 4096];
        // The far end reads for a while: writes progress past the limit's worth of time.
        let reader = tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            let mut total = 0usize;
            let until = tokio::time::Instant::now() + Duration::from_millis(500);
            while tokio::time::Instant::now() < until {
                total += far.read(&mut buf).await.unwrap();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (far, total)
        });
        let started = tokio::time::Instant::now();
        let mut sent = 0usize;
        let error = loop {
            match stream.write(&chunk).await {
                Ok(n) => sent += n,
                Err(e) => break e,
            }
        };
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        // Writes went on while the far end read (about 0.5 s), and failed only once it stopped.
        assert!(
            started.elapsed() >= Duration::from_millis(600),
            "{:?}",
            started.elapsed()
        );
        let (_far, read) = reader.await.unwrap();
        assert!(read > 1024 && sent >= read, "read {read}, sent {sent}");
    }
}
