"""``run_batch``'s logic, shared by the sync and the async batch: taking inputs lazily, what the journal says of
each, the flow of one input, and its outcome. The drivers that run the flows at a bounded concurrency, and
how they are interrupted, are in ``_batch_run``.

**Taking an input** (``BatchCore.take``), one at a time, only when a slot is free (memory stays
proportional to the concurrency, whatever the number of inputs): its key (``_batch_inputs``; inputs of
other shards are skipped), then what the journal knows of it:

- ``finished``: its outcome is read back from the journal (``resumed``); nothing is sent;
- ``started``: its execution is waited for, never started again;
- ``sent`` (the run was sent by an earlier process, and its execution id never arrived): the input is
  *unknown*. Where the server honours ``Idempotency-Key`` it is sent again with the same key, a *recovery*
  that gets the execution back (what the client inferred, or what the journal remembers that this server
  showed: a new process has not learned it yet). Otherwise it is kept aside while this process may still
  learn it from its other runs, and once nothing in flight can teach it any more, it is reported as
  ``Failed(status="unknown")`` and stays ``sent``, unless the caller opted in (``resend_unknown=True``);
- ``pending``, or new: it is sent.

So a batch is *exactly once* against a server that honours keys, and *at most once* otherwise, every input
that may have an execution without an id reported as unknown: never a silent duplicate.

**Surfaces.** The engine runs on one API surface (``settings.surface``, ``_batch_surface``): the v1 executions
as above, or the runs API, whose runs are tagged in ``metadata`` with the batch's id and the input's key. On
the runs surface an unknown input is not recovered by key (the runs API documents none): its run is looked
for on the server first (``_adopted``), adopted when found, and otherwise reported unknown as above unless
``resend_unknown``; an answer lost while the batch runs is looked for at once the same way.

**One input's flow** (``BatchCore.flow``): wait for the batch-wide pause of a 429 (``Backpressure``), record
``sent`` in the journal, send the run (``start_flow``, never held) with the input's key from the journal,
record the execution id, then wait with the batch's learned schedule (``_batch_pace``); an answer that is
already terminal is not polled. A 429 sends the input back to ``pending``, halves the concurrency
(``AdaptiveConcurrency``), pauses the batch and sends it again (nothing was created).

**Its outcome** (``BatchCore.outcome``): the journal records a finished execution's outcome; an input whose
execution is known but did not end (a wait timeout) stays ``started``; one that may have started an
execution whose id never arrived stays ``sent`` (unknown); one refused with nothing created goes back to
``pending`` (a rerun sends it again).
"""

from __future__ import annotations

import collections
import datetime
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
from eigenpal_api.models import RunTrigger

from eigenpal_ext._batch_inputs import InputKeys, KeyedInput, check_shard
from eigenpal_ext._batch_outcomes import (
    ERROR,
    UNKNOWN,
    BatchOutcome,
    Failed,
    describe,
    from_dict,
    from_error,
    from_result,
)
from eigenpal_ext._batch_pace import AdaptiveConcurrency, LearnedWaits
from eigenpal_ext._batch_surface import BatchSurface, ExecutionsSurface, UnreconciledInput
from eigenpal_ext._calls import RunRequest, new_idempotency_key
from eigenpal_ext._checks import check_flag, check_int
from eigenpal_ext._errors import EigenpalError, EigenpalRateLimitError
from eigenpal_ext._fanout import Backpressure
from eigenpal_ext._flow import Context, Flow, Sleep
from eigenpal_ext._idempotency import Resend
from eigenpal_ext._journal import BatchIdentity, Entry, Journal
from eigenpal_ext._logging import logger
from eigenpal_ext._results import ExecutionResult
from eigenpal_ext._trigger import may_have_started, utc_now
from eigenpal_ext._waiting import Started, WaitOptions, start_flow, wait_flow

MAX_CONCURRENCY = 256


@attrs.frozen
class BatchSettings:
    """The arguments of one ``run_batch``, checked before anything is sent. ``surface`` is the API it runs on
    (``_batch_surface``: the v1 executions or the runs API), which builds each input's run."""

    surface: BatchSurface
    concurrency: int
    wait: WaitOptions
    resend_unknown: bool
    shard: tuple[int, int] | None
    cancel_on_interrupt: bool
    journal: Path | None
    output: Path | None = None

    def identity(self) -> BatchIdentity:
        return self.surface.identity(self.shard)


