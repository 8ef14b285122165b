"""The exception tree of eigenpal-ext, and the mapping of HTTP responses and httpx transport errors onto it.

Every error this package raises on purpose derives from ``EigenpalError``; bad arguments are the exception and
raise plain ``ValueError``/``TypeError``, because they are bugs in the calling code rather than runtime conditions::

    EigenpalError                          base of every error this package raises (except ValueError/TypeError)
    ├── EigenpalAPIError                   the server answered with an error status (or an unusable body)
    │   ├── EigenpalValidationError        400, .issues names each bad field
    │   ├── EigenpalAuthError              401
    │   ├── EigenpalForbiddenError         403
    │   ├── EigenpalNotFoundError          404
    │   ├── EigenpalPayloadTooLargeError   413
    │   ├── EigenpalRateLimitError         429, .retry_after seconds
    │   ├── EigenpalServerError            5xx
    │   ├── EigenpalUnexpectedStatusError  any other status
    │   └── EigenpalResponseError          2xx whose body is not the JSON we expect (wrong base_url?)
    │       └── EigenpalResponseTooLargeError  an answer over the client's max_response_bytes (any status)
    ├── EigenpalConnectionError            no usable answer: refused, dropped, DNS...
    └── EigenpalTimeoutError               a request timed out, or a wait passed its deadline

Every error carries ``.message``, ``.execution_id`` and ``.request_id``; ``str()`` appends whichever ids are set,
so a logged error can always be matched with the server's records.

Mapping rules (an error body is the ``ApiErrorEnvelope`` of ``openapi.yaml``: ``issues``, ``requestId``, ``hint``):

- ``error_from_response`` never raises while reading the body: the official SDK 0.4.12 crashed with
  ``KeyError``/``JSONDecodeError`` on error bodies that were not a perfect envelope (a 429 with
  ``{"message": ...}``, an issue without ``severity``, an empty 500), hiding the status from the caller.
- The request id comes from the body's ``requestId``, falling back to the ``x-request-id`` header, which the
  official SDK documented but never read.
- ``Retry-After`` is parsed in both RFC 9110 forms (seconds or HTTP-date) and as a fraction; the official SDK
  accepted only integers.
- A response whose Content-Type is set but is not JSON almost always means ``base_url`` points at a web page
  rather than the API, so the message says so.
- httpx transport errors are wrapped instead of leaking out raw, and say whether the request may have reached
  the server, because a lost answer to a run request can leave an execution running whose id nobody knows.
- The API key never appears in a message or repr: any server-echoed copy of the key is redacted from every
  field of an error (message, request id, issues, hint, docs URL, body) and from ``EigenpalAPIError.headers``,
  and the headers' repr hides every credential-like value.
- Server-supplied text cannot forge output: ``str()`` of an error escapes control characters (a newline in an
  execution id prints as ``\\n``), and texts taken from a body have their whitespace collapsed.

Every public class here is named ``eigenpal_ext.<Name>`` (``@public``), as users import it: tracebacks read
``eigenpal_ext.EigenpalAuthError: HTTP 401: ...``, not the private module that implements it.
"""

import email.utils
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, NamedTuple, Self

import httpx

from eigenpal_ext._limits import DeadlineExceeded, ResponseTooLarge
from eigenpal_ext._public import public

if TYPE_CHECKING:
    from eigenpal_api.models import ExecutionStatus

__all__ = [
    "EigenpalAPIError",
    "EigenpalAuthError",
    "EigenpalConnectionError",
    "EigenpalError",
    "EigenpalForbiddenError",
    "EigenpalNotFoundError",
    "EigenpalPayloadTooLargeError",
    "EigenpalRateLimitError",
    "EigenpalResponseError",
    "EigenpalResponseTooLargeError",
    "EigenpalServerError",
    "EigenpalTimeoutError",
    "EigenpalUnexpectedStatusError",
    "EigenpalValidationError",
    "ErrorIssue",
    "ResponseHeaders",
    "error_from_oversized",
    "error_from_response",
    "error_from_transport",
    "is_wrong_host_answer",
    "parse_retry_after",
    "unusable_success_response",
]

