"""Fixtures for the suite that runs the real ``pulumi`` CLI: projects on disk, each a stack of the test kit."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator, Optional

import pytest
from offerform_emulator import Emulator
from offerform_emulator.kit import adobe_config

from harness.project import ORG, SANDBOX, Project

ProjectFactory = Callable[..., Project]


@pytest.fixture
def make_project(tmp_path: Path, pulumi_bin: Path, emulator: Emulator) -> Iterator[ProjectFactory]:
    """Makes a project (its own directory, PULUMI_HOME, and a file backend shared within the test) on ``emulator``.

    Keyword arguments beyond the named ones are stack config over the ``adobe:*`` one;
    ``configure=False`` sets no ``adobe:*`` config at all.
    """

    def make(
        program: str,
        *,
        name: str = "offerform-e2e",
        stack: str = "dev",
        configure: bool = True,
        backend: Optional[Path] = None,
        record_grpc: bool = False,
        emu: Optional[Emulator] = None,
        **config: str,
    ) -> Project:
        target = emu or emulator
        unset: dict[str, Optional[str]] = {} if configure else dict.fromkeys(adobe_config(target, ORG, SANDBOX))
        return Project(
            tmp_path / f"{name}-{stack}",
            pulumi_bin,
            program,
            target,
            name=name,
            stack=stack,
            backend=backend or tmp_path / "state",
            record_grpc=record_grpc,
            config={**unset, **config},
        )

    yield make


# fixtures/ holds what the tests copy (a user's project with its own test file), not tests of this suite.
collect_ignore = ["fixtures"]
