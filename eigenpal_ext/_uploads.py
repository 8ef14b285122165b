"""Uploading files through the files API, as flows: ``files.upload(path)``, and the pre-upload of a run's large file
inputs (sent then as ``{"$fileId": ...}``). The calls of the files routes are here too. No I/O of its own: the flows
yield ``Send`` (see ``_flow``), so both clients share them.

An upload is negotiated first (``POST /files/uploads``: the file's name, media type and exact size, its purpose
and a fresh ``idempotencyKey``, so a negotiation the transport resends is the same upload), and the server's
answer decides how the bytes go, not a guess from the size:

- ``multipart``: the file is posted as a ``file`` part to the URL the answer gives, which must be on the API's own
  origin (the API key is sent there; a URL elsewhere is refused before a byte of the file is sent). The answer is
  the stored file. Nothing needs completing or aborting.
- ``presigned-put``: the raw bytes are ``PUT`` to the storage URL with the answer's headers (without the API key:
  ``_urls`` drops it on other origins), then the upload is completed (``POST /files/uploads/{id}/complete``). If
  the ``PUT`` or the completion fails, the upload is aborted (``DELETE /files/uploads/{id}``, best effort) and the
  error raised: nothing half-stored is left behind on purpose.
- anything else: aborted when the answer named an upload, and refused with an ``EigenpalResponseError``.

The file is streamed from disk in 64 KiB chunks, never read whole (memory stays flat whatever its size); it is
opened once, measured, and uploaded at that size (``_files.SizedUpload``: a file that changes meanwhile raises
``EigenpalFileChangedError``).

Pre-upload (``prepare_start_flow``): EigenPal's hosted API takes request bodies up to about 4.5 MiB. A run whose
file inputs would make its multipart body larger than ``multipart_max_bytes`` (less ``MULTIPART_HEADROOM_BYTES``
for the other parts) has those files uploaded first: every file over that budget, then the largest remaining
ones until the rest fits. ``None`` means never. The uploaded files are temporary (purpose ``run-input``: EigenPal
removes them after about a day), and a run that then fails to start leaves them to that clean-up.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping
from typing import IO, Any

import httpx
from eigenpal_api.api.files import (
    abort_file_upload,
    complete_file_upload,
    create_file_upload,
    delete_file,
    get_file,
    get_file_content,
)
from eigenpal_api.models import (
    FileDeletion,
    FilePurpose,
    FileUploadAbort,
    FileUploadRequest,
    FileUploadSession,
    UploadedFile,
)

from eigenpal_ext._answers import parser, transport_error_converter
from eigenpal_ext._calls import Call, _call
from eigenpal_ext._checks import check_choice, check_header_value, optional_request_timeout, require_id
from eigenpal_ext._errors import EigenpalError, EigenpalResponseError
from eigenpal_ext._files import FileInput
from eigenpal_ext._flow import Flow, Send
from eigenpal_ext._logging import logger
from eigenpal_ext._response_errors import error_from_response
from eigenpal_ext._run_calls import RunStart

MULTIPART_HEADROOM_BYTES = 256 * 1024
"""Room left in ``multipart_max_bytes`` for a run's other parts (target, input, metadata, part headers)."""
PURPOSES = tuple(member.value for member in FilePurpose)
RUN_INPUT = "run-input"


# --- the calls of the files routes -------------------------------------------------------------------------


def _file_id(value: object) -> str:
    return require_id(value, "file_id")


def create_upload_call(
    *, filename: str, content_type: str, size: int, purpose: str | None, idempotency_key: str
) -> Call[FileUploadSession]:
    wanted = {"filename": filename, "contentType": content_type, "size": size, "idempotencyKey": idempotency_key}
    if purpose is not None:
        wanted["purpose"] = purpose
    generated = create_file_upload._get_kwargs(body=FileUploadRequest.from_dict(wanted))
    # The body's idempotencyKey makes a resent negotiation the same upload: safe to retry like a GET.
    return _call(generated, parser(FileUploadSession), transport_error_converter(), repeatable=True)


def post_file_call(
    url: str, handle: IO[bytes], owned: bool, file: FileInput, purpose: str | None
) -> Call[UploadedFile]:
    """The file as a multipart ``file`` part to ``url`` (the files route, or the negotiated multipart URL)."""
    parts: list[tuple[str, Any]] = [("file", (file.filename, handle, file.mime_type))]
    if purpose is not None:
        parts.append(("purpose", (None, purpose)))
    return Call(
        "POST", url, parser(UploadedFile), transport_error_converter(), parts=parts,
        uploads=(handle,) if owned else (),
    )  # fmt: skip


