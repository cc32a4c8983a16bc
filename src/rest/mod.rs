//! The REST layer's shared half: how the Horizon Server REST API's wire format
//! (`shared/reference/horizon-rest-2512-subset.openapi.json`) maps onto the contract. The
//! server ([`server`]) reads these tables to turn HTTP into contract calls and contract
//! answers into HTTP; the REST backend ([`crate::backend::rest`]) reads the same tables the
//! other way ([`from_wire`], [`filter_to_wire`], [`fault_from_http`]). Nothing here decides a
//! rule of the services: it renames, re-encodes and pages.
//!
//! - ids: on the wire an id is the key part of the contract id (`Session/pod-1-1-0000001` is
//!   `pod-1-1-0000001`); the field says which type it is ([`Conv::Id`]).
//! - faults ↔ HTTP statuses and `error_key`s: [`FAULT_HTTP`], one row per fault type, read
//!   back by [`fault_from_http`] (by key, else by status).
//! - fields: one table per wire object ([`SESSION`], [`HOME_SITE_V1`], …), each row a wire
//!   name, the contract member(s) it comes from and how the value is converted.
//! - lists: `page`/`size`/`filter`/`sort_by`/`order_by` → the contract's query ([`ListParams`]).

#[cfg(feature = "server")]
pub mod server;

use crate::backend::embedded::store::Federation;
use crate::fault::Fault;
use crate::model::id::{make_id, IdType};
use crate::model::time;
use crate::service::query;
use crate::service::request::EntitlementKind;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------------
// ids

/// The wire form of a contract id: its key (`"Session/a/b"` → `"a/b"`).
pub fn wire_id(id: &str) -> &str {
    id.split_once('/').map_or(id, |(_, key)| key)
}

/// The contract id of a wire id of type `ty`.
pub fn contract_id(ty: IdType, key: &str) -> String {
    make_id(ty, key)
}

// ---------------------------------------------------------------------------------------------
// faults and HTTP statuses

/// One row of the fault table: a contract fault type, the HTTP status it travels as and the
/// `error_key` of its `APIError`. Both directions read it, so the mapping is lossless.
pub struct FaultHttp {
    pub fault_type: &'static str,
    pub status: u16,
    pub error_key: &'static str,
}

const fn fh(fault_type: &'static str, status: u16, error_key: &'static str) -> FaultHttp {
    FaultHttp { fault_type, status, error_key }
}

/// Contract fault → HTTP status and `error_key`. A `PartialFailureFault` never travels as
/// itself: a bulk call answers 200 with one `BulkItemResponseInfo` per item, each failed item
/// carrying its own fault's row.
pub const FAULT_HTTP: [FaultHttp; 9] = [
    fh("EntityNotFound", 404, "hvapi.fault.entity_not_found"),
    fh("InsufficientPermission", 403, "hvapi.fault.insufficient_permission"),
    fh("InvalidArgument", 400, "hvapi.fault.invalid_argument"),
    fh("InvalidType", 400, "hvapi.fault.invalid_type"),
    fh("InvalidRequest", 400, "hvapi.fault.invalid_request"),
    fh("InvalidState", 409, "hvapi.fault.invalid_state"),
    fh("UnexpectedFault", 500, "hvapi.fault.unexpected"),
    fh("InvalidCredentials", 401, "hvapi.fault.invalid_credentials"),
    fh("PartialFailureFault", 200, "hvapi.fault.partial_failure"),
];

/// The row of a fault.
pub fn fault_http(fault: &Fault) -> &'static FaultHttp {
    let t = fault.type_name();
    FAULT_HTTP.iter().find(|r| r.fault_type == t).expect("every fault type has a row")
}

/// The fault an HTTP answer stands for, read from the same table the server writes with
/// ([`FAULT_HTTP`]): the `error_key` first (lossless between hvapi's own server and client),
/// else the status alone (a real Connection Server's keys are its own: 400 → InvalidArgument,
/// 401 → InvalidCredentials, 403 → InsufficientPermission, 404 → EntityNotFound, 409 →
/// InvalidState, anything else → UnexpectedFault with the status and message as the cause).
/// `APIError` carries a key and a message only, so the contract fields are filled from what the
/// caller knows: `id` (the item or entity asked about; `EntityNotFound`, `InvalidState`) and
/// `privileges` (the contract's privilege table for the method).
pub fn fault_from_http(status: u16, body: &[u8], id: Option<&str>, privileges: &[&'static str]) -> Fault {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let key = parsed.as_ref().and_then(|b| b.get("error_key")).and_then(Value::as_str).unwrap_or("");
    let text = parsed.as_ref().and_then(|b| b.get("error_message")).and_then(Value::as_str).map(str::to_owned);
    let message = text.clone().unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(300).collect());
    fault_of_type(fault_type_of(status, key), status, message, id, privileges)
}

/// The fault of one `BulkItemResponseInfo` that did not succeed.
pub fn fault_of_item(item: &Value, id: Option<&str>, privileges: &[&'static str]) -> Fault {
    let status = item.get("status_code").and_then(Value::as_u64).unwrap_or(500) as u16;
    let error = item.get("errors").and_then(|e| e.get(0)).cloned().unwrap_or(Value::Null);
    let key = error.get("error_key").and_then(Value::as_str).unwrap_or("");
    let message = error
        .get("error_message")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| item.get("error_messages").and_then(|m| m.get(0)).and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| format!("The item failed with HTTP status {status}."));
    fault_of_type(fault_type_of(status, key), status, message, id, privileges)
}

/// The contract fault type of an HTTP status and `error_key`.
pub fn fault_type_of(status: u16, key: &str) -> &'static str {
    if let Some(row) = FAULT_HTTP.iter().find(|r| r.error_key == key) {
        return row.fault_type;
    }
    if key == http_error::CPA_NOT_INITIALIZED.1 {
        return "InvalidState";
    }
    match status {
        400 | 413 => "InvalidArgument",
        401 => "InvalidCredentials",
        // Only the first row of a status is its default (400 is InvalidArgument, not InvalidType).
        s => FAULT_HTTP.iter().find(|r| r.status == s && s != 200 && s != 500).map_or("UnexpectedFault", |r| r.fault_type),
    }
}

