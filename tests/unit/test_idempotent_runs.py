"""Runs carry an Idempotency-Key, and are retried after an ambiguous failure only when the server honours it.

A server honours the key when it echoes it back (the local server does; EigenPal 0.4.12 documents no
such header). Until then, a run that may have reached the server is never sent twice.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from eigenpal_ext import EigenpalClient, EigenpalConnectionError, EigenpalServerError

RUN_PATH = "/api/v1/workflows/echo/run"
Handler = Callable[[httpx.Request], httpx.Response]


def scripted(*steps: str, echo: bool) -> tuple[Handler, list[httpx.Request]]:
    """A run endpoint answering, attempt by attempt: 'drop' (connection lost after sending), '503', '201'."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = steps[min(len(seen), len(steps)) - 1]
        headers = {"Idempotency-Key": request.headers["Idempotency-Key"]} if echo else {}
        if step == "drop":
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")
        if step == "503":
            return httpx.Response(503, json={"issues": [], "requestId": "r"}, headers=headers)
        return httpx.Response(201, json={"executionId": "exec_1"}, headers=headers)

    return handler, seen


def client_for(handler: Handler, **kwargs: object) -> EigenpalClient:
    client = EigenpalClient(
        api_key="k" * 12,
        transport=httpx.MockTransport(handler),
        sleep=lambda seconds: None,
        **kwargs,  # type: ignore[arg-type]
    )
    return client


def test_every_run_carries_a_fresh_key_and_retries_reuse_it() -> None:
    handler, seen = scripted("503", "201", echo=True)
    with client_for(handler) as client:
        client.workflows.run("echo", {"a": 1})
        client.workflows.run("echo", {"a": 2})
    keys = [request.headers["Idempotency-Key"] for request in seen]
    assert len(keys) == 3
    assert keys[0] == keys[1]  # the retry of the first run
    assert keys[2] != keys[0]  # the second run
    assert all(len(key) == 32 for key in keys)


def test_a_caller_can_choose_the_key() -> None:
    handler, seen = scripted("201", echo=False)
    with client_for(handler) as client:
        client.workflows.run("echo", {"a": 1}, idempotency_key="order-42")
    assert seen[0].headers["Idempotency-Key"] == "order-42"


def test_without_an_echo_a_5xx_run_is_not_retried() -> None:
    handler, seen = scripted("503", "201", echo=False)
    with client_for(handler) as client, pytest.raises(EigenpalServerError):
        client.workflows.run("echo", {"a": 1})
    assert len(seen) == 1


def test_an_echo_on_the_failing_answer_itself_makes_the_retry_safe() -> None:
    handler, seen = scripted("503", "201", echo=True)
    with client_for(handler) as client:
        assert client.workflows.run("echo", {"a": 1}).execution_id == "exec_1"
    assert len(seen) == 2


def test_a_lost_answer_is_retried_once_the_server_has_shown_it_honours_keys() -> None:
    handler, seen = scripted("201", "drop", "201", echo=True)
    with client_for(handler) as client:
        client.workflows.run("echo", {"a": 1})  # learns from the echo
        assert client.workflows.run("echo", {"a": 2}).execution_id == "exec_1"
    assert len(seen) == 3
    assert seen[1].headers["Idempotency-Key"] == seen[2].headers["Idempotency-Key"]


def test_a_lost_answer_is_reported_when_the_server_never_echoed() -> None:
    handler, seen = scripted("201", "drop", "201", echo=False)
    with client_for(handler) as client:
        client.workflows.run("echo", {"a": 1})
        with pytest.raises(EigenpalConnectionError) as raised:
            client.workflows.run("echo", {"a": 2})
    assert len(seen) == 2
    assert raised.value.execution_may_exist
    assert "executions.list('echo'" in str(raised.value)


def test_idempotent_runs_false_ignores_the_echo() -> None:
    handler, seen = scripted("503", "201", echo=True)
    with client_for(handler, idempotent_runs=False) as client, pytest.raises(EigenpalServerError):
        client.workflows.run("echo", {"a": 1})
    assert len(seen) == 1


def test_idempotent_runs_true_retries_from_the_first_run() -> None:
    handler, seen = scripted("drop", "201", echo=False)
    with client_for(handler, idempotent_runs=True) as client:
        assert client.workflows.run("echo", {"a": 1}).execution_id == "exec_1"
    assert len(seen) == 2
