"""``FallbackOfferProvider``: the Pulumi dynamic provider, one engine call per method.

Every stack's state names this class as ``provider.FallbackOfferProvider``: it must stay
importable under that name. The instance is pickled into every resource's state, so it holds
nothing at all when pickled; settings and the HTTP client live only in the plugin process.
Every id the engine hands in (diff, read, update, delete) is claimed for its resource, so that a
lost create's look-up never takes it (``claims.py``).
"""

from __future__ import annotations

import threading
from typing import Any, ContextManager, Optional

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from .claims import CLAIMS
from .client import OfferLibraryClient
from .errors import NotFoundError
from .model import SERVER_OUTPUTS, USER_FIELDS, OfferMetadata
from .retry import Budget, spending
from .settings import Settings
from .validation import (
    ADOPT_OFFER_ID,
    SANDBOX_NAME,
    canonical_offer,
    check_inputs,
    contains_unknown,
    is_unknown,
)
from .writes import OfferWriter, WritePolicy


class FallbackOfferProvider(ResourceProvider):
    """CRUD for Adobe Journey Optimizer fallback offers through the Offer Library API."""

    # The pickled instance carries no state (see __getstate__), so it needs no encryption in state.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._settings: Optional[Settings] = None
        self._client: Optional[OfferLibraryClient] = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # Pickled into every resource's state: never settings, a session, a token or a lock.
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def configure(self, req: ConfigureRequest) -> None:
        """Called once per plugin process, before any other method: read ``adobe:*`` config and the environment."""
        self._settings = Settings.load(req.config.get)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Called on every preview and up: validate and canonicalise the inputs. No network.

        An offer that names no sandbox keeps the one it was created in (``olds``): a different
        default on another machine must not move, and so replace, every offer of the stack.
        """
        checked = check_inputs(news, olds.get(SANDBOX_NAME) or self.settings.sandbox_name)
        return CheckResult(checked.inputs, [CheckFailure(f.property, f.reason) for f in checked.failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Called on every preview and up for an existing offer: what would change. No network.

        ``olds`` are the last outputs (inputs plus server fields); only user-owned fields count.
        """
        CLAIMS.claim(self._sandbox(olds), _id)
        replaces = []
        old_sandbox, new_sandbox = olds.get(SANDBOX_NAME), news.get(SANDBOX_NAME)
        if old_sandbox and new_sandbox and (is_unknown(new_sandbox) or new_sandbox != old_sandbox):
            replaces.append(SANDBOX_NAME)
        changed = [
            field for field in USER_FIELDS
            if contains_unknown(news.get(field)) or olds.get(field) != news.get(field)
        ]
        if not (changed or replaces):
            return DiffResult(changes=False, replaces=[], delete_before_replace=False)
        # "Unknown" rather than "some": the engine then diffs the old and new inputs itself and learns
        # which keys changed, which `replace_on_changes` and the displayed diff need and which the
        # SDK's plugin has no way to send.
        return DiffResult(changes=None, replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Called by up for a new resource: one POST, or the adoption of ``adoptOfferId``."""
        sandbox = self._sandbox(props)
        desired = canonical_offer(props)
        adopt = props.get(ADOPT_OFFER_ID)
        writer = self._writer()
        with self._one_budget() as budget:
            metadata = (writer.adopt(sandbox, adopt, desired, budget) if adopt
                        else writer.create(sandbox, desired, budget))
        return CreateResult(metadata.id, _outputs(desired, sandbox, metadata, adopt))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Called by refresh and by ``FallbackOffer.get``: one GET; an offer gone outside the stack reads as gone."""
        sandbox = self._sandbox(props)
        CLAIMS.claim(sandbox, id_)
        try:
            with self._one_budget():
                live_raw = self.client.get_offer(sandbox, id_)
        except NotFoundError:
            return ReadResult("", {})
        live = canonical_offer(live_raw)
        metadata = OfferMetadata.from_api(live_raw)
        adopt = props.get(ADOPT_OFFER_ID)
        inputs = {**live, SANDBOX_NAME: sandbox}
        if adopt:
            inputs[ADOPT_OFFER_ID] = adopt
        return ReadResult(metadata.id, _outputs(live, sandbox, metadata, adopt), inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Called by up when diff found changes: one PATCH, guarded by what the stack last saw."""
        sandbox = self._sandbox(olds)
        CLAIMS.claim(sandbox, id_)
        seen = canonical_offer(olds)
        desired = canonical_offer(news)
        with self._one_budget() as budget:
            metadata = self._writer().update(sandbox, id_, seen, desired, budget)
        outputs = _outputs(desired, sandbox, metadata, news.get(ADOPT_OFFER_ID))
        if metadata is None:
            outputs.update({key: olds[key] for key in SERVER_OUTPUTS if key in olds})
            if "etag" in outputs:
                outputs["etag"] = int(outputs["etag"])
        return UpdateResult(outputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Called by up and destroy: one DELETE; an offer already gone counts as deleted."""
        sandbox = self._sandbox(props)
        CLAIMS.claim(sandbox, id_)
        with self._one_budget():
            self.client.delete_offer(sandbox, id_)

    # -- run-time state (never pickled) ------------------------------------------------------

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            # Used outside the plugin (no configure call): the environment alone.
            self._settings = Settings.load(lambda _key: None)
        return self._settings

    @property
    def client(self) -> OfferLibraryClient:
        """The process's one client, built on first use so that preview needs no credentials."""
        with self._lock:
            if self._client is None:
                self._client = OfferLibraryClient(self.settings)
            return self._client

    def _one_budget(self) -> ContextManager[Budget]:
        """One ``adobe:retryDeadline`` for the whole engine call: every retry below it draws on this clock."""
        return spending(Budget.starting_now(self.settings.retry_deadline))

    def _writer(self) -> OfferWriter:
        settings = self.settings
        # A request that timed out was sent adobe:requestTimeout ago at the latest, and Adobe's side may
        # still commit it until adobe:lateWriteWindow after it was sent (a slow gateway keeps working
        # after we gave up): look for it only once that window has passed. The default of 60 s is
        # what common gateways allow an upstream call, and keeps the default wait at 30 s after a 30 s timeout.
        policy = WritePolicy(attempts=settings.max_retries + 1,
                             settle_seconds=max(0.0, settings.late_write_window - settings.request_timeout))
        return OfferWriter(self.client, settings.client_id, policy)

    def _sandbox(self, props: dict[str, Any]) -> str:
        return props.get(SANDBOX_NAME) or self.settings.sandbox_name


def _outputs(desired: dict[str, Any], sandbox: str, metadata: Optional[OfferMetadata],
             adopt: Optional[str]) -> dict[str, Any]:
    outputs: dict[str, Any] = {**desired, SANDBOX_NAME: sandbox}
    if adopt:
        outputs[ADOPT_OFFER_ID] = adopt
    if metadata is not None:
        outputs.update(metadata.to_outputs())
    return outputs