fn fault_of_type(ty: &str, status: u16, message: String, id: Option<&str>, privileges: &[&'static str]) -> Fault {
    let id = id.unwrap_or_default().to_owned();
    match ty {
        "EntityNotFound" => Fault::EntityNotFound { id, message },
        "InsufficientPermission" => {
            Fault::InsufficientPermission { privileges: privileges.to_vec(), resource: (!id.is_empty()).then_some(id), access_group: None, message }
        }
        "InvalidArgument" => Fault::InvalidArgument { parameter_name: None, message },
        "InvalidType" => Fault::InvalidType { parameter_name: String::new(), expected_type: String::new(), message },
        "InvalidState" => Fault::InvalidState { id: (!id.is_empty()).then_some(id), message },
        "InvalidRequest" => Fault::InvalidRequest { message },
        "InvalidCredentials" => Fault::InvalidCredentials { message },
        _ => Fault::unexpected(format!("HTTP {status}: {message}")),
    }
}

/// Errors of the HTTP layer itself, which no contract call produced.
pub mod http_error {
    pub const NOT_AUTHENTICATED: (u16, &str) = (401, "hvapi.rest.not_authenticated");
    pub const TOKEN_EXPIRED: (u16, &str) = (401, "hvapi.rest.token_expired");
    pub const INVALID_REFRESH_TOKEN: (u16, &str) = (400, "hvapi.rest.invalid_refresh_token");
    pub const BAD_REQUEST: (u16, &str) = (400, "hvapi.rest.bad_request");
    pub const TOO_MANY_ITEMS: (u16, &str) = (400, "hvapi.rest.too_many_items");
    pub const REQUEST_TIMEOUT: (u16, &str) = (408, "hvapi.rest.request_timeout");
    pub const URI_TOO_LONG: (u16, &str) = (414, "hvapi.rest.uri_too_long");
    pub const HEADERS_TOO_LARGE: (u16, &str) = (431, "hvapi.rest.headers_too_large");
    pub const NOT_FOUND: (u16, &str) = (404, "hvapi.rest.not_found");
    pub const METHOD_NOT_ALLOWED: (u16, &str) = (405, "hvapi.rest.method_not_allowed");
    pub const CPA_NOT_INITIALIZED: (u16, &str) = (409, "hvapi.rest.cpa_not_initialized");
    pub const BODY_TOO_LARGE: (u16, &str) = (413, "hvapi.rest.body_too_large");
    pub const TOO_MANY_REQUESTS: (u16, &str) = (429, "hvapi.rest.too_many_requests");
    pub const NOT_SUPPORTED: (u16, &str) = (501, "hvapi.rest.not_supported");
}

/// The `APIError` body of a fault.
pub fn api_error(fault: &Fault) -> Value {
    json!({"error_key": fault_http(fault).error_key, "error_message": fault.to_string()})
}

// ---------------------------------------------------------------------------------------------
// fields

/// How a value crosses between contract and wire.
#[derive(Debug, Clone, Copy)]
pub enum Conv {
    /// The same JSON value.
    Plain,
    /// A contract id (or array of ids) ↔ its key.
    Id(IdType),
    /// An RFC 3339 time ↔ epoch milliseconds.
    Time,
    /// An enumeration: (contract value, wire value) pairs; a contract value not listed
    /// becomes the second element, and a wire value maps back to the first pair naming it.
    Enum(&'static [(&'static str, &'static str)], &'static str),
    /// A constant wire value, present when the contract member is (not filterable).
    Const(&'static str),
}

/// One wire field: its name (a dotted name nests: `client_data.name`), the contract members
/// it is read from (the first present one wins) and their conversions. A field with one
/// member and no constant can be filtered and sorted on, unless it is `joined` (read from a
/// row the server joins to the contract's, which the contract's query cannot see); the
/// others are rendered only.
pub struct Field {
    pub wire: &'static str,
    pub from: &'static [(&'static str, Conv)],
    pub joined: bool,
}

