"""Each documented status code of each operation parses into the documented model.

Success bodies use the wire names of openapi.yaml (`executionId`, `createdAt`, `wasStatus`, ...); every
error status parses into `ApiErrorEnvelope` with its issues and request id. Also covers date-time
parsing to aware datetimes, nullable fields, and the `includeSteps=true` per-step payload.
"""

import asyncio
import datetime
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import httpx
import pytest
from eigenpal_api import AuthenticatedClient, errors
from eigenpal_api.api.executions import cancel_execution, get_execution, list_executions
from eigenpal_api.api.workflows import get_workflow, list_workflow_versions, list_workflows, run_workflow
from eigenpal_api.models import (
    ApiErrorEnvelope,
    ApiErrorIssueSeverity,
    CancelOutcome,
    ExecutionCancellation,
    ExecutionObservability,
    ExecutionPhase,
    ExecutionStatus,
    ExecutionStep,
    ExecutionSummaryWorkflow,
    IncludeSteps,
    WorkflowVersionPage,
    ExecutionPage,
    WorkflowPage,
    StartedExecution,
    Execution,
    Workflow,
    WorkflowTriggers,
)
from eigenpal_api.types import UNSET, Response

from .test_generated_runs_responses import CALLS as RUNS_CALLS
from .test_generated_runs_responses import ERROR_CODES as RUNS_ERROR_CODES

MakeClient = Callable[[int, object], AuthenticatedClient]
Call = Callable[[AuthenticatedClient], Response[Any]]

TS = "2026-11-27T03:13:04.123Z"
TS_DT = datetime.datetime(2026, 11, 27, 3, 13, 4, 123000, tzinfo=datetime.UTC)
TS2 = "2026-11-27T05:13:09.5+02:00"
TS2_DT = datetime.datetime(2026, 11, 27, 3, 13, 9, 500000, tzinfo=datetime.UTC)

CALLS: dict[str, Call] = {
    "list_workflows": lambda c: list_workflows.sync_detailed(client=c),
    "get_workflow": lambda c: get_workflow.sync_detailed("wf_abc123", client=c),
    "list_workflow_versions": lambda c: list_workflow_versions.sync_detailed("wf_abc123", client=c),
    "run_workflow": lambda c: run_workflow.sync_detailed("extract-invoice", client=c),
    "list_executions": lambda c: list_executions.sync_detailed("wf_abc123", client=c),
    "get_execution": lambda c: get_execution.sync_detailed("exec_xyz", client=c),
    "cancel_execution": lambda c: cancel_execution.sync_detailed("exec_xyz", client=c),
}

ERROR_CODES = [400, 401, 403, 404, 429, 500]
ERROR_CASES = [(op, code) for op in CALLS for code in ERROR_CODES] + [("run_workflow", 413)]
# The runs core's operations (test_generated_runs_responses.py) share the error checks below.
CALLS.update(RUNS_CALLS)
ERROR_CASES += [(op, code) for op in RUNS_CALLS for code in RUNS_ERROR_CODES]


def _error_body(code: int) -> dict[str, object]:
    return {
        "issues": [
            {"field": "body.input", "message": f"status {code} headline", "code": "invalid_value", "severity": "error"},
            {"field": "<root>", "message": "secondary note", "code": "rate_limited", "severity": "warning"},
        ],
        "requestId": f"req_{code}",
        "hint": "Check the input names against the workflow definition.",
        "docsUrl": "https://docs.eigenpal.test/errors",
    }


@pytest.mark.parametrize(("operation", "code"), ERROR_CASES, ids=[f"{op}-{code}" for op, code in ERROR_CASES])
def test_documented_error_status_parses_into_api_error_envelope(
    make_client: MakeClient, operation: str, code: int
) -> None:
    response = CALLS[operation](make_client(code, _error_body(code)))

    assert response.status_code == HTTPStatus(code)
    assert response.headers["x-request-id"] == "req_01HZY3J6T0"
    envelope = response.parsed
    assert isinstance(envelope, ApiErrorEnvelope)
    assert envelope.request_id == f"req_{code}"
    assert envelope.hint == "Check the input names against the workflow definition."
    assert envelope.docs_url == "https://docs.eigenpal.test/errors"
    assert [(i.field, i.message, i.code, i.severity) for i in envelope.issues] == [
        ("body.input", f"status {code} headline", "invalid_value", ApiErrorIssueSeverity.ERROR),
        ("<root>", "secondary note", "rate_limited", ApiErrorIssueSeverity.WARNING),
    ]


