"""offerform's pytest plugin: test your own stack against the emulator, with the real Pulumi CLI.

Installed with offerform (a ``pytest11`` entry point), so pytest loads it by itself. Fixtures:

- ``offerform_stack``: a factory, ``offerform_stack(project_dir, **options)`` -> ``StackUnderTest``
  (``kit.py``): a copy of your project, a throwaway stack pointed at ``adobe_emulator``.
- ``adobe_emulator``: a started ``Emulator``, fresh for each test.
- ``adobe_emulator_options``: the keyword arguments ``adobe_emulator`` is built with; override this
  fixture in a conftest (``{"sandboxes": ["prod"], "referential_integrity": True}``, or
  ``{"catalog_attributes": {"colour": "string"}}`` for the custom attributes of decision items).
- ``pulumi_bin``: the directory of the Pulumi CLI: ``--pulumi-bin DIR``, else
  ``$OFFERFORM_PULUMI_BIN``, else ``pulumi`` on PATH. A test that needs it and finds none fails
  with one line saying how to give it; it is never skipped.

Nothing here imports the emulator until a fixture needs it: where offerform is installed without
its ``emulator`` extra, this plugin loads and stays out of the way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest

if TYPE_CHECKING:
    from .kit import StackFactory, StackUnderTest
    from .server import Emulator


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("offerform").addoption(
        "--pulumi-bin",
        metavar="DIR",
        default=None,
        help="directory of the Pulumi CLI the offerform_stack fixture runs (default: $OFFERFORM_PULUMI_BIN, "
        "else pulumi on PATH)",
    )


@pytest.fixture(scope="session")
def pulumi_bin(pytestconfig: pytest.Config) -> Path:
    """The directory of the ``pulumi`` executable that stacks under test run."""
    from .kit import KitError, find_pulumi

    try:
        return find_pulumi(pytestconfig.getoption("pulumi_bin"))
    except KitError as error:
        missing = str(error)
    pytest.fail(f"offerform kit: {missing}", pytrace=False)  # outside the except: one line, no chained error


@pytest.fixture
def adobe_emulator_options() -> dict[str, Any]:
    """Keyword arguments of the ``Emulator`` behind ``adobe_emulator``; override it to change them."""
    return {}


@pytest.fixture
def adobe_emulator(adobe_emulator_options: dict[str, Any]) -> Iterator[Emulator]:
    """A started emulator of Adobe IMS and the Offer Library, with an empty store; stopped after the test."""
    try:
        from .server import Emulator
    except ModuleNotFoundError as error:
        from . import EXTRA_HINT

        missing = f"{EXTRA_HINT} ({error})"
    else:
        with Emulator(**adobe_emulator_options) as emulator:
            yield emulator
        return
    pytest.fail(f"offerform kit: {missing}", pytrace=False)


@pytest.fixture
def offerform_stack(
    adobe_emulator: Emulator, pulumi_bin: Path, tmp_path_factory: pytest.TempPathFactory
) -> StackFactory:
    """``offerform_stack(project_dir, **options)``: a new stack of a copy of that project, on ``adobe_emulator``.

    Options are ``StackUnderTest``'s: ``stack``, ``org``, ``sandbox``, ``config``, ``secrets``,
    ``backend``, ``env``, and ``emulator`` for another emulator than ``adobe_emulator``.
    """
    from .kit import StackUnderTest

    def make(project: str | Path, **options: Any) -> StackUnderTest:
        emulator = options.pop("emulator", adobe_emulator)
        return StackUnderTest(
            project, emulator, tmp_path_factory.mktemp("offerform-stack"), pulumi_bin=pulumi_bin, **options
        )

    return make
