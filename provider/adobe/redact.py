"""Keeps secrets out of every log line and error message the provider produces."""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Iterable, Mapping

MASK = "***"
SECRET_HEADERS = frozenset({"authorization", "x-api-key-secret", "cookie", "set-cookie"})
DEBUG_ENV = "OFFERFORM_DEBUG_HTTP"

http_log = logging.getLogger("offerform.http")


class Redactor:
    """Remembers the secrets of this process (client secret, every token) and masks them in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = {secret for secret in secrets if secret}

    def add(self, secret: str) -> None:
        if secret:
            with self._lock:
                self._secrets.add(secret)

    def text(self, value: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            value = value.replace(secret, MASK)
        return value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: (f"Bearer {MASK}" if name.lower() == "authorization" else MASK)
            if name.lower() in SECRET_HEADERS
            else self.text(str(value))
            for name, value in headers.items()
        }


def debug_http_enabled() -> bool:
    """HTTP debug logging is off unless ``OFFERFORM_DEBUG_HTTP`` is set to a true value."""
    return os.environ.get(DEBUG_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def enable_debug_logging() -> None:
    """Send ``offerform.http`` debug lines to stderr (the plugin's stderr reaches the engine's logs)."""
    if any(getattr(handler, "_offerform", False) for handler in http_log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._offerform = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s offerform.http %(message)s"))
    http_log.addHandler(handler)
    http_log.setLevel(logging.DEBUG)
