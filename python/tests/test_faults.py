"""Every fault class: the classes themselves, and each one raised by the real library."""

from __future__ import annotations

import pickle

import pytest

import hvapi
import worlds
from helpers import events_since, fault_fields, last_event_id

CONTRACT_FAULTS = {
    "EntityNotFound": 1, "InsufficientPermission": 2, "InvalidArgument": 3, "InvalidState": 4,
    "InvalidType": 5, "InvalidRequest": 6, "PartialFailureFault": 7, "UnexpectedFault": 8,
    "InvalidCredentials": 9,
}


# -- the classes ------------------------------------------------------------------------------


@pytest.mark.parametrize("name,status", sorted(CONTRACT_FAULTS.items()))
def test_one_class_per_fault_type(name, status) -> None:
    cls = getattr(hvapi, name)
    assert hvapi.FAULT_CLASSES[name] is cls
    assert issubclass(cls, hvapi.HvFault) and issubclass(cls, hvapi.HvError)
    assert cls.fault_type == name and cls.status_code == status
    fault = hvapi.fault_from_json({"type": name, "errorMessage": "One sentence."})
    assert type(fault) is cls
    assert (fault.type, fault.status, fault.error_message) == (name, status, "One sentence.")
    assert fault.parameter_name is None and fault.id is None  # omitted fields are None
    assert "One sentence." in str(fault)
    copy = pickle.loads(pickle.dumps(fault))
    assert type(copy) is cls and copy.raw == fault.raw


def test_fault_fields_become_snake_case_attributes() -> None:
    fault = hvapi.fault_from_json({
        "type": "InsufficientPermission", "errorMessage": "No.",
        "privileges": ["MACHINE_REBOOT"], "resource": "Session/a1", "accessGroup": "AccessGroup/x",
    })
    assert fault.privileges == ["MACHINE_REBOOT"]
    assert fault.resource == "Session/a1" and fault.access_group == "AccessGroup/x"
    typed = hvapi.fault_from_json({"type": "InvalidType", "errorMessage": "x",
                                   "parameterName": "id", "expectedType": "SessionId"})
    assert (typed.parameter_name, typed.expected_type) == ("id", "SessionId")
    unexpected = hvapi.fault_from_json({"type": "UnexpectedFault", "errorMessage": "x",
                                        "causeString": "pod down"})
    assert unexpected.cause_string == "pod down"


def test_python_exception_families() -> None:
    assert issubclass(hvapi.InvalidArgument, ValueError)
    assert issubclass(hvapi.InvalidType, TypeError)
    assert issubclass(hvapi.EntityNotFound, LookupError)
    assert issubclass(hvapi.HvLibraryNotFound, OSError)


def test_partial_failure_from_json() -> None:
    fault = hvapi.fault_from_json({
        "type": "PartialFailureFault", "errorMessage": "1 of 3 failed.",
        "resultCount": 3, "successCount": 2,
        "results": [None, {"type": "EntityNotFound", "errorMessage": "x", "id": "Session/9"}, None],
    })
    assert isinstance(fault, hvapi.PartialFailureFault)
    assert (fault.result_count, fault.success_count) == (3, 2)
    assert fault.results[0] is None and fault.results[2] is None
    assert isinstance(fault.results[1], hvapi.EntityNotFound)
    assert fault.results[1].id == "Session/9" and fault.results[1].status == 1
    assert fault.failures == [(1, fault.results[1])]
    assert "Session/9" in str(fault)


# -- raised by the library ---------------------------------------------------------------------


def test_entity_not_found(client) -> None:
    with pytest.raises(hvapi.EntityNotFound) as info:
        client.session.logoff("Session/ghost")
    assert fault_fields(info.value) == {"type": "EntityNotFound", "id": "Session/ghost"}
    assert info.value.status == 1


@pytest.mark.parametrize("id_value", ["", "Session", "NoSuchType/x", None])
def test_malformed_ids_are_invalid_argument(client, id_value) -> None:
    since = last_event_id(client)
    with pytest.raises(hvapi.InvalidArgument) as info:
        client.session.disconnect(id_value)
    assert info.value.parameter_name == "id"
    assert events_since(client, since) == []


