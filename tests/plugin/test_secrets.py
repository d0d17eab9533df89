"""Secrets never leave the plugin process: not in state, the provider blob, errors, tracebacks or debug logs.

A recognisable client secret is planted; every string the engine could store or show is scanned
for it and for every access token the emulator issued.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Callable, Iterator

import pytest
from offerform_emulator import Emulator, Fault

from harness.engine import Plugin, PluginError, Stack
from harness.offers import offer
from harness.stack_config import plugin_config

from ..support.ui import AdobeUi

PLANTED_SECRET = "PLANTED-client-secret-7f3c9a1e"
PLANTED_TOKEN = "PLANTED-access-token-b41d09"


@pytest.fixture
def planted() -> Iterator[Emulator]:
    with Emulator(client_secret=PLANTED_SECRET) as emu:
        yield emu


def _secrets(emu: Emulator) -> list[str]:
    return [PLANTED_SECRET, *emu.issued_tokens()]


def _leaks(texts: list[str], secrets: list[str]) -> list[str]:
    return [secret[:12] + "…" for secret in secrets if any(secret in text for text in texts)]


def _full_lifecycle(stack: Stack, emu: Emulator) -> list[str]:
    """Every kind of call and failure; returns every string the engine would see."""
    seen: list[str] = []

    def record(value: Any) -> None:
        seen.append(json.dumps(value, default=str))

    stack.up("spring", offer())
    record(stack.state["spring"].outputs)
    stack.up("spring", offer(description="Updated"))
    record(stack.state["spring"].outputs)
    emu.expire_tokens()  # forces a 401 and a token refresh
    stack.refresh("spring")
    record(stack.state["spring"].outputs)
    record(stack.state["spring"].inputs)
    AdobeUi(emu).patch(stack.state["spring"].id, [{"op": "replace", "path": "/name", "value": "UI"}])

    def unreadable_refresh() -> None:
        emu.faults.add(Fault("html", status=200, methods={"GET"}, times=1))
        stack.refresh("spring")

    failures = [
        lambda: stack.up("spring", offer(description="Conflicting")),
        lambda: stack.up("broken", {**offer("Broken"), "adoptOfferId": "dps:fallback-offer:nope"}),
        unreadable_refresh,
    ]
    for failing in failures:
        with pytest.raises(PluginError) as error:
            failing()
        seen.append(error.value.details)
    stack.refresh("spring")
    record(stack.get("reference", stack.state["spring"].id))
    stack.destroy("spring")
    return seen


def test_no_secret_reaches_outputs_errors_blob_or_debug_logs(
    planted: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(planted), env={"OFFERFORM_DEBUG_HTTP": "1"})

    seen = _full_lifecycle(Stack(plugin), planted)
    seen.append(base64.b64decode(plugin.blob).decode("latin-1"))
    logs = plugin.logs()

    assert "Bearer ***" in logs  # debug logging really ran, redacted
    assert "(token for client id" in logs  # token requests are logged too, without the form
    assert planted.tokens_issued >= 2
    assert _leaks(seen + [logs], _secrets(planted)) == []


def test_a_refused_client_secret_is_not_echoed_in_the_error(
    planted: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    wrong = "PLANTED-wrong-secret-00c0ffee"
    plugin = start_plugin(plugin_config(planted, **{"adobe:clientSecret": wrong}), env={"OFFERFORM_DEBUG_HTTP": "1"})

    with pytest.raises(PluginError) as error:
        Stack(plugin).up("spring", offer())

    assert "Adobe IMS refused the client credentials" in error.value.details
    assert _leaks([error.value.details, plugin.logs()], [wrong, PLANTED_SECRET]) == []


def test_a_configured_access_token_is_used_but_never_shown(
    planted: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(
        plugin_config(planted, **{"adobe:clientSecret": None, "adobe:accessToken": PLANTED_TOKEN}),
        env={"OFFERFORM_DEBUG_HTTP": "1"},
    )

    with pytest.raises(PluginError) as error:
        Stack(plugin).up("spring", offer())

    assert "HTTP 401" in error.value.details  # the emulator never issued that token
    assert planted.tokens_issued == 0
    assert _leaks([error.value.details, plugin.logs()], [PLANTED_TOKEN]) == []


def test_the_pickled_provider_holds_no_configuration(planted: Emulator, start_plugin: Callable[..., Plugin]) -> None:
    plugin = start_plugin(plugin_config(planted))
    Stack(plugin).up("spring", offer())

    decoded = base64.b64decode(plugin.blob)

    assert len(decoded) < 100
    for fragment in (planted.client_id.encode(), b"127.0.0.1", b"requests", b"Session"):
        assert fragment not in decoded
