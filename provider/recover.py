"""``python -m provider.recover``: repair a stack after ``pulumi up`` was killed mid-way.

A run that is killed (a CI runner's timeout, SIGKILL, a lost machine) leaves the offers it was
creating as *pending creates* in the state: some of them exist on the server, some were never
sent. The next ``pulumi up`` only warns about them and creates every one again, so each offer
that did land would be left behind as a duplicate that no resource manages. Pulumi's
``refresh --import-pending-creates`` cannot finish that import for a dynamic provider.

This command does it instead, run in the project directory with the stack's own configuration:
for each pending create of an offerform resource it looks for the offer that create made (same
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
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional, Sequence
from urllib.parse import unquote, urlsplit

from .client import OfferLibraryClient
from .errors import OfferformError
from .lookup import lookup_filters
from .resources import SPECS
from .settings import Settings
from .spec import SANDBOX_NAME, ResourceSpec
from .validation import canonical

PROG = "python -m provider.recover"
BY_TYPE: dict[str, ResourceSpec] = {spec.pulumi_type: spec for spec in SPECS}
PROVIDER_KEY = "__provider"
# History times have whole seconds and come from the CLI's machine, the offers' from Adobe's clock.
CLOCK_TOLERANCE = timedelta(seconds=5)


class RecoverError(Exception):
    """A failure reported as one line and exit status 1."""


@dataclass
class Recovery:
    """What happens to one pending create: recorded with the offer it made, or dropped (it never landed)."""

    urn: str
    object_id: Optional[str]


class Pulumi:
    """The ``pulumi`` CLI in one project directory, with the caller's environment (backend, passphrase)."""

    def __init__(self, cwd: str, stack: Optional[str]) -> None:
        self._cwd = cwd
        self._stack = ["--stack", stack] if stack else []

    def run(self, *args: str, of_stack: bool = True) -> str:
        stack = self._stack if of_stack else []
        try:
            done = subprocess.run(["pulumi", *args, *stack], cwd=self._cwd, capture_output=True, text=True)
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
    deployment: dict[str, Any], client: OfferLibraryClient, client_id: Optional[str], since: Optional[datetime]
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
            # its outputs are its inputs until the refresh that follows reads the offer.
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


def _recover(pulumi: Pulumi, *, cancel: bool, yes: bool) -> int:
    broken = empty_attributes(str(pulumi.json("whoami", "--json", of_stack=False).get("url", "")))
    for path in broken:
        print(
            f"{path}: empty, as a kill while Pulumi wrote it leaves it, and the stack cannot be read with it; "
            + ("removing it" if yes else "it would be removed")
        )
        if yes:
            path.unlink()
    if broken and not yes:
        print("nothing changed: run again with --yes to repair the stack")
        return 0
    if cancel and yes:
        pulumi.run("cancel", "--yes", "--non-interactive")
    exported = pulumi.json("stack", "export")
    deployment = exported.get("deployment", {})
    if not list(_pending_creates(deployment)):
        print("no interrupted creates of offerform resources in this stack: nothing to recover")
        return 0
    config = pulumi.json("config", "--json", "--show-secrets")
    settings = Settings.load(lambda key: (config.get(key) or {}).get("value"))
    client = OfferLibraryClient(settings)
    recoveries = plan(
        deployment, client, settings.client_id, interrupted_since(pulumi.json("stack", "history", "--json"))
    )
    for recovery in recoveries:
        name = recovery.urn.rsplit("::", 1)[-1]
        print(
            f"{name}: created before the interruption as {recovery.object_id}; recording it"
            if recovery.object_id
            else f"{name}: never created; dropping the pending create (the next `pulumi up` creates it)"
        )
    if not yes:
        print(
            "nothing changed: run again with --yes to repair the stack"
            + ("" if cancel else " (add --cancel if the stack is locked)")
        )
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
        f"recovered {len(recovered)} offer(s) and dropped {len(recoveries) - len(recovered)} create(s) "
        "that never landed: run `pulumi up` to finish"
    )
    return 0


def _pending_creates(deployment: dict[str, Any]) -> Any:
    for op in deployment.get("pending_operations", []) or []:
        if op.get("type") == "creating" and op.get("resource", {}).get("type") in BY_TYPE:
            yield op


def _created(offer: dict[str, Any]) -> datetime:
    value = offer.get("created") or offer.get("createdDate") or ""
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)


if __name__ == "__main__":
    sys.exit(main())
