"""The measurements: requests per operation, wall time per phase, CPU per call, cold start, state size.

Each function starts the plugin processes it needs and stops them before it returns.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

import grpc
import requests
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from harness.engine import PROVIDER_KEY, ROOT, TYPE, Plugin, from_struct, to_struct, urn
from harness.stack_config import ORG, SANDBOX
from provider import FallbackOfferProvider
from provider.resources.fallback_offer import FALLBACK_OFFER

from ..cli.loop import plain_api
from ..emulator_process import EmulatorHandle
from ..trivial_provider import PydanticProvider, TrivialProvider
from .drive import (
    ENGINE_WORKERS,
    UPDATED_DESCRIPTION,
    BenchmarkError,
    PhaseResult,
    Resource,
    check,
    create,
    declaration,
    declared_structs,
    delete,
    diff,
    median_by_operation,
    new_resources,
    read,
    run_phase,
    step_create,
    step_delete,
    step_preview,
    step_refresh,
    step_update,
    update,
    warm_up,
)

# The engine operations timed, in the order a stack lives through them.
OPERATIONS: dict[str, str] = {
    "create": "create all (check + create)",
    "preview": "preview, unchanged (check + diff)",
    "update": "update all (check + diff + update)",
    "refresh": "refresh all (read)",
    "delete": "delete all (delete)",
}
# gRPC calls the engine makes per offer in each operation.
GRPC_CALLS: dict[str, tuple[str, ...]] = {
    "create": ("Check", "Create"),
    "preview": ("Check", "Diff"),
    "update": ("Check", "Diff", "Update"),
    "refresh": ("Read",),
    "delete": ("Delete",),
}


@contextmanager
def started_plugin(config: dict[str, Any]) -> Iterator[Plugin]:
    """A configured ``python -m pulumi.dynamic`` process, stopped on the way out whatever happens."""
    plugin = Plugin()
    try:
        plugin.configure(config)
        yield plugin
    finally:
        plugin.close()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc (resolution: one clock tick)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def plugin_pid(plugin: Plugin) -> int:
    """The plugin's process id (``harness.engine.Plugin`` keeps its Popen private)."""
    return plugin._process.pid  # noqa: SLF001 - read-only use of the test helper's process


def dps_total(counts: dict[str, Any]) -> int:
    """All Offer Library requests in an emulator ``counts`` answer."""
    return sum(counts["dps"].values())


# -- HTTP requests per operation --------------------------------------------------------------------


@dataclass(frozen=True)
class RequestCount:
    """Requests the emulator saw for ``calls`` engine operations of one kind, against the target per call."""

    operation: str
    target: float
    calls: int
    dps: dict[str, int]

    @property
    def per_call(self) -> float:
        """Offer Library requests per engine operation."""
        return sum(self.dps.values()) / self.calls if self.calls else 0.0

    @property
    def met(self) -> bool:
        """Whether the measured requests per operation equal the target exactly."""
        return abs(self.per_call - self.target) < 1e-9


@dataclass(frozen=True)
class RequestCounts:
    """Every operation's count, and the IMS token requests of the one plugin process that made them."""

    rows: list[RequestCount]
    token_requests: int
    resources: int


def count_requests(emu: EmulatorHandle, config: dict[str, Any], count: int) -> RequestCounts:
    """Run every operation on ``count`` resources through one fresh plugin, counting requests per operation."""
    emu.set_latency(0.0)
    rows: list[RequestCount] = []
    tokens = 0

    def counted(operation: str, target: float, action: Callable[[], Any]) -> Any:
        """Run ``action`` with a cleared request log and record what it caused."""
        nonlocal tokens
        emu.clear_log()
        result = action()
        seen = emu.counts()
        tokens += seen["ims"]
        rows.append(RequestCount(operation, target, count, seen["dps"]))
        return result

    with started_plugin(config) as plugin:
        fresh = new_resources(count)
        news = declared_structs(plugin, count)
        changed = declared_structs(plugin, count, UPDATED_DESCRIPTION)
        inputs = counted("check", 0, lambda: [check(plugin, r, n) for r, n in zip(fresh, news, strict=True)])
        stack = counted("create", 1, lambda: [create(plugin, r, i) for r, i in zip(fresh, inputs, strict=True)])
        counted("diff (preview)", 0, lambda: [diff(plugin, r, r.inputs) for r in stack])
        counted(
            "no-op up (check + diff, no change)",
            0,
            lambda: [step_preview(plugin, r, n) for r, n in zip(stack, news, strict=True)],
        )
        stack = counted(
            "update (check + diff + update)",
            1,
            lambda: [step_update(plugin, r, n) for r, n in zip(stack, changed, strict=True)],
        )
        counted("no-op update (update call, nothing changed)", 0, lambda: [update(plugin, r, r.inputs) for r in stack])
        stack = counted("read (refresh)", 1, lambda: [read(plugin, r) for r in stack])
        counted("delete", 1, lambda: [delete(plugin, r) for r in stack])
    if emu.offer_count(ORG, SANDBOX) != 0:
        raise BenchmarkError("offers are left in the emulator after the request-count pass")
    return RequestCounts(rows, tokens, count)


