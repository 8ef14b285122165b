"""Tests for eigenpal_ext._errors: status mapping, tolerant body parsing, Retry-After, transport wrapping, secrecy."""

import json
import math
import pickle
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eigenpal_ext import _errors
from eigenpal_ext._errors import (
    EigenpalAPIError,
    EigenpalAuthError,
    EigenpalConnectionError,
    EigenpalError,
    EigenpalForbiddenError,
    EigenpalNotFoundError,
    EigenpalPayloadTooLargeError,
    EigenpalRateLimitError,
    EigenpalRequestTimeoutError,
    EigenpalResponseError,
    EigenpalServerError,
    EigenpalTimeoutError,
    EigenpalUnexpectedStatusError,
    EigenpalValidationError,
    EigenpalWaitTimeoutError,
    ErrorIssue,
)
from eigenpal_ext._response_errors import error_from_response, unusable_success_response
from eigenpal_ext._retry import parse_retry_after
from eigenpal_ext._transport_errors import error_from_transport
from eigenpal_ext._trigger import mark_may_exist

URL = "https://app.eigenpal.com/api/v1/workflows?search=secret-query"
API_KEY = "eg_live_0123456789abcdef"
JSON = {"content-type": "application/json"}
HTML = {"content-type": "text/html; charset=utf-8"}
FIXED_NOW = datetime(2026, 5, 9, 12, 0, 0, tzinfo=UTC)
DOCUMENTED_STATUSES = [400, 401, 403, 404, 413, 429, 500, 502, 503]
WRONG_HOST = "base_url probably points at the wrong host"


def make_request(method: str = "GET", *, timeout: float | None = None) -> httpx.Request:
    extensions = {"timeout": httpx.Timeout(timeout).as_dict()} if timeout is not None else None
    return httpx.Request(method, URL, headers={"Authorization": f"Bearer {API_KEY}"}, extensions=extensions)


def make_response(
    status: int,
    content: bytes | str = b"",
    headers: dict[str, str] | None = None,
    *,
    with_request: bool = True,
) -> httpx.Response:
    if with_request:
        return httpx.Response(status, content=content, headers=headers, request=make_request())
    return httpx.Response(status, content=content, headers=headers)


def envelope(*issues: dict[str, object], **extra: object) -> bytes:
    return json.dumps({"issues": list(issues), "requestId": "req_body", **extra}).encode()


def issue(field: str, message: str, code: str = "invalid_value", severity: str = "error") -> dict[str, object]:
    return {"field": field, "message": message, "code": code, "severity": severity}


def expected_class(status: int) -> type[EigenpalAPIError]:
    by_status: dict[int, type[EigenpalAPIError]] = {
        400: EigenpalValidationError,
        401: EigenpalAuthError,
        403: EigenpalForbiddenError,
        404: EigenpalNotFoundError,
        413: EigenpalPayloadTooLargeError,
        429: EigenpalRateLimitError,
    }
    if status >= 500:
        return EigenpalServerError
    return by_status.get(status, EigenpalUnexpectedStatusError)


# ----------------------------------------------------------------------------------------------------------------
# The tree


def test_tree_shape() -> None:
    api_classes = [
        EigenpalValidationError,
        EigenpalAuthError,
        EigenpalForbiddenError,
        EigenpalNotFoundError,
        EigenpalPayloadTooLargeError,
        EigenpalRateLimitError,
        EigenpalServerError,
        EigenpalUnexpectedStatusError,
        EigenpalResponseError,
    ]
    for cls in api_classes:
        assert cls.__bases__ == (EigenpalAPIError,)
    assert EigenpalAPIError.__bases__ == (EigenpalError,)
    assert EigenpalConnectionError.__bases__ == (EigenpalError,)
    assert EigenpalTimeoutError.__bases__ == (EigenpalError,)
    assert EigenpalRequestTimeoutError.__bases__ == (EigenpalTimeoutError,)
    assert EigenpalWaitTimeoutError.__bases__ == (EigenpalTimeoutError,)
    assert EigenpalError.__bases__ == (Exception,)


def test_the_tree_in_the_docstring_names_every_class() -> None:
    for name in _errors.__all__:
        if name.startswith("Eigenpal"):
            assert f" {name} " in _errors.__doc__ or f"{name}\n" in _errors.__doc__, name


def test_a_request_timeout_and_a_wait_deadline_are_told_apart_by_type() -> None:
    request_timeout = error_from_transport(httpx.ReadTimeout("timed out", request=make_request(timeout=5.0)))
    assert type(request_timeout) is EigenpalRequestTimeoutError
    wait_timeout = EigenpalWaitTimeoutError("did not finish", execution_id="exec_1", last_status="running")
    for error in (request_timeout, wait_timeout):
        assert isinstance(error, EigenpalTimeoutError)  # code written against the seed's class still catches both
        assert type(pickle.loads(pickle.dumps(error))) is type(error)
        assert type(error).__module__ == "eigenpal_ext"
    assert not isinstance(request_timeout, EigenpalWaitTimeoutError)


