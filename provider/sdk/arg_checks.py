"""Checks the generated Args run as they are built, so a mistake names its property in Python terms."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import pulumi

from ..engine.validation import property_path


def sequence(owner: str, prop: str, value: Any, item: str) -> Any:
    """``value`` unless it is one item where a list is expected: then a TypeError that says what to pass."""
    if isinstance(value, (str, bytes, Mapping)) or type(value).__name__ == item:
        raise TypeError(
            f"{owner}.{prop} expects a list of {item}, got one {type(value).__name__}: "
            f"write {prop}=[...] (a list), even for one item"
        )
    return value


def timestamp(owner: str, prop: str, value: Any) -> Any:
    """A ``datetime`` or ``date`` as the ISO 8601 text the API takes; anything else unchanged."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise TypeError(
                f"{owner}.{prop}: the datetime {value.isoformat()} has no time zone; give one, "
                "for example datetime(..., tzinfo=timezone.utc)"
            )
        return value.isoformat()
    if isinstance(value, datetime.date):
        return f"{value.isoformat()}T00:00:00Z"  # a day with no time: its start, in UTC
    if isinstance(value, pulumi.Output):
        return value.apply(lambda resolved: timestamp(owner, prop, resolved))
    return value


def timestamps_within(owner: str, value: Any, path: tuple[str | int, ...] = ()) -> Any:
    """``value`` with every ``datetime`` or ``date`` inside its dicts and lists as ISO 8601 text.

    Plain-dict inputs reach the SDK's serializer as they are, and it refuses a ``datetime``
    ("unexpected input of type datetime"); typed Args convert theirs as they are built (``timestamp``).
    The path is spelled out only for a date found: this runs for every object a program declares.
    """
    if isinstance(value, datetime.date):
        return timestamp(owner, property_path(path), value)
    if isinstance(value, Mapping):
        return {key: timestamps_within(owner, item, (*path, str(key))) for key, item in value.items()}
    if isinstance(value, list):
        return [timestamps_within(owner, item, (*path, index)) for index, item in enumerate(value)]
    return value
