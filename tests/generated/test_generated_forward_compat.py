"""Forward compatibility: fields and enum values a newer server sends do not break the generated models.

Unknown object keys stay reachable in `.additional_properties` (also nested inside lists and sub-objects);
unknown enum values become an `UNKNOWN` pseudo-member (custom template scripts/templates/str_enum.py.jinja)
that equals the received string, matches no known member, and round-trips through `to_dict()` unchanged.
"""

from collections.abc import Callable
from typing import Any

import pytest
from eigenpal_api import AuthenticatedClient
from eigenpal_api.api.executions import cancel_execution, get_execution, list_executions
from eigenpal_api.api.workflows import get_workflow, list_workflow_versions, list_workflows, run_workflow
from eigenpal_api.models import (
    ApiErrorEnvelope,
    ApiErrorIssueSeverity,
    CancelOutcome,
    ExecutionCancellation,
    ExecutionStatus,
    ExecutionSummaryWorkflow,
    WorkflowVersionPage,
    ExecutionPage,
    WorkflowPage,
    StartedExecution,
    Execution,
    Workflow,
)

MakeClient = Callable[[int, object], AuthenticatedClient]
ParseCall = Callable[[AuthenticatedClient], object]

TS = "2026-11-27T03:13:04.123Z"
EXTRA: dict[str, object] = {"futureField": {"nested": [1, "two", None]}, "schemaVersion": 3}
TERMINAL_STRINGS = {"completed", "failed", "cancelled", "rejected"}
TERMINAL = {ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED, ExecutionStatus.REJECTED}


def _with_extra(obj: dict[str, object]) -> dict[str, object]:
    return {**obj, **EXTRA}


WORKFLOW: dict[str, object] = {"id": "wf_1", "name": "extract-invoice", "version": "1.0.0", "createdAt": TS}
VERSION: dict[str, object] = {"id": "wfh_1", "workflowId": "wf_1", "version": "1.0.0"}
SUMMARY: dict[str, object] = {"id": "exec_1", "workflowId": "wf_1", "status": "completed", "createdAt": TS}
STEP: dict[str, object] = {"stepId": "extract", "status": "completed"}
ISSUE: dict[str, object] = {"field": "<root>", "message": "m", "code": "c", "severity": "error"}
PAGE: dict[str, object] = {"total": 1, "limit": 50, "offset": 0}

# (id, HTTP status, top-level body with unknown keys, call returning the parsed model, expected type)
TOP_LEVEL: list[tuple[str, int, dict[str, object], ParseCall, type[Any]]] = [
    (
        "list_workflows",
        200,
        _with_extra({"data": [WORKFLOW], **PAGE}),
        lambda c: list_workflows.sync(client=c),
        WorkflowPage,
    ),
    ("get_workflow", 200, _with_extra(WORKFLOW), lambda c: get_workflow.sync("wf_1", client=c), Workflow),
    (
        "list_workflow_versions",
        200,
        _with_extra({"data": [VERSION], **PAGE}),
        lambda c: list_workflow_versions.sync("wf_1", client=c),
        WorkflowVersionPage,
    ),
    (
        "run_workflow",
        201,
        _with_extra({"executionId": "exec_1"}),
        lambda c: run_workflow.sync("wf_1", client=c),
        StartedExecution,
    ),
    (
        "list_executions",
        200,
        _with_extra({"data": [SUMMARY], **PAGE}),
        lambda c: list_executions.sync("wf_1", client=c),
        ExecutionPage,
    ),
    (
        "get_execution",
        200,
        _with_extra({"executionId": "exec_1", "status": "running", "createdAt": TS}),
        lambda c: get_execution.sync("exec_1", client=c),
        Execution,
    ),
    (
        "cancel_execution",
        200,
        _with_extra({"executionId": "exec_1", "status": "cancelled", "wasStatus": "pending"}),
        lambda c: cancel_execution.sync("exec_1", client=c),
        ExecutionCancellation,
    ),
    (
        "error_envelope",
        404,
        _with_extra({"issues": [ISSUE], "requestId": "req_1"}),
        lambda c: get_workflow.sync("wf_1", client=c),
        ApiErrorEnvelope,
    ),
]


@pytest.mark.parametrize(("name", "status", "body", "call", "model"), TOP_LEVEL, ids=[case[0] for case in TOP_LEVEL])
def test_unknown_top_level_fields_are_kept(
    make_client: MakeClient, name: str, status: int, body: dict[str, object], call: ParseCall, model: type[Any]
) -> None:
    parsed: Any = call(make_client(status, body))

    assert isinstance(parsed, model)
    assert parsed.additional_properties == EXTRA
    assert parsed.additional_properties["futureField"] == {"nested": [1, "two", None]}
    assert "schemaVersion" in parsed.additional_keys
    # ...and they are written back by to_dict(), so a parse/serialise cycle loses nothing.
    assert parsed.to_dict()["futureField"] == {"nested": [1, "two", None]}


def test_unknown_fields_nested_in_list_items_and_sub_objects_are_kept(make_client: MakeClient) -> None:
    body = {
        "data": [_with_extra({**SUMMARY, "workflow": _with_extra({"id": "wf_1", "name": "extract-invoice"})})],
        **PAGE,
    }
    parsed = list_executions.sync("wf_1", client=make_client(200, body))

    assert isinstance(parsed, ExecutionPage)
    assert parsed.additional_properties == {}
    item = parsed.data[0]
    assert item.additional_properties == EXTRA
    assert isinstance(item.workflow, ExecutionSummaryWorkflow)
    assert item.workflow.additional_properties == EXTRA
    assert parsed.to_dict()["data"][0]["workflow"]["futureField"] == {"nested": [1, "two", None]}


