//! The one method table: every contract method, its `hv_invoke` name and its C export.
//! `hv_invoke`, the exports, the privilege table and the tests are all driven from here, so a
//! method cannot exist in one and be missing from another.

/// A contract method (section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    SessionDisconnect,
    SessionDisconnectSessions,
    SessionGetLocalSummaryView,
    SessionLogoff,
    SessionLogoffForced,
    SessionLogoffSessions,
    SessionLogoffSessionsForced,
    SessionReset,
    SessionResetSessions,
    SessionRestart,
    SessionRestartSessions,
    SessionSendMessage,
    SessionSendMessages,
    UserHomeSiteCreate,
    UserHomeSiteDelete,
    UserHomeSiteGet,
    UserHomeSiteGetInfos,
    UserHomeSiteList,
    UserHomeSiteResolve,
    UserHomeSiteResolveForGae,
    SessionQuery,
    InventoryQuery,
    EventQuery,
    /// A library extension, not a contract method (README, "Library extensions").
    GlobalSessionQuery,
}

use Method::*;

/// (method, `hv_invoke` name, C export name), in the contract's order, then the library's
/// extensions ([`EXTENSIONS`]).
pub const METHODS: [(Method, &str, &str); 24] = [
    (SessionDisconnect, "Session_Disconnect", "hv_session_disconnect"),
    (SessionDisconnectSessions, "Session_DisconnectSessions", "hv_session_disconnect_sessions"),
    (SessionGetLocalSummaryView, "Session_GetLocalSummaryView", "hv_session_get_local_summary_view"),
    (SessionLogoff, "Session_Logoff", "hv_session_logoff"),
    (SessionLogoffForced, "Session_LogoffForced", "hv_session_logoff_forced"),
    (SessionLogoffSessions, "Session_LogoffSessions", "hv_session_logoff_sessions"),
    (SessionLogoffSessionsForced, "Session_LogoffSessionsForced", "hv_session_logoff_sessions_forced"),
    (SessionReset, "Session_Reset", "hv_session_reset"),
    (SessionResetSessions, "Session_ResetSessions", "hv_session_reset_sessions"),
    (SessionRestart, "Session_Restart", "hv_session_restart"),
    (SessionRestartSessions, "Session_RestartSessions", "hv_session_restart_sessions"),
    (SessionSendMessage, "Session_SendMessage", "hv_session_send_message"),
    (SessionSendMessages, "Session_SendMessages", "hv_session_send_messages"),
    (UserHomeSiteCreate, "UserHomeSite_Create", "hv_user_home_site_create"),
    (UserHomeSiteDelete, "UserHomeSite_Delete", "hv_user_home_site_delete"),
    (UserHomeSiteGet, "UserHomeSite_Get", "hv_user_home_site_get"),
    (UserHomeSiteGetInfos, "UserHomeSite_GetInfos", "hv_user_home_site_get_infos"),
    (UserHomeSiteList, "UserHomeSite_List", "hv_user_home_site_list"),
    (UserHomeSiteResolve, "UserHomeSite_Resolve", "hv_user_home_site_resolve"),
    (UserHomeSiteResolveForGae, "UserHomeSite_ResolveForGAE", "hv_user_home_site_resolve_for_gae"),
    (SessionQuery, "Session_Query", "hv_session_query"),
    (InventoryQuery, "Inventory_Query", "hv_inventory_query"),
    (EventQuery, "Event_Query", "hv_event_query"),
    (GlobalSessionQuery, "GlobalSession_Query", "hv_global_session_query"),
];

/// The methods the library adds to the contract's (README, "Library extensions").
pub const EXTENSIONS: [Method; 1] = [GlobalSessionQuery];

impl Method {
    /// Looks a method up by its `hv_invoke` name (exact, case-sensitive).
    pub fn from_name(name: &str) -> Option<Method> {
        METHODS.iter().find(|m| m.1 == name).map(|m| m.0)
    }

    fn row(self) -> &'static (Method, &'static str, &'static str) {
        METHODS.iter().find(|m| m.0 == self).expect("every method is in METHODS")
    }

    /// The `hv_invoke` name, e.g. `"Session_Logoff"`.
    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// The C export, e.g. `"hv_session_logoff"`.
    pub fn export_name(self) -> &'static str {
        self.row().2
    }
}
