//! Queries (contract section 7): parsing a query against the members an entity has, then
//! filtering, sorting and paging rows.
//!
//! Queries run on the stored records, never on JSON rows: each queryable member is read by
//! one typed accessor in the member tables below (`SESSION_MEMBERS`, `EVENT_MEMBERS`, the
//! inventory's), which say how the member is read, compared and written. Filters and sort keys
//! read members through them without allocating; only the rows of the returned page are
//! written, straight to JSON text. A sorted query keeps the best `startingOffset + limit` rows
//! as it scans (a partial selection), then sorts that page, in a total order (key, then store
//! position). [`Filter::matches`] over a JSON row is the plain reference semantics the tests
//! hold the typed path to. `memberName` is a dotted path into the row.

use crate::backend::embedded::store::{
    AccessGroup, Desktop, DesktopType, Entitlement, EventMessage, EventRecord, Farm, Federation, Ix, Pod, Resource, Session, SessionState, Site, UserOrGroup,
};
use crate::fault::Fault;
use crate::model::reader::Obj;
use crate::model::time::{self, Timestamp};
use crate::service::event::{AUDIT_FAIL, AUDIT_SUCCESS};
use crate::service::session;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use std::cell::RefCell;
use std::cmp::Ordering;

/// The member names a query may use.
pub trait Fields {
    fn has(&self, name: &str) -> bool;
}

impl Fields for [&str] {
    fn has(&self, name: &str) -> bool {
        self.contains(&name)
    }
}

impl<const N: usize> Fields for [&str; N] {
    fn has(&self, name: &str) -> bool {
        self.contains(&name)
    }
}

impl Fields for Vec<&str> {
    fn has(&self, name: &str) -> bool {
        self.contains(&name)
    }
}

struct Adapt<'a, F: ?Sized>(&'a F);

impl<F: Fields + ?Sized> Fields for Adapt<'_, F> {
    fn has(&self, name: &str) -> bool {
        self.0.has(name)
    }
}

/// The keys a query request may carry (besides `entityType` for the inventory).
pub const QUERY_KEYS: [&str; 5] = ["filter", "sortBy", "sortDescending", "startingOffset", "limit"];
pub const DEFAULT_LIMIT: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Equals,
    NotEquals,
    Contains,
    StartsWith,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare {
        op: Compare,
        member: String,
        value: Value,
    },
    /// `fromValue <= member <= toValue` (an extension of the View API's filters): both bounds
    /// numbers or both strings.
    Between {
        member: String,
        from: Value,
        to: Value,
    },
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub filter: Option<Filter>,
    pub sort_by: Option<String>,
    pub sort_descending: bool,
    pub starting_offset: usize,
    pub limit: usize,
}

fn bad_filter(why: impl Into<String>) -> Fault {
    Fault::invalid_argument("filter", why)
}

fn member_name(o: &Obj, ty: &str, fields: &dyn Fields) -> Result<String, Fault> {
    match o.get("memberName") {
        Some(Value::String(m)) if fields.has(m) => Ok(m.clone()),
        Some(Value::String(m)) => Err(bad_filter(format!("Unknown memberName {m:?}."))),
        _ => Err(bad_filter(format!("A {ty} filter needs a memberName string."))),
    }
}

fn parse_filter(v: &Value, fields: &dyn Fields) -> Result<Filter, Fault> {
    let o = Obj::nested(v, "filter".into(), "QueryFilter")?;
    let ty = o.opt_str("type").map_err(|_| bad_filter("A filter's type must be a string."))?.ok_or_else(|| bad_filter("Every filter needs a type."))?;
    let list = |o: &Obj| -> Result<Vec<Filter>, Fault> {
        o.only(&["type", "filters"]).map_err(|_| bad_filter(format!("A {ty} filter takes only type and filters.")))?;
        match o.get("filters") {
            Some(Value::Array(a)) if !a.is_empty() => a.iter().map(|f| parse_filter(f, fields)).collect(),
            _ => Err(bad_filter(format!("A {ty} filter needs a non-empty array of filters."))),
        }
    };
    let op = match ty {
        "And" => return Ok(Filter::And(list(&o)?)),
        "Or" => return Ok(Filter::Or(list(&o)?)),
        "Not" => {
            o.only(&["type", "filter"]).map_err(|_| bad_filter("A Not filter takes only type and filter."))?;
            let inner = o.get("filter").ok_or_else(|| bad_filter("A Not filter needs a filter."))?;
            return Ok(Filter::Not(Box::new(parse_filter(inner, fields)?)));
        }
        "Between" => {
            o.only(&["type", "memberName", "fromValue", "toValue"])
                .map_err(|_| bad_filter("A Between filter takes only type, memberName, fromValue and toValue."))?;
            let member = member_name(&o, ty, fields)?;
            return match (o.get("fromValue"), o.get("toValue")) {
                (Some(from @ Value::Number(_)), Some(to @ Value::Number(_))) | (Some(from @ Value::String(_)), Some(to @ Value::String(_))) => {
                    Ok(Filter::Between { member, from: from.clone(), to: to.clone() })
                }
                _ => Err(bad_filter("A Between filter needs fromValue and toValue, both numbers or both strings.")),
            };
        }
        "Equals" => Compare::Equals,
        "NotEquals" => Compare::NotEquals,
        "Contains" => Compare::Contains,
        "StartsWith" => Compare::StartsWith,
        other => return Err(bad_filter(format!("Unknown filter type {other:?}."))),
    };
    o.only(&["type", "memberName", "value"]).map_err(|_| bad_filter(format!("A {ty} filter takes only type, memberName and value.")))?;
    let member = member_name(&o, ty, fields)?;
    let value = match (op, o.get("value")) {
        (Compare::Contains | Compare::StartsWith, Some(v @ Value::String(_))) => v.clone(),
        (Compare::Contains | Compare::StartsWith, _) => return Err(bad_filter(format!("A {ty} filter needs a string value."))),
        (_, Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_)))) => v.clone(),
        _ => return Err(bad_filter(format!("A {ty} filter needs a string, number or boolean value."))),
    };
    Ok(Filter::Compare { op, member, value })
}

