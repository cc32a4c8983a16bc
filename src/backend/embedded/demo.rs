//! The demo federation: a deterministic world built from counts (like vcsim's model). The same
//! counts give the same ids, names and times every time. Built straight into the store, so a
//! federation of a million sessions opens in seconds.

use super::store::*;
use super::world::ROOT_ACCESS_GROUP;
use crate::fault::Fault;
use crate::model::reader::Obj;
use crate::model::time::{self, Timestamp};
use crate::service::privilege::PrivilegeSet;
use crate::service::privilege::BUILTIN_ROLES;
use std::fmt::Write;

/// The demo's counts. `{"demo": {}}` uses the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub sites: u32,
    pub pods_per_site: u32,
    pub users: u32,
    pub groups: u32,
    pub global_entitlements: u32,
    pub global_application_entitlements: u32,
    pub sessions_per_pod: u32,
    pub groups_per_user: u32,
}

impl Default for Counts {
    fn default() -> Self {
        Counts {
            sites: 2,
            pods_per_site: 2,
            users: 40,
            groups: 6,
            global_entitlements: 4,
            global_application_entitlements: 2,
            sessions_per_pod: 25,
            groups_per_user: 2,
        }
    }
}

/// The demo's domain: every demo user, group and administrator is in it.
pub const DOMAIN: &str = "HVDEMO";
/// Demo session start times count back from here, so that they never change.
pub const EPOCH: &str = "2026-11-22T08:00:00Z";
/// The most sessions a demo may hold (memory protection: about 400 bytes each).
pub const MAX_SESSIONS: u64 = 20_000_000;

const KEYS: [(&str, u64); 8] = [
    ("sites", 1000),
    ("podsPerSite", 100),
    ("users", 10_000_000),
    ("groups", 100_000),
    ("globalEntitlements", 10_000),
    ("globalApplicationEntitlements", 10_000),
    ("sessionsPerPod", 10_000_000),
    ("groupsPerUser", 1000),
];

impl Counts {
    pub fn parse(o: &Obj) -> Result<Counts, Fault> {
        o.only(&KEYS.map(|k| k.0))?;
        let d = Counts::default();
        let get = |i: usize, default: u32| -> Result<u32, Fault> { Ok(o.opt_count(KEYS[i].0, KEYS[i].1)?.map_or(default, |v| v as u32)) };
        let c = Counts {
            sites: get(0, d.sites)?,
            pods_per_site: get(1, d.pods_per_site)?,
            users: get(2, d.users)?,
            groups: get(3, d.groups)?,
            global_entitlements: get(4, d.global_entitlements)?,
            global_application_entitlements: get(5, d.global_application_entitlements)?,
            sessions_per_pod: get(6, d.sessions_per_pod)?,
            groups_per_user: get(7, d.groups_per_user)?,
        };
        if c.sites == 0 || c.pods_per_site == 0 {
            return Err(Fault::invalid_argument(&o.path_of("sites"), "A demo needs at least one site and one pod per site."));
        }
        if c.sessions_per_pod > 0 && c.users == 0 {
            return Err(Fault::invalid_argument(&o.path_of("users"), "Demo sessions need at least one user."));
        }
        let total = c.sites as u64 * c.pods_per_site as u64 * c.sessions_per_pod as u64;
        if total > MAX_SESSIONS {
            return Err(Fault::invalid_argument(
                &o.path_of("sessionsPerPod"),
                format!("A demo holds at most {MAX_SESSIONS} sessions; these counts make {total}."),
            ));
        }
        Ok(c)
    }
}

const CITIES: [&str; 8] = ["New York", "London", "Tokyo", "Sydney", "Frankfurt", "Sao Paulo", "Toronto", "Singapore"];
const GROUPS: [&str; 8] = ["Sales", "Engineering", "Finance", "Support", "Marketing", "HR", "Legal", "Operations"];
const DESKTOP_GES: [&str; 4] = ["Windows 11 Desktop", "Windows 10 Desktop", "Developer Workstation", "Call Center Desktop"];
const APP_GAES: [&str; 4] = ["Microsoft Office", "Calculator", "Notepad++", "Web Browser"];
const APPS: [&str; 3] = ["Microsoft Word", "Microsoft Excel", "Calculator"];
const PROTOCOLS: [Protocol; 3] = [Protocol::Blast, Protocol::Pcoip, Protocol::Rdp];
const CLIENT_TYPES: [&str; 4] = ["WINDOWS", "MAC", "HTML5", "LINUX"];

fn pick(names: &[&str], i: u32) -> String {
    let n = names.len() as u32;
    if i < n {
        names[i as usize].to_owned()
    } else {
        format!("{} {}", names[(i % n) as usize], i / n + 1)
    }
}

