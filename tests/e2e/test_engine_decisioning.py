"""Adobe's Decisioning model through the real ``pulumi`` CLI: the example program and the kinds' special steps.

CLI -> language host -> program -> engine -> ``python -m pulumi.dynamic`` -> our provider -> HTTP ->
emulator, with the emulator's referential integrity on, so a wrong order would fail.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from offerform_emulator import Emulator

from harness.project import ORG, REPO, SANDBOX, Project
from harness.stack_config import TENANT

from ..support.kinds import KINDS, KindCase
from .conftest import ProjectFactory

EXAMPLE = REPO / "examples" / "decisioning"
CATALOG = {"colour": "string", "points": "integer"}
KIND_OF_PATH = {
    "/offer-rules": "rule",
    "/ranking-formulas": "formula",
    "/offer-items": "item",
    "/item-collections": "collection",
    "/selection-strategies": "strategy",
    "/exd-placements": "placement",
}


def _kinds_written(emu: Emulator, method: str) -> list[str]:
    kinds = []
    for entry in emu.log.entries(service="dps"):
        if entry.method == method:
            collection = "/" + entry.path.removeprefix("/data/core/dps").lstrip("/").split("/")[0]
            kinds.append(KIND_OF_PATH[collection])
    return kinds


def _project(make_project: ProjectFactory, emulator: Emulator, program: str) -> Project:
    emulator.define_catalog(ORG, SANDBOX, CATALOG)
    emulator.referential_integrity = True
    return make_project(
        program,
        **{"adobe:itemSchemaId": emulator.catalog_schema_id(ORG, SANDBOX), "adobe:tenantId": TENANT},
    )


def test_the_decisioning_example_goes_up_in_reference_order_no_ops_and_comes_down_in_reverse(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = _project(make_project, emulator, (EXAMPLE / "__main__.py").read_text())

    project.up()

    created = _kinds_written(emulator, "POST")
    assert sorted(created) == ["collection", "formula", "item", "item", "item", "rule", "strategy"]
    assert created[-1] == "strategy"
    outputs = project.outputs()
    strategy = emulator.stored("selection-strategy", ORG, SANDBOX, outputs["strategyId"])
    assert strategy["optionSelection"]["filter"] == outputs["collectionId"]
    assert strategy["profileConstraint"]["eligibilityRule"] == outputs["ruleId"]
    assert strategy["rank"]["order"]["function"] == outputs["formulaId"]
    item = emulator.stored("decision-item", ORG, SANDBOX, outputs["itemIds"]["spring-hero"])
    assert item[f"_{TENANT}"] == {"colour": "green", "points": 200}
    assert {e.headers.get("x-schema-id") for e in emulator.log.entries(service="dps") if "/offer-items" in e.path} == {
        emulator.catalog_schema_id(ORG, SANDBOX)
    }
    project.assert_no_changes()

    emulator.log.clear()
    project.destroy()

    deleted = _kinds_written(emulator, "DELETE")
    assert deleted[0] == "strategy" and sorted(deleted) == sorted(created)
    for kind in ("selection-strategy", "item-collection", "decision-item", "eligibility-rule", "exd-ranking-formula"):
        assert emulator.objects(kind, ORG, SANDBOX) == []


ITEM_PROGRAM = """\
from provider import DecisionItem, DecisionItemArgs

DecisionItem("hero", DecisionItemArgs(name="Hero", priority=1, attributes={"colour": "green", "points": 10}))
"""


def test_an_item_attribute_edited_in_the_ui_shows_after_refresh_and_up_restores_it_with_one_guarded_patch(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = _project(make_project, emulator, ITEM_PROGRAM)
    project.up()
    [hero] = emulator.objects("decision-item", ORG, SANDBOX)
    emulator.edit(ORG, SANDBOX, hero["id"], [{"op": "replace", "path": f"/_{TENANT}/points", "value": 99}])

    project.refresh()
    [step] = project.changes()
    assert (step.op, step.changed) == ("update", ["attributes"])
    emulator.log.clear()
    project.up()

    [patch] = [entry for entry in emulator.log.entries(service="dps") if entry.method != "GET"]
    assert patch.method == "PATCH"
    assert {"op": "test", "path": f"/_{TENANT}", "value": {"colour": "green", "points": 99}} in patch.body
    assert patch.body[-1] == {"op": "replace", "path": f"/_{TENANT}", "value": {"colour": "green", "points": 10}}
    assert emulator.stored("decision-item", ORG, SANDBOX, hero["id"])[f"_{TENANT}"]["points"] == 10
    project.assert_no_changes()


PLACEMENT_PROGRAM = """\
from provider import DecisioningPlacement, DecisioningPlacementArgs

