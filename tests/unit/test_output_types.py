"""What a type checker sees of a resource's outputs: the generated ``Output[...]`` types, the etag an ``int``.

mypy took ``etag`` as ``Any`` (an assignment in ``SpecResource`` declared it) while pyright saw
``Output[int]``; a program type-checked with either must see the same types. The snippet is checked with
mypy's own API and with pyright (the PyPI wrapper, which runs its npm build on the machine's node).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mypy import api as mypy_api

REPO = Path(__file__).resolve().parents[2]
SNIPPET = """\
from provider import Decision, FallbackOffer, Placement

offer = FallbackOffer("offer", {"name": "Spring"})
placement = Placement("web", {"name": "Web"})
decision = Decision("decision", {"name": "Home"})
reveal_type(offer.etag)
reveal_type(placement.etag)
reveal_type(decision.etag)
reveal_type(offer.name)
reveal_type(offer.created_date)
reveal_type(placement.item_count)
"""


@pytest.fixture(scope="module")
def revealed(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    program = tmp_path_factory.mktemp("typed") / "program.py"
    program.write_text(SNIPPET)
    stdout, stderr, status = mypy_api.run(
        [str(program), "--no-incremental", "--follow-imports=silent", "--python-executable", sys.executable]
    )
    assert status == 0, stdout + stderr
    return re.findall(r'Revealed type is "([^"]+)"', stdout)


def test_every_kinds_etag_is_an_output_of_int_for_mypy(revealed: list[str]) -> None:
    assert revealed[:3] == ["pulumi.output.Output[int]"] * 3


def test_the_other_outputs_keep_their_generated_types_for_mypy(revealed: list[str]) -> None:
    assert revealed[3:] == [
        "pulumi.output.Output[str]",
        "pulumi.output.Output[str]",
        "pulumi.output.Output[int | None]",
    ]


def test_pyright_sees_the_same_output_types(tmp_path: Path) -> None:
    (tmp_path / "program.py").write_text(SNIPPET)
    (tmp_path / "pyrightconfig.json").write_text(json.dumps({"extraPaths": [str(REPO)]}))  # past the editable hook
    done = subprocess.run(
        [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, "--outputjson", "program.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout)
    revealed = [
        re.sub(r'^Type of "[^"]+" is ', "", item["message"]).strip('"')
        for item in report["generalDiagnostics"]
        if item["severity"] == "information"
    ]

    assert report["summary"]["errorCount"] == 0, done.stdout
    assert revealed == [
        "Output[int]",
        "Output[int]",
        "Output[int]",
        "Output[str]",
        "Output[str]",
        "Output[int | None]",
    ]
