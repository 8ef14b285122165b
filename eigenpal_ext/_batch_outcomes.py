"""What ``run_batch`` yields for each input: ``Succeeded`` or ``Failed`` (``BatchOutcome``), as data.

The two classes narrow for type checkers: after ``isinstance(outcome, Succeeded)`` (or ``if outcome.succeeded``)
``outcome.result`` and ``outcome.execution_id`` are known to be there; otherwise ``outcome.error`` says why.
``to_dict()`` is exactly what the batch exports, one JSON object per input (the JSON Lines output of
``eigenpal batch``, and what the journal keeps of a finished input), with the same keys for both:

``key``, ``file``, ``executionId``, ``status``, ``result``, ``error``, ``sentAt``, ``createdAt``,
``completedAt``, ``finishedAt`` (times ISO-8601 UTC with a ``Z``; None when not known).

``status`` is the execution's status where it is known (``completed``; ``failed``, ``cancelled``,
``rejected``; ``running`` when the wait timed out), else one of two words: ``unknown`` (the run was sent
and may have created an execution whose id never arrived; it was not sent again) or ``error`` (nothing was
started: the run was refused, or its input could not be read).
"""

from __future__ import annotations

import datetime
from typing import Any, Literal, TypeAlias

import attrs

from eigenpal_ext._errors import EigenpalError, EigenpalWaitTimeoutError
from eigenpal_ext._jsonable import iso_z, to_jsonable
from eigenpal_ext._public import public
from eigenpal_ext._results import ExecutionResult

UNKNOWN = "unknown"
ERROR = "error"


def _time(value: datetime.datetime | None) -> str | None:
    return None if value is None else iso_z(value)


def _parse_time(value: object) -> datetime.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@attrs.frozen(kw_only=True)
class _Timings:
    """When the input's run was sent and its outcome known (this machine's clock), and the server's times."""

    sent_at: datetime.datetime | None = None
    created_at: datetime.datetime | None = None
    completed_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None

    def _times(self) -> dict[str, str | None]:
        return {
            "sentAt": _time(self.sent_at),
            "createdAt": _time(self.created_at),
            "completedAt": _time(self.completed_at),
            "finishedAt": _time(self.finished_at),
        }


@public
@attrs.frozen(kw_only=True)
class Succeeded(_Timings):
    """An input whose execution completed: ``result`` is the workflow's output.

    ``key`` names the input (``file`` its file, for a file input); ``execution_id`` its execution;
    ``sent_at``/``finished_at`` when its run was sent and its end seen (this machine's clock, UTC), and
    ``created_at``/``completed_at`` the server's times. ``resumed`` is True when the outcome comes from the
    journal (the input finished in an earlier run of the batch).
    """

    key: str
    execution_id: str
    result: Any
    file: str | None = None
    resumed: bool = attrs.field(default=False, eq=False)

    @property
    def status(self) -> Literal["completed"]:
        """Always ``"completed"``."""
        return "completed"

    @property
    def succeeded(self) -> Literal[True]:
        """Always True (a ``Failed`` says False): ``if outcome.succeeded:`` narrows the type."""
        return True

    @property
    def error(self) -> None:
        """Always None (a ``Failed`` says why)."""
        return None

    def to_dict(self) -> dict[str, Any]:
        """The exported form (see the module docstring): plain JSON data."""
        return _exported(self)


