"""When a failed HTTP call is tried again: urllib3's ``Retry`` with our rules and a total deadline.

| failure                                    | retried for                    | why                                  |
|--------------------------------------------|--------------------------------|--------------------------------------|
| connection refused / connect timeout       | every method                   | nothing reached the server           |
| 429 Too Many Requests                      | every method                   | the gateway did not process the call |
| 500, 502, 503, 504                         | GET, DELETE, HEAD              | repeating them cannot do harm        |
| dropped connection / read timeout          | GET, DELETE, HEAD              | the same                             |
| anything on POST/PATCH beyond 429          | never here                     | the provider decides (look-up first) |

``Retry-After`` is honoured; otherwise exponential backoff with jitter. A retry is not made
when its wait would pass the deadline, so a throttled apply gets slower, never endless.

The deadline is one ``Budget`` per engine call (``adobe:retryDeadline``), opened by the provider
around Create, Read, Update and Delete: every HTTP retry chain of the call and the write-level
retries above them (``writes.py``) draw on the same clock. Outside a budget (the export command),
each chain keeps to the deadline from its own first retry.
"""

from __future__ import annotations

import logging
import random
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import Timeout
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ResponseError
from urllib3.util.retry import Retry

from .redact import Redactor, http_log

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
THROTTLED = 429


@dataclass(frozen=True)
class Budget:
    """The time one engine call may take in all, retries and waits included, on the monotonic clock."""

    seconds: float
    ends_at: float

    @classmethod
    def starting_now(cls, seconds: float) -> "Budget":
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return max(0.0, self.ends_at - time.monotonic())

    def spent(self) -> bool:
        return time.monotonic() >= self.ends_at


# The engine call's budget, seen by urllib3's retries deep inside requests (same thread, same context).
_BUDGET: ContextVar[Optional[Budget]] = ContextVar("offerform_budget", default=None)


@contextmanager
def spending(budget: Budget) -> Iterator[Budget]:
    """Make ``budget`` the one every retry in this context draws on, until the block ends."""
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def current_budget() -> Optional[Budget]:
    """The budget of the engine call running in this context, if any."""
    return _BUDGET.get()


@dataclass(frozen=True)
class GaveUp:
    """How a retry chain ended without an answer: after how many attempts, and why no further one was made."""

    attempts: int
    reason: str


_GAVE_UP = "offerform_gave_up"


def _gave_up(error: Exception, attempts: int, reason: str) -> Exception:
    """``error``, marked with how its chain ended, for the message the client builds (``gave_up``)."""
    setattr(error, _GAVE_UP, GaveUp(attempts, reason))
    return error


def gave_up(error: BaseException) -> Optional[GaveUp]:
    """How the retry chain behind a failed request ended, found on requests' error or the urllib3 one it wraps."""
    seen: BaseException | None = error
    for _ in range(3):
        if seen is None:
            return None
        found = getattr(seen, _GAVE_UP, None)
        if isinstance(found, GaveUp):
            return found
        seen = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
    return None


