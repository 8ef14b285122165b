"""Tests for ``AsyncEigenpalClient``: the sync surface, awaited, on the same shared decisions.

The resource tests take ``any_client`` and run on the sync client and on the async one, from one body; so do
the waiting tests (tests/unit/test_waiting.py) and the retry tests (tests/unit/test_retries.py), which pin that
both clients make the same decisions. What is left here is the async client's own: ``async with`` and
``aclose``. The API is the shared ``FakeApi`` (tests/support.py) on simulated time.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from eigenpal_api.models import (
    ExecutionCancellation,
    ExecutionPage,
    StartedExecution,
    Workflow,
    WorkflowPage,
    WorkflowVersionPage,
)

from eigenpal_ext import (
    AsyncEigenpalClient,
    EigenpalError,
    EigenpalNotFoundError,
    is_terminal,
)
from tests.support import FakeApi, respond
from tests.unit.conftest import ClientFactory

T = TypeVar("T")
BASE_URL = "https://eigenpal.test"
API_KEY = "eg_test_key_0123456789"
EXECUTION_ID = "exec_async1"
POLL_PATH = f"/api/v1/workflows/executions/{EXECUTION_ID}"
CANCEL_PATH = f"{POLL_PATH}/cancel"
CREATED_AT = "2026-05-09T12:00:00Z"
RESULT = {"total": 99}
WORKFLOW = {"id": "wf_abc123", "name": "extract-invoice", "version": "1.2.3", "createdAt": CREATED_AT}

Action = Callable[[httpx.Request], httpx.Response]


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def execution_json(status: str, **extra: Any) -> dict[str, Any]:
    return {"executionId": EXECUTION_ID, "status": status, "createdAt": CREATED_AT, **extra}


def fake_api(**options: Any) -> FakeApi:
    """The shared ``FakeApi`` with this file's execution, result and list of executions."""
    item = {"id": EXECUTION_ID, "workflowId": "wf_abc123", "status": "failed", "createdAt": CREATED_AT}
    steps = {
        "steps": [{"stepId": "parse", "status": "completed", "output": {"pages": 3}}],
        "overrides": None,
        "traceUrl": "https://eigenpal.test/trace/1",
    }
    defaults = {
        "execution_id": EXECUTION_ID, "terminal_extra": {"result": RESULT}, "executions": [item], "with_steps": steps,
    }  # fmt: skip
    return FakeApi(**{**defaults, **options})


def async_client(api: FakeApi) -> AsyncEigenpalClient:
    return api.async_client(api_key=API_KEY, base_url=BASE_URL)


def multipart_parts(request: httpx.Request) -> dict[str, tuple[dict[str, str], bytes]]:
    """name → (part headers, exact bytes) of a multipart/form-data request."""
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    body = request.content
    assert body.endswith(b"--" + boundary + b"--\r\n")
    parts: dict[str, tuple[dict[str, str], bytes]] = {}
    for chunk in body.split(b"--" + boundary)[1:-1]:
        head, separator, data = chunk.partition(b"\r\n\r\n")
        assert separator
        assert chunk.startswith(b"\r\n")
        assert data.endswith(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode().strip().split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        name = headers["content-disposition"].split('name="', 1)[1].split('"', 1)[0]
        parts[name] = (headers, data[:-2])
    return parts


# --- workflows ------------------------------------------------------------------------------------------------


def test_workflows_list_get_and_versions(any_client: ClientFactory) -> None:
    api = fake_api()
    client = any_client(api.handler, time=api.time)
    listed = client.workflows.list(search="invoice", kind="workflow", limit=10, offset=0)
    one = client.workflows.get("extract-invoice")
    versions = client.workflows.versions("extract-invoice", limit=5, offset=5)

    assert isinstance(listed, WorkflowPage)
    assert listed.data[0].id == "wf_abc123"
    assert listed.total == 1
    assert dict(api.requests[0].url.params) == {"search": "invoice", "kind": "workflow", "limit": "10", "offset": "0"}
    assert isinstance(one, Workflow)
    assert one.name == "extract-invoice"
    assert one.created_at == datetime(2026, 5, 9, 12, 0, tzinfo=UTC)
    assert isinstance(versions, WorkflowVersionPage)
    assert versions.data[0].id == "wfh_1"
    assert versions.data[0].is_current is True
    assert dict(api.requests[2].url.params) == {"limit": "5", "offset": "5"}
    assert all(r.headers["authorization"] == f"Bearer {API_KEY}" for r in api.requests)
    assert all(r.headers["x-eigenpal-sdk"] == "eigenpal-ext" for r in api.requests)


def test_workflows_run_json(any_client: ClientFactory) -> None:
    api = fake_api()
    triggered = any_client(api.handler, time=api.time).workflows.run(
        "extract-invoice",
        input={"customer": "ACME", "pages": [1, 2]},
        version="1.2.3",
        overrides={"parse": {"text": "x"}},
        trigger="cli",
    )

    assert isinstance(triggered, StartedExecution)
    assert triggered.execution_id == EXECUTION_ID
    request = api.requests[0]
    assert request.method == "POST"
    assert request.url.path == "/api/v1/workflows/extract-invoice/run"
    assert dict(request.url.params) == {"version": "1.2.3"}
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "input": {"customer": "ACME", "pages": [1, 2]},
        "overrides": {"steps": {"parse": {"text": "x"}}},
        "trigger": "cli",
    }


