"""Parallel load through the plugin's 4 workers while the service fails transiently: the server ends exact."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from offerform_emulator import Emulator, Fault

from harness.engine import Plugin
from harness.offers import offer
from harness.stack_config import ORG, SANDBOX, plugin_config

COUNT = 200
WORKERS = 4  # the plugin's gRPC server runs 4 calls at once, like the engine's default parallelism


def _in_parallel(work: Callable[[int], Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(work, range(COUNT)))


def test_200_offers_created_updated_and_half_deleted_under_10_percent_faults(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    plugin = start_plugin(plugin_config(emulator))
    for seed, kind in enumerate(["drop", "commit_then_drop"]):
        emulator.faults.add(Fault(kind, probability=0.03, seed=seed))
    emulator.faults.add(Fault("status", status=503, probability=0.02, seed=10))
    emulator.faults.add(Fault("status", status=429, retry_after=0, probability=0.02, seed=11))

    def create(index: int) -> tuple[str, dict[str, Any], dict[str, Any]]:
        inputs, failures = plugin.check(f"offer-{index}", offer(f"Load {index:03d}"))
        assert failures == []
        offer_id, outputs = plugin.create(f"offer-{index}", inputs)
        return offer_id, inputs, outputs

    created = _in_parallel(create)

    def update(index: int) -> dict[str, Any]:
        offer_id, _, outputs = created[index]
        news, _ = plugin.check(f"offer-{index}", offer(f"Load {index:03d}", description=f"Revision {index}"))
        return plugin.update(f"offer-{index}", offer_id, outputs, news)

    updated = _in_parallel(update)

    def delete_even(index: int) -> None:
        if index % 2 == 0:
            plugin.delete(f"offer-{index}", created[index][0], updated[index])

    _in_parallel(delete_even)

    live = {o["id"]: o for o in emulator.offers(ORG, SANDBOX)}
    expected_ids = {created[i][0] for i in range(COUNT) if i % 2 == 1}
    assert set(live) == expected_ids
    for index in range(1, COUNT, 2):
        record = live[created[index][0]]
        assert (record["name"], record["description"], record["etag"]) == (f"Load {index:03d}", f"Revision {index}", 2)
    assert emulator.tokens_issued == 1
    assert sum(fault.fired for fault in emulator.faults.active) >= 25  # about 55 expected: faults really fired


def test_the_plugin_reuses_kept_alive_connections_across_its_4_workers(
    emulator: Emulator, start_plugin: Callable[..., Plugin]
) -> None:
    """One pooled session per plugin process: 40 creates, 4 at a time, ride on about 4 connections, not 40.

    Adobe's gateway keeps connections alive and so does the emulator, so a new TCP connection
    (and TLS handshake, against Adobe) is paid only when all pooled ones are busy. The emulator logs
    each request's client port, one per connection.
    """
    emulator.faults.latency = 0.01  # so that the 4 workers really overlap
    plugin = start_plugin(plugin_config(emulator))

    def create(index: int) -> str:
        inputs, failures = plugin.check(f"offer-{index}", offer(f"Pooled {index:02d}"))
        assert failures == []
        return plugin.create(f"offer-{index}", inputs)[0]

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        created = list(pool.map(create, range(40)))

    ports = [entry.client_port for entry in emulator.log.entries(service="dps") if entry.method == "POST"]
    assert len(set(created)) == 40 and len(ports) == 40 and None not in ports
    assert 2 <= len(set(ports)) <= 2 * WORKERS, f"{len(set(ports))} connections for 40 requests"
    assert emulator.log.count(service="ims") == 1
