//! The REST server: the embedded federation served over the Horizon Server REST API, so that
//! curl, Python's requests, PowerShell's Invoke-RestMethod or an OpenAPI-generated SDK run
//! against it unchanged but for the URL. It is a translator: every answer comes from a
//! contract call made as the signed-in administrator (see [`routes`]); the mapping tables are
//! in [`crate::rest`]. It must never decide a rule of the services itself.
//!
//! This module is the HTTP plumbing: listening (plain or TLS) under a connection cap, the
//! route table lookup (404, 405), bearer tokens (401), rate limiting (429), body limits
//! (413), one log line per request, and a clean shutdown. [`conn`] keeps each connection's
//! deadlines.

pub mod auth;
pub mod conn;
pub mod routes;

use crate::client::Client;
use crate::fault::Fault;
use crate::model::time;
use crate::rest::{api_error, fault_http, http_error};
use auth::{Auth, Login, Refused};
use conn::Deadlines;
use hyper::body::HttpBody;
use hyper::header::{HeaderValue, ALLOW, AUTHORIZATION, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, WWW_AUTHENTICATE};
use hyper::http::request::Parts;
use hyper::{Body, Request, Response, StatusCode, Version};
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

/// Failed accepts (out of descriptors) are logged at most this often, whatever `--quiet` says.
const ACCEPT_LOG_EVERY: Duration = Duration::from_secs(10);

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
    /// Lifetime of a refresh token (and so of a login that is never logged out).
    pub refresh_ttl: Duration,
    /// Requests per second per access token; more get 429.
    pub rate_limit: Option<u32>,
    /// Largest request body accepted; larger ones get 413.
    pub max_body: usize,
    /// Audit events the served federation keeps (the oldest are dropped first).
    pub event_capacity: usize,
    /// Open connections at most; `None`: [`default_max_connections`].
    pub max_connections: Option<usize>,
    /// The deadlines of a request's head and body and of an idle connection.
    pub deadlines: Deadlines,
    /// One line per request on stderr.
    pub log: bool,
}

/// The connection cap when none is given: 1,000, or less when the process may open fewer
/// descriptors (an eighth of the limit and 16 more stay free for the world file, logs and
/// the runtime), so that the cap, not the descriptor table, is what runs out.
pub fn default_max_connections() -> usize {
    let limit = open_files_limit().unwrap_or(1024);
    limit.saturating_sub(limit / 8 + 16).clamp(1, 1000)
}

#[cfg(unix)]
fn open_files_limit() -> Option<usize> {
    let mut l = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) } == 0;
    (ok && l.rlim_cur != libc::RLIM_INFINITY).then(|| usize::try_from(l.rlim_cur).unwrap_or(usize::MAX))
}

#[cfg(not(unix))]
fn open_files_limit() -> Option<usize> {
    None
}

impl Default for Options {
    fn default() -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            tls: None,
            token_ttl: Duration::from_secs(1800),
            refresh_ttl: Duration::from_secs(8 * 3600),
            rate_limit: None,
            max_body: 1 << 20,
            event_capacity: 100_000,
            max_connections: None,
            deadlines: Deadlines::default(),
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
    /// Handlers running at once: at most [`max_handlers`]; the others wait their turn, so the
    /// memory their answers take is bounded whatever the number of connections.
    work: Semaphore,
}

/// Handlers run at once: twice the cores, at least 4.
fn max_handlers() -> usize {
    std::thread::available_parallelism().map_or(4, |n| n.get() * 2).max(4)
}

/// An answer: status, extra headers, and a JSON body (none for an empty one).
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Payload>,
}

/// A JSON body: a value, or text already written (the wire rows of a page).
pub enum Payload {
    Json(Value),
    Text(Vec<u8>),
}

impl Reply {
    pub fn json(body: Value) -> Reply {
        Reply { status: 200, headers: Vec::new(), body: Some(Payload::Json(body)) }
    }

