"""Streaming ``multipart/form-data`` reader for ``POST /api/v1/workflows/{id}/run``.

This module owns turning a run request's multipart body into a :class:`MultipartRun`: the text parts
(``_json`` and any other plain fields) decoded as UTF-8, and every file part written straight to disk
in ``dest_dir`` while its size and SHA-256 are computed. Nothing here interprets the ``_json`` payload
or the input keys; that is the caller's job.

Guarantees:

* A file is never held in memory: each chunk the parser hands over is hashed and written at once.
  With ``text_fields`` given, a text part of any other name is refused as soon as its headers arrive,
  before its content is read, so memory use is bounded by the largest incoming chunk plus
  ``max_text_field_bytes`` per accepted text part (without ``text_fields``, per text part).
* The body is counted as it arrives; past ``max_body_bytes`` reading stops and :class:`UploadTooLarge`
  (413) is raised. Malformed bodies, duplicate fields, too many parts etc. raise :class:`MalformedUpload`
  (400).
* On *any* failure, including the chunk iterator raising (e.g. Starlette's ``ClientDisconnect``, which
  propagates unchanged) or the task being cancelled, every file written so far is closed and deleted.
  After a successful return the caller owns the files; :func:`delete_files` removes them.

Parsing uses python-multipart's low-level streaming ``MultipartParser`` and its callbacks.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import uuid
from collections.abc import AsyncIterator, Collection
from pathlib import Path
from typing import TYPE_CHECKING

import anyio.to_thread
import attrs
from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

__all__ = [
    "MalformedUpload",
    "MultipartRun",
    "UploadError",
    "UploadTooLarge",
    "UploadedFile",
    "delete_files",
    "read_multipart_run",
    "sanitise_filename",
]

DEFAULT_MEDIA_TYPE = "application/octet-stream"

_MIB = 1024 * 1024

# python-multipart refuses boundaries longer than this (RFC 2046 says 70; clients stay well below both).
_MAX_BOUNDARY_LENGTH = 256

# Chunks at least this big are parsed (and so written to disk) in a worker thread. uvicorn hands the app
# the body in pieces of at most 64 KiB; writing one of those to the page cache takes microseconds, less
# than a thread hop costs, so they are handled inline on the event loop. Bigger chunks (Starlette's
# TestClient sends the whole body as one, other servers or proxies may buffer) would block the loop for
# as long as a multi-MiB write takes, so they go to a thread. The parser state is only ever touched by
# one thread at a time: we await the thread, and anyio does not abandon it on cancellation.
_THREAD_THRESHOLD = 1 * _MIB


@attrs.frozen
class UploadedFile:
    """One file part of a run request, already on disk."""

    field: str
    """The part name, i.e. the workflow input key."""
    filename: str
    """The client's file name: a basename without path separators or control characters, never empty."""
    media_type: str
    """The part's ``Content-Type`` (``application/octet-stream`` if it had none)."""
    path: Path
    """Where the content was written, inside ``dest_dir`` under a name chosen here."""
    size: int
    sha256: str
    """Hex digest of the content."""


@attrs.frozen
class MultipartRun:
    """The parsed body of a multipart run request."""

    fields: dict[str, str]
    """Text parts (parts without a filename) by name, e.g. ``{"_json": "..."}``."""
    files: tuple[UploadedFile, ...]
    """File parts in the order they appeared in the body."""


class UploadError(Exception):
    """A request body this module refuses; ``status`` is the HTTP status to answer with."""

    status: int = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        """Where the problem is: ``"body"`` for the body as a whole, ``"body.<name>"`` for one part."""
        self.message = message


class UploadTooLarge(UploadError):
    """The body, or one text part, is larger than allowed (413)."""

    status = 413


class MalformedUpload(UploadError):
    """The body is not an acceptable ``multipart/form-data`` run request (400)."""

    status = 400


def delete_files(run: MultipartRun) -> None:
    """Delete every file of ``run``, for callers that reject a run after it was parsed. Idempotent."""
    for uploaded in run.files:
        uploaded.path.unlink(missing_ok=True)


