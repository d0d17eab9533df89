"""Kill proofs at scale (issue 20): ``pulumi up`` of N offers stopped at a point, then ``cancel`` + ``up``, checked.

For each mode (default checkpoints; the large-stack mode, ``PULUMI_SKIP_CHECKPOINTS=true``), each signal
(SIGKILL of the whole process group, as a CI runner's timeout; SIGINT to ``pulumi``, as Ctrl+C) and each point
(early: ~5% of the POSTs arrived; middle: ~50%; end: every POST answered, killed at the first sign of the
backend writing the stack file, i.e. while the engine records the last steps and writes its final checkpoint),
one fresh emulator and stack: the killed ``pulumi up --yes --skip-preview``, then only what every Pulumi user
knows: ``pulumi cancel --yes`` (it fails harmlessly when no lock is left) and ``pulumi up --yes --skip-preview``.
Then: the sandbox holds exactly N offers, each held by exactly one resource (``harness.ownership``), ``pulumi
preview --expect-no-changes`` passes, and nothing the killed CLI started runs 15 s after the signal.

The backend URL carries ``?metadata=skip`` in both modes, as the e2e suite's kill test and the guides
(``docs/interrupted-runs.md``, ``docs/large-stacks.md``) say: gocloud's fileblob writes its ``.attrs`` side files
in place, so a kill can leave one empty and every later command fails "failed to load checkpoint: EOF".
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from harness.ownership import ownership
from harness.project import (
    OFFER_TYPE,
    ORG,
    SANDBOX,
    descendants,
    send,
    survivors,
    wait_for_exit,
    wait_for_no_survivors,
)

from ..emulator_process import EmulatorHandle, start_emulator
from .stack import PROJECT, CliStack

MODES: dict[str, bool] = {"default": False, "large-stack": True}  # the mode, and whether checkpoints are skipped
SIGNALS: dict[str, signal.Signals] = {"SIGKILL": signal.SIGKILL, "SIGINT": signal.SIGINT}
POINTS: dict[str, float] = {"early": 0.05, "middle": 0.5, "end": 1.0}  # the share of the POSTs arrived
SURVIVAL_LIMIT = 15.0  # issue 20: nothing the stopped CLI started may still run 15 s later
PENDING_WARNING = "pending operations from previous deployment"  # what the engine prints before resuming
KILLED_RUN_TIMEOUT = 3600.0
ATTEMPTS = 3  # a kill aimed at the final write can come after the CLI exited: then the proof is made again


@dataclass
class KillRun:
    """One kill proof: where the run was stopped, what the state and sandbox held, and how the way back went."""

    mode: str
    signal: str
    point: str
    count: int
    latency: float
    load: str = ""  # the load average (1, 5, 15 min) when the proof started: the machine is shared
    posts_at_kill: int = 0  # POSTs the emulator had seen at the last poll (<= 5 ms before the signal)
    end_trigger: str = ""  # the end point: what showed the final checkpoint being written (the kill followed)
    killed_after: float = 0.0  # seconds from the start of the killed up to the signal
    finished_first: bool = False  # the killed up had exited by itself before the signal (no kill proved then)
    attempts: int = 1  # proofs made until one was killed before it finished (see ATTEMPTS)
    state_written: bool = False  # the stack file changed during the killed run (large-stack mode: its one write)
    state_offers_at_death: int = 0  # offers the stack file recorded once the CLI was gone
    pending_at_death: int = 0  # pending operations in it
    cli_exit: float = 0.0  # seconds from the signal to the CLI's exit
    last_exit: float = 0.0  # seconds from the signal to the exit of the last process it had started
    started_processes: int = 0  # processes the CLI had started when it was stopped
    survivors: list[str] = field(default_factory=list)  # those still running SURVIVAL_LIMIT s after the signal
    objects_before_resume: int = 0  # what the sandbox held after the kill (in-flight requests finished)
    recorded_before_resume: int = 0  # offers the state recorded after `pulumi cancel`
    cancel_seconds: float = 0.0
    cancel_ok: bool = False  # `pulumi cancel` found a lock to release
    resumed_seconds: float = 0.0
    resumed_requests: dict[str, int] = field(default_factory=dict)
    leftovers_taken: int = 0  # objects in the sandbox but not the state before the resume, that a resource now holds
    pending_warning: bool = False  # the resumed up warned about the killed run's pending operations
    pending_after: int = 0  # pending operations the state still lists after the resumed up
    resources: int = 0
    objects: int = 0
    duplicates: int = 0
    orphans: int = 0
    missing: int = 0
    preview_empty: bool = False
    preview_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    output_tail: str = ""  # the end of the killed and resumed runs' output when something failed

    @property
    def proved(self) -> bool:
        """Every check held (a run that finished before the signal proves only the cancel and up after it)."""
        return not self.problems


def prove(
    cli: Path, mode: str, sig: str, point: str, count: int, latency: float, log: Callable[[str], None] = print
) -> KillRun:
    """One kill proof; again (up to ``ATTEMPTS`` in all) when the up had finished before the signal reached it."""
    for attempt in range(1, ATTEMPTS + 1):
        run = _attempt(cli, mode, sig, point, count, latency, log)
        run.attempts = attempt
        if not run.finished_first:
            break
        log(f"{mode} {sig} {point}: the up had finished before the signal (attempt {attempt} of {ATTEMPTS})")
    return run


def _attempt(
    cli: Path, mode: str, sig: str, point: str, count: int, latency: float, log: Callable[[str], None]
) -> KillRun:
    """One kill proof on a fresh emulator and stack (both gone afterwards, whatever happened)."""
    run = KillRun(mode, sig, point, count, latency, load=" ".join(f"{x:.1f}" for x in os.getloadavg()))
    emu = start_emulator("subprocess")
    stack: Optional[CliStack] = None
    try:
        stack = CliStack(emu, cli, count, skip_checkpoints=MODES[mode])
        _killed(stack, emu, run)
        log(
            f"{mode} {sig} {point}: killed at {run.posts_at_kill} POSTs after {run.killed_after:.1f} s; "
            f"state {'written' if run.state_written else 'unchanged'} ({run.state_offers_at_death} offers, "
            f"{run.pending_at_death} pending); sandbox {run.objects_before_resume}; {run.end_trigger}"
        )
        _resumed(stack, emu, run)
        log(
            f"{mode} {sig} {point}: resumed in {run.resumed_seconds:.1f} s {run.resumed_requests}, "
            f"{run.leftovers_taken} leftovers taken; {run.objects} objects, {run.duplicates} duplicates, "
            f"{run.orphans} orphans; preview empty: {run.preview_empty}; "
            + ("PROVED" if run.proved else f"FAILED: {run.problems}")
        )
    except Exception as error:  # a failing proof is a row of the report, never a hidden one
        run.problems.append(f"{type(error).__name__}: {error}"[:2000])
        log(f"{mode} {sig} {point}: FAILED {run.problems[-1]}")
    finally:
        if run.problems and stack is not None:
            run.output_tail = _tail(stack.project.project_dir.parent / "interrupted.out") + run.output_tail
        emu.close()
        if stack is not None:
            stack.close()
    return run


def _killed(stack: CliStack, emu: EmulatorHandle, run: KillRun) -> None:
    """Start the up, stop it at ``run.point`` with ``run.signal``, and record what it left."""
    project = stack.project
    project.env.update(stack.environment("create", None))
    project.env["PULUMI_BACKEND_URL"] = f"file://{project.backend}?metadata=skip"
    project.env["PULUMI_STACK"] = project.stack  # a stack is selected per backend URL
    state_file = _state_file(stack)
    before = _stamp(state_file)
    emu.clear_log()
    emu.set_latency(run.latency)
    started = time.monotonic()
    running = project.start("up", "--yes", "--skip-preview", "--non-interactive")
    target = max(1, round(run.count * POINTS[run.point]))
    arrived = 0
    while running.poll() is None and arrived < target and time.monotonic() - started < KILLED_RUN_TIMEOUT:
        time.sleep(0.005)
        arrived = emu.posts()["arrived"]
    signalled = 0.0
    processes = descendants(running.pid)  # all started by now; scanning /proc later would delay the end's kill
    if run.point == "end":
        while running.poll() is None and emu.posts(answered=True)["answered"] < run.count:
            time.sleep(0.002)
        # The final checkpoint: the first blob the backend starts writing for the stack from now on (its backup
        # copy, then the stack file itself: each a temporary file beside it, renamed into place), or the file changed.
        mark = _stamp(state_file)
        watch = _BlobWatch(state_file)
        try:
            while running.poll() is None and not run.end_trigger:
                writing = watch.wait(0.01)
                if writing or _stamp(state_file) != mark:
                    if running.poll() is None:
                        send(running, SIGNALS[run.signal])  # at once: the write lasts a few ms
                        signalled = time.monotonic()
                    run.end_trigger = f"{writing} created" if writing else "the stack file changed"
        finally:
            watch.close()
    if not signalled:
        if running.poll() is None:
            send(running, SIGNALS[run.signal])
            signalled = time.monotonic()
        else:
            run.finished_first = True
            signalled = time.monotonic()
    wait_for_exit(running)
    run.killed_after = signalled - started
    run.posts_at_kill = arrived if run.point != "end" else emu.posts()["arrived"]  # all answered before the end's
    run.cli_exit = time.monotonic() - signalled
    run.started_processes = len(processes)
    _, left = wait_for_no_survivors(processes, max(0.0, SURVIVAL_LIMIT - (time.monotonic() - signalled)))
    run.last_exit = time.monotonic() - signalled
    run.survivors = [process.cmdline for process in left]
    for process in survivors(left):  # a failing proof leaves nothing behind either
        os.kill(process.pid, signal.SIGKILL)
    if left:
        run.problems.append(f"{len(left)} process(es) still running {SURVIVAL_LIMIT:.0f} s after the signal")
    emu.set_latency(0.0)  # the requests in flight finish at once
    _settle(emu, run.count)
    run.state_written = _stamp(state_file) != before
    offers, pending = _recorded(state_file)
    run.state_offers_at_death, run.pending_at_death = len(offers), pending
    run.objects_before_resume = emu.offer_count(ORG, SANDBOX)


def _resumed(stack: CliStack, emu: EmulatorHandle, run: KillRun) -> None:
    """``pulumi cancel`` and ``pulumi up``, then every check of issue 20."""
    project = stack.project
    started = time.monotonic()
    cancelled = project.pulumi("cancel", "--yes", "--non-interactive", check=False)
    run.cancel_seconds, run.cancel_ok = time.monotonic() - started, cancelled.returncode == 0
    recorded, _ = _recorded(_state_file(stack))
    run.recorded_before_resume = len(recorded)
    landed_unrecorded = {object_id for object_id, _ in emu.offer_listing(ORG, SANDBOX)} - set(recorded)

    emu.clear_log()
    emu.set_latency(run.latency)
    started = time.monotonic()
    try:
        resumed = project.pulumi("up", "--yes", "--skip-preview", "--non-interactive", check=False, timeout=7200)
    finally:
        run.resumed_seconds = time.monotonic() - started
        emu.set_latency(0.0)
    run.resumed_requests = {method: int(n) for method, n in emu.counts()["dps"].items()}
    run.pending_warning = PENDING_WARNING in resumed.stdout + resumed.stderr
    if resumed.returncode != 0:
        run.problems.append(f"the resumed up failed (exit {resumed.returncode})")
        run.output_tail += _last_lines(resumed.stdout + resumed.stderr)

    deployment = project.export()["deployment"]
    held = [r["id"] for r in deployment.get("resources", []) if r.get("type") == OFFER_TYPE and "id" in r]
    run.pending_after = len(deployment.get("pending_operations") or [])
    run.leftovers_taken = len(landed_unrecorded & set(held))
    paired = ownership(held, emu.offer_listing(ORG, SANDBOX))
    run.resources, run.objects = paired.resources, paired.objects
    run.duplicates, run.orphans, run.missing = paired.duplicates, paired.orphans, paired.missing
    run.problems += paired.problems(run.count)
    expected_posts = run.count - run.objects_before_resume
    if run.resumed_requests.get("POST", 0) != expected_posts:
        run.problems.append(f"the resumed up posted {run.resumed_requests.get('POST', 0)}, not {expected_posts}")

    started = time.monotonic()
    preview = project.pulumi("preview", "--expect-no-changes", "--non-interactive", check=False, timeout=7200)
    run.preview_seconds = time.monotonic() - started
    run.preview_empty = preview.returncode == 0
    if not run.preview_empty:
        run.problems.append("the preview after the resumed up plans changes")
        run.output_tail += _last_lines(preview.stdout + preview.stderr)


def _state_file(stack: CliStack) -> Path:
    return stack.project.backend / ".pulumi" / "stacks" / PROJECT / f"{stack.project.stack}.json"


def _stamp(path: Path) -> tuple[int, int]:
    """(mtime in ns, size) of a file, (0, 0) when absent: a change means it was written."""
    try:
        status = path.stat()
    except OSError:
        return (0, 0)
    return (status.st_mtime_ns, status.st_size)


class _BlobWatch:
    """Wakes at the creation of a temporary file of the stack's blobs, through inotify (Linux): within microseconds.

    The file backend adds ``no_tmp_dir`` to its URL, so gocloud's fileblob writes ``<stack>.json[.bak].<ns>.tmp``
    beside the stack file and renames it into place; a kill at its creation lands inside the write, which polling
    (a 2 MB state is written in a few ms) too often missed."""

    IN_CREATE = 0x100
    EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then len bytes of name

    def __init__(self, state_file: Path) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd: int = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        if self._libc.inotify_add_watch(self._fd, bytes(state_file.parent), self.IN_CREATE) < 0:
            os.close(self._fd)
            raise OSError(ctypes.get_errno(), f"inotify_add_watch {state_file.parent} failed")
        self._prefix = state_file.name

    def wait(self, timeout: float) -> str:
        """The name of the first blob's temporary file created within ``timeout`` s, or ""."""
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return ""
        data = os.read(self._fd, 65536)
        offset = 0
        while offset < len(data):
            _, _, _, length = self.EVENT.unpack_from(data, offset)
            start = offset + self.EVENT.size
            name = data[start : start + length].rstrip(b"\0").decode(errors="replace")
            offset = start + length
            if name.startswith(self._prefix) and name.endswith(".tmp"):
                return name
        return ""

    def close(self) -> None:
        os.close(self._fd)


