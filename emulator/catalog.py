"""The item catalog's schema: one per org and sandbox, defining the custom attributes of decision items.

Adobe links the single "Offers" catalog to an Experience Platform schema whose `_experience` node
holds the standard item fields and whose `_<tenant>` node holds the custom attributes (EL
`decisioning/experience-decisioning/manage-decision-items/catalogs`). Every decision item call names
that schema in `x-schema-id`; the Schema Registry API reads it. Attributes are declared here in a
small JSON Schema subset, or by shorthand type names:

    {"colour": "string", "points": "integer", "vip": "boolean", "launch": "date", "seen": "date-time",
     "hero": "asset", "size": {"type": "object", "properties": {"width": "integer"}, "required": ["width"]}}

"asset" is a Decisioning Asset (a public URL). Guardrails from the same page: at most 100 custom
attributes, at most 4 levels of nesting.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .validation import Checker, child, json_type

MAX_CUSTOM_ATTRIBUTES = 100
MAX_NESTING = 4
DEFAULT_TENANT = "offerform"
# The Decisioning data types (String, Integer, Boolean, Date, DateTime, Decisioning Asset, Object) as XDM leaves.
SHORTHANDS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "date-time": {"type": "string", "format": "date-time"},
    "asset": {"type": "string", "format": "uri", "meta:xdmType": "string", "title": "Decisioning Asset"},
}
_LEAF_KEYS = frozenset({"type", "format", "title", "description", "meta:xdmType", "enum"})
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")
_URL = re.compile(r"^https?://\S+$")
_TENANT = re.compile(r"^[a-z][a-z0-9]*$")
SCHEMA_CLASS = "https://ns.adobe.com/experience/decisioning/decision-item"


def _normalise(spec: Any, where: str, depth: int) -> tuple[dict[str, Any], int]:
    """(the XDM property, how many leaf attributes it holds); ValueError naming `where` when malformed."""
    if isinstance(spec, str):
        if spec not in SHORTHANDS:
            raise ValueError(f"{where}: unknown attribute type {spec!r}; expected one of {', '.join(SHORTHANDS)}")
        return dict(SHORTHANDS[spec]), 1
    if not isinstance(spec, Mapping) or "type" not in spec:
        raise ValueError(f"{where}: an attribute is a type name or an object with a type")
    if spec["type"] == "object":
        if depth >= MAX_NESTING:
            raise ValueError(f"{where}: at most {MAX_NESTING} levels of nesting")
        properties = spec.get("properties")
        if not isinstance(properties, Mapping) or not properties:
            raise ValueError(f"{where}: an object attribute needs properties")
        normalised: dict[str, Any] = {}
        count = 0
        for name, sub in properties.items():
            normalised[name], leaves = _normalise(sub, f"{where}.{name}", depth + 1)
            count += leaves
        required = list(spec.get("required", []))
        unknown = [name for name in required if name not in normalised]
        if unknown:
            raise ValueError(f"{where}: required names no property {', '.join(unknown)}")
        result: dict[str, Any] = {"type": "object", "properties": normalised}
        if required:
            result["required"] = required
        return result, count
    if spec["type"] not in ("string", "integer", "number", "boolean"):
        raise ValueError(f"{where}: unknown attribute type {spec['type']!r}")
    extra = sorted(set(spec) - _LEAF_KEYS)
    if extra:
        raise ValueError(f"{where}: unknown keys {', '.join(extra)}")
    return dict(spec), 1


def normalise_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """The custom attributes as XDM properties; ValueError when malformed or past Adobe's guardrails."""
    if not isinstance(attributes, Mapping):
        raise ValueError("catalog attributes are a mapping of attribute name to type")
    normalised: dict[str, Any] = {}
    count = 0
    for name, spec in attributes.items():
        normalised[name], leaves = _normalise(spec, name, 1)
        count += leaves
    if count > MAX_CUSTOM_ATTRIBUTES:
        raise ValueError(f"the catalog schema holds {count} custom attributes; at most {MAX_CUSTOM_ATTRIBUTES}")
    return normalised


def check_tenant(tenant: str) -> str:
    """A tenant id as Experience Platform spells them (lower-case letters and digits); ValueError otherwise."""
    if not isinstance(tenant, str) or not _TENANT.match(tenant):
        raise ValueError(f"tenant id {tenant!r} must be lower-case letters and digits, starting with a letter")
    return tenant


