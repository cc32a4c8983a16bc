//! Drives the C exports from 4 threads, for memory checking (`scripts/valgrind-stress.sh`
//! runs it under valgrind): every thread opens and closes its own clients and also shares
//! one client with the others; it queries, reads views, logs sessions off, provokes a fault
//! of every kind, passes NULLs, and frees every string the library returns.
//!
//! Run: `cargo run --release --example stress_ffi -- [rounds per thread]` (default 200).
//! Exits non-zero if any answer is not what the contract says. `HVAPI_STRESS_FFI_LEAK=1`
//! leaks one answer on purpose (to see the memory check fail).

use hvapi::ffi::*;
use hvapi::HvStatus;
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::sync::atomic::{AtomicU64, Ordering};

const THREADS: usize = 4;

static CALLS: AtomicU64 = AtomicU64::new(0);
static WRONG: AtomicU64 = AtomicU64::new(0);

/// A client pointer that threads may share (every export is thread-safe; closing waits for
/// the threads to finish).
#[derive(Clone, Copy)]
struct Shared(*mut HvClient);
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

/// Reads and frees an answer; returns its text.
fn take(out: *mut c_char) -> String {
    assert!(!out.is_null(), "an answer is always written");
    // SAFETY: a string from the library, freed once, right here.
    let text = unsafe { CStr::from_ptr(out) }.to_string_lossy().into_owned();
    unsafe { hv_string_free(out) };
    text
}

fn expect(what: &str, got: HvStatus, want: HvStatus, text: &str) {
    CALLS.fetch_add(1, Ordering::Relaxed);
    let ty = |s: HvStatus| match s {
        HvStatus::HV_OK => "\"result\"",
        HvStatus::HV_ENTITY_NOT_FOUND => "EntityNotFound",
        HvStatus::HV_INSUFFICIENT_PERMISSION => "InsufficientPermission",
        HvStatus::HV_INVALID_ARGUMENT => "InvalidArgument",
        HvStatus::HV_INVALID_STATE => "InvalidState",
        HvStatus::HV_INVALID_TYPE => "InvalidType",
        HvStatus::HV_INVALID_REQUEST => "InvalidRequest",
        HvStatus::HV_PARTIAL_FAILURE => "PartialFailureFault",
        HvStatus::HV_UNEXPECTED => "UnexpectedFault",
        HvStatus::HV_INVALID_CREDENTIALS => "InvalidCredentials",
    };
    if (got != want || !text.contains(ty(want))) && WRONG.fetch_add(1, Ordering::Relaxed) < 10 {
        eprintln!("{what}: expected {want:?}, got {got:?}: {text}");
    }
}

type Export = unsafe extern "C" fn(*mut HvClient, *const c_char, *mut *mut c_char) -> HvStatus;

fn call(client: *mut HvClient, f: Export, request: &str, want: HvStatus, what: &str) -> String {
    let request = c(request);
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: a live client (or NULL), a NUL-terminated request, a writable out.
    let status = unsafe { f(client, request.as_ptr(), &mut out) };
    let text = take(out);
    expect(what, status, want, &text);
    text
}

fn open(config: &str, want: HvStatus) -> *mut HvClient {
    let config = c(config);
    let mut client: *mut HvClient = std::ptr::null_mut();
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: valid pointers.
    let status = unsafe { hv_client_open(config.as_ptr(), &mut client, &mut out) };
    let text = take(out);
    expect("hv_client_open", status, want, &text);
    client
}

