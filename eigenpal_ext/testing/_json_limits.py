"""Bounds on the JSON the local server accepts and stores, so that no stored row can break a later read.

Python's ``json`` module recurses once per nesting level, and so do the server's own encoders: a value
that nests about a thousand levels deep can be parsed at one stack depth and fail with ``RecursionError``
at another. A run whose input nested 967 levels was once stored with 201 and from then on every read of
it (the execution, the workflow's execution list, ``/admin/stats``) answered 500, even after a restart.

Two limits close that:

* :data:`MAX_REQUEST_DEPTH` (64) for every JSON body a client sends (the run body with ``input`` and
  ``overrides``, also as a multipart ``_json`` part). :func:`parse_request_json` refuses deeper bodies with
  :class:`JsonTooDeep`, which the app answers with a 400 envelope, before anything is stored. 64 is far
  beyond any real document's nesting and far below the interpreter's recursion limit (1000), so values
  the server derives from an input (results, step records: a few levels deeper) stay safe everywhere.
* :data:`MAX_STORED_DEPTH` (128) when a stored value is read back. Rows written by an older server (or by
  hand) may nest deeper; :func:`load_stored_json` turns such a value, or one that does not parse, into
  :func:`unreadable` instead of raising, so reading a row never fails.

Sizes are bounded where bodies are read (``MAX_JSON_BODY_BYTES``: a JSON body, or the ``_json`` part of a
multipart body, holds at most 4 MiB); depth is the limit a size cap cannot provide.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

__all__ = [
    "MAX_JSON_BODY_BYTES",
    "MAX_REQUEST_DEPTH",
    "MAX_STORED_DEPTH",
    "JsonTooDeep",
    "load_stored_json",
    "nests_deeper_than",
    "parse_request_json",
    "too_deep_under",
    "unreadable",
]

MAX_JSON_BODY_BYTES = 4 * 1024 * 1024
"""A JSON run body (or the ``_json`` part of a multipart one) is at most this many bytes."""

MAX_REQUEST_DEPTH = 64
"""Arrays and objects nest at most this deep in a request body (``{"input": {}}`` nests 2 deep)."""

MAX_STORED_DEPTH = 128
"""A stored value nesting deeper than this is shown as :func:`unreadable` rather than risk a failed read."""

logger = logging.getLogger("eigenpal_ext.testing")


class JsonTooDeep(ValueError):
    """A JSON body nests deeper than :data:`MAX_REQUEST_DEPTH`; ``key`` is its top-level key, when known."""

    def __init__(self, limit: int, key: str | None = None) -> None:
        super().__init__(f"arrays and objects nest deeper than {limit} levels; flatten the value")
        self.limit, self.key = limit, key


_TOP = "<top>"


def too_deep_under(value: Any, limit: int) -> str | None:
    """Where arrays/objects in ``value`` nest more than ``limit`` levels (``[]`` is 1), else None.

    The answer is the top-level key (object) or index (array) holding the too-deep part, or ``"<top>"``
    when ``value`` itself is the problem. Iterative, so any depth is safe to examine.
    """
    stack: list[tuple[Any, int, str]] = [(value, 1, _TOP)]
    while stack:
        item, depth, top = stack.pop()
        if isinstance(item, dict):
            children: Any = item.items()
        elif isinstance(item, list):
            children = enumerate(item)
        else:
            continue
        if depth > limit:
            return top
        stack.extend(
            (child, depth + 1, str(key) if depth == 1 else top)
            for key, child in children
            if isinstance(child, (dict, list))
        )
    return None


def nests_deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays/objects in ``value`` nest more than ``limit`` levels (``[]`` is 1)."""
    return too_deep_under(value, limit) is not None


def _brackets_allow(text: str | bytes, limit: int) -> bool:
    """A cheap sufficient test: fewer opening brackets than ``limit`` cannot nest deeper than ``limit``."""
    if isinstance(text, bytes):
        return text.count(b"[") + text.count(b"{") <= limit
    return text.count("[") + text.count("{") <= limit


def parse_request_json(raw: bytes | str, *, limit: int = MAX_REQUEST_DEPTH) -> Any:
    """Parse a client's JSON; :class:`JsonTooDeep` past ``limit`` levels, ``ValueError`` if it is not JSON.

    ``NaN``/``Infinity`` are refused (not JSON). A body deep enough to exhaust the parser's recursion is
    reported as too deep as well: ``json`` unwinds cleanly from its ``RecursionError``.
    """
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise JsonTooDeep(limit) from None
    if not _brackets_allow(raw, limit):
        where = too_deep_under(value, limit)
        if where is not None:
            raise JsonTooDeep(limit, None if where == _TOP else where)
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def unreadable(reason: str) -> dict[str, str]:
    """What a stored value that cannot be shown reads back as (a JSON object, valid wherever one is)."""
    return {"unreadable": f"the stored value cannot be shown: {reason}"}


def load_stored_json(text: str, *, column: str, row_id: str, placeholder: Callable[[str], Any] = unreadable) -> Any:
    """Decode a stored JSON column; a value that fails or nests past :data:`MAX_STORED_DEPTH` is replaced.

    The replacement is ``placeholder(reason)`` (by default :func:`unreadable`), logged once per read, so
    reading a row never raises.
    """
    try:
        value = json.loads(text)
    except RecursionError:
        reason = f"it nests deeper than {MAX_STORED_DEPTH} levels"
    except ValueError as exc:
        reason = f"it is not valid JSON ({exc})"
    else:
        if _brackets_allow(text, MAX_STORED_DEPTH) or not nests_deeper_than(value, MAX_STORED_DEPTH):
            return value
        reason = f"it nests deeper than {MAX_STORED_DEPTH} levels"
    logger.warning("execution %s: %s %s; it reads as a placeholder", row_id, column, reason)
    return placeholder(reason)
