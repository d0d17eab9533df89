"""An apply stopped mid-way, by Ctrl+C or by a CI runner's kill, and the way back to exactly one offer each.

50 offers at 50 ms per request; the CLI is stopped once a dozen POSTs have arrived. The
emulator keeps handling a request whose client has gone, so the creates in flight at a kill
land on the server without the engine ever hearing of them. However it was stopped, no process
the CLI started (language host, program, plugin launcher, plugin) is left running 15 s later.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from offerform_emulator import Emulator

from harness.ownership import ownership
from harness.project import ORG, SANDBOX, VENV, Process, Project, descendants, interrupt, wait_for_no_survivors
from provider.recover import empty_attributes

from .conftest import ProjectFactory
from .programs import named, offers_program

OFFERS = 50
# Issue 20: fifteen seconds after the engine is stopped, nothing it started may still run.
SURVIVAL_LIMIT = 15.0


def _killed_mid_apply(
    make_project: ProjectFactory, emulator: Emulator, sig: signal.Signals, *, whole_group: bool = True
) -> tuple[Project, list[Process], float]:
    """Stop ``pulumi up`` mid-apply: the project, every process the CLI had started, and the seconds the last
    of them took to exit (it fails if one is still running ``SURVIVAL_LIMIT`` s later)."""
    emulator.faults.latency = 0.05
    project = make_project(offers_program(*(named(f"offer-{i:02d}") for i in range(OFFERS))))
    running = project.start("up", "--yes", "--skip-preview", "--non-interactive")
    deadline = time.monotonic() + 120
    while emulator.log.count("POST", service="dps") < 12 and time.monotonic() < deadline and running.poll() is None:
        time.sleep(0.005)
    started = descendants(running.pid)
    interrupt(running, sig, whole_group=whole_group)
    waited, left = wait_for_no_survivors(started, SURVIVAL_LIMIT)
    for process in left:  # a failing run leaves nothing behind either
        os.kill(process.pid, signal.SIGKILL)
    assert not left, f"still running {waited:.0f} s after the CLI was stopped: {[p.cmdline for p in left]}"
    return project, started, waited


def _stopped_mid_apply(make_project: ProjectFactory, emulator: Emulator, sig: signal.Signals) -> Project:
    project, _, _ = _killed_mid_apply(make_project, emulator, sig)
    time.sleep(0.3)  # let the emulator finish the requests whose client has gone
    for path in empty_attributes(f"file://{project.backend}"):  # what recover does first (see its own test)
        path.unlink()
    return project


def _assert_exactly_one_offer_per_resource(project: Project, emulator: Emulator, pending: bool = False) -> None:
    held = [resource["id"] for resource in project.resources().values()]
    on_server = [(offer["id"], offer["name"]) for offer in emulator.offers(ORG, SANDBOX)]
    assert ownership(held, on_server).problems(OFFERS) == []
    if not pending:
        assert project.export()["deployment"].get("pending_operations") in (None, [])


def _clear_pending_creates(project: Project) -> None:
    """The engine keeps a killed run's pending creates (and warns) until `pulumi refresh` clears them: Pulumi's way."""
    project.pulumi("refresh", "--clear-pending-creates", "--yes", "--non-interactive", "--skip-preview")


def _recover(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV / "bin" / "python"), "-m", "provider.recover", *args],
        cwd=project.root,
        env=project.env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("whole_group", [True, False], ids=["process-group-killed", "pulumi-alone-killed"])
def test_no_process_a_killed_up_started_outlives_it(
    make_project: ProjectFactory, emulator: Emulator, whole_group: bool
) -> None:
    _, started, waited = _killed_mid_apply(make_project, emulator, signal.SIGKILL, whole_group=whole_group)

    commands = " ".join(process.cmdline for process in started)
    for expected in (
        "pulumi-language-python ",
        "pulumi-language-python-exec",
        "pulumi-resource-pulumi-python",
        "pulumi.dynamic",
    ):
        assert expected in commands, f"the CLI had not started {expected} when it was killed"
    print(f"the last process the killed CLI had started exited {waited:.1f} s after the kill")


def test_a_program_still_busy_when_its_engine_is_killed_does_not_outlive_it(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    # A program that does not stop on SIGINT (busy in its own code, or, before the SDK's output wait was
    # fixed for our resources, in that wait with thousands of outputs): the host must kill it, not leave it.
    project = make_project(
        offers_program(
            named("offer-00"),
            extra="import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(300)\n",
        )
    )
    running = project.start("up", "--yes", "--skip-preview", "--non-interactive")
    deadline = time.monotonic() + 60
    while not any("pulumi-language-python-exec" in p.cmdline for p in descendants(running.pid)):
        assert time.monotonic() < deadline and running.poll() is None, "the program never started"
        time.sleep(0.05)
    time.sleep(1.0)  # well inside the program's sleep
    started = descendants(running.pid)
    interrupt(running, signal.SIGKILL)

    waited, left = wait_for_no_survivors(started, SURVIVAL_LIMIT)
    for process in left:
        os.kill(process.pid, signal.SIGKILL)
    assert not left, f"still running {waited:.0f} s after the CLI was killed: {[p.cmdline for p in left]}"


def test_after_ctrl_c_the_engine_finishes_what_it_started_and_up_completes_the_rest(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = _stopped_mid_apply(make_project, emulator, signal.SIGINT)

    assert project.export()["deployment"].get("pending_operations") in (None, [])
    assert len(project.resources()) == len(emulator.offers(ORG, SANDBOX)) < OFFERS
    project.up()

    # Default checkpoints, after a kill: the state still lists the killed run's pending creates (the engine
    # keeps them until a refresh clears them); their objects are already managed by the resources.
    _assert_exactly_one_offer_per_resource(project, emulator, pending=True)
    project.assert_no_changes()
    _clear_pending_creates(project)
    _assert_exactly_one_offer_per_resource(project, emulator)


def test_after_a_kill_the_state_holds_pending_creates_some_of_which_landed(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = _stopped_mid_apply(make_project, emulator, signal.SIGKILL)

    deployment = project.export()["deployment"]
    pending = [op for op in deployment.get("pending_operations", []) if op["type"] == "creating"]
    owned = {resource["id"] for resource in project.resources().values()}
    landed_unrecorded = [offer for offer in emulator.offers(ORG, SANDBOX) if offer["id"] not in owned]
    assert pending and landed_unrecorded
    assert {offer["name"] for offer in landed_unrecorded} <= {op["resource"]["inputs"]["name"] for op in pending}
    locked = project.up(check=False)
    assert locked.returncode != 0 and "locked" in locked.stdout + locked.stderr


def test_cancel_then_up_after_a_kill_takes_the_pending_creates_objects_instead_of_duplicating_them(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = _stopped_mid_apply(make_project, emulator, signal.SIGKILL)
    project.pulumi("cancel", "--yes", "--non-interactive")
    landed = len(emulator.offers(ORG, SANDBOX))
    emulator.log.clear()

    resumed = project.up()

    assert "pending operations from previous deployment" in resumed.stdout
    assert emulator.log.count("POST", service="dps") == OFFERS - landed
    _assert_exactly_one_offer_per_resource(project, emulator, pending=True)
    project.assert_no_changes()
    _clear_pending_creates(project)
    _assert_exactly_one_offer_per_resource(project, emulator)


# "end": once every POST has arrived, while the engine records the last creates and writes the final checkpoint.
KILL_AFTER_POSTS = {"early": 2, "middle": OFFERS // 2, "late": OFFERS - 4, "end": OFFERS}


@pytest.mark.parametrize("checkpoints", ["default", "skipped"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
@pytest.mark.parametrize("point", sorted(KILL_AFTER_POSTS))
def test_a_run_stopped_at_any_point_then_cancel_and_up_leaves_exactly_the_declared_offers(
    make_project: ProjectFactory, emulator: Emulator, checkpoints: str, sig: signal.Signals, point: str
) -> None:
    emulator.faults.latency = 0.05
    project = make_project(offers_program(*(named(f"offer-{i:02d}") for i in range(OFFERS))))
    # The file backend's sidecar .attrs files are written in place (gocloud's fileblob), so a kill can
    # leave one empty and every command then fails "failed to load checkpoint: EOF"; the backend URL's
    # own `metadata=skip` writes none (test_recover_repairs_a_stack_a_kill_left_unreadable shows the EOF).
    project.env["PULUMI_BACKEND_URL"] = f"file://{project.backend}?metadata=skip"
    project.env["PULUMI_STACK"] = "dev"  # a stack is selected per backend URL
    if checkpoints == "skipped":
        project.env["PULUMI_SKIP_CHECKPOINTS"] = "true"
    running = project.start("up", "--yes", "--skip-preview", "--non-interactive")
    deadline = time.monotonic() + 120
    while (
        emulator.log.count("POST", service="dps") < KILL_AFTER_POSTS[point]
        and time.monotonic() < deadline
        and running.poll() is None
    ):
        time.sleep(0.005)
    if point == "end":
        time.sleep(0.1)  # the last answers reach the engine
    if running.poll() is None:
        interrupt(running, sig)
    time.sleep(0.3)  # the emulator finishes the requests whose client has gone

    # The standard way back, nothing of ours: unlock (a killed run holds the lock), then up.
    project.pulumi("cancel", "--yes", "--non-interactive", check=False)  # fails when nothing holds the lock
    project.up()

    # Default checkpoints, after a kill: the state still lists the killed run's pending creates (the engine
    # keeps them until a refresh clears them); their objects are already managed by the resources.
    _assert_exactly_one_offer_per_resource(project, emulator, pending=True)
    project.assert_no_changes()
    _clear_pending_creates(project)
    _assert_exactly_one_offer_per_resource(project, emulator)


def test_recover_then_up_after_a_kill_leaves_exactly_one_offer_per_resource(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = _stopped_mid_apply(make_project, emulator, signal.SIGKILL)
    pending = len(project.export()["deployment"]["pending_operations"])
    dry_run = _recover(project)
    assert dry_run.returncode == 0, dry_run.stderr
    assert "run again with --yes" in dry_run.stdout
    assert len(project.export()["deployment"]["pending_operations"]) == pending

    repaired = _recover(project, "--cancel", "--yes")

    assert repaired.returncode == 0, repaired.stderr
    assert "run `pulumi up` to finish" in repaired.stdout
    assert re.search(r"^recovered \d+ object\(s\) and dropped \d+ create\(s\)", repaired.stdout, re.MULTILINE)
    landed = len(emulator.offers(ORG, SANDBOX))
    emulator.log.clear()
    project.up()
    assert emulator.log.count("POST", service="dps") == OFFERS - landed
    _assert_exactly_one_offer_per_resource(project, emulator)
    project.assert_no_changes()


def _killed_leaving_the_checkpoint_unreadable(make_project: ProjectFactory, emulator: Emulator) -> Project:
    """A SIGKILL mid-apply that also caught Pulumi writing the checkpoint's side file (it is left empty)."""
    project, _, _ = _killed_mid_apply(make_project, emulator, signal.SIGKILL)
    time.sleep(0.3)  # let the emulator finish the requests whose client has gone
    [attributes] = project.backend.glob(".pulumi/stacks/*/dev.json.attrs")
    attributes.write_bytes(b"")
    return project


