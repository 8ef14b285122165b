"""``Call`` is a typed request: its fields say what is sent, ``request`` renders them as httpx takes them, and
``timeout`` resolves the per-request timeout against the client's default (a held run reads longer). Every
builder takes ``request_timeout_seconds``; a run is one ``RunRequest``, checked when it is made."""

from __future__ import annotations

import io
import math
from pathlib import Path

import httpx
import pytest

from eigenpal_ext import ArgumentTypeError, ArgumentValueError
from eigenpal_ext._calls import (
    RunRequest,
    cancel_execution_call,
    get_execution_call,
    get_workflow_call,
    list_executions_call,
    list_versions_call,
    list_workflows_call,
)
from eigenpal_ext._limits import DEADLINE_EXTENSION
from eigenpal_ext._retry import MAX_RETRIES_EXTENSION

DEFAULT = httpx.Timeout(60.0, connect=10.0)


def test_a_get_is_its_fields_and_renders_as_httpx_takes_it() -> None:
    call = get_execution_call("exec/1", include_steps=True, request_timeout_seconds=5, max_retries=0)
    assert (call.method, call.path, dict(call.params)) == (
        "GET", "/api/v1/workflows/executions/exec%2F1", {"includeSteps": "true"},
    )  # fmt: skip
    assert call.request == {
        "method": "GET", "url": "/api/v1/workflows/executions/exec%2F1", "params": {"includeSteps": "true"},
    }  # fmt: skip
    arguments = call.send_arguments(DEFAULT)
    assert arguments["timeout"] == httpx.Timeout(5.0)
    assert arguments["extensions"] == {MAX_RETRIES_EXTENSION: 0}


def test_without_its_own_timeout_a_call_leaves_the_clients_default_alone() -> None:
    call = cancel_execution_call("exec_1")
    assert call.timeout(DEFAULT) is None
    assert "timeout" not in call.send_arguments(DEFAULT)
    assert "params" not in call.request  # an empty query is not sent (httpx would re-parse the URL)


@pytest.mark.parametrize(
    "build",
    [
        lambda seconds: list_workflows_call(
            search=None, name=None, kind=None, limit=5, offset=None, request_timeout_seconds=seconds
        ),
        lambda seconds: get_workflow_call("wf_1", request_timeout_seconds=seconds),
        lambda seconds: list_versions_call("wf_1", limit=5, offset=None, request_timeout_seconds=seconds),
        lambda seconds: get_execution_call("exec_1", request_timeout_seconds=seconds),
        lambda seconds: list_executions_call(
            "wf_1",
            status=None,
            from_date=None,
            to_date=None,
            example_id=None,
            limit=5,
            offset=None,
            request_timeout_seconds=seconds,
        ),
        lambda seconds: cancel_execution_call("exec_1", request_timeout_seconds=seconds),
        lambda seconds: RunRequest("wf_1", {"a": 1}, request_timeout_seconds=seconds).call(),
    ],
)
def test_every_builder_takes_its_own_request_timeout_and_checks_it(build: object) -> None:
    assert callable(build)
    assert build(7).timeout(DEFAULT) == httpx.Timeout(7.0)
    for bad in (0, -1, math.inf, math.nan, True):
        with pytest.raises(ArgumentValueError) as raised:
            build(bad)
        assert raised.value.argument == "request_timeout_seconds"


def test_a_run_is_json_with_its_key_and_a_held_run_reads_for_the_hold_plus_the_margin() -> None:
    run = RunRequest("extract-invoice", {"n": 1}, version="v2", trigger="cli", idempotency_key="key-1")
    call = run.call(50, deadline=12.5)
    assert call.request == {
        "method": "POST",
        "url": "/api/v1/workflows/extract-invoice/run",
        "params": {"version": "v2", "wait_for_completion": 50},
        "headers": {"Idempotency-Key": "key-1"},
        "json": {"input": {"n": 1}, "trigger": "cli"},
    }
    assert (call.idempotency_key, call.hold_seconds, call.deadline) == ("key-1", 50, 12.5)
    assert call.timeout(DEFAULT) == httpx.Timeout(connect=10.0, read=65.0, write=60.0, pool=60.0)  # 50 + 15 s
    assert call.send_arguments(DEFAULT)["extensions"] == {DEADLINE_EXTENSION: 12.5}
    assert run.call().request["params"] == {"version": "v2"}  # not held: no wait_for_completion


def test_every_attempt_of_one_run_carries_the_same_key_and_runs_differ() -> None:
    run = RunRequest("wf_1", {"n": 1})
    assert run.call().idempotency_key == run.call(10).idempotency_key == run.idempotency_key
    assert RunRequest("wf_1", {"n": 1}).idempotency_key != run.idempotency_key


def test_a_file_run_is_multipart_parts_and_the_call_closes_what_it_opened(tmp_path: Path) -> None:
    document = tmp_path / "contract.pdf"
    document.write_bytes(b"%PDF-1.4 x")
    run = RunRequest("wf_1", {"contract_document": document, "language": "en"})
    assert run.uploads_files
    call = run.call()
    assert call.json is None
    assert call.parts is not None
    assert [name for name, _ in call.parts] == ["_json", "contract_document"]
    (upload,) = call.uploads
    assert not upload.closed
    call.close()
    assert upload.closed
    handle = io.BytesIO(b"abc")
    RunRequest("wf_1", {"doc": handle}).call().close()
    assert not handle.closed  # a handle the caller opened stays the caller's


def test_a_run_is_checked_when_it_is_made_before_anything_is_opened(tmp_path: Path) -> None:
    with pytest.raises(ArgumentValueError) as raised:
        RunRequest(" ", {"a": 1})
    assert raised.value.argument == "workflow_id"
    with pytest.raises(ArgumentTypeError) as typed:
        RunRequest("wf_1", {"a": {1, 2}})
    assert typed.value.argument == "input['a']"
    with pytest.raises(ArgumentValueError) as trigger:
        RunRequest("wf_1", None, trigger="cron")
    assert (trigger.value.argument, trigger.value.reason) == ("trigger", "must be one of ['api', 'cli'], got 'cron'")
    with pytest.raises(FileNotFoundError, match="input\\['doc'\\]"):
        RunRequest("wf_1", {"doc": tmp_path / "missing.pdf"})
