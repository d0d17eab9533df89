"""Writes that survive faults: a create never duplicated, an update never lost or overwriting.

The client reports an ambiguous write (``WriteOutcomeUnknown``); this module finds out what
actually happened on the server before it does anything else.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from .client import OfferLibraryClient, WriteOutcomeUnknown
from .errors import ApiError, ConflictError, NotFoundError, OfferformError, OutcomeUnknownError
from .model import OfferMetadata
from .patch import changed_fields, guarded_patch
from .validation import canonical_offer, user_fields

MAX_ATTEMPTS = 3
# The server's clock and ours may disagree; an offer created this long before our POST is not ours.
CLOCK_SKEW = timedelta(minutes=10)
# Rejections a failed `test` operation may come back as (the pages do not say which).
GUARD_REJECTIONS = frozenset({400, 409, 412, 422})


class OfferWriter:
    """Create, update and adopt fallback offers through one client, safely."""

    def __init__(self, client: OfferLibraryClient, client_id: Optional[str], settle_seconds: float) -> None:
        self._client = client
        self._client_id = client_id
        self._settle_seconds = settle_seconds

    def create(self, sandbox: str, desired: dict[str, Any]) -> OfferMetadata:
        """POST the offer; after an ambiguous failure, adopt the offer if the POST did land, else POST again."""
        started = datetime.now(timezone.utc)
        cause = "no answer"
        for _ in range(MAX_ATTEMPTS):
            try:
                return self._client.create_offer(sandbox, desired)
            except WriteOutcomeUnknown as unknown:
                cause = unknown.cause
                if unknown.timed_out:
                    # A request that timed out may still be running on the server: let it finish first.
                    time.sleep(self._settle_seconds)
            landed = self._find_created(sandbox, desired, started)
            if landed is not None:
                return OfferMetadata.from_api(landed)
        raise OutcomeUnknownError(
            f"creating fallback offer {desired.get('name')!r} failed {MAX_ATTEMPTS} times without an answer "
            f"({cause}), and no such offer exists on the server; nothing was created"
        )

    def update(self, sandbox: str, offer_id: str, seen: dict[str, Any], desired: dict[str, Any]) -> Optional[OfferMetadata]:
        """PATCH from ``seen`` to ``desired``, guarded; None when there is nothing to change."""
        operations = guarded_patch(seen, desired)
        if not operations:
            return None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return self._client.patch_offer(sandbox, offer_id, operations)
            except WriteOutcomeUnknown as unknown:
                rejection: Optional[ApiError] = None
                if unknown.timed_out:
                    time.sleep(self._settle_seconds)
            except ApiError as error:
                if error.status not in GUARD_REJECTIONS:
                    raise
                rejection = error
            live_raw = self._client.get_offer(sandbox, offer_id)
            live = canonical_offer(live_raw)
            if live == desired:
                # Our change is there: applied by the attempt whose answer was lost.
                return OfferMetadata.from_api(live_raw)
            drift = changed_fields(seen, live)
            if drift:
                raise ConflictError(offer_id, drift)
            if rejection is not None and attempt > 1:
                raise rejection
            # The offer is as we saw it: guard against its exact stored form and send again.
            seen = user_fields(live_raw)
            operations = guarded_patch(seen, desired)
        raise OutcomeUnknownError(
            f"updating fallback offer {offer_id} failed {MAX_ATTEMPTS} times without an answer; "
            "the offer is unchanged on the server"
        )

    def adopt(self, sandbox: str, offer_id: str, desired: dict[str, Any]) -> OfferMetadata:
        """Take over an existing offer: PATCH only what differs from the declaration, guarded on the live values."""
        try:
            live_raw = self._client.get_offer(sandbox, offer_id)
        except NotFoundError:
            raise NotFoundError(
                404,
                f"adoptOfferId {offer_id!r}: no fallback offer with this id exists in sandbox {sandbox!r}; "
                "check the id (python -m provider.export lists them) or remove adoptOfferId to create a new offer",
                method="GET", path=f"/offers/{offer_id}",
            ) from None
        if canonical_offer(live_raw) == desired:
            return OfferMetadata.from_api(live_raw)
        receipt = self.update(sandbox, offer_id, user_fields(live_raw), desired)
        return receipt or OfferMetadata.from_api(live_raw)

    def _find_created(self, sandbox: str, desired: dict[str, Any], started: datetime) -> Optional[dict[str, Any]]:
        """The offer our ambiguous POST created, if it exists: same fields, our client, created just now."""
        name = desired.get("name", "")
        # The property filter separates expressions with commas; a name with one is matched here instead.
        filters = (f"name=={name}",) if "," not in name else ()
        candidates = self._list_with_retries(sandbox, filters, name)
        candidates = [offer for offer in candidates if self._is_ours(offer, desired, started)]
        candidates.sort(key=lambda offer: str(offer.get("created") or offer.get("createdDate") or ""))
        return candidates[-1] if candidates else None

    def _list_with_retries(self, sandbox: str, filters: tuple[str, ...], name: str) -> list[dict[str, Any]]:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return list(self._client.list_offers(sandbox, filters=filters))
            except OfferformError as error:
                if attempt == MAX_ATTEMPTS:
                    raise OutcomeUnknownError(
                        f"creating fallback offer {name!r} got no answer, and looking it up failed too "
                        f"({error}); run `pulumi refresh` and check the sandbox for a duplicate before retrying"
                    ) from None
                time.sleep(0.5 * attempt)
        return []

    def _is_ours(self, offer: dict[str, Any], desired: dict[str, Any], started: datetime) -> bool:
        if canonical_offer(offer) != desired:
            return False
        creator = offer.get("createdByClientId")
        if creator and self._client_id and creator != self._client_id:
            return False
        created = _parse(offer.get("created") or offer.get("createdDate"))
        return created is None or created >= started - CLOCK_SKEW


def _parse(value: Any) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
