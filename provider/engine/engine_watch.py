"""The plugin process exits once the Pulumi engine that started it is gone.

The engine starts the SDK's dynamic-provider plugin (``pulumi-resource-pulumi-python``, which runs
``python -m pulumi.dynamic``) in a process group of its own, with the engine's gRPC address as the
last argument, and stops it when the command ends. The SDK's plugin never looks at that address, so
when the engine itself is killed (a CI runner's timeout, SIGKILL) nothing ever stops the plugin: it
serves forever. Pulumi's own language hosts health-check the engine at that address
(``rpcutil.Healthcheck``: the standard gRPC health service, "unimplemented" counting as alive); this
does the same from the first ``configure``, and ends the process once the engine stops answering.
Outside the plugin (the stand-in engine of the tests, a program, ``provider.recover``) there is no
engine address and nothing is watched.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from typing import Callable, Optional

# How often the engine is asked, and how many answers in a row must say it is gone (a refused
# connection answers at once, so a killed engine is noticed within about INTERVAL * MISSES seconds).
INTERVAL = 1.0
MISSES = 2
# A check that gets no answer at all (an engine stopped with SIGSTOP, a machine under load) is not a
# sign that the engine is gone: only "unavailable" (nothing listens at its address) counts.
CALL_TIMEOUT = 10.0
HEALTH_CHECK = "/grpc.health.v1.Health/Check"
ADDRESS = re.compile(r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.\-]+):\d{1,5}$")
PLUGIN_MAIN = "pulumi.dynamic.__main__"

_started = threading.Lock()
_watching = False


def engine_address(argv: list[str], main_module: Optional[str]) -> Optional[str]:
    """The engine's address if this process is the engine's dynamic-provider plugin: its last argument."""
    if main_module != PLUGIN_MAIN or len(argv) < 2:
        return None
    candidate = argv[-1]
    return candidate if ADDRESS.match(candidate) else None


def watch_engine_of_this_process() -> None:
    """Start watching the engine that started this plugin process (once; nothing outside the plugin)."""
    global _watching
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    address = engine_address(sys.argv, getattr(spec, "name", None))
    if address is None:
        return
    with _started:
        if _watching:
            return
        _watching = True
    threading.Thread(
        target=watch, args=(address, _exit_because_engine_is_gone), name="offerform-engine-watch", daemon=True
    ).start()


def watch(address: str, on_gone: Callable[[str], None], interval: float = INTERVAL, misses: int = MISSES) -> None:
    """Ask the engine at ``address`` for its health every ``interval`` s; call ``on_gone`` after ``misses``
    answers in a row that say nothing listens there any more."""
    import grpc  # already loaded in the plugin, which serves gRPC itself

    with grpc.insecure_channel(address) as channel:
        check: grpc.UnaryUnaryMultiCallable[None, bytes] = channel.unary_unary(
            HEALTH_CHECK, request_serializer=lambda _: b"", response_deserializer=bytes
        )
        missed = 0
        while True:
            time.sleep(interval)
            try:
                check(None, timeout=CALL_TIMEOUT)
                missed = 0
            except grpc.RpcError as error:
                code = error.code() if hasattr(error, "code") else None
                missed = missed + 1 if code == grpc.StatusCode.UNAVAILABLE else 0
            if missed >= misses:
                on_gone(address)
                return


def _exit_because_engine_is_gone(address: str) -> None:
    try:
        print(f"offerform: the Pulumi engine at {address} is gone; the provider plugin exits", file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # the engine held the other end of stderr
    # Nothing can be answered any more; the engine's state records what it heard before it went.
    os._exit(1)
