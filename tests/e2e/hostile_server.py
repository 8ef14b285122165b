"""A tiny misbehaving HTTP/1.1 server for the client's hostile tests (and ``benchmarks/hostile_client.py``).

Raw sockets on 127.0.0.1 and an ephemeral port, one thread per connection; started and stopped by the
test (``with HostileServer(behaviour) as server``). A *behaviour* is a function ``(request, conn)``
that answers one request however badly it likes: hang, trickle, send a gigabyte or a gzip bomb, page
forever, nest JSON 100,000 deep, echo the API key, hand out ids with newlines, serve an HTML page.
Helpers below build the common ones. ``stop()`` releases every hanging or trickling connection at
once, so no test waits out a hostile behaviour.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

__all__ = [
    "Conn",
    "HostileServer",
    "RawRequest",
    "answer",
    "deep_json",
    "endless",
    "execution_status",
    "gzip_bomb",
    "hang",
    "pages_forever",
    "routes",
    "serve_gzip",
    "trickle",
]

_READ_CHUNK = 65536


@dataclass
class RawRequest:
    """What the client sent: method, path (with query), lower-cased headers, body."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def query(self, name: str) -> str | None:
        from urllib.parse import parse_qs, urlsplit

        values = parse_qs(urlsplit(self.target).query).get(name)
        return values[0] if values else None


class Conn:
    """One accepted connection: send bytes, or wait until the server stops (never longer)."""

    def __init__(self, sock: socket.socket, stopping: threading.Event) -> None:
        self.sock, self.stopping = sock, stopping

    def send(self, data: bytes) -> bool:
        """Send ``data``; False once the client has gone away (or the server is stopping)."""
        if self.stopping.is_set():
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def pause(self, seconds: float) -> bool:
        """Wait ``seconds``, or less if the server stops; False when it stops."""
        return not self.stopping.wait(seconds)

    def head(self, status: int, headers: dict[str, str] | None = None, *, length: int | None = None) -> bool:
        lines = [f"HTTP/1.1 {status} X"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if length is not None:
            lines.append(f"Content-Length: {length}")
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))


Behaviour = Callable[[RawRequest, Conn], None]


@dataclass
class HostileServer:
    """Serve ``behaviour`` on 127.0.0.1; ``requests`` records every request received."""

    behaviour: Behaviour
    requests: list[RawRequest] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _sockets: list[socket.socket] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Self:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self._listener.getsockname()[1]
        self._listener.settimeout(0.1)
        acceptor = threading.Thread(target=self._accept, name="hostile-accept", daemon=True)
        acceptor.start()
        self._threads.append(acceptor)
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._sockets.append(sock)
            worker = threading.Thread(target=self._serve, args=(sock,), name="hostile-conn", daemon=True)
            self._threads.append(worker)
            worker.start()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(5)
        buffer = b""
        conn = Conn(sock, self._stopping)
        try:
            while not self._stopping.is_set():
                request, buffer = _read_request(sock, buffer)
                if request is None:
                    return
                self.requests.append(request)
                self.behaviour(request, conn)
        except OSError:
            return
        finally:
            sock.close()


def _read_request(sock: socket.socket, buffer: bytes) -> tuple[RawRequest | None, bytes]:
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(_READ_CHUNK)
        if not chunk:
            return None, b""
        buffer += chunk
    head, buffer = buffer.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(buffer) < length:
        chunk = sock.recv(_READ_CHUNK)
        if not chunk:
            return None, b""
        buffer += chunk
    return RawRequest(method, target, headers, buffer[:length]), buffer[length:]


# --- behaviours -------------------------------------------------------------------------------------------


def answer(status: int, body: Any = None, *, headers: dict[str, str] | None = None) -> Behaviour:
    """A well-formed answer (``body`` JSON-encoded unless bytes); the misbehaviour is in what it says."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    content_type = {} if isinstance(body, bytes) else {"Content-Type": "application/json"}

    def behaviour(request: RawRequest, conn: Conn) -> None:
        conn.head(status, {**content_type, **(headers or {})}, length=len(data))
        conn.send(data)

    return behaviour


def hang(request: RawRequest, conn: Conn) -> None:
    """Read the request, never answer (until the server stops)."""
    conn.pause(3600)


def trickle(body: bytes, *, every: float = 0.5, headers_too: bool = False) -> Behaviour:
    """Answer 200 one byte at a time, ``every`` seconds apart: the body only, or the status line and headers too."""

    def behaviour(request: RawRequest, conn: Conn) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        data = head + body if headers_too else body
        if not headers_too:
            conn.send(head)
        for index in range(len(data)):
            if not conn.send(data[index : index + 1]) or not conn.pause(every):
                return

    return behaviour


def endless(chunk_bytes: int = 1 << 20, *, declared: int = 1 << 30) -> Behaviour:
    """200 with ``Content-Length: declared`` (1 GiB), streaming zeros as fast as the client reads them."""
    chunk = b"0" * chunk_bytes

    def behaviour(request: RawRequest, conn: Conn) -> None:
        conn.head(200, {"Content-Type": "application/json"}, length=declared)
        sent = 0
        while sent < declared and conn.send(chunk):
            sent += len(chunk)

    return behaviour


def gzip_bomb(expanded_bytes: int) -> bytes:
    """A gzip stream of ``expanded_bytes`` spaces (valid JSON whitespace), compressed about 1000:1."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1 << 20)
    parts = [compressor.compress(block) for _ in range(expanded_bytes >> 20)]
    parts.append(compressor.flush())
    return b"".join(parts)


def serve_gzip(payload: bytes) -> Behaviour:
    def behaviour(request: RawRequest, conn: Conn) -> None:
        conn.head(200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, length=len(payload))
        conn.send(payload)

    return behaviour


def deep_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def elapsed(action: Callable[[], object]) -> tuple[float, BaseException | None]:
    """Run ``action``; how long it took and what it raised (None if nothing)."""
    started = time.monotonic()
    try:
        action()
    except BaseException as exc:  # the tests inspect it
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


def routes(table: dict[tuple[str, str], Behaviour], default: Behaviour | None = None) -> Behaviour:
    """Dispatch on (method, path prefix); the first matching prefix wins."""

    def behaviour(request: RawRequest, conn: Conn) -> None:
        for (method, prefix), handler in table.items():
            if request.method == method and request.path.startswith(prefix):
                handler(request, conn)
                return
        (default or answer(404, {"error": "not found"}))(request, conn)

    return behaviour


def pages_forever(total: int = 10**9, size: int = 3) -> Behaviour:
    """A listing that ignores ``offset``: the same page every time, claiming ``total`` items."""

    def behaviour(request: RawRequest, conn: Conn) -> None:
        items = [_execution_summary(f"exec_{index}") for index in range(size)]
        answer(200, {"data": items, "total": total, "limit": size, "offset": 0})(request, conn)

    return behaviour


def _execution_summary(execution_id: str) -> dict[str, Any]:
    return {"id": execution_id, "workflowId": "wf_1", "status": "completed", "createdAt": "2026-11-27T10:00:00+00:00"}


def execution_status(execution_id: str, status: str = "completed") -> dict[str, Any]:
    """A status answer for GET /workflows/executions/{id}."""
    return {"executionId": execution_id, "status": status, "createdAt": "2026-11-27T10:00:00+00:00", "result": {}}
