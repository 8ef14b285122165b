"""Running ``run_many``'s inputs: worker threads for the sync client, a task group for the async one.

Both drive one ``run_one_flow`` per input (``_fanout``) with the client's requestor, at most
``concurrency`` at a time, and share a ``Batch``: any exception of one input is that input's outcome, and
the caller's ``on_outcome`` is called with each outcome as it is known, one call at a time (an exception it
raises becomes the outcome's ``error``). What differs is how each is interrupted:

- **Sync, Ctrl-C.** The workers are daemon threads pulling inputs from the batch; the calling thread only
  waits for them, in short interruptible waits. A ``KeyboardInterrupt`` there stops the batch at once: no
  further run is started, the workers' sleeps end (``_Stopped`` ends their flows), runs being sent get
  ``INTERRUPT_GRACE_SECONDS`` to return their ids, the still-running executions are cancelled if asked
  (``cancel_on_interrupt``; a second Ctrl-C cuts that short), and ``RunManyInterrupted`` (a
  ``KeyboardInterrupt``) carries the outcomes, the running ids and the inputs never started. A worker still
  in a request finishes it in the background and ends; being a daemon thread, it never keeps the
  interpreter alive. A run it was sending that turns out to have started is logged at WARNING (and
  cancelled if asked).
- **Async, cancellation.** The workers are tasks of one ``asyncio.TaskGroup``: nothing outlives the call,
  and an exception that is not an input's own (a ``KeyboardInterrupt`` in the loop) cancels the rest. When
  the call is cancelled, every input that had started an execution (or was sending its run) is reported
  before the ``CancelledError`` propagates, unchanged: through ``on_outcome`` (an
  ``EigenpalInterruptedError`` naming the execution) and in the error's notes; with
  ``cancel_on_interrupt`` its execution is cancelled first.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Callable
from typing import Any

import attrs

from eigenpal_ext import _calls, _config
from eigenpal_ext._errors import EigenpalError, utc_text
from eigenpal_ext._fanout import Batch, RunOutcome
from eigenpal_ext._flow import Flow
from eigenpal_ext._interrupts import RunManyInterrupted
from eigenpal_ext._logging import logger
from eigenpal_ext._requestor import AsyncRequestor, Requestor
from eigenpal_ext._results import ExecutionResult

# After a Ctrl-C, runs being sent get this long to answer, so that their execution ids can be reported.
INTERRUPT_GRACE_SECONDS = 0.5
# The calling thread waits for the workers in slices this long: a Ctrl-C is handled between two of them.
_WAIT_SLICE_SECONDS = 0.1

FlowFor = Callable[[int], Flow[ExecutionResult]]
OnOutcome = Callable[[RunOutcome], object] | None


class _Stopped(Exception):
    """Raised in a worker's flow when it would sleep after the batch was stopped: the flow ends there."""


def delivered(outcome: RunOutcome, on_outcome: OnOutcome) -> RunOutcome:
    """``outcome`` after handing it to ``on_outcome``; an exception the callback raises becomes its ``error``."""
    if on_outcome is None:
        return outcome
    try:
        on_outcome(outcome)
    except Exception as exc:
        return _callback_failed(outcome, exc)
    return outcome


async def delivered_async(outcome: RunOutcome, on_outcome: OnOutcome) -> RunOutcome:
    """``delivered`` for the async client: what ``on_outcome`` returns is awaited when awaitable (``async def``)."""
    if on_outcome is None:
        return outcome
    try:
        returned = on_outcome(outcome)
        if inspect.isawaitable(returned):
            await returned
    except Exception as exc:
        return _callback_failed(outcome, exc)
    return outcome


def _callback_failed(outcome: RunOutcome, exc: Exception) -> RunOutcome:
    """``outcome`` once ``on_outcome`` raised ``exc``: its ``error`` (a result is kept; an error gets a note)."""
    exc.add_note(f"raised by on_outcome for inputs[{outcome.index}] (execution {outcome.execution_id})")
    if outcome.error is not None:
        outcome.error.add_note(f"on_outcome then raised {type(exc).__name__}: {exc}")
        return outcome
    return attrs.evolve(outcome, error=exc)


def _cancel_call(execution_id: str) -> _calls.Call[Any]:
    # The batch is being abandoned: one short attempt per execution, so that leaving stays quick.
    return _calls.cancel_execution_call(
        execution_id, request_timeout_seconds=_config.CANCEL_ON_TIMEOUT_REQUEST_SECONDS, max_retries=0
    )


# --- the sync client: worker threads ------------------------------------------------------------------------