def test_error_envelope_without_optional_fields(make_client: MakeClient) -> None:
    body = {"issues": [], "requestId": "req_min"}
    parsed = get_workflow.sync("wf_1", client=make_client(404, body))

    assert isinstance(parsed, ApiErrorEnvelope)
    assert parsed.issues == []
    assert parsed.request_id == "req_min"
    assert parsed.hint is UNSET
    assert parsed.docs_url is UNSET


@pytest.mark.parametrize("operation", list(CALLS))
def test_undocumented_status_is_none_or_raises_when_asked(make_client: MakeClient, operation: str) -> None:
    response = CALLS[operation](make_client(418, {"teapot": True}))
    assert response.status_code == HTTPStatus.IM_A_TEAPOT
    assert response.parsed is None

    strict = AuthenticatedClient(
        base_url="https://api.test",
        token="k",
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.MockTransport(lambda r: httpx.Response(418, json={"teapot": True}))},
    )
    with pytest.raises(errors.UnexpectedStatus) as excinfo:
        CALLS[operation](strict)
    assert excinfo.value.status_code == 418


def test_list_workflows_200(make_client: MakeClient) -> None:
    body = {
        "data": [
            {"id": "wf_abc123", "name": "extract-invoice", "version": "1.2.4", "createdAt": TS, "updatedAt": TS2},
            {"id": "wf_draft", "name": None, "version": None, "createdAt": TS},
        ],
        "total": 7,
        "limit": 2,
        "offset": 4,
    }
    response = list_workflows.sync_detailed(client=make_client(200, body))

    assert response.status_code == HTTPStatus.OK
    page = response.parsed
    assert isinstance(page, WorkflowPage)
    assert (page.total, page.limit, page.offset) == (7, 2, 4)
    first, draft = page.data
    assert isinstance(first, Workflow)
    assert (first.id, first.name, first.version) == ("wf_abc123", "extract-invoice", "1.2.4")
    assert first.created_at == TS_DT
    assert first.updated_at == TS2_DT
    assert isinstance(first.updated_at, datetime.datetime)
    assert first.updated_at.utcoffset() == datetime.timedelta(hours=2)
    assert draft.name is None
    assert draft.version is None
    assert draft.updated_at is UNSET


def test_get_workflow_200_reads_yaml_content_and_keeps_other_extras(make_client: MakeClient) -> None:
    body = {"id": "wf_abc123", "name": "extract-invoice", "version": "1.2.4", "createdAt": TS, "yamlContent": "a: 1",
            "apiEnabled": True, "triggers": {"api": True, "email": False, "manual": True, "cron": False},
            "isBlock": False}  # fmt: skip
    parsed = get_workflow.sync("extract-invoice", client=make_client(200, body))

    assert isinstance(parsed, Workflow)
    assert parsed.id == "wf_abc123"
    assert parsed.created_at == TS_DT
    assert parsed.created_at.tzinfo is not None
    assert parsed.created_at.utcoffset() == datetime.timedelta(0)
    assert parsed.yaml_content == "a: 1"
    assert parsed.api_enabled is True
    assert isinstance(parsed.triggers, WorkflowTriggers)
    assert (parsed.triggers.api, parsed.triggers.email) == (True, False)
    assert parsed.additional_properties == {"isBlock": False}


@pytest.mark.parametrize("triggers", [None, ["api"], "api", 3])
def test_triggers_of_another_shape_are_kept_as_sent(make_client: MakeClient, triggers: object) -> None:
    body = {"id": "wf_abc123", "createdAt": TS, "triggers": triggers}
    parsed = get_workflow.sync("extract-invoice", client=make_client(200, body))
    assert isinstance(parsed, Workflow)
    assert parsed.triggers == triggers


