"""A stack written by offerform 0.1.0 (FallbackOffer only) keeps working with this code, unchanged.

``fixtures/`` holds what 0.1.0 left behind: ``pulumi stack export`` of a stack with four offers
(plain, with every optional block, in another sandbox, adopted) and the emulator's data file
with those offers. The stack is imported as it was; the next preview, refresh and update must
treat it as their own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from offerform_emulator import Emulator

from .conftest import ProjectFactory
from .project import ORG, SANDBOX, Project

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROGRAM = (FIXTURES / "program-0.1.0.py").read_text()


def _restored(make_project: ProjectFactory, emulator: Emulator) -> Project:
    project = make_project(PROGRAM, emu=emulator)
    project.pulumi("stack", "import", "--file", str(FIXTURES / "state-0.1.0.json"))
    return project


def _emulator_with_the_old_offers(tmp_path: Path) -> Emulator:
    data = tmp_path / "emulator-data.json"
    shutil.copy(FIXTURES / "emulator-0.1.0.json", data)
    return Emulator(data_file=data)


def test_a_stack_written_by_0_1_0_previews_and_refreshes_with_no_change(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    with _emulator_with_the_old_offers(tmp_path) as emulator:
        project = _restored(make_project, emulator)

        project.assert_no_changes()
        assert emulator.log.count(service="dps") == 0
        # Without --run-program, refresh configures the plugin from the state: the endpoint 0.1.0 used.
        project.refresh("--run-program")
        project.assert_no_changes()
        assert emulator.log.count("GET", service="dps") == 4


def test_a_stack_written_by_0_1_0_updates_with_one_guarded_patch(make_project: ProjectFactory, tmp_path: Path) -> None:
    with _emulator_with_the_old_offers(tmp_path) as emulator:
        project = _restored(make_project, emulator)
        offer_id = project.resources()["web"]["id"]

        project.write_program(
            PROGRAM.replace('"Shown when no personalized offer qualifies"', '"Edited after the upgrade"', 1)
        )
        project.up()

        [patch] = [entry for entry in emulator.log.entries(service="dps") if entry.method != "GET"]
        assert patch.method == "PATCH" and patch.path.endswith(offer_id)
        assert emulator.get_offer(ORG, SANDBOX, offer_id)["description"] == "Edited after the upgrade"
        project.assert_no_changes()
