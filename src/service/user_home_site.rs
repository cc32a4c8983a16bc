//! The rules of the UserHomeSite service (contract 5.4), including the resolution algorithm.

use crate::backend::embedded::store::*;
use crate::fault::Fault;
use crate::model::objects::{UserHomeSiteBase, UserHomeSiteInfo};
use crate::model::time::Timestamp;
use crate::service::event::{events, Operation};
use crate::service::method::Method;
use crate::service::privilege::{self, rule};
use crate::service::request::EntitlementKind;
use serde_json::Value;

/// Steps (2) and (3) of every home-site method: the whole-call privilege, then an initialized
/// federation.
fn admit(f: &Federation, admin: Ix, method: Method) -> Result<(), Fault> {
    privilege::require_anywhere(f, admin, rule(method))?;
    initialized(f)
}

fn initialized(f: &Federation) -> Result<(), Fault> {
    if f.initialized {
        Ok(())
    } else {
        Err(Fault::InvalidState { id: None, message: "The pod federation has not been initialized.".into() })
    }
}

pub fn info(f: &Federation, ix: Ix) -> UserHomeSiteInfo {
    let h = f.home_sites.get(ix);
    let (ge, gae) = match h.scope {
        Scope::Global => (None, None),
        Scope::GlobalEntitlement(e) => (Some(f.global_entitlements.get(e).id.to_string()), None),
        Scope::GlobalApplicationEntitlement(e) => (None, Some(f.global_application_entitlements.get(e).id.to_string())),
    };
    UserHomeSiteInfo {
        id: h.id.to_string(),
        base: UserHomeSiteBase {
            user_or_group: f.users_and_groups.get(h.owner).id.to_string(),
            site: f.sites.get(h.site).id.to_string(),
            global_entitlement: ge,
            global_application_entitlement: gae,
        },
    }
}

fn infos(f: &Federation, ixs: impl IntoIterator<Item = Ix>) -> Vec<UserHomeSiteInfo> {
    ixs.into_iter().map(|ix| info(f, ix)).collect()
}

/// Records a home-site event about `home_site` of `user`.
fn record(f: &mut Federation, event: EventRecord, home_site: Option<&str>, user: Option<Ix>) {
    f.record(EventRecord { user_home_site: home_site.map(Into::into), user, ..event });
}

/// UserHomeSite_Create. Returns the new id, or the existing one when the same configuration
/// exists already (then nothing is recorded).
pub fn create(f: &mut Federation, admin: Ix, base: &UserHomeSiteBase, now: Timestamp) -> Result<Value, Fault> {
    privilege::require_anywhere(f, admin, rule(Method::UserHomeSiteCreate))?;
    let names = events(Operation::HomeSiteCreate);
    let who = f.admins[admin as usize].display();
    let owner = f.users_and_groups.find(&base.user_or_group);
    let fail = |f: &mut Federation, fault: Fault| {
        let msg = format!("{who} could not add a home site for {}: {fault}", base.user_or_group);
        record(f, EventRecord::new(now, names.local_failure, false, admin, msg), None, owner);
        Err(fault)
    };
    if let Err(fault) = initialized(f) {
        return fail(f, fault);
    }
    let owner = match owner {
        Some(owner) => owner,
        _ => return fail(f, Fault::entity_not_found(&base.user_or_group)),
    };
    let site = match f.sites.find(&base.site) {
        Some(site) => site,
        _ => return fail(f, Fault::entity_not_found(&base.site)),
    };
    let scope = match (&base.global_entitlement, &base.global_application_entitlement) {
        (Some(e), _) => match f.global_entitlements.find(e) {
            Some(ix) => Scope::GlobalEntitlement(ix),
            None => return fail(f, Fault::entity_not_found(e)),
        },
        (None, Some(e)) => match f.global_application_entitlements.find(e) {
            Some(ix) => Scope::GlobalApplicationEntitlement(ix),
            None => return fail(f, Fault::entity_not_found(e)),
        },
        (None, None) => Scope::Global,
    };
    let is_group = f.users_and_groups.get(owner).group;
    let entitled = if is_group { f.directly_entitled(owner, scope) } else { f.user_entitled(owner, scope) };
    if !entitled {
        let how = if is_group { "group is not directly entitled" } else { "user is not entitled, directly or through an immediate group," };
        let e = base.global_entitlement.as_ref().or(base.global_application_entitlement.as_ref()).expect("a global scope is always entitled");
        return fail(f, Fault::invalid_request(format!("The {how} to {e}.",)));
    }
    if let Some(existing) = f.home_site_for(owner, scope) {
        let h = f.home_sites.get(existing);
        if h.site == site {
            return Ok(Value::String(h.id.to_string()));
        }
        let fault = Fault::invalid_argument(
            "base.site",
            format!("{} already has the home site {} for this scope; delete it ({}) before setting another.", base.user_or_group, f.sites.get(h.site).id, h.id),
        );
        return fail(f, fault);
    }
    let id = loop {
        f.next_home_site += 1;
        let id = format!("UserHomeSite/hs-{}", f.next_home_site);
        if f.home_sites.find(&id).is_none() {
            break id;
        }
    };
    f.add_home_site(HomeSite { id: id.as_str().into(), owner, site, scope }).expect("fresh id");
    let msg = format!("{who} set the home site of {} to {}.", base.user_or_group, base.site);
    record(f, EventRecord::new(now, names.local_success, true, admin, msg), Some(&id), Some(owner));
    Ok(Value::String(id))
}

