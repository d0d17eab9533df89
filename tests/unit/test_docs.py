"""What the documentation tells a new user exists: files, commands, tags, links, the test file to copy, and reference
pages current with the models."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from provider.core.schema import blocks_of, fields_of
from provider.resources import KIND_MODULES, SPECS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
EMULATOR_README = (ROOT / "emulator" / "README.md").read_text()
EXAMPLE = (ROOT / "__main__.py").read_text()
USER_TEST = ROOT / "tests" / "e2e" / "fixtures" / "user-project" / "test_my_stack.py"
MARKDOWN = sorted(
    [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").rglob("*.md")], key=lambda path: str(path)
)
"""Every page a reader of the repository follows links through: the front door, the contributor notes, the guides."""
DOCS = {
    **{str(path.relative_to(ROOT)): (path.read_text(), path.parent) for path in MARKDOWN},
    "emulator/README.md": (EMULATOR_README, ROOT / "emulator"),
    "benchmarks/README.md": ((ROOT / "benchmarks" / "README.md").read_text(), ROOT / "benchmarks"),
    "__main__.py": (EXAMPLE, ROOT),
}


def guide(name: str) -> str:
    return (ROOT / "docs" / name).read_text()


def without_blocks(text: str) -> str:
    """The text with fenced code blocks blanked: a ``#`` line there is no heading."""
    return re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.DOTALL | re.MULTILINE)


def without_code(text: str) -> str:
    """The text with fenced blocks and inline code spans blanked: what looks like a link there is not one."""
    return re.sub(r"`[^`\n]*`", "", without_blocks(text))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"`|\*\*|__", "", heading.strip()).lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    kept = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor a page has: one per heading, repeated headings numbered as GitHub numbers them."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", without_blocks(path.read_text()), re.MULTILINE):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def test_the_testing_guide_shows_the_test_file_the_proof_test_runs_whole() -> None:
    shown = re.findall(r"```python\n(.*?)```", guide("testing-your-stack.md"), re.DOTALL)

    assert USER_TEST.read_text() in shown


def test_the_install_lines_name_no_tag_that_does_not_exist_and_show_the_emulator_extra() -> None:
    tags = set(subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split())
    installs = [
        line
        for path in MARKDOWN
        for line in path.read_text().splitlines()
        if re.search(r"\bpip install (?!-r)", line) and "offerform" in line
    ]

    assert installs and all("[emulator]" in line for line in installs)
    for line in installs:
        for ref in re.findall(r"git\+\S+?@([^\s\"#]+)", line):
            assert ref == "<commit>" or ref in tags, line


def test_the_readme_is_a_front_door_with_the_two_commands_and_a_link_to_every_guide() -> None:
    assert len(README.splitlines()) <= 200
    assert "./run.sh demo" in README and "./run.sh test" in README  # .ci/run runs exactly ./run.sh test
    for path in sorted((ROOT / "docs").glob("*.md")):
        assert f"](docs/{path.name})" in README, f"the README links to no docs/{path.name}"


@pytest.mark.parametrize("page", MARKDOWN, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_resolves_to_a_file_and_an_anchor_that_exist(page: Path) -> None:
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", without_code(page.read_text())):
        if re.match(r"[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        if not (linked.is_relative_to(ROOT) and linked.exists()):
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: {linked.name} has no heading #{anchor}")

    assert broken == [], f"{page.relative_to(ROOT)} links to what is not there"


def test_the_slugs_are_githubs() -> None:
    assert slug("What a failed `pulumi up` prints") == "what-a-failed-pulumi-up-prints"
    assert slug("Resource options, composition and targets") == "resource-options-composition-and-targets"
    assert slug("Inputs of `FallbackOfferArgs`") == "inputs-of-fallbackofferargs"
    assert slug("Two stacks, one sandbox") == "two-stacks-one-sandbox"


@pytest.mark.parametrize("doc", DOCS, ids=str)
def test_every_script_and_run_sh_command_a_doc_names_exists(doc: str) -> None:
    text, _ = DOCS[doc]
    commands = set(re.findall(r"^\s*([\w-]+)\)", (ROOT / "run.sh").read_text(), re.MULTILINE))

    for script in re.findall(r"\./([\w.-]+\.sh)\b", text):
        assert (ROOT / script).is_file(), f"{doc} names ./{script}"
    for command in re.findall(r"\./run\.sh ([\w-]*\w)", text):  # demo-decisioning is not demo
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
    from provider.generators import reference_docs as docsgen

    assert docsgen.main(["--check"]) == 0, "run python -m provider.generators.reference_docs"


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


def test_the_package_description_names_the_whole_decisioning_family_not_one_kind() -> None:
    [description] = re.findall(r'^description = "(.*)"$', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)

    assert "decision management" in description and "Offer Decisioning" in description
    assert not description.startswith("Adobe Journey Optimizer fallback offers")


def test_the_benchmark_report_is_in_one_file_and_the_performance_guide_links_to_it() -> None:
    report = ROOT / "benchmarks" / "results.md"
    first_line = report.read_text().splitlines()[0]  # "Measured by `python benchmarks/run.py ...` in N s."
    copies = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.md")
        if path != report and ".venv" not in path.parts and first_line in path.read_text()
    ]

    assert first_line.startswith("Measured by")
    assert copies == []
    assert "](../benchmarks/results.md)" in guide("performance.md")


@pytest.mark.parametrize("kind", sorted(KIND_MODULES))
def test_the_kinds_table_of_getting_started_has_a_row_for_every_kind(kind: str) -> None:
    rows = [line for line in guide("getting-started.md").splitlines() if line.startswith("| [`")]

    assert any(row.startswith(f"| [`{kind}`](resources/{KIND_MODULES[kind]}.md)") for row in rows)


def test_the_guarantees_are_numbered_once_each_in_order() -> None:
    numbers = [int(n) for n in re.findall(r"^\| (\d+) \| \*\*", guide("guarantees.md"), re.MULTILINE)]

    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 13


def test_every_export_the_docs_show_writes_where_the_command_writes() -> None:
    from provider.export import DEFAULT_OUT, PROGRAM_FILE, _slug

    shown = 0
    for page in MARKDOWN:
        lines = page.read_text().splitlines()
        for command, answer in zip(lines, lines[1:], strict=False):
            sandbox = re.search(r"^\$ python -m provider\.export .*--sandbox (\S+)", command)
            if sandbox and "--out" not in command and answer.startswith("exported "):
                shown += 1
                assert f" to {DEFAULT_OUT}/{_slug(sandbox[1])}/{PROGRAM_FILE} " in answer, (page.name, answer)

    assert shown >= 2


def test_every_pulumi_yaml_the_docs_show_names_the_virtualenv_the_projects_own_does() -> None:
    [own] = re.findall(r"virtualenv: (\S+)", (ROOT / "Pulumi.yaml").read_text())
    shown = [found for page in MARKDOWN for found in re.findall(r"virtualenv: ([^\s}]+)", page.read_text())]

    assert shown and set(shown) == {own}
