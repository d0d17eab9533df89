"""The life of fallback offers through the real ``pulumi`` CLI, step by step.

Every step runs the real engine on a project on disk: CLI -> language host -> program ->
engine -> ``python -m pulumi.dynamic`` -> our provider -> HTTP -> emulator. After every ``up``
a fresh ``pulumi preview --expect-no-changes`` must pass.
"""

from __future__ import annotations

from offerform_emulator import Emulator

from harness.project import ORG, SANDBOX

from ..support.ui import AdobeUi
from .conftest import ProjectFactory
from .programs import Declared, named, offers_program


def _writes(emu: Emulator) -> list[tuple[str, str]]:
    return [
        (entry.method, entry.headers.get("x-sandbox-name", ""))
        for entry in emu.log.entries(service="dps")
        if entry.method != "GET"
    ]


def test_up_creates_each_offer_with_one_post_and_a_preview_then_makes_no_request(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web"), named("email")))

    project.up()

    assert emulator.log.count("POST", service="dps") == 2
    # And before them, one listing of the kind (a killed run's leftovers would be taken instead of posted).
    [listing] = [entry for entry in emulator.log.entries(service="dps") if entry.method == "GET"]
    assert emulator.log.count(service="dps") == 3 and listing.path.endswith("/offers")
    state = project.resources()
    assert {state[name]["id"] for name in ("web", "email")} == {o["id"] for o in emulator.offers(ORG, SANDBOX)}
    assert project.outputs()["web-etag"] == 1
    emulator.log.clear()
    project.assert_no_changes()
    assert emulator.log.count(service=None) == 0


def test_an_edit_is_exactly_one_guarded_patch(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("web")))
    project.up()
    offer_id = project.resources()["web"]["id"]
    emulator.log.clear()

    project.write_program(offers_program(named("web", description="Now with summer colours")))
    [step] = project.changes()
    assert (step.op, step.changed) == ("update", ["description"])
    assert emulator.log.count(service="dps") == 0
    project.up()

    [patch] = emulator.log.entries(service="dps")
    assert patch.method == "PATCH" and patch.path.endswith(offer_id)
    assert [op["op"] for op in patch.body if op["op"] != "test"] == ["replace"]
    assert {op["path"] for op in patch.body if op["op"] == "test"} >= {"/name", "/description", "/representations"}
    assert emulator.stored("fallback-offer", ORG, SANDBOX, offer_id)["description"] == "Now with summer colours"
    assert project.outputs()["web-etag"] == 2
    project.assert_no_changes()


