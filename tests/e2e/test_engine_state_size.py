"""What each resource costs in the state, which the file backend rewrites whole around every step."""

from __future__ import annotations

import json
from typing import Any

from offerform_emulator import Emulator

from harness.project import OFFER_TYPE

from .conftest import ProjectFactory
from .programs import HEADER, OFFER_FUNCTION, named, offers_program

COMPONENT_PROGRAM = (
    HEADER
    + OFFER_FUNCTION
    + """\
class Shop(pulumi.ComponentResource):
    def __init__(self, name):
        super().__init__("example:Shop", name)
        self.offer = FallbackOffer(name, offer("Offer " + name), opts=pulumi.ResourceOptions(parent=self))


Shop("web")
"""
)


def _offer_resources(project_export: dict[str, Any]) -> list[dict[str, Any]]:
    return [resource for resource in project_export["deployment"]["resources"] if resource["type"] == OFFER_TYPE]


def test_an_offer_records_the_programs_line_and_frames_only(make_project: ProjectFactory, emulator: Emulator) -> None:
    project = make_project(offers_program(named("web")))
    project.up()

    [resource] = _offer_resources(project.export())

    assert resource["sourcePosition"].startswith("project:///__main__.py#")
    assert [frame.get("sourcePosition", "") for frame in resource["stackTrace"]] == [resource["sourcePosition"]]
    assert len(json.dumps(resource)) < 2600  # was 3,800 with the SDK's and asyncio's frames
    project.assert_no_changes()


def test_an_offer_declared_in_a_component_keeps_the_components_frame(
    make_project: ProjectFactory, emulator: Emulator
) -> None:
    project = make_project(COMPONENT_PROGRAM)
    project.up()

    [resource] = _offer_resources(project.export())

    frames = [frame.get("sourcePosition", "") for frame in resource["stackTrace"]]
    assert len(frames) == 2 and all(frame.startswith("project:///__main__.py#") for frame in frames)
    assert resource["sourcePosition"] == frames[0]