# -- wall time per phase ----------------------------------------------------------------------------


def time_cycle(
    emu: EmulatorHandle, config: dict[str, Any], count: int, latency: float, workers: int = ENGINE_WORKERS
) -> dict[str, PhaseResult]:
    """One stack's life (create, preview, update, refresh, delete) of ``count`` offers, each a fresh plugin process.

    Each phase is its own engine run, so its own plugin process: warmed by one offline Check
    (the cold start is measured apart), then timed with the emulator's latency on.
    ``workers=1`` gives the cost of one offer alone, without any concurrency.
    """
    resources = new_resources(count)
    steps = {
        "create": step_create,
        "preview": step_preview,
        "update": step_update,
        "refresh": step_refresh,
        "delete": step_delete,
    }
    results: dict[str, PhaseResult] = {}
    for operation, step in steps.items():
        with started_plugin(config) as plugin:
            description = UPDATED_DESCRIPTION if operation == "update" else None
            declares = operation in ("create", "preview", "update")
            news = declared_structs(plugin, count, description) if declares else None
            warm_up(plugin)
            emu.clear_log()
            emu.set_latency(latency)
            try:
                result = run_phase(plugin, step, resources, news, workers)
            finally:
                emu.set_latency(0.0)
            result.requests = emu.counts()
            result.server = emu.durations()
        resources = result.resources
        results[operation] = result
        expected, held = (0 if operation == "delete" else count), emu.offer_count(ORG, SANDBOX)
        if held != expected:
            raise BenchmarkError(f"after {operation} the emulator holds {held} offers, not {expected}")
    return results


def median_phases(cycles: list[dict[str, PhaseResult]]) -> dict[str, PhaseResult]:
    """Per operation, the cycle whose wall time is the median (its other figures come with it)."""
    return median_by_operation(cycles, OPERATIONS)


# -- CPU per call, and where one Read's time goes -----------------------------------------------------


@dataclass
class CallCost:
    """One kind of call without latency: round trip through the plugin, plugin CPU, our code in-process (µs)."""

    call: str
    round_trip_us: float
    plugin_cpu_us: float
    provider_us: float


@dataclass
class ReadBreakdown:
    """One Read without latency, taken apart (µs), and one Read at the benchmark's latency (ms)."""

    round_trip_us: float
    provider_us: float
    http_get_us: float
    emulator_us: float
    sequential_at_latency_ms: float
    latency_s: float


@dataclass
class CpuResults:
    """What ``measure_cpu`` found, and one created resource (for the state size)."""

    calls: list[CallCost] = field(default_factory=list)
    read: Optional[ReadBreakdown] = None
    sample: Optional[Resource] = None


def in_process_provider(config: dict[str, Any]) -> FallbackOfferProvider:
    """Our provider configured as the plugin configures it, but called directly (no gRPC, no plugin)."""
    provider = FallbackOfferProvider()
    provider.configure(ConfigureRequest(Config(raw_config=config, project_name="offerform")))
    return provider


def mean_us(action: Callable[[Any], Any], items: list[Any], passes: int = 3) -> float:
    """Mean µs per call of ``action`` over ``items``, best of ``passes`` passes (timeit's rule: the least disturbed)."""
    best = float("inf")
    for _ in range(passes):
        started = time.perf_counter()
        for item in items:
            action(item)
        best = min(best, time.perf_counter() - started)
    return best / len(items) * 1e6


