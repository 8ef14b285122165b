"""One definition of "failed before the request was sent", read by the retry policy and by the errors.

A transport failure in ``NOT_SENT_ERRORS`` happened before a byte of the request left this process, so a run
that failed that way created nothing: the retry policy may send it again, and its error says
``request_sent=False`` (no "an execution may exist" warning). Every other transport failure may have reached
the server. Both sides are checked here against every httpx transport error type, so they cannot drift apart
again (they once disagreed on ``ProxyError`` and ``UnsupportedProtocol``).
"""

from __future__ import annotations

import httpx
import pytest

from eigenpal_ext._retry import NOT_SENT_ERRORS, RetryPolicy, delay_after_error
from eigenpal_ext._transport_errors import error_from_transport


def every_transport_error() -> list[type[httpx.TransportError]]:
    found: list[type[httpx.TransportError]] = []
    pending: list[type[httpx.TransportError]] = [httpx.TransportError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    # httpx's own types only: the client's DeadlineExceeded (a TimeoutException) says itself whether it was sent.
    return sorted({cls for cls in found if cls.__module__.startswith("httpx")}, key=lambda cls: cls.__name__)


RUN = httpx.Request("POST", "https://eigenpal.test/api/v1/workflows/wf_1/run", headers={"Idempotency-Key": "k"})


def test_the_definition_is_pinned() -> None:
    assert set(NOT_SENT_ERRORS) == {
        httpx.ConnectError,
        httpx.ConnectTimeout,
        httpx.PoolTimeout,
        httpx.ProxyError,
        httpx.UnsupportedProtocol,
    }


def test_the_search_sees_httpx_s_error_tree() -> None:
    names = {cls.__name__ for cls in every_transport_error()}
    assert {"ReadTimeout", "RemoteProtocolError", "ProxyError", "UnsupportedProtocol", "WriteError"} <= names


@pytest.mark.parametrize("error_type", every_transport_error(), ids=lambda cls: cls.__name__)
def test_the_error_and_the_retry_policy_agree(error_type: type[httpx.TransportError]) -> None:
    not_sent = issubclass(error_type, NOT_SENT_ERRORS)
    exc = error_type("simulated", request=RUN)
    error = error_from_transport(exc, creates_execution=True)
    assert error.request_sent is not not_sent
    assert error.execution_may_exist is not not_sent  # a run that never left created nothing
    delay = delay_after_error(RetryPolicy(), RUN, exc, attempt=0, jitter=0.0, now=0.0)
    assert (delay is not None) is not_sent  # a run is sent again only when it certainly was not sent
