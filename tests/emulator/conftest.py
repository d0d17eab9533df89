"""Fixtures for the emulator's own tests: a started emulator, a token, and a small Offer Library client."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest
import requests

from offerform_emulator import Emulator
from offerform_emulator.testing import emulator, shared_emulator  # noqa: F401  (registers the fixtures)

ORG = "TESTORG@AdobeOrg"
SANDBOX = "prod"

VALID_OFFER: dict[str, Any] = {
    "name": "Spring fallback",
    "description": "Shown when nothing else fits",
    "status": "approved",
    "representations": [
        {
            "channel": "https://ns.adobe.com/xdm/channel-types/web",
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
}


def with_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``base`` with top-level keys replaced; an override of None removes the key."""
    result = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def offer_body(**overrides: Any) -> dict[str, Any]:
    """A valid fallback offer body, with top-level fields replaced (None removes a field)."""
    return with_overrides(VALID_OFFER, overrides)


def get_token(emu: Emulator) -> str:
    """A fresh access token from the emulator's IMS endpoint."""
    response = requests.post(emu.ims_url, data={
        "grant_type": "client_credentials", "client_id": emu.client_id, "client_secret": emu.client_secret,
        "scope": "openid,AdobeID,read_organizations",
    }, timeout=5)
    response.raise_for_status()
    return response.json()["access_token"]


class Dps:
    """A thin Offer Library client: the four Adobe headers plus offer-type=fallback on every call."""

    def __init__(self, emu: Emulator, token: str | None, org: str | None = ORG, sandbox: str | None = SANDBOX,
                 api_key: str | None = None) -> None:
        self.emu = emu
        self.headers: dict[str, str] = {}
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"
        self.headers["x-api-key"] = api_key if api_key is not None else emu.client_id
        if org is not None:
            self.headers["x-gw-ims-org-id"] = org
        if sandbox is not None:
            self.headers["x-sandbox-name"] = sandbox

    def request(self, method: str, path: str, params: Any = None, offer_type: str | None = "fallback",
                **kwargs: Any) -> requests.Response:
        """Any call under /data/core/dps; `offer_type=None` leaves the parameter out."""
        query: list[tuple[str, Any]] = [] if offer_type is None else [("offer-type", offer_type)]
        if isinstance(params, dict):
            query.extend(params.items())
        elif params:
            query.extend(params)
        headers = {**self.headers, **kwargs.pop("headers", {})}
        kwargs.setdefault("timeout", 5)
        return requests.request(method, self.emu.dps_url + path, params=query, headers=headers, **kwargs)

    def create(self, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", "/offers", json=offer_body() if body is None else body, **kwargs)

    def create_ok(self, **overrides: Any) -> str:
        """Create a valid offer (with overrides) and return its id."""
        response = self.create(offer_body(**overrides))
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def get(self, offer_id: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", f"/offers/{offer_id}", **kwargs)

    def list(self, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("GET", "/offers", params=params, **kwargs)

    def patch(self, offer_id: str, ops: Any, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", f"/offers/{offer_id}", json=ops, **kwargs)

    def delete(self, offer_id: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", f"/offers/{offer_id}", **kwargs)

    def follow(self, href: str, **kwargs: Any) -> requests.Response:
        """GET a relative `_links` href (it is relative to the dps base URL)."""
        kwargs.setdefault("timeout", 5)
        return requests.get(self.emu.dps_url + href, headers=self.headers, **kwargs)

    def list_all(self, params: Any = None) -> list[dict[str, Any]]:
        """Every offer, following `next` links until there is none."""
        page = self.list(params)
        assert page.status_code == 200, page.text
        results = list(page.json()["results"])
        while "next" in page.json()["_links"]:
            page = self.follow(page.json()["_links"]["next"]["href"])
            assert page.status_code == 200, page.text
            results.extend(page.json()["results"])
        return results


@pytest.fixture
def token(emulator: Emulator) -> str:
    """A valid token for the per-test emulator."""
    return get_token(emulator)


@pytest.fixture
def dps(emulator: Emulator, token: str) -> Dps:
    """An authenticated client for ORG / prod on the per-test emulator."""
    return Dps(emulator, token)


@pytest.fixture
def make_dps(emulator: Emulator, token: str) -> Callable[..., Dps]:
    """Build clients with other headers: make_dps(org=..., sandbox=..., token=..., api_key=...)."""

    def build(**kwargs: Any) -> Dps:
        kwargs.setdefault("token", token)
        return Dps(emulator, **kwargs)

    return build


@pytest.fixture
def body() -> Callable[..., dict[str, Any]]:
    """The valid offer body factory: body(name="x", tags=[...]) and body(description=None) to drop a field."""
    return offer_body


@pytest.fixture
def new_token() -> Callable[[Emulator], str]:
    """Get a token from any emulator."""
    return get_token


@pytest.fixture
def dps_for() -> Callable[..., Dps]:
    """Build a client for any emulator: dps_for(emu, token, org=..., sandbox=...)."""
    return Dps
