"""The local server's background worker: moves executions through their lifecycle.

``created → pending → running → (waiting) → finalizing → completed | failed | cancelled | rejected``

Worker threads take execution ids from a queue that is fair across tenants (``_scheduling``: a tenant
runs at most ``workers`` executions at once, and one more worker is kept for the others); nothing
advances because a client polls. Between
steps (and inside long sleeps) each execution passes a checkpoint that honours a cancellation request
(→ ``cancelled``) and a shutdown (the execution is left as it is, and a restarted server resumes it
from its first unfinished step, since completed steps and their outputs are stored).

Cancellation (``cancel``): ``created``/``pending`` become ``cancelled`` at once; ``running``,
``waiting`` and ``finalizing`` get ``cancel_requested_at`` and stop at their next checkpoint; a
terminal execution is left alone (``already-terminal``). Every transition is a conditional update, so
the worker and the cancel endpoint never overwrite each other's status.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

import attrs

from eigenpal_ext.testing._scheduling import FairQueue
from eigenpal_ext.testing._store import NOT_TERMINAL, TERMINAL, Execution, Store, now_text
from eigenpal_ext.testing._workflows import Parked, ReviewRejected, StepContext, Workflow, WorkflowFailure

logger = logging.getLogger("eigenpal_ext.testing")

_DONE_STEP = frozenset({"completed", "overridden"})


class _CancelRequested(Exception):
    pass


class _Shutdown(Exception):
    pass


@attrs.frozen
class Pacing:
    """How long each stage takes, so lifecycle states can be observed (and cancelled) in tests."""

    pending_seconds: float = 0.02
    step_seconds: float = 0.02
    finalizing_seconds: float = 0.02


class Engine:
    """Runs executions on ``workers + 1`` threads, at most ``workers`` of them for one tenant.
    ``pause()`` keeps new executions in ``created``."""

    def __init__(
        self, store: Store, workflows: Mapping[str, Workflow], *, workers: int = 4, pacing: Pacing | None = None
    ) -> None:
        self.store, self.workflows = store, workflows
        self.pacing = pacing or Pacing()
        self._queue = FairQueue(per_tenant_limit=workers)
        self._stopping = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._threads = [
            threading.Thread(target=self._work, name=f"eigenpal-worker-{n}", daemon=True) for n in range(workers + 1)
        ]

    # --- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers and pick up what a previous run of the server left unfinished."""
        for thread in self._threads:
            thread.start()
        for execution in self.store.unfinished():
            if execution.status != "waiting" or execution.decision or execution.cancel_requested_at:
                self.submit(execution.id, execution.tenant)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._running.set()
        self._queue.close()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def submit(self, execution_id: str, tenant: str) -> None:
        """Queue the execution to be advanced by a worker (in its tenant's turn)."""
        self._queue.put(tenant, execution_id)

    def running(self, tenant: str) -> int:
        """How many executions of ``tenant`` hold a worker now."""
        return self._queue.running(tenant)

    # --- requests from the API ----------------------------------------------------------------------

    def cancel(self, execution: Execution) -> str:
        """Cancel as the API documents it; returns the outcome (``cancelled`` / ``cancellation-requested`` /
        ``already-terminal``)."""
        if execution.is_terminal:
            return "already-terminal"
        stamp = now_text()
        cancelled_now = self.store.transition(
            execution.id, ("created", "pending"), "cancelled", completed_at=stamp, cancel_requested_at=stamp
        )
        if cancelled_now:
            return "cancelled"
        current = self.store.get(execution.id)
        if current is None or current.is_terminal:
            return "already-terminal"
        self.store.request_cancel(execution.id, stamp)  # once: a repeated cancel keeps the first moment
        if current.status == "waiting":
            self.submit(execution.id, execution.tenant)  # nobody is running it: wake it up to reach its checkpoint
        return "cancellation-requested"

    def decide(self, execution: Execution, *, approve: bool) -> bool:
        """Record a review decision; False when the execution is not waiting for one."""
        if execution.status != "waiting" or execution.decision is not None:
            return False
        self.store.update(execution.id, decision="approved" if approve else "rejected")
        self.submit(execution.id, execution.tenant)
        return True

    # --- the worker ---------------------------------------------------------------------------------

    def _work(self) -> None:
        while (taken := self._queue.take()) is not None:
            tenant, execution_id = taken
            try:
                self._running.wait()
                if self._stopping.is_set():
                    return
                self._advance(execution_id)
            except Exception:  # a bug in a step or the store must not kill the worker thread
                logger.exception("worker failed on %s", execution_id)
                self.store.transition(
                    execution_id, NOT_TERMINAL, "failed", error="internal error", completed_at=now_text()
                )
            finally:
                self._queue.done(tenant)

    def _advance(self, execution_id: str) -> None:
        execution = self.store.get(execution_id)
        if execution is None or execution.is_terminal:
            return
        workflow = self.workflows[execution.workflow_name]
        try:
            self._checkpoint(execution_id)
            if execution.status == "created":
                if not self.store.transition(execution_id, ("created",), "pending"):
                    return  # cancelled in the meantime
                self._pause(execution_id, self.pacing.pending_seconds)
            if execution.status in ("created", "pending"):
                started = self.store.transition(execution_id, ("pending",), "running", started_at=now_text())
                if not started:
                    return
            elif execution.status == "waiting":
                self.store.transition(execution_id, ("waiting",), "running")
            outputs = self._run_steps(workflow, execution_id)
            self.store.transition(execution_id, ("running",), "finalizing")
            self._pause(execution_id, self.pacing.finalizing_seconds)
            result = workflow.build_result(outputs, self._fresh(execution_id))
            self.store.transition(execution_id, ("finalizing",), "completed", result=result, completed_at=now_text())
        except _Shutdown:
            return
        except Parked:
            self.store.transition(execution_id, ("running",), "waiting")
        except _CancelRequested:
            self.store.transition(execution_id, NOT_TERMINAL, "cancelled", completed_at=now_text())
        except ReviewRejected as exc:
            self.store.transition(execution_id, NOT_TERMINAL, "rejected", error=str(exc), completed_at=now_text())
        except WorkflowFailure as exc:
            self.store.transition(execution_id, NOT_TERMINAL, "failed", error=str(exc), completed_at=now_text())

    def _run_steps(self, workflow: Workflow, execution_id: str) -> dict[str, Any]:
        execution = self._fresh(execution_id)
        records: dict[str, dict[str, Any]] = {record["stepId"]: record for record in execution.steps}
        outputs = {
            step_id: record.get("output") for step_id, record in records.items() if record["status"] in _DONE_STEP
        }
        overrides: Mapping[str, Any] = (execution.overrides or {}).get("steps") or {}
        files = {stored.input_key: stored for stored in self.store.files_of(execution_id)}
        for step in workflow.steps:
            if step.id in outputs:
                continue  # finished before a restart
            self._pause(execution_id, self.pacing.step_seconds)
            record: dict[str, Any] = {
                "stepId": step.id,
                "status": "running",
                "startedAt": now_text(),
                "completedAt": None,
            }
            records[step.id] = record
            if step.id in overrides:
                record.update(status="overridden", output=overrides[step.id], completedAt=now_text())
                outputs[step.id] = overrides[step.id]
                self._save_steps(execution_id, workflow, records)
                continue
            self._save_steps(execution_id, workflow, records)
            context = StepContext(
                self._fresh(execution_id), files, dict(outputs), lambda s: self._pause(execution_id, s)
            )
            try:
                output = step.run(context)
            except Parked:
                record.update(status="waiting")
                self._save_steps(execution_id, workflow, records)
                raise
            except (WorkflowFailure, ReviewRejected) as exc:
                record.update(status="failed", error=str(exc), completedAt=now_text())
                self._save_steps(execution_id, workflow, records)
                raise
            record.update(status="completed", output=output, completedAt=now_text())
            outputs[step.id] = output
            self._save_steps(execution_id, workflow, records)
        return outputs

    def _save_steps(self, execution_id: str, workflow: Workflow, records: Mapping[str, dict[str, Any]]) -> None:
        ordered = [records[step.id] for step in workflow.steps if step.id in records]
        self.store.update(execution_id, steps=ordered)

    def _fresh(self, execution_id: str) -> Execution:
        execution = self.store.get(execution_id)
        assert execution is not None
        return execution

    def _checkpoint(self, execution_id: str) -> None:
        if self._stopping.is_set():
            raise _Shutdown
        # Only status and cancel request: decoding the whole row (input, steps, result: up to MiBs of
        # JSON) at every checkpoint would make a large input cost its decoding many times over.
        progress = self.store.progress(execution_id)
        if progress is None or progress[0] in TERMINAL:
            raise _Shutdown  # someone else finished it (a cancel of a created execution)
        if progress[1] is not None:
            raise _CancelRequested

    def _pause(self, execution_id: str, seconds: float) -> None:
        """Sleep ``seconds``, passing a checkpoint at least every 50 ms."""
        remaining = seconds
        self._checkpoint(execution_id)
        while remaining > 0:
            chunk = min(remaining, 0.05)
            if self._stopping.wait(chunk):
                raise _Shutdown
            remaining -= chunk
            self._checkpoint(execution_id)
