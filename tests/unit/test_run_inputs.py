"""``client.workflows``: run bodies (JSON and multipart), file inputs, path encoding, run responses, list/get/versions.

Every request goes through an ``httpx.MockTransport``; multipart bodies are parsed with the stdlib email parser,
so the boundary, part headers and bytes are checked as a server would read them. Each test that takes
``any_client`` runs on the sync client and on the async one (``tests/unit/conftest.py``).
"""

from __future__ import annotations

import datetime
import email.parser
import email.policy
import io
import json
import os
from email.message import EmailMessage
from pathlib import Path
from typing import IO, Any

import attrs
import httpx
import pytest
from eigenpal_api.models import StartedExecution, Workflow, WorkflowPage, WorkflowVersionPage

from eigenpal_ext import (
    EigenpalConnectionError,
    EigenpalError,
    EigenpalResponseError,
    EigenpalServerError,
    EigenpalTimeoutError,
    EigenpalValidationError,
)
from tests.support import Handler, Recorder
from tests.unit.conftest import ClientFactory

TRICKY_BYTES = b"%PDF-1.7\r\n--+++\r\n\x00\x00\x00binary\xff\xfe\r\n--+++--\r\n\r\n\x00"
WORKFLOW_ID = "my wf/x?y#z"
ENCODED_WORKFLOW = b"/api/v1/workflows/my%20wf%2Fx%3Fy%23z"


@attrs.frozen
class Part:
    name: str | None
    filename: str | None
    content_type: str
    data: bytes


def parse_multipart(request: httpx.Request) -> list[Part]:
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.content
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    assert message.is_multipart()
    parts: list[Part] = []
    for part in message.iter_parts():
        assert isinstance(part, EmailMessage)
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        name = part.get_param("name", header="content-disposition")
        parts.append(
            Part(
                name=name if isinstance(name, str) else None,
                filename=part.get_filename(),
                content_type=part.get_content_type(),
                data=payload,
            )
        )
    return parts


def part_named(parts: list[Part], name: str) -> Part:
    matches = [part for part in parts if part.name == name]
    assert len(matches) == 1, f"expected one part named {name!r}, got {[p.name for p in parts]}"
    return matches[0]


def json_body(request: httpx.Request) -> Any:
    assert request.headers["content-type"] == "application/json"
    return json.loads(request.content)


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "contract.pdf"
    path.write_bytes(TRICKY_BYTES)
    return path


# --- JSON runs --------------------------------------------------------------------------------------------


def test_scalar_inputs_are_sent_as_json(any_client: ClientFactory) -> None:
    recorder = Recorder()
    result = any_client(recorder).workflows.run(
        "wf_1", input={"name": "Ada", "count": 3, "ratio": 0.5, "ok": True, "nothing": None, "tags": ["a", "b"]}
    )
    assert isinstance(result, StartedExecution)
    assert result.execution_id == "exec_1"
    request = recorder.last
    assert request.method == "POST"
    assert request.url.path == "/api/v1/workflows/wf_1/run"
    assert json_body(request) == {
        "input": {"name": "Ada", "count": 3, "ratio": 0.5, "ok": True, "nothing": None, "tags": ["a", "b"]}
    }


