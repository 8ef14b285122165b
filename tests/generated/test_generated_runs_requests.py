"""What each generated operation of the runs core puts on the wire: method, path, query, headers and body.

Every assertion is made on the `httpx.Request` captured by the mock transport, so these tests pin the
wire contract of openapi.yaml's runs, files and auth operations as the official client 0.11.x speaks it:
the `/api/v1/runs` routes, snake_case `wait_for_completion` beside camelCase filters (`createdAfter`,
...), `expand` as one comma-separated value, a multipart start with a `target` part, JSON
`input`/`overrides`/`metadata` parts and `files.<key>` file parts, and the upload negotiation's camelCase
JSON body. The method, path, query and bearer token of every operation in ``OPERATIONS`` (sync and
async) are checked by test_generated_requests.py, together with the v1 operations.
"""

import asyncio
import io
import json
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest
from eigenpal_api import AuthenticatedClient
from eigenpal_api.api.auth import check_auth
from eigenpal_api.api.files import (
    abort_file_upload,
    complete_file_upload,
    create_file_upload,
    delete_file,
    get_file,
    get_file_content,
    upload_file,
)
from eigenpal_api.api.runs import cancel_run, get_run, list_run_events, list_run_steps, list_runs, start_run
from eigenpal_api.models import (
    FileIdReference,
    FilePurpose,
    FileUploadMultipartBody,
    FileUploadRequest,
    InlineFile,
    InlineFileReference,
    RunOverrides,
    RunOverridesSteps,
    RunStartBody,
    RunStartBodyFiles,
    RunStartBodyInput,
    RunStartBodyMetadata,
    RunStartMultipartBody,
    RunStartMultipartBodyInput,
    RunStartMultipartBodyMetadata,
    RunTrigger,
    RunType,
)
from eigenpal_api.types import File, Response

from .multipart_parts import boundary, split_parts, stdlib_parts

MakeClient = Callable[[int, object], AuthenticatedClient]
Call = Callable[[AuthenticatedClient], Response[Any]]
AsyncCall = Callable[[AuthenticatedClient], Coroutine[Any, Any, Response[Any]]]

ANY_BODY: dict[str, object] = {"issues": [], "requestId": "req_x"}
PDF_BYTES = b"%PDF-1.7\r\n--+++\r\n\x00\xff binary \xe2\x9c\x93"
INPUT = {"customer": "ACME GmbH", "amount": 12.5, "tags": ["q4"], "rush": True, "note": "Ünïcødé ✓"}
METADATA = {"batch": "b-2026-12", "key": "invoices/inv-7.pdf"}


def _start_body() -> RunStartBody:
    return RunStartBody(
        target="workflows.extract-invoice",
        input_=RunStartBodyInput.from_dict({**INPUT, "scan": {"$fileId": "file_abc"}}),
        overrides=RunOverrides(steps=RunOverridesSteps.from_dict({"extract": {"total": 42}})),
        metadata=RunStartBodyMetadata.from_dict(METADATA),
    )


def _list_filters() -> dict[str, Any]:
    return {
        "type_": RunType.WORKFLOW,
        "status": "failed,cancelled",
        "source": "extract-invoice",
        "source_ref": "1.2.3",
        "trigger": "api",
        "triggered_by": "usr_1",
        "batch_id": "batch_9",
        "example_id": "ex_4",
        "ids": "exec_1,exec_2",
        "from_": "2026-12-01T00:00:00Z",
        "to": "2026-12-02T00:00:00Z",
        "created_after": "2026-11-01T00:00:00Z",
        "created_before": "2026-11-02T00:00:00Z",
        "completed_after": "2026-11-03T00:00:00Z",
        "completed_before": "2026-11-04T00:00:00Z",
        "sort": "createdAt",
        "order": "desc",
        "cursor": "c_opaque==",
        "limit": 25,
        "offset": 0,
    }


LIST_QUERY = [
    ("type", "workflow"),
    ("status", "failed,cancelled"),
    ("source", "extract-invoice"),
    ("sourceRef", "1.2.3"),
    ("trigger", "api"),
    ("triggeredBy", "usr_1"),
    ("batchId", "batch_9"),
    ("exampleId", "ex_4"),
    ("ids", "exec_1,exec_2"),
    ("from", "2026-12-01T00:00:00Z"),
    ("to", "2026-12-02T00:00:00Z"),
    ("createdAfter", "2026-11-01T00:00:00Z"),
    ("createdBefore", "2026-11-02T00:00:00Z"),
    ("completedAfter", "2026-11-03T00:00:00Z"),
    ("completedBefore", "2026-11-04T00:00:00Z"),
    ("sort", "createdAt"),
    ("order", "desc"),
    ("cursor", "c_opaque=="),
    ("limit", "25"),
    ("offset", "0"),
]