def test_all_exports_exist_and_are_documented() -> None:
    for name in _errors.__all__:
        obj = getattr(_errors, name)
        assert obj.__doc__, name
    assert sorted(_errors.__all__) == _errors.__all__
    assert all(not name.startswith("_") for name in _errors.__all__)


# ----------------------------------------------------------------------------------------------------------------
# Status → class


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, EigenpalValidationError),
        (401, EigenpalAuthError),
        (403, EigenpalForbiddenError),
        (404, EigenpalNotFoundError),
        (413, EigenpalPayloadTooLargeError),
        (429, EigenpalRateLimitError),
        (500, EigenpalServerError),
        (502, EigenpalServerError),
        (503, EigenpalServerError),
        (504, EigenpalServerError),
        (599, EigenpalServerError),
        (418, EigenpalUnexpectedStatusError),
        (409, EigenpalUnexpectedStatusError),
        (422, EigenpalUnexpectedStatusError),
        (307, EigenpalUnexpectedStatusError),
    ],
)
def test_status_maps_to_class(status: int, cls: type[EigenpalAPIError]) -> None:
    error = error_from_response(make_response(status, envelope(issue("<root>", "boom")), JSON))
    assert type(error) is cls
    assert error.status == status
    assert error.message.startswith(f"HTTP {status}: ")


def test_full_envelope_attributes() -> None:
    body = envelope(
        issue("body.input.invoice", "Required", "required"),
        issue("body.version", "unknown version", severity="warning"),
        hint="wrap your inputs in {input: ...}",
        docsUrl="https://docs.eigenpal.com/errors#validation",
    )
    error = error_from_response(make_response(400, body, {**JSON, "x-request-id": "req_header"}))
    assert isinstance(error, EigenpalValidationError)
    assert error.issues == [
        ErrorIssue(field="body.input.invoice", message="Required", code="required", severity="error"),
        ErrorIssue(field="body.version", message="unknown version", code="invalid_value", severity="warning"),
    ]
    assert error.request_id == "req_body"
    assert error.hint == "wrap your inputs in {input: ...}"
    assert error.docs_url == "https://docs.eigenpal.com/errors#validation"
    assert isinstance(error.body, dict)
    assert error.body["requestId"] == "req_body"
    assert error.message == (
        "HTTP 400: body.input.invoice: Required; body.version: unknown version (hint: wrap your inputs in {input: ...})"
    )


@pytest.mark.parametrize(
    "body",
    [
        {"issues": []},
        {"issues": [], "requestId": ""},
        {"issues": [], "requestId": "   "},
        {"issues": [], "requestId": 12345},
        {"issues": [], "requestId": None},
    ],
)
def test_request_id_falls_back_to_header(body: dict[str, object]) -> None:
    error = error_from_response(make_response(404, json.dumps(body), {**JSON, "x-request-id": "req_header"}))
    assert error.request_id == "req_header"


def test_request_id_prefers_body_and_is_none_without_either() -> None:
    with_both = error_from_response(make_response(500, envelope(), {**JSON, "x-request-id": "req_header"}))
    assert with_both.request_id == "req_body"
    with_neither = error_from_response(make_response(500, b"", JSON))
    assert with_neither.request_id is None


def test_request_id_from_header_on_html_and_empty_bodies() -> None:
    assert error_from_response(make_response(502, b"<html/>", {**HTML, "x-request-id": "r1"})).request_id == "r1"
    assert error_from_response(make_response(500, b"", {"x-request-id": "r2"})).request_id == "r2"


# ----------------------------------------------------------------------------------------------------------------
# Messages


def test_validation_message_lists_up_to_three_issues() -> None:
    issues = [issue(f"body.input.f{i}", f"bad {i}") for i in range(5)]
    error = error_from_response(make_response(400, envelope(*issues), JSON))
    assert error.message == "HTTP 400: body.input.f0: bad 0; body.input.f1: bad 1; body.input.f2: bad 2 (+2 more)"
    assert len(error.issues) == 5


def test_validation_message_exactly_three_issues_has_no_more_suffix() -> None:
    issues = [issue(f"f{i}", f"bad {i}") for i in range(3)]
    error = error_from_response(make_response(400, envelope(*issues), JSON))
    assert error.message == "HTTP 400: f0: bad 0; f1: bad 1; f2: bad 2"


def test_validation_message_puts_errors_before_warnings() -> None:
    body = envelope(issue("body.a", "deprecated", severity="warning"), issue("body.b", "Required"))
    assert (
        error_from_response(make_response(400, body, JSON)).message == "HTTP 400: body.b: Required; body.a: deprecated"
    )


def test_validation_issue_without_field_or_message() -> None:
    body = envelope({"message": "input must be an object"}, {"field": "body.x", "code": "required"})
    error = error_from_response(make_response(400, body, JSON))
    assert error.message == "HTTP 400: input must be an object; body.x: required"


