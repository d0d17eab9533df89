"""``DecisionItem`` (Decisioning): an item of the catalog, with its custom attributes (``/offer-items``).

The API nests an item's fields (``_experience.decisioning.decisionitem.itemName``) and keeps its
custom attributes under the tenant's own key (``_<tenant>``); the resource takes them flat
(``name``, ``priority``, ``attributes``) and ``spec.wire`` places each where the API keeps it, in
bodies and in JSON Patch paths. Every call carries ``x-schema-id`` (``adobe:itemSchemaId``).

Custom attributes are a mapping, compared as a mapping (never reordered into a diff) and never
dropped. They are checked at plan time against the catalog's attributes as the stack declares
them (``adobe:itemAttributes``), not as fetched from the Schema Registry: check runs with no
network, on every preview, and a declaration in the stack is reviewed with it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Union

import pulumi
from pydantic import Field, field_validator

from ..core.model import ApiModel, Name, ObjectId, Timestamp, canonical_timestamp, unique
from ..core.spec import Endpoint, Reference, ResourceSpec, Wire
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import DecisionItemOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..core.settings import Settings
    from ..core.spec import Failure
    from ..sdk.args import DecisionItemArgs
from .selection_strategy import EligibilityConstraint

MAX_NESTING = 4  # Adobe's catalog page: custom attributes nest up to 4 levels.
MAX_ATTRIBUTES = 100  # and up to 100 custom attributes per catalog schema.
ATTRIBUTE_TYPES = ("string", "integer", "number", "boolean", "date", "date-time", "asset")
"""The Decisioning attribute types (String, Integer, Boolean, Date, DateTime, Decisioning Asset; Object is a
mapping of them), by the names ``adobe:itemAttributes`` gives them, or as JSON Schema (``{"type": "integer"}``,
``{"type": "object", "properties": {...}}``)."""
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ITEM = ("_experience", "decisioning", "decisionitem")
_OFFER_ITEM = ("_experience", "decisioning", "offeritem")


class CalendarConstraints(ApiModel):
    """When the item may be proposed."""

    start_date: Optional[Timestamp] = Field(default=None, alias="startDate", description="From when.")
    end_date: Optional[Timestamp] = Field(default=None, alias="endDate", description="Until when.")


class DecisionItemFields(ApiModel):
    """The user-owned fields of a decision item, flat (the API nests them under ``_experience.decisioning``)."""

    name: Name = Field(description="The item's name (`itemName`).")
    description: Optional[str] = Field(default=None, max_length=4000, description="What it is (`itemDescription`).")
    lifecycle_status: Literal["draft", "approved", "archived"] = Field(
        default="draft",
        alias="lifecycleStatus",
        description="`draft` (the default), `approved` or `archived` (an archived item cannot come back).",
    )
    priority: int = Field(ge=0, description="Its priority (`itemPriority`), 0 or more: higher wins.")
    catalog_id: Optional[ObjectId] = Field(
        default=None, alias="catalogId", description="The id of the item catalog it belongs to (`itemCatalogID`)."
    )
    calendar_constraints: Optional[CalendarConstraints] = Field(
        default=None, alias="calendarConstraints", description="When it may be proposed (`itemCalendarConstraints`)."
    )
    profile_constraint: Optional[EligibilityConstraint] = Field(
        default=None,
        alias="profileConstraint",
        description="Who may get it (`itemConstraints`): everyone, or a Decisioning eligibility rule (`rule.id`).",
    )
    tags: Optional[list[ObjectId]] = Field(default=None, description="Unified Tag ids (`itemTags`).")
    labels: Optional[list[str]] = Field(default=None, description="Data usage labels (`itemLabels`).")
    attributes: Optional[dict[str, Any]] = Field(
        default=None,
        description="The custom attributes the catalog's schema defines (the `_<tenant>` object, `adobe:tenantId`), "
        "as a mapping; checked against `adobe:itemAttributes` when the stack declares it.",
    )

    @field_validator("tags")
    @classmethod
    def _distinct(cls, value: Optional[list[str]]) -> Optional[list[str]]:
        return None if value is None else unique(value)

    @field_validator("attributes")
    @classmethod
    def _shape(cls, value: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
        if value is not None:
            if len(value) > MAX_ATTRIBUTES:
                raise ValueError(f"names {len(value)} attributes; a catalog schema has at most {MAX_ATTRIBUTES}")
            _nesting(value, 1)
        return value


def _nesting(value: Mapping[str, Any], depth: int) -> None:
    for key, item in value.items():
        if isinstance(item, Mapping):
            if depth >= MAX_NESTING:
                raise ValueError(f"{key!r} nests deeper than the {MAX_NESTING} levels a catalog schema allows")
            _nesting(item, depth + 1)


def check_settings(inputs: Mapping[str, Any], settings: "Settings") -> "list[Failure]":
    """What every write of the item needs from the stack: the catalog's schema id, and the tenant for attributes."""
    from ..core.spec import Failure

    failures: list[Failure] = []
    if not inputs.get("schemaId") and not settings.item_schema_id:
        failures.append(
            Failure(
                "schemaId",
                "every decision-item call names the item catalog's schema (x-schema-id): set adobe:itemSchemaId "
                "(pulumi config set adobe:itemSchemaId <schema $id>, or ADOBE_ITEM_SCHEMA_ID) or give schemaId",
            )
        )
    if inputs.get("attributes") and not settings.tenant_id:
        failures.append(
            Failure(
                "attributes",
                "custom attributes live in the tenant's `_<tenant>` object: set adobe:tenantId "
                "(pulumi config set adobe:tenantId <tenant>, or ADOBE_TENANT_ID)",
            )
        )
    return failures


