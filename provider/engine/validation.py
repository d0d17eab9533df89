"""Turns raw resource inputs into canonical inputs, or into failures that name the property path.

Runs in ``check``: no network, and it tolerates values that are unknown during a preview (an
output of another resource that does not exist yet). Messages speak the user's language: the
property path, what was given, what to give instead, and never an internal class name.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from pulumi.output import Unknown
from pulumi.runtime import rpc
from pydantic import BaseModel, ValidationError

from ..core.model import CONTENT_TYPES, LEGACY_COMPONENT_PREFIX, LEGACY_CONTENT_TYPES
from ..core.schema import fields_of, model_at
from ..core.spec import SANDBOX_NAME, Failure, ResourceSpec

UNKNOWN = rpc.UNKNOWN
_SANDBOX_NAME_MAX = 128


@dataclass
class Checked:
    """What ``check`` hands back to the engine."""

    inputs: dict[str, Any]
    failures: list[Failure] = field(default_factory=list)


def is_unknown(value: Any) -> bool:
    """True for a value the engine has not computed yet (preview); the plugin hands them over as ``Unknown``."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def property_path(location: Iterable[Any]) -> str:
    """``("representations", 0, "channel")`` -> ``representations[0].channel``."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def integral_numbers(value: Any) -> Any:
    """Pulumi sends every number as a double: give back ``1`` for ``1.0`` so integer fields validate."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: integral_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [integral_numbers(item) for item in value]
    return value


def user_fields(spec: ResourceSpec, properties: Mapping[str, Any]) -> dict[str, Any]:
    """Only the user-owned fields of a property bag (inputs or outputs, or an API body of any shape)."""
    if spec.wire is not None:
        properties = spec.from_api(properties)
    return {key: properties[key] for key in spec.user_fields if key in properties}


def validate(spec: ResourceSpec, raw: Mapping[str, Any]) -> tuple[Optional[BaseModel], list[Failure]]:
    """Validate the user-owned fields; failures under an unknown (preview) value are not failures yet."""
    fields = integral_numbers(user_fields(spec, raw))
    try:
        return spec.model.model_validate(fields), []
    except ValidationError as error:
        failures: list[Failure] = []
        for item in error.errors():
            location = tuple(item["loc"])  # pydantic reports aliases: the API's names
            if _under_unknown(fields, location):
                continue
            failures.append(Failure(property_path(location), _reason(spec, item)))
        return None, failures


