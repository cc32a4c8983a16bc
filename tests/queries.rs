//! Queries (contract section 7): filters, sorting, paging, the inventory and the event log.

mod common;
use common::*;
use serde_json::{json, Value};

fn ids(page: &Value) -> Vec<String> {
    page["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().map(String::from).unwrap_or_else(|| r["id"].to_string())).collect()
}

fn q(c: &hvapi::Client, request: Value) -> Value {
    call(c, "Session_Query", request).unwrap()
}

fn eq(member: &str, value: Value) -> Value {
    json!({"type": "Equals", "memberName": member, "value": value})
}

#[test]
fn filters() {
    let c = fixture().open();
    assert_eq!(ids(&q(&c, json!({"filter": eq("namesData.userName", json!("CORP\\alice"))}))), ["Session/ic1", "Session/locked", "Session/app"]);
    assert_eq!(ids(&q(&c, json!({"filter": eq("namesData.userName", json!("corp\\ALICE"))}))), Vec::<String>::new(), "Equals is exact");
    assert_eq!(ids(&q(&c, json!({"filter": eq("referenceData.user", json!("UserOrGroup/carol"))}))), ["Session/vc", "Session/unmanaged"]);
    assert_eq!(ids(&q(&c, json!({"filter": eq("sessionData.sessionState", json!("DISCONNECTED"))}))), ["Session/ic2"]);
    assert_eq!(
        ids(&q(&c, json!({"filter": eq("referenceData.groups", json!("UserOrGroup/Engineering"))}))),
        ["Session/ic2", "Session/vc", "Session/unmanaged", "Session/rds"],
        "an array member matches any element"
    );
    assert_eq!(ids(&q(&c, json!({"filter": {"type": "Contains", "memberName": "namesData.applicationNames", "value": "exc"}}))), ["Session/app"]);
    assert_eq!(
        ids(&q(&c, json!({"filter": {"type": "StartsWith", "memberName": "namesData.desktopName", "value": "U"}}))),
        ["Session/unmanaged"],
        "StartsWith ignores case"
    );
    assert_eq!(
        ids(&q(&c, json!({"filter": {"type": "NotEquals", "memberName": "namesData.desktopType", "value": "AUTOMATED"}}))),
        ["Session/vc", "Session/unmanaged", "Session/rds", "Session/app"]
    );
    assert_eq!(ids(&q(&c, json!({"filter": eq("sessionData.brokeredRemotely", json!(false))}))).len(), 8);
    let and = json!({"type": "And", "filters": [eq("namesData.userName", json!("CORP\\alice")), {"type": "Not", "filter": eq("sessionData.sessionType", json!("APPLICATION"))}]});
    assert_eq!(ids(&q(&c, json!({ "filter": and }))), ["Session/ic1", "Session/locked"]);
    let or = json!({"type": "Or", "filters": [eq("id", json!("Session/vc")), eq("id", json!("Session/rds"))]});
    assert_eq!(ids(&q(&c, json!({ "filter": or }))), ["Session/vc", "Session/rds"]);
    assert_eq!(ids(&q(&c, json!({"filter": eq("id", json!("Session/remote"))}))), Vec::<String>::new(), "remote sessions are not local rows");
}

#[test]
fn bad_queries() {
    let c = fixture().open();
    let bad = |request: Value, param: &str| {
        let f = assert_fault(call(&c, "Session_Query", request.clone()), "InvalidArgument", json!({"parameterName": param}));
        assert!(f["errorMessage"].as_str().unwrap().len() > 10, "{request}");
    };
    bad(json!({"filter": eq("namesData.nope", json!("x"))}), "filter");
    bad(json!({"filter": {"type": "Like", "memberName": "id", "value": "x"}}), "filter");
    bad(json!({"filter": {"type": "Equals", "value": "x"}}), "filter");
    bad(json!({"filter": {"type": "Equals", "memberName": "id"}}), "filter");
    bad(json!({"filter": {"type": "Equals", "memberName": "id", "value": ["x"]}}), "filter");
    bad(json!({"filter": {"type": "Contains", "memberName": "id", "value": 3}}), "filter");
    bad(json!({"filter": {"type": "And", "filters": []}}), "filter");
    bad(json!({"filter": {"type": "Not"}}), "filter");
    bad(json!({"filter": {"type": "Equals", "memberName": "id", "value": "x", "extra": 1}}), "filter");
    bad(json!({"sortBy": "nope"}), "sortBy");
    bad(json!({"limit": 0}), "limit");
    bad(json!({"limit": -1}), "limit");
    bad(json!({"startingOffset": -5}), "startingOffset");
    bad(json!({"page": 2}), "page");
    assert_fault(call(&c, "Session_Query", json!({"filter": "id = 1"})), "InvalidType", json!({"parameterName": "filter"}));
    assert_fault(call(&c, "Session_Query", json!({"limit": "10"})), "InvalidType", json!({"parameterName": "limit"}));
    assert_fault(call(&c, "Session_Query", json!({"sortDescending": "yes"})), "InvalidType", json!({"parameterName": "sortDescending"}));
}

#[test]
fn sorting_and_paging() {
    let c = fixture().open();
    let by_user = q(&c, json!({"sortBy": "namesData.userName", "limit": 3}));
    assert_eq!(ids(&by_user), ["Session/ic1", "Session/locked", "Session/app"], "a stable sort keeps store order among equals");
    assert_eq!(by_user["remainingCount"], 5);
    let desc = q(&c, json!({"sortBy": "id", "sortDescending": true, "limit": 2}));
    assert_eq!(ids(&desc), ["Session/vc", "Session/unmanaged"]);
    let page = q(&c, json!({"startingOffset": 6, "limit": 5}));
    assert_eq!(ids(&page), ["Session/rds", "Session/app"]);
    assert_eq!((page["startingOffset"].clone(), page["remainingCount"].clone()), (json!(6), json!(0)));
    let past = q(&c, json!({"startingOffset": 100}));
    assert_eq!((ids(&past).len(), past["remainingCount"].clone()), (0, json!(0)));
    // Walking every page sees every row once.
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let p = q(&c, json!({"startingOffset": offset, "limit": 3}));
        seen.extend(ids(&p));
        offset += 3;
        if p["remainingCount"] == 0 {
            break;
        }
    }
    assert_eq!(seen, ids(&q(&c, json!({}))));
    // Missing values sort last.
    let by_farm = q(&c, json!({"sortBy": "namesData.farmName"}));
    assert_eq!(ids(&by_farm)[0], "Session/app");
}

