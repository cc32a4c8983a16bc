//! The REST backend: the contract answered by a Horizon Connection Server's REST API
//! (`/rest/...`, the endpoints of `shared/reference/horizon-rest-2512-subset.openapi.json`),
//! or by `hvapi serve`, which speaks the same API.
//!
//! It is a translator, never a second implementation: each checked contract request becomes
//! HTTP requests and each answer a contract result or fault, through the tables of
//! [`crate::rest`] that the server reads the other way. It decides no rule of the contract;
//! where the API cannot carry a detail it says so (README, "The REST backend") and answers with
//! the nearest faithful behaviour.
//!
//! Every HTTP exchange goes through one seam, [`transport`]: (method, URL, headers, body,
//! timeout) → (status, headers, body) or a transport failure, hyper + rustls on unix and
//! WinHTTP on Windows. Everything here is the same code on every platform. An exchange blocks
//! the calling thread, so a slow server delays only the calls made to it, and any number of
//! threads may call one client at once. A request is sent again only where
//! that is safe: after a 401 (refused before anything was done; once, with a fresh token) and
//! after a 429 (refused for the rate, after the server's `X-Rate-Limit-Retry-After-Seconds`,
//! a bounded number of times). Nothing else is retried.

use crate::fault::Fault;
use crate::model::id::IdType;
use crate::model::objects::UserHomeSiteBase;
use crate::model::reader::Obj;
use crate::rest::{self, contract_id, wire_id};
use crate::service::privilege;
use crate::service::query::{self, Compare, Filter, Query};
use crate::service::request::{EntitlementKind, SessionOp};
use crate::service::{json, Json, Method, Request};
use serde_json::{json as j, Map, Value};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use transport::{Exchange, Http, Tls, Url};

pub mod transport;

/// How many times a request refused with 429 is sent again, and the longest wait honoured.
const RATE_RETRIES: u32 = 5;
const RATE_MAX_WAIT: Duration = Duration::from_secs(30);
/// Default per-request timeout (`timeoutSeconds`).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// An access token whose expiry is known is refreshed this long before it.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Page size used when the backend gathers a whole list (the API's maximum).
const PAGE: u64 = rest::MAX_PAGE_SIZE;
/// How many session ids one lookup of their pods filters on (the URL stays a few kB).
const LOOKUP_IDS: usize = 25;
/// How many events one request for extended attributes names (the URL stays a few kB).
const ATTRIBUTE_IDS: usize = 200;
/// The longest wait for the logout at close.
const LOGOUT_TIMEOUT: Duration = Duration::from_secs(5);

struct Tokens {
    access: String,
    refresh: String,
    /// When the access token expires, if the token says (a JWT's `exp`).
    expires: Option<Instant>,
}

pub struct Rest {
    http: Http,
    /// `https://host:port/rest`
    base: String,
    url: String,
    username: String,
    domain: String,
    password: String,
    timeout: Duration,
    tokens: Mutex<Option<Tokens>>,
    local_pod: Option<String>,
    local_site: Option<String>,
}

/// An HTTP answer.
struct Answer {
    status: u16,
    retry_after: Option<u64>,
    total: Option<u64>,
    has_more: bool,
    body: Vec<u8>,
}

impl Answer {
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn json(&self) -> Result<Value, Fault> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(not_json)
    }
}

fn not_json(e: serde_json::Error) -> Fault {
    Fault::unexpected(format!("the server's answer is not JSON: {e}"))
}

/// A contract query's page (its members in key order, as the contract's JSON writes them).
#[derive(serde::Serialize)]
struct ContractPage<T> {
    #[serde(rename = "remainingCount")]
    remaining_count: u64,
    results: Vec<T>,
    #[serde(rename = "startingOffset")]
    starting_offset: u64,
}

/// The `exp` of a JWT access token, as an instant; `None` for opaque tokens.
fn jwt_expiry(token: &str) -> Option<Instant> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64url(payload)?;
    let exp = serde_json::from_slice::<Value>(&bytes).ok()?.get("exp")?.as_u64()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Instant::now() + Duration::from_secs(exp.saturating_sub(now)))
}

