"""``client.files``: the upload negotiation (multipart to the API's own origin; a storage ``PUT`` without the API key,
completed, aborted on failure; an unknown transport aborted and refused), streaming from disk, ``get``, ``delete``
and ``content`` (a redirect to storage followed without the API key).

Every request goes through an ``httpx.MockTransport``; each ``any_client`` test runs on both clients.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from eigenpal_api.models import FileDeletion, UploadedFile

from eigenpal_ext import (
    ArgumentTypeError,
    ArgumentValueError,
    EigenpalAPIError,
    EigenpalResponseError,
    EigenpalServerError,
)
from tests.support import API_KEY, Recorder
from tests.unit.conftest import ClientFactory
from tests.unit.test_runs_resource import multipart_parts

STORAGE = "https://storage.example/bucket/obj?sig=abc"


class FilesApi:
    """A fake files API whose negotiation answers ``session``; records what storage received."""

    def __init__(self, session: dict[str, Any], *, put_status: int = 200, complete_status: int = 200) -> None:
        self.session = session
        self.put_status = put_status
        self.complete_status = complete_status
        self.recorder = Recorder(self.respond)
        self.stored: bytes | None = None

    @property
    def requests(self) -> list[httpx.Request]:
        return self.recorder.requests

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return self.recorder(request)

    def respond(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.url.host == "storage.example":
            self.stored = request.content
            return httpx.Response(self.put_status)
        if path.endswith("/files/uploads"):
            return httpx.Response(200, json=self.session)
        if path.endswith("/complete"):
            return httpx.Response(self.complete_status, json={"id": "file_put", "size": len(self.stored or b"")})
        if request.method == "DELETE" and "/files/uploads/" in path:
            return httpx.Response(200, json={"aborted": True})
        if path.endswith("/files"):
            part = multipart_parts(request)["file"]
            return httpx.Response(200, json={"id": "file_mp", "filename": part[0], "size": len(part[2])})
        return httpx.Response(404, json={"error": "no"})


MULTIPART = {"transport": "multipart", "url": "https://eigenpal.test/api/v1/files", "maxFileSizeBytes": 10**9}
PRESIGNED = {"transport": "presigned-put", "url": STORAGE, "uploadId": "up_1", "fileId": "file_put",
             "headers": {"Content-Type": "application/pdf", "Content-Length": "999", "x-amz-meta": "m"}}  # fmt: skip


def test_a_multipart_upload_negotiates_then_posts_the_file(any_client: ClientFactory, tmp_path: Path) -> None:
    pdf = tmp_path / "contract.pdf"
    pdf.write_bytes(b"%PDF" + b"x" * 1000)
    api = FilesApi(MULTIPART)
    uploaded = any_client(api).files.upload(pdf)
    assert isinstance(uploaded, UploadedFile)
    assert (uploaded.id, uploaded.size) == ("file_mp", 1004)
    negotiation, upload = api.requests
    assert (negotiation.method, negotiation.url.path) == ("POST", "/api/v1/files/uploads")
    wanted = json.loads(negotiation.content)
    assert wanted["filename"] == "contract.pdf"
    assert wanted["contentType"] == "application/pdf"
    assert wanted["size"] == 1004
    assert wanted["purpose"] == "run-input"
    assert len(wanted["idempotencyKey"]) == 36  # a UUID
    assert "Idempotency-Key" not in negotiation.headers  # the key is the negotiation's own, in its body
    parts = multipart_parts(upload)
    assert parts["file"] == ("contract.pdf", "application/pdf", pdf.read_bytes())
    assert parts["purpose"][2] == b"run-input"


def test_a_relative_multipart_url_is_on_the_api_origin(any_client: ClientFactory) -> None:
    api = FilesApi({**MULTIPART, "url": "/api/v1/files"})
    any_client(api).files.upload({"content": b"abc", "filename": "a.txt"}, purpose=None)
    upload = api.requests[-1]
    assert str(upload.url) == "https://eigenpal.test/api/v1/files"
    assert "purpose" not in multipart_parts(upload)


def test_a_multipart_url_on_another_origin_is_refused_before_the_file_is_sent(any_client: ClientFactory) -> None:
    api = FilesApi({**MULTIPART, "url": "https://elsewhere.example/upload"})
    with pytest.raises(EigenpalResponseError, match="another origin"):
        any_client(api).files.upload({"content": b"secret", "filename": "a.txt"})
    assert [r.url.host for r in api.requests] == ["eigenpal.test"]  # the negotiation only


def test_a_presigned_put_sends_the_bytes_without_the_api_key_then_completes(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    pdf = tmp_path / "big.pdf"
    pdf.write_bytes(b"P" * 200_000)
    api = FilesApi(PRESIGNED)
    uploaded = any_client(api).files.upload(pdf)
    assert uploaded.id == "file_put"
    _negotiation, put, complete = api.requests
    assert (put.method, str(put.url)) == ("PUT", STORAGE)
    assert "Authorization" not in put.headers
    assert API_KEY not in str(put.headers)
    assert put.headers["Content-Length"] == "200000"  # the file's, not the negotiated header's
    assert put.headers["x-amz-meta"] == "m"
    assert api.stored == pdf.read_bytes()
    assert (complete.method, complete.url.path) == ("POST", "/api/v1/files/uploads/up_1/complete")
    assert complete.headers["Authorization"] == f"Bearer {API_KEY}"


def test_a_failed_put_aborts_the_upload(any_client: ClientFactory) -> None:
    api = FilesApi(PRESIGNED, put_status=403)
    with pytest.raises(EigenpalAPIError) as caught:
        any_client(api).files.upload({"content": b"abc", "filename": "a.pdf"})
    assert "the upload up_1 was aborted" in str(caught.value)
    assert [(r.method, r.url.path) for r in api.requests][-1] == ("DELETE", "/api/v1/files/uploads/up_1")


def test_a_failed_completion_aborts_the_upload(any_client: ClientFactory) -> None:
    api = FilesApi(PRESIGNED, complete_status=500)
    with pytest.raises(EigenpalServerError):
        any_client(api, max_retries=0).files.upload({"content": b"abc", "filename": "a.pdf"})
    assert [(r.method, r.url.path) for r in api.requests][-1] == ("DELETE", "/api/v1/files/uploads/up_1")


def test_an_unknown_transport_is_aborted_and_refused(any_client: ClientFactory) -> None:
    api = FilesApi({"transport": "carrier-pigeon", "url": "x", "uploadId": "up_9"})
    with pytest.raises(EigenpalResponseError, match="carrier-pigeon"):
        any_client(api).files.upload({"content": b"abc", "filename": "a.pdf"})
    assert [(r.method, r.url.path) for r in api.requests][-1] == ("DELETE", "/api/v1/files/uploads/up_9")


def test_the_negotiation_is_retried_with_its_key(any_client: ClientFactory) -> None:
    answers = iter([httpx.Response(503), httpx.Response(200, json=MULTIPART), httpx.Response(200, json={"id": "f"})])
    recorder = Recorder(lambda request: next(answers))
    any_client(recorder).files.upload({"content": b"abc", "filename": "a.pdf"})
    first, second, _ = recorder.requests
    assert json.loads(first.content)["idempotencyKey"] == json.loads(second.content)["idempotencyKey"]


def test_a_given_idempotency_key_is_sent(any_client: ClientFactory) -> None:
    api = FilesApi(MULTIPART)
    any_client(api).files.upload({"content": b"abc", "filename": "a.pdf"}, idempotency_key="upload-42")
    assert json.loads(api.requests[0].content)["idempotencyKey"] == "upload-42"


@pytest.mark.parametrize(
    ("file", "kwargs", "error", "argument"),
    [
        (b"raw bytes", {}, ArgumentTypeError, "file"),
        (42, {}, ArgumentTypeError, "file"),
        ({"content": b"x", "filename": "a"}, {"purpose": "fun"}, ArgumentValueError, "purpose"),
        ({"content": "text", "filename": "a"}, {}, ArgumentTypeError, "file['content']"),
    ],
)
def test_bad_arguments_are_named_before_any_request(
    any_client: ClientFactory, file: Any, kwargs: dict[str, Any], error: type[Exception], argument: str
) -> None:
    recorder = Recorder()
    with pytest.raises(error) as caught:
        any_client(recorder).files.upload(file, **kwargs)
    assert caught.value.argument == argument  # type: ignore[attr-defined]
    assert recorder.requests == []


def test_a_missing_path_is_named_as_the_file_argument(any_client: ClientFactory, tmp_path: Path) -> None:
    recorder = Recorder()
    with pytest.raises(FileNotFoundError, match=r"^file: file .*missing\.pdf' does not exist"):
        any_client(recorder).files.upload(tmp_path / "missing.pdf")
    assert recorder.requests == []


def test_a_handle_is_uploaded_from_its_start(any_client: ClientFactory) -> None:
    api = FilesApi(MULTIPART)
    handle = io.BytesIO(b"0123456789")
    handle.seek(5)
    any_client(api).files.upload(handle)
    assert json.loads(api.requests[0].content)["size"] == 10
    assert multipart_parts(api.requests[1])["file"][2] == b"0123456789"


def test_get_delete_and_content(any_client: ClientFactory) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/content"):
            return httpx.Response(200, content=b"\x00bytes", headers={"content-type": "application/pdf"})
        if request.method == "DELETE":
            return httpx.Response(200, json={"deleted": True})
        return httpx.Response(200, json={"id": "file_1", "filename": "a.pdf", "purpose": "run-input"})

    recorder = Recorder(respond)
    client = any_client(recorder)
    assert client.files.get("file_1").filename == "a.pdf"
    deleted = client.files.delete("file_1")
    assert isinstance(deleted, FileDeletion)
    assert deleted.deleted is True
    assert client.files.content("file_1") == b"\x00bytes"
    assert [(r.method, r.url.path) for r in recorder.requests] == [
        ("GET", "/api/v1/files/file_1"), ("DELETE", "/api/v1/files/file_1"), ("GET", "/api/v1/files/file_1/content"),
    ]  # fmt: skip


def test_content_follows_a_redirect_to_storage_without_the_api_key(any_client: ClientFactory) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.host == "storage.example":
            return httpx.Response(200, content=b"stored bytes")
        return httpx.Response(302, headers={"location": STORAGE})

    recorder = Recorder(respond)
    assert any_client(recorder).files.content("file_1") == b"stored bytes"
    api_request, storage_request = recorder.requests
    assert api_request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert "Authorization" not in storage_request.headers
