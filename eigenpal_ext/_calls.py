"""Every API call as data: ``Call``, a typed request with its parser attached, and the builders of the seven
operations. No I/O here.

A builder checks the user's arguments (``_checks``: ``ArgumentValueError``/``ArgumentTypeError`` before any
request), asks the generated ``eigenpal_api`` operation for the request's path and query (its
``_get_kwargs``: URL templates with encoded path parameters, query names, body models) and returns a
``Call``. Every builder takes ``request_timeout_seconds`` (None: the client's default), so the resources
only pass it on. A run is described once by ``RunRequest`` (its arguments and one ``Idempotency-Key`` for
every attempt), whose ``call(hold)`` builds each attempt. The clients only send a ``Call``
(``_requestor``), so both share every decision made here; how its answer is read is ``_answers``'.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import IO, Any, BinaryIO, Generic, NamedTuple, TypeVar, cast

import attrs
import httpx
from eigenpal_api.api.executions import cancel_execution, get_execution, list_executions
from eigenpal_api.api.workflows import get_workflow, list_workflow_versions, list_workflows, run_workflow
from eigenpal_api.models import (
    Execution,
    ExecutionCancellation,
    ExecutionPage,
    ExecutionStatus,
    IncludeSteps,
    RunTrigger,
    RunWorkflowBody,
    RunWorkflowMultipartBody,
    StartedExecution,
    Workflow,
    WorkflowKind,
    WorkflowPage,
    WorkflowVersionPage,
)
from eigenpal_api.types import UNSET, File

from eigenpal_ext import _config
from eigenpal_ext._answers import (
    Parser,
    TransportErrorConverter,
    execution_status_body,
    page_body,
    parser,
    run_parser,
    transport_error_converter,
)
from eigenpal_ext._checks import (
    check_choice,
    check_header_value,
    check_int,
    normalise_overrides,
    optional_request_timeout,
    optional_text,
    require_id,
)
from eigenpal_ext._errors import ArgumentTypeError
from eigenpal_ext._files import RunInputs, json_part, split_run_inputs
from eigenpal_ext._limits import DEADLINE_EXTENSION
from eigenpal_ext._retry import IDEMPOTENCY_HEADER, MAX_RETRIES_EXTENSION, REPEATABLE_EXTENSION
from eigenpal_ext._statuses import status_filter
from eigenpal_ext.dates import DateInput, date_range_query

T = TypeVar("T")
StatusFilter = str | ExecutionStatus | Sequence[str | ExecutionStatus] | None
RUN_TRIGGERS = tuple(member.value for member in RunTrigger)
WORKFLOW_KINDS = tuple(member.value for member in WorkflowKind)


@attrs.frozen
class Call(Generic[T]):
    """One request, typed, and what turns its answer into ``T``.

    ``method``/``path``/``params`` and the body (``json``, multipart ``parts``: httpx's ``files`` list, or raw
    ``content``: a binary handle streamed as it is, its length in ``headers``) are the request; ``headers`` are
    this request's own (a ``path`` on another origin never carries the API key: ``_urls``);
    ``idempotency_key`` goes out as the ``Idempotency-Key`` header; ``uploads`` are the
    handles this call opened for its parts (closed once the call is over, ``close``); ``hold_seconds`` asks
    the server to hold the answer (``wait_for_completion``) and lengthens the read timeout to match;
    ``request_timeout_seconds`` is this request's own timeout (None: the client's); ``max_retries``
    overrides the client's retries (the waiters poll with 0: they retry by themselves); ``repeatable`` marks a
    request that is not a GET but safe to send twice (an upload negotiation carrying its own key), which the
    transport then retries like one; ``deadline`` is
    the client-clock time after which the transport neither sends nor retries it. ``parse`` reads the
    response (or raises), ``on_transport_error`` converts what httpx raised while sending.
    """

    method: str
    path: str
    parse: Parser
    on_transport_error: TransportErrorConverter
    params: Mapping[str, Any] = attrs.field(factory=dict)
    json: Any = None
    parts: Sequence[tuple[str, Any]] | None = None
    content: IO[bytes] | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    idempotency_key: str | None = None
    uploads: tuple[IO[bytes], ...] = ()
    hold_seconds: int | None = None
    request_timeout_seconds: float | None = None
    max_retries: int | None = None
    deadline: float | None = None
    repeatable: bool = False

    @property
    def request(self) -> dict[str, Any]:
        """The request as ``httpx.Client.request`` takes it: ``method``, ``url`` (the path), and ``params``,
        ``headers``, ``json`` or ``files`` when there are any."""
        request: dict[str, Any] = {"method": self.method, "url": self.path}
        params = dict(self.params)
        if self.hold_seconds is not None:
            params["wait_for_completion"] = self.hold_seconds
        if params:  # even an empty ``params`` makes httpx rebuild and re-parse the URL; most calls have none
            request["params"] = params
        if self.idempotency_key is not None or self.headers:
            headers = dict(self.headers)
            if self.idempotency_key is not None:
                headers[IDEMPOTENCY_HEADER] = self.idempotency_key
            request["headers"] = headers
        if self.parts is not None:
            request["files"] = self.parts
        elif self.content is not None:
            request["content"] = self.content
        elif self.json is not None:
            request["json"] = self.json
        return request

    def timeout(self, default: httpx.Timeout) -> httpx.Timeout | None:
        """This request's timeout given the client's ``default``; None when it is the default unchanged.

        A held request (``hold_seconds``) reads for the hold plus ``HOLD_READ_TIMEOUT_MARGIN_SECONDS``: the
        server answers once the window closes, and the execution id must not be lost to a read timeout.
        """
        if self.request_timeout_seconds is None and self.hold_seconds is None:
            return None
        base = default if self.request_timeout_seconds is None else httpx.Timeout(self.request_timeout_seconds)
        if self.hold_seconds is None:
            return base
        held_read = self.hold_seconds + _config.HOLD_READ_TIMEOUT_MARGIN_SECONDS
        read = base.read if base.read is None else max(base.read, held_read)
        return httpx.Timeout(connect=base.connect, read=read, write=base.write, pool=base.pool)

    def send_arguments(self, default_timeout: httpx.Timeout) -> dict[str, Any]:
        """Everything ``httpx.Client.request`` is given: the request, its timeout, and the retry override and
        deadline as request extensions (read by the retry transport)."""
        arguments = self.request
        timeout = self.timeout(default_timeout)
        if timeout is not None:
            arguments["timeout"] = timeout
        extensions: dict[str, object] = {}
        if self.max_retries is not None:
            extensions[MAX_RETRIES_EXTENSION] = self.max_retries
        if self.deadline is not None:
            extensions[DEADLINE_EXTENSION] = self.deadline
        if self.repeatable:
            extensions[REPEATABLE_EXTENSION] = True
        if extensions:
            arguments["extensions"] = extensions
        return arguments

    def close(self) -> None:
        """Close the handles this call opened."""
        for handle in self.uploads:
            handle.close()


def _call(
    generated: dict[str, Any], parse: Parser, on_transport_error: TransportErrorConverter, **typed: Any
) -> Call[Any]:
    """A ``Call`` from a generated operation's request (``_get_kwargs``): its method, path, query and body."""
    return Call(
        generated["method"].upper(),
        generated["url"],
        parse,
        on_transport_error,
        params=generated.get("params") or {},
        json=generated.get("json"),
        parts=generated.get("files"),
        **typed,
    )


