"""client.session: every method, its rules (contract 5.2) and its events (5.3)."""

from __future__ import annotations

import pytest

import hvapi
import worlds
from helpers import events_since, find_session, last_event_id

SENT = "VLSI_FEDERATED_DESKTOP_SESSION_{}_REQUEST_SENT"
SEND_FAILED = "VLSI_FEDERATED_DESKTOP_SESSION_{}_REQUEST_SEND_FAILED"


def gone(client: hvapi.Client, session_id: str) -> bool:
    try:
        client.session.get_local_summary_view(session_id)
    except hvapi.EntityNotFound as fault:
        assert fault.id == session_id
        return True
    return False


def only_event(client: hvapi.Client, since: int) -> hvapi.Event:
    events = events_since(client, since)
    assert len(events) == 1, [e.type for e in events]
    return events[0]


# -- GetLocalSummaryView ----------------------------------------------------------------------


def test_get_local_summary_view_of_a_desktop_session(client) -> None:
    sid = find_session(client, "alice", desktop="Desktop/vc")
    assert sid == "Session/a1"
    view = client.session.get_local_summary_view(sid)
    assert isinstance(view, hvapi.SessionLocalSummaryView)
    assert view.id == "Session/a1"
    names, refs, data = view.names_data, view.reference_data, view.session_data
    assert isinstance(names, hvapi.SessionNamesData)
    assert names.user_name == "EXAMPLE\\alice"
    assert names.desktop_name == "vc"
    assert names.desktop_type == "AUTOMATED"
    assert names.desktop_source == "VIRTUAL_CENTER"
    assert names.client_name == "alice-laptop"
    assert names.client_address == "10.0.0.11"
    assert names.farm_name is None and names.application_names is None  # unset -> None
    assert isinstance(refs, hvapi.SessionLocalReferenceData)
    assert refs.user == "UserOrGroup/alice"
    assert sorted(refs.groups or []) == ["UserOrGroup/g-eng", "UserOrGroup/g-sales"]  # immediate only
    assert refs.access_group == "AccessGroup/sales"
    assert refs.desktop == "Desktop/vc"
    assert refs.farm is None
    assert isinstance(data, hvapi.SessionData)
    assert data.session_type == "DESKTOP"
    assert data.session_state == "CONNECTED"
    assert data.session_protocol == "BLAST"
    assert data.start_time == worlds.START
    assert hvapi.parse_time(data.start_time).year == 2026  # type: ignore[union-attr]
    assert data.disconnect_time is None
    # the raw JSON round-trips through the dataclasses
    raw = client.invoke("Session_GetLocalSummaryView", {"id": sid})
    assert hvapi.SessionLocalSummaryView.from_json(raw).to_json() == raw
    assert view == hvapi.SessionLocalSummaryView.from_json(raw)


def test_get_local_summary_view_of_an_application_session(client) -> None:
    sid = find_session(client, "bob", farm="Farm/apps")
    view = client.session.get_local_summary_view(sid)
    assert view.session_data.session_type == "APPLICATION"
    assert view.names_data.application_names == ["Calculator"]
    assert view.names_data.farm_name == "Apps"
    assert view.names_data.machine_or_rds_server_name == "rds-01"
    assert view.reference_data.farm == "Farm/apps"
    assert view.reference_data.desktop is None


def test_get_local_summary_view_sees_local_sessions_only(client) -> None:
    for sid in worlds.REMOTE_SESSIONS:
        with pytest.raises(hvapi.EntityNotFound) as info:
            client.session.get_local_summary_view(sid)
        assert info.value.id == sid


# -- Disconnect -------------------------------------------------------------------------------


def test_disconnect(client) -> None:
    sid = find_session(client, "alice", desktop="Desktop/vc")
    since = last_event_id(client)
    assert client.session.disconnect(sid) is None
    data = client.session.get_local_summary_view(sid).session_data
    assert data.session_state == "DISCONNECTED"
    assert data.disconnect_time is not None
    assert data.session_protocol is None  # cleared while disconnected
    event = only_event(client, since)
    assert (event.type, event.severity, event.session) == \
        ("ADMIN_DESKTOP_SESSION_DISCONNECTED", "AUDIT_SUCCESS", sid)
    # again: already disconnected
    since = last_event_id(client)
    with pytest.raises(hvapi.InvalidState) as info:
        client.session.disconnect(sid)
    assert info.value.status == 4
    event = only_event(client, since)
    assert (event.type, event.severity) == ("ADMIN_DESKTOP_SESSION_DISCONNECT_FAILED", "AUDIT_FAIL")


def test_disconnect_remote_sessions(client) -> None:
    since = last_event_id(client)
    client.session.disconnect("Session/r1")
    assert only_event(client, since).type == SENT.format("DISCONNECT")
    since = last_event_id(client)
    with pytest.raises(hvapi.UnexpectedFault):
        client.session.disconnect("Session/u1")  # pod unreachable
    assert only_event(client, since).type == SEND_FAILED.format("DISCONNECT")


