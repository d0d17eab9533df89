"""``FallbackOffer``: the offer a decision shows when no personalized offer qualifies.

Adobe lists them at ``/offers?offer-type=fallback``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, Mapping, Optional, Union

import pulumi
from pydantic import AfterValidator, Field, field_validator

from ..core.model import (
    LEGACY_COMPONENT_PREFIX,
    LEGACY_CONTENT_TYPES,
    ApiModel,
    Name,
    Timestamp,
    absolute_url,
    non_blank,
)
from ..core.spec import Endpoint, Reference, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import FallbackOfferOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import FallbackOfferArgs

CHANNEL_PREFIX = "https://ns.adobe.com/xdm/channel-types/"
MAX_DESCRIPTION_LENGTH = 4000
MAX_CHARACTERISTIC_LENGTH = 1000
MAX_CONTENT_TYPE_LENGTH = 64  # a short content type; only the older URI forms are longer
MAX_TAGS = 20  # Adobe's published guardrail: 20 collection qualifiers per offer.

# type/subtype per RFC 6838, optionally with parameters ("text/html; charset=utf-8").
_MIME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;.*)?$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
_CHARACTERISTIC_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")


def _channel_uri(value: str) -> str:
    if not value.startswith(CHANNEL_PREFIX) or value == CHANNEL_PREFIX:
        raise ValueError(
            f"must be a channel type URI starting with {CHANNEL_PREFIX} "
            f"(for example {CHANNEL_PREFIX}web), got {value!r}"
        )
    return value


ChannelUri = Annotated[str, AfterValidator(_channel_uri)]
"""An XDM channel type URI, ``https://ns.adobe.com/xdm/channel-types/web``."""


def _characteristics(value: dict[str, str]) -> dict[str, str]:
    for key, item in value.items():
        if not _CHARACTERISTIC_KEY.match(key):
            raise ValueError(f"key {key!r} must be 1-100 letters, digits, '_', '-' or '.'")
        if len(item) > MAX_CHARACTERISTIC_LENGTH:
            raise ValueError(f"value of {key!r} is longer than {MAX_CHARACTERISTIC_LENGTH} characters")
    return value


def _qualifiers(value: list[str]) -> list[str]:
    for tag in value:
        non_blank(tag)
    if len(set(value)) != len(value):
        raise ValueError("must not repeat a collection qualifier")
    return value


Characteristics = Annotated[dict[str, str], AfterValidator(_characteristics)]
"""An offer's custom attributes: short keys, string values."""
QualifierIds = Annotated[list[str], Field(max_length=MAX_TAGS), AfterValidator(_qualifiers)]
"""The ids of an offer's collection qualifiers (formerly tags), each once."""


class Component(ApiModel):
    """One piece of content of a representation: an image link, a block of HTML, JSON or text."""

    type: str = Field(
        min_length=1,
        description="The kind of content: `imagelink`, `html`, `json` or `text`, or the older URI form of one "
        "(`https://ns.adobe.com/experience/offer-management/content-component-imagelink`), kept as given.",
    )
    format: str = Field(description="Its MIME type, such as `image/png` or `text/html`.")
    language: Optional[list[str]] = Field(default=None, description="Language codes of the content, such as `en-US`.")
    content: Optional[str] = Field(default=None, description="Inline content: text, HTML or JSON.")
    delivery_url: Optional[str] = Field(
        default=None, alias="deliveryURL", description="URL of the asset to show (for image links)."
    )
    link_url: Optional[str] = Field(default=None, alias="linkURL", description="Where a click on the content leads.")

    @field_validator("type")
    @classmethod
    def _content_type(cls, value: str) -> str:
        if len(value) > MAX_CONTENT_TYPE_LENGTH and value not in LEGACY_CONTENT_TYPES:
            raise ValueError(
                f"must be at most {MAX_CONTENT_TYPE_LENGTH} characters, or the older URI form of a content type "
                f"({LEGACY_COMPONENT_PREFIX}html, -imagelink, -text or -json), got {len(value)} characters"
            )
        return value

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
        return None if value is None else absolute_url(value)


