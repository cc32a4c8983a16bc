//! The C boundary. Every export does the same five things through `guard`: check pointers,
//! decode UTF-8, parse the JSON request into the method's request type (unknown keys refused),
//! run the handler inside `catch_unwind`, and write exactly one JSON document. Each method
//! export is one line over `method_call`. Nothing below this module sees a pointer.

use crate::client::Client;
use crate::fault::{Fault, HvStatus};
use crate::service::Method;
use serde_json::{json, Value};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// An open connection to a backend (the embedded federation by default). Opaque to C.
///
/// Created by `hv_client_open`, destroyed by `hv_client_close`. Every call on a client is
/// safe from any thread, concurrently; `hv_client_close` must not race with other calls on
/// the same client.
pub struct HvClient {
    client: Client,
}

/// The one document a call writes: `{"result": …}` or `{"fault": …}`. A result arrives as
/// JSON text and is written as it is.
#[derive(serde::Serialize)]
#[serde(rename_all = "lowercase")]
enum Answer<T> {
    Result(T),
    Fault(Value),
}

/// Written when even the answer cannot be built (never expected).
const LAST_RESORT: &str = r#"{"fault":{"type":"UnexpectedFault","errorMessage":"The answer could not be encoded."}}"#;

fn panic_cause(p: Box<dyn std::any::Any + Send>) -> String {
    let what = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned());
    format!("internal error (panic: {})", what.unwrap_or_else(|| "unknown".into()))
}

/// The one guarded entry: runs `body` with panics caught and writes its answer to
/// `*out_json`. Returns the status of the answer. `out_json == NULL` -> `HV_INVALID_ARGUMENT`,
/// nothing run, nothing written.
fn guard<T: serde::Serialize>(out_json: *mut *mut c_char, body: impl FnOnce() -> Result<T, Fault>) -> HvStatus {
    if out_json.is_null() {
        return HvStatus::HV_INVALID_ARGUMENT;
    }
    // SAFETY: out_json is non-NULL and, by the header's contract, points to a writable char*.
    unsafe { *out_json = std::ptr::null_mut() };
    let answered = catch_unwind(AssertUnwindSafe(|| {
        let (status, doc) = match body() {
            Ok(v) => (HvStatus::HV_OK, Answer::Result(v)),
            Err(f) => (f.status(), Answer::Fault(f.to_json())),
        };
        (status, serde_json::to_string(&doc).unwrap_or_else(|_| LAST_RESORT.into()))
    }));
    let (status, text) = answered.unwrap_or_else(|p| {
        let f = Fault::unexpected(panic_cause(p));
        (HvStatus::HV_UNEXPECTED, json!({ "fault": f.to_json() }).to_string())
    });
    // JSON escapes every NUL inside strings, so the text has none.
    let c = CString::new(text).unwrap_or_else(|_| CString::new(LAST_RESORT).expect("no NUL"));
    // SAFETY: as above.
    unsafe { *out_json = c.into_raw() };
    status
}

/// Borrows a C string argument: NULL or invalid UTF-8 -> `InvalidArgument` naming it.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string that outlives the call.
unsafe fn text<'a>(p: *const c_char, name: &str) -> Result<&'a str, Fault> {
    if p.is_null() {
        return Err(Fault::invalid_argument(name, format!("{name} must not be NULL.")));
    }
    CStr::from_ptr(p).to_str().map_err(|_| Fault::invalid_argument(name, format!("{name} is not valid UTF-8.")))
}

/// # Safety
/// `client` is NULL or a live pointer from `hv_client_open`.
unsafe fn client_ref<'a>(client: *const HvClient) -> Result<&'a Client, Fault> {
    client.as_ref().map(|c| &c.client).ok_or_else(|| Fault::invalid_argument("client", "client must not be NULL."))
}