def _or_unset(value: Any) -> Any:
    return UNSET if value is None else value


# --- the seven operations ---------------------------------------------------------------------------------


def list_workflows_call(
    *,
    search: str | None,
    name: str | None,
    kind: str | WorkflowKind | None,
    limit: int,
    offset: int | None,
    request_timeout_seconds: float | None = None,
) -> Call[WorkflowPage]:
    generated = list_workflows._get_kwargs(
        search=_or_unset(optional_text(search, "search")),
        name=_or_unset(optional_text(name, "name")),
        kind=UNSET if kind is None else WorkflowKind(check_choice(kind, "kind", WORKFLOW_KINDS)),
        limit=check_int(limit, "limit", minimum=1, maximum=_config.MAX_PAGE_SIZE),
        offset=UNSET if offset is None else check_int(offset, "offset", minimum=0),
    )
    return _call(
        generated, parser(WorkflowPage, reader=page_body), transport_error_converter(),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
    )  # fmt: skip


def get_workflow_call(workflow_id: str, *, request_timeout_seconds: float | None = None) -> Call[Workflow]:
    generated = get_workflow._get_kwargs(require_id(workflow_id, "workflow_id"))
    return _call(
        generated, parser(Workflow), transport_error_converter(),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
    )  # fmt: skip


