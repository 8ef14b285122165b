"""The execution lifecycle end to end: the SDK against a real local EigenPal server on 127.0.0.1.

Covers the worker moving executions on its own, cancel at every stage (with its outcome and
``wasStatus``), the ``review`` workflow's approve/reject, the server hold, ``includeSteps``,
step overrides, failures, version pinning and the executions list's filters and pagination.
Waiting is always bounded polling; stages are made observable with ``Pacing``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from eigenpal_api.models import Execution
from eigenpal_api.types import Unset

from eigenpal_ext import EigenpalClient, EigenpalNotFoundError, ExecutionStatus
from eigenpal_ext.testing import LocalEigenpalServer, Pacing, ServerConfig

LIFECYCLE = ("created", "pending", "running", "finalizing", "completed")
POLL_SECONDS = 0.02


def wait_for_status(
    client: EigenpalClient, execution_id: str, wanted: Collection[str], *, timeout: float = 10.0
) -> Execution:
    """Poll until the execution's status is one of ``wanted``; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        execution = client.workflows.executions.get(execution_id)
        if execution.status in wanted:
            return execution
        if time.monotonic() > deadline:
            pytest.fail(f"{execution_id} is still {execution.status}, not one of {sorted(wanted)}, after {timeout}s")
        time.sleep(POLL_SECONDS)


def is_subsequence(seen: list[str], order: tuple[str, ...]) -> bool:
    remaining = iter(order)
    return all(status in remaining for status in seen)


def client_for(server: LocalEigenpalServer) -> EigenpalClient:
    return EigenpalClient(api_key=server.api_key, base_url=server.base_url)


def admin_decision(server: LocalEigenpalServer, execution_id: str, decision: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/admin/executions/{execution_id}/{decision}",
        headers={"Authorization": f"Bearer {server.api_key}"},
        timeout=5.0,
    )


@pytest.fixture
def paced_server() -> Iterator[LocalEigenpalServer]:
    """Stages long enough to be seen by polling: pending 0.3 s, each step 0.1 s, finalizing 0.3 s."""
    pacing = Pacing(pending_seconds=0.3, step_seconds=0.1, finalizing_seconds=0.3)
    with LocalEigenpalServer(ServerConfig(pacing=pacing)) as server:
        yield server


# --- the lifecycle ----------------------------------------------------------------------------------------


def test_run_and_wait_reports_every_stage_in_lifecycle_order(paced_server: LocalEigenpalServer) -> None:
    seen: list[str] = []
    with client_for(paced_server) as client:
        final = client.workflows.executions.run_and_wait(
            "sleep",
            {"seconds": 0.3},
            poll_interval_seconds=0.05,
            timeout_seconds=10.0,
            on_status=lambda execution: seen.append(str(execution.status)),
        )
    assert final.status == ExecutionStatus.COMPLETED
    assert final.result == {"slept": 0.3}
    assert {"pending", "running", "finalizing", "completed"} <= set(seen), seen
    assert len(seen) == len(set(seen)), f"on_status is called once per change: {seen}"
    assert is_subsequence(seen, LIFECYCLE), f"{seen} is not in the order {LIFECYCLE}"
    assert seen[-1] == "completed"


def test_the_worker_advances_executions_without_any_polling(paced_server: LocalEigenpalServer) -> None:
    with client_for(paced_server) as client:
        triggered = client.workflows.run("sleep", {"seconds": 0.1})
        # The whole run takes about 0.3 + 0.1 + 0.1 + 0.3 = 0.8 s; no request is made while it runs.
        time.sleep(1.5)
        asked_at = datetime.now(UTC)
        execution = client.workflows.executions.get(triggered.execution_id)
    assert execution.status == ExecutionStatus.COMPLETED
    assert execution.result == {"slept": 0.1}
    assert isinstance(execution.completed_at, datetime)
    assert execution.completed_at <= asked_at, "it was completed before anyone asked"
    assert paced_server.store.count_executions() == 1


# --- cancel at each stage ---------------------------------------------------------------------------------


