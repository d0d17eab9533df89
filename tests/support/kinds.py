"""What the lifecycle suite needs to know of each kind: a valid declaration and the edits it makes.

A new kind joins the suite by adding one ``KindCase`` here; everything else it must pass is in
``test_kinds_lifecycle.py``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable

from harness.offers import EMAIL, WEB, offer
from provider.core.spec import ResourceSpec
from provider.resources.collection import COLLECTION
from provider.resources.collection_qualifier import COLLECTION_QUALIFIER
from provider.resources.decision import DECISION
from provider.resources.decision_rule import DECISION_RULE
from provider.resources.fallback_offer import FALLBACK_OFFER
from provider.resources.personalized_offer import PERSONALIZED_OFFER
from provider.resources.placement import PLACEMENT
from provider.resources.ranking_formula import RANKING_FORMULA


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
    return {
        "name": "x",
        "description": "The banner at the top of the home page",
        "channel": WEB,
        "componentType": "imagelink",
        "itemCount": 1,
        "returnMetaData": {"offerName": True, "placementName": False},
    }


def _decision() -> dict[str, Any]:
    return {
        "name": "x",
        "description": "Spring decision",
        "status": "draft",
        "fallback": "dps:fallback-offer:0123456789abcdef",
        "criteria": [
            {
                "placements": ["dps:offer-placement:0123456789abcdef"],
                "optionSelection": {"filter": "dps:offer-filter:0123456789abcdef"},
                "profileConstraint": {"profileConstraintType": "none"},
            }
        ],
    }


def _personalized_offer() -> dict[str, Any]:
    return offer(
        selectionConstraint={"startDate": "2026-06-01T00:00:00.000+00:00", "profileConstraintType": "none"},
        rank={"priority": 2},
        cappingConstraint={"globalCap": 1000, "profileCap": 3},
        frequencyCappingConstraints=[{"limit": 1, "scope": "profile", "entity": "offer", "enabled": True}],
    )


def _qualifier() -> dict[str, Any]:
    return {"name": "x", "description": "Offers of the spring campaign"}


def _collection() -> dict[str, Any]:
    return {"name": "x", "description": "Spring offers", "filterType": "any-tags", "ids": ["dps:tag:0123456789abcdef"]}


def _pql(value: str) -> dict[str, Any]:
    return {"type": "PQL", "format": "pql/text", "value": value}


def _rule() -> dict[str, Any]:
    return {"name": "x", "description": "Gold members", "condition": _pql('profile.loyalty.tier.equals("gold", false)')}


def _formula() -> dict[str, Any]:
    return {
        "name": "x",
        "description": "Favour the growth team",
        "returnType": {"type": "integer"},
        "expression": _pql('if(offer.characteristics.team = "growth", 10, 1)'),
    }


KINDS = (
    KindCase(
        FALLBACK_OFFER,
        "fallback-offer",
        offer,
        ("status", "archived"),
        ("representations", [], "representations", "at least 1"),
    ),
    KindCase(
        PLACEMENT,
        "placement",
        _placement,
        ("channel", EMAIL),
        ("componentType", "video", "componentType", "'html', 'imagelink', 'text' or 'json'"),
    ),
    KindCase(
        DECISION,
        "decision",
        _decision,
        ("status", "live"),
        ("criteria", [{"placements": []}], "criteria[0].placements", "at least 1"),
    ),
    KindCase(
        PERSONALIZED_OFFER,
        "personalized-offer",
        _personalized_offer,
        ("status", "archived"),
        (
            "frequencyCappingConstraints",
            [{"limit": 0, "scope": "global", "entity": "offer"}],
            "frequencyCappingConstraints[0].limit",
            "greater than or equal to 1",
        ),
    ),
    KindCase(
        COLLECTION_QUALIFIER,
        "collection-qualifier",
        _qualifier,
        ("description", "Renamed campaign"),
        ("description", 7, "description", "must be a string"),
    ),
    KindCase(
        COLLECTION,
        "collection",
        _collection,
        ("filterType", "all-tags"),
        ("filterType", "some", "filterType", "'any-tags', 'all-tags' or 'offers'"),
    ),
    KindCase(
        DECISION_RULE,
        "decision-rule",
        _rule,
        ("condition", _pql('profile.loyalty.tier.equals("silver", false)')),
        ("condition", {"type": "SQL", "format": "pql/text", "value": "x"}, "condition.type", "'PQL'"),
    ),
    KindCase(
        RANKING_FORMULA,
        "ranking-formula",
        _formula,
        ("expression", _pql("offer.rank.priority")),
        ("returnType", {"type": "string"}, "returnType.type", "must be integer"),
    ),
)