def run_threads(
    requestor: Requestor,
    batch: Batch,
    flow_for: FlowFor,
    *,
    concurrency: int,
    on_outcome: OnOutcome,
    cancel_on_interrupt: bool,
) -> list[RunOutcome]:
    """Run every input of ``batch`` on daemon threads; the outcomes in input order, or ``RunManyInterrupted``."""

    def sleep(seconds: float) -> None:
        # The client's sleep, unless the batch stops: then the flow ends at once.
        if batch.stopped.is_set():
            raise _Stopped
        if requestor.sleep is time.sleep:
            batch.stopped.wait(seconds)
        else:
            requestor.sleep(seconds)
        if batch.stopped.is_set():
            raise _Stopped

    one_callback_at_a_time = threading.Lock()  # so that on_outcome needs no lock of its own (nor do its prints)

    def work() -> None:
        while (index := batch.take()) is not None:
            item = batch.items[index]
            try:
                outcome = RunOutcome(index, item, result=requestor.run(flow_for(index), sleep=sleep))
            except _Stopped:
                _cancel_late(requestor, batch, index, cancel_on_interrupt)
                return
            except BaseException as exc:
                if batch.stopped.is_set():
                    _cancel_late(requestor, batch, index, cancel_on_interrupt)
                    return
                outcome = RunOutcome(index, item, error=exc)
            with one_callback_at_a_time:
                outcome = delivered(outcome, on_outcome)
            batch.finish(outcome)

    workers = [
        threading.Thread(target=work, name=f"eigenpal-run-many-{number}", daemon=True)
        for number in range(min(concurrency, len(batch.items)))
    ]
    try:
        for worker in workers:
            worker.start()
        while not batch.done.wait(_WAIT_SLICE_SECONDS):
            if not any(worker.is_alive() for worker in workers):
                break  # every worker ended: nothing more will finish
    except KeyboardInterrupt:
        raise _interrupted(requestor, batch, cancel_on_interrupt) from None
    for worker in workers:
        worker.join()
    return batch.outcomes()


def _interrupted(requestor: Requestor, batch: Batch, cancel_on_interrupt: bool) -> RunManyInterrupted:
    """Stop ``batch`` after a Ctrl-C and say what it leaves behind (cancelling it first, if asked)."""
    batch.stop()
    cancelled: list[str] = []
    try:
        batch.wait_for_sending(INTERRUPT_GRACE_SECONDS)
        outcomes, running, not_started = batch.interruption()
        if cancel_on_interrupt:
            for execution_id in running:
                try:
                    requestor.send(_cancel_call(execution_id))
                except EigenpalError as error:
                    logger.warning("run_many: the cancel of execution %s failed: %s", execution_id, error)
                else:
                    cancelled.append(execution_id)
    except KeyboardInterrupt:
        logger.warning("run_many: a second Ctrl-C; what was left behind is reported, without further cancels")
        outcomes, running, not_started = batch.interruption()
    finished = sum(1 for outcome in outcomes if outcome.result is not None)
    cancels = f", cancel requested for {len(cancelled)}" if cancel_on_interrupt else ""
    message = (
        f"run_many was interrupted: {finished} of {len(batch.items)} inputs finished, {len(running)} executions "
        f"still running{cancels}, {len(not_started)} inputs not started"
    )
    return RunManyInterrupted(
        message, outcomes=outcomes, running_ids=running, cancelled_ids=cancelled, not_started=not_started
    )


def _cancel_late(requestor: Requestor, batch: Batch, index: int, cancel_on_interrupt: bool) -> None:
    """A worker stopped after the interrupt: cancel the execution its input started too late, if asked."""
    execution_id = batch.started_late(index)
    if execution_id is None or not cancel_on_interrupt:
        return
    try:
        requestor.send(_cancel_call(execution_id))
    except EigenpalError as error:
        logger.warning("run_many: the cancel of execution %s failed: %s", execution_id, error)


# --- the async client: one task group ----------------------------------------------------------------------------


async def run_tasks(
    requestor: AsyncRequestor,
    batch: Batch,
    flow_for: FlowFor,
    *,
    concurrency: int,
    on_outcome: OnOutcome,
    cancel_on_interrupt: bool,
) -> list[RunOutcome]:
    """Run every input of ``batch`` as tasks of one task group; the outcomes in input order."""
    notes: list[str] = []

    async def work() -> None:
        while (index := batch.take()) is not None:
            item = batch.items[index]
            try:
                outcome = RunOutcome(index, item, result=await requestor.run(flow_for(index)))
            except asyncio.CancelledError:
                await _report_cancelled(requestor, batch, index, on_outcome, cancel_on_interrupt, notes)
                raise
            except Exception as exc:
                outcome = RunOutcome(index, item, error=exc)
            batch.finish(await delivered_async(outcome, on_outcome))

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(concurrency, len(batch.items))):
                group.create_task(work())
    except asyncio.CancelledError as cancelled:
        batch.stop()
        for note in notes:
            cancelled.add_note(note)
        raise
    return batch.outcomes()


async def _report_cancelled(
    requestor: AsyncRequestor,
    batch: Batch,
    index: int,
    on_outcome: OnOutcome,
    cancel_on_interrupt: bool,
    notes: list[str],
) -> None:
    """Input ``index`` was cancelled: report what it started (cancelling it first, if asked)."""
    outcome = batch.interrupted_outcome(index)
    if outcome is None:
        return  # not sent yet: nothing was started
    execution_id = outcome.execution_id
    cancel = ""
    if cancel_on_interrupt and execution_id is not None:
        try:
            async with asyncio.timeout(_config.CANCEL_ON_TIMEOUT_REQUEST_SECONDS):
                await requestor.send(_cancel_call(execution_id))
            cancel = "; cancel requested"
        except (EigenpalError, TimeoutError) as failure:
            cancel = f"; its cancel failed ({type(failure).__name__})"
    if execution_id is not None:
        notes.append(f"run_many was cancelled: inputs[{index}] started execution {execution_id}, not ended{cancel}")
    else:
        lost = outcome.error
        window = "the last minutes"
        if isinstance(lost, EigenpalError) and lost.created_after and lost.created_before:
            window = f"{utc_text(lost.created_after)} to {utc_text(lost.created_before)}"
        notes.append(
            f"run_many was cancelled while inputs[{index}] was being sent: an execution of {batch.workflow_id} "
            f"may exist, created {window}"
        )
    batch.finish(await delivered_async(outcome, on_outcome))