def test_cancel_a_created_execution_cancels_it_at_once(e2e_server: LocalEigenpalServer) -> None:
    engine = e2e_server.state.engine
    engine.pause()
    try:
        with client_for(e2e_server) as client:
            triggered = client.workflows.run("echo", {"n": 1})
            assert client.workflows.executions.get(triggered.execution_id).status == ExecutionStatus.CREATED
            outcome = client.workflows.executions.cancel(triggered.execution_id)
            assert outcome.execution_id == triggered.execution_id
            assert outcome.status == "cancelled"
            assert outcome.was_status == ExecutionStatus.CREATED
            engine.resume()
            time.sleep(0.2)  # the worker now takes the queued id: it must leave the cancelled execution alone
            final = client.workflows.executions.get(triggered.execution_id)
    finally:
        engine.resume()
    assert final.status == ExecutionStatus.CANCELLED
    assert isinstance(final.completed_at, datetime)
    assert isinstance(final.result, Unset)


def test_cancel_a_pending_execution_cancels_it_at_once() -> None:
    with LocalEigenpalServer(ServerConfig(pacing=Pacing(pending_seconds=5.0))) as server, client_for(server) as client:
        triggered = client.workflows.run("echo", {"n": 1})
        wait_for_status(client, triggered.execution_id, {"pending"})
        outcome = client.workflows.executions.cancel(triggered.execution_id)
        final = client.workflows.executions.get(triggered.execution_id)
    assert outcome.status == "cancelled"
    assert outcome.was_status == ExecutionStatus.PENDING
    assert final.status == ExecutionStatus.CANCELLED, "cancelled immediately, not at a later checkpoint"


def test_cancel_a_running_execution_requests_it_and_the_worker_stops(e2e_server: LocalEigenpalServer) -> None:
    with client_for(e2e_server) as client:
        triggered = client.workflows.run("sleep", {"seconds": 5})
        wait_for_status(client, triggered.execution_id, {"running"})
        cancelled_at = time.monotonic()
        outcome = client.workflows.executions.cancel(triggered.execution_id)
        final = wait_for_status(client, triggered.execution_id, {"cancelled", "completed", "failed"}, timeout=3.0)
        took = time.monotonic() - cancelled_at
    assert outcome.status == "cancellation-requested"
    assert outcome.was_status == ExecutionStatus.RUNNING
    assert final.status == ExecutionStatus.CANCELLED
    assert isinstance(final.result, Unset)
    assert took < 2.0, f"the 5 s sleep should stop at its next checkpoint, took {took:.2f}s"


def test_cancel_a_waiting_execution_requests_it_and_it_ends_cancelled(e2e_server: LocalEigenpalServer) -> None:
    with client_for(e2e_server) as client:
        triggered = client.workflows.run("review", {"item": "invoice"})
        wait_for_status(client, triggered.execution_id, {"waiting"})
        outcome = client.workflows.executions.cancel(triggered.execution_id)
        final = wait_for_status(client, triggered.execution_id, {"cancelled", "completed", "rejected"}, timeout=3.0)
    assert outcome.status == "cancellation-requested"
    assert outcome.was_status == ExecutionStatus.WAITING
    assert final.status == ExecutionStatus.CANCELLED
    # Nothing is waiting for a decision any more.
    assert admin_decision(e2e_server, triggered.execution_id, "approve").status_code == 409


def test_cancel_a_finalizing_execution_behaves_like_running() -> None:
    config = ServerConfig(pacing=Pacing(finalizing_seconds=5.0))
    with LocalEigenpalServer(config) as server, client_for(server) as client:
        triggered = client.workflows.run("echo", {"n": 1})
        wait_for_status(client, triggered.execution_id, {"finalizing"})
        outcome = client.workflows.executions.cancel(triggered.execution_id)
        final = wait_for_status(client, triggered.execution_id, {"cancelled", "completed"}, timeout=3.0)
    assert outcome.status == "cancellation-requested"
    assert outcome.was_status == ExecutionStatus.FINALIZING
    assert final.status == ExecutionStatus.CANCELLED
    assert isinstance(final.result, Unset), "a cancelled execution carries no result"


