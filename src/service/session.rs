//! The rules of the Session service (contract 5.2), applied to the embedded federation:
//! per item, the session exists, then the caller's privilege for it, then the state rules.
//! Remote sessions are requests to their pod, which applies the same rules.

use crate::backend::embedded::store::*;
use crate::fault::{batch_result, Fault};
use crate::model::objects::*;
use crate::model::time::{self, Timestamp};
use crate::service::event::{events, Operation};
use crate::service::method::Method;
use crate::service::privilege::{self, rule, Rule};
use crate::service::query::{self, Filter, Query, SESSION_MEMBERS};
use crate::service::request::SessionOp;
use crate::service::{json, Json};
use serde_json::Value;
use std::borrow::Cow;

impl SessionOp {
    fn operation(&self) -> Operation {
        match self {
            SessionOp::Disconnect => Operation::Disconnect,
            SessionOp::Logoff { .. } => Operation::Logoff,
            SessionOp::Reset => Operation::Reset,
            SessionOp::Restart => Operation::Restart,
            SessionOp::SendMessage { .. } => Operation::SendMessage,
        }
    }

    /// The verb of event messages: "log off", "send the WARNING message \"…\" to".
    fn verb(&self) -> Cow<'static, str> {
        match self {
            SessionOp::Disconnect => "disconnect".into(),
            SessionOp::Logoff { forced: false } => "log off".into(),
            SessionOp::Logoff { forced: true } => "force the logoff of".into(),
            SessionOp::Reset => "reset".into(),
            SessionOp::Restart => "restart".into(),
            SessionOp::SendMessage { msg_type, message } => format!("send the {msg_type} message {message:?} to").into(),
        }
    }

    /// The same verb in the past tense, for success events.
    fn past(&self) -> Cow<'static, str> {
        match self {
            SessionOp::Disconnect => "disconnected".into(),
            SessionOp::Logoff { forced: false } => "logged off".into(),
            SessionOp::Logoff { .. } => "forced the logoff of".into(),
            SessionOp::Reset => "reset".into(),
            SessionOp::Restart => "restarted".into(),
            SessionOp::SendMessage { msg_type, message } => format!("sent the {msg_type} message {message:?} to").into(),
        }
    }
}

/// The sessions a call can reach. The contract's session writes reach every session of the
/// federation (a remote one by a request to its pod) and Session_Query the local pod's. The
/// REST server also confines calls to one pod (its local endpoints to the local pod, its
/// global-session endpoints to the pod a request names) and lists every pod's sessions (the
/// global-session list): none of that is a contract method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Federation,
    Pod(Ix),
}

impl Reach {
    /// The contract's Session_Query: the local pod (none when the world has no pod).
    pub fn local(f: &Federation) -> Reach {
        f.local_pod.map_or(Reach::Pod(Ix::MAX), Reach::Pod)
    }

    /// Is an unknown id the local pod's to record (contract 5.3)? Another pod, asked about a
    /// session it does not have, records nothing.
    fn is_local(self, f: &Federation) -> bool {
        match self {
            Reach::Federation => true,
            Reach::Pod(p) => Some(p) == f.local_pod,
        }
    }

    fn covers(self, pod: Ix) -> bool {
        match self {
            Reach::Federation => true,
            Reach::Pod(p) => p == pod,
        }
    }
}

/// Session writes, single (`batch == false`) or batch, on the sessions `reach` covers: the
/// session of an id out of reach is not found, and its item leaves no event (it was never
/// this call's to find); so does an unknown id asked of another pod than the local one.
#[allow(clippy::too_many_arguments)]
pub fn write(f: &mut Federation, admin: Ix, method: Method, op: &SessionOp, ids: &[String], batch: bool, reach: Reach, now: Timestamp) -> Result<Value, Fault> {
    let rule = rule(method);
    privilege::require_anywhere(f, admin, rule)?;
    let who = f.admins[admin as usize].display();
    let call = Item { admin, who: &who, rule, op, reach, now };
    if !batch {
        return call.run(f, &ids[0]).map(|()| Value::Null);
    }
    // At most one event per item: grow the log once, not item by item.
    f.events.reserve(ids.len());
    batch_result(ids.iter().map(|id| call.run(f, id)))
}

