"""What each of the seven generated v1 operations puts on the wire: method, path, query, headers and body.

The method/path/query/token check and the no-body check also run over the runs core's operations (their
table and their own checks are in test_generated_runs_requests.py).

Every assertion is made on the `httpx.Request` captured by the mock transport, so these tests pin the
wire contract of openapi.yaml (paths under `/api/v1`, the snake_case `wait_for_completion`, camelCase
`fromDate`/`toDate`/`exampleId`/`includeSteps`, the comma-separated `status`) rather than the Python API.
"""

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest
from eigenpal_api import AuthenticatedClient
from eigenpal_api.api.executions import cancel_execution, get_execution, list_executions
from eigenpal_api.api.workflows import get_workflow, list_workflow_versions, list_workflows, run_workflow
from eigenpal_api.models import (
    IncludeSteps,
    RunOverrides,
    RunOverridesSteps,
    RunTrigger,
    RunWorkflowBody,
    RunWorkflowBodyInput,
    WorkflowKind,
)
from eigenpal_api.types import UNSET, Response

from .test_generated_runs_requests import OPERATIONS as RUNS_OPERATIONS
from .test_generated_runs_requests import WITH_BODY as RUNS_WITH_BODY

MakeClient = Callable[[int, object], AuthenticatedClient]
Call = Callable[[AuthenticatedClient], Response[Any]]
AsyncCall = Callable[[AuthenticatedClient], Coroutine[Any, Any, Response[Any]]]

ANY_BODY: dict[str, object] = {"issues": [], "requestId": "req_x"}


def _run_body() -> RunWorkflowBody:
    return RunWorkflowBody(
        input_=RunWorkflowBodyInput.from_dict(
            {"invoice_url": "https://files.test/inv-7.pdf", "amount": 12.5, "tags": ["q4", "eu"], "rush": True}
        ),
        overrides=RunOverrides(steps=RunOverridesSteps.from_dict({"extract": {"total": 42, "currency": "EUR"}})),
        trigger=RunTrigger.API,
    )


# (id, sync call, async call, method, raw path, query items in wire order)
OPERATIONS: list[tuple[str, Call, AsyncCall, str, bytes, list[tuple[str, str]]]] = [
    (
        "list_workflows",
        lambda c: list_workflows.sync_detailed(
            client=c, search="inv", name="extract-invoice", kind=WorkflowKind.BLOCK, limit=10, offset=20
        ),
        lambda c: list_workflows.asyncio_detailed(
            client=c, search="inv", name="extract-invoice", kind=WorkflowKind.BLOCK, limit=10, offset=20
        ),
        "GET",
        b"/api/v1/workflows",
        [("search", "inv"), ("name", "extract-invoice"), ("kind", "block"), ("limit", "10"), ("offset", "20")],
    ),
    (
        "get_workflow",
        lambda c: get_workflow.sync_detailed("wf_abc123", client=c),
        lambda c: get_workflow.asyncio_detailed("wf_abc123", client=c),
        "GET",
        b"/api/v1/workflows/wf_abc123",
        [],
    ),
    (
        "list_workflow_versions",
        lambda c: list_workflow_versions.sync_detailed("wf_abc123", client=c, limit=5, offset=10),
        lambda c: list_workflow_versions.asyncio_detailed("wf_abc123", client=c, limit=5, offset=10),
        "GET",
        b"/api/v1/workflows/wf_abc123/versions",
        [("limit", "5"), ("offset", "10")],
    ),
    (
        "run_workflow",
        lambda c: run_workflow.sync_detailed(
            "extract-invoice", client=c, body=_run_body(), version="1.2.3", wait_for_completion=30
        ),
        lambda c: run_workflow.asyncio_detailed(
            "extract-invoice", client=c, body=_run_body(), version="1.2.3", wait_for_completion=30
        ),
        "POST",
        b"/api/v1/workflows/extract-invoice/run",
        [("version", "1.2.3"), ("wait_for_completion", "30")],
    ),
    (
        "list_executions",
        lambda c: list_executions.sync_detailed(
            "wf_abc123",
            client=c,
            status="failed,cancelled",
            from_date="now()-7d",
            to_date="2026-11-27T03:13:04.123Z",
            example_id="ex_42",
            limit=25,
            offset=50,
        ),
        lambda c: list_executions.asyncio_detailed(
            "wf_abc123",
            client=c,
            status="failed,cancelled",
            from_date="now()-7d",
            to_date="2026-11-27T03:13:04.123Z",
            example_id="ex_42",
            limit=25,
            offset=50,
        ),
        "GET",
        b"/api/v1/workflows/wf_abc123/executions",
        [
            ("status", "failed,cancelled"),
            ("fromDate", "now()-7d"),
            ("toDate", "2026-11-27T03:13:04.123Z"),
            ("exampleId", "ex_42"),
            ("limit", "25"),
            ("offset", "50"),
        ],
    ),
    (
        "get_execution",
        lambda c: get_execution.sync_detailed("exec_xyz", client=c, include_steps=IncludeSteps.TRUE),
        lambda c: get_execution.asyncio_detailed("exec_xyz", client=c, include_steps=IncludeSteps.TRUE),
        "GET",
        b"/api/v1/workflows/executions/exec_xyz",
        [("includeSteps", "true")],
    ),
    (
        "cancel_execution",
        lambda c: cancel_execution.sync_detailed("exec_xyz", client=c),
        lambda c: cancel_execution.asyncio_detailed("exec_xyz", client=c),
        "POST",
        b"/api/v1/workflows/executions/exec_xyz/cancel",
        [],
    ),
]

