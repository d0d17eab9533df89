"""Create, look up and delete fallback offers; routing, methods and the offer-type parameter."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, Callable
from urllib.parse import quote

from offerform_emulator import Emulator, Fault

from .conftest import Dps

ORG, SANDBOX = "TESTORG@AdobeOrg", "prod"
RECEIPT_KEYS = {
    "id",
    "sandboxId",
    "etag",
    "createdDate",
    "lastModifiedDate",
    "createdBy",
    "lastModifiedBy",
    "createdByClientId",
    "lastModifiedByClientId",
}
RECEIPT_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LOOKUP_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")
SCHEMA = "https://ns.adobe.com/experience/offer-management/fallback-offer;version=0.8"


def test_create_answers_201_with_the_receipt(dps: Dps, emulator: Emulator) -> None:
    response = dps.create()
    assert response.status_code == 201
    receipt = response.json()
    assert set(receipt) == RECEIPT_KEYS
    assert re.fullmatch(r"dps:fallback-offer:[0-9a-f]{16}", receipt["id"])
    assert receipt["etag"] == 1
    assert RECEIPT_DATE.match(receipt["createdDate"]) and RECEIPT_DATE.match(receipt["lastModifiedDate"])
    assert receipt["createdBy"] == receipt["lastModifiedBy"] == f"{emulator.client_id}@techacct.adobe.com"
    assert receipt["createdByClientId"] == receipt["lastModifiedByClientId"] == emulator.client_id
    uuid.UUID(receipt["sandboxId"])


def test_sandbox_id_is_stable_for_an_org_and_sandbox(dps: Dps) -> None:
    assert dps.create().json()["sandboxId"] == dps.create().json()["sandboxId"]


def test_each_create_makes_a_new_offer_with_a_new_id(dps: Dps, emulator: Emulator) -> None:
    first, second = dps.create_ok(), dps.create_ok()
    assert first != second
    assert [o["id"] for o in emulator.offers(ORG, SANDBOX)] == [first, second]


def test_lookup_answers_metadata_and_every_field(dps: Dps, body: Callable[..., dict[str, Any]]) -> None:
    offer_id = dps.create_ok()
    response = dps.get(offer_id)
    assert response.status_code == 200
    offer = response.json()
    assert offer["id"] == offer_id
    assert offer["etag"] == 1
    assert offer["schemas"] == [SCHEMA]
    assert LOOKUP_DATE.match(offer["created"]) and LOOKUP_DATE.match(offer["modified"])
    for key in ("createdBy", "lastModifiedBy", "createdByClientId", "lastModifiedByClientId", "sandboxId"):
        assert offer[key]
    for key, value in body().items():
        assert offer[key] == value
    assert "createdDate" not in offer and "lastModifiedDate" not in offer


def test_lookup_dates_are_the_receipt_dates_in_another_format(dps: Dps) -> None:
    receipt = dps.create().json()
    offer = dps.get(receipt["id"]).json()

    def as_time(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    assert as_time(offer["created"]) == as_time(receipt["createdDate"])
    assert as_time(offer["modified"]) == as_time(receipt["lastModifiedDate"])


def test_status_defaults_to_draft_and_is_stored(dps: Dps) -> None:
    offer_id = dps.create_ok(status=None)
    assert dps.get(offer_id).json()["status"] == "draft"


def test_offer_ids_may_be_percent_encoded_in_the_path(dps: Dps) -> None:
    offer_id = dps.create_ok()
    assert dps.get(quote(offer_id, safe="")).json()["id"] == offer_id


def test_lookup_of_an_unknown_id_is_404_with_a_problem_body(dps: Dps) -> None:
    response = dps.get("dps:fallback-offer:0000000000000000")
    assert response.status_code == 404
    problem = response.json()
    assert problem["status"] == 404
    assert problem["type"].startswith("https://ns.adobe.com/aep/errors/")
    assert "dps:fallback-offer:0000000000000000" in problem["detail"]
    assert problem["report"]["requestId"] == response.headers["x-request-id"]


def test_delete_answers_200_with_an_empty_body(dps: Dps) -> None:
    response = dps.delete(dps.create_ok())
    assert response.status_code == 200
    assert response.content == b""


def test_a_deleted_offer_is_gone(dps: Dps, emulator: Emulator) -> None:
    offer_id = dps.create_ok()
    dps.delete(offer_id)
    assert dps.get(offer_id).status_code == 404
    assert emulator.get_offer(ORG, SANDBOX, offer_id) is None


def test_delete_of_an_unknown_id_is_404(dps: Dps) -> None:
    assert dps.delete("dps:fallback-offer:0000000000000000").status_code == 404


def test_delete_twice_is_404_the_second_time(dps: Dps) -> None:
    offer_id = dps.create_ok()
    assert dps.delete(offer_id).status_code == 200
    assert dps.delete(offer_id).status_code == 404


def test_offer_type_is_required(dps: Dps) -> None:
    offer_id = dps.create_ok()
    responses = [dps.list(offer_type=None), dps.create(offer_type=None), dps.get(offer_id, offer_type=None)]
    for response in responses:
        assert response.status_code == 400
        assert "offer-type" in response.json()["detail"]


def test_other_offer_types_are_rejected_naming_the_supported_ones(dps: Dps, emulator: Emulator) -> None:
    response = dps.create(offer_type="bundle")
    assert response.status_code == 400
    assert "fallback" in response.json()["detail"] and "personalized" in response.json()["detail"]
    assert emulator.offers(ORG, SANDBOX) == []


def test_wrong_method_on_the_collection_is_405_with_allow(dps: Dps) -> None:
    response = dps.request("PUT", "/offers", json={})
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "POST"} <= allowed and "PUT" not in allowed
    assert response.json()["status"] == 405


def test_wrong_method_on_an_offer_is_405_with_allow(dps: Dps) -> None:
    response = dps.request("POST", f"/offers/{dps.create_ok()}", json={})
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "PATCH", "DELETE"} <= allowed


def test_unknown_route_under_dps_is_404(dps: Dps) -> None:
    response = dps.request("GET", "/offer-widgets")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_an_offer_seeded_as_from_the_ui_is_visible_over_http(
    dps: Dps, emulator: Emulator, body: Callable[..., dict[str, Any]]
) -> None:
    seeded = emulator.seed_offer(ORG, SANDBOX, body(name="Made in the UI"))
    offer = dps.get(seeded["id"]).json()
    assert offer["name"] == "Made in the UI"
    assert offer["createdByClientId"] == "ui-user-client"
    assert emulator.log.count() == 1  # only the look-up: seeding is not a request


def test_get_offer_and_offers_show_what_http_calls_did(dps: Dps, emulator: Emulator) -> None:
    offer_id = dps.create_ok(name="Seen directly")
    assert emulator.stored("fallback-offer", ORG, SANDBOX, offer_id)["name"] == "Seen directly"
    assert [o["id"] for o in emulator.offers(ORG, SANDBOX)] == [offer_id]


def test_the_log_records_method_path_query_body_and_status(
    dps: Dps, emulator: Emulator, body: Callable[..., dict[str, Any]]
) -> None:
    dps.create()
    (entry,) = emulator.log.entries(service="dps")
    assert (entry.method, entry.path, entry.status, entry.service) == ("POST", "/data/core/dps/offers", 201, "dps")
    assert entry.query == {"offer-type": ["fallback"]}
    assert entry.body == body()
    assert entry.fault is None and entry.duration >= 0
    assert emulator.log.count(method="POST") == 1
    assert emulator.log.count(method="GET") == 0
    assert emulator.log.count(path_prefix="/data/core/dps/offers") == 1


def test_the_log_keeps_a_body_that_is_not_json_as_text(dps: Dps, emulator: Emulator) -> None:
    dps.request("POST", "/offers", data="name=oops")
    assert emulator.log.entries()[-1].body == "name=oops"


def test_reset_empties_store_log_faults_and_tokens(emulator: Emulator, dps: Dps) -> None:
    dps.create_ok()
    emulator.faults.add(Fault("status", status=503))
    emulator.test_failure_status = 409
    emulator.reset()
    assert emulator.offers(ORG, SANDBOX) == []
    assert emulator.log.entries() == []
    assert emulator.tokens_issued == 0
    assert emulator.test_failure_status == 400
    assert dps.list().status_code == 401  # old tokens are gone, and no fault answers 503


def test_reset_can_keep_the_issued_tokens(emulator: Emulator, dps: Dps) -> None:
    dps.create_ok()
    emulator.reset(keep_tokens=True)
    assert emulator.offers(ORG, SANDBOX) == []
    assert emulator.tokens_issued == 1
    assert dps.list().status_code == 200
