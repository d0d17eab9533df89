"""A client of an API served by a test on 127.0.0.1: the settings a stack would give, pointed at ``base``."""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

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


def issued_token() -> Response:
    """IMS's answer to ``client_at``'s token request (its ``/token``): a bearer token good for an hour."""
    return Response(
        json.dumps({"access_token": "t", "token_type": "bearer", "expires_in": 3600}),
        content_type="application/json",
    )
