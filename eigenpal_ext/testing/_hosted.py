"""The hosted profile of the local server: what EigenPal's hosted service (and the gateway in front of
it) does that a plain server does not, so clients can be tested against it (opt-in:
``ServerConfig(hosted=HostedProfile())``, ``eigenpal-dev-server --hosted-profile``).

- **A body limit in front of the API**: a request body over ``max_body_bytes`` (4.5 MiB, as the hosted
  service documents for multipart runs) is refused by the gateway with a ``text/plain`` 413, not the
  API's JSON envelope. The body is read and discarded first (up to ``DRAIN_LIMIT_BYTES``), as a gateway
  does, so the client reads the answer instead of a reset connection. Nothing reaches the API.
- **A page-size cap**: a list returns at most ``page_cap`` items (20) whatever ``limit`` asks, with the
  right ``total``, and echoes the ``limit`` it used. A client that takes a short page for the last one
  stops early.
- **A gateway timeout**: once a request's body has arrived, the API has ``gateway_timeout_seconds`` (30)
  to start its answer; past that the gateway answers a ``text/plain`` 504 and drops the API's work on the
  request (a run was created all the same: its hold was simply cut). Long holds (``wait_for_completion``
  above the timeout) end this way.

The gateway's answers carry no ``x-request-id`` and do not echo ``Idempotency-Key``: they come from in
front of the API, which never saw the request (413) or whose answer was lost (504).
"""

from __future__ import annotations

import asyncio
import contextlib

import attrs

from eigenpal_ext.testing._asgi import ASGIApp, Message, Receive, Scope, Send
from eigenpal_ext.testing._body_reads import BodyReadAborted

__all__ = ["DRAIN_LIMIT_BYTES", "HOSTED_BODY_LIMIT_BYTES", "HostedGateway", "HostedProfile"]

HOSTED_BODY_LIMIT_BYTES = 4_718_592  # 4.5 MiB
DRAIN_LIMIT_BYTES = 256 * 1024 * 1024  # past this much, the gateway answers without reading the rest


@attrs.frozen
class HostedProfile:
    """How the hosted profile behaves (see the module docstring); the defaults are the hosted service's."""

    max_body_bytes: int = HOSTED_BODY_LIMIT_BYTES
    page_cap: int = 20
    gateway_timeout_seconds: float = 30.0

    def __attrs_post_init__(self) -> None:
        if self.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be at least 1")
        if self.page_cap < 1:
            raise ValueError("page_cap must be at least 1")
        if not 0 < self.gateway_timeout_seconds <= 3600:  # NaN fails too
            raise ValueError("gateway_timeout_seconds must be in (0, 3600]")


class _BodyOverLimit(BodyReadAborted):
    """Raised into the API when a body without a declared length grows past the limit."""

    status = 413
    code = "too_large"


class HostedGateway:
    """ASGI middleware in front of the API: the body limit and the gateway timeout of ``profile``."""

    def __init__(self, app: ASGIApp, profile: HostedProfile, *, idle_timeout_seconds: float) -> None:
        self.app, self.profile = app, profile
        self.idle_timeout_seconds = idle_timeout_seconds  # bounds each wait while draining a refused body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.profile.max_body_bytes
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse_body(receive, send, already=0)
            return
        exchange = _Exchange(receive, send, limit)
        api = asyncio.ensure_future(self.app(scope, exchange.receive, exchange.send))
        watching = asyncio.ensure_future(exchange.watch(api, self.profile.gateway_timeout_seconds))
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await api
            if api.cancelled() and not exchange.timed_out:
                raise asyncio.CancelledError  # cancelled from outside (the server stops), not by the watchdog
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
        if exchange.over_limit:
            await self._refuse_body(receive, send, already=exchange.received)
        elif exchange.timed_out:
            seconds = self.profile.gateway_timeout_seconds
            await _plain(send, 504, f"Gateway Timeout: the server did not answer within {seconds:g} s.\n")

    async def _refuse_body(self, receive: Receive, send: Send, *, already: int) -> None:
        """The 413: read and discard the rest of the body (each wait bounded, at most ``DRAIN_LIMIT_BYTES``
        in all), then answer."""
        drained = already
        with contextlib.suppress(TimeoutError):
            while drained <= DRAIN_LIMIT_BYTES:
                async with asyncio.timeout(self.idle_timeout_seconds):
                    message = await receive()
                if message["type"] != "http.request" or not message.get("more_body", False):
                    break
                drained += len(message.get("body", b""))
        limit = self.profile.max_body_bytes
        await _plain(send, 413, f"Request Entity Too Large: the request body is over {limit} bytes.\n")


class _Exchange:
    """One request passing the gateway: the body counted as the API reads it, the API's answer let through
    unless the gateway answers instead."""

    def __init__(self, receive: Receive, send: Send, limit: int) -> None:
        self._receive, self._send, self._limit = receive, send, limit
        self.received = 0
        self.over_limit = self.timed_out = False
        self._body_done = asyncio.Event()
        self._answer_started = asyncio.Event()

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self._limit:
                self.over_limit = True
                raise _BodyOverLimit(f"the request body is over {self._limit} bytes")
            if not message.get("more_body", False):
                self._body_done.set()
        else:
            self._body_done.set()
        return message

    async def send(self, message: Message) -> None:
        if self.over_limit or self.timed_out:
            return  # the gateway answers instead
        if message["type"] == "http.response.start":
            self._answer_started.set()
            self._body_done.set()  # an answer before the whole body arrived: no gateway timeout after it
        await self._send(message)

    async def watch(self, api: asyncio.Future[None], seconds: float) -> None:
        """Once the body is in, cancel the API's work if its answer has not started within ``seconds``."""
        await self._body_done.wait()
        try:
            await asyncio.wait_for(self._answer_started.wait(), seconds)
        except TimeoutError:
            self.timed_out = True
            api.cancel()


def _content_length(scope: Scope) -> int | None:
    value = next((v for name, v in scope.get("headers", []) if name == b"content-length"), None)
    return int(value) if value is not None and value.isdigit() else None


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
