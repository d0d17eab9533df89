"""One declaration per Offer Library kind; every generic part of a resource is driven by it.

A ``ResourceSpec`` names the kind's pydantic model of user-owned fields (in the API's camelCase),
its API collection, how it is patched and replaced, how a lost create is found again and which
fields name objects of other kinds. Check, diff, the guarded JSON Patch, safe writes, read,
adoption, ``get``, outputs, the typed Args and export all come from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Optional
from urllib.parse import quote

if TYPE_CHECKING:
    from .model import ApiModel

# Inputs that are ours, not the API's: where the object lives. Its name is in every stack's state.
SANDBOX_NAME = "sandboxName"
TYPE_PREFIX = "pulumi-python:dynamic/adobe:"


@dataclass(frozen=True)
class Reference:
    """A field that names an object of another kind by id: ``criteria[].placements[]`` names placements.

    The path is dotted, with ``[]`` after a list: ``fallback``, ``representations[].placement``.
    ``when`` makes the reference hold only while a top-level field has one of some values (a
    collection's ``ids`` name qualifiers or offers depending on its ``filterType``).
    """

    path: str
    kind: str
    when: Optional[tuple[str, tuple[str, ...]]] = None

    def ids(self, body: Any) -> list[str]:
        """Every id this reference holds in ``body`` (an API-shaped object), in document order."""
        if self.when is not None and (not isinstance(body, Mapping) or body.get(self.when[0]) not in self.when[1]):
            return []
        return [value for value in _walk(body, self.path.split(".")) if isinstance(value, str)]


@dataclass(frozen=True)
class Endpoint:
    """Where a kind lives in the API: its collection path and the query every call of it carries."""

    collection: str
    query: Mapping[str, str] = field(default_factory=dict)

    def item(self, object_id: str) -> str:
        return f"{self.collection}/{quote(object_id, safe=':')}"


@dataclass(frozen=True)
class ResourceSpec:
    """Everything that makes one Offer Library kind a Pulumi resource."""

    kind: str
    """The Pulumi type name, ``adobe:<kind>`` (``FallbackOffer``): in every URN, so fixed for good."""
    label: str
    """How messages name one object (``fallback offer``)."""
    model: "type[ApiModel]"
    """The user-owned fields, validated and in canonical form, with Adobe's camelCase names as aliases."""
    endpoint: Endpoint
    adopt_input: str = "adoptId"
    """The input that adopts an existing object instead of creating one (``adoptOfferId`` for fallback offers)."""
    replace_on_change: tuple[str, ...] = ()
    """User fields the API cannot change in place: a change replaces the object (the sandbox always does)."""
    diffed_by_key: frozenset[str] = frozenset()
    """Flat objects whose keys are patched one by one (other fields are replaced whole)."""
    lookup_keys: tuple[str, ...] = ("name",)
    """Fields the list endpoint filters on to find an object whose create lost its answer."""
    references: tuple[Reference, ...] = ()
    example: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """A valid declaration in the API's shape: the example of the kind's reference page (``provider.docsgen``)."""

    @cached_property
    def user_fields(self) -> tuple[str, ...]:
        """The API names of the user-owned fields, in the model's order (the order of a patch's guards)."""
        return tuple(info.alias or name for name, info in self.model.model_fields.items())

    @cached_property
    def known_inputs(self) -> tuple[str, ...]:
        return (*self.user_fields, SANDBOX_NAME, self.adopt_input)

    @property
    def pulumi_type(self) -> str:
        """The type token of the resource, as the SDK writes it for a dynamic provider."""
        return f"{TYPE_PREFIX}{self.kind}"


def _walk(value: Any, parts: list[str]) -> Iterator[Any]:
    if not parts:
        yield value
        return
    head, rest = parts[0], parts[1:]
    is_list = head.endswith("[]")
    key = head[:-2] if is_list else head
    if not isinstance(value, Mapping) or key not in value:
        return
    child = value[key]
    if is_list:
        if isinstance(child, list):
            for item in child:
                yield from _walk(item, rest)
    else:
        yield from _walk(child, rest)
