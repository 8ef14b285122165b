"""The local server's HTTP/1.1 protocol: uvicorn's h11 implementation, with the API's JSON error envelope
for the requests it cannot parse.

uvicorn answers a request it cannot parse (malformed, or a request line or header block past h11's 16 KiB
limit) itself, before the application sees it, with a ``text/plain`` 400 "Invalid HTTP request received.".
Its ``Config(http=...)`` accepts a protocol class, so this subclass overrides that one answer: the same
envelope as every other error (``issues``, ``requestId``, ``x-request-id``), and the status that says
what went wrong: 414 when the request line alone is too long, 431 when the request line and headers are,
400 for anything else. The connection is closed afterwards, as uvicorn does.

h11 applies its limit only to a request head that is still incomplete; one that arrives whole in a
single read may be larger. The application refuses those with the same statuses (``_app.head_too_large``),
so the limit holds however the bytes were chunked.

Pinning h11 (rather than uvicorn's ``auto``, which prefers httptools when installed) also makes these
limits the same on every machine.
"""

from __future__ import annotations

import json
import secrets

import h11
from h11._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE  # uvicorn imports it from here too
from uvicorn.protocols.http.h11_impl import H11Protocol

from eigenpal_ext.testing._app import envelope
from eigenpal_ext.testing._spec import Issue

__all__ = ["EnvelopeH11Protocol"]


class EnvelopeH11Protocol(H11Protocol):
    """uvicorn's ``H11Protocol`` whose answer to an unparsable request is the API's JSON error envelope."""

    def send_400_response(self, msg: str) -> None:
        status, message = self._diagnose()
        request_id = "req_" + secrets.token_hex(8)
        issue = Issue(field="request", message=message, code="bad_request")
        body = json.dumps(envelope(request_id, [issue]), separators=(",", ":")).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id.encode()),
            (b"connection", b"close"),
        ]
        for event in (h11.Response(status_code=status, headers=headers), h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()

    def _diagnose(self) -> tuple[int, str]:
        limit = self.config.h11_max_incomplete_event_size or DEFAULT_MAX_INCOMPLETE_EVENT_SIZE
        received, _ = self.conn.trailing_data
        if len(received) <= limit:
            return 400, "invalid HTTP request: it could not be parsed as HTTP/1.1"
        if b"\r\n" not in received[:limit] and b"\n" not in received[:limit]:
            return 414, f"the request line is longer than {limit} bytes"
        return 431, f"the request line and headers are longer than {limit} bytes"
