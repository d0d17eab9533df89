"""What the lifecycle suite needs to know of each kind: a valid declaration and the edits it makes.

A new kind joins the suite by adding one ``KindCase`` here; everything else it must pass is in
``test_kinds_lifecycle.py``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from offerform_emulator import Emulator

from harness.offers import EMAIL, WEB, offer
from harness.stack_config import ORG, TENANT
from provider.core.spec import SANDBOX_NAME, ResourceSpec
from provider.engine.patch import pointer
from provider.resources.collection import COLLECTION
from provider.resources.collection_qualifier import COLLECTION_QUALIFIER
from provider.resources.decision import DECISION
from provider.resources.decision_item import DECISION_ITEM
from provider.resources.decision_rule import DECISION_RULE
from provider.resources.decisioning_placement import DECISIONING_PLACEMENT
from provider.resources.fallback_offer import FALLBACK_OFFER
from provider.resources.item_collection import ITEM_COLLECTION
from provider.resources.personalized_offer import PERSONALIZED_OFFER
from provider.resources.placement import PLACEMENT
from provider.resources.ranking_formula import RANKING_FORMULA
from provider.resources.selection_strategy import SELECTION_STRATEGY

TENANT_KEY = f"_{TENANT}"
# The custom attributes of the item catalog the decision-item case declares in every sandbox it uses.
CATALOG = {"colour": "string", "points": "integer", "launch": "date"}


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
    label: Optional[str] = None
    """The case's name, when a kind has two (a rule of either model)."""
    catalog: Mapping[str, Any] = field(default_factory=dict)
    """The item catalog's custom attributes the emulator must know (decision items)."""

    def declare(self, name: str = "Made by the stack", **overrides: Any) -> dict[str, Any]:
        declared = self.make()
        declared["name"] = name
        declared.update(copy.deepcopy(overrides))
        return declared

    def prepare(self, emu: Emulator, *sandboxes: str) -> None:
        """Set up what the kind needs in the emulator's sandboxes (the item catalog's schema)."""
        if self.catalog:
            for sandbox in sandboxes:
                emu.define_catalog(ORG, sandbox, self.catalog)

    def api(self, declared: Mapping[str, Any]) -> dict[str, Any]:
        """A declaration as the API's body (nested for decision items)."""
        return self.spec.to_api(declared, TENANT_KEY)

    def fields(self, stored: Optional[Mapping[str, Any]]) -> dict[str, Any]:
        """An object the emulator holds, as the kind's flat fields."""
        assert stored is not None
        return self.spec.from_api(stored, TENANT_KEY)

    def pointer(self, name: str) -> str:
        """Where a user field sits in the API body, as a JSON Pointer."""
        return pointer(*self.spec.pointer_parts(name, TENANT_KEY))

    def moved(self, emu: Emulator, sandbox: str) -> dict[str, Any]:
        """The inputs that move the object to another sandbox (with that sandbox's catalog schema, for items)."""
        inputs: dict[str, Any] = {**self.declare(), SANDBOX_NAME: sandbox}
        if self.spec.schema_input:
            inputs[self.spec.schema_input] = emu.catalog_schema_id(ORG, sandbox)
        return inputs

    def __str__(self) -> str:
        return self.label or self.spec.kind


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


def _item() -> dict[str, Any]:
    return {
        "name": "x",
        "description": "The spring sale banner",
        "lifecycleStatus": "draft",
        "priority": 1,
        "calendarConstraints": {"startDate": "2026-06-01T00:00:00.000+00:00"},
        "profileConstraint": {"profileConstraintType": "none"},
        "attributes": {"colour": "green", "points": 100},
    }


def _rule_text(right: str) -> str:
    rule = {"operator": "equals", "value": {"left": f"{TENANT_KEY}.colour", "right": right}}
    return json.dumps(rule, separators=(",", ":"))


def _item_collection() -> dict[str, Any]:
    return {"name": "x", "description": "Green items", "constraints": [{"uiModel": _rule_text("green")}]}


def _strategy() -> dict[str, Any]:
    return {
        "name": "x",
        "description": "Green items by priority",
        "optionSelection": {"filter": "dps:item-collection:0123456789abcdef"},
        "rank": {"order": {"orderEvaluationType": "static"}},
        "profileConstraint": {"profileConstraintType": "none"},
    }


def _exd_placement() -> dict[str, Any]:
    return {"name": "x", "description": "The hero slot of the newsletter", "channel": EMAIL, "status": "active"}


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
    KindCase(
        DECISION_ITEM,
        "decision-item",
        _item,
        ("lifecycleStatus", "approved"),
        ("priority", -1, "priority", "greater than or equal to 0"),
        catalog=CATALOG,
    ),
    KindCase(
        ITEM_COLLECTION,
        "item-collection",
        _item_collection,
        ("constraints", [{"uiModel": _rule_text("blue")}]),
        ("constraints", [], "constraints", "at least 1"),
        catalog=CATALOG,
    ),
    KindCase(
        SELECTION_STRATEGY,
        "selection-strategy",
        _strategy,
        ("rank", {"priority": 2, "order": {"orderEvaluationType": "static"}}),
        (
            "rank",
            {"order": {"orderEvaluationType": "random"}},
            "rank.order.orderEvaluationType",
            "'static' or 'scoringFunction'",
        ),
    ),
    KindCase(
        DECISIONING_PLACEMENT,
        "exd-placement",
        _exd_placement,
        ("tags", ["3d75b849-b344-402b-9d9e-5d750bd46884"]),
        ("status", "deleted", "status", "'active' or 'archived'"),
    ),
    KindCase(
        DECISION_RULE,
        "eligibility-rule",
        lambda: {**_rule(), "exdRule": True},
        ("condition", _pql('profile.loyalty.tier.equals("silver", false)')),
        ("condition", {"type": "SQL", "format": "pql/text", "value": "x"}, "condition.type", "'PQL'"),
        label="DecisionRule-exdRule",
    ),
    KindCase(
        RANKING_FORMULA,
        "exd-ranking-formula",
        lambda: {**_formula(), "exdFunction": True},
        ("expression", _pql("offer.rank.priority")),
        ("returnType", {"type": "string"}, "returnType.type", "must be integer"),
        label="RankingFormula-exdFunction",
    ),
)