def _stored(response: httpx.Response) -> None:
    if not response.is_success:
        raise error_from_response(response)


def put_to_storage_call(url: str, headers: Mapping[str, str], handle: IO[bytes], owned: bool, size: int) -> Call[None]:
    """The raw bytes ``PUT`` to a storage URL with the negotiated headers (``Content-Length`` is the file's)."""
    sent = {name: value for name, value in headers.items() if name.lower() != "content-length"}
    sent["Content-Length"] = str(size)
    return Call(
        "PUT", url, _stored, transport_error_converter(), content=handle, headers=sent,
        uploads=(handle,) if owned else (),
    )  # fmt: skip


def complete_upload_call(upload_id: str) -> Call[UploadedFile]:
    # Completing checks the stored object and is safe to retry (the API documents it so).
    return _call(
        complete_file_upload._get_kwargs(require_id(upload_id, "upload_id")), parser(UploadedFile),
        transport_error_converter(), repeatable=True,
    )  # fmt: skip


def abort_upload_call(upload_id: str) -> Call[FileUploadAbort]:
    return _call(
        abort_file_upload._get_kwargs(require_id(upload_id, "upload_id")), parser(FileUploadAbort),
        transport_error_converter(), repeatable=True,
    )  # fmt: skip


def get_file_call(file_id: str, *, request_timeout_seconds: float | None = None) -> Call[UploadedFile]:
    return _call(
        get_file._get_kwargs(_file_id(file_id)), parser(UploadedFile), transport_error_converter(),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
    )  # fmt: skip


def delete_file_call(file_id: str, *, request_timeout_seconds: float | None = None) -> Call[FileDeletion]:
    return _call(
        delete_file._get_kwargs(_file_id(file_id)), parser(FileDeletion), transport_error_converter(),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
    )  # fmt: skip


def _content(response: httpx.Response) -> bytes | str:
    """The file's bytes, or (a 3xx) the storage URL to fetch them from."""
    location: str | None = response.headers.get("location")
    if response.is_redirect and location:
        return location
    if not response.is_success:
        raise error_from_response(response)
    content: bytes = response.content
    return content


def file_content_call(
    url_or_file_id: str, *, request_timeout_seconds: float | None = None, direct: bool = False
) -> Call[bytes | str]:
    """The bytes of a file (``GET /files/{id}/content``), or, ``direct``, of the storage URL it redirected to."""
    path = url_or_file_id if direct else get_file_content._get_kwargs(_file_id(url_or_file_id))["url"]
    return Call(
        "GET", path, _content, transport_error_converter(),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
    )  # fmt: skip


def content_flow(file_id: str, *, request_timeout_seconds: float | None = None) -> Flow[bytes]:
    """A file's bytes; a 302 to storage is followed once (without the API key, which stays on the API's origin)."""
    answer = yield Send(file_content_call(file_id, request_timeout_seconds=request_timeout_seconds))
    if isinstance(answer, str):
        answer = yield Send(file_content_call(answer, request_timeout_seconds=request_timeout_seconds, direct=True))
        if isinstance(answer, str):
            raise EigenpalResponseError(
                f"the content of file {file_id} redirected twice (to {answer!r}); the API redirects once, to storage",
                status=302,
            )
    content: bytes = answer
    return content


# --- the upload flow ---------------------------------------------------------------------------------------


def check_purpose(purpose: object) -> str | None:
    return None if purpose is None else check_choice(purpose, "purpose", PURPOSES)


def new_upload_key() -> str:
    """A fresh negotiation key (a UUID, as the files API expects)."""
    return str(uuid.uuid4())


def check_upload_key(key: object) -> str:
    return new_upload_key() if key is None else check_header_value(key, "idempotency_key")


