"""Tests for waiting on executions: ``executions.run_and_wait`` / ``executions.wait`` on the sync client.

Everything runs on simulated time: the client's ``clock=``/``sleep=`` come from a ``FakeTime`` and the API is a
``FakeApi`` behind ``httpx.MockTransport`` whose answers depend on the fake clock. Nothing sleeps for real.

The schedule figures asserted below follow from the documented rule (``run_and_wait``: first poll 0.7 s
after the trigger, each later delay 1.2x the last, up to ``poll_interval_seconds``, default 1.5 s; ``wait``
polls right away first, and ``run_and_wait`` sleeps 0.7 s and then waits like it). With 0 latency
``run_and_wait``'s polls land at 0.7, 1.4, 2.24, 3.248, 4.4576, 5.90912, 7.40912, then every 1.5 s.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from eigenpal_api.models import Execution
from hypothesis import given, settings
from hypothesis import strategies as st

from eigenpal_ext import (
    TERMINAL_STATUSES,
    EigenpalAPIError,
    EigenpalAuthError,
    EigenpalClient,
    EigenpalNotFoundError,
    EigenpalServerError,
    EigenpalTimeoutError,
    EigenpalValidationError,
    EigenpalWaitTimeoutError,
    ExecutionResult,
    ExecutionStatus,
    is_terminal,
)
from tests.support import FakeApi, FakeTime, raise_, respond
from tests.support import make_client as make_sync_client
from tests.unit.conftest import ClientFactory

BASE_URL = "https://eigenpal.test"
EXECUTION_ID = "exec_1"
RUN_PATH = "/api/v1/workflows/extract-invoice/run"
POLL_PATH = f"/api/v1/workflows/executions/{EXECUTION_ID}"
CANCEL_PATH = f"{POLL_PATH}/cancel"
CREATED_AT = "2026-05-09T12:00:00Z"
RESULT = {"invoice_total": 1234.5, "currency": "EUR"}

# Poll times (seconds after the trigger) that the schedule implies at 0 latency.
SCHEDULE_POLL_TIMES = [0.7, 1.4, 2.24, 3.248, 4.4576, 5.90912, 7.40912, 8.90912, 10.40912, 11.90912]
SCHEDULE_SLEEPS = [0.7, 0.7, 0.84, 1.008, 1.2096, 1.45152, 1.5, 1.5, 1.5, 1.5]
# wait() on an existing execution polls right away, then sleeps 0.7, 0.84, ...
WAIT_POLL_TIMES = [0.0, 0.7, 1.54, 2.548, 3.7576, 5.20912, 6.70912]

Action = Callable[[httpx.Request], httpx.Response]


def sync_client(handler: Any, *, time: FakeTime | None = None, **options: Any) -> EigenpalClient:
    """The sync client alone (for the hypothesis test: a fixture's client would be shared by its examples)."""
    return make_sync_client(handler, time=time, **options)


def fake_api(**options: Any) -> FakeApi:
    """The shared ``FakeApi``, its completed execution carrying ``RESULT``."""
    return FakeApi(**{"terminal_extra": {"result": RESULT}, **options})


def make_client(any_client: ClientFactory, api: FakeApi, **kwargs: Any) -> EigenpalClient:
    """The sync or the async client (``any_client``) on ``api`` and its simulated time."""
    return any_client(api.handler, time=api.time, **kwargs)


def run_and_wait(any_client: ClientFactory, api: FakeApi, **kwargs: Any) -> ExecutionResult:
    with make_client(any_client, api) as client:
        return client.workflows.executions.run_and_wait("extract-invoice", input={"customer": "ACME"}, **kwargs)


def approx_list(values: list[float]) -> Any:
    return pytest.approx(values, abs=1e-9)


# --- the result ---------------------------------------------------------------------------------------------


def test_run_and_wait_returns_a_typed_execution_result_not_a_dict(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=3.0)  # the completed body has no "error" and no "completedAt" key

    result = run_and_wait(any_client, api)

    assert type(result) is ExecutionResult
    assert not isinstance(result, dict)
    assert result.execution_id == EXECUTION_ID
    assert result.status == "completed"
    assert result.status is ExecutionStatus.COMPLETED
    assert result.succeeded is True
    assert result.result == RESULT
    assert result.error is None
    assert type(result.error) is type(None)
    assert type(result.created_at) is datetime
    assert result.created_at == datetime(2026, 5, 9, 12, 0, tzinfo=UTC)
    assert result.completed_at is None
    assert type(result.completed_at) is type(None)
    assert isinstance(result.execution, Execution)


@pytest.mark.parametrize(
    ("extra", "expected_completed_at", "expected_error"),
    [
        ({}, None, None),
        ({"completedAt": None, "error": None, "result": None}, None, None),
        ({"completedAt": "2026-05-09T12:00:03.500Z"}, datetime(2026, 5, 9, 12, 0, 3, 500000, tzinfo=UTC), None),
    ],
    ids=["absent", "null", "present"],
)
def test_completed_at_and_error_are_none_or_real_values_never_unset(
    any_client: ClientFactory, extra: dict[str, Any], expected_completed_at: datetime | None, expected_error: str | None
) -> None:
    api = fake_api(finishes_after=0.5, terminal_extra=extra)

    result = run_and_wait(any_client, api)

    assert result.completed_at == expected_completed_at
    assert type(result.completed_at) is type(expected_completed_at)
    assert result.error is None
    assert type(result.error) is type(None)
    assert result.result is None


@pytest.mark.parametrize(
    ("final_status", "extra"),
    [
        ("failed", {"error": "step parse-contract: unreadable PDF", "completedAt": "2026-05-09T12:00:01Z"}),
        ("cancelled", {"completedAt": "2026-05-09T12:00:01Z"}),
        ("rejected", {}),
    ],
)
def test_failed_cancelled_and_rejected_executions_are_returned_not_raised(
    any_client: ClientFactory, final_status: str, extra: dict[str, Any]
) -> None:
    api = fake_api(finishes_after=1.0, final_status=final_status, terminal_extra=extra)

    result = run_and_wait(any_client, api)

    assert result.status == final_status
    assert result.succeeded is False
    assert result.result is None
    assert result.error == extra.get("error")
    if final_status == "failed":
        assert result.error == "step parse-contract: unreadable PDF"


# --- never losing the execution id ------------------------------------------------------------------------


def test_trigger_is_sent_without_a_server_hold_then_the_execution_is_polled_by_id(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=1.0)

    run_and_wait(any_client, api)

    run = api.sent[0].request
    assert (run.method, run.url.path) == ("POST", RUN_PATH)
    assert "wait_for_completion" not in run.url.params
    assert run.url.params == httpx.QueryParams()
    assert json.loads(run.content) == {"input": {"customer": "ACME"}}
    polls = [s.request for s in api.sent[1:]]
    assert polls, "the execution was never polled"
    for poll in polls:
        assert (poll.method, poll.url.path) == ("GET", POLL_PATH)
        assert "includeSteps" not in poll.url.params


# --- the poll schedule ------------------------------------------------------------------------------------


def test_first_poll_comes_0_7s_after_the_trigger(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=0.0)

    result = run_and_wait(any_client, api)

    assert result.status == "completed"
    assert len(api.sent) == 2
    assert api.sent[1].sleeps_before == 1
    assert api.time.sleeps == [0.7]


def test_sleeps_start_at_0_7_grow_by_1_2_and_cap_at_the_poll_interval(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=None)

    with pytest.raises(EigenpalTimeoutError):
        run_and_wait(any_client, api, timeout_seconds=60.0)

    sleeps = api.time.sleeps
    assert sleeps[:10] == approx_list(SCHEDULE_SLEEPS)
    assert max(sleeps) == 1.5
    # Every sleep after the ramp is the full interval, except the last one, clipped to the deadline.
    assert all(s == 1.5 for s in sleeps[6:-1])
    assert 0 < sleeps[-1] <= 1.5
    assert sum(sleeps) == pytest.approx(60.0)


@pytest.mark.parametrize(
    ("poll_interval", "expected_start"),
    [
        (0.5, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]),
        (
            5.0,
            [
                0.7,
                0.7,
                0.84,
                1.008,
                1.2096,
                1.45152,
                1.741824,
                2.0901888,
                2.50822656,
                3.009871872,
                3.6118462464,
                4.33421549568,
                5.0,
            ],
        ),
        (0.05, [0.05, 0.05, 0.05, 0.05]),
    ],
)
def test_the_cap_is_poll_interval_seconds(
    any_client: ClientFactory, poll_interval: float, expected_start: list[float]
) -> None:
    api = fake_api(finishes_after=None)

    with pytest.raises(EigenpalTimeoutError):
        run_and_wait(any_client, api, timeout_seconds=30.0, poll_interval_seconds=poll_interval)

    assert api.time.sleeps[: len(expected_start)] == approx_list(expected_start)
    assert max(api.time.sleeps) == pytest.approx(poll_interval)


