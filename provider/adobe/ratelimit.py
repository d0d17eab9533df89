"""An optional cap on requests per second, shared by every worker thread of the plugin."""

from __future__ import annotations

import threading
import time
from typing import Callable


class RateLimiter:
    """Spaces calls at least ``1/rate`` seconds apart; a rate of 0 means no cap."""

    def __init__(
        self, rate: float, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0

    def wait(self) -> None:
        """Block until this caller's slot comes."""
        if not self._interval:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self._interval
        if slot > now:
            self._sleep(slot - now)