    /// JSON text the handler wrote.
    pub fn text(body: Vec<u8>) -> Reply {
        Reply { status: 200, headers: Vec::new(), body: Some(Payload::Text(body)) }
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

    pub fn with(mut self, name: &'static str, value: String) -> ApiError {
        self.headers.push((name, value));
        self
    }

    /// The answer closes the connection (the request's body was not read to its end).
    fn closing(self) -> ApiError {
        self.with(CONNECTION.as_str(), "close".into())
    }
}

/// An `APIError` body as bytes.
pub fn api_error_bytes(key: &str, message: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"error_key": key, "error_message": message})).unwrap_or_default()
}

impl From<Fault> for ApiError {
    fn from(f: Fault) -> ApiError {
        ApiError { status: fault_http(&f).status, body: api_error(&f), headers: Vec::new() }
    }
}

impl From<ApiError> for Reply {
    fn from(e: ApiError) -> Reply {
        Reply { status: e.status, headers: e.headers, body: Some(Payload::Json(e.body)) }
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

    /// The body as JSON: missing, unparsable or with a key given twice in one object is a 400.
    pub fn json(&self) -> Result<Value, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(Fault::invalid_argument("body", "This request needs a JSON body.").into());
        }
        match serde_json::from_slice(&self.body) {
            Ok(Strict(v)) => Ok(v),
            Err(e) => Err(Fault::invalid_argument("body", format!("The body is not valid JSON: {e}.")).into()),
        }
    }

    /// A boolean query parameter, read as Spring reads one (what a Connection Server takes):
    /// `true`/`on`/`yes`/`1` and `false`/`off`/`no`/`0` in any case; empty is not given.
    pub fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        let v = match self.param(name).map(str::trim) {
            None | Some("") => return Ok(None),
            Some(v) => v.to_ascii_lowercase(),
        };
        match v.as_str() {
            "true" | "on" | "yes" | "1" => Ok(Some(true)),
            "false" | "off" | "no" | "0" => Ok(Some(false)),
            _ => Err(Fault::invalid_argument(name, format!("{name} must be true or false (or on/off, yes/no, 1/0), not {v:?}.")).into()),
        }
    }
}

