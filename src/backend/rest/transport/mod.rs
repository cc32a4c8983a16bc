//! The REST backend's one seam to the network: one HTTP exchange, (method, URL, headers, body,
//! timeout) → (status, headers, body) or a [`Failure`]. It blocks the calling thread until the
//! answer is complete or the timeout has passed. Nothing above it knows the platform; the one
//! implementation per platform is chosen here:
//!
//! - unix: hyper + rustls (`hyper.rs`), on a tokio runtime private to the transport;
//! - Windows: WinHTTP (`winhttp.rs`): Schannel TLS, the Windows certificate store, the system
//!   proxy.
//!
//! What both share is written once here: the configuration of TLS (`verifyTls`, `caFile`), the
//! URL check, the largest answer accepted, and the words of every transport failure.

use crate::fault::Fault;
use std::time::Duration;

#[cfg(unix)]
mod hyper;
#[cfg(unix)]
pub use self::hyper::Http;

#[cfg(windows)]
mod winhttp;
#[cfg(windows)]
pub use self::winhttp::Http;

/// An answer larger than this is refused (a confused server must not exhaust memory).
pub const MAX_BODY: usize = 512 << 20;

/// One request.
pub struct Exchange<'a> {
    pub method: &'static str,
    /// The whole URL, `scheme://host[:port]/path?query`, already percent-encoded.
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<&'a [u8]>,
    /// The longest wait for the whole answer.
    pub timeout: Duration,
}

/// One answer, whatever its status.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value (the name compared without regard to case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why an exchange got no answer. Each platform sorts its errors into these, with its own
/// error (named) as the detail; the words around it are the same everywhere ([`Failure::describe`]).
#[derive(Debug)]
pub enum Failure {
    /// The server's name could not be resolved.
    Resolve(String),
    /// No connection could be made (refused, unreachable).
    Connect(String),
    /// No complete answer within the timeout (the detail, where the platform gives one).
    Timeout(Option<String>),
    /// The TLS handshake failed or the server's certificate was not accepted.
    Tls(String),
    /// The connection ended before the answer was complete.
    Closed(String),
    /// The answer is larger than [`MAX_BODY`].
    TooLarge,
    /// Anything else.
    Other(String),
}

impl Failure {
    /// The cause, as `UnexpectedFault`'s `causeString` carries it after `METHOD URL: `.
    pub fn describe(&self, timeout: Duration) -> String {
        match self {
            Failure::Resolve(d) => format!("the server's name could not be resolved ({d})"),
            Failure::Connect(d) => format!("could not connect to the server ({d})"),
            Failure::Timeout(None) => format!("no answer within {} s", timeout.as_secs()),
            Failure::Timeout(Some(d)) => format!("no answer within {} s ({d})", timeout.as_secs()),
            Failure::Tls(d) => format!("the secure connection failed ({d})"),
            Failure::Closed(d) => format!("the connection closed before the answer was complete ({d})"),
            Failure::TooLarge => "the answer is larger than hvapi accepts".to_owned(),
            Failure::Other(d) => d.clone(),
        }
    }
}

/// How the server's certificate is checked.
pub struct Tls {
    /// `verifyTls` (default true).
    pub verify: bool,
    /// `caFile`'s certificates (DER), trusted instead of the system's roots.
    pub roots: Option<Vec<Vec<u8>>>,
}

impl Tls {
    /// From `verifyTls` and `caFile` (read only when certificates are verified).
    pub fn new(verify: bool, ca_file: Option<&str>) -> Result<Tls, Fault> {
        let roots = match ca_file {
            Some(path) if verify => Some(read_ca_file(path)?),
            _ => None,
        };
        Ok(Tls { verify, roots })
    }
}

/// The certificates of a PEM file; a file that cannot be read or holds none is `InvalidArgument`.
fn read_ca_file(path: &str) -> Result<Vec<Vec<u8>>, Fault> {
    let text = std::fs::read(path).map_err(|e| Fault::invalid_argument("caFile", format!("caFile {path:?} cannot be read: {e}.")))?;
    let certs = rustls_pemfile::certs(&mut text.as_slice()).map_err(|e| Fault::invalid_argument("caFile", format!("caFile {path:?} is not PEM: {e}.")))?;
    if certs.is_empty() {
        return Err(Fault::invalid_argument("caFile", format!("caFile {path:?} holds no certificate.")));
    }
    Ok(certs)
}

/// The parts of an `http(s)://host[:port]/path` URL the transports need.
#[derive(Debug, PartialEq, Eq)]
pub struct Url<'a> {
    pub https: bool,
    /// Without the brackets of an IPv6 literal.
    pub host: &'a str,
    pub port: u16,
    /// From the first `/` (with the query), `/` when empty.
    pub path: &'a str,
}

impl<'a> Url<'a> {
    /// `url` checked: a scheme of http or https, a host, an optional port, no user part.
    pub fn parse(url: &'a str) -> Result<Url<'a>, String> {
        let (https, rest) = if let Some(r) = strip_prefix_ignore_case(url, "https://") {
            (true, r)
        } else if let Some(r) = strip_prefix_ignore_case(url, "http://") {
            (false, r)
        } else {
            return Err("it must start with https:// or http://".into());
        };
        let end = rest.find(&['/', '?', '#'][..]).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        if path.contains('#') {
            return Err("it must not have a fragment (#)".into());
        }
        if authority.contains('@') {
            return Err("it must not carry a user name".into());
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let close = v6.find(']').ok_or("its IPv6 address lacks the closing ]")?;
            (&v6[..close], &v6[close + 1..])
        } else {
            match authority.rfind(':') {
                Some(i) => (&authority[..i], &authority[i..]),
                None => (authority, ""),
            }
        };
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("it names no host".into());
        }
        let port = match port {
            "" => {
                if https {
                    443
                } else {
                    80
                }
            }
            p => match p.strip_prefix(':').and_then(|p| p.parse::<u16>().ok()) {
                Some(n) if n > 0 => n,
                _ => return Err(format!("its port {p:?} is not a number from 1 to 65535")),
            },
        };
        if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("its path has spaces or control characters".into());
        }
        Ok(Url { https, host, port, path: if path.is_empty() { "/" } else { path } })
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    match s.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => Some(&s[prefix.len()..]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            Url::parse("https://cs1.corp.example/rest/login?x=1").unwrap(),
            Url { https: true, host: "cs1.corp.example", port: 443, path: "/rest/login?x=1" }
        );
        assert_eq!(Url::parse("HTTP://127.0.0.1:8080").unwrap(), Url { https: false, host: "127.0.0.1", port: 8080, path: "/" });
        assert_eq!(Url::parse("https://[::1]:9/rest").unwrap(), Url { https: true, host: "::1", port: 9, path: "/rest" });
        for bad in ["not a url", "ftp://x", "https://", "https://:80/", "https://h:0/", "https://h:99999/", "https://u@h/", "https://h/a b", "https://h/#f"] {
            assert!(Url::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn failures_read_alike() {
        let t = Duration::from_secs(3);
        assert_eq!(Failure::Timeout(None).describe(t), "no answer within 3 s");
        assert_eq!(Failure::Timeout(Some("ERROR_WINHTTP_TIMEOUT (12002)".into())).describe(t), "no answer within 3 s (ERROR_WINHTTP_TIMEOUT (12002))");
        assert!(Failure::Tls("invalid peer certificate: UnknownIssuer".into()).describe(t).contains("certificate"));
    }
}