DecisioningPlacement(
    "slot",
    DecisioningPlacementArgs(name="Newsletter hero", channel="https://ns.adobe.com/xdm/channel-types/email"),
)
"""


def test_destroy_archives_a_decisioning_placement_and_every_plan_of_it_says_so(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = _project(make_project, emulator, PLACEMENT_PROGRAM)

    planned = project.pulumi("preview", "--non-interactive", "--diff").stdout
    assert "deleteBehavior" in planned and "pulumi destroy sets status to archived" in planned
    project.up()
    [slot] = emulator.objects("exd-placement", ORG, SANDBOX)
    destroying = project.pulumi("destroy", "--preview-only", "--non-interactive", "--diff").stdout
    assert "Adobe has no delete for Decisioning placements" in destroying
    emulator.log.clear()
    project.destroy()

    assert _kinds_written(emulator, "DELETE") == []
    assert _kinds_written(emulator, "PUT") == ["placement"]
    assert emulator.stored("exd-placement", ORG, SANDBOX, slot["id"])["status"] == "archived"
    assert json.loads(project.pulumi("stack", "export").stdout)["deployment"].get("resources") in (None, [])


DECISIONING_CASES = [
    case
    for case in KINDS
    if case.spec.kind in ("DecisionItem", "ItemCollection", "SelectionStrategy", "DecisioningPlacement")
    or case.label is not None
]


def _program(case: KindCase, **overrides: Any) -> str:
    return f"from provider import {case.spec.kind}\n\n{case.spec.kind}('it', {case.declare(**overrides)!r})\n"


@pytest.mark.parametrize("case", DECISIONING_CASES, ids=str)
def test_each_decisioning_kind_lives_through_the_real_cli(
    case: KindCase, make_project: ProjectFactory, emulator: Emulator
) -> None:
    case.prepare(emulator, SANDBOX)
    project = make_project(
        _program(case), **{"adobe:itemSchemaId": emulator.catalog_schema_id(ORG, SANDBOX), "adobe:tenantId": TENANT}
    )

    project.up()  # create: one POST (after the one listing of the kind that finds a killed run's leftovers)
    requests = [(e.method, e.path) for e in emulator.log.entries(service="dps")]
    assert [method for method, _ in requests if method != "GET"] == ["POST"]
    assert [path for method, path in requests if method == "GET"] in ([], [requests[-1][1]])
    [state] = project.resources(case.spec.kind).values()
    project.assert_no_changes()

    project.write_program(_program(case, description="Edited by the stack"))  # an edit: one guarded write
    [step] = project.changes()
    assert (step.op, step.changed) == ("update", ["description"])
    emulator.log.clear()
    project.up()
    writes = [e.method for e in emulator.log.entries(service="dps") if e.method != "GET"]
    assert writes == (["PUT"] if case.spec.update_verb == "PUT" else ["PATCH"])
    project.assert_no_changes()

    field, value = case.ui_edit  # drift: shows after refresh as that field
    emulator.edit(ORG, SANDBOX, state["id"], [{"op": "add", "path": case.pointer(field), "value": value}])
    project.refresh()
    [step] = project.changes()
    assert (step.op, step.changed) == ("update", [field])

    project.destroy()  # deleted, or archived where Adobe has no delete
    stored = emulator.get(case.emulator_kind, ORG, SANDBOX, state["id"])
    if case.spec.archive_on_delete:
        assert stored is not None and stored["status"] == "archived"
    else:
        assert stored is None
