//! Loads a world object (contract section 6) into a [`Federation`], checking every key and
//! every reference. A refusal names the path of the offending value (`"sessions[3].desktop"`)
//! and leaves nothing behind.

use super::store::*;
use crate::fault::Fault;
use crate::model::id::IdType;
use crate::model::reader::Obj;
use crate::model::time::{self, Timestamp};
use crate::service::privilege::{Privilege, PrivilegeSet, BUILTIN_ROLES};
use serde_json::Value;

pub const ROOT_ACCESS_GROUP: &str = "AccessGroup/root";

const WORLD_KEYS: [&str; 16] = [
    "localPod",
    "federationInitialized",
    "federationName",
    "federationGuid",
    "sites",
    "pods",
    "accessGroups",
    "usersAndGroups",
    "globalEntitlements",
    "globalApplicationEntitlements",
    "desktops",
    "farms",
    "sessions",
    "homeSites",
    "roles",
    "admins",
];

fn dangling(path: &str, id: &str) -> Fault {
    Fault::invalid_argument(path, format!("{path} refers to {id}, which the world does not define."))
}

fn duplicate(path: &str, id: &str) -> Fault {
    Fault::invalid_argument(path, format!("{path}: the id {id} is defined twice."))
}

fn bad(path: String, why: impl Into<String>) -> Fault {
    Fault::invalid_argument(&path, format!("{path}: {}.", why.into()))
}

/// Resolves a reference `obj.key` to an index in `table`.
fn reference(obj: &Obj, key: &str, ty: IdType, find: impl Fn(&str) -> Option<Ix>) -> Result<Ix, Fault> {
    let id = obj.id(key, ty)?;
    find(id).ok_or_else(|| dangling(&obj.path_of(key), id))
}

fn opt_reference(obj: &Obj, key: &str, ty: IdType, find: impl Fn(&str) -> Option<Ix>) -> Result<Option<Ix>, Fault> {
    match obj.opt_id(key, ty)? {
        None => Ok(None),
        Some(id) => find(id).map(Some).ok_or_else(|| dangling(&obj.path_of(key), id)),
    }
}

fn parse_enum<E>(obj: &Obj, key: &str, parse: fn(&str) -> Option<E>, choices: String) -> Result<Option<E>, Fault> {
    match obj.opt_str(key)? {
        None => Ok(None),
        Some(s) => parse(s).map(Some).ok_or_else(|| bad(obj.path_of(key), format!("{s:?} is not one of {choices}"))),
    }
}

fn parse_time(obj: &Obj, key: &str) -> Result<Option<Timestamp>, Fault> {
    match obj.opt_str(key)? {
        None => Ok(None),
        Some(s) => time::parse(s).map(Some).ok_or_else(|| bad(obj.path_of(key), format!("{s:?} is not an RFC 3339 time"))),
    }
}

/// Builds a federation from a world object. `now` is the time the world opens (the default
/// start time of sessions that give none).
pub fn load(value: &Value, now: Timestamp) -> Result<Federation, Fault> {
    let w = Obj::top(value, "world")?;
    w.only(&WORLD_KEYS)?;
    let mut f = Federation { initialized: w.opt_bool("federationInitialized")?.unwrap_or(true), ..Default::default() };
    f.name = w.opt_str("federationName")?.map(String::from);
    f.guid = w.opt_str("federationGuid")?.map(String::from);

    for o in w.objects("sites", "Site")? {
        o.only(&["id", "name"])?;
        let id = o.id("id", IdType::Site)?;
        let site = Site { id: id.into(), name: o.name("name")?.into() };
        f.sites.insert(id, site).ok_or_else(|| duplicate(&o.path_of("id"), id))?;
    }

    for o in w.objects("pods", "Pod")? {
        o.only(&["id", "name", "site", "reachable"])?;
        let id = o.id("id", IdType::Pod)?;
        let pod = Pod {
            id: id.into(),
            name: o.name("name")?.into(),
            site: reference(&o, "site", IdType::Site, |i| f.sites.find(i))?,
            reachable: o.opt_bool("reachable")?.unwrap_or(true),
        };
        f.pods.insert(id, pod).ok_or_else(|| duplicate(&o.path_of("id"), id))?;
    }
    f.local_pod = match w.opt_id("localPod", IdType::Pod)? {
        Some(id) => Some(f.pods.find(id).ok_or_else(|| dangling("localPod", id))?),
        None if f.pods.is_empty() => None,
        None => Some(0),
    };

    load_access_groups(&w, &mut f)?;
    load_users_and_groups(&w, &mut f)?;
    f.global_entitlements = load_entitlements(&w, "globalEntitlements", IdType::GlobalEntitlement, &mut f, false)?;
    f.global_application_entitlements = load_entitlements(&w, "globalApplicationEntitlements", IdType::GlobalApplicationEntitlement, &mut f, true)?;
    load_desktops_and_farms(&w, &mut f)?;
    load_sessions(&w, &mut f, now)?;
    load_home_sites(&w, &mut f)?;
    load_roles_and_admins(&w, &mut f)?;
    Ok(f)
}

