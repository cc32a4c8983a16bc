//! The privilege matrix of contract 5.1: every method × no privilege, wrong access group,
//! right access group or its parent, federation scope; remote sessions need the federation.
//! The table below is copied from the contract, not from the implementation.

mod common;
use common::*;
use serde_json::{json, Value};

/// (methods, access-group privileges, federation privilege) — contract 5.1.
const TABLE: [(&[&str], &[&str], &str); 6] = [
    (
        &[
            "Session_Disconnect",
            "Session_DisconnectSessions",
            "Session_Logoff",
            "Session_LogoffForced",
            "Session_LogoffSessions",
            "Session_LogoffSessionsForced",
            "Session_SendMessage",
            "Session_SendMessages",
        ],
        &["MACHINE_MANAGE_VDI_SESSION", "POOL_MANAGEMENT"],
        "FEDERATED_SESSIONS_MANAGE",
    ),
    (&["Session_Reset", "Session_ResetSessions", "Session_Restart", "Session_RestartSessions"], &["MACHINE_REBOOT"], "FEDERATED_SESSIONS_MANAGE"),
    (&["Session_GetLocalSummaryView"], &["MACHINE_VIEW", "POOL_VIEW"], "FEDERATED_SESSIONS_VIEW"),
    (&["Session_Query"], &["MACHINE_VIEW", "POOL_VIEW"], "FEDERATED_SESSIONS_VIEW"),
    (&["UserHomeSite_Create", "UserHomeSite_Delete"], &[], "FEDERATED_LDAP_MANAGE"),
    (&["UserHomeSite_Get", "UserHomeSite_GetInfos", "UserHomeSite_List", "UserHomeSite_Resolve", "UserHomeSite_ResolveForGAE"], &[], "FEDERATED_LDAP_VIEW"),
];

/// A request of `method` on the session `id` (one that succeeds for a full administrator).
fn session_request(method: &str, id: &str) -> Value {
    let batch = method.ends_with("Sessions") || method.ends_with("SessionsForced") || method == "Session_SendMessages";
    let mut r = if batch { json!({ "ids": [id] }) } else { json!({ "id": id }) };
    if method.starts_with("Session_SendMessage") {
        r["msgType"] = json!("INFO");
        r["message"] = json!("hello");
    }
    r
}

fn home_site_request(method: &str) -> Value {
    match method {
        "UserHomeSite_Create" => json!({"base": {"userOrGroup": "UserOrGroup/dave", "site": "Site/east"}}),
        "UserHomeSite_Delete" | "UserHomeSite_Get" => json!({"id": "UserHomeSite/h1"}),
        "UserHomeSite_GetInfos" => json!({"ids": ["UserHomeSite/h1"]}),
        "UserHomeSite_List" => json!({"userOrGroup": "UserOrGroup/alice"}),
        "UserHomeSite_Resolve" => json!({"user": "UserOrGroup/alice", "globalEntitlement": "GlobalEntitlement/win11"}),
        "UserHomeSite_ResolveForGAE" => json!({"user": "UserOrGroup/alice", "globalApplicationEntitlement": "GlobalApplicationEntitlement/office"}),
        other => panic!("{other}"),
    }
}

/// The fixture plus one admin `CORP\a` holding `privilege` (as a role) on `scope`.
fn as_admin(privilege: &str, scope: &str) -> Opened {
    fixture().role("Nothing", &["GLOBAL_CONFIG_VIEW"]).home_site("UserHomeSite/h1", "alice", "Site/east", "").admin("a", &[(privilege, scope)]).open_as("a")
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = v.as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect();
    n.sort();
    n
}

fn sorted(v: Vec<&str>) -> Vec<String> {
    let mut v: Vec<String> = v.into_iter().map(String::from).collect();
    v.sort();
    v
}

