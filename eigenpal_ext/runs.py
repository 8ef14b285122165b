"""The runs resource: ``client.runs.start/run_and_wait/wait/get/list/iter/cancel/steps/events/handle``, the runs
API of today's EigenPal (``POST /runs`` with a target such as ``workflows.extract-invoice``).

Written on the same parts as the executions resource: a start is a ``RunStart`` (``_run_calls``) sent by the
trigger flow (``_trigger``: the same retry and ``Idempotency-Key`` rules, the same recovery of a cut hold, the same
lookup data on an error after a run may exist), a wait is ``_waiting``'s flow told to poll runs (``RUNS``), a
listing is ``_paging``'s cursor flow. File inputs over the client's ``multipart_max_bytes`` are uploaded first
(``_uploads.prepare_start_flow``). The sync and async classes only check their arguments and run these flows
with the requestor their client handed over.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from eigenpal_api.models import Run, RunCancelResult, RunEvents, RunPage, RunSteps, RunTrigger, RunType

from eigenpal_ext import _config, _paging
from eigenpal_ext._calls import StatusFilter
from eigenpal_ext._raw import raw_copy, raw_method
from eigenpal_ext._results import RunResult
from eigenpal_ext._run_calls import (
    RunStart,
    cancel_run_call,
    get_run_call,
    list_runs_call,
    run_events_call,
    run_steps_call,
)
from eigenpal_ext._run_handle import RUNS, RunHandle
from eigenpal_ext._waiting import StatusCallback, WaitOptions, wait_flow
from eigenpal_ext.dates import DateInput

if TYPE_CHECKING:
    from eigenpal_ext._batch_run import BatchRun
    from eigenpal_ext._requestor import Requestor
from eigenpal_ext._batch_inputs import BatchItems
from eigenpal_ext._runs_async import AsyncRuns
from eigenpal_ext._runs_shared import (
    RunsBase,
    check_run_hold,
    checked_batch_inputs,
    run_and_wait_runs_flow,
    run_filters,
    runs_batch_settings,
    start_run_flow,
)


class Runs(RunsBase):
    """``client.runs``: runs of workflows (and agents) through today's runs API.

    Targets are ``workflows.<slug>`` (or ``agents.<slug>``), optionally ``@<version>``, checked before any request.
    ``get``/``list``/``iter``/``cancel``/``steps``/``events`` send one request each (``request_timeout_seconds``:
    that request, retries included); ``wait`` and ``run_and_wait`` take ``timeout_seconds``, the deadline of the
    whole wait. A failed, cancelled or timed-out run is a ``RunResult``, not an exception: check ``.status``.
    """

    @functools.cached_property
    def with_raw_response(self) -> RunsWithRawResponse:
        """``get``, ``list``, ``cancel``, ``steps``, ``events`` returning the answer as a ``RawResponse``
        (status, headers, request id, ``.parse()``)."""
        return RunsWithRawResponse(self)

    _requestor: Requestor

    def start(
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
    ) -> RunHandle:
        """Start a run of ``target`` with ``input``; a ``RunHandle`` (the run as answered, plus ``wait()``,
        ``get()``, ``cancel()``).

        ``input`` values are JSON, or files at the top level (a ``Path``, a binary handle, or
        ``{"content": bytes, "filename": ..., "mime_type": ...}``): sent as ``files.<key>`` parts of a multipart
        body, streamed from disk; files that would make the body larger than the client's ``multipart_max_bytes``
        are uploaded first through the files API and sent as ``{"$fileId": ...}``. ``version`` (or
        ``target@version``) pins a release or git ref. ``overrides`` replays steps; ``metadata`` is your own data,
        stored with the run (``get(id, expand="input")`` shows it). ``wait_for_completion`` (0..600 s) asks the
        server to hold the answer until the run ends; a hold that is cut is recovered where keys are honoured,
        otherwise the error says the run may exist and when it was created. ``trigger`` is sent as
        ``X-Eigenpal-Trigger`` (``api`` when omitted).

        Args:
            target: ``workflows.<slug>`` or ``agents.<slug>``, optionally ``@<version>``; checked before any
                request.
            input: The run's input: JSON values, or files at the top level (a ``Path``, a binary handle, or
                ``{"content": bytes, "filename": ..., "mime_type": ...}``).
            version: A release or git ref to run (or ``target@version``).
            overrides: Step overrides, sent as given.
            metadata: Your own JSON data, stored with the run (``get(id, expand="input")`` shows it).
            wait_for_completion: Ask the server to hold the answer up to this many seconds (0..600) until
                the run ends.
            trigger: Sent as ``X-Eigenpal-Trigger`` (``api`` when omitted).
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            A ``RunHandle``: the run as answered, plus ``wait()``, ``get()``, ``cancel()``.

        Raises:
            EigenpalError: The start failed; once the run may exist, the error says so
                (``execution_may_exist``, ``target``, the creation window).
        """
        start = RunStart.of(
            target, input, version=version, overrides=overrides, metadata=metadata, trigger=trigger,
            request_timeout_seconds=request_timeout_seconds,
        )  # fmt: skip
        flow = start_run_flow(
            start, self._requestor.context, hold=check_run_hold(wait_for_completion), max_bytes=self._max_bytes,
            origin=self._origin,
        )  # fmt: skip
        return RunHandle._of(self._requestor.run(flow), self._requestor)

    def run_and_wait(
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
        """Start a run and wait for it to end; its ``RunResult``.

        The same rules as ``client.workflows.executions.run_and_wait``: ``timeout_seconds`` covers the start and
        the wait (files uploaded first are not counted); ``server_hold`` None holds only where the client declares
        that the server deduplicates runs (``idempotent_runs=True``), True holds the start itself (up to 60 s at
        a time), False never holds. Polls come at 0.7 s, then 1.2x further apart up to ``poll_interval_seconds``;
        ``on_status(run)`` is called once per status change; past the deadline raises
        ``EigenpalWaitTimeoutError`` (with the run's id as ``execution_id``). A start answered with a finished
        run is the result at once.

        Args:
            target: ``workflows.<slug>`` or ``agents.<slug>``, optionally ``@<version>``; checked before any
                request.
            input: The run's input: JSON values, or files at the top level (a ``Path``, a binary handle, or
                ``{"content": bytes, "filename": ..., "mime_type": ...}``).
            version: A release or git ref to run (or ``target@version``).
            overrides: Step overrides, sent as given.
            metadata: Your own JSON data, stored with the run (``get(id, expand="input")`` shows it).
            trigger: Sent as ``X-Eigenpal-Trigger`` (``api`` when omitted).
            poll_interval_seconds: The longest delay between two polls (the first after 0.7 s, each delay
                1.2x the last).
            timeout_seconds: The deadline of the whole wait, every poll included.
            on_status: Called with the ``Run`` once per status change (a plain function on this client; the
                async client also awaits an ``async def`` one).
            cancel_on_timeout: Request a cancel before raising ``EigenpalWaitTimeoutError``.
            server_hold: None: hold only where the client declares that the server deduplicates runs
                (``idempotent_runs=True``); True: hold the start itself; False: never.

        Returns:
            A ``RunResult`` (any end: a failed, cancelled or timed-out run is returned, not raised; check
                ``.status``).

        Raises:
            EigenpalWaitTimeoutError: The deadline passed (the run's id is its ``execution_id``).
        """
        start = RunStart.of(target, input, version=version, overrides=overrides, metadata=metadata, trigger=trigger)
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        flow = run_and_wait_runs_flow(
            start, wait, self._requestor.context, server_hold=server_hold, max_bytes=self._max_bytes,
            origin=self._origin,
        )  # fmt: skip
        return self._requestor.run(flow)

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
    ) -> BatchRun:
        """Run ``target`` once per input of ``inputs`` on the runs API: the batch of
        ``client.workflows.executions.run_batch`` (the same journal, output, pacing, Ctrl-C and shards), with
        runs instead of executions; a lazy iterator of one outcome per input, as each finishes (its
        ``execution_id`` is the run's id).

        Each run is tagged in its ``metadata`` with the batch's id (made when the journal is created, kept in it)
        and the input's key: ``{"eigenpal_ext_batch": ..., "eigenpal_ext_input": ...}``, beside your own
        ``metadata``. The runs API documents no ``Idempotency-Key``, so an *unknown* input (its run was sent and
        its id never arrived: the process was killed, or the answer was lost) is not sent again: the target's
        runs created from 5 minutes before the journal's sent time to 5 minutes after now are listed, each
        one's metadata read (``get(id, expand="input")``), and the run carrying this batch's id and this input's
        key is adopted and waited for.

        The lookup waits until the input's request is 10 s old (it may still be on its way into the server).
        Guaranteed: a run the server committed within those 10 s (created within 5 minutes of this machine's
        clock) is adopted, never run twice; resuming with the journal is exactly once for those. Not
        guaranteed: a run committed later than that is missed; that input is then reported as
        ``Failed(status="unknown")`` and stays unknown in the journal (never silently sent again; the next run of
        the batch looks again). A duplicate is possible only with
        ``resend_unknown=True``, which sends an input that was looked for and not found.

        Example:
            ```python
            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                batch = client.runs.run_batch(
                    "workflows.echo", ({"n": n} for n in range(3)), journal="runs.journal", output="runs.jsonl"
                )
                for outcome in batch:
                    print(outcome.status, outcome.result)
            ```

        Args:
            target: ``workflows.<slug>`` (or ``agents.<slug>``), optionally ``@<version>``; checked before
                anything is opened or sent.
            inputs: Any iterable (a generator too), read one input at a time as slots free up: each item an
                input mapping (JSON values, or files at the top level as for ``start``) or a
                ``BatchInput(input, key=...)``; each input's key is the caller's or derived from its content.
            journal: A file path on a local disk that makes the batch resumable (as for the executions batch).
            output: A file path that receives one JSON line per input as the outcomes arrive.
            concurrency: How many inputs are in flight at most.
            version: A release or git ref to run, for every input (or ``target@version``).
            overrides: Step overrides, for every input.
            metadata: Your own JSON data stored with every run, beside the batch's two tags.
            trigger: Sent as ``X-Eigenpal-Trigger`` (``api`` when omitted; the ``eigenpal`` command sends
                ``cli``).
            poll_interval_seconds: The longest delay between two polls of one run.
            timeout_seconds: The deadline of each input (its start and its wait).
            resend_unknown: Send an unknown input again when no run carrying its tags was found (a duplicate
                is then possible).
            shard: ``(i, n)`` runs only the inputs of shard ``i`` of ``n`` (0-based; by key), each shard with
                its own journal.
            cancel_on_interrupt: On Ctrl-C, cancel the running runs before raising.

        Returns:
            A ``BatchRun``: iterate it for ``Succeeded`` or ``Failed`` outcomes (``key``, ``file``,
            ``execution_id`` (the run id), ``status``, ``result`` (the run's output) or ``error``, timings).

        Raises:
            ArgumentValueError: An argument is invalid, or ``metadata`` uses ``eigenpal_ext_batch`` or
                ``eigenpal_ext_input`` (nothing is opened or sent).
            EigenpalJournalError: The journal cannot be used (in use by another batch, on a network file
                system, another batch's: a journal of an executions batch included), raised at the first step.
            BatchInterrupted: Ctrl-C (a ``KeyboardInterrupt``): launching stops, runs being sent get about a
                second to journal their ids, and the error names what is still running.
        """
        from eigenpal_ext._batch_run import BatchRun  # noqa: PLC0415 - loaded on first use

        settings = runs_batch_settings(self, target, journal=journal, output=output, concurrency=concurrency,
                                   version=version, overrides=overrides, metadata=metadata, trigger=trigger,
                                   poll_interval_seconds=poll_interval_seconds, timeout_seconds=timeout_seconds,
                                   resend_unknown=resend_unknown, shard=shard,
                                   cancel_on_interrupt=cancel_on_interrupt)  # fmt: skip
        return BatchRun(self._requestor, settings, checked_batch_inputs(inputs))

    def wait(
        self,
        run_id: str,
        *,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
    ) -> RunResult:
        """Poll ``run_id`` until it ends; its ``RunResult`` (polls at once, then as in ``run_and_wait``).

        Args:
            run_id: The run's id.
            poll_interval_seconds: The longest delay between two polls (the first after 0.7 s, each delay
                1.2x the last).
            timeout_seconds: The deadline of the whole wait, every poll included.
            on_status: Called with the ``Run`` once per status change (a plain function on this client; the
                async client also awaits an ``async def`` one).
            cancel_on_timeout: Request a cancel before raising ``EigenpalWaitTimeoutError``.

        Returns:
            A ``RunResult`` (any end; check ``.status``).

        Raises:
            EigenpalWaitTimeoutError: The deadline passed.
        """
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        return self._requestor.run(wait_flow(run_id, wait, self._requestor.context, polled=RUNS))

    def handle(self, run: str | Run) -> RunHandle:
        """A ``RunHandle`` on this client for a run id, or for a run or handle whose fields it keeps (one that was
        pickled in another process, or made by another client). Nothing is sent.

        Args:
            run: A run id, or a ``Run`` or handle whose fields the new handle keeps.

        Returns:
            A ``RunHandle`` on this client.
        """
        return RunHandle._attach(run, self._requestor)

    def get(
        self, run_id: str, *, expand: str | Sequence[str] | None = None, request_timeout_seconds: float | None = None
    ) -> Run:
        """One run. ``expand`` adds sections: ``input`` (the arguments and ``metadata`` it was started with),
        ``usage``, ``execution`` (steps, reviews), ``debug``; a string (comma-separated) or a list.

        Args:
            run_id: The run's id.
            expand: Sections to add: ``input``, ``usage``, ``execution``, ``debug``; a string (comma-
                separated) or a list.
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            The ``Run``.

        Raises:
            EigenpalNotFoundError: No run has this id.
        """
        return self._requestor.send(
            get_run_call(run_id, expand=expand, request_timeout_seconds=request_timeout_seconds)
        )

    def list(
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
        """One page of runs (newest first unless ``sort``/``order`` say otherwise); the next page's ``cursor`` is
        ``page.next_cursor`` (None on the last page).

        Dates (``created_after``, ``created_before``, ``completed_after``, ``completed_before``) take a
        ``datetime`` (naive = UTC), ``date``, ``timedelta`` (that long ago), ISO-8601 or ``'now()-7d'``; the runs
        list takes ISO-8601 only, so each is resolved here. ``status`` is a status or a list of them; ``source``
        an automation's id; ``ids`` a list of run ids. ``limit`` is 1..100 (the server may answer fewer).

        Args:
            status: A status or a list of them.
            type: ``workflow`` or ``agent``.
            source: An automation's id.
            source_ref: The automation's reference, as the API takes it.
            trigger: How the runs were started (``api``, ``cli``, ...).
            batch_id: The runs of one batch of the API.
            example_id: The runs of one example.
            ids: A list of run ids.
            created_after: Created at or after: ``datetime`` (naive = UTC), ``date``, ``timedelta`` (that
                long ago), ISO-8601 or ``'now()-7d'``; resolved to ISO-8601 here.
            created_before: Created at or before (the same forms).
            completed_after: Completed at or after (the same forms).
            completed_before: Completed at or before (the same forms).
            sort: The field to sort by, as the API takes it.
            order: ``asc`` or ``desc``.
            cursor: The ``next_cursor`` of the previous page (None: the first page).
            limit: Runs per page, 1..100 (the server may answer fewer).
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            A ``RunPage`` (a sequence of ``Run``; ``next_cursor`` is None on the last page).
        """
        filters = run_filters(
            status=status, type=type, source=source, source_ref=source_ref, trigger=trigger, batch_id=batch_id,
            example_id=example_id, ids=ids, created_after=created_after, created_before=created_before,
            completed_after=completed_after, completed_before=completed_before, sort=sort, order=order,
        )  # fmt: skip
        call = list_runs_call(filters, cursor=cursor, limit=limit, request_timeout_seconds=request_timeout_seconds)
        return self._requestor.send(call)

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
    ) -> Iterator[Run]:
        """Every run matching the filters (as ``list``), across pages by cursor, fetched lazily; each run once.

        ``page_size`` (1..100) is the size of each request; ``max_items`` caps the number yielded. Relative dates
        are resolved once, when the iteration starts, so every page has the same window.

        Args:
            status: A status or a list of them.
            type: ``workflow`` or ``agent``.
            source: An automation's id.
            source_ref: The automation's reference, as the API takes it.
            trigger: How the runs were started (``api``, ``cli``, ...).
            batch_id: The runs of one batch of the API.
            example_id: The runs of one example.
            ids: A list of run ids.
            created_after: Created at or after: ``datetime`` (naive = UTC), ``date``, ``timedelta`` (that
                long ago), ISO-8601 or ``'now()-7d'``; resolved to ISO-8601 here.
            created_before: Created at or before (the same forms).
            completed_after: Completed at or after (the same forms).
            completed_before: Completed at or before (the same forms).
            sort: The field to sort by, as the API takes it.
            order: ``asc`` or ``desc``.
            page_size: Runs per request, 1..100.
            max_items: Stop after this many runs (None: all).
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            An iterator of ``Run``, fetched page by page as it is consumed.
        """
        filters = run_filters(
            status=status, type=type, source=source, source_ref=source_ref, trigger=trigger, batch_id=batch_id,
            example_id=example_id, ids=ids, created_after=created_after, created_before=created_before,
            completed_after=completed_after, completed_before=completed_before, sort=sort, order=order,
        )  # fmt: skip

        def page(cursor: str | None, size: int) -> Any:
            return list_runs_call(filters, cursor=cursor, limit=size, request_timeout_seconds=request_timeout_seconds)

        return self._requestor.iterate(_paging.start_cursor(page, page_size=page_size, max_items=max_items))

    def cancel(self, run_id: str, *, request_timeout_seconds: float | None = None) -> RunCancelResult:
        """Ask the server to cancel (idempotent); ``.cancellation.state``: ``cancelled``, ``requested`` or
        ``already_terminal``.

        Args:
            run_id: The run's id.
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            A ``RunCancelResult``.
        """
        return self._requestor.send(cancel_run_call(run_id, request_timeout_seconds=request_timeout_seconds))

    def steps(self, run_id: str, *, request_timeout_seconds: float | None = None) -> RunSteps:
        """The run's steps, in execution order, each as the server sent it (a sequence).

        Args:
            run_id: The run's id.
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            The ``RunSteps`` (a sequence).
        """
        return self._requestor.send(run_steps_call(run_id, request_timeout_seconds=request_timeout_seconds))

    def events(self, run_id: str, *, request_timeout_seconds: float | None = None) -> RunEvents:
        """The run's lifecycle as a timeline of ``RunEvent``s, oldest first (a sequence).

        Args:
            run_id: The run's id.
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            The ``RunEvents`` (a sequence of ``RunEvent``).
        """
        return self._requestor.send(run_events_call(run_id, request_timeout_seconds=request_timeout_seconds))


class RunsWithRawResponse:
    """``client.runs.with_raw_response`` (client): ``get``, ``list``, ``cancel``, ``steps``, ``events``, each
    returning a ``RawResponse`` (``status_code``, ``headers``, ``request_id``, ``parse()``) instead of the
    parsed answer; the same arguments, checks, retries and errors as the plain method."""

    def __init__(self, resource: Runs) -> None:
        raw = raw_copy(resource)
        self.get = raw_method(raw.get)
        self.list = raw_method(raw.list)
        self.cancel = raw_method(raw.cancel)
        self.steps = raw_method(raw.steps)
        self.events = raw_method(raw.events)


__all__ = ["AsyncRuns", "Runs"]
