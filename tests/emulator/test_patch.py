"""PATCH with an RFC 6902 array: every operation applies, or nothing changes."""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest
from offerform_emulator import Emulator

from .conftest import Dps

ORG, SANDBOX = "TESTORG@AdobeOrg", "prod"


def _replace(path: str, value: Any) -> dict[str, Any]:
    return {"op": "replace", "path": path, "value": value}


def test_replace_answers_the_receipt_with_a_dataset_id(dps: Dps, emulator: Emulator) -> None:
    offer_id = dps.create_ok()
    response = dps.patch(
        offer_id,
        [_replace("/name", "Updated fallback offer"), _replace("/description", "Updated fallback offer description")],
    )
    assert response.status_code == 200
    receipt = response.json()
    assert set(receipt) == {
        "id",
        "sandboxId",
        "etag",
        "createdDate",
        "lastModifiedDate",
        "createdBy",
        "lastModifiedBy",
        "createdByClientId",
        "lastModifiedByClientId",
        "datasetId",
    }
    assert receipt["id"] == offer_id and receipt["etag"] == 2
    assert re.fullmatch(r"[0-9a-f]{24}", receipt["datasetId"])
    offer = dps.get(offer_id).json()
    assert offer["name"] == "Updated fallback offer"
    assert offer["description"] == "Updated fallback offer description"


def test_every_change_increments_the_etag(dps: Dps) -> None:
    offer_id = dps.create_ok()
    etags = [dps.patch(offer_id, [_replace("/name", f"v{i}")]).json()["etag"] for i in range(3)]
    assert etags == [2, 3, 4]
    assert dps.get(offer_id).json()["etag"] == 4


def test_patch_updates_the_modified_date_but_not_the_created_one(dps: Dps) -> None:
    receipt = dps.create().json()
    patched = dps.patch(receipt["id"], [_replace("/name", "later")]).json()
    assert patched["createdDate"] == receipt["createdDate"]
    assert patched["lastModifiedDate"] >= receipt["lastModifiedDate"]


def test_last_modified_by_follows_the_patching_client(
    dps: Dps, emulator: Emulator, body: Callable[..., dict[str, Any]]
) -> None:
    seeded = emulator.seed_offer(ORG, SANDBOX, body())
    receipt = dps.patch(seeded["id"], [_replace("/name", "touched by the API")]).json()
    assert receipt["createdByClientId"] == "ui-user-client"
    assert receipt["lastModifiedByClientId"] == emulator.client_id
    assert receipt["lastModifiedBy"] == f"{emulator.client_id}@techacct.adobe.com"


def test_add_remove_copy_and_move(dps: Dps) -> None:
    offer_id = dps.create_ok()
    response = dps.patch(
        offer_id,
        [
            {"op": "add", "path": "/characteristics/size", "value": "large"},
            {"op": "remove", "path": "/characteristics/season"},
            {"op": "copy", "from": "/name", "path": "/description"},
            {"op": "add", "path": "/tags", "value": ["xcore:tag:a"]},
            {"op": "move", "from": "/characteristics/size", "path": "/characteristics/fit"},
        ],
    )
    assert response.status_code == 200, response.text
    offer = dps.get(offer_id).json()
    assert offer["characteristics"] == {"fit": "large"}
    assert offer["description"] == offer["name"]
    assert offer["tags"] == ["xcore:tag:a"]


def test_pointers_escape_slashes_in_keys(dps: Dps) -> None:
    offer_id = dps.create_ok()
    dps.patch(offer_id, [{"op": "add", "path": "/characteristics/a~1b", "value": "slash"}])
    assert dps.get(offer_id).json()["characteristics"]["a/b"] == "slash"


def test_a_passing_test_op_lets_the_patch_apply(dps: Dps) -> None:
    offer_id = dps.create_ok()
    response = dps.patch(
        offer_id, [{"op": "test", "path": "/name", "value": "Spring fallback"}, _replace("/name", "Summer fallback")]
    )
    assert response.status_code == 200
    assert dps.get(offer_id).json()["name"] == "Summer fallback"


def test_a_failing_test_op_changes_nothing(dps: Dps) -> None:
    offer_id = dps.create_ok()
    before = dps.get(offer_id).json()
    response = dps.patch(
        offer_id,
        [
            _replace("/description", "changed first"),
            {"op": "test", "path": "/name", "value": "Not the name"},
            _replace("/name", "Summer fallback"),
        ],
    )
    assert response.status_code == 400
    assert dps.get(offer_id).json() == before


def test_a_failing_test_op_names_its_path(dps: Dps) -> None:
    response = dps.patch(dps.create_ok(), [{"op": "test", "path": "/characteristics/season", "value": "winter"}])
    problem = response.json()
    assert "/characteristics/season" in problem["detail"]
    assert problem["type"].endswith("dps-patch-test-failed")


