//! One connection's limits, kept by the server itself: a deadline for a request's head, for
//! its body and for an idle keep-alive connection, a cap on connections, and an `APIError`
//! body on the answers the HTTP layer writes on its own (a head it cannot parse). hyper
//! 0.14's header-read timer is armed but never polled (Debian's 0.14.19), so nothing here
//! relies on it: the task serving a connection watches its clock ([`serve`]).
//!
//! The deadlines follow nginx's: `client_header_timeout` (from a request's first byte to the
//! end of its head), `client_body_timeout` (here for the whole body; see `read_body`) and
//! `keepalive_timeout` (no request started since the last answer was written). Like nginx
//! under a full connection table, the server closes idle keep-alive connections when it has
//! no slot left for a new one.

use super::{api_error_bytes, handle, State};
use crate::rest::http_error;
use hyper::server::conn::Http;
use hyper::service::service_fn;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::sync::{watch, Notify};

/// The deadlines of a connection.
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    /// From a request's first byte to the end of its head.
    pub header: Duration,
    /// For a request's whole body.
    pub body: Duration,
    /// Between the last byte of an answer and the first of the next request.
    pub idle: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines { header: Duration::from_secs(10), body: Duration::from_secs(30), idle: Duration::from_secs(60) }
    }
}

/// Where a connection is in its request cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No request begun since the connection opened or the last answer (being) written.
    Idle,
    /// A request's head is arriving.
    Head,
    /// A request is being handled (its body has its own deadline).
    Busy,
}

/// A connection's phase and when it began (or, while an answer is written, its last progress).
pub struct Watch {
    state: Mutex<(Phase, Instant)>,
    changed: Notify,
}

impl Watch {
    fn new() -> Watch {
        Watch { state: Mutex::new((Phase::Idle, Instant::now())), changed: Notify::new() }
    }

    fn lock(&self) -> MutexGuard<'_, (Phase, Instant)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, phase: Phase) {
        *self.lock() = (phase, Instant::now());
        self.changed.notify_one();
    }

    fn phase(&self) -> Phase {
        self.lock().0
    }

    /// Bytes arrived: an idle connection has begun a request.
    fn read(&self, n: usize) {
        let mut s = self.lock();
        if n > 0 && s.0 == Phase::Idle {
            *s = (Phase::Head, Instant::now());
            drop(s);
            self.changed.notify_one();
        }
    }

    /// An answer made progress: the idle clock starts again.
    fn wrote(&self) {
        let mut s = self.lock();
        if s.0 == Phase::Idle {
            s.1 = Instant::now();
        }
    }

    fn deadline(&self, d: &Deadlines) -> Option<Instant> {
        let (phase, since) = *self.lock();
        match phase {
            Phase::Idle => Some(since + d.idle),
            Phase::Head => Some(since + d.header),
            Phase::Busy => None,
        }
    }
}

/// The connection's stream as hyper sees it: it reports reads and writes to the [`Watch`],
/// and gives hyper's own error answers an `APIError` body. The stream itself is shared with
/// [`serve`], which writes the 408 of a head that missed its deadline once hyper is gone.
struct Guarded<I> {
    io: Arc<Mutex<I>>,
    watch: Arc<Watch>,
    /// A replacement answer not yet written in full.
    pending: Vec<u8>,
}

impl<I> Guarded<I> {
    fn io(&self) -> MutexGuard<'_, I> {
        self.io.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// hyper's own answer to a request head it could not parse (`HTTP/1.1 400|414|431` with no
/// body, so no content type: every answer the server writes itself has a JSON body), as the
/// server's answer of that status with an `APIError` body. JSON bodies never hold a raw CR
/// LF, so the head of hyper's answer cannot be confused with a piece of a body.
fn replace_hyper_error(data: &[u8]) -> Option<Vec<u8>> {
    let head_end = data.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&data[..head_end]).ok()?;
    let status: u16 = head.strip_prefix("HTTP/1.1 4")?.get(..2).and_then(|s| s.parse().ok()).map(|n: u16| 400 + n)?;
    if head.to_ascii_lowercase().contains("content-type:") {
        return None;
    }
    let error = match status {
        414 => (http_error::URI_TOO_LONG, "The request target is too long."),
        431 => (http_error::HEADERS_TOO_LARGE, "The request head is too large or has too many header fields."),
        _ => (http_error::BAD_REQUEST, "The request head could not be parsed (method, target, version or a header field)."),
    };
    Some(raw_answer(error.0, error.1))
}

