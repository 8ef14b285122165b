"""The retry policy as users see it: which requests are sent again, how often, and after how long.

Attempts are counted in the mock transport; sleeps are recorded through the client's ``sleep=`` argument (never
slept). Tests that take ``retrying`` run on the sync client and on the async one (``tests/unit/conftest.py``).
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import io
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from eigenpal_api.models import StartedExecution

from eigenpal_ext import (
    AsyncEigenpalClient,
    EigenpalAPIError,
    EigenpalAuthError,
    EigenpalClient,
    EigenpalConnectionError,
    EigenpalError,
    EigenpalForbiddenError,
    EigenpalNotFoundError,
    EigenpalRateLimitError,
    EigenpalServerError,
    EigenpalTimeoutError,
    EigenpalValidationError,
)
from tests.support import FakeTime
from tests.unit.conftest import ClientFactory

API_KEY = "eg_test_key_0123456789abcdef"
BASE = "https://eigenpal.test"
EXECUTION = {"executionId": "exec_1", "status": "running", "createdAt": "2026-05-09T12:00:00Z"}
CANCELLED = {"executionId": "exec_1", "status": "cancelled", "wasStatus": "pending"}
Outcome = httpx.Response | type[httpx.TransportError]
Handler = Callable[[httpx.Request], httpx.Response]


class Script:
    """A MockTransport handler that plays ``outcomes`` in order (a response, or an httpx error class to raise)
    and then keeps answering with ``final``."""

    def __init__(self, outcomes: Iterable[Outcome], final: Outcome | None = None) -> None:
        self.outcomes = list(outcomes)
        self.final = final
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.outcomes.pop(0) if self.outcomes else self.final
        assert outcome is not None, "more attempts than the test scripted"
        if isinstance(outcome, httpx.Response):
            return outcome
        raise outcome("scripted failure", request=request)

    @property
    def attempts(self) -> int:
        return len(self.requests)


def ok_execution() -> httpx.Response:
    return httpx.Response(200, json=EXECUTION)


def created() -> httpx.Response:
    return httpx.Response(201, json={"executionId": "exec_1"})


def status(code: int, **kwargs: Any) -> httpx.Response:
    return httpx.Response(code, **kwargs)


Retrying = Callable[..., tuple[EigenpalClient, list[float]]]


@pytest.fixture
def retrying(any_client: ClientFactory) -> Retrying:
    """``retrying(script, **options)``: a client (sync, then async) answered by ``script``, and its sleeps."""

    def make(script: Handler, **options: Any) -> tuple[EigenpalClient, list[float]]:
        time = FakeTime()
        return any_client(script, time=time, api_key=API_KEY, base_url=BASE, **options), time.sleeps

    return make


# --- counts -----------------------------------------------------------------------------------------------


def test_default_max_retries_is_two(retrying: Retrying) -> None:
    client, _ = retrying(Script([]))
    assert client._settings.retry.max_retries == 2


def test_get_succeeds_after_two_503s(retrying: Retrying) -> None:
    script = Script([status(503), status(503), ok_execution()])
    client, sleeps = retrying(script)
    execution = client.workflows.executions.get("exec_1")
    assert execution.execution_id == "exec_1"
    assert script.attempts == 3
    assert len(sleeps) == 2


def test_get_gives_up_after_three_attempts(retrying: Retrying) -> None:
    script = Script([], final=status(503))
    client, sleeps = retrying(script)
    with pytest.raises(EigenpalServerError) as info:
        client.workflows.executions.get("exec_1")
    assert info.value.status == 503
    assert script.attempts == 3
    assert len(sleeps) == 2


def test_max_retries_zero_means_one_attempt(retrying: Retrying) -> None:
    script = Script([], final=status(503))
    client, sleeps = retrying(script, max_retries=0)
    with pytest.raises(EigenpalServerError):
        client.workflows.executions.get("exec_1")
    assert script.attempts == 1
    assert sleeps == []


def test_max_retries_is_configurable_upwards(retrying: Retrying) -> None:
    script = Script([status(502)] * 4, final=ok_execution())
    client, sleeps = retrying(script, max_retries=4)
    client.workflows.executions.get("exec_1")
    assert script.attempts == 5
    assert len(sleeps) == 4


# --- what a GET retries on --------------------------------------------------------------------------------

RETRIED_FAILURES: list[Outcome] = [
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    status(408),
    status(429),
    status(500),
    status(502),
    status(503),
    status(504),
]


def _outcome_id(outcome: Outcome) -> str:
    return str(outcome.status_code) if isinstance(outcome, httpx.Response) else outcome.__name__


@pytest.mark.parametrize("failure", RETRIED_FAILURES, ids=_outcome_id)
def test_get_is_retried_on_transient_failures(failure: Outcome, retrying: Retrying) -> None:
    script = Script([failure], final=ok_execution())
    client, sleeps = retrying(script)
    assert client.workflows.executions.get("exec_1").execution_id == "exec_1"
    assert script.attempts == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (400, EigenpalValidationError),
        (401, EigenpalAuthError),
        (403, EigenpalForbiddenError),
        (404, EigenpalNotFoundError),
        (409, EigenpalAPIError),
        (501, EigenpalServerError),
    ],
)
def test_get_is_not_retried_on_client_errors(code: int, expected: type[EigenpalError], retrying: Retrying) -> None:
    script = Script([], final=status(code, json={"issues": []}))
    client, sleeps = retrying(script)
    with pytest.raises(expected):
        client.workflows.executions.get("exec_1")
    assert script.attempts == 1
    assert sleeps == []


@pytest.mark.parametrize("failure", [status(503), httpx.ConnectError, httpx.ReadTimeout], ids=_outcome_id)
def test_list_get_versions_are_retried(failure: Outcome, retrying: Retrying) -> None:
    listing = status(200, json={"data": [], "total": 0, "limit": 50, "offset": 0})
    workflow = status(200, json={"id": "wf_1", "createdAt": "2026-05-09T12:00:00Z"})
    script = Script([failure, listing, failure, workflow, failure, listing, failure, listing])
    client, sleeps = retrying(script)
    client.workflows.list()
    client.workflows.get("wf_1")
    client.workflows.versions("wf_1")
    client.workflows.executions.list("wf_1")
    assert script.attempts == 8
    assert len(sleeps) == 4


# --- cancel is idempotent ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [status(503), status(500), status(429), httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ConnectError],
    ids=_outcome_id,
)
def test_cancel_is_retried_like_a_get(failure: Outcome, retrying: Retrying) -> None:
    script = Script([failure], final=status(200, json=CANCELLED))
    client, sleeps = retrying(script)
    assert str(client.workflows.executions.cancel("exec_1").status) == "cancelled"
    assert script.attempts == 2
    assert all(request.method == "POST" for request in script.requests)
    assert len(sleeps) == 1


def test_cancel_gives_up_after_three_attempts(retrying: Retrying) -> None:
    script = Script([], final=httpx.ReadTimeout)
    client, _ = retrying(script)
    with pytest.raises(EigenpalTimeoutError) as info:
        client.workflows.executions.cancel("exec_1")
    assert info.value.execution_id == "exec_1"
    assert script.attempts == 3


def test_cancel_with_slash_in_id_is_retried(retrying: Retrying) -> None:
    # The cancel route is recognised on the path as sent: "exec/1" travels as exec%2F1.
    script = Script([status(503)], final=status(200, json=CANCELLED))
    client, _ = retrying(script)
    client.workflows.executions.cancel("exec/1")
    assert script.requests[0].url.raw_path == b"/api/v1/workflows/executions/exec%2F1/cancel"
    assert script.attempts == 2


# --- runs: retried only when they certainly did not reach the server --------------------------------------


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, status(429)],
    ids=_outcome_id,
)
def test_run_is_retried_when_it_did_not_reach_the_server(failure: Outcome, retrying: Retrying) -> None:
    script = Script([failure], final=created())
    client, sleeps = retrying(script)
    result = client.workflows.run("wf_1", input={"a": 1})
    assert isinstance(result, StartedExecution)
    assert result.execution_id == "exec_1"
    assert script.attempts == 2
    assert len(sleeps) == 1
    assert script.requests[0].content == script.requests[1].content  # the same bytes again
    # httpx < 0.28 writes JSON with spaces after separators, httpx >= 0.28 without: compare the data.
    assert json.loads(script.requests[1].content) == {"input": {"a": 1}}


@pytest.mark.parametrize("failure", [httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError])
def test_run_is_not_retried_after_the_request_may_have_arrived(
    failure: type[httpx.TransportError], retrying: Retrying
) -> None:
    script = Script([], final=failure)
    client, sleeps = retrying(script)
    with pytest.raises((EigenpalConnectionError, EigenpalTimeoutError)) as info:
        client.workflows.run("wf_1", input={"a": 1})
    error = info.value
    assert isinstance(error, EigenpalConnectionError | EigenpalTimeoutError)
    assert script.attempts == 1
    assert sleeps == []
    assert error.execution_may_exist is True
    assert "execution may exist" in str(error)
    assert "executions.list(" in str(error)


@pytest.mark.parametrize("code", [500, 502, 503, 504])
def test_run_is_not_retried_on_5xx(code: int, retrying: Retrying) -> None:
    script = Script([], final=status(code))
    client, sleeps = retrying(script)
    with pytest.raises(EigenpalServerError) as info:
        client.workflows.run("wf_1", input={"a": 1})
    assert info.value.status == code
    assert script.attempts == 1
    assert sleeps == []


def test_run_connect_errors_exhaust_retries_then_raise_without_may_exist_hint(retrying: Retrying) -> None:
    script = Script([], final=httpx.ConnectError)
    client, sleeps = retrying(script)
    with pytest.raises(EigenpalConnectionError) as info:
        client.workflows.run("wf_1", input={"a": 1})
    assert script.attempts == 3
    assert len(sleeps) == 2
    assert info.value.request_sent is False


# --- a retried upload resends the whole file --------------------------------------------------------------


class StreamingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Reads the request body from ``request.stream`` on every attempt, as a real connection does (MockTransport
    caches the first read, which would hide a body that is not replayable); for either client."""

    def __init__(self, statuses: list[httpx.Response]) -> None:
        self.statuses = statuses
        self.bodies: list[bytes] = []
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        self.bodies.append(b"".join(request.stream))
        self.requests.append(request)
        return self.statuses.pop(0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        self.bodies.append(b"".join([chunk async for chunk in request.stream]))
        self.requests.append(request)
        return self.statuses.pop(0)


def file_parts(content_type: str, body: bytes) -> dict[str, bytes]:
    raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    parts: dict[str, bytes] = {}
    for part in message.iter_parts():
        assert isinstance(part, EmailMessage)
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str)
        assert isinstance(payload, bytes)
        parts[name] = payload
    return parts