def check_attributes(inputs: Mapping[str, Any], settings: "Settings") -> "list[Failure]":
    """The item's attributes against the catalog's attributes declared in ``adobe:itemAttributes``, if any."""
    from ..core.spec import Failure
    from ..engine.validation import is_unknown

    declared_text = settings.item_attributes
    attributes = inputs.get("attributes")
    if not declared_text or attributes is None or is_unknown(attributes) or not isinstance(attributes, Mapping):
        return []
    try:
        declared = json.loads(declared_text)
        if not isinstance(declared, dict):
            raise ValueError("not an object")
    except ValueError as error:
        return [
            Failure(
                "attributes",
                f"adobe:itemAttributes must be a JSON object of attribute names to types ({', '.join(ATTRIBUTE_TYPES)},"
                f" or an object of them): {error}",
            )
        ]
    failures: list[Failure] = []
    _against(attributes, declared, "attributes", failures)
    return failures


def _against(values: Mapping[str, Any], declared: Mapping[str, Any], path: str, failures: "list[Failure]") -> None:
    from ..core.spec import Failure
    from ..engine.validation import is_unknown

    for key, value in values.items():
        where = f"{path}.{key}"
        if key not in declared:
            failures.append(
                Failure(
                    where,
                    f"is not an attribute of the item catalog's schema (adobe:itemAttributes); its attributes "
                    f"{'' if path == 'attributes' else 'here '}are: {', '.join(declared) or 'none'}",
                )
            )
            continue
        kind = declared[key]
        if is_unknown(value):
            continue
        if isinstance(kind, Mapping) and isinstance(kind.get("type"), str):
            # The JSON Schema form: {"type": "object", "properties": {...}} or {"type": "string", "format": ...}.
            if kind["type"] == "object":
                kind = kind.get("properties") or {}
            else:
                kind = {"date": "date", "date-time": "date-time", "uri": "asset"}.get(
                    str(kind.get("format")), kind["type"]
                )
        if isinstance(kind, Mapping):
            if not isinstance(value, Mapping):
                failures.append(Failure(where, "must be an object (the catalog's schema says so)"))
            else:
                _against(value, kind, where, failures)
            continue
        reason = _wrong_type(str(kind), value)
        if reason:
            failures.append(Failure(where, reason))


def _wrong_type(kind: str, value: Any) -> Optional[str]:
    says = f"(the catalog's schema says {kind})"
    if kind in ("string", "asset"):
        return None if isinstance(value, str) else f"must be a string {says}, got {value!r}"
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool) or (isinstance(value, float) and value.is_integer())
        return None if ok else f"must be an integer {says}, got {value!r}"
    if kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else f"must be a number {says}, got {value!r}"
    if kind == "boolean":
        return None if isinstance(value, bool) else f"must be true or false {says}, got {value!r}"
    if kind == "date":
        if isinstance(value, str) and _DATE.match(value):
            try:
                date.fromisoformat(value)
                return None
            except ValueError:
                pass
        return f"must be a date such as 2026-06-01 {says}, got {value!r}"
    if kind == "date-time":
        try:
            canonical_timestamp(value) if isinstance(value, str) else None
        except ValueError:
            pass
        else:
            if isinstance(value, str):
                return None
        return f"must be a date and time with a zone such as 2026-06-01T00:00:00Z {says}, got {value!r}"
    return f"has type {kind!r} in adobe:itemAttributes, which is none of {', '.join(ATTRIBUTE_TYPES)} or an object"


DECISION_ITEM = ResourceSpec(
    kind="DecisionItem",
    label="decision item",
    model=DecisionItemFields,
    endpoint=Endpoint("/offer-items", item_schema=True),
    wire=Wire(
        paths={
            "name": (*_ITEM, "itemName"),
            "description": (*_ITEM, "itemDescription"),
            "lifecycleStatus": (*_OFFER_ITEM, "lifecycleStatus"),
            "priority": (*_ITEM, "itemPriority"),
            "catalogId": (*_ITEM, "itemCatalogID"),
            "calendarConstraints": (*_ITEM, "itemCalendarConstraints"),
            "profileConstraint": (*_ITEM, "itemConstraints"),
            "tags": (*_ITEM, "itemTags"),
            "labels": (*_ITEM, "itemLabels"),
        },
        namespace_field="attributes",
    ),
    diffed_by_key=frozenset({"calendarConstraints"}),
    references=(Reference("profileConstraint.eligibilityRule", "DecisionRule"),),
    checks=(check_settings, check_attributes),
    schema_input="schemaId",
    example={
        "name": "Spring sale banner",
        "description": "The banner of the spring sale",
        "lifecycleStatus": "approved",
        "priority": 1,
        "calendarConstraints": {
            "startDate": "2026-03-01T00:00:00.000+00:00",
            "endDate": "2026-06-01T00:00:00.000+00:00",
        },
        "profileConstraint": {"profileConstraintType": "none"},
    },
)


@pickled_by_package
class DecisionItemProvider(SpecProvider):
    """CRUD for Journey Optimizer Decisioning decision items (every call with ``x-schema-id``)."""

    spec = DECISION_ITEM


class DecisionItem(SpecResource, DecisionItemOutputs, module="adobe", name="DecisionItem"):
    """A Decisioning decision item, with its custom attributes, managed by Pulumi.

    Item collections select it by its attributes; its eligibility is a rule's id (``rule.id``).
    """

    _spec = DECISION_ITEM
    _provider_class = DecisionItemProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[DecisionItemArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a decision item: ``args`` as ``DecisionItemArgs`` or a dict of its flat fields (camelCase)."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "DecisionItem":
        """A read-only reference to a decision item this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
