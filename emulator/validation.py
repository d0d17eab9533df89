"""Validation of a fallback offer's user-owned fields, on create and after a patch, like the real service."""

from __future__ import annotations

from typing import Any

from .errors import validation_failed

USER_FIELDS = ("name", "description", "status", "representations", "characteristics",
               "selectionConstraint", "rank", "tags")
SERVER_FIELDS = frozenset({
    "id", "etag", "created", "modified", "createdDate", "lastModifiedDate", "schemas", "createdBy",
    "lastModifiedBy", "createdByClientId", "lastModifiedByClientId", "sandboxId", "datasetId",
})
STATUSES = ("draft", "approved", "archived")
DEFAULT_STATUS = "draft"
MAX_NAME_LENGTH = 256
MAX_TAGS = 20  # the "collection qualifiers per offer" guardrail

_REPRESENTATION_KEYS = frozenset({"channel", "placement", "components"})
_COMPONENT_KEYS = frozenset({"type", "format", "language", "content", "deliveryURL", "linkURL"})
_CONSTRAINT_STRINGS = ("startDate", "endDate", "profileConstraintType")


def _kind(value: Any) -> str:
    """JSON type name of a value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _require_string(value: Any, path: str, problems: list[str], non_empty: bool = True) -> None:
    if not isinstance(value, str):
        problems.append(f"{path} must be a string, not {_kind(value)}")
    elif non_empty and not value.strip():
        problems.append(f"{path} must not be empty")


def _check_keys(obj: dict[str, Any], allowed: frozenset[str], path: str, problems: list[str]) -> None:
    for key in obj:
        if key not in allowed:
            problems.append(f"{path}.{key} is not a known property")


def _require_strings(obj: dict[str, Any], keys: tuple[str, ...], path: str, problems: list[str]) -> None:
    """Each of ``keys`` must be present and a non-empty string."""
    for key in keys:
        if key not in obj:
            problems.append(f"{path}.{key} is required")
        else:
            _require_string(obj[key], f"{path}.{key}", problems)


def _check_component(component: Any, path: str, problems: list[str]) -> None:
    if not isinstance(component, dict):
        problems.append(f"{path} must be an object, not {_kind(component)}")
        return
    _check_keys(component, _COMPONENT_KEYS, path, problems)
    _require_strings(component, ("type", "format"), path, problems)
    if "language" in component:
        languages = component["language"]
        if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
            problems.append(f"{path}.language must be an array of strings")
    for key in ("content", "deliveryURL", "linkURL"):
        if key in component:
            _require_string(component[key], f"{path}.{key}", problems, non_empty=False)


def _check_representation(rep: Any, path: str, problems: list[str]) -> None:
    if not isinstance(rep, dict):
        problems.append(f"{path} must be an object, not {_kind(rep)}")
        return
    _check_keys(rep, _REPRESENTATION_KEYS, path, problems)
    _require_strings(rep, ("channel", "placement"), path, problems)
    if "components" not in rep:
        problems.append(f"{path}.components is required")
    elif not isinstance(rep["components"], list):
        problems.append(f"{path}.components must be an array, not {_kind(rep['components'])}")
    elif not rep["components"]:
        problems.append(f"{path}.components must contain at least one component")
    else:
        for i, component in enumerate(rep["components"]):
            _check_component(component, f"{path}.components[{i}]", problems)


def _check_optional_fields(offer: dict[str, Any], problems: list[str]) -> None:
    if "description" in offer:
        _require_string(offer["description"], "description", problems, non_empty=False)
    if "status" in offer and offer["status"] not in STATUSES:
        problems.append(f"status must be one of {', '.join(STATUSES)}, not {offer['status']!r}")
    if "characteristics" in offer:
        chars = offer["characteristics"]
        if not isinstance(chars, dict):
            problems.append(f"characteristics must be an object, not {_kind(chars)}")
        else:
            for key, value in chars.items():
                if not isinstance(value, str):
                    problems.append(f"characteristics.{key} must be a string, not {_kind(value)}")
    if "tags" in offer:
        tags = offer["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            problems.append("tags must be an array of strings")
        elif len(tags) > MAX_TAGS:
            problems.append(f"tags must contain at most {MAX_TAGS} collection qualifiers, not {len(tags)}")
    if "rank" in offer:
        rank = offer["rank"]
        if not isinstance(rank, dict):
            problems.append(f"rank must be an object, not {_kind(rank)}")
        else:
            _check_keys(rank, frozenset({"priority"}), "rank", problems)
            priority = rank.get("priority")
            if "priority" in rank and (isinstance(priority, bool) or not isinstance(priority, int)):
                problems.append(f"rank.priority must be an integer, not {_kind(priority)}")
    if "selectionConstraint" in offer:
        constraint = offer["selectionConstraint"]
        if not isinstance(constraint, dict):
            problems.append(f"selectionConstraint must be an object, not {_kind(constraint)}")
        else:
            for key in _CONSTRAINT_STRINGS:
                if key in constraint:
                    _require_string(constraint[key], f"selectionConstraint.{key}", problems, non_empty=False)


def offer_problems(offer: Any) -> list[str]:
    """Every problem with an offer body, each naming its property path (empty when the offer is valid)."""
    if not isinstance(offer, dict):
        return [f"the offer must be a JSON object, not {_kind(offer)}"]
    problems: list[str] = []
    for key in offer:
        if key in SERVER_FIELDS:
            problems.append(f"{key} is managed by the server and cannot be set")
        elif key not in USER_FIELDS:
            problems.append(f"{key} is not a known property of a fallback offer")
    if "name" not in offer:
        problems.append("name is required")
    else:
        _require_string(offer["name"], "name", problems)
        if isinstance(offer["name"], str) and len(offer["name"]) > MAX_NAME_LENGTH:
            problems.append(f"name must be at most {MAX_NAME_LENGTH} characters")
    _check_optional_fields(offer, problems)
    if "representations" not in offer:
        problems.append("representations is required")
    elif not isinstance(offer["representations"], list):
        problems.append(f"representations must be an array, not {_kind(offer['representations'])}")
    elif not offer["representations"]:
        problems.append("representations must contain at least one representation")
    else:
        for i, rep in enumerate(offer["representations"]):
            _check_representation(rep, f"representations[{i}]", problems)
    return problems


def validated_offer(offer: Any) -> dict[str, Any]:
    """The offer to store (with `status` made explicit), or ApiError 400 naming every problem."""
    problems = offer_problems(offer)
    if problems:
        raise validation_failed(problems)
    stored = dict(offer)
    stored.setdefault("status", DEFAULT_STATUS)
    return stored
