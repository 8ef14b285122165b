"""Run inputs → the request body: JSON when no top-level input is a file, streamed multipart otherwise.

File inputs are recognised at the top level of ``input`` only (the server does not support nested
files) and may be:

- a ``pathlib.Path`` (or any ``os.PathLike``) naming a regular file: opened when the request is sent,
  streamed from disk in 64 KiB chunks by httpx, closed afterwards;
- a binary file handle (``open(p, "rb")``, ``io.BytesIO``, ...): streamed from position 0 (httpx rewinds
  it, so a retried request resends the whole file); a handle without a file descriptor whose length is
  unknown (an object with only ``read()``) is first spooled to a temporary file;
- a mapping ``{"content": bytes, "filename": str, "mime_type": str (optional)}`` (``mimeType`` also
  accepted).

Everything is checked before any request: a missing file raises ``FileNotFoundError`` naming the input
key; a value that cannot be sent (a ``Path`` nested in a list, a ``set``, a text-mode handle, NaN...)
raises ``TypeError`` (or ``ValueError``) naming where it is, e.g. ``input['pages'][2]``.

Only regular files are uploaded. A pipe, a socket or a device (stdin, ``/dev/zero``, a FIFO, a symlink to
one), as a path or as a handle, has no size and may never end: it is refused with ``ValueError`` ("is not a
regular file") before anything is sent, instead of being copied without bound. A regular file is streamed
at the size it had when its request was built (the request announces it): ``SizedUpload`` stops the
upload with ``EigenpalFileChangedError`` as soon as the file holds more or less than that (it grew, it
shrank, or it reports a size it does not have, as files under ``/proc`` report 0), so the request is never
complete and no execution is created from a file that changed under it.
"""

from __future__ import annotations

import io
import json
import mimetypes
import os
import shutil
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, cast

import attrs

from eigenpal_ext._checks import check_json_value, check_part_headers, check_text
from eigenpal_ext._errors import ArgumentTypeError, ArgumentValueError, EigenpalFileChangedError

FALLBACK_MIME_TYPE = "application/octet-stream"
# A handle without a descriptor or a length (an object with only read()) is copied to a temporary file; up to
# this size the copy stays in memory.
SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024


@attrs.frozen
class FileInput:
    """One file part of a multipart run (or the file of ``files.upload``). ``open()`` gives a binary handle
    positioned anywhere. ``argument`` names it in errors: ``input['invoice']`` unless made otherwise."""

    key: str
    filename: str
    mime_type: str
    path: Path | None = None
    handle: IO[bytes] | None = None
    content: bytes | None = None
    argument: str = attrs.field(default=attrs.Factory(lambda self: input_argument(self.key), takes_self=True))

    def size(self) -> int | None:
        """Its size in bytes as it would be sent now; None for a handle whose length is not known until it is
        spooled (an object with only ``read()``). Sends nothing and leaves a handle where it was."""
        if self.content is not None:
            return len(self.content)
        if self.path is not None:
            return os.stat(self.path).st_size
        assert self.handle is not None  # one of the three is set by construction
        known = _regular_file_size(self.handle, self.argument)
        if known is not None or not _length_is_known(self.handle):
            return known
        position = self.handle.tell()
        try:
            return self.handle.seek(0, os.SEEK_END)
        finally:
            self.handle.seek(position)

    def open(self) -> tuple[IO[bytes], bool]:
        """A handle to stream, and whether the caller must close it (it does not own user handles)."""
        # A SizedUpload is a raw binary stream: it has every method of IO[bytes] that httpx uses.
        if self.path is not None:
            handle, size = _open_regular(self.path, self.argument)
            upload = SizedUpload(handle, size, key=self.key, shown=str(self.path), argument=self.argument)
            return cast(IO[bytes], upload), True
        if self.content is not None:
            return io.BytesIO(self.content), True
        assert self.handle is not None  # one of the three is set by construction
        known_size = _regular_file_size(self.handle, self.argument)
        if known_size is not None:
            upload = SizedUpload(
                self.handle, known_size, key=self.key, shown=self.filename, owned=False, argument=self.argument
            )
            return cast(IO[bytes], upload), False
        if _length_is_known(self.handle):
            return self.handle, False
        return _spool(self.handle), True


