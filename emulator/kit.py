"""Your own Pulumi project, run with the real ``pulumi`` CLI against an emulator: the test kit.

``StackUnderTest`` copies a project directory (the one with ``Pulumi.yaml``) into a scratch
directory, creates a stack there on a throwaway file backend with its own ``PULUMI_HOME``, points
its ``adobe:*`` config at an ``Emulator`` and runs ``pulumi`` commands through ``subprocess``, so a
test sees exactly what a user sees. The copy keeps the project itself clean (no stack file, no
state) and lets tests run side by side; the project's virtualenv is used where it is.

No real credential can leak in: every ``ADOBE_*``, ``PULUMI_*`` and ``OFFERFORM_*`` variable of the
calling environment is dropped before ``pulumi`` runs. The pytest fixtures in ``pytest_plugin.py``
build these objects; they can be used without pytest too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional

import yaml

if TYPE_CHECKING:
    from .server import Emulator

DEFAULT_ORG = "DEMO0000000000000000@AdobeOrg"
DEFAULT_SANDBOX = "prod"
PASSPHRASE = "offerform-kit-passphrase"
COMMAND_TIMEOUT = 300
PULUMI_BIN_ENV = "OFFERFORM_PULUMI_BIN"
DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic/adobe:"
# Never copied: virtualenvs, caches, VCS data, and the project's own stack files (their secrets are
# encrypted for another passphrase, and their values are not the test's).
_NOT_COPIED = (".git", ".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache", ".pulumi", "node_modules")
_STACK_FILE = re.compile(r"^Pulumi\.[^.]+\.ya?ml$")


class KitError(Exception):
    """The kit cannot do what was asked (no Pulumi CLI, no project there, no such resource)."""


class PulumiFailed(AssertionError):
    """A ``pulumi`` command exited non-zero; the message carries everything it printed."""

    def __init__(self, args: list[str], completed: subprocess.CompletedProcess[str]) -> None:
        self.completed = completed
        super().__init__(
            f"`pulumi {' '.join(args)}` exited {completed.returncode}\n"
            f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
        )


@dataclass(frozen=True)
class Step:
    """One resource step of a ``pulumi preview --json``: its operation, URN and the inputs it changes."""

    op: str
    urn: str
    changed: list[str]

    @property
    def name(self) -> str:
        """The resource name: the URN's last part (children of a component keep their own name)."""
        return _urn_parts(self.urn)[1]

    @property
    def type(self) -> str:
        """The resource type; a child's URN also names its parents' types, which this leaves out."""
        return _urn_parts(self.urn)[0]


def find_pulumi(given: str | Path | None = None) -> Path:
    """The directory holding ``pulumi``: ``given``, else ``$OFFERFORM_PULUMI_BIN``, else ``pulumi`` on PATH."""
    for candidate, source in ((given, "the given directory"), (os.environ.get(PULUMI_BIN_ENV), f"${PULUMI_BIN_ENV}")):
        if candidate:
            directory = Path(candidate).expanduser()
            if not (directory / "pulumi").is_file():
                raise KitError(f"no pulumi executable in {directory} ({source})")
            return directory.resolve()
    on_path = shutil.which("pulumi")
    if on_path is None:
        raise KitError(
            "no Pulumi CLI: install it (https://www.pulumi.com/docs/install/) and put `pulumi` on PATH, "
            f"or pass --pulumi-bin DIR to pytest, or set {PULUMI_BIN_ENV}=DIR"
        )
    return Path(on_path).resolve().parent


def adobe_config(emulator: Emulator, org: str = DEFAULT_ORG, sandbox: str = DEFAULT_SANDBOX) -> dict[str, str]:
    """The ``adobe:*`` stack config that points a stack at ``emulator`` (the client secret is set as a secret)."""
    return {
        "adobe:clientId": emulator.client_id,
        "adobe:clientSecret": emulator.client_secret,
        "adobe:imsOrgId": org,
        "adobe:sandboxName": sandbox,
        "adobe:endpoint": emulator.dps_url,
        "adobe:imsEndpoint": emulator.ims_url,
        "adobe:requestTimeout": "10",
        "adobe:retryDeadline": "60",
        # Decisioning's decision items: the sandbox's catalog schema (x-schema-id) and its tenant (`_<tenant>`).
        "adobe:itemSchemaId": emulator.catalog_schema_id(org, sandbox),
        "adobe:tenantId": emulator.tenant_id,
    }


