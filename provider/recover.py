"""``python -m provider.recover``: repair a stack after ``pulumi up`` was killed mid-way.

A run that is killed (a CI runner's timeout, SIGKILL, a lost machine) leaves the objects it was
creating as *pending creates* in the state: some of them exist on the server, some were never
sent. The next ``pulumi up`` only warns about them and creates every one again, so each object
that did land would be left behind as a duplicate that no resource manages. Pulumi's
``refresh --import-pending-creates`` cannot finish that import for a dynamic provider.

This command does it instead, run in the project directory with the stack's own configuration:
for each pending create of an offerform resource it looks for the object that create made (same
fields, created by this client since the interrupted update started, owned by no resource of the
stack), records the resource as created with that id, and drops the pending creates that never
landed; then it refreshes the recovered resources. The next ``pulumi up`` creates what is still
missing, and nothing twice. A file backend may also be left unreadable by the kill (an empty
``.attrs`` side file); that is repaired first. Without ``--yes`` it only prints what it would do.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional, Sequence
from urllib.parse import unquote, urlsplit

from .adobe.client import AdobeClient
from .core.settings import Settings
from .core.spec import SANDBOX_NAME, ResourceSpec
from .engine.lookup import lookup_filters
from .engine.validation import canonical
from .errors import OfferformError
from .resources import SPECS

PROG = "python -m provider.recover"
BY_TYPE: dict[str, ResourceSpec] = {spec.pulumi_type: spec for spec in SPECS}
PROVIDER_KEY = "__provider"
# History times have whole seconds and come from the CLI's machine, the objects' from Adobe's clock.
CLOCK_TOLERANCE = timedelta(seconds=5)


class RecoverError(Exception):
    """A failure reported as one line and exit status 1."""


@dataclass
class Recovery:
    """What happens to one pending create: recorded with the object it made, or dropped (it never landed)."""

    urn: str
    object_id: Optional[str]


class Pulumi:
    """The ``pulumi`` CLI in one project directory, with the caller's environment (backend, passphrase)."""

    def __init__(self, cwd: str, stack: Optional[str], backend_url: Optional[str] = None) -> None:
        self._cwd = cwd
        self._stack_name = stack
        self._stack = ["--stack", stack] if stack else []
        self._env = {**os.environ, "PULUMI_BACKEND_URL": backend_url} if backend_url else None

    @property
    def stack(self) -> Optional[str]:
        """The stack given with --stack, if any."""
        return self._stack_name

    def on_backend(self, backend_url: str, stack: Optional[str]) -> "Pulumi":
        """The same project, on another backend (a readable copy of this one): the stack must be named there."""
        return Pulumi(self._cwd, stack, backend_url)

    def run(self, *args: str, of_stack: bool = True) -> str:
        stack = self._stack if of_stack else []
        try:
            done = subprocess.run(
                ["pulumi", *args, *stack], cwd=self._cwd, capture_output=True, text=True, env=self._env
            )
        except FileNotFoundError:
            raise RecoverError("the pulumi CLI is not on PATH") from None
        if done.returncode != 0:
            detail = (done.stderr.strip() or done.stdout.strip()).splitlines()
            message = next((line for line in detail if "error" in line.lower()), detail[-1] if detail else "")
            if "locked" in message:
                message += " (if no other update is still running, run again with --cancel)"
            raise RecoverError(f"`pulumi {' '.join(args)}` failed: {message.strip()}")
        return done.stdout

    def json(self, *args: str, of_stack: bool = True) -> Any:
        return json.loads(self.run(*args, of_stack=of_stack))