/// Asserts the call was refused for privilege on the item `Session/ic1` (alone, or inside a
/// partial failure for a batch), and that nothing was recorded.
fn refused_for_item(client: &hvapi::Client, method: &str, r: Result<Value, hvapi::Fault>, privileges: Vec<&str>, ag: &str) {
    let f = fault(r);
    let item = if f["type"] == "PartialFailureFault" { f["results"][0].clone() } else { f };
    assert_eq!(item["type"], "InsufficientPermission", "{method}: {item}");
    assert_eq!(item["resource"], "Session/ic1", "{method}");
    assert_eq!(names(&item["privileges"]), sorted(privileges), "{method}");
    // The REST API's errors do not name the access group (README, "The REST backend").
    if !rest_backend() {
        assert_eq!(item["accessGroup"], ag, "{method}");
    }
    assert!(event_types(client).is_empty(), "{method}: a refusal for privilege leaves no event");
    assert!(session_exists(client, "Session/ic1"), "{method}: nothing changed");
}

#[test]
fn session_methods_by_scope() {
    // Session/ic1 is local, in AccessGroup/sales-emea, whose parent is AccessGroup/sales.
    for (methods, ag_privileges, federated) in &TABLE[..3] {
        let all: Vec<&str> = ag_privileges.iter().copied().chain([*federated]).collect();
        for &method in *methods {
            let req = session_request(method, "Session/ic1");

            // No privilege anywhere: the whole call is refused.
            let c = as_admin("Nothing", "AccessGroup/root");
            let f = assert_fault(call(&c, method, req.clone()), "InsufficientPermission", json!({}));
            assert_eq!(names(&f["privileges"]), sorted(all.clone()), "{method}");
            assert!(event_types(&c).is_empty());

            for &p in *ag_privileges {
                // The right privilege on another access group: refused for the item.
                let c = as_admin(p, "AccessGroup/eng");
                refused_for_item(&c, method, call(&c, method, req.clone()), all.clone(), "AccessGroup/sales-emea");
                // On the session's access group, its parent, or the root: allowed.
                for scope in ["AccessGroup/sales-emea", "AccessGroup/sales", "AccessGroup/root"] {
                    let c = as_admin(p, scope);
                    assert!(call(&c, method, req.clone()).is_ok(), "{method} with {p} on {scope}");
                }
                // An access-group privilege on the federation scope counts for nothing.
                let c = as_admin(p, "federation");
                assert_fault(call(&c, method, req.clone()), "InsufficientPermission", json!({}));
                // A remote session needs the federation privilege.
                let c = as_admin(p, "AccessGroup/root");
                let remote = session_request(method, "Session/remote");
                if method == "Session_GetLocalSummaryView" {
                    // Contract 5.2: a remote id is not found by the local view.
                    assert_fault(call(&c, method, remote), "EntityNotFound", json!({"id": "Session/remote"}));
                    continue;
                }
                let f = fault(call(&c, method, remote));
                let item = if f["type"] == "PartialFailureFault" { f["results"][0].clone() } else { f };
                assert_eq!(item["type"], "InsufficientPermission", "{method} remote");
                assert_eq!(names(&item["privileges"]), vec![federated.to_string()], "{method} remote");
            }

            // The federation privilege covers local and remote sessions.
            let c = as_admin(federated, "federation");
            assert!(call(&c, method, req.clone()).is_ok(), "{method} with {federated}");
            if method != "Session_GetLocalSummaryView" {
                assert!(call(&c, method, session_request(method, "Session/remote")).is_ok(), "{method} remote with {federated}");
            }
            // …but only on the federation scope.
            let c = as_admin(federated, "AccessGroup/root");
            assert_fault(call(&c, method, req.clone()), "InsufficientPermission", json!({}));
        }
    }
}

