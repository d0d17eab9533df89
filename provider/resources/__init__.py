"""Every kind, Offer Library and Decisioning, one module each: its model, its spec, its provider and its resource.

Nothing here imports them: a plugin process loads only the kind it serves (``provider.__getattr__``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.spec import ResourceSpec

    SPECS: tuple[ResourceSpec, ...]

KIND_MODULES: dict[str, str] = {
    "CollectionQualifier": "collection_qualifier",
    "Placement": "placement",
    "DecisionRule": "decision_rule",
    "RankingFormula": "ranking_formula",
    "FallbackOffer": "fallback_offer",
    "PersonalizedOffer": "personalized_offer",
    "Collection": "collection",
    "Decision": "decision",
    # Journey Optimizer Decisioning (the model Adobe now points new work to); rules and formulas are shared above.
    "DecisioningPlacement": "decisioning_placement",
    "DecisionItem": "decision_item",
    "ItemCollection": "item_collection",
    "SelectionStrategy": "selection_strategy",
}
"""Every kind and its module, in an order where what is referenced comes first.

That is the order of the generated Args and docs.
"""


def __getattr__(name: str) -> Any:
    if name != "SPECS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # Each module names its spec after itself: fallback_offer holds FALLBACK_OFFER.
    specs = tuple(
        getattr(importlib.import_module(f".{module}", __name__), module.upper()) for module in KIND_MODULES.values()
    )
    globals()["SPECS"] = specs
    return specs