fn base64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl Rest {
    /// Opens from the configuration (README, "The REST backend") and logs in.
    pub fn open(o: &Obj) -> Result<Rest, Fault> {
        o.only(&["backend", "url", "username", "password", "domain", "verifyTls", "caFile", "timeoutSeconds"])?;
        let url = o.str("url")?.trim_end_matches('/').to_owned();
        if let Err(e) = Url::parse(&url) {
            return Err(Fault::invalid_argument("url", format!("url {url:?} must be https://host[:port] (or http:// for a test server): {e}.")));
        }
        let base = if url.ends_with("/rest") { url.clone() } else { format!("{url}/rest") };
        let verify = o.opt_bool("verifyTls")?.unwrap_or(true);
        let ca_file = o.opt_str("caFile")?;
        let timeout = o.opt_int_in("timeoutSeconds", 1, 86_400)?.map_or(DEFAULT_TIMEOUT, Duration::from_secs);
        let http = Http::new(&Tls::new(verify, ca_file)?)?;
        let mut rest = Rest {
            http,
            base,
            url,
            username: o.str("username")?.to_owned(),
            domain: o.str("domain")?.to_owned(),
            password: o.str("password")?.to_owned(),
            timeout,
            tokens: Mutex::new(None),
            local_pod: None,
            local_site: None,
        };
        rest.login()?;
        // The local pod and site, where the API gives them (no CPA: neither).
        if let Ok(pods) = rest.get_json("/federation/v1/pods", &[]) {
            if let Some(p) = pods.as_array().and_then(|a| a.iter().find(|p| p["local_pod"] == true)) {
                rest.local_pod = p["id"].as_str().map(|k| contract_id(IdType::Pod, k));
                rest.local_site = p["site_id"].as_str().map(|k| contract_id(IdType::Site, k));
            }
        }
        Ok(rest)
    }

    /// `{"backend": "rest", "user", "url", "localPod"?, "localSite"?}`.
    pub fn describe(&self) -> Value {
        let mut d = j!({"backend": "rest", "user": format!("{}\\{}", self.domain, self.username), "url": self.url});
        if let Some(p) = &self.local_pod {
            d["localPod"] = p.as_str().into();
        }
        if let Some(s) = &self.local_site {
            d["localSite"] = s.as_str().into();
        }
        d
    }

    // -----------------------------------------------------------------------------------------
    // HTTP

    /// One request, no retry, within `timeout`; a transport failure (no connection, TLS, no
    /// answer in time) is `UnexpectedFault` naming the request and the cause.
    fn send_once(&self, method: &'static str, path: &str, token: Option<&str>, body: Option<&Value>, timeout: Duration) -> Result<Answer, Fault> {
        let target = format!("{}{path}", self.base);
        let bearer = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("Accept", "application/json")];
        if let Some(b) = &bearer {
            headers.push(("Authorization", b.as_str()));
        }
        let body = body.map(|b| b.to_string());
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        let x = Exchange { method, url: &target, headers: &headers, body: body.as_deref().map(str::as_bytes), timeout };
        let r = self.http.exchange(&x).map_err(|f| Fault::unexpected(format!("{method} {target}: {}", f.describe(timeout))))?;
        let number = |name: &str| r.header(name).and_then(|v| v.trim().parse().ok());
        Ok(Answer {
            status: r.status,
            retry_after: number("X-Rate-Limit-Retry-After-Seconds"),
            total: number("X-TOTAL-COUNT"),
            has_more: r.header("HAS_MORE_RECORDS").map_or(false, |v| v.trim().eq_ignore_ascii_case("true")),
            body: r.body,
        })
    }

    fn login(&self) -> Result<(), Fault> {
        let body = j!({"domain": self.domain, "username": self.username, "password": self.password});
        let a = self.send_once("POST", "/login", None, Some(&body), self.timeout)?;
        if a.status == 401 || a.status == 403 {
            return Err(Fault::InvalidCredentials { message: format!("{}\\{} could not log in to {}.", self.domain, self.username, self.url) });
        }
        if !a.ok() {
            return Err(rest::fault_from_http(a.status, &a.body, None, &[]));
        }
        let v = a.json()?;
        let (access, refresh) = match (v["access_token"].as_str(), v["refresh_token"].as_str()) {
            (Some(access), Some(refresh)) => (access, refresh),
            _ => {
                return Err(Fault::unexpected("the login answer has no tokens"));
            }
        };
        *self.tokens.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Tokens { access: access.to_owned(), refresh: refresh.to_owned(), expires: jwt_expiry(access) });
        Ok(())
    }

    /// A new access token for the one that failed (`stale`); if another thread already has
    /// one, that is used. A refresh token that is no longer good means logging in again.
    fn refresh(&self, stale: &str) -> Result<(), Fault> {
        let refresh = {
            let t = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
            match t.as_ref() {
                Some(t) if t.access != stale => return Ok(()),
                Some(t) => Some(t.refresh.clone()),
                None => None,
            }
        };
        let refresh = match refresh {
            Some(refresh) => refresh,
            _ => return self.login(),
        };
        let a = self.send_once("POST", "/refresh", None, Some(&j!({ "refresh_token": refresh })), self.timeout)?;
        if !a.ok() {
            return self.login();
        }
        let access = a.json()?["access_token"].as_str().map(str::to_owned).ok_or_else(|| Fault::unexpected("the refresh answer has no access_token"))?;
        let mut t = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = t.as_mut() {
            t.expires = jwt_expiry(&access);
            t.access = access;
        }
        Ok(())
    }

    fn current_token(&self) -> Option<(String, bool)> {
        let t = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        t.as_ref().map(|t| (t.access.clone(), t.expires.map_or(false, |e| e <= Instant::now() + REFRESH_MARGIN)))
    }

    /// An authenticated request: refreshed before a known expiry, once more after a 401,
    /// again after a 429 (bounded). The answer whatever its status.
    fn api(&self, method: &'static str, path: &str, body: Option<&Value>) -> Result<Answer, Fault> {
        let mut refreshed = false;
        let mut rate_tries = 0;
        loop {
            let (mut token, soon) = self.current_token().unwrap_or_default();
            if soon || token.is_empty() {
                self.refresh(&token)?;
                token = self.current_token().unwrap_or_default().0;
            }
            let a = self.send_once(method, path, Some(&token), body, self.timeout)?;
            match a.status {
                401 if !refreshed => {
                    refreshed = true;
                    self.refresh(&token)?;
                }
                429 if rate_tries < RATE_RETRIES => {
                    rate_tries += 1;
                    let wait = Duration::from_secs(a.retry_after.unwrap_or(1).max(1)).min(RATE_MAX_WAIT);
                    std::thread::sleep(wait);
                }
                _ => return Ok(a),
            }
        }
    }

    /// `api`, then the JSON of a 2xx answer or the fault of any other.
    fn call_json(&self, method: &'static str, path: &str, body: Option<&Value>, id: Option<&str>, m: Method) -> Result<(Value, Answer), Fault> {
        let a = self.api(method, path, body)?;
        if !a.ok() {
            return Err(http_fault(&a, id, m));
        }
        Ok((a.json()?, a))
    }

    fn get_json(&self, path: &str, _: &[()]) -> Result<Value, Fault> {
        let a = self.api("GET", path, None)?;
        if !a.ok() {
            return Err(http_fault(&a, None, Method::InventoryQuery));
        }
        a.json()
    }

    /// Every row of a list endpoint (`query`: parameters other than paging), page by page
    /// while `HAS_MORE_RECORDS`.
    fn list_all(&self, path: &str, query: &str, m: Method) -> Result<Vec<Value>, Fault> {
        let mut rows = Vec::new();
        for page in 1.. {
            let sep = if query.is_empty() { "" } else { "&" };
            let (v, a) = self.call_json("GET", &format!("{path}?{query}{sep}page={page}&size={PAGE}"), None, None, m)?;
            let got = into_rows(v);
            let n = got.len();
            rows.extend(got);
            if !a.has_more || n == 0 {
                break;
            }
        }
        Ok(rows)
    }

    /// Every row of an endpoint that takes no paging parameters.
    fn list_unpaged(&self, path: &str, m: Method) -> Result<Vec<Value>, Fault> {
        Ok(into_rows(self.call_json("GET", path, None, None, m)?.0))
    }

    fn logout(&self) {
        let refresh = self.tokens.lock().unwrap_or_else(|e| e.into_inner()).take().map(|t| t.refresh);
        if let Some(refresh) = refresh {
            // Best effort, briefly: closing a client must not hang on a dead server.
            let _ = self.send_once("POST", "/logout", None, Some(&j!({ "refresh_token": refresh })), LOGOUT_TIMEOUT.min(self.timeout));
        }
    }

    // -----------------------------------------------------------------------------------------
    // the contract

    fn answer(&self, method: Method, request: &Request) -> Result<Json, Fault> {
        let v = match request {
            // Queries answer as text: a page's rows go from the wire to the contract's JSON directly.
            Request::SessionQuery(q) => return self.list_query("/inventory/v7/sessions", rest::SESSIONS_V7, q, method, None, false),
            Request::EventQuery(q) => return self.list_query("/external/v1/audit-events", rest::AUDIT_EVENTS, q, method, Some("id"), true),
            Request::Sessions { op, ids, batch } => self.sessions(method, op, ids, *batch),
            Request::SummaryView { id } => {
                let path = format!("/inventory/v7/sessions/{}", enc(wire_id(id)));
                Ok(rest::from_wire(rest::SESSIONS_V7, &self.call_json("GET", &path, None, Some(id), method)?.0))
            }
            Request::HomeSiteCreate(base) => self.home_site_create(base),
            Request::HomeSiteDelete { id } => {
                let items = self.bulk("DELETE", "/federation/v2/home-sites", &j!([wire_id(id)]), 1, method)?;
                item_outcome(&items[0], Some(id), method).map(|_| Value::Null)
            }
            Request::HomeSiteGet { id } => self.home_site_get(id),
            Request::HomeSiteGetInfos { ids } => {
                let mut out = Vec::new();
                for id in ids {
                    out.push(self.home_site_get(id)?);
                }
                Ok(Value::Array(out))
            }
            Request::HomeSiteList { user_or_group } => self.home_site_list(user_or_group),
            Request::HomeSiteResolve { user, entitlement, kind } => self.resolve(user, entitlement, *kind),
            Request::InventoryQuery { entity_type, query } => {
                let rows = self.inventory(entity_type, query.filter.as_ref())?;
                Ok(local_query(rows, query))
            }
            // Oldest first (by id), as the contract lists events.
            // GlobalSession_Query (a library extension): the global-sessions list of one user, pod or brokering pod.
            Request::GlobalSessionQuery { scope, id, query } => {
                let key = match *scope {
                    "user" => "user_id",
                    "pod" => "pod_id",
                    _ => "brokering_pod_id",
                };
                let wire = self.list_all("/inventory/v1/global-sessions", &format!("{key}={}", enc(wire_id(id))), method)?;
                // The wire row names the user by id only: DOMAIN\name comes from the inventory.
                let users = self.inventory("UserOrGroup", None)?;
                let name = |id: &Value| {
                    users
                        .iter()
                        .find(|u| &u["id"] == id)
                        .map(|u| format!("{}\\{}", u["domain"].as_str().unwrap_or_default(), u["name"].as_str().unwrap_or_default()))
                };
                let pod = |mut row: Value| {
                    row["pod"] = row["pod"]["id"].take();
                    if let Some(n) = name(&row["referenceData"]["user"]) {
                        row["namesData"]["userName"] = n.into();
                    }
                    row
                };
                Ok(local_query(wire.iter().map(|r| pod(rest::from_wire(rest::GLOBAL_SESSIONS, r))).collect(), query))
            }
        };
        Ok(json(&v?))
    }

    /// A bulk endpoint: the whole call's fault, or one `BulkItemResponseInfo` per input.
    fn bulk(&self, verb: &'static str, path: &str, body: &Value, n: usize, m: Method) -> Result<Vec<Value>, Fault> {
        let (v, _) = self.call_json(verb, path, Some(body), None, m)?;
        match v {
            Value::Array(items) if items.len() == n => Ok(items),
            other => {
                Err(Fault::unexpected(format!("the server answered {} items for {n} (expected one per input): {other}", other.as_array().map_or(0, Vec::len))))
            }
        }
    }

    /// A session action: one request to the local pod's endpoint with every id; the items it
    /// does not find that are another pod's sessions then go to the global-session endpoint
    /// with their pod (contract 5.2: a request to the session's pod).
    fn sessions(&self, method: Method, op: &SessionOp, ids: &[String], batch: bool) -> Result<Value, Fault> {
        let mut results = self.local_items(method, op, ids.iter())?;
        let missing: Vec<usize> = (0..ids.len()).filter(|&i| matches!(results[i], Some(Fault::EntityNotFound { .. }))).collect();
        // Without CPA every session is the local pod's.
        if !missing.is_empty() && self.local_pod.is_some() {
            self.remote_sessions(method, op, ids, &missing, &mut results);
        }
        // The contract's per-item InvalidArgument of a session action is about its `id` (reset
        // or restart of a session that cannot be reset); the wire does not say so.
        let results: Vec<Option<Fault>> = results.into_iter().map(|r| r.map(|f| with_parameter(f, "id"))).collect();
        if !batch {
            return results.into_iter().next().flatten().map_or(Ok(Value::Null), Err);
        }
        if results.iter().all(Option::is_none) {
            Ok(Value::Null)
        } else {
            Err(Fault::PartialFailure { results })
        }
    }

    /// The outcome of each of `ids` at the local pod's action endpoint, in requests of at
    /// most the server's [`rest::MAX_BULK_ITEMS`], in input order. A fault about the whole
    /// first request is the error; one about a later request is each of its items' (the
    /// earlier requests acted).
    fn local_items<'a>(&self, method: Method, op: &SessionOp, ids: impl ExactSizeIterator<Item = &'a String> + Clone) -> Result<Vec<Option<Fault>>, Fault> {
        let ids: Vec<&String> = ids.collect();
        let mut outcomes = Vec::with_capacity(ids.len());
        for (k, chunk) in ids.chunks(rest::MAX_BULK_ITEMS).enumerate() {
            let wire: Vec<&str> = chunk.iter().map(|i| wire_id(i)).collect();
            let (path, body) = session_action(op, j!(wire), false);
            match self.bulk("POST", &format!("/inventory/v1/sessions/action/{path}"), &body, wire.len(), method) {
                Ok(items) => outcomes.extend(items.iter().zip(chunk).map(|(item, id)| item_outcome(item, Some(id), method).err())),
                Err(f) if k == 0 => return Err(f),
                Err(f) => outcomes.extend(chunk.iter().map(|_| Some(f.clone()))),
            }
        }
        Ok(outcomes)
    }

    /// The items of `ids` at `missing`, which the local pod did not find, sent through the
    /// global-session endpoint to the pods that have them; that outcome becomes the item's.
    /// Their pods are found by listing the global sessions with those ids. A caller who may
    /// not list them (no view privilege) is sent to each other pod in turn until one has the
    /// session: a pod without it answers 404 and does nothing. An id no pod has stays not
    /// found. A failure to look or to send is the item's `UnexpectedFault`, since the other
    /// items were already acted on.
    fn remote_sessions(&self, method: Method, op: &SessionOp, ids: &[String], missing: &[usize], results: &mut [Option<Fault>]) {
        let not_found = |r: &Option<Fault>| matches!(r, Some(Fault::EntityNotFound { .. }));
        let pods = match self.list_unpaged("/federation/v1/pods", method) {
            Ok(pods) => pods.iter().filter(|p| p["local_pod"] != true).filter_map(|p| p["id"].as_str().map(str::to_owned)).collect::<Vec<_>>(),
            Err(f) => return unplaced(ids, missing, results, &f),
        };
        let wanted: Vec<&str> = missing.iter().map(|&i| wire_id(&ids[i])).collect();
        match self.session_pods(&pods, &wanted, method) {
            Ok(found) => {
                let placed: Vec<(usize, &str)> = missing.iter().filter_map(|&i| Some((i, found.get(wire_id(&ids[i]))?.as_str()))).collect();
                self.send_global(method, op, ids, &placed, results);
            }
            Err(Fault::InsufficientPermission { .. }) => {
                for pod in &pods {
                    let left: Vec<(usize, &str)> = missing.iter().filter(|&&i| not_found(&results[i])).map(|&i| (i, pod.as_str())).collect();
                    if left.is_empty() {
                        break;
                    }
                    self.send_global(method, op, ids, &left, results);
                }
            }
            Err(f) => unplaced(ids, missing, results, &f),
        }
    }

    /// The pod of each of `ids` (wire ids) that is a session of one of `pods`, found with
    /// `GET /inventory/v1/global-sessions?pod_id=…` filtered on the ids (a few at a time, to
    /// keep the URL short), pod by pod until every id is placed.
    fn session_pods(&self, pods: &[String], ids: &[&str], m: Method) -> Result<HashMap<String, String>, Fault> {
        let mut unique: Vec<&str> = Vec::new();
        for id in ids {
            if !unique.contains(id) {
                unique.push(id);
            }
        }
        let mut found = HashMap::new();
        for pod in pods {
            let left: Vec<&str> = unique.iter().copied().filter(|id| !found.contains_key(*id)).collect();
            for chunk in left.chunks(LOOKUP_IDS) {
                let equals: Vec<Value> = chunk.iter().map(|id| j!({"type": "Equals", "name": "id", "value": id})).collect();
                let filter = if equals.len() == 1 { equals[0].clone() } else { j!({"type": "Or", "filters": equals}) };
                let query = format!("pod_id={}&filter={}", enc(pod), enc(&filter.to_string()));
                for row in self.list_all("/inventory/v1/global-sessions", &query, m)? {
                    if let Some(id) = row["id"].as_str().filter(|id| chunk.contains(id)) {
                        found.insert(id.to_owned(), row["pod_id"].as_str().unwrap_or(pod).to_owned());
                    }
                }
            }
        }
        Ok(found)
    }

    /// The items at `placed` (index into `ids`, the pod to ask) through the global-session
    /// endpoint: one request per round, one `GlobalSessionActionSpec` per pod, pods and ids
    /// in input order. The API wants each id once per request, so the n-th repeat of an id
    /// goes in the n-th round: duplicates are processed in turn, as the contract does. A
    /// repeat whose session the previous one ended (a logoff, reset or restart that
    /// succeeded) is an id no pod has by then: it goes to the local pod, which answers and
    /// records it as the contract does (not found, the `_FAILED` event).
    fn send_global(&self, method: Method, op: &SessionOp, ids: &[String], placed: &[(usize, &str)], results: &mut [Option<Fault>]) {
        // Per round: (item, its pod, the item of the id's previous occurrence).
        let mut rounds: Vec<Vec<(usize, &str, Option<usize>)>> = Vec::new();
        let mut seen: HashMap<&str, (usize, usize)> = HashMap::new();
        for &(i, pod) in placed {
            let (n, prev) = match seen.get(wire_id(&ids[i])) {
                Some(&(n, prev)) => (n, Some(prev)),
                None => (0, None),
            };
            seen.insert(wire_id(&ids[i]), (n + 1, i));
            if rounds.len() <= n {
                rounds.push(Vec::new());
            }
            rounds[n].push((i, pod, prev));
        }
        let ends = matches!(op, SessionOp::Logoff { .. } | SessionOp::Reset | SessionOp::Restart);
        for round in rounds {
            let (gone, round): (Vec<_>, Vec<_>) = round.into_iter().partition(|&(_, _, prev)| ends && prev.map_or(false, |p| results[p].is_none()));
            if !gone.is_empty() {
                let outcomes = self.local_items(method, op, gone.iter().map(|&(i, _, _)| &ids[i]));
                for (k, &(i, _, _)) in gone.iter().enumerate() {
                    results[i] = match &outcomes {
                        Ok(o) => o[k].clone(),
                        Err(f) => Some(f.clone()),
                    };
                }
            }
            // At most the server's MAX_BULK_ITEMS ids per request, in input order.
            for part in round.chunks(rest::MAX_BULK_ITEMS) {
                self.send_global_part(method, op, ids, part, results);
            }
        }
    }

    /// One request of [`Rest::send_global`]: `part`'s items (each id once), one spec per pod.
    fn send_global_part(&self, method: Method, op: &SessionOp, ids: &[String], part: &[(usize, &str, Option<usize>)], results: &mut [Option<Fault>]) {
        let mut specs: Vec<(&str, Vec<usize>)> = Vec::new();
        for &(i, pod, _) in part {
            match specs.iter_mut().find(|(p, _)| *p == pod) {
                Some((_, items)) => items.push(i),
                None => specs.push((pod, vec![i])),
            }
        }
        let wire: Vec<Value> =
            specs.iter().map(|(pod, items)| j!({"pod_id": pod, "ids": items.iter().map(|&i| wire_id(&ids[i])).collect::<Vec<_>>()})).collect();
        let (path, body) = session_action(op, Value::Array(wire), true);
        let answer = self.api("POST", &format!("/inventory/v1/global-sessions/action/{path}"), Some(&body));
        // One BulkGlobalSessionActionResponseInfo per spec.
        let answers = match &answer {
            Ok(a) if a.ok() => a.json().ok().map(into_rows).filter(|v| v.len() == specs.len()),
            _ => None,
        };
        for (k, (_, items)) in specs.iter().enumerate() {
            let spec = answers.as_ref().map(|a| &a[k]);
            let spec_ok = spec.and_then(|s| s["status_code"].as_u64()).map_or(false, |c| (200..300).contains(&c));
            for (n, &i) in items.iter().enumerate() {
                let id = Some(ids[i].as_str());
                results[i] = match (&answer, spec) {
                    (Err(f), _) => Some(Fault::unexpected(format!("the request to the pod of {} failed: {f}", ids[i]))),
                    (Ok(a), _) if !a.ok() => Some(http_fault(a, id, method)),
                    (Ok(_), None) => Some(Fault::unexpected("the answer to a global-session action is not one BulkGlobalSessionActionResponseInfo per pod")),
                    (Ok(_), Some(spec)) if !spec_ok => Some(rest::fault_of_item(spec, id, &privilege::rule(method).names())),
                    (Ok(_), Some(spec)) => match spec["details"].get(n) {
                        Some(item) => item_outcome(item, id, method).err().map(|f| remote_fault(f, method)),
                        None => Some(Fault::unexpected("the answer to a global-session action lacks an item")),
                    },
                };
            }
        }
    }

    /// A contract query on a list endpoint (`path`, rows of `fields`): filtered, sorted and
    /// paged by the server where every member it names has a wire field of its own (without
    /// `sortBy`, by `default_sort` ascending when given); otherwise every row is fetched and
    /// the query runs here, on rows in `default_sort` order.
    /// With `event_attributes`, the rows are events completed with their extended
    /// attributes ([`Rest::event_attributes`]) before the query runs here, or on the page.
    fn list_query(&self, path: &str, fields: rest::Fields, q: &Query, m: Method, default_sort: Option<&str>, event_attributes: bool) -> Result<Json, Fault> {
        let filter = match &q.filter {
            None => Some(None),
            Some(f) => rest::filter_to_wire(fields, f).map(Some),
        };
        let sort = match &q.sort_by {
            None => Some(default_sort.and_then(|d| rest::sort_to_wire(fields, d))),
            Some(member) => rest::sort_to_wire(fields, member).map(Some),
        };
        let (filter, sort) = match (filter, sort) {
            (Some(filter), Some(sort)) => (filter, sort),
            _ => {
                let mut rows: Vec<Value> = self.list_all(path, "", m)?.iter().map(|r| rest::from_wire(fields, r)).collect();
                if let Some(d) = default_sort {
                    rows.sort_by(|a, b| order(query::member(a, d), query::member(b, d), false));
                }
                if event_attributes {
                    self.event_attributes(&mut rows);
                }
                return Ok(json(&local_query(rows, q)));
            }
        };
        let mut params = String::new();
        if let Some(f) = filter {
            params.push_str(&format!("filter={}&", enc(&f.to_string())));
        }
        if let Some(s) = sort {
            let descending = q.sort_by.is_some() && q.sort_descending;
            params.push_str(&format!("sort_by={s}&order_by={}&", if descending { "DESC" } else { "ASC" }));
        }
        if event_attributes {
            // Events are completed with their extended attributes, as JSON values.
            let read = |a: &Answer| Ok(into_rows(a.json()?).iter().map(|r| rest::from_wire(fields, r)).collect());
            let mut page = self.server_pages(path, &params, q, m, read)?;
            self.event_attributes(&mut page.results);
            return Ok(json(&page));
        }
        let read = |a: &Answer| match a.body.iter().all(u8::is_ascii_whitespace) {
            true => Ok(Vec::new()),
            false => rest::rows_from_wire(fields, &a.body).map_err(not_json),
        };
        Ok(json(&self.server_pages(path, &params, q, m, read)?))
    }

    /// The rows `q` pages over (from `startingOffset`, at most `limit`) of a list the server
    /// filters and sorts (`params`), each page's rows read by `read`.
    fn server_pages<T>(
        &self,
        path: &str,
        params: &str,
        q: &Query,
        m: Method,
        read: impl Fn(&Answer) -> Result<Vec<T>, Fault>,
    ) -> Result<ContractPage<T>, Fault> {
        // Pages of the API's largest size from the one holding startingOffset, until limit rows.
        let (offset, limit) = (q.starting_offset as u64, q.limit as u64);
        let mut page = offset / PAGE + 1;
        let mut skip = (offset % PAGE) as usize;
        let mut results = Vec::new();
        let mut total = None;
        loop {
            let a = self.api("GET", &format!("{path}?{params}page={page}&size={PAGE}"), None)?;
            if !a.ok() {
                // A page past the end is a 400; the list is then shorter than startingOffset.
                if page > 1 && a.status == 400 && results.is_empty() {
                    let first = format!("{path}?{params}page=1&size=1");
                    let (_, a1) = self.call_json("GET", &first, None, None, m)?;
                    total = a1.total;
                    break;
                }
                return Err(http_fault(&a, None, m));
            }
            total = a.total.or(total);
            let rows = read(&a)?;
            let n = rows.len();
            for r in rows.into_iter().skip(skip) {
                if results.len() as u64 >= limit {
                    break;
                }
                results.push(r);
            }
            skip = 0;
            if results.len() as u64 >= limit || !a.has_more || n == 0 {
                if total.is_none() && a.has_more {
                    // No total from the server: count what is left by paging on.
                    let mut count = (page - 1) * PAGE + n as u64;
                    let mut p = page + 1;
                    loop {
                        let (v, ap) = self.call_json("GET", &format!("{path}?{params}page={p}&size={PAGE}"), None, None, m)?;
                        count += v.as_array().map_or(0, |x| x.len() as u64);
                        if !ap.has_more {
                            break;
                        }
                        p += 1;
                    }
                    total = Some(count);
                }
                break;
            }
            page += 1;
        }
        let total = total.unwrap_or(offset + results.len() as u64);
        let remaining = total.saturating_sub(offset + results.len() as u64);
        Ok(ContractPage { remaining_count: remaining, results, starting_offset: offset })
    }

    /// Completes events (contract form) with the members `AuditEventSummary` lacks, from
    /// `GET /external/v1/audit-events/extended-attributes` ([`rest::EVENT_ATTRIBUTES`]), a
    /// few hundred ids a request. A server that does not give them (an error, or other keys)
    /// leaves the events as they are: the members are then missing (README).
    fn event_attributes(&self, events: &mut [Value]) {
        for chunk in events.chunks_mut(ATTRIBUTE_IDS) {
            let ids: Vec<String> = chunk.iter().filter_map(|e| e["id"].as_u64()).map(|id| format!("ids={id}")).collect();
            if ids.is_empty() {
                continue;
            }
            let a = match self.api("GET", &format!("/external/v1/audit-events/extended-attributes?{}", ids.join("&")), None) {
                Ok(a) => a,
                _ => {
                    return;
                }
            };
            let infos = match a.ok().then(|| a.json().ok()).flatten().map(into_rows) {
                Some(infos) => infos,
                _ => {
                    return;
                }
            };
            for info in infos {
                let event = match chunk.iter_mut().find(|e| e["id"] == info["id"]) {
                    Some(event) => event,
                    _ => continue,
                };
                for (key, member, ty) in rest::EVENT_ATTRIBUTES {
                    if let Some(v) = info["event_data"].get(*key).and_then(Value::as_str) {
                        event[*member] = ty.map_or_else(|| v.to_owned(), |ty| contract_id(ty, v)).into();
                    }
                }
            }
        }
    }

    fn home_site_create(&self, base: &UserHomeSiteBase) -> Result<Value, Fault> {
        let mut spec = Map::new();
        spec.insert("ad_user_or_group_id".into(), wire_id(&base.user_or_group).into());
        spec.insert("site_id".into(), wire_id(&base.site).into());
        if let Some(e) = &base.global_entitlement {
            spec.insert("global_desktop_entitlement_id".into(), wire_id(e).into());
        }
        if let Some(e) = &base.global_application_entitlement {
            spec.insert("global_application_entitlement_id".into(), wire_id(e).into());
        }
        let items = self.bulk("POST", "/federation/v2/home-sites", &Value::Array(vec![Value::Object(spec)]), 1, Method::UserHomeSiteCreate)?;
        if let Err(f) = item_outcome(&items[0], None, Method::UserHomeSiteCreate) {
            return Err(match f {
                // A base naming no entity: which one, asked of the API.
                Fault::EntityNotFound { message, .. } => {
                    let mut asked = vec![(AD, base.user_or_group.as_str()), (SITES, base.site.as_str())];
                    asked.extend(base.global_entitlement.as_deref().map(|e| (GDE, e)));
                    asked.extend(base.global_application_entitlement.as_deref().map(|e| (GAE, e)));
                    Fault::EntityNotFound { id: self.first_missing(&asked).unwrap_or_default(), message }
                }
                // The one InvalidArgument a create decided by the federation: another site.
                f => with_parameter(f, "base.site"),
            });
        }
        let id = items[0]["id"].as_str().ok_or_else(|| Fault::unexpected("the server created a home site without an id"))?;
        Ok(contract_id(IdType::UserHomeSite, id).into())
    }

    fn home_site_get(&self, id: &str) -> Result<Value, Fault> {
        let path = format!("/federation/v2/home-sites/{}", enc(wire_id(id)));
        Ok(rest::from_wire(rest::HOME_SITES_V1, &self.call_json("GET", &path, None, Some(id), Method::UserHomeSiteGet)?.0))
    }

    /// The configurations made directly on a user or group: the v2 list filtered on it. An
    /// empty list is checked against the AD endpoint, so an unknown id is `EntityNotFound`.
    fn home_site_list(&self, owner: &str) -> Result<Value, Fault> {
        let filter = j!({"type": "Equals", "name": "ad_user_or_group_id", "value": wire_id(owner)}).to_string();
        let rows = self.list_all("/federation/v2/home-sites", &format!("filter={}", enc(&filter)), Method::UserHomeSiteList)?;
        if rows.is_empty() {
            let path = format!("/external/v1/ad-users-or-groups/{}", enc(wire_id(owner)));
            self.call_json("GET", &path, None, Some(owner), Method::UserHomeSiteList)?;
        }
        Ok(Value::Array(rows.iter().map(|r| rest::from_wire(rest::HOME_SITES_V1, r)).collect()))
    }

    /// Resolve from the resolve action: the resolved configuration first, then the conflicts
    /// in the server's order; `null` when nothing resolves.
    fn resolve(&self, user: &str, entitlement: &str, kind: EntitlementKind) -> Result<Value, Fault> {
        let (method, ent_key, member, ent_path) = (kind.resolve_method(), kind.wire_key(), kind.key(), kind.path());
        let body = j!({"user_id": wire_id(user), ent_key: wire_id(entitlement)});
        let (v, _) = match self.call_json("POST", "/federation/v2/home-sites/action/resolve", Some(&body), None, method) {
            Ok(v) => v,
            Err(Fault::EntityNotFound { message, .. }) => {
                return Err(Fault::EntityNotFound { id: self.first_missing(&[(AD, user), (ent_path, entitlement)]).unwrap_or_default(), message })
            }
            // A group where a user goes, or a user not entitled: the API does not say which.
            Err(f @ Fault::InvalidArgument { parameter_name: None, .. }) => {
                let path = format!("{AD}/{}", enc(wire_id(user)));
                let group = self.get_json(&path, &[]).map_or(false, |u| u["group"] == true);
                return Err(with_parameter(f, if group { "user" } else { kind.key() }));
            }
            Err(f) => return Err(f),
        };
        let info = v.as_array().and_then(|a| a.iter().find(|i| i[ent_key] == wire_id(entitlement))).cloned().unwrap_or(Value::Null);
        let mut data = info.get("resolution_data_v2").or_else(|| info.get("resolution_data")).and_then(Value::as_array).cloned().unwrap_or_default();
        if data.is_empty() {
            return Ok(Value::Null);
        }
        // Stable: the resolved entry first, the others as the server listed them.
        data.sort_by_key(|d| d["resolved"] != true);
        let out: Vec<Value> = data
            .iter()
            .map(|d| {
                let owner = d["group_id"].as_str().map_or_else(|| user.to_owned(), |g| contract_id(IdType::UserOrGroup, g));
                let mut base = j!({"userOrGroup": owner, "site": contract_id(IdType::Site, d["site_id"].as_str().unwrap_or_default())});
                if d["type"].as_str().map_or(false, |t| t.ends_with("_OVERRIDE")) {
                    base[member] = entitlement.into();
                }
                j!({"id": contract_id(IdType::UserHomeSite, d["id"].as_str().unwrap_or_default()), "base": base})
            })
            .collect();
        Ok(Value::Array(out))
    }

    /// The inventory rows of an entity type, in the contract's form (README: what the API
    /// does not carry). Where the endpoint filters, the part of `filter` it can apply is
    /// sent along ([`pushdown`]): all the rows that can match, not every row.
    fn inventory(&self, entity_type: &str, filter: Option<&Filter>) -> Result<Vec<Value>, Fault> {
        let m = Method::InventoryQuery;
        let narrowed = |fields: rest::Fields| {
            filter.and_then(|f| pushdown(fields, f, NAMED_FILTERS)).map_or_else(String::new, |w| format!("filter={}", enc(&w.to_string())))
        };
        let keep = |row: Value, keys: &[&str]| -> Value {
            let mut o = Map::new();
            for k in keys {
                if let Some(v) = row.get(*k) {
                    o.insert((*k).to_owned(), v.clone());
                }
            }
            Value::Object(o)
        };
        Ok(match entity_type {
            "UserOrGroup" => {
                let rows: Vec<Value> = self.list_all(AD, &narrowed(rest::AD_SUMMARY), m)?.iter().map(|r| rest::from_wire(rest::AD_SUMMARY, r)).collect();
                // The display name only where it is not the default, as the embedded backend reports it.
                let shown = |r: &Value| {
                    r["displayName"].as_str() != Some(&format!("{}\\{}", r["domain"].as_str().unwrap_or_default(), r["name"].as_str().unwrap_or_default()))
                };
                let keys: [&[&str]; 2] = [&["id", "name", "domain", "group"], &["id", "name", "domain", "group", "displayName"]];
                rows.into_iter().map(|r| keep(r.clone(), keys[shown(&r) as usize])).collect()
            }
            "Site" => self.list_unpaged("/federation/v1/sites", m)?.iter().map(|r| keep(rest::from_wire(rest::SITES, r), &["id", "name"])).collect(),
            "Pod" => self.list_unpaged("/federation/v1/pods", m)?.iter().map(|r| keep(rest::from_wire(rest::PODS, r), &["id", "name", "site"])).collect(),
            "GlobalEntitlement" | "GlobalApplicationEntitlement" => {
                let kind = if entity_type == "GlobalEntitlement" { EntitlementKind::Desktop } else { EntitlementKind::Application };
                let fields = kind.fields(false);
                self.list_all(kind.path(), &narrowed(fields), m)?.iter().map(|r| keep(rest::from_wire(fields, r), &["id", "name"])).collect()
            }
            other => {
                return Err(Fault::invalid_argument(
                    "entityType",
                    format!("The REST backend cannot list {other}: the Horizon REST API hvapi speaks has no endpoint for it (README, \"The REST backend\")."),
                ))
            }
        })
    }
}

