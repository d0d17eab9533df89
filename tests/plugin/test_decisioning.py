"""Decisioning's special cases through the plugin path (the lifecycle suite covers what every kind shares):
the two models' rules and formulas kept apart, the catalog's schema id and attributes, placements that are archived."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from offerform_emulator import Emulator, Fault

from harness.engine import Plugin, PluginError, Stack
from harness.stack_config import ORG, SANDBOX, plugin_config
from provider.resources.decision_item import DECISION_ITEM
from provider.resources.decision_rule import DECISION_RULE
from provider.resources.decisioning_placement import DECISIONING_PLACEMENT, DELETE_BEHAVIOR
from provider.resources.ranking_formula import RANKING_FORMULA

from ..support.kinds import CATALOG, KINDS, KindCase

CONDITION = {"type": "PQL", "format": "pql/text", "value": 'profile.loyalty.tier.equals("gold", false)'}
LEGACY_RULE = {"name": "Gold members", "condition": CONDITION}
EXD_RULE = {**LEGACY_RULE, "exdRule": True}
FORMULA = {
    "name": "Favour growth",
    "returnType": {"type": "integer"},
    "expression": {"type": "PQL", "format": "pql/text", "value": "offer.rank.priority"},
}


def _case(kind: str) -> KindCase:
    return next(case for case in KINDS if str(case) == kind)


def _writes(emu: Emulator) -> list[str]:
    return [entry.method for entry in emu.log.entries(service="dps") if entry.method != "GET"]


def test_a_decisioning_rule_never_adopts_a_legacy_rule(emu: Emulator, shared_plugin: Plugin) -> None:
    legacy = emu.seed("decision-rule", ORG, SANDBOX, LEGACY_RULE)
    emu.log.clear()

    with pytest.raises(PluginError) as failure:
        Stack(shared_plugin, DECISION_RULE).up("rule", {**EXD_RULE, "adoptId": legacy["id"]})

    assert f"adoptId {legacy['id']!r} is a legacy decision rule" in failure.value.details
    assert "a stack never adopts an object of the other model" in failure.value.details
    assert _writes(emu) == []


def test_a_legacy_rule_never_adopts_a_decisioning_rule(emu: Emulator, shared_plugin: Plugin) -> None:
    exd = emu.seed("eligibility-rule", ORG, SANDBOX, EXD_RULE)
    emu.log.clear()

    with pytest.raises(PluginError) as failure:
        Stack(shared_plugin, DECISION_RULE).up("rule", {**LEGACY_RULE, "adoptId": exd["id"]})

    assert "is a Decisioning eligibility rule, and this declaration is a legacy decision rule" in (
        failure.value.details
    )
    assert _writes(emu) == []


def test_a_legacy_formula_never_adopts_a_decisioning_formula(emu: Emulator, shared_plugin: Plugin) -> None:
    exd = emu.seed("exd-ranking-formula", ORG, SANDBOX, {**FORMULA, "exdFunction": True})
    emu.log.clear()

    with pytest.raises(PluginError) as failure:
        Stack(shared_plugin, RANKING_FORMULA).up("formula", {**FORMULA, "adoptId": exd["id"]})

    assert "is a Decisioning ranking formula" in failure.value.details
    assert _writes(emu) == []


def test_moving_a_rule_to_the_other_model_replaces_it_rather_than_editing_the_flag(
    emu: Emulator, shared_plugin: Plugin
) -> None:
    stack = Stack(shared_plugin, DECISION_RULE)
    stack.up("rule", LEGACY_RULE)
    legacy_id = stack.state["rule"].id

    plan = stack.up("rule", EXD_RULE)

    assert plan.op == "replace" and plan.replaces == ["exdRule"]
    assert emu.get("decision-rule", ORG, SANDBOX, legacy_id) is None
    assert emu.get("eligibility-rule", ORG, SANDBOX, stack.state["rule"].id) is not None
    assert "PATCH" not in _writes(emu)


def test_a_lost_create_of_a_decisioning_rule_looks_among_decisioning_rules_only(
    emu: Emulator, shared_plugin: Plugin
) -> None:
    emu.seed("decision-rule", ORG, SANDBOX, LEGACY_RULE)  # a legacy look-alike, same name and condition
    emu.faults.add(Fault("commit_then_drop", times=1, methods={"POST"}))
    stack = Stack(shared_plugin, DECISION_RULE)

    stack.up("rule", EXD_RULE)

    [created] = emu.objects("eligibility-rule", ORG, SANDBOX)
    assert stack.state["rule"].id == created["id"]
    [listing] = [e for e in emu.log.entries(service="dps") if e.method == "GET" and e.path.endswith("/offer-rules")]
    assert "exdRule==true" in listing.query["property"]


def test_every_decision_item_call_names_the_catalogs_schema(emu: Emulator, shared_plugin: Plugin) -> None:
    case = _case("DecisionItem")
    case.prepare(emu, SANDBOX)
    stack = Stack(shared_plugin, DECISION_ITEM)

    stack.up("item", case.declare())
    stack.up("item", case.declare(description="Edited"))
    stack.refresh("item")
    stack.destroy("item")

    methods = [(e.method, e.headers.get("x-schema-id")) for e in emu.log.entries(service="dps")]
    assert {method for method, _ in methods} == {"POST", "PATCH", "GET", "DELETE"}
    assert {schema for _, schema in methods} == {emu.catalog_schema_id(ORG, SANDBOX)}


def test_attributes_the_declared_catalog_does_not_define_fail_check_and_send_nothing(
    emu: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emu, **{"adobe:itemAttributes": json.dumps(CATALOG)}))
    declared = _case("DecisionItem").declare(attributes={"colour": "green", "points": "many", "size": "XL"})

    _, failures = plugin.check("item", declared, spec=DECISION_ITEM)

    assert sorted(failures) == [  # a mapping reaches the plugin in no set order
        ("attributes.points", "must be an integer (the catalog's schema says integer), got 'many'"),
        (
            "attributes.size",
            "is not an attribute of the item catalog's schema (adobe:itemAttributes); its attributes are: "
            "colour, points, launch",
        ),
    ]
    assert emu.log.entries() == []


def test_attributes_come_back_whole_after_a_refresh_and_their_order_makes_no_diff(
    emu: Emulator, shared_plugin: Plugin
) -> None:
    case = _case("DecisionItem")
    case.prepare(emu, SANDBOX)
    stack = Stack(shared_plugin, DECISION_ITEM)
    attributes: dict[str, Any] = {"points": 7, "launch": "2026-06-01", "colour": "red"}

    stack.up("item", case.declare(attributes=attributes))
    stack.refresh("item")

    # Pulumi's wire format (a protobuf Struct) sorts keys: order is never a change, nothing is dropped.
    assert stack.state["item"].outputs["attributes"] == attributes
    assert stack.preview("item", case.declare(attributes=attributes)).op == "same"
    assert stack.preview("item", case.declare(attributes=dict(reversed(attributes.items())))).op == "same"


def test_every_plan_of_a_decisioning_placement_says_destroy_archives_it(emu: Emulator, shared_plugin: Plugin) -> None:
    declared = _case("DecisioningPlacement").declare()

    inputs, failures = shared_plugin.check("slot", declared, spec=DECISIONING_PLACEMENT)

    assert failures == [] and inputs["deleteBehavior"] == DELETE_BEHAVIOR
    assert "archive" in DELETE_BEHAVIOR and "no delete" in DELETE_BEHAVIOR


def test_a_placement_edit_after_an_outside_edit_fails_without_a_put(emu: Emulator, shared_plugin: Plugin) -> None:
    case = _case("DecisioningPlacement")
    stack = Stack(shared_plugin, DECISIONING_PLACEMENT)
    stack.up("slot", case.declare())
    object_id = stack.state["slot"].id
    emu.edit(ORG, SANDBOX, object_id, {"description": "Changed in the UI"})
    emu.log.clear()

    with pytest.raises(PluginError) as failure:
        stack.up("slot", case.declare(name="Renamed by the stack"))

    assert "was changed outside the stack (description differs" in failure.value.details
    assert _writes(emu) == []


def test_an_item_without_the_catalogs_schema_id_or_tenant_fails_check_naming_the_settings(
    emu: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emu, **{"adobe:itemSchemaId": None, "adobe:tenantId": None}))

    _, failures = plugin.check("item", _case("DecisionItem").declare(), spec=DECISION_ITEM)

    assert [name for name, _ in failures] == ["schemaId", "attributes"]
    assert "adobe:itemSchemaId" in failures[0][1] and "adobe:tenantId" in failures[1][1]
    assert emu.log.entries() == []