OPERATION_IDS = [op[0] for op in OPERATIONS]
# With the runs core's operations (test_generated_runs_requests.py), for the checks every operation shares.
EVERY_OPERATION = OPERATIONS + RUNS_OPERATIONS
WITHOUT_BODY = [(op[0], op[1]) for op in EVERY_OPERATION if op[0] not in {"run_workflow", *RUNS_WITH_BODY}]


def _only(captured: list[httpx.Request]) -> httpx.Request:
    assert len(captured) == 1, f"expected exactly one request, got {len(captured)}"
    return captured[0]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("name", "call", "acall", "method", "raw_path", "query"),
    EVERY_OPERATION,
    ids=[op[0] for op in EVERY_OPERATION],
)
def test_operation_sends_method_path_query_and_bearer_token(
    make_client: MakeClient,
    captured: list[httpx.Request],
    api_token: str,
    mode: str,
    name: str,
    call: Call,
    acall: AsyncCall,
    method: str,
    raw_path: bytes,
    query: list[tuple[str, str]],
) -> None:
    client = make_client(404, ANY_BODY)
    if mode == "sync":
        call(client)
    else:
        asyncio.run(acall(client))

    request = _only(captured)
    assert request.method == method
    assert request.url.scheme == "https"
    assert request.url.host == "api.test"
    assert request.url.raw_path.split(b"?")[0] == raw_path
    assert request.url.path == raw_path.decode()
    assert request.url.fragment == ""
    assert list(request.url.params.multi_items()) == query
    assert request.headers["Authorization"] == f"Bearer {api_token}"


