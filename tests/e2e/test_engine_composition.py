"""Offers composed the way infrastructure repos compose them, through the real ``pulumi`` CLI.

Components, stack references, explicit dependencies and every resource option a user may put
on an offer; each step followed by an empty preview.
"""

from __future__ import annotations

from offerform_emulator import Emulator

from harness.project import ORG, SANDBOX

from .conftest import ProjectFactory
from .programs import HEADER, OFFER_FUNCTION, named, offers_program


def _offer_writes(emu: Emulator) -> list[tuple[str, str]]:
    """(method, offer name or id) of every write, in arrival order."""
    writes = []
    for entry in emu.log.entries(service="dps"):
        if entry.method == "POST":
            writes.append(("POST", entry.body["name"]))
        elif entry.method in ("PATCH", "DELETE"):
            writes.append((entry.method, entry.path.rsplit("/", 1)[-1]))
    return writes


def _names_by_id(emu: Emulator) -> dict[str, str]:
    return {o["id"]: o["name"] for o in emu.offers(ORG, SANDBOX)}


COMPONENT = (
    HEADER
    + OFFER_FUNCTION
    + '''

class OfferSet(pulumi.ComponentResource):
    """A campaign's fallback offers, one per channel, as one component."""

    def __init__(self, name: str, campaign: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("marketing:index:OfferSet", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.web = FallbackOffer(f"{name}-web", offer(f"{campaign} web"), opts=child)
        self.email = FallbackOffer(f"{name}-email", offer(f"{campaign} email", status="draft"), opts=child)
        self.register_outputs({"web": self.web.id, "email": self.email.id})


spring = OfferSet("spring", "Spring")
pulumi.export("web", spring.web.id)
pulumi.export("email", spring.email.id)
'''
)


def test_a_component_owns_its_offers_and_destroys_them_with_it(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(COMPONENT)

    project.up()

    state = project.resources()
    assert set(state) == {"spring-web", "spring-email"}
    assert all(r["parent"].endswith("marketing:index:OfferSet::spring") for r in state.values())
    assert sorted(_names_by_id(emulator).values()) == ["Spring email", "Spring web"]
    project.assert_no_changes()
    project.destroy()
    assert emulator.offers(ORG, SANDBOX) == []


def test_a_second_stack_reads_offer_ids_through_a_stack_reference(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    offers = make_project(offers_program(named("web")), name="offers")
    offers.up()
    consumer = make_project(
        HEADER
        + OFFER_FUNCTION
        + (
            "offers = pulumi.StackReference('organization/offers/dev')\n"
            "web_id = offers.require_output('web-id')\n"
            "decision = FallbackOffer(\n"
            "    'pointer',\n"
            "    {**offer('Points at web'), 'characteristics': web_id.apply(lambda i: {'fallbackOf': i})},\n"
            ")\n"
            "pulumi.export('webFromOtherStack', web_id)\n"
        ),
        name="decisions",
    )

    consumer.up()

    web_id = offers.resources()["web"]["id"]
    assert consumer.outputs()["webFromOtherStack"] == web_id
    pointer = emulator.stored("fallback-offer", ORG, SANDBOX, consumer.resources()["pointer"]["id"])
    assert pointer["characteristics"] == {"fallbackOf": web_id}
    consumer.assert_no_changes()


def test_depends_on_orders_creation_and_deletion(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("first"), named("second", options="depends_on=[first]")))

    project.up()
    assert _offer_writes(emulator) == [("POST", "Offer first"), ("POST", "Offer second")]
    project.assert_no_changes()
    ids = {name: r["id"] for name, r in project.resources().items()}
    emulator.log.clear()

    project.destroy()
    assert _offer_writes(emulator) == [("DELETE", ids["second"]), ("DELETE", ids["first"])]


def test_protect_refuses_destroy_until_lifted(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("web", options="protect=True")))
    project.up()
    emulator.log.clear()

    refused = project.destroy(check=False)

    assert refused.returncode != 0
    assert "protected" in refused.stdout
    assert emulator.log.count(service="dps") == 0
    assert len(emulator.offers(ORG, SANDBOX)) == 1
    project.write_program(offers_program(named("web")))
    project.up()
    project.assert_no_changes()
    project.destroy()
    assert emulator.offers(ORG, SANDBOX) == []


