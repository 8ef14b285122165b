"""Runs carry an Idempotency-Key, and are sent again after an ambiguous failure only as far as the client
knows the server honours it (issue 15, item 1; the end-to-end tests are tests/e2e/test_e2e_key_inference.py).

Declared (``idempotent_runs=True``): every resend. Inferred from a *successful* run answer that echoes the
key (the local server does; EigenPal documents no such header): only recoveries, i.e. a run whose answer
was lost, sent again with its key and no hold. Until then, or with ``idempotent_runs=False``, a run that
may have reached the server is never sent twice; an echo on an error answer proves nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from eigenpal_ext import EigenpalClient, EigenpalConnectionError, EigenpalServerError
from eigenpal_ext._idempotency import KeyKnowledge, Resend, resend_after_lost_answer

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
    with client_for(handler, idempotent_runs=True) as client:
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


def test_an_echo_on_a_failing_answer_proves_nothing() -> None:
    """A gateway may echo request headers on its own 502: the run is not sent again, and the error says an
    execution may exist (today's bug: three executions, none reported)."""
    handler, seen = scripted("503", "201", echo=True)
    with client_for(handler) as client:
        with pytest.raises(EigenpalServerError) as raised:
            client.workflows.run("echo", {"a": 1})
        assert client.keys_honoured is False
    assert len(seen) == 1
    assert raised.value.execution_may_exist is True
    assert raised.value.workflow_id == "echo"


def test_an_inferred_honour_does_not_retry_a_run_answered_5xx() -> None:
    handler, seen = scripted("201", "503", "201", echo=True)
    with client_for(handler) as client:
        client.workflows.run("echo", {"a": 1})
        assert client.keys_honoured is True
        with pytest.raises(EigenpalServerError) as raised:
            client.workflows.run("echo", {"a": 2})
    assert len(seen) == 2
    assert raised.value.execution_may_exist is True


def test_an_inferred_honour_recovers_a_cut_hold_with_the_same_key_and_no_hold() -> None:
    handler, seen = scripted("201", "drop", "201", echo=True)
    with client_for(handler) as client:
        client.workflows.run("echo", {"a": 1})
        handle = client.workflows.run("echo", {"a": 2}, wait_for_completion=30)
    assert handle.execution_id == "exec_1"
    held, recovery = seen[1], seen[2]
    assert held.url.params["wait_for_completion"] == "30"
    assert "wait_for_completion" not in recovery.url.params
    assert recovery.headers["Idempotency-Key"] == held.headers["Idempotency-Key"]
    assert recovery.content == held.content


def test_a_cut_hold_is_not_resent_where_keys_are_not_known_to_be_honoured() -> None:
    handler, seen = scripted("drop", "201", echo=True)
    with client_for(handler) as client, pytest.raises(EigenpalConnectionError) as raised:
        client.workflows.run("echo", {"a": 1}, wait_for_completion=30)
    assert len(seen) == 1
    error = raised.value
    assert (error.execution_may_exist, error.execution_id, error.workflow_id) == (True, None, "echo")
    assert error.created_after is not None
    assert error.created_before is not None
    assert error.created_after < error.created_before


def test_with_options_clients_share_what_is_known() -> None:
    handler, _seen = scripted("201", echo=True)
    with client_for(handler) as client:
        before = client.with_options(max_retries=0)
        assert (client.keys_honoured, before.keys_honoured) == (False, False)
        before.workflows.run("echo", {"a": 1})  # the sibling learns it...
        after = client.with_options(request_timeout_seconds=5)
        assert (client.keys_honoured, before.keys_honoured, after.keys_honoured) == (True, True, True)  # ...all know


@pytest.mark.parametrize(("declared", "expected"), [(True, True), (False, False)])
def test_a_declaration_is_not_changed_by_echoes(declared: bool, expected: bool) -> None:
    handler, _seen = scripted("201", echo=not declared)
    with client_for(handler, idempotent_runs=declared) as client:
        assert client.keys_honoured is expected
        client.workflows.run("echo", {"a": 1})
        assert client.keys_honoured is expected


def test_a_lost_answer_is_recovered_once_the_server_has_shown_it_honours_keys() -> None:
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


# --- KeyKnowledge, the rules as data ---------------------------------------------------------------------------


def run_request(key: str = "k1", **params: str) -> httpx.Request:
    url = httpx.URL("https://x.test/api/v1/workflows/echo/run", params=params)
    return httpx.Request("POST", url, headers={"Idempotency-Key": key})


@pytest.mark.parametrize(
    ("status", "echoed", "learns"),
    [(201, "k1", True), (200, "k1", True), (502, "k1", False), (201, None, False), (201, "other", False)],
)
def test_only_a_successful_run_answer_echoing_the_key_is_evidence(
    status: int, echoed: str | None, learns: bool
) -> None:
    keys = KeyKnowledge(None)
    headers = {"Idempotency-Key": echoed} if echoed else {}
    keys.learn(run_request(), httpx.Response(status, headers=headers))
    assert keys.honoured is learns


@pytest.mark.parametrize(
    ("declared", "learned", "recovery", "optional"),
    [
        (None, False, False, False),
        (None, True, True, False),  # inferred: recoveries only
        (True, False, True, True),  # declared: everything
        (False, True, False, False),  # declared not: nothing, whatever the server echoes
    ],
)
def test_which_resends_each_state_permits(declared: bool | None, learned: bool, recovery: bool, optional: bool) -> None:
    keys = KeyKnowledge(declared)
    if learned:
        keys.learn(run_request(), httpx.Response(201, headers={"Idempotency-Key": "k1"}))
    assert (keys.permits(Resend.RECOVERY), keys.permits(Resend.OPTIONAL)) == (recovery, optional)


@pytest.mark.parametrize("declared", [None, True])
def test_a_duplicate_withdraws_the_inference_and_the_declaration_for_good(declared: bool | None) -> None:
    keys = KeyKnowledge(declared)
    keys.learn(run_request(), httpx.Response(201, headers={"Idempotency-Key": "k1"}))
    keys.withdraw(execution_id="exec_1", duplicate_id="exec_2", workflow_id="echo")
    keys.learn(run_request("k2"), httpx.Response(201, headers={"Idempotency-Key": "k2"}))
    assert keys.honoured is False
    assert keys.withdrawn
    assert not keys.permits(Resend.RECOVERY)
    assert not keys.permits(Resend.OPTIONAL)


def test_a_lost_held_run_is_an_optional_resend_and_an_unheld_one_a_recovery() -> None:
    assert resend_after_lost_answer(run_request(wait_for_completion="30")) is Resend.OPTIONAL
    assert resend_after_lost_answer(run_request()) is Resend.RECOVERY
