"""Adobe's Decisioning kinds: the catalog schema and `x-schema-id`, custom attributes, shared paths, placements."""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import quote

import pytest
import requests
from offerform_emulator import Emulator

from .conftest import ORG, SANDBOX, Library, get_token
from .samples import sample

ATTRIBUTES: dict[str, Any] = {
    "colour": "string",
    "points": "integer",
    "vip": "boolean",
    "launch": "date",
    "hero": "asset",
    "size": {"type": "object", "properties": {"width": "integer", "unit": "string"}, "required": ["width"]},
}
ITEM_ID = "/_experience/decisioning/decisionitem/itemID"


@pytest.fixture
def items(client_for: Callable[..., Library], emulator: Emulator) -> Library:
    """A decision item client for ORG / prod, whose catalog schema defines ATTRIBUTES."""
    emulator.define_catalog(ORG, SANDBOX, ATTRIBUTES)
    return client_for("decision-item")


def item(**attributes: Any) -> dict[str, Any]:
    """The sample decision item with these custom attributes in `_offerform`."""
    body = sample("decision-item")
    if attributes:
        body["_offerform"] = attributes
    return body


def registry(emu: Emulator, path: str, accept: str = "application/vnd.adobe.xed-full+json; version=1") -> Any:
    """A Schema Registry GET with the gateway headers."""
    headers = {
        "Authorization": f"Bearer {get_token(emu)}",
        "x-api-key": emu.client_id,
        "x-gw-ims-org-id": ORG,
        "x-sandbox-name": SANDBOX,
        "Accept": accept,
    }
    return requests.get(emu.url + "/data/foundation/schemaregistry" + path, headers=headers, timeout=5)


# -- x-schema-id and the catalog schema ----------------------------------------------------------------


def test_every_decision_item_call_needs_the_catalog_schema_id(items: Library) -> None:
    object_id = items.create_ok()
    del items.headers["x-schema-id"]
    for response in (items.list(), items.create(), items.get(object_id), items.delete(object_id)):
        assert response.status_code == 400 and "x-schema-id header is required" in response.json()["detail"]


def test_another_schema_id_is_refused_naming_the_catalogs(items: Library, emulator: Emulator) -> None:
    items.headers["x-schema-id"] = "https://ns.adobe.com/offerform/schemas/0123"
    response = items.create()
    assert response.status_code == 400
    assert emulator.catalog_schema_id(ORG, SANDBOX) in response.json()["detail"]


def test_each_sandbox_has_its_own_catalog_schema(emulator: Emulator) -> None:
    assert emulator.catalog_schema_id(ORG, "dev") != emulator.catalog_schema_id(ORG, SANDBOX)


def test_the_schema_registry_gives_the_tenant_and_the_catalog_schema(items: Library, emulator: Emulator) -> None:
    assert registry(emulator, "/stats").json()["tenantId"] == "offerform"
    [listed] = registry(emulator, "/tenant/schemas").json()["results"]
    assert listed["$id"] == emulator.catalog_schema_id(ORG, SANDBOX)
    for schema_id in (listed["meta:altId"], quote(listed["$id"], safe="")):
        schema = registry(emulator, f"/tenant/schemas/{schema_id}").json()
        attributes = schema["properties"]["_offerform"]["properties"]
        assert attributes["points"] == {"type": "integer"}
        assert attributes["launch"] == {"type": "string", "format": "date"}
        assert attributes["size"]["required"] == ["width"]


def test_a_schema_look_up_needs_an_xed_accept_header(emulator: Emulator) -> None:
    altid = registry(emulator, "/tenant/schemas").json()["results"][0]["meta:altId"]
    assert registry(emulator, f"/tenant/schemas/{altid}", accept="application/json").status_code == 406


def test_the_schema_registry_is_behind_the_gateway(emulator: Emulator) -> None:
    response = requests.get(emulator.url + "/data/foundation/schemaregistry/stats", timeout=5)
    assert response.status_code == 401


def test_catalog_attributes_are_checked_when_defined() -> None:
    with pytest.raises(ValueError, match="unknown attribute type 'text'"):
        Emulator(catalog_attributes={"title": "text"})
    deep: Any = "string"
    for _ in range(5):
        deep = {"type": "object", "properties": {"inner": deep}}
    with pytest.raises(ValueError, match="at most 4 levels"):
        Emulator(catalog_attributes={"deep": deep})


# -- custom attributes ---------------------------------------------------------------------------------