const AD: &str = "/external/v1/ad-users-or-groups";
const SITES: &str = "/federation/v1/sites";
const GDE: &str = EntitlementKind::Desktop.path();
const GAE: &str = EntitlementKind::Application.path();

impl Rest {
    /// The first of `(endpoint, contract id)` whose entity the server does not know (404).
    fn first_missing(&self, asked: &[(&str, &str)]) -> Option<String> {
        for (path, id) in asked {
            let a = self.api("GET", &format!("{path}/{}", enc(wire_id(id))), None).ok()?;
            if a.status == 404 {
                return Some((*id).to_owned());
            }
        }
        None
    }
}

/// The comparisons the AD and entitlement lists apply (the API's "Supported Filters" on
/// `id` and `name`).
const NAMED_FILTERS: &[(&str, &[Compare])] = &[("id", &[Compare::Equals]), ("name", &[Compare::Equals, Compare::StartsWith, Compare::Contains])];

/// A comparison of `filter` that a list endpoint applies (one of `supported`), alone or in a
/// top-level And: its wire filter. Sent along, it narrows what is fetched; the whole filter
/// still runs on the rows here, so a server that matches more broadly (e.g. Equals without
/// regard to case) changes nothing.
fn pushdown(fields: rest::Fields, filter: &Filter, supported: &[(&str, &[Compare])]) -> Option<Value> {
    match filter {
        Filter::And(fs) => fs.iter().find_map(|f| pushdown(fields, f, supported)),
        Filter::Compare { op, member, .. } if supported.iter().any(|(m, ops)| m == member && ops.contains(op)) => rest::filter_to_wire(fields, filter),
        _ => None,
    }
}

