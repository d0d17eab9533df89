"""Every Offer Library kind, one module each: its model, its spec, its provider and its resource."""

from __future__ import annotations

from ..spec import ResourceSpec
from .fallback_offer import FALLBACK_OFFER

SPECS: tuple[ResourceSpec, ...] = (FALLBACK_OFFER,)
"""Every kind, in the order the generated Args and the docs list them."""
