//! The C ABI of contract section 2, exercised through the exports themselves: one JSON
//! document per call, statuses equal to fault types, NULL and bad UTF-8 refused, every method
//! exported and declared in the header, and many threads on one client.

mod common;
use common::FAULT_TYPES;
use hvapi::ffi::*;
use hvapi::HvStatus;
use serde_json::{json, Value};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr::{null, null_mut};

type Export = unsafe extern "C" fn(*mut HvClient, *const c_char, *mut *mut c_char) -> HvStatus;

/// The contract's method table (section 4): name and export.
const CONTRACT: [(&str, Export); 23] = [
    ("Session_Disconnect", hv_session_disconnect),
    ("Session_DisconnectSessions", hv_session_disconnect_sessions),
    ("Session_GetLocalSummaryView", hv_session_get_local_summary_view),
    ("Session_Logoff", hv_session_logoff),
    ("Session_LogoffForced", hv_session_logoff_forced),
    ("Session_LogoffSessions", hv_session_logoff_sessions),
    ("Session_LogoffSessionsForced", hv_session_logoff_sessions_forced),
    ("Session_Reset", hv_session_reset),
    ("Session_ResetSessions", hv_session_reset_sessions),
    ("Session_Restart", hv_session_restart),
    ("Session_RestartSessions", hv_session_restart_sessions),
    ("Session_SendMessage", hv_session_send_message),
    ("Session_SendMessages", hv_session_send_messages),
    ("UserHomeSite_Create", hv_user_home_site_create),
    ("UserHomeSite_Delete", hv_user_home_site_delete),
    ("UserHomeSite_Get", hv_user_home_site_get),
    ("UserHomeSite_GetInfos", hv_user_home_site_get_infos),
    ("UserHomeSite_List", hv_user_home_site_list),
    ("UserHomeSite_Resolve", hv_user_home_site_resolve),
    ("UserHomeSite_ResolveForGAE", hv_user_home_site_resolve_for_gae),
    ("Session_Query", hv_session_query),
    ("Inventory_Query", hv_inventory_query),
    ("Event_Query", hv_event_query),
];

/// Takes ownership of a returned string, checks it is one well-formed answer whose fault
/// type equals the status, and frees it with hv_string_free.
fn answer(status: HvStatus, out: *mut c_char) -> Value {
    assert!(!out.is_null(), "an answer is always written");
    let text = unsafe { CStr::from_ptr(out) }.to_str().expect("UTF-8").to_owned();
    unsafe { hv_string_free(out) };
    let v: Value = serde_json::from_str(&text).expect("one JSON document");
    let obj = v.as_object().expect("an object");
    assert_eq!(obj.len(), 1, "{text}");
    if status == HvStatus::HV_OK {
        assert!(obj.contains_key("result"), "{text}");
    } else {
        assert_eq!(v["fault"]["type"], FAULT_TYPES[status as usize], "status {status:?} vs {text}");
        assert!(v["fault"]["errorMessage"].as_str().map_or(false, |m| !m.is_empty()));
    }
    v
}

struct Client(*mut HvClient);
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

impl Client {
    fn open(config: Value) -> Result<Client, Value> {
        let c = CString::new(config.to_string()).unwrap();
        let (mut client, mut out) = (null_mut(), null_mut());
        let st = unsafe { hv_client_open(c.as_ptr(), &mut client, &mut out) };
        let v = answer(st, out);
        if st == HvStatus::HV_OK {
            assert_eq!(v["result"]["backend"], "embedded", "an open answers the connection's description");
            assert!(!client.is_null());
            Ok(Client(client))
        } else {
            assert!(client.is_null(), "a failed open leaves *out_client NULL");
            Err(v)
        }
    }

    fn export(&self, f: Export, request: &str) -> (HvStatus, Value) {
        let r = CString::new(request).unwrap();
        let mut out = null_mut();
        let st = unsafe { f(self.0, r.as_ptr(), &mut out) };
        (st, answer(st, out))
    }

