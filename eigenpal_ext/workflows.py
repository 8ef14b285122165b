"""The workflows resource: ``client.workflows.list/get/versions/run`` (sync and async shells).

Each method checks its arguments and builds its request through ``_calls`` (shared by both shells),
then sends it with the requestor the client handed over (``_requestor``). ``client.workflows.executions`` is
the executions resource.
"""

from __future__ import annotations

import functools
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
from eigenpal_ext._raw import async_raw_method, raw_copy, raw_method
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

    @functools.cached_property
    def with_raw_response(self) -> WorkflowsWithRawResponse:
        """``list``, ``get``, ``versions`` returning the answer as a ``RawResponse`` (status, headers,
        request id, ``.parse()``)."""
        return WorkflowsWithRawResponse(self)

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
        """One page of the workflows this API key can access.

        Example:
            ```python
            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                page = client.workflows.list(search="invoice", limit=10)
                for workflow in page:
                    print(workflow.id, workflow.name)
            ```

        Args:
            search: Only workflows whose name contains this text.
            name: Only the workflow with exactly this slug.
            kind: Only workflows of this kind (a ``WorkflowKind`` or its value; other strings are sent as given).
            limit: The page's size (at least 1; the server may cap it).
            offset: How many workflows to skip.
            request_timeout_seconds: The deadline of this request, retries included (default: the client's).

        Returns:
            A ``WorkflowPage``: a sequence of ``Workflow`` (``len``, ``[i]``, ``for``) with ``total``.

        Raises:
            ArgumentValueError: An argument is invalid (``ArgumentTypeError``: of the wrong type); nothing is sent.
            EigenpalAuthError: The API key was refused (401).
            EigenpalError: Any other failure (see the errors reference).
        """
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

        The listing ends on an empty page or once the reported total is reached, so a server that caps its
        pages below ``page_size`` skips nothing.

        Args:
            search: Only workflows whose name contains this text.
            name: Only the workflow with exactly this slug.
            kind: Only workflows of this kind.
            page_size: The size of each request (1..100).
            max_items: Stop after this many workflows (None: all of them).
            request_timeout_seconds: The deadline of each page's request, retries included.

        Returns:
            An iterator of ``Workflow``; each page is requested when the previous one is used up.

        Raises:
            ArgumentValueError: An argument is invalid (raised by this call, before anything is sent).
            EigenpalError: A page could not be fetched (raised while iterating).
        """
        pages = _paging.workflow_pages(
            search=search, name=name, kind=kind, request_timeout_seconds=request_timeout_seconds
        )
        return self._requestor.iterate(_paging.start(pages, page_size=page_size, max_items=max_items))

    def get(self, workflow_id: str, *, request_timeout_seconds: float | None = None) -> Workflow:
        """One workflow, by id or slug.

        Args:
            workflow_id: The workflow's id (``wf_abc123``) or slug (``extract-invoice``).
            request_timeout_seconds: The deadline of this request, retries included (default: the client's).

        Returns:
            The ``Workflow``, with its input schema and (from today's servers) its YAML definition.

        Raises:
            EigenpalNotFoundError: No workflow has this id or slug, or the key cannot see it (404).
            EigenpalError: Any other failure.
        """
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
        """One page of the workflow's released versions, newest first.

        Args:
            workflow_id: The workflow's id or slug.
            limit: The page's size (at least 1; the server may cap it).
            offset: How many versions to skip.
            request_timeout_seconds: The deadline of this request, retries included (default: the client's).

        Returns:
            A ``WorkflowVersionPage``: a sequence of ``WorkflowVersion`` with ``total``.

        Raises:
            EigenpalNotFoundError: No such workflow (404).
            EigenpalError: Any other failure.
        """
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
        """Start an execution of a workflow; return a handle on it without waiting.

        Inputs are sent as JSON, or as multipart when a top-level input is a file; files are streamed, never
        read into memory. Every run carries an ``Idempotency-Key`` (a fresh one per call unless
        ``idempotency_key`` is given). A run is sent again only when it certainly did not reach the server, on
        429, or as the client's ``idempotent_runs`` permits: where keys are honoured (declared, or inferred from
        the server's answers) a run whose answer was lost is sent again with its key to recover the id (a held
        run without its hold); a 5xx is retried only with ``idempotent_runs=True``.

        Example:
            ```python
            from pathlib import Path

            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                handle = client.workflows.run("extract-invoice", {"contract_document": Path("contract.pdf")})
                print(handle.execution_id)
                final = handle.wait()
                print(final.status, final.result)
            ```

        Args:
            workflow_id: The workflow's id (``wf_abc123``) or slug (``extract-invoice``).
            input: The workflow's inputs. A top-level value that is a ``Path``, a binary file handle or
                ``{"content": bytes, "filename": str, "mime_type": str}`` is uploaded as a file.
            version: A version id, a release tag or ``"latest"`` (default: the workflow's current version).
            overrides: Step outputs to use instead of running those steps: ``{"steps": {step_id: {...}}}``
                (the flat ``{step_id: {...}}`` form is accepted too).
            trigger: ``"api"`` (default) or ``"cli"``: how the run is recorded.
            wait_for_completion: Ask the server to hold the request up to this many seconds (0..60) until the
                execution ends; the read timeout grows by the hold plus a margin.
            request_timeout_seconds: The deadline of this request, retries and the hold included.
            idempotency_key: Your own ``Idempotency-Key`` (e.g. to make a retry from another process safe).

        Returns:
            An ``ExecutionHandle``: the run's answer (``execution_id``; ``status``, ``result`` and ``error``
            when a hold saw the end) with ``wait()``, ``get()`` and ``cancel()`` for the execution.

        Raises:
            ArgumentValueError: An argument is invalid, or a file input cannot be read (nothing is sent).
            EigenpalValidationError: The server refused the inputs (400/422); no execution was created.
            EigenpalFileChangedError: A file input changed while it was being sent.
            EigenpalConnectionError: The connection failed. When the run may have reached the server,
                ``execution_may_exist`` is True and ``workflow_id``, ``created_after`` and ``created_before``
                say where to find it with ``executions.list``.
            EigenpalServerError: The server answered 5xx (an execution may exist, as above).
            EigenpalError: Any other failure.
        """
        run = RunRequest(
            workflow_id, input, version=version, overrides=overrides, trigger=trigger,
            request_timeout_seconds=request_timeout_seconds, idempotency_key=idempotency_key,
        )  # fmt: skip
        flow = trigger_flow(run, self._requestor.context, hold=check_hold(wait_for_completion))
        return ExecutionHandle._of(self._requestor.run(flow), self._requestor)


class AsyncWorkflows:
    """``client.workflows`` of the async client: the same methods, awaited."""

    @functools.cached_property
    def with_raw_response(self) -> AsyncWorkflowsWithRawResponse:
        """``list``, ``get``, ``versions`` returning the answer as a ``RawResponse`` (status, headers,
        request id, ``.parse()``)."""
        return AsyncWorkflowsWithRawResponse(self)

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
        """One page of the workflows this API key can access; ``Workflows.list``, awaited (the same arguments)."""
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
        """Every workflow matching the filters, across pages (``async for``); ``Workflows.iter``'s arguments."""
        pages = _paging.workflow_pages(
            search=search, name=name, kind=kind, request_timeout_seconds=request_timeout_seconds
        )
        return self._requestor.iterate(_paging.start(pages, page_size=page_size, max_items=max_items))

    async def get(self, workflow_id: str, *, request_timeout_seconds: float | None = None) -> Workflow:
        """One workflow, by id or slug; ``Workflows.get``, awaited."""
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
        """One page of the workflow's released versions, newest first; ``Workflows.versions``, awaited."""
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
        """Start an execution of ``workflow_id``; ``Workflows.run``, awaited (the same arguments).

        The handle is the run's answer (``execution_id``, ...) with ``wait()``, ``get()`` and ``cancel()``
        awaited.
        """
        run = RunRequest(
            workflow_id, input, version=version, overrides=overrides, trigger=trigger,
            request_timeout_seconds=request_timeout_seconds, idempotency_key=idempotency_key,
        )  # fmt: skip
        flow = trigger_flow(run, self._requestor.context, hold=check_hold(wait_for_completion))
        return AsyncExecutionHandle._of(await self._requestor.run(flow), self._requestor)


class WorkflowsWithRawResponse:
    """``client.workflows.with_raw_response`` (client): ``list``, ``get``, ``versions``, each returning a
    ``RawResponse`` (``status_code``, ``headers``, ``request_id``, ``parse()``) instead of the parsed answer;
    the same arguments, checks, retries and errors as the plain method."""

    def __init__(self, resource: Workflows) -> None:
        raw = raw_copy(resource)
        self.list = raw_method(raw.list)
        self.get = raw_method(raw.get)
        self.versions = raw_method(raw.versions)


class AsyncWorkflowsWithRawResponse:
    """``client.workflows.with_raw_response`` (async client): ``list``, ``get``, ``versions``, each returning a
    ``RawResponse`` (``status_code``, ``headers``, ``request_id``, ``parse()``) instead of the parsed answer;
    the same arguments, checks, retries and errors as the plain method."""

    def __init__(self, resource: AsyncWorkflows) -> None:
        raw = raw_copy(resource)
        self.list = async_raw_method(raw.list)
        self.get = async_raw_method(raw.get)
        self.versions = async_raw_method(raw.versions)
