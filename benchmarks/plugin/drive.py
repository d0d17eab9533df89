"""Drives N resources through one plugin process the way the engine does: 4 calls in flight.

The engine is a Go program; its own cost is not ours to measure. So request messages are built
before the clock starts, and the Structs the plugin answers (checked inputs, outputs) are passed
on as they are, as the engine does, instead of being decoded and re-encoded in Python.
``harness.engine.Plugin`` starts and stops the plugin process; its gRPC stub is thread-safe.
"""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Optional, Protocol, TypeVar

from google.protobuf import struct_pb2
from pulumi.runtime.proto import provider_pb2

from harness.engine import PROVIDER_KEY, TYPE, Plugin, to_struct, urn
from harness.offers import offer

ENGINE_WORKERS = 4  # the plugin's gRPC server has 4 worker threads; the engine keeps them busy
CALL_TIMEOUT = 60.0  # seconds; a stuck call ends the benchmark instead of hanging it
UPDATED_DESCRIPTION = "Updated by the benchmark"  # what every "update all" changes, on every path


class BenchmarkError(RuntimeError):
    """The plugin did not do what the benchmark relies on (a failure, an unexpected diff...)."""


@dataclass(frozen=True)
class Resource:
    """What the engine keeps for one resource: its name, id and last inputs and outputs (as Structs)."""

    name: str
    id: str = ""
    inputs: Optional[struct_pb2.Struct] = None
    outputs: Optional[struct_pb2.Struct] = None

    @property
    def urn(self) -> str:
        """The resource's URN, as the engine names it."""
        return urn(self.name)

    def created(self) -> tuple[struct_pb2.Struct, struct_pb2.Struct]:
        """Its last inputs and outputs, which Create set; BenchmarkError before that."""
        if self.inputs is None or self.outputs is None:
            raise BenchmarkError(f"{self.name} has not been created")
        return self.inputs, self.outputs


@dataclass
class PhaseResult:
    """One engine operation over N resources: wall time, time per resource, requests it caused."""

    seconds: float
    per_resource: list[float]
    resources: list[Resource]
    requests: dict[str, Any] = field(default_factory=dict)
    server: dict[str, Any] = field(default_factory=dict)

    @property
    def median_per_resource(self) -> float:
        """Median time one resource took in this phase, in seconds."""
        return statistics.median(self.per_resource) if self.per_resource else 0.0


def declaration(index: int, description: Optional[str] = None) -> dict[str, Any]:
    """The offer declared for resource ``index``: the suite's valid offer with its own name."""
    overrides = {} if description is None else {"description": description}
    return offer(f"Benchmark offer {index:04d}", **overrides)


def props(plugin: Plugin, values: dict[str, Any]) -> struct_pb2.Struct:
    """A property Struct carrying the pickled provider, as the program side sends it."""
    return to_struct({**values, PROVIDER_KEY: plugin.blob})


def declared_structs(plugin: Plugin, count: int, description: Optional[str] = None) -> list[struct_pb2.Struct]:
    """The ``news`` of Check for resources 0..count-1, built before any clock starts."""
    return [props(plugin, declaration(i, description)) for i in range(count)]


# -- one resource, one engine step ----------------------------------------------------------------


def check(plugin: Plugin, resource: Resource, news: struct_pb2.Struct) -> struct_pb2.Struct:
    """Check: the canonical inputs, or BenchmarkError when the plugin reports failures."""
    olds = resource.inputs if resource.inputs is not None else props(plugin, {})
    response: provider_pb2.CheckResponse = plugin.stub.Check(
        provider_pb2.CheckRequest(urn=resource.urn, olds=olds, news=news, name=resource.name, type=TYPE),
        timeout=CALL_TIMEOUT,
    )
    if response.failures:
        raise BenchmarkError(f"{resource.name}: check failed: {[(f.property, f.reason) for f in response.failures]}")
    return response.inputs


def diff(plugin: Plugin, resource: Resource, inputs: struct_pb2.Struct) -> int:
    """Diff against the last outputs: DIFF_NONE, or DIFF_UNKNOWN / DIFF_SOME (no replacement is expected here)."""
    response: provider_pb2.DiffResponse = plugin.stub.Diff(
        provider_pb2.DiffRequest(
            id=resource.id, urn=resource.urn, olds=resource.outputs, news=inputs, name=resource.name, type=TYPE
        ),
        timeout=CALL_TIMEOUT,
    )
    if response.replaces:
        raise BenchmarkError(f"{resource.name}: unexpected replacement of {list(response.replaces)}")
    return response.changes


def create(plugin: Plugin, resource: Resource, inputs: struct_pb2.Struct) -> Resource:
    """Create with checked inputs: the resource with its id and outputs."""
    response = plugin.stub.Create(
        provider_pb2.CreateRequest(urn=resource.urn, properties=inputs, name=resource.name, type=TYPE),
        timeout=CALL_TIMEOUT,
    )
    return replace(resource, id=response.id, inputs=inputs, outputs=response.properties)


def update(plugin: Plugin, resource: Resource, inputs: struct_pb2.Struct) -> Resource:
    """Update from the last outputs to checked inputs."""
    response = plugin.stub.Update(
        provider_pb2.UpdateRequest(
            id=resource.id, urn=resource.urn, olds=resource.outputs, news=inputs, name=resource.name, type=TYPE
        ),
        timeout=CALL_TIMEOUT,
    )
    return replace(resource, inputs=inputs, outputs=response.properties)


