"""Bad input never reaches the server: ``check`` names the property, and the emulator sees nothing."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from pulumi.output import Unknown

from offerform_emulator import Emulator

from .engine import Plugin, Stack
from .offers import WEB, offer

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
    ("channel not a channel URI", _set("representations.0.channel", "web"), "representations[0].channel",
     "channel type URI"),
    ("channel of another namespace", _set("representations.0.channel", "https://example.com/web"),
     "representations[0].channel", "channel type URI"),
    ("missing placement", _set("representations.0.placement", _DELETE), "representations[0].placement", "is required"),
    ("blank placement", _set("representations.0.placement", " "), "representations[0].placement", "must not be empty"),
    ("empty components", _set("representations.0.components", []), "representations[0].components", "at least 1"),
    ("missing component type", _set(f"{COMPONENT}.type", _DELETE), "representations[0].components[0].type",
     "is required"),
    ("bad MIME type", _set(f"{COMPONENT}.format", "png"), "representations[0].components[0].format", "MIME type"),
    ("MIME type with spaces", _set(f"{COMPONENT}.format", "image / png"), "representations[0].components[0].format",
     "MIME type"),
    ("delivery URL not a URL", _set(f"{COMPONENT}.deliveryURL", "cdn.example.com/a.png"),
     "representations[0].components[0].deliveryURL", "http(s) URL"),
    ("link URL with another scheme", _set(f"{COMPONENT}.linkURL", "ftp://example.com/"),
     "representations[0].components[0].linkURL", "http(s) URL"),
    ("language not a list", _set(f"{COMPONENT}.language", "en"), "representations[0].components[0].language", "list"),
    ("bad language code", _set(f"{COMPONENT}.language", ["english!"]), "representations[0].components[0].language",
     "language codes"),
    ("snake_case key in a component", _set(f"{COMPONENT}.delivery_url", "https://cdn.example.com/a.png"),
     "representations[0].components[0].delivery_url", "not a known property"),
    ("unknown key in a representation", _set("representations.0.chanel", WEB), "representations[0].chanel",
     "not a known property"),
    ("unknown top-level property", _set("staus", "approved"), "staus", "known properties are: name, description"),
    ("non-string characteristic", _set("characteristics", {"priority": 5}), "characteristics.priority", "string"),
    ("characteristic key with spaces", _set("characteristics", {"my key": "x"}), "characteristics",
     "letters, digits"),
    ("characteristics not a map", _set("characteristics", ["a", "b"]), "characteristics", "dictionary"),
    ("more than 20 collection qualifiers", _set("tags", [f"dps:tag:{i}" for i in range(21)]), "tags", "at most 20"),
    ("repeated collection qualifier", _set("tags", ["dps:tag:1", "dps:tag:1"]), "tags", "must not repeat"),
    ("start date not a timestamp", _set("selectionConstraint", {"startDate": "next monday"}),
     "selectionConstraint.startDate", "ISO 8601"),
    ("start date without a time zone", _set("selectionConstraint", {"startDate": "2026-06-01T00:00:00"}),
     "selectionConstraint.startDate", "time zone"),
    ("priority not a number", _set("rank", {"priority": "high"}), "rank.priority", "integer"),
    ("priority a fraction", _set("rank", {"priority": 1.5}), "rank.priority", "integer"),
    ("server field as input", _set("etag", 3), "etag", "not a known property"),
    ("blank sandbox name", _set("sandboxName", " "), "sandboxName", "sandbox name"),
    ("blank adoptOfferId", _set("adoptOfferId", ""), "adoptOfferId", "id of an existing fallback offer"),
]


@pytest.mark.parametrize(("edit", "prop", "reason"), [case[1:] for case in BAD_INPUTS],
                         ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_fails_check_naming_the_property_and_sends_nothing(
        shared_plugin: Plugin, emu: Emulator, edit: Callable[[dict[str, Any]], None], prop: str, reason: str) -> None:
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
