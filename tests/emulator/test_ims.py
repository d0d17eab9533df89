"""Adobe IMS token endpoint: POST /ims/token/v3 with client credentials."""

from __future__ import annotations

import uuid

import requests
from offerform_emulator import Emulator

from .samples import with_overrides


def _form(emu: Emulator, **overrides: str | None) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": emu.client_id,
        "client_secret": emu.client_secret,
        "scope": "openid,AdobeID,read_organizations",
    }
    return with_overrides(form, overrides)


def test_valid_credentials_get_a_bearer_token(emulator: Emulator) -> None:
    response = requests.post(emulator.ims_url, data=_form(emulator))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86399
    assert body["access_token"].startswith("eyJ") and len(body["access_token"]) > 40


def test_expires_in_follows_the_configured_lifetime(emulator: Emulator) -> None:
    emulator.token_lifetime = 5
    assert requests.post(emulator.ims_url, data=_form(emulator)).json()["expires_in"] == 5


def test_each_token_request_gets_a_new_token(emulator: Emulator) -> None:
    first = requests.post(emulator.ims_url, data=_form(emulator)).json()["access_token"]
    second = requests.post(emulator.ims_url, data=_form(emulator)).json()["access_token"]
    assert first != second


def test_wrong_secret_is_401_invalid_client(emulator: Emulator) -> None:
    response = requests.post(emulator.ims_url, data=_form(emulator, client_secret="not-the-secret"))
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client", "error_description": "invalid client_id/client_secret"}


def test_refusal_never_echoes_the_secret(emulator: Emulator) -> None:
    response = requests.post(emulator.ims_url, data=_form(emulator, client_secret="hunter2-very-secret"))
    assert "hunter2" not in response.text


def test_unknown_client_id_is_401_invalid_client(emulator: Emulator) -> None:
    response = requests.post(emulator.ims_url, data=_form(emulator, client_id="someone-else"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_missing_grant_type_is_400_unsupported_grant_type(emulator: Emulator) -> None:
    response = requests.post(emulator.ims_url, data=_form(emulator, grant_type=None))
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert response.json()["error_description"]


def test_other_grant_type_is_400_unsupported_grant_type(emulator: Emulator) -> None:
    response = requests.post(emulator.ims_url, data=_form(emulator, grant_type="password"))
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_missing_client_secret_is_400_invalid_request(emulator: Emulator) -> None:
    response = requests.post(emulator.ims_url, data=_form(emulator, client_secret=None))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "client_secret" in response.json()["error_description"]


def test_credentials_sent_as_json_instead_of_a_form_are_refused(emulator: Emulator) -> None:
    response = requests.post(emulator.ims_url, json=_form(emulator))
    assert response.status_code == 400


def test_token_endpoint_answers_405_to_get(emulator: Emulator) -> None:
    response = requests.get(emulator.ims_url)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_tokens_issued_counts_successful_requests_only(emulator: Emulator) -> None:
    requests.post(emulator.ims_url, data=_form(emulator))
    requests.post(emulator.ims_url, data=_form(emulator, client_secret="wrong"))
    requests.post(emulator.ims_url, data=_form(emulator))
    assert emulator.tokens_issued == 2


def test_token_requests_are_logged_with_the_secret_redacted(emulator: Emulator) -> None:
    token = requests.post(emulator.ims_url, data=_form(emulator)).json()["access_token"]
    (entry,) = emulator.log.entries(service="ims")
    assert entry.method == "POST" and entry.path == "/ims/token/v3" and entry.status == 200
    assert entry.body["client_secret"] == "***"
    assert entry.body["client_id"] == emulator.client_id
    assert emulator.client_secret not in repr(emulator.log.entries())
    assert token not in repr(emulator.log.entries())


def test_ims_responses_carry_a_request_id(emulator: Emulator) -> None:
    response = requests.post(emulator.ims_url, data=_form(emulator, client_secret="wrong"))
    uuid.UUID(response.headers["x-request-id"])


def test_custom_credentials_replace_the_demo_ones() -> None:
    with Emulator(client_id="my-client", client_secret="my-secret") as emu:
        assert requests.post(emu.ims_url, data=_form(emu)).status_code == 200
        demo = _form(emu, client_id="offerform-demo-client", client_secret="offerform-demo-secret")
        assert requests.post(emu.ims_url, data=demo).status_code == 401


def test_a_secret_sent_without_a_form_content_type_is_still_redacted_in_the_log(emulator: Emulator) -> None:
    payload = f"grant_type=client_credentials&client_id={emulator.client_id}&client_secret={emulator.client_secret}"
    response = requests.post(emulator.ims_url, data=payload, headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert emulator.client_secret not in repr(emulator.log.entries())


def test_issued_tokens_lists_every_token_even_expired_ones(emulator: Emulator) -> None:
    first = requests.post(emulator.ims_url, data=_form(emulator)).json()["access_token"]
    emulator.expire_tokens()
    second = requests.post(emulator.ims_url, data=_form(emulator)).json()["access_token"]
    assert emulator.issued_tokens() == [first, second]
