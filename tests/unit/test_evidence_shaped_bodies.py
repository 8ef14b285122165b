"""Bodies shaped like the official eigenpal 0.4.12 models accept them, read through the ergonomic client.

Each row of ``ROWS`` is one response body, the operation that receives it, the 0.4.12 generated model it
follows (``eigenpal._generated.models.<Model>``: the row first proves that model accepts the body) and what
must be kept of it. Rows marked "beyond 0.4.12" go further than that evidence (a status or outcome the
0.4.12 enums do not list): the forward-compatibility cases. Every row runs through the sync client and
the async client, on an ``httpx.MockTransport`` that answers every request with the row's body.

Then the waiters on such bodies (``wait``/``run_and_wait``), the unknown-status rule, and what an error
after a body that carried an ``executionId`` says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from eigenpal._generated.models import CancelWorkflowExecutionResponse as Official040CancelResponse
from eigenpal._generated.models import ExecutionSummary as Official040ExecutionSummary
from eigenpal._generated.models import ListVersionsResponse as Official040ListVersions
from eigenpal._generated.models import ListWorkflowExecutionsResponse as Official040ListExecutions
from eigenpal._generated.models import ListWorkflowsResponse as Official040ListWorkflows
from eigenpal._generated.models import RunWorkflowResponse as Official040RunResponse
from eigenpal._generated.models import WorkflowExecutionStatusResponse as Official040StatusResponse
from eigenpal._generated.models import WorkflowSummary as Official040WorkflowSummary
from eigenpal_api.models import Execution, ExecutionStatus, ExecutionStep
from hypothesis import given, settings
from hypothesis import strategies as st

from eigenpal_ext import (
    AsyncEigenpalClient,
    EigenpalClient,
    EigenpalNotFoundError,
    EigenpalResponseError,
    EigenpalWaitTimeoutError,
    ExecutionResult,
    is_terminal,
)
from eigenpal_ext._answers import execution_status_body, parser
from tests.support import FakeTime

BASE_URL = "https://eigenpal.test"
API_KEY = "eg_test_key_0123456789"
ISO = "2026-05-09T12:00:00Z"
ISO_DT = datetime(2026, 5, 9, 12, 0, tzinfo=UTC)
RFC_1123 = "Sat, 09 May 2026 10:00:00 GMT"
RFC_DT = datetime(2026, 5, 9, 10, 0, tzinfo=UTC)
EPOCH_SECONDS = 1778320800  # 2026-05-09T10:00:00Z
EPOCH_MS = EPOCH_SECONDS * 1000


def official_get(body: dict[str, Any]) -> object:
    """0.4.12 declares get-execution's answer as oneOf(WorkflowExecutionStatusResponse, ExecutionSummary)."""
    try:
        return Official040StatusResponse.from_dict(body)
    except (KeyError, ValueError, TypeError):
        return Official040ExecutionSummary.from_dict(body)


@dataclass(frozen=True)
class Row:
    name: str
    operation: str  # a key of SYNC_CALLS / ASYNC_CALLS
    evidence: str  # the 0.4.12 model the body follows, or "beyond 0.4.12: why"
    official: Callable[[dict[str, Any]], object] | None  # that model's reader; None beyond the evidence
    body: dict[str, Any]
    check: Callable[[Any], None]


def status(**fields: Any) -> dict[str, Any]:
    return {"executionId": "exec_1", "status": "running", "createdAt": ISO, **fields}


def summary(**fields: Any) -> dict[str, Any]:
    return {"id": "exec_1", "workflowId": "wf_1", "status": "completed", "createdAt": ISO, **fields}


def page(*items: dict[str, Any]) -> dict[str, Any]:
    return {"data": list(items), "total": len(items), "limit": 50, "offset": 0}


def workflow(**fields: Any) -> dict[str, Any]:
    return {"id": "wf_1", "name": "extract-invoice", "version": "1.2.3", "createdAt": ISO, **fields}


# --- the checks (each says what must be kept of its body) -------------------------------------------------


