"""The runs list's query (``GET /runs``) → a ``RunQuery`` for the store, and its opaque cursors.

Paging is by keyset: a cursor holds the sort, the order and the position (sort value and insertion
order) of the last run of its page, so a page read after runs were created or cancelled neither repeats
nor skips a run (an offset would). A cursor names the sort it was made for: used with another ``sort``
or ``order``, it is a 400, and so is one this server did not make.

Filters the local server can answer: ``type`` (every run is a workflow run), ``status`` (one or several,
comma-separated), ``source`` (workflow id or slug), ``sourceRef`` (version id or release tag),
``trigger``, ``exampleId``, ``ids``, the creation bounds ``from``/``to`` (inclusive) and
``createdAfter``/``createdBefore`` (exclusive), ``completedAfter``/``completedBefore``. Its runs have no
user and no batch, so ``triggeredBy`` and ``batchId`` match no run. Dates are ISO-8601 (and, leniently,
the relative forms of ``eigenpal_ext.dates`` such as ``now()-7d``).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from eigenpal_ext.dates import format_utc, resolve_date
from eigenpal_ext.testing._api_common import ApiError, issue
from eigenpal_ext.testing._store import KNOWN_STATUSES, RUN_SORT_COLUMNS, Execution, RunQuery
from eigenpal_ext.testing._workflows import Workflow

__all__ = ["DEFAULT_RUNS_PAGE", "next_cursor", "run_query"]

DEFAULT_RUNS_PAGE = 50
"""The page size of ``GET /runs`` without ``limit``."""

_ORDERS = ("desc", "asc")
_DATE_FILTERS = {
    "from": ("created_from", False),
    "to": ("created_to", True),
    "createdAfter": ("created_after", False),
    "createdBefore": ("created_before", False),
    "completedAfter": ("completed_after", False),
    "completedBefore": ("completed_before", False),
}


def run_query(q: Mapping[str, Any], workflows: Mapping[str, Workflow], *, limit: int, now: datetime) -> RunQuery:
    """The store query for validated query parameters ``q``; a 400 naming the parameter for a bad value."""
    statuses = _statuses(q.get("status"))
    nothing = q.get("type") == "agent" or q.get("triggeredBy") is not None or q.get("batchId") is not None
    workflow_ids: tuple[str, ...] | None = None
    chosen = list(workflows.values())
    if q.get("source") is not None:
        chosen = [w for w in chosen if q["source"] in (w.id, w.name)]
        workflow_ids = tuple(w.id for w in chosen)
    version_ids = None
    if q.get("sourceRef") is not None:
        version_ids = tuple(v.id for w in chosen for v in w.versions if q["sourceRef"] in (v.id, v.tag))
    ids = None if q.get("ids") is None else tuple(part.strip() for part in q["ids"].split(",") if part.strip())
    dates = {field: _date(q, name, now, end_of_day) for name, (field, end_of_day) in _DATE_FILTERS.items()}
    sort = q.get("sort") or "createdAt"
    if sort not in RUN_SORT_COLUMNS:
        raise ApiError(400, [issue("query.sort", f"must be one of {', '.join(RUN_SORT_COLUMNS)}", "unknown_value")])
    order = q.get("order") or "desc"
    if order not in _ORDERS:
        raise ApiError(400, [issue("query.order", f"must be one of {', '.join(_ORDERS)}", "unknown_value")])
    after = None if q.get("cursor") is None else _read_cursor(q["cursor"], sort, order)
    return RunQuery(
        statuses=statuses, workflow_ids=workflow_ids, version_ids=version_ids, trigger=q.get("trigger"),
        example_id=q.get("exampleId"), ids=ids, nothing=nothing, sort_column=RUN_SORT_COLUMNS[sort],
        descending=order == "desc", after=after, offset=q.get("offset", 0), limit=limit, **dates,
    )  # fmt: skip


def next_cursor(last: Execution, wanted: RunQuery) -> str:
    """The cursor of the page after the one ending with ``last``."""
    sort = next(name for name, column in RUN_SORT_COLUMNS.items() if column == wanted.sort_column)
    value = {"created_at": last.created_at, "started_at": last.started_at, "completed_at": last.completed_at}
    position = {"s": sort, "o": "desc" if wanted.descending else "asc", "v": value[wanted.sort_column] or "",
                "q": last.seq}  # fmt: skip
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def _read_cursor(cursor: str, sort: str, order: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
        made_for = (position["s"], position["o"])
        value, seq = position["v"], position["q"]
        if not isinstance(value, str) or type(seq) is not int:
            raise TypeError
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        message = "is not a cursor of this list: pass the nextCursor of the previous page as it is"
        raise ApiError(400, [issue("query.cursor", message, "invalid_value")]) from None
    if made_for != (sort, order):
        message = f"was made for sort={made_for[0]}&order={made_for[1]}; keep the sort and order while paging"
        raise ApiError(400, [issue("query.cursor", message, "invalid_value")])
    return value, seq


def _statuses(value: str | None) -> tuple[str, ...]:
    statuses = tuple(part.strip() for part in (value or "").split(",") if part.strip())
    unknown = [status for status in statuses if status not in KNOWN_STATUSES]
    if unknown:
        message = f"unknown status {unknown[0]!r}; valid: {', '.join(KNOWN_STATUSES)}"
        raise ApiError(400, [issue("query.status", message, "unknown_value")])
    return statuses


def _date(q: Mapping[str, Any], name: str, now: datetime, end_of_day: bool) -> str | None:
    value = q.get(name)
    if value is None:
        return None
    try:
        return format_utc(resolve_date(value, argument=name, now=now, end_of_day=end_of_day))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ApiError(400, [issue(f"query.{name}", str(exc), "invalid_value")]) from exc
