"""Adobe-shaped error answers: the API gateway's `error_code` body and the services' RFC 7807 body."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

ERROR_TYPE_BASE = "https://ns.adobe.com/aep/errors/"

# RFC 7807 `type` slugs by status, for service errors that have no more specific type.
_DEFAULT_SLUGS: dict[int, str] = {
    400: "dps-bad-request",
    404: "dps-not-found",
    405: "dps-method-not-allowed",
    409: "dps-conflict",
    412: "dps-precondition-failed",
    422: "dps-unprocessable-entity",
    429: "dps-too-many-requests",
    500: "dps-internal-error",
    502: "dps-bad-gateway",
    503: "dps-service-unavailable",
    504: "dps-gateway-timeout",
}


def status_phrase(status: int) -> str:
    """The standard reason phrase of an HTTP status ("Error" when the status is unknown)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ApiError(Exception):
    """An error answer, raised anywhere in a handler and rendered by the app (which adds the request id)."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def render(self, request_id: str) -> dict[str, Any]:
        """The JSON body to send; RFC 7807 bodies get `report.requestId` so it matches `x-request-id`."""
        body = dict(self.body)
        if "title" in body and "status" in body:
            report = dict(body.get("report") or {})
            report["requestId"] = request_id
            body["report"] = report
        return body


def gateway_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> ApiError:
    """The API gateway's shape, e.g. `{"error_code": "401013", "message": "Oauth token is not valid"}`."""
    return ApiError(status, {"error_code": code, "message": message}, headers)


def problem(
    status: int, detail: str, slug: str | None = None, title: str | None = None, headers: dict[str, str] | None = None
) -> ApiError:
    """A service error in RFC 7807 shape: `type`, `title`, `status`, `detail` (+ `report` when rendered)."""
    slug = slug or _DEFAULT_SLUGS.get(status, f"dps-http-{status}")
    body = {
        "type": ERROR_TYPE_BASE + slug,
        "title": title or status_phrase(status),
        "status": status,
        "detail": detail,
    }
    return ApiError(status, body, headers)


def bad_request(detail: str, slug: str = "dps-bad-request") -> ApiError:
    """400 with an RFC 7807 body naming the problem."""
    return problem(400, detail, slug, "Bad Request")


def validation_failed(messages: list[str]) -> ApiError:
    """400 for an invalid body: `detail` lists every problem, each naming its property path."""
    err = problem(400, "; ".join(messages), "dps-validation-failed", "Validation failed")
    err.body["report"] = {"errors": list(messages)}
    return err


def not_found(detail: str) -> ApiError:
    """404 with an RFC 7807 body."""
    return problem(404, detail, "dps-not-found", "Not Found")


def ims_error(status: int, error: str, description: str) -> ApiError:
    """Adobe IMS's OAuth error shape: `{"error": ..., "error_description": ...}`."""
    return ApiError(status, {"error": error, "error_description": description})
