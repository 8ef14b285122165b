"""The local server's HTTP API: EigenPal's workflows/executions v1 routes as a Starlette application.

Requests are routed on the *raw* path, one percent-decoded segment at a time, so an id containing an
encoded ``/`` (``%2F``) or ``?`` stays one id. The literal ``executions`` segment is matched before a
workflow id (the real API has both ``/workflows/{id}/versions`` and ``/workflows/executions/{id}``).

Every answer is JSON with an ``x-request-id`` header; errors use the API's envelope
(``issues``, ``requestId``). Order of checks: route (404, or 405 with ``Allow``), API key (401),
parameters and body against ``openapi.yaml`` (400, with field paths), then existence (404).

Beyond the contract, for clients that can use it: a run with an ``Idempotency-Key`` header is created
once per key and tenant (the same request sent again gets the same execution back, another request
with that key a 422), and the key is echoed in the response so a client knows it was honoured; the
server can also ignore keys, or echo them without honouring them (``_idempotency``). ``/admin/...``
routes (outside ``/api/v1``) approve or reject ``review`` executions and report counters; ``/healthz``
answers without a key.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import attrs
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from eigenpal_ext.dates import format_utc, resolve_date
from eigenpal_ext.testing._access_log import AccessLog
from eigenpal_ext.testing._asgi import Scope
from eigenpal_ext.testing._body_reads import BodyReadAborted, BodyReads
from eigenpal_ext.testing._engine import Engine
from eigenpal_ext.testing._faults import FaultInjector
from eigenpal_ext.testing._holds import Holds
from eigenpal_ext.testing._hosted import HostedGateway, HostedProfile
from eigenpal_ext.testing._idempotency import IdempotencyMode, request_fingerprint, same_request
from eigenpal_ext.testing._json_limits import MAX_JSON_BODY_BYTES, JsonTooDeep, JsonTooLarge, parse_request_json
from eigenpal_ext.testing._observability import duration_ms, observability
from eigenpal_ext.testing._spec import Issue, SpecValidator
from eigenpal_ext.testing._store import KNOWN_STATUSES, TERMINAL, Execution, NewExecution, Store, StoredFile
from eigenpal_ext.testing._uploads import MultipartRun, UploadError, read_multipart_run
from eigenpal_ext.testing._workflows import Workflow

DEFAULT_MAX_HOLDS_PER_TENANT = 32

logger = logging.getLogger("eigenpal_ext.testing")


@attrs.define
class ServerState:
    """Everything the handlers share; built by ``create_app`` and started by its lifespan."""

    store: Store
    engine: Engine
    workflows: Mapping[str, Workflow]
    validator: SpecValidator
    api_keys: Mapping[str, str]  # key → tenant
    max_upload_bytes: int
    hold_window_seconds: float
    body_read_timeout_seconds: float = 30.0
    idempotency_keys: IdempotencyMode = "honour"
    holds: Holds = attrs.field(factory=lambda: Holds(max_per_tenant=DEFAULT_MAX_HOLDS_PER_TENANT))
    hosted: HostedProfile | None = None  # the hosted service's gateway and page cap, when profiled
    access_log: bool = False  # one line per request on the eigenpal_ext.testing.access logger
    faults: FaultInjector | None = None
    body_reads: BodyReads | None = None
    idempotent_replays: int = 0  # all tenants (for tests); /admin/stats shows each tenant its own
    replays_by_tenant: Counter[str] = attrs.field(factory=Counter)


class ApiError(Exception):
    """An error answer: status plus issues (field, message, code)."""

    def __init__(self, status: int, issues: list[Issue], *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(issues[0].message if issues else str(status))
        self.status, self.issues, self.headers = status, issues, dict(headers or {})


def _issue(field: str, message: str, code: str) -> Issue:
    return Issue(field=field, message=message, code=code)


def envelope(request_id: str, issues: list[Issue], *, hint: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "issues": [{"field": i.field, "message": i.message, "code": i.code, "severity": "error"} for i in issues],
        "requestId": request_id,
    }
    if hint:
        body["hint"] = hint
    return body


def envelope_bytes(scope: Scope, status: int, code: str, message: str) -> bytes:
    request_id = scope.get("state", {}).get("request_id", "req_unknown")
    return json.dumps(envelope(request_id, [_issue("<root>", message, code)])).encode()


# --- JSON shapes of the API ---------------------------------------------------------------------------


# Every built-in workflow can be triggered from the API and by hand, as the v1 routes' `triggers` say.
WORKFLOW_TRIGGERS = {"api": True, "email": False, "manual": True, "cron": False}


def workflow_summary(workflow: Workflow) -> dict[str, Any]:
    current = workflow.current
    return {"id": workflow.id, "name": workflow.name, "version": current.tag, "apiEnabled": WORKFLOW_TRIGGERS["api"],
            "triggers": dict(WORKFLOW_TRIGGERS), "createdAt": "2026-01-05T09:00:00.000Z",
            "updatedAt": current.created_at}  # fmt: skip


def workflow_detail(workflow: Workflow) -> dict[str, Any]:
    """A workflow as ``GET /workflows/{id}`` answers: the summary plus its current YAML (not in lists)."""
    return {**workflow_summary(workflow), "yamlContent": workflow.current.yaml}


def execution_status(execution: Execution, *, include_steps: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "executionId": execution.id,
        "status": execution.status,
        "createdAt": execution.created_at,
        "completedAt": execution.completed_at,
    }
    if execution.result is not None:
        body["result"] = execution.result
    if execution.error is not None:
        body["error"] = execution.error
    body["observability"] = observability(execution)
    if include_steps:
        body.update(
            steps=execution.steps,
            overrides=execution.overrides,
            workflowId=execution.workflow_id,
            versionId=execution.version_id,
            startedAt=execution.started_at,
            triggerInput=execution.input,
            durationMs=duration_ms(execution),
        )
    return body


def execution_summary(execution: Execution) -> dict[str, Any]:
    return {
        "id": execution.id,
        "workflowId": execution.workflow_id,
        "status": execution.status,
        "triggerType": execution.trigger,
        "triggerInput": execution.input,
        "result": execution.result,
        "error": execution.error,
        "createdAt": execution.created_at,
        "startedAt": execution.started_at,
        "completedAt": execution.completed_at,
        "durationMs": duration_ms(execution),
        "workflow": {"id": execution.workflow_id, "name": execution.workflow_name},
        "observability": observability(execution),
    }


def page_limit(state: ServerState, requested: int) -> int:
    """The page size a list uses: ``limit`` as asked, or the hosted profile's cap when that is smaller."""
    return requested if state.hosted is None else min(requested, state.hosted.page_cap)