/// The message of a session operation that succeeded: "<admin> <verb> session <id> of <user>.".
fn done_text(who: &str, verb: &str, id: &str, domain: &str, name: &str) -> String {
    let parts = [who, " ", verb, " session ", id, " of ", domain, "\\", name, "."];
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| s.push_str(p));
    s
}

/// The text of an event that keeps only its verb ([`EventMessage::SessionDone`]), written
/// into `buf` from the event's admin, session and user.
pub fn done_message<'s>(f: &Federation, e: &EventRecord, verb: &str, buf: &'s mut String) -> &'s str {
    let a = &f.admins[e.admin as usize];
    let (domain, name) = e.user.map_or(("", ""), |u| {
        let u = f.users_and_groups.get(u);
        (&*u.domain, &*u.name)
    });
    buf.clear();
    for p in [&*a.domain, "\\", &a.name, " ", verb, " session ", e.session.as_deref().unwrap_or(""), " of ", domain, "\\", name, "."] {
        buf.push_str(p);
    }
    buf
}

/// What every item of one write shares.
struct Item<'a> {
    admin: Ix,
    who: &'a str,
    rule: Rule,
    op: &'a SessionOp,
    reach: Reach,
    now: Timestamp,
}

impl Item<'_> {
    /// One item: the session exists and is in reach, the caller's privilege for it, then
    /// (locally or by its pod) the state rules; its event.
    fn run(&self, f: &mut Federation, id: &str) -> Result<(), Fault> {
        let Item { admin, who, rule, op, reach, now } = *self;
        let names = events(op.operation());
        // An ended session's id moves into its event.
        let record =
            |f: &mut Federation, event_type: &'static str, success: bool, message: EventMessage, user: Option<Ix>, pod: Option<Ix>, ended: Option<Session>| {
                let session = Some(ended.map_or_else(|| id.into(), |s| s.id));
                f.record(EventRecord { id: 0, time: now, event_type, success, admin, message, session, user_home_site: None, user, pod });
            };
        let text = |message: String| EventMessage::Text(message.into());
        let ix = match f.sessions.find(id) {
            Some(ix) => ix,
            _ => {
                let fault = Fault::entity_not_found(id);
                if reach.is_local(f) {
                    record(f, names.local_failure, false, text(format!("{who} could not {} session {id}: {fault}", op.verb())), None, None, None);
                }
                return Err(fault);
            }
        };
        let (local, ag, pod, user) = {
            let s = f.sessions.get(ix);
            (f.is_local(s), f.session_access_group(s), f.session_pod(s), s.user)
        };
        if !reach.covers(pod) {
            return Err(Fault::entity_not_found(id));
        }
        privilege::require_for(f, admin, rule, ag, local, id)?;
        // `DOMAIN\name` of the session's user (users are never removed).
        let user_name = |f: &Federation| {
            let u = f.users_and_groups.get(user);
            (u.domain.clone(), u.name.clone())
        };
        if !local {
            let pod_name = f.pods.get(pod).name.to_string();
            if !f.pods.get(pod).reachable {
                let fault = Fault::unexpected(format!("pod {pod_name} ({}) could not be reached", f.pods.get(pod).id));
                let msg = format!("{who} could not send pod {pod_name} a request to {} session {id}: the pod is unreachable.", op.verb());
                record(f, names.remote_failure, false, text(msg), Some(user), Some(pod), None);
                return Err(fault);
            }
            // The remote pod applies the same rules and answers at once; the request was sent
            // whatever its verdict.
            let (domain, name) = user_name(f);
            let verdict = apply(f, ix, op, now);
            let msg = format!("{who} sent pod {pod_name} a request to {} session {id} of {domain}\\{name}.", op.verb());
            let (verdict, ended) = split(verdict);
            record(f, names.remote_success, true, text(msg), Some(user), Some(pod), ended);
            return verdict;
        }
        let (verdict, ended) = split(apply(f, ix, op, now));
        let u = f.users_and_groups.get(user);
        let msg = match (&verdict, op.past()) {
            // Written when read ([`done_message`]): the event holds the admin, session and user.
            (Ok(()), Cow::Borrowed(verb)) => EventMessage::SessionDone(verb),
            (Ok(()), verb) => text(done_text(who, &verb, id, &u.domain, &u.name)),
            (Err(fault), _) => text(format!("{who} could not {} session {id} of {}\\{}: {fault}", op.verb(), u.domain, u.name)),
        };
        let (event, success) = if verdict.is_ok() { (names.local_success, true) } else { (names.local_failure, false) };
        record(f, event, success, msg, Some(user), Some(pod), ended);
        verdict
    }
}

