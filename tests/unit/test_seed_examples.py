# The product documentation's lines below are kept verbatim, including one longer than the line limit.
# ruff: noqa: E501
"""The product documentation's examples, run unchanged against a fake API (only the import differs).

Each test defines the names the documentation assumes (``client``, ``execution_id``, ``input``, ``id``,
``api_key``), then runs the documented line exactly as written, between ``# fmt: off`` / ``# fmt: on`` so
the formatter leaves its layout alone, and checks what it returned and what went over the wire. The fake
API is an ``httpx.MockTransport`` on simulated time (set on the client right after construction: test
scaffolding, not part of the examples), so ``run_and_wait`` never really sleeps.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from eigenpal_api.models import (
    Execution,
    ExecutionCancellation,
    ExecutionPage,
    StartedExecution,
)

from eigenpal_ext import TERMINAL_STATUSES, EigenpalClient, ExecutionResult
from tests.support import FakeTime

BASE_URL = "https://eigenpal.test"
API_KEY = "eg_live_docs_0123456789"
EXECUTION_ID = "exec_xyz"
WORKFLOW_ID = "wf_abc123"
CREATED_AT = "2026-05-09T12:00:00Z"
RESULT = {"parties": ["ACME GmbH", "Globex Ltd"], "term_months": 24}
STEPS = [
    {"stepId": "parse-contract", "status": "completed", "output": {"pages": 12}},
    {"stepId": "extract-terms", "status": "completed", "output": {"term_months": 24}},
]
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


@dataclass
class FakeApi:
    """A small EigenPal: an execution runs ``runs_for`` fake seconds after its run request, then completes."""

    time: FakeTime = field(default_factory=FakeTime)
    runs_for: float = 3.0
    started_at: float = 0.0
    requests: list[httpx.Request] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        method, path = request.method, request.url.path
        routes: dict[tuple[str, str], Callable[[], httpx.Response]] = {
            ("GET", f"/api/v1/workflows/executions/{EXECUTION_ID}"): lambda: self._status(request),
            ("POST", f"/api/v1/workflows/executions/{EXECUTION_ID}/cancel"): lambda: httpx.Response(
                200, json={"executionId": EXECUTION_ID, "status": "cancellation-requested", "wasStatus": "running"}
            ),
            ("GET", f"/api/v1/workflows/{WORKFLOW_ID}/executions"): lambda: httpx.Response(200, json=self._page()),
        }
        if method == "POST" and path.endswith("/run"):
            return self._run(request)
        route = routes.get((method, path))
        if route is None:
            return httpx.Response(404, json={"issues": [{"field": "<root>", "message": f"no route {path}"}]})
        return route()

    def _run(self, request: httpx.Request) -> httpx.Response:
        self.started_at = self.time.now
        hold = request.url.params.get("wait_for_completion")
        if hold is not None and self.runs_for <= int(hold):
            self.time.now += self.runs_for  # the server holds the request until the execution ends
            return httpx.Response(201, json={"executionId": EXECUTION_ID, "status": "completed", "result": RESULT})
        return httpx.Response(201, json={"executionId": EXECUTION_ID})

    def _status(self, request: httpx.Request) -> httpx.Response:
        done = self.time.now - self.started_at >= self.runs_for
        body: dict[str, Any] = {"executionId": EXECUTION_ID, "status": "running", "createdAt": CREATED_AT}
        if done:
            body.update(status="completed", result=RESULT, completedAt="2026-05-09T12:00:03Z")
        if request.url.params.get("includeSteps") == "true":
            body["steps"] = STEPS
        return httpx.Response(200, json=body)

    def _page(self) -> dict[str, Any]:
        items = [
            {
                "id": "exec_f1",
                "workflowId": WORKFLOW_ID,
                "status": "failed",
                "error": "bad PDF",
                "createdAt": CREATED_AT,
            },
            {"id": "exec_c1", "workflowId": WORKFLOW_ID, "status": "cancelled", "createdAt": CREATED_AT},
        ]
        return {"data": items, "total": 2, "limit": 50, "offset": 0}


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def client(api: FakeApi) -> Iterator[EigenpalClient]:
    client = EigenpalClient(
        api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(api.handler),
        sleep=api.time.sleep, clock=api.time.clock,
    )  # fmt: skip
    with client:
        yield client


@pytest.fixture
def execution_id() -> str:
    return EXECUTION_ID


def multipart_file_part(request: httpx.Request, name: str) -> tuple[str, bytes]:
    """(part headers, exact bytes) of the multipart part ``name``."""
    boundary = request.headers["content-type"].split("boundary=", 1)[1].encode()
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, data = chunk.partition(b"\r\n\r\n")
        if f'name="{name}"'.encode() in head:
            return head.decode(), data[:-2]
    raise AssertionError(f"no part named {name!r}")


# --- the documentation's lines ---------------------------------------------------------------------------------


def test_get_an_execution(client: EigenpalClient, api: FakeApi, execution_id: str) -> None:
    # fmt: off
    exec = client.workflows.executions.get(execution_id)
    # fmt: on

    assert isinstance(exec, Execution)
    assert exec.execution_id == EXECUTION_ID
    assert exec.status == "running"
    assert exec.created_at == datetime(2026, 5, 9, 12, 0, tzinfo=UTC)
    assert api.requests[0].url.path == f"/api/v1/workflows/executions/{EXECUTION_ID}"
    assert "includeSteps" not in api.requests[0].url.params


def test_get_an_execution_with_steps(client: EigenpalClient, api: FakeApi, execution_id: str) -> None:
    # fmt: off
    detail = client.workflows.executions.get(execution_id, include_steps=True)
    # fmt: on

    assert api.requests[0].url.params["includeSteps"] == "true"
    assert isinstance(detail.steps, list)
    assert [step.step_id for step in detail.steps] == ["parse-contract", "extract-terms"]
    assert detail.steps[1].output == {"term_months": 24}
    assert detail.status == "running"


def test_terminal_check_on_what_get_returns(client: EigenpalClient, api: FakeApi, execution_id: str) -> None:
    TERMINAL = {"completed", "failed", "cancelled", "rejected"}  # the documentation's name

    status = client.workflows.executions.get(execution_id)
    assert status.status not in TERMINAL
    api.time.now = 3.0
    status = client.workflows.executions.get(execution_id)
    assert status.status in TERMINAL
    assert status.status in TERMINAL_STATUSES
    assert TERMINAL == TERMINAL_STATUSES


def test_run_and_wait_with_a_file(
    client: EigenpalClient, api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "contract.pdf").write_bytes(PDF_BYTES)
    monkeypatch.chdir(tmp_path)

    # fmt: off
    final = client.workflows.executions.run_and_wait("extract-invoice", input={"contract_document": Path("contract.pdf")},
                                                     poll_interval_seconds=2.0, timeout_seconds=5 * 60.0)
    # fmt: on

    assert isinstance(final, ExecutionResult)
    assert final.status == "completed"
    assert final.execution_id == EXECUTION_ID
    assert final.result == RESULT
    assert final.error is None
    assert final.completed_at == datetime(2026, 5, 9, 12, 0, 3, tzinfo=UTC)
    run = api.requests[0]
    assert run.url.path == "/api/v1/workflows/extract-invoice/run"
    assert "wait_for_completion" not in run.url.params
    headers, data = multipart_file_part(run, "contract_document")
    assert data == PDF_BYTES
    assert 'filename="contract.pdf"' in headers
    assert "application/pdf" in headers
    assert api.time.now - api.runs_for < 2.0  # seen within one poll interval of the end
    assert api.time.sleeps  # simulated, not real, waiting happened


def test_list_failed_and_cancelled_executions_of_the_last_week(client: EigenpalClient, api: FakeApi) -> None:
    # fmt: off
    executions = client.workflows.executions.list("wf_abc123", status=["failed", "cancelled"],
                                                  from_date="now()-7d", to_date="now()", limit=50)
    # fmt: on

    assert isinstance(executions, ExecutionPage)
    assert [item.status for item in executions.data] == ["failed", "cancelled"]
    assert executions.data[0].error == "bad PDF"
    params = api.requests[0].url.params
    assert api.requests[0].url.path == "/api/v1/workflows/wf_abc123/executions"
    assert params["status"] == "failed,cancelled"
    assert params["limit"] == "50"
    # The documented relative forms reach the wire as written: the server's clock decides the window.
    assert (params["fromDate"], params["toDate"]) == ("now()-7d", "now()")


def test_cancel(client: EigenpalClient, api: FakeApi, execution_id: str) -> None:
    # fmt: off
    client.workflows.executions.cancel(execution_id)
    # fmt: on

    request = api.requests[0]
    assert (request.method, request.url.path) == ("POST", f"/api/v1/workflows/executions/{EXECUTION_ID}/cancel")
    outcome = client.workflows.executions.cancel(execution_id)
    assert isinstance(outcome, ExecutionCancellation)
    assert outcome.status == "cancellation-requested"


def test_trigger_then_poll_yourself(client: EigenpalClient, api: FakeApi) -> None:
    input = {"customer": "ACME", "contract_value": 125000}
    TERMINAL = {"completed", "failed", "cancelled", "rejected"}  # the documentation's name

    # fmt: off
    triggered = client.workflows.run("extract-invoice", input=input)        # then poll .get(triggered.execution_id)
    # fmt: on
    polls = 0
    while True:
        status = client.workflows.executions.get(triggered.execution_id)
        polls += 1
        if status.status in TERMINAL:
            break
        api.time.sleep(1.0)

    assert isinstance(triggered, StartedExecution)
    assert triggered.execution_id == EXECUTION_ID
    assert json.loads(api.requests[0].content) == {"input": {"customer": "ACME", "contract_value": 125000}}
    assert "wait_for_completion" not in api.requests[0].url.params
    assert status.status == "completed"
    assert status.result == RESULT
    assert polls == 4  # running at 0, 1 and 2 s; completed at 3 s


def test_server_hold(client: EigenpalClient, api: FakeApi) -> None:
    id = "extract-invoice"
    input = {"customer": "ACME"}

    # fmt: off
    client.workflows.run(id, input, wait_for_completion=60)                 # server hold
    # fmt: on

    request = api.requests[0]
    assert request.url.path == "/api/v1/workflows/extract-invoice/run"
    assert request.url.params["wait_for_completion"] == "60"
    assert request.extensions["timeout"]["read"] >= 60 + 15
    assert json.loads(request.content) == {"input": {"customer": "ACME"}}
    held = client.workflows.run(id, input, wait_for_completion=60)
    assert held.status == "completed"
    assert held.result == RESULT


def test_the_client_as_a_context_manager(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EIGENPAL_BASE_URL", raising=False)
    api_key = API_KEY

    # fmt: off
    with EigenpalClient(api_key=api_key) as client: ...
    # fmt: on

    assert client._http.is_closed
    assert client.base_url == "https://studio.eigenpal.com"
    assert client._http.headers["authorization"] == f"Bearer {API_KEY}"


DOCUMENTED_LINES = """\
exec = client.workflows.executions.get(execution_id)
detail = client.workflows.executions.get(execution_id, include_steps=True)
final = client.workflows.executions.run_and_wait("extract-invoice", input={"contract_document": Path("contract.pdf")},
                                                 poll_interval_seconds=2.0, timeout_seconds=5 * 60.0)
executions = client.workflows.executions.list("wf_abc123", status=["failed", "cancelled"],
                                              from_date="now()-7d", to_date="now()", limit=50)
client.workflows.executions.cancel(execution_id)
triggered = client.workflows.run("extract-invoice", input=input)        # then poll .get(triggered.execution_id)
client.workflows.run(id, input, wait_for_completion=60)                 # server hold
with EigenpalClient(api_key=api_key) as client: ...
"""


def test_the_documented_lines_above_are_verbatim() -> None:
    """Guards against a reformat or an edit drifting the examples away from the documentation's text."""
    source = Path(__file__).read_text(encoding="utf-8").split("\nDOCUMENTED_LINES = ")[0]
    blocks = [block.split("    # fmt: on")[0] for block in source.split("    # fmt: off\n")[1:]]
    executed = "".join(line.removeprefix("    ") + "\n" for block in blocks for line in block.splitlines())
    assert executed == DOCUMENTED_LINES
