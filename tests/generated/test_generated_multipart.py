"""The multipart variant of run sends a real multipart/form-data body with a random boundary.

The captured body is split with the boundary from the Content-Type header (the strict parser of
`multipart_parts.py`) and cross-checked with the standard library's email parser. A binary file that
contains the old fixed delimiter (`--+++`), NUL bytes, every byte value and a fake part header must
arrive byte for byte, without adding or splitting parts.
"""

import asyncio
import inspect
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from eigenpal_api import AuthenticatedClient
from eigenpal_api.api.workflows import run_workflow
from eigenpal_api.models import RunWorkflowMultipartBody
from eigenpal_api.types import File

from .multipart_parts import boundary, split_parts, stdlib_parts

MakeClient = Callable[[int, object], AuthenticatedClient]

RUN_JSON = json.dumps(
    {"input": {"customer": "ACME GmbH", "rush": True, "note": "Ünïcødé ✓"}, "overrides": {}, "trigger": "api"}
)
EVIL_BYTES = (
    b"%PDF-1.7\r\n"
    + b"\r\n--+++\r\n"
    + b'\r\nContent-Disposition: form-data; name="evil"\r\n\r\ninjected value'
    + b"\r\n--+++--\r\n"
    + b"\x00\x00NUL\x00"
    + bytes(range(256))
    + b"\r\n--"
)
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer\n%%EOF\n"
OK_BODY: dict[str, object] = {"executionId": "exec_mp"}


def _write_files(tmp_path: Path) -> tuple[Path, Path]:
    evil = tmp_path / "evil.bin"
    evil.write_bytes(EVIL_BYTES)
    pdf = tmp_path / "contract.pdf"
    pdf.write_bytes(PDF_BYTES)
    return evil, pdf


def _send(client: AuthenticatedClient, evil: Path, pdf: Path, *, use_async: bool = False) -> None:
    with evil.open("rb") as evil_fh, pdf.open("rb") as pdf_fh:
        body = RunWorkflowMultipartBody(field_json=RUN_JSON)
        body["contract_document"] = File(payload=pdf_fh, file_name="contract.pdf", mime_type="application/pdf")
        body["scan"] = File(payload=evil_fh, file_name="scan.bin", mime_type="application/octet-stream")
        if use_async:
            response = asyncio.run(run_workflow.asyncio_detailed("extract-invoice", client=client, body=body))
        else:
            response = run_workflow.sync_detailed("extract-invoice", client=client, body=body, wait_for_completion=10)
    assert response.status_code == 201


def _assert_intact(request: httpx.Request) -> None:
    parts = split_parts(request)
    assert [p.headers["content-disposition"] for p in parts] == [
        'form-data; name="_json"',
        'form-data; name="contract_document"; filename="contract.pdf"',
        'form-data; name="scan"; filename="scan.bin"',
    ]
    assert [p.headers.get("content-type") for p in parts] == [
        "text/plain",
        "application/pdf",
        "application/octet-stream",
    ]
    json_part, pdf_part, evil_part = parts
    assert json_part.content.decode("utf-8") == RUN_JSON
    assert pdf_part.content == PDF_BYTES
    assert evil_part.content == EVIL_BYTES

    assert stdlib_parts(request) == [
        ("_json", None, "text/plain", RUN_JSON.encode("utf-8")),
        ("contract_document", "contract.pdf", "application/pdf", PDF_BYTES),
        ("scan", "scan.bin", "application/octet-stream", EVIL_BYTES),
    ]


def test_multipart_run_sends_intact_parts_with_a_random_boundary(
    make_client: MakeClient, captured: list[httpx.Request], tmp_path: Path
) -> None:
    evil, pdf = _write_files(tmp_path)
    client = make_client(201, OK_BODY)
    _send(client, evil, pdf)
    _send(client, evil, pdf)

    assert len(captured) == 2
    first, second = captured
    for request in captured:
        assert request.method == "POST"
        assert request.url.raw_path == b"/api/v1/workflows/extract-invoice/run?wait_for_completion=10"
        assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
        assert "application/json" not in request.headers["Content-Type"]
        assert boundary(request) != b"+++"
        assert b"+++" not in boundary(request)
        assert int(request.headers["Content-Length"]) == len(request.content)
        _assert_intact(request)
    assert boundary(first) != boundary(second)


def test_multipart_async_run_sends_the_same_intact_file(
    make_client: MakeClient, captured: list[httpx.Request], tmp_path: Path, api_token: str
) -> None:
    evil, pdf = _write_files(tmp_path)
    _send(make_client(201, OK_BODY), evil, pdf, use_async=True)

    assert len(captured) == 1
    request = captured[0]
    assert request.url.raw_path == b"/api/v1/workflows/extract-invoice/run"
    assert request.headers["Authorization"] == f"Bearer {api_token}"
    assert boundary(request) != b"+++"
    _assert_intact(request)


def test_multipart_without_json_part_sends_only_the_files(
    make_client: MakeClient, captured: list[httpx.Request], tmp_path: Path
) -> None:
    evil, _ = _write_files(tmp_path)
    body = RunWorkflowMultipartBody()
    with evil.open("rb") as fh:
        body["scan"] = File(payload=fh, file_name="scan.bin", mime_type="application/octet-stream")
        run_workflow.sync_detailed("wf_1", client=make_client(201, OK_BODY), body=body)

    parts = split_parts(captured[0])
    assert [(p.headers["content-disposition"], p.content) for p in parts] == [
        ('form-data; name="scan"; filename="scan.bin"', EVIL_BYTES)
    ]


def test_multipart_with_only_json_part(make_client: MakeClient, captured: list[httpx.Request]) -> None:
    run_workflow.sync_detailed(
        "wf_1", client=make_client(201, OK_BODY), body=RunWorkflowMultipartBody(field_json='{"input": {}}')
    )

    assert captured[0].headers["Content-Type"].startswith("multipart/form-data; boundary=")
    parts = split_parts(captured[0])
    assert [(p.headers["content-disposition"], p.content) for p in parts] == [
        ('form-data; name="_json"', b'{"input": {}}')
    ]


@pytest.mark.parametrize("needle", ["boundary=+++", "+++"])
def test_generated_run_module_has_no_fixedboundary(needle: str) -> None:
    source = inspect.getsource(run_workflow)
    source_file = inspect.getsourcefile(run_workflow)

    assert source_file is not None
    assert Path(source_file).name == "run_workflow.py"
    assert "to_multipart()" in source  # the multipart branch is there...
    assert needle not in source  # ...without a hard-coded boundary
    assert 'headers["Content-Type"] = "multipart' not in source  # nor a hand-set multipart Content-Type
