//! Fuzzing the C boundary (issue 4): random and mutated requests at every export and at
//! `hv_invoke`, raw bytes (invalid UTF-8, text cut at an embedded NUL, deep nesting), NULL
//! pointers, and `hv_client_open` configurations.
//!
//! Every answer must be exactly one JSON document, `{"result": ...}` with `HV_OK` or
//! `{"fault": {...}}` whose `type` is the returned status; no panic may cross the boundary.
//! Oracles about the federation (each client is snapshotted after every call: its local
//! sessions as Session_Query shows them, its home sites as UserHomeSite_List shows them, and
//! its event count):
//! - a call refused for its text (the fault `hvapi::service::Request::parse` gives, or bad
//!   JSON, bad UTF-8, an unknown method) answers exactly that fault and changes nothing,
//!   events included; so does any call answered `InsufficientPermission` (contract 5.3: no
//!   event for items refused for want of privilege);
//! - a read changes nothing;
//! - a session write records exactly one event per item, less the items refused for
//!   privilege; a home-site write one event, except a Create that returns an existing id
//!   (then nothing changes).
//!
//! Cases: `HVAPI_FUZZ_CASES` in all (default 100,000; 10,000 in a debug build), split across
//! the properties below: 70% mutated requests, 15% raw bytes, 10% client configurations, 5%
//! export-versus-hv_invoke agreement (NULL pointers are enumerated, not sampled).
//! Deterministic: every property runs on a ChaCha RNG with proptest's fixed seed.
//! `HVAPI_FUZZ_CASES=1000000 cargo test --release --test fuzz` runs a million.

use hvapi::client::parse_json;
use hvapi::ffi::*;
use hvapi::service::Request;
use hvapi::{HvStatus, Method, METHODS};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::ffi::{CStr, CString};
use std::hash::{Hash, Hasher};
use std::os::raw::c_char;

// ------------------------------------------------------------------ the export table

type Export = unsafe extern "C" fn(*mut HvClient, *const c_char, *mut *mut c_char) -> HvStatus;

/// Each method's export, by an exhaustive match: a method without an export does not compile.
fn export(m: Method) -> Export {
    use Method::*;
    match m {
        SessionDisconnect => hv_session_disconnect,
        SessionDisconnectSessions => hv_session_disconnect_sessions,
        SessionGetLocalSummaryView => hv_session_get_local_summary_view,
        SessionLogoff => hv_session_logoff,
        SessionLogoffForced => hv_session_logoff_forced,
        SessionLogoffSessions => hv_session_logoff_sessions,
        SessionLogoffSessionsForced => hv_session_logoff_sessions_forced,
        SessionReset => hv_session_reset,
        SessionResetSessions => hv_session_reset_sessions,
        SessionRestart => hv_session_restart,
        SessionRestartSessions => hv_session_restart_sessions,
        SessionSendMessage => hv_session_send_message,
        SessionSendMessages => hv_session_send_messages,
        UserHomeSiteCreate => hv_user_home_site_create,
        UserHomeSiteDelete => hv_user_home_site_delete,
        UserHomeSiteGet => hv_user_home_site_get,
        UserHomeSiteGetInfos => hv_user_home_site_get_infos,
        UserHomeSiteList => hv_user_home_site_list,
        UserHomeSiteResolve => hv_user_home_site_resolve,
        UserHomeSiteResolveForGae => hv_user_home_site_resolve_for_gae,
        SessionQuery => hv_session_query,
        InventoryQuery => hv_inventory_query,
        EventQuery => hv_event_query,
        GlobalSessionQuery => hv_global_session_query,
    }
}

/// The exports by their C names, to check the match above against `METHODS`.
const EXPORTS: [(&str, Export); 24] = [
    ("hv_session_disconnect", hv_session_disconnect as Export),
    ("hv_session_disconnect_sessions", hv_session_disconnect_sessions as Export),
    ("hv_session_get_local_summary_view", hv_session_get_local_summary_view as Export),
    ("hv_session_logoff", hv_session_logoff as Export),
    ("hv_session_logoff_forced", hv_session_logoff_forced as Export),
    ("hv_session_logoff_sessions", hv_session_logoff_sessions as Export),
    ("hv_session_logoff_sessions_forced", hv_session_logoff_sessions_forced as Export),
    ("hv_session_reset", hv_session_reset as Export),
    ("hv_session_reset_sessions", hv_session_reset_sessions as Export),
    ("hv_session_restart", hv_session_restart as Export),
    ("hv_session_restart_sessions", hv_session_restart_sessions as Export),
    ("hv_session_send_message", hv_session_send_message as Export),
    ("hv_session_send_messages", hv_session_send_messages as Export),
    ("hv_user_home_site_create", hv_user_home_site_create as Export),
    ("hv_user_home_site_delete", hv_user_home_site_delete as Export),
    ("hv_user_home_site_get", hv_user_home_site_get as Export),
    ("hv_user_home_site_get_infos", hv_user_home_site_get_infos as Export),
    ("hv_user_home_site_list", hv_user_home_site_list as Export),
    ("hv_user_home_site_resolve", hv_user_home_site_resolve as Export),
    ("hv_user_home_site_resolve_for_gae", hv_user_home_site_resolve_for_gae as Export),
    ("hv_session_query", hv_session_query as Export),
    ("hv_inventory_query", hv_inventory_query as Export),
    ("hv_event_query", hv_event_query as Export),
    ("hv_global_session_query", hv_global_session_query as Export),
];

#[test]
fn the_export_table_covers_every_method() {
    assert_eq!(METHODS.len(), 24);
    let methods: HashSet<Method> = METHODS.iter().map(|m| m.0).collect();
    assert_eq!(methods.len(), 24, "METHODS lists each method once");
    let mut seen = HashSet::new();
    for (m, invoke_name, export_name) in METHODS {
        let (_, by_name) = EXPORTS.iter().find(|e| e.0 == export_name).unwrap_or_else(|| panic!("no export {export_name}"));
        assert_eq!(export(m) as usize, *by_name as usize, "{invoke_name} maps to {export_name}");
        assert!(seen.insert(export(m) as usize), "{export_name} serves one method only");
        assert_eq!(Method::from_name(invoke_name), Some(m));
    }
}

// ------------------------------------------------------------------ case counts