class SizedUpload(io.RawIOBase):
    """A regular file streamed at the size it had when the upload started, or not at all.

    httpx announces a file part's length before sending it (from ``seek``/``tell`` here: there is no
    ``fileno``, so that the size is the one this object fixed) and then reads until the file ends. A file
    that grew would send more bytes than announced and one that shrank fewer, and h11 would fail with a raw
    ``LocalProtocolError`` after part of the body was sent; here the difference raises
    ``EigenpalFileChangedError`` instead, before the request is complete, so the server creates nothing.
    ``owned=False`` (a handle the caller opened): ``close()`` leaves it open.
    """

    def __init__(
        self, handle: IO[bytes], size: int, *, key: str, shown: str, owned: bool = True, argument: str | None = None
    ) -> None:
        super().__init__()
        self._handle, self._size, self._key, self._shown, self._owned = handle, size, key, shown, owned
        self._argument = input_argument(key) if argument is None else argument
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        self._handle.seek(self._position)
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        left = self._size - self._position
        if left <= 0:
            if self._handle.read(1):  # the file goes on past the size it had
                raise self._changed(f"it had {self._size} bytes when the upload started, and more could be read "
                                    "(it grew, or it is a file whose reported size is not its content, as under "
                                    "/proc)")  # fmt: skip
            return b""
        chunk = self._handle.read(left if size is None or size < 0 else min(size, left))
        if not chunk:
            raise self._changed(f"it had {self._size} bytes when the upload started, and ended after "
                                f"{self._position} (it shrank)")  # fmt: skip
        self._position += len(chunk)
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if self._owned:
            self._handle.close()
        super().close()

    def _changed(self, what: str) -> EigenpalFileChangedError:
        return EigenpalFileChangedError(
            f"{self._argument}: file {self._shown!r} changed while it was uploaded: {what}; the upload was "
            "stopped before the request was complete, so no execution was created; upload a copy that nothing "
            "writes to",
            input_key=self._key,
            expected_bytes=self._size,
            read_bytes=self._position,
        )


@attrs.frozen
class RunInputs:
    """The normalised inputs of a run: JSON-able scalars and the file parts."""

    json_inputs: dict[str, Any] | None
    files: tuple[FileInput, ...]


def split_run_inputs(inputs: Mapping[str, Any] | None) -> RunInputs:
    """Separate file inputs from JSON inputs and check that everything can be sent."""
    if inputs is None:
        return RunInputs(json_inputs=None, files=())
    if not isinstance(inputs, Mapping):
        raise ArgumentTypeError("input", f"must be a mapping of input names to values, not {type(inputs).__name__}")
    json_inputs: dict[str, Any] = {}
    files: list[FileInput] = []
    for key, value in inputs.items():
        if not isinstance(key, str):
            raise ArgumentTypeError("input", f"keys must be strings; got {key!r} ({type(key).__name__})")
        check_text(key, "input", (None, key))
        file_input = _as_file_input(key, value)
        if file_input is not None:
            check_part_headers(key, file_input.filename, file_input.mime_type)
            files.append(file_input)
        else:
            json_inputs[key] = check_json_value(value, f"input[{key!r}]", depth=3)
    return RunInputs(json_inputs=json_inputs, files=tuple(files))


def json_part(inputs: RunInputs, overrides: Mapping[str, Any] | None, trigger: str | None) -> str | None:
    """The ``_json`` text part of a multipart run; None when there is nothing to put in it."""
    payload: dict[str, Any] = {}
    if inputs.json_inputs:
        payload["input"] = inputs.json_inputs
    if overrides:
        payload["overrides"] = overrides
    if trigger:
        payload["trigger"] = trigger
    return json.dumps(payload, separators=(",", ":")) if payload else None


def input_argument(key: str) -> str:
    """How a run's input is named in errors: ``input['invoice']``."""
    return f"input[{key!r}]"


FileSource = os.PathLike[str] | IO[bytes] | Mapping[str, Any]
"""A file as the client takes it: a ``Path``, a binary handle, or ``{"content": bytes, "filename": ..., "mime_type":
...}``."""


def file_input(value: object, argument: str) -> FileInput:
    """``value`` as the one file of a call (``files.upload(file)``), named ``argument`` in errors; refused, before
    anything is sent, when it is not a file this client can send."""
    found = _as_file_input(argument, value, argument)
    if found is None:
        raise ArgumentTypeError(
            argument,
            "must be a Path, a binary file handle or {'content': bytes, 'filename': ...}, "
            f"not {type(value).__name__}",
        )
    return found


def _as_file_input(key: str, value: Any, argument: str | None = None) -> FileInput | None:
    argument = input_argument(key) if argument is None else argument
    if isinstance(value, os.PathLike):
        path = Path(os.fspath(value))
        _check_regular_path(path, argument)
        return FileInput(key=key, filename=path.name, mime_type=_guess_mime(path.name), path=path, argument=argument)
    if isinstance(value, io.TextIOBase):
        raise ArgumentTypeError(argument, "is a text-mode file; open it in binary mode ('rb')")
    if isinstance(value, bytes | bytearray | memoryview):
        raise ArgumentTypeError(
            argument,
            "is raw bytes; pass a file as a Path, a binary file handle, or "
            '{"content": <bytes>, "filename": "name.pdf", "mime_type": "application/pdf"}',
        )
    if callable(getattr(value, "read", None)):
        _regular_file_size(value, argument)  # refuses stdin, pipes, sockets and devices before anything is sent
        raw_name = getattr(value, "name", None)
        filename = os.path.basename(raw_name) if isinstance(raw_name, str) and raw_name else key
        return FileInput(key=key, filename=filename, mime_type=_guess_mime(filename), handle=value, argument=argument)
    if isinstance(value, Mapping) and "content" in value:
        return _content_mapping(key, value, argument)
    return None


