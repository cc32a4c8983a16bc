//! The REST backend's own behaviour, beyond the contract suites (which run against it with
//! `HVAPI_TEST_BACKEND=rest`): login and its faults, token refresh, logout at close, 429
//! retries, a server that dies mid-call, timeouts, TLS with a test CA, calls from many threads,
//! and a slow server that must not delay another client. `hvapi serve` is the server where a
//! real one will do; a scripted fake (a few lines over a TcpListener) where the test needs a
//! server to misbehave.

mod common;
use common::*;
use hvapi::{Client, Method};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn rest_config(url: &str, user: &str, domain: &str, password: &str) -> Value {
    json!({"backend": "rest", "url": url, "username": user, "domain": domain, "password": password})
}

// ---------------------------------------------------------------------------------------------
// a scripted fake server

/// What the fake answers: (status, extra headers, body), or `None` to close the connection
/// without answering (a server that dies mid-call).
type Reply = Option<(u16, Vec<(&'static str, String)>, String)>;

struct Fake {
    url: String,
    /// "METHOD /path?query" of every request, in arrival order.
    log: Arc<Mutex<Vec<String>>>,
}

impl Fake {
    fn start(script: impl Fn(&str, &str, usize) -> Reply + Send + Sync + 'static) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let (log2, script) = (Arc::clone(&log), Arc::new(script));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let mut stream = match stream {
                    Ok(stream) => stream,
                    _ => continue,
                };
                let (log, script) = (Arc::clone(&log2), Arc::clone(&script));
                std::thread::spawn(move || {
                    let mut r = BufReader::new(stream.try_clone().unwrap());
                    let mut first = String::new();
                    if r.read_line(&mut first).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut len = 0;
                    loop {
                        let mut h = String::new();
                        r.read_line(&mut h).unwrap();
                        if h.trim().is_empty() {
                            break;
                        }
                        if let Some((k, v)) = h.split_once(':') {
                            if k.eq_ignore_ascii_case("content-length") {
                                len = v.trim().parse().unwrap();
                            }
                        }
                    }
                    let mut body = vec![0; len];
                    r.read_exact(&mut body).unwrap();
                    let mut parts = first.split_whitespace();
                    let (method, target) = (parts.next().unwrap().to_owned(), parts.next().unwrap().to_owned());
                    let n = {
                        let mut l = log.lock().unwrap();
                        l.push(format!("{method} {target}"));
                        l.iter().filter(|x| x.split('?').next() == Some(&format!("{method} {}", target.split('?').next().unwrap()))).count()
                    };
                    if let Some((status, headers, body)) = script(&method, &target, n) {
                        let mut head =
                            format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
                        for (k, v) in headers {
                            head.push_str(&format!("{k}: {v}\r\n"));
                        }
                        head.push_str("\r\n");
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(body.as_bytes());
                    }
                    // Dropping the stream closes it (with or without an answer).
                });
            }
        });
        Fake { url, log }
    }

    fn count(&self, prefix: &str) -> usize {
        self.log.lock().unwrap().iter().filter(|l| l.starts_with(prefix)).count()
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn ok(body: Value) -> Reply {
    Some((200, vec![], body.to_string()))
}

/// The answers every fake gives: login, refresh, logout and the pods asked for at open.
fn auth(method: &str, target: &str) -> Option<Reply> {
    match (method, target) {
        ("POST", "/rest/login") => Some(ok(json!({"access_token": "a1", "refresh_token": "r1"}))),
        ("POST", "/rest/refresh") => Some(ok(json!({"access_token": "a2"}))),
        ("POST", "/rest/logout") => Some(Some((200, vec![], String::new()))),
        ("GET", "/rest/federation/v1/pods") => Some(ok(json!([{"id": "p1", "name": "p1", "site_id": "s1", "local_pod": true}]))),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// login, describe, logout

#[test]
fn open_logs_in_and_describes_the_connection() {
    let w = fixture();
    let s = Served::world(&w.0, &[]);
    let c = Client::open(&s.config("administrator", "CORP", "any")).unwrap();
    assert_eq!(c.describe(), json!({"backend": "rest", "user": "CORP\\administrator", "url": s.url, "localPod": "Pod/east-1", "localSite": "Site/east"}));
    // The URL may be given with or without /rest.
    let base = s.url.trim_end_matches("/rest");
    assert!(Client::open(&rest_config(base, "administrator", "CORP", "any")).is_ok());
}

#[test]
fn wrong_credentials_and_unreachable_servers() {
    let w = fixture().admin("a", &[("MACHINE_VIEW", "AccessGroup/root")]);
    let s = Served::world(&w.0, &[]);
    assert_fault(Client::open(&s.config("a", "CORP", "wrong")).map(|_| Value::Null), "InvalidCredentials", json!({}));
    assert!(Client::open(&s.config("a", "CORP", "pw")).is_ok());
    // Nothing listens on port 1: UnexpectedFault with the cause.
    let f = assert_fault(Client::open(&rest_config("http://127.0.0.1:1", "a", "CORP", "pw")).map(|_| Value::Null), "UnexpectedFault", json!({}));
    assert!(f["causeString"].as_str().unwrap().contains("127.0.0.1:1"), "{f}");
    let bad = |c: Value, p: &str| assert_fault(Client::open(&c).map(|_| Value::Null), "InvalidArgument", json!({ "parameterName": p }));
    bad(json!({"backend": "rest", "url": s.url, "username": "a", "domain": "CORP"}), "password");
    bad(json!({"backend": "rest", "url": "not a url", "username": "a", "domain": "CORP", "password": "pw"}), "url");
    bad(json!({"backend": "rest", "url": s.url, "username": "a", "domain": "CORP", "password": "pw", "caFile": "/nonexistent.pem"}), "caFile");
    bad(json!({"backend": "rest", "url": s.url, "username": "a", "domain": "CORP", "password": "pw", "timeoutSeconds": 0}), "timeoutSeconds");
}

#[test]
fn logout_at_close() {
    let fake = Fake::start(|m, t, _| auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))));
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    assert_eq!(fake.count("POST /rest/logout"), 0);
    drop(c);
    assert_eq!(fake.count("POST /rest/logout"), 1, "{:?}", fake.log());
}