class StackUnderTest:
    """One stack of a copy of your project, on its own file backend, configured for one emulator.

    ``config`` is merged over ``adobe_config(...)``; a value of None leaves that key unset. Keys in
    ``secrets`` are set with ``--secret``. ``backend`` may be shared by several stacks (for a
    ``StackReference``); ``env`` adds variables to every ``pulumi`` command (``self.env`` may be
    changed later too).
    """

    def __init__(
        self,
        project: str | Path,
        emulator: Emulator,
        workdir: str | Path,
        *,
        pulumi_bin: str | Path | None = None,
        stack: str = "test",
        org: str = DEFAULT_ORG,
        sandbox: str = DEFAULT_SANDBOX,
        config: Optional[Mapping[str, Optional[str]]] = None,
        secrets: Iterable[str] = ("adobe:clientSecret",),
        backend: str | Path | None = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.emulator = emulator
        self.stack = stack
        self.org = org
        self.sandbox = sandbox
        workdir = Path(workdir)
        self.project_dir = workdir / "project"
        self.backend = Path(backend) if backend is not None else workdir / "state"
        self.home = workdir / "pulumi-home"
        self.secrets = frozenset(secrets)
        self.name = copy_project(Path(project), self.project_dir)
        self.backend.mkdir(parents=True, exist_ok=True)
        self.home.mkdir(parents=True, exist_ok=True)
        cli = find_pulumi(pulumi_bin)
        inherited = {
            key: value for key, value in os.environ.items() if not key.startswith(("ADOBE_", "PULUMI_", "OFFERFORM_"))
        }
        # The interpreter running the tests (it has offerform) serves a project that names no virtualenv.
        path = os.pathsep.join([str(cli), str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        self.env: dict[str, str] = {
            **inherited,
            "PATH": path,
            "PULUMI_HOME": str(self.home),
            "PULUMI_BACKEND_URL": f"file://{self.backend}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            **(env or {}),
        }
        self.pulumi("stack", "init", stack)
        self.configure({**adobe_config(emulator, org, sandbox), **(config or {})})

    # -- the project and its config ---------------------------------------------------------

    def configure(self, config: Mapping[str, Optional[str]]) -> None:
        """Set stack config in one command (``self.secrets`` as secrets); a None value removes that key."""
        pairs: list[str] = []
        for key, value in config.items():
            if value is not None:
                pairs += ["--secret" if key in self.secrets else "--plaintext", f"{key}={value}"]
        if pairs:
            self.pulumi("config", "set-all", *pairs)
        removed = [key for key, value in config.items() if value is None]
        if removed:
            self.pulumi("config", "remove-all", *removed)

    def write(self, relative_path: str, text: str) -> None:
        """Replace a file of the copied project (a changed program for the next step)."""
        target = self.project_dir / relative_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    # -- commands ---------------------------------------------------------------------------

    def pulumi(
        self, *args: str, check: bool = True, env: Optional[Mapping[str, str]] = None, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi <args>`` in the project; raise ``PulumiFailed`` on a non-zero exit if ``check``."""
        argv = list(args)
        completed = subprocess.run(
            ["pulumi", *argv],
            cwd=self.project_dir,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and completed.returncode != 0:
            raise PulumiFailed(argv, completed)
        return completed

    def up(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``pulumi up`` with no prompt and no preview of its own."""
        return self.pulumi("up", "--yes", "--non-interactive", "--skip-preview", *args, check=check)

    def preview(self, *args: str) -> list[Step]:
        """The resource steps a preview plans (``same`` included; the stack and providers left out)."""
        completed = self.pulumi("preview", "--json", "--non-interactive", *args)
        steps = [_step(raw) for raw in json.loads(completed.stdout).get("steps", []) if raw.get("op")]
        return [step for step in steps if not step.type.startswith("pulumi:")]

    def changes(self, *args: str) -> list[Step]:
        """The steps of a preview that change something."""
        return [step for step in self.preview(*args) if step.op not in ("same", "read")]

    def assert_no_changes(self) -> None:
        """``pulumi preview --expect-no-changes`` passes: an unchanged program plans nothing."""
        self.pulumi("preview", "--expect-no-changes", "--non-interactive")

    def refresh(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.pulumi("refresh", "--yes", "--non-interactive", "--skip-preview", *args, check=check)

    def destroy(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.pulumi("destroy", "--yes", "--non-interactive", "--skip-preview", *args, check=check)

    # -- what the stack holds -----------------------------------------------------------------

    def outputs(self) -> dict[str, Any]:
        """The stack's outputs, secrets shown."""
        return json.loads(self.pulumi("stack", "output", "--json", "--show-secrets").stdout)  # type: ignore[no-any-return]

    def export(self, *args: str) -> dict[str, Any]:
        """``pulumi stack export``: the whole state."""
        return json.loads(self.pulumi("stack", "export", *args).stdout)  # type: ignore[no-any-return]

    def resources(self, type_: Optional[str] = None) -> dict[str, dict[str, Any]]:
        """The state's resources by name (components and their children alike; not the stack or providers).

        ``type_`` keeps one type: in full (``pulumi-python:dynamic/adobe:FallbackOffer``), or its last
        part (``FallbackOffer``, ``adobe:FallbackOffer``, a component's ``OfferSet``).
        """
        found: dict[str, dict[str, Any]] = {}
        for resource in self.export()["deployment"].get("resources", []):
            kind, name = _urn_parts(resource["urn"])
            if kind.startswith("pulumi:") or (type_ is not None and not _is_type(kind, type_)):
                continue
            if name in found:
                raise KitError(
                    f"two resources are named {name!r} ({found[name]['urn']} and {resource['urn']}): "
                    "look them up by URN in export() instead"
                )
            found[name] = resource
        return found

    def resource(self, name: str) -> dict[str, Any]:
        """One resource of the state by its name, with its ``urn``, ``id``, ``parent``, ``inputs`` and ``outputs``."""
        resources = self.resources()
        if name not in resources:
            raise KitError(f"no resource named {name!r} in stack {self.stack}; it has: {', '.join(sorted(resources))}")
        return resources[name]

    def urn(self, name: str) -> str:
        """The URN of a resource by its name (for ``--target``), wherever it sits under components."""
        return str(self.resource(name)["urn"])

    def live(self, name: str) -> dict[str, Any]:
        """What the emulator holds for an offerform resource of the stack, by resource name (its look-up shape)."""
        resource = self.resource(name)
        _check_offerform(resource)
        sandbox = self._sandbox_of(resource)
        found = self.emulator.find(self.org, sandbox, resource["id"])
        if found is None:
            raise KitError(
                f"the emulator holds no object {resource['id']} (resource {name!r}, {resource['type']}) "
                f"in sandbox {sandbox}"
            )
        return found[1]

    def edit(
        self,
        name: str,
        changes: Mapping[str, Any] | list[dict[str, Any]],
        *,
        client_id: str = "ui-user-client",
    ) -> dict[str, Any]:
        """Change a resource's object behind the stack's back, as someone in the Adobe UI would (another
        client id; etag + 1): the next preview shows drift, the next update a conflict. Its new look-up shape.

        ``changes`` maps top-level fields to new values (None removes one), or is a JSON Patch array for
        nested fields (``[{"op": "replace", "path": "/_experience/decisioning/decisionitem/itemName", ...}]``).
        Works for every kind, also those whose API has no PATCH. Nothing is logged, so request counts stay
        the stack's own.
        """
        resource = self.resource(name)
        _check_offerform(resource)
        return self.emulator.edit(self.org, self._sandbox_of(resource), resource["id"], changes, client_id=client_id)

    def _sandbox_of(self, resource: dict[str, Any]) -> str:
        return str(resource.get("outputs", {}).get("sandboxName") or self.sandbox)

    def objects(self, kind: str = "fallback-offer", sandbox: Optional[str] = None) -> list[dict[str, Any]]:
        """Every object of one kind (``placement``, ``decision``, ...) the emulator holds in the stack's sandbox."""
        return self.emulator.objects(kind, self.org, sandbox or self.sandbox)

    def seed(
        self,
        kind: str,
        body: dict[str, Any],
        *,
        sandbox: Optional[str] = None,
        client_id: str = "ui-user-client",
        object_id: Optional[str] = None,
    ) -> dict[str, Any]:
        """Store an object as if made in the Adobe UI (by another client id) in the stack's org; its look-up shape."""
        return self.emulator.seed(
            kind, self.org, sandbox or self.sandbox, body, client_id=client_id, object_id=object_id
        )


StackFactory = Callable[..., StackUnderTest]
"""The type of the ``offerform_stack`` fixture: ``offerform_stack(project_dir, **options) -> StackUnderTest``."""


def copy_project(source: Path, target: Path) -> str:
    """Copy the project at ``source`` to ``target`` (where ``StackUnderTest`` runs it); the project's name.

    The copy names the project's virtualenv by its absolute path, so the one next to the project is
    used where it is, and leaves out virtualenvs, caches and the project's stack files.
    """
    source = source.resolve()
    manifest = next((source / name for name in ("Pulumi.yaml", "Pulumi.yml") if (source / name).is_file()), None)
    if manifest is None:
        raise KitError(f"{source} has no Pulumi.yaml: give the directory of your Pulumi project")
    project = yaml.safe_load(manifest.read_text()) or {}
    runtime = project.get("runtime")
    options = runtime.get("options") if isinstance(runtime, dict) else None
    virtualenv = options.get("virtualenv") if isinstance(options, dict) else None
    skipped: set[Path] = set()
    if isinstance(options, dict) and virtualenv:
        venv = (source / virtualenv).resolve()
        options["virtualenv"] = str(venv)
        skipped.add(venv)

    def ignored(directory: str, names: list[str]) -> set[str]:
        return {
            name
            for name in names
            if name in _NOT_COPIED or _STACK_FILE.match(name) or (Path(directory) / name).resolve() in skipped
        }

    shutil.copytree(source, target, ignore=ignored)
    (target / manifest.name).write_text(yaml.safe_dump(project, sort_keys=False))
    return str(project.get("name", ""))


def _urn_parts(urn: str) -> tuple[str, str]:
    """(type, name) of ``urn:pulumi:stack::project::[parent types$]type::name``."""
    _, _, qualified_type, name = urn.split("::", 3)
    return qualified_type.rsplit("$", 1)[-1], name


def _is_type(actual: str, wanted: str) -> bool:
    return (
        actual == wanted or actual.endswith("/" + wanted) or (":" not in wanted and actual.rsplit(":", 1)[-1] == wanted)
    )


def _check_offerform(resource: dict[str, Any]) -> None:
    """KitError unless the resource is one of offerform's (``pulumi-python:dynamic/adobe:...``)."""
    if not str(resource["type"]).startswith(DYNAMIC_TYPE_PREFIX):
        raise KitError(f"{resource['type']} is not an offerform resource, so the emulator holds nothing for it")


def _step(raw: dict[str, Any]) -> Step:
    old = (raw.get("oldState") or {}).get("inputs") or {}
    new = (raw.get("newState") or {}).get("inputs") or {}
    changed = (
        sorted(key for key in old.keys() | new.keys() if key != "__provider" and old.get(key) != new.get(key))
        if old and new
        else []
    )
    return Step(op=raw["op"], urn=raw["urn"], changed=changed)