def kept_raw(parsed: Any, body: dict[str, Any]) -> None:
    assert parsed.raw == body


def check_minimal_status(parsed: Execution) -> None:
    assert (parsed.execution_id, parsed.status, parsed.created_at) == ("exec_1", "running", ISO_DT)
    assert (parsed.completed_at, parsed.result, parsed.error, parsed.steps) == (None, None, None, None)
    assert "Unset" not in repr(parsed)


def check_terminal_with_nulls(parsed: Execution) -> None:
    assert (parsed.status, parsed.completed_at, parsed.result, parsed.error) == ("failed", None, None, None)
    assert parsed.raw["completedAt"] is None


def check_steps_objects_with_any_keys(parsed: Execution) -> None:
    assert isinstance(parsed.steps, list)
    first, second = parsed.steps
    assert isinstance(first, ExecutionStep)
    assert (first.step_id, first.status, first.additional_properties) == (None, "done", {"id": "s1", "name": "Parse"})
    assert (second.step_id, second.status, second.output) == ("s2", None, {"pages": 2})
    assert parsed.raw["steps"] == [
        {"id": "s1", "name": "Parse", "status": "done"},
        {"stepId": "s2", "output": {"pages": 2}},
    ]


def check_steps_map(parsed: Execution) -> None:
    assert parsed.steps == {"parse": {"status": "completed"}, "extract": {"status": "running"}}
    assert parsed.raw["steps"] == parsed.steps


def check_steps_strings(parsed: Execution) -> None:
    assert parsed.steps == ["parse", "extract"]
    assert parsed.to_dict()["steps"] == ["parse", "extract"]


def check_steps_mixed(parsed: Execution) -> None:
    assert parsed.steps == [{"stepId": "parse"}, "extract", 3]  # not all objects: kept exactly as sent


def check_steps_null(parsed: Execution) -> None:
    assert parsed.steps is None
    assert "steps" in parsed.raw


def check_other_per_step_keys(parsed: Execution) -> None:
    assert parsed.overrides == {"parse": {"text": "x"}}  # the flat form some documentation shows, as sent
    assert parsed.additional_properties["stepResults"] == {"parse": {"ok": True}}
    assert parsed.additional_properties["events"] == [{"at": ISO, "kind": "started"}]


def check_summary_shape(parsed: Execution) -> None:
    assert parsed.execution_id == "exec_1"  # from `id`
    assert parsed.status == "completed"
    assert parsed.additional_properties["workflowId"] == "wf_1"
    assert parsed.additional_properties["triggerType"] == "api"
    assert "executionId" not in parsed.raw


def timestamp_check(expected: datetime | None, raw: object) -> Callable[[Any], None]:
    def check(parsed: Execution) -> None:
        assert parsed.created_at == expected
        if expected is not None:
            assert expected.tzinfo is not None
        assert parsed.raw["createdAt"] == raw

    return check


def check_completed_rfc(parsed: Execution) -> None:
    assert (parsed.status, parsed.completed_at, parsed.result) == ("completed", RFC_DT, {"total": 1})


def check_unknown_status(parsed: Execution) -> None:
    assert parsed.status == "expired"
    assert isinstance(parsed.status, ExecutionStatus)
    assert not is_terminal(parsed.status)


def check_list(parsed: Any) -> None:
    first, second = parsed.data
    assert (first.id, first.status, first.created_at, first.started_at, first.completed_at) == (
        "exec_1",
        "failed",
        RFC_DT,
        None,
        None,
    )
    assert first.raw["startedAt"] == ""
    assert (first.workflow, first.trigger_type, first.trigger_input) == (None, "scheduled", {"n": 1})
    assert (second.created_at, second.workflow.name) == (datetime.fromtimestamp(EPOCH_SECONDS, UTC), "invoice")


def check_iter(parsed: Any) -> None:
    assert [item.id for item in parsed] == ["exec_1", "exec_2"]
    assert [item.created_at for item in parsed] == [None, ISO_DT]
    assert parsed[0].raw["createdAt"] == "the day before yesterday"


