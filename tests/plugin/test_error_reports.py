"""What the engine shows first of a provider error: our message, not "Traceback (most recent call last):".

The engine puts the first line of a failed call beside the resource in ``pulumi up``'s progress,
and the whole text under "Diagnostics"; ``PluginError.details`` is that text, as the SDK's
plugin sends it.
"""

from __future__ import annotations

from typing import Callable

import pytest
from offerform_emulator import Emulator, Fault

from harness.engine import Plugin, PluginError, Stack
from harness.offers import offer
from harness.stack_config import plugin_config

from ..support.ui import AdobeUi


def _report(failure: pytest.ExceptionInfo[PluginError]) -> list[str]:
    return failure.value.details.strip().splitlines()


def test_a_conflict_is_told_first_and_last_with_no_frame_from_inside_the_provider(stack: Stack, emu: Emulator) -> None:
    stack.up("spring", offer())
    AdobeUi(emu).patch(stack.state["spring"].id, [{"op": "replace", "path": "/status", "value": "archived"}])

    with pytest.raises(PluginError) as failure:
        stack.up("spring", offer(description="Ours"))

    report = _report(failure)
    assert report[0].startswith("provider.errors.ConflictError: fallback offer dps:fallback-offer:")
    assert "(status differs from what the stack last saw); nothing was overwritten" in report[0]
    assert report[-1] == report[0]
    assert not [line for line in report if "provider/writes.py" in line or "provider/client.py" in line]


def test_refused_credentials_are_told_first(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    plugin = start_plugin(plugin_config(emulator, **{"adobe:clientSecret": "not-the-secret"}))

    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    assert _report(failure)[0] == (
        "provider.errors.AuthenticationError: Adobe IMS refused the client credentials of client id "
        f"{emulator.client_id} (HTTP 401: invalid client_id/client_secret); check adobe:clientId "
        "(ADOBE_CLIENT_ID) and adobe:clientSecret (ADOBE_CLIENT_SECRET), wherever they are set"
    )


def test_throttling_past_the_deadline_is_told_first(emulator: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    plugin = start_plugin(plugin_config(emulator, **{"adobe:retryDeadline": "2"}))
    emulator.faults.add(Fault("status", status=429, retry_after=1, methods={"POST"}))

    with pytest.raises(PluginError) as failure:
        Stack(plugin).up("spring", offer())

    first = _report(failure)[0]
    assert first.startswith("provider.errors.ThrottledError: POST /offers failed with HTTP 429: Too many requests")
    assert "raise adobe:retryDeadline or lower adobe:maxRequestsPerSecond" in first


def test_a_malformed_setting_is_told_first_though_it_fails_while_the_plugin_configures(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emulator, **{"adobe:requestTimeout": "soon"}))

    with pytest.raises(PluginError) as failure:
        plugin.check("spring", offer())

    assert _report(failure)[0].startswith(
        "provider.errors.ConfigurationError: adobe:requestTimeout / ADOBE_REQUEST_TIMEOUT must be"
    )
