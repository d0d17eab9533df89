"""The benchmarks' emulator in its own process serves what the test kit's stack config reads from an emulator."""

from __future__ import annotations

from typing import Any

import pytest
from offerform_emulator import Emulator
from offerform_emulator.kit import adobe_config

from benchmarks.emulator_process import InProcessEmulator, SubprocessEmulator

ORG, SANDBOX = "BENCH@AdobeOrg", "bench"


@pytest.mark.parametrize("make", [SubprocessEmulator, InProcessEmulator], ids=["subprocess", "in-process"])
def test_the_kit_configures_a_stack_from_the_benchmarks_emulator(make: Any) -> None:
    emu = make()
    try:
        config = adobe_config(emu, ORG, SANDBOX)
    finally:
        emu.close()

    with Emulator() as reference:
        expected = reference.catalog_schema_id(ORG, SANDBOX)
    assert config["adobe:itemSchemaId"] == expected  # a catalog's schema id names its org and sandbox, not the process
    assert config["adobe:tenantId"] == emu.tenant_id and config["adobe:endpoint"] == emu.dps_url
