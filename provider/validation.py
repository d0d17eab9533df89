"""Turns raw resource inputs into canonical inputs, or into failures that name the property path.

Runs in ``check``: no network, and it tolerates values that are unknown during a preview
(an output of another resource that does not exist yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from pydantic import ValidationError
from pulumi.output import Unknown
from pulumi.runtime import rpc

from .model import USER_FIELDS, OfferSpec

UNKNOWN = rpc.UNKNOWN

# Inputs that are ours, not the API's: where the offer lives and which offer to take over.
SANDBOX_NAME = "sandboxName"
ADOPT_OFFER_ID = "adoptOfferId"
CONTROL_FIELDS: tuple[str, ...] = (SANDBOX_NAME, ADOPT_OFFER_ID)
KNOWN_INPUTS: tuple[str, ...] = USER_FIELDS + CONTROL_FIELDS

_SANDBOX_NAME_MAX = 128


@dataclass(frozen=True)
class Failure:
    """One problem with one property, in the words shown to the user."""

    property: str
    reason: str


@dataclass
class Checked:
    """What ``check`` hands back to the engine."""

    inputs: dict[str, Any]
    failures: list[Failure] = field(default_factory=list)


def is_unknown(value: Any) -> bool:
    """True for a value the engine has not computed yet (preview); the plugin hands them over as ``Unknown``."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def contains_unknown(value: Any) -> bool:
    """True if the value or anything inside it is unknown."""
    if is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_unknown(item) for item in value)
    return False


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


def _reason(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known property"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def validate_offer(raw: dict[str, Any]) -> tuple[Optional[OfferSpec], list[Failure]]:
    """Validate the user-owned fields; failures under an unknown (preview) value are not failures yet."""
    fields = integral_numbers(user_fields(raw))
    try:
        return OfferSpec.model_validate(fields), []
    except ValidationError as error:
        failures: list[Failure] = []
        for item in error.errors():
            location = tuple(item["loc"])  # pydantic reports aliases: the API's names
            if _under_unknown(fields, location):
                continue
            failures.append(Failure(property_path(location), _reason(item)))
        return None, failures


def check_inputs(news: dict[str, Any], default_sandbox: str) -> Checked:
    """Validate and canonicalise one resource's inputs (the body of ``check``)."""
    failures: list[Failure] = []
    unknown_keys = sorted(key for key in news if key not in KNOWN_INPUTS and not key.startswith("__"))
    for key in unknown_keys:
        failures.append(Failure(key, f"is not a known property; known properties are: {', '.join(KNOWN_INPUTS)}"))

    spec, offer_failures = validate_offer(news)
    failures.extend(offer_failures)

    sandbox = news.get(SANDBOX_NAME) or default_sandbox
    if not is_unknown(sandbox) and (not isinstance(sandbox, str) or not sandbox.strip() or len(sandbox) > _SANDBOX_NAME_MAX):
        failures.append(Failure(SANDBOX_NAME, f"must be a non-empty sandbox name of at most {_SANDBOX_NAME_MAX} characters"))
    adopt = news.get(ADOPT_OFFER_ID)
    if adopt is not None and not is_unknown(adopt) and (not isinstance(adopt, str) or not adopt.strip()):
        failures.append(Failure(ADOPT_OFFER_ID, "must be the id of an existing fallback offer"))

    if spec is not None:
        inputs: dict[str, Any] = spec.to_api()
    else:
        # Invalid or not yet known: hand the values back as given, with the defaults filled.
        inputs = user_fields(news)
        inputs.setdefault("status", "draft")
    inputs[SANDBOX_NAME] = sandbox
    if adopt is not None:
        inputs[ADOPT_OFFER_ID] = adopt
    return Checked(inputs=inputs, failures=failures)


def user_fields(properties: dict[str, Any]) -> dict[str, Any]:
    """Only the user-owned offer fields of a property bag (inputs or outputs)."""
    return {key: properties[key] for key in USER_FIELDS if key in properties}


def canonical_offer(body: dict[str, Any]) -> dict[str, Any]:
    """The canonical user-owned fields of an offer as the server holds it.

    Used on what the server answers, so that an offer read back compares equal to the
    declaration that produced it. A server value our model would reject is kept as is
    (it still shows as drift, and the next update replaces it).
    """
    spec, failures = validate_offer(body)
    if spec is None:
        return user_fields(integral_numbers(body))
    return spec.to_api()
