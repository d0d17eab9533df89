"""A killed run's objects are taken by the next run's creates, never posted again, never taken from a resource.

A killed `pulumi up` leaves objects on the server that no state records (with checkpoints skipped,
none of that run's). The next run's create of an identical declaration takes such an object: ours
(our client id), identical in every user field, existing, and held by no resource. Each test runs
its own plugin process, as each `pulumi` command does: the sandbox is listed once per kind.
"""

from __future__ import annotations

from typing import Callable

from offerform_emulator import Emulator

from harness.engine import Plugin, Stack
from harness.offers import offer
from harness.stack_config import ORG, SANDBOX, plugin_config

from ..support.ui import AdobeUi


def _next_run(emulator: Emulator, start_plugin: Callable[..., Plugin], **config: str) -> Stack:
    """A new plugin process with an empty stack, as after a killed run whose state was never written."""
    return Stack(start_plugin(plugin_config(emulator, **config)))


def _leftover(emulator: Emulator, name: str = "Spring fallback") -> str:
    """An object our client made in a run that was killed before the state recorded it."""
    return str(emulator.seed_offer(ORG, SANDBOX, offer(name), client_id=emulator.client_id)["id"])


def test_an_identical_leftover_of_ours_is_taken_instead_of_posting(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    left = _leftover(emulator)
    stack = _next_run(emulator, start_plugin)

    stack.up("spring", offer())

    assert stack.state["spring"].id == left
    assert emulator.log.count("POST", service="dps") == 0
    assert [o["id"] for o in emulator.offers(ORG, SANDBOX)] == [left]
    following = _next_run(emulator, start_plugin)  # the next command: its own plugin process
    following.state = dict(stack.state)
    assert following.preview("spring", offer()).op == "same"


def test_a_leftover_made_by_another_client_is_not_taken(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    emulator.seed_offer(ORG, SANDBOX, offer(), client_id="someone-elses-client")
    stack = _next_run(emulator, start_plugin)

    stack.up("spring", offer())

    assert emulator.log.count("POST", service="dps") == 1
    assert len(emulator.offers(ORG, SANDBOX)) == 2


def test_a_leftover_that_differs_in_one_field_is_not_taken(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    _leftover(emulator)
    stack = _next_run(emulator, start_plugin)

    stack.up("spring", offer(description="Another text"))

    assert emulator.log.count("POST", service="dps") == 1
    assert len(emulator.offers(ORG, SANDBOX)) == 2


def test_a_leftover_deleted_after_the_listing_is_not_taken(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    left = _leftover(emulator)
    stack = _next_run(emulator, start_plugin)
    stack.up("other", offer("Other"))  # the process lists the sandbox here
    AdobeUi(emulator).delete(left)

    stack.up("spring", offer())

    assert stack.state["spring"].id != left
    assert [o["id"] for o in emulator.offers(ORG, SANDBOX)] == [stack.state["other"].id, stack.state["spring"].id]


def test_a_leftover_edited_after_the_listing_is_not_taken(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    left = _leftover(emulator)
    stack = _next_run(emulator, start_plugin)
    stack.up("other", offer("Other"))
    AdobeUi(emulator).patch(left, [{"op": "replace", "path": "/description", "value": "Edited in the UI"}])

    stack.up("spring", offer())

    assert stack.state["spring"].id != left
    assert emulator.log.count("POST", service="dps") == 1  # the UI's edit cleared the log
    assert len(emulator.offers(ORG, SANDBOX)) == 3


def test_an_object_a_resource_holds_is_not_taken(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    stack = _next_run(emulator, start_plugin)
    stack.up("first", offer())
    emulator.log.clear()

    stack.up("second", offer())  # an identical twin, declared after the first was created

    assert stack.state["first"].id != stack.state["second"].id
    assert emulator.log.count("POST", service="dps") == 1


def test_identical_twins_each_take_their_own_leftover(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    lefts = {_leftover(emulator), _leftover(emulator)}
    stack = _next_run(emulator, start_plugin)

    stack.up("first", offer())
    stack.up("second", offer())

    assert {stack.state["first"].id, stack.state["second"].id} == lefts
    assert emulator.log.count("POST", service="dps") == 0


def test_a_held_object_taken_by_a_create_is_not_deleted_with_the_resource_renamed_away(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    stack = _next_run(emulator, start_plugin)
    stack.up("old-name", offer())
    held = stack.state["old-name"].id
    renamed = _next_run(emulator, start_plugin)  # the next run: the engine creates the new name, then deletes the old
    renamed.state["old-name"] = stack.state["old-name"]

    renamed.up("new-name", offer())
    renamed.destroy("old-name")

    assert renamed.state["new-name"].id == held
    assert [o["id"] for o in emulator.offers(ORG, SANDBOX)] == [held]
    assert emulator.log.count("DELETE", service="dps") == 0


def test_a_twin_whose_object_a_create_took_first_gets_a_new_one(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    stack = _next_run(emulator, start_plugin)
    stack.up("first", offer())
    held = stack.state["first"].id
    later = _next_run(emulator, start_plugin)
    later.state["first"] = stack.state["first"]

    later.up("second", offer())  # created before the engine diffs "first": takes its object
    later.up("first", offer())  # so "first" is replaced by a new object, and its old one stays with "second"

    assert later.state["second"].id == held
    assert later.state["first"].id != held
    assert sorted(o["id"] for o in emulator.offers(ORG, SANDBOX)) == sorted([held, later.state["first"].id])


def test_leftovers_can_be_turned_off(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    _leftover(emulator)
    stack = _next_run(emulator, start_plugin, **{"adobe:takeLeftovers": "false"})

    stack.up("spring", offer())

    assert emulator.log.count("POST", service="dps") == 1
    assert emulator.log.count("GET", service="dps") == 0


def test_the_sandbox_is_listed_once_per_kind_a_page_at_a_time(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    for index in range(250):
        _leftover(emulator, f"Left {index:03d}")
    stack = _next_run(emulator, start_plugin)

    for index in range(5):
        stack.up(f"new-{index}", offer(f"New {index}"))

    assert emulator.log.count("GET", service="dps") == 3  # 250 objects at 100 a page
    assert emulator.log.count("POST", service="dps") == 5


def test_an_update_already_applied_by_a_killed_run_is_done_not_a_conflict(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    stack = _next_run(emulator, start_plugin)
    stack.up("spring", offer())
    behind = stack.state["spring"]
    stack.up("spring", offer(description="New text"))  # the killed run: applied, but the state was not written
    stack.state["spring"] = behind

    stack.up("spring", offer(description="New text"))

    assert (emulator.get_offer(ORG, SANDBOX, behind.id) or {}).get("description") == "New text"
    assert stack.state["spring"].outputs["etag"] == 2
    assert stack.preview("spring", offer(description="New text")).op == "same"


def test_a_delete_already_done_by_a_killed_run_counts_as_done(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    stack = _next_run(emulator, start_plugin)
    stack.up("spring", offer())
    AdobeUi(emulator).delete(stack.state["spring"].id)  # as the killed run's DELETE did

    stack.destroy("spring")

    assert emulator.offers(ORG, SANDBOX) == []
