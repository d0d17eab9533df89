"""What only fallback offers do, beyond the lifecycle every kind passes (``test_kinds_lifecycle.py``).

Through the engine's plugin path: flat objects patched key by key, dates compared as instants,
arrays replaced whole.
"""

from __future__ import annotations

from offerform_emulator import Emulator

from harness.engine import Stack
from harness.offers import EMAIL, offer
from harness.stack_config import ORG, SANDBOX


def test_an_edit_patches_characteristics_key_by_key_behind_the_guards(stack: Stack, emu: Emulator) -> None:
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
    assert emu.stored("fallback-offer", ORG, SANDBOX, offer_id)["description"] == "Now with summer colours"


def test_equal_timestamps_in_other_notations_make_no_diff(stack: Stack, emu: Emulator) -> None:
    stack.up(
        "spring", offer(selectionConstraint={"startDate": "2026-06-01T00:00:00Z", "profileConstraintType": "none"})
    )

    same_instant = offer(
        selectionConstraint={"startDate": "2026-06-01T02:00:00.000+02:00", "profileConstraintType": "none"}
    )
    assert stack.preview("spring", same_instant).op == "same"


def test_a_second_channel_is_one_replace_of_the_representations_array(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    emu.log.clear()
    two = offer()
    two["representations"].append(
        {
            "channel": EMAIL,
            "placement": "dps:offer-placement:email1",
            "components": [{"type": "html", "format": "text/html", "content": "<p>Hi</p>"}],
        }
    )

    stack.up("spring", two)

    changes = [op for op in emu.log.entries(service="dps")[-1].body if op["op"] != "test"]
    assert changes == [{"op": "replace", "path": "/representations", "value": two["representations"]}]
