"""Seed files: objects "made in the UI" by another client, stored before anyone calls (format in seeding.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from offerform_emulator import Emulator

from .conftest import ORG, SANDBOX, Library, get_token
from .samples import sample

PLACEMENT_ID = "dps:offer-placement:00000000000000aa"


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(data))
    return path


def _seed_file(tmp_path: Path) -> Path:
    """A decision's fallback offer first, then the placement it names: the order must not matter."""
    representations = [{**sample("fallback-offer")["representations"][0], "placement": PLACEMENT_ID}]
    return _write(
        tmp_path,
        {
            "org": ORG,
            "sandbox": SANDBOX,
            "objects": [
                {
                    "kind": "fallback-offer",
                    "id": "dps:fallback-offer:00000000000000bb",
                    "body": sample("fallback-offer", representations=representations),
                },
                {"kind": "placement", "id": PLACEMENT_ID, "body": sample("placement")},
                {
                    "kind": "collection-qualifier",
                    "sandbox": "dev",
                    "clientId": "marketer-client",
                    "body": sample("collection-qualifier"),
                },
            ],
        },
    )


def test_seeded_objects_are_visible_over_http_made_by_the_ui_client(
    tmp_path: Path, emulator: Emulator, token: str
) -> None:
    made = emulator.load_seed(_seed_file(tmp_path))
    assert [m["id"] for m in made[:2]] == ["dps:fallback-offer:00000000000000bb", PLACEMENT_ID]
    placement = Library(emulator, token, kind="placement").get(PLACEMENT_ID).json()
    assert placement["createdByClientId"] == "ui-user-client" != emulator.client_id
    qualifier = Library(emulator, token, kind="collection-qualifier", sandbox="dev").list().json()["results"]
    assert [q["createdByClientId"] for q in qualifier] == ["marketer-client"]


def test_the_seed_client_id_can_be_overridden(tmp_path: Path, emulator: Emulator) -> None:
    emulator.load_seed(_seed_file(tmp_path), client_id="another-ui-user")
    assert emulator.stored("placement", ORG, SANDBOX, PLACEMENT_ID)["createdByClientId"] == "another-ui-user"
    assert emulator.objects("collection-qualifier", ORG, "dev")[0]["createdByClientId"] == "marketer-client"


def test_references_in_a_seed_file_are_checked_once_all_are_in(tmp_path: Path) -> None:
    with Emulator(referential_integrity=True) as emu:
        assert len(emu.load_seed(_seed_file(tmp_path))) == 3


def test_a_seed_file_naming_a_missing_object_stores_nothing(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "org": ORG,
            "sandbox": SANDBOX,
            "objects": [
                {"kind": "placement", "body": sample("placement")},
                {"kind": "decision", "body": sample("decision")},
            ],
        },
    )
    with Emulator(referential_integrity=True) as emu:
        with pytest.raises(ValueError, match=r"objects\[1\]: fallback names"):
            emu.load_seed(path)
        assert emu.objects("placement", ORG, SANDBOX) == []


@pytest.mark.parametrize(
    "data,message",
    [
        ([], 'a JSON object with an "objects" array'),
        ({"objects": [{"kind": "widget", "org": ORG, "sandbox": SANDBOX, "body": {}}]}, "unknown kind 'widget'"),
        ({"objects": [{"kind": "placement", "body": sample("placement")}]}, r"objects\[0\].org"),
        (
            {"org": ORG, "sandbox": SANDBOX, "objects": [{"kind": "placement", "body": {"name": "no channel"}}]},
            r"objects\[0\]: .*channel is required",
        ),
        (
            {"org": ORG, "sandbox": SANDBOX, "objects": [{"kind": "placement", "colour": 1, "body": {}}]},
            "unknown keys colour",
        ),
    ],
    ids=["not-an-object", "unknown-kind", "no-org", "invalid-body", "unknown-key"],
)
def test_a_malformed_seed_file_is_refused_naming_the_entry(
    tmp_path: Path, emulator: Emulator, data: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        emulator.load_seed(_write(tmp_path, data))


def test_two_objects_with_one_id_are_refused(tmp_path: Path, emulator: Emulator) -> None:
    path = _write(
        tmp_path,
        {
            "org": ORG,
            "sandbox": SANDBOX,
            "objects": [
                {"kind": "placement", "id": PLACEMENT_ID, "body": sample("placement")},
                {"kind": "placement", "id": PLACEMENT_ID, "body": sample("placement")},
            ],
        },
    )
    with pytest.raises(ValueError, match="already exists"):
        emulator.load_seed(path)
    assert emulator.objects("placement", ORG, SANDBOX) == []


def test_with_a_data_file_objects_already_kept_are_not_seeded_twice(tmp_path: Path) -> None:
    data, seed = tmp_path / "store.json", _seed_file(tmp_path)
    with Emulator(data_file=data) as emu:
        emu.load_seed(seed)
        Library(emu, get_token(emu), kind="placement").patch(
            PLACEMENT_ID, [{"op": "replace", "path": "/name", "value": "renamed since"}]
        )
    with Emulator(data_file=data) as emu:
        made = emu.load_seed(seed)
        assert [m["name"] for m in made] == ["Black Friday"]
        assert emu.stored("placement", ORG, SANDBOX, PLACEMENT_ID)["name"] == "renamed since"
        assert len(emu.objects("placement", ORG, SANDBOX)) == 1
        assert len(emu.objects("collection-qualifier", ORG, "dev")) == 2  # it had no id: seeded again


def test_seed_takes_an_explicit_id(emulator: Emulator) -> None:
    made = emulator.seed("placement", ORG, SANDBOX, sample("placement"), object_id=PLACEMENT_ID)
    assert made["id"] == PLACEMENT_ID
    with pytest.raises(ValueError, match="already exists"):
        emulator.seed("placement", ORG, SANDBOX, sample("placement"), object_id=PLACEMENT_ID)


def test_an_unknown_kind_name_is_a_value_error(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="expected one of fallback-offer, personalized-offer"):
        emulator.objects("offer", ORG, SANDBOX)


def test_stored_is_the_look_up_shape_of_an_object_that_exists(emulator: Emulator) -> None:
    made = emulator.seed("placement", ORG, SANDBOX, sample("placement"), object_id=PLACEMENT_ID)
    assert emulator.stored("placement", ORG, SANDBOX, PLACEMENT_ID) == made


def test_stored_names_the_object_it_did_not_find(emulator: Emulator) -> None:
    with pytest.raises(LookupError, match=f"no placement {PLACEMENT_ID} in {ORG}/{SANDBOX}"):
        emulator.stored("placement", ORG, SANDBOX, PLACEMENT_ID)