def test_workflows_run_with_a_path_sends_multipart_with_the_exact_bytes(
    tmp_path: Path, any_client: ClientFactory
) -> None:
    content = bytes(range(256)) * 1000 + b"%%EOF\r\n--not-a-boundary\r\n"
    document = tmp_path / "contract.pdf"
    document.write_bytes(content)
    api = fake_api()
    triggered = any_client(api.handler, time=api.time).workflows.run(
        "extract-invoice", input={"contract_document": document, "customer": "ACME"}
    )

    assert triggered.execution_id == EXECUTION_ID
    parts = multipart_parts(api.requests[0])
    assert set(parts) == {"_json", "contract_document"}
    headers, data = parts["contract_document"]
    assert data == content
    assert 'filename="contract.pdf"' in headers["content-disposition"]
    assert headers["content-type"] == "application/pdf"
    assert json.loads(parts["_json"][1]) == {"input": {"customer": "ACME"}}
    assert int(api.requests[0].headers["content-length"]) == len(api.requests[0].content)


# --- executions ----------------------------------------------------------------------------------------------


def test_executions_get_with_and_without_steps(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=0.0)
    client = any_client(api.handler, time=api.time)
    plain = client.workflows.executions.get(EXECUTION_ID)
    detail = client.workflows.executions.get(EXECUTION_ID, include_steps=True)

    assert "includeSteps" not in api.requests[0].url.params
    assert api.requests[1].url.params["includeSteps"] == "true"
    assert plain.status == "completed"
    assert is_terminal(plain.status)
    assert isinstance(detail.steps, list)
    assert detail.steps[0].step_id == "parse"
    assert detail.steps[0].output == {"pages": 3}
    assert detail.additional_properties == {"traceUrl": "https://eigenpal.test/trace/1"}


def test_executions_list_with_statuses_and_dates(any_client: ClientFactory) -> None:
    api = fake_api()
    since = datetime(2026, 5, 1, tzinfo=UTC)
    page = any_client(api.handler, time=api.time).workflows.executions.list(
        "wf_abc123", status=["failed", "cancelled"], from_date=since, to_date="now()", limit=50
    )

    assert isinstance(page, ExecutionPage)
    assert page.data[0].id == EXECUTION_ID
    params = api.requests[0].url.params
    assert params["status"] == "failed,cancelled"
    assert params["fromDate"] == "2026-05-01T00:00:00.000Z"
    assert params["toDate"] == "now()"  # a form the API documents: the server's clock decides
    assert params["limit"] == "50"


def test_executions_cancel(any_client: ClientFactory) -> None:
    api = fake_api()
    outcome = any_client(api.handler, time=api.time).workflows.executions.cancel(EXECUTION_ID)

    assert isinstance(outcome, ExecutionCancellation)
    assert outcome.status == "cancellation-requested"
    assert outcome.was_status == "running"
    assert (api.requests[0].method, api.requests[0].url.path) == ("POST", CANCEL_PATH)


def test_a_404_is_typed_and_carries_the_execution_id(any_client: ClientFactory) -> None:
    api = fake_api(poll_script=[respond(404, json={"issues": [{"field": "executionId", "message": "gone"}]})])
    with pytest.raises(EigenpalNotFoundError) as caught:
        any_client(api.handler, time=api.time).workflows.executions.get(EXECUTION_ID)

    assert caught.value.execution_id == EXECUTION_ID
    assert caught.value.status == 404


# --- lifecycle ------------------------------------------------------------------------------------------------


def test_async_with_closes_the_pool() -> None:
    api = fake_api()
    client = async_client(api)

    async def scenario() -> None:
        async with client as entered:
            assert entered is client
            assert not client.is_closed
            await client.workflows.get("extract-invoice")

    run(scenario())

    assert client.is_closed
    assert len(api.requests) == 1


def test_aclose_closes_the_pool_and_the_client_refuses_further_requests() -> None:
    api = fake_api()
    client = async_client(api)

    async def scenario() -> None:
        await client.aclose()
        await client.workflows.get("extract-invoice")

    # httpx's own RuntimeError today; an EigenpalError would do as well, as long as it says why.
    with pytest.raises((RuntimeError, EigenpalError), match="closed"):
        run(scenario())

    assert client.is_closed
    assert api.requests == []
