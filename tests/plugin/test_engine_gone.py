"""The plugin process exits once the engine that started it is gone (``provider.engine_watch``).

The engine passes its gRPC address to the plugin as its last argument and keeps serving while it
runs; a killed engine leaves nothing listening there. Here a bare gRPC server stands in for the
engine: it answers the health check "unimplemented", which counts as alive, as in ``rpcutil``.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import grpc
import pytest
from offerform_emulator import Emulator

from harness.engine import Plugin
from harness.offers import offer
from harness.stack_config import plugin_config
from provider.engine.engine_watch import PLUGIN_MAIN, engine_address

# Issue 20: the plugin must have exited 15 s after its engine is gone.
LIMIT = 15.0


@pytest.fixture
def engine() -> Iterator[tuple[grpc.Server, str]]:
    """A gRPC server that stands in for the engine's: something that answers at the engine's address."""
    server = grpc.server(ThreadPoolExecutor(max_workers=1))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield server, f"127.0.0.1:{port}"
    server.stop(0)


@pytest.fixture
def watched_plugin(engine: tuple[grpc.Server, str], emu: Emulator) -> Iterator[Plugin]:
    """A plugin started with the engine's address, whose first Check has configured our provider."""
    plugin = Plugin(engine_address=engine[1])
    try:
        plugin.configure(plugin_config(emu))
        _, failures = plugin.check("web", offer())
        assert failures == []
        yield plugin
    finally:
        if plugin.wait(0) is None:
            plugin.close()


def test_the_plugin_keeps_running_while_its_engine_answers(watched_plugin: Plugin) -> None:
    assert watched_plugin.wait(timeout=4) is None


def test_the_plugin_exits_once_its_engine_is_gone(engine: tuple[grpc.Server, str], watched_plugin: Plugin) -> None:
    engine[0].stop(0)
    stopped = time.monotonic()

    status = watched_plugin.wait(timeout=LIMIT)

    assert status is not None, f"the plugin was still running {LIMIT} s after its engine went"
    assert time.monotonic() - stopped < LIMIT
    assert f"the Pulumi engine at {engine[1]} is gone" in watched_plugin.logs()


def test_the_engine_address_is_the_plugins_last_argument() -> None:
    argv = ["/venv/lib/pulumi/dynamic/__main__.py", "--tracing", "http://127.0.0.1:9411", "127.0.0.1:40125"]

    assert engine_address(argv, PLUGIN_MAIN) == "127.0.0.1:40125"


@pytest.mark.parametrize(
    ("argv", "main"),
    [
        (["/venv/lib/pulumi/dynamic/__main__.py"], PLUGIN_MAIN),  # the stand-in engine: no address
        (["__main__.py", "--yes"], PLUGIN_MAIN),
        (["/venv/lib/provider/recover.py", "127.0.0.1:1"], "provider.recover"),  # not the plugin
    ],
    ids=["no-address", "not-an-address", "not-the-plugin"],
)
def test_nothing_is_watched_outside_the_engines_plugin(argv: list[str], main: str) -> None:
    assert engine_address(argv, main) is None
