"""Seed files: objects "made in the UI" (by another client than the accepted one), loaded at start.

The format (JSON; every key but `objects` and each object's `kind` and `body` is optional):

    {
      "org": "DEMO0000000000000000@AdobeOrg",   default IMS org of the objects
      "sandbox": "prod",                        default sandbox of the objects
      "clientId": "ui-user-client",             default client id they were made by
      "objects": [
        {"kind": "placement", "id": "dps:offer-placement:web-banner", "body": {...}},
        {"kind": "fallback-offer", "sandbox": "dev", "clientId": "someone-else", "body": {...}}
      ]
    }

`kind` is a stable kind name (KINDS.md); `id`, when given, is the object's id (so other objects of
the file can name it) and must be unique; `body` is what a create would send.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .kinds import kind_named
from .store import SeedEntry

DEFAULT_SEED_CLIENT_ID = "ui-user-client"
_TOP_KEYS = frozenset({"org", "sandbox", "clientId", "objects"})
_OBJECT_KEYS = frozenset({"kind", "id", "org", "sandbox", "clientId", "body"})


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be a non-empty string")
    return value


def parse(data: Any, client_id: str | None = None, source: str = "seed") -> list[SeedEntry]:
    """The entries of a parsed seed document; `client_id` overrides the file's default. ValueError if malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("objects"), list):
        raise ValueError(f'{source}: a seed file is a JSON object with an "objects" array')
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ValueError(f"{source}: unknown keys {', '.join(unknown)}")
    default_client = client_id or data.get("clientId") or DEFAULT_SEED_CLIENT_ID
    entries: list[SeedEntry] = []
    for index, item in enumerate(data["objects"]):
        where = f"{source}: objects[{index}]"
        if not isinstance(item, dict):
            raise ValueError(f"{where} must be an object")
        if set(item) - _OBJECT_KEYS:
            raise ValueError(f"{where}: unknown keys {', '.join(sorted(set(item) - _OBJECT_KEYS))}")
        try:
            kind = kind_named(_text(item.get("kind"), f"{where}.kind"))
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        object_id = item.get("id")
        entries.append(
            SeedEntry(
                kind=kind,
                org=_text(item.get("org", data.get("org")), f"{where}.org (or a top-level org)"),
                sandbox=_text(item.get("sandbox", data.get("sandbox")), f"{where}.sandbox (or a top-level sandbox)"),
                body=item.get("body"),
                client_id=_text(item.get("clientId", default_client), f"{where}.clientId"),
                object_id=None if object_id is None else _text(object_id, f"{where}.id"),
                where=where,
            )
        )
    return entries


def read(path: str | Path, client_id: str | None = None) -> list[SeedEntry]:
    """The entries of a seed file; ValueError if it cannot be read or is malformed."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read the seed file {path}: {exc}") from None
    return parse(data, client_id, str(path))
