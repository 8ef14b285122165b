"""``client.runs`` of the async client (``AsyncRuns``, re-exported by ``eigenpal_ext.runs``): the same methods as
the sync resource, awaited, on the same flows and calls. Its methods' docstrings name the sync method whose
arguments they share.
"""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from eigenpal_api.models import Run, RunCancelResult, RunEvents, RunPage, RunSteps, RunTrigger, RunType

from eigenpal_ext import _config, _paging
from eigenpal_ext._calls import StatusFilter
from eigenpal_ext._raw import async_raw_method, raw_copy
from eigenpal_ext._results import RunResult
from eigenpal_ext._run_calls import (
    RunStart,
    cancel_run_call,
    get_run_call,
    list_runs_call,
    run_events_call,
    run_steps_call,
)
from eigenpal_ext._run_handle import RUNS, AsyncRunHandle
from eigenpal_ext._waiting import StatusCallback, WaitOptions, wait_flow
from eigenpal_ext.dates import DateInput

if TYPE_CHECKING:
    from eigenpal_ext._batch_run import AsyncBatchRun
    from eigenpal_ext._requestor import AsyncRequestor
from eigenpal_ext._batch_inputs import BatchItems
from eigenpal_ext._runs_shared import (
    RunsBase,
    check_run_hold,
    checked_batch_inputs,
    run_and_wait_runs_flow,
    run_filters,
    runs_batch_settings,
    start_run_flow,
)


