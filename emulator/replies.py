"""What a handler answers, kept as data until the last moment so faults can rewrite or withhold it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Response

from .errors import ApiError


@dataclass
class Reply:
    """Status, headers and a JSON body (None: empty body) or a raw body with its content type."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str | None = None

    @classmethod
    def error(cls, error: ApiError, request_id: str) -> "Reply":
        """The reply for a raised ApiError, with the request id in RFC 7807 bodies."""
        return cls(error.status, error.render(request_id), dict(error.headers))

    def to_response(self, request_id: str) -> Response:
        """A werkzeug Response carrying `x-request-id`."""
        if self.raw is not None:
            response = Response(self.raw, self.status, content_type=self.content_type or "application/octet-stream")
        elif self.body is not None:
            response = Response(json.dumps(self.body), self.status, content_type="application/json")
        else:
            response = Response(b"", self.status)
            del response.headers["Content-Type"]
        for name, value in self.headers.items():
            response.headers[name] = value
        response.headers["x-request-id"] = request_id
        return response