def check_workflows(parsed: Any) -> None:
    first, second = parsed.data
    assert (first.name, first.version, first.created_at, first.updated_at) == (None, None, RFC_DT, None)
    assert first.raw["updatedAt"] == "yesterday"
    assert second.updated_at == datetime.fromtimestamp(EPOCH_SECONDS, UTC)  # milliseconds read as such


def check_workflow(parsed: Any) -> None:
    assert (parsed.id, parsed.created_at, parsed.updated_at) == ("wf_1", None, None)
    assert parsed.raw["createdAt"] == ""


def check_versions(parsed: Any) -> None:
    first, second = parsed.data
    assert (first.id, first.created_at, first.version, first.is_current) == ("wfh_1", None, None, None)
    assert (second.created_at, second.raw["createdAt"]) == (RFC_DT, RFC_1123)


def run_check(expected_status: str | None) -> Callable[[Any], None]:
    def check(parsed: Any) -> None:
        assert parsed.execution_id == "exec_1"
        assert parsed.status == expected_status
        assert (parsed.result, parsed.error) == (None, None)

    return check


def check_run_with_result(parsed: Any) -> None:
    assert (parsed.status, parsed.result, parsed.error) == ("completed", {"total": 1}, None)


def check_cancel(parsed: Any) -> None:
    assert (parsed.execution_id, parsed.status, parsed.was_status) == ("exec_1", "cancellation-requested", "finalizing")


def check_cancel_unknown(parsed: Any) -> None:
    assert (parsed.status, parsed.was_status) == ("scheduled-for-cancel", "queued")


STATUS = "WorkflowExecutionStatusResponse"
SUMMARY = "ExecutionSummary (oneOf branch 2)"

