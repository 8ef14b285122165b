"""Reading a captured multipart/form-data request back into its parts, two independent ways.

`split_parts` is a small strict parser (it fails on anything not shaped as RFC 7578 requires);
`stdlib_parts` reads the same body with the standard library's email parser, so a test can cross-check.
"""

import email.parser
import email.policy
from typing import NamedTuple

import httpx


class Part(NamedTuple):
    """One part of a multipart body: its headers (lower-case names) and its bytes."""

    headers: dict[str, str]
    content: bytes


def boundary(request: httpx.Request) -> bytes:
    """The boundary of a multipart request, from its Content-Type (which must be multipart/form-data)."""
    content_type = request.headers["Content-Type"]
    media_type, _, params = content_type.partition(";")
    assert media_type.strip() == "multipart/form-data"
    name, _, value = params.strip().partition("=")
    assert name == "boundary"
    assert value
    return value.encode("ascii")


def split_parts(request: httpx.Request) -> list[Part]:
    """Split a multipart body on its boundary; fail on anything not shaped as RFC 7578 requires."""
    boundary_ = boundary(request)
    body = request.content
    chunks = (b"\r\n" + body).split(b"\r\n--" + boundary_)
    assert chunks[0] == b"", "no preamble expected"
    assert chunks[-1] == b"--\r\n", "body must end with the close delimiter"
    parts = []
    for chunk in chunks[1:-1]:
        assert chunk.startswith(b"\r\n")
        head, sep, content = chunk[2:].partition(b"\r\n\r\n")
        assert sep, "part without header/body separator"
        headers = {}
        for line in head.decode("utf-8").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        parts.append(Part(headers, content))
    return parts


def stdlib_parts(request: httpx.Request) -> list[tuple[str | None, str | None, str, bytes]]:
    """(name, filename, content type, bytes) of each part as the email package reads the body."""
    raw = b"Content-Type: " + request.headers["Content-Type"].encode("ascii") + b"\r\n\r\n" + request.content
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    assert message.is_multipart()
    result = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        assert name is None or isinstance(name, str)
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        result.append((name, part.get_filename(), part.get_content_type(), payload))
    return result
