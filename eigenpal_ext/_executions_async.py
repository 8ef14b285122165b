"""``client.workflows.executions`` of the async client (``AsyncExecutions``, re-exported by
``eigenpal_ext.executions``): the same methods as the sync resource, awaited, on the same flows and calls. Its
methods' docstrings name the sync method whose arguments they share.
"""

from __future__ import annotations

import builtins
import functools
import os
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from eigenpal_api.models import (
    Execution,
    ExecutionCancellation,
    ExecutionPage,
    ExecutionSummary,
    RunTrigger,
    StartedExecution,
)

from eigenpal_ext import _calls, _config, _paging
from eigenpal_ext._calls import RunRequest, StatusFilter
from eigenpal_ext._checks import check_flag
from eigenpal_ext._fanout import batch_flows, check_run_many
from eigenpal_ext._fanout_run import run_tasks
from eigenpal_ext._handle import AsyncExecutionHandle
from eigenpal_ext._raw import async_raw_method, raw_copy
from eigenpal_ext._results import ExecutionResult
from eigenpal_ext._waiting import StatusCallback, WaitOptions, run_and_wait_flow, wait_flow
from eigenpal_ext.dates import DateInput

if TYPE_CHECKING:
    from eigenpal_ext._batch_run import AsyncBatchRun
    from eigenpal_ext._fanout import RunOutcome
    from eigenpal_ext._requestor import AsyncRequestor
from eigenpal_ext._batch_inputs import BatchItems