@dataclass(frozen=True)
class Catalog:
    """The item catalog of one org and sandbox: its schema's ids and the custom attributes it defines."""

    org: str
    sandbox: str
    tenant: str = DEFAULT_TENANT
    attributes: Mapping[str, Any] = field(default_factory=dict)  # normalised (normalise_attributes)

    @property
    def key(self) -> str:
        """The item property holding the custom attributes: `_<tenant>`."""
        return "_" + self.tenant

    @property
    def _hash(self) -> str:
        return hashlib.sha256(f"catalog\n{self.org}\n{self.sandbox}".encode()).hexdigest()[:32]

    @property
    def schema_id(self) -> str:
        """The schema's `$id`, as the Schema Registry names tenant schemas."""
        return f"https://ns.adobe.com/{self.tenant}/schemas/{self._hash}"

    @property
    def alt_id(self) -> str:
        """The schema's `meta:altId` (the Schema Registry takes either in a path)."""
        return f"_{self.tenant}.schemas.{self._hash}"

    @property
    def catalog_id(self) -> str:
        """An id for the single "Offers" catalog, for `itemCatalogID` (Adobe documents no source for it)."""
        return "dps:item-catalog:" + self._hash[:16]

    def names(self, schema_id: str) -> bool:
        """Whether an `x-schema-id` value names this schema (its `$id` or its `meta:altId`)."""
        return schema_id.strip() in (self.schema_id, self.alt_id)

    def document(self) -> dict[str, Any]:
        """The schema as the Schema Registry answers a full look-up (`application/vnd.adobe.xed-full+json`)."""
        return {
            "$id": self.schema_id,
            "meta:altId": self.alt_id,
            "meta:resourceType": "schemas",
            "version": "1.0",
            "title": "Offers catalog schema",
            "type": "object",
            "description": "The item catalog's schema: standard decision item fields and custom attributes",
            "meta:class": SCHEMA_CLASS,
            "meta:tenantNamespace": self.key,
            "properties": {
                "_experience": {"type": "object", "description": "standard decision item attributes"},
                self.key: {"type": "object", "properties": dict(self.attributes)},
            },
        }

    def summary(self) -> dict[str, Any]:
        """The schema as a Schema Registry list shows it."""
        return {"$id": self.schema_id, "meta:altId": self.alt_id, "version": "1.0", "title": "Offers catalog schema"}

    def check(self, value: Any, check: Checker) -> None:
        """Problems of an item's custom attributes (the `_<tenant>` object) against this schema."""
        self._check_object(value, {"type": "object", "properties": dict(self.attributes)}, self.key, check)

    def _check_object(self, value: Any, spec: Mapping[str, Any], where: str, check: Checker) -> None:
        if not isinstance(value, dict):
            check.add(f"{where} must be an object, not {json_type(value)}")
            return
        properties = spec.get("properties", {})
        for name in spec.get("required", []):
            if name not in value:
                check.add(f"{child(where, name)} is required by the catalog schema")
        for name, item in value.items():
            path = child(where, name)
            if name not in properties:
                check.add(f"{path} is not an attribute of the catalog schema")
            else:
                self._check_value(item, properties[name], path, check)

    def _check_value(self, value: Any, spec: Mapping[str, Any], where: str, check: Checker) -> None:
        kind = spec["type"]
        if kind == "object":
            self._check_object(value, spec, where, check)
            return
        types: dict[str, type | tuple[type, ...]] = {
            "string": str,
            "integer": int,
            "number": (int, float),
            "boolean": bool,
        }
        if not isinstance(value, types[kind]) or (isinstance(value, bool) and kind != "boolean"):
            article = "an" if kind[0] in "aeiou" else "a"
            check.add(f"{where} must be {article} {kind}, not {json_type(value)}")
            return
        fmt = spec.get("format")
        text = value if isinstance(value, str) else ""
        if fmt == "date" and not _DATE.match(text):
            check.add(f"{where} must be a date (YYYY-MM-DD), not {value!r}")
        elif fmt == "date-time" and not _DATE_TIME.match(text):
            check.add(f"{where} must be an ISO-8601 date-time, not {value!r}")
        elif fmt == "uri" and not _URL.match(text):
            check.add(f"{where} must be a public URL (a Decisioning Asset), not {value!r}")
        if "enum" in spec and value not in spec["enum"]:
            check.add(f"{where} must be one of {', '.join(map(str, spec['enum']))}, not {value!r}")
