"""Response mapping: an HTTP answer the client cannot use becomes the typed error for it (status → class).

An error body is the ``ApiErrorEnvelope`` of ``openapi.yaml`` (``issues``, ``requestId``, ``hint``), but
nothing here relies on it:

- ``error_from_response`` never raises while reading the body: the official SDK 0.4.12 crashed with
  ``KeyError``/``JSONDecodeError`` on error bodies that were not a perfect envelope (a 429 with
  ``{"message": ...}``, an issue without ``severity``, an empty 500), hiding the status from the caller.
- The request id comes from the body's ``requestId``, falling back to the ``x-request-id`` header, which the
  official SDK documented but never read.
- A 429's ``Retry-After`` (read by the retry policy's ``parse_retry_after``: seconds, a fraction or an
  HTTP-date) becomes ``EigenpalRateLimitError.retry_after``.
- A response whose Content-Type is set but is not JSON almost always means ``base_url`` points at a web page
  rather than the API, so the message says so; except where a gateway in front of the API answers for it: a
  413 (the hosted service's body limit, about 4.5 MiB, is enforced before the API, as text/plain) says the
  request is over the server's body limit and how large it was, and a 502/503/504 page says what the gateway
  met. Whether an execution may exist after a run's 5xx is added by the trigger flow (``_trigger``).
- A redirect (3xx; the client follows none) names where it points (its ``Location``, without query), so the
  caller sees where the API moved instead of a guess.
- The API key never appears in the error: any server-echoed copy is redacted (``_redaction``) from every field
  (message, request id, issues, hint, docs URL, body) and from ``EigenpalAPIError.headers``.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final, NamedTuple

import httpx

from eigenpal_ext import _config
from eigenpal_ext._errors import (
    EigenpalAPIError,
    EigenpalAuthError,
    EigenpalForbiddenError,
    EigenpalNotFoundError,
    EigenpalPayloadTooLargeError,
    EigenpalRateLimitError,
    EigenpalResponseError,
    EigenpalResponseTooLargeError,
    EigenpalServerError,
    EigenpalUnexpectedStatusError,
    EigenpalValidationError,
    ErrorIssue,
    ResponseHeaders,
)
from eigenpal_ext._limits import ResponseTooLarge
from eigenpal_ext._redaction import (
    REDACTED,
    clean,
    clean_or_none,
    redact,
    redact_json,
    redact_or_none,
    secrets_of,
    truncate,
)
from eigenpal_ext._retry import parse_retry_after
from eigenpal_ext._transport_errors import exception_request

__all__ = ["error_from_oversized", "error_from_response", "is_wrong_host_answer", "unusable_success_response"]

_INSTANCE_ROOT_EXAMPLE: Final = _config.DEFAULT_BASE_URL
_MAX_ISSUES_IN_MESSAGE: Final = 3


class _ParsedBody(NamedTuple):
    """What could be salvaged from an error body, whatever its shape."""

    body: object = None
    issues: tuple[ErrorIssue, ...] = ()
    request_id: str | None = None
    hint: str | None = None
    docs_url: str | None = None
    text: str | None = None


_STATUS_CLASSES: Final[Mapping[int, type[EigenpalAPIError]]] = {
    400: EigenpalValidationError,
    401: EigenpalAuthError,
    403: EigenpalForbiddenError,
    404: EigenpalNotFoundError,
    413: EigenpalPayloadTooLargeError,
    429: EigenpalRateLimitError,
}

_DEFAULT_TEXTS: Final[Mapping[int, str]] = {
    400: "validation error",
    401: "invalid or missing API key: pass api_key= or set EIGENPAL_API_KEY",
    403: "forbidden: the API key lacks the required scope",
    404: "not found",
    413: "payload too large: the request body exceeds the server's size limit",
    429: "rate limit exceeded",
}


def error_from_response(response: httpx.Response, *, execution_id: str | None = None) -> EigenpalAPIError:
    """Map an already-read error response to the typed error for its status; never raises on odd bodies."""
    status = response.status_code
    secrets = secrets_of(_response_request(response))
    parsed = _parse_body(response, secrets)
    request_id = parsed.request_id or redact_or_none(clean_or_none(_header(response, "x-request-id")), secrets)
    retry_after = parse_retry_after(_header(response, "retry-after")) if status == 429 else None

    media_type = _non_json_media_type(response)
    if 300 <= status < 400:
        text = _redirect_text(response)
    elif media_type is not None and status == 413:
        answered = _answered_by(response, media_type)
        text = f"the request is over the server's body limit ({_bytes_sent(response)}; {answered})"
    elif media_type is not None and status in _GATEWAY_TEXTS:
        text = f"{_GATEWAY_TEXTS[status]} ({_answered_by(response, media_type)} instead of the API)"
    elif media_type is not None:
        text = _wrong_host_text(response, media_type, gateway_likely=status >= 500)
    else:
        text = _status_text(status, parsed)
        if status == 413:
            text = f"{text} ({_bytes_sent(response)})"
        if parsed.hint:
            text = f"{text} (hint: {parsed.hint})"
    if retry_after is not None:
        text = f"{text} (retry after {retry_after:g}s)"
    message = redact(f"HTTP {status}: {text}", secrets)
    headers = _response_headers(response, secrets)

    error = _class_for_status(status)(
        message,
        status=status,
        issues=parsed.issues,
        request_id=request_id,
        hint=parsed.hint,
        docs_url=parsed.docs_url,
        body=parsed.body,
        execution_id=execution_id,
        headers=headers,
    )
    if isinstance(error, EigenpalRateLimitError):
        error.retry_after = retry_after
    return error


def unusable_success_response(
    response: httpx.Response, *, reason: str, execution_id: str | None = None
) -> EigenpalResponseError:
    """The error for a 2xx whose body is not JSON or does not match the API schema (``reason`` says how)."""
    status = response.status_code
    secrets = secrets_of(_response_request(response))
    parsed = _parse_body(response, secrets)
    media_type = _non_json_media_type(response)
    if media_type is not None:
        text = _wrong_host_text(response, media_type, gateway_likely=False)
    else:
        text = f"the server's answer did not match the API contract: {reason}"
    return EigenpalResponseError(
        redact(f"HTTP {status}: {text}", secrets),
        status=status,
        issues=parsed.issues,
        request_id=parsed.request_id or redact_or_none(clean_or_none(_header(response, "x-request-id")), secrets),
        hint=parsed.hint,
        docs_url=parsed.docs_url,
        body=parsed.body,
        execution_id=execution_id,
        headers=_response_headers(response, secrets),
    )


def _response_headers(response: httpx.Response, secrets: Sequence[str]) -> ResponseHeaders:
    """The response's headers for the error, with any echo of the client's own API key redacted."""
    return ResponseHeaders((name, redact(value, secrets)) for name, value in response.headers.multi_items())


def is_wrong_host_answer(response: httpx.Response) -> bool:
    """A Content-Type that is set but not JSON: the answer came from a web page, not from the API."""
    return _non_json_media_type(response) is not None


def error_from_oversized(
    exc: ResponseTooLarge,
    *,
    execution_id: str | None = None,
    creates_execution: bool = False,
) -> EigenpalResponseTooLargeError:
    """The error for an answer over ``max_response_bytes`` (raised by the transport while reading it).

    ``creates_execution`` (a run request): a 2xx over the cap means the run was accepted, so an execution exists.
    """
    request = exception_request(exc)
    host = request.url.host if request is not None and request.url.host else "the server"
    limit = exc.limit_bytes
    text = (
        f"HTTP {exc.status_code}: the answer from {host} is larger than this client's limit of {limit} bytes "
        f"({limit / 1048576:g} MiB, max_response_bytes) and was not read"
    )
    accepted = creates_execution and execution_id is None and 200 <= exc.status_code < 300
    if accepted:
        text += "; the run was accepted, so an execution exists"
    secrets = secrets_of(request)
    request_id = clean_or_none(exc.headers.get("x-request-id", "").strip() or None)
    error = EigenpalResponseTooLargeError(
        redact(text, secrets),
        status=exc.status_code,
        limit_bytes=limit,
        request_id=redact_or_none(request_id, secrets),
        execution_id=execution_id,
        headers=ResponseHeaders((name, redact(value, secrets)) for name, value in exc.headers.multi_items()),
    )
    error.execution_may_exist = accepted
    return error


def _class_for_status(status: int) -> type[EigenpalAPIError]:
    if status >= 500:
        return EigenpalServerError
    return _STATUS_CLASSES.get(status, EigenpalUnexpectedStatusError)


def _status_text(status: int, parsed: _ParsedBody) -> str:
    # Warnings are advisory; when the server mixes them with errors, the errors explain the rejection.
    issues = sorted(parsed.issues, key=lambda issue: issue.severity == "warning")
    if status == 400 and issues:
        shown = "; ".join(issue.describe(with_field=True) for issue in issues[:_MAX_ISSUES_IN_MESSAGE])
        hidden = len(issues) - _MAX_ISSUES_IN_MESSAGE
        return f"{shown} (+{hidden} more)" if hidden > 0 else shown
    if issues:
        return issues[0].describe(with_field=False)
    return parsed.text or _default_text(status)


# A gateway's own page for these statuses (not the API's JSON) says what the gateway met, not that base_url is wrong.
_GATEWAY_TEXTS: Final[Mapping[int, str]] = {
    502: "bad gateway: a gateway in front of the API got no usable answer from it",
    503: "service unavailable: a gateway in front of the API could not reach it",
    504: "gateway timeout: the API did not answer the gateway in front of it in time",
}


def _bytes_sent(response: httpx.Response) -> str:
    """How large the refused request was: its ``Content-Length``, when it declared one."""
    request = _response_request(response)
    if request is None:
        return "size not known"
    length = request.headers.get("content-length", "")
    if length.isdigit():
        return f"{int(length)} bytes sent"
    return "a body of undeclared length sent" if "transfer-encoding" in request.headers else "no body sent"


def _answered_by(response: httpx.Response, media_type: str) -> str:
    request = _response_request(response)
    host = request.url.host if request is not None and request.url.host else "the server"
    return f"a {media_type!r} answer from {host}"


def _default_text(status: int) -> str:
    if status in _DEFAULT_TEXTS:
        return _DEFAULT_TEXTS[status]
    if status >= 500:
        return "server error"
    return f"unexpected status {status}"


def _redirect_text(response: httpx.Response) -> str:
    """A 3xx: where it points. The client follows no redirect (a run must not be sent twice, nor the API key to
    another host); the 0.4.10 SDKs met exactly this with a wrong prefix, and EigenPal's hosts have moved before."""
    location = _header(response, "location")
    if location is None:
        return (
            f"a redirect (status {response.status_code}) without a Location; base_url probably points at the wrong "
            f"place (e.g. {_INSTANCE_ROOT_EXAMPLE})"
        )
    request = _response_request(response)
    try:
        target = httpx.URL(location) if request is None else request.url.join(location)
        shown = str(target.copy_with(query=None, fragment=None, userinfo=b""))
    except (httpx.InvalidURL, ValueError, TypeError):
        shown = location
    return (
        f"a redirect (status {response.status_code}) to {truncate(clean(shown), 300)}, which this client does not "
        "follow; if the API is there now, set base_url to that address (its /api/v1 or /v1 path included)"
    )