class AsyncExecutions:
    """``client.workflows.executions`` of the async client: the same methods, awaited."""

    @functools.cached_property
    def with_raw_response(self) -> AsyncExecutionsWithRawResponse:
        """``get``, ``list``, ``cancel`` returning the answer as a ``RawResponse`` (status, headers, request
        id, ``.parse()``)."""
        return AsyncExecutionsWithRawResponse(self)

    def __init__(self, requestor: AsyncRequestor) -> None:
        self._requestor = requestor

    async def get(
        self, execution_id: str, include_steps: bool = False, *, request_timeout_seconds: float | None = None
    ) -> Execution:
        """The execution's status now; ``Executions.get``, awaited (the same arguments)."""
        call = _calls.get_execution_call(
            execution_id, include_steps=include_steps, request_timeout_seconds=request_timeout_seconds
        )
        return await self._requestor.send(call)

    async def list(
        self,
        workflow_id: str,
        *,
        status: StatusFilter = None,
        from_date: DateInput | None = None,
        to_date: DateInput | None = None,
        example_id: str | None = None,
        limit: int = 50,
        offset: int | None = None,
        request_timeout_seconds: float | None = None,
    ) -> ExecutionPage:
        """One page of the workflow's executions; ``Executions.list``, awaited (the same arguments)."""
        call = _calls.list_executions_call(
            workflow_id,
            status=status,
            from_date=from_date,
            to_date=to_date,
            example_id=example_id,
            limit=limit,
            offset=offset,
            request_timeout_seconds=request_timeout_seconds,
        )
        return await self._requestor.send(call)

    def iter(
        self,
        workflow_id: str,
        *,
        status: StatusFilter = None,
        from_date: DateInput | None = None,
        to_date: DateInput | None = None,
        example_id: str | None = None,
        page_size: int = 50,
        max_items: int | None = None,
        request_timeout_seconds: float | None = None,
    ) -> AsyncIterator[ExecutionSummary]:
        """Every execution matching the filters, across pages (``async for``); ``Executions.iter``'s arguments."""
        pages = _paging.execution_pages(
            workflow_id, status=status, from_date=from_date, to_date=to_date, example_id=example_id,
            request_timeout_seconds=request_timeout_seconds,
        )  # fmt: skip
        return self._requestor.iterate(_paging.start(pages, page_size=page_size, max_items=max_items))

    async def cancel(self, execution_id: str, *, request_timeout_seconds: float | None = None) -> ExecutionCancellation:
        """Ask the server to cancel an execution (idempotent); ``Executions.cancel``, awaited."""
        call = _calls.cancel_execution_call(execution_id, request_timeout_seconds=request_timeout_seconds)
        return await self._requestor.send(call)

    def handle(self, execution: str | StartedExecution) -> AsyncExecutionHandle:
        """An ``AsyncExecutionHandle`` on this client for an execution id or a run answer/handle, as
        ``Executions.handle``; nothing is sent, its ``wait()``/``get()``/``cancel()`` are awaited."""
        return AsyncExecutionHandle._attach(execution, self._requestor)

    async def wait(
        self,
        execution_id: str,
        *,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
    ) -> ExecutionResult:
        """Poll an execution until it is terminal; ``Executions.wait``, awaited (the same arguments). ``on_status``
        may be an ``async def`` function: it is awaited."""
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        return await self._requestor.run(wait_flow(execution_id, wait, self._requestor.context))

    async def run_and_wait(
        self,
        workflow_id: str,
        input: Mapping[str, Any] | None = None,
        *,
        version: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        trigger: str | RunTrigger | None = None,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
        server_hold: bool | None = None,
    ) -> ExecutionResult:
        """Start ``workflow_id`` with ``input`` and wait for the execution to end; ``Executions.run_and_wait``, awaited.

        ``await workflows.run(...)`` then ``await handle.wait(...)``, with the trigger clipped to the deadline.
        """
        run = RunRequest(workflow_id, input, version=version, overrides=overrides, trigger=trigger)
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        flow = run_and_wait_flow(run, wait, self._requestor.context, server_hold=server_hold)
        return await self._requestor.run(flow)

    async def run_many(
        self,
        workflow_id: str,
        inputs: Sequence[Mapping[str, Any] | None],
        *,
        concurrency: int = 8,
        version: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        trigger: str | RunTrigger | None = None,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_outcome: Callable[[RunOutcome], object] | None = None,
        cancel_on_interrupt: bool = False,
    ) -> builtins.list[RunOutcome]:
        """Run ``workflow_id`` once per input, at most ``concurrency`` at a time (tasks).

        ``Executions.run_many``'s arguments; what differs is how the call is interrupted.

        The inputs run as tasks of one ``asyncio.TaskGroup``: nothing outlives the call. ``on_outcome(outcome)``
        is called as each input finishes, on the event loop (awaited, if it is ``async def``). When the call is
        cancelled, every input that had started an execution is reported before the ``CancelledError``
        propagates: through ``on_outcome`` (its outcome's ``error`` is an ``EigenpalInterruptedError`` naming the
        execution) and in the ``CancelledError``'s notes; ``cancel_on_interrupt=True`` cancels those executions
        first.
        """
        runs = check_run_many(workflow_id, inputs, concurrency, version=version, overrides=overrides, trigger=trigger)
        check_flag(cancel_on_interrupt, "cancel_on_interrupt")
        self._requestor.context.check_callback(on_outcome, "on_outcome")
        wait = WaitOptions(poll_interval_seconds, timeout_seconds)
        batch, flow_for = batch_flows(workflow_id, list(inputs), runs, wait, self._requestor.context)
        return await run_tasks(
            self._requestor, batch, flow_for, concurrency=concurrency, on_outcome=on_outcome,
            cancel_on_interrupt=cancel_on_interrupt,
        )  # fmt: skip

    def run_batch(
        self,
        workflow_id: str,
        inputs: BatchItems,
        *,
        journal: str | os.PathLike[str] | None = None,
        output: str | os.PathLike[str] | None = None,
        concurrency: int = 8,
        version: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        trigger: str | RunTrigger | None = None,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        resend_unknown: bool = False,
        shard: tuple[int, int] | None = None,
        cancel_on_interrupt: bool = False,
    ) -> AsyncBatchRun:
        """Run ``workflow_id`` once per input (``async for`` the outcomes); ``Executions.run_batch``'s arguments.

        The inputs in flight are tasks; ``aclose()`` (or leaving ``async with``) cancels and awaits them all.
        When the iterating task is cancelled, runs being sent get about a second to journal their ids, the
        running executions are cancelled if ``cancel_on_interrupt=True``, and the ``CancelledError``
        propagates with notes naming what was left behind.
        """
        from eigenpal_ext._batch import (  # noqa: PLC0415 - loaded on first use
            batch_settings,
            check_inputs,
            executions_surface,
        )
        from eigenpal_ext._batch_run import AsyncBatchRun  # noqa: PLC0415

        surface = executions_surface(workflow_id, version=version, overrides=overrides, trigger=trigger)
        settings = batch_settings(
            surface, wait=WaitOptions(poll_interval_seconds, timeout_seconds), journal=journal, output=output,
            concurrency=concurrency, resend_unknown=resend_unknown, shard=shard,
            cancel_on_interrupt=cancel_on_interrupt,
        )  # fmt: skip
        return AsyncBatchRun(self._requestor, settings, check_inputs(inputs))


class AsyncExecutionsWithRawResponse:
    """``client.workflows.executions.with_raw_response`` (async client): ``get``, ``list``, ``cancel``, each
    returning a ``RawResponse`` (``status_code``, ``headers``, ``request_id``, ``parse()``) instead of the
    parsed answer; the same arguments, checks, retries and errors as the plain method."""

    def __init__(self, resource: AsyncExecutions) -> None:
        raw = raw_copy(resource)
        self.get = async_raw_method(raw.get)
        self.list = async_raw_method(raw.list)
        self.cancel = async_raw_method(raw.cancel)