def test_a_3s_execution_is_detected_0_248s_after_it_ends_with_5_requests(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=3.0)

    result = run_and_wait(any_client, api)

    assert result.status == "completed"
    assert api.poll_times == approx_list(SCHEDULE_POLL_TIMES[:4])
    detection_delay = api.time.now - api.finished_at
    # The poll at 2.24 s sees "running"; the next, 1.008 s later at 3.248 s, sees "completed".
    assert detection_delay == pytest.approx(0.248)
    assert len(api.sent) == 5  # 1 trigger + 4 polls (fixed 2 s polling: 1 + 3, seen 1 s after the end)
    assert len(api.polls) == 4


def test_a_0_3s_execution_is_seen_0_4s_after_it_ends_with_2_requests(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=0.3)

    result = run_and_wait(any_client, api)

    assert result.status == "completed"
    # The first poll, at 0.7 s, sees the end: 0.4 s after it. Fixed 2 s polling: 3 requests, 1.7 s after it.
    assert api.time.now - api.finished_at == pytest.approx(0.4)
    assert len(api.sent) == 2


def test_a_120s_execution_polls_every_poll_interval_after_the_ramp(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=120.0)

    result = run_and_wait(any_client, api)

    assert result.status == "completed"
    # 6 ramp polls up to 5.90912 s, then every 1.5 s from 7.40912 s to 121.40912 s (77 polls).
    assert len(api.polls) == 83
    assert len(api.polls) <= 120 / 1.5 + 6
    assert api.time.now - api.finished_at == pytest.approx(1.40912)