/// A whole answer with an `APIError` body, written by this module (not through hyper); it
/// closes the connection.
fn raw_answer((status, key): (u16, &str), message: &str) -> Vec<u8> {
    let body = api_error_bytes(key, message);
    let reason = hyper::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
    let mut out =
        format!("HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(&body);
    out
}

impl<I: AsyncWrite + Unpin> Guarded<I> {
    /// Writes what is pending of a replacement answer.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let n = {
                let mut io = self.io();
                match Pin::new(&mut *io).poll_write(cx, &self.pending) {
                    Poll::Ready(Ok(n)) => n,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            };
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pending.drain(..n);
            self.watch.wrote();
        }
        Poll::Ready(Ok(()))
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Guarded<I> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut *self.io()).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = r {
            self.watch.read(buf.filled().len() - before);
        }
        r
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Guarded<I> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        if let Poll::Pending = self.drain(cx)? {
            return Poll::Pending;
        }
        if let Some(answer) = replace_hyper_error(data) {
            self.pending = answer;
            let _ = self.drain(cx)?;
            return Poll::Ready(Ok(data.len()));
        }
        let r = Pin::new(&mut *self.io()).poll_write(cx, data);
        if let Poll::Ready(Ok(n)) = r {
            if n > 0 {
                self.watch.wrote();
            }
        }
        r
    }

    // Vectored, so that hyper writes a body from its own buffer rather than copying it into
    // one with the head (a page's answer would otherwise be held twice while it is written).
    fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        match bufs.iter().find(|b| !b.is_empty()) {
            Some(first) if self.pending.is_empty() && replace_hyper_error(first).is_none() => {
                let r = {
                    let mut io = self.io();
                    Pin::new(&mut *io).poll_write_vectored(cx, bufs)
                };
                if let Poll::Ready(Ok(n)) = r {
                    if n > 0 {
                        self.watch.wrote();
                    }
                }
                r
            }
            Some(first) => {
                let first: &[u8] = first;
                self.poll_write(cx, first)
            }
            None => Poll::Ready(Ok(0)),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io().is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Poll::Pending = self.drain(cx)? {
            return Poll::Pending;
        }
        Pin::new(&mut *self.io()).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Poll::Pending = self.drain(cx)? {
            return Poll::Pending;
        }
        Pin::new(&mut *self.io()).poll_shutdown(cx)
    }
}

/// Runs one connection until it ends, misses a deadline, is asked to free its slot while idle
/// (`pressure`), or the server stops (then it finishes the request it is on).
pub async fn serve<I>(io: I, state: Arc<State>, peer: SocketAddr, stop: &mut watch::Receiver<bool>, pressure: &mut watch::Receiver<u64>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let watch = Arc::new(Watch::new());
    let shared = Arc::new(Mutex::new(io));
    let guarded = Guarded { io: Arc::clone(&shared), watch: Arc::clone(&watch), pending: Vec::new() };
    let deadlines = state.options.deadlines;
    let w = Arc::clone(&watch);
    let service = service_fn(move |req| {
        let (state, watch) = (Arc::clone(&state), Arc::clone(&w));
        async move {
            watch.set(Phase::Busy);
            let answer = handle(&state, peer, req).await;
            watch.set(Phase::Idle);
            Ok::<_, Infallible>(answer)
        }
    });
    // Boxed, not pinned on the stack, so that dropping it gives the stream back.
    let mut conn = Box::pin(Http::new().http1_only(true).http1_half_close(true).serve_connection(guarded, service));
    let mut stopping = false;
    let missed = loop {
        let deadline = watch.deadline(&deadlines);
        let sleep = async move {
            match deadline {
                Some(d) => tokio::time::sleep_until(d.into()).await,
                None => std::future::pending().await,
            }
        };
        // Biased: the connection is polled first, so a new one reads what already arrived
        // (and is not idle) before it looks at the pressure.
        tokio::select! {
            biased;
            _ = conn.as_mut() => return,
            _ = stop.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = watch.changed.notified() => {}
            Ok(()) = pressure.changed() => {
                if watch.phase() == Phase::Idle {
                    break Phase::Idle;
                }
            }
            _ = sleep => {
                if watch.deadline(&deadlines).map_or(false, |d| d <= Instant::now()) {
                    break watch.phase();
                }
            }
        }
    };
    drop(conn);
    let mut io = match Arc::try_unwrap(shared) {
        Ok(m) => m.into_inner().unwrap_or_else(|e| e.into_inner()),
        Err(_) => return,
    };
    // A head that missed its deadline is answered (as nginx's client_header_timeout is, 408);
    // an idle connection is closed without a word.
    let goodbye = async {
        if missed == Phase::Head {
            let message = format!("The request head did not arrive within {} s.", deadlines.header.as_secs_f64());
            let _ = io.write_all(&raw_answer(http_error::REQUEST_TIMEOUT, &message)).await;
        }
        let _ = io.shutdown().await;
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), goodbye).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_errors_get_api_error_bodies() {
        let hyper = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Fri, 04 Dec 2026 18:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(replace_hyper_error(hyper).unwrap()).unwrap();
        assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
        assert!(answer.contains("connection: close\r\n") && answer.ends_with('}'), "{answer}");
        assert!(answer.contains(http_error::HEADERS_TOO_LARGE.1));
        // The server's own answers (a content type) and bodies pass unchanged.
        assert!(replace_hyper_error(b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\r\n{}").is_none());
        assert!(replace_hyper_error(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(replace_hyper_error(b"{\"error_key\":\"x\"}").is_none());
    }
}
