"""Decisioning's kinds without a server: where a decision item's fields sit in Adobe's body, what check says,
and how the rules and formulas the two models share are kept apart."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

import provider
from provider.core.settings import Settings
from provider.engine.patch import guarded_patch
from provider.engine.runtime import RUNTIME
from provider.engine.validation import canonical, check_inputs, with_known_family
from provider.resources.decision_item import DECISION_ITEM, check_attributes
from provider.resources.decision_rule import DECISION_RULE, DecisionRuleProvider
from provider.resources.decisioning_placement import DECISIONING_PLACEMENT
from provider.resources.item_collection import ITEM_COLLECTION
from provider.resources.ranking_formula import RANKING_FORMULA
from provider.resources.selection_strategy import SELECTION_STRATEGY

CONFIG = {"adobe:tenantId": "acme", "adobe:itemSchemaId": "https://ns.adobe.com/acme/schemas/offer-items"}

# Adobe's decision-item create example (B/decision-items/create), with the tenant's attributes.
DOCUMENTED_ITEM = {
    "_experience": {
        "decisioning": {
            "offeritem": {"lifecycleStatus": "approved"},
            "decisionitem": {
                "itemCalendarConstraints": {
                    "endDate": "2030-12-31T08:00:00.000Z",
                    "startDate": "2024-06-10T04:00:00.000Z",
                },
                "itemCatalogID": "itemCatalong1234",
                "itemConstraints": {"eligibilityRule": "rule1234", "profileConstraintType": "eligibilityRule"},
                "itemDescription": "Offer item description",
                "itemName": "Offer Item One",
                "itemPriority": 1,
            },
        }
    },
    "_acme": {"foo": "bar"},
}
FLAT_ITEM = {
    "name": "Offer Item One",
    "description": "Offer item description",
    "lifecycleStatus": "approved",
    "priority": 1,
    "catalogId": "itemCatalong1234",
    "calendarConstraints": {"startDate": "2024-06-10T04:00:00.000Z", "endDate": "2030-12-31T08:00:00.000Z"},
    "profileConstraint": {"profileConstraintType": "eligibilityRule", "eligibilityRule": "rule1234"},
    "attributes": {"foo": "bar"},
}


@pytest.fixture(autouse=True)
def tenant() -> Iterator[None]:
    RUNTIME.configure(CONFIG.get)
    yield
    RUNTIME.configure(lambda _key: None)


def test_a_decision_items_flat_fields_become_adobes_documented_body() -> None:
    assert DECISION_ITEM.to_api(FLAT_ITEM) == DOCUMENTED_ITEM


def test_adobes_body_read_back_compares_equal_to_the_declaration() -> None:
    read = json.loads(json.dumps(DOCUMENTED_ITEM))
    read["_experience"]["decisioning"]["decisionitem"].update({"itemID": "x", "itemLabels": [], "itemTags": []})
    read["_experience"]["decisioning"]["offeritem"]["fCapConstraintsLastIndex"] = 0
    read.update({"id": "dps:offer-item:1", "etag": 1, "created": "2026-01-01T00:00:00.000Z"})

    assert canonical(DECISION_ITEM, read) == canonical(DECISION_ITEM, FLAT_ITEM)


def test_a_decision_items_patch_guards_and_changes_the_nested_paths() -> None:
    seen = canonical(DECISION_ITEM, FLAT_ITEM)
    desired = {**seen, "name": "Renamed", "attributes": {"foo": "baz"}}

    operations = guarded_patch(DECISION_ITEM, seen, desired)

    assert {"op": "test", "path": "/_experience/decisioning/decisionitem/itemName", "value": "Offer Item One"} in (
        operations
    )
    assert {"op": "test", "path": "/_acme", "value": {"foo": "bar"}} in operations
    assert [op for op in operations if op["op"] != "test"] == [
        {"op": "replace", "path": "/_experience/decisioning/decisionitem/itemName", "value": "Renamed"},
        {"op": "replace", "path": "/_acme", "value": {"foo": "baz"}},
    ]


def test_custom_attributes_are_kept_whole_and_in_their_order() -> None:
    attributes = {"zeta": 1, "alpha": {"nested": [3, 1, 2]}, "mid": "x"}

    checked = check_inputs(DECISION_ITEM, {**FLAT_ITEM, "attributes": attributes}, "dev").inputs

    assert list(checked["attributes"]) == ["zeta", "alpha", "mid"]
    assert checked["attributes"] == attributes


def test_attributes_outside_the_declared_catalog_schema_are_named_with_the_known_ones() -> None:
    settings = _settings(itemAttributes=json.dumps({"color": "string", "size": "integer"}))

    failures = check_attributes({"attributes": {"color": "red", "colour": "red"}}, settings)

    assert [(f.property, f.reason) for f in failures] == [
        (
            "attributes.colour",
            "is not an attribute of the item catalog's schema (adobe:itemAttributes); its attributes are: color, size",
        )
    ]


def test_attributes_of_the_wrong_type_are_named_with_the_declared_type() -> None:
    declared = {"size": "integer", "launch": "date", "details": {"vip": "boolean"}}
    settings = _settings(itemAttributes=json.dumps(declared))

    failures = check_attributes({"attributes": {"size": "10", "launch": "June", "details": {"vip": "yes"}}}, settings)

    assert [f.property for f in failures] == ["attributes.size", "attributes.launch", "attributes.details.vip"]
    assert "must be an integer (the catalog's schema says integer)" in failures[0].reason


def test_attributes_are_not_checked_when_the_stack_declares_no_catalog_schema() -> None:
    assert check_attributes({"attributes": {"anything": {"at": "all"}}}, _settings()) == []


def test_attributes_nested_deeper_than_adobe_allows_fail_check() -> None:
    deep = {"a": {"b": {"c": {"d": {"e": 1}}}}}

    failures = check_inputs(DECISION_ITEM, {**FLAT_ITEM, "attributes": deep}, "dev").failures

    assert [f.property for f in failures] == ["attributes"]
    assert "4 levels" in failures[0].reason


def test_an_item_collection_rule_is_compact_json_text_given_as_text_or_object() -> None:
    rule = {"operator": "equals", "value": {"left": "_experience.decisioning.decisionitem.itemName", "right": "A"}}
    as_object = {"name": "C", "constraints": [{"itemCatalogId": "cat", "uiModel": rule}]}
    as_text = {"name": "C", "constraints": [{"itemCatalogId": "cat", "uiModel": json.dumps(rule, indent=2)}]}

    assert canonical(ITEM_COLLECTION, as_object) == canonical(ITEM_COLLECTION, as_text)
    assert canonical(ITEM_COLLECTION, as_text)["constraints"][0]["uiModel"] == json.dumps(rule, separators=(",", ":"))


def test_an_item_collection_rule_that_is_not_a_json_object_names_its_property() -> None:
    failures = check_inputs(
        ITEM_COLLECTION, {"name": "C", "constraints": [{"itemCatalogId": "c", "uiModel": "[1]"}]}, "d"
    )

    assert [f.property for f in failures.failures] == ["constraints[0].uiModel"]


@pytest.mark.parametrize(
    ("rank", "says"),
    [
        ({"order": {"orderEvaluationType": "scoringFunction"}}, "needs function"),
        ({"order": {"orderEvaluationType": "static", "function": "f"}}, "set it to scoringFunction"),
    ],
)
def test_a_strategy_ranked_by_a_formula_names_it_and_only_then(rank: dict[str, Any], says: str) -> None:
    declared = {"name": "S", "optionSelection": {"filter": "c"}, "rank": rank}

    failures = check_inputs(SELECTION_STRATEGY, declared, "dev").failures

    assert [f.property for f in failures] == ["rank.order"] and says in failures[0].reason


def test_a_strategy_references_its_collection_rule_and_formula_by_id() -> None:
    strategy = {
        "optionSelection": {"filter": "dps:item-collection:1"},
        "profileConstraint": {"profileConstraintType": "eligibilityRule", "eligibilityRule": "dps:eligibility-rule:1"},
        "rank": {"order": {"orderEvaluationType": "scoringFunction", "function": "dps:ranking-function:1"}},
    }

    assert {(r.kind, tuple(r.ids(strategy))) for r in SELECTION_STRATEGY.references} == {
        ("ItemCollection", ("dps:item-collection:1",)),
        ("DecisionRule", ("dps:eligibility-rule:1",)),
        ("RankingFormula", ("dps:ranking-function:1",)),
    }


def test_the_model_flag_false_and_absent_are_one_value() -> None:
    rule = {"name": "R", "condition": {"value": "true"}}

    assert canonical(DECISION_RULE, {**rule, "exdRule": False}) == canonical(DECISION_RULE, rule)
    assert canonical(
        RANKING_FORMULA, {"name": "F", "expression": {"value": "1"}, "returnType": {}, "exdFunction": False}
    ) == (canonical(RANKING_FORMULA, {"name": "F", "expression": {"value": "1"}, "returnType": {}}))


def test_moving_a_rule_to_the_other_model_replaces_it() -> None:
    rule = {"name": "R", "condition": {"type": "PQL", "format": "pql/text", "value": "true"}, "sandboxName": "dev"}

    diff = DecisionRuleProvider().diff("id", rule, {**rule, "exdRule": True})

    assert diff.replaces == ["exdRule"]


def test_a_flag_spelled_false_instead_of_absent_is_no_change() -> None:
    rule = {"name": "R", "condition": {"type": "PQL", "format": "pql/text", "value": "true"}, "sandboxName": "dev"}

    assert DecisionRuleProvider().diff("id", {**rule, "exdRule": False}, rule).changes is False


def test_a_look_up_that_shows_a_decisioning_rules_flag_false_keeps_what_the_stack_knows() -> None:
    live = {"name": "R", "condition": {"value": "true"}}

    assert with_known_family(DECISION_RULE, live, {"exdRule": True})["exdRule"] is True
    assert "exdRule" not in with_known_family(DECISION_RULE, live, {})


def test_placements_update_by_put_and_are_archived_on_destroy_as_every_plan_says() -> None:
    assert DECISIONING_PLACEMENT.update_verb == "PUT"
    assert DECISIONING_PLACEMENT.archive_on_delete == ("status", "archived")
    inputs = check_inputs(
        DECISIONING_PLACEMENT, {"name": "P", "channel": "https://ns.adobe.com/xdm/channel-types/email"}, "dev"
    ).inputs
    assert inputs["status"] == "active"


@pytest.mark.parametrize("kind", ["DecisionItem", "ItemCollection", "SelectionStrategy", "DecisioningPlacement"])
def test_each_kind_is_pickled_by_package_path_under_its_fixed_type_token(kind: str) -> None:
    provider_class = getattr(provider, f"{kind}Provider")

    assert provider_class.__module__ == "provider" and provider_class.__qualname__ == f"{kind}Provider"
    assert provider_class.spec.pulumi_type == f"pulumi-python:dynamic/adobe:{kind}"


def _settings(**config: str) -> Settings:
    return Settings.load({f"adobe:{key}": value for key, value in config.items()}.get, {})


def test_the_catalog_schema_may_be_declared_in_json_schema_form() -> None:
    declared = {
        "size": {"type": "object", "properties": {"width": {"type": "integer"}}},
        "at": {"type": "string", "format": "date-time"},
    }
    settings = _settings(itemAttributes=json.dumps(declared))

    failures = check_attributes({"attributes": {"size": {"width": "wide", "depth": 1}, "at": "noon"}}, settings)

    assert [f.property for f in failures] == ["attributes.size.width", "attributes.size.depth", "attributes.at"]
