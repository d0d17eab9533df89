"""The JSON Patch computed from what the stack last saw to what it declares."""

from provider.engine.patch import change_operations, changed_by_others, changed_fields, guarded_patch, pointer
from provider.resources.fallback_offer import FALLBACK_OFFER


def test_unchanged_offer_gives_an_empty_patch() -> None:
    seen = {"name": "A", "status": "draft"}
    assert guarded_patch(FALLBACK_OFFER, seen, dict(seen)) == []


def test_changed_scalar_is_replaced() -> None:
    assert change_operations(FALLBACK_OFFER, {"name": "A"}, {"name": "B"}) == [
        {"op": "replace", "path": "/name", "value": "B"}
    ]


def test_new_field_is_added_and_dropped_field_removed() -> None:
    ops = change_operations(FALLBACK_OFFER, {"name": "A", "description": "d"}, {"name": "A", "tags": ["t"]})
    assert ops == [{"op": "remove", "path": "/description"}, {"op": "add", "path": "/tags", "value": ["t"]}]


def test_characteristics_are_diffed_key_by_key() -> None:
    ops = change_operations(
        FALLBACK_OFFER,
        {"characteristics": {"a": "1", "b": "2", "c": "3"}},
        {"characteristics": {"a": "1", "b": "two", "d": "4"}},
    )
    assert ops == [
        {"op": "remove", "path": "/characteristics/c"},
        {"op": "replace", "path": "/characteristics/b", "value": "two"},
        {"op": "add", "path": "/characteristics/d", "value": "4"},
    ]


def test_arrays_are_replaced_whole() -> None:
    old = {"representations": [{"channel": "x", "placement": "p", "components": []}]}
    new = {"representations": [{"channel": "y", "placement": "p", "components": []}]}
    assert change_operations(FALLBACK_OFFER, old, new) == [
        {"op": "replace", "path": "/representations", "value": new["representations"]}
    ]


def test_keys_with_slash_and_tilde_are_escaped_in_pointers() -> None:
    assert pointer("characteristics", "a/b~c") == "/characteristics/a~1b~0c"


def test_guards_come_first_and_cover_every_field_the_stack_saw() -> None:
    ops = guarded_patch(FALLBACK_OFFER, {"name": "A", "status": "draft"}, {"name": "B", "status": "draft"})
    assert ops == [
        {"op": "test", "path": "/name", "value": "A"},
        {"op": "test", "path": "/status", "value": "draft"},
        {"op": "replace", "path": "/name", "value": "B"},
    ]


def test_changed_fields_names_only_user_owned_fields() -> None:
    assert changed_fields(FALLBACK_OFFER, {"name": "A", "etag": 1}, {"name": "B", "etag": 2}) == ["name"]


SEEN = {"name": "Spring", "description": "Old", "status": "approved"}
OURS = {**SEEN, "description": "Ours"}


def test_after_our_patch_landed_only_the_later_outside_change_is_named() -> None:
    assert changed_by_others(FALLBACK_OFFER, SEEN, OURS, {**OURS, "status": "archived"}) == ["status"]


def test_when_our_patch_did_not_land_every_outside_change_is_named() -> None:
    assert changed_by_others(FALLBACK_OFFER, SEEN, OURS, {**SEEN, "status": "archived"}) == ["status"]


def test_someone_else_changing_the_field_we_changed_is_named() -> None:
    assert changed_by_others(FALLBACK_OFFER, SEEN, OURS, {**SEEN, "description": "Theirs"}) == ["description"]