/// A JSON value read strictly: an object that gives a key twice is refused (serde_json's
/// `Value` keeps the last, so `{"domain":"NOPE","domain":"HVDEMO"}` would pass for HVDEMO).
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Strict, E> {
        Ok(Strict(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_string<E>(self, v: String) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict(Value::Null))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Strict(Value::Array(items)))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("the key {key:?} is given twice")));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Strict(Value::Object(out)))
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
        if let Some(e) = root.embedded() {
            e.write().event_capacity = Some(options.event_capacity);
        }
        let url = format!("{}://{addr}{BASE_PATH}", if tls.is_some() { "https" } else { "http" });
        let state = Arc::new(State {
            root,
            auth: Auth::new(options.token_ttl, options.refresh_ttl),
            options,
            rate: Mutex::new(HashMap::new()),
            work: Semaphore::new(max_handlers()),
        });
        Ok(Server { listener, tls, state, url })
    }

    /// The base URL the server answers on, e.g. `http://127.0.0.1:8443/rest`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Serves until `shutdown` completes, then stops accepting, lets every connection finish
    /// the request it is on, and returns. Needs tokio's multi-thread runtime.
    ///
    /// At most `max_connections` are open: with none free, idle keep-alive connections are
    /// asked to close and the next connection waits in the listen backlog. A failed accept
    /// (out of descriptors) backs off, 5 ms doubling to 1 s, and is logged at most once per
    /// [`ACCEPT_LOG_EVERY`].
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let cap = self.state.options.max_connections.unwrap_or_else(default_max_connections).max(1);
        let slots = Arc::new(Semaphore::new(cap));
        // Bumped when a slot or a descriptor is wanted: idle connections then close.
        let (pressure, pressure_rx) = tokio::sync::watch::channel(0u64);
        let squeeze = || {
            let next = *pressure.borrow() + 1;
            let _ = pressure.send(next);
        };
        // Failed accepts: the backoff, when one was last logged, and how many since.
        let (mut backoff, mut logged, mut unlogged) = (Duration::ZERO, None::<Instant>, 0u64);
        tokio::pin!(shutdown);
        'serving: loop {
            let slot = match Arc::clone(&slots).try_acquire_owned() {
                Ok(slot) => slot,
                Err(_) => {
                    squeeze();
                    tokio::select! {
                        _ = &mut shutdown => break 'serving,
                        slot = Arc::clone(&slots).acquire_owned() => slot.expect("the semaphore is never closed"),
                    }
                }
            };
            let (tcp, peer) = loop {
                tokio::select! {
                    _ = &mut shutdown => break 'serving,
                    accepted = self.listener.accept() => match accepted {
                        Ok(a) => break a,
                        Err(e) => {
                            if logged.map_or(true, |at| at.elapsed() >= ACCEPT_LOG_EVERY) {
                                let more = if unlogged > 0 { format!(" ({unlogged} more since the last such line)") } else { String::new() };
                                eprintln!("hvapi serve: accept failed: {e}{more}; backing off, logged at most every {} s", ACCEPT_LOG_EVERY.as_secs());
                                (logged, unlogged) = (Some(Instant::now()), 0);
                            } else {
                                unlogged += 1;
                            }
                            // Descriptors may be what ran out: idle connections give theirs back.
                            squeeze();
                            backoff = (backoff * 2).clamp(Duration::from_millis(5), Duration::from_secs(1));
                            tokio::select! {
                                _ = &mut shutdown => break 'serving,
                                _ = tokio::time::sleep(backoff) => {}
                            }
                        }
                    },
                }
            };
            backoff = Duration::ZERO;
            let _ = tcp.set_nodelay(true);
            let state = Arc::clone(&self.state);
            let tls = self.tls.clone();
            let mut stop = stop_rx.clone();
            let mut pressure = pressure_rx.clone();
            tokio::spawn(async move {
                let header = state.options.deadlines.header;
                match tls {
                    None => conn::serve(tcp, state, peer, &mut stop, &mut pressure).await,
                    Some(acceptor) => match tokio::time::timeout(header, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => conn::serve(stream, state, peer, &mut stop, &mut pressure).await,
                        Ok(Err(e)) => {
                            if state.options.log {
                                eprintln!("hvapi serve: TLS handshake with {peer} failed: {e}")
                            }
                        }
                        Err(_) => {}
                    },
                }
                drop(slot);
            });
        }
        let _ = stop_tx.send(true);
        let drain = slots.acquire_many(cap as u32);
        if tokio::time::timeout(Duration::from_secs(10), drain).await.is_err() {
            eprintln!("hvapi serve: some connections did not finish within 10 s");
        }
        let dropped = self.state.root.embedded().map_or(0, |e| e.read().events_dropped);
        if dropped > 0 {
            eprintln!("hvapi serve: {dropped} audit events were dropped, oldest first, to keep the log within its capacity");
        }
        Ok(())
    }
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

