"""Hostile JSON against the local server: nesting too deep for Python's recursive ``json``, in every place
a run stores it, over raw sockets on 127.0.0.1.

Before the depth limit a run whose input nested 967 levels was stored with 201, and every later read of
it (the execution, the executions list, ``/admin/stats``) answered 500, also after a restart; deeper
bodies answered 500 straight away. Now a body nesting deeper than ``MAX_REQUEST_DEPTH`` (64) gets a 400
envelope naming the field and nothing is stored; a row that an older server stored too deep reads back
as a placeholder, never as a 500.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig
from eigenpal_ext.testing._json_limits import MAX_REQUEST_CONTAINERS, MAX_REQUEST_DEPTH, MAX_STORED_DEPTH
from tests.e2e.hostile_server_raw import (
    RawConnection,
    RawResponse,
    deep_array,
    json_request,
    multipart_request,
    request_head,
    text_part,
    wait_until,
)

RUN_ECHO = "/api/v1/workflows/echo/run"


@pytest.fixture
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer() as local:
        yield local


def send(server: LocalEigenpalServer, request: bytes) -> RawResponse:
    with RawConnection(server.port) as connection:
        connection.send(request)
        return connection.read_response()


def get(server: LocalEigenpalServer, path: str) -> RawResponse:
    return send(server, request_head("GET", path, key=server.api_key))


def reads_of(server: LocalEigenpalServer, execution_id: str) -> dict[str, RawResponse]:
    """Every read that decodes the row: the execution with steps, the workflow's list, the stats."""
    return {
        "execution": get(server, f"/api/v1/workflows/executions/{execution_id}?includeSteps=true"),
        "list": get(server, "/api/v1/workflows/echo/executions"),
        "stats": get(server, "/admin/stats"),
    }


@pytest.mark.parametrize("depth", [MAX_REQUEST_DEPTH, 967, 5_000, 100_000])
def test_a_too_deep_input_is_refused_before_it_is_stored(server: LocalEigenpalServer, depth: int) -> None:
    body = f'{{"input": {{"deep": {deep_array(depth)}}}}}'
    answer = send(server, json_request(RUN_ECHO, body, key=server.api_key))

    assert answer.status == 400, answer.body[:300]
    issue = answer.issues[0]
    assert issue["field"] in ("body", "body.input")  # named when the body could be parsed at all
    assert f"deeper than {MAX_REQUEST_DEPTH} levels" in issue["message"]
    assert server.store.count_executions() == 0
    listing = get(server, "/api/v1/workflows/echo/executions")
    assert (listing.status, listing.json()["total"]) == (200, 0)


# Up to the parser's recursion limit the field is named; past it the body as a whole is.
@pytest.mark.parametrize(("depth", "field"), [(MAX_REQUEST_DEPTH, "body.overrides"), (500, "body.overrides"),
                                              (5_000, "body")])  # fmt: skip
def test_deep_overrides_are_refused(server: LocalEigenpalServer, depth: int, field: str) -> None:
    body = json.dumps({"input": {}, "overrides": {"steps": {"echo": "placeholder"}}}).replace(
        '"placeholder"', deep_array(depth)
    )
    answer = send(server, json_request(RUN_ECHO, body, key=server.api_key))

    assert answer.status == 400, answer.body[:300]
    assert answer.issues[0]["field"] == field
    assert server.store.count_executions() == 0


def test_a_too_deep_multipart_json_part_is_refused(server: LocalEigenpalServer) -> None:
    body = f'{{"input": {{"deep": {deep_array(2_000)}}}}}'
    answer = send(server, multipart_request(RUN_ECHO, [text_part("_json", body)], key=server.api_key))

    assert answer.status == 400, answer.body[:300]
    assert answer.issues[0]["field"].startswith("body._json")
    assert server.store.count_executions() == 0


def test_a_body_of_too_many_objects_is_refused_before_it_is_parsed(server: LocalEigenpalServer) -> None:
    # 4 MiB of {} are 1.3 million objects: ten such runs in parallel once took the server to 1.2 GiB.
    def body(objects: int) -> str:
        return '{"input": {"x": [' + ",".join(["{}"] * objects) + "]}}"  # 3 more: the body, input and x

    refused = send(server, json_request(RUN_ECHO, body(1_300_000), key=server.api_key))
    assert refused.status == 413, refused.body[:300]
    assert refused.issues[0]["message"].startswith(f"the body holds more than {MAX_REQUEST_CONTAINERS} arrays")
    assert server.store.count_executions() == 0

    one_too_many = send(server, json_request(RUN_ECHO, body(MAX_REQUEST_CONTAINERS - 2), key=server.api_key))
    assert one_too_many.status == 413
    at_the_limit = send(server, json_request(RUN_ECHO, body(MAX_REQUEST_CONTAINERS - 3), key=server.api_key))
    assert at_the_limit.status == 201, at_the_limit.body[:300]


