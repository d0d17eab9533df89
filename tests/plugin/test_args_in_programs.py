"""Typed Args in a real program (Pulumi's mocks, the real plugin): Outputs work anywhere, nested blocks included."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import pulumi
import pytest
from offerform_emulator import Emulator

from harness.engine import Plugin
from harness.offers import WEB
from harness.offers import offer as plain_offer
from harness.stack_config import ORG, SANDBOX

from .test_example_stack import PluginMocks, pulumi_test


def _mocked(plugin: Plugin) -> None:
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_mocks(PluginMocks(plugin), project="offerform", stack="test", preview=False)


def _component() -> Any:
    from provider import ComponentArgs

    return ComponentArgs(type="text", format="text/plain", content="Hello")


@pulumi_test
def test_an_output_inside_a_nested_block_reaches_the_api(shared_plugin: Plugin, emu: Emulator) -> Any:
    from provider import (
        FallbackOffer,
        FallbackOfferArgs,
        Placement,
        PlacementArgs,
        RepresentationArgs,
        SelectionConstraintArgs,
    )

    _mocked(shared_plugin)
    web = Placement("web", PlacementArgs(name="Home banner", channel=WEB, component_type="text"))
    offer = FallbackOffer(
        "fallback",
        FallbackOfferArgs(
            name="Spring fallback",
            representations=[RepresentationArgs(channel=WEB, placement=web.id, components=[_component()])],
            selection_constraint=SelectionConstraintArgs(start_date=web.created_date, profile_constraint_type="none"),
        ),
    )

    def verify(values: list[Any]) -> None:
        web_id, offer_id, created = values
        live = emu.stored("fallback-offer", ORG, SANDBOX, offer_id)
        assert live["representations"][0]["placement"] == web_id
        assert live["selectionConstraint"] == {"startDate": created, "profileConstraintType": "none"}

    return pulumi.Output.all(web.id, offer.id, web.created_date).apply(verify)


@pulumi_test
def test_a_whole_nested_block_may_be_an_output(shared_plugin: Plugin, emu: Emulator) -> Any:
    from provider import FallbackOffer, FallbackOfferArgs, RankArgs, RepresentationArgs, SelectionConstraintArgs

    _mocked(shared_plugin)
    offer = FallbackOffer(
        "fallback",
        FallbackOfferArgs(
            name="Spring fallback",
            representations=pulumi.Output.from_input(
                [RepresentationArgs(channel=WEB, placement="dps:offer-placement:1", components=[_component()])]
            ),
            selection_constraint=pulumi.Output.from_input(SelectionConstraintArgs(end_date="2026-09-01T00:00:00Z")),
            rank=pulumi.Output.from_input(RankArgs(priority=2)),
        ),
    )

    def verify(offer_id: str) -> None:
        live = emu.stored("fallback-offer", ORG, SANDBOX, offer_id)
        assert live["selectionConstraint"] == {"endDate": "2026-09-01T00:00:00.000+00:00"}
        assert live["rank"] == {"priority": 2}

    return offer.id.apply(verify)


@pulumi_test
def test_a_decision_takes_its_references_as_outputs(shared_plugin: Plugin, emu: Emulator) -> Any:
    from provider import (
        Decision,
        DecisionArgs,
        DecisionCriterionArgs,
        FallbackOffer,
        FallbackOfferArgs,
        OptionSelectionArgs,
        Placement,
        PlacementArgs,
        RepresentationArgs,
    )

    _mocked(shared_plugin)
    web = Placement("web", PlacementArgs(name="Home banner", channel=WEB, component_type="text"))
    fallback = FallbackOffer(
        "fallback",
        FallbackOfferArgs(
            name="Spring fallback",
            representations=[RepresentationArgs(channel=WEB, placement=web.id, components=[_component()])],
        ),
    )
    decision = Decision(
        "spring",
        DecisionArgs(
            name="Spring decision",
            fallback=fallback.id,
            criteria=[
                DecisionCriterionArgs(
                    placements=[web.id], option_selection=OptionSelectionArgs(filter="dps:offer-filter:1")
                )
            ],
        ),
    )

    def verify(values: list[Any]) -> None:
        web_id, fallback_id, decision_id = values
        live = emu.stored("decision", ORG, SANDBOX, decision_id)
        assert live["fallback"] == fallback_id and live["criteria"][0]["placements"] == [web_id]
        assert live["status"] == "draft"

    return pulumi.Output.all(web.id, fallback.id, decision.id).apply(verify)


@pulumi_test
def test_a_plain_dict_may_hold_datetime_and_date_values(shared_plugin: Plugin, emu: Emulator) -> Any:
    from provider import FallbackOffer

    _mocked(shared_plugin)
    offer = FallbackOffer(
        "fallback",
        {
            **plain_offer(),
            "selectionConstraint": {
                "startDate": datetime.datetime(
                    2026, 6, 1, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
                ),
                "endDate": datetime.date(2026, 9, 1),
            },
        },
    )

    def verify(offer_id: str) -> None:
        live = emu.stored("fallback-offer", ORG, SANDBOX, offer_id)
        assert live["selectionConstraint"] == {
            "startDate": "2026-06-01T07:30:00.000+00:00",
            "endDate": "2026-09-01T00:00:00.000+00:00",
        }

    return offer.id.apply(verify)


def test_a_datetime_without_a_time_zone_in_a_plain_dict_is_refused_naming_its_path() -> None:
    from provider import FallbackOffer

    with pytest.raises(
        TypeError,
        match=r"^FallbackOffer\.selectionConstraint\.startDate: the datetime "
        r"2026-06-01T00:00:00 has no time zone",
    ):
        FallbackOffer(
            "fallback", {**plain_offer(), "selectionConstraint": {"startDate": datetime.datetime(2026, 6, 1)}}
        )
