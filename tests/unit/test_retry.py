"""The retry table: what is repeated, for which methods, and for how long."""

import pytest
from urllib3.exceptions import MaxRetryError
from urllib3.response import HTTPResponse

from provider.adobe.retry import Budget, RetryPolicy, spending


def _policy(deadline: float = 60.0) -> RetryPolicy:
    return RetryPolicy.build(max_retries=5, deadline=deadline, backoff_factor=0.1)


@pytest.mark.parametrize("method", ["GET", "DELETE", "POST", "PATCH"])
def test_throttling_is_retried_for_every_method(method: str) -> None:
    assert _policy().is_retry(method, 429)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_faults_are_retried_for_reads_and_deletes(status: int) -> None:
    assert _policy().is_retry("GET", status) and _policy().is_retry("DELETE", status)


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_server_faults_on_writes_are_left_to_the_provider(method: str) -> None:
    assert not _policy().is_retry(method, 503)


def test_client_errors_are_not_retried() -> None:
    assert not _policy().is_retry("GET", 400)


def test_a_retry_after_past_the_deadline_stops_the_chain() -> None:
    response = HTTPResponse(status=429, headers={"Retry-After": "30"})
    with pytest.raises(MaxRetryError):
        _policy(deadline=5).increment("GET", "/offers", response=response)


def test_a_retry_after_within_the_deadline_is_honoured() -> None:
    response = HTTPResponse(status=429, headers={"Retry-After": "1"})
    retry = _policy(deadline=5).increment("GET", "/offers", response=response)
    assert retry.get_retry_after(response) == 1


def test_a_new_retry_chain_stops_where_the_engine_calls_budget_ends_not_on_a_clock_of_its_own() -> None:
    response = HTTPResponse(status=429, headers={"Retry-After": "1"})
    almost_spent = Budget(seconds=3, ends_at=Budget.starting_now(0.5).ends_at)
    with spending(almost_spent), pytest.raises(MaxRetryError, match="retry deadline of 3s"):
        _policy(deadline=3).increment("GET", "/offers", response=response)


def test_backoff_grows_exponentially_from_the_first_retry() -> None:
    retry = RetryPolicy.build(max_retries=5, deadline=60, backoff_factor=1.0)
    retry.backoff_jitter = 0
    waits = []
    for _ in range(3):
        retry = retry.increment("GET", "/offers", response=HTTPResponse(status=503))
        waits.append(retry.get_backoff_time())
    assert waits == [1.0, 2.0, 4.0]