Arguments = Callable[[], tuple[tuple[Any, ...], dict[str, Any]]]


def _operation(
    module: Any, method: str, raw_path: bytes, query: list[tuple[str, str]], arguments: Arguments
) -> tuple[str, Call, AsyncCall, str, bytes, list[tuple[str, str]]]:
    """A row of ``OPERATIONS``: the module's sync and async calls, each with fresh ``arguments()``."""

    def call(client: AuthenticatedClient) -> Response[Any]:
        args, kwargs = arguments()
        return module.sync_detailed(*args, client=client, **kwargs)  # type: ignore[no-any-return]

    def acall(client: AuthenticatedClient) -> Coroutine[Any, Any, Response[Any]]:
        args, kwargs = arguments()
        return module.asyncio_detailed(*args, client=client, **kwargs)  # type: ignore[no-any-return]

    return module.__name__.rsplit(".", 1)[-1], call, acall, method, raw_path, query


def _upload_body() -> FileUploadMultipartBody:
    return FileUploadMultipartBody(file=File(io.BytesIO(b"x")))


# (id, sync call, async call, method, raw path, query items in wire order)
OPERATIONS: list[tuple[str, Call, AsyncCall, str, bytes, list[tuple[str, str]]]] = [
    _operation(
        start_run,
        "POST",
        b"/api/v1/runs",
        [("version", "1.2.3"), ("wait_for_completion", "600")],
        lambda: ((), {"body": _start_body(), "version": "1.2.3", "wait_for_completion": 600}),
    ),
    _operation(list_runs, "GET", b"/api/v1/runs", LIST_QUERY, lambda: ((), _list_filters())),
    _operation(
        get_run,
        "GET",
        b"/api/v1/runs/exec_xyz",
        [("expand", "input,usage,execution,debug")],
        lambda: (("exec_xyz",), {"expand": "input,usage,execution,debug"}),
    ),
    _operation(cancel_run, "POST", b"/api/v1/runs/exec_xyz/cancel", [], lambda: (("exec_xyz",), {})),
    _operation(list_run_steps, "GET", b"/api/v1/runs/exec_xyz/steps", [], lambda: (("exec_xyz",), {})),
    _operation(list_run_events, "GET", b"/api/v1/runs/exec_xyz/events", [], lambda: (("exec_xyz",), {})),
    _operation(upload_file, "POST", b"/api/v1/files", [], lambda: ((), {"body": _upload_body()})),
    _operation(
        create_file_upload,
        "POST",
        b"/api/v1/files/uploads",
        [],
        lambda: ((), {"body": FileUploadRequest(filename="a.pdf", content_type="application/pdf", size=1)}),
    ),
    _operation(complete_file_upload, "POST", b"/api/v1/files/uploads/upl_1/complete", [], lambda: (("upl_1",), {})),
    _operation(abort_file_upload, "DELETE", b"/api/v1/files/uploads/upl_1", [], lambda: (("upl_1",), {})),
    _operation(get_file, "GET", b"/api/v1/files/file_abc", [], lambda: (("file_abc",), {})),
    _operation(delete_file, "DELETE", b"/api/v1/files/file_abc", [], lambda: (("file_abc",), {})),
    _operation(get_file_content, "GET", b"/api/v1/files/file_abc/content", [], lambda: (("file_abc",), {})),
    _operation(check_auth, "GET", b"/api/v1/auth/check", [], lambda: ((), {})),
]
# The operations that send a body; every other one sends none (checked with the v1 operations in
# test_generated_requests.py, which runs its method/path/query/token check over this table too).
WITH_BODY = {"start_run", "upload_file", "create_file_upload"}


def _only(captured: list[httpx.Request]) -> httpx.Request:
    assert len(captured) == 1, f"expected exactly one request, got {len(captured)}"
    return captured[0]


