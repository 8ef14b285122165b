"""The runs API's JSON shapes of an execution: the ``Run`` (start, get, list items), the cancel answer and
the events timeline, all derived from the store's record (a v1 execution *is* a run).

- **Status.** A run's status is ``execution.status``, in the runs API's names (:data:`RUN_STATUS`, one
  place). The engine's states are the nine the runs API publishes, so the mapping is one to one today;
  the runs API also knows ``timeout``, which the local engine never reaches (it has no run time limit).
  ``finished`` is true for the terminal ones.
- **Sections.** Every answer has ``id``, ``type`` (``workflow``: the local server has no agents),
  ``finished``, ``sampleRank`` (a stable pseudo-random number in [0, 1) from the id), ``timing``,
  ``source`` (the workflow and the version that ran), ``trigger`` (``by`` is null: runs are started with
  API keys, not by users) and ``execution`` (status, ``batchId`` null, a first attempt's ``retry``). A
  finished run adds ``output`` (the result of a completed run, else null), ``files`` (its input files as
  artifacts) and ``error``. ``expand`` adds ``input`` (args as sent, file names, metadata), ``usage``
  (zeros and the duration: no model runs here), ``execution`` (the steps and the definition that ran)
  and ``debug`` (the derived ``observability``).
- **Events.** The store records ``run.created``, each ``run.status_changed`` (with ``previousStatus``)
  and ``run.cancel_requested`` as they happen; each step record adds ``step.started`` and its end
  (``step.completed``, ``step.failed``, ``step.overridden``, ``step.waiting``). Oldest first; a run of an
  older server, which recorded none, shows its creation and its end from its timestamps.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from eigenpal_ext.testing._observability import duration_ms, observability
from eigenpal_ext.testing._store import (
    KNOWN_STATUSES,
    RUN_CANCEL_REQUESTED,
    RUN_CREATED,
    RUN_STATUS_CHANGED,
    TERMINAL,
    Execution,
    RunEvent,
    StoredFile,
)
from eigenpal_ext.testing._workflows import Workflow

__all__ = [
    "EXPAND_SECTIONS",
    "RUN_STATUS",
    "cancel_answer",
    "run_body",
    "run_events",
    "run_list_item",
    "run_status",
    "sample_rank",
]

RUN_STATUS: Mapping[str, str] = {status: status for status in KNOWN_STATUSES}
"""The engine's state → the runs API's status name (one to one: the runs API publishes the same nine)."""

RUN_TERMINAL = frozenset(RUN_STATUS[status] for status in TERMINAL) | {"timeout"}
"""The runs API's terminal statuses (``timeout`` included, though the local engine never reaches it)."""

EXPAND_SECTIONS = ("input", "usage", "execution", "debug")
"""The sections ``GET /runs/{id}?expand=`` adds, comma-separated."""

_CANCEL_STATES = {
    "cancelled": "cancelled",
    "cancellation-requested": "requested",
    "already-terminal": "already_terminal",
}


def run_status(execution: Execution) -> str:
    """The run's status in the runs API's names (an unknown state, from a newer server, as it is)."""
    return RUN_STATUS.get(execution.status, execution.status)


def sample_rank(execution_id: str) -> float:
    """A stable pseudo-random rank in [0, 1) derived from the run id (the same for every read)."""
    digest = hashlib.sha256(execution_id.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:6], "big") / float(1 << 48)


def _finished(execution: Execution) -> bool:
    return run_status(execution) in RUN_TERMINAL


def _timing(execution: Execution) -> dict[str, Any]:
    return {
        "createdAt": execution.created_at,
        "startedAt": execution.started_at,
        "completedAt": execution.completed_at,
        "durationMs": duration_ms(execution),
        "cancelRequestedAt": execution.cancel_requested_at,
    }


def _source(execution: Execution, workflows: Mapping[str, Workflow], *, detail: bool) -> dict[str, Any]:
    workflow = workflows.get(execution.workflow_name)
    version = workflow.version(execution.version_id) if workflow is not None else None
    source: dict[str, Any] = {
        "id": execution.workflow_id,
        "name": execution.workflow_name,
        "version": version.tag if version is not None else None,
        "versionId": execution.version_id,
    }
    if detail:
        source["implementationAvailable"] = version is not None
        source["automationFound"] = workflow is not None
        source["currentVersion"] = workflow.current.tag if workflow is not None else None
    return source


def _execution(execution: Execution) -> dict[str, Any]:
    return {
        "status": run_status(execution),
        "schemaValid": None,
        "batchId": None,
        "retry": {"number": 0, "previousRunId": None, "nextRun": None},
    }


def _run_head(execution: Execution, workflows: Mapping[str, Workflow], *, detail: bool) -> dict[str, Any]:
    """The sections every run answer has (``detail``: the source's detail of ``GET /runs/{id}``)."""
    return {
        "id": execution.id,
        "type": "workflow",
        "finished": _finished(execution),
        "sampleRank": sample_rank(execution.id),
        "timing": _timing(execution),
        "source": _source(execution, workflows, detail=detail),
        "trigger": {"type": execution.trigger, "by": None},
        "execution": _execution(execution),
    }


