"""Running many executions with bounded concurrency (``run_many``): the per-item flow and the batch's state.

Each input becomes one ``run_and_wait`` (``run_one_flow``: ``_waiting.start_flow`` then ``wait_flow``, the
flows ``run_and_wait`` itself is made of); at most ``concurrency`` are in flight (worker
threads for the sync client, a task group for the async one: ``_fanout_run``). A 429 that outlasts the
transport's retries (the server keeps refusing new runs) does not fail the item: the whole batch backs
off for the server's ``Retry-After`` (``Backpressure``), then the rejected trigger is sent again. That is
safe because a 429 means nothing was created. Every input gets a ``RunOutcome``, in input order, with its
result or its error: any exception of one item (a file removed after the up-front check, a bug in the
caller's ``on_outcome``) is that item's outcome, and never loses another's result or execution id.

``Batch`` is the state one call shares between its workers: which input is next, which runs are being sent
and which executions are running (so an interruption can say what it leaves behind), and the outcomes.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from eigenpal_api.models import RunTrigger

from eigenpal_ext._calls import RunRequest
from eigenpal_ext._checks import check_int
from eigenpal_ext._errors import (
    ArgumentTypeError,
    ArgumentValueError,
    EigenpalInterruptedError,
    EigenpalRateLimitError,
)
from eigenpal_ext._flow import Context, Flow, Sleep
from eigenpal_ext._logging import logger
from eigenpal_ext._public import public
from eigenpal_ext._results import ExecutionResult
from eigenpal_ext._trigger import mark_may_exist, utc_now
from eigenpal_ext._waiting import Started, WaitOptions, start_flow, wait_flow

# When a 429 carries no Retry-After, the batch pauses this long before triggering again.
DEFAULT_BACKOFF_SECONDS = 1.0


@public
@attrs.frozen
class RunOutcome:
    """One input's fate: ``result`` when its execution ended (any terminal status), else ``error``.

    ``error`` is whatever stopped this input: an ``EigenpalError``, or any other exception (a file removed
    after the up-front check, say). When the caller's ``on_outcome`` raised for this input, ``error`` is that
    exception and ``result`` is kept. ``execution_id`` is known whenever the execution was created.
    """

    index: int
    input: Mapping[str, Any] | None = attrs.field(repr=False)
    result: ExecutionResult | None = None
    error: BaseException | None = None
    # The id of the execution this input started, when neither the result nor the error carries it.
    started_id: str | None = attrs.field(default=None, repr=False)

    @property
    def execution_id(self) -> str | None:
        """Known whenever the execution was created, even if waiting for it failed."""
        if self.result is not None:
            return self.result.execution_id
        carried = getattr(self.error, "execution_id", None)
        return carried if isinstance(carried, str) else self.started_id

    @property
    def succeeded(self) -> bool:
        """True when this input's execution ended ``completed`` (and nothing raised for it)."""
        return self.result is not None and self.result.succeeded and self.error is None


class Backpressure:
    """A batch-wide pause after a 429: no new trigger before ``paused_until``. Thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock, self._lock, self._paused_until = clock, threading.Lock(), 0.0

    def wait_seconds(self) -> float:
        with self._lock:
            return max(0.0, self._paused_until - self._clock())

    def rate_limited(self, retry_after: float | None) -> None:
        pause = DEFAULT_BACKOFF_SECONDS if retry_after is None else retry_after
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + pause)


def check_run_many(
    workflow_id: str,
    inputs: Sequence[Mapping[str, Any] | None],
    concurrency: int,
    *,
    version: str | None,
    overrides: Mapping[str, Any] | None,
    trigger: str | RunTrigger | None,
) -> list[RunRequest]:
    """Every input's run, checked before anything is sent; a bad input is named by its index."""
    check_int(concurrency, "concurrency", minimum=1, maximum=256)
    if isinstance(inputs, Mapping | str | bytes) or not isinstance(inputs, Sequence):
        raise ArgumentTypeError("inputs", "must be a sequence (list or tuple) of input mappings, one per execution")
    runs: list[RunRequest] = []
    for index, item in enumerate(inputs):
        try:
            runs.append(RunRequest(workflow_id, item, version=version, overrides=overrides, trigger=trigger))
        except (ArgumentValueError, ArgumentTypeError) as exc:
            raise type(exc)(f"inputs[{index}]: {exc.argument}", exc.reason) from exc
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"inputs[{index}]: {exc}") from exc
    return runs


def run_one_flow(
    run: RunRequest,
    wait: WaitOptions,
    context: Context,
    backpressure: Backpressure,
    *,
    on_sending: Callable[[], object] | None = None,
    on_started: Callable[[str], object] | None = None,
) -> Flow[ExecutionResult]:
    """``run_and_wait`` for one input, pausing with the batch and re-triggering after a 429.

    Only the trigger is sent again (a 429 there means nothing was created); a poll's 429 is handled inside
    the wait. Each trigger starts the input's deadline afresh, as a new ``run_and_wait`` would.
    ``on_sending()`` is called as the trigger is sent and ``on_started(execution_id)`` once its answer names
    the execution, so that whoever runs the batch knows what an interruption would leave behind.
    """
    began = context.clock()
    while True:
        pause = backpressure.wait_seconds()
        if pause:
            yield Sleep(pause)
        if on_sending is not None:
            on_sending()
        try:
            started: Started = yield from start_flow(run, wait, context, server_hold=False)
        except EigenpalRateLimitError as error:
            if context.clock() - began >= wait.timeout_seconds:
                raise  # past the deadline: report it
            backpressure.rate_limited(error.retry_after)
            continue
        if on_started is not None:
            on_started(started.execution_id)
        return (yield from wait_flow(started.execution_id, wait, context, started))