    fn invoke(&self, method: &str, request: &str) -> (HvStatus, Value) {
        let (m, r) = (CString::new(method).unwrap(), CString::new(request).unwrap());
        let mut out = null_mut();
        let st = unsafe { hv_invoke(self.0, m.as_ptr(), r.as_ptr(), &mut out) };
        (st, answer(st, out))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        unsafe { hv_client_close(self.0) }
    }
}

fn demo() -> Client {
    Client::open(json!({"backend": "embedded", "demo": {}})).unwrap()
}

/// Opens and returns the answer of hv_client_open (the connection's description).
fn describe(config: Value) -> Value {
    let c = CString::new(config.to_string()).unwrap();
    let (mut client, mut out) = (null_mut(), null_mut());
    let st = unsafe { hv_client_open(c.as_ptr(), &mut client, &mut out) };
    let v = answer(st, out);
    unsafe { hv_client_close(client) };
    v
}

#[test]
fn an_open_answers_who_and_where_the_connection_is() {
    assert_eq!(
        describe(json!({"demo": {}})),
        json!({"result": {"backend": "embedded", "user": "HVDEMO\\administrator", "localPod": "Pod/pod-1-1", "localSite": "Site/site-1"}})
    );
    let helpdesk = describe(json!({"demo": {}, "login": {"user": "HELPDESK", "domain": "hvdemo", "password": "helpdesk"}}));
    assert_eq!(helpdesk["result"]["user"], "HVDEMO\\helpdesk", "the admin's own spelling, whatever the login's case");
    assert_eq!(describe(json!({"world": {}})), json!({"result": {"backend": "embedded", "user": "HORIZON\\administrator"}}), "no pods: no local pod");
}

#[test]
fn the_method_table_matches_the_contract() {
    // The contract's methods, then the library's extensions.
    let names: Vec<&str> = hvapi::METHODS.iter().filter(|m| !hvapi::service::method::EXTENSIONS.contains(&m.0)).map(|m| m.1).collect();
    let contract: Vec<&str> = CONTRACT.iter().map(|m| m.0).collect();
    assert_eq!(names, contract);
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/hvapi.h")).unwrap();
    for (_, name, export) in hvapi::METHODS {
        assert!(
            header.contains(&format!("HvStatus {export}(struct HvClient *client, const char *request_json, char **out_json);")),
            "{name}: {export} is declared"
        );
    }
    for f in ["const char *hv_version(void);", "HvStatus hv_client_open(", "void hv_client_close(", "void hv_string_free(", "HvStatus hv_invoke("] {
        assert!(header.contains(f), "{f}");
    }
}

#[test]
fn every_export_answers_as_hv_invoke() {
    let requests = [
        r#"{}"#,
        r#"{"id": "Session/pod-1-1-0000002"}"#,
        r#"{"ids": ["Session/pod-1-1-0000003", "Session/nope"]}"#,
        r#"{"id": "Site/site-1"}"#,
        r#"{"id": "UserHomeSite/hs-1"}"#,
        r#"{"bogus": true}"#,
        r#"[1, 2]"#,
        r#"{"id": "Session/pod-1-1-0000004", "msgType": "INFO", "message": "hi"}"#,
        r#"{"base": {"userOrGroup": "UserOrGroup/user00001", "site": "Site/site-2"}}"#,
        r#"{"user": "UserOrGroup/user00001", "globalEntitlement": "GlobalEntitlement/ge-1"}"#,
        r#"{"entityType": "Pod", "limit": 2}"#,
        r#"{"userOrGroup": "UserOrGroup/group-1"}"#,
    ];
    for (name, export) in CONTRACT {
        for req in requests {
            // Two fresh clients, so that writes answer the same on both.
            let (a, b) = (demo(), demo());
            let (sa, va) = a.export(export, req);
            let (sb, vb) = b.invoke(name, req);
            assert_eq!((sa, &va), (sb, &vb), "{name} {req}");
        }
    }
}

