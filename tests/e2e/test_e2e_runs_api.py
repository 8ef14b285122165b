"""The runs routes of the local server over real sockets: start (JSON and multipart, ``version``,
``wait_for_completion`` with 200/201/202), get (``expand``), cancel, steps, events; a run and a v1
execution are one record; the ``Idempotency-Key``, tenants, holds, faults and both layouts apply as on
the v1 routes. Waits are bounded polls.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from eigenpal_ext.testing import FaultConfig, LocalEigenpalServer, ServerConfig
from eigenpal_ext.testing._run_shapes import RUN_STATUS, sample_rank
from eigenpal_ext.testing._store import KNOWN_STATUSES

TERMINAL = {"completed", "failed", "cancelled", "rejected"}


def _wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not become true in time"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(
        ServerConfig(api_keys={"key-a": "team-a", "key-b": "team-b"}, runs_hold_window_seconds=20.0)
    ) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: LocalEigenpalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer key-a"}, timeout=30) as client:
        yield client


def _poll(http: httpx.Client, run_id: str, until: Callable[[dict[str, Any]], bool], seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        run = http.get(f"/v1/runs/{run_id}").json()
        if until(run):
            return run
        assert time.monotonic() < deadline, f"{run_id}: {run['execution']['status']} after {seconds}s"
        time.sleep(0.02)


def _finished(run: dict[str, Any]) -> bool:
    return bool(run["finished"])


# --- start ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api/v1", "/v1"])
def test_a_json_start_is_accepted_with_the_run(http: httpx.Client, prefix: str) -> None:
    started = http.post(f"{prefix}/runs", json={"target": "workflows.echo", "input": {"a": 1}})
    assert started.status_code == 201, started.text
    run = started.json()
    assert run["id"].startswith("exec_")
    assert run["type"] == "workflow"
    assert run["finished"] is False
    assert run["execution"]["status"] in {"created", "pending", "running"}
    assert run["source"] == {
        "id": "wf_echo",
        "name": "echo",
        "version": "1.1.0",
        "versionId": "wfh_echo_110",
        "implementationAvailable": True,
        "automationFound": True,
        "currentVersion": "1.1.0",
    }
    assert run["trigger"] == {"type": "api", "by": None}
    assert set(run["timing"]) == {"createdAt", "startedAt", "completedAt", "durationMs", "cancelRequestedAt"}
    assert "output" not in run  # not finished yet
    final = _poll(http, run["id"], _finished)
    assert final["execution"]["status"] == "completed"
    assert final["output"] == {"a": 1}
    assert final["error"] is None
    assert final["files"] == []
    assert final["timing"]["durationMs"] >= 0


def test_wait_for_completion_is_200_with_the_finished_run(http: httpx.Client) -> None:
    held = http.post("/v1/runs", params={"wait_for_completion": 20}, json={"target": "workflows.echo", "input": {}})
    assert held.status_code == 200, held.text
    assert held.json()["finished"] is True
    assert held.json() == http.get(f"/v1/runs/{held.json()['id']}").json()  # the same body as a get


def test_wait_for_completion_that_expires_is_202_and_not_finished(http: httpx.Client) -> None:
    body = {"target": "workflows.sleep", "input": {"seconds": 30}}
    for wait in (0, 1):
        held = http.post("/v1/runs", params={"wait_for_completion": wait}, json=body)
        assert held.status_code == 202, held.text
        assert held.json()["finished"] is False
        http.post(f"/v1/runs/{held.json()['id']}/cancel")


def test_a_failed_run_is_finished_with_its_error(http: httpx.Client) -> None:
    held = http.post("/v1/runs?wait_for_completion=20", json={"target": "workflows.fail", "input": {"message": "no"}})
    assert held.status_code == 200
    assert held.json()["execution"]["status"] == "failed"
    assert held.json()["output"] is None
    assert held.json()["error"] == "no"


def test_the_hold_is_capped_by_the_runs_hold_window() -> None:
    with LocalEigenpalServer(ServerConfig(runs_hold_window_seconds=0.3)) as server:
        started = time.monotonic()
        held = httpx.post(
            f"{server.base_url}/v1/runs?wait_for_completion=600", headers={"Authorization": f"Bearer {server.api_key}"},
            json={"target": "workflows.sleep", "input": {"seconds": 30}}, timeout=30,
        )  # fmt: skip
        assert held.status_code == 202
        assert time.monotonic() - started < 20  # the 0.3 s window, not the 600 s asked for
    with pytest.raises(ValueError, match="runs_hold_window_seconds"):
        ServerConfig(runs_hold_window_seconds=601)


def test_a_version_pins_the_run_and_an_unknown_one_is_a_404(http: httpx.Client) -> None:
    for version in ("1.0.0", "wfh_echo_100"):
        held = http.post(f"/v1/runs?wait_for_completion=20&version={version}", json={"target": "workflows.echo"})
        assert held.json()["source"]["version"] == "1.0.0"
        assert held.json()["source"]["versionId"] == "wfh_echo_100"
    missing = http.post("/v1/runs?version=9.9.9", json={"target": "workflows.echo"})
    assert missing.status_code == 404
    assert missing.json()["issues"][0]["field"] == "query.version"


@pytest.mark.parametrize(
    ("target", "status", "field"),
    [
        ("workflows.no-such", 404, "body.target"),
        ("agents.support", 404, "body.target"),
        ("echo", 400, "body.target"),
        ("workflows.echo@1.0.0", 400, "body.target"),
        ("", 400, "body.target"),
    ],
)
def test_a_target_that_names_no_workflow(http: httpx.Client, target: str, status: int, field: str) -> None:
    answer = http.post("/v1/runs", json={"target": target})
    assert answer.status_code == status, answer.text
    assert answer.json()["issues"][0]["field"] == field


def test_the_body_is_validated_against_the_contract(http: httpx.Client) -> None:
    assert http.post("/v1/runs", json={"input": {}}).json()["issues"][0]["field"] == "body.target"
    assert http.post("/v1/runs", json={"target": "workflows.echo", "input": []}).status_code == 400
    bad_input = http.post("/v1/runs", json={"target": "workflows.sleep", "input": {"seconds": -1}})
    assert bad_input.status_code == 400
    assert bad_input.json()["issues"][0]["field"] == "body.input.seconds"
    assert http.post("/v1/runs", content=b"{", headers={"content-type": "application/json"}).status_code == 400
    assert http.post("/v1/runs", content=b"x", headers={"content-type": "text/plain"}).status_code == 400
    assert http.post("/v1/runs?wait_for_completion=601", json={"target": "workflows.echo"}).status_code == 400


def test_the_trigger_header_is_recorded(http: httpx.Client) -> None:
    held = http.post("/v1/runs?wait_for_completion=20", json={"target": "workflows.echo"},
                     headers={"X-Eigenpal-Trigger": "cli"})  # fmt: skip
    assert held.json()["trigger"]["type"] == "cli"
    bad = http.post("/v1/runs", json={"target": "workflows.echo"}, headers={"X-Eigenpal-Trigger": "robot"})
    assert bad.status_code == 400
    assert bad.json()["issues"][0]["field"] == "header.x-eigenpal-trigger"


def test_a_multipart_start_with_files_parts(server: LocalEigenpalServer, http: httpx.Client, tmp_path: Path) -> None:
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(b"%PDF-1.4 not really")
    files: dict[str, Any] = {
        "target": (None, "workflows.echo"),
        "input": (None, json.dumps({"note": "hi"}), "application/json"),
        "metadata": (None, json.dumps({"batch": "b"}), "application/json"),
        "files.doc": ("c.pdf", pdf.read_bytes(), "application/pdf"),
    }
    held = http.post("/v1/runs?wait_for_completion=20", files=files)
    assert held.status_code == 200, held.text
    run = held.json()
    assert run["output"]["note"] == "hi"
    assert run["output"]["doc"]["filename"] == "c.pdf"
    assert run["files"] == [{"name": "c.pdf", "role": "input", "path": "inputs/doc/c.pdf",
                             "contentType": "application/pdf", "size": len(pdf.read_bytes())}]  # fmt: skip
    expanded = http.get(f"/v1/runs/{run['id']}", params={"expand": "input"}).json()["input"]
    assert expanded == {"args": {"note": "hi"}, "files": [{"name": "c.pdf"}], "metadata": {"batch": "b"}}


def test_a_multipart_part_outside_the_contract_is_refused_and_leaves_no_file(
    server: LocalEigenpalServer, http: httpx.Client
) -> None:
    before = set(server.store.files_dir.iterdir())
    wrong_name: dict[str, Any] = {"target": (None, "workflows.echo"), "doc": ("c.txt", b"x", "text/plain")}
    answer = http.post("/v1/runs", files=wrong_name)
    assert answer.status_code == 400
    assert answer.json()["issues"][0]["field"] == "body.doc"
    a_file = ("c.txt", b"x", "text/plain")
    bad_json: dict[str, Any] = {"target": (None, "workflows.echo"), "input": (None, "{"), "files.doc": a_file}
    assert http.post("/v1/runs", files=bad_json).json()["issues"][0]["field"] == "body.input"
    unknown: dict[str, Any] = {"target": (None, "workflows.nope"), "files.doc": ("c.txt", b"x", "text/plain")}
    assert http.post("/v1/runs", files=unknown).status_code == 404
    stray_text: dict[str, Any] = {"target": (None, "workflows.echo"), "comment": (None, "hello")}
    assert http.post("/v1/runs", files=stray_text).status_code == 400
    assert set(server.store.files_dir.iterdir()) == before


# --- get, steps, events, cancel ------------------------------------------------------------------------


def test_expand_adds_each_section(http: httpx.Client) -> None:
    held = http.post("/v1/runs?wait_for_completion=20", json={"target": "workflows.echo", "input": {"x": 1}}).json()
    plain = http.get(f"/v1/runs/{held['id']}").json()
    assert not {"input", "usage", "debug"} & set(plain)
    assert "steps" not in plain["execution"]
    full = http.get(f"/v1/runs/{held['id']}", params={"expand": "input, usage,execution,debug"}).json()
    assert full["input"] == {"args": {"x": 1}, "files": [], "metadata": None}
    assert full["usage"]["durationMs"] == full["timing"]["durationMs"]
    assert [step["stepId"] for step in full["execution"]["steps"]] == ["echo"]
    assert full["execution"]["definitionSnapshot"].startswith("name: echo")
    assert full["debug"]["observability"]["currentPhase"] == "finalizing"
    unknown = http.get(f"/v1/runs/{held['id']}", params={"expand": "input,everything"})
    assert unknown.status_code == 400
    assert unknown.json()["issues"][0]["field"] == "query.expand"


def test_steps_and_the_events_timeline(http: httpx.Client) -> None:
    held = http.post("/v1/runs?wait_for_completion=0", json={"target": "workflows.review", "input": {"a": 1}})
    assert held.status_code == 202  # review waits for a decision
    run_id = held.json()["id"]
    _poll(http, run_id, lambda run: run["execution"]["status"] == "waiting")
    steps = http.get(f"/v1/runs/{run_id}/steps").json()["steps"]
    assert [(step["stepId"], step["status"]) for step in steps] == [
        ("prepare", "completed"),
        ("await-review", "waiting"),
    ]
    assert http.post(f"/admin/executions/{run_id}/approve").status_code == 200
    _poll(http, run_id, _finished)
    events = http.get(f"/v1/runs/{run_id}/events").json()["events"]
    statuses = [event["status"] for event in events if event["type"] == "run.status_changed"]
    assert statuses == ["pending", "running", "waiting", "running", "finalizing", "completed"]
    assert events[0]["type"] == "run.created"
    assert [event["timestamp"] for event in events] == sorted(event["timestamp"] for event in events)
    step_events = [
        (event["type"], event["metadata"]["stepId"]) for event in events if event["type"].startswith("step.")
    ]
    assert ("step.completed", "prepare") in step_events
    assert ("step.completed", "await-review") in step_events
    changes = [event for event in events if event["type"] == "run.status_changed"]
    assert all(event["metadata"]["previousStatus"] for event in changes)


def test_cancel_reports_each_state_in_the_runs_words(server: LocalEigenpalServer, http: httpx.Client) -> None:
    server.state.engine.pause()
    try:
        queued = http.post("/v1/runs", json={"target": "workflows.sleep", "input": {"seconds": 30}}).json()
        first = http.post(f"/v1/runs/{queued['id']}/cancel").json()
    finally:
        server.state.engine.resume()
    assert first["cancellation"] == {"state": "cancelled", "wasStatus": "created"}
    assert first["finished"] is True
    assert first["execution"] == {"status": "cancelled"}

    running = http.post("/v1/runs", json={"target": "workflows.sleep", "input": {"seconds": 30}}).json()
    _poll(http, running["id"], lambda run: run["execution"]["status"] == "running")
    requested = http.post(f"/v1/runs/{running['id']}/cancel").json()
    assert requested["cancellation"] == {"state": "requested", "wasStatus": "running"}
    assert requested["finished"] is False
    final = _poll(http, running["id"], _finished)
    assert final["execution"]["status"] == "cancelled"
    assert final["timing"]["cancelRequestedAt"] is not None
    again = http.post(f"/v1/runs/{running['id']}/cancel").json()
    assert again["cancellation"] == {"state": "already_terminal", "wasStatus": "cancelled"}
    events = [event["type"] for event in http.get(f"/v1/runs/{running['id']}/events").json()["events"]]
    assert events.count("run.cancel_requested") == 1


def test_an_unknown_run_is_a_404_on_every_route(http: httpx.Client) -> None:
    for method, path in (("GET", ""), ("POST", "/cancel"), ("GET", "/steps"), ("GET", "/events")):
        answer = http.request(method, f"/v1/runs/exec_nope{path}")
        assert answer.status_code == 404
        assert answer.json()["issues"][0]["field"] == "path.id"
    assert http.delete("/v1/runs/exec_nope").status_code == 405


# --- one record, two surfaces --------------------------------------------------------------------------


def test_a_run_is_a_v1_execution_and_the_other_way_round(http: httpx.Client) -> None:
    run = http.post("/api/v1/runs?wait_for_completion=20", json={"target": "workflows.echo", "input": {"s": "runs"}})
    execution = http.get(f"/api/v1/workflows/executions/{run.json()['id']}").json()
    assert execution["status"] == "completed"
    assert execution["result"] == {"s": "runs"}

    v1 = http.post("/api/v1/workflows/echo/run?wait_for_completion=20", json={"input": {"s": "v1"}}).json()
    as_run = http.get(f"/v1/runs/{v1['executionId']}").json()
    assert as_run["output"] == {"s": "v1"}
    assert as_run["source"]["name"] == "echo"
    listed_runs = {item["id"] for item in http.get("/v1/runs", params={"limit": 100}).json()["runs"]}
    assert {run.json()["id"], v1["executionId"]} <= listed_runs
    listed_v1 = {item["id"] for item in http.get("/v1/workflows/echo/executions", params={"limit": 100}).json()["data"]}
    assert {run.json()["id"], v1["executionId"]} <= listed_v1


def test_the_idempotency_key_on_runs_and_across_surfaces(server: LocalEigenpalServer, http: httpx.Client) -> None:
    body = {"target": "workflows.echo", "input": {"k": 1}}
    key = {"Idempotency-Key": "key-runs-1"}
    first = http.post("/v1/runs", json=body, headers=key)
    again = http.post("/v1/runs?wait_for_completion=20", json=body, headers=key)
    assert first.headers["idempotency-key"] == "key-runs-1"
    assert again.json()["id"] == first.json()["id"]
    other = http.post("/v1/runs", json={**body, "metadata": {"m": 1}}, headers=key)
    assert other.status_code == 422
    assert other.json()["issues"][0]["code"] == "idempotency_key_reused"
    v1_same = http.post("/v1/workflows/echo/run", json={"input": {"k": 1}}, headers=key)
    assert v1_same.json()["executionId"] == first.json()["id"]  # the same request on the other surface


@pytest.mark.parametrize("mode", ["ignore", "echo-only"])
def test_a_server_not_honouring_keys_starts_a_run_per_request(mode: str) -> None:
    with LocalEigenpalServer(ServerConfig(idempotency_keys=mode)) as server:  # type: ignore[arg-type]
        headers = {"Authorization": f"Bearer {server.api_key}", "Idempotency-Key": "same"}
        ids = {httpx.post(f"{server.base_url}/v1/runs", json={"target": "workflows.echo"}, headers=headers).json()["id"]
               for _ in range(2)}  # fmt: skip
        assert len(ids) == 2


def test_each_tenant_sees_only_its_runs(server: LocalEigenpalServer, http: httpx.Client) -> None:
    mine = http.post("/v1/runs", json={"target": "workflows.echo"}).json()["id"]
    with httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer key-b"}) as other:
        assert other.get(f"/v1/runs/{mine}").status_code == 404
        assert other.post(f"/v1/runs/{mine}/cancel").status_code == 404
        assert mine not in {run["id"] for run in other.get("/v1/runs?limit=100").json()["runs"]}
    assert httpx.get(f"{server.base_url}/v1/runs").status_code == 401


# --- holds, faults, shapes -------------------------------------------------------------------------------


def test_a_runs_hold_ends_when_its_client_disconnects(server: LocalEigenpalServer) -> None:
    body = json.dumps({"target": "workflows.sleep", "input": {"seconds": 30}}).encode()
    request = (
        f"POST /v1/runs?wait_for_completion=20 HTTP/1.1\r\nHost: {server.host}\r\nAuthorization: Bearer key-a\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection((server.host, server.port)) as client:
        client.sendall(request)
        _wait_until(lambda: server.state.holds.active("team-a") == 1)
    _wait_until(lambda: server.state.holds.active("team-a") == 0, seconds=5.0)  # not after its 20 s window


def test_holds_beyond_the_tenant_bound_are_answered_at_once_with_202() -> None:
    with LocalEigenpalServer(ServerConfig(max_holds_per_tenant=0)) as server:
        started = time.monotonic()
        held = httpx.post(f"{server.base_url}/v1/runs?wait_for_completion=20", json={"target": "workflows.sleep"},
                          headers={"Authorization": f"Bearer {server.api_key}"}, timeout=30)  # fmt: skip
        assert held.status_code == 202
        assert time.monotonic() - started < 15


def test_faults_apply_to_the_runs_routes() -> None:
    with LocalEigenpalServer(ServerConfig(faults=FaultConfig(error_503_rate=1.0))) as server:
        answer = httpx.get(f"{server.base_url}/v1/runs", headers={"Authorization": f"Bearer {server.api_key}"})
        assert answer.status_code == 503
        assert server.state.faults is not None
        assert server.state.faults.counts["503"] == 1


def test_every_engine_state_has_a_runs_status_and_the_sample_rank_is_stable() -> None:
    assert set(RUN_STATUS) == set(KNOWN_STATUSES)
    assert set(RUN_STATUS.values()) == set(KNOWN_STATUSES)  # the runs API publishes the same nine names
    ranks = [sample_rank(f"exec_{n}") for n in range(200)]
    assert all(0 <= rank < 1 for rank in ranks)
    assert len(set(ranks)) == 200
    assert sample_rank("exec_1") == sample_rank("exec_1")


def test_a_run_of_an_older_server_shows_its_creation_and_end(server: LocalEigenpalServer, http: httpx.Client) -> None:
    held = http.post("/v1/runs?wait_for_completion=20", json={"target": "workflows.echo"}).json()
    # A server before the events table recorded none: the timeline falls back on the run's timestamps.
    server.store._db.execute("DELETE FROM run_events WHERE execution_id = ?", (held["id"],))
    events = http.get(f"/v1/runs/{held['id']}/events").json()["events"]
    runs = [
        (event["type"], event["status"], event["timestamp"]) for event in events if event["type"].startswith("run.")
    ]
    assert runs == [("run.created", "created", held["timing"]["createdAt"]),
                    ("run.status_changed", "completed", held["timing"]["completedAt"])]  # fmt: skip
    assert [event["type"] for event in events if event["type"].startswith("step.")] == [
        "step.started",
        "step.completed",
    ]