def test_an_edit_in_the_adobe_ui_shows_after_refresh_as_that_field_and_up_restores_it(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web")))
    project.up()
    offer_id = project.resources()["web"]["id"]
    AdobeUi(emulator).patch(offer_id, [{"op": "replace", "path": "/status", "value": "archived"}])

    project.refresh()
    assert emulator.log.count("GET", service="dps") == 1
    assert project.resources()["web"]["outputs"]["status"] == "archived"
    [step] = project.changes()
    assert (step.op, step.changed) == ("update", ["status"])

    project.up()
    assert emulator.stored("fallback-offer", ORG, SANDBOX, offer_id)["status"] == "approved"
    project.assert_no_changes()


def test_adopting_an_offer_declared_as_it_is_makes_no_post_and_no_patch(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    made_in_ui = named("adopted", "Made in the UI")
    existing = emulator.seed_offer(ORG, SANDBOX, made_in_ui.inputs)
    emulator.log.clear()
    project = make_project(offers_program(Declared("adopted", {**made_in_ui.inputs, "adoptOfferId": existing["id"]})))

    project.up()

    assert _writes(emulator) == []
    assert project.resources()["adopted"]["id"] == existing["id"]
    project.assert_no_changes()


def test_get_reads_an_offer_the_stack_does_not_manage(make_project: ProjectFactory, emulator: Emulator) -> None:
    foreign = emulator.seed_offer(ORG, SANDBOX, named("shared", "Shared fallback").inputs)
    emulator.log.clear()
    project = make_project(
        "import pulumi\nfrom provider import FallbackOffer\n\n"
        f"shared = FallbackOffer.get('shared', {foreign['id']!r})\n"
        "pulumi.export('name', shared.name)\n"
        "pulumi.export('etag', shared.etag)\n"
        "pulumi.export('sandbox', shared.sandbox_name)\n"
    )

    project.up()

    assert project.outputs() == {"name": "Shared fallback", "etag": 1, "sandbox": SANDBOX}
    assert _writes(emulator) == []
    assert project.resources()["shared"].get("external") is True
    project.assert_no_changes()


def test_an_update_conflicting_with_an_outside_edit_fails_with_refresh_advice_and_keeps_the_edit(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web")))
    project.up()
    offer_id = project.resources()["web"]["id"]
    AdobeUi(emulator).patch(offer_id, [{"op": "replace", "path": "/name", "value": "Renamed in the UI"}])
    live = emulator.get_offer(ORG, SANDBOX, offer_id)

    project.write_program(offers_program(named("web", description="Our change")))
    failed = project.up(check=False)

    assert failed.returncode != 0
    assert f"fallback offer {offer_id} was changed outside the stack" in failed.stdout
    assert "Run `pulumi refresh` to bring the stack up to date" in failed.stdout
    assert emulator.get_offer(ORG, SANDBOX, offer_id) == live

    project.refresh()
    project.write_program(offers_program(named("web", "Renamed in the UI", description="Our change")))
    project.up()
    assert emulator.stored("fallback-offer", ORG, SANDBOX, offer_id)["description"] == "Our change"
    project.assert_no_changes()


def test_a_sandbox_change_replaces_the_offer_creating_the_new_one_before_deleting_the_old(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web")))
    project.up()
    old_id = project.resources()["web"]["id"]
    emulator.log.clear()

    project.write_program(offers_program(named("web", sandboxName="staging")))
    [step] = project.changes()
    assert step.op == "replace"
    project.up()

    assert _writes(emulator) == [("POST", "staging"), ("DELETE", SANDBOX)]
    assert emulator.get_offer(ORG, SANDBOX, old_id) is None
    assert [o["id"] for o in emulator.offers(ORG, "staging")] == [project.resources()["web"]["id"]]
    project.assert_no_changes()


def test_destroy_removes_every_offer(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("a"), named("b"), named("c")))
    project.up()
    emulator.log.clear()

    project.destroy()

    assert emulator.log.count("DELETE", service="dps") == 3
    assert emulator.offers(ORG, SANDBOX) == []
    assert project.resources() == {}


def test_refresh_and_destroy_after_an_outside_delete_succeed_and_leave_clean_state(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("a"), named("b")))
    project.up()
    ids = {name: resource["id"] for name, resource in project.resources().items()}
    AdobeUi(emulator).delete(ids["a"])

    project.refresh()
    assert set(project.resources()) == {"b"}
    [step] = project.changes()
    assert (step.op, step.name) == ("create", "a")

    AdobeUi(emulator).delete(ids["b"])
    project.destroy()
    assert project.resources() == {}
    assert emulator.offers(ORG, SANDBOX) == []


def test_refresh_reads_with_the_config_of_the_last_up_unless_it_runs_the_program(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web")))
    project.up()
    with Emulator() as elsewhere:
        project.configure({"adobe:endpoint": elsewhere.dps_url, "adobe:imsEndpoint": elsewhere.ims_url})
        emulator.log.clear()

        project.refresh()
        assert emulator.log.count("GET", service="dps") == 1 and len(elsewhere.log) == 0

        project.refresh("--run-program")  # now the offer is looked for where the config points: gone there
        assert len(elsewhere.log) > 0 and project.resources() == {}