/// Parses the query keys of `o` (the caller has already refused unknown keys). `fields` are
/// the dotted paths the rows have.
pub fn parse<F: Fields + ?Sized>(o: &Obj, fields: &F) -> Result<Query, Fault> {
    let fields: &dyn Fields = &Adapt(fields);
    let filter = o.get("filter").map(|f| parse_filter(f, fields)).transpose()?;
    let sort_by = match o.opt_str("sortBy")? {
        Some(s) if fields.has(s) => Some(s.to_owned()),
        Some(s) => return Err(Fault::invalid_argument("sortBy", format!("Unknown sortBy member {s:?}."))),
        None => None,
    };
    let limit = o.opt_int_in("limit", 1, u32::MAX as u64)?.unwrap_or(DEFAULT_LIMIT as u64) as usize;
    Ok(Query {
        filter,
        sort_by,
        sort_descending: o.opt_bool("sortDescending")?.unwrap_or(false),
        starting_offset: o.opt_count("startingOffset", u32::MAX as u64)?.unwrap_or(0) as usize,
        limit,
    })
}

/// The value at a dotted path of a row.
pub fn member<'a>(row: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(row, |v, k| v.get(k)).filter(|v| !v.is_null())
}

fn scalar_matches(op: Compare, have: &Value, want: &Value) -> bool {
    match (op, have, want) {
        (Compare::Equals | Compare::NotEquals, Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Compare::Equals | Compare::NotEquals, a, b) => a == b,
        // Contains and StartsWith compare strings without regard to case, as Horizon's do.
        (Compare::Contains, Value::String(a), Value::String(b)) => a.to_lowercase().contains(&b.to_lowercase()),
        (Compare::StartsWith, Value::String(a), Value::String(b)) => a.to_lowercase().starts_with(&b.to_lowercase()),
        _ => false,
    }
}

/// Is `have` within `from..=to`? Numbers compare as numbers, strings as strings; a value of
/// another kind than the bounds is never within them.
fn in_range(have: &Value, from: &Value, to: &Value) -> bool {
    match (have, from, to) {
        (Value::Number(v), Value::Number(a), Value::Number(b)) => {
            let (v, a, b) = (v.as_f64(), a.as_f64(), b.as_f64());
            a <= v && v <= b
        }
        (Value::String(v), Value::String(a), Value::String(b)) => a <= v && v <= b,
        _ => false,
    }
}

/// The rows that can match `filter`, by index and in store order, when `leaf` pins one of
/// its comparisons to a few rows (an Equals on an indexed member): that comparison alone, the
/// first pinned one of an And, or every branch of an Or (their union). `None`: scan every row.
/// A superset only: the query still runs the whole filter over these rows.
pub fn pinned(filter: &Filter, leaf: &dyn Fn(&Filter) -> Option<Vec<Ix>>) -> Option<Vec<Ix>> {
    match filter {
        Filter::And(fs) => fs.iter().find_map(|f| pinned(f, leaf)),
        Filter::Or(fs) => {
            let mut ixs = fs.iter().map(|f| pinned(f, leaf)).collect::<Option<Vec<_>>>()?.concat();
            ixs.sort_unstable();
            ixs.dedup();
            Some(ixs)
        }
        Filter::Not(_) | Filter::Between { .. } => None,
        Filter::Compare { .. } => leaf(filter),
    }
}

impl Filter {
    /// Does the JSON row pass? The reference semantics: an array member passes a comparison
    /// when any element does; a missing member passes only NotEquals. Queries use the typed
    /// path ([`run`]); tests compare the two.
    pub fn matches(&self, row: &Value) -> bool {
        match self {
            Filter::And(fs) => fs.iter().all(|f| f.matches(row)),
            Filter::Or(fs) => fs.iter().any(|f| f.matches(row)),
            Filter::Not(f) => !f.matches(row),
            Filter::Between { member: m, from, to } => match member(row, m) {
                None => false,
                Some(Value::Array(items)) => items.iter().any(|v| in_range(v, from, to)),
                Some(v) => in_range(v, from, to),
            },
            Filter::Compare { op, member: m, value } => {
                let hit = match member(row, m) {
                    None => false,
                    Some(Value::Array(items)) => items.iter().any(|v| scalar_matches(*op, v, value)),
                    Some(v) => scalar_matches(*op, v, value),
                };
                if *op == Compare::NotEquals {
                    !hit
                } else {
                    hit
                }
            }
        }
    }
}

// ------------------------------------------------------------------ members

/// One queryable member of a row: its dotted path and how it is read from the stored record.
/// The row's JSON, every filter and every sort read members only through these tables, so a
/// member's value, its comparisons and its JSON form cannot disagree.
pub struct Member<R: 'static> {
    pub name: &'static str,
    pub read: Read<R>,
    /// For members that depend only on another record (a session's user): that record's
    /// index. A query then reads the member once per such record, not once per row.
    pub same_for: Option<fn(&R) -> Ix>,
}