fn load_access_groups(w: &Obj, f: &mut Federation) -> Result<(), Fault> {
    let list = w.objects("accessGroups", "AccessGroup")?;
    // Two passes: every group first, so that a parent may be listed after its child.
    for o in &list {
        o.only(&["id", "name", "parent"])?;
        let id = o.id("id", IdType::AccessGroup)?;
        let ag = AccessGroup { id: id.into(), name: o.name("name")?.into(), parent: None };
        f.access_groups.insert(id, ag).ok_or_else(|| duplicate(&o.path_of("id"), id))?;
    }
    let root = match f.access_groups.find(ROOT_ACCESS_GROUP) {
        Some(r) => r,
        None => {
            f.access_groups.insert(ROOT_ACCESS_GROUP, AccessGroup { id: ROOT_ACCESS_GROUP.into(), name: "Root".into(), parent: None }).expect("root is new")
        }
    };
    for (i, o) in list.iter().enumerate() {
        let ix = i as Ix;
        let parent = opt_reference(o, "parent", IdType::AccessGroup, |i| f.access_groups.find(i))?;
        if ix == root {
            if parent.is_some() {
                return Err(bad(o.path_of("parent"), "the root access group has no parent"));
            }
            continue;
        }
        f.access_groups.get_mut(ix).parent = Some(parent.unwrap_or(root));
    }
    for (i, o) in list.iter().enumerate() {
        // Every chain must reach the root; a cycle never does.
        let mut cur = Some(i as Ix);
        for _ in 0..=f.access_groups.len() {
            cur = cur.and_then(|c| f.access_groups.get(c).parent);
        }
        if cur.is_some() {
            return Err(bad(o.path_of("parent"), "the access groups' parents form a cycle"));
        }
    }
    Ok(())
}

fn load_users_and_groups(w: &Obj, f: &mut Federation) -> Result<(), Fault> {
    let list = w.objects("usersAndGroups", "UserOrGroup")?;
    f.users_and_groups.reserve(list.len());
    for o in &list {
        o.only(&["id", "name", "domain", "group", "members", "displayName", "loginName"])?;
        let id = o.id("id", IdType::UserOrGroup)?;
        let (name, domain) = (o.name("name")?, o.name("domain")?);
        let group = o.opt_bool("group")?.unwrap_or(false);
        let mut u = UserOrGroup::new(id, name, domain, group);
        // Kept only where they differ from the defaults (DOMAIN\name, name): every backend then
        // reports them alike.
        u.display_name = o.opt_str("displayName")?.filter(|d| *d != format!("{domain}\\{name}")).map(Into::into);
        u.login_name = o.opt_str("loginName")?.filter(|l| *l != name).map(Into::into);
        let ix = f.users_and_groups.insert(id, u).ok_or_else(|| duplicate(&o.path_of("id"), id))?;
        let key = Federation::user_name_key(domain, name);
        if f.by_name.insert(key, ix).is_some() {
            return Err(bad(o.path_of("name"), format!("{domain}\\{name} is defined twice")));
        }
    }
    for (i, o) in list.iter().enumerate() {
        let members = o.id_list("members", IdType::UserOrGroup)?;
        if !members.is_empty() && !f.users_and_groups.get(i as Ix).group {
            return Err(bad(o.path_of("members"), "only a group has members"));
        }
        for (k, m) in members.into_iter().enumerate() {
            let path = format!("{}[{k}]", o.path_of("members"));
            let mx = f.users_and_groups.find(m).ok_or_else(|| dangling(&path, m))?;
            if mx == i as Ix {
                return Err(bad(path, "a group cannot contain itself"));
            }
            let g = f.users_and_groups.get_mut(i as Ix);
            if !g.members.contains(&mx) {
                g.members.push(mx);
                f.users_and_groups.get_mut(mx).member_of.push(i as Ix);
            }
        }
    }
    f.rank_groups();
    Ok(())
}

