"""A user's own stack tested with the kit, as a user does it: their project, their virtualenv, their pytest.

``fixtures/user-project`` is that user's repository: a ``Pulumi.yaml`` naming the virtualenv ``.venv`` (as every
Pulumi.yaml of the docs does), a program whose ComponentResource owns two fallback offers, and ``test_my_stack.py``,
written against the kit only (docs/testing-your-stack.md shows it), with ``test_edits_in_the_ui.py`` (the kit's
``edit``: someone changes an offer in the Adobe UI). The test copies it to a scratch directory,
creates the virtualenv, installs this checkout into it as getting started says (pip, from a path, with the
``emulator`` extra and the versions of ``requirements.txt``; its ``offerform-emulator`` command comes with it), and
runs the user's tests there with pytest and ``pulumi`` on PATH. Then mypy checks the user's code in that virtualenv:
the installed packages carry their types (``py.typed``), installed from a path and editable alike.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness.project import VENV

from ..support.checkout import copy_checkout

USER_PROJECT = Path(__file__).resolve().parent / "fixtures" / "user-project"
QUIET_PIP = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check")
# What a user gets wrong, which the types must catch: a misspelt argument and an enum in another case.
MISUSE = """\
from provider import FallbackOfferArgs

FallbackOfferArgs(nam="Spring", representations=[])
FallbackOfferArgs(name="Spring", status="Approved", representations=[])
"""


def _users_environment(pulumi_bin: Path) -> dict[str, str]:
    """A shell of the user's: pulumi on PATH, and nothing of this suite (its virtualenv, settings, paths)."""
    path = [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if Path(entry) != VENV / "bin"]
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OFFERFORM_", "PULUMI_", "ADOBE_")) and key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    return {**kept, "PATH": os.pathsep.join([str(pulumi_bin), *path]), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _run(argv: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(arg) for arg in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_a_users_project_tests_its_own_stack_with_the_kit_in_its_own_virtualenv(
    pulumi_bin: Path, tmp_path: Path
) -> None:
    checkout = copy_checkout(tmp_path / "offerform")
    project = tmp_path / "marketing-offers"
    shutil.copytree(USER_PROJECT, project)
    env = _users_environment(pulumi_bin)
    python = project / ".venv" / "bin" / "python"

    created = _run([sys.executable, "-m", "venv", project / ".venv"], project, env)
    assert created.returncode == 0, created.stderr
    installed = _run([python, *QUIET_PIP, "-r", checkout / "requirements.txt", f"{checkout}[emulator]"], project, env)
    assert installed.returncode == 0, installed.stderr
    command = _run([project / ".venv" / "bin" / "offerform-emulator", "--help"], project, env)
    assert command.returncode == 0 and "--seed FILE" in command.stdout and "--sandboxes NAMES" in command.stdout

    tested = _run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_stack.py", "test_edits_in_the_ui.py"],
        project,
        env,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "3 passed" in tested.stdout
    assert not (project / "Pulumi.test.yaml").exists(), "the kit must leave the user's project as it was"

    _assert_types_are_seen(python, project, env)
    # An editable install from a path, pip's default mode: types must be seen there too.
    editable = _run([python, *QUIET_PIP, "--no-deps", "-e", f"{checkout}[emulator]"], project, env)
    assert editable.returncode == 0, editable.stderr
    _assert_types_are_seen(python, project, env)


def _assert_types_are_seen(python: Path, project: Path, env: dict[str, str]) -> None:
    """mypy --strict passes on the user's code, and catches what a user gets wrong: the types are real, not Any."""
    checked = _run(
        [
            python,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "__main__.py",
            "test_my_stack.py",
            "test_edits_in_the_ui.py",
        ],
        project,
        env,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (project / "misuse.py").write_text(MISUSE)
    misused = _run([python, "-m", "mypy", "--strict", "--no-incremental", "misuse.py"], project, env)
    (project / "misuse.py").unlink()
    assert 'Unexpected keyword argument "nam" for "FallbackOfferArgs"' in misused.stdout, misused.stdout
    assert 'Argument "status" to "FallbackOfferArgs" has incompatible type "Literal[\'Approved\']"' in misused.stdout, (
        misused.stdout
    )
