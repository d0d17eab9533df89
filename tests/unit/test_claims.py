"""The process's claims on offers: a lost create's look-up only ever takes an offer no resource holds."""

from __future__ import annotations

import threading
import time

from provider.engine.claims import Claims

SPRING = {"name": "Spring fallback"}


def test_a_claimed_offer_is_not_offered_to_a_look_up() -> None:
    claims = Claims()
    claims.claim("prod", "o1")

    assert claims.unclaimed("prod", SPRING, ["o1", "o2"], until=time.monotonic()) == ["o2"]


def test_a_claim_holds_in_its_own_sandbox_only() -> None:
    claims = Claims()
    claims.claim("prod", "o1")

    assert claims.unclaimed("dev", SPRING, ["o1"], until=time.monotonic()) == ["o1"]


def test_only_one_look_up_can_take_a_free_offer() -> None:
    claims = Claims()

    assert [claims.claim_if_free("prod", "o1") for _ in range(2)] == [True, False]


def test_a_look_up_waits_for_an_identical_post_in_flight_to_claim_what_it_made() -> None:
    claims = Claims()
    in_flight = threading.Event()

    def post() -> None:
        with claims.posting("prod", SPRING):
            in_flight.set()
            time.sleep(0.2)
            claims.claim("prod", "o1")

    poster = threading.Thread(target=post)
    poster.start()
    in_flight.wait()

    assert claims.unclaimed("prod", SPRING, ["o1"], until=time.monotonic() + 5) == []
    poster.join()


def test_a_look_up_cannot_tell_while_an_identical_post_is_still_in_flight_at_its_deadline() -> None:
    claims = Claims()

    with claims.posting("prod", SPRING):
        assert claims.unclaimed("prod", SPRING, ["o1"], until=time.monotonic() + 0.05) is None


def test_a_post_of_another_declaration_does_not_hold_a_look_up_up() -> None:
    claims = Claims()

    with claims.posting("prod", {"name": "Autumn fallback"}):
        assert claims.unclaimed("prod", SPRING, ["o1"], until=time.monotonic()) == ["o1"]
