"""The object store: every kind per (org, sandbox), one lock, deep-copied reads, optional persistence."""

from __future__ import annotations

import copy
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Sequence

import jsonpointer

from . import persistence
from .catalog import Catalog
from .errors import ApiError, bad_request, not_found, problem, validation_failed
from .kinds import BY_NAME, GUARDRAILS, Kind
from .patching import apply_patch
from .references import Referrer, check_targets, named_ids, refuse_if_referenced
from .settings import ServiceConfig
from .shapes import StoredObject, lookup, now, receipt
from .validation import validated

Scope = tuple[str, str]  # (IMS org id, sandbox name)


@dataclass(frozen=True)
class SeedEntry:
    """One object to store as if made in the Adobe UI; `where` names it in errors (`objects[3]`)."""

    kind: Kind
    org: str
    sandbox: str
    body: Any
    client_id: str
    object_id: str | None = None
    where: str = ""


class Store:
    """All objects, isolated per (org, sandbox); every operation is atomic under one lock.

    Ids are unique across the whole store, so one dict per scope holds every kind; an object is
    only ever seen through its own kind (a fallback offer's id is no personalized offer).
    """

    def __init__(self, config: ServiceConfig, data_file: str | Path | None = None) -> None:
        self.config = config
        self.data_file = Path(data_file) if data_file is not None else None
        self._lock = threading.RLock()
        self._scopes: dict[Scope, dict[str, StoredObject]] = {}
        self._seq = 0
        if self.data_file is not None:
            self._load()

    # -- operations -----------------------------------------------------------------------------

    def catalog(self, org: str, sandbox: str) -> Catalog:
        """The item catalog (schema ids, custom attributes) of one org and sandbox."""
        attributes = self.config.sandbox_catalogs.get((org, sandbox), self.config.catalog_attributes)
        return Catalog(org, sandbox, self.config.tenant_id, attributes)

    def create(self, kind: Kind, org: str, sandbox: str, body: Any, client_id: str) -> dict[str, Any]:
        """Validate and store a new object; returns the create receipt. ApiError when refused."""
        fields = self._prepared(kind, body, org, sandbox)
        with self._lock:
            self._check_references(kind, org, sandbox, fields)
            stored = self._insert(kind, org, sandbox, fields, client_id)
            self._save()
            return receipt(stored, org, sandbox)

    def get(self, kind: Kind, org: str, sandbox: str, object_id: str) -> dict[str, Any] | None:
        """The look-up shape of one object of this kind (a private copy), or None."""
        with self._lock:
            stored = self._find(kind, org, sandbox, object_id)
            return copy.deepcopy(lookup(stored, kind, org, sandbox)) if stored else None

    def all(self, kind: Kind, org: str, sandbox: str) -> list[dict[str, Any]]:
        """Look-up shapes of every object of this kind in a sandbox, in creation order (private copies)."""
        return [doc for _, doc in self.numbered(kind, org, sandbox)]

    def numbered(self, kind: Kind | Sequence[Kind], org: str, sandbox: str) -> list[tuple[int, dict[str, Any]]]:
        """(creation sequence, look-up shape) for every object of these kinds: what listing sorts and pages."""
        kinds = {k.name: k for k in ([kind] if isinstance(kind, Kind) else kind)}
        with self._lock:
            return [
                (o.seq, copy.deepcopy(lookup(o, kinds[o.kind], org, sandbox)))
                for o in self._scopes.get((org, sandbox), {}).values()
                if o.kind in kinds
            ]

    def kind_name_of(self, object_id: str) -> str | None:
        """The kind name of the object with this id in any sandbox (ids are unique across the store), or None."""
        with self._lock:
            held = self._holder(object_id)
            return held.kind if held is not None else None

    def find(self, org: str, sandbox: str, object_id: str) -> tuple[str, dict[str, Any]] | None:
        """(kind name, look-up shape) of the object with this id in a sandbox, whatever its kind; or None."""
        with self._lock:
            stored = self._scopes.get((org, sandbox), {}).get(object_id)
            if stored is None:
                return None
            return stored.kind, copy.deepcopy(lookup(stored, BY_NAME[stored.kind], org, sandbox))

    def kind_of(self, kinds: Sequence[Kind], org: str, sandbox: str, object_id: str) -> Kind | None:
        """Which of these kinds the object with this id is in this sandbox, or None."""
        with self._lock:
            stored = self._scopes.get((org, sandbox), {}).get(object_id)
            return next((k for k in kinds if stored is not None and stored.kind == k.name), None)

    def patch(
        self, kind: Kind, org: str, sandbox: str, object_id: str, ops: Any, client_id: str, test_failure_status: int
    ) -> dict[str, Any]:
        """Apply a JSON Patch atomically and re-validate; returns the update receipt. Nothing changes on error."""
        return self._update(
            kind, org, sandbox, object_id, client_id, lambda current: apply_patch(current, ops, test_failure_status)
        )

    def replace(self, kind: Kind, org: str, sandbox: str, object_id: str, body: Any, client_id: str) -> dict[str, Any]:
        """Replace every user field with a whole new body (PUT); returns the update receipt."""
        if kind.put_takes_id and isinstance(body, dict) and "id" in body:
            if body["id"] != object_id:
                raise bad_request(f"the body's id {body['id']!r} is not the id in the path ({object_id})")
            body = {key: value for key, value in body.items() if key != "id"}
        return self._update(kind, org, sandbox, object_id, client_id, lambda current: body)

    def edit(self, kind: Kind, org: str, sandbox: str, object_id: str, changes: Any, client_id: str) -> dict[str, Any]:
        """Change an object as another client (the UI) would, whatever verbs the API offers for its kind.

        `changes` is a JSON Patch array, or a mapping of top-level fields to new values (None removes one).
        """
        if isinstance(changes, dict):

            def merged(current: dict[str, Any]) -> dict[str, Any]:
                result = {**current, **changes}
                return {key: value for key, value in result.items() if value is not None}

            return self._update(kind, org, sandbox, object_id, client_id, merged)
        return self.patch(kind, org, sandbox, object_id, changes, client_id, 400)

    def delete(self, kind: Kind, org: str, sandbox: str, object_id: str) -> bool:
        """Remove an object; False when there is none of this kind with that id; 409 while referenced (if checked)."""
        with self._lock:
            if self._find(kind, org, sandbox, object_id) is None:
                return False
            objects = self._scopes[(org, sandbox)]
            if self.config.referential_integrity:
                refuse_if_referenced(object_id, kind.title, self._referrers(objects, object_id))
            del objects[object_id]
            self._save()
            return True

    def seed(self, entries: Sequence[SeedEntry], skip_existing: bool = False) -> list[dict[str, Any]]:
        """Store objects as if made in the UI, all or none; their look-ups. ValueError naming the entry at fault.

        References are checked (when the setting is on) once all entries are in, so their order
        does not matter. With `skip_existing`, an entry whose id was stored before this call is left
        out (two entries with one id are still refused).
        """
        with self._lock:
            saved = copy.deepcopy(self._scopes), self._seq
            kept = {object_id for objects in self._scopes.values() for object_id in objects} if skip_existing else set()
            made: list[tuple[SeedEntry, StoredObject]] = []
            entry: SeedEntry | None = None
            try:
                for entry in entries:
                    if entry.object_id in kept:
                        continue
                    if entry.object_id is not None and self._holder(entry.object_id) is not None:
                        raise problem(409, f"an object with id {entry.object_id} already exists")
                    fields = self._prepared(entry.kind, entry.body, entry.org, entry.sandbox)
                    made.append(
                        (
                            entry,
                            self._insert(
                                entry.kind, entry.org, entry.sandbox, fields, entry.client_id, entry.object_id
                            ),
                        )
                    )
                for entry, stored in made:
                    self._check_references(entry.kind, entry.org, entry.sandbox, stored.fields)
            except ApiError as err:
                self._scopes, self._seq = saved
                detail = err.body.get("detail", str(err))
                raise ValueError(f"{entry.where}: {detail}" if entry is not None and entry.where else detail) from None
            self._save()
            return [copy.deepcopy(lookup(stored, e.kind, e.org, e.sandbox)) for e, stored in made]

    def clear(self) -> None:
        """Forget every object (and save the empty store when persisting)."""
        with self._lock:
            self._scopes.clear()
            self._save()

    # -- internals ------------------------------------------------------------------------------

    def _prepared(self, kind: Kind, body: Any, org: str, sandbox: str) -> dict[str, Any]:
        """The fields to store: validated (400 otherwise), defaults filled in, normalised as the kind says."""
        fields = copy.deepcopy(validated(kind, body, self.catalog(org, sandbox) if kind.uses_catalog else None))
        if kind.prepare is not None:
            kind.prepare(fields, self.config)
        return fields

    @staticmethod
    def _without_server_paths(kind: Kind, current: dict[str, Any], new: Any) -> Any:
        """An update's fields without the server-owned ones inside them (re-derived after): 400 if it changes one."""
        if not kind.server_paths or not isinstance(new, dict):
            return new
        new = copy.deepcopy(new)
        for pointer in kind.server_paths:
            path = jsonpointer.JsonPointer(pointer)
            parent_path, last = jsonpointer.JsonPointer.from_parts(path.parts[:-1]), path.parts[-1]
            parent = parent_path.resolve(new, None)
            if not isinstance(parent, dict) or last not in parent:
                continue
            if parent[last] != path.resolve(current, None):
                raise validation_failed([f"{pointer[1:].replace('/', '.')} is managed by the server and cannot be set"])
            del parent[last]
        return new

    def _find(self, kind: Kind, org: str, sandbox: str, object_id: str) -> StoredObject | None:
        stored = self._scopes.get((org, sandbox), {}).get(object_id)
        return stored if stored is not None and stored.kind == kind.name else None

    def _holder(self, object_id: str) -> StoredObject | None:
        """The object with this id in any scope (ids are unique across the store)."""
        return next((objects[object_id] for objects in self._scopes.values() if object_id in objects), None)

    def _insert(
        self, kind: Kind, org: str, sandbox: str, fields: dict[str, Any], client_id: str, object_id: str | None = None
    ) -> StoredObject:
        objects = self._scopes.setdefault((org, sandbox), {})
        self._check_guardrails(kind, objects, fields, None)
        moment = now()
        self._seq += 1
        stored = StoredObject(
            kind.name, object_id or self._new_id(kind), self._seq, fields, 1, moment, moment, client_id, client_id
        )
        if kind.derive is not None:
            kind.derive(stored.fields, stored.id)
        objects[stored.id] = stored
        return stored

    def _update(
        self,
        kind: Kind,
        org: str,
        sandbox: str,
        object_id: str,
        client_id: str,
        new_body: Callable[[dict[str, Any]], Any],
    ) -> dict[str, Any]:
        with self._lock:
            stored = self._find(kind, org, sandbox, object_id)
            if stored is None:
                raise not_found(f"no {kind.title} with id {object_id}")
            fields = self._prepared(
                kind, self._without_server_paths(kind, stored.fields, new_body(stored.fields)), org, sandbox
            )
            problems = kind.check_update(stored.fields, fields) if kind.check_update else []
            if problems:
                raise validation_failed(problems)
            if kind.derive is not None:
                kind.derive(fields, stored.id)
            self._check_guardrails(kind, self._scopes[(org, sandbox)], fields, stored)
            self._check_references(kind, org, sandbox, fields)
            stored.fields = fields
            stored.etag += 1
            stored.modified = max(now(), stored.modified)
            stored.last_modified_by_client_id = client_id
            self._save()
            return receipt(stored, org, sandbox, with_dataset=True)

    def _check_guardrails(
        self, kind: Kind, objects: dict[str, StoredObject], fields: dict[str, Any], previous: StoredObject | None
    ) -> None:
        """400 when the object would start counting against a sandbox limit that is already reached."""
        for rail in GUARDRAILS.values():
            if not rail.counted(kind.name, fields) or (previous and rail.counted(kind.name, previous.fields)):
                continue
            limit = self.config.guardrails.get(rail.name, rail.limit)
            if sum(1 for o in objects.values() if rail.counted(o.kind, o.fields)) >= limit:
                raise problem(
                    400,
                    f"the sandbox already holds the maximum of {limit} {rail.noun}",
                    "dps-guardrail-exceeded",
                    "Limit exceeded",
                )

    def _check_references(self, kind: Kind, org: str, sandbox: str, fields: dict[str, Any]) -> None:
        if not self.config.referential_integrity:
            return
        objects = self._scopes.get((org, sandbox), {})
        check_targets(kind, fields, lambda ref: objects[ref].kind if ref in objects else None)

    @staticmethod
    def _referrers(objects: dict[str, StoredObject], target: str) -> list[Referrer]:
        return [
            Referrer(o.id, o.kind, o.fields.get("name"), ref.path)
            for o in objects.values()
            for ref in named_ids(BY_NAME[o.kind], o.fields)
            if ref.id == target
        ]

    def _new_id(self, kind: Kind) -> str:
        """A fresh id, unique across every sandbox (64 random bits; the loop only guards the unlikely clash)."""
        while True:
            candidate = kind.id_prefix + secrets.token_hex(8)
            if self._holder(candidate) is None:
                return candidate

    def _save(self) -> None:
        if self.data_file is None:
            return
        persistence.write_atomically(
            self.data_file,
            {
                "version": persistence.FORMAT_VERSION,
                "seq": self._seq,
                "scopes": [
                    persistence.scope_to_json(org, sandbox, [_to_json(o) for o in objects.values()])
                    for (org, sandbox), objects in self._scopes.items()
                ],
            },
        )

    def _load(self) -> None:
        assert self.data_file is not None
        data = persistence.read(self.data_file)
        if data is None:
            return
        try:
            for scope in data["scopes"]:
                objects = [_from_json(o) for o in persistence.scope_objects(scope)]
                self._scopes[(scope["org"], scope["sandbox"])] = {o.id: o for o in objects}
            self._seq = int(data["seq"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{self.data_file} is damaged: {exc!r}") from exc


def _to_json(obj: StoredObject) -> dict[str, Any]:
    return {
        "kind": obj.kind,
        "id": obj.id,
        "seq": obj.seq,
        "fields": obj.fields,
        "etag": obj.etag,
        "created": obj.created.isoformat(),
        "modified": obj.modified.isoformat(),
        "createdByClientId": obj.created_by_client_id,
        "lastModifiedByClientId": obj.last_modified_by_client_id,
    }


def _from_json(data: dict[str, Any]) -> StoredObject:
    kind = data.get("kind", "fallback-offer")  # version 1 files held fallback offers only
    if kind not in BY_NAME:
        raise ValueError(f"unknown kind {kind!r}")
    return StoredObject(
        kind=kind,
        id=data["id"],
        seq=int(data["seq"]),
        fields=dict(data["fields"]),
        etag=int(data["etag"]),
        created=datetime.fromisoformat(data["created"]),
        modified=datetime.fromisoformat(data["modified"]),
        created_by_client_id=data["createdByClientId"],
        last_modified_by_client_id=data["lastModifiedByClientId"],
    )
