"""The socket layer of the request deadline (see ``_limits``): every connect, read and write clipped to the time left.

``DeadlineBackend`` wraps the network backend of the client's own connection pool; the deadline of the
request in progress is the context variable ``_limits.SOCKET_DEADLINE``, set around each attempt by the
retry transports. This module subclasses httpcore's classes, so it is loaded with the first client's
pool (the client's ``_new_pool`` calls ``install``) rather than by ``import eigenpal_ext``.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from eigenpal_ext._limits import MIN_SOCKET_TIMEOUT, SOCKET_DEADLINE


def _clip(timeout: float | None, phase: str) -> float | None:
    deadline = SOCKET_DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left < MIN_SOCKET_TIMEOUT:
        errors: dict[str, type[httpcore.TimeoutException]] = {
            "connect": httpcore.ConnectTimeout,
            "write": httpcore.WriteTimeout,
        }
        raise errors.get(phase, httpcore.ReadTimeout)("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clip(timeout, "read"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clip(timeout, "write"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _clip(timeout, "connect")))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """A network backend whose streams never block past the deadline of the request in progress."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _clip(timeout, "connect"), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, _clip(timeout, "connect"), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(transport: httpx.BaseTransport) -> bool:
    """Give an ``httpx.HTTPTransport``'s connection pool the deadline-aware backend; False if not possible.

    httpx does not let a caller choose the network backend of ``HTTPTransport``, so this reaches into
    its pool (``_pool._network_backend``, stable across httpx 0.2x and httpcore 1.x). Where that is not
    there (another transport), the deadline is still checked between body chunks and bounds each phase.
    """
    # httpx/httpcore internals (`_pool`, `_network_backend`): the only way to put the deadline at the socket,
    # since neither library lets a caller pass a network backend to HTTPTransport. Read with getattr so a
    # future httpx without them degrades to the per-chunk checks; `make matrix` runs the suites on the
    # lowest and the newest httpx and httpcore (nox sessions httpx-lowest, httpx-newest).
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(backend, httpcore.NetworkBackend) or isinstance(backend, DeadlineBackend):
        return False
    pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
    return True
