//! The REST server over loopback: `hvapi serve` started per test world on 127.0.0.1:0 and
//! driven with a plain HTTP client. Every answer is checked against the OpenAPI file.
//!
//! The demo federation (`--demo`): local pod `pod-1-1` with sessions `pod-1-1-0000001..25`;
//! `…0013` is locked, `…0006/12/18/24` disconnected, `…0008` on an unmanaged PC, `…0009/19`
//! RDS desktops, `…0010/20` application sessions; `pod-1-2-…` are remote.

mod http;
mod openapi;

use http::{Response, Server};
use openapi::Spec;
use serde_json::{json, Value};

/// A server and the checker every answer goes through.
struct T {
    s: Server,
    spec: Spec,
    token: String,
}

impl T {
    fn new(s: Server) -> T {
        let (token, _) = s.login("administrator", "HVDEMO", "any");
        T { s, spec: Spec::load(), token }
    }

    fn demo() -> T {
        T::new(Server::demo(&[]))
    }

    /// Sends a request as `token` and checks the answer against the OpenAPI file.
    fn send_as(&self, token: Option<&str>, method: &str, path: &str, body: Option<Value>) -> Response {
        let r = self.s.send(method, path, token, body.as_ref());
        if let Err(e) = self.spec.check(method, path, r.status, &r.body) {
            panic!("{method} {path} -> {}: {e}\n{}", r.status, String::from_utf8_lossy(&r.body));
        }
        r
    }

    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Response {
        self.send_as(Some(&self.token.clone()), method, path, body)
    }

    fn get(&self, path: &str) -> Response {
        self.send("GET", path, None)
    }

    /// GET that must answer 200; its JSON.
    fn ok(&self, path: &str) -> Value {
        let r = self.get(path);
        assert_eq!(r.status, 200, "GET {path}: {}", String::from_utf8_lossy(&r.body));
        r.json()
    }

    fn post(&self, path: &str, body: Value) -> Response {
        self.send("POST", path, Some(body))
    }

    fn events(&self) -> Vec<Value> {
        self.ok("/external/v1/audit-events").as_array().unwrap().clone()
    }
}

fn key(r: &Response) -> String {
    r.json()["error_key"].as_str().unwrap_or_default().to_owned()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_owned()).collect()
}