def test_cancel_a_terminal_execution_is_a_no_op(e2e_client: EigenpalClient) -> None:
    done = e2e_client.workflows.executions.run_and_wait("echo", {"n": 1}, timeout_seconds=10.0)
    assert done.status == ExecutionStatus.COMPLETED
    outcome = e2e_client.workflows.executions.cancel(done.execution_id)
    after = e2e_client.workflows.executions.get(done.execution_id)
    assert outcome.status == "already-terminal"
    assert outcome.was_status == ExecutionStatus.COMPLETED
    assert after.status == ExecutionStatus.COMPLETED
    assert after.result == {"n": 1}
    assert after.completed_at == done.completed_at


def test_repeated_cancels_all_succeed(e2e_client: EigenpalClient) -> None:
    executions = e2e_client.workflows.executions
    triggered = e2e_client.workflows.run("sleep", {"seconds": 5})
    wait_for_status(e2e_client, triggered.execution_id, {"running"})
    first = executions.cancel(triggered.execution_id)
    second = executions.cancel(triggered.execution_id)
    assert first.status == "cancellation-requested"
    assert first.was_status == ExecutionStatus.RUNNING
    assert (second.status, second.was_status) in {
        ("cancellation-requested", ExecutionStatus.RUNNING),
        ("already-terminal", ExecutionStatus.CANCELLED),
    }
    final = wait_for_status(e2e_client, triggered.execution_id, {"cancelled", "completed"}, timeout=3.0)
    assert final.status == ExecutionStatus.CANCELLED
    third = executions.cancel(triggered.execution_id)
    assert third.status == "already-terminal"
    assert third.was_status == ExecutionStatus.CANCELLED


# --- the review workflow -------------------------------------------------------------------------------------


def test_review_approved_completes_with_the_decision(e2e_server: LocalEigenpalServer) -> None:
    with client_for(e2e_server) as client:
        triggered = client.workflows.run("review", {"item": "invoice"})
        waiting = wait_for_status(client, triggered.execution_id, {"waiting"})
        assert waiting.completed_at is None, "a waiting execution has not completed"
        answer = admin_decision(e2e_server, triggered.execution_id, "approve")
        final = client.workflows.executions.wait(triggered.execution_id, timeout_seconds=5.0)
    assert answer.status_code == 200
    assert answer.json() == {"executionId": triggered.execution_id, "decision": "approved"}
    assert final.status == ExecutionStatus.COMPLETED
    assert final.result == {"decision": "approved", "input": {"item": "invoice"}}
    assert final.error is None


def test_review_rejected_ends_rejected_with_an_error(e2e_server: LocalEigenpalServer) -> None:
    with client_for(e2e_server) as client:
        triggered = client.workflows.run("review", {"item": "invoice"})
        wait_for_status(client, triggered.execution_id, {"waiting"})
        answer = admin_decision(e2e_server, triggered.execution_id, "reject")
        final = client.workflows.executions.wait(triggered.execution_id, timeout_seconds=5.0)
    assert answer.status_code == 200
    assert answer.json()["decision"] == "rejected"
    assert final.status == ExecutionStatus.REJECTED
    assert final.error == "rejected by the reviewer"
    assert final.result is None


def test_approve_when_not_waiting_is_a_conflict(e2e_server: LocalEigenpalServer) -> None:
    with client_for(e2e_server) as client:
        done = client.workflows.executions.run_and_wait("echo", {"n": 1}, timeout_seconds=10.0)
        review = client.workflows.run("review", {"item": "invoice"})
        wait_for_status(client, review.execution_id, {"waiting"})
        first = admin_decision(e2e_server, review.execution_id, "approve")
        wait_for_status(client, review.execution_id, {"completed"})
    not_waiting = admin_decision(e2e_server, done.execution_id, "approve")
    again = admin_decision(e2e_server, review.execution_id, "reject")
    assert first.status_code == 200
    for answer in (not_waiting, again):
        assert answer.status_code == 409
        body = answer.json()
        assert body["requestId"] == answer.headers["x-request-id"]
        assert body["issues"][0]["code"] == "conflict"
    assert admin_decision(e2e_server, "exec_missing", "approve").status_code == 404


