"""``wait`` and ``run_and_wait`` written once, as flows (the protocol is documented in ``_flow``).

``wait_flow`` waits for an execution until it ends; ``start_flow`` is the trigger of ``run_and_wait`` (sent
by ``_trigger.trigger_flow``), whose wait (``wait_flow`` with the trigger's ``Started``) goes by the server's
hold where the user declared that the server deduplicates runs, else by polling. The clients run these
flows with their own I/O (``Requestor.run``), so both share one implementation of the waiting logic, not
two copies of a loop. The decisions themselves (schedule, deadline, transient errors, ``on_status``) live
in ``_polling``; which resends of a run are permitted, in ``_idempotency``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx
from eigenpal_api.models import (
    Execution,
    ExecutionCancellation,
    RunTrigger,
    StartedExecution,
)
from eigenpal_api.types import Unset

from eigenpal_ext import _calls, _config
from eigenpal_ext._errors import EigenpalError
from eigenpal_ext._files import split_run_inputs
from eigenpal_ext._flow import Flow, Send, Sleep
from eigenpal_ext._idempotency import KeyKnowledge, Resend
from eigenpal_ext._polling import (
    Deadline,
    ExecutionResult,
    WaitState,
    cancel_note,
    check_wait_arguments,
    is_terminal,
)
from eigenpal_ext._trigger import RunRequest, trigger_flow

StatusCallback = Callable[[Execution], object]


@attrs.frozen
class WaitOptions:
    """The waiting arguments shared by ``wait`` and ``run_and_wait``, checked on creation."""

    poll_interval_seconds: float
    timeout_seconds: float
    on_status: StatusCallback | None
    cancel_on_timeout: bool
    clock: Callable[[], float]
    client_timeout: httpx.Timeout

    def __attrs_post_init__(self) -> None:
        check_wait_arguments(self.poll_interval_seconds, self.timeout_seconds)
        _calls.check_callback(self.on_status, "on_status")
        _calls.check_flag(self.cancel_on_timeout, "cancel_on_timeout")

    def start(self) -> Deadline:
        return Deadline(self.timeout_seconds, self.clock)

    def state(self, execution_id: str, deadline: Deadline) -> WaitState:
        ceiling = self.client_timeout.read or _config.DEFAULT_TIMEOUT_SECONDS
        return WaitState(
            execution_id, deadline, self.poll_interval_seconds, self.on_status, request_timeout_ceiling=ceiling
        )


@attrs.frozen
class Started:
    """What ``run_and_wait``'s trigger leaves to its wait: one deadline for both, and how to go on.

    ``ended``: the held trigger already reported the end, so the wait polls at once (for the full record)
    instead of sleeping first. ``replay``: when set, the wait holds by sending the same run again with the
    same ``Idempotency-Key`` and a hold (see ``start_flow``) before it polls; ``keys`` is the client's
    ``KeyKnowledge``, told when a replay shows that the server does not deduplicate.
    """

    deadline: Deadline
    ended: bool
    replay: RunRequest | None = None
    keys: KeyKnowledge | None = None


def wait_flow(execution_id: str, options: WaitOptions, started: Started | None = None) -> Flow[ExecutionResult]:
    """Wait for an execution until it is terminal or the deadline passes.

    Without ``started`` (``wait``, or ``handle.wait()`` after ``run``): a deadline of its own, and a poll
    right away (the execution may have ended long ago). With ``started`` (``run_and_wait``): the trigger's
    deadline; a hold by replay if the trigger arranged one; then polls, the first one after the first delay
    of the schedule unless the end is already known (a run just started has rarely ended). Executions a
    replay created besides this one (a server that does not deduplicate) are named on the result, or on the
    error, as ``duplicate_execution_ids``.
    """
    if started is None:
        state = options.state(_calls.require_id(execution_id, "execution_id"), options.start())
        return (yield from _poll_until_terminal(state, options.cancel_on_timeout))
    state = options.state(execution_id, started.deadline)
    ended = started.ended
    duplicates: list[str] = []
    try:
        if not ended and started.replay is not None and started.keys is not None:
            yield from _hold_by_replay(state, started.replay, started.keys, options.clock, duplicates)
            ended = True  # held as long as it could: look at the execution now rather than after a delay
        result = yield from _poll_until_terminal(state, options.cancel_on_timeout, poll_first=ended)
    except EigenpalError as error:
        error.duplicate_execution_ids = (*error.duplicate_execution_ids, *duplicates)
        raise  # a bare raise keeps the traceback top-down (see _flow)
    return attrs.evolve(result, duplicate_execution_ids=tuple(duplicates)) if duplicates else result


def start_flow(
    workflow_id: str,
    inputs: Mapping[str, Any] | None,
    options: WaitOptions,
    *,
    version: str | None,
    overrides: Mapping[str, Any] | None,
    trigger: str | RunTrigger | None,
    server_hold: bool | None,
    keys: KeyKnowledge | None = None,
) -> Flow[tuple[StartedExecution, Started]]:
    """The trigger of ``run_and_wait``: the run, clipped to the wait's deadline, held where that is safe.

    ``server_hold``: True holds the trigger itself (the user's choice, on any server); False never holds;
    None (the default) holds only where the user declared that the server deduplicates runs
    (``idempotent_runs=True``: holding by default is an optional resend, see ``_idempotency``) and nobody
    asked for ``on_status`` progress, which a held request cannot give. There the trigger returns the id at
    once, and the wait is the same run sent again with the same key and a hold ("give me that execution,
    once it ends"), which also checks the declaration: a replay that comes back with another execution
    withdraws it. Runs that upload files are not replayed (a replay would upload them again); they, and
    everything else, are polled on the schedule of ``WaitState``. A held trigger that is cut is recovered
    by ``trigger_flow`` where keys are honoured. A held answer that reports the end is followed by one GET
    for the full record. Returns the run's answer and what its wait needs (``Started``).
    """
    if server_hold is not None:
        _calls.check_flag(server_hold, "server_hold")
    keys = keys if keys is not None else KeyKnowledge(False)
    deadline = options.start()
    run = RunRequest(
        workflow_id, inputs, version, overrides, trigger, options.client_timeout, deadline=deadline.ends_at,
        clock=options.clock,
    )  # fmt: skip
    hold_trigger = server_hold is True
    triggered = yield from trigger_flow(run, held_seconds(deadline) if hold_trigger else None, keys)
    ended = hold_trigger and is_terminal(_status_of(triggered))
    replay = None
    if not ended and server_hold is None and options.on_status is None and keys.permits(Resend.OPTIONAL):
        replay = None if _uploads_files(run) else run
    return triggered, Started(deadline, ended, replay, keys)


def held_seconds(deadline: Deadline) -> int | None:
    """How long a run sent now may be held: up to 60 s, ending ``HOLD_DEADLINE_MARGIN_SECONDS`` before the
    deadline so that the server's answer (and with it the execution id) arrives in time; None under 1 s."""
    # min() first: an unbounded wait (timeout_seconds=math.inf) holds the maximum; int(inf) would raise.
    hold = int(min(deadline.remaining() - _config.HOLD_DEADLINE_MARGIN_SECONDS, _config.MAX_SERVER_HOLD_SECONDS))
    return hold if hold >= 1 else None


def _uploads_files(run: RunRequest) -> bool:
    return bool(split_run_inputs(run.inputs).files)


def _status_of(answer: StartedExecution) -> str | None:
    status = answer.status
    return None if isinstance(status, Unset) else str(status)


def _hold_by_replay(
    state: WaitState, run: RunRequest, keys: KeyKnowledge, clock: Callable[[], float], duplicates: list[str]
) -> Flow[None]:
    """Send the run again, held, until the server reports the end, the deadline nears, or holding stops working.

    Returns when the caller should poll: at the end, when less than a second is left, after a transient
    failure, or when a hold came back early without an end (a server that does not hold replays), so a
    server that misbehaves costs one extra request, never a loop. A replay answered with another execution
    shows that the server does not deduplicate: ``keys`` is told (no more resends), the other execution is
    added to ``duplicates`` (it is reported, never dropped), and the wait goes on polling the first.
    """
    while state.deadline.remaining() >= 1:
        started = clock()
        held = held_seconds(state.deadline)
        if held is None:
            return  # too close to the deadline to hold at all
        try:
            answer: StartedExecution = yield Send(run.call(held))
        except EigenpalError as error:
            if not state.failed_poll(error):
                raise  # with the execution id; a bare raise keeps the traceback top-down (see _flow)
            return
        if answer.execution_id != state.execution_id:
            keys.withdraw(
                execution_id=state.execution_id, duplicate_id=answer.execution_id, workflow_id=run.workflow_id
            )
            duplicates.append(answer.execution_id)
            return
        if is_terminal(_status_of(answer)) or clock() - started < held / 2:
            return


def _sleep_or_time_out(state: WaitState, cancel_on_timeout: bool, *, first: bool = False) -> Flow[None]:
    """Sleep until the next poll; past the deadline, raise the timeout (after the cancel, if asked)."""
    delay = state.first_delay() if first else state.next_delay()
    if delay is not None:
        yield Sleep(delay)
        return
    note = ""
    if cancel_on_timeout:
        try:
            outcome: ExecutionCancellation = yield Send(_timeout_cancel_call(state))
            note = cancel_note(str(outcome.status), None)
        except EigenpalError as error:
            note = cancel_note(None, error)
    raise state.timeout_error(cancel_note=note)


def _poll_until_terminal(
    state: WaitState, cancel_on_timeout: bool, *, poll_first: bool = True
) -> Flow[ExecutionResult]:
    if not poll_first:
        yield from _sleep_or_time_out(state, cancel_on_timeout, first=True)
    while True:
        try:
            execution: Execution = yield Send(_poll_call(state))
        except EigenpalError as error:
            if not state.failed_poll(error):
                raise  # with the execution id; a bare raise keeps the traceback top-down (see _flow)
        else:
            result = state.observe(execution)
            if result is not None:
                return result
        yield from _sleep_or_time_out(state, cancel_on_timeout)


def _poll_call(state: WaitState) -> _calls.Call[Execution]:
    # Polls are not retried by the transport: the flow retries them itself, within its deadline.
    timeout = httpx.Timeout(state.request_timeout())
    return _calls.get_execution_call(state.execution_id, include_steps=False, timeout=timeout, max_retries=0)


def _timeout_cancel_call(state: WaitState) -> _calls.Call[ExecutionCancellation]:
    # The deadline has passed: one short attempt, no retries, so the overrun stays one request.
    timeout = httpx.Timeout(_config.CANCEL_ON_TIMEOUT_REQUEST_SECONDS)
    return attrs.evolve(_calls.cancel_execution_call(state.execution_id, timeout=timeout), max_retries=0)
