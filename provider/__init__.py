"""offerform: Adobe Journey Optimizer decision management as Pulumi resources.

Every kind (``provider/resources/``), each with its ``<Kind>Args`` and ``<Kind>Provider``, and the Args of the
blocks inside them: ``__all__`` lists them all.
"""

__version__ = "0.1.0"

import importlib
from typing import TYPE_CHECKING, Any

from .resources import KIND_MODULES


def __getattr__(name: str) -> Any:
    """Load the module behind ``name`` when it is first used.

    Every ``pulumi`` command starts a plugin process whose first Check unpickles one provider class
    (``provider.FallbackOfferProvider``): it imports that kind's module, not every kind's.
    """
    if name in ("args", "outputs"):  # ``provider.args.FallbackOfferArgs``, as before the names loaded lazily
        value: Any = importlib.import_module(f".sdk.{name}", __name__)
    elif name.endswith("Args"):
        value = getattr(importlib.import_module(".sdk.args", __name__), name)
    elif (kind := name.removesuffix("Provider")) in KIND_MODULES:
        value = getattr(importlib.import_module(f".resources.{KIND_MODULES[kind]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


# Written by python -m provider.generators.sdk_args from the kinds' specs, from here on.
if TYPE_CHECKING:
    from .resources.collection import Collection, CollectionProvider
    from .resources.collection_qualifier import CollectionQualifier, CollectionQualifierProvider
    from .resources.decision import Decision, DecisionProvider
    from .resources.decision_rule import DecisionRule, DecisionRuleProvider
    from .resources.fallback_offer import FallbackOffer, FallbackOfferProvider
    from .resources.personalized_offer import PersonalizedOffer, PersonalizedOfferProvider
    from .resources.placement import Placement, PlacementProvider
    from .resources.ranking_formula import RankingFormula, RankingFormulaProvider
    from .sdk.args import (
        CappingConstraintArgs,
        CollectionArgs,
        CollectionQualifierArgs,
        ComponentArgs,
        CriterionRankArgs,
        DecisionArgs,
        DecisionCriterionArgs,
        DecisionRuleArgs,
        FallbackOfferArgs,
        FormulaExpressionArgs,
        FrequencyCappingConstraintArgs,
        FrequencyRepeatArgs,
        OfferEligibilityArgs,
        OptionSelectionArgs,
        PersonalizedOfferArgs,
        PlacementArgs,
        ProfileConstraintArgs,
        RankArgs,
        RankingFormulaArgs,
        RankOrderArgs,
        RepresentationArgs,
        ReturnMetadataArgs,
        ReturnTypeArgs,
        RuleConditionArgs,
        SchemaBindingArgs,
        SchemaReferenceArgs,
        SelectionConstraintArgs,
    )

__all__ = [
    "CappingConstraintArgs",
    "Collection",
    "CollectionArgs",
    "CollectionProvider",
    "CollectionQualifier",
    "CollectionQualifierArgs",
    "CollectionQualifierProvider",
    "ComponentArgs",
    "CriterionRankArgs",
    "Decision",
    "DecisionArgs",
    "DecisionCriterionArgs",
    "DecisionProvider",
    "DecisionRule",
    "DecisionRuleArgs",
    "DecisionRuleProvider",
    "FallbackOffer",
    "FallbackOfferArgs",
    "FallbackOfferProvider",
    "FormulaExpressionArgs",
    "FrequencyCappingConstraintArgs",
    "FrequencyRepeatArgs",
    "OfferEligibilityArgs",
    "OptionSelectionArgs",
    "PersonalizedOffer",
    "PersonalizedOfferArgs",
    "PersonalizedOfferProvider",
    "Placement",
    "PlacementArgs",
    "PlacementProvider",
    "ProfileConstraintArgs",
    "RankArgs",
    "RankOrderArgs",
    "RankingFormula",
    "RankingFormulaArgs",
    "RankingFormulaProvider",
    "RepresentationArgs",
    "ReturnMetadataArgs",
    "ReturnTypeArgs",
    "RuleConditionArgs",
    "SchemaBindingArgs",
    "SchemaReferenceArgs",
    "SelectionConstraintArgs",
    "__version__",
]
