"""The pytest fixtures other suites use: `emulator` (fresh per test) and `shared_emulator` (one per session)."""

from __future__ import annotations

from typing import Any, Callable

import requests
from offerform_emulator import Emulator

from .conftest import Dps


def test_the_emulator_fixture_is_started_and_fresh(emulator: Emulator) -> None:
    assert emulator.running
    assert emulator.log.entries() == [] and emulator.tokens_issued == 0
    assert emulator.offers("TESTORG@AdobeOrg", "prod") == []
    assert emulator.dps_url == emulator.url + "/data/core/dps"
    assert emulator.ims_url == emulator.url + "/ims/token/v3"
    assert emulator.url.startswith("http://127.0.0.1:")


def test_the_emulator_fixture_uses_the_demo_credentials(emulator: Emulator) -> None:
    assert (emulator.client_id, emulator.client_secret) == ("offerform-demo-client", "offerform-demo-secret")


def test_the_shared_emulator_is_one_server_for_the_session(shared_emulator: Emulator, request: Any) -> None:
    assert shared_emulator.running
    assert request.getfixturevalue("shared_emulator") is shared_emulator


def test_the_shared_emulator_keeps_state_until_reset(
    shared_emulator: Emulator, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps], body: Any
) -> None:
    shared_emulator.reset()
    dps_for(shared_emulator, new_token(shared_emulator)).create(body())
    assert len(shared_emulator.offers("TESTORG@AdobeOrg", "prod")) == 1
    shared_emulator.reset()
    assert shared_emulator.offers("TESTORG@AdobeOrg", "prod") == []


def test_a_stopped_emulator_releases_its_port() -> None:
    emu = Emulator().start()
    url = emu.url
    emu.stop()
    assert not emu.running
    try:
        requests.get(url + "/ims/token/v3", timeout=1)
    except requests.exceptions.ConnectionError:
        return
    raise AssertionError("the server still answers after stop()")