@pytest.mark.parametrize("status", [401, 403, 404, 409, 413, 429, 500, 503])
def test_other_statuses_use_first_issue_message_without_field(status: int) -> None:
    error = error_from_response(make_response(status, envelope(issue("<root>", "server says no")), JSON))
    assert error.message.startswith(f"HTTP {status}: server says no")


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (400, "validation error"),
        (401, "invalid or missing API key: pass api_key= or set EIGENPAL_API_KEY"),
        (403, "forbidden: the API key lacks the required scope"),
        (404, "not found"),
        (413, "payload too large"),
        (429, "rate limit exceeded"),
        (500, "server error"),
        (502, "server error"),
        (503, "server error"),
        (409, "unexpected status 409"),
        (418, "unexpected status 418"),
        (307, "a redirect (status 307) without a Location; base_url probably points at the wrong place"),
    ],
)
@pytest.mark.parametrize("body", [b"", b"{}", b'{"issues": []}'])
def test_default_messages(status: int, text: str, body: bytes) -> None:
    error = error_from_response(make_response(status, body, JSON))
    assert error.message.startswith(f"HTTP {status}: {text}")


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"message": "quota exhausted"}, "quota exhausted"),
        ({"error": "quota exhausted"}, "quota exhausted"),
        ({"error": {"message": "quota exhausted", "type": "x"}}, "quota exhausted"),
        ({"detail": "quota exhausted", "title": "Too Many"}, "quota exhausted"),
        ({"message": "  quota\n  exhausted\r\n"}, "quota exhausted"),
        ("quota exhausted", "quota exhausted"),
    ],
)
@pytest.mark.parametrize("status", [401, 403, 404, 409, 500])
def test_message_from_non_envelope_shapes(status: int, body: object, text: str) -> None:
    error = error_from_response(make_response(status, json.dumps(body), JSON))
    assert type(error) is expected_class(status)
    assert error.message == f"HTTP {status}: {text}"


def test_message_shape_on_429_does_not_crash_and_keeps_retry_after() -> None:
    # The official SDK 0.4.12 raised KeyError: 'issues' here.
    response = make_response(429, b'{"message": "slow down"}', {**JSON, "Retry-After": "7"})
    error = error_from_response(response)
    assert isinstance(error, EigenpalRateLimitError)
    assert error.retry_after == 7.0
    assert error.issues == []
    assert error.message == "HTTP 429: slow down (retry after 7s)"


def test_issue_without_severity_does_not_crash() -> None:
    # The official SDK 0.4.12 raised KeyError: 'severity' here.
    body = json.dumps({"issues": [{"field": "body.input", "message": "Required", "code": "required"}]})
    error = error_from_response(make_response(400, body, JSON))
    assert error.issues == [ErrorIssue("body.input", "Required", "required", "error")]


def test_long_server_text_is_truncated() -> None:
    error = error_from_response(make_response(500, json.dumps({"message": "x" * 5000}), JSON))
    assert len(error.message) < 400
    assert error.message.endswith("\N{HORIZONTAL ELLIPSIS}")


# ----------------------------------------------------------------------------------------------------------------
# Malformed bodies never raise

MALFORMED_BODIES: list[bytes] = [
    b"",
    b"   \n",
    b"null",
    b"{}",
    b"[]",
    b"42",
    b"3.5",
    b"true",
    b'"just a string"',
    b"[1, 2, 3]",
    b'[{"field": "a", "message": "b"}]',
    b'{"issues": "oops"}',
    b'{"issues": null}',
    b'{"issues": 7}',
    b'{"issues": {"field": "a", "message": "single dict"}}',
    b'{"issues": [1, "loose string", null, [], true]}',
    b'{"issues": [{}]}',
    b'{"issues": [{"field": 1, "message": null, "code": [], "severity": {}}]}',
    b'{"issues": [{"message": "no severity"}], "requestId": 5, "hint": [], "docsUrl": {}}',
    b'{"message": 12}',
    b'{"message": "m"}',
    b'{"error": "e"}',
    b'{"error": {"code": 1}}',
    b'{"error": null, "message": null}',
    b'{"truncated": ',
    b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    b"Internal Server Error",
    b"\xff\xfe\x00\x01 not utf-8 \x80",
    b"[" * 100_000,
    b"1" * 5000,
    b'{"message": NaN, "issues": [Infinity]}',
]