def plan(
    deployment: dict[str, Any], client: AdobeClient, client_id: Optional[str], since: Optional[datetime]
) -> list[Recovery]:
    """For each pending create of ours, the object it made (if any): same fields, our client, unowned, recent."""
    owned = {resource.get("id") for resource in deployment.get("resources", []) if resource.get("id")}
    recoveries = []
    for op in _pending_creates(deployment):
        spec = BY_TYPE[op["resource"]["type"]]
        inputs = {key: value for key, value in op["resource"].get("inputs", {}).items() if key != PROVIDER_KEY}
        desired = canonical(spec, inputs)
        sandbox = inputs.get(SANDBOX_NAME) or ""
        filters = lookup_filters(spec, desired)  # narrows only: every field is compared below
        listed = list(client.list(spec.endpoint, sandbox, filters=filters))
        earliest = client.server_time(since.timestamp()) - CLOCK_TOLERANCE if since else None
        made = sorted(
            (
                found
                for found in listed
                if found.get("id") not in owned
                and canonical(spec, found) == desired
                and (not client_id or found.get("createdByClientId") in (None, client_id))
                and (earliest is None or _created(found) >= earliest)
            ),
            key=_created,
        )
        adopted = inputs.get(spec.adopt_input)
        object_id = adopted if adopted else (made[0]["id"] if made else None)
        if object_id:
            owned.add(object_id)
        recoveries.append(Recovery(op["resource"]["urn"], object_id))
    return recoveries


def apply(deployment: dict[str, Any], recoveries: list[Recovery]) -> dict[str, Any]:
    """The deployment with each recovered create recorded as a resource and every handled pending create gone."""
    by_urn = {recovery.urn: recovery for recovery in recoveries}
    resources = list(deployment.get("resources", []))
    pending = []
    for op in deployment.get("pending_operations", []):
        recovery = by_urn.get(op["resource"]["urn"]) if op.get("type") == "creating" else None
        if recovery is None:
            pending.append(op)
        elif recovery.object_id:
            # Nothing in the state can depend on a resource that was still being created, so it goes last;
            # its outputs are its inputs until the refresh that follows reads the object.
            resource = {**op["resource"], "id": recovery.object_id}
            resource["outputs"] = dict(resource.get("inputs", {}))
            resources.append(resource)
    return {**deployment, "resources": resources, "pending_operations": pending}


