"""The local server answers like today's v1 routes: ``yamlContent`` on a workflow's detail, ``apiEnabled``
and ``triggers`` on workflows, ``durationMs`` on executions and ``observability`` on their status.

Raw httpx for the wire shapes; the client is then shown to read them through the generated models.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from eigenpal_ext import EigenpalClient
from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig

TRIGGERS = {"api": True, "email": False, "manual": True, "cron": False}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(hold_window_seconds=10.0)) as local:
        yield local


@pytest.fixture
def http(server: LocalEigenpalServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.base_url + "/api/v1", headers=headers, timeout=15.0) as client:
        yield client


def _run(http: httpx.Client, workflow: str, inputs: dict[str, Any], hold: int | None = 10) -> str:
    query = "" if hold is None else f"?wait_for_completion={hold}"
    execution_id: str = http.post(f"/workflows/{workflow}/run{query}", json={"input": inputs}).json()["executionId"]
    return execution_id


def _ms_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() * 1000


def test_a_workflows_detail_has_its_yaml_and_every_workflow_its_triggers(http: httpx.Client) -> None:
    detail = http.get("/workflows/echo").json()
    current = next(v for v in http.get("/workflows/echo/versions").json()["data"] if v["isCurrent"])
    assert detail["yamlContent"] == current["yamlContent"]
    assert detail["yamlContent"].startswith("name: echo\nversion: 1.1.0\n")
    assert detail["apiEnabled"] is True
    assert detail["triggers"] == TRIGGERS
    for listed in http.get("/workflows").json()["data"]:
        assert listed["apiEnabled"] is True
        assert listed["triggers"] == TRIGGERS
        assert "yamlContent" not in listed  # heavy: only on the detail


def test_duration_ms_is_null_until_terminal_then_creation_to_completion(http: httpx.Client) -> None:
    running = _run(http, "sleep", {"seconds": 30}, hold=None)
    done = _run(http, "echo", {"n": 1})
    listed = {item["id"]: item for item in http.get("/workflows/echo/executions").json()["data"]}
    listed |= {item["id"]: item for item in http.get("/workflows/sleep/executions").json()["data"]}
    assert listed[running]["durationMs"] is None
    item = listed[done]
    assert item["status"] == "completed"
    assert isinstance(item["durationMs"], int)
    assert abs(item["durationMs"] - _ms_between(item["createdAt"], item["completedAt"])) <= 1
    http.post(f"/workflows/executions/{running}/cancel")


def _phases(status: dict[str, Any]) -> list[tuple[str, str]]:
    return [(phase["phase"], phase["status"]) for phase in status["observability"]["phases"]]


def test_observability_of_a_completed_execution(http: httpx.Client) -> None:
    status = http.get(f"/workflows/executions/{_run(http, 'echo', {'n': 1})}").json()
    observability = status["observability"]
    assert _phases(status) == [("queued", "completed"), ("running", "completed"), ("finalizing", "completed")]
    assert observability["currentPhase"] == "finalizing"
    assert observability["derived"] is True
    assert "failure" not in observability
    queued, running, finalizing = observability["phases"]
    assert queued["startedAt"] == status["createdAt"]
    assert finalizing["completedAt"] == status["completedAt"]
    assert queued["completedAt"] == running["startedAt"]
    assert running["completedAt"] == finalizing["startedAt"]
    assert all(phase["executionId"] == status["executionId"] for phase in observability["phases"])
    assert [phase["phaseOrder"] for phase in observability["phases"]] == [0, 1, 2]
    assert all(isinstance(phase["durationMs"], int) for phase in observability["phases"])


def test_observability_of_a_failed_and_of_a_running_execution(http: httpx.Client) -> None:
    failed = http.get(f"/workflows/executions/{_run(http, 'fail', {'message': 'no invoice found'})}").json()
    assert _phases(failed) == [("queued", "completed"), ("running", "failed"), ("finalizing", "skipped")]
    failure = failed["observability"]["failure"]
    assert failure["code"] == failed["observability"]["phases"][1]["failureCode"] == "workflow_failed"
    assert (failure["phase"], failure["userMessage"], failure["retryable"]) == ("running", "no invoice found", False)
    assert failure["occurredAt"] == failed["completedAt"]

    sleeping = _run(http, "sleep", {"seconds": 30}, hold=None)
    deadline = time.monotonic() + 10
    while (running := http.get(f"/workflows/executions/{sleeping}").json())["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert _phases(running) == [("queued", "completed"), ("running", "running"), ("finalizing", "pending")]
    assert running["observability"]["currentPhase"] == "running"
    assert running["observability"]["phases"][1]["completedAt"] is None
    http.post(f"/workflows/executions/{sleeping}/cancel")


def test_observability_of_an_execution_cancelled_before_it_started(
    server: LocalEigenpalServer, http: httpx.Client
) -> None:
    server.state.engine.pause()
    try:
        queued = _run(http, "echo", {"n": 1}, hold=None)
        http.post(f"/workflows/executions/{queued}/cancel")
    finally:
        server.state.engine.resume()
    status = http.get(f"/workflows/executions/{queued}").json()
    assert _phases(status) == [("queued", "cancelled"), ("running", "skipped"), ("finalizing", "skipped")]
    assert status["observability"]["phases"][0]["completedAt"] == status["completedAt"]


def test_the_client_reads_the_new_fields(server: LocalEigenpalServer, http: httpx.Client) -> None:
    execution_id = _run(http, "echo", {"n": 2})
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
        workflow = client.workflows.get("echo")
        assert workflow.yaml_content is not None
        assert workflow.yaml_content.startswith("name: echo")
        assert workflow.api_enabled is True
        listed = {item.id: item for item in client.workflows.executions.list("echo").data}
        assert isinstance(listed[execution_id].duration_ms, int)
        status = client.workflows.executions.get(execution_id)
        assert status.observability.current_phase == "finalizing"  # type: ignore[union-attr]