/// An outcome of [`apply`] as the item's verdict and the session it ended, if any.
fn split(outcome: Result<Option<Session>, Fault>) -> (Result<(), Fault>, Option<Session>) {
    match outcome {
        Ok(ended) => (Ok(()), ended),
        Err(fault) => (Err(fault), None),
    }
}

/// The state rules of one operation on one existing session. Returns the session's record
/// when the operation ended it.
fn apply(f: &mut Federation, ix: Ix, op: &SessionOp, now: Timestamp) -> Result<Option<Session>, Fault> {
    let s = f.sessions.get(ix);
    let id = || s.id.to_string();
    match op {
        SessionOp::Disconnect => {
            if s.state == SessionState::Disconnected {
                let id = id();
                return Err(Fault::invalid_state(&id, format!("Session {id} is already disconnected.")));
            }
            let s = f.sessions.get_mut(ix);
            s.state = SessionState::Disconnected;
            s.disconnect = Some(now);
            s.protocol = None;
            Ok(None)
        }
        SessionOp::Logoff { forced } => {
            if s.locked && !forced {
                let id = id();
                return Err(Fault::invalid_state(&id, format!("Session {id} is locked; only a forced logoff ends it.")));
            }
            Ok(Some(f.take_session(ix)))
        }
        SessionOp::Reset | SessionOp::Restart => {
            if let Some(why) = not_resettable(f, s) {
                return Err(Fault::invalid_argument("id", format!("Session {} cannot be reset or restarted: {why}.", id())));
            }
            // The machine goes down under the session, which ends.
            Ok(Some(f.take_session(ix)))
        }
        SessionOp::SendMessage { .. } => Ok(None),
    }
}

/// Reset and restart need a desktop session on a managed virtual machine.
fn not_resettable(f: &Federation, s: &Session) -> Option<&'static str> {
    if s.session_type == SessionType::Application {
        return Some("it is an application session");
    }
    match s.resource {
        Resource::Farm(_) => Some("it runs on an RDS host"),
        Resource::Desktop(d) => match f.desktops.get(d).source {
            DesktopSource::Rds => Some("it is an RDS desktop session"),
            DesktopSource::Unmanaged => Some("its machine is not managed by vCenter"),
            DesktopSource::VirtualCenter | DesktopSource::ViewComposer | DesktopSource::InstantCloneEngine => None,
        },
    }
}

/// Session_GetLocalSummaryView: local sessions only (a remote id is not found).
pub fn get_local_summary_view(f: &Federation, admin: Ix, id: &str) -> Result<SessionLocalSummaryView, Fault> {
    let rule = rule(Method::SessionGetLocalSummaryView);
    privilege::require_anywhere(f, admin, rule)?;
    let ix = f.sessions.find(id).filter(|&ix| f.is_local(f.sessions.get(ix))).ok_or_else(|| Fault::entity_not_found(id))?;
    privilege::require_for(f, admin, rule, f.session_access_group(f.sessions.get(ix)), true, id)?;
    Ok(summary_view(f, f.sessions.get(ix)))
}

