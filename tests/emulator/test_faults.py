"""Fault injection, switched per test while the server runs: slow, failing and lost answers."""

from __future__ import annotations

import time
from typing import Callable

import pytest
import requests
from offerform_emulator import Emulator, Fault

from .conftest import Dps

ORG, SANDBOX = "TESTORG@AdobeOrg", "prod"


def _wait_for(condition: Callable[[], bool], timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_latency_is_added_to_every_request(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.latency = 0.2
    started = time.monotonic()
    assert dps.list().status_code == 200
    assert time.monotonic() - started >= 0.2


def test_status_fault_answers_the_next_n_requests_then_expires(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=429, times=2, retry_after=1))
    statuses = [dps.list().status_code for _ in range(3)]
    assert statuses == [429, 429, 200]


def test_a_429_carries_retry_after_and_the_gateway_body(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=429, times=1, retry_after=2))
    response = dps.list()
    assert response.headers["Retry-After"] == "2"
    assert response.json() == {"error_code": "429050", "message": "Too many requests"}


def test_a_429_without_retry_after_has_no_such_header(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=429, times=1))
    assert "Retry-After" not in dps.list().headers


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_answer_a_problem_body(dps: Dps, emulator: Emulator, status: int) -> None:
    emulator.faults.add(Fault("status", status=status))
    response = dps.list()
    assert response.status_code == status
    assert response.json()["status"] == status
    assert response.json()["report"]["requestId"] == response.headers["x-request-id"]


def test_a_status_fault_leaves_the_store_untouched(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=503, methods={"POST"}))
    assert dps.create().status_code == 503
    assert emulator.offers(ORG, SANDBOX) == []


def test_a_fault_without_times_fires_until_cleared(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=500))
    assert [dps.list().status_code for _ in range(4)] == [500] * 4
    emulator.faults.clear()
    assert dps.list().status_code == 200


def test_a_probability_fault_fires_on_a_fraction_of_requests(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=503, probability=0.5, seed=7))
    statuses = [dps.list().status_code for _ in range(40)]
    assert 8 <= statuses.count(503) <= 32
    assert statuses.count(200) == 40 - statuses.count(503)


def test_a_seeded_probability_fault_is_repeatable(
    new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    runs = []
    for _ in range(2):
        with Emulator() as emu:
            emu.faults.add(Fault("status", status=503, probability=0.3, seed=42))
            client = dps_for(emu, new_token(emu))
            runs.append([client.list().status_code for _ in range(15)])
    assert runs[0] == runs[1]


def test_drop_closes_the_connection_without_any_answer(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("drop", times=1))
    with pytest.raises(requests.exceptions.ConnectionError):
        dps.list()
    assert dps.list().status_code == 200


def test_a_dropped_request_is_logged_without_a_status(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("drop", times=1))
    with pytest.raises(requests.exceptions.ConnectionError):
        dps.create()
    (entry,) = emulator.log.entries(service="dps")
    assert entry.status is None and entry.fault == "drop"
    assert emulator.offers(ORG, SANDBOX) == []


def test_delay_answers_normally_after_the_delay(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("delay", delay=0.2, times=1))
    started = time.monotonic()
    assert dps.list().status_code == 200
    assert time.monotonic() - started >= 0.2


def test_a_delay_past_the_client_timeout_times_out_but_still_commits(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("delay", delay=0.4, times=1, methods={"POST"}))
    with pytest.raises(requests.exceptions.ReadTimeout):
        dps.create(timeout=0.15)
    assert _wait_for(lambda: len(emulator.offers(ORG, SANDBOX)) == 1)


def test_a_stall_past_the_client_timeout_times_out_and_never_commits(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("stall", delay=0.4, times=1, methods={"POST"}))
    with pytest.raises(requests.exceptions.ReadTimeout):
        dps.create(timeout=0.15)
    assert _wait_for(lambda: emulator.log.entries()[-1].fault == "stall")
    assert emulator.offers(ORG, SANDBOX) == []


def test_meanwhile_runs_after_the_commit_and_before_the_answer_is_lost(dps: Dps, emulator: Emulator) -> None:
    seen: list[int] = []
    emulator.faults.add(
        Fault(
            "commit_then_drop",
            times=1,
            methods={"POST"},
            meanwhile=lambda: seen.append(len(emulator.offers(ORG, SANDBOX))),
        )
    )
    with pytest.raises(requests.exceptions.ConnectionError):
        dps.create()
    assert seen == [1]


def test_commit_then_drop_creates_the_offer_but_the_client_gets_no_answer(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("commit_then_drop", times=1, methods={"POST"}))
    with pytest.raises(requests.exceptions.ConnectionError):
        dps.create()
    assert len(emulator.offers(ORG, SANDBOX)) == 1
    assert emulator.log.entries()[-1].status is None


def test_commit_then_drop_applies_a_patch(dps: Dps, emulator: Emulator) -> None:
    offer_id = dps.create_ok()
    emulator.faults.add(Fault("commit_then_drop", times=1, methods={"PATCH"}))
    with pytest.raises(requests.exceptions.ConnectionError):
        dps.patch(offer_id, [{"op": "replace", "path": "/name", "value": "applied"}])
    offer = dps.get(offer_id).json()
    assert offer["name"] == "applied" and offer["etag"] == 2


def test_commit_then_status_creates_then_answers_an_error(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("commit_then_status", status=503, times=1, methods={"POST"}))
    response = dps.create()
    assert response.status_code == 503
    assert "id" not in response.json()
    assert len(emulator.offers(ORG, SANDBOX)) == 1


def test_commit_then_status_applies_a_patch(dps: Dps, emulator: Emulator) -> None:
    offer_id = dps.create_ok()
    emulator.faults.add(Fault("commit_then_status", status=500, times=1, methods={"PATCH"}))
    assert dps.patch(offer_id, [{"op": "replace", "path": "/name", "value": "applied"}]).status_code == 500
    assert emulator.stored("fallback-offer", ORG, SANDBOX, offer_id)["etag"] == 2


def test_html_answers_a_proxy_error_page(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("html", status=502, times=1))
    response = dps.list()
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html>" in response.text and "502 Bad Gateway" in response.text


def test_bad_json_answers_200_with_an_unparseable_body_and_stores_nothing(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("bad_json", times=1))
    response = dps.create()
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert emulator.offers(ORG, SANDBOX) == []


def test_missing_id_creates_but_strips_the_id_from_the_answer(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("missing_id", times=1, methods={"POST"}))
    response = dps.create()
    assert response.status_code == 201
    assert "id" not in response.json() and response.json()["etag"] == 1
    assert len(emulator.offers(ORG, SANDBOX)) == 1


def test_faults_match_on_method(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=500, methods={"post"}))
    assert dps.list().status_code == 200
    assert dps.create().status_code == 500


