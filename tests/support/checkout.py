"""A copy of this checkout as a clone would hold it, for tests that install it into a fresh virtualenv."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def copy_checkout(target: Path) -> Path:
    """The files git tracks, with the work not yet committed (nothing ignored); symlinks stay symlinks."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for relative in filter(None, listed.split("\0")):
        source = REPO / relative
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():  # tools/packages/: what setuptools installs (pyproject.toml)
            os.symlink(os.readlink(source), target / relative)
        elif source.is_file():
            shutil.copy2(source, target / relative)
    return target
