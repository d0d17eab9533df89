"""pytest fixtures for any test suite: `emulator` (fresh per test) and `shared_emulator` (one per session).

Register them in a conftest with `from offerform_emulator.testing import emulator, shared_emulator`.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Literal

import pytest

from .server import Emulator

Scope = Literal["session", "package", "module", "class", "function"]  # pytest's fixture scopes


def make_emulator_fixture(scope: Scope = "function", name: str = "emulator", **options: Any) -> Callable[..., Any]:
    """A fixture yielding a started Emulator built with `options`, stopped afterwards."""

    def _fixture() -> Iterator[Emulator]:
        with Emulator(**options) as emu:
            yield emu

    _fixture.__doc__ = f"A started Emulator ({scope} scope), stopped after use."
    return pytest.fixture(scope=scope, name=name)(_fixture)


# A started Emulator with a fresh store for each test.
emulator_fixture = make_emulator_fixture()
emulator = emulator_fixture

# One Emulator for the whole session, for tests that choose to share state; reset() is theirs to call.
shared_emulator = make_emulator_fixture(scope="session", name="shared_emulator")

__all__ = ["emulator", "emulator_fixture", "make_emulator_fixture", "shared_emulator"]