/// Builds the demo federation.
pub fn build(c: Counts) -> Federation {
    let mut f = Federation { initialized: true, ..Default::default() };
    let epoch: Timestamp = time::parse(EPOCH).expect("EPOCH is RFC 3339");
    let root = f.access_groups.insert(ROOT_ACCESS_GROUP, AccessGroup { id: ROOT_ACCESS_GROUP.into(), name: "Root".into(), parent: None }).expect("new");

    for s in 0..c.sites {
        let id = format!("Site/site-{}", s + 1);
        f.sites.insert(&id, Site { id: id.as_str().into(), name: pick(&CITIES, s).into() });
        let ag = format!("AccessGroup/site-{}", s + 1);
        f.access_groups.insert(&ag, AccessGroup { id: ag.as_str().into(), name: format!("{} desktops", pick(&CITIES, s)).into(), parent: Some(root) });
        for p in 0..c.pods_per_site {
            let id = format!("Pod/pod-{}-{}", s + 1, p + 1);
            let name = format!("{} Pod {}", pick(&CITIES, s), p + 1);
            f.pods.insert(&id, Pod { id: id.as_str().into(), name: name.into(), site: s, reachable: true });
        }
    }
    f.local_pod = Some(0);

    // Users, then groups: user i is an immediate member of groups i, i+1, … (mod groups).
    let width = c.users.max(1).to_string().len().max(5);
    f.users_and_groups.reserve((c.users + c.groups) as usize);
    for u in 0..c.users {
        let name = format!("user{:0width$}", u + 1);
        let id = format!("UserOrGroup/{name}");
        f.by_name.insert(Federation::user_name_key(DOMAIN, &name), u);
        f.users_and_groups.insert(&id, UserOrGroup::new(&id, &name, DOMAIN, false));
    }
    for g in 0..c.groups {
        let name = pick(&GROUPS, g);
        let id = format!("UserOrGroup/group-{}", g + 1);
        let ix = f.users_and_groups.insert(&id, UserOrGroup::new(&id, &name, DOMAIN, true)).expect("new");
        f.by_name.insert(Federation::user_name_key(DOMAIN, &name), ix);
    }
    let group_ix = |g: u32| c.users + g;
    if c.groups > 0 {
        let per_user = c.groups_per_user.min(c.groups);
        for u in 0..c.users {
            for k in 0..per_user {
                let g = group_ix((u + k) % c.groups);
                f.users_and_groups.get_mut(g).members.push(u);
                f.users_and_groups.get_mut(u).member_of.push(g);
            }
        }
        // One nested group, to show that nesting never counts for home sites.
        if c.groups > 1 {
            let (outer, inner) = (group_ix(0), group_ix(c.groups - 1));
            f.users_and_groups.get_mut(outer).members.push(inner);
            f.users_and_groups.get_mut(inner).member_of.push(outer);
        }
    }
    f.rank_groups();

    // Entitlements: the first desktop entitlement covers every group (so every user is
    // entitled to it); the others two groups and one user each.
    let entitle = |table: &mut Table<Entitlement>, e: u32, id: String, name: String, members: Vec<Ix>, app: bool, f_ug: &mut Table<UserOrGroup>| {
        for &m in &members {
            let u = f_ug.get_mut(m);
            if app { &mut u.global_application_entitlements } else { &mut u.global_entitlements }.push(e);
        }
        table.insert(&id, Entitlement { id: id.as_str().into(), name: name.into(), members });
    };
    let members_of = |e: u32, shift: u32| -> Vec<Ix> {
        let mut m = Vec::new();
        if e == 0 && shift == 0 {
            m.extend((0..c.groups).map(group_ix));
        } else if c.groups > 0 {
            m.push(group_ix((e + shift) % c.groups));
            if c.groups > 1 {
                m.push(group_ix((e + shift + 1) % c.groups));
            }
        }
        if c.users > 0 && !m.contains(&(e % c.users)) {
            m.push(e % c.users);
        }
        m
    };
    let mut ges = Table::default();
    for e in 0..c.global_entitlements {
        entitle(&mut ges, e, format!("GlobalEntitlement/ge-{}", e + 1), pick(&DESKTOP_GES, e), members_of(e, 0), false, &mut f.users_and_groups);
    }
    let mut gaes = Table::default();
    for e in 0..c.global_application_entitlements {
        entitle(&mut gaes, e, format!("GlobalApplicationEntitlement/gae-{}", e + 1), pick(&APP_GAES, e), members_of(e, 2), true, &mut f.users_and_groups);
    }
    f.global_entitlements = ges;
    f.global_application_entitlements = gaes;

    // Per pod: an instant-clone pool, a manual pool of physical PCs, an RDS desktop pool and
    // an application farm, in the access group of the pod's site.
    for pod in 0..f.pods.len() as Ix {
        let key = f.pods.get(pod).id.trim_start_matches("Pod/").to_owned();
        let ag = 1 + f.pods.get(pod).site;
        for (suffix, name, ty, src) in [
            ("ic", "Win11 Instant Clone", DesktopType::Automated, DesktopSource::InstantCloneEngine),
            ("pc", "Manual Physical PCs", DesktopType::Manual, DesktopSource::Unmanaged),
            ("rds", "RDS Desktop", DesktopType::Rds, DesktopSource::Rds),
        ] {
            let id = format!("Desktop/{key}-{suffix}");
            f.desktops.insert(
                &id,
                Desktop {
                    id: id.as_str().into(),
                    name: format!("{name} ({key})").into(),
                    display_name: None,
                    pod,
                    access_group: ag,
                    desktop_type: ty,
                    source: src,
                },
            );
        }
        let id = format!("Farm/{key}-apps");
        f.farms.insert(&id, Farm { id: id.as_str().into(), name: format!("App Farm ({key})").into(), pod, access_group: ag });
    }

    let total = f.pods.len() as u64 * c.sessions_per_pod as u64;
    f.sessions.reserve(total as usize);
    for pod in 0..f.pods.len() as Ix {
        let key = f.pods.get(pod).id.trim_start_matches("Pod/").to_owned();
        let (d0, farm) = (pod * 3, pod);
        let (mut text, mut id) = (String::new(), String::new());
        for j in 0..c.sessions_per_pod {
            let n = pod as u64 * c.sessions_per_pod as u64 + j as u64;
            let user = ((n * 7919) % c.users as u64) as Ix;
            // The texts are written into one reused buffer, so that the only allocations left
            // are the session's own (no freed temporaries between sessions in the heap).
            text.clear();
            let (resource, session_type) = match j % 10 {
                0..=6 => (Resource::Desktop(d0), SessionType::Desktop),
                7 => (Resource::Desktop(d0 + 1), SessionType::Desktop),
                8 => (Resource::Desktop(d0 + 2), SessionType::Desktop),
                _ => (Resource::Farm(farm), SessionType::Application),
            };
            let _ = match j % 10 {
                0..=6 => write!(text, "{key}-ic-{j:06}"),
                7 => write!(text, "{key}-pc-{j:06}"),
                _ => write!(text, "{key}-rdsh-{}", j % 4 + 1),
            };
            let m = text.len();
            let _ = write!(text, "CLIENT-{:04}", n % 10_000);
            let c = text.len();
            let _ = write!(text, "10.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256);
            let a = text.len();
            id.clear();
            let _ = write!(id, "Session/{key}-{:07}", j + 1);
            let state = if n % 6 == 5 {
                SessionState::Disconnected
            } else if n % 50 == 49 {
                SessionState::Pending
            } else {
                SessionState::Connected
            };
            let start = epoch - (n % 480) as i64 * 60 - 3600;
            let s = Session {
                id: id.as_str().into(),
                user,
                resource,
                text: SessionText::new([Some(&text[..m]), Some(&text[m..c]), Some(&text[c..a]), Some(CLIENT_TYPES[(n % 4) as usize])]),
                application_names: (session_type == SessionType::Application).then(|| vec![APPS[(n % 3) as usize].to_owned()].into()),
                session_type,
                protocol: (state != SessionState::Disconnected).then_some(PROTOCOLS[(n % 3) as usize]),
                state,
                locked: n % 13 == 12,
                start,
                disconnect: (state == SessionState::Disconnected).then_some(start + 1800),
                idle_minutes: Some((n % 45) as u32),
            };
            f.add_session(s);
        }
    }

    // Home sites: a global one on every group (a user's two groups often disagree: a
    // conflict to resolve), an entitlement override on one group of each desktop
    // entitlement, and a personal one on the first few users.
    let add = |f: &mut Federation, owner: Ix, site: u32, scope: Scope| {
        f.next_home_site += 1;
        let id = format!("UserHomeSite/hs-{}", f.next_home_site);
        f.add_home_site(HomeSite { id: id.into(), owner, site: site % c.sites, scope });
    };
    for g in 0..c.groups {
        add(&mut f, group_ix(g), g, Scope::Global);
    }
    if c.groups > 0 {
        for e in 0..c.global_entitlements {
            add(&mut f, group_ix(e % c.groups), e + 1, Scope::GlobalEntitlement(e));
        }
    }
    for u in 0..c.users.min(4) {
        add(&mut f, u, u + 1, Scope::Global);
    }

    // Two demo administrators besides the built-in one.
    let role = |name: &str| BUILTIN_ROLES.iter().find(|r| r.0 == name).map(|r| PrivilegeSet::of(r.1)).expect("built-in role");
    for (name, privileges) in BUILTIN_ROLES {
        f.roles.push(Role { name: name.into(), privileges: privileges.iter().map(|p| p.name().into()).collect(), set: PrivilegeSet::of(privileges) });
    }
    f.admins.push(Admin {
        name: "helpdesk".into(),
        domain: DOMAIN.into(),
        password: Some("helpdesk".into()),
        permissions: vec![Permission {
            role: "Inventory Administrators".into(),
            privileges: role("Inventory Administrators"),
            scope: PermissionScope::AccessGroup(1),
        }],
    });
    f.admins.push(Admin {
        name: "auditor".into(),
        domain: DOMAIN.into(),
        password: Some("auditor".into()),
        permissions: vec![
            Permission { role: "Administrators (Read only)".into(), privileges: role("Administrators (Read only)"), scope: PermissionScope::AccessGroup(root) },
            Permission { role: "Administrators (Read only)".into(), privileges: role("Administrators (Read only)"), scope: PermissionScope::Federation },
        ],
    });
    f
}
