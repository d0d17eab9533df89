"""Writes that survive faults: a create never duplicated, an update never lost or overwriting.

The client reports an ambiguous write (``WriteOutcomeUnknown``); this module finds out what
actually happened on the server before it does anything else.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from .client import OfferLibraryClient, WriteOutcomeUnknown
from .errors import ApiError, ConflictError, NotFoundError, OfferformError, OutcomeUnknownError
from .model import OfferMetadata
from .patch import changed_fields, guarded_patch
from .validation import canonical_offer, user_fields

# The server's clock and ours may disagree; an offer created this long before our POST is not ours.
CLOCK_SKEW = timedelta(minutes=10)
# Rejections a failed `test` operation may come back as (the pages do not say which).
GUARD_REJECTIONS = frozenset({400, 409, 412, 422})


@dataclass(frozen=True)
class WritePolicy:
    """How hard to try a write whose outcome stays unknown, and how long a timed-out one may take to land."""

    attempts: int = 9
    settle_seconds: float = 30.0
    backoff_seconds: float = 0.25
    backoff_max: float = 5.0

    def pause(self, attempt: int, unknown: WriteOutcomeUnknown) -> None:
        """Wait before the look-up that follows ``attempt``: a timed-out request may still be running."""
        if unknown.timed_out:
            time.sleep(self.settle_seconds)
        elif attempt > 1:
            time.sleep(min(self.backoff_max, self.backoff_seconds * 2 ** (attempt - 2)))


class OfferWriter:
    """Create, update and adopt fallback offers through one client, safely."""

    def __init__(self, client: OfferLibraryClient, client_id: Optional[str], policy: WritePolicy) -> None:
        self._client = client
        self._client_id = client_id
        self._policy = policy

    def create(self, sandbox: str, desired: dict[str, Any]) -> OfferMetadata:
        """POST the offer; after an ambiguous failure, adopt the offer if the POST did land, else POST again."""
        started = datetime.now(timezone.utc)
        cause = "no answer"
        for attempt in range(1, self._policy.attempts + 1):
            try:
                return self._client.create_offer(sandbox, desired)
            except WriteOutcomeUnknown as unknown:
                cause = unknown.cause
                self._policy.pause(attempt, unknown)
            landed = self._find_created(sandbox, desired, started)
            if landed is not None:
                return OfferMetadata.from_api(landed)
        raise OutcomeUnknownError(
            f"creating fallback offer {desired.get('name')!r} failed {self._policy.attempts} times without an "
            f"answer ({cause}), and no such offer exists on the server; nothing was created"
        )

    def update(self, sandbox: str, offer_id: str, seen: dict[str, Any], desired: dict[str, Any]) -> Optional[OfferMetadata]:
        """PATCH from ``seen`` to ``desired``, guarded; None when there is nothing to change."""
        operations = guarded_patch(seen, desired)
        if not operations:
            return None
        rejected_before = False
        for attempt in range(1, self._policy.attempts + 1):
            try:
                return self._client.patch_offer(sandbox, offer_id, operations)
            except WriteOutcomeUnknown as unknown:
                rejection: Optional[ApiError] = None
                self._policy.pause(attempt, unknown)
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
            if rejection is not None:
                if rejected_before:
                    raise rejection
                rejected_before = True
            # The offer is as we saw it: guard against its exact stored form and send again.
            seen = user_fields(live_raw)
            operations = guarded_patch(seen, desired)
        raise OutcomeUnknownError(
            f"updating fallback offer {offer_id} failed {self._policy.attempts} times without an answer; "
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
        try:
            listed = list(self._client.list_offers(sandbox, filters=filters))
        except OfferformError as error:
            raise OutcomeUnknownError(
                f"creating fallback offer {name!r} got no answer, and looking it up failed too ({error}); "
                "run `pulumi refresh` and check the sandbox for a duplicate before retrying"
            ) from None
        candidates = [offer for offer in listed if self._is_ours(offer, desired, started)]
        candidates.sort(key=lambda offer: str(offer.get("created") or offer.get("createdDate") or ""))
        return candidates[-1] if candidates else None

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
