"""Helpers shared by the tests (plain functions; fixtures are in conftest.py)."""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional

import hvapi
import worlds
from hvapi import filters as f

HERE = os.path.dirname(os.path.abspath(__file__))
#: True when the tests run through the REST backend (``HVAPI_TEST_BACKEND=rest``). The checks
#: it guards are the details the REST API cannot carry (README, "The REST backend": the
#: inventory has no pod reachability, no access groups, desktops or farms).
REST = os.environ.get("HVAPI_TEST_BACKEND") == "rest"
#: Inventory types the REST backend cannot list.
NOT_OVER_REST = ("AccessGroup", "Desktop", "Farm")
#: The repository's C header, when the tests run inside the repository.
HEADER = os.path.join(os.path.dirname(os.path.dirname(HERE)), "include", "hvapi.h")


def find_session(client: hvapi.Client, user: str, desktop: Optional[str] = None,
                 farm: Optional[str] = None) -> str:
    """The id of the one local session of ``user`` (a bare name) on ``desktop``/``farm``,
    found through Session_Query."""
    conditions = [f.equals("namesData.userName", f"{worlds.DOMAIN}\\{user}")]
    if desktop is not None:
        conditions.append(f.equals("referenceData.desktop", desktop))
    if farm is not None:
        conditions.append(f.equals("referenceData.farm", farm))
    found = [s.id for s in client.sessions(filter=f.and_(*conditions))]
    assert len(found) == 1, f"expected one session of {user}, found {found}"
    return found[0]


def event_types(client: hvapi.Client, since: int = 0) -> List[str]:
    """The types of the events with an id above ``since``, oldest first."""
    return [e.type for e in client.events() if e.id > since]  # type: ignore[operator]


def events_since(client: hvapi.Client, since: int = 0) -> List[hvapi.Event]:
    """The events with an id above ``since``, oldest first."""
    return [e for e in client.events() if e.id > since]  # type: ignore[operator]


def last_event_id(client: hvapi.Client) -> int:
    """The id of the newest event, 0 when there is none."""
    ids = [e.id for e in client.events()]
    return max(ids) if ids else 0  # type: ignore[type-var]


class Counter:
    """Wraps a declared C function and counts its calls (for ownership tests)."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.calls: List[tuple] = []

    def __call__(self, *args: Any) -> Any:
        self.calls.append(args)
        return self.fn(*args)


def fault_fields(fault: hvapi.HvFault) -> Dict[str, Any]:
    """The fault's fields other than its message, for readable assertions."""
    return {k: v for k, v in fault.raw.items() if k != "errorMessage"}
