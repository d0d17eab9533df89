"""What every kind of the family does alike: each test runs once per kind (the `kind` fixture)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any, Callable

import pytest
import requests
from offerform_emulator import Emulator, Fault
from offerform_emulator.kinds import kind_named

from .conftest import ORG, SANDBOX, Library, get_token
from .samples import KIND_NAMES, name_of, name_path, name_pointer, sample

PATCHABLE = [kind for kind in KIND_NAMES if kind_named(kind).patches]
DELETABLE = [kind for kind in KIND_NAMES if kind_named(kind).deletes]

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
LOOKUP_DATE = {"offset": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$"), "z": RECEIPT_DATE}


def _holds(actual: Any, sent: Any) -> bool:
    """Whether `actual` holds everything `sent` did (objects may gain server-owned keys, such as `itemID`)."""
    if isinstance(sent, dict):
        return isinstance(actual, dict) and all(key in actual and _holds(actual[key], v) for key, v in sent.items())
    return bool(actual == sent)


def _replace(path: str, value: Any) -> dict[str, Any]:
    return {"op": "replace", "path": path, "value": value}


# -- create and look up ------------------------------------------------------------------------------


def test_create_answers_201_with_the_receipt_and_an_id_of_the_kind(lib: Library, emulator: Emulator) -> None:
    response = lib.create()
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert set(receipt) == RECEIPT_KEYS
    assert re.fullmatch(re.escape(kind_named(lib.kind).id_prefix) + r"[0-9a-f]{16}", receipt["id"])
    assert receipt["etag"] == 1 and RECEIPT_DATE.match(receipt["createdDate"])
    assert receipt["createdByClientId"] == receipt["lastModifiedByClientId"] == emulator.client_id
    uuid.UUID(receipt["sandboxId"])


def test_lookup_answers_metadata_the_kinds_schema_and_every_field_sent(lib: Library) -> None:
    object_id = lib.create_ok()
    found = lib.get(object_id)
    assert found.status_code == 200
    body = found.json()
    assert body["id"] == object_id and body["etag"] == 1
    schema = kind_named(lib.kind).schema
    if schema is None:
        assert "schemas" not in body
    else:
        assert body["schemas"] == (schema if kind_named(lib.kind).schemas_bare else [schema])
    dates = LOOKUP_DATE[kind_named(lib.kind).lookup_dates]
    assert dates.match(body["created"]) and dates.match(body["modified"])
    assert _holds(body, sample(lib.kind))
    assert "createdDate" not in body


def test_a_list_shows_look_up_shapes_of_its_kind_only_in_creation_order(
    lib: Library, client_for: Callable[..., Library]
) -> None:
    ids = [lib.create_ok(name=f"item {i}") for i in range(3)]
    for other in ("fallback-offer", "placement"):
        if other != lib.kind:
            client_for(other).create_ok()
    results = lib.list().json()["results"]
    assert [r["id"] for r in results] == ids
    assert results[0] == lib.get(ids[0]).json()


def test_an_unknown_id_is_404_naming_the_kind(lib: Library) -> None:
    missing = kind_named(lib.kind).id_prefix + "0000000000000000"
    calls = [lib.get(missing), lib.update_name(missing, "x")] + ([lib.delete(missing)] if lib.kind in DELETABLE else [])
    for response in calls:
        assert response.status_code == 404
        assert kind_named(lib.kind).title in response.json()["detail"] and missing in response.json()["detail"]


def test_an_invalid_body_is_400_naming_its_path_and_stores_nothing(lib: Library, emulator: Emulator) -> None:
    response = lib.create(sample(lib.kind, name=None, colour="red"))
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert f"{name_path(lib.kind)} is required" in detail and "colour is not a known property" in detail
    assert emulator.objects(lib.kind, ORG, SANDBOX) == []


def test_server_fields_in_a_body_are_refused(lib: Library) -> None:
    assert "etag is managed by the server" in lib.create(sample(lib.kind, etag=3)).json()["detail"]


# -- list queries ------------------------------------------------------------------------------------


def test_lists_filter_order_and_page_with_next_links(lib: Library) -> None:
    for name in ("cherry", "apple", "banana", "date"):
        lib.create_ok(name=name)
    name = name_path(lib.kind)
    query = [("property", f"{name}!=date"), ("orderby", f"-{name}"), ("limit", "1")]
    names = [name_of(lib.kind, o) for o in lib.list_all(query)]
    assert names == ["cherry", "banana", "apple"]
    href = lib.list({"limit": 1}).json()["_links"]["next"]["href"]
    assert href.startswith(lib.path + "?") and "start=" in href


# -- patch -------------------------------------------------------------------------------------------


def test_an_update_answers_the_receipt_with_a_dataset_id_and_the_next_etag(lib: Library) -> None:
    object_id = lib.create_ok()
    receipt = lib.update_name(object_id, "Renamed").json()
    assert set(receipt) == RECEIPT_KEYS | {"datasetId"} and receipt["etag"] == 2
    assert name_of(lib.kind, lib.get(object_id).json()) == "Renamed"


@pytest.mark.parametrize("kind", PATCHABLE)
def test_a_failing_test_op_answers_the_configured_status_and_changes_nothing(lib: Library, emulator: Emulator) -> None:
    emulator.test_failure_status = 409
    object_id = lib.create_ok()
    before = lib.get(object_id).json()
    response = lib.patch(
        object_id,
        [
            {"op": "add", "path": "/description", "value": "x"},
            {"op": "test", "path": name_pointer(lib.kind), "value": "no"},
        ],
    )
    assert response.status_code == 409
    assert lib.get(object_id).json() == before


@pytest.mark.parametrize("kind", PATCHABLE)
def test_the_patched_object_is_validated_again(lib: Library) -> None:
    object_id = lib.create_ok()
    response = lib.patch(object_id, [{"op": "remove", "path": name_pointer(lib.kind)}])
    assert response.status_code == 400 and f"{name_path(lib.kind)} is required" in response.json()["detail"]
    assert lib.get(object_id).json()["etag"] == 1


@pytest.mark.parametrize("kind", PATCHABLE)
def test_server_fields_cannot_be_patched(lib: Library) -> None:
    response = lib.patch(lib.create_ok(), [_replace("/etag", 9)])
    assert response.status_code == 400 and "/etag" in response.json()["detail"]


# -- delete ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", DELETABLE)
def test_delete_answers_200_empty_and_the_object_is_gone(lib: Library, emulator: Emulator) -> None:
    object_id = lib.create_ok()
    response = lib.delete(object_id)
    assert response.status_code == 200 and response.content == b""
    assert lib.get(object_id).status_code == 404 and lib.delete(object_id).status_code == 404
    assert emulator.get(lib.kind, ORG, SANDBOX, object_id) is None


# -- gateway and isolation ---------------------------------------------------------------------------


def test_the_gateway_checks_every_endpoint_of_the_kind(emulator: Emulator, kind: str) -> None:
    anonymous = Library(emulator, None, kind=kind)
    some_id = kind_named(kind).id_prefix + "0"
    calls = [
        anonymous.list(),
        anonymous.create(),
        anonymous.get(some_id),
        anonymous.patch(some_id, []),
        anonymous.delete(some_id),
    ]
    assert [c.status_code for c in calls] == [401] * 5
    assert emulator.objects(kind, ORG, SANDBOX) == []


def test_objects_are_isolated_per_sandbox_and_org(client_for: Callable[..., Library], kind: str) -> None:
    object_id = client_for(kind, sandbox="sandbox-a").create_ok()
    for other in (client_for(kind, sandbox="sandbox-b"), client_for(kind, org="OTHER@AdobeOrg", sandbox="sandbox-a")):
        assert other.get(object_id).status_code == 404
        assert other.update_name(object_id, "not mine").status_code == 404
        assert other.list().json()["total"] == 0
    assert client_for(kind, sandbox="sandbox-a").get(object_id).status_code == 200


def test_only_the_listed_sandboxes_exist_when_sandboxes_are_given(kind: str) -> None:
    with Emulator(sandboxes=["dev", "prod"]) as emu:
        token = get_token(emu)
        assert Library(emu, token, sandbox="dev", kind=kind).create().status_code == 201
        refused = Library(emu, token, sandbox="staging", kind=kind).create()
        assert refused.status_code == 403
        assert refused.json() == {"error_code": "403025", "message": "Profile is not valid"}
        assert emu.objects(kind, ORG, "staging") == []


# -- the Python API, the log, faults and persistence -------------------------------------------------


def test_an_object_seeded_as_from_the_ui_is_visible_over_http(lib: Library, emulator: Emulator) -> None:
    seeded = emulator.seed(lib.kind, ORG, SANDBOX, sample(lib.kind, name="Made in the UI"))
    found = lib.get(seeded["id"]).json()
    assert name_of(lib.kind, found) == "Made in the UI" and found["createdByClientId"] == "ui-user-client"
    assert emulator.objects(lib.kind, ORG, SANDBOX) == [found]
    assert emulator.log.count() == 1


def test_an_edit_as_another_client_changes_the_object_unlogged(lib: Library, emulator: Emulator) -> None:
    object_id = lib.create_ok()
    pointer = name_pointer(lib.kind)
    edited = emulator.edit(ORG, SANDBOX, object_id, [{"op": "replace", "path": pointer, "value": "Edited in the UI"}])
    assert edited == lib.get(object_id).json()
    assert name_of(lib.kind, edited) == "Edited in the UI" and edited["etag"] == 2
    assert edited["lastModifiedByClientId"] == "ui-user-client" != edited["createdByClientId"]
    assert emulator.log.count(method="PATCH") == emulator.log.count(method="PUT") == 0


def test_an_edit_that_makes_the_object_invalid_raises_value_error_and_changes_nothing(
    lib: Library, emulator: Emulator
) -> None:
    object_id = lib.create_ok()
    with pytest.raises(ValueError, match="colour is not a known property"):
        emulator.edit(ORG, SANDBOX, object_id, {"colour": "red"})
    assert lib.get(object_id).json()["etag"] == 1


def test_seeding_an_invalid_object_raises_value_error(emulator: Emulator, kind: str) -> None:
    with pytest.raises(ValueError, match=f"{name_path(kind)} is required"):
        emulator.seed(kind, ORG, SANDBOX, sample(kind, name=None))


def test_the_log_counts_requests_per_kind(lib: Library, emulator: Emulator) -> None:
    object_id = lib.create_ok()
    lib.get(object_id)
    lib.list()
    assert emulator.log.count(kind=lib.kind) == 3
    assert emulator.log.count(method="POST", kind=lib.kind) == 1
    assert emulator.log.counts_by_kind() == {lib.kind: 3}
    assert {e.kind for e in emulator.log.entries(service="dps")} == {lib.kind}


def test_commit_then_drop_stores_the_object_though_the_answer_is_lost(lib: Library, emulator: Emulator) -> None:
    emulator.faults.add(Fault("commit_then_drop", times=1, methods={"POST"}))
    with pytest.raises(requests.exceptions.ConnectionError):
        lib.create()
    assert len(emulator.objects(lib.kind, ORG, SANDBOX)) == 1
    assert lib.list().status_code == 200


def test_a_status_fault_answers_instead_of_the_kind(lib: Library, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=503, times=1, path_contains=lib.path))
    assert lib.create().status_code == 503
    assert emulator.objects(lib.kind, ORG, SANDBOX) == []


def test_objects_survive_a_restart_with_the_same_data_file(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "store.json"
    with Emulator(data_file=data) as emu:
        client = Library(emu, get_token(emu), kind=kind)
        object_id = client.create_ok()
        assert client.update_name(object_id, "kept").status_code == 200
        before = client.get(object_id).json()
    with Emulator(data_file=data) as emu:
        assert Library(emu, get_token(emu), kind=kind).get(object_id).json() == before
