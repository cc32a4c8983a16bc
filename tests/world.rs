//! Opening a client (contract 2 and 6): world objects, world files, the demo, login.

mod common;
use common::*;
use hvapi::Client;
use serde_json::{json, Value};

fn open(config: Value) -> Result<Client, hvapi::Fault> {
    Client::open(&config)
}

fn refused(world: Value, path: &str) {
    let f = assert_fault(open(json!({ "world": world })).map(|_| Value::Null), "InvalidArgument", json!({ "parameterName": path }));
    assert!(f["errorMessage"].as_str().unwrap().contains(path.split('.').next().unwrap()), "{f}");
}

#[test]
fn a_dangling_reference_is_refused_with_its_path() {
    let w = fixture().0;
    let mut bad = w.clone();
    bad["sessions"][3]["desktop"] = json!("Desktop/nope");
    refused(bad, "sessions[3].desktop");
    let mut bad = w.clone();
    bad["pods"][0]["site"] = json!("Site/nope");
    refused(bad, "pods[0].site");
    let mut bad = w.clone();
    bad["usersAndGroups"][4]["members"][1] = json!("UserOrGroup/nobody");
    refused(bad, "usersAndGroups[4].members[1]");
    let mut bad = w.clone();
    bad["globalEntitlements"][0]["members"] = json!(["UserOrGroup/ghost"]);
    refused(bad, "globalEntitlements[0].members[0]");
    let mut bad = w.clone();
    bad["desktops"][0]["accessGroup"] = json!("AccessGroup/nope");
    refused(bad, "desktops[0].accessGroup");
    let mut bad = w.clone();
    bad["localPod"] = json!("Pod/nope");
    refused(bad, "localPod");
    refused(World::empty().site("Site/a", "A").home_site("UserHomeSite/h", "nobody", "Site/a", "").0, "homeSites[0].userOrGroup");
    refused(fixture().admin("x", &[("No Such Role", "federation")]).0, "admins[0].permissions[0].role");
    refused(fixture().admin("x", &[("Administrators", "AccessGroup/nope")]).0, "admins[0].permissions[0].scope");
}

#[test]
fn malformed_worlds_are_refused() {
    let w = fixture().0;
    let mut bad = w.clone();
    bad["sessions"][0]["colour"] = json!("red");
    refused(bad, "sessions[0].colour");
    let mut bad = w.clone();
    bad["sessions"][1]["id"] = json!("Session/ic1");
    refused(bad, "sessions[1].id");
    let mut bad = w.clone();
    bad["sessions"][0]["sessionState"] = json!("ASLEEP");
    refused(bad, "sessions[0].sessionState");
    let mut bad = w.clone();
    bad["sessions"][0]["startTime"] = json!("yesterday");
    refused(bad, "sessions[0].startTime");
    let mut bad = w.clone();
    bad["sessions"][0]["user"] = json!("UserOrGroup/Sales");
    refused(bad, "sessions[0].user");
    let mut bad = w.clone();
    bad["sessions"][0]["farm"] = json!("Farm/apps");
    refused(bad, "sessions[0].desktop");
    let mut bad = w.clone();
    bad["desktops"][4]["desktopSource"] = json!("VIRTUAL_CENTER");
    refused(bad, "desktops[4].desktopSource");
    refused(World::empty().access_group("AccessGroup/a", "AccessGroup/b").access_group("AccessGroup/b", "AccessGroup/a").0, "accessGroups[0].parent");
    refused(json!({"planets": []}), "planets");
    let f = assert_fault(open(json!({"world": {"sites": {"id": "Site/a"}}})).map(|_| Value::Null), "InvalidType", json!({"parameterName": "sites"}));
    assert_eq!(f["expectedType"], "Site[]");
    assert_fault(
        open(json!({"world": {"sites": [{"id": "Pod/a", "name": "A"}]}})).map(|_| Value::Null),
        "InvalidType",
        json!({"parameterName": "sites[0].id", "expectedType": "SiteId"}),
    );
    assert_fault(open(json!({"world": []})).map(|_| Value::Null), "InvalidArgument", json!({}));
}

