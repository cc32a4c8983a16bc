"""Finding and loading ``libhvapi``, and the one table of its C functions.

Everything that knows about ctypes lives here: the search order, the ``argtypes``/``restype``
of every export (:data:`FUNCTIONS`, built from the contract's section 2 and the method table
of section 4, :data:`METHODS`), and :meth:`Library.call`, the single place where a returned
string is read and freed with ``hv_string_free``.

Ownership rules of the C ABI, as applied here:

* ``hv_version()`` returns a static string: it is read, never freed.
* every ``char **out_json`` is declared ``POINTER(c_void_p)`` (never ``c_char_p``, which would
  copy the bytes and lose the pointer, leaking it); the string is copied with
  :func:`ctypes.string_at` and then freed with ``hv_string_free`` in a ``finally``.
* ``HvClient *`` is an opaque ``c_void_p`` owned by :class:`hvapi.Client`.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import threading
from ctypes import POINTER, byref, c_char_p, c_int32, c_void_p
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

from .errors import (
    STATUS_CLASSES,
    HvLibraryError,
    HvLibraryNotFound,
    HvProtocolError,
    fault_from_json,
)

__all__ = [
    "ENV_VAR",
    "HV_OK",
    "METHODS",
    "FUNCTIONS",
    "Method",
    "Library",
    "library_file_name",
    "candidate_paths",
    "find_library",
    "load_library",
    "decode_answer",
    "encode_json",
]

#: Environment variable naming the library file (searched after the package directory).
ENV_VAR = "HVAPI_LIBRARY"

#: ``HvStatus`` of a successful call. The fault statuses are the ``status_code`` of the
#: classes in :mod:`hvapi.errors`.
HV_OK = 0

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Method:
    """One row of the contract's method table (section 4)."""

    #: The name ``hv_invoke`` knows, e.g. ``"Session_Logoff"``.
    name: str
    #: The dedicated export, e.g. ``"hv_session_logoff"``.
    export: str


#: The contract's method table (section 4): every method and its own export.
METHODS: Tuple[Method, ...] = (
    Method("Session_Disconnect", "hv_session_disconnect"),
    Method("Session_DisconnectSessions", "hv_session_disconnect_sessions"),
    Method("Session_GetLocalSummaryView", "hv_session_get_local_summary_view"),
    Method("Session_Logoff", "hv_session_logoff"),
    Method("Session_LogoffForced", "hv_session_logoff_forced"),
    Method("Session_LogoffSessions", "hv_session_logoff_sessions"),
    Method("Session_LogoffSessionsForced", "hv_session_logoff_sessions_forced"),
    Method("Session_Reset", "hv_session_reset"),
    Method("Session_ResetSessions", "hv_session_reset_sessions"),
    Method("Session_Restart", "hv_session_restart"),
    Method("Session_RestartSessions", "hv_session_restart_sessions"),
    Method("Session_SendMessage", "hv_session_send_message"),
    Method("Session_SendMessages", "hv_session_send_messages"),
    Method("UserHomeSite_Create", "hv_user_home_site_create"),
    Method("UserHomeSite_Delete", "hv_user_home_site_delete"),
    Method("UserHomeSite_Get", "hv_user_home_site_get"),
    Method("UserHomeSite_GetInfos", "hv_user_home_site_get_infos"),
    Method("UserHomeSite_List", "hv_user_home_site_list"),
    Method("UserHomeSite_Resolve", "hv_user_home_site_resolve"),
    Method("UserHomeSite_ResolveForGAE", "hv_user_home_site_resolve_for_gae"),
    Method("Session_Query", "hv_session_query"),
    Method("Inventory_Query", "hv_inventory_query"),
    Method("Event_Query", "hv_event_query"),
    # A library extension (README, "Library extensions"): the federation's sessions.
    Method("GlobalSession_Query", "hv_global_session_query"),
)

_OUT_JSON = POINTER(c_void_p)  # char **out_json: read, then hv_string_free

#: Every C function: name -> (argtypes, restype). Section 2 of the contract, then one
#: ``HvStatus hv_x(HvClient *, const char *request_json, char **out_json)`` per method.
FUNCTIONS: Dict[str, Tuple[List[Any], Any]] = {
    # const char *hv_version(void): static, never freed; c_void_p keeps the rule uniform.
    "hv_version": ([], c_void_p),
    # HvStatus hv_client_open(const char *config_json, HvClient **out_client, char **out_json)
    "hv_client_open": ([c_char_p, POINTER(c_void_p), _OUT_JSON], c_int32),
    # void hv_client_close(HvClient *client)
    "hv_client_close": ([c_void_p], None),
    # void hv_string_free(char *s)
    "hv_string_free": ([c_void_p], None),
    # HvStatus hv_invoke(HvClient *, const char *method, const char *request_json, char **)
    "hv_invoke": ([c_void_p, c_char_p, c_char_p, _OUT_JSON], c_int32),
}
FUNCTIONS.update({m.export: ([c_void_p, c_char_p, _OUT_JSON], c_int32) for m in METHODS})


