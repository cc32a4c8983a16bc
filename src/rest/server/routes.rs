//! The endpoints: one table ([`ROUTES`]) of method, path, query parameters and handler. Each
//! handler turns the HTTP request into contract calls made as the signed-in administrator,
//! and the contract's answers into the wire objects of `crate::rest`'s tables. Privileges,
//! the rows a caller may see, faults and events are therefore exactly the contract's.
//!
//! Endpoints whose writes the contract does not have (sites, pods, entitlements, the CPA, the
//! event database, home-site update) answer 501 with an `APIError`, never a pretence.

use super::auth::LoginRefused;
use super::{ApiError, Call, Reply, State};
use crate::backend::embedded::Embedded;
use crate::fault::Fault;
use crate::model::id::IdType;
use crate::model::reader::Obj;
use crate::rest::*;
use crate::service::query;
use crate::service::request::EntitlementKind;
use crate::service::Method as M;
use hyper::Method;
use serde_json::{json, Map, Value};

pub type Handler = fn(&State, &Call) -> Result<Reply, ApiError>;

pub struct Route {
    pub method: Method,
    /// Below `/rest`; `{id}` is one path segment.
    pub path: &'static str,
    /// Needs a bearer access token.
    pub auth: bool,
    /// The query parameters it takes; any other is a 400.
    pub params: &'static [&'static str],
    pub handler: Handler,
}

impl Route {
    /// `Some(id)` when `path` is this route's (the `{id}` segment, still encoded, if any).
    pub fn matches(&self, path: &str) -> Option<Option<String>> {
        let (mut want, mut have) = (self.path.split('/'), path.split('/'));
        let mut id = None;
        loop {
            match (want.next(), have.next()) {
                (None, None) => return Some(id),
                (Some("{id}"), Some(seg)) => id = Some(seg.to_owned()),
                (Some(w), Some(h)) if w == h => {}
                _ => return None,
            }
        }
    }
}

const LIST: &[&str] = &["page", "size", "filter", "sort_by", "order_by"];
const PAGED: &[&str] = &["page", "size", "filter"];
const NONE: &[&str] = &[];

