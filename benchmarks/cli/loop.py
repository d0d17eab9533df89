"""What a user would write instead of a stack: a plain sequential ``requests`` loop, the baseline to beat.

One ``requests.Session`` (kept-alive connections, as the plugin's), one IMS token for the whole
loop, then the same calls the provider makes for the same offers, one at a time: POST each, PATCH
each (the same ``test`` guard and ``replace``), GET each, DELETE each. At best N × latency per
operation; no state, no plan, no retries, no adoption of a lost create.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import requests

from provider.resources.fallback_offer import FALLBACK_OFFER

from ..emulator_process import EmulatorHandle
from ..plugin.drive import UPDATED_DESCRIPTION, BenchmarkError, declaration

# The loop's operations, each against the stack operation it stands in for.
LOOP_OPERATIONS: dict[str, str] = {"create": "POST", "update": "PATCH", "refresh": "GET", "destroy": "DELETE"}


@dataclass(frozen=True)
class PlainApi:
    """A bare session with a token and Adobe's headers: the HTTP floor under the provider."""

    session: requests.Session
    headers: dict[str, str]
    endpoint: str

    def call(self, method: str, path: str, body: Any = None) -> requests.Response:
        """One request on the fallback-offer endpoints; raises on an HTTP error."""
        response = self.session.request(
            method,
            self.endpoint + path,
            params=FALLBACK_OFFER.endpoint.query,
            json=body,
            headers=self.headers,
            timeout=10,
        )
        response.raise_for_status()
        return response


def plain_api(config: dict[str, Any]) -> PlainApi:
    """A new session and one token from IMS, with the headers every Offer Library call carries."""
    session = requests.Session()
    token = session.post(
        config["adobe:imsEndpoint"],
        data={
            "grant_type": "client_credentials",
            "client_id": config["adobe:clientId"],
            "client_secret": config["adobe:clientSecret"],
            "scope": "openid",
        },
        timeout=10,
    ).json()["access_token"]
    headers = {
        "Authorization": f"Bearer {token}",
        "x-api-key": config["adobe:clientId"],
        "x-gw-ims-org-id": config["adobe:imsOrgId"],
        "x-sandbox-name": config["adobe:sandboxName"],
    }
    return PlainApi(session, headers, config["adobe:endpoint"])


def time_loop(emu: EmulatorHandle, config: dict[str, Any], count: int, latency: float) -> dict[str, float]:
    """Seconds for each of the loop's operations over ``count`` offers, one request at a time at ``latency``."""
    api = plain_api(config)
    endpoint = FALLBACK_OFFER.endpoint
    ids: list[str] = []

    def create(index: int) -> None:
        """POST the offer as declared."""
        ids.append(api.call("POST", endpoint.collection, declaration(index)).json()["id"])

    def update(index: int) -> None:
        """PATCH its description, guarded by the one the loop last wrote."""
        api.call(
            "PATCH",
            endpoint.item(ids[index]),
            [
                {"op": "test", "path": "/description", "value": declaration(index)["description"]},
                {"op": "replace", "path": "/description", "value": UPDATED_DESCRIPTION},
            ],
        )

    def read(index: int) -> None:
        """GET it."""
        api.call("GET", endpoint.item(ids[index]))

    def delete(index: int) -> None:
        """DELETE it."""
        api.call("DELETE", endpoint.item(ids[index]))

    steps: dict[str, Callable[[int], None]] = {"create": create, "update": update, "refresh": read, "destroy": delete}
    seconds: dict[str, float] = {}
    try:
        for operation, step in steps.items():
            emu.clear_log()
            emu.set_latency(latency)
            started = time.perf_counter()
            for index in range(count):
                step(index)
            seconds[operation] = time.perf_counter() - started
            emu.set_latency(0.0)
            made = emu.counts()["dps"]
            if made != {LOOP_OPERATIONS[operation]: count}:
                raise BenchmarkError(f"the loop's {operation} of {count} offers made {made}")
    finally:
        emu.set_latency(0.0)
        api.session.close()
    return seconds