def _files(directory: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file()}


def test_recover_dry_run_after_a_kill_lists_every_pending_create_and_the_lock_it_left(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = _killed_leaving_the_checkpoint_unreadable(make_project, emulator)
    [attributes] = project.backend.glob(".pulumi/stacks/*/dev.json.attrs")
    attributes.unlink()  # only to read what the dry run must list; it is put back below
    pending = [op["resource"]["urn"].rsplit("::", 1)[-1] for op in project.export()["deployment"]["pending_operations"]]
    attributes.write_bytes(b"")

    dry_run = _recover(project)

    assert dry_run.returncode == 0, dry_run.stderr
    lines = dry_run.stdout.splitlines()
    assert pending and all(any(line.startswith(f"{name}: ") for line in lines) for name in pending)
    assert "the stack is locked by" in dry_run.stdout and "that process is no longer running" in dry_run.stdout
    assert "--yes would release the lock (as `pulumi cancel` does)" in dry_run.stdout
    assert attributes.exists() and attributes.stat().st_size == 0, "a dry run changes nothing"
    assert list(project.backend.glob(".pulumi/locks/*/*/dev/*.json"))


def test_recover_yes_after_a_kill_releases_the_dead_runs_lock_and_leaves_one_offer_per_resource(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = _killed_leaving_the_checkpoint_unreadable(make_project, emulator)

    repaired = _recover(project, "--yes")

    assert repaired.returncode == 0, repaired.stderr
    assert "released the lock" in repaired.stdout
    project.up()
    _assert_exactly_one_offer_per_resource(project, emulator)
    project.assert_no_changes()


def test_recover_yes_refuses_a_lock_whose_update_may_still_run(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = _killed_leaving_the_checkpoint_unreadable(make_project, emulator)
    [lock] = project.backend.glob(".pulumi/locks/*/*/dev/*.json")
    lock.write_text(json.dumps({**json.loads(lock.read_text()), "pid": os.getpid()}))  # a process that runs
    before = _files(project.backend / ".pulumi" / "stacks")

    refused = _recover(project, "--yes")

    assert refused.returncode == 1
    assert "may still be running" in refused.stderr and "--cancel" in refused.stderr
    assert lock.exists()
    assert _files(project.backend / ".pulumi" / "stacks") == before, "a refused repair changes nothing"


def test_recover_repairs_a_stack_a_kill_left_unreadable(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("web")))
    project.up()
    [attributes] = project.backend.glob(".pulumi/stacks/*/dev.json.attrs")
    attributes.write_bytes(b"")  # as a kill in the middle of writing it leaves it
    unreadable = project.pulumi("stack", "export", check=False)
    assert unreadable.returncode != 0 and "failed to load checkpoint: EOF" in unreadable.stderr

    dry_run = _recover(project)
    assert "it would be removed" in dry_run.stdout and attributes.exists()
    repaired = _recover(project, "--yes")

    assert repaired.returncode == 0, repaired.stderr
    assert "removing it" in repaired.stdout and "nothing to recover" in repaired.stdout
    assert set(project.resources()) == {"web"}
    project.assert_no_changes()


def test_recover_on_a_healthy_stack_changes_nothing(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("web")))
    project.up()
    before = project.export()

    done = _recover(project, "--yes")

    assert done.returncode == 0, done.stderr
    assert "nothing to recover" in done.stdout
    assert project.export() == before


def test_recover_outside_a_project_fails_in_one_line(pulumi_bin: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{pulumi_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [sys.executable, "-m", "provider.recover", "--cwd", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("python -m provider.recover: `pulumi ") and "` failed: " in line


def test_recover_without_the_pulumi_cli_fails_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "provider.recover", "--cwd", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert done.stderr.strip() == "python -m provider.recover: the pulumi CLI is not on PATH"