const fn r(method: Method, path: &'static str, params: &'static [&'static str], handler: Handler) -> Route {
    Route { method, path, auth: true, params, handler }
}

const fn open(method: Method, path: &'static str, params: &'static [&'static str], handler: Handler) -> Route {
    Route { method, path, auth: false, params, handler }
}

/// Every endpoint of the OpenAPI file.
pub static ROUTES: [Route; 57] = [
    open(Method::POST, "/login", &["client_reference_id"], login),
    open(Method::GET, "/login", &["client_reference_id"], not_supported),
    open(Method::POST, "/refresh", NONE, refresh),
    open(Method::POST, "/logout", NONE, logout),
    r(Method::GET, "/inventory/v1/sessions", LIST, |s, c| sessions_list(s, c, SESSIONS_V1)),
    r(Method::GET, "/inventory/v1/sessions/{id}", NONE, |s, c| session_get(s, c, SESSIONS_V1)),
    r(Method::GET, "/inventory/v7/sessions", LIST, |s, c| sessions_list(s, c, SESSIONS_V7)),
    r(Method::GET, "/inventory/v7/sessions/{id}", NONE, |s, c| session_get(s, c, SESSIONS_V7)),
    r(Method::POST, "/inventory/v1/sessions/action/disconnect", NONE, |s, c| session_action(s, c, Action::Disconnect)),
    r(Method::POST, "/inventory/v1/sessions/action/logoff", &["forced"], |s, c| session_action(s, c, Action::Logoff)),
    r(Method::POST, "/inventory/v1/sessions/action/reset", NONE, |s, c| session_action(s, c, Action::Reset)),
    r(Method::POST, "/inventory/v1/sessions/action/restart", NONE, |s, c| session_action(s, c, Action::Restart)),
    r(Method::POST, "/inventory/v1/sessions/action/send-message", NONE, |s, c| session_action(s, c, Action::SendMessage)),
    r(
        Method::GET,
        "/inventory/v1/global-sessions",
        &["user_id", "pod_id", "brokering_pod_id", "page", "size", "filter", "sort_by", "order_by"],
        global_sessions,
    ),
    r(Method::POST, "/inventory/v1/global-sessions/action/disconnect", NONE, |s, c| global_action(s, c, Action::Disconnect)),
    r(Method::POST, "/inventory/v1/global-sessions/action/logoff", &["forced"], |s, c| global_action(s, c, Action::Logoff)),
    r(Method::POST, "/inventory/v1/global-sessions/action/reset", NONE, |s, c| global_action(s, c, Action::Reset)),
    r(Method::POST, "/inventory/v1/global-sessions/action/restart", NONE, |s, c| global_action(s, c, Action::Restart)),
    r(Method::POST, "/inventory/v1/global-sessions/action/send-message", NONE, |s, c| global_action(s, c, Action::SendMessage)),
    r(Method::GET, "/federation/v1/home-sites", PAGED, |s, c| home_sites_list(s, c, false)),
    r(Method::POST, "/federation/v1/home-sites", NONE, |s, c| home_sites_create(s, c, false)),
    r(Method::DELETE, "/federation/v1/home-sites", NONE, home_sites_delete),
    r(Method::GET, "/federation/v1/home-sites/{id}", NONE, |s, c| home_site_get(s, c, false)),
    r(Method::POST, "/federation/v1/home-sites/action/resolve", NONE, |s, c| home_sites_resolve(s, c, false)),
    r(Method::GET, "/federation/v2/home-sites", PAGED, |s, c| home_sites_list(s, c, true)),
    r(Method::POST, "/federation/v2/home-sites", NONE, |s, c| home_sites_create(s, c, true)),
    r(Method::DELETE, "/federation/v2/home-sites", NONE, home_sites_delete),
    r(Method::GET, "/federation/v2/home-sites/{id}", NONE, |s, c| home_site_get(s, c, true)),
    r(Method::PUT, "/federation/v2/home-sites/{id}", NONE, not_supported),
    r(Method::POST, "/federation/v2/home-sites/action/resolve", NONE, |s, c| home_sites_resolve(s, c, true)),
    r(Method::GET, "/federation/v1/sites", NONE, sites_list),
    r(Method::POST, "/federation/v1/sites", NONE, not_supported),
    r(Method::GET, "/federation/v1/sites/{id}", NONE, site_get),
    r(Method::PUT, "/federation/v1/sites/{id}", NONE, not_supported),
    r(Method::DELETE, "/federation/v1/sites/{id}", NONE, not_supported),
    r(Method::GET, "/federation/v1/pods", NONE, pods_list),
    r(Method::GET, "/federation/v1/pods/{id}", NONE, pod_get),
    r(Method::PUT, "/federation/v1/pods/{id}", NONE, not_supported),
    r(Method::GET, "/federation/v1/cpa", NONE, cpa_get),
    r(Method::PUT, "/federation/v1/cpa", NONE, not_supported),
    r(Method::GET, "/inventory/v1/global-desktop-entitlements", LIST, |s, c| entitlements_list(s, c, EntitlementKind::Desktop)),
    r(Method::POST, "/inventory/v1/global-desktop-entitlements", NONE, not_supported),
    r(Method::GET, "/inventory/v1/global-desktop-entitlements/{id}", NONE, |s, c| entitlement_get(s, c, EntitlementKind::Desktop)),
    r(Method::PUT, "/inventory/v1/global-desktop-entitlements/{id}", NONE, not_supported),
    r(Method::DELETE, "/inventory/v1/global-desktop-entitlements/{id}", NONE, not_supported),
    r(Method::GET, "/inventory/v1/global-application-entitlements", LIST, |s, c| entitlements_list(s, c, EntitlementKind::Application)),
    r(Method::POST, "/inventory/v1/global-application-entitlements", NONE, not_supported),
    r(Method::GET, "/inventory/v1/global-application-entitlements/{id}", NONE, |s, c| entitlement_get(s, c, EntitlementKind::Application)),
    r(Method::PUT, "/inventory/v1/global-application-entitlements/{id}", NONE, not_supported),
    r(Method::DELETE, "/inventory/v1/global-application-entitlements/{id}", NONE, not_supported),
    r(Method::GET, "/external/v1/ad-users-or-groups", &["group_only", "page", "size", "filter"], ad_list),
    r(Method::GET, "/external/v1/ad-users-or-groups/{id}", NONE, ad_get),
    r(Method::GET, "/external/v1/audit-events", LIST, audit_events),
    r(
        Method::GET,
        "/external/v1/audit-events/agent-upgrade-history",
        &["from_time", "to_time", "page", "size", "filter", "sort_by", "order_by"],
        not_supported,
    ),
    r(Method::GET, "/external/v1/audit-events/extended-attributes", &["ids"], audit_event_attributes),
    r(Method::GET, "/config/v1/event-database", NONE, not_supported),
    r(Method::PUT, "/config/v1/event-database", NONE, not_supported),
];

// ---------------------------------------------------------------------------------------------
// helpers

/// One contract call as the signed-in administrator.
fn call(c: &Call, method: M, request: Value) -> Result<Value, Fault> {
    c.client().call(method, &request)
}

/// The embedded federation the signed-in administrator calls (the server serves no other).
fn embedded(c: &Call) -> Result<&Embedded, Fault> {
    c.client().embedded().ok_or_else(|| Fault::unexpected("the REST server serves an embedded federation only"))
}

/// A session call confined to one pod's sessions (`None`: every pod's), as the signed-in
/// administrator ([`Embedded::call_on`]).
fn call_on(c: &Call, method: M, request: Value, pod: Option<&str>) -> Result<Value, Fault> {
    embedded(c)?.call_on(method, &request, pod)
}

/// Every row of an inventory entity type matching a contract filter.
fn inventory(c: &Call, entity_type: &str, filter: Option<Value>) -> Result<Vec<Value>, Fault> {
    let mut q = json!({"entityType": entity_type, "limit": u32::MAX});
    if let Some(f) = filter {
        q["filter"] = f;
    }
    let page = call(c, M::InventoryQuery, q)?;
    Ok(page.get("results").and_then(Value::as_array).cloned().unwrap_or_default())
}

fn equals(member: &str, value: impl Into<Value>) -> Value {
    json!({"type": "Equals", "memberName": member, "value": value.into()})
}

/// The one inventory row with this contract id, or `EntityNotFound`.
fn inventory_row(c: &Call, entity_type: &str, id: &str) -> Result<Value, Fault> {
    inventory(c, entity_type, Some(equals("id", id)))?.into_iter().next().ok_or_else(|| Fault::entity_not_found(id))
}

fn params(c: &Call) -> ListParams {
    let p = |k: &str| c.param(k).map(String::from);
    ListParams { page: p("page"), size: p("size"), filter: p("filter"), sort_by: p("sort_by"), order_by: p("order_by") }
}

fn page_reply(page: Page) -> Reply {
    page_headers(Reply::json(Value::Array(page.rows)), page.total, page.has_more)
}

fn page_headers(mut reply: Reply, total: u64, has_more: bool) -> Reply {
    reply.headers.push(("X-TOTAL-COUNT", total.to_string()));
    if has_more {
        reply.headers.push(("HAS_MORE_RECORDS", "true".into()));
    }
    reply
}

/// A list answered by one contract query (made by `run`, with `extra` keys such as
/// `entityType` and an optional contract filter ANDed to the caller's).
fn contract_list(
    c: &Call,
    run: impl FnOnce(Value) -> Result<Value, Fault>,
    extra: Value,
    fields: Fields,
    and: Option<Value>,
    render: impl Fn(&Value) -> Value,
) -> Result<Reply, ApiError> {
    let list = params(c).to_contract(fields)?;
    let mut q = list.query.clone();
    if let Some(a) = and {
        let f = match q.remove("filter") {
            Some(user) => json!({"type": "And", "filters": [a, user]}),
            None => a,
        };
        q.insert("filter".into(), f);
    }
    if let Value::Object(e) = extra {
        q.extend(e);
    }
    let page = run(Value::Object(q))?;
    Ok(page_reply(page_to_wire(&list, &page, render)?))
}

/// A list of contract rows the server gathered (joined rows, or rows from several calls),
/// filtered with the contract's filter semantics (`query::Filter::matches`) and paged. Such
/// lists take no `sort_by` (the OpenAPI file gives them none).
fn rows_list(c: &Call, rows: Vec<Value>, fields: Fields) -> Result<Reply, ApiError> {
    let list = params(c).to_contract(fields)?;
    let q = Value::Object(list.query.clone());
    let members = contract_members(fields);
    let query = query::parse(&Obj::top(&q, "query")?, &members)?;
    if query.sort_by.is_some() {
        return Err(Fault::invalid_argument("sort_by", "This list cannot be sorted.").into());
    }
    let matching: Vec<Value> = rows.into_iter().filter(|r| query.filter.as_ref().map_or(true, |f| f.matches(r))).collect();
    let total = matching.len();
    let results: Vec<Value> = matching.into_iter().skip(query.starting_offset).take(query.limit).collect();
    let remaining = total.saturating_sub(query.starting_offset + results.len());
    let page = json!({"results": results, "startingOffset": query.starting_offset, "remainingCount": remaining});
    Ok(page_reply(page_to_wire(&list, &page, |row| to_wire(fields, row))?))
}

/// 409 where CPA must be initialized (the endpoints that are not contract methods).
fn require_cpa(s: &State) -> Result<(), ApiError> {
    if s.root.embedded().map_or(true, |e| e.read().initialized) {
        Ok(())
    } else {
        Err(ApiError::new(http_error::CPA_NOT_INITIALIZED, "The pod federation (CPA) has not been initialized."))
    }
}

/// The contract id of the local pod.
fn local_pod(s: &State) -> Option<String> {
    let e = s.root.embedded()?;
    let f = e.read();
    f.local_pod.map(|ix| f.pods.get(ix).id.to_string())
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn not_supported(_: &State, _: &Call) -> Result<Reply, ApiError> {
    Err(ApiError::new(http_error::NOT_SUPPORTED, "hvapi's simulator does not implement this endpoint: the contract it serves has no such operation."))
}

// ---------------------------------------------------------------------------------------------
// auth

fn login(s: &State, c: &Call) -> Result<Reply, ApiError> {
    let body = c.json()?;
    let o = Obj::top(&body, "AuthLogin")?;
    o.only(&["domain", "username", "password"])?;
    let (user, domain) = (o.str("username")?, o.str("domain")?);
    // `password` is `char[]` in Horizon's model: a string, or an array of one-character strings.
    let one_char = |ch: &Value| ch.as_str().filter(|c| c.chars().count() == 1).map(String::from);
    let password = match o.req("password")? {
        Value::String(p) => p.clone(),
        Value::Array(chars) => chars.iter().map(one_char).collect::<Option<String>>().ok_or_else(|| Fault::invalid_type("password", "string or char[]"))?,
        _ => return Err(Fault::invalid_type("password", "string or char[]").into()),
    };
    let (access, refresh) = s.auth.login(&s.root, user, domain, &password).map_err(|why| match why {
        LoginRefused::Fault(f) => ApiError::from(f),
        LoginRefused::Locked(left) => {
            let secs = left.as_secs() + 1;
            ApiError::new(http_error::TOO_MANY_REQUESTS, format!("Too many failed logins for {domain}\\{user}; retry in {secs} s."))
                .with("X-Rate-Limit-Retry-After-Seconds", secs.to_string())
        }
    })?;
    Ok(Reply::json(json!({"access_token": access, "refresh_token": refresh})))
}

fn refresh_token(c: &Call) -> Result<String, ApiError> {
    let body = c.json()?;
    let o = Obj::top(&body, "RefreshToken")?;
    o.only(&["refresh_token"])?;
    Ok(o.str("refresh_token")?.to_owned())
}

fn refresh(s: &State, c: &Call) -> Result<Reply, ApiError> {
    let token = refresh_token(c)?;
    let access = s
        .auth
        .refresh(&token)
        .ok_or_else(|| ApiError::new(http_error::INVALID_REFRESH_TOKEN, "The refresh token is not valid (unknown, or revoked by logout)."))?;
    Ok(Reply::json(json!({"access_token": access})))
}

fn logout(s: &State, c: &Call) -> Result<Reply, ApiError> {
    let token = refresh_token(c)?;
    if !s.auth.logout(&token) {
        return Err(ApiError::new(http_error::INVALID_REFRESH_TOKEN, "The refresh token is not valid (unknown, or already logged out)."));
    }
    Ok(Reply::empty(200))
}

// ---------------------------------------------------------------------------------------------
// sessions

/// The local pod's sessions: Session_Query's page, its wire rows written straight from the
/// store ([`page_rows`]).
fn sessions_list(_: &State, c: &Call, fields: Fields) -> Result<Reply, ApiError> {
    let list = params(c).to_contract(fields)?;
    let (rows, count, offset, remaining) = embedded(c)?.session_page(&Value::Object(list.query.clone()), |page| {
        (page_rows(fields, page), page.results.len(), page.starting_offset as u64, page.remaining_count as u64)
    })?;
    let page = wire_page(&list, rows, count, offset, remaining)?;
    Ok(page_headers(Reply::text(page.rows), page.total, page.has_more))
}

fn session_get(_: &State, c: &Call, fields: Fields) -> Result<Reply, ApiError> {
    let id = contract_id(IdType::Session, c.id.as_deref().unwrap_or_default());
    Ok(Reply::json(to_wire(fields, &call(c, M::SessionGetLocalSummaryView, json!({ "id": id }))?)))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Disconnect,
    Logoff,
    Reset,
    Restart,
    SendMessage,
}

/// The contract's batch method of an action (`forced` for logoff).
fn action_method(c: &Call, action: Action) -> Result<M, ApiError> {
    Ok(match action {
        Action::Disconnect => M::SessionDisconnectSessions,
        Action::Reset => M::SessionResetSessions,
        Action::Restart => M::SessionRestartSessions,
        Action::SendMessage => M::SessionSendMessages,
        Action::Logoff => match c.flag("forced")? {
            None | Some(false) => M::SessionLogoffSessions,
            Some(true) => M::SessionLogoffSessionsForced,
        },
    })
}

/// Wire ids → contract ids of type `ty`; an element that is not a string is passed on as it
/// is, for the contract to refuse.
fn contract_ids(ids: &[Value], ty: IdType) -> Value {
    Value::Array(ids.iter().map(|v| v.as_str().map_or_else(|| v.clone(), |s| contract_id(ty, s).into())).collect())
}

/// A bulk request's array of items: at most [`MAX_BULK_ITEMS`].
fn array<'a>(v: &'a Value, what: &str) -> Result<&'a Vec<Value>, ApiError> {
    let items = v.as_array().ok_or_else(|| ApiError::from(Fault::invalid_type("body", &format!("{what}[]"))))?;
    within_bulk_limit(items.len())?;
    Ok(items)
}

fn within_bulk_limit(n: usize) -> Result<(), ApiError> {
    if n > MAX_BULK_ITEMS {
        return Err(ApiError::new(
            http_error::TOO_MANY_ITEMS,
            format!("This request names {n} items; one request may name at most {MAX_BULK_ITEMS} (MAX_BULK_ITEMS): split it."),
        ));
    }
    Ok(())
}

/// One `BulkItemResponseInfo`.
fn bulk_item(id: Option<&Value>, fault: Option<&Fault>) -> Value {
    let mut item = Map::new();
    if let Some(id) = id {
        item.insert("id".into(), id.clone());
    }
    match fault {
        None => {
            item.insert("status_code".into(), 200.into());
        }
        Some(f) => {
            item.insert("status_code".into(), fault_http(f).status.into());
            item.insert("errors".into(), json!([api_error(f)]));
            item.insert("timestamp".into(), (crate::model::time::now() * 1000).into());
        }
    }
    Value::Object(item)
}

/// The per-item answer of a contract batch call over `ids` (wire ids): `null` is every item
/// succeeded, a `PartialFailureFault` names the failed ones; any other fault concerns the
/// whole call and is the whole answer.
fn bulk(ids: &[Value], outcome: Result<Value, Fault>) -> Result<Vec<Value>, ApiError> {
    match outcome {
        Ok(_) => Ok(ids.iter().map(|id| bulk_item(Some(id), None)).collect()),
        Err(Fault::PartialFailure { results }) => Ok(ids.iter().zip(&results).map(|(id, r)| bulk_item(Some(id), r.as_ref())).collect()),
        Err(f) => Err(f.into()),
    }
}

/// The contract request of an action on `ids` (contract ids), with the message of send-message.
fn action_request(ids: Value, message: Option<(&Value, &Value)>) -> Value {
    match message {
        None => json!({ "ids": ids }),
        Some((message_type, message)) => json!({"ids": ids, "msgType": message_type, "message": message}),
    }
}

/// An action's array of `item`s and, for send-message, the message type and message: the
/// body itself, or the `list` member of a `spec` object beside `message` and `message_type`.
type ActionBody<'a> = (&'a Vec<Value>, Option<(&'a Value, &'a Value)>);