const fn f(wire: &'static str, from: &'static [(&'static str, Conv)]) -> Field {
    Field { wire, from, joined: false }
}

const fn joined(wire: &'static str, from: &'static [(&'static str, Conv)]) -> Field {
    Field { wire, from, joined: true }
}

use Conv::*;

/// Contract `clientType` → `ClientData.type` (the demo writes `HTML5` for the HTML Access client).
const CLIENT_TYPES: &[(&str, &str)] = &[
    ("WINDOWS", "WINDOWS"),
    ("MAC", "MAC"),
    ("HTML5", "HTMLACCESS"),
    ("HTMLACCESS", "HTMLACCESS"),
    ("LINUX", "LINUX"),
    ("IOS", "IOS"),
    ("ANDROID", "ANDROID"),
];
/// Contract `desktopSource` → `desktop_pool_or_farm_source`.
const DESKTOP_SOURCES: &[(&str, &str)] = &[
    ("INSTANT_CLONE_ENGINE", "INSTANT_CLONE"),
    ("VIEW_COMPOSER", "LINKED_CLONE"),
    ("VIRTUAL_CENTER", "VIRTUAL_CENTER"),
    ("UNMANAGED", "UNMANAGED"),
    ("RDS", "RDS"),
];

/// The fields every session object has (`SessionInfo`, `SessionInfoV7`, `GlobalSessionInfo`)
/// ← `SessionLocalSummaryView`.
pub const SESSION: &[Field] = &[
    f("id", &[("id", Id(IdType::Session))]),
    f("user_id", &[("referenceData.user", Id(IdType::UserOrGroup))]),
    f("desktop_pool_id", &[("referenceData.desktop", Id(IdType::Desktop))]),
    f("farm_id", &[("referenceData.farm", Id(IdType::Farm))]),
    f("machine_id", &[("referenceData.machine", Id(IdType::Machine))]),
    f("rds_server_id", &[("referenceData.rdsServer", Id(IdType::RDSServer))]),
    f("session_type", &[("sessionData.sessionType", Plain)]),
    f("session_protocol", &[("sessionData.sessionProtocol", Plain)]),
    f("session_state", &[("sessionData.sessionState", Plain)]),
    f("start_time", &[("sessionData.startTime", Time)]),
    f("disconnected_time", &[("sessionData.disconnectTime", Time)]),
    f("last_session_duration_ms", &[("sessionData.lastSessionDurationMS", Plain)]),
    f("brokered_remotely", &[("sessionData.brokeredRemotely", Plain)]),
    f("resourced_remotely", &[("sessionData.resourcedRemotely", Plain)]),
    f("idle_duration", &[("sessionData.idleDuration", Plain)]),
    f("application_names", &[("namesData.applicationNames", Plain)]),
    f("client_data.name", &[("namesData.clientName", Plain)]),
    f("client_data.address", &[("namesData.clientAddress", Plain)]),
    f("client_data.type", &[("namesData.clientType", Enum(CLIENT_TYPES, "OTHER"))]),
];

/// `SessionInfo` (`/inventory/v1/sessions`): every session field and this.
pub const SESSION_V1_EXTRA: &[Field] = &[f("access_group_id", &[("referenceData.accessGroup", Id(IdType::AccessGroup))])];

/// The desktop pool or farm of a session (`SessionInfoV7`, `GlobalSessionInfo`).
pub const SESSION_POOL_OR_FARM: &[Field] = &[
    f("desktop_pool_or_farm_name", &[("namesData.desktopName", Plain), ("namesData.farmName", Plain)]),
    f("desktop_pool_or_farm_type", &[("namesData.desktopType", Plain), ("namesData.farmName", Const("RDS"))]),
    f("desktop_pool_or_farm_source", &[("namesData.desktopSource", Enum(DESKTOP_SOURCES, "UNKNOWN")), ("namesData.farmName", Const("RDS"))]),
];

/// `SessionInfoV7` (`/inventory/v7/sessions`): every `SessionInfo` field, the pool or farm,
/// and these.
pub const SESSION_V7_EXTRA: &[Field] = &[
    f("user_name", &[("namesData.userName", Plain)]),
    f("groups", &[("referenceData.groups", Id(IdType::UserOrGroup))]),
    f("machine_or_rds_server_name", &[("namesData.machineOrRDSServerName", Plain)]),
    f("machine_or_rds_server_dns", &[("namesData.machineOrRDSServerDNS", Plain)]),
];

/// `GlobalSessionInfo` (`/inventory/v1/global-sessions`): every session field, the pool or
/// farm, and these, read from the `SessionLocalSummaryView` joined with the inventory's row
/// of its pod (`pod`; choose pods with the query parameters).
pub const GLOBAL_SESSION_EXTRA: &[Field] = &[
    joined("pod_id", &[("pod.id", Id(IdType::Pod))]),
    joined("brokering_pod_id", &[("pod.id", Id(IdType::Pod))]),
    joined("site_id", &[("pod.site", Id(IdType::Site))]),
    f("local_access_group_id", &[("referenceData.accessGroup", Id(IdType::AccessGroup))]),
    f("machine_or_rds_server_dns_name", &[("namesData.machineOrRDSServerDNS", Plain)]),
];

/// `HomeSiteInfo` (`/federation/v1/home-sites`) ← `UserHomeSiteInfo`.
pub const HOME_SITE_V1: &[Field] = &[
    f("id", &[("id", Id(IdType::UserHomeSite))]),
    f("ad_user_or_group_id", &[("base.userOrGroup", Id(IdType::UserOrGroup))]),
    f("site_id", &[("base.site", Id(IdType::Site))]),
    f("global_desktop_entitlement_id", &[("base.globalEntitlement", Id(IdType::GlobalEntitlement))]),
    f("global_application_entitlement_id", &[("base.globalApplicationEntitlement", Id(IdType::GlobalApplicationEntitlement))]),
];

/// `HomeSiteInfoV2` (`/federation/v2/home-sites`): every `HomeSiteInfo` field and these, read
/// from the info joined with the inventory rows of its user or group (`owner`) and site.
pub const HOME_SITE_V2_EXTRA: &[Field] = &[
    f("user_name", &[("owner.name", Plain)]),
    f("domain", &[("owner.domain", Plain)]),
    f("group", &[("owner.group", Plain)]),
    f("site_name", &[("siteRow.name", Plain)]),
];

/// `SiteInfo` ← the inventory's Site row joined with its pods (`pods`, ids).
pub const SITE: &[Field] = &[f("id", &[("id", Id(IdType::Site))]), f("name", &[("name", Plain)]), f("pods", &[("pods", Id(IdType::Pod))])];

/// `PodInfo` ← the inventory's Pod row and whether it is the local pod (`localPod`).
pub const POD: &[Field] =
    &[f("id", &[("id", Id(IdType::Pod))]), f("name", &[("name", Plain)]), f("site_id", &[("site", Id(IdType::Site))]), f("local_pod", &[("localPod", Plain)])];

/// `GlobalDesktopEntitlementSummary` / `GlobalApplicationEntitlementSummary` ← the inventory's
/// GlobalEntitlement / GlobalApplicationEntitlement row.
pub const GLOBAL_DESKTOP_ENTITLEMENT: &[Field] =
    &[f("id", &[("id", Id(IdType::GlobalEntitlement))]), f("name", &[("name", Plain)]), f("display_name", &[("name", Plain)])];
pub const GLOBAL_APPLICATION_ENTITLEMENT: &[Field] =
    &[f("id", &[("id", Id(IdType::GlobalApplicationEntitlement))]), f("name", &[("name", Plain)]), f("display_name", &[("name", Plain)])];
/// The `…Info` forms add the member counts (`userCount`, `groupCount`, joined from the
/// inventory's UserOrGroup rows).
pub const ENTITLEMENT_INFO_EXTRA: &[Field] = &[f("user_count", &[("userCount", Plain)]), f("group_count", &[("groupCount", Plain)])];

/// `ADUserOrGroupSummary` ← the inventory's UserOrGroup row (`displayName` is `DOMAIN\name`).
pub const AD_USER_OR_GROUP: &[Field] = &[
    f("id", &[("id", Id(IdType::UserOrGroup))]),
    f("name", &[("name", Plain)]),
    f("login_name", &[("name", Plain)]),
    f("domain", &[("domain", Plain)]),
    f("group", &[("group", Plain)]),
    f("display_name", &[("displayName", Plain)]),
    f("user_display_name", &[("name", Plain)]),
];
/// `ADUserOrGroupInfo` adds the groups it is an immediate member of (`memberOf`) and, for a
/// group, its immediate members counted (`userCount`, `groupCount`).
pub const AD_USER_OR_GROUP_INFO_EXTRA: &[Field] = &[
    f("group_membership_ids", &[("memberOf", Id(IdType::UserOrGroup))]),
    f("user_count", &[("userCount", Plain)]),
    f("sub_group_count", &[("groupCount", Plain)]),
];

/// `AuditEventSummary` ← the contract's event object.
pub const AUDIT_EVENT: &[Field] = &[
    f("id", &[("id", Plain)]),
    f("time", &[("time", Time)]),
    f("type", &[("type", Plain)]),
    f("severity", &[("severity", Plain)]),
    f("message", &[("message", Plain)]),
    f("user_id", &[("user", Id(IdType::UserOrGroup))]),
    f("module", &[("type", Const("Broker"))]),
];

/// `AuditEventAttributeInfo.event_data` (`GET /external/v1/audit-events/extended-attributes`)
/// ← the event members an `AuditEventSummary` has no field for: (key, member, id type).
/// `UserDisplayName` is the acting administrator, as in Horizon Console's event texts; the
/// others are hvapi's keys. The server writes them and the REST backend reads them.
pub const EVENT_ATTRIBUTES: &[(&str, &str, Option<IdType>)] = &[
    ("UserDisplayName", "admin", None),
    ("SessionId", "session", Some(IdType::Session)),
    ("UserHomeSiteId", "userHomeSite", Some(IdType::UserHomeSite)),
    ("PodId", "pod", Some(IdType::Pod)),
];

/// An entitlement kind on the wire: its endpoint, field tables and keys.
impl EntitlementKind {
    /// Its list endpoint (below `/rest`).
    pub const fn path(self) -> &'static str {
        match self {
            EntitlementKind::Desktop => "/inventory/v1/global-desktop-entitlements",
            EntitlementKind::Application => "/inventory/v1/global-application-entitlements",
        }
    }

    /// Its `…Summary` fields, or its `…Info` fields.
    pub fn fields(self, info: bool) -> Fields {
        match (self, info) {
            (EntitlementKind::Desktop, false) => GDE_SUMMARY,
            (EntitlementKind::Desktop, true) => GDE_INFO,
            (EntitlementKind::Application, false) => GAE_SUMMARY,
            (EntitlementKind::Application, true) => GAE_INFO,
        }
    }

    /// Its id's key in `HomeSiteCreateSpec`, `HomeSiteResolutionSpec` and their answers.
    pub fn wire_key(self) -> &'static str {
        match self {
            EntitlementKind::Desktop => "global_desktop_entitlement_id",
            EntitlementKind::Application => "global_application_entitlement_id",
        }
    }

    /// Its name's key in `HomeSiteResolutionInfoV2`.
    pub fn wire_name_key(self) -> &'static str {
        match self {
            EntitlementKind::Desktop => "global_desktop_entitlement_name",
            EntitlementKind::Application => "global_application_entitlement_name",
        }
    }
}

/// The most event ids one request for extended attributes may name.
pub const MAX_EVENT_ATTRIBUTE_IDS: usize = 1000;

/// A wire object: its field tables, read in order.
pub type Fields = &'static [&'static [Field]];

pub const SESSIONS_V1: Fields = &[SESSION, SESSION_V1_EXTRA];
pub const SESSIONS_V7: Fields = &[SESSION, SESSION_V1_EXTRA, SESSION_V7_EXTRA, SESSION_POOL_OR_FARM];
pub const GLOBAL_SESSIONS: Fields = &[SESSION, GLOBAL_SESSION_EXTRA, SESSION_POOL_OR_FARM];
pub const HOME_SITES_V1: Fields = &[HOME_SITE_V1];
pub const HOME_SITES_V2: Fields = &[HOME_SITE_V1, HOME_SITE_V2_EXTRA];
pub const SITES: Fields = &[SITE];
pub const PODS: Fields = &[POD];
pub const GDE_SUMMARY: Fields = &[GLOBAL_DESKTOP_ENTITLEMENT];
pub const GDE_INFO: Fields = &[GLOBAL_DESKTOP_ENTITLEMENT, ENTITLEMENT_INFO_EXTRA];
pub const GAE_SUMMARY: Fields = &[GLOBAL_APPLICATION_ENTITLEMENT];
pub const GAE_INFO: Fields = &[GLOBAL_APPLICATION_ENTITLEMENT, ENTITLEMENT_INFO_EXTRA];
pub const AD_SUMMARY: Fields = &[AD_USER_OR_GROUP];
pub const AD_INFO: Fields = &[AD_USER_OR_GROUP, AD_USER_OR_GROUP_INFO_EXTRA];
pub const AUDIT_EVENTS: Fields = &[AUDIT_EVENT];

fn all(fields: Fields) -> impl Iterator<Item = &'static Field> {
    fields.iter().flat_map(|t| t.iter())
}

