"""Exceptions raised by :mod:`hvapi`.

Two families:

* :class:`HvFault` and its subclasses are the contract's faults (section 3.3 of the contract),
  one class per fault ``type``, named exactly as the contract names them
  (``EntityNotFound``, ``InvalidArgument``, ...). They carry every field the library sent,
  as snake_case attributes, and the C status code the call returned.
* :class:`HvError` subclasses that are not faults describe problems of the wrapper itself:
  the library cannot be found or loaded, the client is closed, or the library answered
  something the contract does not allow (:class:`HvProtocolError`).

Everything here derives from :class:`HvError`, so ``except hvapi.HvError`` catches it all.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Mapping, Optional, Sequence, Tuple, Type

__all__ = [
    "HvError",
    "HvLibraryError",
    "HvLibraryNotFound",
    "HvClosedError",
    "HvProtocolError",
    "HvFault",
    "EntityNotFound",
    "InsufficientPermission",
    "InvalidArgument",
    "InvalidType",
    "InvalidState",
    "InvalidRequest",
    "PartialFailureFault",
    "UnexpectedFault",
    "InvalidCredentials",
    "FAULT_CLASSES",
    "fault_from_json",
]


class HvError(Exception):
    """Base class of every exception raised by :mod:`hvapi`."""


class HvLibraryError(HvError, OSError):
    """``libhvapi`` was found but could not be loaded or lacks a function the wrapper needs."""


class HvLibraryNotFound(HvLibraryError):
    """``libhvapi`` is in none of the places the wrapper looks.

    :attr:`places` lists, in search order, every place that was tried (the message names
    them too).
    """

    def __init__(self, message: str, places: Sequence[str]) -> None:
        super().__init__(message)
        #: Every place that was looked at, in search order.
        self.places: List[str] = list(places)


class HvClosedError(HvError, RuntimeError):
    """The client was closed; no call can be made through it any more."""


class HvProtocolError(HvError):
    """The library answered something the contract does not allow.

    For instance a document that is not JSON, a status that disagrees with the fault's
    ``type``, or a query page that makes no progress. This signals a bug in the library (or
    a wrapper/library version mismatch), never a user error.
    """


# camelCase JSON key -> snake_case attribute, for every fault field of the contract.
_FIELDS: Tuple[Tuple[str, str], ...] = (
    ("errorMessage", "error_message"),
    ("parameterName", "parameter_name"),
    ("expectedType", "expected_type"),
    ("id", "id"),
    ("privileges", "privileges"),
    ("resource", "resource"),
    ("accessGroup", "access_group"),
    ("causeString", "cause_string"),
    ("resultCount", "result_count"),
    ("successCount", "success_count"),
)


class HvFault(HvError):
    """A fault answered by the library (contract section 3.3).

    Every fault field of the contract is an attribute; a field the library did not send is
    ``None``. :attr:`raw` keeps the fault object exactly as decoded from JSON.

    Attributes:
        status: the C status code of the call (``HV_...``), e.g. ``1`` for EntityNotFound.
            For a fault nested in :attr:`PartialFailureFault.results` it is the status the
            fault's type stands for.
        type: the fault's ``type`` string, e.g. ``"EntityNotFound"``.
        error_message: the library's human sentence.
        parameter_name: the offending request key (InvalidArgument, InvalidType).
        expected_type: the type that was expected (InvalidType), e.g. ``"SessionId"``.
        id: the entity concerned (EntityNotFound, InvalidState).
        privileges: privileges any one of which would have sufficed (InsufficientPermission).
        resource: the resource concerned (InsufficientPermission).
        access_group: the access group concerned (InsufficientPermission).
        cause_string: the underlying cause (UnexpectedFault).
        result_count, success_count: batch counts (PartialFailureFault).
    """

    #: The contract's fault ``type`` this class stands for (``None`` on the base class).
    fault_type: ClassVar[Optional[str]] = None
    #: The C status code (``HvStatus``) of this fault type.
    status_code: ClassVar[int] = -1

    status: int
    type: str
    error_message: Optional[str]
    parameter_name: Optional[str]
    expected_type: Optional[str]
    id: Optional[str]
    privileges: Optional[List[str]]
    resource: Optional[str]
    access_group: Optional[str]
    cause_string: Optional[str]
    result_count: Optional[int]
    success_count: Optional[int]
    raw: Dict[str, Any]

    def __init__(self, fault: Mapping[str, Any], status: Optional[int] = None) -> None:
        """Build the exception from a decoded fault object (``{"type", "errorMessage", ...}``).

        Args:
            fault: the fault object as decoded from the library's JSON.
            status: the C status of the call; defaults to the status of this class.
        """
        raw = dict(fault)
        self.raw = raw
        self.type = str(raw.get("type", self.fault_type or ""))
        self.status = self.status_code if status is None else status
        for key, attr in _FIELDS:
            setattr(self, attr, raw.get(key))
        super().__init__(self.error_message or self.type)

    def __str__(self) -> str:
        details = []
        for key, attr in _FIELDS[1:]:
            if key in ("resultCount", "successCount"):
                continue
            value = getattr(self, attr)
            if value is not None:
                details.append(f"{attr}={value!r}")
        text = f"{self.type}: {self.error_message or '(no message)'}"
        return f"{text} ({', '.join(details)})" if details else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.raw!r}, status={self.status!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        # Keep faults picklable (e.g. across multiprocessing) despite the custom __init__.
        return (type(self), (self.raw, self.status))


class EntityNotFound(HvFault, LookupError):
    """A well-formed id of the right type names no entity (field: :attr:`id`)."""

    fault_type = "EntityNotFound"
    status_code = 1


class InsufficientPermission(HvFault):
    """The caller lacks every privilege that would allow the call or the item.

    Fields: :attr:`privileges`, :attr:`resource`, :attr:`access_group`.
    """

    fault_type = "InsufficientPermission"
    status_code = 2


class InvalidArgument(HvFault, ValueError):
    """A missing, malformed or out-of-range argument (field: :attr:`parameter_name`)."""

    fault_type = "InvalidArgument"
    status_code = 3


class InvalidState(HvFault):
    """The entity is in a state that forbids the operation (field: :attr:`id`)."""

    fault_type = "InvalidState"
    status_code = 4


class InvalidType(HvFault, TypeError):
    """A value of the wrong kind or an id of the wrong type.

    Fields: :attr:`parameter_name`, :attr:`expected_type`.
    """

    fault_type = "InvalidType"
    status_code = 5


class InvalidRequest(HvFault):
    """The request is well formed but cannot be honoured (no fields)."""

    fault_type = "InvalidRequest"
    status_code = 6


class PartialFailureFault(HvFault):
    """One or more items of a batch call failed.

    Attributes:
        results: one entry per input id, in input order: ``None`` where that item
            succeeded, otherwise the item's fault as an :class:`HvFault` instance of the
            right subclass.
        result_count: the number of items (``len(results)``).
        success_count: the number of items that succeeded.
    """

    fault_type = "PartialFailureFault"
    status_code = 7

    results: List[Optional[HvFault]]

    def __init__(self, fault: Mapping[str, Any], status: Optional[int] = None) -> None:
        super().__init__(fault, status)
        items = self.raw.get("results")
        self.results = [
            None if item is None else fault_from_json(item) for item in (items or [])
        ]

    @property
    def failures(self) -> List[Tuple[int, HvFault]]:
        """``(index, fault)`` for every failed item, in input order."""
        return [(i, f) for i, f in enumerate(self.results) if f is not None]

    def __str__(self) -> str:
        text = (
            f"{self.type}: {self.error_message or '(no message)'} "
            f"({self.success_count} of {self.result_count} succeeded)"
        )
        for index, fault in self.failures:
            text += f"\n  [{index}] {fault}"
        return text


class UnexpectedFault(HvFault):
    """The library failed unexpectedly, or a remote pod could not be reached.

    Field: :attr:`cause_string`.
    """

    fault_type = "UnexpectedFault"
    status_code = 8


class InvalidCredentials(HvFault):
    """The ``login`` given to :func:`hvapi.connect` matches no administrator."""

    fault_type = "InvalidCredentials"
    status_code = 9


#: Every fault class, keyed by the contract's fault ``type``.
FAULT_CLASSES: Dict[str, Type[HvFault]] = {
    cls.fault_type: cls  # type: ignore[misc]
    for cls in (
        EntityNotFound,
        InsufficientPermission,
        InvalidArgument,
        InvalidState,
        InvalidType,
        InvalidRequest,
        PartialFailureFault,
        UnexpectedFault,
        InvalidCredentials,
    )
}

#: C status code -> fault class.
STATUS_CLASSES: Dict[int, Type[HvFault]] = {
    cls.status_code: cls for cls in FAULT_CLASSES.values()
}


def fault_from_json(fault: Any, status: Optional[int] = None) -> HvFault:
    """Turn a decoded fault object into the matching :class:`HvFault` subclass instance.

    Args:
        fault: the ``{"type", "errorMessage", ...}`` object.
        status: the C status of the call, when known.

    Raises:
        HvProtocolError: ``fault`` is not an object or its ``type`` is not a contract fault.
    """
    if not isinstance(fault, Mapping):
        raise HvProtocolError(f"a fault must be a JSON object, got {fault!r}")
    cls = FAULT_CLASSES.get(fault.get("type"))  # type: ignore[arg-type]
    if cls is None:
        raise HvProtocolError(f"unknown fault type {fault.get('type')!r} in {dict(fault)!r}")
    return cls(fault, status)
