"""Auto-pagination: lazy pages, page_size separate from max_items, no duplicates when the list grows meanwhile."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient, EigenpalResponseError
from eigenpal_ext._paging import MAX_PAGES_WITHOUT_NEW_ITEMS
from tests.unit.conftest import ClientFactory

CREATED = "2026-11-27T10:00:00.000Z"


class FakeList:
    """A newest-first list of executions served by offset/limit, like EigenPal's."""

    def __init__(self, count: int, *, cap: int | None = None) -> None:
        self.ids = [f"exec_{n:03d}" for n in range(count, 0, -1)]  # newest first
        self.requests: list[httpx.Request] = []
        self.cap = cap  # at most this many items a page, whatever `limit` asks (a hosted service's cap)

    def add_newer(self, count: int) -> None:
        start = len(self.ids) + 1
        self.ids[:0] = [f"exec_{n:03d}" for n in range(start + count - 1, start - 1, -1)]

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        limit, offset = int(request.url.params["limit"]), int(request.url.params.get("offset", "0"))
        if self.cap is not None:
            limit = min(limit, self.cap)
        if request.url.path == "/api/v1/workflows":
            data: list[dict[str, Any]] = [
                {"id": f"wf_{n}", "name": f"w{n}", "createdAt": CREATED} for n in range(offset, min(offset + limit, 7))
            ]
            return httpx.Response(200, json={"data": data, "total": 7, "limit": limit, "offset": offset})
        data = [
            {"id": key, "workflowId": "wf_1", "status": "completed", "createdAt": CREATED}
            for key in self.ids[offset : offset + limit]
        ]
        return httpx.Response(200, json={"data": data, "total": len(self.ids), "limit": limit, "offset": offset})


def client_for(fake: FakeList) -> EigenpalClient:
    return EigenpalClient(api_key="k" * 12, transport=httpx.MockTransport(fake.handler))


def test_iterates_every_item_across_pages_lazily() -> None:
    fake = FakeList(7)
    with client_for(fake) as client:
        iterator = client.workflows.executions.iter("wf_1", page_size=3)
        assert fake.requests == []  # nothing is fetched until the first item is asked for
        first = next(iterator)
        assert len(fake.requests) == 1
        rest = list(iterator)
    assert [first.id, *(item.id for item in rest)] == fake.ids
    assert [(r.url.params["offset"], r.url.params["limit"]) for r in fake.requests] == [
        ("0", "3"),
        ("3", "3"),
        ("6", "3"),
    ]


def test_max_items_one_makes_one_request_for_one_item() -> None:
    fake = FakeList(500)
    with client_for(fake) as client:
        items = list(client.workflows.executions.iter("wf_1", max_items=1))
    assert [item.id for item in items] == ["exec_500"]
    assert len(fake.requests) == 1
    assert fake.requests[0].url.params["limit"] == "1"


def test_limit_smaller_than_page_size_asks_only_for_what_it_needs() -> None:
    fake = FakeList(500)
    with client_for(fake) as client:
        items = list(client.workflows.executions.iter("wf_1", page_size=50, max_items=120))
    assert len(items) == 120
    assert [r.url.params["limit"] for r in fake.requests] == ["50", "50", "20"]


def test_items_added_while_iterating_cause_no_duplicates_and_no_skips() -> None:
    fake = FakeList(10)
    original = list(fake.ids)
    with client_for(fake) as client:
        iterator = client.workflows.executions.iter("wf_1", page_size=4)
        seen = [next(iterator).id for _ in range(4)]
        fake.add_newer(3)  # three newer executions push everything back by three places
        seen += [item.id for item in iterator]
    assert len(seen) == len(set(seen))
    assert set(original) <= set(seen)


def test_an_empty_page_ends_the_iteration_even_if_total_says_more() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [], "total": 99, "limit": 50, "offset": 0})

    with EigenpalClient(api_key="k" * 12, transport=httpx.MockTransport(handler)) as client:
        assert list(client.workflows.executions.iter("wf_1")) == []


def test_workflows_iter_walks_pages() -> None:
    fake = FakeList(0)
    with client_for(fake) as client:
        names = [workflow.name for workflow in client.workflows.iter(page_size=2)]
    assert names == [f"w{n}" for n in range(7)]
    assert len(fake.requests) == 4


def test_relative_dates_resolved_here_are_resolved_once_for_all_pages() -> None:
    fake = FakeList(9)
    with client_for(fake) as client:
        list(client.workflows.executions.iter("wf_1", from_date="now-1h", to_date=timedelta(0), page_size=3))
    assert len(fake.requests) > 1
    assert len({(r.url.params["fromDate"], r.url.params["toDate"]) for r in fake.requests}) == 1


