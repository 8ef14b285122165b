"""Flows stepped by hand: scripted answers go in with ``send``/``throw``, no HTTP, no client.

Each test plays the driver's part of the protocol documented in ``eigenpal_ext._flow``: it looks at the
effect a flow yields, answers it (a parsed model, ``None`` after a sleep, or an error thrown in) and checks
what the flow asks for next. The drivers themselves are then checked with scripted ``send``/``sleep``, and a
real client shows that an API error raised during a wait has a traceback that reads top-down.
"""

from __future__ import annotations

import asyncio
import inspect
import traceback
from collections.abc import Generator
from typing import Any

import httpx
import pytest
from eigenpal_api.models import (
    Execution,
    ExecutionCancellation,
    ExecutionPage,
    StartedExecution,
)

from eigenpal_ext import (
    AsyncEigenpalClient,
    EigenpalClient,
    EigenpalNotFoundError,
    EigenpalRateLimitError,
    EigenpalResponseError,
    EigenpalServerError,
    EigenpalTimeoutError,
    ExecutionResult,
)
from eigenpal_ext._calls import RunRequest, get_execution_call
from eigenpal_ext._fanout import Backpressure, run_one_flow
from eigenpal_ext._flow import Context, Emit, Send, Sleep, iterate, iterate_async, run, run_async
from eigenpal_ext._idempotency import KeyKnowledge
from eigenpal_ext._paging import MAX_PAGES_WITHOUT_NEW_ITEMS, execution_pages, paging_flow
from eigenpal_ext._waiting import WaitOptions, run_and_wait_flow, start_flow, wait_flow
from tests.support import FakeTime, make_client

API_KEY = "eg_test_key_0123456789"