@pytest.mark.parametrize("content_type", [None, "application/json", "text/html", "text/plain"])
@pytest.mark.parametrize("body", MALFORMED_BODIES, ids=lambda body: repr(body[:40]))
@pytest.mark.parametrize("status", DOCUMENTED_STATUSES)
def test_malformed_bodies_map_to_typed_class(status: int, body: bytes, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    error = error_from_response(make_response(status, body, headers))
    assert type(error) is expected_class(status)
    assert error.status == status
    assert error.message.startswith(f"HTTP {status}: ")
    assert all(isinstance(item, ErrorIssue) for item in error.issues)
    assert str(error)
    assert repr(error)


def test_malformed_issue_items_are_salvaged_or_skipped() -> None:
    body = b'{"issues": [1, "loose string", null, {"field": "a", "message": 2}, {}]}'
    error = error_from_response(make_response(400, body, JSON))
    assert error.issues == [
        ErrorIssue(message="loose string"),
        ErrorIssue(field="a", message="2"),
        ErrorIssue(),
    ]


def test_single_issue_object_instead_of_list_is_salvaged() -> None:
    body = b'{"issues": {"field": "body.input", "message": "Required"}, "requestId": "req_1"}'
    error = error_from_response(make_response(400, body, JSON))
    assert error.issues == [ErrorIssue(field="body.input", message="Required")]
    assert error.message == "HTTP 400: body.input: Required"


def test_response_that_was_not_read_is_treated_as_empty() -> None:
    def stream() -> httpx.SyncByteStream:
        return httpx.ByteStream(b'{"message": "never read"}')

    response = httpx.Response(500, stream=stream(), headers=JSON, request=make_request())
    error = error_from_response(response)
    assert isinstance(error, EigenpalServerError)
    assert error.message == "HTTP 500: server error"


def test_body_is_kept_as_text_when_not_json() -> None:
    error = error_from_response(make_response(502, b"Bad Gateway", {}))
    assert error.body == "Bad Gateway"
    assert error_from_response(make_response(502, b"", {})).body is None


# ----------------------------------------------------------------------------------------------------------------
# The non-JSON guard


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 429])
def test_html_error_says_base_url_is_wrong(status: int) -> None:
    error = error_from_response(make_response(status, b"<!doctype html><html>Marketing</html>", HTML))
    assert type(error) is expected_class(status)
    assert error.message.startswith(
        f"HTTP {status}: expected a JSON response from the EigenPal API but got 'text/html' from app.eigenpal.com"
    )
    assert WRONG_HOST in error.message
    assert "https://studio.eigenpal.com)" in error.message
    assert "/api/v1" not in error.message
    assert "secret-query" not in error.message


@pytest.mark.parametrize("status", [500, 501, 505])
def test_html_server_error_names_both_causes(status: int) -> None:
    error = error_from_response(make_response(status, b"<html>500 Internal Server Error</html>", HTML))
    assert isinstance(error, EigenpalServerError)
    assert "expected a JSON response from the EigenPal API but got 'text/html'" in error.message
    assert "proxy or gateway error page" in error.message
    assert "base_url points at the wrong host" in error.message


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (502, "bad gateway: a gateway in front of the API got no usable answer from it"),
        (503, "service unavailable: a gateway in front of the API could not reach it"),
        (504, "gateway timeout: the API did not answer the gateway in front of it in time"),
    ],
)
@pytest.mark.parametrize("content_type", ["text/plain", "text/html"])
def test_a_gateway_page_says_what_the_gateway_met(status: int, text: str, content_type: str) -> None:
    error = error_from_response(make_response(status, b"Gateway Timeout", {"content-type": content_type}))
    assert isinstance(error, EigenpalServerError)
    assert (
        error.message == f"HTTP {status}: {text} (a {content_type!r} answer from app.eigenpal.com instead of the API)"
    )
    assert "base_url" not in error.message


def _refused(request: httpx.Request, content_type: str = "text/plain") -> EigenpalAPIError:
    return error_from_response(
        httpx.Response(
            413, content=b"Request Entity Too Large", headers={"content-type": content_type}, request=request
        )
    )


def test_a_text_413_is_the_servers_body_limit_with_the_size_sent() -> None:
    request = httpx.Request("POST", URL, content=b"x" * 5_000_000)
    error = _refused(request)
    assert isinstance(error, EigenpalPayloadTooLargeError)
    assert error.message == (
        "HTTP 413: the request is over the server's body limit (5000000 bytes sent; "
        "a 'text/plain' answer from app.eigenpal.com)"
    )
    assert "base_url" not in error.message


def test_a_413_of_a_streamed_or_empty_body_says_so() -> None:
    streamed = httpx.Request("POST", URL, content=iter([b"x" * 10]))
    assert "(a body of undeclared length sent;" in _refused(streamed, "text/html").message
    assert "(no body sent;" in _refused(httpx.Request("GET", URL)).message


def test_a_json_413_keeps_the_servers_words_and_adds_the_size() -> None:
    request = httpx.Request("POST", URL, content=b"x" * 10)
    response = httpx.Response(
        413, json={"issues": [{"code": "too_large", "message": "body too large"}]}, request=request
    )
    assert error_from_response(response).message == "HTTP 413: body too large (10 bytes sent)"


def test_wrong_host_message_names_the_host_it_reached() -> None:
    request = httpx.Request("GET", "https://www.eigenpal.com/api/v1/workflows?token=abc")
    response = httpx.Response(404, content=b"<html/>", headers=HTML, request=request)
    message = error_from_response(response).message
    assert "from www.eigenpal.com" in message
    assert "token=abc" not in message


def test_wrong_host_message_without_request() -> None:
    error = error_from_response(make_response(404, b"<html/>", HTML, with_request=False))
    assert "got 'text/html' \N{EM DASH} base_url probably points at the wrong host" in error.message


@pytest.mark.parametrize("content_type", ["application/json", "application/problem+json", "APPLICATION/JSON; x=y"])
def test_json_content_types_are_not_flagged(content_type: str) -> None:
    error = error_from_response(
        make_response(404, envelope(issue("id", "no such workflow")), {"content-type": content_type})
    )
    assert error.message == "HTTP 404: no such workflow"


