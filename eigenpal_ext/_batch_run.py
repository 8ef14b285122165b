"""Running a batch: ``BatchRun`` (sync: worker threads) and ``AsyncBatchRun`` (async: tasks), what
``run_batch`` returns. Both drive the same ``BatchCore`` (``_batch``) and are lazy: nothing is opened or
sent before the first outcome is asked for, and an input is taken from the caller's iterable only when a
slot is free, so memory stays proportional to the concurrency.

Iterating yields one outcome per input, as each finishes. Stopping early (``break``, ``close()``, leaving a
``with`` block, or the run being garbage-collected) stops launching: runs being sent get
``GRACE_SECONDS`` to answer so that their execution ids reach the journal, executions still running are
left running (a journal remembers them: the same batch run again waits for them), and the journal is
closed.

Interruption: **Ctrl-C** in the sync batch (a ``KeyboardInterrupt`` while it waits for the next outcome)
and **cancellation** of the async one do the same, then cancel the running executions if
``cancel_on_interrupt`` (one short request each; a second Ctrl-C skips the rest), and raise
``BatchInterrupted`` (a ``KeyboardInterrupt``) or let the ``CancelledError`` propagate with notes naming what
was left behind. Control returns within about ``GRACE_SECONDS`` plus the cancels. The sync workers are
daemon threads: one still in a request when the batch stops ends with it, never keeping the interpreter
alive; an execution id that arrives after the journal closed is logged at WARNING (and cancelled if asked).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from eigenpal_ext._batch import BatchCore, BatchSettings, Job
from eigenpal_ext._batch_outcomes import BatchOutcome
from eigenpal_ext._batch_output import BatchOutput
from eigenpal_ext._errors import EigenpalError
from eigenpal_ext._interrupts import BatchInterrupted
from eigenpal_ext._journal import Journal
from eigenpal_ext._logging import logger
from eigenpal_ext._public import public
from eigenpal_ext._requestor import AsyncRequestor, Requestor

# After Ctrl-C (or when a batch stops early), runs being sent get this long to answer with their ids.
GRACE_SECONDS = 1.0
_SLICE_SECONDS = 0.1  # the calling thread waits in slices this long, so Ctrl-C is handled between two


class _Stopped(Exception):
    """Raised in a worker's flow when it would sleep after the batch stopped: the flow ends there."""


def _open_journal(settings: BatchSettings) -> Journal:
    if settings.journal is None:
        return Journal.in_memory(settings.identity())
    return Journal.open(settings.journal, settings.identity())


def _open_output(settings: BatchSettings, journal: Journal) -> BatchOutput | None:
    """The output file, rewritten from the journal's finished outcomes (see ``_batch_output``)."""
    if settings.output is None:
        return None
    output = BatchOutput(settings.output)
    output.start(journal.finished_outcomes())
    return output


def _written(output: BatchOutput | None, outcome: BatchOutcome) -> BatchOutcome:
    """``outcome``, its line appended to the output (an outcome read back from the journal has its line already)."""
    if output is not None and not outcome.resumed:
        output.append(outcome.to_dict())
    return outcome


def _fill(core: BatchCore, launch: Any) -> BatchOutcome | None:
    """Take inputs while a slot is free, launching each job; an outcome known without sending stops it (it is
    returned at once, so no more than one such outcome is held)."""
    while len(core.in_flight) < core.limit.limit:
        taken = core.next_input()
        if taken is None:
            break
        if isinstance(taken, Job):
            core.in_flight.add(taken)
            launch(taken)
            continue
        return taken
    return None


def _left_behind(core: BatchCore) -> tuple[list[str], list[str]]:
    """The executions still running, and the keys of inputs whose run was being sent (ids unknown)."""
    running = sorted(job.execution_id for job in core.in_flight if job.execution_id is not None)
    unknown = sorted(job.key for job in core.in_flight if job.execution_id is None and job.sending)
    return running, unknown


def _report_stop(core: BatchCore, settings: BatchSettings, what: str) -> tuple[list[str], list[str]]:
    running, unknown = _left_behind(core)
    if running or unknown:
        where = (
            f"they are in the journal {settings.journal}: run the batch again to wait for them"
            if settings.journal is not None
            else "no journal was kept: note them now"
        )
        log = logger.info if settings.journal is not None else logger.warning
        log("the batch %s with %d executions still running (%s); %s", what, len(running), ", ".join(running), where)
        if unknown:
            logger.warning(
                "the batch %s while the runs of %d inputs were being sent; their executions may exist: %s",
                what, len(unknown), ", ".join(unknown),
            )  # fmt: skip
    return running, unknown


