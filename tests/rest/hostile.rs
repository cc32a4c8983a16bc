//! `hvapi serve` under hostile clients (issue 17): socket-level abuse, slow clients, strict
//! bodies and parameters, and the bounds on what one client can make the server hold. Each
//! test uses small limits set by flags, so nothing waits long.

use crate::http::{request, Server};
use crate::key;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An answer read off a raw connection.
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.head, String::from_utf8_lossy(&self.body)))
    }

    pub fn closes(&self) -> bool {
        self.head.to_ascii_lowercase().contains("\r\nconnection: close")
    }
}

/// A raw keep-alive connection.
pub struct Raw {
    pub r: BufReader<TcpStream>,
    pub w: TcpStream,
}

impl Raw {
    pub fn new(addr: &str) -> Raw {
        let s = TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.set_nodelay(true).unwrap();
        Raw { r: BufReader::new(s.try_clone().unwrap()), w: s }
    }

    pub fn write(&mut self, bytes: &[u8]) {
        self.w.write_all(bytes).expect("write");
    }

    /// Reads one answer; `None` at end of stream (or a reset) before a status line.
    pub fn read(&mut self) -> Option<Answer> {
        let mut line = String::new();
        if self.r.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("bad status line {line:?}"));
        let mut head = line.clone();
        let mut len = 0;
        loop {
            line.clear();
            self.r.read_line(&mut line).expect("header");
            head.push_str(&line);
            if line.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0; len];
        self.r.read_exact(&mut body).expect("body");
        Some(Answer { status, head, body })
    }

    /// Sends a request (keep-alive) and reads its answer.
    pub fn send(&mut self, method: &str, target: &str, token: Option<&str>, body: &[u8]) -> Option<Answer> {
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let head = format!("{method} {target} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len());
        // One write: head and body in one segment (no Nagle wait between them).
        let _ = self.w.write_all(&[head.as_bytes(), body].concat());
        self.read()
    }

    /// True when the server closed the connection (reads end of stream) within `within`.
    pub fn closed_within(&mut self, within: Duration) -> bool {
        self.w.set_read_timeout(Some(within)).unwrap();
        let mut b = [0u8; 1];
        matches!(self.r.read(&mut b), Ok(0)) || matches!(self.r.read(&mut b), Err(ref e) if e.kind() == std::io::ErrorKind::ConnectionReset)
    }
}

/// `hvapi serve --demo` under `ulimit -n <fds>`, its stderr kept in a file.
struct Limited {
    child: Child,
    addr: String,
    stderr: std::path::PathBuf,
}

impl Limited {
    fn start(fds: u32, extra: &[&str]) -> Limited {
        let stderr = std::env::temp_dir().join(format!("hvapi-limited-{}-{fds}.log", std::process::id()));
        let script = format!("ulimit -n {fds} && exec \"$0\" serve --demo --listen 127.0.0.1:0 --quiet \"$@\"");
        let mut child = Command::new("sh")
            .args(["-c", &script, env!("CARGO_BIN_EXE_hvapi")])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("start");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        let addr = first.trim().trim_start_matches("http://").trim_end_matches("/rest").to_owned();
        assert!(addr.starts_with("127.0.0.1:"), "{first:?}");
        Limited { child, addr, stderr }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Limited {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.stderr);
    }
}

