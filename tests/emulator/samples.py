"""A valid body of every kind, after the create examples of Adobe's pages (ids are placeholders)."""

from __future__ import annotations

import copy
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
}
KIND_NAMES = list(SAMPLES)


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
    """A copy of the kind's sample with top-level fields replaced (an override of None removes the field)."""
    return with_overrides(SAMPLES[kind], overrides)