# --- the server hold -------------------------------------------------------------------------------------------


def test_server_hold_returns_the_outcome_inside_the_window_and_only_the_id_after_it() -> None:
    with LocalEigenpalServer(ServerConfig(hold_window_seconds=1.0)) as server, client_for(server) as client:
        quick = client.workflows.run("sleep", {"seconds": 0.2}, wait_for_completion=60)
        assert quick.status == ExecutionStatus.COMPLETED
        assert quick.result == {"slept": 0.2}

        started = time.monotonic()
        slow = client.workflows.run("sleep", {"seconds": 3}, wait_for_completion=60)
        elapsed = time.monotonic() - started
        assert 0.9 <= elapsed <= 2.5, f"the hold should end with the 1 s window, took {elapsed:.2f}s"
        assert slow.execution_id.startswith("exec_")
        assert isinstance(slow.status, Unset)
        assert isinstance(slow.result, Unset)

        crossing = client.workflows.executions.run_and_wait(
            "sleep", {"seconds": 2.5}, server_hold=True, timeout_seconds=20.0
        )
        assert crossing.status == ExecutionStatus.COMPLETED
        assert crossing.result == {"slept": 2.5}

        earlier = client.workflows.executions.wait(slow.execution_id, timeout_seconds=10.0)
        assert earlier.status == ExecutionStatus.COMPLETED
        assert earlier.result == {"slept": 3.0}
        assert server.store.count_executions() == 3


# --- includeSteps, overrides, failures, versions ---------------------------------------------------------


def test_include_steps_on_a_completed_extract_invoice(e2e_client: EigenpalClient, e2e_sample_pdf: Path) -> None:
    final = e2e_client.workflows.executions.run_and_wait(
        "extract-invoice", {"contract_document": e2e_sample_pdf, "language": "en"}, timeout_seconds=10.0
    )
    assert final.status == ExecutionStatus.COMPLETED
    result = final.result
    assert result["document"]["pdf"]["pageCount"] == 2
    assert "INV-2026-0042" in result["document"]["pdf"]["firstPageText"]
    assert result["fields"]["total"] == "EUR 1,234.56"
    assert result["document"]["sha256"] == hashlib.sha256(e2e_sample_pdf.read_bytes()).hexdigest()
    assert result["document"]["size"] == e2e_sample_pdf.stat().st_size

    detail = e2e_client.workflows.executions.get(final.execution_id, include_steps=True)
    assert not isinstance(detail.steps, Unset)
    assert [step.step_id for step in detail.steps] == ["read-document", "extract-fields"]
    for step in detail.steps:
        assert step.status == "completed"
        assert isinstance(step.started_at, datetime)
        assert isinstance(step.completed_at, datetime)
        assert step.started_at <= step.completed_at
    assert detail.steps[1].output == result["fields"]
    assert detail.additional_properties["workflowId"] == "wf_abc123"
    plain = e2e_client.workflows.executions.get(final.execution_id)
    assert isinstance(plain.steps, Unset), "steps only come with include_steps=True"


def test_overrides_replace_a_step_output(e2e_client: EigenpalClient, e2e_sample_pdf: Path) -> None:
    triggered = e2e_client.workflows.run(
        "extract-invoice",
        {"contract_document": e2e_sample_pdf},
        overrides={"steps": {"extract-fields": {"total": "X"}}},
    )
    final = e2e_client.workflows.executions.wait(triggered.execution_id, timeout_seconds=10.0)
    assert final.status == ExecutionStatus.COMPLETED
    assert final.result["fields"] == {"total": "X"}
    assert final.result["document"]["pdf"]["pageCount"] == 2, "the other step still ran"
    detail = e2e_client.workflows.executions.get(triggered.execution_id, include_steps=True)
    assert not isinstance(detail.steps, Unset)
    statuses = {step.step_id: step.status for step in detail.steps}
    assert statuses == {"read-document": "completed", "extract-fields": "overridden"}


def test_a_failing_workflow_is_returned_failed_with_its_error(e2e_client: EigenpalClient) -> None:
    final = e2e_client.workflows.executions.run_and_wait("fail", {"message": "the ledger is locked"})
    assert final.status == ExecutionStatus.FAILED
    assert final.error == "the ledger is locked"
    assert final.result is None
    assert final.completed_at is not None


