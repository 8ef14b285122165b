"""Starting a run, as a flow: the request, the recovery of a cut hold, and where a lost run can be found.

``RunRequest`` is one logical run: its arguments and its ``Idempotency-Key``, the same on every attempt
(``call(hold)`` builds the request, with or without a server hold). ``trigger_flow`` sends it
(``workflows.run``, and the trigger of ``run_and_wait`` and ``run_many``; the flow protocol is in ``_flow``):

- A run whose answer was lost after it was sent may have created an execution whose id never arrived.
  When the run was *held* (``wait_for_completion``) and the hold was cut (a middlebox's idle timeout, a
  gateway's 502/504, a server restarting), the id is recovered before anything else where keys are
  honoured (declared or inferred: a recovery, see ``_idempotency``): the same run is sent again with the
  same key and no hold, and the server answers with the execution it created. An un-held run whose
  answer was lost is resent the same way by the transport.
- When the id cannot be recovered, the error says so as data (``mark_may_exist``): ``execution_may_exist``,
  ``workflow_id`` and ``created_after``/``created_before``, the window in which it was created, widened by
  ``LOOKUP_WINDOW_MARGIN_SECONDS`` each way for the difference between this machine's clock and the server's.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx
from eigenpal_api.models import RunTrigger, StartedExecution

from eigenpal_ext import _calls, _config
from eigenpal_ext._errors import EigenpalAPIError, EigenpalConnectionError, EigenpalError, EigenpalTimeoutError
from eigenpal_ext._flow import Flow, Send, Sleep
from eigenpal_ext._idempotency import KeyKnowledge, Resend
from eigenpal_ext._logging import logger
from eigenpal_ext._polling import is_transient

# created_after/created_before are widened by this much each way: the server stamps createdAt by its clock.
LOOKUP_WINDOW_MARGIN_SECONDS = 60.0

Now = Callable[[], datetime.datetime]


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def new_idempotency_key() -> str:
    """A fresh key for one logical run (a server that does not honour keys ignores it)."""
    return uuid.uuid4().hex


def _given_or_new_key(key: str | None) -> str:
    return new_idempotency_key() if key is None else key


@attrs.frozen
class RunRequest:
    """One logical run: what ``workflows.run`` / ``run_and_wait`` were asked, and the key of all its attempts.

    ``deadline`` is the client-clock time after which no attempt is sent or retried (``run_and_wait``: the
    wait's deadline). Arguments are checked by ``call``, before any request.
    """

    workflow_id: str
    inputs: Mapping[str, Any] | None
    version: str | None
    overrides: Mapping[str, Any] | None
    trigger: str | RunTrigger | None
    default_timeout: httpx.Timeout
    request_timeout_seconds: float | None = None
    deadline: float | None = None
    clock: Callable[[], float] | None = None  # the client's clock, to keep recovery sleeps within ``deadline``
    # The caller's key (checked by ``call``), or a fresh one: the same on every attempt of this run.
    idempotency_key: str = attrs.field(default=None, converter=_given_or_new_key)

    def call(self, hold: int | None) -> _calls.Call[StartedExecution]:
        """The request of one attempt: held ``hold`` seconds (None: not held), with this run's key."""
        call = _calls.run_workflow_call(
            self.workflow_id, self.inputs, version=self.version, overrides=self.overrides, trigger=self.trigger,
            wait_for_completion=hold, request_timeout_seconds=self.request_timeout_seconds,
            default_timeout=self.default_timeout, idempotency_key=self.idempotency_key,
        )  # fmt: skip
        return call if self.deadline is None else attrs.evolve(call, deadline=self.deadline)

    def has_time_for(self, seconds: float) -> bool:
        """Whether sleeping ``seconds`` still leaves time before the deadline (always, without one)."""
        return self.deadline is None or self.clock is None or self.clock() + seconds < self.deadline


def trigger_flow(
    run: RunRequest, hold: int | None, keys: KeyKnowledge, *, now: Now = utc_now
) -> Flow[StartedExecution]:
    """Send ``run`` (held ``hold`` seconds, or not); recover a cut hold where keys are honoured; else say where
    the execution may be. Returns the run's answer."""
    sent_at = now()
    try:
        answer: StartedExecution = yield Send(run.call(hold))
    except EigenpalError as error:
        if not may_have_started(error):
            raise
        if hold and keys.permits(Resend.RECOVERY):
            logger.info(
                "the held run of %s was cut (%s); sending it again with the same Idempotency-Key and no hold, to "
                "recover its execution id",
                run.workflow_id,
                type(error).__name__,
            )
            return (yield from _recover(run, sent_at, now))
        mark_may_exist(error, run.workflow_id, sent_at, now())
        raise
    return answer


def _recover(run: RunRequest, sent_at: datetime.datetime, now: Now) -> Flow[StartedExecution]:
    """Send ``run`` again, not held, until the server answers with its execution: a server that restarts
    refuses connections for a while, so a resend that fails transiently is tried again after a growing pause
    (``RECOVERY_DELAYS_SECONDS``, each attempt with the transport's own retries), within the deadline."""
    for delay in (*_config.RECOVERY_DELAYS_SECONDS, None):
        try:
            answer: StartedExecution = yield Send(run.call(None))
        except EigenpalError as again:
            if delay is None or not is_transient(again) or not run.has_time_for(delay):
                # Whatever the resend met, the first attempt may have created an execution.
                mark_may_exist(again, run.workflow_id, sent_at, now())
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
    error: EigenpalError, workflow_id: str, sent_at: datetime.datetime, failed_at: datetime.datetime
) -> EigenpalError:
    """Say, on ``error``, that an execution of ``workflow_id`` may exist and when it was created (see module)."""
    if error.execution_id is not None:
        return error
    margin = datetime.timedelta(seconds=LOOKUP_WINDOW_MARGIN_SECONDS)
    error.execution_may_exist = True
    error.workflow_id = workflow_id
    error.created_after = sent_at - margin
    error.created_before = failed_at + margin
    if "executions.list(" not in error.message:
        error.message += (
            "; the run may have started an execution whose id never arrived: list recent executions with "
            f"client.workflows.executions.list({workflow_id!r}, from_date='now()-10m') to find it"
        )
        error.args = (error.message, *error.args[1:])
    return error
