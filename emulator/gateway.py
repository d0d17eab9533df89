"""The API gateway's checks in front of the Offer Library: token, API key, org and sandbox headers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Mapping

from werkzeug.datastructures import Headers

from .errors import gateway_error
from .ims import TokenIssuer


@dataclass(frozen=True)
class Caller:
    """Who is calling and where: the token's client id, the IMS org and the sandbox."""

    client_id: str
    org: str
    sandbox: str


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def authenticate(
    headers: Headers | Mapping[str, str], tokens: TokenIssuer, sandboxes: Collection[str] | None = None
) -> Caller:
    """The caller, or the gateway's error: 401013 bad token, 403003 bad API key, 403010 no org, 403000 no sandbox,
    403025 a sandbox that is not among `sandboxes` (when given; otherwise every sandbox exists).

    Checked in that order, as the gateway does: a request with several problems reports the first.
    """
    token = bearer_token(headers.get("Authorization"))
    client_id = tokens.client_of(token) if token else None
    if client_id is None:
        raise gateway_error(401, "401013", "Oauth token is not valid")
    if headers.get("x-api-key") != client_id:
        raise gateway_error(403, "403003", "Api Key is invalid")
    org = (headers.get("x-gw-ims-org-id") or "").strip()
    if not org:
        raise gateway_error(403, "403010", "Missing x-gw-ims-org-id header: the IMS organization is required")
    sandbox = (headers.get("x-sandbox-name") or "").strip()
    if not sandbox:
        raise gateway_error(403, "403000", "Missing x-sandbox-name header: the sandbox is required")
    if sandboxes is not None and sandbox not in sandboxes:
        raise gateway_error(403, "403025", "Profile is not valid")
    return Caller(client_id, org, sandbox)
