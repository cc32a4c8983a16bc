//! The simulated federation: every entity of a world, held in compact records that refer to
//! each other by index, with the indexes the rules need (id → record, user → sessions,
//! name → user, owner → home sites, (owner, scope) → home site). It stores; it decides
//! nothing (the rules are in `service`). Records are never moved, so an index stays valid for
//! the life of the world; ended sessions and deleted home sites leave an empty slot.

use crate::model::time::Timestamp;
use crate::service::privilege::PrivilegeSet;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// Index of a record in its table.
pub type Ix = u32;

/// A record addressed by its id.
pub trait Keyed {
    fn key(&self) -> &str;
}

macro_rules! keyed {
    ($($t:ty),+) => { $(impl Keyed for $t { fn key(&self) -> &str { &self.id } })+ };
}

/// An empty slot of an [`Index`], and one whose entry was removed.
const EMPTY: u64 = u64::MAX;
const REMOVED: u64 = u64::MAX - 1;

/// id → record index: an open-addressing table (linear probing, at most half full) of 8-byte
/// slots, each the low 32 bits of the id's hash and the record's index. It keeps no copy of
/// the id: a hit is confirmed against the record's own id, so hash collisions only lengthen
/// a probe. The hash is SipHash with a random key, as std's `HashMap`, so crafted ids cannot
/// force collisions. One slot holds both tag and index, so a lookup touches one cache line.
#[derive(Debug, Default)]
struct Index {
    hasher: RandomState,
    slots: Vec<u64>,
    /// Entries present.
    live: usize,
    /// Slots not `EMPTY` (entries and `REMOVED` marks).
    used: usize,
}

fn slot(h: u32, ix: Ix) -> u64 {
    (h as u64) << 32 | ix as u64
}

impl Index {
    fn hash(&self, id: &str) -> u32 {
        #[cfg(test)]
        if let Some(h) = test_hash::get() {
            return h(id) as u32;
        }
        let mut h = self.hasher.build_hasher();
        h.write(id.as_bytes());
        h.finish() as u32
    }

    fn find<'a>(&self, id: &str, key_of: impl Fn(Ix) -> &'a str) -> Option<Ix> {
        if self.slots.is_empty() {
            return None;
        }
        let h = self.hash(id);
        let mask = self.slots.len() - 1;
        let mut p = h as usize & mask;
        loop {
            let s = self.slots[p];
            if s == EMPTY {
                return None;
            }
            if s != REMOVED && (s >> 32) as u32 == h && key_of(s as Ix) == id {
                return Some(s as Ix);
            }
            p = (p + 1) & mask;
        }
    }

    /// Indexes `id` → `ix`; false if `id` is indexed already.
    fn insert<'a>(&mut self, id: &str, ix: Ix, key_of: impl Fn(Ix) -> &'a str) -> bool {
        assert!(ix < Ix::MAX - 1, "a table holds fewer than 2^32 - 2 records");
        if (self.used + 1) * 2 > self.slots.len() {
            // Full of entries: double. Full of removal marks: rebuild at the same size.
            self.rebuild(((self.live + 1) * 3).next_power_of_two().max(16));
        }
        let h = self.hash(id);
        let mask = self.slots.len() - 1;
        let mut p = h as usize & mask;
        let mut free = None;
        loop {
            let s = self.slots[p];
            if s == EMPTY {
                break;
            }
            if s == REMOVED {
                free = free.or(Some(p));
            } else if (s >> 32) as u32 == h && key_of(s as Ix) == id {
                return false;
            }
            p = (p + 1) & mask;
        }
        let at = free.unwrap_or_else(|| {
            self.used += 1;
            p
        });
        self.slots[at] = slot(h, ix);
        self.live += 1;
        true
    }

    /// Forgets `id` → `ix`.
    fn remove(&mut self, id: &str, ix: Ix) {
        if self.slots.is_empty() {
            return;
        }
        let h = self.hash(id);
        let want = slot(h, ix);
        let mask = self.slots.len() - 1;
        let mut p = h as usize & mask;
        loop {
            match self.slots[p] {
                EMPTY => return,
                s if s == want => break,
                _ => p = (p + 1) & mask,
            }
        }
        self.live -= 1;
        if self.slots[(p + 1) & mask] != EMPTY {
            self.slots[p] = REMOVED;
            return;
        }
        // The end of a probe run: it and the removal marks before it become empty.
        while self.slots[p] == REMOVED || self.slots[p] == want {
            self.slots[p] = EMPTY;
            self.used -= 1;
            p = p.wrapping_sub(1) & mask;
        }
    }

    /// Makes room for `n` more entries.
    fn reserve(&mut self, n: usize) {
        let need = (self.live + n) * 2;
        if need > self.slots.len() {
            self.rebuild(need.next_power_of_two().max(16));
        }
    }

    /// Rebuilds the table with `capacity` slots (a power of two), dropping removal marks.
    fn rebuild(&mut self, capacity: usize) {
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; capacity]);
        let mask = capacity - 1;
        for s in old.into_iter().filter(|&s| s != EMPTY && s != REMOVED) {
            let mut p = (s >> 32) as usize & mask;
            while self.slots[p] != EMPTY {
                p = (p + 1) & mask;
            }
            self.slots[p] = s;
        }
        self.used = self.live;
    }
}