/// The `SessionLocalSummaryView` of a session.
pub fn summary_view(f: &Federation, s: &Session) -> SessionLocalSummaryView {
    let user = f.users_and_groups.get(s.user);
    let mut names = SessionNamesData {
        user_name: user.display(),
        machine_or_rds_server_name: s.machine().map(String::from),
        machine_or_rds_server_dns: s.machine().map(|m| format!("{m}.{}.local", user.domain).to_lowercase()),
        client_name: s.client_name().map(String::from),
        client_address: s.client_address().map(String::from),
        client_type: s.client_type().map(String::from),
        application_names: s.application_names.as_ref().map(|a| a.to_vec()),
        ..Default::default()
    };
    let mut refs = SessionLocalReferenceData {
        user: user.id.to_string(),
        groups: user.member_of.iter().map(|&g| f.users_and_groups.get(g).id.to_string()).collect(),
        access_group: Some(f.access_groups.get(f.session_access_group(s)).id.to_string()),
        ..Default::default()
    };
    let on_rds_host = match s.resource {
        Resource::Desktop(d) => {
            let d = f.desktops.get(d);
            names.desktop_name = Some(d.display_name.as_deref().unwrap_or(&d.name).to_string());
            names.desktop_type = Some(d.desktop_type.as_str());
            names.desktop_source = Some(d.source.as_str());
            refs.desktop = Some(d.id.to_string());
            d.desktop_type == DesktopType::Rds
        }
        Resource::Farm(fm) => {
            let fm = f.farms.get(fm);
            names.farm_name = Some(fm.name.to_string());
            refs.farm = Some(fm.id.to_string());
            true
        }
    };
    if let Some(m) = s.machine() {
        if on_rds_host {
            refs.rds_server = Some(format!("RDSServer/{m}"));
        } else {
            refs.machine = Some(format!("Machine/{m}"));
        }
    }
    SessionLocalSummaryView {
        id: s.id.to_string(),
        names_data: names,
        reference_data: refs,
        session_data: SessionData {
            session_type: s.session_type.as_str(),
            session_protocol: if s.state == SessionState::Disconnected { None } else { s.protocol.map(Protocol::as_str) },
            session_state: s.state.as_str(),
            start_time: Some(time::format(s.start)),
            disconnect_time: s.disconnect.map(time::format),
            last_session_duration_ms: s.disconnect.map(|d| (d - s.start).max(0) * 1000),
            brokered_remotely: false,
            resourced_remotely: false,
            idle_duration: s.idle_minutes.map(i64::from),
        },
    }
}

/// Session_Query: local sessions (those `reach` covers, for the REST server's global list),
/// all of them with the federation privilege, otherwise those in access groups the caller
/// may view.
pub fn query(f: &Federation, admin: Ix, q: &Query, reach: Reach) -> Result<Json, Fault> {
    query_page(f, admin, q, reach, |page| json(page))
}

