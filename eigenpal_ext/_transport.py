"""The transports under each client's httpx client: the retrying one, and the borrowed pool of ``with_options``.

``RetryTransport`` / ``AsyncRetryTransport`` apply the retry policy of ``_retry.py`` (one sync, one async
shell); ``BorrowedTransport`` / ``AsyncBorrowedTransport`` lend the owner's connection pool to the clients
made by ``with_options()`` (below).

Retrying below the client keeps one policy for everything that goes through the pool: the ergonomic
methods and the raw ``eigenpal_api`` calls made with ``client.raw``. A retried request is the same
``httpx.Request``; httpx re-reads a multipart body from the start (it seeks each file to 0), so a retried
upload resends the whole file. Each attempt reads its whole response body (EigenPal answers are small
JSON documents), so a connection lost in the middle of an answer is an attempt that failed. The body is
read within the request's deadline and size cap (``_limits.py``): the deadline covers every attempt and
every retry sleep, and an answer over the cap is never retried. The transport also feeds the client's
``KeyKnowledge`` (``_idempotency``): a successful run answer echoing ``Idempotency-Key`` is evidence that
the server honours it, and that knowledge decides which runs may be sent again (a lost answer: a
recovery; a 5xx or a held run: optional).

Lending one connection pool. The client built by the constructor owns its pool (the transport holding the open
connections). A client made by ``with_options()`` borrows its owner's pool through a ``BorrowedTransport``: its
requests go over the owner's connections, and closing it closes only its own httpx client, never the pool. Closing
the owner closes the pool for every client that borrows it; a borrower used after that raises
``EigenpalClientClosedError`` (a ``RuntimeError``) at once, rather than quietly opening connections on a pool
nobody will close again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable

import httpx

from eigenpal_ext import _config
from eigenpal_ext._errors import EigenpalClientClosedError
from eigenpal_ext._idempotency import (
    KeyKnowledge,
    is_run,
    recovering,
    resend_after_answer,
    resend_after_lost_answer,
)
from eigenpal_ext._limits import (
    AttemptClock,
    DeadlineExceeded,
    ResponseTooLarge,
    install_socket_deadline,
    read_bounded,
    request_deadline,
    reset_socket_deadline,
    slice_compressed,
    with_body,
)
from eigenpal_ext._logging import log_failure, log_request, log_response, logger
from eigenpal_ext._retry import (
    NOT_SENT_ERRORS,
    RETRYABLE_STATUSES,
    RetryPolicy,
    delay_after_error,
    delay_after_response,
)


class _RetryDecisions:
    """What both transports decide between attempts; the loops around it only differ in awaiting."""

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        jitter: Callable[[], float],
        clock: Callable[[], float],
        keys: KeyKnowledge,
        max_response_bytes: int,
    ) -> None:
        self._policy, self._jitter, self._clock = policy, jitter, clock
        self.max_response_bytes = max_response_bytes
        # Shared with the client and its with_options siblings: what one transport learns, all know.
        self.keys = keys

    def start(self, request: httpx.Request) -> AttemptClock:
        """The request's deadline (see ``_limits``), fixed when it is first sent and shared by its retries."""
        now = self._clock()
        return AttemptClock(request_deadline(request, now), self._clock, started=now)

    @staticmethod
    def timed_out(request: httpx.Request, error: httpx.TransportError, clock: AttemptClock) -> httpx.TransportError:
        """``error``, or ``DeadlineExceeded`` when it is the deadline (not a phase timeout) that cut it short."""
        if isinstance(error, DeadlineExceeded) or not isinstance(error, httpx.TimeoutException) or not clock.expired():
            return error
        return clock.exceeded(request, request_sent=not isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout))

    def too_large(self, request: httpx.Request, response: httpx.Response) -> ResponseTooLarge:
        return ResponseTooLarge(response, limit_bytes=self.max_response_bytes, request=request)

    def after_error(
        self, request: httpx.Request, error: httpx.TransportError, attempt: int, deadline: float | None
    ) -> float | None:
        delay = delay_after_error(
            self._policy, request, error, attempt, self._jitter(), self._clock(),
            run_resend=self.keys.permits(resend_after_lost_answer(request)), deadline=deadline,
        )  # fmt: skip
        if delay is not None:
            if is_run(request) and not isinstance(error, NOT_SENT_ERRORS):
                recovering(request)  # the answer was lost: this resend recovers it
            self._log(request, type(error).__name__, attempt, delay)
        return delay

    def after_response(
        self, request: httpx.Request, response: httpx.Response, attempt: int, deadline: float | None
    ) -> float | None:
        if request.method == "POST":  # only runs carry a key; a GET's headers are not searched for one
            self.keys.learn(request, response)
        if response.status_code not in RETRYABLE_STATUSES:
            return None  # the common case, decided before drawing jitter or reading the clock
        # A run answered 5xx may have started an execution: sending it again is optional (declared honour only),
        # unless it is a resend recovering a lost answer.
        delay = delay_after_response(
            self._policy, request, response, attempt, self._jitter(), self._clock(),
            run_resend=self.keys.permits(resend_after_answer(request)), deadline=deadline,
        )  # fmt: skip
        if delay is not None:
            self._log(request, f"HTTP {response.status_code}", attempt, delay)
        return delay

    @staticmethod
    def _log(request: httpx.Request, reason: str, attempt: int, delay: float) -> None:
        logger.info(
            "retrying %s %s after %s (retry %d in %.2fs)", request.method, request.url.path, reason, attempt + 1, delay
        )