fn action_body<'a>(body: &'a Value, action: Action, spec: &str, list: &str, item: &str) -> Result<ActionBody<'a>, ApiError> {
    if action != Action::SendMessage {
        return Ok((array(body, item)?, None));
    }
    let o = Obj::top(body, spec)?;
    o.only(&[list, "message", "message_type"])?;
    Ok((array(o.req(list)?, item)?, Some((o.req("message_type")?, o.req("message")?))))
}

fn session_action(s: &State, c: &Call, action: Action) -> Result<Reply, ApiError> {
    let method = action_method(c, action)?;
    let body = c.json()?;
    let (ids, message) = action_body(&body, action, "SessionSendMessageSpec", "session_ids", "string")?;
    // The local pod's endpoint: another pod's session is not found here, and leaves no event
    // (a caller reaches it through the global-session endpoints).
    let outcome = call_on(c, method, action_request(contract_ids(ids, IdType::Session), message), local_pod(s).as_deref());
    Ok(Reply::json(Value::Array(bulk(ids, outcome)?)))
}

/// `GlobalSessionActionSpec`s: per pod, the contract batch call over its ids.
fn global_action(s: &State, c: &Call, action: Action) -> Result<Reply, ApiError> {
    require_cpa(s)?;
    let method = action_method(c, action)?;
    let body = c.json()?;
    let (specs, message) = action_body(&body, action, "GlobalSessionSendMessageSpec", "global_session_action_specs", "GlobalSessionActionSpec")?;
    within_bulk_limit(specs.iter().map(|s| s.get("ids").and_then(Value::as_array).map_or(0, Vec::len)).sum())?;
    let mut answers = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let o = Obj::nested(spec, format!("[{i}]"), "GlobalSessionActionSpec")?;
        o.only(&["pod_id", "ids"])?;
        let pod = o.str("pod_id")?;
        let ids = array(o.req("ids")?, "string")?;
        let mut answer = Map::new();
        answer.insert("pod_id".into(), pod.into());
        let pod_id = contract_id(IdType::Pod, pod);
        match inventory_row(c, "Pod", &pod_id) {
            Err(f) => {
                answer.insert("status_code".into(), fault_http(&f).status.into());
                answer.insert("errors".into(), json!([api_error(&f)]));
                answer.insert("timestamp".into(), (crate::model::time::now() * 1000).into());
            }
            Ok(_) => {
                // The spec's pod acts on its own sessions only.
                let outcome = call_on(c, method, action_request(contract_ids(ids, IdType::Session), message), Some(&pod_id));
                answer.insert("status_code".into(), 200.into());
                answer.insert("details".into(), Value::Array(bulk(ids, outcome)?));
            }
        }
        answers.push(Value::Object(answer));
    }
    Ok(Reply::json(Value::Array(answers)))
}