def test_a_longer_poll_interval_costs_fewer_requests_on_a_long_run(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=120.0)

    result = run_and_wait(any_client, api, poll_interval_seconds=2.0)

    assert result.status == "completed"
    assert len(api.polls) <= 120 / 2.0 + 6
    assert api.time.now - api.finished_at <= 2.0


# --- the deadline ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("latency", [0.0, 0.05, 0.3])
def test_the_deadline_is_kept_exactly(latency: float) -> None:
    api = fake_api(finishes_after=None, latency=latency)

    with pytest.raises(EigenpalWaitTimeoutError) as caught:
        run_and_wait(sync_client, api, timeout_seconds=5.0)

    error = caught.value
    assert error.execution_id == EXECUTION_ID
    assert error.last_status == "running"
    assert error.timeout_seconds == 5.0
    assert "exec_1" in str(error)
    assert "running" in error.message
    assert 5.0 <= api.time.now <= 5.0 + latency + 1e-9
    assert sum(api.time.sleeps) <= 5.0 + 1e-9
    for poll in api.polls:
        remaining = 5.0 - poll.at
        timeouts = poll.request.extensions["timeout"]
        assert timeouts["read"] <= max(remaining, 1.0) + 1e-9
    # The poll sent at the deadline itself still gets the floor, not a zero timeout.
    assert api.polls[-1].request.extensions["timeout"]["read"] == pytest.approx(1.0)


