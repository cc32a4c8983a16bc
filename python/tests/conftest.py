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


@pytest.fixture
def make_client() -> Iterator[Callable[..., hvapi.Client]]:
    """``make_client(**connect_kwargs)``: clients closed at the end of the test."""
    clients: List[hvapi.Client] = []

    def make(**kwargs: Any) -> hvapi.Client:
        client = hvapi.connect(**kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


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