/// The elements of a JSON array answer, taken (not copied); anything else has none.
fn into_rows(v: Value) -> Vec<Value> {
    match v {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    }
}

/// The fault of a remote session's item: a refusal names the federation's privileges only,
/// the only ones that reach another pod's session (contract 5.1).
fn remote_fault(f: Fault, m: Method) -> Fault {
    match f {
        Fault::InsufficientPermission { resource, access_group, message, .. } => {
            Fault::InsufficientPermission { privileges: privilege::rule(m).federation.iter().map(|p| p.name()).collect(), resource, access_group, message }
        }
        f => f,
    }
}

/// The items at `missing` whose pods could not be looked for (`why`): each an `UnexpectedFault`.
fn unplaced(ids: &[String], missing: &[usize], results: &mut [Option<Fault>], why: &Fault) {
    for &i in missing {
        results[i] = Some(Fault::unexpected(format!("{} is not a session of the local pod, and the other pods could not be asked: {why}", ids[i])));
    }
}

/// A session action's endpoint below `…/action/` and its body around `ids`: the local
/// endpoint's array of session ids, or the global endpoint's array of `GlobalSessionActionSpec`s.
fn session_action(op: &SessionOp, ids: Value, global: bool) -> (String, Value) {
    let path = match op {
        SessionOp::Disconnect => "disconnect".to_owned(),
        SessionOp::Logoff { forced } => format!("logoff?forced={forced}"),
        SessionOp::Reset => "reset".to_owned(),
        SessionOp::Restart => "restart".to_owned(),
        SessionOp::SendMessage { .. } => "send-message".to_owned(),
    };
    let body = match op {
        SessionOp::SendMessage { msg_type, message } => {
            let key = if global { "global_session_action_specs" } else { "session_ids" };
            j!({"message": message, "message_type": msg_type, key: ids})
        }
        _ => ids,
    };
    (path, body)
}

