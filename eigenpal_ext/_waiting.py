"""``wait`` and ``run_and_wait`` written once, as flows (the protocol is documented in ``_flow``).

``wait_flow`` waits for an execution until it ends; ``start_flow`` is the trigger of ``run_and_wait``, whose
wait (``wait_flow`` with the trigger's ``Started``) goes by the server's hold where that is safe, else by
polling. The clients run these flows with their own I/O
(``Requestor.run``), so both share one implementation of the waiting logic, not two copies of a loop.
The decisions themselves (schedule, deadline, transient errors, ``on_status``) live in ``_polling``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx
from eigenpal_api.models import (
    CancelWorkflowExecutionResponse,
    RunTrigger,
    RunWorkflowResponse,
    WorkflowExecutionStatusResponse,
)
from eigenpal_api.types import Unset

from eigenpal_ext import _calls, _config
from eigenpal_ext._errors import EigenpalError
from eigenpal_ext._flow import Flow, Send, Sleep
from eigenpal_ext._polling import (
    Deadline,
    ExecutionResult,
    WaitState,
    cancel_note,
    check_wait_arguments,
    is_terminal,
)
from eigenpal_ext._retry import IDEMPOTENCY_HEADER

StatusCallback = Callable[[WorkflowExecutionStatusResponse], object]


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
    same ``Idempotency-Key`` (see ``start_flow``) before it polls.
    """

    deadline: Deadline
    ended: bool
    replay: Callable[[], _calls.Call[RunWorkflowResponse]] | None = None


def wait_flow(execution_id: str, options: WaitOptions, started: Started | None = None) -> Flow[ExecutionResult]:
    """Wait for an execution until it is terminal or the deadline passes.

    Without ``started`` (``wait``, or ``handle.wait()`` after ``run``): a deadline of its own, and a poll
    right away (the execution may have ended long ago). With ``started`` (``run_and_wait``): the trigger's
    deadline; a hold by replay if the trigger arranged one; then polls, the first one after the first delay
    of the schedule unless the end is already known (a run just started has rarely ended).
    """
    if started is None:
        state = options.state(_calls.require_id(execution_id, "execution_id"), options.start())
        return (yield from _poll_until_terminal(state, options.cancel_on_timeout))
    state = options.state(execution_id, started.deadline)
    ended = started.ended
    if not ended and started.replay is not None:
        yield from _hold_by_replay(state, started.replay, options.clock)
        ended = True  # held as long as it could: look at the execution now rather than after a delay
    return (yield from _poll_until_terminal(state, options.cancel_on_timeout, poll_first=ended))


def start_flow(
    workflow_id: str,
    inputs: Mapping[str, Any] | None,
    options: WaitOptions,
    *,
    version: str | None,
    overrides: Mapping[str, Any] | None,
    trigger: str | RunTrigger | None,
    server_hold: bool | None,
    keys_honoured: Callable[[], bool] = lambda: False,
) -> Flow[tuple[RunWorkflowResponse, Started]]:
    """The trigger of ``run_and_wait``: the run, clipped to the wait's deadline, held where that is safe.

    ``server_hold``: True holds the trigger itself; False never holds; None (the default) holds where the
    server has shown it honours ``Idempotency-Key`` (``keys_honoured()``, learned by the transport from
    the echoed key) and nobody asked for ``on_status`` progress, which a held request cannot give. There a
    hold is safe: a hold cut off is replayed with the same key and returns the same execution, so its id is
    never lost. A trigger not held returns the id at once; then, if the server turns out to honour keys,
    the wait is the same run sent again with the same key and a hold ("give me that execution, once it
    ends"), unless the run uploads files (a replay would upload them again); otherwise the wait polls on
    the schedule of ``WaitState``. A held answer that reports the end is followed by one GET for the full
    record. Returns the run's answer and what its wait needs (``Started``).
    """
    if server_hold is not None:
        _calls.check_flag(server_hold, "server_hold")
    deadline = options.start()
    hold_trigger = server_hold if server_hold is not None else (keys_honoured() and options.on_status is None)
    call = _trigger_call(
        deadline, workflow_id, inputs, version=version, overrides=overrides, trigger=trigger,
        server_hold=hold_trigger, default_timeout=options.client_timeout,
    )  # fmt: skip
    triggered: RunWorkflowResponse = yield Send(call)
    ended = hold_trigger and is_terminal(_status_of(triggered))
    may_replay = server_hold is None and options.on_status is None and "files" not in call.request
    replay = None
    if not ended and may_replay and keys_honoured():
        replay = functools.partial(
            _trigger_call, deadline, workflow_id, inputs, version=version, overrides=overrides, trigger=trigger,
            server_hold=True, default_timeout=options.client_timeout,
            idempotency_key=call.request["headers"][IDEMPOTENCY_HEADER],
        )  # fmt: skip
    return triggered, Started(deadline, ended, replay)