FILE_BYTES = bytes(range(256)) * 1024 + b"\r\n--+++\r\n\x00end"  # several 64 KiB chunks


def _upload_inputs(tmp_path: Path, kind: str) -> dict[str, Any]:
    path = tmp_path / "scan.pdf"
    path.write_bytes(FILE_BYTES)
    if kind == "path":
        return {"scan": path, "n": 1}
    if kind == "bytesio":
        return {"scan": io.BytesIO(FILE_BYTES), "n": 1}
    return {"scan": {"content": FILE_BYTES, "filename": "scan.pdf"}, "n": 1}


def run_through(transport: StreamingTransport, client_kind: str, inputs: dict[str, Any], sleeps: list[float]) -> str:
    """``workflows.run("wf_1", inputs)`` on the sync or the async client over ``transport``; the execution id."""
    if client_kind == "sync":
        with EigenpalClient(api_key=API_KEY, base_url=BASE, transport=transport, sleep=sleeps.append) as client:
            return client.workflows.run("wf_1", input=inputs).execution_id

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def main() -> str:
        async with AsyncEigenpalClient(
            api_key=API_KEY, base_url=BASE, transport=transport, sleep=record_sleep
        ) as client:
            return (await client.workflows.run("wf_1", input=inputs)).execution_id

    return asyncio.run(main())


