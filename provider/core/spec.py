"""One declaration per Offer Library kind; every generic part of a resource is driven by it.

A ``ResourceSpec`` names the kind's pydantic model of user-owned fields (in the API's camelCase),
its API collection, how it is patched and replaced, how a lost create is found again and which
fields name objects of other kinds. Check, diff, the guarded JSON Patch, safe writes, read,
adoption, ``get``, outputs, the typed Args and export all come from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Mapping, Optional
from urllib.parse import quote

if TYPE_CHECKING:
    from .model import ApiModel
    from .settings import Settings


@dataclass(frozen=True)
class Failure:
    """One problem with one property, in the words shown to the user."""

    property: str
    reason: str


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
    item_schema: bool = False
    """Every call carries ``x-schema-id`` (``adobe:itemSchemaId``): Decisioning's decision items."""
    schema_id: Optional[str] = None
    """The ``x-schema-id`` of this resource's calls, when it names one (else ``adobe:itemSchemaId``)."""

    def item(self, object_id: str) -> str:
        return f"{self.collection}/{quote(object_id, safe=':')}"


@dataclass(frozen=True)
class Family:
    """A flag that tells two models' objects apart in one collection: ``exdRule`` on ``/offer-rules``.

    Legacy decision rules and Decisioning eligibility rules (``exdFunction`` for ranking formulas)
    are one kind here, as they are one collection in Adobe; the flag, true for Decisioning and
    absent for the legacy model, says which model an object belongs to. It never changes in place
    (a change replaces the object), an adoption never crosses it, and a look-up that reads it as
    false is not trusted alone (Adobe's look-up page shows ``exdRule: false`` for a rule its list
    page shows with ``true``): the list filtered on the flag decides.
    """

    flag: str
    set_label: str
    """What an object with the flag is (``Decisioning eligibility rule``)."""
    unset_label: str
    """What an object without it is (``legacy decision rule``)."""

    def label(self, value: Any) -> str:
        return self.set_label if value is True else self.unset_label


@dataclass(frozen=True)
class Wire:
    """How a kind's flat user fields sit in a nested API body (decision items), one path per field.

    ``paths`` maps each user field to its place in the body; ``namespace_field`` is the field held
    under the tenant's own key, ``_<tenant>`` (``adobe:tenantId``). The paths' parents always exist
    once an object does, so a JSON Patch may ``add`` or ``remove`` at any of them.
    """

    paths: Mapping[str, tuple[str, ...]]
    namespace_field: Optional[str] = None

    @property
    def roots(self) -> frozenset[str]:
        return frozenset(path[0] for path in self.paths.values())

    def is_api(self, body: Mapping[str, Any]) -> bool:
        """True for a body in the API's nested shape, False for flat fields (inputs, outputs)."""
        return any(root in body for root in self.roots)

    def from_api(self, body: Mapping[str, Any], tenant_key: Optional[str] = None) -> dict[str, Any]:
        """The flat user fields of an API body (other keys, metadata included, pass through unchanged)."""
        if not self.is_api(body):
            return dict(body)
        flat: dict[str, Any] = {key: value for key, value in body.items() if key not in self.roots}
        for name, path in self.paths.items():
            found = _at(body, path)
            if found is not _ABSENT:
                flat[name] = found
        if self.namespace_field is not None:
            key = tenant_key or self.namespace_key(body)
            if key is not None and key in body:
                flat[self.namespace_field] = flat.pop(key)
        return flat

    def to_api(self, fields: Mapping[str, Any], tenant_key: Optional[str] = None) -> dict[str, Any]:
        """The API body of flat user fields (``tenant_key``: the ``_<tenant>`` key, default ``adobe:tenantId``)."""
        body: dict[str, Any] = {}
        for name, value in fields.items():
            if name == self.namespace_field:
                body[tenant_key or self.required_namespace_key()] = value
                continue
            path = self.paths.get(name, (name,))
            node = body
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = value
        return body

    def pointer_parts(self, name: str, tenant_key: Optional[str] = None) -> tuple[str, ...]:
        if name == self.namespace_field:
            return (tenant_key or self.required_namespace_key(),)
        return self.paths.get(name, (name,))

    def namespace_key(self, body: Mapping[str, Any]) -> Optional[str]:
        """The tenant's key in an API body: ``_<adobe:tenantId>``, or the one ``_`` key that is not Adobe's."""
        configured = _tenant_key()
        if configured is not None:
            return configured
        keys = [key for key in body if key.startswith("_") and key not in self.roots]
        return keys[0] if len(keys) == 1 else None

    def required_namespace_key(self) -> str:
        key = _tenant_key()
        if key is None:
            from ..errors import ConfigurationError

            raise ConfigurationError(
                "custom attributes need the tenant id of the catalog's schema, the name of the `_<tenant>` object "
                "(pulumi config set adobe:tenantId <tenant>, or ADOBE_TENANT_ID)"
            )
        return key