def _status_of(answer: RunWorkflowResponse) -> str | None:
    status = answer.status
    return None if isinstance(status, Unset) else str(status)


def _hold_by_replay(
    state: WaitState, replay: Callable[[], _calls.Call[RunWorkflowResponse]], clock: Callable[[], float]
) -> Flow[None]:
    """Send the run again, held, until the server reports the end, the deadline nears, or holding stops working.

    Returns when the caller should poll: at the end, when less than a second is left, after a transient
    failure, or when a hold came back early without an end (a server that does not hold replays), so a
    server that misbehaves costs one extra request, never a loop.
    """
    while state.deadline.remaining() >= 1:
        started = clock()
        call = replay()
        held = call.request["params"].get("wait_for_completion")
        if not held:
            return  # too close to the deadline to hold at all
        try:
            answer: RunWorkflowResponse = yield Send(call)
        except EigenpalError as error:
            if not state.failed_poll(error):
                raise  # with the execution id; a bare raise keeps the traceback top-down (see _flow)
            return
        if answer.execution_id != state.execution_id or is_terminal(_status_of(answer)):
            return
        if clock() - started < held / 2:
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
            outcome: CancelWorkflowExecutionResponse = yield Send(_timeout_cancel_call(state))
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
            execution: WorkflowExecutionStatusResponse = yield Send(_poll_call(state))
        except EigenpalError as error:
            if not state.failed_poll(error):
                raise  # with the execution id; a bare raise keeps the traceback top-down (see _flow)
        else:
            result = state.observe(execution)
            if result is not None:
                return result
        yield from _sleep_or_time_out(state, cancel_on_timeout)


def _trigger_call(
    deadline: Deadline,
    workflow_id: str,
    inputs: Mapping[str, Any] | None,
    *,
    version: str | None,
    overrides: Mapping[str, Any] | None,
    trigger: str | RunTrigger | None,
    server_hold: bool,
    default_timeout: httpx.Timeout,
    idempotency_key: str | None = None,
) -> _calls.Call[RunWorkflowResponse]:
    """The run request of run_and_wait: held only on request, and never retried past the deadline."""
    # The hold ends HOLD_DEADLINE_MARGIN_SECONDS before the wait's deadline, so that the server's answer (and
    # with it the execution id) arrives in time: the trigger itself is cut off at the deadline.
    # min() first: an unbounded wait (timeout_seconds=math.inf) holds the maximum; int(inf) would raise.
    hold: int | None = None
    if server_hold:
        hold = int(min(deadline.remaining() - _config.HOLD_DEADLINE_MARGIN_SECONDS, _config.MAX_SERVER_HOLD_SECONDS))
        hold = hold if hold >= 1 else None
    call = _calls.run_workflow_call(
        workflow_id, inputs, version=version, overrides=overrides, trigger=trigger,
        wait_for_completion=hold, request_timeout_seconds=None, default_timeout=default_timeout,
        idempotency_key=idempotency_key,
    )  # fmt: skip
    return attrs.evolve(call, deadline=deadline.ends_at)


def _poll_call(state: WaitState) -> _calls.Call[WorkflowExecutionStatusResponse]:
    # Polls are not retried by the transport: the flow retries them itself, within its deadline.
    timeout = httpx.Timeout(state.request_timeout())
    return _calls.get_execution_call(state.execution_id, include_steps=False, timeout=timeout, max_retries=0)


def _timeout_cancel_call(state: WaitState) -> _calls.Call[CancelWorkflowExecutionResponse]:
    # The deadline has passed: one short attempt, no retries, so the overrun stays one request.
    timeout = httpx.Timeout(_config.CANCEL_ON_TIMEOUT_REQUEST_SECONDS)
    return attrs.evolve(_calls.cancel_execution_call(state.execution_id, timeout=timeout), max_retries=0)
