"""client.user_home_site: every method and the rules of contract 5.4."""

from __future__ import annotations

import pytest

import hvapi
import worlds
from helpers import events_since, last_event_id

ALICE, BOB, CAROL, DAVE = (worlds.user(n) for n in ("alice", "bob", "carol", "dave"))
SALES, ENG, ALL = "UserOrGroup/g-sales", "UserOrGroup/g-eng", "UserOrGroup/g-all"
EAST, WEST = "Site/east", "Site/west"
OFFICE, DEV = "GlobalEntitlement/ge-office", "GlobalEntitlement/ge-dev"
CALC = "GlobalApplicationEntitlement/gae-calc"


def test_create_and_get(client) -> None:
    since = last_event_id(client)
    hid = client.user_home_site.create(ALICE, EAST)
    assert isinstance(hid, str) and hid.startswith("UserHomeSite/")
    info = client.user_home_site.get(hid)
    assert isinstance(info, hvapi.UserHomeSiteInfo)
    assert info.id == hid
    assert isinstance(info.base, hvapi.UserHomeSiteBase)
    assert (info.base.user_or_group, info.base.site) == (ALICE, EAST)
    assert info.base.global_entitlement is None
    assert info.base.global_application_entitlement is None
    assert info.to_json() == {"id": hid, "base": {"userOrGroup": ALICE, "site": EAST}}
    (event,) = events_since(client, since)
    assert (event.type, event.severity, event.user_home_site) == \
        ("VLSI_USER_HOME_SITE_ADDED", "AUDIT_SUCCESS", hid)


def test_create_with_an_entitlement(client) -> None:
    ge = client.user_home_site.create(ALICE, WEST, global_entitlement=OFFICE)
    assert client.user_home_site.get(ge).base.global_entitlement == OFFICE
    gae = client.user_home_site.create(BOB, EAST, global_application_entitlement=CALC)
    base = client.user_home_site.get(gae).base
    assert base.global_application_entitlement == CALC and base.global_entitlement is None
    group = client.user_home_site.create(SALES, EAST, global_entitlement=OFFICE)  # directly entitled
    assert client.user_home_site.get(group).base.user_or_group == SALES
    viagroup = client.user_home_site.create(BOB, EAST, global_entitlement=OFFICE)  # through g-sales
    assert len({ge, gae, group, viagroup}) == 4


def test_create_same_site_again_returns_the_existing_id(client) -> None:
    first = client.user_home_site.create(ALICE, EAST)
    since = last_event_id(client)
    assert client.user_home_site.create(ALICE, EAST) == first
    assert events_since(client, since) == []  # nothing added, no event
    assert len(client.user_home_site.list(ALICE)) == 1


def test_create_a_different_site_for_the_same_scope_is_refused(client) -> None:
    client.user_home_site.create(ALICE, EAST)
    since = last_event_id(client)
    with pytest.raises(hvapi.InvalidArgument) as info:
        client.user_home_site.create(ALICE, WEST)
    assert info.value.parameter_name == "base.site"
    assert [e.type for e in events_since(client, since)] == ["VLSI_USER_HOME_SITE_ADD_FAILED"]
    # another scope is another configuration
    client.user_home_site.create(ALICE, WEST, global_entitlement=OFFICE)


def test_create_faults(client) -> None:
    with pytest.raises(hvapi.InvalidArgument):  # both entitlements
        client.user_home_site.create(ALICE, EAST, global_entitlement=OFFICE,
                                     global_application_entitlement=CALC)
    with pytest.raises(hvapi.InvalidRequest):  # carol is not entitled to Office
        client.user_home_site.create(CAROL, EAST, global_entitlement=OFFICE)
    with pytest.raises(hvapi.InvalidRequest):  # a group must be entitled directly
        client.user_home_site.create(ALL, EAST, global_entitlement=OFFICE)
    with pytest.raises(hvapi.EntityNotFound) as info:
        client.user_home_site.create(ALICE, "Site/nowhere")
    assert info.value.id == "Site/nowhere"
    with pytest.raises(hvapi.EntityNotFound):
        client.user_home_site.create("UserOrGroup/ghost", EAST)
    with pytest.raises(hvapi.EntityNotFound):
        client.user_home_site.create(ALICE, EAST, global_entitlement="GlobalEntitlement/ghost")
    with pytest.raises(hvapi.InvalidType) as tinfo:
        client.user_home_site.create(ALICE, "Pod/east-1")
    assert tinfo.value.parameter_name is not None and tinfo.value.expected_type is not None


