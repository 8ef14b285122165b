"""Callbacks and the two clients: the async client awaits ``async def`` callbacks (``on_status`` of ``wait``,
``run_and_wait`` and a handle's ``wait``; ``on_outcome`` of ``run_many``), as it calls plain ones; the sync client
refuses an ``async def`` callback with a ``TypeError`` before anything is sent (it cannot await it, so it would
never run), and a plain function that returns an awaitable at the first call."""

from __future__ import annotations

import asyncio
import functools
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from eigenpal_api.models import Execution

from eigenpal_ext import ArgumentTypeError, AsyncEigenpalClient, EigenpalClient, RunOutcome
from tests.support import FakeTime, Recorder, execution_json, make_async_client, make_client
from tests.unit.test_runs_resource import RunsApi, run_json

STATUSES = ["pending", "running", "completed"]


def _progressing() -> Recorder:
    """Runs answer ``exec_1``; its polls answer pending, running, then completed for good."""
    statuses: Iterator[str] = iter(STATUSES)
    last = {"status": "created"}

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, json={"executionId": "exec_1", "status": "created"})
        last["status"] = next(statuses, "completed")
        return httpx.Response(200, json=execution_json("exec_1", status=last["status"], result={"n": 1}))

    return Recorder(handle)


class _AsyncCallable:
    """An object whose ``__call__`` is ``async def``."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def __call__(self, execution: Execution) -> None:
        await asyncio.sleep(0)
        self.seen.append(str(execution.status))


# --- the async client awaits them --------------------------------------------------------------------------


def test_the_async_client_awaits_an_async_on_status_in_every_wait() -> None:
    seen: dict[str, list[str]] = {"wait": [], "run_and_wait": [], "handle": []}

    async def record(where: str, execution: Execution) -> None:
        await asyncio.sleep(0)  # a real suspension: only an awaited callback gets past it
        seen[where].append(str(execution.status))

    async def main() -> None:
        time = FakeTime()
        async with make_async_client(_progressing(), time=time) as client:
            executions = client.workflows.executions
            await executions.wait("exec_1", on_status=functools.partial(record, "wait"))
        async with make_async_client(_progressing(), time=time) as client:
            executions = client.workflows.executions
            await executions.run_and_wait("echo", {"n": 1}, on_status=functools.partial(record, "run_and_wait"))
        async with make_async_client(_progressing(), time=time) as client:
            handle = await client.workflows.run("echo", {"n": 1})
            await handle.wait(on_status=functools.partial(record, "handle"))

    asyncio.run(main())
    assert seen == {"wait": STATUSES, "run_and_wait": STATUSES, "handle": STATUSES}


def test_the_async_client_awaits_an_object_with_an_async_call_and_still_calls_plain_functions() -> None:
    awaited = _AsyncCallable()
    plain: list[str] = []

    async def main() -> None:
        time = FakeTime()
        async with make_async_client(_progressing(), time=time) as client:
            await client.workflows.executions.wait("exec_1", on_status=awaited)
        async with make_async_client(_progressing(), time=time) as client:
            await client.workflows.executions.wait("exec_1", on_status=lambda e: plain.append(str(e.status)))

    asyncio.run(main())
    assert awaited.seen == STATUSES
    assert plain == STATUSES


def test_an_async_on_status_that_raises_ends_the_wait_with_its_exception() -> None:
    async def broken(execution: Execution) -> None:
        await asyncio.sleep(0)
        raise LookupError(f"no row for {execution.status}")

    async def main() -> None:
        time = FakeTime()
        async with make_async_client(_progressing(), time=time) as client:
            await client.workflows.executions.wait("exec_1", on_status=broken)

    with pytest.raises(LookupError, match="no row for pending"):
        asyncio.run(main())


def test_the_async_client_awaits_an_async_on_outcome() -> None:
    delivered: list[tuple[int, str | None]] = []

    async def on_outcome(outcome: RunOutcome) -> None:
        await asyncio.sleep(0)
        delivered.append((outcome.index, outcome.execution_id))

    async def main() -> list[RunOutcome]:
        time = FakeTime()
        async with make_async_client(_progressing(), time=time) as client:
            return await client.workflows.executions.run_many("echo", [{"n": 1}, {"n": 2}], on_outcome=on_outcome)

    outcomes = asyncio.run(main())
    assert sorted(delivered) == [(0, "exec_1"), (1, "exec_1")]
    assert all(outcome.error is None for outcome in outcomes)


def test_an_async_on_outcome_that_raises_becomes_that_outcomes_error() -> None:
    async def on_outcome(outcome: RunOutcome) -> None:
        await asyncio.sleep(0)
        raise RuntimeError("the spreadsheet is locked")

    async def main() -> list[RunOutcome]:
        time = FakeTime()
        async with make_async_client(_progressing(), time=time) as client:
            return await client.workflows.executions.run_many("echo", [{"n": 1}], on_outcome=on_outcome)

    [outcome] = asyncio.run(main())
    assert isinstance(outcome.error, RuntimeError)
    assert outcome.result is not None  # the result is kept


# --- the sync client refuses them up front -----------------------------------------------------------------


async def _async_on_status(execution: Execution) -> None:
    """Never runs: the sync client refuses it."""


def _refused(call: Any, argument: str) -> ArgumentTypeError:
    with pytest.raises(ArgumentTypeError) as info:
        call()
    assert isinstance(info.value, TypeError)
    assert info.value.argument == argument
    assert "coroutine function (async def)" in info.value.reason
    assert "AsyncEigenpalClient" in info.value.reason
    return info.value


@pytest.mark.parametrize(
    "callback", [_async_on_status, functools.partial(_async_on_status), _AsyncCallable()], ids=["def", "partial", "obj"]
)
def test_the_sync_client_refuses_an_async_on_status_before_sending(callback: Any) -> None:
    recorder = Recorder(_progressing())
    with make_client(recorder, time=FakeTime()) as client:
        executions = client.workflows.executions
        _refused(lambda: executions.wait("exec_1", on_status=callback), "on_status")
        _refused(lambda: executions.run_and_wait("echo", {"n": 1}, on_status=callback), "on_status")
        handle = executions.handle("exec_1")
        _refused(lambda: handle.wait(on_status=callback), "on_status")
    assert recorder.requests == []  # no run was started, no poll sent


def test_the_sync_client_refuses_an_async_on_outcome_before_sending() -> None:
    async def on_outcome(outcome: RunOutcome) -> None:
        """Never runs."""

    recorder = Recorder(_progressing())
    with make_client(recorder, time=FakeTime()) as client:
        _refused(lambda: client.workflows.executions.run_many("echo", [{"n": 1}], on_outcome=on_outcome), "on_outcome")
    assert recorder.requests == []


def test_the_sync_client_refuses_a_plain_function_returning_a_coroutine_at_its_first_call() -> None:
    recorder = Recorder(_progressing())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "coroutine ... was never awaited" left behind
        with make_client(recorder, time=FakeTime()) as client, pytest.raises(TypeError, match="returned an awaitable"):
            client.workflows.executions.wait("exec_1", on_status=lambda execution: _async_on_status(execution))
    assert len(recorder.requests) == 1  # the first poll, whose new status was to be reported


def test_the_sync_client_still_calls_plain_callbacks() -> None:
    seen: list[str] = []
    with make_client(_progressing(), time=FakeTime()) as client:
        client.workflows.executions.run_and_wait("echo", {"n": 1}, on_status=lambda e: seen.append(str(e.status)))
    assert seen == STATUSES


def test_the_sync_client_refuses_an_async_sleep_when_it_is_made() -> None:
    async def sleep(seconds: float) -> None:
        """Never runs: the retries would not wait at all."""

    error = _refused(lambda: EigenpalClient(api_key="eig_test_x", sleep=sleep), "sleep")  # type: ignore[arg-type]  # mypy refuses it too
    assert "eig_test_x" not in str(error)


def test_the_async_client_takes_an_async_sleep() -> None:
    async def sleep(seconds: float) -> None:
        await asyncio.sleep(0)

    async def main() -> None:
        async with AsyncEigenpalClient(api_key="eig_test_x", sleep=sleep) as client:
            assert not client.is_closed

    asyncio.run(main())


# --- the runs API's waits (client.runs) take the same callbacks ------------------------------------------------


def _runs_api() -> RunsApi:
    return RunsApi(
        run_json(status="pending"),
        run_json(status="running"),
        run_json(status="completed", finished=True, output={"ok": True}),
    )


def test_the_async_client_awaits_an_async_on_status_of_the_runs_waits() -> None:
    seen: dict[str, list[str]] = {"run_and_wait": [], "wait": [], "handle": []}

    async def record(where: str, run: Any) -> None:
        await asyncio.sleep(0)
        seen[where].append(str(run.execution.status))

    async def main() -> None:
        async with make_async_client(_runs_api()) as client:
            started = functools.partial(record, "run_and_wait")
            await client.runs.run_and_wait("workflows.echo", {"n": 1}, on_status=started)
        async with make_async_client(_runs_api()) as client:
            await client.runs.wait("exec_1", on_status=functools.partial(record, "wait"))
        async with make_async_client(_runs_api()) as client:
            await client.runs.handle("exec_1").wait(on_status=functools.partial(record, "handle"))

    asyncio.run(main())
    assert seen == {"run_and_wait": STATUSES, "wait": STATUSES, "handle": STATUSES}


def test_the_sync_client_refuses_an_async_on_status_of_the_runs_waits_before_sending() -> None:
    api = _runs_api()
    with make_client(api) as client:
        _refused(lambda: client.runs.run_and_wait("workflows.echo", {"n": 1}, on_status=_async_on_status), "on_status")
        _refused(lambda: client.runs.wait("exec_1", on_status=_async_on_status), "on_status")
        _refused(lambda: client.runs.handle("exec_1").wait(on_status=_async_on_status), "on_status")
    assert api.requests == []


@pytest.mark.parametrize("client_class", [EigenpalClient, AsyncEigenpalClient])
def test_both_clients_refuse_an_async_clock(client_class: type[Any]) -> None:
    """A clock is read, never awaited, by both clients: an ``async def`` one would break every deadline."""

    async def clock() -> float:
        return 0.0

    with pytest.raises(ArgumentTypeError) as raised:
        client_class(api_key="eig_test_x", clock=clock)
    assert raised.value.argument == "clock"
    assert raised.value.reason.startswith("is a coroutine function (async def)")
    assert "it is called, never awaited" in raised.value.reason