#[test]
fn open_configuration() {
    let ok = |c: Value| assert!(open(c.clone()).is_ok(), "{c}");
    ok(json!({"demo": {}}));
    ok(json!({"backend": "embedded", "demo": {"sites": 1}}));
    ok(json!({"world": {}}));
    let bad = |c: Value, ty: &str, param: &str| {
        assert_fault(open(c).map(|_| Value::Null), ty, json!({ "parameterName": param }));
    };
    bad(json!({}), "InvalidArgument", "world");
    bad(json!({"demo": {}, "world": {}}), "InvalidArgument", "demo");
    bad(json!({"backend": "vmware", "demo": {}}), "InvalidArgument", "backend");
    // The REST backend takes its own keys (README, "The REST backend").
    bad(json!({"backend": "rest", "demo": {}}), "InvalidArgument", "demo");
    bad(json!({"backend": "rest"}), "InvalidArgument", "url");
    bad(json!({"backend": "rest", "url": "ftp://cs1", "username": "a", "password": "b", "domain": "C"}), "InvalidArgument", "url");
    bad(json!({"demo": {}, "colour": 1}), "InvalidArgument", "colour");
    bad(json!({"demo": {"sessions": 5}}), "InvalidArgument", "demo.sessions");
    bad(json!({"demo": {"sites": -1}}), "InvalidArgument", "demo.sites");
    bad(json!({"demo": {"sites": 0}}), "InvalidArgument", "demo.sites");
    bad(json!({"demo": {"sites": 1000, "podsPerSite": 100, "sessionsPerPod": 1000}}), "InvalidArgument", "demo.sessionsPerPod");
    bad(json!({"demo": 3}), "InvalidType", "demo");
    bad(json!({"worldFile": "/nonexistent/world.json"}), "InvalidArgument", "worldFile");
    assert_fault(Client::open_str("{not json").map(|_| Value::Null), "InvalidArgument", json!({"parameterName": "config_json"}));
}