// ---------------------------------------------------------------------------------------------
// tokens

#[test]
fn an_expired_token_is_refreshed_mid_run() {
    let w = fixture();
    let s = Served::world(&w.0, &["--token-ttl", "1"]);
    let c = Client::open(&s.config("administrator", "CORP", "any")).unwrap();
    let q = |c: &Client| c.call(Method::SessionQuery, &json!({})).map(|p| p["results"].as_array().unwrap().len());
    let before = q(&c).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // The token has expired: one 401, a refresh, the same request again.
    assert_eq!(q(&c).unwrap(), before);
    c.call(Method::SessionLogoff, &json!({"id": "Session/ic1"})).unwrap();
    assert_eq!(event_types(&c), ["ADMIN_DESKTOP_SESSION_LOGOFF"], "the write was made once");
}

#[test]
fn a_token_about_to_expire_is_refreshed_first() {
    // A JWT whose exp is 30 s away (inside the refresh margin): refreshed before the call.
    let exp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 30;
    let payload = base64url(json!({ "exp": exp }).to_string().as_bytes());
    let jwt = format!("eyJhbGciOiJub25lIn0.{payload}.");
    let fake = Fake::start(move |m, t, _| match (m, t) {
        ("POST", "/rest/login") => ok(json!({"access_token": jwt, "refresh_token": "r1"})),
        _ if t.starts_with("/rest/external/v1/audit-events") => ok(json!([])),
        _ => auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))),
    });
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    c.call(Method::EventQuery, &json!({})).unwrap();
    let log = fake.log();
    let refresh = log.iter().position(|l| l == "POST /rest/refresh").expect("refreshed");
    let events = log.iter().position(|l| l.starts_with("GET /rest/external/v1/audit-events")).unwrap();
    assert!(refresh < events, "{log:?}");
}

