"""Many clients at once: no lost writes, no torn reads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from offerform_emulator import Emulator

from .conftest import Dps

ORG, SANDBOX = "TESTORG@AdobeOrg", "prod"
THREADS = 8


def _increment(dps: Dps, offer_id: str, times: int) -> int:
    """Read-modify-write `times` increments of /characteristics/counter, guarded by a `test` op; conflicts retried."""
    conflicts = 0
    done = 0
    while done < times:
        current = dps.get(offer_id).json()["characteristics"]["counter"]
        response = dps.patch(
            offer_id,
            [
                {"op": "test", "path": "/characteristics/counter", "value": current},
                {"op": "replace", "path": "/characteristics/counter", "value": str(int(current) + 1)},
            ],
        )
        if response.status_code == 200:
            done += 1
        else:
            assert response.status_code == 409, response.text
            conflicts += 1
    return conflicts


def test_eight_guarded_writers_lose_no_update(dps: Dps, emulator: Emulator) -> None:
    emulator.test_failure_status = 409
    offer_id = dps.create_ok(characteristics={"counter": "0"})
    per_thread = 5
    start = threading.Barrier(THREADS)

    def worker() -> int:
        start.wait()
        return _increment(dps, offer_id, per_thread)

    with ThreadPoolExecutor(THREADS) as pool:
        conflicts = sum(pool.map(lambda _: worker(), range(THREADS)))
    offer = dps.get(offer_id).json()
    assert offer["characteristics"]["counter"] == str(THREADS * per_thread)
    assert offer["etag"] == 1 + THREADS * per_thread
    assert emulator.log.count(method="PATCH") == THREADS * per_thread + conflicts


def test_eight_concurrent_creators_create_exactly_the_expected_offers(dps: Dps, emulator: Emulator) -> None:
    per_thread = 10
    start = threading.Barrier(THREADS)

    def worker(n: int) -> list[str]:
        start.wait()
        return [dps.create_ok(name=f"thread {n} offer {i}") for i in range(per_thread)]

    with ThreadPoolExecutor(THREADS) as pool:
        ids = [offer_id for batch in pool.map(worker, range(THREADS)) for offer_id in batch]
    assert len(set(ids)) == THREADS * per_thread
    listed = dps.list_all({"limit": 25})
    assert sorted(o["id"] for o in listed) == sorted(ids)
    assert len(emulator.offers(ORG, SANDBOX)) == THREADS * per_thread


def test_readers_never_see_a_half_applied_patch(dps: Dps) -> None:
    offer_id = dps.create_ok(name="v0", description="v0")
    stop = threading.Event()
    torn: list[tuple[str, str]] = []

    def writer(n: int) -> None:
        for i in range(15):
            value = f"w{n}-{i}"
            dps.patch(
                offer_id,
                [
                    {"op": "replace", "path": "/name", "value": value},
                    {"op": "replace", "path": "/description", "value": value},
                ],
            )

    def reader() -> None:
        while not stop.is_set():
            offer = dps.get(offer_id).json()
            if offer["name"] != offer["description"]:
                torn.append((offer["name"], offer["description"]))
            for listed in dps.list().json()["results"]:
                if listed["name"] != listed["description"]:
                    torn.append((listed["name"], listed["description"]))

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(writer, range(4)))
    stop.set()
    for thread in readers:
        thread.join()
    assert torn == []
    assert dps.get(offer_id).json()["etag"] == 1 + 4 * 15