fn enc(filter: Value) -> String {
    percent_encoding::utf8_percent_encode(&filter.to_string(), percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[test]
fn first_line_is_the_url_and_sigterm_stops_cleanly() {
    let mut s = Server::demo(&[]);
    assert!(s.addr.starts_with("127.0.0.1:"));
    assert!(s.stop(), "exit status 0 after SIGTERM");
}

#[test]
fn auth() {
    let t = T::demo();
    let login = |body: Value| t.send_as(None, "POST", "/login", Some(body));
    // Success, with the password as a string or as Horizon's char array.
    assert_eq!(login(json!({"username": "helpdesk", "domain": "HVDEMO", "password": "helpdesk"})).status, 200);
    assert_eq!(login(json!({"username": "HELPDESK", "domain": "hvdemo", "password": ["h", "e", "l", "p", "d", "e", "s", "k"]})).status, 200);
    // Wrong user, domain or password: 401.
    for (u, d, p) in [("nobody", "HVDEMO", "x"), ("helpdesk", "OTHER", "helpdesk"), ("helpdesk", "HVDEMO", "wrong")] {
        let r = login(json!({"username": u, "domain": d, "password": p}));
        assert_eq!((r.status, key(&r)), (401, "hvapi.fault.invalid_credentials".into()), "{u} {d} {p}");
    }
    // Bad bodies: 400.
    for body in [
        json!({"username": "helpdesk", "domain": "HVDEMO"}),
        json!({"username": "a", "domain": "b", "password": "c", "x": 1}),
        json!([1]),
        json!({"username": 1, "domain": "b", "password": "c"}),
    ] {
        assert_eq!(login(body.clone()).status, 400, "{body}");
    }
    // No token, a bad token: 401 on every protected endpoint.
    assert_eq!(t.send_as(None, "GET", "/inventory/v1/sessions", None).status, 401);
    let r = t.send_as(Some("not-a-token"), "GET", "/inventory/v1/sessions", None);
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    assert_eq!(t.send_as(None, "GET", "/federation/v1/sites", None).status, 401);
    // Refresh gives a working token; logout revokes the refresh token and its access tokens.
    let (access, refresh) = t.s.login("auditor", "HVDEMO", "auditor");
    let r = t.send_as(None, "POST", "/refresh", Some(json!({ "refresh_token": refresh })));
    assert_eq!(r.status, 200);
    let access2 = r.json()["access_token"].as_str().unwrap().to_owned();
    assert_ne!(access, access2);
    assert_eq!(t.send_as(Some(&access2), "GET", "/inventory/v1/sessions", None).status, 200);
    assert_eq!(t.send_as(None, "POST", "/logout", Some(json!({ "refresh_token": refresh }))).status, 200);
    for a in [&access, &access2] {
        assert_eq!(t.send_as(Some(a), "GET", "/inventory/v1/sessions", None).status, 401);
    }
    assert_eq!(t.send_as(None, "POST", "/refresh", Some(json!({ "refresh_token": refresh }))).status, 400);
    assert_eq!(t.send_as(None, "POST", "/logout", Some(json!({ "refresh_token": refresh }))).status, 400);
    assert_eq!(t.send_as(None, "POST", "/refresh", Some(json!({"refresh_token": 5}))).status, 400);
}

/// Expiry without waiting: with `--token-ttl 0` every access token is born expired, so the
/// test does not depend on timing. (The auth test shows refreshed tokens working.)
#[test]
fn expired_access_token() {
    let s = Server::demo(&["--token-ttl", "0"]);
    let spec = Spec::load();
    let (access, refresh) = s.login("administrator", "HVDEMO", "x");
    let r = s.send("GET", "/inventory/v1/sessions", Some(&access), None);
    spec.check("GET", "/inventory/v1/sessions", r.status, &r.body).unwrap();
    assert_eq!((r.status, key(&r)), (401, "hvapi.rest.token_expired".into()));
    let r = s.send("POST", "/refresh", None, Some(&json!({ "refresh_token": refresh })));
    assert_eq!(r.status, 200);
    let fresh = r.json()["access_token"].as_str().unwrap().to_owned();
    let r = s.send("GET", "/federation/v1/sites", Some(&fresh), None);
    assert_eq!((r.status, key(&r)), (401, "hvapi.rest.token_expired".into()), "a refreshed token lives --token-ttl too");
}

#[test]
fn sessions_list_and_get() {
    let t = T::demo();
    let all = t.ok("/inventory/v1/sessions");
    assert_eq!(all.as_array().unwrap().len(), 25, "the local pod's sessions, every one without paging");
    assert!(ids(&all).iter().all(|id| id.starts_with("pod-1-1-")));
    let v7 = t.ok("/inventory/v7/sessions?size=1000");
    assert_eq!(v7[0]["user_name"], "HVDEMO\\user00001");
    assert_eq!(v7[0]["desktop_pool_or_farm_source"], "INSTANT_CLONE");
    let app = t.ok("/inventory/v7/sessions/pod-1-1-0000010");
    assert_eq!((app["session_type"].as_str(), app["desktop_pool_or_farm_type"].as_str()), (Some("APPLICATION"), Some("RDS")));
    let one = t.ok("/inventory/v1/sessions/pod-1-1-0000001");
    assert_eq!((one["id"].as_str(), one["user_id"].as_str()), (Some("pod-1-1-0000001"), Some("user00001")));
    assert!(one["start_time"].as_i64().unwrap() > 1_700_000_000_000, "epoch milliseconds");
    // Unknown, remote (not local) and encoded ids.
    for path in ["/inventory/v1/sessions/nope", "/inventory/v7/sessions/pod-1-2-0000001", "/inventory/v1/sessions/a%2Fb"] {
        let r = t.get(path);
        assert_eq!((r.status, key(&r)), (404, "hvapi.fault.entity_not_found".into()), "{path}");
    }
}

#[test]
fn paging() {
    let t = T::demo();
    let r = t.get("/inventory/v1/sessions?page=1&size=10");
    assert_eq!((r.status, r.json().as_array().unwrap().len()), (200, 10));
    assert_eq!((r.header("x-total-count"), r.header("has_more_records")), (Some("25"), Some("true")));
    let r = t.get("/inventory/v1/sessions?page=3&size=10");
    assert_eq!(ids(&r.json()), (21..=25).map(|i| format!("pod-1-1-{i:07}")).collect::<Vec<_>>());
    assert_eq!((r.header("x-total-count"), r.header("has_more_records")), (Some("25"), None));
    let r = t.get("/inventory/v1/sessions?size=25");
    assert_eq!((r.json().as_array().unwrap().len(), r.header("has_more_records")), (25, None));
    assert_eq!(t.get("/inventory/v1/sessions?size=3").json().as_array().unwrap().len(), 3, "size alone is page 1");
    // Past the end, and out of range: 400.
    for q in ["page=4&size=10", "page=0&size=10", "page=1&size=0", "page=1&size=1001", "page=x&size=10", "size=-1", "page=2&size=1000"] {
        let r = t.get(&format!("/inventory/v1/sessions?{q}"));
        assert_eq!(r.status, 400, "{q}");
    }
    // An empty list: page 1 is fine.
    let f = enc(json!({"type": "Equals", "name": "user_id", "value": "nobody"}));
    let r = t.get(&format!("/inventory/v1/sessions?page=1&size=10&filter={f}"));
    assert_eq!((r.status, r.body.as_slice(), r.header("x-total-count")), (200, b"[]".as_slice(), Some("0")));
}

#[test]
fn filters_and_sorting() {
    let t = T::demo();
    let list = |filter: Value| ids(&t.ok(&format!("/inventory/v1/sessions?filter={}", enc(filter))));
    assert_eq!(list(json!({"type": "Equals", "name": "user_id", "value": "user00001"})), ["pod-1-1-0000001"]);
    assert_eq!(list(json!({"type": "NotEquals", "name": "session_state", "value": "CONNECTED"})).len(), 4);
    assert_eq!(
        list(json!({"type": "Equals", "name": "session_state", "value": "DISCONNECTED"})),
        ["pod-1-1-0000006", "pod-1-1-0000012", "pod-1-1-0000018", "pod-1-1-0000024"]
    );
    assert_eq!(list(json!({"type": "Contains", "name": "id", "value": "000002"})).len(), 7);
    assert_eq!(list(json!({"type": "StartsWith", "name": "id", "value": "pod-1-1-000001"})).len(), 10);
    assert_eq!(list(json!({"type": "Equals", "name": "session_type", "value": "APPLICATION"})), ["pod-1-1-0000010", "pod-1-1-0000020"]);
    let and = json!({"type": "And", "filters": [{"type": "Equals", "name": "session_type", "value": "DESKTOP"}, {"type": "Equals", "name": "session_state", "value": "DISCONNECTED"}]});
    assert_eq!(list(and).len(), 4);
    let or = json!({"type": "Or", "filters": [{"type": "Equals", "name": "id", "value": "pod-1-1-0000001"}, {"type": "Equals", "name": "id", "value": "pod-1-1-0000002"}]});
    assert_eq!(list(or), ["pod-1-1-0000001", "pod-1-1-0000002"]);
    assert_eq!(list(json!({"type": "Not", "filter": {"type": "Equals", "name": "session_type", "value": "DESKTOP"}})).len(), 2);
    // Between, inclusive, on epoch milliseconds (the contract's Between on the start time).
    let times: Vec<i64> = t.ok("/inventory/v1/sessions").as_array().unwrap().iter().map(|s| s["start_time"].as_i64().unwrap()).collect();
    let (lo, hi) = (times[4].min(times[9]), times[4].max(times[9]));
    let between = list(json!({"type": "Between", "name": "start_time", "fromValue": lo, "toValue": hi}));
    assert_eq!(between.len(), times.iter().filter(|&&x| x >= lo && x <= hi).count());
    assert!(between.len() >= 2);
    assert_eq!(list(json!({"type": "Between", "name": "idle_duration", "fromValue": 0, "toValue": 1000000})).len(), 25);
    // Group and client-type values cross the mapping too.
    let f = json!({"type": "Equals", "name": "client_data.type", "value": "HTMLACCESS"});
    assert_eq!(t.get(&format!("/inventory/v1/sessions?filter={}", enc(f))).status, 400, "nested fields are not filterable");
    // Bad filters: 400.
    for bad in [
        json!({"type": "Equals", "name": "nope", "value": "x"}),
        json!({"type": "Bogus", "name": "id", "value": "x"}),
        json!({"type": "Equals", "name": "id", "value": "x", "extra": 1}),
        json!({"type": "And"}),
        json!({"type": "Equals", "name": "start_time", "value": "yesterday"}),
        json!({"type": "Equals", "name": "desktop_pool_or_farm_name", "value": "x"}),
        json!([1]),
    ] {
        let r = t.get(&format!("/inventory/v7/sessions?filter={}", enc(bad.clone())));
        assert_eq!(r.status, 400, "{bad}");
    }
    assert_eq!(t.get("/inventory/v1/sessions?filter=%7Bnot%20json").status, 400);
    // Sorting.
    let sorted = t.ok("/inventory/v1/sessions?sort_by=start_time&order_by=DESC");
    let st: Vec<i64> = sorted.as_array().unwrap().iter().map(|s| s["start_time"].as_i64().unwrap()).collect();
    assert!(st.windows(2).all(|w| w[0] >= w[1]), "descending");
    let asc = t.ok("/inventory/v1/sessions?sort_by=user_id&order_by=ASC");
    let users: Vec<&str> = asc.as_array().unwrap().iter().map(|s| s["user_id"].as_str().unwrap()).collect();
    assert!(users.windows(2).all(|w| w[0] <= w[1]), "ascending");
    for q in ["sort_by=nope", "sort_by=id&order_by=UP", "unknown=1"] {
        assert_eq!(t.get(&format!("/inventory/v1/sessions?{q}")).status, 400, "{q}");
    }
}

#[test]
fn session_actions() {
    let t = T::demo();
    let act = |action: &str, body: Value| {
        let r = t.post(&format!("/inventory/v1/sessions/action/{action}"), body);
        assert_eq!(r.status, 200, "{action}: {}", String::from_utf8_lossy(&r.body));
        r.json().as_array().unwrap().iter().map(|i| i["status_code"].as_u64().unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(act("disconnect", json!(["pod-1-1-0000001", "pod-1-1-0000006", "nope"])), [200, 409, 404]);
    assert_eq!(t.ok("/inventory/v1/sessions/pod-1-1-0000001")["session_state"], "DISCONNECTED");
    assert_eq!(act("logoff", json!(["pod-1-1-0000013", "pod-1-1-0000002"])), [409, 200], "a locked session needs forced");
    assert_eq!(act("logoff?forced=true", json!(["pod-1-1-0000013"])), [200]);
    assert_eq!(t.get("/inventory/v1/sessions/pod-1-1-0000013").status, 404, "logged off");
    assert_eq!(act("reset", json!(["pod-1-1-0000003", "pod-1-1-0000010", "pod-1-1-0000009", "pod-1-1-0000008"])), [200, 400, 400, 400]);
    assert_eq!(act("restart", json!(["pod-1-1-0000004"])), [200]);
    assert_eq!(act("send-message", json!({"message": "Hi", "message_type": "WARNING", "session_ids": ["pod-1-1-0000005", "nope"]})), [200, 404]);
    // Another pod's session is not the local endpoint's to find (the global-session endpoints
    // reach it), and leaves no event.
    let before = t.events().len();
    assert_eq!(act("logoff?forced=true", json!(["pod-1-2-0000001"])), [404]);
    assert_eq!(t.events().len(), before);
    assert_eq!(t.ok("/inventory/v1/global-sessions?pod_id=pod-1-2&size=1")[0]["id"], "pod-1-2-0000001", "still there");
    let item = &t.post("/inventory/v1/sessions/action/logoff", json!(["nope"])).json()[0];
    assert_eq!(item["errors"][0]["error_key"], "hvapi.fault.entity_not_found");
    // Events, as the contract records them.
    let types: Vec<String> = t.events().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect();
    for want in [
        "ADMIN_DESKTOP_SESSION_DISCONNECTED",
        "ADMIN_DESKTOP_SESSION_DISCONNECT_FAILED",
        "ADMIN_DESKTOP_SESSION_LOGOFF",
        "ADMIN_DESKTOP_SESSION_REBOOTED",
        "ADMIN_DESKTOP_SESSION_RESTARTED",
        "ADMIN_SESSION_SENDMSG",
    ] {
        assert!(types.iter().any(|t| t == want), "{want} in {types:?}");
    }
    // Whole-call faults: bad bodies, bad message types, bad forced: 400, nothing changes.
    let before = t.events().len();
    for (path, body) in [
        ("disconnect", json!([])),
        ("disconnect", json!({"ids": ["x"]})),
        ("disconnect", json!([1, 2])),
        ("logoff?forced=maybe", json!(["pod-1-1-0000007"])),
        ("send-message", json!({"message": "Hi", "message_type": "SHOUT", "session_ids": ["pod-1-1-0000007"]})),
        ("send-message", json!({"message": "", "message_type": "INFO", "session_ids": ["pod-1-1-0000007"]})),
        ("send-message", json!({"message": "Hi", "message_type": "INFO", "session_ids": ["pod-1-1-0000007"], "x": 1})),
        ("send-message", json!({"message_type": "INFO", "session_ids": ["pod-1-1-0000007"]})),
    ] {
        let r = t.post(&format!("/inventory/v1/sessions/action/{path}"), body.clone());
        assert_eq!(r.status, 400, "{path} {body}");
    }
    for raw in ["", "[", "{\"a\":", "nul", "[\"pod-1-1-0000007\",]"] {
        let r = t.s.send("POST", "/inventory/v1/sessions/action/logoff", Some(&t.token), None);
        assert_eq!(r.status, 400);
        let auth = format!("Bearer {}", t.token);
        let r = http::request(&t.s.addr, "POST", "/rest/inventory/v1/sessions/action/logoff", &[("Authorization", &auth)], raw.as_bytes());
        assert_eq!(r.status, 400, "{raw:?}");
        t.spec.check("POST", "/inventory/v1/sessions/action/logoff", r.status, &r.body).unwrap();
    }
    assert_eq!(t.events().len(), before, "refused requests record nothing");
    assert_eq!(t.ok("/inventory/v1/sessions/pod-1-1-0000007")["session_state"], "CONNECTED");
}

#[test]
fn privileges_are_the_contracts() {
    let t = T::demo();
    let (auditor, _) = t.s.login("auditor", "HVDEMO", "auditor");
    let (helpdesk, _) = t.s.login("helpdesk", "HVDEMO", "helpdesk");
    // The auditor reads but may not act: the whole call is refused.
    assert_eq!(t.send_as(Some(&auditor), "GET", "/inventory/v1/sessions", None).status, 200);
    let r = t.send_as(Some(&auditor), "POST", "/inventory/v1/sessions/action/logoff", Some(json!(["pod-1-1-0000001"])));
    assert_eq!((r.status, key(&r)), (403, "hvapi.fault.insufficient_permission".into()));
    let r = t.send_as(Some(&auditor), "POST", "/federation/v1/home-sites", Some(json!([{"ad_user_or_group_id": "user00010", "site_id": "site-1"}])));
    assert_eq!(r.status, 403);
    // The helpdesk acts on its access group's local sessions, not on remote ones (which need
    // the federation privilege).
    let r = t.send_as(Some(&helpdesk), "POST", "/inventory/v1/sessions/action/disconnect", Some(json!(["pod-1-1-0000002"])));
    assert_eq!(r.json()[0]["status_code"], 200);
    let spec = json!([{"pod_id": "pod-1-2", "ids": ["pod-1-2-0000002"]}]);
    let r = t.send_as(Some(&helpdesk), "POST", "/inventory/v1/global-sessions/action/disconnect", Some(spec));
    assert_eq!((r.json()[0]["status_code"].as_u64(), r.json()[0]["details"][0]["status_code"].as_u64()), (Some(200), Some(403)));
    // It lists the global sessions of the access groups it may view.
    let list = |pod: &str| t.send_as(Some(&helpdesk), "GET", &format!("/inventory/v1/global-sessions?pod_id={pod}"), None).json();
    let (site_1, site_2) = (list("pod-1-2"), list("pod-2-1"));
    assert_eq!(site_1.as_array().unwrap().len(), 25);
    assert!(site_1.as_array().unwrap().iter().all(|s| s["local_access_group_id"] == "site-1"));
    assert_eq!(site_2, json!([]), "site-2's access group is not the helpdesk's");
    assert_eq!(t.ok("/inventory/v1/global-sessions?pod_id=pod-2-1").as_array().unwrap().len(), 25);
    let r = t.send_as(Some(&auditor), "GET", "/inventory/v1/global-sessions?pod_id=pod-1-2", None);
    assert_eq!(r.status, 200, "the auditor views every access group");
    // Without FEDERATED_LDAP_VIEW, home sites are forbidden.
    assert_eq!(t.send_as(Some(&helpdesk), "GET", "/federation/v1/home-sites", None).status, 403);
    let f = enc(json!({"type": "Equals", "name": "ad_user_or_group_id", "value": "nobody"}));
    assert_eq!(t.send_as(Some(&helpdesk), "GET", &format!("/federation/v2/home-sites?filter={f}"), None).status, 403, "privilege before existence");
    // The events name the administrator who acted.
    let ev = t.events();
    assert!(ev.iter().any(|e| e["message"].as_str().unwrap().starts_with("HVDEMO\\helpdesk")));
}

#[test]
fn global_sessions() {
    let t = T::demo();
    // A user's sessions on every pod, each with its pod and site.
    let mine = t.ok("/inventory/v1/global-sessions?user_id=user00001");
    assert_eq!(ids(&mine), ["pod-1-1-0000001", "pod-1-2-0000016", "pod-2-2-0000006"]);
    let placed: Vec<(&str, &str)> = mine.as_array().unwrap().iter().map(|r| (r["pod_id"].as_str().unwrap(), r["site_id"].as_str().unwrap())).collect();
    assert_eq!(placed, [("pod-1-1", "site-1"), ("pod-1-2", "site-1"), ("pod-2-2", "site-2")]);
    assert!(mine.as_array().unwrap().iter().all(|r| r["user_id"] == "user00001"));
    // A pod's sessions (hosted and, in the simulator, brokered by it).
    assert_eq!(t.ok("/inventory/v1/global-sessions?pod_id=pod-1-1&size=5").as_array().unwrap().len(), 5);
    let r = t.get("/inventory/v1/global-sessions?brokering_pod_id=pod-2-1&size=3");
    assert_eq!((r.header("x-total-count"), r.header("has_more_records")), (Some("25"), Some("true")));
    assert!(r.json().as_array().unwrap().iter().all(|s| s["pod_id"] == "pod-2-1" && s["id"].as_str().unwrap().starts_with("pod-2-1-")));
    let f = enc(
        json!({"type": "Or", "filters": [{"type": "Equals", "name": "id", "value": "pod-2-1-0000003"}, {"type": "Equals", "name": "id", "value": "pod-1-1-0000003"}]}),
    );
    assert_eq!(ids(&t.ok(&format!("/inventory/v1/global-sessions?pod_id=pod-2-1&filter={f}"))), ["pod-2-1-0000003"], "the pod's only");
    assert_eq!(t.get("/inventory/v1/global-sessions?pod_id=pod-9").status, 404);
    for q in ["", "?user_id=user00001&pod_id=pod-1-1"] {
        assert_eq!(t.get(&format!("/inventory/v1/global-sessions{q}")).status, 400, "{q}");
    }
    assert_eq!(t.get("/inventory/v1/global-sessions?user_id=nobody").status, 404);
    let f = enc(json!({"type": "Equals", "name": "session_state", "value": "DISCONNECTED"}));
    let r = t.get(&format!("/inventory/v1/global-sessions?pod_id=pod-1-1&page=2&size=3&sort_by=start_time&order_by=DESC&filter={f}"));
    assert_eq!((r.json().as_array().unwrap().len(), r.header("x-total-count")), (1, Some("4")));
    let f = enc(json!({"type": "Equals", "name": "pod_id", "value": "pod-1-1"}));
    assert_eq!(t.get(&format!("/inventory/v1/global-sessions?user_id=user00001&filter={f}")).status, 400, "pods are chosen with the parameters");
    let r = t.post(
        "/inventory/v1/global-sessions/action/logoff?forced=true",
        json!([{"pod_id": "pod-1-2", "ids": ["pod-1-2-0000001", "nope"]}, {"pod_id": "pod-9", "ids": ["x"]}]),
    );
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(
        (v[0]["status_code"].as_u64(), v[0]["details"][0]["status_code"].as_u64(), v[0]["details"][1]["status_code"].as_u64()),
        (Some(200), Some(200), Some(404))
    );
    assert_eq!(v[1]["status_code"], 404);
    let types = |t: &T| t.events().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(types(&t), ["VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SENT"], "a pod asked for a session it lacks records nothing");
    // A spec's ids are its pod's only: another pod's session is not found there, and stays.
    let r = t.post("/inventory/v1/global-sessions/action/logoff?forced=true", json!([{"pod_id": "pod-1-1", "ids": ["pod-1-2-0000002"]}]));
    assert_eq!(r.json()[0]["details"][0]["status_code"], 404);
    let r = t.post("/inventory/v1/global-sessions/action/logoff?forced=true", json!([{"pod_id": "pod-1-2", "ids": ["pod-1-2-0000002"]}]));
    assert_eq!(r.json()[0]["details"][0]["status_code"], 200);
    assert_eq!(types(&t).len(), 2);
    let r = t.post(
        "/inventory/v1/global-sessions/action/send-message",
        json!({"message": "Hi", "message_type": "INFO", "global_session_action_specs": [{"pod_id": "pod-1-1", "ids": ["pod-1-1-0000003"]}]}),
    );
    assert_eq!(r.json()[0]["details"][0]["status_code"], 200);
    assert_eq!(t.post("/inventory/v1/global-sessions/action/disconnect", json!([{"pod_id": "pod-1-1"}])).status, 400);
}

#[test]
fn home_sites() {
    let t = T::demo();
    let v1 = t.ok("/federation/v1/home-sites");
    let r = t.get("/federation/v2/home-sites?page=1&size=2");
    assert_eq!((r.json().as_array().unwrap().len(), r.header("x-total-count").map(String::from)), (2, Some(v1.as_array().unwrap().len().to_string())));
    let f = enc(json!({"type": "Equals", "name": "ad_user_or_group_id", "value": "user00001"}));
    let mine = t.ok(&format!("/federation/v2/home-sites?filter={f}"));
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!((mine[0]["user_name"].as_str(), mine[0]["group"].as_bool()), (Some("user00001"), Some(false)));
    let id = mine[0]["id"].as_str().unwrap().to_owned();
    let f = enc(
        json!({"type": "And", "filters": [{"type": "Equals", "name": "ad_user_or_group_id", "value": "nobody"}, {"type": "Equals", "name": "site_id", "value": "site-1"}]}),
    );
    assert_eq!(t.ok(&format!("/federation/v1/home-sites?filter={f}")), json!([]));
    let f = enc(json!({"type": "Equals", "name": "site_id", "value": "site-1"}));
    let on_site_1 = t.ok(&format!("/federation/v1/home-sites?filter={f}"));
    assert!(!on_site_1.as_array().unwrap().is_empty() && on_site_1.as_array().unwrap().iter().all(|h| h["site_id"] == "site-1"));
    assert_eq!(t.ok(&format!("/federation/v1/home-sites/{id}"))["ad_user_or_group_id"], "user00001");
    assert!(t.ok(&format!("/federation/v2/home-sites/{id}"))["site_name"].is_string());
    assert_eq!(t.get("/federation/v1/home-sites/nope").status, 404);
    // Bulk create: one new, one the same again (its existing id), one conflicting, one bad.
    let r = t.post(
        "/federation/v1/home-sites",
        json!([
            {"ad_user_or_group_id": "user00010", "site_id": "site-1"},
            {"ad_user_or_group_id": "user00010", "site_id": "site-1"},
            {"ad_user_or_group_id": "user00010", "site_id": "site-2"},
            {"ad_user_or_group_id": "nobody", "site_id": "site-1"},
            {"ad_user_or_group_id": "user00010", "site_id": "site-1", "global_desktop_entitlement_id": "ge-1", "global_application_entitlement_id": "gae-1"},
            {"site_id": "site-1"}
        ]),
    );
    assert_eq!(r.status, 200);
    let items = r.json();
    let codes: Vec<u64> = items.as_array().unwrap().iter().map(|i| i["status_code"].as_u64().unwrap()).collect();
    assert_eq!(codes, [200, 200, 400, 404, 400, 400]);
    assert_eq!(items[0]["id"], items[1]["id"]);
    let new_id = items[0]["id"].as_str().unwrap().to_owned();
    let v2 = t.post("/federation/v2/home-sites", json!([{"ad_user_or_group_id": "user00011", "site_id": "site-2", "use_homesite_for_redirection": true}]));
    assert_eq!(v2.json()[0]["status_code"], 400, "redirection home sites are not modelled");
    // Resolve: the user's own global home site.
    let res = t.post("/federation/v1/home-sites/action/resolve", json!({"user_id": "user00010", "global_desktop_entitlement_id": "ge-1"})).json();
    assert_eq!(res[0]["resolution_data"][0], json!({"id": new_id, "site_id": "site-1", "type": "USER_DEFAULT", "resolved": true}));
    let res2 = t.post("/federation/v2/home-sites/action/resolve", json!({"user_id": "user00005", "global_desktop_entitlement_id": "ge-1"})).json();
    let data = res2[0]["resolution_data_v2"].as_array().unwrap();
    assert_eq!(data[0]["resolved"], true);
    assert!(data.iter().all(|d| d["type"].as_str().unwrap().starts_with("GROUP_") && d["group_name"].is_string()));
    assert!(
        t.post("/federation/v2/home-sites/action/resolve", json!({"user_id": "user00005"})).json().as_array().unwrap().len() >= 2,
        "every entitlement of the user"
    );
    for (body, status) in [
        (json!({"user_id": "group-1", "global_desktop_entitlement_id": "ge-1"}), 400),
        (json!({"user_id": "nobody", "global_desktop_entitlement_id": "ge-1"}), 404),
        (json!({"user_id": "user00005", "global_desktop_entitlement_id": "ge-9"}), 404),
        (json!({"user_id": "user00005", "global_desktop_entitlement_id": "ge-1", "global_application_entitlement_id": "gae-1"}), 400),
        (json!({"global_desktop_entitlement_id": "ge-1"}), 400),
    ] {
        assert_eq!(t.post("/federation/v1/home-sites/action/resolve", body.clone()).status, status, "{body}");
    }
    // Bulk delete.
    let r = t.send("DELETE", "/federation/v2/home-sites", Some(json!([new_id, "nope"])));
    let codes: Vec<u64> = r.json().as_array().unwrap().iter().map(|i| i["status_code"].as_u64().unwrap()).collect();
    assert_eq!(codes, [200, 404]);
    assert_eq!(t.get(&format!("/federation/v1/home-sites/{new_id}")).status, 404);
    let types: Vec<String> = t.events().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect();
    assert!(types.contains(&"VLSI_USER_HOME_SITE_ADDED".into()) && types.contains(&"VLSI_USER_HOME_SITE_DELETED".into()));
    assert_eq!(t.send("PUT", &format!("/federation/v2/home-sites/{id}"), Some(json!({"site_id": "site-1"}))).status, 501);
}

#[test]
fn federation_lookups() {
    let t = T::demo();
    let sites = t.ok("/federation/v1/sites");
    assert_eq!(sites[0], json!({"id": "site-1", "name": "New York", "pods": ["pod-1-1", "pod-1-2"]}));
    assert_eq!(t.ok("/federation/v1/sites/site-2")["name"], "London");
    let pods = t.ok("/federation/v1/pods");
    assert_eq!(pods.as_array().unwrap().iter().filter(|p| p["local_pod"] == true).count(), 1);
    assert_eq!(t.ok("/federation/v1/pods/pod-1-1")["local_pod"], true);
    assert_eq!(t.ok("/federation/v1/cpa")["local_connection_server_status"], "ENABLED");
    assert_eq!(t.ok("/inventory/v1/global-desktop-entitlements").as_array().unwrap().len(), 4);
    assert_eq!(t.ok("/inventory/v1/global-application-entitlements?size=1").as_array().unwrap().len(), 1);
    let ge = t.ok("/inventory/v1/global-desktop-entitlements/ge-1");
    assert_eq!(ge["group_count"], 6);
    assert!(t.ok("/inventory/v1/global-application-entitlements/gae-1")["name"].is_string());
    let groups = t.ok("/external/v1/ad-users-or-groups?group_only=true");
    assert_eq!(groups.as_array().unwrap().len(), 6);
    assert_eq!(t.ok("/external/v1/ad-users-or-groups?group_only=false&size=5").as_array().unwrap().len(), 5);
    let f = enc(json!({"type": "StartsWith", "name": "name", "value": "user0000"}));
    assert_eq!(t.ok(&format!("/external/v1/ad-users-or-groups?filter={f}")).as_array().unwrap().len(), 9);
    let u = t.ok("/external/v1/ad-users-or-groups/user00005");
    assert_eq!((u["display_name"].as_str(), u["group_membership_ids"].as_array().map(Vec::len)), (Some("HVDEMO\\user00005"), Some(2)));
    let g = t.ok("/external/v1/ad-users-or-groups/group-1");
    assert!(g["user_count"].as_u64().unwrap() > 0);
    for path in
        ["/federation/v1/sites/nope", "/federation/v1/pods/nope", "/inventory/v1/global-desktop-entitlements/nope", "/external/v1/ad-users-or-groups/nope"]
    {
        assert_eq!(t.get(path).status, 404, "{path}");
    }
    // Audit events: paging, filters, sorting.
    t.post("/inventory/v1/sessions/action/logoff", json!(["pod-1-1-0000001", "nope", "pod-1-1-0000002"]));
    let r = t.get("/external/v1/audit-events?page=1&size=2");
    assert_eq!((r.header("x-total-count"), r.header("has_more_records")), (Some("3"), Some("true")));
    let f = enc(json!({"type": "Equals", "name": "severity", "value": "AUDIT_FAIL"}));
    assert_eq!(t.ok(&format!("/external/v1/audit-events?filter={f}")).as_array().unwrap().len(), 1);
    let desc = t.ok("/external/v1/audit-events?sort_by=id&order_by=DESC");
    assert_eq!(desc[0]["id"], 3);
    let now = t.ok("/external/v1/audit-events")[0]["time"].as_i64().unwrap();
    let f = enc(json!({"type": "Between", "name": "time", "fromValue": now - 60_000, "toValue": now + 60_000}));
    assert_eq!(t.ok(&format!("/external/v1/audit-events?filter={f}")).as_array().unwrap().len(), 3);
    // What AuditEventSummary has no field for, as extended attributes; ids repeated or with
    // commas; an id that names no event is left out.
    let attrs = t.ok("/external/v1/audit-events/extended-attributes?ids=1&ids=2,99");
    assert_eq!(
        attrs,
        json!([
            {"id": 1, "event_data": {"UserDisplayName": "HVDEMO\\administrator", "SessionId": "pod-1-1-0000001", "PodId": "pod-1-1"}},
            {"id": 2, "event_data": {"UserDisplayName": "HVDEMO\\administrator", "SessionId": "nope"}}
        ])
    );
    for q in ["", "?ids=", "?ids=x", "?ids=1,,2", "?ids=-1"] {
        assert_eq!(t.get(&format!("/external/v1/audit-events/extended-attributes{q}")).status, 400, "{q}");
    }
    let many: Vec<String> = (1..=1001).map(|i| format!("ids={i}")).collect();
    assert_eq!(t.get(&format!("/external/v1/audit-events/extended-attributes?{}", many.join("&"))).status, 400, "at most 1000 ids");
}

#[test]
fn cpa_not_initialized_is_409() {
    let world = json!({
        "federationInitialized": false,
        "sites": [{"id": "Site/s", "name": "S"}],
        "pods": [{"id": "Pod/p", "name": "P", "site": "Site/s"}],
        "usersAndGroups": [{"id": "UserOrGroup/u", "name": "u", "domain": "D"}],
        "globalEntitlements": [{"id": "GlobalEntitlement/e", "name": "E", "members": ["UserOrGroup/u"]}],
        "desktops": [{"id": "Desktop/d", "name": "D", "pod": "Pod/p"}],
        "sessions": [{"id": "Session/x", "user": "UserOrGroup/u", "desktop": "Desktop/d", "machineName": "m"}]
    });
    let s = Server::world(&world, &[]);
    let (token, _) = s.login("administrator", "D", "");
    let spec = Spec::load();
    let send = |m: &str, p: &str, b: Option<Value>| {
        let r = s.send(m, p, Some(&token), b.as_ref());
        spec.check(m, p, r.status, &r.body).unwrap();
        r
    };
    for p in [
        "/federation/v1/home-sites",
        "/federation/v2/home-sites",
        "/federation/v1/sites",
        "/federation/v1/pods",
        "/inventory/v1/global-desktop-entitlements",
        "/inventory/v1/global-sessions?user_id=u",
    ] {
        assert_eq!(send("GET", p, None).status, 409, "{p}");
    }
    assert_eq!(send("POST", "/federation/v1/home-sites", Some(json!([{"ad_user_or_group_id": "u", "site_id": "s"}]))).status, 409);
    assert_eq!(send("POST", "/federation/v1/home-sites/action/resolve", Some(json!({"user_id": "u", "global_desktop_entitlement_id": "e"}))).status, 409);
    assert_eq!(send("GET", "/federation/v1/cpa", None).json(), json!({"local_connection_server_status": "DISABLED"}));
    assert_eq!(send("GET", "/inventory/v1/sessions", None).json()[0]["id"], "x", "local sessions need no CPA");
}

#[test]
fn http_errors() {
    let t = T::new(Server::demo(&["--max-body", "1024"]));
    let r = t.get("/inventory/v1/nothing");
    assert_eq!((r.status, key(&r)), (404, "hvapi.rest.not_found".into()));
    let r = http::request(&t.s.addr, "GET", "/other", &[], b"");
    assert_eq!(r.status, 404);
    let r = t.send("DELETE", "/inventory/v1/sessions", None);
    assert_eq!((r.status, r.header("allow")), (405, Some("GET")));
    assert_eq!(t.get("/inventory/v1/sessions/action/logoff").status, 405);
    let big = Value::Array((0..200).map(|i| Value::from(format!("pod-1-1-{i:07}"))).collect());
    let r = t.post("/inventory/v1/sessions/action/logoff", big);
    assert_eq!((r.status, key(&r)), (413, "hvapi.rest.body_too_large".into()));
    assert_eq!(t.ok("/inventory/v1/sessions").as_array().unwrap().len(), 25, "nothing was logged off");
    for (m, p) in [
        ("POST", "/federation/v1/sites"),
        ("PUT", "/federation/v1/pods/pod-1-1"),
        ("GET", "/config/v1/event-database"),
        ("DELETE", "/inventory/v1/global-desktop-entitlements/ge-1"),
        ("PUT", "/federation/v1/cpa"),
    ] {
        let r = t.send(m, p, Some(json!({"name": "x"})));
        assert_eq!((r.status, key(&r)), (501, "hvapi.rest.not_supported".into()), "{m} {p}");
    }
    assert_eq!(t.send_as(None, "POST", "/federation/v1/sites", None).status, 401, "authentication comes first");
    assert_eq!(t.get("/inventory/v1/sessions?page=1&page=2").status, 400);
    assert_eq!(t.get("/inventory/v1/sessions?filter=a&filter=b").status, 400, "only array parameters repeat");
}

#[test]
fn rate_limit() {
    let t = T::new(Server::demo(&["--rate-limit", "2"]));
    let statuses: Vec<Response> = (0..12).map(|_| t.get("/federation/v1/sites")).collect();
    let limited: Vec<&Response> = statuses.iter().filter(|r| r.status == 429).collect();
    assert!(!limited.is_empty(), "12 quick requests exceed 2 per second");
    assert_eq!(limited[0].header("x-rate-limit-retry-after-seconds"), Some("1"));
    assert_eq!(key(limited[0]), "hvapi.rest.too_many_requests");
}

#[test]
fn eight_concurrent_clients() {
    let t = T::new(Server::demo(&[r#"{"sessionsPerPod": 400}"#]));
    let before = t.ok("/inventory/v1/sessions").as_array().unwrap().len();
    assert_eq!(before, 400);
    std::thread::scope(|scope| {
        for k in 0..8 {
            let t = &t;
            scope.spawn(move || {
                let (token, _) = t.s.login(if k % 2 == 0 { "administrator" } else { "helpdesk" }, "HVDEMO", "helpdesk");
                for round in 0..5 {
                    let r = t.send_as(Some(&token), "GET", "/inventory/v7/sessions?page=1&size=50", None);
                    assert_eq!(r.status, 200);
                    let id = format!("pod-1-1-{:07}", 1 + k * 50 + round * 2);
                    let r = t.send_as(Some(&token), "POST", "/inventory/v1/sessions/action/logoff?forced=true", Some(json!([id])));
                    assert_eq!(r.json()[0]["status_code"], 200, "{id}");
                }
            });
        }
    });
    assert_eq!(t.ok("/inventory/v1/sessions").as_array().unwrap().len(), before - 40);
    assert_eq!(t.events().len(), 40, "one event per item");
}

#[test]
fn tls_with_a_certificate() {
    // A throw-away self-signed certificate for 127.0.0.1 (openssl), and curl as the client.
    let dir = std::env::temp_dir().join(format!("hvapi-rest-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl (scripts/setup.sh installs it)");
    assert!(made.success());
    let s = Server::demo(&["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()]);
    assert!(s.url.starts_with("https://127.0.0.1:"), "{}", s.url);
    let out = std::process::Command::new("curl")
        .args([
            "-s",
            "--cacert",
            cert.to_str().unwrap(),
            "-H",
            "Content-Type: application/json",
            "-d",
            r#"{"username":"auditor","domain":"HVDEMO","password":"auditor"}"#,
        ])
        .arg(format!("{}/login", s.url))
        .output()
        .expect("curl (scripts/setup.sh installs it)");
    let tokens: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let out = std::process::Command::new("curl")
        .args(["-s", "--cacert", cert.to_str().unwrap(), "-H"])
        .arg(format!("Authorization: Bearer {}", tokens["access_token"].as_str().unwrap()))
        .arg(format!("{}/federation/v1/sites", s.url))
        .output()
        .unwrap();
    let sites: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sites[0]["id"], "site-1");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigint_stops_cleanly_too() {
    let mut s = Server::demo(&[]);
    let _ = std::process::Command::new("kill").args(["-INT", &s.child.id().to_string()]).status();
    assert!(s.child.wait().unwrap().success());
}

/// The success path of the endpoints the other tests reach only through failures.
#[test]
fn remaining_success_paths() {
    let t = T::demo();
    for (action, id) in [("disconnect", "pod-1-2-0000001"), ("reset", "pod-1-2-0000002"), ("restart", "pod-1-2-0000003")] {
        let r = t.post(&format!("/inventory/v1/global-sessions/action/{action}"), json!([{"pod_id": "pod-1-2", "ids": [id]}]));
        assert_eq!(r.json()[0]["details"][0]["status_code"], 200, "{action}");
    }
    let r = t.post(
        "/federation/v2/home-sites",
        json!([{"ad_user_or_group_id": "user00012", "site_id": "site-2", "global_desktop_entitlement_id": "ge-1", "use_homesite_for_redirection": false}]),
    );
    let item = &r.json()[0];
    assert_eq!(item["status_code"], 200);
    let id = item["id"].as_str().unwrap().to_owned();
    let res = t.post("/federation/v1/home-sites/action/resolve", json!({"user_id": "user00012", "global_desktop_entitlement_id": "ge-1"})).json();
    assert_eq!(res[0]["resolution_data"][0]["type"], "USER_OVERRIDE");
    let r = t.send("DELETE", "/federation/v1/home-sites", Some(json!([id])));
    assert_eq!(r.json()[0], json!({"id": id, "status_code": 200}));
}

/// Every contract fault travels as its row of the fault table (src/rest FAULT_HTTP).
#[test]
fn faults_to_statuses() {
    let world = json!({
        "localPod": "Pod/local",
        "sites": [{"id": "Site/s", "name": "S"}],
        "pods": [{"id": "Pod/local", "name": "L", "site": "Site/s"}, {"id": "Pod/far", "name": "F", "site": "Site/s", "reachable": false}],
        "usersAndGroups": [{"id": "UserOrGroup/u", "name": "u", "domain": "D"}, {"id": "UserOrGroup/g", "name": "g", "domain": "D", "group": true}],
        "globalEntitlements": [{"id": "GlobalEntitlement/e", "name": "E", "members": ["UserOrGroup/u"]}],
        "desktops": [{"id": "Desktop/d", "name": "D", "pod": "Pod/local"}, {"id": "Desktop/fd", "name": "FD", "pod": "Pod/far"}],
        "sessions": [
            {"id": "Session/x", "user": "UserOrGroup/u", "desktop": "Desktop/d", "machineName": "m", "sessionState": "DISCONNECTED"},
            {"id": "Session/far", "user": "UserOrGroup/u", "desktop": "Desktop/fd", "machineName": "n"}
        ],
        "admins": [{"name": "viewer", "domain": "D", "password": "p", "permissions": [{"role": "Administrators (Read only)", "scope": "AccessGroup/root"}]}]
    });
    let s = Server::world(&world, &[]);
    let spec = Spec::load();
    let (admin, _) = s.login("administrator", "D", "");
    let (viewer, _) = s.login("viewer", "D", "p");
    let send = |token: &str, m: &str, p: &str, b: Value| {
        let r = s.send(m, p, Some(token), Some(&b));
        spec.check(m, p, r.status, &r.body).unwrap();
        r
    };
    let item = |r: &Response| r.json()[0]["errors"][0]["error_key"].as_str().unwrap().to_owned();
    let logoff = "/inventory/v1/sessions/action/logoff";
    // Per item: EntityNotFound 404, InvalidState 409, UnexpectedFault 500.
    let r = send(&admin, "POST", logoff, json!(["nope"]));
    assert_eq!((r.json()[0]["status_code"].as_u64(), item(&r)), (Some(404), "hvapi.fault.entity_not_found".into()));
    let r = send(&admin, "POST", "/inventory/v1/sessions/action/disconnect", json!(["x"]));
    assert_eq!((r.json()[0]["status_code"].as_u64(), item(&r)), (Some(409), "hvapi.fault.invalid_state".into()));
    let spec = json!([{"pod_id": "far", "ids": ["far"]}]);
    let r = send(&admin, "POST", "/inventory/v1/global-sessions/action/logoff", spec);
    let far = &r.json()[0]["details"][0];
    assert_eq!((far["status_code"].as_u64(), far["errors"][0]["error_key"].as_str()), (Some(500), Some("hvapi.fault.unexpected")));
    // Whole call: InsufficientPermission 403, InvalidType 400, InvalidArgument 400, InvalidRequest 400.
    for (token, m, p, b, status, key_) in [
        (&viewer, "POST", logoff, json!(["x"]), 403, "hvapi.fault.insufficient_permission"),
        (&admin, "POST", logoff, json!([true]), 400, "hvapi.fault.invalid_type"),
        (&admin, "POST", logoff, json!([]), 400, "hvapi.fault.invalid_argument"),
    ] {
        let r = send(token, m, p, b.clone());
        assert_eq!((r.status, key(&r)), (status, key_.to_owned()), "{p} {b}");
    }
    // Home-site create per item: InvalidRequest (a group not entitled to the entitlement).
    let r = send(&admin, "POST", "/federation/v1/home-sites", json!([{"ad_user_or_group_id": "g", "site_id": "s", "global_desktop_entitlement_id": "e"}]));
    assert_eq!((r.json()[0]["status_code"].as_u64(), item(&r)), (Some(400), "hvapi.fault.invalid_request".into()));
    // InvalidCredentials 401.
    let r = s.send("POST", "/login", None, Some(&json!({"username": "viewer", "domain": "D", "password": "no"})));
    assert_eq!((r.status, key(&r)), (401, "hvapi.fault.invalid_credentials".into()));
}

/// Every endpoint that takes a body, fed bodies of every bad shape: a 4xx `APIError` each
/// time, and the federation unchanged (no event, no session gone, no home site added).
#[test]
fn bad_bodies_change_nothing() {
    let t = T::demo();
    let sessions = t.ok("/inventory/v1/sessions").as_array().unwrap().len();
    let home_sites = t.ok("/federation/v1/home-sites").as_array().unwrap().len();
    let endpoints = [
        ("POST", "/inventory/v1/sessions/action/disconnect"),
        ("POST", "/inventory/v1/sessions/action/logoff"),
        ("POST", "/inventory/v1/sessions/action/reset"),
        ("POST", "/inventory/v1/sessions/action/restart"),
        ("POST", "/inventory/v1/sessions/action/send-message"),
        ("POST", "/inventory/v1/global-sessions/action/disconnect"),
        ("POST", "/inventory/v1/global-sessions/action/logoff"),
        ("POST", "/inventory/v1/global-sessions/action/send-message"),
        ("POST", "/federation/v1/home-sites"),
        ("POST", "/federation/v2/home-sites"),
        ("DELETE", "/federation/v1/home-sites"),
        ("POST", "/federation/v1/home-sites/action/resolve"),
        ("POST", "/federation/v2/home-sites/action/resolve"),
        ("POST", "/login"),
        ("POST", "/refresh"),
        ("POST", "/logout"),
    ];
    let bodies: [&[u8]; 14] = [
        b"",
        b"   ",
        b"{",
        b"[\"pod-1-1-0000001\"",
        b"nul",
        b"\xff\xfe",
        b"{\"a\":1}",
        b"123",
        b"\"pod-1-1-0000001\"",
        b"null",
        b"{\"session_ids\": 5, \"message\": \"m\", \"message_type\": \"INFO\"}",
        b"[[\"pod-1-1-0000001\"]]",
        b"{\"refresh_token\": [\"x\"], \"user_id\": {}}",
        b"[{\"pod_id\": 1, \"ids\": \"pod-1-1-0000001\"}]",
    ];
    let auth = format!("Bearer {}", t.token);
    for (m, p) in endpoints {
        for body in bodies {
            let r = http::request(&t.s.addr, m, &format!("/rest{p}"), &[("Authorization", &auth), ("Content-Type", "application/json")], body);
            if let Err(e) = t.spec.check(m, p, r.status, &r.body) {
                panic!("{m} {p} {:?}: {e}", String::from_utf8_lossy(body));
            }
            // Bulk endpoints may answer 200 with every item refused; nothing may succeed.
            if r.status == 200 {
                let items = r.json();
                let all_failed = items.as_array().map_or(false, |a| {
                    a.iter().all(|i| i["status_code"] != 200 && i["details"].as_array().map_or(true, |d| d.iter().all(|x| x["status_code"] != 200)))
                });
                assert!(all_failed, "{m} {p} {:?} -> {items}", String::from_utf8_lossy(body));
            } else {
                assert!((400..500).contains(&r.status), "{m} {p} {:?} -> {}", String::from_utf8_lossy(body), r.status);
            }
        }
    }
    assert_eq!(t.ok("/inventory/v1/sessions").as_array().unwrap().len(), sessions);
    assert_eq!(t.ok("/federation/v1/home-sites").as_array().unwrap().len(), home_sites);
    let changes: Vec<Value> = t.events().into_iter().filter(|e| e["severity"] == "AUDIT_SUCCESS").collect();
    assert!(changes.is_empty(), "{changes:?}");
}
