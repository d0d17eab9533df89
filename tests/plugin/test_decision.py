"""What only decisions do, beyond the lifecycle every kind passes: the references that tie a chain together."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from offerform_emulator import Emulator

from harness.engine import Plugin, PluginError, Stack
from harness.offers import offer
from harness.stack_config import ORG, SANDBOX
from provider.resources.decision import DECISION
from provider.resources.fallback_offer import FALLBACK_OFFER
from provider.resources.placement import PLACEMENT

from ..support.kinds import KINDS

PLACEMENT_CASE, DECISION_CASE = KINDS[1], KINDS[2]


@pytest.fixture
def strict(emu: Emulator) -> Iterator[Emulator]:
    """The emulator refusing ids that name nothing and deletes of what is still named (Adobe does not say)."""
    emu.referential_integrity = True
    yield emu
    emu.referential_integrity = False


def _chain(plugin: Plugin, emu: Emulator) -> tuple[Stack, Stack, Stack, dict[str, Any]]:
    """A placement, a fallback offer shown in it and a decision naming both, created in that order."""
    placements, offers, decisions = Stack(plugin, PLACEMENT), Stack(plugin, FALLBACK_OFFER), Stack(plugin, DECISION)
    placements.up("web", PLACEMENT_CASE.declare("Home banner"))
    web = placements.state["web"].id
    representation = {**offer()["representations"][0], "placement": web}
    offers.up("fallback", offer(representations=[representation]))
    qualifier = emu.seed("collection-qualifier", ORG, SANDBOX, {"name": "Spring"})
    collection = emu.seed(
        "collection", ORG, SANDBOX, {"name": "Spring offers", "filterType": "any-tags", "ids": [qualifier["id"]]}
    )
    decision = DECISION_CASE.declare(
        "Spring decision",
        fallback=offers.state["fallback"].id,
        criteria=[{"placements": [web], "optionSelection": {"filter": collection["id"]}}],
    )
    decisions.up("spring", decision)
    return placements, offers, decisions, decision


def test_a_decision_naming_its_placements_and_fallback_goes_up_where_references_are_checked(
    shared_plugin: Plugin, strict: Emulator
) -> None:
    _, offers, decisions, _ = _chain(shared_plugin, strict)

    live = strict.stored("decision", ORG, SANDBOX, decisions.state["spring"].id)
    assert live["fallback"] == offers.state["fallback"].id


def test_a_decision_naming_a_missing_placement_fails_with_the_path_and_creates_nothing(
    shared_plugin: Plugin, strict: Emulator
) -> None:
    missing = "dps:offer-placement:ffffffffffffffff"
    declared = DECISION_CASE.declare(
        criteria=[{"placements": [missing], "optionSelection": {"filter": "dps:offer-filter:0"}}]
    )

    with pytest.raises(PluginError) as failure:
        Stack(shared_plugin, DECISION).up("spring", declared)

    assert "POST /offer-decisions failed with HTTP 422" in failure.value.details
    assert "criteria[0].placements[0]" in failure.value.details and missing in failure.value.details
    assert strict.objects("decision", ORG, SANDBOX) == []


def test_deleting_a_placement_a_decision_still_names_fails_and_keeps_both(
    shared_plugin: Plugin, strict: Emulator
) -> None:
    placements, _, decisions, _ = _chain(shared_plugin, strict)

    with pytest.raises(PluginError) as failure:
        placements.destroy("web")

    assert "failed with HTTP 409" in failure.value.details
    assert decisions.state["spring"].id in failure.value.details
    assert strict.objects("placement", ORG, SANDBOX) != []


def test_a_ranking_strategy_without_a_formula_fails_check(shared_plugin: Plugin, emu: Emulator) -> None:
    declared = DECISION_CASE.declare(
        criteria=[
            {
                "placements": ["dps:offer-placement:1"],
                "optionSelection": {"filter": "dps:offer-filter:1"},
                "rank": {"order": {"orderEvaluationType": "ranking-strategy"}},
            }
        ]
    )

    _, failures = shared_plugin.check("spring", declared, spec=DECISION)

    assert failures == [
        ("criteria[0].rank.order", "orderEvaluationType ranking-strategy needs rankingStrategy (a ranking formula id)")
    ]
    assert emu.log.entries() == []


def test_more_than_30_placements_in_all_fail_check(shared_plugin: Plugin, emu: Emulator) -> None:
    criteria = [
        {
            "placements": [f"dps:offer-placement:{i}-{j}" for j in range(8)],
            "optionSelection": {"filter": "dps:offer-filter:1"},
        }
        for i in range(4)
    ]

    _, failures = shared_plugin.check("spring", DECISION_CASE.declare(criteria=criteria), spec=DECISION)

    assert failures == [("criteria", "name 32 placements in all; a decision may use at most 30")]
