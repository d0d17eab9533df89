"""``definedOn`` of decision rules and ranking formulas: typed as Adobe documents it, so a wrong shape fails Check.

Adobe documents each PQL variable (``profile``, ``offer``, ``xEvent``, even ``""``) as a schema (``ref``
or ``altId``, and ``version``) with the ``referencePaths`` the expression reads, a list of strings.
"""

from __future__ import annotations

from typing import Any

import pytest
from offerform_emulator import Emulator

from harness.engine import Plugin, Stack
from provider.resources.decision_rule import DECISION_RULE
from provider.resources.ranking_formula import RANKING_FORMULA

PROFILE_UNION = {"ref": "https://ns.adobe.com/xdm/context/profile_union", "version": "1"}


def rule(defined_on: Any) -> dict[str, Any]:
    return {
        "name": "Joe",
        "condition": {
            "type": "PQL",
            "format": "pql/text",
            "value": 'profile.person.name.firstName.equals("Joe", false)',
        },
        "definedOn": defined_on,
    }


def formula(defined_on: Any) -> dict[str, Any]:
    return {
        "name": "Boost",
        "returnType": {"type": "integer"},
        "expression": {"type": "PQL", "format": "pql/text", "value": "offer.rank.priority * 2"},
        "definedOn": defined_on,
    }


@pytest.mark.parametrize(
    ("defined_on", "prop", "reason"),
    [
        (
            {"profile": {"schema": PROFILE_UNION, "referencePaths": "person.name.firstName"}},
            "definedOn.profile.referencePaths",
            "list",
        ),
        (
            {"profile": {"schema": PROFILE_UNION, "referencePaths": [3]}},
            "definedOn.profile.referencePaths[0]",
            "string",
        ),
        ({"profile": {"schema": {"version": "1"}}}, "definedOn.profile.schema", "ref"),
        ({"profile": {"schema": {"ref": PROFILE_UNION["ref"]}}}, "definedOn.profile.schema.version", "is required"),
        ({"profile": {"referencePaths": ["person.name.firstName"]}}, "definedOn.profile.schema", "is required"),
        ({"profile": {"schema": PROFILE_UNION, "paths": []}}, "definedOn.profile.paths", "not a known property"),
        ({"profile": "profile_union"}, "definedOn.profile", "dictionary"),
    ],
    ids=["paths-a-string", "path-not-a-string", "schema-unnamed", "no-version", "no-schema", "unknown-key", "flat"],
)
def test_a_malformed_defined_on_fails_check_naming_the_property_and_sends_nothing(
    shared_plugin: Plugin, emu: Emulator, defined_on: Any, prop: str, reason: str
) -> None:
    _, failures = shared_plugin.check("rule", rule(defined_on), spec=DECISION_RULE)

    assert any(path == prop and reason in text for path, text in failures), failures
    assert emu.log.entries() == []


def test_a_rule_defined_on_the_documented_shape_is_created_and_then_shows_no_diff(stack: Stack, emu: Emulator) -> None:
    stack.spec = DECISION_RULE
    declared = rule({"profile": {"schema": PROFILE_UNION, "referencePaths": ["person.name.firstName"]}})

    stack.up("joe", declared)

    assert stack.preview("joe", declared).op == "same"
    assert stack.state["joe"].outputs["definedOn"] == declared["definedOn"]


def test_a_formula_may_name_its_schemas_by_alt_id_and_a_variable_may_be_the_empty_name(
    stack: Stack, emu: Emulator
) -> None:
    stack.spec = RANKING_FORMULA
    declared = formula(
        {
            "offer": {"schema": {"altId": "_experience.offer-management.personalized-offer", "version": "0"}},
            "": {"schema": {"altId": "_xdm.context.profile", "version": "1"}, "referencePaths": ["person.gender"]},
        }
    )

    stack.up("boost", declared)

    assert stack.preview("boost", declared).op == "same"
