"""The executions resource: ``client.workflows.executions.get/list/iter/cancel/wait/run_and_wait/run_many``.

``wait`` and ``run_and_wait`` are written once, as flows in ``_waiting`` (``run_and_wait`` is one flow: the
trigger, then the wait on the execution it started); ``run_many`` runs the same two flows per input
(``_fanout``). The sync and async classes only check their arguments into a ``RunRequest`` and
``WaitOptions``, run the flows with the requestor their client handed over, and build every other call with
``_calls``.
"""

from __future__ import annotations

import builtins
import functools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
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
from eigenpal_ext._batch_inputs import BatchItems
from eigenpal_ext._calls import RunRequest, StatusFilter
from eigenpal_ext._checks import check_flag
from eigenpal_ext._executions_async import AsyncExecutions
from eigenpal_ext._fanout import batch_flows, check_run_many
from eigenpal_ext._fanout_run import run_threads
from eigenpal_ext._handle import ExecutionHandle
from eigenpal_ext._raw import raw_copy, raw_method
from eigenpal_ext._results import ExecutionResult
from eigenpal_ext._waiting import StatusCallback, WaitOptions, run_and_wait_flow, wait_flow
from eigenpal_ext.dates import DateInput

if TYPE_CHECKING:
    from eigenpal_ext._batch_run import BatchRun
    from eigenpal_ext._fanout import RunOutcome
    from eigenpal_ext._requestor import Requestor


