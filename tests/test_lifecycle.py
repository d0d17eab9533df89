"""The life of a fallback offer through the engine's plugin path, step by step (Terraform acceptance style).

Every step goes: test -> gRPC -> ``python -m pulumi.dynamic`` -> our provider -> HTTP -> emulator.
"""

from __future__ import annotations

import pytest

from offerform_emulator import Emulator

from .conftest import ORG, SANDBOX
from .engine import PluginError, Stack
from .offers import EMAIL, offer
from .ui import AdobeUi


def _dps_writes(emu: Emulator) -> list[tuple[str, str]]:
    return [(entry.method, entry.path) for entry in emu.log.entries(service="dps") if entry.method != "GET"]


def test_step1_create_posts_once_and_exports_id_and_integer_etag(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())

    state = stack.state["spring"]
    assert state.id.startswith("dps:fallback-offer:")
    assert state.outputs["etag"] == 1
    assert state.outputs["sandboxName"] == SANDBOX
    assert state.outputs["createdByClientId"] == emu.client_id
    assert emu.log.count(service="dps") == 1
    assert emu.get_offer(ORG, SANDBOX, state.id)["name"] == "Spring fallback"


def test_step2_second_up_without_edits_is_a_noop_with_no_requests(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    emu.log.clear()

    assert stack.up("spring", offer()).op == "same"
    assert emu.log.count(service="dps") == 0


def test_step3_update_in_place_sends_exactly_the_guarded_patch(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    offer_id = stack.state["spring"].id
    emu.log.clear()

    changed = offer(description="Now with summer colours", characteristics={"campaign": "summer", "team": "growth"})
    assert stack.preview("spring", changed).op == "update"
    assert emu.log.count(service="dps") == 0
    assert stack.up("spring", changed).op == "update"

    [patch] = emu.log.entries(service="dps")
    assert patch.method == "PATCH" and patch.path.endswith(offer_id)
    before = offer()
    assert patch.body == [
        {"op": "test", "path": "/name", "value": before["name"]},
        {"op": "test", "path": "/description", "value": before["description"]},
        {"op": "test", "path": "/status", "value": "approved"},
        {"op": "test", "path": "/representations", "value": before["representations"]},
        {"op": "test", "path": "/characteristics", "value": before["characteristics"]},
        {"op": "replace", "path": "/description", "value": "Now with summer colours"},
        {"op": "replace", "path": "/characteristics/campaign", "value": "summer"},
    ]
    assert stack.state["spring"].id == offer_id
    assert stack.state["spring"].outputs["etag"] == 2
    assert emu.get_offer(ORG, SANDBOX, offer_id)["description"] == "Now with summer colours"


def test_step4_refresh_after_an_edit_in_the_ui_shows_drift_on_the_next_preview(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    offer_id = stack.state["spring"].id
    AdobeUi(emu).patch(offer_id, [{"op": "replace", "path": "/status", "value": "archived"}])

    assert stack.refresh("spring")
    assert stack.state["spring"].outputs["status"] == "archived"
    assert stack.state["spring"].inputs["status"] == "archived"
    assert stack.state["spring"].outputs["etag"] == 2
    assert stack.preview("spring", offer()).op == "update"
    assert stack.preview("spring", offer(status="archived")).op == "same"


def test_step5_adopting_an_offer_declared_as_it_is_makes_no_post_and_no_patch(stack: Stack, emu: Emulator) -> None:
    existing = emu.seed_offer(ORG, SANDBOX, offer("Made in the UI"))
    emu.log.clear()

    stack.up("adopted", {**offer("Made in the UI"), "adoptOfferId": existing["id"]})

    assert stack.state["adopted"].id == existing["id"]
    assert _dps_writes(emu) == []
    assert stack.preview("adopted", {**offer("Made in the UI"), "adoptOfferId": existing["id"]}).op == "same"
    assert stack.preview("adopted", offer("Made in the UI")).op == "same"  # adoptOfferId is ignored once adopted


def test_step5b_adopting_an_offer_that_differs_patches_only_what_differs(stack: Stack, emu: Emulator) -> None:
    existing = emu.seed_offer(ORG, SANDBOX, offer("Made in the UI", status="draft"))
    emu.log.clear()

    stack.up("adopted", {**offer("Made in the UI"), "adoptOfferId": existing["id"]})

    [(method, _)] = _dps_writes(emu)
    assert method == "PATCH"
    changes = [op for op in emu.log.entries(service="dps")[-1].body if op["op"] != "test"]
    assert changes == [{"op": "replace", "path": "/status", "value": "approved"}]
    assert stack.state["adopted"].outputs["etag"] == 2


def test_step5c_adopting_an_unknown_id_fails_clearly_and_creates_nothing(stack: Stack, emu: Emulator) -> None:
    with pytest.raises(PluginError) as failure:
        stack.up("adopted", {**offer(), "adoptOfferId": "dps:fallback-offer:doesnotexist"})

    assert "adoptOfferId 'dps:fallback-offer:doesnotexist'" in failure.value.details
    assert "no fallback offer with this id" in failure.value.details
    assert emu.offers(ORG, SANDBOX) == []


def test_step6_get_by_id_reads_an_offer_the_stack_does_not_manage(stack: Stack, emu: Emulator) -> None:
    existing = emu.seed_offer(ORG, SANDBOX, offer("Shared fallback"))

    outputs = stack.get("shared", existing["id"])

    assert outputs["name"] == "Shared fallback"
    assert outputs["etag"] == 1
    assert outputs["sandboxName"] == SANDBOX


def test_step7_update_conflicting_with_an_outside_edit_fails_and_changes_nothing(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    offer_id = stack.state["spring"].id
    AdobeUi(emu).patch(offer_id, [{"op": "replace", "path": "/name", "value": "Renamed in the UI"}])
    live_before = emu.get_offer(ORG, SANDBOX, offer_id)

    with pytest.raises(PluginError) as failure:
        stack.up("spring", offer(description="Our change"))

    assert "changed outside the stack" in failure.value.details
    assert "(name differ" in failure.value.details
    assert "pulumi refresh" in failure.value.details
    assert emu.get_offer(ORG, SANDBOX, offer_id) == live_before


def test_step8_delete_removes_the_offer_from_the_server(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    offer_id = stack.state["spring"].id
    outputs = stack.state["spring"].outputs

    stack.destroy("spring")

    assert emu.get_offer(ORG, SANDBOX, offer_id) is None
    stack.plugin.delete("spring", offer_id, outputs)  # already gone: still a success


def test_refresh_of_an_offer_deleted_outside_drops_it_from_state(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    AdobeUi(emu).delete(stack.state["spring"].id)

    assert stack.refresh("spring") is False
    assert "spring" not in stack.state


def test_changing_the_sandbox_replaces_the_offer_and_deletes_it_where_it_lived(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    old_id = stack.state["spring"].id

    plan = stack.up("spring", {**offer(), "sandboxName": "staging"})

    assert plan.op == "replace" and plan.replaces == ["sandboxName"]
    assert emu.get_offer(ORG, SANDBOX, old_id) is None
    assert [o["id"] for o in emu.offers(ORG, "staging")] == [stack.state["spring"].id]


def test_removing_an_optional_field_sends_a_remove_operation(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    emu.log.clear()
    without = offer()
    del without["description"]

    stack.up("spring", without)

    changes = [op for op in emu.log.entries(service="dps")[-1].body if op["op"] != "test"]
    assert changes == [{"op": "remove", "path": "/description"}]
    assert "description" not in emu.get_offer(ORG, SANDBOX, stack.state["spring"].id)


def test_equal_timestamps_in_other_notations_make_no_diff(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer(selectionConstraint={"startDate": "2026-06-01T00:00:00Z", "profileConstraintType": "none"}))

    same_instant = offer(selectionConstraint={"startDate": "2026-06-01T02:00:00.000+02:00", "profileConstraintType": "none"})
    assert stack.preview("spring", same_instant).op == "same"


def test_a_second_channel_is_one_replace_of_the_representations_array(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    emu.log.clear()
    two = offer()
    two["representations"].append({"channel": EMAIL, "placement": "dps:offer-placement:email1",
                                    "components": [{"type": "html", "format": "text/html", "content": "<p>Hi</p>"}]})

    stack.up("spring", two)

    changes = [op for op in emu.log.entries(service="dps")[-1].body if op["op"] != "test"]
    assert changes == [{"op": "replace", "path": "/representations", "value": two["representations"]}]