/// Global sessions of a user (on every pod), a pod or a brokering pod (the simulator's
/// sessions are brokered by the pod that hosts them): Session_Query's privileges, filter and
/// paging over the sessions of the federation, each row joined with its pod's inventory row.
fn global_sessions(s: &State, c: &Call) -> Result<Reply, ApiError> {
    require_cpa(s)?;
    let given: Vec<&str> = ["user_id", "pod_id", "brokering_pod_id"].into_iter().filter(|k| c.param(k).is_some()).collect();
    if given.len() != 1 {
        return Err(Fault::invalid_argument("user_id", "Give exactly one of user_id, pod_id and brokering_pod_id.").into());
    }
    let (filter, pod) = match given[0] {
        "user_id" => {
            let user = contract_id(IdType::UserOrGroup, c.param("user_id").unwrap_or_default());
            inventory_row(c, "UserOrGroup", &user)?;
            (Some(equals("referenceData.user", user)), None)
        }
        key => {
            let pod = contract_id(IdType::Pod, c.param(key).unwrap_or_default());
            inventory_row(c, "Pod", &pod)?;
            (None, Some(pod))
        }
    };
    let pods = inventory(c, "Pod", None)?;
    let e = embedded(c)?;
    let list = |q| e.call_on(M::SessionQuery, &q, pod.as_deref());
    contract_list(c, list, json!({}), GLOBAL_SESSIONS, filter, |row| {
        let mut row = row.clone();
        let on = e.session_pod(str_of(&row, "id")).unwrap_or_default();
        row["pod"] = pods.iter().find(|p| p["id"] == on.as_str()).cloned().unwrap_or(Value::Null);
        to_wire(GLOBAL_SESSIONS, &row)
    })
}

