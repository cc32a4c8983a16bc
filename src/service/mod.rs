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
use serde::Serialize;
use serde_json::value::RawValue;

/// A method's result as JSON text, ready for the wire: typed results are serialized once,
/// straight to text, never through a `serde_json::Value`.
pub type Json = Box<RawValue>;

/// Serializes a result.
pub fn json(result: &impl Serialize) -> Json {
    // Results are structs, strings, numbers and `Value`s with string keys: they always serialize.
    serde_json::value::to_raw_value(result).expect("results serialize")
}

impl Request {
    /// Does the request change the federation (or record events)?
    pub fn writes(&self) -> bool {
        matches!(self, Request::Sessions { .. } | Request::HomeSiteCreate(_) | Request::HomeSiteDelete { .. })
    }
}

/// Runs a read-only request against a federation as `admin`.
pub fn read(f: &Federation, admin: Ix, request: &Request) -> Result<Json, Fault> {
    match request {
        Request::SummaryView { id } => session::get_local_summary_view(f, admin, id).map(|v| json(&v)),
        Request::SessionQuery(q) => session::query(f, admin, q, session::Reach::local(f)),
        Request::HomeSiteGet { id } => user_home_site::get(f, admin, id).map(|v| json(&v)),
        Request::HomeSiteGetInfos { ids } => user_home_site::get_infos(f, admin, ids).map(|v| json(&v)),
        Request::HomeSiteList { user_or_group } => user_home_site::list(f, admin, user_or_group).map(|v| json(&v)),
        Request::HomeSiteResolve { user, entitlement, kind } => user_home_site::resolve(f, admin, user, entitlement, *kind).map(|v| json(&v)),
        Request::InventoryQuery { entity_type, query } => inventory::inventory_query(f, admin, entity_type, query),
        Request::EventQuery(q) => inventory::event_query(f, admin, q),
        Request::GlobalSessionQuery { scope, id, query } => session::global_query(f, admin, scope, id, query),
        Request::Sessions { .. } | Request::HomeSiteCreate(_) | Request::HomeSiteDelete { .. } => {
            Err(Fault::unexpected("a write request was sent down the read path"))
        }
    }
}

/// Runs a request that writes, at time `now`.
pub fn write(f: &mut Federation, admin: Ix, method: Method, request: &Request, now: Timestamp) -> Result<Json, Fault> {
    match request {
        Request::Sessions { op, ids, batch } => session::write(f, admin, method, op, ids, *batch, session::Reach::Federation, now).map(|v| json(&v)),
        Request::HomeSiteCreate(base) => user_home_site::create(f, admin, base, now).map(|v| json(&v)),
        Request::HomeSiteDelete { id } => user_home_site::delete(f, admin, id, now).map(|v| json(&v)),
        other => read(f, admin, other),
    }
}
