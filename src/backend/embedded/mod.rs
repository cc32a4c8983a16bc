//! The embedded backend: a simulated pod federation in memory and the administrator who calls
//! it. A client opened from a configuration owns its federation (contract 6: two clients never
//! share state); [`Embedded::sign_in`] gives another caller on the *same* federation, which is
//! how the REST server serves several administrators from one world. A read-write lock makes
//! every call safe from any thread: reads share it, writes (which also record events) take it
//! alone, so a batch is atomic with respect to other calls.

pub mod demo;
pub mod store;
pub mod world;

use crate::backend::Backend;
use crate::fault::Fault;
use crate::model::reader::Obj;
use crate::model::time;
use crate::service::privilege::PrivilegeSet;
use crate::service::session::{self, Reach};
use crate::service::{self, Json, Method, Request};
use serde_json::Value;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use store::{Admin, Federation, Ix, Permission, PermissionScope};

/// The built-in administrator's name; it holds every privilege on `AccessGroup/root` and on
/// the federation.
pub const BUILTIN_ADMIN: &str = "administrator";
/// The built-in administrator's domain when the world has no users to take one from.
pub const DEFAULT_DOMAIN: &str = "HORIZON";

pub struct Embedded {
    /// Shared only by callers made with [`Embedded::sign_in`].
    federation: Arc<RwLock<Federation>>,
    /// The signed-in administrator (index into the federation's admins).
    admin: Ix,
}

impl Embedded {
    /// Opens the backend from the client configuration (keys already checked by the caller):
    /// exactly one of `world`, `worldFile`, `demo`, and an optional `login`.
    pub fn open(config: &Obj) -> Result<Embedded, Fault> {
        let sources: Vec<&str> = ["world", "worldFile", "demo"].into_iter().filter(|k| config.has(k)).collect();
        if sources.len() != 1 {
            let why = if sources.is_empty() { "none was given".to_owned() } else { format!("{} were given", sources.join(" and ")) };
            return Err(Fault::invalid_argument(
                sources.get(1).copied().unwrap_or("world"),
                format!("The embedded backend needs exactly one of world, worldFile or demo; {why}."),
            ));
        }
        let now = time::now();
        let mut f = match sources[0] {
            "world" => world::load(config.req("world")?, now)?,
            "worldFile" => {
                let path = config.str("worldFile")?;
                let text =
                    std::fs::read_to_string(path).map_err(|e| Fault::invalid_argument("worldFile", format!("The world file {path} cannot be read: {e}.")))?;
                let value: Value =
                    serde_json::from_str(&text).map_err(|e| Fault::invalid_argument("worldFile", format!("The world file {path} is not valid JSON: {e}.")))?;
                world::load(&value, now)?
            }
            _ => demo::build(demo::Counts::parse(&Obj::nested(config.req("demo")?, "demo".into(), "DemoCounts")?)?),
        };
        let builtin = add_builtin_admin(&mut f);
        let admin = match config.get("login") {
            None => builtin,
            Some(login) => {
                let l = Obj::nested(login, "login".into(), "Login")?;
                l.only(&["user", "domain", "password"])?;
                find_admin(&f, l.str("user")?, l.str("domain")?, l.opt_str("password")?)?
            }
        };
        Ok(Embedded { federation: Arc::new(RwLock::new(f)), admin })
    }

    /// Another caller on this same federation: the administrator `domain\user` (with
    /// `password`), matched as a `login` at open is (README, "Login"); no match is
    /// `InvalidCredentials`. What one caller changes, the other sees.
    pub fn sign_in(&self, user: &str, domain: &str, password: Option<&str>) -> Result<Embedded, Fault> {
        let admin = find_admin(&self.read(), user, domain, password)?;
        Ok(Embedded { federation: Arc::clone(&self.federation), admin })
    }

    /// Shared access to the federation (for direct Rust callers and benchmarks).
    pub fn read(&self) -> RwLockReadGuard<'_, Federation> {
        // A panic caught at the boundary must not leave the client unusable.
        self.federation.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn write(&self) -> RwLockWriteGuard<'_, Federation> {
        self.federation.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The signed-in administrator.
    pub fn admin(&self) -> Ix {
        self.admin
    }