/// A request that must be answered within `within` (a fresh connection each try).
fn answered_within(addr: &str, within: Duration) -> bool {
    let until = Instant::now() + within;
    while Instant::now() < until {
        let attempt = std::panic::catch_unwind(|| {
            let mut c = Raw::new(addr);
            c.w.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            c.send("GET", "/rest/federation/v1/cpa", None, b"").map(|a| a.status)
        });
        if let Ok(Some(401)) = attempt {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Finding 1: with the descriptor table nearly full of idle sockets, the server neither spins
/// nor floods its log, and keeps answering: its default connection cap is below the
/// descriptor limit, and at the cap idle connections give their slots back.
#[test]
fn idle_sockets_do_not_exhaust_descriptors() {
    for extra in [&[][..], &["--max-connections", "100000"][..]] {
        let s = Limited::start(64, extra);
        let idle: Vec<TcpStream> = (0..150).map(|_| TcpStream::connect(&s.addr).expect("connect")).collect();
        std::thread::sleep(Duration::from_millis(1500));
        assert!(answered_within(&s.addr, Duration::from_secs(10)), "{extra:?}: a request is answered with 150 idle sockets open");
        let log = s.log();
        assert!(
            log.lines().count() <= 4,
            "{extra:?}: at most a line per burst of failed accepts, not {} lines:\n{}",
            log.lines().count(),
            &log[..log.len().min(2000)]
        );
        drop(idle);
    }
}

/// Finding 2: a head, a body or an idle keep-alive connection that misses its deadline is
/// dropped (the first two with a 408 `APIError`).
#[test]
fn slow_clients_are_dropped() {
    let s = Server::demo(&["--header-timeout", "1", "--body-timeout", "1", "--idle-timeout", "1"]);
    let started = Instant::now();
    // A head with no end.
    let mut c = Raw::new(&s.addr);
    c.write(b"GET /rest/federation/v1/cpa HTTP/1.1\r\nHost: x\r\n");
    let a = c.read().expect("a 408 before the close");
    assert_eq!((a.status, a.json()["error_key"].as_str()), (408, Some("hvapi.rest.request_timeout")));
    assert!(c.closed_within(Duration::from_secs(3)));
    // A body stalled after 1 of 10 bytes.
    let mut c = Raw::new(&s.addr);
    c.write(b"POST /rest/login HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{");
    let a = c.read().expect("a 408 before the close");
    assert_eq!((a.status, a.json()["error_key"].as_str()), (408, Some("hvapi.rest.request_timeout")));
    assert!(a.closes(), "{}", a.head);
    // An idle keep-alive connection after an answer, and one that never sent a byte.
    let mut c = Raw::new(&s.addr);
    assert_eq!(c.send("GET", "/rest/federation/v1/cpa", None, b"").unwrap().status, 401);
    assert!(c.closed_within(Duration::from_secs(3)), "idle keep-alive closed");
    assert!(Raw::new(&s.addr).closed_within(Duration::from_secs(3)), "a silent connection closed");
    assert!(started.elapsed() < Duration::from_secs(12));
}

/// Finding 2: 200 connections trickling a head at 1 byte a second do not stop normal clients.
#[test]
fn slowloris_does_not_stop_normal_clients() {
    let s = Server::demo(&[]);
    let addr = s.addr.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickle = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut conns: Vec<TcpStream> = (0..200).map(|_| TcpStream::connect(&addr).unwrap()).collect();
            let head = b"GET /rest/federation/v1/cpa HTTP/1.1\r\nHost: x\r\nX-Slow: ";
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                for c in &mut conns {
                    let _ = c.write_all(&[head[i.min(head.len() - 1)]]);
                }
                i += 1;
                std::thread::sleep(Duration::from_millis(1000));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    let (token, _) = s.login("administrator", "HVDEMO", "x");
    for _ in 0..20 {
        let t = Instant::now();
        let r = s.send("GET", "/inventory/v1/sessions?size=10", Some(&token), None);
        assert_eq!(r.status, 200);
        assert!(t.elapsed() < Duration::from_secs(2), "a normal request took {:?}", t.elapsed());
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    trickle.join().unwrap();
}

/// Finding 3: one bulk request names at most 1,000 items.
#[test]
fn bulk_requests_are_bounded() {
    let s = Server::demo(&[]);
    let (token, _) = s.login("administrator", "HVDEMO", "x");
    let ids: Vec<String> = (0..1001).map(|i| format!("pod-1-1-{i:07}")).collect();
    let r = s.send("POST", "/inventory/v1/sessions/action/logoff?forced=true", Some(&token), Some(&json!(ids)));
    assert_eq!((r.status, key(&r)), (400, "hvapi.rest.too_many_items".into()));
    assert!(r.json()["error_message"].as_str().unwrap().contains("1000"), "the message names the limit");
    let global = json!([{"pod_id": "pod-1-1", "ids": ids[..600]}, {"pod_id": "pod-1-2", "ids": ids[..401]}]);
    let r = s.send("POST", "/inventory/v1/global-sessions/action/disconnect", Some(&token), Some(&global));
    assert_eq!((r.status, key(&r)), (400, "hvapi.rest.too_many_items".into()), "counted over every pod's spec");
    let specs: Vec<Value> = (0..1001).map(|_| json!({"ad_user_or_group_id": "u", "site_id": "s"})).collect();
    let r = s.send("POST", "/federation/v1/home-sites", Some(&token), Some(&json!(specs)));
    assert_eq!(r.status, 400);
    let r = s.send("POST", "/inventory/v1/sessions/action/logoff?forced=true", Some(&token), Some(&json!(ids[..1000])));
    assert_eq!((r.status, r.json().as_array().unwrap().len()), (200, 1000));
}

/// Finding 5: the audit log keeps its capacity (oldest dropped first, ids unchanged), a
/// refresh token expires, and repeated failed logins for one name are refused for a while.
#[test]
fn events_tokens_and_failed_logins_are_bounded() {
    let s = Server::demo(&["--event-capacity", "10", "--refresh-token-ttl", "1"]);
    let (token, refresh) = s.login("administrator", "HVDEMO", "x");
    for _ in 0..30 {
        let r = s.send("POST", "/inventory/v1/sessions/action/disconnect", Some(&token), Some(&json!(["nope"])));
        assert_eq!(r.status, 200);
    }
    let events = s.send("GET", "/external/v1/audit-events", Some(&token), None).json();
    let ids: Vec<u64> = events.as_array().unwrap().iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert!(ids.len() <= 10 && ids.len() >= 9, "{ids:?}");
    assert_eq!(*ids.last().unwrap(), 30, "the newest kept, ids unchanged");
    let r = s.send("GET", &format!("/external/v1/audit-events/extended-attributes?ids={}", ids[0]), Some(&token), None);
    assert_eq!(r.json().as_array().unwrap().len(), 1, "an event is still found by its id");
    // The refresh token lives 1 s.
    std::thread::sleep(Duration::from_millis(2100));
    let r = s.send("POST", "/refresh", None, Some(&json!({ "refresh_token": refresh })));
    assert_eq!((r.status, key(&r)), (400, "hvapi.rest.invalid_refresh_token".into()));
    // Five failures lock the name; the right password is refused too, then works again.
    let login = |p: &str| s.send("POST", "/login", None, Some(&json!({"username": "helpdesk", "domain": "HVDEMO", "password": p})));
    for _ in 0..5 {
        assert_eq!(login("wrong").status, 401);
    }
    let r = login("helpdesk");
    assert_eq!((r.status, key(&r)), (429, "hvapi.rest.too_many_requests".into()));
    assert!(r.header("x-rate-limit-retry-after-seconds").is_some());
    assert_eq!(
        s.send("POST", "/login", None, Some(&json!({"username": "auditor", "domain": "HVDEMO", "password": "auditor"}))).status,
        200,
        "another name is not locked"
    );
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(login("helpdesk").status, 200);
}

/// Finding 6: boolean query parameters as Spring reads them.
#[test]
fn booleans_parse_as_spring_does() {
    let s = Server::demo(&[]);
    let (token, _) = s.login("administrator", "HVDEMO", "x");
    for (v, groups) in [("True", true), ("1", true), ("YES", true), ("on", true), ("FALSE", false), ("0", false), ("No", false), ("off", false)] {
        let r = s.send("GET", &format!("/external/v1/ad-users-or-groups?group_only={v}"), Some(&token), None);
        assert_eq!(r.status, 200, "{v}");
        assert!(r.json().as_array().unwrap().iter().all(|u| u["group"] == groups), "{v}");
    }
    assert_eq!(s.send("GET", "/external/v1/ad-users-or-groups?group_only=maybe", Some(&token), None).status, 400);
    // The locked session 13 is logged off by forced=True only.
    let r = s.send("POST", "/inventory/v1/sessions/action/logoff?forced=no", Some(&token), Some(&json!(["pod-1-1-0000013"])));
    assert_eq!(r.json()[0]["status_code"], 409);
    let r = s.send("POST", "/inventory/v1/sessions/action/logoff?forced=True", Some(&token), Some(&json!(["pod-1-1-0000013"])));
    assert_eq!(r.json()[0]["status_code"], 200);
}

/// Finding 7: strict bodies and heads; the HTTP layer's own errors have `APIError` bodies;
/// a half-closed client gets its answer; an expired token always gives the same key.
#[test]
fn strict_bodies_and_heads() {
    let s = Server::demo(&["--token-ttl", "0"]);
    let login = |body: &str| request(&s.addr, "POST", "/rest/login", &[("Content-Type", "application/json")], body.as_bytes());
    let r = login(r#"{"domain":"NOPE","domain":"HVDEMO","username":"administrator","password":"x"}"#);
    assert_eq!(r.status, 400, "a key given twice");
    assert!(String::from_utf8_lossy(&r.body).contains("twice"));
    let r = login(r#"{"domain":"HVDEMO","username":"helpdesk","password":["he","lpdesk"]}"#);
    assert_eq!(r.status, 400, "char[] of multi-character strings");
    assert_eq!(login(r#"{"domain":"HVDEMO","username":"helpdesk","password":["h","e","l","p","d","e","s","k"]}"#).status, 200);
    // HTTP/1.1 without Host; hyper's own parse errors.
    let raw = |bytes: &[u8]| {
        let mut c = Raw::new(&s.addr);
        c.write(bytes);
        c.read().expect("an answer")
    };
    for (bytes, status) in [
        (b"GET /rest/federation/v1/cpa HTTP/1.1\r\n\r\n".to_vec(), 400),
        (b"GET /rest/\x01x HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(), 400),
        (
            [b"GET /rest/x HTTP/1.1\r\nHost: x\r\n".to_vec(), (0..200).flat_map(|i| format!("X-{i}: y\r\n").into_bytes()).collect(), b"\r\n".to_vec()].concat(),
            431,
        ),
        (format!("GET /rest/{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000)).into_bytes(), 414),
    ] {
        let a = raw(&bytes);
        assert_eq!(a.status, status, "{}", String::from_utf8_lossy(&bytes[..40]));
        assert!(a.json()["error_key"].as_str().unwrap().starts_with("hvapi.rest."), "{}", a.head);
    }
    // Half-closed after the request.
    let mut c = Raw::new(&s.addr);
    let body = r#"{"username":"administrator","domain":"HVDEMO","password":"x"}"#;
    c.write(format!("POST /rest/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    c.w.shutdown(Shutdown::Write).unwrap();
    let a = c.read().expect("an answer after shutdown(SHUT_WR)");
    assert_eq!(a.status, 200);
    let token = a.json()["access_token"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        let r = s.send("GET", "/inventory/v1/sessions", Some(&token), None);
        assert_eq!((r.status, key(&r)), (401, "hvapi.rest.token_expired".into()));
    }
}

/// Finding 8: after a 4xx, the connection carries the next request, or the answer said
/// `Connection: close`.
#[test]
fn errors_keep_the_connection_or_say_close() {
    let s = Server::demo(&["--max-body", "300000"]);
    let big = vec![b' '; 200_000];
    let too_big = vec![b' '; 400_000];
    for (method, target, body) in [
        ("POST", "/rest/inventory/v1/sessions/action/logoff", &big),
        ("POST", "/rest/nowhere", &big),
        ("PUT", "/rest/login", &big),
        ("POST", "/rest/login", &too_big),
    ] {
        let mut c = Raw::new(&s.addr);
        let a = c.send(method, target, None, body).expect("an answer");
        assert!(a.status >= 400 && a.status < 500);
        if a.closes() {
            assert!(c.closed_within(Duration::from_secs(3)), "{method} {target}: closed as announced");
        } else {
            let next = c.send("GET", "/rest/federation/v1/cpa", None, b"");
            assert_eq!(next.map(|a| a.status), Some(401), "{method} {target} -> {}: the connection carries the next request", a.status);
        }
    }
}

/// Finding 9: the CPA answer has the federation's name and GUID (world keys, with defaults).
#[test]
fn cpa_has_name_and_guid() {
    let s = Server::demo(&[]);
    let (token, _) = s.login("administrator", "HVDEMO", "x");
    let cpa = s.send("GET", "/federation/v1/cpa", Some(&token), None).json();
    assert_eq!(cpa["name"], "Horizon Cloud Pod Federation");
    let guid = cpa["guid"].as_str().unwrap();
    assert_eq!(guid.split('-').map(str::len).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{guid}");
    let again = Server::demo(&[]);
    let (t2, _) = again.login("administrator", "HVDEMO", "x");
    assert_eq!(again.send("GET", "/federation/v1/cpa", Some(&t2), None).json()["guid"], guid, "the same world, the same GUID");
    let world = json!({"federationName": "Lab", "federationGuid": "97b8c51e-2e30-47f8-8c3c-3b2d3ec1a2a7",
        "sites": [{"id": "Site/s", "name": "S"}], "pods": [{"id": "Pod/p", "name": "P", "site": "Site/s"}],
        "admins": [{"name": "admin", "domain": "D", "password": "p", "permissions": [{"role": "Administrators", "scope": "AccessGroup/root"}]}]});
    let w = Server::world(&world, &[]);
    let (t3, _) = w.login("admin", "D", "p");
    let cpa = w.send("GET", "/federation/v1/cpa", Some(&t3), None).json();
    assert_eq!((cpa["name"].as_str(), cpa["guid"].as_str()), (Some("Lab"), Some("97b8c51e-2e30-47f8-8c3c-3b2d3ec1a2a7")));
}

/// Finding 3, the REST backend's side: a batch larger than the server's 1,000 items goes in
/// requests of at most 1,000, and its answer is the embedded backend's, item for item in
/// input order (local, remote, unknown and repeated ids).
#[test]
fn the_rest_backend_splits_large_batches() {
    let counts = json!({"sessionsPerPod": 2000});
    let s = Server::demo(&[&counts.to_string()]);
    let rest =
        hvapi::Client::open(&json!({"backend": "rest", "url": s.url, "username": "administrator", "domain": "HVDEMO", "password": "x"})).expect("REST backend");
    let embedded = hvapi::Client::open(&json!({ "demo": counts })).unwrap();
    // 1,000 local ids and 2,000 of another pod's (two global requests), then unknown ids and
    // repeats (a second round).
    let mut ids: Vec<String> = (0..3000)
        .map(|i| match i % 3 {
            0 => format!("Session/pod-1-1-{:07}", i / 3 + 1),
            1 => format!("Session/pod-1-2-{:07}", i / 3 + 1),
            _ => format!("Session/pod-1-2-{:07}", i / 3 + 1001),
        })
        .collect();
    ids.extend((0..20).map(|i| format!("Session/pod-1-1-x{i}")));
    let repeats: Vec<String> = (0..20).map(|i| ids[i * 7].clone()).collect();
    ids.extend(repeats);
    let outcome = |c: &hvapi::Client| -> Vec<String> {
        match c.call(hvapi::Method::SessionDisconnectSessions, &json!({ "ids": ids })) {
            Err(f) => f.to_json()["results"].as_array().expect("a PartialFailureFault").iter().map(|r| r["type"].as_str().unwrap_or("ok").to_owned()).collect(),
            Ok(v) => panic!("every item succeeded? {v}"),
        }
    };
    let (want, got) = (outcome(&embedded), outcome(&rest));
    assert_eq!(want.len(), 3040);
    assert!(want.iter().filter(|t| *t == "ok").count() >= 2000, "most items succeed");
    assert_eq!(got, want);
}
