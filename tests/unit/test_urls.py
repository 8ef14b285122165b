"""The clients' remembered URLs (``_urls.py``): the same URLs httpx builds, built once per path."""

from __future__ import annotations

import httpx
import pytest

from eigenpal_ext import EigenpalClient, _urls


def echo_url(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"url": str(request.url)})


@pytest.mark.parametrize(
    ("base_url", "path"),
    [
        ("https://eigenpal.test", "/api/v1/workflows/executions/exec_1"),
        ("https://eigenpal.test/prefix/", "/api/v1/workflows/executions/exec%2F1"),
        ("http://127.0.0.1:8080", "/api/v1/workflows/a%20b/run?version=v2"),
    ],
)
def test_a_remembered_url_is_the_one_httpx_builds(base_url: str, path: str) -> None:
    plain = httpx.Client(base_url=base_url, transport=httpx.MockTransport(echo_url))
    remembering = _urls.Client(base_url=base_url, transport=httpx.MockTransport(echo_url))

    expected = plain.get(path).json()["url"]

    assert remembering.get(path).json()["url"] == expected
    assert remembering.get(path).json()["url"] == expected  # from the cache the second time
    assert remembering._merged_urls[path][1] == httpx.URL(expected)


def test_a_changed_base_url_is_not_answered_from_the_cache() -> None:
    client = _urls.Client(base_url="https://one.test", transport=httpx.MockTransport(echo_url))
    client.get("/api/v1/x")

    client.base_url = httpx.URL("https://two.test")

    assert client.get("/api/v1/x").json()["url"] == "https://two.test/api/v1/x"


def test_the_cache_is_bounded() -> None:
    client = _urls.Client(base_url="https://eigenpal.test", transport=httpx.MockTransport(echo_url))

    for number in range(_urls.MAX_CACHED_URLS + 10):
        client.build_request("GET", f"/api/v1/workflows/executions/exec_{number}")

    assert len(client._merged_urls) <= _urls.MAX_CACHED_URLS


def test_absolute_urls_and_url_objects_are_left_to_httpx() -> None:
    client = _urls.Client(base_url="https://eigenpal.test", transport=httpx.MockTransport(echo_url))

    assert client.build_request("GET", httpx.URL("/api/v1/y")).url == httpx.URL("https://eigenpal.test/api/v1/y")
    assert client._merged_urls == {}


def test_calls_without_query_parameters_send_none() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"executionId": "exec_1", "status": "running", "createdAt": "2026-05-09T12:00:00Z"}
        )

    with EigenpalClient(
        api_key="eg_test", base_url="https://eigenpal.test", transport=httpx.MockTransport(handler)
    ) as c:
        c.workflows.executions.get("exec_1")
        c.workflows.executions.get("exec_1", include_steps=True)

    assert str(seen[0].url) == "https://eigenpal.test/api/v1/workflows/executions/exec_1"
    assert seen[1].url.params["includeSteps"] == "true"
