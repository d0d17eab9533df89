"""Saving the store to a JSON file atomically, and reading it back (this version's files and the older ones)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .kinds import BY_NAME, collection_paths

# Version 2 groups each scope's objects by collection path, each object naming its kind;
# version 1 (fallback offers only) kept them under "offers" without a kind, and is still read.
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)


def write_atomically(path: Path, data: Any) -> None:
    """Write JSON to a temporary file beside `path`, then rename it over `path`: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            json.dump(data, tmp, indent=1, sort_keys=False)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def read(path: Path) -> Any | None:
    """The saved JSON, or None when the file does not exist; ValueError if it is not a store we wrote."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") not in READABLE_VERSIONS:
        raise ValueError(f"{path} is not an offerform emulator data file (versions {READABLE_VERSIONS})")
    return data


def scope_to_json(org: str, sandbox: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
    """One scope as saved: its objects (each with a `kind`) under their collection paths, every path present."""
    by_path: dict[str, list[dict[str, Any]]] = {path: [] for path in collection_paths()}
    for obj in objects:
        by_path[BY_NAME[obj["kind"]].path].append(obj)
    return {"org": org, "sandbox": sandbox, **by_path}


def scope_objects(scope: dict[str, Any]) -> list[dict[str, Any]]:
    """Every saved object of a scope, whatever the file's version."""
    return [obj for path in collection_paths() for obj in scope.get(path, [])]
