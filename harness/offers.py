"""Offer declarations used across the suite, in the API's (camelCase) shape."""

from __future__ import annotations

import copy
from typing import Any

import pulumi

WEB = "https://ns.adobe.com/xdm/channel-types/web"
EMAIL = "https://ns.adobe.com/xdm/channel-types/email"


def offer(name: str = "Spring fallback", **overrides: Any) -> dict[str, Any]:
    """A valid declaration; keyword arguments replace or add top-level fields."""
    declared: dict[str, Any] = {
        "name": name,
        "description": "Shown when no personalized offer qualifies",
        "status": "approved",
        "representations": [
            {
                "channel": WEB,
                "placement": "dps:offer-placement:1a2b3c4d5e6f",
                "components": [
                    {
                        "type": "imagelink",
                        "format": "image/png",
                        "deliveryURL": "https://cdn.example.com/spring.png",
                        "linkURL": "https://www.example.com/spring",
                        "language": ["en-US"],
                    }
                ],
            }
        ],
        "characteristics": {"campaign": "spring", "team": "growth"},
    }
    declared.update(copy.deepcopy(overrides))
    return declared


def plain_inputs(value: Any) -> Any:
    """Typed Args, blocks inside them included, as the API-shaped dict the SDK sends for them."""
    if pulumi._types.is_input_type(type(value)):
        return {key: plain_inputs(item) for key, item in pulumi._types.input_type_to_dict(value).items()}
    if isinstance(value, list):
        return [plain_inputs(item) for item in value]
    if isinstance(value, dict):
        return {key: plain_inputs(item) for key, item in value.items()}
    return value
