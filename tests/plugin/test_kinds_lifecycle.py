"""What every kind must pass, step by step through the engine's plugin path (Terraform acceptance style).

Each test runs once per kind of ``tests/support/kinds.py``: test -> gRPC -> ``python -m pulumi.dynamic``
-> the kind's provider -> HTTP -> emulator. A kind's special cases live in a file of its own
(``test_fallback_offer.py``, ...).
"""

from __future__ import annotations

from typing import Any

import pytest
from offerform_emulator import Emulator, Fault

from harness.engine import Plugin, PluginError, Stack
from harness.stack_config import ORG, SANDBOX

from ..support.kinds import KINDS, KindCase
from ..support.ui import AdobeUi

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@pytest.fixture(params=KINDS, ids=str)
def kind(request: pytest.FixtureRequest) -> KindCase:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def stack(kind: KindCase, emu: Emulator, shared_plugin: Plugin) -> Stack:
    kind.prepare(emu, SANDBOX, "staging")
    return Stack(shared_plugin, kind.spec)


def _ui_edit(kind: KindCase, emu: Emulator, object_id: str, field: str, value: Any) -> None:
    """Someone changes one field in the Adobe UI (also where the API has no PATCH)."""
    emu.edit(ORG, SANDBOX, object_id, [{"op": "add", "path": kind.pointer(field), "value": value}])


def _puts(kind: KindCase) -> bool:
    return kind.spec.update_verb == "PUT"


def _writes(emu: Emulator) -> list[tuple[str, str]]:
    return [(entry.method, entry.path) for entry in emu.log.entries(service="dps") if entry.method != "GET"]


def _changes(emu: Emulator) -> list[dict[str, Any]]:
    """The non-guard operations of the last PATCH."""
    return [op for op in emu.log.entries(service="dps")[-1].body if op["op"] != "test"]


def test_create_posts_once_and_exports_the_id_and_the_etag(kind: KindCase, stack: Stack, emu: Emulator) -> None:
    stack.up("it", kind.declare())

    state = stack.state["it"]
    posts = [entry for entry in emu.log.entries(service="dps") if entry.method == "POST"]
    others = [entry for entry in emu.log.entries(service="dps") if entry.method != "POST"]
    assert len(posts) == 1
    # At most the one listing of the kind a plugin process makes before its first create (leftovers of a killed run).
    assert all(entry.method == "GET" and entry.path == posts[0].path for entry in others) and len(others) <= 1
    assert kind.fields(emu.stored(kind.emulator_kind, ORG, SANDBOX, state.id))["name"] == "Made by the stack"
    assert state.outputs["etag"] == 1
    assert state.outputs["sandboxName"] == SANDBOX
    assert state.outputs["createdByClientId"] == emu.client_id


def test_a_second_up_without_edits_is_a_noop_with_no_requests(kind: KindCase, stack: Stack, emu: Emulator) -> None:
    stack.up("it", kind.declare())
    emu.log.clear()

    assert stack.up("it", kind.declare()).op == "same"
    assert emu.log.count(service=None) == 0


def test_an_edit_is_one_patch_guarded_by_every_field_the_stack_saw(kind: KindCase, stack: Stack, emu: Emulator) -> None:
    stack.up("it", kind.declare())
    object_id = stack.state["it"].id
    inputs = stack.state["it"].inputs
    seen = {key: inputs[key] for key in kind.spec.user_fields if key in inputs}
    emu.log.clear()

    edited = kind.declare(description="Edited by the stack")
    assert stack.preview("it", edited).op == "update" and emu.log.count(service="dps") == 0
    assert stack.up("it", edited).op == "update"

    if _puts(kind):  # read, compare with what the stack saw, then PUT the whole object
        read, put = emu.log.entries(service="dps")
        assert (read.method, put.method) == ("GET", "PUT") and put.path.endswith(object_id)
        assert put.body == kind.api({**seen, "description": "Edited by the stack"})
    else:
        [patch] = emu.log.entries(service="dps")
        assert patch.method == "PATCH" and patch.path.endswith(object_id)
        assert patch.body == [
            {"op": "test", "path": kind.pointer(key), "value": value} for key, value in seen.items()
        ] + [{"op": "replace", "path": kind.pointer("description"), "value": "Edited by the stack"}]
    assert stack.state["it"].id == object_id and stack.state["it"].outputs["etag"] == 2
    stored = kind.fields(emu.stored(kind.emulator_kind, ORG, SANDBOX, object_id))
    assert stored["description"] == "Edited by the stack"


