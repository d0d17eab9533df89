"""The optional requests-per-second cap spaces calls evenly, across threads."""

from provider.adobe.ratelimit import RateLimiter


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


def test_no_cap_never_waits() -> None:
    clock = _Clock()
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        limiter.wait()
    assert clock.slept == []


def test_calls_in_a_burst_are_spaced_one_interval_apart() -> None:
    clock = _Clock()
    limiter = RateLimiter(4, clock=clock, sleep=clock.sleep)
    for _ in range(4):
        limiter.wait()
    assert clock.slept == [0.25, 0.5, 0.75]


def test_a_call_after_a_quiet_spell_goes_at_once() -> None:
    clock = _Clock()
    limiter = RateLimiter(4, clock=clock, sleep=clock.sleep)
    limiter.wait()
    clock.now += 10
    limiter.wait()
    assert clock.slept == []