// ---------------------------------------------------------------------------------------------
// home sites

/// Joins a `UserHomeSiteInfo` with its owner's and site's inventory rows (v2 fields).
fn join_home_site(c: &Call, mut info: Value) -> Result<Value, Fault> {
    let owner = inventory_row(c, "UserOrGroup", str_of(&info["base"], "userOrGroup"))?;
    let site = inventory_row(c, "Site", str_of(&info["base"], "site"))?;
    info["owner"] = owner;
    info["siteRow"] = site;
    Ok(info)
}

/// The user or group a home-site filter pins the list to: an `Equals` on
/// `ad_user_or_group_id`, alone or inside an `And`. Only a narrowing: the whole filter still
/// runs over the rows.
fn pinned_owner(c: &Call) -> Option<String> {
    fn find(f: &Value) -> Option<&str> {
        match f.get("type")?.as_str()? {
            "Equals" if f.get("name")? == "ad_user_or_group_id" => f.get("value")?.as_str(),
            "And" => f.get("filters")?.as_array()?.iter().find_map(find),
            _ => None,
        }
    }
    let filter: Value = serde_json::from_str(c.param("filter")?).ok()?;
    find(&filter).map(|key| contract_id(IdType::UserOrGroup, key))
}

fn home_sites_list(_: &State, c: &Call, v2: bool) -> Result<Reply, ApiError> {
    // The contract lists home sites per user or group (UserHomeSite_List), so every user's
    // and group's list is gathered (or only the one a filter pins); privilege and CPA faults
    // come from the first call.
    let owners = match pinned_owner(c) {
        Some(id) => vec![json!({ "id": id })],
        None => inventory(c, "UserOrGroup", None)?,
    };
    let mut rows = Vec::new();
    for owner in owners {
        let list = match call(c, M::UserHomeSiteList, json!({"userOrGroup": owner["id"]})) {
            Ok(list) => list,
            // A filter naming nobody matches nothing.
            Err(Fault::EntityNotFound { .. }) => continue,
            Err(f) => return Err(f.into()),
        };
        for info in list.as_array().cloned().unwrap_or_default() {
            rows.push(if v2 { join_home_site(c, info)? } else { info });
        }
    }
    rows_list(c, rows, if v2 { HOME_SITES_V2 } else { HOME_SITES_V1 })
}

