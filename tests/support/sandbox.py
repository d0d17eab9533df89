"""A sandbox made in the Adobe UI: objects of every kind, referring to each other as real setups do."""

from __future__ import annotations

from typing import Any

from offerform_emulator import Emulator

from harness.offers import EMAIL, WEB, offer

UI_CLIENT = "ui-user-client"
OLDER_FORM = "https://ns.adobe.com/experience/offer-management/content-component-"
"""The older URI form of a content type, which objects made by the older UI still carry."""
PROFILE_UNION = {"ref": "https://ns.adobe.com/xdm/context/profile_union", "version": "1"}


def _pql(value: str) -> dict[str, str]:
    return {"type": "PQL", "format": "pql/text", "value": value}


def seed_connected_sandbox(emu: Emulator, org: str, sandbox: str, scale: int = 1) -> dict[str, list[dict[str, Any]]]:
    """Seed every kind, references between them all valid (checked: the emulator's referential integrity
    is on while seeding); ``scale`` 1 makes 62 objects. Returns the created objects by emulator kind."""
    strict_before = emu.referential_integrity
    emu.referential_integrity = True
    made: dict[str, list[dict[str, Any]]] = {}

    def seed(kind: str, body: dict[str, Any]) -> dict[str, Any]:
        created = emu.seed(kind, org, sandbox, body, client_id=UI_CLIENT)
        made.setdefault(kind, []).append(created)
        return created

    try:
        qualifiers = [
            seed("collection-qualifier", {"name": f"Qualifier {i}", "description": f"Campaign {i}"})
            for i in range(8 * scale)
        ]
        placements = [
            seed(
                "placement",
                {
                    "name": f"Placement {i}",
                    "channel": WEB if i % 2 else EMAIL,
                    # Every fourth in the older URI form of its content type, as the older UI made them.
                    "componentType": OLDER_FORM + "html" if i % 4 == 3 else "html",
                    "itemCount": 1 + i % 3,
                },
            )
            for i in range(8 * scale)
        ]
        rules = [
            seed(
                "decision-rule",
                {
                    "name": f"Rule {i}",
                    "condition": _pql(f"profile.loyalty.points > {100 * i}"),
                    # Every other one with the schema it is defined on, as the rule builder saves them.
                    **(
                        {"definedOn": {"profile": {"schema": PROFILE_UNION, "referencePaths": ["loyalty.points"]}}}
                        if i % 2
                        else {}
                    ),
                },
            )
            for i in range(6 * scale)
        ]
        formulas = [
            seed(
                "ranking-formula",
                {
                    "name": f"Formula {i}",
                    "returnType": {"type": "integer"},
                    "expression": _pql(f"offer.rank.priority * {i + 1}"),
                    **(
                        {
                            "definedOn": {
                                "offer": {
                                    "schema": {
                                        "altId": "_experience.offer-management.personalized-offer",
                                        "version": "0",
                                    }
                                }
                            }
                        }
                        if i == 0
                        else {}
                    ),
                },
            )
            for i in range(6 * scale)
        ]

        def representation(i: int) -> dict[str, Any]:
            target = placements[i % len(placements)]
            return {
                "channel": target["channel"],
                "placement": target["id"],
                "components": [
                    {
                        "type": OLDER_FORM + "html" if i % 5 == 0 else "html",
                        "format": "text/html",
                        "content": f"<p>Offer {i}</p>",
                    }
                ],
            }

        fallbacks = [
            seed(
                "fallback-offer",
                offer(
                    f"Fallback {i}", representations=[representation(i)], tags=[qualifiers[i % len(qualifiers)]["id"]]
                ),
            )
            for i in range(10 * scale)
        ]
        personalized = [
            seed(
                "personalized-offer",
                offer(
                    f"Personalized {i}",
                    representations=[representation(i + 3)],
                    tags=[qualifiers[(i + 1) % len(qualifiers)]["id"]],
                    rank={"priority": i},
                    selectionConstraint={
                        "profileConstraintType": "eligibilityRule",
                        "eligibilityRule": rules[i % len(rules)]["id"],
                    },
                ),
            )
            for i in range(12 * scale)
        ]
        collections = [
            seed(
                "collection",
                {
                    "name": f"By qualifier {i}",
                    "filterType": "any-tags",
                    "ids": [qualifiers[i]["id"], qualifiers[i + 1]["id"]],
                },
            )
            for i in range(3 * scale)
        ]
        collections += [
            seed(
                "collection",
                {
                    "name": f"By list {i}",
                    "filterType": "offers",
                    "ids": [personalized[2 * i]["id"], personalized[2 * i + 1]["id"]],
                },
            )
            for i in range(3 * scale)
        ]
        for i in range(6 * scale):
            seed(
                "decision",
                {
                    "name": f"Decision {i}",
                    "status": "draft",
                    "fallback": fallbacks[i]["id"],
                    "criteria": [
                        {
                            "placements": [placements[i]["id"], placements[i + 1]["id"]],
                            "optionSelection": {"filter": collections[i]["id"]},
                            "rank": {
                                "order": {
                                    "orderEvaluationType": "ranking-strategy",
                                    "rankingStrategy": formulas[i]["id"],
                                }
                            },
                            "profileConstraint": {
                                "profileConstraintType": "eligibilityRule",
                                "eligibilityRule": rules[i]["id"],
                            },
                        }
                    ],
                },
            )
    finally:
        emu.referential_integrity = strict_before
    return made