#[test]
fn home_site_methods_need_the_federation_privilege() {
    for (methods, _, federated) in &TABLE[4..] {
        for &method in *methods {
            let req = home_site_request(method);
            for (privilege, scope) in [("Nothing", "AccessGroup/root"), (*federated, "AccessGroup/root"), ("MACHINE_VIEW", "AccessGroup/root")] {
                let c = as_admin(privilege, scope);
                let f = assert_fault(call(&c, method, req.clone()), "InsufficientPermission", json!({}));
                assert_eq!(names(&f["privileges"]), vec![federated.to_string()], "{method}");
                assert!(event_types(&c).is_empty(), "{method}: no event for a refusal");
            }
            let c = as_admin(federated, "federation");
            assert!(call(&c, method, req).is_ok(), "{method} with {federated}");
        }
    }
    // Managing does not imply viewing, nor the other way round.
    let c = as_admin("FEDERATED_LDAP_MANAGE", "federation");
    assert_fault(call(&c, "UserHomeSite_Get", home_site_request("UserHomeSite_Get")), "InsufficientPermission", json!({}));
    let c = as_admin("FEDERATED_LDAP_VIEW", "federation");
    assert_fault(call(&c, "UserHomeSite_Delete", home_site_request("UserHomeSite_Delete")), "InsufficientPermission", json!({}));
}

fn query_ids(c: &hvapi::Client) -> Vec<String> {
    let page = call(c, "Session_Query", json!({})).unwrap();
    page["results"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn session_query_rows_follow_the_callers_access_groups() {
    let local_all = ["Session/ic1", "Session/ic2", "Session/locked", "Session/composer", "Session/vc", "Session/unmanaged", "Session/rds", "Session/app"];
    assert_eq!(query_ids(&as_admin("FEDERATED_SESSIONS_VIEW", "federation")), local_all, "the federation privilege sees every local row");
    assert_eq!(query_ids(&as_admin("MACHINE_VIEW", "AccessGroup/root")), local_all);
    assert_eq!(query_ids(&as_admin("POOL_VIEW", "AccessGroup/sales")), ["Session/ic1", "Session/ic2", "Session/locked", "Session/composer"]);
    assert_eq!(query_ids(&as_admin("MACHINE_VIEW", "AccessGroup/sales-emea")), ["Session/ic1", "Session/ic2", "Session/locked"]);
    assert_eq!(query_ids(&as_admin("MACHINE_VIEW", "AccessGroup/eng")), ["Session/vc", "Session/unmanaged", "Session/rds", "Session/app"]);
    assert_fault(call(&as_admin("Nothing", "AccessGroup/root"), "Session_Query", json!({})), "InsufficientPermission", json!({}));
    assert_fault(call(&as_admin("MACHINE_MANAGE_VDI_SESSION", "AccessGroup/root"), "Session_Query", json!({})), "InsufficientPermission", json!({}));
}

#[test]
fn a_batch_mixes_permitted_and_refused_items() {
    let c = as_admin("MACHINE_MANAGE_VDI_SESSION", "AccessGroup/eng");
    let f = assert_fault(
        call(&c, "Session_LogoffSessions", json!({"ids": ["Session/vc", "Session/ic1", "Session/nope"]})),
        "PartialFailureFault",
        json!({"resultCount": 3, "successCount": 1}),
    );
    assert_eq!(f["results"][0], Value::Null);
    assert_eq!(f["results"][1]["type"], "InsufficientPermission");
    assert_eq!(f["results"][2]["type"], "EntityNotFound", "existence is checked before privilege");
    // One event for the success, one for the unknown id, none for the refused item.
    assert_eq!(event_types(&c), ["ADMIN_DESKTOP_SESSION_LOGOFF", "ADMIN_DESKTOP_SESSION_LOGOFF_FAILED"]);
    assert_eq!(events(&c)[0]["admin"], "CORP\\a");
}

#[test]
fn inventory_and_events_are_open_to_every_admin() {
    let c = as_admin("Nothing", "AccessGroup/root");
    assert!(call(&c, "Inventory_Query", json!({"entityType": "Site"})).is_ok());
    assert!(call(&c, "Event_Query", json!({})).is_ok());
}