    /// A session write confined to one pod's sessions, or Session_Query over one pod's
    /// sessions or every pod's (`pod` `None`): what the REST server's local and global-session
    /// endpoints serve ([`Reach`]). Not a contract call: the contract's own reach is the
    /// federation for writes and the local pod for Session_Query. An unknown pod is
    /// `EntityNotFound`.
    pub fn call_on(&self, method: Method, request: &Value, pod: Option<&str>) -> Result<Value, Fault> {
        let request = Request::parse(method, request)?;
        let reach = |f: &Federation| match pod {
            None => Ok(Reach::Federation),
            Some(id) => f.pods.find(id).map(Reach::Pod).ok_or_else(|| Fault::entity_not_found(id)),
        };
        match &request {
            Request::Sessions { op, ids, batch } => {
                let mut f = self.write();
                let reach = reach(&f)?;
                session::write(&mut f, self.admin, method, op, ids, *batch, reach, time::now())
            }
            Request::SessionQuery(q) => {
                let f = self.read();
                let page = session::query(&f, self.admin, q, reach(&f)?)?;
                serde_json::from_str(page.get()).map_err(|e| Fault::unexpected(format!("a result could not be read back: {e}")))
            }
            _ => Err(Fault::unexpected(format!("{} cannot be confined to a pod", method.name()))),
        }
    }

    /// The contract's Session_Query as the page itself, handed to `out` under the read lock
    /// (the REST server writes its wire rows straight from it).
    pub fn session_page<T>(&self, request: &Value, out: impl FnOnce(&service::query::Page<'_, store::Session>) -> T) -> Result<T, Fault> {
        match Request::parse(Method::SessionQuery, request)? {
            Request::SessionQuery(q) => {
                let f = self.read();
                session::query_page(&f, self.admin, &q, Reach::local(&f), out)
            }
            _ => Err(Fault::unexpected("Session_Query's request did not parse as one")),
        }
    }

    /// The id of the pod a session is on; `None` for an id that names no session.
    pub fn session_pod(&self, id: &str) -> Option<String> {
        let f = self.read();
        let ix = f.sessions.find(id)?;
        Some(f.pods.get(f.session_pod(f.sessions.get(ix))).id.to_string())
    }
}

impl Backend for Embedded {
    fn call(&self, method: Method, request: &Request) -> Result<Json, Fault> {
        if request.writes() {
            service::write(&mut self.write(), self.admin, method, request, time::now())
        } else {
            service::read(&self.read(), self.admin, request)
        }
    }

    fn describe(&self) -> Value {
        let f = self.read();
        let mut v = serde_json::json!({"backend": "embedded", "user": f.admins[self.admin as usize].display()});
        if let Some(pod) = f.local_pod.map(|p| f.pods.get(p)) {
            v["localPod"] = pod.id.as_ref().into();
            v["localSite"] = f.sites.get(pod.site).id.as_ref().into();
        }
        v
    }

    fn as_embedded(&self) -> Option<&Embedded> {
        Some(self)
    }
}

/// Makes sure the built-in administrator exists and returns it. It lives in the world's domain
/// (that of its first user or group); a world admin of the same name and domain takes its place.
fn add_builtin_admin(f: &mut Federation) -> Ix {
    let domain: Box<str> = f.users_and_groups.items.first().map_or(DEFAULT_DOMAIN.into(), |u| u.domain.clone());
    let is_builtin = |a: &Admin| a.name.eq_ignore_ascii_case(BUILTIN_ADMIN) && a.domain.eq_ignore_ascii_case(&domain);
    if let Some(i) = f.admins.iter().position(is_builtin) {
        return i as Ix;
    }
    let root = f.access_groups.find(world::ROOT_ACCESS_GROUP).expect("root exists");
    let all = PrivilegeSet::ALL;
    f.admins.push(Admin {
        name: BUILTIN_ADMIN.into(),
        domain,
        password: None,
        permissions: vec![
            Permission { role: "Administrators".into(), privileges: all, scope: PermissionScope::AccessGroup(root) },
            Permission { role: "Administrators".into(), privileges: all, scope: PermissionScope::Federation },
        ],
    });
    (f.admins.len() - 1) as Ix
}

/// The admin a login names: by name and domain without regard to case, and by password when
/// the admin has one; otherwise `InvalidCredentials`.
fn find_admin(f: &Federation, user: &str, domain: &str, password: Option<&str>) -> Result<Ix, Fault> {
    f.admins
        .iter()
        .position(|a| a.name.eq_ignore_ascii_case(user) && a.domain.eq_ignore_ascii_case(domain) && a.password.as_deref().map_or(true, |p| Some(p) == password))
        .map(|i| i as Ix)
        .ok_or_else(Fault::invalid_credentials)
}
