"""The API's error behaviour end to end, against a real local EigenPal server on 127.0.0.1.

Raw httpx requests make the mistakes the SDK would refuse to send (bad query values, broken bodies,
wrong methods); the SDK is then checked to map the same answers onto its typed errors. Covers request
ids, authentication and tenant isolation, 400 field paths, 404/405 routing, 413 uploads (and that no
file is left behind), and ``Idempotency-Key`` on runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from eigenpal_ext import (
    EigenpalAuthError,
    EigenpalClient,
    EigenpalNotFoundError,
    EigenpalPayloadTooLargeError,
    EigenpalValidationError,
    ExecutionStatus,
)
from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig

ISSUE_KEYS = {"field", "message", "code", "severity"}
UPLOAD_LIMIT = 1_000_000


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_envelope(response: httpx.Response, status: int) -> list[dict[str, Any]]:
    """The response is the API's error envelope for ``status``; returns its issues."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    request_id = response.headers["x-request-id"]
    assert request_id.startswith("req_")
    assert body["requestId"] == request_id
    issues: list[dict[str, Any]] = body["issues"]
    assert issues, "an error names at least one issue"
    for issue in issues:
        assert set(issue) >= ISSUE_KEYS
        assert all(isinstance(issue[key], str) and issue[key] for key in ISSUE_KEYS)
        assert issue["severity"] in {"error", "warning"}
    return issues


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    """One server for the read-mostly tests of this module (an upload limit of 1 MB, for the 413s)."""
    with LocalEigenpalServer(ServerConfig(max_upload_bytes=UPLOAD_LIMIT)) as local:
        yield local


@pytest.fixture
def http(server: LocalEigenpalServer) -> Iterator[httpx.Client]:
    """A raw httpx client on the server, authenticated with its key."""
    with httpx.Client(base_url=server.base_url, headers=auth(server.api_key), timeout=10.0) as client:
        yield client


@pytest.fixture
def client(server: LocalEigenpalServer) -> Iterator[EigenpalClient]:
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as sdk:
        yield sdk


# --- request ids and the envelope --------------------------------------------------------------------------


def test_every_response_has_a_request_id_and_errors_repeat_it(server: LocalEigenpalServer, http: httpx.Client) -> None:
    responses = {
        200: http.get("/api/v1/workflows"),
        201: http.post("/api/v1/workflows/echo/run", json={"input": {"n": 1}}),
        400: http.get("/api/v1/workflows/echo/executions", params={"limit": 0}),
        401: httpx.get(f"{server.base_url}/api/v1/workflows", timeout=10.0),
        404: http.get("/api/v1/workflows/no-such-workflow"),
        405: http.delete("/api/v1/workflows"),
        413: http.post(
            "/api/v1/workflows/echo/run",
            content=b'{"input": {"pad": "' + b"x" * (UPLOAD_LIMIT + 1000) + b'"}}',
            headers={"content-type": "application/json"},
        ),
    }
    for status, response in responses.items():
        assert response.status_code == status, (status, response.text)
        assert response.headers.get("x-request-id", "").startswith("req_"), status
        if status >= 400:
            assert_envelope(response, status)
    request_ids = [response.headers["x-request-id"] for response in responses.values()]
    assert len(set(request_ids)) == len(request_ids), "one id per request"


# --- authentication and tenants ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, auth("eg_wrong_key"), {"Authorization": "Basic ZWdfZGV2X2xvY2FsX2tleTo="}, {"Authorization": "Bearer"}],
    ids=["missing", "wrong-key", "basic-scheme", "empty-bearer"],
)
def test_requests_without_a_valid_key_are_401(server: LocalEigenpalServer, headers: Mapping[str, str]) -> None:
    before = server.store.count_executions()
    for method, path in [
        ("GET", "/api/v1/workflows"),
        ("POST", "/api/v1/workflows/echo/run"),
        ("GET", "/api/v1/workflows/executions/exec_x"),
    ]:
        response = httpx.request(method, server.base_url + path, headers=dict(headers), json={}, timeout=10.0)
        issues = assert_envelope(response, 401)
        assert issues[0]["code"] == "unauthorized"
        assert issues[0]["field"] == "header.authorization"
    assert server.store.count_executions() == before, "an unauthenticated run creates nothing"
    with (
        EigenpalClient(api_key="eg_wrong_key", base_url=server.base_url) as wrong,
        pytest.raises(EigenpalAuthError) as caught,
    ):
        wrong.workflows.list()
    assert caught.value.status == 401
    assert caught.value.request_id is not None
    assert caught.value.request_id.startswith("req_")


