"""The whole programs the docs show (the README's first stack, getting started's decisioning setup), run through
the real ``pulumi`` CLI: ``up`` creates every object they declare, and a second preview plans nothing.

``tests/test_docs_snippets.py`` runs every snippet through the plugin alone; these two are what a new user copies
first, so they also go through the engine.
"""

from __future__ import annotations

import re

import pytest
from offerform_emulator import Emulator

from harness.project import ORG, SANDBOX

from ..plugin.test_docs_snippets import PROGRAMS, ROOT, Snippet
from .conftest import ProjectFactory

# The programs a new user copies first: those of the front door and of getting started that export outputs.
WHOLE_PROGRAMS = [
    s
    for s in PROGRAMS
    if s.page in (ROOT / "README.md", ROOT / "docs" / "getting-started.md") and "pulumi.export(" in s.code
]


def test_the_readme_and_getting_started_each_show_one_whole_program() -> None:
    assert sorted(str(s).split(":")[0] for s in WHOLE_PROGRAMS) == ["README.md", "docs/getting-started.md"]


@pytest.mark.parametrize("snippet", WHOLE_PROGRAMS, ids=str)
def test_a_whole_program_of_the_docs_goes_up_and_then_plans_nothing(
    snippet: Snippet, make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(snippet.code)

    project.up()

    declared = project.resources(None)  # every kind, not only fallback offers
    posts = [entry for entry in emulator.log.entries(service="dps") if entry.method == "POST"]
    assert len(declared) >= 2 and len(posts) == len(declared)  # one create each, none failed and repeated
    for name, resource in declared.items():
        kind = re.sub(r"(?<!^)(?=[A-Z])", "-", resource["type"].rsplit(":", 1)[-1]).lower()
        assert emulator.get(kind, ORG, SANDBOX, resource["id"]) is not None, name
    project.assert_no_changes()
