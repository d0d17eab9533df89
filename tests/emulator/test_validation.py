"""Offer validation on create: Adobe-style 400 answers that name the offending property."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from offerform_emulator import Emulator

from .conftest import Dps
from .samples import with_overrides

ORG, SANDBOX = "TESTORG@AdobeOrg", "prod"
Body = Callable[..., dict[str, Any]]


def _representation(**overrides: Any) -> dict[str, Any]:
    rep: dict[str, Any] = {
        "channel": "https://ns.adobe.com/xdm/channel-types/email",
        "placement": "xcore:offer-placement:1",
        "components": [{"type": "html", "format": "text/html", "content": "<p>hi</p>"}],
    }
    return with_overrides(rep, overrides)


def _rejected(dps: Dps, payload: Any) -> str:
    """Create with `payload`, expect 400 with an RFC 7807 body, and return its detail."""
    response = dps.create(payload)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["status"] == 400 and problem["type"].startswith("https://ns.adobe.com/aep/errors/")
    assert problem["title"]
    return str(problem["detail"])


def test_the_documented_full_offer_is_accepted(dps: Dps, body: Body) -> None:
    payload = body(
        tags=["xcore:tag:1", "xcore:tag:2"],
        rank={"priority": 0},
        selectionConstraint={
            "startDate": "2022-07-27T05:00:00.000+00:00",
            "endDate": "2022-07-30T04:00:00.000+00:00",
            "profileConstraintType": "none",
        },
        representations=[
            _representation(),
            _representation(
                components=[
                    {"type": "json", "format": "application/json", "content": "{}", "language": ["en-us", "fr-fr"]}
                ]
            ),
        ],
    )
    offer_id = dps.create(payload).json()["id"]
    stored = dps.get(offer_id).json()
    for key, value in payload.items():
        assert stored[key] == value


def test_selection_constraint_keeps_extra_keys(dps: Dps, body: Body) -> None:
    offer_id = dps.create_ok(selectionConstraint={"startDate": "2022-01-01", "custom": {"x": 1}})
    assert dps.get(offer_id).json()["selectionConstraint"]["custom"] == {"x": 1}


def test_missing_name_is_400_naming_name(dps: Dps, body: Body) -> None:
    assert "name is required" in _rejected(dps, body(name=None))


def test_blank_name_is_400(dps: Dps, body: Body) -> None:
    assert "name" in _rejected(dps, body(name="   "))


def test_name_longer_than_256_characters_is_400(dps: Dps, body: Body) -> None:
    assert "256" in _rejected(dps, body(name="x" * 257))


def test_name_must_be_a_string(dps: Dps, body: Body) -> None:
    assert "name must be a string" in _rejected(dps, body(name=42))


def test_unknown_status_is_400_listing_the_allowed_ones(dps: Dps, body: Body) -> None:
    detail = _rejected(dps, body(status="live"))
    assert "status" in detail and "draft" in detail and "approved" in detail and "archived" in detail


def test_missing_representations_is_400(dps: Dps, body: Body) -> None:
    assert "representations is required" in _rejected(dps, body(representations=None))


def test_empty_representations_is_400(dps: Dps, body: Body) -> None:
    assert "representations" in _rejected(dps, body(representations=[]))


def test_representation_without_channel_names_its_path(dps: Dps, body: Body) -> None:
    detail = _rejected(dps, body(representations=[_representation(), _representation(channel=None)]))
    assert "representations[1].channel is required" in detail


def test_representation_without_placement_names_its_path(dps: Dps, body: Body) -> None:
    assert "representations[0].placement is required" in _rejected(
        dps, body(representations=[_representation(placement=None)])
    )


def test_representation_without_components_names_its_path(dps: Dps, body: Body) -> None:
    assert "representations[0].components is required" in _rejected(
        dps, body(representations=[_representation(components=None)])
    )


def test_representation_with_empty_components_is_400(dps: Dps, body: Body) -> None:
    assert "representations[0].components" in _rejected(dps, body(representations=[_representation(components=[])]))


@pytest.mark.parametrize("missing", ["type", "format"])
def test_component_without_type_or_format_names_its_path(dps: Dps, body: Body, missing: str) -> None:
    component = {"type": "html", "format": "text/html"}
    del component[missing]
    detail = _rejected(dps, body(representations=[_representation(components=[component])]))
    assert f"representations[0].components[0].{missing} is required" in detail


def test_unknown_key_in_a_representation_is_400(dps: Dps, body: Body) -> None:
    detail = _rejected(dps, body(representations=[_representation(colour="red")]))
    assert "representations[0].colour" in detail


def test_unknown_key_in_a_component_is_400(dps: Dps, body: Body) -> None:
    component = {"type": "html", "format": "text/html", "size": 3}
    detail = _rejected(dps, body(representations=[_representation(components=[component])]))
    assert "representations[0].components[0].size" in detail


def test_component_language_must_be_a_list_of_strings(dps: Dps, body: Body) -> None:
    component = {"type": "html", "format": "text/html", "language": "en-us"}
    assert "language" in _rejected(dps, body(representations=[_representation(components=[component])]))


def test_unknown_top_level_field_is_400_naming_it(dps: Dps, body: Body) -> None:
    assert "priorityScore" in _rejected(dps, body(priorityScore=3))


@pytest.mark.parametrize(
    "field,value", [("id", "dps:fallback-offer:1"), ("etag", 1), ("sandboxId", "x"), ("created", "2023-01-01")]
)
def test_server_fields_in_a_create_body_are_400(dps: Dps, body: Body, field: str, value: Any) -> None:
    assert f"{field} is managed by the server" in _rejected(dps, body(**{field: value}))


def test_characteristic_values_must_be_strings(dps: Dps, body: Body) -> None:
    assert "characteristics.count" in _rejected(dps, body(characteristics={"count": 3}))


def test_at_most_20_tags(dps: Dps, body: Body) -> None:
    assert dps.create(body(tags=[f"xcore:tag:{i}" for i in range(20)])).status_code == 201
    assert "20" in _rejected(dps, body(tags=[f"xcore:tag:{i}" for i in range(21)]))


def test_rank_priority_must_be_an_integer(dps: Dps, body: Body) -> None:
    assert "rank.priority" in _rejected(dps, body(rank={"priority": "high"}))


def test_every_problem_is_reported_at_once(dps: Dps, body: Body) -> None:
    detail = _rejected(dps, body(name=None, status="live", representations=[_representation(channel=None)]))
    assert "name is required" in detail and "status" in detail and "representations[0].channel" in detail


def test_a_body_that_is_not_json_is_400(dps: Dps) -> None:
    response = dps.request("POST", "/offers", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_an_empty_body_is_400(dps: Dps) -> None:
    response = dps.request("POST", "/offers", data=b"", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_a_json_array_is_not_an_offer(dps: Dps) -> None:
    assert "JSON object" in _rejected(dps, [{"name": "x"}])


def test_an_invalid_create_stores_nothing(dps: Dps, emulator: Emulator, body: Body) -> None:
    dps.create(body(name=None))
    assert emulator.offers(ORG, SANDBOX) == []


def test_validation_problem_carries_the_request_id(dps: Dps, body: Body) -> None:
    response = dps.create(body(name=None))
    assert response.json()["report"]["requestId"] == response.headers["x-request-id"]


def test_a_sandbox_holds_at_most_max_offers_per_sandbox(
    new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps], body: Body
) -> None:
    with Emulator(max_offers_per_sandbox=2) as emu:
        client = dps_for(emu, new_token(emu))
        assert [client.create(body()).status_code for _ in range(2)] == [201, 201]
        response = client.create(body())
        assert response.status_code == 400
        assert "maximum of 2 offers" in response.json()["detail"]
        assert dps_for(emu, new_token(emu), sandbox="other").create(body()).status_code == 201


def test_seeding_an_invalid_offer_raises_value_error(emulator: Emulator, body: Body) -> None:
    with pytest.raises(ValueError, match="name is required"):
        emulator.seed_offer(ORG, SANDBOX, body(name=None))