def test_list_workflow_versions_200(make_client: MakeClient) -> None:
    body = {
        "data": [
            {
                "id": "wfh_new",
                "workflowId": "wf_abc123",
                "version": "1.2.4",
                "yamlContent": "name: extract-invoice\nsteps: []\n",
                "isCurrent": True,
                "createdAt": TS,
            },
            {"id": "wfh_old", "workflowId": "wf_abc123", "version": None, "isCurrent": False},
        ],
        "total": 2,
        "limit": 50,
        "offset": 0,
    }
    parsed = list_workflow_versions.sync("wf_abc123", client=make_client(200, body))

    assert isinstance(parsed, WorkflowVersionPage)
    assert (parsed.total, parsed.limit, parsed.offset) == (2, 50, 0)
    new, old = parsed.data
    assert (new.id, new.workflow_id, new.version, new.is_current) == ("wfh_new", "wf_abc123", "1.2.4", True)
    assert new.yaml_content == "name: extract-invoice\nsteps: []\n"
    assert new.created_at == TS_DT
    assert (old.id, old.version, old.is_current) == ("wfh_old", None, False)
    assert old.created_at is UNSET
    assert old.yaml_content is UNSET


def test_run_workflow_201_async_run_has_only_execution_id(make_client: MakeClient) -> None:
    response = run_workflow.sync_detailed("extract-invoice", client=make_client(201, {"executionId": "exec_xyz"}))

    assert response.status_code == HTTPStatus.CREATED
    parsed = response.parsed
    assert isinstance(parsed, StartedExecution)
    assert parsed.execution_id == "exec_xyz"
    assert parsed.status is UNSET
    assert parsed.result is UNSET
    assert parsed.error is UNSET


def test_run_workflow_201_after_wait_carries_status_result_and_null_error(make_client: MakeClient) -> None:
    body = {"executionId": "exec_xyz", "status": "completed", "result": {"total": 42.5, "lines": [1, 2]}, "error": None}
    parsed = run_workflow.sync("extract-invoice", client=make_client(201, body), wait_for_completion=60)

    assert isinstance(parsed, StartedExecution)
    assert parsed.status == ExecutionStatus.COMPLETED
    assert parsed.status is ExecutionStatus.COMPLETED
    assert parsed.result == {"total": 42.5, "lines": [1, 2]}
    assert parsed.error is None


def test_run_workflow_201_failed_carries_error_message(make_client: MakeClient) -> None:
    body = {"executionId": "exec_f", "status": "failed", "error": "step extract: timeout"}
    parsed = run_workflow.sync("extract-invoice", client=make_client(201, body))

    assert isinstance(parsed, StartedExecution)
    assert parsed.status is ExecutionStatus.FAILED
    assert parsed.error == "step extract: timeout"


def test_list_executions_200(make_client: MakeClient) -> None:
    body = {
        "data": [
            {
                "id": "exec_1",
                "workflowId": "wf_abc123",
                "status": "completed",
                "triggerType": "api",
                "triggerInput": {"invoice_url": "https://files.test/a.pdf"},
                "result": {"total": 1},
                "error": None,
                "createdAt": TS,
                "startedAt": TS,
                "completedAt": TS2,
                "workflow": {"id": "wf_abc123", "name": "extract-invoice"},
            },
            {
                "id": "exec_2",
                "workflowId": "wf_gone",
                "status": "failed",
                "triggerType": None,
                "error": "boom",
                "createdAt": TS,
                "startedAt": None,
                "completedAt": None,
                "workflow": None,
            },
        ],
        "total": 2,
        "limit": 50,
        "offset": 0,
    }
    parsed = list_executions.sync("wf_abc123", client=make_client(200, body))

    assert isinstance(parsed, ExecutionPage)
    assert (parsed.total, parsed.limit, parsed.offset) == (2, 50, 0)
    done, failed = parsed.data
    assert (done.id, done.workflow_id, done.status, done.trigger_type) == (
        "exec_1",
        "wf_abc123",
        ExecutionStatus.COMPLETED,
        "api",
    )
    assert done.trigger_input == {"invoice_url": "https://files.test/a.pdf"}
    assert done.result == {"total": 1}
    assert done.error is None
    assert (done.created_at, done.started_at, done.completed_at) == (TS_DT, TS_DT, TS2_DT)
    assert isinstance(done.workflow, ExecutionSummaryWorkflow)
    assert (done.workflow.id, done.workflow.name) == ("wf_abc123", "extract-invoice")
    assert failed.status is ExecutionStatus.FAILED
    assert failed.error == "boom"
    assert failed.trigger_type is None
    assert failed.started_at is None
    assert failed.completed_at is None
    assert failed.workflow is None
    assert failed.trigger_input is UNSET
    assert failed.result is UNSET