def _no_tenant() -> Optional[str]:
    return None


_tenant_source: Callable[[], Optional[str]] = _no_tenant


def use_tenant_source(source: Callable[[], Optional[str]]) -> None:
    """Where ``adobe:tenantId`` comes from when a caller names no tenant: the engine's settings, set by the engine
    layer (core reads no settings of a running process itself)."""
    global _tenant_source
    _tenant_source = source


def _tenant_key() -> Optional[str]:
    tenant = _tenant_source()
    return None if not tenant else "_" + tenant.lstrip("_")


_ABSENT = object()


def _at(body: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = body
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return _ABSENT
        node = node[part]
    return node


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
    """A valid declaration in the API's shape: the example on the kind's reference page (``reference_docs``)."""
    family: Optional[Family] = None
    """The flag that tells this kind's legacy objects from its Decisioning ones, when they share a collection."""
    wire: Optional[Wire] = None
    """Where the user fields sit in the API body, when that is nested (decision items)."""
    update_verb: Literal["PATCH", "PUT"] = "PATCH"
    """``PUT``: the API updates by replacing the whole object (Decisioning placements): read, compare, write."""
    archive_on_delete: Optional[tuple[str, str]] = None
    """Where the API has no delete: the field and value that archive the object instead (as the UI does)."""
    notices: Mapping[str, str] = field(default_factory=dict)
    """Inputs check always sets, so every plan of the resource shows them (what destroy does, say)."""
    schema_input: Optional[str] = None
    """The input naming the ``x-schema-id`` of the object's calls (``schemaId``): not a field of the object, so
    never diffed; the sandbox's item catalog schema, which differs from sandbox to sandbox."""
    checks: tuple[Callable[[Mapping[str, Any], "Settings"], list[Failure]], ...] = ()
    """Plan-time checks that need the stack's settings (a decision item's attributes against its catalog)."""

    def to_api(self, fields: Mapping[str, Any], tenant_key: Optional[str] = None) -> dict[str, Any]:
        """The API body of the canonical user fields."""
        return self.wire.to_api(fields, tenant_key) if self.wire is not None else dict(fields)

    def from_api(self, body: Mapping[str, Any], tenant_key: Optional[str] = None) -> dict[str, Any]:
        """Flat fields (plus any metadata) of an API body; flat bodies come back as they are."""
        return self.wire.from_api(body, tenant_key) if self.wire is not None else dict(body)

    def pointer_parts(self, name: str, tenant_key: Optional[str] = None) -> tuple[str, ...]:
        """Where a user field sits in the API body, as the keys of a JSON Pointer."""
        return self.wire.pointer_parts(name, tenant_key) if self.wire is not None else (name,)

    def filter_name(self, name: str) -> str:
        """A user field as the list endpoint's ``property`` filter names it (dotted)."""
        return ".".join(self.pointer_parts(name))

    @cached_property
    def user_fields(self) -> tuple[str, ...]:
        """The API names of the user-owned fields, in the model's order (the order of a patch's guards)."""
        return tuple(info.alias or name for name, info in self.model.model_fields.items())

    @cached_property
    def known_inputs(self) -> tuple[str, ...]:
        schema = (self.schema_input,) if self.schema_input else ()
        return (*self.user_fields, SANDBOX_NAME, self.adopt_input, *schema, *self.notices)

    @property
    def plural(self) -> str:
        """How messages name several objects (``selection strategies``)."""
        return self.label[:-1] + "ies" if self.label.endswith("y") else self.label + "s"

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
