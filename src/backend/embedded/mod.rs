//! The embedded backend: a simulated pod federation in memory, owned by one client. A
//! read-write lock makes every call safe from any thread: reads share it, writes (which also
//! record events) take it alone, so a batch is atomic with respect to other calls.

pub mod demo;
pub mod store;
pub mod world;

use crate::backend::Backend;
use crate::fault::Fault;
use crate::model::reader::Obj;
use crate::model::time;
use crate::service::privilege::PrivilegeSet;
use crate::service::{self, Json, Method, Request};
use serde_json::Value;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use store::{Admin, Federation, Ix, Permission, PermissionScope};

/// The built-in administrator's name; it holds every privilege on `AccessGroup/root` and on
/// the federation.
pub const BUILTIN_ADMIN: &str = "administrator";
/// The built-in administrator's domain when the world has no users to take one from.
pub const DEFAULT_DOMAIN: &str = "HORIZON";

pub struct Embedded {
    federation: RwLock<Federation>,
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
        let admin = sign_in(&mut f, config)?;
        Ok(Embedded { federation: RwLock::new(f), admin })
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

/// Resolves the `login` (or, without one, the built-in administrator) to an admin of the
/// federation. The built-in administrator lives in the world's domain (that of its first user
/// or group); a world admin of the same name and domain takes its place.
fn sign_in(f: &mut Federation, config: &Obj) -> Result<Ix, Fault> {
    let domain: Box<str> = f.users_and_groups.items.first().map_or(DEFAULT_DOMAIN.into(), |u| u.domain.clone());
    let is_builtin = |a: &Admin| a.name.eq_ignore_ascii_case(BUILTIN_ADMIN) && a.domain.eq_ignore_ascii_case(&domain);
    let builtin = match f.admins.iter().position(is_builtin) {
        Some(i) => i,
        None => {
            let root = f.access_groups.find(world::ROOT_ACCESS_GROUP).expect("root exists");
            let all = PrivilegeSet::ALL;
            f.admins.push(Admin {
                name: BUILTIN_ADMIN.into(),
                domain: domain.clone(),
                password: None,
                permissions: vec![
                    Permission { role: "Administrators".into(), privileges: all, scope: PermissionScope::AccessGroup(root) },
                    Permission { role: "Administrators".into(), privileges: all, scope: PermissionScope::Federation },
                ],
            });
            f.admins.len() - 1
        }
    };
    let Some(login) = config.get("login") else { return Ok(builtin as Ix) };
    let l = Obj::nested(login, "login".into(), "Login")?;
    l.only(&["user", "domain", "password"])?;
    let (user, domain, password) = (l.str("user")?, l.str("domain")?, l.opt_str("password")?);
    f.admins
        .iter()
        .position(|a| a.name.eq_ignore_ascii_case(user) && a.domain.eq_ignore_ascii_case(domain) && a.password.as_deref().map_or(true, |p| Some(p) == password))
        .map(|i| i as Ix)
        .ok_or_else(Fault::invalid_credentials)
}