fn load_entitlements(w: &Obj, key: &str, ty: IdType, f: &mut Federation, application: bool) -> Result<Table<Entitlement>, Fault> {
    let mut table = Table::default();
    for o in w.objects(key, ty.name())? {
        o.only(&["id", "name", "members"])?;
        let id = o.id("id", ty)?;
        let ix = table.len() as Ix;
        let mut members = Vec::new();
        for (k, m) in o.id_list("members", IdType::UserOrGroup)?.into_iter().enumerate() {
            let mx = f.users_and_groups.find(m).ok_or_else(|| dangling(&format!("{}[{k}]", o.path_of("members")), m))?;
            if !members.contains(&mx) {
                members.push(mx);
                let u = f.users_and_groups.get_mut(mx);
                if application { &mut u.global_application_entitlements } else { &mut u.global_entitlements }.push(ix);
            }
        }
        table.insert(id, Entitlement { id: id.into(), name: o.name("name")?.into(), members }).ok_or_else(|| duplicate(&o.path_of("id"), id))?;
    }
    Ok(table)
}

fn load_desktops_and_farms(w: &Obj, f: &mut Federation) -> Result<(), Fault> {
    let root = f.access_groups.find(ROOT_ACCESS_GROUP).expect("root exists");
    for o in w.objects("desktops", "Desktop")? {
        o.only(&["id", "name", "pod", "accessGroup", "desktopType", "desktopSource", "displayName"])?;
        let id = o.id("id", IdType::Desktop)?;
        let desktop_type = parse_enum(&o, "desktopType", DesktopType::parse, DesktopType::choices())?.unwrap_or(DesktopType::Automated);
        let default_source = match desktop_type {
            DesktopType::Automated => DesktopSource::InstantCloneEngine,
            DesktopType::Manual => DesktopSource::Unmanaged,
            DesktopType::Rds => DesktopSource::Rds,
        };
        let source = parse_enum(&o, "desktopSource", DesktopSource::parse, DesktopSource::choices())?.unwrap_or(default_source);
        if (desktop_type == DesktopType::Rds) != (source == DesktopSource::Rds) {
            return Err(bad(o.path_of("desktopSource"), "an RDS desktop has source RDS, and only an RDS desktop does"));
        }
        let d = Desktop {
            id: id.into(),
            name: o.name("name")?.into(),
            display_name: o.opt_str("displayName")?.map(Into::into),
            pod: reference(&o, "pod", IdType::Pod, |i| f.pods.find(i))?,
            access_group: opt_reference(&o, "accessGroup", IdType::AccessGroup, |i| f.access_groups.find(i))?.unwrap_or(root),
            desktop_type,
            source,
        };
        f.desktops.insert(id, d).ok_or_else(|| duplicate(&o.path_of("id"), id))?;
    }
    for o in w.objects("farms", "Farm")? {
        o.only(&["id", "name", "pod", "accessGroup"])?;
        let id = o.id("id", IdType::Farm)?;
        let farm = Farm {
            id: id.into(),
            name: o.name("name")?.into(),
            pod: reference(&o, "pod", IdType::Pod, |i| f.pods.find(i))?,
            access_group: opt_reference(&o, "accessGroup", IdType::AccessGroup, |i| f.access_groups.find(i))?.unwrap_or(root),
        };
        f.farms.insert(id, farm).ok_or_else(|| duplicate(&o.path_of("id"), id))?;
    }
    Ok(())
}

