"""Typed exceptions: what went wrong, in words a user can act on, never with a secret in them.

Every error answer from Adobe is an ``ApiError`` of the class for its kind (``error_for_status``),
carrying the HTTP status, Adobe's request id and error code: callers branch on the class, never
on the message.
"""

from __future__ import annotations

from typing import Optional


class OfferformError(Exception):
    """Base of every error this provider raises on purpose."""


class ConfigurationError(OfferformError):
    """A setting is missing or malformed; nothing was sent."""


class TransportError(OfferformError):
    """No HTTP answer at all (refused, dropped, timed out), after the retries the rules allow.

    ``retried`` says how often and for how long it was tried and which settings decide that, and
    ``advice`` which setting to check: the message is all a user sees of a minute or more of silence.
    """

    def __init__(
        self,
        method: str,
        path: str,
        cause: str,
        never_sent: bool,
        timed_out: bool = False,
        service: str = "the Offer Library API",
        retried: str = "",
        advice: str = "",
    ) -> None:
        self.method = method
        self.path = path
        self.cause = cause
        self.never_sent = never_sent
        self.timed_out = timed_out
        self.retried = retried
        text = f"{method} {path}: no answer from {service} ({cause})"
        super().__init__(text + (f"; {retried}" if retried else "") + (f"; {advice}" if advice else ""))


class TokenUnavailableError(OfferformError):
    """No access token could be had from Adobe IMS (no answer, or a fault that outlasted the retries).

    Raised before any request to the Offer Library API is sent, so it never leaves a write's outcome
    open; the token source remembers it, so that every later call of the process fails at once with it
    instead of trying IMS all over again.
    """


class ApiError(OfferformError):
    """Adobe answered with an error status; subclasses name the kind, ``hint`` says what to check."""

    hint = ""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        method: str,
        path: str,
        request_id: Optional[str] = None,
        error_code: Optional[str] = None,
        text: Optional[str] = None,
    ) -> None:
        self.status = status
        self.message = message
        self.method = method
        self.path = path
        self.request_id = request_id
        self.error_code = error_code
        if text is None:
            hint = f"; {self.hint}" if self.hint else ""
            suffix = f" (request id {request_id})" if request_id else ""
            text = f"{method} {path} failed with HTTP {status}: {message}{hint}{suffix}"
        super().__init__(text)


class BadRequestError(ApiError):
    """400, 422: the request was refused as invalid (a failed JSON Patch ``test`` may come as 400 too)."""


class AuthenticationError(ApiError):
    """401: Adobe IMS refused the credentials, or the API refused the access token."""

    hint = (
        "Adobe did not accept the access token: check adobe:accessToken (ADOBE_ACCESS_TOKEN), or "
        "adobe:clientId (ADOBE_CLIENT_ID) and adobe:clientSecret (ADOBE_CLIENT_SECRET)"
    )


class PermissionDeniedError(ApiError):
    """403: the credential may not do this, in this org or sandbox (an unknown sandbox answers 403 too)."""

    hint = "check adobe:clientId, adobe:imsOrgId, the credential's product profile and the sandbox name"


ForbiddenError = PermissionDeniedError


class NotFoundError(ApiError):
    """404: the object does not exist (in this org and sandbox)."""


class EndpointNotFoundError(ApiError):
    """404 for the API path itself, not for one object: ``adobe:endpoint`` does not lead to the Offer Library API.

    Not a ``NotFoundError`` on purpose: that one means "the object is gone", which a read takes as a
    deletion outside the stack and a delete as done; a wrong endpoint must never be taken for either.
    """


class PreconditionFailedError(ApiError):
    """409, 412: the request does not fit the object's current state (a failed JSON Patch ``test``)."""


class ThrottledError(ApiError):
    """429: Adobe kept throttling until the retry budget ran out."""

    hint = (
        "throttled by Adobe and still throttled when the retry budget ran out: raise adobe:retryDeadline "
        "or lower adobe:maxRequestsPerSecond"
    )


class ServerError(ApiError):
    """5xx: a fault on Adobe's side that outlasted the retries."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: PreconditionFailedError,
    412: PreconditionFailedError,
    422: BadRequestError,
    429: ThrottledError,
}


def error_for_status(status: int) -> type[ApiError]:
    """The exception class for an error status; ``ApiError`` itself for a status no class names."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ApiError)


class BadResponseError(OfferformError):
    """The server answered, but not with something we can use (not JSON, no id, truncated)."""


class ConflictError(OfferformError):
    """The object changed outside the stack since the stack last saw it; nothing was overwritten."""

    def __init__(self, label: str, object_id: str, fields: list[str]) -> None:
        self.object_id = object_id
        self.fields = fields
        verb = "differs" if len(fields) == 1 else "differ"
        super().__init__(
            f"{label} {object_id} was changed outside the stack ({', '.join(fields)} {verb} from what "
            "the stack last saw); nothing was overwritten. Run `pulumi refresh` to bring the stack up to date, "
            "then `pulumi up` again."
        )


class OutcomeUnknownError(OfferformError):
    """A write may or may not have happened, and looking it up failed too."""