#[test]
fn the_default_limit_is_1000() {
    let c = hvapi::Client::open(&json!({"demo": {"sites": 1, "podsPerSite": 1, "sessionsPerPod": 1500}})).unwrap();
    let p = q(&c, json!({}));
    assert_eq!((p["results"].as_array().unwrap().len(), p["remainingCount"].clone()), (1000, json!(500)));
}

#[test]
fn inventory() {
    let c = fixture().open();
    let inv = |ty: &str, extra: Value| {
        let mut r = json!({ "entityType": ty });
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        call(&c, "Inventory_Query", r).unwrap()
    };
    assert_eq!(ids(&inv("Site", json!({}))), ["Site/east", "Site/west"]);
    if rest_backend() {
        // What the REST API carries of the inventory (README, "The REST backend"): no pod
        // reachability, no group or entitlement members, no access groups, desktops or farms.
        assert_eq!(
            inv("Pod", json!({"filter": eq("id", json!("Pod/west-2"))}))["results"],
            json!([{"id": "Pod/west-2", "name": "west-2", "site": "Site/west"}])
        );
        let groups = inv("UserOrGroup", json!({"filter": eq("group", json!(true))}));
        assert_eq!(ids(&groups), ["UserOrGroup/Sales", "UserOrGroup/Engineering", "UserOrGroup/Everyone"]);
        let alice = inv("UserOrGroup", json!({"filter": eq("name", json!("alice"))}));
        assert_eq!(alice["results"], json!([{"id": "UserOrGroup/alice", "name": "alice", "domain": "CORP", "group": false}]));
        assert_eq!(inv("GlobalEntitlement", json!({"limit": 1}))["results"][0], json!({"id": "GlobalEntitlement/win11", "name": "win11"}));
        assert_eq!(ids(&inv("GlobalApplicationEntitlement", json!({}))), ["GlobalApplicationEntitlement/office"]);
        for ty in ["AccessGroup", "Desktop", "Farm"] {
            assert_fault(call(&c, "Inventory_Query", json!({ "entityType": ty })), "InvalidArgument", json!({"parameterName": "entityType"}));
        }
    } else {
        assert_eq!(
            inv("Pod", json!({"filter": eq("reachable", json!(false))}))["results"],
            json!([{"id": "Pod/west-2", "name": "west-2", "site": "Site/west", "reachable": false}])
        );
        let groups = inv("UserOrGroup", json!({"filter": eq("group", json!(true))}));
        assert_eq!(ids(&groups), ["UserOrGroup/Sales", "UserOrGroup/Engineering", "UserOrGroup/Everyone"]);
        assert_eq!(groups["results"][2]["members"], json!(["UserOrGroup/Sales", "UserOrGroup/Engineering", "UserOrGroup/dave"]));
        let alice = inv("UserOrGroup", json!({"filter": eq("name", json!("alice"))}));
        assert_eq!(alice["results"], json!([{"id": "UserOrGroup/alice", "name": "alice", "domain": "CORP", "group": false}]));
        assert_eq!(ids(&inv("AccessGroup", json!({"sortBy": "id"}))), ["AccessGroup/eng", "AccessGroup/root", "AccessGroup/sales", "AccessGroup/sales-emea"]);
        assert_eq!(inv("AccessGroup", json!({"filter": eq("id", json!("AccessGroup/sales-emea"))}))["results"][0]["parent"], "AccessGroup/sales");
        assert_eq!(
            inv("GlobalEntitlement", json!({"limit": 1}))["results"][0],
            json!({"id": "GlobalEntitlement/win11", "name": "win11", "members": ["UserOrGroup/Sales", "UserOrGroup/carol"]})
        );
        assert_eq!(ids(&inv("GlobalApplicationEntitlement", json!({}))), ["GlobalApplicationEntitlement/office"]);
        assert_eq!(inv("Desktop", json!({"filter": eq("desktopSource", json!("RDS"))}))["results"][0]["desktopType"], "RDS");
        assert_eq!(inv("Farm", json!({}))["results"][0], json!({"id": "Farm/apps", "name": "apps", "pod": "Pod/east-1", "accessGroup": "AccessGroup/eng"}));
    }
    assert_fault(call(&c, "Inventory_Query", json!({"entityType": "Session"})), "InvalidArgument", json!({"parameterName": "entityType"}));
    assert_fault(call(&c, "Inventory_Query", json!({})), "InvalidArgument", json!({"parameterName": "entityType"}));
    assert_fault(
        call(&c, "Inventory_Query", json!({"entityType": "Site", "filter": eq("reachable", json!(true))})),
        "InvalidArgument",
        json!({"parameterName": "filter"}),
    );
}

