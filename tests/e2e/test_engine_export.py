"""A whole sandbox exported as one connected program, then adopted by the real ``pulumi`` CLI.

62 objects of all eight Offer Library kinds and 14 of Adobe's Decisioning model (eligibility rules and
ranking formulas beside the legacy ones on their shared paths, placements, decision items with catalog
attributes, item collections, selection strategies), made "in the UI" with references between them: the export writes
every reference to an exported object as a Python reference, ``pulumi up`` adopts everything
with no POST and no PATCH, the next preview is empty, the server is unchanged, and an edit to one
declaration is one guarded PATCH of that object only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

from offerform_emulator import Emulator
from offerform_emulator.kinds import KINDS as EMULATOR_KINDS

from harness.project import ORG, SANDBOX, VENV, Project
from harness.stack_config import TENANT

from ..support.sandbox import seed_connected_sandbox, seed_decisioning_sandbox
from .conftest import ProjectFactory

KINDS = tuple(kind.name for kind in EMULATOR_KINDS)


def _everything(emu: Emulator) -> dict[str, list[dict[str, Any]]]:
    return {kind: sorted(emu.objects(kind, ORG, SANDBOX), key=lambda item: item["id"]) for kind in KINDS}


def _export(project: Project, emu: Emulator) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ADOBE_", "PULUMI_"))}
    env.update(
        {
            "ADOBE_CLIENT_ID": emu.client_id,
            "ADOBE_CLIENT_SECRET": emu.client_secret,
            "ADOBE_IMS_ORG_ID": ORG,
            "ADOBE_ENDPOINT": emu.dps_url,
            "ADOBE_IMS_ENDPOINT": emu.ims_url,
            "ADOBE_ITEM_SCHEMA_ID": emu.catalog_schema_id(ORG, SANDBOX),
            "ADOBE_TENANT_ID": TENANT,
        }
    )
    return subprocess.run(
        [
            str(VENV / "bin" / "python"),
            "-m",
            "provider.export",
            "--sandbox",
            SANDBOX,
            "--out",
            str(project.root),
            "--force",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=project.root,
    )


def test_a_whole_sandbox_exports_as_one_connected_program_that_adopts_with_no_write(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    made = seed_connected_sandbox(emulator, ORG, SANDBOX)
    assert sum(len(items) for items in made.values()) >= 60
    decisioning = seed_decisioning_sandbox(emulator, ORG, SANDBOX, TENANT)
    project = make_project(
        "# replaced by the export\n",
        **{"adobe:itemSchemaId": emulator.catalog_schema_id(ORG, SANDBOX), "adobe:tenantId": TENANT},
    )

    exported = _export(project, emulator)

    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith(
        "exported 8 collection qualifiers, 8 placements, 8 decision rules, 8 ranking "
        "formulas, 10 fallback offers, 12 personalized offers, 6 collections, "
        "6 decisions, 2 Decisioning placements, 4 decision items, 2 item collections and "
        f"2 selection strategies from sandbox {SANDBOX} to "
    )
    program = (project.root / "__main__.py").read_text()
    assert "fallback=fallback_0.id" in program and "ranking_strategy=formula_0.id" in program
    assert "filter=green_items.id" in program and "eligibility_rule=eligible_0.id" in program
    assert "function=score_0.id" in program
    assert not re.search(r'"dps:[a-z-]+:[0-9a-f]{16}",\s*#', program), "every reference is to an exported object"

    before = _everything(emulator)
    emulator.log.clear()
    project.up()

    assert emulator.log.count("POST", service="dps") == 0 and emulator.log.count("PATCH", service="dps") == 0
    assert emulator.log.count("PUT", service="dps") == 0
    assert len(decisioning["decision-item"]) == 4
    assert _everything(emulator) == before
    project.assert_no_changes()

    decision_id = made["decision"][3]["id"]
    emulator.log.clear()
    project.write_program(program.replace('name="Decision 3"', 'name="Decision 3, edited"', 1))
    project.up()

    [patch] = [entry for entry in emulator.log.entries(service="dps") if entry.method != "GET"]
    assert patch.method == "PATCH" and patch.path.endswith(decision_id)
    assert patch.body[-1] == {"op": "replace", "path": "/name", "value": "Decision 3, edited"}
    assert all(op["op"] == "test" for op in patch.body[:-1])
    project.assert_no_changes()


def test_the_export_command_is_documented_as_it_behaves() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "provider.export", "--help"], capture_output=True, text=True, check=True
    )

    assert "--kind" in done.stdout and "every kind" in done.stdout
