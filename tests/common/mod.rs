//! Test support: a small world builder and a fixture federation that has one of everything
//! the contract talks about, plus helpers that read like the contract.
#![allow(dead_code)]

use hvapi::{Client, Fault, Method};
use serde_json::{json, Value};
use std::process::Child;

#[path = "../support/serve.rs"]
mod serve;

/// The backend the suites run against: `HVAPI_TEST_BACKEND=rest` opens every world through the
/// REST backend talking to `hvapi serve` over loopback (one server per opened world); anything
/// else (the default) opens it embedded. scripts/test.sh runs the suites both ways.
pub fn rest_backend() -> bool {
    std::env::var("HVAPI_TEST_BACKEND").map_or(false, |v| v == "rest")
}

/// A running `hvapi serve` of one world; stopped when dropped.
pub struct Served {
    pub child: Child,
    /// `http://127.0.0.1:PORT/rest`
    pub url: String,
}

impl Served {
    /// Serves a world object with extra arguments.
    pub fn world(world: &Value, extra: &[&str]) -> Served {
        let (child, url) = serve::spawn_world(world, extra);
        Served { child, url }
    }

    /// The REST backend's configuration for this server.
    pub fn config(&self, user: &str, domain: &str, password: &str) -> Value {
        json!({"backend": "rest", "url": self.url, "username": user, "domain": domain, "password": password})
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An opened world: the client, and the server behind it when the backend is REST (the client
/// is dropped first, so it logs out of a live server).
pub struct Opened {
    pub client: Client,
    pub server: Option<Served>,
}

impl std::ops::Deref for Opened {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

/// The domain of the built-in administrator: that of the world's first user or group.
fn builtin_domain(world: &Value) -> String {
    world["usersAndGroups"][0]["domain"].as_str().unwrap_or("HORIZON").to_owned()
}

/// Builds a world object (contract section 6) piece by piece.
#[derive(Clone)]
pub struct World(pub Value);

impl World {
    pub fn empty() -> World {
        World(json!({}))
    }

    fn push(mut self, table: &str, item: Value) -> World {
        let obj = self.0.as_object_mut().unwrap();
        obj.entry(table).or_insert_with(|| json!([])).as_array_mut().unwrap().push(item);
        self
    }

    pub fn set(mut self, key: &str, value: Value) -> World {
        self.0[key] = value;
        self
    }

    pub fn site(self, id: &str, name: &str) -> World {
        self.push("sites", json!({"id": id, "name": name}))
    }
    pub fn pod(self, id: &str, site: &str, reachable: bool) -> World {
        self.push("pods", json!({"id": id, "name": id.trim_start_matches("Pod/"), "site": site, "reachable": reachable}))
    }
    pub fn access_group(self, id: &str, parent: &str) -> World {
        self.push("accessGroups", json!({"id": id, "name": id.trim_start_matches("AccessGroup/"), "parent": parent}))
    }
    /// A user `UserOrGroup/<name>` in domain CORP.
    pub fn user(self, name: &str) -> World {
        self.push("usersAndGroups", json!({"id": format!("UserOrGroup/{name}"), "name": name, "domain": "CORP"}))
    }
    /// A group `UserOrGroup/<name>` whose members are the named users or groups.
    pub fn group(self, name: &str, members: &[&str]) -> World {
        let m: Vec<String> = members.iter().map(|m| format!("UserOrGroup/{m}")).collect();
        self.push("usersAndGroups", json!({"id": format!("UserOrGroup/{name}"), "name": name, "domain": "CORP", "group": true, "members": m}))
    }
    pub fn ge(self, key: &str, members: &[&str]) -> World {
        let m: Vec<String> = members.iter().map(|m| format!("UserOrGroup/{m}")).collect();
        self.push("globalEntitlements", json!({"id": format!("GlobalEntitlement/{key}"), "name": key, "members": m}))
    }
    pub fn gae(self, key: &str, members: &[&str]) -> World {
        let m: Vec<String> = members.iter().map(|m| format!("UserOrGroup/{m}")).collect();
        self.push("globalApplicationEntitlements", json!({"id": format!("GlobalApplicationEntitlement/{key}"), "name": key, "members": m}))
    }
    pub fn desktop(self, key: &str, pod: &str, ag: &str, ty: &str, source: &str) -> World {
        self.push("desktops", json!({"id": format!("Desktop/{key}"), "name": key, "pod": pod, "accessGroup": ag, "desktopType": ty, "desktopSource": source}))
    }
    pub fn farm(self, key: &str, pod: &str, ag: &str) -> World {
        self.push("farms", json!({"id": format!("Farm/{key}"), "name": key, "pod": pod, "accessGroup": ag}))
    }
    /// A session `Session/<key>` of `UserOrGroup/<user>` on a desktop or farm id; `extra`
    /// adds or overrides keys.
    pub fn session(self, key: &str, user: &str, resource: &str, extra: Value) -> World {
        let mut s = json!({"id": format!("Session/{key}"), "user": format!("UserOrGroup/{user}"), "machineName": format!("m-{key}")});
        let k = if resource.starts_with("Farm/") { "farm" } else { "desktop" };
        s[k] = resource.into();
        for (ek, ev) in extra.as_object().unwrap() {
            s[ek] = ev.clone();
        }
        self.push("sessions", s)
    }
    /// A home site on `UserOrGroup/<owner>`; `ent` is "" (global), "GlobalEntitlement/…" or
    /// "GlobalApplicationEntitlement/…".
    pub fn home_site(self, id: &str, owner: &str, site: &str, ent: &str) -> World {
        let mut h = json!({"id": id, "userOrGroup": format!("UserOrGroup/{owner}"), "site": site});
        if ent.starts_with("GlobalEntitlement/") {
            h["globalEntitlement"] = ent.into();
        } else if ent.starts_with("GlobalApplicationEntitlement/") {
            h["globalApplicationEntitlement"] = ent.into();
        }
        self.push("homeSites", h)
    }
    pub fn role(self, name: &str, privileges: &[&str]) -> World {
        self.push("roles", json!({"name": name, "privileges": privileges}))
    }
    /// An admin `CORP\<name>` (password "pw") with (role, scope) permissions.
    pub fn admin(self, name: &str, permissions: &[(&str, &str)]) -> World {
        let p: Vec<Value> = permissions.iter().map(|(r, s)| json!({"role": r, "scope": s})).collect();
        self.push("admins", json!({"name": name, "domain": "CORP", "password": "pw", "permissions": p}))
    }

    /// Opens the world as the built-in administrator (through `hvapi serve` when the suites
    /// run against the REST backend).
    pub fn open(&self) -> Opened {
        if rest_backend() {
            return self.open_rest("administrator", &builtin_domain(&self.0), "any");
        }
        let client = Client::open(&json!({"backend": "embedded", "world": self.0})).unwrap_or_else(|f| panic!("world refused: {}", f.to_json()));
        Opened { client, server: None }
    }

    /// Opens the world signed in as `CORP\<admin>`.
    pub fn open_as(&self, admin: &str) -> Opened {
        if rest_backend() {
            return self.open_rest(admin, "CORP", "pw");
        }
        let login = json!({"user": admin, "domain": "CORP", "password": "pw"});
        let client = Client::open(&json!({"world": self.0, "login": login})).unwrap_or_else(|f| panic!("login refused: {}", f.to_json()));
        Opened { client, server: None }
    }

    /// Serves the world and opens a REST client of it.
    pub fn open_rest(&self, user: &str, domain: &str, password: &str) -> Opened {
        let server = Served::world(&self.0, &[]);
        let client = Client::open(&server.config(user, domain, password)).unwrap_or_else(|f| panic!("REST open refused: {}", f.to_json()));
        Opened { client, server: Some(server) }
    }
}

/// The fixture: two sites; a local pod, a remote reachable pod and a remote unreachable pod;
/// nested access groups; users, groups (one nested), entitlements; a desktop of every kind;
/// sessions in every state; one role per privilege.
pub fn fixture() -> World {
    let privileges = [
        "MACHINE_MANAGE_VDI_SESSION",
        "POOL_MANAGEMENT",
        "MACHINE_REBOOT",
        "MACHINE_VIEW",
        "POOL_VIEW",
        "FEDERATED_SESSIONS_MANAGE",
        "FEDERATED_SESSIONS_VIEW",
        "FEDERATED_LDAP_MANAGE",
        "FEDERATED_LDAP_VIEW",
    ];
    let mut w = World::empty()
        .site("Site/east", "East")
        .site("Site/west", "West")
        .pod("Pod/east-1", "Site/east", true)
        .pod("Pod/west-1", "Site/west", true)
        .pod("Pod/west-2", "Site/west", false)
        .access_group("AccessGroup/sales", "AccessGroup/root")
        .access_group("AccessGroup/sales-emea", "AccessGroup/sales")
        .access_group("AccessGroup/eng", "AccessGroup/root")
        .user("alice")
        .user("bob")
        .user("carol")
        .user("dave")
        .group("Sales", &["alice", "bob"])
        .group("Engineering", &["bob", "carol"])
        .group("Everyone", &["Sales", "Engineering", "dave"])
        .ge("win11", &["Sales", "carol"])
        .ge("dev", &["Engineering"])
        .gae("office", &["Sales"])
        .desktop("ic", "Pod/east-1", "AccessGroup/sales-emea", "AUTOMATED", "INSTANT_CLONE_ENGINE")
        .desktop("composer", "Pod/east-1", "AccessGroup/sales", "AUTOMATED", "VIEW_COMPOSER")
        .desktop("vc", "Pod/east-1", "AccessGroup/eng", "MANUAL", "VIRTUAL_CENTER")
        .desktop("unmanaged", "Pod/east-1", "AccessGroup/eng", "MANUAL", "UNMANAGED")
        .desktop("rds", "Pod/east-1", "AccessGroup/eng", "RDS", "RDS")
        .desktop("west", "Pod/west-1", "AccessGroup/sales", "AUTOMATED", "INSTANT_CLONE_ENGINE")
        .desktop("down", "Pod/west-2", "AccessGroup/sales", "AUTOMATED", "INSTANT_CLONE_ENGINE")
        .farm("apps", "Pod/east-1", "AccessGroup/eng")
        .session(
            "ic1",
            "alice",
            "Desktop/ic",
            json!({"sessionProtocol": "BLAST", "startTime": "2026-11-22T08:00:00Z", "clientName": "LAPTOP-1", "clientAddress": "10.0.0.1"}),
        )
        .session(
            "ic2",
            "bob",
            "Desktop/ic",
            json!({"sessionState": "DISCONNECTED", "startTime": "2026-11-22T07:00:00Z", "disconnectTime": "2026-11-22T07:30:00Z"}),
        )
        .session("locked", "alice", "Desktop/ic", json!({"locked": true}))
        .session("composer", "dave", "Desktop/composer", json!({}))
        .session("vc", "carol", "Desktop/vc", json!({"sessionProtocol": "PCOIP"}))
        .session("unmanaged", "carol", "Desktop/unmanaged", json!({}))
        .session("rds", "bob", "Desktop/rds", json!({"sessionProtocol": "RDP"}))
        .session("app", "alice", "Farm/apps", json!({"applicationNames": ["Word", "Excel"]}))
        .session("remote", "bob", "Desktop/west", json!({}))
        .session("remote-locked", "carol", "Desktop/west", json!({"locked": true}))
        .session("down", "alice", "Desktop/down", json!({}));
    for p in privileges {
        w = w.role(p, &[p]);
    }
    w
}

/// The fault type of each status (contract section 2): `FAULT_TYPES[status]`.
pub const FAULT_TYPES: [&str; 10] = [
    "",
    "EntityNotFound",
    "InsufficientPermission",
    "InvalidArgument",
    "InvalidState",
    "InvalidType",
    "InvalidRequest",
    "PartialFailureFault",
    "UnexpectedFault",
    "InvalidCredentials",
];

/// Calls a method by its contract name.
pub fn call(c: &Client, method: &str, request: Value) -> Result<Value, Fault> {
    c.invoke(method, &request.to_string())
}

/// The fault object of a failed call, or a panic naming the unexpected result.
pub fn fault(r: Result<Value, Fault>) -> Value {
    match r {
        Ok(v) => panic!("expected a fault, got the result {v}"),
        Err(f) => {
            let j = f.to_json();
            assert_eq!(j["type"], f.type_name());
            assert!(j["errorMessage"].as_str().map_or(false, |m| !m.is_empty()), "every fault has a message");
            j
        }
    }
}

/// Asserts the fault's type and the given fields.
pub fn assert_fault(r: Result<Value, Fault>, ty: &str, fields: Value) -> Value {
    let f = fault(r);
    assert_eq!(f["type"], ty, "fault {f}");
    for (k, v) in fields.as_object().unwrap() {
        assert_eq!(&f[k], v, "field {k} of {f}");
    }
    f
}

/// Every event recorded so far, oldest first.
pub fn events(c: &Client) -> Vec<Value> {
    let page = c.call(Method::EventQuery, &json!({"limit": 100000})).expect("events");
    page["results"].as_array().unwrap().clone()
}

/// The event types recorded so far.
pub fn event_types(c: &Client) -> Vec<String> {
    events(c).iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

/// Does the session still exist (seen by the built-in administrator's store)? Through the
/// REST backend, what the API shows: the local session's summary view (a remote session is
/// not visible there; README, "The REST backend").
pub fn session_exists(c: &Client, id: &str) -> bool {
    match c.embedded() {
        Some(e) => e.read().sessions.find(id).is_some(),
        // Gone is EntityNotFound; a caller who may not view it cannot tell it is gone.
        None => !matches!(c.call(Method::SessionGetLocalSummaryView, &json!({ "id": id })), Err(Fault::EntityNotFound { .. })),
    }
}

/// The state of a session; `None` through the REST backend for a session it cannot see.
pub fn session_state(c: &Client, id: &str) -> Option<String> {
    let e = match c.embedded() {
        Some(e) => e,
        _ => {
            return c
                .call(Method::SessionGetLocalSummaryView, &json!({ "id": id }))
                .ok()
                .map(|v| v["sessionData"]["sessionState"].as_str().unwrap_or_default().to_owned());
        }
    };
    let f = e.read();
    let ix = f.sessions.find(id).expect("session exists");
    Some(f.sessions.get(ix).state.as_str().to_owned())
}