def sequential_cost(plugin: Plugin, action: Callable[[Any], Any], items: list[Any]) -> tuple[float, float]:
    """(µs per call round trip, µs of plugin CPU per call) for ``action`` over ``items``, one call at a time."""
    pid = plugin_pid(plugin)
    cpu_before, started = process_cpu_seconds(pid), time.perf_counter()
    for item in items:
        action(item)
    elapsed, cpu = time.perf_counter() - started, process_cpu_seconds(pid) - cpu_before
    return elapsed / len(items) * 1e6, cpu / len(items) * 1e6


def measure_cpu(emu: EmulatorHandle, config: dict[str, Any], count: int, latency: float) -> CpuResults:
    """Check and Diff cost per call over ``count`` resources without latency, and one Read taken apart."""
    emu.set_latency(0.0)
    results = CpuResults()
    provider = in_process_provider(config)
    with started_plugin(config) as plugin:
        warm_up(plugin)
        news = declared_structs(plugin, count)
        stack = run_phase(plugin, step_create, new_resources(count), news).resources
        try:
            results.calls.append(_check_cost(plugin, provider, stack, news))
            results.calls.append(_diff_cost(plugin, provider, stack))
            results.read = _read_breakdown(emu, config, plugin, provider, stack[0], latency)
            results.sample = stack[0]
        finally:
            emu.set_latency(0.0)
            run_phase(plugin, step_delete, stack)
    return results


def _check_cost(plugin: Plugin, provider: FallbackOfferProvider, stack: list[Resource], news: list[Any]) -> CallCost:
    """Check: round trip and plugin CPU over the stack, and our ``check`` in-process on the same inputs."""
    pairs = list(zip(stack, news, strict=True))
    round_trip, cpu = sequential_cost(plugin, lambda pair: check(plugin, pair[0], pair[1]), pairs)
    decoded = [(from_struct(r.created()[0], keep_unknowns=True), from_struct(n, keep_unknowns=True)) for r, n in pairs]
    ours = mean_us(lambda pair: provider.check(pair[0], pair[1]), decoded)
    return CallCost("check", round_trip, cpu, ours)


def _diff_cost(plugin: Plugin, provider: FallbackOfferProvider, stack: list[Resource]) -> CallCost:
    """Diff: round trip and plugin CPU over the stack, and our ``diff`` in-process on the same inputs."""
    round_trip, cpu = sequential_cost(plugin, lambda r: diff(plugin, r, r.inputs), stack)
    decoded = [
        (r.id, from_struct(r.created()[1], keep_unknowns=True), from_struct(r.created()[0], keep_unknowns=True))
        for r in stack
    ]
    ours = mean_us(lambda item: provider.diff(*item), decoded)
    return CallCost("diff", round_trip, cpu, ours)


