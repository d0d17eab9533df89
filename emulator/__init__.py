"""A faithful local emulator of Adobe IMS and the Offer Library API (every kind of the family), for tests and demos.

The server needs the ``emulator`` extra (werkzeug, jsonpatch); it is imported when first asked
for, so that the package's pytest plugin, which pytest loads in every run of an environment where
offerform is installed, costs nothing and breaks nothing where the extra is not installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .faults import Fault, FaultInjector
from .log import LoggedRequest, RequestLog

if TYPE_CHECKING:
    from .server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator

EXTRA_HINT = "the Adobe emulator needs offerform's 'emulator' extra: pip install \"offerform[emulator]\""
_FROM_SERVER = ("DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "Emulator")


def __getattr__(name: str) -> Any:
    if name not in _FROM_SERVER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        server = importlib.import_module(".server", __name__)
    except ModuleNotFoundError as missing:
        raise ModuleNotFoundError(f"{EXTRA_HINT} ({missing})", name=missing.name) from missing
    return getattr(server, name)


__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "Emulator",
    "Fault",
    "FaultInjector",
    "LoggedRequest",
    "RequestLog",
]
