"""The one base class for objects that own a pointer from libhvapi (wasmtime-py style).

A :class:`Managed` object owns a C handle until :meth:`Managed.close` (or the ``with`` block's
end, or garbage collection) gives it back through :meth:`Managed._delete`, exactly once.

The C ABI lets any number of threads call through one handle concurrently, but the handle
must not be freed while a call is running (contract section 2: "``hv_client_close`` must not
race with calls on the same client (the caller's duty)"). This class does that duty: every
call borrows the handle with :meth:`Managed._borrow`, and :meth:`Managed.close` first makes
new borrows fail with :class:`~hvapi.HvClosedError`, then waits for the running ones to end,
then frees the handle.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Type, TypeVar

from .errors import HvClosedError

__all__ = ["Managed"]

M = TypeVar("M", bound="Managed")


class Managed:
    """Owns one C pointer (an ``int`` address); subclasses say how to free it in :meth:`_delete`."""

    _ptr: Optional[int]

    def __init__(self) -> None:
        self._ptr = None
        self._cond = threading.Condition(threading.Lock())
        self._in_flight = 0

    def _set_ptr(self, ptr: int) -> None:
        """Take ownership of ``ptr`` (once, right after construction)."""
        if not ptr:
            raise ValueError("cannot manage a NULL pointer")
        with self._cond:
            if self._ptr is not None:
                raise RuntimeError(f"{type(self).__name__} already owns a pointer")
            self._ptr = ptr

    def _delete(self, ptr: int) -> None:
        """Free ``ptr`` in the library. Called exactly once, with no call in flight."""
        raise NotImplementedError

    @property
    def closed(self) -> bool:
        """Whether the handle has been given back (no further call is possible)."""
        return self._ptr is None

    @contextmanager
    def _borrow(self) -> Iterator[int]:
        """Lend the pointer for one C call; the handle is not freed before the block ends.

        Raises:
            HvClosedError: the object is closed (or closing).
        """
        with self._cond:
            ptr = self._ptr
            if ptr is None:
                raise HvClosedError(f"{type(self).__name__} is closed")
            self._in_flight += 1
        try:
            yield ptr
        finally:
            with self._cond:
                self._in_flight -= 1
                if self._in_flight == 0:
                    self._cond.notify_all()

    def close(self) -> None:
        """Free the handle. Idempotent and thread-safe: the first call frees, later ones do nothing.

        New calls fail with :class:`~hvapi.HvClosedError` at once; calls already running in
        other threads finish first (close waits for them). Do not call ``close`` from inside
        a call through the same object.
        """
        cond = getattr(self, "_cond", None)
        if cond is None:  # __init__ did not run to the end
            return
        with cond:
            ptr = self._ptr
            if ptr is None:
                return
            self._ptr = None
            while self._in_flight:
                cond.wait()
        self._delete(ptr)

    def __enter__(self: M) -> M:
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Any, tb: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - nothing sensible to do during finalization
            pass
