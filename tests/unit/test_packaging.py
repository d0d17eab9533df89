"""What ``pip install`` of the project installs: every package of provider/ and emulator/, and their type markers."""

from __future__ import annotations

from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[2]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def _packages_under(directory: str, installed_as: str) -> set[str]:
    base = ROOT / directory
    return {
        ".".join([installed_as, *init.parent.relative_to(base).parts])
        for init in base.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def test_every_package_and_subpackage_is_installed() -> None:
    # A subpackage left out installs fine and then fails on import (provider.resources once did).
    assert set(SETUPTOOLS["packages"]) == _packages_under("provider", "provider") | _packages_under(
        "emulator", "offerform_emulator"
    )


def test_both_top_level_packages_ship_their_py_typed_marker() -> None:
    assert (ROOT / "provider" / "py.typed").is_file() and (ROOT / "emulator" / "py.typed").is_file()
    assert SETUPTOOLS["package-data"] == {"provider": ["py.typed"], "offerform_emulator": ["py.typed"]}