@public
@attrs.frozen(kw_only=True)
class Failed(_Timings):
    """An input that did not complete: its execution ended otherwise, or it did not run to its end.

    ``status`` is the execution's status when one is known (``failed``, ``cancelled``, ``rejected``, or
    ``running`` when the wait timed out), ``"unknown"`` when the run was sent and may have created an
    execution whose id never arrived (it was not sent again: see ``run_batch``'s ``resend_unknown``), or
    ``"error"`` when nothing was started (the run was refused, its input could not be read). ``error`` says
    what happened, in words; ``exception`` is the exception itself when it happened in this process (not
    exported). ``execution_id`` is set whenever an execution is known.
    """

    key: str
    status: str
    error: str
    execution_id: str | None = None
    file: str | None = None
    exception: BaseException | None = attrs.field(default=None, eq=False, repr=False)
    resumed: bool = attrs.field(default=False, eq=False)

    @property
    def succeeded(self) -> Literal[False]:
        """Always False (see ``Succeeded``)."""
        return False

    @property
    def result(self) -> None:
        """Always None (only a ``Succeeded`` has a result)."""
        return None

    @property
    def unknown(self) -> bool:
        """The run may have created an execution whose id never arrived (``status == "unknown"``)."""
        return self.status == UNKNOWN

    def to_dict(self) -> dict[str, Any]:
        """The exported form (see the module docstring): plain JSON data."""
        return _exported(self)


BatchOutcome: TypeAlias = Succeeded | Failed
"""What ``run_batch`` yields for each input: ``Succeeded`` or ``Failed``."""


def _exported(outcome: BatchOutcome) -> dict[str, Any]:
    return {
        "key": outcome.key,
        "file": outcome.file,
        "executionId": outcome.execution_id,
        "status": outcome.status,
        "result": to_jsonable(outcome.result),
        "error": outcome.error,
        **outcome._times(),
    }


def from_dict(data: dict[str, Any]) -> BatchOutcome:
    """The outcome ``to_dict()`` gave (read back from the journal: ``resumed``)."""
    sent_at, created_at = _parse_time(data.get("sentAt")), _parse_time(data.get("createdAt"))
    completed_at, finished_at = _parse_time(data.get("completedAt")), _parse_time(data.get("finishedAt"))
    if data.get("status") == "completed":
        return Succeeded(
            key=data["key"], execution_id=data["executionId"], result=data.get("result"), file=data.get("file"),
            resumed=True, sent_at=sent_at, created_at=created_at, completed_at=completed_at, finished_at=finished_at,
        )  # fmt: skip
    return Failed(
        key=data["key"], status=str(data.get("status") or ERROR), error=str(data.get("error") or ""),
        execution_id=data.get("executionId"), file=data.get("file"), resumed=True, sent_at=sent_at,
        created_at=created_at, completed_at=completed_at, finished_at=finished_at,
    )  # fmt: skip


def from_result(
    key: str,
    file: str | None,
    result: ExecutionResult,
    *,
    sent_at: datetime.datetime | None,
    finished_at: datetime.datetime,
) -> BatchOutcome:
    """The outcome of an input whose execution ended (any terminal status)."""
    created_at, completed_at = result.created_at, result.completed_at
    if result.succeeded:
        return Succeeded(
            key=key, execution_id=result.execution_id, result=result.result, file=file, sent_at=sent_at,
            created_at=created_at, completed_at=completed_at, finished_at=finished_at,
        )  # fmt: skip
    status = str(result.status)
    return Failed(
        key=key, status=status, error=result.error or f"the execution ended {status}",
        execution_id=result.execution_id, file=file, sent_at=sent_at, created_at=created_at,
        completed_at=completed_at, finished_at=finished_at,
    )  # fmt: skip


def from_error(
    key: str,
    file: str | None,
    error: BaseException,
    *,
    status: str,
    execution_id: str | None,
    sent_at: datetime.datetime | None,
    finished_at: datetime.datetime,
) -> Failed:
    """The outcome of an input stopped by ``error`` (``status``: see ``Failed``)."""
    if isinstance(error, EigenpalWaitTimeoutError) and error.last_status is not None and status == ERROR:
        status = str(error.last_status)
    return Failed(
        key=key, status=status, error=describe(error), execution_id=execution_id, file=file, exception=error,
        sent_at=sent_at, finished_at=finished_at,
    )  # fmt: skip


def describe(error: BaseException) -> str:
    """An exception in one line of words: an ``EigenpalError``'s message, else ``Type: text``."""
    if isinstance(error, EigenpalError):
        return error.message
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
