"""Adobe IMS emulation: the OAuth server-to-server token endpoint and the tokens it has issued."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Mapping

from .errors import ims_error

GRANT_TYPE = "client_credentials"


@dataclass(frozen=True)
class IssuedToken:
    """What the emulator remembers about a token: who it was issued to and until when (monotonic clock)."""

    client_id: str
    expires_at: float


class TokenIssuer:
    """Issues opaque bearer tokens for one client id/secret pair and answers whether a token is still valid."""

    def __init__(self, client_id: str, client_secret: str, token_lifetime: float) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = float(token_lifetime)
        self._lock = threading.Lock()
        self._tokens: dict[str, IssuedToken] = {}
        self._history: list[str] = []  # every token ever issued, for tests that hunt for leaks
        self._issued = 0

    @property
    def tokens_issued(self) -> int:
        """Successful token requests so far."""
        with self._lock:
            return self._issued

    def issue(self, form: Mapping[str, str]) -> dict[str, Any]:
        """Answer a token request (the form fields); raises ApiError with IMS's error shape when refused."""
        grant_type = form.get("grant_type")
        if grant_type != GRANT_TYPE:
            described = "missing grant_type" if not grant_type else f"unsupported grant_type {grant_type!r}"
            raise ims_error(400, "unsupported_grant_type", f"{described}; only {GRANT_TYPE} is supported")
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if not client_id:
            raise ims_error(400, "invalid_request", "missing client_id parameter")
        if not client_secret:
            raise ims_error(400, "invalid_request", "missing client_secret parameter")
        # Constant-time comparison, as a real credential check would do.
        if not (
            hmac.compare_digest(client_id.encode(), self.client_id.encode())
            and hmac.compare_digest(client_secret.encode(), self.client_secret.encode())
        ):
            raise ims_error(401, "invalid_client", "invalid client_id/client_secret")
        token = "eyJ" + secrets.token_urlsafe(48)
        lifetime = self.token_lifetime
        with self._lock:
            self._tokens[token] = IssuedToken(client_id, time.monotonic() + lifetime)
            self._history.append(token)
            self._issued += 1
        return {"access_token": token, "token_type": "bearer", "expires_in": int(lifetime)}

    def client_of(self, token: str) -> str | None:
        """The client id a valid, unexpired token belongs to; None for unknown or expired tokens."""
        with self._lock:
            issued = self._tokens.get(token)
            if issued is None:
                return None
            if time.monotonic() >= issued.expires_at:
                del self._tokens[token]
                return None
            return issued.client_id

    def issued(self) -> list[str]:
        """Every token issued since the last full reset, expired ones included, oldest first."""
        with self._lock:
            return list(self._history)

    def expire_all(self) -> None:
        """Invalidate every token issued so far."""
        with self._lock:
            self._tokens.clear()

    def reset(self, token_lifetime: float, keep_tokens: bool = False) -> None:
        """Back to the given lifetime; unless `keep_tokens`, also no tokens and the counter at zero."""
        with self._lock:
            self.token_lifetime = float(token_lifetime)
            if not keep_tokens:
                self._tokens.clear()
                self._history.clear()
                self._issued = 0
