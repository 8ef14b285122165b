"""One ``base_url`` for both surfaces and both of EigenPal's layouts: ``https://studio.eigenpal.com`` (paths
``/api/v1/...``) and ``https://api.eigenpal.com`` (paths ``/v1/...``), a ``base_url`` ending in ``/api/v1``, ``/v1``
or ``/api`` honoured as given; the raw generated client follows the same layout; the API key never goes to another
origin. On the real host names, through ``httpx.MockTransport``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from eigenpal_api.api.runs import get_run

from eigenpal_ext import EigenpalClient
from eigenpal_ext._settings import split_base_url
from tests.support import Recorder, make_async_client, make_client


@pytest.mark.parametrize(
    ("base_url", "root", "prefix"),
    [
        ("https://studio.eigenpal.com", "https://studio.eigenpal.com", "/api/v1"),
        ("https://app.eigenpal.com", "https://app.eigenpal.com", "/api/v1"),
        ("https://api.eigenpal.com", "https://api.eigenpal.com", "/v1"),
        ("https://api.eigenpal.com/api/v1", "https://api.eigenpal.com", "/api/v1"),
        ("https://studio.eigenpal.com/api/v1", "https://studio.eigenpal.com", "/api/v1"),
        ("https://studio.eigenpal.com/v1", "https://studio.eigenpal.com", "/v1"),
        ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080", "/api/v1"),
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080", "/v1"),
        ("https://proxy.example/eigenpal/v1", "https://proxy.example/eigenpal", "/v1"),
        ("https://proxy.example/eigenpal", "https://proxy.example/eigenpal", "/api/v1"),
        ("https://v1", "https://v1", "/api/v1"),  # a host named v1 is a bare host
    ],
)
def test_a_base_url_names_its_root_and_prefix(base_url: str, root: str, prefix: str) -> None:
    assert split_base_url(base_url) == (root, prefix)


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


def test_the_client_shows_its_root_and_the_environment_is_read_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGENPAL_BASE_URL", "https://api.eigenpal.com/")
    recorder = Recorder(_answer)
    with EigenpalClient(api_key="k", transport=httpx.MockTransport(recorder)) as client:
        assert client.base_url == "https://api.eigenpal.com"
        client.runs.get("exec_1")
    assert recorder.last.url.path == "/v1/runs/exec_1"
