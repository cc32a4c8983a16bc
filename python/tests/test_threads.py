"""Several threads on one client (the C ABI allows concurrent calls on one client)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import hvapi
import worlds
from hvapi import filters as f

THREADS = 8


def test_many_threads_on_one_client(make_client) -> None:
    count = 64
    client = make_client(world=worlds.crowd(count))
    ids = [s.id for s in client.sessions(sort_by="id")]
    assert len(ids) == count
    per_thread = count // THREADS
    barrier = threading.Barrier(THREADS)

    def work(n: int) -> int:
        mine = ids[n * per_thread:(n + 1) * per_thread]
        barrier.wait()
        done = 0
        for round_ in range(5):
            for sid in mine:
                view = client.session.get_local_summary_view(sid)
                assert view.id == sid
                client.session.send_message(sid, "INFO", f"thread {n} round {round_}")
                done += 1
            assert len(list(client.sessions(page_size=16))) == count
        client.session.disconnect_sessions(mine)
        return done

    with ThreadPoolExecutor(THREADS) as pool:
        done = sum(pool.map(work, range(THREADS)))
    assert done == count * 5
    events = list(client.events())
    assert len(events) == count * 5 + count  # one per message, one per disconnect
    assert len({e.id for e in events}) == len(events)
    assert sorted(e.id for e in events) == [e.id for e in events]
    states = {s.session_data.session_state for s in client.sessions()}
    assert states == {"DISCONNECTED"}


def test_threads_racing_on_the_same_sessions(make_client) -> None:
    client = make_client(world=worlds.crowd(20))
    ids = [s.id for s in client.sessions()]
    results: list = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def logoff_all() -> None:
        barrier.wait()
        for sid in ids:
            try:
                client.session.logoff(sid)
                outcome = "ok"
            except hvapi.EntityNotFound:
                outcome = "gone"
            with lock:
                results.append((sid, outcome))

    threads = [threading.Thread(target=logoff_all) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # every session was logged off exactly once; every other attempt found it gone
    for sid in ids:
        outcomes = [o for s, o in results if s == sid]
        assert sorted(outcomes) == ["gone"] * (THREADS - 1) + ["ok"]
    assert list(client.sessions()) == []
    logoffs = list(client.events(filter=f.equals("type", "ADMIN_DESKTOP_SESSION_LOGOFF")))
    assert sorted(e.session for e in logoffs) == sorted(ids)


def test_home_sites_from_many_threads(make_client) -> None:
    world = worlds.crowd(THREADS * 4)
    client = make_client(world=world)
    users = [u["id"] for u in world["usersAndGroups"]]

    def create(user: str) -> str:
        return client.user_home_site.create(user, "Site/east")

    with ThreadPoolExecutor(THREADS) as pool:
        created = list(pool.map(create, users))
        again = list(pool.map(create, users))  # same site again: same ids
    assert created == again and len(set(created)) == len(users)
    infos = client.user_home_site.get_infos(created)
    assert [i.base.user_or_group for i in infos] == users
