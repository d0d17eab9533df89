"""Adobe IMS or the API out of reach: one retry chain, then one line saying what was tried and which settings decide it.

A token that cannot be had is known before any write is sent, so it never makes a create "unknown"
nor sends anyone looking for a duplicate. Faults are injected in the emulator, or the endpoint is a
closed port on 127.0.0.1; the provider runs in the real plugin process.
"""

from __future__ import annotations

import socket
import time
from typing import Callable

import pytest
from offerform_emulator import Emulator, Fault

from harness.engine import Plugin, PluginError, Stack, concurrently
from harness.offers import offer
from harness.stack_config import ORG, SANDBOX, plugin_config

from ..support.ui import AdobeUi

SMALL_RETRIES = {"adobe:maxRetries": "2", "adobe:retryDeadline": "20"}


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound once by us, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _first_line(failure: pytest.ExceptionInfo[PluginError]) -> str:
    return str(failure.value.details).strip().splitlines()[0]


def test_an_unreachable_ims_fails_a_create_in_one_line_naming_ims_endpoint_and_the_retry_settings(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    ims = f"http://127.0.0.1:{closed_port()}/ims/token/v3"
    plugin = start_plugin(plugin_config(emulator, **{"adobe:imsEndpoint": ims}, **SMALL_RETRIES))

    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    first = _first_line(failure)
    assert first.startswith(
        f"provider.errors.TokenUnavailableError: no access token: Adobe IMS at {ims} did not answer "
        "(connection refused: nothing listens there); tried 3 times in "
    )
    assert "no retries left (adobe:maxRetries is 2)" in first
    assert "adobe:retryDeadline (20 s)" in first and "adobe:requestTimeout (5 s)" in first
    assert first.endswith(
        "nothing was sent to the Offer Library API: check adobe:imsEndpoint (ADOBE_IMS_ENDPOINT) and the network"
    )
    assert emulator.log.count(service="dps") == 0


def test_a_token_failure_never_calls_a_create_unknown_nor_looks_for_a_duplicate(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emulator, **SMALL_RETRIES))
    emulator.faults.add(Fault("drop", service="ims"))

    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    assert "OutcomeUnknownError" not in failure.value.details and "duplicate" not in failure.value.details
    assert _first_line(failure).startswith("provider.errors.TokenUnavailableError: no access token")
    assert emulator.log.count(service="dps") == 0


def test_the_token_is_asked_for_through_one_retry_chain_however_many_calls_need_it(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emulator, **SMALL_RETRIES))
    emulator.faults.add(Fault("drop", service="ims"))
    stack = Stack(plugin)

    def up(name: str) -> str:
        with pytest.raises(PluginError) as failure:
            stack.up(name, offer(name=name))
        return _first_line(failure)

    reports = concurrently(*[lambda name=name: up(name) for name in ("spring", "summer", "autumn")])

    # adobe:maxRetries 2: one first try and two retries, for the whole process.
    assert emulator.log.count(service="ims") == 3
    assert len(set(reports)) == 1 and reports[0].startswith("provider.errors.TokenUnavailableError")


def test_an_ims_fault_that_outlasts_the_retries_is_not_called_a_refusal_of_the_credentials(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emulator, **SMALL_RETRIES))
    emulator.faults.add(Fault("status", status=503, retry_after=0, service="ims"))

    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    first = _first_line(failure)
    assert first.startswith(f"provider.errors.TokenUnavailableError: no access token: Adobe IMS at {emulator.ims_url}")
    assert "answered HTTP 503" in first and "adobe:maxRetries (2)" in first and "refused" not in first


def test_an_unreachable_api_endpoint_says_what_was_retried_how_often_for_how_long_and_which_settings_decide(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}/data/core/dps"
    plugin = start_plugin(plugin_config(emulator, **{"adobe:endpoint": endpoint}, **SMALL_RETRIES))

    started = time.monotonic()
    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    # A create's first call is the one listing of its kind that finds what a killed run left (its leftovers).
    first = _first_line(failure)
    assert first.startswith(
        f"provider.errors.TransportError: GET /offers: no answer from the Offer Library API at {endpoint} "
        "(connection refused: nothing listens there); tried 3 times in "
    )
    assert "then gave up: no retries left (adobe:maxRetries is 2) (adobe:maxRetries (2) caps the retries" in first
    assert "adobe:retryDeadline (20 s) the time they may take, adobe:requestTimeout (5 s) each attempt" in first
    assert first.endswith("check adobe:endpoint (ADOBE_ENDPOINT) and the network")
    assert "OutcomeUnknownError" not in failure.value.details
    assert time.monotonic() - started < 20
    assert emulator.offers(ORG, SANDBOX) == []


# -- an endpoint that answers, but is not the Offer Library API -------------------------------------------


def _wrong_path(emulator: Emulator) -> str:
    """The API path with a typo (``/data/core/dpz``): the gateway answers 404 for everything under it."""
    assert emulator.dps_url.endswith("/dps")
    return emulator.dps_url[: -len("dps")] + "dpz"


def test_a_create_on_a_wrong_api_path_says_check_adobe_endpoint(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emulator, **{"adobe:endpoint": _wrong_path(emulator)}))

    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    first = _first_line(failure)
    assert first.startswith("provider.errors.EndpointNotFoundError: GET /offers failed with HTTP 404")
    assert f"{_wrong_path(emulator)} has no /offers collection" in first
    assert "check adobe:endpoint (ADOBE_ENDPOINT)" in first


def test_a_refresh_on_a_wrong_api_path_is_an_error_never_an_object_deleted_outside_the_stack(
    stack: Stack, emu: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    stack.up("spring", offer())
    wrong = Stack(start_plugin(plugin_config(emu, **{"adobe:endpoint": _wrong_path(emu)})))
    wrong.state = dict(stack.state)

    with pytest.raises(PluginError) as failure:
        wrong.refresh("spring")

    assert "check adobe:endpoint (ADOBE_ENDPOINT)" in _first_line(failure)
    assert "spring" in wrong.state


def test_a_delete_on_a_wrong_api_path_fails_instead_of_counting_as_done(
    stack: Stack, emu: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    stack.up("spring", offer())
    wrong = Stack(start_plugin(plugin_config(emu, **{"adobe:endpoint": _wrong_path(emu)})))
    wrong.state = dict(stack.state)

    with pytest.raises(PluginError) as failure:
        wrong.destroy("spring")

    assert "check adobe:endpoint (ADOBE_ENDPOINT)" in _first_line(failure)
    assert len(emu.offers(ORG, SANDBOX)) == 1


def test_an_object_gone_outside_the_stack_still_reads_as_gone_with_one_look_at_its_collection(
    stack: Stack, emu: Emulator
) -> None:
    stack.up("spring", offer())
    AdobeUi(emu).delete(stack.state["spring"].id)
    emu.log.clear()

    assert stack.refresh("spring") is False
    assert [(entry.method, entry.status) for entry in emu.log.entries(service="dps")] == [("GET", 404), ("GET", 200)]
