"""The JSON shapes Adobe answers with: create/update receipts, look-up documents, and derived metadata."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

SCHEMA = "https://ns.adobe.com/experience/offer-management/fallback-offer;version=0.8"
ID_PREFIX = "dps:fallback-offer:"
_SANDBOX_NAMESPACE = uuid.UUID("6f1c2a52-5a7e-4f0e-9d3b-0ffe40f0e7d1")


@dataclass
class StoredOffer:
    """One offer as the store keeps it: the user-owned fields plus the server-managed metadata."""

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


def lookup_date(moment: datetime) -> str:
    """Look-up style: 2023-06-08T14:04:41.011+00:00."""
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


def receipt(offer: StoredOffer, org: str, sandbox: str, with_dataset: bool = False) -> dict[str, Any]:
    """What create (and, with `datasetId`, update) answers: the offer's metadata only."""
    body: dict[str, Any] = {
        "id": offer.id,
        "sandboxId": sandbox_id(org, sandbox),
        "etag": offer.etag,
        "createdDate": receipt_date(offer.created),
        "lastModifiedDate": receipt_date(offer.modified),
        "createdBy": user_of(offer.created_by_client_id),
        "lastModifiedBy": user_of(offer.last_modified_by_client_id),
        "createdByClientId": offer.created_by_client_id,
        "lastModifiedByClientId": offer.last_modified_by_client_id,
    }
    if with_dataset:
        body["datasetId"] = dataset_id(org, sandbox)
    return body


def lookup(offer: StoredOffer, org: str, sandbox: str) -> dict[str, Any]:
    """What look-up and list answer: metadata (`created`/`modified`, `schemas`) plus every offer field."""
    body: dict[str, Any] = {
        "created": lookup_date(offer.created),
        "modified": lookup_date(offer.modified),
        "etag": offer.etag,
        "schemas": [SCHEMA],
        "createdBy": user_of(offer.created_by_client_id),
        "lastModifiedBy": user_of(offer.last_modified_by_client_id),
        "createdByClientId": offer.created_by_client_id,
        "lastModifiedByClientId": offer.last_modified_by_client_id,
        "sandboxId": sandbox_id(org, sandbox),
        "id": offer.id,
    }
    body.update(offer.fields)
    return body
