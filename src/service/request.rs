//! Step (1) of every call: the request text. Turns a method's JSON request into a typed
//! [`Request`], refusing unknown keys, wrong kinds, malformed ids and the text rules
//! (`msgType`, `message` length, `base` keys). Every backend receives only checked requests.

use crate::fault::Fault;
use crate::model::id::{id_type, IdType};
use crate::model::objects::UserHomeSiteBase;
use crate::model::reader::Obj;
use crate::service::method::Method::{self, *};
use crate::service::query::{self, Query, EVENT_MEMBERS, INVENTORY_TYPES, QUERY_KEYS, SESSION_MEMBERS};
use serde_json::Value;

/// What a session write does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionOp {
    Disconnect,
    Logoff { forced: bool },
    Reset,
    Restart,
    SendMessage { msg_type: String, message: String },
}

/// The entitlement a resolve is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntitlementKind {
    Desktop,
    Application,
}

impl EntitlementKind {
    pub fn id_type(self) -> IdType {
        match self {
            EntitlementKind::Desktop => IdType::GlobalEntitlement,
            EntitlementKind::Application => IdType::GlobalApplicationEntitlement,
        }
    }

    /// The request key, which is also the `parameterName` of its faults.
    pub fn key(self) -> &'static str {
        match self {
            EntitlementKind::Desktop => "globalEntitlement",
            EntitlementKind::Application => "globalApplicationEntitlement",
        }
    }

    /// The method that resolves a home site for it.
    pub fn resolve_method(self) -> Method {
        match self {
            EntitlementKind::Desktop => Method::UserHomeSiteResolve,
            EntitlementKind::Application => Method::UserHomeSiteResolveForGae,
        }
    }
}

/// A checked request.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A session write; `batch` when the method takes `ids`.
    Sessions {
        op: SessionOp,
        ids: Vec<String>,
        batch: bool,
    },
    SummaryView {
        id: String,
    },
    SessionQuery(Query),
    HomeSiteCreate(UserHomeSiteBase),
    HomeSiteDelete {
        id: String,
    },
    HomeSiteGet {
        id: String,
    },
    HomeSiteGetInfos {
        ids: Vec<String>,
    },
    HomeSiteList {
        user_or_group: String,
    },
    HomeSiteResolve {
        user: String,
        entitlement: String,
        kind: EntitlementKind,
    },
    InventoryQuery {
        entity_type: &'static str,
        query: Query,
    },
    EventQuery(Query),
    /// GlobalSession_Query: `scope` is `user`, `pod` or `brokeringPod`, `id` its id.
    GlobalSessionQuery {
        scope: &'static str,
        id: String,
        query: Query,
    },
}

/// GlobalSession_Query's scopes (exactly one is given) and the id type of each.
pub const GLOBAL_SCOPES: [(&str, IdType); 3] = [("user", IdType::UserOrGroup), ("pod", IdType::Pod), ("brokeringPod", IdType::Pod)];

pub const MSG_TYPES: [&str; 3] = ["INFO", "WARNING", "ERROR"];
pub const MAX_MESSAGE_CHARS: usize = 1024;

fn owned(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(String::from).collect()
}

