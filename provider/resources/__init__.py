"""Every Offer Library kind, one module each: its model, its spec, its provider and its resource."""

from __future__ import annotations

from ..spec import ResourceSpec
from .decision import DECISION
from .fallback_offer import FALLBACK_OFFER
from .placement import PLACEMENT

SPECS: tuple[ResourceSpec, ...] = (PLACEMENT, FALLBACK_OFFER, DECISION)
"""Every kind, in the order the generated Args and the docs list them (what is referenced first)."""
