"""``DecisionRule``: a PQL condition on the profile that decides who is eligible (``/offer-rules``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Union

import pulumi
from pydantic import Field, field_validator

from ..core.model import ApiModel, DefinedOn, ModelFlag, Name
from ..core.spec import Endpoint, Family, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import DecisionRuleOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import DecisionRuleArgs

MAX_RULE_BYTES = 15_000  # Adobe's published guardrail: a PQL rule of at most 15K.


def pql_text(value: str, most: int) -> str:
    """A PQL expression: not blank, and within Adobe's size limit in UTF-8 bytes."""
    if not value.strip():
        raise ValueError("must not be empty")
    if len(value.encode("utf-8")) > most:
        raise ValueError(f"is {len(value.encode('utf-8'))} bytes of PQL; Adobe accepts at most {most}")
    return value


class RuleCondition(ApiModel):
    """The rule's condition, in Profile Query Language."""

    type: Literal["PQL"] = Field(default="PQL", description="`PQL`, the only language Adobe takes.")
    format: Literal["pql/text"] = Field(default="pql/text", description="`pql/text`.")
    value: str = Field(description='The condition, such as `profile.person.name.firstName.equals("John", false)`.')

    @field_validator("value")
    @classmethod
    def _size(cls, value: str) -> str:
        return pql_text(value, MAX_RULE_BYTES)


class DecisionRuleFields(ApiModel):
    """The user-owned fields of a decision rule."""

    name: Name = Field(description="The rule's name.")
    description: Optional[str] = Field(default=None, max_length=4000, description="What it decides.")
    condition: RuleCondition = Field(description="The PQL condition a profile must meet.")
    defined_on: Optional[DefinedOn] = Field(
        default=None,
        alias="definedOn",
        description="The schemas the condition is defined on, by variable: `profile` (its schema `ref` and `version`, "
        "and the `referencePaths` it reads).",
    )
    exd_rule: ModelFlag = Field(
        default=None,
        alias="exdRule",
        description="`True` for a Decisioning eligibility rule (selection strategies and decision items use it); "
        "unset for a legacy decision rule. Changing it replaces the rule; adoption never crosses it.",
    )


DECISION_RULE = ResourceSpec(
    kind="DecisionRule",
    label="decision rule",
    model=DecisionRuleFields,
    endpoint=Endpoint("/offer-rules"),
    family=Family("exdRule", "Decisioning eligibility rule", "legacy decision rule"),
    example={
        "name": "Gold members",
        "description": "Profiles of the gold loyalty tier",
        "condition": {"type": "PQL", "format": "pql/text", "value": 'profile.loyalty.tier.equals("gold", false)'},
    },
)


@pickled_by_package
class DecisionRuleProvider(SpecProvider):
    """CRUD for Adobe Journey Optimizer decision rules through the Offer Library API."""

    spec = DECISION_RULE


class DecisionRule(SpecResource, DecisionRuleOutputs, module="adobe", name="DecisionRule"):
    """A decision rule (legacy) or eligibility rule (Decisioning, ``exd_rule=True``), managed by Pulumi.

    Offers and decisions name it for eligibility (``eligibility_rule=rule.id``); so do Decisioning's
    selection strategies and decision items, when it is a Decisioning rule. Both models keep their
    rules in ``/offer-rules``, told apart by Adobe's ``exdRule`` flag.
    """

    _spec = DECISION_RULE
    _provider_class = DecisionRuleProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[DecisionRuleArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a decision rule: ``args`` as ``DecisionRuleArgs`` or a dict in the API's camelCase shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "DecisionRule":
        """A read-only reference to a decision rule this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
