"""The request log: every request the emulator receives, with secrets redacted, for tests to inspect."""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

REDACTED = "***"

# Header names whose values are always hidden; any name containing these words is hidden too.
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie"}
_SECRET_WORDS = ("secret", "token", "password")


def is_secret_name(name: str) -> bool:
    """Whether a header, form or query key names a secret (authorization, client_secret, access_token...)."""
    lowered = name.lower()
    return lowered in _SECRET_HEADERS or any(word in lowered for word in _SECRET_WORDS)


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """Lower-cased header names; `Authorization: Bearer x` becomes `Bearer ***`, other secrets `***`."""
    redacted: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        if key in ("authorization", "proxy-authorization"):
            scheme = value.split(" ", 1)[0] if " " in value.strip() else ""
            redacted[key] = f"{scheme} {REDACTED}" if scheme else REDACTED
        elif is_secret_name(key):
            redacted[key] = REDACTED
        else:
            redacted[key] = value
    return redacted


def redact_mapping(values: dict[str, Any]) -> dict[str, Any]:
    """A copy of a form or query mapping with secret-looking keys (client_secret, access_token...) hidden."""
    hidden: dict[str, Any] = {}
    for key, value in values.items():
        if not is_secret_name(key):
            hidden[key] = value
        elif isinstance(value, list):
            hidden[key] = [REDACTED] * len(value)
        else:
            hidden[key] = REDACTED
    return hidden


@dataclass
class LoggedRequest:
    """One request as the emulator saw it, and how it was answered."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    status: int | None
    fault: str | None
    service: str
    started: float
    duration: float
    kind: str | None = None  # the kind of object addressed (kinds.py names), None for IMS and unknown routes
    client_port: int | None = None  # the client's TCP port: requests over one kept-alive connection share it


class RequestLog:
    """Thread-safe, append-only list of LoggedRequest; readers get snapshots (copies)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []

    def open(self, entry: LoggedRequest) -> LoggedRequest:
        """Record a request as it arrives, so in-flight requests are already counted."""
        with self._lock:
            self._entries.append(entry)
        return entry

    def close(self, entry: LoggedRequest, status: int | None, fault: str | None, duration: float) -> None:
        """Fill in how a recorded request was answered (status None: the connection was dropped)."""
        with self._lock:
            entry.status = status
            entry.fault = fault
            entry.duration = duration

    def entries(self, service: str | None = None) -> list[LoggedRequest]:
        """Snapshot of the log in arrival order, optionally only one service ("ims" or "dps")."""
        with self._lock:
            chosen = [e for e in self._entries if service is None or e.service == service]
            return [
                dataclasses.replace(
                    e, query=copy.deepcopy(e.query), headers=dict(e.headers), body=copy.deepcopy(e.body)
                )
                for e in chosen
            ]

    def count(
        self,
        method: str | None = None,
        service: str | None = "dps",
        path_prefix: str | None = None,
        kind: str | None = None,
    ) -> int:
        """How many requests match: method (any case), service (None for both), path prefix, kind of object."""
        with self._lock:
            return sum(
                1
                for e in self._entries
                if (method is None or e.method == method.upper())
                and (service is None or e.service == service)
                and (path_prefix is None or e.path.startswith(path_prefix))
                and (kind is None or e.kind == kind)
            )

    def counts_by_kind(self, method: str | None = None) -> dict[str, int]:
        """Requests per kind of object (those with a kind only), optionally of one method."""
        with self._lock:
            counted = Counter(
                e.kind for e in self._entries if e.kind is not None and (method is None or e.method == method.upper())
            )
        return dict(counted)

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