def test_missing_content_type_is_tolerated() -> None:
    error = error_from_response(make_response(404, envelope(issue("id", "no such workflow")), {}))
    assert error.message == "HTTP 404: no such workflow"


def test_html_with_retry_after_still_carries_it() -> None:
    error = error_from_response(make_response(429, b"<html/>", {**HTML, "retry-after": "2"}))
    assert isinstance(error, EigenpalRateLimitError)
    assert error.retry_after == 2.0
    assert WRONG_HOST in error.message


def test_unusable_success_response_html() -> None:
    error = unusable_success_response(make_response(200, b"<html/>", HTML), reason="not JSON", execution_id="exec_1")
    assert isinstance(error, EigenpalResponseError)
    assert error.status == 200
    assert error.execution_id == "exec_1"
    assert error.message.startswith("HTTP 200: expected a JSON response from the EigenPal API but got 'text/html'")
    assert WRONG_HOST in error.message


def test_unusable_success_response_schema_mismatch() -> None:
    response = make_response(201, b'{"status": "pending"}', {**JSON, "x-request-id": "req_9"})
    error = unusable_success_response(response, reason="missing executionId")
    assert isinstance(error, EigenpalResponseError)
    assert error.message == "HTTP 201: the server's answer did not match the API contract: missing executionId"
    assert error.request_id == "req_9"
    assert error.body == {"status": "pending"}


@pytest.mark.parametrize("body", [b"", b"not json", b"[", b"\xff"])
def test_unusable_success_response_never_raises(body: bytes) -> None:
    error = unusable_success_response(make_response(200, body, {}), reason="invalid JSON")
    assert error.message == "HTTP 200: the server's answer did not match the API contract: invalid JSON"


# ----------------------------------------------------------------------------------------------------------------
# Retry-After


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("  12  ", 12.0),
        (".5", 0.5),
        ("120", 120.0),
        ("abc", None),
        ("-1", None),
        ("-0.5", None),
        ("+3", None),
        ("nan", None),
        ("NaN", None),
        ("inf", None),
        ("Infinity", None),
        ("1e3", None),
        ("1_000", None),
        ("3 seconds", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("9" * 400, None),
    ],
)
def test_parse_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=FIXED_NOW) == expected


def test_parse_retry_after_http_date_ahead() -> None:
    value = format_datetime(FIXED_NOW + timedelta(seconds=10), usegmt=True)
    assert value.endswith(" GMT")
    assert parse_retry_after(value, now=FIXED_NOW) == 10.0


def test_parse_retry_after_http_date_in_the_past_is_zero() -> None:
    assert parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now=FIXED_NOW) == 0.0


@pytest.mark.parametrize(
    "value",
    [
        "Sat, 09 May 2026 12:00:30 GMT",  # IMF-fixdate
        "Saturday, 09-May-26 12:00:30 GMT",  # obsolete RFC 850
        "Sat May  9 12:00:30 2026",  # obsolete asctime, no zone: HTTP-dates are UTC
    ],
)
def test_parse_retry_after_http_date_forms(value: str) -> None:
    assert parse_retry_after(value, now=FIXED_NOW) == 30.0


def test_parse_retry_after_accepts_naive_now() -> None:
    assert parse_retry_after("Sat, 09 May 2026 12:00:05 GMT", now=datetime(2026, 5, 9, 12, 0, 0)) == 5.0


def test_parse_retry_after_default_now_is_current_time() -> None:
    ahead = format_datetime(datetime.now(UTC) + timedelta(seconds=100), usegmt=True)
    result = parse_retry_after(ahead)
    assert result is not None
    assert 90.0 <= result <= 100.0


@given(st.text())
def test_parse_retry_after_never_raises(value: str) -> None:
    result = parse_retry_after(value, now=FIXED_NOW)
    assert result is None or (math.isfinite(result) and result >= 0.0)


@pytest.mark.parametrize(
    ("header", "expected", "suffix"),
    [
        ("3", 3.0, " (retry after 3s)"),
        ("1.5", 1.5, " (retry after 1.5s)"),
        ("0", 0.0, " (retry after 0s)"),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 0.0, " (retry after 0s)"),
        ("soon", None, ""),
    ],
)
def test_rate_limit_error_retry_after_from_header(header: str, expected: float | None, suffix: str) -> None:
    error = error_from_response(make_response(429, envelope(), {**JSON, "Retry-After": header}))
    assert isinstance(error, EigenpalRateLimitError)
    assert error.retry_after == expected
    assert error.message == f"HTTP 429: rate limit exceeded{suffix}"


def test_rate_limit_error_without_header() -> None:
    error = error_from_response(make_response(429, b"", {}))
    assert isinstance(error, EigenpalRateLimitError)
    assert error.retry_after is None
    assert error.message == "HTTP 429: rate limit exceeded"


