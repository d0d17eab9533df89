"""What every Offer Library kind's model shares: strict validation, canonical dates, server metadata.

A kind's pydantic model (in ``resources/``) holds only the user-owned fields, in the API's own
camelCase shape; it is the one source of truth for validation, for the canonical form ``diff``
compares, and for the typed Args. Server metadata never takes part in a comparison.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated, Any, Literal, Optional, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# A marker on date fields: the typed Args accept ``datetime`` and ``date`` values for them.
TIMESTAMP_FORMAT = "date-time"


class ApiModel(BaseModel):
    """Rejects unknown keys, so a typo is an error instead of a silently ignored setting."""

    model_config = ConfigDict(extra="forbid", validate_by_alias=True, validate_by_name=False, strict=True)

    def to_api(self) -> dict[str, Any]:
        """The canonical API body: aliases, no unset fields, no empty optional containers."""
        body = self.model_dump(by_alias=True, exclude_none=True)
        for name, info in type(self).model_fields.items():
            key = info.alias or name
            if not info.is_required() and body.get(key) in ({}, []):
                del body[key]
        return body


def non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def trimmed(value: str) -> str:
    if value != value.strip():
        raise ValueError("must not start or end with whitespace")
    return value


def absolute_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError(f"must be an absolute http(s) URL, got {value!r}")
    return value


def unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat an id")
    return values


def canonical_timestamp(value: str) -> str:
    """``2022-06-10T00:30:00Z``, ``...+00:00`` and ``...000+02:00`` all become UTC ``...T00:30:00.000+00:00``.

    Adobe writes dates with milliseconds and ``+00:00``; canonicalising the user's input the
    same way keeps an equal instant from showing up as a perpetual diff.
    """
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"must be an ISO 8601 timestamp such as 2025-06-01T00:00:00Z, got {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"must carry a time zone (Z or +hh:mm), got {value!r}")
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+00:00"


CONTENT_TYPES = ("html", "imagelink", "text", "json")
LEGACY_COMPONENT_PREFIX = "https://ns.adobe.com/experience/offer-management/content-component-"
LEGACY_CONTENT_TYPES = tuple(LEGACY_COMPONENT_PREFIX + kind for kind in CONTENT_TYPES)
"""The older, URI forms of the content types (``.../content-component-imagelink``): Adobe's XDM schemas, the
objects the older UI made and the Edge decision answers still carry them, so an exported sandbox holds them."""

ContentType = Literal[
    "html",
    "imagelink",
    "text",
    "json",
    "https://ns.adobe.com/experience/offer-management/content-component-html",
    "https://ns.adobe.com/experience/offer-management/content-component-imagelink",
    "https://ns.adobe.com/experience/offer-management/content-component-text",
    "https://ns.adobe.com/experience/offer-management/content-component-json",
]
"""A placement's content type, short (``html``) or in its older URI form, kept as declared."""
assert get_args(ContentType) == CONTENT_TYPES + LEGACY_CONTENT_TYPES


def _set_or_absent(value: Optional[bool]) -> Optional[bool]:
    return True if value else None


ModelFlag = Annotated[Optional[bool], AfterValidator(_set_or_absent)]
"""Adobe's ``exdRule``/``exdFunction``: true for a Decisioning object; false and absent are one value (legacy)."""

Name = Annotated[str, Field(max_length=256), AfterValidator(non_blank), AfterValidator(trimmed)]
"""An object's name: names are looked up with the list endpoint's name filter, which may trim, so kept exact."""
Timestamp = Annotated[str, AfterValidator(canonical_timestamp), Field(json_schema_extra={"format": TIMESTAMP_FORMAT})]
"""A date and time with a zone, kept in Adobe's canonical form."""
ObjectId = Annotated[str, Field(min_length=1, max_length=512), AfterValidator(non_blank)]
"""The id of another Offer Library object (opaque: never parsed)."""