def _is_windows(platform: Optional[str] = None) -> bool:
    platform = sys.platform if platform is None else platform
    return platform.startswith("win") or platform == "cygwin"


def library_file_name(platform: Optional[str] = None) -> str:
    """The library's file name on ``platform`` (default: this interpreter's ``sys.platform``)."""
    platform = sys.platform if platform is None else platform
    if _is_windows(platform):
        return "hvapi.dll"
    if platform == "darwin":
        return "libhvapi.dylib"
    return "libhvapi.so"


def _package_dir() -> str:
    return os.path.dirname(os.path.abspath(__file__))


def candidate_paths(
    package_dir: Optional[PathLike] = None,
    environ: Optional[Mapping[str, str]] = None,
    platform: Optional[str] = None,
) -> List[Tuple[str, Optional[str]]]:
    """The places searched, in order, as ``(description, path or None)``.

    1. the library file next to this package (``hvapi/libhvapi.so``, ``.dylib``, ``hvapi.dll``);
    2. the file named by the environment variable ``HVAPI_LIBRARY`` (a directory there is
       searched for the library's file name);
    3. on Windows only, ``hvapi.dll`` in each directory of ``PATH``, in order, as
       ``ctypes.util.find_library`` looks for a DLL there.

    ``platform`` (default ``sys.platform``) chooses the file name and whether ``PATH`` is searched.
    """
    pkg = os.fspath(package_dir) if package_dir is not None else _package_dir()
    env = os.environ if environ is None else environ
    name = library_file_name(platform)
    places: List[Tuple[str, Optional[str]]] = [
        ("next to the package", os.path.join(pkg, name))
    ]
    value = env.get(ENV_VAR)
    if value:
        path = os.path.join(value, name) if os.path.isdir(value) else value
        places.append((f"${ENV_VAR}", path))
    else:
        places.append((f"${ENV_VAR}", None))
    if _is_windows(platform):
        # Windows' PATH separator, whatever this interpreter's os.pathsep (tests pass "win32").
        places += [("on PATH", os.path.join(d, name)) for d in env.get("PATH", "").split(";") if d]
    return places


def find_library(
    package_dir: Optional[PathLike] = None,
    environ: Optional[Mapping[str, str]] = None,
    platform: Optional[str] = None,
) -> str:
    """Return the path of the first library file found (see :func:`candidate_paths`).

    Raises:
        HvLibraryNotFound: no candidate exists; the message names every place looked at.
    """
    places = candidate_paths(package_dir, environ, platform)
    looked: List[str] = []
    for description, path in places:
        if path is None:
            looked.append(f"{description} (not set)")
            continue
        if os.path.isfile(path):
            return path
        looked.append(f"{path} ({description})")
    raise HvLibraryNotFound(
        "libhvapi not found; looked in: "
        + "; ".join(looked)
        + f". Build it with `cargo build` and set {ENV_VAR} to the library file, "
        f"or copy {library_file_name(platform)} next to the hvapi package.",
        looked,
    )