def interrupted_since(history: list[dict[str, Any]]) -> Optional[datetime]:
    """When the interrupted update started: the newest history entry, which a killed run leaves unfinished."""
    if not history:
        return None
    started = history[0].get("startTime")
    if not isinstance(started, str):
        return None
    return datetime.fromisoformat(started.replace("Z", "+00:00")).astimezone(timezone.utc)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--stack", help="the stack to repair (default: the selected stack)")
    parser.add_argument("--cwd", default=".", help="the Pulumi project directory (default: the current one)")
    parser.add_argument(
        "--cancel",
        action="store_true",
        help="first release the lock the killed run left (only when no other update is running)",
    )
    parser.add_argument("--yes", action="store_true", help="apply the repair (without it, only print what it would do)")
    args = parser.parse_args(argv)
    try:
        return _recover(Pulumi(args.cwd, args.stack), cancel=args.cancel, yes=args.yes)
    except (RecoverError, OfferformError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1


def empty_attributes(backend_url: str) -> list[Path]:
    """The empty ``.attrs`` side files of a file backend: a kill while one is written leaves it empty, and
    then Pulumi cannot read the stack at all ("failed to load checkpoint: EOF"). Without the file, it can."""
    if not backend_url.startswith("file://"):
        return []
    root = Path(unquote(urlsplit(backend_url).path)) / ".pulumi"
    return sorted(path for path in root.rglob("*.attrs") if path.is_file() and path.stat().st_size == 0)


def file_backend_root(backend_url: str) -> Optional[Path]:
    """The directory of a file backend (``file://...``); None for any other backend."""
    if not backend_url.startswith("file://"):
        return None
    return Path(unquote(urlsplit(backend_url).path))


@dataclass
class Lock:
    """A file backend's lock on a stack: what ``pulumi`` writes when an update starts and removes when it ends."""

    path: Path
    pid: int
    username: str
    hostname: str
    since: Optional[datetime]

    @property
    def here(self) -> bool:
        return self.hostname == socket.gethostname()

    @property
    def stale(self) -> bool:
        """Taken on this machine by a process that is no longer running: a killed run left it."""
        return self.here and not _running(self.pid)

    def describe(self) -> str:
        since = f" since {self.since:%Y-%m-%d %H:%M:%S} UTC" if self.since else ""
        if self.stale:
            state = "that process is no longer running (a killed run leaves its lock)"
        elif self.here:
            state = "that process is still running: an update may be under way"
        else:
            state = "on another machine: recover cannot tell whether that update is still running"
        return f"the stack is locked by {self.username}@{self.hostname} (pid {self.pid}){since}; {state}"


def stack_locks(root: Path, qualified_stack: str) -> list[Lock]:
    """The locks a file backend holds on ``organization/project/stack`` (``pulumi -Q stack --show-name``)."""
    locks = []
    for path in sorted((root / ".pulumi" / "locks" / qualified_stack).glob("*.json")):
        try:
            content = json.loads(path.read_text())
        except (OSError, ValueError):
            content = {}
        stamp = str(content.get("timestamp") or "")
        try:
            # Go writes nanoseconds; Python reads at most microseconds.
            since: Optional[datetime] = datetime.fromisoformat(
                re.sub(r"(\.\d{6})\d+", r"\1", stamp).replace("Z", "+00:00")
            ).astimezone(timezone.utc)
        except ValueError:
            since = None
        locks.append(
            Lock(path, int(content.get("pid") or 0), str(content.get("username")), str(content.get("hostname")), since)
        )
    return locks


def _running(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def readable_copy(root: Path, broken: list[Path], into: Path) -> None:
    """Copy what ``pulumi`` reads of a file backend's stacks (no history, backups, locks or broken side files)
    into ``into``, so that a dry run can read a stack that an empty ``.attrs`` makes unreadable in place."""
    source = root / ".pulumi"
    for path in [source / "meta.yaml", *sorted((source / "stacks").rglob("*"))]:
        if not path.is_file() or path in broken or ".bak" in path.name or path.name.endswith(".tmp"):
            continue
        target = into / ".pulumi" / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def _recover(pulumi: Pulumi, *, cancel: bool, yes: bool) -> int:
    url = str(pulumi.json("whoami", "--json", of_stack=False).get("url", ""))
    root = file_backend_root(url)
    broken = empty_attributes(url)
    # Everything is read first, and nothing changed until the plan is known: a stack that an empty side
    # file makes unreadable in place is read from a copy without it (what the repair will leave).
    with tempfile.TemporaryDirectory(prefix="offerform-recover-") as scratch:
        reader = pulumi
        unreadable = [path for path in broken if _read_by_pulumi(path)]
        if unreadable and root is not None:
            readable_copy(root, broken, Path(scratch))
            reader = pulumi.on_backend(f"file://{scratch}", pulumi.stack or _broken_stack(unreadable))
        locks = stack_locks(root, reader.run("-Q", "stack", "--show-name").strip()) if root is not None else []
        exported = reader.json("stack", "export")
        deployment = exported.get("deployment", {})
        pending = list(_pending_creates(deployment))
        config = reader.json("config", "--json", "--show-secrets") if pending else {}
        history = reader.json("stack", "history", "--json") if pending and not broken else []

    for path in broken:
        print(
            f"{path}: empty, as a kill while Pulumi wrote it leaves it, and the stack cannot be read with it; "
            + ("removing it" if yes else "it would be removed")
        )
    release = _lock_decision(locks, cancel=cancel, yes=yes, visible=root is not None)

    recoveries: list[Recovery] = []
    if not pending:
        print("no interrupted creates of offerform resources in this stack: nothing to recover")
    else:
        settings = Settings.load(lambda key: (config.get(key) or {}).get("value"))
        client = AdobeClient(settings)
        # The lock is taken as the update starts: the tightest bound on when its creates were sent.
        since = min((lock.since for lock in locks if lock.since), default=None) or interrupted_since(history)
        recoveries = plan(deployment, client, settings.client_id, since)
        for recovery in recoveries:
            name = recovery.urn.rsplit("::", 1)[-1]
            print(
                f"{name}: created before the interruption as {recovery.object_id}; "
                + ("recording it" if yes else "it would be recorded")
                if recovery.object_id
                else f"{name}: never created; "
                + ("dropping" if yes else "it would drop")
                + " the pending create (the next `pulumi up` creates it)"
            )
    if not yes:
        if broken or locks or recoveries:
            print("nothing changed: run again with --yes to repair the stack")
        return 0

    for path in broken:
        path.unlink()
    if release:
        pulumi.run("cancel", "--yes", "--non-interactive")
        print("released the lock (as `pulumi cancel` does)")
    if not recoveries:
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as repaired:
        json.dump({**exported, "deployment": apply(deployment, recoveries)}, repaired)
    try:
        pulumi.run("stack", "import", "--file", repaired.name)
    finally:
        os.unlink(repaired.name)
    recovered = [recovery.urn for recovery in recoveries if recovery.object_id]
    if recovered:
        targets = [flag for urn in recovered for flag in ("--target", urn)]
        pulumi.run("refresh", "--yes", "--non-interactive", "--skip-preview", *targets)
    print(
        f"recovered {len(recovered)} object(s) and dropped {len(recoveries) - len(recovered)} create(s) "
        "that never landed: run `pulumi up` to finish"
    )
    return 0


def _read_by_pulumi(side_file: Path) -> bool:
    """Whether Pulumi reads this side file to load a stack: the backend's own, or a stack checkpoint's (not a
    backup's, history's or lock's: those being empty harms nothing until they are read, and they rarely are)."""
    if side_file.name == "meta.yaml.attrs":
        return True
    checkpoint = side_file.name.endswith((".json.attrs", ".json.gz.attrs")) and ".bak" not in side_file.name
    return checkpoint and "stacks" in (side_file.parent.name, side_file.parent.parent.name)


def _broken_stack(unreadable: list[Path]) -> str:
    """The stack whose checkpoint cannot be read: the one to repair (its selection cannot be read either)."""
    stacks = {
        path.name.removesuffix(".attrs").removesuffix(".gz").removesuffix(".json")
        for path in unreadable
        if path.name != "meta.yaml.attrs"
    }
    if len(stacks) != 1:
        raise RecoverError(
            f"{', '.join(map(str, unreadable))}: empty, so no stack of this backend can be read; "
            "name the stack to repair with --stack to see the plan, or run with --yes to remove "
            + ("it" if len(unreadable) == 1 else "them")
        )
    return stacks.pop()


def _lock_decision(locks: list[Lock], *, cancel: bool, yes: bool, visible: bool) -> bool:
    """Say what holds the stack, and whether to release it (as ``pulumi cancel``): with ``--cancel``, or on its
    own when every lock was left by a process of this machine that is gone. Anything else stops ``--yes``
    before it changes anything, since another update may still be writing the stack."""
    for lock in locks:
        print(lock.describe())
    if not locks:
        if not visible and not cancel:
            # Other backends keep their locks where this command cannot read them.
            print(
                "(this backend's locks cannot be read from here: if `pulumi up` says the stack is locked, add --cancel)"
            )
        return cancel
    if cancel or all(lock.stale for lock in locks):
        if not yes:
            print("--yes would release the lock (as `pulumi cancel` does)")
        return True
    why = (
        "the stack is locked by an update that may still be running (see above): wait for it to end; "
        "if it was killed, run again with --cancel to release its lock"
    )
    if yes:
        raise RecoverError(why)
    print(why)
    return False


def _pending_creates(deployment: dict[str, Any]) -> Any:
    for op in deployment.get("pending_operations", []) or []:
        if op.get("type") == "creating" and op.get("resource", {}).get("type") in BY_TYPE:
            yield op


def _created(obj: dict[str, Any]) -> datetime:
    value = obj.get("created") or obj.get("createdDate") or ""
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)


if __name__ == "__main__":
    sys.exit(main())
