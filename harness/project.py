"""A program written by a test, run as a user's stack is: through the test kit (``offerform_emulator.kit``).

The kit copies a project directory and runs it with the real ``pulumi`` CLI on a throwaway file
backend, pointed at one emulator. ``Project`` writes that directory first (a ``Pulumi.yaml`` naming
this checkout's virtualenv, and the test's ``__main__.py``) and adds what only this suite needs:
recording the plugin's gRPC calls, and starting a command without waiting, to interrupt it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from offerform_emulator import Emulator
from offerform_emulator.kit import StackUnderTest

from harness.stack_config import ORG, SANDBOX

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / ".venv"
RECORDER = Path(__file__).resolve().parent / "recorder"
OFFER_TYPE = "pulumi-python:dynamic/adobe:FallbackOffer"

__all__ = [
    "OFFER_TYPE",
    "ORG",
    "Process",
    "Project",
    "RECORDER",
    "REPO",
    "SANDBOX",
    "VENV",
    "descendants",
    "interrupt",
    "send",
    "survivors",
    "wait_for_exit",
    "wait_for_no_survivors",
]


class Project(StackUnderTest):
    """One project written into ``workdir``, and one stack of it on ``emulator`` (org ``ORG``, sandbox ``SANDBOX``)."""

    def __init__(
        self,
        workdir: Path,
        cli: Path,
        program: str,
        emulator: Emulator,
        *,
        name: str = "offerform-e2e",
        stack: str = "dev",
        backend: Optional[Path] = None,
        record_grpc: bool = False,
        config: Optional[dict[str, Optional[str]]] = None,
    ) -> None:
        source = workdir / "source"
        source.mkdir(parents=True, exist_ok=True)
        (source / "Pulumi.yaml").write_text(
            textwrap.dedent(f"""\
            name: {name}
            runtime:
              name: python
              options:
                toolchain: pip
                virtualenv: {VENV}
            """)
        )
        (source / "__main__.py").write_text(textwrap.dedent(program))
        self.grpc_log = workdir / f"grpc-{name}-{stack}.jsonl"
        env = {}
        if record_grpc:
            env["OFFERFORM_RECORD_GRPC"] = str(self.grpc_log)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(RECORDER), os.environ.get("PYTHONPATH")]))
        super().__init__(
            source,
            emulator,
            workdir,
            pulumi_bin=cli,
            stack=stack,
            org=ORG,
            sandbox=SANDBOX,
            config=config,
            backend=backend,
            env=env,
        )

    @property
    def root(self) -> Path:
        """The directory ``pulumi`` runs in."""
        return self.project_dir

    def write_program(self, program: str) -> None:
        self.write("__main__.py", textwrap.dedent(program))

    def resources(self, type_: Optional[str] = OFFER_TYPE) -> dict[str, dict[str, Any]]:
        """The state's fallback offers (or resources of ``type_``) by name."""
        return super().resources(type_)

    def grpc_calls(self, method: Optional[str] = None) -> list[dict[str, Any]]:
        """The plugin calls recorded so far (``record_grpc=True``), oldest first."""
        if not self.grpc_log.exists():
            return []
        calls = [json.loads(line) for line in self.grpc_log.read_text().splitlines()]
        return [call for call in calls if method is None or call["method"] == method]

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start ``pulumi <args>`` without waiting (for interrupting it).

        Its output goes to a file beside the project.
        """
        out = open(self.project_dir.parent / "interrupted.out", "w")
        return subprocess.Popen(
            ["pulumi", *args],
            cwd=self.project_dir,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )


def interrupt(
    process: subprocess.Popen[str], sig: signal.Signals, timeout: float = 120, *, whole_group: bool = True
) -> None:
    """Send ``sig`` to the CLI (as a terminal's Ctrl+C or a CI runner's kill would) and wait for it to exit.

    ``whole_group=False`` kills the ``pulumi`` process alone (as ``kill -9 <pid>`` does)."""
    send(process, sig, whole_group=whole_group)
    wait_for_exit(process, timeout)


def send(process: subprocess.Popen[str], sig: signal.Signals, *, whole_group: bool = True) -> None:
    """Only send ``sig`` as ``interrupt`` does (to the whole group for SIGKILL), for a kill timed to the instant."""
    if sig == signal.SIGKILL and whole_group:
        # A runner's timeout kills the whole process group: the CLI, its language host and plugins.
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)


def wait_for_exit(process: subprocess.Popen[str], timeout: float = 120) -> None:
    """Wait for a signalled CLI to exit; kill its whole group if it has not within ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass(frozen=True)
class Process:
    """One process, told apart from a later one with the same pid by its start time (in clock ticks)."""

    pid: int
    started: int
    cmdline: str


def _stat(pid: int) -> Optional[tuple[str, int, int]]:
    """(state, parent pid, start time) of a live process, from /proc (Linux): None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def descendants(pid: int) -> list[Process]:
    """Every process started, directly or not, by ``pid`` (the language host, plugins, the program...)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[1], []).append(int(entry.name))
    found: list[Process] = []
    pending = list(children.get(pid, []))
    while pending:
        child = pending.pop()
        stat = _stat(child)
        if stat is not None:
            found.append(Process(child, stat[2], _cmdline(child)))
        pending.extend(children.get(child, []))
    return found


def survivors(processes: list[Process]) -> list[Process]:
    """Those of ``processes`` still running (a zombie has exited: only its parent has not reaped it yet)."""
    alive = []
    for process in processes:
        stat = _stat(process.pid)
        if stat is not None and stat[2] == process.started and stat[0] != "Z":
            alive.append(process)
    return alive


def wait_for_no_survivors(processes: list[Process], timeout: float) -> tuple[float, list[Process]]:
    """Wait up to ``timeout`` s for ``processes`` to exit: (seconds waited, those still running)."""
    started = time.monotonic()
    while (left := survivors(processes)) and time.monotonic() - started < timeout:
        time.sleep(0.1)
    return time.monotonic() - started, left
