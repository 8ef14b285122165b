"""The workflows resource: ``client.workflows.list/get/versions/run`` (sync and async shells).

Each method checks its arguments and builds its request through ``_calls`` (shared by both shells),
then sends it with the requestor the client handed over (``_requestor``). ``client.workflows.executions`` is
the executions resource.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from eigenpal_api.models import (
    RunTrigger,
    Workflow,
    WorkflowKind,
    WorkflowPage,
    WorkflowVersionPage,
)

from eigenpal_ext import _calls, _paging
from eigenpal_ext._calls import RunRequest, check_hold
from eigenpal_ext._handle import AsyncExecutionHandle, ExecutionHandle
from eigenpal_ext._trigger import trigger_flow
from eigenpal_ext.executions import AsyncExecutions, Executions

if TYPE_CHECKING:
    from eigenpal_ext._requestor import AsyncRequestor, Requestor


class Workflows:
    """``client.workflows``: list, get, versions, run (and ``iter`` over every page).

    Each method here sends one request (``iter`` one per page): ``request_timeout_seconds`` bounds that
    request, retries included (default: the client's). It is not a wait's deadline: waiting for an
    execution (``executions.run_and_wait``/``wait``, a handle's ``wait``) takes ``timeout_seconds``, the
    deadline of the whole wait. ``list(limit=)`` is the size of the one page; ``iter(page_size=, max_items=)``
    sizes each request and caps how many items are yielded in all.
    """

    def __init__(self, requestor: Requestor) -> None:
        self._requestor = requestor
        self.executions = Executions(requestor)

    def list(
        self,
        *,
        search: str | None = None,
        name: str | None = None,
        kind: str | WorkflowKind | None = None,
        limit: int = 50,
        offset: int | None = None,
        request_timeout_seconds: float | None = None,
    ) -> WorkflowPage:
        """One page of the workflows this API key can access (``name`` exact slug, ``search`` substring)."""
        call = _calls.list_workflows_call(
            search=search, name=name, kind=kind, limit=limit, offset=offset,
            request_timeout_seconds=request_timeout_seconds,
        )  # fmt: skip
        return self._requestor.send(call)

    def iter(
        self,
        *,
        search: str | None = None,
        name: str | None = None,
        kind: str | WorkflowKind | None = None,
        page_size: int = 50,
        max_items: int | None = None,
        request_timeout_seconds: float | None = None,
    ) -> Iterator[Workflow]:
        """Every workflow matching the filters, across pages, fetched lazily.

        ``page_size`` (1..100) is the size of each request; ``max_items`` caps the number yielded.
        """
        pages = _paging.workflow_pages(
            search=search, name=name, kind=kind, request_timeout_seconds=request_timeout_seconds
        )
        return self._requestor.iterate(_paging.start(pages, page_size=page_size, max_items=max_items))

    def get(self, workflow_id: str, *, request_timeout_seconds: float | None = None) -> Workflow:
        """One workflow, by id or slug."""
        call = _calls.get_workflow_call(workflow_id, request_timeout_seconds=request_timeout_seconds)
        return self._requestor.send(call)

    def versions(
        self,
        workflow_id: str,
        *,
        limit: int = 50,
        offset: int | None = None,
        request_timeout_seconds: float | None = None,
    ) -> WorkflowVersionPage:
        """One page of the workflow's released versions, newest first."""
        call = _calls.list_versions_call(
            workflow_id, limit=limit, offset=offset, request_timeout_seconds=request_timeout_seconds
        )
        return self._requestor.send(call)

    def run(
        self,
        workflow_id: str,
        input: Mapping[str, Any] | None = None,
        *,
        version: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        trigger: str | RunTrigger | None = None,
        wait_for_completion: int | None = None,
        request_timeout_seconds: float | None = None,
        idempotency_key: str | None = None,
    ) -> ExecutionHandle:
        """Start an execution of ``workflow_id`` (an id like ``wf_abc123`` or a slug like ``extract-invoice``).

        Inputs are sent as JSON, or as multipart when a top-level input is a file (``Path``, binary handle,
        or ``{"content": bytes, "filename": str, "mime_type": str}``); files are streamed, never read into
        memory. ``version`` pins a version id, release tag or ``"latest"``; ``overrides`` replaces step
        outputs (``{"steps": {step_id: {...}}}``; the flat ``{step_id: {...}}`` form is accepted too);
        ``trigger`` is ``"api"`` (default) or ``"cli"``. ``wait_for_completion`` (0..60 s) asks the server to
        hold the request until the execution ends; the read timeout then grows by the hold plus a margin.

        Returns an ``ExecutionHandle``: the run's answer (a ``StartedExecution``: ``execution_id``;
        ``status``/``result``/``error`` when a hold saw the end) with ``wait()``, ``get()`` and ``cancel()``
        for the execution it started.

        If the connection fails after the request was sent, or the server answers 5xx, an execution may
        exist whose id never arrived: the error says so, as data too (``execution_may_exist``,
        ``workflow_id``, ``created_after``/``created_before``: where to list it). Every run carries an
        ``Idempotency-Key`` (``idempotency_key`` sets your own, e.g. to make a retry from another process
        safe; by default each call gets a fresh one). A run is sent again only when it certainly did not
        reach the server, on 429, or as the client's ``idempotent_runs`` permits: where keys are honoured
        (declared, or inferred from the server's answers) a run whose answer was lost is sent again with
        its key to recover the id (a held run without its hold); a 5xx is retried only with
        ``idempotent_runs=True``.
        """
        run = RunRequest(
            workflow_id, input, version=version, overrides=overrides, trigger=trigger,
            request_timeout_seconds=request_timeout_seconds, idempotency_key=idempotency_key,
        )  # fmt: skip
        flow = trigger_flow(run, self._requestor.context, hold=check_hold(wait_for_completion))
        return ExecutionHandle._of(self._requestor.run(flow), self._requestor)


class AsyncWorkflows:
    """``client.workflows`` of the async client: the same methods, awaited."""

    def __init__(self, requestor: AsyncRequestor) -> None:
        self._requestor = requestor
        self.executions = AsyncExecutions(requestor)

    async def list(
        self,
        *,
        search: str | None = None,
        name: str | None = None,
        kind: str | WorkflowKind | None = None,
        limit: int = 50,
        offset: int | None = None,
        request_timeout_seconds: float | None = None,
    ) -> WorkflowPage:
        """One page of the workflows this API key can access (``name`` exact slug, ``search`` substring)."""
        call = _calls.list_workflows_call(
            search=search, name=name, kind=kind, limit=limit, offset=offset,
            request_timeout_seconds=request_timeout_seconds,
        )  # fmt: skip
        return await self._requestor.send(call)

    def iter(
        self,
        *,
        search: str | None = None,
        name: str | None = None,
        kind: str | WorkflowKind | None = None,
        page_size: int = 50,
        max_items: int | None = None,
        request_timeout_seconds: float | None = None,
    ) -> AsyncIterator[Workflow]:
        """Every workflow matching the filters, across pages (``async for``); see the sync client."""
        pages = _paging.workflow_pages(
            search=search, name=name, kind=kind, request_timeout_seconds=request_timeout_seconds
        )
        return self._requestor.iterate(_paging.start(pages, page_size=page_size, max_items=max_items))

    async def get(self, workflow_id: str, *, request_timeout_seconds: float | None = None) -> Workflow:
        """One workflow, by id or slug."""
        call = _calls.get_workflow_call(workflow_id, request_timeout_seconds=request_timeout_seconds)
        return await self._requestor.send(call)

    async def versions(
        self,
        workflow_id: str,
        *,
        limit: int = 50,
        offset: int | None = None,
        request_timeout_seconds: float | None = None,
    ) -> WorkflowVersionPage:
        """One page of the workflow's released versions, newest first."""
        call = _calls.list_versions_call(
            workflow_id, limit=limit, offset=offset, request_timeout_seconds=request_timeout_seconds
        )
        return await self._requestor.send(call)

    async def run(
        self,
        workflow_id: str,
        input: Mapping[str, Any] | None = None,
        *,
        version: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        trigger: str | RunTrigger | None = None,
        wait_for_completion: int | None = None,
        request_timeout_seconds: float | None = None,
        idempotency_key: str | None = None,
    ) -> AsyncExecutionHandle:
        """Start an execution of ``workflow_id``; an ``AsyncExecutionHandle`` (arguments as in the sync client).

        The handle is the run's answer (``execution_id``, ...) with ``wait()``, ``get()`` and ``cancel()``
        awaited.
        """
        run = RunRequest(
            workflow_id, input, version=version, overrides=overrides, trigger=trigger,
            request_timeout_seconds=request_timeout_seconds, idempotency_key=idempotency_key,
        )  # fmt: skip
        flow = trigger_flow(run, self._requestor.context, hold=check_hold(wait_for_completion))
        return AsyncExecutionHandle._of(await self._requestor.run(flow), self._requestor)