def _read_breakdown(
    emu: EmulatorHandle,
    config: dict[str, Any],
    plugin: Plugin,
    provider: FallbackOfferProvider,
    resource: Resource,
    latency: float,
    repeats: int = 400,
) -> ReadBreakdown:
    """One offer read ``repeats`` times each way: through the plugin, by our provider in-process, by a bare GET.

    Each way's figure is the best of 4 interleaved rounds (the least disturbed by the machine).
    """
    outputs = from_struct(resource.created()[1])
    provider.read(resource.id, outputs)  # its first call fetches a token: not part of the cost
    get = bare_get(config, resource.id)
    calls = list(range(repeats // 4))
    samples: dict[str, list[float]] = {"plugin": [], "ours": [], "bare": []}
    emu.clear_log()
    for _ in range(4):  # interleaved, so that a noisy moment of the machine does not hit one part only
        samples["plugin"].append(mean_us(lambda _: read(plugin, resource), calls, passes=1))
        samples["ours"].append(mean_us(lambda _: provider.read(resource.id, outputs), calls, passes=1))
        samples["bare"].append(mean_us(lambda _: get(), calls, passes=1))
    round_trip, ours, bare = min(samples["plugin"]), min(samples["ours"]), min(samples["bare"])
    server = emu.durations()["median"] * 1e6
    emu.set_latency(latency)
    at_latency = mean_us(lambda _: read(plugin, resource), list(range(40)), passes=1) / 1000
    emu.set_latency(0.0)
    return ReadBreakdown(round_trip, ours, bare, server, at_latency, latency)


def bare_get(config: dict[str, Any], offer_id: str) -> Callable[[], requests.Response]:
    """A plain ``requests`` GET of one offer with a fresh token: the HTTP floor under ``provider.read``."""
    api, path = plain_api(config), FALLBACK_OFFER.endpoint.item(offer_id)
    return lambda: api.call("GET", path)


# -- cold start --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColdStart:
    """Median ms from ``Popen`` to the port being printed and to the first Check answered."""

    label: str
    to_port_ms: float
    to_check_ms: float


def cold_start_once(blob: str, news: dict[str, Any], config: dict[str, Any]) -> tuple[float, float]:
    """Start ``python -m pulumi.dynamic``, Configure, Check once: (s to port printed, s to Check answered)."""
    configure = provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=True)
    request = provider_pb2.CheckRequest(
        urn=urn("cold"),
        olds=to_struct({PROVIDER_KEY: blob}),
        news=to_struct({**news, PROVIDER_KEY: blob}),
        name="cold",
        type=TYPE,
    )
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "pulumi.dynamic"], cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line.strip():
                stderr.seek(0)
                raise BenchmarkError(f"the plugin exited before listening: {stderr.read().decode(errors='replace')}")
            to_port = time.perf_counter() - started
            with grpc.insecure_channel(f"127.0.0.1:{int(line)}") as channel:
                stub = provider_pb2_grpc.ResourceProviderStub(channel)
                stub.Configure(configure, timeout=60)
                response = stub.Check(request, timeout=60)
                to_check = time.perf_counter() - started
            if response.failures:
                raise BenchmarkError(f"cold-start check failed: {list(response.failures)}")
            return to_port, to_check
        finally:
            process.terminate()
            process.wait(timeout=10)
            if process.stdout is not None:
                process.stdout.close()


@dataclass(frozen=True)
class ColdStarts:
    """Our provider's cold start, the trivial provider's, and the trivial one validating with pydantic."""

    ours: ColdStart
    trivial: ColdStart
    pydantic: ColdStart

    @property
    def ratio(self) -> float:
        """Ours over the trivial provider's, to the first Check answered."""
        return self.ours.to_check_ms / self.trivial.to_check_ms

    @property
    def pydantic_ratio(self) -> float:
        """The pydantic floor over the trivial provider's."""
        return self.pydantic.to_check_ms / self.trivial.to_check_ms


def measure_cold_start(config: dict[str, Any], repeats: int) -> ColdStarts:
    """Median cold start of each plugin, the three measured in turn in the same run."""
    blobs = {
        "ours": serialize_provider(FallbackOfferProvider()),
        "trivial": serialize_provider(TrivialProvider()),
        "pydantic": serialize_provider(PydanticProvider()),
    }
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in blobs}
    for _ in range(repeats):
        samples["trivial"].append(cold_start_once(blobs["trivial"], {"value": 1}, config))
        samples["pydantic"].append(cold_start_once(blobs["pydantic"], {"value": 1}, config))
        samples["ours"].append(cold_start_once(blobs["ours"], declaration(0), config))

    def median(label: str, runs: list[tuple[float, float]]) -> ColdStart:
        """Medians of one plugin's cold starts, in ms."""
        return ColdStart(
            label, statistics.median(run[0] for run in runs) * 1000, statistics.median(run[1] for run in runs) * 1000
        )

    return ColdStarts(
        median("FallbackOfferProvider", samples["ours"]),
        median("trivial provider (benchmarks/trivial_provider.py)", samples["trivial"]),
        median("the trivial provider validating with one pydantic model", samples["pydantic"]),
    )


# -- state size --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateSize:
    """Bytes one offer adds to the stack's state."""

    provider_b64: int
    outputs_json: int
    outputs_protobuf: int
    inputs_json: int


def measure_state_size(resource: Resource) -> StateSize:
    """Sizes of ``__provider`` (base64), the whole outputs as JSON and as a protobuf Struct, and the inputs."""
    assert resource.outputs is not None and resource.inputs is not None
    outputs = from_struct(resource.outputs)
    inputs = from_struct(resource.inputs)
    return StateSize(
        provider_b64=len(outputs[PROVIDER_KEY]),
        outputs_json=len(json.dumps(outputs).encode()),
        outputs_protobuf=resource.outputs.ByteSize(),
        inputs_json=len(json.dumps(inputs).encode()),
    )