async def read_multipart_run(
    chunks: AsyncIterator[bytes],
    content_type: str,
    *,
    dest_dir: Path,
    max_body_bytes: int,
    max_text_field_bytes: int = 1024 * 1024,
    max_parts: int = 64,
    text_fields: Collection[str] | None = None,
) -> MultipartRun:
    """Read a ``multipart/form-data`` body from ``chunks`` (e.g. ``request.stream()``).

    ``content_type`` is the request's ``Content-Type`` header, which carries the boundary. File parts are
    written to new files in ``dest_dir`` (created if missing). Raises :class:`UploadTooLarge` when the
    body exceeds ``max_body_bytes`` or a text part exceeds ``max_text_field_bytes``, and
    :class:`MalformedUpload` for anything else wrong with the body, including a text part whose name is
    not in ``text_fields`` (when given); in every failure case no file is left behind.
    """
    boundary = _boundary(content_type)
    dest_dir.mkdir(parents=True, exist_ok=True)
    sink = _PartSink(
        dest_dir=dest_dir,
        max_text_field_bytes=max_text_field_bytes,
        max_parts=max_parts,
        text_fields=None if text_fields is None else frozenset(text_fields),
    )
    try:
        parser = MultipartParser(boundary, sink.callbacks())
    except FormParserError as exc:
        raise MalformedUpload("body", f"invalid multipart boundary: {exc}") from None

    received = 0
    try:
        try:
            async for chunk in chunks:
                if not chunk:
                    continue
                received += len(chunk)
                if received > max_body_bytes:
                    raise UploadTooLarge("body", f"request body is larger than the limit of {_limit(max_body_bytes)}")
                if len(chunk) >= _THREAD_THRESHOLD:
                    await anyio.to_thread.run_sync(_feed, parser, chunk)
                else:
                    _feed(parser, chunk)
        except UploadError:
            # We stop reading before the body ends: release the body iterator rather than leave it suspended.
            await _close_iterator(chunks)
            raise
        parser.finalize()
        if not sink.ended:
            raise MalformedUpload("body", "multipart body ended before its closing boundary")
    except BaseException:
        sink.discard()
        raise
    return MultipartRun(fields=dict(sink.fields), files=tuple(sink.files))


def _feed(parser: MultipartParser, chunk: bytes) -> None:
    try:
        parser.write(chunk)
    except FormParserError as exc:
        raise MalformedUpload("body", f"malformed multipart body: {exc}") from None


async def _close_iterator(chunks: AsyncIterator[bytes]) -> None:
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        # Best effort only: the error we are about to raise matters more than one from closing the stream.
        with contextlib.suppress(Exception):
            await aclose()


def _boundary(content_type: str) -> bytes:
    try:
        media_type, params = parse_options_header(content_type)
    except UnicodeEncodeError:  # header text is latin-1 on the wire; direct callers could pass anything
        raise MalformedUpload("body", "the Content-Type header is not valid") from None
    if media_type != b"multipart/form-data":
        raise MalformedUpload("body", "expected a multipart/form-data request body")
    boundary = params.get(b"boundary", b"")
    if not boundary:
        raise MalformedUpload("body", "the multipart/form-data content type has no boundary")
    # RFC 2046 §5.1.1: printable ASCII, not ending in a space. Anything else could never match a body line.
    if (
        len(boundary) > _MAX_BOUNDARY_LENGTH
        or boundary.endswith(b" ")
        or any(byte < 0x20 or byte > 0x7E for byte in boundary)
    ):
        raise MalformedUpload("body", "the multipart/form-data boundary is invalid")
    return boundary


def _limit(limit: int) -> str:
    if limit >= _MIB:
        return f"{limit / _MIB:g} MiB ({limit} bytes)"
    return f"{limit} bytes"


def sanitise_filename(raw: str) -> str:
    """A client's file name as stored: its last path component, without control characters; "" for none."""
    # Keep the last path component whatever the client's separator, and drop NUL and other control
    # characters. "." and ".." are not file names.
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch >= " " and ch != "\x7f").strip()
    return "" if base in {".", ".."} else base