/// `HVAPI_FUZZ_CASES`, else 100,000 (a tenth of that in an unoptimized build, so that a
/// plain `cargo test` stays quick; CI runs `cargo test --release`).
fn total_cases() -> u64 {
    let default = if cfg!(debug_assertions) { 10_000 } else { 100_000 };
    std::env::var("HVAPI_FUZZ_CASES").ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

/// This property's share (in percent) of the cases.
fn cases(percent: u64) -> u32 {
    (total_cases() * percent / 100).max(1) as u32
}

fn runner(cases: u32) -> TestRunner {
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 256, ..Config::default() };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// Runs `f` on a thread with a large stack: the test itself builds, prints and drops values
/// nested 2,000 deep (the library refuses them at serde_json's depth limit), which an
/// unoptimized build cannot do on a test thread's 2 MiB.
fn big_stack(f: impl FnOnce() + Send) {
    std::thread::scope(|s| {
        let t = std::thread::Builder::new().stack_size(256 << 20).spawn_scoped(s, f).expect("thread");
        if let Err(p) = t.join() {
            std::panic::resume_unwind(p);
        }
    });
}

fn run<S: Strategy>(name: &str, cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let started = std::time::Instant::now();
    STATS.with(|s| s.borrow_mut().clear());
    if let Err(e) = runner(cases).run(&strategy, test) {
        panic!("{name}: {e}");
    }
    let mut stats: Vec<(String, u64)> = STATS.with(|s| s.borrow().iter().map(|(k, v)| (k.clone(), *v)).collect());
    stats.sort();
    let stats: Vec<String> = stats.into_iter().map(|(k, v)| format!("{k} {v}")).collect();
    eprintln!("fuzz {name}: {cases} cases in {:.1} s; answers: {}", started.elapsed().as_secs_f64(), stats.join(", "));
}

thread_local!(static STATS: RefCell<std::collections::HashMap<String, u64>> = RefCell::new(Default::default()));

/// Counts an answer by kind, for the summary line of each property.
fn tally(kind: &str) {
    STATS.with(|s| *s.borrow_mut().entry(kind.to_owned()).or_default() += 1);
}

// ------------------------------------------------------------------ the world

const LOCAL_SESSIONS: usize = 36;
const REMOTE_SESSIONS: usize = 6;
const OWNERS: [&str; 9] = [
    "UserOrGroup/u1",
    "UserOrGroup/u2",
    "UserOrGroup/u3",
    "UserOrGroup/u4",
    "UserOrGroup/u5",
    "UserOrGroup/u6",
    "UserOrGroup/g1",
    "UserOrGroup/g2",
    "UserOrGroup/g3",
];

/// A small federation with one of everything the rules look at: a local pod, a reachable and
/// an unreachable remote pod, two access groups, every kind of desktop, a farm, locked and
/// disconnected sessions, nested groups, entitlements, home sites, and restricted admins.
fn world(initialized: bool) -> Value {
    let users: Vec<Value> = (1..=6).map(|u| json!({"id": format!("UserOrGroup/u{u}"), "name": format!("u{u}"), "domain": "FUZZ"})).collect();
    let mut ug = users;
    ug.push(json!({"id": "UserOrGroup/g1", "name": "Group One", "domain": "FUZZ", "group": true, "members": ["UserOrGroup/u1", "UserOrGroup/u2", "UserOrGroup/u3"]}));
    ug.push(json!({"id": "UserOrGroup/g2", "name": "group two", "domain": "FUZZ", "group": true, "members": ["UserOrGroup/u3", "UserOrGroup/u4"]}));
    ug.push(json!({"id": "UserOrGroup/g3", "name": "Group Three", "domain": "FUZZ", "group": true, "members": ["UserOrGroup/g1", "UserOrGroup/u5", "UserOrGroup/u1"]}));
    let resources = ["Desktop/ic", "Desktop/vc", "Desktop/pc", "Desktop/rds", "Farm/f1"];
    let states = ["CONNECTED", "DISCONNECTED", "PENDING"];
    let mut sessions = Vec::new();
    for k in 0..LOCAL_SESSIONS {
        let r = resources[k % resources.len()];
        let mut s = json!({
            "id": format!("Session/l{k}"), "user": format!("UserOrGroup/u{}", k % 6 + 1),
            "machineName": format!("m-{k}"), "sessionState": states[k % 3], "locked": k % 4 == 0,
            "startTime": "2026-11-22T08:00:00Z", "clientName": format!("C{k}"),
        });
        s[if r.starts_with("Farm/") { "farm" } else { "desktop" }] = r.into();
        sessions.push(s);
    }
    for k in 0..REMOTE_SESSIONS {
        let d = if k < 4 { "Desktop/r2" } else { "Desktop/r3" };
        sessions.push(json!({"id": format!("Session/r{k}"), "user": format!("UserOrGroup/u{}", k % 6 + 1), "desktop": d, "locked": k % 2 == 1, "machineName": format!("rm-{k}")}));
    }
    json!({
        "localPod": "Pod/p1",
        "federationInitialized": initialized,
        "sites": [{"id": "Site/s1", "name": "One"}, {"id": "Site/s2", "name": "Two"}],
        "pods": [
            {"id": "Pod/p1", "name": "P1", "site": "Site/s1"},
            {"id": "Pod/p2", "name": "P2", "site": "Site/s2"},
            {"id": "Pod/p3", "name": "P3", "site": "Site/s2", "reachable": false},
        ],
        "accessGroups": [{"id": "AccessGroup/ag1", "name": "AG1"}, {"id": "AccessGroup/ag2", "name": "AG2", "parent": "AccessGroup/root"}],
        "usersAndGroups": ug,
        "globalEntitlements": [
            {"id": "GlobalEntitlement/ge1", "name": "GE1", "members": ["UserOrGroup/g1", "UserOrGroup/u5"]},
            {"id": "GlobalEntitlement/ge2", "name": "GE2", "members": ["UserOrGroup/g2", "UserOrGroup/g3"]},
        ],
        "globalApplicationEntitlements": [{"id": "GlobalApplicationEntitlement/gae1", "name": "GAE1", "members": ["UserOrGroup/g3", "UserOrGroup/u6"]}],
        "desktops": [
            {"id": "Desktop/ic", "name": "IC", "pod": "Pod/p1", "accessGroup": "AccessGroup/ag1", "desktopType": "AUTOMATED", "desktopSource": "INSTANT_CLONE_ENGINE"},
            {"id": "Desktop/vc", "name": "VC", "pod": "Pod/p1", "accessGroup": "AccessGroup/ag2", "desktopType": "AUTOMATED", "desktopSource": "VIRTUAL_CENTER"},
            {"id": "Desktop/pc", "name": "PC", "pod": "Pod/p1", "accessGroup": "AccessGroup/ag2", "desktopType": "MANUAL", "desktopSource": "UNMANAGED"},
            {"id": "Desktop/rds", "name": "RDS", "pod": "Pod/p1", "accessGroup": "AccessGroup/ag1", "desktopType": "RDS", "desktopSource": "RDS"},
            {"id": "Desktop/r2", "name": "R2", "pod": "Pod/p2", "accessGroup": "AccessGroup/ag1"},
            {"id": "Desktop/r3", "name": "R3", "pod": "Pod/p3", "accessGroup": "AccessGroup/ag1"},
        ],
        "farms": [{"id": "Farm/f1", "name": "F1", "pod": "Pod/p1", "accessGroup": "AccessGroup/ag2"}],
        "sessions": sessions,
        "homeSites": [
            {"id": "UserHomeSite/hs1", "userOrGroup": "UserOrGroup/g1", "site": "Site/s1"},
            {"id": "UserHomeSite/hs2", "userOrGroup": "UserOrGroup/g2", "site": "Site/s2"},
            {"id": "UserHomeSite/hs3", "userOrGroup": "UserOrGroup/g1", "site": "Site/s2", "globalEntitlement": "GlobalEntitlement/ge1"},
            {"id": "UserHomeSite/hs4", "userOrGroup": "UserOrGroup/u1", "site": "Site/s2"},
            {"id": "UserHomeSite/hs5", "userOrGroup": "UserOrGroup/g3", "site": "Site/s1", "globalApplicationEntitlement": "GlobalApplicationEntitlement/gae1"},
        ],
        "roles": [{"name": "LdapOnly", "privileges": ["FEDERATED_LDAP_MANAGE", "FEDERATED_LDAP_VIEW"]}],
        "admins": [
            {"name": "helpdesk", "domain": "FUZZ", "password": "pw", "permissions": [{"role": "Inventory Administrators", "scope": "AccessGroup/ag1"}]},
            {"name": "auditor", "domain": "FUZZ", "permissions": [
                {"role": "Administrators (Read only)", "scope": "AccessGroup/root"},
                {"role": "Administrators (Read only)", "scope": "federation"}]},
            {"name": "ldap", "domain": "FUZZ", "permissions": [{"role": "LdapOnly", "scope": "federation"}]},
        ],
    })
}

/// The callers: the built-in administrator, three restricted admins, and an administrator of
/// a federation that is not initialized.
fn client_config(k: usize) -> Value {
    let login = |user: &str, password: Option<&str>| {
        let mut l = json!({"user": user, "domain": "FUZZ"});
        if let Some(p) = password {
            l["password"] = p.into();
        }
        l
    };
    match k {
        0 => json!({"world": world(true)}),
        1 => json!({"world": world(true), "login": login("helpdesk", Some("pw"))}),
        2 => json!({"world": world(true), "login": login("auditor", None)}),
        3 => json!({"world": world(true), "login": login("ldap", None)}),
        _ => json!({"world": world(false)}),
    }
}
const CLIENTS: usize = 5;

// ------------------------------------------------------------------ calling

/// One answer: the status and the parsed document.
struct Answer {
    status: HvStatus,
    doc: Value,
}

/// Reads, checks and frees `*out`: exactly one JSON document, `{"result"}` iff `HV_OK`,
/// otherwise `{"fault"}` whose type is the status.
fn answer(status: HvStatus, out: *mut c_char) -> Result<Answer, TestCaseError> {
    prop_assert!(!out.is_null(), "status {status:?} with no answer written");
    // SAFETY: the library wrote a NUL-terminated string, freed below, once.
    let text = unsafe { CStr::from_ptr(out) }.to_str().map(str::to_owned);
    unsafe { hv_string_free(out) };
    let text = text.map_err(|_| TestCaseError::fail("the answer is not UTF-8"))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("the answer is not one JSON document ({e}): {text}")))?;
    check_document(status, &doc)?;
    Ok(Answer { status, doc })
}

