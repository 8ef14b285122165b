"""Waiting for an execution, as pure logic: terminal set, poll schedule, deadline, one state machine.

The waiting flows (``_waiting``, run by either client) are loops around ``WaitState``: they fetch the
status, hand it (or a transient error) to the state, and sleep for the delay it returns. Everything that
decides something lives here, with the clock injected, so it is tested without sleeping.

Schedule: delays of ``FIRST_POLL_DELAY_SECONDS`` (0.7 s), growing by ``POLL_BACKOFF_FACTOR`` (1.2x) at
each poll up to ``poll_interval_seconds`` (default 1.5 s), which is both the ceiling and the steady interval
of a long run: 0.7, 0.84, 1.0, 1.2, 1.45, 1.5, 1.5, ... ``wait`` polls right away first (the execution may
have ended long ago); ``run_and_wait`` first sleeps 0.7 s after the trigger (a run just started has rarely
ended), then waits the same way, so its polls come at 0.7, 1.4, 2.24, 3.25, 4.46, 5.91, 7.41, ... s.
Over runs of 0.3-15 s (log-spaced, so as many short runs as long ones) that is about half the lag of
fixed 2 s polling for about 1.2x its requests; ``benchmarks/wait_schedule.py`` shows the figures.

Deadline: no sleep goes past it, and each poll's own timeout is clipped to what is left (with a small
floor), so a wait overruns ``timeout_seconds`` by at most one request in flight.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs
from eigenpal_api.models import Execution, ExecutionStatus

from eigenpal_ext import _config
from eigenpal_ext._errors import (
    EigenpalAPIError,
    EigenpalConnectionError,
    EigenpalError,
    EigenpalRateLimitError,
    EigenpalServerError,
    EigenpalTimeoutError,
    EigenpalWaitTimeoutError,
)
from eigenpal_ext._jsonable import to_jsonable
from eigenpal_ext._public import public

TERMINAL_STATUSES: frozenset[ExecutionStatus] = frozenset(
    {ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED, ExecutionStatus.REJECTED}
)
# Statuses the server may send that this client does not know (one added after this release, say `expired`)
# are surfaced as they are (an ExecutionStatus whose value is the server's string) and are not terminal:
# `is_terminal` is False for them. The waiters (`wait`, `run_and_wait`) still stop on one when the execution
# also carries `completedAt`: the server stamps that only on an execution that has ended, so a new terminal
# status ends the wait at once instead of spinning until the timeout. A known non-terminal status
# (running, ...) never ends a wait, whatever else the body carries.
KNOWN_STATUSES: frozenset[str] = frozenset(member.value for member in ExecutionStatus)
# The shortest timeout a poll gets when the deadline is close: below this a request rarely succeeds.
MIN_POLL_REQUEST_TIMEOUT_SECONDS = 1.0


def is_terminal(status: str | ExecutionStatus | None) -> bool:
    """True for completed, failed, cancelled and rejected; False for any other value, unknown ones too."""
    return status is not None and status in TERMINAL_STATUSES


def is_finished(execution: Execution) -> bool:
    """True when a wait should stop on this status: a terminal one, or an unknown one with ``completedAt``."""
    if is_terminal(execution.status):
        return True
    return str(execution.status) not in KNOWN_STATUSES and _has_completed_at(execution)


def _has_completed_at(execution: Execution) -> bool:
    # `raw` too: a completedAt this client could not read as a time (completed_at None) is still a stamp.
    return execution.completed_at is not None or execution.raw.get("completedAt") not in (None, "")


def poll_delays(poll_interval_seconds: float) -> Iterator[float]:
    """Delays between polls: 0.7 s, then 1.2 times longer each time, capped at ``poll_interval_seconds``."""
    delay = min(_config.FIRST_POLL_DELAY_SECONDS, poll_interval_seconds)
    while True:
        yield delay
        delay = min(delay * _config.POLL_BACKOFF_FACTOR, poll_interval_seconds)


def is_transient(error: EigenpalError) -> bool:
    """Errors worth polling through: the next poll may well succeed."""
    if isinstance(error, EigenpalConnectionError | EigenpalTimeoutError | EigenpalRateLimitError | EigenpalServerError):
        return True
    return isinstance(error, EigenpalAPIError) and error.status == 408


@public
@attrs.frozen
class ExecutionResult:
    """Where a waited-for execution ended. Absent values are ``None``.

    ``status`` is one of ``TERMINAL_STATUSES``, or a status this client does not know that came with
    ``completedAt`` (see ``TERMINAL_STATUSES``); ``result`` is set when it is ``completed`` and ``error``
    when it is ``failed``. ``created_at``/``completed_at`` are None when absent or not readable as a time;
    the values as sent are in ``execution.raw``. ``execution`` is the last status response as the server
    sent it (with any field this client does not know in ``execution.additional_properties``).

    ``duplicate_execution_ids`` names other executions of the same run: a replay of ``run_and_wait``'s
    trigger (same ``Idempotency-Key``) came back with another execution, so the server does not deduplicate
    runs. Each is paid work nobody asked for; cancel it (``client.workflows.executions.cancel(id)``) unless
    its result is wanted too. Empty almost always.
    """

    execution_id: str
    status: ExecutionStatus
    result: Any
    error: str | None
    created_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    execution: Execution | None = attrs.field(default=None, repr=False, eq=False)
    duplicate_execution_ids: tuple[str, ...] = ()

    @property
    def succeeded(self) -> bool:
        """True when the execution completed (``status == "completed"``)."""
        return self.status == ExecutionStatus.COMPLETED

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` of the status answer this result was read from; None without one."""
        return None if self.execution is None else self.execution.request_id

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    def to_dict(self) -> dict[str, Any]:
        """This result as plain JSON data, ready for ``json.dumps``, under the API's key names.

        ``executionId``, ``status`` (its string value), ``result``, ``error``, ``createdAt`` and ``completedAt``
        are always present (None when absent); timestamps are ISO-8601 UTC with a ``Z`` suffix. Every other
        field of the last status response is kept as the server sent it, ``steps`` and fields this client
        does not know included. ``duplicateExecutionIds`` is added when there are any.
        """
        data: dict[str, Any] = to_jsonable(self.execution) if self.execution is not None else {}
        data.update(
            to_jsonable(
                {
                    "executionId": self.execution_id,
                    "status": self.status,
                    "result": self.result,
                    "error": self.error,
                    "createdAt": self.created_at,
                    "completedAt": self.completed_at,
                }
            )
        )
        if self.duplicate_execution_ids:
            data["duplicateExecutionIds"] = list(self.duplicate_execution_ids)
        return data

    @classmethod
    def from_status(cls, execution: Execution, *, execution_id: str | None = None) -> ExecutionResult:
        """The result for ``execution``; ``execution_id`` (the id that was polled) wins over the body's."""
        return cls(
            execution_id=execution_id or execution.execution_id,
            status=execution.status,
            result=execution.result,
            error=execution.error,
            created_at=execution.created_at,
            completed_at=execution.completed_at,
            execution=execution,
        )