def page(items: list[dict[str, Any]], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"data": items, "total": total, "limit": limit, "offset": offset}


# --- routing ------------------------------------------------------------------------------------------

Handler = Callable[[Request, ServerState, str, list[str]], Awaitable[tuple[int, Any] | Response]]


API_LAYOUTS = (("api", "v1"), ("v1",))
"""The path prefixes the API is served under: ``/api/v1/...`` (studio.eigenpal.com, and the SDK 0.4.12 era)
and ``/v1/...`` (api.eigenpal.com). Both lead to the same handlers."""
API_PATH_PREFIXES = tuple("/" + "/".join(layout) + "/" for layout in API_LAYOUTS)


def route(segments: list[str]) -> tuple[dict[str, Handler], list[str]] | None:
    """The handlers by method for a decoded path, and the path parameters; None for an unknown path."""
    for layout in API_LAYOUTS:
        if tuple(segments[: len(layout)]) == layout:
            return _api_route(segments[len(layout) :])
    match segments:
        case ["admin", "executions", execution_id, ("approve" | "reject")]:
            return {"POST": review_decision}, [execution_id, segments[3]]
        case ["admin", "stats"]:
            return {"GET": admin_stats}, []
        case ["healthz"]:
            return {"GET": healthz}, []
    return None


def _api_route(segments: list[str]) -> tuple[dict[str, Handler], list[str]] | None:  # noqa: PLR0911 - one case a route
    """``route`` for the path after the API prefix (``workflows/...``)."""
    match segments:
        case ["workflows"]:
            return {"GET": list_workflows}, []
        case ["workflows", "executions", execution_id]:
            return {"GET": get_execution}, [execution_id]
        case ["workflows", "executions", execution_id, "cancel"]:
            return {"POST": cancel_execution}, [execution_id]
        case ["workflows", workflow_id]:
            return {"GET": get_workflow}, [workflow_id]
        case ["workflows", workflow_id, "versions"]:
            return {"GET": list_versions}, [workflow_id]
        case ["workflows", workflow_id, "run"]:
            return {"POST": run_workflow}, [workflow_id]
        case ["workflows", workflow_id, "executions"]:
            return {"GET": list_executions}, [workflow_id]
    return None