def test_an_id_of_another_type_is_invalid_type(client) -> None:
    since = last_event_id(client)
    with pytest.raises(hvapi.InvalidType) as info:
        client.session.disconnect("Site/east")
    assert (info.value.parameter_name, info.value.expected_type) == ("id", "SessionId")
    assert info.value.status == 5
    with pytest.raises(hvapi.InvalidType) as info:
        client.user_home_site.get("Session/a1")
    assert (info.value.parameter_name, info.value.expected_type) == ("id", "UserHomeSiteId")
    assert events_since(client, since) == []


def test_a_value_of_the_wrong_kind_is_invalid_type(client) -> None:
    with pytest.raises(hvapi.InvalidType) as info:
        client.session.disconnect(42)  # type: ignore[arg-type]
    assert info.value.parameter_name == "id" and info.value.expected_type
    with pytest.raises(hvapi.InvalidType) as info:
        client.session.logoff_sessions("Session/a1")  # a string where an array goes
    assert (info.value.parameter_name, info.value.expected_type) == ("ids", "SessionId[]")
    with pytest.raises(hvapi.InvalidType) as info:
        client.session.logoff_sessions(["Session/a1", "Site/east"])
    assert info.value.parameter_name is not None


def test_empty_ids_is_invalid_argument(client) -> None:
    for call in (client.session.disconnect_sessions, client.session.logoff_sessions,
                 client.session.logoff_sessions_forced, client.session.reset_sessions,
                 client.session.restart_sessions):
        with pytest.raises(hvapi.InvalidArgument) as info:
            call([])
        assert info.value.parameter_name == "ids"


def test_raw_request_faults(client) -> None:
    with pytest.raises(hvapi.InvalidArgument) as info:
        client.invoke("No_Such_Method", {})
    assert info.value.parameter_name == "method"
    with pytest.raises(hvapi.InvalidArgument):
        client.invoke("Session_Logoff", "{not json")
    with pytest.raises(hvapi.InvalidArgument):
        client.invoke("Session_Logoff", "[]")  # not an object
    with pytest.raises(hvapi.InvalidArgument) as info:
        client.invoke("Session_Logoff", {"id": "Session/a1", "extra": True})  # unknown key
    with pytest.raises(hvapi.InvalidArgument) as info:
        client.invoke("Session_Logoff", {})
    assert info.value.parameter_name == "id"
    with pytest.raises(hvapi.InvalidArgument):
        client.invoke("Session_Logoff", b"\xff\xfe")  # not UTF-8
    assert client.invoke("Session_Logoff", {"id": "Session/a1"}) is None


def test_invalid_state(client) -> None:
    with pytest.raises(hvapi.InvalidState) as info:
        client.session.disconnect("Session/c1")  # already disconnected
    assert info.value.type == "InvalidState" and info.value.status == 4


def test_invalid_request(client) -> None:
    with pytest.raises(hvapi.InvalidRequest) as info:
        client.user_home_site.create(worlds.user("carol"), "Site/east",
                                     global_entitlement="GlobalEntitlement/ge-office")
    assert fault_fields(info.value) == {"type": "InvalidRequest"}


def test_unexpected_fault_for_an_unreachable_pod(client) -> None:
    with pytest.raises(hvapi.UnexpectedFault) as info:
        client.session.logoff("Session/u1")
    assert info.value.status == 8


def test_invalid_credentials() -> None:
    with pytest.raises(hvapi.InvalidCredentials) as info:
        hvapi.connect(world=worlds.federation(),
                      login={"user": "op", "domain": "EXAMPLE", "password": "nope"})
    assert fault_fields(info.value) == {"type": "InvalidCredentials"}


