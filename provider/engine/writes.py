"""Writes that survive faults: a create never duplicated, an update never lost or overwriting.

The client reports an ambiguous write (``WriteOutcomeUnknown``); this module finds out what
actually happened on the server before it does anything else. It works for every kind the
same way, through the kind's spec.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional

from ..adobe.client import AdobeClient, WriteOutcomeUnknown
from ..adobe.redact import http_log
from ..adobe.retry import Budget
from ..core.model import Metadata
from ..core.spec import Endpoint, ResourceSpec
from ..errors import ApiError, ConflictError, NotFoundError, OfferformError, OutcomeUnknownError
from .claims import CLAIMS, Claims
from .lookup import INDEXES, SandboxIndexes, lookup_filters
from .patch import changed_by_others, changed_fields, guarded_patch
from .validation import canonical, user_fields, with_known_family

# The Date header that gives us the server's clock has whole seconds: an object created more than
# this long before our POST (on the server's clock) was not created by it.
CLOCK_PRECISION = timedelta(seconds=1)
# Rejections a failed `test` operation may come back as (the pages do not say which).
GUARD_REJECTIONS = frozenset({400, 409, 412, 422})


@dataclass(frozen=True)
class WritePolicy:
    """How hard to try a write whose outcome stays unknown, and how long a timed-out one may take to land.

    Time comes from the engine call's one ``Budget`` (``adobe:retryDeadline``), shared with the
    HTTP-level retries of every request the write makes.
    """

    attempts: int = 9
    settle_seconds: float = 30.0
    backoff_seconds: float = 0.25
    backoff_max: float = 5.0

    def pause(self, attempt: int, unknown: WriteOutcomeUnknown, budget: Budget) -> bool:
        """Wait before the look-up that follows ``attempt``, within the budget; False if a timed-out
        write's window was cut short, so that it may still land after the look-up."""
        wait = (
            self.settle_seconds
            if unknown.timed_out
            else (min(self.backoff_max, self.backoff_seconds * 2 ** (attempt - 2)) if attempt > 1 else 0.0)
        )
        allowed = budget.remaining()
        http_log.debug(
            "%s %s: outcome unknown (%s); looking it up in %.2fs",
            unknown.method,
            unknown.path,
            unknown.cause,
            min(wait, allowed),
        )
        time.sleep(min(wait, allowed))
        return not unknown.timed_out or wait <= allowed

    def exhausted(self, attempt: int, budget: Budget) -> bool:
        """True when no further attempt may start: out of tries, or the budget is spent."""
        return attempt >= self.attempts or budget.spent()


