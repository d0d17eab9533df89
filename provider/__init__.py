"""offerform: Adobe Journey Optimizer decision management as Pulumi resources, both models.

Every kind, each with its ``...Args`` and ``...Provider``. Offer Decisioning (legacy): ``Placement``,
``FallbackOffer``, ``PersonalizedOffer``, ``CollectionQualifier``, ``Collection`` and ``Decision``.
Decisioning: ``DecisionItem``, ``ItemCollection``, ``SelectionStrategy`` and ``DecisioningPlacement``.
Both: ``DecisionRule`` (``exd_rule=True`` for an eligibility rule) and ``RankingFormula``
(``exd_function=True``), one collection each in Adobe.
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
    from .resources.decision_item import DecisionItem, DecisionItemProvider
    from .resources.decision_rule import DecisionRule, DecisionRuleProvider
    from .resources.decisioning_placement import DecisioningPlacement, DecisioningPlacementProvider
    from .resources.fallback_offer import FallbackOffer, FallbackOfferProvider
    from .resources.item_collection import ItemCollection, ItemCollectionProvider
    from .resources.personalized_offer import PersonalizedOffer, PersonalizedOfferProvider
    from .resources.placement import Placement, PlacementProvider
    from .resources.ranking_formula import RankingFormula, RankingFormulaProvider
    from .resources.selection_strategy import SelectionStrategy, SelectionStrategyProvider
    from .sdk.args import (
        CalendarConstraintsArgs,
        CappingConstraintArgs,
        CollectionArgs,
        CollectionQualifierArgs,
        ComponentArgs,
        CriterionRankArgs,
        DecisionArgs,
        DecisionCriterionArgs,
        DecisioningPlacementArgs,
        DecisionItemArgs,
        DecisionRuleArgs,
        EligibilityConstraintArgs,
        FallbackOfferArgs,
        FormulaExpressionArgs,
        FrequencyCappingConstraintArgs,
        FrequencyRepeatArgs,
        ItemCollectionArgs,
        ItemCollectionRuleArgs,
        ItemSelectionArgs,
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
        SelectionStrategyArgs,
        StrategyOrderArgs,
        StrategyRankArgs,
    )

__all__ = [
    "CalendarConstraintsArgs",
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
    "DecisionItem",
    "DecisionItemArgs",
    "DecisionItemProvider",
    "DecisionProvider",
    "DecisionRule",
    "DecisionRuleArgs",
    "DecisionRuleProvider",
    "DecisioningPlacement",
    "DecisioningPlacementArgs",
    "DecisioningPlacementProvider",
    "EligibilityConstraintArgs",
    "FallbackOffer",
    "FallbackOfferArgs",
    "FallbackOfferProvider",
    "FormulaExpressionArgs",
    "FrequencyCappingConstraintArgs",
    "FrequencyRepeatArgs",
    "ItemCollection",
    "ItemCollectionArgs",
    "ItemCollectionProvider",
    "ItemCollectionRuleArgs",
    "ItemSelectionArgs",
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
    "SelectionStrategy",
    "SelectionStrategyArgs",
    "SelectionStrategyProvider",
    "StrategyOrderArgs",
    "StrategyRankArgs",
    "__version__",
]
