"""Every ```python example in README.md runs, unchanged, against an in-memory fake of the API.

The examples build their own clients with no transport argument, so the test swaps httpx's network
transports for an ``httpx.MockTransport`` serving ``FakeEigenpal`` (and sets ``EIGENPAL_API_KEY``). The
blocks run in order in one namespace, as a reader would paste them into one session, in a temporary
folder holding the ``contract.pdf`` they upload. Each block's effect is then checked on the fake.
"""

from __future__ import annotations

import itertools
import re
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
CREATED_AT = "2026-11-27T10:00:00.000Z"


class FakeEigenpal:
    """Just enough of the API for the README: executions complete on their second poll."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.executions: dict[str, dict[str, Any]] = {}
        self.uploads: list[tuple[str, str, bytes]] = []
        self._ids = itertools.count(1)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        parts = request.url.raw_path.decode().split("?")[0].split("/")[3:]  # after /api/v1
        match request.method, parts:
            case "GET", ["workflows"]:
                return self._page([self._workflow("extract-invoice")])
            case "GET", ["workflows", "executions", execution_id]:
                return self._status(execution_id, steps=request.url.params.get("includeSteps") == "true")
            case "POST", ["workflows", "executions", execution_id, "cancel"]:
                return self._cancel(execution_id)
            case "GET", ["workflows", workflow_id]:
                return httpx.Response(200, json=self._workflow(workflow_id))
            case "GET", ["workflows", workflow_id, "versions"]:
                return self._page([{"id": "wfh_1", "workflowId": workflow_id, "version": "1.0.0", "isCurrent": True}])
            case "GET", ["workflows", workflow_id, "executions"]:
                items = [
                    {"id": key, "workflowId": workflow_id, "status": value["status"], "createdAt": CREATED_AT}
                    for key, value in self.executions.items()
                ]
                return self._page(items)
            case "POST", ["workflows", workflow_id, "run"]:
                return self._run(workflow_id, request)
        return self._error(404, "not_found", f"no route {request.url.path}")

    def _run(self, workflow_id: str, request: httpx.Request) -> httpx.Response:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.read()
            )
            for part in message.iter_parts():
                filename = part.get_filename()
                if filename is not None:
                    payload = part.get_payload(decode=True)
                    assert isinstance(payload, bytes)
                    self.uploads.append((str(part.get_param("name", header="content-disposition")), filename, payload))
        execution_id = f"exec_{next(self._ids)}"
        self.executions[execution_id] = {"workflow": workflow_id, "polls": 0, "status": "running"}
        return httpx.Response(201, json={"executionId": execution_id})

    def _status(self, execution_id: str, *, steps: bool) -> httpx.Response:
        execution = self.executions.get(execution_id)
        if execution is None:
            return self._error(404, "not_found", f"execution {execution_id} not found")
        execution["polls"] += 1
        if execution["polls"] >= 2 and execution["status"] == "running":
            execution["status"] = "completed"
        body: dict[str, Any] = {"executionId": execution_id, "status": execution["status"], "createdAt": CREATED_AT}
        if execution["status"] == "completed":
            body.update(result={"total": 42}, completedAt=CREATED_AT)
        if steps:
            body["steps"] = [{"stepId": "parse-contract", "status": "completed", "startedAt": CREATED_AT}]
        return httpx.Response(200, json=body)

    def _cancel(self, execution_id: str) -> httpx.Response:
        execution = self.executions[execution_id]
        was = execution["status"]
        if was == "running":
            execution["status"] = "cancelled"
        outcome = "cancelled" if was == "running" else "already-terminal"
        return httpx.Response(200, json={"executionId": execution_id, "status": outcome, "wasStatus": was})

    @staticmethod
    def _workflow(workflow_id: str) -> dict[str, Any]:
        return {"id": "wf_abc123", "name": workflow_id, "version": "1.0.0", "createdAt": CREATED_AT}

    @staticmethod
    def _page(items: list[dict[str, Any]]) -> httpx.Response:
        return httpx.Response(200, json={"data": items, "total": len(items), "limit": 50, "offset": 0})

    @staticmethod
    def _error(status: int, code: str, message: str) -> httpx.Response:
        issue = {"field": "<root>", "message": message, "code": code, "severity": "error"}
        return httpx.Response(status, json={"issues": [issue], "requestId": "req_fake"})


def readme_blocks() -> list[str]:
    return PYTHON_BLOCK.findall((ROOT / "README.md").read_text())


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeEigenpal:
    api = FakeEigenpal()

    def mock_transport(*args: object, **kwargs: object) -> httpx.MockTransport:
        return httpx.MockTransport(api.handle)

    # The ergonomic client builds httpx.HTTPTransport itself; the generated AuthenticatedClient lets httpx
    # build one (httpx._client imports the class by name).
    for target in (httpx, httpx._client):
        monkeypatch.setattr(target, "HTTPTransport", mock_transport)
        monkeypatch.setattr(target, "AsyncHTTPTransport", mock_transport)
    monkeypatch.setenv("EIGENPAL_API_KEY", "eg_readme_key_0123456789")
    monkeypatch.delenv("EIGENPAL_BASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "contract.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) + b"\n%%EOF\n")
    return api


def test_the_readme_has_the_examples_this_test_expects() -> None:
    blocks = readme_blocks()
    assert len(blocks) >= 10
    assert any("run_and_wait" in block for block in blocks)
    assert any("AsyncEigenpalClient" in block for block in blocks)


def test_every_readme_example_runs(fake: FakeEigenpal, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, Any] = {"api_key": "eg_readme_key_0123456789"}
    for index, block in enumerate(readme_blocks()):
        before = len(fake.requests)
        code = compile(block, f"README.md python block {index + 1}", "exec")
        exec(code, namespace)
        if "MockTransport" not in block:  # that example brings its own fake API
            assert len(fake.requests) > before, f"README block {index + 1} sent no request:\n{block}"

    # The quick start printed a completed result, and the uploads arrived whole.
    output = capsys.readouterr().out
    assert "completed" in output
    assert "{'total': 42}" in output
    pdf = (Path.cwd() / "contract.pdf").read_bytes()
    assert ("contract_document", "contract.pdf", pdf) in fake.uploads
    assert ("contract_document", "c.pdf", b"%PDF-1.4 ...") in fake.uploads
    assert ("contract_document", "contract_document", b"%PDF-1.4 ...") in fake.uploads  # BytesIO: no name

    # The listing example sent the documented filters.
    listed = [r for r in fake.requests if r.url.path.endswith("/executions") and r.method == "GET"]
    assert listed[0].url.params["status"] == "failed,cancelled"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", listed[0].url.params["fromDate"])
    assert any(r.url.params.get("fromDate") == "2026-11-01T00:00:00.000Z" for r in listed)
    assert any(r.url.params.get("toDate") == "2026-11-27T12:00:00.000Z" for r in listed)

    # The raw-call examples went through the fake with the key.
    raw_calls = [r for r in fake.requests if r.url.path == "/api/v1/workflows/executions/exec_123"]
    assert len(raw_calls) == 2
    assert all(r.headers["authorization"] == "Bearer eg_readme_key_0123456789" for r in raw_calls)


def test_readme_blocks_are_independent_of_a_real_network(fake: FakeEigenpal) -> None:
    # Guard for the fixture itself: a client built the way the README builds it talks to the fake.
    from eigenpal_ext import EigenpalClient

    with EigenpalClient() as client:
        assert client.workflows.get("extract-invoice").name == "extract-invoice"
    assert fake.requests[-1].url.host == "app.eigenpal.com"
