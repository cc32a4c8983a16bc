"""Builders for query filters (contract section 7, as in the View API QueryService).

A filter is a plain JSON object; these functions only spell it::

    from hvapi import filters as f
    f.and_(f.equals("sessionData.sessionState", "CONNECTED"),
           f.starts_with("namesData.userName", "EXAMPLE\\\\a"))

``member`` is a dotted path into the result object (``"namesData.userName"``); an unknown path
makes the query fail with ``InvalidArgument`` (``parameter_name="filter"``).
"""

from __future__ import annotations

from typing import Any, Dict, Mapping

__all__ = ["equals", "not_equals", "contains", "starts_with", "and_", "or_", "not_"]

Filter = Dict[str, Any]


def _member(kind: str, member: str, value: Any) -> Filter:
    return {"type": kind, "memberName": member, "value": value}


def equals(member: str, value: Any) -> Filter:
    """``{"type": "Equals", "memberName": member, "value": value}``."""
    return _member("Equals", member, value)


def not_equals(member: str, value: Any) -> Filter:
    """``{"type": "NotEquals", ...}``."""
    return _member("NotEquals", member, value)


def contains(member: str, value: Any) -> Filter:
    """``{"type": "Contains", ...}``: the member's text contains ``value``."""
    return _member("Contains", member, value)


def starts_with(member: str, value: Any) -> Filter:
    """``{"type": "StartsWith", ...}``: the member's text starts with ``value``."""
    return _member("StartsWith", member, value)


def and_(*filters: Mapping[str, Any]) -> Filter:
    """``{"type": "And", "filters": [...]}``: every filter matches."""
    return {"type": "And", "filters": [dict(f) for f in filters]}


def or_(*filters: Mapping[str, Any]) -> Filter:
    """``{"type": "Or", "filters": [...]}``: at least one filter matches."""
    return {"type": "Or", "filters": [dict(f) for f in filters]}


def not_(filter: Mapping[str, Any]) -> Filter:
    """``{"type": "Not", "filter": {...}}``: the filter does not match."""
    return {"type": "Not", "filter": dict(filter)}
