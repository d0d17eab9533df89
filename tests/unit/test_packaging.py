"""What ``pip install`` of the project installs: every package of provider/ and emulator/, and their type markers."""

from __future__ import annotations

import os
from pathlib import Path

import tomllib
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
INSTALLED_FROM = ROOT / SETUPTOOLS["package-dir"][""]


def _packages_under(directory: str, installed_as: str) -> set[str]:
    base = ROOT / directory
    return {
        ".".join([installed_as, *init.parent.relative_to(base).parts])
        for init in base.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def test_the_installed_folder_links_each_package_to_its_source() -> None:
    # One symlink per package, each named as it installs: so an editable install is one plain .pth line.
    links = {path.name: os.readlink(path) for path in INSTALLED_FROM.iterdir() if path.is_symlink()}
    assert links == {"provider": "../../provider", "offerform_emulator": "../../emulator"}
    assert SETUPTOOLS["packages"]["find"]["where"] == [SETUPTOOLS["package-dir"][""]]


def test_every_package_and_subpackage_is_installed() -> None:
    # A subpackage left out installs fine and then fails on import (provider.resources once did).
    assert set(find_packages(str(INSTALLED_FROM))) == _packages_under("provider", "provider") | _packages_under(
        "emulator", "offerform_emulator"
    )


def test_both_top_level_packages_ship_their_py_typed_marker() -> None:
    assert (ROOT / "provider" / "py.typed").is_file() and (ROOT / "emulator" / "py.typed").is_file()
    assert SETUPTOOLS["package-data"] == {"provider": ["py.typed"], "offerform_emulator": ["py.typed"]}