def decoded_segments(raw_path: bytes) -> list[str]:
    path = raw_path.split(b"?", 1)[0].decode("latin-1")
    return [unquote(segment, errors="strict") for segment in path.strip("/").split("/")] if path.strip("/") else []


MAX_REQUEST_HEAD_BYTES = 16 * 1024  # h11's limit on an incomplete head, applied to every request


def head_too_large(scope: Scope) -> ApiError | None:
    """414 for a request target, 431 for a request head (line and headers), past ``MAX_REQUEST_HEAD_BYTES``."""
    target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + 1
    if target > MAX_REQUEST_HEAD_BYTES:
        message = f"the request line is longer than {MAX_REQUEST_HEAD_BYTES} bytes"
        return ApiError(414, [_issue("request", message, "bad_request")])
    head = target + sum(len(name) + len(value) + 4 for name, value in scope.get("headers", []))
    if head > MAX_REQUEST_HEAD_BYTES:
        message = f"the request line and headers are longer than {MAX_REQUEST_HEAD_BYTES} bytes"
        return ApiError(431, [_issue("request", message, "bad_request")])
    return None


async def dispatch(request: Request, state: ServerState) -> Response:
    request_id = request.scope["state"]["request_id"]
    try:
        too_large = head_too_large(request.scope)
        if too_large is not None:
            raise too_large
        try:
            segments = decoded_segments(request.scope.get("raw_path") or request.url.path.encode())
        except UnicodeDecodeError as exc:
            raise ApiError(404, [_issue("path", "the path is not valid UTF-8", "not_found")]) from exc
        matched = route(segments)
        if matched is None or any(segment == "" for segment in segments):
            raise ApiError(404, [_issue("path", f"no such route: {request.method} {request.url.path}", "not_found")])
        handlers, params = matched
        handler = handlers.get(request.method)
        if handler is None:
            allow = ", ".join(sorted(handlers))
            message = f"{request.method} is not allowed here; use {allow}"
            raise ApiError(405, [_issue("method", message, "method_not_allowed")], headers={"Allow": allow})
        tenant = "" if handler is healthz else authenticate(request, state)
        outcome = await handler(request, state, tenant, params)
    except ApiError as error:
        return json_response(error.status, envelope(request_id, error.issues), headers=error.headers)
    except BodyReadAborted as aborted:
        # The rest of the body will never be read: the connection cannot carry another request.
        issue = _issue("body", str(aborted), aborted.code)
        return json_response(aborted.status, envelope(request_id, [issue]), headers={"Connection": "close"})
    if isinstance(outcome, Response):
        return outcome
    status, body = outcome
    return json_response(status, body)


