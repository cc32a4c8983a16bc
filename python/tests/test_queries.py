"""Queries (contract section 7): paging generators, filters, sorting, inventory, events."""

from __future__ import annotations

import pytest

import hvapi
import worlds
from helpers import REST, NOT_OVER_REST
from hvapi import filters as f

ALL_TYPES = ["UserOrGroup", "Site", "Pod", "AccessGroup", "GlobalEntitlement",
             "GlobalApplicationEntitlement", "Desktop", "Farm"]


# -- paging ----------------------------------------------------------------------------------


def test_sessions_iterates_over_every_page(make_client, count_calls) -> None:
    client = make_client(world=worlds.crowd(25))
    queries = count_calls("hv_session_query")
    rows = list(client.sessions(page_size=7, sort_by="id"))
    assert [r.id for r in rows] == [f"Session/s{i:03d}" for i in range(25)]
    assert all(isinstance(r, hvapi.SessionLocalSummaryView) for r in rows)
    assert len(queries.calls) == 4  # 7 + 7 + 7 + 4


def test_page_size_dividing_the_count_exactly(make_client, count_calls) -> None:
    client = make_client(world=worlds.crowd(21))
    queries = count_calls("hv_session_query")
    assert len(list(client.sessions(page_size=7))) == 21
    assert len(queries.calls) == 3  # remainingCount 0 on the third page: no fourth call


def test_one_page(make_client) -> None:
    client = make_client(world=worlds.crowd(25))
    page = client.session_page(sort_by="id", starting_offset=7, limit=7)
    assert isinstance(page, hvapi.QueryPage)
    assert (page.starting_offset, page.remaining_count) == (7, 11)
    assert [r.id for r in page.results] == [f"Session/s{i:03d}" for i in range(7, 14)]
    last = client.session_page(sort_by="id", starting_offset=21, limit=7)
    assert (len(last.results), last.remaining_count) == (4, 0)
    beyond = client.session_page(starting_offset=100)
    assert (beyond.results, beyond.remaining_count) == ([], 0)


def test_default_limit_is_1000(make_client) -> None:
    client = make_client(world=worlds.crowd(1003))
    page = client.session_page()
    assert (len(page.results), page.remaining_count) == (1000, 3)
    assert len(list(client.sessions())) == 1003


def test_paging_over_a_demo(make_client) -> None:
    client = make_client(demo={"sites": 1, "podsPerSite": 2, "sessionsPerPod": 40})
    rows = list(client.sessions(page_size=6))
    assert len(rows) == 40
    assert len({r.id for r in rows}) == 40
    assert [r.to_json() for r in rows] == [r.to_json() for r in client.session_page(limit=100).results]


@pytest.mark.parametrize("page_size", [0, -1, 2.5, True])
def test_page_size_must_be_positive(client, page_size) -> None:
    with pytest.raises(ValueError):
        client.sessions(page_size=page_size)
    with pytest.raises(ValueError):
        client.events(page_size=page_size)
    with pytest.raises(ValueError):
        client.inventory("Site", page_size=page_size)


def test_generators_are_lazy(make_client, count_calls) -> None:
    client = make_client(world=worlds.crowd(10))
    queries = count_calls("hv_session_query")
    rows = client.sessions(page_size=3)
    assert queries.calls == []
    next(rows)
    assert len(queries.calls) == 1


# -- filters and sorting -----------------------------------------------------------------------


def user_names(rows):
    return [r.names_data.user_name for r in rows]


def test_filters(client) -> None:
    alice = f.equals("namesData.userName", "EXAMPLE\\alice")
    assert sorted(r.id for r in client.sessions(filter=alice)) == ["Session/a1", "Session/a2"]
    assert sorted(r.id for r in client.sessions(filter=f.not_(alice))) == \
        sorted(set(worlds.LOCAL_SESSIONS) - {"Session/a1", "Session/a2"})
    carol = f.starts_with("namesData.userName", "EXAMPLE\\car")
    assert sorted(r.id for r in client.sessions(filter=carol)) == ["Session/c1", "Session/c2"]
    assert sorted(r.id for r in client.sessions(filter=f.or_(alice, carol))) == \
        ["Session/a1", "Session/a2", "Session/c1", "Session/c2"]
    connected_alice = f.and_(alice, f.equals("referenceData.desktop", "Desktop/rds"))
    assert [r.id for r in client.sessions(filter=connected_alice)] == ["Session/a2"]
    assert [r.id for r in client.sessions(filter=f.contains("namesData.userName", "dav"))] == ["Session/d1"]
    assert sorted(r.id for r in client.sessions(
        filter=f.not_equals("sessionData.sessionState", "CONNECTED"))) == ["Session/c1"]


def test_unknown_member_is_invalid_argument(client) -> None:
    with pytest.raises(hvapi.InvalidArgument) as info:
        list(client.sessions(filter=f.equals("namesData.noSuchField", "x")))
    assert info.value.parameter_name == "filter"


