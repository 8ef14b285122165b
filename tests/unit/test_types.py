"""``eigenpal_ext.types``: the public type names, pinned (issue 18, item 9).

Adding or removing a name is a deliberate act: update ``EXPECTED`` here in the same change. Each name is
the class itself, its class has that very name (the schemas in ``openapi.yaml`` are named so, no
``...Response``), the module docstring says which answer each one is, and the return types of the
client's calls are these classes: the ``assert_type`` lines are checked by ``make typecheck`` (mypy
--strict), and at run time the values are instances of them.
"""

from __future__ import annotations

from typing import assert_type

import eigenpal_api.models
import httpx

import eigenpal_ext
from eigenpal_ext import types
from tests.support import Recorder, make_client

EXPECTED = [
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
OWN = {"AsyncExecutionHandle", "AsyncRunHandle", "ExecutionHandle", "ExecutionResult", "RawResponse", "RunHandle",
       "RunOutcome", "RunResult"}  # fmt: skip


def test_the_names_are_pinned() -> None:
    assert list(types.__all__) == EXPECTED
    namespace: dict[str, object] = {}
    exec("from eigenpal_ext.types import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(EXPECTED)


def test_each_name_is_the_class_of_that_name() -> None:
    for name in EXPECTED:
        cls = getattr(types, name)
        assert isinstance(cls, type)
        assert cls.__name__ == name  # what reprs, tracebacks and type checkers show
        if name in OWN:
            assert cls is getattr(eigenpal_ext, name)
            assert cls.__module__ == "eigenpal_ext"  # the @public name, not eigenpal_ext._polling
        else:
            assert cls is getattr(eigenpal_api.models, name)


def test_no_public_model_is_named_after_an_http_response() -> None:
    generated = [name for name in eigenpal_api.models.__all__ if name.endswith("Response")]
    assert generated == []


def test_the_docstring_names_every_type_and_its_answer() -> None:
    doc = types.__doc__ or ""
    bullets = [line for line in doc.splitlines() if line.startswith("- ``")]
    for name in EXPECTED:
        assert any(f"``{name}``" in line for line in bullets), f"{name} is not on a line of the docstring's lists"
    assert all(line.partition("``: ")[2] for line in bullets)  # each says what it is, after the names


def test_the_clients_return_these_types() -> None:
    with make_client(Recorder()) as client:
        page = assert_type(client.workflows.list(), types.WorkflowPage)
        workflow = assert_type(client.workflows.get("wf_1"), types.Workflow)
        versions = assert_type(client.workflows.versions("wf_1"), types.WorkflowVersionPage)
        handle = assert_type(client.workflows.run("wf_1"), types.ExecutionHandle)
        status = assert_type(client.workflows.executions.get("exec_1"), types.Execution)
        listed = assert_type(client.workflows.executions.list("wf_1"), types.ExecutionPage)
        cancel = assert_type(client.workflows.executions.cancel("exec_1"), types.ExecutionCancellation)
        for item in client.workflows.executions.iter("wf_1"):
            assert_type(item, types.ExecutionSummary)
    values = [page, workflow, versions, handle, status, listed, cancel]
    kinds = [types.WorkflowPage, types.Workflow, types.WorkflowVersionPage, types.ExecutionHandle, types.Execution]
    kinds += [types.ExecutionPage, types.ExecutionCancellation]
    assert all(isinstance(value, kind) for value, kind in zip(values, kinds, strict=True))
    assert isinstance(handle, types.StartedExecution)


def test_a_wait_returns_an_execution_result() -> None:
    def completed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"executionId": "exec_1", "status": "completed", "createdAt": "2026-01-01"})

    with make_client(completed) as client:
        result = assert_type(client.workflows.executions.wait("exec_1"), types.ExecutionResult)
        assert isinstance(result, types.ExecutionResult)
        assert isinstance(result.execution, types.Execution)


def test_the_runs_surface_returns_these_types() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        run = {"id": "exec_1", "finished": True, "execution": {"status": "completed"}}
        if path.endswith("/runs") and request.method == "GET":
            return httpx.Response(200, json={"runs": [run], "nextCursor": None})
        if path.endswith("/cancel"):
            return httpx.Response(200, json={"id": "exec_1"})
        if path.endswith("/steps"):
            return httpx.Response(200, json={"steps": []})
        if path.endswith("/events"):
            return httpx.Response(200, json={"events": []})
        if "/files" in path:
            return httpx.Response(200, json={"id": "file_1", "deleted": True})
        return httpx.Response(200, json=run)

    with make_client(answer) as client:
        values = [
            assert_type(client.runs.start("workflows.echo"), types.RunHandle),
            assert_type(client.runs.run_and_wait("workflows.echo"), types.RunResult),
            assert_type(client.runs.wait("exec_1"), types.RunResult),
            assert_type(client.runs.get("exec_1"), types.Run),
            assert_type(client.runs.list(), types.RunPage),
            assert_type(client.runs.cancel("exec_1"), types.RunCancelResult),
            assert_type(client.runs.steps("exec_1"), types.RunSteps),
            assert_type(client.runs.events("exec_1"), types.RunEvents),
            assert_type(client.files.get("file_1"), types.UploadedFile),
            assert_type(client.files.delete("file_1"), types.FileDeletion),
        ]
        for item in client.runs.iter():
            assert_type(item, types.Run)
    kinds = [types.RunHandle, types.RunResult, types.RunResult, types.Run, types.RunPage, types.RunCancelResult,
             types.RunSteps, types.RunEvents, types.UploadedFile, types.FileDeletion]  # fmt: skip
    assert all(isinstance(value, kind) for value, kind in zip(values, kinds, strict=True))
