"""The local server's HTTP API as a Starlette application: the router, EigenPal's workflows/executions v1
routes, ``auth/check``, ``/admin`` and the middleware stack. The runs and files routes are handled in
``_runs_api`` and ``_files_api``; every route is served under both layouts (``/api/v1/...``, ``/v1/...``).

Requests are routed on the *raw* path, one percent-decoded segment at a time, so an id containing an
encoded ``/`` (``%2F``) or ``?`` stays one id. The literal ``executions`` segment is matched before a
workflow id (the real API has both ``/workflows/{id}/versions`` and ``/workflows/executions/{id}``).

Every answer (but a file's content) is JSON with an ``x-request-id`` header; errors use the API's envelope
(``issues``, ``requestId``). Order of checks: route (404, or 405 with ``Allow``), API key (401),
parameters and body against ``openapi.yaml`` (400, with field paths), then existence (404).

Beyond the contract, for clients that can use it: a run (on either surface) with an ``Idempotency-Key``
header is created once per key and tenant (the same request sent again gets the same execution back, another request
with that key a 422), and the key is echoed in the response so a client knows it was honoured; the
server can also ignore keys, or echo them without honouring them (``_idempotency``). ``/admin/...``
routes (outside ``/api/v1``) approve or reject ``review`` executions and report counters; ``/healthz``
answers without a key.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from eigenpal_ext.dates import format_utc, resolve_date
from eigenpal_ext.testing._access_log import AccessLog
from eigenpal_ext.testing._api_common import (
    DEFAULT_MAX_HOLDS_PER_TENANT,
    ApiError,
    Handler,
    ServerState,
    authenticate,
    envelope,
    envelope_bytes,
    find_execution,
    find_workflow,
    issue,
    json_response,
    page_limit,
    query,
    tenant_of,
    utc_now,
)
from eigenpal_ext.testing._asgi import Scope
from eigenpal_ext.testing._body_reads import BodyReadAborted, BodyReads
from eigenpal_ext.testing._faults import FaultInjector
from eigenpal_ext.testing._files_api import route as files_route
from eigenpal_ext.testing._hosted import HostedGateway
from eigenpal_ext.testing._json_limits import MAX_JSON_BODY_BYTES
from eigenpal_ext.testing._observability import duration_ms, observability
from eigenpal_ext.testing._request_bodies import (
    delete_stored,
    media_type_of,
    parse_json,
    read_limited,
    read_multipart,
    refuse_declared_oversize,
    refuse_unless_json,
    validated,
)
from eigenpal_ext.testing._run_start import RunRequest, hold, start_execution
from eigenpal_ext.testing._runs_api import route as runs_route
from eigenpal_ext.testing._store import KNOWN_STATUSES, Execution, StoredFile
from eigenpal_ext.testing._workflows import Workflow

__all__ = [
    "API_LAYOUTS",
    "API_PATH_PREFIXES",
    "DEFAULT_MAX_HOLDS_PER_TENANT",
    "ServerState",
    "create_app",
    "envelope_bytes",
    "route",
    "tenant_of",
]

logger = logging.getLogger("eigenpal_ext.testing")

_issue = issue


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


def page(items: list[dict[str, Any]], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"data": items, "total": total, "limit": limit, "offset": offset}


# --- routing ------------------------------------------------------------------------------------------

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
        case ["auth", "check"]:
            return {"GET": check_auth}, []
    return runs_route(segments) or files_route(segments)


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


# --- the seven operations of the v1 routes -----------------------------------------------------------


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
    execution = start_execution(
        state,
        RunRequest(
            tenant=tenant, workflow=workflow, version=version, input=body.get("input") or {},
            overrides=body.get("overrides"), trigger=body.get("trigger") or "api", files=files,
            idempotency_key=request.headers.get("idempotency-key") or None,
        ),
    )  # fmt: skip
    answer: dict[str, Any] = {"executionId": execution.id}
    wait = q.get("wait_for_completion")
    if wait is not None:
        outcome = await hold(state, request, tenant, execution.id, min(float(wait), state.hold_window_seconds))
        if outcome.value is not None:
            answer["status"] = outcome.value.status
            answer["result"] = outcome.value.result
            answer["error"] = outcome.value.error
    return json_response(201, answer)  # RequestIds echoes the Idempotency-Key (unless keys are ignored)


async def read_run_body(request: Request, state: ServerState) -> tuple[dict[str, Any], list[StoredFile]]:
    """The JSON run body (from a JSON request or a multipart ``_json`` part) and the uploaded files.

    Once files are on disk, any failure (a refused ``_json``, a bug, a cancellation) deletes them before
    it propagates: the caller owns the files only when this returns.
    """
    refuse_declared_oversize(request, state)
    media_type = media_type_of(request)
    if media_type == "multipart/form-data":
        run = await read_multipart(request, state, text_fields=("_json",))
        files = [StoredFile(f.field, f.filename, f.media_type, f.size, f.sha256, f.path) for f in run.files]
        try:
            text = run.fields.get("_json")
            return _run_body(text.encode() if text else b"", state, field="body._json"), files
        except BaseException:
            delete_stored(files)
            raise
    refuse_unless_json(media_type, also="multipart/form-data")
    raw = await read_limited(request, MAX_JSON_BODY_BYTES)
    return _run_body(raw, state, field="body"), []


def _run_body(raw: bytes, state: ServerState, *, field: str) -> dict[str, Any]:
    if not raw.strip():
        return {}
    return validated(state, "RunWorkflowBody", parse_json(raw, field=field), field=field)


async def list_executions(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    q = query(request, state, "list_executions")
    workflow = find_workflow(state, params[0])
    statuses = [part.strip() for part in (q.get("status") or "").split(",") if part.strip()]
    unknown = [status for status in statuses if status not in KNOWN_STATUSES]
    if unknown:
        message = f"unknown status {unknown[0]!r}; valid: {', '.join(KNOWN_STATUSES)}"
        raise ApiError(400, [_issue("query.status", message, "unknown_value")])
    bounds: dict[str, str | None] = {}
    now = utc_now()
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


async def check_auth(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    """Who the key is: its tenant and a key id derived from it (never the key), every scope granted."""
    query(request, state, "check_auth")
    key = request.headers["authorization"].partition(" ")[2].strip()
    key_id = "key_" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return 200, {"ok": True, "tenantId": tenant, "tenantSlug": tenant, "tenantName": tenant, "userId": None,
                 "keyId": key_id, "email": None, "name": None, "scope": ["*"], "wildcardGranted": True}  # fmt: skip


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


async def healthz(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    return 200, {"ok": True}


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
