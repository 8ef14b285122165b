"""The local server serves both of EigenPal's path layouts with the same handlers: ``/api/v1/...``
(studio.eigenpal.com, the SDK 0.4.12 era) and ``/v1/...`` (api.eigenpal.com, SDK 0.11 on)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from eigenpal_ext.testing import FaultConfig, LocalEigenpalServer, ServerConfig

LAYOUTS = ("/api/v1", "/v1")


@contextlib.contextmanager
def _serving() -> Iterator[httpx.Client]:
    with (
        LocalEigenpalServer(ServerConfig(hold_window_seconds=5.0)) as server,
        httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with _serving() as client:
        yield client


def _comparable(body: Any) -> Any:
    """A body without the values that differ between two calls (ids, timestamps, request ids)."""
    volatile = {"executionId", "id", "requestId", "createdAt", "startedAt", "completedAt", "durationMs"}
    if isinstance(body, dict):
        return {key: "…" if key in volatile else _comparable(value) for key, value in body.items()}
    if isinstance(body, list):
        return [_comparable(item) for item in body]
    return body


def test_every_operation_answers_the_same_under_both_layouts() -> None:
    answers: dict[str, list[tuple[int, Any]]] = {}
    for prefix in LAYOUTS:
        with _serving() as http:
            answers[prefix] = _every_operation(http, prefix)
    assert answers["/v1"] == answers["/api/v1"]
    assert [status for status, _ in answers["/v1"]] == [201, 200, 200, 200, 200, 200, 200, 404, 400, 405]


def test_an_execution_started_under_one_layout_is_found_under_the_other(http: httpx.Client) -> None:
    started = http.post("/v1/workflows/echo/run", json={"input": {}}).json()["executionId"]
    assert http.get(f"/api/v1/workflows/executions/{started}").status_code == 200
    assert http.post(f"/v1/workflows/executions/{started}/cancel").status_code == 200


def _every_operation(http: httpx.Client, prefix: str) -> list[tuple[int, Any]]:
    """Each operation once (and three errors) under ``prefix``: status and body without volatile values."""
    run = http.post(f"{prefix}/workflows/echo/run?wait_for_completion=5", json={"input": {"n": 1}})
    execution_id = run.json()["executionId"]
    calls = [
        run,
        http.get(f"{prefix}/workflows", params={"limit": 2}),
        http.get(f"{prefix}/workflows/echo"),
        http.get(f"{prefix}/workflows/wf_echo/versions"),
        http.get(f"{prefix}/workflows/executions/{execution_id}", params={"includeSteps": "true"}),
        http.get(f"{prefix}/workflows/echo/executions", params={"limit": 1}),
        http.post(f"{prefix}/workflows/executions/{execution_id}/cancel"),
        http.get(f"{prefix}/workflows/nope"),
        http.get(f"{prefix}/workflows/echo/executions", params={"limit": 0}),
        http.delete(f"{prefix}/workflows"),
    ]
    return [(call.status_code, _comparable(call.json())) for call in calls]


@pytest.mark.parametrize("path", ["/v2/workflows", "/api/workflows", "/v1", "/api/v1", "/v1/v1/workflows"])
def test_other_prefixes_are_the_json_404(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code == 404
    assert response.json()["issues"][0]["code"] == "not_found"


def test_faults_are_injected_under_both_layouts() -> None:
    with LocalEigenpalServer(ServerConfig(faults=FaultConfig(error_503_rate=1.0))) as server:
        headers = {"Authorization": f"Bearer {server.api_key}"}
        for prefix in LAYOUTS:
            assert httpx.get(f"{server.base_url}{prefix}/workflows", headers=headers).status_code == 503
        assert httpx.get(f"{server.base_url}/healthz").status_code == 200


class _PathLog:
    """An ``httpx`` event hook keeping the path of every request the client sent."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> None:
        self.paths.append(request.url.path)


@pytest.mark.parametrize(
    ("suffix", "prefix"),
    [("", "/api/v1"), ("/api/v1", "/api/v1"), ("/api", "/api/v1"), ("/v1", "/v1"), ("/v1/", "/v1")],
)
def test_the_client_reaches_the_api_under_each_form_of_base_url(suffix: str, prefix: str) -> None:
    """A ``base_url`` ending in ``/api/v1``, ``/v1`` or ``/api`` is honoured as given, a bare host gets ``/api/v1``:
    every call of the client (and of ``client.raw``) reaches the server's routes over real sockets."""
    from eigenpal_api.api.workflows import get_workflow

    from eigenpal_ext import EigenpalClient

    log = _PathLog()
    with (
        LocalEigenpalServer(ServerConfig(hold_window_seconds=5.0)) as server,
        EigenpalClient(
            api_key=server.api_key, base_url=server.base_url + suffix, httpx_args={"event_hooks": {"request": [log]}}
        ) as client,
    ):
        final = client.workflows.executions.run_and_wait("echo", input={"n": 1}, timeout_seconds=30)
        assert final.status == "completed"
        assert final.result == {"n": 1}
        assert [workflow.name for workflow in client.workflows.iter(name="echo")] == ["echo"]
        assert client.workflows.executions.cancel(final.execution_id).status == "already-terminal"
        workflow = get_workflow.sync("echo", client=client.raw)
        assert getattr(workflow, "name", None) == "echo"
    assert log.paths
    assert all(path.startswith(f"{prefix}/workflows") for path in log.paths), log.paths
