"""Starting a run, as a flow: the request, the recovery of a cut hold, and where a lost run can be found.

A ``RunRequest`` (``_calls``; for the runs API, ``_run_calls.RunStart``) is one logical run: its arguments and
its ``Idempotency-Key``, the same on every attempt (``StartRequest`` is what both offer). ``trigger_flow`` sends
it (``workflows.run``, and the trigger of ``run_and_wait``, ``run_many`` and batches, through
``_waiting.start_flow``; the flow protocol is in ``_flow``):

- A run whose answer was lost after it was sent may have created an execution whose id never arrived.
  When the run was *held* (``wait_for_completion``) and the hold was cut (a middlebox's idle timeout, a
  gateway's 502/504, a server restarting), the id is recovered before anything else where keys are
  honoured (declared or inferred: a recovery, see ``_idempotency``): the same run is sent again with the
  same key and no hold, and the server answers with the execution it created. An un-held run whose
  answer was lost is resent the same way by the transport.
- When the id cannot be recovered, the error says so as data: ``mark_may_exist`` is the one place that sets
  ``execution_may_exist``, ``workflow_id`` (or, for the runs API, ``target``) and
  ``created_after``/``created_before``, the window in which it was
  created, widened by ``LOOKUP_WINDOW_MARGIN_SECONDS`` each way for the difference between this machine's clock
  and the server's. How to find it is written from those fields (``_errors.lookup_hint``, and the command's
  own hint).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Protocol

from eigenpal_ext import _config
from eigenpal_ext._calls import Call, RunLookup
from eigenpal_ext._errors import EigenpalAPIError, EigenpalConnectionError, EigenpalError, EigenpalTimeoutError
from eigenpal_ext._flow import Context, Flow, Send, Sleep
from eigenpal_ext._idempotency import Resend
from eigenpal_ext._logging import logger
from eigenpal_ext._retry import is_transient

# created_after/created_before are widened by this much each way: the server stamps createdAt by its clock.
LOOKUP_WINDOW_MARGIN_SECONDS = 60.0

Now = Callable[[], datetime.datetime]


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class StartRequest(Protocol):
    """One logical run, as ``trigger_flow`` sends it: each attempt's ``Call`` (held ``hold`` seconds, or not),
    whether it uploads files (a resend uploads them again), and what names it on an error (``lookup``)."""

    @property
    def uploads_files(self) -> bool: ...

    @property
    def lookup(self) -> RunLookup: ...

    def call(self, hold: int | None = None, *, deadline: float | None = None) -> Call[Any]: ...


def trigger_flow(
    run: StartRequest,
    context: Context,
    *,
    hold: int | None = None,
    deadline: float | None = None,
    now: Now = utc_now,
) -> Flow[Any]:
    """Send ``run`` (held ``hold`` seconds, or not); recover a cut hold where keys are honoured; else say where
    the execution may be. ``deadline`` (the client-clock time after which no attempt is sent or retried; a
    wait's deadline) bounds every attempt and the pauses between them. Returns the run's answer."""
    sent_at = now()
    try:
        answer = yield Send(run.call(hold, deadline=deadline))
    except EigenpalError as error:
        if not may_have_started(error):
            raise
        if hold and context.keys.permits(Resend.RECOVERY):
            logger.info(
                "the held run of %s was cut (%s); sending it again with the same Idempotency-Key and no hold, to "
                "recover its execution id",
                run.lookup.name,
                type(error).__name__,
            )
            return (yield from _recover(run, context, deadline, sent_at, now))
        mark_may_exist(error, run.lookup.workflow_id, sent_at, now(), target=run.lookup.target)
        raise
    return answer


def _recover(
    run: StartRequest, context: Context, deadline: float | None, sent_at: datetime.datetime, now: Now
) -> Flow[Any]:
    """Send ``run`` again, not held, until the server answers with its execution: a server that restarts
    refuses connections for a while, so a resend that fails transiently is tried again after a growing pause
    (``RECOVERY_DELAYS_SECONDS``, each attempt with the transport's own retries), within the deadline."""
    for delay in (*_config.RECOVERY_DELAYS_SECONDS, None):
        try:
            answer = yield Send(run.call(None, deadline=deadline))
        except EigenpalError as again:
            out_of_time = deadline is not None and delay is not None and context.clock() + delay >= deadline
            if delay is None or not is_transient(again) or out_of_time:
                # Whatever the resend met, the first attempt may have created an execution.
                mark_may_exist(again, run.lookup.workflow_id, sent_at, now(), target=run.lookup.target)
                raise
        else:
            return answer
        yield Sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def may_have_started(error: EigenpalError) -> bool:
    """A run that failed this way may have created an execution whose id is not known.

    Its answer was lost after the request was sent, or the server (or a gateway before it) answered with a
    5xx or 408, or the run was accepted but the answer was unusable. Not for an error that carries the id,
    nor for a refusal (429, other 4xx) or a failure before sending (refused connection, a changed file).
    """
    if error.execution_id is not None:
        return False
    if error.execution_may_exist:
        return True
    if isinstance(error, EigenpalConnectionError | EigenpalTimeoutError):
        return error.request_sent
    return isinstance(error, EigenpalAPIError) and (error.status >= 500 or error.status == 408)


def mark_may_exist(
    error: EigenpalError,
    workflow_id: str | None,
    sent_at: datetime.datetime,
    failed_at: datetime.datetime,
    *,
    target: str | None = None,
) -> EigenpalError:
    """Say, on ``error``, that an execution of ``workflow_id`` (a run of ``target``, on the runs API) may exist
    and when it was created (see module).

    The one place where this recovery data is set; an error that carries its execution id is left alone.
    """
    if error.execution_id is not None:
        return error
    margin = datetime.timedelta(seconds=LOOKUP_WINDOW_MARGIN_SECONDS)
    error.execution_may_exist = True
    error.workflow_id = workflow_id
    error.target = target
    error.created_after = sent_at - margin
    error.created_before = failed_at + margin
    return error