@settings(deadline=None, max_examples=150, derandomize=True)
@given(
    timeout=st.floats(min_value=0.05, max_value=20.0),
    latency_fraction=st.floats(min_value=0.0, max_value=1.0),
    poll_interval=st.floats(min_value=0.05, max_value=10.0),
    start=st.floats(min_value=0.0, max_value=1e6),
)
def test_the_deadline_property_any_timing(
    timeout: float, latency_fraction: float, poll_interval: float, start: float
) -> None:
    latency = timeout * latency_fraction
    api = fake_api(finishes_after=None, latency=latency)
    api.time.now = start

    with pytest.raises(EigenpalTimeoutError):
        run_and_wait(sync_client, api, timeout_seconds=timeout, poll_interval_seconds=poll_interval)

    elapsed = api.time.now - start
    assert elapsed >= timeout - 1e-6
    assert elapsed <= timeout + latency + 1e-6
    assert sum(api.time.sleeps) <= timeout + 1e-6
    assert all(0 < s <= poll_interval + 1e-9 for s in api.time.sleeps)


def test_poll_read_timeout_is_the_client_timeout_when_the_deadline_is_far(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=1.0)

    with make_client(any_client, api, request_timeout_seconds=30.0) as client:
        client.workflows.executions.run_and_wait("extract-invoice", timeout_seconds=300.0)

    assert {poll.request.extensions["timeout"]["read"] for poll in api.polls} == {30.0}


def rate_limited_once(retry_after: str) -> Action:
    answers: list[int] = []

    def run_action(request: httpx.Request) -> httpx.Response:
        answers.append(429 if not answers else 201)
        if answers[-1] == 429:
            return httpx.Response(429, headers={"Retry-After": retry_after}, json={"issues": []})
        return httpx.Response(201, json={"executionId": EXECUTION_ID})

    return run_action


def test_a_rate_limited_trigger_does_not_sleep_past_the_deadline(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=None, run_action=rate_limited_once("30"))

    with pytest.raises((EigenpalAPIError, EigenpalTimeoutError)):
        run_and_wait(any_client, api, timeout_seconds=5.0)

    assert sum(api.time.sleeps) <= 5.0
    assert api.time.now <= 5.0


def test_a_rate_limited_trigger_is_retried_when_retry_after_fits_in_the_deadline(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=0.0, run_action=rate_limited_once("1"))

    result = run_and_wait(any_client, api, timeout_seconds=5.0)

    assert result.status == "completed"
    assert len(api.runs) == 2
    assert api.time.sleeps == [1.0, 0.7]


# --- cancel on timeout ---------------------------------------------------------------------------------------


def test_no_cancel_is_sent_on_timeout_by_default(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=None)

    with pytest.raises(EigenpalTimeoutError) as caught:
        run_and_wait(any_client, api, timeout_seconds=5.0)

    assert api.cancels == []
    assert "cancel" not in caught.value.message


def test_cancel_on_timeout_sends_a_cancel_before_raising_and_says_what_happened(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=None)

    with pytest.raises(EigenpalWaitTimeoutError) as caught:
        run_and_wait(any_client, api, timeout_seconds=5.0, cancel_on_timeout=True)

    assert len(api.cancels) == 1
    assert api.sent[-1].request.method == "POST"
    assert api.sent[-1].request.url.path == CANCEL_PATH
    assert api.cancels[0].at >= 5.0
    assert "cancellation-requested" in caught.value.message
    assert caught.value.execution_id == EXECUTION_ID
    assert caught.value.last_status == "running"


def test_a_failing_cancel_still_raises_the_timeout_error_with_a_note(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=None, cancel_response=(500, {"issues": [], "requestId": "req_cancel"}))

    with pytest.raises(EigenpalTimeoutError) as caught:
        run_and_wait(any_client, api, timeout_seconds=5.0, cancel_on_timeout=True)

    assert type(caught.value) is EigenpalWaitTimeoutError
    assert not isinstance(caught.value, EigenpalServerError)
    assert len(api.cancels) >= 1
    assert "cancelling it failed" in caught.value.message
    assert "500" in caught.value.message
    assert caught.value.execution_id == EXECUTION_ID


# --- transient failures while polling ---------------------------------------------------------------------

TRANSIENT_FAILURES: dict[str, Action] = {
    "503": respond(503, json={"issues": [{"field": "<root>", "message": "unavailable", "code": "unavailable"}]}),
    "500": respond(500, json={"issues": [], "requestId": "req_1"}),
    "502-html": respond(502, text="<html>bad gateway</html>", headers={"content-type": "text/html"}),
    "connect-error": raise_(httpx.ConnectError),
    "read-timeout": raise_(httpx.ReadTimeout),
    "remote-protocol-error": raise_(httpx.RemoteProtocolError),
}


