//! Privileges (contract 5.1): the privilege names, the built-in roles, and the one table that
//! says which privileges suffice for each method. Reads like the contract's table.

use crate::service::method::Method::{self, *};

/// Declares the privileges hvapi knows: the enum, the list of all, and each one's name
/// (the variant's own name), from one list.
macro_rules! privileges {
    ($($p:ident),+ $(,)?) => {
        /// A Horizon privilege hvapi knows. Roles may name other Horizon privileges too; they
        /// grant nothing here.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Privilege { $($p),+ }

        pub const ALL_PRIVILEGES: &[Privilege] = &[$(Privilege::$p),+];

        impl Privilege {
            pub fn name(self) -> &'static str {
                match self { $(Privilege::$p => stringify!($p)),+ }
            }
        }
    };
}

privileges!(
    MACHINE_MANAGE_VDI_SESSION,
    POOL_MANAGEMENT,
    MACHINE_REBOOT,
    MACHINE_VIEW,
    POOL_VIEW,
    FEDERATED_SESSIONS_MANAGE,
    FEDERATED_SESSIONS_VIEW,
    FEDERATED_LDAP_MANAGE,
    FEDERATED_LDAP_VIEW,
);

use Privilege::*;

impl Privilege {
    pub fn from_name(name: &str) -> Option<Privilege> {
        ALL_PRIVILEGES.iter().copied().find(|p| p.name() == name)
    }

    pub fn bit(self) -> PrivilegeSet {
        PrivilegeSet(1 << self as u16)
    }
}

/// A set of privileges (a role's, or a rule's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PrivilegeSet(pub u16);

impl PrivilegeSet {
    pub const ALL: PrivilegeSet = PrivilegeSet((1 << ALL_PRIVILEGES.len()) - 1);

    pub fn of(ps: &[Privilege]) -> PrivilegeSet {
        PrivilegeSet(ps.iter().fold(0, |a, p| a | p.bit().0))
    }

    pub fn intersects(self, other: PrivilegeSet) -> bool {
        self.0 & other.0 != 0
    }

    pub fn union(self, other: PrivilegeSet) -> PrivilegeSet {
        PrivilegeSet(self.0 | other.0)
    }
}

/// Which privileges suffice for one method: any one of `access_group` on the entity's access
/// group (or an ancestor), or any one of `federation` on the federation scope.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub access_group: &'static [Privilege],
    pub federation: &'static [Privilege],
}

impl Rule {
    /// The names of every privilege that would have sufficed, for `InsufficientPermission`.
    pub fn names(&self) -> Vec<&'static str> {
        self.access_group.iter().chain(self.federation).map(|p| p.name()).collect()
    }
}

const MANAGE: Rule = Rule { access_group: &[MACHINE_MANAGE_VDI_SESSION, POOL_MANAGEMENT], federation: &[FEDERATED_SESSIONS_MANAGE] };
const REBOOT: Rule = Rule { access_group: &[MACHINE_REBOOT], federation: &[FEDERATED_SESSIONS_MANAGE] };
const VIEW: Rule = Rule { access_group: &[MACHINE_VIEW, POOL_VIEW], federation: &[FEDERATED_SESSIONS_VIEW] };
const LDAP_MANAGE: Rule = Rule { access_group: &[], federation: &[FEDERATED_LDAP_MANAGE] };
const LDAP_VIEW: Rule = Rule { access_group: &[], federation: &[FEDERATED_LDAP_VIEW] };
/// Inventory_Query and Event_Query (not in the seeds): any signed-in administrator may read
/// the inventory and the event log; without them no caller could find an id.
const ANY_ADMIN: Rule = Rule { access_group: &[], federation: &[] };

/// The contract's privilege table, one row per method.
pub fn rule(method: Method) -> Rule {
    match method {
        SessionDisconnect | SessionDisconnectSessions => MANAGE,
        SessionLogoff | SessionLogoffForced | SessionLogoffSessions | SessionLogoffSessionsForced => MANAGE,
        SessionSendMessage | SessionSendMessages => MANAGE,
        SessionReset | SessionResetSessions | SessionRestart | SessionRestartSessions => REBOOT,
        SessionGetLocalSummaryView | SessionQuery | GlobalSessionQuery => VIEW,
        UserHomeSiteCreate | UserHomeSiteDelete => LDAP_MANAGE,
        UserHomeSiteGet | UserHomeSiteGetInfos | UserHomeSiteList | UserHomeSiteResolve | UserHomeSiteResolveForGae => LDAP_VIEW,
        InventoryQuery | EventQuery => ANY_ADMIN,
    }
}

