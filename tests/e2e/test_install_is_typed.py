"""Type checkers see an installed offerform: a plain ``pip install -e .`` and a ``pip install .`` alike.

setuptools installs a package whose folder has another name (``offerform_emulator`` from ``emulator/``) in
editable mode through an import hook that mypy and pyright cannot follow ("Cannot find implementation or library
stub for module named provider"); pyproject.toml installs both packages from ``tools/packages/`` instead, where each
folder has its package's name. Each test makes a fresh virtualenv from a copy of this checkout and runs mypy
against it as a user's editor would.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from ..support.checkout import copy_checkout

USES_BOTH = """\
import offerform_emulator
from provider import FallbackOffer, FallbackOfferArgs

reveal_type(FallbackOfferArgs)
reveal_type(FallbackOffer.get)
reveal_type(offerform_emulator.Emulator)
"""


def _run(argv: Sequence[object], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(arg) for arg in argv], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("editable", [True, False], ids=["pip install -e .", "pip install ."])
def test_mypy_resolves_both_packages_with_their_types_in_a_fresh_virtualenv(editable: bool, tmp_path: Path) -> None:
    checkout = copy_checkout(tmp_path / "offerform")
    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", venv], tmp_path).returncode == 0
    installed = _run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"]
        + (["-e", checkout] if editable else [checkout]),
        tmp_path,
    )
    assert installed.returncode == 0, installed.stderr
    user = tmp_path / "user"
    user.mkdir()
    (user / "uses_both.py").write_text(USES_BOTH)

    checked = _run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--python-executable", venv / "bin" / "python"]
        + ["uses_both.py"],
        user,
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "-> provider.sdk.args.FallbackOfferArgs" in checked.stdout
    assert "-> provider.resources.fallback_offer.FallbackOffer" in checked.stdout
    assert "-> offerform_emulator.server.Emulator" in checked.stdout