@pytest.mark.parametrize("failure", list(TRANSIENT_FAILURES))
def test_transient_poll_failures_are_polled_through_at_one_request_each(
    any_client: ClientFactory, failure: str
) -> None:
    # The 2nd and 3rd polls fail; a transport retry would add requests and shift the poll times.
    action = TRANSIENT_FAILURES[failure]
    api = fake_api(finishes_after=3.0, poll_script=[None, action, action])

    result = run_and_wait(any_client, api)

    assert result.status == "completed"
    assert result.result == RESULT
    assert api.poll_times == approx_list(SCHEDULE_POLL_TIMES[:4])
    assert len(api.sent) == 5
    # Exactly one sleep (the wait's own) between consecutive polls: no hidden retry sleeps either.
    assert [b.sleeps_before - a.sleeps_before for a, b in zip(api.polls, api.polls[1:], strict=False)] == [1] * 3
    for poll in api.polls:
        assert poll.request.extensions["eigenpal_max_retries"] == 0


def test_a_rate_limited_poll_waits_at_least_retry_after(any_client: ClientFactory) -> None:
    api = fake_api(
        finishes_after=5.0,
        poll_script=[None, respond(429, headers={"Retry-After": "2"}, json={"issues": []})],
    )

    result = run_and_wait(any_client, api)

    assert result.status == "completed"
    assert api.time.sleeps[:2] == approx_list([0.7, 0.7])
    assert api.time.sleeps[2] == pytest.approx(2.0)  # the schedule's 0.84 s, raised to the Retry-After
    # One request for the 429, then the schedule resumes where it was (1.008, 1.2096, ...).
    assert api.poll_times == approx_list([0.7, 1.4, 3.4, 4.408, 5.6176])
    assert api.time.sleeps[3] == pytest.approx(1.008)
    assert api.polls[1].request.extensions["eigenpal_max_retries"] == 0


def test_a_retry_after_longer_than_what_is_left_is_clipped_to_the_deadline(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=None, poll_script=[respond(429, headers={"Retry-After": "30"}, json={"issues": []})])

    with pytest.raises(EigenpalWaitTimeoutError) as caught:
        run_and_wait(any_client, api, timeout_seconds=5.0)

    assert api.time.sleeps == approx_list([0.7, 4.3])  # the Retry-After, clipped to what is left
    assert len(api.polls) == 2
    assert caught.value.last_status == "running"


def test_a_deadline_reached_during_failures_reports_the_last_poll_error(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=None, poll_script=[respond(503, json={"issues": []})] * 100)

    with pytest.raises(EigenpalWaitTimeoutError) as caught:
        run_and_wait(any_client, api, timeout_seconds=5.0)

    assert caught.value.execution_id == EXECUTION_ID
    assert caught.value.last_status is None
    assert "503" in caught.value.message
    assert sum(api.time.sleeps) <= 5.0 + 1e-9


# --- errors that end the wait ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(404, EigenpalNotFoundError), (401, EigenpalAuthError), (400, EigenpalValidationError)],
)
def test_non_transient_poll_errors_raise_the_typed_error_with_the_execution_id(
    any_client: ClientFactory, status: int, error_type: type[EigenpalAPIError]
) -> None:
    body = {"issues": [{"field": "executionId", "message": "nope", "code": "x", "severity": "error"}]}
    api = fake_api(finishes_after=3.0, poll_script=[None, respond(status, json=body)])

    with pytest.raises(error_type) as caught:
        run_and_wait(any_client, api)

    assert caught.value.status == status
    assert caught.value.execution_id == EXECUTION_ID
    assert "exec_1" in str(caught.value)
    assert len(api.polls) == 2  # not retried, not polled again


def test_a_404_while_waiting_on_an_existing_execution_carries_its_id(any_client: ClientFactory) -> None:
    api = fake_api(poll_script=[respond(404, json={"issues": []})])

    with make_client(any_client, api) as client, pytest.raises(EigenpalNotFoundError) as caught:
        client.workflows.executions.wait(EXECUTION_ID)

    assert caught.value.execution_id == EXECUTION_ID
    assert len(api.sent) == 1


