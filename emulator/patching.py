"""RFC 6902 JSON Patch on an offer's user-owned fields: all operations apply, or none do."""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
import jsonpointer

from .errors import bad_request, problem
from .validation import SERVER_FIELDS

OPERATIONS = ("add", "remove", "replace", "copy", "move", "test")


def _first_segment(pointer: str) -> str | None:
    """The top-level property a JSON Pointer starts with (unescaped), or None for the root."""
    if pointer == "":
        return None
    return pointer.split("/")[1].replace("~1", "/").replace("~0", "~")


def _describe(index: int, op: dict[str, Any]) -> str:
    return f"patch operation {index} ({op.get('op')} {op.get('path')})"


def _check_shape(ops: Any) -> list[dict[str, Any]]:
    """Reject bodies that are not a non-empty array of well-formed operations on user-owned fields."""
    if not isinstance(ops, list):
        raise bad_request("the request body must be a JSON Patch array of operations (RFC 6902)")
    if not ops:
        raise bad_request("the JSON Patch array must contain at least one operation")
    for index, op in enumerate(ops):
        if not isinstance(op, dict):
            raise bad_request(f"patch operation {index} must be an object")
        if op.get("op") not in OPERATIONS:
            raise bad_request(f"patch operation {index}: op must be one of {', '.join(OPERATIONS)}")
        for key in ("path", "from") if op["op"] in ("copy", "move") else ("path",):
            pointer = op.get(key)
            if not isinstance(pointer, str):
                raise bad_request(f"patch operation {index} ({op['op']}): '{key}' must be a JSON Pointer string")
            if pointer and not pointer.startswith("/"):
                raise bad_request(f"{_describe(index, op)}: '{key}' is not a valid JSON Pointer")
            if _first_segment(pointer) in SERVER_FIELDS:
                raise bad_request(f"{_describe(index, op)}: {pointer} is managed by the server and cannot be patched")
        if op["op"] in ("add", "replace", "test") and "value" not in op:
            raise bad_request(f"{_describe(index, op)}: 'value' is required")
    return ops


def apply_patch(fields: dict[str, Any], ops: Any, test_failure_status: int) -> dict[str, Any]:
    """The fields after the patch (a new dict; `fields` is untouched), or ApiError naming the failing op.

    A failing `test` answers `test_failure_status`; any other failure (bad pointer, bad op) answers 400.
    """
    document: Any = copy.deepcopy(fields)
    for index, op in enumerate(_check_shape(ops)):
        # One op at a time on a private copy: same result as applying the array, but we know which op failed.
        try:
            document = jsonpatch.JsonPatch([op]).apply(document, in_place=True)
        except jsonpatch.JsonPatchTestFailed:
            raise problem(
                test_failure_status,
                f"{_describe(index, op)} failed: the value at {op['path']} differs from the tested value",
                "dps-patch-test-failed",
            ) from None
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
            raise bad_request(f"{_describe(index, op)} cannot be applied: {exc}") from exc
        except (TypeError, ValueError, KeyError, IndexError) as exc:
            raise bad_request(f"{_describe(index, op)} cannot be applied: {exc}") from exc
    if not isinstance(document, dict):
        raise bad_request("the patched offer must be a JSON object")
    return document
