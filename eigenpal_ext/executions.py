"""The executions resource: ``client.workflows.executions.get/list/iter/cancel/wait/run_and_wait/run_many``.

``wait`` and ``run_and_wait`` are written once, as flows in ``_waiting`` (``run_and_wait`` is one flow: the
trigger, then the wait on the execution it started); ``run_many`` runs the same two flows per input
(``_fanout``). The sync and async classes only check their arguments into a ``RunRequest`` and
``WaitOptions``, run the flows with the requestor their client handed over, and build every other call with
``_calls``.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
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
from eigenpal_ext._fanout_run import run_tasks, run_threads
from eigenpal_ext._handle import AsyncExecutionHandle, ExecutionHandle
from eigenpal_ext._results import ExecutionResult
from eigenpal_ext._waiting import StatusCallback, WaitOptions, run_and_wait_flow, wait_flow
from eigenpal_ext.dates import DateInput

if TYPE_CHECKING:
    from eigenpal_ext._batch_inputs import BatchInput
    from eigenpal_ext._batch_run import AsyncBatchRun, BatchRun
    from eigenpal_ext._fanout import RunOutcome
    from eigenpal_ext._requestor import AsyncRequestor, Requestor

BatchItems = Iterable["Mapping[str, Any] | BatchInput | None"]


class Executions:
    """``client.workflows.executions``.

    Two kinds of timeout, two names: ``get``/``list``/``iter``/``cancel`` send one request each and take
    ``request_timeout_seconds`` (that request, retries included; default: the client's), while ``wait``,
    ``run_and_wait`` and ``run_many`` take ``timeout_seconds``: the deadline of the whole wait, every poll
    included. Likewise ``list(limit=)`` is one page's size, and ``iter(max_items=)`` caps the items of all pages.
    """

    def __init__(self, requestor: Requestor) -> None:
        self._requestor = requestor

    def get(
        self, execution_id: str, include_steps: bool = False, *, request_timeout_seconds: float | None = None
    ) -> Execution:
        """The execution's status; with ``include_steps=True`` also the per-step payload.

        ``.steps`` is a list of ``ExecutionStep`` when the server sends a list of objects, else the JSON as
        sent; other per-step keys are in ``.additional_properties``, the body as received in ``.raw``.
        A body in the API's ``ExecutionSummary`` shape (``id``, no ``executionId``) is read too.
        """
        call = _calls.get_execution_call(
            execution_id, include_steps=include_steps, request_timeout_seconds=request_timeout_seconds
        )
        return self._requestor.send(call)

    def list(
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
        """One page of the workflow's executions. ``status``: a status or a list of them (statuses this client
        does not know are sent as given); ``from_date`` / ``to_date``: datetime (naive = UTC), date,
        timedelta (now minus), ISO-8601 or ``"now()-7d"`` (ISO-8601, ``now()`` and ``now()-7d`` strings are
        sent as written; see ``eigenpal_ext.dates``). ``limit`` is any integer >= 1; the server may cap it."""
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
        return self._requestor.send(call)

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
    ) -> Iterator[ExecutionSummary]:
        """Every execution matching the filters, across pages, fetched lazily.

        ``page_size`` (1..100) is the size of each request; ``max_items`` caps the number yielded, so
        ``max_items=1`` makes one request. Dates this client resolves (datetime, timedelta, ``now-1d``) are
        resolved once, when the iteration starts; ``now()-7d`` is sent as written on every page.
        """
        pages = _paging.execution_pages(
            workflow_id, status=status, from_date=from_date, to_date=to_date, example_id=example_id,
            request_timeout_seconds=request_timeout_seconds,
        )  # fmt: skip
        return self._requestor.iterate(_paging.start(pages, page_size=page_size, max_items=max_items))

    def cancel(self, execution_id: str, *, request_timeout_seconds: float | None = None) -> ExecutionCancellation:
        """Ask the server to cancel (idempotent): ``cancelled``, ``cancellation-requested`` or ``already-terminal``."""
        call = _calls.cancel_execution_call(execution_id, request_timeout_seconds=request_timeout_seconds)
        return self._requestor.send(call)

    def handle(self, execution: str | StartedExecution) -> ExecutionHandle:
        """An ``ExecutionHandle`` on this client for an execution, to ``wait()``, ``get()`` or ``cancel()`` it.

        ``execution`` is an execution id, or a run answer or handle whose fields the new handle keeps: one
        that was pickled in another process (a handle pickles without its client) or made by another
        client. Nothing is sent::

            handle = client.workflows.executions.handle(pickle.loads(payload))
            final = handle.wait()
        """
        return ExecutionHandle._attach(execution, self._requestor)

    def wait(
        self,
        execution_id: str,
        *,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
    ) -> ExecutionResult:
        """Poll ``execution_id`` until it is terminal; return an ``ExecutionResult``.

        Polls right away, then after 0.7 s, each delay 1.2x the last up to ``poll_interval_seconds`` (default
        1.5 s: the longest delay, and the steady interval of a long wait). Transient failures
        (429, 5xx, dropped connections, timeouts) are polled through. ``on_status(execution)`` is called once
        per status change (a plain function: this client refuses an ``async def`` one, which it could not await,
        with ``ArgumentTypeError`` before sending; the async client awaits it). After ``timeout_seconds`` (the
        whole wait's deadline) raises ``EigenpalWaitTimeoutError`` (an ``EigenpalTimeoutError``) with
        ``execution_id`` and ``last_status`` (after requesting a cancel when ``cancel_on_timeout=True``). A failed,
        cancelled or rejected execution is returned, not raised: check ``result.status``.
        """
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        return self._requestor.run(wait_flow(execution_id, wait, self._requestor.context))

    def run_and_wait(
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
        """Start ``workflow_id`` with ``input`` and wait for the execution to end.

        ``timeout_seconds`` covers the trigger and the wait. How it waits depends on ``server_hold``:

        - None (default): where the client declares that the server deduplicates runs by ``Idempotency-Key``
          (``idempotent_runs=True``) and no ``on_status`` asks for progress, the run is triggered, then sent
          again with the same key and a hold until it ends (up to 60 s at a time): no polling, no lag; a replay
          that comes back with another execution shows the declaration wrong (``duplicate_execution_ids``).
          Otherwise (EigenPal documents no such key) the run is triggered without a hold, so its id is known
          at once, and polled: first after 0.7 s, then as in ``wait``.
        - True: the trigger itself is held for ``min(remaining - 2, 60)`` s (so its answer arrives before the
          deadline), whatever the server is known to honour;
          on a server that does not honour the key, a connection dropped during the hold leaves an execution
          whose id never arrived (the error says so and how to find it).
        - False: never held; always polled.

        Like ``workflows.run(...)`` then ``handle.wait(...)``, as one flow: the trigger is clipped to the wait's
        deadline, and the wait goes on from the trigger's answer.
        """
        run = RunRequest(workflow_id, input, version=version, overrides=overrides, trigger=trigger)
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        return self._requestor.run(run_and_wait_flow(run, wait, self._requestor.context, server_hold=server_hold))

    def run_many(
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
        """Run ``workflow_id`` once per input, at most ``concurrency`` at a time; wait for every one.

        Returns one ``RunOutcome`` per input, in input order: ``.result`` (an ``ExecutionResult``, whatever its
        status) or ``.error``, and ``.execution_id`` whenever the execution was created. Any exception of one
        input (an ``EigenpalError``, a file removed after the check, anything) is that input's outcome, never
        the batch's. Every input is checked before anything is sent. ``timeout_seconds`` bounds each
        execution's wait. A 429 that outlasts the client's retries pauses the whole batch for the server's
        ``Retry-After``, then the rejected run is sent again (nothing was created, so nothing is duplicated).
        ``on_outcome(outcome)`` is called as each input finishes, from a worker thread but one call at a time
        (it needs no lock of its own; an ``async def`` one is refused up front, the async client awaits it); if it
        raises, the exception becomes that outcome's ``error`` (its
        ``result`` is kept).

        Ctrl-C returns control at once: no further run is started, and ``RunManyInterrupted`` (a
        ``KeyboardInterrupt``) is raised with ``.outcomes`` (every input started so far; those still running
        have an ``EigenpalInterruptedError`` naming their execution), ``.running_ids`` and ``.not_started``;
        with ``cancel_on_interrupt=True`` the running executions are cancelled first (``.cancelled_ids``; a
        second Ctrl-C skips the rest). The worker threads never keep the interpreter alive.
        """
        runs = check_run_many(workflow_id, inputs, concurrency, version=version, overrides=overrides, trigger=trigger)
        check_flag(cancel_on_interrupt, "cancel_on_interrupt")
        self._requestor.context.check_callback(on_outcome, "on_outcome")
        wait = WaitOptions(poll_interval_seconds, timeout_seconds)
        batch, flow_for = batch_flows(workflow_id, list(inputs), runs, wait, self._requestor.context)
        return run_threads(
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
    ) -> BatchRun:
        """Run ``workflow_id`` once per input of ``inputs``, any number of them, surviving a crash, a Ctrl-C and a
        rate limit; a lazy iterator of one outcome per input (``Succeeded`` or ``Failed``), as each finishes.

        ``inputs`` is any iterable (a generator too), read one input at a time as slots free up, so memory
        stays proportional to ``concurrency``: each item is an input mapping (as for ``run_and_wait``; a
        top-level ``Path`` is uploaded) or a ``BatchInput(input, key=...)``. Each input has a stable key: the
        caller's, or derived from its content (a file input from its path and content digest). The outcome
        names it (``key``, ``file``), with ``execution_id``, ``status``, ``result`` or ``error`` and timings;
        ``to_dict()`` is what to export. Inputs already finished in the journal are yielded too (``resumed``).
        Stopping the iteration (``break``, ``close()``) stops launching.

        ``journal`` (a file path on a local disk) makes the batch resumable: every input's key and state are
        recorded *before* its run is sent, its execution id as soon as it is known. Running the same batch
        again with the same journal skips finished inputs, waits for started ones (never sending them
        again) and treats inputs caught between sending and learning their id as *unknown*: sent again with
        the same ``Idempotency-Key`` where the server honours keys (a recovery that returns the execution),
        otherwise reported as ``Failed(status="unknown")`` and not sent again unless ``resend_unknown=True``.
        Exactly once against a server that honours keys, at most once otherwise; never a silent duplicate.
        Without a journal nothing is kept after the batch.

        ``output`` (a file path) receives one JSON line per input (``to_dict()``), written as the outcomes
        arrive: the file is first rewritten from the journal's finished outcomes (atomically), then each new
        outcome is appended by one write, so a killed batch leaves whole lines (at most its very last line cut
        short, if the kill lands in the middle of writing it) and a resumed one repairs and completes the
        file without a duplicate line. Running a finished batch again sends nothing and rewrites the file.

        At most ``concurrency`` inputs are in flight. A 429 pauses the whole batch for the server's
        ``Retry-After`` and halves the concurrency, which grows back as runs are accepted. Waits learn the
        workflow's durations from the batch's finished executions and poll near the expected end (at most
        ``poll_interval_seconds`` apart); a run answer that is already terminal is not polled.
        ``timeout_seconds`` bounds each input (its trigger and its wait). ``shard=(i, n)`` runs only the
        inputs of shard ``i`` of ``n`` (0-based; by key, the same partition on every machine), each shard
        with its own journal.

        Ctrl-C stops launching, gives runs being sent about a second to journal their ids, and raises
        ``BatchInterrupted`` (a ``KeyboardInterrupt``) naming what is still running; with
        ``cancel_on_interrupt=True`` those executions are cancelled first. A journal that cannot be used (in
        use by another batch, on a network file system, another batch's) raises ``EigenpalJournalError`` at
        the first step, before anything is sent. An exception of ``inputs`` itself propagates after the
        inputs in flight finished. Arguments are checked here, before anything is opened or sent.
        """
        from eigenpal_ext._batch import batch_settings, check_inputs  # noqa: PLC0415 - loaded on first use
        from eigenpal_ext._batch_run import BatchRun  # noqa: PLC0415

        settings = batch_settings(
            workflow_id, wait=WaitOptions(poll_interval_seconds, timeout_seconds), journal=journal, output=output,
            concurrency=concurrency, version=version, overrides=overrides, trigger=trigger,
            resend_unknown=resend_unknown, shard=shard, cancel_on_interrupt=cancel_on_interrupt,
        )  # fmt: skip
        return BatchRun(self._requestor, settings, check_inputs(inputs))


class AsyncExecutions:
    """``client.workflows.executions`` of the async client: the same methods, awaited."""

    def __init__(self, requestor: AsyncRequestor) -> None:
        self._requestor = requestor

    async def get(
        self, execution_id: str, include_steps: bool = False, *, request_timeout_seconds: float | None = None
    ) -> Execution:
        """The execution's status; with ``include_steps=True`` also the per-step payload (as in the sync client)."""
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
        """One page of the workflow's executions (filters as in the sync client)."""
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
        """Every execution matching the filters, across pages (``async for``); see the sync client."""
        pages = _paging.execution_pages(
            workflow_id, status=status, from_date=from_date, to_date=to_date, example_id=example_id,
            request_timeout_seconds=request_timeout_seconds,
        )  # fmt: skip
        return self._requestor.iterate(_paging.start(pages, page_size=page_size, max_items=max_items))

    async def cancel(self, execution_id: str, *, request_timeout_seconds: float | None = None) -> ExecutionCancellation:
        """Ask the server to cancel (idempotent)."""
        call = _calls.cancel_execution_call(execution_id, request_timeout_seconds=request_timeout_seconds)
        return await self._requestor.send(call)

    def handle(self, execution: str | StartedExecution) -> AsyncExecutionHandle:
        """An ``AsyncExecutionHandle`` on this client for an execution id or a run answer/handle (see the sync
        client); nothing is sent, its ``wait()``/``get()``/``cancel()`` are awaited."""
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
        """Poll ``execution_id`` until it is terminal; an ``ExecutionResult`` (as in the sync client). ``on_status`` may
        be an ``async def`` function: it is awaited."""
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
        """Start ``workflow_id`` with ``input`` and wait for the execution to end (as in the sync client).

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
        """Run ``workflow_id`` once per input, at most ``concurrency`` at a time (tasks); see the sync client.

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
        """Run ``workflow_id`` once per input (``async for`` the outcomes), as in the sync client.

        The inputs in flight are tasks; ``aclose()`` (or leaving ``async with``) cancels and awaits them all.
        When the iterating task is cancelled, runs being sent get about a second to journal their ids, the
        running executions are cancelled if ``cancel_on_interrupt=True``, and the ``CancelledError``
        propagates with notes naming what was left behind.
        """
        from eigenpal_ext._batch import batch_settings, check_inputs  # noqa: PLC0415 - loaded on first use
        from eigenpal_ext._batch_run import AsyncBatchRun  # noqa: PLC0415

        settings = batch_settings(
            workflow_id, wait=WaitOptions(poll_interval_seconds, timeout_seconds), journal=journal, output=output,
            concurrency=concurrency, version=version, overrides=overrides, trigger=trigger,
            resend_unknown=resend_unknown, shard=shard, cancel_on_interrupt=cancel_on_interrupt,
        )  # fmt: skip
        return AsyncBatchRun(self._requestor, settings, check_inputs(inputs))
