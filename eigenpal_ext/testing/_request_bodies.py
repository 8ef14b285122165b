"""Reading request bodies within the local server's limits: JSON (bounded size and depth, validated
against a schema of ``openapi.yaml``) and streamed ``multipart/form-data`` (files to disk as they arrive).

Every refusal is an ``ApiError``: 413 for a body over ``max_upload_bytes`` (or a JSON body over
``MAX_JSON_BODY_BYTES``), 400 naming the field for anything malformed. Files written for a request that
is then refused are deleted by whoever owns them at that point (``delete_stored``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from starlette.requests import Request

from eigenpal_ext.testing._api_common import ApiError, ServerState, issue
from eigenpal_ext.testing._json_limits import MAX_JSON_BODY_BYTES, JsonTooDeep, JsonTooLarge, parse_request_json
from eigenpal_ext.testing._store import StoredFile
from eigenpal_ext.testing._uploads import MultipartRun, UploadError, read_multipart_run

__all__ = [
    "delete_paths",
    "delete_stored",
    "media_type_of",
    "parse_json",
    "read_json_body",
    "read_limited",
    "read_multipart",
    "refuse_declared_oversize",
    "refuse_unless_json",
    "validated",
]


def media_type_of(request: Request) -> str:
    """The request's media type, lower case, without parameters (``""`` when it has none)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def refuse_declared_oversize(request: Request, state: ServerState) -> None:
    """A 413 at once for a declared ``Content-Length`` over ``max_upload_bytes`` (nothing is read)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > state.max_upload_bytes:
        raise ApiError(413, [issue("body", f"the body is larger than {state.max_upload_bytes} bytes", "too_large")])


def refuse_unless_json(media_type: str, *, also: str = "") -> None:
    """A 400 for a media type that is not JSON (``also``: another accepted type, named in the message)."""
    if media_type in ("", "application/json") or media_type.endswith("+json"):
        return
    accepted = "application/json" + (f" or {also}" if also else "")
    raise ApiError(400, [issue("body", f"unsupported content type {media_type!r}: send {accepted}", "invalid_value")])


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, or a 413 as soon as it grows past ``limit`` bytes."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(
                413, [issue("body", f"a JSON body is limited to {limit} bytes; send files as multipart", "too_large")]
            )
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes, *, field: str) -> Any:
    """JSON text within the depth and size limits; a 400 (or 413) naming ``field`` otherwise."""
    try:
        return parse_request_json(raw)
    except JsonTooLarge as exc:
        raise ApiError(413, [issue(field, str(exc), "too_large")]) from exc
    except JsonTooDeep as exc:
        where = field if exc.key is None else f"{field}.{exc.key}"
        raise ApiError(400, [issue(where, str(exc), "invalid_value")]) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, [issue(field, f"not valid JSON: {exc}", "invalid_value")]) from exc


def validated(state: ServerState, schema: str, value: Any, *, field: str = "body") -> dict[str, Any]:
    """``value`` checked against ``#/components/schemas/<schema>`` (an object schema); a 400 with every issue."""
    issues = state.validator.check_body(schema, value, field=field)
    if issues:
        raise ApiError(400, issues)
    assert isinstance(value, dict)
    return value


async def read_json_body(request: Request, state: ServerState, *, schema: str, empty_is: Any = None) -> dict[str, Any]:
    """A JSON request body, validated against ``schema``; an empty body is ``empty_is`` (then validated too)."""
    refuse_unless_json(media_type_of(request))
    raw = await read_limited(request, MAX_JSON_BODY_BYTES)
    value = parse_json(raw, field="body") if raw.strip() else empty_is
    return validated(state, schema, value)


async def read_multipart(request: Request, state: ServerState, *, text_fields: Collection[str]) -> MultipartRun:
    """A ``multipart/form-data`` body: files streamed to the store's files directory, text parts (only those
    named in ``text_fields``, each at most ``MAX_JSON_BODY_BYTES``) kept. The caller owns the files."""
    # A text part not named is refused when its headers arrive, before its content is buffered, so a request
    # cannot make the server hold more than the named parts' text.
    try:
        return await read_multipart_run(
            request.stream(), request.headers.get("content-type", ""), dest_dir=state.store.files_dir,
            max_body_bytes=state.max_upload_bytes, max_text_field_bytes=MAX_JSON_BODY_BYTES, text_fields=text_fields,
        )  # fmt: skip
    except UploadError as exc:
        raise ApiError(
            exc.status, [issue(exc.field, exc.message, "too_large" if exc.status == 413 else "invalid_value")]
        ) from exc


def delete_stored(files: Iterable[StoredFile]) -> None:
    """Delete the content of files a refused or replayed request wrote (idempotent)."""
    delete_paths(stored.path for stored in files)


def delete_paths(paths: Iterable[Path]) -> None:
    """Delete files, ignoring those already gone."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
