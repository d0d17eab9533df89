"""Configuration through the engine's Configure call: what preview needs, what apply needs, what is sent."""

from __future__ import annotations

import time
from typing import Callable

import pytest
from offerform_emulator import Emulator, Fault

from harness.engine import Plugin, PluginError, Stack
from harness.offers import offer
from harness.stack_config import ORG, SANDBOX, plugin_config
from provider import __version__

from ..support.kinds import KINDS


def test_preview_needs_no_credentials(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    plugin = start_plugin({}, env={"ADOBE_CLIENT_ID": "", "ADOBE_CLIENT_SECRET": "", "ADOBE_IMS_ORG_ID": ""})

    assert Stack(plugin).preview("spring", offer()).op == "create"


def test_apply_without_credentials_lists_every_missing_setting(start_plugin: Callable[..., Plugin]) -> None:
    plugin = start_plugin({}, env={"ADOBE_CLIENT_ID": "", "ADOBE_CLIENT_SECRET": "", "ADOBE_IMS_ORG_ID": ""})

    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    for setting in ("adobe:clientId", "ADOBE_CLIENT_ID", "adobe:imsOrgId", "adobe:clientSecret"):
        assert setting in failure.value.details


def test_settings_fall_back_to_the_environment(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    env = {
        "ADOBE_CLIENT_ID": emulator.client_id,
        "ADOBE_CLIENT_SECRET": emulator.client_secret,
        "ADOBE_IMS_ORG_ID": ORG,
        "ADOBE_SANDBOX_NAME": "from-env",
        "ADOBE_ENDPOINT": emulator.dps_url,
        "ADOBE_IMS_ENDPOINT": emulator.ims_url,
    }
    plugin = start_plugin({}, env=env)

    Stack(plugin).up("spring", offer())

    assert len(emulator.offers(ORG, "from-env")) == 1


def test_every_call_carries_adobes_headers_and_our_user_agent(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())

    [post] = emu.log.entries(service="dps")
    assert post.headers["authorization"] == "Bearer ***"
    assert post.headers["x-api-key"] == emu.client_id
    assert post.headers["x-gw-ims-org-id"] == ORG
    assert post.headers["x-sandbox-name"] == SANDBOX
    assert post.headers["user-agent"].startswith(f"offerform/{__version__}")
    assert post.query["offer-type"] == ["fallback"]


def test_one_token_serves_every_call_of_a_process(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    stack = Stack(start_plugin(plugin_config(emulator)))

    for index in range(5):
        stack.up(f"offer-{index}", offer(f"Offer {index}"))
        stack.refresh(f"offer-{index}")

    assert emulator.tokens_issued == 1


def test_one_token_serves_every_kind_of_a_process(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    plugin = start_plugin(plugin_config(emulator))

    for case in KINDS:
        case.prepare(emulator, SANDBOX)
        stack = Stack(plugin, case.spec)
        stack.up("it", case.declare())
        stack.refresh("it")

    assert emulator.tokens_issued == 1
    assert {entry.kind for entry in emulator.log.entries(service="dps")} == {case.emulator_kind for case in KINDS}


def test_a_token_about_to_expire_is_replaced_before_use(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    emulator.token_lifetime = 2  # shorter than the refresh margin: the provider keeps it for half its life
    stack = Stack(start_plugin(plugin_config(emulator)))

    stack.up("spring", offer())
    time.sleep(1.2)
    stack.refresh("spring")

    assert emulator.tokens_issued == 2
    # The first create of a kind in a process lists the kind once (leftovers of a killed run), then posts.
    assert [(entry.method, entry.status) for entry in emulator.log.entries(service="dps")] == [
        ("GET", 200),
        ("POST", 201),
        ("GET", 200),
    ]


def test_an_api_error_carries_adobes_message_and_request_id(stack: Stack, emu: Emulator) -> None:
    emu.faults.add(Fault("status", status=400, methods={"POST"}, times=1))

    with pytest.raises(PluginError) as failure:
        stack.up("spring", offer())

    [post] = emu.log.entries(service="dps")
    assert "POST /offers failed with HTTP 400" in failure.value.details
    assert "request id" in failure.value.details
    assert emu.offers(ORG, SANDBOX) == [] and post.status == 400


def test_a_refused_access_token_points_at_the_credential_settings_not_the_sandbox(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emulator, **{"adobe:clientSecret": None, "adobe:accessToken": "never-issued"}))

    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    error = failure.value.details.strip().splitlines()[-1]  # the exception, below the plugin's traceback
    assert "HTTP 401" in error and "[401013]" in error and "request id" in error
    assert "adobe:accessToken" in error and "sandbox" not in error


def test_a_different_default_sandbox_elsewhere_never_moves_existing_offers(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    laptop = Stack(start_plugin(plugin_config(emulator)))
    laptop.up("spring", offer())
    ci = Stack(start_plugin(plugin_config(emulator, **{"adobe:sandboxName": None}), env={"ADOBE_SANDBOX_NAME": "prod"}))
    ci.state = laptop.state

    assert ci.preview("spring", offer()).op == "same"
    assert ci.up("new-one", offer("New")).op == "create"
    assert [o["name"] for o in emulator.offers(ORG, "prod")] == ["New"]
    assert len(emulator.offers(ORG, SANDBOX)) == 1