def test_custom_attributes_the_schema_defines_are_stored_as_sent(items: Library) -> None:
    attributes = {"size": {"unit": "cm", "width": 3}, "vip": True, "colour": "red", "launch": "2026-05-01"}
    found = items.get(items.create_ok(**{"_offerform": attributes})).json()
    assert found["_offerform"] == attributes
    assert list(found["_offerform"]) == list(attributes)


def test_an_attribute_the_schema_does_not_define_is_refused(items: Library) -> None:
    detail = items.create(item(flavour="mint")).json()["detail"]
    assert "_offerform.flavour is not an attribute of the catalog schema" in detail


def test_attribute_types_and_formats_follow_the_schema(items: Library) -> None:
    detail = items.create(
        item(points="many", vip="yes", launch="May 1st", hero="hero.png", size={"width": 1.5})
    ).json()["detail"]
    for problem in (
        "_offerform.points must be an integer, not string",
        "_offerform.vip must be a boolean, not string",
        "_offerform.launch must be a date (YYYY-MM-DD)",
        "_offerform.hero must be a public URL",
        "_offerform.size.width must be an integer, not number",
    ):
        assert problem in detail


def test_required_nested_attributes_are_enforced(items: Library) -> None:
    assert "_offerform.size.width is required by the catalog schema" in items.create(item(size={"unit": "cm"})).text


def test_a_catalog_without_custom_attributes_refuses_any(client_for: Callable[..., Library]) -> None:
    response = client_for("decision-item").create(item(colour="red"))
    assert response.status_code == 400 and "_offerform.colour is not an attribute" in response.json()["detail"]


def test_another_tenant_key_is_an_unknown_property(items: Library) -> None:
    body = sample("decision-item", _luma={"colour": "red"})
    assert "_luma is not a known property of a decision item" in items.create(body).json()["detail"]


def test_a_catalog_defined_for_one_sandbox_leaves_the_others_alone(
    emulator: Emulator, client_for: Callable[..., Library]
) -> None:
    emulator.define_catalog(ORG, "dev", {"colour": "string"})
    assert client_for("decision-item", sandbox="dev").create(item(colour="red")).status_code == 201
    assert client_for("decision-item").create(item(colour="red")).status_code == 400


def test_custom_attributes_are_patched_like_any_field(items: Library) -> None:
    object_id = items.create_ok(**{"_offerform": {"points": 1}})
    assert items.patch(object_id, [{"op": "replace", "path": "/_offerform/points", "value": 2}]).status_code == 200
    refused = items.patch(object_id, [{"op": "add", "path": "/_offerform/flavour", "value": "mint"}])
    assert refused.status_code == 400 and items.get(object_id).json()["_offerform"] == {"points": 2}


# -- decision items: standard fields -------------------------------------------------------------------


def test_a_look_up_adds_the_server_owned_item_fields(items: Library) -> None:
    object_id = items.create_ok()
    found = items.get(object_id).json()["_experience"]["decisioning"]
    assert found["decisionitem"]["itemID"] == object_id
    assert found["offeritem"]["fCapConstraintsLastIndex"] == 0
    assert found["decisionitem"]["itemTags"] == [] and found["decisionitem"]["itemLabels"] == []


def test_a_body_cannot_set_a_server_owned_item_field(items: Library) -> None:
    body = sample("decision-item")
    body["_experience"]["decisioning"]["decisionitem"]["itemID"] = "mine"
    detail = items.create(body).json()["detail"]
    assert "_experience.decisioning.decisionitem.itemID is managed by the server" in detail


def test_a_patch_may_test_a_server_owned_field_but_not_change_it(items: Library) -> None:
    object_id = items.create_ok()
    assert items.patch(object_id, [{"op": "test", "path": ITEM_ID, "value": object_id}]).status_code == 200
    changed = items.patch(object_id, [{"op": "replace", "path": ITEM_ID, "value": "other"}])
    assert changed.status_code == 400 and "itemID is managed by the server" in changed.json()["detail"]


def test_replacing_the_whole_experience_node_as_read_keeps_the_server_fields(items: Library) -> None:
    object_id = items.create_ok()
    node = items.get(object_id).json()["_experience"]
    node["decisioning"]["decisionitem"]["itemName"] = "Renamed"
    assert items.patch(object_id, [{"op": "replace", "path": "/_experience", "value": node}]).status_code == 200
    assert items.get(object_id).json()["_experience"] == node


