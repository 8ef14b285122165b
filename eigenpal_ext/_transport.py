"""httpx transports that apply the retry policy of ``_retry.py`` (one sync, one async shell).

Retrying below the client keeps one policy for everything that goes through the pool: the ergonomic
methods and the raw ``eigenpal_api`` calls made with ``client.raw``. A retried request is the same
``httpx.Request``; httpx re-reads a multipart body from the start (it seeks each file to 0), so a retried
upload resends the whole file. Each attempt reads its whole response body (EigenPal answers are small
JSON documents), so a connection lost in the middle of an answer is an attempt that failed. The
transport also remembers whether the server honours ``Idempotency-Key`` (it echoes the key back),
which makes runs safe to repeat (see ``_retry.py``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable

import httpx

from eigenpal_ext._logging import log_failure, log_request, log_response, logger
from eigenpal_ext._retry import RetryPolicy, delay_after_error, delay_after_response, echoes_idempotency_key


class _RetryDecisions:
    """What both transports decide between attempts; the loops around it only differ in awaiting."""

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        jitter: Callable[[], float],
        clock: Callable[[], float],
        idempotent_runs: bool | None,
    ) -> None:
        self._policy, self._jitter, self._clock = policy, jitter, clock
        # None: learn it from the server (an echoed Idempotency-Key); True/False: the caller decided.
        self._learn_idempotency = idempotent_runs is None
        self.keys_honoured = bool(idempotent_runs)

    def after_error(self, request: httpx.Request, error: httpx.TransportError, attempt: int) -> float | None:
        delay = delay_after_error(
            self._policy, request, error, attempt, self._jitter(), self._clock(), keys_honoured=self.keys_honoured
        )
        if delay is not None:
            self._log(request, type(error).__name__, attempt, delay)
        return delay

    def after_response(self, request: httpx.Request, response: httpx.Response, attempt: int) -> float | None:
        if self._learn_idempotency and not self.keys_honoured and echoes_idempotency_key(request, response):
            self.keys_honoured = True
            logger.debug("the server honours Idempotency-Key: runs may be retried safely from now on")
        delay = delay_after_response(
            self._policy, request, response, attempt, self._jitter(), self._clock(), keys_honoured=self.keys_honoured
        )
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
    ) -> None:
        super().__init__(policy, jitter=jitter, clock=clock, idempotent_runs=idempotent_runs)
        self._inner, self._sleep = inner, sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            log_request(request, attempt)
            started = time.monotonic()
            try:
                response = self._inner.handle_request(request)
                # Read the body here, inside the retry loop: a connection dropped after the headers
                # fails while reading the body, and must be retried (or reported) like any other drop.
                response.read()
            except httpx.TransportError as error:
                log_failure(request, error, time.monotonic() - started)
                delay = self.after_error(request, error, attempt)
                if delay is None:
                    raise
            else:
                log_response(request, response, time.monotonic() - started)
                delay = self.after_response(request, response, attempt)
                if delay is None:
                    return response
                response.close()
            self._sleep(delay)
            attempt += 1

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
    ) -> None:
        super().__init__(policy, jitter=jitter, clock=clock, idempotent_runs=idempotent_runs)
        if sleep is None:
            import asyncio  # noqa: PLC0415 - the async client's own sleep; importing asyncio is left to async code

            sleep = asyncio.sleep
        self._inner, self._sleep = inner, sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            log_request(request, attempt)
            started = time.monotonic()
            try:
                response = await self._inner.handle_async_request(request)
                await response.aread()  # inside the loop, for the same reason as in RetryTransport
            except httpx.TransportError as error:
                log_failure(request, error, time.monotonic() - started)
                delay = self.after_error(request, error, attempt)
                if delay is None:
                    raise
            else:
                log_response(request, response, time.monotonic() - started)
                delay = self.after_response(request, response, attempt)
                if delay is None:
                    return response
                await response.aclose()
            await self._sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._inner.aclose()