/// Reads a member of a record. Text that the store does not hold as such (`DOMAIN\name`, a
/// `Machine/…` id) is written into the scratch buffer, so that reading allocates nothing.
pub type Read<R> = for<'f, 's> fn(&'f Federation, &'f R, &'s mut String) -> Val<'f, 's>;

// Macros, not `const fn`s: rustc 1.63 refuses `&mut` in a const fn's signature (`Read`).
macro_rules! m {
    ($name:expr, $read:expr) => {
        Member { name: $name, read: $read, same_for: None }
    };
}

/// A member of a session that depends only on its user.
macro_rules! of_user {
    ($name:expr, $read:expr) => {
        Member { name: $name, read: $read, same_for: Some(|s: &Session| s.user) }
    };
}

/// A member's value, as stored.
#[derive(Debug, Clone, Copy)]
pub enum Val<'f, 's> {
    /// Unset: omitted from the row, never passes a comparison, sorts last.
    Missing,
    /// Text the store holds.
    Str(&'f str),
    /// Text made for this read (in the scratch buffer).
    Text(&'s str),
    Int(i64),
    Bool(bool),
    /// An RFC 3339 time in JSON. Every stored time has a four-digit year, so the text sorts as
    /// the timestamp does.
    Time(Timestamp),
    /// An array of user and group ids.
    Ids(&'f [Ix]),
    /// An array of strings.
    Strs(&'f [String]),
}

/// One element of a member (the member itself, or an element of an array member).
#[derive(Clone, Copy)]
enum Item<'a> {
    Str(&'a str),
    Int(i64),
    Bool(bool),
    Time(Timestamp),
}

impl<'f, 's> Val<'f, 's> {
    /// Is any element `pass`? Missing has none.
    fn any(self, f: &'f Federation, mut pass: impl FnMut(Item<'_>) -> bool) -> bool {
        match self {
            Val::Missing => false,
            Val::Str(s) => pass(Item::Str(s)),
            Val::Text(s) => pass(Item::Str(s)),
            Val::Int(i) => pass(Item::Int(i)),
            Val::Bool(b) => pass(Item::Bool(b)),
            Val::Time(t) => pass(Item::Time(t)),
            Val::Ids(ids) => ids.iter().any(|&i| pass(Item::Str(&f.users_and_groups.get(i).id))),
            Val::Strs(v) => v.iter().any(|s| pass(Item::Str(s))),
        }
    }
}

fn text<'a>(buf: &'a mut String, parts: &[&str]) -> &'a str {
    buf.clear();
    parts.iter().for_each(|p| buf.push_str(p));
    buf
}

/// The desktop of a session, if it runs on one.
fn desktop<'f>(f: &'f Federation, s: &Session) -> Option<&'f Desktop> {
    match s.resource {
        Resource::Desktop(d) => Some(f.desktops.get(d)),
        Resource::Farm(_) => None,
    }
}

fn farm<'f>(f: &'f Federation, s: &Session) -> Option<&'f Farm> {
    match s.resource {
        Resource::Farm(fm) => Some(f.farms.get(fm)),
        Resource::Desktop(_) => None,
    }
}

/// Does the session run on an RDS host (a farm, or an RDS desktop)?
fn on_rds_host(f: &Federation, s: &Session) -> bool {
    desktop(f, s).map_or(true, |d| d.desktop_type == DesktopType::Rds)
}

fn opt<'f, 's, T>(v: Option<T>, to: impl FnOnce(T) -> Val<'f, 's>) -> Val<'f, 's> {
    v.map_or(Val::Missing, to)
}

/// The members of a `SessionLocalSummaryView` (contract 3.2), in the order the row is written.
/// `session::summary_view` builds the same view as a typed struct for
/// Session_GetLocalSummaryView; tests check that the two agree on every member.
pub const SESSION_MEMBERS: [Member<Session>; 28] = [
    m!("id", |_, s, _| Val::Str(&s.id)),
    of_user!("namesData.userName", |f, s, buf| {
        let u = f.users_and_groups.get(s.user);
        Val::Text(text(buf, &[&u.domain, "\\", &u.name]))
    }),
    m!("namesData.machineOrRDSServerName", |_, s, _| opt(s.machine(), Val::Str)),
    m!("namesData.machineOrRDSServerDNS", |f, s, buf| match s.machine() {
        None => Val::Missing,
        Some(machine) => {
            text(buf, &[machine, ".", &f.users_and_groups.get(s.user).domain, ".local"]);
            if buf.is_ascii() {
                buf.make_ascii_lowercase();
            } else {
                *buf = buf.to_lowercase();
            }
            Val::Text(buf)
        }
    }),
    m!("namesData.desktopName", |f, s, _| opt(desktop(f, s), |d| Val::Str(d.display_name.as_deref().unwrap_or(&d.name)))),
    m!("namesData.desktopType", |f, s, _| opt(desktop(f, s), |d| Val::Str(d.desktop_type.as_str()))),
    m!("namesData.desktopSource", |f, s, _| opt(desktop(f, s), |d| Val::Str(d.source.as_str()))),
    m!("namesData.farmName", |f, s, _| opt(farm(f, s), |fm| Val::Str(&fm.name))),
    m!("namesData.clientName", |_, s, _| opt(s.client_name(), Val::Str)),
    m!("namesData.clientAddress", |_, s, _| opt(s.client_address(), Val::Str)),
    m!("namesData.clientType", |_, s, _| opt(s.client_type(), Val::Str)),
    m!("namesData.applicationNames", |_, s, _| opt(s.application_names.as_deref(), Val::Strs)),
    of_user!("referenceData.user", |f, s, _| Val::Str(&f.users_and_groups.get(s.user).id)),
    of_user!("referenceData.groups", |f, s, _| Val::Ids(&f.users_and_groups.get(s.user).member_of)),
    m!("referenceData.accessGroup", |f, s, _| Val::Str(&f.access_groups.get(f.session_access_group(s)).id)),
    m!("referenceData.desktop", |f, s, _| opt(desktop(f, s), |d| Val::Str(&d.id))),
    m!("referenceData.farm", |f, s, _| opt(farm(f, s), |fm| Val::Str(&fm.id))),
    m!("referenceData.machine", |f, s, buf| match s.machine() {
        Some(machine) if !on_rds_host(f, s) => Val::Text(text(buf, &["Machine/", machine])),
        _ => Val::Missing,
    }),
    m!("referenceData.rdsServer", |f, s, buf| match s.machine() {
        Some(machine) if on_rds_host(f, s) => Val::Text(text(buf, &["RDSServer/", machine])),
        _ => Val::Missing,
    }),
    m!("sessionData.sessionType", |_, s, _| Val::Str(s.session_type.as_str())),
    // A disconnected session has no protocol (contract 3.2).
    m!("sessionData.sessionProtocol", |_, s, _| match s.state {
        SessionState::Disconnected => Val::Missing,
        _ => opt(s.protocol, |p| Val::Str(p.as_str())),
    }),
    m!("sessionData.sessionState", |_, s, _| Val::Str(s.state.as_str())),
    m!("sessionData.startTime", |_, s, _| Val::Time(s.start)),
    m!("sessionData.disconnectTime", |_, s, _| opt(s.disconnect, Val::Time)),
    m!("sessionData.lastSessionDurationMS", |_, s, _| opt(s.disconnect, |d| Val::Int((d - s.start).max(0) * 1000))),
    // The view is local: never brokered or resourced remotely.
    m!("sessionData.brokeredRemotely", |_, _, _| Val::Bool(false)),
    m!("sessionData.resourcedRemotely", |_, _, _| Val::Bool(false)),
    m!("sessionData.idleDuration", |_, s, _| opt(s.idle_minutes, |i| Val::Int(i.into()))),
];