def test_removing_an_optional_field_sends_a_remove_operation(kind: KindCase, stack: Stack, emu: Emulator) -> None:
    stack.up("it", kind.declare())
    emu.log.clear()
    without = kind.declare()
    del without["description"]

    stack.up("it", without)

    if _puts(kind):
        assert "description" not in emu.log.entries(service="dps")[-1].body
    else:
        assert _changes(emu) == [{"op": "remove", "path": kind.pointer("description")}]
    assert "description" not in kind.fields(emu.stored(kind.emulator_kind, ORG, SANDBOX, stack.state["it"].id))


def test_an_edit_in_the_ui_shows_after_refresh_and_on_the_next_preview(
    kind: KindCase, stack: Stack, emu: Emulator
) -> None:
    stack.up("it", kind.declare())
    field, value = kind.ui_edit
    _ui_edit(kind, emu, stack.state["it"].id, field, value)

    assert stack.refresh("it")
    assert stack.state["it"].outputs[field] == value and stack.state["it"].inputs[field] == value
    assert stack.state["it"].outputs["etag"] == 2
    assert stack.preview("it", kind.declare()).op == "update"
    assert stack.preview("it", kind.declare(**{field: value})).op == "same"


def test_adopting_an_object_declared_as_it_is_makes_no_post_and_no_patch(
    kind: KindCase, stack: Stack, emu: Emulator
) -> None:
    existing = emu.seed(kind.emulator_kind, ORG, SANDBOX, kind.api(kind.declare("Made in the UI")))
    emu.log.clear()
    adopted = {**kind.declare("Made in the UI"), kind.spec.adopt_input: existing["id"]}

    stack.up("adopted", adopted)

    assert stack.state["adopted"].id == existing["id"]
    assert _writes(emu) == []
    assert stack.preview("adopted", adopted).op == "same"
    assert (
        stack.preview("adopted", kind.declare("Made in the UI")).op == "same"
    )  # the adopt input is ignored once adopted


def test_adopting_an_object_that_differs_patches_only_what_differs(kind: KindCase, stack: Stack, emu: Emulator) -> None:
    existing = emu.seed(
        kind.emulator_kind, ORG, SANDBOX, kind.api(kind.declare("Made in the UI", description="Old words"))
    )
    emu.log.clear()

    stack.up("adopted", {**kind.declare("Made in the UI"), kind.spec.adopt_input: existing["id"]})

    if _puts(kind):
        assert [method for method, _ in _writes(emu)] == ["PUT"]
        assert emu.log.entries(service="dps")[-1].body == kind.api(kind.declare("Made in the UI"))
    else:
        assert [method for method, _ in _writes(emu)] == ["PATCH"]
        assert _changes(emu) == [
            {"op": "replace", "path": kind.pointer("description"), "value": kind.declare()["description"]}
        ]
    assert stack.state["adopted"].outputs["etag"] == 2


def test_adopting_an_unknown_id_fails_clearly_and_creates_nothing(kind: KindCase, stack: Stack, emu: Emulator) -> None:
    with pytest.raises(PluginError) as failure:
        stack.up("adopted", {**kind.declare(), kind.spec.adopt_input: "dps:nothing:doesnotexist"})

    assert f"{kind.spec.adopt_input} 'dps:nothing:doesnotexist'" in failure.value.details
    assert f"no {kind.spec.label} with this id" in failure.value.details
    assert emu.objects(kind.emulator_kind, ORG, SANDBOX) == []


def test_get_reads_an_object_the_stack_does_not_manage(kind: KindCase, stack: Stack, emu: Emulator) -> None:
    existing = emu.seed(kind.emulator_kind, ORG, SANDBOX, kind.api(kind.declare("Shared by another team")))

    outputs = stack.get("shared", existing["id"])

    assert outputs["name"] == "Shared by another team"
    assert outputs["etag"] == 1 and outputs["sandboxName"] == SANDBOX


