//! Inventory_Query and Event_Query (not in the seeds): how callers find ids and read the
//! audit trail. Rows are the world objects of contract section 6 (never a password) and the
//! event objects of 5.3. Their members are in `query`'s tables.

use crate::backend::embedded::store::{Federation, Ix};
use crate::fault::Fault;
use crate::service::method::Method;
use crate::service::privilege::{self, rule};
use crate::service::query::{
    self, Compare, Filter, Member, Query, ACCESS_GROUP_MEMBERS, DESKTOP_MEMBERS, ENTITLEMENT_MEMBERS, EVENT_MEMBERS, FARM_MEMBERS, POD_MEMBERS, SITE_MEMBERS,
    USER_OR_GROUP_MEMBERS,
};
use crate::service::{json, Json};

/// Inventory_Query: the world objects of one entity type, in the world's order.
pub fn inventory_query(f: &Federation, admin: Ix, entity_type: &str, q: &Query) -> Result<Json, Fault> {
    privilege::require_anywhere(f, admin, rule(Method::InventoryQuery))?;
    fn all<'f, R>(f: &'f Federation, q: &Query, members: &'static [Member<R>], items: &'f [R]) -> Result<Json, Fault> {
        let rows = items.iter().enumerate().map(|(i, r)| (i as Ix, r));
        query::run(q, members, f, rows, Some(items.len())).map(|page| json(&page))
    }
    match entity_type {
        "UserOrGroup" => all(f, q, &USER_OR_GROUP_MEMBERS, &f.users_and_groups.items),
        "Site" => all(f, q, &SITE_MEMBERS, &f.sites.items),
        "Pod" => all(f, q, &POD_MEMBERS, &f.pods.items),
        "AccessGroup" => all(f, q, &ACCESS_GROUP_MEMBERS, &f.access_groups.items),
        "GlobalEntitlement" => all(f, q, &ENTITLEMENT_MEMBERS, &f.global_entitlements.items),
        "GlobalApplicationEntitlement" => all(f, q, &ENTITLEMENT_MEMBERS, &f.global_application_entitlements.items),
        "Desktop" => all(f, q, &DESKTOP_MEMBERS, &f.desktops.items),
        "Farm" => all(f, q, &FARM_MEMBERS, &f.farms.items),
        other => Err(Fault::invalid_argument("entityType", format!("Unknown entityType {other:?}."))),
    }
}

/// Event_Query: the audit log, oldest first. An Equals on `id` is served by the log's order
/// (an event's id is its place in the log plus one), not by a scan.
pub fn event_query(f: &Federation, admin: Ix, q: &Query) -> Result<Json, Fault> {
    privilege::require_anywhere(f, admin, rule(Method::EventQuery))?;
    let page = match q.filter.as_ref().and_then(|flt| query::pinned(flt, &|leaf| event_by_id(f, leaf))) {
        Some(ixs) => query::run(q, &EVENT_MEMBERS, f, ixs.into_iter().map(|i| (i, &f.events[i as usize])), None),
        None => query::run(q, &EVENT_MEMBERS, f, f.events.iter().enumerate().map(|(i, e)| (i as Ix, e)), Some(f.events.len())),
    };
    page.map(|page| json(&page))
}

/// The event an Equals on `id` names (none for a value no event has).
fn event_by_id(f: &Federation, leaf: &Filter) -> Option<Vec<Ix>> {
    let (member, value) = match leaf {
        Filter::Compare { op: Compare::Equals, member, value } => (member, value),
        _ => return None,
    };
    if member != "id" {
        return None;
    }
    let id = value.as_f64().filter(|id| id.fract() == 0.0 && *id >= 1.0 && *id <= f.events.len() as f64);
    Some(id.map(|id| id as Ix - 1).into_iter().collect())
}