#[test]
fn a_401_after_a_refresh_is_invalid_credentials() {
    let fake = Fake::start(|m, t, _| auth(m, t).unwrap_or(Some((401, vec![], json!({"error_key": "x", "error_message": "no"}).to_string()))));
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    assert_fault(c.call(Method::SessionLogoff, &json!({"id": "Session/s1"})), "InvalidCredentials", json!({}));
    assert_eq!(fake.count("POST /rest/inventory/v1/sessions/action/logoff"), 2, "sent once more after the refresh, no more");
    assert_eq!(fake.count("POST /rest/refresh"), 1);
}

fn base64url(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// statuses: 429, a dying server, timeouts, faults

#[test]
fn a_429_is_retried_after_the_servers_delay() {
    let fake = Fake::start(|m, t, n| match (m, t) {
        ("POST", "/rest/inventory/v1/sessions/action/disconnect") if n == 1 => {
            Some((429, vec![("X-Rate-Limit-Retry-After-Seconds", "1".into())], json!({"error_key": "rate", "error_message": "slow down"}).to_string()))
        }
        ("POST", "/rest/inventory/v1/sessions/action/disconnect") => ok(json!([{"id": "s1", "status_code": 200}])),
        _ => auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))),
    });
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    let start = Instant::now();
    c.call(Method::SessionDisconnect, &json!({"id": "Session/s1"})).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(900), "waited as told");
    assert_eq!(fake.count("POST /rest/inventory/v1/sessions/action/disconnect"), 2);
}

#[test]
fn a_429_forever_gives_up() {
    let fake = Fake::start(|m, t, _| {
        auth(m, t).unwrap_or(Some((
            429,
            vec![("X-Rate-Limit-Retry-After-Seconds", "0".into())],
            json!({"error_key": "rate", "error_message": "slow down"}).to_string(),
        )))
    });
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    let f = assert_fault(c.call(Method::SessionDisconnect, &json!({"id": "Session/s1"})), "UnexpectedFault", json!({}));
    assert!(f["causeString"].as_str().unwrap().contains("429"), "{f}");
    assert_eq!(fake.count("POST /rest/inventory/v1/sessions/action/disconnect"), 6, "once and five retries");
}

#[test]
fn a_server_that_dies_mid_call_is_unexpected_and_not_resent() {
    let fake = Fake::start(|m, t, _| match (m, t) {
        ("POST", "/rest/inventory/v1/sessions/action/logoff?forced=false") => None,
        _ => auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))),
    });
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    let f = assert_fault(c.call(Method::SessionLogoff, &json!({"id": "Session/s1"})), "UnexpectedFault", json!({}));
    assert!(f["causeString"].as_str().unwrap().contains("/rest/inventory/v1/sessions/action/logoff"), "{f}");
    assert_eq!(fake.count("POST /rest/inventory/v1/sessions/action/logoff"), 1, "a logoff is never sent twice");
}

#[test]
fn a_server_that_never_answers_times_out() {
    let fake = Fake::start(|m, t, _| match (m, t) {
        ("GET", t) if t.starts_with("/rest/inventory/v7/sessions/") => {
            std::thread::sleep(Duration::from_secs(5));
            None
        }
        _ => auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))),
    });
    let mut config = rest_config(&fake.url, "a", "CORP", "pw");
    config["timeoutSeconds"] = 1.into();
    let c = Client::open(&config).unwrap();
    let start = Instant::now();
    let f = assert_fault(c.call(Method::SessionGetLocalSummaryView, &json!({"id": "Session/s1"})), "UnexpectedFault", json!({}));
    assert!(start.elapsed() < Duration::from_secs(4));
    assert!(f["causeString"].as_str().unwrap().contains("no answer within 1 s"), "{f}");
}

