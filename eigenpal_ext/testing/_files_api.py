"""The files routes of the local server: reusable files that runs reference as ``{"$fileId": ...}``.

- ``POST /files``: one multipart ``file`` part (streamed to disk, at most ``max_upload_bytes``) and an
  optional ``purpose`` text part (``run-input`` or ``builder-attachment``); answers the stored file.
- ``GET /files/{id}``, ``DELETE /files/{id}``, ``GET /files/{id}/content`` (the bytes, with the file's
  own content type): each tenant sees only its own files. Deleting a file leaves the runs that used it
  intact (each has its own copy). The local server keeps files until they are deleted (EigenPal removes
  ``run-input`` files after about a day).
- The upload negotiation: ``POST /files/uploads`` answers ``transport: multipart`` with the absolute URL
  of ``POST /files`` in the layout the negotiation used, and ``maxFileSizeBytes``; a file larger than
  that is refused there (413), before any byte is sent. The local server never answers
  ``presigned-put``, so it has no upload to complete or abort: ``POST /files/uploads/{id}/complete`` and
  ``DELETE /files/uploads/{id}`` answer 404 for every id.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from eigenpal_ext.testing._api_common import ApiError, Handler, ServerState, issue, query
from eigenpal_ext.testing._request_bodies import (
    delete_paths,
    media_type_of,
    read_json_body,
    read_multipart,
    refuse_declared_oversize,
)
from eigenpal_ext.testing._store import PoolFile

__all__ = ["route"]


def route(segments: list[str]) -> tuple[dict[str, Handler], list[str]] | None:  # noqa: PLR0911 - one case a route
    """The handlers by method of a path after the API prefix (``files/...``), and its parameters; None if
    the path is not a files route."""
    match segments:
        case ["files"]:
            return {"POST": upload_file}, []
        case ["files", "uploads"]:
            return {"POST": create_file_upload}, []
        case ["files", "uploads", upload_id, "complete"]:
            return {"POST": complete_file_upload}, [upload_id]
        case ["files", "uploads", upload_id]:
            return {"DELETE": abort_file_upload}, [upload_id]
        case ["files", file_id]:
            return {"GET": get_file, "DELETE": delete_file}, [file_id]
        case ["files", file_id, "content"]:
            return {"GET": get_file_content}, [file_id]
    return None


def file_answer(pooled: PoolFile) -> dict[str, Any]:
    """A file as the files routes answer it (``UploadedFile``)."""
    return {"id": pooled.id, "filename": pooled.filename, "contentType": pooled.content_type, "size": pooled.size,
            "purpose": pooled.purpose, "createdAt": pooled.created_at}  # fmt: skip


def _find_file(state: ServerState, tenant: str, file_id: str) -> PoolFile:
    pooled = state.store.pool_file(file_id, tenant)
    if pooled is None:
        raise ApiError(404, [issue("path.id", f"file {file_id!r} not found", "not_found")])
    return pooled


def max_file_bytes(state: ServerState) -> int:
    """The largest file the server takes in one upload (the hosted profile's body limit, when smaller)."""
    return state.max_upload_bytes if state.hosted is None else min(state.max_upload_bytes, state.hosted.max_body_bytes)


async def upload_file(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "upload_file")
    refuse_declared_oversize(request, state)
    if media_type_of(request) != "multipart/form-data":
        message = "send the file as multipart/form-data, in a part named 'file'"
        raise ApiError(400, [issue("body", message, "invalid_value")])
    upload = await read_multipart(request, state, text_fields=("purpose",))
    try:
        extra = [part.field for part in upload.files if part.field != "file"]
        if extra:
            raise ApiError(400, [issue(f"body.{extra[0]}", "the only file part is named 'file'", "invalid_value")])
        if not upload.files:
            raise ApiError(400, [issue("body.file", "is required: send the file in a part named 'file'", "required")])
        purpose = upload.fields.get("purpose")
        if purpose is not None:
            issues = state.validator.check_body("FilePurpose", purpose, field="body.purpose")
            if issues:
                raise ApiError(400, issues)
        (part,) = upload.files
        pooled = state.store.add_pool_file(
            tenant, filename=part.filename, content_type=part.media_type, size=part.size, sha256=part.sha256,
            path=part.path, purpose=purpose,
        )  # fmt: skip
    except BaseException:
        delete_paths(part.path for part in upload.files)
        raise
    return 200, file_answer(pooled)


async def create_file_upload(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "create_file_upload")
    wanted = await read_json_body(request, state, schema="FileUploadRequest")
    limit = max_file_bytes(state)
    if wanted["size"] > limit:
        message = f"the file is larger than this server takes ({limit} bytes)"
        raise ApiError(413, [issue("body.size", message, "too_large")])
    prefix = "/api/v1/" if request.url.path.startswith("/api/") else "/v1/"
    url = str(request.base_url).rstrip("/") + prefix + "files"
    return 200, {"transport": "multipart", "url": url, "maxFileSizeBytes": limit}


async def complete_file_upload(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "complete_file_upload")
    raise _no_such_upload(params[0])


async def abort_file_upload(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "abort_file_upload")
    raise _no_such_upload(params[0])


def _no_such_upload(upload_id: str) -> ApiError:
    message = (
        f"upload {upload_id!r} not found: this server negotiates only multipart uploads, "
        "which need no completion or abort"
    )
    return ApiError(404, [issue("path.uploadId", message, "not_found")])


async def get_file(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "get_file")
    return 200, file_answer(_find_file(state, tenant, params[0]))


async def delete_file(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "delete_file")
    if state.store.delete_pool_file(params[0], tenant) is None:
        raise ApiError(404, [issue("path.id", f"file {params[0]!r} not found", "not_found")])
    return 200, {"deleted": True}


async def get_file_content(request: Request, state: ServerState, tenant: str, params: list[str]) -> Response:
    query(request, state, "get_file_content")
    pooled = _find_file(state, tenant, params[0])
    if not pooled.path.is_file():
        raise ApiError(404, [issue("path.id", f"the content of file {pooled.id!r} is gone", "not_found")])
    return FileResponse(pooled.path, media_type=pooled.content_type, filename=pooled.filename)
