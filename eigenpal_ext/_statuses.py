"""Execution statuses, in one place: which end a wait, which this client knows, and the ``status`` list filter.

``TERMINAL_STATUSES`` (public) are the four statuses an execution ends in. ``KNOWN_STATUSES`` are the values
of the generated ``ExecutionStatus``: a status the server sends that is not among them (one added after this
release, say ``expired``) is surfaced as it is and is not terminal. The waiters still stop on one when the
execution also carries ``completedAt``: the server stamps that only on an execution that has ended, so a new
terminal status ends the wait at once instead of spinning until the timeout (``is_finished``). A known
non-terminal status (running, ...) never ends a wait, whatever else the body carries.

A run of the runs API says itself whether it has ended: its ``finished`` flag, which the server sets once the
run is terminal (and then sends ``output``, ``files`` and ``error``). ``is_run_finished`` takes that flag as the
server's word, whatever the status (``timeout``, which the runs API added, or any status this client does not
know). Only a run without the flag (a lenient read of a sparse answer) falls back on the status: one of
``TERMINAL_STATUSES`` or ``timeout``, or an unknown status with ``timing.completedAt``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from eigenpal_api.models import Execution, ExecutionStatus, Run

from eigenpal_ext._errors import ArgumentTypeError, ArgumentValueError

TERMINAL_STATUSES: frozenset[ExecutionStatus] = frozenset(
    {ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED, ExecutionStatus.REJECTED}
)
KNOWN_STATUSES: tuple[str, ...] = tuple(member.value for member in ExecutionStatus)
# The runs API's status for a run stopped by its time limit (official changelog, 0.6.15): terminal, though the
# published list of statuses does not name it.
RUN_TIMEOUT_STATUS = "timeout"


def is_terminal(status: str | ExecutionStatus | None) -> bool:
    """Whether a status is terminal: the execution will not change any more.

    Example:
        ```python
        from eigenpal_ext import ExecutionStatus, is_terminal

        print(is_terminal(ExecutionStatus.COMPLETED), is_terminal("running"), is_terminal("paused-for-review"))
        ```

    Args:
        status: An ``ExecutionStatus``, its string value, a status this client does not know, or None.

    Returns:
        True for completed, failed, cancelled and rejected; False for any other value, unknown ones too.
    """
    return status is not None and status in TERMINAL_STATUSES


def is_finished(execution: Execution) -> bool:
    """True when a wait should stop on this status: a terminal one, or an unknown one with ``completedAt``."""
    if is_terminal(execution.status):
        return True
    return str(execution.status) not in KNOWN_STATUSES and _has_completed_at(execution)


def _has_completed_at(execution: Execution) -> bool:
    # `raw` too: a completedAt this client could not read as a time (completed_at None) is still a stamp.
    return execution.completed_at is not None or execution.raw.get("completedAt") not in (None, "")


def run_status(run: Run) -> ExecutionStatus | None:
    """A run's status (``execution.status``), unknown values kept; None when the answer has none."""
    return None if run.execution is None else run.execution.status


def is_run_finished(run: Run) -> bool:
    """True when a run has ended: its ``finished`` flag when the server sent one (see module), else its status."""
    if isinstance(run.finished, bool):
        return run.finished
    status = run_status(run)
    if status is None:
        return False
    if is_terminal(status) or status == RUN_TIMEOUT_STATUS:
        return True
    completed = None if run.timing is None else run.timing.completed_at
    return str(status) not in KNOWN_STATUSES and completed is not None


def status_filter(status: str | ExecutionStatus | Sequence[str | ExecutionStatus] | None) -> str | None:
    """The ``status`` query value: a comma-separated list of statuses, or None for no filter.

    The server is the judge of which statuses exist: a value this client does not know (a status added
    after this release, say ``queued``) is sent as given, and a server that does not know it either answers
    400 (``EigenpalValidationError`` naming ``status``). Only an obvious near-miss of a known status (other
    letter case, surrounding spaces, a typo such as ``canceled`` or ``fail``) is refused here, with the
    status it probably meant, since the server would otherwise silently match nothing or reject it later.
    """
    if status is None:
        return None
    if not isinstance(status, str | Sequence) or isinstance(status, bytes):
        raise ArgumentTypeError(
            "status",
            "must be an execution status or a list of them (e.g. 'running' or ['failed', 'rejected']), "
            f"got {type(status).__name__}",
        )
    items = [status] if isinstance(status, str) else list(status)
    if not items:
        return None
    for item in items:
        if not isinstance(item, str):
            raise ArgumentTypeError(
                "status", f"must be a str or a list of str, got an item of type {type(item).__name__}"
            )
        if item in KNOWN_STATUSES:
            continue
        if not item or "," in item:
            raise ArgumentValueError(
                "status", f"{item!r} is not a status: pass several statuses as a list, each non-empty"
            )
        near = _near_miss(item)
        if near is not None:
            raise ArgumentValueError(
                "status",
                f"{item!r} is not an execution status; did you mean {near!r}? (known: {', '.join(KNOWN_STATUSES)}; "
                "other values are sent to the server as given)",
            )
    return ",".join(str(item) for item in items)


def _near_miss(item: str) -> str | None:
    """The known status ``item`` was probably meant to be, if it is that close to one."""
    folded = item.strip().lower()
    if folded in KNOWN_STATUSES:
        return folded
    # 0.8 catches one-letter slips and truncations (canceled, fail, pendng) but not a plausible new
    # status that shares a stem (cancelling, finalized, starting).
    matches = difflib.get_close_matches(folded, KNOWN_STATUSES, n=1, cutoff=0.8)
    return matches[0] if matches else None