#[test]
fn http_statuses_become_contract_faults() {
    // A Connection Server's own error keys: the status decides.
    for (status, ty) in [
        (400, "InvalidArgument"),
        (403, "InsufficientPermission"),
        (404, "EntityNotFound"),
        (409, "InvalidState"),
        (500, "UnexpectedFault"),
        (503, "UnexpectedFault"),
    ] {
        let fake = Fake::start(move |m, t, _| {
            auth(m, t).unwrap_or(Some((status, vec![], json!({"error_key": "horizon.key", "error_message": "refused"}).to_string())))
        });
        let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
        let f = assert_fault(c.call(Method::SessionGetLocalSummaryView, &json!({"id": "Session/s1"})), ty, json!({}));
        if ty == "EntityNotFound" {
            assert_eq!(f["id"], "Session/s1");
        }
        if ty == "UnexpectedFault" {
            assert!(f["causeString"].as_str().unwrap().contains(&status.to_string()), "{f}");
        }
    }
    // Per-item statuses of a bulk answer, in input order.
    let fake = Fake::start(|m, t, _| match (m, t) {
        ("POST", "/rest/inventory/v1/sessions/action/logoff?forced=false") => ok(json!([
            {"id": "a", "status_code": 404, "errors": [{"error_key": "k", "error_message": "no such session"}]},
            {"id": "b", "status_code": 200},
            {"id": "c", "status_code": 409, "error_messages": ["locked"]}
        ])),
        _ => auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))),
    });
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    let f = assert_fault(
        c.call(Method::SessionLogoffSessions, &json!({"ids": ["Session/a", "Session/b", "Session/c"]})),
        "PartialFailureFault",
        json!({"resultCount": 3, "successCount": 1}),
    );
    assert_eq!(f["results"][0], json!({"type": "EntityNotFound", "id": "Session/a", "errorMessage": "no such session"}));
    assert_eq!(f["results"][1], Value::Null);
    assert_eq!(f["results"][2], json!({"type": "InvalidState", "id": "Session/c", "errorMessage": "locked"}));
}

// ---------------------------------------------------------------------------------------------
// threads and slow servers

#[test]
fn one_client_called_from_many_threads() {
    let w = fixture();
    let s = Served::world(&w.0, &[]);
    let c = Client::open(&s.config("administrator", "CORP", "any")).unwrap();
    let ids = ["ic1", "ic2", "locked", "composer", "vc", "unmanaged", "rds", "app"];
    std::thread::scope(|scope| {
        for id in ids {
            let c = &c;
            scope.spawn(move || {
                for _ in 0..10 {
                    let v = c.call(Method::SessionGetLocalSummaryView, &json!({"id": format!("Session/{id}")})).unwrap();
                    assert_eq!(v["id"], format!("Session/{id}"));
                }
            });
        }
    });
}

#[test]
fn a_slow_server_does_not_delay_another_client() {
    let slow = Fake::start(|m, t, _| match (m, t) {
        ("GET", t) if t.starts_with("/rest/inventory/v7/sessions/") => {
            std::thread::sleep(Duration::from_secs(3));
            Some((404, vec![], "{}".into()))
        }
        _ => auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))),
    });
    let w = fixture();
    let s = Served::world(&w.0, &[]);
    let fast = Client::open(&s.config("administrator", "CORP", "any")).unwrap();
    let slow_client = Client::open(&rest_config(&slow.url, "a", "CORP", "pw")).unwrap();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| slow_client.call(Method::SessionGetLocalSummaryView, &json!({"id": "Session/s1"})));
        }
        std::thread::sleep(Duration::from_millis(200));
        let start = Instant::now();
        for _ in 0..5 {
            fast.call(Method::SessionGetLocalSummaryView, &json!({"id": "Session/ic1"})).unwrap();
        }
        assert!(start.elapsed() < Duration::from_secs(2), "the fast server's calls waited {:?}", start.elapsed());
    });
}

// ---------------------------------------------------------------------------------------------
// TLS

