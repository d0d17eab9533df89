"""What the documentation tells a new user exists: files, commands, tags and the test file to copy."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from provider.resources import KIND_MODULES, SPECS
from provider.schema import blocks_of, fields_of

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
EMULATOR_README = (ROOT / "emulator" / "README.md").read_text()
EXAMPLE = (ROOT / "__main__.py").read_text()
USER_TEST = ROOT / "tests" / "e2e" / "fixtures" / "user-project" / "test_my_stack.py"
DOCS = {
    "README.md": (README, ROOT),
    "emulator/README.md": (EMULATOR_README, ROOT / "emulator"),
    "__main__.py": (EXAMPLE, ROOT),
}


def test_the_readme_shows_the_test_file_the_proof_test_runs_whole() -> None:
    section = README[README.index("## Test your stack without Adobe") :]
    [shown] = [block for block in re.findall(r"```python\n(.*?)```", section, re.DOTALL) if "offerform_stack" in block]

    assert shown == USER_TEST.read_text()


def test_the_install_lines_name_no_tag_that_does_not_exist_and_show_the_emulator_extra() -> None:
    tags = set(subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split())
    installs = [line for line in README.splitlines() if line.startswith("pip install")]

    assert installs and all("[emulator]" in line for line in installs)
    for line in installs:
        for ref in re.findall(r"git\+\S+?@([^\s\"#]+)", line):
            assert ref == "<commit>" or ref in tags, line


@pytest.mark.parametrize("doc", DOCS, ids=str)
def test_every_script_and_run_sh_command_a_doc_names_exists(doc: str) -> None:
    text, _ = DOCS[doc]
    commands = set(re.findall(r"^\s*(\w+)\)", (ROOT / "run.sh").read_text(), re.MULTILINE))

    for script in re.findall(r"\./([\w.-]+\.sh)\b", text):
        assert (ROOT / script).is_file(), f"{doc} names ./{script}"
    for command in re.findall(r"\./run\.sh (\w+)", text):
        assert command in commands, f"{doc} names ./run.sh {command}"


@pytest.mark.parametrize("doc", DOCS, ids=str)
def test_every_link_a_doc_gives_is_a_file_of_the_repository(doc: str) -> None:
    text, base = DOCS[doc]

    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if not re.match(r"https?://", target):
            resolved = (base / target).resolve()
            assert resolved.is_relative_to(ROOT) and resolved.exists(), f"{doc} links to {target}"


def test_the_emulator_readme_names_no_path_of_one_machine() -> None:
    # The main README names the CLI's per-user cache on purpose; the emulator's has no reason to.
    assert not re.search(r"(?<![\w.])(/work/|/home/|/root/|/tmp/|~/)", EMULATOR_README)


def test_the_emulator_readme_has_a_session_to_paste_token_create_and_list() -> None:
    session = EMULATOR_README[EMULATOR_README.index("## Try it from a shell") : EMULATOR_README.index("## Starting it")]

    assert 'curl -s -X POST "$BASE/ims/token/v3"' in session
    assert 'curl -s -X POST "$BASE/data/core/dps/offers?offer-type=fallback"' in session
    assert 'curl -s "$BASE/data/core/dps/offers?offer-type=fallback&limit=10"' in session


def test_the_reference_pages_are_what_the_models_give() -> None:
    from provider import docsgen

    assert docsgen.main(["--check"]) == 0, "run python -m provider.docsgen"


@pytest.mark.parametrize("kind", sorted(KIND_MODULES))
def test_every_kind_has_a_reference_page_with_an_example_and_every_property(kind: str) -> None:
    spec = next(spec for spec in SPECS if spec.kind == kind)
    page = ROOT / "docs" / "resources" / f"{KIND_MODULES[kind]}.md"

    text = page.read_text()
    assert "from provider import" in text and f"{kind}Args(" in text
    for field in fields_of(spec.model):
        assert f"| `{field.python}`" in text, f"{page.name} does not list {field.python}"
    for block in blocks_of(spec.model):
        assert f"### `{block.__name__}Args`" in text