def test_create_request_shape_faults(client) -> None:
    with pytest.raises(hvapi.InvalidArgument) as info:
        client.invoke("UserHomeSite_Create", {})
    assert info.value.parameter_name == "base"
    with pytest.raises(hvapi.InvalidType) as tinfo:
        client.invoke("UserHomeSite_Create", {"base": "Site/east"})
    assert tinfo.value.parameter_name == "base"
    assert tinfo.value.expected_type == "UserHomeSiteBase"
    with pytest.raises(hvapi.InvalidRequest) as rinfo:
        client.invoke("UserHomeSite_Create", {"base": {"userOrGroup": ALICE}})
    assert rinfo.value.status == 6 and rinfo.value.type == "InvalidRequest"
    with pytest.raises(hvapi.InvalidRequest):
        client.invoke("UserHomeSite_Create", {"base": {"site": EAST}})


def test_delete(client) -> None:
    hid = client.user_home_site.create(DAVE, WEST)
    since = last_event_id(client)
    assert client.user_home_site.delete(hid) is None
    with pytest.raises(hvapi.EntityNotFound) as info:
        client.user_home_site.get(hid)
    assert info.value.id == hid
    with pytest.raises(hvapi.EntityNotFound):
        client.user_home_site.delete(hid)
    assert [e.type for e in events_since(client, since)] == [
        "VLSI_USER_HOME_SITE_DELETED", "VLSI_USER_HOME_SITE_DELETE_FAILED"]
    # deleted: the scope is free for another site
    client.user_home_site.create(DAVE, EAST)


def test_get_infos(client) -> None:
    a = client.user_home_site.create(ALICE, EAST)
    b = client.user_home_site.create(BOB, WEST)
    infos = client.user_home_site.get_infos([b, a])
    assert [i.id for i in infos] == [b, a]
    assert [i.base.site for i in infos] == [WEST, EAST]
    with pytest.raises(hvapi.EntityNotFound):  # any unknown id fails the whole call
        client.user_home_site.get_infos([a, "UserHomeSite/nope"])
    with pytest.raises(hvapi.InvalidArgument) as info:
        client.user_home_site.get_infos([])
    assert info.value.parameter_name == "ids"


def test_list(client) -> None:
    assert client.user_home_site.list(DAVE) == []
    own = client.user_home_site.create(ALICE, EAST)
    scoped = client.user_home_site.create(ALICE, WEST, global_entitlement=OFFICE)
    client.user_home_site.create(SALES, WEST)  # on alice's group: not listed for alice
    assert sorted(i.id for i in client.user_home_site.list(ALICE)) == sorted([own, scoped])
    assert [i.base.user_or_group for i in client.user_home_site.list(SALES)] == [SALES]


def ids(infos):
    return None if infos is None else [i.id for i in infos]


