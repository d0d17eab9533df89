"""Fault injection: rules that make chosen requests slow, fail, or lose their answer, switchable at runtime."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterable

KINDS = frozenset(
    {"status", "drop", "delay", "stall", "commit_then_drop", "commit_then_status", "html", "bad_json", "missing_id"}
)
# Default status for the kinds that answer one when none is given.
_DEFAULT_STATUS = {"html": 502, "commit_then_status": 500}


@dataclass
class Fault:
    """One rule: which requests it hits (service, methods, path substring) and what happens to them.

    times: fire on the next N matching requests, then expire. probability: fire on that fraction of
    matching requests (random.Random(seed)). Neither: fire on every matching request until cleared.
    delay: seconds a `delay` fault holds the request before handling it (it lands late), or a `stall`
    fault holds it before dropping it unhandled (it never lands). meanwhile: called while the client
    still waits, once the fault has had its effect on the server (after the commit of a
    `commit_then_*`), so that someone else's change lands between ours and our next request.
    """

    kind: str
    times: int | None = None
    probability: float | None = None
    methods: Iterable[str] | None = None
    path_contains: str | None = None
    service: str | None = "dps"
    status: int | None = None
    retry_after: int | float | str | None = None
    delay: float | None = None
    seed: int | None = None
    meanwhile: Callable[[], object] | None = field(default=None, compare=False)
    fired: int = field(default=0, init=False)
    _rng: random.Random = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {sorted(KINDS)}")
        if self.kind == "status" and self.status is None:
            raise ValueError("a 'status' fault needs status=")
        if self.kind in ("delay", "stall") and (self.delay is None or self.delay < 0):
            raise ValueError(f"a {self.kind!r} fault needs delay= (seconds, >= 0)")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be >= 1")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if self.service not in (None, "dps", "ims"):
            raise ValueError("service must be 'dps', 'ims' or None (both)")
        if self.status is None and self.kind in _DEFAULT_STATUS:
            self.status = _DEFAULT_STATUS[self.kind]
        if self.methods is not None:
            self.methods = frozenset(m.upper() for m in self.methods)
        self._rng = random.Random(self.seed)

    def matches(self, service: str, method: str, path: str) -> bool:
        """Whether this rule applies to a request (before deciding whether it fires)."""
        return (
            (self.service is None or self.service == service)
            and (self.methods is None or method.upper() in self.methods)
            and (self.path_contains is None or self.path_contains in path)
        )

    @property
    def exhausted(self) -> bool:
        """True once a `times=N` rule has fired N times."""
        return self.times is not None and self.fired >= self.times


class FaultInjector:
    """The active rules plus a global added latency; thread-safe. Rules are tried in the order added."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.latency: float = 0.0

    def add(self, fault: Fault) -> Fault:
        """Activate a rule; returns it (its `fired` counter shows how often it has fired)."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every rule and the added latency."""
        with self._lock:
            self._faults.clear()
            self.latency = 0.0

    @property
    def active(self) -> list[Fault]:
        """The rules still in force."""
        with self._lock:
            return [f for f in self._faults if not f.exhausted]

    def pick(self, service: str, method: str, path: str) -> Fault | None:
        """The first rule that fires for this request (counting it as fired), or None."""
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or not fault.matches(service, method, path):
                    continue
                if fault.probability is not None and fault._rng.random() >= fault.probability:
                    continue
                fault.fired += 1
                self._faults = [f for f in self._faults if not f.exhausted]
                return fault
            return None