impl Conv {
    /// Contract value → wire value.
    pub fn to_wire(self, v: &Value) -> Value {
        match (self, v) {
            (Plain, v) => v.clone(),
            (Id(_), Value::String(s)) => wire_id(s).into(),
            (Id(ty), Value::Array(a)) => Value::Array(a.iter().map(|x| Id(ty).to_wire(x)).collect()),
            (Time, Value::String(s)) => time::parse(s).map_or(Value::Null, |t| millis(t).into()),
            (Enum(pairs, other), Value::String(s)) => enum_to_wire(pairs, other, s).into(),
            (Const(c), _) => c.into(),
            (_, v) => v.clone(),
        }
    }

    /// Wire value → contract value, for rows read back (arrays of ids element by element).
    pub fn to_contract_value(self, v: &Value) -> Option<Value> {
        match (self, v) {
            (Id(ty), Value::Array(a)) => Some(Value::Array(a.iter().filter_map(|x| Id(ty).to_contract(x)).collect())),
            (Plain, v) => Some(v.clone()),
            _ => self.to_contract(v),
        }
    }

    /// Wire value → contract value, for filters. `None`: the value has the wrong kind.
    pub fn to_contract(self, v: &Value) -> Option<Value> {
        Some(match (self, v) {
            (Plain, v) => v.clone(),
            (Id(ty), Value::String(s)) => contract_id(ty, s).into(),
            (Time, Value::Number(n)) => time_to_contract(n.as_i64()?).into(),
            (Enum(pairs, _), Value::String(s)) => enum_to_contract(pairs, s).into(),
            (Id(_) | Time | Enum(..) | Const(_), _) => return None,
        })
    }
}

/// A contract time (Unix seconds) as the wire's epoch milliseconds.
fn millis(t: time::Timestamp) -> i64 {
    t.saturating_mul(1000)
}

/// The wire's epoch milliseconds as a contract time.
fn time_to_contract(ms: i64) -> String {
    time::format(ms.div_euclid(1000))
}

/// A wire enumeration value in the contract (a value no pair names stays as it is).
fn enum_to_contract<'a>(pairs: &'static [(&'static str, &'static str)], s: &'a str) -> &'a str {
    pairs.iter().find(|p| p.1 == s).map_or(s, |p| p.0)
}

/// A contract enumeration value on the wire.
fn enum_to_wire(pairs: &'static [(&'static str, &'static str)], other: &'static str, s: &str) -> &'static str {
    pairs.iter().find(|p| p.0 == s).map_or(other, |p| p.1)
}

/// A member value read from the store ([`query::Val`]) converted as [`Conv::to_wire`]
/// converts its JSON: the direct writer's leaf.
struct WireVal<'f, 's>(Conv, &'f Federation, query::Val<'f, 's>);

impl Serialize for WireVal<'_, '_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use query::Val;
        let f = self.1;
        match (self.0, self.2) {
            (Id(_), Val::Str(s) | Val::Text(s)) => ser.serialize_str(wire_id(s)),
            (Id(_), Val::Ids(ids)) => ser.collect_seq(ids.iter().map(|&i| wire_id(&f.users_and_groups.get(i).id))),
            (Id(_), Val::Strs(v)) => ser.collect_seq(v.iter().map(|s| wire_id(s))),
            (Time, Val::Time(t)) => ser.serialize_i64(millis(t)),
            (Time, Val::Str(s) | Val::Text(s)) => match time::parse(s) {
                Some(t) => ser.serialize_i64(millis(t)),
                None => ser.serialize_none(),
            },
            (Enum(pairs, other), Val::Str(s) | Val::Text(s)) => ser.serialize_str(enum_to_wire(pairs, other, s)),
            (Const(c), _) => ser.serialize_str(c),
            (_, v) => query::ValJson(f, v).serialize(ser),
        }
    }
}

/// How a wire object is written from a record: each field with the readers of its contract
/// members (the first present one wins); dotted names nest, in the tables' order.
enum Plan<R: 'static> {
    Leaf(&'static str, Vec<(query::Read<R>, Conv)>),
    Object(&'static str, Vec<Plan<R>>),
}

fn plan<R>(fields: Fields, page: &query::Page<'_, R>) -> Vec<Plan<R>> {
    let mut nodes: Vec<Plan<R>> = Vec::new();
    for field in all(fields) {
        let sources: Vec<(query::Read<R>, Conv)> = field.from.iter().filter_map(|(path, conv)| page.reader(path).map(|r| (r, *conv))).collect();
        if sources.is_empty() {
            continue;
        }
        let mut level = &mut nodes;
        let mut rest = field.wire;
        while let Some((seg, tail)) = rest.split_once('.') {
            if !matches!(level.last(), Some(Plan::Object(s, _)) if *s == seg) {
                level.push(Plan::Object(seg, Vec::new()));
            }
            level = match level.last_mut() {
                Some(Plan::Object(_, inner)) => inner,
                _ => unreachable!("just pushed"),
            };
            rest = tail;
        }
        level.push(Plan::Leaf(rest, sources));
    }
    nodes
}

/// One record as its wire object, written straight from the store.
struct WireRow<'p, 'f, R: 'static> {
    f: &'f Federation,
    r: &'f R,
    nodes: &'p [Plan<R>],
}

impl<R> WireRow<'_, '_, R> {
    /// Whether any leaf below has a value (an empty nested object is left out, as `to_wire` does).
    fn any(&self, buf: &mut String) -> bool {
        self.nodes.iter().any(|n| match n {
            Plan::Leaf(_, sources) => sources.iter().any(|(read, _)| !matches!(read(self.f, self.r, buf), query::Val::Missing)),
            Plan::Object(_, inner) => WireRow { f: self.f, r: self.r, nodes: inner }.any(buf),
        })
    }
}

impl<R> Serialize for WireRow<'_, '_, R> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut map = ser.serialize_map(None)?;
        let mut buf = String::new();
        for node in self.nodes {
            match node {
                Plan::Leaf(name, sources) => {
                    for (read, conv) in sources {
                        let v = read(self.f, self.r, &mut buf);
                        if !matches!(v, query::Val::Missing) {
                            map.serialize_entry(name, &WireVal(*conv, self.f, v))?;
                            break;
                        }
                    }
                }
                Plan::Object(name, inner) => {
                    let row = WireRow { f: self.f, r: self.r, nodes: inner };
                    if row.any(&mut String::new()) {
                        map.serialize_entry(name, &row)?;
                    }
                }
            }
        }
        map.end()
    }
}

/// A contract page's rows as a JSON array of the wire objects `fields` describe, written
/// straight from the store through the page's member readers: the same objects as
/// [`to_wire`] over the page's JSON, without the JSON in between (a 1,000-row page of
/// sessions costs what the contract's own page does).
pub fn page_rows<R>(fields: Fields, page: &query::Page<'_, R>) -> Vec<u8> {
    let nodes = plan(fields, page);
    let f = page.federation();
    let rows: Vec<WireRow<'_, '_, R>> = page.results.iter().map(|&r| WireRow { f, r, nodes: &nodes }).collect();
    serde_json::to_vec(&rows).expect("wire rows serialize")
}