/// A test CA and a certificate it signed for 127.0.0.1 and localhost, made with openssl.
fn make_ca(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let p = |f: &str| dir.join(format!("{name}-{f}"));
    let run = |args: &[&str]| {
        let ok = std::process::Command::new("openssl").args(args).stderr(std::process::Stdio::null()).status().expect("openssl (scripts/setup.sh installs it)");
        assert!(ok.success(), "openssl {args:?}");
    };
    let s = |p: &std::path::PathBuf| p.to_str().unwrap().to_owned();
    let (ca, ca_key, key, csr, cert, ext) = (p("ca.pem"), p("ca.key"), p("key.pem"), p("leaf.csr"), p("cert.pem"), p("ext.cnf"));
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        &format!("/CN=hvapi test CA {name}"),
        "-keyout",
        &s(&ca_key),
        "-out",
        &s(&ca),
    ]);
    run(&["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", &s(&key), "-out", &s(&csr)]);
    run(&["x509", "-req", "-in", &s(&csr), "-CA", &s(&ca), "-CAkey", &s(&ca_key), "-CAcreateserial", "-days", "1", "-out", &s(&cert), "-extfile", &s(&ext)]);
    (ca, cert, key)
}

#[test]
fn tls_with_a_test_ca_and_a_wrong_ca_refused() {
    let dir = std::env::temp_dir().join(format!("hvapi-restbe-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ca, cert, key) = make_ca(&dir, "right");
    let (other_ca, _, _) = make_ca(&dir, "wrong");
    let w = fixture();
    let s = Served::world(&w.0, &["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()]);
    assert!(s.url.starts_with("https://"), "{}", s.url);
    // By name: the TLS library (rustls 0.20 / webpki 0.22) checks DNS names, not IP addresses.
    let url = s.url.replace("127.0.0.1", "localhost");
    let mut config = rest_config(&url, "administrator", "CORP", "any");
    config["caFile"] = ca.to_str().unwrap().into();
    let c = Client::open(&config).unwrap();
    assert!(c.call(Method::SessionGetLocalSummaryView, &json!({"id": "Session/ic1"})).is_ok());
    // Another CA: the server is not trusted, nothing is sent.
    config["caFile"] = other_ca.to_str().unwrap().into();
    let f = assert_fault(Client::open(&config).map(|_| Value::Null), "UnexpectedFault", json!({}));
    assert!(f["causeString"].as_str().unwrap().to_lowercase().contains("certificate"), "{f}");
    // Without caFile the system's roots do not know the test CA either.
    let f = assert_fault(Client::open(&rest_config(&url, "administrator", "CORP", "any")).map(|_| Value::Null), "UnexpectedFault", json!({}));
    assert!(f["causeString"].as_str().unwrap().to_lowercase().contains("certificate"), "{f}");
    // verifyTls: false accepts any certificate (README: why not to).
    let mut config = rest_config(&url, "administrator", "CORP", "any");
    config["verifyTls"] = false.into();
    assert!(Client::open(&config).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// queries: pushed to the server where the wire can say them

#[test]
fn queries_are_filtered_sorted_and_paged_by_the_server_where_the_wire_allows() {
    let fake = Fake::start(|m, t, _| match (m, t) {
        ("GET", t) if t.starts_with("/rest/inventory/v7/sessions?") || t.starts_with("/rest/external/v1/audit-events?") => {
            Some((200, vec![("X-TOTAL-COUNT", "0".into())], "[]".into()))
        }
        _ => auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))),
    });
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    let eq = |member: &str, value: &str| json!({"type": "Equals", "memberName": member, "value": value});
    // A member with a wire field: filter, sort and page go to the server.
    c.call(Method::SessionQuery, &json!({"filter": eq("referenceData.user", "UserOrGroup/u1"), "sortBy": "sessionData.startTime", "sortDescending": true, "startingOffset": 2500, "limit": 10}))
        .unwrap();
    let last = fake.log().last().unwrap().clone();
    let wire_filter =
        percent_encoding::utf8_percent_encode(&json!({"type": "Equals", "name": "user_id", "value": "u1"}).to_string(), percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    assert_eq!(last, format!("GET /rest/inventory/v7/sessions?filter={wire_filter}&sort_by=start_time&order_by=DESC&page=3&size=1000"));
    // A member without one (the desktop's name is one wire field with the farm's): every row, filtered here.
    c.call(Method::SessionQuery, &json!({"filter": eq("namesData.desktopName", "ic")})).unwrap();
    assert_eq!(fake.log().last().unwrap(), "GET /rest/inventory/v7/sessions?page=1&size=1000");
    // Events: oldest first unless sorted otherwise.
    c.call(Method::EventQuery, &json!({"limit": 5})).unwrap();
    assert_eq!(fake.log().last().unwrap(), "GET /rest/external/v1/audit-events?sort_by=id&order_by=ASC&page=1&size=1000");
}

// ---------------------------------------------------------------------------------------------
// remote sessions

/// The fixture and a second reachable remote pod, with 40 sessions on each reachable remote
/// pod (more than one lookup's worth of ids per pod).
fn federation_of_remote_sessions() -> World {
    let mut w = fixture()
        .pod("Pod/north-1", "Site/west", true)
        .desktop("north", "Pod/north-1", "AccessGroup/eng", "AUTOMATED", "INSTANT_CLONE_ENGINE")
        .admin("fedops", &[("FEDERATED_SESSIONS_MANAGE", "federation")])
        .admin("helpdesk", &[("MACHINE_MANAGE_VDI_SESSION", "AccessGroup/root"), ("MACHINE_VIEW", "AccessGroup/root")]);
    for i in 0..40 {
        w = w.session(&format!("w{i}"), "alice", "Desktop/west", json!({})).session(&format!("n{i}"), "bob", "Desktop/north", json!({}));
    }
    w
}

fn count(types: &[String], t: &str) -> usize {
    types.iter().filter(|x| *x == t).count()
}

#[test]
fn remote_sessions_go_to_their_pods_through_the_global_session_endpoints() {
    let w = federation_of_remote_sessions();
    let s = Served::world(&w.0, &[]);
    let c = Client::open(&s.config("administrator", "CORP", "any")).unwrap();
    // `hvapi serve`, as a real Connection Server, does not find another pod's session on its
    // local endpoint: only the global-session endpoint reaches it.
    let mut ids: Vec<String> = ["ic1", "remote", "nope", "remote-locked", "down", "remote"].iter().map(|k| format!("Session/{k}")).collect();
    for i in 0..40 {
        ids.push(format!("Session/n{i}"));
        ids.push(format!("Session/w{i}"));
    }
    let f = assert_fault(c.call(Method::SessionLogoffSessions, &json!({ "ids": ids })), "PartialFailureFault", json!({"resultCount": 86, "successCount": 82}));
    let types: Vec<Option<&str>> = f["results"].as_array().unwrap().iter().map(|r| r["type"].as_str()).collect();
    // In input order: the local success, the remote one, an id no pod has, the remote pod's
    // verdict on a locked session, an unreachable pod, the repeat of a session already gone.
    assert_eq!(types[..6], [None, None, Some("EntityNotFound"), Some("InvalidState"), Some("UnexpectedFault"), Some("EntityNotFound")]);
    assert!(types[6..].iter().all(Option::is_none));
    assert_eq!(f["results"][2]["id"], "Session/nope");
    assert_eq!(f["results"][3]["id"], "Session/remote-locked");
    let events = event_types(&c);
    assert_eq!(count(&events, "ADMIN_DESKTOP_SESSION_LOGOFF"), 1);
    assert_eq!(count(&events, "VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SENT"), 82, "one per request sent to a remote pod");
    assert_eq!(count(&events, "VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SEND_FAILED"), 1);
    // The unknown id's and the repeat's (its session was gone by then), as the contract records them.
    assert_eq!(count(&events, "ADMIN_DESKTOP_SESSION_LOGOFF_FAILED"), 2);
    assert_eq!(events.len(), 86);
    // The sessions are gone from their pods; the locked one is not.
    let admin = Client::open(&s.config("administrator", "CORP", "any")).unwrap();
    let again = admin.call(Method::SessionLogoffSessionsForced, &json!({"ids": ["Session/n0", "Session/w39", "Session/remote-locked"]}));
    let results = assert_fault(again, "PartialFailureFault", json!({"resultCount": 3, "successCount": 1}))["results"].clone();
    assert_eq!((results[0]["type"].as_str(), results[1]["type"].as_str(), &results[2]), (Some("EntityNotFound"), Some("EntityNotFound"), &Value::Null));
    // Single calls and every action take the same path.
    let s2 = Served::world(&w.0, &[]);
    let c = Client::open(&s2.config("administrator", "CORP", "any")).unwrap();
    c.call(Method::SessionDisconnect, &json!({"id": "Session/n1"})).unwrap();
    assert_fault(c.call(Method::SessionDisconnect, &json!({"id": "Session/n1"})), "InvalidState", json!({"id": "Session/n1"}));
    c.call(Method::SessionSendMessages, &json!({"ids": ["Session/w1", "Session/n2", "Session/ic1"], "msgType": "INFO", "message": "hi"})).unwrap();
    c.call(Method::SessionReset, &json!({"id": "Session/w2"})).unwrap();
    c.call(Method::SessionRestartSessions, &json!({"ids": ["Session/n3", "Session/w3"]})).unwrap();
    assert_fault(c.call(Method::SessionLogoff, &json!({"id": "Session/nope"})), "EntityNotFound", json!({"id": "Session/nope"}));
}

#[test]
fn a_caller_who_may_not_list_other_pods_sessions() {
    let w = federation_of_remote_sessions();
    let s = Served::world(&w.0, &[]);
    // The federation privilege without a view privilege: the pods cannot be looked up, so each
    // is asked in turn; a pod without the session does nothing and records nothing.
    let c = Client::open(&s.config("fedops", "CORP", "pw")).unwrap();
    c.call(Method::SessionLogoffSessions, &json!({"ids": ["Session/n5", "Session/w5"]})).unwrap();
    assert_fault(c.call(Method::SessionLogoff, &json!({"id": "Session/nope"})), "EntityNotFound", json!({"id": "Session/nope"}));
    let admin = Client::open(&s.config("administrator", "CORP", "any")).unwrap();
    assert_eq!(
        event_types(&admin),
        ["VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SENT", "VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SENT", "ADMIN_DESKTOP_SESSION_LOGOFF_FAILED"]
    );
    // Access-group privileges see other pods' sessions but may not act on them (contract 5.1).
    let h = Client::open(&s.config("helpdesk", "CORP", "pw")).unwrap();
    let f = assert_fault(h.call(Method::SessionDisconnectSessions, &json!({"ids": ["Session/ic1", "Session/n6"]})), "PartialFailureFault", json!({}));
    assert_eq!((&f["results"][0], f["results"][1]["type"].as_str()), (&Value::Null, Some("InsufficientPermission")));
    assert_eq!(f["results"][1]["resource"], "Session/n6");
}

// ---------------------------------------------------------------------------------------------
// events

#[test]
fn events_without_extended_attributes_lack_only_those_members() {
    // A server that gives no extended attributes (an older one): the events come without
    // admin, session, home site and pod, and the query still answers.
    let event =
        json!({"id": 7, "time": 1_795_329_300_000_i64, "type": "ADMIN_SESSION_SENDMSG", "severity": "AUDIT_SUCCESS", "message": "m", "module": "Broker"});
    let fake = Fake::start(move |m, t, _| match t.split('?').next() {
        Some("/rest/external/v1/audit-events") => ok(json!([event])),
        Some("/rest/external/v1/audit-events/extended-attributes") => Some((404, vec![], "{}".into())),
        _ => auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))),
    });
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    let page = c.call(Method::EventQuery, &json!({})).unwrap();
    assert_eq!(page["results"][0]["type"], "ADMIN_SESSION_SENDMSG");
    assert!(page["results"][0].get("admin").is_none() && page["results"][0].get("session").is_none());
    assert_eq!(fake.count("GET /rest/external/v1/audit-events/extended-attributes?ids=7"), 1, "{:?}", fake.log());
}

#[test]
fn a_failed_lookup_of_other_pods_fails_only_those_items() {
    // The local pod acts on the first id and does not have the second; listing the other
    // pods' sessions then fails: that item is an UnexpectedFault saying so, the first stays a
    // success, and nothing is sent to a pod.
    let fake = Fake::start(|m, t, _| match (m, t.split('?').next().unwrap_or_default()) {
        ("GET", "/rest/federation/v1/pods") => {
            ok(json!([{"id": "p1", "name": "p1", "site_id": "s1", "local_pod": true}, {"id": "p2", "name": "p2", "site_id": "s1", "local_pod": false}]))
        }
        ("POST", "/rest/inventory/v1/sessions/action/disconnect") => ok(json!([
            {"id": "a", "status_code": 200},
            {"id": "b", "status_code": 404, "errors": [{"error_key": "hvapi.fault.entity_not_found", "error_message": "no b"}]}
        ])),
        ("GET", "/rest/inventory/v1/global-sessions") => {
            Some((500, vec![], json!({"error_key": "x", "error_message": "the pod data is unavailable"}).to_string()))
        }
        _ => auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))),
    });
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    let f = assert_fault(c.call(Method::SessionDisconnectSessions, &json!({"ids": ["Session/a", "Session/b"]})), "PartialFailureFault", json!({}));
    assert_eq!(f["results"][0], Value::Null);
    assert_eq!(f["results"][1]["type"], "UnexpectedFault");
    assert!(f["results"][1]["causeString"].as_str().unwrap().contains("the pod data is unavailable"), "{f}");
    assert_eq!(fake.count("POST /rest/inventory/v1/global-sessions"), 0, "{:?}", fake.log());
    assert_eq!(fake.count("GET /rest/inventory/v1/global-sessions?pod_id=p2&filter="), 1, "{:?}", fake.log());
}