/// The members of an event object (contract 5.3).
pub const EVENT_MEMBERS: [Member<EventRecord>; 10] = [
    m!("id", |_, e, _| Val::Int(e.id as i64)),
    m!("time", |_, e, _| Val::Time(e.time)),
    m!("type", |_, e, _| Val::Str(e.event_type)),
    m!("severity", |_, e, _| Val::Str(if e.success { AUDIT_SUCCESS } else { AUDIT_FAIL })),
    m!("admin", |f, e, buf| {
        let a = &f.admins[e.admin as usize];
        Val::Text(text(buf, &[&a.domain, "\\", &a.name]))
    }),
    m!("message", |f, e, buf| match &e.message {
        EventMessage::Text(t) => Val::Str(t),
        EventMessage::SessionDone(verb) => Val::Text(session::done_message(f, e, verb, buf)),
    }),
    m!("session", |_, e, _| opt(e.session.as_deref(), Val::Str)),
    m!("userHomeSite", |_, e, _| opt(e.user_home_site.as_deref(), Val::Str)),
    m!("user", |f, e, _| opt(e.user, |u| Val::Str(&f.users_and_groups.get(u).id))),
    m!("pod", |f, e, _| opt(e.pod, |p| Val::Str(&f.pods.get(p).id))),
];

// The inventory (contract section 6's world objects, never a password).
pub const USER_OR_GROUP_MEMBERS: [Member<UserOrGroup>; 7] = [
    m!("id", |_, u, _| Val::Str(&u.id)),
    m!("name", |_, u, _| Val::Str(&u.name)),
    m!("domain", |_, u, _| Val::Str(&u.domain)),
    m!("group", |_, u, _| Val::Bool(u.group)),
    // Only groups have members.
    m!("members", |_, u, _| if u.group { Val::Ids(&u.members) } else { Val::Missing }),
    // World extensions, present only where the world sets them (README, "World objects").
    m!("displayName", |_, u, _| opt(u.display_name.as_deref(), Val::Str)),
    m!("loginName", |_, u, _| opt(u.login_name.as_deref(), Val::Str)),
];
pub const SITE_MEMBERS: [Member<Site>; 2] = [m!("id", |_, s, _| Val::Str(&s.id)), m!("name", |_, s, _| Val::Str(&s.name))];
pub const POD_MEMBERS: [Member<Pod>; 4] = [
    m!("id", |_, p, _| Val::Str(&p.id)),
    m!("name", |_, p, _| Val::Str(&p.name)),
    m!("site", |f, p, _| Val::Str(&f.sites.get(p.site).id)),
    m!("reachable", |_, p, _| Val::Bool(p.reachable)),
];
pub const ACCESS_GROUP_MEMBERS: [Member<AccessGroup>; 3] = [
    m!("id", |_, a, _| Val::Str(&a.id)),
    m!("name", |_, a, _| Val::Str(&a.name)),
    m!("parent", |f, a, _| opt(a.parent, |p| Val::Str(&f.access_groups.get(p).id))),
];
/// Global entitlements and global application entitlements alike.
pub const ENTITLEMENT_MEMBERS: [Member<Entitlement>; 3] =
    [m!("id", |_, e, _| Val::Str(&e.id)), m!("name", |_, e, _| Val::Str(&e.name)), m!("members", |_, e, _| Val::Ids(&e.members))];
pub const DESKTOP_MEMBERS: [Member<Desktop>; 7] = [
    m!("id", |_, d, _| Val::Str(&d.id)),
    m!("name", |_, d, _| Val::Str(&d.name)),
    m!("pod", |f, d, _| Val::Str(&f.pods.get(d.pod).id)),
    m!("accessGroup", |f, d, _| Val::Str(&f.access_groups.get(d.access_group).id)),
    m!("desktopType", |_, d, _| Val::Str(d.desktop_type.as_str())),
    m!("desktopSource", |_, d, _| Val::Str(d.source.as_str())),
    m!("displayName", |_, d, _| opt(d.display_name.as_deref(), Val::Str)),
];
pub const FARM_MEMBERS: [Member<Farm>; 4] = [
    m!("id", |_, fm, _| Val::Str(&fm.id)),
    m!("name", |_, fm, _| Val::Str(&fm.name)),
    m!("pod", |f, fm, _| Val::Str(&f.pods.get(fm.pod).id)),
    m!("accessGroup", |f, fm, _| Val::Str(&f.access_groups.get(fm.access_group).id)),
];