/// Puts `v` at a dotted wire name.
fn put(out: &mut Map<String, Value>, name: &str, v: Value) {
    match name.split_once('.') {
        None => {
            out.insert(name.to_owned(), v);
        }
        Some((head, rest)) => {
            let inner = out.entry(head.to_owned()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = inner {
                put(m, rest, v);
            }
        }
    }
}

/// A contract object (possibly joined with other rows) as the wire object `fields` describe.
/// Unset members are omitted, as the contract omits them.
pub fn to_wire(fields: Fields, row: &Value) -> Value {
    let mut out = Map::new();
    for field in all(fields) {
        let value = field.from.iter().find_map(|(path, conv)| query::member(row, path).map(|v| conv.to_wire(v)));
        if let Some(v) = value.filter(|v| !v.is_null()) {
            put(&mut out, field.wire, v);
        }
    }
    Value::Object(out)
}

/// A wire object back into its contract form: the reverse of [`to_wire`] over the same
/// tables. A field read from several members (`desktop_pool_or_farm_name` is a desktop's or a
/// farm's name) goes back to the member that fits the row: a farm's where the row has a farm
/// (`referenceData.farm`, or a `farm` member), else the first; constants are not written back.
pub fn from_wire(fields: Fields, wire: &Value) -> Value {
    let mut out = Map::new();
    let farm = wire.get("farm_id").is_some();
    for field in all(fields) {
        let v = match wire_member(wire, field.wire).filter(|v| !v.is_null()) {
            Some(v) => v,
            _ => continue,
        };
        if let Some((path, conv)) = back_source(field, farm) {
            if let Some(c) = conv.to_contract_value(v) {
                put(&mut out, path, c);
            }
        }
    }
    Value::Object(out)
}

/// The contract member a wire field is read back into, with its conversion, in a row that has
/// a farm (`farm_id`) or not: its one member, or of several the one that fits the row;
/// `None` for a constant. [`from_wire`] and [`rows_from_wire`] both read fields through it.
fn back_source(field: &Field, farm: bool) -> Option<(&'static str, Conv)> {
    let source = match field.from {
        [one] => Some(one),
        many => many.iter().filter(|(_, c)| !matches!(c, Const(_))).find(|(path, _)| path.to_ascii_lowercase().contains("farm") == farm),
    };
    match source {
        Some((_, Const(_))) | None => None,
        Some((path, conv)) => Some((*path, *conv)),
    }
}

fn wire_member<'a>(wire: &'a Value, name: &str) -> Option<&'a Value> {
    name.split('.').try_fold(wire, |v, k| v.get(k))
}

/// How a page of wire objects is read back into contract rows without a `Value` in between:
/// the wire names the tables read (dotted names nest), and per kind of row (without, with a
/// farm) the tree of contract members, each leaf with the fields that write it in the tables'
/// order (a later one wins, as [`from_wire`]'s `put` overwrites), every level in key order,
/// as a contract object is written.
struct Back {
    names: Vec<&'static str>,
    trees: [Vec<BackNode>; 2],
}

enum BackNode {
    /// The member's key (as JSON) and its sources: wire slot, conversion, and for an id the
    /// contract id's text before the key (`Session/`).
    Leaf(String, Vec<(usize, Conv, String)>),
    Object(String, Vec<BackNode>),
}

impl BackNode {
    fn name(&self) -> &str {
        match self {
            BackNode::Leaf(n, _) | BackNode::Object(n, _) => n,
        }
    }
}

impl Back {
    fn new(fields: Fields) -> Back {
        let mut names: Vec<&'static str> = Vec::new();
        for field in all(fields) {
            if !names.contains(&field.wire) {
                names.push(field.wire);
            }
        }
        let tree = |farm: bool| {
            let mut nodes = Vec::new();
            for field in all(fields) {
                let (path, conv) = match back_source(field, farm) {
                    Some(s) => s,
                    None => continue,
                };
                let slot = names.iter().position(|n| *n == field.wire).expect("listed above");
                let mut level = &mut nodes;
                let mut rest = path;
                while let Some((seg, tail)) = rest.split_once('.') {
                    let key = serde_json::to_string(seg).expect("a string serializes");
                    let at = match level.iter().position(|n: &BackNode| n.name() == key) {
                        Some(i) => i,
                        None => {
                            level.push(BackNode::Object(key, Vec::new()));
                            level.len() - 1
                        }
                    };
                    level = match &mut level[at] {
                        BackNode::Object(_, inner) => inner,
                        BackNode::Leaf(..) => unreachable!("no contract member is both a value and an object"),
                    };
                    rest = tail;
                }
                let key = serde_json::to_string(rest).expect("a string serializes");
                let id_prefix = match conv {
                    Id(ty) => contract_id(ty, ""),
                    _ => String::new(),
                };
                match level.iter_mut().find(|n| n.name() == key) {
                    Some(BackNode::Leaf(_, sources)) => sources.push((slot, conv, id_prefix)),
                    Some(BackNode::Object(..)) => unreachable!("no contract member is both a value and an object"),
                    None => level.push(BackNode::Leaf(key, vec![(slot, conv, id_prefix)])),
                }
            }
            sort_nodes(&mut nodes);
            nodes
        };
        Back { trees: [tree(false), tree(true)], names }
    }

    /// Fills `slots` from a wire object's members below `prefix` (`""` or `"client_data."`).
    fn fill<'de>(&self, pairs: Pairs<'de>, prefix: &str, slots: &mut [Option<&'de RawValue>], guess: &mut usize) {
        for (key, raw) in pairs.0 {
            let key: &str = &key;
            let owned;
            let full = if prefix.is_empty() {
                key
            } else {
                owned = format!("{prefix}{key}");
                &owned
            };
            // The server writes the fields in the tables' order: try the next one first.
            let hit = if self.names.get(*guess) == Some(&full) { Some(*guess) } else { self.names.iter().position(|n| *n == full) };
            if let Some(i) = hit {
                slots[i] = Some(raw);
                *guess = i + 1;
                continue;
            }
            let nested = format!("{full}.");
            if self.names.iter().any(|n| n.starts_with(&nested)) {
                // As `wire_member` reads it: the last object of that name, nothing from another kind.
                for (i, n) in self.names.iter().enumerate() {
                    if n.starts_with(&nested) {
                        slots[i] = None;
                    }
                }
                if let Ok(inner) = serde_json::from_str::<Pairs>(raw.get()) {
                    self.fill(inner, &nested, slots, guess);
                }
            }
        }
    }

    /// One wire object (its members) as its contract row's JSON text.
    fn row<E: serde::de::Error>(&self, pairs: Pairs<'_>) -> Result<Box<RawValue>, E> {
        let farm = pairs.0.iter().any(|(k, _)| k == "farm_id");
        let mut slots = vec![None; self.names.len()];
        self.fill(pairs, "", &mut slots, &mut 0);
        let mut out = Vec::with_capacity(1024);
        write_back(&mut out, &self.trees[farm as usize], &slots);
        // Written of JSON pieces, so both hold; an error rather than a panic all the same.
        let text = String::from_utf8(out).map_err(E::custom)?;
        RawValue::from_string(text).map_err(E::custom)
    }
}

fn sort_nodes(nodes: &mut [BackNode]) {
    // A contract object's members are written in key order (its map is ordered by key).
    nodes.sort_by(|a, b| serde_json::from_str::<String>(a.name()).ok().cmp(&serde_json::from_str::<String>(b.name()).ok()));
    for n in nodes {
        if let BackNode::Object(_, inner) = n {
            sort_nodes(inner);
        }
    }
}

/// Writes an object of `nodes`; whether any member was written (an object with none is left
/// out below the top, as [`from_wire`] never creates it).
fn write_back(out: &mut Vec<u8>, nodes: &[BackNode], slots: &[Option<&RawValue>]) -> bool {
    out.push(b'{');
    let mut first = true;
    for node in nodes {
        let mark = out.len();
        if !first {
            out.push(b',');
        }
        out.extend_from_slice(node.name().as_bytes());
        out.push(b':');
        let written = match node {
            BackNode::Leaf(_, sources) => sources.iter().rev().any(|(slot, conv, id_prefix)| match slots[*slot] {
                Some(raw) if raw.get() != "null" => write_value(out, *conv, id_prefix, raw),
                _ => false,
            }),
            BackNode::Object(_, inner) => write_back(out, inner, slots),
        };
        if written {
            first = false;
        } else {
            out.truncate(mark);
        }
    }
    out.push(b'}');
    !first
}

