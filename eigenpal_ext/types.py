"""The types of what the client returns, under stable public names, for annotating your own code.

``from eigenpal_ext.types import Execution, ExecutionResult, WorkflowPage``, then ``def report(execution:
Execution) -> None``. Each name below is the class itself, not a copy (``eigenpal_ext.types.Execution is
eigenpal_api.models.Execution``): ``isinstance`` works with either. The models are generated from
``openapi.yaml``, whose schemas carry these same names, so type checkers, reprs and the raw client show
them too. Every model has its fields as snake_case attributes, ``raw`` (the JSON as received),
``request_id`` (the answer's ``x-request-id``), ``to_dict()`` and ``to_json()``; the pages are sequences
of their items.

Workflows (``client.workflows``):

- ``Workflow``: one workflow, the answer of ``workflows.get(id)``; the items of ``workflows.list()`` and
  ``workflows.iter()``.
- ``WorkflowPage``: the answer of ``workflows.list()``, a page of ``Workflow``.
- ``WorkflowTriggers``: ``Workflow.triggers``, the kinds of trigger enabled.
- ``WorkflowKind``: the values of ``workflows.list(kind=)`` (``workflow``, ``block``).
- ``WorkflowVersion``: one released version; the items of ``workflows.versions(id)``.
- ``WorkflowVersionPage``: the answer of ``workflows.versions(id)``, a page of ``WorkflowVersion``.

Executions (``client.workflows.executions`` and handles):

- ``StartedExecution``: the answer to a run (``POST /workflows/{id}/run``); ``workflows.run()`` returns an
  ``ExecutionHandle``, which is one.
- ``ExecutionHandle`` / ``AsyncExecutionHandle``: what ``workflows.run()`` returns (sync / async client): the
  run's answer plus ``wait()``, ``get()``, ``cancel()``.
- ``Execution``: an execution's status, the answer of ``executions.get(id)`` and ``handle.get()``; what
  ``on_status`` callbacks receive, and ``ExecutionResult.execution``.
- ``ExecutionStep``: one item of ``Execution.steps`` (``include_steps=True``).
- ``ExecutionObservability``, ``ExecutionPhase``, ``ExecutionFailure``: ``Execution.observability``, its
  phases and its failure.
- ``ExecutionSummary``: an execution as listed; the items of ``executions.list(id)`` and
  ``executions.iter(id)``.
- ``ExecutionSummaryWorkflow``: ``ExecutionSummary.workflow``, the workflow that owns it.
- ``ExecutionPage``: the answer of ``executions.list(id)``, a page of ``ExecutionSummary``.
- ``ExecutionCancellation``: the answer of ``executions.cancel(id)`` and ``handle.cancel()``.
- ``ExecutionStatus``: an execution's status (``completed``, ``failed``, ...; unknown ones are kept).
- ``CancelOutcome``: ``ExecutionCancellation.status``, what a cancel did.
- ``RunTrigger``: the values of ``workflows.run(trigger=)`` (``api``, ``cli``).
- ``ExecutionResult``: where a waited-for execution ended, the answer of ``executions.wait()``,
  ``executions.run_and_wait()`` and ``handle.wait()`` (built from the last ``Execution``).
- ``RunOutcome``: one input's fate in ``executions.run_many()``, which returns a list of them.

The runs API (``client.runs`` and ``client.files``; the raw operations ``eigenpal_api.api.runs``, ``files`` and
``auth``, through ``client.raw``):

- ``Run``: one run, the answer of ``runs.get(id)`` (``get_run``) and of a start; the items of ``runs.list()``
  and ``runs.iter()``; what ``on_status`` callbacks of a run's wait receive, and ``RunResult.run``.
- ``RunHandle`` / ``AsyncRunHandle``: what ``runs.start()`` returns (sync / async client): the start's answer (a
  ``Run``) plus ``wait()``, ``get()``, ``cancel()``.
- ``RunResult``: where a waited-for run ended, the answer of ``runs.wait()``, ``runs.run_and_wait()`` and
  ``handle.wait()`` (built from the last ``Run``).
- ``RunPage``: the answer of ``runs.list()`` (``list_runs``), a page of ``Run`` with ``next_cursor``.
- ``RunType``: ``Run.type`` (``workflow``, ``agent``), and the values of ``runs.list(type=)``.
- ``RunCancelResult``: the answer of ``runs.cancel(id)`` (``cancel_run``); ``RunCancellation`` is its
  ``cancellation``.
- ``RunSteps``: the answer of ``runs.steps(id)`` (``list_run_steps``), a sequence of the steps as sent.
- ``RunEvents``: the answer of ``runs.events(id)`` (``list_run_events``), a sequence of ``RunEvent``.
- ``UploadedFile``: a reusable file, the answer of ``files.upload()``, ``files.get(id)`` (``upload_file``,
  ``get_file``, ``complete_file_upload``).
- ``FileUploadSession``: the answer of ``create_file_upload``, how to send the bytes.
- ``FileDeletion``: the answer of ``files.delete(id)`` (``delete_file``).
- ``FileUploadAbort``: the answer of ``abort_file_upload``.
- ``ApiKeyIdentity``: the answer of ``check_auth``, the identity behind an API key.

Raw answers (every resource's ``with_raw_response``):

- ``RawResponse``: the answer of a method under ``with_raw_response`` (``client.workflows.with_raw_response.list()``,
  ``executions``, ``runs`` and ``files`` alike), generic in what ``parse()`` returns: ``status_code``,
  ``headers``, ``request_id`` and ``parse()``.
"""

