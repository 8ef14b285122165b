"""The local server's HTTP/1.1 protocol: uvicorn's h11 implementation, with the API's JSON error envelope
for the requests it cannot parse, and a deadline for request heads.

uvicorn answers a request it cannot parse (malformed, or a request line or header block past h11's 16 KiB
limit) itself, before the application sees it, with a ``text/plain`` 400 "Invalid HTTP request received.".
Its ``Config(http=...)`` accepts a protocol class, so this subclass overrides that one answer: the same
envelope as every other error (``issues``, ``requestId``, ``x-request-id``), and the status that says
what went wrong: 414 when the request line alone is too long, 431 when the request line and headers are,
400 for anything else. The connection is closed afterwards, as uvicorn does.

h11 applies its limit only to a request head that is still incomplete; one that arrives whole in a
single read may be larger. The application refuses those with the same statuses (``_app.head_too_large``),
so the limit holds however the bytes were chunked.

uvicorn also waits for a request head without limit: a client that connects and sends nothing, or half a
head, holds its connection for ever (its keep-alive timer runs only after a response, and any byte stops
it). Here a request head must be complete within ``head_timeout_seconds`` of the connection being made or
of the previous response: otherwise a partial head gets a JSON 408 and the connection is closed (a
connection that sent nothing is just closed). The body has its own bound (``_body_reads``).

Pinning h11 (rather than uvicorn's ``auto``, which prefers httptools when installed) also makes these
limits the same on every machine.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

import h11
from h11._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE  # uvicorn imports it from here too
from uvicorn.protocols.http.h11_impl import H11Protocol

from eigenpal_ext.testing._api_common import envelope
from eigenpal_ext.testing._spec import Issue

__all__ = ["EnvelopeH11Protocol", "envelope_protocol"]

_REASONS = {400: "Bad Request", 408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large"}


def envelope_protocol(*, head_timeout_seconds: float) -> type[EnvelopeH11Protocol]:
    """The protocol class to give ``uvicorn.Config(http=...)``, with this head deadline."""
    return type("EnvelopeH11Protocol", (EnvelopeH11Protocol,), {"head_timeout_seconds": head_timeout_seconds})


class EnvelopeH11Protocol(H11Protocol):
    """uvicorn's ``H11Protocol`` answering unparsable or too slow request heads with the JSON error envelope."""

    head_timeout_seconds: float = 30.0
    _head_deadline: asyncio.TimerHandle | None = None

    # --- the head deadline ----------------------------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        if not self.transport.is_closing():
            self._head_deadline = self.loop.call_later(self.head_timeout_seconds, self._head_deadline_passed)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_deadline_passed(self) -> None:
        self._head_deadline = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return  # closed already, or a request is in progress (its body has its own bound)
        received, _ = self.conn.trailing_data
        if received:
            message = f"the request head did not arrive within {self.head_timeout_seconds:g} s"
            self._answer_and_close(408, message)
        else:
            self.transport.close()

    # --- answers uvicorn would give as text/plain -------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        self._answer_and_close(*self._diagnose())

    def _diagnose(self) -> tuple[int, str]:
        limit = self.config.h11_max_incomplete_event_size or DEFAULT_MAX_INCOMPLETE_EVENT_SIZE
        received, _ = self.conn.trailing_data
        if len(received) <= limit:
            return 400, "invalid HTTP request: it could not be parsed as HTTP/1.1"
        if b"\r\n" not in received[:limit] and b"\n" not in received[:limit]:
            return 414, f"the request line is longer than {limit} bytes"
        return 431, f"the request line and headers are longer than {limit} bytes"

    def _answer_and_close(self, status: int, message: str) -> None:
        # Written as bytes, not through h11: no request was parsed, so h11 has no response to pair it with.
        request_id = "req_" + secrets.token_hex(8)
        issue = Issue(field="request", message=message, code="request_timeout" if status == 408 else "bad_request")
        body = json.dumps(envelope(request_id, [issue]), separators=(",", ":")).encode()
        head = (
            f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nx-request-id: {request_id}\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode("ascii") + body)
        self.transport.close()
