"""The CLI we build, the language host and the SDK we test with are one Pulumi release."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GO_MOD = (ROOT / "tools" / "pulumi-cli" / "go.mod").read_text()


def _go_requirement(module: str) -> str:
    match = re.search(rf"^\s*{re.escape(module)} v(\S+)", GO_MOD, re.MULTILINE)
    assert match, f"{module} is not required by tools/pulumi-cli/go.mod"
    return match.group(1)


def test_requirements_pin_the_python_sdk_to_the_release_the_cli_is_built_from() -> None:
    pinned = re.search(r"^pulumi==(\S+)", (ROOT / "requirements.txt").read_text(), re.MULTILINE)

    assert pinned, "requirements.txt must pin pulumi exactly"
    assert pinned.group(1) == _go_requirement("github.com/pulumi/pulumi/pkg/v3")
    assert pinned.group(1) == _go_requirement("github.com/pulumi/pulumi/sdk/v3")


def test_the_build_script_reports_the_pinned_version() -> None:
    reported = subprocess.run(
        [str(ROOT / "tools" / "pulumi-cli" / "build.sh"), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert reported == _go_requirement("github.com/pulumi/pulumi/pkg/v3")


def test_the_installed_sdk_is_the_pinned_one() -> None:
    from importlib.metadata import version

    assert version("pulumi") == _go_requirement("github.com/pulumi/pulumi/sdk/v3")
