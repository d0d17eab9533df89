"""Typed shapes of a fallback offer: what the user owns, and what the server adds.

The user-owned model is the single source of truth for validation (``check``) and for the
canonical form compared by ``diff``; the server metadata never takes part in a comparison.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

CHANNEL_PREFIX = "https://ns.adobe.com/xdm/channel-types/"
STATUSES = ("draft", "approved", "archived")
MAX_NAME_LENGTH = 256
MAX_DESCRIPTION_LENGTH = 4000
MAX_CHARACTERISTIC_LENGTH = 1000
MAX_TAGS = 20  # Adobe's published guardrail: 20 collection qualifiers per offer.

# type/subtype per RFC 6838, optionally with parameters ("text/html; charset=utf-8").
_MIME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;.*)?$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
_CHARACTERISTIC_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")


class _Strict(BaseModel):
    """Rejects unknown keys, so a typo is an error instead of a silently ignored setting."""

    model_config = ConfigDict(extra="forbid", validate_by_alias=True, validate_by_name=False, strict=True)


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _trimmed(value: str) -> str:
    if value != value.strip():
        raise ValueError("must not start or end with whitespace")
    return value


def _url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError(f"must be an absolute http(s) URL, got {value!r}")
    return value


class Component(_Strict):
    """One piece of content of a representation (an image link, a block of HTML, JSON or text)."""

    type: str = Field(min_length=1, max_length=64)
    format: str
    language: Optional[list[str]] = None
    content: Optional[str] = None
    delivery_url: Optional[str] = Field(default=None, alias="deliveryURL")
    link_url: Optional[str] = Field(default=None, alias="linkURL")

    @field_validator("format")
    @classmethod
    def _mime_type(cls, value: str) -> str:
        if not _MIME.match(value):
            raise ValueError(f"must be a MIME type such as image/png or text/html, got {value!r}")
        return value

    @field_validator("language")
    @classmethod
    def _languages(cls, value: Optional[list[str]]) -> Optional[list[str]]:
        for code in value or []:
            if not _LANGUAGE.match(code):
                raise ValueError(f"must be language codes such as en or en-US, got {code!r}")
        return value

    @field_validator("delivery_url", "link_url")
    @classmethod
    def _urls(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else _url(value)


class Representation(_Strict):
    """How the offer shows in one channel and placement."""

    channel: str
    placement: str = Field(min_length=1, max_length=512)
    components: list[Component] = Field(min_length=1)

    @field_validator("channel")
    @classmethod
    def _channel_uri(cls, value: str) -> str:
        if not value.startswith(CHANNEL_PREFIX) or value == CHANNEL_PREFIX:
            raise ValueError(
                f"must be a channel type URI starting with {CHANNEL_PREFIX} "
                f"(for example {CHANNEL_PREFIX}web), got {value!r}"
            )
        return value

    @field_validator("placement")
    @classmethod
    def _placement(cls, value: str) -> str:
        return _non_blank(value)


class SelectionConstraint(_Strict):
    """Pass-through constraint block of Adobe's create example; dates are canonicalised."""

    start_date: Optional[str] = Field(default=None, alias="startDate")
    end_date: Optional[str] = Field(default=None, alias="endDate")
    profile_constraint_type: Optional[str] = Field(default=None, alias="profileConstraintType")

    @field_validator("start_date", "end_date")
    @classmethod
    def _timestamp(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else canonical_timestamp(value)


class Rank(_Strict):
    """Pass-through rank block of Adobe's create example."""

    priority: Optional[int] = None


class OfferSpec(_Strict):
    """The user-owned fields of a fallback offer, in the API's own (camelCase) shape."""

    name: str = Field(max_length=MAX_NAME_LENGTH)
    description: Optional[str] = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH)
    status: Literal["draft", "approved", "archived"] = "draft"
    representations: list[Representation] = Field(min_length=1)
    characteristics: Optional[dict[str, str]] = None
    selection_constraint: Optional[SelectionConstraint] = Field(default=None, alias="selectionConstraint")
    rank: Optional[Rank] = None
    tags: Optional[list[str]] = Field(default=None, max_length=MAX_TAGS)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        # Names are looked up with the list endpoint's name filter, which may trim: keep them exact.
        return _trimmed(_non_blank(value))

    @field_validator("characteristics")
    @classmethod
    def _characteristics(cls, value: Optional[dict[str, str]]) -> Optional[dict[str, str]]:
        for key, item in (value or {}).items():
            if not _CHARACTERISTIC_KEY.match(key):
                raise ValueError(f"key {key!r} must be 1-100 letters, digits, '_', '-' or '.'")
            if len(item) > MAX_CHARACTERISTIC_LENGTH:
                raise ValueError(f"value of {key!r} is longer than {MAX_CHARACTERISTIC_LENGTH} characters")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: Optional[list[str]]) -> Optional[list[str]]:
        for tag in value or []:
            _non_blank(tag)
        if value is not None and len(set(value)) != len(value):
            raise ValueError("must not repeat a collection qualifier")
        return value

    def to_api(self) -> dict[str, Any]:
        """The canonical API body: aliases, no unset fields, no empty optional containers."""
        body = self.model_dump(by_alias=True, exclude_none=True)
        for key in ("characteristics", "tags"):
            if body.get(key) in ({}, []):
                del body[key]
        for block in ("selectionConstraint", "rank"):
            if body.get(block) == {}:
                del body[block]
        return body


USER_FIELDS: tuple[str, ...] = tuple(
    field.alias or name for name, field in OfferSpec.model_fields.items()
)


class OfferMetadata(BaseModel):
    """Server-managed fields, normalised from the two shapes Adobe answers with.

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
    def from_api(cls, body: dict[str, Any]) -> "OfferMetadata":
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