fn type_of(status: HvStatus) -> &'static str {
    match status {
        HvStatus::HV_OK => "",
        HvStatus::HV_ENTITY_NOT_FOUND => "EntityNotFound",
        HvStatus::HV_INSUFFICIENT_PERMISSION => "InsufficientPermission",
        HvStatus::HV_INVALID_ARGUMENT => "InvalidArgument",
        HvStatus::HV_INVALID_STATE => "InvalidState",
        HvStatus::HV_INVALID_TYPE => "InvalidType",
        HvStatus::HV_INVALID_REQUEST => "InvalidRequest",
        HvStatus::HV_PARTIAL_FAILURE => "PartialFailureFault",
        HvStatus::HV_UNEXPECTED => "UnexpectedFault",
        HvStatus::HV_INVALID_CREDENTIALS => "InvalidCredentials",
    }
}

fn check_document(status: HvStatus, doc: &Value) -> Result<(), TestCaseError> {
    let obj = doc.as_object().ok_or_else(|| TestCaseError::fail(format!("the answer is not an object: {doc}")))?;
    prop_assert_eq!(obj.len(), 1, "one key in {}", doc);
    if status == HvStatus::HV_OK {
        prop_assert!(obj.contains_key("result"), "HV_OK without result: {}", doc);
        return Ok(());
    }
    let fault = obj.get("fault").ok_or_else(|| TestCaseError::fail(format!("{status:?} without fault: {doc}")))?;
    check_fault(fault, type_of(status), true)
}

