"""Access tokens from Adobe IMS (OAuth server-to-server), cached for the life of the process.

Adobe may throttle integrations that mint too many tokens, so one token serves every call
until shortly before it expires; the plugin's worker threads share it under a lock.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional

import requests

from ..errors import AuthenticationError, BadResponseError, OfferformError, TokenUnavailableError
from .redact import http_log
from .retry import describe_retries, no_answer_cause

# Refresh this long before the announced expiry, so a call never starts with a dying token.
EXPIRY_MARGIN_SECONDS = 60.0


class TokenSource:
    """Hands out a valid bearer token; ``invalidate`` after a 401 forces a fresh one."""

    def __init__(
        self,
        session: requests.Session,
        ims_endpoint: str,
        client_id: str,
        client_secret: Optional[str],
        scopes: str,
        timeout: float,
        static_token: Optional[str] = None,
        clock: Callable[[], float] = time.monotonic,
        max_retries: int = 0,
        retry_deadline: float = 0.0,
    ) -> None:
        self._session = session
        self._ims_endpoint = ims_endpoint
        self._client_id = client_id
        self._client_secret = client_secret
        self._scopes = scopes
        self._timeout = timeout
        self._static_token = static_token
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Optional[str] = None
        self._expires_at = 0.0
        self._max_retries = max_retries
        self._retry_deadline = retry_deadline
        # Why IMS gave no token, once it did not: every later call fails with it at once. The failure
        # came after a whole retry chain, so another chain per call would only multiply the wait.
        self._failure: Optional[OfferformError] = None

    def __repr__(self) -> str:
        return f"TokenSource(ims_endpoint={self._ims_endpoint!r}, client_id={self._client_id!r})"

    def token(self) -> str:
        """The cached token, or a new one from IMS when it is missing or about to expire."""
        if self._static_token:
            return self._static_token
        with self._lock:
            if self._failure is not None:
                raise _copy(self._failure)
            if self._token is None or self._clock() >= self._expires_at:
                try:
                    self._fetch()
                except OfferformError as failure:
                    self._failure = failure
                    raise
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> bool:
        """Drop ``token`` if it is still the cached one; True if a fresh token can be fetched."""
        if self._static_token:
            return False
        with self._lock:
            if self._token == token:
                self._token = None
            return True

    def _fetch(self) -> None:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret or "",
            "scope": self._scopes,
        }
        started = time.monotonic()
        try:
            response = self._session.post(self._ims_endpoint, data=form, timeout=self._timeout)
        except requests.RequestException as error:
            seconds = time.monotonic() - started
            http_log.debug("POST %s (token) -> %s after %.3fs", self._ims_endpoint, type(error).__name__, seconds)
            retried = describe_retries(error, seconds, self._max_retries, self._retry_deadline, self._timeout)
            raise TokenUnavailableError(
                f"no access token: Adobe IMS at {self._ims_endpoint} did not answer ({no_answer_cause(error)}); "
                f"{retried}; nothing was sent to the Offer Library API: check adobe:imsEndpoint "
                "(ADOBE_IMS_ENDPOINT) and the network"
            ) from None
        # The form and the answer carry secrets: only the status is logged.
        http_log.debug(
            "POST %s (token for client id %s) -> %s in %.3fs",
            self._ims_endpoint,
            self._client_id,
            response.status_code,
            time.monotonic() - started,
        )
        if response.status_code == 429 or response.status_code >= 500:
            # A fault of IMS's that outlasted the retries, not a refusal of the credentials.
            reason, _code = _ims_reason(response)
            raise TokenUnavailableError(
                f"no access token: Adobe IMS at {self._ims_endpoint} answered HTTP {response.status_code} "
                f"({reason}) after {time.monotonic() - started:.1f} s of retries (adobe:maxRetries "
                f"({self._max_retries}) caps them, adobe:retryDeadline ({self._retry_deadline:g} s) the time "
                "they may take); nothing was sent to the Offer Library API: try again later, or check "
                "adobe:imsEndpoint (ADOBE_IMS_ENDPOINT)"
            )
        if response.status_code != 200:
            reason, code = _ims_reason(response)
            raise AuthenticationError(
                response.status_code,
                reason,
                method="POST",
                path=self._ims_endpoint,
                request_id=response.headers.get("x-request-id"),
                error_code=code,
                text=f"Adobe IMS refused the client credentials of client id {self._client_id} "
                f"(HTTP {response.status_code}: {reason}); check adobe:clientId (ADOBE_CLIENT_ID) and "
                "adobe:clientSecret (ADOBE_CLIENT_SECRET), wherever they are set",
            )
        try:
            body = response.json()
            token = body["access_token"]
            lifetime = float(body.get("expires_in", 0))
        except (ValueError, KeyError, TypeError):
            raise BadResponseError("Adobe IMS answered HTTP 200 without a usable access token") from None
        if not isinstance(token, str) or not token:
            raise BadResponseError("Adobe IMS answered HTTP 200 without a usable access token")
        self._token = token
        self._expires_at = self._clock() + max(lifetime - EXPIRY_MARGIN_SECONDS, lifetime / 2)


def _copy(error: OfferformError) -> OfferformError:
    """The remembered failure as a new exception of its own (several threads may raise it at once)."""
    copy = type(error).__new__(type(error), *error.args)
    copy.args = error.args
    copy.__dict__.update(error.__dict__)
    return copy


def _ims_reason(response: requests.Response) -> tuple[str, Optional[str]]:
    """IMS's error description and OAuth error code (``invalid_client``, ...), when it gave them."""
    try:
        body = response.json()
    except ValueError:
        return "no error description", None
    if isinstance(body, dict):
        code = str(body["error"]) if body.get("error") else None
        return str(body.get("error_description") or code or "no error description")[:200], code
    return "no error description", None
