"""What every handler of the local server's API shares: the state, the error envelope, authentication,
query validation and the lookups of workflows and executions.

Both surfaces (the v1 workflows/executions routes in ``_app`` and the runs and files routes in
``_runs_api`` / ``_files_api``) answer errors the same way: an ``ApiError`` raised anywhere in a handler
becomes the API's envelope (``issues`` with field, message, code and severity; ``requestId``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import Response

from eigenpal_ext.testing._asgi import Scope
from eigenpal_ext.testing._body_reads import BodyReads
from eigenpal_ext.testing._engine import Engine
from eigenpal_ext.testing._faults import FaultInjector
from eigenpal_ext.testing._holds import Holds
from eigenpal_ext.testing._hosted import HostedProfile
from eigenpal_ext.testing._idempotency import IdempotencyMode
from eigenpal_ext.testing._spec import Issue, SpecValidator
from eigenpal_ext.testing._store import Execution, Store
from eigenpal_ext.testing._workflows import Workflow

__all__ = [
    "DEFAULT_MAX_HOLDS_PER_TENANT",
    "ApiError",
    "Handler",
    "ServerState",
    "authenticate",
    "envelope",
    "envelope_bytes",
    "find_execution",
    "find_workflow",
    "issue",
    "json_response",
    "page_limit",
    "query",
    "tenant_of",
    "utc_now",
]

DEFAULT_MAX_HOLDS_PER_TENANT = 32


@attrs.define
class ServerState:
    """Everything the handlers share; built by ``LocalEigenpalServer`` and started by the app's lifespan."""

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
    runs_hold_window_seconds: float = 600.0  # caps a runs start's wait_for_completion (the v1 cap is above)
    faults: FaultInjector | None = None
    body_reads: BodyReads | None = None
    idempotent_replays: int = 0  # all tenants (for tests); /admin/stats shows each tenant its own
    replays_by_tenant: Counter[str] = attrs.field(factory=Counter)


class ApiError(Exception):
    """An error answer: status plus issues (field, message, code)."""

    def __init__(self, status: int, issues: list[Issue], *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(issues[0].message if issues else str(status))
        self.status, self.issues, self.headers = status, issues, dict(headers or {})


def issue(field: str, message: str, code: str) -> Issue:
    """One ``Issue`` of an error answer."""
    return Issue(field=field, message=message, code=code)


def envelope(request_id: str, issues: list[Issue], *, hint: str | None = None) -> dict[str, Any]:
    """The API's error body."""
    body: dict[str, Any] = {
        "issues": [{"field": i.field, "message": i.message, "code": i.code, "severity": "error"} for i in issues],
        "requestId": request_id,
    }
    if hint:
        body["hint"] = hint
    return body


def envelope_bytes(scope: Scope, status: int, code: str, message: str) -> bytes:
    """The error body of one issue at the root, for middleware answering before any handler."""
    request_id = scope.get("state", {}).get("request_id", "req_unknown")
    return json.dumps(envelope(request_id, [issue("<root>", message, code)])).encode()


def json_response(status: int, body: Any, *, headers: Mapping[str, str] | None = None) -> Response:
    """A compact JSON answer (NaN and infinities refused: they are not JSON)."""
    content = json.dumps(body, separators=(",", ":"), allow_nan=False).encode()
    return Response(content, status_code=status, headers=dict(headers or {}), media_type="application/json")


Handler = Callable[[Request, ServerState, str, list[str]], Awaitable[tuple[int, Any] | Response]]
"""A route's handler: ``(request, state, tenant, path parameters)`` → ``(status, JSON body)`` or a response."""


def page_limit(state: ServerState, requested: int) -> int:
    """The page size a list uses: ``limit`` as asked, or the hosted profile's cap when that is smaller."""
    return requested if state.hosted is None else min(requested, state.hosted.page_cap)


def authenticate(request: Request, state: ServerState) -> str:
    """The tenant of the request's bearer key; a 401 without a valid one."""
    header = request.headers.get("authorization")
    if not header:
        raise ApiError(
            401, [issue("header.authorization", "missing API key: send Authorization: Bearer <key>", "unauthorized")]
        )
    scheme, _, key = header.partition(" ")
    tenant = state.api_keys.get(key.strip()) if scheme.lower() == "bearer" else None
    if tenant is None:
        raise ApiError(401, [issue("header.authorization", "invalid API key", "unauthorized")])
    return tenant


def tenant_of(state: ServerState, scope: Scope) -> str | None:
    """The tenant whose key a request carries (None without a valid key), for counting before dispatch."""
    header = next((value for name, value in scope.get("headers", []) if name == b"authorization"), b"")
    scheme, _, key = header.decode("latin-1").partition(" ")
    return state.api_keys.get(key.strip()) if scheme.lower() == "bearer" else None


def query(request: Request, state: ServerState, operation_id: str) -> dict[str, Any]:
    """The operation's query parameters, coerced and checked against ``openapi.yaml``; a 400 naming each problem."""
    values, issues = state.validator.parse_query(operation_id, request.query_params)
    if issues:
        raise ApiError(400, issues)
    return values


def find_workflow(state: ServerState, workflow_id: str, *, field: str = "path.id") -> Workflow:
    """The workflow of this id or slug; a 404 naming ``field`` otherwise."""
    for workflow in state.workflows.values():
        if workflow_id in (workflow.id, workflow.name):
            return workflow
    raise ApiError(404, [issue(field, f"workflow {workflow_id!r} not found", "not_found")])


def find_execution(
    state: ServerState, tenant: str, execution_id: str, *, field: str = "path.executionId", noun: str = "execution"
) -> Execution:
    """The tenant's execution (a run: ``noun``) of this id; a 404 naming ``field`` otherwise."""
    execution = state.store.get(execution_id, tenant)
    if execution is None:
        raise ApiError(404, [issue(field, f"{noun} {execution_id!r} not found", "not_found")])
    return execution


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)
