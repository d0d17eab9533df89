"""``Decision``: which offers a placement shows, and the fallback when none qualifies (``/offer-decisions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Union

import pulumi
from pydantic import Field, field_validator, model_validator

from ..core.model import ApiModel, Name, ObjectId, Timestamp, unique
from ..core.spec import Endpoint, Reference, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import DecisionOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import DecisionArgs

MAX_DESCRIPTION_LENGTH = 4000
MAX_PLACEMENTS = 30  # Adobe's published guardrail: 30 placements per decision.


class RankOrder(ApiModel):
    """How the eligible offers are ordered: by their priority, or by a ranking formula."""

    order_evaluation_type: Literal["static", "ranking-strategy"] = Field(
        alias="orderEvaluationType", description="`static` (the offers' priority) or `ranking-strategy` (a formula)."
    )
    ranking_strategy: Optional[ObjectId] = Field(
        default=None,
        alias="rankingStrategy",
        description="The ranking formula's id (`formula.id`), with `ranking-strategy`.",
    )

    @model_validator(mode="after")
    def _strategy_named(self) -> "RankOrder":
        if self.order_evaluation_type == "ranking-strategy" and not self.ranking_strategy:
            raise ValueError("orderEvaluationType ranking-strategy needs rankingStrategy (a ranking formula id)")
        return self


class CriterionRank(ApiModel):
    """The ranking of one criterion's offers."""

    priority: Optional[int] = Field(default=None, description="The criterion's priority.")
    order: Optional[RankOrder] = Field(default=None, description="How its eligible offers are ordered.")


class ProfileConstraint(ApiModel):
    """Which profiles a criterion applies to: everyone, a decision rule, or segments."""

    profile_constraint_type: Literal["none", "eligibilityRule", "anySegments", "allSegments"] = Field(
        default="none",
        alias="profileConstraintType",
        description="`none` (the default), `eligibilityRule`, `anySegments` or `allSegments`.",
    )
    eligibility_rule: Optional[ObjectId] = Field(
        default=None, alias="eligibilityRule", description="The decision rule's id, with `eligibilityRule`."
    )
    segment_identities: Optional[list[dict[str, Any]]] = Field(
        default=None, alias="segmentIdentities", description="The segments, with `anySegments` or `allSegments`."
    )

    @model_validator(mode="after")
    def _rule_named(self) -> "ProfileConstraint":
        if self.profile_constraint_type == "eligibilityRule" and not self.eligibility_rule:
            raise ValueError("profileConstraintType eligibilityRule needs eligibilityRule (a decision rule id)")
        return self


class OptionSelection(ApiModel):
    """The offers a criterion considers."""

    filter: ObjectId = Field(description="The id of the collection of offers to consider (`collection.id`).")


class DecisionCriterion(ApiModel):
    """One decision scope: placements, the offers for them, who qualifies and how offers are ranked."""

    description: Optional[str] = Field(default=None, description="What the criterion is for.")
    placements: list[ObjectId] = Field(min_length=1, description="The placements' ids (`[web.id]`): at least one.")
    option_selection: OptionSelection = Field(alias="optionSelection", description="The offers to consider.")
    rank: Optional[CriterionRank] = Field(default=None, description="How the eligible offers are ranked.")
    profile_constraint: Optional[ProfileConstraint] = Field(
        default=None, alias="profileConstraint", description="Which profiles the criterion applies to."
    )

    @field_validator("placements")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return unique(value)


class DecisionFields(ApiModel):
    """The user-owned fields of a decision (an "offer activity"), in the API's own (camelCase) shape."""

    name: Name = Field(description="The decision's name.")
    description: Optional[str] = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH, description="What it is for.")
    status: Literal["draft", "live"] = Field(default="draft", description="`draft` (the default) or `live`.")
    start_date: Optional[Timestamp] = Field(default=None, alias="startDate", description="When the decision starts.")
    end_date: Optional[Timestamp] = Field(default=None, alias="endDate", description="When it ends.")
    fallback: ObjectId = Field(description="The id of the fallback offer shown when no offer qualifies (`offer.id`).")
    criteria: list[DecisionCriterion] = Field(min_length=1, description="The decision scopes: at least one.")

    @field_validator("criteria")
    @classmethod
    def _placements_guardrail(cls, value: list[DecisionCriterion]) -> list[DecisionCriterion]:
        placements = {placement for criterion in value for placement in criterion.placements}
        if len(placements) > MAX_PLACEMENTS:
            raise ValueError(f"name {len(placements)} placements in all; a decision may use at most {MAX_PLACEMENTS}")
        return value


DECISION = ResourceSpec(
    kind="Decision",
    label="decision",
    model=DecisionFields,
    endpoint=Endpoint("/offer-decisions"),
    references=(
        Reference("fallback", "FallbackOffer"),
        Reference("criteria[].placements[]", "Placement"),
        Reference("criteria[].optionSelection.filter", "Collection"),
        Reference("criteria[].rank.order.rankingStrategy", "RankingFormula"),
        Reference("criteria[].profileConstraint.eligibilityRule", "DecisionRule"),
    ),
    example={
        "name": "Spring decision",
        "status": "draft",
        "fallback": "dps:fallback-offer:1a2b3c4d5e6f",
        "criteria": [
            {
                "placements": ["dps:offer-placement:1a2b3c4d5e6f"],
                "optionSelection": {"filter": "dps:offer-filter:1a2b3c4d5e6f"},
                "rank": {
                    "order": {
                        "orderEvaluationType": "ranking-strategy",
                        "rankingStrategy": "dps:ranking-formula:1a2b3c4d5e6f",
                    }
                },
                "profileConstraint": {"profileConstraintType": "none"},
            }
        ],
    },
)


@pickled_by_package
class DecisionProvider(SpecProvider):
    """CRUD for Adobe Journey Optimizer decisions through the Offer Library API."""

    spec = DECISION


class Decision(SpecResource, DecisionOutputs, module="adobe", name="Decision"):
    """A decision in an Adobe Journey Optimizer sandbox, managed by Pulumi.

    Its references are Pulumi inputs (``fallback=offer.id``, ``placements=[web.id]``), so the
    engine creates what it names first and deletes it last.
    """

    _spec = DECISION
    _provider_class = DecisionProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[DecisionArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a decision: ``args`` as ``DecisionArgs`` or a dict in the API's camelCase shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "Decision":
        """A read-only reference to a decision this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
