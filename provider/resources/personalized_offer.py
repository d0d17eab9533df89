"""``PersonalizedOffer``: an offer shown to the profiles its eligibility admits.

Adobe lists them at ``/offers?offer-type=personalized``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Union

import pulumi
from pydantic import Field

from ..core.model import ApiModel, Timestamp
from ..core.spec import Endpoint, Reference, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import PersonalizedOfferOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import PersonalizedOfferArgs
from .decision import ProfileConstraint
from .fallback_offer import OfferFields, QualifierIds, Rank

MAX_FREQUENCY_CAPS = 10  # Adobe's published guardrail: 10 frequency capping rules per offer.


class OfferEligibility(ProfileConstraint):
    """When the offer may be shown, and to which profiles (a decision criterion's profile constraint, with dates)."""

    start_date: Optional[Timestamp] = Field(
        default=None, alias="startDate", description="When the offer starts being eligible."
    )
    end_date: Optional[Timestamp] = Field(default=None, alias="endDate", description="When it stops being eligible.")


class CappingConstraint(ApiModel):
    """How many times the offer may be shown, in all and to one profile."""

    global_cap: Optional[int] = Field(
        default=None, alias="globalCap", ge=1, description="At most this many times in all."
    )
    profile_cap: Optional[int] = Field(
        default=None, alias="profileCap", ge=1, description="At most this many times to one profile."
    )


class FrequencyRepeat(ApiModel):
    """When a frequency cap starts counting again."""

    enabled: Optional[bool] = Field(default=None, description="Whether the cap resets.")
    unit: Optional[str] = Field(default=None, description="The period it resets after (`day`, `week`, `month`).")
    unit_count: Optional[int] = Field(
        default=None, alias="unitCount", ge=1, description="How many units make the period."
    )


class FrequencyCappingConstraint(ApiModel):
    """One frequency cap: at most ``limit`` impressions per scope and entity."""

    limit: int = Field(ge=1, description="At most this many impressions.")
    scope: Literal["global", "profile"] = Field(description="`global` (everyone) or `profile` (each profile).")
    entity: Literal["offer", "placement"] = Field(description="What is counted: the `offer` or its `placement`.")
    enabled: Optional[bool] = Field(default=None, description="Whether the cap applies.")
    start_date: Optional[Timestamp] = Field(default=None, alias="startDate", description="When the cap starts.")
    end_date: Optional[Timestamp] = Field(default=None, alias="endDate", description="When it ends.")
    repeat: Optional[FrequencyRepeat] = Field(default=None, description="When it starts counting again.")


class PersonalizedOfferFields(OfferFields):
    """The user-owned fields of a personalized offer, in the API's own (camelCase) shape."""

    selection_constraint: Optional[OfferEligibility] = Field(
        default=None, alias="selectionConstraint", description="When the offer may be shown, and to whom."
    )
    rank: Optional[Rank] = Field(default=None, description="The offer's priority among eligible offers.")
    capping_constraint: Optional[CappingConstraint] = Field(
        default=None, alias="cappingConstraint", description="How many times it may be shown."
    )
    frequency_capping_constraints: Optional[list[FrequencyCappingConstraint]] = Field(
        default=None,
        alias="frequencyCappingConstraints",
        max_length=MAX_FREQUENCY_CAPS,
        description="Frequency caps, at most 10.",
    )
    tags: Optional[QualifierIds] = Field(
        default=None, description="Ids of the offer's collection qualifiers (`qualifier.id`), at most 20."
    )


PERSONALIZED_OFFER = ResourceSpec(
    kind="PersonalizedOffer",
    label="personalized offer",
    model=PersonalizedOfferFields,
    endpoint=Endpoint("/offers", {"offer-type": "personalized"}),
    diffed_by_key=frozenset({"characteristics", "selectionConstraint", "rank", "cappingConstraint"}),
    references=(
        Reference("representations[].placement", "Placement"),
        Reference("tags[]", "CollectionQualifier"),
        Reference("selectionConstraint.eligibilityRule", "DecisionRule"),
    ),
    example={
        "name": "Spring sale for gold members",
        "status": "approved",
        "representations": [
            {
                "channel": "https://ns.adobe.com/xdm/channel-types/email",
                "placement": "dps:offer-placement:1a2b3c4d5e6f",
                "components": [{"type": "html", "format": "text/html", "content": "<p>20% off for you</p>"}],
            }
        ],
        "selectionConstraint": {
            "startDate": "2026-03-01T00:00:00.000+00:00",
            "endDate": "2026-06-01T00:00:00.000+00:00",
            "profileConstraintType": "eligibilityRule",
            "eligibilityRule": "dps:eligibility-rule:1a2b3c4d5e6f",
        },
        "rank": {"priority": 2},
        "cappingConstraint": {"globalCap": 1000, "profileCap": 3},
        "frequencyCappingConstraints": [{"limit": 1, "scope": "profile", "entity": "offer", "enabled": True}],
        "tags": ["dps:tag:1a2b3c4d5e6f"],
    },
)


@pickled_by_package
class PersonalizedOfferProvider(SpecProvider):
    """CRUD for Adobe Journey Optimizer personalized offers through the Offer Library API."""

    spec = PERSONALIZED_OFFER


class PersonalizedOffer(SpecResource, PersonalizedOfferOutputs, module="adobe", name="PersonalizedOffer"):
    """A personalized offer in an Adobe Journey Optimizer sandbox, managed by Pulumi.

    Collections name it by id (``ids=[offer.id]`` with ``filter_type="offers"``).
    """

    _spec = PERSONALIZED_OFFER
    _provider_class = PersonalizedOfferProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[PersonalizedOfferArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a personalized offer: ``args`` as ``PersonalizedOfferArgs`` or a dict in the API's shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "PersonalizedOffer":
        """A read-only reference to a personalized offer this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