def test_resolve_walks_the_tiers(client) -> None:
    uhs = client.user_home_site
    assert uhs.resolve(ALICE, OFFICE) is None  # no candidate anywhere
    # tier 4: global configurations on alice's immediate groups; "Engineering" sorts first
    sales_global = uhs.create(SALES, EAST)
    eng_global = uhs.create(ENG, WEST)
    assert ids(uhs.resolve(ALICE, OFFICE)) == [eng_global, sales_global]  # sites differ: conflict
    # tier 3: alice's own global configuration
    alice_global = uhs.create(ALICE, EAST)
    assert ids(uhs.resolve(ALICE, OFFICE)) == [alice_global]
    # tier 2: a configuration for Office on an entitled immediate group
    sales_office = uhs.create(SALES, WEST, global_entitlement=OFFICE)
    assert ids(uhs.resolve(ALICE, OFFICE)) == [sales_office]
    # tier 1: alice's own configuration for Office
    alice_office = uhs.create(ALICE, EAST, global_entitlement=OFFICE)
    resolved = uhs.resolve(ALICE, OFFICE)
    assert ids(resolved) == [alice_office]
    assert isinstance(resolved[0], hvapi.UserHomeSiteInfo)


def test_resolve_tier_four_without_conflict_when_sites_agree(client) -> None:
    uhs = client.user_home_site
    eng = uhs.create(ENG, EAST)
    uhs.create(SALES, EAST)
    assert ids(uhs.resolve(ALICE, OFFICE)) == [eng]


def test_resolve_faults(client) -> None:
    with pytest.raises(hvapi.InvalidArgument) as info:
        client.user_home_site.resolve(SALES, OFFICE)  # a group
    assert info.value.parameter_name == "user"
    with pytest.raises(hvapi.InvalidArgument) as info:
        client.user_home_site.resolve(CAROL, OFFICE)  # not entitled
    assert info.value.parameter_name == "globalEntitlement"
    with pytest.raises(hvapi.EntityNotFound):
        client.user_home_site.resolve(ALICE, "GlobalEntitlement/ghost")


def test_resolve_for_gae(client) -> None:
    uhs = client.user_home_site
    assert uhs.resolve_for_gae(BOB, CALC) is None
    bob_global = uhs.create(BOB, WEST)
    assert ids(uhs.resolve_for_gae(BOB, CALC)) == [bob_global]
    bob_calc = uhs.create(BOB, EAST, global_application_entitlement=CALC)
    assert ids(uhs.resolve_for_gae(BOB, CALC)) == [bob_calc]
    with pytest.raises(hvapi.InvalidArgument) as info:
        uhs.resolve_for_gae(ALICE, CALC)
    assert info.value.parameter_name == "globalApplicationEntitlement"
    with pytest.raises(hvapi.InvalidArgument) as info:
        uhs.resolve_for_gae(SALES, CALC)
    assert info.value.parameter_name == "user"


def test_every_method_needs_an_initialized_federation(make_client) -> None:
    client = make_client(world=worlds.federation(
        federationInitialized=False,
        homeSites=[{"id": "UserHomeSite/h1", "userOrGroup": ALICE, "site": EAST}]))
    uhs = client.user_home_site
    calls = [
        lambda: uhs.create(ALICE, EAST),
        lambda: uhs.delete("UserHomeSite/h1"),
        lambda: uhs.get("UserHomeSite/h1"),
        lambda: uhs.get_infos(["UserHomeSite/h1"]),
        lambda: uhs.list(ALICE),
        lambda: uhs.resolve(ALICE, OFFICE),
        lambda: uhs.resolve_for_gae(BOB, CALC),
    ]
    for call in calls:
        with pytest.raises(hvapi.InvalidState) as info:
            call()
        assert info.value.status == 4


def test_home_sites_from_the_world(make_client) -> None:
    client = make_client(world=worlds.federation(homeSites=[
        {"id": "UserHomeSite/h1", "userOrGroup": ALICE, "site": EAST},
        {"id": "UserHomeSite/h2", "userOrGroup": BOB, "site": WEST,
         "globalApplicationEntitlement": CALC},
    ]))
    assert client.user_home_site.get("UserHomeSite/h1").base.site == EAST
    assert ids(client.user_home_site.resolve_for_gae(BOB, CALC)) == ["UserHomeSite/h2"]
    assert ids(client.user_home_site.list(ALICE)) == ["UserHomeSite/h1"]