impl Request {
    /// Checks `json` as the request of `method`.
    pub fn parse(method: Method, json: &Value) -> Result<Request, Fault> {
        let o = Obj::top(json, "request")?;
        let session_ids = |batch: bool| -> Result<Vec<String>, Fault> {
            Ok(if batch { owned(o.ids("ids", IdType::Session)?) } else { vec![o.id("id", IdType::Session)?.to_owned()] })
        };
        let session_op = |op: SessionOp, batch: bool| -> Result<Request, Fault> { Ok(Request::Sessions { op, ids: session_ids(batch)?, batch }) };
        let single = ["id"];
        let many = ["ids"];
        Ok(match method {
            SessionDisconnect | SessionDisconnectSessions => {
                let batch = method == SessionDisconnectSessions;
                o.only(if batch { &many } else { &single })?;
                session_op(SessionOp::Disconnect, batch)?
            }
            SessionLogoff | SessionLogoffForced => {
                o.only(&single)?;
                session_op(SessionOp::Logoff { forced: method == SessionLogoffForced }, false)?
            }
            SessionLogoffSessions | SessionLogoffSessionsForced => {
                o.only(&many)?;
                session_op(SessionOp::Logoff { forced: method == SessionLogoffSessionsForced }, true)?
            }
            SessionReset | SessionRestart => {
                o.only(&single)?;
                session_op(if method == SessionReset { SessionOp::Reset } else { SessionOp::Restart }, false)?
            }
            SessionResetSessions | SessionRestartSessions => {
                o.only(&many)?;
                session_op(if method == SessionResetSessions { SessionOp::Reset } else { SessionOp::Restart }, true)?
            }
            SessionSendMessage | SessionSendMessages => {
                let batch = method == SessionSendMessages;
                o.only(if batch { &["ids", "msgType", "message"] } else { &["id", "msgType", "message"] })?;
                let ids = session_ids(batch)?;
                let msg_type = o.str("msgType")?;
                if !MSG_TYPES.contains(&msg_type) {
                    return Err(Fault::invalid_argument("msgType", format!("msgType must be INFO, WARNING or ERROR, not {msg_type:?}.")));
                }
                let message = o.str("message")?;
                let n = message.chars().count();
                if n == 0 || n > MAX_MESSAGE_CHARS {
                    return Err(Fault::invalid_argument("message", format!("message must have 1 to {MAX_MESSAGE_CHARS} characters, not {n}.")));
                }
                let op = SessionOp::SendMessage { msg_type: msg_type.to_owned(), message: message.to_owned() };
                Request::Sessions { op, ids, batch }
            }
            SessionGetLocalSummaryView => {
                o.only(&single)?;
                Request::SummaryView { id: o.id("id", IdType::Session)?.to_owned() }
            }
            SessionQuery => {
                o.only(&QUERY_KEYS)?;
                Request::SessionQuery(query::parse(&o, &SESSION_MEMBERS)?)
            }
            GlobalSessionQuery => {
                let mut keys = QUERY_KEYS.to_vec();
                keys.extend(GLOBAL_SCOPES.iter().map(|s| s.0));
                o.only(&keys)?;
                let given: Vec<_> = GLOBAL_SCOPES.iter().filter(|s| o.has(s.0)).collect();
                if given.len() != 1 {
                    return Err(Fault::invalid_argument("user", "Give exactly one of user, pod and brokeringPod."));
                }
                let (scope, ty) = *given[0];
                Request::GlobalSessionQuery { scope, id: o.id(scope, ty)?.to_owned(), query: query::parse(&o, &SESSION_MEMBERS)? }
            }
            EventQuery => {
                o.only(&QUERY_KEYS)?;
                Request::EventQuery(query::parse(&o, &EVENT_MEMBERS)?)
            }
            InventoryQuery => {
                let mut keys = QUERY_KEYS.to_vec();
                keys.push("entityType");
                o.only(&keys)?;
                let ty = o.str("entityType")?;
                let (entity_type, fields) = INVENTORY_TYPES
                    .iter()
                    .find_map(|&t| Some((t, query::inventory_fields(t)?)).filter(|_| t == ty))
                    .ok_or_else(|| Fault::invalid_argument("entityType", format!("entityType must be one of {}, not {ty:?}.", INVENTORY_TYPES.join(", "))))?;
                Request::InventoryQuery { entity_type, query: query::parse(&o, &fields)? }
            }
            UserHomeSiteCreate => {
                o.only(&["base"])?;
                Request::HomeSiteCreate(parse_base(&o)?)
            }
            UserHomeSiteDelete | UserHomeSiteGet => {
                o.only(&single)?;
                let id = o.id("id", IdType::UserHomeSite)?.to_owned();
                if method == UserHomeSiteDelete {
                    Request::HomeSiteDelete { id }
                } else {
                    Request::HomeSiteGet { id }
                }
            }
            UserHomeSiteGetInfos => {
                o.only(&many)?;
                Request::HomeSiteGetInfos { ids: owned(o.ids("ids", IdType::UserHomeSite)?) }
            }
            UserHomeSiteList => {
                o.only(&["userOrGroup"])?;
                Request::HomeSiteList { user_or_group: o.id("userOrGroup", IdType::UserOrGroup)?.to_owned() }
            }
            UserHomeSiteResolve | UserHomeSiteResolveForGae => {
                let kind = if method == UserHomeSiteResolve { EntitlementKind::Desktop } else { EntitlementKind::Application };
                o.only(&["user", kind.key()])?;
                Request::HomeSiteResolve {
                    user: o.id("user", IdType::UserOrGroup)?.to_owned(),
                    entitlement: o.id(kind.key(), kind.id_type())?.to_owned(),
                    kind,
                }
            }
        })
    }
}

impl Request {
    /// The batch session methods whose request is `{"ids": [...]}` and nothing else, read
    /// straight from the text into the typed request (a batch of 100k ids is then one string per
    /// id, with no JSON value in between). `None` for any other text — another shape, a wrong
    /// kind, an empty or malformed id: [`Request::parse`] then gives the same request or the
    /// precise fault.
    pub fn parse_ids_text(method: Method, text: &str) -> Option<Request> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Ids {
            ids: Vec<String>,
        }
        let op = match method {
            SessionDisconnectSessions => SessionOp::Disconnect,
            SessionLogoffSessions => SessionOp::Logoff { forced: false },
            SessionLogoffSessionsForced => SessionOp::Logoff { forced: true },
            SessionResetSessions => SessionOp::Reset,
            SessionRestartSessions => SessionOp::Restart,
            _ => return None,
        };
        let Ids { ids } = serde_json::from_str(text).ok()?;
        if ids.is_empty() || !ids.iter().all(|id| id_type(id) == Some(IdType::Session)) {
            return None;
        }
        Some(Request::Sessions { op, ids, batch: true })
    }
}

/// `base` of UserHomeSite_Create: missing → InvalidArgument, not an object → InvalidType,
/// `userOrGroup` or `site` missing → InvalidRequest, both entitlements → InvalidArgument.
fn parse_base(o: &Obj) -> Result<UserHomeSiteBase, Fault> {
    let b = Obj::nested(o.req("base")?, "base".into(), "UserHomeSiteBase")?;
    b.only(&["userOrGroup", "site", "globalEntitlement", "globalApplicationEntitlement"])?;
    for key in ["userOrGroup", "site"] {
        if !b.has(key) {
            return Err(Fault::invalid_request(format!("base.{key} is required.")));
        }
    }
    let base = UserHomeSiteBase {
        user_or_group: b.id("userOrGroup", IdType::UserOrGroup)?.to_owned(),
        site: b.id("site", IdType::Site)?.to_owned(),
        global_entitlement: b.opt_id("globalEntitlement", IdType::GlobalEntitlement)?.map(String::from),
        global_application_entitlement: b.opt_id("globalApplicationEntitlement", IdType::GlobalApplicationEntitlement)?.map(String::from),
    };
    if base.global_entitlement.is_some() && base.global_application_entitlement.is_some() {
        return Err(Fault::invalid_argument("base", "Set at most one of base.globalEntitlement and base.globalApplicationEntitlement."));
    }
    Ok(base)
}
