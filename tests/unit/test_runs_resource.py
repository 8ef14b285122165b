"""``client.runs``: targets checked before any request, the start's body (JSON, multipart ``files.<key>``,
pre-uploaded ``$fileId``), waiting on runs (the ``finished`` rule, unknown statuses, timeouts), the
``Idempotency-Key`` rules and lookup data of a start that may have reached the server, list filters and cursors,
cancel, steps, events, and the handle.

Every request goes through an ``httpx.MockTransport`` on simulated time; each ``any_client`` test runs on the sync
client and on the async one.
"""

from __future__ import annotations

import copy
import json
import pickle
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from eigenpal_api.models import Run, RunCancelResult, RunEvents, RunPage, RunSteps

from eigenpal_ext import (
    ArgumentTypeError,
    ArgumentValueError,
    EigenpalClient,
    EigenpalResponseError,
    EigenpalServerError,
    EigenpalWaitTimeoutError,
    ExecutionStatus,
)
from eigenpal_ext.types import RunHandle, RunResult
from tests.support import FakeTime, Recorder, make_client
from tests.unit.conftest import ClientFactory

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def run_json(
    run_id: str = "exec_1", status: str = "pending", finished: bool | None = False, **extra: Any
) -> dict[str, Any]:
    """A ``Run`` as the runs API answers it."""
    body: dict[str, Any] = {"id": run_id, "type": "workflow", "execution": {"status": status},
                            "timing": {"createdAt": "2026-12-07T01:00:00.000Z"}, **extra}  # fmt: skip
    if finished is not None:
        body["finished"] = finished
    return body


class RunsApi:
    """A fake runs API: a start answers ``start`` (201), each poll the next of ``statuses`` (the last repeats)."""

    def __init__(self, *statuses: dict[str, Any], start: dict[str, Any] | None = None, start_status: int = 201):
        self.recorder = Recorder(self.respond)
        self.start = start or run_json()
        self.start_status = start_status
        self.statuses = list(statuses) or [run_json(status="completed", finished=True, output={"ok": True})]

    @property
    def requests(self) -> list[httpx.Request]:
        return self.recorder.requests

    def respond(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith("/runs"):
            return httpx.Response(self.start_status, json=self.start)
        if request.method == "POST" and path.endswith("/cancel"):
            return httpx.Response(200, json={"id": "exec_1", "cancellation": {"state": "requested"}})
        if path.endswith("/steps"):
            return httpx.Response(200, json={"steps": [{"name": "extract"}]})
        if path.endswith("/events"):
            return httpx.Response(200, json={"events": [{"type": "run.created", "status": "created"}]})
        if request.method == "GET" and "/runs/" in path:
            return httpx.Response(200, json=self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0])
        return httpx.Response(404, json={"error": "not found"})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return self.recorder(request)


def body_of(request: httpx.Request) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(request.content)
    return data


# --- targets ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "version", "argument", "words"),
    [
        ("extract-invoice", None, "target", "did you mean 'workflows.extract-invoice'"),
        ("workflows.", None, "target", "no usable slug"),
        ("workflows.a/b", None, "target", "no usable slug"),
        ("tasks.x", None, "target", "must be workflows.<slug> or agents.<slug>"),
        ("workflows.x@", None, "target", "empty or unusable version"),
        ("workflows.x@1.0", "2.0", "version", "give the version once"),
        ("workflows.x", "1 0", "version", "without spaces"),
    ],
)
def test_a_wrong_target_is_refused_before_any_request(
    any_client: ClientFactory, target: str, version: str | None, argument: str, words: str
) -> None:
    api = RunsApi()
    client = any_client(api)
    with pytest.raises(ArgumentValueError) as caught:
        client.runs.start(target, {"a": 1}, version=version)
    assert caught.value.argument == argument
    assert words in caught.value.reason
    assert api.requests == []


def test_a_target_of_another_type_is_a_type_error(any_client: ClientFactory) -> None:
    api = RunsApi()
    with pytest.raises(ArgumentTypeError) as caught:
        any_client(api).runs.run_and_wait(42)  # type: ignore[arg-type]
    assert caught.value.argument == "target"
    assert api.requests == []


