"""A valid body of every kind, after the create examples of Adobe's pages (ids are placeholders)."""

from __future__ import annotations

import copy
import json
from typing import Any

WEB = "https://ns.adobe.com/xdm/channel-types/web"

_REPRESENTATIONS = [
    {
        "channel": WEB,
        "placement": "dps:offer-placement:0000000000000001",
        "components": [
            {
                "type": "html",
                "format": "text/html",
                "language": ["en-us"],
                "content": "Hello You qualify for our Discount of 60%",
            }
        ],
    }
]

SAMPLES: dict[str, dict[str, Any]] = {
    "fallback-offer": {
        "name": "Spring fallback",
        "description": "Shown when nothing else fits",
        "status": "approved",
        "representations": [
            {
                "channel": WEB,
                "placement": "xcore:offer-placement:1234",
                "components": [
                    {
                        "type": "imagelink",
                        "format": "image/png",
                        "language": ["en-us"],
                        "deliveryURL": "https://example.com/spring.png",
                        "linkURL": "https://example.com/spring",
                    }
                ],
            }
        ],
        "characteristics": {"season": "spring"},
    },
    "personalized-offer": {
        "name": "Test personalized offer with frequency constraint",
        "status": "draft",
        "representations": _REPRESENTATIONS,
        "selectionConstraint": {
            "startDate": "2022-07-27T05:00:00.000+00:00",
            "endDate": "2023-07-29T05:00:00.000+00:00",
            "profileConstraintType": "none",
        },
        "rank": {"priority": 0},
        "cappingConstraint": {},
        "frequencyCappingConstraints": [
            {
                "enabled": False,
                "limit": 1,
                "startDate": "2023-05-15T14:25:49.622+00:00",
                "endDate": "2023-05-25T14:25:49.622+00:00",
                "scope": "global",
                "entity": "offer",
                "repeat": {"enabled": False, "unit": "month", "unitCount": 1},
            }
        ],
    },
    "placement": {
        "name": "New placement",
        "description": "Placement description",
        "componentType": "html",
        "channel": "https://ns.adobe.com/xdm/channel-types/email",
        "itemCount": 1,
        "allowDuplicatePlacements": False,
        "returnContent": True,
        "returnMetaData": {
            "decisionName": False,
            "offerName": False,
            "offerAttributes": False,
            "offerPriority": False,
            "placementName": False,
            "channelType": False,
            "contentType": False,
        },
    },
    "decision": {
        "name": "Test Offer Decision",
        "description": "Offer Decision description",
        "status": "live",
        "startDate": "2021-08-23T07:00:00.000+00:00",
        "endDate": "2021-08-25T07:00:00.000+00:00",
        "fallback": "dps:fallback-offer:0000000000000001",
        "criteria": [
            {
                "placements": ["dps:offer-placement:0000000000000001", "dps:offer-placement:0000000000000002"],
                "rank": {
                    "priority": 0,
                    "order": {
                        "orderEvaluationType": "ranking-strategy",
                        "rankingStrategy": "dps:ranking-function:0000000000000001",
                    },
                },
                "profileConstraint": {"profileConstraintType": "none"},
                "optionSelection": {"filter": "dps:offer-filter:0000000000000001"},
            }
        ],
    },
    "collection-qualifier": {"name": "Black Friday", "description": "Tag for black friday"},
    "collection": {
        "name": "Test Collection with tags",
        "filterType": "any-tags",
        "ids": ["dps:tag:0000000000000001"],
        "labels": ["core/C5", "custom/myLabel"],
    },
    "decision-rule": {
        "name": "Sales rule",
        "description": "Decisioning rule for sales",
        "condition": {
            "type": "PQL",
            "format": "pql/text",
            "value": 'profile.person.name.firstName.equals("Joe", false)',
        },
        "definedOn": {
            "profile": {
                "schema": {"ref": "https://ns.adobe.com/xdm/context/profile_union", "version": "1"},
                "referencePaths": ["person.name.firstName"],
            }
        },
    },
    "ranking-formula": {
        "name": "Test Ranking Function DPS",
        "description": "Ranking  function description",
        "returnType": {"type": "INTEGER"},
        "expression": {
            "type": "PQL",
            "format": "pql/text",
            "value": "if(offer.rank.priority.isNotNull(), offer.rank.priority, 0) * 2",
        },
        "definedOn": {
            "offer": {"schema": {"altId": "_experience.offer-management.personalized-offer", "version": "0"}}
        },
    },
}

