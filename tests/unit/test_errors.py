"""One exception class per kind of failure, each carrying its HTTP status, Adobe's request id and error code."""

from __future__ import annotations

import pytest
from offerform_emulator import Emulator, Fault

from provider.adobe.client import AdobeClient
from provider.core.settings import Settings
from provider.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    ServerError,
    ThrottledError,
    error_for_status,
)
from provider.resources.fallback_offer import FALLBACK_OFFER


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, PreconditionFailedError),
        (412, PreconditionFailedError),
        (422, BadRequestError),
        (429, ThrottledError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (418, ApiError),
    ],
)
def test_each_error_status_maps_to_the_class_of_its_kind(status: int, kind: type[ApiError]) -> None:
    assert error_for_status(status) is kind


def test_every_kind_is_an_api_error_carrying_status_request_id_and_error_code() -> None:
    error = error_for_status(403)(
        403, "no access", method="GET", path="/offers", request_id="req-1", error_code="403000"
    )

    assert isinstance(error, ApiError) and isinstance(error, ForbiddenError)
    assert (error.status, error.method, error.path, error.request_id, error.error_code) == (
        403,
        "GET",
        "/offers",
        "req-1",
        "403000",
    )
    assert "HTTP 403" in str(error) and "request id req-1" in str(error)


def _client(emu: Emulator, **overrides: str) -> AdobeClient:
    config = {
        "adobe:clientId": emu.client_id,
        "adobe:clientSecret": emu.client_secret,
        "adobe:imsOrgId": "o@AdobeOrg",
        "adobe:endpoint": emu.dps_url,
        "adobe:imsEndpoint": emu.ims_url,
        **overrides,
    }
    return AdobeClient(Settings.load(config.get, {}))


def test_a_refused_token_raises_an_authentication_error_with_adobes_code(emulator: Emulator) -> None:
    client = _client(emulator, **{"adobe:accessToken": "never-issued"})

    with pytest.raises(AuthenticationError) as refused:
        list(client.list(FALLBACK_OFFER.endpoint, "prod"))

    assert (refused.value.status, refused.value.error_code) == (401, "401013")
    assert refused.value.request_id


def test_a_refused_sandbox_raises_a_permission_error_not_an_authentication_error(emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=403, methods={"GET"}))

    with pytest.raises(PermissionDeniedError) as refused:
        list(_client(emulator).list(FALLBACK_OFFER.endpoint, "no-access"))

    assert refused.value.status == 403 and not isinstance(refused.value, AuthenticationError)


def test_refused_client_credentials_carry_the_status_ims_answered(emulator: Emulator) -> None:
    client = _client(emulator, **{"adobe:clientSecret": "wrong"})

    with pytest.raises(AuthenticationError) as refused:
        list(client.list(FALLBACK_OFFER.endpoint, "prod"))

    assert (refused.value.status, refused.value.error_code) == (401, "invalid_client")
    assert str(refused.value).startswith("Adobe IMS refused the client credentials")
