"""The client: :func:`connect`, :class:`Client` and its two services.

Each service method calls its own export (``client.session.logoff`` calls
``hv_session_logoff``), builds the request with the contract's keys (section 4), and decodes
the result into the types of :mod:`hvapi.types`. Faults come out as the exceptions of
:mod:`hvapi.errors`. :meth:`Client.invoke` is the raw escape hatch over ``hv_invoke``.
"""

from __future__ import annotations

import os
from ctypes import byref, c_void_p
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    TypeVar,
    Union,
)

from ._library import HV_OK, METHODS, Library, decode_answer, encode_json, load_library
from ._managed import Managed
from .errors import HvProtocolError
from .types import (
    Event,
    InventoryObject,
    QueryPage,
    SessionLocalSummaryView,
    UserHomeSiteInfo,
)

__all__ = ["connect", "connect_rest", "Client", "SessionService", "UserHomeSiteService"]

R = TypeVar("R")
PathLike = Union[str, "os.PathLike[str]"]
#: The exports :meth:`Client.call` may call: the method exports of the contract's table.
_METHOD_EXPORTS = frozenset(m.export for m in METHODS)
#: A list of ids, or any iterable of them. A ``str`` is passed through unchanged (the library
#: then answers ``InvalidType``), never split into characters.
Ids = Iterable[Any]
#: A query filter object (contract section 7), e.g. built with :mod:`hvapi.filters`.
Filter = Mapping[str, Any]


def connect(
    *,
    world: Optional[Mapping[str, Any]] = None,
    world_file: Optional[PathLike] = None,
    demo: Optional[Mapping[str, Any]] = None,
    login: Optional[Mapping[str, Any]] = None,
    library: Optional[PathLike] = None,
) -> "Client":
    """Open a client on a new embedded federation (contract section 6).

    Give at most one of ``world``, ``world_file`` and ``demo``. With none of them the client
    opens the small default demo federation (``{"demo": {}}``).

    Args:
        world: a world object (section 6), e.g. ``{"sites": [...], "pods": [...], ...}``.
        world_file: the path of a JSON file holding a world object.
        demo: the counts of a generated demo federation (``sites``, ``podsPerSite``,
            ``users``, ``groups``, ``globalEntitlements``, ``sessionsPerPod``); ``{}`` for the
            library's defaults.
        login: ``{"user": ..., "domain": ..., "password": ...}``; without it the caller is the
            built-in ``administrator``, who holds every privilege.
        library: an explicit library file; default: next to the package, then
            ``$HVAPI_LIBRARY`` (see :func:`hvapi.find_library`).

    Returns:
        an open :class:`Client`; use it as a context manager or call :meth:`Client.close`.

    Raises:
        ValueError: more than one of ``world``, ``world_file``, ``demo`` was given.
        InvalidArgument: the world refers to an undefined id, a key is unknown, ...
        InvalidCredentials: ``login`` matches no administrator.
        HvLibraryNotFound: the library cannot be found.
    """
    given = [name for name, value in (("world", world), ("world_file", world_file),
                                      ("demo", demo)) if value is not None]
    if len(given) > 1:
        raise ValueError(f"give at most one of world, world_file and demo, not {' and '.join(given)}")
    config: Dict[str, Any] = {"backend": "embedded"}
    if world is not None:
        config["world"] = dict(world)
    elif world_file is not None:
        config["worldFile"] = os.fspath(world_file)
    elif demo is not None:
        config["demo"] = dict(demo)
    else:
        config["demo"] = {}  # the default: the library's small demo federation
    if login is not None:
        config["login"] = dict(login)
    return Client(config, load_library(library))


def connect_rest(
    url: str,
    *,
    username: str,
    password: str,
    domain: str,
    verify_tls: bool = True,
    ca_file: Optional[PathLike] = None,
    timeout_seconds: Optional[int] = None,
    library: Optional[PathLike] = None,
) -> "Client":
    """Open a client on a Horizon Connection Server through its REST API (the library's
    ``{"backend": "rest"}``); the same calls then act on production. ``hvapi serve`` speaks the
    same API, for lab-less tests.

    Args:
        url: the Connection Server, e.g. ``"https://cs1.corp.example"`` (``/rest`` is added).
        username, password, domain: the administrator to log in as.
        verify_tls: check the server's certificate (default). Turn it off only for a lab you
            trust: without it anyone on the path can read the password and the tokens.
        ca_file: a PEM file of the CA(s) to trust instead of the system's roots.
        timeout_seconds: the longest wait for one HTTP answer (default 60).
        library: an explicit library file (see :func:`connect`).

    Raises:
        InvalidCredentials: the server refused the login.
        UnexpectedFault: the server cannot be reached (the cause says why), or its certificate
            is not trusted.
    """
    config: Dict[str, Any] = {"backend": "rest", "url": url, "username": username,
                              "password": password, "domain": domain, "verifyTls": verify_tls}
    if ca_file is not None:
        config["caFile"] = os.fspath(ca_file)
    if timeout_seconds is not None:
        config["timeoutSeconds"] = timeout_seconds
    return Client(config, load_library(library))


