"""Bounds on what one request may cost: a total deadline and a cap on the size of the answer.

httpx's timeouts apply per phase and per read, so a server that trickles a byte every half second, or
sends a gigabyte (or a small gzip that expands to one), keeps a request alive or fills memory. The
retry transports (``_transport.py``) use what is here to hold two promises for every request:

- **Deadline.** A request ends by its deadline, body included, retries included. The deadline is the
  earliest of (a) the request's start plus its *budget*, the longest of its httpx phase timeouts (so
  ``request_timeout_seconds=2`` means 2 s for the whole request; a held run's budget is its longer read
  timeout), and (b) the absolute deadline a caller attached (``run_and_wait`` attaches its wait
  deadline to the trigger). It is enforced at every socket operation: ``DeadlineBackend`` wraps the
  network backend of the client's own connection pool (``_socket_deadline.py``) and clips each
  connect/read/write timeout to the
  time left, so even a server that trickles its *headers* cannot stretch a request. Between body
  chunks the deadline is checked again, and the async transport also runs each attempt under
  ``asyncio.timeout``. Passing the deadline raises ``DeadlineExceeded`` (an ``httpx`` timeout),
  which ``_transport_errors`` maps to ``EigenpalRequestTimeoutError``.
- **Size.** The body is read in chunks as httpx decodes it, and the *decoded* bytes are counted, so a
  gzip bomb is stopped at the cap like a plain huge answer. A compressed body is handed to the decoder
  in slices of ``COMPRESSED_SLICE_BYTES`` (4 KiB), so one decoded chunk is at most about 4 MiB (deflate
  expands at most ~1030:1) and peak memory stays near the cap, not the cap plus a 64 MiB burst. Passing
  the cap raises ``ResponseTooLarge``, which ``_response_errors`` maps to ``EigenpalResponseTooLargeError``; it is
  never retried (the same request would get the same answer).
"""

from __future__ import annotations

import contextvars
import math
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from typing import Final

import httpx

# Per-request absolute deadline, on the client's (injectable) monotonic clock (see _retry.py).
DEADLINE_EXTENSION: Final = "eigenpal_deadline"
# The deadline the socket layer enforces, on the real monotonic clock; set around each attempt.
SOCKET_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("eigenpal_socket_deadline", default=None)
# A compressed body reaches the decoder in slices this small (see the module docstring).
COMPRESSED_SLICE_BYTES: Final = 4096
# Below this a socket timeout is not worth trying (and 0 would make the socket non-blocking).
MIN_SOCKET_TIMEOUT: Final = 0.001


class DeadlineExceeded(httpx.TimeoutException):
    """The request's total deadline passed (``budget_seconds`` after it started, or the caller's deadline)."""

    def __init__(self, *, budget_seconds: float, request_sent: bool, request: httpx.Request) -> None:
        super().__init__(f"no complete answer within {budget_seconds:g}s", request=request)
        self.budget_seconds = budget_seconds
        self.request_sent = request_sent


class ResponseTooLarge(httpx.HTTPError):
    """The decoded answer passed ``limit_bytes``. Not a transport error: retrying cannot help."""

    def __init__(self, response: httpx.Response, *, limit_bytes: int, request: httpx.Request) -> None:
        super().__init__(f"the answer is larger than the {limit_bytes} byte limit")
        self.request = request
        self.status_code = response.status_code
        self.headers = response.headers
        self.limit_bytes = limit_bytes


def budget_seconds(timeouts: object) -> float | None:
    """The whole-request budget from httpx's per-phase timeouts: the longest phase; None if all unbounded."""
    if not isinstance(timeouts, Mapping):
        return None
    values = [v for v in timeouts.values() if isinstance(v, int | float) and not isinstance(v, bool) and v > 0]
    return float(max(values)) if values else None


def request_deadline(request: httpx.Request, now: float) -> float | None:
    """When ``request`` must be over, on the client clock: its budget from ``now``, or an earlier attached one."""
    candidates: list[float] = []
    budget = budget_seconds(request.extensions.get("timeout"))
    if budget is not None:
        candidates.append(now + budget)
    attached: object = request.extensions.get(DEADLINE_EXTENSION)
    if isinstance(attached, int | float) and not isinstance(attached, bool) and math.isfinite(attached):
        candidates.append(float(attached))
    return min(candidates) if candidates else None