def _interrupted(
    core: BatchCore, settings: BatchSettings, running: list[str], unknown: list[str], cancelled: list[str]
) -> BatchInterrupted:
    journal = settings.journal
    rerun = f"; the journal {journal} has them: run the same batch again to resume" if journal is not None else ""
    cancels = f", cancel requested for {len(cancelled)}" if settings.cancel_on_interrupt else ""
    message = (
        f"the batch was interrupted: {core.finished} inputs finished, {len(running)} executions still "
        f"running{cancels}, {len(unknown)} inputs sent without a known execution id{rerun}"
    )
    return BatchInterrupted(
        message, running_ids=running, cancelled_ids=cancelled, unknown_keys=unknown, journal=journal,
        finished=core.finished,
    )  # fmt: skip


class _Run:
    """What both batches hold: the settings, the inputs, and once started the core and the output file."""

    def __init__(
        self, requestor: Requestor | AsyncRequestor, settings: BatchSettings, inputs: Iterable[object]
    ) -> None:
        self._settings, self._inputs = settings, inputs
        self._base_requestor = requestor
        self._core: BatchCore | None = None
        self._output: BatchOutput | None = None
        self._closed = False

    @property
    def journal(self) -> Any:
        """The journal's path (a ``pathlib.Path``), or None for a batch without one."""
        return self._settings.journal

    @property
    def running(self) -> int:
        """How many inputs are in flight (being sent, or their executions being waited for)."""
        return 0 if self._core is None else len(self._core.in_flight)

    def _start(self) -> BatchCore:
        """Open the journal and the output (rewritten from the journal), and make the core: the first step."""
        journal = _open_journal(self._settings)
        try:
            self._output = _open_output(self._settings, journal)
        except BaseException:
            journal.close()
            raise
        requestor = self._base_requestor
        self._core = BatchCore(
            self._settings, self._inputs, journal, context=requestor.context, base_url=str(requestor.http.base_url)
        )
        return self._core

    def _close_files(self, core: BatchCore) -> None:
        self._closed = True
        core.journal.close()
        if self._output is not None:
            self._output.close()


# --- the sync batch: worker threads ---------------------------------------------------------------------------


@public
class BatchRun(_Run, Iterator[BatchOutcome]):
    """What ``client.workflows.executions.run_batch`` and ``client.runs.run_batch`` return: iterate it for one
    outcome per input, as each finishes (a ``Succeeded`` or a ``Failed``; see ``run_batch``).

    Lazy: nothing is opened or sent before the first outcome is asked for. ``close()`` (or leaving a ``with``
    block, or ``break``) stops launching; executions already running keep running (a journal remembers them).
    ``running`` is the number of inputs in flight now; ``journal`` the journal's path (None without one).
    """

    def __init__(self, requestor: Requestor, settings: BatchSettings, inputs: Iterable[object]) -> None:
        super().__init__(requestor, settings, inputs)
        self._requestor = requestor
        self._workers: _Workers | None = None

    def __iter__(self) -> BatchRun:
        return self

    def __enter__(self) -> BatchRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __next__(self) -> BatchOutcome:
        if self._closed:
            raise StopIteration
        try:
            core = self._core or self._start()
            if self._workers is None:
                self._workers = _Workers(self._requestor, core, self._settings)
            return _written(self._output, self._next(core, self._workers))
        except KeyboardInterrupt:
            raise self._interrupt() from None
        except StopIteration:
            raise
        except BaseException:
            self.close()
            raise

    def _next(self, core: BatchCore, workers: _Workers) -> BatchOutcome:
        while True:
            ready = _fill(core, workers.launch)
            if ready is not None:
                return ready
            if core.done:
                self.close()
                if core.input_error is not None:
                    raise core.input_error
                raise StopIteration
            try:
                job, outcome = workers.results.get(timeout=_SLICE_SECONDS)
            except queue.Empty:
                continue
            core.in_flight.discard(job)
            if isinstance(outcome, BaseException):
                raise outcome  # the journal failed: nothing more can be recorded safely
            return outcome

    def _interrupt(self) -> BatchInterrupted:
        core, workers = self._core, self._workers
        cancelled: list[str] = []
        if core is None or workers is None:
            self.close()
            return BatchInterrupted("the batch was interrupted before it started", journal=self._settings.journal)
        try:
            workers.stop()
            running, unknown = _left_behind(core)
            if self._settings.cancel_on_interrupt:
                for execution_id in running:
                    if _cancel_quietly(self._requestor, self._settings, execution_id):
                        cancelled.append(execution_id)
        except KeyboardInterrupt:
            logger.warning("the batch: a second Ctrl-C; what was left behind is reported, without further cancels")
            running, unknown = _left_behind(core)
        self._close_journal(core)
        return _interrupted(core, self._settings, running, unknown, cancelled)

    def close(self) -> None:
        """Stop launching, give runs being sent a moment to answer, and close the journal. Executions still
        running keep running; a journal remembers them (the same batch run again waits for them)."""
        if self._closed:
            return
        core = self._core
        if core is not None:
            if self._workers is not None:
                self._workers.stop()
            if core.in_flight:
                _report_stop(core, self._settings, "was closed")
            self._close_journal(core)
        self._closed = True

    def _close_journal(self, core: BatchCore) -> None:
        if self._workers is not None:
            self._workers.end()
        self._close_files(core)

    def __del__(self) -> None:
        # A batch abandoned without close() (a `break` out of a for loop) still releases its journal.
        with contextlib.suppress(Exception):  # nothing may escape a finaliser
            self.close()