fn bearer(req: &Parts) -> Option<&str> {
    let v = req.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl State {
    /// Counts a request against its token's budget for this second.
    fn admit(&self, token: &str) -> Result<(), ApiError> {
        let limit = match self.options.rate_limit {
            Some(limit) => limit,
            None => return Ok(()),
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

/// Answers one request, and logs it. A body the route did not read is read to its end (so
/// the connection can carry the next request); one that cannot be (too large, too slow,
/// broken) makes the answer say `Connection: close`, and hyper closes after it.
async fn handle(state: &Arc<State>, peer: SocketAddr, req: Request<Body>) -> Response<Body> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let mut body = Some(body);
    let (reply, who) = match route(state, &parts, &mut body).await {
        Ok((reply, who)) => (reply, who),
        Err(e) => (Reply::from(e), None),
    };
    let mut reply = reply;
    if let Some(rest) = body {
        if read_body(rest, state.options.max_body, state.options.deadlines.body).await.is_err() {
            reply.headers.push((CONNECTION.as_str(), "close".into()));
        }
    }
    let status = reply.status;
    let response = render(reply);
    if state.options.log {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let target = parts.uri.to_string();
        eprintln!("{} {peer} {} {target} {status} {ms:.1}ms {}", time::format(time::now()), parts.method, who.as_deref().unwrap_or("-"));
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
        Some(payload) => {
            b = b.header(CONTENT_TYPE, "application/json");
            Body::from(match payload {
                Payload::Json(v) => serde_json::to_vec(&v).unwrap_or_default(),
                Payload::Text(t) => t,
            })
        }
        None => Body::empty(),
    };
    b.body(body).unwrap_or_else(|_| Response::new(Body::empty()))
}

/// Finds the route, checks the token, the rate, the parameters and the body, then runs the
/// handler in place (`block_in_place`: contract calls take locks and may be long, and the
/// runtime moves its other tasks off this thread meanwhile; running on the worker rather than
/// a blocking-pool thread keeps its allocator warm, which made a 1,000-row page ~1.7× faster).
async fn route(state: &Arc<State>, req: &Parts, body: &mut Option<Body>) -> Result<(Reply, Option<String>), ApiError> {
    if req.version == Version::HTTP_11 && !req.headers.contains_key(HOST) {
        return Err(ApiError::new(http_error::BAD_REQUEST, "An HTTP/1.1 request needs a Host header field."));
    }
    let path = req.uri.path();
    let rest = match path.strip_prefix(BASE_PATH).filter(|r| r.starts_with('/')) {
        Some(rest) => rest,
        None => return Err(ApiError::new(http_error::NOT_FOUND, format!("No endpoint at {path}; the API is under {BASE_PATH}/."))),
    };
    let matches: Vec<(&routes::Route, Option<String>)> = routes::ROUTES.iter().filter_map(|r| r.matches(rest).map(|id| (r, id))).collect();
    if matches.is_empty() {
        return Err(ApiError::new(http_error::NOT_FOUND, format!("No endpoint at {path}.")));
    }
    let (route, id) = match matches.iter().find(|(r, _)| r.method == req.method).cloned() {
        Some(m) => m,
        None => {
            let allow: Vec<&str> = matches.iter().map(|(r, _)| r.method.as_str()).collect();
            return Err(ApiError::new(http_error::METHOD_NOT_ALLOWED, format!("{} is not allowed on {path}; use {}.", req.method, allow.join(", ")))
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
        let token = bearer(req);
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
    let params = parse_query(req.uri.query().unwrap_or(""))?;
    if let Some(k) = params.keys().find(|k| !route.params.contains(&k.as_str())) {
        let allowed = if route.params.is_empty() { "none".to_owned() } else { route.params.join(", ") };
        return Err(Fault::invalid_argument(k, format!("Unknown query parameter {k:?}; this endpoint takes {allowed}.")).into());
    }
    let too_large = || ApiError::new(http_error::BODY_TOO_LARGE, format!("The request body is larger than {} bytes.", state.options.max_body)).closing();
    if let Some(n) = req.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok()) {
        if n > state.options.max_body as u64 {
            return Err(too_large());
        }
    }
    let body = match body.take() {
        Some(b) => read_body(b, state.options.max_body, state.options.deadlines.body).await.map_err(|e| {
            match e {
                BodyError::TooLarge => too_large(),
                BodyError::Slow(after) => {
                    ApiError::new(http_error::REQUEST_TIMEOUT, format!("The request body did not arrive within {} s.", after.as_secs_f64()))
                }
                BodyError::Broken(e) => ApiError::new(http_error::BAD_REQUEST, format!("The request body could not be read: {e}.")),
            }
            .closing()
        })?,
        None => Vec::new(),
    };
    let call = Call { login, id, params, body };
    let _turn = state.work.acquire().await.expect("the semaphore is never closed");
    let handler = route.handler;
    let state = Arc::clone(state);
    let reply = tokio::task::block_in_place(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(&state, &call))))
        .unwrap_or_else(|_| Err(Fault::unexpected("the request handler panicked").into()))?;
    Ok((reply, who))
}

/// Why a body could not be read.
enum BodyError {
    TooLarge,
    Slow(Duration),
    Broken(hyper::Error),
}

/// Reads a whole body: at most `max` bytes, within `deadline`.
async fn read_body(mut body: Body, max: usize, deadline: Duration) -> Result<Vec<u8>, BodyError> {
    let read = async {
        let mut buf = Vec::new();
        while let Some(chunk) = body.data().await {
            let chunk = chunk.map_err(BodyError::Broken)?;
            if buf.len() + chunk.len() > max {
                return Err(BodyError::TooLarge);
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf)
    };
    tokio::time::timeout(deadline, read).await.unwrap_or(Err(BodyError::Slow(deadline)))
}