def read(plugin: Plugin, resource: Resource) -> Resource:
    """Read (refresh): the resource with what the server holds now."""
    response = plugin.stub.Read(
        provider_pb2.ReadRequest(
            id=resource.id,
            urn=resource.urn,
            properties=resource.outputs,
            inputs=resource.inputs,
            name=resource.name,
            type=TYPE,
        ),
        timeout=CALL_TIMEOUT,
    )
    if not response.id:
        raise BenchmarkError(f"{resource.name}: read found the offer gone")
    inputs = response.inputs if response.HasField("inputs") else resource.inputs
    return replace(resource, inputs=inputs, outputs=response.properties)


def delete(plugin: Plugin, resource: Resource) -> Resource:
    """Delete: the resource without id or state."""
    plugin.stub.Delete(
        provider_pb2.DeleteRequest(
            id=resource.id, urn=resource.urn, properties=resource.outputs, name=resource.name, type=TYPE
        ),
        timeout=CALL_TIMEOUT,
    )
    return Resource(resource.name)


# -- the engine's operations, one resource's worth each ---------------------------------------------


def _declared(resource: Resource, news: Optional[struct_pb2.Struct]) -> struct_pb2.Struct:
    """The declared inputs a step that checks them needs (``run_phase`` passes them when given ``news``)."""
    if news is None:
        raise BenchmarkError(f"{resource.name}: this step checks declared inputs, and none were given")
    return news


def step_create(plugin: Plugin, resource: Resource, news: Optional[struct_pb2.Struct]) -> Resource:
    """``up`` of a new resource: Check + Create."""
    return create(plugin, resource, check(plugin, resource, _declared(resource, news)))


def step_preview(plugin: Plugin, resource: Resource, news: Optional[struct_pb2.Struct]) -> Resource:
    """``preview`` of an unchanged resource: Check + Diff, which must find no change."""
    changes = diff(plugin, resource, check(plugin, resource, _declared(resource, news)))
    if changes != provider_pb2.DiffResponse.DIFF_NONE:
        raise BenchmarkError(f"{resource.name}: preview of an unchanged declaration found changes")
    return resource


def step_update(plugin: Plugin, resource: Resource, news: Optional[struct_pb2.Struct]) -> Resource:
    """``up`` of a changed resource: Check + Diff (must find a change) + Update."""
    inputs = check(plugin, resource, _declared(resource, news))
    # A change answers "unknown" (the engine then diffs the inputs itself, see provider.py), or "some".
    if diff(plugin, resource, inputs) == provider_pb2.DiffResponse.DIFF_NONE:
        raise BenchmarkError(f"{resource.name}: a changed description did not show as a change")
    return update(plugin, resource, inputs)


def step_refresh(plugin: Plugin, resource: Resource, _news: Optional[struct_pb2.Struct]) -> Resource:
    """``refresh``: Read."""
    return read(plugin, resource)


def step_delete(plugin: Plugin, resource: Resource, _news: Optional[struct_pb2.Struct]) -> Resource:
    """``destroy``: Delete."""
    return delete(plugin, resource)


Step = Callable[[Plugin, Resource, Optional[struct_pb2.Struct]], Resource]


def run_phase(
    plugin: Plugin,
    step: Step,
    resources: list[Resource],
    news: Optional[list[struct_pb2.Struct]] = None,
    workers: int = ENGINE_WORKERS,
) -> PhaseResult:
    """Run ``step`` for every resource with ``workers`` calls in flight; the wall time and per-resource times."""

    def timed(index: int) -> tuple[Resource, float]:
        """Run the step for one resource and time it."""
        started = time.perf_counter()
        result = step(plugin, resources[index], news[index] if news is not None else None)
        return result, time.perf_counter() - started

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="engine")
    started = time.perf_counter()
    try:
        outcomes = list(pool.map(timed, range(len(resources))))
    finally:
        # On an error or a stop signal, calls not started yet are dropped instead of run.
        pool.shutdown(wait=True, cancel_futures=True)
    seconds = time.perf_counter() - started
    return PhaseResult(seconds, [t for _, t in outcomes], [r for r, _ in outcomes])


class Timed(Protocol):
    """A run of something that took ``seconds`` (a phase through the plugin, a command through the CLI)."""

    seconds: float


TimedRun = TypeVar("TimedRun", bound=Timed)


def median_by_operation(cycles: list[dict[str, TimedRun]], operations: Iterable[str]) -> dict[str, TimedRun]:
    """Per operation, the cycle's run whose wall time is the median (its other figures come with it)."""
    chosen: dict[str, TimedRun] = {}
    for operation in operations:
        runs = sorted((cycle[operation] for cycle in cycles), key=lambda run: run.seconds)
        chosen[operation] = runs[len(runs) // 2]
    return chosen


def new_resources(count: int) -> list[Resource]:
    """``count`` resources the stack does not hold yet."""
    return [Resource(f"offer-{i:04d}") for i in range(count)]


def warm_up(plugin: Plugin) -> None:
    """One Check without network, so that the provider's import (the cold start, measured apart) is done."""
    check(plugin, Resource("warm-up"), props(plugin, declaration(0)))
