"""Close semantics: exactly once, a typed error afterwards, context manager, finalizer."""

from __future__ import annotations

import gc
import threading

import pytest

import hvapi
import worlds


def test_context_manager_closes_once(count_calls) -> None:
    closes = count_calls("hv_client_close")
    with hvapi.connect(world=worlds.federation()) as client:
        assert not client.closed
        client.session.get_local_summary_view("Session/a1")
    assert client.closed
    assert len(closes.calls) == 1
    client.close()
    client.close()
    assert len(closes.calls) == 1


def test_context_manager_closes_on_error(count_calls) -> None:
    closes = count_calls("hv_client_close")
    with pytest.raises(hvapi.EntityNotFound):
        with hvapi.connect(world=worlds.federation()) as client:
            client.session.logoff("Session/none")
    assert client.closed and len(closes.calls) == 1


@pytest.mark.parametrize("call", [
    lambda c: c.session.logoff("Session/a1"),
    lambda c: c.session.disconnect_sessions(["Session/a1"]),
    lambda c: c.session.get_local_summary_view("Session/a1"),
    lambda c: c.user_home_site.list("UserOrGroup/alice"),
    lambda c: c.invoke("Session_Logoff", {"id": "Session/a1"}),
    lambda c: list(c.sessions()),
    lambda c: list(c.inventory("Site")),
    lambda c: list(c.events()),
], ids=["logoff", "batch", "summary", "home-site", "invoke", "sessions", "inventory", "events"])
def test_calls_after_close_raise_closed_error(call) -> None:
    client = hvapi.connect(world=worlds.federation())
    client.close()
    with pytest.raises(hvapi.HvClosedError) as info:
        call(client)
    assert isinstance(info.value, hvapi.HvError)
    assert "closed" in str(info.value)


def test_iteration_stops_with_closed_error_when_the_client_closes_midway() -> None:
    client = hvapi.connect(world=worlds.crowd(10))
    rows = client.sessions(page_size=4)
    first = [next(rows) for _ in range(4)]
    client.close()
    with pytest.raises(hvapi.HvClosedError):
        list(rows)
    assert len(first) == 4


def test_dropping_the_last_reference_closes(count_calls) -> None:
    closes = count_calls("hv_client_close")
    client = hvapi.connect(world=worlds.federation())
    session_service = client.session  # a service keeps its client alive
    del client
    gc.collect()
    assert closes.calls == []
    session_service.get_local_summary_view("Session/a1")
    del session_service
    gc.collect()
    assert len(closes.calls) == 1


def test_close_is_safe_from_many_threads_at_once(count_calls) -> None:
    closes = count_calls("hv_client_close")
    client = hvapi.connect(world=worlds.federation())
    barrier = threading.Barrier(8)

    def close() -> None:
        barrier.wait()
        client.close()

    threads = [threading.Thread(target=close) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(closes.calls) == 1


def test_close_waits_for_calls_in_flight_then_refuses_new_ones(count_calls) -> None:
    closes = count_calls("hv_client_close")
    client = hvapi.connect(world=worlds.crowd(200))
    started = threading.Barrier(5)
    outcomes: list = []
    lock = threading.Lock()

    def worker() -> None:
        started.wait()
        done = 0
        try:
            while True:
                rows = client.session_page(limit=200).results
                assert len(rows) == 200
                done += 1
        except hvapi.HvClosedError:
            with lock:
                outcomes.append(("closed", done))
        except BaseException as exc:  # pragma: no cover - reported below
            with lock:
                outcomes.append(("error", repr(exc)))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    started.wait()
    client.close()
    for t in threads:
        t.join(60)
    assert all(kind == "closed" for kind, _ in outcomes), outcomes
    assert len(outcomes) == 4
    assert len(closes.calls) == 1


def test_failed_open_leaves_nothing_to_close(count_calls) -> None:
    closes = count_calls("hv_client_close")
    with pytest.raises(hvapi.InvalidCredentials):
        hvapi.connect(world=worlds.federation(), login={"user": "x", "domain": "Y"})
    gc.collect()
    assert closes.calls == []


def test_repr_shows_state() -> None:
    client = hvapi.connect(world=worlds.federation())
    assert "open" in repr(client)
    client.close()
    assert "closed" in repr(client)