def test_get_execution_200_minimal_status(make_client: MakeClient) -> None:
    body = {"executionId": "exec_xyz", "status": "running", "createdAt": TS, "completedAt": None, "error": None}
    parsed = get_execution.sync("exec_xyz", client=make_client(200, body))

    assert isinstance(parsed, Execution)
    assert parsed.execution_id == "exec_xyz"
    assert parsed.status is ExecutionStatus.RUNNING
    assert parsed.created_at == TS_DT
    assert parsed.completed_at is None
    assert parsed.error is None
    assert parsed.result is UNSET
    assert parsed.steps is UNSET
    assert parsed.overrides is UNSET
    assert parsed.additional_properties == {}


def test_get_execution_200_with_steps_payload(make_client: MakeClient) -> None:
    body = {
        "executionId": "exec_xyz",
        "status": "completed",
        "createdAt": TS,
        "completedAt": TS2,
        "result": {"total": 42},
        "error": None,
        "steps": [
            {
                "stepId": "extract",
                "status": "completed",
                "startedAt": TS,
                "completedAt": TS2,
                "output": {"total": 42},
                "error": None,
                "attempt": 2,
            },
            {"stepId": "notify", "status": "skipped", "startedAt": None, "completedAt": None},
        ],
        "overrides": {"steps": {"classify": {"label": "invoice"}}},
        "workflowVersionId": "wfh_xyz",
        "inputs": {"invoice_url": "https://files.test/a.pdf"},
    }
    parsed = get_execution.sync("exec_xyz", client=make_client(200, body), include_steps=IncludeSteps.TRUE)

    assert isinstance(parsed, Execution)
    assert parsed.status is ExecutionStatus.COMPLETED
    assert parsed.completed_at == TS2_DT
    assert parsed.result == {"total": 42}
    assert isinstance(parsed.steps, list)
    assert all(isinstance(s, ExecutionStep) for s in parsed.steps)
    extract, notify = parsed.steps
    assert (extract.step_id, extract.status, extract.output, extract.error) == (
        "extract",
        "completed",
        {"total": 42},
        None,
    )
    assert (extract.started_at, extract.completed_at) == (TS_DT, TS2_DT)
    assert extract.additional_properties == {"attempt": 2}
    assert (notify.step_id, notify.status, notify.started_at, notify.completed_at) == ("notify", "skipped", None, None)
    assert notify.output is UNSET
    # The per-step payload has no schema: overrides are kept as the JSON the server sent.
    assert parsed.overrides == {"steps": {"classify": {"label": "invoice"}}}
    assert parsed.raw == body
    # Keys of the per-step payload that the schema does not name stay reachable.
    assert parsed.additional_properties == {
        "workflowVersionId": "wfh_xyz",
        "inputs": {"invoice_url": "https://files.test/a.pdf"},
    }


def test_get_execution_200_with_null_overrides(make_client: MakeClient) -> None:
    body: dict[str, object] = {
        "executionId": "exec_xyz",
        "status": "pending",
        "createdAt": TS,
        "steps": [],
        "overrides": None,
    }
    parsed = get_execution.sync("exec_xyz", client=make_client(200, body))

    assert isinstance(parsed, Execution)
    assert parsed.steps == []
    assert parsed.overrides is None


