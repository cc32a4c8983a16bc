"""The REST backend from Python: :func:`hvapi.connect_rest` against ``hvapi serve`` (the
simulator as a server, over loopback) — the same calls as against the embedded backend."""

from __future__ import annotations

import pytest

import hvapi
import worlds
from conftest import _serve


@pytest.fixture
def server():
    proc = _serve(worlds.federation())
    yield proc
    proc.kill()
    proc.wait()


def test_connect_rest_describes_the_connection(server) -> None:
    with hvapi.connect_rest(server.url, username="administrator", domain=worlds.DOMAIN,
                            password="any") as client:
        assert client.description == {
            "backend": "rest", "user": f"{worlds.DOMAIN}\\administrator", "url": server.url,
            "localPod": "Pod/east-1", "localSite": "Site/east"}
        assert [s.id for s in client.sessions()]  # the same calls as against the simulator


def test_connect_rest_faults(server) -> None:
    with pytest.raises(hvapi.InvalidCredentials):
        hvapi.connect_rest(server.url, username="nobody", domain=worlds.DOMAIN, password="x")
    with pytest.raises(hvapi.UnexpectedFault) as info:
        hvapi.connect_rest("http://127.0.0.1:1", username="administrator",
                           domain=worlds.DOMAIN, password="any", timeout_seconds=5)
    assert "127.0.0.1:1" in (info.value.cause_string or "")