@pytest.mark.parametrize(
    ("target", "version", "sent"),
    [
        ("workflows.echo", None, None),
        ("workflows.echo@1.2.0", None, "1.2.0"),
        ("workflows.echo", "main", "main"),
        ("workflows.echo@latest", None, None),
        ("workflows.echo@1.2.0", "1.2.0", "1.2.0"),
    ],
)
def test_the_version_travels_as_a_query_parameter(
    any_client: ClientFactory, target: str, version: str | None, sent: str | None
) -> None:
    api = RunsApi()
    any_client(api).runs.start(target, {"a": 1}, version=version)
    (request,) = api.requests
    assert request.url.params.get("version") == sent
    assert body_of(request)["target"] == "workflows.echo"


# --- the start's body --------------------------------------------------------------------------------------


def test_a_json_start_sends_target_input_overrides_metadata_and_a_key(any_client: ClientFactory) -> None:
    api = RunsApi()
    handle = any_client(api).runs.start(
        "workflows.echo", {"a": 1}, overrides={"steps": {"s": {"output": {}}}}, metadata={"batch": "b1"},
        trigger="cli",
    )  # fmt: skip
    (request,) = api.requests
    assert (request.method, request.url.path) == ("POST", "/api/v1/runs")
    assert body_of(request) == {
        "target": "workflows.echo", "input": {"a": 1}, "overrides": {"steps": {"s": {"output": {}}}},
        "metadata": {"batch": "b1"},
    }  # fmt: skip
    assert request.headers["Idempotency-Key"]
    assert request.headers["X-Eigenpal-Trigger"] == "cli"
    assert "wait_for_completion" not in request.url.params
    assert handle.id == "exec_1"
    assert handle.run_id == "exec_1"
    assert handle.status == ExecutionStatus.PENDING


def test_wait_for_completion_is_checked_and_sent(any_client: ClientFactory) -> None:
    api = RunsApi()
    client = any_client(api)
    with pytest.raises(ArgumentValueError) as caught:
        client.runs.start("workflows.echo", wait_for_completion=601)
    assert caught.value.argument == "wait_for_completion"
    client.runs.start("workflows.echo", wait_for_completion=600)
    assert api.requests[-1].url.params["wait_for_completion"] == "600"


def test_bad_metadata_is_refused_before_any_request(any_client: ClientFactory) -> None:
    api = RunsApi()
    with pytest.raises(ArgumentTypeError) as caught:
        any_client(api).runs.start("workflows.echo", metadata=["not", "a", "mapping"])  # type: ignore[arg-type]
    assert caught.value.argument == "metadata"
    with pytest.raises((ArgumentTypeError, ArgumentValueError)) as caught_value:
        any_client(api).runs.start("workflows.echo", metadata={"x": float("nan")})
    assert "metadata" in str(caught_value.value)
    assert api.requests == []


def multipart_parts(request: httpx.Request) -> dict[str, tuple[str | None, str, bytes]]:
    """The parts of a multipart body: name -> (filename, content type, bytes)."""
    content_type = request.headers["content-type"]
    boundary = content_type.split("boundary=")[1].encode()
    parts: dict[str, tuple[str | None, str, bytes]] = {}
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, body = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        headers = head.decode()
        name = re.search(r'name="([^"]+)"', headers)
        filename = re.search(r'filename="([^"]+)"', headers)
        kind = re.search(r"Content-Type: (\S+)", headers)
        assert name is not None
        parts[name.group(1)] = (filename and filename.group(1), kind.group(1) if kind else "", body)
    return parts


def test_a_path_input_goes_as_a_files_part_of_a_multipart_start(any_client: ClientFactory, tmp_path: Path) -> None:
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(b"%PDF-1.4 tiny")
    api = RunsApi()
    any_client(api).runs.start("workflows.extract-invoice@2", {"contract_document": pdf, "language": "de"},
                               metadata={"k": "v"})  # fmt: skip
    (request,) = api.requests
    parts = multipart_parts(request)
    assert parts["target"][2] == b"workflows.extract-invoice"
    assert json.loads(parts["input"][2]) == {"language": "de"}
    assert parts["input"][1] == "application/json"
    assert json.loads(parts["metadata"][2]) == {"k": "v"}
    assert parts["files.contract_document"] == ("invoice.pdf", "application/pdf", b"%PDF-1.4 tiny")
    assert request.url.params["version"] == "2"


def test_a_missing_file_is_named_before_any_request(any_client: ClientFactory, tmp_path: Path) -> None:
    api = RunsApi()
    with pytest.raises(FileNotFoundError, match=r"input\['doc'\]"):
        any_client(api).runs.start("workflows.x", {"doc": tmp_path / "missing.pdf"})
    assert api.requests == []