#[test]
fn the_inventory_never_shows_passwords() {
    let c = fixture().admin("a", &[("Administrators", "federation")]).open();
    for ty in ["UserOrGroup", "Site", "Pod", "AccessGroup", "GlobalEntitlement", "GlobalApplicationEntitlement", "Desktop", "Farm"] {
        let page = match call(&c, "Inventory_Query", json!({ "entityType": ty })) {
            // Not listed through the REST backend (README, "The REST backend").
            Err(f) if rest_backend() && ["AccessGroup", "Desktop", "Farm"].contains(&ty) => f.to_json(),
            r => r.unwrap(),
        };
        assert!(!page.to_string().contains("password"), "{ty}");
    }
}

#[test]
fn events_oldest_first_and_filtered() {
    let c = fixture().open();
    call(&c, "Session_Logoff", json!({"id": "Session/ic1"})).unwrap();
    let _ = call(&c, "Session_Logoff", json!({"id": "Session/locked"}));
    call(&c, "Session_Disconnect", json!({"id": "Session/vc"})).unwrap();
    let all = call(&c, "Event_Query", json!({})).unwrap();
    assert_eq!(ids(&all), ["1", "2", "3"]);
    let failed = call(&c, "Event_Query", json!({"filter": eq("severity", json!("AUDIT_FAIL"))})).unwrap();
    assert_eq!(failed["results"][0]["type"], "ADMIN_DESKTOP_SESSION_LOGOFF_FAILED");
    assert_eq!(failed["results"][0]["session"], "Session/locked");
    // Members without a field of the wire's own (filtered, through the REST backend, on the
    // events' extended attributes).
    let of_locked = call(&c, "Event_Query", json!({"filter": eq("session", json!("Session/locked"))})).unwrap();
    assert_eq!(ids(&of_locked), ["2"]);
    let by_admin = call(&c, "Event_Query", json!({"filter": eq("admin", json!("CORP\\administrator")), "sortBy": "session", "sortDescending": true})).unwrap();
    assert_eq!(ids(&by_admin), ["3", "2", "1"]);
    // Ids (served by the log's order, not a scan): an Or of them, in id order; no such id.
    let some = call(
        &c,
        "Event_Query",
        json!({"filter": {"type": "Or", "filters": [eq("id", json!(3)), eq("id", json!(1)), eq("id", json!(99)), eq("id", json!(3.0))]}}),
    )
    .unwrap();
    assert_eq!((ids(&some), &some["remainingCount"]), (vec!["1".to_owned(), "3".to_owned()], &json!(0)));
    for none in [json!(2.5), json!(0), json!("2")] {
        assert_eq!(ids(&call(&c, "Event_Query", json!({ "filter": eq("id", none.clone()) })).unwrap()), Vec::<String>::new(), "{none}");
    }
    let newest = call(&c, "Event_Query", json!({"sortBy": "id", "sortDescending": true, "limit": 1})).unwrap();
    assert_eq!(newest["results"][0]["type"], "ADMIN_DESKTOP_SESSION_DISCONNECTED");
    assert_eq!(newest["remainingCount"], 2);
}

