"""A program's wait for its outputs costs O(outputs), with the SDK's own semantics kept.

The SDK's ``wait_for_rpcs`` woke on every finished output and re-armed every pending one: with the
real engine the program reaches it before any registration has started, so a 1,000-offer stack
handed ``asyncio.wait`` about 10⁷ tasks over its run (``provider/sdk/workarounds.py``).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, cast

import pytest
from pulumi import Output
from pulumi.runtime import settings as sdk_settings
from pulumi.runtime import stack as sdk_stack

from provider.sdk import workarounds
from provider.sdk.workarounds import drain_outputs_in_rounds, sdk_source_digest

OUTPUTS = 400


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The number of tasks handed to each ``asyncio.wait`` call."""
    sizes: list[int] = []
    real_wait = asyncio.wait

    async def counting(tasks: Any, *args: Any, **kwargs: Any) -> Any:
        tasks = list(tasks)
        sizes.append(len(tasks))
        return await real_wait(tasks, *args, **kwargs)

    monkeypatch.setattr(asyncio, "wait", counting)
    yield sizes


def _run(body: Callable[[], Awaitable[None]]) -> None:
    """Run ``body`` with a fresh SDK settings context (its own outputs set and RPC manager)."""

    async def main() -> None:
        sdk_settings.configure(sdk_settings.Settings(project="p", stack="s"))
        await body()

    contextvars.Context().run(asyncio.run, main())


def _output_of(awaitable: Awaitable[Any]) -> Output[Any]:
    return Output.from_input(cast(Any, awaitable))


def _outputs_finishing_one_by_one(count: int, fail_at: int = -1, error: Exception | None = None) -> list[Output[Any]]:
    loop = asyncio.get_running_loop()
    outputs: list[Output[Any]] = []
    for index in range(count):
        future: asyncio.Future[int] = loop.create_future()
        if index == fail_at and error is not None:
            loop.call_later(0.001 * index, future.set_exception, error)
        else:
            loop.call_later(0.001 * index, future.set_result, index)
        outputs.append(_output_of(future))
    return outputs


def test_outputs_finishing_one_by_one_are_awaited_in_one_round_not_one_each(waits: list[int]) -> None:
    async def body() -> None:
        outputs = _outputs_finishing_one_by_one(OUTPUTS)
        await workarounds._wait_for_rpcs()
        assert all(output._data.done() for output in outputs)

    _run(body)
    # The SDK's loop handed asyncio.wait ~OUTPUTS²/2 tasks here (80,200 at 400).
    assert sum(waits) <= 2 * OUTPUTS


def test_a_failed_output_fails_the_wait_as_it_does_in_the_sdk() -> None:
    async def body() -> None:
        _outputs_finishing_one_by_one(50, fail_at=10, error=RuntimeError("boom"))
        await workarounds._wait_for_rpcs()

    with pytest.raises(RuntimeError, match="boom"):
        _run(body)


def test_a_failed_output_fails_the_wait_before_the_others_finish() -> None:
    finished_at_failure: list[int] = []

    async def body() -> None:
        outputs = _outputs_finishing_one_by_one(200, fail_at=5, error=RuntimeError("early"))
        try:
            await workarounds._wait_for_rpcs()
        finally:
            finished_at_failure.append(sum(output._data.done() for output in outputs))

    with pytest.raises(RuntimeError, match="early"):
        _run(body)
    assert finished_at_failure[0] < 50


def test_outputs_faulted_for_a_failed_registration_are_ignored_as_in_the_sdk() -> None:
    async def body() -> None:
        outputs = _outputs_finishing_one_by_one(50, fail_at=10, error=sdk_stack.ResourceRegistrationFailed())
        await workarounds._wait_for_rpcs()
        assert all(output._data.done() for output in outputs)

    _run(body)


def test_outputs_made_while_waiting_are_awaited_too() -> None:
    ran: list[int] = []

    async def body() -> None:
        def later(value: int) -> Any:
            return _output_of(asyncio.sleep(0.01, value)).apply(ran.append)

        for output in _outputs_finishing_one_by_one(20):
            output.apply(later)  # its Output is made when its input resolves, after the wait has begun
        await workarounds._wait_for_rpcs()

    _run(body)
    assert sorted(ran) == list(range(20))


def test_the_replacement_is_installed_only_over_the_sdk_code_it_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    async def a_different_sdk(await_all_outstanding_tasks: bool = True) -> None:
        """Not the SDK's 3.260.0 function."""

    monkeypatch.setattr(sdk_stack, "wait_for_rpcs", a_different_sdk)
    drain_outputs_in_rounds()
    assert sdk_stack.wait_for_rpcs is a_different_sdk


def test_the_sdk_still_has_the_wait_the_replacement_copies() -> None:
    # Fails on a Pulumi upgrade: compare the SDK's new wait_for_rpcs with workarounds._wait_for_rpcs, port any
    # change, and record the new digest (or drop the workaround if the SDK no longer re-arms on every output).
    original = getattr(sdk_stack.wait_for_rpcs, "__wrapped__", sdk_stack.wait_for_rpcs)
    if getattr(original, "_offerform", False):
        original = workarounds._SDK_WAIT_FOR_RPCS
    assert sdk_source_digest(original) == workarounds._WAIT_FOR_RPCS_SOURCE