fn check_fault(fault: &Value, expected_type: &str, top: bool) -> Result<(), TestCaseError> {
    let f = fault.as_object().ok_or_else(|| TestCaseError::fail(format!("a fault is not an object: {fault}")))?;
    prop_assert_eq!(f.get("type").and_then(Value::as_str), Some(expected_type), "fault type in {}", fault);
    prop_assert!(f.get("errorMessage").and_then(Value::as_str).map_or(false, |m| !m.is_empty()), "errorMessage in {}", fault);
    for (k, v) in f {
        prop_assert!(!v.is_null(), "{} is null in {} (unset fields are omitted)", k, fault);
    }
    let has_str = |k: &str| f.get(k).map_or(false, Value::is_string);
    match expected_type {
        "EntityNotFound" => prop_assert!(has_str("id"), "EntityNotFound without id: {}", fault),
        "InvalidType" => prop_assert!(has_str("parameterName") && has_str("expectedType"), "InvalidType fields: {}", fault),
        "InsufficientPermission" => prop_assert!(f.get("privileges").map_or(false, Value::is_array), "privileges: {}", fault),
        "UnexpectedFault" => {
            let cause = f.get("causeString").and_then(Value::as_str).unwrap_or("");
            prop_assert!(!cause.contains("panic"), "a panic reached the boundary: {}", fault);
        }
        "PartialFailureFault" => {
            prop_assert!(top, "a PartialFailureFault inside another: {}", fault);
            let results = f.get("results").and_then(Value::as_array).ok_or_else(|| TestCaseError::fail(format!("results: {fault}")))?;
            prop_assert_eq!(f.get("resultCount").and_then(Value::as_u64), Some(results.len() as u64));
            let ok = results.iter().filter(|r| r.is_null()).count() as u64;
            prop_assert_eq!(f.get("successCount").and_then(Value::as_u64), Some(ok));
            prop_assert!(ok < results.len() as u64, "a PartialFailureFault with no failed item: {}", fault);
            for r in results.iter().filter(|r| !r.is_null()) {
                let t = r.get("type").and_then(Value::as_str).unwrap_or("");
                prop_assert!(t != "PartialFailureFault" && !t.is_empty(), "item fault {}", r);
                check_fault(r, t, false)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn c_text(bytes: &[u8]) -> CString {
    // What a C caller can pass: the text up to its first NUL.
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).expect("no NUL before end")
}

/// An open client and the state it showed after its last call.
struct Live {
    raw: *mut HvClient,
    config: usize,
    snap: Snapshot,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    sessions: u64,
    session_digest: u64,
    home_digest: u64,
    events: u64,
}

fn digest(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Calls an export with text, returning the raw status and text (checked document).
fn call_raw(raw: *mut HvClient, f: Export, request: &CStr) -> Result<Answer, TestCaseError> {
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: a live client (or NULL), a NUL-terminated request, a writable out.
    let status = unsafe { f(raw, request.as_ptr(), &mut out) };
    answer(status, out)
}

fn call_json(raw: *mut HvClient, m: Method, request: &Value) -> Answer {
    let text = CString::new(request.to_string()).unwrap();
    call_raw(raw, export(m), &text).unwrap_or_else(|e| panic!("{m:?} {request}: {e}"))
}

fn snapshot(raw: *mut HvClient) -> Snapshot {
    let q = call_json(raw, Method::SessionQuery, &json!({"limit": 100000}));
    let sessions = match q.status {
        HvStatus::HV_OK => q.doc["result"]["results"].as_array().map_or(0, |r| r.len() as u64),
        _ => 0,
    };
    let session_digest = digest(&q.doc.to_string());
    let mut homes = String::new();
    for owner in OWNERS {
        homes.push_str(&call_json(raw, Method::UserHomeSiteList, &json!({ "userOrGroup": owner })).doc.to_string());
    }
    let e = call_json(raw, Method::EventQuery, &json!({"limit": 1}));
    assert_eq!(e.status, HvStatus::HV_OK, "Event_Query: {}", e.doc);
    let events = e.doc["result"]["results"].as_array().map_or(0, |r| r.len() as u64) + e.doc["result"]["remainingCount"].as_u64().unwrap_or(0);
    Snapshot { sessions, session_digest, home_digest: digest(&homes), events }
}

fn open(config: &Value) -> (HvStatus, *mut HvClient, Value) {
    let text = CString::new(config.to_string()).unwrap();
    let mut raw: *mut HvClient = std::ptr::null_mut();
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: valid pointers; the answer is read and freed by `answer`.
    let status = unsafe { hv_client_open(text.as_ptr(), &mut raw, &mut out) };
    let a = answer(status, out).unwrap_or_else(|e| panic!("hv_client_open {config}: {e}"));
    (status, raw, a.doc)
}

impl Live {
    fn open(config: usize) -> Live {
        let (status, raw, doc) = open(&client_config(config));
        assert_eq!(status, HvStatus::HV_OK, "{doc}");
        Live { raw, config, snap: snapshot(raw) }
    }

    /// A fresh world once the sessions run low, so that writes keep finding sessions.
    fn refresh(&mut self) {
        let full = if self.config == 1 { 12 } else { LOCAL_SESSIONS as u64 };
        if self.snap.sessions * 2 < full || self.snap.events > 5000 {
            *self = Live::open(self.config); // the old one closes as it drops
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        // SAFETY: opened by hv_client_open, closed once.
        unsafe { hv_client_close(self.raw) };
    }
}

struct Clients(Vec<Live>);

impl Clients {
    fn new() -> RefCell<Clients> {
        RefCell::new(Clients((0..CLIENTS).map(Live::open).collect()))
    }
}

// ------------------------------------------------------------------ the oracle

/// The fault the request text alone decides, as the library's own checks give it (the
/// boundary must answer exactly this, before looking at the federation). `None` when the
/// text is a valid request. For text that is not UTF-8, only the type and parameter are known.
fn text_fault(method: Method, request: &[u8]) -> Option<Value> {
    let text = match std::str::from_utf8(request) {
        Ok(text) => text,
        _ => {
            return Some(json!({"type": "InvalidArgument", "parameterName": "request_json"}));
        }
    };
    let value = match parse_json(text, "request_json") {
        Ok(v) => v,
        Err(f) => return Some(f.to_json()),
    };
    Request::parse(method, &value).err().map(|f| f.to_json())
}

fn is_write(m: Method) -> bool {
    use Method::*;
    matches!(
        m,
        SessionDisconnect
            | SessionDisconnectSessions
            | SessionLogoff
            | SessionLogoffForced
            | SessionLogoffSessions
            | SessionLogoffSessionsForced
            | SessionReset
            | SessionResetSessions
            | SessionRestart
            | SessionRestartSessions
            | SessionSendMessage
            | SessionSendMessages
            | UserHomeSiteCreate
            | UserHomeSiteDelete
    )
}

/// Checks one call's answer and its effect on the client's federation.
fn judge(live: &mut Live, method: Option<Method>, request: &[u8], got: &Answer, what: &str) -> Result<(), TestCaseError> {
    let before = live.snap.clone();
    let after = snapshot(live.raw);
    live.snap = after.clone();
    let fault = got.doc.get("fault");
    let kind = fault.and_then(|f| f.get("type")).and_then(Value::as_str).unwrap_or("ok");
    let refused_for_text = method.map_or(true, |m| text_fault(m, request).is_some());
    tally(&format!("{}{kind}", if refused_for_text { "text:" } else { "" }));
    let method = match method {
        Some(method) => method,
        _ => {
            // An unknown method name: refused before anything else.
            prop_assert_eq!(got.status, HvStatus::HV_INVALID_ARGUMENT, "{}: {}", what, got.doc);
            let expected = json!("method");
            prop_assert_eq!(fault.and_then(|f| f.get("parameterName")), Some(&expected));
            prop_assert_eq!(&before, &after, "{}: an unknown method changed the federation", what);
            return Ok(());
        }
    };
    if let Some(expected) = text_fault(method, request) {
        let fault = fault.ok_or_else(|| TestCaseError::fail(format!("{what}: a bad request succeeded: {}", got.doc)))?;
        if expected.get("errorMessage").is_some() {
            prop_assert_eq!(fault, &expected, "{}: the fault of the request text", what);
        } else {
            prop_assert_eq!(fault.get("type"), expected.get("type"), "{}: {}", what, fault);
            prop_assert_eq!(fault.get("parameterName"), expected.get("parameterName"), "{}: {}", what, fault);
        }
        prop_assert_eq!(&before, &after, "{}: a request refused for its text changed the federation", what);
        return Ok(());
    }
    if got.status == HvStatus::HV_INSUFFICIENT_PERMISSION || !is_write(method) {
        prop_assert_eq!(&before, &after, "{}: {:?} changed the federation ({})", what, got.status, got.doc);
        return Ok(());
    }
    // A write that passed the text checks.
    let request: Value = serde_json::from_slice(request).expect("valid text");
    let delta = after.events.checked_sub(before.events).ok_or_else(|| TestCaseError::fail("events disappeared"))?;
    match method {
        Method::UserHomeSiteCreate | Method::UserHomeSiteDelete => {
            if method == Method::UserHomeSiteCreate && got.status == HvStatus::HV_OK && delta == 0 {
                // An existing configuration's id: nothing changed.
                prop_assert_eq!(&before, &after, "{}: a Create that added nothing changed the federation", what);
            } else {
                prop_assert_eq!(delta, 1, "{}: one event per home-site write ({})", what, got.doc);
            }
            if got.status != HvStatus::HV_OK {
                prop_assert_eq!(before.home_digest, after.home_digest, "{}: a failed home-site write changed the home sites", what);
            }
        }
        _ => {
            let items = request.get("ids").and_then(Value::as_array).map_or(1, |a| a.len() as u64);
            let refused = match (got.status, fault) {
                (HvStatus::HV_PARTIAL_FAILURE, Some(f)) => {
                    f["results"].as_array().map_or(0, |r| r.iter().filter(|x| x.get("type") == Some(&json!("InsufficientPermission"))).count() as u64)
                }
                _ => 0,
            };
            prop_assert_eq!(delta, items - refused, "{}: one event per item ({})", what, got.doc);
            prop_assert_eq!(before.home_digest, after.home_digest, "{}: a session write changed the home sites", what);
            if got.status != HvStatus::HV_OK && got.status != HvStatus::HV_PARTIAL_FAILURE {
                // A single item that failed leaves its session as it was.
                prop_assert_eq!(before.session_digest, after.session_digest, "{}: a failed item changed sessions", what);
            }
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ generators

const SESSION_IDS: &[&str] = &[
    "Session/l0",
    "Session/l1",
    "Session/l2",
    "Session/l3",
    "Session/l4",
    "Session/l5",
    "Session/l6",
    "Session/l7",
    "Session/l8",
    "Session/l9",
    "Session/l10",
    "Session/l11",
    "Session/l17",
    "Session/l23",
    "Session/l30",
    "Session/l35",
    "Session/r0",
    "Session/r1",
    "Session/r2",
    "Session/r3",
    "Session/r4",
    "Session/r5",
    "Session/none",
    "Session/l1/x",
];
const HOME_SITE_IDS: &[&str] = &[
    "UserHomeSite/hs1",
    "UserHomeSite/hs2",
    "UserHomeSite/hs3",
    "UserHomeSite/hs4",
    "UserHomeSite/hs5",
    "UserHomeSite/hs-1",
    "UserHomeSite/hs-2",
    "UserHomeSite/hs-3",
    "UserHomeSite/hs-4",
    "UserHomeSite/hs-6",
    "UserHomeSite/none",
];
const UOG_IDS: &[&str] = &[
    "UserOrGroup/u1",
    "UserOrGroup/u2",
    "UserOrGroup/u3",
    "UserOrGroup/u4",
    "UserOrGroup/u5",
    "UserOrGroup/u6",
    "UserOrGroup/g1",
    "UserOrGroup/g2",
    "UserOrGroup/g3",
    "UserOrGroup/nobody",
];
const SITE_IDS: &[&str] = &["Site/s1", "Site/s2", "Site/s9"];
const GE_IDS: &[&str] = &["GlobalEntitlement/ge1", "GlobalEntitlement/ge2", "GlobalEntitlement/ge9"];
const GAE_IDS: &[&str] = &["GlobalApplicationEntitlement/gae1", "GlobalApplicationEntitlement/gae9"];
/// Ids of every other kind, and strings that are no id at all.
const ODD_IDS: &[&str] = &[
    "",
    "Session",
    "Session/",
    "Bogus/x",
    "session/l1",
    "/l1",
    "Session/l\u{7}1",
    "Site/s1",
    "Pod/p1",
    "Desktop/ic",
    "Farm/f1",
    "AccessGroup/root",
    "Machine/m-1",
    "RDSServer/m-3",
    "UserHomeSite/hs1",
    "UserOrGroup/u1",
    "GlobalEntitlement/ge1",
    "Séssion/ü",
    "Session/ l1",
    "Session/l1\n",
    "null",
    "Session/\u{0}",
];
const MSG_TYPES: &[&str] = &["INFO", "WARNING", "ERROR", "info", "", "FATAL", "INFO "];
const SESSION_FIELDS: &[&str] = &[
    "id",
    "namesData.userName",
    "namesData.desktopName",
    "namesData.clientName",
    "namesData.applicationNames",
    "referenceData.user",
    "referenceData.groups",
    "referenceData.accessGroup",
    "sessionData.sessionState",
    "sessionData.sessionProtocol",
    "sessionData.startTime",
    "sessionData.idleDuration",
    "sessionData.brokeredRemotely",
    "namesData",
    "bogus",
    "",
];
const EVENT_FIELDS: &[&str] = &["id", "time", "type", "severity", "admin", "message", "session", "userHomeSite", "user", "pod", "nope"];
const ENTITY_TYPES: &[&str] =
    &["UserOrGroup", "Site", "Pod", "AccessGroup", "GlobalEntitlement", "GlobalApplicationEntitlement", "Desktop", "Farm", "Session", ""];

/// Choices drawn by proptest and consumed in order by the request builder (so that proptest
/// shrinks them toward the first entry of every list).
struct Choices<'a> {
    c: &'a [u32],
    i: usize,
}

impl Choices<'_> {
    fn next(&mut self) -> u32 {
        let v = self.c[self.i % self.c.len()];
        self.i += 1;
        v
    }
    fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n
    }
    fn pick<'b>(&mut self, list: &[&'b str]) -> &'b str {
        list[self.below(list.len())]
    }
    /// Mostly one of `list`, sometimes an odd id.
    fn id(&mut self, list: &[&'static str]) -> Value {
        if self.below(10) == 0 {
            self.pick(ODD_IDS).into()
        } else {
            self.pick(list).into()
        }
    }
    fn ids(&mut self, list: &[&'static str]) -> Value {
        let n = 1 + self.below(4);
        Value::Array((0..n).map(|_| self.id(list)).collect())
    }
    fn message(&mut self) -> Value {
        match self.below(8) {
            0 => "".into(),
            1 => "é".repeat(1024).into(),
            2 => "x".repeat(1025).into(),
            3 => "ü".repeat(1025).into(),
            4 => "Line one\nline \"two\"\t\u{0}end".into(),
            _ => "Please save your work.".into(),
        }
    }
    fn filter(&mut self, fields: &[&str], depth: u32) -> Value {
        match self.below(if depth > 2 { 4 } else { 8 }) {
            4 | 5 => {
                let n = self.below(3);
                let fs: Vec<Value> = (0..n).map(|_| self.filter(fields, depth + 1)).collect();
                json!({"type": if self.below(2) == 0 { "And" } else { "Or" }, "filters": fs})
            }
            6 => json!({"type": "Not", "filter": self.filter(fields, depth + 1)}),
            7 => json!({"type": self.pick(&["Equal", "", "and"]), "memberName": self.pick(fields), "value": 1}),
            _ => {
                let ty = self.pick(&["Equals", "NotEquals", "Contains", "StartsWith"]);
                let value = match self.below(6) {
                    0 => json!(3),
                    1 => json!(true),
                    2 => Value::Null,
                    3 => json!(["FUZZ\\u1"]),
                    _ => self.pick(&["FUZZ\\u1", "fuzz\\U2", "CONNECTED", "Session/l1", "ic", "", "UserOrGroup/g1"]).into(),
                };
                json!({"type": ty, "memberName": self.pick(fields), "value": value})
            }
        }
    }
    fn query(&mut self, fields: &[&str]) -> Value {
        let mut q = Map::new();
        if self.below(2) == 0 {
            q.insert("filter".into(), self.filter(fields, 0));
        }
        if self.below(3) == 0 {
            q.insert("sortBy".into(), self.pick(fields).into());
            q.insert("sortDescending".into(), (self.below(2) == 0).into());
        }
        if self.below(3) == 0 {
            q.insert("startingOffset".into(), json!(self.pick(&["0", "1", "5", "100"]).parse::<u64>().unwrap()));
        }
        if self.below(3) == 0 {
            q.insert("limit".into(), json!(self.pick(&["1", "2", "10", "0", "4294967295"]).parse::<u64>().unwrap()));
        }
        Value::Object(q)
    }

    /// A well-formed request of `m` (its ids may name nothing, or be odd now and then).
    fn request(&mut self, m: Method) -> Value {
        use Method::*;
        match m {
            SessionDisconnect | SessionGetLocalSummaryView | SessionLogoff | SessionLogoffForced | SessionReset | SessionRestart => {
                json!({"id": self.id(SESSION_IDS)})
            }
            SessionDisconnectSessions | SessionLogoffSessions | SessionLogoffSessionsForced | SessionResetSessions | SessionRestartSessions => {
                json!({"ids": self.ids(SESSION_IDS)})
            }
            SessionSendMessage | SessionSendMessages => {
                let mut r = if m == SessionSendMessage { json!({"id": self.id(SESSION_IDS)}) } else { json!({"ids": self.ids(SESSION_IDS)}) };
                r["msgType"] = self.pick(MSG_TYPES).into();
                r["message"] = self.message();
                r
            }
            UserHomeSiteCreate => {
                let mut base = json!({"userOrGroup": self.id(UOG_IDS), "site": self.id(SITE_IDS)});
                match self.below(4) {
                    0 => base["globalEntitlement"] = self.id(GE_IDS),
                    1 => base["globalApplicationEntitlement"] = self.id(GAE_IDS),
                    _ => {}
                }
                json!({ "base": base })
            }
            UserHomeSiteDelete | UserHomeSiteGet => json!({"id": self.id(HOME_SITE_IDS)}),
            UserHomeSiteGetInfos => json!({"ids": self.ids(HOME_SITE_IDS)}),
            UserHomeSiteList => json!({"userOrGroup": self.id(UOG_IDS)}),
            UserHomeSiteResolve => json!({"user": self.id(UOG_IDS), "globalEntitlement": self.id(GE_IDS)}),
            UserHomeSiteResolveForGae => json!({"user": self.id(UOG_IDS), "globalApplicationEntitlement": self.id(GAE_IDS)}),
            SessionQuery => self.query(SESSION_FIELDS),
            GlobalSessionQuery => {
                let mut q = self.query(SESSION_FIELDS);
                q["user"] = self.id(UOG_IDS);
                q
            }
            EventQuery => self.query(EVENT_FIELDS),
            InventoryQuery => {
                let mut q = self.query(&["id", "name", "members", "pod", "site", "group", "x"]);
                q["entityType"] = self.pick(ENTITY_TYPES).into();
                q
            }
        }
    }
}

/// Arbitrary JSON, small, with numbers that stay cheap as demo counts.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-3i64..70).prop_map(Value::from),
        prop_oneof![Just(-1i64), Just(i64::MIN), Just(1 << 40), Just(20_000_001)].prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,12}".prop_map(Value::from),
        prop::sample::select(ODD_IDS).prop_map(Value::from),
        prop::sample::select(SESSION_IDS).prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z]{0,8}", inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A change to a JSON request.
#[derive(Debug, Clone)]
enum Mutation {
    /// Remove the n-th key of the object at a path.
    Remove(u8, usize),
    /// Add a key (one of the request keys of some method, or any name).
    Add(u8, String, Value),
    /// Replace the value at a path.
    Set(u8, Value),
    /// Wrap the value at a path in `depth` arrays or objects.
    Nest(u8, u16, bool),
    /// Change a string at a path.
    Text(u8, TextChange),
    /// Make an array at a path empty, or repeat its first element.
    Array(u8, bool),
}

#[derive(Debug, Clone)]
enum TextChange {
    Truncate(u8),
    Upper,
    Prefix(String),
    Control,
    Long(u16),
}

const KEYS: &[&str] = &[
    "id",
    "ids",
    "msgType",
    "message",
    "base",
    "userOrGroup",
    "site",
    "globalEntitlement",
    "globalApplicationEntitlement",
    "user",
    "filter",
    "sortBy",
    "sortDescending",
    "startingOffset",
    "limit",
    "entityType",
    "Id",
    "extra",
    "",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<u8>(), any::<usize>()).prop_map(|(p, k)| Mutation::Remove(p, k)),
        (any::<u8>(), prop_oneof![prop::sample::select(KEYS).prop_map(String::from), "\\PC{0,6}"], arb_json()).prop_map(|(p, k, v)| Mutation::Add(p, k, v)),
        (any::<u8>(), arb_json()).prop_map(|(p, v)| Mutation::Set(p, v)),
        (any::<u8>(), prop_oneof![1u16..4, 120u16..140, 1000u16..2000], any::<bool>()).prop_map(|(p, d, a)| Mutation::Nest(p, d, a)),
        (
            any::<u8>(),
            prop_oneof![
                any::<u8>().prop_map(TextChange::Truncate),
                Just(TextChange::Upper),
                prop::sample::select(&["Site/", "UserOrGroup/", "Bogus/", "", "Session/Session/"][..]).prop_map(|s| TextChange::Prefix(s.into())),
                Just(TextChange::Control),
                (1000u16..5000).prop_map(TextChange::Long),
            ]
        )
            .prop_map(|(p, t)| Mutation::Text(p, t)),
        (any::<u8>(), any::<bool>()).prop_map(|(p, e)| Mutation::Array(p, e)),
    ]
}

