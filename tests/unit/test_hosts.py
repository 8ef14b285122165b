"""One ``base_url`` for both surfaces: the v1 routes, the runs API, the files API and the raw generated client
reach ``https://studio.eigenpal.com/api/v1/...`` and ``https://api.eigenpal.com/v1/...`` alike (the rule itself,
``_settings.split_base_url``, is pinned form by form in ``test_client_config``); the API key never goes to another
origin. On the real host names, through ``httpx.MockTransport``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from eigenpal_api.api.runs import get_run

from eigenpal_ext import EigenpalClient
from tests.support import Recorder, make_async_client, make_client


def _every_surface(client: EigenpalClient) -> None:
    client.workflows.list()
    client.workflows.executions.get("exec_1")
    client.runs.start("workflows.echo", {"a": 1})
    client.runs.get("exec_1")
    client.files.get("file_1")
    get_run.sync_detailed("exec_1", client=client.raw)


def _answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if "/workflows/executions/" in path:
        return httpx.Response(200, json={"executionId": "exec_1", "status": "running"})
    if path.endswith("/workflows"):
        return httpx.Response(200, json={"data": [], "total": 0, "limit": 50, "offset": 0})
    return httpx.Response(200 if request.method == "GET" else 201, json={"id": "exec_1"})


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.eigenpal.com", "https://api.eigenpal.com/v1"),
        ("https://studio.eigenpal.com", "https://studio.eigenpal.com/api/v1"),
        ("https://studio.eigenpal.com/api/v1/", "https://studio.eigenpal.com/api/v1"),
        ("https://gateway.example/tenant-a/v1", "https://gateway.example/tenant-a/v1"),
    ],
)
@pytest.mark.parametrize("make", [make_client, make_async_client], ids=["sync", "async"])
def test_both_surfaces_reach_the_routes_of_the_layout(base_url: str, expected: str, make: Callable[..., Any]) -> None:
    recorder = Recorder(_answer)
    client = make(recorder, base_url=base_url)
    if make is make_client:
        with client:
            _every_surface(client)
    else:
        import asyncio

        async def every() -> None:
            async with client:
                await client.workflows.list()
                await client.workflows.executions.get("exec_1")
                await client.runs.start("workflows.echo", {"a": 1})
                await client.runs.get("exec_1")
                await client.files.get("file_1")
                await get_run.asyncio_detailed("exec_1", client=client.raw)

        asyncio.run(every())
    urls = [str(request.url).split("?")[0] for request in recorder.requests]
    assert urls == [
        f"{expected}/workflows",
        f"{expected}/workflows/executions/exec_1",
        f"{expected}/runs",
        f"{expected}/runs/exec_1",
        f"{expected}/files/file_1",
        f"{expected}/runs/exec_1",
    ]
    assert all(request.headers["Authorization"].startswith("Bearer ") for request in recorder.requests)


def test_a_request_to_another_origin_carries_no_api_key() -> None:
    recorder = Recorder(lambda request: httpx.Response(200))
    with make_client(recorder, base_url="https://api.eigenpal.com") as client:
        client.raw.get_httpx_client().get("https://storage.example/api/v1/object")
        client.raw.get_httpx_client().get("http://api.eigenpal.com/v1/runs")  # another scheme: another origin
    assert [("Authorization" in request.headers) for request in recorder.requests] == [False, False]
    assert recorder.requests[0].url.path == "/api/v1/object"  # another origin's path is left as it is
