//! The unix transport: hyper's HTTP/1.1 client with rustls, on one tokio runtime shared by
//! every REST client of the process (two workers drive the sockets). Each exchange blocks its
//! caller's thread on its own future, so a slow server delays only the calls made to it, and
//! any number of threads may use one client at once.

use super::{Exchange, Failure, Response, Tls, MAX_BODY};
use crate::fault::Fault;
use hyper::body::HttpBody;
use hyper::client::HttpConnector;
use hyper::Body;
use hyper_rustls::HttpsConnector;
use once_cell::sync::Lazy;
use std::time::{Duration, SystemTime};

static RUNTIME: Lazy<tokio::runtime::Runtime> = Lazy::new(|| {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).thread_name("hvapi-rest").enable_all().build().expect("the REST runtime starts")
});

pub struct Http {
    client: hyper::Client<HttpsConnector<HttpConnector>, Body>,
}

impl Http {
    pub fn new(tls: &Tls) -> Result<Http, Fault> {
        let connector = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls_config(tls)?).https_or_http().enable_http1().build();
        Ok(Http { client: hyper::Client::builder().pool_idle_timeout(Duration::from_secs(30)).build(connector) })
    }

    pub fn exchange(&self, x: &Exchange) -> Result<Response, Failure> {
        RUNTIME.block_on(async {
            match tokio::time::timeout(x.timeout, self.send(x)).await {
                Ok(r) => r,
                Err(_) => Err(Failure::Timeout(None)),
            }
        })
    }

    async fn send(&self, x: &Exchange<'_>) -> Result<Response, Failure> {
        let method = hyper::Method::from_bytes(x.method.as_bytes()).map_err(|e| Failure::Other(e.to_string()))?;
        let mut req = hyper::Request::builder().method(method).uri(x.url);
        for (name, value) in x.headers {
            req = req.header(*name, *value);
        }
        let req = req.body(x.body.map_or_else(Body::empty, |b| Body::from(b.to_vec()))).map_err(|e| Failure::Other(e.to_string()))?;
        let resp = self.client.request(req).await.map_err(|e| sort(&e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().iter().filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned()))).collect();
        let mut body = resp.into_body();
        let mut bytes = Vec::new();
        while let Some(chunk) = body.data().await {
            let chunk = chunk.map_err(|e| Failure::Closed(cause(&e)))?;
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_BODY {
                return Err(Failure::TooLarge);
            }
        }
        Ok(Response { status, headers, body: bytes })
    }
}

/// A hyper error sorted by what its causes say.
fn sort(e: &hyper::Error) -> Failure {
    let detail = cause(e);
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(x) = src {
        if x.downcast_ref::<rustls::Error>().is_some() {
            return Failure::Tls(detail);
        }
        if let Some(io) = x.downcast_ref::<std::io::Error>() {
            if io.get_ref().map_or(false, |inner| inner.downcast_ref::<rustls::Error>().is_some()) {
                return Failure::Tls(detail);
            }
            if matches!(io.kind(), std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted)
                && e.is_connect()
            {
                return Failure::Connect(detail);
            }
        }
        src = x.source();
    }
    if e.is_connect() {
        if detail.contains("dns error") {
            return Failure::Resolve(detail);
        }
        return Failure::Connect(detail);
    }
    if e.is_incomplete_message() || e.is_closed() || e.is_canceled() {
        return Failure::Closed(detail);
    }
    Failure::Other(detail)
}

/// The error with its sources.
fn cause(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

fn tls_config(tls: &Tls) -> Result<rustls::ClientConfig, Fault> {
    let builder = rustls::ClientConfig::builder().with_safe_defaults();
    if !tls.verify {
        return Ok(builder.with_custom_certificate_verifier(std::sync::Arc::new(NoVerify)).with_no_client_auth());
    }
    let mut roots = rustls::RootCertStore::empty();
    match &tls.roots {
        Some(certs) => {
            for c in certs {
                roots.add(&rustls::Certificate(c.clone())).map_err(|e| Fault::invalid_argument("caFile", format!("caFile: {e}.")))?;
            }
        }
        None => {
            let certs =
                rustls_native_certs::load_native_certs().map_err(|e| Fault::unexpected(format!("the system's trusted certificates cannot be read: {e}")))?;
            for c in certs {
                let _ = roots.add(&rustls::Certificate(c.0));
            }
        }
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

/// `verifyTls: false`: any certificate is accepted (README: why not to).
struct NoVerify;

impl rustls::client::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &rustls::Certificate,
        _: &[rustls::Certificate],
        _: &rustls::ServerName,
        _: &mut dyn Iterator<Item = &[u8]>,
        _: &[u8],
        _: SystemTime,
    ) -> Result<rustls::client::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::ServerCertVerified::assertion())
    }
}