/// Session_Query's page, handed to `out` (which writes it in some form) before the rows'
/// borrow of the federation ends.
pub fn query_page<T>(f: &Federation, admin: Ix, q: &Query, reach: Reach, out: impl FnOnce(&query::Page<'_, Session>) -> T) -> Result<T, Fault> {
    let rule = rule(Method::SessionQuery);
    privilege::require_anywhere(f, admin, rule)?;
    let all = privilege::holds_federation(f, admin, rule);
    let visible = if all { Vec::new() } else { privilege::visible_access_groups(f, admin, rule) };
    // Whether a desktop's or farm's sessions are rows: in reach, and in a group the caller may view.
    let shows = |pod: Ix, ag: Ix| reach.covers(pod) && (all || visible[ag as usize]);
    let desktops: Vec<bool> = f.desktops.items.iter().map(|d| shows(d.pod, d.access_group)).collect();
    let farms: Vec<bool> = f.farms.items.iter().map(|fm| shows(fm.pod, fm.access_group)).collect();
    let shown = |s: &Session| match s.resource {
        Resource::Desktop(d) => desktops[d as usize],
        Resource::Farm(fm) => farms[fm as usize],
    };
    let page = match q.filter.as_ref().and_then(|flt| candidates(f, flt)) {
        // A filter pinned to users: only their sessions can match (by index, not by scan).
        Some(ixs) => {
            let rows = ixs.into_iter().map(|ix| (ix, f.sessions.get(ix))).filter(|(_, s)| shown(s));
            query::run(q, &SESSION_MEMBERS, f, rows, None)?
        }
        None => {
            let on =
                |shows: &[bool], r: fn(Ix) -> Resource| shows.iter().enumerate().filter(|(_, &s)| s).map(|(i, _)| f.sessions_on(r(i as Ix))).sum::<usize>();
            let count = on(&desktops, Resource::Desktop) + on(&farms, Resource::Farm);
            query::run(q, &SESSION_MEMBERS, f, f.sessions.iter().filter(|(_, s)| shown(s)), Some(count))?
        }
    };
    Ok(out(&page))
}

/// Sessions that can match `filter`, in store order, when an Equals on the id or the user
/// pins it down ([`query::pinned`]).
fn candidates(f: &Federation, filter: &Filter) -> Option<Vec<Ix>> {
    query::pinned(filter, &|leaf| {
        let (member, v) = match leaf {
            Filter::Compare { op: query::Compare::Equals, member, value: Value::String(v) } => (member, v),
            _ => return None,
        };
        let user = match member.as_str() {
            "id" => return Some(f.sessions.find(v).into_iter().collect()),
            "namesData.userName" => {
                let (domain, name) = v.split_once('\\')?;
                f.by_name.get(&Federation::user_name_key(domain, name)).copied()
            }
            "referenceData.user" => f.users_and_groups.find(v),
            _ => return None,
        };
        // A user's list is in no particular order; rows come in store order.
        let mut ixs = user.map(|u| f.users_and_groups.get(u).sessions.clone()).unwrap_or_default();
        ixs.sort_unstable();
        Some(ixs)
    })
}

/// GlobalSession_Query (a library extension; README, "Library extensions"): the federation's
/// sessions of one user (on every pod), of one pod, or brokered by one pod (a simulated
/// session is brokered by the pod that hosts it), as `hvapi serve`'s
/// `/inventory/v1/global-sessions` serves them: an initialized federation, Session_Query's
/// privileges, filter and paging, each row a `SessionLocalSummaryView` plus its pod (`pod`).
pub fn global_query(f: &Federation, admin: Ix, scope: &str, id: &str, q: &Query) -> Result<Json, Fault> {
    privilege::require_anywhere(f, admin, rule(Method::GlobalSessionQuery))?;
    if !f.initialized {
        return Err(Fault::InvalidState { id: None, message: "The pod federation has not been initialized.".into() });
    }
    let (reach, q) = if scope == "user" {
        f.users_and_groups.find(id).ok_or_else(|| Fault::entity_not_found(id))?;
        let user = Filter::Compare { op: query::Compare::Equals, member: "referenceData.user".into(), value: Value::String(id.into()) };
        let filter = match &q.filter {
            None => user,
            Some(other) => Filter::And(vec![user, other.clone()]),
        };
        (Reach::Federation, Cow::Owned(Query { filter: Some(filter), ..q.clone() }))
    } else {
        (Reach::Pod(f.pods.find(id).ok_or_else(|| Fault::entity_not_found(id))?), Cow::Borrowed(q))
    };
    let mut page: Value =
        serde_json::from_str(query(f, admin, &q, reach)?.get()).map_err(|e| Fault::unexpected(format!("a page could not be read back: {e}")))?;
    for row in page["results"].as_array_mut().into_iter().flatten() {
        let pod = f.sessions.find(row["id"].as_str().unwrap_or_default()).map(|s| f.pods.get(f.session_pod(f.sessions.get(s))).id.to_string());
        row["pod"] = pod.map_or(Value::Null, Value::String);
    }
    Ok(json(&page))
}