def test_executions_of_one_tenant_are_invisible_to_another() -> None:
    config = ServerConfig(api_keys={"key_a": "a", "key_b": "b"})
    with (
        LocalEigenpalServer(config) as server,
        EigenpalClient(api_key="key_a", base_url=server.base_url) as client_a,
        EigenpalClient(api_key="key_b", base_url=server.base_url) as client_b,
    ):
        mine = client_a.workflows.executions.run_and_wait("echo", {"secret": "a"}, timeout_seconds=10.0)
        theirs = client_b.workflows.executions.run_and_wait("echo", {"secret": "b"}, timeout_seconds=10.0)
        assert mine.status == theirs.status == ExecutionStatus.COMPLETED

        with pytest.raises(EigenpalNotFoundError) as on_get:
            client_b.workflows.executions.get(mine.execution_id)
        assert on_get.value.execution_id == mine.execution_id
        with pytest.raises(EigenpalNotFoundError) as on_cancel:
            client_b.workflows.executions.cancel(mine.execution_id)
        assert on_cancel.value.execution_id == mine.execution_id

        listed_b = client_b.workflows.executions.list("echo")
        assert [item.id for item in listed_b.data] == [theirs.execution_id]
        assert listed_b.total == 1
        listed_a = client_a.workflows.executions.list("echo")
        assert [item.id for item in listed_a.data] == [mine.execution_id]
        assert client_a.workflows.executions.get(mine.execution_id).result == {"secret": "a"}

        raw = httpx.get(
            f"{server.base_url}/api/v1/workflows/executions/{mine.execution_id}", headers=auth("key_b"), timeout=10.0
        )
        assert_envelope(raw, 404)
        assert server.store.count_executions("a") == server.store.count_executions("b") == 1

        # Idempotency keys are per tenant: the same key used by both makes two executions.
        same_key = [
            httpx.post(
                f"{server.base_url}/api/v1/workflows/echo/run",
                json={"input": {}},
                headers={**auth(key), "Idempotency-Key": "shared-key"},
                timeout=10.0,
            ).json()["executionId"]
            for key in ("key_a", "key_b")
        ]
        assert same_key[0] != same_key[1]
        # The admin review routes are tenant-scoped too.
        review = client_a.workflows.run("review", {"item": "a"})
        foreign = httpx.post(
            f"{server.base_url}/admin/executions/{review.execution_id}/approve", headers=auth("key_b"), timeout=10.0
        )
        assert_envelope(foreign, 404)


# --- 400 with field paths ---------------------------------------------------------------------------------

BAD_REQUESTS = [
    ("GET", "/api/v1/workflows/echo/executions?limit=0", None, "query.limit"),
    ("GET", "/api/v1/workflows?limit=101", None, "query.limit"),  # the executions list has no maximum
    ("GET", "/api/v1/workflows/echo/executions?limit=ten", None, "query.limit"),
    ("GET", "/api/v1/workflows?limit=0", None, "query.limit"),
    ("GET", "/api/v1/workflows/echo/versions?limit=101", None, "query.limit"),
    ("POST", "/api/v1/workflows/echo/run?wait_for_completion=61", b"{}", "query.wait_for_completion"),
    ("GET", "/api/v1/workflows/echo/executions?status=bogus", None, "query.status"),
    ("GET", "/api/v1/workflows/echo/executions?status=completed,bogus", None, "query.status"),
    ("GET", "/api/v1/workflows/echo/executions?fromDate=yesterday", None, "query.fromDate"),
    ("GET", "/api/v1/workflows/echo/executions?toDate=soon", None, "query.toDate"),
    ("POST", "/api/v1/workflows/echo/run", b"{not json", "body"),
    ("POST", "/api/v1/workflows/echo/run", b'{"input": []}', "body.input"),
    ("POST", "/api/v1/workflows/echo/run", b'{"trigger": "web"}', "body.trigger"),
    ("POST", "/api/v1/workflows/extract-invoice/run", b'{"input": {"language": "en"}}', "body.input.contract_document"),
    ("POST", "/api/v1/workflows/sleep/run", b'{"input": {"seconds": -1}}', "body.input.seconds"),
    ("GET", "/api/v1/workflows/executions/exec_anything?includeSteps=maybe", None, "query.includeSteps"),
]