def test_the_deepest_accepted_input_is_stored_and_read_back_also_after_a_restart(tmp_path: Path) -> None:
    # {"input": {"deep": [[...]]}}: the body nests exactly MAX_REQUEST_DEPTH levels.
    inner = MAX_REQUEST_DEPTH - 2
    body = f'{{"input": {{"deep": {deep_array(inner)}}}}}'
    config = ServerConfig(data_dir=tmp_path / "data")
    with LocalEigenpalServer(config) as first:
        answer = send(first, json_request(RUN_ECHO, body, key=first.api_key))
        assert answer.status == 201, answer.body[:300]
        execution_id = answer.json()["executionId"]
        wait_for_terminal(first, execution_id)
        reads = reads_of(first, execution_id)
        assert {name: read.status for name, read in reads.items()} == {"execution": 200, "list": 200, "stats": 200}
        assert reads["execution"].json()["triggerInput"] == json.loads(body)["input"]

    with LocalEigenpalServer(config) as second:
        reads = reads_of(second, execution_id)
        assert {name: read.status for name, read in reads.items()} == {"execution": 200, "list": 200, "stats": 200}
        assert reads["execution"].json()["triggerInput"] == json.loads(body)["input"]
        assert reads["execution"].json()["status"] == "completed"


def wait_for_terminal(server: LocalEigenpalServer, execution_id: str) -> None:
    def terminal() -> bool:
        execution = server.store.get(execution_id)
        return execution is not None and execution.is_terminal

    wait_until(terminal, what=f"{execution_id} to finish")


def store_deep_row(database: Path, *, execution_id: str, depth: int) -> None:
    """Write a completed ``echo`` row as a server without the depth limit did: every JSON column deep."""
    deep = deep_array(depth)
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO executions (id, tenant, workflow_id, workflow_name, version_id, status, input_json,"
            " overrides_json, trigger, result_json, steps_json, created_at, started_at, completed_at)"
            " VALUES (?, 'dev', 'wf_echo', 'echo', 'ver_echo_1', 'completed', ?, ?, 'api', ?, ?,"
            " '2026-11-27T10:00:00.000Z', '2026-11-27T10:00:00.010Z', '2026-11-27T10:00:00.020Z')",
            (
                execution_id,
                f'{{"deep": {deep}}}',
                f'{{"steps": {{"echo": {deep}}}}}',
                f'{{"echo": {deep}}}',
                f'[{{"stepId": "echo", "status": "completed", "output": {deep}}}]',
            ),
        )


@pytest.mark.parametrize("depth", [967, 5_000])
def test_a_row_stored_too_deep_by_an_older_server_never_answers_500(tmp_path: Path, depth: int) -> None:
    config = ServerConfig(data_dir=tmp_path / "data")
    with LocalEigenpalServer(config) as first:  # creates the database and its schema
        workflow_id = first.state.workflows["echo"].id
    store_deep_row(tmp_path / "data" / "eigenpal.sqlite3", execution_id="exec_deep_legacy", depth=depth)
    with sqlite3.connect(tmp_path / "data" / "eigenpal.sqlite3") as db:
        db.execute("UPDATE executions SET workflow_id = ? WHERE id = 'exec_deep_legacy'", (workflow_id,))
        db.execute("PRAGMA user_version = 0")  # as an older server left its database: never checked

    with LocalEigenpalServer(config) as restarted:
        reads = reads_of(restarted, "exec_deep_legacy")
        assert {name: read.status for name, read in reads.items()} == {"execution": 200, "list": 200, "stats": 200}
        execution: dict[str, Any] = reads["execution"].json()
        assert execution["status"] == "completed"
        for field in ("triggerInput", "overrides", "result"):
            assert f"deeper than {MAX_STORED_DEPTH} levels" in execution[field]["unreadable"]
        assert execution["steps"] == []
        listed = reads["list"].json()["data"]
        assert [item["id"] for item in listed] == ["exec_deep_legacy"]
        assert "unreadable" in listed[0]["triggerInput"]
        assert reads["stats"].json()["byStatus"] == {"completed": 1}
        assert restarted.store.bounded_values == 4  # input, overrides, result and steps, replaced once

    with LocalEigenpalServer(config) as again:  # the placeholders were stored: the next start checks nothing
        assert again.store.bounded_values == 0
        assert reads_of(again, "exec_deep_legacy")["execution"].json() == execution