class _PartSink:
    """The parser's callbacks: collects headers per part and routes part data to a file or a buffer."""

    def __init__(
        self, *, dest_dir: Path, max_text_field_bytes: int, max_parts: int, text_fields: frozenset[str] | None
    ) -> None:
        self._dest_dir = dest_dir
        self._max_text_field_bytes = max_text_field_bytes
        self._max_parts = max_parts
        self._text_fields = text_fields

        self.fields: dict[str, str] = {}
        self.files: list[UploadedFile] = []
        self.ended = False
        self._parts = 0
        self._seen: set[str] = set()
        self._written: list[Path] = []  # every file created, finished or not, so discard() finds them all

        # State of the current part.
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, str] = {}
        self._name = ""
        self._filename: str | None = None
        self._media_type = DEFAULT_MEDIA_TYPE
        self._text: bytearray | None = None
        self._file: io.FileIO | None = None
        self._path: Path | None = None
        self._hash = hashlib.sha256()
        self._size = 0

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._on_part_begin,
            "on_header_field": self._on_header_field,
            "on_header_value": self._on_header_value,
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_part_data": self._on_part_data,
            "on_part_end": self._on_part_end,
            "on_end": self._on_end,
        }

    def discard(self) -> None:
        """Close the open file, if any, and delete every file written so far."""
        if self._file is not None:
            self._file.close()
            self._file = None
        for path in self._written:
            path.unlink(missing_ok=True)
        self._written.clear()
        self.files.clear()

    def _on_part_begin(self) -> None:
        self._parts += 1
        if self._parts > self._max_parts:
            raise MalformedUpload("body", f"too many parts: at most {self._max_parts} are allowed")
        self._header_name.clear()
        self._header_value.clear()
        self._headers = {}
        self._name = ""
        self._filename = None
        self._media_type = DEFAULT_MEDIA_TYPE
        self._text = None
        self._path = None
        self._hash = hashlib.sha256()
        self._size = 0

    # Header names and values may arrive in several pieces when a header straddles two chunks. The parser
    # caps header size and count per part, so these buffers stay small.
    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        # Header bytes are kept as latin-1 text, a lossless mapping; UTF-8 parameters are decoded later.
        name = self._header_name.decode("latin-1").strip().lower()
        self._headers.setdefault(name, self._header_value.decode("latin-1").strip())
        self._header_name.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        disposition = self._headers.get("content-disposition")
        if disposition is None:
            raise MalformedUpload("body", "a part has no Content-Disposition header")
        kind, params = parse_options_header(disposition)
        if kind != b"form-data":
            raise MalformedUpload("body", "a part's Content-Disposition is not form-data")
        raw_name = params.get(b"name", b"")
        try:
            name = raw_name.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedUpload("body", "a part's name is not valid UTF-8") from None
        if not name:
            raise MalformedUpload("body", "a part has no name in its Content-Disposition header")
        self._name = name

        # python-multipart drops the RFC 5987 ``filename*`` form, as RFC 7578 §4.2 forbids it in
        # multipart/form-data; clients send the plain ``filename`` (UTF-8 in practice).
        raw_filename = params.get(b"filename")
        is_file = raw_filename is not None
        if name in self._seen:
            kind_text = "file input" if is_file else "text field"
            raise MalformedUpload(f"body.{name}", f"{kind_text} given twice")
        self._seen.add(name)

        if raw_filename is None:
            if self._text_fields is not None and name not in self._text_fields:
                accepted = ", ".join(sorted(self._text_fields)) or "none"
                raise MalformedUpload(
                    f"body.{name}", f"a text part named {name!r} is not accepted here (text parts accepted: {accepted})"
                )
            self._text = bytearray()
            return
        self._filename = (
            sanitise_filename(raw_filename.decode("utf-8", errors="replace")) or sanitise_filename(name) or "upload"
        )
        self._media_type = self._headers.get("content-type", "") or DEFAULT_MEDIA_TYPE
        self._path = self._dest_dir / f"{uuid.uuid4().hex}.upload"
        # Unbuffered, so each write goes to the OS at the size it arrived; "x" never clobbers a file.
        self._file = open(self._path, "xb", buffering=0)  # noqa: SIM115 - closed in _on_part_end/discard
        self._written.append(self._path)

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        piece = memoryview(data)[start:end]  # no copy of the chunk
        if self._file is not None:
            self._hash.update(piece)
            self._size += len(piece)
            while piece:  # a raw file may in principle accept fewer bytes than offered
                written = self._file.write(piece)
                piece = piece[written:]
        elif self._text is not None:
            if len(self._text) + len(piece) > self._max_text_field_bytes:
                raise UploadTooLarge(
                    f"body.{self._name}", f"text field is larger than the limit of {_limit(self._max_text_field_bytes)}"
                )
            self._text += piece

    def _on_part_end(self) -> None:
        if self._file is not None:
            assert self._path is not None
            assert self._filename is not None
            self._file.close()
            self._file = None
            self.files.append(
                UploadedFile(
                    field=self._name,
                    filename=self._filename,
                    media_type=self._media_type,
                    path=self._path,
                    size=self._size,
                    sha256=self._hash.hexdigest(),
                )
            )
        elif self._text is not None:
            try:
                self.fields[self._name] = self._text.decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedUpload(f"body.{self._name}", "text field is not valid UTF-8") from None
            self._text = None

    def _on_end(self) -> None:
        self.ended = True