ROWS = [
    Row("minimal status", "get", STATUS, official_get, status(), check_minimal_status),
    Row(
        "terminal with nulls",
        "get",
        STATUS,
        official_get,
        status(status="failed", completedAt=None, result=None, error=None),
        check_terminal_with_nulls,
    ),
    Row(
        "steps: objects with any keys",
        "get",
        f"{STATUS} (steps: no schema)",
        official_get,
        status(steps=[{"id": "s1", "name": "Parse", "status": "done"}, {"stepId": "s2", "output": {"pages": 2}}]),
        check_steps_objects_with_any_keys,
    ),
    Row(
        "steps: map keyed by step id",
        "get",
        f"{STATUS} (steps: no schema)",
        official_get,
        status(steps={"parse": {"status": "completed"}, "extract": {"status": "running"}}),
        check_steps_map,
    ),
    Row(
        "steps: list of strings",
        "get",
        f"{STATUS} (steps: no schema)",
        official_get,
        status(steps=["parse", "extract"]),
        check_steps_strings,
    ),
    Row(
        "steps: mixed list",
        "get",
        f"{STATUS} (steps: no schema)",
        official_get,
        status(steps=[{"stepId": "parse"}, "extract", 3]),
        check_steps_mixed,
    ),
    Row("steps: null", "get", f"{STATUS} (steps: no schema)", official_get, status(steps=None), check_steps_null),
    Row(
        "other per-step keys",
        "get",
        f"{STATUS} (per-step payload: no schema)",
        official_get,
        status(
            overrides={"parse": {"text": "x"}},
            stepResults={"parse": {"ok": True}},
            events=[{"at": ISO, "kind": "started"}],
        ),
        check_other_per_step_keys,
    ),
    Row("summary shape, no executionId", "get", SUMMARY, official_get, summary(triggerType="api"), check_summary_shape),
    Row(
        "createdAt RFC 1123",
        "get",
        f"{STATUS} (createdAt: str)",
        official_get,
        status(createdAt=RFC_1123),
        timestamp_check(RFC_DT, RFC_1123),
    ),
    Row(
        "createdAt empty",
        "get",
        f"{STATUS} (createdAt: str)",
        official_get,
        status(createdAt=""),
        timestamp_check(None, ""),
    ),
    Row(
        "createdAt epoch seconds",
        "get",
        f"{STATUS} (createdAt: str, not type-checked)",
        official_get,
        status(createdAt=EPOCH_SECONDS),
        timestamp_check(RFC_DT, EPOCH_SECONDS),
    ),
    Row(
        "createdAt epoch milliseconds",
        "get",
        f"{STATUS} (createdAt: str, not type-checked)",
        official_get,
        status(createdAt=EPOCH_MS),
        timestamp_check(RFC_DT, EPOCH_MS),
    ),
    Row(
        "createdAt null",
        "get",
        f"{STATUS} (createdAt: str, not type-checked)",
        official_get,
        status(createdAt=None),
        timestamp_check(None, None),
    ),
    Row(
        "createdAt without offset",
        "get",
        f"{STATUS} (createdAt: str)",
        official_get,
        status(createdAt="2026-05-09T12:00:00"),
        timestamp_check(ISO_DT, "2026-05-09T12:00:00"),
    ),
    Row(
        "completedAt RFC 1123",
        "get",
        f"{STATUS} (completedAt: str | None)",
        official_get,
        status(status="completed", completedAt=RFC_1123, result={"total": 1}),
        check_completed_rfc,
    ),
    Row(
        "unknown status",
        "get",
        "beyond 0.4.12: ExecutionStatus is closed there",
        None,
        status(status="expired"),
        check_unknown_status,
    ),
    Row(
        "executions page with odd timestamps",
        "list",
        "ListWorkflowExecutionsResponse / ExecutionSummary",
        Official040ListExecutions.from_dict,
        page(
            summary(
                status="failed",
                createdAt=RFC_1123,
                startedAt="",
                completedAt=None,
                workflow=None,
                triggerType="scheduled",
                triggerInput={"n": 1},
            ),
            summary(id="exec_2", createdAt=EPOCH_SECONDS, workflow={"id": "wf_1", "name": "invoice"}),
        ),
        check_list,
    ),
    Row(
        "iter over odd timestamps",
        "iter",
        "ListWorkflowExecutionsResponse / ExecutionSummary",
        Official040ListExecutions.from_dict,
        page(summary(createdAt="the day before yesterday"), summary(id="exec_2")),
        check_iter,
    ),
    Row(
        "workflows with nulls and odd timestamps",
        "workflows",
        "ListWorkflowsResponse / WorkflowSummary",
        Official040ListWorkflows.from_dict,
        page(
            workflow(name=None, version=None, createdAt=RFC_1123, updatedAt="yesterday"),
            workflow(id="wf_2", updatedAt=EPOCH_MS),
        ),
        check_workflows,
    ),
    Row(
        "workflow with empty createdAt",
        "workflow",
        "WorkflowSummary",
        Official040WorkflowSummary.from_dict,
        workflow(createdAt=""),
        check_workflow,
    ),
    Row(
        "versions without and with odd createdAt",
        "versions",
        "ListVersionsResponse / WorkflowVersion",
        Official040ListVersions.from_dict,
        page({"id": "wfh_1", "workflowId": "wf_1"}, {"id": "wfh_2", "workflowId": "wf_1", "createdAt": RFC_1123}),
        check_versions,
    ),
    Row(
        "run: id only",
        "run",
        "RunWorkflowResponse",
        Official040RunResponse.from_dict,
        {"executionId": "exec_1"},
        run_check(None),
    ),
    Row(
        "run: status null",
        "run",
        "beyond 0.4.12: status is a non-nullable enum there",
        None,
        {"executionId": "exec_1", "status": None, "result": None, "error": None},
        run_check(None),
    ),
    Row(
        "run: unknown status",
        "run",
        "beyond 0.4.12: ExecutionStatus is closed there",
        None,
        {"executionId": "exec_1", "status": "queued"},
        run_check("queued"),
    ),
    Row(
        "run: held to completion",
        "run",
        "RunWorkflowResponse",
        Official040RunResponse.from_dict,
        {"executionId": "exec_1", "status": "completed", "result": {"total": 1}},
        check_run_with_result,
    ),
    Row(
        "cancel",
        "cancel",
        "CancelWorkflowExecutionResponse",
        Official040CancelResponse.from_dict,
        {"executionId": "exec_1", "status": "cancellation-requested", "wasStatus": "finalizing"},
        check_cancel,
    ),
    Row(
        "cancel: unknown outcome and status",
        "cancel",
        "beyond 0.4.12: both enums are closed there",
        None,
        {"executionId": "exec_1", "status": "scheduled-for-cancel", "wasStatus": "queued"},
        check_cancel_unknown,
    ),
]