/// A table of records addressed by id.
#[derive(Debug)]
pub struct Table<T> {
    pub items: Vec<T>,
    index: Index,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table { items: Vec::new(), index: Index::default() }
    }
}

impl<T: Keyed> Table<T> {
    pub fn find(&self, id: &str) -> Option<Ix> {
        self.index.find(id, |ix| self.items[ix as usize].key())
    }

    /// Adds a record under its id (`id` is `item.key()`); `None` if the id is taken.
    pub fn insert(&mut self, id: &str, item: T) -> Option<Ix> {
        debug_assert_eq!(id, item.key());
        let ix = self.items.len() as Ix;
        let items = &self.items;
        if !self.index.insert(id, ix, |i| items[i as usize].key()) {
            return None;
        }
        self.items.push(item);
        Some(ix)
    }
}

impl<T> Table<T> {
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
    index: Index,
    live: usize,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots { items: Vec::new(), index: Index::default(), live: 0 }
    }
}

fn live_key<T: Keyed>(items: &[Option<T>], ix: Ix) -> &str {
    items[ix as usize].as_ref().expect("the index names live slots only").key()
}

impl<T: Keyed> Slots<T> {
    pub fn find(&self, id: &str) -> Option<Ix> {
        self.index.find(id, |ix| live_key(&self.items, ix))
    }

    /// Adds a record under its id (`id` is `item.key()`); `None` if the id is taken.
    pub fn insert(&mut self, id: &str, item: T) -> Option<Ix> {
        debug_assert_eq!(id, item.key());
        let ix = self.items.len() as Ix;
        let items = &self.items;
        if !self.index.insert(id, ix, |i| live_key(items, i)) {
            return None;
        }
        self.items.push(Some(item));
        self.live += 1;
        Some(ix)
    }

    /// Removes the record at `ix` and returns it.
    pub fn take(&mut self, ix: Ix) -> Option<T> {
        let item = self.items.get_mut(ix as usize)?.take()?;
        self.index.remove(item.key(), ix);
        self.live -= 1;
        Some(item)
    }
}

impl<T> Slots<T> {
    pub fn get(&self, ix: Ix) -> &T {
        self.items[ix as usize].as_ref().expect("live slot")
    }

