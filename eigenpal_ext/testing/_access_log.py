"""The local server's access log: one line per request on the ``eigenpal_ext.testing.access`` logger.

``POST /api/v1/workflows/echo/run?wait_for_completion=5 201 12.3 ms``: method, request target, status
(``-`` when the client went away before any answer) and the time from the request's arrival to the end of
its answer. ``eigenpal-dev-server`` prints these lines on stderr unless ``--quiet``; a
``LocalEigenpalServer`` logs them when ``ServerConfig(access_log=True)``.

Nothing secret is logged: headers (the API key travels in ``Authorization``) never are, and in the query
only the parameters the API declares are shown; any other one (``?api_key=...``, a bare token) is shown
as ``***``, name and value. The target is percent-encoded as a whole, so a control character in
a path cannot forge a line of the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from urllib.parse import parse_qsl, quote, urlencode

from eigenpal_ext.testing._asgi import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ACCESS_LOGGER", "AccessLog", "logged_target"]

ACCESS_LOGGER = "eigenpal_ext.testing.access"


_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def logged_target(scope: Scope, shown_parameters: Collection[str]) -> str:
    """The request target as the log shows it: the raw path, and the query with unknown values hidden."""
    raw_path = scope.get("raw_path") or str(scope.get("path", "")).encode()
    path = quote(raw_path.decode("latin-1"), safe=_PATH_SAFE)
    query = scope.get("query_string") or b""
    if not query:
        return path
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    shown = [urlencode([(name, value)], safe="(),") if name in shown_parameters else "***" for name, value in pairs]
    return f"{path}?{'&'.join(shown)}"


class AccessLog:
    """ASGI middleware writing the access log (see the module docstring); outermost, so it sees every answer."""

    def __init__(self, app: ASGIApp, *, shown_parameters: Collection[str]) -> None:
        self.app = app
        self.shown_parameters = frozenset(shown_parameters)
        self.logger = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None

        async def noted_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noted_send)
        finally:
            milliseconds = (time.perf_counter() - started) * 1000
            target = logged_target(scope, self.shown_parameters)
            shown_status = "-" if status is None else str(status)
            self.logger.info("%s %s %s %.1f ms", scope.get("method", "?"), target, shown_status, milliseconds)