/// The inventory's entity types (Inventory_Query's `entityType`).
pub const INVENTORY_TYPES: [&str; 8] = ["UserOrGroup", "Site", "Pod", "AccessGroup", "GlobalEntitlement", "GlobalApplicationEntitlement", "Desktop", "Farm"];

/// The members of an inventory entity type, as names (for the request parser).
pub fn inventory_fields(entity_type: &str) -> Option<Vec<&'static str>> {
    fn names<R>(members: &[Member<R>]) -> Option<Vec<&'static str>> {
        Some(members.iter().map(|m| m.name).collect())
    }
    match entity_type {
        "UserOrGroup" => names(&USER_OR_GROUP_MEMBERS),
        "Site" => names(&SITE_MEMBERS),
        "Pod" => names(&POD_MEMBERS),
        "AccessGroup" => names(&ACCESS_GROUP_MEMBERS),
        "GlobalEntitlement" | "GlobalApplicationEntitlement" => names(&ENTITLEMENT_MEMBERS),
        "Desktop" => names(&DESKTOP_MEMBERS),
        "Farm" => names(&FARM_MEMBERS),
        _ => None,
    }
}

impl<R> Fields for [Member<R>] {
    fn has(&self, name: &str) -> bool {
        self.iter().any(|m| m.name == name)
    }
}

impl<R, const N: usize> Fields for [Member<R>; N] {
    fn has(&self, name: &str) -> bool {
        self[..].has(name)
    }
}

fn lookup<R>(members: &'static [Member<R>], name: &str) -> Result<&'static Member<R>, Fault> {
    members.iter().find(|m| m.name == name).ok_or_else(|| bad_filter(format!("Unknown memberName {name:?}.")))
}

// ------------------------------------------------------------------ filters on records

/// A text to find without regard to case, lower-cased once.
struct Needle {
    lower: String,
    ascii: bool,
}

impl Needle {
    fn new(s: &str) -> Needle {
        let lower = s.to_lowercase();
        Needle { ascii: lower.is_ascii(), lower }
    }

    /// `hay.to_lowercase()` contains (or starts with) the needle; without allocating when
    /// both are ASCII.
    fn found_in(&self, hay: &str, at_start: bool) -> bool {
        let n = self.lower.as_bytes();
        if self.ascii && hay.is_ascii() {
            let h = hay.as_bytes();
            let at = |i: usize| h[i..i + n.len()].iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b);
            return if h.len() < n.len() {
                false
            } else if at_start {
                at(0)
            } else {
                (0..=h.len() - n.len()).any(at)
            };
        }
        let l = hay.to_lowercase();
        if at_start {
            l.starts_with(&self.lower)
        } else {
            l.contains(&self.lower)
        }
    }
}

/// What an Equals or NotEquals compares with.
enum Want {
    /// A string, and the time it is when it is exactly a time as this library writes one.
    Str(String, Option<Timestamp>),
    Num(f64),
    Bool(bool),
}

enum Bounds {
    Num(f64, f64),
    /// The strings, and the times whose text lies between them.
    Str(String, String, (Timestamp, Timestamp)),
}

/// The times written with a four-digit year: their text sorts as they do.
fn text_sorts_as_time(t: Timestamp) -> bool {
    (time::EARLIEST..=time::LATEST).contains(&t)
}