    pub fn get_mut(&mut self, ix: Ix) -> &mut T {
        self.items[ix as usize].as_mut().expect("live slot")
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
    /// AD's display and login names, when the world gives them (else `DOMAIN\name` and `name`).
    pub display_name: Option<Box<str>>,
    pub login_name: Option<Box<str>>,
    /// Groups only: immediate members (users and groups).
    pub members: Vec<Ix>,
    /// The groups this user or group is an immediate member of, in tie-break order (by
    /// `rank`; kept so by [`Federation::rank_groups`]).
    pub member_of: Vec<Ix>,
    /// Groups only: position in the resolution tie-break order (name case-insensitive, then id).
    pub rank: u32,
    /// Entitlements this user or group is a direct member of.
    pub global_entitlements: Vec<Ix>,
    pub global_application_entitlements: Vec<Ix>,
    /// Home-site configurations made directly on this user or group (slots in `home_sites`).
    pub home_sites: Vec<Ix>,
    /// Users only: their live sessions, in no particular order (`Federation::user_pos` holds
    /// each session's place here, so that ending one is O(1) however many the user holds).
    pub sessions: Vec<Ix>,
}

impl UserOrGroup {
    /// A user or group with no memberships, entitlements, home sites or sessions yet.
    pub fn new(id: &str, name: &str, domain: &str, group: bool) -> UserOrGroup {
        UserOrGroup {
            id: id.into(),
            name: name.into(),
            domain: domain.into(),
            group,
            display_name: None,
            login_name: None,
            members: Vec::new(),
            member_of: Vec::new(),
            rank: 0,
            global_entitlements: Vec::new(),
            global_application_entitlements: Vec::new(),
            home_sites: Vec::new(),
            sessions: Vec::new(),
        }
    }

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
    /// The display name sessions show (`namesData.desktopName`), when the world gives one.
    pub display_name: Option<Box<str>>,
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

/// A session's texts — the machine (or RDS host) and the client's name, address and type —
/// end to end in one allocation: one allocation to make and one to free per session, not four.
#[derive(Debug, Default)]
pub struct SessionText {
    all: Box<str>,
    /// Where each text ends in `all`; `u32::MAX` for an unset one.
    ends: [u32; 4],
}

const UNSET: u32 = u32::MAX;

impl SessionText {
    /// `[machine, client name, client address, client type]`.
    pub fn new(texts: [Option<&str>; 4]) -> SessionText {
        let mut all = String::with_capacity(texts.iter().flatten().map(|t| t.len()).sum());
        let mut ends = [UNSET; 4];
        for (end, t) in ends.iter_mut().zip(texts) {
            if let Some(t) = t {
                all.push_str(t);
                *end = u32::try_from(all.len()).expect("session texts are under 4 GiB");
            }
        }
        SessionText { all: all.into(), ends }
    }

