"""The plugin process's one settings object and one client (one IMS token), whatever the kinds.

The engine hands every kind's resources to the same plugin process, which builds one provider
instance per kind; each is configured with the same stack config. They all share what is here,
so a stack of eight kinds still mints one token and keeps one connection pool.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..core.settings import Settings
from ..core.spec import use_tenant_source
from .engine_watch import watch_engine_of_this_process

if TYPE_CHECKING:  # imported where first used: a preview never loads the HTTP client (requests, urllib3)
    from ..adobe.client import AdobeClient


class Runtime:
    """Settings read once from the stack config (or the environment) and the client built from them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: Optional[Settings] = None
        self._client: Optional[AdobeClient] = None

    def configure(self, config_get: Callable[[str], Any]) -> None:
        """Called by every kind's ``configure``: the same config again changes nothing, new config starts over.

        In the plugin process, the first call also starts watching the engine (see ``engine_watch``)."""
        watch_engine_of_this_process()
        settings = Settings.load(config_get)
        with self._lock:
            if settings != self._settings:
                self._settings, self._client = settings, None

    @property
    def settings(self) -> Settings:
        with self._lock:
            if self._settings is None:
                # Used outside the plugin (no configure call): the environment alone.
                self._settings = Settings.load(lambda _key: None)
            return self._settings

    @property
    def client(self) -> AdobeClient:
        """The process's one client, built on first use so that preview needs no credentials."""
        from ..adobe.client import AdobeClient

        settings = self.settings
        with self._lock:
            if self._client is None:
                self._client = AdobeClient(settings)
            return self._client


RUNTIME = Runtime()
use_tenant_source(lambda: RUNTIME.settings.tenant_id)