/// Horizon's built-in roles that a world may name without defining them (a world role of the
/// same name replaces the built-in one).
pub const BUILTIN_ROLES: [(&str, &[Privilege]); 4] = [
    ("Administrators", ALL_PRIVILEGES),
    ("Administrators (Read only)", &[MACHINE_VIEW, POOL_VIEW, FEDERATED_SESSIONS_VIEW, FEDERATED_LDAP_VIEW]),
    ("Inventory Administrators", &[MACHINE_MANAGE_VDI_SESSION, POOL_MANAGEMENT, MACHINE_REBOOT, MACHINE_VIEW, POOL_VIEW]),
    ("Inventory Administrators (Read only)", &[MACHINE_VIEW, POOL_VIEW]),
];

// ---- checks against a federation: the only place privileges are decided ----

use crate::backend::embedded::store::{Federation, Ix, PermissionScope};
use crate::fault::Fault;

fn admin_permissions(f: &Federation, admin: Ix) -> &[crate::backend::embedded::store::Permission] {
    &f.admins[admin as usize].permissions
}

/// Does the admin hold one of the rule's federation privileges?
pub fn holds_federation(f: &Federation, admin: Ix, rule: Rule) -> bool {
    let want = PrivilegeSet::of(rule.federation);
    admin_permissions(f, admin).iter().any(|p| p.scope == PermissionScope::Federation && p.privileges.intersects(want))
}

/// Does the admin hold one of the rule's access-group privileges on `ag` or an ancestor?
pub fn holds_on_access_group(f: &Federation, admin: Ix, rule: Rule, ag: Ix) -> bool {
    let want = PrivilegeSet::of(rule.access_group);
    admin_permissions(f, admin).iter().any(|p| match p.scope {
        PermissionScope::AccessGroup(scope) => p.privileges.intersects(want) && f.access_group_covers(scope, ag),
        PermissionScope::Federation => false,
    })
}

/// Step (2): the whole-call check. A caller holding none of the method's privileges anywhere
/// is refused the whole call.
pub fn require_anywhere(f: &Federation, admin: Ix, rule: Rule) -> Result<(), Fault> {
    if rule.access_group.is_empty() && rule.federation.is_empty() {
        return Ok(());
    }
    let ag_want = PrivilegeSet::of(rule.access_group);
    let anywhere = holds_federation(f, admin, rule)
        || admin_permissions(f, admin).iter().any(|p| matches!(p.scope, PermissionScope::AccessGroup(_)) && p.privileges.intersects(ag_want));
    if anywhere {
        return Ok(());
    }
    Err(Fault::InsufficientPermission {
        privileges: rule.names(),
        resource: None,
        access_group: None,
        message: format!("{} holds none of the privileges {} needed for this operation.", f.admins[admin as usize].display(), rule.names().join(", ")),
    })
}

/// The per-item check for an entity in access group `ag`. A remote entity can only be acted
/// on with the federation privilege.
pub fn require_for(f: &Federation, admin: Ix, rule: Rule, ag: Ix, local: bool, resource: &str) -> Result<(), Fault> {
    if holds_federation(f, admin, rule) || (local && holds_on_access_group(f, admin, rule, ag)) {
        return Ok(());
    }
    let privileges = if local { rule.names() } else { rule.federation.iter().map(|p| p.name()).collect() };
    let ag_id = f.access_groups.get(ag).id.to_string();
    Err(Fault::InsufficientPermission {
        message: format!(
            "{} needs one of {} on {} to act on {resource}.",
            f.admins[admin as usize].display(),
            privileges.join(", "),
            if local { ag_id.as_str() } else { "the federation" }
        ),
        privileges,
        resource: Some(resource.to_owned()),
        access_group: Some(ag_id),
    })
}

/// For queries: which access groups' entities the admin may see (indexed by access group).
pub fn visible_access_groups(f: &Federation, admin: Ix, rule: Rule) -> Vec<bool> {
    (0..f.access_groups.len() as Ix).map(|ag| holds_on_access_group(f, admin, rule, ag)).collect()
}
