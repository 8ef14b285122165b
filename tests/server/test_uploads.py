"""Tests of the streaming multipart reader behind ``POST /api/v1/workflows/{id}/run``.

Most tests feed hand-made bodies to ``read_multipart_run`` through async chunk iterators with awkward
chunk sizes (1 byte, 7 bytes, 64 KiB), so every parser state is crossed at a chunk edge; the results must
not depend on the chunking. A tiny Starlette app checks the reader the way the server uses it, with
``request.stream()``. Each test drives the coroutine with ``asyncio.run`` (no async test plugin).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import tracemalloc
import warnings
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
import pytest
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from eigenpal_ext.testing._uploads import (
    MalformedUpload,
    MultipartRun,
    UploadedFile,
    UploadError,
    UploadTooLarge,
    delete_files,
    read_multipart_run,
)

with warnings.catch_warnings():
    # Starlette 1.x would rather run its TestClient on httpx2 and warns when it falls back to httpx, which
    # is what this environment has; the fallback works, so keep the warning out of the test report.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

BOUNDARY = b"eigenpal-test-boundary-7f3a"
CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY.decode()
CHUNK_SIZES = [1, 7, 64 * 1024]
MIB = 1024 * 1024

# Payloads that try to confuse a boundary search: CRLF + "--" sequences, a partial delimiter, the
# boundary on a line of its own but without the CRLF in front, NUL bytes and a trailing CR / CRLF-dash.
TRICKY_PAYLOAD = (
    b"%PDF-1.7\r\n--\r\n"
    + b"\x00" * 17
    + b"\r\n--"
    + BOUNDARY[:-1]
    + b"\r\n"
    + b"not a boundary: --"
    + BOUNDARY
    + b"\r\n"
    + b"\r\n-\r\n--x\x00\xff\xfe"
    + bytes(range(256))
    + b"\r\n-"
)
SECOND_PAYLOAD = b"\r"
JSON_TEXT = json.dumps(
    {"input": {"customer": "Zoë Müller", "city": "東京", "note": "🚀 \u2028"}, "overrides": None, "trigger": "api"},
    ensure_ascii=False,
)


# --- helpers -------------------------------------------------------------------------------------------


def _part(disposition: str | bytes, payload: bytes, content_type: str | None = None) -> bytes:
    """One part: headers, blank line, payload (the caller adds the delimiters)."""
    if isinstance(disposition, str):
        disposition = disposition.encode()
    headers = b"Content-Disposition: " + disposition + b"\r\n"
    if content_type is not None:
        headers += b"Content-Type: " + content_type.encode() + b"\r\n"
    return headers + b"\r\n" + payload


def _body(*parts: bytes, boundary: bytes = BOUNDARY) -> bytes:
    return b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + boundary + b"--\r\n"


async def _chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _read(
    body: bytes,
    dest: Path,
    *,
    chunk_size: int = 64 * 1024,
    content_type: str = CONTENT_TYPE,
    max_body_bytes: int = 10 * MIB,
    max_text_field_bytes: int = MIB,
    max_parts: int = 64,
) -> MultipartRun:
    return asyncio.run(
        read_multipart_run(
            _chunks(body, chunk_size),
            content_type,
            dest_dir=dest,
            max_body_bytes=max_body_bytes,
            max_text_field_bytes=max_text_field_bytes,
            max_parts=max_parts,
        )
    )


def _leftovers(dest: Path) -> list[Path]:
    return sorted(dest.iterdir()) if dest.exists() else []


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _summary(run: MultipartRun) -> tuple[dict[str, str], list[tuple[str, str, str, int, str, bytes]]]:
    """Everything about a run except where its files happen to live."""
    return run.fields, [(f.field, f.filename, f.media_type, f.size, f.sha256, f.path.read_bytes()) for f in run.files]


def _standard_body() -> bytes:
    return _body(
        _part('form-data; name="_json"', JSON_TEXT.encode()),
        _part('form-data; name="invoice"; filename="invoice.pdf"', TRICKY_PAYLOAD, "application/pdf"),
        _part('form-data; name="note"', b"plain text, with \r\n--line breaks--"),
        _part('form-data; name="scan"; filename="scan.bin"', SECOND_PAYLOAD),
        _part('form-data; name="empty"; filename="empty.txt"', b"", "text/plain"),
    )


def _expected_standard() -> tuple[dict[str, str], list[tuple[str, str, str, int, str, bytes]]]:
    return (
        {"_json": JSON_TEXT, "note": "plain text, with \r\n--line breaks--"},
        [
            ("invoice", "invoice.pdf", "application/pdf", len(TRICKY_PAYLOAD), _sha(TRICKY_PAYLOAD), TRICKY_PAYLOAD),
            ("scan", "scan.bin", "application/octet-stream", 1, _sha(SECOND_PAYLOAD), SECOND_PAYLOAD),
            ("empty", "empty.txt", "text/plain", 0, _sha(b""), b""),
        ],
    )


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "uploads"  # deliberately not created: the reader makes it


# --- round trips -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
def test_text_and_files_round_trip(dest: Path, chunk_size: int) -> None:
    run = _read(_standard_body(), dest, chunk_size=chunk_size)

    assert _summary(run) == _expected_standard()
    assert json.loads(run.fields["_json"])["input"]["city"] == "東京"
    assert sorted(f.path for f in run.files) == _leftovers(dest)
    for uploaded in run.files:
        assert uploaded.path.parent == dest
        assert uploaded.path.name.endswith(".upload")


def test_results_do_not_depend_on_chunking(tmp_path: Path) -> None:
    body = _standard_body()
    summaries = [_summary(_read(body, tmp_path / str(size), chunk_size=size)) for size in [*CHUNK_SIZES, 2, 3, 13]]
    assert all(summary == summaries[0] for summary in summaries)


@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
def test_httpx_generated_body(dest: Path, chunk_size: int) -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 300 + b"\r\n--\r\n%%EOF"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 1000
    request = httpx.Request(
        "POST",
        "http://testserver/api/v1/workflows/wf_1/run",
        files={"invoice": ("../inv.pdf", pdf, "application/pdf"), "photo": ("photo.png", png, "image/png")},
        data={"_json": JSON_TEXT},
    )
    body = request.read()

    run = _read(body, dest, chunk_size=chunk_size, content_type=request.headers["content-type"])

    assert run.fields == {"_json": JSON_TEXT}
    by_field = {f.field: f for f in run.files}
    assert set(by_field) == {"invoice", "photo"}
    assert (by_field["invoice"].filename, by_field["invoice"].media_type) == ("inv.pdf", "application/pdf")
    assert (by_field["photo"].filename, by_field["photo"].media_type) == ("photo.png", "image/png")
    assert by_field["invoice"].path.read_bytes() == pdf
    assert (by_field["invoice"].size, by_field["invoice"].sha256) == (len(pdf), _sha(pdf))
    assert (by_field["photo"].size, by_field["photo"].sha256) == (len(png), _sha(png))
    assert json.loads(run.fields["_json"])["input"]["note"] == "🚀 \u2028"


def test_empty_multipart_body(dest: Path) -> None:
    assert _read(b"--" + BOUNDARY + b"--\r\n", dest) == MultipartRun(fields={}, files=())


def test_epilogue_after_closing_boundary_is_ignored(dest: Path) -> None:
    body = _body(_part('form-data; name="a"', b"1")) + b"\r\nepilogue, ignored\r\n"
    assert _read(body, dest, chunk_size=5).fields == {"a": "1"}


def test_quoted_boundary_and_quoted_names(dest: Path) -> None:
    boundary = b"with space:and=equals"
    body = _body(
        _part(b'form-data; name="a;b\\"c"', b"semicolon and quote"),
        _part(b'form-data; name="f"; filename="x;y.txt"', b"data"),
        boundary=boundary,
    )
    run = _read(body, dest, chunk_size=3, content_type='multipart/form-data; boundary="with space:and=equals"')
    assert run.fields == {'a;b"c': "semicolon and quote"}
    assert [(f.field, f.filename) for f in run.files] == [("f", "x;y.txt")]


def test_utf8_names_and_filenames(dest: Path) -> None:
    body = _body(_part('form-data; name="rechnung_ä"; filename="Größe 東京.pdf"', b"x"))
    (uploaded,) = _read(body, dest).files
    assert (uploaded.field, uploaded.filename) == ("rechnung_ä", "Größe 東京.pdf")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"../../etc/passwd", "passwd"),
        (b"/abs/path/report.pdf", "report.pdf"),
        (b"C:\\\\Users\\\\me\\\\evil.txt", "evil.txt"),
        (b"dir\\\\sub/mixed.txt", "mixed.txt"),
        (b"nul\x00in\x00name.txt", "nulinname.txt"),
        (b"tab\tand\x7fdel.txt", "tabanddel.txt"),
        (b"  spaced.txt  ", "spaced.txt"),
        (b"", "doc"),
        (b"..", "doc"),
        (b"some/dir/", "doc"),
        (b"\x00", "doc"),
    ],
)
def test_filename_sanitising(dest: Path, raw: bytes, expected: str) -> None:
    body = _body(_part(b'form-data; name="doc"; filename="' + raw + b'"', b"content"))
    (uploaded,) = _read(body, dest, chunk_size=7).files
    assert uploaded.filename == expected
    assert uploaded.path.read_bytes() == b"content"


def test_filename_falls_back_to_the_sanitised_field_name(dest: Path) -> None:
    body = _body(_part('form-data; name="scans/front"; filename=""', b"x"))
    (uploaded,) = _read(body, dest).files
    assert (uploaded.field, uploaded.filename) == ("scans/front", "front")


def test_media_type_is_kept_and_defaults_to_octet_stream(dest: Path) -> None:
    body = _body(
        _part('form-data; name="a"; filename="a.txt"', b"a", "text/plain; charset=utf-8"),
        _part('form-data; name="b"; filename="b"', b"b"),
    )
    assert [f.media_type for f in _read(body, dest).files] == ["text/plain; charset=utf-8", "application/octet-stream"]


def test_large_chunk_is_parsed_in_a_worker_thread(dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = bytes(range(256)) * (12 * 1024)  # 3 MiB
    body = _body(_part('form-data; name="_json"', b"{}"), _part('form-data; name="big"; filename="big.bin"', payload))
    calls: list[int] = []
    original = anyio.to_thread.run_sync

    async def spy(func: Callable[..., Any], *args: Any) -> Any:
        calls.append(len(args[1]))
        return await original(func, *args)

    monkeypatch.setattr(anyio.to_thread, "run_sync", spy)
    run = _read(body, dest, chunk_size=len(body))

    assert calls == [len(body)]
    assert run.fields == {"_json": "{}"}
    (uploaded,) = run.files
    assert (uploaded.size, uploaded.sha256) == (len(payload), _sha(payload))
    assert uploaded.path.read_bytes() == payload


def test_delete_files(dest: Path) -> None:
    run = _read(_standard_body(), dest)
    assert len(_leftovers(dest)) == 3
    delete_files(run)
    assert _leftovers(dest) == []
    delete_files(run)  # idempotent


# --- malformed requests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        'multipart/form-data; boundary=""',
        "multipart/form-data; charset=utf-8",
        "multipart/form-data; boundary=" + "x" * 300,
        "multipart/form-data; boundary=bad\x01boundary",
        "multipart/form-data; boundary=grenzé",
        "multipart/form-data; boundary=東京",
        "application/json",
        "",
    ],
)
def test_missing_or_invalid_boundary(dest: Path, content_type: str) -> None:
    with pytest.raises(MalformedUpload) as info:
        _read(_standard_body(), dest, content_type=content_type)
    assert (info.value.status, info.value.field) == (400, "body")
    assert _leftovers(dest) == []


def _truncation_points() -> list[int]:
    body = _standard_body()
    pdf_start = body.index(b"%PDF")
    return [
        0,  # no body at all
        10,  # inside the first delimiter
        body.index(b"Content-Disposition") + 25,  # inside a header
        pdf_start,  # right after the invoice part's headers
        pdf_start + 40,  # in the middle of the invoice data
        len(body) - len(b"--\r\n"),  # a part delimiter with nothing after it
        len(body) - len(b"--\r\n") - 3,  # inside the closing delimiter
        len(body) - len(b"-\r\n"),  # the closing delimiter without its second dash
    ]


@pytest.mark.parametrize("cut", _truncation_points())
@pytest.mark.parametrize("chunk_size", [1, 64 * 1024])
def test_truncated_body(dest: Path, cut: int, chunk_size: int) -> None:
    with pytest.raises(MalformedUpload) as info:
        _read(_standard_body()[:cut], dest, chunk_size=chunk_size)
    assert (info.value.status, info.value.field) == (400, "body")
    assert _leftovers(dest) == []


def test_garbage_body(dest: Path) -> None:
    with pytest.raises(MalformedUpload) as info:
        _read(b"this is not multipart at all\r\n" * 10, dest)
    assert info.value.field == "body"


def test_body_with_another_boundary(dest: Path) -> None:
    with pytest.raises(MalformedUpload):
        _read(_body(_part('form-data; name="a"', b"1"), boundary=b"other"), dest)


@pytest.mark.parametrize(
    ("part", "message"),
    [
        (_part('form-data; filename="a.txt"', b"x"), "no name"),
        (_part('form-data; name=""', b"x"), "no name"),
        (b"Content-Type: text/plain\r\n\r\nx", "no Content-Disposition"),
        (_part('attachment; name="a"', b"x"), "not form-data"),
        (_part(b'form-data; name="\xff"', b"x"), "not valid UTF-8"),
    ],
)
def test_bad_part_headers(dest: Path, part: bytes, message: str) -> None:
    body = _body(_part('form-data; name="f"; filename="f"', b"first file"), part)
    with pytest.raises(MalformedUpload) as info:
        _read(body, dest, chunk_size=7)
    assert info.value.field == "body"
    assert message in info.value.message
    assert _leftovers(dest) == []


def test_text_field_must_be_utf8(dest: Path) -> None:
    body = _body(
        _part('form-data; name="f"; filename="f"', b"file"), _part('form-data; name="_json"', b'{"a": "\xff"}')
    )
    with pytest.raises(MalformedUpload) as info:
        _read(body, dest)
    assert (info.value.status, info.value.field) == (400, "body._json")
    assert _leftovers(dest) == []


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (
            _part('form-data; name="doc"; filename="a.pdf"', b"a"),
            _part('form-data; name="doc"; filename="b.pdf"', b"b"),
            "file input given twice",
        ),
        (_part('form-data; name="_json"', b"{}"), _part('form-data; name="_json"', b"{}"), "text field given twice"),
        (_part('form-data; name="doc"', b"text"), _part('form-data; name="doc"; filename="d"', b"d"), "given twice"),
    ],
)
def test_duplicate_fields(dest: Path, first: bytes, second: bytes, message: str) -> None:
    with pytest.raises(MalformedUpload) as info:
        _read(_body(first, second), dest, chunk_size=7)
    assert (info.value.status, info.value.field) == (400, "body.doc" if b'"doc"' in first else "body._json")
    assert message in info.value.message
    assert _leftovers(dest) == []


def test_too_many_parts(dest: Path) -> None:
    parts = [_part(f'form-data; name="f{i}"; filename="f{i}.bin"', b"x" * 10) for i in range(4)]
    at_limit = _read(_body(*parts[:3]), dest, max_parts=3)
    assert len(at_limit.files) == 3
    delete_files(at_limit)

    with pytest.raises(MalformedUpload) as info:
        _read(_body(*parts), dest, max_parts=3, chunk_size=7)
    assert (info.value.status, info.value.field) == (400, "body")
    assert "too many parts" in info.value.message
    assert _leftovers(dest) == []


def test_only_the_accepted_text_fields_are_read(dest: Path) -> None:
    accepted = _body(_part('form-data; name="_json"', b"{}"), _part('form-data; name="f"; filename="f.bin"', b"x"))
    run = asyncio.run(
        read_multipart_run(_chunks(accepted, 7), CONTENT_TYPE, dest_dir=dest, max_body_bytes=MIB, text_fields={"_json"})
    )
    assert run.fields == {"_json": "{}"}
    delete_files(run)

    pulled: list[int] = []
    # A file first, then a text part of another name whose 1 MiB of content must never be pulled.
    body = _body(
        _part('form-data; name="f"; filename="f.bin"', b"file before the field"),
        _part('form-data; name="note"', b"n" * MIB),
    )

    async def counting() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 1024):
            pulled.append(start)
            yield body[start : start + 1024]

    async def scenario() -> None:
        with pytest.raises(MalformedUpload) as info:
            await read_multipart_run(counting(), CONTENT_TYPE, dest_dir=dest, max_body_bytes=2 * MIB,
                                     text_fields={"_json"})  # fmt: skip
        assert (info.value.status, info.value.field) == (400, "body.note")
        assert "text parts accepted: _json" in info.value.message

    asyncio.run(scenario())
    assert len(pulled) == 1  # the refused part's headers are in the first KiB
    assert _leftovers(dest) == []


# --- size limits -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
def test_body_over_the_limit(dest: Path, chunk_size: int) -> None:
    body = _standard_body()
    at_limit = _read(body, dest, chunk_size=chunk_size, max_body_bytes=len(body))
    assert _summary(at_limit) == _expected_standard()
    delete_files(at_limit)

    with pytest.raises(UploadTooLarge) as info:
        _read(body, dest, chunk_size=chunk_size, max_body_bytes=len(body) - 1)
    assert (info.value.status, info.value.field) == (413, "body")
    assert f"{len(body) - 1} bytes" in info.value.message
    assert _leftovers(dest) == []


def test_reading_stops_at_the_limit(dest: Path) -> None:
    payload = b"z" * (2 * MIB)
    body = _body(_part('form-data; name="big"; filename="big.bin"', payload))
    pulled: list[int] = []
    closed: list[bool] = []

    async def counting() -> AsyncIterator[bytes]:
        try:
            for start in range(0, len(body), 64 * 1024):
                pulled.append(start)
                yield body[start : start + 64 * 1024]
        finally:
            closed.append(True)

    async def scenario() -> None:
        with pytest.raises(UploadTooLarge) as info:
            await read_multipart_run(counting(), CONTENT_TYPE, dest_dir=dest, max_body_bytes=MIB)
        assert "1 MiB (1048576 bytes)" in info.value.message
        # Closed by the reader itself, not later by the event loop's shutdown of abandoned generators.
        assert closed == [True]

    asyncio.run(scenario())
    assert len(pulled) == 17  # 16 chunks of 64 KiB reach the limit exactly; the 17th goes over it
    assert _leftovers(dest) == []


def test_text_field_over_the_limit(dest: Path) -> None:
    limit = 1000
    ok = _body(_part('form-data; name="_json"', b"x" * limit))
    assert _read(ok, dest, chunk_size=7, max_text_field_bytes=limit).fields == {"_json": "x" * limit}

    too_big = _body(
        _part('form-data; name="invoice"; filename="i.pdf"', b"file before the field"),
        _part('form-data; name="_json"', b"x" * (limit + 1)),
    )
    with pytest.raises(UploadTooLarge) as info:
        _read(too_big, dest, chunk_size=7, max_text_field_bytes=limit)
    assert (info.value.status, info.value.field) == (413, "body._json")
    assert "1000 bytes" in info.value.message
    assert _leftovers(dest) == []


def test_large_file_is_not_held_in_memory(dest: Path) -> None:
    block = bytes(range(256)) * 256  # 64 KiB, reused for every chunk
    blocks = 1024  # 64 MiB in total
    head = b"--" + BOUNDARY + b"\r\n" + _part('form-data; name="big"; filename="big.bin"', b"")
    tail = b"\r\n--" + BOUNDARY + b"--\r\n"
    expected = hashlib.sha256()
    for _ in range(blocks):
        expected.update(block)

    async def stream() -> AsyncIterator[bytes]:
        yield head
        for _ in range(blocks):
            yield block
        yield tail

    tracemalloc.start()
    try:
        run = asyncio.run(read_multipart_run(stream(), CONTENT_TYPE, dest_dir=dest, max_body_bytes=100 * MIB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    (uploaded,) = run.files
    assert (uploaded.size, uploaded.sha256) == (blocks * len(block), expected.hexdigest())
    assert uploaded.path.stat().st_size == blocks * len(block)
    assert peak < 8 * MIB, f"peak traced memory {peak} bytes"


# --- failures of the stream itself ----------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [7, 64 * 1024])
def test_client_disconnect_mid_stream(dest: Path, chunk_size: int) -> None:
    body = _standard_body()
    cut = body.index(b"%PDF") + 50  # the invoice file is open and partly written

    async def disconnecting() -> AsyncIterator[bytes]:
        for start in range(0, cut, chunk_size):
            yield body[start : min(start + chunk_size, cut)]
        raise ClientDisconnect()

    async def scenario() -> None:
        await read_multipart_run(disconnecting(), CONTENT_TYPE, dest_dir=dest, max_body_bytes=MIB)

    with pytest.raises(ClientDisconnect):
        asyncio.run(scenario())
    assert _leftovers(dest) == []


def test_client_disconnect_after_complete_files(dest: Path) -> None:
    body = _standard_body()
    cut = body.index(b'name="empty"')  # invoice and scan are complete files by now

    async def disconnecting() -> AsyncIterator[bytes]:
        yield body[:cut]
        raise ClientDisconnect()

    with pytest.raises(ClientDisconnect):
        asyncio.run(read_multipart_run(disconnecting(), CONTENT_TYPE, dest_dir=dest, max_body_bytes=MIB))
    assert _leftovers(dest) == []


def test_cancellation_cleans_up(dest: Path) -> None:
    body = _standard_body()
    cut = body.index(b"%PDF") + 50
    started = asyncio.Event()

    async def stalling() -> AsyncIterator[bytes]:
        yield body[:cut]
        started.set()
        await asyncio.Event().wait()  # the client never sends the rest
        yield b""  # pragma: no cover

    async def scenario() -> None:
        task = asyncio.create_task(read_multipart_run(stalling(), CONTENT_TYPE, dest_dir=dest, max_body_bytes=MIB))
        await started.wait()
        await asyncio.sleep(0)
        assert len(_leftovers(dest)) == 1  # the partial invoice
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert _leftovers(dest) == []


# --- through a Starlette app ------------------------------------------------------------------------------------


def _app(dest: Path, *, max_body_bytes: int = 10 * MIB) -> Starlette:
    async def run_workflow(request: Request) -> JSONResponse:
        try:
            run = await read_multipart_run(
                request.stream(), request.headers.get("content-type", ""), dest_dir=dest, max_body_bytes=max_body_bytes
            )
        except UploadError as exc:
            return JSONResponse({"field": exc.field, "message": exc.message}, status_code=exc.status)
        return JSONResponse({"fields": run.fields, "files": [_file_json(f) for f in run.files]})

    return Starlette(routes=[Route("/api/v1/workflows/{workflow_id}/run", run_workflow, methods=["POST"])])


def _file_json(uploaded: UploadedFile) -> dict[str, object]:
    return {
        "field": uploaded.field,
        "filename": uploaded.filename,
        "media_type": uploaded.media_type,
        "path": str(uploaded.path),
        "size": uploaded.size,
        "sha256": uploaded.sha256,
    }


def test_app_round_trip(dest: Path) -> None:
    pdf = TRICKY_PAYLOAD * 5000  # about 2 MiB: arrives as one chunk, so it also takes the worker-thread path
    with TestClient(_app(dest)) as client:
        response = client.post(
            "/api/v1/workflows/wf_1/run",
            files={
                "invoice": ("../../etc/passwd", pdf, "application/pdf"),
                "scan": ("scan.png", b"\x89PNG", "image/png"),
            },
            data={"_json": JSON_TEXT},
        )
    assert response.status_code == 200, response.text
    payload = response.json()
    assert payload["fields"] == {"_json": JSON_TEXT}
    invoice, scan = payload["files"]
    assert (invoice["field"], invoice["filename"], invoice["media_type"]) == ("invoice", "passwd", "application/pdf")
    assert (invoice["size"], invoice["sha256"]) == (len(pdf), _sha(pdf))
    assert Path(invoice["path"]).read_bytes() == pdf
    assert (scan["field"], scan["filename"], scan["size"]) == ("scan", "scan.png", 4)
    assert Path(scan["path"]).read_bytes() == b"\x89PNG"


def test_app_errors(dest: Path) -> None:
    with TestClient(_app(dest, max_body_bytes=MIB)) as client:
        no_boundary = client.post(
            "/api/v1/workflows/wf_1/run", content=b"x", headers={"content-type": "multipart/form-data"}
        )
        too_large = client.post("/api/v1/workflows/wf_1/run", files={"doc": ("d.bin", b"\x00" * (MIB + 1))})
        duplicate = client.post(
            "/api/v1/workflows/wf_1/run",
            content=_body(_part('form-data; name="doc"; filename="a"', b"a"), _part('form-data; name="doc"', b"b")),
            headers={"content-type": CONTENT_TYPE},
        )
        truncated = client.post(
            "/api/v1/workflows/wf_1/run", content=_standard_body()[:-10], headers={"content-type": CONTENT_TYPE}
        )

    assert (no_boundary.status_code, no_boundary.json()["field"]) == (400, "body")
    assert (too_large.status_code, too_large.json()["field"]) == (413, "body")
    assert "1 MiB (1048576 bytes)" in too_large.json()["message"]
    assert (duplicate.status_code, duplicate.json()["field"]) == (400, "body.doc")
    assert (truncated.status_code, truncated.json()["field"]) == (400, "body")
    assert _leftovers(dest) == []
