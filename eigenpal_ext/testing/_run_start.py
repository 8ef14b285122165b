"""Starting a run, the same way for both surfaces: ``POST /workflows/{id}/run`` (v1) and ``POST /runs``.

A v1 execution and a run are one record, so both routes go through :func:`start_execution`: the
workflow's input checks (400), the ``Idempotency-Key`` of the server's mode (one run per key and tenant
when honoured, a 422 ``idempotency_key_reused`` for the key sent with another request), the store, and
the engine. :func:`hold` is the server hold both routes use for ``wait_for_completion``; each route
words its own answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from starlette.requests import ClientDisconnect, Request

from eigenpal_ext.testing._api_common import ApiError, ServerState, issue
from eigenpal_ext.testing._holds import HoldOutcome
from eigenpal_ext.testing._idempotency import request_fingerprint, same_request
from eigenpal_ext.testing._request_bodies import delete_stored
from eigenpal_ext.testing._store import TERMINAL, Execution, NewExecution, StoredFile
from eigenpal_ext.testing._workflows import Workflow, WorkflowVersion

__all__ = ["RunRequest", "hold", "start_execution"]


@attrs.frozen
class RunRequest:
    """What a run request asks for, from either surface; ``files`` are already on disk."""

    tenant: str
    workflow: Workflow
    version: WorkflowVersion
    input: Mapping[str, Any]
    overrides: Any
    trigger: str
    files: Sequence[StoredFile] = ()
    metadata: Any = None
    idempotency_key: str | None = None


def start_execution(state: ServerState, run: RunRequest) -> Execution:
    """Create the run (or, for an honoured key already used by the same request, return that run).

    The files belong to this function from the call on: they become the run's, or are deleted (a refused
    request, a replay, an error).
    """
    try:
        file_keys = frozenset(stored.input_key for stored in run.files)
        problems = run.workflow.input_issues(run.input, file_keys)
        if problems:
            raise ApiError(400, [issue(field, message, "invalid_value") for field, message in problems])
        fingerprint = request_fingerprint(
            workflow_id=run.workflow.id, version_id=run.version.id, input=run.input, overrides=run.overrides,
            trigger=run.trigger, files=run.files, metadata=run.metadata,
        )  # fmt: skip
        new = NewExecution(
            tenant=run.tenant, workflow_id=run.workflow.id, workflow_name=run.workflow.name,
            version_id=run.version.id, input=dict(run.input), overrides=run.overrides, trigger=run.trigger,
            idempotency_key=run.idempotency_key if state.idempotency_keys == "honour" else None,
            request_fingerprint=fingerprint, metadata=run.metadata,
        )  # fmt: skip
        execution, created = state.store.create_execution(new, run.files)
    except BaseException:
        delete_stored(run.files)
        raise
    if created:
        state.engine.submit(execution.id, run.tenant)
        return execution
    delete_stored(run.files)
    if not same_request(execution.request_fingerprint, execution.workflow_id, fingerprint, run.workflow.id):
        message = (
            "this Idempotency-Key was already used for a different request (another workflow, version, "
            "input, files, overrides, metadata or trigger); send a new key for a new request"
        )
        raise ApiError(422, [issue("header.idempotency-key", message, "idempotency_key_reused")])
    state.idempotent_replays += 1
    state.replays_by_tenant[run.tenant] += 1
    return execution


async def hold(
    state: ServerState, request: Request, tenant: str, execution_id: str, seconds: float
) -> HoldOutcome[Execution]:
    """Hold the request up to ``seconds`` for the run to end (see ``_holds``); a client that went away
    raises ``ClientDisconnect`` (nobody is left to answer)."""
    outcome = await state.holds.hold(
        tenant, execution_id, seconds,
        finished=lambda: _terminal(state, execution_id), client_gone=lambda: _disconnected(request),
    )  # fmt: skip
    if outcome.end == "gone":
        raise ClientDisconnect
    return outcome


def _terminal(state: ServerState, execution_id: str) -> Execution | None:
    """The execution once it is terminal, else None (its row is decoded only then)."""
    progress = state.store.progress(execution_id)
    return state.store.get(execution_id) if progress is not None and progress[0] in TERMINAL else None


async def _disconnected(request: Request) -> None:
    """Return once the client has gone (the body is read by then, so ``receive`` waits for nothing else)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
