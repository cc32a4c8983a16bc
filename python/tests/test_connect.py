"""connect(): the three sources of a federation, login, and open-time faults."""

from __future__ import annotations

import json

import pytest

import hvapi
import worlds
from hvapi import filters as f


def test_no_source_opens_the_default_demo(make_client) -> None:
    client = make_client()
    assert not client.closed
    assert list(client.inventory("Site")), "the default demo has at least one site"


def test_demo_is_deterministic(make_client) -> None:
    counts = {"sites": 2, "podsPerSite": 2, "users": 12, "groups": 3,
              "globalEntitlements": 2, "sessionsPerPod": 9}
    one = make_client(demo=counts)
    two = make_client(demo=dict(counts))
    for entity in ("Site", "Pod", "UserOrGroup", "GlobalEntitlement"):
        assert [o.to_json() for o in one.inventory(entity)] == \
               [o.to_json() for o in two.inventory(entity)], entity
    assert [s.to_json() for s in one.sessions()] == [s.to_json() for s in two.sessions()]
    assert len(list(one.inventory("Site"))) == 2
    assert len(list(one.inventory("Pod"))) == 4
    assert len(list(one.sessions())) == 9  # Session_Query sees the local pod only


def test_world_object(make_client) -> None:
    client = make_client(world=worlds.federation())
    assert sorted(s.id for s in client.sessions()) == sorted(worlds.LOCAL_SESSIONS)
    assert [o.id for o in client.inventory("Site", sort_by="name")] == ["Site/east", "Site/west"]


def test_world_file(tmp_path, make_client) -> None:
    path = tmp_path / "world.json"
    path.write_text(json.dumps(worlds.federation()), encoding="utf-8")
    by_path = make_client(world_file=path)
    by_str = make_client(world_file=str(path))
    assert sorted(s.id for s in by_path.sessions()) == sorted(worlds.LOCAL_SESSIONS)
    assert [s.to_json() for s in by_str.sessions()] == [s.to_json() for s in by_path.sessions()]


def test_missing_world_file_is_refused(tmp_path) -> None:
    with pytest.raises(hvapi.HvFault):
        hvapi.connect(world_file=tmp_path / "absent.json")


@pytest.mark.parametrize("kwargs", [
    {"world": {}, "demo": {}},
    {"world": {}, "world_file": "w.json"},
    {"demo": {}, "world_file": "w.json"},
    {"world": {}, "demo": {}, "world_file": "w.json"},
])
def test_at_most_one_source(kwargs) -> None:
    with pytest.raises(ValueError):
        hvapi.connect(**kwargs)


def test_world_with_an_undefined_id_names_the_path() -> None:
    world = worlds.federation()
    world["sessions"][3]["desktop"] = "Desktop/ghost"
    with pytest.raises(hvapi.InvalidArgument) as info:
        hvapi.connect(world=world)
    assert info.value.parameter_name == "sessions[3].desktop"
    assert info.value.status == 3


def test_login_as_an_admin(make_client) -> None:
    client = make_client(world=worlds.federation(), login=worlds.LOGIN_OP)
    client.session.send_message("Session/a1", "INFO", "hello")
    (event,) = [e for e in client.events() if e.session == "Session/a1"]
    assert event.admin == "EXAMPLE\\op"


@pytest.mark.parametrize("login", [
    {"user": "op", "domain": "EXAMPLE", "password": "wrong"},
    {"user": "ghost", "domain": "EXAMPLE", "password": "x"},
    {"user": "op", "domain": "OTHER", "password": "op-secret"},
])
def test_bad_login_is_invalid_credentials(login) -> None:
    with pytest.raises(hvapi.InvalidCredentials) as info:
        hvapi.connect(world=worlds.federation(), login=login)
    assert info.value.status == 9
    assert info.value.type == "InvalidCredentials"
    assert info.value.error_message


def test_two_clients_never_share_state(make_client) -> None:
    one = make_client(world=worlds.federation())
    two = make_client(world=worlds.federation())
    one.session.logoff("Session/a1")
    assert "Session/a1" not in [s.id for s in one.sessions()]
    assert two.session.get_local_summary_view("Session/a1").id == "Session/a1"
    assert list(two.events()) == []


def test_raw_client_config(lib) -> None:
    with hvapi.Client({"world": worlds.crowd(3)}, lib) as client:  # backend defaults to embedded
        assert len(list(client.sessions())) == 3
    with pytest.raises(hvapi.InvalidArgument):
        hvapi.Client({"backend": "embedded", "world": {}, "bogus": 1}, lib)


def test_filter_helpers_build_contract_filters() -> None:
    assert f.equals("a.b", 1) == {"type": "Equals", "memberName": "a.b", "value": 1}
    assert f.not_(f.contains("x", "y")) == {
        "type": "Not", "filter": {"type": "Contains", "memberName": "x", "value": "y"}}
    assert f.or_(f.starts_with("x", "y"), f.not_equals("z", 2))["type"] == "Or"
    assert len(f.and_(f.equals("a", 1), f.equals("b", 2))["filters"]) == 2
