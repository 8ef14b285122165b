"""The body of ``POST /runs``, JSON or multipart, read into what a run needs: its target, inputs,
overrides, metadata and file inputs (on disk, ready to become the run's own files).

- **JSON** (``RunStartBody``): file inputs are references, either as an input's value
  (``{"$fileId": "file_..."}``, a file of the files API; or ``{"$inline": {filename, mimeType,
  base64}}``) or in the ``files`` map (the same references by input key; a list of one is taken as its
  one file).
- **Multipart**: a ``target`` text part, ``input`` / ``overrides`` / ``metadata`` as JSON text parts, and
  one file part ``files.<input key>`` per uploaded file. References in ``input`` resolve as in JSON.

A referenced file becomes the run's own copy (a hard link in the store's files directory, or a copy
where links are not possible), so deleting the file from the files API later leaves the run intact. An
input's value stays as sent (``{"$fileId": ...}`` included), which ``expand=input`` shows. Once this
module has written or linked a file, any refusal deletes it again: the caller owns the files only when
:func:`read_start_body` returns.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from starlette.requests import Request

from eigenpal_ext.testing._api_common import ApiError, ServerState, issue
from eigenpal_ext.testing._json_limits import MAX_JSON_BODY_BYTES
from eigenpal_ext.testing._request_bodies import (
    delete_stored,
    media_type_of,
    parse_json,
    read_limited,
    read_multipart,
    refuse_declared_oversize,
    refuse_unless_json,
    validated,
)
from eigenpal_ext.testing._store import StoredFile
from eigenpal_ext.testing._uploads import sanitise_filename

__all__ = ["FILE_PART_PREFIX", "StartBody", "read_start_body"]

FILE_PART_PREFIX = "files."
"""A multipart file part's name is this prefix and the input key (``files.invoice``)."""

_JSON_PARTS = ("input", "overrides", "metadata")


@attrs.frozen
class StartBody:
    """A run start request's body, validated against ``RunStartBody``, with its file inputs on disk."""

    target: str
    input: dict[str, Any]
    overrides: Any
    metadata: Any
    files: tuple[StoredFile, ...]


async def read_start_body(request: Request, state: ServerState, tenant: str) -> StartBody:
    """Read and check the body (see the module docstring); 400/404/413 as ``ApiError``."""
    refuse_declared_oversize(request, state)
    media_type = media_type_of(request)
    uploaded: list[StoredFile] = []
    try:
        if media_type == "multipart/form-data":
            body, uploaded = await _read_multipart_body(request, state)
        else:
            refuse_unless_json(media_type, also="multipart/form-data")
            raw = await read_limited(request, MAX_JSON_BODY_BYTES)
            body = validated(state, "RunStartBody", parse_json(raw, field="body") if raw.strip() else None)
        inputs: dict[str, Any] = body.get("input") or {}
        references = _references(inputs, body.get("files") or {}, taken={stored.input_key for stored in uploaded})
        for key, (field, reference) in references.items():
            uploaded.append(_materialise(state, tenant, key, field, reference))
        return StartBody(target=body["target"], input=inputs, overrides=body.get("overrides"),
                         metadata=body.get("metadata"), files=tuple(uploaded))  # fmt: skip
    except BaseException:
        delete_stored(uploaded)
        raise


async def _read_multipart_body(request: Request, state: ServerState) -> tuple[dict[str, Any], list[StoredFile]]:
    run = await read_multipart(request, state, text_fields=("target", *_JSON_PARTS))
    files = [
        StoredFile(f.field[len(FILE_PART_PREFIX) :], f.filename, f.media_type, f.size, f.sha256, f.path)
        for f in run.files
    ]
    try:
        for part in run.files:
            if not part.field.startswith(FILE_PART_PREFIX) or part.field == FILE_PART_PREFIX:
                message = f"a file part's name is files.<input key> (e.g. files.invoice), not {part.field!r}"
                raise ApiError(400, [issue(f"body.{part.field}", message, "invalid_value")])
        body: dict[str, Any] = {}
        if "target" in run.fields:
            body["target"] = run.fields["target"]
        for name in _JSON_PARTS:
            if name in run.fields:
                body[name] = parse_json(run.fields[name].encode(), field=f"body.{name}")
        return validated(state, "RunStartBody", body), files
    except BaseException:
        delete_stored(files)
        raise


def _references(
    inputs: Mapping[str, Any], files: Mapping[str, Any], *, taken: set[str]
) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Each file reference by input key, with where it was given; a 400 for a key given twice."""
    found: dict[str, tuple[str, Mapping[str, Any]]] = {}

    def add(key: str, field: str, reference: Mapping[str, Any]) -> None:
        if key in taken or key in found:
            raise ApiError(400, [issue(field, f"the file input {key!r} is given twice", "invalid_value")])
        found[key] = (field, reference)

    for key, value in inputs.items():
        if isinstance(value, Mapping) and ("$fileId" in value or "$inline" in value):
            add(key, f"body.input.{key}", value)
    for key, given in files.items():
        field = f"body.files.{key}"
        if isinstance(given, list) and len(given) != 1:
            message = "the local server's workflows take one file per input; send a list of one, or one reference"
            raise ApiError(400, [issue(field, message, "invalid_value")])
        add(key, field, given[0] if isinstance(given, list) else given)
    return found


def _materialise(state: ServerState, tenant: str, key: str, field: str, reference: Mapping[str, Any]) -> StoredFile:
    """The run's own copy of a referenced file."""
    file_id = reference.get("$fileId")
    if file_id is not None:
        if not isinstance(file_id, str) or not file_id:
            raise ApiError(400, [issue(f"{field}.$fileId", "must be a file id (a non-empty string)", "invalid_type")])
        pooled = state.store.pool_file(file_id, tenant)
        destination = _new_path(state)
        try:
            if pooled is None:
                raise FileNotFoundError(file_id)
            _link_or_copy(pooled.path, destination)
        except FileNotFoundError:
            message = f"file {file_id!r} not found (upload it with POST /files first; deleted files are gone)"
            raise ApiError(404, [issue(f"{field}.$fileId", message, "not_found")]) from None
        return StoredFile(key, pooled.filename, pooled.content_type, pooled.size, pooled.sha256, destination)
    inline = reference.get("$inline")
    if not isinstance(inline, Mapping) or not all(
        isinstance(inline.get(name), str) and inline[name] for name in ("filename", "mimeType", "base64")
    ):
        message = 'must be {"$fileId": "<id>"} or {"$inline": {"filename", "mimeType", "base64"}}'
        raise ApiError(400, [issue(field, message, "invalid_value")])
    try:
        content = base64.b64decode(inline["base64"], validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, [issue(f"{field}.$inline.base64", "is not valid base64", "invalid_value")]) from None
    destination = _new_path(state)
    destination.write_bytes(content)
    return StoredFile(key, sanitise_filename(inline["filename"]) or "upload", inline["mimeType"], len(content),
                      hashlib.sha256(content).hexdigest(), destination)  # fmt: skip


def _new_path(state: ServerState) -> Path:
    return state.store.files_dir / f"{uuid.uuid4().hex}.upload"


def _link_or_copy(source: Path, destination: Path) -> None:
    try:
        os.link(source, destination)
    except FileNotFoundError:
        raise
    except OSError:  # a file system without hard links
        shutil.copyfile(source, destination)