const SESSION_KEYS: [&str; 16] = [
    "id",
    "user",
    "desktop",
    "farm",
    "machineName",
    "sessionType",
    "sessionState",
    "locked",
    "sessionProtocol",
    "startTime",
    "applicationNames",
    "clientName",
    "clientAddress",
    // Beyond the contract's list, so that worlds can set every field of the summary view:
    "clientType",
    "disconnectTime",
    "idleDuration",
];

fn load_sessions(w: &Obj, f: &mut Federation, now: Timestamp) -> Result<(), Fault> {
    let list = w.objects("sessions", "Session")?;
    f.sessions.reserve(list.len());
    for o in list {
        o.only(&SESSION_KEYS)?;
        let id = o.id("id", IdType::Session)?;
        let user = reference(&o, "user", IdType::UserOrGroup, |i| f.users_and_groups.find(i))?;
        if f.users_and_groups.get(user).group {
            return Err(bad(o.path_of("user"), "a session belongs to a user, not a group"));
        }
        let desktop = opt_reference(&o, "desktop", IdType::Desktop, |i| f.desktops.find(i))?;
        let farm = opt_reference(&o, "farm", IdType::Farm, |i| f.farms.find(i))?;
        let resource = match (desktop, farm) {
            (Some(d), None) => Resource::Desktop(d),
            (None, Some(fm)) => Resource::Farm(fm),
            _ => return Err(bad(o.path_of("desktop"), "a session names exactly one of desktop and farm")),
        };
        let default_type = if farm.is_some() { SessionType::Application } else { SessionType::Desktop };
        let session_type = parse_enum(&o, "sessionType", SessionType::parse, SessionType::choices())?.unwrap_or(default_type);
        let state = parse_enum(&o, "sessionState", SessionState::parse, SessionState::choices())?.unwrap_or(SessionState::Connected);
        let protocol = parse_enum(&o, "sessionProtocol", Protocol::parse, Protocol::choices())?;
        let start = parse_time(&o, "startTime")?.unwrap_or(now);
        let disconnect = parse_time(&o, "disconnectTime")?;
        let client = [o.opt_str("clientName")?, o.opt_str("clientAddress")?, o.opt_str("clientType")?];
        let application_names = o.str_list("applicationNames")?.map(|v| v.into_iter().map(String::from).collect());
        let s = Session {
            id: id.into(),
            user,
            resource,
            text: SessionText::new([o.opt_str("machineName")?, client[0], client[1], client[2]]),
            application_names,
            session_type,
            // A disconnected session has no protocol (contract 3.2); a connected one defaults to Blast.
            protocol: match state {
                SessionState::Disconnected => None,
                SessionState::Connected => protocol.or(Some(Protocol::Blast)),
                SessionState::Pending => protocol,
            },
            state,
            locked: o.opt_bool("locked")?.unwrap_or(false),
            start,
            disconnect: match state {
                SessionState::Disconnected => Some(disconnect.unwrap_or(start)),
                _ => None,
            },
            idle_minutes: o.opt_count("idleDuration", u32::MAX as u64)?.map(|v| v as u32),
        };
        f.add_session(s).ok_or_else(|| duplicate(&o.path_of("id"), id))?;
    }
    Ok(())
}