fn home_site_get(_: &State, c: &Call, v2: bool) -> Result<Reply, ApiError> {
    let id = contract_id(IdType::UserHomeSite, c.id.as_deref().unwrap_or_default());
    let info = call(c, M::UserHomeSiteGet, json!({ "id": id }))?;
    Ok(Reply::json(if v2 { to_wire(HOME_SITES_V2, &join_home_site(c, info)?) } else { to_wire(HOME_SITES_V1, &info) }))
}

/// A fault about the whole call rather than one item (no privilege anywhere, no CPA): it is
/// the whole answer, not an item's.
fn whole_call(f: &Fault) -> bool {
    matches!(f, Fault::InsufficientPermission { resource: None, .. } | Fault::InvalidState { id: None, .. })
}

/// `HomeSiteCreateSpec` → the contract's `UserHomeSiteBase`.
fn home_site_base(spec: &Value, i: usize, v2: bool) -> Result<Value, Fault> {
    let o = Obj::nested(spec, format!("[{i}]"), "HomeSiteCreateSpec")?;
    let mut keys = vec!["ad_user_or_group_id", "site_id", "global_desktop_entitlement_id", "global_application_entitlement_id"];
    if v2 {
        keys.push("use_homesite_for_redirection");
        if o.opt_bool("use_homesite_for_redirection")? == Some(true) {
            return Err(Fault::invalid_argument("use_homesite_for_redirection", "hvapi does not model home sites used for redirection; leave it false."));
        }
    }
    o.only(&keys)?;
    let mut base = Map::new();
    for (wire, member, ty) in [
        ("ad_user_or_group_id", "userOrGroup", IdType::UserOrGroup),
        ("site_id", "site", IdType::Site),
        ("global_desktop_entitlement_id", "globalEntitlement", IdType::GlobalEntitlement),
        ("global_application_entitlement_id", "globalApplicationEntitlement", IdType::GlobalApplicationEntitlement),
    ] {
        if let Some(v) = o.get(wire) {
            base.insert(member.into(), v.as_str().map_or_else(|| v.clone(), |s| contract_id(ty, s).into()));
        }
    }
    Ok(Value::Object(base))
}

fn home_sites_create(_: &State, c: &Call, v2: bool) -> Result<Reply, ApiError> {
    let body = c.json()?;
    let mut items = Vec::new();
    for (i, spec) in array(&body, "HomeSiteCreateSpec")?.iter().enumerate() {
        let outcome = home_site_base(spec, i, v2).and_then(|base| call(c, M::UserHomeSiteCreate, json!({ "base": base })));
        match outcome {
            Ok(id) => items.push(bulk_item(Some(&wire_id(id.as_str().unwrap_or_default()).into()), None)),
            Err(f) if whole_call(&f) => return Err(f.into()),
            Err(f) => items.push(bulk_item(None, Some(&f))),
        }
    }
    Ok(Reply::json(Value::Array(items)))
}

fn home_sites_delete(_: &State, c: &Call) -> Result<Reply, ApiError> {
    let body = c.json()?;
    let mut items = Vec::new();
    let ids = array(&body, "string")?;
    if ids.iter().any(|id| !id.is_string()) {
        return Err(Fault::invalid_type("body", "string[]").into());
    }
    for id in ids {
        let request = json!({"id": contract_id(IdType::UserHomeSite, id.as_str().unwrap_or_default())});
        match call(c, M::UserHomeSiteDelete, request) {
            Ok(_) => items.push(bulk_item(Some(id), None)),
            Err(f) if whole_call(&f) => return Err(f.into()),
            Err(f) => items.push(bulk_item(Some(id), Some(&f))),
        }
    }
    Ok(Reply::json(Value::Array(items)))
}

