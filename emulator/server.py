"""The Emulator: the store, tokens, log and faults behind a threaded werkzeug server on a local port."""

from __future__ import annotations

import copy
import dataclasses
import threading
from pathlib import Path
from types import TracebackType
from typing import Any, Iterable, Mapping

from . import seeding
from .app import DPS_PREFIX, IMS_PATH, EmulatorApp
from .catalog import DEFAULT_TENANT, check_tenant, normalise_attributes
from .connections import KeepAliveServer
from .errors import ApiError
from .faults import FaultInjector
from .ims import TokenIssuer
from .kinds import GUARDRAILS, kind_named
from .log import RequestLog
from .settings import LINK_FORMS, RETURN_TYPE_CASES, ServiceConfig
from .store import SeedEntry, Store

DEMO_CLIENT_ID = "offerform-demo-client"
DEMO_CLIENT_SECRET = "offerform-demo-secret"
DEFAULT_TOKEN_LIFETIME = 86399.0
DEFAULT_KEEP_ALIVE_TIMEOUT = 15.0


class Emulator:
    """A local Adobe IMS + Offer Library (every kind of the family) on one port; a context manager.

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
        referential_integrity: bool = False,
        sandboxes: Iterable[str] | None = None,
        guardrails: Mapping[str, int] | None = None,
        return_type_case: str = "upper",
        keep_alive_timeout: float = DEFAULT_KEEP_ALIVE_TIMEOUT,
        tenant_id: str = DEFAULT_TENANT,
        catalog_attributes: Mapping[str, Any] | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.host = host
        self.port = port
        self.keep_alive_timeout = keep_alive_timeout
        self._initial_lifetime = float(token_lifetime)
        self._tokens = TokenIssuer(client_id, client_secret, token_lifetime)
        unknown = sorted(set(guardrails or {}) - set(GUARDRAILS))
        if unknown:
            raise ValueError(f"unknown guardrails {', '.join(unknown)}; expected some of {', '.join(GUARDRAILS)}")
        self._config = ServiceConfig(
            test_failure_status,
            default_page_size,
            max_page_size,
            referential_integrity=referential_integrity,
            guardrails={"offers": max_offers_per_sandbox, **(guardrails or {})},
            sandboxes=None if sandboxes is None else frozenset(sandboxes),
            tenant_id=check_tenant(tenant_id),
            catalog_attributes=normalise_attributes(catalog_attributes or {}),
        )
        self.link_form = link_form
        self.return_type_case = return_type_case
        self._initial_config = copy.deepcopy(self._config)
        self._store = Store(self._config, data_file)
        self.log = RequestLog()
        self.faults = FaultInjector()
        self._app = EmulatorApp(self._tokens, self._store, self._config, self.log, self.faults)
        self._server: KeepAliveServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> "Emulator":
        """Listen (port 0 picks a free port; `port` then holds the real one) and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server = KeepAliveServer(self.host, self.port, self._app, self.keep_alive_timeout)
        self.port = server.server_port
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, name=f"emulator:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, close idle connections and release the port (answers under way finish, then close)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.close_idle()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._server is not None

    @property
    def open_connections(self) -> int:
        """Client connections open now (kept alive between requests); 0 when stopped."""
        return self._server.open_connections if self._server is not None else 0

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
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
    def referential_integrity(self) -> bool:
        """Whether creates and patches must name existing objects, and deletes of named objects are refused."""
        return self._config.referential_integrity

    @referential_integrity.setter
    def referential_integrity(self, enabled: bool) -> None:
        self._config.referential_integrity = bool(enabled)

    @property
    def return_type_case(self) -> str:
        """How a ranking formula's `returnType.type` is stored: "upper" (as Adobe answers) or "as-sent"."""
        return self._config.return_type_case

    @return_type_case.setter
    def return_type_case(self, case: str) -> None:
        if case not in RETURN_TYPE_CASES:
            raise ValueError(f"unknown return type case {case!r}; expected one of {', '.join(RETURN_TYPE_CASES)}")
        self._config.return_type_case = case

    @property
    def sandboxes(self) -> frozenset[str] | None:
        """The only sandboxes that exist, or None when every sandbox name is accepted."""
        return self._config.sandboxes

    @property
    def tenant_id(self) -> str:
        """The org's tenant id: decision items keep their custom attributes in `_<tenant_id>`."""
        return self._config.tenant_id

    @property
    def data_file(self) -> Path | None:
        """Where the store persists, if anywhere."""
        return self._store.data_file

    # -- direct store access (no HTTP, not logged) ------------------------------------------------

    def seed(
        self,
        kind: str,
        org: str,
        sandbox: str,
        body: dict[str, Any],
        client_id: str = seeding.DEFAULT_SEED_CLIENT_ID,
        object_id: str | None = None,
    ) -> dict[str, Any]:
        """Store an object of `kind` as if made in the Adobe UI; its look-up shape. ValueError if refused.

        `object_id` gives it that id instead of a fresh one (it must be unused).
        """
        (made,) = self._store.seed([SeedEntry(kind_named(kind), org, sandbox, body, client_id, object_id)])
        return made

    def load_seed(self, path: str | Path, client_id: str | None = None) -> list[dict[str, Any]]:
        """Store every object of a seed file (format in seeding.py), all or none; their look-ups.

        Objects whose `id` is already stored (as when a data file kept them from an earlier run) are
        left alone. `client_id` overrides the file's default creator. ValueError if refused.
        """
        return self._store.seed(seeding.read(path, client_id), skip_existing=True)

    def define_catalog(self, org: str, sandbox: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
        """Give one sandbox's item catalog schema these custom attributes (as made in the UI's schema editor);
        the schema as the Schema Registry shows it. ValueError when malformed (catalog.py has the format).

        Items already stored are not checked again, as Adobe's are not when a schema changes.
        """
        self._config.sandbox_catalogs[(org, sandbox)] = normalise_attributes(attributes)
        return self.catalog_schema(org, sandbox)

    def catalog_schema(self, org: str, sandbox: str) -> dict[str, Any]:
        """The item catalog schema of a sandbox, as the Schema Registry answers a full look-up."""
        return self._store.catalog(org, sandbox).document()

    def catalog_schema_id(self, org: str, sandbox: str) -> str:
        """The `x-schema-id` that decision item calls in this sandbox send (the schema's `$id`)."""
        return self._store.catalog(org, sandbox).schema_id

    def find(self, org: str, sandbox: str, object_id: str) -> tuple[str, dict[str, Any]] | None:
        """(kind name, look-up shape) of the object with this id, whatever its kind; None when there is none."""
        return self._store.find(org, sandbox, object_id)

    def edit(
        self,
        org: str,
        sandbox: str,
        object_id: str,
        changes: Mapping[str, Any] | list[dict[str, Any]],
        client_id: str = seeding.DEFAULT_SEED_CLIENT_ID,
    ) -> dict[str, Any]:
        """Change an object as another client (someone in the Adobe UI) would: etag + 1, last modified by
        `client_id`; the object's new look-up shape. Not logged, no HTTP: for testing drift and conflicts.

        `changes` maps top-level fields to new values (None removes one), or is a JSON Patch array for
        nested edits. Works for every kind, also where the API has no PATCH (Decisioning placements).
        ValueError when there is no such object or the result is invalid.
        """
        found = self._store.find(org, sandbox, object_id)
        if found is None:
            raise ValueError(f"no object with id {object_id} in org {org}, sandbox {sandbox}")
        kind = kind_named(found[0])
        try:
            self._store.edit(
                kind, org, sandbox, object_id, dict(changes) if isinstance(changes, Mapping) else changes, client_id
            )
        except ApiError as err:
            raise ValueError(str(err.body.get("detail", err))) from None
        edited = self._store.get(kind, org, sandbox, object_id)
        assert edited is not None
        return edited

    def get(self, kind: str, org: str, sandbox: str, object_id: str) -> dict[str, Any] | None:
        """The look-up shape of an object of `kind`, or None."""
        return self._store.get(kind_named(kind), org, sandbox, object_id)

    def objects(self, kind: str, org: str, sandbox: str) -> list[dict[str, Any]]:
        """Look-up shapes of a sandbox's objects of `kind`, in creation order."""
        return self._store.all(kind_named(kind), org, sandbox)

    def seed_offer(self, org: str, sandbox: str, offer: dict[str, Any], client_id: str = "ui-user-client") -> dict:
        """Store a fallback offer as if made in the Adobe UI; returns its look-up shape. ValueError if invalid."""
        return self.seed("fallback-offer", org, sandbox, offer, client_id)

    def get_offer(self, org: str, sandbox: str, offer_id: str) -> dict | None:
        """A fallback offer's look-up shape, or None."""
        return self.get("fallback-offer", org, sandbox, offer_id)

    def offers(self, org: str, sandbox: str) -> list[dict]:
        """Look-up shapes of a sandbox's fallback offers, in creation order."""
        return self.objects("fallback-offer", org, sandbox)

    def reset(self, keep_tokens: bool = False) -> None:
        """Back to fresh: empty store, log and faults, settings as constructed; no tokens (unless kept)."""
        self._store.clear()
        self.log.clear()
        self.faults.clear()
        if not keep_tokens:
            self._tokens.reset(self._initial_lifetime)
        for setting in dataclasses.fields(ServiceConfig):
            setattr(self._config, setting.name, copy.deepcopy(getattr(self._initial_config, setting.name)))