#[test]
fn a_world_file_opens_like_the_world() {
    let dir = std::env::temp_dir().join(format!("hvapi-world-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("world.json");
    std::fs::write(&path, fixture().0.to_string()).unwrap();
    let c = open(json!({"worldFile": path.to_str().unwrap()})).unwrap();
    assert!(call(&c, "Session_GetLocalSummaryView", json!({"id": "Session/ic1"})).is_ok());
    std::fs::write(&path, "{ nope").unwrap();
    assert_fault(open(json!({"worldFile": path.to_str().unwrap()})).map(|_| Value::Null), "InvalidArgument", json!({"parameterName": "worldFile"}));
    let mut bad = fixture().0;
    bad["sessions"][3]["desktop"] = json!("Desktop/nope");
    std::fs::write(&path, bad.to_string()).unwrap();
    assert_fault(open(json!({"worldFile": path.to_str().unwrap()})).map(|_| Value::Null), "InvalidArgument", json!({"parameterName": "sessions[3].desktop"}));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn login() {
    let w = fixture().admin("ops", &[("Administrators", "federation")]).0;
    let with = |login: Value| open(json!({"world": w, "login": login}));
    assert!(with(json!({"user": "ops", "domain": "CORP", "password": "pw"})).is_ok());
    assert!(with(json!({"user": "OPS", "domain": "corp", "password": "pw"})).is_ok(), "names ignore case");
    for login in [
        json!({"user": "ops", "domain": "CORP", "password": "wrong"}),
        json!({"user": "ops", "domain": "CORP"}),
        json!({"user": "nobody", "domain": "CORP"}),
        json!({"user": "ops", "domain": "EMEA", "password": "pw"}),
    ] {
        let f = assert_fault(with(login).map(|_| Value::Null), "InvalidCredentials", json!({}));
        assert_eq!(f.as_object().unwrap().len(), 2, "InvalidCredentials has no fields: {f}");
    }
    assert_fault(with(json!({"user": "ops"})).map(|_| Value::Null), "InvalidArgument", json!({"parameterName": "login.domain"}));
    assert_fault(with(json!({"user": "ops", "domain": "CORP", "token": "x"})).map(|_| Value::Null), "InvalidArgument", json!({"parameterName": "login.token"}));
    // The built-in administrator, in the world's domain, signs in without a password.
    let admin = with(json!({"user": "administrator", "domain": "CORP"})).unwrap();
    call(&admin, "Session_Logoff", json!({"id": "Session/ic1"})).unwrap();
    assert_eq!(events(&admin)[0]["admin"], "CORP\\administrator");
}

#[test]
fn the_builtin_administrator_holds_everything() {
    let c = fixture().open();
    for (method, req) in [
        ("Session_LogoffForced", json!({"id": "Session/remote-locked"})),
        ("Session_Reset", json!({"id": "Session/ic1"})),
        ("UserHomeSite_Create", json!({"base": {"userOrGroup": "UserOrGroup/dave", "site": "Site/east"}})),
        ("UserHomeSite_List", json!({"userOrGroup": "UserOrGroup/dave"})),
    ] {
        assert!(call(&c, method, req).is_ok(), "{method}");
    }
    let c = open(json!({"world": {}})).unwrap();
    call(&c, "UserHomeSite_List", json!({"userOrGroup": "UserOrGroup/x"})).unwrap_err();
    assert_eq!(c.embedded().unwrap().read().admins.last().unwrap().display(), "HORIZON\\administrator", "an empty world's domain");
}

#[test]
fn clients_never_share_state() {
    let a = fixture().open();
    let b = fixture().open();
    call(&a, "Session_Logoff", json!({"id": "Session/ic1"})).unwrap();
    assert!(!session_exists(&a, "Session/ic1"));
    assert!(session_exists(&b, "Session/ic1"));
    assert!(events(&b).is_empty());
}

#[test]
fn the_demo_is_deterministic() {
    let counts = json!({"sites": 3, "podsPerSite": 2, "users": 100, "groups": 9, "globalEntitlements": 5, "sessionsPerPod": 40});
    let dump = |c: &Client| {
        let mut all = Vec::new();
        for ty in ["UserOrGroup", "Site", "Pod", "AccessGroup", "GlobalEntitlement", "GlobalApplicationEntitlement", "Desktop", "Farm"] {
            all.push(call(c, "Inventory_Query", json!({"entityType": ty, "limit": 100000})).unwrap());
        }
        all.push(call(c, "Session_Query", json!({"limit": 100000})).unwrap());
        let hs: Vec<String> = c.embedded().unwrap().read().home_sites.iter().map(|(_, h)| h.id.to_string()).collect();
        all.push(json!(hs));
        all
    };
    let a = dump(&open(json!({ "demo": counts })).unwrap());
    let b = dump(&open(json!({ "demo": counts })).unwrap());
    assert_eq!(a, b);
    let sessions = &a[8];
    assert_eq!(sessions["results"].as_array().unwrap().len(), 40, "only the local pod's sessions are local rows");
    let total = open(json!({ "demo": counts })).unwrap().embedded().unwrap().read().sessions.live();
    assert_eq!(total, 3 * 2 * 40);
    // The defaults are small and documented.
    let d = open(json!({"demo": {}})).unwrap();
    let f = d.embedded().unwrap().read();
    assert_eq!((f.sites.len(), f.pods.len(), f.sessions.live(), f.users_and_groups.len(), f.global_entitlements.len()), (2, 4, 100, 46, 4));
}

#[test]
fn the_demo_exercises_every_rule() {
    let c = open(json!({"demo": {}})).unwrap();
    // Every demo user can resolve the first desktop entitlement; with two groups that disagree
    // the resolution carries a conflict.
    let r = call(&c, "UserHomeSite_Resolve", json!({"user": "UserOrGroup/user00005", "globalEntitlement": "GlobalEntitlement/ge-1"})).unwrap();
    assert_eq!(r.as_array().unwrap().len(), 2, "{r}");
    let helpdesk = open(json!({"demo": {}, "login": {"user": "helpdesk", "domain": "HVDEMO", "password": "helpdesk"}})).unwrap();
    let local = call(&helpdesk, "Session_Query", json!({"limit": 1})).unwrap();
    assert_eq!(local["results"].as_array().unwrap().len(), 1, "the help desk sees its site's sessions");
    assert_fault(call(&helpdesk, "UserHomeSite_List", json!({"userOrGroup": "UserOrGroup/group-1"})), "InsufficientPermission", json!({}));
}

/// The world's AD display and login names and a desktop's display name (README, "World
/// objects"): shown where set, left out where not (so older worlds answer as before), and the
/// desktop's display name is its sessions' `namesData.desktopName`.
#[test]
fn display_and_login_names() {
    let mut w = fixture().0;
    let find = |w: &Value, key: &str, id: &str| w[key].as_array().unwrap().iter().position(|o| o["id"] == id).unwrap();
    let (alice, bob, ic) = (find(&w, "usersAndGroups", "UserOrGroup/alice"), find(&w, "usersAndGroups", "UserOrGroup/bob"), find(&w, "desktops", "Desktop/ic"));
    let domain = w["usersAndGroups"][bob]["domain"].as_str().unwrap().to_owned();
    w["usersAndGroups"][alice]["displayName"] = json!("Alice Liddell");
    w["usersAndGroups"][alice]["loginName"] = json!("aliddell");
    // The defaults themselves are not reported.
    w["usersAndGroups"][bob]["displayName"] = json!(format!("{domain}\\bob"));
    w["desktops"][ic]["displayName"] = json!("Developer Desktops");
    let c = open(json!({ "world": w })).unwrap();
    let call = |m: hvapi::Method, r: Value| -> Value { serde_json::from_str(c.call_json(m, &r).unwrap().get()).unwrap() };
    let users =
        call(hvapi::Method::InventoryQuery, json!({"entityType": "UserOrGroup", "filter": {"type": "Equals", "memberName": "loginName", "value": "aliddell"}}));
    assert_eq!(users["results"][0]["id"], "UserOrGroup/alice");
    assert_eq!(users["results"][0]["displayName"], "Alice Liddell");
    let bob_row =
        call(hvapi::Method::InventoryQuery, json!({"entityType": "UserOrGroup", "filter": {"type": "Equals", "memberName": "id", "value": "UserOrGroup/bob"}}));
    assert_eq!(bob_row["results"][0], json!({"id": "UserOrGroup/bob", "name": "bob", "domain": domain, "group": false}));
    let desktop =
        call(hvapi::Method::InventoryQuery, json!({"entityType": "Desktop", "filter": {"type": "Equals", "memberName": "id", "value": "Desktop/ic"}}));
    assert_eq!(desktop["results"][0]["displayName"], "Developer Desktops");
    let sessions = call(hvapi::Method::SessionQuery, json!({"filter": {"type": "Equals", "memberName": "referenceData.desktop", "value": "Desktop/ic"}}));
    assert!(!sessions["results"].as_array().unwrap().is_empty());
    for s in sessions["results"].as_array().unwrap() {
        assert_eq!(s["namesData"]["desktopName"], "Developer Desktops");
        let view = call(hvapi::Method::SessionGetLocalSummaryView, json!({"id": s["id"]}));
        assert_eq!(view["namesData"]["desktopName"], "Developer Desktops");
    }
    // A name of the wrong kind is refused with its path.
    let mut bad = fixture().0;
    bad["desktops"][0]["displayName"] = json!(7);
    assert!(open(json!({ "world": bad })).is_err());
}

/// GlobalSession_Query (a library extension): the federation's sessions of a user, a pod or
/// a brokering pod, each row with its pod; exactly one scope; unknown ids are EntityNotFound.
#[test]
fn global_session_query() {
    let c = open(json!({"demo": {"sites": 1, "podsPerSite": 2, "sessionsPerPod": 30}})).unwrap();
    let call = |r: Value| c.call_json(hvapi::Method::GlobalSessionQuery, &r).map(|j| serde_json::from_str::<Value>(j.get()).unwrap());
    let pod2 = call(json!({"pod": "Pod/pod-1-2", "limit": 5})).unwrap();
    assert_eq!(pod2["results"].as_array().unwrap().len(), 5);
    assert_eq!(pod2["remainingCount"], 25);
    assert!(pod2["results"].as_array().unwrap().iter().all(|r| r["pod"] == "Pod/pod-1-2" && r["id"].as_str().unwrap().starts_with("Session/pod-1-2-")));
    let brokered = call(json!({"brokeringPod": "Pod/pod-1-2"})).unwrap();
    assert_eq!(brokered["results"].as_array().unwrap().len(), 30);
    let user = call(json!({"user": "UserOrGroup/user00001"})).unwrap();
    let pods: std::collections::BTreeSet<&str> = user["results"].as_array().unwrap().iter().map(|r| r["pod"].as_str().unwrap()).collect();
    assert!(user["results"].as_array().unwrap().iter().all(|r| r["namesData"]["userName"] == "HVDEMO\\user00001"));
    assert_eq!(pods.len(), 2, "a user's sessions on every pod: {user}");
    let filtered =
        call(json!({"pod": "Pod/pod-1-2", "filter": {"type": "Equals", "memberName": "sessionData.sessionState", "value": "DISCONNECTED"}})).unwrap();
    assert!(filtered["results"].as_array().unwrap().iter().all(|r| r["sessionData"]["sessionState"] == "DISCONNECTED"));
    assert_fault(call(json!({"pod": "Pod/nope"})), "EntityNotFound", json!({}));
    assert_fault(call(json!({})), "InvalidArgument", json!({}));
    assert_fault(call(json!({"pod": "Pod/pod-1-2", "user": "UserOrGroup/user00001"})), "InvalidArgument", json!({}));
}