/// The paths in a value (pre-order, at most 6 deep), for picking where a mutation applies.
fn paths(v: &Value, here: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(here.clone());
    if here.len() >= 6 {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                here.push(k.clone());
                paths(x, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                here.push(i.to_string());
                paths(x, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |v, k| match v {
        Value::Object(m) => m.get_mut(k).expect("path"),
        Value::Array(a) => &mut a[k.parse::<usize>().expect("index")],
        _ => unreachable!("paths name containers"),
    })
}

fn apply(v: &mut Value, m: &Mutation) {
    let mut all = Vec::new();
    paths(v, &mut Vec::new(), &mut all);
    let pick = |p: u8| all[p as usize % all.len()].clone();
    match m {
        Mutation::Remove(p, k) => {
            if let Value::Object(o) = at(v, &pick(*p)) {
                if let Some(key) = o.keys().nth(k % o.len().max(1)).cloned() {
                    o.remove(&key);
                }
            }
        }
        Mutation::Add(p, k, x) => {
            if let Value::Object(o) = at(v, &pick(*p)) {
                o.insert(k.clone(), x.clone());
            }
        }
        Mutation::Set(p, x) => *at(v, &pick(*p)) = x.clone(),
        Mutation::Nest(p, depth, arrays) => {
            let slot = at(v, &pick(*p));
            let mut x = slot.take();
            for _ in 0..*depth {
                // (not json!, which would copy x at every level)
                x = if *arrays { Value::Array(vec![x]) } else { Value::Object(Map::from_iter([("id".to_owned(), x)])) };
            }
            *slot = x;
        }
        Mutation::Text(p, t) => {
            if let Value::String(s) = at(v, &pick(*p)) {
                *s = match t {
                    TextChange::Truncate(n) => s.chars().take(*n as usize % (s.chars().count() + 1)).collect(),
                    TextChange::Upper => s.to_uppercase(),
                    TextChange::Prefix(pre) => format!("{pre}{}", s.split_once('/').map_or(s.as_str(), |x| x.1)),
                    TextChange::Control => format!("{s}\u{1b}"),
                    TextChange::Long(n) => format!("{s}{}", "k".repeat(*n as usize)),
                };
            }
        }
        Mutation::Array(p, empty) => {
            if let Value::Array(a) = at(v, &pick(*p)) {
                if *empty {
                    a.clear();
                } else if let Some(first) = a.first().cloned() {
                    a.push(first.clone());
                    a.push(first);
                }
            }
        }
    }
}

/// A change to request text after it is serialized.
#[derive(Debug, Clone)]
enum Bytes {
    Truncate(u16),
    Insert(u16, u8),
    Flip(u16, u8),
    Append(Vec<u8>),
    DuplicateKey,
}

fn bytes_change() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        any::<u16>().prop_map(Bytes::Truncate),
        (any::<u16>(), any::<u8>()).prop_map(|(i, b)| Bytes::Insert(i, b)),
        (any::<u16>(), any::<u8>()).prop_map(|(i, b)| Bytes::Flip(i, b)),
        prop::collection::vec(any::<u8>(), 1..8).prop_map(Bytes::Append),
        Just(Bytes::DuplicateKey),
    ]
}