@attrs.define
class Deadline:
    """A point in time, on an injectable monotonic clock."""

    timeout_seconds: float
    clock: Callable[[], float] = time.monotonic
    started_at: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.started_at = self.clock()

    @property
    def ends_at(self) -> float:
        return self.started_at + self.timeout_seconds

    def remaining(self) -> float:
        return max(0.0, self.ends_at - self.clock())

    def elapsed(self) -> float:
        return self.clock() - self.started_at


def check_wait_arguments(poll_interval_seconds: float, timeout_seconds: float) -> None:
    for name, value in (("poll_interval_seconds", poll_interval_seconds), ("timeout_seconds", timeout_seconds)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")


@attrs.define
class WaitState:
    """One wait for one execution. Feed it statuses or errors; it says when to poll next, or stops."""

    execution_id: str
    deadline: Deadline
    poll_interval_seconds: float
    on_status: Callable[[Execution], object] | None = None
    request_timeout_ceiling: float = _config.DEFAULT_TIMEOUT_SECONDS
    last_status: ExecutionStatus | None = None
    last_error: EigenpalError | None = None
    polls: int = 0
    _delays: Iterator[float] = attrs.field(init=False)
    _retry_after: float = attrs.field(init=False, default=0.0)

    def __attrs_post_init__(self) -> None:
        self._delays = poll_delays(self.poll_interval_seconds)

    def request_timeout(self) -> float:
        """Timeout for the next poll: never past the deadline by more than the small floor."""
        return min(self.request_timeout_ceiling, max(self.deadline.remaining(), MIN_POLL_REQUEST_TIMEOUT_SECONDS))

    def observe(self, execution: Execution) -> ExecutionResult | None:
        """Record a fetched status; the result when it is terminal, else None."""
        self.polls += 1
        self.last_error = None
        status = ExecutionStatus(execution.status)
        if status != self.last_status:
            self.last_status = status
            if self.on_status is not None:
                self.on_status(execution)
        if not is_finished(execution):
            return None
        return ExecutionResult.from_status(execution, execution_id=self.execution_id)

    def failed_poll(self, error: EigenpalError) -> bool:
        """Record a poll that failed and stamp the execution id on ``error``; True if it is worth polling again.

        On False the caller re-raises ``error`` (with a bare ``raise``, so its traceback stays top-down).
        """
        self.polls += 1
        error.execution_id = error.execution_id or self.execution_id
        if not is_transient(error):
            return False
        self.last_error = error
        if isinstance(error, EigenpalRateLimitError) and error.retry_after is not None:
            self._retry_after = error.retry_after
        return True

    def first_delay(self) -> float | None:
        """Before the first poll of a run just triggered: the schedule's first delay, not taken from it, so the
        polls after it keep the whole schedule (run_and_wait sleeps 0.7, then 0.7, 0.84, ... like ``wait``)."""
        remaining = self.deadline.remaining()
        if remaining <= 0:
            return None
        return min(_config.FIRST_POLL_DELAY_SECONDS, self.poll_interval_seconds, remaining)

    def next_delay(self) -> float | None:
        """Seconds to sleep before the next poll, or None when the deadline has passed."""
        remaining = self.deadline.remaining()
        if remaining <= 0:
            return None
        delay = max(next(self._delays), self._retry_after)
        self._retry_after = 0.0
        return min(delay, remaining)

    def timeout_error(self, *, cancel_note: str = "") -> EigenpalWaitTimeoutError:
        last = self.last_status or "unknown (no poll succeeded)"
        message = (
            f"execution {self.execution_id} did not finish within {self.deadline.timeout_seconds:g}s "
            f"(last status: {last}; {self.polls} polls){cancel_note}"
        )
        if self.last_error is not None:
            message += f"; last poll error: {self.last_error.message}"
        return EigenpalWaitTimeoutError(
            message,
            execution_id=self.execution_id,
            last_status=self.last_status,
            timeout_seconds=self.deadline.timeout_seconds,
        )


def cancel_note(outcome: str | None, error: EigenpalError | None) -> str:
    """The part of a timeout message that says what ``cancel_on_timeout`` did."""
    if error is not None:
        return f"; cancelling it failed: {error.message}"
    return f"; cancel requested: {outcome}" if outcome else ""
