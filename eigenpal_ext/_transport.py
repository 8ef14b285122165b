"""httpx transports that apply the retry policy of ``_retry.py`` (one sync, one async shell).

Retrying below the client keeps one policy for everything that goes through the pool: the ergonomic
methods and the raw ``eigenpal_api`` calls made with ``client.raw``. A retried request is the same
``httpx.Request``; httpx re-reads a multipart body from the start (it seeks each file to 0), so a retried
upload resends the whole file.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable

import httpx

from eigenpal_ext._retry import RetryPolicy, delay_after_error, delay_after_response

logger = logging.getLogger("eigenpal_ext")


def _log_retry(request: httpx.Request, reason: str, attempt: int, delay: float) -> None:
    logger.info(
        "retrying %s %s after %s (retry %d in %.2fs)", request.method, request.url.path, reason, attempt + 1, delay
    )


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport; retries what the policy allows. ``sleep``/``jitter`` are injectable for tests."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner, self._policy, self._sleep = inner, policy, sleep
        self._jitter, self._clock = jitter, clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self._inner.handle_request(request)
            except httpx.TransportError as error:
                delay = delay_after_error(self._policy, request, error, attempt, self._jitter(), self._clock())
                if delay is None:
                    raise
                _log_retry(request, type(error).__name__, attempt, delay)
            else:
                delay = delay_after_response(self._policy, request, response, attempt, self._jitter(), self._clock())
                if delay is None:
                    return response
                response.close()
                _log_retry(request, f"HTTP {response.status_code}", attempt, delay)
            self._sleep(delay)
            attempt += 1

    def close(self) -> None:
        self._inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of ``RetryTransport``; same policy functions, awaits instead of blocking."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner, self._policy, self._sleep = inner, policy, sleep
        self._jitter, self._clock = jitter, clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self._inner.handle_async_request(request)
            except httpx.TransportError as error:
                delay = delay_after_error(self._policy, request, error, attempt, self._jitter(), self._clock())
                if delay is None:
                    raise
                _log_retry(request, type(error).__name__, attempt, delay)
            else:
                delay = delay_after_response(self._policy, request, response, attempt, self._jitter(), self._clock())
                if delay is None:
                    return response
                await response.aclose()
                _log_retry(request, f"HTTP {response.status_code}", attempt, delay)
            await self._sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._inner.aclose()
