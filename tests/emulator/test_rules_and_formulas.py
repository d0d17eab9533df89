"""Decision rules and ranking formulas: PQL expressions, the formula's return type, and PUT updates."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from offerform_emulator import Emulator

from .conftest import ORG, SANDBOX, Library, get_token
from .samples import sample


@pytest.fixture
def rules(client_for: Callable[..., Library]) -> Library:
    return client_for("decision-rule")


@pytest.fixture
def formulas(client_for: Callable[..., Library]) -> Library:
    return client_for("ranking-formula")


def _pql(value: str, **overrides: Any) -> dict[str, Any]:
    return {"type": "PQL", "format": "pql/text", "value": value, **overrides}


def test_a_rule_condition_is_pql_text(rules: Library) -> None:
    response = rules.create(sample("decision-rule", condition=_pql("true", type="SQL", format="text")))
    detail = response.json()["detail"]
    assert "condition.type must be one of PQL" in detail and "condition.format must be one of pql/text" in detail
    assert "condition is required" in rules.create(sample("decision-rule", condition=None)).json()["detail"]


def test_a_rule_condition_is_at_most_15k_bytes(rules: Library) -> None:
    assert rules.create(sample("decision-rule", condition=_pql("x" * 15_000))).status_code == 201
    detail = rules.create(sample("decision-rule", condition=_pql("é" * 7_501))).json()["detail"]
    assert "condition.value must be at most 15000 bytes of UTF-8" in detail


def test_a_formula_expression_is_at_most_8k_bytes(formulas: Library) -> None:
    detail = formulas.create(sample("ranking-formula", expression=_pql("1" * 8_001))).json()["detail"]
    assert "expression.value must be at most 8000 bytes" in detail


def test_rules_and_formulas_share_one_guardrail() -> None:
    with Emulator(guardrails={"rules-and-formulas": 1}) as emu:
        token = get_token(emu)
        assert Library(emu, token, kind="decision-rule").create().status_code == 201
        refused = Library(emu, token, kind="ranking-formula").create()
        assert "maximum of 1 decision rules and ranking formulas" in refused.json()["detail"]


def test_a_lowercase_return_type_is_stored_upper_case_as_adobe_answers(formulas: Library) -> None:
    formula_id = formulas.create_ok(returnType={"type": "integer"})
    assert formulas.get(formula_id).json()["returnType"] == {"type": "INTEGER"}


def test_the_return_type_can_be_kept_as_sent(formulas: Library, emulator: Emulator) -> None:
    emulator.return_type_case = "as-sent"
    formula_id = formulas.create_ok(returnType={"type": "integer"})
    assert formulas.get(formula_id).json()["returnType"] == {"type": "integer"}


def test_another_return_type_is_400(formulas: Library) -> None:
    detail = formulas.create(sample("ranking-formula", returnType={"type": "string"})).json()["detail"]
    assert "returnType.type must be one of integer (any case)" in detail


def test_put_replaces_every_user_field_with_the_update_receipt(formulas: Library) -> None:
    formula_id = formulas.create_ok()
    body = sample(
        "ranking-formula",
        name="[UPDATED] Test Ranking Function DPS",
        description=None,
        isPure=True,
        returnType={"type": "integer"},
    )
    receipt = formulas.put(formula_id, body)
    assert receipt.status_code == 200 and receipt.json()["etag"] == 2 and "datasetId" in receipt.json()
    found = formulas.get(formula_id).json()
    assert found["name"] == "[UPDATED] Test Ranking Function DPS" and found["isPure"] is True
    assert "description" not in found and found["returnType"] == {"type": "INTEGER"}


def test_put_is_validated_as_a_create_and_changes_nothing_when_refused(formulas: Library, emulator: Emulator) -> None:
    formula_id = formulas.create_ok()
    response = formulas.put(formula_id, sample("ranking-formula", expression=None, id=formula_id))
    assert response.status_code == 400
    assert (
        "expression is required" in response.json()["detail"]
        and "id is managed by the server" in response.json()["detail"]
    )
    assert emulator.stored("ranking-formula", ORG, SANDBOX, formula_id)["etag"] == 1


def test_a_patch_with_a_whole_body_instead_of_operations_is_400(formulas: Library) -> None:
    response = formulas.patch(formulas.create_ok(), sample("ranking-formula"))
    assert response.status_code == 400 and "JSON Patch array" in response.json()["detail"]


def test_put_is_only_for_ranking_formulas(client_for: Callable[..., Library]) -> None:
    placements = client_for("placement")
    response = placements.put(placements.create_ok(), sample("placement"))
    assert response.status_code == 405 and "PUT" not in response.headers["Allow"]


PROFILE_UNION = {"ref": "https://ns.adobe.com/xdm/context/profile_union", "version": "1"}


def test_a_rule_defined_on_a_schema_with_reference_paths_is_accepted(rules: Library) -> None:
    defined_on = {"profile": {"schema": PROFILE_UNION, "referencePaths": ["person.name.firstName"]}}

    assert rules.create(sample("decision-rule", definedOn=defined_on)).status_code == 201


def test_reference_paths_as_one_string_are_400_naming_the_path(rules: Library) -> None:
    defined_on = {"profile": {"schema": PROFILE_UNION, "referencePaths": "person.name.firstName"}}

    assert "definedOn.profile.referencePaths must be an array of strings" in rules.refused(definedOn=defined_on)


def test_a_formula_may_name_its_schema_by_alt_id_but_needs_one_of_ref_and_alt_id(formulas: Library) -> None:
    by_alt_id = {"offer": {"schema": {"altId": "_experience.offer-management.personalized-offer", "version": "0"}}}

    assert formulas.create(sample("ranking-formula", definedOn=by_alt_id)).status_code == 201
    assert "definedOn.offer.schema needs ref or altId" in formulas.refused(
        definedOn={"offer": {"schema": {"version": "0"}}}
    )
