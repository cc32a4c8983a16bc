//! The REST server: the embedded federation served over the Horizon Server REST API, so that
//! curl, Python's requests, PowerShell's Invoke-RestMethod or an OpenAPI-generated SDK run
//! against it unchanged but for the URL. It is a translator: every answer comes from a
//! contract call made as the signed-in administrator (see [`routes`]); the mapping tables are
//! in [`crate::rest`]. It must never decide a rule of the services itself.
//!
//! This module is the HTTP plumbing: listening (plain or TLS), the route table lookup (404,
//! 405), bearer tokens (401), rate limiting (429), body limits (413), one log line per
//! request, and a clean shutdown.

pub mod auth;
pub mod routes;

use crate::client::Client;
use crate::fault::Fault;
use crate::model::time;
use crate::rest::{api_error, fault_http, http_error};
use auth::{Auth, Login, Refused};
use hyper::body::HttpBody;
use hyper::header::{HeaderValue, ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use hyper::server::conn::Http;
use hyper::service::service_fn;
use hyper::{Body, Request, Response, StatusCode};
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_rustls::TlsAcceptor;

/// The base path of every endpoint (the OpenAPI file's server URL).
pub const BASE_PATH: &str = "/rest";

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    /// PEM certificate chain and private key: serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Lifetime of an access token.
    pub token_ttl: Duration,
    /// Requests per second per access token; more get 429.
    pub rate_limit: Option<u32>,
    /// Largest request body accepted; larger ones get 413.
    pub max_body: usize,
    /// One line per request on stderr.
    pub log: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            tls: None,
            token_ttl: Duration::from_secs(1800),
            rate_limit: None,
            max_body: 16 << 20,
            log: true,
        }
    }
}

/// What every request can reach.
pub struct State {
    /// The client the server opened; logins are made on its federation.
    pub root: Client,
    pub auth: Auth,
    pub options: Options,
    /// Per access token: (the second, requests in it).
    rate: Mutex<HashMap<String, (u64, u32)>>,
}

/// An answer: status, extra headers, and a JSON body (none for an empty one).
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
}

impl Reply {
    pub fn json(body: Value) -> Reply {
        Reply { status: 200, headers: Vec::new(), body: Some(body) }
    }

    pub fn empty(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: None }
    }
}

/// An error answer: its status, `APIError` body and extra headers.
#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    pub fn new((status, key): (u16, &str), message: impl Into<String>) -> ApiError {
        ApiError { status, body: serde_json::json!({"error_key": key, "error_message": message.into()}), headers: Vec::new() }
    }

    fn with(mut self, name: &'static str, value: String) -> ApiError {
        self.headers.push((name, value));
        self
    }
}

impl From<Fault> for ApiError {
    fn from(f: Fault) -> ApiError {
        ApiError { status: fault_http(&f).status, body: api_error(&f), headers: Vec::new() }
    }
}

impl From<ApiError> for Reply {
    fn from(e: ApiError) -> Reply {
        Reply { status: e.status, headers: e.headers, body: Some(e.body) }
    }
}

/// A routed request, as a handler sees it.
pub struct Call {
    pub login: Option<Arc<Login>>,
    /// The path's `{id}`, percent-decoded.
    pub id: Option<String>,
    pub params: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Call {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The signed-in caller (every route but the auth ones has one).
    pub fn client(&self) -> &Client {
        &self.login.as_ref().expect("authenticated route").client
    }

    /// The body as JSON: missing or unparsable is a 400.
    pub fn json(&self) -> Result<Value, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(Fault::invalid_argument("body", "This request needs a JSON body.").into());
        }
        serde_json::from_slice(&self.body).map_err(|e| Fault::invalid_argument("body", format!("The body is not valid JSON: {e}.")).into())
    }
}

/// A running server's address and its task.
pub struct Server {
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<State>,
    url: String,
}

