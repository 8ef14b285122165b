"""Waiting for an execution, written once: the poll schedule, one state machine, and the flows of ``wait`` and
``run_and_wait`` (the flow protocol is documented in ``_flow``).

``run_and_wait`` is one flow, ``run_and_wait_flow``: ``start_flow`` (the trigger, sent by
``_trigger.trigger_flow``, clipped to the wait's deadline) then ``wait_flow`` on the execution it started,
with the same deadline. ``handle.wait()`` and ``executions.wait`` are ``wait_flow`` alone; ``run_many`` and
batches chain the same two flows per input. The clients drive these flows with their own I/O
(``Requestor.run``), so both share one implementation of the waiting logic, not two copies of a loop.

The flows are loops around ``WaitState``: they fetch the status, hand it (or a transient error) to the
state, and sleep for the delay it returns. Everything that decides something is in ``WaitState``,
``Deadline`` and ``poll_delays``, with the clock injected, so it is tested without sleeping.

Schedule: delays of ``FIRST_POLL_DELAY_SECONDS`` (0.7 s), growing by ``POLL_BACKOFF_FACTOR`` (1.2x) at
each poll up to ``poll_interval_seconds`` (default 1.5 s), which is both the ceiling and the steady interval
of a long run: 0.7, 0.84, 1.0, 1.2, 1.45, 1.5, 1.5, ... ``wait`` polls right away first (the execution may
have ended long ago); ``run_and_wait`` first sleeps 0.7 s after the trigger (a run just started has rarely
ended), then waits the same way, so its polls come at 0.7, 1.4, 2.24, 3.25, 4.46, 5.91, 7.41, ... s.
Over runs of 0.3-15 s (log-spaced, so as many short runs as long ones) that is about half the lag of
fixed 2 s polling for about 1.2x its requests; ``benchmarks/wait_schedule.py`` shows the figures.

Deadline: no sleep goes past it, and each poll's own timeout is clipped to what is left (with a small
floor), so a wait overruns ``timeout_seconds`` by at most one request in flight.

The server hold: where the user declared that the server deduplicates runs (``idempotent_runs=True``), the
wait is the same run sent again with the same key and a hold ("give me that execution, once it ends")
before it polls (``_hold_by_replay``); which resends of a run are permitted is ``_idempotency``'s.

Both surfaces wait here: an execution of the v1 routes and a run of the runs API. ``Polled`` says what differs
between them (the request that polls, how an answer says it has ended, the result it becomes):
``EXECUTIONS`` here, ``runs.RUNS`` for the runs API. Everything else (the schedule, the deadline, the hold,
the replay, the cancel on timeout) is the same code for both.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar, overload

import attrs
from eigenpal_api.models import (
    Execution,
    ExecutionCancellation,
    ExecutionStatus,
    StartedExecution,
)
from eigenpal_api.types import Unset

from eigenpal_ext import _calls, _config
from eigenpal_ext._calls import RunLookup
from eigenpal_ext._checks import check_callable, check_flag, check_optional_flag, check_seconds, require_id
from eigenpal_ext._errors import EigenpalError, EigenpalRateLimitError, EigenpalWaitTimeoutError
from eigenpal_ext._flow import Context, Flow, Notify, Send, Sleep
from eigenpal_ext._idempotency import Resend
from eigenpal_ext._results import ExecutionResult
from eigenpal_ext._retry import is_transient
from eigenpal_ext._statuses import is_finished, is_terminal
from eigenpal_ext._trigger import StartRequest, trigger_flow

StatusCallback = Callable[[Any], object]
"""``on_status(answer)``: called with each new status answer (an ``Execution``, or a ``Run`` of the runs API)."""
# The shortest timeout a poll gets when the deadline is close: below this a request rarely succeeds.
MIN_POLL_REQUEST_TIMEOUT_SECONDS = 1.0


def _poll_interval(value: float) -> float:
    return check_seconds(value, "poll_interval_seconds")


def _wait_timeout(value: float) -> float:
    return check_seconds(value, "timeout_seconds")


def _cancel_on_timeout(value: bool) -> bool:
    return check_flag(value, "cancel_on_timeout")


S = TypeVar("S")  # a status answer: Execution, Run
R = TypeVar("R")  # what a wait returns: ExecutionResult, RunResult


@attrs.frozen
class Polled(Generic[S, R]):
    """What a wait needs to know of the surface it waits on (see module): how to poll and cancel, how an answer
    reads, and the result it becomes. ``noun`` names the thing waited for in messages (``execution``, ``run``).

    A run's start answer is read with ``started_id``/``started_status``; ``started_result`` turns a start answer
    that is already the end into the result (the runs API answers a finished hold with the whole run), or
    returns None when the end still needs a poll (the v1 answer lacks the full record).
    """

    noun: str
    poll: Callable[[str, float], _calls.Call[S]]
    cancel: Callable[[str], _calls.Call[Any]]
    cancel_outcome: Callable[[Any], str]
    status: Callable[[S], ExecutionStatus | None]
    finished: Callable[[S], bool]
    result: Callable[[S, str], R]
    with_duplicates: Callable[[R, tuple[str, ...]], R]
    started_id: Callable[[Any], str]
    started_status: Callable[[Any], str | None]
    started_result: Callable[[Any], R | None]


class _Replay(Protocol):
    """A start that a wait may send again with its key and a hold (``start_flow``'s ``replay``)."""

    @property
    def uploads_files(self) -> bool: ...

    @property
    def lookup(self) -> RunLookup: ...

    def call(self, hold: int | None = None, *, deadline: float | None = None) -> _calls.Call[Any]: ...


@attrs.frozen
class WaitOptions:
    """How to wait (the arguments of ``wait``, ``run_and_wait``, ``run_many`` and a handle's ``wait``), checked
    when made, before anything is sent."""

    poll_interval_seconds: float = attrs.field(default=_config.DEFAULT_POLL_INTERVAL_SECONDS, converter=_poll_interval)
    timeout_seconds: float = attrs.field(default=_config.DEFAULT_WAIT_TIMEOUT_SECONDS, converter=_wait_timeout)
    on_status: StatusCallback | None = None
    cancel_on_timeout: bool = attrs.field(default=False, converter=_cancel_on_timeout)

    def __attrs_post_init__(self) -> None:
        check_callable(self.on_status, "on_status")

    def start(self, context: Context) -> Deadline:
        """The wait's deadline, from now on the client's clock. Every wait flow starts here, before it sends
        anything: the sync client refuses an ``async def`` ``on_status`` (it cannot await it) here."""
        context.check_callback(self.on_status, "on_status")
        return Deadline(self.timeout_seconds, context.clock)

    def state(
        self,
        execution_id: str,
        deadline: Deadline,
        context: Context,
        polled: Polled[Any, Any] | None = None,
        schedule: Schedule | None = None,
    ) -> WaitState:
        ceiling = context.timeout.read or _config.DEFAULT_TIMEOUT_SECONDS
        return WaitState(
            execution_id, deadline, self.poll_interval_seconds, self.on_status, request_timeout_ceiling=ceiling,
            schedule=schedule, polled=EXECUTIONS if polled is None else polled,
        )  # fmt: skip


@attrs.define
class Deadline:
    """A point in time, on an injectable monotonic clock."""

    timeout_seconds: float
    clock: Callable[[], float] = time.monotonic
    started_at: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.started_at = self.clock()

    @property
    def ends_at(self) -> float:
        return self.started_at + self.timeout_seconds

    def remaining(self) -> float:
        return max(0.0, self.ends_at - self.clock())

    def elapsed(self) -> float:
        return self.clock() - self.started_at


def poll_delays(poll_interval_seconds: float) -> Iterator[float]:
    """Delays between polls: 0.7 s, then 1.2 times longer each time, capped at ``poll_interval_seconds``."""
    delay = min(_config.FIRST_POLL_DELAY_SECONDS, poll_interval_seconds)
    while True:
        yield delay
        delay = min(delay * _config.POLL_BACKOFF_FACTOR, poll_interval_seconds)


class Schedule(Protocol):
    """When a wait polls, if not on the usual schedule (a batch's waits learn it: ``_batch_pace.WaitPlan``)."""

    def pauses(self) -> Iterator[float]:
        """The sleeps before the next poll, each followed by a new decision; it ends when the poll is due."""
        ...

    def polled(self) -> None:
        """A poll was answered, and the execution was not over."""
        ...


@attrs.define
class WaitState:
    """One wait for one execution. Feed it statuses or errors; it says when to poll next, or stops.

    ``schedule``, when given, replaces the usual delays (``poll_delays``); the deadline and a 429's
    ``Retry-After`` still bound it."""

    execution_id: str
    deadline: Deadline
    poll_interval_seconds: float
    on_status: StatusCallback | None = None
    request_timeout_ceiling: float = _config.DEFAULT_TIMEOUT_SECONDS
    polled: Polled[Any, Any] = attrs.field(factory=lambda: EXECUTIONS)
    last_status: ExecutionStatus | None = None
    last_error: EigenpalError | None = None
    polls: int = 0
    changed: Any = None  # the answer whose status is new (an Execution or a Run), for on_status
    """The answer of the last ``observe`` when it brought a new status, for ``on_status`` (else None)."""
    schedule: Schedule | None = None
    _delays: Iterator[float] = attrs.field(init=False)
    _retry_after: float = attrs.field(init=False, default=0.0)

    def __attrs_post_init__(self) -> None:
        self._delays = poll_delays(self.poll_interval_seconds)

    def request_timeout(self) -> float:
        """Timeout for the next poll: never past the deadline by more than the small floor."""
        return min(self.request_timeout_ceiling, max(self.deadline.remaining(), MIN_POLL_REQUEST_TIMEOUT_SECONDS))

    def observe(self, answer: Any) -> Any:
        """Record a fetched status answer; the result when it has ended, else None. A new status is kept in
        ``changed``: the flow hands it to ``on_status`` (a ``Notify``, which the async client awaits)."""
        self.polls += 1
        self.last_error = None
        status = self.polled.status(answer)
        self.changed = None
        if status != self.last_status:
            self.last_status = status
            self.changed = answer
        if not self.polled.finished(answer):
            if self.schedule is not None:
                self.schedule.polled()
            return None
        return self.polled.result(answer, self.execution_id)

    def failed_poll(self, error: EigenpalError) -> bool:
        """Record a poll that failed and stamp the execution id on ``error``; True if it is worth polling again.

        On False the caller re-raises ``error`` (with a bare ``raise``, so its traceback stays top-down).
        """
        self.polls += 1
        error.execution_id = error.execution_id or self.execution_id
        if not is_transient(error):
            return False
        self.last_error = error
        if isinstance(error, EigenpalRateLimitError) and error.retry_after is not None:
            self._retry_after = error.retry_after
        if self.schedule is not None:
            self.schedule.polled()
        return True

    def first_delay(self) -> float | None:
        """Before the first poll of a run just triggered: the schedule's first delay, not taken from it, so the
        polls after it keep the whole schedule (run_and_wait sleeps 0.7, then 0.7, 0.84, ... like ``wait``)."""
        remaining = self.deadline.remaining()
        if remaining <= 0:
            return None
        return min(_config.FIRST_POLL_DELAY_SECONDS, self.poll_interval_seconds, remaining)

    def next_delay(self) -> float | None:
        """Seconds to sleep before the next poll, or None when the deadline has passed."""
        remaining = self.deadline.remaining()
        if remaining <= 0:
            return None
        delay = max(next(self._delays), self._retry_after)
        self._retry_after = 0.0
        return min(delay, remaining)

    def pauses(self, *, first: bool = False) -> Iterator[float | None]:
        """The sleeps before the next poll (one on the usual schedule, several with a ``schedule``), each clipped to
        the deadline; None when the deadline has passed (the wait times out instead of polling)."""
        if self.schedule is None:
            yield self.first_delay() if first else self.next_delay()
            return
        floor, self._retry_after = self._retry_after, 0.0
        for pause in (floor, *self.schedule.pauses()) if floor else self.schedule.pauses():
            remaining = self.deadline.remaining()
            if remaining <= 0:
                yield None
                return
            yield min(pause, remaining)
        if self.deadline.remaining() <= 0:
            yield None

    def timeout_error(self, *, cancel_note: str = "") -> EigenpalWaitTimeoutError:
        last = self.last_status or "unknown (no poll succeeded)"
        message = (
            f"{self.polled.noun} {self.execution_id} did not finish within {self.deadline.timeout_seconds:g}s "
            f"(last status: {last}; {self.polls} polls){cancel_note}"
        )
        if self.last_error is not None:
            message += f"; last poll error: {self.last_error.message}"
        return EigenpalWaitTimeoutError(
            message,
            execution_id=self.execution_id,
            last_status=self.last_status,
            timeout_seconds=self.deadline.timeout_seconds,
        )


def cancel_note(outcome: str | None, error: EigenpalError | None) -> str:
    """The part of a timeout message that says what ``cancel_on_timeout`` did."""
    if error is not None:
        return f"; cancelling it failed: {error.message}"
    return f"; cancel requested: {outcome}" if outcome else ""


# --- the flows ---------------------------------------------------------------------------------------------


@attrs.frozen
class Started:
    """A run that ``start_flow`` started, and what its wait needs: one deadline for both, and how to go on.

    ``answer`` is the run's answer (a ``StartedExecution``, or the ``Run`` of the runs API), ``execution_id``
    its id. ``ended``: the held trigger already reported the end, so the wait polls at once (for the full
    record) instead of sleeping first. ``final``: the answer already was the whole end (the runs API answers a
    finished hold with the run itself), so the wait sends nothing. ``replay``: when set, the wait holds by
    sending the same run again with the same ``Idempotency-Key`` and a hold (see ``start_flow``) before it polls.
    """

    answer: Any
    deadline: Deadline
    ended: bool
    replay: _Replay | None = None
    execution_id: str = attrs.field(default=None)
    final: Any = None

    def __attrs_post_init__(self) -> None:
        if self.execution_id is None:  # a v1 answer: its id is its executionId
            object.__setattr__(self, "execution_id", self.answer.execution_id)


@overload
def run_and_wait_flow(
    run: StartRequest,
    wait: WaitOptions,
    context: Context,
    *,
    server_hold: bool | None = None,
    on_started: Callable[[Started], object] | None = None,
    polled: None = None,
) -> Flow[ExecutionResult]: ...
@overload
def run_and_wait_flow(
    run: StartRequest,
    wait: WaitOptions,
    context: Context,
    *,
    server_hold: bool | None = None,
    on_started: Callable[[Started], object] | None = None,
    polled: Polled[Any, R],
) -> Flow[R]: ...
def run_and_wait_flow(
    run: StartRequest,
    wait: WaitOptions,
    context: Context,
    *,
    server_hold: bool | None = None,
    on_started: Callable[[Started], object] | None = None,
    polled: Polled[Any, Any] | None = None,
) -> Flow[Any]:
    """``run_and_wait``: ``start_flow`` then ``wait_flow`` on the execution it started, one deadline for both.

    ``on_started(started)`` is called as soon as the execution id is known (before the wait), so that whoever
    runs the flow can record it (``run_many``'s interruption report, a batch's journal). ``polled``: the
    surface (default: the v1 executions; ``runs.RUNS`` for the runs API).
    """
    started = yield from start_flow(run, wait, context, server_hold=server_hold, polled=polled)
    if on_started is not None:
        on_started(started)
    return (yield from wait_flow(started.execution_id, wait, context, started, polled=polled))


def start_flow(
    run: StartRequest,
    wait: WaitOptions,
    context: Context,
    *,
    server_hold: bool | None = None,
    polled: Polled[Any, Any] | None = None,
) -> Flow[Started]:
    """The trigger of a wait: the run, clipped to the wait's deadline, held where that is safe.

    ``server_hold``: True holds the trigger itself (the user's choice, on any server); False never holds;
    None (the default) holds only where the user declared that the server deduplicates runs
    (``idempotent_runs=True``: holding by default is an optional resend, see ``_idempotency``) and nobody
    asked for ``on_status`` progress, which a held request cannot give. There the trigger returns the id at
    once, and the wait is the same run sent again with the same key and a hold, which also checks the
    declaration: a replay that comes back with another execution withdraws it. Runs that upload files are
    not replayed (a replay would upload them again); they, and everything else, are polled on the schedule
    of ``WaitState``. A held trigger that is cut is recovered by ``trigger_flow`` where keys are honoured. A
    held answer that reports the end is followed by one GET for the full record.
    """
    check_optional_flag(server_hold, "server_hold")
    polled = EXECUTIONS if polled is None else polled
    deadline = wait.start(context)
    hold = held_seconds(deadline) if server_hold is True else None
    answer = yield from trigger_flow(run, context, hold=hold, deadline=deadline.ends_at)
    execution_id = polled.started_id(answer)
    final = polled.started_result(answer)
    if final is not None:
        return Started(answer, deadline, True, None, execution_id, final)
    ended = server_hold is True and is_terminal(polled.started_status(answer))
    replay = None
    if not ended and server_hold is None and wait.on_status is None and context.keys.permits(Resend.OPTIONAL):
        replay = None if run.uploads_files else run
    return Started(answer, deadline, ended, replay, execution_id)


@overload
def wait_flow(
    execution_id: str,
    wait: WaitOptions,
    context: Context,
    started: Started | None = None,
    *,
    polled: None = None,
    schedule: Schedule | None = None,
) -> Flow[ExecutionResult]: ...
@overload
def wait_flow(
    execution_id: str,
    wait: WaitOptions,
    context: Context,
    started: Started | None = None,
    *,
    polled: Polled[Any, R],
    schedule: Schedule | None = None,
) -> Flow[R]: ...
def wait_flow(
    execution_id: str,
    wait: WaitOptions,
    context: Context,
    started: Started | None = None,
    *,
    schedule: Schedule | None = None,
    polled: Polled[Any, Any] | None = None,
) -> Flow[Any]:
    """Wait for an execution until it is terminal or the deadline passes.

    Without ``started`` (``wait``, a handle's ``wait()``): a deadline of its own, and a poll right away (the
    execution may have ended long ago). With ``started`` (``run_and_wait``): the trigger's deadline; a hold by
    replay if the trigger arranged one; then polls, the first one after the first delay of the schedule
    unless the end is already known (a run just started has rarely ended). Executions a replay created
    besides this one (a server that does not deduplicate) are named on the result, or on the error, as
    ``duplicate_execution_ids``. ``schedule`` replaces the usual delays between polls (a batch's waits learn
    when its executions end). A start whose answer already was the end (``started.final``) sends nothing.
    """
    surface: Polled[Any, Any] = EXECUTIONS if polled is None else polled
    if started is None:
        argument = "execution_id" if surface is EXECUTIONS else f"{surface.noun}_id"
        state = wait.state(require_id(execution_id, argument), wait.start(context), context, surface, schedule)
        return (yield from _poll_until_terminal(state, wait.cancel_on_timeout))
    if started.final is not None:
        return started.final
    state = wait.state(execution_id, started.deadline, context, surface, schedule)
    ended = started.ended
    duplicates: list[str] = []
    try:
        if not ended and started.replay is not None:
            yield from _hold_by_replay(state, started.replay, context, duplicates)
            ended = True  # held as long as it could: look at the execution now rather than after a delay
        result = yield from _poll_until_terminal(state, wait.cancel_on_timeout, poll_first=ended)
    except EigenpalError as error:
        error.duplicate_execution_ids = (*error.duplicate_execution_ids, *duplicates)
        raise  # a bare raise keeps the traceback top-down (see _flow)
    return surface.with_duplicates(result, tuple(duplicates)) if duplicates else result


def held_seconds(deadline: Deadline) -> int | None:
    """How long a run sent now may be held: up to 60 s, ending ``HOLD_DEADLINE_MARGIN_SECONDS`` before the
    deadline so that the server's answer (and with it the execution id) arrives in time; None under 1 s."""
    # min() first: an unbounded wait (timeout_seconds=math.inf) holds the maximum; int(inf) would raise.
    hold = int(min(deadline.remaining() - _config.HOLD_DEADLINE_MARGIN_SECONDS, _config.MAX_SERVER_HOLD_SECONDS))
    return hold if hold >= 1 else None


def _status_of(answer: StartedExecution) -> str | None:
    status = answer.status
    return None if isinstance(status, Unset) else str(status)


def _hold_by_replay(state: WaitState, run: _Replay, context: Context, duplicates: list[str]) -> Flow[None]:
    """Send the run again, held, until the server reports the end, the deadline nears, or holding stops working.

    Returns when the caller should poll: at the end, when less than a second is left, after a transient
    failure, or when a hold came back early without an end (a server that does not hold replays), so a
    server that misbehaves costs one extra request, never a loop. A replay answered with another execution
    shows that the server does not deduplicate: the client's ``KeyKnowledge`` is told (no more resends), the
    other execution is added to ``duplicates`` (it is reported, never dropped), and the wait goes on polling
    the first.
    """
    while state.deadline.remaining() >= 1:
        started = context.clock()
        held = held_seconds(state.deadline)
        if held is None:
            return  # too close to the deadline to hold at all
        try:
            answer = yield Send(run.call(held, deadline=state.deadline.ends_at))
        except EigenpalError as error:
            if not state.failed_poll(error):
                raise  # with the execution id; a bare raise keeps the traceback top-down (see _flow)
            return
        answer_id = state.polled.started_id(answer)
        if answer_id != state.execution_id:
            context.keys.withdraw(execution_id=state.execution_id, duplicate_id=answer_id, workflow_id=run.lookup.name)
            duplicates.append(answer_id)
            return
        if is_terminal(state.polled.started_status(answer)) or context.clock() - started < held / 2:
            return


def _sleep_or_time_out(state: WaitState, cancel_on_timeout: bool, *, first: bool = False) -> Flow[None]:
    """Sleep until the next poll; past the deadline, raise the timeout (after the cancel, if asked)."""
    for delay in state.pauses(first=first):
        if delay is None:
            break
        yield Sleep(delay)
    else:
        return
    note = ""
    if cancel_on_timeout:
        try:
            outcome = yield Send(state.polled.cancel(state.execution_id))
            note = cancel_note(state.polled.cancel_outcome(outcome), None)
        except EigenpalError as error:
            note = cancel_note(None, error)
    raise state.timeout_error(cancel_note=note)


def _poll_until_terminal(state: WaitState, cancel_on_timeout: bool, *, poll_first: bool = True) -> Flow[Any]:
    if not poll_first:
        yield from _sleep_or_time_out(state, cancel_on_timeout, first=True)
    while True:
        try:
            # Polls are not retried by the transport: the flow retries them itself, within its deadline.
            answer = yield Send(state.polled.poll(state.execution_id, state.request_timeout()))
        except EigenpalError as error:
            if not state.failed_poll(error):
                raise  # with the execution id; a bare raise keeps the traceback top-down (see _flow)
        else:
            result = state.observe(answer)
            if state.changed is not None and state.on_status is not None:
                yield Notify(state.on_status, state.changed)
            if result is not None:
                return result
        yield from _sleep_or_time_out(state, cancel_on_timeout)


# --- the v1 executions ---------------------------------------------------------------------------------------


def _poll_execution(execution_id: str, request_timeout_seconds: float) -> _calls.Call[Execution]:
    return _calls.get_execution_call(execution_id, request_timeout_seconds=request_timeout_seconds, max_retries=0)


def _cancel_execution(execution_id: str) -> _calls.Call[ExecutionCancellation]:
    # The deadline has passed: one short attempt, no retries, so the overrun stays one request.
    return _calls.cancel_execution_call(
        execution_id, request_timeout_seconds=_config.CANCEL_ON_TIMEOUT_REQUEST_SECONDS, max_retries=0
    )


def _execution_status(execution: Execution) -> ExecutionStatus:
    return ExecutionStatus(execution.status)


def _execution_result(execution: Execution, execution_id: str) -> ExecutionResult:
    return ExecutionResult.from_status(execution, execution_id=execution_id)


def _with_duplicate_executions(result: ExecutionResult, duplicates: tuple[str, ...]) -> ExecutionResult:
    return attrs.evolve(result, duplicate_execution_ids=duplicates)


def _started_execution_id(answer: StartedExecution) -> str:
    return answer.execution_id


def _no_final(answer: object) -> None:
    return None  # the v1 run answer is never the whole record: the end is read with a poll


EXECUTIONS: Polled[Execution, ExecutionResult] = Polled(
    noun="execution",
    poll=_poll_execution,
    cancel=_cancel_execution,
    cancel_outcome=lambda outcome: str(outcome.status),
    status=_execution_status,
    finished=is_finished,
    result=_execution_result,
    with_duplicates=_with_duplicate_executions,
    started_id=_started_execution_id,
    started_status=_status_of,
    started_result=_no_final,
)
"""The v1 routes: poll ``GET /workflows/executions/{id}``, an ``ExecutionResult`` at the end."""