def test_documented_relative_dates_are_sent_as_written_on_every_page() -> None:
    fake = FakeList(9)
    with client_for(fake) as client:
        list(client.workflows.executions.iter("wf_1", from_date="now()-1h", to_date="now()", page_size=3))
    assert len(fake.requests) > 1
    assert {(r.url.params["fromDate"], r.url.params["toDate"]) for r in fake.requests} == {("now()-1h", "now()")}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"page_size": 0}, ValueError),
        ({"page_size": 101}, ValueError),
        ({"max_items": -1}, ValueError),
        ({"status": "canceled"}, ValueError),  # a near-miss of "cancelled"
        ({"from_date": "yesterday"}, ValueError),
        ({"page_size": "10"}, TypeError),
    ],
)
def test_bad_arguments_fail_when_iter_is_called_before_any_request(kwargs: dict[str, Any], error: type) -> None:
    fake = FakeList(3)
    with client_for(fake) as client, pytest.raises(error):
        client.workflows.executions.iter("wf_1", **kwargs)
    assert fake.requests == []


def test_the_async_client_iterates_with_async_for() -> None:
    fake = FakeList(7)

    async def collect() -> list[str]:
        async with AsyncEigenpalClient(api_key="k" * 12, transport=httpx.MockTransport(fake.handler)) as client:
            return [item.id async for item in client.workflows.executions.iter("wf_1", page_size=3, max_items=5)]

    assert asyncio.run(collect()) == fake.ids[:5]
    assert [r.url.params["limit"] for r in fake.requests] == ["3", "2"]


# --- a server that answers fewer items than asked (a page cap, a filter applied after paging) -------------


def test_a_page_cap_below_page_size_does_not_end_the_iteration(any_client: ClientFactory) -> None:
    fake = FakeList(57, cap=20)  # the hosted service answers at most 20 a page, with the right total
    client = any_client(fake.handler)
    items = [item.id for item in client.workflows.executions.iter("wf_1", page_size=50)]
    assert items == fake.ids  # all 57, in order (it stopped at 20 when a short page was taken for the last)
    assert [r.url.params["offset"] for r in fake.requests] == ["0", "20", "40"]  # offset >= total: no 4th request


def test_a_capped_workflows_list_is_walked_to_its_total(any_client: ClientFactory) -> None:
    fake = FakeList(0, cap=3)
    client = any_client(fake.handler)
    assert [workflow.name for workflow in client.workflows.iter(page_size=5)] == [f"w{n}" for n in range(7)]
    assert [r.url.params["offset"] for r in fake.requests] == ["0", "3", "6"]


def test_a_capped_list_with_max_items_asks_only_for_what_is_still_needed(any_client: ClientFactory) -> None:
    fake = FakeList(57, cap=20)
    client = any_client(fake.handler)
    items = list(client.workflows.executions.iter("wf_1", page_size=50, max_items=45))
    assert [item.id for item in items] == fake.ids[:45]
    assert [(r.url.params["offset"], r.url.params["limit"]) for r in fake.requests] == [
        ("0", "45"),
        ("20", "25"),
        ("40", "5"),
    ]


def test_a_short_page_followed_by_an_empty_one_ends_the_iteration(any_client: ClientFactory) -> None:
    # `total` overstates (items deleted meanwhile, or a server that counts before filtering): the empty page ends it.
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", "0"))
        data = (
            [{"id": "exec_1", "workflowId": "wf_1", "status": "completed", "createdAt": CREATED}] if offset == 0 else []
        )
        return httpx.Response(200, json={"data": data, "total": 5, "limit": 50, "offset": offset})

    client = any_client(handler)
    assert [item.id for item in client.workflows.executions.iter("wf_1")] == ["exec_1"]


@pytest.mark.parametrize(
    ("total", "requests"),
    [
        (500, 1 + MAX_PAGES_WITHOUT_NEW_ITEMS),  # the first page, then as many that brought nothing new
        (57, 3),  # the page that reaches the total brought nothing new: not a list that moved, a server
    ],
)
def test_a_capped_server_that_ignores_offset_raises_instead_of_ending_short(
    any_client: ClientFactory, total: int, requests: int
) -> None:
    # The same short first page whatever the offset: short pages no longer end the listing, so this must
    # neither loop forever nor quietly end with 20 of `total` items.
    fake = FakeList(total, cap=20)

    def handler(request: httpx.Request) -> httpx.Response:
        return fake.handler(httpx.Request(request.method, request.url.copy_set_param("offset", "0")))

    client = any_client(handler)
    with pytest.raises(EigenpalResponseError, match="seems to ignore offset") as raised:
        list(client.workflows.executions.iter("wf_1", page_size=50))
    assert f"20 distinct items were yielded of the {total}" in str(raised.value)
    assert len(fake.requests) == requests


def test_new_executions_pushing_a_whole_page_forward_are_not_taken_for_an_ignored_offset(
    any_client: ClientFactory,
) -> None:
    fake = FakeList(6, cap=2)
    client = any_client(fake.handler)
    iterator = client.workflows.executions.iter("wf_1", page_size=2)
    seen = [next(iterator).id, next(iterator).id]
    fake.add_newer(2)  # the next page (offset 2) is the two already seen; the total grows by two
    seen += [item.id for item in iterator]
    assert sorted(seen) == sorted(set(seen))
    assert set(seen) == {f"exec_{n:03d}" for n in range(1, 7)}
