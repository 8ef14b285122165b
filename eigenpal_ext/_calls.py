"""Every API call as data: arguments checked, request built, response parser attached. No I/O here.

Each builder below validates the user's arguments (raising ``ValueError``/``TypeError`` before any
request), asks the generated ``eigenpal_api`` operation for its request (URL, encoded path parameters,
query, body) and returns a ``Call``. The sync and async clients only send it (``_send.py``), so both
share every decision made here.

Why the generated ``_get_kwargs`` and not ``sync_detailed``: the generated parsers decode error bodies
strictly (a malformed envelope raises ``KeyError``/``JSONDecodeError``) and return ``None`` for an
undocumented 2xx. The request half of the generated code is sound, so it is reused; responses are parsed
here, where anything unusable becomes a typed ``EigenpalError``.
"""

from __future__ import annotations

import difflib
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import IO, Any, BinaryIO, Generic, Protocol, TypeVar, cast

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
from eigenpal_api.types import UNSET, File, Unset, remember_request_id

from eigenpal_ext import _config
from eigenpal_ext._errors import EigenpalConnectionError, EigenpalError
from eigenpal_ext._files import check_encodable, check_json_value, json_part, split_run_inputs
from eigenpal_ext._limits import DEADLINE_EXTENSION, ResponseTooLarge, check_request_timeout
from eigenpal_ext._response_errors import (
    error_from_oversized,
    error_from_response,
    is_wrong_host_answer,
    unusable_success_response,
)
from eigenpal_ext._retry import IDEMPOTENCY_HEADER, MAX_RETRIES_EXTENSION
from eigenpal_ext._transport_errors import error_from_transport
from eigenpal_ext.dates import DateInput, date_range_query

T = TypeVar("T")
# What may travel in an HTTP header value that this client builds from an argument: visible ASCII.
_HEADER_SAFE_RE = re.compile(r"[\x21-\x7e]+")
MAX_IDEMPOTENCY_KEY_CHARS = 255
KNOWN_STATUSES: tuple[str, ...] = tuple(member.value for member in ExecutionStatus)


