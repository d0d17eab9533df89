"""Placements: component type, channel and the request and response settings."""

from __future__ import annotations

from typing import Callable

import pytest
from offerform_emulator import Emulator

from .conftest import Library, get_token
from .samples import sample


@pytest.fixture
def placements(client_for: Callable[..., Library]) -> Library:
    return client_for("placement")


@pytest.mark.parametrize("component_type", ["html", "imagelink", "text", "json"])
def test_every_documented_component_type_is_accepted(placements: Library, component_type: str) -> None:
    assert placements.create(sample("placement", componentType=component_type)).status_code == 201


@pytest.mark.parametrize("component_type", ["html", "imagelink", "text", "json"])
def test_the_older_uri_form_of_every_component_type_is_accepted_and_kept(
    placements: Library, component_type: str
) -> None:
    older = f"https://ns.adobe.com/experience/offer-management/content-component-{component_type}"

    created = placements.create(sample("placement", componentType=older))

    assert created.status_code == 201
    assert placements.get(created.json()["id"]).json()["componentType"] == older


def test_another_component_type_is_400_listing_the_allowed_ones(placements: Library) -> None:
    assert "componentType must be one of html, imagelink, text, json" in placements.refused(componentType="video")


@pytest.mark.parametrize("field", ["componentType", "channel"])
def test_component_type_and_channel_are_required(placements: Library, field: str) -> None:
    assert f"{field} is required" in placements.refused(**{field: None})


def test_the_settings_are_booleans_and_a_positive_item_count(placements: Library) -> None:
    detail = placements.refused(itemCount=0, returnContent="yes", returnMetaData={"offerName": 1, "colour": True})
    assert "itemCount must be at least 1" in detail and "returnContent must be a boolean" in detail
    assert "returnMetaData.offerName must be a boolean" in detail
    assert "returnMetaData.colour is not a known property" in detail


def test_a_sandbox_holds_at_most_the_placement_guardrail() -> None:
    with Emulator(guardrails={"placements": 2}) as emu:
        client = Library(emu, get_token(emu), kind="placement")
        assert [client.create().status_code for _ in range(2)] == [201, 201]
        refused = client.create()
        assert refused.status_code == 400 and "maximum of 2 placements" in refused.json()["detail"]
        assert refused.json()["type"].endswith("dps-guardrail-exceeded")


def test_an_unknown_guardrail_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown guardrails"):
        Emulator(guardrails={"widgets": 3})