#[test]
fn inventory_queries_send_the_filter_the_endpoint_applies() {
    // A directory too large to list: the name (or id) comparison goes to the server, and the
    // whole contract filter still runs on what comes back (here the server matched broadly).
    let fake = Fake::start(|m, t, _| match t.split('?').next() {
        Some("/rest/external/v1/ad-users-or-groups") => ok(json!([
            {"id": "alice", "name": "alice", "login_name": "alice", "domain": "CORP", "group": false, "display_name": "CORP\\alice"},
            {"id": "alice2", "name": "Alice", "login_name": "Alice", "domain": "LAB", "group": false, "display_name": "LAB\\Alice"}
        ])),
        _ => auth(m, t).unwrap_or(Some((404, vec![], "{}".into()))),
    });
    let c = Client::open(&rest_config(&fake.url, "a", "CORP", "pw")).unwrap();
    let and = json!({"type": "And", "filters": [
        {"type": "StartsWith", "memberName": "domain", "value": "corp"},
        {"type": "StartsWith", "memberName": "name", "value": "ali"}
    ]});
    let page = c.call(Method::InventoryQuery, &json!({"entityType": "UserOrGroup", "filter": and})).unwrap();
    assert_eq!(page["results"], json!([{"id": "UserOrGroup/alice", "name": "alice", "domain": "CORP", "group": false}]));
    let sent = fake.log().into_iter().find(|l| l.starts_with("GET /rest/external/v1/ad-users-or-groups")).unwrap();
    let wire = json!({"type": "StartsWith", "name": "name", "value": "ali"}).to_string();
    assert!(sent.contains(&format!("filter={}", percent_encoding::utf8_percent_encode(&wire, percent_encoding::NON_ALPHANUMERIC))), "{sent}");
    // A filter the endpoint cannot apply (an Or, a NotEquals) fetches every row.
    let or = json!({"type": "NotEquals", "memberName": "name", "value": "x"});
    c.call(Method::InventoryQuery, &json!({"entityType": "UserOrGroup", "filter": or})).unwrap();
    let last = fake.log().into_iter().rfind(|l| l.starts_with("GET /rest/external/v1/ad-users-or-groups")).unwrap();
    assert!(!last.contains("filter="), "{last}");
}
