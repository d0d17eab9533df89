"""The offer store: offers per (org, sandbox), one lock, deep-copied reads, optional persistence."""

from __future__ import annotations

import copy
import secrets
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from . import persistence
from .errors import not_found, problem
from .patching import apply_patch
from .shapes import ID_PREFIX, StoredOffer, lookup, now, receipt
from .validation import validated_offer

Scope = tuple[str, str]  # (IMS org id, sandbox name)


class Store:
    """All offers, isolated per (org, sandbox); every operation is atomic under one lock."""

    def __init__(self, max_offers_per_sandbox: int = 10_000, data_file: str | Path | None = None) -> None:
        self.max_offers_per_sandbox = max_offers_per_sandbox
        self.data_file = Path(data_file) if data_file is not None else None
        self._lock = threading.RLock()
        self._scopes: dict[Scope, dict[str, StoredOffer]] = {}
        self._seq = 0
        if self.data_file is not None:
            self._load()

    # -- operations -----------------------------------------------------------------------------

    def create(self, org: str, sandbox: str, body: Any, client_id: str) -> dict[str, Any]:
        """Validate and store a new offer; returns the create receipt. ApiError on invalid body or guardrail."""
        fields = validated_offer(body)
        with self._lock:
            offers = self._scopes.setdefault((org, sandbox), {})
            if len(offers) >= self.max_offers_per_sandbox:
                raise problem(400, f"the sandbox already holds the maximum of {self.max_offers_per_sandbox} offers",
                              "dps-guardrail-exceeded", "Limit exceeded")
            offer_id = self._new_id()
            moment = now()
            self._seq += 1
            offer = StoredOffer(offer_id, self._seq, copy.deepcopy(fields), 1, moment, moment, client_id, client_id)
            offers[offer_id] = offer
            self._save()
            return receipt(offer, org, sandbox)

    def get(self, org: str, sandbox: str, offer_id: str) -> dict[str, Any] | None:
        """The look-up shape of one offer (a private copy), or None."""
        with self._lock:
            offer = self._scopes.get((org, sandbox), {}).get(offer_id)
            return copy.deepcopy(lookup(offer, org, sandbox)) if offer else None

    def all(self, org: str, sandbox: str) -> list[dict[str, Any]]:
        """Look-up shapes of every offer in a sandbox, in creation order (private copies)."""
        with self._lock:
            offers = list(self._scopes.get((org, sandbox), {}).values())
            return [copy.deepcopy(lookup(o, org, sandbox)) for o in offers]

    def numbered(self, org: str, sandbox: str) -> list[tuple[int, dict[str, Any]]]:
        """(creation sequence, look-up shape) for every offer in a sandbox: what listing sorts and pages."""
        with self._lock:
            offers = list(self._scopes.get((org, sandbox), {}).values())
            return [(o.seq, copy.deepcopy(lookup(o, org, sandbox))) for o in offers]

    def patch(self, org: str, sandbox: str, offer_id: str, ops: Any, client_id: str,
              test_failure_status: int) -> dict[str, Any]:
        """Apply a JSON Patch atomically and re-validate; returns the update receipt. Nothing changes on error."""
        with self._lock:
            offer = self._scopes.get((org, sandbox), {}).get(offer_id)
            if offer is None:
                raise not_found(f"no fallback offer with id {offer_id}")
            patched = validated_offer(apply_patch(offer.fields, ops, test_failure_status))
            offer.fields = patched
            offer.etag += 1
            offer.modified = max(now(), offer.modified)
            offer.last_modified_by_client_id = client_id
            self._save()
            return receipt(offer, org, sandbox, with_dataset=True)

    def delete(self, org: str, sandbox: str, offer_id: str) -> bool:
        """Remove an offer; False when there was none with that id."""
        with self._lock:
            offers = self._scopes.get((org, sandbox), {})
            if offers.pop(offer_id, None) is None:
                return False
            self._save()
            return True

    def clear(self) -> None:
        """Forget every offer (and save the empty store when persisting)."""
        with self._lock:
            self._scopes.clear()
            self._save()

    # -- internals ------------------------------------------------------------------------------

    def _new_id(self) -> str:
        """A fresh id, unique across every sandbox (64 random bits; the loop only guards the unlikely clash)."""
        while True:
            candidate = ID_PREFIX + secrets.token_hex(8)
            if not any(candidate in offers for offers in self._scopes.values()):
                return candidate

    def _save(self) -> None:
        if self.data_file is None:
            return
        scopes = [
            {"org": org, "sandbox": sandbox, "offers": [_to_json(o) for o in offers.values()]}
            for (org, sandbox), offers in self._scopes.items()
        ]
        persistence.write_atomically(
            self.data_file, {"version": persistence.FORMAT_VERSION, "seq": self._seq, "scopes": scopes})

    def _load(self) -> None:
        assert self.data_file is not None
        data = persistence.read(self.data_file)
        if data is None:
            return
        try:
            for scope in data["scopes"]:
                offers = {o["id"]: _from_json(o) for o in scope["offers"]}
                self._scopes[(scope["org"], scope["sandbox"])] = offers
            self._seq = int(data["seq"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{self.data_file} is damaged: {exc!r}") from exc


def _to_json(offer: StoredOffer) -> dict[str, Any]:
    return {
        "id": offer.id, "seq": offer.seq, "fields": offer.fields, "etag": offer.etag,
        "created": offer.created.isoformat(), "modified": offer.modified.isoformat(),
        "createdByClientId": offer.created_by_client_id, "lastModifiedByClientId": offer.last_modified_by_client_id,
    }


def _from_json(data: dict[str, Any]) -> StoredOffer:
    return StoredOffer(
        id=data["id"], seq=int(data["seq"]), fields=dict(data["fields"]), etag=int(data["etag"]),
        created=datetime.fromisoformat(data["created"]), modified=datetime.fromisoformat(data["modified"]),
        created_by_client_id=data["createdByClientId"], last_modified_by_client_id=data["lastModifiedByClientId"],
    )
