"""Bad input never reaches the server: ``check`` names the property, and the emulator sees nothing."""

from __future__ import annotations

import copy
import re
from typing import Any, Callable, Iterator

import pytest
from offerform_emulator import Emulator
from pulumi.output import Unknown

from harness.engine import Plugin, Stack
from harness.offers import WEB, offer
from provider.core.schema import Field, blocks_of, fields_of
from provider.engine.validation import property_path

from ..support.kinds import KINDS, KindCase

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit that puts ``value`` at a dotted path (``representations.0.channel``) of a valid offer."""

    def edit(declared: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = declared
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return edit


_DELETE = object()
COMPONENT = "representations.0.components.0"

BAD_INPUTS: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("missing name", _set("name", _DELETE), "name", "is required"),
    ("empty name", _set("name", "   "), "name", "must not be empty"),
    ("name not a string", _set("name", 42), "name", "string"),
    ("name with a trailing space", _set("name", "Spring fallback "), "name", "whitespace"),
    ("overlong name", _set("name", "x" * 257), "name", "at most 256"),
    ("overlong description", _set("description", "d" * 4001), "description", "at most 4000"),
    ("unknown status", _set("status", "live"), "status", "'draft', 'approved' or 'archived'"),
    ("missing representations", _set("representations", _DELETE), "representations", "is required"),
    ("empty representations", _set("representations", []), "representations", "at least 1"),
    ("representations not a list", _set("representations", {"channel": WEB}), "representations", "list"),
    ("missing channel", _set("representations.0.channel", _DELETE), "representations[0].channel", "is required"),
    (
        "channel not a channel URI",
        _set("representations.0.channel", "web"),
        "representations[0].channel",
        "channel type URI",
    ),
    (
        "channel of another namespace",
        _set("representations.0.channel", "https://example.com/web"),
        "representations[0].channel",
        "channel type URI",
    ),
    ("missing placement", _set("representations.0.placement", _DELETE), "representations[0].placement", "is required"),
    ("blank placement", _set("representations.0.placement", " "), "representations[0].placement", "must not be empty"),
    ("empty components", _set("representations.0.components", []), "representations[0].components", "at least 1"),
    (
        "missing component type",
        _set(f"{COMPONENT}.type", _DELETE),
        "representations[0].components[0].type",
        "is required",
    ),
    ("bad MIME type", _set(f"{COMPONENT}.format", "png"), "representations[0].components[0].format", "MIME type"),
    (
        "MIME type with spaces",
        _set(f"{COMPONENT}.format", "image / png"),
        "representations[0].components[0].format",
        "MIME type",
    ),
    (
        "delivery URL not a URL",
        _set(f"{COMPONENT}.deliveryURL", "cdn.example.com/a.png"),
        "representations[0].components[0].deliveryURL",
        "http(s) URL",
    ),
    (
        "link URL with another scheme",
        _set(f"{COMPONENT}.linkURL", "ftp://example.com/"),
        "representations[0].components[0].linkURL",
        "http(s) URL",
    ),
    ("language not a list", _set(f"{COMPONENT}.language", "en"), "representations[0].components[0].language", "list"),
    (
        "bad language code",
        _set(f"{COMPONENT}.language", ["english!"]),
        "representations[0].components[0].language",
        "language codes",
    ),
    (
        "snake_case key in a component",
        _set(f"{COMPONENT}.delivery_url", "https://cdn.example.com/a.png"),
        "representations[0].components[0].delivery_url",
        "not a known property",
    ),
    (
        "unknown key in a representation",
        _set("representations.0.chanel", WEB),
        "representations[0].chanel",
        "not a known property",
    ),
    ("unknown top-level property", _set("staus", "approved"), "staus", "known properties are: name, description"),
    ("non-string characteristic", _set("characteristics", {"priority": 5}), "characteristics.priority", "string"),
    ("characteristic key with spaces", _set("characteristics", {"my key": "x"}), "characteristics", "letters, digits"),
    ("characteristics not a map", _set("characteristics", ["a", "b"]), "characteristics", "dictionary"),
    ("more than 20 collection qualifiers", _set("tags", [f"dps:tag:{i}" for i in range(21)]), "tags", "at most 20"),
    ("repeated collection qualifier", _set("tags", ["dps:tag:1", "dps:tag:1"]), "tags", "must not repeat"),
    (
        "start date not a timestamp",
        _set("selectionConstraint", {"startDate": "next monday"}),
        "selectionConstraint.startDate",
        "ISO 8601",
    ),
    (
        "start date without a time zone",
        _set("selectionConstraint", {"startDate": "2026-06-01T00:00:00"}),
        "selectionConstraint.startDate",
        "time zone",
    ),
    ("priority not a number", _set("rank", {"priority": "high"}), "rank.priority", "integer"),
    ("priority a fraction", _set("rank", {"priority": 1.5}), "rank.priority", "integer"),
    ("server field as input", _set("etag", 3), "etag", "not a known property"),
    ("blank sandbox name", _set("sandboxName", " "), "sandboxName", "sandbox name"),
    ("blank adoptOfferId", _set("adoptOfferId", ""), "adoptOfferId", "id of an existing fallback offer"),
]


@pytest.mark.parametrize(
    ("edit", "prop", "reason"), [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_fails_check_naming_the_property_and_sends_nothing(
    shared_plugin: Plugin, emu: Emulator, edit: Callable[[dict[str, Any]], None], prop: str, reason: str
) -> None:
    declared = offer()
    edit(declared)

    _, failures = shared_plugin.check("bad", declared)

    assert prop in [failure[0] for failure in failures], failures
    assert any(reason in failure[1] for failure in failures if failure[0] == prop), failures
    assert emu.log.entries() == []


def test_the_table_covers_at_least_25_malformed_inputs() -> None:
    assert len(BAD_INPUTS) >= 25


def test_every_problem_is_reported_at_once(shared_plugin: Plugin, emu: Emulator) -> None:
    declared = offer(status="live")
    declared["representations"][0]["channel"] = "web"
    del declared["name"]

    _, failures = shared_plugin.check("bad", declared)

    assert {prop for prop, _ in failures} == {"name", "status", "representations[0].channel"}


def test_values_unknown_during_preview_are_not_failures(shared_plugin: Plugin, emu: Emulator) -> None:
    declared = offer()
    declared["representations"][0]["placement"] = UNKNOWN
    declared["representations"][0]["components"][0]["deliveryURL"] = UNKNOWN
    declared["tags"] = UNKNOWN

    inputs, failures = shared_plugin.check("preview", declared)

    assert failures == []
    assert isinstance(inputs["representations"][0]["placement"], Unknown)
    assert emu.log.entries() == []


def test_an_unknown_value_still_lets_other_problems_through(shared_plugin: Plugin, emu: Emulator) -> None:
    declared = offer(status="live")
    declared["representations"][0]["placement"] = UNKNOWN

    _, failures = shared_plugin.check("preview", declared)

    assert [prop for prop, _ in failures] == ["status"]


def test_a_preview_with_unknown_values_plans_an_update(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    pending = offer()
    pending["representations"][0]["placement"] = UNKNOWN

    assert stack.preview("spring", pending).op == "update"


def test_check_fills_defaults_so_equal_intent_compares_equal(shared_plugin: Plugin, emu: Emulator) -> None:
    declared = offer()
    del declared["status"]
    declared["characteristics"] = {}

    inputs, failures = shared_plugin.check("defaults", declared)

    assert failures == []
    assert inputs["status"] == "draft"
    assert "characteristics" not in inputs
    assert inputs["sandboxName"] == "dev"


def test_check_canonicalises_timestamps_like_the_server(shared_plugin: Plugin, emu: Emulator) -> None:
    inputs, _ = shared_plugin.check("dates", offer(selectionConstraint={"startDate": "2026-06-01T02:00:00+02:00"}))

    assert inputs["selectionConstraint"] == {"startDate": "2026-06-01T00:00:00.000+00:00"}


def test_integer_fields_survive_the_wire_as_integers(shared_plugin: Plugin, emu: Emulator) -> None:
    inputs, failures = shared_plugin.check("rank", offer(rank={"priority": 3}))

    assert failures == []
    assert inputs["rank"] == {"priority": 3}


# -- what a new user tripped on (issue 13): each message read as they would read it ---------------

SNAKE_CASE_KEYS = [
    ((), "selection_constraint", "selectionConstraint", "known properties are: name, description, status"),
    (
        ("representations", 0, "components", 0),
        "delivery_url",
        "deliveryURL",
        "known properties of representations[0].components[0] are: "
        "type, format, language, content, deliveryURL, linkURL",
    ),
    (
        ("representations", 0),
        "Placement",
        "placement",
        "known properties of representations[0] are: channel, placement, components",
    ),
    (
        ("selectionConstraint",),
        "start_date",
        "startDate",
        "known properties of selectionConstraint are: startDate, endDate, profileConstraintType",
    ),
]


@pytest.mark.parametrize(
    ("where", "given", "meant", "listed"), SNAKE_CASE_KEYS, ids=[case[1] for case in SNAKE_CASE_KEYS]
)
def test_a_key_in_another_case_suggests_the_api_name_and_lists_the_properties_of_its_level(
    shared_plugin: Plugin, emu: Emulator, where: tuple[Any, ...], given: str, meant: str, listed: str
) -> None:
    declared = offer(selectionConstraint={"endDate": "2026-09-01T00:00:00Z"})
    holder: Any = declared
    for part in where:
        holder = holder[part]
    holder[given] = holder.pop(meant, "2026-06-01T00:00:00Z")

    _, failures = shared_plugin.check("snake", declared)

    [(prop, reason)] = [failure for failure in failures if failure[0].endswith(given)]
    assert f"did you mean {meant}?" in reason and listed in reason, reason


def test_an_enum_value_in_another_case_is_echoed_with_the_hint_that_values_are_lower_case(
    shared_plugin: Plugin, emu: Emulator
) -> None:
    _, failures = shared_plugin.check("enum", offer(status="Approved"))

    assert failures == [
        ("status", "must be one of 'draft', 'approved' or 'archived', got 'Approved'; the values are lower-case")
    ]


def _declared_paths(
    model: Any, value: dict[str, Any], prefix: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], Field]]:
    """Every field of ``model`` as a path into the valid declaration ``value``.

    Nested blocks and first list items included.
    """
    for f in fields_of(model):
        yield (*prefix, f.api), f
        item = value.get(f.api)
        if f.shape.kind == "block" and isinstance(item, dict):
            yield from _declared_paths(f.shape.block, item, (*prefix, f.api))
        if f.shape.kind == "list" and f.shape.item is not None and f.shape.item.block is not None and item:
            yield from _declared_paths(f.shape.item.block, item[0], (*prefix, f.api, 0))


def _with(declared: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(declared)
    holder: Any = changed
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = copy.deepcopy(value)
    return changed


WRONG_VALUES = [{"a": 1, "b": 2}, [1, 2], ["x"], [{"unknown": 1}], "Zz", 7, 1.5, True, None]
MODEL_CLASS_NAMES = {model.__name__ for case in KINDS for model in (case.spec.model, *blocks_of(case.spec.model))}


@pytest.mark.parametrize("case", KINDS, ids=str)
def test_no_message_names_an_internal_class_or_speaks_pydantic(
    shared_plugin: Plugin, emu: Emulator, case: KindCase
) -> None:
    declared = case.make()
    internal = re.compile(r"instance of|Input should|NoneType|\b(" + "|".join(MODEL_CLASS_NAMES) + r")\b(?!Args)")

    for path, _ in _declared_paths(case.spec.model, declared):
        for wrong in WRONG_VALUES:
            _, failures = shared_plugin.check("wrong", _with(declared, path, wrong), spec=case.spec)
            for prop, reason in failures:
                assert not internal.search(reason), f"{prop}: {reason}"


LIST_FIELDS = [
    (case, path)
    for case in KINDS
    for path, f in _declared_paths(case.spec.model, case.make())
    if f.shape.kind == "list"
]


@pytest.mark.parametrize(
    ("case", "path"), LIST_FIELDS, ids=[f"{case}.{property_path(path)}" for case, path in LIST_FIELDS]
)
def test_a_dictionary_given_where_a_list_is_expected_is_one_failure_saying_so(
    shared_plugin: Plugin, emu: Emulator, case: KindCase, path: tuple[Any, ...]
) -> None:
    given = {"channel": WEB, "placement": "dps:offer-placement:1", "name": 1}

    _, failures = shared_plugin.check("dict", _with(case.make(), path, given), spec=case.spec)

    assert failures == [
        (property_path(path), "must be a list, got an object holding one item: wrap it in a list, [...]")
    ]