class _Model(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Any: ...


@attrs.frozen
class Call(Generic[T]):
    """A request ready to send and the function that turns its response into ``T`` (or raises)."""

    request: dict[str, Any]
    parse: Callable[[httpx.Response], T]
    on_transport_error: Callable[[httpx.HTTPError], EigenpalError]
    timeout: httpx.Timeout | None = None
    max_retries: int | None = None
    # The client-clock time after which the transport must not sleep for a retry (see _retry.py).
    deadline: float | None = None
    # Handles this call opened (Path inputs, spooled pipes); closed once the call is over.
    opened: tuple[IO[bytes], ...] = ()

    def httpx_kwargs(self) -> dict[str, Any]:
        kwargs = dict(self.request)
        if not kwargs.get("params"):
            # Even an empty ``params`` makes httpx rebuild and re-parse the URL; most calls have none.
            kwargs.pop("params", None)
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        extensions: dict[str, object] = {}
        if self.max_retries is not None:
            extensions[MAX_RETRIES_EXTENSION] = self.max_retries
        if self.deadline is not None:
            extensions[DEADLINE_EXTENSION] = self.deadline
        if extensions:
            kwargs["extensions"] = extensions
        return kwargs

    def close(self) -> None:
        for handle in self.opened:
            handle.close()


# --- argument checks (pure; each names the argument and what it accepts) ---------------------------------


def require_id(value: object, argument: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{argument} must be a non-empty string, got {value!r}")
    return check_encodable(value, argument)


def check_header_value(value: object, argument: str, *, max_chars: int = MAX_IDEMPOTENCY_KEY_CHARS) -> str:
    """A value sent as an HTTP header: 1..max_chars visible ASCII characters (no spaces, CR, LF, NUL...)."""
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a string, got {type(value).__name__}")
    if not _HEADER_SAFE_RE.fullmatch(value) or len(value) > max_chars:
        raise ValueError(
            f"{argument} must be 1 to {max_chars} visible ASCII characters (letters, digits, punctuation; "
            f"no spaces or control characters), got {value[:80]!r}"
        )
    return value


def check_flag(value: object, argument: str) -> bool:
    """Boolean switches take only True or False: a truthy string such as "no" must not turn one on."""
    if not isinstance(value, bool):
        raise TypeError(f"{argument} must be True or False, got {value!r} ({type(value).__name__})")
    return value


def check_callback(value: object, argument: str) -> None:
    if value is not None and not callable(value):
        raise TypeError(f"{argument} must be a function (or None), got {type(value).__name__}")


def check_int(value: object, argument: str, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{argument} must be an int, got {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        accepted = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
        raise ValueError(f"{argument} must be in {accepted}, got {value}")
    return value


def check_choice(value: object, argument: str, choices: type[Enum]) -> str:
    accepted = [member.value for member in choices]
    if not isinstance(value, str) or value not in accepted:
        raise ValueError(f"{argument}={value!r} is not one of {accepted}")
    return value


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
        raise TypeError(
            f"status must be an execution status or a list of them (e.g. 'running' or ['failed', 'rejected']), "
            f"got {type(status).__name__}"
        )
    items = [status] if isinstance(status, str) else list(status)
    if not items:
        return None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"status must be a str or a list of str, got an item of type {type(item).__name__}")
        if item in KNOWN_STATUSES:
            continue
        if not item or "," in item:
            raise ValueError(f"status={item!r} is not a status: pass several statuses as a list, each non-empty")
        near = _near_miss(item)
        if near is not None:
            raise ValueError(
                f"status={item!r} is not an execution status; did you mean {near!r}? "
                f"(known: {', '.join(KNOWN_STATUSES)}; other values are sent to the server as given)"
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


def normalise_overrides(overrides: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``{"steps": {step: {...}}}`` as the API wants it; the flat ``{step: {...}}`` of some docs is wrapped."""
    if overrides is None:
        return None
    if not isinstance(overrides, Mapping):
        raise TypeError(f"overrides must be a mapping, got {type(overrides).__name__}")
    steps = overrides["steps"] if set(overrides) == {"steps"} else overrides
    if not isinstance(steps, Mapping):
        raise TypeError("overrides['steps'] must map step ids to their replacement outputs")
    for step_id, output in steps.items():
        if not isinstance(output, Mapping):
            raise TypeError(f"overrides['steps'][{step_id!r}] must be a mapping (the step's replacement output)")
    return {"steps": check_json_value(dict(steps), "overrides['steps']", depth=3)}


# --- timeouts ---------------------------------------------------------------------------------------------


def call_timeout(
    request_timeout_seconds: float | None, default: httpx.Timeout, *, hold_seconds: int | None = None
) -> httpx.Timeout | None:
    """The per-call timeout: an override for every phase, and room for a server hold on the read."""
    if request_timeout_seconds is not None:
        base = httpx.Timeout(check_request_timeout(request_timeout_seconds))
    elif hold_seconds is None:
        return None
    else:
        base = default
    if hold_seconds is None:
        return base
    held_read = hold_seconds + _config.HOLD_READ_TIMEOUT_MARGIN_SECONDS
    read = base.read if base.read is None else max(base.read, held_read)
    return httpx.Timeout(connect=base.connect, read=read, write=base.write, pool=base.pool)


# --- response parsing -------------------------------------------------------------------------------------


def parser(
    model: type[_Model],
    *,
    execution_id: str | None = None,
    reader: Callable[[dict[str, Any]], Mapping[str, Any]] | None = None,
) -> Callable[[httpx.Response], Any]:
    """Any 2xx with a body matching ``model`` → the model; anything else → a typed error.

    The model keeps the body as received (``raw``) and the answer's ``x-request-id`` (``request_id``; a
    page's items too).

    ``reader`` adapts a body shape the API may also send to the one ``model`` reads (see
    ``execution_status_body``); the model's ``raw`` is still the body as received.
    """

    def parse(response: httpx.Response) -> Any:
        if not response.is_success:
            raise error_from_response(response, execution_id=execution_id)
        try:
            data = response.json()
        except ValueError as exc:
            raise unusable_success_response(
                response, reason=f"the body is not JSON ({exc})", execution_id=execution_id
            ) from exc
        except RecursionError as exc:
            raise unusable_success_response(
                response, reason="the JSON is nested too deeply to read", execution_id=execution_id
            ) from exc
        if not isinstance(data, dict):
            raise unusable_success_response(
                response, reason=f"expected a JSON object, got {type(data).__name__}", execution_id=execution_id
            )
        try:
            parsed = model.from_dict(data if reader is None else reader(data))
        except (KeyError, ValueError, TypeError, AttributeError, RecursionError) as exc:
            reason = f"{model.__name__} could not be read ({type(exc).__name__}: {exc})"
            raise unusable_success_response(response, reason=reason, execution_id=execution_id) from exc
        parsed.raw = data
        remember_request_id(parsed, response.headers.get("x-request-id"))
        return parsed

    return parse


def execution_status_body(data: dict[str, Any]) -> Mapping[str, Any]:
    """Get-execution's second shape, ``ExecutionSummary`` (keyed by ``id``), read as a status: ``id`` is the id.

    The API declares its answer as either shape; the status model keys on ``executionId``. The summary's own
    keys (``id``, ``workflowId``, ...) stay in ``additional_properties``.
    """
    if "executionId" not in data and isinstance(data.get("id"), str):
        return {**data, "executionId": data["id"]}
    return data


def page_body(data: dict[str, Any]) -> Mapping[str, Any]:
    """A list answer's ``total``/``limit``/``offset`` as integers: paging and the command line do arithmetic on them.

    An integral float (``57.0``) is read as the integer it is; anything else (``"lots"``, ``true``, ``null``) is
    not a count, and the answer is refused as unusable (``EigenpalResponseError``, an API error) instead of
    failing later with a ``TypeError`` in the caller's code.
    """
    counts: dict[str, int] = {}
    for name in ("total", "limit", "offset"):
        if name not in data:
            continue  # the model says whether the field is required
        value = data[name]
        if isinstance(value, float) and value.is_integer():
            counts[name] = int(value)
        elif isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name!r} is {value!r}, not a whole number")
    return {**data, **counts} if counts else data


def transport_errors(
    *, execution_id: str | None = None, workflow_id: str | None = None, execution_may_exist: bool = False
) -> Callable[[httpx.HTTPError], EigenpalError]:
    """Turns whatever httpx raised while sending into an ``EigenpalError`` carrying what is known."""

    def convert(exc: httpx.HTTPError) -> EigenpalError:
        if isinstance(exc, ResponseTooLarge):
            return error_from_oversized(
                exc, execution_id=execution_id, execution_may_exist=execution_may_exist, workflow_id=workflow_id
            )
        if isinstance(exc, httpx.TransportError):
            return error_from_transport(
                exc, execution_id=execution_id, execution_may_exist=execution_may_exist, workflow_id=workflow_id
            )
        # Redirect loops, undecodable content: the server answered, but not with anything usable.
        return EigenpalConnectionError(
            f"the request failed: {type(exc).__name__}: {exc}",
            execution_id=execution_id,
            request_sent=True,
            execution_may_exist=execution_may_exist,
        )

    return convert


# --- the seven operations ---------------------------------------------------------------------------------


def list_workflows_call(
    *,
    search: str | None,
    name: str | None,
    kind: str | WorkflowKind | None,
    limit: int,
    offset: int | None,
    timeout: httpx.Timeout | None,
) -> Call[WorkflowPage]:
    request = list_workflows._get_kwargs(
        search=_opt_str(search, "search"),
        name=_opt_str(name, "name"),
        kind=UNSET if kind is None else WorkflowKind(check_choice(kind, "kind", WorkflowKind)),
        limit=check_int(limit, "limit", minimum=1, maximum=100),
        offset=UNSET if offset is None else check_int(offset, "offset", minimum=0),
    )
    return Call(request, parser(WorkflowPage, reader=page_body), transport_errors(), timeout)


def get_workflow_call(workflow_id: str, *, timeout: httpx.Timeout | None) -> Call[Workflow]:
    request = get_workflow._get_kwargs(require_id(workflow_id, "workflow_id"))
    return Call(request, parser(Workflow), transport_errors(), timeout)


def list_versions_call(
    workflow_id: str, *, limit: int, offset: int | None, timeout: httpx.Timeout | None
) -> Call[WorkflowVersionPage]:
    request = list_workflow_versions._get_kwargs(
        require_id(workflow_id, "workflow_id"),
        limit=check_int(limit, "limit", minimum=1, maximum=100),
        offset=UNSET if offset is None else check_int(offset, "offset", minimum=0),
    )
    return Call(request, parser(WorkflowVersionPage, reader=page_body), transport_errors(), timeout)


def run_workflow_call(
    workflow_id: str,
    inputs: Mapping[str, Any] | None,
    *,
    version: str | None,
    overrides: Mapping[str, Any] | None,
    trigger: str | RunTrigger | None,
    wait_for_completion: int | None,
    request_timeout_seconds: float | None,
    default_timeout: httpx.Timeout,
    idempotency_key: str | None = None,
) -> Call[StartedExecution]:
    workflow_id = require_id(workflow_id, "workflow_id")
    if idempotency_key is not None:
        check_header_value(idempotency_key, "idempotency_key")
    hold = (
        None
        if wait_for_completion is None
        else check_int(wait_for_completion, "wait_for_completion", minimum=0, maximum=_config.MAX_SERVER_HOLD_SECONDS)
    )
    trigger_value = None if trigger is None else check_choice(trigger, "trigger", RunTrigger)
    steps = normalise_overrides(overrides)
    run_inputs = split_run_inputs(inputs)
    timeout = call_timeout(request_timeout_seconds, default_timeout, hold_seconds=hold)

    body: RunWorkflowBody | RunWorkflowMultipartBody
    opened: list[IO[bytes]] = []
    if run_inputs.files:
        text = json_part(run_inputs, steps, trigger_value)
        body = RunWorkflowMultipartBody(field_json=UNSET if text is None else text)
        try:
            for file_input in run_inputs.files:
                handle, owned = file_input.open()
                if owned:
                    opened.append(handle)
                # httpx only needs read/seek/fileno; BinaryIO is the generated File's over-narrow annotation.
                stream = cast(BinaryIO, handle)
                body[file_input.key] = File(
                    payload=stream, file_name=file_input.filename, mime_type=file_input.mime_type
                )
        except BaseException:
            for handle in opened:
                handle.close()
            raise
    else:
        payload: dict[str, Any] = {}
        if run_inputs.json_inputs is not None:
            payload["input"] = run_inputs.json_inputs
        if steps is not None:
            payload["overrides"] = steps
        if trigger_value is not None:
            payload["trigger"] = trigger_value
        body = RunWorkflowBody.from_dict(payload)

    request = run_workflow._get_kwargs(
        workflow_id,
        body=body,
        version=_opt_str(version, "version"),
        wait_for_completion=UNSET if hold is None else hold,
    )

    # One key per logical run, the same on every attempt: a server that deduplicates by it turns a retry
    # into "give me the execution you created" (see _retry.py); servers that don't simply ignore it.
    request["headers"][IDEMPOTENCY_HEADER] = idempotency_key or uuid.uuid4().hex
    on_transport_error = transport_errors(workflow_id=workflow_id, execution_may_exist=True)
    return Call(request, _run_parser(workflow_id), on_transport_error, timeout, opened=tuple(opened))


def _run_parser(workflow_id: str) -> Callable[[httpx.Response], StartedExecution]:
    parse_model = parser(StartedExecution)

    def parse(response: httpx.Response) -> StartedExecution:
        try:
            parsed: StartedExecution = parse_model(response)
            if not isinstance(parsed.execution_id, str) or not parsed.execution_id.strip():
                reason = f"executionId is {parsed.execution_id!r}, not an execution id"
                raise unusable_success_response(response, reason=reason)
        except EigenpalError as exc:
            if response.is_success and not is_wrong_host_answer(response):
                # The server accepted the run, so an execution exists even though the body was not usable.
                # (Not for a web page: that answer came from the wrong host, which started nothing.)
                known_id = _execution_id_in(response)
                if known_id is not None:
                    exc.execution_id = exc.execution_id or known_id
                    exc.message += f"; the run was accepted as execution {known_id}"
                else:
                    exc.execution_may_exist = True
                    exc.message += (
                        f"; the run was accepted, so an execution exists: find it with "
                        f"client.workflows.executions.list({workflow_id!r}, from_date='now()-10m')"
                    )
            raise
        return parsed

    return parse


def _execution_id_in(response: httpx.Response) -> str | None:
    """The ``executionId`` an unusable run answer still carried, if it carried a usable one."""
    try:
        data = response.json()
    except (ValueError, RecursionError):
        return None
    value = data.get("executionId") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def get_execution_call(
    execution_id: str, *, include_steps: bool, timeout: httpx.Timeout | None, max_retries: int | None = None
) -> Call[Execution]:
    execution_id = require_id(execution_id, "execution_id")
    if not isinstance(include_steps, bool):
        raise TypeError(f"include_steps must be a bool, got {type(include_steps).__name__}")
    request = get_execution._get_kwargs(execution_id, include_steps=IncludeSteps.TRUE if include_steps else UNSET)
    return Call(
        request,
        parser(Execution, execution_id=execution_id, reader=execution_status_body),
        transport_errors(execution_id=execution_id),
        timeout,
        max_retries,
    )


def list_executions_call(
    workflow_id: str,
    *,
    status: str | ExecutionStatus | Sequence[str | ExecutionStatus] | None,
    from_date: DateInput | None,
    to_date: DateInput | None,
    example_id: str | None,
    limit: int,
    offset: int | None,
    timeout: httpx.Timeout | None,
) -> Call[ExecutionPage]:
    from_text, to_text = date_range_query(from_date, to_date)
    request = list_executions._get_kwargs(
        require_id(workflow_id, "workflow_id"),
        status=_or_unset(status_filter(status)),
        from_date=_or_unset(from_text),
        to_date=_or_unset(to_text),
        example_id=_opt_str(example_id, "example_id"),
        # No upper cap: the API documents none for this list; the server answers what it allows.
        limit=check_int(limit, "limit", minimum=1),
        offset=UNSET if offset is None else check_int(offset, "offset", minimum=0),
    )
    return Call(request, parser(ExecutionPage, reader=page_body), transport_errors(), timeout)


def cancel_execution_call(execution_id: str, *, timeout: httpx.Timeout | None) -> Call[ExecutionCancellation]:
    execution_id = require_id(execution_id, "execution_id")
    request = cancel_execution._get_kwargs(execution_id)
    return Call(
        request,
        parser(ExecutionCancellation, execution_id=execution_id),
        transport_errors(execution_id=execution_id),
        timeout,
    )


def _opt_str(value: object, argument: str) -> str | Unset:
    if value is None:
        return UNSET
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a string, got {type(value).__name__}")
    return check_encodable(value, argument)


def _or_unset(value: str | None) -> str | Unset:
    return UNSET if value is None else value