def test_ignore_changes_leaves_an_edited_field_alone(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("web", options="ignore_changes=['description']")))
    project.up()
    emulator.log.clear()

    project.write_program(
        offers_program(named("web", description="Edited locally", options="ignore_changes=['description']"))
    )

    assert project.changes() == []
    project.up()
    assert emulator.log.count(service="dps") == 0
    project.assert_no_changes()


def test_retain_on_delete_keeps_the_offer_when_the_resource_goes(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web", options="retain_on_delete=True"), named("email")))
    project.up()
    kept = project.resources()["web"]["id"]
    emulator.log.clear()

    project.write_program(offers_program(named("email")))
    project.up()

    assert emulator.log.count("DELETE", service="dps") == 0
    assert emulator.get_offer(ORG, SANDBOX, kept) is not None
    assert set(project.resources()) == {"email"}
    project.assert_no_changes()


def test_an_alias_renames_a_resource_without_replacing_its_offer(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web", "Web fallback")))
    project.up()
    offer_id = project.resources()["web"]["id"]
    emulator.log.clear()

    project.write_program(
        offers_program(named("home-banner", "Web fallback", options="aliases=[pulumi.Alias(name='web')]"))
    )
    assert project.changes() == []
    project.up()

    assert emulator.log.count(service="dps") == 0
    assert project.resources()["home-banner"]["id"] == offer_id
    project.assert_no_changes()


def test_replace_on_changes_replaces_the_offer_when_that_field_changes(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web", "Old name", options="replace_on_changes=['name']")))
    project.up()
    old_id = project.resources()["web"]["id"]
    emulator.log.clear()

    project.write_program(offers_program(named("web", "New name", options="replace_on_changes=['name']")))
    [step] = project.changes()
    assert step.op == "replace"
    project.up()

    assert _offer_writes(emulator) == [("POST", "New name"), ("DELETE", old_id)]
    project.assert_no_changes()


def test_a_description_change_under_replace_on_changes_of_name_stays_an_update(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(offers_program(named("web", options="replace_on_changes=['name']")))
    project.up()
    emulator.log.clear()

    project.write_program(offers_program(named("web", description="Edited", options="replace_on_changes=['name']")))
    [step] = project.changes()
    assert (step.op, step.changed) == ("update", ["description"])
    project.up()
    assert [method for method, _ in _offer_writes(emulator)] == ["PATCH"]
    project.assert_no_changes()


def test_delete_before_replace_deletes_the_old_offer_first(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("web", options="delete_before_replace=True")))
    project.up()
    old_id = project.resources()["web"]["id"]
    emulator.log.clear()

    project.write_program(offers_program(named("web", sandboxName="staging", options="delete_before_replace=True")))
    project.up()

    assert _offer_writes(emulator) == [("DELETE", old_id), ("POST", "Offer web")]
    project.assert_no_changes()


def test_up_with_a_target_changes_only_that_offer(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("web"), named("email")))
    project.up()
    ids = {name: r["id"] for name, r in project.resources().items()}
    emulator.log.clear()

    project.write_program(offers_program(named("web", description="A"), named("email", description="B")))
    project.up("--target", project.urn("web"))

    assert _offer_writes(emulator) == [("PATCH", ids["web"])]
    [step] = project.changes()
    assert (step.name, step.changed) == ("email", ["description"])
    project.up()
    project.assert_no_changes()


def test_parallel_one_sends_one_request_at_a_time(make_project: ProjectFactory, emulator: Emulator) -> None:
    from offerform_emulator.faults import Fault

    emulator.faults.add(Fault("delay", delay=0.05))
    project = make_project(offers_program(*(named(f"offer-{i}") for i in range(5))))

    project.up("--parallel", "1")

    posts = [e for e in emulator.log.entries(service="dps") if e.method == "POST"]
    assert len(posts) == 5
    for earlier, later in zip(posts, posts[1:], strict=False):
        assert later.started >= earlier.started + earlier.duration
    project.assert_no_changes()
