"""Every deadline the user sets holds against a server that hangs or trickles (issue 9, client items 1 and 2).

A misbehaving server from ``hostile_server`` runs on 127.0.0.1; each test gives the client a short deadline
(1-2 s) and checks that the call ends with ``EigenpalTimeoutError`` naming that deadline, instead of running
for the client's 10 s per-read timeout (or, for a trickle, as long as the server likes). The elapsed-time
bounds below are the contract under test, checked with a wide margin (3 s over the deadline), not a speed
measurement; the figures are in ``benchmarks/hostile_client.py``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient, EigenpalTimeoutError
from tests.e2e.hostile_server import (
    HostileServer,
    RawRequest,
    answer,
    elapsed,
    execution_status,
    hang,
    routes,
    trickle,
)

KEY = "eg_test_hostile_0123456789"
# The per-read timeout is 10 s: anything that ends within MARGIN of a 1-2 s deadline was cut by the deadline.
CLIENT_TIMEOUT = 10.0
MARGIN = 3.0
RUN = ("POST", "/api/v1/workflows/")
POLL = ("GET", "/api/v1/workflows/executions/")
TRICKLED_STATUS = json.dumps(execution_status("exec_1")).encode()


@pytest.fixture
def hanging() -> Iterator[HostileServer]:
    with HostileServer(hang) as server:
        yield server


def client_for(server: HostileServer, **kwargs: object) -> EigenpalClient:
    return EigenpalClient(api_key=KEY, base_url=server.base_url, request_timeout_seconds=CLIENT_TIMEOUT, **kwargs)  # type: ignore[arg-type]


def async_client_for(server: HostileServer, **kwargs: object) -> AsyncEigenpalClient:
    return AsyncEigenpalClient(api_key=KEY, base_url=server.base_url, request_timeout_seconds=CLIENT_TIMEOUT, **kwargs)  # type: ignore[arg-type]


# --- item 1: the wait deadline covers the trigger ----------------------------------------------------------


@pytest.mark.parametrize("server_hold", [False, True])
def test_run_and_wait_against_a_server_that_never_answers_the_run_ends_at_its_deadline(
    hanging: HostileServer, server_hold: bool
) -> None:
    with client_for(hanging) as client:
        took, error = elapsed(
            lambda: client.workflows.executions.run_and_wait(
                "extract-invoice", input={"n": 1}, timeout_seconds=1.5, server_hold=server_hold
            )
        )

    assert isinstance(error, EigenpalTimeoutError)
    assert took < 1.5 + MARGIN
    assert error.timeout_seconds == pytest.approx(1.5, abs=0.1)
    # The run request was sent and never answered: an execution may exist, and the message says how to find it.
    assert error.execution_may_exist is True
    assert error.execution_id is None
    assert "executions.list('extract-invoice'" in str(error)
    assert [request.method for request in hanging.requests] == ["POST"]


@pytest.mark.parametrize("server_hold", [False, True])
def test_async_run_and_wait_against_a_server_that_never_answers_the_run_ends_at_its_deadline(
    hanging: HostileServer, server_hold: bool
) -> None:
    async def scenario() -> tuple[float, BaseException | None]:
        async with async_client_for(hanging) as client:
            loop = asyncio.get_running_loop()
            started = loop.time()
            try:
                await client.workflows.executions.run_and_wait(
                    "extract-invoice", input={"n": 1}, timeout_seconds=1.5, server_hold=server_hold
                )
            except EigenpalTimeoutError as error:
                return loop.time() - started, error
            return loop.time() - started, None

    took, error = asyncio.run(scenario())

    assert isinstance(error, EigenpalTimeoutError)
    assert took < 1.5 + MARGIN
    assert error.timeout_seconds == pytest.approx(1.5, abs=0.1)
    assert error.execution_may_exist is True
    assert "executions.list('extract-invoice'" in str(error)


def test_a_trigger_that_trickles_its_answer_is_cut_at_the_wait_deadline() -> None:
    behaviour = routes({RUN: trickle(b'{"executionId": "exec_1"}', every=0.3)})
    with HostileServer(behaviour) as server, client_for(server) as client:
        took, error = elapsed(lambda: client.workflows.executions.run_and_wait("extract-invoice", timeout_seconds=1.5))

    assert isinstance(error, EigenpalTimeoutError)
    assert took < 1.5 + MARGIN
    assert error.execution_may_exist is True


def test_polls_that_hang_still_end_the_wait_at_its_deadline() -> None:
    behaviour = routes({RUN: answer(201, {"executionId": "exec_1"}), POLL: hang})
    with HostileServer(behaviour) as server, client_for(server) as client:
        took, error = elapsed(lambda: client.workflows.executions.run_and_wait("extract-invoice", timeout_seconds=1.5))

    assert isinstance(error, EigenpalTimeoutError)
    assert error.execution_id == "exec_1"
    # Polls keep their documented one-second floor: a wait overruns by at most one poll in flight.
    assert took < 1.5 + 1.0 + MARGIN


# --- item 2: a per-request timeout bounds the whole request ------------------------------------------------


def test_get_against_a_body_trickled_a_byte_every_half_second_ends_at_its_timeout() -> None:
    # 100 bytes at 0.5 s each would take 50 s; every single read is quick, so httpx's read timeout never fires.
    with HostileServer(trickle(TRICKLED_STATUS, every=0.5)) as server, client_for(server) as client:
        took, error = elapsed(lambda: client.workflows.executions.get("exec_1", request_timeout_seconds=1.5))

    assert isinstance(error, EigenpalTimeoutError)
    assert took < 1.5 + MARGIN
    assert error.timeout_seconds == pytest.approx(1.5)
    assert "within 1.5s" in error.message
    assert error.execution_id == "exec_1"


def test_headers_trickled_a_byte_at_a_time_cannot_stretch_a_request_either() -> None:
    # The status line and headers arrive byte by byte: no body chunk to check between, only the socket layer.
    with HostileServer(trickle(TRICKLED_STATUS, every=0.2, headers_too=True)) as server, client_for(server) as client:
        took, error = elapsed(lambda: client.workflows.executions.get("exec_1", request_timeout_seconds=1.0))

    assert isinstance(error, EigenpalTimeoutError)
    assert took < 1.0 + MARGIN


def test_the_client_wide_timeout_bounds_a_trickled_request_too() -> None:
    with (
        HostileServer(trickle(TRICKLED_STATUS, every=0.3)) as server,
        EigenpalClient(api_key=KEY, base_url=server.base_url, request_timeout_seconds=1.0, max_retries=0) as client,
    ):
        took, error = elapsed(lambda: client.workflows.executions.get("exec_1"))

    assert isinstance(error, EigenpalTimeoutError)
    assert took < 1.0 + MARGIN


def test_async_get_against_a_trickled_body_ends_at_its_timeout() -> None:
    async def scenario() -> tuple[float, BaseException | None]:
        async with async_client_for(server) as client:
            loop = asyncio.get_running_loop()
            started = loop.time()
            try:
                await client.workflows.executions.get("exec_1", request_timeout_seconds=1.5)
            except EigenpalTimeoutError as error:
                return loop.time() - started, error
            return loop.time() - started, None

    with HostileServer(trickle(TRICKLED_STATUS, every=0.5)) as server:
        took, error = asyncio.run(scenario())

    assert isinstance(error, EigenpalTimeoutError)
    assert took < 1.5 + MARGIN
    assert error.timeout_seconds == pytest.approx(1.5)


def test_retries_of_a_get_share_its_deadline() -> None:
    # Each answer is a quick 503 after 0.4 s: three attempts and their backoff would take longer than 1 s.
    def slow_503(request: RawRequest, conn: object) -> None:
        assert hasattr(conn, "pause")
        conn.pause(0.4)
        answer(503, {"error": "busy"})(request, conn)  # type: ignore[arg-type]

    with (
        HostileServer(slow_503) as server,
        EigenpalClient(api_key=KEY, base_url=server.base_url, max_retries=5) as client,
    ):
        took, error = elapsed(lambda: client.workflows.executions.get("exec_1", request_timeout_seconds=1.0))

    assert error is not None
    assert took < 1.0 + MARGIN
    # Never more attempts than fit in the deadline (5 retries were allowed).
    assert len(server.requests) <= 3


def test_the_raw_generated_client_gets_the_same_deadline() -> None:
    from eigenpal_api.api.executions import get_execution

    with (
        HostileServer(trickle(TRICKLED_STATUS, every=0.5)) as server,
        EigenpalClient(api_key=KEY, base_url=server.base_url, request_timeout_seconds=1.0, max_retries=0) as client,
    ):
        took, error = elapsed(lambda: get_execution.sync("exec_1", client=client.raw))

    assert isinstance(error, httpx.TimeoutException)
    assert took < 1.0 + MARGIN
