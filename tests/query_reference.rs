//! The typed query path against a plain reference, on random worlds: every row built as JSON
//! (sessions through Session_GetLocalSummaryView, the typed view), then filtered by
//! `Filter::matches`, sorted by a stable sort (missing values last, ties in store order) and
//! paged. Filters of every type on every member, with values drawn from the rows (so that they
//! hit), their case changed, cut short, or of another kind; arrays, missing values, nesting.

mod common;
use common::*;
use hvapi::service::{Method, Request};
use hvapi::Client;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::cmp::Ordering;

/// A small deterministic generator (xorshift), seeded by proptest.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const USERS: [&str; 6] = ["alice", "Bob", "carol", "Éve", "dave", "kelvin"];
const TEXTS: [&str; 9] = ["LAPTOP-1", "laptop-2", "Kiosk", "ÉCRAN", "k\u{212a}iosk", "", "a\"b\\c", "10.0.0.1", "mac"];
const TIMES: [&str; 5] = ["2026-11-22T07:00:00Z", "2026-11-22T08:00:00Z", "2026-11-21T23:59:59Z", "2025-01-01T00:00:00Z", "2026-11-22T07:30:00Z"];
const APPS: [&str; 4] = ["Word", "Excel", "excel", "Calculator"];

/// A random world: two pods (one remote), nested access groups, users and groups, desktops of
/// every kind and a farm, and sessions with every optional field set or not.
fn world(rng: &mut Rng) -> World {
    let mut w = World::empty()
        .site("Site/east", "East")
        .site("Site/west", "west")
        .pod("Pod/p1", "Site/east", true)
        .pod("Pod/p2", "Site/west", true)
        .access_group("AccessGroup/ag1", "AccessGroup/root")
        .access_group("AccessGroup/ag2", "AccessGroup/ag1")
        .access_group("AccessGroup/ag3", "AccessGroup/root");
    for u in USERS {
        w = w.user(u);
    }
    for g in ["Sales", "eng", "All"] {
        let members: Vec<&str> = USERS.iter().copied().filter(|_| rng.chance(2)).collect();
        w = w.group(g, &members);
    }
    w = w.ge("win", &["Sales", "alice"]).gae("office", &["eng"]);
    let ags = ["AccessGroup/ag1", "AccessGroup/ag2", "AccessGroup/ag3", "AccessGroup/root"];
    let desktops = [("ic", "AUTOMATED", "INSTANT_CLONE_ENGINE"), ("vc", "MANUAL", "VIRTUAL_CENTER"), ("pc", "MANUAL", "UNMANAGED"), ("rds", "RDS", "RDS")];
    for (k, ty, src) in desktops {
        w = w.desktop(k, "Pod/p1", rng.pick::<&str>(&ags), ty, src);
    }
    w = w.desktop("remote", "Pod/p2", "AccessGroup/ag1", "AUTOMATED", "INSTANT_CLONE_ENGINE").farm("apps", "Pod/p1", rng.pick::<&str>(&ags));
    let resources = ["Desktop/ic", "Desktop/vc", "Desktop/pc", "Desktop/rds", "Desktop/remote", "Farm/apps"];
    for i in 0..rng.below(40) {
        let resource = *rng.pick(&resources);
        let mut extra = json!({});
        let state = *rng.pick(&["CONNECTED", "CONNECTED", "DISCONNECTED", "PENDING"]);
        extra["sessionState"] = state.into();
        if rng.chance(2) {
            extra["sessionProtocol"] = (*rng.pick(&["PCOIP", "RDP", "BLAST"])).into();
        }
        extra["startTime"] = (*rng.pick(&TIMES)).into();
        if state == "DISCONNECTED" && rng.chance(2) {
            extra["disconnectTime"] = (*rng.pick(&TIMES)).into();
        }
        for key in ["clientName", "clientAddress", "clientType"] {
            if rng.chance(2) {
                extra[key] = (*rng.pick(&TEXTS)).into();
            }
        }
        if rng.chance(3) {
            let apps: Vec<&str> = (0..rng.below(3)).map(|_| *rng.pick(&APPS)).collect();
            extra["applicationNames"] = json!(apps);
        }
        if rng.chance(2) {
            extra["idleDuration"] = rng.below(50).into();
        }
        extra["locked"] = rng.chance(5).into();
        w = w.session(&format!("s{i:02}"), rng.pick::<&str>(&USERS), resource, extra);
        if rng.chance(4) {
            // No machine at all.
            let sessions = w.0["sessions"].as_array_mut().unwrap();
            sessions.last_mut().unwrap().as_object_mut().unwrap().remove("machineName");
        }
    }
    w.role("Viewer", &["MACHINE_VIEW"]).admin("viewer", &[("Viewer", "AccessGroup/ag1")])
}

