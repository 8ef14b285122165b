"""What errors carry besides their message: response headers (without leaking secrets), and the fields of a
wait that passed its deadline (``execution_may_exist``, ``last_status`` as an ``ExecutionStatus``)."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from eigenpal_api.models import ExecutionStatus

from eigenpal_ext import (
    EigenpalAPIError,
    EigenpalClient,
    EigenpalConnectionError,
    EigenpalRateLimitError,
    EigenpalTimeoutError,
    EigenpalWaitTimeoutError,
)
from eigenpal_ext._errors import ResponseHeaders
from eigenpal_ext._response_errors import error_from_response, unusable_success_response
from eigenpal_ext._transport_errors import error_from_transport

API_KEY = "eg_live_fieldtests_0123456789"
URL = "https://app.eigenpal.com/api/v1/workflows"
CREATED_AT = "2026-11-27T03:40:01Z"


def response(status: int, headers: list[tuple[str, str]], body: bytes = b"{}") -> httpx.Response:
    request = httpx.Request("GET", URL, headers={"Authorization": f"Bearer {API_KEY}"})
    return httpx.Response(status, content=body, headers=headers, request=request)


# ----------------------------------------------------------------------------------------------------------------
# Headers


SECRET_HEADERS = [
    ("set-cookie", "session=abc123secretvalue; HttpOnly"),
    ("Set-Cookie", "csrftoken=def456secretvalue"),
    ("x-auth-token", "tok_0123456789secret"),
    ("x-session-id", "sess_0123456789secret"),
]
PLAIN_HEADERS = [
    ("content-type", "application/json"),
    ("x-request-id", "req_42"),
    ("retry-after", "3"),
    ("x-ratelimit-remaining", "0"),
]


def test_api_errors_carry_the_response_headers() -> None:
    error = error_from_response(response(429, PLAIN_HEADERS + SECRET_HEADERS))
    assert isinstance(error, EigenpalRateLimitError)
    assert error.headers["X-RateLimit-Remaining"] == "0"  # case-insensitive, as HTTP header names are
    assert error.headers.get("x-request-id") == "req_42"
    assert "retry-after" in error.headers
    assert "nope" not in error.headers
    # Repeated headers: joined, as httpx joins them; each value by get_list.
    assert error.headers.get_list("set-cookie") == [SECRET_HEADERS[0][1], SECRET_HEADERS[1][1]]
    assert error.headers["set-cookie"] == f"{SECRET_HEADERS[0][1]}, {SECRET_HEADERS[1][1]}"
    assert list(error.headers) == ["content-type", "x-request-id", "retry-after", "x-ratelimit-remaining",
                                   "set-cookie", "x-auth-token", "x-session-id", "content-length"]  # fmt: skip
    assert len(error.headers) == 8


def test_headers_are_read_only() -> None:
    headers = error_from_response(response(404, PLAIN_HEADERS)).headers
    with pytest.raises(TypeError):
        headers["x-request-id"] = "forged"  # type: ignore[index]
    with pytest.raises(AttributeError):
        headers.update({"a": "b"})  # type: ignore[attr-defined]
    with pytest.raises(KeyError):
        headers["absent"]


def test_credential_like_header_values_stay_out_of_repr_and_str() -> None:
    error = error_from_response(response(401, PLAIN_HEADERS + SECRET_HEADERS))
    shown = [repr(error), str(error), repr(error.headers), str(error.headers), f"{error.headers}"]
    for text in shown:
        for _, secret in SECRET_HEADERS:
            assert secret not in text
            assert "secretvalue" not in text
            assert "0123456789secret" not in text
    assert "'set-cookie': '[REDACTED]'" in repr(error.headers)
    assert "'x-request-id': 'req_42'" in repr(error.headers)


def test_an_echoed_api_key_is_redacted_from_header_values() -> None:
    echoed = [("x-debug-echo", f"Bearer {API_KEY}"), ("x-note", f"key {API_KEY} was refused")]
    error = error_from_response(response(401, echoed))
    assert error.headers["x-debug-echo"] == "[REDACTED]"
    assert error.headers["x-note"] == "key [REDACTED] was refused"
    assert API_KEY not in repr(error.headers)
    assert API_KEY not in json.dumps(dict(error.headers))
    success = unusable_success_response(response(200, echoed, b"<html/>"), reason="html")
    assert success.headers["x-note"] == "key [REDACTED] was refused"


def test_errors_built_by_hand_have_empty_headers_and_accept_pairs() -> None:
    assert dict(EigenpalAPIError("HTTP 499: x", status=499).headers) == {}
    error = EigenpalAPIError("HTTP 499: x", status=499, headers=[("A", "1"), ("a", "2")])
    assert error.headers["a"] == "1, 2"
    assert isinstance(error.headers, ResponseHeaders)


def test_headers_survive_pickling() -> None:
    error = error_from_response(response(503, PLAIN_HEADERS + SECRET_HEADERS))
    restored = pickle.loads(pickle.dumps(error))
    assert restored.headers == error.headers
    assert restored.headers.get_list("set-cookie") == error.headers.get_list("set-cookie")
    assert repr(restored) == repr(error)


def test_errors_from_a_real_client_carry_headers() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            404,
            json={"issues": [{"field": "id", "message": "no such workflow"}]},
            headers={"x-request-id": "req_7", "set-cookie": "sid=s3cr3t-cookie-value"},
        )

    client = EigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(answer))
    with client, pytest.raises(EigenpalAPIError) as caught:
        client.workflows.get("missing")
    assert caught.value.headers["x-request-id"] == "req_7"
    assert caught.value.headers["set-cookie"] == "sid=s3cr3t-cookie-value"
    assert "s3cr3t" not in repr(caught.value.headers)


# ----------------------------------------------------------------------------------------------------------------
# Timeout and connection errors: execution_may_exist never contradicts execution_id


def test_an_error_with_an_execution_id_says_the_execution_may_exist() -> None:
    for error in (
        EigenpalTimeoutError("gave up", execution_id="exec_1"),
        EigenpalConnectionError("down", execution_id="exec_1"),
    ):
        assert error.execution_may_exist is True
    assert EigenpalTimeoutError("t").execution_may_exist is False
    assert EigenpalConnectionError("c").execution_may_exist is False


def test_attaching_an_execution_id_later_also_sets_the_flag() -> None:
    error = error_from_transport(httpx.ReadTimeout("t", request=httpx.Request("GET", URL)))
    assert error.execution_may_exist is False
    error.with_execution_id("exec_2")
    assert error.execution_may_exist is True
    assert "execution_may_exist=True" in repr(error)
    restored = pickle.loads(pickle.dumps(error))
    assert restored.execution_may_exist is True
    assert restored.execution_id == "exec_2"


def test_the_flag_can_still_be_set_for_a_lost_run() -> None:
    error = EigenpalConnectionError("lost", request_sent=True)
    error.execution_may_exist = True
    assert error.execution_may_exist is True


def test_last_status_is_an_execution_status() -> None:
    error = EigenpalWaitTimeoutError("gave up", execution_id="exec_1", last_status="running")
    assert error.last_status is ExecutionStatus.RUNNING
    unknown = EigenpalWaitTimeoutError("gave up", execution_id="exec_1", last_status="paused-by-admin")
    assert isinstance(unknown.last_status, ExecutionStatus)
    assert unknown.last_status == "paused-by-admin"
    assert EigenpalWaitTimeoutError("t").last_status is None
    assert not hasattr(EigenpalTimeoutError("a request timed out"), "last_status")  # only a wait has one


def _status(status: str, **extra: Any) -> dict[str, Any]:
    return {"executionId": "exec_9", "status": status, "createdAt": CREATED_AT, **extra}


def _forever_running() -> Iterator[httpx.Response]:
    while True:
        yield httpx.Response(200, json=_status("running"))


def test_a_wait_that_passes_its_deadline_names_the_execution_and_its_last_status() -> None:
    answers = _forever_running()
    clock = [0.0]

    def answer(request: httpx.Request) -> httpx.Response:
        return next(answers)

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    client = EigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(answer), sleep=sleep, clock=lambda: clock[0])
    with client, pytest.raises(EigenpalWaitTimeoutError) as caught:
        client.workflows.executions.wait("exec_9", timeout_seconds=5, poll_interval_seconds=1)
    error = caught.value
    assert error.execution_id == "exec_9"
    assert error.execution_may_exist is True
    assert error.last_status is ExecutionStatus.RUNNING
    assert error.timeout_seconds == 5
