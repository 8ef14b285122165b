"""Tests for ``AsyncEigenpalClient``: the sync surface, awaited, on the same shared decisions.

The resource tests take ``any_client`` and run on the sync client and on the async one, from one body.

Each test drives the client with ``asyncio.run`` (no pytest-asyncio). The API is a fake behind
``httpx.MockTransport`` (which serves async clients too); time is simulated through the client's
``clock=``/``sleep=`` arguments (an ``async def`` sleep here), so nothing sleeps for real. The waiting scenarios run on
both clients and must produce the same sleeps and the same requests: sync and async share the schedule.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
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
    EigenpalClient,
    EigenpalError,
    EigenpalNotFoundError,
    EigenpalWaitTimeoutError,
    ExecutionResult,
    is_terminal,
)
from tests.support import FakeTime, raise_, respond
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


@dataclass
class FakeApi:
    """All seven operations; the execution runs for ``finishes_after`` fake seconds after its run request."""

    time: FakeTime = field(default_factory=FakeTime)
    finishes_after: float | None = 3.0
    latency: float = 0.0
    poll_script: list[Action | None] = field(default_factory=list)
    started_at: float = 0.0
    requests: list[httpx.Request] = field(default_factory=list)
    request_times: list[float] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.request_times.append(self.time.now)
        try:
            return self._route(request)
        finally:
            self.time.now += self.latency

    def _route(self, request: httpx.Request) -> httpx.Response:
        version = {"id": "wfh_1", "workflowId": "wf_abc123", "version": "1.2.3", "isCurrent": True}
        item = {"id": EXECUTION_ID, "workflowId": "wf_abc123", "status": "failed", "createdAt": CREATED_AT}
        cancelled = {"executionId": EXECUTION_ID, "status": "cancellation-requested", "wasStatus": "running"}
        routes: dict[tuple[str, str], Callable[[], httpx.Response]] = {
            ("GET", "/api/v1/workflows"): lambda: httpx.Response(
                200, json={"data": [WORKFLOW], "total": 1, "limit": 10, "offset": 0}
            ),
            ("GET", "/api/v1/workflows/extract-invoice"): lambda: httpx.Response(200, json=WORKFLOW),
            ("GET", "/api/v1/workflows/extract-invoice/versions"): lambda: httpx.Response(
                200, json={"data": [version], "total": 1, "limit": 5, "offset": 0}
            ),
            ("POST", "/api/v1/workflows/extract-invoice/run"): self._run,
            ("GET", "/api/v1/workflows/wf_abc123/executions"): lambda: httpx.Response(
                200, json={"data": [item], "total": 1, "limit": 50, "offset": 0}
            ),
            ("POST", CANCEL_PATH): lambda: httpx.Response(200, json=cancelled),
            ("GET", POLL_PATH): lambda: self._poll(request),
        }
        route = routes.get((request.method, request.url.path))
        if route is None:
            issue = {"field": "<root>", "message": f"no route {request.method} {request.url.path}"}
            return httpx.Response(404, json={"issues": [issue]})
        return route()

    def _run(self) -> httpx.Response:
        self.started_at = self.time.now
        return httpx.Response(201, json={"executionId": EXECUTION_ID})

    def _poll(self, request: httpx.Request) -> httpx.Response:
        index = len(self.polls) - 1
        if index < len(self.poll_script) and (action := self.poll_script[index]) is not None:
            return action(request)
        elapsed = self.time.now - self.started_at
        done = self.finishes_after is not None and elapsed >= self.finishes_after
        body = execution_json("completed", result=RESULT) if done else execution_json("running")
        if request.url.params.get("includeSteps") == "true":
            body["steps"] = [{"stepId": "parse", "status": "completed", "output": {"pages": 3}}]
            body["overrides"] = None
            body["traceUrl"] = "https://eigenpal.test/trace/1"
        return httpx.Response(200, json=body)

    @property
    def polls(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "GET" and r.url.path == POLL_PATH]


def async_client(api: FakeApi, **kwargs: Any) -> AsyncEigenpalClient:
    client = AsyncEigenpalClient(
        api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(api.handler),
        clock=api.time.clock, sleep=api.time.async_sleep, **kwargs,
    )  # fmt: skip
    return client


def sync_client(api: FakeApi, **kwargs: Any) -> EigenpalClient:
    client = EigenpalClient(
        api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(api.handler),
        clock=api.time.clock, sleep=api.time.sleep, **kwargs,
    )  # fmt: skip
    return client


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
    api = FakeApi()
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
    api = FakeApi()
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
    api = FakeApi()
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
    api = FakeApi(finishes_after=0.0)
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
    api = FakeApi()
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
    api = FakeApi()
    outcome = any_client(api.handler, time=api.time).workflows.executions.cancel(EXECUTION_ID)

    assert isinstance(outcome, ExecutionCancellation)
    assert outcome.status == "cancellation-requested"
    assert outcome.was_status == "running"
    assert (api.requests[0].method, api.requests[0].url.path) == ("POST", CANCEL_PATH)


def test_a_404_is_typed_and_carries_the_execution_id(any_client: ClientFactory) -> None:
    api = FakeApi(poll_script=[respond(404, json={"issues": [{"field": "executionId", "message": "gone"}]})])
    with pytest.raises(EigenpalNotFoundError) as caught:
        any_client(api.handler, time=api.time).workflows.executions.get(EXECUTION_ID)

    assert caught.value.execution_id == EXECUTION_ID
    assert caught.value.status == 404


def test_a_404_while_waiting_is_typed_and_carries_the_execution_id() -> None:
    api = FakeApi(poll_script=[None, respond(404, json={"issues": []})])

    async def scenario() -> ExecutionResult:
        async with async_client(api) as client:
            return await client.workflows.executions.run_and_wait("extract-invoice")

    with pytest.raises(EigenpalNotFoundError) as caught:
        run(scenario())

    assert caught.value.execution_id == EXECUTION_ID
    assert len(api.polls) == 2


# --- waiting: the same decisions as the sync client -------------------------------------------------------


@dataclass
class Outcome:
    """Everything a wait decided, comparable across the two clients."""

    sleeps: list[float]
    requests: list[tuple[str, str]]
    request_times: list[float]
    result: ExecutionResult | None
    error: tuple[type[BaseException], str | None, str | None] | None


def outcome_of(api: FakeApi, result: ExecutionResult | None, error: BaseException | None) -> Outcome:
    described = None
    if error is not None:
        described = (type(error), getattr(error, "execution_id", None), getattr(error, "last_status", None))
    return Outcome(
        sleeps=api.time.sleeps,
        requests=[(r.method, r.url.path) for r in api.requests],
        request_times=api.request_times,
        result=result,
        error=described,
    )


def sync_outcome(make_api: Callable[[], FakeApi], call: Callable[[EigenpalClient], ExecutionResult]) -> Outcome:
    api = make_api()
    with sync_client(api) as client:
        try:
            return outcome_of(api, call(client), None)
        except Exception as error:
            return outcome_of(api, None, error)


def async_outcome(
    make_api: Callable[[], FakeApi], call: Callable[[AsyncEigenpalClient], Awaitable[ExecutionResult]]
) -> Outcome:
    api = make_api()

    async def scenario() -> Outcome:
        async with async_client(api) as client:
            try:
                return outcome_of(api, await call(client), None)
            except Exception as error:
                return outcome_of(api, None, error)

    return run(scenario())


SCENARIOS: dict[str, Callable[[], FakeApi]] = {
    "3s": lambda: FakeApi(finishes_after=3.0),
    "0.3s-with-latency": lambda: FakeApi(finishes_after=0.3, latency=0.05),
    "120s": lambda: FakeApi(finishes_after=120.0, latency=0.02),
    "never-ends": lambda: FakeApi(finishes_after=None, latency=0.05),
    "transient-failures": lambda: FakeApi(
        finishes_after=3.0,
        poll_script=[
            None,
            respond(503, json={"issues": []}),
            raise_(httpx.ConnectError),
            raise_(httpx.ReadTimeout),
            respond(429, headers={"Retry-After": "1"}, json={"issues": []}),
            raise_(httpx.RemoteProtocolError),
        ],
    ),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_run_and_wait_makes_the_same_decisions_as_the_sync_client(scenario: str) -> None:
    make_api = SCENARIOS[scenario]
    kwargs: dict[str, Any] = {
        "input": {"customer": "ACME"},
        "timeout_seconds": 10.0 if scenario == "never-ends" else 300.0,
    }

    sync = sync_outcome(make_api, lambda c: c.workflows.executions.run_and_wait("extract-invoice", **kwargs))

    async def async_call(client: AsyncEigenpalClient) -> ExecutionResult:
        return await client.workflows.executions.run_and_wait("extract-invoice", **kwargs)

    asynchronous = async_outcome(make_api, async_call)

    assert asynchronous.sleeps == sync.sleeps
    assert asynchronous.requests == sync.requests
    assert asynchronous.request_times == sync.request_times
    assert asynchronous.result == sync.result
    assert asynchronous.error == sync.error
    # And the shared schedule is the documented one.
    assert sync.sleeps[:2] == pytest.approx([0.7, 0.7][: len(sync.sleeps[:2])])  # a 0.3 s run sleeps once
    if scenario == "never-ends":
        assert sync.error == (EigenpalWaitTimeoutError, EXECUTION_ID, "running")
    else:
        assert sync.result is not None
        assert sync.result.status == "completed"
        assert sync.result.result == RESULT


def test_wait_makes_the_same_decisions_as_the_sync_client() -> None:
    def make_api() -> FakeApi:
        return FakeApi(finishes_after=5.0, poll_script=[None, respond(500, json={"issues": []})])

    sync = sync_outcome(make_api, lambda c: c.workflows.executions.wait(EXECUTION_ID))

    async def async_call(client: AsyncEigenpalClient) -> ExecutionResult:
        return await client.workflows.executions.wait(EXECUTION_ID)

    asynchronous = async_outcome(make_api, async_call)

    assert asynchronous == sync
    assert all(method == "GET" for method, _ in sync.requests)
    assert sync.result is not None
    assert sync.result.status == "completed"


def test_async_wait_times_out_with_the_execution_id_and_cancels_when_asked() -> None:
    api = FakeApi(finishes_after=None)

    async def scenario() -> ExecutionResult:
        async with async_client(api) as client:
            return await client.workflows.executions.run_and_wait(
                "extract-invoice", timeout_seconds=5.0, cancel_on_timeout=True
            )

    with pytest.raises(EigenpalWaitTimeoutError) as caught:
        run(scenario())

    assert caught.value.execution_id == EXECUTION_ID
    assert caught.value.last_status == "running"
    assert "cancellation-requested" in caught.value.message
    assert sum(api.time.sleeps) <= 5.0 + 1e-9
    assert (api.requests[-1].method, api.requests[-1].url.path) == ("POST", CANCEL_PATH)


def test_async_transient_poll_errors_cost_one_request_each() -> None:
    api = FakeApi(finishes_after=3.0, poll_script=[None, raise_(httpx.ConnectError), respond(503, json={})])

    async def scenario() -> ExecutionResult:
        async with async_client(api) as client:
            return await client.workflows.executions.run_and_wait("extract-invoice")

    result = run(scenario())

    assert result.status == "completed"
    assert len(api.polls) == 4  # the same 4 polls as a run without failures
    assert all(r.extensions["eigenpal_max_retries"] == 0 for r in api.polls)


def test_bad_wait_arguments_raise_before_any_request() -> None:
    api = FakeApi()

    async def scenario() -> None:
        async with async_client(api) as client:
            with pytest.raises(ValueError, match="poll_interval_seconds"):
                await client.workflows.executions.run_and_wait("extract-invoice", poll_interval_seconds=0)
            with pytest.raises(ValueError, match="timeout_seconds"):
                await client.workflows.executions.wait(EXECUTION_ID, timeout_seconds=-1)

    run(scenario())

    assert api.requests == []


# --- lifecycle ------------------------------------------------------------------------------------------------


def test_async_with_closes_the_pool() -> None:
    api = FakeApi()
    client = async_client(api)

    async def scenario() -> None:
        async with client as entered:
            assert entered is client
            assert not client._http.is_closed
            await client.workflows.get("extract-invoice")

    run(scenario())

    assert client._http.is_closed
    assert len(api.requests) == 1


def test_aclose_closes_the_pool_and_the_client_refuses_further_requests() -> None:
    api = FakeApi()
    client = async_client(api)

    async def scenario() -> None:
        await client.aclose()
        await client.workflows.get("extract-invoice")

    # httpx's own RuntimeError today; an EigenpalError would do as well, as long as it says why.
    with pytest.raises((RuntimeError, EigenpalError), match="closed"):
        run(scenario())

    assert client._http.is_closed
    assert api.requests == []
