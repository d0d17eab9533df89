"""Optional persistence (`data_file`): offers survive a restart; the file is rewritten atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest
from offerform_emulator import Emulator

from .conftest import Dps

ORG, SANDBOX = "TESTORG@AdobeOrg", "prod"


def test_offers_survive_a_restart_with_the_same_data_file(
    tmp_path: Path, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    data = tmp_path / "offers.json"
    with Emulator(data_file=data) as emu:
        client = dps_for(emu, new_token(emu))
        offer_id = client.create_ok(name="kept")
        client.patch(offer_id, [{"op": "replace", "path": "/description", "value": "patched"}])
        before = client.get(offer_id).json()
    with Emulator(data_file=data) as emu:
        after = dps_for(emu, new_token(emu)).get(offer_id)
        assert after.status_code == 200
        assert after.json() == before


def test_a_missing_data_file_starts_empty_and_is_written_on_the_first_change(
    tmp_path: Path, new_token: Callable[[Emulator], str], dps_for: Any
) -> None:
    data = tmp_path / "sub" / "offers.json"
    with Emulator(data_file=data) as emu:
        client = dps_for(emu, new_token(emu))
        assert client.list().json()["total"] == 0
        assert not data.exists()
        client.create_ok()
        assert data.exists()


def test_the_file_is_rewritten_after_every_change(
    tmp_path: Path, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    data = tmp_path / "offers.json"

    def saved_etags() -> list[int]:
        return [o["etag"] for scope in json.loads(data.read_text())["scopes"] for o in scope["offers"]]

    with Emulator(data_file=data) as emu:
        client = dps_for(emu, new_token(emu))
        offer_id = client.create_ok()
        assert saved_etags() == [1]
        client.patch(offer_id, [{"op": "replace", "path": "/name", "value": "two"}])
        assert saved_etags() == [2]
        client.delete(offer_id)
        assert saved_etags() == []


def test_writes_leave_no_temporary_files_behind(
    tmp_path: Path, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    data = tmp_path / "offers.json"
    with Emulator(data_file=data) as emu:
        client = dps_for(emu, new_token(emu))
        for _ in range(3):
            client.create_ok()
    assert [p.name for p in tmp_path.iterdir()] == ["offers.json"]


def test_sandboxes_stay_isolated_after_a_restart(
    tmp_path: Path, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    data = tmp_path / "offers.json"
    with Emulator(data_file=data) as emu:
        offer_id = dps_for(emu, new_token(emu), sandbox="dev").create_ok()
    with Emulator(data_file=data) as emu:
        token = new_token(emu)
        assert dps_for(emu, token, sandbox="dev").get(offer_id).status_code == 200
        assert dps_for(emu, token, sandbox="prod").get(offer_id).status_code == 404


def test_creation_order_survives_a_restart(
    tmp_path: Path, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    data = tmp_path / "offers.json"
    with Emulator(data_file=data) as emu:
        client = dps_for(emu, new_token(emu))
        ids = [client.create_ok(name=f"n{i}") for i in range(3)]
    with Emulator(data_file=data) as emu:
        client = dps_for(emu, new_token(emu))
        client.create_ok(name="n3")
        assert [o["name"] for o in client.list().json()["results"]] == ["n0", "n1", "n2", "n3"]
        assert [o["id"] for o in client.list().json()["results"]][:3] == ids


def test_tokens_do_not_survive_a_restart(
    tmp_path: Path, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    data = tmp_path / "offers.json"
    with Emulator(data_file=data) as emu:
        token = new_token(emu)
    with Emulator(data_file=data) as emu:
        assert dps_for(emu, token).list().status_code == 401


def test_a_damaged_data_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "offers.json"
    data.write_text("{half a file")
    with pytest.raises(ValueError, match="not valid JSON"):
        Emulator(data_file=data)


def test_the_file_groups_each_sandboxs_objects_by_collection_path(
    tmp_path: Path, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    data = tmp_path / "store.json"
    with Emulator(data_file=data) as emu:
        emu.seed("placement", ORG, SANDBOX, {"name": "p", "componentType": "html", "channel": "web"})
        offer_id = dps_for(emu, new_token(emu)).create_ok()
    [scope] = json.loads(data.read_text())["scopes"]
    assert [(o["kind"], o["id"]) for o in scope["offers"]] == [("fallback-offer", offer_id)]
    assert [o["kind"] for o in scope["placements"]] == ["placement"]
    assert scope["offer-decisions"] == []


def test_a_version_1_file_of_fallback_offers_still_loads(
    tmp_path: Path, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    data = tmp_path / "offers.json"
    data.write_text(
        json.dumps(
            {
                "version": 1,
                "seq": 1,
                "scopes": [
                    {
                        "org": ORG,
                        "sandbox": SANDBOX,
                        "offers": [
                            {
                                "id": "dps:fallback-offer:00000000000000aa",
                                "seq": 1,
                                "etag": 3,
                                "fields": {"name": "kept from before", "status": "draft", "representations": []},
                                "created": "2024-01-02T03:04:05.006000+00:00",
                                "modified": "2024-01-02T03:04:05.006000+00:00",
                                "createdByClientId": "ui-user-client",
                                "lastModifiedByClientId": "ui-user-client",
                            }
                        ],
                    }
                ],
            }
        )
    )
    with Emulator(data_file=data) as emu:
        found = dps_for(emu, new_token(emu)).get("dps:fallback-offer:00000000000000aa").json()
        assert found["name"] == "kept from before" and found["etag"] == 3
