"""A real Pulumi project on disk, run with the real ``pulumi`` CLI against its own file backend.

Each ``Project`` has a Pulumi.yaml (Python runtime, this checkout's virtualenv), a ``__main__.py``
written by the test, its own state directory and ``PULUMI_HOME``, and a stack whose ``adobe:*``
config points at one emulator. Commands run through ``subprocess`` so that what a test sees is
exactly what the CLI prints; ``--json`` gives the structured view where one exists.
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

from ..conftest import ORG, SANDBOX

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv"
RECORDER = Path(__file__).resolve().parent / "recorder"
PASSPHRASE = "offerform-e2e-passphrase"
OFFER_TYPE = "pulumi-python:dynamic/adobe:FallbackOffer"
COMMAND_TIMEOUT = 300


class PulumiFailed(AssertionError):
    """A ``pulumi`` command exited non-zero; the message carries what it printed."""

    def __init__(self, args: list[str], completed: subprocess.CompletedProcess[str]) -> None:
        self.completed = completed
        super().__init__(f"`pulumi {' '.join(args)}` exited {completed.returncode}\n"
                         f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}")


@dataclass
class Step:
    """One resource step of a ``--json`` preview: its operation and which inputs it changes."""

    op: str
    urn: str
    changed: list[str]

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


def adobe_config(emu: Emulator, sandbox: str = SANDBOX) -> dict[str, str]:
    """The stack config a user sets, pointed at ``emu`` (the client secret is set as a secret)."""
    return {
        "adobe:clientId": emu.client_id,
        "adobe:clientSecret": emu.client_secret,
        "adobe:imsOrgId": ORG,
        "adobe:sandboxName": sandbox,
        "adobe:endpoint": emu.dps_url,
        "adobe:imsEndpoint": emu.ims_url,
        "adobe:requestTimeout": "10",
        "adobe:retryDeadline": "60",
    }


class Project:
    """One project directory and one stack of it."""

    def __init__(self, root: Path, cli: Path, program: str, *, name: str = "offerform-e2e",
                 stack: str = "dev", backend: Optional[Path] = None, record_grpc: bool = False) -> None:
        self.root = root
        self.name = name
        self.stack = stack
        self.backend = backend or root.parent / "state"
        self.home = root.parent / "pulumi-home"
        self.grpc_log = root.parent / f"grpc-{name}-{stack}.jsonl"
        root.mkdir(parents=True, exist_ok=True)
        self.backend.mkdir(parents=True, exist_ok=True)
        self.home.mkdir(parents=True, exist_ok=True)
        (root / "Pulumi.yaml").write_text(textwrap.dedent(f"""\
            name: {name}
            runtime:
              name: python
              options:
                toolchain: pip
                virtualenv: {VENV}
            """))
        self.write_program(program)
        # Never let a developer's own Adobe or Pulumi settings leak into a test stack.
        inherited = {key: value for key, value in os.environ.items()
                     if not key.startswith(("ADOBE_", "PULUMI_", "OFFERFORM_"))}
        self.env = {
            **inherited,
            "PATH": f"{cli}{os.pathsep}{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "PULUMI_HOME": str(self.home),
            "PULUMI_BACKEND_URL": f"file://{self.backend}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
        if record_grpc:
            self.env["OFFERFORM_RECORD_GRPC"] = str(self.grpc_log)
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(RECORDER), os.environ.get("PYTHONPATH")]))
        self.pulumi("stack", "init", stack)

    # -- the project ------------------------------------------------------------------------

    def write_program(self, program: str) -> None:
        (self.root / "__main__.py").write_text(textwrap.dedent(program))

    def configure(self, config: dict[str, str], secret_keys: tuple[str, ...] = ("adobe:clientSecret",)) -> None:
        for key, value in config.items():
            self.pulumi("config", "set", *(["--secret"] if key in secret_keys else []), key, value)

    def urn(self, name: str, type_: str = OFFER_TYPE) -> str:
        return f"urn:pulumi:{self.stack}::{self.name}::{type_}::{name}"

    # -- commands ---------------------------------------------------------------------------

    def pulumi(self, *args: str, check: bool = True, env: Optional[dict[str, str]] = None) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi <args>`` in the project directory; raise ``PulumiFailed`` on a non-zero exit if ``check``."""
        argv = list(args)
        completed = subprocess.run(["pulumi", *argv], cwd=self.root, env={**self.env, **(env or {})},
                                   capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
        if check and completed.returncode != 0:
            raise PulumiFailed(argv, completed)
        return completed

    def up(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.pulumi("up", "--yes", "--non-interactive", "--skip-preview", *args, check=check)

    def preview(self, *args: str) -> list[Step]:
        """The resource steps a preview plans (``same`` included), from ``pulumi preview --json``."""
        completed = self.pulumi("preview", "--json", "--non-interactive", *args)
        return [_step(raw) for raw in json.loads(completed.stdout).get("steps", [])
                if raw.get("op") and not raw["urn"].split("::")[-2].startswith("pulumi:")]

    def changes(self, *args: str) -> list[Step]:
        """The steps of a preview that change something."""
        return [step for step in self.preview(*args) if step.op not in ("same", "read")]

    def assert_no_changes(self) -> None:
        """A fresh ``pulumi preview --expect-no-changes`` passes, as Terraform checks an empty plan after every step."""
        self.pulumi("preview", "--expect-no-changes", "--non-interactive")

    def refresh(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.pulumi("refresh", "--yes", "--non-interactive", "--skip-preview", *args)

    def destroy(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.pulumi("destroy", "--yes", "--non-interactive", "--skip-preview", *args, check=check)

    def export(self, *args: str) -> dict[str, Any]:
        return json.loads(self.pulumi("stack", "export", *args).stdout)

    def resources(self, type_: str = OFFER_TYPE) -> dict[str, dict[str, Any]]:
        """The state's resources of one type, by resource name."""
        deployment = self.export()["deployment"]
        return {resource["urn"].rsplit("::", 1)[-1]: resource for resource in deployment.get("resources", [])
                if resource["type"] == type_}

    def outputs(self) -> dict[str, Any]:
        return json.loads(self.pulumi("stack", "output", "--json", "--show-secrets").stdout)

    def grpc_calls(self, method: Optional[str] = None) -> list[dict[str, Any]]:
        """The plugin calls recorded so far (``record_grpc=True``), oldest first."""
        if not self.grpc_log.exists():
            return []
        calls = [json.loads(line) for line in self.grpc_log.read_text().splitlines()]
        return [call for call in calls if method is None or call["method"] == method]

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start ``pulumi <args>`` without waiting (for interrupting it); its output goes to files beside the project."""
        out = open(self.root.parent / "interrupted.out", "w")
        return subprocess.Popen(["pulumi", *args], cwd=self.root, env=self.env, stdout=out,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)


def interrupt(process: subprocess.Popen[str], sig: signal.Signals, timeout: float = 120) -> None:
    """Send ``sig`` to the CLI (as a terminal's Ctrl+C or a CI runner's kill would) and wait for it to exit."""
    if sig == signal.SIGKILL:
        # A runner's timeout kills the whole process group: the CLI, its language host and plugins.
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _step(raw: dict[str, Any]) -> Step:
    old = (raw.get("oldState") or {}).get("inputs") or {}
    new = (raw.get("newState") or {}).get("inputs") or {}
    changed = sorted(key for key in old.keys() | new.keys()
                     if key != "__provider" and old.get(key) != new.get(key)) if old and new else []
    return Step(op=raw["op"], urn=raw["urn"], changed=changed)