_INSTANCE_ROOT_EXAMPLE: Final = "https://app.eigenpal.com"
# Server-supplied text ends up in log lines; a cap keeps one misbehaving proxy from flooding them.
_MAX_TEXT_CHARS: Final = 300
_MAX_ISSUES_IN_MESSAGE: Final = 3
# Shorter "secrets" would be redacted out of ordinary words; real API keys are far longer than this.
_MIN_SECRET_CHARS: Final = 8
_REDACTED: Final = "[REDACTED]"
_DELAY_SECONDS_RE: Final = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)")
# A response header whose name contains one of these may carry a credential (Set-Cookie, a token echoed by a
# proxy...); its value is kept for code that asks for it, but never shown by repr()/str().
_SENSITIVE_HEADER_WORDS: Final = ("auth", "cookie", "token", "secret", "session", "key", "password", "signature")


class ResponseHeaders(Mapping[str, str]):
    """The headers of the response an ``EigenpalAPIError`` was made from: read-only, case-insensitive.

    ``headers["retry-after"]`` joins repeated headers with ", " (as httpx does); ``get_list`` returns each
    value. Values are as received, except that the client's own API key is replaced by ``[REDACTED]``
    wherever a server echoed it. ``repr()``/``str()`` also hide the values of credential-like headers
    (any name containing auth, cookie, token, secret, session, key, password or signature).
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: tuple[tuple[str, str], ...] = tuple((str(name).lower(), str(value)) for name, value in pairs)

    def __getitem__(self, name: str) -> str:
        values = self.get_list(name)
        if not values:
            raise KeyError(name)
        return ", ".join(values)

    def get_list(self, name: str) -> list[str]:
        """Every value of header ``name``, in the order received (empty when absent)."""
        wanted = name.lower()
        return [value for key, value in self._items if key == wanted]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(key for key, _ in self._items))

    def __len__(self) -> int:
        return len(dict.fromkeys(key for key, _ in self._items))

    def __repr__(self) -> str:
        shown = {name: _REDACTED if _is_sensitive_header(name) else self[name] for name in self}
        return f"{type(self).__name__}({shown!r})"

    __str__ = __repr__

    def __reduce__(self) -> tuple[type["ResponseHeaders"], tuple[tuple[tuple[str, str], ...]]]:
        return (type(self), (self._items,))


def _is_sensitive_header(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SENSITIVE_HEADER_WORDS)


def _restore_error(cls: type["EigenpalError"], args: tuple[object, ...]) -> "EigenpalError":
    """Rebuild an error without calling ``__init__`` (its keyword-only arguments are not in ``args``)."""
    error = cls.__new__(cls)
    error.args = args
    return error


@public
class EigenpalError(Exception):
    """Base of every error this package raises (bad arguments raise ValueError/TypeError instead)."""

    message: str
    execution_id: str | None
    request_id: str | None

    def __init__(self, message: str, *, execution_id: str | None = None, request_id: str | None = None) -> None:
        # Messages quote server-supplied values (execution ids, texts); no control character may reach a log.
        message = escape_controls(message)
        super().__init__(message)
        self.message = message
        self.execution_id = execution_id
        self.request_id = request_id

    def with_execution_id(self, execution_id: str) -> Self:
        """Attach the execution id once the caller learns it; returns ``self`` so it can be used in ``raise``."""
        self.execution_id = execution_id
        return self

    def __str__(self) -> str:
        # Escaped here, where an error becomes text (logs, tracebacks, CLI): ids and messages can carry
        # server-supplied values, and a newline in one must not forge a second log line.
        ids = [f"{name}={value}" for name, value in self._ids() if value]
        text = f"{self.message} ({', '.join(ids)})" if ids else self.message
        return escape_controls(text)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._repr_fields())
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Callable[..., "EigenpalError"], tuple[object, ...], dict[str, Any]]:
        # BaseException's default pickling calls cls(*args), which cannot supply the keyword-only arguments;
        # restoring args and __dict__ directly keeps errors picklable across processes (multiprocessing, celery).
        return (_restore_error, (type(self), self.args), self.__dict__)

    def _ids(self) -> list[tuple[str, str | None]]:
        return [("execution_id", self.execution_id), ("request_id", self.request_id)]

    def _repr_fields(self) -> list[tuple[str, object]]:
        return [("message", self.message), *self._ids()]


@public
class ErrorIssue:
    """One entry of the API error envelope's ``issues``: which field was wrong, and why.

    Immutable, compared and hashed by value. A plain class rather than attrs or a dataclass: this module is
    loaded by ``import eigenpal_ext``, which stays free of both (attrs, or dataclasses' ``inspect``, would
    cost more than a fifth of ``import httpx``).
    """

    __slots__ = ("_values",)
    _values: tuple[str, str, str, str]  # field, message, code, severity

    def __init__(self, field: str = "", message: str = "", code: str = "", severity: str = "error") -> None:
        object.__setattr__(self, "_values", (field, message, code, severity))

    @property
    def field(self) -> str:
        """Where the problem is, e.g. ``body.input.invoice``."""
        return self._values[0]

    @property
    def message(self) -> str:
        """What is wrong there, as the server wrote it."""
        return self._values[1]

    @property
    def code(self) -> str:
        """The server's machine-readable code for the problem (empty when it sent none)."""
        return self._values[2]

    @property
    def severity(self) -> str:
        """``error`` unless the server said otherwise (e.g. ``warning``)."""
        return self._values[3]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ErrorIssue is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"ErrorIssue is immutable; cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ErrorIssue):
            return NotImplemented
        return self._values == other._values

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return (
            f"ErrorIssue(field={self.field!r}, message={self.message!r}, code={self.code!r}, "
            f"severity={self.severity!r})"
        )

    def __reduce__(self) -> "tuple[type[ErrorIssue], tuple[str, str, str, str]]":
        return (ErrorIssue, self._values)

    @classmethod
    def from_json(cls, raw: object) -> "ErrorIssue | None":
        """Build an issue from one decoded JSON item, tolerating missing keys and odd types; None if unusable."""
        if isinstance(raw, str):
            text = _clean(raw)
            return cls(message=text) if text else None
        if not isinstance(raw, Mapping):
            return None
        return cls(
            field=_scalar_text(raw.get("field")),
            message=_scalar_text(raw.get("message")),
            code=_scalar_text(raw.get("code")),
            severity=_scalar_text(raw.get("severity")) or "error",
        )

    def describe(self, *, with_field: bool) -> str:
        """A one-line description for messages; falls back to the code when the server sent no message."""
        text = self.message or self.code or "invalid value"
        return f"{self.field}: {text}" if with_field and self.field else text