# --- on_status and unknown statuses -----------------------------------------------------------------------


def test_on_status_is_called_once_per_status_change_in_order(any_client: ClientFactory) -> None:
    def status_at(elapsed: float) -> str:
        if elapsed < 1.0:
            return "created"
        if elapsed < 2.0:
            return "pending"
        return "running" if elapsed < 4.0 else "completed"

    api = fake_api(status_at=status_at)
    seen: list[Execution] = []

    result = run_and_wait(any_client, api, on_status=seen.append)

    assert [str(s.status) for s in seen] == ["created", "pending", "running", "completed"]
    assert all(isinstance(s, Execution) for s in seen)
    assert all(s.execution_id == EXECUTION_ID for s in seen)
    assert len(api.polls) == 5  # created at 0.7 s, pending at 1.4 s, running twice, completed at 4.4576 s
    assert seen[-1].result == RESULT
    assert result.status == "completed"


def test_an_unknown_status_is_non_terminal_and_surfaced_via_on_status(any_client: ClientFactory) -> None:
    def status_at(elapsed: float) -> str:
        if elapsed < 1.0:
            return "queued"
        return "running" if elapsed < 2.0 else "completed"

    api = fake_api(status_at=status_at)
    seen: list[str] = []

    result = run_and_wait(any_client, api, on_status=lambda execution: seen.append(str(execution.status)))

    assert seen == ["queued", "running", "completed"]
    assert result.status == "completed"
    assert result.result == RESULT
    assert len(api.polls) == 3  # queued at 0.7 s, running at 1.4 s, completed at 2.24 s


def test_an_execution_stuck_in_an_unknown_status_times_out_with_that_status(any_client: ClientFactory) -> None:
    api = fake_api(status_at=lambda elapsed: "queued")

    with pytest.raises(EigenpalWaitTimeoutError) as caught:
        run_and_wait(any_client, api, timeout_seconds=3.0)

    assert caught.value.last_status == "queued"


# --- wait() on an existing execution ---------------------------------------------------------------------


def test_wait_on_an_existing_execution_polls_with_the_same_schedule_and_sends_no_run(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=3.0)
    seen: list[str] = []

    with make_client(any_client, api) as client:
        result = client.workflows.executions.wait(EXECUTION_ID, on_status=lambda e: seen.append(str(e.status)))

    assert api.runs == []
    assert all(s.request.method == "GET" for s in api.sent)
    assert api.poll_times == approx_list(WAIT_POLL_TIMES[:5])
    assert result.execution_id == EXECUTION_ID
    assert result.status == "completed"
    assert result.result == RESULT
    assert seen == ["running", "completed"]


def test_wait_keeps_its_deadline_too(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=None)

    with make_client(any_client, api) as client, pytest.raises(EigenpalTimeoutError) as caught:
        client.workflows.executions.wait(EXECUTION_ID, timeout_seconds=2.5, cancel_on_timeout=True)

    assert caught.value.execution_id == EXECUTION_ID
    assert api.time.now == pytest.approx(2.5)
    assert len(api.cancels) == 1


# --- server hold ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("timeout", "hold"), [(300.0, 60), (20.0, 18), (20.9, 18), (60.0, 58), (62.5, 60)])
def test_server_hold_ends_two_seconds_before_the_deadline_and_at_most_after_60(
    any_client: ClientFactory, timeout: float, hold: int
) -> None:
    # The answer must arrive before the deadline, where the trigger request is cut off.
    api = fake_api(finishes_after=1.0)

    result = run_and_wait(any_client, api, timeout_seconds=timeout, server_hold=True)

    run = api.runs[0].request
    assert run.url.params["wait_for_completion"] == str(hold)
    assert run.extensions["timeout"]["read"] >= hold + 15
    assert result.status == "completed"