def test_rate_limit_uses_issue_message_and_keeps_retry_after() -> None:
    body = envelope(issue("<root>", "Too many runs for this workflow", "rate_limited"))
    error = error_from_response(make_response(429, body, {**JSON, "retry-after": "4"}))
    assert error.message == "HTTP 429: Too many runs for this workflow (retry after 4s)"


# ----------------------------------------------------------------------------------------------------------------
# Transport errors

TransportFactory = Callable[[httpx.Request], httpx.TransportError]


@pytest.mark.parametrize(
    ("factory", "cls", "request_sent", "text"),
    [
        (
            lambda r: httpx.ConnectError("[Errno 111] Connection refused", request=r),
            EigenpalConnectionError,
            False,
            "could not connect to app.eigenpal.com:443 (ConnectError: [Errno 111] Connection refused)",
        ),
        (
            lambda r: httpx.ConnectTimeout("timed out", request=r),
            EigenpalRequestTimeoutError,
            False,
            "request timed out (connect timeout): could not connect to app.eigenpal.com:443",
        ),
        (
            lambda r: httpx.ReadTimeout("timed out", request=r),
            EigenpalRequestTimeoutError,
            True,
            "request timed out (read timeout): app.eigenpal.com:443 did not answer",
        ),
        (
            lambda r: httpx.WriteTimeout("timed out", request=r),
            EigenpalRequestTimeoutError,
            True,
            "request timed out (write timeout): could not send the request to app.eigenpal.com:443",
        ),
        (
            lambda r: httpx.PoolTimeout("timed out", request=r),
            EigenpalRequestTimeoutError,
            False,
            "request timed out (pool timeout): no free connection to app.eigenpal.com:443",
        ),
        (
            lambda r: httpx.RemoteProtocolError("Server disconnected without sending a response.", request=r),
            EigenpalConnectionError,
            True,
            "connection dropped: app.eigenpal.com:443 closed the connection",
        ),
        (
            lambda r: httpx.ReadError("[Errno 104] Connection reset by peer", request=r),
            EigenpalConnectionError,
            True,
            "connection dropped while reading the response from app.eigenpal.com:443",
        ),
        (
            lambda r: httpx.WriteError("broken pipe", request=r),
            EigenpalConnectionError,
            True,
            "connection dropped while sending the request to app.eigenpal.com:443",
        ),
        (
            lambda r: httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'ftp://'.", request=r),
            EigenpalConnectionError,
            False,
            "unsupported URL scheme",
        ),
    ],
)
def test_transport_mapping(factory: TransportFactory, cls: type[EigenpalError], request_sent: bool, text: str) -> None:
    error = error_from_transport(factory(make_request()))
    assert type(error) is cls
    assert error.message.startswith(text)
    assert error.request_sent is request_sent
    assert error.execution_may_exist is False
    assert "may exist" not in error.message


def test_timeout_reports_configured_seconds() -> None:
    error = error_from_transport(httpx.ReadTimeout("timed out", request=make_request(timeout=60.0)))
    assert isinstance(error, EigenpalTimeoutError)
    assert error.timeout_seconds == 60.0
    assert error.message == "request timed out (read timeout): app.eigenpal.com:443 did not answer within 60s"


def test_timeout_without_configured_seconds() -> None:
    error = error_from_transport(httpx.ReadTimeout("timed out", request=make_request()))
    assert isinstance(error, EigenpalTimeoutError)
    assert error.timeout_seconds is None
    assert error.message.endswith("did not answer in time")


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("http://127.0.0.1:8765/api/v1/workflows", "127.0.0.1:8765"),
        ("http://localhost/api/v1/workflows", "localhost:80"),
        ("https://studio.eigenpal.com/api/v1/workflows", "studio.eigenpal.com:443"),
        ("http://[::1]:9000/api/v1/workflows", "[::1]:9000"),
    ],
)
def test_could_not_connect_names_the_host_and_the_port(url: str, where: str) -> None:
    refused = httpx.ConnectError("[Errno 111] Connection refused", request=httpx.Request("GET", url))
    assert error_from_transport(refused).message.startswith(f"could not connect to {where} (ConnectError:")
    timed_out = httpx.ConnectTimeout("timed out", request=httpx.Request("GET", url))
    assert f"could not connect to {where}" in error_from_transport(timed_out).message


def test_transport_error_without_request() -> None:
    error = error_from_transport(httpx.ConnectError("Name or service not known"))
    assert error.message == "could not connect to the server (ConnectError: Name or service not known)"
    bare_timeout = error_from_transport(httpx.TimeoutException("timed out"))
    assert isinstance(bare_timeout, EigenpalTimeoutError)
    assert bare_timeout.message == "request timed out talking to the server"


def test_request_sent_can_be_overridden() -> None:
    error = error_from_transport(httpx.ReadError("reset", request=make_request()), request_sent=False)
    assert error.request_sent is False
    error = error_from_transport(httpx.ConnectError("refused", request=make_request()), request_sent=True)
    assert error.request_sent is True


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("timed out", request=make_request("POST")),
        httpx.RemoteProtocolError("Server disconnected", request=make_request("POST")),
        httpx.ReadError("reset", request=make_request("POST")),
    ],
)
def test_execution_may_exist_hint(exc: httpx.TransportError) -> None:
    error = error_from_transport(exc, creates_execution=True)
    assert error.execution_may_exist is True
    assert error.message.endswith("; the run request was sent, so an execution may exist whose id was never received")
    assert "executions.list(" not in str(error)  # no workflow known to the transport: nothing to look up yet


