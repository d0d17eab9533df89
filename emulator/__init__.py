"""A faithful local emulator of Adobe IMS and the Offer Library API (every kind of the family), for tests and demos."""

from .faults import Fault, FaultInjector
from .log import LoggedRequest, RequestLog
from .server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "Emulator",
    "Fault",
    "FaultInjector",
    "LoggedRequest",
    "RequestLog",
]
