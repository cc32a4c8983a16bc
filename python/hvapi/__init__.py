"""hvapi: the Horizon Session and UserHomeSite services, over libhvapi's C ABI (ctypes).

Quick start::

    import hvapi

    with hvapi.connect(demo={}) as client:
        for s in client.sessions(page_size=50):
            print(s.id, s.names_data.user_name, s.session_data.session_state)
        first = next(client.sessions())
        client.session.send_message(first.id, "INFO", "Maintenance at 18:00")
        client.session.disconnect(first.id)

The library file is looked for next to this package (``hvapi/libhvapi.so``,
``libhvapi.dylib`` or ``hvapi.dll``), then at ``$HVAPI_LIBRARY``, then (on Windows only) in
each directory of ``PATH``. Only the standard library is used.

Layout: :mod:`hvapi.client` (connect, Client, the two services), :mod:`hvapi.types` (result
dataclasses), :mod:`hvapi.errors` (one exception class per contract fault),
:mod:`hvapi.filters` (query filter builders), :mod:`hvapi._library` (lookup, the ctypes
table, string ownership), :mod:`hvapi._managed` (the handle base class).
"""

from __future__ import annotations

from typing import Optional, Union
import os

from . import filters
from ._library import (
    ENV_VAR,
    FUNCTIONS,
    METHODS,
    Library,
    Method,
    candidate_paths,
    find_library,
    library_file_name,
    load_library,
)
from .client import Client, SessionService, UserHomeSiteService, connect, connect_rest
# The errors and the result types are re-exported whole: their own ``__all__`` lists them once.
from .errors import *  # noqa: F401,F403
from .errors import __all__ as _errors_all
from .types import *  # noqa: F401,F403
from .types import __all__ as _types_all

#: This package's version (the library's own is :func:`library_version`).
__version__ = "0.1.0"


def library_version(library: Optional[Union[str, "os.PathLike[str]"]] = None) -> str:
    """``hv_version()`` of the library (found as :func:`connect` finds it, or at ``library``)."""
    return load_library(library).version()


__all__ = [
    "__version__",
    "connect",
    "connect_rest",
    "library_version",
    "Client",
    "SessionService",
    "UserHomeSiteService",
    "filters",
    # library
    "ENV_VAR",
    "FUNCTIONS",
    "METHODS",
    "Library",
    "Method",
    "candidate_paths",
    "find_library",
    "library_file_name",
    "load_library",
]
__all__ += _errors_all + _types_all