/// The Between filter (an extension): inclusive at both ends, numbers as numbers, strings
/// (and times) as strings, a missing member never passes, arrays pass on any element.
#[test]
fn between() {
    let c = fixture().open();
    let between = |member: &str, from: Value, to: Value| json!({"type": "Between", "memberName": member, "fromValue": from, "toValue": to});
    let start = between("sessionData.startTime", json!("2026-11-22T07:00:00Z"), json!("2026-11-22T08:00:00Z"));
    assert_eq!(ids(&q(&c, json!({ "filter": start }))), ["Session/ic1", "Session/ic2"], "inclusive at both ends");
    assert_eq!(ids(&q(&c, json!({"filter": between("sessionData.lastSessionDurationMS", json!(1_800_000), json!(1.8e6))}))), ["Session/ic2"]);
    assert_eq!(ids(&q(&c, json!({"filter": between("sessionData.lastSessionDurationMS", json!(0), json!(1_799_999))}))), Vec::<String>::new());
    assert_eq!(ids(&q(&c, json!({"filter": between("namesData.applicationNames", json!("Excel"), json!("Excel"))}))), ["Session/app"], "any element");
    assert_eq!(ids(&q(&c, json!({"filter": between("namesData.userName", json!("CORP\\b"), json!("CORP\\c"))}))), ["Session/ic2", "Session/rds"]);
    assert_eq!(
        ids(&q(&c, json!({"filter": between("namesData.userName", json!("corp\\a"), json!("corp\\z"))}))),
        Vec::<String>::new(),
        "strings compare exactly"
    );
    assert_eq!(ids(&q(&c, json!({"filter": between("namesData.clientName", json!(""), json!("~"))}))), ["Session/ic1"], "a missing member never passes");
    assert_eq!(ids(&q(&c, json!({"filter": between("namesData.userName", json!("CORP\\z"), json!("CORP\\a"))}))), Vec::<String>::new(), "an empty range");
    let not = json!({"type": "Not", "filter": between("namesData.clientName", json!("A"), json!("Z"))});
    assert_eq!(ids(&q(&c, json!({ "filter": not }))).len(), 7, "Not of a missing member passes");
    for bad in [
        json!({"type": "Between", "memberName": "sessionData.idleDuration", "fromValue": 1}),
        json!({"type": "Between", "memberName": "sessionData.idleDuration", "toValue": 1}),
        json!({"type": "Between", "memberName": "sessionData.idleDuration", "fromValue": 1, "toValue": "2"}),
        json!({"type": "Between", "memberName": "sessionData.brokeredRemotely", "fromValue": false, "toValue": true}),
        json!({"type": "Between", "memberName": "sessionData.idleDuration", "fromValue": null, "toValue": 2}),
        json!({"type": "Between", "memberName": "sessionData.idleDuration", "fromValue": [1], "toValue": [2]}),
        json!({"type": "Between", "memberName": "sessionData.idleDuration", "value": 1, "fromValue": 1, "toValue": 2}),
        json!({"type": "Between", "memberName": "nope", "fromValue": 1, "toValue": 2}),
        json!({"type": "Between", "fromValue": 1, "toValue": 2}),
    ] {
        assert_fault(call(&c, "Session_Query", json!({ "filter": bad })), "InvalidArgument", json!({"parameterName": "filter"}));
    }
    let sites = call(&c, "Inventory_Query", json!({"entityType": "Site", "filter": between("name", json!("A"), json!("F"))})).unwrap();
    assert_eq!(ids(&sites), ["Site/east"]);
    call(&c, "Session_Logoff", json!({"id": "Session/ic1"})).unwrap();
    call(&c, "Session_Logoff", json!({"id": "Session/vc"})).unwrap();
    call(&c, "Session_Logoff", json!({"id": "Session/rds"})).unwrap();
    let events = call(&c, "Event_Query", json!({"filter": between("id", json!(2), json!(3))})).unwrap();
    assert_eq!(ids(&events), ["2", "3"]);
}