def _content_mapping(key: str, value: Mapping[str, Any], argument: str) -> FileInput:
    content, filename = value.get("content"), value.get("filename")
    if not isinstance(content, bytes | bytearray | memoryview):
        raise ArgumentTypeError(f"{argument}['content']", f"must be bytes, not {type(content).__name__}")
    if not isinstance(filename, str) or not filename:
        raise ArgumentTypeError(f"{argument}['filename']", "must be a non-empty string (the uploaded file's name)")
    mime_type = value.get("mime_type", value.get("mimeType")) or _guess_mime(filename)
    if not isinstance(mime_type, str):
        raise ArgumentTypeError(f"{argument}['mime_type']", "must be a string such as 'application/pdf'")
    unknown = set(value) - {"content", "filename", "mime_type", "mimeType"}
    if unknown:
        raise ArgumentTypeError(argument, f"has unknown keys {sorted(unknown)}; use content, filename, mime_type")
    return FileInput(key=key, filename=filename, mime_type=mime_type, content=bytes(content), argument=argument)


def _guess_mime(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or FALLBACK_MIME_TYPE


# What a file that is not a regular one is, for messages (st_mode → words).
_FILE_KINDS = (
    (stat.S_ISFIFO, "a pipe or FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words, when it is not a regular file ("a character device")."""
    return next((name for test, name in _FILE_KINDS if test(mode)), "not a file")


def _not_regular(argument: str, path: Path | None, mode: int) -> ArgumentValueError:
    what = "is not" if path is None else f"is {str(path)!r}, which is not"
    return ArgumentValueError(
        argument,
        f"{what} a regular file ({file_kind(mode)}): a file input must be a regular file, whose size is known "
        "before it is sent; write the data to a file first and pass that",
    )


def path_problem(path: Path) -> tuple[str, str] | None:
    """Why ``path`` cannot be uploaded, or None for a regular file (a symlink is followed): a kind
    (``missing``, ``unreadable``, ``directory``, ``special``) and the words for it ("is a directory", "is not a
    regular file (a character device)"). Shared by the client's check and the command line's."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing", "does not exist"
    except OSError as exc:
        return "unreadable", f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return "directory", "is a directory"
    if not stat.S_ISREG(mode):
        return "special", f"is not a regular file ({file_kind(mode)})"
    return None


def _check_regular_path(path: Path, argument: str) -> None:
    """A path input names a regular file; refused otherwise, saying what it is."""
    problem = path_problem(path)
    if problem is None:
        return
    kind, words = problem
    if kind == "special":
        raise _not_regular(argument, path, path.stat().st_mode)
    raise FileNotFoundError(f"{argument}: file {str(path)!r} {words}")


def _open_regular(path: Path, argument: str) -> tuple[IO[bytes], int]:
    """``path`` opened for reading, with its size; still a regular file (it could have been replaced since the
    check). Opened without blocking: opening a FIFO for reading would otherwise wait for a writer."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise _not_regular(argument, path, status.st_mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), status.st_size
    except BaseException:
        os.close(fd)
        raise


def _regular_file_size(handle: IO[bytes], argument: str) -> int | None:
    """The size of a handle on a regular file; None for a handle without a file descriptor (``BytesIO``).

    A handle on anything else (stdin, a pipe, a socket, ``/dev/zero``) is refused: it has no size and may
    never end.
    """
    try:
        status = os.fstat(handle.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    if not stat.S_ISREG(status.st_mode):
        raise _not_regular(argument, None, status.st_mode)
    return status.st_size


def _length_is_known(handle: IO[bytes]) -> bool:
    """httpx needs a file's length for Content-Length: a handle without a descriptor has one if it is seekable
    (an in-memory buffer); handles on regular files are ``SizedUpload``s, and on anything else refused."""
    seekable = getattr(handle, "seekable", None)
    try:
        return bool(seekable()) if callable(seekable) else False
    except (OSError, ValueError):
        return False


def _spool(handle: IO[bytes]) -> IO[bytes]:
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115 - closed by the caller
    shutil.copyfileobj(handle, spooled)
    spooled.seek(0)
    return spooled
