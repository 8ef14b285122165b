"""Running many executions with bounded concurrency (``run_many``), written once as a per-item flow.

Each input becomes one ``run_and_wait``; at most ``concurrency`` are in flight (threads for the sync
client, tasks for the async one: the only part that differs). A 429 that outlasts the transport's
retries (the server keeps refusing new runs) does not fail the item: the whole batch backs off for the
server's ``Retry-After`` (``Backpressure``), then the rejected trigger is sent again. That is safe
because a 429 means nothing was created. Every input gets a ``RunOutcome``, in input order, with its
result or its error; one item's failure never loses another's result or execution id.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import attrs
from eigenpal_api.models import RunTrigger

from eigenpal_ext._calls import check_int
from eigenpal_ext._errors import EigenpalError, EigenpalRateLimitError
from eigenpal_ext._files import split_run_inputs
from eigenpal_ext._flow import Flow, Sleep
from eigenpal_ext._polling import ExecutionResult
from eigenpal_ext._public import public
from eigenpal_ext._waiting import WaitOptions, start_flow, wait_flow

# When a 429 carries no Retry-After, the batch pauses this long before triggering again.
DEFAULT_BACKOFF_SECONDS = 1.0


@public
@attrs.frozen
class RunOutcome:
    """One input's fate: ``result`` when its execution ended (any terminal status), else ``error``."""

    index: int
    input: Mapping[str, Any] | None = attrs.field(repr=False)
    result: ExecutionResult | None = None
    error: EigenpalError | None = None

    @property
    def execution_id(self) -> str | None:
        """Known whenever the execution was created, even if waiting for it failed."""
        if self.result is not None:
            return self.result.execution_id
        return self.error.execution_id if self.error is not None else None

    @property
    def succeeded(self) -> bool:
        """True when this input's execution ended ``completed``."""
        return self.result is not None and self.result.succeeded


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


def check_run_many(inputs: Sequence[Mapping[str, Any] | None], concurrency: int) -> list[Mapping[str, Any] | None]:
    """Check every input before anything is sent, naming the bad one by its index."""
    check_int(concurrency, "concurrency", minimum=1, maximum=256)
    if isinstance(inputs, Mapping | str | bytes) or not isinstance(inputs, Sequence):
        raise TypeError("inputs must be a sequence (list or tuple) of input mappings, one per execution")
    for index, item in enumerate(inputs):
        try:
            split_run_inputs(item)
        except (TypeError, ValueError, FileNotFoundError) as exc:
            raise type(exc)(f"inputs[{index}]: {exc}") from exc
    return list(inputs)


def run_one_flow(
    workflow_id: str,
    item: Mapping[str, Any] | None,
    options: WaitOptions,
    backpressure: Backpressure,
    *,
    version: str | None,
    overrides: Mapping[str, Any] | None,
    trigger: str | RunTrigger | None,
) -> Flow[ExecutionResult]:
    """``run_and_wait`` for one input, pausing with the batch and re-triggering after a 429.

    Only the trigger is sent again (a 429 there means nothing was created); a poll's 429 is handled inside
    the wait. Each trigger starts the input's deadline afresh, as a new ``run_and_wait`` would.
    """
    began = options.clock()
    while True:
        pause = backpressure.wait_seconds()
        if pause:
            yield Sleep(pause)
        try:
            triggered, started = yield from start_flow(
                workflow_id, item, options, version=version, overrides=overrides, trigger=trigger, server_hold=False
            )
        except EigenpalRateLimitError as error:
            if options.clock() - began >= options.timeout_seconds:
                raise  # past the deadline: report it
            backpressure.rate_limited(error.retry_after)
            continue
        return (yield from wait_flow(triggered.execution_id, options, started))


def outcome_of(index: int, item: Mapping[str, Any] | None, run: Callable[[], ExecutionResult]) -> RunOutcome:
    try:
        return RunOutcome(index, item, result=run())
    except EigenpalError as error:
        return RunOutcome(index, item, error=error)


async def outcome_of_async(
    index: int, item: Mapping[str, Any] | None, run: Callable[[], Awaitable[ExecutionResult]]
) -> RunOutcome:
    try:
        return RunOutcome(index, item, result=await run())
    except EigenpalError as error:
        return RunOutcome(index, item, error=error)