/// Writes a wire value converted as [`Conv::to_contract_value`] converts it; `false` (and
/// nothing written) where it gives nothing. Plain values are copied as the server wrote them.
fn write_value(out: &mut Vec<u8>, conv: Conv, id_prefix: &str, raw: &RawValue) -> bool {
    let text = raw.get();
    let string = || serde_json::from_str::<CowStr>(text).ok().map(|s| s.0);
    let put = |out: &mut Vec<u8>, s: &str| serde_json::to_writer(out, s).expect("a string writes");
    match conv {
        Plain => out.extend_from_slice(text.as_bytes()),
        // The contract id `contract_id(ty, key)` is the key after its type's prefix.
        Id(_) if text.starts_with('"') => match string() {
            Some(s) => {
                let at = out.len() + 1;
                put(out, &s);
                out.splice(at..at, id_prefix.bytes());
            }
            None => return false,
        },
        Enum(pairs, _) if text.starts_with('"') => match string() {
            Some(s) => put(out, enum_to_contract(pairs, &s)),
            None => return false,
        },
        Time if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) => match text.parse::<i64>() {
            Ok(ms) => put(out, &time_to_contract(ms)),
            // A fraction, an exponent or past i64: not a time, as `as_i64` says.
            Err(_) => return false,
        },
        _ => match serde_json::from_str::<Value>(text).ok().and_then(|v| conv.to_contract_value(&v)) {
            Some(c) => serde_json::to_writer(out, &c).expect("a value writes"),
            None => return false,
        },
    }
    true
}

/// A JSON string, borrowed from the text where it has no escapes.
struct CowStr<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CowStr<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(s.into()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(CowStr(s.to_owned().into()))
            }
        }
        d.deserialize_str(V)
    }
}

/// A JSON object's members as raw values (nothing for any other kind of value).
struct Pairs<'de>(Vec<(std::borrow::Cow<'de, str>, &'de RawValue)>);

impl<'de> Deserialize<'de> for Pairs<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PairsVisitor)
    }
}

struct PairsVisitor;

impl<'de> Visitor<'de> for PairsVisitor {
    type Value = Pairs<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::with_capacity(32);
        while let Some(key) = map.next_key::<CowStr>()? {
            pairs.push((key.0, map.next_value()?));
        }
        Ok(Pairs(pairs))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Pairs(Vec::new()))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Pairs(Vec::new()))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Pairs(Vec::new()))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Pairs(Vec::new()))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Pairs(Vec::new()))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Pairs(Vec::new()))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Pairs(Vec::new()))
    }
}

/// A page: a JSON array of rows, each read back as it is deserialized.
struct BackPage<'b>(&'b Back);

impl<'de> DeserializeSeed<'de> for BackPage<'_> {
    type Value = Vec<Box<RawValue>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BackPage<'_> {
    type Value = Vec<Box<RawValue>>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_PAGE_SIZE as usize));
        while let Some(pairs) = seq.next_element::<Pairs>()? {
            rows.push(self.0.row(pairs)?);
        }
        Ok(rows)
    }
    // Anything but an array holds no rows (as `into_rows` reads it).
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        PairsVisitor.visit_map(map).map(|_| Vec::new())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

/// A wire page (a JSON array of the objects `fields` describe) read back into contract rows,
/// as JSON text: what [`from_wire`] gives for each row, over the same tables
/// ([`back_source`], [`Conv::to_contract_value`]'s conversions), without a `Value` in between
/// (plain values are copied as written). Anything but an array is no rows; text that is not
/// JSON is the parser's error.
pub fn rows_from_wire(fields: Fields, body: &[u8]) -> Result<Vec<Box<RawValue>>, serde_json::Error> {
    let back = Back::new(fields);
    // The text checked as UTF-8 once, not each raw value on its own.
    let text = std::str::from_utf8(body).map_err(<serde_json::Error as serde::de::Error>::custom)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let rows = BackPage(&back).deserialize(&mut de)?;
    de.end()?;
    Ok(rows)
}

/// The wire filter of a contract filter over `fields`; `None` when a member has no wire field
/// that can be filtered on (the caller then filters the rows itself).
pub fn filter_to_wire(fields: Fields, filter: &query::Filter) -> Option<Value> {
    use query::{Compare, Filter};
    let name = |member: &str| all(fields).find(|f| member_of(fields, f.wire).map_or(false, |(p, _)| p == member)).map(|f| (f.wire, f.from[0].1));
    Some(match filter {
        Filter::And(fs) | Filter::Or(fs) => {
            let ty = if matches!(filter, Filter::And(_)) { "And" } else { "Or" };
            json!({"type": ty, "filters": fs.iter().map(|f| filter_to_wire(fields, f)).collect::<Option<Vec<_>>>()?})
        }
        Filter::Not(f) => json!({"type": "Not", "filter": filter_to_wire(fields, f)?}),
        Filter::Between { member, from, to } => {
            let (wire, conv) = name(member)?;
            json!({"type": "Between", "name": wire, "fromValue": conv.to_wire(from), "toValue": conv.to_wire(to)})
        }
        Filter::Compare { op, member, value } => {
            let (wire, conv) = name(member)?;
            let ty = match op {
                Compare::Equals => "Equals",
                Compare::NotEquals => "NotEquals",
                Compare::Contains => "Contains",
                Compare::StartsWith => "StartsWith",
            };
            // Contains on an id is matched against the contract id as it is (see filter_to_contract).
            let value = match (op, conv) {
                (Compare::Contains, Id(_)) => value.clone(),
                _ => conv.to_wire(value),
            };
            json!({"type": ty, "name": wire, "value": value})
        }
    })
}

/// The wire name a contract member sorts by, if the list can sort on it.
pub fn sort_to_wire(fields: Fields, member: &str) -> Option<&'static str> {
    all(fields).find(|f| member_of(fields, f.wire).map_or(false, |(p, _)| p == member)).map(|f| f.wire)
}

/// The filterable, sortable field of a wire name: its one contract member and conversion.
fn member_of(fields: Fields, wire: &str) -> Option<(&'static str, Conv)> {
    all(fields).find(|f| f.wire == wire).and_then(|f| match f.from {
        [(path, conv)] if !matches!(conv, Const(_)) && !f.wire.contains('.') && !f.joined => Some((*path, *conv)),
        _ => None,
    })
}

/// The contract members a query over `fields` may name.
pub fn contract_members(fields: Fields) -> Vec<&'static str> {
    all(fields).filter_map(|f| member_of(fields, f.wire).map(|(p, _)| p)).collect()
}

// ---------------------------------------------------------------------------------------------
// lists: paging, filters, sorting

/// `size` must be 1 to this.
pub const MAX_PAGE_SIZE: u64 = 1000;

/// The most items one bulk request may name (session ids of an action, counted over every
/// pod's spec of a global action; home-site specs or ids): more is a 400
/// (`hvapi.rest.too_many_items`). The REST backend splits larger batches by it.
pub const MAX_BULK_ITEMS: usize = 1000;

fn bad(parameter: &str, why: impl Into<String>) -> Fault {
    Fault::invalid_argument(parameter, why)
}