fn tls_acceptor(cert: &PathBuf, key: &PathBuf) -> io::Result<TlsAcceptor> {
    let bad = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
    let certs = rustls_pemfile::certs(&mut io::BufReader::new(std::fs::File::open(cert)?))?;
    if certs.is_empty() {
        return Err(bad(format!("{} holds no PEM certificate", cert.display())));
    }
    let mut keys = Vec::new();
    for item in rustls_pemfile::read_all(&mut io::BufReader::new(std::fs::File::open(key)?))? {
        match item {
            rustls_pemfile::Item::PKCS8Key(k) | rustls_pemfile::Item::RSAKey(k) | rustls_pemfile::Item::ECKey(k) => keys.push(k),
            _ => {}
        }
    }
    let key = keys.into_iter().next().ok_or_else(|| bad(format!("{} holds no PEM private key", key.display())))?;
    let config = tokio_rustls::rustls::ServerConfig::builder()
        .with_safe_defaults()
        .with_no_client_auth()
        .with_single_cert(certs.into_iter().map(tokio_rustls::rustls::Certificate).collect(), tokio_rustls::rustls::PrivateKey(key))
        .map_err(|e| bad(format!("the certificate and key cannot be used: {e}")))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

impl Server {
    /// Binds the listening socket (and loads the certificate) for `root`'s federation.
    pub async fn bind(root: Client, options: Options) -> io::Result<Server> {
        let tls = options.tls.as_ref().map(|(c, k)| tls_acceptor(c, k)).transpose()?;
        let listener = TcpListener::bind(options.listen).await?;
        let addr = listener.local_addr()?;
        let url = format!("{}://{addr}{BASE_PATH}", if tls.is_some() { "https" } else { "http" });
        let state = Arc::new(State { root, auth: Auth::new(options.token_ttl), options, rate: Mutex::new(HashMap::new()) });
        Ok(Server { listener, tls, state, url })
    }

    /// The base URL the server answers on, e.g. `http://127.0.0.1:8443/rest`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Serves until `shutdown` completes, then stops accepting, lets every connection finish
    /// the request it is on, and returns. Needs tokio's multi-thread runtime.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let active = Arc::new(AtomicUsize::new(0));
        let idle = Arc::new(Notify::new());
        tokio::pin!(shutdown);
        loop {
            let (tcp, peer) = tokio::select! {
                _ = &mut shutdown => break,
                accepted = self.listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(e) => { eprintln!("hvapi serve: accept failed: {e}"); continue; }
                },
            };
            let _ = tcp.set_nodelay(true);
            let state = Arc::clone(&self.state);
            let tls = self.tls.clone();
            let mut stop = stop_rx.clone();
            let (active, idle) = (Arc::clone(&active), Arc::clone(&idle));
            active.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                match tls {
                    None => serve(tcp, state, peer, &mut stop).await,
                    Some(acceptor) => match acceptor.accept(tcp).await {
                        Ok(stream) => serve(stream, state, peer, &mut stop).await,
                        Err(e) => eprintln!("hvapi serve: TLS handshake with {peer} failed: {e}"),
                    },
                }
                if active.fetch_sub(1, Ordering::SeqCst) == 1 {
                    idle.notify_one();
                }
            });
        }
        let _ = stop_tx.send(true);
        let drain = async {
            while active.load(Ordering::SeqCst) > 0 {
                idle.notified().await;
            }
        };
        if tokio::time::timeout(Duration::from_secs(10), drain).await.is_err() {
            eprintln!("hvapi serve: some connections did not finish within 10 s");
        }
        Ok(())
    }
}

/// Runs one connection until it ends or the server stops (then it finishes its request).
async fn serve<I>(io: I, state: Arc<State>, peer: SocketAddr, stop: &mut tokio::sync::watch::Receiver<bool>)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| {
        let state = Arc::clone(&state);
        async move { Ok::<_, Infallible>(handle(state, peer, req).await) }
    });
    // A client that never finishes its headers is dropped rather than held forever.
    let conn = Http::new().http1_header_read_timeout(Duration::from_secs(30)).serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stop.changed() => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// Query parameters that are arrays: given once per element (`ids=1&ids=2`, the OpenAPI
/// default) or once with commas; a handler sees them joined with commas.
const ARRAY_PARAMS: &[&str] = &["ids"];

/// Parses a query string: `+` is a space, every name at most once (but [`ARRAY_PARAMS`]).
fn parse_query(q: &str) -> Result<HashMap<String, String>, ApiError> {
    let mut params: HashMap<String, String> = HashMap::new();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| percent_decode_str(&s.replace('+', " ")).decode_utf8().map(|c| c.into_owned());
        let (k, v) = match (decode(k), decode(v)) {
            (Ok(k), Ok(v)) => (k, v),
            _ => return Err(ApiError::new(http_error::BAD_REQUEST, "The query string is not valid UTF-8 once decoded.")),
        };
        match params.get_mut(&k) {
            Some(all) if ARRAY_PARAMS.contains(&k.as_str()) => {
                all.push(',');
                all.push_str(&v);
            }
            Some(_) => return Err(ApiError::new(http_error::BAD_REQUEST, format!("The query parameter {k} is given twice."))),
            None => {
                params.insert(k, v);
            }
        }
    }
    Ok(params)
}

