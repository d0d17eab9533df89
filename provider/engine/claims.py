"""Which objects belong to a resource of this plugin process, so that a lost create never takes another's.

A create whose answer was lost looks for the object it may have made. Two identical declarations
in one stack make identical objects, so the look-up may find the other resource's. Every id
this process has created, adopted or been handed by the engine as a resource's id is claimed
here, and a look-up only takes an unclaimed one. A POST still waiting for its answer may have
made an object the look-up sees before that POST can claim it, so look-ups wait for identical
POSTs in flight to answer first.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Optional


class Claims:
    """Claimed ids per sandbox, and identical POSTs in flight; safe to share between threads."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._claimed: set[tuple[str, str]] = set()
        self._posting: Counter[tuple[str, str]] = Counter()
        self._reused: set[tuple[str, str]] = set()

    def claim(self, sandbox: str, object_id: str) -> None:
        """Record ``object_id`` as some resource's: no look-up will take it."""
        with self._changed:
            self._claimed.add((sandbox, object_id))

    def claim_if_free(self, sandbox: str, object_id: str) -> bool:
        """Claim ``object_id`` unless a resource already has; True if this call claimed it."""
        with self._changed:
            if (sandbox, object_id) in self._claimed:
                return False
            self._claimed.add((sandbox, object_id))
            return True

    def mark_reused(self, sandbox: str, offer_id: str) -> None:
        """Record that a create took ``offer_id`` from the sandbox instead of posting (a killed run's object)."""
        with self._changed:
            self._reused.add((sandbox, offer_id))

    def was_reused(self, sandbox: str, offer_id: str) -> bool:
        """True if a create of this process took ``offer_id``: a resource created in this run holds it."""
        with self._changed:
            return (sandbox, offer_id) in self._reused

    @contextmanager
    def posting(self, sandbox: str, desired: dict[str, Any]) -> Iterator[None]:
        """Around one POST of ``desired``: claim what it created inside the block.

        Inside, so the claim lands before the POST stops counting as in flight.
        """
        key = (sandbox, fingerprint(desired))
        with self._changed:
            self._posting[key] += 1
        try:
            yield
        finally:
            with self._changed:
                self._posting[key] -= 1
                self._changed.notify_all()

    def unclaimed(
        self, sandbox: str, desired: dict[str, Any], object_ids: Iterable[str], until: float
    ) -> Optional[list[str]]:
        """The ids no resource owns, once every identical POST in flight has answered.

        None if one has not answered by ``until``.
        """
        key = (sandbox, fingerprint(desired))
        with self._changed:
            if not self._changed.wait_for(lambda: self._posting[key] == 0, timeout=max(0.0, until - time.monotonic())):
                return None
            return [object_id for object_id in object_ids if (sandbox, object_id) not in self._claimed]


def fingerprint(desired: dict[str, Any]) -> str:
    """One string per distinct set of fields: equal exactly when the fields are."""
    return json.dumps(desired, sort_keys=True, separators=(",", ":"))


# One registry for the plugin process: the engine may hand its resources to several provider instances.
CLAIMS = Claims()