fn load_home_sites(w: &Obj, f: &mut Federation) -> Result<(), Fault> {
    for o in w.objects("homeSites", "UserHomeSite")? {
        o.only(&["id", "userOrGroup", "site", "globalEntitlement", "globalApplicationEntitlement"])?;
        let id = o.id("id", IdType::UserHomeSite)?;
        let owner = reference(&o, "userOrGroup", IdType::UserOrGroup, |i| f.users_and_groups.find(i))?;
        let site = reference(&o, "site", IdType::Site, |i| f.sites.find(i))?;
        let ge = opt_reference(&o, "globalEntitlement", IdType::GlobalEntitlement, |i| f.global_entitlements.find(i))?;
        let gae = opt_reference(&o, "globalApplicationEntitlement", IdType::GlobalApplicationEntitlement, |i| f.global_application_entitlements.find(i))?;
        let scope = match (ge, gae) {
            (None, None) => Scope::Global,
            (Some(e), None) => Scope::GlobalEntitlement(e),
            (None, Some(e)) => Scope::GlobalApplicationEntitlement(e),
            (Some(_), Some(_)) => return Err(bad(o.path().to_owned(), "a home site names at most one of globalEntitlement and globalApplicationEntitlement")),
        };
        if f.home_site_for(owner, scope).is_some() {
            return Err(bad(o.path_of("userOrGroup"), "this user or group already has a home site for that scope"));
        }
        f.add_home_site(HomeSite { id: id.into(), owner, site, scope }).ok_or_else(|| duplicate(&o.path_of("id"), id))?;
    }
    Ok(())
}

fn load_roles_and_admins(w: &Obj, f: &mut Federation) -> Result<(), Fault> {
    for (name, privileges) in BUILTIN_ROLES {
        f.roles.push(Role { name: name.into(), privileges: privileges.iter().map(|p| p.name().into()).collect(), set: PrivilegeSet::of(privileges) });
    }
    for o in w.objects("roles", "Role")? {
        o.only(&["name", "privileges"])?;
        let name = o.name("name")?;
        let privileges = o.str_list("privileges")?.ok_or_else(|| o.missing("privileges"))?;
        for (k, p) in privileges.iter().enumerate() {
            // Any Horizon privilege name is accepted; those hvapi does not know grant nothing here.
            if p.is_empty() || !p.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_') {
                return Err(bad(format!("{}[{k}]", o.path_of("privileges")), format!("{p:?} is not a privilege name")));
            }
        }
        let set = PrivilegeSet::of(&privileges.iter().filter_map(|p| Privilege::from_name(p)).collect::<Vec<_>>());
        let role = Role { name: name.into(), privileges: privileges.iter().map(|&p| p.into()).collect(), set };
        match f.roles.iter().position(|r| &*r.name == name) {
            Some(i) if i < BUILTIN_ROLES.len() => f.roles[i] = role,
            Some(_) => return Err(bad(o.path_of("name"), format!("the role {name:?} is defined twice"))),
            None => f.roles.push(role),
        }
    }
    for o in w.objects("admins", "Admin")? {
        o.only(&["name", "domain", "password", "permissions"])?;
        let (name, domain) = (o.name("name")?, o.name("domain")?);
        if f.admins.iter().any(|a| a.name.eq_ignore_ascii_case(name) && a.domain.eq_ignore_ascii_case(domain)) {
            return Err(bad(o.path_of("name"), format!("the administrator {domain}\\{name} is defined twice")));
        }
        let mut permissions = Vec::new();
        for p in o.objects("permissions", "Permission")? {
            p.only(&["role", "scope"])?;
            let role_name = p.name("role")?;
            let role = f.roles.iter().find(|r| &*r.name == role_name).ok_or_else(|| dangling(&p.path_of("role"), role_name))?;
            let scope = match p.str("scope")? {
                "federation" => PermissionScope::Federation,
                _ => PermissionScope::AccessGroup(reference(&p, "scope", IdType::AccessGroup, |i| f.access_groups.find(i))?),
            };
            permissions.push(Permission { role: role_name.into(), privileges: role.set, scope });
        }
        f.admins.push(Admin { name: name.into(), domain: domain.into(), password: o.opt_str("password")?.map(Into::into), permissions });
    }
    Ok(())
}
