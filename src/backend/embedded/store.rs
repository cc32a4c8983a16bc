//! The simulated federation: every entity of a world, held in compact records that refer to
//! each other by index, with the indexes the rules need (id → record, user → sessions,
//! name → user, owner → home sites). It stores; it decides nothing (the rules are in
//! `service`). Records are never moved, so an index stays valid for the life of the world;
//! ended sessions and deleted home sites leave an empty slot.

use crate::model::time::Timestamp;
use crate::service::privilege::PrivilegeSet;
use std::collections::HashMap;

/// Index of a record in its table.
pub type Ix = u32;

/// A table of records addressed by id.
#[derive(Debug)]
pub struct Table<T> {
    pub items: Vec<T>,
    index: HashMap<Box<str>, Ix>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table { items: Vec::new(), index: HashMap::new() }
    }
}

impl<T> Table<T> {
    pub fn find(&self, id: &str) -> Option<Ix> {
        self.index.get(id).copied()
    }

    /// Adds a record; `None` if the id is taken.
    pub fn insert(&mut self, id: &str, item: T) -> Option<Ix> {
        if self.index.contains_key(id) {
            return None;
        }
        let ix = self.items.len() as Ix;
        self.index.insert(id.into(), ix);
        self.items.push(item);
        Some(ix)
    }

    pub fn get(&self, ix: Ix) -> &T {
        &self.items[ix as usize]
    }

    pub fn get_mut(&mut self, ix: Ix) -> &mut T {
        &mut self.items[ix as usize]
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn reserve(&mut self, n: usize) {
        self.items.reserve(n);
        self.index.reserve(n);
    }
}

/// A table whose records can be removed (sessions, home sites): removal empties the slot.
#[derive(Debug)]
pub struct Slots<T> {
    pub items: Vec<Option<T>>,
    index: HashMap<Box<str>, Ix>,
    live: usize,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots { items: Vec::new(), index: HashMap::new(), live: 0 }
    }
}

impl<T> Slots<T> {
    pub fn find(&self, id: &str) -> Option<Ix> {
        self.index.get(id).copied()
    }

    pub fn insert(&mut self, id: &str, item: T) -> Option<Ix> {
        if self.index.contains_key(id) {
            return None;
        }
        let ix = self.items.len() as Ix;
        self.index.insert(id.into(), ix);
        self.items.push(Some(item));
        self.live += 1;
        Some(ix)
    }

    pub fn get(&self, ix: Ix) -> &T {
        self.items[ix as usize].as_ref().expect("live slot")
    }

    pub fn get_mut(&mut self, ix: Ix) -> &mut T {
        self.items[ix as usize].as_mut().expect("live slot")
    }

    pub fn remove(&mut self, ix: Ix, id: &str) -> Option<T> {
        let item = self.items.get_mut(ix as usize)?.take()?;
        self.index.remove(id);
        self.live -= 1;
        Some(item)
    }

    /// Live records, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (Ix, &T)> + '_ {
        self.items.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|s| (i as Ix, s)))
    }

    pub fn live(&self) -> usize {
        self.live
    }

    pub fn reserve(&mut self, n: usize) {
        self.items.reserve(n);
        self.index.reserve(n);
    }
}

#[derive(Debug)]
pub struct Site {
    pub id: Box<str>,
    pub name: Box<str>,
}

#[derive(Debug)]
pub struct Pod {
    pub id: Box<str>,
    pub name: Box<str>,
    pub site: Ix,
    pub reachable: bool,
}

#[derive(Debug)]
pub struct AccessGroup {
    pub id: Box<str>,
    pub name: Box<str>,
    pub parent: Option<Ix>,
}

#[derive(Debug)]
pub struct UserOrGroup {
    pub id: Box<str>,
    pub name: Box<str>,
    pub domain: Box<str>,
    pub group: bool,
    /// Groups only: immediate members (users and groups).
    pub members: Vec<Ix>,
    /// The groups this user or group is an immediate member of.
    pub member_of: Vec<Ix>,
    /// Groups only: position in the resolution tie-break order (name case-insensitive, then id).
    pub rank: u32,
    /// Entitlements this user or group is a direct member of.
    pub global_entitlements: Vec<Ix>,
    pub global_application_entitlements: Vec<Ix>,
    /// Home-site configurations made directly on this user or group (slots in `home_sites`).
    pub home_sites: Vec<Ix>,
    /// Users only: their live sessions.
    pub sessions: Vec<Ix>,
}

impl UserOrGroup {
    /// `DOMAIN\name`.
    pub fn display(&self) -> String {
        format!("{}\\{}", self.domain, self.name)
    }
}