def run_list_item(execution: Execution, workflows: Mapping[str, Workflow]) -> dict[str, Any]:
    """A run as ``GET /runs`` lists it: no output, files or expanded sections."""
    return {**_run_head(execution, workflows, detail=False), "error": execution.error}


def run_body(
    execution: Execution,
    workflows: Mapping[str, Workflow],
    files: Sequence[StoredFile],
    *,
    expand: Collection[str] = (),
) -> dict[str, Any]:
    """A run as ``GET /runs/{id}`` (and every start answer) has it; ``expand`` as in ``EXPAND_SECTIONS``."""
    body = _run_head(execution, workflows, detail=True)
    if body["finished"]:
        body["output"] = execution.result if execution.status == "completed" else None
        body["files"] = [_artifact(stored) for stored in files]
        body["error"] = execution.error
    if "input" in expand:
        body["input"] = {"args": execution.input, "files": [{"name": stored.filename} for stored in files],
                         "metadata": execution.metadata}  # fmt: skip
    if "usage" in expand:
        body["usage"] = {
            "tokens": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
            "creditsCharged": 0,
            "durationMs": duration_ms(execution),
            "llmCallCount": 0,
            "ocrPagesProcessed": 0,
        }
    if "execution" in expand:
        workflow = workflows.get(execution.workflow_name)
        version = workflow.version(execution.version_id) if workflow is not None else None
        body["execution"].update(
            steps=execution.steps, review=None, definitionSnapshot=version.yaml if version is not None else None
        )
    if "debug" in expand:
        body["debug"] = {"observability": observability(execution), "traceId": None}
    return body


def _artifact(stored: StoredFile) -> dict[str, Any]:
    return {
        "name": stored.filename,
        "role": "input",
        "path": f"inputs/{stored.input_key}/{stored.filename}",
        "contentType": stored.media_type,
        "size": stored.size,
    }


def cancel_answer(after: Execution, outcome: str, was_status: str) -> dict[str, Any]:
    """The answer of ``POST /runs/{id}/cancel``: the run after the request and what the request did
    (the engine's outcome in the runs API's words)."""
    return {
        "id": after.id,
        "type": "workflow",
        "finished": _finished(after),
        "execution": {"status": run_status(after)},
        "cancellation": {"state": _CANCEL_STATES[outcome], "wasStatus": RUN_STATUS.get(was_status, was_status)},
    }


def run_events(execution: Execution, recorded: Sequence[RunEvent]) -> list[dict[str, Any]]:
    """The run's lifecycle timeline, oldest first (see the module docstring)."""
    timeline = [_recorded_event(event) for event in recorded] or _derived_events(execution)
    for step in execution.steps:
        if not isinstance(step, dict):
            continue
        step_id = step.get("stepId")
        if isinstance(step.get("startedAt"), str):
            timeline.append(_event("step.started", step["startedAt"], None, f"step {step_id} started",
                                   {"stepId": step_id}))  # fmt: skip
        ended = step.get("status")
        if isinstance(step.get("completedAt"), str) and isinstance(ended, str):
            timeline.append(_event(f"step.{ended}", step["completedAt"], None, f"step {step_id} {ended}",
                                   {"stepId": step_id}))  # fmt: skip
        elif ended == "waiting":
            timeline.append(_event("step.waiting", step.get("startedAt") or execution.created_at, None,
                                   f"step {step_id} waits for a review decision", {"stepId": step_id}))  # fmt: skip
    return sorted(timeline, key=lambda event: str(event["timestamp"]))  # stable: same moment, recorded order


def _event(kind: str, at: str, status: str | None, message: str, metadata: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "timestamp": at, "status": status, "message": message, "metadata": metadata}


def _recorded_event(event: RunEvent) -> dict[str, Any]:
    status = RUN_STATUS.get(event.status, event.status) if event.status is not None else None
    if event.type == RUN_CREATED:
        return _event(event.type, event.at, status, "the run was created", {})
    if event.type == RUN_STATUS_CHANGED:
        previous = RUN_STATUS.get(event.previous_status or "", event.previous_status)
        return _event(event.type, event.at, status, f"{previous} → {status}", {"previousStatus": previous})
    if event.type == RUN_CANCEL_REQUESTED:
        return _event(event.type, event.at, None, "a cancel was requested; the run stops at its next checkpoint", {})
    return _event(event.type, event.at, status, event.type, {})


def _derived_events(execution: Execution) -> list[dict[str, Any]]:
    """The creation and the end of a run stored by an older server, which recorded no events."""
    timeline = [_event(RUN_CREATED, execution.created_at, "created", "the run was created", {})]
    if execution.completed_at is not None:
        status = run_status(execution)
        timeline.append(_event(RUN_STATUS_CHANGED, execution.completed_at, status, f"ended {status}", {}))
    return timeline
