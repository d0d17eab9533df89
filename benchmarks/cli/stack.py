"""Stacks of N fallback offers run with the real ``pulumi`` CLI: what a user waits for.

Each ``CliStack`` is a project on disk (``harness.project.Project``: a Pulumi.yaml on this
checkout's virtualenv, its own file backend and ``PULUMI_HOME``, config pointed at the emulator)
whose program declares ``BENCH_COUNT`` offers. ``cycle`` lives a stack through create, preview,
no-op up, update, refresh and destroy, one ``pulumi`` command each, timed from the outside as a
user's terminal would, with the emulator counting the requests each caused.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from harness.offers import offer
from harness.project import Project

from ..emulator_process import EmulatorHandle
from ..plugin.drive import UPDATED_DESCRIPTION, BenchmarkError, median_by_operation

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).resolve().parent / "probe"
PROJECT = "offerform-bench"
# The operations of a stack's life, in order: label, the command, whether the program declares the update.
CLI_OPERATIONS: dict[str, str] = {
    "create": "`pulumi up`, creating all",
    "preview": "`pulumi preview`, unchanged",
    "noop": "`pulumi up`, nothing changed",
    "update": "`pulumi up`, updating all",
    "refresh": "`pulumi refresh`",
    "destroy": "`pulumi destroy`",
}
_COMMANDS: dict[str, tuple[str, ...]] = {
    # --skip-preview: the apply alone (a user's `pulumi up --yes` adds a preview, measured on its own).
    "create": ("up", "--yes", "--skip-preview"),
    "preview": ("preview", "--expect-no-changes"),
    "noop": ("up", "--yes", "--skip-preview", "--expect-no-changes"),
    "update": ("up", "--yes", "--skip-preview"),
    "refresh": ("refresh", "--yes", "--skip-preview"),
    "destroy": ("destroy", "--yes", "--skip-preview"),
}
_UPDATED = frozenset({"update", "refresh"})  # the program declares the changed description from update on
# What the offers' requests must be: (method, per offer); preview and a no-op up make none.
EXPECTED_REQUESTS: dict[str, Optional[str]] = {
    "create": "POST",
    "preview": None,
    "noop": None,
    "update": "PATCH",
    "refresh": "GET",
    "destroy": "DELETE",
}

# The program a user would write: N offers in a loop, each the suite's valid offer with its own name.
PROGRAM = """\
import os

from provider import FallbackOffer

OFFER = {offer!r}
description = os.environ.get("BENCH_DESCRIPTION") or OFFER["description"]
for index in range(int(os.environ["BENCH_COUNT"])):
    FallbackOffer(f"offer-{{index:04d}}", {{**OFFER, "name": f"Benchmark offer {{index:04d}}",
                                            "description": description}})
"""
# The same stack with one trivial dynamic resource instead: the cold-start baseline.
TRIVIAL_PROGRAM = """\
from benchmarks.trivial_provider import TrivialResource