class Writer:
    """Create, update and adopt objects of one kind through one client, safely."""

    def __init__(
        self,
        spec: ResourceSpec,
        client: AdobeClient,
        client_id: Optional[str],
        policy: WritePolicy,
        claims: Claims = CLAIMS,
        endpoint: Optional[Endpoint] = None,
        indexes: Optional[SandboxIndexes] = INDEXES,
    ) -> None:
        self._spec = spec
        self._endpoint = endpoint or spec.endpoint
        self._client = client
        self._client_id = client_id
        self._policy = policy
        self._claims = claims
        self._indexes = indexes

    def create(self, sandbox: str, desired: dict[str, Any], budget: Budget) -> Metadata:
        """POST the object; after an ambiguous failure, adopt the object if the POST did land, else POST again.

        First, an object of ours identical to the declaration that no resource holds (what a killed
        run leaves) is taken instead of posting (``_reusable``).
        """
        reused = self._reusable(sandbox, desired)
        if reused is not None:
            return reused
        started = time.time()  # any of our attempts may have landed: look for objects since the first
        attempt = 0
        while True:
            attempt += 1
            try:
                with self._claims.posting(sandbox, self._fingerprinted(desired)):
                    receipt = self._client.create(self._endpoint, sandbox, self._spec.to_api(desired))
                    self._claims.claim(sandbox, receipt.id)
                return receipt
            except WriteOutcomeUnknown as unknown:
                cause = unknown.cause
                settled = self._policy.pause(attempt, unknown, budget)
            landed = self._find_created(sandbox, desired, started, budget)
            if landed is not None:
                return Metadata.from_api(landed)
            if self._policy.exhausted(attempt, budget):
                failed = (
                    f"creating {self._spec.label} {desired.get('name')!r} failed {attempt} times without an "
                    f"answer ({cause})"
                )
                if not settled:
                    raise OutcomeUnknownError(
                        f"{failed}; no such {self._spec.label} exists on the server yet, but the last attempt timed "
                        "out less than adobe:lateWriteWindow ago and may still land, so it was not posted again: "
                        f"check the sandbox for it before the next `pulumi up` (adopt it with "
                        f"{self._spec.adopt_input} if it is there), or raise adobe:retryDeadline"
                    )
                raise OutcomeUnknownError(
                    f"{failed}, and no such {self._spec.label} exists on the server; nothing was created"
                )

    def update(
        self, sandbox: str, object_id: str, seen: dict[str, Any], desired: dict[str, Any], budget: Budget
    ) -> Optional[Metadata]:
        """PATCH from ``seen`` to ``desired``, guarded; None when there is nothing to change."""
        operations = guarded_patch(self._spec, seen, desired)
        if not operations:
            return None
        rejected_before = False
        settled = True
        attempt = 0
        while not self._policy.exhausted(attempt, budget):
            attempt += 1
            try:
                return self._client.patch(self._endpoint, sandbox, object_id, operations)
            except WriteOutcomeUnknown as unknown:
                rejection: Optional[ApiError] = None
                settled = self._policy.pause(attempt, unknown, budget)
            except ApiError as error:
                if error.status not in GUARD_REJECTIONS:
                    raise
                rejection, settled = error, True
            live_raw = self._client.get(self._endpoint, sandbox, object_id)
            live = self.live(live_raw, desired)
            if live == desired:
                # Our change is there: applied by the attempt whose answer was lost.
                return Metadata.from_api(live_raw)
            # A rejected PATCH did not land; one whose answer was lost may have, before someone else's edit.
            drift = (
                changed_fields(self._spec, seen, live)
                if rejection is not None
                else changed_by_others(self._spec, seen, desired, live)
            )
            if drift:
                raise ConflictError(self._spec.label, object_id, drift)
            if rejection is not None:
                if rejected_before:
                    raise rejection
                rejected_before = True
            # The object is as we saw it: guard against its exact stored form and send again.
            seen = user_fields(self._spec, live_raw)
            operations = guarded_patch(self._spec, seen, desired)
        raise OutcomeUnknownError(
            f"updating {self._spec.label} {object_id} failed {attempt} times without an answer; "
            + (
                f"the {self._spec.label} is unchanged on the server"
                if settled
                else f"the {self._spec.label} was unchanged when last read, but the last attempt timed out less than "
                "adobe:lateWriteWindow ago and may still be applied (the next `pulumi up` recognises it)"
            )
        )

    def replace_whole(
        self, sandbox: str, object_id: str, seen: dict[str, Any], desired: dict[str, Any], budget: Budget
    ) -> Optional[Metadata]:
        """PUT ``desired`` over the object, for kinds the API updates only so; None when nothing changes.

        The guard is read, compare, write: a GET, then a conflict if the object's user fields differ
        from ``seen`` (what the stack last saw), else the PUT. Unlike a JSON Patch ``test``, which
        the server checks and applies in one request, this leaves the time between the GET and the
        PUT unguarded (Adobe documents no ``If-Match`` for PUT): an edit made in that window, a few
        milliseconds, is overwritten. An answer lost after the PUT is settled by reading again: our
        object is there, or it is still as we saw it and the PUT is sent again (PUT is idempotent).
        """
        if seen == desired:
            return None
        attempt = 0
        settled = True
        while not self._policy.exhausted(attempt, budget):
            attempt += 1
            live_raw = self._client.get(self._endpoint, sandbox, object_id)
            live = self.live(live_raw, seen)
            if live == desired:
                return Metadata.from_api(live_raw)
            drift = changed_fields(self._spec, seen, live)
            if drift:
                raise ConflictError(self._spec.label, object_id, drift)
            try:
                return self._client.put(self._endpoint, sandbox, object_id, self._spec.to_api(desired))
            except WriteOutcomeUnknown as unknown:
                settled = self._policy.pause(attempt, unknown, budget)
        raise OutcomeUnknownError(
            f"updating {self._spec.label} {object_id} failed {attempt} times without an answer; "
            + ("it is unchanged on the server" if settled else "the last attempt may still be applied")
        )

    def archive(self, sandbox: str, object_id: str, budget: Budget) -> bool:
        """Archive an object the API cannot delete (as the UI does): PUT it as it is now, with the archive value.

        Whatever others changed is kept; False when it is gone already or archived already.
        """
        assert self._spec.archive_on_delete is not None
        field, value = self._spec.archive_on_delete
        try:
            live_raw = self._client.get(self._endpoint, sandbox, object_id)
        except NotFoundError:
            return False
        live = canonical(self._spec, live_raw)
        if live.get(field) == value:
            return False
        archived = {**live, field: value}
        return self.replace_whole(sandbox, object_id, live, archived, budget) is not None

    def check_family(self, sandbox: str, object_id: str, live_raw: dict[str, Any], desired: dict[str, Any]) -> None:
        """Refuse to adopt an object of the other model (a legacy rule for a Decisioning declaration, or the reverse).

        A look-up that shows the flag true is believed; one that shows it false or not at all is
        checked against the list filtered on the flag (Adobe's own pages disagree on the look-up).
        """
        family = self._spec.family
        if family is None:
            return
        flag = family.flag
        live_set = live_raw.get(flag) is True
        if not live_set:
            name = live_raw.get("name")
            filters = (f"{flag}==true",) + ((f"name=={name}",) if isinstance(name, str) and "," not in name else ())
            live_set = any(
                str(found.get("id")) == object_id
                for found in self._client.list(self._endpoint, sandbox, filters=filters)
            )
        wanted = desired.get(flag) is True
        if live_set != wanted:
            raise OfferformError(
                f"{self._spec.adopt_input} {object_id!r} is a {family.label(live_set)}, and this declaration is a "
                f"{family.label(wanted)} ({flag} {'true' if wanted else 'not set'}): a stack never adopts an object "
                f"of the other model; {'set' if live_set else 'remove'} {flag} to adopt it, or remove "
                f"{self._spec.adopt_input} to create a new one"
            )

    def adopt(self, sandbox: str, object_id: str, desired: dict[str, Any], budget: Budget) -> Metadata:
        """Take over an existing object: PATCH only what differs from the declaration, guarded on the live values."""
        if self._claims.was_reused(sandbox, object_id):
            raise OfferformError(
                f"{self._spec.adopt_input} {object_id!r}: another resource of this run, declared identical to this "
                f"{self._spec.label}, already took it as an object a killed run left; an object can be managed by "
                "one resource only: remove one of the two declarations (or set adobe:takeLeftovers to false)"
            )
        self._claims.claim(sandbox, object_id)
        try:
            live_raw = self._client.get(self._endpoint, sandbox, object_id)
        except NotFoundError as missing:
            raise NotFoundError(
                404,
                f"{self._spec.adopt_input} {object_id!r}: no {self._spec.label} with this id exists in sandbox "
                f"{sandbox!r}; check the id (python -m provider.export lists them) or remove "
                f"{self._spec.adopt_input} to create a new one",
                method=missing.method,
                path=missing.path,
                request_id=missing.request_id,
            ) from None
        self.check_family(sandbox, object_id, live_raw, desired)
        live = self.live(live_raw, desired)
        if live == desired:
            return Metadata.from_api(live_raw)
        if self._spec.update_verb == "PUT":
            receipt = self.replace_whole(sandbox, object_id, live, desired, budget)
            return receipt or Metadata.from_api(live_raw)
        receipt = self.update(sandbox, object_id, user_fields(self._spec, live_raw), desired, budget)
        return receipt or Metadata.from_api(live_raw)

    def live(self, live_raw: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
        """The canonical user fields of an object read back, its model's flag as the stack knows it.

        The flag never changes in place (a change replaces the object) and a look-up may show it
        false for a Decisioning object (contradiction 7 of the notes): what the stack knows wins.
        """
        return with_known_family(self._spec, canonical(self._spec, live_raw), known)

    def _reusable(self, sandbox: str, desired: dict[str, Any]) -> Optional[Metadata]:
        """An object a killed run left for this declaration, taken for it; None to POST.

        Taken only if all hold: our client made it (``createdByClientId``), it is identical to the
        declaration in every user field, it still exists and still is (one GET, so that an object
        deleted or edited since the listing is never taken), and no resource holds it as far as
        this process knows (the engine hands us every id it diffs, reads, updates or deletes, and
        each object is taken by one create only). The newest goes first: a killed run's objects are
        younger than what the stack already holds. A resource of the stack the engine has not
        handed us yet may still hold it (an identical twin declared later in the program, or one
        renamed away whose delete comes at the end): its delete then leaves the object to the
        creating resource, and its diff asks for a new object (``SpecProvider.diff``/``delete``).
        Another stack in the same sandbox with the same client id is invisible to us: an identical
        object it holds may be taken; one API credential per stack (or different names) rules it out.
        """
        if self._indexes is None or not self._client_id:
            return None
        index = self._indexes.get(self._spec, self._client, sandbox, self._client_id, self._endpoint, desired)
        for found in index.candidates(desired):
            object_id = str(found.get("id"))
            index.forget(desired, object_id)
            if not self._claims.claim_if_free(sandbox, object_id):
                continue  # a resource holds it, or another create took it
            try:
                live_raw = self._client.get(self._endpoint, sandbox, object_id)
            except NotFoundError:
                continue  # deleted since the listing
            if self.live(live_raw, desired) != desired or live_raw.get("createdByClientId") != self._client_id:
                continue  # edited since the listing: no longer identical
            self._claims.mark_reused(sandbox, object_id)
            http_log.info(
                "%s %r: taking %s, an identical object of ours that no resource holds, instead of posting again",
                self._spec.label,
                desired.get("name"),
                object_id,
            )
            return Metadata.from_api(live_raw)
        return None

    def _fingerprinted(self, desired: dict[str, Any]) -> dict[str, Any]:
        """What identifies identical creates: the kind and the fields (two kinds may share a name)."""
        return {"kind": self._spec.kind, **desired}

    def _find_created(
        self, sandbox: str, desired: dict[str, Any], started: float, budget: Budget
    ) -> Optional[dict[str, Any]]:
        """The object our ambiguous POST created, if it exists: same fields, our client, created since it was sent,
        and no other resource's.

        An older look-alike (another resource's object, a resource being renamed) is never taken, nor
        one another resource of this process created or holds; two new unclaimed ones cannot be told
        apart, so that is an error rather than a guess.
        """
        label, name = self._spec.label, str(desired.get("name", ""))
        # The filter only narrows the listing (any name survives it); every field is compared in _is_ours.
        filters = lookup_filters(self._spec, desired)
        family = self._spec.family
        if family is not None and desired.get(family.flag) is True:
            filters += (f"{family.flag}==true",)
        try:
            listed = list(self._client.list(self._endpoint, sandbox, filters=filters))
        except OfferformError as error:
            raise OutcomeUnknownError(
                f"creating {label} {name!r} got no answer, and looking it up failed too ({error}); "
                "run `pulumi refresh` and check the sandbox for a duplicate before retrying"
            ) from None
        # The listing's answer has taught the client the server's clock: compare on that clock.
        since = self._client.server_time(started) - CLOCK_PRECISION
        candidates = [found for found in listed if self._is_ours(found, desired, since)]
        free = self._claims.unclaimed(
            sandbox, self._fingerprinted(desired), [str(found.get("id")) for found in candidates], budget.ends_at
        )
        if free is None:
            raise OutcomeUnknownError(
                f"creating {label} {name!r} got no answer, and an identical create of another resource is "
                "still waiting for its own, so which new one is whose cannot be told yet; run `pulumi refresh` "
                "and check the sandbox for a duplicate before retrying"
            )
        candidates = [found for found in candidates if str(found.get("id")) in free]
        if len(candidates) > 1:
            raise OutcomeUnknownError(
                f"creating {label} {name!r} got no answer, and {len(candidates)} identical ones were "
                f"created since ({', '.join(str(o.get('id')) for o in candidates)}); which one is this resource's "
                f"cannot be told: delete the extra one in the sandbox, then adopt the other with "
                f"{self._spec.adopt_input}"
            )
        if candidates and self._claims.claim_if_free(sandbox, str(candidates[0]["id"])):
            return candidates[0]
        return None  # none, or another look-up took the one there was: post again

    def _is_ours(self, found: dict[str, Any], desired: dict[str, Any], since: datetime) -> bool:
        if canonical(self._spec, found) != desired:
            return False
        creator = found.get("createdByClientId")
        if creator and self._client_id and creator != self._client_id:
            return False
        created = _parse(found.get("created") or found.get("createdDate"))
        return created is not None and created >= since


def _parse(value: Any) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