def test_the_standard_fields_are_required_and_typed(items: Library) -> None:
    body = sample("decision-item")
    body["_experience"]["decisioning"]["offeritem"] = {}
    body["_experience"]["decisioning"]["decisionitem"]["itemPriority"] = "high"
    body["_experience"]["decisioning"]["decisionitem"]["itemConstraints"] = {"eligibilityRule": "r"}
    detail = items.create(body).json()["detail"]
    assert "_experience.decisioning.offeritem.lifecycleStatus is required" in detail
    assert "_experience.decisioning.decisionitem.itemPriority must be an integer, not string" in detail
    assert "itemConstraints.profileConstraintType is required" in detail


def test_an_archived_item_cannot_go_back(items: Library) -> None:
    object_id = items.create_ok()
    status = "/_experience/decisioning/offeritem/lifecycleStatus"
    assert items.patch(object_id, [{"op": "replace", "path": status, "value": "archived"}]).status_code == 200
    back = items.patch(object_id, [{"op": "replace", "path": status, "value": "approved"}])
    assert back.status_code == 400 and "archived decision item cannot change status" in back.json()["detail"]


def test_an_item_above_one_kilobyte_is_refused(items: Library) -> None:
    detail = items.create(item(colour="x" * 1024)).json()["detail"]
    assert "a decision item holds at most 1024" in detail


def test_items_are_filtered_and_sorted_by_their_item_name(items: Library) -> None:
    for name in ("b", "a", "c"):
        items.create_ok(name=name)
    path = "_experience.decisioning.decisionitem.itemName"
    found = items.list([("property", f"{path}!=c"), ("orderby", path)]).json()["results"]
    assert [r["_experience"]["decisioning"]["decisionitem"]["itemName"] for r in found] == ["a", "b"]


# -- item collections and selection strategies --------------------------------------------------------


def test_a_ui_model_must_be_a_string_holding_a_json_object(client_for: Callable[..., Library]) -> None:
    collections = client_for("item-collection")
    for model, words in (
        ({"operator": "equals"}, "must be a string, not object"),
        ("{oops", "must be a string holding JSON"),
        ("[1]", "must hold a JSON object"),
    ):
        detail = collections.refused(constraints=[{"uiModel": model}])
        assert f"constraints[0].uiModel {words}" in detail


def test_a_rule_on_a_custom_attribute_must_name_one_of_the_schema(
    client_for: Callable[..., Library], emulator: Emulator
) -> None:
    emulator.define_catalog(ORG, SANDBOX, ATTRIBUTES)
    collections = client_for("item-collection")

    def rule(left: str) -> list[dict[str, str]]:
        return [{"uiModel": json.dumps({"operator": "greater than", "value": {"left": left, "right": 100}})}]

    assert collections.create(sample("item-collection", constraints=rule("_offerform.points"))).status_code == 201
    detail = collections.refused(constraints=rule("_offerform.stars"))
    assert "names _offerform.stars, which is not an attribute of the catalog schema" in detail


def test_a_collection_looks_up_with_empty_tags(client_for: Callable[..., Library]) -> None:
    collections = client_for("item-collection")
    assert collections.get(collections.create_ok()).json()["tags"] == []


def test_a_scoring_strategy_names_its_formula_and_a_static_one_none(client_for: Callable[..., Library]) -> None:
    strategies = client_for("selection-strategy")
    needs = strategies.refused(rank={"order": {"orderEvaluationType": "scoringFunction"}})
    assert "rank.order.function is required" in needs
    refused = strategies.refused(rank={"order": {"orderEvaluationType": "static", "function": "f"}})
    assert "rank.order.function must be absent" in refused


def test_a_strategy_needs_a_collection_and_a_ranking(client_for: Callable[..., Library]) -> None:
    detail = client_for("selection-strategy").refused(optionSelection=None, rank=None)
    assert "optionSelection is required" in detail and "rank is required" in detail


# -- referential integrity -----------------------------------------------------------------------------


def test_a_strategy_must_name_decisioning_objects_when_integrity_is_on(
    client_for: Callable[..., Library], emulator: Emulator
) -> None:
    emulator.referential_integrity = True
    legacy_rule = client_for("decision-rule").create_ok()
    legacy_formula = client_for("ranking-formula").create_ok()
    response = client_for("selection-strategy").create(
        sample(
            "selection-strategy",
            optionSelection={"filter": "dps:item-collection:0000000000000009"},
            profileConstraint={"profileConstraintType": "eligibilityRule", "eligibilityRule": legacy_rule},
            rank={"order": {"orderEvaluationType": "scoringFunction", "function": legacy_formula}},
        )
    )
    assert response.status_code == 422
    missing = {(m["path"], m["id"]) for m in response.json()["report"]["missing"]}
    assert missing == {
        ("optionSelection.filter", "dps:item-collection:0000000000000009"),
        ("profileConstraint.eligibilityRule", legacy_rule),
        ("rank.order.function", legacy_formula),
    }


