"""Execution handles: what ``workflows.run(...)`` returns, the run's answer plus what to do with it next.

A handle *is* the run's answer (a ``RunWorkflowResponse``: ``execution_id``, ``status``, ``result``,
``error``, the fields this client does not know in ``additional_properties``/``[key]``, the body as
received in ``.raw``), so code written against the answer runs unchanged; it also knows the client it came
from, so the next step needs no id passed around: ``wait()``, ``get()``, ``cancel()``. ``run_and_wait``
is ``run`` then ``wait`` on the handle (its trigger is clipped to the wait's deadline and may be held by
the server; the handle carries that deadline into its wait).

The handle keeps the requestor of the client that made it: it works while that client is open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import attrs
from eigenpal_api.models import (
    CancelWorkflowExecutionResponse,
    RunWorkflowResponse,
    WorkflowExecutionStatusResponse,
)

from eigenpal_ext import _calls, _config
from eigenpal_ext._polling import ExecutionResult
from eigenpal_ext._public import public
from eigenpal_ext._renamed import renamed
from eigenpal_ext._waiting import Started, StatusCallback, WaitOptions, wait_flow

if TYPE_CHECKING:
    from eigenpal_ext._flow import Flow
    from eigenpal_ext._send import AsyncRequestor, Requestor


# The fields of the run's answer: those its constructor takes, and the others (additional_properties, raw).
_ANSWER_ARGUMENTS = tuple(field.name for field in attrs.fields(RunWorkflowResponse) if field.init)
_ANSWER_OTHERS = tuple(field.name for field in attrs.fields(RunWorkflowResponse) if not field.init)


@attrs.define
class _Handle(RunWorkflowResponse):
    """The answer's fields, and what both handles build before sending (shared by sync and async)."""

    # The requestor of the client that made it: a Requestor, or an AsyncRequestor for AsyncExecutionHandle.
    _requestor: Any = attrs.field(init=False, default=None, repr=False, eq=False)
    # Set by run_and_wait only, and used by the first wait: the trigger's deadline and how to go on.
    _started: Started | None = attrs.field(init=False, default=None, repr=False, eq=False)

    @classmethod
    def _of(
        cls, answer: RunWorkflowResponse, requestor: Requestor | AsyncRequestor, started: Started | None = None
    ) -> Self:
        """The handle for ``answer`` (every field the generated model holds), sending through ``requestor``."""
        handle = cls(**{name: getattr(answer, name) for name in _ANSWER_ARGUMENTS})
        for name in _ANSWER_OTHERS:
            setattr(handle, name, getattr(answer, name))
        handle._requestor, handle._started = requestor, started
        return handle

    def _wait_flow(
        self, poll_interval: float, timeout: float, on_status: StatusCallback | None, cancel_on_timeout: bool
    ) -> Flow[ExecutionResult]:
        clock, client_timeout = self._requestor.clock, self._requestor.timeout
        options = WaitOptions(poll_interval, timeout, on_status, cancel_on_timeout, clock, client_timeout)
        started, self._started = self._started, None  # a second wait is a wait of its own
        return wait_flow(self.execution_id, options, started)

    def _get_call(
        self, include_steps: bool, timeout_seconds: float | None
    ) -> _calls.Call[WorkflowExecutionStatusResponse]:
        timeout = _calls.call_timeout(timeout_seconds, self._requestor.timeout)
        return _calls.get_execution_call(self.execution_id, include_steps=include_steps, timeout=timeout)

    def _cancel_call(self, timeout_seconds: float | None) -> _calls.Call[CancelWorkflowExecutionResponse]:
        timeout = _calls.call_timeout(timeout_seconds, self._requestor.timeout)
        return _calls.cancel_execution_call(self.execution_id, timeout=timeout)


@public
@attrs.define
class ExecutionHandle(_Handle):
    """The answer to ``client.workflows.run(...)`` (a ``RunWorkflowResponse``), and the execution it started.

    ``execution_id``, ``status``, ``result``, ``error``, ``additional_properties`` and ``raw`` are the run's
    answer as sent; ``wait()``, ``get()`` and ``cancel()`` act on the execution through the client that
    started it (which must still be open).
    """

    def wait(
        self,
        *,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
    ) -> ExecutionResult:
        """Wait until the execution ends; its ``ExecutionResult`` (any terminal status: check ``.status``).

        The same as ``client.workflows.executions.wait(handle.execution_id, ...)``: polls right away, then on
        the growing schedule up to ``poll_interval_seconds``; transient failures are polled through;
        ``on_status(execution)`` is called once per status change; after ``timeout_seconds`` (the whole wait's
        deadline) raises ``EigenpalWaitTimeoutError`` (requesting a cancel first when ``cancel_on_timeout=True``).
        """
        requestor: Requestor = self._requestor
        return requestor.run(self._wait_flow(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout))

    @renamed(timeout_seconds="request_timeout_seconds")
    def get(
        self, include_steps: bool = False, *, request_timeout_seconds: float | None = None
    ) -> WorkflowExecutionStatusResponse:
        """The execution's current status (``executions.get``); with ``include_steps=True`` the per-step payload."""
        requestor: Requestor = self._requestor
        return requestor.send(self._get_call(include_steps, request_timeout_seconds))

    @renamed(timeout_seconds="request_timeout_seconds")
    def cancel(self, *, request_timeout_seconds: float | None = None) -> CancelWorkflowExecutionResponse:
        """Ask the server to cancel the execution (idempotent; ``executions.cancel``)."""
        requestor: Requestor = self._requestor
        return requestor.send(self._cancel_call(request_timeout_seconds))


@public
@attrs.define
class AsyncExecutionHandle(_Handle):
    """``ExecutionHandle`` of the async client: the same answer, ``wait()``/``get()``/``cancel()`` awaited."""

    async def wait(
        self,
        *,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
    ) -> ExecutionResult:
        """Wait until the execution ends; its ``ExecutionResult`` (as ``ExecutionHandle.wait``, awaited)."""
        requestor: AsyncRequestor = self._requestor
        return await requestor.run(
            self._wait_flow(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        )

    @renamed(timeout_seconds="request_timeout_seconds")
    async def get(
        self, include_steps: bool = False, *, request_timeout_seconds: float | None = None
    ) -> WorkflowExecutionStatusResponse:
        """The execution's current status; with ``include_steps=True`` the per-step payload."""
        requestor: AsyncRequestor = self._requestor
        return await requestor.send(self._get_call(include_steps, request_timeout_seconds))

    @renamed(timeout_seconds="request_timeout_seconds")
    async def cancel(self, *, request_timeout_seconds: float | None = None) -> CancelWorkflowExecutionResponse:
        """Ask the server to cancel the execution (idempotent)."""
        requestor: AsyncRequestor = self._requestor
        return await requestor.send(self._cancel_call(request_timeout_seconds))