@pytest.mark.parametrize(
    ("name", "status", "body", "call", "path"),
    [
        (
            "workflow_in_list",
            200,
            {"data": [_with_extra(WORKFLOW)], **PAGE},
            lambda c: list_workflows.sync(client=c),
            "data",
        ),
        (
            "version_in_list",
            200,
            {"data": [_with_extra(VERSION)], **PAGE},
            lambda c: list_workflow_versions.sync("wf_1", client=c),
            "data",
        ),
        (
            "step_in_steps",
            200,
            {"executionId": "exec_1", "status": "completed", "createdAt": TS, "steps": [_with_extra(STEP)]},
            lambda c: get_execution.sync("exec_1", client=c),
            "steps",
        ),
        (
            "issue_in_issues",
            400,
            {"issues": [_with_extra(ISSUE)], "requestId": "req_1"},
            lambda c: get_execution.sync("exec_1", client=c),
            "issues",
        ),
    ],
)
def test_unknown_fields_in_nested_list_items_are_kept(
    make_client: MakeClient, name: str, status: int, body: dict[str, object], call: ParseCall, path: str
) -> None:
    parsed: Any = call(make_client(status, body))

    items = getattr(parsed, path)
    assert len(items) == 1
    assert items[0].additional_properties == EXTRA
    assert parsed.additional_properties == {}


def test_unknown_execution_status_is_kept_and_non_terminal() -> None:
    queued = ExecutionStatus("queued")

    assert isinstance(queued, ExecutionStatus)
    assert queued == "queued"
    assert queued.value == "queued"
    assert str(queued) == "queued"
    assert queued.name == "UNKNOWN"
    assert all(queued != member for member in ExecutionStatus)
    assert queued not in TERMINAL_STRINGS
    assert queued not in TERMINAL
    assert queued in {"queued"}
    assert len(ExecutionStatus) == 9  # the pseudo-member is not added to the enum


def test_known_statuses_still_compare_equal_to_their_strings() -> None:
    completed: str = "completed"  # typed `str` so mypy does not treat the comparison as Literal vs Literal
    requested: str = "cancellation-requested"
    assert completed == ExecutionStatus.COMPLETED
    assert "completed" in {ExecutionStatus.COMPLETED}
    assert ExecutionStatus.COMPLETED in TERMINAL_STRINGS
    assert ExecutionStatus("completed") is ExecutionStatus.COMPLETED
    assert ExecutionStatus.RUNNING not in TERMINAL_STRINGS
    assert requested == CancelOutcome.CANCELLATION_REQUESTED
    assert "already-terminal" in {CancelOutcome.ALREADY_TERMINAL}


def test_unknown_status_in_get_execution_round_trips(make_client: MakeClient) -> None:
    body = {"executionId": "exec_1", "status": "queued", "createdAt": TS}
    parsed = get_execution.sync("exec_1", client=make_client(200, body))

    assert isinstance(parsed, Execution)
    assert isinstance(parsed.status, ExecutionStatus)
    assert parsed.status == "queued"
    assert parsed.status not in TERMINAL_STRINGS
    assert all(parsed.status != member for member in ExecutionStatus)
    assert parsed.to_dict()["status"] == "queued"
    assert Execution.from_dict(parsed.to_dict()).status == "queued"


def test_unknown_status_in_listed_execution_and_run_response(make_client: MakeClient) -> None:
    listed = list_executions.sync(
        "wf_1", client=make_client(200, {"data": [{**SUMMARY, "status": "paused-for-review"}], **PAGE})
    )
    run = run_workflow.sync("wf_1", client=make_client(201, {"executionId": "exec_1", "status": "queued"}))

    assert isinstance(listed, ExecutionPage)
    assert listed.data[0].status == "paused-for-review"
    assert listed.to_dict()["data"][0]["status"] == "paused-for-review"
    assert isinstance(run, StartedExecution)
    assert run.status == "queued"
    assert run.to_dict() == {"executionId": "exec_1", "status": "queued"}


def test_unknown_cancel_outcome_and_was_status_round_trip(make_client: MakeClient) -> None:
    body = {"executionId": "exec_1", "status": "cancel-scheduled", "wasStatus": "queued"}
    parsed = cancel_execution.sync("exec_1", client=make_client(200, body))

    assert isinstance(parsed, ExecutionCancellation)
    assert isinstance(parsed.status, CancelOutcome)
    assert parsed.status == "cancel-scheduled"
    assert parsed.status.name == "UNKNOWN"
    assert all(parsed.status != member for member in CancelOutcome)
    assert parsed.status not in {"cancelled", "cancellation-requested", "already-terminal"}
    assert parsed.was_status == "queued"
    assert parsed.was_status not in TERMINAL_STRINGS
    assert parsed.to_dict() == body


def test_unknown_issue_severity_parses(make_client: MakeClient) -> None:
    body = {"issues": [{**ISSUE, "severity": "info"}], "requestId": "req_1"}
    parsed = get_workflow.sync("wf_1", client=make_client(400, body))

    assert isinstance(parsed, ApiErrorEnvelope)
    assert parsed.issues[0].severity == "info"
    assert all(parsed.issues[0].severity != member for member in ApiErrorIssueSeverity)
    assert parsed.to_dict()["issues"][0]["severity"] == "info"


def test_non_string_enum_value_is_still_rejected() -> None:
    with pytest.raises(ValueError, match="is not a valid ExecutionStatus"):
        ExecutionStatus(5)  # type: ignore[arg-type]