#[test]
fn null_pointers_and_bad_text_are_refused() {
    let c = demo();
    let req = CString::new("{}").unwrap();
    // out_json NULL: nothing written, HV_INVALID_ARGUMENT.
    assert_eq!(unsafe { hv_session_query(c.0, req.as_ptr(), null_mut()) }, HvStatus::HV_INVALID_ARGUMENT);
    assert_eq!(unsafe { hv_invoke(c.0, null(), null(), null_mut()) }, HvStatus::HV_INVALID_ARGUMENT);
    assert_eq!(unsafe { hv_client_open(null(), null_mut(), null_mut()) }, HvStatus::HV_INVALID_ARGUMENT);
    let param = |st: HvStatus, out: *mut c_char| answer(st, out)["fault"]["parameterName"].clone();
    let mut out = null_mut();
    assert_eq!(param(unsafe { hv_session_query(null_mut(), req.as_ptr(), &mut out) }, out), "client");
    assert_eq!(param(unsafe { hv_session_query(c.0, null(), &mut out) }, out), "request_json");
    let method = CString::new("Session_Query").unwrap();
    assert_eq!(param(unsafe { hv_invoke(c.0, null(), req.as_ptr(), &mut out) }, out), "method");
    assert_eq!(param(unsafe { hv_invoke(c.0, method.as_ptr(), null(), &mut out) }, out), "request_json");
    let bogus = CString::new("Session_Nope").unwrap();
    assert_eq!(param(unsafe { hv_invoke(c.0, bogus.as_ptr(), req.as_ptr(), &mut out) }, out), "method");
    let lower = CString::new("session_query").unwrap();
    assert_eq!(param(unsafe { hv_invoke(c.0, lower.as_ptr(), req.as_ptr(), &mut out) }, out), "method", "names are exact");
    // Invalid UTF-8, in the request and in a JSON string.
    for bytes in [&b"\xff\xfe"[..], b"{\"id\": \"Session/\xc3\x28\"}", b"\xed\xa0\x80"] {
        let bad = CString::new(bytes).unwrap();
        let st = unsafe { hv_session_logoff(c.0, bad.as_ptr(), &mut out) };
        assert_eq!(st, HvStatus::HV_INVALID_ARGUMENT);
        assert_eq!(answer(st, out)["fault"]["parameterName"], "request_json");
    }
    for text in ["", "{", "nul", "{\"id\": \"Session/x\"} trailing", "\"Session/x\""] {
        let (st, v) = c.export(hv_session_logoff, text);
        assert_eq!(st, HvStatus::HV_INVALID_ARGUMENT, "{text:?}: {v}");
    }
    // NULL out_client on open.
    let cfg = CString::new(r#"{"demo": {}}"#).unwrap();
    assert_eq!(param(unsafe { hv_client_open(cfg.as_ptr(), null_mut(), &mut out) }, out), "out_client");
    // Freeing and closing NULL are no-ops.
    unsafe {
        hv_string_free(null_mut());
        hv_client_close(null_mut());
    }
}

#[test]
fn open_failures() {
    let f = Client::open(json!({"demo": {}, "login": {"user": "nobody", "domain": "NOWHERE"}})).err().unwrap();
    assert_eq!(f["fault"]["type"], "InvalidCredentials");
    let f = Client::open(json!({"world": {"pods": [{"id": "Pod/p", "name": "P", "site": "Site/nope"}]}})).err().unwrap();
    assert_eq!(f["fault"]["parameterName"], "pods[0].site");
}

#[test]
fn the_version_is_static() {
    let v = unsafe { CStr::from_ptr(hv_version()) }.to_str().unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    assert_eq!(hv_version(), hv_version());
}

#[test]
fn every_status_is_reachable_and_equals_its_fault_type() {
    let w = json!({
        "sites": [{"id": "Site/s", "name": "S"}, {"id": "Site/t", "name": "T"}],
        "pods": [{"id": "Pod/p", "name": "P", "site": "Site/s"}, {"id": "Pod/down", "name": "Down", "site": "Site/t", "reachable": false}],
        "usersAndGroups": [{"id": "UserOrGroup/u", "name": "u", "domain": "D"}],
        "desktops": [{"id": "Desktop/d", "name": "d", "pod": "Pod/p"}, {"id": "Desktop/x", "name": "x", "pod": "Pod/down"}],
        "sessions": [{"id": "Session/a", "user": "UserOrGroup/u", "desktop": "Desktop/d", "sessionState": "DISCONNECTED"},
                     {"id": "Session/b", "user": "UserOrGroup/u", "desktop": "Desktop/x"}],
        "roles": [{"name": "viewer", "privileges": ["MACHINE_VIEW"]}],
        "admins": [{"name": "v", "domain": "D", "permissions": [{"role": "viewer", "scope": "AccessGroup/root"}]}]
    });
    let c = Client::open(json!({ "world": w })).unwrap();
    let seen = [
        c.invoke("Session_Query", "{}").0,
        c.invoke("Session_Logoff", r#"{"id": "Session/zzz"}"#).0,
        c.invoke("Session_Logoff", r#"{"id": 1}"#).0,
        c.invoke("Session_Disconnect", r#"{"id": "Session/a"}"#).0,
        c.invoke("UserHomeSite_Create", r#"{"base": {"site": "Site/s"}}"#).0,
        c.invoke("Session_LogoffSessions", r#"{"ids": ["Session/zzz"]}"#).0,
        c.invoke("Session_Logoff", r#"{"id": "Session/b"}"#).0,
        c.invoke("Session_Logoff", "{}").0,
    ];
    assert_eq!(seen.map(|s| s as i32), [0, 1, 5, 4, 6, 7, 8, 3]);
    let viewer = Client::open(json!({"world": w, "login": {"user": "v", "domain": "D"}})).unwrap();
    assert_eq!(viewer.invoke("Session_Logoff", r#"{"id": "Session/a"}"#).0, HvStatus::HV_INSUFFICIENT_PERMISSION);
    assert_eq!(Client::open(json!({"world": w, "login": {"user": "x", "domain": "D"}})).err().unwrap()["fault"]["type"], "InvalidCredentials");
}

#[test]
fn many_threads_on_one_client() {
    let c = Client::open(json!({"demo": {"sites": 1, "podsPerSite": 1, "sessionsPerPod": 800, "users": 50}})).unwrap();
    let ids: Vec<String> = (1..=800).map(|n| format!("Session/pod-1-1-{n:07}")).collect();
    std::thread::scope(|s| {
        for t in 0..8 {
            let (c, ids) = (&c, &ids);
            s.spawn(move || {
                for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 8 == t) {
                    let req = json!({ "id": id }).to_string();
                    let (st, _) = c.export(hv_session_get_local_summary_view, &req);
                    assert_eq!(st, HvStatus::HV_OK);
                    let (st, _) = c.export(hv_session_logoff_forced, &req);
                    assert_eq!(st, HvStatus::HV_OK, "{id}");
                    let (st, _) = c.export(hv_session_query, r#"{"limit": 5}"#);
                    assert_eq!(st, HvStatus::HV_OK);
                    if i % 50 == 0 {
                        let (st, _) = c.export(hv_event_query, r#"{"limit": 1}"#);
                        assert_eq!(st, HvStatus::HV_OK);
                    }
                }
            });
        }
    });
    let (_, page) = c.invoke("Session_Query", "{}");
    assert_eq!(page["result"]["results"], json!([]), "every session was logged off once");
    let (_, events) = c.invoke("Event_Query", r#"{"limit": 5000}"#);
    let events = events["result"]["results"].as_array().unwrap().clone();
    assert_eq!(events.len(), 800, "one event per item");
    let mut ids_seen: Vec<u64> = events.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    ids_seen.dedup();
    assert_eq!(ids_seen, (1..=800).collect::<Vec<_>>(), "event ids are increasing and unique");
}