def test_nested_json_inputs_and_tuples(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", input={"meta": {"pair": (1, 2), "deep": [{"k": "v"}]}})
    assert json_body(recorder.last) == {"input": {"meta": {"pair": [1, 2], "deep": [{"k": "v"}]}}}


def test_no_input_sends_empty_object(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1")
    assert json_body(recorder.last) == {}
    any_client(recorder).workflows.run("wf_1", input=None)
    assert json_body(recorder.last) == {}


def test_empty_input_sends_empty_input_object(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", input={})
    assert json_body(recorder.last) == {"input": {}}


def test_overrides_with_steps_are_sent_as_is(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", input={"a": 1}, overrides={"steps": {"s1": {"text": "x"}}})
    assert json_body(recorder.last) == {"input": {"a": 1}, "overrides": {"steps": {"s1": {"text": "x"}}}}


def test_flat_overrides_are_wrapped_in_steps(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", overrides={"s1": {"text": "x"}, "s2": {"n": 2}})
    assert json_body(recorder.last) == {"overrides": {"steps": {"s1": {"text": "x"}, "s2": {"n": 2}}}}


def test_trigger_and_version_are_sent(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", input={"a": 1}, trigger="cli", version="1.2.3")
    assert json_body(recorder.last) == {"input": {"a": 1}, "trigger": "cli"}
    assert dict(recorder.last.url.params) == {"version": "1.2.3"}


@pytest.mark.parametrize("trigger", ["web", "API", "", 1])
def test_bad_trigger_is_refused_listing_the_choices(trigger: Any, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="trigger") as info:
        any_client(recorder).workflows.run("wf_1", input={"a": 1}, trigger=trigger)
    assert "api" in str(info.value)
    assert "cli" in str(info.value)
    assert recorder.requests == []


def test_bad_trigger_is_refused_on_the_multipart_path_too(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="cli"):
        any_client(recorder).workflows.run("wf_1", input={"doc": document}, trigger="web")
    assert recorder.requests == []


# --- multipart runs ---------------------------------------------------------------------------------------


def test_path_input_is_sent_as_multipart_with_exact_bytes(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    result = any_client(recorder).workflows.run(
        "wf_1",
        input={"contract_document": document, "customer": "ACME", "amount": 12.5},
        overrides={"steps": {"parse": {"text": "x"}}},
        trigger="cli",
    )
    assert result.execution_id == "exec_1"
    request = recorder.last
    assert request.url.path == "/api/v1/workflows/wf_1/run"
    parts = parse_multipart(request)
    assert sorted(part.name or "" for part in parts) == ["_json", "contract_document"]
    assert json.loads(part_named(parts, "_json").data) == {
        "input": {"customer": "ACME", "amount": 12.5},
        "overrides": {"steps": {"parse": {"text": "x"}}},
        "trigger": "cli",
    }
    file_part = part_named(parts, "contract_document")
    assert file_part.filename == "contract.pdf"
    assert file_part.content_type == "application/pdf"
    assert file_part.data == TRICKY_BYTES


def test_multipart_boundary_is_random(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    client = any_client(recorder)
    client.workflows.run("wf_1", input={"doc": document})
    client.workflows.run("wf_1", input={"doc": document})
    boundaries = [request.headers["content-type"].split("boundary=", 1)[1] for request in recorder.requests]
    assert boundaries[0] != boundaries[1]
    assert all(len(boundary) >= 16 for boundary in boundaries)
    assert all(boundary.encode() not in TRICKY_BYTES for boundary in boundaries)


def test_only_files_leaves_out_json_part(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", input={"doc": document})
    parts = parse_multipart(recorder.last)
    assert [part.name for part in parts] == ["doc"]


def test_one_file_part_per_file_input_with_guessed_mime_types(tmp_path: Path, any_client: ClientFactory) -> None:
    files = {"invoice": ("invoice.pdf", "application/pdf"), "notes": ("notes.txt", "text/plain")}
    files["blob"] = ("data.unknownext", "application/octet-stream")
    inputs: dict[str, Any] = {}
    for key, (filename, _) in files.items():
        path = tmp_path / filename
        path.write_bytes(f"content of {key}".encode())
        inputs[key] = path
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", input={**inputs, "n": 1})
    parts = parse_multipart(recorder.last)
    assert sorted(part.name or "" for part in parts) == ["_json", "blob", "invoice", "notes"]
    for key, (filename, mime_type) in files.items():
        part = part_named(parts, key)
        assert part.filename == filename
        assert part.content_type == mime_type
        assert part.data == f"content of {key}".encode()
    assert json.loads(part_named(parts, "_json").data) == {"input": {"n": 1}}


def test_multipart_is_the_run_route_with_query(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", input={"doc": document}, version="wfh_9", wait_for_completion=5)
    assert recorder.last.url.path == "/api/v1/workflows/wf_1/run"
    assert dict(recorder.last.url.params) == {"version": "wfh_9", "wait_for_completion": "5"}


def test_large_file_is_sent_whole(tmp_path: Path, any_client: ClientFactory) -> None:
    content = bytes(range(256)) * 2000 + TRICKY_BYTES  # > several httpx chunks
    path = tmp_path / "big.bin"
    path.write_bytes(content)
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", input={"big": path})
    assert part_named(parse_multipart(recorder.last), "big").data == content


def test_binary_file_handle_is_sent_and_not_closed(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with document.open("rb") as handle:
        any_client(recorder).workflows.run("wf_1", input={"doc": handle})
        assert not handle.closed
    part = part_named(parse_multipart(recorder.last), "doc")
    assert part.filename == "contract.pdf"
    assert part.content_type == "application/pdf"
    assert part.data == TRICKY_BYTES


def test_handle_positioned_mid_file_sends_whole_content(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with document.open("rb") as handle:
        handle.seek(7)
        any_client(recorder).workflows.run("wf_1", input={"doc": handle})
    assert part_named(parse_multipart(recorder.last), "doc").data == TRICKY_BYTES


def test_bytesio_input_is_sent_whole_and_not_closed(any_client: ClientFactory) -> None:
    buffer = io.BytesIO(TRICKY_BYTES)
    buffer.seek(5)
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", input={"scan": buffer})
    assert not buffer.closed
    part = part_named(parse_multipart(recorder.last), "scan")
    assert part.data == TRICKY_BYTES
    assert part.filename  # a nameless buffer still gets a filename
    assert part.content_type == "application/octet-stream"


@pytest.mark.parametrize("mime_key", ["mime_type", "mimeType"])
def test_content_mapping_input(mime_key: str, any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.run(
        "wf_1", input={"doc": {"content": TRICKY_BYTES, "filename": "a.pdf", mime_key: "application/x-custom"}}
    )
    part = part_named(parse_multipart(recorder.last), "doc")
    assert part.filename == "a.pdf"
    assert part.content_type == "application/x-custom"
    assert part.data == TRICKY_BYTES


def test_content_mapping_guesses_mime_type_when_missing(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.run("wf_1", input={"doc": {"content": bytearray(b"abc"), "filename": "a.pdf"}})
    part = part_named(parse_multipart(recorder.last), "doc")
    assert part.content_type == "application/pdf"
    assert part.data == b"abc"


def test_text_mode_handle_is_refused(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with document.open("r", encoding="latin-1") as handle, pytest.raises(TypeError, match="binary") as info:
        any_client(recorder).workflows.run("wf_1", input={"doc": handle})
    assert "input['doc']" in str(info.value)
    assert recorder.requests == []


def test_string_io_is_refused(any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(TypeError, match="input\\['doc'\\]"):
        any_client(recorder).workflows.run("wf_1", input={"doc": io.StringIO("text")})
    assert recorder.requests == []


def test_missing_path_names_the_input_before_any_request(
    tmp_path: Path, document: Path, any_client: ClientFactory
) -> None:
    recorder = Recorder()
    with pytest.raises(FileNotFoundError, match="contract_document"):
        any_client(recorder).workflows.run(
            "wf_1", input={"other": document, "contract_document": tmp_path / "missing.pdf"}
        )
    assert recorder.requests == []


def test_directory_path_is_refused(tmp_path: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(FileNotFoundError, match="folder"):
        any_client(recorder).workflows.run("wf_1", input={"folder": tmp_path})
    assert recorder.requests == []


def test_nested_path_is_refused_naming_where(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(TypeError) as info:
        any_client(recorder).workflows.run("wf_1", input={"pages": [document]})
    assert "input['pages'][0]" in str(info.value)
    with pytest.raises(TypeError) as info:
        any_client(recorder).workflows.run("wf_1", input={"meta": {"scan": document}})
    assert "input['meta']['scan']" in str(info.value)
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("inputs", "where"),
    [
        ({"tags": {"a", "b"}}, "input['tags']"),
        ({"when": datetime.datetime(2026, 5, 9, tzinfo=datetime.UTC)}, "input['when']"),
        ({"meta": {"day": datetime.date(2026, 5, 9)}}, "input['meta']['day']"),
        ({"list": [1, object()]}, "input['list'][1]"),
        ({"raw": b"bytes"}, "input['raw']"),
    ],
)
def test_unsendable_values_are_refused_naming_where(
    inputs: dict[str, Any], where: str, any_client: ClientFactory
) -> None:
    recorder = Recorder()
    with pytest.raises(TypeError) as info:
        any_client(recorder).workflows.run("wf_1", input=inputs)
    assert where in str(info.value)
    assert recorder.requests == []


@pytest.mark.parametrize("value", [float("nan"), float("inf"), [float("-inf")]])
def test_non_finite_floats_are_refused(value: Any, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="input\\['x'\\]"):
        any_client(recorder).workflows.run("wf_1", input={"x": value})
    assert recorder.requests == []


def test_non_finite_float_in_multipart_json_is_refused(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="input\\['x'\\]"):
        any_client(recorder).workflows.run("wf_1", input={"doc": document, "x": float("nan")})
    assert recorder.requests == []


def test_input_must_be_a_mapping(any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(TypeError, match="input"):
        any_client(recorder).workflows.run("wf_1", input=[("a", 1)])  # type: ignore[arg-type]
    assert recorder.requests == []


@pytest.fixture
def opened_handles(monkeypatch: pytest.MonkeyPatch) -> list[IO[Any]]:
    """Every handle the client opens on a path input during the test (``_files`` opens a descriptor without
    blocking, so that a FIFO swapped in after the check cannot hang it, then wraps it with ``os.fdopen``)."""
    handles: list[IO[Any]] = []
    original = os.fdopen

    def recording_fdopen(fd: int, *args: Any, **kwargs: Any) -> IO[Any]:
        handle: IO[Any] = original(fd, *args, **kwargs)
        handles.append(handle)
        return handle

    monkeypatch.setattr(os, "fdopen", recording_fdopen)
    return handles


def test_path_inputs_are_closed_after_the_call(
    document: Path, opened_handles: list[IO[Any]], any_client: ClientFactory
) -> None:
    recorder = Recorder()
    second = document.with_name("second.pdf")
    second.write_bytes(b"2")
    any_client(recorder).workflows.run("wf_1", input={"a": document, "b": second})
    assert len(recorder.requests) == 1
    assert len(opened_handles) >= 2
    assert all(handle.closed for handle in opened_handles)


def _server_error(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, json={"issues": []})


def _dropped(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("server disconnected", request=request)


@pytest.mark.parametrize(
    ("respond", "expected"), [(_server_error, EigenpalServerError), (_dropped, EigenpalConnectionError)]
)
def test_path_inputs_are_closed_after_a_failed_call(
    document: Path,
    opened_handles: list[IO[Any]],
    respond: Handler,
    expected: type[EigenpalError],
    any_client: ClientFactory,
) -> None:
    recorder = Recorder(respond)
    with pytest.raises(expected):
        any_client(recorder).workflows.run("wf_1", input={"a": document})
    assert len(recorder.requests) == 1
    assert opened_handles
    assert all(handle.closed for handle in opened_handles)


# --- path parameters --------------------------------------------------------------------------------------


def _path_and_params(request: httpx.Request) -> tuple[bytes, dict[str, str]]:
    raw_path = request.url.raw_path.split(b"?", 1)[0]
    return raw_path, dict(request.url.params)


def test_workflow_id_is_encoded_on_every_route(document: Path, any_client: ClientFactory) -> None:
    recorder = Recorder()
    client = any_client(recorder)
    client.workflows.run(WORKFLOW_ID, input={"a": 1})
    client.workflows.run(WORKFLOW_ID, input={"doc": document})
    client.workflows.get(WORKFLOW_ID)
    client.workflows.versions(WORKFLOW_ID)
    client.workflows.executions.list(WORKFLOW_ID)
    seen = [_path_and_params(request) for request in recorder.requests]
    assert seen == [
        (ENCODED_WORKFLOW + b"/run", {}),
        (ENCODED_WORKFLOW + b"/run", {}),
        (ENCODED_WORKFLOW, {}),
        (ENCODED_WORKFLOW + b"/versions", {"limit": "50"}),
        (ENCODED_WORKFLOW + b"/executions", {"limit": "50"}),
    ]
    assert all(request.url.fragment == "" for request in recorder.requests)
    assert all(request.url.host == "eigenpal.test" for request in recorder.requests)


def test_execution_id_is_encoded_for_get_and_cancel(any_client: ClientFactory) -> None:
    recorder = Recorder()
    client = any_client(recorder)
    client.workflows.executions.get("exec/1?x#y")
    client.workflows.executions.cancel("exec/1?x#y")
    assert [_path_and_params(request) for request in recorder.requests] == [
        (b"/api/v1/workflows/executions/exec%2F1%3Fx%23y", {}),
        (b"/api/v1/workflows/executions/exec%2F1%3Fx%23y/cancel", {}),
    ]


@pytest.mark.parametrize("workflow_id", ["", "   ", None, 12])
def test_empty_workflow_id_is_refused(workflow_id: Any, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="workflow_id"):
        any_client(recorder).workflows.run(workflow_id)
    with pytest.raises(ValueError, match="workflow_id"):
        any_client(recorder).workflows.get(workflow_id)
    assert recorder.requests == []


# --- run responses ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("status_code", [200, 201, 202])
def test_any_2xx_run_returns_the_response(status_code: int, any_client: ClientFactory) -> None:
    body = {"executionId": "exec_9", "status": "completed", "result": {"total": 3}}
    client = any_client(Recorder(lambda request: httpx.Response(status_code, json=body)))
    result = client.workflows.run("wf_1", input={"a": 1}, wait_for_completion=10)
    assert isinstance(result, StartedExecution)
    assert result.execution_id == "exec_9"
    assert str(result.status) == "completed"
    assert result.result == {"total": 3}


def test_2xx_html_run_response_points_at_base_url(any_client: ClientFactory) -> None:
    page = "<!doctype html><html><body>Marketing site</body></html>"
    client = any_client(Recorder(lambda request: httpx.Response(200, html=page)))
    with pytest.raises(EigenpalResponseError) as info:
        client.workflows.run("wf_1", input={"a": 1})
    assert "base_url" in str(info.value)
    assert info.value.status == 200


def test_2xx_without_execution_id_says_an_execution_exists(any_client: ClientFactory) -> None:
    client = any_client(Recorder(lambda request: httpx.Response(201, json={"status": "pending"})))
    with pytest.raises(EigenpalResponseError) as info:
        client.workflows.run(WORKFLOW_ID, input={"a": 1})
    message = str(info.value)
    assert "execution exists" in message
    assert "executions.list(" in message
    assert repr(WORKFLOW_ID) in message


def test_run_error_status_maps_to_typed_error(any_client: ClientFactory) -> None:
    body = {"issues": [{"field": "body.input.a", "message": "must be a string", "code": "invalid_type"}]}
    client = any_client(Recorder(lambda request: httpx.Response(400, json=body)))
    with pytest.raises(EigenpalValidationError, match=r"body\.input\.a") as info:
        client.workflows.run("wf_1", input={"a": 1})
    assert info.value.status == 400


def _read_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def test_held_run_read_timeout_says_an_execution_may_exist(any_client: ClientFactory) -> None:
    recorder = Recorder(_read_timeout)
    client = any_client(recorder)
    with pytest.raises(EigenpalTimeoutError) as info:
        client.workflows.run("wf_1", input={"a": 1}, wait_for_completion=30)
    error = info.value
    assert not isinstance(error, httpx.HTTPError)
    assert isinstance(error.__cause__, httpx.ReadTimeout)
    assert error.execution_may_exist is True
    assert "execution may exist" in str(error)
    assert "executions.list(" in str(error)
    assert "'wf_1'" in str(error)
    assert len(recorder.requests) == 1


def test_held_run_dropped_connection_says_an_execution_may_exist(any_client: ClientFactory) -> None:
    recorder = Recorder(_dropped)
    client = any_client(recorder)
    with pytest.raises(EigenpalConnectionError) as info:
        client.workflows.run("wf_1", input={"a": 1}, wait_for_completion=30)
    error = info.value
    assert error.execution_may_exist is True
    assert "execution may exist" in str(error)
    assert "executions.list(" in str(error)
    assert len(recorder.requests) == 1


# --- list / get / versions --------------------------------------------------------------------------------


def test_list_sends_query_params_and_parses(any_client: ClientFactory) -> None:
    body = {"data": [{"id": "wf_1", "name": "extract-invoice", "createdAt": "2026-05-09T12:00:00Z"}]}
    recorder = Recorder(lambda request: httpx.Response(200, json={**body, "total": 1, "limit": 10, "offset": 20}))
    result = any_client(recorder).workflows.list(
        search="inv", name="extract-invoice", kind="block", limit=10, offset=20
    )
    assert isinstance(result, WorkflowPage)
    assert result.data[0].name == "extract-invoice"
    assert result.total == 1
    assert recorder.last.url.path == "/api/v1/workflows"
    assert dict(recorder.last.url.params) == {
        "search": "inv",
        "name": "extract-invoice",
        "kind": "block",
        "limit": "10",
        "offset": "20",
    }


def test_list_defaults_send_only_limit(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.list()
    assert dict(recorder.last.url.params) == {"limit": "50"}


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"kind": "bogus"}, "kind"),
    ],
)
def test_list_bad_arguments_are_refused_before_any_request(
    kwargs: dict[str, Any], argument: str, any_client: ClientFactory
) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match=argument):
        any_client(recorder).workflows.list(**kwargs)
    assert recorder.requests == []


def test_list_limit_bounds_are_inclusive(any_client: ClientFactory) -> None:
    recorder = Recorder()
    client = any_client(recorder)
    client.workflows.list(limit=1, offset=0)
    client.workflows.list(limit=100)
    assert [request.url.params["limit"] for request in recorder.requests] == ["1", "100"]


def test_get_parses_workflow(any_client: ClientFactory) -> None:
    body = {"id": "wf_1", "name": "extract-invoice", "version": "1.2.4", "createdAt": "2026-05-09T12:00:00Z"}
    recorder = Recorder(lambda request: httpx.Response(200, json=body))
    workflow = any_client(recorder).workflows.get("extract-invoice")
    assert isinstance(workflow, Workflow)
    assert (workflow.id, workflow.name, workflow.version) == ("wf_1", "extract-invoice", "1.2.4")
    assert recorder.last.url.path == "/api/v1/workflows/extract-invoice"


def test_versions_sends_limit_and_offset(any_client: ClientFactory) -> None:
    body = {"data": [{"id": "wfh_1", "workflowId": "wf_1", "isCurrent": True}], "total": 1, "limit": 5, "offset": 5}
    recorder = Recorder(lambda request: httpx.Response(200, json=body))
    versions = any_client(recorder).workflows.versions("wf_1", limit=5, offset=5)
    assert isinstance(versions, WorkflowVersionPage)
    assert versions.data[0].id == "wfh_1"
    assert recorder.last.url.path == "/api/v1/workflows/wf_1/versions"
    assert dict(recorder.last.url.params) == {"limit": "5", "offset": "5"}


@pytest.mark.parametrize(
    ("kwargs", "argument"), [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"offset": -1}, "offset")]
)
def test_versions_bad_arguments_are_refused_before_any_request(
    kwargs: dict[str, Any], argument: str, any_client: ClientFactory
) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match=argument):
        any_client(recorder).workflows.versions("wf_1", **kwargs)
    assert recorder.requests == []


# --- a file that changes while it is uploaded (issue 15, item 6) -----------------------------------------------


def test_a_sized_upload_reads_exactly_its_size_and_reports_it_to_httpx() -> None:
    from eigenpal_ext._files import SizedUpload

    upload = SizedUpload(io.BytesIO(b"abcdef"), 6, key="doc", shown="doc.pdf")
    assert httpx._utils.peek_filelike_length(upload) == 6  # what the request announces
    assert upload.tell() == 0
    assert upload.read(4) + upload.read(4) + upload.read(4) == b"abcdef"
    assert upload.seek(0) == 0
    assert upload.read() == b"abcdef"


def read_to_the_end(stream: io.RawIOBase) -> None:
    """Read as httpx does: 64 KiB (here 2 bytes) at a time until an empty read."""
    while stream.read(2):
        pass


@pytest.mark.parametrize(
    ("content", "size", "what"),
    [(b"abcdefgh", 6, "more could be read"), (b"abc", 6, "ended after 3"), (b"from /proc", 0, "more could be read")],
)
def test_a_sized_upload_raises_when_the_file_does_not_hold_its_size(content: bytes, size: int, what: str) -> None:
    from eigenpal_ext import EigenpalFileChangedError
    from eigenpal_ext._files import SizedUpload

    upload = SizedUpload(io.BytesIO(content), size, key="doc", shown="doc.pdf")
    with pytest.raises(EigenpalFileChangedError, match=what) as raised:
        read_to_the_end(upload)
    assert raised.value.input_key == "doc"
    assert raised.value.expected_bytes == size