def batch_flows(
    workflow_id: str,
    items: Sequence[Mapping[str, Any] | None],
    runs: Sequence[RunRequest],
    wait: WaitOptions,
    context: Context,
) -> tuple[Batch, Callable[[int], Flow[ExecutionResult]]]:
    """The batch of one ``run_many`` call, and the flow of each of its inputs (shared by both clients)."""
    batch = Batch(workflow_id, items)
    backpressure = Backpressure(context.clock)

    def flow_for(index: int) -> Flow[ExecutionResult]:
        return run_one_flow(
            runs[index], wait, context, backpressure,
            on_sending=lambda: batch.sending(index),
            on_started=lambda execution_id: batch.started(index, execution_id),
        )  # fmt: skip

    return batch, flow_for


class Batch:
    """The state one ``run_many`` call shares between its workers (threads or tasks). Thread-safe.

    ``take()`` hands out the next input; ``sending``/``started`` follow its run; ``finish`` records its
    outcome. ``stop()`` ends the handing out; ``interrupted_outcome`` and ``interruption`` then say what was
    left behind: an execution that is still running, or a run that was being sent.
    """

    def __init__(
        self,
        workflow_id: str,
        items: Sequence[Mapping[str, Any] | None],
        *,
        now: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.workflow_id, self.items, self._now = workflow_id, items, now
        self._outcomes: list[RunOutcome | None] = [None] * len(items)
        self._sending: dict[int, datetime.datetime] = {}
        self._running: dict[int, str] = {}
        self._late: dict[int, str] = {}
        self._reported = False  # ``interruption()`` has said what was left behind
        self._next = 0
        self._finished = 0
        self._changed = threading.Condition()
        self.done = threading.Event()
        self.stopped = threading.Event()
        if not items:
            self.done.set()

    def take(self) -> int | None:
        """The index of the next input to run; None when all were handed out or the batch stopped."""
        with self._changed:
            if self.stopped.is_set() or self._next >= len(self.items):
                return None
            self._next += 1
            return self._next - 1

    def sending(self, index: int) -> None:
        with self._changed:
            self._sending[index] = self._now()

    def started(self, index: int, execution_id: str) -> None:
        """Input ``index`` started ``execution_id``. Once ``interruption()`` has reported what was left behind,
        an execution whose id arrives only then is logged at WARNING (and cancelled by its worker, if asked)."""
        with self._changed:
            self._sending.pop(index, None)
            if self._reported:
                self._late[index] = execution_id
                logger.warning(
                    "run_many was interrupted while inputs[%d] was being sent; it started execution %s of %s",
                    index,
                    execution_id,
                    self.workflow_id,
                )
            else:
                self._running[index] = execution_id
            self._changed.notify_all()

    def started_late(self, index: int) -> str | None:
        """The execution input ``index`` started after ``stop()``, if it did."""
        with self._changed:
            return self._late.get(index)

    def finish(self, outcome: RunOutcome) -> None:
        """Record ``outcome`` (with the id of the execution its input started, if the outcome lacks it)."""
        with self._changed:
            started_id = self._running.pop(outcome.index, None)
            self._sending.pop(outcome.index, None)
            if outcome.execution_id is None and started_id is not None:
                outcome = attrs.evolve(outcome, started_id=started_id)
            if self._outcomes[outcome.index] is None:
                self._finished += 1
            self._outcomes[outcome.index] = outcome
            if self._finished == len(self.items):
                self.done.set()
            self._changed.notify_all()

    def stop(self) -> None:
        self.stopped.set()

    def wait_for_sending(self, timeout: float) -> None:
        """Wait (at most ``timeout`` s) until no trigger is in flight, so that their ids are known."""
        with self._changed:
            self._changed.wait_for(lambda: not self._sending, timeout=timeout)

    def outcomes(self) -> list[RunOutcome]:
        """Every outcome, in input order (all inputs have one once ``done`` is set)."""
        with self._changed:
            return [outcome for outcome in self._outcomes if outcome is not None]

    def interrupted_outcome(self, index: int) -> RunOutcome | None:
        """The outcome of input ``index`` if it was interrupted while started: running, or being sent."""
        with self._changed:
            return self._interrupted(index)

    def _interrupted(self, index: int) -> RunOutcome | None:
        item = self.items[index]
        if index in self._running:
            execution_id = self._running[index]
            message = f"run_many was interrupted before execution {execution_id} ended; it may still be running"
            return RunOutcome(index, item, error=EigenpalInterruptedError(message, execution_id=execution_id))
        if index in self._sending:
            error = EigenpalInterruptedError("run_many was interrupted while this input's run was being sent")
            mark_may_exist(error, self.workflow_id, self._sending[index], self._now())
            return RunOutcome(index, item, error=error)
        return None

    def interruption(self) -> tuple[list[RunOutcome], list[str], list[int]]:
        """After ``stop()``: an outcome for every input started (finished or interrupted), the executions still
        running, and the indexes of the inputs never started."""
        with self._changed:
            self._reported = True
            outcomes: list[RunOutcome] = []
            not_started: list[int] = []
            for index in range(len(self.items)):
                outcome = self._outcomes[index] or self._interrupted(index)
                if outcome is not None:
                    outcomes.append(outcome)
                else:  # never handed out, or handed out but not sent yet (a batch-wide pause)
                    not_started.append(index)
            return outcomes, list(self._running.values()), not_started