TrivialResource("trivial")
"""


@dataclass
class CliRun:
    """One ``pulumi`` command: its wall time, the requests it caused, the CPU of its process tree."""

    seconds: float
    requests: dict[str, Any]
    server: dict[str, Any]
    cpu_seconds: float
    state_bytes: int = 0
    trace: Optional[Path] = None
    probe: Optional[Path] = None


@dataclass
class CliStack:
    """One project and stack of ``count`` offers, with or without the file backend's checkpoints."""

    emu: EmulatorHandle
    cli: Path
    count: int
    skip_checkpoints: bool
    program: str = field(default_factory=lambda: PROGRAM.format(offer=offer()))
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="offerform-bench-")))

    def __post_init__(self) -> None:
        # The kit's project needs only the emulator's URLs and credentials, which the handle has.
        self.project = Project(
            self.workdir / "offers",
            self.cli,
            self.program,
            self.emu,  # type: ignore[arg-type]
            name=PROJECT,
            stack="bench",
        )

    def environment(self, operation: str, profile: Optional[Path]) -> dict[str, str]:
        """The command's environment: the declared count and description, checkpoints, and the probe if profiling."""
        env = {
            "BENCH_COUNT": str(self.count),
            "BENCH_DESCRIPTION": UPDATED_DESCRIPTION if operation in _UPDATED else "",
            "PULUMI_SKIP_CHECKPOINTS": "true" if self.skip_checkpoints else "false",
            "PYTHONPATH": str(ROOT),
        }
        if profile is not None:
            env["OFFERFORM_BENCH_PROBE"] = str(profile)
            env["PYTHONPATH"] = f"{PROBE}:{ROOT}"
        return env

    def run(self, operation: str, latency: float, profile: Optional[Path] = None) -> CliRun:
        """Run one operation's command with ``latency`` on every request.

        ``profile``: a folder for traces and timers.
        """
        argv = [*_COMMANDS[operation], "--non-interactive"]
        trace = None
        if profile is not None:
            profile.mkdir(parents=True, exist_ok=True)
            trace = profile / "otel.json"
            argv += ["--otel-traces", f"file://{trace}"]
        self.emu.clear_log()
        self.emu.set_latency(latency)
        cpu_before = _children_cpu()
        started = time.perf_counter()
        try:
            self.project.pulumi(*argv, env=self.environment(operation, profile))
        finally:
            seconds = time.perf_counter() - started
            self.emu.set_latency(0.0)
        run = CliRun(
            seconds,
            self.emu.counts(),
            self.emu.durations(),
            _children_cpu() - cpu_before,
            self.state_bytes(),
            trace,
            profile,
        )
        self._check_requests(operation, run)
        return run

    def cycle(self, latency: float, profile: Optional[Path] = None) -> dict[str, CliRun]:
        """The whole life of the stack, each operation one command; ends with the sandbox empty again."""
        return {
            operation: self.run(operation, latency, None if profile is None else profile / operation)
            for operation in CLI_OPERATIONS
        }

    def close(self) -> None:
        """Remove the project, its backend and PULUMI_HOME (the stack is destroyed by then)."""
        shutil.rmtree(self.workdir, ignore_errors=True)

    def state_bytes(self) -> int:
        """Size of the stack's state file in the backend (0 before the first update)."""
        found = list((self.project.backend / ".pulumi" / "stacks").glob(f"*/{self.project.stack}.json"))
        return found[0].stat().st_size if found else 0

    def _check_requests(self, operation: str, run: CliRun) -> None:
        """Each offer's one request of the expected method (none for preview and a no-op up), or BenchmarkError."""
        method = EXPECTED_REQUESTS[operation]
        expected = {method: self.count} if method else {}
        if operation == "create":
            # Before its first create the plugin lists the kind once (a killed run's leftovers), a page per 100.
            if run.requests["dps"].get("GET") == 1:  # the sandbox starts empty: one page
                expected["GET"] = 1
        if run.requests["dps"] != expected:
            raise BenchmarkError(f"{operation} of {self.count} offers made {run.requests['dps']}, not {expected}")


def _children_cpu() -> float:
    """User + system CPU of every finished child process tree of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_runs(cycles: list[dict[str, CliRun]]) -> dict[str, CliRun]:
    """Per operation, the command whose wall time is the median (its other figures come with it)."""
    return median_by_operation(cycles, CLI_OPERATIONS)


# -- cold start ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CliColdStart:
    """Median seconds of ``pulumi preview`` of a 1-offer stack and of the same stack with one trivial resource."""

    offer_seconds: float
    trivial_seconds: float
    repeats: int

    @property
    def ratio(self) -> float:
        """Ours over the trivial provider's."""
        return self.offer_seconds / self.trivial_seconds


def measure_cli_cold_start(emu: EmulatorHandle, cli: Path, repeats: int) -> CliColdStart:
    """``pulumi preview`` of one offer against one trivial dynamic resource, alternately, ``repeats`` each."""
    offer_stack = CliStack(emu, cli, 1, skip_checkpoints=False)
    trivial = Project(
        offer_stack.workdir / "trivial",
        cli,
        TRIVIAL_PROGRAM,
        emu,  # type: ignore[arg-type]
        name="offerform-trivial",
        stack="bench",
        backend=offer_stack.project.backend,
    )
    env = {"PYTHONPATH": str(ROOT)}
    samples: dict[str, list[float]] = {"offer": [], "trivial": []}
    try:
        offer_stack.run("create", 0.0)
        trivial.pulumi("up", "--yes", "--skip-preview", "--non-interactive", env=env)
        for _ in range(repeats):
            started = time.perf_counter()
            trivial.pulumi("preview", "--expect-no-changes", "--non-interactive", env=env)
            samples["trivial"].append(time.perf_counter() - started)
            samples["offer"].append(offer_stack.run("preview", 0.0).seconds)
    finally:
        offer_stack.run("destroy", 0.0)
        trivial.pulumi("destroy", "--yes", "--skip-preview", "--non-interactive", env=env, check=False)
        offer_stack.close()
    return CliColdStart(statistics.median(samples["offer"]), statistics.median(samples["trivial"]), repeats)
