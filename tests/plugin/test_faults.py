"""The service's bad days: throttling, faults, lost answers. Nothing lost, nothing doubled, nothing overwritten.

Faults are injected in the emulator; the provider runs in the real plugin process.
"""

from __future__ import annotations

import time
from typing import Callable

import pytest
from offerform_emulator import Emulator, Fault
from offerform_emulator.testing import make_emulator_fixture

from harness.engine import Plugin, PluginError, Stack, concurrently
from harness.offers import offer
from harness.stack_config import ORG, SANDBOX, plugin_config

from ..support.ui import AdobeUi

# One offer per list page, so that a look-up must follow next links.
paged_emulator = make_emulator_fixture(name="paged_emulator", default_page_size=1)


def _count(emu: Emulator, method: str) -> int:
    return emu.log.count(method=method, service="dps")


# -- 1. throttling --------------------------------------------------------------------------


def test_throttled_read_waits_for_retry_after_then_succeeds(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    emu.log.clear()
    emu.faults.add(Fault("status", status=429, retry_after=1, times=2, methods={"GET"}))

    started = time.monotonic()
    assert stack.refresh("spring")

    assert time.monotonic() - started >= 2.0
    assert _count(emu, "GET") == 3


def test_throttled_create_is_retried_and_creates_one_offer(stack: Stack, emu: Emulator) -> None:
    emu.faults.add(Fault("status", status=429, retry_after=0, times=3, methods={"POST"}))

    stack.up("spring", offer())

    assert _count(emu, "POST") == 4
    assert len(emu.offers(ORG, SANDBOX)) == 1


def test_throttling_without_retry_after_backs_off_and_succeeds(stack: Stack, emu: Emulator) -> None:
    emu.faults.add(Fault("status", status=429, times=2, methods={"POST"}))

    stack.up("spring", offer())

    assert len(emu.offers(ORG, SANDBOX)) == 1


def test_throttling_past_the_deadline_fails_with_a_clear_message(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emulator, **{"adobe:retryDeadline": "2"}))
    emulator.faults.add(Fault("status", status=429, retry_after=1, methods={"POST"}))

    started = time.monotonic()
    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    assert time.monotonic() - started < 10
    assert "throttled by Adobe" in failure.value.details and "adobe:retryDeadline" in failure.value.details
    assert emulator.offers(ORG, SANDBOX) == []