    fn get(&self, i: usize) -> Option<&str> {
        let end = self.ends[i];
        if end == UNSET {
            return None;
        }
        let start = self.ends[..i].iter().rev().find(|&&e| e != UNSET).map_or(0, |&e| e as usize);
        Some(&self.all[start..end as usize])
    }
}

#[derive(Debug)]
pub struct Session {
    pub id: Box<str>,
    pub user: Ix,
    pub resource: Resource,
    pub text: SessionText,
    /// Application sessions: the applications.
    pub application_names: Option<Box<[String]>>,
    pub session_type: SessionType,
    pub state: SessionState,
    pub protocol: Option<Protocol>,
    pub locked: bool,
    pub start: Timestamp,
    pub disconnect: Option<Timestamp>,
    pub idle_minutes: Option<u32>,
}

impl Session {
    /// The machine (desktop sessions) or RDS host (farm and RDS desktop sessions).
    pub fn machine(&self) -> Option<&str> {
        self.text.get(0)
    }
    pub fn client_name(&self) -> Option<&str> {
        self.text.get(1)
    }
    pub fn client_address(&self) -> Option<&str> {
        self.text.get(2)
    }
    pub fn client_type(&self) -> Option<&str> {
        self.text.get(3)
    }
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
    pub message: EventMessage,
    pub session: Option<Box<str>>,
    pub user_home_site: Option<Box<str>>,
    pub user: Option<Ix>,
    pub pod: Option<Ix>,
}

/// An event's message. The commonest event — a session operation that succeeded on a local
/// session — keeps only its verb; its text (`"<admin> <verb> session <session> of <user>."`) is
/// written when the event is read, from the event's own admin, session and user.
#[derive(Debug)]
pub enum EventMessage {
    Text(Box<str>),
    SessionDone(&'static str),
}

impl EventRecord {
    /// An event about nothing in particular yet; set `session`, `user_home_site`, `user` and
    /// `pod` as they apply. The id is given by [`Federation::record`].
    pub fn new(time: Timestamp, event_type: &'static str, success: bool, admin: Ix, message: String) -> EventRecord {
        let message = EventMessage::Text(message.into());
        EventRecord { id: 0, time, event_type, success, admin, message, session: None, user_home_site: None, user: None, pod: None }
    }
}

keyed!(Site, Pod, AccessGroup, UserOrGroup, Entitlement, Desktop, Farm, Session, HomeSite);

/// One simulated pod federation.
#[derive(Debug, Default)]
pub struct Federation {
    pub local_pod: Option<Ix>,
    pub initialized: bool,
    /// The federation's name and GUID (world keys `federationName`, `federationGuid`); see
    /// [`Federation::name`] and [`Federation::guid`] for the defaults.
    pub name: Option<String>,
    pub guid: Option<String>,
    pub sites: Table<Site>,
    pub pods: Table<Pod>,
    pub access_groups: Table<AccessGroup>,
    pub users_and_groups: Table<UserOrGroup>,
    /// Each session's place in its user's `sessions`, by session index (kept by `add_session`
    /// and `take_session`; a dense array, so that moving a session in its user's list touches
    /// 4 bytes here rather than the session's record).
    pub user_pos: Vec<u32>,
    /// Live sessions per desktop and per farm (by index), kept by `add_session` and
    /// `take_session`: an unfiltered query counts its rows from them, not by a scan.
    pub desktop_sessions: Vec<u32>,
    pub farm_sessions: Vec<u32>,
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
    /// The audit log, oldest first; at most `event_capacity` events when one is set (`hvapi
    /// serve` sets one; a library client keeps every event): recording one more drops the
    /// oldest tenth, counted in `events_dropped`.
    pub events: Vec<EventRecord>,
    pub event_capacity: Option<usize>,
    pub events_dropped: u64,
    /// The counter behind generated home-site ids.
    pub next_home_site: u64,
    /// (owner, scope) → its home-site configuration, kept by `add_home_site` and
    /// `remove_home_site` (the only ways to add or remove one; read it, never write it).
    pub home_site_by_scope: HashMap<(Ix, Scope), Ix, BuildHasherDefault<IxHasher>>,
}

/// A fast hasher for keys made of record indexes (never of caller-chosen text).
#[derive(Default, Clone, Copy)]
pub struct IxHasher(u64);

impl IxHasher {
    fn add(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for IxHasher {
    fn finish(&self) -> u64 {
        // murmur3's finalizer: every bit of the state reaches the high bits the table uses.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.add(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn write_isize(&mut self, n: isize) {
        self.add(n as u64);
    }
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

    /// Adds a session and indexes it under its user and its desktop or farm.
    pub fn add_session(&mut self, session: Session) -> Option<Ix> {
        let (user, resource) = (session.user, session.resource);
        let id: Box<str> = session.id.clone();
        let ix = self.sessions.insert(&id, session)?;
        let list = &mut self.users_and_groups.get_mut(user).sessions;
        if self.user_pos.len() <= ix as usize {
            self.user_pos.resize(ix as usize + 1, 0);
        }
        self.user_pos[ix as usize] = list.len() as u32;
        list.push(ix);
        *self.resource_count(resource) += 1;
        Some(ix)
    }

    fn resource_count(&mut self, r: Resource) -> &mut u32 {
        let (counts, at) = match r {
            Resource::Desktop(d) => (&mut self.desktop_sessions, d as usize),
            Resource::Farm(f) => (&mut self.farm_sessions, f as usize),
        };
        if counts.len() <= at {
            counts.resize(at + 1, 0);
        }
        &mut counts[at]
    }

    /// Live sessions on a desktop or farm.
    pub fn sessions_on(&self, r: Resource) -> usize {
        let (counts, at) = match r {
            Resource::Desktop(d) => (&self.desktop_sessions, d as usize),
            Resource::Farm(f) => (&self.farm_sessions, f as usize),
        };
        counts.get(at).map_or(0, |&n| n as usize)
    }

    /// Ends a session (it leaves the store and every index) and returns its record. O(1):
    /// the user's last session takes the ended one's place in the user's list.
    pub fn take_session(&mut self, ix: Ix) -> Session {
        let s = self.sessions.take(ix).expect("live slot");
        let list = &mut self.users_and_groups.get_mut(s.user).sessions;
        let at = self.user_pos[ix as usize] as usize;
        debug_assert_eq!(list.get(at), Some(&ix), "user_pos names the session's place");
        list.swap_remove(at);
        if let Some(&moved) = list.get(at) {
            self.user_pos[moved as usize] = at as u32;
        }
        *self.resource_count(s.resource) -= 1;
        s
    }

    /// Adds a home-site configuration and indexes it under its owner.
    pub fn add_home_site(&mut self, hs: HomeSite) -> Option<Ix> {
        let key = (hs.owner, hs.scope);
        let id: Box<str> = hs.id.clone();
        let ix = self.home_sites.insert(&id, hs)?;
        self.users_and_groups.get_mut(key.0).home_sites.push(ix);
        // At most one per (owner, scope): the world loader and Create check it first.
        let previous = self.home_site_by_scope.insert(key, ix);
        debug_assert!(previous.is_none(), "a second home site for one owner and scope");
        Some(ix)
    }

    pub fn remove_home_site(&mut self, ix: Ix) {
        let h = match self.home_sites.take(ix) {
            Some(h) => h,
            _ => return,
        };
        let list = &mut self.users_and_groups.get_mut(h.owner).home_sites;
        list.retain(|&x| x != ix);
        self.home_site_by_scope.remove(&(h.owner, h.scope));
    }

    /// The configuration `owner` has for `scope`, if any (at most one exists).
    pub fn home_site_for(&self, owner: Ix, scope: Scope) -> Option<Ix> {
        self.home_site_by_scope.get(&(owner, scope)).copied()
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
        self.directly_entitled(user, scope) || self.users_and_groups.get(user).member_of.iter().any(|&g| self.directly_entitled(g, scope))
    }

    /// Computes each group's tie-break rank and puts every `member_of` in that order; call
    /// after the users and groups are loaded.
    pub fn rank_groups(&mut self) {
        let mut groups: Vec<Ix> = (0..self.users_and_groups.len() as Ix).filter(|&i| self.users_and_groups.get(i).group).collect();
        groups.sort_by_cached_key(|&g| {
            let u = self.users_and_groups.get(g);
            (u.name.to_lowercase(), u.id.clone())
        });
        for (rank, g) in groups.into_iter().enumerate() {
            self.users_and_groups.get_mut(g).rank = rank as u32;
        }
        let ranks: Vec<u32> = self.users_and_groups.items.iter().map(|u| u.rank).collect();
        for u in self.users_and_groups.items.iter_mut() {
            u.member_of.sort_unstable_by_key(|&g| ranks[g as usize]);
        }
    }

    /// Records an event and returns its id (ids keep counting when old events are dropped).
    pub fn record(&mut self, mut e: EventRecord) -> u64 {
        if let Some(cap) = self.event_capacity.map(|c| c.max(1)) {
            if self.events.len() >= cap {
                let drop = (cap / 10).max(1).min(self.events.len());
                self.events.drain(..drop);
                self.events_dropped += drop as u64;
            }
        }
        e.id = self.events_dropped + self.events.len() as u64 + 1;
        let id = e.id;
        self.events.push(e);
        id
    }

    /// The federation's name: the world's, else Horizon's default for a new federation.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("Horizon Cloud Pod Federation")
    }

    /// The federation's GUID: the world's, else one derived from its sites' and pods' ids
    /// (the same world gives the same GUID every run).
    pub fn guid(&self) -> String {
        if let Some(g) = &self.guid {
            return g.clone();
        }
        let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
        for id in self.sites.items.iter().map(|s| &s.id).chain(self.pods.items.iter().map(|p| &p.id)) {
            for b in id.bytes().chain([0]) {
                h = (h ^ b as u128).wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
            }
        }
        let x = format!("{h:032x}");
        format!("{}-{}-4{}-8{}-{}", &x[..8], &x[8..12], &x[13..16], &x[17..20], &x[20..])
    }
}

/// Tests may force every id onto chosen hashes, to exercise the collision path.
#[cfg(test)]
mod test_hash {
    use std::cell::Cell;
    type Hash = fn(&str) -> u64;
    thread_local!(static HASH: Cell<Option<Hash>> = Cell::new(None));
    pub fn get() -> Option<Hash> {
        HASH.with(Cell::get)
    }
    pub fn set(h: Option<Hash>) {
        HASH.with(|c| c.set(h));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hs(id: &str) -> HomeSite {
        HomeSite { id: id.into(), owner: 0, site: 0, scope: Scope::Global }
    }

    fn exercise() {
        let mut t: Slots<HomeSite> = Slots::default();
        let ids: Vec<String> = (0..200).map(|i| format!("UserHomeSite/h{i}")).collect();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.insert(id, hs(id)), Some(i as Ix));
            assert_eq!(t.insert(id, hs(id)), None, "duplicate {id}");
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.find(id), Some(i as Ix));
        }
        assert_eq!(t.find("UserHomeSite/nope"), None);
        // Remove every third, then check every id again and re-add under new slots.
        for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
            assert_eq!(t.take(i as Ix).map(|h| h.id), Some(id.as_str().into()));
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.find(id), (i % 3 != 0).then_some(i as Ix), "{id}");
        }
        assert_eq!(t.live(), 200 - 67);
        for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
            let ix = t.insert(id, hs(id)).expect("free again");
            assert_eq!(t.find(id), Some(ix));
            assert_eq!(t.take(ix).map(|h| h.id), Some(id.as_str().into()));
            assert_eq!(t.find(id), None);
            let _ = i;
        }
        let mut tt: Table<Site> = Table::default();
        for id in &ids {
            assert!(tt.insert(id, Site { id: id.as_str().into(), name: "x".into() }).is_some());
            assert!(tt.insert(id, Site { id: id.as_str().into(), name: "x".into() }).is_none());
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(tt.find(id), Some(i as Ix));
        }
    }

    #[test]
    fn index_with_real_hash() {
        exercise();
    }

    /// Many insertions and removals in turn: removal marks are reused and cleared, the table
    /// is rebuilt, and every id stays findable exactly while it is present.
    #[test]
    fn index_under_churn() {
        let mut t: Slots<HomeSite> = Slots::default();
        let mut present: Vec<(String, Ix)> = Vec::new();
        let mut n = 0u64;
        for round in 0..3000u64 {
            for _ in 0..(round % 7) {
                n += 1;
                let id = format!("UserHomeSite/c{n}");
                let ix = t.insert(&id, hs(&id)).expect("new id");
                present.push((id, ix));
            }
            for _ in 0..(round % 5) {
                if present.is_empty() {
                    break;
                }
                let k = (round as usize * 7919) % present.len();
                let (id, ix) = present.swap_remove(k);
                assert!(t.take(ix).is_some());
                assert_eq!(t.find(&id), None);
            }
        }
        assert_eq!(t.live(), present.len());
        for (id, ix) in &present {
            assert_eq!(t.find(id), Some(*ix), "{id}");
        }
        assert!(t.index.slots.len() <= 4 * (present.len() * 3).next_power_of_two().max(16));
    }

    #[test]
    fn index_when_every_hash_collides() {
        test_hash::set(Some(|_| 42));
        exercise();
        test_hash::set(Some(|id| id.len() as u64 % 3));
        exercise();
        test_hash::set(None);
    }
}
