"""The two interruptions of a fan-out, ``KeyboardInterrupt`` subclasses (Ctrl-C must still stop a program, so
they are not ``EigenpalError``s): ``RunManyInterrupted`` (the sync ``run_many``) and ``BatchInterrupted``
(``run_batch``), each carrying what had happened when it was raised, and pickling with it.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eigenpal_ext._public import public

__all__ = ["BatchInterrupted", "RunManyInterrupted"]


@public
class RunManyInterrupted(KeyboardInterrupt):
    """Ctrl-C during the sync ``run_many``: no further run was started, and this is what had happened.

    A ``KeyboardInterrupt`` (so ``except Exception`` does not catch it, and an unhandled one ends the
    program as Ctrl-C does). ``outcomes`` holds a ``RunOutcome`` for every input that was started, in input
    order: the finished ones with their result or error, the others with an ``EigenpalInterruptedError``
    naming their execution. ``running_ids`` lists the executions that were still running;
    ``cancelled_ids`` those whose cancel was requested (``cancel_on_interrupt=True``; a second Ctrl-C cuts
    the cancels short); ``not_started`` the indexes of the inputs never sent, to run again later.
    """

    outcomes: list[Any]
    running_ids: list[str]
    cancelled_ids: list[str]
    not_started: list[int]

    def __init__(
        self,
        message: str,
        *,
        outcomes: Sequence[Any] = (),
        running_ids: Sequence[str] = (),
        cancelled_ids: Sequence[str] = (),
        not_started: Sequence[int] = (),
    ) -> None:
        super().__init__(message)
        self.outcomes = list(outcomes)
        self.running_ids = list(running_ids)
        self.cancelled_ids = list(cancelled_ids)
        self.not_started = list(not_started)

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {
            "outcomes": self.outcomes,
            "running_ids": self.running_ids,
            "cancelled_ids": self.cancelled_ids,
            "not_started": self.not_started,
        }
        return (_restore_interrupted, (type(self), str(self), fields))


def _restore_interrupted(cls: type[RunManyInterrupted], message: str, fields: dict[str, Any]) -> RunManyInterrupted:
    return cls(message, **fields)


@public
class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C (or a cancellation) during ``run_batch``: no further run was started, and this is where it stopped.

    A ``KeyboardInterrupt``, like ``RunManyInterrupted``. Runs that were being sent got a moment (about a second)
    to answer, so their execution ids are in the journal. ``running_ids`` lists the executions still running
    (with a journal, the same batch run again waits for them instead of starting them again);
    ``cancelled_ids`` those whose cancel was requested (``cancel_on_interrupt=True``); ``unknown_keys`` the
    inputs whose run was sent but whose execution id never arrived; ``journal`` the journal's path (None
    without one). ``finished`` counts the inputs that had an outcome.
    """

    running_ids: list[str]
    cancelled_ids: list[str]
    unknown_keys: list[str]
    journal: Path | None
    finished: int

    def __init__(
        self,
        message: str,
        *,
        running_ids: Sequence[str] = (),
        cancelled_ids: Sequence[str] = (),
        unknown_keys: Sequence[str] = (),
        journal: Path | None = None,
        finished: int = 0,
    ) -> None:
        super().__init__(message)
        self.running_ids = list(running_ids)
        self.cancelled_ids = list(cancelled_ids)
        self.unknown_keys = list(unknown_keys)
        self.journal = journal
        self.finished = finished

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {
            "running_ids": self.running_ids,
            "cancelled_ids": self.cancelled_ids,
            "unknown_keys": self.unknown_keys,
            "journal": self.journal,
            "finished": self.finished,
        }
        return (_restore_batch_interrupted, (type(self), str(self), fields))


def _restore_batch_interrupted(cls: type[BatchInterrupted], message: str, fields: dict[str, Any]) -> BatchInterrupted:
    return cls(message, **fields)