def list_versions_call(
    workflow_id: str, *, limit: int, offset: int | None, request_timeout_seconds: float | None = None
) -> Call[WorkflowVersionPage]:
    generated = list_workflow_versions._get_kwargs(
        require_id(workflow_id, "workflow_id"),
        limit=check_int(limit, "limit", minimum=1, maximum=_config.MAX_PAGE_SIZE),
        offset=UNSET if offset is None else check_int(offset, "offset", minimum=0),
    )
    return _call(
        generated, parser(WorkflowVersionPage, reader=page_body), transport_error_converter(),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
    )  # fmt: skip


def get_execution_call(
    execution_id: str,
    *,
    include_steps: bool = False,
    request_timeout_seconds: float | None = None,
    max_retries: int | None = None,
) -> Call[Execution]:
    execution_id = require_id(execution_id, "execution_id")
    if not isinstance(include_steps, bool):
        raise ArgumentTypeError("include_steps", f"must be a bool, got {type(include_steps).__name__}")
    generated = get_execution._get_kwargs(execution_id, include_steps=IncludeSteps.TRUE if include_steps else UNSET)
    return _call(
        generated,
        parser(Execution, execution_id=execution_id, reader=execution_status_body),
        transport_error_converter(execution_id=execution_id),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
        max_retries=max_retries,
    )


def list_executions_call(
    workflow_id: str,
    *,
    status: StatusFilter,
    from_date: DateInput | None,
    to_date: DateInput | None,
    example_id: str | None,
    limit: int,
    offset: int | None,
    request_timeout_seconds: float | None = None,
) -> Call[ExecutionPage]:
    from_text, to_text = date_range_query(from_date, to_date)
    generated = list_executions._get_kwargs(
        require_id(workflow_id, "workflow_id"),
        status=_or_unset(status_filter(status)),
        from_date=_or_unset(from_text),
        to_date=_or_unset(to_text),
        example_id=_or_unset(optional_text(example_id, "example_id")),
        # No upper cap: the API documents none for this list; the server answers what it allows.
        limit=check_int(limit, "limit", minimum=1),
        offset=UNSET if offset is None else check_int(offset, "offset", minimum=0),
    )
    return _call(
        generated, parser(ExecutionPage, reader=page_body), transport_error_converter(),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
    )  # fmt: skip


def cancel_execution_call(
    execution_id: str, *, request_timeout_seconds: float | None = None, max_retries: int | None = None
) -> Call[ExecutionCancellation]:
    execution_id = require_id(execution_id, "execution_id")
    return _call(
        cancel_execution._get_kwargs(execution_id),
        parser(ExecutionCancellation, execution_id=execution_id),
        transport_error_converter(execution_id=execution_id),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
        max_retries=max_retries,
    )


def new_idempotency_key() -> str:
    """A fresh key for one logical run (a server that does not honour keys ignores it)."""
    return uuid.uuid4().hex


def _idempotency_key(key: str | None) -> str:
    return new_idempotency_key() if key is None else check_header_value(key, "idempotency_key")


