//! Inventory_Query and Event_Query (not in the seeds): how callers find ids and read the
//! audit trail. Rows are the world objects of contract section 6 (never a password) and the
//! event objects of 5.3.

use crate::backend::embedded::store::*;
use crate::fault::Fault;
use crate::model::objects::Event;
use crate::model::time;
use crate::service::event::{AUDIT_FAIL, AUDIT_SUCCESS};
use crate::service::method::Method;
use crate::service::privilege::{self, rule};
use crate::service::query::{self, Query};
use serde_json::{json, Map, Value};

fn ids<T>(table: &Table<T>, ixs: &[Ix], id: fn(&T) -> &str) -> Value {
    Value::Array(ixs.iter().map(|&i| Value::from(id(table.get(i)))).collect())
}

fn row(f: &Federation, entity_type: &str, ix: Ix) -> Value {
    let ug = |i: Ix| f.users_and_groups.get(i).id.as_ref();
    match entity_type {
        "UserOrGroup" => {
            let u = f.users_and_groups.get(ix);
            let mut v = json!({"id": u.id, "name": u.name, "domain": u.domain, "group": u.group});
            if u.group {
                v["members"] = Value::Array(u.members.iter().map(|&m| ug(m).into()).collect());
            }
            v
        }
        "Site" => {
            let s = f.sites.get(ix);
            json!({"id": s.id, "name": s.name})
        }
        "Pod" => {
            let p = f.pods.get(ix);
            json!({"id": p.id, "name": p.name, "site": f.sites.get(p.site).id, "reachable": p.reachable})
        }
        "AccessGroup" => {
            let a = f.access_groups.get(ix);
            let mut v = json!({"id": a.id, "name": a.name});
            if let Some(p) = a.parent {
                v["parent"] = f.access_groups.get(p).id.as_ref().into();
            }
            v
        }
        "GlobalEntitlement" | "GlobalApplicationEntitlement" => {
            let table = if entity_type == "GlobalEntitlement" { &f.global_entitlements } else { &f.global_application_entitlements };
            let e = table.get(ix);
            json!({"id": e.id, "name": e.name, "members": ids(&f.users_and_groups, &e.members, |u| &u.id)})
        }
        "Desktop" => {
            let d = f.desktops.get(ix);
            json!({
                "id": d.id, "name": d.name, "pod": f.pods.get(d.pod).id,
                "accessGroup": f.access_groups.get(d.access_group).id,
                "desktopType": d.desktop_type.as_str(), "desktopSource": d.source.as_str(),
            })
        }
        "Farm" => {
            let fm = f.farms.get(ix);
            json!({"id": fm.id, "name": fm.name, "pod": f.pods.get(fm.pod).id, "accessGroup": f.access_groups.get(fm.access_group).id})
        }
        other => unreachable!("entity type {other} is checked by the request parser"),
    }
}

fn count(f: &Federation, entity_type: &str) -> usize {
    match entity_type {
        "UserOrGroup" => f.users_and_groups.len(),
        "Site" => f.sites.len(),
        "Pod" => f.pods.len(),
        "AccessGroup" => f.access_groups.len(),
        "GlobalEntitlement" => f.global_entitlements.len(),
        "GlobalApplicationEntitlement" => f.global_application_entitlements.len(),
        "Desktop" => f.desktops.len(),
        "Farm" => f.farms.len(),
        _ => 0,
    }
}

pub fn inventory_query(f: &Federation, admin: Ix, entity_type: &str, q: &Query) -> Result<Value, Fault> {
    privilege::require_anywhere(f, admin, rule(Method::InventoryQuery))?;
    Ok(query::run(q, 0..count(f, entity_type) as Ix, |&ix| row(f, entity_type, ix)))
}

/// The event object of a record.
pub fn event(f: &Federation, e: &EventRecord) -> Event {
    Event {
        id: e.id,
        time: time::format(e.time),
        event_type: e.event_type,
        severity: if e.success { AUDIT_SUCCESS } else { AUDIT_FAIL },
        admin: f.admins[e.admin as usize].display(),
        message: e.message.to_string(),
        session: e.session.as_deref().map(String::from),
        user_home_site: e.user_home_site.as_deref().map(String::from),
        user: e.user.map(|u| f.users_and_groups.get(u).id.to_string()),
        pod: e.pod.map(|p| f.pods.get(p).id.to_string()),
    }
}

pub fn event_query(f: &Federation, admin: Ix, q: &Query) -> Result<Value, Fault> {
    privilege::require_anywhere(f, admin, rule(Method::EventQuery))?;
    Ok(query::run(q, f.events.iter(), |e| serde_json::to_value(event(f, e)).unwrap_or_else(|_| Value::Object(Map::new()))))
}