# Adobe's Decisioning kinds, after the create examples of the Decisioning API pages.
SAMPLES.update(
    {
        "decision-item": {
            "_experience": {
                "decisioning": {
                    "offeritem": {"lifecycleStatus": "approved"},
                    "decisionitem": {
                        "itemCalendarConstraints": {
                            "endDate": "2030-12-31T08:00:00.000Z",
                            "startDate": "2024-06-10T04:00:00.000Z",
                        },
                        "itemCatalogID": "itemCatalog1234",
                        "itemConstraints": {
                            "eligibilityRule": "dps:eligibility-rule:0000000000000001",
                            "profileConstraintType": "eligibilityRule",
                        },
                        "itemDescription": "Offer item description",
                        "itemName": "Offer Item One",
                        "itemPriority": 1,
                    },
                }
            }
        },
        "item-collection": {
            "name": "Item collection One",
            "description": "Item collection",
            "constraints": [
                {
                    "itemCatalogId": "itemCatalog1234",
                    "uiModel": json.dumps(
                        {
                            "operator": "equals",
                            "value": {"left": "_experience.decisioning.decisionitem.itemName", "right": "Some item"},
                        }
                    ),
                }
            ],
        },
        "selection-strategy": {
            "name": "Selection Strategy One",
            "description": "Selection Strategy",
            "rank": {"priority": 1, "order": {"orderEvaluationType": "static"}},
            "profileConstraint": {
                "profileConstraintType": "eligibilityRule",
                "eligibilityRule": "dps:eligibility-rule:0000000000000001",
            },
            "optionSelection": {"filter": "dps:item-collection:0000000000000001"},
        },
        "eligibility-rule": {
            "name": "test rule",
            "description": "Gold members in San Jose",
            "exdRule": True,
            "condition": {
                "type": "PQL",
                "format": "pql/text",
                "value": 'billingAddress.city.equals("san jose", false)',
            },
        },
        "exd-ranking-formula": {
            "name": "Test Ranking Function DPS",
            "description": "Ranking  function description",
            "exdFunction": True,
            "returnType": {"type": "INTEGER"},
            "expression": {
                "type": "PQL",
                "format": "pql/text",
                "value": "if(offer.rank.priority.isNotNull(), offer.rank.priority, 0) * 2",
            },
            "definedOn": {
                "offer": {"schema": {"altId": "_experience.offer-management.personalized-offer", "version": "0"}}
            },
        },
        "exd-placement": {
            "name": "Test Exd Placement1 Pants",
            "channel": "https://ns.adobe.com/xdm/channel-types/email",
            "tags": ["3d75b849-b344-402b-9d9e-5d750bd46884"],
            "channelConfiguration": "530b76f9-dcd6-4fd5-8c52-38e29b04a60a",
            "description": "compressing alarm",
            "status": "active",
        },
    }
)
KIND_NAMES = list(SAMPLES)
# Where a kind keeps its name, when not in `name` (a decision item's is a standard attribute).
NAME_PATHS = {"decision-item": "_experience.decisioning.decisionitem.itemName"}


def name_path(kind: str) -> str:
    """The dot path of the kind's name (`name` for all but decision items)."""
    return NAME_PATHS.get(kind, "name")


def name_pointer(kind: str) -> str:
    """The JSON Pointer of the kind's name, for patches."""
    return "/" + name_path(kind).replace(".", "/")


def name_of(kind: str, doc: dict[str, Any]) -> Any:
    """The name of an object of this kind (None when it has none)."""
    value: Any = doc
    for segment in name_path(kind).split("."):
        value = value.get(segment) if isinstance(value, dict) else None
    return value


def with_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``base`` with top-level keys replaced; an override of None removes the key."""
    result = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def sample(kind: str, **overrides: Any) -> dict[str, Any]:
    """A copy of the kind's sample with top-level fields replaced (an override of None removes the field).

    `name` sets (or, None, removes) the kind's name wherever the kind keeps it.
    """
    name_given = "name" in overrides and kind in NAME_PATHS
    name = overrides.pop("name", None) if name_given else None
    result = with_overrides(SAMPLES[kind], overrides)
    if name_given:
        *parents, last = name_path(kind).split(".")
        node = result
        for segment in parents:
            node = node[segment]
        if name is None:
            node.pop(last, None)
        else:
            node[last] = name
    return result
