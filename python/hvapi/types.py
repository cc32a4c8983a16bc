"""Typed results: the contract's data objects (section 3.2) as dataclasses.

Attributes are the snake_case forms of the contract's camelCase keys (``namesData`` ->
``names_data``, ``machineOrRDSServerDNS`` -> ``machine_or_rds_server_dns``). A field the
library omitted (the contract never sends ``null`` for an unset field) is ``None``. Ids stay
opaque strings (``"Session/…"``), times stay RFC 3339 strings (see :func:`parse_time`), and any
key this version of the wrapper does not know is kept in ``extra`` rather than dropped.

Every class has ``from_json(obj)`` and ``to_json()``; ``to_json`` gives back the camelCase
object (unset fields omitted), so ``X.from_json(o).to_json() == o``.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Type, TypeVar

from .errors import HvProtocolError

__all__ = [
    "SessionNamesData",
    "SessionLocalReferenceData",
    "SessionData",
    "SessionLocalSummaryView",
    "UserHomeSiteBase",
    "UserHomeSiteInfo",
    "Event",
    "InventoryObject",
    "QueryPage",
    "MessageType",
    "parse_time",
]

T = TypeVar("T", bound="_JsonObject")


def _key(name: str) -> Dict[str, Any]:
    """Field metadata: the field's camelCase JSON key."""
    return {"json": name}


def _nested(name: str, cls: Type["_JsonObject"]) -> Dict[str, Any]:
    """Field metadata: a JSON key holding a nested data object of class ``cls``."""
    return {"json": name, "nested": cls}


class _JsonObject:
    """Mixin: decode/encode a dataclass whose fields carry their JSON key in metadata."""

    extra: Dict[str, Any]

    @classmethod
    def from_json(cls: Type[T], obj: Any) -> T:
        """Build an instance from a decoded JSON object.

        Raises:
            HvProtocolError: ``obj`` is not a JSON object.
        """
        if not isinstance(obj, Mapping):
            raise HvProtocolError(f"{cls.__name__}: expected a JSON object, got {obj!r}")
        kwargs: Dict[str, Any] = {}
        known = set()
        for f in dataclasses.fields(cls):
            key = f.metadata.get("json")
            if key is None:
                continue
            known.add(key)
            if key in obj and obj[key] is not None:
                nested = f.metadata.get("nested")
                kwargs[f.name] = nested.from_json(obj[key]) if nested else obj[key]
        kwargs["extra"] = {k: v for k, v in obj.items() if k not in known}
        return cls(**kwargs)

    def to_json(self) -> Dict[str, Any]:
        """The camelCase JSON object, unset (``None``) fields omitted, ``extra`` merged in."""
        out: Dict[str, Any] = {}
        for f in dataclasses.fields(self):
            key = f.metadata.get("json")
            value = getattr(self, f.name)
            if key is None or value is None:
                continue
            out[key] = value.to_json() if isinstance(value, _JsonObject) else value
        out.update(self.extra)
        return out


def _extra() -> Any:
    return field(default_factory=dict, repr=False, compare=False)


@dataclass
class SessionNamesData(_JsonObject):
    """``namesData`` of a session: names of the objects the session involves."""

    user_name: Optional[str] = field(default=None, metadata=_key("userName"))
    machine_or_rds_server_name: Optional[str] = field(
        default=None, metadata=_key("machineOrRDSServerName")
    )
    machine_or_rds_server_dns: Optional[str] = field(
        default=None, metadata=_key("machineOrRDSServerDNS")
    )
    desktop_name: Optional[str] = field(default=None, metadata=_key("desktopName"))
    #: ``AUTOMATED``, ``MANUAL`` or ``RDS``.
    desktop_type: Optional[str] = field(default=None, metadata=_key("desktopType"))
    #: ``VIRTUAL_CENTER``, ``VIEW_COMPOSER``, ``INSTANT_CLONE_ENGINE``, ``UNMANAGED`` or ``RDS``.
    desktop_source: Optional[str] = field(default=None, metadata=_key("desktopSource"))
    farm_name: Optional[str] = field(default=None, metadata=_key("farmName"))
    client_name: Optional[str] = field(default=None, metadata=_key("clientName"))
    client_address: Optional[str] = field(default=None, metadata=_key("clientAddress"))
    client_type: Optional[str] = field(default=None, metadata=_key("clientType"))
    application_names: Optional[List[str]] = field(
        default=None, metadata=_key("applicationNames")
    )
    #: Keys the library sent that this wrapper does not know.
    extra: Dict[str, Any] = _extra()


@dataclass
class SessionLocalReferenceData(_JsonObject):
    """``referenceData`` of a session: ids of the objects the session involves."""

    user: Optional[str] = field(default=None, metadata=_key("user"))
    #: The user's immediate groups.
    groups: Optional[List[str]] = field(default=None, metadata=_key("groups"))
    access_group: Optional[str] = field(default=None, metadata=_key("accessGroup"))
    desktop: Optional[str] = field(default=None, metadata=_key("desktop"))
    farm: Optional[str] = field(default=None, metadata=_key("farm"))
    machine: Optional[str] = field(default=None, metadata=_key("machine"))
    rds_server: Optional[str] = field(default=None, metadata=_key("rdsServer"))
    extra: Dict[str, Any] = _extra()