from __future__ import annotations

from eigenpal_api.models import (
    ApiKeyIdentity,
    CancelOutcome,
    Execution,
    ExecutionCancellation,
    ExecutionFailure,
    ExecutionObservability,
    ExecutionPage,
    ExecutionPhase,
    ExecutionStatus,
    ExecutionStep,
    ExecutionSummary,
    ExecutionSummaryWorkflow,
    FileDeletion,
    FileUploadAbort,
    FileUploadSession,
    Run,
    RunCancellation,
    RunCancelResult,
    RunEvent,
    RunEvents,
    RunPage,
    RunSteps,
    RunTrigger,
    RunType,
    StartedExecution,
    UploadedFile,
    Workflow,
    WorkflowKind,
    WorkflowPage,
    WorkflowTriggers,
    WorkflowVersion,
    WorkflowVersionPage,
)

from eigenpal_ext._fanout import RunOutcome
from eigenpal_ext._handle import AsyncExecutionHandle, ExecutionHandle
from eigenpal_ext._raw import RawResponse
from eigenpal_ext._results import ExecutionResult, RunResult
from eigenpal_ext._run_handle import AsyncRunHandle, RunHandle

__all__ = [
    "ApiKeyIdentity",
    "AsyncExecutionHandle",
    "AsyncRunHandle",
    "CancelOutcome",
    "Execution",
    "ExecutionCancellation",
    "ExecutionFailure",
    "ExecutionHandle",
    "ExecutionObservability",
    "ExecutionPage",
    "ExecutionPhase",
    "ExecutionResult",
    "ExecutionStatus",
    "ExecutionStep",
    "ExecutionSummary",
    "ExecutionSummaryWorkflow",
    "FileDeletion",
    "FileUploadAbort",
    "FileUploadSession",
    "RawResponse",
    "Run",
    "RunCancelResult",
    "RunCancellation",
    "RunEvent",
    "RunEvents",
    "RunHandle",
    "RunOutcome",
    "RunPage",
    "RunResult",
    "RunSteps",
    "RunTrigger",
    "RunType",
    "StartedExecution",
    "UploadedFile",
    "Workflow",
    "WorkflowKind",
    "WorkflowPage",
    "WorkflowTriggers",
    "WorkflowVersion",
    "WorkflowVersionPage",
]
