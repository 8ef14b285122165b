"""Auto-pagination, written once: a flow that sends page requests and emits items (protocol in ``_flow``).

``page_size`` is how many items one request asks for; ``max_items`` caps how many items are yielded in
total (so ``max_items=1`` makes exactly one request for one item). Two names for two things: SDKs that call
both ``limit`` conflate them, and a single page's ``list(limit=)`` is the page size, as the API's own.
Pages are fetched lazily, one when the previous one is used up. The listing ends on an empty page or
once ``offset`` reaches the ``total`` the server reports, never on a short page: a server may answer fewer
items than asked (EigenPal's hosted service answers at most 20 a page, whatever ``limit`` says), and
taking a short page for the last one would silently drop the rest.

EigenPal pages by offset over a newest-first order. Executions created while iterating land at the
front and push older ones back by as many places: the next page then starts with items already yielded,
which are skipped by id, so nothing is yielded twice and no older item is skipped. Items created after
iteration started may or may not be yielded (most sort before the current offset). If items were *deleted*
from before the current offset while iterating (the v1 API has no delete, but an operator could purge),
later items would move forward by as many places and that many could be missed; restart the
iteration (or filter with ``to_date``) if that matters.

A server that ignores ``offset`` (the same page forever, with a huge ``total``) must not make ``iter()``
loop forever: a page that brings no new item can happen legitimately (a burst of new executions pushes a
whole page of seen ones forward), but ``MAX_PAGES_WITHOUT_NEW_ITEMS`` of them in a row cannot, and raise
``EigenpalResponseError`` (so the caller learns that the listing is incomplete, rather than silently
getting its first page). Nor can the page that reaches ``total`` bring nothing new (new executions raise
the total by as many places as they push seen ones forward), so that raises too: a capped server that
ignores offset, with a total within a few pages, would otherwise end the listing quietly short.

The runs list pages by cursor instead (``cursor_flow``): each page names the next (``nextCursor``), null on the
last. A cursor marks a position in the order, not a count, so runs created meanwhile neither repeat nor push
others out; ids are still checked once each. A server that hands back a cursor it already gave, or pages that
bring nothing new ``MAX_PAGES_WITHOUT_NEW_ITEMS`` times in a row, would loop forever: that raises
``EigenpalResponseError`` too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from eigenpal_ext import _calls
from eigenpal_ext._checks import check_page_size
from eigenpal_ext._errors import EigenpalResponseError
from eigenpal_ext._flow import Emit, IterFlow, Send
from eigenpal_ext.dates import DateInput, date_range_query

# Consecutive pages with nothing new after which the server is taken to ignore offset.
MAX_PAGES_WITHOUT_NEW_ITEMS = 3


class _Page(Protocol):
    data: list[Any]
    total: int


def paging_flow(
    page_call: Callable[[int, int], _calls.Call[Any]], *, page_size: int, max_items: int | None
) -> IterFlow:
    """Request pages with ``page_call(offset, size)``; yield each item once, at most ``max_items`` of them."""
    offset, yielded, stale_pages = 0, 0, 0
    seen: set[str] = set()
    while max_items is None or yielded < max_items:
        size = page_size if max_items is None else min(page_size, max_items - yielded)
        page: _Page = yield Send(page_call(offset, size))
        new_items = 0
        for item in page.data:
            key = str(getattr(item, "id", id(item)))
            if key in seen:
                continue  # pushed into this page by items created at the front meanwhile
            seen.add(key)
            new_items += 1
            yield Emit(item)
            yielded += 1
            if max_items is not None and yielded >= max_items:
                return
        offset += len(page.data)
        # The end is an empty page or the reported total, never a short page: a server may answer fewer
        # items than asked (the hosted service caps a page at 20 whatever `limit` says) with more to come.
        if not page.data:
            return
        stale_pages = 0 if new_items else stale_pages + 1
        if offset >= page.total:
            if stale_pages:
                # Reaching the total on a page of items already seen takes a server that ignores offset:
                # items created meanwhile push seen ones forward but raise the total by as many.
                raise not_advancing(offset, stale_pages, yielded, page.total)
            return
        if stale_pages >= MAX_PAGES_WITHOUT_NEW_ITEMS:
            raise not_advancing(offset, stale_pages, yielded, page.total)


def not_advancing(offset: int, pages: int, yielded: int, total: int) -> EigenpalResponseError:
    return EigenpalResponseError(
        f"pagination stopped: {pages} pages in a row (up to offset {offset}) brought no item not already seen, "
        f"so the server seems to ignore offset; {yielded} distinct items were yielded of the {total} it reports",
        status=200,
    )


def cursor_flow(
    page_call: Callable[[str | None, int], _calls.Call[Any]], *, page_size: int, max_items: int | None
) -> IterFlow:
    """Request pages with ``page_call(cursor, size)`` (the first with no cursor), following each page's
    ``next_cursor``; yield each item once, at most ``max_items`` of them."""
    cursor: str | None = None
    given: set[str] = set()
    seen: set[str] = set()
    yielded, stale_pages = 0, 0
    while max_items is None or yielded < max_items:
        size = page_size if max_items is None else min(page_size, max_items - yielded)
        page: Any = yield Send(page_call(cursor, size))
        new_items = 0
        for item in page:
            key = str(getattr(item, "id", id(item)))
            if key in seen:
                continue
            seen.add(key)
            new_items += 1
            yield Emit(item)
            yielded += 1
            if max_items is not None and yielded >= max_items:
                return
        cursor = page.next_cursor or None
        if cursor is None:
            return
        stale_pages = 0 if new_items else stale_pages + 1
        if cursor in given or stale_pages >= MAX_PAGES_WITHOUT_NEW_ITEMS:
            raise EigenpalResponseError(
                f"pagination stopped: the server gave cursor {cursor!r} again, or {stale_pages} pages in a row "
                f"brought nothing new; {yielded} distinct items were yielded",
                status=200,
            )
        given.add(cursor)


def start_cursor(
    page_call: Callable[[str | None, int], _calls.Call[Any]], *, page_size: int, max_items: int | None
) -> IterFlow:
    """``start`` for a cursor-paged list: every argument checked now, then the lazy flow."""
    check_page_size(page_size, max_items)
    page_call(None, 1).close()
    return cursor_flow(page_call, page_size=page_size, max_items=max_items)


def start(page_call: Callable[[int, int], _calls.Call[Any]], *, page_size: int, max_items: int | None) -> IterFlow:
    """Check every argument now (building a first request sends nothing), then return the lazy flow."""
    check_page_size(page_size, max_items)
    page_call(0, 1).close()
    return paging_flow(page_call, page_size=page_size, max_items=max_items)


def workflow_pages(
    *, search: str | None, name: str | None, kind: Any, request_timeout_seconds: float | None
) -> Callable[[int, int], _calls.Call[Any]]:
    def page_call(offset: int, size: int) -> _calls.Call[Any]:
        return _calls.list_workflows_call(
            search=search, name=name, kind=kind, limit=size, offset=offset,
            request_timeout_seconds=request_timeout_seconds,
        )  # fmt: skip

    return page_call


def execution_pages(
    workflow_id: str,
    *,
    status: Any,
    from_date: DateInput | None,
    to_date: DateInput | None,
    example_id: str | None,
    request_timeout_seconds: float | None,
) -> Callable[[int, int], _calls.Call[Any]]:
    # Values this client resolves (datetimes, timedeltas, its extended grammar) are resolved once, so the
    # window is the same on every page; a relative form sent as written ("now()-7d") is read by the server
    # at each page, which moves the window by the time between pages (ids already yielded are skipped).
    from_text, to_text = date_range_query(from_date, to_date)

    def page_call(offset: int, size: int) -> _calls.Call[Any]:
        return _calls.list_executions_call(
            workflow_id, status=status, from_date=from_text, to_date=to_text, example_id=example_id,
            limit=size, offset=offset, request_timeout_seconds=request_timeout_seconds,
        )  # fmt: skip

    return page_call