/// The first time of four-digit year whose text is not below `s` (`LATEST + 1` if none).
fn first_time_from(s: &str) -> Timestamp {
    let (mut lo, mut hi) = (time::EARLIEST, time::LATEST + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if time::format(mid).as_str() < s {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The times whose text lies in `a..=b`, as a range of timestamps (empty when `lo > hi`).
fn times_between(a: &str, b: &str) -> (Timestamp, Timestamp) {
    // The last time whose text is at most b is the one before the first whose text is above b.
    let after_b = first_time_from(&format!("{b}\u{0}"));
    (first_time_from(a), after_b - 1)
}

/// A filter compiled against a member table.
enum Test<R: 'static> {
    Equals(Read<R>, Want, bool),
    Find(Read<R>, Needle, bool),
    Between(Read<R>, Bounds),
    And(Vec<Test<R>>),
    Or(Vec<Test<R>>),
    Not(Box<Test<R>>),
    /// A test of a member that depends only on another record: its verdict per such record
    /// (0 unknown, 1 fails, 2 passes).
    Memo(fn(&R) -> Ix, RefCell<Vec<u8>>, Box<Test<R>>),
}

/// Scratch buffers for one evaluation thread.
#[derive(Default)]
struct Scratch {
    read: String,
    time: String,
}

fn time_text(buf: &mut String, t: Timestamp) -> &str {
    buf.clear();
    buf.push_str(&time::format(t));
    buf
}

fn compile<R>(flt: &Filter, members: &'static [Member<R>]) -> Result<Test<R>, Fault> {
    let all = |fs: &[Filter]| fs.iter().map(|x| compile(x, members)).collect::<Result<Vec<_>, _>>();
    Ok(match flt {
        Filter::And(fs) => Test::And(all(fs)?),
        Filter::Or(fs) => Test::Or(all(fs)?),
        Filter::Not(x) => Test::Not(Box::new(compile(x, members)?)),
        Filter::Between { member, from, to } => {
            let bounds = match (from, to) {
                (Value::Number(a), Value::Number(b)) => Bounds::Num(a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN)),
                (Value::String(a), Value::String(b)) => Bounds::Str(a.clone(), b.clone(), times_between(a, b)),
                _ => return Err(bad_filter("A Between filter needs fromValue and toValue, both numbers or both strings.")),
            };
            let m = lookup(members, member)?;
            memo(m, Test::Between(m.read, bounds))
        }
        Filter::Compare { op, member, value } => {
            let m = lookup(members, member)?;
            let read = m.read;
            memo(
                m,
                match (op, value) {
                    (Compare::Contains | Compare::StartsWith, Value::String(s)) => Test::Find(read, Needle::new(s), *op == Compare::StartsWith),
                    (Compare::Equals | Compare::NotEquals, v) => {
                        let want = match v {
                            Value::String(s) => Want::Str(s.clone(), time::parse(s).filter(|&t| time::format(t) == *s)),
                            Value::Number(n) => Want::Num(n.as_f64().unwrap_or(f64::NAN)),
                            Value::Bool(b) => Want::Bool(*b),
                            _ => return Err(bad_filter("An Equals filter needs a string, number or boolean value.")),
                        };
                        Test::Equals(read, want, *op == Compare::NotEquals)
                    }
                    _ => return Err(bad_filter("A Contains or StartsWith filter needs a string value.")),
                },
            )
        }
    })
}

fn memo<R>(m: &Member<R>, test: Test<R>) -> Test<R> {
    match m.same_for {
        Some(owner) => Test::Memo(owner, RefCell::new(Vec::new()), Box::new(test)),
        None => test,
    }
}

impl<R> Test<R> {
    /// Does the record pass? Same semantics as [`Filter::matches`] on the record's JSON row.
    fn passes(&self, f: &Federation, r: &R, sc: &mut Scratch) -> bool {
        match self {
            Test::And(ts) => ts.iter().all(|t| t.passes(f, r, sc)),
            Test::Or(ts) => ts.iter().any(|t| t.passes(f, r, sc)),
            Test::Not(t) => !t.passes(f, r, sc),
            Test::Memo(owner, verdicts, t) => {
                let o = owner(r) as usize;
                let known = verdicts.borrow().get(o).copied().unwrap_or(0);
                if known != 0 {
                    return known == 2;
                }
                let pass = t.passes(f, r, sc);
                let mut v = verdicts.borrow_mut();
                if v.len() <= o {
                    v.resize(o + 1, 0);
                }
                v[o] = 1 + pass as u8;
                pass
            }
            Test::Equals(read, want, negate) => {
                let hit = read(f, r, &mut sc.read).any(f, |item| match (want, item) {
                    (Want::Str(w, _), Item::Str(s)) => s == w,
                    (Want::Str(_, wt), Item::Time(t)) => *wt == Some(t),
                    (Want::Num(w), Item::Int(i)) => i as f64 == *w,
                    (Want::Bool(w), Item::Bool(b)) => b == *w,
                    _ => false,
                });
                hit != *negate
            }
            Test::Find(read, needle, at_start) => {
                let Scratch { read: rb, time: tb } = sc;
                read(f, r, rb).any(f, |item| match item {
                    Item::Str(s) => needle.found_in(s, *at_start),
                    Item::Time(t) => needle.found_in(time_text(tb, t), *at_start),
                    Item::Int(_) | Item::Bool(_) => false,
                })
            }
            Test::Between(read, bounds) => {
                let Scratch { read: rb, time: tb } = sc;
                read(f, r, rb).any(f, |item| match (bounds, item) {
                    (Bounds::Num(a, b), Item::Int(i)) => *a <= i as f64 && i as f64 <= *b,
                    (Bounds::Str(a, b, _), Item::Str(s)) => a.as_str() <= s && s <= b.as_str(),
                    (Bounds::Str(_, _, (lo, hi)), Item::Time(t)) if text_sorts_as_time(t) => *lo <= t && t <= *hi,
                    (Bounds::Str(a, b, _), Item::Time(t)) => {
                        let s = time_text(tb, t);
                        a.as_str() <= s && s <= b.as_str()
                    }
                    _ => false,
                })
            }
        }
    }
}

// ------------------------------------------------------------------ sort keys

/// A sort key borrowed for one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum KeyRef<'a> {
    // Declared in the order kinds compare; a member has one kind, so only Missing meets others.
    Bool(bool),
    Int(i64),
    Str(&'a str),
    Missing,
}

/// A sort key kept with a candidate row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Bool(bool),
    Int(i64),
    Str(Box<str>),
    Missing,
}

impl Key {
    fn as_ref(&self) -> KeyRef<'_> {
        match self {
            Key::Bool(b) => KeyRef::Bool(*b),
            Key::Int(i) => KeyRef::Int(*i),
            Key::Str(s) => KeyRef::Str(s),
            Key::Missing => KeyRef::Missing,
        }
    }
}

impl KeyRef<'_> {
    fn owned(self) -> Key {
        match self {
            KeyRef::Bool(b) => Key::Bool(b),
            KeyRef::Int(i) => Key::Int(i),
            KeyRef::Str(s) => Key::Str(s.into()),
            KeyRef::Missing => Key::Missing,
        }
    }
}

