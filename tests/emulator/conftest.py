"""Fixtures for the emulator's own tests: a started emulator, a token, and a small Offer Library client."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import requests
from offerform_emulator import Emulator
from offerform_emulator.kinds import kind_named
from offerform_emulator.testing import emulator, shared_emulator  # noqa: F401  (registers the fixtures)

from .samples import KIND_NAMES, SAMPLES, name_pointer, sample, with_overrides  # noqa: F401  (with_overrides: for tests)

ORG = "TESTORG@AdobeOrg"
SANDBOX = "prod"

VALID_OFFER: dict[str, Any] = SAMPLES["fallback-offer"]


def offer_body(**overrides: Any) -> dict[str, Any]:
    """A valid fallback offer body, with top-level fields replaced (None removes a field)."""
    return sample("fallback-offer", **overrides)


def get_token(emu: Emulator) -> str:
    """A fresh access token from the emulator's IMS endpoint."""
    response = requests.post(
        emu.ims_url,
        data={
            "grant_type": "client_credentials",
            "client_id": emu.client_id,
            "client_secret": emu.client_secret,
            "scope": "openid,AdobeID,read_organizations",
        },
        timeout=5,
    )
    response.raise_for_status()
    return response.json()["access_token"]


class Library:
    """A thin Offer Library client for one kind: the four Adobe headers, its path, and its offer-type if any."""

    def __init__(
        self,
        emu: Emulator,
        token: str | None,
        org: str | None = ORG,
        sandbox: str | None = SANDBOX,
        api_key: str | None = None,
        kind: str = "fallback-offer",
    ) -> None:
        self.emu = emu
        self.kind = kind
        self.path = "/" + kind_named(kind).path
        self.offer_type = kind_named(kind).offer_type
        self.headers: dict[str, str] = {}
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"
        self.headers["x-api-key"] = api_key if api_key is not None else emu.client_id
        if org is not None:
            self.headers["x-gw-ims-org-id"] = org
        if sandbox is not None:
            self.headers["x-sandbox-name"] = sandbox
        if kind_named(kind).needs_schema_id and org is not None and sandbox is not None:
            self.headers["x-schema-id"] = emu.catalog_schema_id(org, sandbox)
        # A kind that shares its path with a legacy one lists with its flag, as a Decisioning client does.
        flag = kind_named(kind).flag
        self.list_filter = [("property", f"{flag[0]}=={str(flag[1]).lower()}")] if flag and flag[1] else []
        self.session: Any = requests  # a requests.Session to reuse connections, or the module

    def request(
        self, method: str, path: str, params: Any = None, offer_type: Any = ..., **kwargs: Any
    ) -> requests.Response:
        """Any call under /data/core/dps; `offer_type` defaults to the kind's, None leaves the parameter out."""
        offer_type = self.offer_type if offer_type is ... else offer_type
        query: list[tuple[str, Any]] = [] if offer_type is None else [("offer-type", offer_type)]
        if isinstance(params, dict):
            query.extend(params.items())
        elif params:
            query.extend(params)
        headers = {**self.headers, **kwargs.pop("headers", {})}
        kwargs.setdefault("timeout", 5)
        return self.session.request(method, self.emu.dps_url + path, params=query, headers=headers, **kwargs)

    def create(self, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", self.path, json=sample(self.kind) if body is None else body, **kwargs)

    def create_ok(self, **overrides: Any) -> str:
        """Create a valid object (the kind's sample, with overrides) and return its id."""
        response = self.create(sample(self.kind, **overrides))
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def refused(self, **overrides: Any) -> str:
        """Create the kind's sample with overrides, expect a 400 problem, and return its detail."""
        response = self.create(sample(self.kind, **overrides))
        assert response.status_code == 400, response.text
        return str(response.json()["detail"])

    def get(self, object_id: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", f"{self.path}/{object_id}", **kwargs)

    def list(self, params: Any = None, **kwargs: Any) -> requests.Response:
        query = list(params.items()) if isinstance(params, dict) else list(params or [])
        return self.request("GET", self.path, params=self.list_filter + query, **kwargs)

    def update_name(self, object_id: str, name: str) -> requests.Response:
        """Rename an object with the kind's update verb: a JSON Patch, or a PUT of its fields (where PUT is all)."""
        if kind_named(self.kind).patches:
            return self.patch(object_id, [{"op": "replace", "path": name_pointer(self.kind), "value": name}])
        found = self.get(object_id)
        if found.status_code != 200:
            return found
        fields = {k: v for k, v in found.json().items() if k in kind_named(self.kind).fields}
        return self.put(object_id, {**fields, "name": name})

    def patch(self, object_id: str, ops: Any, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", f"{self.path}/{object_id}", json=ops, **kwargs)

    def put(self, object_id: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.request("PUT", f"{self.path}/{object_id}", json=body, **kwargs)

    def delete(self, object_id: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", f"{self.path}/{object_id}", **kwargs)

    def follow(self, href: str, **kwargs: Any) -> requests.Response:
        """GET a relative `_links` href (it is relative to the dps base URL)."""
        kwargs.setdefault("timeout", 5)
        return self.session.get(self.emu.dps_url + href, headers=self.headers, **kwargs)

    def list_all(self, params: Any = None) -> list[dict[str, Any]]:
        """Every object, following `next` links until there is none."""
        page = self.list(params)
        assert page.status_code == 200, page.text
        results = list(page.json()["results"])
        while "next" in page.json()["_links"]:
            page = self.follow(page.json()["_links"]["next"]["href"])
            assert page.status_code == 200, page.text
            results.extend(page.json()["results"])
        return results


Dps = Library  # the fallback offer client most tests use


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


@pytest.fixture(params=KIND_NAMES)
def kind(request: pytest.FixtureRequest) -> str:
    """Each kind of the family in turn (the generic suite runs once per kind)."""
    return str(request.param)


@pytest.fixture
def lib(emulator: Emulator, token: str, kind: str) -> Library:
    """An authenticated client for ORG / prod and the kind under test."""
    return Library(emulator, token, kind=kind)


@pytest.fixture
def client_for(emulator: Emulator, token: str) -> Callable[..., Library]:
    """Clients for any kind and headers: client_for("placement", sandbox="dev")."""

    def build(kind: str, **kwargs: Any) -> Library:
        kwargs.setdefault("token", token)
        return Library(emulator, kind=kind, **kwargs)

    return build