def test_a_connected_strategy_is_accepted_and_pins_what_it_names(
    client_for: Callable[..., Library], emulator: Emulator
) -> None:
    emulator.referential_integrity = True
    collections = client_for("item-collection")
    collection = collections.create_ok()
    rule = client_for("eligibility-rule").create_ok()
    formula = client_for("exd-ranking-formula").create_ok()
    strategy = sample(
        "selection-strategy",
        optionSelection={"filter": collection},
        profileConstraint={"profileConstraintType": "eligibilityRule", "eligibilityRule": rule},
        rank={"priority": 1, "order": {"orderEvaluationType": "scoringFunction", "function": formula}},
    )
    assert client_for("selection-strategy").create(strategy).status_code == 201
    refused = collections.delete(collection)
    assert refused.status_code == 409 and refused.json()["report"]["referrers"][0]["kind"] == "selection-strategy"


def test_an_item_must_name_an_eligibility_rule_when_integrity_is_on(
    items: Library, client_for: Callable[..., Library], emulator: Emulator
) -> None:
    emulator.referential_integrity = True
    assert items.create().status_code == 422
    body = sample("decision-item")
    constraints = body["_experience"]["decisioning"]["decisionitem"]["itemConstraints"]
    constraints["eligibilityRule"] = client_for("eligibility-rule").create_ok()
    assert items.create(body).status_code == 201


# -- rules and formulas sharing a path with the legacy ones -------------------------------------------


@pytest.mark.parametrize(
    ("exd", "legacy", "flag"),
    [("eligibility-rule", "decision-rule", "exdRule"), ("exd-ranking-formula", "ranking-formula", "exdFunction")],
)
def test_the_flag_tells_the_two_models_apart_on_one_path(
    client_for: Callable[..., Library], emulator: Emulator, exd: str, legacy: str, flag: str
) -> None:
    exd_id = client_for(exd).create_ok()
    legacy_id = client_for(legacy).create_ok()
    assert emulator.get(exd, ORG, SANDBOX, exd_id) is not None and emulator.get(legacy, ORG, SANDBOX, exd_id) is None
    assert emulator.get(legacy, ORG, SANDBOX, legacy_id) is not None
    both = client_for(legacy)
    assert [r["id"] for r in both.list().json()["results"]] == [exd_id, legacy_id]
    assert [r["id"] for r in both.list({"property": f"{flag}==true"}).json()["results"]] == [exd_id]
    assert [r["id"] for r in both.list({"property": f"{flag}!=true"}).json()["results"]] == [legacy_id]


@pytest.mark.parametrize(("exd", "flag"), [("eligibility-rule", "exdRule"), ("exd-ranking-formula", "exdFunction")])
def test_an_object_stays_in_the_model_it_was_made_in(
    client_for: Callable[..., Library], emulator: Emulator, exd: str, flag: str
) -> None:
    client = client_for(exd)
    object_id = client.create_ok()
    response = client.patch(object_id, [{"op": "replace", "path": f"/{flag}", "value": False}])
    assert response.status_code == 400 and f"{flag} must be true here" in response.json()["detail"]
    assert client.patch(object_id, [{"op": "remove", "path": f"/{flag}"}]).status_code == 400
    assert emulator.get(exd, ORG, SANDBOX, object_id)["etag"] == 1


def test_a_legacy_rule_takes_the_flag_only_as_false(client_for: Callable[..., Library]) -> None:
    rules = client_for("decision-rule")
    assert rules.get(rules.create_ok(exdRule=False)).json()["exdRule"] is False
    assert "exdRule must be false here" in rules.refused(exdRule="true")


def test_the_log_names_the_kind_each_request_on_a_shared_path_addressed(
    client_for: Callable[..., Library], emulator: Emulator
) -> None:
    exd, legacy = client_for("eligibility-rule"), client_for("decision-rule")
    exd.get(exd.create_ok())
    legacy.get(legacy.create_ok())
    exd.list()
    legacy.list()
    assert emulator.log.counts_by_kind() == {"eligibility-rule": 3, "decision-rule": 3}


def test_an_eligibility_rule_is_replaced_by_put(client_for: Callable[..., Library]) -> None:
    rules = client_for("eligibility-rule")
    rule_id = rules.create_ok()
    assert rules.put(rule_id, sample("eligibility-rule", name="Replaced", description=None)).status_code == 200
    found = rules.get(rule_id).json()
    assert found["name"] == "Replaced" and "description" not in found and found["etag"] == 2


# -- Decisioning placements ----------------------------------------------------------------------------