fn bearer(req: &Request<Body>) -> Option<&str> {
    let v = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl State {
    /// Counts a request against its token's budget for this second.
    fn admit(&self, token: &str) -> Result<(), ApiError> {
        let limit = match self.options.rate_limit {
            Some(limit) => limit,
            _ => return Ok(()),
        };
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let second = now.as_secs();
        let mut rate = self.rate.lock().unwrap_or_else(|e| e.into_inner());
        rate.retain(|_, (s, _)| *s + 1 >= second);
        let entry = rate.entry(token.to_owned()).or_insert((second, 0));
        if entry.0 != second {
            *entry = (second, 0);
        }
        entry.1 += 1;
        if entry.1 > limit {
            return Err(ApiError::new(http_error::TOO_MANY_REQUESTS, format!("More than {limit} requests in one second with this token; retry later."))
                .with("X-Rate-Limit-Retry-After-Seconds", "1".into()));
        }
        Ok(())
    }
}

/// Answers one request, and logs it.
async fn handle(state: Arc<State>, peer: SocketAddr, req: Request<Body>) -> Response<Body> {
    let started = Instant::now();
    let (method, target) = (req.method().clone(), req.uri().to_string());
    let (reply, who) = match route(&state, req).await {
        Ok((reply, who)) => (reply, who),
        Err(e) => (Reply::from(e), None),
    };
    let status = reply.status;
    let response = render(reply);
    if state.options.log {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        eprintln!("{} {peer} {method} {target} {status} {ms:.1}ms {}", time::format(time::now()), who.as_deref().unwrap_or("-"));
    }
    response
}

fn render(reply: Reply) -> Response<Body> {
    let mut b = Response::builder().status(StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    for (name, value) in &reply.headers {
        if let Ok(v) = HeaderValue::from_str(value) {
            b = b.header(*name, v);
        }
    }
    let body = match reply.body {
        Some(v) => {
            b = b.header(CONTENT_TYPE, "application/json");
            Body::from(serde_json::to_vec(&v).unwrap_or_default())
        }
        None => Body::empty(),
    };
    b.body(body).unwrap_or_else(|_| Response::new(Body::empty()))
}

/// Finds the route, checks the token, the rate, the parameters and the body, then runs the
/// handler in place (`block_in_place`: contract calls take locks and may be long, and the
/// runtime moves its other tasks off this thread meanwhile; running on the worker rather than
/// a blocking-pool thread keeps its allocator warm, which made a 1,000-row page ~1.7× faster).
async fn route(state: &Arc<State>, req: Request<Body>) -> Result<(Reply, Option<String>), ApiError> {
    let path = req.uri().path().to_owned();
    let rest = match path.strip_prefix(BASE_PATH).filter(|r| r.starts_with('/')) {
        Some(rest) => rest,
        _ => {
            return Err(ApiError::new(http_error::NOT_FOUND, format!("No endpoint at {path}; the API is under {BASE_PATH}/.")));
        }
    };
    let matches: Vec<(&routes::Route, Option<String>)> = routes::ROUTES.iter().filter_map(|r| r.matches(rest).map(|id| (r, id))).collect();
    if matches.is_empty() {
        return Err(ApiError::new(http_error::NOT_FOUND, format!("No endpoint at {path}.")));
    }
    let (route, id) = match matches.iter().find(|(r, _)| r.method == *req.method()).cloned() {
        Some((route, id)) => (route, id),
        _ => {
            let allow: Vec<&str> = matches.iter().map(|(r, _)| r.method.as_str()).collect();
            return Err(ApiError::new(http_error::METHOD_NOT_ALLOWED, format!("{} is not allowed on {path}; use {}.", req.method(), allow.join(", ")))
                .with(ALLOW.as_str(), allow.join(", ")));
        }
    };
    let id = match id {
        Some(raw) => match percent_decode_str(&raw).decode_utf8() {
            Ok(s) if !s.is_empty() => Some(s.into_owned()),
            _ => return Err(ApiError::new(http_error::NOT_FOUND, "The id in the path is empty or not valid UTF-8.")),
        },
        None => None,
    };
    let login = if route.auth {
        let token = bearer(&req);
        let login = state.auth.check(token).map_err(|why| {
            let e = match why {
                Refused::Missing => {
                    ApiError::new(http_error::NOT_AUTHENTICATED, "This endpoint needs an access token: Authorization: Bearer <token> (POST /login).")
                }
                Refused::Unknown => ApiError::new(http_error::NOT_AUTHENTICATED, "The access token is not valid."),
                Refused::Expired => ApiError::new(http_error::TOKEN_EXPIRED, "The access token has expired; POST /refresh for a new one."),
            };
            e.with(WWW_AUTHENTICATE.as_str(), "Bearer".into())
        })?;
        state.admit(token.unwrap_or_default())?;
        Some(login)
    } else {
        None
    };
    let who = login.as_ref().map(|l| l.admin.clone());
    let params = parse_query(req.uri().query().unwrap_or(""))?;
    if let Some(k) = params.keys().find(|k| !route.params.contains(&k.as_str())) {
        let allowed = if route.params.is_empty() { "none".to_owned() } else { route.params.join(", ") };
        return Err(Fault::invalid_argument(k, format!("Unknown query parameter {k:?}; this endpoint takes {allowed}.")).into());
    }
    let body = read_body(req, state.options.max_body).await?;
    let call = Call { login, id, params, body };
    let handler = route.handler;
    let state = Arc::clone(state);
    let reply = tokio::task::block_in_place(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(&state, &call))))
        .unwrap_or_else(|_| Err(Fault::unexpected("the request handler panicked").into()))?;
    Ok((reply, who))
}

async fn read_body(req: Request<Body>, max: usize) -> Result<Vec<u8>, ApiError> {
    let too_large = || ApiError::new(http_error::BODY_TOO_LARGE, format!("The request body is larger than {max} bytes."));
    if let Some(n) = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok()) {
        if n > max as u64 {
            return Err(too_large());
        }
    }
    let mut body = req.into_body();
    let mut buf = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.map_err(|e| ApiError::new(http_error::BAD_REQUEST, format!("The request body could not be read: {e}.")))?;
        if buf.len() + chunk.len() > max {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}