@pytest.mark.parametrize(
    ("method", "target", "body", "field"),
    BAD_REQUESTS,
    ids=[f"{row[3]}:{row[1].split('/')[-1]}" for row in BAD_REQUESTS],
)
def test_bad_requests_are_400_naming_the_field(
    server: LocalEigenpalServer, http: httpx.Client, method: str, target: str, body: bytes | None, field: str
) -> None:
    before = server.store.count_executions()
    headers = {"content-type": "application/json"} if body is not None else {}
    response = http.request(method, target, content=body, headers=headers)
    issues = assert_envelope(response, 400)
    assert field in [issue["field"] for issue in issues], issues
    assert server.store.count_executions() == before, "a rejected run creates no execution"


def test_the_sdk_maps_a_400_to_a_validation_error_with_issues(client: EigenpalClient) -> None:
    with pytest.raises(EigenpalValidationError) as missing_file:
        client.workflows.run("extract-invoice", {"language": "en"})
    assert missing_file.value.status == 400
    assert [issue.field for issue in missing_file.value.issues] == ["body.input.contract_document"]
    assert missing_file.value.request_id is not None

    with pytest.raises(EigenpalValidationError) as bad_seconds:
        client.workflows.executions.run_and_wait("sleep", {"seconds": 99999})
    assert [issue.field for issue in bad_seconds.value.issues] == ["body.input.seconds"]
    assert bad_seconds.value.issues[0].code == "invalid_value"
    assert bad_seconds.value.issues[0].severity == "error"


REJECTED_MULTIPART_RUNS = [
    ("extract-invoice", "", {"wrong_key": "a.pdf"}, {}, 400, "body.input.wrong_key"),
    ("extract-invoice", "", {"contract_document": "a.pdf"}, {"_json": "{broken"}, 400, "body._json"),
    ("extract-invoice", "", {"contract_document": "a.pdf"}, {"note": "scalars belong in _json"}, 400, "body.note"),
    ("extract-invoice", "", {"contract_document": "a.pdf"}, {"_json": '{"input": {"language": 5}}'}, 400,
     "body.input.language"),
    ("sleep", "", {"document": "a.pdf"}, {"_json": '{"input": {"seconds": -5}}'}, 400, "body.input.seconds"),
    ("extract-invoice", "?wait_for_completion=99", {"contract_document": "a.pdf"}, {}, 400,
     "query.wait_for_completion"),
    ("extract-invoice", "?version=9.9.9", {"contract_document": "a.pdf"}, {}, 404, "query.version"),
    ("no-such-workflow", "", {"contract_document": "a.pdf"}, {}, 404, "path.id"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("workflow", "query", "files", "fields", "status", "field"),
    REJECTED_MULTIPART_RUNS,
    ids=[row[5] for row in REJECTED_MULTIPART_RUNS],
)
def test_a_rejected_multipart_run_keeps_no_uploaded_file(
    server: LocalEigenpalServer,
    http: httpx.Client,
    workflow: str,
    query: str,
    files: dict[str, str],
    fields: dict[str, str],
    status: int,
    field: str,
) -> None:
    before = (server.store.count_executions(), sorted(server.store.files_dir.iterdir()))
    parts = {key: (name, b"%PDF-1.4 not much of a pdf", "application/pdf") for key, name in files.items()}
    response = http.post(f"/api/v1/workflows/{workflow}/run{query}", files=parts, data=fields)
    issues = assert_envelope(response, status)
    assert field in [issue["field"] for issue in issues]
    assert (server.store.count_executions(), sorted(server.store.files_dir.iterdir())) == before


# --- 404 and 405 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "target", "field"),
    [
        ("GET", "/api/v1/workflows/no-such-workflow", "path.id"),
        ("GET", "/api/v1/workflows/no-such-workflow/versions", "path.id"),
        ("POST", "/api/v1/workflows/no-such-workflow/run", "path.id"),
        ("GET", "/api/v1/workflows/no-such-workflow/executions", "path.id"),
        ("GET", "/api/v1/workflows/executions/exec_missing", "path.executionId"),
        ("POST", "/api/v1/workflows/executions/exec_missing/cancel", "path.executionId"),
        ("GET", "/api/v1/nothing-here", "path"),
    ],
)
def test_unknown_resources_are_404(http: httpx.Client, method: str, target: str, field: str) -> None:
    response = http.request(method, target, json={} if method == "POST" else None)
    issues = assert_envelope(response, 404)
    assert issues[0]["field"] == field
    assert issues[0]["code"] == "not_found"