class Clock:
    """A clock the test moves by hand: a flow only reads it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def options(
    clock: Clock, *, timeout_seconds: float = 30.0, cancel_on_timeout: bool = False, keys: KeyKnowledge | None = None
) -> tuple[WaitOptions, Context]:
    """How to wait, and the context a client gives its flows (this clock, a 30 s default timeout, ``keys``)."""
    context = Context(clock, httpx.Timeout(30.0), keys if keys is not None else KeyKnowledge())
    return WaitOptions(1.5, timeout_seconds, None, cancel_on_timeout), context


def status(state: str, execution_id: str = "exec_1", **extra: Any) -> Execution:
    body = {"executionId": execution_id, "status": state, "createdAt": "2026-11-27T10:00:00Z", **extra}
    return Execution.from_dict(body)


def request_of(effect: object) -> tuple[str, str]:
    assert isinstance(effect, Send), f"expected a Send, got {effect!r}"
    return effect.call.request["method"].upper(), effect.call.request["url"]


def finish(flow: Generator[Any, Any, Any], answer: Any) -> Any:
    with pytest.raises(StopIteration) as stopped:
        flow.send(answer)
    return stopped.value.value


# --- waiting --------------------------------------------------------------------------------------------------


def test_wait_polls_first_then_sleeps_the_schedule_until_the_end() -> None:
    clock = Clock()
    flow = wait_flow("exec_1", *options(clock))
    assert request_of(next(flow)) == ("GET", "/api/v1/workflows/executions/exec_1")
    assert flow.send(status("running")) == Sleep(0.7)
    clock.now += 0.7
    assert request_of(flow.send(None)) == ("GET", "/api/v1/workflows/executions/exec_1")
    result = finish(flow, status("completed", result={"total": 3}))
    assert isinstance(result, ExecutionResult)
    assert (result.execution_id, str(result.status), result.result) == ("exec_1", "completed", {"total": 3})


def test_a_transient_error_thrown_in_is_polled_through() -> None:
    clock = Clock()
    flow = wait_flow("exec_1", *options(clock))
    next(flow)
    assert flow.throw(EigenpalServerError("HTTP 503", status=503)) == Sleep(0.7)
    assert request_of(flow.send(None)) == ("GET", "/api/v1/workflows/executions/exec_1")
    assert finish(flow, status("failed", error="boom")).error == "boom"


def test_a_rate_limit_thrown_in_waits_at_least_its_retry_after() -> None:
    clock = Clock()
    flow = wait_flow("exec_1", *options(clock))
    next(flow)
    assert flow.throw(EigenpalRateLimitError("HTTP 429", status=429, retry_after=4.0)) == Sleep(4.0)


def test_a_lasting_error_thrown_in_comes_out_with_the_execution_id() -> None:
    flow = wait_flow("exec_1", *options(Clock()))
    next(flow)
    error = EigenpalNotFoundError("HTTP 404: no such execution", status=404)
    with pytest.raises(EigenpalNotFoundError) as caught:
        flow.throw(error)
    assert caught.value is error
    assert error.execution_id == "exec_1"


def test_past_the_deadline_the_flow_cancels_if_asked_then_raises_the_timeout() -> None:
    clock = Clock()
    flow = wait_flow("exec_1", *options(clock, timeout_seconds=2.0, cancel_on_timeout=True))
    next(flow)
    assert flow.send(status("running")) == Sleep(0.7)
    clock.now = 2.5  # the sleep overran: the deadline has passed
    effect = flow.send(None)
    assert request_of(effect) == ("GET", "/api/v1/workflows/executions/exec_1")
    cancel = flow.send(status("running"))
    assert request_of(cancel) == ("POST", "/api/v1/workflows/executions/exec_1/cancel")
    with pytest.raises(EigenpalTimeoutError) as caught:
        flow.send(
            ExecutionCancellation.from_dict({"executionId": "exec_1", "status": "cancelled", "wasStatus": "running"})
        )
    assert caught.value.execution_id == "exec_1"
    assert "cancel requested: cancelled" in caught.value.message


def test_the_trigger_is_clipped_to_the_deadline_and_its_wait_sleeps_before_the_first_poll() -> None:
    clock = Clock()
    wait_options = options(clock)
    start = start_flow(RunRequest("wf_1", {"n": 1}), *wait_options, server_hold=False)
    trigger = next(start)
    assert request_of(trigger) == ("POST", "/api/v1/workflows/wf_1/run")
    assert isinstance(trigger, Send)
    assert trigger.call.deadline == 30.0  # clipped to the wait's deadline
    clock.now = 1.0
    started = finish(start, StartedExecution.from_dict({"executionId": "exec_7", "status": "running"}))
    triggered = started.answer
    assert triggered.execution_id == "exec_7"
    assert (started.deadline.ends_at, started.ended, started.replay) == (30.0, False, None)
    flow = wait_flow(triggered.execution_id, *wait_options, started)
    assert next(flow) == Sleep(0.7)  # a run just started has rarely ended
    assert request_of(flow.send(None)) == ("GET", "/api/v1/workflows/executions/exec_7")
    assert finish(flow, status("completed", execution_id="exec_7")).execution_id == "exec_7"


def test_run_and_wait_is_one_flow_the_trigger_then_the_wait_on_one_deadline() -> None:
    """The flow ``run_and_wait`` drives end to end: start_flow, then wait_flow on what it started; whoever runs
    it learns the execution id before the wait (run_many's report, a batch's journal)."""
    clock = Clock()
    started: list[str] = []
    flow = run_and_wait_flow(
        RunRequest("wf_1", {"n": 1}), *options(clock), on_started=lambda run: started.append(run.execution_id)
    )
    trigger = next(flow)
    assert request_of(trigger) == ("POST", "/api/v1/workflows/wf_1/run")
    assert isinstance(trigger, Send)
    assert trigger.call.deadline == 30.0
    clock.now = 1.0
    assert flow.send(StartedExecution.from_dict({"executionId": "exec_7"})) == Sleep(0.7)
    assert started == ["exec_7"]
    clock.now = 1.7
    poll = flow.send(None)
    assert request_of(poll) == ("GET", "/api/v1/workflows/executions/exec_7")
    assert isinstance(poll, Send)
    assert poll.call.request_timeout_seconds == pytest.approx(28.3)  # the poll, too, ends by the one deadline
    assert finish(flow, status("completed", execution_id="exec_7")).execution_id == "exec_7"


def test_a_handles_wait_is_the_wait_flow_alone_every_time() -> None:
    """No state rides on a handle between calls: each wait() polls at once, on a deadline of its own."""
    polls: list[float] = []
    time = FakeTime()

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, json={"executionId": "exec_1"})
        polls.append(time.now)
        body = {"executionId": "exec_1", "status": "completed", "createdAt": "2026-11-27T10:00:00Z"}
        return httpx.Response(200, json=body)

    with make_client(answer, time=time) as client:
        handle = client.workflows.run("wf_1", {"n": 1})
        assert handle.wait().succeeded
        assert handle.wait().succeeded
    assert polls == [0.0, 0.0]  # both polled right away: nothing hidden on the handle changed the second


def test_a_trigger_held_to_the_end_is_followed_by_one_poll_for_the_full_record() -> None:
    wait_options = options(Clock())
    start = start_flow(RunRequest("wf_1", None), *wait_options, server_hold=True)
    trigger = next(start)
    assert isinstance(trigger, Send)
    assert trigger.call.request["params"]["wait_for_completion"] == 28
    answer = StartedExecution.from_dict({"executionId": "exec_7", "status": "completed"})
    started = finish(start, answer)
    triggered = started.answer
    assert started.ended
    assert request_of(next(wait_flow(triggered.execution_id, *wait_options, started))) == (
        "GET",
        "/api/v1/workflows/executions/exec_7",
    )


def test_a_declared_honour_triggers_without_a_hold_then_replays_the_run_held_with_its_key() -> None:
    clock = Clock()
    wait_options = options(clock, keys=KeyKnowledge(True))
    start = start_flow(RunRequest("wf_1", {"n": 1}), *wait_options, server_hold=None)
    trigger = next(start)
    assert isinstance(trigger, Send)
    assert "wait_for_completion" not in trigger.call.request.get("params", {})  # the id comes back at once
    key = trigger.call.request["headers"]["Idempotency-Key"]
    started = finish(start, StartedExecution.from_dict({"executionId": "exec_7"}))
    triggered = started.answer
    assert started.replay is not None
    clock.now = 2.0
    replay = next(wait_flow(triggered.execution_id, *wait_options, started))
    assert request_of(replay) == ("POST", "/api/v1/workflows/wf_1/run")
    assert isinstance(replay, Send)
    assert replay.call.request["headers"]["Idempotency-Key"] == key
    assert replay.call.request["params"]["wait_for_completion"] == 26  # ends 2 s before the 30 s deadline


@pytest.mark.parametrize("declared", [None, False])
def test_without_a_declared_honour_the_trigger_is_not_held_nor_replayed(declared: bool | None) -> None:
    keys = KeyKnowledge(declared)
    if declared is None:
        keys.learn(*echoed_run_answer())  # inferred: permits recoveries only
        assert keys.honoured
    start = start_flow(RunRequest("wf_1", {"n": 1}), *options(Clock(), keys=keys), server_hold=None)
    trigger = next(start)
    assert isinstance(trigger, Send)
    assert "wait_for_completion" not in trigger.call.request.get("params", {})
    started = finish(start, StartedExecution.from_dict({"executionId": "exec_7"}))
    assert started.replay is None


def echoed_run_answer() -> tuple[httpx.Request, httpx.Response]:
    request = httpx.Request("POST", "https://x.test/api/v1/workflows/wf_1/run", headers={"Idempotency-Key": "k1"})
    return request, httpx.Response(201, headers={"Idempotency-Key": "k1"}, request=request)


# --- fan-out ----------------------------------------------------------------------------------------------------


def test_a_rejected_trigger_pauses_the_batch_and_is_sent_again() -> None:
    clock = Clock()
    backpressure = Backpressure(clock)
    flow = run_one_flow(RunRequest("wf_1", {"n": 1}), *options(clock), backpressure)
    assert request_of(next(flow)) == ("POST", "/api/v1/workflows/wf_1/run")
    retried = flow.throw(EigenpalRateLimitError("HTTP 429", status=429, retry_after=3.0))
    assert retried == Sleep(3.0)  # the batch-wide pause, taken before triggering again
    assert backpressure.wait_seconds() == 3.0
    clock.now += 3.0
    assert request_of(flow.send(None)) == ("POST", "/api/v1/workflows/wf_1/run")


# --- paging -----------------------------------------------------------------------------------------------------


def page(ids: list[str], total: int) -> ExecutionPage:
    items = [{"id": i, "workflowId": "wf_1", "status": "completed", "createdAt": "2026-11-27T10:00:00Z"} for i in ids]
    return ExecutionPage.from_dict({"data": items, "total": total, "limit": 2, "offset": 0})


def pages_flow(**kwargs: Any) -> Generator[Any, Any, None]:
    calls = execution_pages(
        "wf_1", status=None, from_date=None, to_date=None, example_id=None, request_timeout_seconds=None
    )
    return paging_flow(calls, **kwargs)


def test_paging_emits_each_item_once_and_asks_for_the_next_page_when_used_up() -> None:
    flow = pages_flow(page_size=2, max_items=None)
    first = next(flow)
    assert isinstance(first, Send)
    assert first.call.request["params"]["offset"] == 0
    emitted = [flow.send(page(["a", "b"], total=4)), flow.send(None)]
    assert [effect.value.id for effect in emitted if isinstance(effect, Emit)] == ["a", "b"]
    second = flow.send(None)
    assert isinstance(second, Send)
    assert second.call.request["params"]["offset"] == 2
    # "b" again: pushed forward by an execution created meanwhile; it is skipped, "c" is emitted.
    emitted = flow.send(page(["b", "c"], total=5))
    assert isinstance(emitted, Emit)
    assert emitted.value.id == "c"


def test_paging_stops_at_the_limit_without_another_request() -> None:
    flow = pages_flow(page_size=50, max_items=1)
    first = next(flow)
    assert isinstance(first, Send)
    assert first.call.request["params"]["limit"] == 1
    assert isinstance(flow.send(page(["a"], total=9)), Emit)
    with pytest.raises(StopIteration):
        flow.send(None)


def test_paging_goes_on_after_a_short_page_and_ends_at_the_total() -> None:
    # Asked for 50, answered 2 of 3 (a page cap): the next request starts after them; offset 3 >= total ends it.
    flow = pages_flow(page_size=50, max_items=None)
    assert next(flow).call.request["params"] == {"limit": 50, "offset": 0}
    effect = flow.send(page(["a", "b"], total=3))
    while isinstance(effect, Emit):
        effect = flow.send(None)
    assert isinstance(effect, Send)
    assert effect.call.request["params"] == {"limit": 50, "offset": 2}
    assert isinstance(flow.send(page(["c"], total=3)), Emit)
    with pytest.raises(StopIteration):
        flow.send(None)


def test_paging_raises_when_the_server_ignores_offset() -> None:
    flow = pages_flow(page_size=2, max_items=None)
    effect = next(flow)
    for _ in range(MAX_PAGES_WITHOUT_NEW_ITEMS):  # the first page, then pages bringing nothing new
        assert isinstance(effect, Send)
        effect = flow.send(page(["a", "b"], total=100))
        while isinstance(effect, Emit):
            effect = flow.send(None)
    assert isinstance(effect, Send)
    with pytest.raises(EigenpalResponseError, match="seems to ignore offset"):
        flow.send(page(["a", "b"], total=100))


# --- the drivers ------------------------------------------------------------------------------------------------


def scripted_flow() -> Generator[Any, Any, str]:
    answer = yield Send(_a_call())
    yield Sleep(2.0)
    try:
        yield Send(_a_call())
    except EigenpalServerError as error:
        return f"{answer} then {error.message}"
    return "not reached"


def _a_call() -> Any:
    return get_execution_call("exec_1")


def test_run_performs_each_effect_and_throws_errors_in() -> None:
    answers: list[Any] = ["first", EigenpalServerError("HTTP 503", status=503)]
    slept: list[float] = []

    def send(call: Any) -> Any:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert run(scripted_flow(), send, slept.append) == "first then HTTP 503"
    assert slept == [2.0]


def test_run_async_performs_the_same_effects_awaited() -> None:
    answers: list[Any] = ["first", EigenpalServerError("HTTP 503", status=503)]
    slept: list[float] = []

    async def send(call: Any) -> Any:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    assert asyncio.run(run_async(scripted_flow(), send, sleep)) == "first then HTTP 503"
    assert slept == [2.0]


def test_iterate_sends_lazily_and_closes_an_abandoned_flow() -> None:
    sent: list[Any] = []

    def send(call: Any) -> ExecutionPage:
        sent.append(call)
        return page(["a", "b"], total=4)

    flow = pages_flow(page_size=2, max_items=None)
    items = iterate(flow, send)
    assert sent == []  # nothing is requested before the first item is asked for
    assert next(items).id == "a"
    assert len(sent) == 1
    items.close()  # type: ignore[attr-defined]
    assert inspect.getgeneratorstate(flow) == inspect.GEN_CLOSED  # the flow was closed with the iteration


def test_iterate_async_yields_the_same_items() -> None:
    async def send(call: Any) -> ExecutionPage:
        return page(["a", "b"], total=2)

    async def collect() -> list[str]:
        return [item.id async for item in iterate_async(pages_flow(page_size=2, max_items=None), send)]

    assert asyncio.run(collect()) == ["a", "b"]


def test_a_driver_refuses_an_effect_it_cannot_perform() -> None:
    def emitting() -> Generator[Any, Any, None]:
        yield Emit(1)

    with pytest.raises(TypeError, match="yields Send, Sleep or Notify"):
        run(emitting(), lambda call: None, lambda seconds: None)


def test_an_api_error_during_a_wait_has_a_traceback_that_reads_top_down() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "no such execution"}})

    client = EigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(answer))
    with client, pytest.raises(EigenpalNotFoundError) as caught:
        client.workflows.executions.wait("exec_1")
    frames = [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]
    frames = frames[frames.index("wait") :]
    # The public call, the requestor's run and the driver, the flow down to the yield of the failed poll,
    # then the send and the parse that made the error: each frame once, in call order.
    assert frames == ["wait", "run", "run", "wait_flow", "_poll_until_terminal", "send", "parse"]


# --- the public time seam ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("argument", ["sleep", "clock"])
def test_sleep_and_clock_must_be_callables(argument: str) -> None:
    with pytest.raises(TypeError, match=f"{argument} must be a callable"):
        EigenpalClient(api_key=API_KEY, **{argument: 1.5})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=f"{argument} must be a callable"):
        AsyncEigenpalClient(api_key=API_KEY, **{argument: "later"})  # type: ignore[arg-type]


def test_with_options_keeps_the_simulated_time() -> None:
    slept: list[float] = []
    answers = iter([httpx.Response(503), httpx.Response(200, json={"id": "wf", "createdAt": "2026-11-27T10:00:00Z"})])
    transport = httpx.MockTransport(lambda request: next(answers))
    with EigenpalClient(api_key=API_KEY, transport=transport, sleep=slept.append, clock=lambda: 0.0) as client:
        assert client.with_options(max_retries=1).workflows.get("wf").id == "wf"
    assert len(slept) == 1  # the retry slept through the simulated sleep, not time.sleep


def test_the_async_traceback_reads_top_down_too() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "no such execution"}})

    async def scenario() -> list[str]:
        async with AsyncEigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(answer)) as client:
            with pytest.raises(EigenpalNotFoundError) as caught:
                await client.workflows.executions.wait("exec_1")
        return [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]

    frames = asyncio.run(scenario())
    frames = frames[frames.index("wait") :]
    assert frames == ["wait", "run", "run_async", "wait_flow", "_poll_until_terminal", "send", "parse"]