class RetryPolicy(Retry):
    """``Retry`` plus: 429 retried for every method, one deadline, backoff from the first retry, and a debug
    line for every attempt it retries or gives up on (status or error, and the wait), secrets masked."""

    def __init__(
        self,
        *args: Any,
        deadline: Optional[float] = None,
        started: Optional[float] = None,
        redactor: Optional[Redactor] = None,
        max_retries: Optional[int] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_retries = max_retries  # the configured number, for messages (``total`` counts down)
        self.deadline = deadline
        self.started = started
        self.redactor = redactor or Redactor()
        self.planned_wait = 0.0  # decided once in increment, so that the log says what sleep() does

    @classmethod
    def build(
        cls,
        max_retries: int,
        deadline: float,
        methods: frozenset[str] = IDEMPOTENT_METHODS,
        backoff_factor: float = 0.5,
        backoff_max: float = 30.0,
        redactor: Optional[Redactor] = None,
    ) -> "RetryPolicy":
        """The policy the client mounts: ``max_retries`` attempts at most, ``deadline`` seconds at most."""
        return cls(
            total=max_retries,
            connect=max_retries,
            read=max_retries,
            status=max_retries,
            other=0,
            redirect=False,
            allowed_methods=methods,
            status_forcelist=TRANSIENT_STATUSES,
            backoff_factor=backoff_factor,
            backoff_max=backoff_max,
            backoff_jitter=backoff_factor,
            raise_on_status=False,
            respect_retry_after_header=True,
            retry_after_max=3600,  # the deadline, not a cap, decides: retrying early would only be refused again
            deadline=deadline,
            redactor=redactor,
            max_retries=max_retries,
        )

    def new(self, **kw: Any) -> "RetryPolicy":
        kw.setdefault("deadline", self.deadline)
        kw.setdefault("started", self.started)
        kw.setdefault("redactor", self.redactor)
        kw.setdefault("max_retries", self.max_retries)
        return super().new(**kw)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code == THROTTLED:
            return True
        return super().is_retry(method, status_code, has_retry_after)

    def get_backoff_time(self) -> float:
        attempts = len(self.history)
        if attempts == 0 or self.backoff_factor <= 0:
            return 0.0
        backoff = self.backoff_factor * (2 ** (attempts - 1)) + random.random() * self.backoff_jitter
        return float(min(self.backoff_max, backoff))

    def increment(
        self,
        method: Optional[str] = None,
        url: Optional[str] = None,
        response: Any = None,
        error: Optional[Exception] = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> "RetryPolicy":
        attempt = len(self.history) + 1
        if isinstance(error, NameResolutionError):
            # A host name that does not resolve is a typo or a missing network, not a passing fault.
            self._log(method, url, _pool, response, error, attempt, "not retried: the host name does not resolve")
            raise _gave_up(
                MaxRetryError(_pool, url or "", error), attempt, "a host name that does not resolve is not retried"
            ) from error
        try:
            new_retry: RetryPolicy = super().increment(method, url, response, error, _pool, _stacktrace)
        except MaxRetryError as exhausted:
            self._log(
                method, url, _pool, response, error, attempt, "not retried: no retries left for this kind of failure"
            )
            _gave_up(exhausted, attempt, f"no retries left (adobe:maxRetries is {self.max_retries})")
            raise
        except Exception as not_retryable:
            # urllib3 re-raises the failure itself when the method may not be repeated (a POST's read timeout).
            _gave_up(not_retryable, attempt, f"a {method} that may have reached the server is not repeated")
            raise
        now = time.monotonic()
        if new_retry.started is None:
            new_retry.started = now
        budget = current_budget()
        if budget is None and new_retry.deadline is not None:
            budget = Budget(new_retry.deadline, new_retry.started + new_retry.deadline)
        wait = new_retry._wait_after(response)
        if budget is not None and now + wait > budget.ends_at:
            self._log(
                method,
                url,
                _pool,
                response,
                error,
                attempt,
                f"not retried: waiting {wait:.2f}s would pass the retry deadline of {budget.seconds:g}s",
            )
            reason = error or ResponseError(f"retry deadline of {budget.seconds:g}s reached")
            raise _gave_up(
                MaxRetryError(_pool, url or "", reason),
                attempt,
                f"waiting {wait:.1f} s more would pass adobe:retryDeadline ({budget.seconds:g} s)",
            ) from reason
        new_retry.planned_wait = wait
        self._log(method, url, _pool, response, error, attempt, f"retrying in {wait:.2f}s")
        return new_retry

    def sleep(self, response: Any = None) -> None:
        if self.planned_wait > 0:
            time.sleep(self.planned_wait)

    def _wait_after(self, response: Any) -> float:
        """What urllib3 would wait: ``Retry-After`` when the answer gives a non-zero one, else the backoff."""
        if response is not None and self.respect_retry_after_header:
            after = self.get_retry_after(response)
            if after:
                return after
        return self.get_backoff_time()

    def _log(
        self,
        method: Optional[str],
        url: Optional[str],
        pool: Any,
        response: Any,
        error: Optional[Exception],
        attempt: int,
        decision: str,
    ) -> None:
        if not http_log.isEnabledFor(logging.DEBUG):
            return
        origin = f"{pool.scheme}://{pool.host}:{pool.port}" if pool is not None and hasattr(pool, "scheme") else ""
        outcome = response.status if response is not None else type(error).__name__
        http_log.debug(
            "%s %s -> %s (attempt %d); %s", method, self.redactor.text(origin + (url or "")), outcome, attempt, decision
        )


def describe_retries(error: BaseException, seconds: float, max_retries: int, deadline: float, timeout: float) -> str:
    """What was tried for a request that got no answer, for how long, and the settings that decide it, in a clause."""
    record = gave_up(error)
    settings = (
        f"adobe:maxRetries ({max_retries}) caps the retries, adobe:retryDeadline ({deadline:g} s) the time they "
        f"may take, adobe:requestTimeout ({timeout:g} s) each attempt"
    )
    if record is None:
        return f"gave up after {seconds:.1f} s ({settings})"
    tries = "tried once" if record.attempts == 1 else f"tried {record.attempts} times"
    return f"{tries} in {seconds:.1f} s, then gave up: {record.reason} ({settings})"


def no_answer_cause(error: Exception) -> str:
    """Why a request got no answer, in a user's words where they can act on it."""
    if isinstance(error, Timeout):
        return "timed out"
    reason = last_failure(error)
    if isinstance(reason, NameResolutionError):
        return "the host name does not resolve"
    if isinstance(reason, NewConnectionError) and "refused" in str(reason).lower():
        return "connection refused: nothing listens there"
    return type(error).__name__


def last_failure(error: Exception) -> object:
    # requests wraps urllib3's MaxRetryError, whose reason is the failure of the last attempt.
    cause = error.args[0] if isinstance(error, RequestsConnectionError) and error.args else None
    return getattr(cause, "reason", cause)
