"""HTTP/1.1 persistent connections, as Adobe's gateway keeps them, and faults that still behave on them."""

from __future__ import annotations

import http.client
import json
import time
from typing import Iterator

import pytest
import requests
from offerform_emulator import Emulator, Fault

from .conftest import Library


@pytest.fixture
def session_client(emulator: Emulator, token: str) -> Iterator[Library]:
    """A fallback offer client whose calls share one requests.Session (one connection pool)."""
    client = Library(emulator, token)
    with requests.Session() as session:
        client.session = session
        yield client


def _ports(emulator: Emulator) -> list[int | None]:
    """The client port of every logged Offer Library request, in order (one port per TCP connection)."""
    return [entry.client_port for entry in emulator.log.entries(service="dps")]


def test_a_session_reuses_one_connection_for_many_calls(session_client: Library, emulator: Emulator) -> None:
    offer_id = session_client.create_ok()
    session_client.get(offer_id)
    for _ in range(3):
        assert session_client.list().status_code == 200
    ports = _ports(emulator)
    assert len(ports) == 5 and len(set(ports)) == 1 and ports[0] is not None
    assert emulator.open_connections == 1


def test_answers_say_nothing_of_closing_and_carry_their_length(session_client: Library) -> None:
    for response in (session_client.create(), session_client.list(), session_client.get("dps:fallback-offer:0")):
        assert "Connection" not in response.headers
        assert int(response.headers["Content-Length"]) == len(response.content)
    deleted = session_client.delete(session_client.create_ok())
    assert deleted.headers["Content-Length"] == "0"


def test_error_answers_keep_the_connection_too(session_client: Library, emulator: Emulator) -> None:
    emulator.faults.add(Fault("status", status=503, times=1))
    emulator.faults.add(Fault("html", times=1))
    assert [session_client.list().status_code for _ in range(3)] == [503, 502, 200]
    assert len(set(_ports(emulator))) == 1


def test_a_drop_fault_closes_that_connection_and_the_next_call_gets_a_new_one(
    session_client: Library, emulator: Emulator
) -> None:
    session_client.list()
    emulator.faults.add(Fault("drop", times=1))
    with pytest.raises(requests.exceptions.ConnectionError):
        session_client.list()
    assert session_client.list().status_code == 200
    first, dropped, after = _ports(emulator)
    assert dropped == first and after != first
    assert [e.status for e in emulator.log.entries(service="dps")] == [200, None, 200]


def test_commit_then_drop_on_a_kept_connection_still_commits_and_drops(
    session_client: Library, emulator: Emulator
) -> None:
    session_client.list()
    emulator.faults.add(Fault("commit_then_drop", times=1, methods={"POST"}))
    with pytest.raises(requests.exceptions.ConnectionError):
        session_client.create()
    assert len(emulator.offers("TESTORG@AdobeOrg", "prod")) == 1
    assert session_client.list().json()["total"] == 1


def test_a_request_after_a_timed_out_delay_gets_a_clean_connection(session_client: Library, emulator: Emulator) -> None:
    emulator.faults.add(Fault("delay", delay=0.3, times=1, methods={"POST"}))
    with pytest.raises(requests.exceptions.ReadTimeout):
        session_client.create(timeout=0.1)
    assert session_client.list().status_code == 200
    time.sleep(0.4)  # the late answer goes to the abandoned connection, not to this one
    assert session_client.list().json()["total"] == 1
    delayed, listed, _ = _ports(emulator)
    assert delayed != listed


def test_a_client_that_asks_to_close_is_answered_with_connection_close(session_client: Library) -> None:
    response = session_client.list(headers={"Connection": "close"})
    assert response.status_code == 200 and response.headers["Connection"] == "close"


def test_stop_closes_idle_kept_connections(emulator: Emulator, token: str) -> None:
    url = emulator.dps_url + "/offers?offer-type=fallback"
    headers = Library(emulator, token).headers
    with requests.Session() as session:
        assert session.get(url, headers=headers, timeout=2).status_code == 200
        emulator.stop()
        with pytest.raises(requests.exceptions.ConnectionError):
            session.get(url, headers=headers, timeout=2)


def test_an_idle_connection_closes_after_the_keep_alive_timeout() -> None:
    with Emulator(keep_alive_timeout=0.2) as emu:
        connection = http.client.HTTPConnection(emu.host, emu.port, timeout=2)
        connection.request("GET", "/nothing")
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 404 and emu.open_connections == 1
        time.sleep(0.5)
        assert connection.sock is not None and connection.sock.recv(1) == b""  # the server closed it
        connection.close()
        assert emu.open_connections == 0


def test_requests_written_back_to_back_on_one_connection_are_answered_in_order(emulator: Emulator) -> None:
    connection = http.client.HTTPConnection(emulator.host, emulator.port, timeout=2)
    details = []
    for path in ("/one", "/two", "/three"):
        connection.request("GET", path)
        answer = connection.getresponse()
        details.append(_detail(answer.read()))
    connection.close()
    assert details == ["no route for /one", "no route for /two", "no route for /three"]
    assert len(set(_ports(emulator))) == 1


def _detail(raw: bytes) -> str:
    """The `detail` of an RFC 7807 answer."""
    return str(json.loads(raw)["detail"])