const SESSION_MEMBERS: [&str; 28] = [
    "id",
    "namesData.userName",
    "namesData.machineOrRDSServerName",
    "namesData.machineOrRDSServerDNS",
    "namesData.desktopName",
    "namesData.desktopType",
    "namesData.desktopSource",
    "namesData.farmName",
    "namesData.clientName",
    "namesData.clientAddress",
    "namesData.clientType",
    "namesData.applicationNames",
    "referenceData.user",
    "referenceData.groups",
    "referenceData.accessGroup",
    "referenceData.desktop",
    "referenceData.farm",
    "referenceData.machine",
    "referenceData.rdsServer",
    "sessionData.sessionType",
    "sessionData.sessionProtocol",
    "sessionData.sessionState",
    "sessionData.startTime",
    "sessionData.disconnectTime",
    "sessionData.lastSessionDurationMS",
    "sessionData.brokeredRemotely",
    "sessionData.resourcedRemotely",
    "sessionData.idleDuration",
];
const EVENT_MEMBERS: [&str; 10] = ["id", "time", "type", "severity", "admin", "message", "session", "userHomeSite", "user", "pod"];
const INVENTORY: [(&str, &[&str]); 8] = [
    ("UserOrGroup", &["id", "name", "domain", "group", "members"]),
    ("Site", &["id", "name"]),
    ("Pod", &["id", "name", "site", "reachable"]),
    ("AccessGroup", &["id", "name", "parent"]),
    ("GlobalEntitlement", &["id", "name", "members"]),
    ("GlobalApplicationEntitlement", &["id", "name", "members"]),
    ("Desktop", &["id", "name", "pod", "accessGroup", "desktopType", "desktopSource"]),
    ("Farm", &["id", "name", "pod", "accessGroup"]),
];

fn member<'a>(row: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(row, |v, k| v.get(k)).filter(|v| !v.is_null())
}

/// A value to compare `path` with: mostly one the rows hold (or an element of it), sometimes
/// changed in case, cut short, or of another kind.
fn value(rng: &mut Rng, rows: &[Value], path: &str) -> Value {
    let seen: Vec<Value> = rows
        .iter()
        .filter_map(|r| member(r, path))
        .flat_map(|v| match v {
            Value::Array(a) => a.clone(),
            v => vec![v.clone()],
        })
        .collect();
    let base = if seen.is_empty() || rng.chance(6) { json!(*rng.pick(&TEXTS)) } else { rng.pick(&seen).clone() };
    match (rng.below(6), &base) {
        (0, Value::String(s)) => s.to_lowercase().into(),
        (1, Value::String(s)) => s.to_uppercase().into(),
        (2, Value::String(s)) => s.chars().take(rng.below(s.chars().count() + 1)).collect::<String>().into(),
        (3, _) => json!(*rng.pick(&[json!(0), json!(3), json!(1800000.0), json!(true), json!(false), json!("x")])),
        _ => base,
    }
}

fn filter(rng: &mut Rng, rows: &[Value], members: &[&str], depth: usize) -> Value {
    let m = *rng.pick(members);
    match rng.below(if depth < 2 { 9 } else { 6 }) {
        0 | 1 => {
            let ty = *rng.pick(&["Equals", "NotEquals"]);
            let mut v = value(rng, rows, m);
            if v.is_array() || v.is_null() {
                v = json!("x");
            }
            json!({"type": ty, "memberName": m, "value": v})
        }
        2 | 3 => {
            let ty = *rng.pick(&["Contains", "StartsWith"]);
            let v = match value(rng, rows, m) {
                Value::String(s) => s,
                other => other.to_string(),
            };
            json!({"type": ty, "memberName": m, "value": v})
        }
        4 | 5 => {
            let (a, b) = (value(rng, rows, m), value(rng, rows, m));
            let (a, b) = match (a, b) {
                (Value::Number(a), Value::Number(b)) => (json!(a), json!(b)),
                (Value::String(a), Value::String(b)) => (json!(a), json!(b)),
                (Value::Number(a), _) => (json!(a), json!(a.as_f64().unwrap() + 5.0)),
                (Value::String(a), _) => (json!(a), json!(format!("{a}~"))),
                _ => (json!("A"), json!("z")),
            };
            let (a, b) = if rng.chance(4) { (b, a) } else { (a, b) };
            json!({"type": "Between", "memberName": m, "fromValue": a, "toValue": b})
        }
        6 => json!({"type": "Not", "filter": filter(rng, rows, members, depth + 1)}),
        _ => {
            let n = 1 + rng.below(3);
            let fs: Vec<Value> = (0..n).map(|_| filter(rng, rows, members, depth + 1)).collect();
            json!({"type": *rng.pick(&["And", "Or"]), "filters": fs})
        }
    }
}

fn query(rng: &mut Rng, rows: &[Value], members: &[&str]) -> Value {
    let mut q = json!({});
    if !rng.chance(4) {
        q["filter"] = filter(rng, rows, members, 0);
    }
    if rng.chance(2) {
        q["sortBy"] = (*rng.pick(members)).into();
        if rng.chance(2) {
            q["sortDescending"] = rng.chance(2).into();
        }
    }
    if rng.chance(2) {
        q["startingOffset"] = rng.below(rows.len() + 3).into();
    }
    if rng.chance(2) {
        q["limit"] = (1 + rng.below(rows.len() + 2)).into();
    }
    q
}

fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (x, y) => x.to_string().cmp(&y.to_string()),
    }
}

/// The reference: filter every row, sort stably (missing last in both directions, ties in
/// store order), page.
fn reference(method: Method, request: &Value, rows: &[Value]) -> Value {
    let q = match Request::parse(method, request).unwrap_or_else(|f| panic!("{request}: {}", f.to_json())) {
        Request::SessionQuery(q) | Request::EventQuery(q) => q,
        Request::InventoryQuery { query, .. } => query,
        other => panic!("{other:?}"),
    };
    let mut hits: Vec<&Value> = rows.iter().filter(|r| q.filter.as_ref().map_or(true, |f| f.matches(r))).collect();
    if let Some(key) = &q.sort_by {
        hits.sort_by(|a, b| match (member(a, key), member(b, key)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) if q.sort_descending => compare_values(y, x),
            (Some(x), Some(y)) => compare_values(x, y),
        });
    }
    let total = hits.len();
    let page: Vec<Value> = hits.into_iter().skip(q.starting_offset).take(q.limit).cloned().collect();
    let remaining = total.saturating_sub(q.starting_offset + page.len());
    json!({"results": page, "startingOffset": q.starting_offset, "remainingCount": remaining})
}

fn check(c: &Client, method: Method, request: &Value, rows: &[Value]) {
    let got = c.call(method, request).unwrap_or_else(|f| panic!("{request}: {}", f.to_json()));
    let want = reference(method, request, rows);
    assert_eq!(got, want, "{method:?} {request}");
}

/// Every row of an unfiltered query (for the inventory and the event log).
fn all_rows(c: &Client, method: Method, mut request: Value) -> Vec<Value> {
    request["limit"] = 100_000.into();
    c.call(method, &request).unwrap()["results"].as_array().unwrap().clone()
}

fn run(seed: u64) {
    let mut rng = Rng(seed | 1);
    let w = world(&mut rng);
    let viewer = rng.chance(4);
    let c = if viewer { w.open_as("viewer") } else { w.open() };
    // Some sessions end and some disconnect, leaving holes in the store (the viewer's attempts
    // fail for want of privilege, and add no events).
    let ids: Vec<String> = w.0["sessions"].as_array().map_or(vec![], |s| s.iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect());
    for id in &ids {
        let request = json!({ "id": id });
        let _ = match rng.below(6) {
            0 => c.call(Method::SessionLogoffForced, &request),
            1 => c.call(Method::SessionDisconnect, &request),
            2 => c.call(Method::SessionLogoff, &request),
            _ => Ok(Value::Null),
        };
    }
    // The rows: every live local session the caller may view, as its typed view, in store order.
    let rows: Vec<Value> = ids.iter().filter_map(|id| c.call(Method::SessionGetLocalSummaryView, &json!({ "id": id })).ok()).collect();
    for _ in 0..12 {
        let request = query(&mut rng, &rows, &SESSION_MEMBERS);
        check(&c, Method::SessionQuery, &request, &rows);
    }
    let events = all_rows(&c, Method::EventQuery, json!({}));
    for _ in 0..4 {
        let request = query(&mut rng, &events, &EVENT_MEMBERS);
        check(&c, Method::EventQuery, &request, &events);
    }
    for (ty, members) in INVENTORY {
        let rows = all_rows(&c, Method::InventoryQuery, json!({ "entityType": ty }));
        for _ in 0..2 {
            let mut request = query(&mut rng, &rows, members);
            request["entityType"] = ty.into();
            check(&c, Method::InventoryQuery, &request, &rows);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn queries_agree_with_the_reference(seed in any::<u64>()) {
        run(seed);
    }
}

/// The rows Session_Query writes are the typed views of Session_GetLocalSummaryView, member for
/// member (the member table and `summary_view` say the same), on the demo too.
#[test]
fn query_rows_are_the_summary_views() {
    let c = Client::open(&json!({"demo": {"sessionsPerPod": 60}})).unwrap();
    let page = c.call(Method::SessionQuery, &json!({"limit": 100000})).unwrap();
    let rows = page["results"].as_array().unwrap();
    assert_eq!(rows.len(), 60);
    for row in rows {
        let view = c.call(Method::SessionGetLocalSummaryView, &json!({"id": row["id"]})).unwrap();
        assert_eq!(row, &view);
    }
}

/// Sorting at scale: a partial selection gives the page a full stable sort gives, for every
/// member, both directions, and pages deep into the order.
#[test]
fn sorted_pages_match_a_full_sort() {
    let c = Client::open(&json!({"demo": {"sites": 1, "podsPerSite": 1, "sessionsPerPod": 3000, "users": 50}})).unwrap();
    let rows = c.call(Method::SessionQuery, &json!({"limit": 100000})).unwrap()["results"].as_array().unwrap().clone();
    for (i, m) in SESSION_MEMBERS.iter().enumerate() {
        for desc in [false, true] {
            let request = json!({"sortBy": m, "sortDescending": desc, "startingOffset": (i * 97) % 2500, "limit": 150});
            check(&c, Method::SessionQuery, &request, &rows);
        }
    }
}