class AttemptClock:
    """One request's deadline (over all its attempts): time left, and the socket-level deadline to install."""

    def __init__(self, deadline: float | None, clock: Callable[[], float], *, started: float) -> None:
        self.deadline, self._clock, self._started = deadline, clock, started

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - self._clock()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def socket_deadline(self) -> float | None:
        """The same instant on the real monotonic clock (the client clock may be simulated in tests)."""
        left = self.remaining()
        return None if left is None else time.monotonic() + left

    def exceeded(self, request: httpx.Request, *, request_sent: bool) -> DeadlineExceeded:
        budget = (self.deadline - self._started) if self.deadline is not None else 0.0
        return DeadlineExceeded(budget_seconds=budget, request_sent=request_sent, request=request)


def install_socket_deadline(deadline: float | None) -> contextvars.Token[float | None]:
    return SOCKET_DEADLINE.set(deadline)


def reset_socket_deadline(token: contextvars.Token[float | None]) -> None:
    SOCKET_DEADLINE.reset(token)


def read_bounded(chunks: Iterable[bytes], *, limit_bytes: int, attempt: AttemptClock, on_limit: Callable[[], Exception],
                 on_deadline: Callable[[], Exception]) -> bytes:  # fmt: skip
    """Join decoded ``chunks``; raise ``on_limit()`` past ``limit_bytes`` and ``on_deadline()`` past the deadline."""
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit_bytes:
            raise on_limit()
        if attempt.expired():
            raise on_deadline()
        parts.append(chunk)
    return b"".join(parts)


class _Sliced(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body stream re-cut into slices of at most ``size`` bytes (sync or async, as the inner one is)."""

    def __init__(self, inner: httpx.SyncByteStream | httpx.AsyncByteStream, size: int) -> None:
        self._inner, self._size = inner, size

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._inner, httpx.SyncByteStream)
        for chunk in self._inner:
            yield from self._slices(chunk)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._inner, httpx.AsyncByteStream)
        async for chunk in self._inner:
            for piece in self._slices(chunk):
                yield piece

    def _slices(self, chunk: bytes) -> Iterator[bytes]:
        if len(chunk) <= self._size:
            yield chunk
            return
        for start in range(0, len(chunk), self._size):
            yield chunk[start : start + self._size]

    def close(self) -> None:
        if isinstance(self._inner, httpx.SyncByteStream):
            self._inner.close()

    async def aclose(self) -> None:
        if isinstance(self._inner, httpx.AsyncByteStream):
            await self._inner.aclose()


def slice_compressed(response: httpx.Response) -> None:
    """Feed a compressed body to httpx's decoder in small slices, so no single decoded chunk is huge."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if (
        encoding
        and encoding != "identity"
        and isinstance(response.stream, httpx.SyncByteStream | httpx.AsyncByteStream)
    ):
        response.stream = _Sliced(response.stream, COMPRESSED_SLICE_BYTES)


def with_body(response: httpx.Response, body: bytes, request: httpx.Request) -> httpx.Response:
    """``response`` carrying its already-decoded ``body``: a copy without Content-Encoding if it had one."""
    if "content-encoding" not in response.headers:
        # The usual case, and the hot path of every call: nothing to strip, so the response keeps its body
        # the way httpx's own Response.read() keeps it, instead of being rebuilt (which costs a third of
        # the client's own CPU per call). `_content` is an httpx internal: Response has no public way to attach
        # a body read elsewhere (here: within the deadline and the size cap). `make matrix` runs the suites
        # on the lowest and the newest httpx (nox sessions httpx-lowest, httpx-newest).
        response._content = body
        response.request = request
        return response
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in {"content-encoding", "content-length", "transfer-encoding"}
    ]
    return httpx.Response(
        response.status_code, headers=headers, content=body, extensions=response.extensions, request=request
    )
