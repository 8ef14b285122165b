"""What an error may show: the client's API key redacted, server-supplied text made one harmless line.

Errors quote what a server sent (messages, request ids, issues, headers, whole bodies) and end up in logs,
tracebacks and CLI output, so everything taken from an answer passes through here first:

- Redaction: a server (or proxy) that echoes the request's ``Authorization`` value must not leak the API
  key; ``secrets_of`` names what to hide (the whole header value and the bare token), ``redact`` and
  ``redact_json`` replace every copy with ``[REDACTED]``, and ``is_sensitive_header`` says which response
  headers an error's ``repr`` hides whatever they hold.
- Text hygiene: ``escape_controls`` escapes non-printable characters (a newline in an execution id prints
  as ``\\n`` and cannot forge a second log line); ``clean`` also collapses whitespace and caps the length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import httpx

REDACTED: Final = "[REDACTED]"
# Server-supplied text ends up in log lines; a cap keeps one misbehaving proxy from flooding them.
MAX_TEXT_CHARS: Final = 300
# Shorter "secrets" would be redacted out of ordinary words; real API keys are far longer than this.
_MIN_SECRET_CHARS: Final = 8
# A header whose name contains one of these may carry a credential (Authorization, Cookie, Set-Cookie, a token
# echoed by a proxy...): the one list of them, read by an error's repr()/str() (the value is kept for code that
# asks for it) and by the debug log of requests and responses.
_SENSITIVE_HEADER_WORDS: Final = ("auth", "cookie", "token", "secret", "session", "key", "password", "signature")
# ...except these: Idempotency-Key names a run, not a credential, and is what one looks for in a log.
_NOT_SENSITIVE_HEADERS: Final = frozenset({"idempotency-key"})


def is_sensitive_header(name: str) -> bool:
    """Whether a header of this name may carry a credential (its value is hidden from reprs and logs)."""
    lowered = name.lower()
    return lowered not in _NOT_SENSITIVE_HEADERS and any(word in lowered for word in _SENSITIVE_HEADER_WORDS)


def secrets_of(request: httpx.Request | None) -> tuple[str, ...]:
    """The Authorization value and its token, so a server that echoes the key cannot leak it into logs."""
    if request is None:
        return ()
    value = request.headers.get("authorization", "").strip()
    parts = value.split(None, 1)
    candidates = {value, parts[1].strip() if len(parts) == 2 else value}
    # Longest first, so the whole "Bearer <key>" is replaced before the bare key inside it.
    return tuple(sorted((s for s in candidates if len(s) >= _MIN_SECRET_CHARS), key=len, reverse=True))


def redact(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every copy of each secret replaced by ``[REDACTED]``."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def redact_or_none(text: str | None, secrets: Sequence[str]) -> str | None:
    """``redact`` for an optional text."""
    return None if text is None else redact(text, secrets)


def redact_json(value: object, secrets: Sequence[str]) -> object:
    """``value`` with ``secrets`` replaced in every string and key, walked without recursion (bodies can be deep).

    Catches copies that the byte-level replacement missed because JSON escaped them (``\\/``, ``\\u0041``).
    """
    if not secrets:
        return value
    root: list[object] = [value]
    stack: list[tuple[list[object] | dict[Any, object], Any]] = [(root, 0)]
    while stack:
        holder, slot = stack.pop()
        item = holder[slot]
        if isinstance(item, str):
            holder[slot] = redact(item, secrets)
        elif isinstance(item, list):
            stack.extend((item, index) for index in range(len(item)))
        elif isinstance(item, dict):
            if any(isinstance(key, str) and redact(key, secrets) != key for key in item):
                renamed = {(redact(k, secrets) if isinstance(k, str) else k): v for k, v in item.items()}
                item.clear()
                item.update(renamed)
            stack.extend((item, key) for key in item)
    return root[0]


def escape_controls(text: str) -> str:
    """``text`` with every non-printable character escaped (``\\n``, ``\\x1b``, ``\\u2028``): one harmless line."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


def scalar_text(value: object) -> str:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def clean_or_none(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return clean(value) or None


def clean(text: str) -> str:
    # Collapsing whitespace keeps a server-supplied newline from forging extra log lines; other control
    # characters (a terminal escape sequence, say) are escaped.
    return truncate(escape_controls(" ".join(text.split())), MAX_TEXT_CHARS)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"
