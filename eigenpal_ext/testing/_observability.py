"""What the local server reports about an execution's timing, as today's v1 routes do: ``durationMs`` and
the ``observability`` object (a phase timeline and a structured failure).

EigenPal's executions carry ``durationMs`` (SDK 0.5.12 on: total wall-clock milliseconds, set once the
execution is terminal) and ``observability`` (SDK 0.6.9 on: ``phases``, each with ``phase``,
``phaseOrder``, ``status``, ``startedAt``, ``completedAt``, ``durationMs``; ``currentPhase``; ``failure``
with ``phase``, ``code``, ``category``, ``retryable``, ``userMessage``, ``occurredAt``; and ``derived``).

The local server records no phase events, so its timeline is *derived* (``derived: true``) from the
execution's own timestamps: ``queued`` from creation until a worker started it, ``running`` until its
last step completed, ``finalizing`` until it ended. A phase not reached is ``pending`` while the
execution may still reach it, ``skipped`` once it cannot.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eigenpal_ext.testing._store import TERMINAL, Execution

__all__ = ["duration_ms", "observability"]

_PHASES = ("queued", "running", "finalizing")
_CURRENT_PHASE = {
    "created": "queued",
    "pending": "queued",
    "running": "running",
    "waiting": "running",
    "finalizing": "finalizing",
}
_FAILURE_CODES = {"failed": "workflow_failed", "rejected": "review_rejected"}


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _milliseconds(start: str | None, end: str | None) -> int | None:
    begun, ended = _moment(start), _moment(end)
    if begun is None or ended is None:
        return None
    return max(0, round((ended - begun).total_seconds() * 1000))


def duration_ms(execution: Execution) -> int | None:
    """Milliseconds from creation to the terminal status; None while the execution is not terminal."""
    return _milliseconds(execution.created_at, execution.completed_at) if execution.is_terminal else None


def observability(execution: Execution) -> dict[str, Any]:
    """The execution's ``observability`` object, derived from its timestamps (see the module docstring)."""
    status = execution.status
    steps_done = [step.get("completedAt") for step in execution.steps if isinstance(step, dict)]
    last_step_done = next((moment for moment in reversed(steps_done) if isinstance(moment, str)), None)
    ran_to_the_end = status in ("finalizing", "completed")
    queued_until = execution.started_at or (execution.completed_at if status in TERMINAL else None)
    bounds = {
        "queued": (execution.created_at, queued_until),
        "running": (execution.started_at, last_step_done if ran_to_the_end else execution.completed_at),
        "finalizing": (last_step_done, execution.completed_at) if ran_to_the_end else (None, None),
    }
    current = _CURRENT_PHASE.get(status)
    reached = _PHASES.index(current) if current else _last_reached(execution)
    phases = []
    for order, phase in enumerate(_PHASES):
        started_at, completed_at = bounds[phase]
        if order > reached or started_at is None:
            started_at = completed_at = None
        phases.append(
            {
                "executionId": execution.id,
                "phase": phase,
                "phaseOrder": order,
                "status": _phase_status(status, order, reached, current is not None),
                "startedAt": started_at,
                "completedAt": completed_at,
                "message": None,
                "failureCode": _FAILURE_CODES.get(status) if order == reached else None,
                "durationMs": _milliseconds(started_at, completed_at),
            }
        )
    body: dict[str, Any] = {"phases": phases, "currentPhase": _PHASES[reached], "derived": True}
    if status in _FAILURE_CODES:
        body["failure"] = {
            "phase": _PHASES[reached],
            "code": _FAILURE_CODES[status],
            "category": "runtime",
            "retryable": False,
            "userMessage": execution.error or status,
            "occurredAt": execution.completed_at,
        }
    return body


def _last_reached(execution: Execution) -> int:
    """The index of the last phase a terminal execution reached."""
    if execution.status == "completed":
        return 2
    return 1 if execution.started_at is not None else 0


def _phase_status(status: str, order: int, reached: int, ongoing: bool) -> str:
    if order < reached:
        return "completed"
    if order > reached:
        return "pending" if ongoing else "skipped"
    if ongoing:
        return "running"
    return {"completed": "completed", "cancelled": "cancelled"}.get(status, "failed")