SyncCall = Callable[[EigenpalClient], Any]
AsyncCall = Callable[[AsyncEigenpalClient], Awaitable[Any]]

SYNC_CALLS: dict[str, SyncCall] = {
    "get": lambda client: client.workflows.executions.get("exec_1", include_steps=True),
    "list": lambda client: client.workflows.executions.list("wf_1"),
    "iter": lambda client: list(client.workflows.executions.iter("wf_1")),
    "workflows": lambda client: client.workflows.list(),
    "workflow": lambda client: client.workflows.get("wf_1"),
    "versions": lambda client: client.workflows.versions("wf_1"),
    "run": lambda client: client.workflows.run("wf_1", {"n": 1}),
    "cancel": lambda client: client.workflows.executions.cancel("exec_1"),
}


async def _async_iter(client: AsyncEigenpalClient) -> list[Any]:
    return [item async for item in client.workflows.executions.iter("wf_1")]


ASYNC_CALLS: dict[str, AsyncCall] = {
    "get": lambda client: client.workflows.executions.get("exec_1", include_steps=True),
    "list": lambda client: client.workflows.executions.list("wf_1"),
    "iter": _async_iter,
    "workflows": lambda client: client.workflows.list(),
    "workflow": lambda client: client.workflows.get("wf_1"),
    "versions": lambda client: client.workflows.versions("wf_1"),
    "run": lambda client: client.workflows.run("wf_1", {"n": 1}),
    "cancel": lambda client: client.workflows.executions.cancel("exec_1"),
}


def answer_with(body: dict[str, Any]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201 if request.url.path.endswith("/run") else 200, json=body)

    return httpx.MockTransport(handler)


def read_sync(row: Row) -> Any:
    with EigenpalClient(api_key=API_KEY, base_url=BASE_URL, transport=answer_with(row.body)) as client:
        return SYNC_CALLS[row.operation](client)


def read_async(row: Row) -> Any:
    async def scenario() -> Any:
        async with AsyncEigenpalClient(api_key=API_KEY, base_url=BASE_URL, transport=answer_with(row.body)) as client:
            return await ASYNC_CALLS[row.operation](client)

    return asyncio.run(scenario())


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_the_row_follows_its_evidence(row: Row) -> None:
    if row.official is None:
        assert row.evidence.startswith("beyond 0.4.12")
    else:
        row.official(row.body)  # the official 0.4.12 model reads this body: it is evidence-shaped


@pytest.mark.parametrize("read", [read_sync, read_async], ids=["sync", "async"])
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_the_body_parses_and_its_data_is_kept(row: Row, read: Callable[[Row], Any]) -> None:
    parsed = read(row)
    row.check(parsed)
    if row.operation not in {"iter"}:
        kept_raw(parsed, row.body)
        parsed.to_dict()  # and it can be written back out


def test_every_operation_has_rows() -> None:
    assert {row.operation for row in ROWS} == set(SYNC_CALLS) == set(ASYNC_CALLS)


# --- waiting on such bodies ------------------------------------------------------------------------------------