class AsyncRuns(RunsBase):
    """``client.runs`` of the async client: the same methods as ``Runs``, awaited (``iter`` is ``async for``)."""

    @functools.cached_property
    def with_raw_response(self) -> AsyncRunsWithRawResponse:
        """``get``, ``list``, ``cancel``, ``steps``, ``events`` returning the answer as a ``RawResponse``
        (status, headers, request id, ``.parse()``)."""
        return AsyncRunsWithRawResponse(self)

    _requestor: AsyncRequestor

    async def start(
        self,
        target: str,
        input: Mapping[str, Any] | None = None,
        *,
        version: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        wait_for_completion: int | None = None,
        trigger: str | RunTrigger | None = None,
        request_timeout_seconds: float | None = None,
    ) -> AsyncRunHandle:
        """Start a run; an ``AsyncRunHandle`` (as ``Runs.start``)."""
        start = RunStart.of(
            target, input, version=version, overrides=overrides, metadata=metadata, trigger=trigger,
            request_timeout_seconds=request_timeout_seconds,
        )  # fmt: skip
        flow = start_run_flow(
            start, self._requestor.context, hold=check_run_hold(wait_for_completion), max_bytes=self._max_bytes,
            origin=self._origin,
        )  # fmt: skip
        return AsyncRunHandle._of(await self._requestor.run(flow), self._requestor)

    async def run_and_wait(
        self,
        target: str,
        input: Mapping[str, Any] | None = None,
        *,
        version: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        trigger: str | RunTrigger | None = None,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
        server_hold: bool | None = None,
    ) -> RunResult:
        """Start a run and wait for it to end (as ``Runs.run_and_wait``)."""
        start = RunStart.of(target, input, version=version, overrides=overrides, metadata=metadata, trigger=trigger)
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        flow = run_and_wait_runs_flow(
            start, wait, self._requestor.context, server_hold=server_hold, max_bytes=self._max_bytes,
            origin=self._origin,
        )  # fmt: skip
        return await self._requestor.run(flow)

    def run_batch(
        self,
        target: str,
        inputs: BatchItems,
        *,
        journal: str | os.PathLike[str] | None = None,
        output: str | os.PathLike[str] | None = None,
        concurrency: int = 8,
        version: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        trigger: str | RunTrigger | None = None,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        resend_unknown: bool = False,
        shard: tuple[int, int] | None = None,
        cancel_on_interrupt: bool = False,
    ) -> AsyncBatchRun:
        """Run ``target`` once per input on the runs API (``async for`` the outcomes); ``Runs.run_batch``'s
        arguments, tags, reconciliation of unknown inputs and guarantees.

        The inputs in flight are tasks; ``aclose()`` (or leaving ``async with``) cancels and awaits them all.

        Args:
            target: ``workflows.<slug>`` (or ``agents.<slug>``), optionally ``@<version>``.
            inputs: Any iterable of input mappings or ``BatchInput`` items, read lazily.
            journal: A file path on a local disk that makes the batch resumable.
            output: A file path that receives one JSON line per input.
            concurrency: How many inputs are in flight at most.
            version: A release or git ref to run, for every input.
            overrides: Step overrides, for every input.
            metadata: Your own JSON data stored with every run, beside the batch's two tags.
            trigger: Sent as ``X-Eigenpal-Trigger`` (``api`` when omitted; the ``eigenpal`` command sends
                ``cli``).
            poll_interval_seconds: The longest delay between two polls of one run.
            timeout_seconds: The deadline of each input.
            resend_unknown: Send an unknown input again when no run carrying its tags was found.
            shard: ``(i, n)``: only the inputs of shard ``i`` of ``n``.
            cancel_on_interrupt: On cancellation, cancel the running runs.

        Returns:
            An ``AsyncBatchRun``: ``async for`` its ``Succeeded`` or ``Failed`` outcomes.

        Raises:
            ArgumentValueError: An argument is invalid, or ``metadata`` uses a name of the batch's tags.
            EigenpalJournalError: The journal cannot be used, raised at the first step.
        """
        from eigenpal_ext._batch_run import AsyncBatchRun  # noqa: PLC0415 - loaded on first use

        settings = runs_batch_settings(self, target, journal=journal, output=output, concurrency=concurrency,
                                   version=version, overrides=overrides, metadata=metadata, trigger=trigger,
                                   poll_interval_seconds=poll_interval_seconds, timeout_seconds=timeout_seconds,
                                   resend_unknown=resend_unknown, shard=shard,
                                   cancel_on_interrupt=cancel_on_interrupt)  # fmt: skip
        return AsyncBatchRun(self._requestor, settings, checked_batch_inputs(inputs))

    async def wait(
        self,
        run_id: str,
        *,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
    ) -> RunResult:
        """Poll ``run_id`` until it ends (as ``Runs.wait``)."""
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        return await self._requestor.run(wait_flow(run_id, wait, self._requestor.context, polled=RUNS))

    def handle(self, run: str | Run) -> AsyncRunHandle:
        """An ``AsyncRunHandle`` on this client (as ``Runs.handle``; nothing is sent)."""
        return AsyncRunHandle._attach(run, self._requestor)

    async def get(
        self, run_id: str, *, expand: str | Sequence[str] | None = None, request_timeout_seconds: float | None = None
    ) -> Run:
        """One run (as ``Runs.get``)."""
        call = get_run_call(run_id, expand=expand, request_timeout_seconds=request_timeout_seconds)
        return await self._requestor.send(call)

    async def list(
        self,
        *,
        status: StatusFilter = None,
        type: str | RunType | None = None,
        source: str | None = None,
        source_ref: str | None = None,
        trigger: str | None = None,
        batch_id: str | None = None,
        example_id: str | None = None,
        ids: Sequence[str] | None = None,
        created_after: DateInput | None = None,
        created_before: DateInput | None = None,
        completed_after: DateInput | None = None,
        completed_before: DateInput | None = None,
        sort: str | None = None,
        order: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
        request_timeout_seconds: float | None = None,
    ) -> RunPage:
        """One page of runs (as ``Runs.list``)."""
        filters = run_filters(
            status=status, type=type, source=source, source_ref=source_ref, trigger=trigger, batch_id=batch_id,
            example_id=example_id, ids=ids, created_after=created_after, created_before=created_before,
            completed_after=completed_after, completed_before=completed_before, sort=sort, order=order,
        )  # fmt: skip
        call = list_runs_call(filters, cursor=cursor, limit=limit, request_timeout_seconds=request_timeout_seconds)
        return await self._requestor.send(call)

    def iter(
        self,
        *,
        status: StatusFilter = None,
        type: str | RunType | None = None,
        source: str | None = None,
        source_ref: str | None = None,
        trigger: str | None = None,
        batch_id: str | None = None,
        example_id: str | None = None,
        ids: Sequence[str] | None = None,
        created_after: DateInput | None = None,
        created_before: DateInput | None = None,
        completed_after: DateInput | None = None,
        completed_before: DateInput | None = None,
        sort: str | None = None,
        order: str | None = None,
        page_size: int = 50,
        max_items: int | None = None,
        request_timeout_seconds: float | None = None,
    ) -> AsyncIterator[Run]:
        """Every run matching the filters, across pages by cursor (``async for``; as ``Runs.iter``)."""
        filters = run_filters(
            status=status, type=type, source=source, source_ref=source_ref, trigger=trigger, batch_id=batch_id,
            example_id=example_id, ids=ids, created_after=created_after, created_before=created_before,
            completed_after=completed_after, completed_before=completed_before, sort=sort, order=order,
        )  # fmt: skip

        def page(cursor: str | None, size: int) -> Any:
            return list_runs_call(filters, cursor=cursor, limit=size, request_timeout_seconds=request_timeout_seconds)

        return self._requestor.iterate(_paging.start_cursor(page, page_size=page_size, max_items=max_items))

    async def cancel(self, run_id: str, *, request_timeout_seconds: float | None = None) -> RunCancelResult:
        """Ask the server to cancel (idempotent; as ``Runs.cancel``)."""
        return await self._requestor.send(cancel_run_call(run_id, request_timeout_seconds=request_timeout_seconds))

    async def steps(self, run_id: str, *, request_timeout_seconds: float | None = None) -> RunSteps:
        """The run's steps (as ``Runs.steps``)."""
        return await self._requestor.send(run_steps_call(run_id, request_timeout_seconds=request_timeout_seconds))

    async def events(self, run_id: str, *, request_timeout_seconds: float | None = None) -> RunEvents:
        """The run's events, oldest first (as ``Runs.events``)."""
        return await self._requestor.send(run_events_call(run_id, request_timeout_seconds=request_timeout_seconds))


class AsyncRunsWithRawResponse:
    """``client.runs.with_raw_response`` (async client): ``get``, ``list``, ``cancel``, ``steps``, ``events``,
    each returning a ``RawResponse`` (``status_code``, ``headers``, ``request_id``, ``parse()``) instead of the
    parsed answer; the same arguments, checks, retries and errors as the plain method."""

    def __init__(self, resource: AsyncRuns) -> None:
        raw = raw_copy(resource)
        self.get = async_raw_method(raw.get)
        self.list = async_raw_method(raw.list)
        self.cancel = async_raw_method(raw.cancel)
        self.steps = async_raw_method(raw.steps)
        self.events = async_raw_method(raw.events)
