"""Someone else at work in the sandbox: direct API calls, as the Adobe UI would make them."""

from __future__ import annotations

from typing import Any

import requests
from offerform_emulator import Emulator

from harness.stack_config import ORG, SANDBOX
from provider.core.spec import ResourceSpec
from provider.resources.fallback_offer import FALLBACK_OFFER


class AdobeUi:
    """Edits objects of one kind behind the stack's back.

    Then clears the emulator's log, so tests count only the provider's requests.
    """

    def __init__(self, emu: Emulator, sandbox: str = SANDBOX, spec: ResourceSpec = FALLBACK_OFFER) -> None:
        self._emu = emu
        self._sandbox = sandbox
        self._endpoint = spec.endpoint
        self._token = requests.post(
            emu.ims_url,
            data={
                "grant_type": "client_credentials",
                "client_id": emu.client_id,
                "client_secret": emu.client_secret,
                "scope": "openid",
            },
            timeout=10,
        ).json()["access_token"]

    def patch(self, object_id: str, operations: list[dict[str, Any]]) -> None:
        self._call("PATCH", self._endpoint.item(object_id), json=operations)

    def delete(self, object_id: str) -> None:
        self._call("DELETE", self._endpoint.item(object_id))

    def _call(self, method: str, path: str, **kwargs: Any) -> None:
        response = requests.request(
            method,
            self._emu.dps_url + path,
            params=dict(self._endpoint.query),
            headers={
                "Authorization": f"Bearer {self._token}",
                "x-api-key": self._emu.client_id,
                "x-gw-ims-org-id": ORG,
                "x-sandbox-name": self._sandbox,
                **(
                    {"x-schema-id": self._emu.catalog_schema_id(ORG, self._sandbox)}
                    if self._endpoint.item_schema
                    else {}
                ),
            },
            timeout=10,
            **kwargs,
        )
        assert response.ok, response.text
        self._emu.log.clear()