/// The resolution of one entitlement as `HomeSiteResolutionInfo(V2)`: the contract's answer
/// (resolved first, then conflicts) with each configuration's type.
fn resolution_info(c: &Call, user: &str, ent: EntitlementKind, ent_row: &Value, resolved: &Value, v2: bool) -> Result<Value, Fault> {
    let mut data = Vec::new();
    for (i, info) in resolved.as_array().cloned().unwrap_or_default().iter().enumerate() {
        let base = &info["base"];
        let owner = str_of(base, "userOrGroup");
        let overrides = base.get("globalEntitlement").is_some() || base.get("globalApplicationEntitlement").is_some();
        let kind = match (owner == user, overrides) {
            (true, true) => "USER_OVERRIDE",
            (false, true) => "GROUP_OVERRIDE",
            (true, false) => "USER_DEFAULT",
            (false, false) => "GROUP_DEFAULT",
        };
        let mut d = json!({"id": wire_id(str_of(info, "id")), "site_id": wire_id(str_of(base, "site")), "type": kind, "resolved": i == 0});
        if owner != user {
            d["group_id"] = wire_id(owner).into();
        }
        if v2 {
            d["site_name"] = inventory_row(c, "Site", str_of(base, "site"))?["name"].clone();
            if owner != user {
                d["group_name"] = inventory_row(c, "UserOrGroup", owner)?["name"].clone();
            }
        }
        data.push(d);
    }
    let mut out = Map::new();
    out.insert(ent.wire_key().into(), wire_id(str_of(ent_row, "id")).into());
    if v2 {
        out.insert(ent.wire_name_key().into(), ent_row["name"].clone());
    }
    out.insert((if v2 { "resolution_data_v2" } else { "resolution_data" }).into(), Value::Array(data));
    Ok(Value::Object(out))
}

fn home_sites_resolve(_: &State, c: &Call, v2: bool) -> Result<Reply, ApiError> {
    let body = c.json()?;
    let o = Obj::top(&body, "HomeSiteResolutionSpec")?;
    o.only(&["user_id", "global_desktop_entitlement_id", "global_application_entitlement_id"])?;
    let user = contract_id(IdType::UserOrGroup, o.str("user_id")?);
    let asked = [
        (EntitlementKind::Desktop, o.opt_str("global_desktop_entitlement_id")?),
        (EntitlementKind::Application, o.opt_str("global_application_entitlement_id")?),
    ];
    let mut targets: Vec<(EntitlementKind, String)> = asked.iter().filter_map(|(e, id)| id.map(|k| (*e, contract_id(e.id_type(), k)))).collect();
    if targets.len() > 1 {
        return Err(Fault::invalid_argument(
            "global_application_entitlement_id",
            "Give at most one of global_desktop_entitlement_id and global_application_entitlement_id.",
        )
        .into());
    }
    // Neither: every entitlement the user is entitled to (the contract refuses the others).
    let every = targets.is_empty();
    if every {
        for ent in [EntitlementKind::Desktop, EntitlementKind::Application] {
            targets.extend(inventory(c, ent.id_type().name(), None)?.iter().map(|row| (ent, str_of(row, "id").to_owned())));
        }
    }
    let mut answers = Vec::new();
    for (ent, id) in targets {
        match call(c, ent.resolve_method(), json!({"user": user, ent.key(): id})) {
            Ok(resolved) => {
                let row = inventory_row(c, ent.id_type().name(), &id)?;
                answers.push(resolution_info(c, &user, ent, &row, &resolved, v2)?);
            }
            Err(Fault::InvalidArgument { parameter_name: Some(p), .. }) if every && p == ent.key() => {}
            Err(f) => return Err(f.into()),
        }
    }
    Ok(Reply::json(Value::Array(answers)))
}

// ---------------------------------------------------------------------------------------------
// sites, pods, CPA

fn site_rows(c: &Call) -> Result<Vec<Value>, Fault> {
    let pods = inventory(c, "Pod", None)?;
    Ok(inventory(c, "Site", None)?
        .into_iter()
        .map(|mut site| {
            let ids: Vec<Value> = pods.iter().filter(|p| p["site"] == site["id"]).map(|p| p["id"].clone()).collect();
            site["pods"] = Value::Array(ids);
            site
        })
        .collect())
}

fn sites_list(s: &State, c: &Call) -> Result<Reply, ApiError> {
    require_cpa(s)?;
    rows_list(c, site_rows(c)?, SITES)
}

fn site_get(s: &State, c: &Call) -> Result<Reply, ApiError> {
    require_cpa(s)?;
    let id = contract_id(IdType::Site, c.id.as_deref().unwrap_or_default());
    let row = site_rows(c)?.into_iter().find(|r| r["id"] == id.as_str()).ok_or_else(|| Fault::entity_not_found(&id))?;
    Ok(Reply::json(to_wire(SITES, &row)))
}

fn pod_rows(s: &State, c: &Call) -> Result<Vec<Value>, Fault> {
    let local = local_pod(s);
    Ok(inventory(c, "Pod", None)?
        .into_iter()
        .map(|mut pod| {
            pod["localPod"] = (local.as_deref() == Some(str_of(&pod, "id"))).into();
            pod
        })
        .collect())
}

fn pods_list(s: &State, c: &Call) -> Result<Reply, ApiError> {
    require_cpa(s)?;
    rows_list(c, pod_rows(s, c)?, PODS)
}

fn pod_get(s: &State, c: &Call) -> Result<Reply, ApiError> {
    require_cpa(s)?;
    let id = contract_id(IdType::Pod, c.id.as_deref().unwrap_or_default());
    let row = pod_rows(s, c)?.into_iter().find(|r| r["id"] == id.as_str()).ok_or_else(|| Fault::entity_not_found(&id))?;
    Ok(Reply::json(to_wire(PODS, &row)))
}