def test_disconnect_sessions(client) -> None:
    ids = ["Session/a1", "Session/c2"]
    since = last_event_id(client)
    assert client.session.disconnect_sessions(ids) is None
    assert [e.type for e in events_since(client, since)] == ["ADMIN_DESKTOP_SESSION_DISCONNECTED"] * 2
    assert [client.session.get_local_summary_view(i).session_data.session_state for i in ids] == \
        ["DISCONNECTED", "DISCONNECTED"]


def test_disconnect_sessions_partial_failure(client) -> None:
    ids = ["Session/a1", "Session/c1", "Session/nope", "Session/r1", "Session/u1"]
    since = last_event_id(client)
    with pytest.raises(hvapi.PartialFailureFault) as info:
        client.session.disconnect_sessions(ids)
    fault = info.value
    assert fault.status == 7
    assert fault.result_count == 5 and fault.success_count == 2
    assert [type(r) for r in fault.results] == [
        type(None), hvapi.InvalidState, hvapi.EntityNotFound, type(None), hvapi.UnexpectedFault]
    assert fault.results[2].id == "Session/nope"
    assert [i for i, _ in fault.failures] == [1, 2, 4]
    assert [e.type for e in events_since(client, since)] == [
        "ADMIN_DESKTOP_SESSION_DISCONNECTED",
        "ADMIN_DESKTOP_SESSION_DISCONNECT_FAILED",
        "ADMIN_DESKTOP_SESSION_DISCONNECT_FAILED",
        SENT.format("DISCONNECT"),
        SEND_FAILED.format("DISCONNECT"),
    ]


# -- Logoff -----------------------------------------------------------------------------------


def test_logoff(client) -> None:
    sid = find_session(client, "alice", desktop="Desktop/vc")
    since = last_event_id(client)
    client.session.logoff(sid)
    assert gone(client, sid)
    assert only_event(client, since).type == "ADMIN_DESKTOP_SESSION_LOGOFF"
    since = last_event_id(client)
    with pytest.raises(hvapi.EntityNotFound):
        client.session.logoff(sid)
    assert only_event(client, since).type == "ADMIN_DESKTOP_SESSION_LOGOFF_FAILED"


def test_logoff_of_a_locked_session_needs_force(client) -> None:
    sid = find_session(client, "bob", desktop="Desktop/vc")  # locked
    since = last_event_id(client)
    with pytest.raises(hvapi.InvalidState) as info:
        client.session.logoff(sid)
    assert info.value.id in (None, sid)
    assert only_event(client, since).type == "ADMIN_DESKTOP_SESSION_LOGOFF_FAILED"
    assert not gone(client, sid)
    since = last_event_id(client)
    client.session.logoff_forced(sid)
    assert gone(client, sid)
    assert only_event(client, since).type == "ADMIN_DESKTOP_SESSION_LOGOFF"


def test_logoff_remote_sessions(client) -> None:
    since = last_event_id(client)
    client.session.logoff("Session/r1")
    assert only_event(client, since).type == SENT.format("LOGOFF")
    since = last_event_id(client)
    with pytest.raises(hvapi.InvalidState):
        client.session.logoff("Session/r2")  # the remote pod's verdict: locked
    assert only_event(client, since).type == SENT.format("LOGOFF")
    client.session.logoff_forced("Session/r2")
    with pytest.raises(hvapi.UnexpectedFault):
        client.session.logoff_forced("Session/u1")


def test_logoff_sessions(client) -> None:
    client.session.logoff_sessions(["Session/a1", "Session/c1"])
    assert gone(client, "Session/a1") and gone(client, "Session/c1")


def test_logoff_sessions_partial_failure_and_forced(client) -> None:
    with pytest.raises(hvapi.PartialFailureFault) as info:
        client.session.logoff_sessions(["Session/b1", "Session/a1"])
    assert isinstance(info.value.results[0], hvapi.InvalidState)
    assert info.value.results[1] is None
    assert (info.value.result_count, info.value.success_count) == (2, 1)
    client.session.logoff_sessions_forced(["Session/b1", "Session/d1"])
    assert gone(client, "Session/b1") and gone(client, "Session/d1")
    with pytest.raises(hvapi.PartialFailureFault) as info:
        client.session.logoff_sessions_forced(["Session/b1"])  # all failed: still partial
    assert isinstance(info.value.results[0], hvapi.EntityNotFound)
    assert (info.value.result_count, info.value.success_count) == (1, 0)


def test_duplicate_ids_are_processed_index_by_index(client) -> None:
    with pytest.raises(hvapi.PartialFailureFault) as info:
        client.session.logoff_sessions(["Session/a1", "Session/a1"])
    assert info.value.results[0] is None
    assert isinstance(info.value.results[1], hvapi.EntityNotFound)


# -- Reset, Restart ---------------------------------------------------------------------------