@pytest.mark.parametrize("status", [409, 412, 422])
def test_a_failing_test_op_answers_the_configured_status(dps: Dps, emulator: Emulator, status: int) -> None:
    emulator.test_failure_status = status
    response = dps.patch(dps.create_ok(), [{"op": "test", "path": "/name", "value": "other"}])
    assert response.status_code == status
    assert response.json()["status"] == status


def test_a_test_op_on_a_missing_path_is_a_failed_test(dps: Dps, emulator: Emulator) -> None:
    emulator.test_failure_status = 409
    response = dps.patch(dps.create_ok(), [{"op": "test", "path": "/characteristics/nothing", "value": "x"}])
    assert response.status_code == 409


def test_an_invalid_pointer_fails_the_whole_patch(dps: Dps) -> None:
    offer_id = dps.create_ok()
    before = dps.get(offer_id).json()
    response = dps.patch(
        offer_id, [_replace("/name", "changed"), {"op": "remove", "path": "/characteristics/does-not-exist"}]
    )
    assert response.status_code == 400
    assert "/characteristics/does-not-exist" in response.json()["detail"]
    assert dps.get(offer_id).json() == before


def test_a_pointer_without_a_leading_slash_is_400(dps: Dps) -> None:
    assert dps.patch(dps.create_ok(), [_replace("name", "x")]).status_code == 400


def test_an_unknown_op_is_400(dps: Dps) -> None:
    response = dps.patch(dps.create_ok(), [{"op": "merge", "path": "/name", "value": "x"}])
    assert response.status_code == 400
    assert "op must be one of" in response.json()["detail"]


def test_an_op_without_a_value_is_400(dps: Dps) -> None:
    assert dps.patch(dps.create_ok(), [{"op": "replace", "path": "/name"}]).status_code == 400


@pytest.mark.parametrize(
    "path", ["/id", "/etag", "/created", "/modified", "/schemas", "/createdBy", "/lastModifiedByClientId", "/sandboxId"]
)
def test_server_fields_cannot_be_patched(dps: Dps, path: str) -> None:
    offer_id = dps.create_ok()
    response = dps.patch(offer_id, [_replace(path, "x")])
    assert response.status_code == 400
    assert path in response.json()["detail"]
    assert dps.get(offer_id).json()["etag"] == 1


def test_the_patched_offer_is_validated_again(dps: Dps) -> None:
    offer_id = dps.create_ok()
    before = dps.get(offer_id).json()
    response = dps.patch(offer_id, [{"op": "remove", "path": "/name"}])
    assert response.status_code == 400
    assert "name is required" in response.json()["detail"]
    assert dps.get(offer_id).json() == before


def test_patching_in_an_unknown_status_is_400(dps: Dps) -> None:
    response = dps.patch(dps.create_ok(), [_replace("/status", "live")])
    assert response.status_code == 400
    assert "status" in response.json()["detail"]


def test_patching_a_representation_is_validated(dps: Dps) -> None:
    response = dps.patch(dps.create_ok(), [{"op": "remove", "path": "/representations/0/channel"}])
    assert response.status_code == 400
    assert "representations[0].channel is required" in response.json()["detail"]


def test_removing_the_status_makes_it_draft_again(dps: Dps) -> None:
    offer_id = dps.create_ok(status="approved")
    dps.patch(offer_id, [{"op": "remove", "path": "/status"}])
    assert dps.get(offer_id).json()["status"] == "draft"


def test_an_empty_patch_array_is_400(dps: Dps) -> None:
    assert dps.patch(dps.create_ok(), []).status_code == 400


def test_a_body_that_is_not_an_array_is_400(dps: Dps) -> None:
    response = dps.patch(dps.create_ok(), {"op": "replace", "path": "/name", "value": "x"})
    assert response.status_code == 400
    assert "array" in response.json()["detail"]


def test_a_body_that_is_not_json_is_400(dps: Dps) -> None:
    response = dps.request(
        "PATCH", f"/offers/{dps.create_ok()}", data="replace name", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_patch_of_an_unknown_id_is_404(dps: Dps) -> None:
    assert dps.patch("dps:fallback-offer:0000000000000000", [_replace("/name", "x")]).status_code == 404


def test_json_patch_content_type_is_accepted(dps: Dps) -> None:
    offer_id = dps.create_ok()
    response = dps.request(
        "PATCH",
        f"/offers/{offer_id}",
        data='[{"op":"replace","path":"/name","value":"y"}]',
        headers={"Content-Type": "application/json-patch+json"},
    )
    assert response.status_code == 200
