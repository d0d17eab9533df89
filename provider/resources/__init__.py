"""Every Offer Library kind, one module each: its model, its spec, its provider and its resource."""

from __future__ import annotations

from ..spec import ResourceSpec
from .collection import COLLECTION
from .collection_qualifier import COLLECTION_QUALIFIER
from .decision import DECISION
from .decision_rule import DECISION_RULE
from .fallback_offer import FALLBACK_OFFER
from .personalized_offer import PERSONALIZED_OFFER
from .placement import PLACEMENT
from .ranking_formula import RANKING_FORMULA

SPECS: tuple[ResourceSpec, ...] = (
    COLLECTION_QUALIFIER, PLACEMENT, DECISION_RULE, RANKING_FORMULA,
    FALLBACK_OFFER, PERSONALIZED_OFFER, COLLECTION, DECISION,
)
"""Every kind, in an order where what is referenced comes first (the order of the generated Args and docs)."""
