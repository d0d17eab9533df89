"""The service's settings: what the constructor, the CLI and tests (while the server runs) may change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

# How list answers write their `_links` hrefs: relative to the dps base URL (`/offers?...`, the
# documented examples), root-relative (`/data/core/dps/offers?...`) or absolute (`http://host/...`).
LINK_FORMS = ("api", "root", "absolute")
# How a ranking formula's `returnType.type` is stored: upper-case as the look-up page shows, or as sent.
RETURN_TYPE_CASES = ("upper", "as-sent")


@dataclass
class ServiceConfig:
    """Settings of the Offer Library that tests may change while the server runs."""

    test_failure_status: int = 400
    default_page_size: int = 20
    max_page_size: int = 100
    link_form: str = "api"
    referential_integrity: bool = False
    return_type_case: str = "upper"
    # Guardrail name -> limit, over kinds.GUARDRAILS' defaults.
    guardrails: dict[str, int] = field(default_factory=dict)
    # The only sandboxes that exist (any other x-sandbox-name is refused by the gateway); None: every one.
    sandboxes: Optional[frozenset[str]] = None
    # The item catalog: the tenant id (its `_<tenant>` key), the custom attributes every sandbox's catalog
    # schema defines (normalised, catalog.normalise_attributes) and, per (org, sandbox), ones that differ.
    tenant_id: str = "offerform"
    catalog_attributes: dict[str, Any] = field(default_factory=dict)
    sandbox_catalogs: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