/// UserHomeSite_Delete.
pub fn delete(f: &mut Federation, admin: Ix, id: &str, now: Timestamp) -> Result<Value, Fault> {
    privilege::require_anywhere(f, admin, rule(Method::UserHomeSiteDelete))?;
    let names = events(Operation::HomeSiteDelete);
    let who = f.admins[admin as usize].display();
    let found = f.home_sites.find(id);
    let verdict = initialized(f).and_then(|()| found.ok_or_else(|| Fault::entity_not_found(id)));
    let ix = match verdict {
        Ok(ix) => ix,
        Err(fault) => {
            let owner = found.map(|ix| f.home_sites.get(ix).owner);
            let msg = format!("{who} could not delete the home site {id}: {fault}");
            record(f, EventRecord::new(now, names.local_failure, false, admin, msg), Some(id), owner);
            return Err(fault);
        }
    };
    let owner = f.home_sites.get(ix).owner;
    f.remove_home_site(ix);
    let msg = format!("{who} deleted the home site {id} of {}.", f.users_and_groups.get(owner).id);
    record(f, EventRecord::new(now, names.local_success, true, admin, msg), Some(id), Some(owner));
    Ok(Value::Null)
}

pub fn get(f: &Federation, admin: Ix, id: &str) -> Result<UserHomeSiteInfo, Fault> {
    admit(f, admin, Method::UserHomeSiteGet)?;
    let ix = f.home_sites.find(id).ok_or_else(|| Fault::entity_not_found(id))?;
    Ok(info(f, ix))
}

/// UserHomeSite_GetInfos: any unknown id fails the whole call.
pub fn get_infos(f: &Federation, admin: Ix, ids: &[String]) -> Result<Vec<UserHomeSiteInfo>, Fault> {
    admit(f, admin, Method::UserHomeSiteGetInfos)?;
    let ixs = ids.iter().map(|id| f.home_sites.find(id).ok_or_else(|| Fault::entity_not_found(id))).collect::<Result<Vec<_>, _>>()?;
    Ok(infos(f, ixs))
}

/// UserHomeSite_List: only configurations made directly on that user or group.
pub fn list(f: &Federation, admin: Ix, user_or_group: &str) -> Result<Vec<UserHomeSiteInfo>, Fault> {
    admit(f, admin, Method::UserHomeSiteList)?;
    let owner = f.users_and_groups.find(user_or_group).ok_or_else(|| Fault::entity_not_found(user_or_group))?;
    Ok(infos(f, f.users_and_groups.get(owner).home_sites.iter().copied()))
}

/// UserHomeSite_Resolve and ResolveForGAE: the tiers of contract 5.4.
/// `None` (the contract's `null`) when no tier has a candidate.
pub fn resolve(f: &Federation, admin: Ix, user: &str, entitlement: &str, kind: EntitlementKind) -> Result<Option<Vec<UserHomeSiteInfo>>, Fault> {
    admit(f, admin, kind.resolve_method())?;
    let u = f.users_and_groups.find(user).ok_or_else(|| Fault::entity_not_found(user))?;
    if f.users_and_groups.get(u).group {
        return Err(Fault::invalid_argument("user", format!("{user} is a group; home sites resolve for individual users only.")));
    }
    let scope = match kind {
        EntitlementKind::Desktop => f.global_entitlements.find(entitlement).map(Scope::GlobalEntitlement),
        EntitlementKind::Application => f.global_application_entitlements.find(entitlement).map(Scope::GlobalApplicationEntitlement),
    }
    .ok_or_else(|| Fault::entity_not_found(entitlement))?;
    if !f.user_entitled(u, scope) {
        return Err(Fault::invalid_argument(kind.key(), format!("{user} is not entitled to {entitlement}, directly or through an immediate group.")));
    }
    Ok(resolution(f, u, scope).map(|list| infos(f, list)))
}

/// The resolved configuration first, then the conflicts of the winning tier; `None` when no
/// tier has a candidate.
pub fn resolution(f: &Federation, user: Ix, scope: Scope) -> Option<Vec<Ix>> {
    if let Some(h) = f.home_site_for(user, scope) {
        return Some(vec![h]);
    }
    let groups = &f.users_and_groups.get(user).member_of;
    let tier2 = group_tier(f, groups.iter().copied().filter(|&g| f.directly_entitled(g, scope)), scope);
    if !tier2.is_empty() {
        return Some(tier2);
    }
    if let Some(h) = f.home_site_for(user, Scope::Global) {
        return Some(vec![h]);
    }
    let tier4 = group_tier(f, groups.iter().copied(), Scope::Global);
    (!tier4.is_empty()).then_some(tier4)
}

/// A group tier: the groups' configurations for `scope` in tie-break order (name without
/// case, then id), the winner first, then only those whose site differs from the winner's.
/// `groups` come in tie-break order already (a user's `member_of` is kept so).
fn group_tier(f: &Federation, groups: impl Iterator<Item = Ix>, scope: Scope) -> Vec<Ix> {
    let mut configured = groups.filter_map(|g| f.home_site_for(g, scope));
    let winner = match configured.next() {
        Some(winner) => winner,
        _ => return Vec::new(),
    };
    let site = f.home_sites.get(winner).site;
    std::iter::once(winner).chain(configured.filter(|&h| f.home_sites.get(h).site != site)).collect()
}