@dataclass
class Script:
    """Answers the run request with ``run_body`` and each poll with the next of ``polls`` (the last repeats)."""

    run_body: dict[str, Any]
    polls: list[tuple[int, dict[str, Any]]]
    poll_count: int = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/run"):
            return httpx.Response(201, json=self.run_body)
        code, body = self.polls[min(self.poll_count, len(self.polls) - 1)]
        self.poll_count += 1
        return httpx.Response(code, json=body)


def sync_client(script: Script) -> Iterator[EigenpalClient]:
    time = FakeTime()
    with EigenpalClient(
        api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(script.handler),
        sleep=time.sleep, clock=time.clock,
    ) as client:  # fmt: skip
        yield client


def waited(script: Script, *, mode: str, timeout_seconds: float = 30.0) -> ExecutionResult:
    """run_and_wait (mode 'run') or wait (mode 'wait'), on the sync client and on the async one; same result."""
    results = []
    for client in sync_client(script):
        if mode == "run":
            results.append(client.workflows.executions.run_and_wait("wf_1", {}, timeout_seconds=timeout_seconds))
        else:
            results.append(client.workflows.executions.wait("exec_1", timeout_seconds=timeout_seconds))
    script.poll_count = 0

    async def scenario() -> ExecutionResult:
        time = FakeTime()
        transport = httpx.MockTransport(script.handler)
        async with AsyncEigenpalClient(
            api_key=API_KEY, base_url=BASE_URL, transport=transport, sleep=time.async_sleep, clock=time.clock
        ) as client:
            if mode == "run":
                return await client.workflows.executions.run_and_wait("wf_1", {}, timeout_seconds=timeout_seconds)
            return await client.workflows.executions.wait("exec_1", timeout_seconds=timeout_seconds)

    results.append(asyncio.run(scenario()))
    assert results[0] == results[1]
    return results[0]