def json_response(status: int, body: Any, *, headers: Mapping[str, str] | None = None) -> Response:
    content = json.dumps(body, separators=(",", ":"), allow_nan=False).encode()
    return Response(content, status_code=status, headers=dict(headers or {}), media_type="application/json")


def authenticate(request: Request, state: ServerState) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise ApiError(
            401, [_issue("header.authorization", "missing API key: send Authorization: Bearer <key>", "unauthorized")]
        )
    scheme, _, key = header.partition(" ")
    tenant = state.api_keys.get(key.strip()) if scheme.lower() == "bearer" else None
    if tenant is None:
        raise ApiError(401, [_issue("header.authorization", "invalid API key", "unauthorized")])
    return tenant


def query(request: Request, state: ServerState, operation_id: str) -> dict[str, Any]:
    values, issues = state.validator.parse_query(operation_id, request.query_params)
    if issues:
        raise ApiError(400, issues)
    return values


def find_workflow(state: ServerState, workflow_id: str) -> Workflow:
    for workflow in state.workflows.values():
        if workflow_id in (workflow.id, workflow.name):
            return workflow
    raise ApiError(404, [_issue("path.id", f"workflow {workflow_id!r} not found", "not_found")])


def find_execution(state: ServerState, tenant: str, execution_id: str) -> Execution:
    execution = state.store.get(execution_id, tenant)
    if execution is None:
        raise ApiError(404, [_issue("path.executionId", f"execution {execution_id!r} not found", "not_found")])
    return execution


# --- the seven operations -----------------------------------------------------------------------------


