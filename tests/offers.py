"""Offer declarations used across the suite, in the API's (camelCase) shape."""

from __future__ import annotations

import copy
from typing import Any

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
