//! The rules of the contract. `request` checks the text of a call (step 1, shared by every
//! backend); the other modules apply the rules of the embedded federation (steps 2 to 4):
//! `privilege` and `event` are the contract's tables as data, `session` and
//! `user_home_site` the services, `query` and `inventory` the finders.
//!
//! Nothing here knows about pointers or C strings; every function returns `Result<_, Fault>`.

pub mod event;
pub mod inventory;
pub mod method;
pub mod privilege;
pub mod query;
pub mod request;
pub mod session;
pub mod user_home_site;

pub use method::{Method, METHODS};
pub use request::Request;

use crate::backend::embedded::store::{Federation, Ix};
use crate::fault::Fault;
use crate::model::time::Timestamp;
use serde_json::Value;

impl Request {
    /// Does the request change the federation (or record events)?
    pub fn writes(&self) -> bool {
        matches!(self, Request::Sessions { .. } | Request::HomeSiteCreate(_) | Request::HomeSiteDelete { .. })
    }
}

/// Runs a read-only request against a federation as `admin`.
pub fn read(f: &Federation, admin: Ix, request: &Request) -> Result<Value, Fault> {
    match request {
        Request::SummaryView { id } => session::get_local_summary_view(f, admin, id).map(|v| serde_json::to_value(v).expect("views serialize")),
        Request::SessionQuery(q) => session::query(f, admin, q),
        Request::HomeSiteGet { id } => user_home_site::get(f, admin, id),
        Request::HomeSiteGetInfos { ids } => user_home_site::get_infos(f, admin, ids),
        Request::HomeSiteList { user_or_group } => user_home_site::list(f, admin, user_or_group),
        Request::HomeSiteResolve { user, entitlement, kind } => user_home_site::resolve(f, admin, user, entitlement, *kind),
        Request::InventoryQuery { entity_type, query } => inventory::inventory_query(f, admin, entity_type, query),
        Request::EventQuery(q) => inventory::event_query(f, admin, q),
        Request::Sessions { .. } | Request::HomeSiteCreate(_) | Request::HomeSiteDelete { .. } => {
            Err(Fault::unexpected("a write request was sent down the read path"))
        }
    }
}

/// Runs a request that writes, at time `now`.
pub fn write(f: &mut Federation, admin: Ix, method: Method, request: &Request, now: Timestamp) -> Result<Value, Fault> {
    match request {
        Request::Sessions { op, ids, batch } => session::write(f, admin, method, op, ids, *batch, now),
        Request::HomeSiteCreate(base) => user_home_site::create(f, admin, base, now),
        Request::HomeSiteDelete { id } => user_home_site::delete(f, admin, id, now),
        other => read(f, admin, other),
    }
}
