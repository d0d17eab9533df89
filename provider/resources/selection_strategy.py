"""``SelectionStrategy`` (Decisioning): a collection, who is eligible, how items rank (``/selection-strategies``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Union

import pulumi
from pydantic import Field, model_validator

from ..core.model import ApiModel, Name, ObjectId
from ..core.spec import Endpoint, Reference, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import SelectionStrategyOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import SelectionStrategyArgs


class EligibilityConstraint(ApiModel):
    """Who is eligible: everyone (``none``) or the profiles a Decisioning eligibility rule admits."""

    profile_constraint_type: Literal["none", "eligibilityRule"] = Field(
        default="none",
        alias="profileConstraintType",
        description="`none` (the default) or `eligibilityRule` (with `eligibility_rule`).",
    )
    eligibility_rule: Optional[ObjectId] = Field(
        default=None,
        alias="eligibilityRule",
        description="The eligibility rule's id (`rule.id`, a `DecisionRule` with `exd_rule=True`).",
    )

    @model_validator(mode="after")
    def _rule_named(self) -> "EligibilityConstraint":
        if self.profile_constraint_type == "eligibilityRule" and not self.eligibility_rule:
            raise ValueError("profileConstraintType eligibilityRule needs eligibilityRule (an eligibility rule id)")
        if self.profile_constraint_type == "none" and self.eligibility_rule:
            raise ValueError("eligibilityRule is set but profileConstraintType is none: set it to eligibilityRule")
        return self


class StrategyOrder(ApiModel):
    """How eligible items are ordered: by their priority, or by a ranking formula."""

    order_evaluation_type: Literal["static", "scoringFunction"] = Field(
        alias="orderEvaluationType",
        description="`static` (the items' priority) or `scoringFunction` (a ranking formula, `function`).",
    )
    function: Optional[ObjectId] = Field(
        default=None,
        description="The ranking formula's id (`formula.id`, a `RankingFormula` with `exd_function=True`), "
        "with `scoringFunction`.",
    )

    @model_validator(mode="after")
    def _function_named(self) -> "StrategyOrder":
        if self.order_evaluation_type == "scoringFunction" and not self.function:
            raise ValueError("orderEvaluationType scoringFunction needs function (a ranking formula id)")
        if self.order_evaluation_type == "static" and self.function:
            raise ValueError("function is set but orderEvaluationType is static: set it to scoringFunction")
        return self


class StrategyRank(ApiModel):
    """The strategy's ranking."""

    priority: Optional[int] = Field(default=None, description="The strategy's priority.")
    order: StrategyOrder = Field(description="How its eligible items are ordered.")


class ItemSelection(ApiModel):
    """The items the strategy considers."""

    filter: ObjectId = Field(description="The item collection's id (`collection.id`).")


class SelectionStrategyFields(ApiModel):
    """The user-owned fields of a selection strategy."""

    name: Name = Field(description="The strategy's name.")
    description: Optional[str] = Field(default=None, max_length=4000, description="What it is for.")
    option_selection: ItemSelection = Field(alias="optionSelection", description="The items to consider.")
    rank: Optional[StrategyRank] = Field(default=None, description="How the eligible items are ranked.")
    profile_constraint: Optional[EligibilityConstraint] = Field(
        default=None, alias="profileConstraint", description="Which profiles the strategy applies to."
    )


SELECTION_STRATEGY = ResourceSpec(
    kind="SelectionStrategy",
    label="selection strategy",
    model=SelectionStrategyFields,
    endpoint=Endpoint("/selection-strategies"),
    references=(
        Reference("optionSelection.filter", "ItemCollection"),
        Reference("profileConstraint.eligibilityRule", "DecisionRule"),
        Reference("rank.order.function", "RankingFormula"),
    ),
    example={
        "name": "Green items by priority",
        "optionSelection": {"filter": "dps:item-collection:1a2b3c4d5e6f"},
        "rank": {"order": {"orderEvaluationType": "static"}},
        "profileConstraint": {"profileConstraintType": "none"},
    },
)


@pickled_by_package
class SelectionStrategyProvider(SpecProvider):
    """CRUD for Journey Optimizer Decisioning selection strategies."""

    spec = SELECTION_STRATEGY


class SelectionStrategy(SpecResource, SelectionStrategyOutputs, module="adobe", name="SelectionStrategy"):
    """A Decisioning selection strategy, managed by Pulumi.

    Its references are Pulumi inputs (``filter=collection.id``, ``eligibility_rule=rule.id``,
    ``function=formula.id``), so the engine creates what it names first and deletes it last.
    """

    _spec = SELECTION_STRATEGY
    _provider_class = SelectionStrategyProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[SelectionStrategyArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a selection strategy: ``args`` as ``SelectionStrategyArgs`` or a dict in the API's shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "SelectionStrategy":
        """A read-only reference to a selection strategy this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
