"""The Emulator: the store, tokens, log and faults behind a threaded werkzeug server on a local port."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlencode

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import DPS_PREFIX, IMS_PATH, EmulatorApp
from .errors import ApiError
from .faults import FaultInjector
from .ims import TokenIssuer
from .log import REDACTED, RequestLog, is_secret_name
from .offers_api import LINK_FORMS, ServiceConfig
from .store import Store

DEMO_CLIENT_ID = "offerform-demo-client"
DEMO_CLIENT_SECRET = "offerform-demo-secret"
DEFAULT_TOKEN_LIFETIME = 86399.0

_access_log = logging.getLogger("offerform_emulator.access")
_server_log = logging.getLogger("offerform_emulator.server")


class _QuietHandler(WSGIRequestHandler):
    """werkzeug's request handler, logging through the `emulator.*` loggers instead of stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Tokens travel in headers, never logged; a secret put in a query string is hidden too.
        path, _, query = self.path.partition("?")
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            path += "?" + urlencode([(k, REDACTED if is_secret_name(k) else v) for k, v in pairs], safe="*:/")
        _access_log.info("%s %s %s", self.command, path, code)

    def log(self, type: str, message: str, *args: Any) -> None:
        getattr(_server_log, type if type in ("info", "warning", "error") else "info")(message, *args)


class Emulator:
    """A local Adobe IMS + Offer Library (fallback offers) on one port; a context manager.

    Construct, `start()` (or `with Emulator() as emu:`), point clients at `emu.ims_url` / `emu.dps_url`,
    `stop()`. The store is loaded from `data_file` at construction when that file exists.
    """

    def __init__(
        self,
        client_id: str = DEMO_CLIENT_ID,
        client_secret: str = DEMO_CLIENT_SECRET,
        token_lifetime: float = DEFAULT_TOKEN_LIFETIME,
        data_file: str | Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        default_page_size: int = 20,
        max_page_size: int = 100,
        test_failure_status: int = 400,
        max_offers_per_sandbox: int = 10_000,
        link_form: str = "api",
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.host = host
        self.port = port
        self._initial_lifetime = float(token_lifetime)
        self._initial_test_failure_status = test_failure_status
        self._tokens = TokenIssuer(client_id, client_secret, token_lifetime)
        self._store = Store(max_offers_per_sandbox, data_file)
        self._config = ServiceConfig(test_failure_status, default_page_size, max_page_size)
        self._initial_link_form = link_form
        self.link_form = link_form
        self.log = RequestLog()
        self.faults = FaultInjector()
        self._app = EmulatorApp(self._tokens, self._store, self._config, self.log, self.faults)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> "Emulator":
        """Listen (port 0 picks a free port; `port` then holds the real one) and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server = make_server(self.host, self.port, self._app, threaded=True, request_handler=_QuietHandler)
        self.port = server.server_port
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                                        name=f"emulator:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and release the port (requests still being answered finish on their own)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._server is not None

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- addresses ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the server, e.g. http://127.0.0.1:8787."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def dps_url(self) -> str:
        """Base URL of the Offer Library (what https://platform.adobe.io/data/core/dps is in production)."""
        return self.url + DPS_PREFIX

    @property
    def ims_url(self) -> str:
        """The IMS token endpoint."""
        return self.url + IMS_PATH

    # -- tokens and settings --------------------------------------------------------------------

    @property
    def token_lifetime(self) -> float:
        """Lifetime in seconds of tokens issued from now on."""
        return self._tokens.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, seconds: float) -> None:
        self._tokens.token_lifetime = float(seconds)

    @property
    def tokens_issued(self) -> int:
        """Successful token requests so far."""
        return self._tokens.tokens_issued

    def issued_tokens(self) -> list[str]:
        """Every access token issued (expired ones included), so tests can check none leaked anywhere."""
        return self._tokens.issued()

    def expire_tokens(self) -> None:
        """Make every token issued so far invalid (401 on next use)."""
        self._tokens.expire_all()

    @property
    def test_failure_status(self) -> int:
        """Status answered when a PATCH `test` operation fails."""
        return self._config.test_failure_status

    @test_failure_status.setter
    def test_failure_status(self, status: int) -> None:
        self._config.test_failure_status = int(status)

    @property
    def link_form(self) -> str:
        """How list answers write `_links` hrefs: "api" (`/offers?...`, the default), "root" or "absolute"."""
        return self._config.link_form

    @link_form.setter
    def link_form(self, form: str) -> None:
        if form not in LINK_FORMS:
            raise ValueError(f"unknown link form {form!r}; expected one of {', '.join(LINK_FORMS)}")
        self._config.link_form = form

    @property
    def data_file(self) -> Path | None:
        """Where the store persists, if anywhere."""
        return self._store.data_file

    # -- direct store access (no HTTP, not logged) ------------------------------------------------

    def seed_offer(self, org: str, sandbox: str, offer: dict[str, Any], client_id: str = "ui-user-client") -> dict:
        """Store an offer as if made in the Adobe UI; returns its look-up shape. ValueError if invalid."""
        try:
            created = self._store.create(org, sandbox, offer, client_id)
        except ApiError as err:
            raise ValueError(err.body.get("detail", str(err))) from None
        stored = self._store.get(org, sandbox, created["id"])
        assert stored is not None
        return stored

    def get_offer(self, org: str, sandbox: str, offer_id: str) -> dict | None:
        """An offer's look-up shape, or None."""
        return self._store.get(org, sandbox, offer_id)

    def offers(self, org: str, sandbox: str) -> list[dict]:
        """Look-up shapes of a sandbox's offers, in creation order."""
        return self._store.all(org, sandbox)

    def reset(self, keep_tokens: bool = False) -> None:
        """Back to fresh: empty store, log and faults; no tokens (unless kept, so a running client stays signed in)."""
        self._store.clear()
        self.log.clear()
        self.faults.clear()
        if not keep_tokens:
            self._tokens.reset(self._initial_lifetime)
        self._config.test_failure_status = self._initial_test_failure_status
        self._config.link_form = self._initial_link_form
