"""``workflows.run(...)`` returns an execution handle: the run's answer, plus wait/get/cancel on its execution.

The API is a fake behind ``httpx.MockTransport``; time is simulated through the clients' ``clock=``/``sleep=``.
Each scenario runs on the sync client and on the async one and must send the same requests.
"""

from __future__ import annotations

import asyncio

import attrs
import pytest
from eigenpal_api.models import Execution, ExecutionCancellation, StartedExecution

from eigenpal_ext import (
    AsyncExecutionHandle,
    EigenpalTimeoutError,
    ExecutionHandle,
    ExecutionResult,
)
from tests.support import FakeApi

API_KEY = "eg_test_key_0123456789"
BASE_URL = "https://eigenpal.test"
CREATED = "2026-11-27T10:00:00Z"


def fake_api(polls_to_end: int = 2) -> FakeApi:
    """The shared ``FakeApi``: its run ends after ``polls_to_end`` polls; the run's answer carries a field this
    client does not know (``queue``)."""
    return FakeApi(
        polls_to_end=polls_to_end, run_extra={"status": "running", "queue": "fast"},
        terminal_extra={"result": {"total": 3}, "completedAt": CREATED},
        with_steps={"steps": [{"stepId": "s1", "status": "completed"}]},
        cancel_response=(200, {"executionId": "exec_1", "status": "cancelled", "wasStatus": "running"}),
    )  # fmt: skip


RUN = ("POST", "/api/v1/workflows/wf_1/run")
POLL = ("GET", "/api/v1/workflows/executions/exec_1")
CANCEL = ("POST", "/api/v1/workflows/executions/exec_1/cancel")


def check_answer_fields(handle: StartedExecution) -> None:
    assert isinstance(handle, StartedExecution)  # code written against the run's answer runs unchanged
    assert handle.execution_id == "exec_1"
    assert str(handle.status) == "running"
    assert (handle.result, handle.error) == (None, None)
    assert handle.additional_properties == {"queue": "fast"}
    with pytest.raises(TypeError, match=r"read it as \.additional_properties\['queue'\]"):
        handle["queue"]  # type: ignore[index]  # a record, not a mapping (the generator's models said KeyError)
    assert handle.raw == {"executionId": "exec_1", "status": "running", "queue": "fast"}
    assert handle.to_dict() == {"executionId": "exec_1", "status": "running", "queue": "fast"}


def test_run_returns_a_handle_that_is_the_answer_and_waits_for_its_execution() -> None:
    api = fake_api()
    with api.client() as client:
        handle = client.workflows.run("wf_1", {"n": 1})
        assert isinstance(handle, ExecutionHandle)
        check_answer_fields(handle)
        result = handle.wait(timeout_seconds=30)
    assert isinstance(result, ExecutionResult)
    assert (result.execution_id, str(result.status), result.result) == ("exec_1", "completed", {"total": 3})
    assert api.paths == [RUN, POLL, POLL]  # like executions.wait: a poll right away, then the schedule
    assert api.time.sleeps == [0.7]


def test_the_async_handle_does_the_same_awaited() -> None:
    api = fake_api()

    async def scenario() -> ExecutionResult:
        async with api.async_client() as client:
            handle = await client.workflows.run("wf_1", {"n": 1})
            assert isinstance(handle, AsyncExecutionHandle)
            check_answer_fields(handle)
            return await handle.wait(timeout_seconds=30)

    assert asyncio.run(scenario()).result == {"total": 3}
    assert api.paths == [RUN, POLL, POLL]
    assert api.time.sleeps == [0.7]


def test_get_and_cancel_act_on_the_handles_execution() -> None:
    api = fake_api(polls_to_end=1)
    with api.client() as client:
        handle = client.workflows.run("wf_1")
        detail = handle.get(include_steps=True, request_timeout_seconds=5)
        outcome = handle.cancel()
    assert isinstance(detail, Execution)
    assert isinstance(detail.steps, list)
    assert api.sent[1].url.params["includeSteps"] == "true"
    assert api.sent[1].extensions["timeout"]["read"] == 5.0
    assert isinstance(outcome, ExecutionCancellation)
    assert str(outcome.status) == "cancelled"
    assert api.paths == [RUN, POLL, CANCEL]


def test_async_get_and_cancel() -> None:
    api = fake_api(polls_to_end=1)

    async def scenario() -> tuple[Execution, ExecutionCancellation]:
        async with api.async_client() as client:
            handle = await client.workflows.run("wf_1")
            return await handle.get(), await handle.cancel()

    detail, outcome = asyncio.run(scenario())
    assert str(detail.status) == "completed"
    assert str(outcome.status) == "cancelled"
    assert api.paths == [RUN, POLL, CANCEL]


def test_a_handle_wait_past_its_deadline_raises_with_the_execution_id() -> None:
    api = fake_api(polls_to_end=1000)
    with api.client() as client:
        handle = client.workflows.run("wf_1")
        with pytest.raises(EigenpalTimeoutError) as caught:
            handle.wait(timeout_seconds=3, cancel_on_timeout=True)
    assert caught.value.execution_id == "exec_1"
    assert api.paths[-1] == CANCEL


def test_run_and_wait_is_run_then_wait_on_one_deadline() -> None:
    # The trigger and the wait share the deadline: run_and_wait sleeps before its first poll (a run just
    # started has rarely ended), where handle.wait() after run() polls at once.
    api = fake_api()
    with api.client() as client:
        result = client.workflows.executions.run_and_wait("wf_1", {"n": 1}, timeout_seconds=30)
    assert result.result == {"total": 3}
    assert api.paths == [RUN, POLL, POLL]
    assert api.time.sleeps[0] == 0.7
    assert api.sent[0].extensions["eigenpal_deadline"] == 30.0


def test_handles_compare_and_show_as_the_answer_does() -> None:
    api = fake_api()
    with api.client() as client:
        first, second = client.workflows.run("wf_1"), client.workflows.run("wf_1")
    assert first == second
    assert repr(first).startswith("ExecutionHandle(execution_id='exec_1', status=")
    assert "requestor" not in repr(first)


def test_the_handle_carries_every_field_of_the_generated_answer() -> None:
    api = fake_api()
    with api.client() as client:
        handle = client.workflows.run("wf_1")
    answer = StartedExecution.from_dict(handle.raw)
    for field in attrs.fields(StartedExecution):
        assert getattr(handle, field.name) == getattr(answer, field.name), field.name