class Representation(ApiModel):
    """How the offer shows in one channel and placement."""

    channel: ChannelUri = Field(
        description="The channel type URI, such as `https://ns.adobe.com/xdm/channel-types/web`."
    )
    placement: Annotated[str, AfterValidator(non_blank)] = Field(
        min_length=1, max_length=512, description="The id of the placement the offer shows in (`placement.id`)."
    )
    components: list[Component] = Field(min_length=1, description="The content shown: at least one component.")


class SelectionConstraint(ApiModel):
    """Pass-through constraint block of Adobe's create example; dates are canonicalised."""

    start_date: Optional[Timestamp] = Field(
        default=None, alias="startDate", description="When the offer starts being eligible."
    )
    end_date: Optional[Timestamp] = Field(default=None, alias="endDate", description="When it stops being eligible.")
    profile_constraint_type: Optional[str] = Field(
        default=None, alias="profileConstraintType", description="`none` for a fallback offer."
    )


class Rank(ApiModel):
    """Pass-through rank block of Adobe's create example."""

    priority: Optional[int] = Field(default=None, description="The offer's priority.")


class OfferFields(ApiModel):
    """What every offer has, fallback or personalized: the fields that come first in both."""

    name: Name = Field(description="The offer's name, unique enough to find it again in the sandbox.")
    description: Optional[str] = Field(
        default=None, max_length=MAX_DESCRIPTION_LENGTH, description="What the offer is for."
    )
    status: Literal["draft", "approved", "archived"] = Field(
        default="draft", description="`draft` (the default), `approved` or `archived`."
    )
    representations: list[Representation] = Field(
        min_length=1, description="How the offer shows, one entry per channel and placement: at least one."
    )
    characteristics: Optional[Characteristics] = Field(default=None, description="Custom attributes, string to string.")


class FallbackOfferFields(OfferFields):
    """The user-owned fields of a fallback offer, in the API's own (camelCase) shape."""

    selection_constraint: Optional[SelectionConstraint] = Field(
        default=None, alias="selectionConstraint", description="Dates and profile constraint (pass-through)."
    )
    rank: Optional[Rank] = Field(default=None, description="The offer's priority (pass-through).")
    tags: Optional[QualifierIds] = Field(
        default=None, description="Ids of the collection qualifiers (formerly tags) of the offer, at most 20."
    )


FALLBACK_OFFER = ResourceSpec(
    kind="FallbackOffer",
    label="fallback offer",
    model=FallbackOfferFields,
    endpoint=Endpoint("/offers", {"offer-type": "fallback"}),
    adopt_input="adoptOfferId",
    diffed_by_key=frozenset({"characteristics", "selectionConstraint", "rank"}),
    references=(Reference("representations[].placement", "Placement"), Reference("tags[]", "CollectionQualifier")),
    example={
        "name": "Spring fallback",
        "description": "Shown when no personalized offer qualifies",
        "status": "approved",
        "representations": [
            {
                "channel": "https://ns.adobe.com/xdm/channel-types/web",
                "placement": "dps:offer-placement:1a2b3c4d5e6f",
                "components": [
                    {
                        "type": "imagelink",
                        "format": "image/png",
                        "deliveryURL": "https://cdn.example.com/spring.png",
                        "linkURL": "https://www.example.com/spring",
                        "language": ["en-US"],
                    }
                ],
            }
        ],
        "characteristics": {"campaign": "spring"},
    },
)


@pickled_by_package
class FallbackOfferProvider(SpecProvider):
    """CRUD for Adobe Journey Optimizer fallback offers through the Offer Library API."""

    spec = FALLBACK_OFFER


class FallbackOffer(SpecResource, FallbackOfferOutputs, module="adobe", name="FallbackOffer"):
    """A fallback offer in an Adobe Journey Optimizer sandbox, managed by Pulumi.

    Its Pulumi id is the offer id; ``etag`` and the server's metadata are outputs that
    decisions and other resources can reference (``fallback=offer.id``).
    """

    _spec = FALLBACK_OFFER
    _provider_class = FallbackOfferProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[FallbackOfferArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a fallback offer: ``args`` as ``FallbackOfferArgs`` or a dict in the API's camelCase shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "FallbackOffer":
        """A read-only reference to a fallback offer this stack does not manage (a decision's fallback, say)."""
        return cls._read(resource_name, id, sandbox_name, opts)
