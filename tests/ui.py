"""Someone else at work in the sandbox: direct API calls, as the Adobe UI would make them."""

from __future__ import annotations

from typing import Any

import requests

from offerform_emulator import Emulator

from .conftest import ORG, SANDBOX


class AdobeUi:
    """Edits offers behind the stack's back, then clears the emulator's log so tests count only the provider."""

    def __init__(self, emu: Emulator, sandbox: str = SANDBOX) -> None:
        self._emu = emu
        self._sandbox = sandbox
        self._token = requests.post(emu.ims_url, data={
            "grant_type": "client_credentials", "client_id": emu.client_id,
            "client_secret": emu.client_secret, "scope": "openid"}, timeout=10).json()["access_token"]

    def patch(self, offer_id: str, operations: list[dict[str, Any]]) -> None:
        self._call("PATCH", f"/offers/{offer_id}", json=operations)

    def delete(self, offer_id: str) -> None:
        self._call("DELETE", f"/offers/{offer_id}")

    def _call(self, method: str, path: str, **kwargs: Any) -> None:
        response = requests.request(method, self._emu.dps_url + path, params={"offer-type": "fallback"}, headers={
            "Authorization": f"Bearer {self._token}", "x-api-key": self._emu.client_id,
            "x-gw-ims-org-id": ORG, "x-sandbox-name": self._sandbox}, timeout=10, **kwargs)
        assert response.ok, response.text
        self._emu.log.clear()
