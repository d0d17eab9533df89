"""Personalized offers: how they share `/offers` with fallback offers, and their eligibility and capping fields."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from offerform_emulator import Emulator

from .conftest import ORG, SANDBOX, Dps, Library
from .samples import sample

Clients = Callable[..., Library]


@pytest.fixture
def offers(client_for: Clients) -> tuple[Library, Library]:
    """A fallback offer client and a personalized offer client, both on `/offers`."""
    return client_for("fallback-offer"), client_for("personalized-offer")


def test_both_types_are_created_on_offers_with_their_own_ids_and_schemas(offers: tuple[Library, Library]) -> None:
    fallback, personalized = offers
    fallback_id, personalized_id = fallback.create_ok(), personalized.create_ok()
    assert fallback_id.startswith("dps:fallback-offer:") and personalized_id.startswith("dps:personalized-offer:")
    assert personalized.get(personalized_id).json()["schemas"] == [
        "https://ns.adobe.com/experience/offer-management/personalized-offer;version=0.15"
    ]


def test_a_list_shows_only_the_offer_type_asked_for(offers: tuple[Library, Library]) -> None:
    fallback, personalized = offers
    fallback.create_ok(name="fallback one")
    personalized.create_ok(name="personalized one")
    assert [o["name"] for o in fallback.list().json()["results"]] == ["fallback one"]
    assert [o["name"] for o in personalized.list().json()["results"]] == ["personalized one"]


def test_an_id_under_the_other_offer_type_is_404_and_nothing_changes(
    offers: tuple[Library, Library], emulator: Emulator
) -> None:
    fallback, personalized = offers
    fallback_id, personalized_id = fallback.create_ok(), personalized.create_ok()
    rename = [{"op": "replace", "path": "/name", "value": "renamed"}]
    for client, wrong_id in ((personalized, fallback_id), (fallback, personalized_id)):
        assert client.get(wrong_id).status_code == 404
        assert client.patch(wrong_id, rename).status_code == 404
        assert client.delete(wrong_id).status_code == 404
    assert emulator.stored("fallback-offer", ORG, SANDBOX, fallback_id)["etag"] == 1
    assert emulator.stored("personalized-offer", ORG, SANDBOX, personalized_id)["etag"] == 1


def test_each_type_is_validated_as_itself(offers: tuple[Library, Library]) -> None:
    fallback, personalized = offers
    capped = sample("fallback-offer", cappingConstraint={"globalCap": 3})
    assert "cappingConstraint is not a known property of a fallback offer" in fallback.create(capped).json()["detail"]
    assert personalized.create(sample("personalized-offer", cappingConstraint={"globalCap": 3})).status_code == 201


def test_offers_of_both_types_count_against_one_guardrail(
    new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    with Emulator(max_offers_per_sandbox=2) as emu:
        token = new_token(emu)
        assert Library(emu, token).create().status_code == 201
        assert Library(emu, token, kind="personalized-offer").create().status_code == 201
        refused = Library(emu, token, kind="personalized-offer").create()
        assert refused.status_code == 400 and "maximum of 2 offers" in refused.json()["detail"]


def test_an_eligibility_rule_constraint_needs_the_rule_id(offers: tuple[Library, Library]) -> None:
    _, personalized = offers
    detail = personalized.refused(selectionConstraint={"profileConstraintType": "eligibilityRule"})
    assert "selectionConstraint.eligibilityRule is required" in detail
    ruled = sample(
        "personalized-offer",
        selectionConstraint={
            "startDate": "2022-07-27T05:00:00.000+00:00",
            "profileConstraintType": "eligibilityRule",
            "eligibilityRule": "dps:eligibility-rule:0000000000000001",
        },
    )
    assert personalized.create(ruled).status_code == 201


def test_the_profile_constraint_type_is_one_adobe_defines(offers: tuple[Library, Library]) -> None:
    detail = offers[1].refused(selectionConstraint={"profileConstraintType": "everyone"})
    assert "selectionConstraint.profileConstraintType must be one of none, eligibilityRule" in detail


def test_segment_constraints_keep_their_other_keys(offers: tuple[Library, Library]) -> None:
    _, personalized = offers
    constraint = {"profileConstraintType": "anySegments", "segmentIdentities": [{"id": "segment-1"}]}
    offer_id = personalized.create_ok(selectionConstraint=constraint)
    assert personalized.get(offer_id).json()["selectionConstraint"] == constraint


@pytest.mark.parametrize(
    "rule,message",
    [
        ({"limit": 0, "scope": "global", "entity": "offer"}, "frequencyCappingConstraints[0].limit must be at least 1"),
        ({"scope": "global", "entity": "offer"}, "frequencyCappingConstraints[0].limit is required"),
        ({"limit": 1, "scope": "everyone", "entity": "offer"}, "frequencyCappingConstraints[0].scope must be one of"),
        (
            {"limit": 1, "scope": "profile", "entity": "offer", "repeat": {"unitCount": 0}},
            "frequencyCappingConstraints[0].repeat.unitCount must be at least 1",
        ),
        ({"limit": 1, "scope": "profile", "entity": "offer", "size": 3}, "frequencyCappingConstraints[0].size"),
    ],
    ids=["limit-below-1", "no-limit", "unknown-scope", "repeat-count-below-1", "unknown-key"],
)
def test_frequency_capping_rules_are_checked(
    offers: tuple[Library, Library], rule: dict[str, Any], message: str
) -> None:
    assert message in offers[1].refused(frequencyCappingConstraints=[rule])


def test_an_offer_has_at_most_10_frequency_capping_rules(offers: tuple[Library, Library]) -> None:
    _, personalized = offers
    rule = {"limit": 1, "scope": "profile", "entity": "offer"}
    assert personalized.create(sample("personalized-offer", frequencyCappingConstraints=[rule] * 10)).status_code == 201
    assert "at most 10 frequency capping rules" in personalized.refused(frequencyCappingConstraints=[rule] * 11)


def test_capping_caps_are_positive_integers(offers: tuple[Library, Library]) -> None:
    assert "cappingConstraint.globalCap must be at least 1" in offers[1].refused(cappingConstraint={"globalCap": 0})
    assert "cappingConstraint.profileCap must be an integer" in offers[1].refused(cappingConstraint={"profileCap": "3"})