/// Translates a Horizon filter (`{"type": "Equals", "name": "user_id", "value": …}`, `And`/`Or`
/// with `filters`, `Not` with `filter`, `Between` with `fromValue`/`toValue`) into the
/// contract's (`memberName`, contract values).
pub fn filter_to_contract(fields: Fields, filter: &Value) -> Result<Value, Fault> {
    let o = match filter {
        Value::Object(o) => o,
        _ => return Err(bad("filter", "A filter must be a JSON object.")),
    };
    let ty = o.get("type").and_then(Value::as_str).ok_or_else(|| bad("filter", "Every filter needs a type string."))?;
    let only = |keys: &[&str]| match o.keys().find(|k| !keys.contains(&k.as_str())) {
        Some(k) => Err(bad("filter", format!("A {ty} filter takes only {}; not {k:?}.", keys.join(", ")))),
        None => Ok(()),
    };
    match ty {
        "And" | "Or" => {
            only(&["type", "filters"])?;
            let list = o.get("filters").and_then(Value::as_array).ok_or_else(|| bad("filter", format!("A {ty} filter needs an array of filters.")))?;
            let inner = list.iter().map(|x| filter_to_contract(fields, x)).collect::<Result<Vec<_>, _>>()?;
            Ok(json!({"type": ty, "filters": inner}))
        }
        "Not" => {
            only(&["type", "filter"])?;
            let inner = o.get("filter").ok_or_else(|| bad("filter", "A Not filter needs a filter."))?;
            Ok(json!({"type": "Not", "filter": filter_to_contract(fields, inner)?}))
        }
        "Equals" | "NotEquals" | "Contains" | "StartsWith" | "Between" => {
            let keys: &[&str] = if ty == "Between" { &["type", "name", "fromValue", "toValue"] } else { &["type", "name", "value"] };
            only(keys)?;
            let name = o.get("name").and_then(Value::as_str).ok_or_else(|| bad("filter", format!("A {ty} filter needs a name string.")))?;
            let (path, conv) = member_of(fields, name).ok_or_else(|| bad("filter", format!("{name:?} is not a field this list can be filtered on.")))?;
            let value = |key: &str| -> Result<Value, Fault> {
                let v = o.get(key).ok_or_else(|| bad("filter", format!("A {ty} filter needs {key}.")))?;
                // StartsWith on an id matches the key's start: the contract id starts with the type.
                let v = match (ty, conv, v) {
                    ("Contains", Id(_), Value::String(_)) => v.clone(),
                    _ => conv.to_contract(v).ok_or_else(|| bad("filter", format!("{key} of {name:?} has the wrong kind.")))?,
                };
                Ok(v)
            };
            if ty == "Between" {
                Ok(json!({"type": "Between", "memberName": path, "fromValue": value("fromValue")?, "toValue": value("toValue")?}))
            } else {
                Ok(json!({"type": ty, "memberName": path, "value": value("value")?}))
            }
        }
        other => Err(bad("filter", format!("Unknown filter type {other:?}."))),
    }
}

/// The list parameters of a request, as the wire gives them.
#[derive(Debug, Default, Clone)]
pub struct ListParams {
    pub page: Option<String>,
    pub size: Option<String>,
    pub filter: Option<String>,
    pub sort_by: Option<String>,
    pub order_by: Option<String>,
}

/// A list request in the contract's terms.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// The contract query keys: `filter`, `sortBy`, `sortDescending`, `startingOffset`, `limit`.
    pub query: Map<String, Value>,
    /// The page asked for (1 when `page` is not given).
    pub page: u64,
}

fn int_param(name: &str, v: &str, min: u64, max: u64) -> Result<u64, Fault> {
    match v.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(name, format!("{name} must be an integer from {min} to {max}, not {v:?}."))),
    }
}

impl ListParams {
    /// The contract query of these parameters. `page` and `size`: size 1 to 1000, page 1 or
    /// more; `size` alone is page 1, `page` alone pages by 1000; neither is page 1 of 1000
    /// (with `HAS_MORE_RECORDS` when there is more), so no one request holds a whole list.
    pub fn to_contract(&self, fields: Fields) -> Result<ListQuery, Fault> {
        let mut q = Map::new();
        if let Some(text) = &self.filter {
            let v: Value = serde_json::from_str(text).map_err(|e| bad("filter", format!("filter is not valid JSON: {e}.")))?;
            q.insert("filter".into(), filter_to_contract(fields, &v)?);
        }
        if let Some(name) = &self.sort_by {
            let (path, _) = member_of(fields, name).ok_or_else(|| bad("sort_by", format!("{name:?} is not a field this list can be sorted on.")))?;
            q.insert("sortBy".into(), path.into());
        }
        match self.order_by.as_deref() {
            None | Some("ASC") => {}
            Some("DESC") => {
                q.insert("sortDescending".into(), true.into());
            }
            Some(other) => return Err(bad("order_by", format!("order_by must be ASC or DESC, not {other:?}."))),
        }
        let size = self.size.as_deref().map(|s| int_param("size", s, 1, MAX_PAGE_SIZE)).transpose()?;
        let page = self.page.as_deref().map(|p| int_param("page", p, 1, u32::MAX as u64)).transpose()?;
        let (page, size) = (page.unwrap_or(1), size.unwrap_or(MAX_PAGE_SIZE));
        let offset = (page - 1).checked_mul(size).filter(|&o| o <= u32::MAX as u64).ok_or_else(|| bad("page", "page is past the end of the list."))?;
        q.insert("startingOffset".into(), offset.into());
        q.insert("limit".into(), size.into());
        Ok(ListQuery { query: q, page })
    }
}

/// A page of wire rows (JSON values, or JSON text from [`page_rows`]) with its headers' values.
#[derive(Debug)]
pub struct Page<T = Vec<Value>> {
    pub rows: T,
    pub total: u64,
    pub has_more: bool,
}

/// A wire page of `rows`, `count` of them, from a contract page's `startingOffset` and
/// `remainingCount`. A page past the end (page 2 or more, nothing on it) is
/// `InvalidArgument` (`"page"`), as Horizon answers 400.
pub fn wire_page<T>(list: &ListQuery, rows: T, count: usize, offset: u64, remaining: u64) -> Result<Page<T>, Fault> {
    if list.page > 1 && count == 0 {
        return Err(bad("page", format!("page {} is past the end of the list.", list.page)));
    }
    Ok(Page { rows, total: offset + count as u64 + remaining, has_more: remaining > 0 })
}