class RetryTransport(_RetryDecisions, httpx.BaseTransport):
    """Wraps a transport; retries what the policy allows. ``sleep``/``jitter``/``clock`` are injectable."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        idempotent_runs: bool | None = None,
        keys: KeyKnowledge | None = None,
        max_response_bytes: int = _config.DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        keys = keys if keys is not None else KeyKnowledge(idempotent_runs)
        super().__init__(policy, jitter=jitter, clock=clock, keys=keys, max_response_bytes=max_response_bytes)
        self._inner, self._sleep = inner, sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        clock = self.start(request)
        attempt = 0
        while True:
            log_request(request, attempt)
            started = time.monotonic()
            token = install_socket_deadline(clock.socket_deadline())
            try:
                if clock.expired():
                    raise clock.exceeded(request, request_sent=attempt > 0)
                response = self._inner.handle_request(request)
                # Read the body here, inside the retry loop: a connection dropped after the headers
                # fails while reading the body, and must be retried (or reported) like any other drop.
                response = self._read(request, response, clock)
            except httpx.TransportError as raw_error:
                error = self.timed_out(request, raw_error, clock)
                log_failure(request, error, time.monotonic() - started)
                delay = self.after_error(request, error, attempt, clock.deadline)
                if delay is None:
                    if error is raw_error:
                        raise
                    raise error from raw_error
            else:
                log_response(request, response, time.monotonic() - started)
                delay = self.after_response(request, response, attempt, clock.deadline)
                if delay is None:
                    return response
                response.close()
            finally:
                reset_socket_deadline(token)
            self._sleep(delay)
            attempt += 1

    def _read(self, request: httpx.Request, response: httpx.Response, clock: AttemptClock) -> httpx.Response:
        slice_compressed(response)
        try:
            body = read_bounded(
                response.iter_bytes(), limit_bytes=self.max_response_bytes, attempt=clock,
                on_limit=lambda: self.too_large(request, response),
                on_deadline=lambda: clock.exceeded(request, request_sent=True),
            )  # fmt: skip
        finally:
            response.close()
        return with_body(response, body, request)

    def close(self) -> None:
        self._inner.close()


class AsyncRetryTransport(_RetryDecisions, httpx.AsyncBaseTransport):
    """The async twin of ``RetryTransport``: the same decisions, awaiting instead of blocking."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        idempotent_runs: bool | None = None,
        keys: KeyKnowledge | None = None,
        max_response_bytes: int = _config.DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        keys = keys if keys is not None else KeyKnowledge(idempotent_runs)
        super().__init__(policy, jitter=jitter, clock=clock, keys=keys, max_response_bytes=max_response_bytes)
        if sleep is None:
            import asyncio  # noqa: PLC0415 - the async client's own sleep; importing asyncio is left to async code

            sleep = asyncio.sleep
        self._inner, self._sleep = inner, sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import asyncio  # noqa: PLC0415 - loaded already by whoever awaits this; kept out of `import eigenpal_ext`

        clock = self.start(request)
        attempt = 0
        while True:
            log_request(request, attempt)
            started = time.monotonic()
            try:
                left = clock.remaining()
                if left is not None and left <= 0:
                    raise clock.exceeded(request, request_sent=attempt > 0)
                # The same bounds as RetryTransport, plus asyncio.timeout: exact, whatever the inner transport.
                async with asyncio.timeout(left):
                    response = await self._inner.handle_async_request(request)
                    response = await self._read(request, response, clock)
            except TimeoutError as cut:
                error: httpx.TransportError = clock.exceeded(request, request_sent=True)
                log_failure(request, error, time.monotonic() - started)
                raise error from cut
            except httpx.TransportError as raw_error:
                error = self.timed_out(request, raw_error, clock)
                log_failure(request, error, time.monotonic() - started)
                delay = self.after_error(request, error, attempt, clock.deadline)
                if delay is None:
                    if error is raw_error:
                        raise
                    raise error from raw_error
            else:
                log_response(request, response, time.monotonic() - started)
                delay = self.after_response(request, response, attempt, clock.deadline)
                if delay is None:
                    return response
                await response.aclose()
            await self._sleep(delay)
            attempt += 1

    async def _read(self, request: httpx.Request, response: httpx.Response, clock: AttemptClock) -> httpx.Response:
        slice_compressed(response)
        parts: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise self.too_large(request, response)
                parts.append(chunk)
        finally:
            await response.aclose()
        return with_body(response, b"".join(parts), request)

    async def aclose(self) -> None:
        await self._inner.aclose()


# --- the pool lent to with_options() clients ----------------------------------------------------------------

_OWNER_CLOSED = (
    "this client was made with with_options() from a client that has been closed; the connection pool belongs "
    "to that client: keep it open while its with_options() clients are in use"
)


class BorrowedTransport(httpx.BaseTransport):
    """Sends through ``pool`` while ``owner_closed()`` is False; ``close()`` leaves the pool to its owner."""

    def __init__(self, pool: httpx.BaseTransport, owner_closed: Callable[[], bool]) -> None:
        self._pool, self._owner_closed = pool, owner_closed

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._owner_closed():
            raise EigenpalClientClosedError(_OWNER_CLOSED)
        return self._pool.handle_request(request)

    def close(self) -> None:
        """Nothing to do: the pool is closed by the client that owns it."""


class AsyncBorrowedTransport(httpx.AsyncBaseTransport):
    """The async twin of ``BorrowedTransport``."""

    def __init__(self, pool: httpx.AsyncBaseTransport, owner_closed: Callable[[], bool]) -> None:
        self._pool, self._owner_closed = pool, owner_closed

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._owner_closed():
            raise EigenpalClientClosedError(_OWNER_CLOSED)
        return await self._pool.handle_async_request(request)

    async def aclose(self) -> None:
        """Nothing to do: the pool is closed by the client that owns it."""
