"""The JSON shapes Adobe answers with, for every kind: create/update receipts, look-ups, and derived metadata."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .kinds import Kind

_SANDBOX_NAMESPACE = uuid.UUID("6f1c2a52-5a7e-4f0e-9d3b-0ffe40f0e7d1")


@dataclass
class StoredObject:
    """One object as the store keeps it: its kind, the user-owned fields and the server-managed metadata."""

    kind: str
    id: str
    seq: int  # creation order across the whole store
    fields: dict[str, Any]
    etag: int
    created: datetime
    modified: datetime
    created_by_client_id: str
    last_modified_by_client_id: str


def now() -> datetime:
    """Current UTC time at millisecond precision (what Adobe's timestamps carry)."""
    current = datetime.now(timezone.utc)
    return current.replace(microsecond=current.microsecond // 1000 * 1000)


def receipt_date(moment: datetime) -> str:
    """Receipt style: 2023-09-07T12:47:43.012Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def lookup_date(moment: datetime, style: str = "offset") -> str:
    """Look-up style: 2023-06-08T14:04:41.011+00:00 (the Offer Library pages), or ...Z (style "z")."""
    if style == "z":
        return receipt_date(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def sandbox_id(org: str, sandbox: str) -> str:
    """A stable uuid for an (org, sandbox) pair, as Adobe gives every sandbox an id."""
    return str(uuid.uuid5(_SANDBOX_NAMESPACE, f"{org}\n{sandbox}"))


def dataset_id(org: str, sandbox: str) -> str:
    """A stable 24-hex dataset id for an (org, sandbox) pair (Platform dataset ids look like this)."""
    return hashlib.sha256(f"dataset\n{org}\n{sandbox}".encode()).hexdigest()[:24]


def user_of(client_id: str) -> str:
    """The `createdBy` / `lastModifiedBy` value for a client: its technical account."""
    return f"{client_id}@techacct.adobe.com"


def receipt(obj: StoredObject, org: str, sandbox: str, with_dataset: bool = False) -> dict[str, Any]:
    """What create (and, with `datasetId`, update) answers: the object's metadata only."""
    body: dict[str, Any] = {
        "id": obj.id,
        "sandboxId": sandbox_id(org, sandbox),
        "etag": obj.etag,
        "createdDate": receipt_date(obj.created),
        "lastModifiedDate": receipt_date(obj.modified),
        "createdBy": user_of(obj.created_by_client_id),
        "lastModifiedBy": user_of(obj.last_modified_by_client_id),
        "createdByClientId": obj.created_by_client_id,
        "lastModifiedByClientId": obj.last_modified_by_client_id,
    }
    if with_dataset:
        body["datasetId"] = dataset_id(org, sandbox)
    return body


def lookup(obj: StoredObject, kind: Kind, org: str, sandbox: str) -> dict[str, Any]:
    """What look-up and list answer: metadata (`created`/`modified`, `schemas` where the kind shows them) plus every
    field."""
    body: dict[str, Any] = {
        "created": lookup_date(obj.created, kind.lookup_dates),
        "modified": lookup_date(obj.modified, kind.lookup_dates),
        "etag": obj.etag,
        "schemas": kind.schema if kind.schemas_bare else [kind.schema],
        "createdBy": user_of(obj.created_by_client_id),
        "lastModifiedBy": user_of(obj.last_modified_by_client_id),
        "createdByClientId": obj.created_by_client_id,
        "lastModifiedByClientId": obj.last_modified_by_client_id,
        "sandboxId": sandbox_id(org, sandbox),
        "id": obj.id,
    }
    if kind.schema is None:
        del body["schemas"]
    body.update(obj.fields)
    return body