@pytest.mark.parametrize("timeout", [2.5, 1.0])
def test_server_hold_is_not_asked_for_when_less_than_a_second_would_be_left(
    any_client: ClientFactory, timeout: float
) -> None:
    api = fake_api(finishes_after=0.5)

    result = run_and_wait(any_client, api, timeout_seconds=timeout, server_hold=True)

    assert "wait_for_completion" not in api.runs[0].request.url.params
    assert result.status == "completed"


def test_server_hold_with_an_unbounded_timeout_holds_60s(any_client: ClientFactory) -> None:
    api = fake_api(finishes_after=1.0)

    result = run_and_wait(any_client, api, timeout_seconds=math.inf, server_hold=True)

    assert api.runs[0].request.url.params["wait_for_completion"] == "60"
    assert result.status == "completed"


def test_a_held_run_that_already_ended_is_returned_after_one_get(any_client: ClientFactory) -> None:
    def held_run(request: httpx.Request) -> httpx.Response:
        api.time.now += 1.5  # the server holds the request until the execution ends
        return httpx.Response(201, json={"executionId": EXECUTION_ID, "status": "completed", "result": RESULT})

    api = fake_api(finishes_after=0.0, run_action=held_run)

    result = run_and_wait(any_client, api, server_hold=True)

    assert len(api.sent) == 2
    assert [s.request.method for s in api.sent] == ["POST", "GET"]
    assert api.time.sleeps == []
    assert result.status == "completed"
    assert result.result == RESULT
    assert result.created_at == datetime(2026, 5, 9, 12, 0, tzinfo=UTC)


def test_a_held_run_that_times_out_says_the_execution_may_exist_and_how_to_find_it(any_client: ClientFactory) -> None:
    api = fake_api(run_action=raise_(httpx.ReadTimeout))

    with pytest.raises(EigenpalTimeoutError) as caught:
        run_and_wait(any_client, api, server_hold=True)

    error = caught.value
    assert error.execution_id is None
    assert error.execution_may_exist is True
    assert "may exist" in error.message
    assert "executions.list(" in str(error)
    assert "'extract-invoice'" in str(error)
    assert len(api.sent) == 1  # a run whose answer was lost is never re-sent (it could start a duplicate)


# --- bad arguments ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"poll_interval_seconds": 0},
        {"poll_interval_seconds": -2.0},
        {"timeout_seconds": -1},
        {"timeout_seconds": 0},
        {"timeout_seconds": float("nan")},
        {"poll_interval_seconds": True},
    ],
    ids=["interval-0", "interval-negative", "timeout-negative", "timeout-0", "timeout-nan", "interval-bool"],
)
def test_bad_wait_arguments_raise_value_error_before_any_request(
    any_client: ClientFactory, kwargs: dict[str, Any]
) -> None:
    api = fake_api()

    with make_client(any_client, api) as client:
        with pytest.raises(ValueError, match="seconds"):
            client.workflows.executions.run_and_wait("extract-invoice", **kwargs)
        with pytest.raises(ValueError, match="seconds"):
            client.workflows.executions.wait(EXECUTION_ID, **kwargs)

    assert api.sent == []


@pytest.mark.parametrize("execution_id", ["", "   "])
def test_wait_needs_an_execution_id(any_client: ClientFactory, execution_id: str) -> None:
    api = fake_api()

    with make_client(any_client, api) as client, pytest.raises(ValueError, match="execution_id"):
        client.workflows.executions.wait(execution_id)

    assert api.sent == []


# --- the terminal set ----------------------------------------------------------------------------------------


def test_terminal_statuses_is_a_frozenset_of_exactly_the_four() -> None:
    assert type(TERMINAL_STATUSES) is frozenset
    assert {"completed", "failed", "cancelled", "rejected"} == TERMINAL_STATUSES
    assert len(TERMINAL_STATUSES) == 4


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("completed", True),
        ("failed", True),
        ("cancelled", True),
        ("rejected", True),
        (ExecutionStatus.COMPLETED, True),
        ("created", False),
        ("pending", False),
        ("running", False),
        ("waiting", False),
        ("finalizing", False),
        ("queued", False),
        (ExecutionStatus("queued"), False),
        ("", False),
        (None, False),
    ],
)
def test_is_terminal(status: str | ExecutionStatus | None, expected: bool) -> None:
    assert is_terminal(status) is expected