@pytest.mark.parametrize("client_kind", ["sync", "async"])
@pytest.mark.parametrize("kind", ["path", "bytesio", "content"])
def test_retried_upload_streams_the_whole_file_twice(tmp_path: Path, kind: str, client_kind: str) -> None:
    transport = StreamingTransport([status(429, headers={"Retry-After": "0"}), created()])
    sleeps: list[float] = []
    assert run_through(transport, client_kind, _upload_inputs(tmp_path, kind), sleeps) == "exec_1"
    assert sleeps == [0.0]
    assert len(transport.bodies) == 2
    content_type = transport.requests[0].headers["content-type"]
    for body in transport.bodies:
        parts = file_parts(content_type, body)
        assert parts["scan"] == FILE_BYTES
        assert parts["_json"] == b'{"input":{"n":1}}'
    assert transport.bodies[0] == transport.bodies[1]


def test_retried_upload_through_mock_transport(tmp_path: Path, retrying: Retrying) -> None:
    script = Script([status(429, headers={"Retry-After": "0"})], final=created())
    client, _ = retrying(script)
    client.workflows.run("wf_1", input=_upload_inputs(tmp_path, "path"))
    assert script.attempts == 2
    for request in script.requests:
        assert file_parts(request.headers["content-type"], request.content)["scan"] == FILE_BYTES