def _recorded(state_file: Path) -> tuple[list[str], int]:
    """The offer ids the stack file records, and its pending operations (read directly: the stack may be locked)."""
    latest = json.loads(state_file.read_text())["checkpoint"].get("latest") or {}
    ids = [r["id"] for r in latest.get("resources") or [] if r.get("type") == OFFER_TYPE and "id" in r]
    return ids, len(latest.get("pending_operations") or [])


def _settle(emu: EmulatorHandle, count: int, timeout: float = 10.0) -> None:
    """Wait until the sandbox stops growing: the emulator finishes the requests whose client has gone."""
    deadline = time.monotonic() + timeout
    seen = -1
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = emu.offer_count(ORG, SANDBOX)
        if now == seen or now >= count:
            return
        seen = now


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return _last_lines(path.read_text(errors="replace"), lines)
    except OSError:
        return ""


def _last_lines(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:]) + "\n"


def prove_all(
    cli: Path,
    count: int,
    latency: float,
    modes: Sequence[str] = tuple(MODES),
    signals: Sequence[str] = tuple(SIGNALS),
    points: Sequence[str] = tuple(POINTS),
    log: Callable[[str], None] = print,
    into: Optional[list[KillRun]] = None,
    done: Callable[[], None] = lambda: None,
) -> list[KillRun]:
    """Every combination, one after another, appended to ``into``; ``done`` is called after each (to keep them)."""
    runs: list[KillRun] = [] if into is None else into
    for mode in modes:
        for sig in signals:
            for point in points:
                runs.append(prove(cli, mode, sig, point, count, latency, log))
                done()
    return runs


