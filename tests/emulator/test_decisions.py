"""Decisions: status, criteria over placements and a collection, ranking, and the decision guardrails."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from offerform_emulator import Emulator

from .conftest import Library, get_token
from .samples import sample


@pytest.fixture
def decisions(client_for: Callable[..., Library]) -> Library:
    return client_for("decision")


def _criterion(**overrides: Any) -> dict[str, Any]:
    criterion = dict(sample("decision")["criteria"][0])
    criterion.update(overrides)
    return {k: v for k, v in criterion.items() if v is not None}


def test_status_defaults_to_draft(decisions: Library) -> None:
    assert decisions.get(decisions.create_ok(status=None)).json()["status"] == "draft"


def test_status_is_draft_or_live(decisions: Library) -> None:
    assert "status must be one of draft, live" in decisions.refused(status="approved")


@pytest.mark.parametrize("field", ["fallback", "criteria"])
def test_a_fallback_offer_and_criteria_are_required(decisions: Library, field: str) -> None:
    assert f"{field} is required" in decisions.refused(**{field: None})


def test_at_least_one_criterion(decisions: Library) -> None:
    assert "criteria must contain at least one criterion" in decisions.refused(criteria=[])


def test_a_criterion_names_placements_and_a_collection(decisions: Library) -> None:
    detail = decisions.refused(criteria=[_criterion(placements=[], optionSelection={})])
    assert "criteria[0].placements must contain at least one placement" in detail
    assert "criteria[0].optionSelection.filter is required" in detail


def test_ranking_by_formula_names_the_formula(decisions: Library) -> None:
    unnamed = _criterion(rank={"order": {"orderEvaluationType": "ranking-strategy"}})
    assert "criteria[0].rank.order.rankingStrategy is required" in decisions.refused(criteria=[unnamed])
    static = _criterion(rank={"priority": 1, "order": {"orderEvaluationType": "static"}})
    assert decisions.create(sample("decision", criteria=[static])).status_code == 201


def test_a_decision_holds_at_most_30_placements(decisions: Library) -> None:
    placements = [f"dps:offer-placement:{i:016x}" for i in range(31)]
    detail = decisions.refused(
        criteria=[_criterion(placements=placements[:16]), _criterion(placements=placements[16:])]
    )
    assert "31 placements" in detail and "at most 30" in detail


def test_a_sandbox_holds_at_most_the_live_decision_guardrail() -> None:
    with Emulator(guardrails={"live-decisions": 1}) as emu:
        client = Library(emu, get_token(emu), kind="decision")
        live = client.create_ok(status="live")
        draft = client.create_ok(status="draft")
        to_live = [{"op": "replace", "path": "/status", "value": "live"}]
        refused = client.patch(draft, to_live)
        assert refused.status_code == 400 and "maximum of 1 live decisions" in refused.json()["detail"]
        assert client.patch(live, [{"op": "replace", "path": "/name", "value": "still live"}]).status_code == 200
        client.patch(live, [{"op": "replace", "path": "/status", "value": "draft"}])
        assert client.patch(draft, to_live).status_code == 200