def batch_settings(
    surface: BatchSurface,
    *,
    wait: WaitOptions,
    journal: str | os.PathLike[str] | None,
    output: str | os.PathLike[str] | None,
    concurrency: int,
    resend_unknown: bool,
    shard: object,
    cancel_on_interrupt: bool,
) -> BatchSettings:
    """The checked arguments of ``run_batch`` on ``surface`` (``ValueError``/``TypeError`` naming the argument,
    before anything is opened or sent)."""
    journal_path, output_path = _path(journal, "journal"), _path(output, "output")
    if output_path is not None and not output_path.parent.is_dir():
        raise ValueError(f"output: the folder {output_path.parent} does not exist; create it first")
    if output_path is not None and output_path == journal_path:
        raise ValueError("output and journal must be two different files")
    return BatchSettings(
        surface=surface,
        concurrency=check_int(concurrency, "concurrency", minimum=1, maximum=MAX_CONCURRENCY),
        wait=wait,
        resend_unknown=check_flag(resend_unknown, "resend_unknown"),
        shard=check_shard(shard),
        cancel_on_interrupt=check_flag(cancel_on_interrupt, "cancel_on_interrupt"),
        journal=journal_path,
        output=output_path,
    )


def executions_surface(
    workflow_id: str, *, version: str | None, overrides: Mapping[str, Any] | None, trigger: str | RunTrigger | None
) -> BatchSurface:
    """The surface of ``client.workflows.executions.run_batch`` (its run checked before anything is sent)."""
    return ExecutionsSurface(RunRequest(workflow_id, None, version=version, overrides=overrides, trigger=trigger))


def _path(value: object, argument: str) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"{argument} must be a path (str or os.PathLike) or None, got {type(value).__name__}")
    return Path(os.fspath(value)).expanduser().absolute()


def check_inputs(inputs: object) -> Iterable[object]:
    """``inputs`` must be an iterable of inputs (a list, a generator), not one input."""
    if isinstance(inputs, Mapping | str | bytes) or not isinstance(inputs, Iterable):
        raise TypeError(
            "inputs must be an iterable of inputs (a list, a generator: one input mapping or BatchInput per "
            f"execution), not {type(inputs).__name__}"
        )
    return inputs


@attrs.define(eq=False)
class Job:
    """One input in flight: what it runs, its key's idempotency key, and how far it got."""

    keyed: KeyedInput
    idempotency_key: str
    execution_id: str | None = None
    resent: bool = False  # an unknown input sent again (a recovery, or the caller's opt-in)
    earlier_error: str | None = None  # why an earlier run left it unknown
    sending: bool = False  # its run is being sent: an execution may exist whose id is not known yet
    journaled: bool = False  # its execution id is in the journal
    sent_at: datetime.datetime | None = None
    reconcile: bool = False  # an unknown input of a surface that looks for its run before anything is sent

    @property
    def key(self) -> str:
        return self.keyed.key


