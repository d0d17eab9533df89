"""The example stack (``__main__.py``), a whole decisioning chain, through the real ``pulumi`` CLI.

Placements, fallback offers shown in them, a decision naming both: ``up`` creates them in the
order their references impose, a second preview changes nothing, ``destroy`` deletes them in
the reverse order.
"""

from __future__ import annotations

from offerform_emulator import Emulator

from harness.project import ORG, REPO, SANDBOX

from .conftest import ProjectFactory

KIND_OF_PATH = {"/placements": "placement", "/offers": "fallback-offer", "/offer-decisions": "decision"}


def _kinds_written(emu: Emulator, method: str) -> list[str]:
    """The kind of every ``method`` request, in arrival order."""
    kinds = []
    for entry in emu.log.entries(service="dps"):
        if entry.method == method:
            collection = "/" + entry.path.removeprefix("/data/core/dps").lstrip("/").split("/")[0]
            kinds.append(KIND_OF_PATH[collection])
    return kinds


def test_the_chain_goes_up_in_dependency_order_no_ops_and_comes_down_in_reverse(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project((REPO / "__main__.py").read_text())

    project.up()

    created = _kinds_written(emulator, "POST")
    assert sorted(created) == ["decision", "fallback-offer", "fallback-offer", "placement", "placement"]
    assert created.index("decision") > max(i for i, kind in enumerate(created) if kind != "decision")
    assert max(i for i, kind in enumerate(created) if kind == "placement") < min(
        i for i, kind in enumerate(created) if kind == "fallback-offer"
    )
    outputs = project.outputs()
    decision = emulator.stored("decision", ORG, SANDBOX, outputs["decisionId"])
    assert decision["fallback"] == outputs["fallbackOfferIds"]["web"]
    assert decision["criteria"][0]["placements"] == [outputs["placementIds"]["web"], outputs["placementIds"]["email"]]
    project.assert_no_changes()

    emulator.log.clear()
    project.destroy()

    deleted = _kinds_written(emulator, "DELETE")
    assert deleted[0] == "decision" and deleted[-2:] == ["placement", "placement"]
    for kind in ("placement", "fallback-offer", "decision"):
        assert emulator.objects(kind, ORG, SANDBOX) == []
