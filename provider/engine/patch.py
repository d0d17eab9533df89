"""The JSON Patch (RFC 6902) that takes an object from what the stack last saw to what it declares.

Top-level fields are replaced, added or removed; arrays are replaced whole; the flat objects a
kind names in ``diffed_by_key`` (a fallback offer's ``characteristics``, ...) are diffed by key.
Every patch opens with ``test`` operations on the values the stack last saw, so the server
rejects it whole if anyone changed the object in between: Adobe's documented way to make an
update conditional.
"""

from __future__ import annotations

from typing import Any

from ..core.spec import ResourceSpec

Operation = dict[str, Any]
_MISSING = object()


def pointer(*parts: str) -> str:
    """A JSON Pointer (RFC 6901) to ``parts``, escaping ``~`` and ``/`` in keys."""
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def change_operations(spec: ResourceSpec, seen: dict[str, Any], desired: dict[str, Any]) -> list[Operation]:
    """The add/replace/remove operations from ``seen`` to ``desired`` (user-owned fields only)."""
    operations: list[Operation] = []
    for field in spec.user_fields:
        old, new = seen.get(field, _MISSING), desired.get(field, _MISSING)
        if old == new or (new is _MISSING and old in ([], {})):
            # An empty list the server fills in (a Decisioning object's `tags: []`) is what the stack leaves out.
            continue
        at = spec.pointer_parts(field)
        if new is _MISSING:
            operations.append({"op": "remove", "path": pointer(*at)})
        elif old is _MISSING:
            operations.append({"op": "add", "path": pointer(*at), "value": new})
        elif field in spec.diffed_by_key and isinstance(old, dict) and isinstance(new, dict):
            operations.extend(_object_operations(at, old, new))
        else:
            operations.append({"op": "replace", "path": pointer(*at), "value": new})
    return operations


def _object_operations(at: tuple[str, ...], old: dict[str, Any], new: dict[str, Any]) -> list[Operation]:
    operations: list[Operation] = []
    for key in sorted(old.keys() - new.keys()):
        operations.append({"op": "remove", "path": pointer(*at, key)})
    for key in sorted(new.keys()):
        if key not in old:
            operations.append({"op": "add", "path": pointer(*at, key), "value": new[key]})
        elif old[key] != new[key]:
            operations.append({"op": "replace", "path": pointer(*at, key), "value": new[key]})
    return operations


def guard_operations(spec: ResourceSpec, seen: dict[str, Any]) -> list[Operation]:
    """``test`` operations asserting every user-owned field still holds what the stack last saw."""
    return [
        {"op": "test", "path": pointer(*spec.pointer_parts(field)), "value": seen[field]}
        for field in spec.user_fields
        if field in seen
    ]


def guarded_patch(spec: ResourceSpec, seen: dict[str, Any], desired: dict[str, Any]) -> list[Operation]:
    """The whole PATCH body: guards first, then the changes; empty when nothing changes."""
    changes = change_operations(spec, seen, desired)
    return guard_operations(spec, seen) + changes if changes else []


def changed_fields(spec: ResourceSpec, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names of the user-owned fields whose values differ between two canonical objects."""
    return [field for field in spec.user_fields if before.get(field, _MISSING) != after.get(field, _MISSING)]


def changed_by_others(
    spec: ResourceSpec, seen: dict[str, Any], desired: dict[str, Any], live: dict[str, Any]
) -> list[str]:
    """The fields someone else changed, when a PATCH from ``seen`` to ``desired`` may or may not have landed.

    A JSON Patch applies whole or not at all: if any field we changed holds our value, ours landed
    and the others' changes are what differs from ``desired``; otherwise they are what differs from ``seen``.
    """
    after_ours = changed_fields(spec, desired, live)
    landed = any(field not in after_ours for field in changed_fields(spec, seen, desired))
    return after_ours if landed else changed_fields(spec, seen, live)
