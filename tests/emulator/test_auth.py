"""The gateway checks on every Offer Library call, and isolation between orgs and sandboxes."""

from __future__ import annotations

import time
import uuid
from typing import Any, Callable

import requests
from offerform_emulator import Emulator

from .conftest import Dps


def test_missing_token_is_401_with_the_gateway_error(make_dps: Callable[..., Any]) -> None:
    response = make_dps(token=None).list()
    assert response.status_code == 401
    assert response.json() == {"error_code": "401013", "message": "Oauth token is not valid"}


def test_unknown_token_is_401(make_dps: Callable[..., Any]) -> None:
    assert make_dps(token="eyJmade-up-token").list().status_code == 401


def test_non_bearer_authorization_is_401(dps: Dps) -> None:
    response = dps.list(headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401


def test_token_works_until_its_lifetime_ends(
    emulator: Emulator, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    emulator.token_lifetime = 0.3
    client = dps_for(emulator, new_token(emulator))
    assert client.list().status_code == 200
    time.sleep(0.4)
    response = client.list()
    assert response.status_code == 401
    assert response.json()["error_code"] == "401013"


def test_expire_tokens_invalidates_every_issued_token(
    emulator: Emulator, dps: Dps, new_token: Callable[[Emulator], str], dps_for: Any
) -> None:
    other = dps_for(emulator, new_token(emulator))
    emulator.expire_tokens()
    assert dps.list().status_code == 401
    assert other.list().status_code == 401
    assert dps_for(emulator, new_token(emulator)).list().status_code == 200


def test_missing_api_key_is_403003(dps: Dps) -> None:
    del dps.headers["x-api-key"]
    response = dps.list()
    assert response.status_code == 403
    assert response.json() == {"error_code": "403003", "message": "Api Key is invalid"}


def test_api_key_must_equal_the_token_client_id(make_dps: Callable[..., Any]) -> None:
    response = make_dps(api_key="another-client").list()
    assert response.status_code == 403
    assert response.json()["error_code"] == "403003"


def test_missing_org_is_403010(make_dps: Callable[..., Any]) -> None:
    response = make_dps(org=None).list()
    assert response.status_code == 403
    assert response.json()["error_code"] == "403010"


def test_missing_sandbox_is_403000(make_dps: Callable[..., Any]) -> None:
    response = make_dps(sandbox=None).create()
    assert response.status_code == 403
    assert response.json()["error_code"] == "403000"


def test_rejected_calls_change_nothing(emulator: Emulator, make_dps: Callable[..., Any]) -> None:
    make_dps(token=None).create()
    make_dps(api_key="nope").create()
    make_dps(sandbox=None).create()
    assert emulator.offers("TESTORG@AdobeOrg", "prod") == []


def test_gateway_checks_apply_to_every_endpoint(make_dps: Callable[..., Any]) -> None:
    anonymous = make_dps(token=None)
    calls = [
        anonymous.list(),
        anonymous.create(),
        anonymous.get("dps:fallback-offer:0"),
        anonymous.patch("dps:fallback-offer:0", []),
        anonymous.delete("dps:fallback-offer:0"),
    ]
    assert [c.status_code for c in calls] == [401] * 5


def test_any_org_id_is_accepted(make_dps: Callable[..., Any]) -> None:
    assert make_dps(org="0123456789ABCDEF@AdobeOrg").create().status_code == 201


def test_an_id_from_one_sandbox_is_404_in_another(make_dps: Callable[..., Any]) -> None:
    offer_id = make_dps(sandbox="sandbox-a").create_ok()
    other = make_dps(sandbox="sandbox-b")
    assert other.get(offer_id).status_code == 404
    assert other.patch(offer_id, [{"op": "replace", "path": "/name", "value": "x"}]).status_code == 404
    assert other.delete(offer_id).status_code == 404
    assert make_dps(sandbox="sandbox-a").get(offer_id).status_code == 200


def test_lists_only_show_the_callers_sandbox(make_dps: Callable[..., Any]) -> None:
    make_dps(sandbox="sandbox-a").create_ok(name="in a")
    make_dps(sandbox="sandbox-b").create_ok(name="in b")
    names = [o["name"] for o in make_dps(sandbox="sandbox-b").list().json()["results"]]
    assert names == ["in b"]


def test_the_same_sandbox_name_in_two_orgs_is_two_stores(make_dps: Callable[..., Any]) -> None:
    offer_id = make_dps(org="ORG-A@AdobeOrg").create_ok()
    assert make_dps(org="ORG-B@AdobeOrg").get(offer_id).status_code == 404
    assert make_dps(org="ORG-B@AdobeOrg").list().json()["total"] == 0


def test_sandbox_ids_differ_per_org_and_sandbox(make_dps: Callable[..., Any]) -> None:
    ids = {
        make_dps(org=o, sandbox=s).create().json()["sandboxId"]
        for o in ("A@AdobeOrg", "B@AdobeOrg")
        for s in ("prod", "dev")
    }
    assert len(ids) == 4


def test_authorization_is_logged_redacted(emulator: Emulator, dps: Dps, token: str) -> None:
    dps.list()
    (entry,) = emulator.log.entries(service="dps")
    assert entry.headers["authorization"] == "Bearer ***"
    assert entry.headers["x-api-key"] == emulator.client_id
    assert entry.headers["x-gw-ims-org-id"] == "TESTORG@AdobeOrg"
    assert token not in repr(emulator.log.entries())


def test_gateway_errors_carry_a_request_id(make_dps: Callable[..., Any]) -> None:
    response = make_dps(token=None).list()
    uuid.UUID(response.headers["x-request-id"])


def test_requests_outside_both_services_are_404(emulator: Emulator) -> None:
    assert requests.get(emulator.url + "/nothing/here").status_code == 404
