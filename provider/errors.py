"""Typed exceptions: what went wrong, in words a user can act on, never with a secret in them."""

from __future__ import annotations

from typing import Optional


class OfferformError(Exception):
    """Base of every error this provider raises on purpose."""


class ConfigurationError(OfferformError):
    """A setting is missing or malformed; nothing was sent."""


class AuthenticationError(OfferformError):
    """Adobe IMS refused the credentials, or the API refused the token."""


class ApiError(OfferformError):
    """The Offer Library API answered with an error status."""

    def __init__(self, status: int, message: str, *, method: str, path: str, request_id: Optional[str] = None) -> None:
        self.status = status
        self.message = message
        self.method = method
        self.path = path
        self.request_id = request_id
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{method} {path} failed with HTTP {status}: {message}{suffix}")


class NotFoundError(ApiError):
    """The offer does not exist (in this org and sandbox)."""


class ThrottledError(ApiError):
    """Adobe kept answering 429 until the retry budget ran out."""


class BadResponseError(OfferformError):
    """The server answered, but not with something we can use (not JSON, no id, truncated)."""


class ConflictError(OfferformError):
    """The offer changed outside the stack since the stack last saw it; nothing was overwritten."""

    def __init__(self, offer_id: str, fields: list[str]) -> None:
        self.offer_id = offer_id
        self.fields = fields
        super().__init__(
            f"fallback offer {offer_id} was changed outside the stack ({', '.join(fields)} differ from what "
            "the stack last saw); nothing was overwritten. Run `pulumi refresh` to bring the stack up to date, "
            "then `pulumi up` again."
        )


class OutcomeUnknownError(OfferformError):
    """A write may or may not have happened, and looking it up failed too."""