def _debug_plugin(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> Plugin:
    return start_plugin(plugin_config(emulator), env={"OFFERFORM_DEBUG_HTTP": "1"})


def _no_secret_in(text: str, emulator: Emulator) -> bool:
    return not any(secret in text for secret in [emulator.client_secret, *emulator.issued_tokens()])


def test_each_retried_attempt_shows_in_the_debug_log_with_its_status_and_wait(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = _debug_plugin(emulator, start_plugin)
    stack = Stack(plugin)
    stack.up("spring", offer())
    emulator.faults.add(Fault("status", status=429, retry_after=1, times=3, methods={"GET"}))

    stack.refresh("spring")

    reads = [line for line in plugin.logs().splitlines() if " GET " in line and "/offers/" in line]
    assert [line.split(" -> ", 1)[1] for line in reads[:3]] == [
        f"429 (attempt {attempt}); retrying in 1.00s" for attempt in (1, 2, 3)
    ]
    assert " -> 200 in " in reads[3] and len(reads) == 4
    assert _no_secret_in(plugin.logs(), emulator)


def test_a_write_whose_outcome_is_unknown_shows_its_look_up_in_the_debug_log(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = _debug_plugin(emulator, start_plugin)
    emulator.faults.add(Fault("drop", times=1, methods={"POST"}))

    Stack(plugin).up("spring", offer())

    assert "POST /offers: outcome unknown (ConnectionError); looking it up in 0.00s" in plugin.logs()
    assert _no_secret_in(plugin.logs(), emulator)


# -- 2. transient faults --------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_faults_on_read_are_retried(stack: Stack, emu: Emulator, status: int) -> None:
    stack.up("spring", offer())
    emu.faults.add(Fault("status", status=status, times=2, methods={"GET"}))

    assert stack.refresh("spring")


def test_a_dropped_connection_on_read_is_retried(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    emu.faults.add(Fault("drop", times=2, methods={"GET"}))

    assert stack.refresh("spring")
    assert stack.state["spring"].outputs["name"] == "Spring fallback"


def test_server_faults_and_drops_on_delete_are_retried(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    offer_id = stack.state["spring"].id
    emu.faults.add(Fault("status", status=503, times=1, methods={"DELETE"}))
    emu.faults.add(Fault("commit_then_drop", times=1, methods={"DELETE"}))

    stack.destroy("spring")

    assert emu.get_offer(ORG, SANDBOX, offer_id) is None


def test_an_expired_token_is_refreshed_once_and_the_call_repeated(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    issued = emu.tokens_issued
    emu.expire_tokens()

    assert stack.refresh("spring")

    assert emu.tokens_issued == issued + 1
    assert [entry.status for entry in emu.log.entries(service="dps")][-2:] == [401, 200]


# -- 3. no duplicate creates ----------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault("commit_then_drop", times=1, methods={"POST"}),
        Fault("commit_then_status", status=500, times=1, methods={"POST"}),
        Fault("commit_then_status", status=503, times=1, methods={"POST"}),
        Fault("missing_id", times=1, methods={"POST"}),
    ],
    ids=["committed-then-dropped", "committed-then-500", "committed-then-503", "committed-without-id"],
)
def test_a_create_whose_answer_is_lost_after_commit_adopts_the_offer_instead_of_posting_again(
    stack: Stack, emu: Emulator, fault: Fault
) -> None:
    emu.faults.add(fault)

    stack.up("spring", offer())

    [created] = emu.offers(ORG, SANDBOX)
    assert stack.state["spring"].id == created["id"]
    assert _count(emu, "POST") == 1


@pytest.mark.parametrize(
    "fault",
    [
        Fault("drop", times=1, methods={"POST"}),
        Fault("status", status=502, times=1, methods={"POST"}),
        Fault("html", status=502, times=1, methods={"POST"}),
        Fault("bad_json", times=1, methods={"POST"}),
    ],
    ids=["dropped", "502", "proxy-html-page", "truncated-json"],
)
def test_a_create_that_did_not_land_is_posted_again_once(stack: Stack, emu: Emulator, fault: Fault) -> None:
    emu.faults.add(fault)

    stack.up("spring", offer())

    [created] = emu.offers(ORG, SANDBOX)
    assert stack.state["spring"].id == created["id"]
    assert _count(emu, "POST") == 2


def test_a_create_that_times_out_but_lands_within_the_late_write_window_is_adopted(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emulator, **{"adobe:requestTimeout": "1", "adobe:lateWriteWindow": "4"}))
    # A slow gateway: the POST lands 3 s after it was sent, 2 s after the client gave up on it.
    emulator.faults.add(Fault("delay", delay=3, times=1, methods={"POST"}))

    stack = Stack(plugin)
    stack.up("spring", offer())

    [created] = emulator.offers(ORG, SANDBOX)
    assert stack.state["spring"].id == created["id"]
    assert _count(emulator, "POST") == 1


def test_a_timed_out_create_is_not_posted_again_while_it_may_still_land(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(
        plugin_config(
            emulator, **{"adobe:requestTimeout": "1", "adobe:lateWriteWindow": "10", "adobe:retryDeadline": "3"}
        )
    )
    emulator.faults.add(Fault("delay", delay=4, times=1, methods={"POST"}))

    started = time.monotonic()
    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    assert time.monotonic() - started < 3 + 1.5
    assert "may still land, so it was not posted again" in failure.value.details
    assert _count(emulator, "POST") == 1


@pytest.mark.parametrize("form", ["api", "root", "absolute"])
def test_a_lost_create_finds_its_offer_on_a_later_page_whatever_form_the_next_link_takes(
    paged_emulator: Emulator, start_plugin: Callable[..., Plugin], form: str
) -> None:
    paged_emulator.link_form = form
    stack = Stack(start_plugin(plugin_config(paged_emulator)))
    paged_emulator.seed_offer(ORG, SANDBOX, offer(), client_id="someone-elses-client")  # page 1
    paged_emulator.faults.add(Fault("commit_then_drop", times=1, methods={"POST"}))  # ours lands on page 2

    stack.up("spring", offer())

    assert _count(paged_emulator, "POST") == 1
    assert len(paged_emulator.offers(ORG, SANDBOX)) == 2


@pytest.mark.parametrize(
    "name",
    [
        "Sale, 50% off",
        "name==x,description==y",
        "Spring~Summer",
        "Star * offer",
        'The "best" offer',
        "Jo's offer",
        "Two  spaces",
        "Été à Paris",
        "春のセール",
    ],
    ids=["comma", "operators", "tilde", "asterisk", "double-quotes", "apostrophe", "spaces", "accents", "non-latin"],
)
def test_a_lost_create_finds_its_offer_whatever_characters_its_name_holds(
    stack: Stack, emu: Emulator, name: str
) -> None:
    emu.seed_offer(ORG, SANDBOX, offer(name[:-1] + "!"), client_id=emu.client_id)  # a look-alike by name only
    emu.faults.add(Fault("commit_then_drop", times=1, methods={"POST"}))

    stack.up("spring", offer(name))

    [created] = [found for found in emu.offers(ORG, SANDBOX) if found["name"] == name]
    assert stack.state["spring"].id == created["id"]
    assert _count(emu, "POST") == 1


def test_a_lookalike_offer_made_by_someone_else_is_not_adopted(stack: Stack, emu: Emulator) -> None:
    emu.seed_offer(ORG, SANDBOX, offer(), client_id="someone-elses-client")
    emu.faults.add(Fault("drop", times=1, methods={"POST"}))

    stack.up("spring", offer())

    assert len(emu.offers(ORG, SANDBOX)) == 2
    assert emu.stored("fallback-offer", ORG, SANDBOX, stack.state["spring"].id)["createdByClientId"] == emu.client_id


def _lost_create_plugin(emulator: Emulator, start_plugin: Callable[..., Plugin], **config: str) -> Plugin:
    """A plugin whose first POST times out and never lands; the look-up comes 1 s after the timeout."""
    plugin = start_plugin(
        plugin_config(emulator, **{"adobe:requestTimeout": "1", "adobe:lateWriteWindow": "2", **config})
    )
    emulator.faults.add(Fault("stall", delay=1.5, times=1, methods={"POST"}))
    return plugin


def test_two_identical_resources_never_end_up_owning_one_offer(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    stack = Stack(_lost_create_plugin(emulator, start_plugin))

    # One POST stalls and is lost; the other lands at once: the lost one's look-up finds that offer.
    concurrently(lambda: stack.up("first", offer()), lambda: stack.up("second", offer()))

    live = {o["id"] for o in emulator.offers(ORG, SANDBOX)}
    assert stack.state["first"].id != stack.state["second"].id
    assert {stack.state["first"].id, stack.state["second"].id} == live


def test_a_lost_create_waits_for_an_identical_create_still_in_flight_before_taking_its_offer(
    stack: Stack, emu: Emulator
) -> None:
    # The first POST is dropped, but only once the second has landed; the second's answer comes
    # a second later, so the first one's look-up sees an offer nobody has claimed yet.
    emu.faults.add(Fault("drop", times=1, methods={"POST"}, meanwhile=lambda: time.sleep(0.5)))
    emu.faults.add(Fault("delay", delay=0, times=1, methods={"POST"}, meanwhile=lambda: time.sleep(1.5)))

    concurrently(lambda: stack.up("first", offer()), lambda: stack.up("second", offer()))

    assert stack.state["first"].id != stack.state["second"].id
    assert {stack.state["first"].id, stack.state["second"].id} == {o["id"] for o in emu.offers(ORG, SANDBOX)}


@pytest.mark.parametrize("claim", ["adopted", "referenced"])
def test_a_lost_create_never_takes_an_offer_another_resource_holds(
    emulator: Emulator, start_plugin: Callable[..., Plugin], claim: str
) -> None:
    # The lost create's own look-up is under test: no create first takes the seeded offer as a leftover.
    stack = Stack(_lost_create_plugin(emulator, start_plugin, **{"adobe:takeLeftovers": "false"}))
    other = emulator.seed_offer(ORG, SANDBOX, offer(), client_id=emulator.client_id)["id"]  # just made, same client
    hold: Callable[[], object] = (
        (lambda: stack.up("adopter", {**offer(), "adoptOfferId": other}))
        if claim == "adopted"
        else (lambda: stack.get("reference", other))
    )

    concurrently(lambda: stack.up("spring", offer()), hold)

    assert stack.state["spring"].id != other
    assert len(emulator.offers(ORG, SANDBOX)) == 2


def test_100_creates_under_commit_then_fail_faults_make_exactly_100_offers(stack: Stack, emu: Emulator) -> None:
    emu.faults.add(Fault("commit_then_drop", probability=0.2, methods={"POST"}, seed=7))
    emu.faults.add(Fault("commit_then_status", status=500, probability=0.1, methods={"POST"}, seed=8))
    emu.faults.add(Fault("drop", probability=0.1, methods={"POST"}, seed=9))

    for index in range(100):
        stack.up(f"offer-{index}", offer(f"Fallback {index:03d}"))

    live = emu.offers(ORG, SANDBOX)
    assert len(live) == 100
    assert sorted(o["id"] for o in live) == sorted(state.id for state in stack.state.values())
    assert sum(fault.fired for fault in emu.faults.active) >= 20


# -- 4. no lost updates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault("commit_then_drop", times=1, methods={"PATCH"}),
        Fault("commit_then_status", status=500, times=1, methods={"PATCH"}),
        Fault("bad_json", times=1, methods={"PATCH"}),
        Fault("drop", times=1, methods={"PATCH"}),
    ],
    ids=["committed-then-dropped", "committed-then-500", "truncated-json", "dropped-before-commit"],
)
def test_an_update_whose_answer_is_lost_is_applied_exactly_once(stack: Stack, emu: Emulator, fault: Fault) -> None:
    stack.up("spring", offer())
    offer_id = stack.state["spring"].id
    emu.faults.add(fault)

    stack.up("spring", offer(description="Changed once"))

    live = emu.stored("fallback-offer", ORG, SANDBOX, offer_id)
    assert live["description"] == "Changed once"
    assert live["etag"] == 2
    assert stack.state["spring"].outputs["etag"] == 2


@pytest.mark.parametrize("status", [400, 409, 412, 422])
def test_an_outside_edit_is_never_overwritten_whatever_status_the_failed_guard_gets(
    stack: Stack, emu: Emulator, status: int
) -> None:
    emu.test_failure_status = status
    stack.up("spring", offer())
    offer_id = stack.state["spring"].id
    AdobeUi(emu).patch(
        offer_id,
        [
            {"op": "replace", "path": "/status", "value": "archived"},
            {"op": "add", "path": "/characteristics/season", "value": "winter"},
        ],
    )
    live_before = emu.get_offer(ORG, SANDBOX, offer_id)

    with pytest.raises(PluginError) as failure:
        stack.up("spring", offer(description="Ours"))

    assert "status, characteristics differ" in failure.value.details
    assert emu.get_offer(ORG, SANDBOX, offer_id) == live_before


def test_a_conflict_after_our_lost_update_landed_names_only_what_someone_else_changed(
    stack: Stack, emu: Emulator
) -> None:
    stack.up("spring", offer())
    offer_id = stack.state["spring"].id
    ui = AdobeUi(emu)
    # Our PATCH lands, its answer is lost, and someone archives the offer before we look.
    emu.faults.add(
        Fault(
            "commit_then_drop",
            times=1,
            methods={"PATCH"},
            meanwhile=lambda: ui.patch(offer_id, [{"op": "replace", "path": "/status", "value": "archived"}]),
        )
    )

    with pytest.raises(PluginError) as failure:
        stack.up("spring", offer(description="Ours"))

    assert "(status differs from what the stack last saw)" in failure.value.details
    live = emu.stored("fallback-offer", ORG, SANDBOX, offer_id)
    assert (live["description"], live["status"]) == ("Ours", "archived")


def test_after_a_conflict_refresh_then_up_applies_the_change(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    AdobeUi(emu).patch(stack.state["spring"].id, [{"op": "replace", "path": "/status", "value": "archived"}])
    with pytest.raises(PluginError):
        stack.up("spring", offer(description="Ours"))

    stack.refresh("spring")
    stack.up("spring", offer(description="Ours"))

    live = emu.stored("fallback-offer", ORG, SANDBOX, stack.state["spring"].id)
    assert (live["description"], live["status"]) == ("Ours", "approved")


# -- 6. bad answers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault("html", status=200, methods={"GET"}), "not JSON"),
        (Fault("bad_json", methods={"GET"}), "not JSON"),
        (Fault("missing_id", methods={"GET"}), "without an object"),
    ],
    ids=["proxy-html-page", "truncated-json", "no-id"],
)
def test_an_unusable_answer_to_a_read_is_a_clear_error(
    stack: Stack, emu: Emulator, fault: Fault, expected: str
) -> None:
    stack.up("spring", offer())
    emu.faults.add(fault)

    with pytest.raises(PluginError) as failure:
        stack.refresh("spring")

    assert expected in failure.value.details
    assert "spring" in stack.state  # the state still points at the live offer


def test_a_create_that_never_gets_a_usable_answer_leaves_no_state(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    stack = Stack(start_plugin(plugin_config(emulator, **{"adobe:maxRetries": "2"})))
    emulator.faults.add(Fault("bad_json", methods={"POST"}))

    with pytest.raises(PluginError) as failure:
        stack.up("spring", offer())

    assert "failed 3 times without an answer" in failure.value.details
    assert "nothing was created" in failure.value.details
    assert "spring" not in stack.state
    assert emulator.offers(ORG, SANDBOX) == []
    assert emulator.log.count(method="POST", service="dps") == 3


def test_a_lost_create_never_takes_over_an_older_lookalike_of_the_same_client(stack: Stack, emu: Emulator) -> None:
    stack.up("old-name", offer())
    time.sleep(2.5)  # a resource renamed without an alias: the old offer predates the new POST
    emu.faults.add(Fault("drop", times=1, methods={"POST"}))

    stack.up("new-name", offer())
    stack.destroy("old-name")

    assert [o["id"] for o in emu.offers(ORG, SANDBOX)] == [stack.state["new-name"].id]


def test_one_engine_call_keeps_to_one_retry_deadline_across_http_and_write_retries(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    stack = Stack(start_plugin(plugin_config(emulator, **{"adobe:retryDeadline": "4"})))
    # Lost POSTs and slow look-ups spend most of the budget at the write level, then the POST is
    # throttled for good: the HTTP-level retries of that POST must stop where the call's budget ends.
    emulator.faults.add(Fault("drop", times=3, methods={"POST"}))
    emulator.faults.add(Fault("delay", delay=1.5, times=2, methods={"GET"}))
    emulator.faults.add(Fault("status", status=429, retry_after=1, methods={"POST"}))

    started = time.monotonic()
    with pytest.raises(PluginError) as failure:
        stack.up("spring", offer())

    assert time.monotonic() - started < 4 + 1.5
    assert "throttled by Adobe" in failure.value.details
    assert emulator.offers(ORG, SANDBOX) == []


def test_a_lost_create_stops_within_the_retry_deadline(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    stack = Stack(start_plugin(plugin_config(emulator, **{"adobe:retryDeadline": "2"})))
    emulator.faults.add(Fault("drop", methods={"POST"}))

    started = time.monotonic()
    with pytest.raises(PluginError) as failure:
        stack.up("spring", offer())

    assert time.monotonic() - started < 6
    assert "nothing was created" in failure.value.details
    assert emulator.offers(ORG, SANDBOX) == []