def upload_flow(file: FileInput, *, purpose: str | None, idempotency_key: str, origin: str) -> Flow[UploadedFile]:
    """Negotiate and upload ``file`` (see module); the stored file. ``origin`` is the API's (``scheme://host``)."""
    handle, owned = file.open()
    try:
        size = _measure(handle)
        session: FileUploadSession = yield Send(
            create_upload_call(
                filename=file.filename, content_type=file.mime_type, size=size, purpose=purpose,
                idempotency_key=idempotency_key,
            )
        )  # fmt: skip
        transport = str(session.transport)
        if transport == "multipart":
            url = _on_origin(session.url, origin)
            uploaded: UploadedFile = yield Send(post_file_call(url, handle, owned, file, purpose))
            return uploaded
        if transport == "presigned-put" and session.upload_id:
            return (yield from _put_and_complete(session, session.upload_id, handle, owned, size))
        if session.upload_id:
            yield from _abort(session.upload_id)
        raise EigenpalResponseError(
            f"the upload negotiation of {file.filename!r} answered transport {transport!r}"
            + ("" if session.upload_id else " without an uploadId")
            + "; this client sends files as multipart or presigned-put: nothing was uploaded",
            status=200,
            request_id=session.request_id,
        )
    finally:
        if owned:
            handle.close()


def _put_and_complete(
    session: FileUploadSession, upload_id: str, handle: IO[bytes], owned: bool, size: int
) -> Flow[UploadedFile]:
    headers = (
        {} if session.headers is None else {str(k): str(v) for k, v in session.headers.additional_properties.items()}
    )
    try:
        # The handle stays this flow's (owned=False): an abort after a failed PUT must not find it closed.
        yield Send(put_to_storage_call(session.url, headers, handle, False, size))
        completed: UploadedFile = yield Send(complete_upload_call(upload_id))
    except EigenpalError as error:
        yield from _abort(upload_id)
        error.message += f"; the upload {upload_id} was aborted"
        raise
    return completed


def _abort(upload_id: str) -> Flow[None]:
    try:
        yield Send(abort_upload_call(upload_id))
    except EigenpalError as error:  # best effort: the server expires unfinished uploads anyway
        logger.warning("aborting upload %s failed: %s", upload_id, error.message)


def _measure(handle: IO[bytes]) -> int:
    """The size of what will be sent: from position 0 to the end (httpx sends a part from its start too)."""
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


def _on_origin(url: str, origin: str) -> str:
    """The negotiated multipart URL, absolute, if it is on the API's origin; refused otherwise."""
    if url.startswith("/") and not url.startswith("//"):
        return origin + url
    target = httpx.URL(url)
    base = httpx.URL(origin)
    if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
        raise EigenpalResponseError(
            f"the upload negotiation answered a multipart URL on another origin ({target.scheme}://{target.host}); "
            "the file and the API key go to the API's own origin only: nothing was uploaded",
            status=200,
        )
    return url


# --- pre-uploading a run's large files ---------------------------------------------------------------------


def keys_to_upload(sizes: Mapping[str, int | None], max_bytes: int | None) -> set[str]:
    """Which file inputs to upload first so that the run's body stays within ``max_bytes`` (see module).

    A file whose size is not known here (a handle without a length, spooled only when sent) stays in the body.
    """
    if max_bytes is None:
        return set()
    budget = max(0, max_bytes - MULTIPART_HEADROOM_BYTES)
    known = {key: size for key, size in sizes.items() if size is not None}
    chosen = {key for key, size in known.items() if size > budget}
    rest = sorted((key for key in known if key not in chosen), key=lambda key: (-known[key], key))  # largest first
    total = sum(known[key] for key in rest)
    for key in rest:
        if total <= budget:
            break
        chosen.add(key)
        total -= known[key]
    return chosen


def prepare_start_flow(start: RunStart, *, max_bytes: int | None, origin: str) -> Flow[RunStart]:
    """``start`` with its file inputs over the budget uploaded first (see module); nothing sent when all fit."""
    files = start.in_body
    chosen = keys_to_upload({file.key: file.size() for file in files}, max_bytes)
    file_ids: dict[str, str] = {}
    for file in files:
        if file.key in chosen:
            uploaded = yield from upload_flow(file, purpose=RUN_INPUT, idempotency_key=new_upload_key(), origin=origin)
            file_ids[file.key] = uploaded.id
    return start.with_file_ids(file_ids) if file_ids else start


def origin_of(http: httpx.Client | httpx.AsyncClient) -> str:
    """The API's origin (``scheme://host[:port]``) of a client's httpx client."""
    base = http.base_url
    return str(base.copy_with(raw_path=b"/")).rstrip("/")
