"""A client of an API served by a test on 127.0.0.1: the settings a stack would give, pointed at ``base``."""

from __future__ import annotations

from provider.adobe.client import AdobeClient
from provider.core.settings import Settings


def client_at(base: str) -> AdobeClient:
    """An ``AdobeClient`` whose API and IMS both live under ``base`` (``http://127.0.0.1:<port>``)."""
    return AdobeClient(
        Settings.load(
            {
                "adobe:clientId": "c",
                "adobe:clientSecret": "s",
                "adobe:imsOrgId": "o@AdobeOrg",
                "adobe:endpoint": base + "/data/core/dps",
                "adobe:imsEndpoint": base + "/token",
            }.get,
            {},
        )
    )
