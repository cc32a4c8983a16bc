"""Shared fixtures. The library is found as users find it: next to the package, then
``$HVAPI_LIBRARY`` (run-tests.sh sets it). The in-tree package is tested, not an installed one."""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Iterator, List

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # python/, so `import hvapi` is the in-tree package
sys.path.insert(0, HERE)  # so `import worlds` works whatever the import mode

import hvapi  # noqa: E402
import worlds  # noqa: E402
from helpers import Counter  # noqa: E402

@pytest.fixture(scope="session")
def lib() -> hvapi.Library:
    """The library under test (found as :func:`hvapi.connect` finds it)."""
    return hvapi.load_library()


#: ``HVAPI_TEST_BACKEND=rest``: every world a test opens with ``make_client(world=...)`` (and
#: the ``client`` fixture) is served by ``hvapi serve`` on 127.0.0.1:0 and opened through the
#: REST backend, one server per world; scripts/test.sh runs the tests both ways.
REST = os.environ.get("HVAPI_TEST_BACKEND") == "rest"


def _serve(world: Any) -> "subprocess.Popen[str]":
    """Starts ``hvapi serve`` (next to the library) on a world; its first line is the URL."""
    import json
    import subprocess
    import tempfile

    exe = os.environ.get("HVAPI_SERVE") or os.path.join(
        os.path.dirname(os.environ.get("HVAPI_LIBRARY", "")), "hvapi")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(world, f)
    try:
        proc = subprocess.Popen([exe, "serve", "--world", f.name, "--listen", "127.0.0.1:0",
                                 "--quiet"], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        proc.url = proc.stdout.readline().strip()  # type: ignore[attr-defined]
    finally:
        os.unlink(f.name)
    return proc


def _rest_client(servers: List[Any], world: Any, login: Any = None) -> hvapi.Client:
    server = _serve(world)
    servers.append(server)
    if login is None:
        first = (world.get("usersAndGroups") or [{}])[0]
        login = {"user": "administrator", "domain": first.get("domain", "HORIZON"), "password": "any"}
    return hvapi.connect_rest(server.url, username=login["user"], domain=login["domain"],
                              password=login.get("password", ""))


@pytest.fixture
def make_client() -> Iterator[Callable[..., hvapi.Client]]:
    """``make_client(**connect_kwargs)``: clients closed at the end of the test."""
    clients: List[hvapi.Client] = []
    servers: List[Any] = []

    def make(**kwargs: Any) -> hvapi.Client:
        if REST and kwargs.get("world") is not None and set(kwargs) <= {"world", "login"}:
            client = _rest_client(servers, kwargs["world"], kwargs.get("login"))
        else:
            client = hvapi.connect(**kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    for server in servers:
        server.kill()
        server.wait()


@pytest.fixture
def client(make_client: Callable[..., hvapi.Client]) -> hvapi.Client:
    """A client on a fresh :func:`worlds.federation`, as the built-in administrator."""
    return make_client(world=worlds.federation())


@pytest.fixture
def count_calls(lib: hvapi.Library, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Counter]:
    """``count_calls("hv_string_free")``: count the calls the wrapper makes to a C function."""

    def install(name: str) -> Counter:
        counter = Counter(lib.function(name))
        monkeypatch.setitem(lib._functions, name, counter)
        return counter

    return install