def canonical(spec: ResourceSpec, body: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical user-owned fields of an object as the server holds it (or as the stack declared it).

    Used on what the server answers, so that an object read back compares equal to the
    declaration that produced it. A server value the model would reject is kept as is (it
    still shows as drift, and the next update replaces it).
    """
    model, _ = validate(spec, body)
    if model is None:
        return user_fields(spec, integral_numbers(dict(body)))
    return model.to_api()  # type: ignore[attr-defined,no-any-return]


def with_known_family(spec: ResourceSpec, live: dict[str, Any], known: Mapping[str, Any]) -> dict[str, Any]:
    """``live`` with its family flag as ``known`` has it, unless the live object says it is set."""
    family = spec.family
    if family is None or live.get(family.flag) is True:
        return live
    live = {key: value for key, value in live.items() if key != family.flag}
    if known.get(family.flag) is True:
        live[family.flag] = True
    return live


def check_inputs(spec: ResourceSpec, news: Mapping[str, Any], default_sandbox: str) -> Checked:
    """Validate and canonicalise one resource's inputs (the body of ``check``)."""
    failures: list[Failure] = []
    for key in sorted(key for key in news if key not in spec.known_inputs and not key.startswith("__")):
        failures.append(Failure(key, _unknown_property(key, spec.known_inputs, top_level=True)))

    model, model_failures = validate(spec, news)
    failures.extend(model_failures)

    sandbox = news.get(SANDBOX_NAME) or default_sandbox
    if not is_unknown(sandbox) and (
        not isinstance(sandbox, str) or not sandbox.strip() or len(sandbox) > _SANDBOX_NAME_MAX
    ):
        failures.append(
            Failure(SANDBOX_NAME, f"must be a non-empty sandbox name of at most {_SANDBOX_NAME_MAX} characters")
        )
    adopt = news.get(spec.adopt_input)
    if adopt is not None and not is_unknown(adopt) and (not isinstance(adopt, str) or not adopt.strip()):
        failures.append(Failure(spec.adopt_input, f"must be the id of an existing {spec.label}"))

    schema = news.get(spec.schema_input) if spec.schema_input else None
    if schema is not None and not is_unknown(schema) and (not isinstance(schema, str) or not schema.strip()):
        failures.append(Failure(str(spec.schema_input), "must be the id of the item catalog's schema"))

    if model is not None:
        inputs: dict[str, Any] = model.to_api()  # type: ignore[attr-defined]
    else:
        # Invalid or not yet known: hand the values back as given, with the defaults filled.
        inputs = user_fields(spec, news)
        for f in fields_of(spec.model):
            default = spec.model.model_fields[f.python].default
            if not f.required and default is not None and f.api not in inputs:
                inputs[f.api] = default
    inputs[SANDBOX_NAME] = sandbox
    if adopt is not None:
        inputs[spec.adopt_input] = adopt
    if schema is not None and spec.schema_input:
        inputs[spec.schema_input] = schema
    return Checked(inputs=inputs, failures=failures)


# -- messages ------------------------------------------------------------------------------------


def _reason(spec: ResourceSpec, error: Mapping[str, Any]) -> str:
    kind = error["type"]
    location = tuple(error["loc"])
    given = error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        holder = model_at(spec.model, location)
        known = tuple(f.api for f in fields_of(holder)) if holder is not None else ()
        return _unknown_property(str(location[-1]), known, where=property_path(location[:-1]))
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        if all(f"'{uri}'" in allowed for uri in LEGACY_CONTENT_TYPES):
            # Eight values, four of them long: name the older URI forms once, by their pattern.
            short = ", ".join(f"'{kind}'" for kind in CONTENT_TYPES[:-1]) + f" or '{CONTENT_TYPES[-1]}'"
            allowed = f"{short} (or the older URI form of one, {LEGACY_COMPONENT_PREFIX}<type>)"
        hint = ""
        if isinstance(given, str) and given.lower() != given and f"'{given.lower()}'" in allowed:
            hint = "; the values are lower-case"
        return f"must be one of {allowed}, got {_shown(given)}{hint}"
    if kind in ("model_type", "model_attributes_type"):
        holder = model_at(spec.model, (*location, ""))
        arg = f", or {holder.__name__}Args in Python" if holder is not None else ""
        return f"must be an object (a dictionary{arg}), got {_described(given)}"
    if kind == "dict_type":
        return f"must be a dictionary (an object), got {_described(given)}"
    if kind in ("list_type", "tuple_type"):
        one = " holding one item: wrap it in a list, [...]" if isinstance(given, (dict, str)) else ""
        return f"must be a list, got {_described(given)}{one}"
    if kind == "string_type":
        return f"must be a string, got {_described(given)}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"must be an integer, got {_shown(given)}"
    if kind == "bool_type":
        return f"must be true or false, got {_shown(given)}"
    return str(error["msg"]).removeprefix("Value error, ")


def _unknown_property(key: str, known: tuple[str, ...], where: str = "", top_level: bool = False) -> str:
    """``is not a known property`` with the likely intended name and every known one at that level."""
    squashed = {name.replace("_", "").lower(): name for name in known}
    intended = squashed.get(key.replace("_", "").lower()) or next(
        iter(difflib.get_close_matches(key, known, n=1)), None
    )
    text = "is not a known property" + (f" (did you mean {intended}?)" if intended and intended != key else "")
    scope = f" of {where}" if where and not top_level else ""
    return f"{text}; known properties{scope} are: {', '.join(known)}"


def _shown(value: Any) -> str:
    """A scalar as written (``'Approved'``, ``1.5``); anything else described (``an object``, ``null (None)``)."""
    return repr(value) if isinstance(value, (str, int, float)) else _described(value)


def _described(value: Any) -> str:
    if value is None:
        return "null (None)"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return f"the string {value!r}"
    return f"{type(value).__name__} {value!r}"


def _value_at(document: Any, location: tuple[Any, ...]) -> Any:
    current = document
    for part in location:
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            return None
    return current


def _under_unknown(document: Any, location: tuple[Any, ...]) -> bool:
    return any(is_unknown(_value_at(document, location[:depth])) for depth in range(1, len(location) + 1))