def test_faults_match_on_path_substring(dps: Dps, emulator: Emulator) -> None:
    offer_id = dps.create_ok()
    emulator.faults.add(Fault("status", status=503, path_contains="/offers/"))
    assert dps.list().status_code == 200
    assert dps.get(offer_id).status_code == 503


def test_faults_hit_the_offer_library_only_by_default(
    emulator: Emulator, new_token: Callable[[Emulator], str], dps_for: Callable[..., Dps]
) -> None:
    emulator.faults.add(Fault("status", status=503))
    token = new_token(emulator)  # IMS is unaffected
    assert dps_for(emulator, token).list().status_code == 503


def test_faults_can_target_ims(emulator: Emulator, new_token: Callable[[Emulator], str], dps: Dps) -> None:
    emulator.faults.add(Fault("status", status=503, service="ims", times=1, retry_after=3))
    response = requests.post(
        emulator.ims_url,
        data={
            "grant_type": "client_credentials",
            "client_id": emulator.client_id,
            "client_secret": emulator.client_secret,
        },
    )
    assert response.status_code == 503
    assert response.json()["error"] == "server_error" and response.headers["Retry-After"] == "3"
    assert dps.list().status_code == 200
    assert new_token(emulator)


def test_the_first_added_fault_that_fires_wins(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=502, times=1))
    emulator.faults.add(Fault("status", status=503, times=1))
    assert [dps.list().status_code for _ in range(3)] == [502, 503, 200]


def test_a_fault_counts_how_often_it_fired(dps: Dps, emulator: Emulator) -> None:
    fault = emulator.faults.add(Fault("status", status=500, times=2))
    for _ in range(3):
        dps.list()
    assert fault.fired == 2
    assert emulator.faults.active == []


def test_clear_removes_every_fault_and_the_latency(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("drop"))
    emulator.faults.latency = 1.0
    emulator.faults.clear()
    started = time.monotonic()
    assert dps.list().status_code == 200
    assert time.monotonic() - started < 0.5


def test_faulted_requests_are_logged_with_their_kind(dps: Dps, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=429, times=1))
    dps.list()
    dps.list()
    entries = emulator.log.entries(service="dps")
    assert [(e.status, e.fault) for e in entries] == [(429, "status"), (200, None)]
