//! The data objects clients receive, with the View API's camelCase keys. Unset fields are
//! omitted, never `null` (contract 3.2).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SessionNamesData {
    pub user_name: String,
    #[serde(rename = "machineOrRDSServerName", skip_serializing_if = "Option::is_none")]
    pub machine_or_rds_server_name: Option<String>,
    #[serde(rename = "machineOrRDSServerDNS", skip_serializing_if = "Option::is_none")]
    pub machine_or_rds_server_dns: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desktop_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desktop_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desktop_source: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub farm_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_names: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SessionLocalReferenceData {
    pub user: String,
    /// The user's immediate groups.
    pub groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desktop: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub farm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rds_server: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SessionData {
    pub session_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_protocol: Option<&'static str>,
    pub session_state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disconnect_time: Option<String>,
    #[serde(rename = "lastSessionDurationMS", skip_serializing_if = "Option::is_none")]
    pub last_session_duration_ms: Option<i64>,
    pub brokered_remotely: bool,
    pub resourced_remotely: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_duration: Option<i64>,
}

/// `SessionLocalSummaryView`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SessionLocalSummaryView {
    pub id: String,
    pub names_data: SessionNamesData,
    pub reference_data: SessionLocalReferenceData,
    pub session_data: SessionData,
}

/// `UserHomeSiteBase`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserHomeSiteBase {
    pub user_or_group: String,
    pub site: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_entitlement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_application_entitlement: Option<String>,
}

/// `UserHomeSiteInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserHomeSiteInfo {
    pub id: String,
    pub base: UserHomeSiteBase,
}

/// An audit event (contract 5.3).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: u64,
    pub time: String,
    #[serde(rename = "type")]
    pub event_type: &'static str,
    pub severity: &'static str,
    pub admin: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_home_site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
}