def test_partial_failure_fault_results_line_up_with_the_inputs(client) -> None:
    ids = ["Session/ghost", "Session/a1", "Site/east", "Session/c1"]
    with pytest.raises(hvapi.InvalidType):  # id syntax/type is checked for the whole call first
        client.session.disconnect_sessions(ids)
    ids = ["Session/ghost", "Session/a1", "Session/c1", "Session/c2"]
    with pytest.raises(hvapi.PartialFailureFault) as info:
        client.session.disconnect_sessions(ids)
    fault = info.value
    assert len(fault.results) == len(ids) == fault.result_count
    assert fault.success_count == 2
    assert isinstance(fault.results[0], hvapi.EntityNotFound) and fault.results[0].id == "Session/ghost"
    assert fault.results[1] is None and fault.results[3] is None
    assert isinstance(fault.results[2], hvapi.InvalidState)
    assert all(r.error_message for r in fault.results if r is not None)


# -- privileges (contract 5.1) -------------------------------------------------------------------


def test_insufficient_permission_for_the_whole_call(make_client) -> None:
    client = make_client(world=worlds.federation(), login=worlds.LOGIN_OP)
    since = last_event_id(client)
    with pytest.raises(hvapi.InsufficientPermission) as info:
        client.session.reset("Session/a1")  # op holds MACHINE_REBOOT nowhere
    assert "MACHINE_REBOOT" in (info.value.privileges or [])
    assert info.value.status == 2
    with pytest.raises(hvapi.InsufficientPermission):
        client.session.restart_sessions(["Session/a1", "Session/c1"])  # whole call, not partial
    with pytest.raises(hvapi.InsufficientPermission) as info:
        client.user_home_site.list(worlds.user("alice"))
    assert "FEDERATED_LDAP_VIEW" in (info.value.privileges or [])
    assert events_since(client, since) == []


def test_insufficient_permission_per_item(make_client) -> None:
    client = make_client(world=worlds.federation(), login=worlds.LOGIN_OP)
    client.session.disconnect("Session/a1")  # Sales: allowed
    with pytest.raises(hvapi.InsufficientPermission) as info:
        client.session.disconnect("Session/c2")  # Engineering: not allowed
    privileges = set(info.value.privileges or [])
    assert "MACHINE_MANAGE_VDI_SESSION" in privileges
    with pytest.raises(hvapi.InsufficientPermission):
        client.session.disconnect("Session/r1")  # remote: needs the federation privilege
    since = last_event_id(client)
    with pytest.raises(hvapi.PartialFailureFault) as pinfo:
        client.session.send_messages(["Session/a1", "Session/c2"], "INFO", "hi")
    assert pinfo.value.results[0] is None
    assert isinstance(pinfo.value.results[1], hvapi.InsufficientPermission)
    # the refused item leaves no event
    assert [e.type for e in events_since(client, since)] == ["ADMIN_SESSION_SENDMSG"]


def test_session_query_is_filtered_to_permitted_access_groups(make_client) -> None:
    client = make_client(world=worlds.federation(), login=worlds.LOGIN_OP)
    rows = list(client.sessions())
    assert rows and {r.reference_data.access_group for r in rows} == {"AccessGroup/sales"}
    assert client.session.get_local_summary_view("Session/a1").id == "Session/a1"
    with pytest.raises(hvapi.InsufficientPermission):
        client.session.get_local_summary_view("Session/c1")


def test_an_admin_without_permissions(make_client) -> None:
    client = make_client(world=worlds.federation(), login=worlds.LOGIN_NOBODY)
    for call in (lambda: client.session.logoff("Session/a1"),
                 lambda: client.session.get_local_summary_view("Session/a1"),
                 lambda: list(client.sessions()),
                 lambda: client.user_home_site.create(worlds.user("alice"), "Site/east")):
        with pytest.raises(hvapi.InsufficientPermission):
            call()


def test_view_only_home_site_admin(make_client) -> None:
    client = make_client(world=worlds.federation(), login=worlds.LOGIN_LDAPVIEW)
    assert client.user_home_site.list(worlds.user("alice")) == []
    with pytest.raises(hvapi.InsufficientPermission) as info:
        client.user_home_site.create(worlds.user("alice"), "Site/east")
    assert "FEDERATED_LDAP_MANAGE" in (info.value.privileges or [])