def test_the_lookup_is_written_from_the_fields_set_in_one_place() -> None:
    error = error_from_transport(httpx.ReadTimeout("t", request=make_request("POST")), creates_execution=True)
    sent = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    mark_may_exist(error, "wf_123", sent, sent + timedelta(seconds=5))
    assert (error.workflow_id, error.created_after, error.created_before) == (
        "wf_123", sent - timedelta(minutes=1), sent + timedelta(seconds=65),
    )  # fmt: skip
    assert "executions.list(" not in error.message  # what happened...
    assert str(error).endswith(  # ...and, from the fields, where to look
        "; an execution may exist whose id never arrived: find it with client.workflows.executions.list('wf_123', "
        "from_date='2026-11-27T09:59:00Z', to_date='2026-11-27T10:01:05Z')"
    )


def test_execution_may_exist_hint_dropped_when_id_is_known() -> None:
    exc = httpx.ReadTimeout("t", request=make_request())
    error = error_from_transport(exc, creates_execution=True, execution_id="exec_1")
    assert "may exist" not in error.message
    assert error.execution_id == "exec_1"
    assert str(error).endswith("(execution_id=exec_1)")


def test_transport_error_keeps_original_as_cause_when_raised_from() -> None:
    exc = httpx.ConnectError("refused", request=make_request())
    with pytest.raises(EigenpalConnectionError) as info:
        raise error_from_transport(exc) from exc
    assert info.value.__cause__ is exc


# ----------------------------------------------------------------------------------------------------------------
# str(), repr(), ids, pickling


def test_str_carries_ids() -> None:
    assert str(EigenpalError("boom")) == "boom"
    assert str(EigenpalError("boom", request_id="req_1")) == "boom (request_id=req_1)"
    assert str(EigenpalError("boom", execution_id="exec_1")) == "boom (execution_id=exec_1)"
    both = EigenpalError("boom", execution_id="exec_1", request_id="req_1")
    assert str(both) == "boom (execution_id=exec_1, request_id=req_1)"


def test_response_error_str_carries_ids() -> None:
    error = error_from_response(make_response(404, envelope(issue("id", "gone")), JSON), execution_id="exec_7")
    assert str(error) == "HTTP 404: gone (execution_id=exec_7, request_id=req_body)"
    assert error.message == "HTTP 404: gone"


def test_with_execution_id_attaches_and_returns_self() -> None:
    error = error_from_transport(httpx.ReadTimeout("t", request=make_request()))
    same = error.with_execution_id("exec_9")
    assert same is error
    assert error.execution_id == "exec_9"
    assert "execution_id=exec_9" in str(error)
    api_error = error_from_response(make_response(500, b"", {})).with_execution_id("exec_10")
    assert isinstance(api_error, EigenpalServerError)
    assert api_error.execution_id == "exec_10"


def test_repr_names_class_and_key_fields() -> None:
    error = error_from_response(make_response(429, envelope(), {**JSON, "retry-after": "2"}), execution_id="exec_1")
    assert repr(error) == (
        "EigenpalRateLimitError(message='HTTP 429: rate limit exceeded (retry after 2s)', status=429, "
        "execution_id='exec_1', request_id='req_body', retry_after=2.0)"
    )


def test_constructors_are_usable_directly() -> None:
    timeout = EigenpalWaitTimeoutError(
        "wait passed its deadline", execution_id="exec_1", last_status="running", timeout_seconds=300.0
    )
    assert timeout.last_status == "running"
    assert timeout.timeout_seconds == 300.0
    assert timeout.request_sent is False
    connection = EigenpalConnectionError("down", request_sent=True, execution_may_exist=True)
    assert (connection.request_sent, connection.execution_may_exist) == (True, True)
    api = EigenpalAPIError("HTTP 499: x", status=499)
    assert (api.issues, api.request_id, api.hint, api.docs_url, api.body) == ([], None, None, None, None)


ALL_ERRORS: list[EigenpalError] = [
    EigenpalError("base", execution_id="e", request_id="r"),
    EigenpalTimeoutError("t", execution_id="e", timeout_seconds=1.5, execution_may_exist=True),
    EigenpalWaitTimeoutError("w", execution_id="e", last_status="running", timeout_seconds=1.5),
    EigenpalConnectionError("c", request_sent=True, execution_may_exist=True),
    *(
        error_from_response(make_response(status, envelope(issue("a", "b"), hint="h"), {**JSON, "retry-after": "1"}))
        for status in [400, 401, 403, 404, 413, 429, 500, 418]
    ),
    unusable_success_response(make_response(200, b"<html/>", HTML), reason="html"),
]


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda error: type(error).__name__)
def test_errors_pickle_round_trip(error: EigenpalError) -> None:
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is type(error)
    assert restored.__dict__ == error.__dict__
    assert str(restored) == str(error)
    assert repr(restored) == repr(error)
    assert restored.args == error.args


