"""Client configuration: API key and base URL resolution, timeouts, headers, secrecy, lifecycle, ``client.raw``.

Every request goes through an ``httpx.MockTransport``; nothing touches the network and nothing sleeps.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from eigenpal_api.api.executions import get_execution
from eigenpal_api.models import Execution

import eigenpal_ext
from eigenpal_ext import (
    AsyncEigenpalClient,
    EigenpalAuthError,
    EigenpalClient,
    EigenpalConnectionError,
    EigenpalError,
    EigenpalServerError,
)
from tests.support import (
    API_KEY,
    BASE_URL,
    FakeTime,
    Handler,
    Recorder,
    api_response,
    execution_json,
    make_client,
    respond,
)

ENV_KEY = "eg_env_key_fedcba9876543210"
EXECUTION_URL = f"{BASE_URL}/api/v1/workflows/executions/exec_1"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EIGENPAL_API_KEY", raising=False)
    monkeypatch.delenv("EIGENPAL_BASE_URL", raising=False)


def read_timeout(request: httpx.Request) -> float:
    timeouts = request.extensions["timeout"]
    value = timeouts["read"]
    assert isinstance(value, float)
    return value


# --- API key ----------------------------------------------------------------------------------------------


def test_api_key_argument_is_sent_as_bearer_token() -> None:
    recorder = Recorder()
    client = make_client(recorder)
    client.workflows.executions.get("exec_1")
    assert recorder.last.headers["Authorization"] == f"Bearer {API_KEY}"


def test_api_key_falls_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGENPAL_API_KEY", ENV_KEY)
    recorder = Recorder()
    client = EigenpalClient(base_url=BASE_URL, transport=httpx.MockTransport(recorder))
    client.workflows.executions.get("exec_1")
    assert recorder.last.headers["Authorization"] == f"Bearer {ENV_KEY}"


def test_api_key_argument_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGENPAL_API_KEY", ENV_KEY)
    recorder = Recorder()
    client = make_client(recorder)
    client.workflows.executions.get("exec_1")
    assert recorder.last.headers["Authorization"] == f"Bearer {API_KEY}"


def test_missing_api_key_names_argument_and_variable() -> None:
    with pytest.raises(ValueError, match="api_key") as info:
        EigenpalClient(base_url=BASE_URL, transport=httpx.MockTransport(api_response))
    assert "EIGENPAL_API_KEY" in str(info.value)


def test_missing_api_key_async_client_too() -> None:
    with pytest.raises(ValueError, match="EIGENPAL_API_KEY"):
        AsyncEigenpalClient(base_url=BASE_URL, transport=httpx.MockTransport(api_response))


@pytest.mark.parametrize("key", ["", "   "])
def test_blank_api_key_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="api_key"):
        EigenpalClient(api_key=key, transport=httpx.MockTransport(api_response))


# --- base URL ---------------------------------------------------------------------------------------------


def test_base_url_defaults_to_studio_eigenpal_com() -> None:
    recorder = Recorder()
    client = EigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(recorder))
    client.workflows.executions.get("exec_1")
    assert str(recorder.last.url) == "https://studio.eigenpal.com/api/v1/workflows/executions/exec_1"
    assert client.base_url == "https://studio.eigenpal.com"


# The rule for EigenPal's two layouts: a base_url ending in /api/v1, /v1 or /api is honoured as given; a bare host
# gets /api/v1, except api.eigenpal.com, which gets /v1.
LAYOUTS = [
    ("https://api.eigenpal.com", "https://api.eigenpal.com/v1/workflows/executions/exec_1"),
    ("https://api.eigenpal.com/", "https://api.eigenpal.com/v1/workflows/executions/exec_1"),
    ("https://api.eigenpal.com/v1", "https://api.eigenpal.com/v1/workflows/executions/exec_1"),
    ("https://api.eigenpal.com/api/v1", "https://api.eigenpal.com/api/v1/workflows/executions/exec_1"),
    ("https://studio.eigenpal.com", "https://studio.eigenpal.com/api/v1/workflows/executions/exec_1"),
    ("https://studio.eigenpal.com/api/v1/", "https://studio.eigenpal.com/api/v1/workflows/executions/exec_1"),
    ("https://studio.eigenpal.com/api", "https://studio.eigenpal.com/api/v1/workflows/executions/exec_1"),
    ("https://eigenpal.test/v1", "https://eigenpal.test/v1/workflows/executions/exec_1"),
    ("https://eigenpal.test/gw/v1/", "https://eigenpal.test/gw/v1/workflows/executions/exec_1"),
    ("https://eigenpal.test/gw/api", "https://eigenpal.test/gw/api/v1/workflows/executions/exec_1"),
    ("https://eigenpal.test/gw", "https://eigenpal.test/gw/api/v1/workflows/executions/exec_1"),
    ("https://v1", "https://v1/api/v1/workflows/executions/exec_1"),  # a host named v1 is a bare host
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v1/workflows/executions/exec_1"),
]


@pytest.mark.parametrize(("base_url", "expected"), LAYOUTS)
def test_base_url_layouts(base_url: str, expected: str) -> None:
    recorder = Recorder()
    client = make_client(recorder, base_url=base_url)
    client.workflows.executions.get("exec_1")
    assert str(recorder.last.url) == expected


@pytest.mark.parametrize(("base_url", "expected"), LAYOUTS[:4])
def test_base_url_layouts_from_the_environment_async_and_raw(
    monkeypatch: pytest.MonkeyPatch, base_url: str, expected: str
) -> None:
    monkeypatch.setenv("EIGENPAL_BASE_URL", base_url)
    recorder = Recorder()
    with EigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(recorder)) as client:
        get_execution.sync("exec_1", client=client.raw)  # the generated operations take the same layout
        client.with_options(max_retries=0).workflows.list(limit=1)

    async def main() -> None:
        async with AsyncEigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(recorder)) as client:
            await client.workflows.executions.get("exec_1")

    asyncio.run(main())
    root = expected.removesuffix("/workflows/executions/exec_1")
    assert [str(request.url) for request in recorder.requests] == [expected, f"{root}/workflows?limit=1", expected]


def test_a_url_of_another_origin_keeps_its_path() -> None:
    recorder = Recorder()
    with EigenpalClient(
        api_key=API_KEY, base_url="https://api.eigenpal.com", transport=httpx.MockTransport(recorder)
    ) as client:
        client._http.get("https://storage.example.test/api/v1/blob")
    assert str(recorder.last.url) == "https://storage.example.test/api/v1/blob"


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_names_its_location(status: int) -> None:
    location = "https://api.eigenpal.com/v1/workflows/executions/exec_1?signature=s3cr3t"
    client = make_client(respond(status, headers={"Location": location}, text="<html>moved</html>"))
    with pytest.raises(EigenpalError) as info:
        client.workflows.executions.get("exec_1")
    message = str(info.value)
    assert f"a redirect (status {status}) to https://api.eigenpal.com/v1/workflows/executions/exec_1," in message
    assert "set base_url to that address" in message
    assert "s3cr3t" not in message
    assert "app.eigenpal.com" not in message


def test_a_relative_redirect_is_named_as_an_absolute_url() -> None:
    client = make_client(respond(308, headers={"Location": "/v1/workflows"}))
    with pytest.raises(EigenpalError) as info:
        client.workflows.list()
    assert "to https://eigenpal.test/v1/workflows, which this client does not follow" in str(info.value)


@pytest.mark.parametrize("key", [None, "eg live key"])
def test_api_key_guidance_names_studio_and_the_key_form(key: str | None) -> None:
    with pytest.raises(ValueError, match="api_key") as info:
        EigenpalClient(api_key=key, base_url=BASE_URL, transport=httpx.MockTransport(api_response))
    assert "studio.eigenpal.com → Settings → API Keys" in str(info.value)
    assert "eig_live_..." in str(info.value)
    assert "app.eigenpal.com" not in str(info.value)


def test_base_url_falls_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGENPAL_BASE_URL", "http://127.0.0.1:8123/api/v1/")
    recorder = Recorder()
    client = EigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(recorder))
    client.workflows.executions.get("exec_1")
    assert str(recorder.last.url) == "http://127.0.0.1:8123/api/v1/workflows/executions/exec_1"


def test_base_url_argument_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGENPAL_BASE_URL", "https://env.test")
    recorder = Recorder()
    client = make_client(recorder)
    client.workflows.executions.get("exec_1")
    assert recorder.last.url.host == "eigenpal.test"


@pytest.mark.parametrize(
    "base_url",
    [BASE_URL, f"{BASE_URL}/", f"{BASE_URL}/api/v1", f"{BASE_URL}/api/v1/", f"  {BASE_URL}/api/v1/  "],
)
def test_base_url_variants_reach_api_v1_exactly_once(base_url: str) -> None:
    recorder = Recorder()
    client = make_client(recorder, base_url=base_url)
    client.workflows.executions.get("exec_1")
    client.workflows.list()
    urls = [str(request.url) for request in recorder.requests]
    assert urls == [EXECUTION_URL, f"{BASE_URL}/api/v1/workflows?limit=50"]
    assert all(url.count("/api/v1") == 1 for url in urls)


def test_base_url_with_a_path_prefix_keeps_it() -> None:
    recorder = Recorder()
    client = make_client(recorder, base_url=f"{BASE_URL}/proxy/eigenpal/api/v1/")
    client.workflows.executions.get("exec_1")
    assert recorder.last.url.path == "/proxy/eigenpal/api/v1/workflows/executions/exec_1"


@pytest.mark.parametrize(
    "base_url", ["ftp://eigenpal.test", "app.eigenpal.com", "", "file:///etc/passwd", "https://", "mailto:x@y.z"]
)
def test_non_http_base_url_is_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        EigenpalClient(api_key=API_KEY, base_url=base_url, transport=httpx.MockTransport(api_response))


def test_non_http_base_url_from_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGENPAL_BASE_URL", "eigenpal.test/api/v1")
    with pytest.raises(ValueError, match="base_url"):
        EigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(api_response))


# --- timeouts ---------------------------------------------------------------------------------------------


def test_client_timeout_reaches_the_request() -> None:
    recorder = Recorder()
    client = make_client(recorder, request_timeout_seconds=12.5)
    client.workflows.executions.get("exec_1")
    client.workflows.list()
    assert [read_timeout(request) for request in recorder.requests] == [12.5, 12.5]


def test_default_timeout_is_sixty_seconds_with_shorter_connect() -> None:
    recorder = Recorder()
    client = make_client(recorder)
    client.workflows.get("wf_1")
    timeouts = recorder.last.extensions["timeout"]
    assert timeouts["read"] == 60.0
    assert timeouts["connect"] == 10.0


def test_per_call_timeout_overrides_client_default() -> None:
    recorder = Recorder()
    client = make_client(recorder, request_timeout_seconds=12.5)
    client.workflows.executions.get("exec_1", request_timeout_seconds=3)
    client.workflows.executions.cancel("exec_1", request_timeout_seconds=4.0)
    client.workflows.get("wf_1", request_timeout_seconds=5)
    client.workflows.list(request_timeout_seconds=6)
    client.workflows.versions("wf_1", request_timeout_seconds=7)
    client.workflows.executions.list("wf_1", request_timeout_seconds=8)
    client.workflows.run("wf_1", request_timeout_seconds=9)
    client.workflows.executions.get("exec_1")
    assert [read_timeout(request) for request in recorder.requests] == [3, 4, 5, 6, 7, 8, 9, 12.5]


@pytest.mark.parametrize("timeout", [None, 0, -1, -0.5, True, "10"])
def test_invalid_client_timeout_is_refused(timeout: Any) -> None:
    with pytest.raises(ValueError, match="timeout_seconds"):
        EigenpalClient(api_key=API_KEY, request_timeout_seconds=timeout, transport=httpx.MockTransport(api_response))


@pytest.mark.parametrize("timeout", [0, -1, True])
def test_invalid_per_call_timeout_is_refused_before_any_request(timeout: Any) -> None:
    recorder = Recorder()
    client = make_client(recorder)
    with pytest.raises(ValueError, match="timeout_seconds"):
        client.workflows.executions.get("exec_1", request_timeout_seconds=timeout)
    with pytest.raises(ValueError, match="timeout_seconds"):
        client.workflows.run("wf_1", request_timeout_seconds=timeout)
    assert recorder.requests == []


def test_held_run_gets_a_read_timeout_longer_than_the_hold() -> None:
    recorder = Recorder()
    client = make_client(recorder)
    client.workflows.run("wf_1", input={"a": 1}, wait_for_completion=60)
    request = recorder.last
    assert request.url.params["wait_for_completion"] == "60"
    timeouts = request.extensions["timeout"]
    assert timeouts["read"] >= 75.0
    # The other phases keep their defaults: only the read waits for the server's hold.
    assert timeouts["connect"] == 10.0
    assert timeouts["write"] == 60.0
    assert timeouts["pool"] == 60.0


def test_held_run_read_timeout_grows_with_a_short_client_timeout() -> None:
    recorder = Recorder()
    client = make_client(recorder, request_timeout_seconds=5)
    client.workflows.run("wf_1", wait_for_completion=30)
    assert read_timeout(recorder.last) >= 30 + 15
    assert recorder.last.extensions["timeout"]["connect"] == 5.0


def test_unheld_run_keeps_the_default_read_timeout() -> None:
    recorder = Recorder()
    client = make_client(recorder)
    client.workflows.run("wf_1")
    assert read_timeout(recorder.last) == 60.0
    assert "wait_for_completion" not in recorder.last.url.params


@pytest.mark.parametrize(("hold", "error"), [(61, ValueError), (-1, ValueError), (True, TypeError), (1.5, TypeError)])
def test_invalid_wait_for_completion_is_refused_before_any_request(hold: Any, error: type[Exception]) -> None:
    recorder = Recorder()
    client = make_client(recorder)
    with pytest.raises(error, match="wait_for_completion"):
        client.workflows.run("wf_1", input={"a": 1}, wait_for_completion=hold)
    assert recorder.requests == []


@pytest.mark.parametrize("max_retries", [-1, True, 1.0])
def test_invalid_max_retries_is_refused(max_retries: Any) -> None:
    with pytest.raises(ValueError, match="max_retries"):
        EigenpalClient(api_key=API_KEY, max_retries=max_retries, transport=httpx.MockTransport(api_response))


# --- headers ----------------------------------------------------------------------------------------------


def test_telemetry_headers_are_sent() -> None:
    recorder = Recorder()
    client = make_client(recorder)
    client.workflows.executions.get("exec_1")
    headers = recorder.last.headers
    version = eigenpal_ext.__version__
    assert headers["X-Eigenpal-Sdk"] == "eigenpal-ext"
    assert headers["X-Eigenpal-Sdk-Version"] == version
    assert headers["X-Eigenpal-Sdk-Runtime"].startswith("python-")
    assert "-" in headers["X-Eigenpal-Sdk-Os"]
    assert headers["User-Agent"].startswith(f"eigenpal-ext/{version} (")
    assert headers["X-Eigenpal-Sdk-Runtime"] in headers["User-Agent"]
    assert headers["X-Eigenpal-Sdk-Os"] in headers["User-Agent"]


def test_default_headers_reach_every_request() -> None:
    recorder = Recorder()
    client = make_client(recorder, default_headers={"X-Team": "billing"})
    client.workflows.list()
    client.workflows.get("wf_1")
    client.workflows.versions("wf_1")
    client.workflows.run("wf_1", input={"a": 1})
    client.workflows.executions.get("exec_1")
    client.workflows.executions.list("wf_1")
    client.workflows.executions.cancel("exec_1")
    assert len(recorder.requests) == 7
    assert all(request.headers.get("X-Team") == "billing" for request in recorder.requests)
    assert all(request.headers["X-Eigenpal-Sdk"] == "eigenpal-ext" for request in recorder.requests)


def test_default_headers_reach_multipart_runs(tmp_path: Any) -> None:
    document = tmp_path / "doc.pdf"
    document.write_bytes(b"%PDF")
    recorder = Recorder()
    client = make_client(recorder, default_headers={"X-Team": "billing"})
    client.workflows.run("wf_1", input={"doc": document})
    assert recorder.last.headers["X-Team"] == "billing"
    assert recorder.last.headers["Authorization"] == f"Bearer {API_KEY}"


def test_default_headers_override_telemetry() -> None:
    recorder = Recorder()
    client = make_client(recorder, default_headers={"User-Agent": "my-app/2.0", "X-Eigenpal-Sdk": "custom"})
    client.workflows.executions.get("exec_1")
    assert recorder.last.headers["User-Agent"] == "my-app/2.0"
    assert recorder.last.headers["X-Eigenpal-Sdk"] == "custom"
    # The ones not overridden are still there.
    assert recorder.last.headers["X-Eigenpal-Sdk-Version"] == eigenpal_ext.__version__


# --- secrecy ----------------------------------------------------------------------------------------------


def test_api_key_not_in_reprs() -> None:
    client = make_client(Recorder())
    assert API_KEY not in repr(client)
    assert API_KEY not in str(client)
    assert API_KEY not in repr(client._settings)
    assert API_KEY not in str(client._settings)
    async_client = AsyncEigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(api_response))
    assert API_KEY not in repr(async_client)
    assert API_KEY not in repr(async_client._settings)


def _echo_key_401(request: httpx.Request) -> httpx.Response:
    echoed = request.headers["Authorization"]
    body = {"issues": [{"field": "<root>", "message": f"invalid key {echoed}", "code": "unauthorized"}]}
    return httpx.Response(401, json=body, headers={"x-request-id": "req_1"})


def _raise_connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"refused while sending {request.headers['Authorization']}", request=request)


def _empty_500(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, text=f"boom {request.headers['Authorization']}")


@pytest.mark.parametrize(
    ("respond", "expected"),
    [
        (_echo_key_401, EigenpalAuthError),
        (_empty_500, EigenpalServerError),
        (_raise_connect_error, EigenpalConnectionError),
    ],
)
def test_api_key_not_in_errors(respond: Handler, expected: type[EigenpalError]) -> None:
    client = make_client(Recorder(respond), max_retries=0)
    with pytest.raises(expected) as info:
        client.workflows.executions.get("exec_1")
    error = info.value
    assert API_KEY not in str(error)
    assert API_KEY not in repr(error)
    assert API_KEY not in error.message
    assert API_KEY not in str(error.args)


def test_api_key_not_in_run_errors() -> None:
    client = make_client(Recorder(_raise_connect_error), max_retries=0)
    with pytest.raises(EigenpalConnectionError) as info:
        client.workflows.run("wf_1", input={"a": 1})
    assert API_KEY not in str(info.value)
    assert API_KEY not in repr(info.value)


def test_api_key_not_in_log_records(caplog: pytest.LogCaptureFixture) -> None:
    answers = iter([httpx.Response(503, text="busy"), httpx.Response(200, json=execution_json())])
    time = FakeTime()
    client = make_client(Recorder(lambda request: next(answers)), time=time)
    with caplog.at_level(logging.DEBUG):
        client.workflows.executions.get("exec_1")
    assert len(time.sleeps) == 1
    ours = [record for record in caplog.records if record.name.startswith("eigenpal_ext")]
    assert ours, "the retry should have been logged"
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
        assert API_KEY not in str(record.args)


# --- lifecycle --------------------------------------------------------------------------------------------


def test_context_manager_closes_the_pool() -> None:
    with EigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(api_response)) as client:
        client.workflows.executions.get("exec_1")
        assert not client.is_closed
    assert client.is_closed


def test_close_closes_the_pool() -> None:
    client = EigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(api_response))
    client.close()
    assert client.is_closed


def test_async_context_manager_and_aclose() -> None:
    async def scenario() -> tuple[bool, bool, bool]:
        async with AsyncEigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(api_response)) as client:
            execution = await client.workflows.executions.get("exec_1")
            open_inside = not client.is_closed
        other = AsyncEigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(api_response))
        await other.aclose()
        return open_inside and execution.execution_id == "exec_1", client.is_closed, other.is_closed

    assert asyncio.run(scenario()) == (True, True, True)


@pytest.mark.parametrize(
    ("key", "argument"),
    [
        ("transport", "transport="),
        ("base_url", "base_url="),
        ("headers", "default_headers="),
        ("timeout", "request_timeout_seconds="),
    ],
)
def test_reserved_httpx_args_are_refused(key: str, argument: str) -> None:
    with pytest.raises(ValueError, match=key) as info:
        EigenpalClient(api_key=API_KEY, httpx_args={key: None})
    assert argument in str(info.value)
    with pytest.raises(ValueError, match=argument):
        AsyncEigenpalClient(api_key=API_KEY, httpx_args={key: None})


def test_other_httpx_args_are_passed_through() -> None:
    hooked: list[str] = []

    def hook(request: httpx.Request) -> None:
        hooked.append(request.url.path)

    recorder = Recorder()
    client = make_client(recorder, httpx_args={"event_hooks": {"request": [hook]}})
    client.workflows.executions.get("exec_1")
    assert hooked == ["/api/v1/workflows/executions/exec_1"]


# --- client.raw -------------------------------------------------------------------------------------------


def test_raw_generated_call_uses_the_same_transport_and_headers() -> None:
    recorder = Recorder()
    client = make_client(recorder)
    result = get_execution.sync("exec_1", client=client.raw)
    assert isinstance(result, Execution)
    assert result.execution_id == "exec_1"
    request = recorder.last
    assert str(request.url) == EXECUTION_URL
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["X-Eigenpal-Sdk"] == "eigenpal-ext"
    assert request.headers["User-Agent"].startswith("eigenpal-ext/")


def test_raw_generated_call_is_retried_by_the_client_transport() -> None:
    answers = iter([httpx.Response(503), httpx.Response(200, json=execution_json())])
    recorder = Recorder(lambda request: next(answers))
    time = FakeTime()
    client = make_client(recorder, time=time)
    result = get_execution.sync("exec_1", client=client.raw)
    assert isinstance(result, Execution)
    assert len(recorder.requests) == 2
    assert len(time.sleeps) == 1


def test_raw_generated_call_async() -> None:
    recorder = Recorder()

    async def scenario() -> object:
        async with AsyncEigenpalClient(
            api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(recorder)
        ) as c:
            return await get_execution.asyncio("exec_1", client=c.raw)

    result = asyncio.run(scenario())
    assert isinstance(result, Execution)
    assert recorder.last.headers["Authorization"] == f"Bearer {API_KEY}"
    assert recorder.last.headers["X-Eigenpal-Sdk"] == "eigenpal-ext"
