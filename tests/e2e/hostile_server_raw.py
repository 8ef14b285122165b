"""Raw-socket hostile clients for the ``test_e2e_hostile_server_*`` tests of the local server.

A :class:`RawConnection` is one TCP connection to ``127.0.0.1:<port>`` on which a test writes exactly
the bytes it wants (a body that stops half-way, parts the server should refuse early, a request line
of 1 MiB) and reads the answer with a deadline, so a server that never answers fails the test quickly
instead of hanging it. Helpers build request heads and multipart bodies byte by byte.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

BOUNDARY = "hostile-server-boundary-5b1e"
MULTIPART_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
READ_DEADLINE_SECONDS = 5.0


@attrs.frozen
class RawResponse:
    status: int
    headers: dict[str, str]  # lower-cased names; a repeated header keeps its last value
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def issues(self) -> list[dict[str, Any]]:
        """The error envelope's issues (asserting that the body is the envelope)."""
        body = self.json()
        assert body["requestId"].startswith("req_"), body
        issues: list[dict[str, Any]] = body["issues"]
        assert issues, body
        return issues


class ServerSilent(AssertionError):
    """The server sent no complete answer before the deadline."""


class RawConnection:
    """One TCP connection to the local server; bytes in, an HTTP/1.1 answer out, every wait bounded."""

    def __init__(self, port: int, *, deadline_seconds: float = READ_DEADLINE_SECONDS) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=deadline_seconds)
        self.deadline_seconds = deadline_seconds

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_response(self, *, deadline_seconds: float | None = None) -> RawResponse:
        """Read one answer (``Content-Length`` framed, as the local server sends), or raise :class:`ServerSilent`."""
        ends = time.monotonic() + (self.deadline_seconds if deadline_seconds is None else deadline_seconds)
        data = b""
        while b"\r\n\r\n" not in data:
            data += self._recv(ends, data)
        head, _, body = data.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            body += self._recv(ends, head + body)
        return RawResponse(int(status_line.split()[1]), headers, body[:length])

    def closed_by_server(self, *, deadline_seconds: float | None = None) -> bool:
        """Whether the server closes the connection (EOF or reset) before the deadline; reads and drops data."""
        ends = time.monotonic() + (self.deadline_seconds if deadline_seconds is None else deadline_seconds)
        while True:
            remaining = ends - time.monotonic()
            if remaining <= 0:
                return False
            self.sock.settimeout(remaining)
            try:
                if not self.sock.recv(65536):
                    return True
            except TimeoutError:
                return False
            except ConnectionError:
                return True

    def _recv(self, ends: float, so_far: bytes) -> bytes:
        remaining = ends - time.monotonic()
        if remaining <= 0:
            raise ServerSilent(f"no complete answer in time; received so far: {so_far[:200]!r}")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            raise ServerSilent(f"no complete answer in time; received so far: {so_far[:200]!r}") from None
        if not chunk:
            raise ServerSilent(f"the server closed the connection; received: {so_far[:200]!r}")
        return chunk


def request_head(
    method: str, path: str, *, key: str | None, content_length: int | None = None,
    content_type: str | None = None, extra: Mapping[str, str] | None = None,
) -> bytes:  # fmt: skip
    """An HTTP/1.1 request line and headers, ending with the blank line."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if key is not None:
        lines.append(f"Authorization: Bearer {key}")
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    lines.extend(f"{name}: {value}" for name, value in (extra or {}).items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def json_request(path: str, body: bytes | str, *, key: str) -> bytes:
    """A complete ``POST`` with a JSON body."""
    raw = body.encode() if isinstance(body, str) else body
    return request_head("POST", path, key=key, content_length=len(raw), content_type="application/json") + raw


def text_part(name: str, value: bytes | str) -> bytes:
    raw = value.encode() if isinstance(value, str) else value
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + raw + b"\r\n"


def file_part_head(name: str, filename: str = "contract.pdf", media_type: str = "application/pdf") -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {media_type}\r\n\r\n"
    ).encode()


def file_part(name: str, content: bytes, filename: str = "contract.pdf") -> bytes:
    return file_part_head(name, filename) + content + b"\r\n"


def closing() -> bytes:
    return f"--{BOUNDARY}--\r\n".encode()


def multipart_request(path: str, parts: Iterable[bytes], *, key: str) -> bytes:
    """A complete multipart ``POST`` of ``parts`` (each from :func:`text_part`/:func:`file_part`)."""
    body = b"".join(parts) + closing()
    return request_head("POST", path, key=key, content_length=len(body), content_type=MULTIPART_TYPE) + body


def deep_array(depth: int) -> str:
    """``[[[...]]]``: ``depth`` nested arrays, as JSON text."""
    return "[" * depth + "]" * depth


def upload_files(files_dir: Path) -> list[Path]:
    """The upload files (complete or partial) in a server's files directory."""
    return sorted(files_dir.glob("*.upload")) if files_dir.exists() else []


def wait_until(condition: Callable[[], bool], *, seconds: float = 5.0, what: str) -> None:
    """Poll ``condition`` every 10 ms for at most ``seconds``; fail naming ``what``."""
    ends = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError(f"timed out after {seconds}s waiting for {what}")
        time.sleep(0.01)