def test_sorting(client) -> None:
    up = user_names(client.sessions(sort_by="namesData.userName"))
    down = user_names(client.sessions(sort_by="namesData.userName", sort_descending=True))
    assert up == sorted(up) and down == sorted(down, reverse=True)
    assert sorted(up) == sorted(down)


# -- inventory ---------------------------------------------------------------------------------


@pytest.mark.parametrize("entity_type", ALL_TYPES)
def test_inventory_of_every_entity_type(client, entity_type) -> None:
    if REST and entity_type in NOT_OVER_REST:
        with pytest.raises(hvapi.InvalidArgument):
            list(client.inventory(entity_type, page_size=2))
        return
    rows = list(client.inventory(entity_type, page_size=2))
    assert rows and all(isinstance(r, hvapi.InventoryObject) for r in rows)
    assert all(r.id.startswith(entity_type + "/") for r in rows)
    assert len({r.id for r in rows}) == len(rows)


def test_inventory_objects_are_the_world_objects(client) -> None:
    world = worlds.federation()
    assert sorted(r.id for r in client.inventory("Site")) == ["Site/east", "Site/west"]
    pods = {r.id: r for r in client.inventory("Pod")}
    assert pods["Pod/west-2"]["site"] == "Site/west"
    assert pods["Pod/west-2"].get("reachable") is (None if REST else False)
    assert pods["Pod/east-1"].name == "East 1"
    users = {r.id: r for r in client.inventory("UserOrGroup")}
    assert len(users) == len(world["usersAndGroups"])
    assert users["UserOrGroup/g-sales"]["group"] is True
    assert users[worlds.user("alice")]["domain"] == "EXAMPLE"
    if REST:  # no group members, access groups, desktops or farms over REST (README)
        return
    assert sorted(users["UserOrGroup/g-sales"]["members"]) == [worlds.user("alice"), worlds.user("bob")]
    desktops = {r.id: r for r in client.inventory("Desktop")}
    assert desktops["Desktop/ic"]["desktopSource"] == "INSTANT_CLONE_ENGINE"
    assert "AccessGroup/sales" in {r.id for r in client.inventory("AccessGroup")}
    assert [r.id for r in client.inventory("Farm")] == ["Farm/apps"]


def test_inventory_filter_and_unknown_entity_type(client) -> None:
    rows = list(client.inventory("UserOrGroup", filter=f.equals("name", "Sales")))
    assert [r.id for r in rows] == ["UserOrGroup/g-sales"]
    with pytest.raises(hvapi.InvalidArgument):
        list(client.inventory("Session"))
    with pytest.raises(hvapi.InvalidArgument):
        list(client.inventory("Nothing"))


def test_inventory_never_shows_passwords(make_client) -> None:
    client = make_client(world=worlds.federation())
    for entity_type in ALL_TYPES:
        if REST and entity_type in NOT_OVER_REST:
            continue
        for row in client.inventory(entity_type):
            assert "password" not in str(row.to_json()).lower()


# -- events ------------------------------------------------------------------------------------


def test_events_oldest_first_with_increasing_ids(client) -> None:
    assert list(client.events()) == []
    client.session.send_message("Session/a1", "INFO", "one")
    client.session.disconnect("Session/a1")
    hid = client.user_home_site.create(worlds.user("alice"), "Site/east")
    events = list(client.events(page_size=1))
    assert [e.type for e in events] == [
        "ADMIN_SESSION_SENDMSG", "ADMIN_DESKTOP_SESSION_DISCONNECTED", "VLSI_USER_HOME_SITE_ADDED"]
    assert all(isinstance(e, hvapi.Event) for e in events)
    ids = [e.id for e in events]
    assert ids == sorted(ids) and len(set(ids)) == 3 and all(isinstance(i, int) for i in ids)
    assert events[2].user_home_site == hid
    for event in events:
        assert event.time and hvapi.parse_time(event.time).tzinfo is not None
        assert event.admin and "\\" in event.admin
        assert event.message
        assert event.severity == "AUDIT_SUCCESS"


def test_events_filter_and_paging(client) -> None:
    client.session.send_messages(worlds.LOCAL_SESSIONS, "INFO", "hello")
    client.session.disconnect("Session/a1")
    sent = list(client.events(filter=f.equals("type", "ADMIN_SESSION_SENDMSG"), page_size=3))
    assert len(sent) == len(worlds.LOCAL_SESSIONS)
    assert [e.session for e in sent] == worlds.LOCAL_SESSIONS
    newest = client.event_page(sort_by="id", sort_descending=True, limit=1)
    assert newest.results[0].type == "ADMIN_DESKTOP_SESSION_DISCONNECTED"
    assert newest.remaining_count == len(worlds.LOCAL_SESSIONS)