@public
class EigenpalAPIError(EigenpalError):
    """The server answered with an error status, or with a body this client cannot use."""

    status: int
    issues: list[ErrorIssue]
    hint: str | None
    docs_url: str | None
    body: object
    headers: ResponseHeaders
    """The response's headers (read-only; credential-like values are hidden from ``repr``)."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        issues: Sequence[ErrorIssue] = (),
        request_id: str | None = None,
        hint: str | None = None,
        docs_url: str | None = None,
        body: object = None,
        execution_id: str | None = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message, execution_id=execution_id, request_id=request_id)
        self.status = status
        self.issues = list(issues)
        self.hint = hint
        self.docs_url = docs_url
        self.body = body
        self.headers = headers if isinstance(headers, ResponseHeaders) else ResponseHeaders(headers)

    def _repr_fields(self) -> list[tuple[str, object]]:
        # The body stays out of the repr: it can be a whole HTML page.
        return [("message", self.message), ("status", self.status), *self._ids()]


@public
class EigenpalValidationError(EigenpalAPIError):
    """400: the request was rejected; ``.issues`` names each offending field."""


@public
class EigenpalAuthError(EigenpalAPIError):
    """401: the API key is missing, malformed, revoked or unknown."""


@public
class EigenpalForbiddenError(EigenpalAPIError):
    """403: the API key lacks the scope this call needs (or the API trigger is disabled)."""


@public
class EigenpalNotFoundError(EigenpalAPIError):
    """404: no such workflow, version or execution visible to this API key."""


@public
class EigenpalPayloadTooLargeError(EigenpalAPIError):
    """413: the request body (usually uploaded files) exceeds the server's size limit."""