# --- delays -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "expected"), [("2", 2.0), ("1.5", 1.5), ("0", 0.0), (" 3 ", 3.0)])
def test_retry_after_seconds_is_honoured(header: str, expected: float, retrying: Retrying) -> None:
    script = Script([status(429, headers={"Retry-After": header})], final=ok_execution())
    client, sleeps = retrying(script)
    client.workflows.executions.get("exec_1")
    assert sleeps == [expected]


def test_retry_after_on_503_is_honoured(retrying: Retrying) -> None:
    script = Script([status(503, headers={"Retry-After": "4"})], final=ok_execution())
    client, sleeps = retrying(script)
    client.workflows.executions.get("exec_1")
    assert sleeps == [4.0]


def test_retry_after_http_date_is_honoured(retrying: Retrying) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    script = Script([status(429, headers={"Retry-After": format_datetime(when, usegmt=True)})], final=ok_execution())
    client, sleeps = retrying(script)
    client.workflows.executions.get("exec_1")
    assert len(sleeps) == 1
    assert 25.0 <= sleeps[0] <= 30.0


def test_retry_after_http_date_in_the_past_does_not_sleep_negative(retrying: Retrying) -> None:
    when = datetime.now(UTC) - timedelta(seconds=30)
    script = Script([status(429, headers={"Retry-After": format_datetime(when, usegmt=True)})], final=ok_execution())
    client, sleeps = retrying(script)
    client.workflows.executions.get("exec_1")
    assert len(sleeps) == 1
    assert sleeps[0] >= 0.0


def test_retry_after_above_cap_is_not_waited_out(retrying: Retrying) -> None:
    script = Script([status(429, headers={"Retry-After": "3600"})], final=ok_execution())
    client, sleeps = retrying(script)
    with pytest.raises(EigenpalRateLimitError) as info:
        client.workflows.executions.get("exec_1")
    assert info.value.retry_after == 3600.0
    assert script.attempts == 1
    assert sleeps == []


def test_retry_after_on_run_is_honoured(retrying: Retrying) -> None:
    script = Script([status(429, headers={"Retry-After": "1.5"})], final=created())
    client, sleeps = retrying(script)
    client.workflows.run("wf_1", input={"a": 1})
    assert sleeps == [1.5]


@pytest.mark.parametrize("header", ["soon", "-5", "nan"])
def test_unparsable_retry_after_falls_back_to_backoff(header: str, retrying: Retrying) -> None:
    script = Script([status(429, headers={"Retry-After": header})], final=ok_execution())
    client, sleeps = retrying(script)
    client.workflows.executions.get("exec_1")
    assert len(sleeps) == 1
    assert 0.25 <= sleeps[0] <= 0.5


def _check_backoff(sleeps: list[float]) -> None:
    bounds = [min(0.5 * 2**n, 8.0) for n in range(len(sleeps))]
    assert bounds == sorted(bounds)
    for delay, bound in zip(sleeps, bounds, strict=True):
        assert 0.5 * bound <= delay <= bound, (delay, bound)


def test_backoff_is_exponential_with_jitter_within_bounds(retrying: Retrying) -> None:
    script = Script([], final=status(503))
    client, sleeps = retrying(script, max_retries=5)
    with pytest.raises(EigenpalServerError):
        client.workflows.executions.get("exec_1")
    assert script.attempts == 6
    assert len(sleeps) == 5
    _check_backoff(sleeps)


def test_backoff_is_capped(retrying: Retrying) -> None:
    script = Script([], final=httpx.ConnectError)
    client, sleeps = retrying(script, max_retries=8)
    with pytest.raises(EigenpalConnectionError):
        client.workflows.executions.get("exec_1")
    assert len(sleeps) == 8
    _check_backoff(sleeps)
    assert all(delay <= 8.0 for delay in sleeps)
    assert max(sleeps[5:]) >= 4.0  # the late retries sit at the cap's [50 %, 100 %] band


def test_backoff_grows_across_many_samples(retrying: Retrying) -> None:
    firsts: list[float] = []
    lasts: list[float] = []
    for _ in range(20):
        script = Script([], final=status(503))
        client, sleeps = retrying(script, max_retries=3)
        with pytest.raises(EigenpalServerError):
            client.workflows.executions.get("exec_1")
        _check_backoff(sleeps)
        firsts.append(sleeps[0])
        lasts.append(sleeps[-1])
    assert max(firsts) < min(lasts)  # 0.5 s band vs 2 s band: never overlapping
    assert len(set(firsts)) > 1  # jittered, not a fixed delay