@pytest.mark.parametrize("op,single,batch,ok_event,fail_event,remote", [
    ("reset", "reset", "reset_sessions", "ADMIN_DESKTOP_SESSION_REBOOTED",
     "ADMIN_DESKTOP_SESSION_REBOOT_FAILED", "RESET"),
    ("restart", "restart", "restart_sessions", "ADMIN_DESKTOP_SESSION_RESTARTED",
     "ADMIN_DESKTOP_SESSION_RESTART_FAILED", "RESTART"),
])
def test_reset_and_restart(client, op, single, batch, ok_event, fail_event, remote) -> None:
    do = getattr(client.session, single)
    do_all = getattr(client.session, batch)
    # managed desktop machines: the session ends
    for user, desktop in (("alice", "Desktop/vc"), ("carol", "Desktop/ic")):
        sid = find_session(client, user, desktop=desktop)
        since = last_event_id(client)
        do(sid)
        assert gone(client, sid)
        assert only_event(client, since).type == ok_event
    # application session, RDS desktop, unmanaged machine: InvalidArgument on "id"
    for sid in ("Session/b2", "Session/a2", "Session/d1"):
        since = last_event_id(client)
        with pytest.raises(hvapi.InvalidArgument) as info:
            do(sid)
        assert info.value.parameter_name == "id"
        assert only_event(client, since).type == fail_event
    # batch: view composer succeeds, the application session fails
    with pytest.raises(hvapi.PartialFailureFault) as pinfo:
        do_all(["Session/c2", "Session/b2"])
    assert pinfo.value.results[0] is None
    assert isinstance(pinfo.value.results[1], hvapi.InvalidArgument)
    assert gone(client, "Session/c2")
    # remote
    since = last_event_id(client)
    do("Session/r1")
    assert only_event(client, since).type == SENT.format(remote)
    with pytest.raises(hvapi.UnexpectedFault):
        do("Session/u1")
    # batch, all fine
    fresh = hvapi.connect(world=worlds.federation())
    try:
        assert getattr(fresh.session, batch)(["Session/a1", "Session/c1"]) is None
    finally:
        fresh.close()


# -- SendMessage ------------------------------------------------------------------------------


def test_send_message(client) -> None:
    sid = find_session(client, "alice", desktop="Desktop/vc")
    since = last_event_id(client)
    client.session.send_message(sid, hvapi.MessageType.WARNING, "Maintenance at 18:00")
    event = only_event(client, since)
    assert (event.type, event.severity, event.session) == ("ADMIN_SESSION_SENDMSG", "AUDIT_SUCCESS", sid)
    recorded = str(event.to_json())
    assert "Maintenance at 18:00" in recorded and "WARNING" in recorded
    # the session is untouched
    assert client.session.get_local_summary_view(sid).session_data.session_state == "CONNECTED"


@pytest.mark.parametrize("msg_type,message,parameter", [
    ("DEBUG", "hi", "msgType"),
    ("info", "hi", "msgType"),
    ("", "hi", "msgType"),
    ("INFO", "", "message"),
    ("INFO", "x" * 1025, "message"),
])
def test_send_message_text_rules(client, msg_type, message, parameter) -> None:
    since = last_event_id(client)
    with pytest.raises(hvapi.InvalidArgument) as info:
        client.session.send_message("Session/a1", msg_type, message)
    assert info.value.parameter_name == parameter
    assert events_since(client, since) == []  # decided by the request text: no event


def test_send_message_limits(client) -> None:
    client.session.send_message("Session/a1", "ERROR", "x" * 1024)
    client.session.send_message("Session/a1", "INFO", "é")  # characters, not bytes
    client.session.send_message("Session/a1", "INFO", "€" * 1024)


def test_send_messages(client) -> None:
    since = last_event_id(client)
    client.session.send_messages(["Session/a1", "Session/c1", "Session/r1"], "INFO", "hello")
    assert [e.type for e in events_since(client, since)] == [
        "ADMIN_SESSION_SENDMSG", "ADMIN_SESSION_SENDMSG", SENT.format("SEND_MESSAGE")]
    since = last_event_id(client)
    with pytest.raises(hvapi.PartialFailureFault) as info:
        client.session.send_messages(["Session/none", "Session/a1", "Session/u1"], "INFO", "hello")
    assert [type(r) for r in info.value.results] == [
        hvapi.EntityNotFound, type(None), hvapi.UnexpectedFault]
    assert [e.type for e in events_since(client, since)] == [
        "ADMIN_SESSION_SENDMSG_FAILED", "ADMIN_SESSION_SENDMSG", SEND_FAILED.format("SEND_MESSAGE")]
    with pytest.raises(hvapi.InvalidArgument) as arg:
        client.session.send_messages(["Session/a1"], "LOUD", "hello")
    assert arg.value.parameter_name == "msgType"


def test_batch_methods_accept_any_iterable_of_ids(client) -> None:
    client.session.disconnect_sessions(iter(["Session/a1"]))
    client.session.send_messages(("Session/a1", "Session/b1"), "INFO", "tuple")
    client.session.logoff_sessions_forced(sid for sid in ["Session/b1"])
    assert gone(client, "Session/b1")