@public
class EigenpalRateLimitError(EigenpalAPIError):
    """429: too many requests; ``.retry_after`` is the server's suggested wait in seconds, if it sent one."""

    retry_after: float | None

    def __init__(
        self,
        message: str,
        *,
        status: int = 429,
        issues: Sequence[ErrorIssue] = (),
        request_id: str | None = None,
        hint: str | None = None,
        docs_url: str | None = None,
        body: object = None,
        execution_id: str | None = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message,
            status=status,
            issues=issues,
            request_id=request_id,
            hint=hint,
            docs_url=docs_url,
            body=body,
            execution_id=execution_id,
            headers=headers,
        )
        self.retry_after = retry_after

    def _repr_fields(self) -> list[tuple[str, object]]:
        return [*super()._repr_fields(), ("retry_after", self.retry_after)]


@public
class EigenpalServerError(EigenpalAPIError):
    """5xx: the server (or a gateway in front of it) failed; usually worth retrying later."""


@public
class EigenpalUnexpectedStatusError(EigenpalAPIError):
    """A status the API does not document for this call (e.g. 409, 418, a 3xx redirect)."""


@public
class EigenpalResponseError(EigenpalAPIError):
    """An answer this client cannot use: a 2xx whose body is not the JSON the API promises (usually a base_url
    pointing at a web page, or JSON nested too deeply to read), pagination that does not advance, or (the
    subclass) an answer over the size cap."""


@public
class EigenpalResponseTooLargeError(EigenpalResponseError):
    """The answer (decoded) was larger than the client's ``max_response_bytes``; it was not read to the end."""

    limit_bytes: int

    def __init__(
        self,
        message: str,
        *,
        status: int,
        limit_bytes: int,
        request_id: str | None = None,
        execution_id: str | None = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message, status=status, request_id=request_id, execution_id=execution_id, headers=headers)
        self.limit_bytes = limit_bytes

    def _repr_fields(self) -> list[tuple[str, object]]:
        return [*super()._repr_fields(), ("limit_bytes", self.limit_bytes)]


def _get_execution_may_exist(error: "EigenpalConnectionError | EigenpalTimeoutError") -> bool:
    return error._execution_may_exist or error.execution_id is not None


def _set_execution_may_exist(error: "EigenpalConnectionError | EigenpalTimeoutError", value: bool) -> None:
    error._execution_may_exist = bool(value)


# Shared by the two errors that can strike after a run request was sent. True when a run may have started
# whose answer was lost, and always True once the error carries an execution_id: an execution whose id is
# known exists, so the flag never contradicts the id (a wait that passed its deadline is such a case).
_EXECUTION_MAY_EXIST: Final = property(
    _get_execution_may_exist,
    _set_execution_may_exist,
    doc="Whether an execution may exist for this failure: True whenever ``execution_id`` is set.",
)


@public
class EigenpalConnectionError(EigenpalError):
    """No usable answer arrived: connection refused, DNS failure, TLS failure, connection dropped..."""

    request_sent: bool
    _execution_may_exist: bool
    execution_may_exist = _EXECUTION_MAY_EXIST

    def __init__(
        self,
        message: str,
        *,
        execution_id: str | None = None,
        request_sent: bool = False,
        execution_may_exist: bool = False,
    ) -> None:
        super().__init__(message, execution_id=execution_id)
        self.request_sent = request_sent
        self.execution_may_exist = execution_may_exist

    def _repr_fields(self) -> list[tuple[str, object]]:
        return [
            *super()._repr_fields(),
            ("request_sent", self.request_sent),
            ("execution_may_exist", self.execution_may_exist),
        ]