@dataclass
class SessionData(_JsonObject):
    """``sessionData`` of a session: its type, protocol, state and times."""

    #: ``DESKTOP`` or ``APPLICATION``.
    session_type: Optional[str] = field(default=None, metadata=_key("sessionType"))
    #: ``PCOIP``, ``RDP``, ``BLAST``, ``CONSOLE`` or ``UNKNOWN``; ``None`` while disconnected.
    session_protocol: Optional[str] = field(default=None, metadata=_key("sessionProtocol"))
    #: ``CONNECTED``, ``DISCONNECTED`` or ``PENDING``.
    session_state: Optional[str] = field(default=None, metadata=_key("sessionState"))
    #: RFC 3339 UTC time, e.g. ``"2026-11-22T08:15:00Z"``.
    start_time: Optional[str] = field(default=None, metadata=_key("startTime"))
    disconnect_time: Optional[str] = field(default=None, metadata=_key("disconnectTime"))
    last_session_duration_ms: Optional[int] = field(
        default=None, metadata=_key("lastSessionDurationMS")
    )
    brokered_remotely: Optional[bool] = field(default=None, metadata=_key("brokeredRemotely"))
    resourced_remotely: Optional[bool] = field(
        default=None, metadata=_key("resourcedRemotely")
    )
    #: Idle time in minutes.
    idle_duration: Optional[int] = field(default=None, metadata=_key("idleDuration"))
    extra: Dict[str, Any] = _extra()


@dataclass
class SessionLocalSummaryView(_JsonObject):
    """A local session, as returned by ``Session_GetLocalSummaryView`` and ``Session_Query``."""

    #: ``"Session/…"``.
    id: Optional[str] = field(default=None, metadata=_key("id"))
    names_data: Optional[SessionNamesData] = field(
        default=None, metadata=_nested("namesData", SessionNamesData)
    )
    reference_data: Optional[SessionLocalReferenceData] = field(
        default=None, metadata=_nested("referenceData", SessionLocalReferenceData)
    )
    session_data: Optional[SessionData] = field(
        default=None, metadata=_nested("sessionData", SessionData)
    )
    extra: Dict[str, Any] = _extra()


@dataclass
class UserHomeSiteBase(_JsonObject):
    """A home site assignment: a user or group, a site, and optionally one entitlement.

    Without an entitlement the assignment is the user's (or group's) global home site.
    """

    #: ``"UserOrGroup/…"``.
    user_or_group: Optional[str] = field(default=None, metadata=_key("userOrGroup"))
    #: ``"Site/…"``.
    site: Optional[str] = field(default=None, metadata=_key("site"))
    global_entitlement: Optional[str] = field(
        default=None, metadata=_key("globalEntitlement")
    )
    global_application_entitlement: Optional[str] = field(
        default=None, metadata=_key("globalApplicationEntitlement")
    )
    extra: Dict[str, Any] = _extra()


@dataclass
class UserHomeSiteInfo(_JsonObject):
    """A stored home site assignment: its id and its :class:`UserHomeSiteBase`."""

    #: ``"UserHomeSite/…"``.
    id: Optional[str] = field(default=None, metadata=_key("id"))
    base: Optional[UserHomeSiteBase] = field(
        default=None, metadata=_nested("base", UserHomeSiteBase)
    )
    extra: Dict[str, Any] = _extra()


@dataclass
class Event(_JsonObject):
    """An audit event (contract section 5.3), as returned by ``Event_Query``."""

    #: Increasing integer.
    id: Optional[int] = field(default=None, metadata=_key("id"))
    time: Optional[str] = field(default=None, metadata=_key("time"))
    #: E.g. ``"ADMIN_DESKTOP_SESSION_LOGOFF"``.
    type: Optional[str] = field(default=None, metadata=_key("type"))
    #: ``AUDIT_SUCCESS`` or ``AUDIT_FAIL``.
    severity: Optional[str] = field(default=None, metadata=_key("severity"))
    #: ``DOMAIN\\name`` of the administrator who acted.
    admin: Optional[str] = field(default=None, metadata=_key("admin"))
    message: Optional[str] = field(default=None, metadata=_key("message"))
    session: Optional[str] = field(default=None, metadata=_key("session"))
    user_home_site: Optional[str] = field(default=None, metadata=_key("userHomeSite"))
    user: Optional[str] = field(default=None, metadata=_key("user"))
    pod: Optional[str] = field(default=None, metadata=_key("pod"))
    extra: Dict[str, Any] = _extra()


@dataclass
class InventoryObject(_JsonObject):
    """A world object returned by ``Inventory_Query`` (a site, pod, user, desktop, ...).

    ``id`` and ``name`` are common to every entity type; every other key of the object
    (``site``, ``members``, ``domain``, ...) is in :attr:`extra` under its camelCase name,
    and ``obj["key"]`` reads any key, ``id`` and ``name`` included.
    """

    id: Optional[str] = field(default=None, metadata=_key("id"))
    name: Optional[str] = field(default=None, metadata=_key("name"))
    extra: Dict[str, Any] = _extra()

    def __getitem__(self, key: str) -> Any:
        """Any key of the JSON object, by its camelCase name."""
        return self.to_json()[key]

    def get(self, key: str, default: Any = None) -> Any:
        """Like :meth:`dict.get` on the JSON object."""
        return self.to_json().get(key, default)


@dataclass
class QueryPage:
    """One page of a query: its rows, where it starts, and how many rows follow it."""

    results: List[Any]
    starting_offset: int
    remaining_count: int


class MessageType:
    """The three ``msgType`` values of ``Session_SendMessage(s)``."""

    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


def parse_time(value: Optional[str]) -> Optional[datetime.datetime]:
    """Parse a contract time (RFC 3339 UTC, e.g. ``"2026-11-22T08:15:00Z"``); ``None`` stays ``None``."""
    if value is None:
        return None
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    return datetime.datetime.fromisoformat(text)
