"""Collections and collection qualifiers: filter types, the ids a collection names, and their guardrails."""

from __future__ import annotations

from typing import Callable

import pytest
from offerform_emulator import Emulator

from .conftest import Library, get_token
from .samples import sample


@pytest.fixture
def collections(client_for: Callable[..., Library]) -> Library:
    return client_for("collection")


@pytest.mark.parametrize("filter_type", ["any-tags", "all-tags", "offers"])
def test_every_filter_type_is_accepted(collections: Library, filter_type: str) -> None:
    assert collections.create(sample("collection", filterType=filter_type)).status_code == 201


def test_another_filter_type_is_400(collections: Library) -> None:
    assert "filterType must be one of any-tags, all-tags, offers" in collections.refused(filterType="some-tags")


def test_ids_are_required_and_not_empty(collections: Library) -> None:
    assert "ids is required" in collections.refused(ids=None)
    assert "ids must contain at least one id" in collections.refused(ids=[])


def test_a_collection_names_at_most_20_qualifiers_or_500_offers(collections: Library) -> None:
    assert "at most 20 collection qualifiers" in collections.refused(ids=[f"dps:tag:{i}" for i in range(21)])
    offers = [f"dps:personalized-offer:{i}" for i in range(500)]
    assert collections.create(sample("collection", filterType="offers", ids=offers)).status_code == 201
    assert "at most 500 offers" in collections.refused(filterType="offers", ids=offers + ["one more"])


def test_labels_are_strings(collections: Library) -> None:
    assert "labels must be an array of strings" in collections.refused(labels=[1])


def test_a_qualifier_has_only_a_name_and_a_description(client_for: Callable[..., Library]) -> None:
    qualifiers = client_for("collection-qualifier")
    response = qualifiers.create({"name": "Sneakers", "colour": "red"})
    assert response.status_code == 400
    assert "colour is not a known property of a collection qualifier" in response.json()["detail"]
    assert qualifiers.create({"name": "Sneakers"}).status_code == 201


def test_a_sandbox_holds_at_most_the_qualifier_guardrail() -> None:
    with Emulator(guardrails={"collection-qualifiers": 1}) as emu:
        client = Library(emu, get_token(emu), kind="collection-qualifier")
        assert client.create().status_code == 201
        assert "maximum of 1 collection qualifiers" in client.create().json()["detail"]
