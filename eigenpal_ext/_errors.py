"""The exception tree of eigenpal-ext: the classes alone (what raises them lives elsewhere).

Every error this package raises on purpose derives from ``EigenpalError``; bad arguments are the exception: they
raise ``ArgumentValueError``/``ArgumentTypeError``, a ``ValueError``/``TypeError`` (bugs in the calling code rather
than runtime conditions) that names the argument as data (``.argument``, and ``.reason``: what is wrong with it)::

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
    ├── EigenpalMissingAPIKeyError         no API key given or in EIGENPAL_API_KEY (also an ArgumentValueError)
    ├── EigenpalClientClosedError          the client (or the one its with_options() came from) was closed
    ├── EigenpalFileChangedError           a file input changed while it was uploaded; nothing was created
    ├── EigenpalInterruptedError           run_many was interrupted before this input's execution ended
    ├── EigenpalJournalError               a batch's journal cannot be used (in use, on a network disk, another batch's)
    └── EigenpalTimeoutError               a request timed out, or a wait passed its deadline
        ├── EigenpalRequestTimeoutError    one request (connect, send, answer, retries) ran out of time
        └── EigenpalWaitTimeoutError       wait()/run_and_wait() passed timeout_seconds; .last_status

Every error carries ``.message``, ``.execution_id`` and ``.request_id``; ``str()`` appends whichever ids are set,
so a logged error can always be matched with the server's records. Where a run may have started an execution
whose id never arrived, the error also says how to find it, as data: ``execution_may_exist``, ``workflow_id``
and the creation window ``created_after``/``created_before`` (set in one place, ``_trigger.mark_may_exist``);
``str()`` then adds the lookup (``lookup_hint``, written from those fields and nowhere else), and the ``eigenpal``
command writes its own from the same fields. ``duplicate_execution_ids`` names executions that a replay created
on a server that turned out not to deduplicate runs. ``str()`` escapes control characters, so server-supplied
text cannot forge output (``_redaction``).

Where errors are made: ``_response_errors`` maps an HTTP answer onto this tree (status → class, never
raising on odd bodies, the API key redacted), ``_transport_errors`` maps an httpx exception (saying whether
the request may have reached the server), the waiting flow raises ``EigenpalWaitTimeoutError`` (the only
error with ``last_status``), and ``_checks`` raises the argument errors.

Every public class here is named ``eigenpal_ext.<Name>`` (``@public``), as users import it: tracebacks read
``eigenpal_ext.EigenpalAuthError: HTTP 401: ...``, not the private module that implements it.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime  # loaded by httpx already
from pathlib import Path  # loaded by the interpreter's start-up already
from typing import TYPE_CHECKING, Any, Final, Self

from eigenpal_ext._error_fields import ErrorIssue, ResponseHeaders
from eigenpal_ext._public import public
from eigenpal_ext._redaction import escape_controls

if TYPE_CHECKING:
    from eigenpal_api.models import ExecutionStatus

__all__ = [
    "ArgumentTypeError",
    "ArgumentValueError",
    "EigenpalAPIError",
    "EigenpalAuthError",
    "EigenpalClientClosedError",
    "EigenpalConnectionError",
    "EigenpalError",
    "EigenpalFileChangedError",
    "EigenpalForbiddenError",
    "EigenpalInterruptedError",
    "EigenpalJournalError",
    "EigenpalMissingAPIKeyError",
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
]


def _restore_error(cls: type["EigenpalError"], args: tuple[object, ...]) -> "EigenpalError":
    """Rebuild an error without calling ``__init__`` (its keyword-only arguments are not in ``args``)."""
    error = cls.__new__(cls)
    error.args = args
    return error


class _ArgumentProblem(Exception):
    """What both argument errors hold: the argument as the caller wrote it, and what is wrong with it."""

    argument: str
    reason: str

    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(f"{argument} {reason}")
        self.argument, self.reason = argument, reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.argument, self.reason))


@public
class ArgumentValueError(_ArgumentProblem, ValueError):
    """An argument's value was refused before anything was sent: a ``ValueError`` that names the argument.

    ``argument`` is the argument as the caller wrote it (``timeout_seconds``, ``from_date``,
    ``input['contract_document']``, ``inputs[3]['pages'][2]``); ``reason`` says what is wrong with it, without
    the name (``must be a positive number of seconds, got -1``). ``str()`` is the two joined by a space. The
    ``eigenpal`` command reads both to name its own flag (``--timeout must be ...``).
    """


@public
class ArgumentTypeError(_ArgumentProblem, TypeError):
    """An argument of the wrong type, refused before anything was sent: a ``TypeError`` with ``argument`` and
    ``reason`` as ``ArgumentValueError`` has them."""


def lookup_hint(error: "EigenpalError") -> str | None:
    """How to find the execution a failed run may have created, in Python, from the error's fields alone.

    None unless an execution may exist whose id is not known and the workflow is known.
    """
    if error.execution_id is not None or not error.execution_may_exist:
        return None
    after, before = error.created_after, error.created_before
    if error.target is not None:
        # The runs list filters by automation id, not by target: the window is the lookup, the target the check.
        if after is not None and before is not None:
            window = f"created_after={utc_text(after)!r}, created_before={utc_text(before)!r}"
        else:
            window = "created_after='now()-10m'"
        return f"its id never arrived: find the run of {error.target} with client.runs.list({window})"
    if error.workflow_id is None:
        return None
    if after is not None and before is not None:
        window = f"from_date={utc_text(after)!r}, to_date={utc_text(before)!r}"
    else:
        window = "from_date='now()-10m'"
    return (
        f"an execution may exist whose id never arrived: find it with "
        f"client.workflows.executions.list({error.workflow_id!r}, {window})"
    )


def utc_text(moment: datetime) -> str:
    """``moment`` in UTC to the second, as ISO-8601 with ``Z`` (a lookup window's bounds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@public
class EigenpalError(Exception):
    """Base of every error this package raises (bad arguments raise ArgumentValueError/ArgumentTypeError instead).

    After a run whose answer was lost (a dropped connection, a cut hold, a 5xx from a gateway), an execution
    may exist whose id never arrived: then ``execution_may_exist`` is True, ``workflow_id`` names the workflow,
    and ``created_after``/``created_before`` (UTC datetimes, widened by a minute each way for clock differences)
    bound when it was created, so it can be found::

        client.workflows.executions.list(error.workflow_id, from_date=error.created_after,
                                         to_date=error.created_before)

    ``str()`` then ends with that lookup as code (``message`` stays what happened). For a run of the runs API
    (``client.runs``) ``target`` names it instead (``workflows.extract-invoice``) and the lookup is
    ``client.runs.list(created_after=error.created_after, created_before=error.created_before)``; there
    ``execution_id`` is the run's id (a run and its execution share one id).

    ``duplicate_execution_ids`` names executions that a replay of the same run created because the server
    did not deduplicate it (each one is paid work; cancel it if it is not wanted).
    """

    message: str
    execution_id: str | None
    request_id: str | None
    workflow_id: str | None = None
    target: str | None = None
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
        """Attach the execution id once the caller learns it.

        Args:
            execution_id: The id of the execution this error is about.

        Returns:
            This error, so that ``raise error.with_execution_id(execution_id)`` reads as one statement.
        """
        self.execution_id = execution_id
        return self

    def __str__(self) -> str:
        # Escaped here, where an error becomes text (logs, tracebacks, CLI): ids and messages can carry
        # server-supplied values, and a newline in one must not forge a second log line.
        text = self.message
        hint = lookup_hint(self)
        if hint is not None:
            text = f"{text}; {hint}"
        ids = [f"{name}={value}" for name, value in self._ids() if value]
        if ids:
            text = f"{text} ({', '.join(ids)})"
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
class EigenpalMissingAPIKeyError(EigenpalError, ArgumentValueError):
    """No API key: none was passed as ``api_key`` and ``EIGENPAL_API_KEY`` is unset or empty.

    An ``EigenpalError`` (``except EigenpalError`` catches it, as it catches everything else this package raises
    on purpose) and an ``ArgumentValueError`` (so a ``ValueError``, with ``argument == "api_key"`` and ``reason``),
    raised by the client's constructor before anything is sent. The message says where keys are made.
    """

    def __init__(self, reason: str) -> None:
        # The two bases' __init__ take different arguments, so neither is chained: both sets of fields are set here.
        text = escape_controls(f"api_key {reason}")
        Exception.__init__(self, text)
        self.message, self.execution_id, self.request_id = text, None, None
        self.argument, self.reason = "api_key", reason

    def __reduce__(self) -> tuple[Callable[..., "EigenpalError"], tuple[object, ...], dict[str, Any]]:
        return EigenpalError.__reduce__(self)


@public
class EigenpalClientClosedError(EigenpalError, RuntimeError):
    """The client was used after it was closed (``close()``, ``aclose()``, the end of its ``with`` block), or a
    ``with_options()`` client was used after the client it was made from (which owns the connection pool) was
    closed. Nothing was sent. Also a ``RuntimeError``, which httpx raises in this case."""


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
class EigenpalJournalError(EigenpalError):
    """A batch's journal cannot be used, so nothing was sent: ``path`` names it and the message says why.

    It is in use by another batch (a journal takes one at a time), on a network file system (SQLite's
    write-ahead log needs a local disk), the journal of another batch (another workflow, version,
    overrides or shard), written by a newer eigenpal-ext, or not a journal at all; or writing to it failed
    (a full disk), in which case the batch stops sending.
    """

    path: Path | None

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path

    def _repr_fields(self) -> list[tuple[str, object]]:
        return [*super()._repr_fields(), ("path", self.path)]


@public
class EigenpalTimeoutError(EigenpalError):
    """A request timed out, or waiting for an execution passed its deadline; catch it for either.

    What is raised is one of its two subclasses, so the cases can be told apart by type:
    ``EigenpalRequestTimeoutError`` (one request ran out of time) and ``EigenpalWaitTimeoutError`` (a wait
    passed its ``timeout_seconds``; it alone carries ``last_status``). ``timeout_seconds`` is the budget that
    ran out (None when unknown).
    """

    timeout_seconds: float | None
    request_sent: bool
    execution_may_exist = _EXECUTION_MAY_EXIST

    def __init__(
        self,
        message: str,
        *,
        execution_id: str | None = None,
        timeout_seconds: float | None = None,
        execution_may_exist: bool = False,
        request_sent: bool = False,
    ) -> None:
        super().__init__(message, execution_id=execution_id)
        self.timeout_seconds = timeout_seconds
        self.execution_may_exist = execution_may_exist
        # Only meaningful for transport timeouts: a connect or pool timeout never reached the server, so even a
        # run request is safe to retry, while a read timeout may have started an execution.
        self.request_sent = request_sent

    def _repr_fields(self) -> list[tuple[str, object]]:
        return [
            *super()._repr_fields(),
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

    ``execution_id`` names the execution (it exists, so ``execution_may_exist`` is True, and may still be
    running; with ``cancel_on_timeout=True`` a cancel was requested) and ``last_status`` is the last
    ``ExecutionStatus`` seen, or None when no poll succeeded.
    """

    last_status: "ExecutionStatus | None"

    def __init__(
        self,
        message: str,
        *,
        execution_id: str | None = None,
        last_status: "str | ExecutionStatus | None" = None,
        timeout_seconds: float | None = None,
    ) -> None:
        super().__init__(message, execution_id=execution_id, timeout_seconds=timeout_seconds)
        self.last_status = _as_status(last_status)

    def _repr_fields(self) -> list[tuple[str, object]]:
        return [*super()._repr_fields(), ("last_status", self.last_status)]


def _as_status(value: "str | ExecutionStatus | None") -> "ExecutionStatus | None":
    if value is None:
        return None
    # Imported here: the models are loaded by the time a wait times out, and importing them for every
    # ``import eigenpal_ext`` would cost start-up time. An unknown value still becomes an ExecutionStatus.
    from eigenpal_api.models import ExecutionStatus  # noqa: PLC0415 - see above

    return ExecutionStatus(value)