def test_start_run_json_body_has_target_input_overrides_and_metadata(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    start_run.sync_detailed(client=make_client(404, ANY_BODY), body=_start_body())

    request = _only(captured)
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "target": "workflows.extract-invoice",
        "input": {**INPUT, "scan": {"$fileId": "file_abc"}},
        "overrides": {"steps": {"extract": {"total": 42}}},
        "metadata": METADATA,
    }
    # No version in the body (it is the `version` query parameter), no v1 `trigger` field.
    assert list(request.url.params.multi_items()) == []
    assert "X-Eigenpal-Trigger" not in request.headers


def test_start_run_with_only_a_target_sends_only_the_target(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    start_run.sync_detailed(client=make_client(404, ANY_BODY), body=RunStartBody(target="agents.support"))

    assert json.loads(_only(captured).content) == {"target": "agents.support"}


def test_start_run_files_map_sends_file_id_and_inline_references(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    files = RunStartBodyFiles()
    files["contract"] = FileIdReference(file_id="file_abc")
    files["pages"] = [
        FileIdReference(file_id="file_p1"),
        InlineFileReference(inline=InlineFile(filename="p2.png", mime_type="image/png", base64="iVBORw0K")),
    ]
    start_run.sync_detailed(
        client=make_client(404, ANY_BODY), body=RunStartBody(target="workflows.extract-invoice", files=files)
    )

    assert json.loads(_only(captured).content) == {
        "target": "workflows.extract-invoice",
        "files": {
            "contract": {"$fileId": "file_abc"},
            "pages": [
                {"$fileId": "file_p1"},
                {"$inline": {"filename": "p2.png", "mimeType": "image/png", "base64": "iVBORw0K"}},
            ],
        },
    }


@pytest.mark.parametrize(("trigger", "wire"), [(RunTrigger.API, "api"), (RunTrigger.CLI, "cli")])
def test_start_run_declares_its_trigger_in_a_header(
    make_client: MakeClient, captured: list[httpx.Request], trigger: RunTrigger, wire: str
) -> None:
    start_run.sync_detailed(
        client=make_client(404, ANY_BODY), body=RunStartBody(target="workflows.echo"), x_eigenpal_trigger=trigger
    )

    request = _only(captured)
    assert request.headers["X-Eigenpal-Trigger"] == wire
    assert "trigger" not in json.loads(request.content)


@pytest.mark.parametrize("seconds", [0, 1, 60, 600])
def test_start_run_wait_for_completion_is_sent_as_is_under_its_snake_case_name(
    make_client: MakeClient, captured: list[httpx.Request], seconds: int
) -> None:
    start_run.sync_detailed(
        client=make_client(404, ANY_BODY), body=RunStartBody(target="workflows.echo"), wait_for_completion=seconds
    )

    params = _only(captured).url.params
    assert list(params.multi_items()) == [("wait_for_completion", str(seconds))]
    assert "waitForCompletion" not in params


def _multipart_start(pdf: io.BytesIO, scan: io.BytesIO) -> RunStartMultipartBody:
    body = RunStartMultipartBody(
        target="workflows.extract-invoice",
        input_=RunStartMultipartBodyInput.from_dict(INPUT),
        overrides=RunOverrides(steps=RunOverridesSteps.from_dict({"extract": {"total": 42}})),
        metadata=RunStartMultipartBodyMetadata.from_dict(METADATA),
    )
    body["files.invoice"] = File(payload=pdf, file_name="inv-7.pdf", mime_type="application/pdf")
    body["files.scan"] = File(payload=scan, file_name="scan.bin", mime_type="application/octet-stream")
    return body


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_start_run_multipart_sends_target_json_parts_and_file_parts(
    make_client: MakeClient, captured: list[httpx.Request], mode: str
) -> None:
    client = make_client(404, ANY_BODY)
    body = _multipart_start(io.BytesIO(PDF_BYTES), io.BytesIO(bytes(range(256))))
    if mode == "sync":
        start_run.sync_detailed(client=client, body=body, wait_for_completion=30)
    else:
        asyncio.run(start_run.asyncio_detailed(client=client, body=body, wait_for_completion=30))

    request = _only(captured)
    assert request.url.raw_path == b"/api/v1/runs?wait_for_completion=30"
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b"+++" not in boundary(request)
    parts = split_parts(request)
    assert [p.headers["content-disposition"] for p in parts] == [
        'form-data; name="target"',
        'form-data; name="input"',
        'form-data; name="overrides"',
        'form-data; name="metadata"',
        'form-data; name="files.invoice"; filename="inv-7.pdf"',
        'form-data; name="files.scan"; filename="scan.bin"',
    ]
    # The JSON parts are sent as application/json, as the official client 0.11.x sends them.
    assert [p.headers.get("content-type") for p in parts] == [
        "text/plain",
        "application/json",
        "application/json",
        "application/json",
        "application/pdf",
        "application/octet-stream",
    ]
    target, input_part, overrides, metadata, invoice, scan = parts
    assert target.content == b"workflows.extract-invoice"
    assert json.loads(input_part.content) == INPUT
    assert json.loads(overrides.content) == {"steps": {"extract": {"total": 42}}}
    assert json.loads(metadata.content) == METADATA
    assert invoice.content == PDF_BYTES
    assert scan.content == bytes(range(256))
    # An independent reading of the same body agrees.
    assert [(name, filename) for name, filename, _, _ in stdlib_parts(request)] == [
        ("target", None),
        ("input", None),
        ("overrides", None),
        ("metadata", None),
        ("files.invoice", "inv-7.pdf"),
        ("files.scan", "scan.bin"),
    ]


def test_start_run_multipart_with_only_target_and_a_file(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    body = RunStartMultipartBody(target="workflows.echo")
    body["files.doc"] = File(payload=io.BytesIO(b"hello"), file_name="doc.txt", mime_type="text/plain")
    start_run.sync_detailed(client=make_client(404, ANY_BODY), body=body)

    parts = split_parts(_only(captured))
    assert [(p.headers["content-disposition"], p.content) for p in parts] == [
        ('form-data; name="target"', b"workflows.echo"),
        ('form-data; name="files.doc"; filename="doc.txt"', b"hello"),
    ]


@pytest.mark.parametrize("purpose", [None, FilePurpose.RUN_INPUT, FilePurpose.BUILDER_ATTACHMENT])
def test_upload_file_sends_a_file_part_and_an_optional_purpose_part(
    make_client: MakeClient, captured: list[httpx.Request], purpose: FilePurpose | None
) -> None:
    body = FileUploadMultipartBody(
        file=File(payload=io.BytesIO(PDF_BYTES), file_name="inv-7.pdf", mime_type="application/pdf"), purpose=purpose
    )
    upload_file.sync_detailed(client=make_client(404, ANY_BODY), body=body)

    request = _only(captured)
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    parts = [(p.headers["content-disposition"], p.headers.get("content-type"), p.content) for p in split_parts(request)]
    expected = [('form-data; name="file"; filename="inv-7.pdf"', "application/pdf", PDF_BYTES)]
    if purpose is not None:
        expected.append(('form-data; name="purpose"', "text/plain", purpose.value.encode()))
    assert parts == expected


def test_create_file_upload_sends_the_camel_case_negotiation_body(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    body = FileUploadRequest(
        filename="scan 7.pdf",
        content_type="application/pdf",
        size=5_000_000,
        purpose=FilePurpose.RUN_INPUT,
        idempotency_key="0b6c7b9e-3f7e-4a53-9a8e-2f0d5c1e9a11",
    )
    create_file_upload.sync_detailed(client=make_client(404, ANY_BODY), body=body)

    request = _only(captured)
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "filename": "scan 7.pdf",
        "contentType": "application/pdf",
        "size": 5_000_000,
        "purpose": "run-input",
        "idempotencyKey": "0b6c7b9e-3f7e-4a53-9a8e-2f0d5c1e9a11",
    }


def test_create_file_upload_leaves_out_what_is_not_given(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    body = FileUploadRequest(filename="a.txt", content_type="text/plain", size=0)
    create_file_upload.sync_detailed(client=make_client(404, ANY_BODY), body=body)

    assert json.loads(_only(captured).content) == {"filename": "a.txt", "contentType": "text/plain", "size": 0}


def test_list_runs_without_arguments_sends_no_query(make_client: MakeClient, captured: list[httpx.Request]) -> None:
    # Unlike the v1 lists, no schema default is declared: nothing the caller did not ask for is sent.
    list_runs.sync_detailed(client=make_client(404, ANY_BODY))

    assert _only(captured).url.query == b""


def test_get_run_without_expand_sends_no_query(make_client: MakeClient, captured: list[httpx.Request]) -> None:
    get_run.sync_detailed("exec_1", client=make_client(404, ANY_BODY))

    assert _only(captured).url.query == b""
