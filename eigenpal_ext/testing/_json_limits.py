"""Bounds on the JSON the local server accepts and stores, so that no stored row can break a later read.

Python's ``json`` module recurses once per nesting level, and so do the server's own encoders: a value
that nests about a thousand levels deep can be parsed at one stack depth and fail with ``RecursionError``
at another. A run whose input nested 967 levels was once stored with 201 and from then on every read of
it (the execution, the workflow's execution list, ``/admin/stats``) answered 500, even after a restart.

The limits, all checked by :func:`parse_request_json` before anything is stored:

* :data:`MAX_REQUEST_DEPTH` (64) for every JSON body a client sends (the run body with ``input`` and
  ``overrides``, also as a multipart ``_json`` part): :class:`JsonTooDeep`, a 400 naming the field. 64 is
  far beyond any real document's nesting and far below the interpreter's recursion limit (1000), so
  values the server derives from an input (results, step records: a few levels deeper) stay safe
  everywhere.
* :data:`MAX_REQUEST_CONTAINERS` (200,000) ``[`` and ``{`` characters in a body, counted in its text
  before parsing (inside strings too: a cheap, predictable rule): :class:`JsonTooLarge`, a 413. With the
  4 MiB body limit (``MAX_JSON_BODY_BYTES``) this bounds what a body becomes once parsed, and the cost of
  measuring its depth.

And for what is already stored, :data:`MAX_STORED_DEPTH` (128): rows written by an older server may nest
deeper. When the store opens such a database it checks every stored value once
(:func:`stored_json_problem`) and replaces the ones past this depth by :func:`unreadable`, so reading a row
never fails; :func:`load_stored_json` also reads a value that does not decode as a placeholder.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

__all__ = [
    "MAX_JSON_BODY_BYTES",
    "MAX_REQUEST_CONTAINERS",
    "MAX_REQUEST_DEPTH",
    "MAX_STORED_DEPTH",
    "JsonTooDeep",
    "JsonTooLarge",
    "load_stored_json",
    "nests_deeper_than",
    "parse_request_json",
    "stored_json_problem",
    "too_deep_under",
    "unreadable",
]

MAX_JSON_BODY_BYTES = 4 * 1024 * 1024
"""A JSON run body (or the ``_json`` part of a multipart one) is at most this many bytes."""

MAX_REQUEST_DEPTH = 64
"""Arrays and objects nest at most this deep in a request body (``{"input": {}}`` nests 2 deep)."""

MAX_REQUEST_CONTAINERS = 200_000
"""A request body holds at most this many ``[``/``{`` characters. Each array or object costs 56-200+ bytes
once parsed and the server keeps several parsed copies of a run's input (request, worker, steps): 4 MiB
of ``{}`` (1.3 million objects) took ten parallel runs to 1.2 GiB. Bulk data belongs in a file input."""

MAX_STORED_DEPTH = 128
"""A stored value nesting deeper than this is shown as :func:`unreadable` rather than risk a failed read."""

logger = logging.getLogger("eigenpal_ext.testing")


class JsonTooLarge(ValueError):
    """A JSON body holds more than :data:`MAX_REQUEST_CONTAINERS` ``[``/``{`` characters."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the body holds more than {limit} arrays and objects ('[' and '{{' characters); send bulk data as "
            "a file input"
        )
        self.limit = limit


class JsonTooDeep(ValueError):
    """A JSON body nests deeper than :data:`MAX_REQUEST_DEPTH`; ``key`` is its top-level key, when known."""

    def __init__(self, limit: int, key: str | None = None) -> None:
        super().__init__(f"arrays and objects nest deeper than {limit} levels; flatten the value")
        self.limit, self.key = limit, key


_CONTAINERS = (dict, list)


def nests_deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays/objects in ``value`` nest more than ``limit`` levels (``[]`` is 1).

    One level at a time, never recursing, so any depth is safe to examine; only arrays and objects are
    visited, so the cost is bounded by their number.
    """
    level = [value] if isinstance(value, _CONTAINERS) else []
    for _ in range(limit):
        if not level:
            return False
        below: list[Any] = []
        for container in level:
            members = container.values() if isinstance(container, dict) else container
            below.extend([member for member in members if isinstance(member, _CONTAINERS)])
        level = below
    return bool(level)


def too_deep_under(value: Any, limit: int) -> str | None:
    """Where arrays/objects in ``value`` nest more than ``limit`` levels, else None: the top-level key
    (object) or index (array) holding the too-deep part, or ``"<top>"`` when ``value`` itself is it."""
    if not nests_deeper_than(value, limit):
        return None
    members = value.items() if isinstance(value, dict) else enumerate(value)
    return next((str(key) for key, member in members if nests_deeper_than(member, limit - 1)), "<top>")


def _brackets(text: str | bytes) -> int:
    """``[`` and ``{`` characters in a JSON text: at least as many as its arrays and objects."""
    if isinstance(text, bytes):
        return text.count(b"[") + text.count(b"{")
    return text.count("[") + text.count("{")


def parse_request_json(
    raw: bytes | str, *, limit: int = MAX_REQUEST_DEPTH, max_containers: int = MAX_REQUEST_CONTAINERS
) -> Any:
    """Parse a client's JSON within the request limits (see the module docstring).

    :class:`JsonTooLarge` past ``max_containers`` brackets (checked on the text, before parsing);
    :class:`JsonTooDeep` past ``limit`` levels of nesting (also when the parser's own recursion gives
    out); ``ValueError`` if it is not JSON (``NaN``/``Infinity`` are not JSON either).
    """
    brackets = _brackets(raw)
    if brackets > max_containers:
        raise JsonTooLarge(max_containers)
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise JsonTooDeep(limit) from None
    if brackets > limit:  # fewer brackets cannot nest deeper
        where = too_deep_under(value, limit)
        if where is not None:
            raise JsonTooDeep(limit, None if where == "<top>" else where)
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def unreadable(reason: str) -> dict[str, str]:
    """What a stored value that cannot be shown reads back as (a JSON object, valid wherever one is)."""
    return {"unreadable": f"the stored value cannot be shown: {reason}"}


def stored_json_problem(text: str) -> str | None:
    """Why a stored JSON text cannot be read back safely (too deep, not JSON), or None when it can."""
    too_deep = f"it nests deeper than {MAX_STORED_DEPTH} levels"
    try:
        value = json.loads(text)
    except RecursionError:
        return too_deep
    except ValueError as exc:
        return f"it is not valid JSON ({exc})"
    if _brackets(text) > MAX_STORED_DEPTH and nests_deeper_than(value, MAX_STORED_DEPTH):
        return too_deep
    return None


def load_stored_json(text: str, *, column: str, row_id: str, placeholder: Callable[[str], Any] = unreadable) -> Any:
    """Decode a stored JSON column; one that does not decode reads as ``placeholder(reason)`` (logged).

    Reads do not measure depth (that would cost as much as decoding, on every read): rows are bounded
    when written, and a database from an older server is checked once when opened (``Store``).
    """
    try:
        return json.loads(text)
    except RecursionError:
        reason = f"it nests deeper than {MAX_STORED_DEPTH} levels"
    except ValueError as exc:
        reason = f"it is not valid JSON ({exc})"
    logger.warning("execution %s: %s %s; it reads as a placeholder", row_id, column, reason)
    return placeholder(reason)
