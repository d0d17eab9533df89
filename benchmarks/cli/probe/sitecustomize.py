"""Timers inside the processes the Pulumi CLI starts, for the benchmark's "where the time goes" pass only.

Put this directory on ``PYTHONPATH`` and set ``OFFERFORM_BENCH_PROBE=<directory>``: every Python
process of the run (the program and the plugin) then writes one JSON file there when it exits,
``<role>-<pid>.json``. The plugin's (role ``plugin``: it serves the ResourceProvider service)
holds one record per gRPC call: its method and URN, when it started and ended (``time.monotonic``),
and how much of it (wall and thread CPU time) was spent in our provider's method and, below it, in
the HTTP client
(``requests.Session.request``, and waiting for the IMS token in ``TokenSource.token``). The
program's (role ``program``) holds how long our resource classes' constructors took, less the
SDK's ``Resource.__init__`` inside them. Both roles add their CPU time and peak RSS. Not loaded by the timed
runs: the timers cost a few µs per call, and wrapping loads ``provider`` and ``requests`` before the first call.
"""

from __future__ import annotations

import atexit
import functools
import importlib.abc
import importlib.util
import json
import os
import resource
import sys
import threading
import time
from types import ModuleType
from typing import Any, Callable, Optional, Sequence

_TARGET = os.environ.get("OFFERFORM_BENCH_PROBE")
_STARTED = time.monotonic()
_CALLS: list[dict[str, Any]] = []
_ROLE = {"role": "program"}
_LOCAL = threading.local()  # the current gRPC call's accumulators, per plugin worker thread
PROVIDER_METHODS = ("check", "diff", "create", "read", "update", "delete")
SERVICER_METHODS = ("Configure", "Check", "Diff", "Create", "Read", "Update", "Delete")


def _accumulating(slot: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, adding its wall time to the current call's ``slot`` and its thread's CPU time to
    ``<slot>_cpu`` (nested calls count once). CPU, because a thread inside our code may be waiting
    for the GIL that another of the plugin's threads holds."""

    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        depth_key = f"{slot}_depth"
        depth = getattr(_LOCAL, depth_key, 0)
        setattr(_LOCAL, depth_key, depth + 1)
        started, cpu_started = time.monotonic(), time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            setattr(_LOCAL, depth_key, depth)
            if depth == 0:
                setattr(_LOCAL, slot, getattr(_LOCAL, slot, 0.0) + time.monotonic() - started)
                cpu = f"{slot}_cpu"
                setattr(_LOCAL, cpu, getattr(_LOCAL, cpu, 0.0) + time.thread_time() - cpu_started)
                count = f"{slot}_count"
                setattr(_LOCAL, count, getattr(_LOCAL, count, 0) + 1)

    return timed


def _recorded(method: str, call: Callable[..., Any]) -> Callable[..., Any]:
    """A servicer method that records its own wall time and what our provider and HTTP took inside it."""

    def servicer(request: Any, context: Any) -> Any:
        _LOCAL.provider = _LOCAL.http = _LOCAL.provider_cpu = _LOCAL.http_cpu = 0.0
        started = time.monotonic()
        try:
            return call(request, context)
        finally:
            _CALLS.append(
                {
                    "method": method,
                    "urn": getattr(request, "urn", ""),
                    "start": started,
                    "end": time.monotonic(),
                    "provider": _LOCAL.provider,
                    "http": _LOCAL.http,
                    "provider_cpu": _LOCAL.provider_cpu,
                    "http_cpu": _LOCAL.http_cpu,
                }
            )

    return servicer


def _install_plugin_timers() -> None:
    """Wrap the servicer once the plugin registers it, and our provider's methods and the HTTP client with it."""
    from pulumi.runtime.proto import provider_pb2_grpc

    register = provider_pb2_grpc.add_ResourceProviderServicer_to_server

    def add_timed(servicer: Any, server: Any) -> None:
        import requests

        from provider.adobe.auth import TokenSource
        from provider.engine.provider import SpecProvider

        _ROLE["role"] = "plugin"
        for name in SERVICER_METHODS:
            setattr(servicer, name, _recorded(name, getattr(servicer, name)))
        for name in PROVIDER_METHODS:
            setattr(SpecProvider, name, _accumulating("provider", getattr(SpecProvider, name)))
        requests.Session.request = _accumulating("http", requests.Session.request)  # type: ignore[method-assign]
        # Waiting for the token another thread is fetching is waiting for HTTP too, not our code.
        TokenSource.token = _accumulating("http", TokenSource.token)  # type: ignore[method-assign]
        register(servicer, server)

    provider_pb2_grpc.add_ResourceProviderServicer_to_server = add_timed


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs ``then(module)`` once the module ``name`` has been imported (by the program, when it wants it)."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Optional[ModuleType] = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader: Any = spec.loader
        execute = loader.exec_module

        def execute_then(module: ModuleType) -> None:
            execute(module)
            self.then(module)

        loader.exec_module = execute_then
        return spec


def _install_program_timers() -> None:
    """Time our resource classes' constructors, and the SDK's ``Resource.__init__`` inside them, in the program."""
    from pulumi import dynamic

    def wrap_ours(module: ModuleType) -> None:
        module.SpecResource.__init__ = _accumulating("ours", module.SpecResource.__init__)

    dynamic.Resource.__init__ = _accumulating("sdk", dynamic.Resource.__init__)  # type: ignore[method-assign]
    sys.meta_path.insert(0, _AfterImport("provider.sdk.resource", wrap_ours))


def _write() -> None:
    """This process's record: its role, CPU, peak RSS and (the plugin's) calls."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    if _ROLE["role"] != "plugin" and "provider" not in sys.modules:
        _ROLE["role"] = "other"  # the language host's tool checks, pip: not part of the answer
    record = {
        **_ROLE,
        "pid": os.getpid(),
        "started": _STARTED,
        "ended": time.monotonic(),
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "max_rss_kib": usage.ru_maxrss,
        "calls": _CALLS,
        # The program's main thread: our constructors' time, the SDK's inside them, and how many.
        "resources": getattr(_LOCAL, "ours_count", 0),
        "ours_seconds": getattr(_LOCAL, "ours", 0.0),
        "sdk_seconds": getattr(_LOCAL, "sdk", 0.0),
        "ours_cpu": getattr(_LOCAL, "ours_cpu", 0.0),
        "sdk_cpu": getattr(_LOCAL, "sdk_cpu", 0.0),
    }
    path = os.path.join(str(_TARGET), f"{_ROLE['role']}-{os.getpid()}.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(record, out)


if _TARGET:
    _install_plugin_timers()
    _install_program_timers()
    atexit.register(_write)
