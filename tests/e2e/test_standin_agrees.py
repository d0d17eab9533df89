"""``tests/engine.py`` (the fast stand-in) must send the plugin what the real engine sends.

The same scenario runs twice, once through ``pulumi`` and once through the stand-in, with the
plugin recording every request; the requests must agree in method, fields and property keys
(values such as ids and dates differ between runs and are not compared).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from offerform_emulator import Emulator

from ..conftest import plugin_config
from ..engine import Plugin, Stack
from ..offers import offer
from ..ui import AdobeUi
from .conftest import ProjectFactory
from .programs import Declared, offers_program
from .project import ORG, RECORDER, SANDBOX, Project

# Fields the engine adds that the SDK's plugin never reads.
IGNORED = frozenset({"randomSeed", "resourceStatusAddress", "resourceStatusToken"})
Shape = tuple[str, frozenset[str], tuple[tuple[str, frozenset[str]], ...]]


def _shape(call: dict[str, Any]) -> Shape:
    request = call["request"]
    fields = frozenset(request) - IGNORED
    maps = tuple(
        sorted(
            (field, frozenset(value))
            for field, value in request.items()
            if isinstance(value, dict) and field not in IGNORED
        )
    )
    return call["method"], fields, maps


def _calls(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    calls = [json.loads(line) for line in path.read_text().splitlines()]
    path.unlink()
    return calls


def _crud(calls: list[dict[str, Any]]) -> Counter[Shape]:
    return Counter(_shape(call) for call in calls if call["method"] != "Configure")


STEPS = ("create", "preview", "update", "refresh", "replace", "destroy")


def _engine_run(project: Project, emu: Emulator) -> dict[str, list[dict[str, Any]]]:
    recorded: dict[str, list[dict[str, Any]]] = {}
    project.up()
    recorded["create"] = _calls(project.grpc_log)
    project.preview()
    recorded["preview"] = _calls(project.grpc_log)
    project.write_program(offers_program(Declared("a", offer(description="Edited"))))
    project.up()
    recorded["update"] = _calls(project.grpc_log)
    AdobeUi(emu).patch(project.resources()["a"]["id"], [{"op": "replace", "path": "/status", "value": "draft"}])
    project.refresh()
    recorded["refresh"] = _calls(project.grpc_log)
    project.write_program(offers_program(Declared("a", offer(description="Edited", sandboxName="staging"))))
    project.up()
    recorded["replace"] = _calls(project.grpc_log)
    project.destroy()
    recorded["destroy"] = _calls(project.grpc_log)
    return recorded


def _standin_run(stack: Stack, log: Path, emu: Emulator) -> dict[str, list[dict[str, Any]]]:
    steps: dict[str, Callable[[], Any]] = {
        "create": lambda: stack.up("a", offer()),
        "preview": lambda: stack.preview("a", offer()),
        "update": lambda: stack.up("a", offer(description="Edited")),
        "refresh": lambda: (
            AdobeUi(emu).patch(stack.state["a"].id, [{"op": "replace", "path": "/status", "value": "draft"}]),
            stack.refresh("a"),
        ),
        "replace": lambda: stack.up("a", offer(description="Edited", sandboxName="staging")),
        "destroy": lambda: stack.destroy("a"),
    }
    recorded = {}
    _calls(log)  # the Configure call
    for step in STEPS:
        steps[step]()
        recorded[step] = _calls(log)
    return recorded


def _recording_plugin(start_plugin: Callable[..., Plugin], emu: Emulator, log: Path) -> Plugin:
    return start_plugin(plugin_config(emu), env={"PYTHONPATH": str(RECORDER), "OFFERFORM_RECORD_GRPC": str(log)})


def test_every_step_sends_the_plugin_what_the_engine_sends(
    make_project: ProjectFactory, emulator: Emulator, start_plugin: Callable[..., Plugin], tmp_path: Path
) -> None:
    engine = _engine_run(make_project(offers_program(Declared("a", offer())), record_grpc=True), emulator)
    log = tmp_path / "standin.jsonl"
    standin = _standin_run(Stack(_recording_plugin(start_plugin, emulator, log)), log, emulator)

    for step in STEPS:
        assert _crud(standin[step]) == _crud(engine[step]), step


def test_configure_carries_what_the_engine_sends(
    make_project: ProjectFactory, emulator: Emulator, start_plugin: Callable[..., Plugin], tmp_path: Path
) -> None:
    project = make_project(offers_program(Declared("a", offer())), record_grpc=True)
    project.preview()
    [engine] = [call for call in _calls(project.grpc_log) if call["method"] == "Configure"]
    log = tmp_path / "standin.jsonl"
    _recording_plugin(start_plugin, emulator, log)
    [standin] = _calls(log)

    assert _shape(standin) == _shape(engine)
    assert {
        key: value for key, value in engine["request"].items() if key not in ("args", "variables", "id", "urn")
    } == {key: value for key, value in standin["request"].items() if key not in ("args", "variables", "id", "urn")}


def test_get_sends_the_plugin_what_the_engine_sends(
    make_project: ProjectFactory, emulator: Emulator, start_plugin: Callable[..., Plugin], tmp_path: Path
) -> None:
    foreign = emulator.seed_offer(ORG, SANDBOX, offer("Foreign"))
    project = make_project(
        f"from provider import FallbackOffer\nFallbackOffer.get('shared', {foreign['id']!r})\n", record_grpc=True
    )
    project.up()
    engine = [call for call in _calls(project.grpc_log) if call["method"] == "Read"]
    log = tmp_path / "standin.jsonl"
    Stack(_recording_plugin(start_plugin, emulator, log)).get("shared", foreign["id"])
    standin = [call for call in _calls(log) if call["method"] == "Read"]

    assert _crud(standin) == _crud(engine)