def test_versions_are_newest_first_and_pin_runs(e2e_client: EigenpalClient) -> None:
    versions = e2e_client.workflows.versions("echo")
    assert [v.version for v in versions.data] == ["1.1.0", "1.0.0"]
    assert [v.is_current for v in versions.data] == [True, False]
    assert versions.total == 2
    old = versions.data[1]

    by_tag = e2e_client.workflows.run("echo", {"n": 1}, version="1.0.0")
    by_id = e2e_client.workflows.run("echo", {"n": 2}, version=old.id)
    latest = e2e_client.workflows.run("echo", {"n": 3}, version="latest")
    pinned = {
        triggered.execution_id: e2e_client.workflows.executions.get(triggered.execution_id, include_steps=True)
        for triggered in (by_tag, by_id, latest)
    }
    assert pinned[by_tag.execution_id].additional_properties["versionId"] == old.id
    assert pinned[by_id.execution_id].additional_properties["versionId"] == old.id
    assert pinned[latest.execution_id].additional_properties["versionId"] == versions.data[0].id

    with pytest.raises(EigenpalNotFoundError) as caught:
        e2e_client.workflows.run("echo", {"n": 4}, version="9.9.9")
    assert caught.value.status == 404
    assert [issue.field for issue in caught.value.issues] == ["query.version"]


# --- listing -----------------------------------------------------------------------------------------------


def test_list_filters_pagination_and_order(e2e_server: LocalEigenpalServer) -> None:
    with client_for(e2e_server) as client:
        executions = client.workflows.executions
        echoes = [executions.run_and_wait("echo", {"n": n}, timeout_seconds=10.0) for n in range(3)]
        failures = [executions.run_and_wait("fail", {"message": f"no {n}"}, timeout_seconds=10.0) for n in range(2)]
        e2e_server.state.engine.pause()
        try:
            never_run = client.workflows.run("fail", {"message": "never"})
            assert executions.cancel(never_run.execution_id).status == "cancelled"
        finally:
            e2e_server.state.engine.resume()
        echo_ids = [done.execution_id for done in echoes]
        failed_ids = {done.execution_id for done in failures}

        completed = executions.list("echo", status=["completed"])
        assert completed.total == 3
        assert [item.id for item in completed.data] == echo_ids[::-1], "newest first"
        created = [item.created_at for item in completed.data if item.created_at is not None]
        assert len(created) == len(completed.data)
        assert created == sorted(created, reverse=True)
        for item in completed.data:
            assert item.workflow_id == "wf_echo"
            assert not isinstance(item.workflow, Unset)
            assert item.workflow is not None
            assert (item.workflow.id, item.workflow.name) == ("wf_echo", "echo")
            assert item.status == ExecutionStatus.COMPLETED

        assert executions.list("echo", status=["failed", "cancelled"]).total == 0
        bad = executions.list("fail", status=["failed", "cancelled"])
        assert bad.total == 3
        assert {item.id for item in bad.data} == failed_ids | {never_run.execution_id}
        only_failed = executions.list("fail", status="failed")
        assert {item.id for item in only_failed.data} == failed_ids
        assert {item.error for item in only_failed.data} == {"no 0", "no 1"}

        assert executions.list("echo", from_date="now()-1h").total == 3
        assert executions.list("echo", from_date="now()+1h").total == 0
        assert executions.list("echo", to_date="now()-1h").total == 0
        assert executions.list("echo", from_date="now()-1h", to_date="now()+1h").total == 3

        first = executions.list("echo", limit=2)
        second = executions.list("echo", limit=2, offset=2)
        beyond = executions.list("echo", limit=2, offset=4)
    assert (first.total, first.limit, first.offset, len(first.data)) == (3, 2, 0, 2)
    assert (second.total, second.limit, second.offset, len(second.data)) == (3, 2, 2, 1)
    assert (beyond.total, len(beyond.data)) == (3, 0)
    assert [item.id for item in first.data + second.data] == echo_ids[::-1]