/// The body of every method export.
///
/// # Safety
/// As for the exports: pointers are NULL or valid for the call.
unsafe fn method_call(client: *const HvClient, method: Method, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    guard(out_json, || {
        let client = client_ref(client)?;
        client.call_text(method, text(request_json, "request_json")?)
    })
}

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library version, e.g. "0.1.0".
///
/// Returns a static NUL-terminated string: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn hv_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// Opens a client.
///
/// `config_json`: `{"backend": "embedded", "world" | "worldFile" | "demo": ..., "login"?: {"user", "domain", "password"?}}`
/// (`backend` defaults to "embedded"; give exactly one of world, worldFile, demo).
///
/// On `HV_OK`, `*out_client` receives a client the caller owns and must release with
/// `hv_client_close`, and `*out_json` describes the connection: `{"result": {"backend",
/// "user" ("DOMAIN\\name" of the signed-in administrator), "localPod"?, "localSite"?}}`. On failure `*out_client` is
/// left NULL and `*out_json` holds `{"fault": ...}`: `HV_INVALID_ARGUMENT` for bad
/// configuration (a world that refers to an undefined id names the path, e.g.
/// "sessions[3].desktop"), `HV_INVALID_TYPE` for a value of the wrong kind,
/// `HV_INVALID_CREDENTIALS` for a login that matches no administrator.
///
/// Ownership: `config_json` is borrowed for the call. `*out_json` (when `out_json` is not
/// NULL) is always written and owned by the caller, who frees it with `hv_string_free`.
/// `out_json == NULL` -> `HV_INVALID_ARGUMENT`, nothing written. Thread-safe.
///
/// # Safety
/// Pointers are NULL or valid: `config_json` NUL-terminated, `out_client` and `out_json`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn hv_client_open(config_json: *const c_char, out_client: *mut *mut HvClient, out_json: *mut *mut c_char) -> HvStatus {
    if !out_client.is_null() {
        *out_client = std::ptr::null_mut();
    }
    guard(out_json, || {
        if out_client.is_null() {
            return Err(Fault::invalid_argument("out_client", "out_client must not be NULL."));
        }
        let client = Client::open_str(text(config_json, "config_json")?)?;
        let description = client.describe();
        *out_client = Box::into_raw(Box::new(HvClient { client }));
        Ok(description)
    })
}

/// Closes a client and frees its federation. NULL is a no-op.
///
/// # Safety
/// `client` is NULL or a pointer from `hv_client_open` not yet closed. No other call on the
/// same client may run concurrently with or after this one (the caller's duty).
#[no_mangle]
pub unsafe extern "C" fn hv_client_close(client: *mut HvClient) {
    if !client.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(client))));
    }
}

/// Frees a string the library returned (every `char *` written to an `out_json`). NULL is a
/// no-op. Thread-safe.
///
/// # Safety
/// `s` is NULL or a string from this library not yet freed. Never pass `hv_version()`'s
/// result.
#[no_mangle]
pub unsafe extern "C" fn hv_string_free(s: *mut c_char) {
    if !s.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(CString::from_raw(s))));
    }
}

/// Calls a method by name ("Session_Logoff", ...; see the method exports below for each
/// request and result). Same behaviour as the method's own export.
///
/// An unknown method -> `HV_INVALID_ARGUMENT` with parameterName "method". A NULL client,
/// NULL or non-UTF-8 text, unparsable JSON, a request that is not an object, a missing or
/// unknown key -> `HV_INVALID_ARGUMENT`.
///
/// Ownership: `method` and `request_json` are borrowed for the call; `*out_json` is always
/// written (`{"result": ...}` on `HV_OK`, `{"fault": ...}` otherwise, the status equal to
/// the fault's type) and owned by the caller, who frees it with `hv_string_free`.
/// `out_json == NULL` -> `HV_INVALID_ARGUMENT`, nothing written. No panic crosses this
/// boundary (`HV_UNEXPECTED`). Safe from any thread, concurrently, on the same client.
///
/// # Safety
/// Pointers are NULL or valid: `client` from `hv_client_open` and not closed, strings
/// NUL-terminated, `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn hv_invoke(client: *mut HvClient, method: *const c_char, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    guard(out_json, || {
        let client = client_ref(client)?;
        let m = Client::method(text(method, "method")?)?;
        client.call_text(m, text(request_json, "request_json")?)
    })
}

// ---- one export per method. Each behaves exactly as hv_invoke with that method's name:
// same arguments, ownership, statuses and thread-safety. ----

/// Session_Disconnect `{"id": SessionId}` -> null. HV_INVALID_STATE if already disconnected.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_disconnect(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionDisconnect, request_json, out_json)
}

/// Session_DisconnectSessions `{"ids": [SessionId]}` -> null; HV_PARTIAL_FAILURE if any item failed.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_disconnect_sessions(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionDisconnectSessions, request_json, out_json)
}

/// Session_GetLocalSummaryView `{"id": SessionId}` -> SessionLocalSummaryView (local sessions only).
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_get_local_summary_view(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionGetLocalSummaryView, request_json, out_json)
}

/// Session_Logoff `{"id": SessionId}` -> null. HV_INVALID_STATE for a locked session.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_logoff(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionLogoff, request_json, out_json)
}

/// Session_LogoffForced `{"id": SessionId}` -> null. Also ends locked sessions.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_logoff_forced(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionLogoffForced, request_json, out_json)
}

/// Session_LogoffSessions `{"ids": [SessionId]}` -> null; HV_PARTIAL_FAILURE if any item failed.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_logoff_sessions(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionLogoffSessions, request_json, out_json)
}

