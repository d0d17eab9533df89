"""Fixtures for the suite that runs the real ``pulumi`` CLI: the CLI itself, and projects on disk."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import pytest

from offerform_emulator import Emulator

from .project import REPO, Project, adobe_config


@pytest.fixture(scope="session")
def cli() -> Path:
    """The directory of the pinned ``pulumi`` and its Python plugins (``./run.sh`` finds or builds it)."""
    given = os.environ.get("OFFERFORM_PULUMI_BIN")
    if given:
        return Path(given)
    found = subprocess.run([str(REPO / "run.sh"), "cli"], capture_output=True, text=True, timeout=3600)
    if found.returncode != 0:
        pytest.fail(f"no Pulumi CLI for the engine tests: {found.stderr.strip()}", pytrace=False)
    return Path(found.stdout.strip().splitlines()[-1])


ProjectFactory = Callable[..., Project]


@pytest.fixture
def make_project(tmp_path: Path, cli: Path, emulator: Emulator) -> Iterator[ProjectFactory]:
    """Makes a configured project (its own directory, file backend and PULUMI_HOME) pointed at ``emulator``."""

    def make(program: str, *, name: str = "offerform-e2e", stack: str = "dev", configure: bool = True,
             backend: Path | None = None, record_grpc: bool = False, emu: Emulator | None = None,
             **config: str) -> Project:
        project = Project(tmp_path / f"{name}-{stack}", cli, program, name=name, stack=stack,
                          backend=backend or tmp_path / "state", record_grpc=record_grpc)
        if configure:
            project.configure({**adobe_config(emu or emulator), **config})
        return project

    yield make
