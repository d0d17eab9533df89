"""Every ```python block of the docs runs: a doc that shows code shows code that works.

A block that imports ``provider`` is a program: it runs under Pulumi's test mocks, which hand each
resource to the real dynamic-provider plugin (Check, then Create) against the emulator, and every
resource it declares must end up created. Every other block needs an HTML comment on the line
before it (CONTRIBUTING.md, "Documentation"):
``<!-- snippet: fixture PATH -->``, the block is that file, run whole by its own test;
``<!-- snippet: not run, WHY -->``, the block cannot run, and why.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import pulumi
import pytest
from offerform_emulator import Emulator
from offerform_emulator.kinds import KINDS as EMULATOR_KINDS

from harness.engine import Plugin
from harness.stack_config import ORG, SANDBOX

from .test_example_stack import PluginMocks

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").rglob("*.md")], key=str)
MARKER = re.compile(r"<!-- snippet: (?P<how>fixture|not run),? (?P<what>.+?) -->")
# Blocks that may not run, by page and the reason their marker gives: kept tiny on purpose.
NOT_RUN = {
    (
        "docs/testing-your-stack.md",
        "a test function of the kit: its whole file, tests/e2e/fixtures/user-project/test_edits_in_the_ui.py, "
        "runs in tests/e2e/test_kit_in_a_users_project.py",
    ),
    ("docs/testing-your-stack.md", "a conftest.py fixture override: pytest calls it, it declares nothing"),
}


@dataclass(frozen=True)
class Snippet:
    """One ```python block: where it is, its code, and what the comment before it says."""

    page: Path
    line: int
    code: str
    marker: Optional[re.Match[str]]

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def snippets() -> list[Snippet]:
    found = []
    for page in PAGES:
        lines = page.read_text().splitlines()
        for index, line in enumerate(lines):
            if line.strip() != "```python":
                continue
            end = next(i for i in range(index + 1, len(lines)) if lines[i].strip() == "```")
            marker = MARKER.fullmatch(lines[index - 1].strip()) if index else None
            found.append(Snippet(page, index + 1, "\n".join(lines[index + 1 : end]) + "\n", marker))
    return found


SNIPPETS = snippets()
PROGRAMS = [s for s in SNIPPETS if s.marker is None and re.search(r"^from provider import", s.code, re.MULTILINE)]
FIXTURES = [s for s in SNIPPETS if s.marker is not None and s.marker["how"] == "fixture"]
EXEMPT = [s for s in SNIPPETS if s.marker is not None and s.marker["how"] == "not run"]


def test_the_docs_have_snippets_and_every_one_is_run_or_exempted_with_a_reason() -> None:
    assert len(PROGRAMS) >= 10  # the README's first stack, getting started, a reference page per kind
    assert all(s.marker is None or s.marker["what"].strip() for s in SNIPPETS)
    unmarked = [str(s) for s in SNIPPETS if s.marker is None and s not in PROGRAMS]
    assert unmarked == [], "a block that is no program: make it one, or mark it (fixture, or not run with why)"
    exempt = {(str(s.page.relative_to(ROOT)), s.marker["what"].strip()) for s in EXEMPT if s.marker is not None}
    assert exempt == NOT_RUN, "exempt a block only in NOT_RUN too, with its reason"


@pytest.mark.parametrize("snippet", PROGRAMS, ids=str)
def test_every_program_snippet_creates_what_it_declares(snippet: Snippet, shared_plugin: Plugin, emu: Emulator) -> None:
    # pulumi.runtime.test runs the program and waits for the Output it returns.
    run: Callable[[Snippet, Plugin, Emulator], None] = pulumi.runtime.test(_program)  # type: ignore[no-untyped-call]
    run(snippet, shared_plugin, emu)


def _program(snippet: Snippet, plugin: Plugin, emu: Emulator) -> pulumi.Output[None]:
    """Run the snippet as a program whose resources the plugin creates; an Output that checks they all were."""
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_mocks(PluginMocks(plugin), project="docs", stack="snippet", preview=False)
    namespace: dict[str, Any] = {"__name__": "__main__"}

    exec(compile(snippet.code, str(snippet), "exec"), namespace)

    declared = [value for value in namespace.values() if isinstance(value, pulumi.CustomResource)]
    assert declared, f"{snippet} declares no resource"

    def verify(ids: list[str]) -> None:
        live = {obj["id"] for obj in _every_object(emu)}
        assert set(ids) <= live, f"{snippet}: not every resource it declares was created"

    return pulumi.Output.all(*(resource.id for resource in declared)).apply(verify)


@pytest.mark.parametrize("snippet", FIXTURES, ids=str)
def test_every_fixture_snippet_is_the_file_its_own_test_runs(snippet: Snippet) -> None:
    assert snippet.marker is not None
    assert snippet.code == (ROOT / snippet.marker["what"].strip()).read_text()


def _every_object(emu: Emulator) -> list[dict[str, Any]]:
    return [obj for kind in EMULATOR_KINDS for obj in emu.objects(kind.name, ORG, SANDBOX)]