/// A world with an unreachable remote pod (for UnexpectedFault) and a locked session.
const WORLD: &str = r#"{"world": {
  "sites": [{"id": "Site/a", "name": "A"}, {"id": "Site/b", "name": "B"}],
  "pods": [{"id": "Pod/local", "name": "Local", "site": "Site/a"}, {"id": "Pod/down", "name": "Down", "site": "Site/b", "reachable": false}],
  "usersAndGroups": [{"id": "UserOrGroup/u", "name": "u", "domain": "D"}],
  "desktops": [{"id": "Desktop/d", "name": "D", "pod": "Pod/local"}, {"id": "Desktop/far", "name": "Far", "pod": "Pod/down"}],
  "sessions": [
    {"id": "Session/locked", "user": "UserOrGroup/u", "desktop": "Desktop/d", "locked": true},
    {"id": "Session/far", "user": "UserOrGroup/u", "desktop": "Desktop/far"},
    {"id": "Session/gone", "user": "UserOrGroup/u", "desktop": "Desktop/d", "sessionState": "DISCONNECTED"}
  ]}}"#;

fn round(t: usize, r: usize, shared: *mut HvClient, last: usize) {
    use HvStatus::*;
    // The shared demo: reads, and logoffs of sessions this thread alone touches.
    call(shared, hv_session_query, r#"{"limit": 5}"#, HV_OK, "query");
    call(
        shared,
        hv_session_query,
        r#"{"filter": {"type": "Equals", "memberName": "namesData.userName", "value": "HVDEMO\\user00007"}}"#,
        HV_OK,
        "query by user",
    );
    // The last local session: no thread logs it off.
    call(shared, hv_session_get_local_summary_view, &format!(r#"{{"id": "Session/pod-1-1-{last:07}"}}"#), HV_OK, "view");
    let id = format!("Session/pod-1-1-{:07}", 1 + THREADS * r + t);
    let mut invoke_out: *mut c_char = std::ptr::null_mut();
    let (m, req) = (c("Session_LogoffForced"), c(&format!(r#"{{"id": "{id}"}}"#)));
    // SAFETY: as for `call`.
    let status = unsafe { hv_invoke(shared, m.as_ptr(), req.as_ptr(), &mut invoke_out) };
    let text = take(invoke_out);
    expect("hv_invoke logoff", status, HV_OK, &text);
    call(shared, hv_session_logoff, &format!(r#"{{"id": "{id}"}}"#), HV_ENTITY_NOT_FOUND, "logoff again");
    call(shared, hv_event_query, r#"{"limit": 2, "startingOffset": 3}"#, HV_OK, "events");
    call(shared, hv_inventory_query, r#"{"entityType": "UserOrGroup", "limit": 3}"#, HV_OK, "inventory");
    call(shared, hv_user_home_site_resolve, r#"{"user": "UserOrGroup/user00005", "globalEntitlement": "GlobalEntitlement/ge-1"}"#, HV_OK, "resolve");

    // A fault of every kind.
    call(shared, hv_session_logoff, r#"{"id": "Session/none"}"#, HV_ENTITY_NOT_FOUND, "EntityNotFound");
    call(shared, hv_session_logoff, r#"{"id": "#, HV_INVALID_ARGUMENT, "bad JSON");
    call(shared, hv_session_logoff, r#"{"id": 7}"#, HV_INVALID_TYPE, "InvalidType");
    call(shared, hv_user_home_site_create, r#"{"base": {"userOrGroup": "UserOrGroup/user00009"}}"#, HV_INVALID_REQUEST, "InvalidRequest");
    call(shared, hv_session_logoff_sessions, r#"{"ids": ["Session/none", "Session/none2"]}"#, HV_PARTIAL_FAILURE, "PartialFailure");
    call(std::ptr::null_mut(), hv_session_query, "{}", HV_INVALID_ARGUMENT, "NULL client");
    let req = c("{}");
    // SAFETY: out_json NULL is allowed: nothing is written.
    let status = unsafe { hv_session_query(shared, req.as_ptr(), std::ptr::null_mut()) };
    expect("NULL out_json", status, HV_INVALID_ARGUMENT, "InvalidArgument");
    let mut out: *mut c_char = std::ptr::null_mut();
    let status = unsafe { hv_session_query(shared, std::ptr::null(), &mut out) };
    let text = take(out);
    expect("NULL request", status, HV_INVALID_ARGUMENT, &text);
    let bad_utf8 = CString::new(vec![b'{', 0xff, 0xfe, b'}']).unwrap();
    let mut out: *mut c_char = std::ptr::null_mut();
    let status = unsafe { hv_session_query(shared, bad_utf8.as_ptr(), &mut out) };
    let text = take(out);
    expect("bad UTF-8", status, HV_INVALID_ARGUMENT, &text);
    let (m, req) = (c("Session_Nope"), c("{}"));
    let mut out: *mut c_char = std::ptr::null_mut();
    let status = unsafe { hv_invoke(shared, m.as_ptr(), req.as_ptr(), &mut out) };
    let text = take(out);
    expect("unknown method", status, HV_INVALID_ARGUMENT, &text);

    // Own clients: opened and closed every round.
    let w = open(WORLD, HV_OK);
    call(w, hv_session_logoff, r#"{"id": "Session/locked"}"#, HV_INVALID_STATE, "InvalidState");
    call(w, hv_session_disconnect, r#"{"id": "Session/far"}"#, HV_UNEXPECTED, "UnexpectedFault (unreachable pod)");
    call(w, hv_session_disconnect_sessions, r#"{"ids": ["Session/gone", "Session/locked", "Session/far"]}"#, HV_PARTIAL_FAILURE, "mixed batch");
    call(w, hv_session_logoff_forced, r#"{"id": "Session/locked"}"#, HV_OK, "forced logoff");
    unsafe { hv_client_close(w) };

    let h = open(r#"{"demo": {"sessionsPerPod": 3}, "login": {"user": "helpdesk", "domain": "HVDEMO", "password": "helpdesk"}}"#, HV_OK);
    call(h, hv_user_home_site_list, r#"{"userOrGroup": "UserOrGroup/group-1"}"#, HV_INSUFFICIENT_PERMISSION, "InsufficientPermission");
    call(h, hv_session_logoff, r#"{"id": "Session/pod-2-1-0000001"}"#, HV_INSUFFICIENT_PERMISSION, "InsufficientPermission (remote)");
    unsafe { hv_client_close(h) };

    let none = open(r#"{"demo": {}, "login": {"user": "nobody", "domain": "HVDEMO"}}"#, HV_INVALID_CREDENTIALS);
    assert!(none.is_null());
    let none = open(r#"{"world": {"sessions": [{"id": "Session/x", "user": "UserOrGroup/missing"}]}}"#, HV_INVALID_ARGUMENT);
    assert!(none.is_null());
    unsafe {
        hv_client_close(std::ptr::null_mut());
        hv_string_free(std::ptr::null_mut());
    }
    // SAFETY: static string, never freed.
    let v = unsafe { CStr::from_ptr(hv_version()) };
    assert!(!v.to_bytes().is_empty());
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    // Enough sessions that every thread logs off its own for every round.
    let sessions = (THREADS * rounds + 10).max(25);
    let shared = Shared(open(&format!(r#"{{"demo": {{"sessionsPerPod": {sessions}}}}}"#), HvStatus::HV_OK));
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            s.spawn(move || {
                let shared = shared;
                for r in 0..rounds {
                    round(t, r, shared.0, sessions);
                }
            });
        }
    });
    if std::env::var_os("HVAPI_STRESS_FFI_LEAK").is_some() {
        // Self-test of the memory check: one answer deliberately never freed.
        let mut out: *mut c_char = std::ptr::null_mut();
        let req = c("{}");
        unsafe { hv_event_query(shared.0, req.as_ptr(), &mut out) };
        assert!(!out.is_null()); // and never passed to hv_string_free
    }
    // SAFETY: every thread has finished; closed once.
    unsafe { hv_client_close(shared.0) };
    let (calls, wrong) = (CALLS.load(Ordering::Relaxed), WRONG.load(Ordering::Relaxed));
    println!("stress_ffi: {THREADS} threads × {rounds} rounds, {calls} checked calls in {:.1} s, {wrong} unexpected answers", started.elapsed().as_secs_f64());
    if wrong > 0 {
        std::process::exit(1);
    }
}
