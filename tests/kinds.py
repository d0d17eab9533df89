"""What the lifecycle suite needs to know of each kind: a valid declaration and the edits it makes.

A new kind joins the suite by adding one ``KindCase`` here; everything else it must pass is in
``test_kinds_lifecycle.py``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable

from provider.resources.decision import DECISION
from provider.resources.fallback_offer import FALLBACK_OFFER
from provider.resources.placement import PLACEMENT
from provider.spec import ResourceSpec

from .offers import EMAIL, WEB, offer


@dataclass(frozen=True)
class KindCase:
    """One kind as the suite drives it."""

    spec: ResourceSpec
    emulator_kind: str
    make: Callable[[], dict[str, Any]]
    """A valid declaration in the API's shape, with a ``name`` and a ``description``."""
    ui_edit: tuple[str, Any]
    """A user-owned field someone changes in the Adobe UI, and its new value."""
    bad_input: tuple[str, Any, str, str]
    """A field set to a bad value, the property the failure names and words of its reason."""

    def declare(self, name: str = "Made by the stack", **overrides: Any) -> dict[str, Any]:
        declared = self.make()
        declared["name"] = name
        declared.update(copy.deepcopy(overrides))
        return declared

    def __str__(self) -> str:
        return self.spec.kind


def _placement() -> dict[str, Any]:
    return {"name": "x", "description": "The banner at the top of the home page", "channel": WEB,
            "componentType": "imagelink", "itemCount": 1,
            "returnMetaData": {"offerName": True, "placementName": False}}


def _decision() -> dict[str, Any]:
    return {"name": "x", "description": "Spring decision", "status": "draft",
            "fallback": "dps:fallback-offer:0123456789abcdef",
            "criteria": [{"placements": ["dps:offer-placement:0123456789abcdef"],
                          "optionSelection": {"filter": "dps:offer-filter:0123456789abcdef"},
                          "profileConstraint": {"profileConstraintType": "none"}}]}


KINDS = (
    KindCase(FALLBACK_OFFER, "fallback-offer", offer, ("status", "archived"),
             ("representations", [], "representations", "at least 1")),
    KindCase(PLACEMENT, "placement", _placement, ("channel", EMAIL),
             ("componentType", "video", "componentType", "'html', 'imagelink', 'text' or 'json'")),
    KindCase(DECISION, "decision", _decision, ("status", "live"),
             ("criteria", [{"placements": []}], "criteria[0].placements", "at least 1")),
)