def markdown(runs: Sequence[KillRun], notes: Sequence[str] = ()) -> list[str]:
    """The "Killed runs" subsection of the large-stacks section: one row per proof, then what was found about them.

    ``notes`` come from the raw files (``kill_notes``): a failing row's cause, once investigated."""
    if not runs:
        return []
    sizes = sorted({run.count for run in runs})
    title = " and ".join(f"{size:,}" for size in sizes)
    lines = [
        f"### Killed runs at {title} offers",
        "",
        "Issue 20's proof at scale (`--kills N`): `pulumi up --yes --skip-preview` of N offers at "
        f"{runs[0].latency * 1000:.0f} ms a request, stopped at a point, then only `pulumi cancel --yes` and `pulumi "
        "up --yes --skip-preview`. SIGKILL goes to the CLI's whole process group (a CI runner's timeout), SIGINT to "
        "`pulumi` (Ctrl+C). Points: early (5% of the POSTs arrived), middle (50%), end (every POST answered, "
        "killed at the first sign of the backend writing the stack file: the engine's final checkpoint; in the "
        "large-stack mode the one state write of the run). Each proof has its own emulator and stack, on the "
        "file backend with `?metadata=skip` in both modes: gocloud's fileblob writes the `.attrs` side files in "
        "place, so without it a kill can leave one empty and every later command fails `failed to load "
        "checkpoint: EOF` (`docs/interrupted-runs.md`).",
        "",
        "*State at death*: what the stack file recorded once the CLI was gone (offers, pending creates; "
        "*not written*: the large-stack mode's one write had not happened). *Resumed up*: its POSTs (N minus what "
        "was already in the sandbox), the killed run's objects it took back (leftovers, or pending creates' "
        "objects), its seconds, and whether it warned about the killed run's pending operations (and how many its "
        "state still lists after it: the engine keeps a killed run's pending creates until `pulumi refresh "
        "--clear-pending-creates`, although their objects are managed). *Survivors*: processes the "
        f"stopped CLI had started still running {SURVIVAL_LIMIT:.0f} s after the signal (in brackets: seconds "
        "until the last had exited). *Duplicates*: a declaration's second object, or one object held by two "
        "resources; *orphans*: objects no resource holds.",
        "",
        "| mode | signal | point | POSTs before the kill | state at death | objects at the end | duplicates "
        "| orphans | preview empty | survivors | resumed up: POSTs, leftovers taken, seconds "
        "| pending-operations warning | proved |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        if run.finished_first:
            state = f"**finished before the signal** ({run.attempts} attempts)"
        elif run.state_written or not MODES.get(run.mode, False):
            state = f"{run.state_offers_at_death} offers, {run.pending_at_death} pending"
        else:
            state = "not written"
        resumed = (
            f"{run.resumed_requests.get('POST', 0)}, {run.leftovers_taken}, {run.resumed_seconds:.1f} s"
            if run.resumed_seconds
            else "–"
        )
        verdict = "yes" if run.proved else "**NO**: " + "; ".join(run.problems)
        lines.append(
            f"| {run.mode} | {run.signal} | {run.point} | {run.posts_at_kill:,} | {state} | {run.objects:,} "
            f"| {run.duplicates} | {run.orphans} | {'yes' if run.preview_empty else '**no**'} "
            f"| {_survivors(run)} | {resumed} | {_pending(run)} | {verdict} |"
        )
    lines.append("")
    for note in notes:
        lines += [note, ""]
    return lines


def _survivors(run: KillRun) -> str:
    """ "none (seconds until the last exited)", or how many survived and which programs they were."""
    if not run.survivors:
        return f"none ({run.last_exit:.1f} s)"
    return f"**{len(run.survivors)}**: " + ", ".join(sorted({_program(cmdline) for cmdline in run.survivors}))


def _program(cmdline: str) -> str:
    """The program a command line runs (``pulumi-language-python-exec``, ``pulumi.dynamic``), not its interpreter."""
    words = cmdline.split()
    if "-m" in words[:-1]:
        return words[words.index("-m") + 1]
    named = [word for word in words if "pulumi" in Path(word).name]
    return Path(named[0] if named else words[0]).name if words else "?"


def _pending(run: KillRun) -> str:
    """Whether the resumed up warned about pending operations, and how many its state still lists."""
    warned = "yes" if run.pending_warning else "no"
    return f"{warned} ({run.pending_after} left in the state)" if run.pending_after else warned


def from_raw(raw: dict[str, Any]) -> KillRun:
    """A proof read back from a raw JSON file (``--raw``)."""
    return KillRun(**raw)


__all__ = ["KillRun", "MODES", "POINTS", "SIGNALS", "from_raw", "markdown", "prove", "prove_all"]