@public
class EigenpalTimeoutError(EigenpalError):
    """A request timed out, or waiting for an execution passed its deadline.

    After a wait, ``execution_id`` names the execution (so ``execution_may_exist`` is True: it exists) and
    ``last_status`` is the last ``ExecutionStatus`` seen, or None when no poll succeeded.
    """

    last_status: "ExecutionStatus | None"
    timeout_seconds: float | None
    request_sent: bool
    _execution_may_exist: bool
    execution_may_exist = _EXECUTION_MAY_EXIST

    def __init__(
        self,
        message: str,
        *,
        execution_id: str | None = None,
        last_status: "str | ExecutionStatus | None" = None,
        timeout_seconds: float | None = None,
        execution_may_exist: bool = False,
        request_sent: bool = False,
    ) -> None:
        super().__init__(message, execution_id=execution_id)
        self.last_status = _as_status(last_status)
        self.timeout_seconds = timeout_seconds
        self.execution_may_exist = execution_may_exist
        # Only meaningful for transport timeouts: a connect or pool timeout never reached the server, so even a
        # run request is safe to retry, while a read timeout may have started an execution.
        self.request_sent = request_sent

    def _repr_fields(self) -> list[tuple[str, object]]:
        return [
            *super()._repr_fields(),
            ("last_status", self.last_status),
            ("timeout_seconds", self.timeout_seconds),
            ("execution_may_exist", self.execution_may_exist),
            ("request_sent", self.request_sent),
        ]


def _as_status(value: "str | ExecutionStatus | None") -> "ExecutionStatus | None":
    if value is None:
        return None
    # Imported here: the models are loaded by the time a wait times out, and importing them for every
    # ``import eigenpal_ext`` would cost start-up time. An unknown value still becomes an ExecutionStatus.
    from eigenpal_api.models import ExecutionStatus  # noqa: PLC0415 - see above

    return ExecutionStatus(value)


# --------------------------------------------------------------------------------------------------------------
# Retry-After


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds, possibly fractional, or an HTTP-date).

    Returns None for a missing, empty, negative, non-finite or unparsable value; a date in the past gives 0.0.
    ``now`` exists for tests; naive datetimes are taken as UTC, as HTTP-dates always are.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    # A strict pattern, not float(): float() would also accept "nan", "inf", "-1", "1e3" and "1_0".
    if _DELAY_SECONDS_RE.fullmatch(text):
        seconds = float(text)
        return seconds if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    reference = now if now is not None else datetime.now(UTC)
    delta = (_as_utc(when) - _as_utc(reference)).total_seconds()
    return max(0.0, delta)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# --------------------------------------------------------------------------------------------------------------