class BatchCore:
    """The state of one batch run, shared by its driver's workers (threads or tasks). Thread-safe where the
    workers meet it (``flow``, ``outcome``); ``take`` is called by the driver alone."""

    def __init__(
        self,
        settings: BatchSettings,
        inputs: Iterable[object],
        journal: Journal,
        *,
        context: Context,
        base_url: str,
        now: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.settings, self.journal = settings, journal
        self._items: Iterator[tuple[int, object]] = enumerate(inputs)
        self._input_keys = InputKeys(settings.shard)
        self._context, self._base_url, self._now = context, base_url, now
        clock = self._clock = context.clock
        self._knowledge = context.keys
        self.backpressure = Backpressure(clock)
        self.limit = AdaptiveConcurrency(settings.concurrency)
        self.waits = LearnedWaits(settings.wait.poll_interval_seconds, clock)
        self.in_flight: set[Job] = set()
        self.deferred: collections.deque[Job] = collections.deque()  # unknown inputs, until keys are known
        self.exhausted = False
        self.input_error: Exception | None = None  # what the caller's iterable raised, if it did
        self.finished = 0
        self._lock = threading.Lock()
        self._remembered = journal.keys_honoured(base_url)

    # --- taking inputs (the driver) ---------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """Every input was taken and had its outcome."""
        return self.exhausted and not self.deferred and not self.in_flight

    def next_input(self) -> Job | BatchOutcome | None:
        """What to do next: a ``Job`` to run, an outcome known without sending, or None (nothing now: every slot
        busy with what is in flight, or the inputs exhausted). An exception of the caller's iterable ends the
        taking of inputs; it is raised by the driver once the inputs in flight finished."""
        if self.deferred and self.recovery_permitted():
            job = self.deferred.popleft()
            job.resent = True  # a recovery: the same key returns the execution the earlier run created
            return job
        if not self.exhausted:
            try:
                taken = self.take()
            except Exception as error:
                self.exhausted, self.input_error = True, error
                taken = None
            if taken is not None:
                return taken
        if self.deferred and not self.in_flight:  # nothing in flight can teach that keys are honoured
            return self._unknown(self.deferred.popleft())
        return None

    def take(self) -> Job | BatchOutcome | None:
        """The next input of the caller's iterable: a ``Job``, an outcome known without sending (finished in the
        journal, unusable, repeated), or None once the inputs are exhausted. An unknown input that cannot be
        sent again yet is kept aside (``deferred``) and the next one is taken."""
        for position, item in self._items:
            try:
                keyed = self._input_keys.resolve(item, position)
            except (TypeError, ValueError, OSError) as error:
                return self._counted(
                    Failed(key=f"inputs[{position}]", status=ERROR, error=describe(error), exception=error,
                           finished_at=self._now())
                )  # fmt: skip
            if keyed is None:
                continue  # another shard's input
            entry, repeated = self.journal.take(keyed.key, keyed.file, new_idempotency_key())
            if repeated:
                twice = ValueError(f"input {keyed.key} was given twice in this batch; it runs once")
                return self._counted(
                    Failed(key=keyed.key, status=ERROR, error=str(twice), file=keyed.file, exception=twice,
                           finished_at=self._now())
                )  # fmt: skip
            taken = self._from_entry(keyed, entry)
            if taken is not None:
                return taken
        self.exhausted = True
        return None

    def _from_entry(self, keyed: KeyedInput, entry: Entry) -> Job | BatchOutcome | None:
        if entry.state == "finished" and entry.outcome is not None:
            return self._counted(from_dict(entry.outcome))
        job = Job(keyed, entry.idempotency_key, execution_id=entry.execution_id, sent_at=entry.sent_at)
        if entry.state == "started" and entry.execution_id is not None:
            job.journaled = True
            return job
        if entry.state == "sent":
            job.earlier_error = entry.last_error
            if self.settings.surface.reconciles:
                job.reconcile = True  # its run is looked for first (``flow``)
                return job
            if self.settings.resend_unknown or self.recovery_permitted():
                job.resent = True
                return job
            # Not yet: this process may still learn from its other runs that the server honours keys.
            self.deferred.append(job)
            return None
        return job

    def _unknown(self, job: Job) -> BatchOutcome:
        earlier = f" ({job.earlier_error})" if job.earlier_error else ""
        message = (
            f"the run of this input was sent by an earlier run of this batch and its execution id never "
            f"arrived{earlier}; the server is not known to honour Idempotency-Key, so it was not sent again "
            "(an execution may exist: look for it, or run the batch again with resend_unknown=True / "
            "--resend-unknown to send it anyway)"
        )
        return self._counted(
            Failed(key=job.key, status=UNKNOWN, error=message, file=job.keyed.file, sent_at=job.sent_at,
                   finished_at=self._now())
        )  # fmt: skip

    def recovery_permitted(self) -> bool:
        """Whether an unknown input may be sent again with its key: the client knows (declared or inferred) that
        the server honours keys, or the journal remembers that this server showed it, and nothing withdrew it."""
        knowledge = self._knowledge
        if knowledge.permits(Resend.RECOVERY):
            return True
        if knowledge.withdrawn or knowledge.declared is False:
            return False
        return self._remembered is True

    def _counted(self, outcome: BatchOutcome) -> BatchOutcome:
        with self._lock:
            self.finished += 1
        return outcome

    # --- one input's flow (the workers) -----------------------------------------------------------------------

    def flow(self, job: Job) -> Flow[ExecutionResult]:
        """Run ``job`` to its end: send its run (unless its execution is known) and wait for the execution. An
        unknown input of a surface that reconciles is first looked for on the server (``_batch_surface``)."""
        if job.reconcile and job.execution_id is None and (yield from self._adopted(job)) is None:
            if not self.settings.resend_unknown:
                raise UnreconciledInput(self._unreconciled_message(job))
            job.resent = True  # the caller opted in: it is sent again (a second run may exist)
        if job.execution_id is not None:
            return (yield from self._wait(job, None))  # started by an earlier run: wait, never send again
        settings = self.settings
        surface = settings.surface
        began = self._clock()
        while True:
            pause = self.backpressure.wait_seconds()
            if pause:
                yield Sleep(pause)
            # Built, checked again (a file may have gone) and its large files uploaded before it is "sent".
            run = yield from surface.start(job.keyed.input, job.idempotency_key, self.journal.batch_id, job.key)
            epoch = self.limit.epoch()
            job.sent_at = self._now()
            job.sending = True  # first: whoever stops the batch waits for it from now on
            try:
                self.journal.sending(job.key, job.sent_at)  # before the run is sent: from now on it may exist
                started = yield from start_flow(
                    run, settings.wait, self._context, server_hold=False, polled=surface.polled
                )
                job.execution_id = started.execution_id
                self.journal.started(job.key, started.execution_id)
                job.journaled = True
            except EigenpalRateLimitError as error:
                self.journal.refused(job.key, error.message)  # a 429 created nothing
                self.limit.rate_limited(epoch)
                if self._clock() - began >= settings.wait.timeout_seconds:
                    raise  # past the input's deadline: report it
                self.backpressure.rate_limited(error.retry_after)
                continue
            except EigenpalError as error:
                if not (surface.reconciles and may_have_started(error)):
                    raise
                job.sending = False
                if (yield from self._adopted(job)) is None:
                    raise  # reported unknown; the next run of the batch looks for it again
                return (yield from self._wait(job, None))
            finally:
                job.sending = False
            self.limit.accepted()
            self._remember_keys()
            ended = surface.answered(started)
            if ended is not None:
                return surface.as_result(ended)  # a run answer that is already terminal is not polled
            return (yield from self._wait(job, started))

    def _adopted(self, job: Job) -> Flow[str | None]:
        """Look for ``job``'s run on the server (its tags); adopt it (journaled as started) when found."""
        try:
            found = yield from self.settings.surface.reconcile(self.journal.batch_id, job.key, job.sent_at, self._now())
        except EigenpalError as error:  # the run may exist all the same: unknown, never "nothing was created"
            raise UnreconciledInput(
                f"{self._unreconciled_message(job, looked=False)}; looking for its run failed: {error.message}"
            ) from error
        if found is not None:
            logger.info("the batch: input %s's run %s was found on the server and adopted", job.key, found)
            job.execution_id = found
            self.journal.started(job.key, found)
            job.journaled = True
        return found

    def _unreconciled_message(self, job: Job, *, looked: bool = True) -> str:
        earlier = f" ({job.earlier_error})" if job.earlier_error else ""
        found = (
            "no run of this batch carrying this input's key was found on the server, so it was not sent again"
            if looked
            else "it was not sent again"
        )
        return (
            f"the run of this input was sent and its run id never arrived{earlier}; {found} (a run whose creation "
            "was not yet visible may exist: run the batch again to look again, or with resend_unknown=True / "
            "--resend-unknown to send it anyway)"
        )

    def _wait(self, job: Job, started: Started | None) -> Flow[ExecutionResult]:
        assert job.execution_id is not None
        plan = self.waits.begin()
        surface = self.settings.surface
        try:
            waited = yield from wait_flow(
                job.execution_id, self.settings.wait, self._context, started, schedule=plan, polled=surface.polled
            )
        except BaseException:
            plan.abandoned()
            raise
        result = surface.as_result(waited)
        # What this client saw is an upper bound, and wrong for an execution started by an earlier run.
        seen = self._clock() - plan.started if started is not None else None
        plan.ended(duration_of(result, seen))
        return result

    def _remember_keys(self) -> None:
        """Keep in the journal what this server showed about ``Idempotency-Key`` (for the next process)."""
        knowledge = self._knowledge
        if knowledge.withdrawn and self._remembered is not False:
            self.journal.remember_keys_honoured(self._base_url, False)
            self._remembered = False
        elif knowledge.declared is None and knowledge.honoured and self._remembered is None:
            self.journal.remember_keys_honoured(self._base_url, True)
            self._remembered = True

    # --- outcomes (the workers) -------------------------------------------------------------------------------

    def outcome(
        self, job: Job, *, result: ExecutionResult | None = None, error: BaseException | None = None
    ) -> BatchOutcome:
        """``job``'s outcome, recorded in the journal (see the module docstring)."""
        keyed, now = job.keyed, self._now()
        if result is not None:
            done = from_result(keyed.key, keyed.file, result, sent_at=job.sent_at, finished_at=now)
            self.journal.finished(keyed.key, done.to_dict())
            return self._counted(done)
        assert error is not None
        carried = getattr(error, "execution_id", None)
        execution_id = job.execution_id or (carried if isinstance(carried, str) else None)
        words = describe(error)
        if execution_id is not None:
            status = ERROR
            if not job.journaled:
                self.journal.started(keyed.key, execution_id)
            self.journal.not_finished(keyed.key, words)  # waited for again by a rerun, never started again
        elif isinstance(error, UnreconciledInput) or (isinstance(error, EigenpalError) and may_have_started(error)):
            status = UNKNOWN
            self.journal.unknown(keyed.key, words)
        else:
            status = ERROR
            self.journal.refused(keyed.key, words)  # nothing was created: a rerun sends it again
        failed = from_error(
            keyed.key, keyed.file, error, status=status, execution_id=execution_id, sent_at=job.sent_at,
            finished_at=now,
        )  # fmt: skip
        return self._counted(failed)


def duration_of(result: ExecutionResult, seen: float | None) -> float | None:
    """How long the execution took: the server's ``completedAt - createdAt`` where it sent both, else what this
    client saw (None when it saw nothing useful)."""
    if result.created_at is not None and result.completed_at is not None:
        return (result.completed_at - result.created_at).total_seconds()
    return seen