async def list_workflows(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    q = query(request, state, "list_workflows")
    found = [
        workflow
        for workflow in state.workflows.values()
        if (q.get("name") is None or workflow.name == q["name"])
        and (q.get("search") is None or q["search"].lower() in workflow.name.lower())
        and (q.get("kind") is None or workflow.kind == q["kind"])
    ]
    limit, offset = page_limit(state, q["limit"]), q.get("offset", 0)
    return 200, page([workflow_summary(w) for w in found[offset : offset + limit]], len(found), limit, offset)


async def get_workflow(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "get_workflow")
    return 200, workflow_detail(find_workflow(state, params[0]))


async def list_versions(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    q = query(request, state, "list_workflow_versions")
    workflow = find_workflow(state, params[0])
    limit, offset = page_limit(state, q["limit"]), q.get("offset", 0)
    items = [
        {"id": v.id, "workflowId": workflow.id, "version": v.tag, "yamlContent": v.yaml, "isCurrent": v.is_current,
         "createdAt": v.created_at}
        for v in workflow.versions[offset : offset + limit]
    ]  # fmt: skip
    return 200, page(items, len(workflow.versions), limit, offset)


async def run_workflow(request: Request, state: ServerState, tenant: str, params: list[str]) -> Response:
    q = query(request, state, "run_workflow")
    workflow = find_workflow(state, params[0])
    version = workflow.version(q.get("version"))
    if version is None:
        raise ApiError(
            404, [_issue("query.version", f"version {q.get('version')!r} of {workflow.name} not found", "not_found")]
        )
    body, files = await read_run_body(request, state)
    try:
        file_keys = frozenset(stored.input_key for stored in files)
        inputs = body.get("input") or {}
        problems = workflow.input_issues(inputs, file_keys)
        if problems:
            raise ApiError(400, [_issue(field, message, "invalid_value") for field, message in problems])
        trigger = body.get("trigger") or "api"
        fingerprint = request_fingerprint(
            workflow_id=workflow.id, version_id=version.id, input=inputs, overrides=body.get("overrides"),
            trigger=trigger, files=files,
        )  # fmt: skip
        sent_key = request.headers.get("idempotency-key") or None
        new = NewExecution(
            tenant=tenant, workflow_id=workflow.id, workflow_name=workflow.name, version_id=version.id,
            input=inputs, overrides=body.get("overrides"), trigger=trigger,
            idempotency_key=sent_key if state.idempotency_keys == "honour" else None,
            request_fingerprint=fingerprint,
        )  # fmt: skip
        execution, created = state.store.create_execution(new, files)
    except BaseException:
        _delete_stored(files)
        raise
    if created:
        state.engine.submit(execution.id, tenant)
    else:
        _delete_stored(files)
        if not same_request(execution.request_fingerprint, execution.workflow_id, fingerprint, workflow.id):
            message = (
                "this Idempotency-Key was already used for a different request (another workflow, version, "
                "input, files, overrides or trigger); send a new key for a new request"
            )
            raise ApiError(422, [_issue("header.idempotency-key", message, "idempotency_key_reused")])
        state.idempotent_replays += 1
        state.replays_by_tenant[tenant] += 1
    answer: dict[str, Any] = {"executionId": execution.id}
    hold = q.get("wait_for_completion")
    if hold is not None:
        outcome = await state.holds.hold(
            tenant, execution.id, min(float(hold), state.hold_window_seconds),
            finished=lambda: _terminal(state, execution.id), client_gone=lambda: _disconnected(request),
        )  # fmt: skip
        if outcome.end == "gone":
            raise ClientDisconnect  # nobody to answer
        if outcome.value is not None:
            answer["status"] = outcome.value.status
            answer["result"] = outcome.value.result
            answer["error"] = outcome.value.error
    return json_response(201, answer)  # RequestIds echoes the Idempotency-Key (unless keys are ignored)


def _terminal(state: ServerState, execution_id: str) -> Execution | None:
    """The execution once it is terminal, else None (its row is decoded only then)."""
    progress = state.store.progress(execution_id)
    return state.store.get(execution_id) if progress is not None and progress[0] in TERMINAL else None


async def _disconnected(request: Request) -> None:
    """Return once the client has gone (the body is read by then, so ``receive`` waits for nothing else)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def read_run_body(request: Request, state: ServerState) -> tuple[dict[str, Any], list[StoredFile]]:
    """The JSON run body (from a JSON request or a multipart ``_json`` part) and the uploaded files.

    Once files are on disk, any failure (a refused ``_json``, a bug, a cancellation) deletes them before
    it propagates: the caller owns the files only when this returns.
    """
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > state.max_upload_bytes:
        raise ApiError(413, [_issue("body", f"the body is larger than {state.max_upload_bytes} bytes", "too_large")])
    if media_type == "multipart/form-data":
        run = await _read_multipart(request, state, content_type)
        files = [StoredFile(f.field, f.filename, f.media_type, f.size, f.sha256, f.path) for f in run.files]
        try:
            text = run.fields.get("_json")
            return _parse_json_body(text.encode() if text else b"", state, field="body._json"), files
        except BaseException:
            _delete_stored(files)
            raise
    if media_type not in ("", "application/json") and not media_type.endswith("+json"):
        raise ApiError(
            400,
            [
                _issue(
                    "body",
                    f"unsupported content type {media_type!r}: send application/json or multipart/form-data",
                    "invalid_value",
                )
            ],
        )
    raw = await _read_limited(request, MAX_JSON_BODY_BYTES)
    return _parse_json_body(raw, state, field="body"), []


async def _read_multipart(request: Request, state: ServerState, content_type: str) -> MultipartRun:
    # Only `_json` may be a text part; any other is refused when its headers arrive, before its content
    # is buffered, so a request cannot make the server hold more than one `_json` part of text.
    try:
        return await read_multipart_run(
            request.stream(), content_type, dest_dir=state.store.files_dir, max_body_bytes=state.max_upload_bytes,
            max_text_field_bytes=MAX_JSON_BODY_BYTES, text_fields=("_json",),
        )  # fmt: skip
    except UploadError as exc:
        raise ApiError(
            exc.status, [_issue(exc.field, exc.message, "too_large" if exc.status == 413 else "invalid_value")]
        ) from exc


async def _read_limited(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(
                413, [_issue("body", f"a JSON body is limited to {limit} bytes; send files as multipart", "too_large")]
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_json_body(raw: bytes, state: ServerState, *, field: str) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        value = parse_request_json(raw)
    except JsonTooLarge as exc:
        raise ApiError(413, [_issue(field, str(exc), "too_large")]) from exc
    except JsonTooDeep as exc:
        where = field if exc.key is None else f"{field}.{exc.key}"
        raise ApiError(400, [_issue(where, str(exc), "invalid_value")]) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, [_issue(field, f"not valid JSON: {exc}", "invalid_value")]) from exc
    issues = state.validator.check_body("RunWorkflowBody", value, field=field)
    if issues:
        raise ApiError(400, issues)
    assert isinstance(value, dict)
    return value


def _delete_stored(files: list[StoredFile]) -> None:
    for stored in files:
        with contextlib.suppress(FileNotFoundError):
            stored.path.unlink()


async def list_executions(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    q = query(request, state, "list_executions")
    workflow = find_workflow(state, params[0])
    statuses = [part.strip() for part in (q.get("status") or "").split(",") if part.strip()]
    unknown = [status for status in statuses if status not in KNOWN_STATUSES]
    if unknown:
        message = f"unknown status {unknown[0]!r}; valid: {', '.join(KNOWN_STATUSES)}"
        raise ApiError(400, [_issue("query.status", message, "unknown_value")])
    bounds: dict[str, str | None] = {}
    now = _utc_now()
    for wire, end_of_day in (("fromDate", False), ("toDate", True)):
        value = q.get(wire)
        try:
            bounds[wire] = (
                None
                if value is None
                else format_utc(resolve_date(value, argument=wire, now=now, end_of_day=end_of_day))
            )
        except (ValueError, TypeError) as exc:
            raise ApiError(400, [_issue(f"query.{wire}", str(exc), "invalid_value")]) from exc
    if bounds["fromDate"] and bounds["toDate"] and bounds["fromDate"] > bounds["toDate"]:
        raise ApiError(400, [_issue("query.fromDate", "fromDate is later than toDate", "invalid_value")])
    limit, offset = page_limit(state, q["limit"]), q.get("offset", 0)
    executions, total = state.store.list_executions(
        tenant, workflow.id, statuses=statuses, from_date=bounds["fromDate"], to_date=bounds["toDate"],
        example_id=q.get("exampleId"), limit=limit, offset=offset,
    )  # fmt: skip
    return 200, page([execution_summary(e) for e in executions], total, limit, offset)


async def get_execution(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    q = query(request, state, "get_execution")
    execution = find_execution(state, tenant, params[0])
    return 200, execution_status(execution, include_steps=q.get("includeSteps") == "true")


async def cancel_execution(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "cancel_execution")
    execution = find_execution(state, tenant, params[0])
    outcome = state.engine.cancel(execution)
    return 200, {"executionId": execution.id, "status": outcome, "wasStatus": execution.status}


# --- outside the contract -----------------------------------------------------------------------------


async def review_decision(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    execution = find_execution(state, tenant, params[0])
    approve = params[1] == "approve"
    if not state.engine.decide(execution, approve=approve):
        message = f"execution {execution.id} is {execution.status}, not waiting for a review decision"
        raise ApiError(409, [_issue("path.executionId", message, "conflict")])
    return 200, {"executionId": execution.id, "decision": "approved" if approve else "rejected"}


async def admin_stats(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    """The calling tenant's counters only: its executions by status, its replayed runs, faults injected
    into its requests. Counted in SQL, so no stored row is decoded."""
    by_status = state.store.count_by_status(tenant)
    faults = dict(state.faults.counts_by_tenant.get(tenant, {})) if state.faults is not None else {}
    return 200, {"executions": sum(by_status.values()), "byStatus": by_status,
                 "idempotentReplays": state.replays_by_tenant[tenant], "faults": faults}  # fmt: skip


def tenant_of(state: ServerState, scope: Scope) -> str | None:
    """The tenant whose key a request carries (None without a valid key), for counting before dispatch."""
    header = next((value for name, value in scope.get("headers", []) if name == b"authorization"), b"")
    scheme, _, key = header.decode("latin-1").partition(" ")
    return state.api_keys.get(key.strip()) if scheme.lower() == "bearer" else None


async def healthz(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    return 200, {"ok": True}


def _utc_now() -> datetime:
    return datetime.now(UTC)


# --- the application ----------------------------------------------------------------------------------


class RequestIds:
    """Outermost middleware: a request id for every request, in ``x-request-id`` on every response; with
    ``echo_idempotency_key``, the request's ``Idempotency-Key`` echoed on every response too."""

    def __init__(self, app: Callable[..., Awaitable[None]], *, echo_idempotency_key: bool = True) -> None:
        self.app = app
        self.echo_idempotency_key = echo_idempotency_key

    async def __call__(self, scope: Scope, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = "req_" + secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id

        # A server that honours Idempotency-Key (or only pretends to: `echo-only`) echoes it on every answer
        # to a request that carried one, even a 503 or 429 from the fault injector.
        idempotency_key = (
            next((value for name, value in scope.get("headers", []) if name == b"idempotency-key"), None)
            if self.echo_idempotency_key
            else None
        )

        async def send_with_id(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"x-request-id", request_id.encode())]
                if idempotency_key:
                    extra.append((b"idempotency-key", idempotency_key))
                headers = [
                    (name, value) for name, value in message.get("headers", []) if name.lower() != b"idempotency-key"
                ]
                message["headers"] = [*headers, *extra]
            await send(message)

        await self.app(scope, receive, send_with_id)


def create_app(state: ServerState, *, faults_injector: Callable[[Any], FaultInjector] | None = None) -> Any:
    """The ASGI application: the access log and the hosted profile's gateway (each when configured) →
    ``RequestIds`` → ``BodyReads`` → optional fault injector → Starlette (lifespan + dispatch).
    ``state.body_reads`` is set, for ``LocalEigenpalServer.stop()`` to abort uploads in flight."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.engine.start()
        try:
            yield
        finally:
            state.engine.stop()

    async def endpoint(scope: Scope, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        try:
            response = await dispatch(request, state)
        except ClientDisconnect:
            return
        except Exception:
            # A bug, not a client error: still the documented 500 with the JSON envelope, not Starlette's
            # text/plain "Internal Server Error".
            logger.exception("unhandled error in %s %s", request.method, request.url.path)
            issue = _issue("<root>", "internal server error", "internal_error")
            response = json_response(500, envelope(scope.get("state", {}).get("request_id", "req_unknown"), [issue]))
        await response(scope, receive, send)

    # Every HTTP request goes to `endpoint` as the router's default: no Starlette route matches paths,
    # since a route's regex stops at an encoded newline (`%0A`) and would answer a text/plain 404.
    starlette = Starlette(lifespan=lifespan)
    starlette.router.default = endpoint
    inner: Any = starlette
    if faults_injector is not None:
        state.faults = faults_injector(inner)
        inner = state.faults
    state.body_reads = BodyReads(inner, idle_timeout_seconds=state.body_read_timeout_seconds)
    app: Any = RequestIds(state.body_reads, echo_idempotency_key=state.idempotency_keys != "ignore")
    if state.hosted is not None:
        app = HostedGateway(app, state.hosted, idle_timeout_seconds=state.body_read_timeout_seconds)
    if state.access_log:
        declared = {p.name for operation in state.validator.operations.values() for p in operation.query_parameters}
        app = AccessLog(app, shown_parameters=declared)
    return app