def _trigger(trigger: str | RunTrigger | None) -> str | None:
    return None if trigger is None else check_choice(trigger, "trigger", RUN_TRIGGERS)


def _workflow_id(value: str) -> str:
    return require_id(value, "workflow_id")


def _version(value: str | None) -> str | None:
    return optional_text(value, "version")


class RunLookup(NamedTuple):
    """What names a run whose id may be lost, for its error: the v1 route's ``workflow_id``, or the runs API's
    ``target`` (``workflows.extract-invoice``)."""

    workflow_id: str | None = None
    target: str | None = None

    @property
    def name(self) -> str:
        """The target, else the workflow id (for log lines)."""
        return self.target or self.workflow_id or "?"


@attrs.frozen
class RunRequest:
    """One logical run, its arguments checked when it is made (before anything is sent), and the
    ``Idempotency-Key`` of all its attempts: the caller's, or a fresh one.

    ``call(hold)`` builds one attempt: held ``hold`` seconds (``wait_for_completion``), or not held (None).
    Inputs are JSON, or multipart when a top-level input is a file (``_files``); a file is opened by each
    attempt and streamed, never read into memory.
    """

    workflow_id: str = attrs.field(converter=_workflow_id)
    inputs: RunInputs = attrs.field(default=None, converter=split_run_inputs)
    version: str | None = attrs.field(default=None, converter=_version)
    overrides: dict[str, Any] | None = attrs.field(default=None, converter=normalise_overrides)
    trigger: str | None = attrs.field(default=None, converter=_trigger)
    request_timeout_seconds: float | None = attrs.field(default=None, converter=optional_request_timeout)
    idempotency_key: str = attrs.field(default=None, converter=_idempotency_key)

    @property
    def uploads_files(self) -> bool:
        """Whether the run sends files (a multipart body): sending it again uploads them again."""
        return bool(self.inputs.files)

    @property
    def lookup(self) -> RunLookup:
        """What names this run on an error whose execution id is lost: its workflow."""
        return RunLookup(workflow_id=self.workflow_id)

    def call(self, hold: int | None = None, *, deadline: float | None = None) -> Call[StartedExecution]:
        """The request of one attempt, with this run's key; ``deadline`` as in ``Call``."""
        body: RunWorkflowBody | RunWorkflowMultipartBody
        opened: list[IO[bytes]] = []
        if self.inputs.files:
            text = json_part(self.inputs, self.overrides, self.trigger)
            body = RunWorkflowMultipartBody(field_json=UNSET if text is None else text)
            try:
                for file_input in self.inputs.files:
                    handle, owned = file_input.open()
                    if owned:
                        opened.append(handle)
                    # httpx only needs read/seek/fileno; BinaryIO is the generated File's over-narrow annotation.
                    body[file_input.key] = File(
                        payload=cast(BinaryIO, handle), file_name=file_input.filename, mime_type=file_input.mime_type
                    )
            except BaseException:
                for handle in opened:
                    handle.close()
                raise
        else:
            payload: dict[str, Any] = {}
            if self.inputs.json_inputs is not None:
                payload["input"] = self.inputs.json_inputs
            if self.overrides is not None:
                payload["overrides"] = self.overrides
            if self.trigger is not None:
                payload["trigger"] = self.trigger
            body = RunWorkflowBody.from_dict(payload)
        generated = run_workflow._get_kwargs(self.workflow_id, body=body, version=_or_unset(self.version))
        return _call(
            generated, run_parser, transport_error_converter(creates_execution=True),
            idempotency_key=self.idempotency_key, uploads=tuple(opened), hold_seconds=hold,
            request_timeout_seconds=self.request_timeout_seconds, deadline=deadline,
        )  # fmt: skip


def check_hold(wait_for_completion: object) -> int | None:
    """``workflows.run(wait_for_completion=)``: None, or 0..60 seconds."""
    if wait_for_completion is None:
        return None
    return check_int(wait_for_completion, "wait_for_completion", minimum=0, maximum=_config.MAX_SERVER_HOLD_SECONDS)
