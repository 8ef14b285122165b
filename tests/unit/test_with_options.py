"""``client.with_options(...)``: other defaults on the same connection pool, and who closes that pool.

The options are checked on recorded requests (``httpx.MockTransport``). That the pool is shared is checked
where it shows: a small HTTP/1.1 keep-alive server on 127.0.0.1 that counts the TCP connections it accepts.
Requests from a client and its ``with_options`` clients arrive over one connection.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from eigenpal_api.api.workflows import get_workflow

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient, EigenpalServerError
from tests.support import Recorder as AnswerRecorder
from tests.unit.conftest import ClientFactory

API_KEY = "eg_test_with_options_0123456789"
BASE_URL = "https://eigenpal.test"
WORKFLOW = {"id": "wf_1", "name": "extract-invoice", "createdAt": "2026-11-27T03:40:01Z"}


# ----------------------------------------------------------------------------------------------------------------
# Options, on recorded requests


class Recorder:
    def __init__(self, status: int = 200) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status != 200:
            return httpx.Response(self.status, json={"message": "unavailable"})
        return httpx.Response(200, json=WORKFLOW)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def sync_client(recorder: Recorder, **kwargs: Any) -> EigenpalClient:
    client = EigenpalClient(
        api_key=API_KEY,
        base_url=BASE_URL,
        transport=httpx.MockTransport(recorder),
        sleep=lambda seconds: None,
        **kwargs,
    )
    return client


def test_options_apply_to_the_new_client_only() -> None:
    recorder = Recorder()
    with sync_client(recorder, default_headers={"X-Team": "finance"}) as client:
        derived = client.with_options(request_timeout_seconds=7, headers={"x-team": "ops", "X-Trace": "t-1"})
        derived.workflows.get("wf_1")
        sent = recorder.last
        assert sent.headers.get_list("x-team") == ["ops"]  # replaced case-insensitively, not sent twice
        assert sent.headers["x-trace"] == "t-1"
        assert sent.headers["authorization"] == f"Bearer {API_KEY}"
        assert sent.headers["user-agent"].startswith("eigenpal-ext/")  # the telemetry headers stay
        assert sent.extensions["timeout"] == httpx.Timeout(7.0).as_dict()
        assert derived.timeout == httpx.Timeout(7.0)

        client.workflows.get("wf_1")
        sent = recorder.last
        assert sent.headers["x-team"] == "finance"
        assert "x-trace" not in sent.headers
        assert sent.extensions["timeout"]["read"] == 60.0
        assert repr(derived) == repr(client) == f"EigenpalClient(base_url='{BASE_URL}')"


def test_options_apply_to_raw_calls_too() -> None:
    recorder = Recorder()
    with sync_client(recorder) as client:
        derived = client.with_options(request_timeout_seconds=3, headers={"X-Trace": "raw"})
        get_workflow.sync_detailed("wf_1", client=derived.raw)
        assert recorder.last.headers["x-trace"] == "raw"
        assert recorder.last.extensions["timeout"]["read"] == 3.0


def test_unchanged_options_are_inherited_and_chains_accumulate() -> None:
    recorder = Recorder()
    with sync_client(recorder, request_timeout_seconds=12) as client:
        first = client.with_options(headers={"X-A": "1"})
        second = first.with_options(headers={"X-B": "2"}, max_retries=0)
        second.workflows.get("wf_1")
        assert recorder.last.headers["x-a"] == "1"
        assert recorder.last.headers["x-b"] == "2"
        assert recorder.last.extensions["timeout"]["read"] == 12.0


@pytest.mark.parametrize(("max_retries", "attempts"), [(0, 1), (1, 2), (4, 5)])
def test_max_retries_applies_to_the_new_client(max_retries: int, attempts: int) -> None:
    recorder = Recorder(status=503)
    with sync_client(recorder) as client:
        with pytest.raises(EigenpalServerError):
            client.with_options(max_retries=max_retries).workflows.get("wf_1")
        assert len(recorder.requests) == attempts
        recorder.requests.clear()
        with pytest.raises(EigenpalServerError):
            client.workflows.get("wf_1")
        assert len(recorder.requests) == 3  # the parent keeps its default of 2 retries


@pytest.mark.parametrize(
    ("options", "error", "text"),
    [
        ({"request_timeout_seconds": 0}, ValueError, "timeout_seconds must be a positive number"),
        ({"request_timeout_seconds": "5"}, ValueError, "timeout_seconds must be a positive number"),
        ({"max_retries": -1}, ValueError, "max_retries must be an int >= 0"),
        ({"max_retries": True}, ValueError, "max_retries must be an int >= 0"),
        ({"headers": {"Authorization": "Bearer other"}}, ValueError, "headers cannot set Authorization"),
        ({"headers": {"X-A": 1}}, TypeError, "headers must map header names to strings"),
        ({"headers": [("X-A", "1")]}, TypeError, "headers must be a mapping"),
    ],
)
def test_bad_options_fail_before_any_request(options: dict[str, Any], error: type[Exception], text: str) -> None:
    recorder = Recorder()
    async_client = AsyncEigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(recorder))
    for client in (sync_client(recorder), async_client):
        with pytest.raises(error, match=text):
            client.with_options(**options)
    assert recorder.requests == []


# ----------------------------------------------------------------------------------------------------------------
# The shared pool, on a real socket


class CountingServer(ThreadingHTTPServer):
    """Answers every GET with a workflow, keeps connections alive, and counts the connections it accepts."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections = 0
        self.requests: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.statuses: list[int] = []  # answered first, one per request; then 200
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    timeout = 10  # a connection left idle by a test is dropped after this, so no thread lingers
    server: CountingServer

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests.append({name.lower(): value for name, value in self.headers.items()})
            self.server.paths.append(self.path)
            status = self.server.statuses.pop(0) if self.server.statuses else 200
        body = json.dumps(WORKFLOW if status == 200 else {"message": "try again"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[CountingServer]:
    counting = CountingServer()
    thread = threading.Thread(target=counting.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield counting
    finally:
        counting.shutdown()
        counting.server_close()
        thread.join(timeout=5)


def test_with_options_clients_share_the_connection_pool(server: CountingServer) -> None:
    client = EigenpalClient(api_key=API_KEY, base_url=server.base_url)
    fast = client.with_options(request_timeout_seconds=5, max_retries=0, headers={"X-Trace": "fast"})
    traced = fast.with_options(headers={"X-Trace": "second"})
    try:
        client.workflows.get("wf_1")
        fast.workflows.get("wf_1")
        traced.workflows.get("wf_1")
        client.workflows.get("wf_1")
        assert server.connections == 1  # four requests from three clients, over one kept-alive connection
        assert [request.get("x-trace") for request in server.requests] == [None, "fast", "second", None]
        assert fast._pool is client._pool
        assert traced._pool is client._pool
    finally:
        client.close()


def test_closing_a_with_options_client_leaves_the_pool_open(server: CountingServer) -> None:
    with EigenpalClient(api_key=API_KEY, base_url=server.base_url) as client:
        client.workflows.get("wf_1")
        with client.with_options(request_timeout_seconds=5) as derived:
            derived.workflows.get("wf_1")
        assert server.connections == 1
        client.workflows.get("wf_1")  # the parent still works, on the same open connection
        assert server.connections == 1
        assert len(server.requests) == 3
        with pytest.raises(RuntimeError, match="closed"):
            derived.workflows.get("wf_1")  # the closed client itself is closed, as any closed client


def test_closing_the_owner_closes_the_pool_for_its_with_options_clients(server: CountingServer) -> None:
    client = EigenpalClient(api_key=API_KEY, base_url=server.base_url)
    derived = client.with_options(max_retries=0).with_options(request_timeout_seconds=5)
    derived.workflows.get("wf_1")
    client.close()
    with pytest.raises(RuntimeError, match=r"made with with_options\(\) from a client that has been closed"):
        derived.workflows.get("wf_1")
    assert len(server.requests) == 1
    derived.close()  # still safe


def test_async_with_options_clients_share_the_connection_pool(server: CountingServer) -> None:
    async def scenario() -> None:
        async with AsyncEigenpalClient(api_key=API_KEY, base_url=server.base_url) as client:
            await client.workflows.get("wf_1")
            async with client.with_options(request_timeout_seconds=5, headers={"X-Trace": "async"}) as derived:
                await derived.workflows.get("wf_1")
                assert derived._pool is client._pool
            await client.workflows.get("wf_1")  # closing the derived client left the pool open
            assert server.connections == 1
            assert [request.get("x-trace") for request in server.requests] == [None, "async", None]
            orphan = client.with_options(max_retries=0)
        with pytest.raises(RuntimeError, match="from a client that has been closed"):
            await orphan.workflows.get("wf_1")
        await orphan.aclose()

    asyncio.run(scenario())


def test_async_options_apply() -> None:
    recorder = Recorder(status=503)

    async def scenario() -> None:
        async def no_sleep(seconds: float) -> None:
            return None

        client = AsyncEigenpalClient(
            api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(recorder), sleep=no_sleep
        )
        async with client:
            derived = client.with_options(max_retries=0, request_timeout_seconds=4, headers={"X-Trace": "a"})
            with pytest.raises(EigenpalServerError):
                await derived.workflows.get("wf_1")
            assert len(recorder.requests) == 1
            assert recorder.last.headers["x-trace"] == "a"
            assert recorder.last.extensions["timeout"]["read"] == 4.0

    asyncio.run(scenario())


# ----------------------------------------------------------------------------------------------------------------
# Connection arguments in httpx_args configure the shared pool (and so reach with_options clients)


def test_a_proxy_goes_through_retries_and_is_shared_by_with_options(server: CountingServer) -> None:
    # The counting server plays the proxy: httpx sends it absolute-form requests for the (never resolved) host.
    server.statuses = [503]
    client = EigenpalClient(
        api_key=API_KEY, base_url="http://eigenpal.invalid", httpx_args={"proxy": server.base_url},
        sleep=lambda seconds: None,
    )  # fmt: skip
    with client:
        assert client.workflows.get("wf_1").id == "wf_1"  # the 503 was retried: the proxy is behind the retries
        client.with_options(request_timeout_seconds=5).workflows.get("wf_1")
    assert server.paths == ["http://eigenpal.invalid/api/v1/workflows/wf_1"] * 3
    assert server.connections == 1


def test_connection_arguments_configure_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded: dict[str, Any] = {}

    class RecordingTransport(httpx.HTTPTransport):
        def __init__(self, **kwargs: Any) -> None:
            recorded.update(kwargs)
            super().__init__(**kwargs)

    monkeypatch.setattr(httpx, "HTTPTransport", RecordingTransport)
    limits = httpx.Limits(max_connections=3)
    EigenpalClient(api_key=API_KEY, httpx_args={"limits": limits, "verify": False, "http1": True}).close()
    # Before, httpx.Client dropped these silently: it applies them only to a transport it builds itself.
    assert recorded == {"limits": limits, "verify": False, "http1": True}


def test_connection_arguments_with_a_custom_transport_are_refused() -> None:
    mock = httpx.MockTransport(Recorder())
    with pytest.raises(ValueError, match=r"httpx_args\['verify'\] configures the connections, which transport="):
        EigenpalClient(api_key=API_KEY, transport=mock, httpx_args={"verify": False})
    EigenpalClient(api_key=API_KEY, transport=mock, httpx_args={"trust_env": False}).close()  # httpx.Client's too


def test_is_closed_says_whether_a_client_can_still_send(any_client: ClientFactory) -> None:
    owner = any_client(AnswerRecorder())
    borrower = owner.with_options(max_retries=0)
    other = owner.with_options(max_retries=1)
    assert (owner.is_closed, borrower.is_closed, other.is_closed) == (False, False, False)
    borrower.close()
    assert (owner.is_closed, borrower.is_closed, other.is_closed) == (False, True, False)  # its own httpx client only
    owner.close()
    assert (owner.is_closed, other.is_closed) == (True, True)  # the pool it borrowed is gone
