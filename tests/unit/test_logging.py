"""EIGENPAL_LOG turns on request/response/retry logging; the Authorization header is always redacted."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import httpx
import pytest

from eigenpal_ext import EigenpalClient
from eigenpal_ext._logging import _EnvHandler, configure_from_env, logger, redacted

API_KEY = "eg_live_supersecret_0123456789"


@pytest.fixture(autouse=True)
def clean_logger() -> Iterator[None]:
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers


def test_debug_logs_requests_responses_and_retries_without_the_key() -> None:
    stream = io.StringIO()
    configure_from_env({"EIGENPAL_LOG": "debug"}, stream=stream)
    attempts = iter([503, 200])

    def flaky(request: httpx.Request) -> httpx.Response:
        status = next(attempts)
        body: dict[str, object] = {"id": "wf", "createdAt": "2026-11-27T10:00:00Z"} if status == 200 else {}
        return httpx.Response(status, json=body, headers={"x-request-id": f"req_{status}"})

    with EigenpalClient(api_key=API_KEY, transport=httpx.MockTransport(flaky), sleep=lambda seconds: None) as client:
        client.workflows.get("wf")
    text = stream.getvalue()
    assert "-> GET https://studio.eigenpal.com/api/v1/workflows/wf" in text
    assert "<- GET /api/v1/workflows/wf 503" in text
    assert "request_id=req_200" in text
    assert "retrying GET /api/v1/workflows/wf after HTTP 503" in text
    assert "'authorization': 'Bearer [redacted]'" in text
    assert API_KEY not in text


def test_info_logs_retries_but_not_every_request() -> None:
    stream = io.StringIO()
    configure_from_env({"EIGENPAL_LOG": "INFO"}, stream=stream)
    logger.info("retrying something")
    logger.debug("-> GET something")
    assert "retrying something" in stream.getvalue()
    assert "-> GET" not in stream.getvalue()


def test_without_the_variable_no_handler_is_attached() -> None:
    before = list(logger.handlers)
    configure_from_env({})
    configure_from_env({"EIGENPAL_LOG": "verbose"})  # unknown values are ignored
    assert logger.handlers == before


def test_the_handler_is_attached_once() -> None:
    configure_from_env({"EIGENPAL_LOG": "debug"}, stream=io.StringIO())
    configure_from_env({"EIGENPAL_LOG": "debug"}, stream=io.StringIO())
    assert sum(isinstance(h, _EnvHandler) for h in logger.handlers) == 1
    assert logger.level == logging.DEBUG


def test_redaction_keeps_the_scheme_and_other_headers() -> None:
    headers = httpx.Headers({"Authorization": f"Bearer {API_KEY}", "Cookie": "s=1", "X-Eigenpal-Sdk": "eigenpal-ext"})
    shown = redacted(headers)
    assert shown["authorization"] == "Bearer [redacted]"
    assert shown["cookie"] == "[redacted]"
    assert shown["x-eigenpal-sdk"] == "eigenpal-ext"


def test_the_log_and_the_errors_hide_the_same_headers() -> None:
    """One list of credential-like header names: a proxy's key header is hidden from the log as from an error's
    repr, and the Idempotency-Key (a run's name, not a credential) shows in both."""
    from eigenpal_ext._errors import ResponseHeaders

    headers = httpx.Headers({"X-Proxy-Api-Key": "pk_live_123456", "Idempotency-Key": "run-1", "Accept": "*/*"})
    shown = redacted(headers)
    assert shown["x-proxy-api-key"] == "[redacted]"
    assert shown["idempotency-key"] == "run-1"
    in_error = repr(ResponseHeaders(headers.multi_items()))
    assert "pk_live_123456" not in in_error
    assert "run-1" in in_error
