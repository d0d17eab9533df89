"""``./run.sh demo`` on a machine where the emulator's port is taken says which port, and how to choose another.

The script runs in a copy of the checkout's files it reads (the virtualenv linked, the pinned CLI on
PATH), so the test writes nothing into the checkout and stops before any ``pulumi`` command.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
FILES = ("run.sh", "tools/pulumi-cli/build.sh", "tools/pulumi-cli/go.mod", "requirements.txt", "pyproject.toml")


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def _demo_copy(target: Path) -> Path:
    for name in FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)  # modification times kept: the venv is not reinstalled
    (target / ".venv").symlink_to(REPO / ".venv")
    return target / "run.sh"


def test_the_demo_names_the_taken_port_and_the_variable_that_chooses_another(
    tmp_path: Path, pulumi_bin: Path, taken_port: int
) -> None:
    run_sh = _demo_copy(tmp_path)
    env = {
        **os.environ,
        "PATH": f"{pulumi_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "OFFERFORM_EMULATOR_PORT": str(taken_port),
    }

    done = subprocess.run([str(run_sh), "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert f"port {taken_port} on 127.0.0.1 is in use by another program" in last
    assert "OFFERFORM_EMULATOR_PORT=<port> ./run.sh demo" in last
    assert "port" in (tmp_path / ".emulator.log").read_text()
    assert not (tmp_path / "Pulumi.demo.yaml").exists()