def test_an_encoded_slash_stays_inside_one_id(http: httpx.Client) -> None:
    for method, target in [
        ("GET", "/api/v1/workflows/executions/a%2Fb"),
        ("POST", "/api/v1/workflows/executions/a%2Fb/cancel"),
    ]:
        issues = assert_envelope(http.request(method, target), 404)
        assert issues[0]["field"] == "path.executionId"
        assert "'a/b'" in issues[0]["message"]
    # "echo/versions" is one (unknown) workflow id here, not the versions route of "echo".
    assert http.get("/api/v1/workflows/echo/versions").status_code == 200
    issues = assert_envelope(http.get("/api/v1/workflows/echo%2Fversions"), 404)
    assert issues[0]["field"] == "path.id"
    assert "'echo/versions'" in issues[0]["message"]
    issues = assert_envelope(http.get("/api/v1/workflows/executions%2Fexec_x"), 404)
    assert issues[0]["field"] == "path.id"


def test_the_sdk_maps_404_with_the_execution_id(client: EigenpalClient) -> None:
    with pytest.raises(EigenpalNotFoundError) as on_get:
        client.workflows.executions.get("a/b")
    assert on_get.value.status == 404
    assert on_get.value.execution_id == "a/b"
    assert "a/b" in str(on_get.value)
    assert [issue.field for issue in on_get.value.issues] == ["path.executionId"]
    with pytest.raises(EigenpalNotFoundError) as on_cancel:
        client.workflows.executions.cancel("exec_missing")
    assert on_cancel.value.execution_id == "exec_missing"
    with pytest.raises(EigenpalNotFoundError) as on_wait:
        client.workflows.executions.wait("exec_missing", timeout_seconds=5.0)
    assert on_wait.value.execution_id == "exec_missing"
    with pytest.raises(EigenpalNotFoundError) as on_workflow:
        client.workflows.get("no-such-workflow")
    assert on_workflow.value.execution_id is None
    with pytest.raises(EigenpalNotFoundError):
        client.workflows.executions.list("no-such-workflow")


@pytest.mark.parametrize(
    ("method", "target", "allow"),
    [
        ("DELETE", "/api/v1/workflows", "GET"),
        ("POST", "/api/v1/workflows/echo", "GET"),
        ("GET", "/api/v1/workflows/echo/run", "POST"),
        ("PUT", "/api/v1/workflows/executions/exec_x", "GET"),
        ("GET", "/api/v1/workflows/executions/exec_x/cancel", "POST"),
    ],
)
def test_wrong_methods_are_405_with_allow(http: httpx.Client, method: str, target: str, allow: str) -> None:
    response = http.request(method, target)
    issues = assert_envelope(response, 405)
    assert response.headers["allow"] == allow
    assert issues[0]["code"] == "method_not_allowed"


# --- 413 ---------------------------------------------------------------------------------------------------