#[derive(Debug)]
pub struct Entitlement {
    pub id: Box<str>,
    pub name: Box<str>,
    pub members: Vec<Ix>,
}

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),+ } }
            pub fn parse(s: &str) -> Option<$name> { match s { $($s => Some($name::$v),)+ _ => None } }
            /// The accepted values, for error messages.
            pub fn choices() -> String { [$($s),+].join(", ") }
        }
    };
}

wire_enum!(DesktopType { Automated = "AUTOMATED", Manual = "MANUAL", Rds = "RDS" });
wire_enum!(DesktopSource {
    VirtualCenter = "VIRTUAL_CENTER",
    ViewComposer = "VIEW_COMPOSER",
    InstantCloneEngine = "INSTANT_CLONE_ENGINE",
    Unmanaged = "UNMANAGED",
    Rds = "RDS",
});
wire_enum!(SessionType { Desktop = "DESKTOP", Application = "APPLICATION" });
wire_enum!(Protocol { Pcoip = "PCOIP", Rdp = "RDP", Blast = "BLAST", Console = "CONSOLE", Unknown = "UNKNOWN" });
wire_enum!(SessionState { Connected = "CONNECTED", Disconnected = "DISCONNECTED", Pending = "PENDING" });

#[derive(Debug)]
pub struct Desktop {
    pub id: Box<str>,
    pub name: Box<str>,
    pub pod: Ix,
    pub access_group: Ix,
    pub desktop_type: DesktopType,
    pub source: DesktopSource,
}

#[derive(Debug)]
pub struct Farm {
    pub id: Box<str>,
    pub name: Box<str>,
    pub pod: Ix,
    pub access_group: Ix,
}

/// Where a session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Desktop(Ix),
    Farm(Ix),
}

/// Rarely set session details, boxed to keep the session record small.
#[derive(Debug, Default)]
pub struct SessionClient {
    pub client_name: Option<Box<str>>,
    pub client_address: Option<Box<str>>,
    pub client_type: Option<Box<str>>,
    pub application_names: Option<Vec<String>>,
}

#[derive(Debug)]
pub struct Session {
    pub id: Box<str>,
    pub user: Ix,
    pub resource: Resource,
    /// The machine (desktop sessions) or RDS host (farm and RDS desktop sessions).
    pub machine: Option<Box<str>>,
    pub session_type: SessionType,
    pub state: SessionState,
    pub protocol: Option<Protocol>,
    pub locked: bool,
    pub start: Timestamp,
    pub disconnect: Option<Timestamp>,
    pub idle_minutes: Option<u32>,
    pub client: Option<Box<SessionClient>>,
}

/// What a home-site configuration applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Global,
    GlobalEntitlement(Ix),
    GlobalApplicationEntitlement(Ix),
}

#[derive(Debug)]
pub struct HomeSite {
    pub id: Box<str>,
    pub owner: Ix,
    pub site: Ix,
    pub scope: Scope,
}

/// Where a permission applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionScope {
    Federation,
    /// The access group and its descendants.
    AccessGroup(Ix),
}

#[derive(Debug)]
pub struct Permission {
    pub role: Box<str>,
    pub privileges: PrivilegeSet,
    pub scope: PermissionScope,
}

#[derive(Debug)]
pub struct Admin {
    pub name: Box<str>,
    pub domain: Box<str>,
    pub password: Option<Box<str>>,
    pub permissions: Vec<Permission>,
}

impl Admin {
    pub fn display(&self) -> String {
        format!("{}\\{}", self.domain, self.name)
    }
}

#[derive(Debug)]
pub struct Role {
    pub name: Box<str>,
    pub privileges: Vec<Box<str>>,
    pub set: PrivilegeSet,
}

/// A recorded audit event. Names are kept as indexes and rendered when queried.
#[derive(Debug)]
pub struct EventRecord {
    pub id: u64,
    pub time: Timestamp,
    pub event_type: &'static str,
    pub success: bool,
    pub admin: Ix,
    pub message: Box<str>,
    pub session: Option<Box<str>>,
    pub user_home_site: Option<Box<str>>,
    pub user: Option<Ix>,
    pub pod: Option<Ix>,
}

/// One simulated pod federation.
#[derive(Debug, Default)]
pub struct Federation {
    pub local_pod: Option<Ix>,
    pub initialized: bool,
    pub sites: Table<Site>,
    pub pods: Table<Pod>,
    pub access_groups: Table<AccessGroup>,
    pub users_and_groups: Table<UserOrGroup>,
    /// `DOMAIN\name`, lower-cased → user or group.
    pub by_name: HashMap<String, Ix>,
    pub global_entitlements: Table<Entitlement>,
    pub global_application_entitlements: Table<Entitlement>,
    pub desktops: Table<Desktop>,
    pub farms: Table<Farm>,
    pub sessions: Slots<Session>,
    pub home_sites: Slots<HomeSite>,
    pub roles: Vec<Role>,
    pub admins: Vec<Admin>,
    pub events: Vec<EventRecord>,
    /// The counter behind generated home-site ids.
    pub next_home_site: u64,
}