@pytest.mark.parametrize(
    ("outcome", "was", "expected"),
    [
        ("cancelled", "pending", CancelOutcome.CANCELLED),
        ("cancellation-requested", "running", CancelOutcome.CANCELLATION_REQUESTED),
        ("already-terminal", "completed", CancelOutcome.ALREADY_TERMINAL),
    ],
)
def test_cancel_execution_200(make_client: MakeClient, outcome: str, was: str, expected: CancelOutcome) -> None:
    body = {"executionId": "exec_xyz", "status": outcome, "wasStatus": was}
    response = cancel_execution.sync_detailed("exec_xyz", client=make_client(200, body))

    assert response.status_code == HTTPStatus.OK
    parsed = response.parsed
    assert isinstance(parsed, ExecutionCancellation)
    assert parsed.execution_id == "exec_xyz"
    assert parsed.status is expected
    assert parsed.was_status is ExecutionStatus(was)
    assert parsed.was_status == was


def test_async_variant_parses_the_same_model(make_client: MakeClient) -> None:
    body = {"executionId": "exec_xyz", "status": "cancellation-requested", "wasStatus": "running"}
    parsed = asyncio.run(cancel_execution.asyncio("exec_xyz", client=make_client(200, body)))

    assert isinstance(parsed, ExecutionCancellation)
    assert parsed.status is CancelOutcome.CANCELLATION_REQUESTED
    assert parsed.was_status is ExecutionStatus.RUNNING


OBSERVABILITY = {
    "phases": [
        {"executionId": "exec_1", "phase": "queued", "phaseOrder": 0, "status": "completed", "startedAt": TS,
         "completedAt": TS, "message": None, "failureCode": None, "durationMs": 12},
        {"executionId": "exec_1", "phase": "collecting_outputs", "phaseOrder": 1, "status": "a-new-status"},
    ],
    "currentPhase": "running",
    "failure": {"phase": "running", "code": "x", "category": "runtime", "retryable": False, "userMessage": "m",
                "occurredAt": TS},
    "derived": True,
}  # fmt: skip


def test_get_execution_reads_observability(make_client: MakeClient) -> None:
    body = {"executionId": "exec_1", "status": "failed", "createdAt": TS, "observability": OBSERVABILITY}
    parsed = get_execution.sync("exec_1", client=make_client(200, body))
    assert isinstance(parsed, Execution)
    assert isinstance(parsed.observability, ExecutionObservability)
    phases = parsed.observability.phases
    assert phases is not None
    assert [phase.phase for phase in phases] == ["queued", "collecting_outputs"]
    assert isinstance(phases[0], ExecutionPhase)
    assert phases[0].duration_ms == 12
    assert phases[1].status == "a-new-status"
    assert parsed.observability.failure is not None
    assert parsed.observability.failure.user_message == "m"
    assert parsed.raw["observability"] == OBSERVABILITY


@pytest.mark.parametrize("observability", [None, [], "ok", {"phases": "not a list"}, {"phases": [1, 2]}])
def test_observability_of_another_shape_is_kept_as_sent(make_client: MakeClient, observability: object) -> None:
    body = {"executionId": "exec_1", "status": "running", "createdAt": TS, "observability": observability}
    parsed = get_execution.sync("exec_1", client=make_client(200, body))
    assert isinstance(parsed, Execution)
    assert parsed.observability == observability


def test_list_executions_reads_duration_ms(make_client: MakeClient) -> None:
    item = {"id": "exec_1", "workflowId": "wf_1", "status": "completed", "createdAt": TS, "durationMs": 1234.5,
            "observability": OBSERVABILITY}  # fmt: skip
    parsed = list_executions.sync("wf_1", client=make_client(200, {"data": [item], "total": 1, "limit": 50,
                                                                  "offset": 0}))  # fmt: skip
    assert isinstance(parsed, ExecutionPage)
    assert parsed.data[0].duration_ms == 1234.5
    assert isinstance(parsed.data[0].observability, ExecutionObservability)
