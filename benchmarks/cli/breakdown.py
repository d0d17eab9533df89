"""Where one offer's time goes through the real CLI, engine to HTTP and back, from one profiled command.

A profiled command runs with ``--otel-traces file://...`` (the engine's own spans: its gRPC calls
to the plugin, the file backend's blob writes)
and with ``probe/sitecustomize.py`` in its Python processes (the plugin's servicer, our
provider's methods and the HTTP client inside them; our resource classes in the program; each
process's CPU and peak RSS). Everything here is a mean per offer over the whole command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .stack import CliRun

OFFER_TYPE = "FallbackOffer"
PROVIDER_CALLS = ("Check", "Diff", "Create", "Read", "Update", "Delete")
BLOB_WRITES = ("gocloud.dev/blob.NewWriter", "gocloud.dev/blob.Copy")


@dataclass(frozen=True)
class Span:
    """One span of the engine's trace: its name and duration in seconds."""

    name: str
    seconds: float


def read_spans(trace: Path) -> Iterator[Span]:
    """Every span of an OTLP JSON trace file (one export batch per line)."""
    for line in trace.read_text().splitlines():
        if not line.strip():
            continue
        for resource_spans in json.loads(line).get("resourceSpans", []):
            for scope in resource_spans.get("scopeSpans", []):
                for span in scope.get("spans", []):
                    yield Span(span["name"], (int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"])) / 1e9)


def read_probe(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """The probe's records in ``folder`` by role (``plugin``, ``program``, ``other``)."""
    records: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(folder.glob("*-*.json")):
        record = json.loads(path.read_text())
        records.setdefault(record["role"], []).append(record)
    return records


@dataclass
class OfferTime:
    """One command's time per offer (seconds, means over its N offers), engine to HTTP and back."""

    count: int
    wall: float
    engine_calls: float  # the engine's gRPC calls to the plugin for the offer, as the engine timed them
    plugin_calls: float  # the same calls inside the plugin, from servicer entry to exit
    provider: float  # our provider's methods, less the HTTP client inside them (wall: GIL waits included)
    provider_cpu: float  # the same in thread CPU time: what our code itself costs
    http_client: float  # requests/urllib3, the loopback and waiting for the first token, less the emulator
    emulator: float  # the emulator answering, less its added latency
    latency: float  # the added latency per offer (the round trip to Adobe)
    program_ours: float  # our resource classes' constructors in the program, less the SDK inside them (CPU)
    blob_writes: float  # the file backend's blob writes (checkpoints and their backups), I/O only
    blob_write_count: float
    cpu_total: float  # the whole `pulumi` process tree
    cpu_plugin: float
    cpu_program: float
    cpu_emulator: float
    plugin_rss_kib: int

    @property
    def transport(self) -> float:
        """gRPC between engine and plugin, and waiting for one of the plugin's 4 threads."""
        return max(self.engine_calls - self.plugin_calls, 0.0)

    @property
    def sdk_plugin(self) -> float:
        """The SDK's plugin around our provider: gRPC servicer, (de)serialisation, unpickling, event loops."""
        return max(self.plugin_calls - self.provider - self.http_client - self.emulator - self.latency, 0.0)

    @property
    def ours(self) -> float:
        """All of our code's CPU for the offer: the provider in the plugin and the resource class in the program."""
        return self.provider_cpu + self.program_ours

    @property
    def ours_share(self) -> float:
        """Our code over the offer's calls as the engine timed them (a lower bound of its step's time)."""
        return self.ours / self.engine_calls if self.engine_calls else 0.0

    @property
    def cpu_engine(self) -> float:
        """The Go engine (the CLI and its language host): the process tree less the Python processes in it."""
        return max(self.cpu_total - self.cpu_plugin - self.cpu_program, 0.0)


def offer_time(run: CliRun, count: int, latency: float, emulator_cpu: float) -> OfferTime:
    """Take one profiled command apart, per offer; ``emulator_cpu``: the emulator's CPU seconds during it."""
    assert run.trace is not None and run.probe is not None
    spans = list(read_spans(run.trace))
    probe = read_probe(run.probe)
    plugin_calls = [
        call
        for record in probe.get("plugin", [])
        for call in record["calls"]
        if call["method"] in PROVIDER_CALLS and OFFER_TYPE in call["urn"]
    ]
    programs = probe.get("program", [])
    requests = sum(run.requests["dps"].values()) + run.requests["ims"]
    server_mean = float(run.server.get("mean", 0.0))
    blobs = [span.seconds for span in spans if span.name in BLOB_WRITES]
    return OfferTime(
        count=count,
        wall=run.seconds / count,
        engine_calls=sum(
            span.seconds
            for span in spans
            if span.name.startswith("pulumirpc.ResourceProvider/") and span.name.rsplit("/", 1)[1] in PROVIDER_CALLS
        )
        / count,
        plugin_calls=sum(call["end"] - call["start"] for call in plugin_calls) / count,
        provider=sum(call["provider"] - call["http"] for call in plugin_calls) / count,
        provider_cpu=sum(call["provider_cpu"] - call["http_cpu"] for call in plugin_calls) / count,
        http_client=max(sum(call["http"] for call in plugin_calls) - requests * server_mean, 0.0) / count,
        emulator=requests * max(server_mean - latency, 0.0) / count,
        latency=requests * latency / count,
        program_ours=sum(record["ours_cpu"] - record["sdk_cpu"] for record in programs) / count,
        blob_writes=sum(blobs) / count,
        blob_write_count=len(blobs) / count,
        cpu_total=run.cpu_seconds / count,
        cpu_plugin=sum(record["cpu_seconds"] for record in probe.get("plugin", [])) / count,
        cpu_program=sum(record["cpu_seconds"] for record in programs + probe.get("other", [])) / count,
        cpu_emulator=emulator_cpu / count,
        plugin_rss_kib=max((record["max_rss_kib"] for record in probe.get("plugin", [])), default=0),
    )