def _parse_body(response: httpx.Response, secrets: Sequence[str] = ()) -> _ParsedBody:
    """What the body says, with every copy of ``secrets`` replaced (before decoding, and in decoded strings)."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return _ParsedBody()
    if not content.strip():
        return _ParsedBody()
    for secret in secrets:
        content = content.replace(secret.encode("utf-8", "replace"), REDACTED.encode("ascii"))
    try:
        decoded: object = redact_json(json.loads(content), secrets)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError, UnicodeDecodeError and over-long integers; RecursionError covers
        # pathologically nested arrays. Neither may hide the status from the caller.
        return _ParsedBody(body=content.decode("utf-8", errors="replace"))
    if isinstance(decoded, str):
        return _ParsedBody(body=decoded, text=clean(decoded) or None)
    if not isinstance(decoded, Mapping):
        return _ParsedBody(body=decoded)
    return _ParsedBody(
        body=decoded,
        issues=_parse_issues(decoded.get("issues")),
        request_id=clean_or_none(decoded.get("requestId")),
        hint=clean_or_none(decoded.get("hint")),
        docs_url=clean_or_none(decoded.get("docsUrl")),
        text=_fallback_text(decoded),
    )


def _parse_issues(raw: object) -> tuple[ErrorIssue, ...]:
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        return ()
    issues = (ErrorIssue.from_json(item) for item in raw)
    return tuple(issue for issue in issues if issue is not None)


def _fallback_text(body: Mapping[Any, object]) -> str | None:
    """A message from the non-envelope shapes that frameworks, proxies and RFC 9457 problem bodies use."""
    for key in ("message", "error", "detail", "title"):
        value = body.get(key)
        if isinstance(value, Mapping):
            value = value.get("message")
        text = clean_or_none(value)
        if text:
            return text
    return None


def _non_json_media_type(response: httpx.Response) -> str | None:
    """The media type when Content-Type is set but not JSON; an absent one is tolerated (proxies strip it)."""
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not media_type or "json" in media_type:
        return None
    return truncate(media_type, 100)


def _wrong_host_text(response: httpx.Response, media_type: str, *, gateway_likely: bool) -> str:
    request = _response_request(response)
    host = request.url.host if request is not None else ""
    got = f"expected a JSON response from the EigenPal API but got {media_type!r}"
    if host:
        got = f"{got} from {host}"
    root = f"it should be the instance root, e.g. {_INSTANCE_ROOT_EXAMPLE}"
    if gateway_likely:
        # A 5xx HTML page is as often a load balancer's outage page on the right host as a wrong base_url.
        return f"{got} \N{EM DASH} a proxy or gateway error page, or base_url points at the wrong host ({root})"
    return f"{got} \N{EM DASH} base_url probably points at the wrong host ({root})"


def _response_request(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:
        return None


def _header(response: httpx.Response, name: str) -> str | None:
    value = response.headers.get(name, "").strip()
    return value or None