# HTTP responses


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
    secrets = _secrets_of(_response_request(response))
    parsed = _parse_body(response, secrets)
    request_id = parsed.request_id or _redact_or_none(_clean_or_none(_header(response, "x-request-id")), secrets)
    retry_after = parse_retry_after(_header(response, "retry-after")) if status == 429 else None

    media_type = _non_json_media_type(response)
    if media_type is not None:
        text = _wrong_host_text(response, media_type, gateway_likely=status >= 500)
    else:
        text = _status_text(status, parsed)
        if parsed.hint:
            text = f"{text} (hint: {parsed.hint})"
    if retry_after is not None:
        text = f"{text} (retry after {retry_after:g}s)"
    message = _redact(f"HTTP {status}: {text}", secrets)
    headers = _response_headers(response, secrets)

    if status == 429:
        return EigenpalRateLimitError(
            message,
            status=status,
            issues=parsed.issues,
            request_id=request_id,
            hint=parsed.hint,
            docs_url=parsed.docs_url,
            body=parsed.body,
            execution_id=execution_id,
            headers=headers,
            retry_after=retry_after,
        )
    return _class_for_status(status)(
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


def unusable_success_response(
    response: httpx.Response, *, reason: str, execution_id: str | None = None
) -> EigenpalResponseError:
    """The error for a 2xx whose body is not JSON or does not match the API schema (``reason`` says how)."""
    status = response.status_code
    secrets = _secrets_of(_response_request(response))
    parsed = _parse_body(response, secrets)
    media_type = _non_json_media_type(response)
    if media_type is not None:
        text = _wrong_host_text(response, media_type, gateway_likely=False)
    else:
        text = f"the server's answer did not match the API contract: {reason}"
    return EigenpalResponseError(
        _redact(f"HTTP {status}: {text}", secrets),
        status=status,
        issues=parsed.issues,
        request_id=parsed.request_id or _redact_or_none(_clean_or_none(_header(response, "x-request-id")), secrets),
        hint=parsed.hint,
        docs_url=parsed.docs_url,
        body=parsed.body,
        execution_id=execution_id,
        headers=_response_headers(response, secrets),
    )


def _response_headers(response: httpx.Response, secrets: Sequence[str]) -> ResponseHeaders:
    """The response's headers for the error, with any echo of the client's own API key redacted."""
    return ResponseHeaders((name, _redact(value, secrets)) for name, value in response.headers.multi_items())


def is_wrong_host_answer(response: httpx.Response) -> bool:
    """A Content-Type that is set but not JSON: the answer came from a web page, not from the API."""
    return _non_json_media_type(response) is not None


def error_from_oversized(
    exc: ResponseTooLarge,
    *,
    execution_id: str | None = None,
    execution_may_exist: bool = False,
    workflow_id: str | None = None,
) -> EigenpalResponseTooLargeError:
    """The error for an answer over ``max_response_bytes`` (raised by the transport while reading it)."""
    request = _exception_request(exc)
    host = request.url.host if request is not None and request.url.host else "the server"
    limit = exc.limit_bytes
    text = (
        f"HTTP {exc.status_code}: the answer from {host} is larger than this client's limit of {limit} bytes "
        f"({limit / 1048576:g} MiB, max_response_bytes) and was not read"
    )
    if execution_may_exist and execution_id is None and 200 <= exc.status_code < 300:
        workflow = repr(workflow_id) if workflow_id is not None else "<workflow>"
        text += (
            f"; the run was accepted, so an execution exists: find it with "
            f"client.workflows.executions.list({workflow}, from_date='now()-10m')"
        )
    secrets = _secrets_of(request)
    request_id = _clean_or_none(exc.headers.get("x-request-id", "").strip() or None)
    return EigenpalResponseTooLargeError(
        _redact(text, secrets),
        status=exc.status_code,
        limit_bytes=limit,
        request_id=_redact_or_none(request_id, secrets),
        execution_id=execution_id,
        headers=ResponseHeaders((name, _redact(value, secrets)) for name, value in exc.headers.multi_items()),
    )


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


def _default_text(status: int) -> str:
    if status in _DEFAULT_TEXTS:
        return _DEFAULT_TEXTS[status]
    if status >= 500:
        return "server error"
    if 300 <= status < 400:
        # The generated client does not follow redirects; the 0.4.10 SDKs hit exactly this with a wrong prefix.
        return (
            f"unexpected status {status} (a redirect: base_url probably points at the wrong place; "
            f"it should be the instance root, e.g. {_INSTANCE_ROOT_EXAMPLE})"
        )
    return f"unexpected status {status}"


def _parse_body(response: httpx.Response, secrets: Sequence[str] = ()) -> _ParsedBody:
    """What the body says, with every copy of ``secrets`` replaced (before decoding, and in decoded strings)."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return _ParsedBody()
    if not content.strip():
        return _ParsedBody()
    for secret in secrets:
        content = content.replace(secret.encode("utf-8", "replace"), _REDACTED.encode("ascii"))
    try:
        decoded: object = _redact_json(json.loads(content), secrets)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError, UnicodeDecodeError and over-long integers; RecursionError covers
        # pathologically nested arrays. Neither may hide the status from the caller.
        return _ParsedBody(body=content.decode("utf-8", errors="replace"))
    if isinstance(decoded, str):
        return _ParsedBody(body=decoded, text=_clean(decoded) or None)
    if not isinstance(decoded, Mapping):
        return _ParsedBody(body=decoded)
    return _ParsedBody(
        body=decoded,
        issues=_parse_issues(decoded.get("issues")),
        request_id=_clean_or_none(decoded.get("requestId")),
        hint=_clean_or_none(decoded.get("hint")),
        docs_url=_clean_or_none(decoded.get("docsUrl")),
        text=_fallback_text(decoded),
    )


def _redact_json(value: object, secrets: Sequence[str]) -> object:
    """``value`` with ``secrets`` replaced in every string and key, walked without recursion (bodies can be deep).

    Catches copies that the byte-level replacement missed because JSON escaped them (``\\/``, ``\\u0041``).
    """
    if not secrets:
        return value
    root: list[object] = [value]
    stack: list[tuple[list[object] | dict[Any, object], Any]] = [(root, 0)]
    while stack:
        holder, slot = stack.pop()
        item = holder[slot]
        if isinstance(item, str):
            holder[slot] = _redact(item, secrets)
        elif isinstance(item, list):
            stack.extend((item, index) for index in range(len(item)))
        elif isinstance(item, dict):
            if any(isinstance(key, str) and _redact(key, secrets) != key for key in item):
                renamed = {(_redact(k, secrets) if isinstance(k, str) else k): v for k, v in item.items()}
                item.clear()
                item.update(renamed)
            stack.extend((item, key) for key in item)
    return root[0]


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
        text = _clean_or_none(value)
        if text:
            return text
    return None


def _non_json_media_type(response: httpx.Response) -> str | None:
    """The media type when Content-Type is set but not JSON; an absent one is tolerated (proxies strip it)."""
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not media_type or "json" in media_type:
        return None
    return _truncate(media_type, 100)


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


# --------------------------------------------------------------------------------------------------------------
# Transport errors

_TIMEOUT_PHASES: Final[tuple[tuple[type[httpx.TimeoutException], str], ...]] = (
    (httpx.ConnectTimeout, "connect"),
    (httpx.ReadTimeout, "read"),
    (httpx.WriteTimeout, "write"),
    (httpx.PoolTimeout, "pool"),
)

# Most specific classes first: the generic NetworkError must not shadow ReadError, WriteError...
_TRANSPORT_SUMMARIES: Final[tuple[tuple[type[httpx.TransportError], str], ...]] = (
    (httpx.ConnectError, "could not connect to {host}"),
    (httpx.RemoteProtocolError, "connection dropped: {host} closed the connection or sent an invalid HTTP response"),
    (httpx.ReadError, "connection dropped while reading the response from {host}"),
    (httpx.WriteError, "connection dropped while sending the request to {host}"),
    (httpx.CloseError, "error while closing the connection to {host}"),
    (httpx.ProxyError, "could not reach {host} through the configured proxy"),
    (httpx.UnsupportedProtocol, "unsupported URL scheme: base_url must start with http:// or https://"),
    (httpx.LocalProtocolError, "could not send a valid HTTP request to {host}"),
    (httpx.NetworkError, "network error talking to {host}"),
)

# These fail before a single byte of the request leaves the process, so retrying them cannot duplicate a run.
_NOT_SENT: Final[tuple[type[httpx.TransportError], ...]] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)


def error_from_transport(
    exc: httpx.TransportError,
    *,
    execution_id: str | None = None,
    request_sent: bool | None = None,
    execution_may_exist: bool = False,
    workflow_id: str | None = None,
) -> EigenpalConnectionError | EigenpalTimeoutError:
    """Wrap an httpx transport error; the caller raises the result ``from exc`` to keep the original.

    ``request_sent`` defaults to whether the failure can have happened after the request was written.
    ``execution_may_exist`` marks a lost answer to a run request; ``workflow_id`` then fills the recovery hint.
    """
    request = _exception_request(exc)
    host = request.url.host if request is not None and request.url.host else "the server"
    if request_sent is None and isinstance(exc, DeadlineExceeded):
        request_sent = exc.request_sent
    sent = request_sent if request_sent is not None else not isinstance(exc, _NOT_SENT)
    # A run that never left this process created nothing: no "may exist" warning for it.
    execution_may_exist = execution_may_exist and sent

    timeout_seconds: float | None = None
    if isinstance(exc, DeadlineExceeded):
        timeout_seconds = exc.budget_seconds
        text = (
            f"request timed out: no complete answer from {host} within {round(timeout_seconds, 2):g}s "
            "(the deadline covers the whole request: connecting, sending, the answer's body and retries)"
        )
    elif isinstance(exc, httpx.TimeoutException):
        phase = next((name for kind, name in _TIMEOUT_PHASES if isinstance(exc, kind)), None)
        timeout_seconds = _configured_timeout(request, phase)
        text = _timeout_text(phase, host, timeout_seconds)
    else:
        # httpx's own text ("[Errno 111] Connection refused", "Name or service not known") tells refused from DNS.
        detail = _clean(str(exc))
        cause = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        text = f"{_transport_summary(exc, host)} ({cause})"

    if execution_may_exist and execution_id is None:
        workflow = repr(workflow_id) if workflow_id is not None else "<workflow>"
        text = (
            f"{text}; the run request was sent, so an execution may exist whose id was never received: "
            f"list recent executions with client.workflows.executions.list({workflow}, from_date='now()-10m') "
            "to find it"
        )
    message = _redact(text, _secrets_of(request))

    if isinstance(exc, httpx.TimeoutException):
        return EigenpalTimeoutError(
            message,
            execution_id=execution_id,
            timeout_seconds=timeout_seconds,
            execution_may_exist=execution_may_exist,
            request_sent=sent,
        )
    return EigenpalConnectionError(
        message,
        execution_id=execution_id,
        request_sent=sent,
        execution_may_exist=execution_may_exist,
    )


def _timeout_text(phase: str | None, host: str, seconds: float | None) -> str:
    within = f" within {seconds:g}s" if seconds is not None else " in time"
    if phase == "connect":
        return f"request timed out (connect timeout): could not connect to {host}{within}"
    if phase == "read":
        return f"request timed out (read timeout): {host} did not answer{within}"
    if phase == "write":
        return f"request timed out (write timeout): could not send the request to {host}{within}"
    if phase == "pool":
        return (
            f"request timed out (pool timeout): no free connection to {host}{within} "
            "(too many concurrent requests on one client?)"
        )
    return f"request timed out talking to {host}"


def _transport_summary(exc: httpx.TransportError, host: str) -> str:
    template = next(
        (text for kind, text in _TRANSPORT_SUMMARIES if isinstance(exc, kind)), "transport error with {host}"
    )
    return template.format(host=host)


def _exception_request(exc: httpx.HTTPError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:
        return None


def _configured_timeout(request: httpx.Request | None, phase: str | None) -> float | None:
    """The timeout httpx applied to this phase, from the request's extensions; None when not knowable."""
    if request is None or phase is None:
        return None
    timeouts = request.extensions.get("timeout")
    if not isinstance(timeouts, Mapping):
        return None
    value = timeouts.get(phase)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


# --------------------------------------------------------------------------------------------------------------
# Text hygiene


def _secrets_of(request: httpx.Request | None) -> tuple[str, ...]:
    """The Authorization value and its token, so a server that echoes the key cannot leak it into logs."""
    if request is None:
        return ()
    value = request.headers.get("authorization", "").strip()
    parts = value.split(None, 1)
    candidates = {value, parts[1].strip() if len(parts) == 2 else value}
    # Longest first, so the whole "Bearer <key>" is replaced before the bare key inside it.
    return tuple(sorted((s for s in candidates if len(s) >= _MIN_SECRET_CHARS), key=len, reverse=True))


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, _REDACTED)
    return text


def _redact_or_none(text: str | None, secrets: Sequence[str]) -> str | None:
    return None if text is None else _redact(text, secrets)


def escape_controls(text: str) -> str:
    """``text`` with every non-printable character escaped (``\\n``, ``\\x1b``, ``\\u2028``): one harmless line."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


def _scalar_text(value: object) -> str:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _clean_or_none(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return _clean(value) or None


def _clean(text: str) -> str:
    # Collapsing whitespace keeps a server-supplied newline from forging extra log lines; other control
    # characters (a terminal escape sequence, say) are escaped.
    return _truncate(escape_controls(" ".join(text.split())), _MAX_TEXT_CHARS)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"