# The item catalog's custom attributes in a sandbox seeded with Decisioning objects.
DECISIONING_CATALOG = {"colour": "string", "points": "integer", "launch": "date"}


def seed_decisioning_sandbox(emu: Emulator, org: str, sandbox: str, tenant: str) -> dict[str, list[dict[str, Any]]]:
    """Seed Adobe's Decisioning model beside whatever is there: 2 eligibility rules, 2 Decisioning ranking formulas,
    2 Decisioning placements, 4 decision items with catalog attributes, 2 item collections and 2 selection
    strategies naming them (referential integrity on while seeding). Returns the objects by emulator kind."""
    strict_before = emu.referential_integrity
    emu.referential_integrity = True
    emu.define_catalog(org, sandbox, DECISIONING_CATALOG)
    made: dict[str, list[dict[str, Any]]] = {}

    def seed(kind: str, body: dict[str, Any]) -> dict[str, Any]:
        created = emu.seed(kind, org, sandbox, body, client_id=UI_CLIENT)
        made.setdefault(kind, []).append(created)
        return created

    try:
        rules = [
            seed(
                "eligibility-rule",
                {"name": f"Eligible {i}", "exdRule": True, "condition": _pql(f"profile.loyalty.points > {50 * i}")},
            )
            for i in range(2)
        ]
        formulas = [
            seed(
                "exd-ranking-formula",
                {
                    "name": f"Score {i}",
                    "exdFunction": True,
                    "returnType": {"type": "integer"},
                    "expression": _pql(f"offer.rank.priority * {i + 2}"),
                },
            )
            for i in range(2)
        ]
        for i in range(2):
            seed("exd-placement", {"name": f"Newsletter slot {i}", "channel": EMAIL, "status": "active"})
        for i in range(4):
            decision_item = {
                "itemName": f"Item {i}",
                "itemPriority": i,
                "itemDescription": f"Spring item {i}",
                "itemConstraints": (
                    {"profileConstraintType": "eligibilityRule", "eligibilityRule": rules[i % 2]["id"]}
                    if i % 2
                    else {"profileConstraintType": "none"}
                ),
            }
            seed(
                "decision-item",
                {
                    "_experience": {
                        "decisioning": {"offeritem": {"lifecycleStatus": "approved"}, "decisionitem": decision_item}
                    },
                    f"_{tenant}": {"colour": "green" if i % 2 else "blue", "points": 10 * i},
                },
            )
        collections = [
            seed(
                "item-collection",
                {
                    "name": f"{colour.title()} items",
                    "constraints": [
                        {
                            "uiModel": (
                                '{"operator":"equals","value":{"left":"_%s.colour","right":"%s"}}' % (tenant, colour)
                            )
                        }
                    ],
                },
            )
            for colour in ("green", "blue")
        ]
        for i in range(2):
            seed(
                "selection-strategy",
                {
                    "name": f"Strategy {i}",
                    "optionSelection": {"filter": collections[i]["id"]},
                    "rank": {"order": {"orderEvaluationType": "scoringFunction", "function": formulas[i]["id"]}},
                    "profileConstraint": {
                        "profileConstraintType": "eligibilityRule",
                        "eligibilityRule": rules[i]["id"],
                    },
                },
            )
    finally:
        emu.referential_integrity = strict_before
    return made