/// The sort key of a value: times sort as their timestamps (as their text would), arrays as
/// their JSON text.
fn key<'a>(v: Val<'a, 'a>, f: &'a Federation, buf: &'a mut String) -> KeyRef<'a> {
    let list = |buf: &'a mut String, items: &mut dyn Iterator<Item = &str>| -> KeyRef<'a> {
        buf.clear();
        buf.push('[');
        for (i, s) in items.enumerate() {
            if i > 0 {
                buf.push(',');
            }
            // As serde_json writes a string; most need no escape at all.
            if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
                buf.push_str(&serde_json::to_string(s).expect("strings serialize"));
            } else {
                buf.push('"');
                buf.push_str(s);
                buf.push('"');
            }
        }
        buf.push(']');
        KeyRef::Str(buf)
    };
    match v {
        Val::Missing => KeyRef::Missing,
        Val::Str(s) | Val::Text(s) => KeyRef::Str(s),
        Val::Int(i) | Val::Time(i) => KeyRef::Int(i),
        Val::Bool(b) => KeyRef::Bool(b),
        Val::Ids(ids) => list(buf, &mut ids.iter().map(|&i| &*f.users_and_groups.get(i).id)),
        Val::Strs(v) => list(buf, &mut v.iter().map(String::as_str)),
    }
}

/// The order of rows: by key (descending reverses it), missing values last either way, then
/// by store position — a total order, so a partial selection finds the same page a stable
/// sort of every row would.
fn order(a: KeyRef, a_pos: Ix, b: KeyRef, b_pos: Ix, descending: bool) -> Ordering {
    let by_key = match (a, b) {
        (KeyRef::Missing, KeyRef::Missing) => Ordering::Equal,
        (KeyRef::Missing, _) => Ordering::Greater,
        (_, KeyRef::Missing) => Ordering::Less,
        _ if descending => b.cmp(&a),
        _ => a.cmp(&b),
    };
    by_key.then(a_pos.cmp(&b_pos))
}

// ------------------------------------------------------------------ running a query

/// A page of results, written as JSON straight from the records.
pub struct Page<'f, R: 'static> {
    f: &'f Federation,
    members: &'static [Member<R>],
    pub results: Vec<&'f R>,
    pub starting_offset: usize,
    pub remaining_count: usize,
}

/// Runs a query over `rows` (each with its store position, in store order). `count` is their
/// number when it is known without a scan; an unfiltered, unsorted query then reads only the
/// rows of its page.
pub fn run<'f, R>(
    q: &Query,
    members: &'static [Member<R>],
    f: &'f Federation,
    rows: impl Iterator<Item = (Ix, &'f R)>,
    count: Option<usize>,
) -> Result<Page<'f, R>, Fault> {
    let test = q.filter.as_ref().map(|flt| compile(flt, members)).transpose()?;
    let sort =
        q.sort_by.as_deref().map(|s| lookup(members, s).map_err(|_| Fault::invalid_argument("sortBy", format!("Unknown sortBy member {s:?}.")))).transpose()?;
    let (offset, limit) = (q.starting_offset, q.limit);
    let mut sc = Scratch::default();
    let mut pass = |r: &R| test.as_ref().map_or(true, |t| t.passes(f, r, &mut sc));
    let page = |results: Vec<&'f R>, total: usize| {
        let remaining_count = total.saturating_sub(offset.saturating_add(results.len()));
        Page { f, members, results, starting_offset: offset, remaining_count }
    };
    let sort = match sort {
        Some(sort) => sort,
        _ => {
            if let (None, Some(total)) = (&test, count) {
                return Ok(page(rows.skip(offset).take(limit).map(|(_, r)| r).collect(), total));
            }
            let end = offset.saturating_add(limit);
            let (mut results, mut total) = (Vec::new(), 0usize);
            for (_, r) in rows {
                if pass(r) {
                    if total >= offset && total < end {
                        results.push(r);
                    }
                    total += 1;
                }
            }
            return Ok(page(results, total));
        }
    };
    // The first `want` rows in order: candidates are kept while they beat the worst of the
    // best `want` seen so far; every `2 * want` candidates, a selection drops the rest.
    let desc = q.sort_descending;
    let want = offset.saturating_add(limit);
    let prune_at = want.saturating_mul(2).max(64);
    let cmp = |a: &(Key, Ix, &R), b: &(Key, Ix, &R)| order(a.0.as_ref(), a.1, b.0.as_ref(), b.1, desc);
    let mut best: Vec<(Key, Ix, &'f R)> = Vec::new();
    let mut worst: Option<(Key, Ix)> = None;
    let (mut read_buf, mut key_buf) = (String::new(), String::new());
    let mut total = 0usize;
    // Keys of members that depend on another record, by that record's index.
    let mut keys: Vec<Option<Key>> = Vec::new();
    for (pos, r) in rows {
        if !pass(r) {
            continue;
        }
        total += 1;
        let k = match sort.same_for {
            None => key((sort.read)(f, r, &mut read_buf), f, &mut key_buf),
            Some(owner) => {
                let o = owner(r) as usize;
                if keys.len() <= o {
                    keys.resize(o + 1, None);
                }
                keys[o].get_or_insert_with(|| key((sort.read)(f, r, &mut read_buf), f, &mut key_buf).owned()).as_ref()
            }
        };
        if let Some((wk, wp)) = &worst {
            if order(k, pos, wk.as_ref(), *wp, desc) == Ordering::Greater {
                continue;
            }
        }
        best.push((k.owned(), pos, r));
        if best.len() >= prune_at {
            best.select_nth_unstable_by(want - 1, cmp);
            best.truncate(want);
            worst = best.last().map(|(k, p, _)| (k.clone(), *p));
        }
    }
    best.sort_unstable_by(cmp);
    Ok(page(best.into_iter().skip(offset).take(limit).map(|(_, _, r)| r).collect(), total))
}

// ------------------------------------------------------------------ JSON

