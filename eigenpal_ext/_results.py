"""``ExecutionResult`` (public): where a waited-for execution ended, as ``wait``/``run_and_wait`` return it."""

from __future__ import annotations

import datetime
import json
from typing import Any

import attrs
from eigenpal_api.models import Execution, ExecutionStatus

from eigenpal_ext._jsonable import to_jsonable
from eigenpal_ext._public import public


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
