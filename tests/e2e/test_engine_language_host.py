"""Our Python language host (tools/pulumi-cli/pulumi-language-python) stops when the engine tells it to.

The engine stops its language host with SIGINT and kills it 5 s later. A command started in the
background by a non-interactive shell or a CI runner inherits SIGINT ignored; a host that kept
ignoring it made every `pulumi up` and `preview` 5 s longer (found running the benchmark in the
background).
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest


@pytest.mark.parametrize("inherited", [signal.SIG_IGN, signal.SIG_DFL], ids=["sigint-ignored", "sigint-default"])
def test_the_language_host_exits_on_the_engines_sigint_whatever_it_inherited(
    pulumi_bin: Path, inherited: signal.Handlers
) -> None:
    host = subprocess.Popen(
        [str(pulumi_bin / "pulumi-language-python"), "127.0.0.1:1"],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, inherited),
    )
    try:
        assert host.stdout is not None and host.stdout.readline().strip().isdigit()  # serving: its port

        host.send_signal(signal.SIGINT)

        assert host.wait(timeout=10) == 128 + signal.SIGINT
    finally:
        if host.poll() is None:
            host.kill()
            host.wait()
        if host.stdout is not None:
            host.stdout.close()