/// Session_LogoffSessionsForced `{"ids": [SessionId]}` -> null; HV_PARTIAL_FAILURE if any item failed.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_logoff_sessions_forced(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionLogoffSessionsForced, request_json, out_json)
}

/// Session_Reset `{"id": SessionId}` -> null. Managed virtual desktop sessions only.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_reset(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionReset, request_json, out_json)
}

/// Session_ResetSessions `{"ids": [SessionId]}` -> null; HV_PARTIAL_FAILURE if any item failed.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_reset_sessions(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionResetSessions, request_json, out_json)
}

/// Session_Restart `{"id": SessionId}` -> null. Managed virtual desktop sessions only.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_restart(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionRestart, request_json, out_json)
}

/// Session_RestartSessions `{"ids": [SessionId]}` -> null; HV_PARTIAL_FAILURE if any item failed.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_restart_sessions(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionRestartSessions, request_json, out_json)
}

/// Session_SendMessage `{"id": SessionId, "msgType": "INFO"|"WARNING"|"ERROR", "message": 1..1024 chars}` -> null.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_send_message(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionSendMessage, request_json, out_json)
}

/// Session_SendMessages `{"ids": [SessionId], "msgType", "message"}` -> null; HV_PARTIAL_FAILURE if any item failed.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_send_messages(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionSendMessages, request_json, out_json)
}

/// UserHomeSite_Create `{"base": UserHomeSiteBase}` -> UserHomeSiteId (the existing id if the same configuration exists).
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_user_home_site_create(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::UserHomeSiteCreate, request_json, out_json)
}

/// UserHomeSite_Delete `{"id": UserHomeSiteId}` -> null.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_user_home_site_delete(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::UserHomeSiteDelete, request_json, out_json)
}

/// UserHomeSite_Get `{"id": UserHomeSiteId}` -> UserHomeSiteInfo.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_user_home_site_get(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::UserHomeSiteGet, request_json, out_json)
}

/// UserHomeSite_GetInfos `{"ids": [UserHomeSiteId]}` -> [UserHomeSiteInfo]; any unknown id fails the call.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_user_home_site_get_infos(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::UserHomeSiteGetInfos, request_json, out_json)
}

/// UserHomeSite_List `{"userOrGroup": UserOrGroupId}` -> [UserHomeSiteInfo] made directly on it.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_user_home_site_list(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::UserHomeSiteList, request_json, out_json)
}

/// UserHomeSite_Resolve `{"user": UserOrGroupId, "globalEntitlement": GlobalEntitlementId}` -> null or [resolved, conflicts...].
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_user_home_site_resolve(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::UserHomeSiteResolve, request_json, out_json)
}

/// UserHomeSite_ResolveForGAE `{"user", "globalApplicationEntitlement"}` -> null or [resolved, conflicts...].
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_user_home_site_resolve_for_gae(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::UserHomeSiteResolveForGae, request_json, out_json)
}

/// Session_Query `{"filter"?, "sortBy"?, "sortDescending"?, "startingOffset"?, "limit"?}` ->
/// `{"results": [SessionLocalSummaryView], "startingOffset", "remainingCount"}`.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_session_query(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::SessionQuery, request_json, out_json)
}

/// Inventory_Query `{"entityType", ...query}` -> a page of world objects (UserOrGroup, Site, Pod,
/// AccessGroup, GlobalEntitlement, GlobalApplicationEntitlement, Desktop, Farm).
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_inventory_query(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::InventoryQuery, request_json, out_json)
}

/// Event_Query `{...query}` -> a page of events, oldest first.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_event_query(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::EventQuery, request_json, out_json)
}

/// GlobalSession_Query `{"user" | "pod" | "brokeringPod", ...query}` (exactly one of the three)
/// -> `{"results": [SessionLocalSummaryView + "pod"], "startingOffset", "remainingCount"}`: the
/// federation's sessions of one user, one pod, or brokered by one pod. A library extension,
/// not a contract method: Session_Query's privileges, and `InvalidState` until the federation
/// is initialized.
/// # Safety
/// As for `hv_invoke`.
#[no_mangle]
pub unsafe extern "C" fn hv_global_session_query(client: *mut HvClient, request_json: *const c_char, out_json: *mut *mut c_char) -> HvStatus {
    method_call(client, Method::GlobalSessionQuery, request_json, out_json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_never_crosses_the_boundary() {
        let mut out = std::ptr::null_mut();
        let status = guard::<Value>(&mut out, || panic!("boom"));
        assert_eq!(status, HvStatus::HV_UNEXPECTED);
        let text = unsafe { CString::from_raw(out) }.into_string().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["fault"]["type"], "UnexpectedFault");
        assert!(v["fault"]["causeString"].as_str().unwrap().contains("boom"));
    }
}