def test_a_placement_has_no_patch_and_no_delete(client_for: Callable[..., Library], emulator: Emulator) -> None:
    placements = client_for("exd-placement")
    object_id = placements.create_ok()
    for response in (placements.patch(object_id, []), placements.delete(object_id)):
        assert response.status_code == 405
        assert set(response.headers["Allow"].split(", ")) - {"HEAD"} == {"GET", "PUT"}
    assert emulator.get("exd-placement", ORG, SANDBOX, object_id)["etag"] == 1


def test_a_placement_is_archived_by_a_put_of_the_whole_object_with_its_id(client_for: Callable[..., Library]) -> None:
    placements = client_for("exd-placement")
    object_id = placements.create_ok()
    archived = sample("exd-placement", status="archived", id=object_id)
    receipt = placements.put(object_id, archived)
    assert receipt.status_code == 200 and receipt.json()["etag"] == 2
    assert placements.get(object_id).json()["status"] == "archived"


def test_a_placement_put_is_a_whole_object(client_for: Callable[..., Library]) -> None:
    placements = client_for("exd-placement")
    object_id = placements.create_ok()
    partial = placements.put(object_id, {"id": object_id, "description": "x", "status": "archived"})
    assert partial.status_code == 400 and "name is required" in partial.json()["detail"]
    other = placements.put(object_id, sample("exd-placement", id="dps:exd-placement:0"))
    assert other.status_code == 400 and "not the id in the path" in other.json()["detail"]


def test_a_placement_is_email_only_and_active_by_default(client_for: Callable[..., Library]) -> None:
    placements = client_for("exd-placement")
    assert "Decisioning placements are email-only" in placements.refused(
        channel="https://ns.adobe.com/xdm/channel-types/web"
    )
    assert placements.get(placements.create_ok(status=None)).json()["status"] == "active"
    assert "tags[0] must be a Unified Tag id" in placements.refused(tags=["spring"])


def test_placements_have_their_own_guardrail() -> None:
    with Emulator(guardrails={"exd-placements": 1}) as emu:
        placements = Library(emu, get_token(emu), kind="exd-placement")
        placements.create_ok()
        assert "maximum of 1 Decisioning placements" in placements.refused()


# -- the Python API: seeding and edits as another client ------------------------------------------------


def test_a_seed_file_makes_a_connected_decisioning_sandbox(tmp_path: Any) -> None:
    seed = {
        "org": ORG,
        "sandbox": SANDBOX,
        "objects": [
            {"kind": "selection-strategy", "body": sample("selection-strategy", profileConstraint=None)},
            {
                "kind": "item-collection",
                "id": "dps:item-collection:0000000000000001",
                "body": sample("item-collection"),
            },
            {"kind": "decision-item", "body": item(points=3)},
        ],
    }
    constraints = seed["objects"][2]["body"]["_experience"]["decisioning"]["decisionitem"]  # type: ignore[index]
    constraints["itemConstraints"] = {"profileConstraintType": "none"}
    (tmp_path / "seed.json").write_text(json.dumps(seed))
    with Emulator(referential_integrity=True, catalog_attributes={"points": "integer"}) as emu:
        made = emu.load_seed(tmp_path / "seed.json")
        assert [m["createdByClientId"] for m in made] == ["ui-user-client"] * 3
        assert emu.objects("decision-item", ORG, SANDBOX)[0]["_offerform"] == {"points": 3}


def test_an_edit_as_another_client_works_for_nested_fields(items: Library, emulator: Emulator) -> None:
    object_id = items.create_ok()
    path = "/_experience/decisioning/decisionitem/itemPriority"
    edited = emulator.edit(ORG, SANDBOX, object_id, [{"op": "replace", "path": path, "value": 7}])
    assert edited["_experience"]["decisioning"]["decisionitem"]["itemPriority"] == 7
    assert edited["etag"] == 2 and edited["lastModifiedByClientId"] == "ui-user-client"
    assert emulator.log.count(method="PATCH") == 0


def test_rules_live_at_offer_rules_only(client_for: Callable[..., Library]) -> None:
    rules = client_for("eligibility-rule")
    response = rules.request("POST", "/eligibility-rules", json=sample("eligibility-rule"))
    assert response.status_code == 404 and response.json()["type"].endswith("route-not-found")


def test_the_legacy_collection_spelling_is_unknown_on_items(items: Library) -> None:
    body = sample("decision-item")
    body["_experience"]["decisioning"]["decisionitem"]["itemCatalogId"] = "x"
    assert "decisionitem.itemCatalogId is not a known property" in items.create(body).json()["detail"]
