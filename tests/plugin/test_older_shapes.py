"""Adobe's older shapes pass Check and are kept exactly as declared, so an exported sandbox adopts them.

The older UI and Adobe's XDM schemas name a content type by URI
(``https://ns.adobe.com/experience/offer-management/content-component-imagelink``, 77 characters) where
the API pages now write ``imagelink``; objects made then still carry that form.
"""

from __future__ import annotations

from typing import Any

import pytest
from offerform_emulator import Emulator

from harness.engine import Plugin, Stack
from harness.offers import WEB, offer
from harness.stack_config import ORG, SANDBOX
from provider.resources.placement import PLACEMENT

OLDER = "https://ns.adobe.com/experience/offer-management/content-component-"


def _with_component_type(content_type: str) -> dict[str, Any]:
    declared: dict[str, Any] = offer()
    declared["representations"][0]["components"][0]["type"] = content_type
    return declared


@pytest.mark.parametrize("kind", ["html", "imagelink", "text", "json"])
def test_a_component_type_in_its_older_uri_form_passes_check_unchanged(
    shared_plugin: Plugin, emu: Emulator, kind: str
) -> None:
    checked, failures = shared_plugin.check("older", _with_component_type(OLDER + kind))

    assert failures == []
    assert checked["representations"][0]["components"][0]["type"] == OLDER + kind


def test_a_long_component_type_that_is_no_older_form_is_still_refused_naming_the_older_forms(
    shared_plugin: Plugin, emu: Emulator
) -> None:
    _, failures = shared_plugin.check("older", _with_component_type(OLDER + "video"))

    [(path, reason)] = failures
    assert path == "representations[0].components[0].type"
    assert "at most 64 characters, or the older URI form of a content type" in reason


@pytest.mark.parametrize("kind", ["html", "imagelink", "text", "json"])
def test_a_placement_content_type_in_its_older_uri_form_passes_check_unchanged(
    shared_plugin: Plugin, emu: Emulator, kind: str
) -> None:
    declared = {"name": "Banner", "channel": WEB, "componentType": OLDER + kind}

    checked, failures = shared_plugin.check("banner", declared, spec=PLACEMENT)

    assert failures == [] and checked["componentType"] == OLDER + kind


def test_an_offer_and_a_placement_in_the_older_forms_apply_and_then_show_no_diff(stack: Stack, emu: Emulator) -> None:
    placements = Stack(stack.plugin, PLACEMENT)
    banner = {"name": "Banner", "channel": WEB, "componentType": OLDER + "imagelink"}
    declared = _with_component_type(OLDER + "imagelink")

    placements.up("banner", banner)
    stack.up("spring", declared)

    assert placements.preview("banner", banner).op == "same" and stack.preview("spring", declared).op == "same"
    [stored] = emu.offers(ORG, SANDBOX)
    assert stored["representations"][0]["components"][0]["type"] == OLDER + "imagelink"