# ----------------------------------------------------------------------------------------------------------------
# The API key never leaks


def leaky_errors() -> list[EigenpalError]:
    echoed = f"invalid key {API_KEY} (header was Bearer {API_KEY})"
    bodies = [
        envelope(issue("headers.authorization", echoed)),
        json.dumps({"message": echoed}).encode(),
        envelope(hint=f"rotate {API_KEY}"),
        f"<html>{API_KEY}</html>".encode(),
        b"",
    ]
    errors: list[EigenpalError] = []
    for status in [400, 401, 403, 404, 429, 500]:
        for body in bodies:
            for headers in (JSON, HTML, {}):
                errors.append(error_from_response(make_response(status, body, headers)))
    errors.append(unusable_success_response(make_response(200, b"<html/>", HTML), reason="html"))
    errors.append(unusable_success_response(make_response(200, json.dumps({"k": API_KEY}), JSON), reason="schema"))
    request = make_request("POST")
    errors.extend(
        error_from_transport(exc, creates_execution=True)
        for exc in [
            httpx.ConnectError(f"refused {API_KEY}", request=request),
            httpx.ReadTimeout("timed out", request=request),
            httpx.RemoteProtocolError(f"bad header Authorization: Bearer {API_KEY}", request=request),
        ]
    )
    return errors


def test_api_key_never_appears_in_str_or_repr() -> None:
    errors = leaky_errors()
    assert len(errors) > 90
    for error in errors:
        assert API_KEY not in str(error), repr(type(error))
        assert API_KEY not in repr(error), repr(type(error))
    echoed = error_from_response(make_response(401, json.dumps({"message": f"bad key {API_KEY}"}), JSON))
    assert echoed.message == "HTTP 401: bad key [REDACTED]"


def test_short_authorization_values_are_not_redacted_out_of_words() -> None:
    request = httpx.Request("GET", URL, headers={"Authorization": "Bearer a"})
    response = httpx.Response(404, content=b'{"message": "a workflow was not found"}', headers=JSON, request=request)
    assert error_from_response(response).message == "HTTP 404: a workflow was not found"


# ----------------------------------------------------------------------------------------------------------------
# ErrorIssue


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"field": "f", "message": "m", "code": "c", "severity": "warning"}, ErrorIssue("f", "m", "c", "warning")),
        ({}, ErrorIssue("", "", "", "error")),
        ({"severity": None}, ErrorIssue()),
        ({"severity": "fatal"}, ErrorIssue(severity="fatal")),
        ({"field": 3, "message": 1.5, "code": True}, ErrorIssue(field="3", message="1.5")),
        ("loose text", ErrorIssue(message="loose text")),
        ("   ", None),
        (None, None),
        (42, None),
        ([], None),
    ],
)
def test_error_issue_from_json(raw: object, expected: ErrorIssue | None) -> None:
    assert ErrorIssue.from_json(raw) == expected


def test_error_issue_is_frozen() -> None:
    item = ErrorIssue("f", "m")
    with pytest.raises(AttributeError):
        item.field = "other"  # type: ignore[misc]


# ----------------------------------------------------------------------------------------------------------------
# Properties

CONTENT_TYPES = st.sampled_from(
    [None, "application/json", "application/json; charset=utf-8", "text/html", "text/plain", "", "weird/\x7f", "json"]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
ENVELOPE_KEYS = st.sampled_from(
    ["issues", "requestId", "hint", "docsUrl", "message", "error", "detail", "field", "severity", "code"]
)
ENVELOPE_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ENVELOPE_KEYS, children, max_size=6),
    max_leaves=25,
)


def check_never_raises(status: int, body: bytes, content_type: str | None, retry_after: str | None) -> None:
    headers: dict[str, str] = {}
    if content_type is not None:
        headers["content-type"] = content_type
    if retry_after is not None:
        headers["retry-after"] = retry_after
    error = error_from_response(make_response(status, body, headers))
    assert isinstance(error, EigenpalAPIError)
    assert type(error) is expected_class(status)
    assert error.status == status
    assert error.message.startswith(f"HTTP {status}: ")
    assert API_KEY not in str(error)
    assert repr(error)


PRINTABLE_HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


@settings(max_examples=300)
@given(
    status=st.integers(min_value=400, max_value=599),
    body=st.binary(max_size=512),
    content_type=CONTENT_TYPES,
    retry_after=st.none() | PRINTABLE_HEADER_TEXT,
)
def test_arbitrary_bytes_never_raise(
    status: int, body: bytes, content_type: str | None, retry_after: str | None
) -> None:
    check_never_raises(status, body, content_type, retry_after)


@settings(max_examples=300)
@given(status=st.integers(min_value=400, max_value=599), value=JSON_VALUES | ENVELOPE_LIKE)
def test_arbitrary_json_never_raises(status: int, value: object) -> None:
    check_never_raises(status, json.dumps(value).encode(), "application/json", None)
