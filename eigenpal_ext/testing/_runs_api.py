"""The runs routes of the local server: ``POST /runs`` (start), ``GET /runs`` (list),
``GET /runs/{id}`` (get, ``expand``), ``POST /runs/{id}/cancel``, ``GET /runs/{id}/steps`` and
``GET /runs/{id}/events``; served under both layouts by ``_app``'s router.

A run is the same record as a v1 execution (one id, one store, one engine): a run started here is an
execution of the v1 routes, and the other way round. Starting goes through ``_run_start`` like the v1 run
route (the same input checks, ``Idempotency-Key`` mode, engine and holds). ``wait_for_completion`` (0 to
600 s, capped by ``ServerConfig.runs_hold_window_seconds``) holds the request: 200 once the run
finished, 202 when the window closed first (also when the tenant's holds are all taken, or the server
stops), 201 without a hold. Every success body is a ``Run`` (``_run_shapes``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from eigenpal_ext.testing._api_common import (
    ApiError,
    Handler,
    ServerState,
    find_execution,
    find_workflow,
    issue,
    page_limit,
    query,
    utc_now,
)
from eigenpal_ext.testing._request_bodies import delete_stored
from eigenpal_ext.testing._run_inputs import read_start_body
from eigenpal_ext.testing._run_query import DEFAULT_RUNS_PAGE, next_cursor, run_query
from eigenpal_ext.testing._run_shapes import EXPAND_SECTIONS, cancel_answer, run_body, run_events, run_list_item
from eigenpal_ext.testing._run_start import RunRequest, hold, start_execution
from eigenpal_ext.testing._store import Execution
from eigenpal_ext.testing._workflows import Workflow

__all__ = ["route"]

_WORKFLOW_TARGET = "workflows."
_AGENT_TARGET = "agents."


def route(segments: list[str]) -> tuple[dict[str, Handler], list[str]] | None:
    """The handlers by method of a path after the API prefix (``runs/...``), and its parameters; None if
    the path is not a runs route."""
    match segments:
        case ["runs"]:
            return {"POST": start_run, "GET": list_runs}, []
        case ["runs", run_id]:
            return {"GET": get_run}, [run_id]
        case ["runs", run_id, "cancel"]:
            return {"POST": cancel_run}, [run_id]
        case ["runs", run_id, "steps"]:
            return {"GET": list_run_steps}, [run_id]
        case ["runs", run_id, "events"]:
            return {"GET": list_run_events}, [run_id]
    return None


def _find_run(state: ServerState, tenant: str, run_id: str) -> Execution:
    return find_execution(state, tenant, run_id, field="path.id", noun="run")


def _body(state: ServerState, execution: Execution, expand: frozenset[str] = frozenset()) -> dict[str, Any]:
    return run_body(execution, state.workflows, state.store.files_of(execution.id), expand=expand)


def target_workflow(state: ServerState, target: str) -> Workflow:
    """The workflow a start's ``target`` names (``workflows.<slug or id>``); 404 for an agent or an
    unknown workflow, 400 for a target of another form."""
    if target.startswith(_WORKFLOW_TARGET) and len(target) > len(_WORKFLOW_TARGET):
        name = target[len(_WORKFLOW_TARGET) :]
        if "@" in name:
            message = "the target names no version: send workflows.<slug> and the version as ?version=..."
            raise ApiError(400, [issue("body.target", message, "invalid_value")])
        return find_workflow(state, name, field="body.target")
    if target.startswith(_AGENT_TARGET):
        message = f"agent {target[len(_AGENT_TARGET) :]!r} not found (the local server runs workflows, no agents)"
        raise ApiError(404, [issue("body.target", message, "not_found")])
    message = f"must be workflows.<slug> or agents.<slug> (e.g. workflows.extract-invoice), not {target!r}"
    raise ApiError(400, [issue("body.target", message, "invalid_value")])


def _trigger(request: Request, state: ServerState) -> str:
    sent = request.headers.get("x-eigenpal-trigger")
    if sent is None:
        return "api"
    issues = state.validator.check_body("RunTrigger", sent, field="header.x-eigenpal-trigger")
    if issues:
        raise ApiError(400, issues)
    return sent


async def start_run(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    q = query(request, state, "start_run")
    trigger = _trigger(request, state)
    start = await read_start_body(request, state, tenant)
    try:
        workflow = target_workflow(state, start.target)
        version = workflow.version(q.get("version"))
        if version is None:
            message = f"version {q.get('version')!r} of {workflow.name} not found"
            raise ApiError(404, [issue("query.version", message, "not_found")])
    except BaseException:
        delete_stored(start.files)  # refused before its run exists
        raise
    execution = start_execution(
        state,
        RunRequest(
            tenant=tenant, workflow=workflow, version=version, input=start.input, overrides=start.overrides,
            trigger=trigger, files=start.files, metadata=start.metadata,
            idempotency_key=request.headers.get("idempotency-key") or None,
        ),
    )  # fmt: skip
    wait = q.get("wait_for_completion")
    if wait is None:
        return 201, _body(state, execution)
    outcome = await hold(state, request, tenant, execution.id, min(float(wait), state.runs_hold_window_seconds))
    current = outcome.value or state.store.get(execution.id) or execution
    return (200 if current.is_terminal else 202), _body(state, current)


async def get_run(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    q = query(request, state, "get_run")
    expand = frozenset(part.strip() for part in (q.get("expand") or "").split(",") if part.strip())
    unknown = sorted(expand - set(EXPAND_SECTIONS))
    if unknown:
        message = f"unknown section {unknown[0]!r}; expand takes {', '.join(EXPAND_SECTIONS)}, comma-separated"
        raise ApiError(400, [issue("query.expand", message, "unknown_value")])
    return 200, _body(state, _find_run(state, tenant, params[0]), expand)


async def list_runs(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    q = query(request, state, "list_runs")
    limit = page_limit(state, q.get("limit") or DEFAULT_RUNS_PAGE)
    wanted = run_query(q, state.workflows, limit=limit + 1, now=utc_now())  # one more: is there a next page?
    found = state.store.list_runs(tenant, wanted)
    page = found[:limit]
    more = len(found) > limit
    return 200, {
        "runs": [run_list_item(execution, state.workflows) for execution in page],
        "nextCursor": next_cursor(page[-1], wanted) if more and page else None,
    }


async def cancel_run(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "cancel_run")
    execution = _find_run(state, tenant, params[0])
    outcome = state.engine.cancel(execution)
    after = state.store.get(execution.id) or execution
    return 200, cancel_answer(after, outcome, execution.status)


async def list_run_steps(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "list_run_steps")
    return 200, {"steps": _find_run(state, tenant, params[0]).steps}


async def list_run_events(request: Request, state: ServerState, tenant: str, params: list[str]) -> tuple[int, Any]:
    query(request, state, "list_run_events")
    execution = _find_run(state, tenant, params[0])
    return 200, {"events": run_events(execution, state.store.events_of(execution.id))}
