"""``RankingFormula``: a PQL expression that orders eligible offers (``/ranking-formulas``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Mapping, Optional, Union

import pulumi
from pydantic import AfterValidator, Field, field_validator

from ..core.model import ApiModel, DefinedOn, ModelFlag, Name
from ..core.spec import Endpoint, Family, ResourceSpec
from ..engine.provider import SpecProvider, pickled_by_package
from ..sdk.outputs import RankingFormulaOutputs
from ..sdk.resource import SpecResource

if TYPE_CHECKING:  # the Args load with a program's first use of them, never in the plugin
    from ..sdk.args import RankingFormulaArgs
from .decision_rule import pql_text

MAX_FORMULA_BYTES = 8_000  # Adobe's published guardrail: a ranking formula of at most 8K.


def _integer(value: str) -> str:
    # The create page sends "integer", the look-up answers "INTEGER": one canonical form, so no perpetual diff.
    if value.upper() != "INTEGER":
        raise ValueError(f"must be integer, got {value!r}")
    return "INTEGER"


class FormulaExpression(ApiModel):
    """The formula, in Profile Query Language."""

    type: Literal["PQL"] = Field(default="PQL", description="`PQL`, the only language Adobe takes.")
    format: Literal["pql/text"] = Field(default="pql/text", description="`pql/text`.")
    value: str = Field(description='The expression, such as `if( offer.characteristics.team = "growth", 10, 1)`.')

    @field_validator("value")
    @classmethod
    def _size(cls, value: str) -> str:
        return pql_text(value, MAX_FORMULA_BYTES)


class ReturnType(ApiModel):
    """What the formula evaluates to."""

    type: Annotated[str, AfterValidator(_integer)] = Field(
        default="INTEGER", description="`integer` (any case; kept upper-case, as Adobe answers)."
    )


class RankingFormulaFields(ApiModel):
    """The user-owned fields of a ranking formula."""

    name: Name = Field(description="The formula's name.")
    description: Optional[str] = Field(default=None, max_length=4000, description="What it favours.")
    expression: FormulaExpression = Field(description="The PQL expression that scores an offer.")
    return_type: ReturnType = Field(alias="returnType", description="What the expression returns: an integer.")
    defined_on: Optional[DefinedOn] = Field(
        default=None,
        alias="definedOn",
        description="The schemas the expression is defined on, by variable (`offer`, ...): each a schema `ref` or "
        "`altId` and `version`.",
    )
    exd_function: ModelFlag = Field(
        default=None,
        alias="exdFunction",
        description="`True` for a Decisioning ranking formula (selection strategies rank by it); unset for a legacy "
        "one. Changing it replaces the formula; adoption never crosses it.",
    )
    is_pure: Optional[bool] = Field(default=None, alias="isPure", description="Adobe's `isPure` flag.")


RANKING_FORMULA = ResourceSpec(
    kind="RankingFormula",
    label="ranking formula",
    model=RankingFormulaFields,
    endpoint=Endpoint("/ranking-formulas"),
    family=Family("exdFunction", "Decisioning ranking formula", "legacy ranking formula"),
    example={
        "name": "Favour the growth team",
        "expression": {
            "type": "PQL",
            "format": "pql/text",
            "value": 'if(offer.characteristics.team = "growth", 10, 1)',
        },
        "returnType": {"type": "integer"},
    },
)


@pickled_by_package
class RankingFormulaProvider(SpecProvider):
    """CRUD for Adobe Journey Optimizer ranking formulas through the Offer Library API."""

    spec = RANKING_FORMULA


class RankingFormula(SpecResource, RankingFormulaOutputs, module="adobe", name="RankingFormula"):
    """A ranking formula in an Adobe Journey Optimizer sandbox, managed by Pulumi.

    Decisions rank by it (``RankOrderArgs(order_evaluation_type="ranking-strategy", ranking_strategy=formula.id)``).
    """

    _spec = RANKING_FORMULA
    _provider_class = RankingFormulaProvider

    def __init__(
        self,
        resource_name: str,
        args: Union[RankingFormulaArgs, Mapping[str, Any], None] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """Declare a ranking formula: ``args`` as ``RankingFormulaArgs`` or a dict in the API's camelCase shape."""
        super().__init__(resource_name, args, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        sandbox_name: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "RankingFormula":
        """A read-only reference to a ranking formula this stack does not manage."""
        return cls._read(resource_name, id, sandbox_name, opts)