def test_an_update_conflicting_with_an_outside_edit_fails_and_changes_nothing(
    kind: KindCase, stack: Stack, emu: Emulator
) -> None:
    stack.up("it", kind.declare())
    object_id = stack.state["it"].id
    _ui_edit(kind, emu, object_id, "name", "Renamed in the UI")
    live_before = emu.get(kind.emulator_kind, ORG, SANDBOX, object_id)

    with pytest.raises(PluginError) as failure:
        stack.up("it", kind.declare(description="Our change"))

    assert f"{kind.spec.label} {object_id} was changed outside the stack (name differs" in failure.value.details
    assert "pulumi refresh" in failure.value.details
    assert emu.get(kind.emulator_kind, ORG, SANDBOX, object_id) == live_before


def test_delete_removes_the_object_and_a_second_delete_succeeds(kind: KindCase, stack: Stack, emu: Emulator) -> None:
    stack.up("it", kind.declare())
    state = stack.state["it"]

    stack.destroy("it")

    if kind.spec.archive_on_delete:  # Adobe has no delete: archived, as the UI does, and archived only once
        assert kind.fields(emu.get(kind.emulator_kind, ORG, SANDBOX, state.id))["status"] == "archived"
        emu.log.clear()
        stack.plugin.delete("it", state.id, state.outputs, state.inputs, kind.spec)
        assert _writes(emu) == []
    else:
        assert emu.get(kind.emulator_kind, ORG, SANDBOX, state.id) is None
        stack.plugin.delete("it", state.id, state.outputs, state.inputs, kind.spec)


@pytest.mark.parametrize("kind", [case for case in KINDS if not case.spec.archive_on_delete], ids=str)
def test_refresh_of_an_object_deleted_outside_drops_it_from_state(kind: KindCase, stack: Stack, emu: Emulator) -> None:
    stack.up("it", kind.declare())
    AdobeUi(emu, spec=kind.spec).delete(stack.state["it"].id)

    assert stack.refresh("it") is False
    assert "it" not in stack.state


def test_changing_the_sandbox_replaces_the_object_and_deletes_it_where_it_lived(
    kind: KindCase, stack: Stack, emu: Emulator
) -> None:
    stack.up("it", kind.declare())
    old_id = stack.state["it"].id

    plan = stack.up("it", kind.moved(emu, "staging"))

    assert plan.op == "replace" and plan.replaces == ["sandboxName"]
    if kind.spec.archive_on_delete:
        assert kind.fields(emu.get(kind.emulator_kind, ORG, SANDBOX, old_id))["status"] == "archived"
    else:
        assert emu.get(kind.emulator_kind, ORG, SANDBOX, old_id) is None
    assert [o["id"] for o in emu.objects(kind.emulator_kind, ORG, "staging")] == [stack.state["it"].id]


def test_bad_input_fails_check_naming_the_property_and_sends_nothing(
    kind: KindCase, shared_plugin: Plugin, emu: Emulator
) -> None:
    field, value, prop, reason = kind.bad_input

    _, failures = shared_plugin.check("bad", kind.declare(**{field: value}), spec=kind.spec)

    assert any(name == prop and reason in why for name, why in failures), failures
    assert emu.log.entries() == []


def test_an_unknown_property_is_named_with_every_known_one(
    kind: KindCase, shared_plugin: Plugin, emu: Emulator
) -> None:
    _, failures = shared_plugin.check("bad", kind.declare(nmae="typo"), spec=kind.spec)

    assert failures == [
        (
            "nmae",
            "is not a known property (did you mean name?); known properties are: " + ", ".join(kind.spec.known_inputs),
        )
    ]


def test_values_unknown_during_preview_are_not_failures(kind: KindCase, stack: Stack, emu: Emulator) -> None:
    stack.up("it", kind.declare())

    declared = kind.declare(description=UNKNOWN)
    inputs, failures = stack.plugin.check("it", declared, stack.state["it"].inputs, kind.spec)

    assert failures == []
    assert stack.preview("it", declared).op == "update"
    assert emu.log.count(service="dps") == 1  # the create's POST, nothing since


def test_a_create_whose_answer_is_lost_after_it_landed_is_adopted_not_duplicated(
    kind: KindCase, stack: Stack, emu: Emulator
) -> None:
    emu.faults.add(Fault("commit_then_drop", times=1, methods={"POST"}))

    stack.up("it", kind.declare())

    [created] = emu.objects(kind.emulator_kind, ORG, SANDBOX)
    assert stack.state["it"].id == created["id"]
    assert emu.log.count("POST", service="dps") == 1
