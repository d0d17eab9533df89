"""The measurements through the real CLI, in one run: stacks, the loop beside them, one profiled cycle, cold start.

For each N, the stack with the default backend settings, the same stack with
``PULUMI_SKIP_CHECKPOINTS=true`` and the sequential loop take turns, repeat after repeat, so that
the machine's noisy moments fall on all three alike; each figure is the median of its repeats.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from ..emulator_process import EmulatorHandle
from ..plugin.measure import process_cpu_seconds
from .breakdown import OfferTime, offer_time
from .loop import LOOP_OPERATIONS, time_loop
from .stack import CLI_OPERATIONS, CliColdStart, CliRun, CliStack, measure_cli_cold_start, median_runs

ROOT = Path(__file__).resolve().parents[2]
MODES = {"default": False, "skip": True}  # mode -> PULUMI_SKIP_CHECKPOINTS


@dataclass
class CliResults:
    """Everything measured through the CLI."""

    sizes: list[int]
    latency: float
    repeats: int
    loop_repeats: int
    timings: dict[int, dict[str, dict[str, CliRun]]] = field(default_factory=dict)  # N -> mode -> operation
    loop: dict[int, dict[str, float]] = field(default_factory=dict)  # N -> operation -> seconds
    profile: dict[str, dict[str, OfferTime]] = field(default_factory=dict)  # mode -> operation, at the largest N
    cold: Optional[CliColdStart] = None

    @property
    def largest(self) -> int:
        """The largest N measured (where the targets apply)."""
        return max(self.sizes)


def find_cli() -> Path:
    """The pinned CLI's directory, as ``./run.sh cli`` finds or builds it."""
    found = subprocess.run([str(ROOT / "run.sh"), "cli"], capture_output=True, text=True, timeout=3600, check=True)
    return Path(found.stdout.strip().splitlines()[-1])


def _median(values: list[float]) -> float:
    """The middle value (the upper one of an even count, as ``median_runs`` picks)."""
    return sorted(values)[len(values) // 2]


def measure_cli(
    emu: EmulatorHandle,
    config: dict[str, Any],
    cli: Path,
    sizes: list[int],
    latency: float,
    repeats: int,
    loop_repeats: int,
    cold_repeats: int,
    progress: Callable[[str], None],
) -> CliResults:
    """Every CLI measurement; the stacks' projects and backends are removed at the end."""
    results = CliResults(sizes, latency, repeats, loop_repeats)
    for count in sizes:
        stacks = {mode: CliStack(emu, cli, count, skip_checkpoints=skip) for mode, skip in MODES.items()}
        try:
            cycles: dict[str, list[dict[str, CliRun]]] = {mode: [] for mode in MODES}
            loops: list[dict[str, float]] = []
            for repeat in range(repeats):
                order = list(MODES) if repeat % 2 == 0 else list(reversed(MODES))
                for mode in order:
                    cycles[mode].append(stacks[mode].cycle(latency))
                    progress(
                        f"CLI N={count} {mode} run {repeat + 1}/{repeats}: "
                        + ", ".join(f"{op} {cycles[mode][-1][op].seconds:.2f}s" for op in CLI_OPERATIONS)
                    )
                if repeat < loop_repeats:
                    loops.append(time_loop(emu, config, count, latency))
                    progress(
                        f"loop N={count} run {repeat + 1}/{loop_repeats}: "
                        + ", ".join(f"{op} {seconds:.2f}s" for op, seconds in loops[-1].items())
                    )
            results.timings[count] = {mode: median_runs(runs) for mode, runs in cycles.items()}
            results.loop[count] = {op: _median([run[op] for run in loops]) for op in LOOP_OPERATIONS}
            if count == results.largest:
                results.profile = _profile(emu, stacks, latency, progress)
        finally:
            for stack in stacks.values():
                stack.close()
    progress(f"CLI cold start, {cold_repeats} previews of each stack")
    results.cold = measure_cli_cold_start(emu, cli, cold_repeats)
    return results


def _profile(
    emu: EmulatorHandle, stacks: dict[str, CliStack], latency: float, progress: Callable[[str], None]
) -> dict[str, dict[str, OfferTime]]:
    """One more cycle of each stack, traced and timed inside, taken apart per offer (not part of the timings)."""
    emulator_pid: Optional[int] = getattr(emu, "pid", None)
    profiles: dict[str, dict[str, OfferTime]] = {}
    with tempfile.TemporaryDirectory(prefix="offerform-profile-") as folder:
        for mode, stack in stacks.items():
            profiles[mode] = {}
            for operation in CLI_OPERATIONS:
                before = process_cpu_seconds(emulator_pid) if emulator_pid else 0.0
                run = stack.run(operation, latency, Path(folder) / mode / operation)
                emulator_cpu = process_cpu_seconds(emulator_pid) - before if emulator_pid else 0.0
                profiles[mode][operation] = offer_time(run, stack.count, latency, emulator_cpu)
            progress(
                f"profiled cycle, {mode}: "
                + ", ".join(f"{op} {profiles[mode][op].wall * stack.count:.2f}s" for op in CLI_OPERATIONS)
            )
    return profiles
