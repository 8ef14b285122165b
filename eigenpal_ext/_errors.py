"""The exception tree of eigenpal-ext: the classes alone (what raises them lives elsewhere).

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
    ├── EigenpalFileChangedError           a file input changed while it was uploaded; nothing was created
    ├── EigenpalInterruptedError           run_many was interrupted before this input's execution ended
    └── EigenpalTimeoutError               a request timed out, or a wait passed its deadline
        ├── EigenpalRequestTimeoutError    one request (connect, send, answer, retries) ran out of time
        └── EigenpalWaitTimeoutError       wait()/run_and_wait() passed timeout_seconds; .last_status

Every error carries ``.message``, ``.execution_id`` and ``.request_id``; ``str()`` appends whichever ids are set,
so a logged error can always be matched with the server's records. Where a run may have started an execution
whose id never arrived, the error also says how to find it, as data: ``execution_may_exist``, ``workflow_id``
and the creation window ``created_after``/``created_before``; and ``duplicate_execution_ids`` names executions
that a replay created on a server that turned out not to deduplicate runs. ``str()`` escapes control characters, so
server-supplied text cannot forge output (``_redaction``).

Where errors are made: ``_response_errors`` maps an HTTP answer onto this tree (status → class, never
raising on odd bodies, the API key redacted), ``_transport_errors`` maps an httpx exception (saying whether
the request may have reached the server), and the waiters raise ``EigenpalWaitTimeoutError``.

Every public class here is named ``eigenpal_ext.<Name>`` (``@public``), as users import it: tracebacks read
``eigenpal_ext.EigenpalAuthError: HTTP 401: ...``, not the private module that implements it.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime  # loaded by httpx already
from typing import TYPE_CHECKING, Any, Final, Self

from eigenpal_ext._public import public
from eigenpal_ext._redaction import REDACTED, clean, escape_controls, is_sensitive_header, scalar_text

if TYPE_CHECKING:
    from eigenpal_api.models import ExecutionStatus

__all__ = [
    "EigenpalAPIError",
    "EigenpalAuthError",
    "EigenpalConnectionError",
    "EigenpalError",
    "EigenpalFileChangedError",
    "EigenpalForbiddenError",
    "EigenpalInterruptedError",
    "EigenpalNotFoundError",
    "EigenpalPayloadTooLargeError",
    "EigenpalRateLimitError",
    "EigenpalRequestTimeoutError",
    "EigenpalResponseError",
    "EigenpalResponseTooLargeError",
    "EigenpalServerError",
    "EigenpalTimeoutError",
    "EigenpalUnexpectedStatusError",
    "EigenpalValidationError",
    "EigenpalWaitTimeoutError",
    "ErrorIssue",
    "ResponseHeaders",
    "RunManyInterrupted",
]


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
        shown = {name: REDACTED if is_sensitive_header(name) else self[name] for name in self}
        return f"{type(self).__name__}({shown!r})"

    __str__ = __repr__

    def __reduce__(self) -> tuple[type["ResponseHeaders"], tuple[tuple[tuple[str, str], ...]]]:
        return (type(self), (self._items,))


def _restore_error(cls: type["EigenpalError"], args: tuple[object, ...]) -> "EigenpalError":
    """Rebuild an error without calling ``__init__`` (its keyword-only arguments are not in ``args``)."""
    error = cls.__new__(cls)
    error.args = args
    return error


@public
class EigenpalError(Exception):
    """Base of every error this package raises (bad arguments raise ValueError/TypeError instead).

    After a run whose answer was lost (a dropped connection, a cut hold, a 5xx from a gateway), an execution
    may exist whose id never arrived: then ``execution_may_exist`` is True, ``workflow_id`` names the workflow,
    and ``created_after``/``created_before`` (UTC datetimes, widened by a minute each way for clock differences)
    bound when it was created, so it can be found::

        client.workflows.executions.list(error.workflow_id, from_date=error.created_after,
                                         to_date=error.created_before)

    ``duplicate_execution_ids`` names executions that a replay of the same run created because the server
    did not deduplicate it (each one is paid work; cancel it if it is not wanted).
    """

    message: str
    execution_id: str | None
    request_id: str | None
    workflow_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    duplicate_execution_ids: tuple[str, ...] = ()
    _execution_may_exist: bool = False

    @property
    def execution_may_exist(self) -> bool:
        """Whether an execution may exist for this failure whose id is not known (see the class docstring)."""
        return self._execution_may_exist

    @execution_may_exist.setter
    def execution_may_exist(self, value: bool) -> None:
        self._execution_may_exist = bool(value)

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
            text = clean(raw)
            return cls(message=text) if text else None
        if not isinstance(raw, Mapping):
            return None
        return cls(
            field=scalar_text(raw.get("field")),
            message=scalar_text(raw.get("message")),
            code=scalar_text(raw.get("code")),
            severity=scalar_text(raw.get("severity")) or "error",
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
class EigenpalFileChangedError(EigenpalError):
    """A file input did not hold what it held when its upload started: it grew, it shrank, or it reported a
    size it does not have (files under ``/proc`` report 0 bytes and have content).

    The request announced the file's length before sending it, so the upload was stopped before the request
    was complete: the server cannot have accepted it, and no execution was created. ``input_key`` names the
    input; ``expected_bytes`` is the size announced, ``read_bytes`` how far the file was read when the
    difference showed. Upload a file that nothing writes to while it is sent (a copy).
    """

    input_key: str
    expected_bytes: int
    read_bytes: int

    def __init__(self, message: str, *, input_key: str, expected_bytes: int, read_bytes: int) -> None:
        super().__init__(message)
        self.input_key = input_key
        self.expected_bytes = expected_bytes
        self.read_bytes = read_bytes

    def _repr_fields(self) -> list[tuple[str, object]]:
        return [
            *super()._repr_fields(),
            ("input_key", self.input_key),
            ("expected_bytes", self.expected_bytes),
            ("read_bytes", self.read_bytes),
        ]


@public
class EigenpalInterruptedError(EigenpalError):
    """``run_many`` was interrupted (Ctrl-C, or its task cancelled) before this input's execution ended.

    The outcome of such an input carries it: ``execution_id`` names the execution, which may still be
    running (and was asked to cancel with ``cancel_on_interrupt=True``); when the run was still being sent,
    ``execution_id`` is None and ``execution_may_exist``, ``workflow_id`` and ``created_after``/
    ``created_before`` say where to look for it.
    """


@public
class RunManyInterrupted(KeyboardInterrupt):
    """Ctrl-C during the sync ``run_many``: no further run was started, and this is what had happened.

    A ``KeyboardInterrupt`` (so ``except Exception`` does not catch it, and an unhandled one ends the
    program as Ctrl-C does). ``outcomes`` holds a ``RunOutcome`` for every input that was started, in input
    order: the finished ones with their result or error, the others with an ``EigenpalInterruptedError``
    naming their execution. ``running_ids`` lists the executions that were still running;
    ``cancelled_ids`` those whose cancel was requested (``cancel_on_interrupt=True``; a second Ctrl-C cuts
    the cancels short); ``not_started`` the indexes of the inputs never sent, to run again later.
    """

    outcomes: list[Any]
    running_ids: list[str]
    cancelled_ids: list[str]
    not_started: list[int]

    def __init__(
        self,
        message: str,
        *,
        outcomes: Sequence[Any] = (),
        running_ids: Sequence[str] = (),
        cancelled_ids: Sequence[str] = (),
        not_started: Sequence[int] = (),
    ) -> None:
        super().__init__(message)
        self.outcomes = list(outcomes)
        self.running_ids = list(running_ids)
        self.cancelled_ids = list(cancelled_ids)
        self.not_started = list(not_started)

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {
            "outcomes": self.outcomes,
            "running_ids": self.running_ids,
            "cancelled_ids": self.cancelled_ids,
            "not_started": self.not_started,
        }
        return (_restore_interrupted, (type(self), str(self), fields))


def _restore_interrupted(cls: type[RunManyInterrupted], message: str, fields: dict[str, Any]) -> RunManyInterrupted:
    return cls(message, **fields)


@public
class EigenpalTimeoutError(EigenpalError):
    """A request timed out, or waiting for an execution passed its deadline; catch it for either.

    What is raised is one of its two subclasses, so the cases can be told apart by type:
    ``EigenpalRequestTimeoutError`` (one request ran out of time) and ``EigenpalWaitTimeoutError`` (a wait
    passed its ``timeout_seconds``). After a wait, ``execution_id`` names the execution (so
    ``execution_may_exist`` is True: it exists) and ``last_status`` is the last ``ExecutionStatus`` seen, or
    None when no poll succeeded.
    """

    last_status: "ExecutionStatus | None"
    timeout_seconds: float | None
    request_sent: bool
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


@public
class EigenpalRequestTimeoutError(EigenpalTimeoutError):
    """One request ran out of time: connecting, sending, waiting for the answer or reading it (retries included).

    ``timeout_seconds`` is the budget that ran out (None when unknown); ``request_sent`` says whether the
    request may have reached the server (a run that timed out after sending may have started an execution:
    ``execution_may_exist``).
    """


@public
class EigenpalWaitTimeoutError(EigenpalTimeoutError):
    """``wait``/``run_and_wait`` passed its ``timeout_seconds`` before the execution ended.

    ``execution_id`` names the execution (it exists, and may still be running; with ``cancel_on_timeout=True``
    a cancel was requested) and ``last_status`` is the last ``ExecutionStatus`` seen, or None when no poll
    succeeded.
    """


def _as_status(value: "str | ExecutionStatus | None") -> "ExecutionStatus | None":
    if value is None:
        return None
    # Imported here: the models are loaded by the time a wait times out, and importing them for every
    # ``import eigenpal_ext`` would cost start-up time. An unknown value still becomes an ExecutionStatus.
    from eigenpal_api.models import ExecutionStatus  # noqa: PLC0415 - see above

    return ExecutionStatus(value)
