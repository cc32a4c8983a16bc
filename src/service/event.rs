//! Event names (contract 5.3): one table, operation → success and failure events, local and
//! remote. Reads like the contract's table.

/// An operation that records events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Disconnect,
    Logoff,
    Reset,
    Restart,
    SendMessage,
    HomeSiteCreate,
    HomeSiteDelete,
}

/// The four event names of an operation. Home-site operations have no remote pair.
#[derive(Debug, Clone, Copy)]
pub struct EventNames {
    pub local_success: &'static str,
    pub local_failure: &'static str,
    pub remote_success: &'static str,
    pub remote_failure: &'static str,
}

const fn names(ls: &'static str, lf: &'static str, rs: &'static str, rf: &'static str) -> EventNames {
    EventNames { local_success: ls, local_failure: lf, remote_success: rs, remote_failure: rf }
}

pub fn events(op: Operation) -> EventNames {
    use Operation::*;
    match op {
        Disconnect => names(
            "ADMIN_DESKTOP_SESSION_DISCONNECTED",
            "ADMIN_DESKTOP_SESSION_DISCONNECT_FAILED",
            "VLSI_FEDERATED_DESKTOP_SESSION_DISCONNECT_REQUEST_SENT",
            "VLSI_FEDERATED_DESKTOP_SESSION_DISCONNECT_REQUEST_SEND_FAILED",
        ),
        Logoff => names(
            "ADMIN_DESKTOP_SESSION_LOGOFF",
            "ADMIN_DESKTOP_SESSION_LOGOFF_FAILED",
            "VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SENT",
            "VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SEND_FAILED",
        ),
        Reset => names(
            "ADMIN_DESKTOP_SESSION_REBOOTED",
            "ADMIN_DESKTOP_SESSION_REBOOT_FAILED",
            "VLSI_FEDERATED_DESKTOP_SESSION_RESET_REQUEST_SENT",
            "VLSI_FEDERATED_DESKTOP_SESSION_RESET_REQUEST_SEND_FAILED",
        ),
        Restart => names(
            "ADMIN_DESKTOP_SESSION_RESTARTED",
            "ADMIN_DESKTOP_SESSION_RESTART_FAILED",
            "VLSI_FEDERATED_DESKTOP_SESSION_RESTART_REQUEST_SENT",
            "VLSI_FEDERATED_DESKTOP_SESSION_RESTART_REQUEST_SEND_FAILED",
        ),
        SendMessage => names(
            "ADMIN_SESSION_SENDMSG",
            "ADMIN_SESSION_SENDMSG_FAILED",
            "VLSI_FEDERATED_DESKTOP_SESSION_SEND_MESSAGE_REQUEST_SENT",
            "VLSI_FEDERATED_DESKTOP_SESSION_SEND_MESSAGE_REQUEST_SEND_FAILED",
        ),
        HomeSiteCreate => names("VLSI_USER_HOME_SITE_ADDED", "VLSI_USER_HOME_SITE_ADD_FAILED", "", ""),
        HomeSiteDelete => names("VLSI_USER_HOME_SITE_DELETED", "VLSI_USER_HOME_SITE_DELETE_FAILED", "", ""),
    }
}

pub const AUDIT_SUCCESS: &str = "AUDIT_SUCCESS";
pub const AUDIT_FAIL: &str = "AUDIT_FAIL";
