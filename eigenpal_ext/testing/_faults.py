"""Fault injection for the local server: 503s, 429s with ``Retry-After``, dropped connections, latency.

Configured per server run and reproducible: one ``random.Random(seed)`` draws, for each API request
(``/api/v1/...`` or ``/v1/...``) in arrival order, whether it fails and how. A dropped connection
happens either before the request is handled (nothing was done) or after (the work was done, the answer
is lost), chosen by a second draw; the second kind is the one that loses execution ids unless a client
can retry safely.

A drop sends the response head and then aborts: uvicorn closes the connection, and the client sees
the answer cut off (``httpx.RemoteProtocolError``), as when a proxy or the network drops it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections import Counter, defaultdict
from collections.abc import Callable

import attrs

from eigenpal_ext.testing._asgi import ASGIApp, Message, Receive, Scope, Send


@attrs.frozen
class FaultConfig:
    """Rates are probabilities per request (their sum must stay <= 1)."""

    error_503_rate: float = 0.0
    rate_limit_429_rate: float = 0.0
    drop_rate: float = 0.0
    latency_seconds: float = 0.0  # each request is delayed by a uniform draw from [0, latency_seconds]
    retry_after: str = "1"
    seed: int = 0

    def __attrs_post_init__(self) -> None:
        rates = (self.error_503_rate, self.rate_limit_429_rate, self.drop_rate)
        if any(not 0 <= rate <= 1 for rate in rates) or sum(rates) > 1:
            raise ValueError(f"fault rates must be in 0..1 and sum to at most 1, got {rates}")
        if self.latency_seconds < 0:
            raise ValueError("latency_seconds must be >= 0")

    @property
    def active(self) -> bool:
        return any((self.error_503_rate, self.rate_limit_429_rate, self.drop_rate, self.latency_seconds))


class InjectedDrop(Exception):
    """Raised after the response head so the server closes the connection mid-answer."""


class _QuietInjectedDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], InjectedDrop))


def silence_injected_drops() -> None:
    """uvicorn logs every application exception with a traceback; the injected ones are expected."""
    logging.getLogger("uvicorn.error").addFilter(_QuietInjectedDrops())


class FaultInjector:
    """ASGI middleware; ``counts`` records what it injected (for tests), ``counts_by_tenant`` the same per
    tenant of the request's key, as ``tenant_of`` tells (for ``/admin/stats``, which shows each its own)."""

    def __init__(
        self,
        app: ASGIApp,
        config: FaultConfig,
        *,
        envelope: Callable[[Scope, int, str, str], bytes],
        tenant_of: Callable[[Scope], str | None] = lambda scope: None,
        path_prefixes: tuple[str, ...] = ("/api/v1/",),
    ) -> None:
        self.app, self.config, self._envelope, self._tenant_of = app, config, envelope, tenant_of
        self.path_prefixes = path_prefixes  # only requests to these paths get faults
        self._random = random.Random(config.seed)
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.counts_by_tenant: defaultdict[str | None, Counter[str]] = defaultdict(Counter)

    def _count(self, scope: Scope, kind: str) -> None:
        self.counts[kind] += 1
        self.counts_by_tenant[self._tenant_of(scope)][kind] += 1

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.config.active or not str(scope["path"]).startswith(self.path_prefixes):
            await self.app(scope, receive, send)
            return
        fault, delay, after = self._draw()
        if delay:
            await asyncio.sleep(delay)
        if fault == "503":
            self._count(scope, "503")
            await self._answer(scope, send, 503, "unavailable", "injected fault: service unavailable, retry later")
        elif fault == "429":
            self._count(scope, "429")
            await self._answer(
                scope, send, 429, "rate_limited", "injected fault: rate limit exceeded", retry_after=True
            )
        elif fault == "drop":
            self._count(scope, "drop_after" if after else "drop_before")
            if after:
                await self.app(scope, receive, _swallow)
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
            raise InjectedDrop
        else:
            await self.app(scope, receive, send)

    def _draw(self) -> tuple[str | None, float, bool]:
        config = self.config
        with self._lock:  # one sequence of draws per server, in request arrival order
            roll, delay, after = self._random.random(), self._random.random(), self._random.random() < 0.5
        delay *= config.latency_seconds
        if roll < config.error_503_rate:
            return "503", delay, after
        if roll < config.error_503_rate + config.rate_limit_429_rate:
            return "429", delay, after
        if roll < config.error_503_rate + config.rate_limit_429_rate + config.drop_rate:
            return "drop", delay, after
        return None, delay, after

    async def _answer(
        self, scope: Scope, send: Send, status: int, code: str, message: str, *, retry_after: bool = False
    ) -> None:
        body = self._envelope(scope, status, code, message)
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if retry_after:
            headers.append((b"retry-after", self.config.retry_after.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _swallow(message: Message) -> None:
    """The handled request's answer, thrown away: the connection drops instead."""