def ok(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 200, body


@pytest.mark.parametrize("run_status", [{}, {"status": None}, {"status": "queued"}, {"status": "running"}])
def test_run_and_wait_reads_any_run_answer_then_polls(run_status: dict[str, Any]) -> None:
    script = Script({"executionId": "exec_1", **run_status}, [ok(status()), ok(status(status="completed", result=1))])
    final = waited(script, mode="run")
    assert (final.execution_id, final.status, final.result) == ("exec_1", "completed", 1)


def test_waits_end_on_a_summary_shaped_body() -> None:
    script = Script({"executionId": "exec_1"}, [ok(summary(status="failed", error="bad PDF"))])
    for mode in ("run", "wait"):
        final = waited(script, mode=mode)
        assert (final.execution_id, final.status, final.error) == ("exec_1", "failed", "bad PDF")


@pytest.mark.parametrize(
    ("created", "completed", "created_at", "completed_at"),
    [
        (RFC_1123, RFC_1123, RFC_DT, RFC_DT),
        ("", "", None, None),
        (EPOCH_SECONDS, EPOCH_MS, RFC_DT, RFC_DT),
        (None, None, None, None),
    ],
)
def test_waits_never_raise_on_timestamps(
    created: object, completed: object, created_at: Any, completed_at: Any
) -> None:
    body = status(status="completed", createdAt=created, completedAt=completed, result={"total": 1})
    final = waited(Script({"executionId": "exec_1"}, [ok(body)]), mode="run")
    assert (final.created_at, final.completed_at, final.result) == (created_at, completed_at, {"total": 1})
    assert final.execution is not None
    assert (final.execution.raw["createdAt"], final.execution.raw["completedAt"]) == (created, completed)


@pytest.mark.parametrize("completed_at", [ISO, RFC_1123, "not a time"])
def test_an_unknown_status_with_completed_at_ends_the_wait(completed_at: str) -> None:
    script = Script({"executionId": "exec_1"}, [ok(status(status="expired", completedAt=completed_at))])
    final = waited(script, mode="wait")
    assert final.status == "expired"
    assert script.poll_count == 1  # the first poll ended it, no spinning until the timeout


@pytest.mark.parametrize("completed_at", [None, ""])
def test_an_unknown_status_without_completed_at_is_not_terminal(completed_at: str | None) -> None:
    script = Script({"executionId": "exec_1"}, [ok(status(status="expired", completedAt=completed_at))])
    with pytest.raises(EigenpalWaitTimeoutError) as info:
        waited(script, mode="wait", timeout_seconds=5.0)
    assert info.value.execution_id == "exec_1"
    assert info.value.last_status == "expired"


def test_a_known_running_status_with_completed_at_keeps_waiting() -> None:
    polls = [ok(status(completedAt=ISO)), ok(status(status="completed", completedAt=ISO))]
    script = Script({"executionId": "exec_1"}, polls)
    assert waited(script, mode="wait").status == "completed"


def test_an_error_after_a_run_answer_with_an_id_names_it() -> None:
    missing = (404, {"issues": [{"field": "<root>", "message": "gone", "code": "not_found"}]})
    script = Script({"executionId": "exec_1", "status": None}, [missing])
    for client in sync_client(script):
        with pytest.raises(EigenpalNotFoundError) as info:
            client.workflows.executions.run_and_wait("wf_1", {}, timeout_seconds=30)
    assert info.value.execution_id == "exec_1"


def test_an_unusable_poll_answer_names_the_execution() -> None:
    script = Script({"executionId": "exec_1"}, [ok({"status": "running"})])  # neither executionId nor id
    for client in sync_client(script):
        with pytest.raises(EigenpalResponseError) as info:
            client.workflows.executions.run_and_wait("wf_1", {}, timeout_seconds=30)
    assert info.value.execution_id == "exec_1"


@pytest.mark.parametrize("execution_id", [123, "", None])
def test_a_run_answer_without_a_usable_id_says_how_to_find_the_execution(execution_id: object) -> None:
    with (
        EigenpalClient(
            api_key=API_KEY, base_url=BASE_URL, transport=answer_with({"executionId": execution_id})
        ) as client,
        pytest.raises(EigenpalResponseError) as info,
    ):
        client.workflows.run("wf_1", {})
    assert info.value.execution_id is None
    assert "executions.list('wf_1'" in str(info.value)


def test_optional_fields_read_as_none_under_mypy() -> None:
    """mypy --strict checks this test: without the `| None` typing these assignments would not type-check."""
    with EigenpalClient(api_key=API_KEY, base_url=BASE_URL, transport=answer_with(status())) as client:
        execution = client.workflows.executions.get("exec_1")
    completed: datetime | None = execution.completed_at
    error: str | None = execution.error
    created: datetime | None = execution.created_at
    assert (completed, error, created) == (None, None, ISO_DT)
    assert "Unset" not in repr(execution)


# --- any JSON where the evidence leaves the shape open never raises ---------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from([ISO, RFC_1123, "", "2026-05-09", "0", "9999-12-31T23:59:59+14:00"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@settings(derandomize=True, deadline=None, max_examples=300)
@given(
    created=JSON_VALUES,
    completed=JSON_VALUES,
    steps=JSON_VALUES,
    overrides=JSON_VALUES,
    status_text=st.text(max_size=20),
    summary_shape=st.booleans(),
)
def test_property_open_fields_never_raise(
    created: Any, completed: Any, steps: Any, overrides: Any, status_text: str, summary_shape: bool
) -> None:
    key = "id" if summary_shape else "executionId"
    body = {key: "exec_1", "status": status_text, "createdAt": created, "completedAt": completed}
    body.update(steps=steps, overrides=overrides)
    parse = parser(Execution, reader=execution_status_body)

    parsed = parse(httpx.Response(200, json=body))

    assert parsed.execution_id == "exec_1"
    assert parsed.status == status_text
    assert parsed.raw == body
    for moment in (parsed.created_at, parsed.completed_at):
        assert moment is None or moment.tzinfo is not None
    if not isinstance(steps, list) or not all(isinstance(item, dict) for item in steps):
        assert parsed.steps == steps
    assert parsed.overrides == overrides
    parsed.to_dict()