fn apply_bytes(text: &mut Vec<u8>, b: &Bytes) {
    let n = text.len().max(1);
    match b {
        Bytes::Truncate(i) => text.truncate(*i as usize % n),
        Bytes::Insert(i, x) => text.insert(*i as usize % (text.len() + 1), *x),
        Bytes::Flip(i, x) => {
            if !text.is_empty() {
                let i = *i as usize % text.len();
                text[i] ^= x | 1;
            }
        }
        Bytes::Append(x) => text.extend_from_slice(x),
        Bytes::DuplicateKey => {
            // `{"k": v, ...}` → `{"k": v, "k": v, ...}` for the first key.
            if let (Some(0), Some(end)) = (text.iter().position(|&c| c == b'{'), text.iter().position(|&c| c == b',' || c == b'}')) {
                if end > 1 {
                    let pair = text[1..end].to_vec();
                    let mut out = vec![b'{'];
                    out.extend_from_slice(&pair);
                    out.push(b',');
                    out.extend_from_slice(&text[1..]);
                    *text = out;
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Case {
    client: usize,
    method: usize,
    choices: Vec<u32>,
    mutations: Vec<Mutation>,
    bytes: Vec<Bytes>,
    via_invoke: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![3 => Just(0), 2 => 1..CLIENTS],
        0..METHODS.len(),
        prop::collection::vec(any::<u32>(), 16),
        prop_oneof![2 => Just(vec![]), 2 => prop::collection::vec(mutation(), 1..2), 1 => prop::collection::vec(mutation(), 2..4)],
        prop_oneof![6 => Just(vec![]), 1 => prop::collection::vec(bytes_change(), 1..3)],
        any::<bool>(),
    )
        .prop_map(|(client, method, choices, mutations, bytes, via_invoke)| Case { client, method, choices, mutations, bytes, via_invoke })
}

/// Calls `method` (by export or through hv_invoke) with `request` on a client and judges it.
fn call_and_judge(live: &mut Live, method: Method, via_invoke: bool, request: &[u8]) -> Result<(), TestCaseError> {
    let text = c_text(request);
    let got = if via_invoke {
        let name = CString::new(method.name()).unwrap();
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: live client, NUL-terminated strings, writable out.
        let status = unsafe { hv_invoke(live.raw, name.as_ptr(), text.as_ptr(), &mut out) };
        answer(status, out)?
    } else {
        call_raw(live.raw, export(method), &text)?
    };
    let what = format!("{} {}", if via_invoke { "hv_invoke" } else { method.export_name() }, String::from_utf8_lossy(text.as_bytes()));
    judge(live, Some(method), text.as_bytes(), &got, &what)?;
    live.refresh();
    Ok(())
}

// ------------------------------------------------------------------ properties

/// Well-formed requests of every method, mutated (keys removed or added, values replaced,
/// nesting, odd strings, arrays emptied) and sometimes damaged as text, at the exports and at
/// hv_invoke, on five callers.
#[test]
fn mutated_requests_at_every_export_and_hv_invoke() {
    big_stack(|| {
        let clients = Clients::new();
        run("mutated requests", cases(70), case(), |c| {
            let method = METHODS[c.method].0;
            let mut req = Choices { c: &c.choices, i: 0 }.request(method);
            for m in &c.mutations {
                apply(&mut req, m);
            }
            let mut text = serde_json::to_vec(&req).expect("serializes");
            for b in &c.bytes {
                apply_bytes(&mut text, b);
            }
            let mut cl = clients.borrow_mut();
            call_and_judge(&mut cl.0[c.client], method, c.via_invoke, &text)
        });
    });
}

/// Raw bytes: random bytes (often not UTF-8; cut at the first NUL as a C string is), deep
/// nesting, huge numbers, lone surrogates, long strings; and method names for hv_invoke that
/// are near misses, random, or not UTF-8.
#[test]
fn raw_bytes_and_method_names() {
    big_stack(|| {
        let clients = Clients::new();
        let text = prop_oneof![
            4 => prop::collection::vec(any::<u8>(), 0..64),
            1 => (1usize..200_000, any::<bool>()).prop_map(|(n, arrays)| if arrays { "[".repeat(n).into_bytes() } else { "{\"id\":".repeat(n).into_bytes() }),
            1 => prop::sample::select(&[
                "{\"id\": \"Session/l1\"", "{\"id\": 1e999999}", "{\"id\": \"\\ud800\"}", "{\"id\": \"Session/l1\"} {}", "[]", "null", "",
                "{\"ids\": [\"Session/l1\",]}", "{\"id\": \"Session/l1\", \"id\": \"Session/l2\"}", "\u{feff}{}", "{} ",
                "{\"limit\": -0}", "{\"limit\": 1.0}", "{\"limit\": 18446744073709551616}",
            ][..]).prop_map(|s| s.as_bytes().to_vec()),
            1 => (0usize..3, 1usize..300_000).prop_map(|(k, n)| {
                let s = ["x", "é", "\\u0041"][k].repeat(n);
                format!("{{\"id\": \"Session/{s}\", \"message\": \"{s}\", \"msgType\": \"INFO\"}}").into_bytes()
            }),
        ];
        let name = prop_oneof![
            6 => (0..METHODS.len()).prop_map(|i| METHODS[i].1.as_bytes().to_vec()),
            1 => (0..METHODS.len(), 0usize..4).prop_map(|(i, k)| {
                let n = METHODS[i].1;
                match k { 0 => n.to_lowercase(), 1 => format!("{n} "), 2 => n[..n.len() - 1].to_owned(), _ => n.replace('_', ".") }.into_bytes()
            }),
            1 => prop::collection::vec(any::<u8>(), 0..24),
        ];
        run("raw bytes", cases(15), (0..CLIENTS, 0..METHODS.len(), any::<bool>(), text, name), |(client, m, via_invoke, text, name)| {
            let mut cl = clients.borrow_mut();
            let live = &mut cl.0[client];
            let request = c_text(&text);
            if !via_invoke {
                let got = call_raw(live.raw, export(METHODS[m].0), &request)?;
                judge(live, Some(METHODS[m].0), request.as_bytes(), &got, "raw bytes at an export")?;
                live.refresh();
                return Ok(());
            }
            let name = c_text(&name);
            let mut out: *mut c_char = std::ptr::null_mut();
            // SAFETY: live client, NUL-terminated strings, writable out.
            let status = unsafe { hv_invoke(live.raw, name.as_ptr(), request.as_ptr(), &mut out) };
            let got = answer(status, out)?;
            let method = name.to_str().ok().and_then(Method::from_name);
            judge(live, method, request.as_bytes(), &got, "raw bytes at hv_invoke")?;
            live.refresh();
            Ok(())
        });
    });
}

/// NULL client, request, method and out pointers at every export and at hv_invoke.
#[test]
fn null_pointers_everywhere() {
    let live = Live::open(0);
    let request = CString::new(r#"{"id": "Session/l1"}"#).unwrap();
    let name = CString::new("Session_GetLocalSummaryView").unwrap();
    for (m, _, export_name) in METHODS {
        for client in [std::ptr::null_mut(), live.raw] {
            for req in [std::ptr::null(), request.as_ptr()] {
                // out_json NULL: refused, nothing written, nothing done.
                let status = unsafe { export(m)(client, req, std::ptr::null_mut()) };
                assert_eq!(status, HvStatus::HV_INVALID_ARGUMENT, "{export_name} with out_json NULL");
                if client.is_null() || req.is_null() {
                    let mut out: *mut c_char = std::ptr::null_mut();
                    let status = unsafe { export(m)(client, req, &mut out) };
                    let a = answer(status, out).unwrap();
                    assert_eq!(a.status, HvStatus::HV_INVALID_ARGUMENT, "{export_name}: {}", a.doc);
                    let p = if client.is_null() { "client" } else { "request_json" };
                    assert_eq!(a.doc["fault"]["parameterName"], p, "{export_name}: {}", a.doc);
                }
            }
        }
    }
    for client in [std::ptr::null_mut(), live.raw] {
        for method in [std::ptr::null(), name.as_ptr()] {
            for req in [std::ptr::null(), request.as_ptr()] {
                assert_eq!(unsafe { hv_invoke(client, method, req, std::ptr::null_mut()) }, HvStatus::HV_INVALID_ARGUMENT);
                let mut out: *mut c_char = std::ptr::null_mut();
                let status = unsafe { hv_invoke(client, method, req, &mut out) };
                let a = answer(status, out).unwrap();
                if client.is_null() || method.is_null() || req.is_null() {
                    assert_eq!(a.status, HvStatus::HV_INVALID_ARGUMENT, "{}", a.doc);
                } else {
                    assert_eq!(a.status, HvStatus::HV_OK, "{}", a.doc);
                }
            }
        }
    }
    assert_eq!(snapshot(live.raw), live.snap, "NULL pointers changed the federation");
    // hv_client_open with NULLs; the closers and the freer accept NULL.
    let config = CString::new("{}").unwrap();
    let mut raw: *mut HvClient = std::ptr::null_mut();
    let mut out: *mut c_char = std::ptr::null_mut();
    assert_eq!(unsafe { hv_client_open(config.as_ptr(), &mut raw, std::ptr::null_mut()) }, HvStatus::HV_INVALID_ARGUMENT);
    assert!(raw.is_null());
    let a = answer(unsafe { hv_client_open(config.as_ptr(), std::ptr::null_mut(), &mut out) }, out).unwrap();
    assert_eq!(a.status, HvStatus::HV_INVALID_ARGUMENT, "{}", a.doc);
    let mut out: *mut c_char = std::ptr::null_mut();
    let a = answer(unsafe { hv_client_open(std::ptr::null(), &mut raw, &mut out) }, out).unwrap();
    assert_eq!(a.status, HvStatus::HV_INVALID_ARGUMENT, "{}", a.doc);
    assert!(raw.is_null());
    unsafe {
        hv_client_close(std::ptr::null_mut());
        hv_string_free(std::ptr::null_mut());
    }
}

/// `hv_client_open` configurations: demos with small or out-of-range counts, the fuzz world
/// mutated (dangling references, wrong kinds, unknown keys), world files, logins. A success
/// gives a working client; a failure leaves `*out_client` NULL.
#[test]
fn client_open_configurations() {
    big_stack(|| {
        let dir = std::env::temp_dir().join(format!("hvapi-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("world.json");
        std::fs::write(&good, world(true).to_string()).unwrap();
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{\"sites\": [").unwrap();
        let paths: Vec<String> = vec![
            good.display().to_string(),
            bad.display().to_string(),
            dir.display().to_string(),
            dir.join("missing.json").display().to_string(),
            String::new(),
        ];
        let base = prop_oneof![
            Just(json!({"demo": {}})),
            (0u32..4, 0u32..3, 0u32..30, 0u32..8)
                .prop_map(|(s, p, n, u)| json!({"demo": {"sites": s, "podsPerSite": p, "sessionsPerPod": n, "users": u, "groups": u / 2}})),
            Just(json!({"backend": "embedded", "world": world(true)})),
            Just(json!({"world": world(false), "login": {"user": "auditor", "domain": "fuzz"}})),
            Just(json!({"world": world(true), "login": {"user": "helpdesk", "domain": "FUZZ", "password": "wrong"}})),
            Just(json!({"demo": {}, "login": {"user": "helpdesk", "domain": "HVDEMO", "password": "helpdesk"}})),
            (0..paths.len()).prop_map(move |i| json!({ "worldFile": paths[i] })),
            Just(json!({"backend": "rest"})),
            Just(json!({})),
        ];
        let strategy = (base, prop::collection::vec(mutation(), 0..3), prop_oneof![5 => Just(vec![]), 1 => prop::collection::vec(bytes_change(), 1..2)]);
        run("client configurations", cases(10), strategy, |(config, mutations, bytes)| {
            let mut config = config;
            for m in &mutations {
                apply(&mut config, m);
            }
            // Keep fuzzed demos small: a count from the mutations may only grow a demo so far.
            if let Some(demo) = config.get("demo").and_then(Value::as_object) {
                let count = |k: &str, default: f64| demo.get(k).and_then(Value::as_f64).unwrap_or(default).max(1.0);
                let sessions = count("sites", 2.0) * count("podsPerSite", 2.0) * count("sessionsPerPod", 25.0);
                let people = (count("users", 40.0) + count("groups", 6.0)) * count("groupsPerUser", 2.0)
                    + count("globalEntitlements", 4.0) * count("globalApplicationEntitlements", 2.0);
                if sessions > 50_000.0 || people > 100_000.0 {
                    return Ok(());
                }
            }
            let mut text = serde_json::to_vec(&config).unwrap();
            for b in &bytes {
                apply_bytes(&mut text, b);
            }
            let text = c_text(&text);
            let mut raw: *mut HvClient = std::ptr::null_mut();
            let mut out: *mut c_char = std::ptr::null_mut();
            // SAFETY: valid pointers.
            let status = unsafe { hv_client_open(text.as_ptr(), &mut raw, &mut out) };
            let got = answer(status, out)?;
            tally(got.doc.get("fault").and_then(|f| f.get("type")).and_then(Value::as_str).unwrap_or("ok"));
            if status == HvStatus::HV_OK {
                prop_assert!(!raw.is_null(), "HV_OK without a client");
                prop_assert_eq!(&got.doc["result"]["backend"], &json!("embedded"), "an open answers the connection's description: {}", got.doc);
                prop_assert!(got.doc["result"]["user"].is_string(), "the description names the signed-in administrator: {}", got.doc);
                let q = call_json(raw, Method::EventQuery, &json!({}));
                unsafe { hv_client_close(raw) };
                prop_assert_eq!(q.status, HvStatus::HV_OK, "a fresh client answers: {}", q.doc);
            } else {
                prop_assert!(raw.is_null(), "a failed open gave a client ({})", got.doc);
            }
            Ok(())
        });
        let _ = std::fs::remove_dir_all(&dir);
    });
}

/// A document without the values that depend on the clock.
fn scrub(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| match k.as_str() {
                    "disconnectTime" | "time" | "lastSessionDurationMS" => (k, Value::Null),
                    _ => (k, scrub(v)),
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(scrub).collect()),
        other => other,
    }
}

/// Concurrency at the boundary is the stress test's; here, one more property: the same text
/// gives the same answer through an export and through hv_invoke (on twin clients).
#[test]
fn exports_and_hv_invoke_agree() {
    big_stack(|| {
        let twins = RefCell::new((Live::open(0), Live::open(0)));
        run("export = hv_invoke", cases(5), case(), |c| {
            let method = METHODS[c.method].0;
            let mut req = Choices { c: &c.choices, i: 0 }.request(method);
            for m in &c.mutations {
                apply(&mut req, m);
            }
            let text = c_text(&serde_json::to_vec(&req).unwrap());
            let mut t = twins.borrow_mut();
            let a = call_raw(t.0.raw, export(method), &text)?;
            let name = CString::new(method.name()).unwrap();
            let mut out: *mut c_char = std::ptr::null_mut();
            let status = unsafe { hv_invoke(t.1.raw, name.as_ptr(), text.as_ptr(), &mut out) };
            let b = answer(status, out)?;
            tally(b.doc.get("fault").and_then(|f| f.get("type")).and_then(Value::as_str).unwrap_or("ok"));
            prop_assert_eq!(a.status, b.status);
            // Equal but for the clock (disconnect and event times).
            prop_assert_eq!(scrub(a.doc), scrub(b.doc));
            let twins = &mut *t;
            twins.0.snap = snapshot(twins.0.raw);
            twins.1.snap = snapshot(twins.1.raw);
            if twins.0.snap.sessions * 2 < LOCAL_SESSIONS as u64 || twins.0.snap.events > 5000 {
                *t = (Live::open(0), Live::open(0));
            }
            Ok(())
        });
    });
}
