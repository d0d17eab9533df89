"""``reported``: an error raised on purpose is printed message first; any other keeps its whole traceback."""

from __future__ import annotations

import traceback

import pytest

from provider.engine.reporting import reported
from provider.errors import ConflictError


def _formatted(call: object) -> list[str]:
    """What the SDK's plugin sends the engine: ``traceback.format_exc()`` of the exception."""
    try:
        call()  # type: ignore[operator]
    except Exception:  # noqa: BLE001 (the point: whatever it is)
        return traceback.format_exc().strip().splitlines()
    raise AssertionError("nothing was raised")


def _deep_conflict() -> None:
    raise ConflictError("fallback offer", "dps:fallback-offer:1", ["status"])


def test_an_offerform_error_is_printed_message_first_and_last_without_the_frames_inside() -> None:
    lines = _formatted(reported(lambda: _deep_conflict()))

    assert lines[0].startswith("provider.errors.ConflictError: fallback offer dps:fallback-offer:1 was changed")
    assert lines[-1] == lines[0]
    assert not [line for line in lines if "_deep_conflict" in line]


def test_the_error_raised_is_the_original_with_its_attributes() -> None:
    with pytest.raises(ConflictError) as raised:
        reported(_deep_conflict)()

    assert raised.value.fields == ["status"] and raised.value.object_id == "dps:fallback-offer:1"
    assert isinstance(raised.value.__cause__, ConflictError) and raised.value.__cause__.fields == ["status"]


def test_any_other_exception_keeps_the_plugins_full_traceback() -> None:
    def bug() -> None:
        empty: dict[str, int] = {}
        empty["missing"]

    lines = _formatted(reported(bug))

    assert lines[0] == "Traceback (most recent call last):"
    assert any("in bug" in line for line in lines) and lines[-1] == "KeyError: 'missing'"
