"""Referential integrity (an emulator setting: Adobe documents none): ids an object names, and who names an id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .errors import problem
from .kinds import Kind
from .validation import child


@dataclass(frozen=True)
class NamedId:
    """One id an object names: where (`criteria[0].placements[1]`), which id, and the kinds it may be."""

    path: str
    id: str
    kinds: tuple[str, ...]


def _walk(value: Any, segments: list[str], path: str) -> Iterable[tuple[str, Any]]:
    """(concrete path, value) at a dot path; arrays on the way or at the end fan out with their indices."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, segments, child(path, index))
        return
    if not segments:
        yield path, value
    elif isinstance(value, dict) and segments[0] in value:
        yield from _walk(value[segments[0]], segments[1:], child(path, segments[0]))


def named_ids(kind: Kind, fields: dict[str, Any]) -> list[NamedId]:
    """Every string id the object's references name (non-strings are validation's business)."""
    return [
        NamedId(path, value, ref.kinds)
        for ref in kind.references
        if ref.applies_to(fields)
        for path, value in _walk(fields, ref.path.split("."), "")
        if isinstance(value, str)
    ]


def check_targets(kind: Kind, fields: dict[str, Any], kind_of: Callable[[str], str | None]) -> None:
    """422 naming every referenced id that is no object of an allowed kind (`kind_of` tells an id's kind)."""
    missing = [ref for ref in named_ids(kind, fields) if kind_of(ref.id) not in ref.kinds]
    if not missing:
        return
    messages = [
        f"{ref.path} names {ref.id}, which is not a {' or '.join(ref.kinds)} in this sandbox" for ref in missing
    ]
    err = problem(422, "; ".join(messages), "dps-reference-not-found", "Referenced object not found")
    err.body["report"] = {
        "errors": messages,
        "missing": [{"path": r.path, "id": r.id, "kinds": list(r.kinds)} for r in missing],
    }
    raise err


@dataclass(frozen=True)
class Referrer:
    """An object that names another: its id, kind, name, and the path where it names it."""

    id: str
    kind: str
    name: Any
    path: str


def refuse_if_referenced(target: str, title: str, referrers: list[Referrer]) -> None:
    """409 naming every object that still names `target`."""
    if not referrers:
        return
    named = [f"{r.kind} {r.id} ({r.name!r}) at {r.path}" for r in referrers]
    err = problem(
        409, f"the {title} {target} is still referenced by " + "; ".join(named), "dps-object-in-use", "Conflict"
    )
    err.body["report"] = {
        "referrers": [{"id": r.id, "kind": r.kind, "name": r.name, "path": r.path} for r in referrers]
    }
    raise err