class _Workers:
    """The sync batch's daemon worker threads, started as jobs come (up to ``concurrency``): each runs one job's
    flow at a time and puts its outcome on ``results``. They hold no reference to the ``BatchRun``, so a batch
    that its caller drops (a ``break``) is collected, and closed, while they wait for work."""

    def __init__(self, requestor: Requestor, core: BatchCore, settings: BatchSettings) -> None:
        self._requestor, self._core, self._settings = requestor, core, settings
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self.results: queue.SimpleQueue[tuple[Job, BatchOutcome | BaseException]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self.stopped = threading.Event()

    def launch(self, job: Job) -> None:
        self._jobs.put(job)
        if len(self._threads) < min(self._settings.concurrency, len(self._core.in_flight)):
            thread = threading.Thread(target=self._work, name=f"eigenpal-batch-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def stop(self) -> None:
        """Stop every flow at its next sleep, and let runs being sent answer (at most ``GRACE_SECONDS``)."""
        self.stopped.set()
        deadline = time.monotonic() + GRACE_SECONDS
        while any(job.sending for job in self._core.in_flight) and time.monotonic() < deadline:
            time.sleep(0.01)

    def end(self) -> None:
        """Let the idle threads end (a thread still in a request ends after it)."""
        for _ in self._threads:
            self._jobs.put(None)

    def _sleep(self, seconds: float) -> None:
        # The client's sleep, unless the batch stops: then the flow ends at once.
        if self.stopped.is_set():
            raise _Stopped
        if self._requestor.sleep is time.sleep:
            self.stopped.wait(seconds)
        else:
            self._requestor.sleep(seconds)
        if self.stopped.is_set():
            raise _Stopped

    def _work(self) -> None:
        core = self._core
        while (job := self._jobs.get()) is not None:
            result: BatchOutcome | BaseException
            try:
                outcome = self._requestor.run(core.flow(job), sleep=self._sleep)
                result = core.outcome(job, result=outcome)
            except _Stopped:
                continue
            except BaseException as error:
                if self.stopped.is_set():
                    self._late(job)
                    continue
                try:
                    result = core.outcome(job, error=error)
                except BaseException as fatal:  # the journal failed
                    result = fatal
            self.results.put((job, result))

    def _late(self, job: Job) -> None:
        """A job ended after the batch stopped: an execution id that never reached the journal is logged (and
        cancelled if asked)."""
        if job.execution_id is None or job.journaled:
            return
        logger.warning(
            "the batch had stopped when input %s's run answered: it started execution %s, which is not in the "
            "journal (the next run of the batch treats the input as unknown)",
            job.key, job.execution_id,
        )  # fmt: skip
        if self._settings.cancel_on_interrupt:
            _cancel_quietly(self._requestor, self._settings, job.execution_id)


def _cancel_quietly(requestor: Requestor, settings: BatchSettings, execution_id: str) -> bool:
    try:
        requestor.send(settings.surface.polled.cancel(execution_id))  # one short attempt, no retries
    except EigenpalError as error:
        logger.warning("the batch: the cancel of execution %s failed: %s", execution_id, error)
        return False
    return True


# --- the async batch: tasks ------------------------------------------------------------------------------------


@public
class AsyncBatchRun(_Run):
    """What the async client's ``run_batch`` returns: ``async for`` it for one outcome per input, as each
    finishes. The same as ``BatchRun``, with tasks instead of threads: ``aclose()`` (or leaving an
    ``async with`` block) stops launching and cancels and awaits every task, so nothing outlives it.
    Cancelling the task that iterates reports what was left behind in the ``CancelledError``'s notes."""

    def __init__(self, requestor: AsyncRequestor, settings: BatchSettings, inputs: Iterable[object]) -> None:
        super().__init__(requestor, settings, inputs)
        self._requestor = requestor
        self._tasks: dict[Job, asyncio.Task[None]] = {}
        self._results: collections.deque[tuple[Job, BatchOutcome | BaseException]] = collections.deque()
        self._arrived = asyncio.Event()

    def __aiter__(self) -> AsyncBatchRun:
        return self

    async def __aenter__(self) -> AsyncBatchRun:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def __anext__(self) -> BatchOutcome:
        if self._closed:
            raise StopAsyncIteration
        try:
            core = self._core or self._start()
            return _written(self._output, await self._next(core))
        except asyncio.CancelledError as cancelled:
            await self._cancelled(cancelled)
            raise
        except StopAsyncIteration:
            raise
        except BaseException:
            await self.aclose()
            raise

    async def _next(self, core: BatchCore) -> BatchOutcome:
        while True:
            ready = _fill(core, self._launch)
            if ready is not None:
                return ready
            if core.done:
                await self.aclose()
                if core.input_error is not None:
                    raise core.input_error
                raise StopAsyncIteration
            if not self._results:
                self._arrived.clear()
                await self._arrived.wait()
                continue
            job, outcome = self._results.popleft()
            core.in_flight.discard(job)
            self._tasks.pop(job, None)
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome

    def _launch(self, job: Job) -> None:
        assert self._core is not None
        # The task holds the core and the results, not this object: a batch its caller drops is collected.
        work = _run_job(self._requestor, self._core, job, self._results, self._arrived)
        self._tasks[job] = asyncio.get_running_loop().create_task(work, name=f"eigenpal-batch-{job.key}")

    async def _cancelled(self, cancelled: asyncio.CancelledError) -> None:
        """The iterating task was cancelled: let runs being sent answer, cancel executions if asked, note what
        was left behind on ``cancelled``, and close."""
        core = self._core
        if core is None or self._closed:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + GRACE_SECONDS
        try:
            while any(job.sending for job in core.in_flight) and loop.time() < deadline:
                await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            pass  # cancelled again: report what is known now
        running, unknown = _left_behind(core)
        cancelled_ids: list[str] = []
        await self._cancel_tasks()
        if self._settings.cancel_on_interrupt:
            for execution_id in running:
                try:
                    async with asyncio.timeout(GRACE_SECONDS * 2):
                        await self._requestor.send(self._settings.surface.polled.cancel(execution_id))
                    cancelled_ids.append(execution_id)
                except (EigenpalError, TimeoutError) as error:
                    logger.warning("the batch: the cancel of execution %s failed: %s", execution_id, error)
        report = _interrupted(core, self._settings, running, unknown, cancelled_ids)
        cancelled.add_note(str(report))
        for execution_id in running:
            cancelled.add_note(f"execution {execution_id} was still running")
        for key in unknown:
            cancelled.add_note(f"input {key}: its run was being sent; an execution may exist")
        self._close_files(core)

    async def _cancel_tasks(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    async def aclose(self) -> None:
        """Stop launching, give runs being sent a moment to answer, cancel and await every task, close the
        journal. Executions still running keep running; a journal remembers them."""
        if self._closed:
            return
        self._closed = True
        core = self._core
        if core is None:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + GRACE_SECONDS
        while any(job.sending for job in core.in_flight) and loop.time() < deadline:
            await asyncio.sleep(0.01)
        if core.in_flight:
            _report_stop(core, self._settings, "was closed")
        await self._cancel_tasks()
        self._close_files(core)

    def __del__(self) -> None:
        # Abandoned without aclose() (a `break` out of `async for`): its tasks are cancelled (they cannot be
        # awaited here) and its journal is closed.
        for task in getattr(self, "_tasks", {}).values():
            task.cancel()
        core = getattr(self, "_core", None)
        if core is not None and not self._closed:
            with contextlib.suppress(Exception):  # nothing may escape a finaliser
                self._close_files(core)


async def _run_job(
    requestor: AsyncRequestor,
    core: BatchCore,
    job: Job,
    results: collections.deque[tuple[Job, BatchOutcome | BaseException]],
    arrived: asyncio.Event,
) -> None:
    """One job of the async batch, as a task: its flow, then its outcome on ``results``."""
    result: BatchOutcome | BaseException
    try:
        outcome = await requestor.run(core.flow(job))
        result = core.outcome(job, result=outcome)
    except asyncio.CancelledError:
        raise
    except BaseException as error:
        try:
            result = core.outcome(job, error=error)
        except BaseException as fatal:  # the journal failed
            result = fatal
    results.append((job, result))
    arrived.set()