class Library:
    """A loaded ``libhvapi`` with every function of :data:`FUNCTIONS` declared.

    Use :func:`load_library` rather than the constructor: it caches one instance per file.
    """

    path: str

    def __init__(self, path: PathLike) -> None:
        """Load the library at ``path`` and declare its functions.

        Raises:
            HvLibraryError: the file cannot be loaded, or an export is missing.
        """
        self.path = os.fspath(path)
        try:
            if _is_windows() and hasattr(os, "add_dll_directory"):
                # By full path Windows finds hvapi.dll itself; this lets it find any DLL it
                # imports from its own folder too (Python 3.8+ no longer searches PATH for them).
                with os.add_dll_directory(os.path.dirname(os.path.abspath(self.path))):
                    self._dll = ctypes.CDLL(self.path)
            else:
                self._dll = ctypes.CDLL(self.path)
        except OSError as exc:
            raise HvLibraryError(f"cannot load libhvapi from {self.path}: {exc}") from exc
        missing: List[str] = []
        self._functions: Dict[str, Any] = {}
        for name, (argtypes, restype) in FUNCTIONS.items():
            try:
                fn = getattr(self._dll, name)
            except AttributeError:
                missing.append(name)
                continue
            fn.argtypes = argtypes
            fn.restype = restype
            self._functions[name] = fn
        if missing:
            raise HvLibraryError(
                f"{self.path} is not a compatible libhvapi: missing exports {', '.join(missing)}"
            )

    def __repr__(self) -> str:
        return f"<hvapi.Library {self.path!r} version {self.version()!r}>"

    def function(self, name: str) -> Callable[..., Any]:
        """The declared C function ``name`` (a key of :data:`FUNCTIONS`)."""
        fn: Callable[..., Any] = self._functions[name]
        return fn

    def version(self) -> str:
        """``hv_version()``: the library's version string (static, not freed)."""
        ptr = self._functions["hv_version"]()
        if not ptr:
            raise HvProtocolError("hv_version() returned NULL")
        return ctypes.string_at(ptr).decode("utf-8")

    def call(self, name: str, *args: Any) -> Any:
        """Call the export ``name`` with ``args`` followed by an ``out_json`` pointer.

        The returned document is copied, freed with ``hv_string_free`` (in a ``finally``,
        even if decoding fails), decoded, and checked against the contract.

        Returns:
            the ``result`` value on ``HV_OK``.

        Raises:
            HvFault: the matching subclass, on any other status.
            HvProtocolError: the answer breaks the contract.
        """
        status, document = self.call_raw(name, *args)
        return decode_answer(name, status, document)

    def call_raw(self, name: str, *args: Any) -> Tuple[int, Optional[bytes]]:
        """Like :meth:`call` but return ``(status, document bytes or None)`` undecoded."""
        out = c_void_p()
        try:
            status = int(self._functions[name](*args, byref(out)))
            return status, (ctypes.string_at(out.value) if out.value else None)
        finally:
            if out.value:
                self._functions["hv_string_free"](out.value)

    def free_string(self, ptr: Optional[int]) -> None:
        """``hv_string_free(ptr)``; ``None``/NULL is a no-op."""
        self._functions["hv_string_free"](ptr)


def decode_answer(name: str, status: int, document: Optional[bytes]) -> Any:
    """Check one answer ``(status, document)`` against the contract and decode it.

    Returns the ``result`` on ``HV_OK``; raises the fault otherwise.
    """
    if document is None:
        raise HvProtocolError(f"{name} returned status {status} and wrote no document")
    try:
        answer = json.loads(document.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise HvProtocolError(f"{name} wrote a document that is not UTF-8 JSON: {exc}") from exc
    if not isinstance(answer, dict):
        raise HvProtocolError(f"{name} wrote {answer!r}, not a JSON object")
    if status == HV_OK:
        if set(answer) != {"result"}:
            raise HvProtocolError(f"{name} returned HV_OK with {answer!r}, not {{'result': ...}}")
        return answer["result"]
    if set(answer) != {"fault"}:
        raise HvProtocolError(f"{name} returned status {status} with {answer!r}, not a fault")
    fault = fault_from_json(answer["fault"], status)
    expected = STATUS_CLASSES.get(status)
    if expected is None or not isinstance(fault, expected):
        raise HvProtocolError(
            f"{name} returned status {status} with a fault of type {fault.type!r}: "
            "the contract requires the status to equal the fault's type"
        ) from fault
    raise fault


_cache: Dict[str, Library] = {}
_cache_lock = threading.Lock()


def load_library(path: Optional[PathLike] = None) -> Library:
    """Load (once per file) and return the library.

    Args:
        path: an explicit library file; default: :func:`find_library`.

    Raises:
        HvLibraryNotFound: no path given and none found.
        HvLibraryError: the file cannot be loaded or is not a compatible libhvapi.
    """
    resolved = os.path.realpath(os.fspath(path) if path is not None else find_library())
    with _cache_lock:
        lib = _cache.get(resolved)
        if lib is None:
            if not os.path.isfile(resolved):
                raise HvLibraryNotFound(
                    f"libhvapi not found at {resolved}", [resolved]
                )
            lib = Library(resolved)
            _cache[resolved] = lib
        return lib


def encode_json(value: Any, what: str = "request") -> bytes:
    """JSON-encode ``value`` for the library; ``str``/``bytes`` are taken as JSON text as is.

    Raises:
        TypeError: ``value`` cannot be encoded as JSON.
    """
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} cannot be encoded as JSON: {exc}") from exc
