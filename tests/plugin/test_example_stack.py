"""The example stack (``__main__.py``) run by Pulumi's own test mocks, its objects created by the real plugin.

``set_mocks`` stands in for the engine's resource monitor; its ``new_resource`` hands every
dynamic resource (placements, fallback offers, the decision) to the dynamic-provider plugin
(Check, then Create), so the exported ids and etags are the emulator's.
"""

from __future__ import annotations

import asyncio
import runpy
from pathlib import Path
from typing import Any, Callable, Optional, ParamSpec

import pulumi
import pytest
from offerform_emulator import Emulator

from harness.engine import PROVIDER_KEY, Plugin, provider_blob
from harness.stack_config import ORG, SANDBOX
from provider.resources import SPECS

KINDS = {spec.pulumi_type: spec for spec in SPECS}

ROOT = Path(__file__).resolve().parents[2]

P = ParamSpec("P")


def pulumi_test(test: Callable[P, object]) -> Callable[P, None]:
    """``pulumi.runtime.test``: runs the test and waits for the Output it returns; typed here, the SDK's is not."""
    waits: Callable[P, None] = pulumi.runtime.test(test)  # type: ignore[no-untyped-call]  # unannotated in the SDK
    return waits


class PluginMocks(pulumi.runtime.Mocks):
    """Routes dynamic resources to the real plugin; records what the program sent."""

    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin
        self.blobs: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Optional[str], dict[str, Any]]:
        spec = KINDS[args.typ]
        inputs = {key: value for key, value in args.inputs.items() if key != PROVIDER_KEY}
        self.blobs.append(args.inputs[PROVIDER_KEY])
        if args.resource_id:  # FallbackOffer.get(...)
            _, outputs, _ = self.plugin.read(args.name, args.resource_id, inputs, inputs, spec)
            return args.resource_id, outputs
        checked, failures = self.plugin.check(args.name, inputs, spec=spec)
        assert failures == [], failures
        return self.plugin.create(args.name, checked, spec)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], Optional[list[tuple[str, str]]]]:
        return {}, None


@pytest.fixture
def program(shared_plugin: Plugin, emu: Emulator) -> tuple[dict[str, Any], PluginMocks]:
    mocks = PluginMocks(shared_plugin)
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_mocks(mocks, project="offerform", stack="test", preview=False)
    return runpy.run_path(str(ROOT / "__main__.py")), mocks


@pulumi_test
def test_the_example_stack_creates_its_offers_in_the_emulator(
    program: tuple[dict[str, Any], PluginMocks], emu: Emulator
) -> Any:
    module, _ = program

    def verify(values: list[Any]) -> None:
        web_id, email_id, web_etag, email_etag = values
        live = {o["id"]: o for o in emu.offers(ORG, SANDBOX)}
        assert set(live) == {web_id, email_id}
        assert live[web_id]["name"] == "Spring web fallback"
        assert live[email_id]["representations"][0]["components"][0]["format"] == "text/html"
        assert (web_etag, email_etag) == (1, 1) and isinstance(web_etag, int)

    offers = (module["web_fallback"], module["email_fallback"])
    return pulumi.Output.all(offers[0].id, offers[1].id, offers[0].etag, offers[1].etag).apply(verify)


@pulumi_test
def test_the_chain_is_wired_by_references(program: tuple[dict[str, Any], PluginMocks], emu: Emulator) -> Any:
    module, _ = program

    def verify(values: list[Any]) -> None:
        web_banner, email_block, web_fallback, email_fallback, decision = values
        assert emu.stored("fallback-offer", ORG, SANDBOX, web_fallback)["representations"][0]["placement"] == web_banner
        assert (
            emu.stored("fallback-offer", ORG, SANDBOX, email_fallback)["representations"][0]["placement"] == email_block
        )
        live = emu.stored("decision", ORG, SANDBOX, decision)
        assert live["fallback"] == web_fallback
        assert live["criteria"][0]["placements"] == [web_banner, email_block]

    return pulumi.Output.all(
        *(module[name].id for name in ("web_banner", "email_block", "web_fallback", "email_fallback", "decision"))
    ).apply(verify)


@pulumi_test
def test_snake_case_outputs_mirror_the_api_names(program: tuple[dict[str, Any], PluginMocks], emu: Emulator) -> Any:
    web = program[0]["web_fallback"]

    def verify(values: list[Any]) -> None:
        created, created_camel, sandbox_id, sandbox = values
        assert created == created_camel and created.endswith("+00:00")
        assert sandbox_id and sandbox == SANDBOX

    return pulumi.Output.all(web.created_date, web.createdDate, web.sandbox_id, web.sandbox_name).apply(verify)


@pulumi_test
def test_the_program_sends_the_same_provider_blob_as_the_harness(program: tuple[dict[str, Any], PluginMocks]) -> Any:
    module, mocks = program

    def verify(_: Any) -> None:
        assert len(mocks.blobs) == 5
        assert set(mocks.blobs) == {
            provider_blob(KINDS[kind])
            for kind in (
                "pulumi-python:dynamic/adobe:Placement",
                "pulumi-python:dynamic/adobe:FallbackOffer",
                "pulumi-python:dynamic/adobe:Decision",
            )
        }

    return pulumi.Output.all(module["web_fallback"].id, module["email_fallback"].id, module["decision"].id).apply(
        verify
    )


@pulumi_test
def test_get_references_an_offer_the_stack_does_not_manage(shared_plugin: Plugin, emu: Emulator) -> Any:
    from provider import FallbackOffer

    existing = emu.seed_offer(
        ORG,
        SANDBOX,
        {
            "name": "Made in the UI",
            "representations": [
                {
                    "channel": "https://ns.adobe.com/xdm/channel-types/web",
                    "placement": "dps:offer-placement:1",
                    "components": [{"type": "text", "format": "text/plain", "content": "Hello"}],
                }
            ],
        },
    )
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_mocks(PluginMocks(shared_plugin), project="offerform", stack="test", preview=False)

    reference = FallbackOffer.get("shared", existing["id"])

    def verify(values: list[Any]) -> None:
        assert values == [existing["id"], "Made in the UI", 1]

    return pulumi.Output.all(reference.id, reference.name, reference.etag).apply(verify)