/// A member's value as the contract writes it (user and group indexes as their ids).
pub struct ValJson<'f, 's>(pub &'f Federation, pub Val<'f, 's>);

impl Serialize for ValJson<'_, '_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        match self.1 {
            Val::Missing => ser.serialize_none(),
            Val::Str(s) | Val::Text(s) => ser.serialize_str(s),
            Val::Int(i) => ser.serialize_i64(i),
            Val::Bool(b) => ser.serialize_bool(b),
            Val::Time(t) => ser.serialize_str(&time::format(t)),
            Val::Ids(ids) => ser.collect_seq(ids.iter().map(|&i| &*f.users_and_groups.get(i).id)),
            Val::Strs(v) => ser.collect_seq(v),
        }
    }
}

/// How a record is written: the members under a common first segment (`namesData.…`)
/// become a nested object, in the table's order.
enum Node<R: 'static> {
    Leaf(&'static str, Read<R>),
    Object(&'static str, Vec<Node<R>>),
}

fn layout<R>(members: &'static [Member<R>]) -> Vec<Node<R>> {
    let mut nodes: Vec<Node<R>> = Vec::new();
    for m in members {
        let mut level = &mut nodes;
        let mut rest = m.name;
        while let Some((seg, tail)) = rest.split_once('.') {
            if !matches!(level.last(), Some(Node::Object(s, _)) if *s == seg) {
                level.push(Node::Object(seg, Vec::new()));
            }
            let inner = match level.last_mut() {
                Some(Node::Object(_, inner)) => inner,
                _ => unreachable!("just pushed"),
            };
            level = inner;
            rest = tail;
        }
        level.push(Node::Leaf(rest, m.read));
    }
    nodes
}

/// A record as its JSON object; unset members are omitted.
struct RowJson<'f, 'l, R: 'static> {
    f: &'f Federation,
    r: &'f R,
    nodes: &'l [Node<R>],
}

impl<R> Serialize for RowJson<'_, '_, R> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut map = ser.serialize_map(None)?;
        let mut buf = String::new();
        for node in self.nodes {
            match node {
                Node::Object(name, nodes) => map.serialize_entry(name, &RowJson { f: self.f, r: self.r, nodes })?,
                Node::Leaf(name, read) => {
                    let v = read(self.f, self.r, &mut buf);
                    if !matches!(v, Val::Missing) {
                        map.serialize_entry(name, &ValJson(self.f, v))?;
                    }
                }
            }
        }
        map.end()
    }
}

impl<'f, R> Page<'f, R> {
    /// The federation the rows are read from.
    pub fn federation(&self) -> &'f Federation {
        self.f
    }

    /// The reader of a member, by its contract name: for writers of other forms of the rows
    /// (the REST server's wire rows), which then read the store as this page's JSON does.
    pub fn reader(&self, name: &str) -> Option<Read<R>> {
        self.members.iter().find(|m| m.name == name).map(|m| m.read)
    }
}

impl<R> Serialize for Page<'_, R> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let nodes = layout(self.members);
        let rows = self.results.iter().map(|&r| RowJson { f: self.f, r, nodes: &nodes });
        let mut map = ser.serialize_map(Some(3))?;
        map.serialize_entry("results", &Rows(std::cell::RefCell::new(Some(rows))))?;
        map.serialize_entry("startingOffset", &self.starting_offset)?;
        map.serialize_entry("remainingCount", &self.remaining_count)?;
        map.end()
    }
}

/// A sequence written from an iterator, once.
struct Rows<I>(std::cell::RefCell<Option<I>>);

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Rows<I> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq(self.0.borrow_mut().take().into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(v: Value) -> Result<Query, Fault> {
        parse(&Obj::top(&v, "request").unwrap(), &["a", "b.c"])
    }

    #[test]
    fn filters() {
        let row = json!({"a": "Hello", "b": {"c": [1, 2]}});
        let f = |v: Value| q(json!({ "filter": v })).unwrap().filter.unwrap();
        assert!(f(json!({"type": "Equals", "memberName": "a", "value": "Hello"})).matches(&row));
        assert!(!f(json!({"type": "Equals", "memberName": "a", "value": "hello"})).matches(&row));
        assert!(f(json!({"type": "Contains", "memberName": "a", "value": "ELL"})).matches(&row));
        assert!(f(json!({"type": "Equals", "memberName": "b.c", "value": 2})).matches(&row));
        assert!(f(json!({"type": "Not", "filter": {"type": "StartsWith", "memberName": "a", "value": "x"}})).matches(&row));
        assert!(q(json!({"filter": {"type": "Equals", "memberName": "zzz", "value": 1}})).is_err());
        let between = |from: Value, to: Value| f(json!({"type": "Between", "memberName": "b.c", "fromValue": from, "toValue": to}));
        assert!(between(json!(2), json!(5)).matches(&row), "any element of an array");
        assert!(!between(json!(3), json!(5)).matches(&row));
        assert!(between(json!(0.5), json!(1)).matches(&row), "inclusive, numbers compared as numbers");
        assert!(f(json!({"type": "Between", "memberName": "a", "fromValue": "H", "toValue": "Hello"})).matches(&row));
        assert!(!f(json!({"type": "Between", "memberName": "a", "fromValue": "h", "toValue": "z"})).matches(&row), "strings compare as strings");
        assert!(!between(json!("1"), json!("3")).matches(&row), "a number is not within strings");
        for bad in [
            json!({"fromValue": 1}),
            json!({"fromValue": 1, "toValue": "2"}),
            json!({"fromValue": true, "toValue": true}),
            json!({"fromValue": 1, "toValue": 2, "value": 1}),
        ] {
            let mut v = json!({"type": "Between", "memberName": "b.c"});
            v.as_object_mut().unwrap().extend(bad.as_object().unwrap().clone());
            assert!(q(json!({ "filter": v })).is_err(), "{v}");
        }
        assert!(q(json!({"limit": 0})).is_err());
    }
}