class Executions:
    """``client.workflows.executions``.

    Two kinds of timeout, two names: ``get``/``list``/``iter``/``cancel`` send one request each and take
    ``request_timeout_seconds`` (that request, retries included; default: the client's), while ``wait``,
    ``run_and_wait`` and ``run_many`` take ``timeout_seconds``: the deadline of the whole wait, every poll
    included. Likewise ``list(limit=)`` is one page's size, and ``iter(max_items=)`` caps the items of all pages.
    """

    @functools.cached_property
    def with_raw_response(self) -> ExecutionsWithRawResponse:
        """``get``, ``list``, ``cancel`` returning the answer as a ``RawResponse`` (status, headers, request
        id, ``.parse()``)."""
        return ExecutionsWithRawResponse(self)

    def __init__(self, requestor: Requestor) -> None:
        self._requestor = requestor

    def get(
        self, execution_id: str, include_steps: bool = False, *, request_timeout_seconds: float | None = None
    ) -> Execution:
        """The execution's status now (one request; ``wait`` polls until it ends).

        A body in the API's ``ExecutionSummary`` shape (``id``, no ``executionId``) is read too.

        Example:
            ```python
            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                handle = client.workflows.run("echo", {"text": "hello"})
                execution = client.workflows.executions.get(handle.execution_id)
                print(execution.execution_id, execution.status)
            ```

        Args:
            execution_id: The execution's id (``exec_...``).
            include_steps: Also fetch the per-step payload (``.steps``: a list of ``ExecutionStep`` when the
                server sends a list of objects, else the JSON as sent).
            request_timeout_seconds: The deadline of this request, retries included (default: the client's).

        Returns:
            The ``Execution``: ``status``, ``result`` once completed, ``error`` once failed, the
            timestamps; unknown fields in ``additional_properties``, the body as received in ``.raw``.

        Raises:
            EigenpalNotFoundError: No execution has this id, or the key cannot see it (404).
            EigenpalError: Any other failure.
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
        """One page of the workflow's executions, newest first.

        Example:
            ```python
            from eigenpal_ext import EigenpalClient, ExecutionStatus

            with EigenpalClient() as client:
                page = client.workflows.executions.list(
                    "extract-invoice", status=[ExecutionStatus.FAILED, "cancelled"], from_date="now()-7d"
                )
                print(len(page), "of", page.total)
            ```

        Args:
            workflow_id: The workflow's id or slug.
            status: A status or a list of them (statuses this client does not know are sent as given).
            from_date: Only executions created at or after this moment: a datetime (naive = UTC), a date, a
                timedelta (now minus it), ISO-8601, or ``"now()-7d"`` (ISO-8601 and ``now()`` strings are sent
                as written; see ``eigenpal_ext.dates``).
            to_date: Only executions created at or before this moment (the same forms).
            example_id: Only the executions of this example (test runs of the workflow editor).
            limit: The page's size (at least 1; the server may cap it).
            offset: How many executions to skip.
            request_timeout_seconds: The deadline of this request, retries included (default: the client's).

        Returns:
            An ``ExecutionPage``: a sequence of ``ExecutionSummary`` with ``total``.

        Raises:
            ArgumentValueError: A status, date or number is invalid (nothing is sent).
            EigenpalNotFoundError: No such workflow (404).
            EigenpalError: Any other failure.
        """
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

        Dates this client resolves (datetime, timedelta, ``now-1d``) are resolved once, when the iteration
        starts; ``now()-7d`` is sent as written on every page. The listing ends on an empty page or once the
        reported total is reached, so a server that caps its pages below ``page_size`` skips nothing.

        Example:
            ```python
            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                for summary in client.workflows.executions.iter("extract-invoice", max_items=3):
                    print(summary.id, summary.status)
            ```

        Args:
            workflow_id: The workflow's id or slug.
            status: A status or a list of them.
            from_date: Only executions created at or after this moment (the forms of ``list``).
            to_date: Only executions created at or before this moment.
            example_id: Only the executions of this example.
            page_size: The size of each request (1..100).
            max_items: Stop after this many executions (``max_items=1`` makes one request; None: all).
            request_timeout_seconds: The deadline of each page's request, retries included.

        Returns:
            An iterator of ``ExecutionSummary``; each page is requested when the previous one is used up.

        Raises:
            ArgumentValueError: An argument is invalid (raised by this call, before anything is sent).
            EigenpalError: A page could not be fetched (raised while iterating).
        """
        pages = _paging.execution_pages(
            workflow_id, status=status, from_date=from_date, to_date=to_date, example_id=example_id,
            request_timeout_seconds=request_timeout_seconds,
        )  # fmt: skip
        return self._requestor.iterate(_paging.start(pages, page_size=page_size, max_items=max_items))

    def cancel(self, execution_id: str, *, request_timeout_seconds: float | None = None) -> ExecutionCancellation:
        """Ask the server to cancel an execution. Idempotent: cancelling twice, or an ended execution, is no error.

        Args:
            execution_id: The execution's id.
            request_timeout_seconds: The deadline of this request, retries included (default: the client's).

        Returns:
            An ``ExecutionCancellation`` whose ``status`` is ``cancelled``, ``cancellation-requested`` (the
            execution stops at its next step) or ``already-terminal``.

        Raises:
            EigenpalNotFoundError: No such execution (404).
            EigenpalError: Any other failure.
        """
        call = _calls.cancel_execution_call(execution_id, request_timeout_seconds=request_timeout_seconds)
        return self._requestor.send(call)

    def handle(self, execution: str | StartedExecution) -> ExecutionHandle:
        """An ``ExecutionHandle`` on this client for an execution, to ``wait()``, ``get()`` or ``cancel()`` it.

        Nothing is sent. Made to pick up an execution started elsewhere: by id, or from a handle pickled in
        another process (a handle pickles without its client).

        Example:
            ```python
            import pickle

            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                payload = pickle.dumps(client.workflows.run("echo", {"text": "hello"}))
            # later, in another process:
            with EigenpalClient() as client:
                final = client.workflows.executions.handle(pickle.loads(payload)).wait()
                print(final.status)
            ```

        Args:
            execution: An execution id, or a run answer or handle whose fields the new handle keeps.

        Returns:
            An ``ExecutionHandle`` bound to this client.

        Raises:
            ArgumentValueError: ``execution`` is not an execution id, run answer or handle.
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
        """Poll an execution until it is terminal.

        Polls right away, then after 0.7 s, each delay 1.2x the last up to ``poll_interval_seconds`` (default
        1.5 s: the longest delay, and the steady interval of a long wait). Transient failures (429, 5xx,
        dropped connections, timeouts) are polled through.

        Example:
            ```python
            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                started = client.workflows.run("echo", {"text": "hello"})
                final = client.workflows.executions.wait(
                    started.execution_id, timeout_seconds=60, on_status=lambda e: print("now", e.status)
                )
                print(final.status, final.result)
            ```

        Args:
            execution_id: The execution's id.
            poll_interval_seconds: The longest delay between two polls (the first poll is at once, the next
                after 0.7 s, each delay 1.2x the last).
            timeout_seconds: The deadline of the whole wait, every poll included.
            on_status: Called with the ``Execution`` once per status change; a plain function (an ``async def``
                one, which this client could not await, is refused with ``ArgumentTypeError`` before anything is
                sent; the async client awaits it).
            cancel_on_timeout: Request a cancel before raising ``EigenpalWaitTimeoutError``.

        Returns:
            An ``ExecutionResult`` (any terminal status: a failed, cancelled or rejected execution is returned,
            not raised; check ``.status``).

        Raises:
            EigenpalWaitTimeoutError: ``timeout_seconds`` passed (an ``EigenpalTimeoutError``); carries
                ``execution_id`` and ``last_status``.
            EigenpalNotFoundError: No such execution (404).
            EigenpalError: Any other failure that polling through could not outlast; it carries the
                ``execution_id``.
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

        Like ``workflows.run(...)`` then ``handle.wait(...)``, as one flow: the trigger is clipped to the wait's
        deadline, and the wait goes on from the trigger's answer. A failed, cancelled or rejected execution is
        returned, not raised: check ``result.status``.

        Example:
            ```python
            from pathlib import Path

            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                final = client.workflows.executions.run_and_wait(
                    "extract-invoice", {"contract_document": Path("contract.pdf")}, timeout_seconds=120
                )
                print(final.execution_id, final.status, final.result)
            ```

        Args:
            workflow_id: The workflow's id or slug.
            input: The workflow's inputs (files as in ``workflows.run``).
            version: A version id, a release tag or ``"latest"``.
            overrides: Step outputs to use instead of running those steps (as in ``workflows.run``).
            trigger: ``"api"`` (default) or ``"cli"``.
            poll_interval_seconds: The longest delay between two polls (the first comes after 0.7 s, each
                next one 1.2x the last).
            timeout_seconds: The deadline of the whole call, the trigger and every poll included.
            on_status: Called with the ``Execution`` once per status change; a plain function (an ``async def``
                one, which this client could not await, is refused with ``ArgumentTypeError`` before anything is
                sent; the async client awaits it).
            cancel_on_timeout: Request a cancel before raising ``EigenpalWaitTimeoutError``.
            server_hold: How to wait. None (default): where the client declares that the server deduplicates
                runs by ``Idempotency-Key`` (``idempotent_runs=True``) and no ``on_status`` asks for progress,
                the run is triggered, then sent again with the same key and a hold until it ends (up to 60 s at
                a time; a replay that comes back with another execution shows the declaration wrong:
                ``duplicate_execution_ids``); otherwise (EigenPal documents no such key) the run is triggered
                without a hold, so its id is known at once, and polled. True: the trigger itself is held for
                ``min(remaining - 2, 60)`` s whatever the server is known to honour (on a server that does not
                honour the key, a connection dropped during the hold leaves an execution whose id never
                arrived; the error says so and how to find it). False: never held; always polled.

        Returns:
            An ``ExecutionResult``: ``execution_id``, ``status``, ``result``, ``error`` and the last ``Execution``.

        Raises:
            ArgumentValueError: An argument is invalid or a file input cannot be read (nothing is sent).
            EigenpalWaitTimeoutError: ``timeout_seconds`` passed; carries ``execution_id`` and ``last_status``.
            EigenpalConnectionError: The trigger's connection failed; ``execution_may_exist`` and the lookup
                window say whether and where an execution may exist.
            EigenpalError: Any other failure; once the execution exists, every error carries its
                ``execution_id``.
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

        Any exception of one input (an ``EigenpalError``, a file removed after the check, anything) is that
        input's outcome, never the batch's. Every input is checked before anything is sent. A 429 that outlasts
        the client's retries pauses the whole batch for the server's ``Retry-After``, then the rejected run is
        sent again (nothing was created, so nothing is duplicated). The worker threads never keep the
        interpreter alive. For thousands of inputs, or a job that must survive being killed, use a batch with
        a journal (the batches guide).

        Example:
            ```python
            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                outcomes = client.workflows.executions.run_many("echo", [{"n": 1}, {"n": 2}], concurrency=2)
                for outcome in outcomes:
                    print(outcome.index, outcome.execution_id, outcome.result or outcome.error)
            ```

        Args:
            workflow_id: The workflow's id or slug.
            inputs: One input mapping per execution (files as in ``workflows.run``).
            concurrency: How many executions run at once (1..256).
            version: A version id, a release tag or ``"latest"``, for every input.
            overrides: Step outputs to use instead of running those steps, for every input.
            trigger: ``"api"`` (default) or ``"cli"``.
            poll_interval_seconds: The longest delay between two polls of one execution.
            timeout_seconds: The deadline of each execution's wait.
            on_outcome: Called with each ``RunOutcome`` as its input finishes, from a worker thread but one call at
                a time (it needs no lock of its own; an ``async def`` one is refused up front, the async client
                awaits it); if it raises, the exception becomes that outcome's
                ``error`` (its ``result`` is kept).
            cancel_on_interrupt: On Ctrl-C, cancel the running executions before raising (a second Ctrl-C
                skips the rest).

        Returns:
            One ``RunOutcome`` per input, in input order: ``.result`` (an ``ExecutionResult``, whatever its
            status) or ``.error``, and ``.execution_id`` whenever the execution was created.

        Raises:
            ArgumentValueError: An input or argument is invalid (nothing is sent).
            RunManyInterrupted: Ctrl-C (a ``KeyboardInterrupt``), raised at once: ``.outcomes`` (every input
                started so far; those still running have an ``EigenpalInterruptedError`` naming their
                execution), ``.running_ids``, ``.cancelled_ids`` and ``.not_started``.
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
        rate limit; a lazy iterator of one outcome per input, as each finishes.

        With a ``journal``, running the same batch again skips finished inputs, waits for started ones (never
        sending them again) and treats inputs caught between sending and learning their id as *unknown*: sent
        again with the same ``Idempotency-Key`` where the server honours keys (a recovery that returns the
        execution), otherwise reported as ``Failed(status="unknown")`` and not sent again unless
        ``resend_unknown=True``. Exactly once against a server that honours keys, at most once otherwise; never
        a silent duplicate. Inputs already finished in the journal are yielded too (``resumed``). Stopping the
        iteration (``break``, ``close()``) stops launching.

        At most ``concurrency`` inputs are in flight. A 429 pauses the whole batch for the server's
        ``Retry-After`` and halves the concurrency, which grows back as runs are accepted. Waits learn the
        workflow's durations from the batch's finished executions and poll near the expected end (at most
        ``poll_interval_seconds`` apart); a run answer that is already terminal is not polled. Arguments are
        checked here, before anything is opened or sent; an exception of ``inputs`` itself propagates after
        the inputs in flight finished.

        Example:
            ```python
            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                batch = client.workflows.executions.run_batch(
                    "echo", ({"n": n} for n in range(5)), journal="echo.journal", output="echo.jsonl"
                )
                for outcome in batch:
                    print(outcome.key[:8], outcome.status, outcome.execution_id)
            ```

        Args:
            workflow_id: The workflow's id or slug.
            inputs: Any iterable (a generator too), read one input at a time as slots free up, so memory stays
                proportional to ``concurrency``: each item is an input mapping (as for ``run_and_wait``; a
                top-level ``Path`` is uploaded) or a ``BatchInput(input, key=...)``. Each input has a stable
                key: the caller's, or derived from its content (a file input from its path and content digest).
            journal: A file path on a local disk that makes the batch resumable: every input's key and state
                are recorded *before* its run is sent, its execution id as soon as it is known. None: nothing is
                kept after the batch.
            output: A file path that receives one JSON line per input (``to_dict()``) as the outcomes arrive:
                first rewritten from the journal's finished outcomes (atomically), then appended one write per
                outcome, so a killed batch leaves whole lines (at most its very last line cut short) and a
                resumed one repairs and completes it without a duplicate line.
            concurrency: How many inputs are in flight at most.
            version: A version id, a release tag or ``"latest"``, for every input.
            overrides: Step outputs to use instead of running those steps, for every input.
            trigger: ``"api"`` (default) or ``"cli"``.
            poll_interval_seconds: The longest delay between two polls of one execution.
            timeout_seconds: The deadline of each input (its trigger and its wait).
            resend_unknown: Send *unknown* inputs again even where the server is not known to honour keys (a
                duplicate is then possible; the outcome says so).
            shard: ``(i, n)`` runs only the inputs of shard ``i`` of ``n`` (0-based; by key, the same partition
                on every machine), each shard with its own journal.
            cancel_on_interrupt: On Ctrl-C, cancel the running executions before raising.

        Returns:
            A ``BatchRun``: iterate it for ``Succeeded`` or ``Failed`` outcomes (``key``, ``file``,
            ``execution_id``, ``status``, ``result`` or ``error``, timings; ``to_dict()`` is what to export).

        Raises:
            ArgumentValueError: An argument is invalid (nothing is opened or sent).
            EigenpalJournalError: The journal cannot be used (in use by another batch, on a network file
                system, another batch's), raised at the first step, before anything is sent.
            BatchInterrupted: Ctrl-C (a ``KeyboardInterrupt``): launching stops, runs being sent get about a
                second to journal their ids, and the error names what is still running.
        """
        from eigenpal_ext._batch import (  # noqa: PLC0415 - loaded on first use
            batch_settings,
            check_inputs,
            executions_surface,
        )
        from eigenpal_ext._batch_run import BatchRun  # noqa: PLC0415

        surface = executions_surface(workflow_id, version=version, overrides=overrides, trigger=trigger)
        settings = batch_settings(
            surface, wait=WaitOptions(poll_interval_seconds, timeout_seconds), journal=journal, output=output,
            concurrency=concurrency, resend_unknown=resend_unknown, shard=shard,
            cancel_on_interrupt=cancel_on_interrupt,
        )  # fmt: skip
        return BatchRun(self._requestor, settings, check_inputs(inputs))


class ExecutionsWithRawResponse:
    """``client.workflows.executions.with_raw_response`` (client): ``get``, ``list``, ``cancel``, each returning
    a ``RawResponse`` (``status_code``, ``headers``, ``request_id``, ``parse()``) instead of the parsed answer;
    the same arguments, checks, retries and errors as the plain method."""

    def __init__(self, resource: Executions) -> None:
        raw = raw_copy(resource)
        self.get = raw_method(raw.get)
        self.list = raw_method(raw.list)
        self.cancel = raw_method(raw.cancel)


__all__ = ["AsyncExecutions", "Executions"]