/// `PodFederationInfo`: the local connection server's status always; the sites once CPA is
/// initialized.
fn cpa_get(s: &State, c: &Call) -> Result<Reply, ApiError> {
    let (initialized, name, guid) = match s.root.embedded() {
        Some(e) => {
            let f = e.read();
            (f.initialized, f.name().to_owned(), f.guid())
        }
        None => return Err(Fault::unexpected("the REST server serves an embedded federation only").into()),
    };
    let mut info = json!({"local_connection_server_status": if initialized { "ENABLED" } else { "DISABLED" }});
    if initialized {
        info["name"] = name.into();
        info["guid"] = guid.into();
        info["sites"] = inventory(c, "Site", None)?.iter().map(|r| Value::from(wire_id(str_of(r, "id")))).collect();
    }
    Ok(Reply::json(info))
}

// ---------------------------------------------------------------------------------------------
// entitlements, AD users and groups, audit events

fn entitlements_list(s: &State, c: &Call, ent: EntitlementKind) -> Result<Reply, ApiError> {
    require_cpa(s)?;
    let fields = ent.fields(false);
    contract_list(c, |q| call(c, M::InventoryQuery, q), json!({"entityType": ent.id_type().name()}), fields, None, |row| to_wire(fields, row))
}

/// The ids of every group (to count users and groups among members).
fn group_ids(c: &Call) -> Result<std::collections::HashSet<String>, Fault> {
    Ok(inventory(c, "UserOrGroup", Some(equals("group", true)))?.iter().map(|g| str_of(g, "id").to_owned()).collect())
}

/// Adds `userCount` and `groupCount` from a row's `members`.
fn count_members(c: &Call, row: &mut Value) -> Result<(), Fault> {
    let groups = group_ids(c)?;
    let members = row.get("members").and_then(Value::as_array).cloned().unwrap_or_default();
    let g = members.iter().filter(|m| m.as_str().map_or(false, |m| groups.contains(m))).count();
    row["groupCount"] = g.into();
    row["userCount"] = (members.len() - g).into();
    Ok(())
}

fn entitlement_get(s: &State, c: &Call, ent: EntitlementKind) -> Result<Reply, ApiError> {
    require_cpa(s)?;
    let mut row = inventory_row(c, ent.id_type().name(), &contract_id(ent.id_type(), c.id.as_deref().unwrap_or_default()))?;
    count_members(c, &mut row)?;
    Ok(Reply::json(to_wire(ent.fields(true), &row)))
}

/// Adds `displayName` (`DOMAIN\name`) to a UserOrGroup row.
fn ad_row(row: &Value) -> Value {
    let mut row = row.clone();
    // The world's display name, else DOMAIN\name (login_name is the name: filters on it stay
    // filters on the name).
    if row.get("displayName").is_none() {
        row["displayName"] = format!("{}\\{}", str_of(&row, "domain"), str_of(&row, "name")).into();
    }
    row
}

fn ad_list(_: &State, c: &Call) -> Result<Reply, ApiError> {
    let group_only = c.flag("group_only")?.map(|g| equals("group", g));
    contract_list(c, |q| call(c, M::InventoryQuery, q), json!({"entityType": "UserOrGroup"}), AD_SUMMARY, group_only, |row| to_wire(AD_SUMMARY, &ad_row(row)))
}

fn ad_get(_: &State, c: &Call) -> Result<Reply, ApiError> {
    let id = contract_id(IdType::UserOrGroup, c.id.as_deref().unwrap_or_default());
    let mut row = ad_row(&inventory_row(c, "UserOrGroup", &id)?);
    let member_of: Vec<Value> = inventory(c, "UserOrGroup", Some(equals("members", id.as_str())))?.iter().map(|g| g["id"].clone()).collect();
    row["memberOf"] = Value::Array(member_of);
    if row["group"] == true {
        count_members(c, &mut row)?;
    }
    Ok(Reply::json(to_wire(AD_INFO, &row)))
}

fn audit_events(_: &State, c: &Call) -> Result<Reply, ApiError> {
    contract_list(c, |q| call(c, M::EventQuery, q), json!({}), AUDIT_EVENTS, None, |row| to_wire(AUDIT_EVENTS, row))
}

/// `AuditEventAttributeInfo`s of the events `ids` names (`ids=1&ids=2` or `ids=1,2`): the
/// event members `AuditEventSummary` has no field for ([`EVENT_ATTRIBUTES`]), from one
/// Event_Query. Ids that name no event are left out.
fn audit_event_attributes(_: &State, c: &Call) -> Result<Reply, ApiError> {
    let bad = || Fault::invalid_argument("ids", format!("ids must be 1 to {MAX_EVENT_ATTRIBUTE_IDS} event ids (integers)."));
    let ids = c.param("ids").unwrap_or_default().split(',').map(|id| id.trim().parse::<u64>()).collect::<Result<Vec<_>, _>>().map_err(|_| bad())?;
    if ids.is_empty() || ids.len() > MAX_EVENT_ATTRIBUTE_IDS {
        return Err(bad().into());
    }
    let filter = json!({"type": "Or", "filters": ids.iter().map(|&id| equals("id", id)).collect::<Vec<_>>()});
    let page = call(c, M::EventQuery, json!({"filter": filter, "limit": ids.len()}))?;
    let infos: Vec<Value> = page["results"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|event| {
            let mut data = Map::new();
            for (key, member, ty) in EVENT_ATTRIBUTES {
                if let Some(v) = event.get(*member).and_then(Value::as_str) {
                    data.insert((*key).into(), if ty.is_some() { wire_id(v) } else { v }.into());
                }
            }
            json!({"id": event["id"], "event_data": data})
        })
        .collect();
    Ok(Reply::json(Value::Array(infos)))
}
