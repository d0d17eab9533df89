"""Canonical forms: equal intent must compare equal, whatever notation the user or server used."""

import pytest

from provider.core.model import OfferMetadata, canonical_timestamp
from provider.engine.validation import canonical, property_path
from provider.resources.fallback_offer import FALLBACK_OFFER


@pytest.mark.parametrize(
    "written",
    [
        "2026-06-01T00:00:00Z",
        "2026-06-01T00:00:00.000Z",
        "2026-06-01T00:00:00+00:00",
        "2026-06-01T02:00:00+02:00",
        "2026-05-31T19:00:00.000-05:00",
    ],
)
def test_timestamps_of_one_instant_canonicalise_to_adobes_form(written: str) -> None:
    assert canonical_timestamp(written) == "2026-06-01T00:00:00.000+00:00"


def test_receipt_and_lookup_metadata_normalise_to_the_same_outputs() -> None:
    receipt = OfferMetadata.from_api(
        {
            "id": "o1",
            "etag": 2,
            "createdDate": "2023-09-07T12:47:43.012Z",
            "lastModifiedDate": "2023-09-07T12:47:43.012Z",
        }
    )
    lookup = OfferMetadata.from_api(
        {
            "id": "o1",
            "etag": 2.0,
            "created": "2023-09-07T12:47:43.012+00:00",
            "modified": "2023-09-07T12:47:43.012+00:00",
            "schemas": ["x"],
        }
    )
    assert receipt.to_outputs() == lookup.to_outputs()
    assert lookup.to_outputs()["etag"] == 2 and isinstance(lookup.to_outputs()["etag"], int)


def test_canonical_offer_drops_server_fields_and_empty_containers() -> None:
    live = {
        "id": "o1",
        "etag": 3,
        "name": "A",
        "status": "draft",
        "characteristics": {},
        "tags": [],
        "representations": [
            {
                "channel": "https://ns.adobe.com/xdm/channel-types/web",
                "placement": "p",
                "components": [{"type": "text", "format": "text/plain", "content": "hi"}],
            }
        ],
    }
    assert set(canonical(FALLBACK_OFFER, live)) == {"name", "status", "representations"}


def test_property_paths_read_like_the_declaration() -> None:
    assert property_path(("representations", 0, "components", 1, "format")) == "representations[0].components[1].format"
