"""Bounded request-body reads for the local server: a no-progress timeout, and an abort when it stops.

uvicorn waits for a request body as long as the client keeps the connection open, so a client that
stops sending mid-body would hold its connection (and its partial upload file) forever. :class:`BodyReads`
is ASGI middleware that wraps ``receive`` while a request body is still arriving:

* each wait for the next piece of body is bounded by ``idle_timeout_seconds`` (30 s by default in
  ``ServerConfig``): a client that sends nothing for that long gets :class:`BodyReadTimeout` raised into
  the handler, which answers 408 and closes the connection. A slow client that keeps sending is never
  cut off: the clock restarts with every piece;
* :meth:`BodyReads.abort` (called by ``LocalEigenpalServer.stop()`` from its own thread) ends every
  body read in flight at once with :class:`ServerStopping` (503), and any later one before it starts, so
  stopping does not wait for uploads to finish or for uvicorn's graceful-shutdown timeout.

Either exception travels up through the reader of the body like a disconnect would, so the multipart
reader deletes what it had written. Once the body is complete, ``receive`` passes through unchanged
(it then only reports a disconnect, which may rightly take any time).
"""

from __future__ import annotations

import asyncio
import contextlib

from eigenpal_ext.testing._asgi import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyReadAborted", "BodyReadTimeout", "BodyReads", "ServerStopping"]


class BodyReadAborted(Exception):
    """Reading the request body stopped before it was complete; answer ``status`` and close."""

    status = 500
    code = "internal_error"


class BodyReadTimeout(BodyReadAborted):
    """The client sent no part of its body for ``seconds``."""

    status = 408
    code = "request_timeout"

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no part of the request body arrived for {seconds:g} s; send the body without pausing")
        self.seconds = seconds


class ServerStopping(BodyReadAborted):
    """The server is stopping; the request was not handled."""

    status = 503
    code = "unavailable"

    def __init__(self) -> None:
        super().__init__("the server is stopping; the request was not handled (nothing was stored)")


class BodyReads:
    """ASGI middleware bounding every wait for request-body bytes; see the module docstring."""

    def __init__(self, app: ASGIApp, *, idle_timeout_seconds: float) -> None:
        self.app = app
        self.idle_timeout_seconds = idle_timeout_seconds
        self._waits: set[asyncio.Timeout] = set()
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._loop = asyncio.get_running_loop()
        body_complete = False

        async def bounded_receive() -> Message:
            nonlocal body_complete
            if body_complete:
                return await receive()
            if self._stopping:
                raise ServerStopping
            try:
                async with asyncio.timeout(self.idle_timeout_seconds) as wait:
                    self._waits.add(wait)
                    try:
                        message = await receive()
                    finally:
                        self._waits.discard(wait)
            except TimeoutError:
                if self._stopping:
                    raise ServerStopping from None
                raise BodyReadTimeout(self.idle_timeout_seconds) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_complete = True
            return message

        await self.app(scope, bounded_receive, send)

    def abort(self) -> None:
        """End every body read in flight with :class:`ServerStopping`, and refuse new ones. Any thread."""
        self._stopping = True
        loop = self._loop
        if loop is not None and not loop.is_closed():
            # RuntimeError: the loop closed in the meantime, so nothing is waiting any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._expire_waits)

    def _expire_waits(self) -> None:
        now = asyncio.get_running_loop().time()
        for wait in list(self._waits):
            wait.reschedule(now)