class Client(Managed):
    """A connection to one federation (one ``HvClient *``).

    Thread-safe: any number of threads may call through one client at once. :meth:`close`
    (also run at the end of a ``with`` block) frees the handle exactly once, after the calls
    in flight have ended; any call after that raises :class:`~hvapi.HvClosedError`.

    Attributes:
        library: the loaded :class:`~hvapi.Library` this client calls.
        description: what ``hv_client_open`` answered about the connection: ``{"backend",
            "user", "localPod"?, "localSite"?}`` (the REST backend adds ``"url"``).
    """

    library: Library
    description: Any

    def __init__(self, config: Mapping[str, Any], library: Optional[Library] = None) -> None:
        """Open a client with a raw ``hv_client_open`` config (prefer :func:`connect`).

        Raises:
            HvFault: the library refused the config (the fault of ``hv_client_open``).
        """
        super().__init__()
        self.library = library if library is not None else load_library()
        handle = c_void_p()
        status, document = self.library.call_raw(
            "hv_client_open", encode_json(config, "config"), byref(handle)
        )
        if status != HV_OK and handle.value:
            self.library.function("hv_client_close")(handle.value)
            raise HvProtocolError(
                f"hv_client_open returned status {status} but also a client; "
                "the contract says *out_client stays NULL on failure"
            )
        try:
            self.description = decode_answer("hv_client_open", status, document)
        except BaseException:
            if handle.value:
                self.library.function("hv_client_close")(handle.value)
            raise
        if not handle.value:
            raise HvProtocolError("hv_client_open returned HV_OK but no client")
        self._set_ptr(handle.value)

    def _delete(self, ptr: int) -> None:
        self.library.function("hv_client_close")(ptr)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<hvapi.Client {state} library={self.library.path!r}>"

    # -- the two ways into the library ---------------------------------------------------

    def call(self, export: str, request: Any) -> Any:
        """Call one method export (e.g. ``"hv_session_logoff"``) and return its ``result``.

        ``request`` is JSON-encoded (a ``str`` is sent as JSON text unchanged).

        Raises:
            ValueError: ``export`` is not one of the method exports (:data:`hvapi.METHODS`).
            HvFault: the method's fault, as its own subclass.
            HvClosedError: the client is closed.
        """
        if export not in _METHOD_EXPORTS:
            raise ValueError(f"{export!r} is not a method export of libhvapi")
        body = encode_json(request)
        with self._borrow() as ptr:
            return self.library.call(export, ptr, body)

    def invoke(self, method: str, request: Any) -> Any:
        """Call ``hv_invoke`` with a method name (e.g. ``"Session_Logoff"``).

        Args:
            method: a name from the contract's method table.
            request: the request object (a ``str`` is sent as JSON text unchanged).

        Returns:
            the decoded ``result`` (plain JSON values, not dataclasses).

        Raises:
            HvFault: the method's fault (``InvalidArgument``, ``parameter_name="method"`` for
                an unknown method).
            HvClosedError: the client is closed.
        """
        name = method.encode("utf-8")
        body = encode_json(request)
        with self._borrow() as ptr:
            return self.library.call("hv_invoke", ptr, name, body)

    # -- services -------------------------------------------------------------------------

    @property
    def session(self) -> "SessionService":
        """The ``Session`` service."""
        return SessionService(self)

    @property
    def user_home_site(self) -> "UserHomeSiteService":
        """The ``UserHomeSite`` service."""
        return UserHomeSiteService(self)

    # -- queries (contract section 7) -------------------------------------------------------

    def session_page(
        self,
        filter: Optional[Filter] = None,
        sort_by: Optional[str] = None,
        sort_descending: Optional[bool] = None,
        starting_offset: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> QueryPage:
        """One page of ``Session_Query``: local sessions as :class:`SessionLocalSummaryView`."""
        request = _query_request(filter, sort_by, sort_descending, starting_offset, limit)
        return _page(self.call("hv_session_query", request), SessionLocalSummaryView.from_json)

    def inventory_page(
        self,
        entity_type: str,
        filter: Optional[Filter] = None,
        sort_by: Optional[str] = None,
        sort_descending: Optional[bool] = None,
        starting_offset: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> QueryPage:
        """One page of ``Inventory_Query`` for ``entity_type`` (``"UserOrGroup"``, ``"Site"``,
        ``"Pod"``, ``"AccessGroup"``, ``"GlobalEntitlement"``,
        ``"GlobalApplicationEntitlement"``, ``"Desktop"`` or ``"Farm"``)."""
        request: Dict[str, Any] = {"entityType": entity_type}
        request.update(_query_request(filter, sort_by, sort_descending, starting_offset, limit))
        return _page(self.call("hv_inventory_query", request), InventoryObject.from_json)

    def event_page(
        self,
        filter: Optional[Filter] = None,
        sort_by: Optional[str] = None,
        sort_descending: Optional[bool] = None,
        starting_offset: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> QueryPage:
        """One page of ``Event_Query`` (oldest first unless sorted otherwise)."""
        request = _query_request(filter, sort_by, sort_descending, starting_offset, limit)
        return _page(self.call("hv_event_query", request), Event.from_json)

    def sessions(
        self,
        filter: Optional[Filter] = None,
        sort_by: Optional[str] = None,
        sort_descending: Optional[bool] = None,
        page_size: Optional[int] = None,
    ) -> Iterator[SessionLocalSummaryView]:
        """Every local session matching ``filter``, fetched page by page.

        A generator: nothing is asked of the library before the first ``next()``, and each
        further page is fetched when the previous one is used up. Changing sessions while
        iterating shifts the pages; take ``list(client.sessions(...))`` first.

        Args:
            filter: a section 7 filter, e.g. ``hvapi.filters.equals("namesData.userName",
                "EXAMPLE\\\\alice")``.
            sort_by: a dotted member name, e.g. ``"namesData.userName"``.
            sort_descending: sort order.
            page_size: the ``limit`` of each page (default: the library's, 1000).

        Raises:
            ValueError: ``page_size`` is not a positive integer.
            InvalidArgument: an unknown member name in ``filter`` or ``sort_by``.
        """
        _check_page_size(page_size)
        return _iterate(
            lambda offset: self.session_page(filter, sort_by, sort_descending, offset, page_size)
        )

    def inventory(
        self,
        entity_type: str,
        filter: Optional[Filter] = None,
        sort_by: Optional[str] = None,
        sort_descending: Optional[bool] = None,
        page_size: Optional[int] = None,
    ) -> Iterator[InventoryObject]:
        """Every world object of ``entity_type`` matching ``filter``, page by page.

        See :meth:`sessions` for the arguments and :meth:`inventory_page` for the types.
        """
        _check_page_size(page_size)
        return _iterate(
            lambda offset: self.inventory_page(
                entity_type, filter, sort_by, sort_descending, offset, page_size
            )
        )

    def events(
        self,
        filter: Optional[Filter] = None,
        sort_by: Optional[str] = None,
        sort_descending: Optional[bool] = None,
        page_size: Optional[int] = None,
    ) -> Iterator[Event]:
        """Every audit event matching ``filter``, oldest first, page by page.

        See :meth:`sessions` for the arguments.
        """
        _check_page_size(page_size)
        return _iterate(
            lambda offset: self.event_page(filter, sort_by, sort_descending, offset, page_size)
        )


class _Service:
    """Base of the services: holds the client they call through."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<hvapi.{type(self).__name__} of {self._client!r}>"


class SessionService(_Service):
    """The ``Session`` service (contract section 4, ``Session_*``).

    Single-item methods raise the item's fault. Batch methods (``*_sessions``, ``send_messages``)
    return ``None`` when every item succeeded and raise :class:`~hvapi.PartialFailureFault`
    (``.results`` lined up with ``ids``) when at least one failed.
    """

    def disconnect(self, id: str) -> None:
        """Disconnect a session (``hv_session_disconnect``); ``InvalidState`` if already disconnected."""
        self._client.call("hv_session_disconnect", {"id": id})

    def disconnect_sessions(self, ids: Ids) -> None:
        """Disconnect several sessions (``hv_session_disconnect_sessions``)."""
        self._client.call("hv_session_disconnect_sessions", {"ids": _ids(ids)})

    def get_local_summary_view(self, id: str) -> SessionLocalSummaryView:
        """A local session's summary (``hv_session_get_local_summary_view``).

        Raises:
            EntityNotFound: no such session, or a session on another pod.
        """
        return SessionLocalSummaryView.from_json(
            self._client.call("hv_session_get_local_summary_view", {"id": id})
        )

    def logoff(self, id: str) -> None:
        """Log a session off (``hv_session_logoff``); ``InvalidState`` if it is locked."""
        self._client.call("hv_session_logoff", {"id": id})

    def logoff_forced(self, id: str) -> None:
        """Log a session off even if locked (``hv_session_logoff_forced``)."""
        self._client.call("hv_session_logoff_forced", {"id": id})

    def logoff_sessions(self, ids: Ids) -> None:
        """Log several sessions off (``hv_session_logoff_sessions``)."""
        self._client.call("hv_session_logoff_sessions", {"ids": _ids(ids)})

    def logoff_sessions_forced(self, ids: Ids) -> None:
        """Log several sessions off, locked ones too (``hv_session_logoff_sessions_forced``)."""
        self._client.call("hv_session_logoff_sessions_forced", {"ids": _ids(ids)})

    def reset(self, id: str) -> None:
        """Reset the machine of a desktop session (``hv_session_reset``); the session ends.

        Raises:
            InvalidArgument: (``parameter_name="id"``) an application session, an RDS
                desktop session or an ``UNMANAGED`` machine.
        """
        self._client.call("hv_session_reset", {"id": id})

    def reset_sessions(self, ids: Ids) -> None:
        """Reset the machines of several desktop sessions (``hv_session_reset_sessions``)."""
        self._client.call("hv_session_reset_sessions", {"ids": _ids(ids)})

    def restart(self, id: str) -> None:
        """Restart the machine of a desktop session (``hv_session_restart``); the session ends.

        Same restrictions as :meth:`reset`.
        """
        self._client.call("hv_session_restart", {"id": id})

    def restart_sessions(self, ids: Ids) -> None:
        """Restart the machines of several desktop sessions (``hv_session_restart_sessions``)."""
        self._client.call("hv_session_restart_sessions", {"ids": _ids(ids)})

    def send_message(self, id: str, msg_type: str, message: str) -> None:
        """Send a message to a session's user (``hv_session_send_message``).

        Args:
            id: the session.
            msg_type: ``"INFO"``, ``"WARNING"`` or ``"ERROR"`` (see :class:`hvapi.MessageType`).
            message: 1 to 1024 characters.
        """
        self._client.call(
            "hv_session_send_message", {"id": id, "msgType": msg_type, "message": message}
        )

    def send_messages(self, ids: Ids, msg_type: str, message: str) -> None:
        """Send one message to several sessions (``hv_session_send_messages``)."""
        self._client.call(
            "hv_session_send_messages",
            {"ids": _ids(ids), "msgType": msg_type, "message": message},
        )


class UserHomeSiteService(_Service):
    """The ``UserHomeSite`` service (contract section 4, ``UserHomeSite_*``).

    Every method raises :class:`~hvapi.InvalidState` while the federation is not initialized.
    """

    def create(
        self,
        user_or_group: str,
        site: str,
        global_entitlement: Optional[str] = None,
        global_application_entitlement: Optional[str] = None,
    ) -> str:
        """Assign a home site (``hv_user_home_site_create``) and return its ``UserHomeSite/…`` id.

        Without an entitlement the assignment is global. Giving the same site again for the
        same user or group and scope returns the existing id.

        Raises:
            InvalidArgument: both entitlements given, or (``"base.site"``) a different site is
                already assigned for that scope.
            InvalidRequest: the user or group is not entitled to the entitlement.
            EntityNotFound: unknown user, group, site or entitlement.
        """
        base: Dict[str, Any] = {"userOrGroup": user_or_group, "site": site}
        if global_entitlement is not None:
            base["globalEntitlement"] = global_entitlement
        if global_application_entitlement is not None:
            base["globalApplicationEntitlement"] = global_application_entitlement
        result = self._client.call("hv_user_home_site_create", {"base": base})
        if not isinstance(result, str):
            raise HvProtocolError(f"UserHomeSite_Create returned {result!r}, not an id string")
        return result

    def delete(self, id: str) -> None:
        """Delete a home site assignment (``hv_user_home_site_delete``)."""
        self._client.call("hv_user_home_site_delete", {"id": id})

    def get(self, id: str) -> UserHomeSiteInfo:
        """One home site assignment (``hv_user_home_site_get``)."""
        return UserHomeSiteInfo.from_json(self._client.call("hv_user_home_site_get", {"id": id}))

    def get_infos(self, ids: Ids) -> List[UserHomeSiteInfo]:
        """Several home site assignments, in the order of ``ids`` (``hv_user_home_site_get_infos``).

        Raises:
            EntityNotFound: for the whole call if any id is unknown.
        """
        return _infos(self._client.call("hv_user_home_site_get_infos", {"ids": _ids(ids)}))

    def list(self, user_or_group: str) -> List[UserHomeSiteInfo]:
        """The assignments made directly on a user or group (``hv_user_home_site_list``); ``[]`` if none."""
        return _infos(
            self._client.call("hv_user_home_site_list", {"userOrGroup": user_or_group})
        )

    def resolve(
        self, user: str, global_entitlement: str
    ) -> Optional[List[UserHomeSiteInfo]]:
        """The home site that applies to ``user`` for a global entitlement (``hv_user_home_site_resolve``).

        Returns:
            ``None`` when no assignment applies; otherwise ``[resolved, *conflicts]``: the
            winning assignment, then the other candidates of its tier whose site differs.

        Raises:
            InvalidArgument: ``user`` is a group (``"user"``), or the user is not entitled
                (``"globalEntitlement"``).
        """
        result = self._client.call(
            "hv_user_home_site_resolve", {"user": user, "globalEntitlement": global_entitlement}
        )
        return None if result is None else _infos(result)

    def resolve_for_gae(
        self, user: str, global_application_entitlement: str
    ) -> Optional[List[UserHomeSiteInfo]]:
        """Like :meth:`resolve` for a global application entitlement (``hv_user_home_site_resolve_for_gae``)."""
        result = self._client.call(
            "hv_user_home_site_resolve_for_gae",
            {"user": user, "globalApplicationEntitlement": global_application_entitlement},
        )
        return None if result is None else _infos(result)


# -- helpers ------------------------------------------------------------------------------


def _ids(ids: Ids) -> Any:
    """A list of the ids; a ``str``/``bytes``/mapping goes through unchanged for the library to judge."""
    if isinstance(ids, (str, bytes, Mapping)):
        return ids
    return list(ids)


def _infos(result: Any) -> List[UserHomeSiteInfo]:
    if not isinstance(result, list):
        raise HvProtocolError(f"expected a list of UserHomeSiteInfo, got {result!r}")
    return [UserHomeSiteInfo.from_json(item) for item in result]


def _query_request(
    filter: Optional[Filter],
    sort_by: Optional[str],
    sort_descending: Optional[bool],
    starting_offset: Optional[int],
    limit: Optional[int],
) -> Dict[str, Any]:
    request: Dict[str, Any] = {}
    if filter is not None:
        request["filter"] = dict(filter)
    for key, value in (
        ("sortBy", sort_by),
        ("sortDescending", sort_descending),
        ("startingOffset", starting_offset),
        ("limit", limit),
    ):
        if value is not None:
            request[key] = value
    return request


def _page(result: Any, decode: Callable[[Any], R]) -> QueryPage:
    if not isinstance(result, dict) or not isinstance(result.get("results"), list):
        raise HvProtocolError(f"expected a query page, got {result!r}")
    try:
        offset = int(result["startingOffset"])
        remaining = int(result["remainingCount"])
    except (KeyError, TypeError, ValueError) as exc:
        raise HvProtocolError(f"query page without startingOffset/remainingCount: {result!r}") from exc
    return QueryPage([decode(row) for row in result["results"]], offset, remaining)


def _check_page_size(page_size: Optional[int]) -> None:
    if page_size is not None and (
        isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1
    ):
        raise ValueError(f"page_size must be a positive integer, not {page_size!r}")


def _iterate(fetch: Callable[[int], QueryPage]) -> Iterator[Any]:
    offset = 0
    while True:
        page = fetch(offset)
        yield from page.results
        if page.remaining_count <= 0:
            return
        if not page.results:
            raise HvProtocolError(
                f"query page at offset {offset} is empty but says {page.remaining_count} "
                "rows remain"
            )
        offset = page.starting_offset + len(page.results)