def test_list_executions_sends_status_as_one_comma_separated_parameter(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    list_executions.sync_detailed("wf_1", client=make_client(404, ANY_BODY), status="failed,cancelled,rejected")

    params = _only(captured).url.params
    assert params.get_list("status") == ["failed,cancelled,rejected"]
    assert params.get("status", "").split(",") == ["failed", "cancelled", "rejected"]


def test_list_executions_date_and_example_filters_use_camel_case_wire_names(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    list_executions.sync_detailed(
        "wf_1", client=make_client(404, ANY_BODY), from_date="now()-1d12h", to_date="now()", example_id="ex_9"
    )

    params = _only(captured).url.params
    assert params["fromDate"] == "now()-1d12h"
    assert params["toDate"] == "now()"
    assert params["exampleId"] == "ex_9"
    for snake in ("from_date", "to_date", "example_id"):
        assert snake not in params


def test_get_execution_include_steps_false_and_omitted(make_client: MakeClient, captured: list[httpx.Request]) -> None:
    client = make_client(404, ANY_BODY)
    get_execution.sync_detailed("exec_1", client=client, include_steps=IncludeSteps.FALSE)
    get_execution.sync_detailed("exec_1", client=client)

    assert len(captured) == 2
    assert list(captured[0].url.params.multi_items()) == [("includeSteps", "false")]
    assert list(captured[1].url.params.multi_items()) == []
    assert "include_steps" not in captured[0].url.params


def test_run_json_body_has_input_overrides_steps_and_trigger(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    run_workflow.sync_detailed("extract-invoice", client=make_client(404, ANY_BODY), body=_run_body())

    request = _only(captured)
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "input": {"invoice_url": "https://files.test/inv-7.pdf", "amount": 12.5, "tags": ["q4", "eu"], "rush": True},
        "overrides": {"steps": {"extract": {"total": 42, "currency": "EUR"}}},
        "trigger": "api",
    }
    assert int(request.headers["Content-Length"]) == len(request.content)


def test_run_json_body_with_only_some_fields_omits_the_others(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    # An optional field left at None is left out of the body (the API reads absent and null alike).
    body = RunWorkflowBody(input_=RunWorkflowBodyInput.from_dict({"n": 1}), overrides=None, trigger=RunTrigger.CLI)
    run_workflow.sync_detailed("wf_1", client=make_client(404, ANY_BODY), body=body)

    assert json.loads(_only(captured).content) == {"input": {"n": 1}, "trigger": "cli"}


def test_run_without_body_sends_no_content_and_no_json_content_type(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    run_workflow.sync_detailed("wf_1", client=make_client(404, ANY_BODY))

    request = _only(captured)
    assert request.method == "POST"
    assert request.content == b""
    assert "Content-Type" not in request.headers
    assert list(request.url.params.multi_items()) == []


def test_run_wait_for_completion_uses_the_snake_case_wire_name(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    run_workflow.sync_detailed("wf_1", client=make_client(404, ANY_BODY), wait_for_completion=60)

    request = _only(captured)
    assert list(request.url.params.multi_items()) == [("wait_for_completion", "60")]
    assert b"wait_for_completion=60" in request.url.query
    assert "waitForCompletion" not in request.url.params


def test_run_wait_for_completion_zero_is_sent_not_dropped(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    run_workflow.sync_detailed("wf_1", client=make_client(404, ANY_BODY), wait_for_completion=0)

    assert list(_only(captured).url.params.multi_items()) == [("wait_for_completion", "0")]


LIST_DEFAULT_CALLS: list[tuple[str, Call]] = [
    ("list_workflows", lambda c: list_workflows.sync_detailed(client=c)),
    ("list_workflow_versions", lambda c: list_workflow_versions.sync_detailed("wf_1", client=c)),
    ("list_executions", lambda c: list_executions.sync_detailed("wf_1", client=c)),
]


@pytest.mark.parametrize(("name", "call"), LIST_DEFAULT_CALLS, ids=[c[0] for c in LIST_DEFAULT_CALLS])
def test_list_operations_send_the_schema_default_limit_of_50(
    make_client: MakeClient, captured: list[httpx.Request], name: str, call: Call
) -> None:
    call(make_client(404, ANY_BODY))

    # The generator turns the schema default into the Python default, so `limit=50` is always sent;
    # `offset` has no default and is left out.
    assert list(_only(captured).url.params.multi_items()) == [("limit", "50")]


UNSET_LIMIT_CALLS: list[tuple[str, Call]] = [
    ("list_workflows", lambda c: list_workflows.sync_detailed(client=c, limit=UNSET, offset=0)),
    ("list_workflow_versions", lambda c: list_workflow_versions.sync_detailed("wf_1", client=c, limit=UNSET, offset=0)),
    ("list_executions", lambda c: list_executions.sync_detailed("wf_1", client=c, limit=UNSET, offset=0)),
]


@pytest.mark.parametrize(("name", "call"), UNSET_LIMIT_CALLS, ids=[c[0] for c in UNSET_LIMIT_CALLS])
def test_list_operations_omit_limit_when_explicitly_unset(
    make_client: MakeClient, captured: list[httpx.Request], name: str, call: Call
) -> None:
    call(make_client(404, ANY_BODY))

    assert list(_only(captured).url.params.multi_items()) == [("offset", "0")]


@pytest.mark.parametrize(("name", "call"), WITHOUT_BODY, ids=[name for name, _ in WITHOUT_BODY])
def test_operations_without_request_body_send_no_content(
    make_client: MakeClient, captured: list[httpx.Request], name: str, call: Call
) -> None:
    call(make_client(404, ANY_BODY))

    request = _only(captured)
    assert request.content == b""
    assert "Content-Type" not in request.headers