class Metadata(BaseModel):
    """Server-managed fields of any kind, normalised from the two shapes Adobe answers with.

    Create and update receipts say ``createdDate``/``lastModifiedDate``; look-ups say
    ``created``/``modified`` (with ``+00:00``). Both become one form here.
    """

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    etag: int
    created_date: Optional[str] = None
    last_modified_date: Optional[str] = None
    created_by: Optional[str] = Field(default=None, alias="createdBy")
    last_modified_by: Optional[str] = Field(default=None, alias="lastModifiedBy")
    created_by_client_id: Optional[str] = Field(default=None, alias="createdByClientId")
    last_modified_by_client_id: Optional[str] = Field(default=None, alias="lastModifiedByClientId")
    sandbox_id: Optional[str] = Field(default=None, alias="sandboxId")

    @classmethod
    def from_api(cls, body: dict[str, Any]) -> "Metadata":
        created = body.get("createdDate", body.get("created"))
        modified = body.get("lastModifiedDate", body.get("modified"))
        return cls.model_validate(
            {
                **body,
                "created_date": canonical_timestamp(created) if created else None,
                "last_modified_date": canonical_timestamp(modified) if modified else None,
            }
        )

    def to_outputs(self) -> dict[str, Any]:
        """The resource's server-side outputs (camelCase, as users see them)."""
        outputs = {
            "etag": self.etag,
            "createdDate": self.created_date,
            "lastModifiedDate": self.last_modified_date,
            "createdBy": self.created_by,
            "lastModifiedBy": self.last_modified_by,
            "createdByClientId": self.created_by_client_id,
            "lastModifiedByClientId": self.last_modified_by_client_id,
            "sandboxId": self.sandbox_id,
        }
        return {key: value for key, value in outputs.items() if value is not None}


# The name it had when fallback offers were the only kind.
OfferMetadata = Metadata

SERVER_OUTPUTS: tuple[str, ...] = (
    "etag",
    "createdDate",
    "lastModifiedDate",
    "createdBy",
    "lastModifiedBy",
    "createdByClientId",
    "lastModifiedByClientId",
    "sandboxId",
)
SERVER_OUTPUT_DOCS: dict[str, str] = {
    "etag": "The server's version of the object: 1 when created, one more after every change.",
    "createdDate": "When the object was created (UTC, `...T00:00:00.000+00:00`).",
    "lastModifiedDate": "When the object last changed (UTC).",
    "createdBy": "Who created the object.",
    "lastModifiedBy": "Who last changed the object.",
    "createdByClientId": "The client id (API credential) that created the object.",
    "lastModifiedByClientId": "The client id (API credential) that last changed the object.",
    "sandboxId": "The id of the sandbox the object lives in.",
}


class SchemaReference(ApiModel):
    """An XDM schema, by its URI (``ref``) or its alternative id (``altId``), and its version."""

    ref: Optional[str] = Field(
        default=None, description="The schema's URI, e.g. `https://ns.adobe.com/xdm/context/profile_union`."
    )
    alt_id: Optional[str] = Field(
        default=None, alias="altId", description="The schema's alternative id, e.g. `_xdm.context.profile`."
    )
    version: str = Field(description='The schema version, a string such as `"1"`.')

    @model_validator(mode="after")
    def _named(self) -> "SchemaReference":
        if not self.ref and not self.alt_id:
            raise ValueError("needs ref (the schema URI) or altId")
        return self


class SchemaBinding(ApiModel):
    """What one variable of a PQL expression (``profile``, ``offer``, ...) is: a schema, and the paths it reads."""

    schema_ref: SchemaReference = Field(alias="schema", description="The schema the variable is an instance of.")
    reference_paths: Optional[list[str]] = Field(
        default=None,
        alias="referencePaths",
        description="The attribute paths the expression reads, e.g. `person.name.firstName`.",
    )


DefinedOn = dict[str, SchemaBinding]
"""``definedOn``: each variable of a PQL expression by name (``profile``, ``xEvent``, ...), and its schema."""