# --- files over multipart_max_bytes ------------------------------------------------------------------------


class FilesAndRuns(RunsApi):
    """``RunsApi`` plus the upload negotiation (``transport: multipart``) and the files route."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.uploaded: list[tuple[str | None, bytes]] = []

    def respond(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/files/uploads"):
            return httpx.Response(
                200, json={"transport": "multipart", "url": "/api/v1/files", "maxFileSizeBytes": 10**9}
            )
        if path.endswith("/files"):
            part = multipart_parts(request)["file"]
            self.uploaded.append((part[0], part[2]))
            return httpx.Response(200, json={"id": f"file_{len(self.uploaded)}", "size": len(part[2])})
        return super().respond(request)


def test_files_over_multipart_max_bytes_are_uploaded_first_and_sent_by_id(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    big, small = tmp_path / "big.pdf", tmp_path / "small.pdf"
    big.write_bytes(b"B" * 2000)
    small.write_bytes(b"s" * 10)
    api = FilesAndRuns()
    # 256 KiB of headroom for the other parts: a budget of 1000 bytes.
    client = any_client(api, multipart_max_bytes=256 * 1024 + 1000)
    client.runs.start("workflows.x", {"big": big, "small": small, "n": 1})
    negotiation, upload, start = api.requests
    assert body_of(negotiation)["size"] == 2000
    assert body_of(negotiation)["purpose"] == "run-input"
    assert body_of(negotiation)["idempotencyKey"]
    assert (upload.method, upload.url.path) == ("POST", "/api/v1/files")
    assert api.uploaded == [("big.pdf", b"B" * 2000)]
    parts = multipart_parts(start)
    assert json.loads(parts["input"][2]) == {"n": 1, "big": {"$fileId": "file_1"}}
    assert "files.big" not in parts
    assert parts["files.small"][2] == b"s" * 10


def test_the_largest_files_go_first_until_the_rest_fits(any_client: ClientFactory, tmp_path: Path) -> None:
    sizes = {"a": 600, "b": 500, "c": 400}
    inputs = {}
    for key, size in sizes.items():
        (tmp_path / key).write_bytes(b"x" * size)
        inputs[key] = tmp_path / key
    api = FilesAndRuns()
    any_client(api, multipart_max_bytes=256 * 1024 + 1000).runs.start("workflows.x", inputs)
    start = api.requests[-1]
    parts = multipart_parts(start)
    assert json.loads(parts["input"][2]) == {"a": {"$fileId": "file_1"}}  # 600 out, 900 left: fits
    assert set(parts) == {"target", "input", "files.b", "files.c"}


def test_zero_uploads_every_file_first_and_the_start_is_json(any_client: ClientFactory, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"a")
    api = FilesAndRuns()
    any_client(api, multipart_max_bytes=0).runs.start("workflows.x", {"doc": tmp_path / "a.pdf"})
    assert body_of(api.requests[-1]) == {"target": "workflows.x", "input": {"doc": {"$fileId": "file_1"}}}


def test_none_never_uploads_first(any_client: ClientFactory, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"a" * 5_000_000)
    api = FilesAndRuns()
    any_client(api, multipart_max_bytes=None).runs.start("workflows.x", {"doc": tmp_path / "a.pdf"})
    (start,) = api.requests
    assert "files.doc" in multipart_parts(start)


@pytest.mark.parametrize(
    ("environment", "expected"), [(None, 4718592), ("none", None), ("unlimited", None), ("123", 123), (" 0 ", 0)]
)
def test_multipart_max_bytes_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, environment: str | None, expected: int | None
) -> None:
    from eigenpal_ext._settings import resolve_multipart_max_bytes

    environ = {} if environment is None else {"EIGENPAL_MULTIPART_MAX_BYTES": environment}
    assert resolve_multipart_max_bytes("env", environ) == expected
    assert resolve_multipart_max_bytes(7, environ) == 7


def test_a_bad_multipart_max_bytes_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from eigenpal_ext._settings import resolve_multipart_max_bytes

    with pytest.raises(ArgumentValueError) as caught:
        resolve_multipart_max_bytes("env", {"EIGENPAL_MULTIPART_MAX_BYTES": "4.5MB"})
    assert caught.value.argument == "EIGENPAL_MULTIPART_MAX_BYTES"
    with pytest.raises(ArgumentValueError) as caught:
        EigenpalClient(api_key="k", multipart_max_bytes=-1)
    assert caught.value.argument == "multipart_max_bytes"


# --- waiting ------------------------------------------------------------------------------------------------


def test_run_and_wait_polls_until_the_run_says_it_finished(any_client: ClientFactory) -> None:
    seen: list[str] = []
    api = RunsApi(
        run_json(status="running"),
        run_json(status="completed", finished=True, output={"total": 3}, error=None),
    )
    result = any_client(api).runs.run_and_wait(
        "workflows.echo", {"a": 1}, on_status=lambda run: seen.append(str(run.execution.status))
    )
    assert isinstance(result, RunResult)
    assert (result.run_id, result.status, result.finished, result.output, result.error) == (
        "exec_1", ExecutionStatus.COMPLETED, True, {"total": 3}, None,
    )  # fmt: skip
    assert result.succeeded
    assert isinstance(result.run, Run)
    assert seen == ["running", "completed"]
    assert [(r.method, r.url.path) for r in api.requests] == [
        ("POST", "/api/v1/runs"), ("GET", "/api/v1/runs/exec_1"), ("GET", "/api/v1/runs/exec_1"),
    ]  # fmt: skip
    data = result.to_dict()
    assert data["id"] == "exec_1"
    assert data["output"] == {"total": 3}
    assert data["execution"]["status"] == "completed"
    assert json.loads(result.to_json()) == data


def test_the_finished_flag_is_the_servers_word(any_client: ClientFactory) -> None:
    # "completed" but not finished yet (the output is still being written): keep polling.
    api = RunsApi(
        run_json(status="completed", finished=False),
        run_json(status="timeout", finished=True, error="the run took too long"),
    )
    result = any_client(api).runs.run_and_wait("workflows.echo")
    assert result.status == "timeout"
    assert result.finished is True
    assert result.error == "the run took too long"
    assert len(api.requests) == 3


@pytest.mark.parametrize(("status", "completed_at", "ends"), [
    ("completed", None, True), ("timeout", None, True), ("expired", "2026-12-07T01:00:05Z", True),
    ("expired", None, False), ("running", "2026-12-07T01:00:05Z", False),
])  # fmt: skip
def test_without_the_flag_the_status_decides(status: str, completed_at: str | None, ends: bool) -> None:
    from eigenpal_ext._statuses import is_run_finished

    timing = {"createdAt": "2026-12-07T01:00:00Z", "completedAt": completed_at}
    assert is_run_finished(Run.from_dict(run_json(status=status, finished=None, timing=timing))) is ends


def test_a_start_answered_with_a_finished_run_is_not_polled(any_client: ClientFactory) -> None:
    api = RunsApi(start=run_json(status="completed", finished=True, output=[1]), start_status=200)
    result = any_client(api).runs.run_and_wait("workflows.echo", server_hold=True)
    assert result.output == [1]
    (start,) = api.requests
    assert int(start.url.params["wait_for_completion"]) > 0


def test_a_wait_past_its_deadline_names_the_run_and_cancels_when_asked(any_client: ClientFactory) -> None:
    api = RunsApi(run_json(status="running"))
    with pytest.raises(EigenpalWaitTimeoutError) as caught:
        any_client(api, time=FakeTime()).runs.wait("exec_1", timeout_seconds=5, cancel_on_timeout=True)
    assert caught.value.execution_id == "exec_1"
    assert caught.value.last_status == "running"
    assert "run exec_1 did not finish within 5s" in str(caught.value)
    assert "cancel requested: requested" in str(caught.value)
    assert (api.requests[-1].method, api.requests[-1].url.path) == ("POST", "/api/v1/runs/exec_1/cancel")


def test_a_wait_polls_through_transient_failures(any_client: ClientFactory) -> None:
    answers = iter([httpx.Response(503), httpx.Response(200, json=run_json(status="failed", finished=True, error="x"))])
    recorder = Recorder(lambda request: next(answers))
    result = any_client(recorder).runs.wait("exec_1")
    assert result.status == "failed"
    assert result.error == "x"


# --- a start that may have reached the server ---------------------------------------------------------------


def test_a_start_answered_502_is_not_sent_again_and_says_where_the_run_may_be(any_client: ClientFactory) -> None:
    recorder = Recorder(lambda request: httpx.Response(502, text="bad gateway"))
    with pytest.raises(EigenpalServerError) as caught:
        any_client(recorder).runs.start("workflows.echo", {"a": 1})
    assert len(recorder.requests) == 1
    error = caught.value
    assert error.execution_may_exist is True
    assert error.target == "workflows.echo"
    assert error.workflow_id is None
    assert error.created_after is not None
    assert error.created_before is not None
    assert error.created_after < datetime.now(UTC) < error.created_before
    assert "find the run of workflows.echo with client.runs.list(created_after=" in str(error)


def test_idempotent_runs_permits_retrying_a_502_start_with_the_same_key(any_client: ClientFactory) -> None:
    answers = iter([httpx.Response(502), httpx.Response(201, json=run_json())])
    recorder = Recorder(lambda request: next(answers))
    handle = any_client(recorder, idempotent_runs=True).runs.start("workflows.echo")
    assert handle.id == "exec_1"
    first, second = recorder.requests
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]


def test_an_accepted_start_without_an_id_says_a_run_exists(any_client: ClientFactory) -> None:
    recorder = Recorder(lambda request: httpx.Response(201, json={"finished": False}))
    with pytest.raises(EigenpalResponseError) as caught:
        any_client(recorder).runs.start("workflows.echo")
    assert caught.value.execution_may_exist is True
    assert caught.value.target == "workflows.echo"


# --- reading runs -------------------------------------------------------------------------------------------


def test_get_with_expand_as_a_list_or_a_string(any_client: ClientFactory) -> None:
    api = RunsApi()
    client = any_client(api)
    assert isinstance(client.runs.get("exec_1", expand=["input", "usage"]), Run)
    client.runs.get("exec_1", expand="input")
    assert [r.url.params.get("expand") for r in api.requests] == ["input,usage", "input"]
    with pytest.raises(ArgumentValueError, match="did you mean 'input'"):
        client.runs.get("exec_1", expand="Input")


def test_list_resolves_relative_dates_to_iso_8601(any_client: ClientFactory) -> None:
    recorder = Recorder(lambda request: httpx.Response(200, json={"runs": [run_json()], "nextCursor": "c2"}))
    page = any_client(recorder).runs.list(
        status=["failed", "cancelled"], created_after="now()-7d", created_before=datetime(2030, 1, 1),
        completed_after="2026-12-01", type="workflow", batch_id="b1", ids=["exec_1", "exec_2"], limit=10,
    )  # fmt: skip
    assert isinstance(page, RunPage)
    assert [run.id for run in page] == ["exec_1"]
    assert page.next_cursor == "c2"
    params = recorder.last.url.params
    assert params["status"] == "failed,cancelled"
    assert ISO_MS_Z.match(params["createdAfter"])
    assert params["createdBefore"] == "2030-01-01T00:00:00.000Z"
    assert params["completedAfter"] == "2026-12-01T00:00:00.000Z"
    assert (params["type"], params["batchId"], params["ids"], params["limit"]) == (
        "workflow",
        "b1",
        "exec_1,exec_2",
        "10",
    )


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"created_after": "now()", "created_before": "now()-1d"}, "created_after"),
    ({"limit": 101}, "limit"),
    ({"order": "up"}, "order"),
    ({"created_after": "yesterday"}, "created_after"),
    ({"status": "canceled"}, "status"),
])  # fmt: skip
def test_bad_list_filters_are_named_before_any_request(
    any_client: ClientFactory, kwargs: dict[str, Any], argument: str
) -> None:
    recorder = Recorder()
    with pytest.raises((ArgumentValueError, ArgumentTypeError)) as caught:
        any_client(recorder).runs.list(**kwargs)
    assert caught.value.argument == argument
    assert recorder.requests == []


def paged(pages: dict[str | None, tuple[list[str], str | None]]) -> Callable[[httpx.Request], httpx.Response]:
    def respond(request: httpx.Request) -> httpx.Response:
        ids, following = pages[request.url.params.get("cursor")]
        return httpx.Response(200, json={"runs": [run_json(run_id) for run_id in ids], "nextCursor": following})

    return respond


def test_iter_follows_the_cursors_lazily(any_client: ClientFactory) -> None:
    recorder = Recorder(paged({None: (["a", "b"], "c1"), "c1": (["c"], "c2"), "c2": (["b", "d"], None)}))
    runs = any_client(recorder).runs.iter(page_size=2, created_after="now()-1d")
    assert recorder.requests == []
    assert next(runs).id == "a"
    assert len(recorder.requests) == 1
    assert [run.id for run in runs] == ["b", "c", "d"]  # "b" again on a later page: yielded once
    assert [r.url.params.get("cursor") for r in recorder.requests] == [None, "c1", "c2"]
    windows = {r.url.params["createdAfter"] for r in recorder.requests}
    assert len(windows) == 1  # resolved once for the whole iteration


def test_iter_stops_at_max_items_and_refuses_a_cursor_given_twice(any_client: ClientFactory) -> None:
    recorder = Recorder(paged({None: (["a", "b"], "c1"), "c1": (["c"], "c1")}))
    client = any_client(recorder)
    assert [run.id for run in client.runs.iter(page_size=2, max_items=1)] == ["a"]
    assert recorder.requests[0].url.params["limit"] == "1"
    with pytest.raises(EigenpalResponseError, match="gave cursor 'c1' again"):
        list(client.runs.iter(page_size=2))


def test_cancel_steps_and_events(any_client: ClientFactory) -> None:
    api = RunsApi()
    client = any_client(api)
    cancelled = client.runs.cancel("exec_1")
    assert isinstance(cancelled, RunCancelResult)
    assert cancelled.cancellation is not None
    assert str(cancelled.cancellation.state) == "requested"
    steps = client.runs.steps("exec_1")
    assert isinstance(steps, RunSteps)
    assert list(steps) == [{"name": "extract"}]
    events = client.runs.events("exec_1")
    assert isinstance(events, RunEvents)
    assert [event.type_ for event in events] == ["run.created"]
    assert [(r.method, r.url.path) for r in api.requests] == [
        ("POST", "/api/v1/runs/exec_1/cancel"), ("GET", "/api/v1/runs/exec_1/steps"),
        ("GET", "/api/v1/runs/exec_1/events"),
    ]  # fmt: skip


def test_a_cancel_is_retried_like_a_get(any_client: ClientFactory) -> None:
    answers = iter([httpx.Response(503), httpx.Response(200, json={"id": "exec_1"})])
    recorder = Recorder(lambda request: next(answers))
    any_client(recorder).runs.cancel("exec_1")
    assert len(recorder.requests) == 2


@pytest.mark.parametrize("bad", ["", "   ", None])
def test_a_bad_run_id_is_refused_before_any_request(any_client: ClientFactory, bad: Any) -> None:
    recorder = Recorder()
    with pytest.raises(ArgumentValueError) as caught:
        any_client(recorder).runs.get(bad)
    assert caught.value.argument == "run_id"
    assert recorder.requests == []


# --- the handle -------------------------------------------------------------------------------------------


def test_the_handle_waits_gets_and_cancels() -> None:
    api = RunsApi(run_json(status="completed", finished=True, output={"x": 1}))
    with make_client(api) as client:
        handle = client.runs.start("workflows.echo")
        assert isinstance(handle, RunHandle)
        assert isinstance(handle, Run)
        assert handle.wait().output == {"x": 1}
        assert handle.get(expand="input").id == "exec_1"
        cancellation = handle.cancel().cancellation
        assert cancellation is not None
        assert str(cancellation.state) == "requested"


def test_the_handle_pickles_without_its_client_and_reattaches() -> None:
    api = RunsApi(run_json(status="completed", finished=True))
    with make_client(api) as client:
        handle = client.runs.start("workflows.echo")
        assert copy.copy(handle) == handle
        assert copy.deepcopy(handle).get().id == "exec_1"  # the same client
        restored = pickle.loads(pickle.dumps(handle))
        assert restored == handle
        assert restored.raw == handle.raw
        with pytest.raises(RuntimeError, match=r"client\.runs\.handle\(handle\)"):
            restored.wait()
        assert client.runs.handle(restored).wait().status == "completed"
        assert client.runs.handle("exec_9").id == "exec_9"


def test_a_handle_of_a_finished_start_waits_without_a_request() -> None:
    api = RunsApi(start=run_json(status="completed", finished=True, output=5), start_status=200)
    with make_client(api) as client:
        handle = client.runs.start("workflows.echo", wait_for_completion=30)
        assert handle.wait().output == 5
        assert len(api.requests) == 1