/// An `InvalidArgument` without a parameter (the wire carries none) given the one the
/// contract names for it.
fn with_parameter(f: Fault, parameter: &str) -> Fault {
    match f {
        Fault::InvalidArgument { parameter_name: None, message } => Fault::InvalidArgument { parameter_name: Some(parameter.to_owned()), message },
        f => f,
    }
}

/// The fault of a non-2xx answer to a call of `m` about `id`.
fn http_fault(a: &Answer, id: Option<&str>, m: Method) -> Fault {
    rest::fault_from_http(a.status, &a.body, id, &privilege::rule(m).names())
}

/// One `BulkItemResponseInfo`: success, or its fault.
fn item_outcome(item: &Value, id: Option<&str>, m: Method) -> Result<(), Fault> {
    match item.get("status_code").and_then(Value::as_u64) {
        Some(200..=299) => Ok(()),
        _ => Err(rest::fault_of_item(item, id, &privilege::rule(m).names())),
    }
}

/// The sort order of two member values: numbers as numbers, strings as strings, missing last.
fn order(a: Option<&Value>, b: Option<&Value>, descending: bool) -> Ordering {
    fn rank(v: &Value) -> (u8, f64, String) {
        match v {
            Value::Bool(b) => (0, *b as u8 as f64, String::new()),
            Value::Number(n) => (1, n.as_f64().unwrap_or(0.0), String::new()),
            Value::String(s) => (2, 0.0, s.clone()),
            other => (3, 0.0, other.to_string()),
        }
    }
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Greater,
        (_, None) => Ordering::Less,
        (Some(a), Some(b)) => {
            let (ra, rb) = (rank(a), rank(b));
            let o = ra.0.cmp(&rb.0).then(ra.1.partial_cmp(&rb.1).unwrap_or(Ordering::Equal)).then(ra.2.cmp(&rb.2));
            if descending {
                o.reverse()
            } else {
                o
            }
        }
    }
}

/// A contract query over rows the backend gathered: the contract's filter semantics
/// (`Filter::matches`), a stable sort (missing last), then the page.
fn local_query(rows: Vec<Value>, q: &Query) -> Value {
    let mut rows: Vec<Value> = rows.into_iter().filter(|r| q.filter.as_ref().map_or(true, |f| f.matches(r))).collect();
    if let Some(m) = &q.sort_by {
        rows.sort_by(|a, b| order(query::member(a, m), query::member(b, m), q.sort_descending));
    }
    let total = rows.len();
    let results: Vec<Value> = rows.into_iter().skip(q.starting_offset).take(q.limit).collect();
    let remaining = total.saturating_sub(q.starting_offset + results.len());
    j!({"results": results, "startingOffset": q.starting_offset, "remainingCount": remaining})
}

impl super::Backend for Rest {
    fn call(&self, method: Method, request: &Request) -> Result<Json, Fault> {
        self.answer(method, request)
    }

    fn describe(&self) -> Value {
        Rest::describe(self)
    }
}

impl Drop for Rest {
    /// Logs out at `hv_client_close`.
    fn drop(&mut self) {
        self.logout();
    }
}