/// Turns a contract page (`{"results", "startingOffset", "remainingCount"}`) into a wire page.
/// A page past the end (page 2 or more, nothing on it) is `InvalidArgument` (`"page"`), as
/// Horizon answers 400.
pub fn page_to_wire(list: &ListQuery, page: &Value, render: impl Fn(&Value) -> Value) -> Result<Page, Fault> {
    let results = page.get("results").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let offset = page.get("startingOffset").and_then(Value::as_u64).unwrap_or(0);
    let remaining = page.get("remainingCount").and_then(Value::as_u64).unwrap_or(0);
    wire_page(list, results.iter().map(render).collect(), results.len(), offset, remaining)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Fields = SESSIONS_V7;

    #[test]
    fn ids_and_faults() {
        assert_eq!(wire_id("Session/a/b"), "a/b");
        assert_eq!(contract_id(IdType::Session, "a/b"), "Session/a/b");
        assert_eq!(fault_http(&Fault::entity_not_found("Session/x")).status, 404);
        let keys: std::collections::HashSet<_> = FAULT_HTTP.iter().map(|r| r.error_key).collect();
        assert_eq!(keys.len(), FAULT_HTTP.len(), "error keys are unique, so the table reads both ways");
    }

    #[test]
    fn rows_and_filters() {
        let view = json!({"id": "Session/s1", "namesData": {"userName": "D\\u", "farmName": "F", "clientType": "HTML5"},
            "referenceData": {"user": "UserOrGroup/u", "groups": ["UserOrGroup/g"]},
            "sessionData": {"sessionType": "APPLICATION", "sessionState": "CONNECTED", "startTime": "2026-11-22T08:00:00Z"}});
        let w = to_wire(S, &view);
        assert_eq!(w["id"], "s1");
        assert_eq!(w["groups"], json!(["g"]));
        assert_eq!(w["client_data"]["type"], "HTMLACCESS");
        assert_eq!(w["desktop_pool_or_farm_type"], "RDS");
        assert_eq!(w["start_time"], json!(time::parse("2026-11-22T08:00:00Z").unwrap() * 1000));
        let c = filter_to_contract(S, &json!({"type": "Equals", "name": "user_id", "value": "u"})).unwrap();
        assert_eq!(c, json!({"type": "Equals", "memberName": "referenceData.user", "value": "UserOrGroup/u"}));
        assert!(filter_to_contract(S, &json!({"type": "Equals", "name": "desktop_pool_or_farm_name", "value": "x"})).is_err());
        assert!(filter_to_contract(S, &json!({"type": "Equals", "name": "user_id", "value": "u", "x": 1})).is_err());
    }

    #[test]
    fn read_back_the_other_way() {
        // A row to the wire and back is the same row (what the REST backend relies on).
        for view in [
            json!({"id": "Session/s1", "namesData": {"userName": "D\\u", "farmName": "F", "clientType": "HTML5", "applicationNames": ["Word"]},
                "referenceData": {"user": "UserOrGroup/u", "groups": ["UserOrGroup/g"], "farm": "Farm/F", "rdsServer": "RDSServer/h"},
                "sessionData": {"sessionType": "APPLICATION", "sessionState": "CONNECTED", "startTime": "2026-11-22T08:00:00Z"}}),
            json!({"id": "Session/s2", "namesData": {"desktopName": "ic", "desktopType": "RDS", "desktopSource": "RDS"},
                "referenceData": {"desktop": "Desktop/ic"}, "sessionData": {"sessionType": "DESKTOP", "sessionState": "DISCONNECTED"}}),
        ] {
            assert_eq!(from_wire(S, &to_wire(S, &view)), view);
        }
        // A filter to the wire and back is the same filter.
        let wire = json!({"type": "And", "filters": [{"type": "Equals", "name": "user_id", "value": "u"},
            {"type": "Not", "filter": {"type": "Between", "name": "start_time", "fromValue": 0, "toValue": 1000}}]});
        let contract = filter_to_contract(S, &wire).unwrap();
        let q = query::parse(&crate::model::reader::Obj::top(&json!({ "filter": contract }), "q").unwrap(), &contract_members(S)).unwrap();
        assert_eq!(filter_to_wire(S, q.filter.as_ref().unwrap()), Some(wire));
        assert_eq!(sort_to_wire(S, "sessionData.startTime"), Some("start_time"));
        assert_eq!(sort_to_wire(S, "namesData.desktopName"), None, "no wire field of its own");
        // Faults: by error_key first, then by status; APIError carries no fields.
        let f = fault_from_http(400, br#"{"error_key": "hvapi.fault.invalid_type", "error_message": "m"}"#, None, &[]);
        assert_eq!(f.type_name(), "InvalidType");
        for (status, ty) in [
            (400, "InvalidArgument"),
            (401, "InvalidCredentials"),
            (403, "InsufficientPermission"),
            (404, "EntityNotFound"),
            (409, "InvalidState"),
            (502, "UnexpectedFault"),
        ] {
            assert_eq!(fault_from_http(status, b"not json", Some("Session/x"), &["P"]).type_name(), ty, "{status}");
        }
        assert_eq!(fault_from_http(404, b"{}", Some("Session/x"), &[]).to_json()["id"], "Session/x");
        assert_eq!(fault_from_http(409, br#"{"error_key": "hvapi.rest.cpa_not_initialized"}"#, None, &[]).type_name(), "InvalidState");
    }

    #[test]
    fn page_rows_are_to_wire() {
        // The direct writer gives the objects the tables give over the contract's JSON.
        let client = crate::Client::open(&json!({"demo": {}})).unwrap();
        let e = client.embedded().unwrap();
        for fields in [SESSIONS_V1, SESSIONS_V7] {
            for q in [json!({"limit": 1000}), json!({"limit": 5, "startingOffset": 7, "sortBy": "namesData.userName", "sortDescending": true})] {
                let direct: Value = serde_json::from_slice(&e.session_page(&q, |p| page_rows(fields, p)).unwrap()).unwrap();
                let page = client.call(crate::Method::SessionQuery, &q).unwrap();
                let mapped: Vec<Value> = page["results"].as_array().unwrap().iter().map(|r| to_wire(fields, r)).collect();
                assert!(!mapped.is_empty());
                assert_eq!(direct, Value::Array(mapped), "{q}");
            }
        }
    }

    #[test]
    fn rows_from_wire_is_from_wire() {
        // The direct reader gives, row by row, what from_wire gives over the parsed page.
        let client = crate::Client::open(&json!({"demo": {}})).unwrap();
        let page = client.call(crate::Method::SessionQuery, &json!({"limit": 300})).unwrap();
        let mut bodies: Vec<(Fields, String)> = Vec::new();
        for fields in [SESSIONS_V1, SESSIONS_V7, GLOBAL_SESSIONS] {
            let rows: Vec<Value> = page["results"].as_array().unwrap().iter().map(|r| to_wire(fields, r)).collect();
            bodies.push((fields, serde_json::to_string(&rows).unwrap()));
        }
        // Rows no server of ours writes: nulls, wrong kinds, escapes, other keys, repeated and
        // out-of-order members, a farm row with a desktop name, non-objects.
        let odd = r#"[{"farm_id": null, "desktop_pool_or_farm_name": "n\u00e9", "desktop_pool_or_farm_source": "RDS", "id": "a\/b", "start_time": 1.5e12,
              "disconnected_time": -1500, "groups": ["g", 3, null], "user_id": 7, "client_data": {"type": "HTMLACCESS", "name": null}, "x": {"y": 1},
              "session_state": "A", "session_state": "B", "client_data": [1], "idle_duration": 12.50, "application_names": ["W", {"z": [1, 2]}]},
            {"client_data": {"name": "c", "address": "1.2.3.4", "type": "NEW"}, "desktop_pool_or_farm_type": "RDS", "start_time": 18446744073709551615,
              "pod_id": "p1", "brokering_pod_id": "p2", "machine_or_rds_server_dns": "m", "machine_or_rds_server_dns_name": "dns", "site_id": "s"},
            3, "x", null, [], {}]"#;
        for fields in [SESSIONS_V1, SESSIONS_V7, GLOBAL_SESSIONS, AUDIT_EVENTS, HOME_SITES_V2, AD_INFO] {
            bodies.push((fields, odd.to_owned()));
        }
        for (fields, body) in bodies {
            let direct: Vec<Value> = rows_from_wire(fields, body.as_bytes()).unwrap().iter().map(|r| serde_json::from_str(r.get()).unwrap()).collect();
            let mapped: Vec<Value> = serde_json::from_str::<Vec<Value>>(&body).unwrap().iter().map(|r| from_wire(fields, r)).collect();
            assert!(!mapped.is_empty());
            assert_eq!(direct, mapped, "{body}");
        }
        // Anything but an array holds no rows; text that is not JSON is an error.
        for body in ["{}", r#"{"a": [1]}"#, "3", "null", "\"s\""] {
            assert!(rows_from_wire(SESSIONS_V7, body.as_bytes()).unwrap().is_empty(), "{body}");
        }
        for body in ["[", "[{]", "[] x", "", "[{\"id\": \"\\x\"}]"] {
            assert!(rows_from_wire(SESSIONS_V7, body.as_bytes()).is_err(), "{body}");
        }
        assert!(rows_from_wire(SESSIONS_V7, b"[{\"id\": \"\xff\"}]").is_err(), "not UTF-8");
    }

    #[test]
    fn paging() {
        let p = |page: Option<&str>, size: Option<&str>| {
            ListParams { page: page.map(String::from), size: size.map(String::from), ..Default::default() }.to_contract(S)
        };
        let q = p(Some("3"), Some("10")).unwrap();
        assert_eq!((q.query["startingOffset"].clone(), q.query["limit"].clone(), q.page), (json!(20), json!(10), 3));
        for (page, size) in [(Some("0"), Some("10")), (Some("1"), Some("0")), (Some("1"), Some("1001")), (Some("x"), None)] {
            assert!(p(page, size).is_err(), "{page:?} {size:?}");
        }
    }
}