impl Federation {
    pub fn user_name_key(domain: &str, name: &str) -> String {
        format!("{domain}\\{name}").to_lowercase()
    }

    pub fn session_pod(&self, s: &Session) -> Ix {
        match s.resource {
            Resource::Desktop(d) => self.desktops.get(d).pod,
            Resource::Farm(f) => self.farms.get(f).pod,
        }
    }

    pub fn session_access_group(&self, s: &Session) -> Ix {
        match s.resource {
            Resource::Desktop(d) => self.desktops.get(d).access_group,
            Resource::Farm(f) => self.farms.get(f).access_group,
        }
    }

    pub fn is_local(&self, s: &Session) -> bool {
        Some(self.session_pod(s)) == self.local_pod
    }

    /// Is `ancestor` the access group `ag` or one of its ancestors?
    pub fn access_group_covers(&self, ancestor: Ix, ag: Ix) -> bool {
        let mut cur = Some(ag);
        while let Some(c) = cur {
            if c == ancestor {
                return true;
            }
            cur = self.access_groups.get(c).parent;
        }
        false
    }

    /// Adds a session and indexes it under its user.
    pub fn add_session(&mut self, session: Session) -> Option<Ix> {
        let user = session.user;
        let id: Box<str> = session.id.clone();
        let ix = self.sessions.insert(&id, session)?;
        self.users_and_groups.get_mut(user).sessions.push(ix);
        Some(ix)
    }

    /// Ends a session: it leaves the store and every index.
    pub fn end_session(&mut self, ix: Ix) {
        let (id, user) = {
            let s = self.sessions.get(ix);
            (s.id.clone(), s.user)
        };
        self.sessions.remove(ix, &id);
        let list = &mut self.users_and_groups.get_mut(user).sessions;
        if let Some(p) = list.iter().position(|&x| x == ix) {
            list.remove(p);
        }
    }

    /// Adds a home-site configuration and indexes it under its owner.
    pub fn add_home_site(&mut self, hs: HomeSite) -> Option<Ix> {
        let owner = hs.owner;
        let id: Box<str> = hs.id.clone();
        let ix = self.home_sites.insert(&id, hs)?;
        self.users_and_groups.get_mut(owner).home_sites.push(ix);
        Some(ix)
    }

    pub fn remove_home_site(&mut self, ix: Ix) {
        let (id, owner) = {
            let h = self.home_sites.get(ix);
            (h.id.clone(), h.owner)
        };
        self.home_sites.remove(ix, &id);
        self.users_and_groups.get_mut(owner).home_sites.retain(|&x| x != ix);
    }

    /// The configuration `owner` has for `scope`, if any (at most one exists).
    pub fn home_site_for(&self, owner: Ix, scope: Scope) -> Option<Ix> {
        self.users_and_groups.get(owner).home_sites.iter().copied().find(|&h| self.home_sites.get(h).scope == scope)
    }

    /// Is `uog` a direct member of the entitlement `scope` names?
    pub fn directly_entitled(&self, uog: Ix, scope: Scope) -> bool {
        let u = self.users_and_groups.get(uog);
        match scope {
            Scope::Global => true,
            Scope::GlobalEntitlement(e) => u.global_entitlements.contains(&e),
            Scope::GlobalApplicationEntitlement(e) => u.global_application_entitlements.contains(&e),
        }
    }

    /// Is the user entitled directly or through one of its immediate groups?
    pub fn user_entitled(&self, user: Ix, scope: Scope) -> bool {
        self.directly_entitled(user, scope)
            || self.users_and_groups.get(user).member_of.iter().any(|&g| self.directly_entitled(g, scope))
    }

    /// Computes each group's tie-break rank; call after the users and groups are loaded.
    pub fn rank_groups(&mut self) {
        let mut groups: Vec<Ix> = (0..self.users_and_groups.len() as Ix).filter(|&i| self.users_and_groups.get(i).group).collect();
        groups.sort_by_cached_key(|&g| {
            let u = self.users_and_groups.get(g);
            (u.name.to_lowercase(), u.id.clone())
        });
        for (rank, g) in groups.into_iter().enumerate() {
            self.users_and_groups.get_mut(g).rank = rank as u32;
        }
    }

    /// Records an event and returns its id.
    pub fn record(&mut self, mut e: EventRecord) -> u64 {
        e.id = self.events.len() as u64 + 1;
        let id = e.id;
        self.events.push(e);
        id
    }
}
