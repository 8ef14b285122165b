"""Where a wait ended (public): ``ExecutionResult`` for an execution of the v1 routes (``executions.wait`` /
``run_and_wait``), ``RunResult`` for a run of the runs API (``runs.wait`` / ``runs.run_and_wait``)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import attrs
from eigenpal_api.models import Execution, ExecutionStatus, Run

from eigenpal_ext._jsonable import to_jsonable
from eigenpal_ext._public import public
from eigenpal_ext._statuses import is_run_finished, run_status


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
        """``to_dict()`` as JSON text.

        Args:
            indent: Pretty-print with this many spaces per level (None: one line).

        Returns:
            The JSON text.
        """
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
        """The result of a terminal status answer.

        Args:
            execution: The last status answer.
            execution_id: The id that was polled; it wins over the body's.

        Returns:
            The ``ExecutionResult``.
        """
        return cls(
            execution_id=execution_id or execution.execution_id,
            status=execution.status,
            result=execution.result,
            error=execution.error,
            created_at=execution.created_at,
            completed_at=execution.completed_at,
            execution=execution,
        )


@public
@attrs.frozen
class RunResult:
    """Where a waited-for run of the runs API ended. Absent values are ``None``.

    ``run_id`` is the run's id; ``status`` its ``execution.status`` (a status this client does not know, such
    as ``timeout``, is kept as sent); ``finished`` whether the server says it has ended (True for a result, unless
    the server sent neither the flag nor a terminal status); ``output`` what a completed run produced and
    ``error`` why a failed one failed. ``run`` is the last answer as the server sent it, a ``Run`` (``files``,
    ``timing``, ``source``, ..., and ``run.raw``, the JSON as received).

    ``duplicate_run_ids`` names other runs of the same start: a replay with the same ``Idempotency-Key``
    came back with another run, so the server does not deduplicate runs. Each is paid work nobody asked
    for; cancel it (``client.runs.cancel(run_id)``) unless its output is wanted too. Empty almost always.
    """

    run_id: str
    status: ExecutionStatus | None
    finished: bool
    output: Any
    error: str | None
    run: Run = attrs.field(repr=False, eq=False)
    duplicate_run_ids: tuple[str, ...] = ()

    @property
    def succeeded(self) -> bool:
        """True when the run completed (``status == "completed"``)."""
        return self.status == ExecutionStatus.COMPLETED

    @property
    def created_at(self) -> datetime.datetime | None:
        """When the run was created (``run.timing.createdAt``); None when absent or unreadable."""
        return None if self.run.timing is None else self.run.timing.created_at

    @property
    def completed_at(self) -> datetime.datetime | None:
        """When the run ended (``run.timing.completedAt``); None when absent or unreadable."""
        return None if self.run.timing is None else self.run.timing.completed_at

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` of the answer this result was read from; None without one."""
        return self.run.request_id

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces.

        Args:
            indent: Pretty-print with this many spaces per level (None: one line).

        Returns:
            The JSON text.
        """
        return json.dumps(self.to_dict(), indent=indent)

    def to_dict(self) -> dict[str, Any]:
        """The run as plain JSON data under the API's key names: the last answer as the server sent it (``id``,
        ``finished``, ``execution.status``, ``output``, ``error``, ``timing``, ...; fields this client does not
        know included; timestamps ISO-8601 UTC with ``Z``), which is also the dict the official SDK's
        ``run_and_wait`` returns. ``id``, ``finished``, ``output`` and ``error`` are always present (None when
        absent); ``duplicateRunIds`` is added when there are any."""
        data: dict[str, Any] = to_jsonable(self.run)
        data.update(id=self.run_id, finished=self.finished)
        data.setdefault("output", None)
        data.setdefault("error", None)
        if self.duplicate_run_ids:
            data["duplicateRunIds"] = list(self.duplicate_run_ids)
        return data

    @classmethod
    def from_run(cls, run: Run, *, run_id: str | None = None) -> RunResult:
        """The result for ``run``; ``run_id`` (the id that was polled) wins over the body's.

        Args:
            run: The run's last answer.
            run_id: The id that was polled; it wins over the body's.

        Returns:
            The ``RunResult``.
        """
        return cls(
            run_id=run_id or run.id,
            status=run_status(run),
            finished=is_run_finished(run),
            output=run.output,
            error=run.error,
            run=run,
        )