def test_an_upload_over_the_limit_is_413_and_leaves_no_file(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(2_000_000))
    config = ServerConfig(max_upload_bytes=UPLOAD_LIMIT)
    with (
        LocalEigenpalServer(config) as server,
        EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client,
    ):
        with pytest.raises(EigenpalPayloadTooLargeError) as caught:
            client.workflows.run("echo", {"document": big})
        assert caught.value.status == 413
        assert [issue.code for issue in caught.value.issues] == ["too_large"]
        assert list(server.store.files_dir.iterdir()) == []
        assert server.store.count_executions() == 0
        # Below the limit the same server accepts a file and keeps it.
        small = tmp_path / "small.bin"
        small.write_bytes(b"%PDF-no, just bytes")
        done = client.workflows.executions.run_and_wait("echo", {"document": small}, timeout_seconds=10.0)
        assert done.result["document"]["size"] == small.stat().st_size
        assert len(list(server.store.files_dir.iterdir())) == 1


def test_a_chunked_upload_over_the_limit_is_413_and_leaves_no_file(tmp_path: Path) -> None:
    """Without a Content-Length the server only learns the size while streaming the file to disk."""
    boundary = "e2e-boundary-5d1c"
    payload = os.urandom(2_000_000)

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        for start in range(0, len(payload), 64 * 1024):
            yield payload[start : start + 64 * 1024]
        yield f"\r\n--{boundary}--\r\n".encode()

    with LocalEigenpalServer(ServerConfig(max_upload_bytes=UPLOAD_LIMIT)) as server:
        response = httpx.post(
            f"{server.base_url}/api/v1/workflows/echo/run",
            content=body(),
            headers={**auth(server.api_key), "content-type": f"multipart/form-data; boundary={boundary}"},
            timeout=10.0,
        )
        assert "content-length" not in {key.lower() for key in response.request.headers}
        assert_envelope(response, 413)
        assert list(server.store.files_dir.iterdir()) == []
        assert server.store.count_executions() == 0


# --- Idempotency-Key -----------------------------------------------------------------------------------


def test_idempotency_key_returns_the_same_execution(tmp_path: Path) -> None:
    with (
        LocalEigenpalServer() as server,
        httpx.Client(base_url=server.base_url, headers=auth(server.api_key), timeout=10.0) as http,
    ):
        run = "/api/v1/workflows/echo/run"
        first = http.post(run, json={"input": {"n": 1}}, headers={"Idempotency-Key": "order-42"})
        again = http.post(run, json={"input": {"n": 1}}, headers={"Idempotency-Key": "order-42"})
        other = http.post(run, json={"input": {"n": 1}}, headers={"Idempotency-Key": "order-43"})
        for response in (first, again, other):
            assert response.status_code == 201, response.text
        assert first.json()["executionId"] == again.json()["executionId"]
        assert other.json()["executionId"] != first.json()["executionId"]
        assert first.headers["idempotency-key"] == again.headers["idempotency-key"] == "order-42"
        assert other.headers["idempotency-key"] == "order-43"
        assert server.store.count_executions() == 2

        # The key names one request: the same key on another workflow is refused, not silently reused.
        elsewhere = http.post("/api/v1/workflows/fail/run", json={}, headers={"Idempotency-Key": "order-42"})
        assert assert_envelope(elsewhere, 422)[0]["code"] == "idempotency_key_reused"
        assert server.store.count_executions() == 2

        # A replayed multipart run keeps the first upload and discards the duplicate file.
        files = {"document": ("a.bin", b"abc", "application/octet-stream")}
        data = {"_json": json.dumps({"input": {"n": 2}})}
        uploads = [http.post(run, files=files, data=data, headers={"Idempotency-Key": "upload-1"}) for _ in range(2)]
        assert uploads[0].json()["executionId"] == uploads[1].json()["executionId"]
        assert len(list(server.store.files_dir.iterdir())) == 1
        assert server.store.count_executions() == 3

        # Through the SDK: an explicit idempotency_key makes a repeated run() return the same execution.
        with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
            one = client.workflows.run("echo", {"n": 3}, idempotency_key="sdk-key-1")
            two = client.workflows.run("echo", {"n": 3}, idempotency_key="sdk-key-1")
            assert one.execution_id == two.execution_id
            assert client.workflows.executions.wait(one.execution_id, timeout_seconds=10.0).result == {"n": 3}
        assert server.store.count_executions() == 4
